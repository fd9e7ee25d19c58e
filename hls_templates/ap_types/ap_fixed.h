/* ap_fixed.h — snacpack's stand-in for the HLS fixed-point types; see ap_int.h for what it
 * covers. ap_fixed<W,I,Q,O,N> (signed) and ap_ufixed<W,I,Q,O,N> (unsigned): W bits, I integer
 * bits (with the sign for ap_fixed), LSB 2^(I-W); N (saturation bits) must be 0.
 */
#ifndef SNAC_AP_TYPES_FIXED_H
#define SNAC_AP_TYPES_FIXED_H

#include "ap_int.h"

template <int _AP_W, int _AP_I, ap_q_mode _AP_Q = AP_TRN, ap_o_mode _AP_O = AP_WRAP, int _AP_N = 0>
struct ap_fixed : snac_ap::fixed_base<_AP_W, _AP_I, true, _AP_Q, _AP_O> {
    static_assert(_AP_N == 0, "saturation bits are not supported");
    typedef snac_ap::fixed_base<_AP_W, _AP_I, true, _AP_Q, _AP_O> base;
    ap_fixed() : base() {}
    template <typename T>
    ap_fixed(const T &x) : base(x) {}
};

template <int _AP_W, int _AP_I, ap_q_mode _AP_Q = AP_TRN, ap_o_mode _AP_O = AP_WRAP, int _AP_N = 0>
struct ap_ufixed : snac_ap::fixed_base<_AP_W, _AP_I, false, _AP_Q, _AP_O> {
    static_assert(_AP_N == 0, "saturation bits are not supported");
    typedef snac_ap::fixed_base<_AP_W, _AP_I, false, _AP_Q, _AP_O> base;
    ap_ufixed() : base() {}
    template <typename T>
    ap_ufixed(const T &x) : base(x) {}
};

#endif
