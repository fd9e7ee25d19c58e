/* csv — CSV tables with a header row: feature columns and one class column by name.
 *
 * Labels: if every class cell of every file is a non-negative integer, the integer is
 * the class index (names "0", "1", ...); otherwise the distinct strings are sorted
 * (strcmp) and mapped to 0..k-1, so the OpenML hls4ml_lhc_jets_hlf labels g,q,t,w,z
 * become 0..4. The mapping spans all files (train and test files alike).
 *
 * Errors (SNAC_EFORMAT, "file:line: column 'name': ..."): ragged rows, non-numeric or
 * empty cells, NaN/Inf, an empty file, a missing class or feature column, files whose
 * headers disagree. Quoted fields ("a,b") are accepted; embedded newlines are not.
 *
 * Memory: each file is read whole into one buffer, parsed, and freed; rows go into
 * growing arrays that become out->x / out->y (caller frees with ds_tensor_free).
 * Workload: one pass per file; labels are interned in a small table (<= DS_MAX_CLASSES).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets/loaders.h"
#include "util/err.h"
#include "util/fileio.h"

#define CSV_MAX_COLS 4096
#define CSV_MAX_LABELS 4096

typedef struct csv_state {
    float *x;              /* (n, d) growing */
    char **label;          /* (n) label string per row, interned pointer */
    size_t n, cap, d;
    char *labels[CSV_MAX_LABELS]; /* distinct labels (owned) */
    size_t n_labels;
    char header[CSV_MAX_COLS][DS_NAME_CAP]; /* header of the first file */
    size_t n_cols;
} csv_state;

/* Split `line` (modified in place) into cells; returns the cell count or -1 if too many. */
static long split_cells(char *line, char **cells, size_t cap)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        if (n == cap)
            return -1;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '"') {
            char *w = ++p;
            cells[n++] = w;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"')
                    p++;
                *w++ = *p++;
            }
            if (*p == '"')
                p++;
            while (*p && *p != ',')
                p++;
            char end = *p;
            *w = '\0';
            if (!end)
                break;
            p++;
        } else {
            cells[n++] = p;
            while (*p && *p != ',')
                p++;
            char *e = p;
            while (e > cells[n - 1] && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            char end = *p;
            *e = '\0';
            if (!end)
                break;
            p++;
        }
    }
    return (long)n;
}

static int intern_label(csv_state *st, const char *s, char **out, const char *path, size_t line)
{
    for (size_t i = 0; i < st->n_labels; i++)
        if (strcmp(st->labels[i], s) == 0) {
            *out = st->labels[i];
            return SNAC_OK;
        }
    if (st->n_labels == CSV_MAX_LABELS)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: more than %d distinct class labels", path, line, CSV_MAX_LABELS);
    char *c = strdup(s);
    if (!c)
        return snac_err_set(SNAC_ENOMEM, "%s: out of memory", path);
    st->labels[st->n_labels++] = c;
    *out = c;
    return SNAC_OK;
}

static int grow(csv_state *st)
{
    size_t cap = st->cap ? 2 * st->cap : 1024;
    float *x = realloc(st->x, cap * st->d * sizeof *x);
    if (!x)
        return snac_err_set(SNAC_ENOMEM, "csv: out of memory (%zu rows)", cap);
    st->x = x;
    char **l = realloc(st->label, cap * sizeof *l);
    if (!l)
        return snac_err_set(SNAC_ENOMEM, "csv: out of memory (%zu rows)", cap);
    st->label = l;
    st->cap = cap;
    return SNAC_OK;
}

/* Map feature and class columns of `header` to column indices. */
static int resolve_columns(const ds_config *c, char **cells, size_t n_cells, const char *path,
                           size_t *feat_col, size_t *n_feat, size_t *class_col)
{
    /* a name twice would make "column 'a'" ambiguous in every later message */
    for (size_t i = 0; i < n_cells; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(cells[i], cells[j]) == 0)
                return snac_err_set(SNAC_EFORMAT, "%s:1: column '%s' appears twice in the header (columns %zu and %zu)",
                                    path, cells[i], j + 1, i + 1);
    long cls = -1;
    for (size_t i = 0; i < n_cells; i++)
        if (strcmp(cells[i], c->class_column) == 0)
            cls = (long)i;
    if (cls < 0)
        return snac_err_set(SNAC_EFORMAT, "%s:1: class column '%s' not in the header", path, c->class_column);
    *class_col = (size_t)cls;
    size_t k = 0;
    if (c->n_columns == 0) {
        for (size_t i = 0; i < n_cells; i++)
            if (i != (size_t)cls)
                feat_col[k++] = i;
    } else {
        for (size_t j = 0; j < c->n_columns; j++) {
            long col = -1;
            for (size_t i = 0; i < n_cells; i++)
                if (strcmp(cells[i], c->columns[j]) == 0)
                    col = (long)i;
            if (col < 0)
                return snac_err_set(SNAC_EFORMAT, "%s:1: feature column '%s' not in the header", path, c->columns[j]);
            feat_col[k++] = (size_t)col;
        }
    }
    if (k == 0)
        return snac_err_set(SNAC_EFORMAT, "%s:1: no feature columns besides '%s'", path, c->class_column);
    if (k > DS_MAX_FEATURES * 8)
        return snac_err_set(SNAC_EFORMAT, "%s:1: %zu feature columns, at most %d", path, k, DS_MAX_FEATURES * 8);
    *n_feat = k;
    return SNAC_OK;
}

static int read_one(const ds_config *c, const char *path, bool first, csv_state *st,
                    size_t *feat_col, size_t *class_col, char **cells)
{
    char *text = NULL;
    size_t len = 0;
    int rc = snac_read_file(path, &text, &len);
    if (rc)
        return rc;
    const char *nul = memchr(text, '\0', len);
    if (nul) { /* the line splitter stops at a NUL: refuse rather than silently drop the rest */
        size_t at = 1;
        for (const char *q = text; q < nul; q++)
            at += *q == '\n';
        rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: NUL byte in a text file (binary or UTF-16 data?)", path, at);
        free(text);
        return rc;
    }
    char *p = text;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte-order mark (spreadsheet exports) */
        p += 3;
    size_t line = 0, n_cols = 0, n_feat = 0;
    bool have_header = false;
    while (*p) {
        char *nl = strchr(p, '\n');
        char *next = nl ? nl + 1 : p + strlen(p);
        if (nl)
            *nl = '\0';
        line++;
        size_t ll = strlen(p);
        if (ll && p[ll - 1] == '\r')
            p[--ll] = '\0';
        if (ll == 0) { /* blank lines are skipped */
            p = next;
            continue;
        }
        long nc = split_cells(p, cells, CSV_MAX_COLS);
        if (nc < 0) {
            rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: more than %d columns", path, line, CSV_MAX_COLS);
            goto done;
        }
        if (!have_header) {
            have_header = true;
            n_cols = (size_t)nc;
            if (first) {
                rc = resolve_columns(c, cells, n_cols, path, feat_col, &n_feat, class_col);
                if (rc)
                    goto done;
                st->d = n_feat;
                st->n_cols = n_cols;
                for (size_t i = 0; i < n_cols; i++) {
                    strncpy(st->header[i], cells[i], DS_NAME_CAP - 1);
                    st->header[i][DS_NAME_CAP - 1] = '\0';
                }
            } else {
                bool same = n_cols == st->n_cols;
                for (size_t i = 0; same && i < n_cols; i++)
                    same = strncmp(st->header[i], cells[i], DS_NAME_CAP - 1) == 0;
                if (!same) {
                    rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: header differs from the first file's", path, line);
                    goto done;
                }
            }
            p = next;
            continue;
        }
        if ((size_t)nc != n_cols) {
            rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: ragged row: %ld cells, the header has %zu", path, line, nc, n_cols);
            goto done;
        }
        if (st->n == st->cap && (rc = grow(st)))
            goto done;
        float *row = st->x + st->n * st->d;
        for (size_t j = 0; j < st->d; j++) {
            const char *cell = cells[feat_col[j]];
            char *end;
            errno = 0;
            double v = strtod(cell, &end);
            if (end == cell || *end != '\0') {
                rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: column '%s': non-numeric cell \"%.40s\"", path, line,
                                  st->header[feat_col[j]], cell);
                goto done;
            }
            if (!isfinite(v) || !isfinite((float)v)) {
                rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: column '%s': value %s is NaN or infinite (as float)",
                                  path, line, st->header[feat_col[j]], cell);
                goto done;
            }
            row[j] = (float)v;
        }
        const char *lab = cells[*class_col];
        if (!*lab) {
            rc = snac_err_set(SNAC_EFORMAT, "%s:%zu: column '%s': empty class label", path, line, c->class_column);
            goto done;
        }
        if ((rc = intern_label(st, lab, &st->label[st->n], path, line)))
            goto done;
        st->n++;
        p = next;
    }
    if (!have_header)
        rc = snac_err_set(SNAC_EFORMAT, "%s:1: empty file (no header row)", path);
done:
    free(text);
    return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool is_index(const char *s, long *v)
{
    if (!*s)
        return false;
    for (const char *q = s; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    *v = strtol(s, NULL, 10);
    return strlen(s) < 6;
}

int ds_csv_read(const ds_config *c, const char *const *paths, size_t n_paths, size_t n_first,
                ds_tensor *out, size_t *n_out_first, ds_split *meta)
{
    memset(out, 0, sizeof *out);
    csv_state *st = calloc(1, sizeof *st);
    size_t *feat_col = malloc(CSV_MAX_COLS * sizeof *feat_col);
    char **cells = malloc(CSV_MAX_COLS * sizeof *cells);
    int rc = SNAC_OK;
    size_t class_col = 0;
    if (!st || !feat_col || !cells) {
        rc = snac_err_set(SNAC_ENOMEM, "csv: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n_paths; i++) {
        if ((rc = read_one(c, paths[i], i == 0, st, feat_col, &class_col, cells)))
            goto fail;
        if (i + 1 == n_first)
            *n_out_first = st->n;
        if (st->n == 0 && i + 1 == n_paths) {
            rc = snac_err_set(SNAC_EFORMAT, "%s: no data rows", paths[i]);
            goto fail;
        }
    }
    if (n_first == 0)
        *n_out_first = 0;
    /* class mapping: all-integer labels are indices, else sorted distinct strings */
    bool all_int = true;
    long maxv = -1, v;
    for (size_t i = 0; i < st->n_labels; i++) {
        if (!is_index(st->labels[i], &v)) {
            all_int = false;
            break;
        }
        if (v > maxv)
            maxv = v;
    }
    size_t n_classes = all_int ? (size_t)maxv + 1 : st->n_labels;
    if (n_classes > DS_MAX_CLASSES || n_classes < 2) {
        rc = snac_err_set(SNAC_EFORMAT, "%s: column '%s': %zu classes, need 2..%d", paths[0], c->class_column,
                          n_classes, DS_MAX_CLASSES);
        goto fail;
    }
    if (!all_int)
        qsort(st->labels, st->n_labels, sizeof st->labels[0], cmp_str);
    out->n = st->n;
    out->d = st->d;
    out->x = st->x;
    st->x = NULL;
    out->y = malloc(st->n * sizeof *out->y);
    if (!out->y) {
        rc = snac_err_set(SNAC_ENOMEM, "csv: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < st->n; i++) {
        if (all_int) {
            is_index(st->label[i], &v);
            out->y[i] = (int32_t)v;
        } else {
            for (size_t k = 0; k < st->n_labels; k++)
                if (st->labels[k] == st->label[i])
                    out->y[i] = (int32_t)k;
        }
    }
    meta->d = st->d;
    meta->n_classes = n_classes;
    for (size_t k = 0; k < n_classes; k++) {
        if (all_int)
            snprintf(meta->class_names[k], DS_NAME_CAP, "%zu", k);
        else
            snprintf(meta->class_names[k], DS_NAME_CAP, "%s", st->labels[k]);
    }
    for (size_t j = 0; j < st->d; j++)
        memcpy(meta->feature_names[j], st->header[feat_col[j]], DS_NAME_CAP);
    meta->n_constituents = 0;
    meta->n_constituent_features = 0;
    goto cleanup;
fail:
    ds_tensor_free(out);
cleanup:
    if (st) {
        for (size_t i = 0; i < st->n_labels; i++)
            free(st->labels[i]);
        free(st->x);
        free(st->label);
    }
    free(st);
    free(feat_col);
    free(cells);
    return rc;
}
