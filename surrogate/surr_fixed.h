/* surr_fixed — ap_fixed<W,I,Q,O> types with hls4ml/Vivado HLS semantics, the
 * quantisation of a float to such a type, and canonical-signed-digit (CSD) counts.
 *
 * ap_fixed<W,I,Q,O>: W bits in all, I integer bits including the sign, LSB 2^(I-W).
 * Q = AP_TRN (toward -inf, default) or AP_RND (round half up); O = AP_WRAP (two's
 * complement wrap, default) or AP_SAT. ap_ufixed is the unsigned twin.
 * A quantised value is represented by its integer code v: value = v * 2^(I-W).
 *
 * Memory: plain values; nothing allocated. Workload: quantisation runs once per
 * weight at feature extraction (tens of thousands per spec), so it is branch-light.
 */
#ifndef SNAC_SURROGATE_SURR_FIXED_H
#define SNAC_SURROGATE_SURR_FIXED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SURR_FIXED_MAX_WIDTH 64  /* widest type a spec may name */
#define SURR_FIXED_MAX_QUANT 48  /* widest type surr_fixed_quantize handles */

enum surr_qmode { SURR_Q_TRN, SURR_Q_RND, SURR_Q_COUNT };
enum surr_omode { SURR_O_WRAP, SURR_O_SAT, SURR_O_COUNT };
extern const char *const surr_qmode_names[SURR_Q_COUNT]; /* "AP_TRN", "AP_RND" */
extern const char *const surr_omode_names[SURR_O_COUNT]; /* "AP_WRAP", "AP_SAT" */

typedef struct surr_fixed {
    int width;      /* W >= 1 */
    int integer;    /* I, including the sign bit when signed; 0 <= I <= W */
    bool is_signed; /* ap_fixed (true) or ap_ufixed (false) */
    enum surr_qmode q;
    enum surr_omode o;
} surr_fixed;

#define SURR_FIXED_INIT(w, i) ((surr_fixed){(w), (i), true, SURR_Q_TRN, SURR_O_WRAP})

/* Parse "ap_fixed<8,1>", "ap_fixed<8,1,AP_RND,AP_SAT>", "ap_ufixed<6,0>".
 * Errors (SNAC_EINVAL, message names the text): syntax, W == 0, W > 64, I > W, I < 0. */
int surr_fixed_parse(const char *text, surr_fixed *out);
/* Check W, I ranges; `what` names the type in the message ("layer 2 weight"). */
int surr_fixed_check(const surr_fixed *t, const char *what);
/* "ap_fixed<8,1>" (modes appended only when not the defaults) into buf (>= 48 bytes). */
void surr_fixed_format(const surr_fixed *t, char *buf, size_t cap);

/* Integer code of x quantised to t (t->width <= SURR_FIXED_MAX_QUANT).
 * Non-finite x: NaN gives 0, +-inf the saturated extremes. */
int64_t surr_fixed_quantize(const surr_fixed *t, double x);
/* Value of code v in t: v * 2^(I-W). */
double surr_fixed_value(const surr_fixed *t, int64_t v);

/* Nonzero digits of the canonical signed-digit (non-adjacent) form of v: the
 * minimum number of +-2^k terms whose sum is v. csd(0) = 0, csd(-v) = csd(v). */
int surr_csd_digits(int64_t v);
/* True when |v| is a power of two (a multiply by it is a wire shift). */
bool surr_is_pow2(int64_t v);

#endif
