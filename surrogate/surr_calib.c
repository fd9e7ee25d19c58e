/* surr_calib — calibration samples from the embedded hls4ml sweeps and the
 * default version; see surr_calib.h and calibration/PROVENANCE.md.
 *
 * Row filters (each row is one HLS run of one architecture at one reuse factor):
 *   - every needed field present and numeric (failed runs are '?' or -1);
 *   - the HLS exit status column, when present, is 0;
 *   - the run built what the reuse factor asks for: II <= 2.5*RF + 30 (the RF 1 and
 *     RF 3 runs of the 3-layer sweep fell back to a sequential schedule), and the
 *     DSP count is within [0.25, 1.6]x + 16 of the expected multipliers
 *     sum ceil(n_in*n_out/RF) (16-bit operands map one multiply to one DSP48; the
 *     16x200.../16x500... runs at small RF report a fraction of that: not the full net).
 * Architectures are not in the CSVs; they come from the model names and were
 * checked against the DSP counts (e.g. digit_recognizer_mlp: 784-16-10 gives
 * 908 DSP at RF 14 = 896 + ceil(160/14)).
 *
 * Memory: the sample array is malloc'd for the caller. Workload: milliseconds.
 */
#include "surrogate/surr_calib.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

typedef struct source {
    const char *file;
    size_t widths[8];
    size_t n_widths;
} source;

static const source sources[] = {
    {"RF_stress_results_KERAS_3layer.csv", {16, 64, 32, 32, 5}, 5},
    {"RF_stress_results_KERAS_dense_16x100x100x100x100x100x5.csv", {16, 100, 100, 100, 100, 100, 5}, 7},
    {"rf-exploration_reports_2layer_100x100.csv", {100, 100, 100}, 3},
    {"rf-exploration_reports_KERAS_dense_16x200x200x200x200x200x5.csv", {16, 200, 200, 200, 200, 200, 5}, 7},
    {"rf-exploration_reports_KERAS_dense_16x500x500x500x500x500x5.csv", {16, 500, 500, 500, 500, 500, 5}, 7},
    {"rf-exploration_reports_KERAS_digit_recognizer_mlp.csv", {784, 16, 10}, 3},
};
#define N_SOURCES (sizeof sources / sizeof sources[0])

#define MAX_COLS 48

/* Split one line (modified in place) at commas; returns the field count. */
static size_t split(char *line, char **f, size_t cap)
{
    size_t n = 0;
    char *p = line;
    while (n < cap) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

/* Next non-empty line of the buffer at *cur (NUL-terminated in place), or NULL. */
static char *next_line(char **cur)
{
    char *p = *cur;
    while (*p == '\r' || *p == '\n')
        p++;
    if (!*p)
        return NULL;
    char *e = p + strcspn(p, "\r\n");
    *cur = *e ? e + 1 : e;
    *e = '\0';
    return p;
}

static int col(char **hdr, size_t nh, const char *const *names)
{
    for (const char *const *nm = names; *nm; nm++)
        for (size_t i = 0; i < nh; i++)
            if (strcmp(hdr[i], *nm) == 0)
                return (int)i;
    return -1;
}

static int num(char **f, int c, double *out)
{
    if (c < 0)
        return -1;
    char *end;
    double v = strtod(f[c], &end);
    if (end == f[c] || *end != '\0' || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

enum { C_RF, C_LAT, C_II, C_BRAM, C_DSP, C_FF, C_LUT, C_EXIT, C_VERSION, C_N };
static const char *const col_names[C_N][4] = {
    {"ReuseFactor", NULL},
    {"VivadoHlsWorstLatency", "WorstLatency", NULL},
    {"VivadoHlsIIntervalMin", "IIntervalMin", NULL},
    {"VivadoHlsResourceBram", "HLSResourceBram", "ResourceBram", NULL},
    {"VivadoHlsResourceDsp", "HLSResourceDsp", "ResourceDsp", NULL},
    {"VivadoHlsResourceFf", "HLSResourceFf", "ResourceFf", NULL},
    {"VivadoHlsResourceLut", "HLSResourceLut", "ResourceLut", NULL},
    {"VivadoHlsExitVal", NULL},
    {"VivadoVersion", NULL},
};

static int parse_source(const source *src, const surr_calib_file *file, int group, surr_sample **arr, size_t *n,
                        size_t *cap, size_t *rejected)
{
    char *text = malloc(file->len + 1);
    if (!text)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    memcpy(text, file->text, file->len + 1);
    int rc = SNAC_OK;
    char *cur = text;
    char *line = next_line(&cur);
    char *hdr[MAX_COLS];
    size_t nh = 0;
    if (!line) {
        rc = snac_err_set(SNAC_EFORMAT, "calibration/%s: empty", src->file);
        goto out;
    }
    if (line[0] == '#')
        line++;
    nh = split(line, hdr, MAX_COLS);
    int c[C_N];
    for (int k = 0; k < C_N; k++)
        c[k] = col(hdr, nh, col_names[k]);
    for (int k = C_RF; k <= C_LUT; k++)
        if (c[k] < 0) {
            rc = snac_err_set(SNAC_EFORMAT, "calibration/%s: no column %s", src->file, col_names[k][0]);
            goto out;
        }
    surr_spec spec;
    if ((rc = surr_spec_init_mlp(&spec, src->widths, src->n_widths, SURR_ACT_RELU, false)))
        goto out;
    quant_prec d16 = QUANT_PREC_INIT(16, 6);
    surr_spec_set_precision(&spec, &d16, &d16, &d16, &d16, &d16); /* 2019 hls4ml default everywhere */
    snprintf(spec.part, sizeof spec.part, "%s", "xcku115-flvb2104-2-i");
    spec.rf_unchecked = true;
    spec.toolchain = SURR_TC_VIVADO_2019_1;
    while ((line = next_line(&cur))) {
        char *f[MAX_COLS];
        size_t nf = split(line, f, MAX_COLS);
        double v[C_N] = {0};
        bool ok = nf == nh;
        for (int k = C_RF; ok && k <= C_LUT; k++)
            ok = num(f, c[k], &v[k]) == 0;
        if (ok && c[C_EXIT] >= 0)
            ok = strcmp(f[c[C_EXIT]], "0") == 0;
        if (!ok || v[C_RF] < 1) {
            (*rejected)++;
            continue;
        }
        double rf = v[C_RF], expect = 0;
        for (size_t l = 0; l + 1 < src->n_widths; l++)
            expect += ceil((double)(src->widths[l] * src->widths[l + 1]) / rf);
        bool built = v[C_II] <= 2.5 * rf + 30 && v[C_DSP] <= 1.6 * expect + 16 &&
                     (expect < 20 || v[C_DSP] >= 0.25 * expect);
        if (!built) {
            (*rejected)++;
            continue;
        }
        spec.reuse_factor = (size_t)rf;
        if (*n == *cap) {
            size_t nc = *cap ? 2 * *cap : 256;
            surr_sample *na = realloc(*arr, nc * sizeof *na);
            if (!na) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                goto out;
            }
            *arr = na;
            *cap = nc;
        }
        surr_sample *s = &(*arr)[*n];
        memset(s, 0, sizeof *s);
        if ((rc = surr_features_extract(&spec, &s->x)))
            goto out;
        s->y[SURR_T_LUT] = v[C_LUT];
        s->y[SURR_T_FF] = v[C_FF];
        s->y[SURR_T_DSP] = v[C_DSP];
        s->y[SURR_T_BRAM18] = v[C_BRAM];
        s->y[SURR_T_URAM] = NAN; /* not recorded (KU115 has no URAM) */
        s->y[SURR_T_LATENCY_CYCLES] = v[C_LAT];
        s->y[SURR_T_II] = v[C_II];
        s->weight = 1.0;
        s->group = group;
        snprintf(s->id, sizeof s->id, "calibration/%s:rf=%.0f", src->file, rf);
        (*n)++;
    }
out:
    free(text);
    return rc;
}

int surr_calib_paper_spec(surr_spec *s)
{
    static const size_t widths[] = {24, 120, 60, 32, 64, 64, 64, 32, 44, 5};
    int rc = surr_spec_init_mlp(s, widths, sizeof widths / sizeof widths[0], SURR_ACT_RELU, false);
    if (rc)
        return rc;
    quant_prec w8 = QUANT_PREC_INIT(8, 1), a8 = QUANT_PREC_INIT(8, 3);
    surr_spec_set_precision(s, &w8, &w8, &a8, &a8, NULL);
    for (size_t l = 0; l < s->n_layers; l++)
        s->layer[l].sparsity = 0.5;
    return SNAC_OK;
}

int surr_calib_samples(surr_sample **out, size_t *n_out, size_t *n_rejected)
{
    surr_sample *arr = NULL;
    size_t n = 0, cap = 0, rej = 0;
    int rc = SNAC_OK;
    *out = NULL;
    *n_out = 0;
    for (size_t i = 0; i < N_SOURCES; i++) {
        const surr_calib_file *file = NULL;
        for (size_t k = 0; k < surr_calib_n_files; k++)
            if (strcmp(surr_calib_files[k].name, sources[i].file) == 0)
                file = &surr_calib_files[k];
        if (!file) {
            rc = snac_err_set(SNAC_ENOTFOUND, "calibration file %s is not embedded", sources[i].file);
            goto fail;
        }
        if ((rc = parse_source(&sources[i], file, (int)i, &arr, &n, &cap, &rej)))
            goto fail;
    }
    /* The SNAC-Pack baseline as synthesised in the paper (DESIGN.md): one more group. */
    surr_sample *na = realloc(arr, (n + 1) * sizeof *na);
    if (!na) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto fail;
    }
    arr = na;
    surr_sample *s = &arr[n];
    memset(s, 0, sizeof *s);
    surr_spec spec;
    if ((rc = surr_calib_paper_spec(&spec)) || (rc = surr_features_extract(&spec, &s->x)))
        goto fail;
    s->y[SURR_T_LUT] = 155080;
    s->y[SURR_T_FF] = 25714;
    s->y[SURR_T_DSP] = 262;
    s->y[SURR_T_BRAM18] = 2 * 4; /* 4 BRAM36 */
    s->y[SURR_T_URAM] = 0;
    s->y[SURR_T_LATENCY_CYCLES] = 21;
    s->y[SURR_T_II] = 1;
    s->weight = SURR_CALIB_PAPER_WEIGHT;
    s->group = (int)N_SOURCES;
    snprintf(s->id, sizeof s->id, "%s", "paper:snac-pack-baseline-vu13p-8bit-50pct");
    n++;
    *out = arr;
    *n_out = n;
    if (n_rejected)
        *n_rejected = rej;
    return SNAC_OK;
fail:
    free(arr);
    return rc;
}

int surr_calib_fit(enum surr_toolchain tc, const surr_fit_options *o, surr_version *v, surr_fit_report *rep)
{
    surr_sample *s = NULL;
    size_t n = 0, rej = 0;
    memset(v, 0, sizeof *v);
    int rc = surr_calib_samples(&s, &n, &rej);
    if (rc)
        return rc;
    if ((rc = surr_fit_version(s, n, o, v, rep)))
        goto out;
    v->toolchain = tc;
    snprintf(v->name, sizeof v->name, "sweeps-%s-b%d", surr_toolchain_names[tc], SURR_BASIS_VERSION);
    /* fitted_on: JSON array of the sample ids */
    size_t cap = 64 + n * (sizeof s[0].id + 4), u = 0;
    char *ids = malloc(cap);
    if (!ids) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    ids[u++] = '[';
    for (size_t i = 0; i < n; i++)
        u += (size_t)snprintf(ids + u, cap - u, "%s\"%s\"", i ? "," : "", s[i].id);
    snprintf(ids + u, cap - u, "]");
    rc = surr_version_set_str(&v->fitted_on, ids);
    free(ids);
    if (rc)
        goto out;
    char *stats = NULL;
    if ((rc = surr_fit_report_json(rep, o, &stats)))
        goto out;
    rc = surr_version_set_str(&v->fit_stats, stats);
    free(stats);
    if (rc)
        goto out;
    char note[1024];
    snprintf(note, sizeof note,
             "Structural model fitted at run time (GSL, non-negative least squares, %s) from %zu samples: "
             "%zu hls4ml reuse-factor sweep runs (Vivado HLS 2018.2-2019.1 csynth estimates, xcku115 at 5 ns, "
             "ap_fixed<16,6>, Latency, io_parallel, dense weights; %zu rows rejected by the filters) + the SNAC-Pack "
             "paper baseline (Vivado, VU13P, 8 bit, 50%% pruned). URAM: no data, predicted 0.%s",
             surr_fit_method_names[o->method], n, n - 1, rej,
             tc == SURR_TC_VIVADO_2019_1
                 ? ""
                 : " This toolchain has no calibration data of its own: the default falls back to the "
                   "vivado-2019.1 calibration until the validation layer refits it from this toolchain's results.");
    rc = surr_version_set_str(&v->note, note);
out:
    free(s);
    if (rc)
        surr_version_clear(v);
    return rc;
}

/* ------------------------------------------------------- coefficient file */

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int rc;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->rc)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->rc = snac_err_set(SNAC_EINVAL, "coefficient file: format error");
            return;
        }
        if (b->p && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        size_t nc = b->cap ? 2 * b->cap : 4096;
        while (nc < b->n + (size_t)k + 1)
            nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->rc = snac_err_set(SNAC_ENOMEM, "out of memory");
            return;
        }
        b->p = np;
        b->cap = nc;
    }
}

/* One-line text: newlines in notes/JSON would break the line format. */
static void sb_line(sbuf *b, const char *key, const char *s)
{
    sb_printf(b, "%s ", key);
    for (const char *c = s ? s : ""; *c; c++)
        sb_printf(b, "%c", (*c == '\n' || *c == '\r') ? ' ' : *c);
    sb_printf(b, "\n");
}

int surr_calib_coef_write(const surr_version *v, size_t n, const char *header, char **text)
{
    sbuf b = {0};
    *text = NULL;
    sb_printf(&b, "# snacpack structural surrogate coefficients (basis version %d)\n", SURR_BASIS_VERSION);
    if (header)
        for (const char *h = header; *h;) {
            size_t k = strcspn(h, "\n");
            sb_printf(&b, "# %.*s\n", (int)k, h);
            h += k + (h[k] == '\n');
        }
    for (size_t i = 0; i < n; i++) {
        const surr_version *x = &v[i];
        sb_printf(&b, "toolchain %s\nfamily %s\n", surr_toolchain_names[x->toolchain], x->family);
        if (x->tool_versions[0])
            sb_printf(&b, "tool_versions %s\n", x->tool_versions);
        sb_line(&b, "note", x->note);
        sb_line(&b, "fitted_on", x->fitted_on ? x->fitted_on : "[]");
        sb_line(&b, "fit_stats", x->fit_stats ? x->fit_stats : "{}");
        for (int t = 0; t < SURR_T_COUNT; t++) {
            const surr_target_model *m = &x->t[t];
            sb_printf(&b, "target %s mask 0x%08x flags %u dsp_min_bits %d sigma_rel %.17g\n", surr_target_names[t],
                      m->mask, m->flags, m->dsp_min_bits, m->sigma_rel);
            for (int k = 0; k < SURR_B_COUNT; k++)
                if (m->mask & (1u << k))
                    sb_printf(&b, "coef %s %s %.17g\n", surr_target_names[t], surr_basis_names[k], m->coef[k]);
            for (int k = 0; k < SURR_B_COUNT; k++)
                for (int l = 0; l < SURR_B_COUNT; l++)
                    if (m->cov[k][l] != 0)
                        sb_printf(&b, "cov %s %s %s %.17g\n", surr_target_names[t], surr_basis_names[k],
                                  surr_basis_names[l], m->cov[k][l]);
        }
        sb_printf(&b, "end\n");
    }
    if (b.rc) {
        free(b.p);
        return b.rc;
    }
    *text = b.p;
    return SNAC_OK;
}

static int name_index(const char *const *names, int count, const char *s)
{
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

int surr_calib_coef_read(const char *text, enum surr_toolchain tc, surr_version *v)
{
    memset(v, 0, sizeof *v);
    size_t len = strlen(text);
    char *buf = malloc(len + 1);
    if (!buf)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    memcpy(buf, text, len + 1);
    int rc = SNAC_ENOTFOUND, lineno = 0;
    bool in = false, found = false;
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char key[32] = "", a[64] = "", b2[64] = "", c[64] = "";
        int off = 0;
        if (sscanf(line, "%31s %n", key, &off) < 1)
            continue;
        const char *rest = line + off;
        if (!in) {
            if (strcmp(key, "toolchain") == 0 && strcmp(rest, surr_toolchain_names[tc]) == 0) {
                in = found = true;
                v->toolchain = tc;
                v->basis_version = SURR_BASIS_VERSION;
            }
            continue;
        }
        bool ok = true;
        if (strcmp(key, "end") == 0) {
            rc = SNAC_OK;
            break;
        } else if (strcmp(key, "family") == 0) {
            snprintf(v->family, sizeof v->family, "%s", rest);
        } else if (strcmp(key, "tool_versions") == 0) {
            ok = strlen(rest) < sizeof v->tool_versions;
            if (ok)
                snprintf(v->tool_versions, sizeof v->tool_versions, "%s", rest);
        } else if (strcmp(key, "note") == 0) {
            ok = surr_version_set_str(&v->note, rest) == SNAC_OK;
        } else if (strcmp(key, "fitted_on") == 0) {
            ok = surr_version_set_str(&v->fitted_on, rest) == SNAC_OK;
        } else if (strcmp(key, "fit_stats") == 0) {
            ok = surr_version_set_str(&v->fit_stats, rest) == SNAC_OK;
        } else if (strcmp(key, "target") == 0) {
            unsigned mask, flags;
            double sg;
            int t, bits;
            ok = sscanf(rest, "%63s mask %x flags %u dsp_min_bits %d sigma_rel %lg", a, &mask, &flags, &bits, &sg) == 5 &&
                 (t = name_index(surr_target_names, SURR_T_COUNT, a)) >= 0;
            if (ok) {
                v->t[t].dsp_min_bits = bits;
                v->t[t].mask = mask;
                v->t[t].flags = flags;
                v->t[t].sigma_rel = sg;
            }
        } else if (strcmp(key, "coef") == 0) {
            double x;
            int t, k;
            ok = sscanf(rest, "%63s %63s %lg", a, b2, &x) == 3 &&
                 (t = name_index(surr_target_names, SURR_T_COUNT, a)) >= 0 &&
                 (k = name_index(surr_basis_names, SURR_B_COUNT, b2)) >= 0;
            if (ok)
                v->t[t].coef[k] = x;
        } else if (strcmp(key, "cov") == 0) {
            double x;
            int t, k, l;
            ok = sscanf(rest, "%63s %63s %63s %lg", a, b2, c, &x) == 4 &&
                 (t = name_index(surr_target_names, SURR_T_COUNT, a)) >= 0 &&
                 (k = name_index(surr_basis_names, SURR_B_COUNT, b2)) >= 0 &&
                 (l = name_index(surr_basis_names, SURR_B_COUNT, c)) >= 0;
            if (ok)
                v->t[t].cov[k][l] = x;
        } else {
            ok = false;
        }
        if (!ok) {
            rc = snac_err_set(SNAC_EFORMAT, "structural_coefficients.txt line %d: cannot read '%.60s'", lineno, line);
            break;
        }
    }
    free(buf);
    if (rc == SNAC_ENOTFOUND)
        rc = found ? snac_err_set(SNAC_EFORMAT, "structural_coefficients.txt: section %s has no 'end'",
                                  surr_toolchain_names[tc])
                   : snac_err_set(SNAC_ENOTFOUND, "structural_coefficients.txt: no section for toolchain %s",
                                  surr_toolchain_names[tc]);
    if (rc)
        surr_version_clear(v);
    return rc;
}

bool surr_calib_tool_version_known(const surr_version *v, const char *installed)
{
    if (!v->tool_versions[0])
        return true;
    size_t n = strlen(installed);
    for (const char *p = v->tool_versions; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && strncmp(p, installed, n) == 0)
            return true;
        p += k + (p[k] == ',');
    }
    return false;
}

int surr_calib_default_version(enum surr_toolchain tc, surr_version *v, surr_fit_report *rep)
{
    if (rep)
        memset(rep, 0, sizeof *rep);
    const surr_calib_file *file = NULL;
    for (size_t k = 0; k < surr_calib_n_files; k++)
        if (strcmp(surr_calib_files[k].name, "structural_coefficients.txt") == 0)
            file = &surr_calib_files[k];
    if (!file)
        return snac_err_set(SNAC_ENOTFOUND, "structural_coefficients.txt is not embedded");
    int rc = surr_calib_coef_read(file->text, tc, v);
    if (rc)
        return rc;
    snprintf(v->name, sizeof v->name, "default-%s-b%d", surr_toolchain_names[tc], SURR_BASIS_VERSION);
    if (rep)
        rep->dsp_min_bits = v->t[SURR_T_DSP].dsp_min_bits;
    return SNAC_OK;
}
