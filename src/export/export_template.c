/* export_template — {{NAME}} placeholders filled from a key/value list; see export_template.h. */
#define _POSIX_C_SOURCE 200809L
#include "export/export_template.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/fileio.h"

#ifndef SNAC_TEMPLATE_DIR
#define SNAC_TEMPLATE_DIR "hls_templates"
#endif

/* ------------------------------------------------------------------ strings */

int export_str_check(const strbuf *b)
{
    return strbuf_failed(b) ? snac_err_set(SNAC_ENOMEM, "export: out of memory building a file") : 0;
}

/* ------------------------------------------------------------------ variables */

int export_vars_set(export_vars *v, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *val = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!val)
        return snac_err_set(SNAC_ENOMEM, "export: out of memory");
    va_start(ap, fmt);
    vsnprintf(val, (size_t)n + 1, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->key[i], key) == 0) {
            free(v->val[i]);
            v->val[i] = val;
            return 0;
        }
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 32;
        char **k = realloc(v->key, cap * sizeof *k);
        if (k)
            v->key = k;
        char **w = k ? realloc(v->val, cap * sizeof *w) : NULL;
        if (!w) {
            free(val);
            return snac_err_set(SNAC_ENOMEM, "export: out of memory");
        }
        v->val = w;
        v->cap = cap;
    }
    v->key[v->n] = strdup(key);
    if (!v->key[v->n]) {
        free(val);
        return snac_err_set(SNAC_ENOMEM, "export: out of memory");
    }
    v->val[v->n++] = val;
    return 0;
}

void export_vars_free(export_vars *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->key[i]);
        free(v->val[i]);
    }
    free(v->key);
    free(v->val);
    memset(v, 0, sizeof *v);
}

static const char *lookup(const export_vars *v, const char *key, size_t klen)
{
    for (size_t i = 0; i < v->n; i++)
        if (strlen(v->key[i]) == klen && memcmp(v->key[i], key, klen) == 0)
            return v->val[i];
    return NULL;
}

/* ------------------------------------------------------------------ filling */

const char *export_template_dir(void)
{
    const char *d = getenv("SNAC_TEMPLATES");
    return d && *d ? d : SNAC_TEMPLATE_DIR;
}

int export_template_fill(const char *name, const export_vars *v, strbuf *out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", export_template_dir(), name);
    char *text;
    size_t len;
    int rc = snac_read_file(path, &text, &len);
    if (rc)
        return snac_err_prefix(rc, "template %s: ", name);
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *open = strstr(p, "{{");
        if (!open) {
            strbuf_append(out, p, (size_t)(end - p));
            break;
        }
        strbuf_append(out, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}");
        size_t k = 0;
        while (open + 2 + k < end && (open[2 + k] == '_' || (open[2 + k] >= 'A' && open[2 + k] <= 'Z') ||
                                      (open[2 + k] >= '0' && open[2 + k] <= '9')))
            k++;
        if (!close || close != open + 2 + k || k == 0) {
            free(text);
            return snac_err_set(SNAC_EFORMAT, "template %s: malformed placeholder at byte %zu", path,
                                (size_t)(open - text));
        }
        const char *val = lookup(v, open + 2, k);
        if (!val) {
            free(text);
            return snac_err_set(SNAC_EINVAL, "template %s: no value for placeholder {{%.*s}}", path, (int)k,
                                open + 2);
        }
        strbuf_puts(out, val);
        p = close + 2;
    }
    free(text);
    return export_str_check(out);
}

int export_write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return snac_err_set(SNAC_EIO, "cannot write %s", path);
    size_t w = fwrite(text, 1, len, f);
    if (fclose(f) != 0 || w != len)
        return snac_err_set(SNAC_EIO, "cannot write %s", path);
    return 0;
}

int export_template_write(const char *name, const export_vars *v, const char *path)
{
    strbuf b = {0};
    int rc = export_template_fill(name, v, &b);
    if (!rc)
        rc = export_write_file(path, strbuf_get(&b), b.len);
    strbuf_free(&b);
    return rc;
}
