/* yaml_doc — libyaml document loading and schema-driven mapping reads; see yaml_doc.h.
 *
 * Memory: a cfg_doc owns one yaml_document_t and a copy of the name; nodes are
 * pointers into the document and live as long as it. Configs are small (KBs),
 * so whole-document loading is the simple and right choice.
 */
#include "config/yaml_doc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/err.h"
#include "util/fileio.h"

struct cfg_doc {
    yaml_document_t doc;
    char name[512];
};

/* cfg_node is never defined: a cfg_node pointer is a yaml_node_t pointer. */
static const yaml_node_t *Y(const cfg_node *n) { return (const yaml_node_t *)n; }
static const cfg_node *N(const yaml_node_t *n) { return (const cfg_node *)n; }

/* ---------------------------------------------------------------- budget */

/* libyaml resolves an alias to the anchored node itself, so the document stays small, but
 * every reader that walks it (a spec turned into JSON, a list read per element) sees each
 * alias expanded: ten nested aliases of ten are 10^10 nodes. The document is measured as
 * it would be read — nodes and scalar bytes with every alias expanded, memoised per node —
 * and refused past the budget, as is nesting deeper than CFG_MAX_DEPTH (the walk recurses)
 * and an alias inside its own anchor. A scalar holding a NUL is refused too (C strings
 * would silently end there). */
typedef struct budget {
    const yaml_document_t *doc;
    uint64_t *nodes, *bytes; /* per node id - 1: expanded size of its subtree */
    unsigned char *state;    /* 0 not seen, 1 on the current path, 2 measured */
    const yaml_node_t *bad;  /* where the walk stopped */
    int why;                 /* 1 too deep, 2 recursive, 3 NUL in a scalar */
} budget;

static uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }

static int measure(budget *b, int id, size_t depth)
{
    const yaml_node_t *n = yaml_document_get_node((yaml_document_t *)b->doc, id);
    if (!n)
        return 0;
    size_t i = (size_t)id - 1;
    if (b->state[i] == 2)
        return 0;
    if (b->state[i] == 1 || depth > CFG_MAX_DEPTH) {
        b->bad = n;
        b->why = b->state[i] == 1 ? 2 : 1;
        return -1;
    }
    b->state[i] = 1;
    uint64_t nodes = 1, bytes = 0;
    if (n->type == YAML_SCALAR_NODE) {
        bytes = n->data.scalar.length;
        if (memchr(n->data.scalar.value, '\0', n->data.scalar.length)) {
            b->bad = n; /* "a\0b": every reader would see "a" */
            b->why = 3;
            return -1;
        }
    } else if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            if (measure(b, *it, depth + 1))
                return -1;
            nodes = sat_add(nodes, b->nodes[*it - 1]);
            bytes = sat_add(bytes, b->bytes[*it - 1]);
        }
    } else if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            if (measure(b, p->key, depth + 1) || measure(b, p->value, depth + 1))
                return -1;
            nodes = sat_add(nodes, sat_add(b->nodes[p->key - 1], b->nodes[p->value - 1]));
            bytes = sat_add(bytes, sat_add(b->bytes[p->key - 1], b->bytes[p->value - 1]));
        }
    }
    b->nodes[i] = nodes;
    b->bytes[i] = bytes;
    b->state[i] = 2;
    return 0;
}

static int check_budget(const yaml_document_t *doc, const char *name)
{
    const yaml_node_t *root = yaml_document_get_root_node((yaml_document_t *)doc);
    if (!root)
        return SNAC_OK;
    size_t n = (size_t)(doc->nodes.top - doc->nodes.start);
    budget b = {doc, calloc(n, sizeof(uint64_t)), calloc(n, sizeof(uint64_t)), calloc(n, 1), NULL, 0};
    int rc = SNAC_OK;
    if (!b.nodes || !b.bytes || !b.state) {
        rc = snac_err_set(SNAC_ENOMEM, "%s: out of memory", name);
    } else if (measure(&b, 1, 0)) {
        rc = snac_err_set(SNAC_ERANGE, "%s:%zu:%zu: %s", name, (size_t)b.bad->start_mark.line + 1,
                          (size_t)b.bad->start_mark.column + 1,
                          b.why == 2   ? "an alias refers to the node that contains it (recursive YAML)"
                          : b.why == 3 ? "a NUL character (\\0) inside a string"
                                       : "YAML nested deeper than " CFG_MAX_DEPTH_TEXT " levels");
    } else if (b.nodes[0] > CFG_MAX_NODES || b.bytes[0] > CFG_MAX_BYTES) {
        rc = snac_err_set(SNAC_ERANGE,
                          "%s: with its aliases expanded the YAML holds %llu nodes and %llu bytes of scalars, more "
                          "than the %llu nodes / %llu bytes a snac input may hold (aliases that multiply: an alias "
                          "bomb?)",
                          name, (unsigned long long)b.nodes[0], (unsigned long long)b.bytes[0],
                          (unsigned long long)CFG_MAX_NODES, (unsigned long long)CFG_MAX_BYTES);
    }
    free(b.nodes);
    free(b.bytes);
    free(b.state);
    return rc;
}

/* ---------------------------------------------------------------- loading */

int cfg_doc_parse(const char *text, size_t len, const char *name, cfg_doc **out)
{
    *out = NULL;
    cfg_doc *d = calloc(1, sizeof *d);
    if (!d)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snprintf(d->name, sizeof d->name, "%s", name);

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        free(d);
        return snac_err_set(SNAC_ENOMEM, "%s: cannot initialise the YAML parser", name);
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &d->doc)) {
        int rc = snac_err_set(SNAC_EFORMAT, "%s:%zu:%zu: YAML syntax error: %s%s%s", name,
                              (size_t)p.problem_mark.line + 1, (size_t)p.problem_mark.column + 1,
                              p.problem ? p.problem : "unknown problem",
                              p.context ? " " : "", p.context ? p.context : "");
        yaml_parser_delete(&p);
        free(d);
        return rc;
    }
    /* Only the first document would be read: a second one (after ---) is refused, not ignored. */
    yaml_document_t next;
    int rc = SNAC_OK;
    if (!yaml_parser_load(&p, &next)) {
        rc = snac_err_set(SNAC_EFORMAT, "%s:%zu:%zu: YAML syntax error: %s%s%s", name,
                          (size_t)p.problem_mark.line + 1, (size_t)p.problem_mark.column + 1,
                          p.problem ? p.problem : "unknown problem", p.context ? " " : "", p.context ? p.context : "");
    } else {
        const yaml_node_t *root = yaml_document_get_root_node(&next);
        if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
            rc = snac_err_set(SNAC_EFORMAT, "%s:%zu:%zu: a second YAML document: only one is read, put every "
                              "section in the first", name, (size_t)next.start_mark.line + 1,
                              (size_t)next.start_mark.column + 1);
        yaml_document_delete(&next);
    }
    yaml_parser_delete(&p);
    if (!rc)
        rc = check_budget(&d->doc, name);
    if (rc) {
        yaml_document_delete(&d->doc);
        free(d);
        return rc;
    }
    *out = d;
    return SNAC_OK;
}

int cfg_doc_load(const char *path, cfg_doc **out)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = snac_read_file_max(path, SNAC_READ_MAX_CONFIG, "YAML", &buf, &len);
    if (rc)
        return rc;
    rc = cfg_doc_parse(buf, len, path, out);
    free(buf);
    return rc;
}

void cfg_doc_free(cfg_doc *d)
{
    if (!d)
        return;
    yaml_document_delete(&d->doc);
    free(d);
}

const char *cfg_doc_name(const cfg_doc *d) { return d->name; }

const cfg_node *cfg_doc_root(const cfg_doc *d)
{
    return N(yaml_document_get_root_node((yaml_document_t *)&d->doc));
}

/* ---------------------------------------------------------------- nodes */

static const yaml_node_t *node_at(const cfg_doc *d, int id)
{
    return yaml_document_get_node((yaml_document_t *)&d->doc, id);
}

enum cfg_kind cfg_node_kind(const cfg_doc *d, const cfg_node *n)
{
    switch (Y(n)->type) {
    case YAML_SEQUENCE_NODE: return CFG_KIND_SEQUENCE;
    case YAML_MAPPING_NODE: return CFG_KIND_MAPPING;
    default: return CFG_KIND_SCALAR;
    }
}

void cfg_node_mark(const cfg_doc *d, const cfg_node *n, size_t *line, size_t *column)
{
    *line = Y(n)->start_mark.line + 1;
    *column = Y(n)->start_mark.column + 1;
}

const char *cfg_node_scalar(const cfg_doc *d, const cfg_node *n)
{
    return Y(n)->type == YAML_SCALAR_NODE ? (const char *)Y(n)->data.scalar.value : NULL;
}

size_t cfg_seq_len(const cfg_doc *d, const cfg_node *seq)
{
    if (Y(seq)->type != YAML_SEQUENCE_NODE)
        return 0;
    return (size_t)(Y(seq)->data.sequence.items.top - Y(seq)->data.sequence.items.start);
}

const cfg_node *cfg_seq_at(const cfg_doc *d, const cfg_node *seq, size_t i)
{
    return N(node_at(d, Y(seq)->data.sequence.items.start[i]));
}

size_t cfg_map_len(const cfg_doc *d, const cfg_node *map)
{
    if (Y(map)->type != YAML_MAPPING_NODE)
        return 0;
    return (size_t)(Y(map)->data.mapping.pairs.top - Y(map)->data.mapping.pairs.start);
}

void cfg_map_at(const cfg_doc *d, const cfg_node *map, size_t i, const cfg_node **key, const cfg_node **value)
{
    const yaml_node_pair_t *pair = Y(map)->data.mapping.pairs.start + i;
    *key = N(node_at(d, pair->key));
    *value = N(node_at(d, pair->value));
}

const cfg_node *cfg_map_get(const cfg_doc *d, const cfg_node *map, const char *key)
{
    size_t n = cfg_map_len(d, map);
    for (size_t i = 0; i < n; i++) {
        const cfg_node *k, *v;
        cfg_map_at(d, map, i, &k, &v);
        const char *s = cfg_node_scalar(d, k);
        if (s && strcmp(s, key) == 0)
            return v;
    }
    return NULL;
}

int cfg_errorf(int code, const cfg_doc *d, const cfg_node *n, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!n)
        return snac_err_set(code, "%s: %s", d->name, msg);
    size_t line, col;
    cfg_node_mark(d, n, &line, &col);
    return snac_err_set(code, "%s:%zu:%zu: %s", d->name, line, col, msg);
}

/* ---------------------------------------------------------------- scalars */

static const char *kind_name(const cfg_doc *d, const cfg_node *n)
{
    switch (cfg_node_kind(d, n)) {
    case CFG_KIND_SEQUENCE: return "a list";
    case CFG_KIND_MAPPING: return "a mapping";
    default: return "a scalar";
    }
}

int cfg_node_double(const cfg_doc *d, const cfg_node *n, double min, double max, double *out)
{
    const char *s = cfg_node_scalar(d, n);
    if (!s)
        return cfg_errorf(SNAC_EINVAL, d, n, "expected a number, found %s", kind_name(d, n));
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return cfg_errorf(SNAC_EINVAL, d, n, "expected a number, found '%s'", s);
    if (v < min || v > max)
        return cfg_errorf(SNAC_ERANGE, d, n, "value %s out of range: expected %g to %g", s, min, max);
    *out = v;
    return SNAC_OK;
}

int cfg_node_long(const cfg_doc *d, const cfg_node *n, long long min, long long max, long long *out)
{
    const char *s = cfg_node_scalar(d, n);
    if (!s)
        return cfg_errorf(SNAC_EINVAL, d, n, "expected an integer, found %s", kind_name(d, n));
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return cfg_errorf(SNAC_EINVAL, d, n, "expected an integer, found '%s'", s);
    if (v < min || v > max)
        return cfg_errorf(SNAC_ERANGE, d, n, "value %s out of range: expected %lld to %lld", s, min, max);
    *out = v;
    return SNAC_OK;
}

int cfg_node_bool(const cfg_doc *d, const cfg_node *n, bool *out)
{
    const char *s = cfg_node_scalar(d, n);
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "yes") == 0)) {
        *out = true;
        return SNAC_OK;
    }
    if (s && (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "no") == 0)) {
        *out = false;
        return SNAC_OK;
    }
    return cfg_errorf(SNAC_EINVAL, d, n, "expected true or false, found %s%s%s", s ? "'" : "",
                      s ? s : kind_name(d, n), s ? "'" : "");
}

/* ---------------------------------------------------------------- schema reader */

static int read_string(const cfg_doc *d, const cfg_node *n, char *dst, size_t cap)
{
    const char *s = cfg_node_scalar(d, n);
    if (!s)
        return cfg_errorf(SNAC_EINVAL, d, n, "expected a string, found %s", kind_name(d, n));
    if (strlen(s) >= cap)
        return cfg_errorf(SNAC_ERANGE, d, n, "string too long (at most %zu characters)", cap - 1);
    memcpy(dst, s, strlen(s) + 1);
    return SNAC_OK;
}

static int read_enum(const cfg_doc *d, const cfg_node *n, const cfg_field *f, int *dst)
{
    const char *s = cfg_node_scalar(d, n);
    if (s)
        for (size_t i = 0; i < f->n_names; i++)
            if (strcmp(s, f->names[i]) == 0) {
                *dst = (int)i;
                return SNAC_OK;
            }
    char expected[256] = "";
    for (size_t i = 0; i < f->n_names; i++) {
        strncat(expected, i ? ", " : "", sizeof expected - strlen(expected) - 1);
        strncat(expected, f->names[i], sizeof expected - strlen(expected) - 1);
    }
    return cfg_errorf(SNAC_EINVAL, d, n, "'%s' is not one of: %s", s ? s : kind_name(d, n), expected);
}

/* A list field accepts a sequence, or a single scalar as a list of one. */
static int read_list(const cfg_doc *d, const cfg_node *n, const cfg_field *f, char *base)
{
    size_t count = cfg_node_kind(d, n) == CFG_KIND_SEQUENCE ? cfg_seq_len(d, n) : 1;
    if (cfg_node_kind(d, n) == CFG_KIND_MAPPING)
        return cfg_errorf(SNAC_EINVAL, d, n, "expected a list, found a mapping");
    if (count > f->cap)
        return cfg_errorf(SNAC_ERANGE, d, n, "too many entries: %zu (at most %zu)", count, f->cap);
    for (size_t i = 0; i < count; i++) {
        const cfg_node *e = cfg_node_kind(d, n) == CFG_KIND_SEQUENCE ? cfg_seq_at(d, n, i) : n;
        int rc;
        if (f->type == CFG_SIZE_LIST) {
            long long v;
            rc = cfg_node_long(d, e, (long long)f->min, (long long)f->max, &v);
            if (!rc)
                ((size_t *)(base + f->offset))[i] = (size_t)v;
        } else if (f->type == CFG_DOUBLE_LIST) {
            rc = cfg_node_double(d, e, f->min, f->max, &((double *)(base + f->offset))[i]);
        } else {
            rc = read_string(d, e, base + f->offset + i * f->elem_cap, f->elem_cap);
        }
        if (rc)
            return rc;
    }
    *(size_t *)(base + f->count_offset) = count;
    return SNAC_OK;
}

static int read_field(const cfg_doc *d, const cfg_node *n, const cfg_field *f, char *base)
{
    void *dst = base + f->offset;
    double v;
    long long l;
    int rc;
    switch (f->type) {
    case CFG_DOUBLE:
        return cfg_node_double(d, n, f->min, f->max, (double *)dst);
    case CFG_FLOAT:
        if ((rc = cfg_node_double(d, n, f->min, f->max, &v)))
            return rc;
        *(float *)dst = (float)v;
        return SNAC_OK;
    case CFG_SIZE:
    case CFG_INT:
    case CFG_U64:
        if ((rc = cfg_node_long(d, n, (long long)f->min, (long long)f->max, &l)))
            return rc;
        if (f->type == CFG_SIZE)
            *(size_t *)dst = (size_t)l;
        else if (f->type == CFG_INT)
            *(int *)dst = (int)l;
        else
            *(uint64_t *)dst = (uint64_t)l;
        return SNAC_OK;
    case CFG_BOOL:
        return cfg_node_bool(d, n, (bool *)dst);
    case CFG_STRING:
        return read_string(d, n, (char *)dst, f->cap);
    case CFG_ENUM:
        return read_enum(d, n, f, (int *)dst);
    case CFG_SIZE_LIST:
    case CFG_DOUBLE_LIST:
    case CFG_STRING_LIST:
        return read_list(d, n, f, base);
    case CFG_SKIP:
        return SNAC_OK;
    }
    return cfg_errorf(SNAC_EINVAL, d, n, "internal: unknown field type");
}

/* Turn "file:L:C: msg" into "file:L:C: section.key: msg" so the user sees which setting. */
static int name_key_in_error(int rc, const cfg_doc *d, const char *section, const char *key)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", snac_err_msg());
    size_t skip = strlen(d->name);
    const char *rest = strncmp(msg, d->name, skip) == 0 ? strstr(msg + skip, ": ") : NULL;
    if (!rest)
        return snac_err_set(rc, "%s.%s: %s", section, key, msg);
    int head = (int)(rest - msg);
    return snac_err_set(rc, "%.*s: %s.%s: %s", head, msg, section, key, rest + 2);
}

int cfg_read_map(const cfg_doc *d, const cfg_node *map, const char *section,
                 const cfg_field *fields, size_t n_fields, void *dst)
{
    if (!map)
        return SNAC_OK;
    if (cfg_node_kind(d, map) != CFG_KIND_MAPPING)
        return cfg_errorf(SNAC_EINVAL, d, map, "section '%s': expected a mapping of keys, found %s", section,
                          kind_name(d, map));
    size_t n = cfg_map_len(d, map);
    for (size_t i = 0; i < n; i++) {
        const cfg_node *k, *v;
        cfg_map_at(d, map, i, &k, &v);
        const char *key = cfg_node_scalar(d, k);
        const cfg_field *f = NULL;
        for (size_t j = 0; key && j < n_fields; j++)
            if (strcmp(key, fields[j].key) == 0)
                f = &fields[j];
        if (!f) {
            char expected[512] = "";
            for (size_t j = 0; j < n_fields; j++) {
                strncat(expected, j ? ", " : "", sizeof expected - strlen(expected) - 1);
                strncat(expected, fields[j].key, sizeof expected - strlen(expected) - 1);
            }
            return cfg_errorf(SNAC_EINVAL, d, k, "unknown key '%s' in section '%s' (expected one of: %s)",
                              key ? key : "?", section, expected);
        }
        for (size_t j = 0; j < i; j++) {
            const cfg_node *k2, *v2;
            cfg_map_at(d, map, j, &k2, &v2);
            const char *s2 = cfg_node_scalar(d, k2);
            if (s2 && strcmp(s2, key) == 0)
                return cfg_errorf(SNAC_EINVAL, d, k, "duplicate key '%s' in section '%s'", key, section);
        }
        int rc = read_field(d, v, f, (char *)dst);
        if (rc)
            return name_key_in_error(rc, d, section, key);
        if (f->seen)
            *f->seen = true;
    }
    return SNAC_OK;
}
