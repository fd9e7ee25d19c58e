/* surr_model — basis functions, prediction and the coefficient blob; see surr_model.h.
 *
 * Memory: predict allocates nothing; encode mallocs the blob for the caller.
 * Workload: surr_predict is ~25 flops per layer and term plus 7 dot products.
 */
#include "surrogate/surr_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"
#include "util/err.h"

const char *const surr_target_names[SURR_T_COUNT] = {"lut", "ff", "dsp", "bram18", "uram", "latency_cycles", "ii"};
const char *const surr_basis_names[SURR_B_COUNT] = {
    "one", "layer", "dsp_mult", "dsp_extra", "fabric_bits", "tree_bits", "prod_bits", "pipe_bits",
    "out_bits", "rf_acc_bits", "relu_bits", "table_neurons", "table_layer", "io_bits", "stream_layer",
    "bram_blocks", "mult_stage", "tree_stage", "act_layer", "rf_cycles", "rf_max", "mult_pipe_bits",
    "fifo_lut", "fifos", "act_proc_bits", "cast_bits", "rf_loop", "stream_array_bits",
    "softmax_exp_bits", "call_reg"};
_Static_assert(sizeof surr_target_names / sizeof *surr_target_names == SURR_T_COUNT, "target names");
_Static_assert(sizeof surr_basis_names / sizeof *surr_basis_names == SURR_B_COUNT, "basis names");
_Static_assert(SURR_B_COUNT <= 32, "basis masks are 32-bit");

#define B(k) (1u << (k))

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

void surr_basis_eval_layer(int dsp_min_bits, const surr_features *x, size_t l, double phi[SURR_B_COUNT])
{
    const surr_layer_terms *L = &x->layer[l];
    double clock = x->f[SURR_F_CLOCK_NS] > 0 ? x->f[SURR_F_CLOCK_NS] : 1.0;
    /* the layer's II as hls4ml builds it (surr_layer_ii): what its operators are shared over */
    double rf = L->ii >= 1 ? L->ii : L->rf >= 1 ? L->rf : 1.0;
    int prod_w = L->a_w + L->w_w;
    /* where the multiplies go: build_prj.tcl's `config_op mul -impl dsp|fabric` (hls.multipliers)
     * decides; otherwise the tool, by product width (the fitted threshold) */
    bool dsp = x->mult == SURR_MULT_DSP ? true : x->mult == SURR_MULT_FABRIC ? false : prod_w >= dsp_min_bits;
    double mults = L->general / rf; /* multipliers instantiated in parallel */
    /* the products a DSP-mapped layer puts on DSPs: every general one, but Vitis HLS (by itself) only
     * the distinct ones whose constant has SURR_VITIS_DSP_CSD_DIGITS+ digits; the rest stay shift-adds */
    double on_dsp = L->general;
    if (x->toolchain == SURR_TC_VITIS_2023_2 && x->mult == SURR_MULT_AUTO && !L->resource)
        on_dsp = fmin(L->dsp_products, L->general);
    double dsp_mults = on_dsp / rf;
    double fabric_share = dsp ? (L->general > 0 ? 1.0 - on_dsp / L->general : 0.0) : 1.0;
    /* Latency strategy: hls4ml's ALLOCATION pragma limits `mul` instances to multiplier_limit, so
     * only the multipliers are shared over the II; the shift-adds of constants and the adder tree are
     * built for every product at any RF (Vitis at RF 100: about the LUTs of RF 1). The Resource
     * kernel instantiates block_factor = ceil(n_in n_out / RF) products and their adders. */
    double share = L->resource ? rf : 1.0;
    double tree = L->acc_add_bits / share;
    double dly = x->f[SURR_F_DELAY_SCALE] > 0 ? x->f[SURR_F_DELAY_SCALE] : 1.0; /* the part's logic delay */
    /* a signed DSP48 multiplies 27x18 (UltraScale) / 25x18 (7-series): magnitude 26 x 17 bits */
    int slices = ceil_div(L->a_w > 1 ? L->a_w - 1 : 1, 26) * ceil_div(L->w_w > 1 ? L->w_w - 1 : 1, 17);
    bool table = L->act == SURR_ACT_TANH || L->act == SURR_ACT_SIGMOID || L->act == SURR_ACT_SOFTMAX;
    phi[SURR_B_ONE] = 0;
    phi[SURR_B_LAYER] = 1;
    /* hls4ml's softmax (nnet_activation.h) multiplies each exp(x_i) by 1 / sum: n_out products of two
     * 18-bit table words, on DSPs unless every multiply is forced to fabric (Vitis: 5 DSPs for 5
     * outputs, Vivado: 3 for 3); its own call, not shared by the dense layer's RF */
    double smax = L->act == SURR_ACT_SOFTMAX && x->mult != SURR_MULT_FABRIC && x->toolchain != SURR_TC_YOSYS_0_23
                      ? L->n_out
                      : 0.0;
    /* an unfolded BN (nnet::normalize) multiplies each output by its scale: n_out products of
     * out_w x out_w bits, by the layer's rule (a Vitis 44-32-16-3 net: 32 and 16 DSPs) */
    bool bn_dsp = x->mult == SURR_MULT_DSP ||
                  (x->mult == SURR_MULT_AUTO && 2 * L->out_w >= dsp_min_bits && x->toolchain != SURR_TC_YOSYS_0_23);
    double bn = L->normalize && bn_dsp ? L->n_out : 0.0;
    /* a product wider than one DSP48's multiplier takes `slices` of them (the DSP_EXTRA term alone had
     * no data to fit it: ml4quantum's 18 x 28-bit products take 2 each, 448 DSPs for 240 products) */
    phi[SURR_B_DSP_MULT] = (dsp ? dsp_mults * slices : 0) + smax + bn;
    phi[SURR_B_DSP_EXTRA] = dsp ? dsp_mults * (slices - 1) : 0;
    phi[SURR_B_FABRIC_BITS] = fabric_share * L->csd_add_bits / share;
    phi[SURR_B_TREE_BITS] = tree;
    phi[SURR_B_PROD_BITS] = mults * prod_w;
    phi[SURR_B_PIPE_BITS] = tree * dly / clock;
    phi[SURR_B_OUT_BITS] = L->out_bits;
    phi[SURR_B_RF_ACC_BITS] = rf > 1 ? L->n_out * L->acc_w : 0;
    phi[SURR_B_RELU_BITS] = L->act == SURR_ACT_RELU ? L->out_bits : 0;
    phi[SURR_B_TABLE_NEURONS] = table ? (L->table_units > 0 ? L->table_units : L->n_out) : 0;
    phi[SURR_B_TABLE_LAYER] = table ? 1 : 0;
    phi[SURR_B_IO_BITS] = 0;
    /* io_stream, Latency strategy: hls4ml's stream wrapper around dense_latency (the calibration set's one
     * stream project). A Resource layer's stream wrapper around dense_resource costs about what the
     * io_parallel one does (an unseen 16-64-32-32-5 at RF 64: 16.5k LUT in its dense calls at io_stream,
     * 13.0k at io_parallel); its FIFOs are the FIFO terms */
    phi[SURR_B_STREAM_LAYER] = x->io_stream && !L->resource ? 1 : 0;
    phi[SURR_B_BRAM_BLOCKS] = L->resource ? L->stored_bits / 18432.0 : 0;
    /* stage packing: the multiply and adder-tree delays (ns on a Zynq-7000 -1,
     * the coefficients) scaled to the part, in clock periods */
    phi[SURR_B_MULT_STAGE] = dly / clock;
    phi[SURR_B_TREE_STAGE] = dly * L->levels / clock;
    /* Vivado HLS: one cycle per dense call at the top (the calibration set's instance rows) */
    phi[SURR_B_CALL_REG] = SURR_CALL_REG_TOOLCHAINS(x->toolchain) ? 1 : 0;
    phi[SURR_B_ACT_LAYER] = L->act != SURR_ACT_LINEAR ? 1 : 0;
    /* Latency strategy at RF > 1: the fitted cycles per reuse step; Resource: hls4ml's ReuseLoop
     * (nnet_dense_resource.h, `#pragma HLS PIPELINE II=1 rewind`) takes one cycle per step */
    phi[SURR_B_RF_CYCLES] = L->resource ? 0 : rf - 1;
    phi[SURR_B_RF_LOOP] = L->resource && x->toolchain != SURR_TC_YOSYS_0_23 ? rf - 1 : 0;
    phi[SURR_B_RF_MAX] = 0;
    /* io_stream: the stream dense's unpacked input and result arrays, one register per bit, whatever
     * the strategy (the kernel between them is the strategy's) */
    phi[SURR_B_STREAM_ARRAY_BITS] =
        x->io_stream && x->toolchain != SURR_TC_YOSYS_0_23 ? L->n_in * L->a_w + L->n_out * L->res_w : 0;
    /* the softmax's exp words, registered while 1 / sum is looked up */
    phi[SURR_B_SOFTMAX_EXP_BITS] =
        L->act == SURR_ACT_SOFTMAX && x->toolchain != SURR_TC_YOSYS_0_23 ? L->n_out * SURR_SOFTMAX_TABLE_BITS : 0;
    /* whole clock periods inside the multiply: registers only where a boundary falls */
    phi[SURR_B_MULT_PIPE_BITS] = mults * prod_w * floor(SURR_MULT_NS * dly / clock + 1e-9);
    /* DATAFLOW tops: the channels between calls, as the HLS estimate costs them */
    phi[SURR_B_FIFO_LUT] = L->fifo_bits + SURR_FIFO_CTRL_LUT * L->fifos;
    phi[SURR_B_FIFOS] = L->fifos;
    bool relu_vendor = L->act == SURR_ACT_RELU && x->toolchain != SURR_TC_YOSYS_0_23;
    phi[SURR_B_ACT_PROC_BITS] = relu_vendor && x->dataflow ? L->n_out * L->res_w : 0;
    phi[SURR_B_CAST_BITS] = relu_vendor && L->act_cast ? L->n_out * L->res_w : 0;
}

void surr_basis_eval_top(const surr_features *x, double phi[SURR_B_COUNT])
{
    for (int k = 0; k < SURR_B_COUNT; k++)
        phi[k] = 0;
    phi[SURR_B_ONE] = 1;
    if (x->n_layers) {
        const surr_layer_terms *first = &x->layer[0], *last = &x->layer[x->n_layers - 1];
        phi[SURR_B_IO_BITS] = first->n_in * first->a_w + last->n_out * last->out_w;
    }
    /* the network's II: its slowest layer's (surr_layer_ii), 1 when not known */
    double ii = 1;
    for (size_t l = 0; l < x->n_layers; l++) {
        double li = x->layer[l].ii >= 1 ? x->layer[l].ii : x->layer[l].rf;
        ii = li > ii ? li : ii;
    }
    phi[SURR_B_RF_MAX] = ii;
}

void surr_basis_eval(int dsp_min_bits, const surr_features *x, double phi[SURR_B_COUNT])
{
    surr_basis_eval_top(x, phi);
    for (size_t l = 0; l < x->n_layers; l++) {
        double pl[SURR_B_COUNT];
        surr_basis_eval_layer(dsp_min_bits, x, l, pl);
        for (int k = 0; k < SURR_B_COUNT; k++)
            phi[k] += pl[k];
    }
}

uint32_t surr_basis_default_mask(enum surr_target t)
{
    switch (t) {
    case SURR_T_LUT:
        return B(SURR_B_ONE) | B(SURR_B_LAYER) | B(SURR_B_DSP_MULT) | B(SURR_B_FABRIC_BITS) | B(SURR_B_TREE_BITS) |
               B(SURR_B_RELU_BITS) | B(SURR_B_TABLE_NEURONS) | B(SURR_B_IO_BITS) |
               B(SURR_B_STREAM_LAYER) | B(SURR_B_FIFO_LUT) | B(SURR_B_ACT_PROC_BITS) | B(SURR_B_CAST_BITS);
    case SURR_T_FF:
        return B(SURR_B_ONE) | B(SURR_B_LAYER) | B(SURR_B_PROD_BITS) | B(SURR_B_PIPE_BITS) | B(SURR_B_OUT_BITS) |
               B(SURR_B_RF_ACC_BITS) | B(SURR_B_IO_BITS) | B(SURR_B_STREAM_LAYER) | B(SURR_B_TREE_BITS) |
               B(SURR_B_MULT_PIPE_BITS) | B(SURR_B_FIFOS) | B(SURR_B_STREAM_ARRAY_BITS) |
               B(SURR_B_SOFTMAX_EXP_BITS);
    case SURR_T_DSP:
        return B(SURR_B_ONE) | B(SURR_B_DSP_MULT) | B(SURR_B_DSP_EXTRA);
    case SURR_T_BRAM18:
        return B(SURR_B_ONE) | B(SURR_B_BRAM_BLOCKS) | B(SURR_B_TABLE_LAYER);
    case SURR_T_URAM:
        return B(SURR_B_ONE);
    case SURR_T_LATENCY_CYCLES:
        return B(SURR_B_ONE) | B(SURR_B_LAYER) | B(SURR_B_MULT_STAGE) | B(SURR_B_TREE_STAGE) | B(SURR_B_ACT_LAYER) |
               B(SURR_B_RF_CYCLES) | B(SURR_B_STREAM_LAYER) | B(SURR_B_TABLE_LAYER) | B(SURR_B_RF_LOOP) |
               B(SURR_B_CALL_REG);
    case SURR_T_II:
        return B(SURR_B_ONE) | B(SURR_B_RF_MAX);
    default:
        return B(SURR_B_ONE);
    }
}

double surr_basis_pinned(enum surr_target t, enum surr_basis k)
{
    if (t == SURR_T_LUT && k == SURR_B_FIFO_LUT)
        return 1.0;
    if (t == SURR_T_FF && k == SURR_B_FIFOS)
        return SURR_FIFO_FF;
    if (t == SURR_T_LUT && k == SURR_B_ACT_PROC_BITS)
        return SURR_RELU_PROC_LUT;
    if (t == SURR_T_LUT && k == SURR_B_CAST_BITS)
        return SURR_CAST_LUT;
    if (t == SURR_T_LATENCY_CYCLES && (k == SURR_B_RF_LOOP || k == SURR_B_CALL_REG))
        return 1.0;
    if (t == SURR_T_FF && (k == SURR_B_STREAM_ARRAY_BITS || k == SURR_B_SOFTMAX_EXP_BITS))
        return 1.0;
    return NAN;
}

uint32_t surr_basis_monotone_mask(void)
{
    return (SURR_B_COUNT >= 32) ? ~0u : (B(SURR_B_COUNT) - 1u);
}

double surr_target_floor(enum surr_target t)
{
    switch (t) {
    case SURR_T_LUT:
    case SURR_T_FF:
        return 100.0;
    default:
        return 1.0;
    }
}

/* ------------------------------------------------------------------ versions */

void surr_version_clear(surr_version *v)
{
    if (!v)
        return;
    free(v->fit_stats);
    free(v->fitted_on);
    free(v->note);
    v->fit_stats = v->fitted_on = v->note = NULL;
}

int surr_version_set_str(char **field, const char *s)
{
    char *c = NULL;
    if (s) {
        size_t n = strlen(s) + 1;
        c = malloc(n);
        if (!c)
            return snac_err_set(SNAC_ENOMEM, "out of memory");
        memcpy(c, s, n);
    }
    free(*field);
    *field = c;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- prediction */

static void finish(const surr_features *x, const surr_part *part, surr_prediction *out)
{
    if (out->y[SURR_T_II] < 1)
        out->y[SURR_T_II] = 1;
    if (out->y[SURR_T_LATENCY_CYCLES] < 1)
        out->y[SURR_T_LATENCY_CYCLES] = 1;
    const double total[SURR_T_COUNT] = {part->lut, part->ff, part->dsp, part->bram18, part->uram, 0, 0};
    for (int t = 0; t < SURR_T_COUNT; t++)
        out->pct[t] = total[t] > 0 ? 100.0 * out->y[t] / total[t] : 0.0;
    out->avg_resource_pct =
        (out->pct[SURR_T_LUT] + out->pct[SURR_T_FF] + out->pct[SURR_T_DSP] + out->pct[SURR_T_BRAM18]) / 4.0;
    out->latency_ns = out->y[SURR_T_LATENCY_CYCLES] * x->f[SURR_F_CLOCK_NS];
    out->bops_mac = x->bops_mac;
    out->bops_bitaware = x->bops_bitaware;
}

void surr_predict(const surr_version *v, const surr_features *x, const surr_part *part, surr_prediction *out)
{
    double phi[SURR_B_COUNT];
    int bits = v->t[0].dsp_min_bits;
    surr_basis_eval(bits, x, phi);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const surr_target_model *m = &v->t[t];
        if (m->dsp_min_bits != bits) /* targets share one threshold unless a refit kept a parent's model */
            surr_basis_eval(bits = m->dsp_min_bits, x, phi);
        double y = 0;
        for (int k = 0; k < SURR_B_COUNT; k++)
            y += m->coef[k] * phi[k]; /* coef is 0 outside the mask */
        if (m->flags & SURR_TM_NO_DATA)
            y = 0;
        out->y[t] = y > 0 ? y : 0;
        out->lo[t] = out->hi[t] = NAN;
    }
    finish(x, part, out);
}

void surr_predict_interval(const surr_version *v, const surr_features *x, const surr_part *part,
                           surr_prediction *out)
{
    double phi[SURR_B_COUNT];
    surr_predict(v, x, part, out);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const surr_target_model *m = &v->t[t];
        surr_basis_eval(m->dsp_min_bits, x, phi);
        if (m->flags & SURR_TM_NO_DATA) {
            out->lo[t] = out->hi[t] = 0;
            continue;
        }
        double var = 0;
        for (int i = 0; i < SURR_B_COUNT; i++) {
            if (!(m->mask & B(i)))
                continue;
            for (int j = 0; j < SURR_B_COUNT; j++)
                if (m->mask & B(j))
                    var += phi[i] * m->cov[i][j] * phi[j];
        }
        double y = out->y[t];
        double s = m->sigma_rel * fmax(y, surr_target_floor((enum surr_target)t));
        double h = 1.96 * sqrt(fmax(var, 0) + s * s);
        double floor_v = (t == SURR_T_II || t == SURR_T_LATENCY_CYCLES) ? 1.0 : 0.0;
        out->lo[t] = fmax(y - h, floor_v);
        out->hi[t] = y + h;
    }
}

/* ---------------------------------------------------------------------- blob */

#define BLOB_FORMAT 2u
#define BLOB_HEADER 20u
#define BLOB_TARGET (16u + 8u * SURR_B_COUNT + 8u + 8u * SURR_B_COUNT * SURR_B_COUNT)

int surr_coef_encode(const surr_version *v, void **blob, size_t *len)
{
    size_t n = BLOB_HEADER + (size_t)SURR_T_COUNT * BLOB_TARGET;
    unsigned char *b = malloc(n);
    if (!b)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    memcpy(b, "SNSV", 4);
    le_put_u32(b + 4, BLOB_FORMAT);
    le_put_u32(b + 8, (uint32_t)v->basis_version);
    le_put_u32(b + 12, SURR_T_COUNT);
    le_put_u32(b + 16, SURR_B_COUNT);
    unsigned char *p = b + BLOB_HEADER;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const surr_target_model *m = &v->t[t];
        le_put_u32(p, m->mask);
        le_put_u32(p + 4, m->flags);
        le_put_u32(p + 8, (uint32_t)(int32_t)m->dsp_min_bits);
        le_put_u32(p + 12, 0);
        p += 16;
        for (int k = 0; k < SURR_B_COUNT; k++, p += 8)
            le_put_f64(p, m->coef[k]);
        le_put_f64(p, m->sigma_rel);
        p += 8;
        for (int i = 0; i < SURR_B_COUNT; i++)
            for (int j = 0; j < SURR_B_COUNT; j++, p += 8)
                le_put_f64(p, m->cov[i][j]);
    }
    *blob = b;
    *len = n;
    return SNAC_OK;
}

int surr_coef_decode(const void *blob, size_t len, surr_version *v)
{
    const unsigned char *b = blob;
    if (len < BLOB_HEADER || memcmp(b, "SNSV", 4) != 0)
        return snac_err_set(SNAC_EFORMAT, "surrogate coefficients: not an SNSV blob");
    uint32_t fmt = le_get_u32(b + 4);
    if (fmt != BLOB_FORMAT)
        return snac_err_set(SNAC_EFORMAT,
                            "surrogate coefficients: blob format %u, this tool reads format %u (basis version %d)%s",
                            fmt, BLOB_FORMAT, SURR_BASIS_VERSION,
                            fmt < BLOB_FORMAT ? ": a version of the older log-linear model; the structural default "
                                                "replaces it (see snac predict)" : "");
    uint32_t bv = le_get_u32(b + 8), nt = le_get_u32(b + 12), nb = le_get_u32(b + 16);
    if (bv != SURR_BASIS_VERSION || nt != SURR_T_COUNT || nb != SURR_B_COUNT)
        return snac_err_set(SNAC_EFORMAT,
                            "surrogate coefficients: basis version %u with %u targets x %u functions; this tool "
                            "evaluates basis version %d (%d x %d)", bv, nt, nb, SURR_BASIS_VERSION, SURR_T_COUNT,
                            SURR_B_COUNT);
    if (len != BLOB_HEADER + (size_t)nt * BLOB_TARGET)
        return snac_err_set(SNAC_EFORMAT, "surrogate coefficients: blob is %zu bytes, expected %zu", len,
                            (size_t)(BLOB_HEADER + (size_t)nt * BLOB_TARGET));
    v->basis_version = (int)bv;
    const unsigned char *p = b + BLOB_HEADER;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        surr_target_model *m = &v->t[t];
        m->mask = le_get_u32(p);
        m->flags = le_get_u32(p + 4);
        m->dsp_min_bits = (int)(int32_t)le_get_u32(p + 8);
        p += 16;
        for (int k = 0; k < SURR_B_COUNT; k++, p += 8)
            m->coef[k] = le_get_f64(p);
        m->sigma_rel = le_get_f64(p);
        p += 8;
        for (int i = 0; i < SURR_B_COUNT; i++)
            for (int j = 0; j < SURR_B_COUNT; j++, p += 8)
                m->cov[i][j] = le_get_f64(p);
    }
    return SNAC_OK;
}
