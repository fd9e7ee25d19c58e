/* qmodel — the quantized model: layout, validation, statistics, binary format, JSON;
 * see qmodel.h.
 *
 * Binary layout (little-endian):
 *   "SNACQMD\0" u32 version  u32 n_layers  u64 table_size  prec input  prec table
 *   per layer:  u64 n_in  u64 n_out  u32 act  prec weight, bias, accum, result, output
 *               i32 w[n_out*n_in]  i32 b[n_out]  u8 mask[n_out*n_in]
 *   per table kind: u32 present, then i32 code[table_size] when present
 *   u32 FNV-1a of every byte before it
 * where prec = u32 width, u32 integer, u32 signed, u32 q, u32 o.
 *
 * Memory: one block per model (quant_model_new). Workload: save/load once per model.
 */
#include "quant/qmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"
#include "util/err.h"

#define QMD_MAGIC "SNACQMD"
#define QMD_VERSION 1u

const char *const quant_act_names[QUANT_ACT_COUNT] = {"linear", "relu", "tanh", "sigmoid"};
_Static_assert(sizeof quant_act_names / sizeof *quant_act_names == QUANT_ACT_COUNT, "act names");

/* ------------------------------------------------------------------ layout */

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static bool uses_table(const quant_model_shape *s, enum quant_table_kind k)
{
    enum quant_act want = k == QUANT_TABLE_SIGMOID ? QUANT_ACT_SIGMOID : QUANT_ACT_TANH;
    for (size_t l = 0; l < s->n_layers; l++)
        if (s->act[l] == want)
            return true;
    return false;
}

int quant_model_new(const quant_model_shape *shape, quant_model **out)
{
    *out = NULL;
    if (shape->n_layers < 1 || shape->n_layers > QUANT_MAX_LAYERS)
        return snac_err_set(SNAC_EINVAL, "quantized model: %zu layers, expected 1..%d", shape->n_layers,
                            QUANT_MAX_LAYERS);
    size_t tsize = shape->table_size ? shape->table_size : QUANT_TABLE_DEFAULT_SIZE;
    if (tsize < 2 || tsize > QUANT_TABLE_MAX_SIZE)
        return snac_err_set(SNAC_EINVAL, "quantized model: table size %zu outside 2..%d", tsize,
                            QUANT_TABLE_MAX_SIZE);
    size_t bytes = 0;
    for (size_t l = 0; l < shape->n_layers; l++) {
        size_t ni = shape->width[l], no = shape->width[l + 1];
        if (ni == 0 || no == 0 || ni > (1u << 20) || no > (1u << 20))
            return snac_err_set(SNAC_EINVAL, "quantized model: layer %zu is %zu -> %zu", l, ni, no);
        if ((unsigned)shape->act[l] >= QUANT_ACT_COUNT)
            return snac_err_set(SNAC_EINVAL, "quantized model: layer %zu has a bad activation", l);
        bytes += pad8(ni * no * 4) + pad8(no * 4) + pad8(ni * no);
    }
    for (int k = 0; k < QUANT_TABLE_COUNT; k++)
        if (uses_table(shape, (enum quant_table_kind)k))
            bytes += pad8(tsize * 4);
    quant_model *m = calloc(1, sizeof *m);
    unsigned char *block = calloc(1, bytes ? bytes : 1);
    if (!m || !block) {
        free(m);
        free(block);
        return snac_err_set(SNAC_ENOMEM, "quantized model: out of memory for %zu bytes", bytes);
    }
    m->block = block;
    m->n_layers = shape->n_layers;
    m->table_size = tsize;
    m->table_prec = QUANT_TABLE_DEFAULT_PREC;
    m->input = QUANT_PREC_INIT(16, 6);
    size_t off = 0;
    for (size_t l = 0; l < shape->n_layers; l++) {
        quant_layer *L = &m->layer[l];
        L->n_in = shape->width[l];
        L->n_out = shape->width[l + 1];
        L->act = shape->act[l];
        L->weight = L->bias = L->result = L->output = QUANT_PREC_INIT(16, 6);
        L->w = (int32_t *)(block + off);
        off += pad8(L->n_in * L->n_out * 4);
        L->b = (int32_t *)(block + off);
        off += pad8(L->n_out * 4);
        L->mask = block + off;
        off += pad8(L->n_in * L->n_out);
        memset(L->mask, 1, L->n_in * L->n_out);
    }
    for (int k = 0; k < QUANT_TABLE_COUNT; k++)
        if (uses_table(shape, (enum quant_table_kind)k)) {
            m->table[k] = (int32_t *)(block + off);
            off += pad8(tsize * 4);
        }
    *out = m;
    return SNAC_OK;
}

void quant_model_free(quant_model *m)
{
    if (!m)
        return;
    free(m->block);
    free(m);
}

/* ------------------------------------------------------------------ precisions */

static int ceil_log2(size_t n)
{
    int k = 0;
    while (((size_t)1 << k) < n)
        k++;
    return k;
}

quant_prec quant_accum_auto(const quant_prec *in, const quant_prec *w, const quant_prec *b, size_t n_in)
{
    int lg = ceil_log2(n_in);
    int frac = quant_frac(in) + quant_frac(w);
    int integer = in->integer + w->integer + lg;
    if (b) {
        integer += 1;
        if (quant_frac(b) > frac)
            frac = quant_frac(b);
        /* hls4ml stops here; a bias wider than the products would then wrap, so the sum
         * keeps one integer bit above the bias too (equal to hls4ml's whenever it is lossless) */
        if (integer < b->integer + 1)
            integer = b->integer + 1;
    }
    /* an unsigned input times a signed weight is signed; the sum of products keeps the
     * integer bits of a signed product (hls4ml counts an unsigned input's I as is) */
    quant_prec acc = QUANT_PREC_INIT(integer + frac, integer);
    return acc;
}

int quant_model_build_tables(quant_model *m)
{
    for (int k = 0; k < QUANT_TABLE_COUNT; k++)
        if (m->table[k]) {
            int rc = quant_table_build((enum quant_table_kind)k, m->table_size, &m->table_prec, m->table[k]);
            if (rc)
                return rc;
        }
    return SNAC_OK;
}

static int check_code_prec(const quant_prec *p, size_t l, const char *field)
{
    char what[64];
    snprintf(what, sizeof what, "layer %zu %s", l, field);
    int rc = quant_prec_check(p, what);
    if (rc)
        return rc;
    if (p->width > QUANT_MAX_CODE_WIDTH)
        return snac_err_set(SNAC_EINVAL, "%s: W=%d exceeds the %d bits the integer engine holds", what,
                            p->width, QUANT_MAX_CODE_WIDTH);
    return SNAC_OK;
}

int quant_model_validate(const quant_model *m)
{
    if (m->n_layers < 1 || m->n_layers > QUANT_MAX_LAYERS)
        return snac_err_set(SNAC_EINVAL, "quantized model: %zu layers", m->n_layers);
    int rc = check_code_prec(&m->input, 0, "input");
    if (rc)
        return rc;
    const quant_prec *in = &m->input;
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        if (l > 0 && L->n_in != m->layer[l - 1].n_out)
            return snac_err_set(SNAC_EINVAL, "quantized model: layer %zu takes %zu inputs, layer %zu gives %zu",
                                l, L->n_in, l - 1, m->layer[l - 1].n_out);
        if ((rc = check_code_prec(&L->weight, l, "weight")) || (rc = check_code_prec(&L->bias, l, "bias")) ||
            (rc = check_code_prec(&L->result, l, "result")) || (rc = check_code_prec(&L->output, l, "output")))
            return rc;
        char what[64];
        snprintf(what, sizeof what, "layer %zu accum", l);
        if ((rc = quant_prec_check(&L->accum, what)))
            return rc;
        quant_prec need = quant_accum_auto(in, &L->weight, &L->bias, L->n_in);
        if (quant_frac(&L->accum) < quant_frac(&need) || L->accum.integer < need.integer || !L->accum.is_signed)
            return snac_err_set(SNAC_EINVAL, "layer %zu accum: ap_fixed<%d,%d> is narrower than the lossless "
                                "ap_fixed<%d,%d> its inputs need", l, L->accum.width, L->accum.integer,
                                need.width, need.integer);
        if (L->accum.width > QUANT_MAX_ACC_WIDTH)
            return snac_err_set(SNAC_EINVAL, "layer %zu accum: W=%d exceeds %d bits (the widest sum a double "
                                "holds exactly, which bit-exact QAT needs)", l, L->accum.width,
                                QUANT_MAX_ACC_WIDTH);
        if (l + 1 == m->n_layers && L->act != QUANT_ACT_LINEAR)
            return snac_err_set(SNAC_EINVAL, "quantized model: the output layer must be linear (logits), not %s",
                                quant_act_names[L->act]);
        if (L->act == QUANT_ACT_TANH || L->act == QUANT_ACT_SIGMOID) {
            enum quant_table_kind k = L->act == QUANT_ACT_TANH ? QUANT_TABLE_TANH : QUANT_TABLE_SIGMOID;
            if (!m->table[k])
                return snac_err_set(SNAC_EINVAL, "layer %zu: %s without its table", l, quant_act_names[L->act]);
            if (L->result.width + ceil_log2(m->table_size) > 62)
                return snac_err_set(SNAC_EINVAL, "layer %zu result: too wide for the table index", l);
        }
        const int64_t wlo = quant_code_min(&L->weight), whi = quant_code_max(&L->weight);
        for (size_t i = 0; i < L->n_in * L->n_out; i++) {
            if (L->mask[i] > 1)
                return snac_err_set(SNAC_EINVAL, "layer %zu: mask value %u at %zu", l, L->mask[i], i);
            if (!L->mask[i] && L->w[i] != 0)
                return snac_err_set(SNAC_EINVAL, "layer %zu: pruned weight %zu has code %d, not 0", l, i,
                                    (int)L->w[i]);
            if (L->w[i] < wlo || L->w[i] > whi)
                return snac_err_set(SNAC_EINVAL, "layer %zu: weight code %d at %zu outside its type", l,
                                    (int)L->w[i], i);
        }
        const int64_t blo = quant_code_min(&L->bias), bhi = quant_code_max(&L->bias);
        for (size_t j = 0; j < L->n_out; j++)
            if (L->b[j] < blo || L->b[j] > bhi)
                return snac_err_set(SNAC_EINVAL, "layer %zu: bias code %d at %zu outside its type", l,
                                    (int)L->b[j], j);
        in = &L->output;
    }
    if ((rc = quant_prec_check(&m->table_prec, "table")))
        return rc;
    if (m->table_prec.width > QUANT_MAX_CODE_WIDTH)
        return snac_err_set(SNAC_EINVAL, "table type W=%d exceeds %d bits", m->table_prec.width,
                            QUANT_MAX_CODE_WIDTH);
    return SNAC_OK;
}

/* ------------------------------------------------------------------ statistics */

double quant_layer_sparsity(const quant_layer *L)
{
    size_t n = L->n_in * L->n_out, pruned = 0;
    for (size_t i = 0; i < n; i++)
        pruned += L->mask[i] == 0;
    return n ? (double)pruned / (double)n : 0.0;
}

size_t quant_model_macs(const quant_model *m)
{
    size_t n = 0;
    for (size_t l = 0; l < m->n_layers; l++)
        n += m->layer[l].n_in * m->layer[l].n_out;
    return n;
}

double quant_model_sparsity(const quant_model *m)
{
    size_t pruned = 0;
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        for (size_t i = 0; i < L->n_in * L->n_out; i++)
            pruned += L->mask[i] == 0;
    }
    size_t n = quant_model_macs(m);
    return n ? (double)pruned / (double)n : 0.0;
}

size_t quant_model_nonzero(const quant_model *m)
{
    size_t nz = 0;
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        for (size_t i = 0; i < L->n_in * L->n_out; i++)
            nz += L->w[i] != 0;
    }
    return nz;
}

/* ------------------------------------------------------------------ binary format */

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

typedef struct cursor {
    unsigned char *p;       /* NULL while sizing */
    const unsigned char *r; /* reading */
    size_t off, len;
    bool bad;
} cursor;

static void put_u32(cursor *c, uint32_t v)
{
    if (c->p)
        le_put_u32(c->p + c->off, v);
    c->off += 4;
}

static void put_u64(cursor *c, uint64_t v)
{
    if (c->p)
        le_put_u64(c->p + c->off, v);
    c->off += 8;
}

static void put_prec(cursor *c, const quant_prec *p)
{
    put_u32(c, (uint32_t)p->width);
    put_u32(c, (uint32_t)p->integer);
    put_u32(c, p->is_signed ? 1u : 0u);
    put_u32(c, (uint32_t)p->q);
    put_u32(c, (uint32_t)p->o);
}

static void put_codes(cursor *c, const int32_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_u32(c, (uint32_t)v[i]);
}

static size_t serialize(const quant_model *m, cursor *c)
{
    if (c->p)
        memcpy(c->p, QMD_MAGIC, 8);
    c->off = 8;
    put_u32(c, QMD_VERSION);
    put_u32(c, (uint32_t)m->n_layers);
    put_u64(c, m->table_size);
    put_prec(c, &m->input);
    put_prec(c, &m->table_prec);
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        put_u64(c, L->n_in);
        put_u64(c, L->n_out);
        put_u32(c, (uint32_t)L->act);
        put_prec(c, &L->weight);
        put_prec(c, &L->bias);
        put_prec(c, &L->accum);
        put_prec(c, &L->result);
        put_prec(c, &L->output);
        put_codes(c, L->w, L->n_in * L->n_out);
        put_codes(c, L->b, L->n_out);
        if (c->p)
            memcpy(c->p + c->off, L->mask, L->n_in * L->n_out);
        c->off += L->n_in * L->n_out;
    }
    for (int k = 0; k < QUANT_TABLE_COUNT; k++) {
        put_u32(c, m->table[k] ? 1u : 0u);
        if (m->table[k])
            put_codes(c, m->table[k], m->table_size);
    }
    if (c->p)
        le_put_u32(c->p + c->off, fnv1a(c->p, c->off));
    c->off += 4;
    return c->off;
}

int quant_model_save(const quant_model *m, void **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    cursor c = {0};
    size_t n = serialize(m, &c);
    c = (cursor){0};
    c.p = malloc(n);
    if (!c.p)
        return snac_err_set(SNAC_ENOMEM, "quantized model: out of memory for %zu bytes", n);
    serialize(m, &c);
    *buf = c.p;
    *len = n;
    return SNAC_OK;
}

static uint32_t get_u32(cursor *c)
{
    if (c->bad || c->len - c->off < 4) {
        c->bad = true;
        return 0;
    }
    uint32_t v = le_get_u32(c->r + c->off);
    c->off += 4;
    return v;
}

static uint64_t get_u64(cursor *c)
{
    if (c->bad || c->len - c->off < 8) {
        c->bad = true;
        return 0;
    }
    uint64_t v = le_get_u64(c->r + c->off);
    c->off += 8;
    return v;
}

static quant_prec get_prec(cursor *c)
{
    quant_prec p;
    p.width = (int)get_u32(c);
    p.integer = (int)get_u32(c);
    uint32_t s = get_u32(c), q = get_u32(c), o = get_u32(c);
    p.is_signed = s != 0;
    p.q = q < QUANT_Q_COUNT ? (enum quant_qmode)q : QUANT_Q_TRN;
    p.o = o < QUANT_O_COUNT ? (enum quant_omode)o : QUANT_O_WRAP;
    if (s > 1 || q >= QUANT_Q_COUNT || o >= QUANT_O_COUNT || p.width < 1 || p.width > QUANT_MAX_WIDTH)
        c->bad = true;
    return p;
}

static void get_codes(cursor *c, int32_t *v, size_t n)
{
    if (c->bad || (c->len - c->off) / 4 < n) {
        c->bad = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = (int32_t)le_get_u32(c->r + c->off + 4 * i);
    c->off += 4 * n;
}

int quant_model_load(const void *buf, size_t len, quant_model **out)
{
    *out = NULL;
    const unsigned char *p = buf;
    if (!buf || len < 8 + 4 + 4 || memcmp(p, QMD_MAGIC, 8) != 0)
        return snac_err_set(SNAC_EFORMAT, "quantized model: not a snac quantized model (bad magic)");
    if (fnv1a(p, len - 4) != le_get_u32(p + len - 4))
        return snac_err_set(SNAC_EFORMAT, "quantized model: checksum mismatch (truncated or corrupted)");
    cursor c = {.r = p, .off = 8, .len = len - 4};
    uint32_t version = get_u32(&c);
    if (version != QMD_VERSION)
        return snac_err_set(SNAC_EFORMAT, "quantized model: format version %u, this snac reads %u", version,
                            QMD_VERSION);
    quant_model_shape shape = {0};
    shape.n_layers = get_u32(&c);
    shape.table_size = (size_t)get_u64(&c);
    if (c.bad || shape.n_layers < 1 || shape.n_layers > QUANT_MAX_LAYERS)
        return snac_err_set(SNAC_EFORMAT, "quantized model: bad layer count");
    /* first pass: the shape, so the model can be allocated */
    cursor s = c;
    (void)get_prec(&s);
    (void)get_prec(&s);
    for (size_t l = 0; l < shape.n_layers; l++) {
        uint64_t ni = get_u64(&s), no = get_u64(&s);
        uint32_t act = get_u32(&s);
        if (s.bad || ni == 0 || no == 0 || ni > (1u << 20) || no > (1u << 20) || act >= QUANT_ACT_COUNT ||
            (l > 0 && ni != shape.width[l]))
            return snac_err_set(SNAC_EFORMAT, "quantized model: bad shape of layer %zu", l);
        shape.width[l] = (size_t)ni;
        shape.width[l + 1] = (size_t)no;
        shape.act[l] = (enum quant_act)act;
        for (int k = 0; k < 5; k++)
            (void)get_prec(&s);
        size_t skip = (size_t)(ni * no * 4 + no * 4 + ni * no);
        if (s.len - s.off < skip)
            return snac_err_set(SNAC_EFORMAT, "quantized model: truncated in layer %zu", l);
        s.off += skip;
    }
    quant_model *m;
    int rc = quant_model_new(&shape, &m);
    if (rc)
        return snac_err_prefix(SNAC_EFORMAT, "quantized model: ");
    m->input = get_prec(&c);
    m->table_prec = get_prec(&c);
    for (size_t l = 0; l < m->n_layers; l++) {
        quant_layer *L = &m->layer[l];
        (void)get_u64(&c);
        (void)get_u64(&c);
        (void)get_u32(&c);
        L->weight = get_prec(&c);
        L->bias = get_prec(&c);
        L->accum = get_prec(&c);
        L->result = get_prec(&c);
        L->output = get_prec(&c);
        get_codes(&c, L->w, L->n_in * L->n_out);
        get_codes(&c, L->b, L->n_out);
        size_t nm = L->n_in * L->n_out;
        if (!c.bad && c.len - c.off >= nm) {
            memcpy(L->mask, c.r + c.off, nm);
            c.off += nm;
        } else {
            c.bad = true;
        }
    }
    for (int k = 0; k < QUANT_TABLE_COUNT; k++) {
        uint32_t present = get_u32(&c);
        if (present != (m->table[k] ? 1u : 0u)) {
            c.bad = true;
            break;
        }
        if (present)
            get_codes(&c, m->table[k], m->table_size);
    }
    if (c.bad || c.off != c.len) {
        quant_model_free(m);
        return snac_err_set(SNAC_EFORMAT, "quantized model: malformed or truncated blob");
    }
    if ((rc = quant_model_validate(m))) {
        quant_model_free(m);
        return snac_err_prefix(SNAC_EFORMAT, "quantized model: ");
    }
    *out = m;
    return SNAC_OK;
}

/* ------------------------------------------------------------------ JSON */

char *quant_model_json(const quant_model *m)
{
    size_t cap = 512 + m->n_layers * 512, n = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    char a[QUANT_PREC_STRLEN], b[QUANT_PREC_STRLEN], c[QUANT_PREC_STRLEN], d[QUANT_PREC_STRLEN],
        e[QUANT_PREC_STRLEN];
    quant_prec_format(&m->input, a, sizeof a);
    quant_prec_format(&m->table_prec, b, sizeof b);
    n += (size_t)snprintf(s + n, cap - n,
                          "{\"format\":\"snac-qmodel\",\"version\":%u,\"input\":\"%s\",\"table_size\":%zu,"
                          "\"table_t\":\"%s\",\"sparsity\":%.6f,\"nonzero\":%zu,\"layers\":[",
                          QMD_VERSION, a, m->table_size, b, quant_model_sparsity(m), quant_model_nonzero(m));
    for (size_t l = 0; l < m->n_layers && n < cap; l++) {
        const quant_layer *L = &m->layer[l];
        quant_prec_format(&L->weight, a, sizeof a);
        quant_prec_format(&L->bias, b, sizeof b);
        quant_prec_format(&L->accum, c, sizeof c);
        quant_prec_format(&L->result, d, sizeof d);
        quant_prec_format(&L->output, e, sizeof e);
        n += (size_t)snprintf(s + n, cap - n,
                              "%s{\"n_in\":%zu,\"n_out\":%zu,\"activation\":\"%s\",\"weight\":\"%s\","
                              "\"bias\":\"%s\",\"accum\":\"%s\",\"result\":\"%s\",\"output\":\"%s\","
                              "\"sparsity\":%.6f}",
                              l ? "," : "", L->n_in, L->n_out, quant_act_names[L->act], a, b, c, d, e,
                              quant_layer_sparsity(L));
    }
    if (n < cap)
        n += (size_t)snprintf(s + n, cap - n, "]}");
    if (n >= cap) {
        free(s);
        return NULL;
    }
    return s;
}
