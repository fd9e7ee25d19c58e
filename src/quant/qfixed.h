/* qfixed — fixed-point precisions with hls4ml / Vivado HLS semantics, and the ONE place
 * where rounding and overflow happen.
 *
 * ap_fixed<W,I,Q,O>: W bits in all, I integer bits including the sign, LSB 2^(I-W);
 * ap_ufixed is the unsigned twin; ap_int<W> = ap_fixed<W,W>, ap_uint<W> = ap_ufixed<W,W>.
 * A value of a precision is held as its integer code v: value = v * 2^-F, F = W - I.
 *
 * Quantization (Q) decides what happens to the bits below the new LSB, overflow (O) what
 * happens to a result outside the W-bit range; Q is applied first, then O, as the Xilinx
 * ap_fixed conversion does:
 *   AP_TRN        toward -inf (floor)            AP_RND         nearest, ties toward +inf
 *   AP_TRN_ZERO   toward zero                    AP_RND_ZERO    nearest, ties toward zero
 *   AP_RND_MIN_INF nearest, ties toward -inf     AP_RND_INF     nearest, ties away from zero
 *   AP_RND_CONV   nearest, ties to even
 *   AP_WRAP       keep the low W bits (two's complement)
 *   AP_SAT        clamp to [min, max]             AP_SAT_ZERO    0 when out of range
 *   AP_SAT_SYM    clamp; a signed underflow goes to -max, not min
 *
 * quant_requant() converts a code with F_from fraction bits (an accumulator, a product)
 * to a precision; quant_from_double() converts a double with the same rules. For a double
 * that is exactly k * 2^-F_from the two agree bit for bit (tested exhaustively), which is
 * what lets QAT's float forward pass equal the integer engine.
 *
 * Memory: plain values; nothing allocated. Workload: the inner loop of fake quantization
 * (every weight and activation of every training step), so branch-light and inline-free.
 */
#ifndef SNAC_QUANT_QFIXED_H
#define SNAC_QUANT_QFIXED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QUANT_MAX_WIDTH 64  /* widest type a spelling may name */
#define QUANT_MAX_ARITH 62  /* widest type the arithmetic here handles (int64 codes with headroom) */

enum quant_qmode {
    QUANT_Q_TRN, QUANT_Q_TRN_ZERO, QUANT_Q_RND, QUANT_Q_RND_ZERO, QUANT_Q_RND_MIN_INF,
    QUANT_Q_RND_INF, QUANT_Q_RND_CONV, QUANT_Q_COUNT
};
enum quant_omode { QUANT_O_WRAP, QUANT_O_SAT, QUANT_O_SAT_ZERO, QUANT_O_SAT_SYM, QUANT_O_COUNT };
extern const char *const quant_qmode_names[QUANT_Q_COUNT]; /* "AP_TRN", ... */
extern const char *const quant_omode_names[QUANT_O_COUNT]; /* "AP_WRAP", ... */

typedef struct quant_prec {
    int width;       /* W >= 1 */
    int integer;     /* I, including the sign bit when signed; 0 <= I <= W */
    bool is_signed;  /* ap_fixed / ap_int (true) or ap_ufixed / ap_uint (false) */
    enum quant_qmode q;
    enum quant_omode o;
} quant_prec;

#define QUANT_PREC_INIT(w, i) ((quant_prec){(w), (i), true, QUANT_Q_TRN, QUANT_O_WRAP})

/* Parse every spelling hls4ml writes: "ap_fixed<8,3>", "ap_fixed<8,3,AP_RND_CONV,AP_SAT>",
 * "ap_ufixed<8,0>", "fixed<16,6>", "ufixed<8,0,RND,SAT>", "ap_int<8>", "ap_uint<4>",
 * "int<8>", "uint<8>" (spaces allowed, modes case-insensitive with or without "AP_", an
 * optional fifth saturation-bits argument that must be 0). Errors (SNAC_EINVAL) quote
 * the text: syntax, unknown mode, W outside 1..64, I < 0, I > W. */
int quant_prec_parse(const char *text, quant_prec *out);
/* Check W, I and the modes; `what` names the type in the message ("layer 2 weight"). */
int quant_prec_check(const quant_prec *p, const char *what);
/* "ap_fixed<8,3>" (modes appended only when not the defaults), "ap_ufixed<8,3,AP_RND,AP_SAT>".
 * buf should hold QUANT_PREC_STRLEN bytes. */
#define QUANT_PREC_STRLEN 64
void quant_prec_format(const quant_prec *p, char *buf, size_t cap);
bool quant_prec_equal(const quant_prec *a, const quant_prec *b);

/* Fraction bits F = W - I. */
static inline int quant_frac(const quant_prec *p) { return p->width - p->integer; }
/* Smallest and largest code of p (W <= QUANT_MAX_ARITH). */
int64_t quant_code_min(const quant_prec *p);
int64_t quant_code_max(const quant_prec *p);

/* Code of p for the value c * 2^-frac_from (0 <= frac_from <= QUANT_MAX_ARITH), rounded by
 * p->q, then overflowed by p->o. *clipped (may be NULL) is set when a saturating O changed
 * the value: the straight-through estimator passes no gradient there. Inline: the integer
 * engine calls it once or twice per neuron. */
#define QUANT_INLINE static inline __attribute__((always_inline))
QUANT_INLINE int64_t quant_requant(const quant_prec *p, int64_t c, int frac_from, bool *clipped);
/* y[j] = quant_requant(p, max(acc[j], 0) if relu else acc[j], frac_from, NULL) for j < n: the
 * integer engine's per-layer epilogue as one pass, the rounding mode chosen once per call
 * and applied branch-free (add a mode-specific constant, then shift), so it vectorises.
 * Every W <= 32 code fits y. Bit-identical to quant_requant (tested on every mode). */
void quant_requant_n(const quant_prec *p, const int64_t *acc, int frac_from, bool relu, int32_t *y, size_t n);
/* The same on 32-bit accumulators: the caller guarantees |acc[j]| + 2^(s) < 2^31, i.e. an
 * accumulator of at most 30 bits (twice the vector lanes of the 64-bit pass). */
void quant_requant_n32(const quant_prec *p, const int32_t *acc, int frac_from, bool relu, int32_t *y, size_t n);
/* The general case of quant_requant (fraction bits appended, or 63 and more dropped). */
int64_t quant_requant_wide(const quant_prec *p, int64_t c, int frac_from, bool *clipped);

/* Code of p for the double x, same rules. NaN gives 0, +-inf the extreme code of its sign
 * (clipped), values beyond int64 overflow by p->o. */
int64_t quant_from_double(const quant_prec *p, double x, bool *clipped);
/* Fake quantization of floats for QAT's training pass: y[i] = value of x[i] in p, and
 * pass[i] = 0 where a saturating mode clipped (the straight-through estimator's mask),
 * else 1 (pass may be NULL). Same codes as quant_from_double; vectorisable float math
 * for W <= 24 with a saturating mode, quant_from_double otherwise. */
void quant_fake_f32(const quant_prec *p, const float *x, float *y, float *pass, size_t n);

/* Value of code v: v * 2^-F (exact in a double for W <= 53). */
double quant_to_double(const quant_prec *p, int64_t v);

/* Nonzero digits of the canonical signed-digit (non-adjacent) form of v: the minimum
 * number of +-2^k terms whose sum is v. csd(0) = 0, csd(-v) = csd(v). */
int quant_csd_digits(int64_t v);
/* True when |v| is a power of two (a multiply by it is a wire shift). */
bool quant_is_pow2(int64_t v);
/* The fewest two's complement bits (at least 2, at most cap) whose range holds [lo, hi]:
 * how the RTL sizes every product and adder-tree node (export_rtl.h, surr_features.h). */
int quant_range_bits(double lo, double hi, int cap);

/* ---- inline core: Q then O on 64-bit codes ---- */

/* Q: the code of a value whose floor (in new LSBs) is f, with dropped bits rem out of 2*half
 * (rem < 2 half). The value is negative exactly when f < 0. */
QUANT_INLINE int64_t quant_round_floor(int64_t f, uint64_t rem, uint64_t half, enum quant_qmode q)
{
    if (rem == 0)
        return f;
    const bool neg = f < 0, above = rem > half, tie = rem == half;
    bool up;
    switch (q) {
    case QUANT_Q_TRN: up = false; break;
    case QUANT_Q_TRN_ZERO: up = neg; break;
    case QUANT_Q_RND: up = above || tie; break;
    case QUANT_Q_RND_ZERO: up = above || (tie && neg); break;
    case QUANT_Q_RND_MIN_INF: up = above; break;
    case QUANT_Q_RND_INF: up = above || (tie && !neg); break;
    case QUANT_Q_RND_CONV: up = above || (tie && (f & 1)); break;
    default: up = false; break;
    }
    return f + (int64_t)up;
}

/* O: v (|v| < 2^63) into the W-bit range of p. */
QUANT_INLINE int64_t quant_overflow(const quant_prec *p, int64_t v, bool *clipped)
{
    const int64_t lo = p->is_signed ? -((int64_t)1 << (p->width - 1)) : 0;
    const int64_t hi = p->is_signed ? ((int64_t)1 << (p->width - 1)) - 1 : ((int64_t)1 << p->width) - 1;
    if (v >= lo && v <= hi)
        return v;
    if (p->o == QUANT_O_WRAP) {
        /* two's complement: the low W bits, sign-extended */
        uint64_t mask = ((uint64_t)1 << p->width) - 1, u = (uint64_t)v & mask;
        if (p->is_signed && (u >> (p->width - 1)) & 1)
            u |= ~mask;
        return (int64_t)u;
    }
    if (clipped)
        *clipped = true;
    if (p->o == QUANT_O_SAT_ZERO)
        return 0;
    if (v > hi)
        return hi;
    return p->o == QUANT_O_SAT_SYM && p->is_signed ? -hi : lo;
}

QUANT_INLINE int64_t quant_requant(const quant_prec *p, int64_t c, int frac_from, bool *clipped)
{
    if (clipped)
        *clipped = false;
    const int shift = frac_from - (p->width - p->integer); /* bits dropped */
    if (shift == 0)
        return quant_overflow(p, c, clipped);
    if (shift < 0 || shift > 62)
        return quant_requant_wide(p, c, frac_from, clipped);
    /* floor by an arithmetic shift (GCC and Clang define >> of a negative value so), the
     * dropped bits as an unsigned remainder */
    const uint64_t rem = (uint64_t)c & (((uint64_t)1 << shift) - 1);
    return quant_overflow(p, quant_round_floor(c >> shift, rem, (uint64_t)1 << (shift - 1), p->q), clipped);
}

#endif
