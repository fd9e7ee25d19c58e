/* export_rtl — Verilog of a quantized model; see export_rtl.h.
 *
 * Naming inside a layer module: xe<i> (input i extended to the accumulator width), acc<j>
 * (neuron j's sum), r<j> (result code), a<j> (activation output code); wires of the
 * requantization of value v carry v's name as prefix. All emitted widths are explicit, so
 * Verilator's -Wall WIDTH checks hold.
 */
#define _POSIX_C_SOURCE 200809L
#include "export/export_rtl.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "export/export_hls.h"
#include "export/export_template.h"
#include "quant/qengine.h"
#include "util/err.h"

#define TOP "myproject"

static bool is_pow2_size(size_t n)
{
    return n >= 2 && (n & (n - 1)) == 0;
}

static int log2_size(size_t n)
{
    int k = 0;
    while (((size_t)1 << k) < n)
        k++;
    return k;
}

int export_rtl_check(const quant_model *m, const export_rtl_opts *o)
{
    if (o->csd_max_width < 0 || o->csd_max_width > 32)
        return snac_err_set(SNAC_EINVAL, "RTL: CSD width threshold %d outside 0..32", o->csd_max_width);
    for (size_t l = 0; l < m->n_layers; l++) {
        if (o->stages[l] < 1 || o->stages[l] > EXPORT_RTL_MAX_STAGES)
            return snac_err_set(SNAC_EINVAL, "RTL: layer %zu: %d pipeline stages, expected 1..%d", l + 1,
                                o->stages[l], EXPORT_RTL_MAX_STAGES);
        const quant_layer *L = &m->layer[l];
        if ((L->act == QUANT_ACT_TANH || L->act == QUANT_ACT_SIGMOID) && !is_pow2_size(m->table_size))
            return snac_err_set(SNAC_EINVAL,
                                "RTL: layer %zu uses a %zu-entry table; the RTL writer needs a power of two", l + 1,
                                m->table_size);
        /* the widest value a requantization sees: accumulator plus appended fraction bits */
        int grow = quant_frac(&L->result) - quant_frac(&L->accum);
        if (L->accum.width + (grow > 0 ? grow : 0) + 2 > 64)
            return snac_err_set(SNAC_EINVAL, "RTL: layer %zu: result type too wide for the RTL writer", l + 1);
    }
    return 0;
}

/* ------------------------------------------------------------------ emitters */

/* A W-bit constant (two's complement of v) as a sized Verilog literal. */
static void lit(strbuf *b, int w, int64_t v)
{
    uint64_t u = (uint64_t)v;
    if (w < 64)
        u &= ((uint64_t)1 << w) - 1;
    strbuf_printf(b, "%d'h%" PRIx64, w, u);
}

/* Requantize signed value `in` (iw bits, frac fi) to p; defines wire `out` [p->width-1:0].
 * The steps of quant_requant: floor by the dropped bits, the rounding increment, overflow. */
static void emit_requant(strbuf *b, const char *out, const char *in, int iw, int fi, const quant_prec *p)
{
    const int W = p->width, sh = fi - quant_frac(p);
    int vw;
    if (sh > 0) {
        vw = iw - sh + 1; /* the floor, one bit more for the increment */
        strbuf_printf(b, "    wire signed [%d:0] %s_f = {%s[%d], %s[%d:%d]};\n", vw - 1, out, in, iw - 1, in,
                      iw - 1, sh);
        char rest[96] = "1'b0";
        if (sh >= 2)
            snprintf(rest, sizeof rest, "(|%s[%d:0])", in, sh - 2);
        char up[320];
        const int h = sh - 1;
        switch (p->q) {
        case QUANT_Q_TRN: snprintf(up, sizeof up, "1'b0"); break;
        case QUANT_Q_TRN_ZERO: snprintf(up, sizeof up, "%s[%d] & (|%s[%d:0])", in, iw - 1, in, sh - 1); break;
        case QUANT_Q_RND: snprintf(up, sizeof up, "%s[%d]", in, h); break;
        case QUANT_Q_RND_ZERO: snprintf(up, sizeof up, "%s[%d] & (%s | %s[%d])", in, h, rest, in, iw - 1); break;
        case QUANT_Q_RND_MIN_INF: snprintf(up, sizeof up, "%s[%d] & %s", in, h, rest); break;
        case QUANT_Q_RND_INF: snprintf(up, sizeof up, "%s[%d] & (%s | ~%s[%d])", in, h, rest, in, iw - 1); break;
        case QUANT_Q_RND_CONV:
        default: snprintf(up, sizeof up, "%s[%d] & (%s | %s[%d])", in, h, rest, in, sh); break;
        }
        strbuf_printf(b, "    wire %s_up = %s;\n", out, up);
        strbuf_printf(b, "    wire signed [%d:0] %s_v = %s_f + {%d'd0, %s_up};\n", vw - 1, out, out, vw - 1, out);
    } else {
        vw = iw - sh;
        if (sh == 0)
            strbuf_printf(b, "    wire signed [%d:0] %s_v = %s;\n", vw - 1, out, in);
        else
            strbuf_printf(b, "    wire signed [%d:0] %s_v = {%s, %d'd0};\n", vw - 1, out, in, -sh);
    }
    /* overflow into W bits */
    const int64_t lo = quant_code_min(p), hi = quant_code_max(p);
    const int64_t vmax = vw >= 64 ? INT64_MAX : ((int64_t)1 << (vw - 1)) - 1, vmin = -vmax - 1;
    const bool can_hi = vmax > hi, can_lo = vmin < lo;
    char low[160];
    if (vw >= W)
        snprintf(low, sizeof low, "%s_v[%d:0]", out, W - 1);
    else
        snprintf(low, sizeof low, "{{%d{%s_v[%d]}}, %s_v}", W - vw, out, vw - 1, out);
    if (p->o == QUANT_O_WRAP || (!can_hi && !can_lo)) {
        strbuf_printf(b, "    wire [%d:0] %s = %s;\n", W - 1, out, low);
        return;
    }
    int64_t hi_val = hi, lo_val = lo;
    if (p->o == QUANT_O_SAT_ZERO)
        hi_val = lo_val = 0;
    else if (p->o == QUANT_O_SAT_SYM && p->is_signed)
        lo_val = -hi;
    strbuf_printf(b, "    wire [%d:0] %s = ", W - 1, out);
    if (can_hi) {
        strbuf_printf(b, "(%s_v > $signed(", out);
        lit(b, vw, hi);
        strbuf_puts(b, ")) ? ");
        lit(b, W, hi_val);
        strbuf_puts(b, " : ");
    }
    if (can_lo) {
        strbuf_printf(b, "(%s_v < $signed(", out);
        lit(b, vw, lo);
        strbuf_puts(b, ")) ? ");
        lit(b, W, lo_val);
        strbuf_puts(b, " : ");
    }
    strbuf_printf(b, "%s;\n", low);
}

/* Nonzero digits of v's canonical signed-digit (non-adjacent) form, low bit first:
 * digit[k] in {-1, 0, 1}. Returns the number of digit positions. */
static int csd_digits(int64_t v, int digit[66])
{
    int n = 0;
    while (v != 0 && n < 66) {
        if (v & 1) {
            int d = 2 - (int)(((v % 4) + 4) % 4); /* +1 when v = 1 mod 4, -1 when v = 3 mod 4 */
            digit[n] = d;
            v -= d;
        } else {
            digit[n] = 0;
        }
        v /= 2;
        n++;
    }
    return n;
}

/* name<i> sign-extended from w to `to` bits (no extension when equal). */
static void ext_name(char *buf, size_t cap, const char *name, size_t i, int w, int to)
{
    if (to > w)
        snprintf(buf, cap, "{{%d{%s%zu[%d]}}, %s%zu}", to - w, name, i, w - 1, name, i);
    else
        snprintf(buf, cap, "%s%zu", name, i);
}

typedef struct tree_node {
    char name[48];
    int width;
    double lo, hi; /* range of the value */
} tree_node;

static void ext_node(char *buf, size_t cap, const tree_node *n, int to)
{
    if (to > n->width)
        snprintf(buf, cap, "{{%d{%s[%d]}}, %s}", to - n->width, n->name, n->width - 1, n->name);
    else
        snprintf(buf, cap, "%s", n->name);
}

/* Balanced adder tree over leaf[lo, hi) of neuron j: one wire per node, sized to its range. */
static tree_node emit_tree(strbuf *b, const tree_node *leaf, size_t lo, size_t hi, size_t j, size_t *serial,
                           int cap, size_t *bits)
{
    if (hi - lo == 1)
        return leaf[lo];
    const size_t mid = lo + (hi - lo) / 2;
    tree_node a = emit_tree(b, leaf, lo, mid, j, serial, cap, bits);
    tree_node c = emit_tree(b, leaf, mid, hi, j, serial, cap, bits);
    tree_node n;
    n.lo = a.lo + c.lo;
    n.hi = a.hi + c.hi;
    n.width = quant_range_bits(n.lo, n.hi, cap);
    if (n.width < a.width)
        n.width = a.width;
    if (n.width < c.width)
        n.width = c.width;
    *bits += (size_t)n.width;
    snprintf(n.name, sizeof n.name, "s%zu_%zu", j, (*serial)++);
    char ea[160], ec[160];
    ext_node(ea, sizeof ea, &a, n.width);
    ext_node(ec, sizeof ec, &c, n.width);
    strbuf_printf(b, "    wire signed [%d:0] %s = %s + %s;\n", n.width - 1, n.name, ea, ec);
    return n;
}

/* ------------------------------------------------------------------ one layer */

/* Whether output j of layer l feeds no nonzero weight of layer l + 1 (never for the logits). */
static bool neuron_unused(const quant_model *m, size_t l, size_t j)
{
    if (l + 1 >= m->n_layers)
        return false;
    const quant_layer *N = &m->layer[l + 1];
    for (size_t k = 0; k < N->n_out; k++)
        if (N->w[k * N->n_in + j] != 0)
            return false;
    return true;
}

typedef struct layer_ctx {
    const quant_model *m;
    size_t l;
    const export_rtl_opts *o;
    export_rtl_report *rep;
    const char *hdr;
    const char *dir;
} layer_ctx;

static const char *table_fn(enum quant_act a)
{
    return a == QUANT_ACT_TANH ? "tanh" : "sigmoid";
}

/* The activation of neuron j: r<j> (result code) -> a<j> (output code). */
static void emit_activation(strbuf *b, const quant_model *m, const quant_layer *L, size_t j)
{
    const int RW = L->result.width, FR = quant_frac(&L->result);
    char r[32], rs[32], a[32], n[48];
    snprintf(r, sizeof r, "r%zu", j);
    snprintf(a, sizeof a, "a%zu", j);
    /* the result as a signed value, one bit wider when the type is unsigned */
    const int sw = L->result.is_signed ? RW : RW + 1;
    snprintf(rs, sizeof rs, "r%zu_s", j);
    if (L->result.is_signed)
        strbuf_printf(b, "    wire signed [%d:0] %s = %s;\n", sw - 1, rs, r);
    else
        strbuf_printf(b, "    wire signed [%d:0] %s = {1'b0, %s};\n", sw - 1, rs, r);
    switch (L->act) {
    case QUANT_ACT_RELU:
        snprintf(n, sizeof n, "r%zu_relu", j);
        strbuf_printf(b, "    wire signed [%d:0] %s = %s[%d] ? %d'd0 : %s;\n", sw - 1, n, rs, sw - 1, sw, rs);
        emit_requant(b, a, n, sw, FR, &L->output);
        break;
    case QUANT_ACT_TANH:
    case QUANT_ACT_SIGMOID: {
        /* index = trunc(r * 2^-FR * N / range) + N/2 = trunc(r / 2^s) + N/2, s = FR + log2 range - log2 N */
        const int nb = log2_size(m->table_size), rl = L->act == QUANT_ACT_SIGMOID ? 4 : 3;
        const int s = FR + rl - nb, grow = s < 0 ? -s : 0, tw = sw + grow + 2;
        strbuf_printf(b, "    wire signed [%d:0] r%zu_t = {{%d{%s[%d]}}, %s};\n", tw - 1, j, tw - sw, rs, sw - 1,
                      rs);
        if (s > 0) {
            /* C's truncation toward zero: add 2^s - 1 to a negative value before the shift */
            strbuf_printf(b, "    wire signed [%d:0] r%zu_b = r%zu_t + (r%zu_t[%d] ? ", tw - 1, j, j, j, tw - 1);
            lit(b, tw, ((int64_t)1 << s) - 1);
            strbuf_printf(b, " : %d'd0);\n", tw);
            strbuf_printf(b, "    wire signed [%d:0] r%zu_q = r%zu_b >>> %d;\n", tw - 1, j, j, s);
        } else if (s < 0) {
            strbuf_printf(b, "    wire signed [%d:0] r%zu_q = r%zu_t <<< %d;\n", tw - 1, j, j, -s);
        } else {
            strbuf_printf(b, "    wire signed [%d:0] r%zu_q = r%zu_t;\n", tw - 1, j, j);
        }
        strbuf_printf(b, "    wire signed [%d:0] r%zu_i = r%zu_q + ", tw - 1, j, j);
        lit(b, tw, (int64_t)(m->table_size / 2));
        strbuf_puts(b, ";\n");
        strbuf_printf(b, "    wire [%d:0] r%zu_idx = r%zu_i[%d] ? %d'd0 : (r%zu_i > $signed(", nb - 1, j, j, tw - 1,
                      nb, j);
        lit(b, tw, (int64_t)m->table_size - 1);
        strbuf_printf(b, ")) ? {%d{1'b1}} : r%zu_i[%d:0];\n", nb, j, nb - 1);
        const int TW = m->table_prec.width;
        strbuf_printf(b, "    wire [%d:0] r%zu_tab;\n", TW - 1, j);
        strbuf_printf(b, "    " TOP "_rom_%s u_rom%zu (.addr(r%zu_idx), .data(r%zu_tab));\n", table_fn(L->act), j, j, j);
        snprintf(n, sizeof n, "r%zu_tab_s", j);
        const int tsw = m->table_prec.is_signed ? TW : TW + 1;
        if (m->table_prec.is_signed)
            strbuf_printf(b, "    wire signed [%d:0] %s = r%zu_tab;\n", tsw - 1, n, j);
        else
            strbuf_printf(b, "    wire signed [%d:0] %s = {1'b0, r%zu_tab};\n", tsw - 1, n, j);
        emit_requant(b, a, n, tsw, quant_frac(&m->table_prec), &L->output);
        break;
    }
    case QUANT_ACT_LINEAR:
    default:
        emit_requant(b, a, rs, sw, FR, &L->output);
        break;
    }
}

static int write_layer(const layer_ctx *c)
{
    const quant_model *m = c->m;
    const quant_layer *L = &m->layer[c->l];
    const quant_prec *xin = c->l == 0 ? &m->input : &m->layer[c->l - 1].output;
    const int XW = xin->width, AW = L->accum.width, FA = quant_frac(&L->accum);
    const int sa = FA - quant_frac(xin) - quant_frac(&L->weight); /* product alignment */
    const int sb = FA - quant_frac(&L->bias);
    const int YW = L->output.width, stages = c->o->stages[c->l];
    strbuf inputs = {0}, sums = {0}, pacc = {0}, neurons = {0}, pout = {0};
    size_t nonzero = 0;

    /* inputs one bit wider than their type, signed: the leaves of every product */
    const int XE = XW + 1;
    const double xlo = (double)quant_code_min(xin), xhi = (double)quant_code_max(xin);
    for (size_t i = 0; i < L->n_in; i++) {
        if (xin->is_signed)
            strbuf_printf(&inputs, "    wire signed [%d:0] xe%zu = {x[%zu], x[%zu:%zu]};\n", XE - 1, i, i * XW + XW - 1,
                          i * XW + XW - 1, i * XW);
        else
            strbuf_printf(&inputs, "    wire signed [%d:0] xe%zu = {1'b0, x[%zu:%zu]};\n", XE - 1, i, i * XW + XW - 1,
                          i * XW);
    }
    const char *acc_name = stages >= 2 ? "acc_c" : "acc";
    tree_node *leaf = malloc((L->n_in + 1) * sizeof *leaf);
    int rc = leaf ? 0 : snac_err_set(SNAC_ENOMEM, "RTL: out of memory");
    for (size_t j = 0; j < L->n_out && !rc; j++) {
        if (neuron_unused(m, c->l, j)) {
            /* no nonzero weight of the next layer reads it: nothing to build (the logits are the same) */
            c->rep->unused_neurons++;
            for (size_t i = 0; i < L->n_in; i++) {
                if (L->w[j * L->n_in + i] != 0)
                    c->rep->unused_weights++;
                else
                    c->rep->zero++;
            }
            strbuf_printf(&neurons, "    // neuron %zu: no nonzero weight of layer %zu reads it, so it is not built\n", j,
                          c->l + 2);
            strbuf_printf(&neurons, "    wire [%d:0] a%zu = %d'd0;\n", YW - 1, j, YW);
            continue;
        }
        size_t nt = 0, serial = 0;
        /* the bias, aligned to the accumulator fraction */
        const double bv = (double)L->b[j] * ldexp(1.0, sb);
        tree_node *t = &leaf[nt++];
        t->lo = t->hi = bv;
        t->width = quant_range_bits(bv, bv, AW);
        snprintf(t->name, sizeof t->name, "b%zu", j);
        strbuf_printf(&sums, "    wire signed [%d:0] b%zu = ", t->width - 1, j);
        lit(&sums, t->width, (int64_t)L->b[j] * ((int64_t)1 << sb));
        strbuf_puts(&sums, ";\n");
        for (size_t i = 0; i < L->n_in; i++) {
            const int64_t w = L->w[j * L->n_in + i];
            if (w == 0) {
                c->rep->zero++;
                continue;
            }
            nonzero++;
            /* the product x * w * 2^sa, sized to its exact range */
            const double wv = (double)w * ldexp(1.0, sa);
            t = &leaf[nt++];
            t->lo = fmin(xlo * wv, xhi * wv);
            t->hi = fmax(xlo * wv, xhi * wv);
            int pw = quant_range_bits(t->lo, t->hi, AW);
            if (pw < XE)
                pw = XE;
            t->width = pw;
            snprintf(t->name, sizeof t->name, "p%zu_%zu", j, i);
            char xe[128];
            ext_name(xe, sizeof xe, "xe", i, XE, pw);
            strbuf_printf(&sums, "    wire signed [%d:0] %s = ", pw - 1, t->name);
            if (quant_is_pow2(w)) {
                int k = 0;
                while (((int64_t)1 << k) != (w < 0 ? -w : w))
                    k++;
                c->rep->shift++;
                c->rep->adder_bits += w < 0 ? (size_t)pw : 0; /* the negation */
                strbuf_printf(&sums, "%s(%s <<< %d)", w < 0 ? "-" : "", xe, k + sa);
            } else if (L->weight.width <= c->o->csd_max_width) {
                int d[66];
                const int nd = csd_digits(w, d);
                bool first = true;
                c->rep->csd++;
                for (int k = nd - 1; k >= 0; k--) {
                    if (!d[k])
                        continue;
                    if (!first)
                        c->rep->csd_adders++;
                    if (!first || d[k] < 0) /* an adder, or the negation of a negative leading digit */
                        c->rep->adder_bits += (size_t)pw;
                    strbuf_printf(&sums, "%s(%s <<< %d)", d[k] > 0 ? (first ? "" : " + ") : (first ? "-" : " - "),
                                  xe, k + sa);
                    first = false;
                }
            } else {
                c->rep->mult++;
                strbuf_printf(&sums, "%s * $signed(", xe);
                lit(&sums, pw, w * ((int64_t)1 << sa));
                strbuf_puts(&sums, ")");
            }
            strbuf_puts(&sums, ";\n");
        }
        /* balanced adder tree, every node sized to its range (at most the accumulator) */
        tree_node root = emit_tree(&sums, leaf, 0, nt, j, &serial, AW, &c->rep->adder_bits);
        char rx[160];
        ext_node(rx, sizeof rx, &root, AW);
        strbuf_printf(&sums, "    wire signed [%d:0] %s%zu = %s;\n", AW - 1, acc_name, j, rx);
        /* pipeline register on the accumulator (stages >= 2) */
        if (stages >= 2) {
            strbuf_printf(&pacc, "    reg signed [%d:0] acc%zu = %d'd0;\n", AW - 1, j, AW);
            strbuf_printf(&pacc, "    always @(posedge clk) acc%zu <= acc_c%zu;\n", j, j);
        }
        char acc[32], r[32];
        snprintf(acc, sizeof acc, "acc%zu", j);
        snprintf(r, sizeof r, "r%zu", j);
        emit_requant(&neurons, r, acc, AW, FA, &L->result);
        emit_activation(&neurons, m, L, j);
    }
    free(leaf);
    /* output registers: stage 1, and the delay stages past 2 */
    const int out_regs = stages >= 2 ? stages - 1 : 1;
    const size_t ybits = L->n_out * (size_t)YW;
    strbuf_puts(&neurons, "    wire [");
    strbuf_printf(&neurons, "%zu:0] y_c = {", ybits - 1);
    for (size_t j = L->n_out; j-- > 0;)
        strbuf_printf(&neurons, "a%zu%s", j, j ? ", " : "};\n");
    for (int s = 1; s <= out_regs; s++) {
        strbuf_printf(&pout, "    reg [%zu:0] y_q%d = %zu'd0;\n", ybits - 1, s, ybits);
        if (s == 1)
            strbuf_printf(&pout, "    always @(posedge clk) y_q1 <= y_c;\n");
        else
            strbuf_printf(&pout, "    always @(posedge clk) y_q%d <= y_q%d;\n", s, s - 1);
    }
    strbuf_printf(&pout, "    assign y = y_q%d;\n", out_regs);

    export_vars v = {0};
    char mod[64], path[4096], p[QUANT_PREC_STRLEN];
    snprintf(mod, sizeof mod, TOP "_layer%zu", c->l + 1);
    rc = rc ? rc : export_str_check(&inputs);
    rc = rc ? rc : export_str_check(&sums);
    rc = rc ? rc : export_str_check(&pacc);
    rc = rc ? rc : export_str_check(&neurons);
    rc = rc ? rc : export_str_check(&pout);
    rc = rc ? rc : export_vars_set(&v, "HEADER_V", "%s", c->hdr);
    rc = rc ? rc : export_vars_set(&v, "MODULE", "%s", mod);
    rc = rc ? rc : export_vars_set(&v, "N_IN", "%zu", L->n_in);
    rc = rc ? rc : export_vars_set(&v, "N_OUT", "%zu", L->n_out);
    rc = rc ? rc : export_vars_set(&v, "NONZERO", "%zu", nonzero);
    rc = rc ? rc : export_vars_set(&v, "ACT", "%s", quant_act_names[L->act]);
    rc = rc ? rc : export_vars_set(&v, "STAGES", "%d", stages);
    quant_prec_format(xin, p, sizeof p);
    rc = rc ? rc : export_vars_set(&v, "X_T", "%s", p);
    quant_prec_format(&L->accum, p, sizeof p);
    rc = rc ? rc : export_vars_set(&v, "ACCUM_T", "%s", p);
    quant_prec_format(&L->result, p, sizeof p);
    rc = rc ? rc : export_vars_set(&v, "RESULT_T", "%s", p);
    quant_prec_format(&L->output, p, sizeof p);
    rc = rc ? rc : export_vars_set(&v, "Y_T", "%s", p);
    rc = rc ? rc : export_vars_set(&v, "CSD_MAX_WIDTH", "%d", c->o->csd_max_width);
    rc = rc ? rc : export_vars_set(&v, "X_BITS", "%zu", L->n_in * (size_t)XW);
    rc = rc ? rc : export_vars_set(&v, "Y_BITS", "%zu", ybits);
    rc = rc ? rc : export_vars_set(&v, "ACC_BITS", "%d", AW);
    rc = rc ? rc : export_vars_set(&v, "INPUTS", "%s", strbuf_get(&inputs));
    rc = rc ? rc : export_vars_set(&v, "SUMS", "%s", strbuf_get(&sums));
    rc = rc ? rc : export_vars_set(&v, "PIPE_ACC", "%s", strbuf_get(&pacc));
    rc = rc ? rc : export_vars_set(&v, "NEURONS", "%s", strbuf_get(&neurons));
    rc = rc ? rc : export_vars_set(&v, "PIPE_OUT", "%s", strbuf_get(&pout));
    snprintf(path, sizeof path, "%s/rtl/%s.v", c->dir, mod);
    rc = rc ? rc : export_template_write("rtl/layer.v", &v, path);
    export_vars_free(&v);
    strbuf_free(&inputs);
    strbuf_free(&sums);
    strbuf_free(&pacc);
    strbuf_free(&neurons);
    strbuf_free(&pout);
    return rc;
}

static int write_rom(const quant_model *m, enum quant_act a, const char *hdr, const char *dir)
{
    const enum quant_table_kind k = a == QUANT_ACT_TANH ? QUANT_TABLE_TANH : QUANT_TABLE_SIGMOID;
    const int nb = log2_size(m->table_size), TW = m->table_prec.width;
    strbuf e = {0};
    for (size_t i = 0; i < m->table_size; i++) {
        strbuf_printf(&e, "            %d'd%zu: data = ", nb, i);
        lit(&e, TW, m->table[k][i]);
        strbuf_puts(&e, ";\n");
    }
    export_vars v = {0};
    char mod[64], path[4096], p[QUANT_PREC_STRLEN];
    snprintf(mod, sizeof mod, TOP "_rom_%s", table_fn(a));
    quant_prec_format(&m->table_prec, p, sizeof p);
    int rc = export_str_check(&e);
    rc = rc ? rc : export_vars_set(&v, "HEADER_V", "%s", hdr);
    rc = rc ? rc : export_vars_set(&v, "MODULE", "%s", mod);
    rc = rc ? rc : export_vars_set(&v, "FUNC", "%s", table_fn(a));
    rc = rc ? rc : export_vars_set(&v, "N", "%zu", m->table_size);
    rc = rc ? rc : export_vars_set(&v, "RANGE", "%d", a == QUANT_ACT_SIGMOID ? 16 : 8);
    rc = rc ? rc : export_vars_set(&v, "TABLE_T", "%s", p);
    rc = rc ? rc : export_vars_set(&v, "ADDR_BITS", "%d", nb);
    rc = rc ? rc : export_vars_set(&v, "DATA_BITS", "%d", TW);
    rc = rc ? rc : export_vars_set(&v, "ENTRIES", "%s", strbuf_get(&e));
    snprintf(path, sizeof path, "%s/rtl/%s.v", dir, mod);
    rc = rc ? rc : export_template_write("rtl/rom.v", &v, path);
    export_vars_free(&v);
    strbuf_free(&e);
    return rc;
}

/* Bits of a class index over n outputs (at least 1). */
static int index_bits(size_t n)
{
    const int b = log2_size(n);
    return b > 1 ? b : 1;
}

static int write_argmax(const quant_model *m, const char *hdr, const char *dir)
{
    const quant_layer *last = &m->layer[m->n_layers - 1];
    const int YW = last->output.width, IB = index_bits(last->n_out);
    const char *sg = last->output.is_signed ? "signed " : "";
    strbuf b = {0};
    strbuf_printf(&b, "    wire %s[%d:0] max0 = x[%d:0];\n    wire [%d:0] idx0 = %d'd0;\n", sg, YW - 1, YW - 1, IB - 1,
                  IB);
    for (size_t j = 1; j < last->n_out; j++) {
        strbuf_printf(&b, "    wire %s[%d:0] v%zu = x[%zu:%zu];\n", sg, YW - 1, j, j * YW + YW - 1, j * YW);
        if (j + 1 < last->n_out) /* the last maximum is not needed, only its index */
            strbuf_printf(&b, "    wire %s[%d:0] max%zu = v%zu > max%zu ? v%zu : max%zu;\n", sg, YW - 1, j, j, j - 1,
                          j, j - 1);
        strbuf_printf(&b, "    wire [%d:0] idx%zu = v%zu > max%zu ? %d'd%zu : idx%zu;\n", IB - 1, j, j, j - 1, IB, j,
                      j - 1);
    }
    export_vars v = {0};
    char path[4096], p[QUANT_PREC_STRLEN];
    quant_prec_format(&last->output, p, sizeof p);
    int rc = export_str_check(&b);
    rc = rc ? rc : export_vars_set(&v, "HEADER_V", "%s", hdr);
    rc = rc ? rc : export_vars_set(&v, "MODULE", TOP "_argmax");
    rc = rc ? rc : export_vars_set(&v, "N", "%zu", last->n_out);
    rc = rc ? rc : export_vars_set(&v, "LOGIT_T", "%s", p);
    rc = rc ? rc : export_vars_set(&v, "X_BITS", "%zu", last->n_out * (size_t)YW);
    rc = rc ? rc : export_vars_set(&v, "IDX_BITS", "%d", IB);
    rc = rc ? rc : export_vars_set(&v, "BODY", "%s", strbuf_get(&b));
    rc = rc ? rc : export_vars_set(&v, "LAST", "%zu", last->n_out - 1);
    snprintf(path, sizeof path, "%s/rtl/" TOP "_argmax.v", dir);
    rc = rc ? rc : export_template_write("rtl/argmax.v", &v, path);
    export_vars_free(&v);
    strbuf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------ top, test bench */

int export_rtl_write(const quant_model *m, const export_rtl_opts *o, const export_info *info, const char *dir,
                     const int32_t *x, const int32_t *logits, size_t n, export_rtl_report *rep)
{
    int rc = export_rtl_check(m, o);
    if (rc)
        return rc;
    memset(rep, 0, sizeof *rep);
    char hdr[1024], path[4096], p[QUANT_PREC_STRLEN];
    export_file_header(info, "//", hdr, sizeof hdr);
    hdr[strlen(hdr) - 1] = '\0';
    snprintf(path, sizeof path, "%s/rtl", dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return snac_err_set(SNAC_EIO, "cannot create folder %s: %s", path, strerror(errno));

    bool used[QUANT_ACT_COUNT] = {false};
    int latency = 0;
    for (size_t l = 0; l < m->n_layers && !rc; l++) {
        layer_ctx c = {m, l, o, rep, hdr, dir};
        rc = write_layer(&c);
        used[m->layer[l].act] = true;
        latency += o->stages[l];
    }
    for (int a = QUANT_ACT_TANH; a <= QUANT_ACT_SIGMOID && !rc; a++)
        if (used[a])
            rc = write_rom(m, (enum quant_act)a, hdr, dir);
    if (o->argmax && !rc) {
        rc = write_argmax(m, hdr, dir);
        latency++;
    }
    rep->latency_cycles = latency;
    if (rc)
        return rc;

    const quant_layer *last = &m->layer[m->n_layers - 1];
    const int XW = m->input.width, YW = last->output.width;
    const size_t xbits = m->layer[0].n_in * (size_t)XW, logit_bits = last->n_out * (size_t)YW;
    const size_t ybits = o->argmax ? (size_t)index_bits(last->n_out) : logit_bits;
    strbuf wires = {0}, inst = {0}, arch = {0}, files = {0}, print = {0}, hex = {0}, exp = {0};
    strbuf_printf(&arch, "%zu", m->layer[0].n_in);
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        strbuf_printf(&arch, "-%zu", L->n_out);
        if (l + 1 < m->n_layers) {
            strbuf_printf(&arch, " %s", quant_act_names[L->act]);
            strbuf_printf(&wires, "    wire [%zu:0] y%zu;\n", L->n_out * (size_t)L->output.width - 1, l + 1);
        }
        char in[32], out[32];
        if (l == 0)
            snprintf(in, sizeof in, "x");
        else
            snprintf(in, sizeof in, "y%zu", l);
        if (l + 1 == m->n_layers)
            snprintf(out, sizeof out, o->argmax ? "logits" : "y");
        else
            snprintf(out, sizeof out, "y%zu", l + 1);
        strbuf_printf(&inst, "    " TOP "_layer%zu u_layer%zu (.clk(clk), .x(%s), .y(%s));\n", l + 1, l + 1, in, out);
        strbuf_printf(&files, TOP "_layer%zu.v\n", l + 1);
    }
    for (int a = QUANT_ACT_TANH; a <= QUANT_ACT_SIGMOID; a++)
        if (used[a])
            strbuf_printf(&files, TOP "_rom_%s.v\n", table_fn((enum quant_act)a));
    if (o->argmax) {
        strbuf_printf(&wires, "    wire [%zu:0] logits;\n", logit_bits - 1);
        strbuf_puts(&inst, "    " TOP "_argmax u_argmax (.clk(clk), .x(logits), .y(y));\n");
        strbuf_puts(&files, TOP "_argmax.v\n");
    }
    strbuf_puts(&files, TOP ".v\n");
    /* the test bench's print: one line per vector */
    if (o->argmax)
        strbuf_puts(&print, "            $fwrite(f, \"%0d\", y);\n");
    for (size_t j = 0; j < last->n_out && !o->argmax; j++) {
        if (last->output.is_signed)
            strbuf_printf(&print, "            $fwrite(f, \"%s%%0d\", $signed(y[%zu:%zu]));\n", j ? " " : "",
                          j * YW + YW - 1, j * YW);
        else
            strbuf_printf(&print, "            $fwrite(f, \"%s%%0d\", y[%zu:%zu]);\n", j ? " " : "",
                          j * YW + YW - 1, j * YW);
    }
    strbuf_puts(&print, "            $fwrite(f, \"\\n\");");
    /* vectors: packed hex, element 0 in the low bits; expected logit codes */
    const size_t n_in = m->layer[0].n_in, n_out = last->n_out, ndig = (xbits + 3) / 4;
    char *digits = malloc(ndig + 1);
    if (!digits)
        rc = snac_err_set(SNAC_ENOMEM, "RTL: out of memory");
    uint8_t *nib = malloc(ndig + 1);
    if (!nib)
        rc = snac_err_set(SNAC_ENOMEM, "RTL: out of memory");
    for (size_t v = 0; v < n && !rc; v++) {
        memset(digits, 0, ndig + 1);
        const size_t nn = ndig;
        memset(nib, 0, ndig + 1);
        for (size_t i = 0; i < n_in; i++) {
            uint64_t u = (uint64_t)(int64_t)x[v * n_in + i] & (XW >= 64 ? ~0ull : ((1ull << XW) - 1));
            for (int bit = 0; bit < XW; bit++)
                if ((u >> bit) & 1) {
                    size_t pos = i * XW + (size_t)bit;
                    if (pos / 4 < nn)
                        nib[pos / 4] |= (uint8_t)(1u << (pos % 4));
                }
        }
        for (size_t d = 0; d < nn; d++)
            digits[nn - 1 - d] = "0123456789abcdef"[nib[d]];
        strbuf_printf(&hex, "%s\n", digits);
        if (o->argmax)
            strbuf_printf(&exp, "%zu", quant_argmax(logits + v * n_out, n_out));
        for (size_t j = 0; j < n_out && !o->argmax; j++)
            strbuf_printf(&exp, j ? " %d" : "%d", (int)logits[v * n_out + j]);
        strbuf_puts(&exp, "\n");
    }
    free(digits);
    free(nib);

    export_vars v = {0};
    rc = rc ? rc : export_str_check(&wires);
    rc = rc ? rc : export_str_check(&inst);
    rc = rc ? rc : export_str_check(&files);
    rc = rc ? rc : export_str_check(&print);
    rc = rc ? rc : export_str_check(&hex);
    rc = rc ? rc : export_str_check(&exp);
    rc = rc ? rc : export_str_check(&arch);
    rc = rc ? rc : export_vars_set(&v, "HEADER_V", "%s", hdr);
    rc = rc ? rc : export_vars_set(&v, "TOP", TOP);
    rc = rc ? rc : export_vars_set(&v, "ARCH", "%s", strbuf_get(&arch));
    rc = rc ? rc : export_vars_set(&v, "LATENCY", "%d", latency);
    rc = rc ? rc : export_vars_set(&v, "OUTPUT_DESC", "%s",
                                   o->argmax ? "the class index out (argmax of the logits, lowest on ties)"
                                             : "logits out (the class is their argmax)");
    quant_prec_format(&m->input, p, sizeof p);
    rc = rc ? rc : export_vars_set(&v, "INPUT_T", "%s", p);
    quant_prec_format(&last->output, p, sizeof p);
    if (o->argmax)
        snprintf(p, sizeof p, "ap_uint<%d>", index_bits(last->n_out));
    rc = rc ? rc : export_vars_set(&v, "OUTPUT_T", "%s", p);
    rc = rc ? rc : export_vars_set(&v, "X_BITS", "%zu", xbits);
    rc = rc ? rc : export_vars_set(&v, "Y_BITS", "%zu", ybits);
    rc = rc ? rc : export_vars_set(&v, "WIRES", "%s", strbuf_get(&wires));
    rc = rc ? rc : export_vars_set(&v, "INSTANCES", "%s", strbuf_get(&inst));
    if (latency == 1)
        rc = rc ? rc : export_vars_set(&v, "VALID_SHIFT", "in_valid");
    else
        rc = rc ? rc : export_vars_set(&v, "VALID_SHIFT", "{valid_pipe[%d:0], in_valid}", latency - 2);
    rc = rc ? rc : export_vars_set(&v, "N_VECTORS", "%zu", n);
    rc = rc ? rc : export_vars_set(&v, "PRINT", "%s", strbuf_get(&print));
    snprintf(path, sizeof path, "%s/rtl/" TOP ".v", dir);
    rc = rc ? rc : export_template_write("rtl/top.v", &v, path);
    snprintf(path, sizeof path, "%s/rtl/tb_" TOP ".v", dir);
    rc = rc ? rc : export_template_write("rtl/tb.v", &v, path);
    snprintf(path, sizeof path, "%s/rtl/files.f", dir);
    rc = rc ? rc : export_write_file(path, strbuf_get(&files), files.len);
    snprintf(path, sizeof path, "%s/rtl/tb_input.hex", dir);
    rc = rc ? rc : export_write_file(path, strbuf_get(&hex), hex.len);
    snprintf(path, sizeof path, "%s/rtl/tb_expected.txt", dir);
    rc = rc ? rc : export_write_file(path, strbuf_get(&exp), exp.len);
    export_vars_free(&v);
    strbuf_free(&wires);
    strbuf_free(&inst);
    strbuf_free(&files);
    strbuf_free(&print);
    strbuf_free(&hex);
    strbuf_free(&exp);
    strbuf_free(&arch);
    return rc;
}
