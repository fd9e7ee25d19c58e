/* bench_yosys_loao — how well the shipped yosys-0.23 default predicts Yosys on
 * snac's own models: leave-one-architecture-out over the committed calibration
 * file (surrogate/calibration/yosys_results.csv, calib_yosys.h). For each
 * architecture (layer widths) the yosys-0.23 version is fitted as surr_calibrate
 * fits it (calib_yosys_fit) on the other architectures' rows and predicts the
 * left-out rows; then the shipped default (the embedded coefficients) on the same rows: in sample
 * on the committed file, out of sample on another file (--data: a fresh set of models).
 *
 *   bench_yosys_loao [--data FILE] [--fit FILE] [--rows]      run from the repository root
 * --rows also prints every model's left-out prediction of LUT and FF. --fit FILE also fits
 * the version on every row of FILE (as surr_calibrate would ship it from that file) and
 * predicts the rows: how a new calibration file does on a fresh set before it is shipped.
 *
 * Prints, per target: MAPE, median and 90th-percentile APE (|pred - y| / max(y, 1))
 * for LUT and FF, the share predicted exactly (rounded) for latency, DSP and BRAM18,
 * against issue 26's targets (MAPE <= 10% LUT/FF, exact >= 90%), and LUT/FF MAPE by
 * activation and by bit width. Exit 0 whether or not the targets are met.
 *
 * Memory: the rows and one prediction per row and target. Workload: one fit per
 * architecture (tens of fits of a few hundred rows): about a second.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib_yosys.h"
#include "surrogate/surr_calib.h"
#include "util/err.h"

static const enum surr_target ape_t[] = {SURR_T_LUT, SURR_T_FF};
static const enum surr_target exact_t[] = {SURR_T_LATENCY_CYCLES, SURR_T_DSP, SURR_T_BRAM18};

static double ape(double p, double y) { return fabs(p - y) / fmax(y, 1.0); }

/* MAPE, median and 90th percentile of the APE of target t over rows with keep[i] (keep NULL: all). */
static void ape_stats(const calib_yosys_row *r, const double (*pred)[SURR_T_COUNT], size_t n, enum surr_target t,
                      const bool *keep, double *scratch, size_t *m_out, double *mape, double *med, double *p90)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!keep || keep[i])
            scratch[m++] = ape(pred[i][t], r[i].s.y[t]);
    *m_out = m;
    *mape = *med = *p90 = NAN;
    if (!m)
        return;
    *mape = gsl_stats_mean(scratch, 1, m);
    gsl_sort(scratch, 1, m);
    *med = gsl_stats_median_from_sorted_data(scratch, 1, m);
    *p90 = gsl_stats_quantile_from_sorted_data(scratch, 1, m, 0.9);
}

static double exact_share(const calib_yosys_row *r, const double (*pred)[SURR_T_COUNT], size_t n, enum surr_target t)
{
    size_t hits = 0;
    for (size_t i = 0; i < n; i++)
        hits += round(pred[i][t]) == r[i].s.y[t];
    return n ? (double)hits / (double)n : NAN;
}

/* Every row's LUT and FF, predicted and Yosys's, and the APE. */
static void print_rows(const calib_yosys_row *r, const double (*pred)[SURR_T_COUNT], size_t n)
{
    printf("%-12s %-20s %-8s %4s %8s %8s %8s %7s %6s %6s %7s\n", "model", "arch", "act", "bits", "sparsity", "LUT",
           "pred", "APE", "FF", "pred", "APE");
    for (size_t i = 0; i < n; i++)
        printf("%-12s %-20s %-8s %4d %8.3f %8.0f %8.0f %6.1f%% %6.0f %6.0f %6.1f%%\n", r[i].s.id, r[i].arch,
               r[i].activation, r[i].bits, r[i].sparsity, r[i].s.y[SURR_T_LUT], pred[i][SURR_T_LUT],
               100 * ape(pred[i][SURR_T_LUT], r[i].s.y[SURR_T_LUT]), r[i].s.y[SURR_T_FF], pred[i][SURR_T_FF],
               100 * ape(pred[i][SURR_T_FF], r[i].s.y[SURR_T_FF]));
    printf("\n");
}

static void report(const char *title, const calib_yosys_row *r, const double (*pred)[SURR_T_COUNT], size_t n,
                   double *scratch, bool *keep)
{
    printf("%s\n", title);
    printf("  %-16s %8s %8s %8s %8s\n", "target", "MAPE", "median", "p90", "target");
    for (size_t k = 0; k < sizeof ape_t / sizeof *ape_t; k++) {
        size_t m;
        double mape, med, p90;
        ape_stats(r, pred, n, ape_t[k], NULL, scratch, &m, &mape, &med, &p90);
        printf("  %-16s %7.2f%% %7.2f%% %7.2f%%   <= 10%% %s\n", surr_target_names[ape_t[k]], 100 * mape, 100 * med,
               100 * p90, mape <= 0.10 ? "met" : "NOT met");
    }
    for (size_t k = 0; k < sizeof exact_t / sizeof *exact_t; k++) {
        double e = exact_share(r, pred, n, exact_t[k]);
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++)
            lo = fmin(lo, r[i].s.y[exact_t[k]]), hi = fmax(hi, r[i].s.y[exact_t[k]]);
        printf("  %-16s exact %6.1f%% (actual %g..%g)   >= 90%% %s\n", surr_target_names[exact_t[k]], 100 * e, lo, hi,
               e >= 0.90 ? "met" : "NOT met");
    }
    /* by activation and by bit width: where the error is */
    static const char *const acts[] = {"relu", "tanh", "sigmoid"};
    static const int bits[] = {4, 6, 8};
    for (int by = 0; by < 2; by++) {
        printf("  by %-10s", by ? "bit width" : "activation");
        for (size_t j = 0; j < 3; j++) {
            size_t nk = 0;
            for (size_t i = 0; i < n; i++) {
                keep[i] = by ? r[i].bits == bits[j] : strcmp(r[i].activation, acts[j]) == 0;
                nk += keep[i];
            }
            size_t m;
            double ml, mf, med, p90;
            ape_stats(r, pred, n, SURR_T_LUT, keep, scratch, &m, &ml, &med, &p90);
            ape_stats(r, pred, n, SURR_T_FF, keep, scratch, &m, &mf, &med, &p90);
            char name[16];
            if (by)
                snprintf(name, sizeof name, "%d bit", bits[j]);
            else
                snprintf(name, sizeof name, "%s", acts[j]);
            printf("  %s (%zu): LUT %.1f%% FF %.1f%%", name, nk, 100 * ml, 100 * mf);
        }
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *path = "surrogate/calibration/yosys_results.csv";
    const char *fit_path = NULL;
    bool rows = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strcmp(argv[i], "--fit") == 0 && i + 1 < argc) {
            fit_path = argv[++i];
        } else if (strcmp(argv[i], "--rows") == 0) {
            rows = true;
        } else {
            fprintf(stderr, "usage: bench_yosys_loao [--data FILE] [--fit FILE] [--rows]\n");
            return 2;
        }
    }
    calib_yosys_row *r = NULL;
    size_t n = 0;
    if (calib_yosys_read(path, &r, &n)) {
        fprintf(stderr, "bench_yosys_loao: %s\n", snac_err_msg());
        return 1;
    }
    int groups = 0;
    for (size_t i = 0; i < n; i++)
        if (r[i].s.group + 1 > groups)
            groups = r[i].s.group + 1;
    double(*pred)[SURR_T_COUNT] = calloc(n, sizeof *pred);
    double *scratch = malloc(n * sizeof *scratch);
    bool *keep = malloc(n * sizeof *keep);
    if (!pred || !scratch || !keep) {
        fprintf(stderr, "bench_yosys_loao: out of memory\n");
        return 1;
    }
    char versions[64];
    calib_yosys_versions(r, n, versions, sizeof versions);
    printf("%s: %zu models, %d architectures, Yosys %s\n\n", path, n, groups, versions);
    int rc = 0;
    for (int g = 0; g < groups && !rc; g++) {
        surr_version v;
        surr_fit_report rep;
        if (calib_yosys_fit(r, n, g, false, &v, &rep)) {
            fprintf(stderr, "bench_yosys_loao: fit without architecture %d: %s\n", g, snac_err_msg());
            rc = 1;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (r[i].s.group != g)
                continue;
            surr_prediction p;
            surr_predict(&v, &r[i].s.x, surr_part_lookup(r[i].part), &p);
            memcpy(pred[i], p.y, sizeof p.y);
        }
        surr_version_clear(&v);
    }
    if (!rc && rows)
        print_rows(r, pred, n);
    if (!rc) {
        report("leave one architecture out (fitted as surr_calibrate fits the default, without the architecture):", r,
               pred, n, scratch, keep);
        surr_version d;
        if (surr_calib_default_version(SURR_TC_YOSYS_0_23, &d, NULL)) {
            fprintf(stderr, "bench_yosys_loao: %s\n", snac_err_msg());
            rc = 1;
        } else {
            for (size_t i = 0; i < n; i++) {
                surr_prediction p;
                surr_predict(&d, &r[i].s.x, surr_part_lookup(r[i].part), &p);
                memcpy(pred[i], p.y, sizeof p.y);
            }
            char title[512];
            snprintf(title, sizeof title,
                     "\nthe shipped default %s (calibrated on Yosys %s) on these rows (in sample if they are its "
                     "calibration file):",
                     d.name,
                     d.tool_versions[0] ? d.tool_versions : "-- none recorded: the HLS stand-in");
            report(title, r, pred, n, scratch, keep);
            surr_version_clear(&d);
        }
    }
    if (!rc && fit_path) {
        calib_yosys_row *f = NULL;
        size_t nf = 0;
        surr_version v;
        surr_fit_report rep;
        if (calib_yosys_read(fit_path, &f, &nf) || calib_yosys_fit(f, nf, -1, false, &v, &rep)) {
            fprintf(stderr, "bench_yosys_loao: --fit %s: %s\n", fit_path, snac_err_msg());
            rc = 1;
        } else {
            for (size_t i = 0; i < n; i++) {
                surr_prediction p;
                surr_predict(&v, &r[i].s.x, surr_part_lookup(r[i].part), &p);
                memcpy(pred[i], p.y, sizeof p.y);
            }
            char title[512];
            snprintf(title, sizeof title,
                     "\nfitted on %s (%zu models, as surr_calibrate fits the default) on these rows:", fit_path, nf);
            if (rows) {
                printf("%s\n", title + 1);
                print_rows(r, pred, n);
            }
            report(title, r, pred, n, scratch, keep);
            surr_version_clear(&v);
        }
        free(f);
    }
    free(pred);
    free(scratch);
    free(keep);
    free(r);
    return rc;
}
