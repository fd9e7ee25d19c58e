/* search: a generation of NSGA-II allocates nothing (STYLE.md: workspaces, no hidden mallocs).
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc: every allocation made by
 * libsnac objects linked into this program goes through the counters below, and the
 * ask/tell loop (plus a save into a caller buffer and a front hypervolume) must not move them.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "search/nsga2.h"
#include "util/rng.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static size_t n_allocs;

void *__wrap_malloc(size_t n)
{
    n_allocs++;
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    n_allocs++;
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    n_allocs++;
    return __real_realloc(p, n);
}

static void a_generation_should_allocate_nothing(void)
{
    enum { G = 12, P = 32 };
    nsga2_gene genes[G];
    genes[0] = NSGA2_GENE_CATEGORICAL(5);
    for (size_t i = 1; i < G; i++)
        genes[i] = i < 6 ? NSGA2_GENE_CATEGORICAL_GATED(3, 0, i % 5) : NSGA2_GENE_REAL_RANGE(-1, 1);
    nsga2_config cfg = NSGA2_CONFIG_INIT;
    cfg.pop_size = P;
    cfg.n_obj = 3;
    cfg.n_genes = G;
    cfg.genes = genes;
    cfg.cache_cap = 100; /* evictions happen inside the measured window */
    snac_rng r;
    rng_seed(&r, 21);
    size_t before_new = n_allocs;
    nsga2 *s;
    CHECK(nsga2_new(&cfg, &r, &s) == 0);
    CHECK(n_allocs > before_new); /* the counters do see libsnac's allocations */
    static unsigned char blob[1 << 20];
    double f[P * 3], v[P], ref[3] = {10, 10, 10}, hv;
    size_t len;
    size_t before = n_allocs;
    for (int gen = 0; gen < 30; gen++) {
        nsga2_batch b;
        CHECK(nsga2_ask(s, &b) == 0);
        for (size_t k = 0; k < b.n_eval; k++) {
            const double *g = b.genomes + b.eval[k] * G;
            f[3 * k] = g[0] + g[6] * g[6];
            f[3 * k + 1] = 4 - g[0] + g[7];
            f[3 * k + 2] = g[1] - g[8];
            v[k] = g[9] > 0.5 ? g[9] - 0.5 : 0;
        }
        CHECK(nsga2_tell(s, f, v) == 0);
        CHECK(nsga2_front_hv(s, ref, &hv) == 0);
        CHECK(nsga2_save(s, blob, sizeof blob, &len) == 0);
    }
    CHECK_MSG(n_allocs == before, "%zu allocations during 30 generations", n_allocs - before);
    nsga2_free(s);
}

int main(void)
{
    TEST(a_generation_should_allocate_nothing);
    return check_report();
}
