/* xml — the strict XML reader; see xml.h.
 *
 * One pass over the input with a cursor that counts lines. Elements go into a
 * growing array and refer to each other by index (parent, first/last child,
 * next sibling), so growing the array never invalidates anything. Every string
 * (element and attribute names, attribute values, character data) is decoded
 * into one arena allocated up front at 2*len + 2 bytes, which bounds it: each
 * string is a decoded (never longer) copy of distinct input bytes plus a NUL.
 */
#include "validation/xml.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define NONE SIZE_MAX

typedef struct xml_attr_rec {
    const char *name, *value;
} xml_attr_rec;

struct xml_node {
    const char *name;
    char *text;              /* NULL until character data arrives */
    size_t line;
    size_t parent, first_child, last_child, next;
    size_t attr0, n_attr;    /* attributes are contiguous in doc->attrs */
};

struct xml_doc {
    xml_node *nodes;
    size_t n_nodes, cap_nodes;
    xml_attr_rec *attrs;
    size_t n_attrs, cap_attrs;
    char *arena;             /* all strings */
    size_t arena_used, arena_cap;
};

/* ---- cursor ----------------------------------------------------------------- */

typedef struct cursor {
    const char *p, *end;
    size_t line;
    const char *name;        /* file name for messages */
} cursor;

static bool at_end(const cursor *c) { return c->p >= c->end; }
static bool starts(const cursor *c, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(c->end - c->p) >= n && memcmp(c->p, s, n) == 0;
}
static void step(cursor *c, size_t n)
{
    for (size_t i = 0; i < n && c->p < c->end; i++, c->p++)
        if (*c->p == '\n')
            c->line++;
}
static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }
static void skip_space(cursor *c)
{
    while (!at_end(c) && is_space(*c->p))
        step(c, 1);
}
static bool name_start(unsigned char ch)
{
    unsigned lc = ch | 32u;
    return ch == '_' || ch == ':' || (lc >= 'a' && lc <= 'z') || ch >= 0x80;
}
static bool name_char(unsigned char ch) { return name_start(ch) || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'; }

#define FAIL(c, ...) snac_err_prefix(snac_err_set(SNAC_EFORMAT, __VA_ARGS__), "%s:%zu: ", (c)->name, (c)->line)

/* ---- building --------------------------------------------------------------- */

static int new_node(xml_doc *d, size_t *idx)
{
    if (d->n_nodes == d->cap_nodes) {
        size_t cap = d->cap_nodes ? 2 * d->cap_nodes : 64;
        xml_node *n = realloc(d->nodes, cap * sizeof *n);
        if (!n)
            return snac_err_set(SNAC_ENOMEM, "xml: out of memory");
        d->nodes = n;
        d->cap_nodes = cap;
    }
    *idx = d->n_nodes++;
    return SNAC_OK;
}

static int new_attr(xml_doc *d, const char *name, const char *value)
{
    if (d->n_attrs == d->cap_attrs) {
        size_t cap = d->cap_attrs ? 2 * d->cap_attrs : 16;
        xml_attr_rec *a = realloc(d->attrs, cap * sizeof *a);
        if (!a)
            return snac_err_set(SNAC_ENOMEM, "xml: out of memory");
        d->attrs = a;
        d->cap_attrs = cap;
    }
    d->attrs[d->n_attrs].name = name;
    d->attrs[d->n_attrs].value = value;
    d->n_attrs++;
    return SNAC_OK;
}

/* Append one byte to the arena; capacity is guaranteed by construction. */
static void put(xml_doc *d, char ch) { d->arena[d->arena_used++] = ch; }

/* Append a UTF-8 encoded code point. */
static void put_utf8(xml_doc *d, uint32_t cp)
{
    if (cp < 0x80) {
        put(d, (char)cp);
    } else if (cp < 0x800) {
        put(d, (char)(0xC0 | cp >> 6));
        put(d, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        put(d, (char)(0xE0 | cp >> 12));
        put(d, (char)(0x80 | ((cp >> 6) & 0x3F)));
        put(d, (char)(0x80 | (cp & 0x3F)));
    } else {
        put(d, (char)(0xF0 | cp >> 18));
        put(d, (char)(0x80 | ((cp >> 12) & 0x3F)));
        put(d, (char)(0x80 | ((cp >> 6) & 0x3F)));
        put(d, (char)(0x80 | (cp & 0x3F)));
    }
}

/* Decode a reference at c->p == '&' into the arena. A numeric reference
 * "&#x10FFFF;" is 10 bytes and encodes to at most 4, so the arena bound holds. */
static int reference(cursor *c, xml_doc *d)
{
    static const struct { const char *ref; char ch; } named[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (starts(c, named[i].ref)) {
            put(d, named[i].ch);
            step(c, strlen(named[i].ref));
            return SNAC_OK;
        }
    if (starts(c, "&#")) {
        cursor save = *c;
        step(c, 2);
        int base = 10;
        if (!at_end(c) && *c->p == 'x') {
            base = 16;
            step(c, 1);
        }
        uint32_t cp = 0;
        size_t digits = 0;
        while (!at_end(c) && *c->p != ';') {
            unsigned char ch = (unsigned char)*c->p;
            unsigned lc = ch | 32u, v = 99;
            if (ch >= '0' && ch <= '9')
                v = ch - (unsigned)'0';
            else if (base == 16 && lc >= 'a' && lc <= 'f')
                v = lc - 'a' + 10;
            if (v >= (unsigned)base || ++digits > 8)
                return FAIL(&save, "bad character reference");
            cp = cp * (uint32_t)base + v;
            step(c, 1);
        }
        if (at_end(c) || digits == 0 || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return FAIL(&save, "bad character reference");
        step(c, 1);
        put_utf8(d, cp);
        return SNAC_OK;
    }
    return FAIL(c, "unknown entity or bare '&' (DTD entities are not supported)");
}

static int read_name(cursor *c, xml_doc *d, const char **out)
{
    if (at_end(c))
        return FAIL(c, "unexpected end of file, expected a name");
    if (!name_start((unsigned char)*c->p))
        return FAIL(c, "expected a name, found byte 0x%02x", (unsigned)(unsigned char)*c->p);
    *out = d->arena + d->arena_used;
    while (!at_end(c) && name_char((unsigned char)*c->p)) {
        put(d, *c->p);
        step(c, 1);
    }
    put(d, '\0');
    return SNAC_OK;
}

/* Skip "<!--...-->" or "<?...?>" starting at c->p. */
static int skip_until(cursor *c, size_t open_len, const char *close, const char *what)
{
    size_t line = c->line;
    step(c, open_len);
    while (!at_end(c) && !starts(c, close))
        step(c, 1);
    if (at_end(c)) {
        c->line = line;
        return FAIL(c, "unterminated %s", what);
    }
    step(c, strlen(close));
    return SNAC_OK;
}

/* Append character data or a CDATA section to element `cur`. Text of one element
 * is kept contiguous: a second segment is appended only if nothing else was
 * written to the arena since (*tail_text == cur); otherwise it is mixed content. */
static int text_segment(cursor *c, xml_doc *d, size_t cur, size_t *tail_text, bool cdata)
{
    size_t line = c->line;
    bool append = cur != NONE && *tail_text == cur;
    if (append)
        d->arena_used--; /* drop the NUL of the previous segment */
    size_t start = d->arena_used;
    if (cdata) {
        step(c, 9); /* "<![CDATA[" */
        while (!at_end(c) && !starts(c, "]]>")) {
            put(d, *c->p);
            step(c, 1);
        }
        if (at_end(c)) {
            c->line = line;
            return FAIL(c, "unterminated CDATA section");
        }
        step(c, 3);
    } else {
        while (!at_end(c) && *c->p != '<') {
            if (*c->p == '&') {
                int rc = reference(c, d);
                if (rc)
                    return rc;
            } else {
                put(d, *c->p);
                step(c, 1);
            }
        }
    }
    bool blank = true;
    for (size_t i = start; i < d->arena_used; i++)
        if (!is_space(d->arena[i]))
            blank = false;
    put(d, '\0');
    if (cur == NONE) {
        d->arena_used = start; /* outside the root: only white space allowed */
        if (!blank) {
            c->line = line;
            return FAIL(c, "text outside the root element");
        }
        return SNAC_OK;
    }
    xml_node *n = &d->nodes[cur];
    if (n->first_child != NONE || (n->text && !append)) {
        d->arena_used = append ? d->arena_used : start;
        if (blank)
            return SNAC_OK;
        c->line = line;
        return FAIL(c, "text mixed with child elements in <%s> is not supported", n->name);
    }
    if (!append)
        n->text = d->arena + start;
    *tail_text = cur;
    return SNAC_OK;
}

/* Parse "<name attr='v' ...>" or "<name .../>" at c->p == '<'. */
static int start_tag(cursor *c, xml_doc *d, size_t *cur, size_t *depth, bool *have_root)
{
    size_t line = c->line;
    step(c, 1);
    size_t idx = 0;
    int rc = new_node(d, &idx);
    if (rc)
        return rc;
    xml_node *n = &d->nodes[idx];
    n->text = NULL;
    n->line = line;
    n->parent = *cur;
    n->first_child = n->last_child = n->next = NONE;
    n->attr0 = d->n_attrs;
    n->n_attr = 0;
    if ((rc = read_name(c, d, &n->name)))
        return rc;
    if (*cur == NONE) {
        if (*have_root) {
            c->line = line;
            return FAIL(c, "a second root element <%s>", n->name);
        }
        *have_root = true;
    } else {
        xml_node *p = &d->nodes[*cur];
        if (p->text) {
            for (const char *s = p->text; *s; s++)
                if (!is_space(*s)) {
                    c->line = line;
                    return FAIL(c, "text mixed with child elements in <%s> is not supported", p->name);
                }
            p->text = NULL;
        }
        if (p->last_child == NONE)
            p->first_child = idx;
        else
            d->nodes[p->last_child].next = idx;
        p->last_child = idx;
    }
    for (;;) {
        bool had_space = !at_end(c) && is_space(*c->p);
        skip_space(c);
        if (at_end(c)) {
            c->line = line;
            return FAIL(c, "unexpected end of file in the start tag <%s>", d->nodes[idx].name);
        }
        if (*c->p == '>' || starts(c, "/>"))
            break;
        if (!had_space)
            return FAIL(c, "expected white space, '>' or '/>' in <%s>", d->nodes[idx].name);
        const char *an, *av;
        if ((rc = read_name(c, d, &an)))
            return rc;
        skip_space(c);
        if (at_end(c) || *c->p != '=')
            return FAIL(c, "expected '=' after attribute %s", an);
        step(c, 1);
        skip_space(c);
        if (at_end(c) || (*c->p != '"' && *c->p != '\''))
            return FAIL(c, "expected a quoted value for attribute %s", an);
        char q = *c->p;
        step(c, 1);
        av = d->arena + d->arena_used;
        while (!at_end(c) && *c->p != q) {
            if (*c->p == '<')
                return FAIL(c, "'<' in the value of attribute %s", an);
            if (*c->p == '&') {
                if ((rc = reference(c, d)))
                    return rc;
            } else {
                put(d, *c->p);
                step(c, 1);
            }
        }
        if (at_end(c))
            return FAIL(c, "unterminated value of attribute %s", an);
        step(c, 1);
        put(d, '\0');
        for (size_t i = d->nodes[idx].attr0; i < d->n_attrs; i++)
            if (strcmp(d->attrs[i].name, an) == 0)
                return FAIL(c, "duplicate attribute %s", an);
        if ((rc = new_attr(d, an, av)))
            return rc;
        d->nodes[idx].n_attr++;
    }
    if (*c->p == '/') {
        step(c, 2); /* empty element: stays closed */
        return SNAC_OK;
    }
    step(c, 1);
    if (++*depth > XML_MAX_DEPTH)
        return FAIL(c, "elements nested deeper than %d", XML_MAX_DEPTH);
    *cur = idx;
    return SNAC_OK;
}

static int end_tag(cursor *c, xml_doc *d, size_t *cur, size_t *depth)
{
    size_t line = c->line;
    step(c, 2);
    const char *p0 = c->p;
    while (!at_end(c) && name_char((unsigned char)*c->p))
        step(c, 1);
    size_t len = (size_t)(c->p - p0);
    skip_space(c);
    if (at_end(c) || *c->p != '>') {
        c->line = line;
        return FAIL(c, "unterminated end tag");
    }
    step(c, 1);
    if (*cur == NONE) {
        c->line = line;
        return FAIL(c, "end tag </%.*s> without a start tag", (int)len, p0);
    }
    const xml_node *n = &d->nodes[*cur];
    if (strlen(n->name) != len || memcmp(n->name, p0, len) != 0) {
        c->line = line;
        return FAIL(c, "end tag </%.*s> does not match <%s> opened at line %zu", (int)len, p0, n->name, n->line);
    }
    *cur = n->parent;
    --*depth;
    return SNAC_OK;
}

/* ---- parse ------------------------------------------------------------------ */

static int parse(cursor *c, xml_doc *d)
{
    size_t cur = NONE, depth = 0, tail_text = NONE;
    bool have_root = false;
    int rc = SNAC_OK;
    if (starts(c, "\xEF\xBB\xBF"))
        step(c, 3);
    while (!at_end(c) && rc == SNAC_OK) {
        size_t before = d->arena_used;
        if (*c->p != '<') {
            rc = text_segment(c, d, cur, &tail_text, false);
            continue;
        }
        if (starts(c, "<![CDATA[")) {
            if (cur == NONE)
                return FAIL(c, "CDATA outside the root element");
            rc = text_segment(c, d, cur, &tail_text, true);
            continue;
        }
        if (starts(c, "<!--"))
            rc = skip_until(c, 4, "-->", "comment");
        else if (starts(c, "<?"))
            rc = skip_until(c, 2, "?>", "processing instruction");
        else if (starts(c, "<!"))
            return FAIL(c, "DTD and <!...> declarations are not supported");
        else if (starts(c, "</"))
            rc = end_tag(c, d, &cur, &depth);
        else
            rc = start_tag(c, d, &cur, &depth, &have_root);
        if (d->arena_used != before)
            tail_text = NONE; /* something else was written: text can no longer be appended */
    }
    if (rc)
        return rc;
    if (cur != NONE)
        return FAIL(c, "unexpected end of file: <%s> opened at line %zu is not closed", d->nodes[cur].name,
                    d->nodes[cur].line);
    if (!have_root)
        return FAIL(c, "no root element (empty or not XML)");
    return SNAC_OK;
}

/* Trim white space around every element's text in place. */
static void trim_texts(xml_doc *d)
{
    for (size_t i = 0; i < d->n_nodes; i++) {
        char *t = d->nodes[i].text;
        if (!t)
            continue;
        while (is_space(*t))
            t++;
        size_t n = strlen(t);
        while (n > 0 && is_space(t[n - 1]))
            t[--n] = '\0';
        d->nodes[i].text = t;
    }
}

int xml_parse(const char *buf, size_t len, const char *name, xml_doc **out)
{
    *out = NULL;
    xml_doc *d = calloc(1, sizeof *d);
    if (!d)
        return snac_err_set(SNAC_ENOMEM, "xml: out of memory");
    d->arena_cap = 2 * len + 2;
    d->arena = malloc(d->arena_cap);
    if (!d->arena) {
        xml_free(d);
        return snac_err_set(SNAC_ENOMEM, "xml: out of memory for %zu bytes", len);
    }
    cursor c = {buf, buf + len, 1, name ? name : "<xml>"};
    int rc = parse(&c, d);
    if (rc) {
        xml_free(d);
        return rc;
    }
    trim_texts(d);
    *out = d;
    return SNAC_OK;
}

void xml_free(xml_doc *d)
{
    if (!d)
        return;
    free(d->nodes);
    free(d->attrs);
    free(d->arena);
    free(d);
}

/* ---- access ----------------------------------------------------------------- */

const xml_node *xml_root(const xml_doc *d)
{
    /* The first node with no parent is the root (comments and PIs make no nodes). */
    return d && d->n_nodes ? &d->nodes[0] : NULL;
}

const char *xml_name(const xml_doc *d, const xml_node *n) { return n->name; }
const char *xml_text(const xml_doc *d, const xml_node *n) { return n->text ? n->text : ""; }
size_t xml_line(const xml_doc *d, const xml_node *n) { return n->line; }

const char *xml_attr(const xml_doc *d, const xml_node *n, const char *name)
{
    for (size_t i = 0; i < n->n_attr; i++)
        if (strcmp(d->attrs[n->attr0 + i].name, name) == 0)
            return d->attrs[n->attr0 + i].value;
    return NULL;
}

static const xml_node *from_index(const xml_doc *d, size_t i, const char *name)
{
    for (; i != NONE; i = d->nodes[i].next)
        if (!name || strcmp(d->nodes[i].name, name) == 0)
            return &d->nodes[i];
    return NULL;
}

const xml_node *xml_child(const xml_doc *d, const xml_node *n, const char *name)
{
    return n ? from_index(d, n->first_child, name) : NULL;
}

const xml_node *xml_next(const xml_doc *d, const xml_node *n, const char *name)
{
    return n ? from_index(d, n->next, name) : NULL;
}

const xml_node *xml_path(const xml_doc *d, const xml_node *from, const char *path)
{
    char part[128];
    const xml_node *n = from;
    while (n && *path) {
        const char *slash = strchr(path, '/');
        size_t len = slash ? (size_t)(slash - path) : strlen(path);
        if (len >= sizeof part)
            return NULL;
        memcpy(part, path, len);
        part[len] = '\0';
        n = xml_child(d, n, part);
        path += len + (slash ? 1 : 0);
    }
    return n;
}
