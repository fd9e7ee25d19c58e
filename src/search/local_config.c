/* local_config — reads the `local` section and derives each layer's precisions; see
 * local_config.h.
 *
 * Memory: the YAML document lives only inside local_config_parse. Workload: once per run.
 */
#include "search/local_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/yaml_doc.h"
#include "util/err.h"
#include "util/fileio.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void local_config_init(local_config *c)
{
    memset(c, 0, sizeof *c);
    c->warmup_epochs = 5;
    c->iterations = 10;
    c->prune_epochs = 10;
    c->prune_rate = 0.2;
    c->scope = PRUNE_SCOPE_LAYER;
    c->n_bits = 1;
    c->bits[0] = 8;
    c->weight_integer = 1;
    c->bias_integer = 3;
    c->activation_integer = 3;
    c->weight_rounding = QUANT_Q_RND_CONV;
    c->activation_rounding = QUANT_Q_RND;
    c->overflow = QUANT_O_SAT;
    c->input = (quant_prec){12, 4, true, QUANT_Q_RND, QUANT_O_SAT};
    c->table_input = (quant_prec){16, 6, true, QUANT_Q_RND, QUANT_O_SAT};
    c->logits = (quant_prec){16, 6, true, QUANT_Q_RND, QUANT_O_SAT};
    c->table_size = QUANT_TABLE_DEFAULT_SIZE;
    c->batch_size = 128;
    c->learning_rate = 0.0;
    c->seed = 1;
}

/* A precision string at key `key` of section n (absent: keep *out). */
static int read_prec(const cfg_doc *d, const cfg_node *n, const char *key, quant_prec *out)
{
    const cfg_node *v = cfg_map_get(d, n, key);
    if (!v)
        return SNAC_OK;
    const char *s = cfg_node_scalar(d, v);
    if (!s)
        return cfg_errorf(SNAC_EINVAL, d, v, "local.%s: expected a precision such as \"ap_fixed<8,3>\"", key);
    int rc = quant_prec_parse(s, out);
    if (rc)
        return cfg_errorf(rc, d, v, "local.%s: %s", key, snac_err_msg());
    if (out->width > QUANT_MAX_CODE_WIDTH)
        return cfg_errorf(SNAC_EINVAL, d, v, "local.%s: W=%d exceeds %d bits", key, out->width, QUANT_MAX_CODE_WIDTH);
    return SNAC_OK;
}

/* A mode name at key (with or without AP_, any case). */
static int read_mode(const cfg_doc *d, const cfg_node *n, const char *key, const char *const *names, int count,
                     int *out)
{
    const cfg_node *v = cfg_map_get(d, n, key);
    if (!v)
        return SNAC_OK;
    const char *s = cfg_node_scalar(d, v);
    for (int k = 0; s && k < count; k++)
        if (strcasecmp(s, names[k]) == 0 || strcasecmp(s, names[k] + 3) == 0) {
            *out = k;
            return SNAC_OK;
        }
    char known[256] = "";
    for (int k = 0; k < count; k++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", k ? ", " : "", names[k]);
    return cfg_errorf(SNAC_EINVAL, d, v, "local.%s: unknown mode '%s' (known: %s)", key, s ? s : "", known);
}

static quant_prec prec(int w, int i, bool s, enum quant_qmode q, enum quant_omode o)
{
    return (quant_prec){w, i, s, q, o};
}

/* The widest bit width whose one-input output layer fits the integer engine (see read_local). */
static int max_bits(const local_config *c)
{
    int best = 0;
    for (int b = 1; b <= QUANT_MAX_CODE_WIDTH; b++) {
        quant_prec a = prec(b, c->activation_integer, false, c->activation_rounding, c->overflow);
        quant_prec w = prec(b, c->weight_integer, true, c->weight_rounding, c->overflow);
        quant_prec bi = prec(b, c->bias_integer, true, c->weight_rounding, c->overflow);
        if (quant_accum_auto(&a, &w, &bi, 1).width <= QUANT_MAX_CODE_WIDTH)
            best = b;
    }
    return best;
}

static int read_local(const cfg_doc *d, const cfg_node *n, local_config *c)
{
    const cfg_field f[] = {
        {.key = "warmup_epochs", .type = CFG_SIZE, .offset = offsetof(local_config, warmup_epochs), .min = 0, .max = 100000},
        {.key = "iterations", .type = CFG_SIZE, .offset = offsetof(local_config, iterations), .min = 0, .max = 1000},
        {.key = "prune_epochs", .type = CFG_SIZE, .offset = offsetof(local_config, prune_epochs), .min = 0, .max = 100000},
        {.key = "prune_rate", .type = CFG_DOUBLE, .offset = offsetof(local_config, prune_rate), .min = 1e-9,
         .max = 1.0 - 1e-9},
        {.key = "scope", .type = CFG_ENUM, .offset = offsetof(local_config, scope), .names = prune_scope_names,
         .n_names = PRUNE_SCOPE_COUNT},
        {.key = "bits", .type = CFG_SIZE_LIST, .offset = offsetof(local_config, bits), .min = 1, .max = 32,
         .cap = LOCAL_MAX_BITS, .count_offset = offsetof(local_config, n_bits)},
        {.key = "weight_integer", .type = CFG_INT, .offset = offsetof(local_config, weight_integer), .min = 0, .max = 32},
        {.key = "bias_integer", .type = CFG_INT, .offset = offsetof(local_config, bias_integer), .min = 0, .max = 32},
        {.key = "activation_integer", .type = CFG_INT, .offset = offsetof(local_config, activation_integer), .min = 0,
         .max = 32},
        {.key = "weight_rounding", .type = CFG_SKIP},
        {.key = "activation_rounding", .type = CFG_SKIP},
        {.key = "overflow", .type = CFG_SKIP},
        {.key = "input", .type = CFG_SKIP},
        {.key = "table_input", .type = CFG_SKIP},
        {.key = "logits", .type = CFG_SKIP},
        {.key = "table_size", .type = CFG_SIZE, .offset = offsetof(local_config, table_size), .min = 2,
         .max = QUANT_TABLE_MAX_SIZE},
        {.key = "batch_size", .type = CFG_SIZE, .offset = offsetof(local_config, batch_size), .min = 1, .max = 1 << 20},
        {.key = "learning_rate", .type = CFG_DOUBLE, .offset = offsetof(local_config, learning_rate), .min = 0, .max = 10},
        {.key = "seed", .type = CFG_U64, .offset = offsetof(local_config, seed), .min = 0, .max = 9007199254740992.0},
    };
    int rc = cfg_read_map(d, n, "local", f, COUNT(f), c);
    int wr = c->weight_rounding, ar = c->activation_rounding, ov = c->overflow;
    if (!rc && !(rc = read_mode(d, n, "weight_rounding", quant_qmode_names, QUANT_Q_COUNT, &wr)) &&
        !(rc = read_mode(d, n, "activation_rounding", quant_qmode_names, QUANT_Q_COUNT, &ar)) &&
        !(rc = read_mode(d, n, "overflow", quant_omode_names, QUANT_O_COUNT, &ov)) &&
        !(rc = read_prec(d, n, "input", &c->input)) && !(rc = read_prec(d, n, "table_input", &c->table_input)))
        rc = read_prec(d, n, "logits", &c->logits);
    if (rc)
        return rc;
    c->weight_rounding = (enum quant_qmode)wr;
    c->activation_rounding = (enum quant_qmode)ar;
    c->overflow = (enum quant_omode)ov;
    const cfg_node *bits = cfg_map_get(d, n, "bits");
    if (bits && c->n_bits == 0)
        return cfg_errorf(SNAC_EINVAL, d, bits, "local.bits: at least one bit width is needed");
    for (size_t k = 0; k < c->n_bits; k++) {
        int b = (int)c->bits[k];
        /* every network has a linear output layer after a b-bit activation: its accumulator (the
         * layer's result, hls4ml's auto width) must fit the integer engine even for one input */
        quant_prec a = prec(b, c->activation_integer, false, c->activation_rounding, c->overflow);
        quant_prec w = prec(b, c->weight_integer, true, c->weight_rounding, c->overflow);
        quant_prec bi = prec(b, c->bias_integer, true, c->weight_rounding, c->overflow);
        quant_prec acc = quant_accum_auto(&a, &w, &bi, 1);
        if (acc.width > QUANT_MAX_CODE_WIDTH) {
            const cfg_node *at = !bits ? n
                               : cfg_node_kind(d, bits) == CFG_KIND_SEQUENCE && k < cfg_seq_len(d, bits)
                               ? cfg_seq_at(d, bits, k) : bits;
            return cfg_errorf(SNAC_EINVAL, d, at, "local.bits: %d bits is too wide: a layer's sum of %d-bit "
                              "activations and weights needs at least %d bits, more than the %d the integer engine "
                              "holds (at most %d bits here)", b, b, acc.width, QUANT_MAX_CODE_WIDTH,
                              max_bits(c));
        }
        const char *bad = c->weight_integer > b ? "weight_integer" : c->bias_integer > b ? "bias_integer"
                        : c->activation_integer > b ? "activation_integer" : NULL;
        if (bad)
            return cfg_errorf(SNAC_EINVAL, d, cfg_map_get(d, n, bad) ? cfg_map_get(d, n, bad) : bits,
                              "local.%s: W < I: %d integer bits do not fit the %d-bit width in local.bits", bad,
                              bad[0] == 'w' ? c->weight_integer : bad[0] == 'b' ? c->bias_integer
                                                                                 : c->activation_integer, b);
    }
    return SNAC_OK;
}

int local_config_parse(const char *text, size_t len, const char *name, local_config *c)
{
    local_config_init(c);
    cfg_doc *d = NULL;
    int rc = cfg_doc_parse(text, len, name, &d);
    if (rc)
        return rc;
    const cfg_node *root = cfg_doc_root(d);
    if (root && cfg_node_kind(d, root) == CFG_KIND_MAPPING) {
        const cfg_node *n = cfg_map_get(d, root, "local");
        if (n && cfg_node_kind(d, n) != CFG_KIND_MAPPING)
            rc = cfg_errorf(SNAC_EINVAL, d, n, "local: expected a mapping");
        else if (n)
            rc = read_local(d, n, c);
    }
    cfg_doc_free(d);
    return rc;
}

int local_config_load(const char *path, local_config *c)
{
    char *text = NULL;
    size_t len = 0;
    int rc = snac_read_file(path, &text, &len);
    if (!rc)
        rc = local_config_parse(text, len, path, c);
    free(text);
    return rc;
}

/* ------------------------------------------------------------------ precisions */


int local_model_spec(const local_config *c, size_t bits, const nn_arch *a, quant_model **out)
{
    *out = NULL;
    quant_model_shape s = {.n_layers = a->n_hidden + 1, .table_size = c->table_size};
    s.width[0] = a->n_in;
    enum quant_act hidden = a->act == NN_ACT_TANH ? QUANT_ACT_TANH
                          : a->act == NN_ACT_SIGMOID ? QUANT_ACT_SIGMOID : QUANT_ACT_RELU;
    for (size_t l = 0; l < a->n_hidden; l++) {
        s.width[l + 1] = a->hidden[l];
        s.act[l] = hidden;
    }
    s.width[a->n_hidden + 1] = a->n_out;
    s.act[a->n_hidden] = QUANT_ACT_LINEAR;
    quant_model *m;
    int rc = quant_model_new(&s, &m);
    if (rc)
        return rc;
    const int B = (int)bits;
    m->input = c->input;
    const quant_prec *in = &m->input;
    for (size_t l = 0; l < s.n_layers; l++) {
        quant_layer *L = &m->layer[l];
        L->weight = prec(B, c->weight_integer, true, c->weight_rounding, c->overflow);
        L->bias = prec(B, c->bias_integer, true, c->weight_rounding, c->overflow);
        L->accum = quant_accum_auto(in, &L->weight, &L->bias, L->n_in);
        switch (L->act) {
        case QUANT_ACT_RELU:
            L->result = L->accum;
            L->output = prec(B, c->activation_integer, false, c->activation_rounding, c->overflow);
            break;
        case QUANT_ACT_TANH:
            L->result = c->table_input;
            L->output = prec(B, 1, true, c->activation_rounding, c->overflow);
            break;
        case QUANT_ACT_SIGMOID:
            L->result = c->table_input;
            L->output = prec(B, 0, false, c->activation_rounding, c->overflow);
            break;
        default:
            L->result = L->accum;
            L->output = c->logits;
            break;
        }
        in = &L->output;
    }
    if ((rc = quant_model_build_tables(m)) || (rc = quant_model_validate(m))) {
        quant_model_free(m);
        return snac_err_prefix(rc, "local search at %zu bits: ", bits);
    }
    *out = m;
    return SNAC_OK;
}
