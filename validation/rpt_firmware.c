/* rpt_firmware — hls4ml firmware sources -> rpt_op list; see rpt_firmware.h.
 *
 * A deliberately small C scanner, not a C parser: hls4ml writes these files from
 * templates, one declaration per line, so comments are blanked out and the
 * declarations are found by their keywords.
 */
#define _POSIX_C_SOURCE 200809L
#include "validation/rpt_firmware.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "quant/qfixed.h"
#include "util/err.h"
#include "util/fileio.h"

#define SYM_MAX 1024
#define CFG_MAX 128
#define CFG_KEYS 16

typedef struct sym {
    char name[64];
    char value[96];
    const char *file; /* where it is declared (a path in fw.paths), for messages */
    size_t line;
} sym;

typedef struct cfg_struct {
    char name[64];
    sym key[CFG_KEYS];        /* "n_in" -> "16", "weight_t" -> "weight2_t", ... */
    size_t n_keys;
} cfg_struct;

typedef struct fw {
    sym defs[SYM_MAX];        /* #define NAME number */
    size_t n_defs;
    sym types[SYM_MAX];       /* typedef TYPE NAME */
    size_t n_types;
    cfg_struct cfg[CFG_MAX];
    size_t n_cfg;
    char paths[2][RPT_PATH_MAX]; /* defines.h, parameters.h */
} fw;

/* ---- text helpers ---------------------------------------------------------------- */

/* Blank out comments (keeping newlines, so line numbers stay right). */
static void strip_comments(char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] == '"') { /* skip string literals */
            for (i++; i < len && s[i] != '"' && s[i] != '\n'; i++)
                if (s[i] == '\\')
                    i++;
            continue;
        }
        if (s[i] == '/' && s[i + 1] == '/') {
            while (i < len && s[i] != '\n')
                s[i++] = ' ';
        } else if (s[i] == '/' && s[i + 1] == '*') {
            s[i] = s[i + 1] = ' ';
            for (i += 2; i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'); i++)
                if (s[i] != '\n')
                    s[i] = ' ';
            if (i + 1 < len)
                s[i] = s[i + 1] = ' ';
        }
    }
}

/* Copy [a, b) without white space. */
static void squeeze(const char *a, const char *b, char *dst, size_t cap)
{
    size_t n = 0;
    for (; a < b && n + 1 < cap; a++)
        if (!isspace((unsigned char)*a))
            dst[n++] = *a;
    dst[n] = '\0';
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static const char *lookup(const sym *t, size_t n, const char *name)
{
    for (size_t i = n; i-- > 0;) /* last definition wins */
        if (strcmp(t[i].name, name) == 0)
            return t[i].value;
    return NULL;
}

static const sym *lookup_sym(const sym *t, size_t n, const char *name)
{
    for (size_t i = n; i-- > 0;) /* last definition wins */
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

static void add_sym(sym *t, size_t *n, const char *name, const char *value, const char *file, size_t line)
{
    if (*n == SYM_MAX)
        return;
    rpt_strlcpy(t[*n].name, name, sizeof t[*n].name);
    rpt_strlcpy(t[*n].value, value, sizeof t[*n].value);
    t[*n].file = file;
    t[*n].line = line;
    (*n)++;
}

/* Check the ap_* type in t (itself, or the element of nnet::array<ap_..., N>): a spelling
 * quant_prec_parse takes (width 1 to QUANT_MAX_WIDTH). `file`:`line` is where it was written. */
static int check_type(const char *t, const char *file, size_t line)
{
    const char *a = strstr(t, "ap_");
    if (!a)
        return SNAC_OK; /* float, an index type, ...: not a precision */
    char one[96];
    size_t n = 0;
    int depth = 0;
    bool closed = false;
    for (; a[n] && n + 1 < sizeof one && !closed; n++) {
        one[n] = a[n];
        if (a[n] == '<')
            depth++;
        else if (a[n] == '>' && --depth == 0)
            closed = true;
    }
    one[n] = '\0';
    quant_prec q;
    if (!closed)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: type '%s' is not a complete ap_* type", file, line, t);
    if (quant_prec_parse(one, &q)) {
        char why[256];
        rpt_strlcpy(why, snac_err_msg(), sizeof why);
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: type '%s' is not a precision snac can store (%s)", file, line, t,
                            why);
    }
    return SNAC_OK;
}

/* Resolve a type name through typedefs (struct-local first) to its ap_* spelling; `file`:`line`
 * is where the name was used. A typedef cycle (or a chain longer than 16) and an ap_* type that is
 * not a storable precision (ap_fixed<100000,3>) are errors naming the typedef's file and line. */
static int resolve_type(const fw *f, const cfg_struct *c, const char *name, const char *file, size_t line, char *dst,
                        size_t cap)
{
    char cur[96];
    rpt_strlcpy(cur, name, sizeof cur);
    const char *at_file = file;
    size_t at_line = line;
    for (int depth = 0; cur[0] && !strchr(cur, '<'); depth++) {
        const sym *v = c ? lookup_sym(c->key, c->n_keys, cur) : NULL;
        if (!v)
            v = lookup_sym(f->types, f->n_types, cur);
        if (!v || strcmp(v->value, cur) == 0)
            break;
        if (depth == 16)
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: typedef cycle (or a chain of more than 16 typedefs) "
                                "resolving '%s': '%s' is defined by '%s'", v->file, v->line, name, cur, v->value);
        rpt_strlcpy(cur, v->value, sizeof cur);
        at_file = v->file, at_line = v->line;
        c = NULL; /* an alias resolves in the global scope */
    }
    rpt_strlcpy(dst, cur, cap);
    return check_type(cur, at_file, at_line);
}

/* A size: a number, or a #define'd name replaced by its number. */
static void resolve_value(const fw *f, const char *v, char *dst, size_t cap)
{
    const char *d = lookup(f->defs, f->n_defs, v);
    rpt_strlcpy(dst, d ? d : v, cap);
}

/* ---- declarations ----------------------------------------------------------------- */

/* "typedef <type> NAME;" at p (after "typedef"): fills name/value. */
static bool parse_typedef(const char *p, const char *end, char *name, size_t ncap, char *value, size_t vcap)
{
    const char *semi = memchr(p, ';', (size_t)(end - p));
    if (!semi)
        return false;
    const char *e = semi;
    while (e > p && isspace((unsigned char)e[-1]))
        e--;
    const char *b = e;
    while (b > p && ident_char(b[-1]))
        b--;
    if (b == e || b == p)
        return false;
    squeeze(b, e, name, ncap);
    squeeze(p, b, value, vcap);
    return value[0] != '\0';
}

static void scan_header(fw *f, char *buf, size_t len, bool structs, const char *file)
{
    strip_comments(buf, len);
    const char *p = buf, *end = buf + len;
    cfg_struct *cur = NULL;
    int depth = 0;
    size_t line = 0;
    while (p < end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        while (q < le && isspace((unsigned char)*q))
            q++;
        if (!cur && le - q > 8 && strncmp(q, "#define", 7) == 0 && isspace((unsigned char)q[7])) {
            char name[64], val[96];
            const char *a = q + 7;
            while (a < le && isspace((unsigned char)*a))
                a++;
            const char *b = a;
            while (b < le && ident_char(*b))
                b++;
            squeeze(a, b, name, sizeof name);
            squeeze(b, le, val, sizeof val);
            if (name[0] && val[0] && isdigit((unsigned char)val[0]))
                add_sym(f->defs, &f->n_defs, name, val, file, line);
        } else if (le - q > 8 && strncmp(q, "typedef", 7) == 0 && isspace((unsigned char)q[7])) {
            char name[64], val[96];
            if (parse_typedef(q + 7, end, name, sizeof name, val, sizeof val)) {
                if (cur && depth == 1 && cur->n_keys < CFG_KEYS)
                    add_sym(cur->key, &cur->n_keys, name, val, file, line);
                else if (!cur)
                    add_sym(f->types, &f->n_types, name, val, file, line);
            }
        } else if (structs && !cur && strncmp(q, "struct", 6) == 0 && isspace((unsigned char)q[6]) &&
                   memchr(q, '{', (size_t)(le - q)) && f->n_cfg < CFG_MAX) {
            const char *a = q + 6;
            while (a < le && isspace((unsigned char)*a))
                a++;
            const char *b = a;
            while (b < le && ident_char(*b))
                b++;
            cur = &f->cfg[f->n_cfg++];
            memset(cur, 0, sizeof *cur);
            squeeze(a, b, cur->name, sizeof cur->name);
            depth = 0;
        } else if (cur && depth == 1 && le - q > 12 && strncmp(q, "static const", 12) == 0) {
            /* static const <type> KEY = VALUE; */
            const char *eq = memchr(q, '=', (size_t)(le - q)), *semi = memchr(q, ';', (size_t)(le - q));
            if (eq && semi && semi > eq && cur->n_keys < CFG_KEYS) {
                const char *e = eq;
                while (e > q && isspace((unsigned char)e[-1]))
                    e--;
                const char *b = e;
                while (b > q && ident_char(b[-1]))
                    b--;
                char name[64], val[96];
                squeeze(b, e, name, sizeof name);
                squeeze(eq + 1, semi, val, sizeof val);
                add_sym(cur->key, &cur->n_keys, name, val, file, line);
            }
        }
        if (cur)
            for (const char *c = q; c < le; c++) {
                if (*c == '{')
                    depth++;
                else if (*c == '}' && --depth == 0) {
                    cur = NULL;
                    break;
                }
            }
        p = le + 1;
    }
}

/* ---- the top function --------------------------------------------------------------- */

static const cfg_struct *find_cfg(const fw *f, const char *name)
{
    for (size_t i = 0; i < f->n_cfg; i++)
        if (strcmp(f->cfg[i].name, name) == 0)
            return &f->cfg[i];
    return NULL;
}

/* Split "a, b<c, d>, e" at top-level commas into up to cap squeezed strings. */
static size_t split_args(const char *a, const char *b, char out[][96], size_t cap)
{
    size_t n = 0;
    int depth = 0;
    const char *s = a;
    for (const char *c = a; c <= b; c++) {
        if (c < b && (*c == '<' || *c == '(' || *c == '['))
            depth++;
        else if (c < b && (*c == '>' || *c == ')' || *c == ']'))
            depth--;
        if (c == b || (*c == ',' && depth == 0)) {
            if (n < cap)
                squeeze(s, c, out[n], 96);
            n++;
            s = c + 1;
        }
    }
    return n;
}

/* The matching closer of the opener at p ('<' or '('), or NULL. */
static const char *match(const char *p, const char *end, char open, char close)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == open)
            depth++;
        else if (*p == close && --depth == 0)
            return p;
        else if (*p == ';' && open == '(')
            return NULL;
    }
    return NULL;
}

static const char *cfg_get(const cfg_struct *c, const char *key)
{
    const char *v = lookup(c->key, c->n_keys, key);
    return v ? v : "";
}

static int scan_top(const fw *f, char *buf, size_t len, const char *file, rpt_op *ops, size_t *n)
{
    strip_comments(buf, len);
    const char *p = buf, *end = buf + len;
    while ((p = strstr(p, "nnet::")) && p < end) {
        const char *a = p + 6, *b = a;
        while (b < end && ident_char(*b))
            b++;
        const char *lt = b;
        while (lt < end && isspace((unsigned char)*lt))
            lt++;
        p = b;
        if (lt >= end || *lt != '<')
            continue;
        const char *gt = match(lt, end, '<', '>');
        if (!gt)
            continue;
        char targs[8][96], cargs[8][96];
        size_t nt = split_args(lt + 1, gt, targs, 8);
        if (nt < 1 || nt > 8)
            continue;
        const cfg_struct *c = find_cfg(f, targs[nt - 1]);
        if (!c)
            continue; /* not a layer call (load_weights_from_txt, fill_zero, ...) */
        const char *lp = gt + 1;
        while (lp < end && isspace((unsigned char)*lp))
            lp++;
        const char *rp = lp < end && *lp == '(' ? match(lp, end, '(', ')') : NULL;
        size_t nc = rp ? split_args(lp + 1, rp, cargs, 8) : 0;
        if (*n == RPT_OPS_MAX)
            return snac_err_set(SNAC_EFORMAT, "firmware: more than %d nnet:: layer calls", RPT_OPS_MAX);
        rpt_op *o = &ops[(*n)++];
        memset(o, 0, sizeof *o);
        squeeze(a, b, o->op, sizeof o->op);
        rpt_strlcpy(o->config, c->name, sizeof o->config);
        size_t line = 1; /* of the call, for messages */
        for (const char *k = buf; k < a; k++)
            line += *k == '\n';
        int rc;
        if (nt >= 3 && ((rc = resolve_type(f, NULL, targs[0], file, line, o->input_t, sizeof o->input_t)) ||
                        (rc = resolve_type(f, NULL, targs[1], file, line, o->output_t, sizeof o->output_t))))
            return rc;
        resolve_value(f, cfg_get(c, "n_in"), o->n_in, sizeof o->n_in);
        resolve_value(f, cfg_get(c, "n_out"), o->n_out, sizeof o->n_out);
        resolve_value(f, cfg_get(c, "n_zeros"), o->n_zeros, sizeof o->n_zeros);
        resolve_value(f, cfg_get(c, "n_nonzeros"), o->n_nonzeros, sizeof o->n_nonzeros);
        resolve_value(f, cfg_get(c, "reuse_factor"), o->reuse_factor, sizeof o->reuse_factor);
        resolve_value(f, cfg_get(c, "table_size"), o->table_size, sizeof o->table_size);
        rpt_strlcpy(o->strategy, cfg_get(c, "strategy"), sizeof o->strategy);
        rpt_strlcpy(o->io_type, cfg_get(c, "io_type"), sizeof o->io_type);
        static const char *const key[3] = {"weight_t", "bias_t", "accum_t"};
        char *const dst[3] = {o->weight_t, o->bias_t, o->accum_t};
        for (int k = 0; k < 3; k++) {
            const sym *ks = lookup_sym(c->key, c->n_keys, key[k]);
            if (ks && (rc = resolve_type(f, c, key[k], ks->file, ks->line, dst[k], sizeof o->weight_t)))
                return rc;
        }
        if (nc >= 3)
            rpt_strlcpy(o->weights, cargs[2], sizeof o->weights);
        p = rp ? rp : gt;
    }
    return SNAC_OK;
}

/* ---- files -------------------------------------------------------------------------- */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool rpt_firmware_present(const char *dir)
{
    char path[RPT_PATH_MAX];
    snprintf(path, sizeof path, "%s/firmware/parameters.h", dir);
    return is_file(path);
}

static int read_into(fw *f, const char *path, bool structs, bool required, char *keep)
{
    char *buf;
    size_t len;
    if (!is_file(path)) {
        if (required)
            return snac_err_set(SNAC_EIO, "%s: missing (hls4ml firmware needs it)", path);
        return SNAC_OK;
    }
    int rc = snac_read_file(path, &buf, &len);
    if (rc)
        return rc;
    rpt_strlcpy(keep, path, RPT_PATH_MAX); /* the symbols point at it */
    scan_header(f, buf, len, structs, keep);
    free(buf);
    return SNAC_OK;
}

/* <dir>/firmware/<project>.cpp, else the first *.cpp there with nnet:: layer calls. */
static int top_source(const fw *f, const char *dir, const char *project, rpt_op *ops, size_t *n, char *used,
                      size_t cap)
{
    char path[RPT_PATH_MAX];
    snprintf(path, sizeof path, "%s/firmware/%s.cpp", dir, project);
    char *buf;
    size_t len;
    int rc;
    if (is_file(path)) {
        if ((rc = snac_read_file(path, &buf, &len)))
            return rc;
        rc = scan_top(f, buf, len, path, ops, n);
        free(buf);
        rpt_strlcpy(used, path, cap);
        return rc;
    }
    char fdir[RPT_PATH_MAX];
    snprintf(fdir, sizeof fdir, "%s/firmware", dir);
    DIR *dp = opendir(fdir);
    if (!dp)
        return snac_err_set(SNAC_EIO, "%s: cannot list", fdir);
    struct dirent *e;
    rc = SNAC_OK;
    while (!rc && *n == 0 && (e = readdir(dp))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".cpp") != 0)
            continue;
        int w = snprintf(path, sizeof path, "%s/%s", fdir, e->d_name);
        if (w < 0 || (size_t)w >= sizeof path || !is_file(path) || (rc = snac_read_file(path, &buf, &len)))
            continue;
        rc = scan_top(f, buf, len, path, ops, n);
        free(buf);
        rpt_strlcpy(used, path, cap);
    }
    closedir(dp);
    if (!rc && *n == 0)
        rc = snac_err_set(SNAC_EFORMAT, "%s: no source file calls nnet:: layers with a config of parameters.h", fdir);
    return rc;
}

int rpt_firmware_ops(const char *dir, const char *project, rpt_op *ops, size_t *n)
{
    *n = 0;
    fw *f = calloc(1, sizeof *f);
    if (!f)
        return snac_err_set(SNAC_ENOMEM, "firmware: out of memory");
    char path[RPT_PATH_MAX], used[RPT_PATH_MAX];
    int rc;
    snprintf(path, sizeof path, "%s/firmware/defines.h", dir);
    if (!(rc = read_into(f, path, false, false, f->paths[0]))) {
        snprintf(path, sizeof path, "%s/firmware/parameters.h", dir);
        rc = read_into(f, path, true, true, f->paths[1]);
    }
    if (!rc && f->n_cfg == 0)
        rc = snac_err_set(SNAC_EFORMAT, "%s: no config struct (struct NAME : nnet::..._config {...})", path);
    if (!rc)
        rc = top_source(f, dir, project && project[0] ? project : "myproject", ops, n, used, sizeof used);
    free(f);
    return rc;
}

int rpt_firmware_read(const char *dir, const char *project, const rpt_net_hint *hint, rpt_net *net)
{
    rpt_op *ops = malloc(RPT_OPS_MAX * sizeof *ops);
    if (!ops)
        return snac_err_set(SNAC_ENOMEM, "firmware: out of memory");
    size_t n;
    int rc = rpt_firmware_ops(dir, project, ops, &n);
    if (!rc) {
        char wdir[RPT_PATH_MAX];
        snprintf(wdir, sizeof wdir, "%s/firmware/weights", dir);
        rc = rpt_net_build(ops, n, wdir, hint, net);
        rpt_strlcpy(net->source, "firmware", sizeof net->source);
    }
    free(ops);
    return rc;
}
