/* surr_features — feature extraction and BOPs; see surr_features.h.
 *
 * Memory: per-layer tallies live on the stack; a layer with known weights allocates the codes of its
 * 3+-digit weights (n_in n_out) and marks (2^w) while they are counted; a yosys spec also one leaf
 * array per layer (n_in + 1).
 * Workload: one pass over the weights of each layer whose weights are known.
 */
#include "surrogate/surr_features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "surrogate/surr_part.h"
#include "util/err.h"

const char *const surr_feature_names[SURR_F_COUNT] = {
    "macs", "nonzero", "pow2", "general", "csd_digits", "csd_add_bits", "mult_bits", "acc_add_bits",
    "general_per_cycle", "csd_add_per_cycle", "mult_bits_per_cycle", "acc_add_per_cycle", "stored_bits",
    "w_bits", "a_bits", "acc_bits", "tree_depth", "tree_depth_max", "layers", "neurons", "out_bits",
    "table_acts", "relu_bits", "bn_folded", "rf_max", "sparsity", "clock_ns", "fanin", "delay_scale"};
_Static_assert(sizeof surr_feature_names / sizeof *surr_feature_names == SURR_F_COUNT, "feature names");

/* ------------------------------------------------------- expected-mode stats */

/* The enumeration below costs 2^we steps; its result depends only on (we, signed),
 * so each thread memoises it (the validation layer extracts features for
 * thousands of stored results). */
typedef struct code_stats_memo {
    bool done;
    double pp, mean;
    double n_nonzero, n_csd3; /* nonzero codes; of those, codes with >= 3 CSD digits */
} code_stats_memo;
static _Thread_local code_stats_memo code_stats_cache[17][2];

void surr_weight_code_stats(int width, bool is_signed, double *p_pow2, double *mean_csd_general)
{
    int w = width < 1 ? 1 : width;
    int we = w > 16 ? 16 : w; /* enumerate at most 2^16 codes */
    code_stats_memo *memo = &code_stats_cache[we][is_signed ? 1 : 0];
    if (!memo->done) {
        int64_t lo = is_signed ? -((int64_t)1 << (we - 1)) : 0;
        int64_t hi = is_signed ? ((int64_t)1 << (we - 1)) - 1 : ((int64_t)1 << we) - 1;
        double n_nonzero = 0, n_pow2 = 0, csd_sum = 0, n_csd3 = 0;
        for (int64_t v = lo; v <= hi; v++) {
            if (v == 0)
                continue;
            n_nonzero += 1;
            if (quant_is_pow2(v)) {
                n_pow2 += 1;
            } else {
                int d = quant_csd_digits(v);
                csd_sum += d;
                n_csd3 += d >= SURR_VITIS_DSP_CSD_DIGITS;
            }
        }
        double general = n_nonzero - n_pow2;
        memo->mean = general > 0 ? csd_sum / general : 0.0;
        memo->pp = n_nonzero > 0 ? n_pow2 / n_nonzero : 0.0;
        memo->n_nonzero = n_nonzero;
        memo->n_csd3 = n_csd3;
        memo->done = true;
    }
    double mean = memo->mean;
    double pp = memo->pp;
    if (w > we) {
        /* Beyond 16 bits: NAF has on average 1/3 nonzero digits per extra bit, and
         * the power-of-two share shrinks as (2W-1)/(2^W-1). */
        mean += (double)(w - we) / 3.0;
        pp = (2.0 * w - 1.0) / (ldexp(1.0, w) - 1.0);
    }
    *p_pow2 = pp;
    *mean_csd_general = mean;
}

/* Expected distinct products of one input with the codes of >= SURR_VITIS_DSP_CSD_DIGITS CSD digits,
 * when it meets m nonzero weights drawn uniformly from the type's nonzero codes: each such code is
 * met at least once with probability 1 - (1 - 1/codes)^m. */
static double expected_dsp_products(int width, bool is_signed, double m)
{
    double pp, mean;
    surr_weight_code_stats(width, is_signed, &pp, &mean); /* fills the memo */
    const int we = width < 1 ? 1 : width > 16 ? 16 : width;
    const code_stats_memo *memo = &code_stats_cache[we][is_signed ? 1 : 0];
    if (width > 16) /* too many codes to meet one twice: every such draw is its own product */
        return m * memo->n_csd3 / memo->n_nonzero;
    if (memo->n_nonzero <= 0 || m <= 0)
        return 0.0;
    return memo->n_csd3 * (1.0 - pow(1.0 - 1.0 / memo->n_nonzero, m));
}

/* --------------------------------------------------------------------- BOPs */

double surr_bops_mac(const surr_spec *s)
{
    double m = 0;
    for (size_t l = 0; l < s->n_layers; l++)
        m += (double)s->layer[l].n_in * (double)s->layer[l].n_out;
    return m;
}

/* Zero fraction of layer l: counted from the quantised weights when known. */
static double layer_sparsity(const surr_layer *L)
{
    if (!L->w)
        return L->sparsity;
    size_t n = L->n_in * L->n_out, zeros = 0;
    for (size_t i = 0; i < n; i++)
        zeros += quant_from_double(&L->weight, L->w[i], NULL) == 0;
    return n ? (double)zeros / (double)n : 0.0;
}

double surr_bops_bitaware(const surr_spec *s)
{
    double b = 0;
    for (size_t l = 0; l < s->n_layers; l++) {
        const surr_layer *L = &s->layer[l];
        double n = (double)L->n_in * (double)L->n_out;
        double bw = L->weight.width, ba = L->input.width;
        double sp = layer_sparsity(L);
        b += n * ((1.0 - sp) * bw * ba + bw + ba + log2((double)L->n_in));
    }
    return b;
}

/* ------------------------------------------------- snac's own RTL (yosys-0.23) */

/* For the yosys toolchain the design is snac's own RTL (export_rtl.h), so the adder and register
 * counts are those of that RTL: per built neuron, the bias and every nonzero product are leaves
 * sized to their exact value range (a product at least as wide as the extended input); a CSD
 * product's shift-adds, and the negation of a negative weight, are adders of its width; a
 * balanced tree over the leaves in order sums them, each node sized to its range (at most the
 * accumulator). Weights wider than the RTL's CSD limit are `*` (DSP), not adders. A hidden neuron
 * that no nonzero weight of the next layer reads is not built; with every weight known, only the cone
 * of the outputs is (rtl_live: what Yosys keeps of a pruned net), and a neuron of its bias alone is a
 * constant. The output registers keep only the bits of each output that can change: synthesis removes
 * constant bits and merges sign copies. A tanh/sigmoid ROM counts the LUT6 blocks its reachable words
 * need per output bit (table_blocks); the codes a layer's outputs can take bound the next layer's
 * reachable words (rtl_io), enumerated when few.
 * tests/export checks the adder count against the RTL writer's own report. */
typedef struct rtl_leaf {
    double lo, hi;
    int width;
} rtl_leaf;

static rtl_leaf rtl_tree(const rtl_leaf *leaf, size_t lo, size_t hi, int cap, double *bits)
{
    if (hi - lo == 1)
        return leaf[lo];
    const size_t mid = lo + (hi - lo) / 2;
    rtl_leaf a = rtl_tree(leaf, lo, mid, cap, bits), c = rtl_tree(leaf, mid, hi, cap, bits), n;
    n.lo = a.lo + c.lo;
    n.hi = a.hi + c.hi;
    n.width = quant_range_bits(n.lo, n.hi, cap);
    n.width = n.width < a.width ? a.width : n.width;
    n.width = n.width < c.width ? c.width : n.width;
    *bits += n.width;
    return n;
}

/* Bits of an output code range that can change. */
static int live_bits(int64_t lo, int64_t hi)
{
    if (lo == hi)
        return 0;
    if (lo >= 0) {
        int b = 0;
        while (b < 63 && ((int64_t)1 << b) <= hi)
            b++;
        return b;
    }
    return quant_range_bits((double)lo, (double)hi, 64);
}

/* Whether output j of layer l is read by a nonzero weight of layer l + 1 (always for the last). */
static bool rtl_neuron_used(const surr_spec *s, size_t l, size_t j)
{
    if (l + 1 >= s->n_layers)
        return true;
    const surr_layer *N = &s->layer[l + 1];
    for (size_t k = 0; k < N->n_out; k++)
        if (quant_from_double(&N->weight, N->w[k * N->n_in + j], NULL) != 0)
            return true;
    return false;
}

/* Table entries a neuron of a tanh/sigmoid layer can index when its dense result lies in [vlo, vhi]:
 * hls4ml's index rule, (int)(x * N / 16) + N/2 for sigmoid (x * N / 8 for tanh), truncated toward
 * zero and clamped to [0, N-1]. Yosys keeps only the ROM words a neuron can reach. */
static double table_entries(enum surr_act act, size_t n, double vlo, double vhi, double *ilo, double *ihi)
{
    *ilo = 0;
    *ihi = (double)n - 1;
    if (act != SURR_ACT_TANH && act != SURR_ACT_SIGMOID)
        return (double)n;
    const double scale = (double)n / (act == SURR_ACT_SIGMOID ? 16.0 : 8.0), half = (double)(n / 2);
    double lo = trunc(vlo * scale) + half, hi = trunc(vhi * scale) + half;
    *ilo = fmin(fmax(lo, 0.0), (double)n - 1);
    *ihi = fmin(fmax(hi, 0.0), (double)n - 1);
    return *ihi - *ilo + 1;
}

/* The output code of table word `idx` (hls4ml's table: sigmoid(16 (i - N/2) / N), tanh(8 (i - N/2) / N)),
 * cast to the layer's output type; both are increasing, so the words at the ends bound the codes. */
static int64_t table_code(const surr_layer *L, size_t n, double idx)
{
    double x = (idx - (double)(n / 2)) / (double)n;
    double v = L->act == SURR_ACT_SIGMOID ? 1.0 / (1.0 + exp(-16.0 * x)) : tanh(8.0 * x);
    return quant_from_double(&L->output, v, NULL);
}

/* The LUT-sized pieces of a neuron's ROM that synthesis keeps, over the words [ilo, ihi] it can reach
 * (only those marked in `reach` when that is known): for each output bit that changes among them, the
 * 64-word aligned blocks (a LUT6 each) over which it changes, at least one; and at most what any
 * function of the neuron's `support` input bits costs, 2^(support - 6) LUT6 (one LUT for up to 6 bits).
 * Yosys turns the ROM into a mux tree of constants and flattens it into the neuron's logic: a block
 * where the bit is constant folds away, a bit constant over every reachable word is not built, and a
 * neuron that reads one 4-bit input is a 4-input function whatever the table holds. A sigmoid or tanh
 * code is a staircase: at 4 output bits most blocks are flat, at 8 bits few are. */
static double table_blocks(const surr_layer *L, size_t n, double ilo, double ihi, const unsigned char *reach,
                           double support)
{
    const int w = L->output.width < 64 ? L->output.width : 64;
    const uint64_t live = w >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
    const size_t lo_w = (size_t)ilo, hi_w = (size_t)ihi;
    double blocks[64] = {0};
    bool have = false;
    uint64_t code0 = 0, vary_all = 0;
    for (size_t b0 = lo_w & ~(size_t)63; b0 <= hi_w; b0 += 64) {
        const size_t lo = b0 < lo_w ? lo_w : b0, hi = b0 + 63 > hi_w ? hi_w : b0 + 63;
        bool first = true;
        uint64_t c0 = 0, vary = 0;
        for (size_t i = lo; i <= hi; i++) {
            if (reach && !reach[i])
                continue;
            const uint64_t c = (uint64_t)table_code(L, n, (double)i);
            if (first) {
                c0 = c;
                first = false;
            }
            vary |= c ^ c0;
            if (!have) {
                code0 = c;
                have = true;
            }
            vary_all |= c ^ code0;
        }
        vary &= live;
        for (int b = 0; b < w; b++)
            blocks[b] += (double)((vary >> b) & 1);
    }
    vary_all &= live;
    const double cap = support > 6.0 ? ldexp(1.0, (int)fmin(support - 6.0, 60.0)) : 1.0;
    double sum = 0;
    for (int b = 0; b < w; b++)
        if ((vary_all >> b) & 1)
            sum += fmin(fmax(blocks[b], 1.0), cap);
    return sum;
}

/* table_units of one neuron: its ROM blocks over those of a full table with 8 output bits that all
 * change in every block (8 x table size / 64), so that such a neuron counts 1. */
static double table_units_of(const surr_layer *L, size_t n, double ilo, double ihi, const unsigned char *reach,
                             double support)
{
    return table_blocks(L, n, ilo, ihi, reach, support) / (8.0 * (double)n / 64.0);
}

/* A table neuron whose inputs take at most this many combinations has its reachable words enumerated
 * (at most RTL_ENUM_MAX_WORDS_LOG2 nonzero inputs can: each takes two codes or more). */
#define RTL_ENUM_MAX_WORDS_LOG2 12
#define RTL_ENUM_MAX_WORDS (1 << RTL_ENUM_MAX_WORDS_LOG2)

/* The codes a built neuron's output register can hold, as the next layer sees them (rtl_io, one per
 * neuron): the register starts at 0 (its init value) and then holds codes in [lo, hi]; a neuron with
 * no nonzero weight (its bias alone) holds 0 and then one constant, so the next layer sees a one-bit
 * input (Yosys keeps the register: its input differs from its init value). */
typedef struct rtl_io {
    double lo, hi; /* codes, 0 included */
    bool two;      /* only 0 and one other code (lo or hi) */
} rtl_io;

/* Layer l's product adder bits, tree adder bits and live output bits in snac's RTL (weights known,
 * and the next layer's too); for a table layer also its ROMs in full-table equivalents
 * (surr_layer_terms.table_units: table_units_of each built neuron). `in` (n_in, NULL: the input
 * type's full range) are the codes the layer's inputs can take (the previous layer's `out`); `out`
 * (n_out, may be NULL) receives the codes of this layer's outputs; `live` (n_out, NULL: a nonzero
 * weight of the next layer reads it) says which neurons are built (rtl_live). A neuron whose reachable table
 * words fit RTL_ENUM_MAX_WORDS input combinations has them enumerated exactly. */
static int rtl_exact(const surr_spec *s, size_t l, const rtl_io *in, rtl_io *out, const unsigned char *live,
                     double *prod_bits, double *tree_bits, double *out_bits, double *table_units)
{
    const surr_layer *L = &s->layer[l];
    const quant_prec acc = surr_spec_layer_accum(s, l);
    const int AW = acc.width, FA = quant_frac(&acc), XE = L->input.width + 1;
    const int sa = FA - quant_frac(&L->input) - quant_frac(&L->weight), sb = FA - quant_frac(&L->bias);
    const double tlo = (double)quant_code_min(&L->input), thi = (double)quant_code_max(&L->input);
    const bool csd = L->weight.width <= SURR_RTL_CSD_MAX_WIDTH;
    const bool table = L->act == SURR_ACT_TANH || L->act == SURR_ACT_SIGMOID;
    rtl_leaf *leaf = malloc((L->n_in + 1) * sizeof *leaf);
    double *wvs = malloc((L->n_in + 1) * sizeof *wvs);            /* (nonzero inputs) weight in accumulator codes */
    size_t *src = malloc((L->n_in + 1) * sizeof *src);            /* (nonzero inputs) the input each reads */
    unsigned char *reach = table ? malloc(s->table_size) : NULL; /* (table_size) words a neuron can reach */
    if (!leaf || !wvs || !src || (table && !reach)) {
        free(leaf);
        free(wvs);
        free(src);
        free(reach);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    *prod_bits = *tree_bits = *out_bits = *table_units = 0;
    for (size_t j = 0; j < L->n_out; j++) {
        const bool used = live ? live[j] != 0 : rtl_neuron_used(s, l, j);
        if (!used && !out)
            continue;
        double nb_prod = 0, nb_tree = 0, nb_out = 0, nb_table = 0; /* this neuron's */
        size_t nt = 0;
        double combos = 1, support = 0;
        const double bv = L->b ? ldexp((double)quant_from_double(&L->bias, L->b[j], NULL), sb) : 0.0;
        leaf[nt++] = (rtl_leaf){bv, bv, quant_range_bits(bv, bv, AW)};
        for (size_t i = 0; i < L->n_in; i++) {
            const int64_t w = quant_from_double(&L->weight, L->w[j * L->n_in + i], NULL);
            if (w == 0)
                continue;
            const double wv = ldexp((double)w, sa);
            const double xlo = in ? in[i].lo : tlo, xhi = in ? in[i].hi : thi;
            wvs[nt - 1] = wv;
            src[nt - 1] = i;
            combos *= in && in[i].two ? 2.0 : xhi - xlo + 1.0;
            support += in && in[i].two ? 1.0 : (double)live_bits((int64_t)xlo, (int64_t)xhi);
            /* the adders are as wide as the RTL writes them, from the input type (Yosys does not narrow
             * them by value ranges; narrowing fitted worse) */
            rtl_leaf *t = &leaf[nt++];
            t->lo = fmin(tlo * wv, thi * wv);
            t->hi = fmax(tlo * wv, thi * wv);
            t->width = quant_range_bits(t->lo, t->hi, AW);
            t->width = t->width < XE ? XE : t->width;
            if (csd) /* CSD digits - 1 adders, plus a negation when the leading digit (w's sign) is negative */
                nb_prod += (double)(quant_csd_digits(w) - 1 + (w < 0)) * t->width;
        }
        rtl_leaf root = rtl_tree(leaf, 0, nt, AW, &nb_tree);
        double vlo = ldexp(root.lo, -FA), vhi = ldexp(root.hi, -FA);
        int64_t clo, chi;
        if (table) {
            /* the words it can reach (enumerated when its inputs take few combinations), and the output
             * bits that can change among them */
            double ilo, ihi;
            const size_t nz = nt - 1;
            const unsigned char *known = NULL;
            table_entries(L->act, s->table_size, vlo, vhi, &ilo, &ihi);
            if (combos <= RTL_ENUM_MAX_WORDS && nz <= RTL_ENUM_MAX_WORDS_LOG2) {
                double x[RTL_ENUM_MAX_WORDS_LOG2 + 1];
                memset(reach, 0, s->table_size);
                for (size_t i = 0; i < nz; i++)
                    x[i] = in ? in[src[i]].lo : tlo;
                ilo = (double)s->table_size;
                ihi = 0;
                for (;;) {
                    double a = bv, ia, ib;
                    for (size_t i = 0; i < nz; i++)
                        a += wvs[i] * x[i];
                    table_entries(L->act, s->table_size, ldexp(a, -FA), ldexp(a, -FA), &ia, &ib);
                    reach[(size_t)ia] = 1;
                    ilo = fmin(ilo, ia);
                    ihi = fmax(ihi, ia);
                    /* next combination: a two-valued input steps from lo to hi at once */
                    size_t i = 0;
                    for (; i < nz; i++) {
                        const double lo = in ? in[src[i]].lo : tlo, hi = in ? in[src[i]].hi : thi;
                        if (x[i] < hi) {
                            x[i] = in && in[src[i]].two ? hi : x[i] + 1;
                            break;
                        }
                        x[i] = lo;
                    }
                    if (i == nz)
                        break;
                }
                known = reach;
            }
            clo = table_code(L, s->table_size, ilo);
            chi = table_code(L, s->table_size, ihi);
            nb_table = table_units_of(L, s->table_size, ilo, ihi, known, support);
            nb_out = live_bits(clo, chi);
        } else if (L->act == SURR_ACT_SOFTMAX) {
            clo = quant_code_min(&L->output);
            chi = quant_code_max(&L->output);
            nb_out = L->output.width;
            nb_table = (double)L->output.width / 8.0;
        } else {
            if (L->act == SURR_ACT_RELU) {
                vlo = fmax(vlo, 0.0);
                vhi = fmax(vhi, 0.0);
            }
            clo = quant_from_double(&L->output, vlo, NULL);
            chi = quant_from_double(&L->output, vhi, NULL);
            nb_out = live_bits(clo, chi);
        }
        /* one code only, by the ranges, but not visibly constant to synthesis (its inputs change): its
         * register keeps the bits that code sets */
        if (nt > 1 && clo == chi)
            nb_out = live_bits(clo < 0 ? clo : 0, clo < 0 ? 0 : clo);
        if (out)
            out[j] = (rtl_io){fmin((double)clo, 0.0), fmax((double)chi, 0.0), nt == 1};
        /* a neuron of its bias alone is a constant: no logic; its register folds into one shared
         * with every other constant (the next layer still sees it change once) */
        if (used && nt > 1) {
            *prod_bits += nb_prod;
            *tree_bits += nb_tree;
            *out_bits += nb_out;
            *table_units += nb_table;
        }
    }
    free(leaf);
    free(wvs);
    free(src);
    free(reach);
    return SNAC_OK;
}

/* The same from bit widths and sparsity alone: an estimate for the search (product width
 * a_w + w_w - 1, a negation for half the weights, tree nodes half a bit wider per level on average;
 * a neuron is built when some weight of the next layer reading it is nonzero). */
static void rtl_expected(const surr_spec *s, size_t l, int acc_w, double *prod_bits, double *tree_bits)
{
    const surr_layer *L = &s->layer[l];
    const double built = l + 1 < s->n_layers
                             ? 1.0 - pow(s->layer[l + 1].sparsity, (double)s->layer[l + 1].n_out)
                             : 1.0;
    double p_pow2, mean_csd;
    surr_weight_code_stats(L->weight.width, L->weight.is_signed, &p_pow2, &mean_csd);
    const double nz = (1.0 - L->sparsity) * (double)L->n_in * (double)L->n_out;
    const double pw = L->input.width + L->weight.width - 1, terms = nz / (double)L->n_out + 1.0;
    const double per_weight = L->weight.width <= SURR_RTL_CSD_MAX_WIDTH
                                  ? (1.0 - p_pow2) * (mean_csd - 1.0) + (L->weight.is_signed ? 0.5 : 0.0)
                                  : 0.0;
    *prod_bits = built * nz * per_weight * pw;
    *tree_bits = built * (double)L->n_out * (terms - 1.0) * fmin((double)acc_w, pw + 0.5 * log2(terms) + 1.0);
}

/* ------------------------------------------------------------------ features */

typedef struct layer_tally {
    double nonzero, pow2, general, csd, csd_add_bits, acc_terms; /* acc_terms: sum over neurons of (terms-1) */
    double dsp_products; /* distinct (input, code) products with >= SURR_VITIS_DSP_CSD_DIGITS CSD digits */
} layer_tally;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Vitis HLS computes a product a * c once per input and constant (one input meets the same code in
 * several neurons: one multiplier) and puts it on a DSP when c's shift-add form needs
 * SURR_VITIS_DSP_CSD_DIGITS digits or more (surr_features.h). code[k] / in[k] (k < m): such weights and
 * the input each reads; bucket: scratch of m codes; start: scratch of n_in + 1. */
static double count_dsp_products(const surr_layer *L, const int64_t *code, const size_t *in, size_t m,
                                 int64_t *bucket, size_t *start)
{
    const size_t n_in = L->n_in;
    memset(start, 0, (n_in + 1) * sizeof *start);
    for (size_t k = 0; k < m; k++)
        start[in[k] + 1]++;
    for (size_t i = 0; i < n_in; i++)
        start[i + 1] += start[i];
    for (size_t k = 0; k < m; k++)
        bucket[start[in[k]]++] = code[k];
    /* up to 16-bit weights: mark each code with the last input that met it (no sort) */
    const int w = L->weight.width;
    uint32_t *seen = w <= 16 ? calloc((size_t)1 << w, sizeof *seen) : NULL; /* (2^w) */
    const int64_t cmin = quant_code_min(&L->weight);
    double n = 0;
    for (size_t i = 0, lo = 0; i < n_in; lo = start[i++]) {
        if (seen) {
            for (size_t j = lo; j < start[i]; j++) {
                uint32_t *s = &seen[bucket[j] - cmin];
                n += *s != (uint32_t)(i + 1);
                *s = (uint32_t)(i + 1);
            }
            continue;
        }
        qsort(bucket + lo, start[i] - lo, sizeof *bucket, cmp_i64);
        for (size_t j = lo; j < start[i]; j++)
            n += j == lo || bucket[j] != bucket[j - 1];
    }
    free(seen);
    return n;
}

static int tally_exact(const surr_layer *L, size_t l, layer_tally *t)
{
    int ab = L->input.width, wb = L->weight.width;
    memset(t, 0, sizeof *t);
    const size_t n = L->n_in * L->n_out;
    int64_t *code = malloc((n ? n : 1) * sizeof *code), *bucket = malloc((n ? n : 1) * sizeof *bucket); /* (m) */
    size_t *in = malloc((n ? n : 1) * sizeof *in), *start = malloc((L->n_in + 1) * sizeof *start);
    if (!code || !bucket || !in || !start) {
        free(code);
        free(bucket);
        free(in);
        free(start);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    size_t m = 0; /* weights of >= SURR_VITIS_DSP_CSD_DIGITS CSD digits */
    for (size_t o = 0; o < L->n_out; o++) {
        const float *row = L->w + o * L->n_in; /* (n_in) */
        double terms = 0;
        for (size_t i = 0; i < L->n_in; i++) {
            float x = row[i];
            if (!isfinite(x)) {
                free(code);
                free(bucket);
                free(in);
                free(start);
                return snac_err_set(SNAC_EINVAL, "layer %zu: weight [%zu, %zu] is not finite (%g)", l, o, i,
                                    (double)x);
            }
            int64_t v = quant_from_double(&L->weight, x, NULL);
            if (v == 0)
                continue;
            t->nonzero += 1;
            terms += 1;
            if (quant_is_pow2(v)) {
                t->pow2 += 1;
            } else {
                int d = quant_csd_digits(v);
                t->general += 1;
                t->csd += d;
                t->csd_add_bits += (double)(d - 1) * (ab + wb);
                if (d >= SURR_VITIS_DSP_CSD_DIGITS) {
                    code[m] = v;
                    in[m++] = i;
                }
            }
        }
        bool has_bias = true;
        if (L->b)
            has_bias = quant_from_double(&L->bias, L->b[o], NULL) != 0;
        terms += has_bias ? 1 : 0;
        t->acc_terms += terms > 1 ? terms - 1 : 0;
    }
    t->dsp_products = count_dsp_products(L, code, in, m, bucket, start);
    free(code);
    free(bucket);
    free(in);
    free(start);
    return SNAC_OK;
}

/* The tally of weights counted elsewhere (the spec's wstats): the same numbers tally_exact gives. */
static void tally_stats(const surr_layer *L, layer_tally *t)
{
    const surr_wstats *w = &L->wstats;
    memset(t, 0, sizeof *t);
    t->nonzero = w->nonzero;
    t->pow2 = w->pow2;
    t->general = w->nonzero - w->pow2;
    t->csd = w->csd;
    t->csd_add_bits = (w->csd - t->general) * (L->input.width + L->weight.width);
    t->acc_terms = w->acc_terms;
    const double per_input = L->n_in ? w->nonzero / (double)L->n_in : 0.0;
    t->dsp_products = w->dsp_products >= 0 ? w->dsp_products
                                           : (double)L->n_in * expected_dsp_products(L->weight.width,
                                                                                     L->weight.is_signed, per_input);
}

double surr_layer_ii(double n, double zeros, double general, double rf, bool resource)
{
    if (rf <= 1)
        return 1;
    if (resource)
        return rf;
    double limit = ceil(n / rf) - floor(zeros / rf);
    if (limit < 1)
        limit = 1;
    double ii = ceil(general / limit - 1e-9);
    return ii < 1 ? 1 : ii > rf ? rf : ii;
}

int surr_wstats_count(const surr_layer *L, size_t l, surr_wstats *out)
{
    memset(out, 0, sizeof *out);
    if (!L->w)
        return snac_err_set(SNAC_EINVAL, "layer %zu: no weights to count", l);
    layer_tally t;
    int rc = tally_exact(L, l, &t);
    if (rc)
        return rc;
    *out = (surr_wstats){true, t.nonzero, t.pow2, t.csd, t.acc_terms, t.dsp_products};
    return SNAC_OK;
}

static void tally_expected(const surr_layer *L, layer_tally *t)
{
    double p_pow2, mean_csd;
    surr_weight_code_stats(L->weight.width, L->weight.is_signed, &p_pow2, &mean_csd);
    double n = (double)L->n_in * (double)L->n_out;
    int ab = L->input.width, wb = L->weight.width;
    t->nonzero = (1.0 - L->sparsity) * n;
    t->pow2 = t->nonzero * p_pow2;
    t->general = t->nonzero - t->pow2;
    t->csd = t->general * mean_csd;
    t->csd_add_bits = t->general * (mean_csd - 1.0) * (ab + wb);
    /* terms per neuron: (1-s)*n_in weights + the bias */
    t->acc_terms = (double)L->n_out * (1.0 - L->sparsity) * (double)L->n_in;
    t->dsp_products = (double)L->n_in * expected_dsp_products(wb, L->weight.is_signed,
                                                              (1.0 - L->sparsity) * (double)L->n_out);
}

/* Resource strategy (hls4ml dense_resource): the weights are read from memory,
 * not constants, so zeros and powers of two are multiplied like any weight and a
 * multiplier kept in fabric is a generic one: w_w - 1 partial-product adders of
 * a_w + w_w bits (the CSD count of a constant replaced by the weight width). The
 * adder tree sums every product. The zero count still sets the bit-aware BOPs. */
static void tally_resource(const surr_layer *L, layer_tally *t)
{
    double n = (double)L->n_in * (double)L->n_out;
    int ab = L->input.width, wb = L->weight.width;
    t->general = n;
    t->pow2 = 0;
    t->csd = n * wb;
    t->csd_add_bits = n * (double)(wb > 1 ? wb - 1 : 0) * (ab + wb);
    t->acc_terms = (double)L->n_out * (double)L->n_in;
    t->dsp_products = n; /* weights from memory: every product is a generic multiply */
}

/* Which neurons synthesis keeps (every weight known): every output of the last layer, and a neuron
 * that a nonzero weight of a kept neuron of the next layer reads. Yosys removes logic nothing reads:
 * a pruned net keeps only the cone of its outputs (a 91%-sparse 24-16-16-16-5 sigmoid net keeps 4 of
 * its 16 third-layer neurons, and of the first two layers only what feeds those). live: one row of
 * n_out per layer, rows consecutive. */
static void rtl_live(const surr_spec *s, unsigned char *live)
{
    size_t off[SURR_MAX_LAYERS], o = 0;
    for (size_t l = 0; l < s->n_layers; l++) {
        off[l] = o;
        o += s->layer[l].n_out;
    }
    for (size_t l = s->n_layers; l-- > 0;) {
        const surr_layer *L = &s->layer[l];
        unsigned char *u = live + off[l];
        if (l + 1 == s->n_layers) {
            memset(u, 1, L->n_out);
            continue;
        }
        const surr_layer *N = &s->layer[l + 1];
        const unsigned char *un = live + off[l + 1];
        for (size_t j = 0; j < L->n_out; j++) {
            u[j] = 0;
            for (size_t k = 0; k < N->n_out && !u[j]; k++)
                u[j] = un[k] && quant_from_double(&N->weight, N->w[k * N->n_in + j], NULL) != 0;
        }
    }
}

bool surr_spec_dataflow(const surr_spec *s)
{
    return s->toolchain != SURR_TC_YOSYS_0_23 &&
           (s->io_type == SURR_IO_STREAM || s->strategy == SURR_STRATEGY_RESOURCE);
}

int surr_layer_result_width(const surr_spec *s, size_t l)
{
    const surr_layer *L = &s->layer[l];
    return L->accum.width > 0 ? L->accum.width : L->output.width;
}

void surr_layer_fifos(const surr_spec *s, size_t l, double *fifos, double *fifo_bits)
{
    *fifos = *fifo_bits = 0;
    if (!surr_spec_dataflow(s) || l >= s->n_layers)
        return;
    const surr_layer *L = &s->layer[l];
    double n_out = (double)L->n_out;
    int res_w = surr_layer_result_width(s, l);
    int calls_after = (L->normalize ? 1 : 0) + (L->act != SURR_ACT_LINEAR ? 1 : 0);
    *fifos += calls_after * n_out; /* dense -> normalize -> activation */
    *fifo_bits += calls_after * n_out * res_w;
    if (l + 1 < s->n_layers) { /* this layer's output -> the next layer's dense call */
        *fifos += n_out;
        *fifo_bits += n_out * L->output.width;
    }
    if (l == 0 && s->io_type == SURR_IO_PARALLEL) { /* the reshaped input array, one wide word */
        *fifos += 1;
        *fifo_bits += (double)L->n_in * L->input.width;
    }
}

int surr_features_extract(const surr_spec *s, surr_features *out)
{
    memset(out, 0, sizeof *out);
    int rc = surr_spec_validate(s);
    if (rc)
        return rc;
    double *f = out->f;
    out->exact = true;
    double wsum = 0;
    /* yosys-0.23 with every weight known: the codes each layer's outputs can take, for the next layer */
    rtl_io *io = NULL;
    bool live = s->toolchain == SURR_TC_YOSYS_0_23 && s->strategy == SURR_STRATEGY_LATENCY;
    size_t nn = 0;
    for (size_t l = 0; l < s->n_layers; l++) {
        live = live && s->layer[l].w;
        nn += s->layer[l].n_out;
    }
    unsigned char *kept = NULL;
    if (live) {
        io = malloc(nn * sizeof *io);
        kept = malloc(nn);
        if (!io || !kept) {
            free(io);
            free(kept);
            return snac_err_set(SNAC_ENOMEM, "out of memory");
        }
        rtl_live(s, kept);
    }
    size_t io_off = 0, io_prev = 0;
    for (size_t l = 0; l < s->n_layers; l++) {
        const surr_layer *L = &s->layer[l];
        layer_tally t;
        if (L->w) {
            if ((rc = tally_exact(L, l, &t))) {
                free(io);
                free(kept);
                return rc;
            }
        } else if (L->wstats.known) {
            tally_stats(L, &t);
        } else {
            out->exact = false;
            tally_expected(L, &t);
        }
        if (s->strategy == SURR_STRATEGY_RESOURCE)
            tally_resource(L, &t);
        double n = (double)L->n_in * (double)L->n_out;
        double rf = (double)surr_spec_layer_rf(s, l);
        quant_prec acc = surr_spec_layer_accum(s, l);
        int ab = L->input.width, wb = L->weight.width, ob = L->output.width;
        double mult_bits = t.general * ab * wb;
        double acc_bits = t.acc_terms * acc.width;
        double out_bits = (double)L->n_out * ob;
        bool table = L->act == SURR_ACT_TANH || L->act == SURR_ACT_SIGMOID || L->act == SURR_ACT_SOFTMAX;
        double table_units = table ? (double)L->n_out : 0.0;
        if (s->toolchain == SURR_TC_YOSYS_0_23 && s->strategy == SURR_STRATEGY_LATENCY) {
            /* snac's own RTL: its shift-add and adder-tree bits, its live output registers, the ROM
             * words its table neurons can reach (unknown: every word) */
            bool next_known = l + 1 >= s->n_layers || s->layer[l + 1].w;
            if (L->w && next_known) {
                if ((rc = rtl_exact(s, l, io && l ? io + io_prev : NULL, io ? io + io_off : NULL,
                                    kept ? kept + io_off : NULL, &t.csd_add_bits, &acc_bits, &out_bits,
                                    &table_units))) {
                    free(io);
                    free(kept);
                    return rc;
                }
                io_prev = io_off;
                io_off += L->n_out;
            } else {
                rtl_expected(s, l, acc.width, &t.csd_add_bits, &acc_bits);
                /* every word reachable; the inputs a neuron reads, from the sparsity */
                const double support = (1.0 - L->sparsity) * (double)L->n_in * L->input.width;
                if (L->act == SURR_ACT_TANH || L->act == SURR_ACT_SIGMOID)
                    table_units = (double)L->n_out *
                                  table_units_of(L, s->table_size, 0.0, (double)s->table_size - 1, NULL, support);
                else
                    table_units = table ? (double)L->n_out * ob / 8.0 : 0.0;
            }
        }
        f[SURR_F_MACS] += n;
        f[SURR_F_NONZERO] += t.nonzero;
        f[SURR_F_POW2] += t.pow2;
        f[SURR_F_GENERAL] += t.general;
        f[SURR_F_CSD_DIGITS] += t.csd;
        f[SURR_F_CSD_ADD_BITS] += t.csd_add_bits;
        f[SURR_F_MULT_BITS] += mult_bits;
        f[SURR_F_ACC_ADD_BITS] += acc_bits;
        f[SURR_F_GENERAL_PER_CYCLE] += t.general / rf;
        f[SURR_F_CSD_ADD_PER_CYCLE] += t.csd_add_bits / rf;
        f[SURR_F_MULT_BITS_PER_CYCLE] += mult_bits / rf;
        f[SURR_F_ACC_ADD_PER_CYCLE] += acc_bits / rf;
        double stored = (s->strategy == SURR_STRATEGY_RESOURCE ? n : t.nonzero) * wb; /* resource: zeros stored too */
        f[SURR_F_STORED_BITS] += stored;
        f[SURR_F_W_BITS] += n * wb;
        f[SURR_F_A_BITS] += n * ab;
        f[SURR_F_ACC_BITS] += n * acc.width;
        f[SURR_F_FANIN] += n * (double)L->n_in;
        wsum += n;
        int depth = surr_ceil_log2(L->n_in + 1); /* n_in products + the bias */
        f[SURR_F_TREE_DEPTH] += depth;
        if (depth > f[SURR_F_TREE_DEPTH_MAX])
            f[SURR_F_TREE_DEPTH_MAX] = depth;
        f[SURR_F_LAYERS] += 1;
        f[SURR_F_NEURONS] += (double)L->n_out;
        f[SURR_F_OUT_BITS] += out_bits;
        if (L->act == SURR_ACT_TANH || L->act == SURR_ACT_SIGMOID || L->act == SURR_ACT_SOFTMAX)
            f[SURR_F_TABLE_ACTS] += (double)L->n_out;
        if (L->act == SURR_ACT_RELU)
            f[SURR_F_RELU_BITS] += (double)L->n_out * ob;
        if (L->batch_norm)
            f[SURR_F_BN_FOLDED] += 1;
        if (rf > f[SURR_F_RF_MAX])
            f[SURR_F_RF_MAX] = rf;
        surr_layer_terms *lt = &out->layer[out->n_layers++];
        lt->n_in = (double)L->n_in;
        lt->n_out = (double)L->n_out;
        lt->rf = rf;
        lt->ii = surr_layer_ii(n, n - t.nonzero, t.general, rf, s->strategy == SURR_STRATEGY_RESOURCE);
        lt->nonzero = t.nonzero;
        lt->general = t.general;
        lt->dsp_products = t.dsp_products;
        lt->csd_add_bits = t.csd_add_bits;
        lt->acc_add_bits = acc_bits;
        lt->stored_bits = stored;
        lt->a_w = ab;
        lt->w_w = wb;
        lt->acc_w = acc.width;
        lt->out_w = ob;
        lt->out_bits = out_bits;
        lt->table_units = table_units;
        /* the critical path sums only the terms that survive: zero weights fold away
         * (Latency strategy), so a pruned neuron's tree is shallower */
        double terms = L->n_out ? t.acc_terms / (double)L->n_out : (double)L->n_in;
        lt->levels = surr_ceil_log2((size_t)ceil(terms) + 1);
        lt->act = L->act;
        lt->normalize = L->normalize;
        lt->resource = s->strategy == SURR_STRATEGY_RESOURCE;
        surr_layer_fifos(s, l, &lt->fifos, &lt->fifo_bits);
        lt->res_w = surr_layer_result_width(s, l);
        lt->act_cast = L->act == SURR_ACT_RELU && (L->output.q != QUANT_Q_TRN || L->output.o != QUANT_O_WRAP);
        /* bit-aware BOPs with s = this layer's zero fraction: (1-s) = nonzero/n */
        out->bops_bitaware += n * ((t.nonzero / n) * wb * ab + wb + ab + log2((double)L->n_in));
    }
    f[SURR_F_W_BITS] /= wsum;
    f[SURR_F_A_BITS] /= wsum;
    f[SURR_F_ACC_BITS] /= wsum;
    f[SURR_F_FANIN] /= wsum;
    f[SURR_F_SPARSITY] = 1.0 - f[SURR_F_NONZERO] / f[SURR_F_MACS];
    f[SURR_F_CLOCK_NS] = s->clock_ns;
    f[SURR_F_DELAY_SCALE] = surr_part_delay_scale(s->part);
    out->io_stream = s->io_type == SURR_IO_STREAM;
    out->dataflow = surr_spec_dataflow(s);
    out->mult = s->multipliers;
    out->toolchain = s->toolchain;
    out->bops_mac = f[SURR_F_MACS];
    free(io);
    free(kept);
    return SNAC_OK;
}
