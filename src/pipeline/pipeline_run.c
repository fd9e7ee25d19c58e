/* pipeline_run — the stage table and the parent-run bookkeeping of `snac run`; see
 * pipeline_run.h for the stages and the resume argument.
 *
 * Memory: one driver owns the config text, the parsed sections, the store connection and a
 * detail buffer; id lists live inside the stage that reads them.
 * Workload: the stages' own work; each stage costs a few rows of bookkeeping.
 */
#define _POSIX_C_SOURCE 200809L
#include "pipeline/pipeline_run.h"
#include "pipeline/pipeline_pick.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config/config.h"
#include "config/yaml_edit.h"
#include "datasets/jetsim.h"
#include "export/export_project.h"
#include "export/export_synth.h"
#include "pipeline/pipeline_config.h"
#include "reports/rep_report.h"
#include "search/local_config.h"
#include "search/local_run.h"
#include "search/search_config.h"
#include "search/search_pareto.h"
#include "search/search_run.h"
#include "surrogate/surr_spec.h"
#include "surrogate/surr_store.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/interrupt.h"
#include "util/progress.h"
#include "validation/refit.h"
#include "validation/vrows.h"
#include "validation/vvalidate.h"

const char *const pipe_stage_names[PIPE_STAGE_COUNT] = {"data",  "search",   "select", "local",    "build",  "export",
                                                        "synth", "validate", "refit",  "feedback", "summary"};

/* What each stage needs done before it (a failed or skipped one skips it). */
static const uint32_t needs[PIPE_STAGE_COUNT] = {
    [PIPE_DATA] = 0,
    [PIPE_SEARCH] = 1u << PIPE_DATA,
    [PIPE_SELECT] = 1u << PIPE_SEARCH,
    [PIPE_LOCAL] = 1u << PIPE_SELECT,
    [PIPE_BUILD] = 1u << PIPE_LOCAL,
    [PIPE_EXPORT] = 1u << PIPE_BUILD,
    [PIPE_SYNTH] = 1u << PIPE_BUILD,
    [PIPE_VALIDATE] = 1u << PIPE_SYNTH,
    [PIPE_REFIT] = 1u << PIPE_VALIDATE,
    [PIPE_FEEDBACK] = 1u << PIPE_REFIT,
    [PIPE_SUMMARY] = 0,
};

#define JETS_PER_FILE 10000 /* as `snac data gen` writes them */
#define MAX_IDS 4096
#define DETAIL_CAP 16384

typedef struct pdriver {
    const pipe_opts *o;
    char *text;              /* the run's config text (what the run row stores) */
    char name[600];          /* what errors call the text */
    snac_config cfg;
    search_config sc;
    pipe_config pc;
    snac_db *db;
    char db_path[512];
    int64_t run_id;
    char status[PIPE_STAGE_COUNT][12];
    uint32_t done;           /* bit s: stage s is done */
    char detail[DETAIL_CAP]; /* the running stage's detail JSON */
    size_t failed_models;
    FILE *log;
} pdriver;

/* ---------------------------------------------------------------- small helpers */

static void say(pdriver *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(pdriver *p, const char *fmt, ...)
{
    if (!p->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->log, fmt, ap);
    va_end(ap);
    fflush(p->log);
}

/* Append to the detail buffer (snprintf-style, truncation-safe). */
static void dcat(pdriver *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dcat(pdriver *p, const char *fmt, ...)
{
    size_t n = strlen(p->detail);
    if (n + 1 >= sizeof p->detail)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->detail + n, sizeof p->detail - n, fmt, ap);
    va_end(ap);
}

/* s as a JSON string body (quotes, backslashes and control characters escaped). */
static void json_esc(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (; *s && k + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            out[k++] = '\\', out[k++] = (char)c;
        else if (c < 0x20)
            k += (size_t)snprintf(out + k, cap - k, "\\u%04x", c);
        else
            out[k++] = (char)c;
    }
    out[k] = '\0';
}

static void dcat_ids(pdriver *p, const char *key, const int64_t *ids, size_t n)
{
    dcat(p, "\"%s\":[", key);
    for (size_t i = 0; i < n; i++)
        dcat(p, "%s%lld", i ? "," : "", (long long)ids[i]);
    dcat(p, "]");
}

size_t pipe_json_ids(const char *js, const char *key, int64_t *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":[", key);
    const char *s = js ? strstr(js, pat) : NULL;
    if (!s)
        return 0;
    s += strlen(pat);
    size_t n = 0;
    while (*s && *s != ']' && n < cap) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s)
            break;
        out[n++] = v;
        s = end;
        while (*s == ',' || *s == ' ')
            s++;
    }
    return n;
}

double pipe_json_num(const char *js, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *s = js ? strstr(js, pat) : NULL;
    if (!s)
        return NAN;
    char *end;
    double v = strtod(s + strlen(pat), &end);
    return end == s + strlen(pat) ? NAN : v;
}

static int prep(pdriver *p, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(db_handle(p->db), sql, -1, st, NULL) == SQLITE_OK ? SNAC_OK
                                                                                 : db_error(p->db, "prepare");
}

/* ---------------------------------------------------------------- stage rows */

static int stage_set(pdriver *p, enum pipe_stage s, const char *status, int64_t child, const char *detail)
{
    char now[32];
    db_now(now);
    sqlite3_stmt *st;
    int rc = prep(p,
                  "UPDATE pipeline_stages SET status = ?3, child_run_id = coalesce(?4, child_run_id), "
                  "detail = coalesce(?5, detail), started_at = CASE WHEN ?3 = 'running' THEN ?6 ELSE started_at END, "
                  "finished_at = CASE WHEN ?3 IN ('done','failed','skipped') THEN ?6 ELSE NULL END "
                  "WHERE run_id = ?1 AND stage = ?2",
                  &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, p->run_id);
    sqlite3_bind_text(st, 2, pipe_stage_names[s], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
    if (child > 0)
        sqlite3_bind_int64(st, 4, child);
    if (detail)
        sqlite3_bind_text(st, 5, detail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st) == SQLITE_DONE ? SNAC_OK : db_error(p->db, "update pipeline stage");
    sqlite3_finalize(st);
    if (!rc)
        snprintf(p->status[s], sizeof p->status[s], "%s", status);
    return rc;
}

/* The stored detail (malloc'd; "" when none) and child run of stage s. */
static int stage_get(pdriver *p, enum pipe_stage s, char **detail, int64_t *child)
{
    sqlite3_stmt *st;
    int rc = prep(p, "SELECT detail, child_run_id FROM pipeline_stages WHERE run_id = ?1 AND stage = ?2", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, p->run_id);
    sqlite3_bind_text(st, 2, pipe_stage_names[s], -1, SQLITE_STATIC);
    *detail = NULL;
    if (child)
        *child = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        *detail = strdup(d ? d : "");
        if (child)
            *child = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return *detail ? SNAC_OK : snac_err_set(SNAC_EDB, "%s: run %lld has no '%s' stage", p->db_path,
                                            (long long)p->run_id, pipe_stage_names[s]);
}

/* The ids stored under `key` in stage s's detail. */
static int stage_ids(pdriver *p, enum pipe_stage s, const char *key, int64_t *ids, size_t *n)
{
    char *d;
    int rc = stage_get(p, s, &d, NULL);
    if (rc)
        return rc;
    *n = pipe_json_ids(d, key, ids, MAX_IDS);
    free(d);
    return SNAC_OK;
}

static int64_t stage_child(pdriver *p, enum pipe_stage s)
{
    char *d;
    int64_t child = 0;
    if (stage_get(p, s, &d, &child) == SNAC_OK)
        free(d);
    return child;
}

/* ---------------------------------------------------------------- child runs */

/* The child run of this pipeline of `kind` named `name` (0 if none) and its status. */
static int64_t find_child(pdriver *p, const char *kind, const char *name, char *status, size_t cap)
{
    sqlite3_stmt *st;
    if (prep(p, "SELECT id, status FROM runs WHERE parent_id = ?1 AND kind = ?2 AND name = ?3 ORDER BY id DESC LIMIT 1",
             &st))
        return 0;
    sqlite3_bind_int64(st, 1, p->run_id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int64_t id = 0;
    status[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        snprintf(status, cap, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return id;
}

static int64_t count_rows(pdriver *p, const char *sql, int64_t arg)
{
    sqlite3_stmt *st;
    if (prep(p, sql, &st))
        return -1;
    sqlite3_bind_int64(st, 1, arg);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

/* A global search child named `name` with the config text `text`: started, resumed or found done. */
static int run_search_child(pdriver *p, const char *name, const char *text, int64_t *child)
{
    char status[16];
    *child = find_child(p, "search", name, status, sizeof status);
    if (*child && strcmp(status, "done") == 0)
        return SNAC_OK;
    search_run_opts so = SEARCH_RUN_OPTS_INIT;
    so.db_path = p->db_path;
    so.workers = p->o->workers;
    so.parent_id = p->run_id;
    so.resume = *child;
    so.config_text = text;
    so.config_path = p->name;
    search_run_summary sum;
    if (*child)
        say(p, "  resuming %s run %lld\n", name, (long long)*child);
    int rc = search_run(&so, &sum);
    if (!*child)
        *child = sum.run_id;
    if (!rc)
        say(p, "  %s run %lld: %zu generations, %zu trials trained here, %zu cached, %.1f s\n", name,
            (long long)sum.run_id, sum.generations, sum.trained, sum.cached, sum.seconds);
    return rc;
}

/* The config text with `output.run_name` (and further keys) set. */
static int derive(pdriver *p, const cfg_set *sets, size_t n, char **out)
{
    return cfg_text_set(p->text, strlen(p->text), p->name, sets, n, out);
}

/* ---------------------------------------------------------------- stages */

static int mkdirs(const char *path)
{
    char buf[DS_PATH_CAP + 64];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(buf, 0777) && errno != EEXIST)
            return snac_err_set(SNAC_EIO, "cannot create %s: %s", buf, strerror(errno));
        *s = '/';
    }
    if (mkdir(buf, 0777) && errno != EEXIST)
        return snac_err_set(SNAC_EIO, "cannot create %s: %s", buf, strerror(errno));
    return SNAC_OK;
}

int pipe_mkdir_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return SNAC_OK;
    char dir[DS_PATH_CAP];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return mkdirs(dir);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Remove the .h5 files a killed generation left in dir (so none is read twice). */
static void clear_h5(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 3 && strcmp(e->d_name + n - 3, ".h5") == 0) {
            char path[DS_PATH_CAP + 300];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

static int st_data(pdriver *p)
{
    const ds_config *dc = &p->cfg.data;
    size_t missing = 0;
    for (size_t i = 0; i < dc->n_files; i++)
        missing += !exists(dc->files[i]);
    for (size_t i = 0; i < dc->n_test_files; i++)
        missing += !exists(dc->test_files[i]);
    if (!missing) {
        dcat(p, "{\"generated\":false}");
        say(p, "  data: the configured files exist\n");
        return SNAC_OK;
    }
    /* written under <out>.partial and renamed when whole: a kill leaves no half data set */
    const char *out = p->pc.data.out;
    if (exists(out))
        return snac_err_set(SNAC_EINVAL, "%s: %zu configured data file(s) are missing but pipeline.data.out (%s) "
                            "exists: point data.files inside it, or remove it", p->name, missing, out);
    char tmp[DS_PATH_CAP + 16];
    snprintf(tmp, sizeof tmp, "%s.partial", out);
    jetsim_config jc;
    jetsim_config_init(&jc);
    jetsim_ws *w = NULL;
    int rc = jetsim_ws_new(&w);
    const size_t n[3] = {p->pc.data.train, p->pc.data.val, p->pc.data.test};
    const char *split[3] = {"train", "val", "test"};
    double t0 = progress_now();
    for (int s = 0; !rc && s < 3; s++) {
        if (!n[s])
            continue;
        char dir[DS_PATH_CAP + 32];
        snprintf(dir, sizeof dir, "%s/%s", tmp, split[s]);
        if ((rc = mkdirs(dir)))
            break;
        clear_h5(dir);
        size_t n_files = (n[s] + JETS_PER_FILE - 1) / JETS_PER_FILE;
        for (size_t k = 0; k < n_files && !rc; k++) {
            size_t start = k * JETS_PER_FILE, end = start + JETS_PER_FILE < n[s] ? start + JETS_PER_FILE : n[s];
            char path[DS_PATH_CAP + 160];
            snprintf(path, sizeof path, "%s/jetImage_%zu_%zup_%zu_%zu.h5", dir, k, jc.n_stored, start, end);
            /* the streams of `snac data gen --seed S`: the same jets as the command line gives */
            uint64_t fseed = p->pc.data.seed * 0x9e3779b97f4a7c15ULL + (uint64_t)(s + 1) * 1000003ULL + k;
            rc = jetsim_write_file(&jc, path, end - start, fseed, w);
            if (!rc && snac_interrupted())
                rc = snac_err_set(SNAC_EINTR, "interrupted");
        }
    }
    jetsim_ws_free(w);
    if (!rc && rename(tmp, out))
        rc = snac_err_set(SNAC_EIO, "cannot rename %s to %s: %s", tmp, out, strerror(errno));
    if (rc)
        return rc;
    for (size_t i = 0; i < dc->n_files; i++)
        if (!exists(dc->files[i]))
            return snac_err_set(SNAC_EINVAL, "%s: data.files: %s does not exist after simulating the jets under %s",
                                p->name, dc->files[i], out);
    dcat(p, "{\"generated\":true,\"out\":\"%s\",\"train\":%zu,\"val\":%zu,\"test\":%zu,\"seed\":%llu}", out, n[0],
         n[1], n[2], (unsigned long long)p->pc.data.seed);
    say(p, "  data: simulated %zu + %zu + %zu jets under %s (%.1f s)\n", n[0], n[1], n[2], out, progress_now() - t0);
    return SNAC_OK;
}

static int st_search(pdriver *p)
{
    char *text;
    cfg_set set[] = {{"output.run_name", "search"}};
    int rc = derive(p, set, 1, &text);
    if (rc)
        return rc;
    int64_t child = 0;
    rc = run_search_child(p, "search", text, &child);
    free(text);
    if (child)
        stage_set(p, PIPE_SEARCH, "running", child, NULL);
    if (rc)
        return rc;
    dcat(p, "{\"run\":%lld,\"trials\":%lld}", (long long)child,
         (long long)count_rows(p, "SELECT count(*) FROM trials WHERE run_id = ?1", child));
    return SNAC_OK;
}

/* Each candidate's group: the index of its trial's layer widths among the candidates'. */
static int group_by_widths(pdriver *p, pipe_cand *c, size_t n)
{
    sqlite3_stmt *st;
    int rc = prep(p, "SELECT json_extract(arch, '$.hidden') FROM trials WHERE id = ?1", &st);
    if (rc)
        return rc;
    char(*w)[256] = calloc(n ? n : 1, sizeof *w);
    if (!w) {
        sqlite3_finalize(st);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, c[i].id);
        const unsigned char *t = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
        snprintf(w[i], sizeof w[i], "%s", t ? (const char *)t : "");
        c[i].group = (int64_t)i;
        for (size_t j = 0; j < i; j++)
            if (strcmp(w[j], w[i]) == 0) {
                c[i].group = c[j].group;
                break;
            }
    }
    sqlite3_finalize(st);
    free(w);
    return SNAC_OK;
}

static int st_select(pdriver *p)
{
    int64_t run = stage_child(p, PIPE_SEARCH);
    int64_t *ids = NULL;
    double *acc = NULL;
    size_t n = 0;
    int rc;
    if (p->pc.best) {
        sqlite3_stmt *st;
        if ((rc = prep(p, "SELECT id, accuracy FROM trials WHERE run_id = ?1 AND status = 'done' "
                          "ORDER BY accuracy DESC, id LIMIT 1", &st)))
            return rc;
        sqlite3_bind_int64(st, 1, run);
        ids = malloc(sizeof *ids);
        acc = malloc(sizeof *acc);
        if (ids && acc && sqlite3_step(st) == SQLITE_ROW) {
            ids[0] = sqlite3_column_int64(st, 0);
            acc[0] = sqlite3_column_double(st, 1);
            n = 1;
        }
        sqlite3_finalize(st);
    } else if ((rc = search_pareto_front_trials(p->db, run, &ids, &acc, &n))) {
        return rc;
    }
    pipe_cand *c = malloc((n ? n : 1) * sizeof *c);
    size_t k = 0;
    double best = -1;
    for (size_t i = 0; c && i < n; i++) {
        best = acc[i] > best ? acc[i] : best;
        if (acc[i] >= p->pc.min_acc)
            c[k++] = (pipe_cand){ids[i], acc[i], 0};
    }
    free(ids);
    free(acc);
    if (!c)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    /* one chain per architecture: the most accurate of the trials that share layer widths */
    if ((rc = group_by_widths(p, c, k))) {
        free(c);
        return rc;
    }
    k = pipe_pick_per_group(c, k);
    if (p->pc.top_k && k > p->pc.top_k)
        k = p->pc.top_k;
    if (k > LOCAL_MAX_SOURCES)
        k = LOCAL_MAX_SOURCES;
    if (!k) {
        free(c);
        return snac_err_set(SNAC_ENOTFOUND, "search run %lld: no front member has validation accuracy >= %g (the best "
                            "on the front is %.4f); lower pipeline.select.min_acc", (long long)run, p->pc.min_acc, best);
    }
    dcat(p, "{\"rule\":\"%s\",\"min_acc\":%g,\"trials\":[", p->pc.best ? "best" : "front", p->pc.min_acc);
    for (size_t i = 0; i < k; i++)
        dcat(p, "%s%lld", i ? "," : "", (long long)c[i].id);
    dcat(p, "],\"acc\":[");
    for (size_t i = 0; i < k; i++)
        dcat(p, "%s%.6f", i ? "," : "", c[i].acc);
    dcat(p, "]}");
    say(p, "  select: %zu trial(s) of search run %lld (validation accuracy %.4f .. %.4f)\n", k, (long long)run,
        c[k - 1].acc, c[0].acc);
    free(c);
    return SNAC_OK;
}

static int st_local(pdriver *p)
{
    int64_t trials[LOCAL_MAX_SOURCES];
    size_t n = 0;
    int64_t all[MAX_IDS];
    int rc = stage_ids(p, PIPE_SELECT, "trials", all, &n);
    if (rc)
        return rc;
    if (n > LOCAL_MAX_SOURCES)
        n = LOCAL_MAX_SOURCES;
    memcpy(trials, all, n * sizeof *trials);
    char status[16];
    int64_t child = find_child(p, "local", "local", status, sizeof status);
    if (!child || strcmp(status, "done") != 0) {
        local_run_opts lo = {0};
        lo.db_path = p->db_path;
        lo.config_path = p->name;
        lo.config_text = p->text;
        lo.search_run = stage_child(p, PIPE_SEARCH);
        lo.min_acc = NAN;
        lo.trials = trials;
        lo.n_trials = n;
        lo.parent_id = p->run_id;
        lo.resume = child;
        if (child)
            say(p, "  resuming local run %lld\n", (long long)child);
        local_run_summary sum = {0};
        rc = local_run(&lo, &sum);
        if (!child)
            child = sum.run_id;
        if (child)
            stage_set(p, PIPE_LOCAL, "running", child, NULL);
        if (rc)
            return rc;
        say(p, "  local run %lld: %zu chain(s), %zu iterations stored here, %zu found stored, %.1f s\n",
            (long long)child, sum.chains, sum.stored, sum.reused, sum.seconds);
    }
    dcat(p, "{\"run\":%lld,\"iterations\":%lld}", (long long)child,
         (long long)count_rows(p, "SELECT count(*) FROM local_iterations WHERE run_id = ?1", child));
    return SNAC_OK;
}

static int st_build(pdriver *p)
{
    int64_t run = stage_child(p, PIPE_LOCAL);
    int64_t *ids;
    size_t n;
    int rc = local_front_models(p->db, run, p->pc.every, &ids, &n);
    if (rc)
        return rc;
    /* at most max_models: every chain's most accurate first, then every chain's second, ...
     * (validation accuracy of the deployed network), so the built models span the chains */
    pipe_cand *c = malloc((n ? n : 1) * sizeof *c);
    sqlite3_stmt *st = NULL;
    if (!c || (rc = prep(p, "SELECT val_acc, source_trial_id FROM local_iterations WHERE model_id = ?1", &st))) {
        free(c);
        free(ids);
        return rc ? rc : snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ids[i]);
        bool row = sqlite3_step(st) == SQLITE_ROW;
        c[i] = (pipe_cand){ids[i], row ? sqlite3_column_double(st, 0) : 0, row ? sqlite3_column_int64(st, 1) : 0};
    }
    sqlite3_finalize(st);
    free(ids);
    if (pipe_order_round_robin(c, n)) {
        free(c);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    size_t k = p->pc.max_models && n > p->pc.max_models ? p->pc.max_models : n;
    if (k > MAX_IDS)
        k = MAX_IDS;
    int64_t *m = malloc((k ? k : 1) * sizeof *m);
    if (!m) {
        free(c);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < k; i++)
        m[i] = c[i].id;
    free(c);
    for (size_t i = 1; i < k; i++) /* in model order: the order synthesis and its rows take */
        for (size_t j = i; j > 0 && m[j - 1] > m[j]; j--) {
            int64_t t = m[j];
            m[j] = m[j - 1];
            m[j - 1] = t;
        }
    if (!k) {
        free(m);
        return snac_err_set(SNAC_ENOTFOUND, "local run %lld stored no iteration to build", (long long)run);
    }
    dcat(p, "{\"rule\":\"%s\",\"every\":%zu,", p->pc.every ? "every" : "front", p->pc.every);
    dcat_ids(p, "models", m, k);
    dcat(p, "}");
    say(p, "  build: %zu model(s) of local run %lld (%s)\n", k, (long long)run,
        p->pc.every ? "every N-th iteration" : "the local front");
    free(m);
    return SNAC_OK;
}

static void work_dir(pdriver *p, const char *what, char *out, size_t cap)
{
    snprintf(out, cap, "%s/run_%lld/%s", p->pc.work, (long long)p->run_id, what);
}

/* The models the build stage chose and the stage's folder WORK/run_<id>/<what> (created). */
static int built_models(pdriver *p, const char *what, int64_t *m, size_t *n, char *dir, size_t cap)
{
    int rc = stage_ids(p, PIPE_BUILD, "models", m, n);
    if (rc)
        return rc;
    work_dir(p, what, dir, cap);
    return mkdirs(dir);
}

static int st_export(pdriver *p)
{
    int64_t m[MAX_IDS];
    size_t n;
    char base[DS_PATH_CAP + 64];
    int rc = built_models(p, "export", m, &n, base, sizeof base);
    if (rc)
        return rc;
    export_opts eo = EXPORT_OPTS_INIT;
    eo.rtl = true;
    eo.part = p->sc.deploy.part;
    eo.clock_ns = p->sc.deploy.clock_ns;
    size_t ok = 0, nf = 0;
    dcat(p, "{\"dir\":\"%s\",\"failed\":[", base);
    for (size_t i = 0; i < n; i++) {
        if (snac_interrupted())
            return snac_err_set(SNAC_EINTR, "interrupted");
        char dir[DS_PATH_CAP + 96];
        snprintf(dir, sizeof dir, "%s/model_%lld", base, (long long)m[i]);
        export_result res;
        if (export_model(p->db, m[i], &eo, dir, &res) == SNAC_OK) {
            ok++;
            continue;
        }
        char msg[600];
        json_esc(snac_err_msg(), msg, sizeof msg);
        dcat(p, "%s{\"model\":%lld,\"error\":\"%s\"}", nf++ ? "," : "", (long long)m[i], msg);
        say(p, "  export: model %lld failed: %s\n", (long long)m[i], snac_err_msg());
        p->failed_models++;
    }
    dcat(p, "],\"exported\":%zu}", ok);
    say(p, "  export: %zu of %zu model(s) as HLS projects + RTL under %s\n", ok, n, base);
    /* recorded with the list; synthesis still runs (it exports for itself), a rerun retries */
    return nf ? snac_err_set(SNAC_EINVAL, "%zu of %zu model(s) did not export", nf, n) : SNAC_OK;
}

static int st_synth(pdriver *p)
{
    int64_t m[MAX_IDS];
    size_t n;
    char dir[DS_PATH_CAP + 64];
    int rc = built_models(p, "synth", m, &n, dir, sizeof dir);
    if (rc)
        return rc;
    export_synth_opts so = EXPORT_SYNTH_OPTS_INIT;
    so.work_dir = dir;
    so.jobs = (unsigned)(p->o->jobs ? p->o->jobs : p->pc.jobs);
    so.timeout_s = p->pc.timeout_s;
    so.part = p->sc.deploy.part;
    so.quiet = !progress_enabled();
    export_synth_summary sum = {0};
    rc = export_synth_run(p->db, m, n, &so, progress_enabled() ? stderr : NULL, &sum);
    if (rc)
        return rc;
    /* models without a good Yosys row of this version: failed here or on an earlier attempt */
    sqlite3_stmt *st;
    if ((rc = prep(p, "SELECT count(*) FROM synthesis_results WHERE model_id = ?1 AND toolchain = 'yosys' AND "
                      "tool_version = ?2 AND source_kind != 'yosys-failed'", &st)))
        return rc;
    size_t failed = 0;
    dcat(p, "{\"yosys\":\"%s\",\"dir\":\"%s\",\"failed\":[", sum.yosys_version, dir);
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, m[i]);
        sqlite3_bind_text(st, 2, sum.yosys_version, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
            continue;
        dcat(p, "%s%lld", failed ? "," : "", (long long)m[i]);
        failed++;
    }
    sqlite3_finalize(st);
    dcat(p, "],\"synthesized\":%zu}", n - failed);
    p->failed_models += failed;
    say(p, "  synth: %zu of %zu model(s) synthesized by Yosys %s (%zu here, %zu found stored), %zu failed\n",
        n - failed, n, sum.yosys_version, sum.done, sum.skipped, failed);
    if (failed == n)
        return snac_err_set(SNAC_EINVAL, "no model was synthesized (%zu failed); their logs are under %s", failed, dir);
    return SNAC_OK;
}

/* The surrogate toolchain of the synthesis results ("yosys-0.23"). */
static int synth_toolchain(pdriver *p, enum surr_toolchain *tc)
{
    char *d;
    int rc = stage_get(p, PIPE_SYNTH, &d, NULL);
    if (rc)
        return rc;
    const char *v = strstr(d, "\"yosys\":\"");
    char name[64];
    snprintf(name, sizeof name, "yosys-%.*s", v ? (int)strcspn(v + 9, "\"") : 0, v ? v + 9 : "");
    free(d);
    char note[256];
    return surr_toolchain_resolve(name, tc, note, sizeof note);
}

static void dcat_stats(pdriver *p, const vstats *t)
{
    bool first = true;
    dcat(p, "{");
    for (int k = 0; k < SURR_T_COUNT; k++) {
        if (!t[k].n)
            continue;
        dcat(p, "%s\"%s\":{\"n\":%zu", first ? "" : ",", surr_target_names[k], t[k].n);
        static const enum vstat show[] = {VS_MAPE, VS_MDAPE, VS_SPEARMAN, VS_BIAS, VS_WITHIN20, VS_EXACT};
        for (size_t j = 0; j < sizeof show / sizeof show[0]; j++) {
            double v = t[k].v[show[j]];
            if (isfinite(v))
                dcat(p, ",\"%s\":%.6g", vstat_names[show[j]], v);
        }
        dcat(p, "}");
        first = false;
    }
    dcat(p, "}");
}

/* Finish stage s as done with the detail buffer, inside the caller's transaction. */
static int stage_done_tx(pdriver *p, enum pipe_stage s)
{
    return stage_set(p, s, "done", 0, p->detail);
}

static int st_validate(pdriver *p)
{
    enum surr_toolchain tc;
    int rc = synth_toolchain(p, &tc);
    if (rc)
        return rc;
    surr_version v = {0};
    bool created;
    if ((rc = surr_version_ensure_default(p->db, tc, &v, &created)))
        return rc;
    vval_report rep;
    memset(&rep, 0, sizeof rep);
    vstats_opts so = VSTATS_OPTS_INIT;
    rc = vval_run(p->db, tc, &v, &so, &rep);
    if (!rc) {
        dcat(p, "{\"toolchain\":\"%s\",\"version\":%lld,\"version_name\":\"%s\",\"rows\":%zu,\"architectures\":%zu,"
                "\"fresh\":",
             surr_toolchain_names[tc], (long long)v.id, v.name, rep.n_rows, rep.n_groups);
        dcat_stats(p, rep.fresh.t);
        dcat(p, "}");
        /* the statistics rows and the stage's row in one transaction: a kill stores both or neither */
        if (!(rc = db_begin(p->db))) {
            if ((rc = vval_store(p->db, &rep)) || (rc = stage_done_tx(p, PIPE_VALIDATE)) || (rc = db_commit(p->db)))
                db_rollback(p->db);
        }
        const vstats *l = &rep.fresh.t[SURR_T_LUT], *f = &rep.fresh.t[SURR_T_FF], *c = &rep.fresh.t[SURR_T_LATENCY_CYCLES];
        say(p, "  validate %s (version %lld %s) on %zu results of %zu architectures: MAPE LUT %.1f%%, FF %.1f%%, "
               "latency %.1f%% (exact %.0f%%)\n",
            surr_toolchain_names[tc], (long long)v.id, v.name, rep.n_rows, rep.n_groups, l->v[VS_MAPE], f->v[VS_MAPE],
            c->v[VS_MAPE], c->v[VS_EXACT]);
    }
    vval_report_free(&rep);
    surr_version_clear(&v);
    return rc;
}

int pipe_refit_fit(snac_db *db, enum surr_toolchain tc, size_t kfold, pipe_refit *out)
{
    memset(out, 0, sizeof *out);
    vrows R = VROWS_INIT;
    bool created;
    int rc = surr_version_ensure_default(db, tc, &out->parent, &created);
    if (!rc)
        rc = vrows_load(db, tc, &R);
    if (!rc && R.n_groups < 2)
        rc = snac_err_set(SNAC_EINVAL, "refit needs results of 2 or more architectures; %zu synthesized", R.n_groups);
    if (!rc) {
        refit_opts ro = REFIT_OPTS_INIT;
        ro.kfold = kfold < R.n_groups ? kfold : R.n_groups;
        out->n_results = R.n;
        out->n_groups = R.n_groups;
        rc = refit_run(R.row, R.n, R.n_groups, &out->parent, &ro, &out->v, &out->rep);
    }
    vrows_free(&R);
    if (rc)
        pipe_refit_clear(out);
    return rc;
}

void pipe_refit_clear(pipe_refit *r)
{
    surr_version_clear(&r->parent);
    surr_version_clear(&r->v);
}

static int st_refit(pdriver *p)
{
    enum surr_toolchain tc;
    pipe_refit f;
    int rc = synth_toolchain(p, &tc);
    if (rc || (rc = pipe_refit_fit(p->db, tc, p->pc.kfold, &f)))
        return rc;
    const refit_report *rep = &f.rep;
    if (!(rc = db_begin(p->db))) {
        if (!(rc = refit_store(p->db, &f.v, rep->gate_ok))) {
            char why[400];
            json_esc(rep->gate_ok ? "" : rep->gate_reason, why, sizeof why);
            dcat(p, "{\"toolchain\":\"%s\",\"results\":%zu,\"architectures\":%zu,\"folds\":%zu,\"mode\":\"%s\","
                    "\"version\":%lld,\"name\":\"%s\",\"parent\":%lld,\"activated\":%s,\"gate\":\"%s\","
                    "\"score_new\":%.6g,\"score_parent\":%.6g,\"held_out\":",
                 surr_toolchain_names[tc], f.n_results, f.n_groups, rep->n_folds, refit_mode_names[rep->mode],
                 (long long)f.v.id, f.v.name, (long long)f.parent.id, rep->gate_ok ? "true" : "false", why,
                 rep->cand.score, rep->parent.score);
            dcat_stats(p, rep->cand.t);
            dcat(p, ",\"held_out_parent\":");
            dcat_stats(p, rep->parent.t);
            dcat(p, "}");
            rc = stage_done_tx(p, PIPE_REFIT);
        }
        if (rc || (rc = db_commit(p->db)))
            db_rollback(p->db);
    }
    if (!rc)
        say(p, "  refit %s: version %lld %s from %zu results of %zu architectures; held-out score %.2f%% vs %.2f%% "
               "(%s) -> %s\n",
            surr_toolchain_names[tc], (long long)f.v.id, f.v.name, f.n_results, f.n_groups, rep->cand.score,
            rep->parent.score, f.parent.name, rep->gate_ok ? "activated" : rep->gate_reason);
    pipe_refit_clear(&f);
    return rc;
}

static int st_feedback(pdriver *p)
{
    enum surr_toolchain tc;
    int rc = synth_toolchain(p, &tc);
    if (rc)
        return rc;
    surr_version v = {0};
    bool created;
    if ((rc = surr_version_ensure_default(p->db, tc, &v, &created)))
        return rc;
    char trials[32], ver[128];
    snprintf(trials, sizeof trials, "%zu", p->pc.feedback_trials ? p->pc.feedback_trials : p->sc.trials);
    snprintf(ver, sizeof ver, "\"%s\"", v.name);
    cfg_set set[] = {{"output.run_name", "feedback"},
                     {"deploy.toolchain", surr_toolchain_names[tc]},
                     {"deploy.surrogate", ver},
                     {"search.trials", trials}};
    char *text;
    if (!(rc = derive(p, set, sizeof set / sizeof set[0], &text))) {
        int64_t child = 0;
        rc = run_search_child(p, "feedback", text, &child);
        free(text);
        if (child)
            stage_set(p, PIPE_FEEDBACK, "running", child, NULL);
        if (!rc)
            dcat(p, "{\"run\":%lld,\"toolchain\":\"%s\",\"version\":%lld,\"version_name\":\"%s\"}", (long long)child,
                 surr_toolchain_names[tc], (long long)v.id, v.name);
    }
    surr_version_clear(&v);
    return rc;
}

/* ---------------------------------------------------------------- summary */

static void print_front(pdriver *p, int64_t run, const char *what)
{
    if (!p->log || run <= 0)
        return;
    say(p, "\n%s (run %lld):\n", what, (long long)run);
    search_pareto_opts po = {run, SEARCH_PARETO_TEXT, false, 0, {0}, NULL};
    search_pareto_write(p->db, &po, p->log, NULL);
}

/* One line per target of the statistics object `key` (and `key2`, side by side) of detail d. */
static void print_stats(pdriver *p, const char *d, const char *key, const char *key2, const char *title)
{
    char pat[48];
    snprintf(pat, sizeof pat, "\"%s\":{", key);
    const char *a = strstr(d, pat), *b = NULL;
    if (!a)
        return;
    if (key2) {
        snprintf(pat, sizeof pat, "\"%s\":{", key2);
        b = strstr(d, pat);
    }
    say(p, "\n%s\n  %-15s %4s %9s %9s %9s %8s%s\n", title, "target", "n", "MAPE%", "MdAPE%", "Spearman", "exact%",
        b ? "   parent MAPE%" : "");
    for (int t = 0; t < SURR_T_COUNT; t++) {
        char tk[48];
        snprintf(tk, sizeof tk, "\"%s\":{", surr_target_names[t]);
        const char *x = strstr(a, tk);
        const char *end = b && b > a ? b : NULL;
        if (!x || (end && x > end))
            continue;
        const char *close = strchr(x, '}');
        char one[512];
        snprintf(one, sizeof one, "%.*s", close ? (int)(close - x) : 0, x);
        static const char *const keys[4] = {"mape", "mdape", "spearman", "exact"};
        static const int width[4] = {9, 9, 9, 8}, prec[4] = {2, 2, 3, 1};
        say(p, "  %-15s %4.0f", surr_target_names[t], pipe_json_num(one, "n"));
        for (int k = 0; k < 4; k++) {
            double v = pipe_json_num(one, keys[k]);
            isfinite(v) ? say(p, " %*.*f", width[k], prec[k], v) : say(p, " %*s", width[k], "-");
        }
        const char *y = b ? strstr(b, tk) : NULL;
        if (y) {
            const char *c2 = strchr(y, '}');
            snprintf(one, sizeof one, "%.*s", c2 ? (int)(c2 - y) : 0, y);
            double v = pipe_json_num(one, "mape");
            isfinite(v) ? say(p, " %15.2f", v) : say(p, " %15s", "-");
        }
        say(p, "\n");
    }
}

/* Where the report goes: pipeline.report, or report.html beside the database; "" for none. */
void pipe_report_path(const char *setting, const char *db_path, char *out, size_t cap)
{
    if (strcmp(setting, "none") == 0)
        out[0] = '\0';
    else if (setting[0])
        snprintf(out, cap, "%s", setting);
    else {
        const char *slash = strrchr(db_path, '/');
        snprintf(out, cap, "%.*sreport.html", slash ? (int)(slash - db_path + 1) : 0, db_path);
    }
}

static int st_summary(pdriver *p)
{
    char report[DS_PATH_CAP + 16];
    pipe_report_path(p->pc.report, p->db_path, report, sizeof report);
    if (report[0]) {
        int rc = rep_report_write(p->db, NULL, 0, report);
        if (rc)
            return rc;
        char esc[DS_PATH_CAP * 2];
        json_esc(report, esc, sizeof esc);
        dcat(p, "{\"report\":\"%s\"}", esc);
    } else {
        dcat(p, "{}");
    }
    if (report[0])
        say(p, "\nreport: %s (snac report --db %s --out %s)\n", report, p->db_path, report);
    if (!p->log)
        return SNAC_OK;
    say(p, "\nrun %lld: stages\n", (long long)p->run_id);
    pipe_stages_write(p->db, p->run_id, p->log);
    print_front(p, stage_child(p, PIPE_SEARCH), "global search front");
    int64_t local = stage_child(p, PIPE_LOCAL);
    if (local > 0) {
        say(p, "\n");
        local_front_write(p->db, local, SEARCH_PARETO_TEXT, false, p->log, NULL);
    }
    int64_t m[MAX_IDS];
    size_t n = 0;
    if (p->done & (1u << PIPE_BUILD))
        stage_ids(p, PIPE_BUILD, "models", m, &n);
    sqlite3_stmt *st;
    if (n && prep(p,
                  "SELECT li.bits, li.iteration, li.sparsity, li.val_acc, li.test_acc, li.predictions, s.lut, s.ff, "
                  "s.dsp, s.latency_best, s.source_kind FROM local_iterations li LEFT JOIN synthesis_results s ON "
                  "s.model_id = li.model_id AND s.toolchain = 'yosys' WHERE li.model_id = ?1 ORDER BY s.id DESC LIMIT 1",
                  &st) == SNAC_OK) {
        say(p, "\nbuilt models: predicted (at search time) vs synthesized by Yosys\n"
               "  model bits iter sparsity val_acc test_acc   pred LUT    LUT  pred FF     FF  DSP  pred cyc  cyc\n");
        for (size_t i = 0; i < n; i++) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, m[i]);
            if (sqlite3_step(st) != SQLITE_ROW)
                continue;
            const char *pj = (const char *)sqlite3_column_text(st, 5);
            const char *kind = (const char *)sqlite3_column_text(st, 10);
            bool ok = kind && strcmp(kind, "yosys-failed") != 0 && sqlite3_column_type(st, 6) != SQLITE_NULL;
            say(p, "  %5lld %4d %4d %8.4f %7.4f %8.4f %10.0f ", (long long)m[i], sqlite3_column_int(st, 0),
                sqlite3_column_int(st, 1), sqlite3_column_double(st, 2), sqlite3_column_double(st, 3),
                sqlite3_column_double(st, 4), pipe_json_num(pj, "lut"));
            if (ok)
                say(p, "%6.0f %8.0f %6.0f %4.0f %9.1f %4.0f\n", sqlite3_column_double(st, 6), pipe_json_num(pj, "ff"),
                    sqlite3_column_double(st, 7), sqlite3_column_double(st, 8), pipe_json_num(pj, "latency_cycles"),
                    sqlite3_column_double(st, 9));
            else
                say(p, "%6s %8.0f %6s %4s %9.1f %4s   (%s)\n", "-", pipe_json_num(pj, "ff"), "-", "-",
                    pipe_json_num(pj, "latency_cycles"), "-", kind ? kind : "not synthesized");
        }
        sqlite3_finalize(st);
    }
    char *d;
    if ((p->done & (1u << PIPE_VALIDATE)) && stage_get(p, PIPE_VALIDATE, &d, NULL) == SNAC_OK) {
        print_stats(p, d, "fresh", NULL, "validation of the active surrogate on what was synthesized");
        free(d);
    }
    if ((p->done & (1u << PIPE_REFIT)) && stage_get(p, PIPE_REFIT, &d, NULL) == SNAC_OK) {
        print_stats(p, d, "held_out", "held_out_parent", "refit: held-out error (folds by architecture)");
        const char *g = strstr(d, "\"gate\":\"");
        say(p, "  version %.0f, %s, parent %.0f: %s%.*s\n", pipe_json_num(d, "version"),
            strstr(d, "\"activated\":true") ? "activated" : "not activated", pipe_json_num(d, "parent"),
            g && g[8] != '"' ? "gate: " : "", g ? (int)strcspn(g + 8, "\"") : 0, g ? g + 8 : "");
        free(d);
    }
    print_front(p, stage_child(p, PIPE_FEEDBACK), "feedback search front (the corrected estimator)");
    return SNAC_OK;
}

/* ---------------------------------------------------------------- stage lines */

int pipe_stages_write(snac_db *db, int64_t run_id, FILE *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT stage, status, child_run_id, detail, started_at, finished_at FROM pipeline_stages "
                           "WHERE run_id = ?1 ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare stage query");
    sqlite3_bind_int64(st, 1, run_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *stage = (const char *)sqlite3_column_text(st, 0);
        const char *status = (const char *)sqlite3_column_text(st, 1);
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        int64_t child = sqlite3_column_int64(st, 2);
        char what[200] = "";
        if (child > 0)
            snprintf(what, sizeof what, "run %lld", (long long)child);
        if (detail && strcmp(status, "done") != 0 && strcmp(status, "running") != 0) {
            const char *e = strstr(detail, "\"error\":\"");
            const char *w = strstr(detail, "\"why\":\"");
            const char *s = e ? e + 9 : w ? w + 7 : NULL;
            if (s)
                snprintf(what + strlen(what), sizeof what - strlen(what), "%s%.*s", what[0] ? "; " : "",
                         (int)strcspn(s, "\""), s);
        } else if (detail) {
            static const char *const keys[] = {"trials", "iterations", "models", "exported", "synthesized", "rows",
                                               "version"};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                char pat[32];
                snprintf(pat, sizeof pat, "\"%s\":", keys[k]);
                const char *v = strstr(detail, pat);
                if (!v)
                    continue;
                v += strlen(pat);
                int64_t ids[MAX_IDS];
                double x = *v == '[' ? (double)pipe_json_ids(detail, keys[k], ids, MAX_IDS) : strtod(v, NULL);
                snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s %.0f", what[0] ? ", " : "", keys[k], x);
            }
            if (strstr(detail, "\"activated\":"))
                snprintf(what + strlen(what), sizeof what - strlen(what), ", %s",
                         strstr(detail, "\"activated\":true") ? "activated" : "not activated (gate)");
        }
        fprintf(out, "    %-9s %-8s %s\n", stage, status, what);
    }
    sqlite3_finalize(st);
    return SNAC_OK;
}

/* ---------------------------------------------------------------- the run */

static int open_run(pdriver *p)
{
    const pipe_opts *o = p->o;
    sqlite3_stmt *st;
    int rc;
    if (o->resume > 0) {
        if ((rc = prep(p, "SELECT kind, config_yaml, config_path FROM runs WHERE id = ?1", &st)))
            return rc;
        sqlite3_bind_int64(st, 1, o->resume);
        if (sqlite3_step(st) != SQLITE_ROW)
            rc = snac_err_set(SNAC_ENOTFOUND, "no run %lld in %s", (long long)o->resume, p->db_path);
        else if (strcmp((const char *)sqlite3_column_text(st, 0), "pipeline") != 0)
            rc = snac_err_set(SNAC_EINVAL, "run %lld is a '%s' run, not a `snac run` pipeline", (long long)o->resume,
                              (const char *)sqlite3_column_text(st, 0));
        else if (!(p->text = strdup((const char *)sqlite3_column_text(st, 1))))
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        sqlite3_finalize(st);
        p->run_id = o->resume;
        return rc;
    }
    /* the same config (and parent, and name) continues its unfinished run */
    if ((rc = prep(p, "SELECT id FROM runs WHERE kind = 'pipeline' AND config_yaml = ?1 AND "
                      "coalesce(parent_id, 0) = ?2 AND coalesce(name, '') = ?3 ORDER BY id DESC LIMIT 1",
                   &st)))
        return rc;
    sqlite3_bind_text(st, 1, p->text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, o->parent_id);
    const char *name = o->name ? o->name : p->cfg.output.run_name;
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        p->run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (p->run_id)
        return SNAC_OK;
    db_run r = {"pipeline", name[0] ? name : NULL, p->text, o->config_path, p->sc.seed, o->parent_id};
    if ((rc = db_begin(p->db)))
        return rc;
    if (!(rc = db_run_insert(p->db, &r, &p->run_id)) &&
        !(rc = prep(p, "INSERT INTO pipeline_stages(run_id, seq, stage, status) VALUES(?1, ?2, ?3, 'pending')", &st))) {
        for (int s = 0; !rc && s < PIPE_STAGE_COUNT; s++) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, p->run_id);
            sqlite3_bind_int(st, 2, s);
            sqlite3_bind_text(st, 3, pipe_stage_names[s], -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_error(p->db, "insert pipeline stage");
        }
        sqlite3_finalize(st);
    }
    if (rc || (rc = db_commit(p->db)))
        db_rollback(p->db);
    return rc;
}

static int run_status(pdriver *p, char *status, size_t cap)
{
    sqlite3_stmt *st;
    int rc = prep(p, "SELECT status FROM runs WHERE id = ?1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, p->run_id);
    status[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(status, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return SNAC_OK;
}

static int load_stage_status(pdriver *p)
{
    sqlite3_stmt *st;
    int rc = prep(p, "SELECT stage, status FROM pipeline_stages WHERE run_id = ?1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, p->run_id);
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int s = 0; s < PIPE_STAGE_COUNT; s++)
            if (strcmp((const char *)sqlite3_column_text(st, 0), pipe_stage_names[s]) == 0)
                snprintf(p->status[s], sizeof p->status[s], "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    for (int s = 0; s < PIPE_STAGE_COUNT; s++)
        if (strcmp(p->status[s], "done") == 0)
            p->done |= 1u << s;
    return SNAC_OK;
}

typedef int (*stage_fn)(pdriver *p);
static const stage_fn stage_fns[PIPE_STAGE_COUNT] = {st_data,     st_search, st_select, st_local,
                                                     st_build,    st_export, st_synth,  st_validate,
                                                     st_refit,    st_feedback, st_summary};

static bool enabled(const pdriver *p, enum pipe_stage s)
{
    if (p->o->stages && !(p->o->stages & (1u << s)))
        return false;
    if (s == PIPE_REFIT)
        return p->pc.refit;
    if (s == PIPE_FEEDBACK)
        return p->pc.feedback && p->pc.refit;
    return true;
}

static int run_stages(pdriver *p, size_t *failed)
{
    for (int s = 0; s < PIPE_STAGE_COUNT; s++) {
        if ((p->done >> s) & 1u) {
            if (s != PIPE_SUMMARY)
                continue;
        }
        if (snac_interrupted())
            return snac_err_set(SNAC_EINTR, "interrupted");
        p->detail[0] = '\0';
        if (!enabled(p, (enum pipe_stage)s)) {
            stage_set(p, (enum pipe_stage)s, "skipped", 0, "{\"why\":\"not enabled by the config\"}");
            continue;
        }
        if ((needs[s] & p->done) != needs[s]) {
            char why[160] = "{\"why\":\"needs";
            for (int k = 0; k < PIPE_STAGE_COUNT; k++)
                if (((needs[s] & ~p->done) >> k) & 1u)
                    snprintf(why + strlen(why), sizeof why - strlen(why), " %s", pipe_stage_names[k]);
            snprintf(why + strlen(why), sizeof why - strlen(why), "\"}");
            stage_set(p, (enum pipe_stage)s, "skipped", 0, why);
            continue;
        }
        int rc = stage_set(p, (enum pipe_stage)s, "running", 0, NULL);
        if (rc)
            return rc;
        if (s != PIPE_SUMMARY)
            progress_milestone("run %lld: stage %s", (long long)p->run_id, pipe_stage_names[s]);
        rc = stage_fns[s](p);
        if (rc == SNAC_EINTR || snac_interrupted())
            return rc ? rc : snac_err_set(SNAC_EINTR, "interrupted");
        if (rc == SNAC_EBUSY)
            return rc;
        if (rc) {
            char msg[900];
            json_esc(snac_err_msg(), msg, sizeof msg);
            size_t n = strlen(p->detail);
            if (n > 2 && p->detail[n - 1] == '}') { /* keep what the stage recorded (the failed models) */
                p->detail[n - 1] = '\0';
                dcat(p, ",\"error\":\"%s\"}", msg);
            } else {
                snprintf(p->detail, sizeof p->detail, "{\"error\":\"%s\"}", msg);
            }
            say(p, "  stage %s failed: %s\n", pipe_stage_names[s], snac_err_msg());
            if ((rc = stage_set(p, (enum pipe_stage)s, "failed", 0, p->detail)))
                return rc;
            (*failed)++;
            continue;
        }
        /* validate and refit recorded themselves inside their own transaction */
        if (strcmp(p->status[s], "done") != 0 && (rc = stage_set(p, (enum pipe_stage)s, "done", 0, p->detail)))
            return rc;
        p->done |= 1u << s;
    }
    return SNAC_OK;
}

int pipe_run(const pipe_opts *o, pipe_summary *out)
{
    pdriver *p = calloc(1, sizeof *p);
    if (!p)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    p->o = o;
    p->log = o->log;
    snac_config_init(&p->cfg);
    pipe_config_init(&p->pc);
    double t0 = progress_now();
    int rc = SNAC_OK;
    pipe_summary sum = {0};
    /* the config: from the file (a new run) or, with --resume, the stored text */
    if (o->resume <= 0) {
        size_t len;
        if (o->config_text)
            p->text = strdup(o->config_text), rc = p->text ? SNAC_OK : snac_err_set(SNAC_ENOMEM, "out of memory");
        else
            rc = snac_read_file(o->config_path, &p->text, &len);
        snprintf(p->name, sizeof p->name, "%s", o->config_path ? o->config_path : "config");
    } else if (!o->db_path) {
        rc = snac_err_set(SNAC_EINVAL, "run: --resume needs the database (--db FILE)");
    }
    if (!rc && o->resume > 0) {
        if (!(rc = db_open_existing(o->db_path, &p->db))) {
            snprintf(p->db_path, sizeof p->db_path, "%s", o->db_path);
            rc = open_run(p);
            snprintf(p->name, sizeof p->name, "config of run %lld", (long long)o->resume);
        }
    }
    /* everything a user can get wrong in the config is checked before the store is touched */
    if (!rc)
        rc = snac_config_parse(p->text, strlen(p->text), p->name, &p->cfg);
    if (!rc)
        rc = search_config_parse(p->text, strlen(p->text), p->name, &p->sc);
    if (!rc)
        rc = pipe_config_parse(p->text, strlen(p->text), p->name, &p->pc);
    if (!rc) {
        local_config lc;
        rc = local_config_parse(p->text, strlen(p->text), p->name, &lc);
    }
    if (!rc && o->resume <= 0) {
        snprintf(p->db_path, sizeof p->db_path, "%s", o->db_path ? o->db_path : p->cfg.output.db);
        if (!(rc = pipe_mkdir_parent(p->db_path)) && !(rc = db_open(p->db_path, &p->db)))
            rc = open_run(p);
    }
    char status[16] = "";
    if (!rc)
        rc = run_status(p, status, sizeof status);
    if (!rc && strcmp(status, "done") == 0) {
        sum.already_done = true;
        say(p, "run %lld is done (its config and store are the same): its summary\n", (long long)p->run_id);
        if (!(rc = load_stage_status(p))) {
            p->done &= ~(1u << PIPE_SUMMARY);
            st_summary(p);
        }
    } else if (!rc) {
        if (!(rc = db_run_claim(p->db, p->run_id)) && !(rc = load_stage_status(p))) {
            say(p, "run %lld: %s %s in %s\n", (long long)p->run_id, p->done ? "continuing" : "starting", p->name,
                p->db_path);
            size_t failed = 0;
            rc = run_stages(p, &failed);
            sum.failed_stages = failed;
            char result[128];
            snprintf(result, sizeof result, "{\"failed_stages\":%zu,\"failed_models\":%zu}", failed, p->failed_models);
            if (rc == SNAC_EINTR) {
                db_run_finish(p->db, p->run_id, "interrupted", result);
                snac_err_set(rc, "run %lld interrupted by %s; continue it with the same command, or: snac run "
                             "--resume %lld --db %s", (long long)p->run_id, snac_interrupt_name(snac_interrupted()),
                             (long long)p->run_id, p->db_path);
            } else if (rc && rc != SNAC_EBUSY) {
                char msg[1024];
                snprintf(msg, sizeof msg, "%s", snac_err_msg());
                db_run_finish(p->db, p->run_id, "failed", result);
                snac_err_set(rc, "%s", msg);
            } else if (!rc) {
                rc = db_run_finish(p->db, p->run_id, failed ? "failed" : "done", result);
            }
        }
    }
    /* the failed models of a finished run, from its stages (a rerun of a done run too) */
    if (!rc && p->db && p->run_id) {
        int64_t ids[MAX_IDS];
        size_t n = 0, m = 0;
        if (stage_ids(p, PIPE_SYNTH, "failed", ids, &n) == SNAC_OK)
            sum.failed_models = n;
        char *d;
        if (stage_get(p, PIPE_EXPORT, &d, NULL) == SNAC_OK) {
            for (const char *s = d; (s = strstr(s, "\"model\":")); s++)
                m++;
            free(d);
        }
        sum.failed_models += m;
        if (!sum.failed_stages)
            sum.failed_stages = (size_t)count_rows(p, "SELECT count(*) FROM pipeline_stages WHERE run_id = ?1 AND "
                                                      "status = 'failed'", p->run_id);
    }
    sum.run_id = p->run_id;
    sum.seconds = progress_now() - t0;
    snprintf(sum.db_path, sizeof sum.db_path, "%s", p->db_path);
    if (out)
        *out = sum;
    snac_config_free(&p->cfg);
    free(p->text);
    db_close(p->db);
    free(p);
    return rc;
}
