/* qfixed — parsing, formatting and the rounding/overflow rules of hls4ml precisions;
 * see qfixed.h.
 *
 * Memory: none allocated. Workload: quant_requant/quant_from_double run per weight and
 * per activation of every QAT step and every integer-engine neuron.
 */
#include "quant/qfixed.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nn/hot.h"
#include "util/err.h"

/* 128-bit intermediates for left shifts of wide codes (GCC/Clang on 64-bit targets). */
__extension__ typedef __int128 i128;

const char *const quant_qmode_names[QUANT_Q_COUNT] = {
    "AP_TRN", "AP_TRN_ZERO", "AP_RND", "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF", "AP_RND_CONV"};
const char *const quant_omode_names[QUANT_O_COUNT] = {"AP_WRAP", "AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM"};
_Static_assert(sizeof quant_qmode_names / sizeof *quant_qmode_names == QUANT_Q_COUNT, "qmode names");
_Static_assert(sizeof quant_omode_names / sizeof *quant_omode_names == QUANT_O_COUNT, "omode names");

/* ------------------------------------------------------------------ parsing */

static const char *skip_ws(const char *p)
{
    while (*p && isspace((unsigned char)*p))
        p++;
    return p;
}

/* A decimal integer (sign allowed) after optional spaces; NULL on failure. */
static const char *read_int(const char *p, long *out)
{
    char *end;
    p = skip_ws(p);
    if (!isdigit((unsigned char)*p) && *p != '-' && *p != '+')
        return NULL;
    long v = strtol(p, &end, 10);
    if (end == p)
        return NULL;
    *out = v;
    return skip_ws(end);
}

/* An identifier [A-Za-z0-9_]+ into buf (truncated to cap-1); NULL when empty. */
static const char *read_word(const char *p, char *buf, size_t cap)
{
    size_t n = 0;
    p = skip_ws(p);
    while (*p && (isalnum((unsigned char)*p) || *p == '_')) {
        if (n + 1 < cap)
            buf[n++] = *p;
        p++;
    }
    buf[n] = '\0';
    return n ? skip_ws(p) : NULL;
}

/* Index of a mode name in names (with or without "AP_", any case), or -1. */
static int mode_index(const char *const *names, int count, const char *word)
{
    for (int k = 0; k < count; k++)
        if (strcasecmp(word, names[k]) == 0 || strcasecmp(word, names[k] + 3) == 0)
            return k;
    return -1;
}

int quant_prec_check(const quant_prec *p, const char *what)
{
    if (p->width < 1 || p->width > QUANT_MAX_WIDTH)
        return snac_err_set(SNAC_EINVAL, "%s: total width W=%d outside 1..%d", what, p->width,
                            QUANT_MAX_WIDTH);
    if (p->integer < 0)
        return snac_err_set(SNAC_EINVAL, "%s: negative integer bits I=%d are not supported", what,
                            p->integer);
    if (p->integer > p->width)
        return snac_err_set(SNAC_EINVAL, "%s: W < I: total width W=%d is smaller than the integer bits I=%d",
                            what, p->width, p->integer);
    if ((unsigned)p->q >= QUANT_Q_COUNT || (unsigned)p->o >= QUANT_O_COUNT)
        return snac_err_set(SNAC_EINVAL, "%s: bad rounding/overflow mode", what);
    return SNAC_OK;
}

static int syntax_error(const char *text)
{
    return snac_err_set(SNAC_EINVAL,
                        "'%s': not a precision (expected ap_fixed<W,I[,Q[,O]]>, ap_ufixed<W,I...>, "
                        "fixed<W,I...>, ufixed<W,I...>, ap_int<W>, ap_uint<W>, int<W> or uint<W>)",
                        text);
}

int quant_prec_parse(const char *text, quant_prec *out)
{
    static const struct { const char *name; bool is_signed, is_int; } kinds[] = {
        {"ap_fixed", true, false}, {"fixed", true, false},  {"ap_ufixed", false, false},
        {"ufixed", false, false},  {"ap_int", true, true},  {"int", true, true},
        {"ap_uint", false, true},  {"uint", false, true},
    };
    quant_prec p = QUANT_PREC_INIT(0, 0);
    char word[32];
    if (!text)
        return snac_err_set(SNAC_EINVAL, "no precision text");
    const char *s = read_word(text, word, sizeof word);
    if (!s || *s != '<')
        return syntax_error(text);
    int kind = -1;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (strcasecmp(word, kinds[k].name) == 0)
            kind = (int)k;
    if (kind < 0)
        return syntax_error(text);
    p.is_signed = kinds[kind].is_signed;
    long w, i;
    s = read_int(s + 1, &w);
    if (!s)
        return syntax_error(text);
    if (kinds[kind].is_int) {
        i = w;
    } else {
        if (*s != ',')
            return syntax_error(text);
        s = read_int(s + 1, &i);
        if (!s)
            return syntax_error(text);
        for (int field = 0; *s == ','; field++) {
            if (field == 2) { /* saturation bits N: only the default 0 has a meaning here */
                long n;
                s = read_int(s + 1, &n);
                if (!s)
                    return syntax_error(text);
                if (n != 0)
                    return snac_err_set(SNAC_EINVAL, "'%s': saturation bits N=%ld are not supported (only 0)",
                                        text, n);
                continue;
            }
            if (field > 2)
                return syntax_error(text);
            s = read_word(s + 1, word, sizeof word);
            if (!s)
                return syntax_error(text);
            int k = field == 0 ? mode_index(quant_qmode_names, QUANT_Q_COUNT, word)
                               : mode_index(quant_omode_names, QUANT_O_COUNT, word);
            if (k < 0)
                return snac_err_set(SNAC_EINVAL,
                                    "'%s': unknown %s mode '%s' (known: %s)", text,
                                    field == 0 ? "rounding" : "overflow", word,
                                    field == 0 ? "AP_TRN, AP_TRN_ZERO, AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, "
                                                 "AP_RND_INF, AP_RND_CONV"
                                               : "AP_WRAP, AP_SAT, AP_SAT_ZERO, AP_SAT_SYM");
            if (field == 0)
                p.q = (enum quant_qmode)k;
            else
                p.o = (enum quant_omode)k;
        }
    }
    if (*s != '>' || *skip_ws(s + 1) != '\0')
        return syntax_error(text);
    if (w < 1 || w > QUANT_MAX_WIDTH)
        return snac_err_set(SNAC_EINVAL, "'%s': total width W=%ld outside 1..%d", text, w, QUANT_MAX_WIDTH);
    if (i < 0 || i > w)
        return snac_err_set(SNAC_EINVAL, "'%s': integer bits I=%ld outside 0..W (W=%ld)%s", text, i, w,
                            i > w ? ": W < I" : "");
    p.width = (int)w;
    p.integer = (int)i;
    *out = p;
    return SNAC_OK;
}

void quant_prec_format(const quant_prec *p, char *buf, size_t cap)
{
    const char *name = p->is_signed ? "ap_fixed" : "ap_ufixed";
    if (p->q == QUANT_Q_TRN && p->o == QUANT_O_WRAP)
        snprintf(buf, cap, "%s<%d,%d>", name, p->width, p->integer);
    else if (p->o == QUANT_O_WRAP)
        snprintf(buf, cap, "%s<%d,%d,%s>", name, p->width, p->integer, quant_qmode_names[p->q]);
    else
        snprintf(buf, cap, "%s<%d,%d,%s,%s>", name, p->width, p->integer, quant_qmode_names[p->q],
                 quant_omode_names[p->o]);
}

bool quant_prec_equal(const quant_prec *a, const quant_prec *b)
{
    return a->width == b->width && a->integer == b->integer && a->is_signed == b->is_signed &&
           a->q == b->q && a->o == b->o;
}

/* ------------------------------------------------------------------ arithmetic */

int64_t quant_code_min(const quant_prec *p)
{
    return p->is_signed ? -((int64_t)1 << (p->width - 1)) : 0;
}

int64_t quant_code_max(const quant_prec *p)
{
    return p->is_signed ? ((int64_t)1 << (p->width - 1)) - 1 : ((int64_t)1 << p->width) - 1;
}

/* What the dropped bits were worth, in units of the new LSB. */
enum frac_class { FRAC_ZERO, FRAC_BELOW_HALF, FRAC_HALF, FRAC_ABOVE_HALF };

/* Q: the code of a value whose floor (in new LSBs) is f and whose dropped part is r.
 * The value is negative exactly when f < 0 (r > 0 means 0 < dropped part < 1). */
static i128 round_floor(i128 f, enum frac_class r, enum quant_qmode q)
{
    if (r == FRAC_ZERO)
        return f;
    bool neg = f < 0, up;
    switch (q) {
    case QUANT_Q_TRN: up = false; break;
    case QUANT_Q_TRN_ZERO: up = neg; break;
    case QUANT_Q_RND: up = r >= FRAC_HALF; break;
    case QUANT_Q_RND_ZERO: up = r == FRAC_ABOVE_HALF || (r == FRAC_HALF && neg); break;
    case QUANT_Q_RND_MIN_INF: up = r == FRAC_ABOVE_HALF; break;
    case QUANT_Q_RND_INF: up = r == FRAC_ABOVE_HALF || (r == FRAC_HALF && !neg); break;
    case QUANT_Q_RND_CONV: up = r == FRAC_ABOVE_HALF || (r == FRAC_HALF && (f & 1)); break;
    default: up = false; break;
    }
    return up ? f + 1 : f;
}

/* O: v (any size) into the W-bit range of p. */
static int64_t overflow(const quant_prec *p, i128 v, bool *clipped)
{
    const int64_t lo = quant_code_min(p), hi = quant_code_max(p);
    if (v >= lo && v <= hi)
        return (int64_t)v;
    switch (p->o) {
    case QUANT_O_WRAP: {
        uint64_t mask = ((uint64_t)1 << p->width) - 1;
        uint64_t u = (uint64_t)v & mask;
        if (p->is_signed && (u >> (p->width - 1)) & 1)
            u |= ~mask;
        return (int64_t)u; /* two's complement: the low W bits, sign-extended */
    }
    case QUANT_O_SAT_ZERO:
        if (clipped)
            *clipped = true;
        return 0;
    case QUANT_O_SAT_SYM:
        if (clipped)
            *clipped = true;
        return v < lo ? (p->is_signed ? -hi : lo) : hi;
    case QUANT_O_SAT:
    default:
        if (clipped)
            *clipped = true;
        return v < lo ? lo : hi;
    }
}

int64_t quant_requant_wide(const quant_prec *p, int64_t c, int frac_from, bool *clipped)
{
    if (clipped)
        *clipped = false;
    int shift = frac_from - quant_frac(p); /* bits dropped (> 0) or appended (< 0) */
    if (shift <= 0)
        return overflow(p, (i128)c * ((i128)1 << -shift), clipped);
    if (shift > 126) /* everything below the new LSB: floor is 0 or -1 */
        shift = 126;
    i128 one = 1, w = c;
    i128 f = w >= 0 ? w >> shift : -((-w - 1) >> shift) - 1; /* floor(c / 2^shift) */
    i128 rem = w - f * (one << shift);                        /* [0, 2^shift) */
    i128 half = one << (shift - 1);
    enum frac_class r = rem == 0 ? FRAC_ZERO : rem < half ? FRAC_BELOW_HALF
                      : rem == half ? FRAC_HALF : FRAC_ABOVE_HALF;
    return overflow(p, round_floor(f, r, p->q), clipped);
}

/* One loop per rounding mode; ROUND(v) rounds v (s bits dropped) to the new LSB. The
 * constants make the floor of the shifted sum land where the mode says: ties up (+half), ties
 * down (+half-1), toward zero (+mask when negative), ties to even (+half-1+odd). T is the
 * lane type: int32 when the accumulator is narrow enough (twice the lanes), else int64. */
#define REQUANT_LOOP(T, ROUND)                                                   \
    for (size_t j = 0; j < n; j++) {                                             \
        T v = acc[j];                                                            \
        v = v < 0 ? v & relu_keep : v;                                           \
        T neg = v < 0 ? (T)-1 : 0; (void)neg;                                    \
        T r = ROUND;                                                             \
        T c = r < lo ? lo_sat : r > hi ? hi : r;                                 \
        y[j] = (int32_t)(c != r ? c & sat_keep : c);                             \
    }

/* Branch-free in the lane type only (masks, not bools, so the loops vectorise): neg is -1
 * for a negative value, relu_keep clears negatives under ReLU, sat_keep zeroes AP_SAT_ZERO's
 * overflows. */
#define REQUANT_MODES(T)                                                                      \
    const T half = (T)1 << (s - 1), mask = ((T)1 << s) - 1;                                  \
    const T lo = (T)quant_code_min(p), hi = (T)quant_code_max(p);                           \
    const T lo_sat = p->o == QUANT_O_SAT_SYM && p->is_signed ? -hi : lo;                     \
    const T relu_keep = relu ? 0 : (T)-1, sat_keep = p->o == QUANT_O_SAT_ZERO ? 0 : (T)-1;   \
    switch (p->q) {                                                                           \
    case QUANT_Q_TRN: REQUANT_LOOP(T, v >> s) break;                                          \
    case QUANT_Q_TRN_ZERO: REQUANT_LOOP(T, (v + (neg & mask)) >> s) break;                     \
    case QUANT_Q_RND: REQUANT_LOOP(T, (v + half) >> s) break;                                 \
    case QUANT_Q_RND_ZERO: REQUANT_LOOP(T, (v + half - 1 - neg) >> s) break;                  \
    case QUANT_Q_RND_MIN_INF: REQUANT_LOOP(T, (v + half - 1) >> s) break;                     \
    case QUANT_Q_RND_INF: REQUANT_LOOP(T, (v + half + neg) >> s) break;                       \
    case QUANT_Q_RND_CONV: default: REQUANT_LOOP(T, (v + half - 1 + ((v >> s) & 1)) >> s) break; \
    }

/* The general path: fraction bits appended, a wrapping or wide target. */
static bool requant_n_general(const quant_prec *p, int s)
{
    return s <= 0 || s > 62 || p->o == QUANT_O_WRAP || p->width > 32;
}

NN_HOT void quant_requant_n(const quant_prec *p, const int64_t *acc, int frac_from, bool relu, int32_t *y, size_t n)
{
    const int s = frac_from - quant_frac(p);
    if (requant_n_general(p, s)) {
        for (size_t j = 0; j < n; j++)
            y[j] = (int32_t)quant_requant(p, relu && acc[j] < 0 ? 0 : acc[j], frac_from, NULL);
        return;
    }
    REQUANT_MODES(int64_t)
}

NN_HOT void quant_requant_n32(const quant_prec *p, const int32_t *acc, int frac_from, bool relu, int32_t *y, size_t n)
{
    const int s = frac_from - quant_frac(p);
    if (requant_n_general(p, s) || s > 30 || p->width > 30) { /* the constants must fit 32-bit lanes too */
        for (size_t j = 0; j < n; j++)
            y[j] = (int32_t)quant_requant(p, relu && acc[j] < 0 ? 0 : acc[j], frac_from, NULL);
        return;
    }
    REQUANT_MODES(int32_t)
}

int64_t quant_from_double(const quant_prec *p, double x, bool *clipped)
{
    if (clipped)
        *clipped = false;
    if (isnan(x))
        return 0;
    if (isinf(x)) { /* the extreme of its sign, whatever the overflow mode */
        if (clipped)
            *clipped = true;
        return x > 0 ? quant_code_max(p) : quant_code_min(p);
    }
    double scaled = ldexp(x, quant_frac(p)); /* exact unless it overflows to inf */
    if (!(fabs(scaled) < 0x1p100)) {          /* far beyond any W <= 64 range */
        i128 big = (i128)1 << 100;
        if (p->o == QUANT_O_WRAP && isfinite(scaled)) {
            /* the low W bits of the integer: fmod by 2^W is exact */
            double m = fmod(floor(scaled), ldexp(1.0, p->width));
            if (m < 0)
                m += ldexp(1.0, p->width);
            return overflow(p, (i128)(uint64_t)m, clipped);
        }
        return overflow(p, scaled < 0 ? -big : big, clipped);
    }
    double fl = floor(scaled);
    double fr = scaled - fl; /* exact: both are multiples of the same power of two */
    enum frac_class r = fr == 0.0 ? FRAC_ZERO : fr < 0.5 ? FRAC_BELOW_HALF
                      : fr == 0.5 ? FRAC_HALF : FRAC_ABOVE_HALF;
    return overflow(p, round_floor((i128)fl, r, p->q), clipped);
}

/* One loop per rounding mode so each vectorises; ROUND(s) is the mode's rounding of s.
 * Exact: s = x * 2^F is a float scaling by a power of two, and s + 0.5f is exact for the
 * |s| < 2^23 that can land inside a W <= 24 range (larger ones saturate either way). */
#define FAKE_LOOP(ROUND)                                                         \
    for (size_t i = 0; i < n; i++) {                                             \
        float s = x[i] * scale;                                                  \
        float k = ROUND;                                                         \
        bool under = k < lo, over = k > hi;                                      \
        float v = under ? lo_sat : over ? hi : k;                                \
        if (zero_sat && (under || over))                                         \
            v = 0.0f;                                                            \
        y[i] = v * inv;                                                          \
        if (pass)                                                                \
            pass[i] = (under || over) ? 0.0f : 1.0f;                             \
    }

NN_HOT void quant_fake_f32(const quant_prec *p, const float *x, float *y, float *pass, size_t n)
{
    if (p->width > 24 || p->o == QUANT_O_WRAP) {
        for (size_t i = 0; i < n; i++) {
            bool clip;
            y[i] = (float)quant_to_double(p, quant_from_double(p, (double)x[i], &clip));
            if (pass)
                pass[i] = clip ? 0.0f : 1.0f;
        }
        return;
    }
    const float scale = ldexpf(1.0f, quant_frac(p)), inv = ldexpf(1.0f, -quant_frac(p));
    const float lo = (float)quant_code_min(p), hi = (float)quant_code_max(p);
    const float lo_sat = p->o == QUANT_O_SAT_SYM && p->is_signed ? -hi : lo;
    const bool zero_sat = p->o == QUANT_O_SAT_ZERO;
    switch (p->q) {
    case QUANT_Q_TRN: FAKE_LOOP(floorf(s)) break;
    case QUANT_Q_TRN_ZERO: FAKE_LOOP(truncf(s)) break;
    case QUANT_Q_RND: FAKE_LOOP(floorf(s + 0.5f)) break;
    case QUANT_Q_RND_ZERO: FAKE_LOOP(s > 0.0f ? ceilf(s - 0.5f) : floorf(s + 0.5f)) break;
    case QUANT_Q_RND_MIN_INF: FAKE_LOOP(ceilf(s - 0.5f)) break;
    case QUANT_Q_RND_INF: FAKE_LOOP(roundf(s)) break;
    case QUANT_Q_RND_CONV: default: FAKE_LOOP(nearbyintf(s)) break;
    }
}

double quant_to_double(const quant_prec *p, int64_t v)
{
    return ldexp((double)v, -quant_frac(p));
}

/* ------------------------------------------------------------------ CSD */

int quant_range_bits(double lo, double hi, int cap)
{
    for (int b = 2; b < cap; b++) {
        const double m = ldexp(1.0, b - 1);
        if (lo >= -m && hi <= m - 1)
            return b;
    }
    return cap;
}

int quant_csd_digits(int64_t v)
{
    /* non-adjacent form: digits = popcount of (3v XOR v) without the carry bit; done on
     * |v| as an unsigned 64-bit value so INT64_MIN is fine */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = 0;
    while (u) {
        if (u & 1) {
            n++;
            /* a run of ones ...0111 becomes 100-1: take -1 here and carry */
            if ((u & 3) == 3)
                u += 1;
            else
                u -= 1;
        }
        u >>= 1;
    }
    return n;
}

bool quant_is_pow2(int64_t v)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    return u != 0 && (u & (u - 1)) == 0;
}
