/* rep_buf — growable text buffer for the HTML report (see rep_buf.h). */
#include "reports/rep_buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

/* ------------------------------------------------------------------------------------------ */

static int reserve(rep_buf *b, size_t more)
{
    if (b->failed)
        return -1;
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->failed = 1;
        return -1;
    }
    b->s = s;
    b->cap = cap;
    return 0;
}

static void append(rep_buf *b, const char *text, size_t n)
{
    if (reserve(b, n))
        return;
    memcpy(b->s + b->len, text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void rep_buf_puts(rep_buf *b, const char *text)
{
    if (text)
        append(b, text, strlen(text));
}

void rep_buf_printf(rep_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        append(b, small, (size_t)n);
        return;
    }
    if (reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void rep_buf_esc(rep_buf *b, const char *text)
{
    if (!text)
        return;
    const char *run = text;
    for (const char *p = text; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep) {
            append(b, run, (size_t)(p - run));
            rep_buf_puts(b, rep);
            run = p + 1;
        }
    }
    rep_buf_puts(b, run);
}

void rep_buf_fix(rep_buf *b, double v, int decimals, const char *none)
{
    if (isfinite(v))
        rep_buf_printf(b, "%.*f", decimals, v == 0 ? 0.0 : v); /* no "-0.000" */
    else
        rep_buf_puts(b, none);
}

int rep_buf_status(const rep_buf *b)
{
    return b->failed ? snac_err_set(SNAC_ENOMEM, "out of memory while writing the report") : SNAC_OK;
}

void rep_buf_free(rep_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
