/* rpt_result — name tables and small helpers shared by the report readers; see rpt_result.h. */
#include "validation/rpt_result.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const rpt_kind_names[RPT_KIND_COUNT] = {"hls_csynth_xml", "hls_csynth_rpt", "vivado_utilization",
                                                    "hls4ml_project", "csv_sweep", "hls_export_rpt"};
_Static_assert(sizeof rpt_kind_names / sizeof rpt_kind_names[0] == RPT_KIND_COUNT, "one name per report kind");

const char *const rpt_toolchain_names[RPT_TC_COUNT] = {"vivado_hls", "vitis_hls", "vivado", "yosys"};
_Static_assert(sizeof rpt_toolchain_names / sizeof rpt_toolchain_names[0] == RPT_TC_COUNT,
               "one name per toolchain");

void rpt_result_init(rpt_result *r, enum rpt_kind kind, enum rpt_toolchain tc)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->toolchain = tc;
    r->clock_target_ns = r->clock_estimated_ns = NAN;
    r->lut = r->ff = r->dsp = r->bram18 = r->uram = NAN;
    r->latency_best = r->latency_worst = r->ii_min = r->ii_max = NAN;
    r->avail_lut = r->avail_ff = r->avail_dsp = r->avail_bram18 = r->avail_uram = NAN;
}

int rpt_enum_find(const char *const *names, int count, const char *name)
{
    for (int i = 0; i < count; i++) {
        const char *a = names[i], *b = name;
        while (*a && tolower((unsigned char)*a) == tolower((unsigned char)*b))
            a++, b++;
        if (*a == '\0' && *b == '\0')
            return i;
    }
    return -1;
}

void rpt_strlcpy(char *dst, const char *src, size_t cap)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

bool rpt_number(const char *s, size_t len, double *out)
{
    char buf[64];
    while (len > 0 && isspace((unsigned char)*s))
        s++, len--;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0 || len >= sizeof buf)
        return false;
    /* Plain decimals only: digits, one sign, one point, an exponent. No hex, inf, nan. */
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!(isdigit((unsigned char)ch) || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E'))
            return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + len || errno == ERANGE || !isfinite(v) || !isdigit((unsigned char)buf[len - 1]))
        return false;
    *out = v;
    return true;
}

size_t rpt_layers_from_model_name(const char *name, size_t *layers, size_t cap)
{
    /* Named sweep models (surrogate/calibration/PROVENANCE.md): the jet tagger of
     * data/README.md; "2layer_100x100" = 100-100-100; the digit recogniser 784-16-10
     * (checked against the DSP counts: 908 at RF 14 = 896 + 12). */
    static const struct { const char *name; size_t n; size_t w[5]; } named[] = {
        {"KERAS_3layer", 5, {16, 64, 32, 32, 5}},
        {"2layer_100x100", 3, {100, 100, 100}},
        {"KERAS_digit_recognizer_mlp", 3, {784, 16, 10}},
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(name, named[i].name) == 0) {
            if (named[i].n > cap)
                return 0;
            memcpy(layers, named[i].w, named[i].n * sizeof layers[0]);
            return named[i].n;
        }
    const char *p = strstr(name, "dense_");
    if (!p)
        return 0;
    p += strlen("dense_");
    size_t n = 0;
    for (;;) {
        if (!isdigit((unsigned char)*p) || n == cap)
            return 0;
        char *end;
        unsigned long v = strtoul(p, &end, 10);
        if (v == 0 || v > 1000000)
            return 0;
        layers[n++] = v;
        p = end;
        if (*p == 'x')
            p++;
        else
            break;
    }
    return *p == '\0' && n >= 2 ? n : 0;
}
