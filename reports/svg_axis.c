/* svg_axis — scales, nice ticks and tick labels (see svg_axis.h). */
#include "reports/svg_axis.h"

#include <math.h>
#include <stdio.h>

/* ------------------------------------------------------------------------------------------ */

double svg_scale_map(const svg_scale *s, double v)
{
    double a = s->lo, b = s->hi;
    if (s->log) {
        a = log10(a);
        b = log10(b);
        v = log10(v);
    }
    if (!(b > a))
        return 0.5 * (s->p0 + s->p1);
    return s->p0 + (v - a) / (b - a) * (s->p1 - s->p0);
}

static void widen(double *lo, double *hi)
{
    if (*hi > *lo)
        return;
    if (*lo == 0) { /* all zero (no DSPs anywhere): [0, 1], never a negative count */
        *hi = 1;
        return;
    }
    double m = fabs(*lo) > 0 ? 0.1 * fabs(*lo) : 1.0;
    *lo -= m;
    *hi += m;
}

double svg_nice_step(double lo, double hi, size_t target)
{
    widen(&lo, &hi);
    if (target < 1)
        target = 1;
    double raw = (hi - lo) / (double)target;
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    /* 1e-9: a span of exactly 5 steps of 0.2 must not round up to 0.5 */
    double nice = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
    return nice * mag;
}

size_t svg_ticks_linear(double lo, double hi, size_t target, double *ticks, size_t cap, double *step)
{
    widen(&lo, &hi);
    double st = svg_nice_step(lo, hi, target);
    if (step)
        *step = st;
    double k0 = ceil(lo / st - 1e-9), k1 = floor(hi / st + 1e-9);
    size_t n = 0;
    for (double k = k0; k <= k1 && n < cap; k++) {
        double t = k * st;
        ticks[n++] = fabs(t) < 1e-12 * st ? 0.0 : t; /* exact multiples, never -0 */
    }
    return n;
}

size_t svg_ticks_log(double lo, double hi, double *ticks, size_t cap)
{
    if (!(lo > 0) || !(hi > lo))
        return 0;
    int e0 = (int)floor(log10(lo) + 1e-9), e1 = (int)floor(log10(hi) + 1e-9);
    size_t decades = 0;
    for (int e = e0; e <= e1; e++) {
        double t = pow(10.0, e);
        decades += t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9);
    }
    static const double all[] = {1, 2, 5};
    size_t n_mult = decades >= 3 ? 1 : 3, n = 0;
    for (int e = e0; e <= e1; e++)
        for (size_t m = 0; m < n_mult; m++) {
            double t = all[m] * pow(10.0, e);
            if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9) && n < cap)
                ticks[n++] = t;
        }
    return n;
}

void svg_domain_nice(double *lo, double *hi, bool log, size_t target)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = log ? 1 : 0;
        *hi = log ? 10 : 1;
        return;
    }
    if (log) {
        if (!(*lo > 0))
            *lo = *hi > 0 ? *hi / 10 : 1;
        double a = floor(log10(*lo) + 1e-9), b = ceil(log10(*hi) - 1e-9);
        if (b <= a)
            b = a + 1;
        *lo = pow(10.0, a);
        *hi = pow(10.0, b);
        return;
    }
    widen(lo, hi);
    double st = svg_nice_step(*lo, *hi, target);
    *lo = floor(*lo / st + 1e-9) * st;
    *hi = ceil(*hi / st - 1e-9) * st;
    if (fabs(*lo) < 1e-12 * st)
        *lo = 0;
}

bool svg_axis_wants_log(double lo, double hi)
{
    return lo > 0 && isfinite(hi) && hi >= SVG_LOG_RATIO * lo;
}

void svg_tick_label(double v, double step, char *buf, size_t cap)
{
    double a = fabs(v);
    if (a == 0) {
        snprintf(buf, cap, "0");
        return;
    }
    if (a >= 1e6) {
        snprintf(buf, cap, "%.3gM", v / 1e6);
        return;
    }
    if (a >= 1e4) {
        snprintf(buf, cap, "%.3gk", v / 1e3);
        return;
    }
    double ref = step > 0 ? step : a;
    int dec = (int)-floor(log10(ref) + 1e-9);
    if (dec < 0)
        dec = 0;
    if (dec > 8)
        dec = 8;
    snprintf(buf, cap, "%.*f", dec, v);
}
