/* strbuf — a growable NUL-terminated text buffer: appends of text and of printf output.
 *
 * An allocation failure is sticky: later appends do nothing and strbuf_failed() says so,
 * so a writer checks once, at the end, and reports the failure in its own words (the
 * report's rep_buf_status, the exporter's export_str_check).
 *
 * Memory: the buffer owns its text; a zeroed struct (STRBUF_INIT) is empty, strbuf_free
 * returns it to that state. Workload: generated files and reports, kilobytes to a few
 * megabytes, built once; the buffer doubles as it grows.
 */
#ifndef SNAC_UTIL_STRBUF_H
#define SNAC_UTIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *s;      /* NUL-terminated text, NULL until the first append */
    size_t len;   /* bytes of text */
    size_t cap;   /* bytes allocated */
    int failed;   /* an allocation failed: appends are ignored */
} strbuf;
#define STRBUF_INIT {NULL, 0, 0, 0}

/* n bytes of text (no NUL needed). */
void strbuf_append(strbuf *b, const char *text, size_t n);
/* A NUL-terminated string; NULL writes nothing. */
void strbuf_puts(strbuf *b, const char *text);
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text: never NULL ("" when nothing was appended). */
const char *strbuf_get(const strbuf *b);
/* An append failed for want of memory. */
bool strbuf_failed(const strbuf *b);
void strbuf_free(strbuf *b);

#endif
