/* rep_buf — HTML escaping and numbers for the report's text buffer (see rep_buf.h). */
#include "reports/rep_buf.h"

#include <math.h>

#include "util/err.h"

/* ------------------------------------------------------------------------------------------ */

void rep_buf_esc(strbuf *b, const char *text)
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
            strbuf_append(b, run, (size_t)(p - run));
            strbuf_puts(b, rep);
            run = p + 1;
        }
    }
    strbuf_puts(b, run);
}

void rep_buf_fix(strbuf *b, double v, int decimals, const char *none)
{
    if (isfinite(v))
        strbuf_printf(b, "%.*f", decimals, v == 0 ? 0.0 : v); /* no "-0.000" */
    else
        strbuf_puts(b, none);
}

int rep_buf_status(const strbuf *b)
{
    return strbuf_failed(b) ? snac_err_set(SNAC_ENOMEM, "out of memory while writing the report") : SNAC_OK;
}
