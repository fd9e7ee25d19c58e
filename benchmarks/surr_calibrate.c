/* surr_calibrate — the calibration program of the structural surrogate: reads
 * the public hls4ml MLP projects at run time (default
 * ../shared/data/hls4ml_projects, relative to the repository root, where it is
 * meant to be run), adds the embedded sweeps and the paper baseline, fits one
 * version per surrogate toolchain (calib_fit_family: the family's own rows at
 * full weight, the others at CALIB_FOREIGN_WEIGHT) and writes the committed
 * coefficient file. Only fitted numbers leave this program, never the files.
 * The yosys-0.23 section is fitted on Yosys results of snac's own models alone
 * (the committed surrogate/calibration/yosys_results.csv, calib_yosys.h; default
 * path relative to the repository root), with the Yosys versions recorded.
 *
 *   surr_calibrate [--projects DIR] [--yosys FILE] [--out FILE]   write FILE (default: stdout)
 *   surr_calibrate [--projects DIR] [--yosys FILE] --check FILE   exit 0 when FILE is what this
 *                                                    fit writes (byte for byte, or
 *                                                    every number within 1e-8 relative
 *                                                    under another BLAS); 1 if not;
 *                                                    77 (skip) without DIR
 * It prints on stderr which projects it used and why the others were skipped.
 *
 * Memory: the sample set and the text, freed at exit. Workload: a second.
 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calib_projects.h"
#include "calib_yosys.h"
#include "surrogate/surr_calib.h"
#include "util/err.h"
#include "util/fileio.h"

#define SKIP 77

/* Whether two coefficient files say the same: the same words, and numbers equal to 1e-8
 * relative. GSL's BLAS calls go to OpenBLAS or to GSL's own cblas depending on which the
 * binary links first, and the two round the last bits differently (seen: 1e-13); a rerun of
 * one build is byte for byte. *worst: the largest relative difference of a number. */
static bool same_numbers(const char *a, const char *b, double *worst)
{
    *worst = 0.0;
    for (;;) {
        while (*a == ' ' || *a == '\n' || *a == '\t')
            a++;
        while (*b == ' ' || *b == '\n' || *b == '\t')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        char *ea, *eb;
        double x = strtod(a, &ea), y = strtod(b, &eb);
        size_t la = strcspn(a, " \n\t"), lb = strcspn(b, " \n\t");
        if (ea == a + la && eb == b + lb && la && lb) { /* two numbers */
            double d = fabs(x - y), m = fmax(fabs(x), fabs(y));
            double rel = m > 0 ? d / m : 0.0;
            if (rel > *worst)
                *worst = rel;
            if (d > 1e-8 * m && d > 1e-300)
                return false;
        } else if (la != lb || strncmp(a, b, la) != 0) {
            return false;
        }
        a += la;
        b += lb;
    }
}

static int fail(const char *what)
{
    fprintf(stderr, "surr_calibrate: %s: %s\n", what, snac_err_msg());
    return 1;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *root = "../shared/data/hls4ml_projects", *out_path = NULL, *check = NULL;
    const char *yosys_path = "surrogate/calibration/yosys_results.csv";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--projects") == 0 && i + 1 < argc)
            root = argv[++i];
        else if (strcmp(argv[i], "--yosys") == 0 && i + 1 < argc)
            yosys_path = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out_path = argv[++i];
        else if (strcmp(argv[i], "--check") == 0 && i + 1 < argc)
            check = argv[++i];
        else {
            fprintf(stderr, "usage: surr_calibrate [--projects DIR] [--yosys FILE] [--out FILE | --check FILE]\n");
            return 2;
        }
    }
    struct stat st;
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "surr_calibrate: %s is absent: the public projects are needed (skipped)\n", root);
        return SKIP;
    }
    calib_yosys_row *yr = NULL;
    size_t ny = 0;
    if (calib_yosys_read(yosys_path, &yr, &ny))
        return fail("yosys results");
    calib_project *p = NULL;
    size_t np = 0;
    if (calib_projects_load(root, &p, &np)) {
        free(yr);
        return fail("projects");
    }
    size_t used[SURR_TC_COUNT] = {0};
    for (size_t i = 0; i < np; i++) {
        if (p[i].skip[0]) {
            fprintf(stderr, "  skip %s: %s\n", p[i].dir, p[i].skip);
        } else {
            used[p[i].tc]++;
            fprintf(stderr, "  use  %s: %s, %s, %s%s%s\n", p[i].dir, p[i].arch, p[i].tool,
                    surr_toolchain_names[p[i].tc], p[i].note[0] ? "; " : "", p[i].note);
        }
    }
    surr_sample *s = NULL;
    enum surr_toolchain *tc_of = NULL;
    long *proj = NULL;
    size_t n = 0, nb = 0;
    if (calib_set_build(p, np, &s, &tc_of, &proj, &n, &nb))
        return fail("samples");
    size_t n_proj = n - nb;
    surr_version v[SURR_TC_COUNT];
    memset(v, 0, sizeof v);
    int rc = 0;
    char yosys_versions[64];
    calib_yosys_versions(yr, ny, yosys_versions, sizeof yosys_versions);
    size_t y_groups = 0;
    for (size_t i = 0; i < ny; i++)
        if ((size_t)yr[i].s.group + 1 > y_groups)
            y_groups = (size_t)yr[i].s.group + 1;
    fprintf(stderr, "  use  %s: %zu models, %zu architectures, Yosys %s (yosys-0.23 only)\n", yosys_path, ny, y_groups,
            yosys_versions);
    for (int tc = 0; tc < SURR_TC_COUNT && !rc; tc++) {
        bool yosys = tc == SURR_TC_YOSYS_0_23;
        surr_fit_report rep;
        if (yosys ? calib_yosys_fit(yr, ny, -1, true, &v[tc], &rep)
                  : calib_fit_family(s, tc_of, n, (enum surr_toolchain)tc, -1, true, &v[tc], &rep)) {
            rc = fail("fit");
            break;
        }
        surr_fit_options o = SURR_FIT_OPTIONS_INIT;
        char *js = NULL;
        if (surr_fit_report_json(&rep, &o, &js) || surr_version_set_str(&v[tc].fit_stats, js)) {
            free(js);
            rc = fail("report");
            break;
        }
        free(js);
        size_t n_ids = yosys ? ny : n;
        size_t cap = 64 + n_ids * (sizeof s[0].id + 4), u = 0;
        char *ids = malloc(cap);
        if (!ids) {
            rc = 1;
            break;
        }
        ids[u++] = '[';
        for (size_t i = 0; i < n_ids; i++)
            u += (size_t)snprintf(ids + u, cap - u, "%s\"%s\"", i ? "," : "", yosys ? yr[i].s.id : s[i].id);
        snprintf(ids + u, cap - u, "]");
        surr_version_set_str(&v[tc].fitted_on, ids);
        free(ids);
        char note[1024];
        if (yosys)
            snprintf(note, sizeof note,
                     "Structural model (basis %d) fitted by benchmarks/surr_calibrate (GSL, non-negative least squares, "
                     "Huber-reweighted, every architecture weighted alike) on Yosys results of snac's own models alone: "
                     "%zu models of %zu architectures (%s; synthesized by `snac synth`, Yosys %s, with its defaults: "
                     "one register stage per layer, --csd-width 16, logits out). DSP mapping threshold %d product bits "
                     "(snac's RTL makes weights of <= 16 bits CSD shift-adds), not fitted: the data have no DSP. URAM: "
                     "no data, predicted 0.",
                     SURR_BASIS_VERSION, ny, y_groups, "surrogate/calibration/yosys_results.csv", yosys_versions, CALIB_YOSYS_DSP_MIN_BITS);
        else
            snprintf(note, sizeof note,
                     "Structural model (basis %d) fitted by benchmarks/surr_calibrate (GSL, non-negative least squares, "
                     "Huber-reweighted, every architecture weighted alike) on %zu samples: %zu hls4ml reuse-factor sweep "
                     "runs (Vivado HLS 2018-2019, 6 architectures) + the SNAC-Pack paper baseline + %zu public hls4ml MLP "
                     "projects (../shared, csynth estimates; %zu vivado-2019.1, %zu vivado-2020.1, %zu vitis-2023.2). "
                     "Rows of other toolchain families weigh %.2f (latency: %.2f, the family's own scheduler). %s URAM: no "
                     "data, predicted 0.",
                     SURR_BASIS_VERSION, n, nb - 1, n_proj, used[SURR_TC_VIVADO_2019_1], used[SURR_TC_VIVADO_2020_1],
                     used[SURR_TC_VITIS_2023_2], CALIB_FOREIGN_WEIGHT, CALIB_FOREIGN_WEIGHT_LATENCY,
                     used[tc] + (tc == SURR_TC_VIVADO_2019_1 ? 7 : 0) < 6
                         ? "This family has few rows of its own: the fit leans on the other families."
                         : "");
        surr_version_set_str(&v[tc].note, note);
    }
    char *text = NULL;
    if (!rc && surr_calib_coef_write(v, SURR_TC_COUNT,
                                     "generated by build/benchmarks/surr_calibrate --out "
                                     "surrogate/calibration/structural_coefficients.txt (from the repository root,\n"
                                     "with ../shared/data/hls4ml_projects present); do not edit. Provenance: "
                                     "surrogate/calibration/PROVENANCE.md",
                                     &text))
        rc = fail("write");
    if (!rc && check) {
        char *old = NULL;
        size_t len = 0;
        if (snac_read_file(check, &old, &len)) {
            rc = fail("check");
        } else {
            double worst = 0.0;
            bool bytes = len == strlen(text) && memcmp(old, text, len) == 0;
            bool same = bytes || same_numbers(old, text, &worst);
            fprintf(stderr, "surr_calibrate: %s %s what this fit writes (%s)\n", check, same ? "is" : "is NOT",
                    bytes ? "byte for byte" : same ? "every number within 1e-8 relative" : "it differs");
            if (!bytes)
                fprintf(stderr, "surr_calibrate: largest relative difference of a number: %.3g\n", worst);
            rc = same ? 0 : 1;
            free(old);
        }
    } else if (!rc) {
        FILE *f = out_path ? fopen(out_path, "wb") : stdout;
        if (!f || fputs(text, f) < 0 || (out_path && fclose(f) != 0)) {
            fprintf(stderr, "surr_calibrate: cannot write %s\n", out_path ? out_path : "stdout");
            rc = 1;
        } else if (out_path) {
            fprintf(stderr, "surr_calibrate: wrote %s (%zu samples, %zu projects; yosys-0.23: %zu models)\n", out_path,
                    n, n_proj, ny);
        }
    }
    free(text);
    for (int tc = 0; tc < SURR_TC_COUNT; tc++)
        surr_version_clear(&v[tc]);
    free(s);
    free(tc_of);
    free(proj);
    free(p);
    free(yr);
    return rc;
}
