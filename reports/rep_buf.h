/* rep_buf — a growable text buffer the report is written into: printf-style appends and
 * HTML escaping. An allocation failure is sticky: later appends do nothing and
 * rep_buf_status() reports SNAC_ENOMEM once, at the end, so writers need not check every call.
 *
 * Memory: the buffer owns its text (rep_buf_free). Workload: a report is one to two
 * megabytes, built once.
 */
#ifndef SNAC_REPORTS_REP_BUF_H
#define SNAC_REPORTS_REP_BUF_H

#include <stddef.h>

typedef struct rep_buf {
    char *s;      /* NUL-terminated text, NULL until the first append */
    size_t len;   /* bytes of text */
    size_t cap;   /* bytes allocated */
    int failed;   /* an allocation failed: appends are ignored */
} rep_buf;
#define REP_BUF_INIT {NULL, 0, 0, 0}

void rep_buf_puts(rep_buf *b, const char *text);
void rep_buf_printf(rep_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* `text` with & < > " ' escaped for HTML text and attribute values; NULL writes nothing. */
void rep_buf_esc(rep_buf *b, const char *text);
/* v with `decimals` digits after the point ("%.*f"), or `none` when v is not finite. */
void rep_buf_fix(rep_buf *b, double v, int decimals, const char *none);
/* 0, or SNAC_ENOMEM (with a message) when an append failed. */
int rep_buf_status(const rep_buf *b);
void rep_buf_free(rep_buf *b);

#endif
