/* rpt_text — line cursor and table cells for text reports; see rpt_text.h. */
#include "validation/rpt_text.h"

#include <string.h>

void rpt_lines_init(rpt_lines *it, const char *buf, size_t len)
{
    it->p = buf;
    it->end = buf + len;
    it->line = 0;
}

bool rpt_lines_next(rpt_lines *it, rpt_span *line)
{
    if (it->p >= it->end)
        return false;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *stop = nl ? nl : it->end;
    line->s = it->p;
    line->len = (size_t)(stop - it->p);
    if (line->len > 0 && line->s[line->len - 1] == '\r')
        line->len--;
    it->p = nl ? nl + 1 : it->end;
    it->line++;
    return true;
}

static bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

rpt_span rpt_trim(rpt_span s)
{
    while (s.len > 0 && space(s.s[0]))
        s.s++, s.len--;
    while (s.len > 0 && space(s.s[s.len - 1]))
        s.len--;
    return s;
}

bool rpt_span_eq(rpt_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.s, lit, n) == 0;
}

bool rpt_span_starts(rpt_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.s, lit, n) == 0;
}

const char *rpt_span_find(rpt_span s, const char *lit)
{
    size_t n = strlen(lit);
    if (n == 0 || s.len < n)
        return NULL;
    for (size_t i = 0; i + n <= s.len; i++)
        if (s.s[i] == lit[0] && memcmp(s.s + i, lit, n) == 0)
            return s.s + i;
    return NULL;
}

void rpt_span_copy(rpt_span s, char *dst, size_t cap)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    memcpy(dst, s.s, n);
    dst[n] = '\0';
}

size_t rpt_table_cells(rpt_span line, rpt_span *cells, size_t cap)
{
    rpt_span t = rpt_trim(line);
    if (t.len < 2 || t.s[0] != '|' || t.s[t.len - 1] != '|')
        return 0;
    size_t n = 0;
    const char *p = t.s + 1, *end = t.s + t.len - 1; /* between the outer bars */
    for (;;) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        const char *stop = bar ? bar : end;
        if (n == cap)
            return cap + 1;
        cells[n++] = rpt_trim((rpt_span){p, (size_t)(stop - p)});
        if (!bar)
            break;
        p = bar + 1;
    }
    return n;
}
