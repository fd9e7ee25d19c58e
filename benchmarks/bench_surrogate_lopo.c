/* bench_surrogate_lopo — how well the structural surrogate generalises to hls4ml
 * projects it has not seen: leave-one-project-out (LOPO) and in-sample errors on
 * the public MLP projects under ../shared (calib_projects.h), per target and per
 * toolchain family, against the issue-12 targets (LOPO median APE <= 25% for
 * LUT, FF, DSP; Spearman >= 0.9 for LUT, FF, DSP; latency within +-20% for >= 80%
 * of projects).
 *
 * LOPO: for each usable project, its family's version is refitted exactly as
 * surr_calibrate fits it (calib_fit_family) with that project's group left out,
 * and predicts it. In-sample: the full fit predicts every project. APE =
 * |pred - y| / max(y, 1); Spearman by GSL (ties averaged).
 *
 *   bench_surrogate_lopo [--projects DIR]     (default ../shared/data/hls4ml_projects)
 * Exit 77 (skip) when DIR is absent.
 *
 * Memory: the sample set and the prediction arrays. Workload: one fit per project: ~1 s.
 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib_projects.h"
#include "util/err.h"

static const int targets[] = {SURR_T_LUT, SURR_T_FF, SURR_T_DSP, SURR_T_BRAM18, SURR_T_LATENCY_CYCLES, SURR_T_II};
#define N_TARGETS (sizeof targets / sizeof targets[0])

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *root;
    int rc0 = calib_projects_root_arg(argc, argv, "bench_surrogate_lopo", "../shared/data/hls4ml_projects", &root);
    if (rc0)
        return rc0;
    calib_project *p = NULL;
    size_t np = 0;
    surr_sample *s = NULL;
    enum surr_toolchain *tc_of = NULL;
    long *proj = NULL;
    size_t n = 0, nb = 0;
    if (calib_projects_load(root, &p, &np) || calib_set_build(p, np, &s, &tc_of, &proj, &n, &nb)) {
        fprintf(stderr, "bench_surrogate_lopo: %s\n", snac_err_msg());
        return 1;
    }
    size_t m = n - nb;
    double *y = malloc(m * SURR_T_COUNT * sizeof *y), *lopo = malloc(m * SURR_T_COUNT * sizeof *lopo),
           *ins = malloc(m * SURR_T_COUNT * sizeof *ins);
    size_t *idx = malloc((m ? m : 1) * sizeof *idx);
    bool *inside = calloc((m ? m : 1) * SURR_T_COUNT, sizeof *inside); /* actual within the LOPO 95% interval */
    const surr_part *part;
    surr_part_find("xcvu13p-flga2577-2-e", &part);
    surr_version full[SURR_TC_COUNT];
    bool have[SURR_TC_COUNT] = {false};
    int rc = 0;
    for (size_t k = 0; k < m && !rc; k++) {
        size_t i = nb + k;
        enum surr_toolchain tc = tc_of[i];
        surr_fit_report rep;
        surr_version v;
        if (!have[tc]) {
            if (calib_fit_family(s, tc_of, n, tc, -1, false, &full[tc], &rep)) {
                rc = 1;
                break;
            }
            have[tc] = true;
        }
        if (calib_fit_family(s, tc_of, n, tc, s[i].group, false, &v, &rep)) {
            rc = 1;
            break;
        }
        surr_prediction pl, pi;
        surr_predict_interval(&v, &s[i].x, part, &pl);
        surr_predict(&full[tc], &s[i].x, part, &pi);
        for (int t = 0; t < SURR_T_COUNT; t++) {
            y[k * SURR_T_COUNT + t] = s[i].y[t];
            lopo[k * SURR_T_COUNT + t] = pl.y[t];
            inside[k * SURR_T_COUNT + t] = s[i].y[t] >= pl.lo[t] && s[i].y[t] <= pl.hi[t];
            ins[k * SURR_T_COUNT + t] = pi.y[t];
        }
        surr_version_clear(&v);
    }
    if (rc) {
        fprintf(stderr, "bench_surrogate_lopo: %s\n", snac_err_msg());
        return 1;
    }
    printf("bench_surrogate_lopo: structural surrogate on the public hls4ml MLP projects (%s)\n", root);
    printf("%zu projects used (one group each), %zu sweep/paper samples; skipped:\n", m, nb);
    for (size_t i = 0; i < np; i++)
        if (p[i].skip[0])
            printf("  %s: %s\n", p[i].dir, p[i].skip);
    printf("\nper project (LOPO prediction / actual):\n");
    printf("  %-4s %-16s %-14s %-21s %-21s %-17s %-15s\n", "#", "arch", "family", "LUT", "FF", "DSP", "latency");
    for (size_t k = 0; k < m; k++) {
        const calib_project *q = &p[proj[nb + k]];
        const double *yy = y + k * SURR_T_COUNT, *pp = lopo + k * SURR_T_COUNT;
        printf("  %-4zu %-16s %-14s %9.0f/%-11.0f %9.0f/%-11.0f %7.0f/%-9.0f %6.1f/%-8.0f %s\n", k, q->arch,
               surr_toolchain_names[q->tc], pp[SURR_T_LUT], yy[SURR_T_LUT], pp[SURR_T_FF], yy[SURR_T_FF],
               pp[SURR_T_DSP], yy[SURR_T_DSP], pp[SURR_T_LATENCY_CYCLES], yy[SURR_T_LATENCY_CYCLES], q->dir);
    }
    for (int tc = 0; tc < SURR_TC_COUNT; tc++)
        if (have[tc])
            printf("%s: dsp_min_bits %d (full fit)\n", surr_toolchain_names[tc], full[tc].t[SURR_T_DSP].dsp_min_bits);
    for (int fam = -1; fam < SURR_TC_COUNT; fam++) {
        size_t k2 = 0;
        for (size_t k = 0; k < m; k++)
            if (fam < 0 || tc_of[nb + k] == (enum surr_toolchain)fam)
                idx[k2++] = k;
        if (k2 == 0)
            continue;
        printf("\n%s (%zu projects)\n", fam < 0 ? "all families" : surr_toolchain_names[fam], k2);
        printf("  %-15s %4s | %8s %8s %8s %9s | %8s %8s %8s %9s\n", "target", "n", "LOPO", "", "", "", "in-sample",
               "", "", "");
        printf("  %-15s %4s | %8s %8s %8s %9s | %8s %8s %8s %9s\n", "", "", "MdAPE%", "MAPE%", "Spearman", "+-20%",
               "MdAPE%", "MAPE%", "Spearman", "+-20%");
        for (size_t j = 0; j < N_TARGETS; j++) {
            int t = targets[j];
            double yt[512], lt[512], it[512];
            size_t kk = 0;
            for (size_t q = 0; q < k2 && kk < 512; q++, kk++) {
                yt[kk] = y[idx[q] * SURR_T_COUNT + t];
                lt[kk] = lopo[idx[q] * SURR_T_COUNT + t];
                it[kk] = ins[idx[q] * SURR_T_COUNT + t];
            }
            size_t id2[512];
            for (size_t q = 0; q < kk; q++)
                id2[q] = q;
            calib_stats a = calib_stats_compute(yt, lt, id2, kk), b = calib_stats_compute(yt, it, id2, kk);
            char sa[16] = "-", sb[16] = "-"; /* Spearman is undefined for < 3 projects or constant values */
            if (isfinite(a.spearman))
                snprintf(sa, sizeof sa, "%.3f", a.spearman);
            if (isfinite(b.spearman))
                snprintf(sb, sizeof sb, "%.3f", b.spearman);
            printf("  %-15s %4zu | %8.1f %8.1f %8s %8.0f%% | %8.1f %8.1f %8s %8.0f%%\n", surr_target_names[t], a.n,
                   a.mdape, a.mape, sa, a.within20, b.mdape, b.mape, sb, b.within20);
        }
    }
    /* where the latency goes: the layers' own calls (csynth instance rows) and what the top
     * function adds between them; the data behind CALIB_FOREIGN_WEIGHT_LATENCY */
    printf("\nlatency: the layers' own calls (csynth instance rows, per layer) and the top function's cycles "
           "between them\n");
    printf("  %-4s %-14s %-22s %6s %6s %6s  %s\n", "#", "family", "part", "total", "calls", "between", "per layer");
    for (size_t k = 0; k < m; k++) {
        const calib_project *q = &p[proj[nb + k]];
        if (!q->n_layer_latency) {
            printf("  %-4zu %-14s %-22s %6.0f %6s %6s  (%s)\n", k, surr_toolchain_names[q->tc], q->part,
                   y[k * SURR_T_COUNT + SURR_T_LATENCY_CYCLES], "-", "-", q->layer_why);
            continue;
        }
        double calls = 0;
        char per[128];
        size_t u = 0;
        per[0] = '\0';
        for (size_t l = 0; l < q->n_layer_latency; l++) {
            calls += q->layer_latency[l];
            if (u < sizeof per)
                u += (size_t)snprintf(per + u, sizeof per - u, "%s%.0f", l ? " " : "", q->layer_latency[l]);
        }
        double total = y[k * SURR_T_COUNT + SURR_T_LATENCY_CYCLES];
        printf("  %-4zu %-14s %-22s %6.0f %6.0f %6.0f  %s\n", k, surr_toolchain_names[q->tc], q->part, total, calls,
               total - calls, per);
    }
    /* how honest the intervals are: a 95% interval should hold ~95% of held-out actuals */
    printf("\n95%% interval of the LOPO fit holds the left-out project's actual value:");
    for (size_t j = 0; j < N_TARGETS; j++) {
        int t = targets[j];
        size_t in = 0, k2 = 0;
        for (size_t k = 0; k < m; k++)
            if (isfinite(y[k * SURR_T_COUNT + t])) {
                in += inside[k * SURR_T_COUNT + t];
                k2++;
            }
        printf(" %s %zu/%zu%s", surr_target_names[t], in, k2, j + 1 < N_TARGETS ? "," : "\n");
    }
    printf("\ntargets (issue 12, LOPO, all families): MdAPE <= 25%% for lut/ff/dsp; Spearman >= 0.9 for lut/ff/dsp;\n"
           "latency within +-20%% for >= 80%% of projects. APE = |pred - y| / max(y, 1).\n");
    for (int tc = 0; tc < SURR_TC_COUNT; tc++)
        if (have[tc])
            surr_version_clear(&full[tc]);
    free(y);
    free(lopo);
    free(ins);
    free(idx);
    free(inside);
    free(s);
    free(tc_of);
    free(proj);
    free(p);
    return 0;
}
