/* calib_yosys — the Yosys results file <-> surrogate samples, and the fit of the
 * yosys-0.23 family; see calib_yosys.h.
 *
 * Memory: parse works on a copy of the text (freed before returning) and grows the
 * row array by doubling. Workload: one pass over a few hundred lines.
 */
#include "calib_yosys.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "surrogate/surr_part.h"
#include "util/err.h"
#include "util/fileio.h"

/* ------------------------------------------------------------ the columns */

enum col {
    C_MODEL, C_ARCH, C_ACTIVATION, C_BITS, C_SPARSITY, C_YOSYS, C_PART, C_CLOCK,
    C_LUT, C_FF, C_DSP, C_BRAM18, C_URAM, C_LATENCY, C_II,
    C_LAYER, C_N_IN, C_N_OUT, C_ACT, C_A_W, C_W_W, C_ACC_W, C_OUT_W, C_NONZERO, C_GENERAL,
    C_CSD_ADD_BITS, C_ACC_ADD_BITS, C_OUT_BITS, C_LEVELS, C_TABLE_UNITS,
    C_COUNT
};
static const char *const col_names[C_COUNT] = {
    "model", "arch", "activation", "bits", "sparsity", "yosys", "part", "clock_ns",
    "lut", "ff", "dsp", "bram18", "uram", "latency", "ii",
    "layer", "n_in", "n_out", "act", "a_w", "w_w", "acc_w", "out_w", "nonzero", "general",
    "csd_add_bits", "acc_add_bits", "out_bits", "levels", "table_units"};
_Static_assert(sizeof col_names / sizeof *col_names == C_COUNT, "column names");
/* the columns that belong to the model: equal on each of its lines */
#define FIRST_LAYER_COL C_LAYER
/* surr_target of the target columns C_LUT..C_II */
static const enum surr_target col_target[] = {SURR_T_LUT, SURR_T_FF, SURR_T_DSP, SURR_T_BRAM18, SURR_T_URAM,
                                              SURR_T_LATENCY_CYCLES, SURR_T_II};

/* Split one line at commas into at most cap fields (in place); returns how many. */
static size_t split(char *line, char **f, size_t cap)
{
    size_t n = 0;
    for (char *c = line; n < cap;) {
        f[n++] = c;
        char *comma = strchr(c, ',');
        if (!comma)
            break;
        *comma = '\0';
        c = comma + 1;
    }
    return n;
}

static bool num(const char *s, double *x)
{
    char *end;
    errno = 0;
    *x = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*x);
}

static bool integer(const char *s, long lo, long hi, long *x)
{
    char *end;
    errno = 0;
    *x = strtol(s, &end, 10);
    return end != s && *end == '\0' && errno == 0 && *x >= lo && *x <= hi;
}

/* ------------------------------------------------------------ reading */

typedef struct parse_state {
    const char *name;
    int lineno;
    int col_of[C_COUNT];     /* field index of each column */
    size_t n_fields;
} parse_state;

static int bad(const parse_state *p, enum col c, const char *value, const char *what)
{
    return snac_err_set(SNAC_EFORMAT, "%s line %d, column %s: %s '%.40s'", p->name, p->lineno, col_names[c], what,
                        value);
}

static int header(parse_state *p, char *line)
{
    char *f[64];
    size_t n = split(line, f, 64);
    for (int c = 0; c < C_COUNT; c++) {
        p->col_of[c] = -1;
        for (size_t i = 0; i < n; i++)
            if (strcmp(f[i], col_names[c]) == 0)
                p->col_of[c] = (int)i;
        if (p->col_of[c] < 0)
            return snac_err_set(SNAC_EFORMAT, "%s line %d: the header has no column '%s'", p->name, p->lineno,
                                col_names[c]);
    }
    p->n_fields = n;
    return SNAC_OK;
}

/* The model columns of a new row r from fields f. */
static int model_fields(const parse_state *p, char **f, calib_yosys_row *r)
{
    long b;
    double x;
    snprintf(r->s.id, sizeof r->s.id, "%s", f[p->col_of[C_MODEL]]);
    snprintf(r->arch, sizeof r->arch, "%s", f[p->col_of[C_ARCH]]);
    snprintf(r->activation, sizeof r->activation, "%s", f[p->col_of[C_ACTIVATION]]);
    snprintf(r->yosys, sizeof r->yosys, "%s", f[p->col_of[C_YOSYS]]);
    snprintf(r->part, sizeof r->part, "%s", f[p->col_of[C_PART]]);
    if (!r->s.id[0] || !r->arch[0] || !r->yosys[0])
        return snac_err_set(SNAC_EFORMAT, "%s line %d: empty model, arch or yosys", p->name, p->lineno);
    if (!integer(f[p->col_of[C_BITS]], 1, 32, &b))
        return bad(p, C_BITS, f[p->col_of[C_BITS]], "not a bit width 1..32");
    r->bits = (int)b;
    if (!num(f[p->col_of[C_SPARSITY]], &r->sparsity) || r->sparsity < 0 || r->sparsity > 1)
        return bad(p, C_SPARSITY, f[p->col_of[C_SPARSITY]], "not a fraction");
    if (!num(f[p->col_of[C_CLOCK]], &x) || x <= 0)
        return bad(p, C_CLOCK, f[p->col_of[C_CLOCK]], "not a positive clock period");
    surr_features *xf = &r->s.x;
    memset(xf, 0, sizeof *xf);
    xf->toolchain = SURR_TC_YOSYS_0_23; /* the basis's vendor-only terms are 0 for these rows */
    xf->f[SURR_F_CLOCK_NS] = x;
    xf->f[SURR_F_DELAY_SCALE] = surr_part_delay_scale(r->part);
    xf->f[SURR_F_RF_MAX] = 1;
    xf->f[SURR_F_SPARSITY] = r->sparsity;
    xf->exact = true;
    for (int c = C_LUT; c <= C_II; c++) {
        const char *v = f[p->col_of[c]];
        if (!num(v, &x) || x < 0)
            return bad(p, (enum col)c, v, "not a count >= 0");
        r->s.y[col_target[c - C_LUT]] = x;
    }
    r->s.weight = 1.0;
    return SNAC_OK;
}

/* Whether the model columns of f repeat those of the line where row r started. */
static int same_model(const parse_state *p, char **f, char **first)
{
    for (int c = 0; c < FIRST_LAYER_COL; c++)
        if (strcmp(f[p->col_of[c]], first[p->col_of[c]]) != 0)
            return bad(p, (enum col)c, f[p->col_of[c]], "differs from the model's first line");
    return SNAC_OK;
}

/* The layer columns of fields f into row r as its layer `l`. */
static int layer_fields(const parse_state *p, char **f, calib_yosys_row *r, size_t l)
{
    long k;
    if (!integer(f[p->col_of[C_LAYER]], 0, SURR_MAX_LAYERS - 1, &k) || (size_t)k != l)
        return bad(p, C_LAYER, f[p->col_of[C_LAYER]], "not the next layer index");
    surr_layer_terms *L = &r->s.x.layer[l];
    memset(L, 0, sizeof *L);
    L->rf = 1;
    L->ii = 1;
    int act;
    if (surr_enum_parse(surr_act_names, SURR_ACT_COUNT, "act", f[p->col_of[C_ACT]], &act)) {
        snac_err_clear();
        return bad(p, C_ACT, f[p->col_of[C_ACT]], "not an activation");
    }
    L->act = (enum surr_act)act;
    int *wid[] = {&L->a_w, &L->w_w, &L->acc_w, &L->out_w, &L->levels};
    const enum col wcol[] = {C_A_W, C_W_W, C_ACC_W, C_OUT_W, C_LEVELS};
    for (size_t i = 0; i < sizeof wid / sizeof *wid; i++) {
        if (!integer(f[p->col_of[wcol[i]]], 0, 128, &k))
            return bad(p, wcol[i], f[p->col_of[wcol[i]]], "not a width 0..128");
        *wid[i] = (int)k;
    }
    double *cnt[] = {&L->n_in,         &L->n_out,        &L->nonzero,  &L->general,
                     &L->csd_add_bits, &L->acc_add_bits, &L->out_bits, &L->table_units};
    const enum col ccol[] = {C_N_IN,         C_N_OUT,        C_NONZERO,  C_GENERAL,
                             C_CSD_ADD_BITS, C_ACC_ADD_BITS, C_OUT_BITS, C_TABLE_UNITS};
    for (size_t i = 0; i < sizeof cnt / sizeof *cnt; i++)
        if (!num(f[p->col_of[ccol[i]]], cnt[i]) || *cnt[i] < 0)
            return bad(p, ccol[i], f[p->col_of[ccol[i]]], "not a count >= 0");
    if (L->n_in < 1 || L->n_out < 1 || L->nonzero > L->n_in * L->n_out || L->general > L->nonzero)
        return snac_err_set(SNAC_EFORMAT, "%s line %d: layer %zu: inconsistent counts (n_in %g, n_out %g, nonzero %g, "
                            "general %g)", p->name, p->lineno, l, L->n_in, L->n_out, L->nonzero, L->general);
    L->stored_bits = L->nonzero * L->w_w;
    surr_features *x = &r->s.x;
    x->f[SURR_F_LAYERS] += 1;
    x->f[SURR_F_MACS] += L->n_in * L->n_out;
    x->f[SURR_F_NONZERO] += L->nonzero;
    x->f[SURR_F_GENERAL] += L->general;
    x->f[SURR_F_CSD_ADD_BITS] += L->csd_add_bits;
    x->f[SURR_F_ACC_ADD_BITS] += L->acc_add_bits;
    x->f[SURR_F_NEURONS] += L->n_out;
    x->f[SURR_F_OUT_BITS] += L->out_bits;
    x->bops_mac += L->n_in * L->n_out;
    x->n_layers = l + 1;
    return SNAC_OK;
}

int calib_yosys_parse(const char *text, const char *name, calib_yosys_row **rows_out, size_t *n_out)
{
    *rows_out = NULL;
    *n_out = 0;
    size_t len = strlen(text);
    char *buf = malloc(len + 1), *first_line = malloc(len + 1);
    if (!buf || !first_line) {
        free(buf);
        free(first_line);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    memcpy(buf, text, len + 1);
    parse_state p = {.name = name};
    calib_yosys_row *rows = NULL;
    size_t n = 0, cap = 0;
    bool have_header = false;
    char *first[64];
    int rc = SNAC_OK;
    for (char *line = buf, *next; line && *line && !rc; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        p.lineno++;
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[--ll] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (!have_header) {
            rc = header(&p, line);
            have_header = true;
            continue;
        }
        char copy[4096];
        if (ll >= sizeof copy) {
            rc = snac_err_set(SNAC_EFORMAT, "%s line %d: longer than %zu bytes", name, p.lineno, sizeof copy);
            break;
        }
        memcpy(copy, line, ll + 1);
        char *f[64];
        size_t nf = split(line, f, 64);
        if (nf != p.n_fields) {
            rc = snac_err_set(SNAC_EFORMAT, "%s line %d: %zu fields, the header has %zu", name, p.lineno, nf,
                              p.n_fields);
            break;
        }
        bool continues = n > 0 && strcmp(f[p.col_of[C_MODEL]], rows[n - 1].s.id) == 0;
        if (continues) {
            if ((rc = same_model(&p, f, first)))
                break;
            if (rows[n - 1].s.x.n_layers >= SURR_MAX_LAYERS) {
                rc = snac_err_set(SNAC_EFORMAT, "%s line %d: more than %d layers", name, p.lineno, SURR_MAX_LAYERS);
                break;
            }
            rc = layer_fields(&p, f, &rows[n - 1], rows[n - 1].s.x.n_layers);
            continue;
        }
        for (size_t i = 0; i < n; i++)
            if (strcmp(rows[i].s.id, f[p.col_of[C_MODEL]]) == 0) {
                rc = bad(&p, C_MODEL, f[p.col_of[C_MODEL]], "a model whose lines are not consecutive");
                break;
            }
        if (rc)
            break;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            calib_yosys_row *nr = realloc(rows, nc * sizeof *nr);
            if (!nr) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            rows = nr;
            cap = nc;
        }
        memset(&rows[n], 0, sizeof rows[n]);
        /* keep the model's first line to compare the next ones with */
        memcpy(first_line, copy, ll + 1);
        split(first_line, first, 64);
        if (!(rc = model_fields(&p, f, &rows[n])))
            rc = layer_fields(&p, f, &rows[n], 0);
        n++;
    }
    if (!rc && !have_header)
        rc = snac_err_set(SNAC_EFORMAT, "%s: no header line", name);
    if (!rc && n == 0)
        rc = snac_err_set(SNAC_EFORMAT, "%s: no models", name);
    /* a model's last layer gives the logits, and the arch must say its widths */
    for (size_t i = 0; i < n && !rc; i++) {
        const surr_features *x = &rows[i].s.x;
        char arch[96];
        size_t u = (size_t)snprintf(arch, sizeof arch, "%.0f", x->layer[0].n_in);
        for (size_t l = 0; l < x->n_layers && u < sizeof arch; l++)
            u += (size_t)snprintf(arch + u, sizeof arch - u, "-%.0f", x->layer[l].n_out);
        if (strcmp(arch, rows[i].arch) != 0)
            rc = snac_err_set(SNAC_EFORMAT, "%s: model %s: arch %s, its layers say %s", name, rows[i].s.id,
                              rows[i].arch, arch);
        rows[i].s.x.f[SURR_F_SPARSITY] = rows[i].sparsity;
    }
    /* groups by arch, numbered by first appearance */
    for (size_t i = 0; i < n && !rc; i++) {
        rows[i].s.group = -1;
        int g = 0;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(rows[j].arch, rows[i].arch) == 0) {
                rows[i].s.group = rows[j].s.group;
                break;
            }
            if (rows[j].s.group >= g)
                g = rows[j].s.group + 1;
        }
        if (rows[i].s.group < 0)
            rows[i].s.group = g;
    }
    free(buf);
    free(first_line);
    if (rc) {
        free(rows);
        return rc;
    }
    *rows_out = rows;
    *n_out = n;
    return SNAC_OK;
}

int calib_yosys_read(const char *path, calib_yosys_row **rows, size_t *n)
{
    char *text = NULL;
    size_t len = 0;
    int rc = snac_read_file(path, &text, &len);
    if (rc)
        return rc;
    rc = calib_yosys_parse(text, path, rows, n);
    free(text);
    return rc;
}

/* ------------------------------------------------------------ writing */

int calib_yosys_write(FILE *f, const char *header_text, const calib_yosys_row *rows, size_t n)
{
    if (header_text)
        for (const char *h = header_text; *h;) {
            size_t k = strcspn(h, "\n");
            fprintf(f, "# %.*s\n", (int)k, h);
            h += k + (h[k] == '\n');
        }
    for (int c = 0; c < C_COUNT; c++)
        fprintf(f, "%s%s", c ? "," : "", col_names[c]);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        const calib_yosys_row *r = &rows[i];
        const surr_features *x = &r->s.x;
        for (size_t l = 0; l < x->n_layers; l++) {
            const surr_layer_terms *L = &x->layer[l];
            fprintf(f, "%s,%s,%s,%d,%.6g,%s,%s,%.17g", r->s.id, r->arch, r->activation, r->bits, r->sparsity, r->yosys,
                    r->part, x->f[SURR_F_CLOCK_NS]);
            for (int c = C_LUT; c <= C_II; c++)
                fprintf(f, ",%.17g", r->s.y[col_target[c - C_LUT]]);
            fprintf(f, ",%zu,%.17g,%.17g,%s,%d,%d,%d,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%.17g\n", l, L->n_in,
                    L->n_out, surr_act_names[L->act], L->a_w, L->w_w, L->acc_w, L->out_w, L->nonzero, L->general,
                    L->csd_add_bits, L->acc_add_bits, L->out_bits, L->levels, L->table_units);
        }
    }
    return ferror(f) ? snac_err_set(SNAC_EIO, "write error") : SNAC_OK;
}

/* ------------------------------------------------------------ versions and the fit */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void calib_yosys_versions(const calib_yosys_row *rows, size_t n, char *buf, size_t cap)
{
    const char *seen[16];
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t j = 0; j < ns && !found; j++)
            found = strcmp(seen[j], rows[i].yosys) == 0;
        if (!found && ns < sizeof seen / sizeof *seen)
            seen[ns++] = rows[i].yosys;
    }
    qsort(seen, ns, sizeof *seen, cmp_str);
    size_t u = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < ns && u < cap; j++)
        u += (size_t)snprintf(buf + u, cap - u, "%s%s", j ? "," : "", seen[j]);
}

int calib_yosys_fit(const calib_yosys_row *rows, size_t n, int exclude, bool cv, surr_version *v,
                    surr_fit_report *rep)
{
    surr_sample *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].s.group != exclude)
            t[m++] = rows[i].s;
    surr_fit_options o = SURR_FIT_OPTIONS_INIT;
    o.cross_validate = cv;
    o.dsp_min_bits = CALIB_YOSYS_DSP_MIN_BITS;
    memset(v, 0, sizeof *v);
    int rc = surr_fit_version(t, m, &o, v, rep);
    free(t);
    if (rc)
        return rc;
    v->toolchain = SURR_TC_YOSYS_0_23;
    calib_yosys_versions(rows, n, v->tool_versions, sizeof v->tool_versions);
    return SNAC_OK;
}
