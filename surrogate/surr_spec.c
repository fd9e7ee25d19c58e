/* surr_spec — spec defaults, enum name tables and validation; see surr_spec.h.
 *
 * Memory: nothing allocated. Workload: once per spec.
 */
#include "surrogate/surr_spec.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "surrogate/surr_part.h"
#include "util/err.h"

const char *const surr_toolchain_names[SURR_TC_COUNT] = {"vivado-2019.1", "vivado-2020.1", "vitis-2023.2",
                                                          "yosys-0.23"};
const char *const surr_strategy_names[SURR_STRATEGY_COUNT] = {"latency", "resource"};
const char *const surr_io_names[SURR_IO_COUNT] = {"io_parallel", "io_stream"};
const char *const surr_mult_names[SURR_MULT_COUNT] = {"auto", "dsp", "fabric"};
_Static_assert(sizeof surr_mult_names / sizeof *surr_mult_names == SURR_MULT_COUNT, "multiplier mapping names");
const char *const surr_act_names[SURR_ACT_COUNT] = {"linear", "relu", "tanh", "sigmoid", "softmax"};
_Static_assert(sizeof surr_toolchain_names / sizeof *surr_toolchain_names == SURR_TC_COUNT, "toolchain names");
_Static_assert(sizeof surr_strategy_names / sizeof *surr_strategy_names == SURR_STRATEGY_COUNT, "strategy names");
_Static_assert(sizeof surr_io_names / sizeof *surr_io_names == SURR_IO_COUNT, "io names");
_Static_assert(sizeof surr_act_names / sizeof *surr_act_names == SURR_ACT_COUNT, "act names");

int surr_enum_from_name(const char *const *names, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (strcasecmp(names[i], name) == 0)
            return i;
    return -1;
}

int surr_enum_parse(const char *const *names, int count, const char *what, const char *name, int *out)
{
    int k = surr_enum_from_name(names, count, name);
    if (k >= 0) {
        *out = k;
        return SNAC_OK;
    }
    char known[256];
    size_t used = 0;
    known[0] = '\0';
    for (int i = 0; i < count && used < sizeof known; i++) {
        int n = snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return snac_err_set(SNAC_EINVAL, "unknown %s '%s'; known: %s", what, name, known);
}

/* ---------------------------------------------------------------- toolchains */

/* THE mapping from a tool (family + version) to the surrogate toolchain family
 * that predicts it. Rows are tried in order; a version's leading year (2019 of
 * "2019.2.1"; 0 when there is none) selects the row. Vivado HLS was last
 * released as 2020.1; a later "vivado_hls" version means the Vitis HLS of that
 * Vivado release. validation/vtoolchain.c maps report rows through this table. */
static const struct tc_row {
    const char *family;     /* canonical family name (report toolchain spelling) */
    long min_year, max_year;
    enum surr_toolchain tc;
    const char *why;
} tc_table[] = {
    {"vivado_hls", 0, 2019, SURR_TC_VIVADO_2019_1, "Vivado HLS, version unknown or <= 2019.x"},
    {"vivado_hls", 2020, 2020, SURR_TC_VIVADO_2020_1, "Vivado HLS 2020.x"},
    {"vivado_hls", 2021, 9999, SURR_TC_VITIS_2023_2, "Vivado >= 2021 ships Vitis HLS"},
    {"vitis_hls", 0, 9999, SURR_TC_VITIS_2023_2, "Vitis HLS, any version"},
    {"yosys", 0, 9999, SURR_TC_YOSYS_0_23, "Yosys synth_xilinx, any version"},
};

/* Spellings of each family; "vivado" alone names Vivado HLS here (the surrogate
 * names vivado-2019.1 / vivado-2020.1 are HLS estimates). Longest first. */
static const struct { const char *alias, *family; } tc_alias[] = {
    {"vivado_hls", "vivado_hls"}, {"vivado-hls", "vivado_hls"}, {"vivadohls", "vivado_hls"},
    {"vitis_hls", "vitis_hls"},   {"vitis-hls", "vitis_hls"},   {"vitishls", "vitis_hls"},
    {"vivado", "vivado_hls"},     {"vitis", "vitis_hls"},       {"yosys", "yosys"},
};

static long leading_year(const char *v)
{
    if (!v)
        return 0;
    while (*v == 'v' || *v == 'V' || *v == '.')
        v++;
    long y = 0;
    int digits = 0;
    while (*v >= '0' && *v <= '9' && digits < 5)
        y = 10 * y + (*v++ - '0'), digits++;
    return y >= 1990 && y <= 2999 ? y : 0;
}

bool surr_toolchain_of(const char *family, const char *version, enum surr_toolchain *tc, const char **why)
{
    long y = leading_year(version);
    for (size_t i = 0; family && i < sizeof tc_table / sizeof tc_table[0]; i++)
        if (strcasecmp(family, tc_table[i].family) == 0 && y >= tc_table[i].min_year && y <= tc_table[i].max_year) {
            *tc = tc_table[i].tc;
            if (why)
                *why = tc_table[i].why;
            return true;
        }
    return false;
}

int surr_toolchain_resolve(const char *text, enum surr_toolchain *tc, char *note, size_t note_cap)
{
    if (note && note_cap)
        note[0] = '\0';
    if (!text || !text[0])
        return snac_err_set(SNAC_EINVAL, "empty toolchain name");
    int k = surr_enum_from_name(surr_toolchain_names, SURR_TC_COUNT, text);
    if (k >= 0) {
        *tc = (enum surr_toolchain)k;
        return SNAC_OK;
    }
    for (size_t i = 0; i < sizeof tc_alias / sizeof tc_alias[0]; i++) {
        size_t n = strlen(tc_alias[i].alias);
        if (strncasecmp(text, tc_alias[i].alias, n) != 0)
            continue;
        const char *v = text + n;
        if (*v == '-' || *v == '_' || *v == ' ')
            v++;
        bool version_ok = *v == '\0' || (*v >= '0' && *v <= '9') || ((*v == 'v' || *v == 'V') && v[1] >= '0' &&
                                                                      v[1] <= '9');
        if (!version_ok)
            continue;
        const char *why = "";
        if (!surr_toolchain_of(tc_alias[i].family, v, tc, &why))
            break;
        if (note && note_cap)
            snprintf(note, note_cap, "toolchain '%s' is predicted by the surrogate toolchain %s (%s)", text,
                     surr_toolchain_names[*tc], why);
        return SNAC_OK;
    }
    return snac_err_set(SNAC_EINVAL,
                        "unknown toolchain '%s'; give a surrogate toolchain (vivado-2019.1, vivado-2020.1, "
                        "vitis-2023.2, yosys-0.23) or a tool and version: vivado_hls-2019.2, vitis_hls-2021.1, "
                        "vivado-2019.2, vitis-2022.1, yosys-0.40", text);
}

int surr_ceil_log2(size_t n)
{
    int k = 0;
    while (k < 63 && ((size_t)1 << k) < n)
        k++;
    return k;
}

int surr_spec_init_mlp(surr_spec *s, const size_t *widths, size_t n_widths, enum surr_act hidden, bool batch_norm)
{
    memset(s, 0, sizeof *s);
    if (n_widths < 2 || n_widths - 1 > SURR_MAX_LAYERS)
        return snac_err_set(SNAC_EINVAL, "an MLP spec needs 2..%d widths (input, hidden..., output); got %zu",
                            SURR_MAX_LAYERS + 1, n_widths);
    s->n_layers = n_widths - 1;
    for (size_t l = 0; l < s->n_layers; l++) {
        surr_layer *L = &s->layer[l];
        L->n_in = widths[l];
        L->n_out = widths[l + 1];
        bool last = l + 1 == s->n_layers;
        L->act = last ? SURR_ACT_LINEAR : hidden;
        L->batch_norm = last ? false : batch_norm;
        L->weight = L->bias = L->input = L->output = QUANT_PREC_INIT(16, 6);
        L->accum = QUANT_PREC_INIT(0, 0);
    }
    s->reuse_factor = 1;
    s->strategy = SURR_STRATEGY_LATENCY;
    s->io_type = SURR_IO_PARALLEL;
    snprintf(s->part, sizeof s->part, "%s", "xcvu13p-flga2577-2-e");
    s->clock_ns = 5.0;
    s->toolchain = SURR_TC_VIVADO_2019_1;
    s->table_size = 1024;
    return SNAC_OK;
}

void surr_spec_set_precision(surr_spec *s, const quant_prec *weight, const quant_prec *bias,
                             const quant_prec *input, const quant_prec *output, const quant_prec *accum)
{
    for (size_t l = 0; l < s->n_layers; l++) {
        surr_layer *L = &s->layer[l];
        if (weight)
            L->weight = *weight;
        if (bias)
            L->bias = *bias;
        if (input)
            L->input = *input;
        if (output)
            L->output = *output;
        if (accum)
            L->accum = *accum;
    }
}

size_t surr_spec_layer_rf(const surr_spec *s, size_t l)
{
    return s->layer[l].reuse_factor ? s->layer[l].reuse_factor : s->reuse_factor;
}

quant_prec surr_spec_layer_accum(const surr_spec *s, size_t l)
{
    const surr_layer *L = &s->layer[l];
    if (L->accum.width > 0)
        return L->accum;
    int lg = surr_ceil_log2(L->n_in);
    quant_prec a = QUANT_PREC_INIT(L->input.width + L->weight.width + lg + 1,
                                   L->input.integer + L->weight.integer + lg + 1);
    return a;
}

bool surr_rf_valid(size_t n_in, size_t n_out, size_t rf)
{
    /* hls4ml (Dense, Resource strategy): multfactor = min(n_in, rf),
     * multiplier_limit = ceil(n_in*n_out / multfactor); valid when
     * (multiplier_limit % n_out == 0 or rf >= n_in) and (rf % n_in == 0 or rf < n_in)
     * and (n_in*n_out) % rf == 0. */
    if (rf == 0 || n_in == 0 || n_out == 0)
        return false;
    size_t n = n_in * n_out;
    size_t multfactor = rf < n_in ? rf : n_in;
    size_t limit = (n + multfactor - 1) / multfactor;
    bool ok = (limit % n_out == 0) || rf >= n_in;
    ok = ok && ((rf % n_in == 0) || rf < n_in);
    ok = ok && (n % rf == 0);
    return ok;
}

bool surr_rf_valid_for(enum surr_strategy strategy, size_t n_in, size_t n_out, size_t rf)
{
    if (strategy == SURR_STRATEGY_RESOURCE)
        return surr_rf_valid(n_in, n_out, rf);
    return rf >= 1 && rf <= n_in * n_out;
}

/* The valid reuse factors closest below and above rf, for the message. */
static void rf_neighbours(size_t n_in, size_t n_out, size_t rf, size_t *below, size_t *above)
{
    *below = 1;
    *above = 0;
    for (size_t r = rf; r >= 1; r--)
        if (surr_rf_valid(n_in, n_out, r)) {
            *below = r;
            break;
        }
    for (size_t r = rf + 1; r <= n_in * n_out; r++)
        if (surr_rf_valid(n_in, n_out, r)) {
            *above = r;
            break;
        }
}

int surr_spec_validate(const surr_spec *s)
{
    if (s->n_layers == 0 || s->n_layers > SURR_MAX_LAYERS)
        return snac_err_set(SNAC_EINVAL, "spec has %zu dense layers; 1..%d are supported", s->n_layers,
                            SURR_MAX_LAYERS);
    int rc;
    if (!s->part[0])
        return snac_err_set(SNAC_EINVAL, "spec has no FPGA part");
    if ((unsigned)s->toolchain >= SURR_TC_COUNT)
        return snac_err_set(SNAC_EINVAL, "unknown toolchain (enum value %d)", (int)s->toolchain);
    if ((unsigned)s->multipliers >= SURR_MULT_COUNT)
        return snac_err_set(SNAC_EINVAL, "bad multiplier mapping (enum value %d)", (int)s->multipliers);
    if ((unsigned)s->strategy >= SURR_STRATEGY_COUNT || (unsigned)s->io_type >= SURR_IO_COUNT)
        return snac_err_set(SNAC_EINVAL, "bad strategy or io_type");
    if (!(s->clock_ns > 0.0) || !isfinite(s->clock_ns))
        return snac_err_set(SNAC_EINVAL, "clock period %g ns: must be a positive number", s->clock_ns);
    if (s->reuse_factor == 0)
        return snac_err_set(SNAC_EINVAL, "reuse factor 0: must be at least 1");
    if (s->table_size == 0)
        return snac_err_set(SNAC_EINVAL, "activation table size 0: must be at least 1");
    for (size_t l = 0; l < s->n_layers; l++) {
        const surr_layer *L = &s->layer[l];
        if (L->n_in == 0 || L->n_out == 0)
            return snac_err_set(SNAC_EINVAL,
                                "layer %zu: zero width (n_in=%zu, n_out=%zu): every layer needs at least one input "
                                "and one output", l, L->n_in, L->n_out);
        if (l > 0 && s->layer[l - 1].n_out != L->n_in)
            return snac_err_set(SNAC_EINVAL, "layer %zu: n_in=%zu does not match layer %zu's n_out=%zu", l,
                                L->n_in, l - 1, s->layer[l - 1].n_out);
        if ((unsigned)L->act >= SURR_ACT_COUNT)
            return snac_err_set(SNAC_EINVAL, "layer %zu: bad activation", l);
        char what[64];
        const quant_prec *types[4] = {&L->weight, &L->bias, &L->input, &L->output};
        const char *names[4] = {"weight", "bias", "input", "output"};
        for (int k = 0; k < 4; k++) {
            snprintf(what, sizeof what, "layer %zu %s precision", l, names[k]);
            if ((rc = quant_prec_check(types[k], what)))
                return rc;
        }
        if (L->weight.width > QUANT_MAX_ARITH)
            return snac_err_set(SNAC_EINVAL, "layer %zu weight precision: W=%d exceeds %d bits", l,
                                L->weight.width, QUANT_MAX_ARITH);
        if (L->accum.width != 0) {
            snprintf(what, sizeof what, "layer %zu accumulator precision", l);
            if ((rc = quant_prec_check(&L->accum, what)))
                return rc;
        }
        if (!(L->sparsity >= 0.0 && L->sparsity < 1.0))
            return snac_err_set(SNAC_EINVAL, "layer %zu: sparsity %g outside [0, 1)", l, L->sparsity);
        size_t rf = surr_spec_layer_rf(s, l);
        if (rf == 0 || (!s->rf_unchecked && !surr_rf_valid_for(s->strategy, L->n_in, L->n_out, rf))) {
            if (s->strategy == SURR_STRATEGY_LATENCY)
                return snac_err_set(SNAC_EINVAL,
                                    "layer %zu (%zu x %zu): reuse factor %zu is more than the layer's %zu "
                                    "multiplications (Latency strategy takes 1..%zu); hls4ml has built such "
                                    "designs (one multiplier, II set by the multiplications): set "
                                    "hls.rf_unchecked: true to accept it", l, L->n_in, L->n_out, rf,
                                    L->n_in * L->n_out, L->n_in * L->n_out);
            size_t below, above;
            rf_neighbours(L->n_in, L->n_out, rf, &below, &above);
            return snac_err_set(SNAC_EINVAL,
                                "layer %zu (%zu x %zu): reuse factor %zu does not divide the layer's %zu "
                                "multiplications as hls4ml requires for the Resource strategy; nearest valid: "
                                "%zu%s%.0zu (hls.rf_unchecked: true accepts it as given)", l, L->n_in,
                                L->n_out, rf, L->n_in * L->n_out, below, above ? " or " : "", above);
        }
    }
    return SNAC_OK;
}
