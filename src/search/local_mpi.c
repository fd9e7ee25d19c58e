/* local_mpi — the local search's chains on MPI ranks (util/mpi_farm.h); built with SNAC_WITH_MPI.
 *
 * A job is one chain (source trial x bit width): its source network, where it resumes, and the
 * trial's architecture and seed. The setup sent once per rank is the local config, the search
 * run's config (a worker loads its data and refuses other data, as search_mpi), the data's
 * fingerprint and the surrogate version's coefficients. A worker runs the whole chain with the
 * code one process runs (local_chain_run) and answers with its iterations; rank 0 stores them
 * in (source, bits) order, holding back a chain that finished before an earlier one, so the
 * store ends with the rows, ids included, of a one-process run.
 *
 * Blobs are raw struct bytes (every rank runs the same binary), then the networks' own blobs.
 * Memory: rank 0 keeps the job array (every job padded to the largest) and the results of
 * chains waiting for an earlier one. Workload: a chain per job message, two messages per chain.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/local_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/local_mpi.h"
#include "util/err.h"
#include "util/strbuf.h"

/* setup: [setup_fixed][local text][search text] */
typedef struct setup_fixed {
    int64_t search_run;
    uint64_t local_len, search_len;
    char fingerprint[DS_FINGERPRINT_CAP];
    surr_version ver; /* string pointers zeroed */
} setup_fixed;

/* job: [job_fixed][source weights][iteration 0 weights][last weights][last quantized model], padded */
typedef struct job_fixed {
    int64_t trial_id, last;
    uint64_t seed, bits;
    double float_val_acc;
    nn_arch arch;
    search_hparams hp;
    uint64_t src_len, w0_len, wl_len, ql_len;
} job_fixed;

/* result: per iteration [local_iter, blob pointers zeroed][weights][quantized model] */

/* ---------------------------------------------------------------- worker side */

static void chain_release(void *p)
{
    local_driver *d = p;
    if (!d)
        return;
    if (d->have_data)
        ds_split_free(&d->data);
    snac_config_free(&d->cfg);
    free(d->local_text);
    free(d);
}

static int chain_setup(const void *blob, size_t len, void **out)
{
    setup_fixed h;
    if (len < sizeof h)
        return snac_err_set(SNAC_EFORMAT, "local setup message too short");
    memcpy(&h, blob, sizeof h);
    if (len != sizeof h + h.local_len + h.search_len)
        return snac_err_set(SNAC_EFORMAT, "local setup message has the wrong size");
    local_driver *d = calloc(1, sizeof *d);
    if (!d)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snac_config_init(&d->cfg);
    const char *ltext = (const char *)blob + sizeof h, *stext = ltext + h.local_len;
    int rc = (d->local_text = strndup(ltext, h.local_len)) ? SNAC_OK : snac_err_set(SNAC_ENOMEM, "out of memory");
    if (!rc)
        rc = local_config_parse(d->local_text, h.local_len, "local config", &d->lc);
    d->search_run = h.search_run;
    if (!rc)
        rc = local_load_search(d, stext, h.search_len, h.fingerprint);
    if (rc) {
        chain_release(d);
        return rc;
    }
    d->ver = h.ver;
    const char *pm = getenv("SNAC_LOCAL_PAUSE_MS");
    d->pause_ms = pm ? (size_t)strtoull(pm, NULL, 10) : 0;
    *out = d;
    return SNAC_OK;
}

static int append_iteration(local_driver *d, local_chain *c, local_iter *r)
{
    (void)c;
    strbuf *b = d->emit_ctx;
    local_iter h = *r;
    h.wblob = h.qblob = NULL;
    strbuf_append(b, (const char *)&h, sizeof h);
    strbuf_append(b, r->wblob, r->wlen);
    strbuf_append(b, r->qblob, r->qlen);
    local_iter_free(r);
    return strbuf_failed(b) ? snac_err_set(SNAC_ENOMEM, "out of memory for a chain's results") : SNAC_OK;
}

static int chain_work(void *p, const void *job, size_t len, void **out, size_t *out_len)
{
    local_driver *d = p;
    job_fixed h;
    if (len < sizeof h)
        return snac_err_set(SNAC_EFORMAT, "local chain job of %zu bytes", len);
    memcpy(&h, job, sizeof h);
    const char *at = (const char *)job + sizeof h;
    if (sizeof h + h.src_len + h.w0_len + h.wl_len + h.ql_len > len)
        return snac_err_set(SNAC_EFORMAT, "local chain job of %zu bytes is shorter than its blobs", len);
    local_source s = {h.trial_id, h.seed, h.arch, h.hp, NULL, h.float_val_acc};
    /* the start borrows the job's bytes: copied so the chain code owns what it frees */
    local_chain_start st = {h.last, NULL, NULL, NULL, h.w0_len, h.wl_len, h.ql_len};
    strbuf b = STRBUF_INIT;
    int rc = nn_mlp_load(at, h.src_len, &s.mlp);
    at += h.src_len;
    if (!rc && h.last >= 0) {
        st.w0 = malloc(h.w0_len + 1);
        st.wl = malloc(h.wl_len + 1);
        st.ql = malloc(h.ql_len + 1);
        if (!st.w0 || !st.wl || !st.ql) {
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        } else {
            memcpy(st.w0, at, h.w0_len);
            memcpy(st.wl, at + h.w0_len, h.wl_len);
            memcpy(st.ql, at + h.w0_len + h.wl_len, h.ql_len);
        }
    }
    local_chain c = {.src = &s, .bits = (size_t)h.bits};
    d->emit = append_iteration;
    d->emit_ctx = &b;
    if (!rc)
        rc = local_chain_run(d, &c, &st);
    local_chain_free(&c);
    local_chain_start_free(&st);
    nn_mlp_free(s.mlp);
    if (rc) {
        strbuf_free(&b);
        return rc;
    }
    if (!b.s && !(b.s = malloc(1)))
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    *out = b.s; /* the buffer's bytes, handed over */
    *out_len = b.len;
    return SNAC_OK;
}

const mpi_farm_kind local_mpi_chain_kind = {"local chain", chain_setup, chain_release, chain_work};

/* ---------------------------------------------------------------- rank 0 */

typedef struct held {
    void *res;
    size_t len;
    bool in;
} held;

typedef struct farm_ctx {
    local_driver *d;
    local_chain *chains; /* per job: its source and bits */
    held *held;          /* results of chains done before an earlier one */
    size_t next, n_jobs;
} farm_ctx;

/* Store every iteration of one chain's result, in order. */
static int store_result(local_driver *d, local_chain *c, const char *res, size_t len)
{
    while (len) {
        local_iter r;
        if (len < sizeof r)
            return snac_err_set(SNAC_EFORMAT, "local chain result: %zu stray bytes", len);
        memcpy(&r, res, sizeof r);
        if (len < sizeof r + r.wlen + r.qlen)
            return snac_err_set(SNAC_EFORMAT, "local chain result shorter than its iteration %zu", r.it);
        r.wblob = malloc(r.wlen + 1);
        r.qblob = malloc(r.qlen + 1);
        if (!r.wblob || !r.qblob) {
            local_iter_free(&r);
            return snac_err_set(SNAC_ENOMEM, "out of memory");
        }
        memcpy(r.wblob, res + sizeof r, r.wlen);
        memcpy(r.qblob, res + sizeof r + r.wlen, r.qlen);
        int rc = local_save_iteration(d, c, &r); /* frees the blobs */
        if (rc)
            return rc;
        res += sizeof r + r.wlen + r.qlen;
        len -= sizeof r + r.wlen + r.qlen;
    }
    return SNAC_OK;
}

static int on_chain(size_t job, const void *res, size_t len, void *ctx)
{
    farm_ctx *f = ctx;
    if (job >= f->n_jobs || f->held[job].in)
        return snac_err_set(SNAC_EFORMAT, "local chain result for job %zu twice or out of range", job);
    if (!(f->held[job].res = malloc(len + 1)))
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    memcpy(f->held[job].res, res, len);
    f->held[job].len = len;
    f->held[job].in = true;
    int rc = SNAC_OK;
    for (; !rc && f->next < f->n_jobs && f->held[f->next].in; f->next++) {
        held *h = &f->held[f->next];
        rc = store_result(f->d, &f->chains[f->next], h->res, h->len);
        free(h->res);
        h->res = NULL;
    }
    return rc;
}

int local_mpi_run(local_driver *d, local_source *sources, size_t n)
{
    const size_t n_chains = n * d->lc.n_bits;
    local_chain_start *st = calloc(n_chains + 1, sizeof *st);
    void **srcb = calloc(n + 1, sizeof *srcb);
    size_t *srcl = calloc(n + 1, sizeof *srcl);
    local_chain *chains = calloc(n_chains + 1, sizeof *chains);
    size_t *src_of = calloc(n_chains + 1, sizeof *src_of);
    held *hd = calloc(n_chains + 1, sizeof *hd);
    unsigned char *setup = NULL, *jobs = NULL;
    int rc = !st || !srcb || !srcl || !chains || !src_of || !hd ? snac_err_set(SNAC_ENOMEM, "out of memory") : SNAC_OK;
    for (size_t i = 0; !rc && i < n; i++)
        rc = nn_mlp_save(sources[i].mlp, &srcb[i], &srcl[i]);
    /* the chains left to run, and the largest job among them */
    size_t n_jobs = 0, job_len = sizeof(job_fixed);
    for (size_t i = 0; !rc && i < n; i++) {
        d->sum.sources++;
        for (size_t b = 0; !rc && b < d->lc.n_bits; b++) {
            local_chain_start *s = &st[n_jobs];
            if ((rc = local_chain_start_load(d, sources[i].trial_id, d->lc.bits[b], s)))
                break;
            d->sum.chains++;
            d->sum.reused += (size_t)(s->last + 1);
            if (s->last >= (long)d->lc.iterations) { /* stored to its end */
                local_chain_start_free(s);
                continue;
            }
            chains[n_jobs] = (local_chain){.src = &sources[i], .bits = d->lc.bits[b]};
            src_of[n_jobs] = i;
            size_t l = sizeof(job_fixed) + srcl[i] + s->w0_len + s->wl_len + s->ql_len;
            job_len = l > job_len ? l : job_len;
            n_jobs++;
        }
    }
    setup_fixed sh;
    memset(&sh, 0, sizeof sh);
    sh.search_run = d->search_run;
    sh.local_len = strlen(d->local_text);
    sh.search_len = strlen(d->cfg.text);
    snprintf(sh.fingerprint, sizeof sh.fingerprint, "%s", d->fingerprint);
    memcpy(&sh.ver, &d->ver, sizeof sh.ver);
    sh.ver.fit_stats = sh.ver.fitted_on = sh.ver.note = NULL;
    size_t setup_len = sizeof sh + sh.local_len + sh.search_len;
    if (!rc && (!(setup = malloc(setup_len)) || !(jobs = calloc(n_jobs + 1, job_len))))
        rc = snac_err_set(SNAC_ENOMEM, "out of memory for %zu local chain jobs of %zu bytes", n_jobs, job_len);
    if (!rc) {
        memcpy(setup, &sh, sizeof sh);
        memcpy(setup + sizeof sh, d->local_text, sh.local_len);
        memcpy(setup + sizeof sh + sh.local_len, d->cfg.text, sh.search_len);
        for (size_t j = 0; j < n_jobs; j++) {
            const local_source *s = chains[j].src;
            const local_chain_start *c = &st[j];
            job_fixed h = {s->trial_id, c->last,  s->seed,  chains[j].bits, s->float_val_acc, s->arch,
                           s->hp,       srcl[src_of[j]], c->w0_len, c->wl_len, c->ql_len};
            unsigned char *at = jobs + j * job_len;
            memcpy(at, &h, sizeof h);
            at += sizeof h;
            memcpy(at, srcb[src_of[j]], h.src_len);
            at += h.src_len;
            if (c->last >= 0) {
                memcpy(at, c->w0, c->w0_len);
                memcpy(at + c->w0_len, c->wl, c->wl_len);
                memcpy(at + c->w0_len + c->wl_len, c->ql, c->ql_len);
            }
        }
        farm_ctx f = {d, chains, hd, 0, n_jobs};
        mpi_farm_batch fb = {MPI_FARM_LOCAL_CHAIN, setup, setup_len, jobs, job_len, n_jobs, 0.0, on_chain, &f};
        if (n_jobs)
            rc = mpi_farm_run(&fb);
        if (!rc && f.next != n_jobs)
            rc = snac_err_set(SNAC_EIO, "local chains: %zu of %zu stored", f.next, n_jobs);
    }
    for (size_t j = 0; j < n_chains && st; j++)
        local_chain_start_free(&st[j]);
    for (size_t i = 0; i < n && srcb; i++)
        free(srcb[i]);
    for (size_t j = 0; j < n_chains && hd; j++)
        free(hd[j].res);
    free(st);
    free(srcb);
    free(srcl);
    free(chains);
    free(src_of);
    free(hd);
    free(setup);
    free(jobs);
    return rc;
}
