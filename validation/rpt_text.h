/* rpt_text — line and ASCII-table scanning shared by the text report readers
 * (csynth.rpt, report_utilization): a line cursor that counts line numbers, and
 * the cells of a "| a | b | c |" table row, trimmed.
 *
 * Memory: cells and lines point into the caller's buffer (borrowed); nothing is
 * allocated. Workload: a report of up to a few megabytes, scanned once.
 */
#ifndef SNAC_VALIDATION_RPT_TEXT_H
#define SNAC_VALIDATION_RPT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rpt_span {
    const char *s;
    size_t len;
} rpt_span;

typedef struct rpt_lines {
    const char *p, *end;
    size_t line;              /* number of the line last returned, 1-based */
} rpt_lines;

void rpt_lines_init(rpt_lines *it, const char *buf, size_t len);
/* Next line without its "\n" / "\r\n"; false at the end. */
bool rpt_lines_next(rpt_lines *it, rpt_span *line);

/* Cells of a table row "|a|b|...|" (white space trimmed); returns the number of
 * cells, 0 if the line is not a table row. At most `cap` cells are stored; a row
 * with more cells returns cap + 1. */
size_t rpt_table_cells(rpt_span line, rpt_span *cells, size_t cap);

rpt_span rpt_trim(rpt_span s);
bool rpt_span_eq(rpt_span s, const char *lit);
bool rpt_span_starts(rpt_span s, const char *lit);
/* Position of `lit` in s, or NULL. */
const char *rpt_span_find(rpt_span s, const char *lit);
/* Copy a span into dst[cap] as a C string (truncating). */
void rpt_span_copy(rpt_span s, char *dst, size_t cap);

#endif
