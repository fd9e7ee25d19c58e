/* search: synthesis in the loop — the pick rules of search_synth_pick on hand-made
 * predictions with intervals (exact picked indices), and the `synthesis:` config section
 * with its errors (file:line:column and the key). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "search/search_config.h"
#include "search/search_synth.h"
#include "util/err.h"
#include "util/rng.h"

/* Five candidates, objectives (1 - accuracy, LUT), both minimised; accuracy has no interval.
 *   0 (0.10, 6.5) [6, 7]      front; pessimistic (0.10, 7) dominated by nobody   width 1/7
 *   1 (0.20, 5.0) [4, 7]      front; pessimistic (0.20, 7) dominated by 0: flips  width 3/7
 *   2 (0.30, 1.0) [0.5, 1.5]  front, no flip                                      width 1/7
 *   3 (0.25, 6.0) [3, 9]      behind 1; optimistic (0.25, 3) dominated by nobody: flips  width 6/7
 *   4 (0.50, 8.0) [7.9, 8.1]  behind; optimistic still dominated by 1             width 0.2/7
 * LUT spread over the population: 8 - 1 = 7. */
#define N 5
#define M 2
static const double F[N * M] = {0.10, 6.5, 0.20, 5.0, 0.30, 1.0, 0.25, 6.0, 0.50, 8.0};
static const double LO[N * M] = {0.10, 6.0, 0.20, 4.0, 0.30, 0.5, 0.25, 3.0, 0.50, 7.9};
static const double HI[N * M] = {0.10, 7.0, 0.20, 7.0, 0.30, 1.5, 0.25, 9.0, 0.50, 8.1};

static void uncertainty_should_pick_flippers_widest_first_then_the_widest_intervals(void)
{
    size_t p[N], n = 0;
    double s[N];
    CHECK(search_synth_pick(SEARCH_PICK_UNCERTAINTY, N, M, F, LO, HI, NULL, 3, NULL, p, s, &n) == 0);
    CHECK(n == 3);
    CHECK(p[0] == 3 && p[1] == 1 && p[2] == 0); /* flips by width (6/7, 3/7), then 0 before 2 (a tie) */
    CHECK_NEAR(s[0], 1.0 + 6.0 / 7.0, 1e-12);
    CHECK_NEAR(s[1], 1.0 + 3.0 / 7.0, 1e-12);
    CHECK_NEAR(s[2], 1.0 / 7.0, 1e-12);
    CHECK(search_synth_pick(SEARCH_PICK_UNCERTAINTY, N, M, F, LO, HI, NULL, 10, NULL, p, s, &n) == 0);
    CHECK(n == 5 && p[3] == 2 && p[4] == 4);
}

static void uncertainty_should_skip_candidates_that_are_not_eligible(void)
{
    const unsigned char ok[N] = {1, 1, 1, 0, 1};
    size_t p[N], n = 0;
    CHECK(search_synth_pick(SEARCH_PICK_UNCERTAINTY, N, M, F, LO, HI, ok, 3, NULL, p, NULL, &n) == 0);
    CHECK(n == 3 && p[0] == 1 && p[1] == 0 && p[2] == 2);
    const unsigned char none[N] = {0};
    CHECK(search_synth_pick(SEARCH_PICK_UNCERTAINTY, N, M, F, LO, HI, none, 3, NULL, p, NULL, &n) == 0);
    CHECK(n == 0);
}

static void front_should_pick_extremes_then_crowded_members_then_the_most_accurate(void)
{
    size_t p[N], n = 0;
    CHECK(search_synth_pick(SEARCH_PICK_FRONT, N, M, F, LO, HI, NULL, 4, NULL, p, NULL, &n) == 0);
    CHECK(n == 4 && p[0] == 0 && p[1] == 2 && p[2] == 1 && p[3] == 3);
}

static void random_should_draw_distinct_eligible_candidates_reproducibly(void)
{
    const unsigned char ok[N] = {1, 0, 1, 1, 1};
    size_t p[N], q[N], n = 0, n2 = 0;
    snac_rng r1, r2;
    rng_seed(&r1, 42);
    rng_seed(&r2, 42);
    CHECK(search_synth_pick(SEARCH_PICK_RANDOM, N, M, F, LO, HI, ok, 3, &r1, p, NULL, &n) == 0);
    CHECK(search_synth_pick(SEARCH_PICK_RANDOM, N, M, F, LO, HI, ok, 3, &r2, q, NULL, &n2) == 0);
    CHECK(n == 3 && n2 == 3);
    CHECK(memcmp(p, q, sizeof p[0] * 3) == 0);
    CHECK(p[0] == 3 && p[1] == 2 && p[2] == 4); /* pinned: seed 42 */
    for (size_t i = 0; i < n; i++) {
        CHECK(p[i] != 1);
        for (size_t j = 0; j < i; j++)
            CHECK(p[i] != p[j]);
    }
}

static void config_should_read_the_synthesis_section_and_name_bad_keys(void)
{
    search_config c;
    CHECK(search_config_parse("search: {trials: 4}\n", 20, "a.yaml", &c) == 0);
    CHECK(!c.synthesis.enabled);
    const char *ok = "synthesis:\n  per_generation: 3\n  pick: front\n  jobs: 2\n  timeout: 60\n  refit_every: 2\n";
    CHECK(search_config_parse(ok, strlen(ok), "a.yaml", &c) == 0);
    CHECK(c.synthesis.enabled && c.synthesis.per_generation == 3 && c.synthesis.pick == SEARCH_PICK_FRONT);
    CHECK(c.synthesis.jobs == 2 && c.synthesis.timeout_s == 60 && c.synthesis.refit_every == 2);
    CHECK(c.synthesis.kfold == 5 && c.synthesis.nice == 10 && !c.synthesis.force);
    CHECK(search_config_parse("synthesis:\n", 11, "a.yaml", &c) == 0);
    CHECK(c.synthesis.enabled && c.synthesis.per_generation == 2 && c.synthesis.pick == SEARCH_PICK_UNCERTAINTY);
    const char *bad_pick = "synthesis:\n  pick: widest\n";
    CHECK(search_config_parse(bad_pick, strlen(bad_pick), "b.yaml", &c) != 0);
    CHECK_STR_CONTAINS(snac_err_msg(), "b.yaml:2:");
    CHECK_STR_CONTAINS(snac_err_msg(), "pick");
    const char *bad_k = "synthesis:\n  per_generation: 0\n";
    CHECK(search_config_parse(bad_k, strlen(bad_k), "c.yaml", &c) != 0);
    CHECK_STR_CONTAINS(snac_err_msg(), "c.yaml:2:");
    CHECK_STR_CONTAINS(snac_err_msg(), "per_generation");
    const char *bad_key = "synthesis:\n  per_gen: 2\n";
    CHECK(search_config_parse(bad_key, strlen(bad_key), "d.yaml", &c) != 0);
    CHECK_STR_CONTAINS(snac_err_msg(), "d.yaml:2:");
    CHECK_STR_CONTAINS(snac_err_msg(), "per_gen");
}

/* The refit gate scores the surrogate targets the objectives and constraints read. */
static void gate_targets_should_follow_the_objectives_and_constraints(void)
{
    search_config c;
    search_config_init(&c); /* accuracy, avg_resource_pct, latency_cycles */
    const uint32_t L = 1u << SURR_T_LUT, FF = 1u << SURR_T_FF, D = 1u << SURR_T_DSP, B = 1u << SURR_T_BRAM18,
                   C = 1u << SURR_T_LATENCY_CYCLES;
    CHECK(search_synth_gate_targets(&c) == (L | FF | D | B | C));
    const char *y = "search: {objectives: [accuracy, lut, latency_cycles]}\n";
    CHECK(search_config_parse(y, strlen(y), "a.yaml", &c) == 0);
    CHECK(search_synth_gate_targets(&c) == (L | C));
    y = "search: {objectives: [accuracy, lut_pct, latency_ns], constraints: {dsp: 100}}\n";
    CHECK(search_config_parse(y, strlen(y), "a.yaml", &c) == 0);
    CHECK(search_synth_gate_targets(&c) == (L | C | D));
    y = "search: {objectives: [accuracy, bops_mac]}\n";
    CHECK(search_config_parse(y, strlen(y), "a.yaml", &c) == 0);
    CHECK(search_synth_gate_targets(&c) == 0); /* none: the refit's default rule */
}

int main(void)
{
    TEST(uncertainty_should_pick_flippers_widest_first_then_the_widest_intervals);
    TEST(uncertainty_should_skip_candidates_that_are_not_eligible);
    TEST(front_should_pick_extremes_then_crowded_members_then_the_most_accurate);
    TEST(random_should_draw_distinct_eligible_candidates_reproducibly);
    TEST(config_should_read_the_synthesis_section_and_name_bad_keys);
    TEST(gate_targets_should_follow_the_objectives_and_constraints);
    return check_report();
}
