/* yaml_doc — a parsed YAML file (libyaml document API) and schema-driven reading
 * of its mappings into C structs, with file:line:column in every error.
 *
 * A reader describes a mapping as an array of cfg_field (key, type, offset into
 * the destination struct, allowed range); cfg_read_map() fills the struct, and
 * fails on unknown keys, wrong types and out-of-range values naming the file,
 * line, column and what was expected. Nested sections are read by looking the
 * sub-mapping up with cfg_map_get() and calling cfg_read_map() on it.
 *
 * Every document is checked against a budget when parsed: at most CFG_MAX_NODES nodes and
 * CFG_MAX_BYTES bytes of scalars with all aliases expanded (so an alias bomb is refused
 * before any reader walks it), nesting at most CFG_MAX_DEPTH, no recursive alias.
 *
 * Memory: cfg_doc owns the libyaml document; nodes are borrowed from it.
 */
#ifndef SNAC_CONFIG_YAML_DOC_H
#define SNAC_CONFIG_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#define CFG_MAX_NODES 100000ULL
#define CFG_MAX_BYTES (8ULL << 20)
#define CFG_MAX_DEPTH 64
#define CFG_MAX_DEPTH_TEXT "64"

typedef struct cfg_doc cfg_doc;
typedef struct cfg_node cfg_node; /* opaque: a node of the document */

int cfg_doc_load(const char *path, cfg_doc **out);
/* Parse from memory; `name` is used in error messages in place of a path. */
int cfg_doc_parse(const char *text, size_t len, const char *name, cfg_doc **out);
void cfg_doc_free(cfg_doc *d);

const cfg_node *cfg_doc_root(const cfg_doc *d);   /* NULL for an empty document */
const char *cfg_doc_name(const cfg_doc *d);       /* path or name given at load */

enum cfg_kind { CFG_KIND_SCALAR, CFG_KIND_SEQUENCE, CFG_KIND_MAPPING };
enum cfg_kind cfg_node_kind(const cfg_doc *d, const cfg_node *n);
void cfg_node_mark(const cfg_doc *d, const cfg_node *n, size_t *line, size_t *column); /* 1-based */
const char *cfg_node_scalar(const cfg_doc *d, const cfg_node *n); /* NULL unless scalar */
size_t cfg_seq_len(const cfg_doc *d, const cfg_node *seq);
const cfg_node *cfg_seq_at(const cfg_doc *d, const cfg_node *seq, size_t i);
/* Value for `key` in a mapping, or NULL. */
const cfg_node *cfg_map_get(const cfg_doc *d, const cfg_node *map, const char *key);
size_t cfg_map_len(const cfg_doc *d, const cfg_node *map);
void cfg_map_at(const cfg_doc *d, const cfg_node *map, size_t i, const cfg_node **key, const cfg_node **value);

/* Set an error "file:line:column: message" at node n; returns `code`. */
int cfg_errorf(int code, const cfg_doc *d, const cfg_node *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Scalar conversions with range checks; errors carry file:line:column. */
int cfg_node_double(const cfg_doc *d, const cfg_node *n, double min, double max, double *out);
int cfg_node_long(const cfg_doc *d, const cfg_node *n, long long min, long long max, long long *out);
int cfg_node_bool(const cfg_doc *d, const cfg_node *n, bool *out);

/* ---- schema-driven mapping reader ---- */
enum cfg_type {
    CFG_DOUBLE,      /* double, range [min, max] */
    CFG_FLOAT,       /* float, range [min, max] */
    CFG_SIZE,        /* size_t, range [min, max] */
    CFG_INT,         /* int, range [min, max] */
    CFG_U64,         /* uint64_t, range [min, max] (max up to 2^53 checked exactly) */
    CFG_BOOL,        /* bool: true/false */
    CFG_STRING,      /* char[cap] */
    CFG_ENUM,        /* int-sized enum; spelling from names[0..n_names) */
    CFG_SIZE_LIST,   /* size_t[cap] + size_t count at count_offset; each in [min, max] */
    CFG_DOUBLE_LIST, /* double[cap] + count */
    CFG_STRING_LIST, /* char[cap][elem_cap] + count; a single scalar is a list of one */
    CFG_SKIP         /* accepted and ignored (a section read by another reader) */
};

typedef struct cfg_field {
    const char *key;
    enum cfg_type type;
    size_t offset;                 /* offsetof(dst struct, member) */
    double min, max;               /* numeric range */
    size_t cap;                    /* string length / list capacity */
    size_t count_offset;           /* lists: offsetof the size_t count */
    size_t elem_cap;               /* string lists: length of each string */
    const char *const *names;      /* enums */
    size_t n_names;
    bool *seen;                    /* optional: set true when the key was present */
} cfg_field;

/* Read mapping `map` into `dst` by `fields`. Missing keys keep their defaults.
 * `section` names the mapping in messages ("model", "data"). */
int cfg_read_map(const cfg_doc *d, const cfg_node *map, const char *section,
                 const cfg_field *fields, size_t n_fields, void *dst);

#endif
