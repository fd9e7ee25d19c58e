/* svg_plot — one inline SVG chart of the report: a frame with axes, grid, ticks and labelled
 * axes (units in the label), then marks: points (circles, one per data point, counted),
 * polylines, vertical error bars, the y = x diagonal, histogram bars; a legend above the plot.
 *
 * The chart is drawn in a fixed viewBox (SVG_PLOT_W x SVG_PLOT_H) and scales with the page.
 * Every data point is one <circle class="m ..."> with a data-l attribute holding its hover
 * label, so a test can count points per plot in the DOM (the <svg> carries data-plot=ID).
 * Points outside a log axis (<= 0) or non-finite are skipped and not counted. Colours are
 * CSS classes c0..c7 (rep_page.h's style sheet), so print and screen styles can differ.
 *
 * Memory: writes into a caller's strbuf; nothing else. Workload: up to a few thousand marks.
 */
#ifndef SNAC_REPORTS_SVG_PLOT_H
#define SNAC_REPORTS_SVG_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/rep_buf.h"
#include "reports/svg_axis.h"

#define SVG_PLOT_W 560.0
#define SVG_PLOT_H 380.0
#define SVG_N_COLOURS 8

/* What a frame shows. Domains are data ranges: svg_plot_begin widens them to nice ticks. */
typedef struct svg_frame {
    const char *id;       /* data-plot attribute and element id (unique in the page) */
    const char *title;
    const char *xlabel, *ylabel; /* with units: "latency (clock cycles)" */
    double xlo, xhi, ylo, yhi;
    bool xlog, ylog;
    /* legend: n_legend entries of swatch class legend_cls[i] and text legend[i], laid out in
     * rows above the plot area (which shrinks by a row each), so it never hides a point */
    const char *const *legend, *const *legend_cls;
    size_t n_legend;
} svg_frame;

/* A data range being collected: svg_range_add(&r, v) for every value, then into a frame. */
typedef struct svg_range {
    double lo, hi;        /* +inf/-inf while empty */
    double pos_lo;        /* smallest value > 0 (for log axes) */
} svg_range;
void svg_range_init(svg_range *r);
void svg_range_add(svg_range *r, double v);
/* Fill the frame's x (axis 0) or y (axis 1) domain from r; log when svg_axis_wants_log
 * (or forced by `log` > 0; `log` < 0 forbids it). */
void svg_frame_axis(svg_frame *f, int axis, const svg_range *r, int log);

typedef struct svg_plot {
    strbuf *b;
    svg_scale x, y;
    size_t n_marks;       /* points drawn (circles) */
} svg_plot;

void svg_plot_begin(svg_plot *p, strbuf *b, const svg_frame *f);
/* One data point: a circle of radius r with classes "m <cls>" and hover label `label`.
 * Returns 1 if drawn, 0 if skipped (outside a log axis or not finite). */
int svg_plot_point(svg_plot *p, double x, double y, double r, const char *cls, const char *label);
/* A marker that is not a data point (a baseline): a diamond, class `cls`, with a label. */
void svg_plot_marker(svg_plot *p, double x, double y, const char *cls, const char *label);
/* A polyline through the finite points in order (class `cls`). */
void svg_plot_line(svg_plot *p, const double *x, const double *y, size_t n, const char *cls);
/* A vertical error bar at x from ylo to yhi with caps (class `cls`). */
void svg_plot_errbar(svg_plot *p, double x, double ylo, double yhi, const char *cls);
/* The y = x diagonal over the overlap of both domains. */
void svg_plot_identity(svg_plot *p);
/* Histogram bars: bin i spans [edges[i], edges[i+1]) with height counts[i]; n bins.
 * Every bar is a <rect class="bar <cls>"> with a label "lo..hi: count". */
void svg_plot_bars(svg_plot *p, const double *edges, const double *counts, size_t n, const char *cls);
void svg_plot_end(svg_plot *p);

#endif
