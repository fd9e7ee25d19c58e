/* svg_axis — scales and ticks of the report's plots: a linear or log10 map from data to
 * pixels, "nice" linear ticks (steps of 1, 2 or 5 times a power of ten), decade ticks on
 * log axes (with 2 and 5 in between when the axis spans less than two decades), tick labels
 * with as many decimals as the step needs and k/M suffixes for large values.
 *
 * Which axes are logarithmic: svg_axis_wants_log() — every value positive and the
 * largest at least SVG_LOG_RATIO times the smallest (values spanning decades).
 *
 * Memory: callers pass arrays; nothing is allocated. Workload: a few axes per plot.
 */
#ifndef SNAC_REPORTS_SVG_AXIS_H
#define SNAC_REPORTS_SVG_AXIS_H

#include <stdbool.h>
#include <stddef.h>

#define SVG_LOG_RATIO 50.0
#define SVG_MAX_TICKS 24

typedef struct svg_scale {
    double lo, hi;   /* data domain; a log scale needs 0 < lo < hi */
    bool log;
    double p0, p1;   /* pixels of lo and hi (p1 < p0 for a y axis: SVG grows downwards) */
} svg_scale;

/* Pixel of data value v (not clamped). */
double svg_scale_map(const svg_scale *s, double v);

/* The smallest step 1, 2 or 5 x 10^k with at most `target` intervals over [lo, hi]
 * (a zero span is widened to +-1 or +-10% first). */
double svg_nice_step(double lo, double hi, size_t target);

/* Ticks at multiples of the nice step inside [lo, hi] (within 1e-9 of a step): writes at
 * most cap of them to ticks, returns how many, and the step in *step (may be NULL). */
size_t svg_ticks_linear(double lo, double hi, size_t target, double *ticks, size_t cap, double *step);

/* Ticks of a log axis over [lo, hi], 0 < lo < hi: the powers of ten inside; when fewer than
 * three, also 2 x and 5 x 10^k inside. Ascending. Returns how many (at most cap). */
size_t svg_ticks_log(double lo, double hi, double *ticks, size_t cap);

/* Widen [*lo, *hi] to a nice domain for `target` intervals: to multiples of the nice step
 * (linear), or to powers of ten (log). An empty or degenerate range gets a small one. */
void svg_domain_nice(double *lo, double *hi, bool log, size_t target);

/* Whether values in [lo, hi] (the data's min and max) want a log axis. */
bool svg_axis_wants_log(double lo, double hi);

/* A tick label: "0"; |v| >= 1e6 as "1.5M"; |v| >= 1e4 as "25k"; else with the decimals
 * the step needs (step 0.005: "0.585"; step 20: "40"). step <= 0 means the value's own
 * magnitude (log ticks: "0.01", "100"). Writes at most cap bytes. */
void svg_tick_label(double v, double step, char *buf, size_t cap);

#endif
