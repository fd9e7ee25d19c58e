/* nsga2 — the ask/tell NSGA-II main loop; see nsga2.h.
 *
 * Memory: nsga2_alloc makes every array (population of 2N rows, survival and
 * hypervolume workspaces, the batch index, the cache); ask and tell only write
 * into them. Workload: per generation one survival (O(M N^2)), N tournaments
 * pairs, N genome hashes and cache probes.
 */
#include "search/nsga2.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/nsga2_priv.h"
#include "search/tourselect.h"
#include "util/err.h"

const char *const nsga2_row_names[NSGA2_ROW_COUNT] = {"new", "cached", "duplicate"};
_Static_assert(sizeof nsga2_row_names / sizeof nsga2_row_names[0] == NSGA2_ROW_COUNT, "one name per row status");

/* ---------------------------------------------------------------- construction */

static int check_config(const nsga2_config *cfg)
{
    if (!cfg)
        return snac_err_set(SNAC_EINVAL, "nsga2: no configuration");
    if (cfg->pop_size < 2 || cfg->pop_size > ((size_t)1 << 24))
        return snac_err_set(SNAC_EINVAL, "nsga2: population size %zu (need 2 .. 2^24)", cfg->pop_size);
    if (cfg->n_obj < 1 || cfg->n_obj > 64)
        return snac_err_set(SNAC_EINVAL, "nsga2: %zu objectives (need 1 .. 64)", cfg->n_obj);
    if (cfg->n_genes > ((size_t)1 << 20))
        return snac_err_set(SNAC_EINVAL, "nsga2: %zu genes is too many", cfg->n_genes);
    nsga2_space sp = {cfg->n_genes, cfg->genes};
    int rc = nsga2_space_check(&sp);
    if (rc)
        return snac_err_prefix(rc, "nsga2: ");
    if (!(cfg->p_crossover >= 0.0 && cfg->p_crossover <= 1.0))
        return snac_err_set(SNAC_EINVAL, "nsga2: crossover probability %g outside [0, 1]", cfg->p_crossover);
    if (!(cfg->p_mutation <= 1.0)) /* negative means 1/n_genes; NaN fails here */
        return snac_err_set(SNAC_EINVAL, "nsga2: mutation probability %g above 1", cfg->p_mutation);
    if (!(cfg->eta_c > 0.0 && cfg->eta_c < 1e6) || !(cfg->eta_m > 0.0 && cfg->eta_m < 1e6))
        return snac_err_set(SNAC_EINVAL, "nsga2: distribution indices eta_c %g, eta_m %g must be in (0, 1e6)",
                            cfg->eta_c, cfg->eta_m);
    if (cfg->n_seeds > cfg->pop_size)
        return snac_err_set(SNAC_EINVAL, "nsga2: %zu seed genomes for a population of %zu", cfg->n_seeds,
                            cfg->pop_size);
    if (cfg->n_seeds && !cfg->seeds)
        return snac_err_set(SNAC_EINVAL, "nsga2: %zu seed genomes announced, none given", cfg->n_seeds);
    return SNAC_OK;
}

int nsga2_alloc(const nsga2_config *cfg, nsga2 **out)
{
    *out = NULL;
    int rc = check_config(cfg);
    if (rc)
        return rc;
    nsga2 *s = calloc(1, sizeof *s);
    if (!s)
        return snac_err_set(SNAC_ENOMEM, "nsga2: out of memory");
    size_t N = cfg->pop_size, G = cfg->n_genes, M = cfg->n_obj;
    s->n_pop = N;
    s->n_obj = M;
    s->n_genes = G;
    s->var = (nsga2_variation){.p_crossover = cfg->p_crossover,
                               .p_mutation = cfg->p_mutation < 0.0 ? 1.0 / (double)G : cfg->p_mutation,
                               .eta_c = cfg->eta_c,
                               .eta_m = cfg->eta_m};
    s->cache_cap = cfg->cache_cap;

    s->genes = malloc(G * sizeof *s->genes);
    s->genome = malloc(2 * N * G * sizeof *s->genome);
    s->f = malloc(2 * N * M * sizeof *s->f);
    s->viol = malloc(2 * N * sizeof *s->viol);
    s->rank = malloc(2 * N * sizeof *s->rank);
    s->crowd = malloc(2 * N * sizeof *s->crowd);
    s->status = malloc(N * sizeof *s->status);
    s->same_as = malloc(N * sizeof *s->same_as);
    s->eval = malloc(N * sizeof *s->eval);
    s->row_hash = malloc(N * sizeof *s->row_hash);
    size_t slots = 4;
    while (slots < 2 * N)
        slots *= 2;
    s->dedup_mask = slots - 1;
    s->dedup = malloc(slots * sizeof *s->dedup);
    s->keep = malloc(N * sizeof *s->keep);
    s->tmp_genome = malloc(N * G * sizeof *s->tmp_genome);
    s->tmp_f = malloc(N * M * sizeof *s->tmp_f);
    s->tmp_viol = malloc(N * sizeof *s->tmp_viol);
    s->tmp_crowd = malloc(N * sizeof *s->tmp_crowd);
    s->tmp_rank = malloc(N * sizeof *s->tmp_rank);
    s->spare = malloc(G * sizeof *s->spare);
    s->hv_pts = malloc(N * M * sizeof *s->hv_pts);
    if (!s->genes || !s->genome || !s->f || !s->viol || !s->rank || !s->crowd || !s->status || !s->same_as ||
        !s->eval || !s->row_hash || !s->dedup || !s->keep || !s->tmp_genome || !s->tmp_f || !s->tmp_viol ||
        !s->tmp_crowd || !s->tmp_rank || !s->spare || !s->hv_pts) {
        nsga2_free(s);
        return snac_err_set(SNAC_ENOMEM, "nsga2: out of memory for a population of %zu", N);
    }
    memcpy(s->genes, cfg->genes, G * sizeof *s->genes);
    s->space = (nsga2_space){G, s->genes};
    /* rows are always fully written before use; zero them so a blob of a fresh object is defined */
    memset(s->genome, 0, 2 * N * G * sizeof *s->genome);
    memset(s->f, 0, 2 * N * M * sizeof *s->f);
    memset(s->viol, 0, 2 * N * sizeof *s->viol);
    memset(s->rank, 0, 2 * N * sizeof *s->rank);
    memset(s->crowd, 0, 2 * N * sizeof *s->crowd);
    memset(s->status, 0, N * sizeof *s->status);
    memset(s->same_as, 0, N * sizeof *s->same_as);
    memset(s->eval, 0, N * sizeof *s->eval);

    if ((rc = nsga2_survival_work_alloc(2 * N, &s->surv)) || (rc = nsga2_hv_work_alloc(N, &s->hv)) ||
        (rc = nsga2_cache_alloc(cfg->cache_cap, G, M, &s->cache))) {
        nsga2_free(s);
        return rc;
    }
    *out = s;
    return SNAC_OK;
}

void nsga2_free(nsga2 *s)
{
    if (!s)
        return;
    free(s->genes);
    free(s->genome);
    free(s->f);
    free(s->viol);
    free(s->rank);
    free(s->crowd);
    free(s->status);
    free(s->same_as);
    free(s->eval);
    free(s->row_hash);
    free(s->dedup);
    free(s->keep);
    free(s->tmp_genome);
    free(s->tmp_f);
    free(s->tmp_viol);
    free(s->tmp_crowd);
    free(s->tmp_rank);
    free(s->spare);
    free(s->hv_pts);
    nsga2_survival_work_free(s->surv);
    nsga2_hv_work_free(s->hv);
    nsga2_cache_free(s->cache);
    free(s);
}

/* ---------------------------------------------------------------- the batch */

static double *batch_genome(nsga2 *s, size_t row) { return s->genome + (s->n_pop + row) * s->n_genes; }

/* Give every batch row its status: CACHED if the cache knows the genome, DUP if an
 * earlier row of this batch has it, else NEW (to evaluate). */
static void classify_batch(nsga2 *s)
{
    size_t N = s->n_pop;
    memset(s->dedup, 0, (s->dedup_mask + 1) * sizeof *s->dedup);
    s->n_eval = 0;
    for (size_t r = 0; r < N; r++) {
        const double *g = batch_genome(s, r);
        uint64_t h = nsga2_genome_hash(&s->space, g);
        s->row_hash[r] = h;
        s->same_as[r] = r;
        size_t e;
        if (nsga2_cache_find(s->cache, &s->space, g, h, &e)) {
            s->status[r] = NSGA2_ROW_CACHED;
            memcpy(s->f + (N + r) * s->n_obj, s->cache->f + e * s->n_obj, s->n_obj * sizeof *s->f);
            s->viol[N + r] = s->cache->viol[e];
            s->n_cached++;
            continue;
        }
        size_t slot = h & s->dedup_mask;
        for (; s->dedup[slot] != 0; slot = (slot + 1) & s->dedup_mask) {
            size_t q = s->dedup[slot] - 1;
            if (s->row_hash[q] == h && nsga2_genome_same(&s->space, batch_genome(s, q), g))
                break;
        }
        if (s->dedup[slot] != 0) {
            s->status[r] = NSGA2_ROW_DUP;
            s->same_as[r] = s->dedup[slot] - 1;
            s->n_dups++;
        } else {
            s->dedup[slot] = r + 1;
            s->status[r] = NSGA2_ROW_NEW;
            s->eval[s->n_eval++] = r;
        }
    }
}

/* Offspring of the current parents into the batch rows: pairs of crowded binary
 * tournament winners, crossover, mutation of each child. */
static void breed(nsga2 *s)
{
    size_t N = s->n_pop, G = s->n_genes;
    for (size_t r = 0; r < N; r += 2) {
        size_t a = nsga2_tournament(&s->rng, N, s->rank, s->crowd);
        size_t b = nsga2_tournament(&s->rng, N, s->rank, s->crowd);
        double *c1 = batch_genome(s, r);
        double *c2 = r + 1 < N ? batch_genome(s, r + 1) : s->spare;
        nsga2_crossover(&s->space, &s->var, &s->rng, s->genome + a * G, s->genome + b * G, c1, c2);
        nsga2_mutate(&s->space, &s->var, &s->rng, c1);
        nsga2_mutate(&s->space, &s->var, &s->rng, c2);
    }
}

int nsga2_new(const nsga2_config *cfg, const snac_rng *rng, nsga2 **out)
{
    *out = NULL;
    nsga2 *s;
    int rc = nsga2_alloc(cfg, &s);
    if (rc)
        return rc;
    s->rng = *rng;
    for (size_t r = 0; r < cfg->n_seeds; r++) {
        const double *g = cfg->seeds + r * s->n_genes;
        if ((rc = nsga2_genome_check(&s->space, g))) {
            nsga2_free(s);
            return snac_err_prefix(rc, "nsga2: seed genome %zu: ", r);
        }
        memcpy(batch_genome(s, r), g, s->n_genes * sizeof *g);
    }
    for (size_t r = cfg->n_seeds; r < s->n_pop; r++)
        nsga2_genome_random(&s->space, &s->rng, batch_genome(s, r));
    classify_batch(s);
    s->batch_ready = true;
    *out = s;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- ask / tell */

int nsga2_ask(nsga2 *s, nsga2_batch *b)
{
    if (!s->batch_ready) {
        breed(s);
        classify_batch(s);
        s->batch_ready = true;
    }
    size_t N = s->n_pop;
    *b = (nsga2_batch){.generation = s->generation,
                       .n = N,
                       .n_genes = s->n_genes,
                       .n_obj = s->n_obj,
                       .genomes = s->genome + N * s->n_genes,
                       .status = s->status,
                       .same_as = s->same_as,
                       .f = s->f + N * s->n_obj,
                       .viol = s->viol + N,
                       .n_eval = s->n_eval,
                       .eval = s->eval};
    return SNAC_OK;
}

/* Keep n_keep of the n rows starting at row `base` and make them the parents. */
static int select_parents(nsga2 *s, size_t base, size_t n)
{
    size_t N = s->n_pop, G = s->n_genes, M = s->n_obj;
    int rc = nsga2_survive(s->f + base * M, s->viol + base, n, M, N, s->keep, s->rank + base, s->crowd + base,
                           s->surv);
    if (rc)
        return rc;
    for (size_t i = 0; i < N; i++) {
        size_t r = base + s->keep[i];
        memcpy(s->tmp_genome + i * G, s->genome + r * G, G * sizeof *s->genome);
        memcpy(s->tmp_f + i * M, s->f + r * M, M * sizeof *s->f);
        s->tmp_viol[i] = s->viol[r];
        s->tmp_rank[i] = s->rank[r];
        s->tmp_crowd[i] = s->crowd[r];
    }
    memcpy(s->genome, s->tmp_genome, N * G * sizeof *s->genome);
    memcpy(s->f, s->tmp_f, N * M * sizeof *s->f);
    memcpy(s->viol, s->tmp_viol, N * sizeof *s->viol);
    memcpy(s->rank, s->tmp_rank, N * sizeof *s->rank);
    memcpy(s->crowd, s->tmp_crowd, N * sizeof *s->crowd);
    return SNAC_OK;
}

int nsga2_rescore(nsga2 *s, nsga2_rescore_fn fn, void *ctx)
{
    if (s->batch_ready)
        return snac_err_set(SNAC_EINVAL, "nsga2: rescore between ask and tell (call it after a tell)");
    if (s->generation == 0)
        return SNAC_OK; /* no population yet */
    size_t N = s->n_pop, G = s->n_genes, M = s->n_obj;
    for (size_t i = 0; i < N; i++) {
        int rc = fn(s->genome + i * G, s->f + i * M, s->viol + i, ctx);
        if (rc)
            return rc;
    }
    for (size_t e = 0; e < s->cache->count; e++) {
        int rc = fn(s->cache->genome + e * G, s->cache->f + e * M, s->cache->viol + e, ctx);
        if (rc)
            return rc;
    }
    return select_parents(s, 0, N);
}

int nsga2_tell(nsga2 *s, const double *f, const double *viol)
{
    if (!s->batch_ready)
        return snac_err_set(SNAC_EINVAL, "nsga2: tell without a batch (call nsga2_ask first)");
    size_t N = s->n_pop, M = s->n_obj;
    if (s->n_eval && !f)
        return snac_err_set(SNAC_EINVAL, "nsga2: tell: %zu evaluations expected, no objectives given",
                            s->n_eval);
    for (size_t k = 0; k < s->n_eval; k++) {
        for (size_t j = 0; j < M; j++)
            if (!isfinite(f[k * M + j]))
                return snac_err_set(SNAC_EINVAL, "nsga2: tell: evaluation %zu (row %zu): objective %zu is %g", k,
                                    s->eval[k], j, f[k * M + j]);
        if (viol && !(viol[k] >= 0.0 && isfinite(viol[k])))
            return snac_err_set(SNAC_EINVAL,
                                "nsga2: tell: evaluation %zu (row %zu): constraint violation %g "
                                "(must be finite and >= 0)",
                                k, s->eval[k], viol[k]);
    }

    /* NEW rows from the caller, then DUP rows from their NEW twin; CACHED rows were filled at ask */
    for (size_t k = 0; k < s->n_eval; k++) {
        size_t r = s->eval[k];
        memcpy(s->f + (N + r) * M, f + k * M, M * sizeof *f);
        s->viol[N + r] = viol ? viol[k] : 0.0;
        nsga2_cache_put(s->cache, &s->space, batch_genome(s, r), s->row_hash[r], f + k * M, s->viol[N + r]);
    }
    for (size_t r = 0; r < N; r++)
        if (s->status[r] == NSGA2_ROW_DUP) {
            size_t q = s->same_as[r];
            memcpy(s->f + (N + r) * M, s->f + (N + q) * M, M * sizeof *f);
            s->viol[N + r] = s->viol[N + q];
        }
    s->n_evals += s->n_eval;

    /* generation 0: the initial population becomes the parents; later: elitist
     * survival from parents + offspring */
    int rc = s->generation == 0 ? select_parents(s, N, N) : select_parents(s, 0, 2 * N);
    if (rc)
        return rc;
    s->generation++;
    s->batch_ready = false;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- views */

int nsga2_get_population(const nsga2 *s, nsga2_population *p)
{
    if (s->generation == 0)
        return snac_err_set(SNAC_EINVAL, "nsga2: no population before the first tell");
    *p = (nsga2_population){.n = s->n_pop,
                            .n_genes = s->n_genes,
                            .n_obj = s->n_obj,
                            .genomes = s->genome,
                            .f = s->f,
                            .viol = s->viol,
                            .rank = s->rank,
                            .crowd = s->crowd};
    return SNAC_OK;
}

void nsga2_get_stats(const nsga2 *s, nsga2_stats *st)
{
    *st = (nsga2_stats){.generation = s->generation,
                        .n_evals = s->n_evals,
                        .n_cached = s->n_cached,
                        .n_dups = s->n_dups,
                        .cache_count = s->cache->count};
}

const nsga2_space *nsga2_get_space(const nsga2 *s) { return &s->space; }

int nsga2_front_hv(nsga2 *s, const double *ref, double *hv)
{
    *hv = 0.0;
    if (s->generation == 0)
        return snac_err_set(SNAC_EINVAL, "nsga2: no population before the first tell");
    size_t M = s->n_obj, k = 0;
    for (size_t i = 0; i < s->n_pop; i++)
        if (s->rank[i] == 0 && s->viol[i] <= 0.0)
            memcpy(s->hv_pts + (k++) * M, s->f + i * M, M * sizeof *s->f);
    return nsga2_hv(s->hv_pts, k, M, ref, hv, s->hv);
}
