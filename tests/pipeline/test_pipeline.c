/* test_pipeline — the pieces of `snac run` / `snac ablate` that are not Yosys: config edits,
 * the pipeline and ablate sections, the stage detail reader, the bootstrap, the store's
 * joined transactions (a stage's result and its row commit together), and the choice of
 * trials and models (one chain per architecture, built models spread over the chains). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "config/yaml_edit.h"
#include "pipeline/pipeline_ablate.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/pipeline_pick.h"
#include "pipeline/pipeline_run.h"
#include "search/search_config.h"
#include "store/db.h"
#include "util/err.h"

static const char BASE[] = "# a comment\n"
                           "search: {trials: 40, population: 20, seed: 7, objectives: [accuracy, bops_mac]}\n"
                           "deploy:\n"
                           "  toolchain: vivado-2019.1\n"
                           "  input: \"ap_fixed<8,3>\"\n"
                           "output: {db: x.db}\n";

static void text_set_should_replace_add_and_keep_the_rest(void)
{
    cfg_set sets[] = {{"search.seed", "12"},
                      {"search.objectives", "[accuracy, avg_resource_pct, latency_cycles]"},
                      {"deploy.surrogate", "\"refit-yosys-0.23-v3\""},
                      {"output.run_name", "nac/seed2"},
                      {"pipeline.refit", "false"}};
    char *out = NULL;
    CHECK(cfg_text_set(BASE, strlen(BASE), "base", sets, 5, &out) == SNAC_OK);
    if (!out)
        return;
    search_config sc;
    search_config_init(&sc);
    CHECK(search_config_parse(out, strlen(out), "out", &sc) == SNAC_OK);
    CHECK(sc.seed == 12);        /* replaced */
    CHECK(sc.trials == 40);      /* kept */
    CHECK(sc.population == 20);  /* kept */
    CHECK(sc.n_obj == 3 && sc.obj[0] == SEARCH_M_ACCURACY && sc.obj[1] == SEARCH_M_AVG_RESOURCE_PCT &&
          sc.obj[2] == SEARCH_M_LATENCY_CYCLES);
    CHECK(strcmp(sc.deploy.surrogate, "refit-yosys-0.23-v3") == 0); /* a key added to a section */
    CHECK(sc.deploy.input.width == 8 && sc.deploy.input.integer == 3);
    CHECK(sc.deploy.toolchain == SURR_TC_VIVADO_2019_1);
    pipe_config pc;
    pipe_config_init(&pc);
    CHECK(pipe_config_parse(out, strlen(out), "out", &pc) == SNAC_OK);
    CHECK(!pc.refit); /* a section added */
    CHECK_STR_CONTAINS(out, "run_name: nac/seed2");
    CHECK(!strstr(out, "# a comment"));
    /* applying the same edit twice gives the same text (a stage's config is stable across resumes) */
    char *again = NULL;
    CHECK(cfg_text_set(out, strlen(out), "out", sets, 5, &again) == SNAC_OK);
    CHECK(again && strcmp(again, out) == 0);
    free(again);
    free(out);
}

static void text_set_should_refuse_bad_input(void)
{
    char *out = (char *)1;
    cfg_set into_scalar = {"deploy.toolchain.x", "1"};
    CHECK(cfg_text_set(BASE, strlen(BASE), "base", &into_scalar, 1, &out) == SNAC_EINVAL);
    CHECK(out == NULL);
    CHECK_STR_CONTAINS(snac_err_msg(), "deploy.toolchain.x");
    cfg_set bad_value = {"search.seed", "[1, 2"};
    CHECK(cfg_text_set(BASE, strlen(BASE), "base", &bad_value, 1, &out) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "cannot parse");
    const char list[] = "- a\n- b\n";
    CHECK(cfg_text_set(list, strlen(list), "list", &bad_value, 0, &out) == SNAC_EFORMAT);
    const char broken[] = "a: [1, 2\n";
    CHECK(cfg_text_set(broken, strlen(broken), "broken", NULL, 0, &out) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "broken");
}

static void pipeline_section_should_read_every_key_and_name_errors(void)
{
    pipe_config c;
    pipe_config_init(&c);
    CHECK(c.refit && !c.feedback && c.kfold == 5 && c.jobs == 2 && c.every == 0 && c.max_models == 0);
    const char y[] = "pipeline:\n"
                     "  data: {out: d/jets, train: 10, val: 5, test: 0, seed: 9}\n"
                     "  select: {min_acc: 0.55, top_k: 3, best: true}\n"
                     "  build: {every: 2, max_models: 7}\n"
                     "  synth: {jobs: 4, timeout: 60, work: w}\n"
                     "  refit: false\n  kfold: 3\n  feedback: true\n  feedback_trials: 20\n";
    CHECK(pipe_config_parse(y, strlen(y), "p.yaml", &c) == SNAC_OK);
    CHECK(strcmp(c.data.out, "d/jets") == 0 && c.data.train == 10 && c.data.val == 5 && c.data.test == 0 &&
          c.data.seed == 9);
    CHECK(c.min_acc == 0.55 && c.top_k == 3 && c.best);
    CHECK(c.every == 2 && c.max_models == 7);
    CHECK(c.jobs == 4 && c.timeout_s == 60 && strcmp(c.work, "w") == 0);
    CHECK(!c.refit && c.kfold == 3 && c.feedback && c.feedback_trials == 20);
    const char bad[] = "pipeline:\n  select: {min_acc: 1.5}\n";
    CHECK(pipe_config_parse(bad, strlen(bad), "p.yaml", &c) == SNAC_ERANGE);
    CHECK_STR_CONTAINS(snac_err_msg(), "p.yaml:2:");
    CHECK_STR_CONTAINS(snac_err_msg(), "min_acc");
    const char unknown[] = "pipeline:\n  sinth: {jobs: 2}\n";
    CHECK(pipe_config_parse(unknown, strlen(unknown), "p.yaml", &c) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "sinth");
}

static void ablate_section_should_build_the_sets(void)
{
    ablate_config c;
    ablate_config_init(&c);
    CHECK(c.seeds == 3 && c.n_sets == 4);
    CHECK(strcmp(c.set[1].name, "nac") == 0 && c.set[1].n_obj == 2 && c.set[1].obj[1] == SEARCH_M_BOPS_MAC);
    CHECK(c.set[2].n_obj == 3 && !c.set[2].refit && c.set[3].refit);
    CHECK(c.set[0].n_obj == 1 && c.set[0].obj[0] == SEARCH_M_ACCURACY);
    const char y[] = "ablate:\n  seeds: 2\n  sets: [nac, snac]\n"
                     "  extra: [{name: lut, objectives: [accuracy, lut]}]\n";
    CHECK(ablate_config_parse(y, strlen(y), "a.yaml", &c) == SNAC_OK);
    CHECK(c.seeds == 2 && c.n_sets == 3);
    CHECK(strcmp(c.set[2].name, "lut") == 0 && c.set[2].n_obj == 2 && c.set[2].obj[1] == SEARCH_M_LUT);
    const char bad[] = "ablate:\n  sets: [nac, sanc]\n";
    CHECK(ablate_config_parse(bad, strlen(bad), "a.yaml", &c) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "a.yaml:2:");
    CHECK_STR_CONTAINS(snac_err_msg(), "sanc");
    const char noacc[] = "ablate:\n  extra: [{name: x, objectives: [lut]}]\n";
    CHECK(ablate_config_parse(noacc, strlen(noacc), "a.yaml", &c) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "first objective must be accuracy");
    const char taken[] = "ablate:\n  extra: [{name: nac, objectives: [accuracy]}]\n";
    CHECK(ablate_config_parse(taken, strlen(taken), "a.yaml", &c) == SNAC_EINVAL);
}

static void json_ids_should_read_the_named_list(void)
{
    int64_t v[4];
    const char *js = "{\"trials\":[12,7, 3],\"models\":[],\"acc\":[0.5]}";
    CHECK(pipe_json_ids(js, "trials", v, 4) == 3 && v[0] == 12 && v[1] == 7 && v[2] == 3);
    CHECK(pipe_json_ids(js, "models", v, 4) == 0);
    CHECK(pipe_json_ids(js, "nope", v, 4) == 0);
    CHECK(pipe_json_ids(js, "trials", v, 2) == 2); /* capacity */
    CHECK(pipe_json_ids(NULL, "trials", v, 4) == 0);
    CHECK(pipe_json_num("{\"a\":1.5,\"b\":[1],\"c\":\"x\"}", "a") == 1.5);
    CHECK(isnan(pipe_json_num("{\"a\":1.5,\"b\":[1]}", "b"))); /* a list is not a number */
    CHECK(isnan(pipe_json_num("{\"c\":\"x\"}", "c")));
    CHECK(isnan(pipe_json_num("{\"a\":1}", "z")));
}

static void bootstrap_should_bracket_the_mean_and_repeat(void)
{
    const double d[5] = {1, 2, 3, 4, 5};
    double m, lo, hi, m2, lo2, hi2;
    ablate_bootstrap_mean(d, 5, 2000, 7, 0.95, &m, &lo, &hi);
    CHECK_NEAR(m, 3.0, 1e-12);
    /* the resampled means lie in [1, 5]; a 95% interval of 5 points is well inside and around 3 */
    CHECK(lo >= 1 && lo < 3 && hi > 3 && hi <= 5);
    ablate_bootstrap_mean(d, 5, 2000, 7, 0.95, &m2, &lo2, &hi2);
    CHECK(lo == lo2 && hi == hi2); /* same seed, same interval */
    const double c[3] = {0.25, 0.25, 0.25};
    ablate_bootstrap_mean(c, 3, 500, 1, 0.95, &m, &lo, &hi);
    CHECK(m == 0.25 && lo == 0.25 && hi == 0.25);
    ablate_bootstrap_mean(d, 1, 500, 1, 0.95, &m, &lo, &hi);
    CHECK(m == 1 && isnan(lo) && isnan(hi)); /* one seed: no spread */
}

static long long scalar(snac_db *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void joined_transaction_should_commit_or_roll_back_as_one(void)
{
    const char *path = "test_pipeline.db";
    unlink(path);
    snac_db *db = NULL;
    CHECK(db_open(path, &db) == SNAC_OK);
    if (!db)
        return;
    db_run r = {"pipeline", "p", "x: 1\n", NULL, 1, 0};
    int64_t id = 0, child = 0;
    /* outer begin, an inner write that begins and commits, then the outer rolls back: nothing stays */
    CHECK(db_begin(db) == SNAC_OK);
    CHECK(db_begin(db) == SNAC_OK);
    CHECK(db_run_insert(db, &r, &id) == SNAC_OK);
    CHECK(db_commit(db) == SNAC_OK); /* only leaves the joined transaction */
    CHECK(!sqlite3_get_autocommit(db_handle(db)));
    db_rollback(db);
    CHECK(scalar(db, "SELECT count(*) FROM runs") == 0);
    /* both commit: both rows, and the child points at its parent */
    CHECK(db_begin(db) == SNAC_OK);
    CHECK(db_run_insert(db, &r, &id) == SNAC_OK);
    db_run c = {"search", "search", "x: 1\n", NULL, 1, id};
    CHECK(db_begin(db) == SNAC_OK);
    CHECK(db_run_insert(db, &c, &child) == SNAC_OK);
    CHECK(db_commit(db) == SNAC_OK);
    CHECK(db_commit(db) == SNAC_OK);
    CHECK(sqlite3_get_autocommit(db_handle(db)));
    CHECK(scalar(db, "SELECT count(*) FROM runs") == 2);
    char q[96];
    snprintf(q, sizeof q, "SELECT parent_id FROM runs WHERE id = %lld", (long long)child);
    CHECK(scalar(db, q) == id);
    /* an inner failure rolls back the whole: the outer commit then fails instead of storing half */
    CHECK(db_begin(db) == SNAC_OK);
    CHECK(db_run_insert(db, &r, &id) == SNAC_OK);
    CHECK(db_begin(db) == SNAC_OK);
    db_rollback(db);
    CHECK(db_commit(db) != SNAC_OK);
    CHECK(scalar(db, "SELECT count(*) FROM runs") == 2);
    db_close(db);
    unlink(path);
    unlink("test_pipeline.db-wal");
    unlink("test_pipeline.db-shm");
}

/* Every shipped run config reads: the search, local, pipeline and ablate sections. */
static void shipped_configs_should_parse(void)
{
    const char *fx = getenv("SNAC_FIXTURES");
    static const char *const names[] = {"demo.yaml", "paper.yaml", "ablate_demo.yaml"};
    for (size_t i = 0; fx && i < sizeof names / sizeof names[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/../../configs/%s", fx, names[i]);
        FILE *f = fopen(path, "rb");
        CHECK_MSG(f != NULL, "%s", path);
        if (!f)
            continue;
        static char text[1 << 16];
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = '\0';
        search_config sc;
        pipe_config pc;
        ablate_config ac;
        search_config_init(&sc);
        pipe_config_init(&pc);
        ablate_config_init(&ac);
        CHECK_MSG(search_config_parse(text, n, path, &sc) == SNAC_OK, "%s", snac_err_msg());
        CHECK_MSG(pipe_config_parse(text, n, path, &pc) == SNAC_OK, "%s", snac_err_msg());
        CHECK_MSG(ablate_config_parse(text, n, path, &ac) == SNAC_OK, "%s", snac_err_msg());
    }
}

/* Front members 11..16 as the select stage sees them: 11, 12 and 15 share layer widths (group
 * 0), 13 and 16 another (group 1), 14 is alone (group 2). Expected by hand: the best of each
 * group in accuracy order, ties to the lower id. */
static void pick_per_group_should_keep_each_architectures_best(void)
{
    pipe_cand c[] = {{11, 0.570, 0}, {12, 0.575, 0}, {13, 0.560, 1}, {14, 0.565, 2}, {15, 0.575, 0}, {16, 0.561, 1}};
    size_t k = pipe_pick_per_group(c, 6);
    CHECK(k == 3);
    CHECK(c[0].id == 12 && c[0].acc == 0.575); /* 12 and 15 tie: the lower id */
    CHECK(c[1].id == 14);
    CHECK(c[2].id == 16);
    pipe_cand one[] = {{7, 0.5, 4}};
    CHECK(pipe_pick_per_group(one, 1) == 1 && one[0].id == 7);
    CHECK(pipe_pick_per_group(c, 0) == 0);
}

/* Local-front models of two chains (source trials 76 and 149) plus one of trial 5: the
 * accuracy order alone would build 148, 141, 149, 142 (chain 149 twice first); round robin
 * takes every chain's best, then every chain's second best. */
static void round_robin_should_spread_the_built_models_over_chains(void)
{
    pipe_cand c[] = {{141, 0.5773, 76}, {142, 0.5739, 76}, {143, 0.5642, 76}, {148, 0.5806, 149},
                     {149, 0.5771, 149}, {150, 0.5667, 149}, {160, 0.5200, 5}};
    CHECK(pipe_order_round_robin(c, 7) == 0);
    const int64_t want[] = {148, 141, 160, 149, 142, 150, 143};
    for (size_t i = 0; i < 7; i++)
        CHECK_MSG(c[i].id == want[i], "position %zu: model %lld, want %lld", i, (long long)c[i].id,
                  (long long)want[i]);
    pipe_cand tie[] = {{9, 0.5, 1}, {8, 0.5, 2}, {7, 0.6, 1}};
    CHECK(pipe_order_round_robin(tie, 3) == 0);
    CHECK(tie[0].id == 7 && tie[1].id == 8 && tie[2].id == 9);
}

int main(void)
{
    TEST(shipped_configs_should_parse);
    TEST(text_set_should_replace_add_and_keep_the_rest);
    TEST(text_set_should_refuse_bad_input);
    TEST(pipeline_section_should_read_every_key_and_name_errors);
    TEST(ablate_section_should_build_the_sets);
    TEST(json_ids_should_read_the_named_list);
    TEST(bootstrap_should_bracket_the_mean_and_repeat);
    TEST(joined_transaction_should_commit_or_roll_back_as_one);
    TEST(pick_per_group_should_keep_each_architectures_best);
    TEST(round_robin_should_spread_the_built_models_over_chains);
    return check_report();
}
