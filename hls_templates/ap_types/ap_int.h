/* ap_int.h — snacpack's own small stand-in for the arbitrary-precision integer and fixed-point
 * types of Vivado/Vitis HLS, written from the documented semantics (UG1399, "Arbitrary
 * Precision Data Types"); no vendor code. It covers only what snacpack's generated HLS
 * sources use: declaration of ap_int/ap_uint/ap_fixed/ap_ufixed with every quantization and
 * overflow mode except AP_WRAP_SM, conversion between them and from int/double, full-precision
 * `*`, `+`, `-`, compound `+=`/`-=`, comparisons with ints and other fixed values, to_int(),
 * to_double(). Values up to 64 bits; intermediates in __int128 (g++/clang).
 *
 * Put the vendor's include folder FIRST on the include path to build the same sources against
 * the real ap_types; this folder is the fallback for plain g++ C simulation.
 */
#ifndef SNAC_AP_TYPES_INT_H
#define SNAC_AP_TYPES_INT_H

#include <math.h>
#include <stdint.h>

enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

namespace snac_ap {

typedef __int128 wide_t;

/* Quantization: the code (in units of 2^-F) of the value v * 2^-f_from, rounded by Q;
 * then overflow by O into W bits (signed S). Q first, then O, as the HLS types do. */
inline int64_t convert(wide_t v, int f_from, int W, int F, bool S, ap_q_mode Q, ap_o_mode O)
{
    const int sh = f_from - F; /* fraction bits dropped (> 0) or appended (< 0) */
    wide_t f;
    if (sh <= 0) {
        f = v * ((wide_t)1 << (-sh));
    } else {
        f = v >> sh; /* floor */
        const wide_t rem = v - f * ((wide_t)1 << sh), half = (wide_t)1 << (sh - 1);
        if (rem != 0) {
            const bool neg = f < 0, above = rem > half, tie = rem == half;
            bool up = false;
            switch (Q) {
            case AP_TRN: up = false; break;
            case AP_TRN_ZERO: up = neg; break;
            case AP_RND: up = above || tie; break;
            case AP_RND_ZERO: up = above || (tie && neg); break;
            case AP_RND_MIN_INF: up = above; break;
            case AP_RND_INF: up = above || (tie && !neg); break;
            case AP_RND_CONV: up = above || (tie && (f & 1) != 0); break;
            }
            f += up ? 1 : 0;
        }
    }
    const wide_t lo = S ? -((wide_t)1 << (W - 1)) : 0;
    const wide_t hi = S ? ((wide_t)1 << (W - 1)) - 1 : ((wide_t)1 << W) - 1;
    if (f < lo || f > hi) {
        switch (O) {
        case AP_SAT: f = f > hi ? hi : lo; break;
        case AP_SAT_ZERO: f = 0; break;
        case AP_SAT_SYM: f = f > hi ? hi : (S ? -hi : lo); break;
        case AP_WRAP:
        case AP_WRAP_SM: /* AP_WRAP_SM is not supported: generated code never uses it */
        default: {
            const wide_t m = (wide_t)1 << W;
            f &= m - 1;
            if (S && f > hi)
                f -= m;
        }
        }
    }
    return (int64_t)f;
}

/* Code of the double d with F fraction bits, rounded by Q, then overflowed by O. */
inline int64_t from_double(double d, int W, int F, bool S, ap_q_mode Q, ap_o_mode O)
{
    /* d * 2^(F+2) keeps two more bits: exact for every value a generated file writes
     * (constants are exact in their type); the extra bits carry the rounding decision
     * for the others (a sticky bit for the rest). */
    const double t = ldexp(d, F + 2), fl = floor(t);
    wide_t v = (wide_t)fl * 2 + (t != fl ? 1 : 0); /* the sticky bit below */
    return convert(v, F + 3, W, F, S, Q, O);
}

/* One base for every type: W bits, I integer bits (sign included when S), code V. */
template <int _AP_W, int _AP_I, bool _AP_S, ap_q_mode _AP_Q, ap_o_mode _AP_O>
struct fixed_base {
    static_assert(_AP_W >= 1 && _AP_W <= 64, "snacpack's ap types hold 1..64 bits");
    static const int width = _AP_W, iwidth = _AP_I, frac = _AP_W - _AP_I;
    static const bool sign_flag = _AP_S;
    int64_t V;

    fixed_base() : V(0) {}
    fixed_base(int x) : V(convert((wide_t)x, 0, _AP_W, frac, _AP_S, _AP_Q, _AP_O)) {}
    fixed_base(long x) : V(convert((wide_t)x, 0, _AP_W, frac, _AP_S, _AP_Q, _AP_O)) {}
    fixed_base(long long x) : V(convert((wide_t)x, 0, _AP_W, frac, _AP_S, _AP_Q, _AP_O)) {}
    fixed_base(unsigned x) : V(convert((wide_t)x, 0, _AP_W, frac, _AP_S, _AP_Q, _AP_O)) {}
    fixed_base(double x) : V(from_double(x, _AP_W, frac, _AP_S, _AP_Q, _AP_O)) {}
    fixed_base(float x) : V(from_double((double)x, _AP_W, frac, _AP_S, _AP_Q, _AP_O)) {}
    template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
    fixed_base(const fixed_base<W2, I2, S2, Q2, O2> &o)
        : V(convert((wide_t)o.V, W2 - I2, _AP_W, frac, _AP_S, _AP_Q, _AP_O)) {}

    template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
    fixed_base &operator+=(const fixed_base<W2, I2, S2, Q2, O2> &o) { return add(o.V, W2 - I2, 1); }
    template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
    fixed_base &operator-=(const fixed_base<W2, I2, S2, Q2, O2> &o) { return add(o.V, W2 - I2, -1); }

    /* C-style conversion to an integer: truncation toward zero */
    int to_int() const { return (int)to_int64(); }
    long long to_int64() const
    {
        if (frac <= 0)
            return (long long)((wide_t)V * ((wide_t)1 << (-frac)));
        const wide_t q = (wide_t)V / ((wide_t)1 << frac); /* C division truncates toward zero */
        return (long long)q;
    }
    double to_double() const { return ldexp((double)V, -frac); }
    float to_float() const { return (float)to_double(); }

  private:
    fixed_base &add(int64_t code, int f2, int sgn)
    {
        const int f = frac > f2 ? frac : f2;
        const wide_t sum = (wide_t)V * ((wide_t)1 << (f - frac)) + sgn * (wide_t)code * ((wide_t)1 << (f - f2));
        V = convert(sum, f, _AP_W, frac, _AP_S, _AP_Q, _AP_O);
        return *this;
    }
};

/* Full-precision results, as the HLS types define them. */
#define SNAC_AP_MAX(a, b) ((a) > (b) ? (a) : (b))
template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
inline fixed_base<W1 + W2, I1 + I2, S1 || S2, AP_TRN, AP_WRAP>
operator*(const fixed_base<W1, I1, S1, Q1, O1> &a, const fixed_base<W2, I2, S2, Q2, O2> &b)
{
    fixed_base<W1 + W2, I1 + I2, S1 || S2, AP_TRN, AP_WRAP> r;
    r.V = (int64_t)((wide_t)a.V * (wide_t)b.V); /* exact: W1 + W2 <= 64 */
    return r;
}
/* a + b and a - b: the wider fraction, one more integer bit than the wider integer part */
#define SNAC_AP_SUM_T                                                                                     \
    fixed_base<SNAC_AP_MAX(I1 + (S2 && !S1), I2 + (S1 && !S2)) + 1 + SNAC_AP_MAX(W1 - I1, W2 - I2),       \
               SNAC_AP_MAX(I1 + (S2 && !S1), I2 + (S1 && !S2)) + 1, S1 || S2, AP_TRN, AP_WRAP>
template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
inline SNAC_AP_SUM_T operator+(const fixed_base<W1, I1, S1, Q1, O1> &a, const fixed_base<W2, I2, S2, Q2, O2> &b)
{
    SNAC_AP_SUM_T r(a);
    r += b;
    return r;
}
template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
inline SNAC_AP_SUM_T operator-(const fixed_base<W1, I1, S1, Q1, O1> &a, const fixed_base<W2, I2, S2, Q2, O2> &b)
{
    SNAC_AP_SUM_T r(a);
    r -= b;
    return r;
}
#undef SNAC_AP_SUM_T

/* comparisons: exact, on aligned codes */
template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2>
inline int compare(const fixed_base<W1, I1, S1, Q1, O1> &a, const fixed_base<W2, I2, S2, Q2, O2> &b)
{
    const int f1 = W1 - I1, f2 = W2 - I2, f = SNAC_AP_MAX(f1, f2);
    const wide_t x = (wide_t)a.V * ((wide_t)1 << (f - f1)), y = (wide_t)b.V * ((wide_t)1 << (f - f2));
    return x < y ? -1 : x > y;
}
template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1>
inline int compare(const fixed_base<W1, I1, S1, Q1, O1> &a, long long b)
{
    const wide_t x = (wide_t)a.V, y = (wide_t)b * ((wide_t)1 << (W1 - I1));
    return x < y ? -1 : x > y;
}
#define SNAC_AP_CMP(op)                                                                                      \
    template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int W2, int I2, bool S2, ap_q_mode Q2,    \
              ap_o_mode O2>                                                                                  \
    inline bool operator op(const fixed_base<W1, I1, S1, Q1, O1> &a, const fixed_base<W2, I2, S2, Q2, O2> &b) \
    {                                                                                                        \
        return compare(a, b) op 0;                                                                           \
    }                                                                                                        \
    template <int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1>                                           \
    inline bool operator op(const fixed_base<W1, I1, S1, Q1, O1> &a, int b)                                  \
    {                                                                                                        \
        return compare(a, (long long)b) op 0;                                                                \
    }
SNAC_AP_CMP(==)
SNAC_AP_CMP(!=)
SNAC_AP_CMP(<)
SNAC_AP_CMP(<=)
SNAC_AP_CMP(>)
SNAC_AP_CMP(>=)
#undef SNAC_AP_CMP

} /* namespace snac_ap */

template <int _AP_W>
struct ap_int : snac_ap::fixed_base<_AP_W, _AP_W, true, AP_TRN, AP_WRAP> {
    typedef snac_ap::fixed_base<_AP_W, _AP_W, true, AP_TRN, AP_WRAP> base;
    ap_int() : base() {}
    template <typename T>
    ap_int(const T &x) : base(x) {}
};
template <int _AP_W>
struct ap_uint : snac_ap::fixed_base<_AP_W, _AP_W, false, AP_TRN, AP_WRAP> {
    typedef snac_ap::fixed_base<_AP_W, _AP_W, false, AP_TRN, AP_WRAP> base;
    ap_uint() : base() {}
    template <typename T>
    ap_uint(const T &x) : base(x) {}
};

#include "ap_fixed.h"

#endif
