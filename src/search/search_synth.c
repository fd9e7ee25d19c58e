/* search_synth — synthesis in the loop; see search_synth.h for the rules, the queue and the lag.
 *
 * Memory: the queue object owns the config copy and paths; a pick allocates its index and key
 * buffers per call (once per generation); the child allocates per job.
 * Workload: the pick is O(M n^2) per generation; Yosys in the child dominates by far.
 */
#define _GNU_SOURCE
#include "search/search_synth.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "export/export_synth.h"
#include "nn/mlp.h"
#include "quant/qat.h"
#include "search/crowddist.h"
#include "search/local_config.h"
#include "search/search_eval.h"
#include "surrogate/surr_features.h"
#include "surrogate/surr_specio.h"
#include "surrogate/surr_store.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "validation/refit.h"
#include "validation/vrows.h"

/* ---------------------------------------------------------------- the pick rules */

/* a dominates b (all <=, one <) */
static bool dominates(const double *a, const double *b, size_t m)
{
    bool strict = false;
    for (size_t j = 0; j < m; j++) {
        if (a[j] > b[j])
            return false;
        strict |= a[j] < b[j];
    }
    return strict;
}

typedef struct pick_key {
    size_t i;
    int flip;     /* uncertainty: membership can flip */
    double key;   /* larger first */
} pick_key;

static int cmp_key(const void *pa, const void *pb)
{
    const pick_key *a = pa, *b = pb;
    if (a->flip != b->flip)
        return b->flip - a->flip;
    if (a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

int search_synth_pick(enum search_pick rule, size_t n, size_t m, const double *f, const double *lo, const double *hi,
                      const unsigned char *eligible, size_t k, snac_rng *rng, size_t *picked, double *score,
                      size_t *n_picked)
{
    *n_picked = 0;
    if (n == 0 || k == 0)
        return SNAC_OK;
    pick_key *keys = calloc(n, sizeof *keys);
    unsigned char *front = calloc(n, 1);
    size_t *fidx = calloc(n, sizeof *fidx), *work = calloc(2 * n + 2, sizeof *work);
    double *crowd = calloc(n, sizeof *crowd);
    if (!keys || !front || !fidx || !work || !crowd) {
        free(keys), free(front), free(fidx), free(work), free(crowd);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        bool dom = false;
        for (size_t l = 0; l < n && !dom; l++)
            dom = l != i && dominates(f + l * m, f + i * m, m);
        front[i] = !dom;
        if (!dom)
            fidx[nf++] = i;
    }
    size_t ne = 0;
    if (rule == SEARCH_PICK_UNCERTAINTY) {
        for (size_t i = 0; i < n; i++) {
            if (eligible && !eligible[i])
                continue;
            double w = 0;
            for (size_t j = 0; j < m; j++) {
                double mn = INFINITY, mx = -INFINITY;
                for (size_t l = 0; l < n; l++) {
                    mn = fmin(mn, f[l * m + j]);
                    mx = fmax(mx, f[l * m + j]);
                }
                double range = mx > mn ? mx - mn : 1.0;
                w = fmax(w, (hi[i * m + j] - lo[i * m + j]) / range);
            }
            bool flip = false;
            for (size_t l = 0; l < n && !flip; l++) {
                if (l == i)
                    continue;
                if (front[i])
                    flip = dominates(f + l * m, hi + i * m, m); /* pessimistic point falls behind */
            }
            if (!front[i]) {
                bool dom = false; /* optimistic point: does any other nominal point still dominate it? */
                for (size_t l = 0; l < n && !dom; l++)
                    dom = l != i && dominates(f + l * m, lo + i * m, m);
                flip = !dom;
            }
            keys[ne++] = (pick_key){i, flip, w};
        }
    } else if (rule == SEARCH_PICK_FRONT) {
        nsga2_crowding(f, m, fidx, nf, crowd, work);
        for (size_t i = 0; i < n; i++) {
            if (eligible && !eligible[i])
                continue;
            double c = 0;
            for (size_t q = 0; q < nf; q++)
                if (fidx[q] == i)
                    c = crowd[q];
            /* front members first (flip = 1 here means "on the front"), by crowding; then by f_0 */
            keys[ne++] = (pick_key){i, front[i], front[i] ? c : -f[i * m]};
        }
    } else {
        for (size_t i = 0; i < n; i++)
            if (!eligible || eligible[i])
                keys[ne++] = (pick_key){i, 0, 0};
        for (size_t q = 0; q < ne && q < k; q++) { /* partial Fisher-Yates */
            size_t r = q + (size_t)rng_below(rng, ne - q);
            pick_key t = keys[q];
            keys[q] = keys[r];
            keys[r] = t;
        }
    }
    if (rule != SEARCH_PICK_RANDOM)
        qsort(keys, ne, sizeof *keys, cmp_key);
    for (size_t q = 0; q < ne && q < k; q++) {
        picked[q] = keys[q].i;
        if (score)
            score[q] = rule == SEARCH_PICK_UNCERTAINTY ? keys[q].key + keys[q].flip
                       : rule == SEARCH_PICK_FRONT     ? keys[q].key
                                                       : 0.0;
        (*n_picked)++;
    }
    free(keys), free(front), free(fidx), free(work), free(crowd);
    return SNAC_OK;
}

/* ---------------------------------------------------------------- quantize a search model */

int search_synth_quantize(snac_db *db, int64_t model_id, const search_deploy *dp)
{
    void *q = NULL, *w = NULL;
    size_t qlen = 0, wlen = 0;
    char *arch = NULL;
    int rc = db_model_load_qmodel(db, model_id, &q, &qlen);
    if (!rc && q) {
        free(q);
        return SNAC_OK; /* quantized already */
    }
    free(q);
    if ((rc = db_model_load(db, model_id, &w, &wlen, &arch)))
        return rc;
    nn_mlp *m = NULL;
    quant_model *spec = NULL, *qm = NULL;
    quant_qat *qat = NULL;
    void *blob = NULL;
    size_t blen = 0;
    local_config lc;
    local_config_init(&lc);
    lc.input = dp->input;
    lc.weight_integer = dp->weight.integer;
    lc.bias_integer = dp->bias.integer;
    quant_qat_opts qo = QUANT_QAT_OPTS_INIT;
    if (!(rc = nn_mlp_load(w, wlen, &m))) {
        nn_arch a = *nn_mlp_arch(m);
        if (!(rc = local_model_spec(&lc, (size_t)dp->weight.width, &a, &spec)) &&
            !(rc = quant_qat_new(m, spec, &qo, &qat)) && !(rc = quant_qat_export(qat, &qm)) &&
            !(rc = quant_model_save(qm, &blob, &blen)))
            rc = db_model_set_qmodel(db, model_id, blob, blen);
    }
    if (rc)
        rc = snac_err_prefix(rc, "model %lld at the deployment precision: ", (long long)model_id);
    free(blob);
    quant_model_free(qm);
    quant_qat_free(qat);
    quant_model_free(spec);
    nn_mlp_free(m);
    free(w);
    free(arch);
    return rc;
}

int search_synth_predict_model(snac_db *db, int64_t model_id, const search_deploy *dp, const surr_version *v,
                               const surr_part *part, surr_prediction *p, char sha[65])
{
    void *w = NULL;
    size_t len = 0;
    char *arch = NULL;
    nn_mlp *m = NULL;
    surr_model_spec *ms = NULL;
    surr_features x;
    int rc = db_model_load(db, model_id, &w, &len, &arch);
    if (!rc && !(rc = nn_mlp_load(w, len, &m)) && !(rc = search_deploy_spec(dp, m, &ms)) &&
        !(rc = surr_features_extract(&ms->spec, &x)) && !(rc = surr_spec_sha256(&ms->spec, sha)))
        surr_predict_interval(v, &x, part, p);
    surr_model_spec_free(ms);
    nn_mlp_free(m);
    free(w);
    free(arch);
    return rc;
}

int search_synth_quantize_stored(snac_db *db, int64_t model_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT r.config_yaml, coalesce(r.config_path, 'config'), r.id FROM models m JOIN runs r "
                           "ON r.id = m.run_id WHERE m.id = ?1 AND m.qmodel IS NULL AND r.kind = 'search'",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "find the model's search run");
    sqlite3_bind_int64(st, 1, model_id);
    int rc = SNAC_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        char name[600];
        snprintf(name, sizeof name, "%s (stored with run %lld)", (const char *)sqlite3_column_text(st, 1),
                 (long long)sqlite3_column_int64(st, 2));
        search_config sc;
        rc = text ? search_config_parse(text, strlen(text), name, &sc) : SNAC_OK;
        sqlite3_finalize(st);
        return rc || !text ? rc : search_synth_quantize(db, model_id, &sc.deploy);
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---------------------------------------------------------------- the queue and its process */

struct search_synth {
    search_config sc;
    char db_path[1024];
    char work[1280];
    int64_t run_id;
    pid_t child;
    size_t pause_ms;
};

int search_synth_new(const search_config *sc, const char *db_path, int64_t run_id, search_synth **out)
{
    search_synth *q = calloc(1, sizeof *q);
    if (!q)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    q->sc = *sc;
    snprintf(q->db_path, sizeof q->db_path, "%s", db_path);
    if (sc->synthesis.work[0])
        snprintf(q->work, sizeof q->work, "%s", sc->synthesis.work);
    else
        snprintf(q->work, sizeof q->work, "%s.synth", db_path);
    q->run_id = run_id;
    const char *pm = getenv("SNAC_SEARCH_SYNTH_PAUSE_MS");
    q->pause_ms = pm ? (size_t)strtoull(pm, NULL, 10) : 0;
    *out = q;
    return SNAC_OK;
}

void search_synth_free(search_synth *q)
{
    if (!q)
        return;
    if (q->child > 0) {
        kill(q->child, SIGTERM);
        while (waitpid(q->child, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    free(q);
}

static int count_queued(snac_db *db, int64_t run_id, long long max_gen, long long *n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT count(*) FROM search_synth_jobs WHERE run_id = ?1 AND status = 'queued' "
                           "AND (?2 < 0 OR generation <= ?2)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "count queued syntheses");
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, max_gen);
    int rc = sqlite3_step(st) == SQLITE_ROW ? SNAC_OK : db_error(db, "count queued syntheses");
    *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

#define CHILD_BATCH 64

/* Mark job `job` by the model's latest Yosys row (this run's, or one committed just before a kill). */
static int link_job(snac_db *db, int64_t job, int64_t model_id)
{
    sqlite3_stmt *st;
    int64_t sid = 0;
    bool good = false;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT id, source_kind FROM synthesis_results WHERE model_id = ?1 AND toolchain = 'yosys' "
                           "ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "find the synthesis row");
    sqlite3_bind_int64(st, 1, model_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        sid = sqlite3_column_int64(st, 0);
        good = strcmp((const char *)sqlite3_column_text(st, 1), "yosys") == 0;
    }
    sqlite3_finalize(st);
    char now[32];
    db_now(now);
    if (sqlite3_prepare_v2(db_handle(db),
                           "UPDATE search_synth_jobs SET status = ?2, synthesis_id = ?3, finished_at = ?4 WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "update the synthesis job");
    sqlite3_bind_int64(st, 1, job);
    sqlite3_bind_text(st, 2, good ? "done" : "failed", -1, SQLITE_STATIC);
    if (sid)
        sqlite3_bind_int64(st, 3, sid);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? SNAC_OK : db_error(db, "update the synthesis job");
}

/* Up to `jobs` queued jobs in the child: quantize each, export + Yosys them together (`jobs` at a
 * time), then link each job to its row. */
static int child_batch(search_synth *q, snac_db *db, const int64_t *job, const int64_t *model, size_t n)
{
    const search_synthesis *sy = &q->sc.synthesis;
    int64_t ok[CHILD_BATCH];
    size_t n_ok = 0;
    int rc = SNAC_OK;
    for (size_t i = 0; i < n; i++) {
        if ((rc = search_synth_quantize(db, model[i], &q->sc.deploy)) == SNAC_OK)
            ok[n_ok++] = model[i];
        else
            fprintf(stderr, "snac search: synthesis of model %lld: %s\n", (long long)model[i], snac_err_msg());
    }
    if (n_ok) {
        export_synth_opts so = EXPORT_SYNTH_OPTS_INIT;
        so.work_dir = q->work;
        so.jobs = (unsigned)sy->jobs;
        so.timeout_s = sy->timeout_s;
        so.part = q->sc.deploy.part;
        so.quiet = 1;
        export_synth_summary sum = {0};
        rc = export_synth_run(db, ok, n_ok, &so, NULL, &sum);
        if (rc == SNAC_EINTR)
            return rc;
        if (rc)
            fprintf(stderr, "snac search: synthesis: %s\n", snac_err_msg());
    }
    for (size_t i = 0; i < n; i++)
        if ((rc = link_job(db, job[i], model[i])))
            return rc;
    return SNAC_OK;
}

static void child_main(search_synth *q)
{
    if (q->sc.synthesis.nice > 0 && setpriority(PRIO_PROCESS, 0, q->sc.synthesis.nice) != 0) {
        /* a lower priority is a courtesy to the trainers; without it Yosys runs all the same */
    }
    snac_db *db = NULL;
    if (db_open(q->db_path, &db)) {
        fprintf(stderr, "snac search: synthesis process: %s\n", snac_err_msg());
        _exit(1);
    }
    size_t batch = q->sc.synthesis.jobs < CHILD_BATCH ? q->sc.synthesis.jobs : CHILD_BATCH;
    for (;;) {
        sqlite3_stmt *st;
        int64_t job[CHILD_BATCH], model[CHILD_BATCH];
        size_t n = 0;
        if (sqlite3_prepare_v2(db_handle(db),
                               "SELECT id, model_id FROM search_synth_jobs WHERE run_id = ?1 AND status = 'queued' "
                               "ORDER BY id LIMIT ?2",
                               -1, &st, NULL) != SQLITE_OK)
            _exit(1);
        sqlite3_bind_int64(st, 1, q->run_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)batch);
        while (n < batch && sqlite3_step(st) == SQLITE_ROW) {
            job[n] = sqlite3_column_int64(st, 0);
            model[n++] = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
        if (!n)
            break;
        if (q->pause_ms) {
            struct timespec ts = {(time_t)(q->pause_ms / 1000), (long)(q->pause_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        int rc = child_batch(q, db, job, model, n);
        if (rc) {
            fprintf(stderr, "snac search: synthesis process: %s\n", snac_err_msg());
            db_close(db);
            _exit(rc == SNAC_EINTR ? 2 : 1);
        }
    }
    db_close(db);
    _exit(0);
}

/* Reap the child if it ended; an error if it failed. */
static int reap(search_synth *q, bool block)
{
    if (q->child <= 0)
        return SNAC_OK;
    int st = 0;
    pid_t r;
    while ((r = waitpid(q->child, &st, block ? 0 : WNOHANG)) < 0 && errno == EINTR)
        ;
    if (r == 0)
        return SNAC_OK; /* still running */
    pid_t pid = q->child;
    q->child = 0;
    if (r < 0 || (WIFEXITED(st) && WEXITSTATUS(st) == 0))
        return SNAC_OK;
    if (snac_interrupted())
        return snac_err_set(SNAC_EINTR, "interrupted by %s", snac_interrupt_name(snac_interrupted()));
    return snac_err_set(SNAC_EIO, "the synthesis process (pid %d) %s %d; its jobs stay queued for a resume", (int)pid,
                        WIFEXITED(st) ? "exited with status" : "was killed by signal",
                        WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int search_synth_kick(search_synth *q, snac_db *db)
{
    int rc = reap(q, false);
    if (rc || q->child > 0 || snac_interrupted())
        return rc;
    long long n = 0;
    if ((rc = count_queued(db, q->run_id, -1, &n)) || n == 0)
        return rc;
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return snac_err_set(SNAC_EIO, "fork of the synthesis process: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the search, and its Yosys with it */
        if (getppid() != parent)
            _exit(1);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        child_main(q);
    }
    q->child = pid;
    return SNAC_OK;
}

int search_synth_wait(search_synth *q, snac_db *db, long long max_gen)
{
    for (;;) {
        if (snac_interrupted()) /* the child got the terminal's signal too; its jobs stay queued */
            return snac_err_set(SNAC_EINTR, "interrupted by %s", snac_interrupt_name(snac_interrupted()));
        long long n = 0;
        int rc = count_queued(db, q->run_id, max_gen, &n);
        if (rc || n == 0)
            return rc;
        if ((rc = search_synth_kick(q, db)))
            return rc;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* ---------------------------------------------------------------- the online refit */

static int load_refit_row(snac_db *db, int64_t run_id, size_t generation, search_refit_out *out, bool *found)
{
    sqlite3_stmt *st;
    *found = false;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT version_id, activated, n_results, n_groups, coalesce(detail, '') FROM search_refits "
                           "WHERE run_id = ?1 AND generation = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "read the refits");
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)generation);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *found = true;
        out->reused = true;
        out->fitted_id = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
        out->fitted = out->fitted_id != 0;
        out->activated = sqlite3_column_int(st, 1) != 0;
        out->n_results = (size_t)sqlite3_column_int64(st, 2);
        out->n_groups = (size_t)sqlite3_column_int64(st, 3);
        snprintf(out->reason, sizeof out->reason, "%s", (const char *)sqlite3_column_text(st, 4));
        if (out->activated)
            out->version_id = out->fitted_id;
    }
    sqlite3_finalize(st);
    return SNAC_OK;
}

/* Drop the rows of this run's jobs picked after generation > max_gen (the lag). */
static int filter_rows(snac_db *db, int64_t run_id, long long max_gen, vrows *R)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT 1 FROM search_synth_jobs WHERE run_id = ?1 AND synthesis_id = ?2 AND generation > ?3",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "filter the refit rows");
    size_t w = 0;
    for (size_t i = 0; i < R->n; i++) {
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int64(st, 2, R->row[i].id);
        sqlite3_bind_int64(st, 3, max_gen);
        bool later = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (!later)
            R->row[w++] = R->row[i];
    }
    sqlite3_finalize(st);
    R->n = w;
    vrows_assign_groups(R);
    return SNAC_OK;
}

static int insert_refit_row(snac_db *db, int64_t run_id, size_t generation, const search_refit_out *o, int64_t parent)
{
    sqlite3_stmt *st;
    char now[32], detail[400];
    db_now(now);
    snprintf(detail, sizeof detail, "%s", o->reason);
    if (sqlite3_prepare_v2(db_handle(db),
                           "INSERT INTO search_refits(run_id, generation, version_id, parent_id, activated, n_results, "
                           "n_groups, detail, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "store the refit");
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)generation);
    if (o->fitted_id)
        sqlite3_bind_int64(st, 3, o->fitted_id);
    sqlite3_bind_int64(st, 4, parent);
    sqlite3_bind_int(st, 5, o->activated);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)o->n_results);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)o->n_groups);
    sqlite3_bind_text(st, 8, detail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? SNAC_OK : db_error(db, "store the refit");
}

/* The last fitted refit of this run before `generation`: its generation and row count (-1: none). */
static int last_refit(snac_db *db, int64_t run_id, size_t generation, long long *gen, long long *n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT generation, n_results FROM search_refits WHERE run_id = ?1 AND generation < ?2 "
                           "AND version_id IS NOT NULL ORDER BY generation DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "read the refits");
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)generation);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *gen = sqlite3_column_int64(st, 0);
        *n = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? SNAC_OK : db_error(db, "read the refits");
}

/* The surrogate targets metric m reads (bit t = target t). */
static uint32_t metric_targets(enum search_metric m)
{
    switch (m) {
    case SEARCH_M_AVG_RESOURCE_PCT:
        return (1u << SURR_T_LUT) | (1u << SURR_T_FF) | (1u << SURR_T_DSP) | (1u << SURR_T_BRAM18);
    case SEARCH_M_LATENCY_NS:
    case SEARCH_M_LATENCY_CYCLES: return 1u << SURR_T_LATENCY_CYCLES;
    case SEARCH_M_LUT:
    case SEARCH_M_LUT_PCT: return 1u << SURR_T_LUT;
    case SEARCH_M_FF:
    case SEARCH_M_FF_PCT: return 1u << SURR_T_FF;
    case SEARCH_M_DSP:
    case SEARCH_M_DSP_PCT: return 1u << SURR_T_DSP;
    case SEARCH_M_BRAM18:
    case SEARCH_M_BRAM18_PCT: return 1u << SURR_T_BRAM18;
    case SEARCH_M_URAM:
    case SEARCH_M_URAM_PCT: return 1u << SURR_T_URAM;
    case SEARCH_M_II: return 1u << SURR_T_II;
    default: return 0; /* accuracy, BOPs: not the surrogate's */
    }
}

/* Constraints count too: a refit that worsens a constrained target moves the feasibility line. */
uint32_t search_synth_gate_targets(const search_config *c)
{
    uint32_t m = 0;
    for (size_t i = 0; i < c->n_obj; i++)
        m |= metric_targets(c->obj[i]);
    for (size_t i = 0; i < c->n_cons; i++)
        m |= metric_targets(c->cons[i].metric);
    return m;
}

int search_synth_refit(snac_db *db, int64_t run_id, size_t generation, long long max_job_gen,
                       const surr_version *current, size_t kfold, uint32_t gate_targets, bool force,
                       search_refit_out *out)
{
    memset(out, 0, sizeof *out);
    out->version_id = current->id;
    bool found;
    int rc = load_refit_row(db, run_id, generation, out, &found);
    if (rc || found)
        return rc;
    vrows R = VROWS_INIT;
    surr_version v = {0};
    refit_report rep;
    if ((rc = vrows_load(db, current->toolchain, &R)) ||
        (rc = filter_rows(db, run_id, max_job_gen, &R)))
        goto out;
    out->n_results = R.n;
    out->n_groups = R.n_groups;
    long long prev_gen = -1, prev_n = -1;
    if ((rc = last_refit(db, run_id, generation, &prev_gen, &prev_n)))
        goto out;
    if (prev_n == (long long)R.n && R.n_groups >= 2) {
        /* rows only accumulate: the same count is the same rows, and the same fit */
        snprintf(out->reason, sizeof out->reason, "not fitted: no new synthesis rows since the refit before generation %lld",
                 prev_gen + 1);
    } else if (R.n_groups < 2) {
        snprintf(out->reason, sizeof out->reason, "not fitted: %zu synthesized architecture(s), 2 needed", R.n_groups);
    } else {
        refit_opts ro = REFIT_OPTS_INIT;
        ro.kfold = kfold < R.n_groups ? kfold : R.n_groups;
        ro.gate_targets = gate_targets;
        if ((rc = refit_run(R.row, R.n, R.n_groups, current, &ro, &v, &rep)))
            goto out;
        out->fitted = true;
        out->score_new = rep.cand.score;
        out->score_parent = rep.parent.score;
        snprintf(out->reason, sizeof out->reason, "%s; held-out score %.4g%% vs %.4g%%: %.120s", refit_mode_names[rep.mode],
                 rep.cand.score, rep.parent.score, rep.gate_ok ? "activated" : force ? "activated (force)" : rep.gate_reason);
    }
    if (!(rc = db_begin(db))) {
        if (out->fitted && !(rc = refit_store(db, &v, rep.gate_ok || force))) {
            out->fitted_id = v.id;
            out->activated = rep.gate_ok || force;
            if (out->activated)
                out->version_id = v.id;
        }
        if (rc || (rc = insert_refit_row(db, run_id, generation, out, current->id)) || (rc = db_commit(db)))
            db_rollback(db);
    }
out:
    surr_version_clear(&v);
    vrows_free(&R);
    return rc;
}
