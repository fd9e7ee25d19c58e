/* surr_specio — YAML specs, overrides and canonical text; see surr_specio.h.
 *
 * Memory: the parsed document is freed before return. Workload: once per spec.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, DIR */
#include "surrogate/surr_specio.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/yaml_doc.h"
#include "surrogate/surr_part.h"
#include "util/sha256.h"
#include "util/err.h"
#include "util/fileio.h"

/* ---------------------------------------------------------------- sections */

typedef struct model_sec {
    size_t widths[SURR_MAX_LAYERS + 1];
    size_t n_widths;
    char activation[32];
    char output_activation[32];
    bool batch_norm;
    char weights[256];
    char weights_sha256[80];
} model_sec;

typedef struct prec_sec {
    char weight[64], bias[64], input[64], output[64], accum[64];
    double sparsity;
} prec_sec;

typedef struct layer_sec {
    size_t index;
    char weight[64], bias[64], input[64], output[64], accum[64];
    double sparsity;
    size_t reuse_factor;
    char activation[32];
    bool batch_norm;
    bool normalize;
    double weight_stats[5];
    size_t n_weight_stats;
} layer_sec;

typedef struct hls_sec {
    size_t reuse_factor;
    char strategy[32], io_type[32], part[48], toolchain[48], multipliers[16];
    double clock_period;
    size_t table_size;
    bool rf_unchecked;
} hls_sec;

#define STR(s, m, k) {k, CFG_STRING, offsetof(s, m), 0, 0, sizeof(((s *)0)->m), 0, 0, NULL, 0, NULL}
#define NUM(s, m, k, t, lo, hi) {k, t, offsetof(s, m), lo, hi, 0, 0, 0, NULL, 0, NULL}

static const cfg_field model_fields[] = {
    {"widths", CFG_SIZE_LIST, offsetof(model_sec, widths), 0, 1e9, SURR_MAX_LAYERS + 1,
     offsetof(model_sec, n_widths), 0, NULL, 0, NULL},
    STR(model_sec, activation, "activation"),
    STR(model_sec, output_activation, "output_activation"),
    NUM(model_sec, batch_norm, "batch_norm", CFG_BOOL, 0, 1),
    STR(model_sec, weights, "weights"),
    STR(model_sec, weights_sha256, "weights_sha256"),
};
static const cfg_field prec_fields[] = {
    STR(prec_sec, weight, "weight"), STR(prec_sec, bias, "bias"), STR(prec_sec, input, "input"),
    STR(prec_sec, output, "output"), STR(prec_sec, accum, "accum"),
    NUM(prec_sec, sparsity, "sparsity", CFG_DOUBLE, 0, 1),
};
static const cfg_field layer_fields[] = {
    NUM(layer_sec, index, "index", CFG_SIZE, 0, SURR_MAX_LAYERS - 1),
    STR(layer_sec, weight, "weight"), STR(layer_sec, bias, "bias"), STR(layer_sec, input, "input"),
    STR(layer_sec, output, "output"), STR(layer_sec, accum, "accum"),
    NUM(layer_sec, sparsity, "sparsity", CFG_DOUBLE, 0, 1),
    NUM(layer_sec, reuse_factor, "reuse_factor", CFG_SIZE, 0, 1e9),
    STR(layer_sec, activation, "activation"),
    NUM(layer_sec, batch_norm, "batch_norm", CFG_BOOL, 0, 1),
    NUM(layer_sec, normalize, "normalize", CFG_BOOL, 0, 1),
    {"weight_stats", CFG_DOUBLE_LIST, offsetof(layer_sec, weight_stats), 0, 1e15, 5,
     offsetof(layer_sec, n_weight_stats), 0, NULL, 0, NULL},
};
static const cfg_field hls_fields[] = {
    NUM(hls_sec, reuse_factor, "reuse_factor", CFG_SIZE, 0, 1e9),
    STR(hls_sec, strategy, "strategy"), STR(hls_sec, io_type, "io_type"), STR(hls_sec, part, "part"),
    STR(hls_sec, toolchain, "toolchain"),
    NUM(hls_sec, clock_period, "clock_period", CFG_DOUBLE, -1e9, 1e9),
    NUM(hls_sec, table_size, "table_size", CFG_SIZE, 0, 1 << 24),
    NUM(hls_sec, rf_unchecked, "rf_unchecked", CFG_BOOL, 0, 1),
    STR(hls_sec, multipliers, "multipliers"),
};
#define N(a) (sizeof a / sizeof a[0])

/* Error at the node of `key` in `map` (or the map itself). */
static int at_key(int code, const cfg_doc *d, const cfg_node *map, const char *key)
{
    const cfg_node *n = map ? cfg_map_get(d, map, key) : NULL;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", snac_err_msg());
    return cfg_errorf(code, d, n ? n : map, "%s: %s", key, msg);
}

static int parse_type(const cfg_doc *d, const cfg_node *map, const char *key, const char *text, quant_prec *out,
                      bool allow_auto)
{
    if (!text[0])
        return SNAC_OK; /* not given */
    if (allow_auto && strcmp(text, "auto") == 0) {
        *out = QUANT_PREC_INIT(0, 0);
        return SNAC_OK;
    }
    int rc = quant_prec_parse(text, out);
    return rc ? at_key(rc, d, map, key) : SNAC_OK;
}

static int parse_enum(const cfg_doc *d, const cfg_node *map, const char *key, const char *text,
                      const char *const *names, int count, const char *what, int *out)
{
    if (!text[0])
        return SNAC_OK;
    int rc = surr_enum_parse(names, count, what, text, out);
    return rc ? at_key(rc, d, map, key) : SNAC_OK;
}

static int read_doc(const cfg_doc *d, surr_spec *out)
{
    const cfg_node *root = cfg_doc_root(d);
    if (!root || cfg_node_kind(d, root) != CFG_KIND_MAPPING)
        return cfg_errorf(SNAC_EINVAL, d, root, "a spec file is a mapping with sections model, precision, layers, hls");
    /* provenance: where a generated spec came from (ingest); read by people, ignored here */
    static const char *const sections[] = {"model", "precision", "layers", "hls", "provenance"};
    for (size_t i = 0; i < cfg_map_len(d, root); i++) {
        const cfg_node *k, *v;
        cfg_map_at(d, root, i, &k, &v);
        const char *ks = cfg_node_scalar(d, k);
        bool known = false;
        for (size_t j = 0; j < N(sections); j++)
            known |= ks && strcmp(ks, sections[j]) == 0;
        if (!known)
            return cfg_errorf(SNAC_EINVAL, d, k, "unknown section '%s' (expected model, precision, layers, hls, provenance)",
                              ks ? ks : "?");
    }
    const cfg_node *mnode = cfg_map_get(d, root, "model");
    if (!mnode)
        return cfg_errorf(SNAC_EINVAL, d, root, "missing section 'model' (with widths: [n_in, ..., n_out])");
    model_sec m = {.activation = "relu", .output_activation = "linear"};
    int rc = cfg_read_map(d, mnode, "model", model_fields, N(model_fields), &m);
    if (rc)
        return rc;
    if (m.n_widths < 2)
        return cfg_errorf(SNAC_EINVAL, d, mnode, "model.widths needs at least an input and an output width");
    int hidden, outact;
    if ((rc = parse_enum(d, mnode, "activation", m.activation, surr_act_names, SURR_ACT_COUNT, "activation",
                         &hidden)) ||
        (rc = parse_enum(d, mnode, "output_activation", m.output_activation, surr_act_names, SURR_ACT_COUNT,
                         "activation", &outact)))
        return rc;
    surr_spec s;
    if ((rc = surr_spec_init_mlp(&s, m.widths, m.n_widths, (enum surr_act)hidden, m.batch_norm)))
        return cfg_errorf(rc, d, mnode, "%s", snac_err_msg());
    s.layer[s.n_layers - 1].act = (enum surr_act)outact;
    if (m.weights[0]) { /* relative to the spec file's folder */
        const char *name = cfg_doc_name(d), *slash = strrchr(name, '/');
        int n = m.weights[0] == '/' || !slash
                    ? snprintf(s.weights, sizeof s.weights, "%s", m.weights)
                    : snprintf(s.weights, sizeof s.weights, "%.*s/%s", (int)(slash - name), name, m.weights);
        if (n < 0 || (size_t)n >= sizeof s.weights)
            return cfg_errorf(SNAC_EINVAL, d, cfg_map_get(d, mnode, "weights"), "weights: path too long");
    }

    if (m.weights_sha256[0]) {
        if (strlen(m.weights_sha256) != 64)
            return cfg_errorf(SNAC_EINVAL, d, cfg_map_get(d, mnode, "weights_sha256"),
                              "weights_sha256: expected 64 hex digits");
        memcpy(s.weights_sha256, m.weights_sha256, 65);
    }

    const cfg_node *pnode = cfg_map_get(d, root, "precision");
    if (pnode) {
        prec_sec p = {.sparsity = 0};
        if ((rc = cfg_read_map(d, pnode, "precision", prec_fields, N(prec_fields), &p)))
            return rc;
        if (p.sparsity >= 1.0)
            return cfg_errorf(SNAC_EINVAL, d, cfg_map_get(d, pnode, "sparsity"), "sparsity %g outside [0, 1)",
                              p.sparsity);
        quant_prec t;
        for (size_t l = 0; l < s.n_layers; l++) {
            surr_layer *L = &s.layer[l];
            t = L->weight;
            if ((rc = parse_type(d, pnode, "weight", p.weight, &t, false)))
                return rc;
            L->weight = t;
            t = L->bias;
            if ((rc = parse_type(d, pnode, "bias", p.bias, &t, false)))
                return rc;
            L->bias = t;
            t = L->input;
            if ((rc = parse_type(d, pnode, "input", p.input, &t, false)))
                return rc;
            L->input = t;
            t = L->output;
            if ((rc = parse_type(d, pnode, "output", p.output, &t, false)))
                return rc;
            L->output = t;
            t = L->accum;
            if ((rc = parse_type(d, pnode, "accum", p.accum, &t, true)))
                return rc;
            L->accum = t;
            L->sparsity = p.sparsity;
        }
    }
    const cfg_node *hnode = cfg_map_get(d, root, "hls");
    if (hnode) {
        hls_sec h = {.reuse_factor = 1, .clock_period = 5.0, .table_size = 1024};
        if ((rc = cfg_read_map(d, hnode, "hls", hls_fields, N(hls_fields), &h)))
            return rc;
        int k;
        s.reuse_factor = h.reuse_factor;
        k = (int)s.strategy;
        if ((rc = parse_enum(d, hnode, "strategy", h.strategy, surr_strategy_names, SURR_STRATEGY_COUNT, "strategy",
                             &k)))
            return rc;
        s.strategy = (enum surr_strategy)k;
        k = (int)s.io_type;
        if ((rc = parse_enum(d, hnode, "io_type", h.io_type, surr_io_names, SURR_IO_COUNT, "io_type", &k)))
            return rc;
        s.io_type = (enum surr_io)k;
        if (h.toolchain[0] && (rc = surr_toolchain_resolve(h.toolchain, &s.toolchain, NULL, 0)))
            return at_key(rc, d, hnode, "toolchain");
        if (h.part[0]) /* an unknown part is not an error: absolute predictions only (surr_part_lookup) */
            snprintf(s.part, sizeof s.part, "%s", h.part);
        s.clock_ns = h.clock_period;
        s.table_size = h.table_size;
        s.rf_unchecked = h.rf_unchecked;
        k = (int)s.multipliers;
        if ((rc = parse_enum(d, hnode, "multipliers", h.multipliers, surr_mult_names, SURR_MULT_COUNT,
                             "multiplier mapping (dsp or fabric)", &k)))
            return rc;
        s.multipliers = (enum surr_mult)k;
    }
    const cfg_node *lnode = cfg_map_get(d, root, "layers");
    if (lnode) {
        if (cfg_node_kind(d, lnode) != CFG_KIND_SEQUENCE)
            return cfg_errorf(SNAC_EINVAL, d, lnode, "layers: expected a list of per-layer overrides");
        for (size_t i = 0; i < cfg_seq_len(d, lnode); i++) {
            const cfg_node *e = cfg_seq_at(d, lnode, i);
            layer_sec ls = {.index = (size_t)-1, .sparsity = -1};
            if ((rc = cfg_read_map(d, e, "layers[]", layer_fields, N(layer_fields), &ls)))
                return rc;
            if (ls.index == (size_t)-1 || ls.index >= s.n_layers)
                return cfg_errorf(SNAC_EINVAL, d, e, "layers[%zu]: index missing or not below %zu (the dense layers)",
                                  i, s.n_layers);
            surr_layer *L = &s.layer[ls.index];
            if ((rc = parse_type(d, e, "weight", ls.weight, &L->weight, false)) ||
                (rc = parse_type(d, e, "bias", ls.bias, &L->bias, false)) ||
                (rc = parse_type(d, e, "input", ls.input, &L->input, false)) ||
                (rc = parse_type(d, e, "output", ls.output, &L->output, false)) ||
                (rc = parse_type(d, e, "accum", ls.accum, &L->accum, true)))
                return rc;
            if (ls.sparsity >= 1.0)
                return cfg_errorf(SNAC_EINVAL, d, cfg_map_get(d, e, "sparsity"), "sparsity %g outside [0, 1)",
                                  ls.sparsity);
            if (ls.sparsity >= 0)
                L->sparsity = ls.sparsity;
            L->reuse_factor = ls.reuse_factor;
            if (ls.activation[0]) {
                int a;
                if ((rc = parse_enum(d, e, "activation", ls.activation, surr_act_names, SURR_ACT_COUNT, "activation",
                                     &a)))
                    return rc;
                L->act = (enum surr_act)a;
            }
            L->batch_norm = L->batch_norm || ls.batch_norm;
            L->normalize = L->normalize || ls.normalize;
            if (ls.n_weight_stats) { /* [nonzero, pow2, csd digits, adder terms(, dsp products)]: surr_wstats */
                const double *w = ls.weight_stats;
                double n = (double)L->n_in * (double)L->n_out;
                if (ls.n_weight_stats < 4 || w[0] > n || w[1] > w[0] || w[3] > w[0] + (double)L->n_out ||
                    (ls.n_weight_stats == 5 && w[4] > w[0] - w[1]))
                    return cfg_errorf(SNAC_EINVAL, d, cfg_map_get(d, e, "weight_stats"),
                                      "weight_stats: expected [nonzero, pow2, csd_digits, adder_terms, dsp_products] "
                                      "(the last optional) of layer %zu's %zu x %zu weights", ls.index, L->n_in,
                                      L->n_out);
                L->wstats = (surr_wstats){true, w[0], w[1], w[2], w[3], ls.n_weight_stats == 5 ? w[4] : -1.0};
            }
        }
    }
    if ((rc = surr_spec_validate(&s)))
        return snac_err_prefix(rc, "%s: ", cfg_doc_name(d));
    *out = s;
    return SNAC_OK;
}

int surr_spec_parse_yaml(const char *text, size_t len, const char *name, surr_spec *out)
{
    cfg_doc *d;
    int rc = cfg_doc_parse(text, len, name, &d);
    if (rc)
        return rc;
    rc = read_doc(d, out);
    cfg_doc_free(d);
    return rc;
}

int surr_spec_load_yaml(const char *path, surr_spec *out)
{
    cfg_doc *d;
    int rc = cfg_doc_load(path, &d);
    if (rc)
        return rc;
    rc = read_doc(d, out);
    cfg_doc_free(d);
    return rc;
}

/* ---------------------------------------------------------------- real weights */

/* Append the numbers of text file `path` to vals[*n..cap). */
static int read_values(const char *path, float *vals, size_t cap, size_t *n)
{
    char *buf;
    size_t len;
    int rc = snac_read_file(path, &buf, &len);
    if (rc)
        return rc;
    size_t i = 0, line = 1;
    while (i < len && !rc) {
        while (i < len && (buf[i] == ',' || isspace((unsigned char)buf[i])))
            line += buf[i++] == '\n';
        if (i >= len)
            break;
        char *end;
        errno = 0;
        double v = strtod(buf + i, &end);
        if (end == buf + i || errno || (end < buf + len && *end != ',' && !isspace((unsigned char)*end)))
            rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: weight value '%.20s' is not a number", path, line, buf + i);
        else if (*n >= cap)
            rc = snac_err_set(SNAC_EFORMAT, "%s: more weight values than the spec's layers hold (%zu)", path, cap);
        else
            vals[(*n)++] = (float)v;
        i = end > buf + i ? (size_t)(end - buf) : len;
    }
    free(buf);
    return rc;
}

static int cmp_wfile(const void *a, const void *b)
{
    long x = strtol(*(char *const *)a + 1, NULL, 10), y = strtol(*(char *const *)b + 1, NULL, 10);
    return (x > y) - (x < y);
}

int surr_spec_weights_load(surr_spec *s, float **block)
{
    *block = NULL;
    if (!s->weights[0])
        return SNAC_OK;
    size_t total = 0, off[SURR_MAX_LAYERS + 1];
    for (size_t l = 0; l < s->n_layers; l++) {
        off[l] = total;
        total += s->layer[l].n_in * s->layer[l].n_out;
    }
    float *raw = malloc(total * sizeof *raw), *w = malloc(total * sizeof *w);
    if (!raw || !w) {
        free(raw);
        free(w);
        return snac_err_set(SNAC_ENOMEM, "weights: out of memory (%zu values)", total);
    }
    struct stat st;
    int rc = SNAC_OK;
    size_t n = 0;
    if (stat(s->weights, &st) != 0) {
        rc = snac_err_set(SNAC_EIO, "%s: no such weights file or folder", s->weights);
    } else if (S_ISDIR(st.st_mode)) {
        /* hls4ml's weights/: w<k>.txt, one per dense layer, in k order */
        DIR *dp = opendir(s->weights);
        char *names[SURR_MAX_LAYERS + 1];
        size_t nn = 0;
        struct dirent *e;
        while (dp && (e = readdir(dp)) && !rc) {
            size_t l = strlen(e->d_name);
            if (e->d_name[0] != 'w' || l < 6 || strcmp(e->d_name + l - 4, ".txt") != 0 ||
                !isdigit((unsigned char)e->d_name[1]))
                continue;
            if (nn == s->n_layers)
                rc = snac_err_set(SNAC_EFORMAT, "%s: more w<k>.txt files than the spec's %zu dense layers",
                                  s->weights, s->n_layers);
            else if (!(names[nn++] = strdup(e->d_name)))
                rc = snac_err_set(SNAC_ENOMEM, "weights: out of memory");
        }
        if (dp)
            closedir(dp);
        if (!rc && nn != s->n_layers)
            rc = snac_err_set(SNAC_EFORMAT, "%s: %zu w<k>.txt files for %zu dense layers", s->weights, nn,
                              s->n_layers);
        if (!rc)
            qsort(names, nn, sizeof *names, cmp_wfile);
        for (size_t l = 0; l < nn && !rc; l++) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", s->weights, names[l]);
            size_t before = n;
            rc = read_values(path, raw, off[l] + s->layer[l].n_in * s->layer[l].n_out, &n);
            if (!rc && n - before != s->layer[l].n_in * s->layer[l].n_out)
                rc = snac_err_set(SNAC_EFORMAT, "%s: %zu values, dense layer %zu has %zu x %zu = %zu weights", path,
                                  n - before, l, s->layer[l].n_in, s->layer[l].n_out,
                                  s->layer[l].n_in * s->layer[l].n_out);
        }
        for (size_t l = 0; l < nn; l++)
            free(names[l]);
    } else {
        rc = read_values(s->weights, raw, total, &n);
        if (!rc && n != total)
            rc = snac_err_set(SNAC_EFORMAT, "%s: %zu weight values, the spec's dense layers have %zu", s->weights, n,
                              total);
    }
    if (rc) {
        free(raw);
        free(w);
        return rc;
    }
    for (size_t l = 0; l < s->n_layers; l++) {
        size_t ni = s->layer[l].n_in, no = s->layer[l].n_out;
        if (s->strategy == SURR_STRATEGY_RESOURCE) /* hls4ml writes Resource layers transposed already */
            memcpy(w + off[l], raw + off[l], ni * no * sizeof *w);
        else /* (n_in, n_out) -> (n_out, n_in) */
            for (size_t i = 0; i < ni; i++)
                for (size_t j = 0; j < no; j++)
                    w[off[l] + j * ni + i] = raw[off[l] + i * no + j];
        s->layer[l].w = w + off[l];
    }
    free(raw);
    *block = w;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- overrides */

int surr_spec_apply_overrides(surr_spec *s, const surr_spec_overrides *o)
{
    int rc, k;
    if (o->bits < 0 || o->bits > QUANT_MAX_ARITH)
        return snac_err_set(SNAC_EINVAL, "--bits %d: must be 1..%d", o->bits, QUANT_MAX_ARITH);
    for (size_t l = 0; l < s->n_layers; l++) {
        surr_layer *L = &s->layer[l];
        if (o->bits > 0) {
            quant_prec *types[4] = {&L->weight, &L->bias, &L->input, &L->output};
            for (int t = 0; t < 4; t++) {
                types[t]->width = o->bits;
                if (types[t]->integer > o->bits)
                    types[t]->integer = o->bits;
            }
        }
        if (o->reuse_factor)
            L->reuse_factor = 0;
        if (o->sparsity >= 0 && !L->w)
            L->sparsity = o->sparsity;
    }
    if (o->reuse_factor)
        s->reuse_factor = o->reuse_factor;
    if (o->part) {
        if (!o->part[0] || strlen(o->part) >= sizeof s->part)
            return snac_err_set(SNAC_EINVAL, "--part '%s': expected a part name of 1..%zu characters", o->part,
                                sizeof s->part - 1);
        snprintf(s->part, sizeof s->part, "%s", o->part);
    }
    if (o->clock_ns != 0)
        s->clock_ns = o->clock_ns;
    if (o->toolchain) {
        if ((rc = surr_toolchain_resolve(o->toolchain, &s->toolchain, NULL, 0)))
            return rc;
    }
    if (o->strategy) {
        if ((rc = surr_enum_parse(surr_strategy_names, SURR_STRATEGY_COUNT, "strategy", o->strategy, &k)))
            return rc;
        s->strategy = (enum surr_strategy)k;
    }
    return surr_spec_validate(s);
}

/* ------------------------------------------------------------ canonical text */

size_t surr_spec_canonical(const surr_spec *s, char *buf, size_t cap)
{
    size_t u = 0;
#define OUT(...)                                                                   \
    do {                                                                           \
        int n_ = snprintf(u < cap ? buf + u : NULL, u < cap ? cap - u : 0, __VA_ARGS__); \
        if (n_ > 0)                                                                \
            u += (size_t)n_;                                                       \
    } while (0)
    OUT("snac-spec 1\nrf %zu\nstrategy %s\nio %s\npart %s\nclock %.17g\ntoolchain %s\ntable %zu\nrf_unchecked %d\n",
        s->reuse_factor, surr_strategy_names[s->strategy], surr_io_names[s->io_type], s->part, s->clock_ns,
        surr_toolchain_names[s->toolchain], s->table_size, (int)s->rf_unchecked);
    if (s->multipliers != SURR_MULT_AUTO) /* only when set, so existing spec hashes do not change */
        OUT("multipliers %s\n", surr_mult_names[s->multipliers]);
    if (s->weights_sha256[0])
        OUT("weights_sha256 %s\n", s->weights_sha256);
    for (size_t l = 0; l < s->n_layers; l++) {
        const surr_layer *L = &s->layer[l];
        char tw[64], tb[64], ti[64], to[64], ta[64], wh[65] = "-", bh[65] = "-";
        quant_prec_format(&L->weight, tw, sizeof tw);
        quant_prec_format(&L->bias, tb, sizeof tb);
        quant_prec_format(&L->input, ti, sizeof ti);
        quant_prec_format(&L->output, to, sizeof to);
        if (L->accum.width)
            quant_prec_format(&L->accum, ta, sizeof ta);
        else
            snprintf(ta, sizeof ta, "auto");
        if (L->w)
            sha256_hex(L->w, L->n_in * L->n_out * sizeof *L->w, wh);
        if (L->b)
            sha256_hex(L->b, L->n_out * sizeof *L->b, bh);
        OUT("layer %zu %zu %zu %s bn=%d w=%s b=%s in=%s out=%s acc=%s sparsity=%.17g rf=%zu wsha=%s bsha=%s", l,
            L->n_in, L->n_out, surr_act_names[L->act], (int)L->batch_norm, tw, tb, ti, to, ta,
            L->w ? 0.0 : L->sparsity, L->reuse_factor, wh, bh);
        if (!L->w && L->wstats.known) /* only when carried, so existing spec hashes do not change */
            OUT(" wstats=%.17g,%.17g,%.17g,%.17g", L->wstats.nonzero, L->wstats.pow2, L->wstats.csd,
                L->wstats.acc_terms);
        if (!L->w && L->wstats.known && L->wstats.dsp_products >= 0)
            OUT(",%.17g", L->wstats.dsp_products);
        if (L->normalize)
            OUT(" normalize=1");
        OUT("\n");
    }
#undef OUT
    return u;
}

int surr_spec_sha256(const surr_spec *s, char hex[65])
{
    size_t need = surr_spec_canonical(s, NULL, 0);
    char *buf = malloc(need + 1);
    if (!buf)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    surr_spec_canonical(s, buf, need + 1);
    sha256_hex(buf, need, hex);
    free(buf);
    return SNAC_OK;
}
