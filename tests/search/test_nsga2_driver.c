/* search: the ask/tell driver — a categorical search finds a known Pareto set (with and
 * without a constraint), identical genomes are evaluated once, the same seed gives the
 * same asks, save/load resumes exactly, inactive genes are carried, and every error path. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "search/nsga2.h"
#include "util/err.h"
#include "util/rng.h"

/* ---------------------------------------------------------------- a synthetic categorical problem */

/* 10 genes with values 0..3. f1 = sum g, f2 = sum (3 - g) + 2 * #{g in {1, 2}}.
 * A genome with any middle value is dominated by moving that value to 0 or 3 in the
 * right direction, so the Pareto set is {0, 3}^10 and the front is {(3k, 30 - 3k)}.
 * Constrained variant: violation = max(0, #{g = 3} - 7), so the feasible front stops at k = 7. */
enum { CG = 10 };

static void synth(const double *g, bool constrained, double *f, double *v)
{
    double sum = 0, mid = 0, threes = 0;
    for (int i = 0; i < CG; i++) {
        sum += g[i];
        mid += g[i] == 1 || g[i] == 2;
        threes += g[i] == 3;
    }
    f[0] = sum;
    f[1] = 3 * CG - sum + 2 * mid;
    *v = constrained && threes > 7 ? threes - 7 : 0;
}

static nsga2_config synth_config(nsga2_gene *genes, size_t pop)
{
    for (int i = 0; i < CG; i++)
        genes[i] = NSGA2_GENE_CATEGORICAL(4);
    nsga2_config cfg = NSGA2_CONFIG_INIT;
    cfg.pop_size = pop;
    cfg.n_obj = 2;
    cfg.n_genes = CG;
    cfg.genes = genes;
    return cfg;
}

/* One generation: ask, evaluate the NEW rows, tell. */
static int step(nsga2 *s, bool constrained, nsga2_batch *b)
{
    double f[2 * 64], v[64];
    int rc = nsga2_ask(s, b);
    if (rc)
        return rc;
    for (size_t k = 0; k < b->n_eval; k++)
        synth(b->genomes + b->eval[k] * CG, constrained, f + 2 * k, v + k);
    return nsga2_tell(s, f, v);
}

static void categorical_search_should_find_the_known_pareto_front(bool constrained)
{
    nsga2_gene genes[CG];
    nsga2_config cfg = synth_config(genes, 40);
    snac_rng r;
    rng_seed(&r, constrained ? 31 : 30);
    nsga2 *s;
    CHECK(nsga2_new(&cfg, &r, &s) == 0);
    nsga2_batch b;
    int ok = 1;
    for (int gen = 0; gen < 80; gen++)
        ok &= step(s, constrained, &b) == 0;
    CHECK(ok);
    nsga2_population p;
    CHECK(nsga2_get_population(s, &p) == 0);
    int kmax = constrained ? 7 : 10;
    bool found[11] = {false};
    int off_front = 0;
    for (size_t i = 0; i < p.n; i++) {
        if (p.rank[i] != 0)
            continue;
        double k = p.f[2 * i] / 3;
        bool on = p.viol[i] == 0 && k == floor(k) && k <= kmax && p.f[2 * i + 1] == 30 - 3 * k;
        if (on)
            found[(int)k] = true;
        off_front += !on;
    }
    int n_found = 0;
    for (int k = 0; k <= kmax; k++)
        n_found += found[k];
    CHECK_MSG(n_found == kmax + 1, "%d of %d front points found", n_found, kmax + 1);
    CHECK(off_front == 0);
    nsga2_free(s);
}

static void categorical_search_should_find_the_known_pareto_front_unconstrained(void)
{
    categorical_search_should_find_the_known_pareto_front(false);
}

static void categorical_search_should_find_the_feasible_pareto_front_under_a_constraint(void)
{
    categorical_search_should_find_the_known_pareto_front(true);
}

/* ---------------------------------------------------------------- cache */

static void identical_genomes_should_be_evaluated_once(void)
{
    /* 3 binary genes: only 8 distinct genomes exist, so most rows must be cache hits */
    nsga2_gene genes[3] = {NSGA2_GENE_CATEGORICAL(2), NSGA2_GENE_CATEGORICAL(2), NSGA2_GENE_CATEGORICAL(2)};
    nsga2_config cfg = NSGA2_CONFIG_INIT;
    cfg.pop_size = 8;
    cfg.n_obj = 2;
    cfg.n_genes = 3;
    cfg.genes = genes;
    snac_rng r;
    rng_seed(&r, 3);
    nsga2 *s;
    CHECK(nsga2_new(&cfg, &r, &s) == 0);
    int calls[8] = {0}, cached_rows = 0, dup_rows = 0, stored_ok = 1, eval_list_ok = 1;
    const int gens = 15;
    for (int gen = 0; gen < gens; gen++) {
        nsga2_batch b;
        CHECK(nsga2_ask(s, &b) == 0);
        double f[16];
        size_t k = 0;
        for (size_t row = 0; row < b.n; row++) {
            const double *g = b.genomes + row * 3;
            int id = (int)(g[0] + 2 * g[1] + 4 * g[2]);
            if (b.status[row] == NSGA2_ROW_NEW) {
                eval_list_ok &= k < b.n_eval && b.eval[k] == row;
                calls[id]++;
                f[2 * k] = id;
                f[2 * k + 1] = 7 - id + (id % 3);
                k++;
            } else if (b.status[row] == NSGA2_ROW_CACHED) {
                cached_rows++;
                stored_ok &= b.f[2 * row] == id && b.f[2 * row + 1] == 7 - id + (id % 3);
            } else {
                dup_rows++;
                eval_list_ok &= b.same_as[row] < row && b.status[b.same_as[row]] == NSGA2_ROW_NEW &&
                                memcmp(g, b.genomes + b.same_as[row] * 3, 3 * sizeof *g) == 0;
            }
        }
        eval_list_ok &= k == b.n_eval;
        CHECK(nsga2_tell(s, f, NULL) == 0);
        for (size_t row = 0; row < b.n; row++) /* after tell every row has its objectives */
            stored_ok &= b.f[2 * row] == b.genomes[row * 3] + 2 * b.genomes[row * 3 + 1] + 4 * b.genomes[row * 3 + 2];
    }
    int max_calls = 0, total = 0;
    for (int i = 0; i < 8; i++) {
        max_calls = calls[i] > max_calls ? calls[i] : max_calls;
        total += calls[i];
    }
    CHECK(max_calls <= 1);
    CHECK(stored_ok && eval_list_ok);
    CHECK(cached_rows > 0 && dup_rows > 0);
    nsga2_stats st;
    nsga2_get_stats(s, &st);
    CHECK(st.n_evals == (size_t)total && st.n_cached == (size_t)cached_rows && st.n_dups == (size_t)dup_rows);
    CHECK(st.n_evals + st.n_cached + st.n_dups == 8u * gens);
    CHECK(st.cache_count == st.n_evals && st.generation == (size_t)gens);
    nsga2_free(s);
}

/* ---------------------------------------------------------------- inactive genes */

static void genes_beyond_depth_should_be_carried_unchanged_by_mutation_free_crossover(void)
{
    /* depth gene (0..4 -> 4..8 layers) and 8 widths, widths 5..8 gated on depth */
    nsga2_gene genes[9];
    genes[0] = NSGA2_GENE_CATEGORICAL(5);
    for (size_t i = 1; i <= 8; i++)
        genes[i] = i <= 4 ? NSGA2_GENE_CATEGORICAL(3) : NSGA2_GENE_CATEGORICAL_GATED(3, 0, i - 4);
    enum { P = 6 };
    double seeds[P * 9];
    const double baseline[9] = {1, 2, 1, 0, 1, 2, 1, 2, 1}; /* depth 5: widths 6..8 inactive, carried */
    for (int i = 0; i < P; i++)
        memcpy(seeds + i * 9, baseline, sizeof baseline);
    nsga2_config cfg = NSGA2_CONFIG_INIT;
    cfg.pop_size = P;
    cfg.n_obj = 1;
    cfg.n_genes = 9;
    cfg.genes = genes;
    cfg.p_crossover = 1.0;
    cfg.p_mutation = 0.0;
    cfg.n_seeds = P;
    cfg.seeds = seeds;
    snac_rng r;
    rng_seed(&r, 4);
    nsga2 *s;
    CHECK(nsga2_new(&cfg, &r, &s) == 0);
    nsga2_batch b;
    CHECK(nsga2_ask(s, &b) == 0);
    CHECK(b.n_eval == 1 && b.status[0] == NSGA2_ROW_NEW && b.status[P - 1] == NSGA2_ROW_DUP);
    double one = 1.0;
    CHECK(nsga2_tell(s, &one, NULL) == 0);
    int carried = 1;
    for (int gen = 1; gen < 5; gen++) {
        CHECK(nsga2_ask(s, &b) == 0);
        CHECK(b.n_eval == 0);
        for (size_t row = 0; row < b.n; row++)
            carried &= b.status[row] == NSGA2_ROW_CACHED && memcmp(b.genomes + row * 9, baseline, sizeof baseline) == 0;
        CHECK(nsga2_tell(s, NULL, NULL) == 0);
    }
    CHECK(carried);
    nsga2_free(s);
}

/* ---------------------------------------------------------------- determinism and resume */

static nsga2 *new_synth(uint64_t seed)
{
    static nsga2_gene genes[CG];
    nsga2_config cfg = synth_config(genes, 24);
    cfg.cache_cap = 64; /* small, so eviction is part of what must resume exactly */
    double baseline[CG] = {3, 0, 3, 0, 3, 0, 3, 0, 3, 0};
    cfg.n_seeds = 1;
    cfg.seeds = baseline;
    snac_rng r;
    rng_seed(&r, seed);
    nsga2 *s = NULL;
    CHECK(nsga2_new(&cfg, &r, &s) == 0);
    return s;
}

static bool same_batch(const nsga2_batch *a, const nsga2_batch *b)
{
    return a->n == b->n && a->n_eval == b->n_eval && a->generation == b->generation &&
           memcmp(a->genomes, b->genomes, a->n * a->n_genes * sizeof(double)) == 0 &&
           memcmp(a->status, b->status, a->n) == 0 && memcmp(a->eval, b->eval, a->n_eval * sizeof(size_t)) == 0 &&
           memcmp(a->f, b->f, a->n * a->n_obj * sizeof(double)) == 0;
}

static void same_seed_should_give_the_same_asks(void)
{
    nsga2 *a = new_synth(77), *b = new_synth(77), *c = new_synth(78);
    int same = 1, differs = 0;
    for (int gen = 0; gen < 30; gen++) {
        nsga2_batch ba, bb, bc;
        CHECK(nsga2_ask(a, &ba) == 0 && nsga2_ask(b, &bb) == 0 && nsga2_ask(c, &bc) == 0);
        same &= same_batch(&ba, &bb);
        differs |= !same_batch(&ba, &bc);
        nsga2_batch again;
        CHECK(nsga2_ask(a, &again) == 0); /* asking twice gives the same batch */
        same &= same_batch(&ba, &again);
        CHECK(step(a, true, &ba) == 0 && step(b, true, &bb) == 0 && step(c, true, &bc) == 0);
    }
    CHECK(same && differs);
    nsga2_free(a);
    nsga2_free(b);
    nsga2_free(c);
}

static unsigned char *save_blob(const nsga2 *s, size_t *len)
{
    size_t cap = nsga2_save_size(s);
    unsigned char *buf = malloc(cap);
    CHECK(buf && nsga2_save(s, buf, cap, len) == 0 && *len == cap);
    return buf;
}

static void save_and_load_should_resume_with_identical_asks(void)
{
    nsga2 *a = new_synth(5);
    nsga2 *b = NULL;
    int same = 1, blobs_same = 1;
    for (int gen = 0; gen < 40; gen++) {
        nsga2_batch ba, bb;
        CHECK(step(a, true, &ba) == 0);
        size_t len;
        unsigned char *blob = save_blob(a, &len);
        if (gen == 12) { /* "kill" here: a fresh object from the last blob continues */
            CHECK(nsga2_load(blob, len, &b) == 0);
        } else if (b) {
            CHECK(step(b, true, &bb) == 0);
            same &= same_batch(&ba, &bb);
            size_t lb;
            unsigned char *blob_b = save_blob(b, &lb);
            blobs_same &= lb == len && memcmp(blob, blob_b, len) == 0;
            free(blob_b);
        }
        free(blob);
    }
    CHECK(b != NULL);
    CHECK(same && blobs_same);
    nsga2_stats sa, sb;
    nsga2_get_stats(a, &sa);
    nsga2_get_stats(b, &sb);
    CHECK(memcmp(&sa, &sb, sizeof sa) == 0 && sa.cache_count == 64);
    nsga2_free(a);
    nsga2_free(b);

    /* saved between ask and tell, and right after new: the pending batch survives */
    nsga2 *c = new_synth(6);
    for (int i = 0; i < 2; i++) {
        nsga2_batch bc, bd;
        CHECK(nsga2_ask(c, &bc) == 0);
        size_t len;
        unsigned char *blob = save_blob(c, &len);
        nsga2 *d;
        CHECK(nsga2_load(blob, len, &d) == 0);
        CHECK(nsga2_ask(d, &bd) == 0);
        CHECK(same_batch(&bc, &bd));
        CHECK(step(c, false, &bc) == 0 && step(d, false, &bd) == 0);
        CHECK(nsga2_ask(c, &bc) == 0 && nsga2_ask(d, &bd) == 0 && same_batch(&bc, &bd));
        nsga2_free(d);
        free(blob);
    }
    nsga2_free(c);
}

/* ---------------------------------------------------------------- error paths */

static void bad_configs_should_be_rejected_with_a_message(void)
{
    nsga2_gene genes[CG];
    snac_rng r;
    rng_seed(&r, 1);
    nsga2 *s = (nsga2 *)&r;
    nsga2_config cfg = synth_config(genes, 1);
    CHECK(nsga2_new(&cfg, &r, &s) == SNAC_EINVAL && s == NULL);
    CHECK_STR_CONTAINS(snac_err_msg(), "population");
    cfg = synth_config(genes, 10);
    cfg.n_obj = 0;
    CHECK(nsga2_new(&cfg, &r, &s) == SNAC_EINVAL);
    cfg = synth_config(genes, 10);
    cfg.p_crossover = 1.5;
    CHECK(nsga2_new(&cfg, &r, &s) == SNAC_EINVAL);
    cfg.p_crossover = NAN;
    CHECK(nsga2_new(&cfg, &r, &s) == SNAC_EINVAL);
    cfg = synth_config(genes, 10);
    cfg.eta_c = 0;
    CHECK(nsga2_new(&cfg, &r, &s) == SNAC_EINVAL);
    cfg = synth_config(genes, 10);
    genes[3] = NSGA2_GENE_CATEGORICAL(0);
    CHECK(nsga2_new(&cfg, &r, &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "gene 3");
    cfg = synth_config(genes, 2);
    double seeds[3 * CG] = {0};
    cfg.seeds = seeds;
    cfg.n_seeds = 3;
    CHECK(nsga2_new(&cfg, &r, &s) == SNAC_EINVAL); /* more seeds than population */
    cfg.n_seeds = 2;
    seeds[CG + 4] = 4; /* choice out of range */
    CHECK(nsga2_new(&cfg, &r, &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "seed genome 1");
    seeds[CG + 4] = 3;
    CHECK(nsga2_new(&cfg, &r, &s) == 0);
    nsga2_free(s);
    nsga2_free(NULL);
}

static void bad_tells_should_leave_the_state_unchanged(void)
{
    nsga2 *s = new_synth(8), *t = new_synth(8);
    nsga2_population p;
    double hv, ref[2] = {40, 40};
    CHECK(nsga2_get_population(s, &p) == SNAC_EINVAL);
    CHECK(nsga2_front_hv(s, ref, &hv) == SNAC_EINVAL);
    nsga2_batch b;
    CHECK(nsga2_ask(s, &b) == 0);
    double f[2 * 24], v[24];
    for (size_t k = 0; k < b.n_eval; k++)
        synth(b.genomes + b.eval[k] * CG, false, f + 2 * k, v + k);
    double keep = f[3];
    f[3] = NAN;
    CHECK(nsga2_tell(s, f, v) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "objective 1");
    f[3] = keep;
    v[2] = -1;
    CHECK(nsga2_tell(s, f, v) == SNAC_EINVAL);
    v[2] = INFINITY;
    CHECK(nsga2_tell(s, f, v) == SNAC_EINVAL);
    CHECK(nsga2_tell(s, NULL, NULL) == SNAC_EINVAL);
    v[2] = 0;
    CHECK(nsga2_tell(s, f, v) == 0);
    CHECK(nsga2_tell(s, f, v) == SNAC_EINVAL); /* told twice */
    CHECK_STR_CONTAINS(snac_err_msg(), "ask");
    /* the failed tells changed nothing: s continues like t */
    nsga2_batch bt;
    CHECK(step(t, false, &bt) == 0);
    CHECK(nsga2_ask(s, &b) == 0 && nsga2_ask(t, &bt) == 0 && same_batch(&b, &bt));
    CHECK(nsga2_get_population(s, &p) == 0 && p.n == 24);
    CHECK(nsga2_front_hv(s, ref, &hv) == 0 && hv > 0);
    nsga2_free(s);
    nsga2_free(t);
}

static void bad_blobs_should_fail_to_load(void)
{
    nsga2 *s = new_synth(9);
    nsga2_batch b;
    for (int i = 0; i < 3; i++)
        CHECK(step(s, true, &b) == 0);
    size_t len, small_len;
    unsigned char *blob = save_blob(s, &len);
    unsigned char tiny[16];
    CHECK(nsga2_save(s, tiny, sizeof tiny, &small_len) == SNAC_ERANGE && small_len == 0);
    nsga2 *t = (nsga2 *)blob;
    CHECK(nsga2_load(blob, len - 8, &t) == SNAC_EFORMAT && t == NULL); /* truncated */
    CHECK_STR_CONTAINS(snac_err_msg(), "truncated");
    CHECK(nsga2_load(blob, 10, &t) == SNAC_EFORMAT);
    blob[len / 2] ^= 0x10; /* corrupt */
    CHECK(nsga2_load(blob, len, &t) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "checksum");
    blob[len / 2] ^= 0x10;
    blob[8] = NSGA2_BLOB_VERSION + 1; /* another version */
    CHECK(nsga2_load(blob, len, &t) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "version");
    blob[8] = NSGA2_BLOB_VERSION;
    blob[0] = 'X';
    CHECK(nsga2_load(blob, len, &t) == SNAC_EFORMAT);
    blob[0] = 'S';
    CHECK(nsga2_load(blob, len, &t) == 0 && t != NULL);
    nsga2_free(t);
    free(blob);
    nsga2_free(s);
}

int main(void)
{
    TEST(categorical_search_should_find_the_known_pareto_front_unconstrained);
    TEST(categorical_search_should_find_the_feasible_pareto_front_under_a_constraint);
    TEST(identical_genomes_should_be_evaluated_once);
    TEST(genes_beyond_depth_should_be_carried_unchanged_by_mutation_free_crossover);
    TEST(same_seed_should_give_the_same_asks);
    TEST(save_and_load_should_resume_with_identical_asks);
    TEST(bad_configs_should_be_rejected_with_a_message);
    TEST(bad_tells_should_leave_the_state_unchanged);
    TEST(bad_blobs_should_fail_to_load);
    return check_report();
}
