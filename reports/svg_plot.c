/* svg_plot — frame, ticks and marks of one inline SVG chart (see svg_plot.h). */
#include "reports/svg_plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- layout (viewBox pixels) -------------------------------------------------------------- */

#define MARGIN_L 70.0
#define MARGIN_R 16.0
#define MARGIN_T 30.0
#define MARGIN_B 52.0
#define TICK_TARGET 6
#define LEGEND_ROW 15.0
#define LEGEND_CHAR 6.2 /* estimated width of a character at 11 px */

/* ---- ranges ----------------------------------------------------------------------------- */

void svg_range_init(svg_range *r)
{
    r->lo = r->pos_lo = INFINITY;
    r->hi = -INFINITY;
}

void svg_range_add(svg_range *r, double v)
{
    if (!isfinite(v))
        return;
    r->lo = fmin(r->lo, v);
    r->hi = fmax(r->hi, v);
    if (v > 0)
        r->pos_lo = fmin(r->pos_lo, v);
}

void svg_frame_axis(svg_frame *f, int axis, const svg_range *r, int log)
{
    bool lg = log > 0 || (log == 0 && svg_axis_wants_log(r->lo, r->hi));
    double lo = lg ? r->pos_lo : r->lo, hi = r->hi;
    if (lg && !(isfinite(lo) && hi > 0))
        lg = false, lo = r->lo;
    if (axis == 0) {
        f->xlo = lo, f->xhi = hi, f->xlog = lg;
    } else {
        f->ylo = lo, f->yhi = hi, f->ylog = lg;
    }
}

/* ---- frame ------------------------------------------------------------------------------ */

static void axis_ticks(const svg_scale *s, double *t, size_t *n, double *step)
{
    if (s->log) {
        *n = svg_ticks_log(s->lo, s->hi, t, SVG_MAX_TICKS);
        *step = 0;
    } else {
        *n = svg_ticks_linear(s->lo, s->hi, TICK_TARGET, t, SVG_MAX_TICKS, step);
    }
}

/* Lay out the legend in rows from (x0, y0) within width w; draw it when b is not NULL.
 * Returns the number of rows. */
static size_t legend_rows(strbuf *b, const svg_frame *f, double x0, double y0, double w)
{
    size_t rows = f->n_legend ? 1 : 0;
    double x = x0, y = y0;
    if (b && f->n_legend)
        strbuf_puts(b, "<g class=\"legend\">");
    for (size_t i = 0; i < f->n_legend; i++) {
        double ew = 14 + LEGEND_CHAR * (double)strlen(f->legend[i]) + 12;
        if (x > x0 && x + ew > x0 + w) {
            x = x0;
            y += LEGEND_ROW;
            rows++;
        }
        if (b) {
            strbuf_printf(b, "<rect class=\"sw %s\" x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\"/>",
                          f->legend_cls[i], x, y - 9);
            strbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", x + 14, y);
            rep_buf_esc(b, f->legend[i]);
            strbuf_puts(b, "</text>");
        }
        x += ew;
    }
    if (b && f->n_legend)
        strbuf_puts(b, "</g>\n");
    return rows;
}

void svg_plot_begin(svg_plot *p, strbuf *b, const svg_frame *f)
{
    p->b = b;
    p->n_marks = 0;
    double xlo = f->xlo, xhi = f->xhi, ylo = f->ylo, yhi = f->yhi;
    svg_domain_nice(&xlo, &xhi, f->xlog, TICK_TARGET);
    svg_domain_nice(&ylo, &yhi, f->ylog, TICK_TARGET);
    double left = MARGIN_L, right = SVG_PLOT_W - MARGIN_R, bottom = SVG_PLOT_H - MARGIN_B;
    double top = MARGIN_T + LEGEND_ROW * (double)legend_rows(NULL, f, left, 0, right - left);
    p->x = (svg_scale){xlo, xhi, f->xlog, left, right};
    p->y = (svg_scale){ylo, yhi, f->ylog, bottom, top};

    strbuf_printf(b, "<svg class=\"plot\" id=\"");
    rep_buf_esc(b, f->id);
    strbuf_printf(b, "\" data-plot=\"");
    rep_buf_esc(b, f->id);
    strbuf_printf(b, "\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", SVG_PLOT_W, SVG_PLOT_H);
    rep_buf_esc(b, f->title);
    strbuf_puts(b, "\">\n<text class=\"title\" x=\"");
    strbuf_printf(b, "%.1f\" y=\"18\">", left);
    rep_buf_esc(b, f->title);
    strbuf_puts(b, "</text>\n");
    legend_rows(b, f, left, MARGIN_T + 8, right - left);
    strbuf_printf(b, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n", left, top,
                  right - left, bottom - top);

    double t[SVG_MAX_TICKS], step;
    size_t n;
    char lab[32];
    axis_ticks(&p->x, t, &n, &step);
    strbuf_puts(b, "<g class=\"ticks\">");
    for (size_t i = 0; i < n; i++) {
        double px = svg_scale_map(&p->x, t[i]);
        svg_tick_label(t[i], step, lab, sizeof lab);
        strbuf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", px, top, px, bottom);
        strbuf_printf(b, "<text class=\"xt\" x=\"%.1f\" y=\"%.1f\">%s</text>", px, bottom + 16, lab);
    }
    axis_ticks(&p->y, t, &n, &step);
    for (size_t i = 0; i < n; i++) {
        double py = svg_scale_map(&p->y, t[i]);
        svg_tick_label(t[i], step, lab, sizeof lab);
        strbuf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", left, py, right, py);
        strbuf_printf(b, "<text class=\"yt\" x=\"%.1f\" y=\"%.1f\">%s</text>", left - 6, py + 4, lab);
    }
    strbuf_puts(b, "</g>\n");
    strbuf_printf(b, "<text class=\"xl\" x=\"%.1f\" y=\"%.1f\">", 0.5 * (left + right), SVG_PLOT_H - 12);
    rep_buf_esc(b, f->xlabel);
    strbuf_puts(b, f->xlog ? " \xc2\xb7 log scale" : "");
    strbuf_printf(b, "</text>\n<text class=\"yl\" transform=\"translate(16 %.1f) rotate(-90)\">", 0.5 * (top + bottom));
    rep_buf_esc(b, f->ylabel);
    strbuf_puts(b, f->ylog ? " \xc2\xb7 log scale" : "");
    strbuf_puts(b, "</text>\n");
}

/* ---- marks ------------------------------------------------------------------------------ */

static bool placeable(const svg_scale *s, double v)
{
    return isfinite(v) && (!s->log || v > 0);
}

int svg_plot_point(svg_plot *p, double x, double y, double r, const char *cls, const char *label)
{
    if (!placeable(&p->x, x) || !placeable(&p->y, y))
        return 0;
    strbuf_printf(p->b, "<circle class=\"m %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" data-l=\"", cls,
                  svg_scale_map(&p->x, x), svg_scale_map(&p->y, y), r);
    rep_buf_esc(p->b, label);
    strbuf_puts(p->b, "\"/>\n");
    p->n_marks++;
    return 1;
}

void svg_plot_marker(svg_plot *p, double x, double y, const char *cls, const char *label)
{
    if (!placeable(&p->x, x) || !placeable(&p->y, y))
        return;
    double px = svg_scale_map(&p->x, x), py = svg_scale_map(&p->y, y);
    strbuf_printf(p->b, "<path class=\"%s\" d=\"M%.1f %.1fl7 7l-7 7l-7 -7z\" data-l=\"", cls, px, py - 7);
    rep_buf_esc(p->b, label);
    strbuf_puts(p->b, "\"/>\n");
}

void svg_plot_line(svg_plot *p, const double *x, const double *y, size_t n, const char *cls)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!placeable(&p->x, x[i]) || !placeable(&p->y, y[i]))
            continue;
        if (k++ == 0)
            strbuf_printf(p->b, "<polyline class=\"ln %s\" points=\"", cls);
        strbuf_printf(p->b, "%s%.1f,%.1f", k > 1 ? " " : "", svg_scale_map(&p->x, x[i]), svg_scale_map(&p->y, y[i]));
    }
    if (k)
        strbuf_puts(p->b, "\"/>\n");
}

void svg_plot_errbar(svg_plot *p, double x, double ylo, double yhi, const char *cls)
{
    if (!placeable(&p->x, x) || !placeable(&p->y, ylo) || !placeable(&p->y, yhi))
        return;
    double px = svg_scale_map(&p->x, x), a = svg_scale_map(&p->y, ylo), c = svg_scale_map(&p->y, yhi);
    strbuf_printf(p->b, "<path class=\"eb %s\" d=\"M%.1f %.1fV%.1fM%.1f %.1fh6M%.1f %.1fh6\"/>\n", cls, px, a, c,
                  px - 3, a, px - 3, c);
}

void svg_plot_identity(svg_plot *p)
{
    double lo = fmax(p->x.lo, p->y.lo), hi = fmin(p->x.hi, p->y.hi);
    if (!(hi > lo))
        return;
    /* straight when both axes have the same kind; otherwise sampled */
    size_t n = p->x.log == p->y.log ? 2 : 64;
    strbuf_puts(p->b, "<polyline class=\"diag\" points=\"");
    for (size_t i = 0; i < n; i++) {
        double f = (double)i / (double)(n - 1);
        double v = p->x.log ? lo * pow(hi / lo, f) : lo + f * (hi - lo);
        strbuf_printf(p->b, "%s%.1f,%.1f", i ? " " : "", svg_scale_map(&p->x, v), svg_scale_map(&p->y, v));
    }
    strbuf_puts(p->b, "\"/>\n");
}

void svg_plot_bars(svg_plot *p, const double *edges, const double *counts, size_t n, const char *cls)
{
    double base = p->y.log ? p->y.lo : 0;
    for (size_t i = 0; i < n; i++) {
        if (!(counts[i] > 0) || !placeable(&p->y, counts[i]))
            continue;
        double x0 = svg_scale_map(&p->x, edges[i]), x1 = svg_scale_map(&p->x, edges[i + 1]);
        double y0 = svg_scale_map(&p->y, base), y1 = svg_scale_map(&p->y, counts[i]);
        strbuf_printf(p->b,
                      "<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                      "data-l=\"%g..%g: %g\"/>\n",
                      cls, x0, y1, x1 - x0, y0 - y1, edges[i], edges[i + 1], counts[i]);
    }
}

void svg_plot_end(svg_plot *p)
{
    strbuf_puts(p->b, "</svg>\n");
}
