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

typedef struct synth_job {
    int64_t model_id;
    char dir[4096];        /* WORK/model_<id> */
    pid_t pid;
    struct timespec start;
    int latency;
    size_t nonzero;
    bool timed_out;
} synth_job;

/* The one place a Yosys result becomes a synthesis_results row (one transaction). `c` NULL:
 * a failed row. The schema's extra Yosys numbers live in the referenced JSON file. */
static int synth_row_insert(snac_db *db, const synth_job *j, const export_synth_opts *o, const char *version,
                            const synth_counts *c, const char *source_path)
{
    char sha[SHA256_HEX_LEN], now[32];
    char *text;
    size_t len;
    int rc = snac_read_file(source_path, &text, &len);
    if (rc)
        return rc;
    sha256_hex(text, len, sha);
    free(text);
    db_now(now);
    static const char sql[] =
        "INSERT INTO synthesis_results(model_id, toolchain, tool_version, part, strategy, reuse_factor, io_type,"
        " lut, ff, dsp, bram18, uram, latency_best, latency_worst, ii_min, ii_max, bram_note,"
        " source_kind, source_path, source_sha256, source_row, created_at)"
        " VALUES(?1,?2,?3,?4,'rtl',1,'io_parallel',?5,?6,?7,?8,?9,?10,?10,?11,?11,?12,?13,?14,?15,0,?16)"
        " ON CONFLICT(source_sha256, source_row) DO NOTHING";
    sqlite3_stmt *st;
    if ((rc = db_begin(db)))
        return rc;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "preparing the synthesis_results insert");
        db_rollback(db);
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
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        rc = db_error(db, "inserting a synthesis result");
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
}

/* Whether model `id` already has a row of this Yosys version (done or failed). */
static int has_row(snac_db *db, int64_t id, const char *version, bool *found)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT 1 FROM synthesis_results WHERE model_id = ?1 AND toolchain = ?2 AND"
                           " tool_version = ?3 AND source_kind IN ('yosys', 'yosys-failed') LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "query synthesis_results");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, EXPORT_SYNTH_TOOLCHAIN, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, version, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return db_error(db, "query synthesis_results");
    *found = s == SQLITE_ROW;
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* Export the RTL and the script of job j (parent side, before the fork). */
static int prepare(snac_db *db, synth_job *j, const export_synth_opts *o)
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
    /* the file list, top last */
    char path[4200], *list;
    size_t len;
    snprintf(path, sizeof path, "%s/rtl/files.f", j->dir);
    if ((rc = snac_read_file(path, &list, &len)))
        return rc;
    export_str files = {0};
    for (char *tok = strtok(list, "\n"); tok; tok = strtok(NULL, "\n"))
        export_str_add(&files, "%s../rtl/%s", files.len ? " " : "", tok);
    free(list);
    export_vars v = {0};
    snprintf(path, sizeof path, "%s/synth", j->dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        rc = snac_err_set(SNAC_EIO, "cannot create folder %s: %s", path, strerror(errno));
    char hdr[256];
    snprintf(hdr, sizeof hdr, "# snac synth: model %lld; see ../snac_manifest.json for the spec and generator",
             (long long)j->model_id);
    rc = rc ? rc : export_str_check(&files);
    rc = rc ? rc : export_vars_set(&v, "HEADER_HASH", "%s", hdr);
    rc = rc ? rc : export_vars_set(&v, "FILES", "%s", export_str_get(&files));
    rc = rc ? rc : export_vars_set(&v, "TOP", "myproject");
    snprintf(path, sizeof path, "%s/synth/synth.ys", j->dir);
    rc = rc ? rc : export_template_write("synth/yosys_xcup.ys", &v, path);
    /* no stale results from an earlier run */
    static const char *const stale[] = {"stat.json", "ltp.txt", "yosys_result.json", "yosys.log"};
    for (size_t k = 0; k < sizeof stale / sizeof *stale; k++) {
        snprintf(path, sizeof path, "%s/synth/%s", j->dir, stale[k]);
        unlink(path);
    }
    export_vars_free(&v);
    export_str_free(&files);
    return rc;
}

static pid_t launch(const synth_job *j)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/synth", j->dir);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* its own group: a timeout kills abc too */
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        if (chdir(dir) != 0)
            _exit(126);
        execlp("yosys", "yosys", "-q", "-l", "yosys.log", "-s", "synth.ys", (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        setpgid(pid, pid);
    return pid;
}

/* After yosys exited: parse, write the details file, store the row. */
static int finish(snac_db *db, synth_job *j, const export_synth_opts *o, const char *version, int status,
                  const struct rusage *ru, FILE *log, export_synth_summary *sum)
{
    const double wall = seconds_since(&j->start);
    const double peak_mb = (double)ru->ru_maxrss / 1024.0;
    char path[4200], res[4200], logp[4200];
    snprintf(path, sizeof path, "%s/synth/stat.json", j->dir);
    snprintf(res, sizeof res, "%s/synth/yosys_result.json", j->dir);
    snprintf(logp, sizeof logp, "%s/synth/yosys.log", j->dir);
    synth_counts c;
    const bool ok = !j->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 && parse_stat(path, &c) == 0;
    if (ok) {
        snprintf(path, sizeof path, "%s/synth/ltp.txt", j->dir);
        c.depth = parse_ltp(path);
    }
    snac_err_clear();
    export_str b = {0};
    export_str_add(&b, "{\"kind\":\"snac-synth\",\"model_id\":%lld,\"toolchain\":\"yosys-%s\",\"status\":\"%s\",",
                   (long long)j->model_id, version, ok ? "done" : j->timed_out ? "timeout" : "failed");
    export_str_add(&b, "\"flow\":\"synth_xilinx -family xcup (coarse; cmp2lut/cmp2lcu; map_memory:)\",");
    export_str_add(&b, "\"wall_s\":%.3f,\"peak_rss_mb\":%.1f,\"nonzero_weights\":%zu,\"latency_cycles\":%d,", wall,
                   peak_mb, j->nonzero, j->latency);
    if (ok) {
        export_str_add(&b, "\"lut\":%.0f,\"lut_by_size\":{", c.lut);
        for (int k = 0; k < N_LUT; k++)
            export_str_add(&b, "%s\"LUT%d\":%.0f", k ? "," : "", k + 1, c.lut_by_size[k]);
        export_str_add(&b, ",\"SRL\":%.0f},\"inv\":%.0f,\"ff\":%.0f,\"dsp48e2\":%.0f,\"carry\":%.0f,\"muxf\":%.0f,"
                           "\"bram18\":%.0f,\"uram\":%.0f,\"logic_depth_estimate_cells\":",
                       c.srl, c.inv, c.ff, c.dsp, c.carry, c.muxf, c.bram18, c.uram);
        if (isfinite(c.depth))
            export_str_add(&b, "%.0f,", c.depth);
        else
            export_str_cat(&b, "null,");
        export_str_cat(&b, "\"logic_depth_note\":\"longest register-to-register path in cells (ltp -noff), an "
                           "estimate: no UltraScale+ timing in open tools\",");
    } else {
        export_str_add(&b, "\"exit\":%d,", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    export_str_add(&b, "\"log\":\"%s\"}\n", logp);
    int rc = export_str_check(&b);
    rc = rc ? rc : export_write_file(res, export_str_get(&b), b.len);
    export_str_free(&b);
    rc = rc ? rc : synth_row_insert(db, j, o, version, ok ? &c : NULL, ok ? res : (access(logp, R_OK) == 0 ? logp : res));
    if (rc)
        return rc;
    if (ok)
        sum->done++;
    else
        sum->failed++;
    if (log && !o->quiet) {
        if (ok)
            fprintf(log, "model %lld: LUT %.0f FF %.0f DSP %.0f CARRY %.0f BRAM18 %.0f; latency %d cycles; depth ~%.0f "
                         "cells; %.1f s, %.0f MB\n",
                    (long long)j->model_id, c.lut, c.ff, c.dsp, c.carry, c.bram18, j->latency, c.depth, wall, peak_mb);
        else
            fprintf(log, "model %lld: %s after %.1f s; log %s\n", (long long)j->model_id,
                    j->timed_out ? "timed out" : "failed", wall, logp);
        fflush(log);
    }
    return 0;
}

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
    synth_job *jobs = calloc(o->jobs, sizeof *jobs);
    if (!jobs)
        return snac_err_set(SNAC_ENOMEM, "synth: out of memory");
    size_t next = 0, running = 0;
    while (!rc && (next < n || running > 0)) {
        /* start jobs */
        while (!rc && next < n && running < o->jobs) {
            bool found = false;
            const int64_t id = ids[next++];
            if ((rc = has_row(db, id, sum->yosys_version, &found)))
                break;
            if (found) {
                sum->skipped++;
                if (log && !o->quiet)
                    fprintf(log, "model %lld: already synthesized with yosys %s, skipped\n", (long long)id,
                            sum->yosys_version);
                continue;
            }
            synth_job *j = NULL;
            for (unsigned k = 0; k < o->jobs; k++)
                if (jobs[k].pid == 0) {
                    j = &jobs[k];
                    break;
                }
            memset(j, 0, sizeof *j);
            j->model_id = id;
            snprintf(j->dir, sizeof j->dir, "%s/model_%lld", o->work_dir, (long long)id);
            if ((rc = prepare(db, j, o)))
                break;
            clock_gettime(CLOCK_MONOTONIC, &j->start);
            j->pid = launch(j);
            if (j->pid < 0) {
                j->pid = 0;
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
                if (jobs[k].pid == pid) {
                    jobs[k].pid = 0;
                    running--;
                    rc = finish(db, &jobs[k], o, sum->yosys_version, status, &ru, log, sum);
                    break;
                }
            continue;
        }
        for (unsigned k = 0; k < o->jobs; k++)
            if (jobs[k].pid > 0 && !jobs[k].timed_out && o->timeout_s > 0 && seconds_since(&jobs[k].start) > o->timeout_s) {
                jobs[k].timed_out = true;
                kill(-jobs[k].pid, SIGKILL);
            }
        struct timespec nap = {0, 50 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    /* on an error, stop what still runs */
    for (unsigned k = 0; k < o->jobs; k++)
        if (jobs[k].pid > 0) {
            kill(-jobs[k].pid, SIGKILL);
            waitpid(jobs[k].pid, NULL, 0);
        }
    free(jobs);
    return rc;
}
