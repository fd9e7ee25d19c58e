/* test_svg — the report's plotting layer against hand-computed values: nice linear ticks,
 * nice domains, decade ticks of log axes, pixel positions on linear and log scales, tick
 * labels, the log-axis rule, HTML escaping, and the marks a chart writes (points counted,
 * points a log axis cannot show skipped, error bars, the diagonal, histogram bars). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "reports/rep_buf.h"
#include "reports/svg_axis.h"
#include "reports/svg_plot.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void ticks_should_step_by_one_two_or_five(void)
{
    double t[SVG_MAX_TICKS], step;
    /* [0, 1], 5 intervals: 1/5 = 0.2 exactly a nice step */
    size_t n = svg_ticks_linear(0, 1, 5, t, SVG_MAX_TICKS, &step);
    CHECK_NEAR(step, 0.2, 1e-15);
    CHECK(n == 6);
    for (size_t i = 0; i < n && n == 6; i++)
        CHECK_NEAR(t[i], 0.2 * (double)i, 1e-12);
    /* accuracies 0.5812..0.6034: span 0.0222 / 5 = 0.00444 -> 0.005; multiples inside: 0.585..0.600 */
    n = svg_ticks_linear(0.5812, 0.6034, 5, t, SVG_MAX_TICKS, &step);
    CHECK_NEAR(step, 0.005, 1e-15);
    CHECK(n == 4);
    CHECK_NEAR(t[0], 0.585, 1e-12);
    CHECK_NEAR(t[3], 0.600, 1e-12);
    /* cycles 3..97: 94 / 5 = 18.8 -> 20; ticks 20, 40, 60, 80 */
    n = svg_ticks_linear(3, 97, 5, t, SVG_MAX_TICKS, &step);
    CHECK_NEAR(step, 20, 0);
    CHECK(n == 4 && t[0] == 20 && t[3] == 80);
    /* negative to positive errors: -37..112 / 6 = 24.8 -> 50: -0 is printed as 0 */
    n = svg_ticks_linear(-37, 112, 6, t, SVG_MAX_TICKS, &step);
    CHECK_NEAR(step, 50, 0);
    CHECK(n == 3 && t[0] == 0 && !signbit(t[0]) && t[1] == 50 && t[2] == 100);
    /* a zero span is widened (all DSP counts 0: [0, 1]) */
    n = svg_ticks_linear(0, 0, 5, t, SVG_MAX_TICKS, &step);
    CHECK(n == 6 && t[5] == 1);
}

static void domains_should_widen_to_ticks_and_decades(void)
{
    double lo = 3, hi = 97;
    svg_domain_nice(&lo, &hi, false, 5);
    CHECK(lo == 0 && hi == 100);
    lo = 0.5812, hi = 0.6034;
    svg_domain_nice(&lo, &hi, false, 5);
    CHECK_NEAR(lo, 0.580, 1e-12);
    CHECK_NEAR(hi, 0.605, 1e-12);
    lo = 3, hi = 4000;
    svg_domain_nice(&lo, &hi, true, 5);
    CHECK_NEAR(lo, 1, 1e-12);
    CHECK_NEAR(hi, 10000, 1e-9);
    lo = 100, hi = 100; /* one value on a log axis: its decade */
    svg_domain_nice(&lo, &hi, true, 5);
    CHECK_NEAR(lo, 100, 1e-9);
    CHECK_NEAR(hi, 1000, 1e-9);
}

static void log_ticks_should_be_decades_with_two_and_five_on_short_axes(void)
{
    double t[SVG_MAX_TICKS];
    size_t n = svg_ticks_log(1, 10000, t, SVG_MAX_TICKS);
    CHECK(n == 5);
    for (size_t i = 0; i < n && n == 5; i++)
        CHECK_NEAR(t[i], pow(10, (double)i), 1e-9);
    /* 20..500: only one power of ten inside, so 2 and 5 too: 20 50 100 200 500 */
    n = svg_ticks_log(20, 500, t, SVG_MAX_TICKS);
    CHECK(n == 5);
    static const double want[5] = {20, 50, 100, 200, 500};
    for (size_t i = 0; i < n && n == 5; i++)
        CHECK_NEAR(t[i], want[i], 1e-9);
    CHECK(svg_ticks_log(0, 10, t, SVG_MAX_TICKS) == 0);
}

static void scales_should_map_linear_and_log_positions(void)
{
    svg_scale lg = {1, 10000, true, 0, 400};
    CHECK_NEAR(svg_scale_map(&lg, 100), 200, 1e-9);  /* 2 of 4 decades */
    CHECK_NEAR(svg_scale_map(&lg, 10), 100, 1e-9);
    CHECK_NEAR(svg_scale_map(&lg, 1000 * sqrt(10)), 350, 1e-9); /* 3.5 decades */
    svg_scale y = {0, 10, false, 300, 0};               /* SVG y grows downwards */
    CHECK_NEAR(svg_scale_map(&y, 2.5), 225, 1e-12);
    CHECK_NEAR(svg_scale_map(&y, 10), 0, 1e-12);
}

static void labels_should_carry_the_decimals_the_step_needs(void)
{
    char b[32];
    svg_tick_label(0.585, 0.005, b, sizeof b);
    CHECK(strcmp(b, "0.585") == 0);
    svg_tick_label(0.6, 0.2, b, sizeof b);
    CHECK(strcmp(b, "0.6") == 0);
    svg_tick_label(40, 20, b, sizeof b);
    CHECK(strcmp(b, "40") == 0);
    svg_tick_label(25000, 5000, b, sizeof b);
    CHECK(strcmp(b, "25k") == 0);
    svg_tick_label(1.5e6, 5e5, b, sizeof b);
    CHECK(strcmp(b, "1.5M") == 0);
    svg_tick_label(0.01, 0, b, sizeof b); /* log tick: its own magnitude */
    CHECK(strcmp(b, "0.01") == 0);
    svg_tick_label(0, 0.2, b, sizeof b);
    CHECK(strcmp(b, "0") == 0);
}

static void log_axes_should_be_chosen_for_values_spanning_decades(void)
{
    CHECK(!svg_axis_wants_log(1, 49));
    CHECK(svg_axis_wants_log(1, 50));
    CHECK(svg_axis_wants_log(2000, 3e6));
    CHECK(!svg_axis_wants_log(0, 1000)); /* a zero cannot be shown on a log axis */
    svg_range r;
    svg_range_init(&r);
    svg_range_add(&r, 0);
    svg_range_add(&r, NAN);
    svg_range_add(&r, 40);
    svg_range_add(&r, 4000);
    CHECK(r.lo == 0 && r.hi == 4000 && r.pos_lo == 40);
    svg_frame f = {"x", "t", "x", "y", 0, 0, 0, 0, false, false, NULL, NULL, 0};
    svg_frame_axis(&f, 0, &r, 0);
    CHECK(!f.xlog && f.xlo == 0); /* the zero keeps it linear */
    svg_frame_axis(&f, 1, &r, 1);   /* forced: from the smallest positive value */
    CHECK(f.ylog && f.ylo == 40 && f.yhi == 4000);
}

static void html_should_be_escaped(void)
{
    strbuf b = STRBUF_INIT;
    rep_buf_esc(&b, "<a href=\"x\">&'");
    CHECK(b.s && strcmp(b.s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;") == 0);
    rep_buf_fix(&b, NAN, 2, "-");
    rep_buf_fix(&b, 1.005, 1, "-");
    CHECK(b.s && strcmp(b.s + strlen(b.s) - 4, "-1.0") == 0);
    CHECK(rep_buf_status(&b) == 0);
    strbuf_free(&b);
}

static void a_chart_should_draw_one_circle_per_showable_point(void)
{
    strbuf b = STRBUF_INIT;
    svg_frame f = {"p1", "title <&>", "BOPs", "accuracy (%)", 10, 10000, 50, 60, true, false, NULL, NULL, 0};
    svg_plot p;
    svg_plot_begin(&p, &b, &f);
    CHECK(svg_plot_point(&p, 100, 55, 3, "c0", "a") == 1);
    CHECK(svg_plot_point(&p, 1000, 56, 3, "c0", "b \"q\"") == 1);
    CHECK(svg_plot_point(&p, 0, 57, 3, "c0", "zero on a log axis") == 0);
    CHECK(svg_plot_point(&p, 500, NAN, 3, "c0", "no value") == 0);
    double xs[3] = {10, 100, 1000}, ys[3] = {50, NAN, 60};
    svg_plot_line(&p, xs, ys, 3, "c1");
    svg_plot_errbar(&p, 100, 52, 58, "c0");
    double edges[3] = {10, 100, 1000}, counts[2] = {2, 0};
    svg_plot_bars(&p, edges, counts, 2, "c2");
    svg_plot_end(&p);
    CHECK(p.n_marks == 2);
    CHECK(count(b.s, "<circle class=\"m ") == 2);
    CHECK_STR_CONTAINS(b.s, "data-plot=\"p1\"");
    CHECK_STR_CONTAINS(b.s, "title &lt;&amp;&gt;");
    CHECK_STR_CONTAINS(b.s, "data-l=\"b &quot;q&quot;\"");
    CHECK_STR_CONTAINS(b.s, "BOPs \xc2\xb7 log scale");
    /* plot area x 70..544 over 3 decades (10..10000): 100 sits a third of the way, 228.0;
     * y 328..30 over 50..60: 55 -> 179.0 */
    CHECK_STR_CONTAINS(b.s, "cx=\"228.0\" cy=\"179.0\"");
    CHECK(count(b.s, "<polyline class=\"ln c1\"") == 1);
    CHECK_STR_CONTAINS(b.s, "points=\"70.0,328.0 386.0,30.0\""); /* the NaN point left out */
    CHECK(count(b.s, "<path class=\"eb c0\"") == 1);
    CHECK(count(b.s, "<rect class=\"bar c2\"") == 1); /* the empty bin draws nothing */
    /* x ticks at the 4 decades 10, 100, 1000, 10000 */
    CHECK(count(b.s, "class=\"xt\"") == 4);
    CHECK_STR_CONTAINS(b.s, ">10k</text>");
    strbuf_free(&b);
}

static void the_diagonal_should_span_the_common_domain(void)
{
    strbuf b = STRBUF_INIT;
    svg_frame f = {"d", "t", "x", "y", 0, 100, 0, 100, false, false, NULL, NULL, 0};
    svg_plot p;
    svg_plot_begin(&p, &b, &f);
    svg_plot_identity(&p);
    svg_plot_end(&p);
    /* (0, 0) at the bottom-left corner (70, 328), (100, 100) at the top-right (544, 30) */
    CHECK_STR_CONTAINS(b.s, "<polyline class=\"diag\" points=\"70.0,328.0 544.0,30.0\"");
    strbuf_free(&b);
}

static void a_long_legend_should_wrap_above_the_plot(void)
{
    /* entry width 14 + 6.2 per char + 12: 292.6 and 205.8 px do not fit the 474 px plot width
     * together, so two rows; the plot area starts 2 x 15 px below the 30 px top margin */
    static const char *const names[2] = {"v1 default-vivado-2019.1-b5 (vivado-2019.1)",
                                         "v2 refit-yosys-1 (yosys-0.23)"};
    static const char *const cls[2] = {"c0", "c1"};
    strbuf b = STRBUF_INIT;
    svg_frame f = {"l", "t", "x", "y", 0, 1, 0, 1, false, false, names, cls, 2};
    svg_plot p;
    svg_plot_begin(&p, &b, &f);
    svg_plot_end(&p);
    CHECK_STR_CONTAINS(b.s, "<rect class=\"frame\" x=\"70.0\" y=\"60.0\"");
    CHECK_STR_CONTAINS(b.s, "<rect class=\"sw c1\" x=\"70.0\" y=\"44.0\""); /* second row, first place */
    CHECK(p.y.p1 == 60);
    strbuf_free(&b);
    f.n_legend = 1; /* one entry: one row */
    svg_plot_begin(&p, &b, &f);
    svg_plot_end(&p);
    CHECK_STR_CONTAINS(b.s, "<rect class=\"frame\" x=\"70.0\" y=\"45.0\"");
    strbuf_free(&b);
}

int main(void)
{
    TEST(ticks_should_step_by_one_two_or_five);
    TEST(domains_should_widen_to_ticks_and_decades);
    TEST(log_ticks_should_be_decades_with_two_and_five_on_short_axes);
    TEST(scales_should_map_linear_and_log_positions);
    TEST(labels_should_carry_the_decimals_the_step_needs);
    TEST(log_axes_should_be_chosen_for_values_spanning_decades);
    TEST(html_should_be_escaped);
    TEST(a_chart_should_draw_one_circle_per_showable_point);
    TEST(the_diagonal_should_span_the_common_domain);
    TEST(a_long_legend_should_wrap_above_the_plot);
    return check_report();
}
