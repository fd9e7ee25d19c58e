/* bench_report — size and generation time of `snac report` on a paper-scale store: a
 * synthetic store with a baseline train run, a 500-trial global search (25 generations of
 * 20, nine stored predictions per trial), an 11-iteration local search, 30 synthesis
 * results with predictions of two surrogate versions (a default and its refit), stored
 * validation statistics and an ablation table (3 objective sets x 3 seeds). Values are
 * drawn from a fixed-seed generator with plausible shapes (accuracy saturating with MACs,
 * LUT ~ MACs), so the page has the real number of marks and table rows.
 *
 *   bench_report [STORE.db [REPORT.html]]   (defaults bench_report.db, bench_report.html)
 *
 * Prints the store size, the report size, the number of plotted points and the median
 * wall time of 5 rep_report_write() calls; both files are left for
 * benchmarks/bench_report_browser.sh (the page's load time in headless Chromium).
 *
 * Memory: the library's own. Workload: ~6,000 inserts once, then 5 reports.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "reports/rep_report.h"
#include "store/db.h"
#include "util/err.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- a fixed-seed generator (splitmix64) --------------------------------------------------- */

static uint64_t state = 0x5eed5eedULL;

static double unif(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static double gauss(void) { return sqrt(-2 * log(1 - unif())) * cos(6.283185307179586 * unif()); }

/* ---- inserts ------------------------------------------------------------------------------- */

static sqlite3 *H;

static void sql(const char *q)
{
    char *err = NULL;
    if (sqlite3_exec(H, q, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench_report: %s\n  in: %.200s\n", err, q);
        exit(1);
    }
}

static void sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sqlf(const char *fmt, ...)
{
    char q[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q, sizeof q, fmt, ap);
    va_end(ap);
    sql(q);
}

static const char *TS = "2026-01-01T00:00:00Z";

static void predictions(int version, long long model, const char *sha, double lut, double ff, double cyc, double unc)
{
    double res = 100.0 * (lut / 1728000 + ff / 3456000) / 4;
    const char *mid = model ? "" : "NULL";
    char m[32];
    snprintf(m, sizeof m, "%lld", model);
    struct { const char *t; double v; } p[] = {{"lut", lut}, {"ff", ff}, {"dsp", 0}, {"bram18", 0}, {"uram", 0},
                                              {"latency_cycles", cyc}, {"ii", 1}, {"avg_resource_pct", res},
                                              {"latency_ns", 5 * cyc}};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        sqlf("INSERT INTO predictions(version_id, model_id, spec_sha256, target, value, created_at, lo, hi) "
             "VALUES(%d, %s, '%s', '%s', %.6f, '%s', %.6f, %.6f)", version, model ? m : mid, sha, p[i].t, p[i].v, TS,
             p[i].v * (1 - unc), p[i].v * (1 + unc));
}

static long long model(int run, const char *arch, double macs)
{
    sqlf("INSERT INTO models(run_id, name, arch, n_params, macs, test_acc, weights, created_at) "
         "VALUES(%d, 'm', '%s', %.0f, %.0f, 0.59, x'00', '%s')", run, arch, macs, macs, TS);
    return (long long)sqlite3_last_insert_rowid(H);
}

static const char SEARCH_CFG[] =
    "training: {batch_size: 128, threads: 1}\n"
    "data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,\n"
    "       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.1667, seed: 511}\n"
    "output: {db: out/snac.db}\n"
    "search: {trials: 500, population: 20, epochs: 5, seed: 7,\n"
    "         objectives: [accuracy, avg_resource_pct, latency_cycles]}\n";

static void build(const char *path)
{
    unlink(path);
    snac_db *db;
    if (db_open(path, &db)) {
        fprintf(stderr, "bench_report: %s\n", snac_err_msg());
        exit(1);
    }
    H = db_handle(db);
    sql("BEGIN");
    sqlf("INSERT INTO surrogate_versions(id, name, family, basis_version, toolchain, parent_id, coefficients, "
         "active, created_at) VALUES(1, 'default-b5', 'struct-nnls-huber', 5, 'vivado-2019.1', NULL, x'00', 0, '%s'),"
         "(2, 'refit-yosys-1', 'struct-nnls-huber', 5, 'yosys-0.23', 1, x'00', 1, '%s')", TS, TS);
    /* run 1: the baseline */
    sqlf("INSERT INTO runs(id, kind, name, config_yaml, seed, tool_version, git_rev, started_at, finished_at, status) "
         "VALUES(1, 'train', 'baseline', 'model: {hidden: [120, 60, 32, 64, 64, 64, 32, 44]}', 511, '0.1.0', 'bench', "
         "'%s', '%s', 'done')", TS, TS);
    long long base = model(1, "{\"n_in\":24,\"hidden\":[120,60,32,64,64,64,32,44],\"n_out\":5,\"activation\":\"relu\","
                              "\"batch_norm\":true}", 25916);
    sql("INSERT INTO epochs(run_id, epoch, val_acc) VALUES(1, 10, 0.593)");
    predictions(1, base, "base", 172021, 27177, 20, 0.3);
    /* run 2: a 500-trial search */
    sqlite3_stmt *st;
    sqlite3_prepare_v2(H, "INSERT INTO runs(id, kind, config_yaml, seed, tool_version, git_rev, started_at, "
                          "finished_at, status, result) VALUES(2, 'search', ?1, 7, '0.1.0', 'bench', ?2, ?2, 'done', "
                          "'{\"surrogate_version\":1,\"generations\":25,\"evaluations\":500}')", -1, &st, NULL);
    sqlite3_bind_text(st, 1, SEARCH_CFG, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, TS, -1, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_finalize(st);
    static const int widths[8][3] = {{64, 120, 128}, {32, 60, 64}, {16, 32, 32}, {32, 64, 64}, {32, 64, 64},
                                     {32, 64, 64}, {16, 32, 32}, {32, 44, 64}};
    static const char *const acts[3] = {"relu", "tanh", "sigmoid"};
    for (int t = 0; t < 500; t++) {
        int depth = 4 + (int)(unif() * 5), w[8], prev = 24;
        double macs = 0;
        char arch[256];
        int k = snprintf(arch, sizeof arch, "{\"n_in\":24,\"hidden\":[");
        for (int l = 0; l < depth; l++) {
            w[l] = widths[l][(int)(unif() * 3)];
            macs += prev * w[l];
            prev = w[l];
            k += snprintf(arch + k, sizeof arch - (size_t)k, "%s%d", l ? "," : "", w[l]);
        }
        macs += prev * 5;
        snprintf(arch + k, sizeof arch - (size_t)k, "],\"n_out\":5,\"activation\":\"%s\",\"batch_norm\":%s}",
                 acts[(int)(unif() * 3)], unif() < 0.5 ? "true" : "false");
        double acc = 0.50 + 0.09 * (1 - exp(-macs / 6000)) + 0.01 * gauss();
        double lut = macs * (5.5 + 0.8 * gauss()) * (0.7 + 0.3 * unif()), ff = lut / (6 + gauss());
        double cyc = round(2.0 * depth + log2(macs / depth) + gauss());
        double res = 100.0 * (lut / 1728000 + ff / 3456000) / 4;
        char sha[65];
        snprintf(sha, sizeof sha, "%064d", t + 1);
        sqlf("INSERT INTO trials(run_id, generation, idx, genome, arch, seed, status, accuracy, bops_mac, bops_bit, "
             "objectives, violation, created_at) VALUES(2, %d, %d, 'g%d', '%s', %d, 'done', %.6f, %.0f, %.0f, "
             "'{\"names\":[\"accuracy\",\"avg_resource_pct\",\"latency_cycles\"],\"values\":[%.6f,%.6f,%.1f],"
             "\"f\":[%.6f,%.6f,%.1f],\"surrogate_version\":1,\"spec_sha256\":\"%s\"}', 0, '%s')",
             t / 20, t % 20, t, arch, t, acc, macs, macs * 70, acc, res, cyc, 1 - acc, res, cyc, sha, TS);
        predictions(1, 0, sha, lut, ff, cyc, 0.0);
    }
    /* run 3: an 11-iteration local search of trial 1, 8 bits */
    sqlf("INSERT INTO runs(id, kind, name, config_yaml, seed, tool_version, git_rev, started_at, finished_at, status, "
         "result) VALUES(3, 'local', 'local', 'local: {iterations: 10, prune_rate: 0.2, bits: [8]}', 9, '0.1.0', "
         "'bench', '%s', '%s', 'done', '{\"search_run\":2,\"sources\":[1],\"surrogate_version\":1}')", TS, TS);
    long long synth_models[30];
    for (int it = 0; it <= 10; it++) {
        double s = 1 - pow(0.8, it), lut = 170000 * (1 - s) + 4000, ff = lut / 6, cyc = round(20 - it);
        double val = 0.59 + 0.01 * sin(it) + 0.003 * gauss(), test = val + 0.004 * gauss();
        long long m = model(3, "{\"n_in\":24,\"hidden\":[120,60,32,64,64,64,32,44],\"n_out\":5,"
                               "\"activation\":\"relu\",\"batch_norm\":false}", 25916 * (1 - s));
        synth_models[it] = m;
        char sha[65];
        snprintf(sha, sizeof sha, "l%063d", it);
        predictions(1, m, sha, lut, ff, cyc, 0.35);
        sqlf("INSERT INTO local_iterations(run_id, source_trial_id, bits, iteration, epochs, target_sparsity, sparsity, "
             "val_acc, test_acc, bops_mac, bops_bit, predictions, seconds, model_id, created_at) VALUES(3, 1, 8, %d, 10, "
             "%.4f, %.4f, %.5f, %.5f, %.0f, %.0f, '{\"surrogate_version\":1,\"avg_resource_pct\":%.6f,"
             "\"latency_cycles\":%.1f,\"lut\":%.1f,\"ff\":%.1f,\"dsp\":0}', 5, %lld, '%s')",
             it, s, s, val, test, 25916 * (1 - s), 25916 * (1 - s) * 70, 100.0 * (lut / 1728000 + ff / 3456000) / 4,
             cyc, lut, ff, m, TS);
    }
    /* 19 more synthesized models (of the search), then 30 synthesis results; the refit (version 2)
     * predicted all 30 again */
    for (int i = 11; i < 30; i++) {
        char sha[65];
        snprintf(sha, sizeof sha, "s%063d", i);
        double macs = 2000 + 25000 * unif();
        synth_models[i] = model(2, "{\"n_in\":24,\"hidden\":[64,32],\"n_out\":5,\"activation\":\"relu\"}", macs);
        predictions(1, synth_models[i], sha, macs * 6, macs, 8 + 6 * unif(), 0.35);
    }
    for (int i = 0; i < 30; i++) {
        double lut = 0, ff = 0, cyc = 0;
        sqlite3_stmt *q;
        sqlite3_prepare_v2(H, "SELECT target, value FROM predictions WHERE model_id = ?1 AND version_id = 1", -1, &q, NULL);
        sqlite3_bind_int64(q, 1, synth_models[i]);
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(q, 0);
            double v = sqlite3_column_double(q, 1);
            if (strcmp(t, "lut") == 0) lut = v;
            if (strcmp(t, "ff") == 0) ff = v;
            if (strcmp(t, "latency_cycles") == 0) cyc = v;
        }
        sqlite3_finalize(q);
        double alut = lut * 0.7 * exp(0.25 * gauss()), aff = ff * 0.4 * exp(0.3 * gauss()), acyc = round(cyc * 0.6 + 1);
        sqlf("INSERT INTO synthesis_results(model_id, toolchain, tool_version, part, lut, ff, dsp, bram18, uram, "
             "latency_best, latency_worst, ii_min, ii_max, source_kind, source_path, source_sha256, created_at) "
             "VALUES(%lld, 'yosys', '0.23', 'xcvu13p-flga2577-2-e', %.0f, %.0f, 0, 0, 0, %.0f, %.0f, 1, 1, 'yosys', "
             "'synth/model_%lld/synth/yosys_result.json', 'sha%d', '%s')",
             synth_models[i], alut, aff, acyc, acyc, synth_models[i], i, TS);
        char sha[65];
        snprintf(sha, sizeof sha, "r%063d", i);
        predictions(2, synth_models[i], sha, alut * exp(0.1 * gauss()), aff * exp(0.12 * gauss()), acyc, 0.15);
    }
    static const char *const tg[5] = {"lut", "ff", "dsp", "bram18", "latency_cycles"};
    for (int v = 1; v <= 2; v++)
        for (int k = 0; k < 5; k++)
            sqlf("INSERT INTO validation_stats(version_id, toolchain, target, prediction_kind, n, stats, created_at) "
                 "VALUES(%d, 'yosys-0.23', '%s', 'fresh', 30, '{\"n\":30,\"mape\":%.2f,\"mdape\":%.2f,"
                 "\"spearman\":%.3f,\"bias\":%.1f,\"within20\":%.1f}', '%s')",
                 v, tg[k], v == 1 ? 45.0 : 11.0, v == 1 ? 40.0 : 9.0, 0.9, v == 1 ? 900.0 : 30.0,
                 v == 1 ? 10.0 : 80.0, TS);
    sql("CREATE TABLE ablation_results(id INTEGER PRIMARY KEY, ablation_run_id INTEGER, objective_set TEXT, "
        "seed INTEGER, model_id INTEGER, accuracy REAL, lut REAL, ff REAL, dsp REAL, latency REAL, hv_lut REAL, "
        "hv_latency REAL, surr_mape REAL)");
    static const char *const sets[3] = {"accuracy", "accuracy+bops", "accuracy+surrogate"};
    for (int s = 0; s < 3; s++)
        for (int seed = 1; seed <= 3; seed++) {
            double hv = 0.4 + 0.1 * s + 0.02 * gauss();
            for (int m = 0; m < 2; m++)
                sqlf("INSERT INTO ablation_results(ablation_run_id, objective_set, seed, model_id, accuracy, lut, ff, "
                     "dsp, latency, hv_lut, hv_latency, surr_mape) VALUES(4, '%s', %d, %lld, %.4f, %.0f, %.0f, 0, %.0f, "
                     "%.4f, %.4f, %.1f)", sets[s], seed, synth_models[(s * 6 + seed * 2 + m) % 30],
                     0.59 + 0.005 * gauss(), 150000 / (1 + s * 2.5) * exp(0.2 * gauss()), 20000.0 / (1 + s),
                     22 - 4 * s + round(gauss()), hv, hv - 0.03, 30 - 8 * s + gauss());
        }
    sql("COMMIT");
    db_close(db);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *store = argc > 1 ? argv[1] : "bench_report.db";
    const char *html = argc > 2 ? argv[2] : "bench_report.html";
    double t0 = now_s();
    build(store);
    double t_build = now_s() - t0;
    snac_db *db;
    if (db_open_readonly(store, &db)) {
        fprintf(stderr, "bench_report: %s\n", snac_err_msg());
        return 1;
    }
    double t[5];
    for (int r = 0; r < 5; r++) {
        t0 = now_s();
        if (rep_report_write(db, NULL, 0, html)) {
            fprintf(stderr, "bench_report: %s\n", snac_err_msg());
            db_close(db);
            return 1;
        }
        t[r] = now_s() - t0;
    }
    db_close(db);
    qsort(t, 5, sizeof t[0], cmp_d);
    struct stat sd, sh;
    stat(store, &sd);
    stat(html, &sh);
    FILE *f = fopen(html, "rb");
    size_t marks = 0;
    if (f) {
        char line[8192];
        while (fgets(line, sizeof line, f))
            for (char *p = line; (p = strstr(p, "<circle class=\"m ")); p++)
                marks++;
        fclose(f);
    }
    printf("store %s: 500 trials, 11 local iterations, 30 synthesis results x 2 versions; %.1f MB, built in %.2f s\n",
           store, (double)sd.st_size / 1e6, t_build);
    printf("report %s: %.3f MB, %zu plotted points; generation median %.1f ms (min %.1f, max %.1f) over 5 runs\n", html,
           (double)sh.st_size / 1e6, marks, 1e3 * t[2], 1e3 * t[0], 1e3 * t[4]);
    return 0;
}
