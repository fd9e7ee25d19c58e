/* rep_page — the HTML page around the plots: head with the inline style sheet (screen and
 * print), sections, figures with captions and the table behind them, and the small inline
 * script (hover labels, open every <details> before printing, and a data-js="ok" mark on
 * <body> once it ran, which the browser test reads).
 *
 * The page is self-contained: no external resource, no network, no framework.
 *
 * Memory: writes into a caller's rep_buf. Workload: once per report.
 */
#ifndef SNAC_REPORTS_REP_PAGE_H
#define SNAC_REPORTS_REP_PAGE_H

#include "reports/rep_buf.h"

void rep_page_begin(strbuf *b, const char *title);
void rep_page_end(strbuf *b);

/* <section id=ID><h2>TITLE</h2> ... </section> */
void rep_section_begin(strbuf *b, const char *id, const char *title);
void rep_section_end(strbuf *b);

/* A grid of figures: rep_grid_begin, then figures, then rep_grid_end. */
void rep_grid_begin(strbuf *b);
void rep_grid_end(strbuf *b);
/* <figure> ... (the SVG) ... then rep_figure_end writes the caption (escaped). */
void rep_figure_begin(strbuf *b);
void rep_figure_end(strbuf *b, const char *caption);

/* A collapsible table: rep_table_begin(b, summary, "col|col|col") writes
 * <details><summary>..</summary><table><tr><th>..; rows are written by the caller
 * as "<tr><td>..</td></tr>"; rep_table_end closes both. open != 0 shows it unfolded. */
void rep_table_begin(strbuf *b, const char *summary, const char *columns, int open);
void rep_table_end(strbuf *b);

/* Table cells: text (escaped), integer, fixed decimals ("" when not finite). */
void rep_td(strbuf *b, const char *text);
void rep_td_int(strbuf *b, long long v);
void rep_td_fix(strbuf *b, double v, int decimals);

/* A paragraph of escaped text with class `cls` (NULL for none). */
void rep_note(strbuf *b, const char *cls, const char *text);

#endif
