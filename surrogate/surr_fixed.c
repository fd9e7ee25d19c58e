/* surr_fixed — ap_fixed parsing, quantisation and CSD digit counts; see surr_fixed.h.
 *
 * Memory: none allocated. Workload: called per weight during feature extraction.
 */
#include "surrogate/surr_fixed.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"

const char *const surr_qmode_names[SURR_Q_COUNT] = {"AP_TRN", "AP_RND"};
const char *const surr_omode_names[SURR_O_COUNT] = {"AP_WRAP", "AP_SAT"};
_Static_assert(sizeof surr_qmode_names / sizeof *surr_qmode_names == SURR_Q_COUNT, "qmode names");
_Static_assert(sizeof surr_omode_names / sizeof *surr_omode_names == SURR_O_COUNT, "omode names");

/* ------------------------------------------------------------------ parsing */

static const char *skip_ws(const char *p)
{
    while (*p && isspace((unsigned char)*p))
        p++;
    return p;
}

/* Read a (possibly negative) decimal integer; returns NULL on failure. */
static const char *read_int(const char *p, long *out)
{
    char *end;
    p = skip_ws(p);
    long v = strtol(p, &end, 10);
    if (end == p)
        return NULL;
    *out = v;
    return skip_ws(end);
}

/* Read an identifier [A-Za-z_0-9]+ into buf. */
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

int surr_fixed_check(const surr_fixed *t, const char *what)
{
    if (t->width <= 0)
        return snac_err_set(SNAC_EINVAL, "%s: zero total width (ap_fixed<%d,%d>): W must be at least 1",
                            what, t->width, t->integer);
    if (t->width > SURR_FIXED_MAX_WIDTH)
        return snac_err_set(SNAC_EINVAL, "%s: total width W=%d exceeds the supported %d bits", what,
                            t->width, SURR_FIXED_MAX_WIDTH);
    if (t->integer > t->width)
        return snac_err_set(SNAC_EINVAL,
                            "%s: W < I in ap_fixed<%d,%d>: total width W=%d is smaller than the integer bits I=%d",
                            what, t->width, t->integer, t->width, t->integer);
    if (t->integer < 0)
        return snac_err_set(SNAC_EINVAL, "%s: negative integer bits I=%d are not supported", what, t->integer);
    if ((unsigned)t->q >= SURR_Q_COUNT || (unsigned)t->o >= SURR_O_COUNT)
        return snac_err_set(SNAC_EINVAL, "%s: bad rounding/overflow mode", what);
    return SNAC_OK;
}

int surr_fixed_parse(const char *text, surr_fixed *out)
{
    surr_fixed t = SURR_FIXED_INIT(0, 0);
    char word[32];
    const char *p = read_word(text, word, sizeof word);
    if (!p)
        goto syntax;
    if (strcmp(word, "ap_fixed") == 0)
        t.is_signed = true;
    else if (strcmp(word, "ap_ufixed") == 0)
        t.is_signed = false;
    else
        goto syntax;
    if (*p != '<')
        goto syntax;
    long w, i;
    p = read_int(p + 1, &w);
    if (!p || *p != ',')
        goto syntax;
    p = read_int(p + 1, &i);
    if (!p)
        goto syntax;
    for (int field = 0; *p == ',' && field < 2; field++) {
        p = read_word(p + 1, word, sizeof word);
        if (!p)
            goto syntax;
        int found = 0;
        if (field == 0) {
            for (int k = 0; k < SURR_Q_COUNT; k++)
                if (strcasecmp(word, surr_qmode_names[k]) == 0) {
                    t.q = (enum surr_qmode)k;
                    found = 1;
                }
        } else {
            for (int k = 0; k < SURR_O_COUNT; k++)
                if (strcasecmp(word, surr_omode_names[k]) == 0) {
                    t.o = (enum surr_omode)k;
                    found = 1;
                }
        }
        if (!found)
            return snac_err_set(SNAC_EINVAL, "'%s': unknown %s mode '%s' (known: %s)", text,
                                field == 0 ? "rounding" : "overflow", word,
                                field == 0 ? "AP_TRN, AP_RND" : "AP_WRAP, AP_SAT");
    }
    if (*p != '>' || *skip_ws(p + 1) != '\0')
        goto syntax;
    if (w < -1000 || w > 100000 || i < -1000 || i > 100000)
        return snac_err_set(SNAC_EINVAL, "'%s': width out of range", text);
    t.width = (int)w;
    t.integer = (int)i;
    char what[128];
    snprintf(what, sizeof what, "'%s'", text);
    int rc = surr_fixed_check(&t, what);
    if (rc)
        return rc;
    *out = t;
    return SNAC_OK;
syntax:
    return snac_err_set(SNAC_EINVAL,
                        "'%s' is not a fixed-point type: expected ap_fixed<W,I> or ap_fixed<W,I,AP_RND,AP_SAT> "
                        "(or ap_ufixed<...>)", text);
}

void surr_fixed_format(const surr_fixed *t, char *buf, size_t cap)
{
    const char *kind = t->is_signed ? "ap_fixed" : "ap_ufixed";
    if (t->q == SURR_Q_TRN && t->o == SURR_O_WRAP)
        snprintf(buf, cap, "%s<%d,%d>", kind, t->width, t->integer);
    else
        snprintf(buf, cap, "%s<%d,%d,%s,%s>", kind, t->width, t->integer, surr_qmode_names[t->q],
                 surr_omode_names[t->o]);
}

/* ------------------------------------------------------------- quantisation */

int64_t surr_fixed_quantize(const surr_fixed *t, double x)
{
    int w = t->width;
    /* code range */
    double lo = t->is_signed ? -ldexp(1.0, w - 1) : 0.0;
    double hi = t->is_signed ? ldexp(1.0, w - 1) - 1.0 : ldexp(1.0, w) - 1.0;
    if (isnan(x))
        return 0;
    if (isinf(x))
        return (int64_t)(x > 0 ? hi : lo);
    double scaled = ldexp(x, w - t->integer); /* exact: a power-of-two scale */
    double r = t->q == SURR_Q_RND ? floor(scaled + 0.5) : floor(scaled);
    if (t->o == SURR_O_SAT || fabs(r) >= 0x1p62) {
        /* Saturate (also the fallback for magnitudes no integer type holds). */
        if (r < lo)
            r = lo;
        if (r > hi)
            r = hi;
        return (int64_t)r;
    }
    /* AP_WRAP: keep the low W bits, reinterpret as two's complement when signed. */
    uint64_t bits = (uint64_t)(int64_t)r;
    uint64_t mask = w >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1);
    bits &= mask;
    if (t->is_signed && w < 64 && (bits >> (w - 1)) & 1)
        return (int64_t)(bits | ~mask);
    return (int64_t)bits;
}

double surr_fixed_value(const surr_fixed *t, int64_t v) { return ldexp((double)v, t->integer - t->width); }

/* ---------------------------------------------------------------------- CSD */

int surr_csd_digits(int64_t v)
{
    /* Non-adjacent form of |v|: at an odd value take digit 2 - (v mod 4) = +-1,
     * which makes the next digit 0; NAF has the fewest nonzero digits. */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = 0;
    while (u) {
        if (u & 1) {
            n++;
            if ((u & 3) == 3)
                u += 1; /* digit -1 */
            else
                u -= 1; /* digit +1 */
        }
        u >>= 1;
    }
    return n;
}

bool surr_is_pow2(int64_t v)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    return u && !(u & (u - 1));
}
