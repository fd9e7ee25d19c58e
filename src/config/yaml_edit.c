/* yaml_edit — set keys of a YAML text through libyaml's document API; see yaml_edit.h.
 *
 * Memory: the documents live inside cfg_text_set; the emitted text grows in one buffer.
 */
#include "config/yaml_edit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/err.h"

typedef struct outbuf {
    char *p;
    size_t n, cap;
    bool oom;
} outbuf;

static int write_cb(void *ctx, unsigned char *buf, size_t size)
{
    outbuf *o = ctx;
    if (o->n + size + 1 > o->cap) {
        size_t cap = (o->n + size + 1) * 2;
        char *p = realloc(o->p, cap);
        if (!p) {
            o->oom = true;
            return 0;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, buf, size);
    o->n += size;
    o->p[o->n] = '\0';
    return 1;
}

static int load(const char *text, size_t len, yaml_document_t *doc)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return -1;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int ok = yaml_parser_load(&p, doc);
    yaml_parser_delete(&p);
    if (!ok)
        return -1;
    if (!yaml_document_get_root_node(doc)) { /* an empty text: an empty mapping */
        yaml_document_delete(doc);
        if (!yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1))
            return -1;
        if (!yaml_document_add_mapping(doc, NULL, YAML_BLOCK_MAPPING_STYLE))
            return -1;
    }
    return 0;
}

static char *tag_of(const yaml_node_t *n) { return (char *)n->tag; }

/* Copy node `id` of src (and what it holds) into dst; its id in dst, 0 on failure. */
static int copy_node(yaml_document_t *dst, yaml_document_t *src, int id, int depth)
{
    yaml_node_t *n = yaml_document_get_node(src, id);
    if (!n || depth > 64)
        return 0;
    if (n->type == YAML_SCALAR_NODE)
        return yaml_document_add_scalar(dst, (yaml_char_t *)tag_of(n), n->data.scalar.value,
                                        (int)n->data.scalar.length, n->data.scalar.style);
    if (n->type == YAML_SEQUENCE_NODE) {
        int s = yaml_document_add_sequence(dst, (yaml_char_t *)tag_of(n), YAML_FLOW_SEQUENCE_STYLE);
        /* the source node may move when dst grows: it is src's, so it does not */
        for (yaml_node_item_t *it = n->data.sequence.items.start; s && it < n->data.sequence.items.top; it++) {
            int c = copy_node(dst, src, *it, depth + 1);
            if (!c || !yaml_document_append_sequence_item(dst, s, c))
                return 0;
        }
        return s;
    }
    int m = yaml_document_add_mapping(dst, (yaml_char_t *)tag_of(n), YAML_FLOW_MAPPING_STYLE);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; m && p < n->data.mapping.pairs.top; p++) {
        int k = copy_node(dst, src, p->key, depth + 1);
        int v = k ? copy_node(dst, src, p->value, depth + 1) : 0;
        if (!v || !yaml_document_append_mapping_pair(dst, m, k, v))
            return 0;
    }
    return m;
}

/* The value id of `key` in mapping `map`, or 0. */
static int map_find(yaml_document_t *doc, int map, const char *key, yaml_node_pair_t **pair)
{
    yaml_node_t *m = yaml_document_get_node(doc, map);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
            memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0) {
            *pair = p;
            return p->value;
        }
    }
    return 0;
}

static int set_one(yaml_document_t *doc, const cfg_set *s, const char *name)
{
    yaml_document_t val;
    if (load(s->value, strlen(s->value), &val))
        return snac_err_set(SNAC_EINVAL, "%s: %s: cannot parse the value '%s'", name, s->path, s->value);
    int v = copy_node(doc, &val, 1, 0);
    yaml_document_delete(&val);
    if (!v)
        return snac_err_set(SNAC_ENOMEM, "%s: %s: out of memory", name, s->path);
    char path[256];
    snprintf(path, sizeof path, "%s", s->path);
    int map = 1; /* the root */
    for (char *key = path, *next; key; key = next) {
        next = strchr(key, '.');
        if (next)
            *next++ = '\0';
        yaml_node_t *m = yaml_document_get_node(doc, map);
        if (!m || m->type != YAML_MAPPING_NODE)
            return snac_err_set(SNAC_EINVAL, "%s: %s: '%s' is not inside a mapping", name, s->path, key);
        yaml_node_pair_t *pair = NULL;
        int child = map_find(doc, map, key, &pair);
        if (!next) { /* the last key: replace or add its value */
            if (pair) {
                pair->value = v;
                return SNAC_OK;
            }
            int k = yaml_document_add_scalar(doc, NULL, (yaml_char_t *)key, -1, YAML_PLAIN_SCALAR_STYLE);
            return k && yaml_document_append_mapping_pair(doc, map, k, v)
                       ? SNAC_OK
                       : snac_err_set(SNAC_ENOMEM, "%s: out of memory", name);
        }
        if (!child) { /* a missing section */
            int k = yaml_document_add_scalar(doc, NULL, (yaml_char_t *)key, -1, YAML_PLAIN_SCALAR_STYLE);
            child = k ? yaml_document_add_mapping(doc, NULL, YAML_BLOCK_MAPPING_STYLE) : 0;
            if (!child || !yaml_document_append_mapping_pair(doc, map, k, child))
                return snac_err_set(SNAC_ENOMEM, "%s: out of memory", name);
        }
        map = child;
    }
    return SNAC_OK;
}

int cfg_text_set(const char *text, size_t len, const char *name, const cfg_set *sets, size_t n, char **out)
{
    *out = NULL;
    yaml_document_t doc;
    if (load(text, len, &doc))
        return snac_err_set(SNAC_EFORMAT, "%s: not a YAML document", name);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root->type != YAML_MAPPING_NODE) {
        yaml_document_delete(&doc);
        return snac_err_set(SNAC_EFORMAT, "%s: the top level is not a mapping", name);
    }
    for (size_t i = 0; i < n; i++) {
        int rc = set_one(&doc, &sets[i], name);
        if (rc) {
            yaml_document_delete(&doc);
            return rc;
        }
    }
    yaml_emitter_t e;
    outbuf o = {0};
    if (!yaml_emitter_initialize(&e)) {
        yaml_document_delete(&doc);
        return snac_err_set(SNAC_ENOMEM, "%s: out of memory", name);
    }
    yaml_emitter_set_output(&e, write_cb, &o);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_width(&e, 100);
    int ok = yaml_emitter_open(&e);
    if (!ok) /* yaml_emitter_dump takes the document (deletes it) whatever it returns */
        yaml_document_delete(&doc);
    else
        ok = yaml_emitter_dump(&e, &doc) && yaml_emitter_close(&e) && yaml_emitter_flush(&e);
    yaml_emitter_delete(&e);
    if (!ok || o.oom || !o.p) {
        free(o.p);
        return snac_err_set(o.oom ? SNAC_ENOMEM : SNAC_EFORMAT, "%s: cannot write the edited config", name);
    }
    *out = o.p;
    return SNAC_OK;
}
