/* test_groom — C/A reclustering and mMDT (datasets/groom.c) against a brute-force O(n^3)
 * reference on small random particle sets, hand-built two-prong jets, and the error paths.
 */
#include <stdlib.h>

#include "check.h"
#include "datasets/groom.h"
#include "util/err.h"
#include "util/rng.h"

/* ---------------------------------------------------------------- reference */

typedef struct ref_jet {
    p4 p;
    int a, b; /* children in the reference tree, -1 for a leaf */
} ref_jet;

static double ref_dr2(p4 u, p4 v)
{
    double yu = 0.5 * log((u.e + u.pz) / (u.e - u.pz)), yv = 0.5 * log((v.e + v.pz) / (v.e - v.pz));
    double dp = fabs(atan2(u.py, u.px) - atan2(v.py, v.px));
    if (dp > KIN_PI)
        dp = 2.0 * KIN_PI - dp;
    return (yu - yv) * (yu - yv) + dp * dp;
}

/* Naive C/A: every step scans all pairs of active pseudojets. Returns the root; dr2[k] is the
 * k-th merge's Delta R^2. */
static int ref_cluster(const p4 *parts, int n, ref_jet *tree, double *dr2)
{
    int active[64], m = n, next = n;
    for (int i = 0; i < n; i++)
        tree[i] = (ref_jet){parts[i], -1, -1}, active[i] = i;
    while (m > 1) {
        int bi = 0, bj = 1;
        double best = HUGE_VAL;
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++) {
                double d = ref_dr2(tree[active[i]].p, tree[active[j]].p);
                if (d < best)
                    best = d, bi = i, bj = j;
            }
        dr2[next - n] = best;
        tree[next] = (ref_jet){p4_add(tree[active[bi]].p, tree[active[bj]].p), active[bi], active[bj]};
        active[bi] = next++;
        active[bj] = active[--m];
    }
    return active[0];
}

static double ref_mmdt_mass(const ref_jet *tree, int root, double zcut)
{
    int k = root;
    while (tree[k].a >= 0) {
        double p1 = p4_pt(tree[tree[k].a].p), p2 = p4_pt(tree[tree[k].b].p);
        if ((p1 < p2 ? p1 : p2) / (p1 + p2) > zcut)
            break;
        k = p1 >= p2 ? tree[k].a : tree[k].b;
    }
    return p4_mass(tree[k].p);
}

/* ---------------------------------------------------------------- tests */

static void ca_mmdt_should_match_brute_force_on_random_particles(void)
{
    jetgroom_ws *w;
    CHECK(jetgroom_ws_new(64, &w) == 0);
    snac_rng r;
    rng_seed(&r, 2024);
    size_t bad_mass = 0, bad_order = 0, trials = 0;
    for (int trial = 0; trial < 400; trial++) {
        int n = 1 + (int)rng_below(&r, 30);
        int wide = trial % 4 == 0; /* azimuths over the whole circle: the wrap at +-pi matters */
        p4 parts[30];
        for (int i = 0; i < n; i++) {
            double pt = 0.5 - 40.0 * log(1.0 - rng_uniform(&r));
            double eta = 1.6 * (rng_uniform(&r) - 0.5);
            double phi = wide ? KIN_PI * (2.0 * rng_uniform(&r) - 1.0) : 3.0 + 0.8 * (rng_uniform(&r) - 0.5);
            double m = i % 3 == 0 ? 0.14 : 0.0;
            parts[i] = p4_from_ptetaphim(pt, eta, phi, m);
        }
        ref_jet tree[64];
        double dr2[64];
        int root = ref_cluster(parts, n, tree, dr2);
        CHECK(jetgroom_ca_cluster(parts, (size_t)n, w) == 0);
        size_t n_nodes;
        const jetgroom_node *t = jetgroom_tree(w, &n_nodes);
        CHECK(n_nodes == (size_t)(2 * n - 1));
        for (int k = 0; k + 1 < n; k++)
            if (!(fabs(t[n + k].dr2 - dr2[k]) <= 1e-9 * dr2[k] + 1e-15))
                bad_order++;
        for (double zcut = 0.0; zcut < 0.45; zcut += 0.1) {
            double want = ref_mmdt_mass(tree, root, zcut);
            p4 g;
            CHECK(jetgroom_mmdt(parts, (size_t)n, zcut, w, &g) == 0);
            double got = p4_mass(g);
            if (!(fabs(got - want) <= 1e-9 * want + 1e-9))
                bad_mass++;
            trials++;
        }
    }
    CHECK_MSG(bad_order == 0, "%zu merges differ in Delta R^2 from the naive C/A", bad_order);
    CHECK_MSG(bad_mass == 0, "%zu of %zu groomed masses differ from the reference", bad_mass, trials);
    jetgroom_ws_free(w);
}

static void mmdt_should_keep_two_hard_prongs_and_drop_a_soft_wide_particle(void)
{
    jetgroom_ws *w;
    CHECK(jetgroom_ws_new(8, &w) == 0);
    p4 parts[4] = {
        p4_from_ptetaphim(500.0, 0.00, 0.00, 0.0), /* prong A: two collinear particles */
        p4_from_ptetaphim(80.0, 0.02, 0.01, 0.0), /* z = 80 / 580 > 0.1 */
        p4_from_ptetaphim(300.0, 0.30, 0.10, 0.0), /* prong B: z = 300 / 880 > 0.1 */
        p4_from_ptetaphim(5.0, -0.45, -0.55, 0.0), /* soft and wide: z = 5 / 885 < 0.1 */
    };
    p4 g, pair = p4_add(p4_add(parts[0], parts[1]), parts[2]), all = p4_add(pair, parts[3]);
    CHECK(jetgroom_mmdt(parts, 3, 0.1, w, &g) == 0);
    CHECK_NEAR(p4_mass(g), p4_mass(pair), 1e-9 * p4_mass(pair));
    CHECK(jetgroom_mmdt(parts, 4, 0.1, w, &g) == 0);
    CHECK_NEAR(p4_mass(g), p4_mass(pair), 1e-9 * p4_mass(pair));
    CHECK(p4_mass(all) > p4_mass(pair) + 1.0); /* the soft particle did carry mass */
    /* the last merge is the soft particle with the two prongs */
    size_t n_nodes;
    const jetgroom_node *t = jetgroom_tree(w, &n_nodes);
    CHECK(n_nodes == 7 && (t[6].a == 3 || t[6].b == 3));
    /* prong B below the cut (z = 50 / 630): groomed down to prong A */
    parts[2] = p4_from_ptetaphim(50.0, 0.30, 0.10, 0.0);
    CHECK(jetgroom_mmdt(parts, 4, 0.1, w, &g) == 0);
    p4 a = p4_add(parts[0], parts[1]);
    CHECK_NEAR(p4_mass(g), p4_mass(a), 1e-9 * p4_mass(a));
    /* z_cut 0 keeps everything */
    CHECK(jetgroom_mmdt(parts, 4, 0.0, w, &g) == 0);
    all = p4_add(p4_add(a, parts[2]), parts[3]);
    CHECK_NEAR(p4_mass(g), p4_mass(all), 1e-9 * p4_mass(all));
    /* one particle: itself; none: zero */
    CHECK(jetgroom_mmdt(parts, 1, 0.1, w, &g) == 0);
    CHECK(g.e == parts[0].e);
    CHECK(jetgroom_mmdt(parts, 0, 0.1, w, &g) == 0);
    CHECK(g.e == 0.0 && p4_mass(g) == 0.0);
    jetgroom_ws_free(w);
}

static void groom_should_reject_overflow_and_bad_zcut(void)
{
    jetgroom_ws *w;
    CHECK(jetgroom_ws_new(0, &w) != 0);
    CHECK(w == NULL);
    CHECK(jetgroom_ws_new(2, &w) == 0);
    p4 parts[3] = {{1, 0, 0, 1}, {0, 1, 0, 1}, {1, 1, 0, 2}}, g;
    CHECK(jetgroom_mmdt(parts, 3, 0.1, w, &g) != 0);
    CHECK_STR_CONTAINS(snac_err_msg(), "capacity");
    CHECK(jetgroom_mmdt(parts, 2, 0.5, w, &g) != 0);
    CHECK_STR_CONTAINS(snac_err_msg(), "z_cut");
    jetgroom_ws_free(w);
    jetgroom_ws_free(NULL);
}

int main(void)
{
    TEST(ca_mmdt_should_match_brute_force_on_random_particles);
    TEST(mmdt_should_keep_two_hard_prongs_and_drop_a_soft_wide_particle);
    TEST(groom_should_reject_overflow_and_bad_zcut);
    return check_report();
}
