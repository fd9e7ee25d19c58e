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

void rep_page_begin(rep_buf *b, const char *title);
void rep_page_end(rep_buf *b);

/* <section id=ID><h2>TITLE</h2> ... </section> */
void rep_section_begin(rep_buf *b, const char *id, const char *title);
void rep_section_end(rep_buf *b);

/* A grid of figures: rep_grid_begin, then figures, then rep_grid_end. */
void rep_grid_begin(rep_buf *b);
void rep_grid_end(rep_buf *b);
/* <figure> ... (the SVG) ... then rep_figure_end writes the caption (escaped). */
void rep_figure_begin(rep_buf *b);
void rep_figure_end(rep_buf *b, const char *caption);

/* A collapsible table: rep_table_begin(b, summary, "col|col|col") writes
 * <details><summary>..</summary><table><tr><th>..; rows are written by the caller
 * as "<tr><td>..</td></tr>"; rep_table_end closes both. open != 0 shows it unfolded. */
void rep_table_begin(rep_buf *b, const char *summary, const char *columns, int open);
void rep_table_end(rep_buf *b);

/* Table cells: text (escaped), integer, fixed decimals ("" when not finite). */
void rep_td(rep_buf *b, const char *text);
void rep_td_int(rep_buf *b, long long v);
void rep_td_fix(rep_buf *b, double v, int decimals);

/* A paragraph of escaped text with class `cls` (NULL for none). */
void rep_note(rep_buf *b, const char *cls, const char *text);

#endif
