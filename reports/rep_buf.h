/* rep_buf — what the report adds to the text buffer it is written into (util/strbuf.h):
 * HTML escaping, fixed-point numbers with a placeholder for missing values, and the one
 * out-of-memory check at the end (strbuf's failures are sticky, so writers need not check
 * every call).
 *
 * Memory: none of its own; the caller's strbuf owns the text. Workload: a report is one to
 * two megabytes, built once.
 */
#ifndef SNAC_REPORTS_REP_BUF_H
#define SNAC_REPORTS_REP_BUF_H

#include "util/strbuf.h"

/* `text` with & < > " ' escaped for HTML text and attribute values; NULL writes nothing. */
void rep_buf_esc(strbuf *b, const char *text);
/* v with `decimals` digits after the point ("%.*f"), or `none` when v is not finite. */
void rep_buf_fix(strbuf *b, double v, int decimals, const char *none);
/* 0, or SNAC_ENOMEM (with a message) when an append failed. */
int rep_buf_status(const strbuf *b);

#endif
