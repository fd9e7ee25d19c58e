/* calib_projects — network.json + csynth report -> surrogate sample; see calib_projects.h.
 *
 * network.json is read by a small flattening JSON reader: every scalar leaf
 * becomes a (path, text) pair such as ("layers[2].params.n_in", "128"), which is
 * all the project reader needs. Memory: the leaves live in one malloc'd array per
 * file. Workload: a few kilobytes per project.
 */
#include "calib_projects.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "surrogate/surr_calib.h"
#include "surrogate/surr_part.h"
#include "util/err.h"
#include "util/fileio.h"
#include "validation/rpt_csynth_rpt.h"
#include "validation/rpt_csynth_xml.h"
#include "validation/vtoolchain.h"

/* ---------------------------------------------------------------- flat JSON */

typedef struct leaf {
    char path[96];
    char text[96];
} leaf;

typedef struct jflat {
    leaf *v;
    size_t n, cap;
    const char *p, *end;
    int err;
} jflat;

static void skip_ws(jflat *j)
{
    while (j->p < j->end && isspace((unsigned char)*j->p))
        j->p++;
}

static void add_leaf(jflat *j, const char *path, const char *text, size_t len)
{
    if (j->n == j->cap) {
        size_t nc = j->cap ? 2 * j->cap : 64;
        leaf *nv = realloc(j->v, nc * sizeof *nv);
        if (!nv) {
            j->err = 1;
            return;
        }
        j->v = nv;
        j->cap = nc;
    }
    leaf *l = &j->v[j->n++];
    snprintf(l->path, sizeof l->path, "%s", path);
    snprintf(l->text, sizeof l->text, "%.*s", (int)(len < sizeof l->text ? len : sizeof l->text - 1), text);
}

/* A JSON string at j->p (no escapes beyond \" and \\ kept verbatim); sets *s, *len. */
static int read_string(jflat *j, const char **s, size_t *len)
{
    if (j->p >= j->end || *j->p != '"')
        return -1;
    const char *b = ++j->p;
    while (j->p < j->end && *j->p != '"') {
        if (*j->p == '\\')
            j->p++;
        j->p++;
    }
    if (j->p >= j->end)
        return -1;
    *s = b;
    *len = (size_t)(j->p - b);
    j->p++;
    return 0;
}

static int read_value(jflat *j, const char *path, int depth)
{
    if (depth > 16)
        return -1;
    skip_ws(j);
    if (j->p >= j->end)
        return -1;
    char sub[96];
    if (*j->p == '{') {
        j->p++;
        skip_ws(j);
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return 0;
        }
        for (;;) {
            skip_ws(j);
            const char *k;
            size_t kl;
            if (read_string(j, &k, &kl))
                return -1;
            snprintf(sub, sizeof sub, "%s%s%.*s", path, *path ? "." : "", (int)kl, k);
            skip_ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return -1;
            if (read_value(j, sub, depth + 1))
                return -1;
            skip_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == '}') {
                j->p++;
                return 0;
            }
            return -1;
        }
    }
    if (*j->p == '[') {
        j->p++;
        skip_ws(j);
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return 0;
        }
        for (int i = 0;; i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            if (read_value(j, sub, depth + 1))
                return -1;
            skip_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == ']') {
                j->p++;
                return 0;
            }
            return -1;
        }
    }
    if (*j->p == '"') {
        const char *s;
        size_t len;
        if (read_string(j, &s, &len))
            return -1;
        add_leaf(j, path, s, len);
        return j->err ? -1 : 0;
    }
    const char *b = j->p; /* number, true, false, null */
    while (j->p < j->end && !strchr(",}] \t\r\n", *j->p))
        j->p++;
    add_leaf(j, path, b, (size_t)(j->p - b));
    return j->err ? -1 : 0;
}

/* Leaf "layers[i].key" (i >= 0) or top-level "key" (i < 0), or NULL. */
static const char *jget(const jflat *j, int i, const char *key)
{
    char path[96];
    if (i >= 0)
        snprintf(path, sizeof path, "layers[%d].%s", i, key);
    else
        snprintf(path, sizeof path, "%s", key);
    for (size_t k = 0; k < j->n; k++)
        if (strcmp(j->v[k].path, path) == 0)
            return j->v[k].text;
    return NULL;
}

/* ------------------------------------------------------------ the projects */

static int cmp_project(const void *a, const void *b)
{
    return strcmp(((const calib_project *)a)->dir, ((const calib_project *)b)->dir);
}

static bool get_size(const jflat *j, int i, const char *key, size_t *out)
{
    char pkey[64];
    snprintf(pkey, sizeof pkey, "params.%s", key);
    const char *t = jget(j, i, pkey);
    char *end;
    if (!t)
        return false;
    unsigned long long v = strtoull(t, &end, 10);
    if (end == t || *end)
        return false;
    *out = (size_t)v;
    return true;
}

/* key: "input_t"/"output_t" of the call, or "types.weight_t" etc. */
static bool get_type(const jflat *j, int i, const char *key, quant_prec *out, char *why, size_t cap)
{
    const char *t = jget(j, i, key);
    if (!t) {
        snprintf(why, cap, "layer call %d has no %s", i, key);
        return false;
    }
    /* io_stream element types are "nnet::array<ap_fixed<16,6>, 4*1>": the element type is parsed */
    char inner[96];
    if (strncmp(t, "nnet::array<", 12) == 0) {
        const char *b = t + 12, *e = strrchr(b, ',');
        if (e && e > b) {
            snprintf(inner, sizeof inner, "%.*s", (int)(e - b), b);
            t = inner;
        }
    }
    if (quant_prec_parse(t, out)) {
        snprintf(why, cap, "precision '%s' (%s of call %d) is rejected by quant_prec_parse: %s", t, key, i,
                 snac_err_msg());
        snac_err_clear();
        return false;
    }
    return true;
}

/* Sizes written as defines.h symbols (N_INPUT_1_1, N_LAYER_2: defines.h is not
 * shipped) are resolved from n_zeros + n_nonzeros = n_in * n_out along the chain,
 * anchored by the first layer's n_in = input port bits / input width (io_parallel:
 * the top function's input is reshaped into one port; in_bits from the report,
 * 0 = unknown). */
static bool symbolic_sizes(const jflat *j, size_t in_bits, size_t *widths, size_t *nd_out, int *dense_call,
                           char *why, size_t cap)
{
    size_t nd = 0, prod[SURR_MAX_LAYERS];
    for (int i = 0;; i++) {
        const char *op = jget(j, i, "op");
        if (!op)
            break;
        if (strcmp(op, "dense") != 0)
            continue;
        size_t z = 0, nz = 0;
        if (nd >= SURR_MAX_LAYERS || !get_size(j, i, "n_zeros", &z) || !get_size(j, i, "n_nonzeros", &nz)) {
            snprintf(why, cap, "dense call %d: symbolic n_in/n_out and no numeric n_zeros/n_nonzeros", i);
            return false;
        }
        prod[nd] = z + nz;
        dense_call[nd++] = i;
    }
    quant_prec in;
    const char *t = nd ? jget(j, dense_call[0], "input_t") : NULL, *io = jget(j, -1, "io_type");
    if (!io || !strstr(io, "parallel")) { /* io_stream ports carry one element each: no anchor */
        snprintf(why, cap, "symbolic n_in/n_out (defines.h not shipped) in an io_stream project");
        return false;
    }
    if (!nd || !in_bits || !t || quant_prec_parse(t, &in) || in_bits % (size_t)in.width) {
        snac_err_clear();
        snprintf(why, cap, "symbolic n_in/n_out (defines.h not shipped) and no input port width to anchor them");
        return false;
    }
    widths[0] = in_bits / (size_t)in.width;
    for (size_t l = 0; l < nd; l++) {
        if (!widths[l] || prod[l] % widths[l]) {
            snprintf(why, cap, "symbolic sizes: layer %zu has %zu weights, not a multiple of n_in %zu", l, prod[l],
                     widths[l]);
            return false;
        }
        widths[l + 1] = prod[l] / widths[l];
    }
    *nd_out = nd;
    return true;
}

/* Spec of the project from its network.json (leaves j); false + reason when not modelled. */
static bool build_spec(const jflat *j, size_t in_bits, surr_spec *s, char *why, size_t cap, bool *symbolic)
{
    size_t widths[SURR_MAX_LAYERS + 1], nd = 0;
    int dense_call[SURR_MAX_LAYERS];
    *symbolic = false;
    for (int i = 0;; i++) {
        const char *op = jget(j, i, "op");
        if (!op)
            break;
        if (strcmp(op, "dense") != 0)
            continue;
        if (nd >= SURR_MAX_LAYERS) {
            snprintf(why, cap, "more than %d dense layers", SURR_MAX_LAYERS);
            return false;
        }
        size_t n_in, n_out;
        if (!get_size(j, i, "n_in", &n_in) || !get_size(j, i, "n_out", &n_out)) {
            if (!symbolic_sizes(j, in_bits, widths, &nd, dense_call, why, cap))
                return false;
            *symbolic = true;
            break;
        }
        if (nd == 0)
            widths[0] = n_in;
        else if (widths[nd] != n_in) {
            snprintf(why, cap, "dense call %d: n_in %zu does not follow n_out %zu (not a chain)", i, n_in, widths[nd]);
            return false;
        }
        widths[nd + 1] = n_out;
        dense_call[nd++] = i;
    }
    if (nd == 0) {
        snprintf(why, cap, "no dense call");
        return false;
    }
    if (surr_spec_init_mlp(s, widths, nd + 1, SURR_ACT_RELU, false)) {
        snprintf(why, cap, "spec: %s", snac_err_msg());
        snac_err_clear();
        return false;
    }
    s->rf_unchecked = true;
    const char *io = jget(j, -1, "io_type");
    s->io_type = io && strstr(io, "stream") ? SURR_IO_STREAM : SURR_IO_PARALLEL;
    size_t rf_max = 1;
    for (size_t l = 0; l < nd; l++) {
        int i = dense_call[l];
        surr_layer *L = &s->layer[l];
        if (!get_type(j, i, "types.weight_t", &L->weight, why, cap) ||
            !get_type(j, i, "types.bias_t", &L->bias, why, cap) ||
            !get_type(j, i, "input_t", &L->input, why, cap) ||
            !get_type(j, i, "output_t", &L->output, why, cap))
            return false;
        if (jget(j, i, "types.accum_t") &&
            !get_type(j, i, "types.accum_t", &L->accum, why, cap))
            return false;
        size_t rf = 1, zeros = 0;
        get_size(j, i, "reuse_factor", &rf);
        get_size(j, i, "n_zeros", &zeros);
        L->reuse_factor = rf ? rf : 1;
        if (L->reuse_factor > rf_max)
            rf_max = L->reuse_factor;
        double n = (double)L->n_in * (double)L->n_out;
        L->sparsity = n > 0 ? (double)zeros / n : 0;
        if (L->sparsity >= 1)
            L->sparsity = 0.999;
        const char *st = jget(j, i, "params.strategy");
        if (st && strstr(st, "esource"))
            s->strategy = SURR_STRATEGY_RESOURCE;
        /* the activation: the next call, unless it is the next dense */
        L->act = SURR_ACT_LINEAR;
        for (int k = i + 1;; k++) {
            const char *op = jget(j, k, "op");
            if (!op || strcmp(op, "dense") == 0)
                break;
            enum surr_act a;
            if (strcmp(op, "relu") == 0 || strcmp(op, "h_dense_relu_quantizer") == 0)
                a = SURR_ACT_RELU;
            else if (strcmp(op, "softmax") == 0)
                a = SURR_ACT_SOFTMAX;
            else if (strcmp(op, "tanh") == 0)
                a = SURR_ACT_TANH;
            else if (strcmp(op, "sigmoid") == 0)
                a = SURR_ACT_SIGMOID;
            else if (strcmp(op, "linear") == 0 || strcmp(op, "h_quantize") == 0)
                continue;
            else {
                snprintf(why, cap, "call %d op '%s' is not modelled", k, op);
                return false;
            }
            L->act = a;
            const char *ot = jget(j, k, "output_t");
            if (ot && strcmp(ot, "null") == 0) /* HGQ's fused quantiser keeps the type before it */
                continue;
            if (!get_type(j, k, "output_t", &L->output, why, cap))
                return false;
        }
    }
    for (size_t l = 0; l + 1 < nd; l++) /* the chain: each layer's input is the previous output */
        s->layer[l + 1].input = s->layer[l + 1].input.width ? s->layer[l + 1].input : s->layer[l].output;
    s->reuse_factor = rf_max;
    return true;
}

static bool read_report(const char *root, const char *rel, rpt_result *r, char *why, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *buf = NULL;
    size_t len = 0;
    if (snac_read_file(path, &buf, &len)) {
        snprintf(why, cap, "cannot read %s: %s", rel, snac_err_msg());
        snac_err_clear();
        return false;
    }
    size_t rl = strlen(rel);
    int rc = (rl > 4 && strcmp(rel + rl - 4, ".xml") == 0) ? rpt_csynth_xml_read(buf, len, rel, r)
                                                            : rpt_csynth_rpt_read(buf, len, rel, r);
    free(buf);
    if (rc) {
        snprintf(why, cap, "report does not parse: %s", snac_err_msg());
        snac_err_clear();
        return false;
    }
    return true;
}

/* Bits of the top function's first data input port in the csynth .rpt interface
 * table ("|input_1_V  |  in |  256| ap_vld | ..."), 0 when not found. */
static size_t input_port_bits(const char *root, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *buf = NULL;
    size_t len = 0, bits = 0;
    if (snac_read_file(path, &buf, &len)) {
        snac_err_clear();
        return 0;
    }
    for (char *line = buf, *next; line && *line && !bits; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char name[128];
        unsigned long b;
        if (sscanf(line, " |%127[^| ] | in |%lu|", name, &b) == 2 && strncmp(name, "ap_", 3) != 0 &&
            !strstr(name, "_ap_") && b > 1)
            bits = (size_t)b;
    }
    free(buf);
    return bits;
}

static void load_one(const char *root, calib_project *p, const char *json_rel, const char *xml_rel,
                     const char *rpt_rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, json_rel);
    char *buf = NULL;
    size_t len = 0;
    jflat j = {0};
    surr_spec spec;
    rpt_result r;
    if (snac_read_file(path, &buf, &len)) {
        snprintf(p->skip, sizeof p->skip, "cannot read network.json: %s", snac_err_msg());
        snac_err_clear();
        return;
    }
    j.p = buf;
    j.end = buf + len;
    if (read_value(&j, "", 0)) {
        snprintf(p->skip, sizeof p->skip, "network.json does not parse");
        goto out;
    }
    const char *dense_only = jget(&j, -1, "dense_only");
    if (!dense_only || strcmp(dense_only, "true") != 0) {
        snprintf(p->skip, sizeof p->skip, "not dense_only (CNN or other)");
        goto out;
    }
    const char *rel = xml_rel[0] ? xml_rel : rpt_rel;
    if (!rel[0]) {
        snprintf(p->skip, sizeof p->skip, "no csynth report");
        goto out;
    }
    if (!read_report(root, rel, &r, p->skip, sizeof p->skip))
        goto out;
    bool symbolic;
    if (!build_spec(&j, rpt_rel[0] ? input_port_bits(root, rpt_rel) : 0, &spec, p->skip, sizeof p->skip, &symbolic))
        goto out;
    if (symbolic)
        snprintf(p->note, sizeof p->note, "layer sizes resolved from n_zeros+n_nonzeros and the input port width");
    if (!vtoolchain_map(rpt_toolchain_names[r.toolchain], r.tool_version, &p->tc)) {
        snprintf(p->skip, sizeof p->skip, "toolchain %s %s maps to no surrogate toolchain",
                 rpt_toolchain_names[r.toolchain], r.tool_version);
        goto out;
    }
    snprintf(p->tool, sizeof p->tool, "%s %s", rpt_toolchain_names[r.toolchain], r.tool_version);
    snprintf(p->part, sizeof p->part, "%s", r.part);
    const surr_part *part;
    if (surr_part_find(r.part, &part)) {
        snac_err_clear();
        size_t u = strlen(p->note);
        snprintf(p->note + u, sizeof p->note - u, "%spart %s not in the part table: xcvu13p used (percentages only)",
                 u ? "; " : "", r.part);
        snprintf(spec.part, sizeof spec.part, "%s", "xcvu13p-flga2577-2-e");
    } else {
        snprintf(spec.part, sizeof spec.part, "%s", part->name);
    }
    spec.clock_ns = r.clock_target_ns > 0 ? r.clock_target_ns : 5.0;
    spec.toolchain = p->tc;
    if (surr_features_extract(&spec, &p->s.x)) {
        snprintf(p->skip, sizeof p->skip, "spec does not validate: %s", snac_err_msg());
        snac_err_clear();
        goto out;
    }
    size_t u = (size_t)snprintf(p->arch, sizeof p->arch, "%zu", spec.layer[0].n_in);
    for (size_t l = 0; l < spec.n_layers && u < sizeof p->arch; l++)
        u += (size_t)snprintf(p->arch + u, sizeof p->arch - u, "-%zu", spec.layer[l].n_out);
    double y[SURR_T_COUNT] = {r.lut, r.ff, r.dsp, r.bram18, NAN, r.latency_worst, r.ii_min};
    double n_out = (double)spec.layer[spec.n_layers - 1].n_out;
    if (r.ff < n_out && r.dsp == 0) { /* not even one register per output and no multiplier */
        snprintf(p->skip, sizeof p->skip, "report shows a design optimised away (%.0f FF, %.0f DSP for %.0f outputs)",
                 r.ff, r.dsp, n_out);
        goto out;
    }
    for (int t = 0; t < SURR_T_COUNT; t++)
        p->s.y[t] = isfinite(y[t]) && y[t] >= 0 ? y[t] : NAN;
    p->s.weight = 1.0;
    snprintf(p->s.id, sizeof p->s.id, "shared:%.88s", p->dir);
out:
    free(j.v);
    free(buf);
}

int calib_projects_load(const char *root, calib_project **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    char path[1024];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", root);
    char *buf = NULL;
    size_t len = 0;
    int rc = snac_read_file(path, &buf, &len);
    if (rc)
        return rc;
    calib_project *arr = NULL;
    size_t n = 0, cap = 0;
    /* columns: repo commit path kind local_path project bytes */
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *col[8] = {0};
        size_t nc = 0;
        for (char *c = line; nc < 8;) {
            col[nc++] = c;
            char *tab = strchr(c, '\t');
            if (!tab)
                break;
            *tab = '\0';
            c = tab + 1;
        }
        if (nc < 6 || strcmp(col[3], "network_json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            calib_project *na = realloc(arr, cap * sizeof *na);
            if (!na) {
                free(arr);
                free(buf);
                return snac_err_set(SNAC_ENOMEM, "out of memory");
            }
            arr = na;
        }
        memset(&arr[n], 0, sizeof arr[n]);
        snprintf(arr[n].dir, sizeof arr[n].dir, "%s", col[5]);
        n++;
    }
    /* reports of each project (a second pass over the manifest, read again: the first pass cut it) */
    free(buf);
    if ((rc = snac_read_file(path, &buf, &len))) {
        free(arr);
        return rc;
    }
    qsort(arr, n, sizeof *arr, cmp_project);
    char(*xml)[400] = calloc(n ? n : 1, sizeof *xml), (*rpt)[400] = calloc(n ? n : 1, sizeof *rpt);
    if (!xml || !rpt) {
        free(xml);
        free(rpt);
        free(arr);
        free(buf);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *col[8] = {0};
        size_t nc = 0;
        for (char *c = line; nc < 8;) {
            col[nc++] = c;
            char *tab = strchr(c, '\t');
            if (!tab)
                break;
            *tab = '\0';
            c = tab + 1;
        }
        if (nc < 6)
            continue;
        bool is_xml = strcmp(col[3], "csynth_xml") == 0, is_rpt = strcmp(col[3], "csynth_rpt") == 0;
        if (!is_xml && !is_rpt)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(arr[i].dir, col[5]) != 0)
                continue;
            char *slot = is_xml ? xml[i] : rpt[i];
            if (!slot[0] || strcmp(col[4], slot) < 0) /* the first by path: reproducible */
                snprintf(slot, 400, "%s", col[4]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        char json_rel[512];
        snprintf(json_rel, sizeof json_rel, "%s/network.json", arr[i].dir);
        load_one(root, &arr[i], json_rel, xml[i], rpt[i]);
    }
    free(xml);
    free(rpt);
    free(buf);
    *out = arr;
    *n_out = n;
    return SNAC_OK;
}

/* ------------------------------------------------------------ the fit set */

int calib_set_build(const calib_project *p, size_t np, surr_sample **s_out, enum surr_toolchain **tc_out,
                    long **proj_out, size_t *n_out, size_t *n_base)
{
    surr_sample *base = NULL;
    size_t nb = 0, rej = 0;
    int rc = surr_calib_samples(&base, &nb, &rej);
    if (rc)
        return rc;
    size_t n = nb;
    for (size_t i = 0; i < np; i++)
        n += !p[i].skip[0];
    surr_sample *s = realloc(base, n * sizeof *s);
    enum surr_toolchain *tc = malloc(n * sizeof *tc);
    long *proj = malloc(n * sizeof *proj);
    if (!s || !tc || !proj) {
        free(s ? s : base);
        free(tc);
        free(proj);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    int gmax = -1;
    for (size_t i = 0; i < nb; i++) {
        tc[i] = SURR_TC_VIVADO_2019_1;
        proj[i] = -1;
        if (s[i].x.f[SURR_F_RF_MAX] > 1)
            s[i].y[SURR_T_LUT] = s[i].y[SURR_T_FF] = NAN;
        s[i].weight *= CALIB_SWEEP_WEIGHT;
        if (s[i].group > gmax)
            gmax = s[i].group;
    }
    size_t k = nb;
    for (size_t i = 0; i < np; i++) {
        if (p[i].skip[0])
            continue;
        s[k] = p[i].s;
        s[k].group = ++gmax;
        tc[k] = p[i].tc;
        proj[k] = (long)i;
        k++;
    }
    *s_out = s;
    *tc_out = tc;
    *proj_out = proj;
    *n_out = n;
    *n_base = nb;
    return SNAC_OK;
}

int calib_fit_family(const surr_sample *s, const enum surr_toolchain *tc_of, size_t n, enum surr_toolchain tc,
                     int exclude, bool cv, surr_version *v, surr_fit_report *rep)
{
    surr_sample *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].group == exclude)
            continue;
        t[m] = s[i];
        if (tc_of[i] != tc)
            t[m].weight *= CALIB_FOREIGN_WEIGHT;
        m++;
    }
    surr_fit_options o = SURR_FIT_OPTIONS_INIT;
    o.cross_validate = cv;
    memset(v, 0, sizeof *v);
    int rc = surr_fit_version(t, m, &o, v, rep);
    v->toolchain = tc;
    free(t);
    return rc;
}
