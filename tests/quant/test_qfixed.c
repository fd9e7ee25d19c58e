/* test_qfixed — hls4ml fixed point: every rounding and overflow mode against hand-computed
 * values (negative ties, saturation edges) and, exhaustively over every code of a few
 * 8-bit formats, against a plain reference built from libm's rounding functions; the
 * integer and double conversions agree; every spelling hls4ml writes parses. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "quant/qfixed.h"
#include "util/err.h"

static quant_prec P(int w, int i, bool s, enum quant_qmode q, enum quant_omode o)
{
    return (quant_prec){w, i, s, q, o};
}

/* code of x in p, via the double path */
static int64_t qd(quant_prec p, double x) { return quant_from_double(&p, x, NULL); }

static void rounding_modes_should_match_hand_computed_ties(void)
{
    /* ap_fixed<4,2>: LSB 0.25, codes -8..7. 0.625 = 2.5 LSB, -0.625 = -2.5 LSB */
    const struct { enum quant_qmode q; int64_t pos, neg, pos_above, neg_below; } t[] = {
        {QUANT_Q_TRN, 2, -3, 2, -3},          {QUANT_Q_TRN_ZERO, 2, -2, 2, -2},
        {QUANT_Q_RND, 3, -2, 3, -3},          {QUANT_Q_RND_ZERO, 2, -2, 3, -3},
        {QUANT_Q_RND_MIN_INF, 2, -3, 3, -3},  {QUANT_Q_RND_INF, 3, -3, 3, -3},
        {QUANT_Q_RND_CONV, 2, -2, 3, -3},
    };
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        quant_prec p = P(4, 2, true, t[k].q, QUANT_O_WRAP);
        CHECK_MSG(qd(p, 0.625) == t[k].pos, "%s +tie: %lld", quant_qmode_names[t[k].q], (long long)qd(p, 0.625));
        CHECK_MSG(qd(p, -0.625) == t[k].neg, "%s -tie: %lld", quant_qmode_names[t[k].q], (long long)qd(p, -0.625));
        CHECK_MSG(qd(p, 0.65) == t[k].pos_above, "%s 2.6 LSB", quant_qmode_names[t[k].q]);
        CHECK_MSG(qd(p, -0.65) == t[k].neg_below, "%s -2.6 LSB", quant_qmode_names[t[k].q]);
        /* the integer path: -5 at F=3 is -2.5 LSB of F=2 */
        CHECK(quant_requant(&p, 5, 3, NULL) == t[k].pos);
        CHECK(quant_requant(&p, -5, 3, NULL) == t[k].neg);
    }
    /* ties to even the other way: 1.5 LSB -> 2 under CONV, 1 under RND_ZERO */
    quant_prec conv = P(4, 2, true, QUANT_Q_RND_CONV, QUANT_O_WRAP);
    CHECK(qd(conv, 0.375) == 2);
    CHECK(qd(conv, -0.375) == -2);
}

static void overflow_modes_should_match_hand_computed_edges(void)
{
    quant_prec p = P(4, 2, true, QUANT_Q_RND, QUANT_O_WRAP);
    bool clip;
    /* 1.9 = 7.6 LSB rounds to 8: one past the top */
    CHECK(qd(p, 1.9) == -8);
    p.o = QUANT_O_SAT;
    CHECK(quant_from_double(&p, 1.9, &clip) == 7 && clip);
    p.o = QUANT_O_SAT_ZERO;
    CHECK(qd(p, 1.9) == 0);
    p.o = QUANT_O_SAT_SYM;
    CHECK(qd(p, 1.9) == 7);
    /* -2.3 = -9.2 LSB, TRN -> -10 */
    p.q = QUANT_Q_TRN;
    p.o = QUANT_O_WRAP;
    CHECK(quant_from_double(&p, -2.3, &clip) == 6 && !clip);
    p.o = QUANT_O_SAT;
    CHECK(qd(p, -2.3) == -8);
    p.o = QUANT_O_SAT_SYM;
    CHECK(qd(p, -2.3) == -7);
    /* the most negative code itself is no underflow, not even for SAT_SYM (Xilinx) */
    CHECK(quant_from_double(&p, -2.0, &clip) == -8 && !clip);
    p.o = QUANT_O_SAT_ZERO;
    CHECK(qd(p, -2.3) == 0);
    CHECK(qd(p, 1.75) == 7);
    /* unsigned */
    quant_prec u = P(4, 2, false, QUANT_Q_TRN, QUANT_O_WRAP);
    CHECK(qd(u, -0.5) == 14);
    u.o = QUANT_O_SAT;
    CHECK(qd(u, -0.5) == 0);
    CHECK(qd(u, 3.75) == 15);
    CHECK(qd(u, 4.0) == 15);
    u.o = QUANT_O_SAT_SYM; /* unsigned: same as SAT */
    CHECK(qd(u, -0.5) == 0);
    /* non-finite */
    quant_prec s = P(8, 3, true, QUANT_Q_TRN, QUANT_O_SAT);
    CHECK(qd(s, NAN) == 0);
    CHECK(qd(s, INFINITY) == 127);
    CHECK(qd(s, -INFINITY) == -128);
    CHECK(qd(s, 1e300) == 127);
    /* a huge value wraps to its low bits: 2^70 + 3 LSB is not representable in a double,
     * but 2^60 + 2^8 * 3 is: low 8 bits of (2^60 + 768) are 0 */
    s.o = QUANT_O_WRAP;
    CHECK(qd(s, ldexp(1.0, 55) + ldexp(3.0, 3)) == qd(s, ldexp(3.0, 3)) - 0);
}

/* ---- the plain reference: real-number definitions through libm ---- */

static double ref_round(double x, enum quant_qmode q)
{
    switch (q) {
    case QUANT_Q_TRN: return floor(x);
    case QUANT_Q_TRN_ZERO: return trunc(x);
    case QUANT_Q_RND: return floor(x + 0.5);
    case QUANT_Q_RND_ZERO: return x > 0 ? ceil(x - 0.5) : floor(x + 0.5);
    case QUANT_Q_RND_MIN_INF: return ceil(x - 0.5);
    case QUANT_Q_RND_INF: return round(x); /* C: halfway cases away from zero */
    case QUANT_Q_RND_CONV: return nearbyint(x); /* default mode: ties to even */
    default: return NAN;
    }
}

static int64_t ref_convert(double value, quant_prec p)
{
    double k = ref_round(ldexp(value, p.width - p.integer), p.q);
    double lo = p.is_signed ? -ldexp(1.0, p.width - 1) : 0.0;
    double hi = p.is_signed ? ldexp(1.0, p.width - 1) - 1 : ldexp(1.0, p.width) - 1;
    if (k >= lo && k <= hi)
        return (int64_t)k;
    switch (p.o) {
    case QUANT_O_WRAP: {
        double span = ldexp(1.0, p.width);
        double r = fmod(k - lo, span);
        if (r < 0)
            r += span;
        return (int64_t)(r + lo);
    }
    case QUANT_O_SAT: return (int64_t)(k < lo ? lo : hi);
    case QUANT_O_SAT_ZERO: return 0;
    case QUANT_O_SAT_SYM: return (int64_t)(k < lo ? (p.is_signed ? -hi : lo) : hi);
    default: return -999;
    }
}

static void every_code_should_convert_as_the_reference_does(void)
{
    /* source: every code of a 10-bit signed type with 6 fraction bits (values -8..8) and of a
     * 12-bit one with 9 fraction bits; targets: 8-bit formats of every kind and mode */
    const struct { int w, f; } src[] = {{10, 6}, {12, 9}, {9, 2}};
    const quant_prec shapes[] = {P(8, 3, true, 0, 0), P(8, 0, true, 0, 0), P(8, 8, true, 0, 0),
                                 P(8, 3, false, 0, 0), P(8, 1, false, 0, 0), P(4, 2, true, 0, 0),
                                 P(6, 6, false, 0, 0), P(8, 5, true, 0, 0)};
    size_t n = 0, bad = 0;
    for (size_t si = 0; si < sizeof src / sizeof *src; si++)
        for (size_t ti = 0; ti < sizeof shapes / sizeof *shapes; ti++)
            for (int q = 0; q < QUANT_Q_COUNT; q++)
                for (int o = 0; o < QUANT_O_COUNT; o++) {
                    quant_prec p = shapes[ti];
                    p.q = (enum quant_qmode)q;
                    p.o = (enum quant_omode)o;
                    int64_t lo = -((int64_t)1 << (src[si].w - 1)), hi = -lo - 1;
                    for (int64_t c = lo; c <= hi; c++) {
                        double v = ldexp((double)c, -src[si].f);
                        int64_t want = ref_convert(v, p);
                        int64_t got_i = quant_requant(&p, c, src[si].f, NULL);
                        int64_t got_d = quant_from_double(&p, v, NULL);
                        n++;
                        if (got_i != want || got_d != want) {
                            if (bad++ < 10)
                                fprintf(stderr, "code %lld/2^%d -> W=%d I=%d %s %s %s: want %lld int %lld dbl %lld\n",
                                        (long long)c, src[si].f, p.width, p.integer, p.is_signed ? "s" : "u",
                                        quant_qmode_names[q], quant_omode_names[o], (long long)want,
                                        (long long)got_i, (long long)got_d);
                        }
                    }
                }
    CHECK_MSG(bad == 0, "%zu of %zu conversions differ from the reference", bad, n);
    CHECK(n > 100000);
}

static void wide_accumulators_should_requantize_exactly(void)
{
    /* 40-bit accumulator codes with 20 fraction bits into ap_fixed<16,6,AP_RND_CONV,AP_SAT> */
    quant_prec p = P(16, 6, true, QUANT_Q_RND_CONV, QUANT_O_SAT);
    uint64_t s = 12345;
    for (int k = 0; k < 100000; k++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        int64_t c = (int64_t)(s >> 24) - ((int64_t)1 << 39);
        double v = ldexp((double)c, -20);
        CHECK(quant_requant(&p, c, 20, NULL) == ref_convert(v, p));
    }
    /* appending fraction bits: code 3 at F=0 into F=10 */
    CHECK(quant_requant(&p, 3, 0, NULL) == 3 << 10);
    CHECK(quant_requant(&p, 100, 0, NULL) == 32767); /* saturates */
}

static void vector_requant_should_equal_the_scalar_one(void)
{
    uint64_t s = 99;
    int64_t acc[1000];
    int32_t y[1000], acc32[1000];
    size_t bad = 0, n = 0;
    const quant_prec shapes[] = {P(8, 3, false, 0, 0), P(8, 3, true, 0, 0), P(16, 6, true, 0, 0), P(4, 1, true, 0, 0)};
    for (int rep = 0; rep < 4; rep++) {
        for (size_t i = 0; i < 1000; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            acc[i] = ((int64_t)(s >> 34) - ((int64_t)1 << 29)) >> (rep * 4); /* ties and saturations both */
        }
        for (size_t t = 0; t < sizeof shapes / sizeof *shapes; t++)
            for (int q = 0; q < QUANT_Q_COUNT; q++)
                for (int o = 0; o < QUANT_O_COUNT; o++)
                    for (int relu = 0; relu < 2; relu++)
                        for (int from = 0; from <= 20; from += 5) {
                            quant_prec p = shapes[t];
                            p.q = (enum quant_qmode)q;
                            p.o = (enum quant_omode)o;
                            quant_requant_n(&p, acc, from, relu, y, 1000);
                            for (size_t i = 0; i < 1000; i++, n++) {
                                int64_t v = relu && acc[i] < 0 ? 0 : acc[i];
                                bad += y[i] != (int32_t)quant_requant(&p, v, from, NULL);
                            }
                            /* the 32-bit twin on accumulators below 2^29 */
                            for (size_t i = 0; i < 1000; i++)
                                acc32[i] = (int32_t)(acc[i] / 2);
                            quant_requant_n32(&p, acc32, from, relu, y, 1000);
                            for (size_t i = 0; i < 1000; i++, n++) {
                                int64_t v = relu && acc32[i] < 0 ? 0 : acc32[i];
                                bad += y[i] != (int32_t)quant_requant(&p, v, from, NULL);
                            }
                        }
    }
    CHECK_MSG(bad == 0, "%zu of %zu differ", bad, n);
}

static void parser_should_accept_every_hls4ml_spelling(void)
{
    quant_prec p;
    char buf[QUANT_PREC_STRLEN];
    CHECK(quant_prec_parse("ap_fixed<8,3>", &p) == 0 && p.width == 8 && p.integer == 3 && p.is_signed &&
          p.q == QUANT_Q_TRN && p.o == QUANT_O_WRAP);
    CHECK(quant_prec_parse("ap_fixed<8,3,AP_RND_CONV,AP_SAT>", &p) == 0 && p.q == QUANT_Q_RND_CONV &&
          p.o == QUANT_O_SAT);
    CHECK(quant_prec_parse("fixed<16,6>", &p) == 0 && p.width == 16 && p.integer == 6 && p.is_signed);
    CHECK(quant_prec_parse("ufixed<8,0>", &p) == 0 && !p.is_signed && p.integer == 0);
    CHECK(quant_prec_parse("ap_int<8>", &p) == 0 && p.width == 8 && p.integer == 8 && p.is_signed);
    CHECK(quant_prec_parse("ap_uint<4>", &p) == 0 && p.width == 4 && !p.is_signed);
    CHECK(quant_prec_parse("int<6>", &p) == 0 && p.width == 6 && p.integer == 6);
    CHECK(quant_prec_parse("uint<6>", &p) == 0 && !p.is_signed);
    CHECK(quant_prec_parse(" ap_fixed< 12 , 4 , AP_RND , AP_SAT > ", &p) == 0 && p.q == QUANT_Q_RND &&
          p.o == QUANT_O_SAT && p.width == 12);
    CHECK(quant_prec_parse("fixed<16,6,RND_CONV,SAT>", &p) == 0 && p.q == QUANT_Q_RND_CONV && p.o == QUANT_O_SAT);
    CHECK(quant_prec_parse("fixed<16,6,rnd_conv,sat_sym,0>", &p) == 0 && p.o == QUANT_O_SAT_SYM);
    CHECK(quant_prec_parse("ap_fixed<28,16,AP_RND_ZERO,AP_SAT>", &p) == 0 && p.q == QUANT_Q_RND_ZERO);
    CHECK(quant_prec_parse("ap_fixed<8,3,AP_TRN_ZERO,AP_SAT_ZERO>", &p) == 0 && p.q == QUANT_Q_TRN_ZERO &&
          p.o == QUANT_O_SAT_ZERO);
    CHECK(quant_prec_parse("ap_fixed<8,3,AP_RND_MIN_INF>", &p) == 0 && p.q == QUANT_Q_RND_MIN_INF);
    CHECK(quant_prec_parse("ap_fixed<8,3,AP_RND_INF>", &p) == 0 && p.q == QUANT_Q_RND_INF);
    /* round trip through the formatter */
    for (int q = 0; q < QUANT_Q_COUNT; q++)
        for (int o = 0; o < QUANT_O_COUNT; o++) {
            quant_prec a = P(11, 4, (q + o) % 2 == 0, (enum quant_qmode)q, (enum quant_omode)o), b;
            quant_prec_format(&a, buf, sizeof buf);
            CHECK_MSG(quant_prec_parse(buf, &b) == 0 && quant_prec_equal(&a, &b), "%s", buf);
        }
    /* errors name the text */
    CHECK(quant_prec_parse("ap_fixed<8>", &p) == SNAC_EINVAL && strstr(snac_err_msg(), "ap_fixed<8>"));
    CHECK(quant_prec_parse("ap_fixed<8,3,AP_ROUND>", &p) == SNAC_EINVAL && strstr(snac_err_msg(), "AP_ROUND"));
    CHECK(quant_prec_parse("ap_ufixed<4,6>", &p) == SNAC_EINVAL && strstr(snac_err_msg(), "W < I"));
    CHECK(quant_prec_parse("ap_fixed<0,0>", &p) == SNAC_EINVAL);
    CHECK(quant_prec_parse("ap_fixed<65,3>", &p) == SNAC_EINVAL);
    CHECK(quant_prec_parse("ap_fixed<8,-1>", &p) == SNAC_EINVAL);
    CHECK(quant_prec_parse("ap_fixed<8,3,AP_TRN,AP_WRAP,2>", &p) == SNAC_EINVAL);
    CHECK(quant_prec_parse("float", &p) == SNAC_EINVAL);
    CHECK(quant_prec_parse("ap_fixed<8,3> x", &p) == SNAC_EINVAL);
    CHECK(quant_prec_parse("", &p) == SNAC_EINVAL);
}

static void csd_and_pow2_should_count_digits(void)
{
    CHECK(quant_csd_digits(0) == 0);
    CHECK(quant_csd_digits(1) == 1);
    CHECK(quant_csd_digits(7) == 2);   /* 8 - 1 */
    CHECK(quant_csd_digits(-7) == 2);
    CHECK(quant_csd_digits(5) == 2);   /* 4 + 1 */
    CHECK(quant_csd_digits(15) == 2);  /* 16 - 1 */
    CHECK(quant_csd_digits(0x55) == 4);
    CHECK(quant_csd_digits(INT64_MIN) == 1);
    CHECK(quant_is_pow2(64) && quant_is_pow2(-1) && !quant_is_pow2(0) && !quant_is_pow2(6));
    /* brute force: the NAF digit count is the minimum over signed-digit forms; check that
     * no value up to 255 is the sum/difference of fewer +-2^k terms */
    int terms[21], nt = 0;
    terms[nt++] = 0;
    for (int k = 0; k < 10; k++) {
        terms[nt++] = 1 << k;
        terms[nt++] = -(1 << k);
    }
    for (int v = 1; v < 256; v++) {
        int best = 99;
        for (int a = 0; a < nt; a++)
            for (int b = 0; b < nt; b++)
                if (terms[a] + terms[b] == v) {
                    int c = (terms[a] != 0) + (terms[b] != 0);
                    best = c < best ? c : best;
                }
        if (best <= 2)
            CHECK_MSG(quant_csd_digits(v) == best, "v=%d csd %d best %d", v, quant_csd_digits(v), best);
        else
            CHECK(quant_csd_digits(v) >= 3);
    }
}

int main(void)
{
    rounding_modes_should_match_hand_computed_ties();
    overflow_modes_should_match_hand_computed_edges();
    every_code_should_convert_as_the_reference_does();
    wide_accumulators_should_requantize_exactly();
    vector_requant_should_equal_the_scalar_one();
    parser_should_accept_every_hls4ml_spelling();
    csd_and_pow2_should_count_digits();
    return check_report();
}
