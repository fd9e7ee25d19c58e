/* search: the global-search driver end to end on a tiny CSV (3 blobs, 6 features,
 * population 4, 3 generations, 1 epoch) —
 *   - 2 worker processes give the same trials and final state as 1 (serial);
 *   - the store holds every trial, every trained model and all its predictions with the
 *     run's surrogate version;
 *   - a search SIGKILLed mid-run (SNAC_SEARCH_KILL_AFTER) and resumed ends with the same
 *     final population and trial table as an uninterrupted run with the same seed;
 *   - the Pareto export (CSV, JSON) lists the front; bad input fails before the store exists. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "search/nsga2.h"
#include "search/search_pareto.h"
#include "search/search_run.h"
#include "store/db.h"
#include "util/err.h"
#include "util/rng.h"

static char dir[256];

static void path_in(char *buf, size_t cap, const char *name) { snprintf(buf, cap, "%s/%s", dir, name); }

static void write_data(void)
{
    char p[512];
    path_in(p, sizeof p, "blobs.csv");
    FILE *f = fopen(p, "w");
    fprintf(f, "f0,f1,f2,f3,f4,f5,label\n");
    snac_rng r;
    rng_seed(&r, 17);
    for (int i = 0; i < 480; i++) {
        int k = i % 3;
        fprintf(f, "%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%c\n", k + 0.8 * rng_normal(&r), -k + 0.8 * rng_normal(&r),
                rng_normal(&r), 0.5 * k + rng_normal(&r), rng_uniform(&r), rng_normal(&r), "abc"[k]);
    }
    fclose(f);
}

#define DEFAULT_SPACE                      \
    "  layers: [1, 2, 3]\n"                 \
    "  widths: [[8, 16, 32], [4, 8], [4, 8]]\n" \
    "  learning_rate: [0.003, 0.01]\n"
/* Two architectures only: every generation repeats some (duplicates in a batch, cache hits later). */
#define TINY_SPACE                                                                          \
    "  layers: [2]\n"                                                                        \
    "  widths: [[8, 16], [8]]\n"                                                             \
    "  activation: [relu]\n"                                                                 \
    "  batch_norm: [true]\n"                                                                 \
    "  learning_rate: [0.01]\n"                                                              \
    "  l1: [0]\n"                                                                            \
    "  dropout: [0]\n"

/* A config with its own database name; `extra` goes into the search section. */
static void write_config_space(const char *name, const char *db, const char *extra, const char *space)
{
    char p[512];
    path_in(p, sizeof p, name);
    FILE *f = fopen(p, "w");
    fprintf(f,
            "training: {batch_size: 32}\n"
            "data: {format: csv, files: %s/blobs.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 5}\n"
            "output: {db: %s/%s}\n"
            "search:\n"
            "  trials: 12\n"
            "  population: 4\n"
            "  epochs: 1\n"
            "  seed: 31\n"
            "  objectives: [accuracy, bops_mac, latency_cycles]\n"
            "  constraints: {dsp: 2000}\n"
            "  seed_architectures: [{hidden: [16, 8], activation: relu, batch_norm: true}]\n"
            "%s"
            "search_space:\n"
            "%s",
            dir, dir, db, extra, space);
    fclose(f);
}

static void write_config(const char *name, const char *db, const char *extra)
{
    write_config_space(name, db, extra, DEFAULT_SPACE);
}

static int run_config(const char *name, size_t workers, search_run_summary *s)
{
    char p[512];
    path_in(p, sizeof p, name);
    search_run_opts o = SEARCH_RUN_OPTS_INIT;
    o.config_path = p;
    o.workers = workers;
    return search_run(&o, s);
}

static sqlite3 *open_db(const char *name)
{
    char p[512];
    path_in(p, sizeof p, name);
    sqlite3 *h = NULL;
    sqlite3_open_v2(p, &h, SQLITE_OPEN_READONLY, NULL);
    return h;
}

static long long q_int(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The run's trial table as one string (everything that must be reproducible). */
static char *trial_table(sqlite3 *h)
{
    sqlite3_stmt *st;
    size_t cap = 1 << 16, n = 0;
    char *buf = calloc(cap, 1);
    sqlite3_prepare_v2(h,
                       "SELECT generation, idx, genome, arch, seed, status, quote(accuracy), quote(val_loss), "
                       "quote(bops_mac), quote(bops_bit), objectives, quote(violation), quote(train_seconds = 0), "
                       /* ids depend on the order trials finish in: the repeated trial by position */
                       "(SELECT 'g' || s.generation || '/' || s.idx FROM trials s WHERE s.id = t.same_as), "
                       "(SELECT count(*) FROM trials s WHERE s.id = t.same_as AND s.model_id IS t.model_id) "
                       "FROM trials t ORDER BY generation, idx",
                       -1, &st, NULL);
    while (sqlite3_step(st) == SQLITE_ROW && n + 4096 < cap) {
        for (int c = 0; c < 15; c++) {
            const char *t = (const char *)sqlite3_column_text(st, c);
            n += (size_t)snprintf(buf + n, cap - n, "%s|", t ? t : "NULL");
        }
        buf[n++] = '\n';
    }
    sqlite3_finalize(st);
    return buf;
}

/* The final NSGA-II population from the run's state blob. */
static nsga2 *final_state(sqlite3 *h)
{
    sqlite3_stmt *st;
    nsga2 *s = NULL;
    if (sqlite3_prepare_v2(h, "SELECT state FROM runs WHERE id = 1", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) > 0)
        nsga2_load(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), &s);
    sqlite3_finalize(st);
    return s;
}

static bool same_population(nsga2 *a, nsga2 *b)
{
    nsga2_population pa, pb;
    if (!a || !b || nsga2_get_population(a, &pa) || nsga2_get_population(b, &pb))
        return false;
    return pa.n == pb.n && pa.n_genes == pb.n_genes && pa.n_obj == pb.n_obj &&
           memcmp(pa.genomes, pb.genomes, pa.n * pa.n_genes * sizeof(double)) == 0 &&
           memcmp(pa.f, pb.f, pa.n * pa.n_obj * sizeof(double)) == 0 &&
           memcmp(pa.viol, pb.viol, pa.n * sizeof(double)) == 0;
}

/* ---------------------------------------------------------------- tests */

static void serial_run_should_store_every_trial_model_and_prediction(void)
{
    write_config("serial.yaml", "serial.db", "");
    search_run_summary s;
    int rc = run_config("serial.yaml", 1, &s);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    CHECK(s.run_id == 1 && s.generations == 3 && s.workers == 1);
    CHECK(s.trained + s.cached == 12 && s.trained >= 4);
    sqlite3 *h = open_db("serial.db");
    CHECK(q_int(h, "SELECT count(*) FROM runs WHERE kind = 'search' AND status = 'done' AND length(config_yaml) > 100 "
                   "AND seed = 31 AND data_norm IS NOT NULL AND state IS NOT NULL") == 1);
    /* a row for every asked row of every generation */
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE run_id = 1") == 12);
    CHECK(q_int(h, "SELECT count(DISTINCT generation * 100 + idx) FROM trials") == 12);
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE status IN ('done','failed')") == (long long)s.trained);
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE status = 'cached'") == (long long)s.cached);
    /* trained trials: accuracy, both BOPs, timing, objectives, a stored model */
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE status = 'done' AND accuracy BETWEEN 0 AND 1 AND val_loss > 0 "
                   "AND bops_mac > 0 AND bops_bit > bops_mac AND train_seconds >= 0 AND violation >= 0 "
                   "AND objectives LIKE '{\"names\":[\"accuracy\",\"bops_mac\",\"latency_cycles\"]%' "
                   "AND model_id IS NOT NULL AND genome <> '' AND arch LIKE '{\"n_in\":6,%'") ==
          (long long)(s.trained - s.failed));
    /* cached trials repeat the model_id of the trial they copy: count the trained ones */
    CHECK(q_int(h, "SELECT count(*) FROM models m JOIN trials t ON t.model_id = m.id WHERE length(m.weights) > 100 "
                   "AND t.status <> 'cached'") ==
          (long long)(s.trained - s.failed));
    /* every trained model: all 9 predictions, by the version the run records */
    long long ver = q_int(h, "SELECT json_extract(result, '$.surrogate_version') FROM runs WHERE id = 1");
    CHECK(ver >= 1);
    CHECK(q_int(h, "SELECT count(*) FROM predictions p JOIN trials t ON p.model_id = t.model_id "
                   "AND t.status <> 'cached'") ==
          9 * (long long)(s.trained - s.failed));
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM predictions WHERE version_id <> %lld", ver);
    CHECK(q_int(h, sql) == 0);
    CHECK(q_int(h, "SELECT count(*) FROM trials t WHERE status = 'done' AND json_extract(t.objectives, '$.spec_sha256') = "
                   "(SELECT spec_sha256 FROM predictions p WHERE p.model_id = t.model_id LIMIT 1)") ==
          (long long)(s.trained - s.failed));
    /* the objectives stored are the trial's columns: accuracy and BOPs as measured */
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE status = 'done' AND "
                   "(abs(json_extract(objectives, '$.values[0]') - accuracy) > 1e-12 OR json_extract(objectives, '$.f[1]') <> bops_mac)") == 0);
    /* the seed architecture opens the initial population */
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE generation = 0 AND idx = 0 AND arch LIKE '%\"hidden\":[16,8]%'") == 1);
    sqlite3_close(h);
}

static void two_workers_should_give_the_same_results_as_serial(void)
{
    write_config("par.yaml", "par.db", "");
    search_run_summary s;
    int rc = run_config("par.yaml", 2, &s);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    CHECK(s.workers == 2);
    sqlite3 *a = open_db("serial.db"), *b = open_db("par.db");
    char *ta = trial_table(a), *tb = trial_table(b);
    CHECK(strlen(ta) > 100);
    CHECK_MSG(strcmp(ta, tb) == 0, "serial:\n%s\nparallel:\n%s", ta, tb);
    nsga2 *sa = final_state(a), *sb = final_state(b);
    CHECK(same_population(sa, sb));
    nsga2_free(sa);
    nsga2_free(sb);
    free(ta);
    free(tb);
    sqlite3_close(a);
    sqlite3_close(b);
}

static void killed_search_should_resume_to_the_uninterrupted_result(void)
{
    write_config("kill.yaml", "kill.db", "");
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("SNAC_SEARCH_KILL_AFTER", "5", 1);
        search_run_summary s;
        run_config("kill.yaml", 2, &s);
        _exit(3); /* not reached when the hook fires */
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %d", st);
    sqlite3 *h = open_db("kill.db");
    long long stored = q_int(h, "SELECT count(*) FROM trials WHERE status IN ('done','failed')");
    CHECK_MSG(stored == 5, "%lld trained trials stored before the kill", stored);
    CHECK(q_int(h, "SELECT count(*) FROM runs WHERE status = 'running'") == 1);
    sqlite3_close(h);

    char p[512];
    path_in(p, sizeof p, "kill.db");
    search_run_opts o = SEARCH_RUN_OPTS_INIT;
    o.db_path = p;
    o.resume = 1;
    o.workers = 2;
    search_run_summary s;
    int rc = search_run(&o, &s);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    CHECK(s.generations == 3 && s.reused >= 1);
    h = open_db("kill.db");
    sqlite3 *ref = open_db("serial.db");
    CHECK(q_int(h, "SELECT count(*) FROM runs WHERE status = 'done'") == 1);
    nsga2 *sa = final_state(h), *sb = final_state(ref);
    CHECK(same_population(sa, sb));
    char *ta = trial_table(h), *tb = trial_table(ref);
    CHECK_MSG(strcmp(ta, tb) == 0, "resumed:\n%s\nuninterrupted:\n%s", ta, tb);
    /* no trial trained twice: one model per trained trial */
    CHECK(q_int(h, "SELECT count(*) FROM models") == q_int(h, "SELECT count(*) FROM trials WHERE status = 'done'"));
    nsga2_free(sa);
    nsga2_free(sb);
    free(ta);
    free(tb);
    sqlite3_close(h);
    sqlite3_close(ref);

    /* resuming a finished run does nothing */
    rc = search_run(&o, &s);
    CHECK(rc == 0 && s.trained == 0 && s.generations == 3);
}

static void check_cached_rows_complete(sqlite3 *h, const search_run_summary *sum)
{
    const search_run_summary s = *sum;
    /* cached rows are complete: they repeat the trial that trained their architecture */
    CHECK(s.cached >= 8 && s.trained >= 1 && s.failed == 0);
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE accuracy IS NULL OR val_loss IS NULL OR bops_mac IS NULL "
                   "OR bops_bit IS NULL OR model_id IS NULL") == 0);
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE (status = 'cached') <> (same_as IS NOT NULL)") == 0);
    CHECK(q_int(h, "SELECT count(*) FROM trials c JOIN trials t ON t.id = c.same_as WHERE c.status = 'cached' "
                   "AND t.status = 'done' AND t.run_id = c.run_id AND t.arch = c.arch AND t.accuracy = c.accuracy "
                   "AND t.val_loss = c.val_loss AND t.bops_mac = c.bops_mac AND t.bops_bit = c.bops_bit "
                   "AND t.model_id = c.model_id AND c.train_seconds = 0 AND t.objectives IS NOT NULL "
                   "AND json_extract(t.objectives, '$.f') = json_extract(c.objectives, '$.f') "
                   "AND t.violation = c.violation "
                   "AND (t.generation < c.generation OR (t.generation = c.generation AND "
                   "json_extract(c.objectives, '$.cache') = 'duplicate'))") == (long long)s.cached);
    CHECK(q_int(h, "SELECT count(*) FROM models") == (long long)s.trained);
    /* no new predictions for a repeat: still 9 per trained model */
    CHECK(q_int(h, "SELECT count(*) FROM predictions") == 9 * (long long)(s.trained - s.failed));
}

static void cached_trials_should_repeat_the_trained_trial(void)
{
    write_config_space("cache.yaml", "cache.db", "", TINY_SPACE);
    search_run_summary s;
    int rc = run_config("cache.yaml", 1, &s);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    CHECK(s.trained + s.cached == 12);
    sqlite3 *h = open_db("cache.db");
    check_cached_rows_complete(h, &s);
    /* both kinds of repeat occur: a duplicate within a batch, a cache hit from an earlier generation */
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE json_extract(objectives, '$.cache') = 'cached'") >= 4);
    sqlite3_close(h);

    /* the same with 2 workers (trial ids differ with the finishing order: compared by position) */
    write_config_space("cachepar.yaml", "cachepar.db", "", TINY_SPACE);
    rc = run_config("cachepar.yaml", 2, &s);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    sqlite3 *a = open_db("cache.db"), *b = open_db("cachepar.db");
    char *ta = trial_table(a), *tb = trial_table(b);
    CHECK(strstr(ta, "|g0/") != NULL);
    CHECK_MSG(strcmp(ta, tb) == 0, "serial:\n%s\nparallel:\n%s", ta, tb);
    free(ta);
    free(tb);
    sqlite3_close(b);

    /* killed after its first trained trial and resumed: the cached rows written after the
     * resume point at the trial stored before the kill */
    write_config_space("cachekill.yaml", "cachekill.db", "", TINY_SPACE);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("SNAC_SEARCH_KILL_AFTER", "1", 1);
        run_config("cachekill.yaml", 1, &s);
        _exit(3);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %d", st);
    char p[512];
    path_in(p, sizeof p, "cachekill.db");
    search_run_opts o = SEARCH_RUN_OPTS_INIT;
    o.db_path = p;
    o.resume = 1;
    o.workers = 1;
    rc = search_run(&o, &s);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    b = open_db("cachekill.db");
    ta = trial_table(a);
    tb = trial_table(b);
    CHECK_MSG(strcmp(ta, tb) == 0, "uninterrupted:\n%s\nresumed:\n%s", ta, tb);
    CHECK(q_int(b, "SELECT count(*) FROM trials WHERE status = 'cached' AND (same_as IS NULL OR accuracy IS NULL)") == 0);
    free(ta);
    free(tb);
    sqlite3_close(a);
    sqlite3_close(b);
}

static void pareto_should_export_the_front_as_csv_and_json(void)
{
    char p[512];
    path_in(p, sizeof p, "serial.db");
    snac_db *db = NULL;
    CHECK(db_open(p, &db) == 0);
    char *buf = NULL;
    size_t len = 0, nf = 0;
    FILE *f = open_memstream(&buf, &len);
    search_pareto_opts po = {1, SEARCH_PARETO_CSV, false, 0, {0}, NULL};
    CHECK(search_pareto_write(db, &po, f, &nf) == 0);
    fclose(f);
    CHECK(nf >= 1);
    CHECK_STR_CONTAINS(buf, "trial_id,generation,idx,front,accuracy,val_loss,bops_mac,bops_bitaware,obj_accuracy,"
                            "obj_bops_mac,obj_latency_cycles,violation,pred_lut");
    size_t lines = 0;
    for (char *c = buf; *c; c++)
        lines += *c == '\n';
    CHECK(lines == nf + 1);
    free(buf);
    f = open_memstream(&buf, &len);
    po.format = SEARCH_PARETO_JSON;
    po.all = true;
    CHECK(search_pareto_write(db, &po, f, NULL) == 0);
    fclose(f);
    CHECK_STR_CONTAINS(buf, "{\"run_id\":1,\"surrogate_version\":");
    CHECK_STR_CONTAINS(buf, "\"front\":true");
    CHECK_STR_CONTAINS(buf, "\"predictions\":{\"lut\":");
    free(buf);
    po.run_id = 42;
    f = open_memstream(&buf, &len);
    CHECK(search_pareto_write(db, &po, f, NULL) == SNAC_ENOTFOUND);
    fclose(f);
    free(buf);
    db_close(db);
}

/* The cached rows now carry accuracy and BOPs too, but the export lists each trained
 * architecture once: the front and --all count trained ('done') trials only. */
static void pareto_should_list_a_repeated_architecture_once(void)
{
    char p[512];
    path_in(p, sizeof p, "cache.db");
    sqlite3 *h = open_db("cache.db");
    long long done = q_int(h, "SELECT count(*) FROM trials WHERE status = 'done'");
    CHECK(q_int(h, "SELECT count(*) FROM trials WHERE status = 'cached'") >= 8);
    CHECK(q_int(h, "SELECT count(DISTINCT arch) FROM trials WHERE status = 'done'") == done);
    sqlite3_close(h);
    snac_db *db = NULL;
    CHECK(db_open(p, &db) == 0);
    for (int all = 0; all < 2; all++) {
        char *buf = NULL;
        size_t len = 0, nf = 0;
        FILE *f = open_memstream(&buf, &len);
        search_pareto_opts po = {1, SEARCH_PARETO_JSON, all == 1, 0, {0}, NULL};
        CHECK(search_pareto_write(db, &po, f, &nf) == 0);
        fclose(f);
        long long listed = 0;
        for (const char *c = buf; (c = strstr(c, "\"trial_id\":")) != NULL; c++)
            listed++;
        CHECK(nf >= 1 && (long long)nf <= done);
        CHECK_MSG(listed == (all ? done : (long long)nf), "all=%d: %lld listed, %lld trained, front %zu", all, listed,
                  done, nf);
        free(buf);
    }
    db_close(db);
}

static void bad_input_should_fail_before_the_store_is_created(void)
{
    /* a seed architecture outside the space */
    write_config("bad.yaml", "bad.db", "");
    char p[512], text[4096];
    path_in(p, sizeof p, "bad.yaml");
    FILE *f = fopen(p, "r");
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *hit = strstr(text, "hidden: [16, 8]");
    memcpy(hit, "hidden: [99, 8]", 15);
    f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    search_run_summary s;
    CHECK(run_config("bad.yaml", 1, &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "seed_architectures[0]");
    char db[512];
    struct stat sb;
    path_in(db, sizeof db, "bad.db");
    CHECK(stat(db, &sb) != 0);
    /* resume of a run that does not exist */
    search_run_opts o = SEARCH_RUN_OPTS_INIT;
    path_in(db, sizeof db, "serial.db");
    o.db_path = db;
    o.resume = 9;
    CHECK(search_run(&o, &s) == SNAC_ENOTFOUND);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/snac_search_XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    write_data();
    TEST(serial_run_should_store_every_trial_model_and_prediction);
    TEST(two_workers_should_give_the_same_results_as_serial);
    TEST(killed_search_should_resume_to_the_uninterrupted_result);
    TEST(cached_trials_should_repeat_the_trained_trial);
    TEST(pareto_should_export_the_front_as_csv_and_json);
    TEST(pareto_should_list_a_repeated_architecture_once);
    TEST(bad_input_should_fail_before_the_store_is_created);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (check_failures == 0 && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report();
}
