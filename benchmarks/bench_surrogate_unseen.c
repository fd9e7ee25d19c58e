/* bench_surrogate_unseen — the shipped default surrogate (surrogate/calibration/
 * structural_coefficients.txt, embedded) on hls4ml projects it was not fitted on, by the
 * issue-23 measures: median APE and Spearman for LUT, FF, DSP and latency over the whole set
 * and over the subsets RF > 2, io_stream, Resource strategy, DSP-mapped (the tool used DSPs)
 * and Vitis, with how many DSP-mapped designs are predicted on DSPs.
 *
 * The projects are read as surr_calibrate and bench_surrogate_lopo read them (calib_projects.h:
 * firmware or network.json through rpt_net, the report's part, clock and tool); each is
 * predicted by the default of its toolchain family. APE = |pred - y| / max(y, 1).
 *
 *   bench_surrogate_unseen [--projects DIR]   (default ../shared/data/hls4ml_projects_extra)
 * Exit 77 (skip) when DIR is absent.
 *
 * Memory: the project array. Workload: one prediction per project: milliseconds.
 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib_projects.h"
#include "surrogate/surr_calib.h"
#include "util/err.h"

static const int targets[] = {SURR_T_LUT, SURR_T_FF, SURR_T_DSP, SURR_T_LATENCY_CYCLES};
#define N_TARGETS (sizeof targets / sizeof targets[0])

enum subset { SUB_ALL, SUB_RF, SUB_STREAM, SUB_RESOURCE, SUB_DSP, SUB_VITIS, SUB_COUNT };
static const char *const subset_names[SUB_COUNT] = {"all", "RF > 2", "io_stream", "Resource", "DSP-mapped",
                                                    "Vitis"};

static bool in_subset(enum subset k, const calib_project *q)
{
    const surr_features *x = &q->s.x;
    switch (k) {
    case SUB_RF:
        return x->f[SURR_F_RF_MAX] > 2;
    case SUB_STREAM:
        return x->io_stream;
    case SUB_RESOURCE:
        return x->n_layers && x->layer[0].resource;
    case SUB_DSP:
        return q->s.y[SURR_T_DSP] > 0;
    case SUB_VITIS:
        return q->tc == SURR_TC_VITIS_2023_2;
    default:
        return true;
    }
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *root;
    int rc0 = calib_projects_root_arg(argc, argv, "bench_surrogate_unseen", "../shared/data/hls4ml_projects_extra",
                                      &root);
    if (rc0)
        return rc0;
    calib_project *p = NULL;
    size_t np = 0;
    if (calib_projects_load(root, &p, &np)) {
        fprintf(stderr, "bench_surrogate_unseen: %s\n", snac_err_msg());
        return 1;
    }
    surr_version def[SURR_TC_COUNT];
    bool have[SURR_TC_COUNT] = {false};
    double *y = malloc((np ? np : 1) * SURR_T_COUNT * sizeof *y), *pr = malloc((np ? np : 1) * SURR_T_COUNT * sizeof *pr);
    size_t *idx = malloc((np ? np : 1) * sizeof *idx), *used = malloc((np ? np : 1) * sizeof *used);
    if (!y || !pr || !idx || !used) {
        fprintf(stderr, "bench_surrogate_unseen: out of memory\n");
        return 1;
    }
    const surr_part *fallback;
    surr_part_find("xcvu13p-flga2577-2-e", &fallback);
    size_t m = 0;
    printf("bench_surrogate_unseen: the shipped default surrogate on %s\n", root);
    printf("  %-4s %-22s %-14s %4s %-8s %-21s %-21s %-15s %-15s\n", "#", "arch", "family", "RF", "io", "LUT", "FF",
           "DSP", "latency");
    for (size_t i = 0; i < np; i++) {
        const calib_project *q = &p[i];
        if (q->skip[0])
            continue;
        if (!have[q->tc]) {
            if (surr_calib_default_version(q->tc, &def[q->tc], NULL)) {
                fprintf(stderr, "bench_surrogate_unseen: %s\n", snac_err_msg());
                return 1;
            }
            have[q->tc] = true;
        }
        const surr_part *part = fallback;
        surr_part_find(q->part, &part);
        surr_prediction o;
        surr_predict(&def[q->tc], &q->s.x, part ? part : fallback, &o);
        for (int t = 0; t < SURR_T_COUNT; t++) {
            y[m * SURR_T_COUNT + t] = q->s.y[t];
            pr[m * SURR_T_COUNT + t] = o.y[t];
        }
        printf("  %-4zu %-22s %-14s %4.0f %-8s %9.0f/%-11.0f %9.0f/%-11.0f %6.0f/%-8.0f %6.1f/%-8.0f %s\n", m, q->arch,
               surr_toolchain_names[q->tc], q->s.x.f[SURR_F_RF_MAX], q->s.x.io_stream ? "stream" : "parallel",
               o.y[SURR_T_LUT], q->s.y[SURR_T_LUT], o.y[SURR_T_FF], q->s.y[SURR_T_FF], o.y[SURR_T_DSP],
               q->s.y[SURR_T_DSP], o.y[SURR_T_LATENCY_CYCLES], q->s.y[SURR_T_LATENCY_CYCLES], q->dir);
        used[m++] = i;
    }
    printf("skipped:");
    size_t ns = 0;
    for (size_t i = 0; i < np; i++)
        ns += p[i].skip[0] != 0;
    printf(" %zu projects (not an MLP, no report, ...)\n", ns);

    printf("\n  %-11s %3s | %-16s | %-16s | %-16s | %-16s | %s\n", "subset", "n", "LUT MdAPE  rho", "FF MdAPE  rho",
           "DSP MdAPE  rho", "lat MdAPE  rho", "DSP-mapped on DSPs");
    for (int k = 0; k < SUB_COUNT; k++) {
        size_t n = 0, on = 0, mapped = 0;
        for (size_t j = 0; j < m; j++)
            if (in_subset((enum subset)k, &p[used[j]])) {
                idx[n++] = j;
                if (y[j * SURR_T_COUNT + SURR_T_DSP] > 0) {
                    mapped++;
                    on += pr[j * SURR_T_COUNT + SURR_T_DSP] >= 0.5;
                }
            }
        printf("  %-11s %3zu |", subset_names[k], n);
        for (size_t t = 0; t < N_TARGETS; t++) {
            double yt[512], pt[512];
            size_t id2[512], kk = 0;
            for (size_t q = 0; q < n && kk < 512; q++, kk++) {
                yt[kk] = y[idx[q] * SURR_T_COUNT + targets[t]];
                pt[kk] = pr[idx[q] * SURR_T_COUNT + targets[t]];
                id2[kk] = kk;
            }
            calib_stats s = calib_stats_compute(yt, pt, id2, kk);
            char rho[16] = "-";
            if (isfinite(s.spearman))
                snprintf(rho, sizeof rho, "%.3f", s.spearman);
            if (s.n)
                printf(" %8.1f %6s |", s.mdape, rho);
            else
                printf(" %8s %6s |", "-", "-");
        }
        printf(" %zu of %zu\n", on, mapped);
    }
    printf("\ntargets (issue 23): MdAPE <= 30%% LUT/FF/latency, <= 35%% DSP with DSP-mapped designs on DSPs, "
           "Spearman >= 0.85, no subset above twice the whole set's MdAPE. rho = Spearman (>= 3 rows).\n");
    for (int tc = 0; tc < SURR_TC_COUNT; tc++)
        if (have[tc])
            surr_version_clear(&def[tc]);
    free(y);
    free(pr);
    free(idx);
    free(used);
    free(p);
    return 0;
}
