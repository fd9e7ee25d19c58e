/* ingest_spec — spec JSON for synthesis results; see ingest_spec.h.
 *
 * A tiny growing string buffer emits the JSON; strings are escaped per RFC 8259
 * (quote, backslash and control characters).
 */
#include "validation/ingest_spec.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml_doc.h"
#include "util/err.h"
#include "util/fileio.h"
#include "validation/vrows.h"

/* ---- string buffer ---------------------------------------------------------- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->oom = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

static void putf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(sbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void put_string(sbuf *b, const char *s)
{
    puts_(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(b, e, 2);
        } else if (c < 0x20) {
            putf(b, "\\u%04x", c);
        } else {
            put(b, s, 1);
        }
    }
    puts_(b, "\"");
}

static int finish(sbuf *b, char **json)
{
    if (b->oom) {
        free(b->s);
        *json = NULL;
        return snac_err_set(SNAC_ENOMEM, "spec: out of memory");
    }
    *json = b->s;
    return SNAC_OK;
}

/* ---- YAML/JSON file -> JSON ------------------------------------------------- */

static bool json_number(const char *s)
{
    double v;
    /* JSON numbers: no leading '+', no leading zeros like "007", no bare ".5". */
    if (!rpt_number(s, strlen(s), &v) || s[0] == '+' || s[0] == '.')
        return false;
    const char *d = s[0] == '-' ? s + 1 : s;
    if (d[0] == '.' || (d[0] == '0' && d[1] >= '0' && d[1] <= '9'))
        return false;
    const char *dot = strchr(s, '.');
    return !dot || (dot[1] >= '0' && dot[1] <= '9');
}

static int emit_node(const cfg_doc *d, const cfg_node *n, sbuf *b, int depth)
{
    if (depth > 64)
        return cfg_errorf(SNAC_EFORMAT, d, n, "spec nested too deeply");
    switch (cfg_node_kind(d, n)) {
    case CFG_KIND_SCALAR: {
        const char *s = cfg_node_scalar(d, n);
        if (json_number(s) || strcmp(s, "true") == 0 || strcmp(s, "false") == 0 || strcmp(s, "null") == 0)
            puts_(b, s);
        else
            put_string(b, s);
        return SNAC_OK;
    }
    case CFG_KIND_SEQUENCE:
        puts_(b, "[");
        for (size_t i = 0; i < cfg_seq_len(d, n); i++) {
            if (i)
                puts_(b, ",");
            int rc = emit_node(d, cfg_seq_at(d, n, i), b, depth + 1);
            if (rc)
                return rc;
        }
        puts_(b, "]");
        return SNAC_OK;
    case CFG_KIND_MAPPING:
        puts_(b, "{");
        for (size_t i = 0; i < cfg_map_len(d, n); i++) {
            const cfg_node *k, *v;
            cfg_map_at(d, n, i, &k, &v);
            const char *ks = cfg_node_scalar(d, k);
            if (!ks)
                return cfg_errorf(SNAC_EFORMAT, d, k, "spec keys must be scalars");
            if (i)
                puts_(b, ",");
            put_string(b, ks);
            puts_(b, ":");
            int rc = emit_node(d, v, b, depth + 1);
            if (rc)
                return rc;
        }
        puts_(b, "}");
        return SNAC_OK;
    }
    return cfg_errorf(SNAC_EFORMAT, d, n, "unexpected node");
}

int ingest_spec_load(const char *path, char **json)
{
    *json = NULL;
    char *text;
    size_t len;
    int rc = snac_read_file_max(path, SNAC_READ_MAX_CONFIG, "spec", &text, &len);
    if (rc)
        return rc;
    /* checked as validate and refit will read it (a deployment spec, or the report layout with
     * "layers"), file:line:column on error: any other YAML would be stored and could replace a
     * good spec */
    surr_spec check;
    cfg_doc *d = NULL;
    if (!(rc = vrows_spec_from_text(text, len, path, &check)))
        rc = cfg_doc_parse(text, len, path, &d);
    free(text);
    if (rc)
        return rc;
    const cfg_node *root = cfg_doc_root(d);
    if (!root || cfg_node_kind(d, root) != CFG_KIND_MAPPING) {
        cfg_doc_free(d);
        return snac_err_set(SNAC_EFORMAT, "%s: a spec must be a mapping (YAML) or an object (JSON)", path);
    }
    sbuf b = {0};
    rc = emit_node(d, root, &b, 0);
    cfg_doc_free(d);
    if (rc) {
        free(b.s);
        return rc;
    }
    return finish(&b, json);
}

int ingest_spec_node_json(const cfg_doc *d, const cfg_node *n, char **json)
{
    *json = NULL;
    sbuf b = {0};
    int rc = emit_node(d, n, &b, 0);
    if (rc) {
        free(b.s);
        return rc;
    }
    return finish(&b, json);
}

/* ---- result -> JSON --------------------------------------------------------- */

int ingest_spec_from_result(const rpt_result *r, char **json)
{
    *json = NULL;
    if (!r->model_name[0] && !r->n_layers && !r->reuse_factor && !r->precision[0] && !r->strategy[0] &&
        !r->io_type[0] && !r->no_layers_why[0])
        return SNAC_OK;
    sbuf b = {0};
    const char *sep = "{";
    if (r->model_name[0]) {
        puts_(&b, sep);
        puts_(&b, "\"model_name\":");
        put_string(&b, r->model_name);
        sep = ",";
    }
    if (r->n_layers) {
        puts_(&b, sep);
        puts_(&b, "\"layers\":[");
        for (size_t i = 0; i < r->n_layers; i++)
            putf(&b, "%s%zu", i ? "," : "", r->layers[i]);
        puts_(&b, "]");
        sep = ",";
    }
    if (r->reuse_factor) {
        puts_(&b, sep);
        putf(&b, "\"reuse_factor\":%ld", r->reuse_factor);
        sep = ",";
    }
    static const struct { const char *key; size_t off; } strs[] = {
        {"precision", offsetof(rpt_result, precision)},
        {"strategy", offsetof(rpt_result, strategy)},
        {"io_type", offsetof(rpt_result, io_type)},
        {"no_layers", offsetof(rpt_result, no_layers_why)}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const char *v = (const char *)r + strs[i].off;
        if (!v[0])
            continue;
        puts_(&b, sep);
        putf(&b, "\"%s\":", strs[i].key);
        put_string(&b, v);
        sep = ",";
    }
    if (r->assumed) {
        static const struct { unsigned bit; const char *name; } bits[] = {
            {RPT_ASSUMED_PRECISION, "precision"}, {RPT_ASSUMED_STRATEGY, "strategy"}, {RPT_ASSUMED_IO_TYPE, "io_type"}};
        puts_(&b, sep);
        puts_(&b, "\"assumed\":[");
        const char *s2 = "";
        for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
            if (r->assumed & bits[i].bit) {
                putf(&b, "%s\"%s\"", s2, bits[i].name);
                s2 = ",";
            }
        puts_(&b, "]");
    }
    puts_(&b, "}");
    return finish(&b, json);
}
