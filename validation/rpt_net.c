/* rpt_net — nnet:: calls -> dense layers -> spec JSON; see rpt_net.h.
 *
 * Memory: the spec JSON is written with open_memstream and handed to the caller.
 */
#define _XOPEN_SOURCE 700 /* realpath, open_memstream */
#include "validation/rpt_net.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "quant/qfixed.h"
#include "surrogate/surr_features.h"
#include "surrogate/surr_specio.h"
#include "util/sha256.h"
#include "util/err.h"
#include "util/fileio.h"

/* ---- small helpers ------------------------------------------------------------- */

static void note(rpt_net *net, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(rpt_net *net, const char *fmt, ...)
{
    size_t u = strlen(net->notes);
    if (u + 4 >= sizeof net->notes)
        return;
    if (u)
        u += (size_t)snprintf(net->notes + u, sizeof net->notes - u, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(net->notes + u, sizeof net->notes - u, fmt, ap);
    va_end(ap);
}

/* A plain unsigned decimal ("16", "16u"); false for symbols and expressions. */
static bool plain_size(const char *s, size_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
        end++;
    if (errno || *end || v > 1000000000ULL)
        return false;
    *out = (size_t)v;
    return true;
}

/* "nnet::latency" -> "latency"; lower case. */
static void strip_ns(const char *in, char *out, size_t cap)
{
    const char *c = strrchr(in, ':');
    rpt_strlcpy(out, c ? c + 1 : in, cap);
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
}

/* io_stream element types "nnet::array<ap_fixed<16,6>,4*1>" -> "ap_fixed<16,6>". */
static void element_type(const char *in, char *out, size_t cap)
{
    const char *a = strstr(in, "array<");
    if (!a) {
        rpt_strlcpy(out, in, cap);
        return;
    }
    a += 6;
    int depth = 0;
    const char *e = a;
    for (; *e && !(depth == 0 && (*e == ',' || *e == '>')); e++)
        depth += *e == '<' ? 1 : *e == '>' ? -1 : 0;
    size_t n = 0;
    for (; a < e && n + 1 < cap; a++)
        if (!isspace((unsigned char)*a))
            out[n++] = *a;
    out[n] = '\0';
}

enum op_class { OP_DENSE, OP_ACT, OP_BN, OP_IGNORE, OP_OTHER };

static void add_config(rpt_net_layer *L, const char *config)
{
    if (config[0] && L->n_configs < sizeof L->configs / sizeof L->configs[0])
        rpt_strlcpy(L->configs[L->n_configs++], config, sizeof L->configs[0]);
}

static enum op_class classify(const char *op, const char **act)
{
    static const char *const dense[] = {"dense", "dense_latency", "dense_resource", "dense_large", "dense_wrapper",
                                        "compute_layer"};
    static const char *const acts[] = {"relu", "tanh", "sigmoid", "softmax", "linear"};
    for (size_t i = 0; i < sizeof dense / sizeof dense[0]; i++)
        if (strcmp(op, dense[i]) == 0)
            return OP_DENSE;
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        if (strcmp(op, acts[i]) == 0) {
            *act = acts[i];
            return OP_ACT;
        }
    if (strcmp(op, "normalize") == 0)
        return OP_BN;
    if (strstr(op, "quantize") || strcmp(op, "repack_stream") == 0 || strcmp(op, "reverse") == 0)
        return OP_IGNORE;
    return OP_OTHER;
}

/* ---- weights files ------------------------------------------------------------- */

int rpt_net_count_zeros(const char *path, size_t *n_values, size_t *n_zeros)
{
    char *buf;
    size_t len;
    int rc = snac_read_file(path, &buf, &len);
    if (rc)
        return rc;
    size_t n = 0, z = 0, i = 0, line = 1;
    while (i < len) {
        while (i < len && (buf[i] == ',' || isspace((unsigned char)buf[i])))
            line += buf[i++] == '\n';
        if (i >= len)
            break;
        size_t j = i;
        while (j < len && buf[j] != ',' && !isspace((unsigned char)buf[j]))
            j++;
        double v;
        if (!rpt_number(buf + i, j - i, &v)) {
            rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: weight value '%.*s' is not a number", path, line,
                              (int)(j - i < 40 ? j - i : 40), buf + i);
            break;
        }
        n++;
        z += v == 0.0;
        i = j;
    }
    free(buf);
    if (!rc && n == 0)
        rc = snac_err_set(SNAC_EFORMAT, "%s: no weight values", path);
    if (!rc) {
        *n_values = n;
        *n_zeros = z;
    }
    return rc;
}

/* ---- build ------------------------------------------------------------------------ */

typedef struct sym_layer {
    const rpt_op *dense;
    size_t n_in, n_out, prod;   /* 0 = unknown */
} sym_layer;

/* The element count of an io_stream type "nnet::array<ap_fixed<16,6>, 64*1>" (64): a dense layer's
 * stream word holds its whole input or output vector, so it sizes the layer where the firmware's
 * sizes are symbols (N_INPUT_1_1) that network.json leaves unresolved. false for anything else. */
static bool array_size(const char *t, size_t *out)
{
    const char *a = strstr(t, "array<");
    if (!a)
        return false;
    a += 6;
    int depth = 0;
    for (; *a && !(depth == 0 && *a == ','); a++)
        depth += *a == '<' ? 1 : *a == '>' ? -1 : 0;
    if (*a != ',')
        return false;
    size_t v = 1;
    for (a++;;) {
        while (isspace((unsigned char)*a))
            a++;
        if (!isdigit((unsigned char)*a))
            return false;
        char *end;
        unsigned long long f = strtoull(a, &end, 10);
        if (f == 0 || f > 1000000ULL || v > 1000000000ULL / f)
            return false;
        v *= (size_t)f;
        for (a = end; *a == 'u' || *a == 'U' || isspace((unsigned char)*a); a++)
            ;
        if (*a == '*') {
            a++;
            continue;
        }
        if (*a != '>')
            return false;
        *out = v;
        return true;
    }
}

static void resolve_sizes(sym_layer *L, size_t n, const rpt_net_hint *hint, rpt_net *net)
{
    for (size_t l = 0; l < n; l++) {
        plain_size(L[l].dense->n_in, &L[l].n_in);
        plain_size(L[l].dense->n_out, &L[l].n_out);
        /* io_stream: the stream word's element count (a whole vector for a dense layer) */
        if (!L[l].n_in)
            array_size(L[l].dense->input_t, &L[l].n_in);
        if (!L[l].n_out)
            array_size(L[l].dense->output_t, &L[l].n_out);
        size_t z, nz;
        if (plain_size(L[l].dense->n_zeros, &z) && plain_size(L[l].dense->n_nonzeros, &nz) && z + nz > 0)
            L[l].prod = z + nz;
    }
    bool used_hint = false;
    for (int pass = 0; pass < 2 * (int)n + 2; pass++) {
        bool progress = false;
        for (size_t l = 0; l < n; l++) {
            /* chain: n_in(l) = n_out(l-1), by value or by the same symbol */
            if (l > 0 && !L[l].n_in && L[l - 1].n_out)
                L[l].n_in = L[l - 1].n_out, progress = true;
            if (l + 1 < n && !L[l].n_out && L[l + 1].n_in)
                L[l].n_out = L[l + 1].n_in, progress = true;
            if (L[l].prod && L[l].n_in && !L[l].n_out && L[l].prod % L[l].n_in == 0)
                L[l].n_out = L[l].prod / L[l].n_in, progress = true;
            if (L[l].prod && L[l].n_out && !L[l].n_in && L[l].prod % L[l].n_out == 0)
                L[l].n_in = L[l].prod / L[l].n_out, progress = true;
        }
        if (!progress && !used_hint && n > 0 && !L[n - 1].n_out && hint && hint->n_outputs) {
            L[n - 1].n_out = hint->n_outputs;
            used_hint = true;
            note(net, "last layer's n_out (%s) = %zu outputs of the top function in the report",
                 L[n - 1].dense->n_out, hint->n_outputs);
            continue;
        }
        const char *lt = n > 0 ? strchr(L[0].dense->input_t, '<') : NULL;
        long w = lt ? strtol(lt + 1, NULL, 10) : 0;
        if (!progress && !used_hint && n > 0 && !L[0].n_in && hint && hint->in_bits && w > 0 &&
            hint->in_bits % (size_t)w == 0) {
            L[0].n_in = hint->in_bits / (size_t)w;
            used_hint = true;
            note(net, "first layer's n_in (%s) = input port width %zu / %ld bits of %s in the report",
                 L[0].dense->n_in, hint->in_bits, w, L[0].dense->input_t);
            continue;
        }
        if (!progress)
            break;
    }
    for (size_t l = 0; l < n; l++)
        if ((!isdigit((unsigned char)L[l].dense->n_in[0]) && L[l].n_in) ||
            (!isdigit((unsigned char)L[l].dense->n_out[0]) && L[l].n_out))
            note(net, "layer %zu: %s x %s resolved to %zu x %zu", l, L[l].dense->n_in, L[l].dense->n_out, L[l].n_in,
                 L[l].n_out);
}

int rpt_net_build(const rpt_op *ops, size_t n, const char *weights_dir, const rpt_net_hint *hint, rpt_net *net)
{
    memset(net, 0, sizeof *net);
    net->mlp = true;
    sym_layer sl[SURR_MAX_LAYERS];
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        const char *act = NULL;
        enum op_class c = classify(ops[i].op, &act);
        if (c == OP_OTHER) {
            net->mlp = false;
            snprintf(net->why, sizeof net->why, "not an MLP: the firmware calls nnet::%s (only dense layers and "
                     "activations are modelled)", ops[i].op);
            return SNAC_OK;
        }
        if (c == OP_IGNORE)
            continue;
        if (c == OP_DENSE) {
            if (nl == SURR_MAX_LAYERS) {
                net->mlp = false;
                snprintf(net->why, sizeof net->why, "more than %d dense layers", SURR_MAX_LAYERS);
                return SNAC_OK;
            }
            rpt_net_layer *L = &net->layer[nl];
            sl[nl] = (sym_layer){&ops[i], 0, 0, 0};
            rpt_strlcpy(L->weight_t, ops[i].weight_t, sizeof L->weight_t);
            rpt_strlcpy(L->bias_t, ops[i].bias_t, sizeof L->bias_t);
            rpt_strlcpy(L->accum_t, ops[i].accum_t, sizeof L->accum_t);
            element_type(ops[i].input_t, L->input_t, sizeof L->input_t);
            element_type(ops[i].output_t, L->result_t, sizeof L->result_t);
            element_type(ops[i].output_t, L->output_t, sizeof L->output_t);
            rpt_strlcpy(L->act, "linear", sizeof L->act);
            rpt_strlcpy(L->weights, ops[i].weights, sizeof L->weights);
            add_config(L, ops[i].config);
            strip_ns(ops[i].strategy, L->strategy, sizeof L->strategy);
            /* hls4ml before the `strategy` field (0.1-0.2) named the Resource kernel in the call */
            if (!L->strategy[0] && (strcmp(ops[i].op, "dense_large") == 0 || strcmp(ops[i].op, "dense_resource") == 0))
                rpt_strlcpy(L->strategy, "resource", sizeof L->strategy);
            plain_size(ops[i].reuse_factor, &L->reuse_factor);
            size_t z;
            L->n_zeros = plain_size(ops[i].n_zeros, &z) ? (long)z : -1;
            if (!net->io_type[0] && ops[i].io_type[0])
                strip_ns(ops[i].io_type, net->io_type, sizeof net->io_type);
            nl++;
            continue;
        }
        if (nl == 0) {
            if (c == OP_BN)
                note(net, "batch norm before the first dense layer ignored");
            continue; /* an activation on the input: nothing to model */
        }
        rpt_net_layer *L = &net->layer[nl - 1];
        add_config(L, ops[i].config);
        if (c == OP_BN) {
            L->batch_norm = true;
        } else {
            rpt_strlcpy(L->act, act, sizeof L->act);
            if (ops[i].output_t[0])
                element_type(ops[i].output_t, L->output_t, sizeof L->output_t);
            size_t ts;
            if ((strcmp(act, "tanh") == 0 || strcmp(act, "sigmoid") == 0) && plain_size(ops[i].table_size, &ts))
                net->table_size = ts;
        }
        if (!net->io_type[0] && ops[i].io_type[0])
            strip_ns(ops[i].io_type, net->io_type, sizeof net->io_type);
    }
    if (nl == 0) {
        net->mlp = false;
        snprintf(net->why, sizeof net->why, "no dense layer in the firmware");
        return SNAC_OK;
    }
    net->n_layers = nl;
    resolve_sizes(sl, nl, hint, net);
    size_t n_exact = 0;
    for (size_t l = 0; l < nl; l++) {
        rpt_net_layer *L = &net->layer[l];
        L->n_in = sl[l].n_in;
        L->n_out = sl[l].n_out;
        if (!L->n_in || !L->n_out) {
            net->mlp = false;
            snprintf(net->why, sizeof net->why, "layer %zu: size %s x %s cannot be resolved to numbers", l,
                     sl[l].dense->n_in, sl[l].dense->n_out);
            return SNAC_OK;
        }
        if (l > 0 && net->layer[l - 1].n_out != L->n_in) {
            net->mlp = false;
            snprintf(net->why, sizeof net->why, "layer %zu: n_in %zu != layer %zu's n_out %zu (not a chain)", l,
                     L->n_in, l - 1, net->layer[l - 1].n_out);
            return SNAC_OK;
        }
        if (!weights_dir || !L->weights[0])
            continue;
        char path[RPT_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s.txt", weights_dir, L->weights);
        struct stat sb;
        if (stat(path, &sb) != 0)
            continue; /* no weights file: sparsity unknown */
        if (!S_ISREG(sb.st_mode)) /* a FIFO would block the read: refused by name */
            return snac_check_regular(path, "firmware weights");
        size_t nv, nz;
        int rc = rpt_net_count_zeros(path, &nv, &nz);
        if (rc)
            return rc;
        if (nv != L->n_in * L->n_out)
            return snac_err_set(SNAC_EFORMAT, "%s: %zu values, layer %zu has %zu x %zu = %zu weights", path, nv, l,
                                L->n_in, L->n_out, L->n_in * L->n_out);
        if (L->n_zeros >= 0 && (size_t)L->n_zeros != nz)
            note(net, "layer %zu: %zu zero weights in %s.txt, the config struct says n_zeros = %ld", l, nz,
                 L->weights, L->n_zeros);
        L->n_zeros = (long)nz;
        L->zeros_exact = true;
        n_exact++;
    }
    if (weights_dir && n_exact == nl) { /* the real weights of every layer: the spec can name them */
        char *abs = realpath(weights_dir, NULL);
        if (abs && strlen(abs) < sizeof net->weights_dir)
            rpt_strlcpy(net->weights_dir, abs, sizeof net->weights_dir);
        free(abs);
    }
    return SNAC_OK;
}

/* ---- config disagreement ------------------------------------------------------------ */

/* One type in two spellings ("fixed<16,6>" in hls4ml_config.yml, "ap_fixed<16,6>" in the
 * firmware; modes with or without AP_) is the same type: compare the parsed types, the text
 * only when one does not parse. */
static bool same_type(const char *a, const char *b)
{
    quant_prec pa, pb;
    if (quant_prec_parse(a, &pa) == SNAC_OK && quant_prec_parse(b, &pb) == SNAC_OK)
        return quant_prec_equal(&pa, &pb);
    snac_err_clear();
    return strcmp(a, b) == 0;
}

void rpt_net_disagreements(const rpt_net *net, const rpt_hls4ml_config *cfg, char *buf, size_t cap)
{
    size_t u = 0;
    buf[0] = '\0';
#define ADD(...)                                                                           \
    do {                                                                                   \
        if (u < cap) {                                                                     \
            int n_ = snprintf(buf + u, cap - u, "%s", u ? "; " : "");                      \
            u += n_ > 0 ? (size_t)n_ : 0;                                                  \
        }                                                                                  \
        if (u < cap) {                                                                     \
            int n_ = snprintf(buf + u, cap - u, __VA_ARGS__);                              \
            u += n_ > 0 ? (size_t)n_ : 0;                                                  \
        }                                                                                  \
    } while (0)
    if (!cfg || !net->n_layers)
        return;
    if (cfg->reuse_factor > 0)
        for (size_t l = 0; l < net->n_layers; l++)
            if (net->layer[l].reuse_factor && net->layer[l].reuse_factor != (size_t)cfg->reuse_factor) {
                ADD("reuse factor: hls4ml_config.yml says %ld, %s layer %zu has %zu", cfg->reuse_factor, net->source,
                    l, net->layer[l].reuse_factor);
                break;
            }
    if (cfg->strategy[0])
        for (size_t l = 0; l < net->n_layers; l++)
            if (net->layer[l].strategy[0] && strcasecmp(net->layer[l].strategy, cfg->strategy) != 0) {
                ADD("strategy: hls4ml_config.yml says %s, %s layer %zu has %s", cfg->strategy, net->source, l,
                    net->layer[l].strategy);
                break;
            }
    if (cfg->io_type[0] && net->io_type[0] && strcasecmp(cfg->io_type, net->io_type) != 0)
        ADD("io_type: hls4ml_config.yml says %s, %s has %s", cfg->io_type, net->source, net->io_type);
    if (cfg->precision[0] && net->layer[0].weight_t[0] && !same_type(cfg->precision, net->layer[0].weight_t)) {
        bool any_same = false;
        for (size_t l = 0; l < net->n_layers; l++)
            any_same |= same_type(cfg->precision, net->layer[l].weight_t);
        if (!any_same)
            ADD("precision: hls4ml_config.yml says %s, %s layer 0 weights are %s", cfg->precision, net->source,
                net->layer[0].weight_t);
    }
#undef ADD
}

/* ---- spec JSON ---------------------------------------------------------------------- */

static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* The spec JSON; with ws (per layer) and sha: the weights' counts and hash in place of the folder. */
static int spec_json_write(const rpt_net *net, const char *part, double clock_ns, const char *disagreements,
                           const surr_wstats *ws, const char *sha, char **json)
{
    *json = NULL;
    if (!net->mlp || !net->n_layers)
        return snac_err_set(SNAC_EINVAL, "no spec: %s", net->why[0] ? net->why : "no layers");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return snac_err_set(SNAC_ENOMEM, "spec: out of memory");
    const rpt_net_layer *L0 = &net->layer[0];
    fprintf(f, "{\"model\":{\"widths\":[%zu", L0->n_in);
    for (size_t l = 0; l < net->n_layers; l++)
        fprintf(f, ",%zu", net->layer[l].n_out);
    /* hidden activation: the first hidden layer's (the spec refines per layer below) */
    fprintf(f, "],\"activation\":");
    jstr(f, net->n_layers > 1 ? net->layer[0].act : "relu");
    fprintf(f, ",\"output_activation\":");
    jstr(f, net->layer[net->n_layers - 1].act);
    if (ws) {
        fprintf(f, ",\"weights_sha256\":");
        jstr(f, sha);
    } else if (net->weights_dir[0]) {
        fprintf(f, ",\"weights\":");
        jstr(f, net->weights_dir);
    }
    fprintf(f, "},\"layers\":[");
    for (size_t l = 0; l < net->n_layers; l++) {
        const rpt_net_layer *L = &net->layer[l];
        fprintf(f, "%s{\"index\":%zu", l ? "," : "", l);
        if (net->n_layers > 1 && l + 1 < net->n_layers) {
            fprintf(f, ",\"activation\":");
            jstr(f, L->act);
        }
        if (L->batch_norm)
            fprintf(f, ",\"batch_norm\":true,\"normalize\":true");
        static const char *const keys[] = {"weight", "bias", "accum", "input", "output"};
        const char *vals[] = {L->weight_t, L->bias_t, L->accum_t, L->input_t, L->output_t};
        for (int k = 0; k < 5; k++)
            if (vals[k][0]) {
                fprintf(f, ",\"%s\":", keys[k]);
                jstr(f, vals[k]);
            }
        if (L->n_zeros >= 0) {
            double sp = (double)L->n_zeros / (double)(L->n_in * L->n_out);
            if (sp >= 1.0)
                sp = 1.0 - 1.0 / (double)(L->n_in * L->n_out + 1);
            fprintf(f, ",\"sparsity\":%.17g", sp);
        }
        if (L->reuse_factor)
            fprintf(f, ",\"reuse_factor\":%zu", L->reuse_factor);
        if (ws)
            fprintf(f, ",\"weight_stats\":[%.17g,%.17g,%.17g,%.17g,%.17g]", ws[l].nonzero, ws[l].pow2, ws[l].csd,
                    ws[l].acc_terms, ws[l].dsp_products);
        fprintf(f, "}");
    }
    fprintf(f, "],\"hls\":{\"reuse_factor\":%zu", L0->reuse_factor ? L0->reuse_factor : 1);
    if (L0->strategy[0]) {
        fprintf(f, ",\"strategy\":");
        jstr(f, L0->strategy);
    }
    if (net->io_type[0]) {
        fprintf(f, ",\"io_type\":");
        jstr(f, net->io_type);
    }
    if (part && part[0]) {
        fprintf(f, ",\"part\":");
        jstr(f, part);
    }
    if (clock_ns > 0)
        fprintf(f, ",\"clock_period\":%.17g", clock_ns);
    if (net->table_size)
        fprintf(f, ",\"table_size\":%zu", net->table_size);
    if (net->multipliers[0]) {
        fprintf(f, ",\"multipliers\":");
        jstr(f, net->multipliers);
    }
    fprintf(f, ",\"rf_unchecked\":true},\"provenance\":{\"source\":");
    jstr(f, net->source);
    if (net->notes[0]) {
        fprintf(f, ",\"notes\":");
        jstr(f, net->notes);
    }
    if (disagreements && disagreements[0]) {
        fprintf(f, ",\"config_disagrees\":");
        jstr(f, disagreements);
    }
    fprintf(f, "}}");
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return snac_err_set(SNAC_ENOMEM, "spec: out of memory");
    }
    *json = buf;
    return SNAC_OK;
}

/* Issue 23: a spec that names a weights folder changes its predictions when the folder
 * moves. The weights are read once, here, and the spec carries what the surrogate takes
 * from them (per layer: surr_wstats) and their SHA-256 instead of the path. When they
 * cannot be read as the spec's layers, the spec has neither (its sparsity still stands). */
int rpt_net_spec_json(const rpt_net *net, const char *part, double clock_ns, const char *disagreements, char **json)
{
    int rc = spec_json_write(net, part, clock_ns, disagreements, NULL, NULL, json);
    if (rc || !net->weights_dir[0])
        return rc;
    surr_spec spec;
    float *block = NULL;
    surr_wstats ws[SURR_MAX_LAYERS];
    char sha[65];
    rc = surr_spec_parse_yaml(*json, strlen(*json), "spec", &spec);
    if (!rc)
        rc = surr_spec_weights_load(&spec, &block);
    for (size_t l = 0; !rc && l < spec.n_layers; l++)
        rc = surr_wstats_count(&spec.layer[l], l, &ws[l]);
    if (!rc) {
        size_t n = 0;
        for (size_t l = 0; l < spec.n_layers; l++)
            n += spec.layer[l].n_in * spec.layer[l].n_out;
        sha256_hex(block, n * sizeof *block, sha); /* float32, (n_out, n_in) per layer, in layer order */
    }
    free(block);
    free(*json);
    *json = NULL;
    if (rc) {
        snac_err_clear();
        rpt_net copy = *net;
        copy.weights_dir[0] = '\0';
        return spec_json_write(&copy, part, clock_ns, disagreements, NULL, NULL, json);
    }
    return spec_json_write(net, part, clock_ns, disagreements, ws, sha, json);
}

/* ---- multiplier mapping from the Tcl scripts --------------------------------------- */

/* `config_op mul -impl X` on one line (comments skipped): X = dsp..., fabric, nodsp. */
static void tcl_line_mult(const char *line, char *out, size_t cap)
{
    while (*line == ' ' || *line == '\t')
        line++;
    if (*line == '#' || strncmp(line, "config_op", 9) != 0)
        return;
    const char *p = line + 9;
    bool mul = false;
    char impl[32] = "";
    while (*p && *p != '\n' && *p != ';' && *p != '#') {
        while (*p == ' ' || *p == '\t')
            p++;
        char tok[48];
        size_t n = 0;
        while (p[n] && !strchr(" \t\n;#", p[n]) && n + 1 < sizeof tok) {
            tok[n] = p[n];
            n++;
        }
        tok[n] = '\0';
        p += n;
        if (!n)
            break;
        if (strcasecmp(tok, "mul") == 0)
            mul = true;
        else if (strcmp(tok, "-impl") == 0) {
            while (*p == ' ' || *p == '\t')
                p++;
            size_t m = 0;
            while (p[m] && !strchr(" \t\n;#", p[m]) && m + 1 < sizeof impl) {
                impl[m] = p[m];
                m++;
            }
            impl[m] = '\0';
            p += m;
        }
    }
    if (!mul || !impl[0])
        return;
    if (strcasecmp(impl, "fabric") == 0 || strcasecmp(impl, "nodsp") == 0)
        rpt_strlcpy(out, "fabric", cap);
    else if (strncasecmp(impl, "dsp", 3) == 0 || strcasecmp(impl, "fulldsp") == 0 ||
             strcasecmp(impl, "maxdsp") == 0 || strcasecmp(impl, "meddsp") == 0)
        rpt_strlcpy(out, "dsp", cap);
    else if (strcasecmp(impl, "auto") == 0 || strcasecmp(impl, "all") == 0)
        out[0] = '\0';
}

void rpt_net_read_tcl_multipliers(const char *dir, char *out, size_t cap)
{
    out[0] = '\0';
    static const char *const names[] = {"build_prj.tcl", "project.tcl"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char path[RPT_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        char *buf;
        size_t len;
        if (snac_read_file(path, &buf, &len) != SNAC_OK) {
            snac_err_clear();
            continue;
        }
        for (char *line = buf; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            tcl_line_mult(line, out, cap); /* the last one set wins, as in Tcl */
            line = nl ? nl + 1 : NULL;
        }
        free(buf);
    }
}
