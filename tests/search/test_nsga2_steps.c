/* search, step by step: dominance, non-dominated sort (vs. a by-definition reference),
 * crowding distance (vs. hand-computed values), crowded tournament, survival, variation,
 * genome identity, the evaluation cache (vs. a plain FIFO list) and hypervolume (vs. cell
 * counting). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "search/cache.h"
#include "search/crowddist.h"
#include "search/dominance.h"
#include "search/genome.h"
#include "search/hypervolume.h"
#include "search/rank.h"
#include "search/sortidx.h"
#include "search/survival.h"
#include "search/tourselect.h"
#include "search/variation.h"
#include "util/err.h"
#include "util/rng.h"

/* ---------------------------------------------------------------- stable index sort */

static void index_sort_should_be_stable_in_both_directions(void)
{
    snac_rng r;
    rng_seed(&r, 19);
    double key[2 * 200];
    size_t idx[200], tmp[200];
    int ok = 1;
    for (int trial = 0; trial < 50; trial++) {
        size_t n = (size_t)rng_below(&r, 200);
        for (size_t i = 0; i < 2 * n; i++)
            key[i] = (double)rng_below(&r, 5);
        for (int desc = 0; desc < 2; desc++) {
            for (size_t i = 0; i < n; i++)
                idx[i] = n - 1 - i; /* input order: descending index */
            nsga2_sort_idx(idx, n, key + 1, 2, desc, tmp);
            for (size_t i = 1; i < n; i++) {
                double a = key[2 * idx[i - 1] + 1], b = key[2 * idx[i] + 1];
                ok &= desc ? a >= b : a <= b;
                if (a == b)
                    ok &= idx[i - 1] > idx[i]; /* ties keep the input order */
            }
        }
    }
    CHECK(ok);
}

/* ---------------------------------------------------------------- dominance */

static void dominance_should_follow_debs_constraint_rule(void)
{
    double a[2] = {1, 1}, b[2] = {2, 2}, c[2] = {0, 3};
    /* both feasible: Pareto */
    CHECK(nsga2_dom_compare(a, 0, b, 0, 2) == 1);
    CHECK(nsga2_dom_compare(b, 0, a, 0, 2) == -1);
    CHECK(nsga2_dom_compare(a, 0, c, 0, 2) == 0);
    CHECK(nsga2_dom_compare(a, 0, a, 0, 2) == 0); /* equal points do not dominate */
    CHECK(!nsga2_pareto_dominates(a, a, 2));
    double d[2] = {1, 2};
    CHECK(nsga2_pareto_dominates(a, d, 2)); /* equal in one, better in the other */
    /* feasible beats infeasible whatever the objectives */
    CHECK(nsga2_dom_compare(b, 0, a, 0.5, 2) == 1);
    CHECK(nsga2_constrained_dominates(b, 0, a, 1e-12, 2));
    CHECK(!nsga2_constrained_dominates(a, 1e-12, b, 0, 2));
    /* both infeasible: smaller violation wins, objectives ignored */
    CHECK(nsga2_dom_compare(b, 1.0, a, 2.0, 2) == 1);
    CHECK(nsga2_dom_compare(a, 2.0, b, 1.0, 2) == -1);
    CHECK(nsga2_dom_compare(a, 1.0, b, 1.0, 2) == 0);
}

/* ---------------------------------------------------------------- non-dominated sort */

/* By definition: a constrained-dominates b (written out separately from dominance.c). */
static int ref_dominates(const double *fa, double va, const double *fb, double vb, size_t m)
{
    if (va == 0 && vb > 0)
        return 1;
    if (va > 0 && vb == 0)
        return 0;
    if (va > 0 && vb > 0)
        return va < vb;
    int le = 1, lt = 0;
    for (size_t j = 0; j < m; j++) {
        le &= fa[j] <= fb[j];
        lt |= fa[j] < fb[j];
    }
    return le && lt;
}

/* Peel fronts: front k = the remaining points no remaining point dominates. */
static void ref_rank(const double *f, const double *v, size_t n, size_t m, size_t *rank)
{
    size_t left = n;
    for (size_t i = 0; i < n; i++)
        rank[i] = SIZE_MAX;
    for (size_t k = 0; left > 0; k++) {
        size_t members[128], nm = 0;
        for (size_t p = 0; p < n; p++) {
            if (rank[p] != SIZE_MAX)
                continue;
            size_t dominators = 0;
            for (size_t q = 0; q < n; q++)
                if (rank[q] == SIZE_MAX && q != p && ref_dominates(f + q * m, v[q], f + p * m, v[p], m))
                    dominators++;
            if (dominators == 0)
                members[nm++] = p;
        }
        for (size_t i = 0; i < nm; i++)
            rank[members[i]] = k;
        left -= nm;
    }
}

static void nds_should_match_the_by_definition_reference_on_random_sets(void)
{
    snac_rng r;
    rng_seed(&r, 2002);
    nsga2_rank_work *w;
    CHECK(nsga2_rank_work_alloc(128, &w) == 0);
    double f[128 * 4], v[128];
    size_t rank[128], order[128], start[129], want[128];
    int mismatches = 0, fronts_ok = 1;
    for (int trial = 0; trial < 400; trial++) {
        size_t n = 1 + (size_t)rng_below(&r, 100), m = 1 + (size_t)rng_below(&r, 4);
        uint64_t levels = 2 + rng_below(&r, 5); /* few levels: many ties and duplicates */
        bool constrained = trial % 3 == 0;
        for (size_t i = 0; i < n * m; i++)
            f[i] = (double)rng_below(&r, levels);
        for (size_t i = 0; i < n; i++)
            v[i] = constrained && rng_below(&r, 2) ? (double)(1 + rng_below(&r, 3)) * 0.5 : 0.0;
        if (trial % 7 == 0 && n > 2) { /* exact duplicates of whole points */
            memcpy(f + (n - 1) * m, f, m * sizeof *f);
            v[n - 1] = v[0];
        }
        size_t nf = 0;
        CHECK(nsga2_rank(f, v, n, m, rank, order, start, &nf, w) == 0);
        ref_rank(f, v, n, m, want);
        for (size_t i = 0; i < n; i++)
            mismatches += rank[i] != want[i];
        /* the front lists are a partition consistent with the ranks */
        fronts_ok &= start[0] == 0 && start[nf] == n;
        for (size_t k = 0; k < nf; k++) {
            fronts_ok &= start[k + 1] > start[k];
            for (size_t i = start[k]; i < start[k + 1]; i++)
                fronts_ok &= rank[order[i]] == k;
        }
    }
    CHECK(mismatches == 0);
    CHECK(fronts_ok);
    nsga2_rank_work_free(w);
}

static void nds_should_put_dominated_point_in_second_front(void)
{
    double f[] = {1, 3, 3, 1, 2, 4, 5, 5}; /* (2,4) is dominated by (1,3); (5,5) by (2,4) */
    size_t rank[4], order[4], start[5], nf;
    nsga2_rank_work *w;
    CHECK(nsga2_rank_work_alloc(4, &w) == 0);
    CHECK(nsga2_rank(f, NULL, 4, 2, rank, order, start, &nf, w) == 0);
    CHECK(nf == 3 && rank[0] == 0 && rank[1] == 0 && rank[2] == 1 && rank[3] == 2);
    CHECK(nsga2_rank(f, NULL, 5, 2, rank, order, start, &nf, w) == SNAC_EINVAL); /* beyond workspace */
    nsga2_rank_work_free(w);
    nsga2_rank_work_free(NULL);
}

/* ---------------------------------------------------------------- crowding distance */

static void crowding_should_match_hand_computed_values(void)
{
    /* five points on a staircase; ranges 4 and 4:
     * f1 sorted 0,1,2,3,4 -> interior 2/4, 2/4, 2/4
     * f2 sorted 0(p4),1(p3),1.5(p2),2(p1),4(p0) -> p3 1.5/4, p2 1/4, p1 2.5/4 */
    double f[] = {0, 4, 1, 2, 2, 1.5, 3, 1, 4, 0};
    size_t front[] = {0, 1, 2, 3, 4}, work[10];
    double d[5];
    nsga2_crowding(f, 2, front, 5, d, work);
    CHECK(isinf(d[0]) && isinf(d[4]));
    CHECK_NEAR(d[1], 0.5 + 0.625, 1e-15);
    CHECK_NEAR(d[2], 0.5 + 0.25, 1e-15);
    CHECK_NEAR(d[3], 0.5 + 0.375, 1e-15);

    /* a zero-range objective adds nothing, not even infinite boundaries */
    double g[] = {0, 5, 1, 5, 3, 5};
    nsga2_crowding(g, 2, front, 3, d, work);
    CHECK(isinf(d[0]) && isinf(d[2]));
    CHECK_NEAR(d[1], 1.0, 1e-15);
    /* all objectives constant: nobody is more isolated than anybody */
    double h[] = {2, 2, 2, 2, 2, 2};
    nsga2_crowding(h, 2, front, 3, d, work);
    CHECK(d[0] == 0 && d[1] == 0 && d[2] == 0);

    /* a sub-front addressed by global indices; fronts of one or two are all boundary */
    double e[] = {9, 9, 0, 4, 9, 9, 4, 0};
    size_t sub[] = {1, 3};
    double de[4] = {-1, -1, -1, -1};
    nsga2_crowding(e, 2, sub, 2, de, work);
    CHECK(isinf(de[1]) && isinf(de[3]) && de[0] == -1 && de[2] == -1);
    size_t one[] = {2};
    nsga2_crowding(e, 2, one, 1, de, work);
    CHECK(isinf(de[2]));
}

/* ---------------------------------------------------------------- tournament */

static void tournament_should_pick_the_crowded_comparison_winner(void)
{
    snac_rng r;
    rng_seed(&r, 5);
    /* with two members every tournament compares both */
    size_t rank_a[] = {1, 0};
    double crowd_a[] = {INFINITY, 0.0};
    size_t rank_b[] = {3, 3};
    double crowd_b[] = {0.7, 0.3};
    int ok = 1;
    for (int i = 0; i < 100; i++) {
        ok &= nsga2_tournament(&r, 2, rank_a, crowd_a) == 1; /* lower rank beats any distance */
        ok &= nsga2_tournament(&r, 2, rank_b, crowd_b) == 0; /* same rank: larger distance */
    }
    CHECK(ok);
    CHECK(nsga2_crowded_less(rank_b, crowd_b, 0, 1) && !nsga2_crowded_less(rank_b, crowd_b, 1, 0));
    CHECK(!nsga2_crowded_less(rank_b, crowd_b, 0, 0));

    /* three members ranked 0 < 1 < 2: the best wins every tournament it is in (2/3),
     * the middle one only against the worst (1/3), the worst never */
    size_t rank3[] = {2, 0, 1};
    double crowd3[] = {1, 1, 1};
    size_t wins[3] = {0, 0, 0};
    const size_t n = 30000;
    for (size_t i = 0; i < n; i++)
        wins[nsga2_tournament(&r, 3, rank3, crowd3)]++;
    CHECK(wins[0] == 0);
    CHECK_NEAR((double)wins[1] / n, 2.0 / 3.0, 0.015);
    CHECK_NEAR((double)wins[2] / n, 1.0 / 3.0, 0.015);
}

/* ---------------------------------------------------------------- survival */

static void survival_should_keep_whole_fronts_then_the_most_isolated(void)
{
    /* front 1: rows 0..2; front 2: rows 3..6 with distances inf, 0.875, 1.5, inf */
    double f[] = {0.5, 4, 1.5, 3, 2.5, 0.5, /* front 1 */
                  1, 5, 2, 4, 3, 3.5, 5, 1, /* front 2 */
                  9, 9};                    /* front 3 */
    size_t keep[8], rank[8];
    double crowd[8];
    nsga2_survival_work *w;
    CHECK(nsga2_survival_work_alloc(8, &w) == 0);
    CHECK(nsga2_survive(f, NULL, 8, 2, 5, keep, rank, crowd, w) == 0);
    CHECK(keep[0] == 0 && keep[1] == 1 && keep[2] == 2);
    CHECK((keep[3] == 3 && keep[4] == 6) || (keep[3] == 6 && keep[4] == 3));
    CHECK(rank[3] == 1 && rank[7] == 2);
    CHECK_NEAR(crowd[4], 0.875, 1e-15);
    CHECK_NEAR(crowd[5], 1.5, 1e-15);
    CHECK(nsga2_survive(f, NULL, 8, 2, 6, keep, rank, crowd, w) == 0);
    CHECK(keep[5] == 5); /* the next most isolated of front 2 */
    CHECK(nsga2_survive(f, NULL, 8, 2, 3, keep, rank, crowd, w) == 0);
    CHECK(keep[0] == 0 && keep[1] == 1 && keep[2] == 2);
    CHECK(nsga2_survive(f, NULL, 8, 2, 9, keep, rank, crowd, w) == SNAC_EINVAL);

    /* constraints: an infeasible point never survives ahead of a feasible one */
    double g[] = {0, 0, 5, 5, 6, 6};
    double v[] = {0.1, 0, 0};
    CHECK(nsga2_survive(g, v, 3, 2, 2, keep, rank, crowd, w) == 0);
    CHECK(keep[0] == 1 && keep[1] == 2 && rank[0] == 2);
    nsga2_survival_work_free(w);
}

/* ---------------------------------------------------------------- genome and variation */

/* depth gene (4..8 layers as 0..4) followed by 8 widths; widths 5..8 gated on depth */
static void make_nas_space(nsga2_gene *genes)
{
    genes[0] = NSGA2_GENE_CATEGORICAL(5);
    for (size_t i = 1; i <= 8; i++)
        genes[i] = i <= 4 ? NSGA2_GENE_CATEGORICAL(3) : NSGA2_GENE_CATEGORICAL_GATED(3, 0, i - 4);
}

static void genome_identity_should_ignore_inactive_genes(void)
{
    nsga2_gene genes[9];
    make_nas_space(genes);
    nsga2_space sp = {9, genes};
    CHECK(nsga2_space_check(&sp) == 0);
    double a[9] = {1, 0, 1, 2, 0, 1, 2, 2, 2}; /* depth 5: widths 6..8 inactive */
    double b[9] = {1, 0, 1, 2, 0, 1, 0, 1, 0};
    CHECK(nsga2_genome_active(&sp, a, 5) && !nsga2_genome_active(&sp, a, 6));
    CHECK(nsga2_genome_same(&sp, a, b) && nsga2_genome_hash(&sp, a) == nsga2_genome_hash(&sp, b));
    b[5] = 2; /* an active gene differs */
    CHECK(!nsga2_genome_same(&sp, a, b));
    b[5] = 1;
    b[0] = 2; /* deeper: width 6 becomes active and differs */
    a[0] = 2;
    CHECK(!nsga2_genome_same(&sp, a, b));

    /* chains: gene 2 gated on gene 1, itself gated on gene 0 */
    nsga2_gene chain[3] = {NSGA2_GENE_CATEGORICAL(2), NSGA2_GENE_CATEGORICAL_GATED(2, 0, 1),
                           NSGA2_GENE_CATEGORICAL_GATED(2, 1, 1)};
    nsga2_space cs = {3, chain};
    double c[3] = {0, 1, 1};
    CHECK(nsga2_space_check(&cs) == 0 && !nsga2_genome_active(&cs, c, 2));

    /* bad descriptions and bad values */
    nsga2_gene bad[2] = {NSGA2_GENE_CATEGORICAL(2), NSGA2_GENE_CATEGORICAL_GATED(2, 1, 0)};
    nsga2_space bs = {2, bad};
    CHECK(nsga2_space_check(&bs) == SNAC_EINVAL); /* gate not earlier */
    bad[1] = NSGA2_GENE_CATEGORICAL_GATED(2, 0, 2);
    CHECK(nsga2_space_check(&bs) == SNAC_EINVAL); /* gate value never reached */
    bad[1] = NSGA2_GENE_REAL_RANGE(1, 1);
    CHECK(nsga2_space_check(&bs) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "gene 1");
    bad[1] = NSGA2_GENE_CATEGORICAL(0);
    CHECK(nsga2_space_check(&bs) == SNAC_EINVAL);
    double v1[9] = {5, 0, 0, 0, 0, 0, 0, 0, 0}, v2[9] = {0.5, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(nsga2_genome_check(&sp, v1) == SNAC_EINVAL && nsga2_genome_check(&sp, v2) == SNAC_EINVAL);
    CHECK(nsga2_genome_check(&sp, a) == 0);
}

static void crossover_of_identical_parents_without_mutation_should_copy_every_gene(void)
{
    nsga2_gene genes[10];
    make_nas_space(genes);
    genes[9] = NSGA2_GENE_REAL_RANGE(-1, 1);
    nsga2_space sp = {10, genes};
    nsga2_variation v = {.p_crossover = 1.0, .p_mutation = 0.0, .eta_c = 20, .eta_m = 20};
    double p[10] = {0, 2, 1, 0, 1, 2, 0, 2, 1, 0.25}; /* depth 4: genes 5..8 inactive */
    double c1[10], c2[10];
    snac_rng r;
    rng_seed(&r, 9);
    int same = 1;
    for (int i = 0; i < 200; i++) {
        nsga2_crossover(&sp, &v, &r, p, p, c1, c2);
        nsga2_mutate(&sp, &v, &r, c1);
        nsga2_mutate(&sp, &v, &r, c2);
        same &= memcmp(c1, p, sizeof p) == 0 && memcmp(c2, p, sizeof p) == 0;
    }
    CHECK(same);

    /* different parents: each child gene is one parent's gene at that position */
    double q[10] = {4, 0, 0, 2, 2, 1, 1, 0, 0, -0.5};
    int from_parents = 1, mixed = 0;
    for (int i = 0; i < 200; i++) {
        nsga2_crossover(&sp, &v, &r, p, q, c1, c2);
        for (size_t g = 0; g < 9; g++) {
            from_parents &= (c1[g] == p[g] && c2[g] == q[g]) || (c1[g] == q[g] && c2[g] == p[g]);
            mixed |= c1[g] == q[g] && c1[g] != p[g];
        }
        from_parents &= c1[9] >= -1 && c1[9] <= 1 && c2[9] >= -1 && c2[9] <= 1;
    }
    CHECK(from_parents && mixed);
    v.p_crossover = 0.0;
    nsga2_crossover(&sp, &v, &r, p, q, c1, c2);
    CHECK(memcmp(c1, p, sizeof p) == 0 && memcmp(c2, q, sizeof q) == 0);
}

static void mutation_should_resample_a_different_value_uniformly(void)
{
    nsga2_gene genes[3] = {NSGA2_GENE_CATEGORICAL(4), NSGA2_GENE_CATEGORICAL(1), NSGA2_GENE_REAL_RANGE(0, 1)};
    nsga2_space sp = {3, genes};
    nsga2_variation v = {.p_crossover = 0.9, .p_mutation = 1.0, .eta_c = 20, .eta_m = 20};
    snac_rng r;
    rng_seed(&r, 11);
    size_t seen[4] = {0};
    int ok = 1;
    const int n = 30000;
    for (int i = 0; i < n; i++) {
        double g[3] = {2, 0, 1.0};
        nsga2_mutate(&sp, &v, &r, g);
        ok &= g[0] != 2 && g[1] == 0 && g[2] >= 0 && g[2] <= 1;
        seen[nsga2_genome_choice(g, 0)]++;
    }
    CHECK(ok);
    CHECK(seen[2] == 0);
    for (int k = 0; k < 4; k++)
        if (k != 2)
            CHECK_NEAR((double)seen[k] / n, 1.0 / 3.0, 0.015);
    v.p_mutation = 0.0;
    double g[3] = {3, 0, 0.5};
    nsga2_mutate(&sp, &v, &r, g);
    CHECK(g[0] == 3 && g[2] == 0.5);
}

/* ---------------------------------------------------------------- cache */

static void cache_should_behave_like_a_fifo_list_of_the_last_cap_genomes(void)
{
    nsga2_gene genes[2] = {NSGA2_GENE_CATEGORICAL(40), NSGA2_GENE_CATEGORICAL(3)};
    nsga2_space sp = {2, genes};
    const size_t cap = 7;
    nsga2_cache *c;
    CHECK(nsga2_cache_alloc(cap, 2, 1, &c) == 0);
    double fifo[7][2];
    size_t fifo_n = 0;
    snac_rng r;
    rng_seed(&r, 13);
    int agree = 1;
    for (int op = 0; op < 20000; op++) {
        double g[2] = {(double)rng_below(&r, 40), (double)rng_below(&r, 3)};
        uint64_t h = nsga2_genome_hash(&sp, g);
        size_t e;
        bool found = nsga2_cache_find(c, &sp, g, h, &e);
        int want = -1;
        for (size_t i = 0; i < fifo_n; i++)
            if (fifo[i][0] == g[0] && fifo[i][1] == g[1])
                want = (int)i;
        agree &= found == (want >= 0);
        if (found)
            agree &= c->f[e] == g[0] * 10 + g[1];
        if (!found && rng_below(&r, 2)) {
            double val = g[0] * 10 + g[1];
            nsga2_cache_put(c, &sp, g, h, &val, 0.0);
            if (fifo_n == cap) {
                memmove(fifo[0], fifo[1], (cap - 1) * sizeof fifo[0]);
                fifo_n--;
            }
            fifo[fifo_n][0] = g[0];
            fifo[fifo_n][1] = g[1];
            fifo_n++;
        }
    }
    CHECK(agree);
    CHECK(c->count == cap);
    nsga2_cache_free(c);
    nsga2_cache_free(NULL);

    /* cap 0: a disabled cache remembers nothing */
    CHECK(nsga2_cache_alloc(0, 2, 1, &c) == 0);
    double g[2] = {1, 1}, val = 3;
    nsga2_cache_put(c, &sp, g, nsga2_genome_hash(&sp, g), &val, 0);
    size_t e;
    CHECK(!nsga2_cache_find(c, &sp, g, nsga2_genome_hash(&sp, g), &e));
    nsga2_cache_free(c);
}

/* ---------------------------------------------------------------- hypervolume */

/* Cell counting: with integer points in [0, L)^m and ref (L, ..), the unit cell at c is
 * dominated iff some point p has p <= c in every coordinate. */
static double ref_hv_cells(const double *f, size_t n, size_t m, int L)
{
    size_t cells = 1, count = 0;
    for (size_t j = 0; j < m; j++)
        cells *= (size_t)L;
    for (size_t cell = 0; cell < cells; cell++) {
        int c[3];
        size_t x = cell;
        for (size_t j = 0; j < m; j++, x /= (size_t)L)
            c[j] = (int)(x % (size_t)L);
        for (size_t i = 0; i < n; i++) {
            bool dom = true;
            for (size_t j = 0; j < m; j++)
                dom = dom && f[i * m + j] <= c[j];
            if (dom) {
                count++;
                break;
            }
        }
    }
    return (double)count;
}

static void hypervolume_should_match_cell_counting_in_2d_and_3d(void)
{
    snac_rng r;
    rng_seed(&r, 17);
    nsga2_hv_work *w;
    CHECK(nsga2_hv_work_alloc(64, &w) == 0);
    const int L = 10;
    double f[64 * 3], ref[3] = {L, L, L}, hv;
    int bad = 0;
    for (int trial = 0; trial < 300; trial++) {
        size_t m = 2 + (size_t)(trial % 2), n = (size_t)rng_below(&r, 40);
        for (size_t i = 0; i < n * m; i++)
            f[i] = (double)rng_below(&r, L + 2); /* some at or beyond the reference */
        CHECK(nsga2_hv(f, n, m, ref, &hv, w) == 0);
        bad += hv != ref_hv_cells(f, n, m, L);
    }
    CHECK(bad == 0);
    double one[3] = {0.25, 0.5, 0.75}, r1[3] = {1, 1, 1};
    CHECK(nsga2_hv(one, 1, 3, r1, &hv, w) == 0);
    CHECK_NEAR(hv, 0.75 * 0.5 * 0.25, 1e-15);
    CHECK(nsga2_hv(one, 1, 4, r1, &hv, w) == SNAC_EINVAL);
    CHECK(nsga2_hv(f, 65, 2, r1, &hv, w) == SNAC_EINVAL);
    nsga2_hv_work_free(w);
}

static void hypervolume_of_dense_zdt_fronts_should_approach_the_analytic_values(void)
{
    /* ZDT1: f2 = 1 - sqrt(f1): HV(1.1, 1.1) = 0.1 + 2/3 + 0.11; ZDT2: f2 = 1 - f1^2: 0.1 + 1/3 + 0.11 */
    enum { K = 20001 };
    double *f1 = malloc(2 * K * sizeof *f1), *f2 = malloc(2 * K * sizeof *f2);
    for (size_t i = 0; i < K; i++) {
        double x = (double)i / (K - 1);
        f1[2 * i] = f2[2 * i] = x;
        f1[2 * i + 1] = 1 - sqrt(x);
        f2[2 * i + 1] = 1 - x * x;
    }
    nsga2_hv_work *w;
    CHECK(nsga2_hv_work_alloc(K, &w) == 0);
    double ref[2] = {1.1, 1.1}, hv1, hv2;
    CHECK(nsga2_hv(f1, K, 2, ref, &hv1, w) == 0 && nsga2_hv(f2, K, 2, ref, &hv2, w) == 0);
    CHECK(hv1 < 0.1 + 2.0 / 3.0 + 0.11 && hv1 > 0.1 + 2.0 / 3.0 + 0.11 - 1e-3);
    CHECK(hv2 < 0.1 + 1.0 / 3.0 + 0.11 && hv2 > 0.1 + 1.0 / 3.0 + 0.11 - 1e-3);
    nsga2_hv_work_free(w);
    free(f1);
    free(f2);
}

int main(void)
{
    TEST(index_sort_should_be_stable_in_both_directions);
    TEST(dominance_should_follow_debs_constraint_rule);
    TEST(nds_should_match_the_by_definition_reference_on_random_sets);
    TEST(nds_should_put_dominated_point_in_second_front);
    TEST(crowding_should_match_hand_computed_values);
    TEST(tournament_should_pick_the_crowded_comparison_winner);
    TEST(survival_should_keep_whole_fronts_then_the_most_isolated);
    TEST(genome_identity_should_ignore_inactive_genes);
    TEST(crossover_of_identical_parents_without_mutation_should_copy_every_gene);
    TEST(mutation_should_resample_a_different_value_uniformly);
    TEST(cache_should_behave_like_a_fifo_list_of_the_last_cap_genomes);
    TEST(hypervolume_should_match_cell_counting_in_2d_and_3d);
    TEST(hypervolume_of_dense_zdt_fronts_should_approach_the_analytic_values);
    return check_report();
}
