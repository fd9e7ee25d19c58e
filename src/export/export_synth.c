/* export_synth — Yosys synthesis jobs and their rows; see export_synth.h. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include "export/export_synth.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "export/export_template.h"
#include "export/export_hls.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/interrupt.h"
#include "util/sha256.h"

/* ------------------------------------------------------------------ yosys */

static bool on_path(const char *exe)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char buf[4096];
    for (const char *p = path; *p;) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? p : ".", exe);
        if (access(buf, X_OK) == 0)
            return true;
        p += n + (e ? 1 : 0);
    }
    return false;
}

int export_synth_yosys_version(char *version, size_t cap)
{
    if (!on_path("yosys"))
        return snac_err_set(SNAC_ENOTFOUND,
                            "yosys not found on PATH: install the Debian package `yosys` (apt-get install yosys)");
    FILE *p = popen("yosys -V 2>/dev/null", "r");
    char line[256] = "";
    if (!p || !fgets(line, sizeof line, p)) {
        if (p)
            pclose(p);
        return snac_err_set(SNAC_EIO, "could not run `yosys -V`");
    }
    pclose(p);
    /* "Yosys 0.23 (git sha1 ...)" */
    const char *v = strstr(line, "Yosys ");
    if (!v)
        return snac_err_set(SNAC_EFORMAT, "unexpected `yosys -V` output: %s", line);
    v += 6;
    size_t n = strcspn(v, " +\n");
    snprintf(version, cap, "%.*s", (int)n, v);
    return 0;
}

/* ------------------------------------------------------------------ results */

enum { N_LUT = 6 };

typedef struct synth_counts {
    double lut_by_size[N_LUT]; /* LUT1..LUT6 */
    double srl, inv, ff, dsp, carry, bram18, uram, muxf;
    double lut;                /* LUT1..6 + SRL */
    double depth;              /* ltp length (estimate) */
} synth_counts;

/* Parse the last "num_cells_by_type" object of stat -json (the design's totals). */
static int parse_stat(const char *path, synth_counts *c)
{
    char *text;
    size_t len;
    int rc = snac_read_file(path, &text, &len);
    if (rc)
        return rc;
    const char *p = NULL, *q = text;
    while ((q = strstr(q, "\"num_cells_by_type\"")) != NULL)
        p = q++;
    if (!p || !(p = strchr(p, '{'))) {
        free(text);
        return snac_err_set(SNAC_EFORMAT, "%s: no num_cells_by_type", path);
    }
    memset(c, 0, sizeof *c);
    p++;
    for (;;) {
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == ',')
            p++;
        if (*p == '}' || !*p)
            break;
        if (*p != '"') {
            free(text);
            return snac_err_set(SNAC_EFORMAT, "%s: malformed num_cells_by_type", path);
        }
        const char *name = ++p;
        const char *end = strchr(p, '"');
        if (!end) {
            free(text);
            return snac_err_set(SNAC_EFORMAT, "%s: malformed num_cells_by_type", path);
        }
        size_t n = (size_t)(end - name);
        p = strchr(end, ':');
        if (!p) {
            free(text);
            return snac_err_set(SNAC_EFORMAT, "%s: malformed num_cells_by_type", path);
        }
        char *num_end;
        double v = strtod(p + 1, &num_end);
        p = num_end;
#define IS(s) (n == strlen(s) && memcmp(name, s, n) == 0)
        if (n == 4 && memcmp(name, "LUT", 3) == 0 && name[3] >= '1' && name[3] <= '6')
            c->lut_by_size[name[3] - '1'] += v;
        else if (IS("SRL16E") || IS("SRLC32E") || IS("SRLC16E"))
            c->srl += v;
        else if (IS("INV"))
            c->inv += v;
        else if (IS("FDRE") || IS("FDSE") || IS("FDCE") || IS("FDPE") || IS("LDCE") || IS("LDPE"))
            c->ff += v;
        else if (IS("DSP48E2") || IS("DSP48E1"))
            c->dsp += v;
        else if (IS("CARRY4") || IS("CARRY8"))
            c->carry += v;
        else if (IS("RAMB18E2"))
            c->bram18 += v;
        else if (IS("RAMB36E2"))
            c->bram18 += 2 * v;
        else if (IS("URAM288"))
            c->uram += v;
        else if (IS("MUXF7") || IS("MUXF8") || IS("MUXF9"))
            c->muxf += v;
#undef IS
    }
    free(text);
    c->lut = c->srl;
    for (int k = 0; k < N_LUT; k++)
        c->lut += c->lut_by_size[k];
    return 0;
}

static double parse_ltp(const char *path)
{
    char *text;
    size_t len;
    if (snac_read_file(path, &text, &len))
        return NAN;
    const char *p = strstr(text, "(length=");
    double v = p ? strtod(p + 8, NULL) : NAN;
    free(text);
    return v;
}

/* One model of the batch: its export, and the Yosys runs (parts) that synthesize it: the whole
 * design, or with `split` one run per layer module, whose counts are summed. */
typedef struct synth_model {
    int64_t model_id;
    char dir[4096];        /* WORK/model_<id> */
    int latency;
    size_t nonzero, n_layers;
    size_t parts, parts_left;
    bool failed, timed_out;
    int exit_code;
    struct timespec start; /* first part started */
    double peak_mb;        /* largest part */
    synth_counts c;        /* summed over parts */
} synth_model;

typedef struct synth_task {
    pid_t pid;             /* 0 = free slot */
    size_t model, part;
    struct timespec start;
    bool timed_out;
} synth_task;

/* The one place a Yosys result becomes a synthesis_results row (one transaction). `c` NULL:
 * a failed row. The schema's extra Yosys numbers live in the referenced JSON file. */
static int synth_row_insert(snac_db *db, const synth_model *j, const export_synth_opts *o, const char *version,
                            const synth_counts *c, const char *source_path)
{
    char sha[SHA256_HEX_LEN], now[32];
    char *text;
    size_t len;
    int rc = snac_read_file(source_path, &text, &len);
    if (rc)
        return rc;
    sha256_hex(text, len, sha);
    db_now(now);
    static const char sql[] =
        "INSERT INTO synthesis_results(model_id, toolchain, tool_version, part, strategy, reuse_factor, io_type,"
        " lut, ff, dsp, bram18, uram, latency_best, latency_worst, ii_min, ii_max, bram_note,"
        " source_kind, source_path, source_sha256, source_row, created_at, details)"
        " VALUES(?1,?2,?3,?4,'rtl',1,'io_parallel',?5,?6,?7,?8,?9,?10,?10,?11,?11,?12,?13,?14,?15,0,?16,?17)"
        " ON CONFLICT(source_sha256, source_row) DO NOTHING";
    sqlite3_stmt *st;
    if ((rc = db_begin(db))) {
        free(text);
        return rc;
    }
    /* a retried model: its earlier failed row goes, so a model has one row per Yosys version */
    static const char del[] = "DELETE FROM synthesis_results WHERE model_id = ?1 AND toolchain = ?2 AND"
                              " tool_version = ?3 AND source_kind = 'yosys-failed'";
    if (sqlite3_prepare_v2(db_handle(db), del, -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "preparing the failed-row delete");
        db_rollback(db);
        free(text);
        return rc;
    }
    sqlite3_bind_int64(st, 1, j->model_id);
    sqlite3_bind_text(st, 2, EXPORT_SYNTH_TOOLCHAIN, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, version, -1, SQLITE_TRANSIENT);
    int ds = sqlite3_step(st);
    sqlite3_finalize(st);
    if (ds != SQLITE_DONE || sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "preparing the synthesis_results insert");
        db_rollback(db);
        free(text);
        return rc;
    }
    sqlite3_bind_int64(st, 1, j->model_id);
    sqlite3_bind_text(st, 2, EXPORT_SYNTH_TOOLCHAIN, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, o->part, -1, SQLITE_TRANSIENT);
    if (c) {
        sqlite3_bind_double(st, 5, c->lut);
        sqlite3_bind_double(st, 6, c->ff);
        sqlite3_bind_double(st, 7, c->dsp);
        sqlite3_bind_double(st, 8, c->bram18);
        sqlite3_bind_double(st, 9, c->uram);
        sqlite3_bind_double(st, 10, j->latency);
        sqlite3_bind_double(st, 11, 1);
        sqlite3_bind_text(st, 12, "yosys synth_xilinx -family xcup; ROMs as LUTs unless inferred as RAMB", -1,
                          SQLITE_STATIC);
    }
    sqlite3_bind_text(st, 13, c ? "yosys" : "yosys-failed", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, source_path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 15, sha, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 16, now, -1, SQLITE_TRANSIENT);
    if (c) /* the details file's own text: the figures without a column of their own */
        sqlite3_bind_text(st, 17, text, (int)len, SQLITE_TRANSIENT);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    free(text);
    if (s != SQLITE_DONE) {
        rc = db_error(db, "inserting a synthesis result");
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
}

/* Whether model `id` has a row of this Yosys version of `kind` ("yosys": synthesized, or
 * "yosys-failed": failed or timed out). */
static int has_row(snac_db *db, int64_t id, const char *version, const char *kind, bool *found)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT 1 FROM synthesis_results WHERE model_id = ?1 AND toolchain = ?2 AND"
                           " tool_version = ?3 AND source_kind = ?4 LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "query synthesis_results");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, EXPORT_SYNTH_TOOLCHAIN, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return db_error(db, "query synthesis_results");
    *found = s == SQLITE_ROW;
    return 0;
}

/* The work folder's lock (WORK/.snac_synth.lock, flock): held by this process and inherited by
 * every Yosys (and abc) it starts, so it stays held while any of them lives, even after snac
 * itself was killed. Taken: another run, or its orphaned Yosys, is live in the folder. */
static int lock_work(const char *work, int *fd)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/.snac_synth.lock", work);
    *fd = open(path, O_RDWR | O_CREAT, 0666); /* no O_CLOEXEC: the children keep it */
    if (*fd < 0)
        return snac_err_set(SNAC_EIO, "cannot create %s: %s", path, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(*fd);
        *fd = -1;
        if (e == EWOULDBLOCK)
            return snac_err_set(SNAC_EBUSY, "%s: a synthesis is still running in this work folder (another snac "
                                "synth, or the Yosys of a killed one: `fuser -v %s` names it); wait for it or stop "
                                "it, or give another --work", work, path);
        return snac_err_set(SNAC_EIO, "cannot lock %s: %s", path, strerror(e));
    }
    return SNAC_OK;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* File names of part k: the whole design ("", top myproject) or layer k+1 ("_L<k+1>"). */
static void part_suffix(const synth_model *j, size_t k, char *buf, size_t cap)
{
    if (j->parts == 1)
        buf[0] = '\0';
    else
        snprintf(buf, cap, "_L%zu", k + 1);
}

/* Export the RTL and the scripts of model j (parent side, before any fork). */
static int prepare(snac_db *db, synth_model *j, const export_synth_opts *o)
{
    export_opts eo = EXPORT_OPTS_INIT;
    eo.rtl = true;
    eo.n_vectors = 4;
    eo.part = o->part;
    eo.rtl_opts = o->rtl;
    export_result r;
    int rc = export_model(db, j->model_id, &eo, j->dir, &r);
    if (rc)
        return rc;
    j->latency = r.rtl.latency_cycles;
    j->nonzero = r.nonzero;
    j->n_layers = r.n_layers;
    j->parts = o->split ? r.n_layers : 1;
    j->parts_left = j->parts;
    char path[4200], *list;
    size_t len;
    snprintf(path, sizeof path, "%s/synth", j->dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return snac_err_set(SNAC_EIO, "cannot create folder %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/rtl/files.f", j->dir);
    if ((rc = snac_read_file(path, &list, &len)))
        return rc;
    char hdr[256];
    snprintf(hdr, sizeof hdr, "# snac synth: model %lld; see ../snac_manifest.json for the spec and generator",
             (long long)j->model_id);
    for (size_t k = 0; k < j->parts && !rc; k++) {
        /* the file list, top last: every file for the whole design; a layer's file and the ROMs for a part */
        char layer_file[64], suf[32], top[64];
        snprintf(layer_file, sizeof layer_file, "myproject_layer%zu.v", k + 1);
        part_suffix(j, k, suf, sizeof suf);
        if (j->parts == 1)
            snprintf(top, sizeof top, "myproject");
        else
            snprintf(top, sizeof top, "myproject_layer%zu", k + 1);
        strbuf files = {0};
        char *copy = strdup(list);
        if (!copy) {
            rc = snac_err_set(SNAC_ENOMEM, "synth: out of memory");
            break;
        }
        for (char *tok = strtok(copy, "\n"); tok; tok = strtok(NULL, "\n"))
            if (j->parts == 1 || strstr(tok, "_rom_") || strcmp(tok, layer_file) == 0)
                strbuf_printf(&files, "%s../rtl/%s", files.len ? " " : "", tok);
        free(copy);
        export_vars v = {0};
        rc = export_str_check(&files);
        rc = rc ? rc : export_vars_set(&v, "HEADER_HASH", "%s", hdr);
        rc = rc ? rc : export_vars_set(&v, "FILES", "%s", strbuf_get(&files));
        rc = rc ? rc : export_vars_set(&v, "TOP", "%s", top);
        rc = rc ? rc : export_vars_set(&v, "STAT", "stat%s.json", suf);
        rc = rc ? rc : export_vars_set(&v, "LTP", "ltp%s.txt", suf);
        snprintf(path, sizeof path, "%s/synth/synth%s.ys", j->dir, suf);
        rc = rc ? rc : export_template_write("synth/yosys_xcup.ys", &v, path);
        /* no stale results from an earlier run */
        static const char *const stale[][2] = {{"stat", ".json"}, {"ltp", ".txt"}, {"yosys", ".log"}};
        for (size_t f = 0; f < sizeof stale / sizeof *stale; f++) {
            snprintf(path, sizeof path, "%s/synth/%s%s%s", j->dir, stale[f][0], suf, stale[f][1]);
            unlink(path);
        }
        export_vars_free(&v);
        strbuf_free(&files);
    }
    free(list);
    snprintf(path, sizeof path, "%s/synth/yosys_result.json", j->dir);
    unlink(path);
    return rc;
}

static pid_t launch(const synth_model *j, size_t k)
{
    char dir[4200], suf[32], script[64], logf[64];
    snprintf(dir, sizeof dir, "%s/synth", j->dir);
    part_suffix(j, k, suf, sizeof suf);
    snprintf(script, sizeof script, "synth%s.ys", suf);
    snprintf(logf, sizeof logf, "yosys%s.log", suf);
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* its own group: a timeout kills abc too */
        snac_interrupt_default();
        /* snac killed (even by SIGKILL): Yosys goes too, not left running orphaned */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(125);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        if (chdir(dir) != 0)
            _exit(126);
        execlp("yosys", "yosys", "-q", "-l", logf, "-s", script, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        setpgid(pid, pid);
    return pid;
}

/* Part k of model j exited: add its counts. */
static void part_done(synth_model *j, size_t k, const synth_task *t, int status, const struct rusage *ru)
{
    char path[4200], suf[32];
    part_suffix(j, k, suf, sizeof suf);
    const double mb = (double)ru->ru_maxrss / 1024.0;
    if (mb > j->peak_mb)
        j->peak_mb = mb;
    if (t->timed_out)
        j->timed_out = true;
    synth_counts c;
    snprintf(path, sizeof path, "%s/synth/stat%s.json", j->dir, suf);
    if (t->timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || parse_stat(path, &c) != 0) {
        j->failed = true;
        j->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        snac_err_clear();
        return;
    }
    snprintf(path, sizeof path, "%s/synth/ltp%s.txt", j->dir, suf);
    c.depth = parse_ltp(path);
    for (int b = 0; b < N_LUT; b++)
        j->c.lut_by_size[b] += c.lut_by_size[b];
    j->c.srl += c.srl;
    j->c.inv += c.inv;
    j->c.ff += c.ff;
    j->c.dsp += c.dsp;
    j->c.carry += c.carry;
    j->c.bram18 += c.bram18;
    j->c.uram += c.uram;
    j->c.muxf += c.muxf;
    j->c.lut += c.lut;
    if (!(j->c.depth >= c.depth))
        j->c.depth = c.depth; /* the deepest part */
}

/* Every part of model j is done: write the details file, store the row. */
static int model_done(snac_db *db, synth_model *j, const export_synth_opts *o, const char *version, FILE *log,
                      export_synth_summary *sum)
{
    const double wall = seconds_since(&j->start);
    const bool ok = !j->failed;
    const synth_counts *c = &j->c;
    char res[4200], logp[4200];
    snprintf(res, sizeof res, "%s/synth/yosys_result.json", j->dir);
    snprintf(logp, sizeof logp, j->parts == 1 ? "%s/synth/yosys.log" : "%s/synth/yosys_L1.log", j->dir);
    strbuf b = {0};
    strbuf_printf(&b, "{\"kind\":\"snac-synth\",\"model_id\":%lld,\"toolchain\":\"yosys-%s\",\"status\":\"%s\",",
                  (long long)j->model_id, version, ok ? "done" : j->timed_out ? "timeout" : "failed");
    strbuf_printf(&b, "\"flow\":\"synth_xilinx -family xcup (coarse; cmp2lut/cmp2lcu; map_memory:)\",\"split\":\"%s\","
                      "\"parts\":%zu,",
                   j->parts == 1 ? "whole design" : "per layer (counts summed; top-level valid register omitted)", j->parts);
    strbuf_printf(&b, "\"wall_s\":%.3f,\"peak_rss_mb\":%.1f,\"nonzero_weights\":%zu,\"latency_cycles\":%d,", wall,
                  j->peak_mb, j->nonzero, j->latency);
    if (ok) {
        strbuf_printf(&b, "\"lut\":%.0f,\"lut_by_size\":{", c->lut);
        for (int k = 0; k < N_LUT; k++)
            strbuf_printf(&b, "%s\"LUT%d\":%.0f", k ? "," : "", k + 1, c->lut_by_size[k]);
        strbuf_printf(&b, ",\"SRL\":%.0f},\"inv\":%.0f,\"ff\":%.0f,\"dsp48e2\":%.0f,\"carry\":%.0f,\"muxf\":%.0f,"
                          "\"bram18\":%.0f,\"uram\":%.0f,\"logic_depth_estimate_cells\":",
                       c->srl, c->inv, c->ff, c->dsp, c->carry, c->muxf, c->bram18, c->uram);
        if (isfinite(c->depth))
            strbuf_printf(&b, "%.0f,", c->depth);
        else
            strbuf_puts(&b, "null,");
        strbuf_puts(&b, "\"logic_depth_note\":\"longest register-to-register path in cells (ltp -noff), an "
                        "estimate: no UltraScale+ timing in open tools\",");
    } else {
        strbuf_printf(&b, "\"exit\":%d,", j->exit_code);
    }
    strbuf_printf(&b, "\"log\":\"%s\"}\n", logp);
    int rc = export_str_check(&b);
    rc = rc ? rc : export_write_file(res, strbuf_get(&b), b.len);
    strbuf_free(&b);
    rc = rc ? rc : synth_row_insert(db, j, o, version, ok ? c : NULL, ok ? res : (access(logp, R_OK) == 0 ? logp : res));
    if (rc)
        return rc;
    if (ok)
        sum->done++;
    else
        sum->failed++;
    /* test hook: a kill -9 right after the K-th stored row (the pipeline's mid-synthesis resume test) */
    const char *kill_after = getenv("SNAC_SYNTH_KILL_AFTER");
    if (kill_after && sum->done + sum->failed == (size_t)strtoull(kill_after, NULL, 10))
        raise(SIGKILL);
    if (log && !o->quiet) {
        if (ok)
            fprintf(log, "model %lld: LUT %.0f FF %.0f DSP %.0f CARRY %.0f BRAM18 %.0f; latency %d cycles; depth ~%.0f "
                         "cells; %.1f s, %.0f MB%s\n",
                    (long long)j->model_id, c->lut, c->ff, c->dsp, c->carry, c->bram18, j->latency, c->depth, wall,
                    j->peak_mb, j->parts > 1 ? " (per-layer runs)" : "");
        else
            fprintf(log, "model %lld: %s after %.1f s; log %s\n", (long long)j->model_id,
                    j->timed_out ? "timed out" : "failed", wall, logp);
        fflush(log);
    }
    return 0;
}

/* Skip model `id` if it has a row of this Yosys version; else export it into j. */
static int start_model(snac_db *db, int64_t id, const export_synth_opts *o, FILE *log, export_synth_summary *sum,
                       synth_model *j, bool *skip)
{
    bool found = false, failed_before = false;
    int rc;
    if ((rc = has_row(db, id, sum->yosys_version, "yosys", &found)) ||
        (!found && (rc = has_row(db, id, sum->yosys_version, "yosys-failed", &failed_before))))
        return rc;
    *skip = found;
    if (found) {
        sum->skipped++;
        if (log && !o->quiet)
            fprintf(log, "model %lld: already synthesized with yosys %s, skipped\n", (long long)id,
                    sum->yosys_version);
        return SNAC_OK;
    }
    if (failed_before && log && !o->quiet)
        fprintf(log, "model %lld: the earlier yosys %s run failed or timed out; retrying\n", (long long)id,
                sum->yosys_version);
    j->model_id = id;
    snprintf(j->dir, sizeof j->dir, "%s/model_%lld", o->work_dir, (long long)id);
    if ((rc = prepare(db, j, o)))
        return rc;
    clock_gettime(CLOCK_MONOTONIC, &j->start);
    return SNAC_OK;
}

#ifdef SNAC_WITH_MPI
/* ------------------------------------------------------------------ parts on MPI ranks */

typedef struct part_job {
    char dir[4096];       /* the model's folder (shared file system) */
    uint64_t parts, part;
    double timeout_s;
} part_job;

typedef struct part_res {
    int32_t status, timed_out; /* wait status of yosys */
    int64_t maxrss_kb;
} part_res;

static int part_setup(const void *blob, size_t len, void **state)
{
    (void)blob;
    (void)len;
    *state = NULL;
    return SNAC_OK;
}

/* Worker rank: run one part's Yosys to its end or its timeout. */
static int part_work(void *state, const void *job, size_t len, void **out, size_t *out_len)
{
    (void)state;
    part_job pj;
    if (len != sizeof pj)
        return snac_err_set(SNAC_EFORMAT, "synthesis job of %zu bytes", len);
    memcpy(&pj, job, sizeof pj);
    synth_model j;
    memset(&j, 0, sizeof j);
    snprintf(j.dir, sizeof j.dir, "%s", pj.dir);
    j.parts = pj.parts;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = launch(&j, pj.part);
    if (pid < 0)
        return snac_err_set(SNAC_EIO, "cannot start yosys: %s", strerror(errno));
    part_res r = {0, 0, 0};
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return snac_err_set(SNAC_EIO, "waiting for yosys: %s", strerror(errno));
        if (!r.timed_out && pj.timeout_s > 0 && seconds_since(&t0) > pj.timeout_s) {
            r.timed_out = 1;
            kill(-pid, SIGKILL);
        }
        struct timespec nap = {0, 50 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    r.status = status;
    r.maxrss_kb = ru.ru_maxrss;
    if (!(*out = malloc(sizeof r)))
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    memcpy(*out, &r, sizeof r);
    *out_len = sizeof r;
    return SNAC_OK;
}

const mpi_farm_kind export_synth_mpi_kind = {"yosys part", part_setup, NULL, part_work};

typedef struct mpi_ctx {
    snac_db *db;
    synth_model *models;
    const part_job *jobs;
    const size_t *job_model; /* (n_jobs) index into models */
    const export_synth_opts *o;
    FILE *log;
    export_synth_summary *sum;
} mpi_ctx;

/* Rank 0: a part ended; the counts are read from the folder as on one machine. */
static int on_part(size_t job, const void *res, size_t len, void *ctx)
{
    mpi_ctx *c = ctx;
    part_res r;
    if (len != sizeof r)
        return snac_err_set(SNAC_EFORMAT, "synthesis result of %zu bytes", len);
    memcpy(&r, res, sizeof r);
    synth_model *j = &c->models[c->job_model[job]];
    synth_task t;
    memset(&t, 0, sizeof t);
    t.timed_out = r.timed_out != 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    ru.ru_maxrss = (long)r.maxrss_kb;
    part_done(j, c->jobs[job].part, &t, r.status, &ru);
    return --j->parts_left == 0 ? model_done(c->db, j, c->o, c->sum->yosys_version, c->log, c->sum) : SNAC_OK;
}

static int run_mpi(snac_db *db, const int64_t *ids, size_t n, const export_synth_opts *o, FILE *log,
                   export_synth_summary *sum, synth_model *models)
{
    int rc = SNAC_OK;
    size_t n_jobs = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        bool skip = false;
        rc = start_model(db, ids[i], o, log, sum, &models[i], &skip);
        n_jobs += skip ? 0 : models[i].parts;
    }
    part_job *jobs = calloc(n_jobs ? n_jobs : 1, sizeof *jobs);
    size_t *job_model = calloc(n_jobs ? n_jobs : 1, sizeof *job_model);
    if (!rc && (!jobs || !job_model))
        rc = snac_err_set(SNAC_ENOMEM, "synth: out of memory");
    for (size_t i = 0, k = 0; i < n && !rc; i++)
        for (size_t p = 0; p < models[i].parts; p++, k++) {
            snprintf(jobs[k].dir, sizeof jobs[k].dir, "%s", models[i].dir);
            jobs[k].parts = models[i].parts;
            jobs[k].part = p;
            jobs[k].timeout_s = o->timeout_s;
            job_model[k] = i;
        }
    mpi_ctx c = {db, models, jobs, job_model, o, log, sum};
    /* the farm's own timeout only catches a lost rank: the worker ends a slow Yosys first */
    mpi_farm_batch b = {MPI_FARM_SYNTH_PART, "", 0, jobs, sizeof *jobs, n_jobs,
                        o->timeout_s > 0 ? o->timeout_s + 60.0 : 0.0, on_part, &c};
    if (!rc)
        rc = mpi_farm_run(&b);
    free(jobs);
    free(job_model);
    return rc;
}
#endif

int export_synth_run(snac_db *db, const int64_t *ids, size_t n, const export_synth_opts *o, FILE *log,
                     export_synth_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    if (o->jobs < 1 || o->jobs > 256)
        return snac_err_set(SNAC_EINVAL, "synth: %u jobs, expected 1..256", o->jobs);
    int rc = export_synth_yosys_version(sum->yosys_version, sizeof sum->yosys_version);
    if (rc)
        return rc;
    /* every model must exist and be quantized before anything runs */
    for (size_t i = 0; i < n; i++) {
        quant_model *m;
        if ((rc = export_load_qmodel(db, ids[i], &m, NULL, 0, NULL)))
            return rc;
        rc = export_rtl_check(m, &o->rtl);
        quant_model_free(m);
        if (rc)
            return snac_err_prefix(rc, "model %lld: ", (long long)ids[i]);
    }
    if (mkdir(o->work_dir, 0777) != 0 && errno != EEXIST)
        return snac_err_set(SNAC_EIO, "cannot create folder %s: %s", o->work_dir, strerror(errno));
    int lock_fd;
    if ((rc = lock_work(o->work_dir, &lock_fd)))
        return rc;
    synth_model *models = calloc(n ? n : 1, sizeof *models);
    synth_task *tasks = calloc(o->jobs, sizeof *tasks);
    if (!models || !tasks) {
        free(models);
        free(tasks);
        close(lock_fd);
        return snac_err_set(SNAC_ENOMEM, "synth: out of memory");
    }
#ifdef SNAC_WITH_MPI
    if (mpi_farm_size() > 1) {
        rc = run_mpi(db, ids, n, o, log, sum, models);
        free(tasks);
        free(models);
        close(lock_fd);
        return rc;
    }
#endif
    size_t next_model = 0, running = 0;
    size_t cur = n, cur_part = 0; /* the prepared model whose parts are being launched */
    while (!rc) {
        /* start parts while slots are free */
        while (!rc && running < o->jobs) {
            if (cur == n || cur_part == models[cur].parts) {
                if (next_model == n)
                    break;
                /* prepare the next model not yet stored */
                const size_t i = next_model++;
                bool skip = false;
                if ((rc = start_model(db, ids[i], o, log, sum, &models[i], &skip)))
                    break;
                if (skip)
                    continue;
                cur = i;
                cur_part = 0;
            }
            synth_task *t = NULL;
            for (unsigned k = 0; k < o->jobs; k++)
                if (tasks[k].pid == 0) {
                    t = &tasks[k];
                    break;
                }
            memset(t, 0, sizeof *t);
            t->model = cur;
            t->part = cur_part++;
            clock_gettime(CLOCK_MONOTONIC, &t->start);
            t->pid = launch(&models[cur], t->part);
            if (t->pid < 0) {
                t->pid = 0;
                rc = snac_err_set(SNAC_EIO, "cannot start yosys: %s", strerror(errno));
                break;
            }
            running++;
        }
        if (rc || running == 0)
            break;
        /* reap or time out */
        int status;
        struct rusage ru;
        pid_t pid = wait4(-1, &status, WNOHANG, &ru);
        if (pid > 0) {
            for (unsigned k = 0; k < o->jobs; k++)
                if (tasks[k].pid == pid) {
                    synth_task *t = &tasks[k];
                    synth_model *j = &models[t->model];
                    t->pid = 0;
                    running--;
                    part_done(j, t->part, t, status, &ru);
                    if (--j->parts_left == 0)
                        rc = model_done(db, j, o, sum->yosys_version, log, sum);
                    break;
                }
            continue;
        }
        if (snac_interrupted()) { /* Ctrl-C / SIGTERM: stop the Yosys groups below, store nothing */
            rc = snac_err_set(SNAC_EINTR, "synth interrupted by %s: the running Yosys jobs were stopped; run the "
                              "same command again to go on", snac_interrupt_name(snac_interrupted()));
            break;
        }
        for (unsigned k = 0; k < o->jobs; k++)
            if (tasks[k].pid > 0 && !tasks[k].timed_out && o->timeout_s > 0 &&
                seconds_since(&models[tasks[k].model].start) > o->timeout_s) {
                tasks[k].timed_out = true;
                kill(-tasks[k].pid, SIGKILL);
            }
        struct timespec nap = {0, 50 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    /* on an error, stop what still runs */
    for (unsigned k = 0; k < o->jobs; k++)
        if (tasks[k].pid > 0) {
            kill(-tasks[k].pid, SIGKILL);
            waitpid(tasks[k].pid, NULL, 0);
        }
    free(tasks);
    free(models);
    close(lock_fd);
    return rc;
}
