/* nsga2_io — save an NSGA-II object to a byte blob and load it back; see nsga2.h.
 *
 * Blob layout, every field 8 bytes little-endian (doubles as their IEEE-754 bits):
 *   header   "SNACNSG2", version, payload length, FNV-1a 64 checksum of the payload
 *   payload  config: N, M, G, cache_cap, p_crossover, p_mutation, eta_c, eta_m,
 *                    per gene: kind, n_choices, lo, hi, gated, gate, gate_min
 *            state:  rng s[0..3], generation, batch_ready, n_evals, n_cached, n_dups,
 *                    rows (2N): genome, f, viol, rank, crowd;
 *                    batch (N): status, same_as; n_eval, eval (N)
 *            cache:  count, next, per entry in ring index order: genome, f, viol
 * The hash indexes (cache slots, row hashes) are rebuilt on load: a lookup's answer
 * does not depend on where a key sits in the probe sequence, so the loaded object
 * behaves exactly like the saved one.
 *
 * Memory: save writes into the caller's buffer; load allocates the new object (and a
 * temporary gene array). Workload: O(blob size), once per generation at most.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/nsga2.h"
#include "search/nsga2_priv.h"
#include "util/err.h"

static const unsigned char blob_magic[8] = {'S', 'N', 'A', 'C', 'N', 'S', 'G', '2'};
#define HEADER_BYTES 32

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

/* ---------------------------------------------------------------- writing */

typedef struct wbuf {
    unsigned char *p; /* NULL: only count */
    size_t len;
} wbuf;

static void put_u64(wbuf *w, uint64_t v)
{
    if (w->p)
        for (int i = 0; i < 8; i++)
            w->p[w->len + (size_t)i] = (unsigned char)(v >> (8 * i));
    w->len += 8;
}

static void put_f64(wbuf *w, double x)
{
    uint64_t v;
    memcpy(&v, &x, sizeof v);
    put_u64(w, v);
}

static void put_f64s(wbuf *w, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_f64(w, x[i]);
}

static void put_sizes(wbuf *w, const size_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_u64(w, x[i]);
}

static void write_payload(const nsga2 *s, wbuf *w)
{
    size_t N = s->n_pop, M = s->n_obj, G = s->n_genes;
    put_u64(w, N);
    put_u64(w, M);
    put_u64(w, G);
    put_u64(w, s->cache_cap);
    put_f64(w, s->var.p_crossover);
    put_f64(w, s->var.p_mutation);
    put_f64(w, s->var.eta_c);
    put_f64(w, s->var.eta_m);
    for (size_t i = 0; i < G; i++) {
        const nsga2_gene *ge = &s->genes[i];
        put_u64(w, (uint64_t)ge->kind);
        put_u64(w, ge->n_choices);
        put_f64(w, ge->lo);
        put_f64(w, ge->hi);
        put_u64(w, ge->gated);
        put_u64(w, ge->gate);
        put_u64(w, ge->gate_min);
    }
    for (int i = 0; i < 4; i++)
        put_u64(w, s->rng.s[i]);
    put_u64(w, s->generation);
    put_u64(w, s->batch_ready);
    put_u64(w, s->n_evals);
    put_u64(w, s->n_cached);
    put_u64(w, s->n_dups);
    put_f64s(w, s->genome, 2 * N * G);
    put_f64s(w, s->f, 2 * N * M);
    put_f64s(w, s->viol, 2 * N);
    put_sizes(w, s->rank, 2 * N);
    put_f64s(w, s->crowd, 2 * N);
    for (size_t r = 0; r < N; r++)
        put_u64(w, s->status[r]);
    put_sizes(w, s->same_as, N);
    put_u64(w, s->n_eval);
    put_sizes(w, s->eval, N);
    const nsga2_cache *c = s->cache;
    put_u64(w, c->count);
    put_u64(w, c->next);
    for (size_t e = 0; e < c->count; e++) {
        put_f64s(w, c->genome + e * G, G);
        put_f64s(w, c->f + e * M, M);
        put_f64(w, c->viol[e]);
    }
}

size_t nsga2_save_size(const nsga2 *s)
{
    wbuf w = {NULL, 0};
    write_payload(s, &w);
    return HEADER_BYTES + w.len;
}

int nsga2_save(const nsga2 *s, void *buf, size_t cap, size_t *len)
{
    *len = 0;
    size_t need = nsga2_save_size(s);
    if (cap < need)
        return snac_err_set(SNAC_ERANGE, "nsga2: save: blob needs %zu bytes, buffer has %zu", need, cap);
    unsigned char *p = buf;
    wbuf w = {p + HEADER_BYTES, 0};
    write_payload(s, &w);
    memcpy(p, blob_magic, sizeof blob_magic);
    wbuf h = {p + 8, 0};
    put_u64(&h, NSGA2_BLOB_VERSION);
    put_u64(&h, w.len);
    put_u64(&h, fnv1a(p + HEADER_BYTES, w.len));
    *len = need;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- reading */

typedef struct rbuf {
    const unsigned char *p;
    size_t len, pos;
    bool short_read; /* a read ran past the end */
} rbuf;

static uint64_t get_u64(rbuf *r)
{
    if (r->len - r->pos < 8) {
        r->short_read = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)r->p[r->pos + (size_t)i] << (8 * i);
    r->pos += 8;
    return v;
}

static double get_f64(rbuf *r)
{
    uint64_t v = get_u64(r);
    double x;
    memcpy(&x, &v, sizeof x);
    return x;
}

static void get_f64s(rbuf *r, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = get_f64(r);
}

/* A size read from the blob, SIZE_MAX if it does not fit (then rejected by a range check). */
static size_t get_size(rbuf *r)
{
    uint64_t v = get_u64(r);
    return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

static int bad(const char *what) { return snac_err_set(SNAC_EFORMAT, "nsga2: load: %s", what); }

/* The configuration part of the payload, into a freshly allocated object. */
static int read_config(rbuf *r, nsga2 **out)
{
    *out = NULL;
    nsga2_config cfg = NSGA2_CONFIG_INIT;
    cfg.pop_size = get_size(r);
    cfg.n_obj = get_size(r);
    cfg.n_genes = get_size(r);
    cfg.cache_cap = get_size(r);
    cfg.p_crossover = get_f64(r);
    cfg.p_mutation = get_f64(r);
    cfg.eta_c = get_f64(r);
    cfg.eta_m = get_f64(r);
    /* each gene takes 56 bytes: bound the count by what is left before allocating */
    if (r->short_read || cfg.n_genes == 0 || cfg.n_genes > (r->len - r->pos) / 56)
        return bad("truncated or corrupt configuration");
    nsga2_gene *genes = calloc(cfg.n_genes, sizeof *genes);
    if (!genes)
        return snac_err_set(SNAC_ENOMEM, "nsga2: load: out of memory");
    for (size_t i = 0; i < cfg.n_genes; i++) {
        uint64_t kind = get_u64(r);
        genes[i].kind = kind < NSGA2_GENE_KIND_COUNT ? (enum nsga2_gene_kind)kind : NSGA2_GENE_KIND_COUNT;
        genes[i].n_choices = get_size(r);
        genes[i].lo = get_f64(r);
        genes[i].hi = get_f64(r);
        genes[i].gated = get_u64(r) != 0;
        genes[i].gate = get_size(r);
        genes[i].gate_min = get_size(r);
    }
    cfg.genes = genes;
    int rc = r->short_read ? bad("truncated gene table") : nsga2_alloc(&cfg, out);
    free(genes);
    if (rc && rc != SNAC_ENOMEM && rc != SNAC_EFORMAT)
        rc = snac_err_prefix(SNAC_EFORMAT, "nsga2: load: configuration rejected: ");
    return rc;
}

static int read_state(rbuf *r, nsga2 *s)
{
    size_t N = s->n_pop, M = s->n_obj, G = s->n_genes;
    for (int i = 0; i < 4; i++)
        s->rng.s[i] = get_u64(r);
    s->generation = get_size(r);
    uint64_t ready = get_u64(r);
    s->batch_ready = ready != 0;
    s->n_evals = get_size(r);
    s->n_cached = get_size(r);
    s->n_dups = get_size(r);
    if (r->short_read || ready > 1 || (s->generation == 0 && !s->batch_ready))
        return bad("corrupt search state");
    /* the fixed-size part must fit before it is read element by element */
    if ((r->len - r->pos) / 8 < 2 * N * (G + M + 3) + 3 * N + 1)
        return bad("truncated population");
    get_f64s(r, s->genome, 2 * N * G);
    get_f64s(r, s->f, 2 * N * M);
    get_f64s(r, s->viol, 2 * N);
    for (size_t i = 0; i < 2 * N; i++)
        s->rank[i] = get_size(r);
    get_f64s(r, s->crowd, 2 * N);
    for (size_t i = 0; i < N; i++) {
        uint64_t st = get_u64(r);
        if (st >= NSGA2_ROW_COUNT)
            return bad("corrupt batch status");
        s->status[i] = (unsigned char)st;
    }
    for (size_t i = 0; i < N; i++) {
        s->same_as[i] = get_size(r);
        if (s->same_as[i] > i || (s->status[i] == NSGA2_ROW_DUP) != (s->same_as[i] != i))
            return bad("corrupt batch duplicate links");
    }
    s->n_eval = get_size(r);
    if (s->n_eval > N)
        return bad("corrupt batch evaluation count");
    for (size_t i = 0; i < N; i++) {
        s->eval[i] = get_size(r);
        if (s->eval[i] >= N)
            return bad("corrupt batch evaluation list");
    }
    for (size_t i = 0; i < s->n_eval; i++)
        if (s->status[s->eval[i]] != NSGA2_ROW_NEW)
            return bad("batch evaluation list names a row that is not new");
    if (r->short_read)
        return bad("truncated population");
    /* every row that can be read or bred from must be a valid genome */
    size_t first = s->generation > 0 ? 0 : N;
    for (size_t row = first; row < 2 * N; row++)
        if (nsga2_genome_check(&s->space, s->genome + row * G))
            return snac_err_prefix(SNAC_EFORMAT, "nsga2: load: population row %zu: ", row);
    for (size_t row = 0; row < N; row++)
        s->row_hash[row] = nsga2_genome_hash(&s->space, s->genome + (N + row) * G);

    nsga2_cache *c = s->cache;
    size_t count = get_size(r), next = get_size(r);
    bool ring_ok = count < c->cap || c->cap == 0 ? next == count : next < c->cap;
    if (r->short_read || count > c->cap || !ring_ok)
        return bad("corrupt evaluation cache header");
    if ((r->len - r->pos) / 8 / (G + M + 1) < count)
        return bad("truncated evaluation cache");
    for (size_t e = 0; e < count; e++) {
        /* the entry is written in place, then indexed through nsga2_cache_put */
        double *g = s->spare;
        get_f64s(r, g, G);
        double *f = s->tmp_f; /* (N, M) scratch, N >= 1 */
        get_f64s(r, f, M);
        double v = get_f64(r);
        if (nsga2_genome_check(&s->space, g))
            return snac_err_prefix(SNAC_EFORMAT, "nsga2: load: cache entry %zu: ", e);
        nsga2_cache_put(c, &s->space, g, nsga2_genome_hash(&s->space, g), f, v);
    }
    if (c->count != count)
        return bad("evaluation cache holds the same genome twice");
    c->next = next;
    if (r->pos != r->len)
        return bad("trailing bytes after the evaluation cache");
    return SNAC_OK;
}

int nsga2_load(const void *buf, size_t len, nsga2 **out)
{
    *out = NULL;
    const unsigned char *p = buf;
    if (!p || len < HEADER_BYTES)
        return bad("blob shorter than its header");
    if (memcmp(p, blob_magic, sizeof blob_magic) != 0)
        return bad("not an NSGA-II state blob (bad magic)");
    rbuf h = {p, len, 8, false};
    uint64_t version = get_u64(&h), payload = get_u64(&h), sum = get_u64(&h);
    if (version != NSGA2_BLOB_VERSION)
        return snac_err_set(SNAC_EFORMAT, "nsga2: load: blob version %llu, this build reads version %d",
                            (unsigned long long)version, NSGA2_BLOB_VERSION);
    if (payload != len - HEADER_BYTES)
        return snac_err_set(SNAC_EFORMAT, "nsga2: load: blob says %llu payload bytes, %zu present (truncated?)",
                            (unsigned long long)payload, len - HEADER_BYTES);
    if (fnv1a(p + HEADER_BYTES, len - HEADER_BYTES) != sum)
        return bad("checksum mismatch (corrupt blob)");

    rbuf r = {p + HEADER_BYTES, len - HEADER_BYTES, 0, false};
    nsga2 *s;
    int rc = read_config(&r, &s);
    if (rc)
        return rc;
    if ((rc = read_state(&r, s))) {
        nsga2_free(s);
        return rc;
    }
    *out = s;
    return SNAC_OK;
}
