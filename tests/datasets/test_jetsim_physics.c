/* test_jetsim_physics — physics sanity of the jet simulator on 10,000 jets (seeded):
 * median jet masses of W, Z, t within 10% of 80.4 / 91.2 / 172.5 GeV; quark jets lighter
 * than W jets and gluon jets heavier than quark jets (Casimir scaling: ungroomed R = 0.8
 * masses of 1 TeV QCD jets are not far below m_W, see the datasets report); gluon jets
 * >= 1.3x the constituent multiplicity of quark jets;
 * exact class balance, jets inside the pT window, reproducibility for a fixed seed.
 */
#include <stdlib.h>

#include "check.h"
#include "datasets/jetsim.h"
#include "util/err.h"

#define N_JETS 10000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static jetsim_config cfg;
static float *con;
static double *jets;

static void jetsim_should_give_resonance_masses_and_qcd_multiplicities(void)
{
    double *mass[DS_JET_CLASS_COUNT];
    size_t cnt[DS_JET_CLASS_COUNT] = {0};
    double mult[DS_JET_CLASS_COUNT] = {0};
    size_t out_of_window = 0;
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++)
        mass[k] = malloc(N_JETS * sizeof(double));
    for (size_t i = 0; i < N_JETS; i++) {
        const double *row = jets + i * DS_JET_N_COLS;
        int cls = -1;
        for (int k = 0; k < DS_JET_CLASS_COUNT; k++)
            if (row[DS_JET_LABEL_COL + k] == 1.0)
                cls = k;
        CHECK(cls >= 0);
        if (cls < 0)
            continue;
        mass[cls][cnt[cls]++] = row[DS_JET_COL_MASS];
        mult[cls] += row[DS_JET_COL_MULT];
        if (!(row[DS_JET_COL_PT] > 0.5 * cfg.pt_lo && row[DS_JET_COL_PT] < 1.05 * cfg.pt_hi))
            out_of_window++; /* hard wide-angle emission outside R can take much of the pT */
    }
    CHECK_MSG(out_of_window < N_JETS / 100, "%zu jets outside the pT window", out_of_window);
    double med[DS_JET_CLASS_COUNT];
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++) {
        CHECK_MSG(cnt[k] == N_JETS / DS_JET_CLASS_COUNT, "class %s: %zu jets", ds_jet_class_names[k], cnt[k]);
        med[k] = median_of(mass[k], cnt[k]);
        mult[k] /= (double)(cnt[k] ? cnt[k] : 1);
        fprintf(stderr, "  %s: median mass %.1f GeV, mean multiplicity %.1f\n", ds_jet_class_names[k], med[k],
                mult[k]);
        free(mass[k]);
    }
    CHECK_NEAR(med[DS_JET_W], 80.4, 8.04);
    CHECK_NEAR(med[DS_JET_Z], 91.2, 9.12);
    CHECK_NEAR(med[DS_JET_T], 172.5, 17.25);
    CHECK_MSG(med[DS_JET_Q] < 0.9 * med[DS_JET_W], "q median %.1f vs W %.1f", med[DS_JET_Q], med[DS_JET_W]);
    CHECK_MSG(med[DS_JET_G] > 1.3 * med[DS_JET_Q], "g median %.1f vs q %.1f", med[DS_JET_G], med[DS_JET_Q]);
    CHECK_MSG(med[DS_JET_G] < med[DS_JET_T], "g median %.1f vs t %.1f", med[DS_JET_G], med[DS_JET_T]);
    CHECK_MSG(mult[DS_JET_G] >= 1.3 * mult[DS_JET_Q], "g/q multiplicity %.2f", mult[DS_JET_G] / mult[DS_JET_Q]);
    fprintf(stderr, "  g/q multiplicity ratio %.2f\n", mult[DS_JET_G] / mult[DS_JET_Q]);
}

static void jetsim_should_store_sorted_constituents_inside_the_cone(void)
{
    size_t bad_order = 0, bad_cone = 0;
    for (size_t i = 0; i < N_JETS; i++) {
        const float *c = con + i * cfg.n_stored * DS_JET_N_PFEAT;
        for (size_t p = 0; p < cfg.n_stored; p++) {
            const float *f = c + p * DS_JET_N_PFEAT;
            if (p > 0 && f[DS_PF_PT] > c[(p - 1) * DS_JET_N_PFEAT + DS_PF_PT])
                bad_order++;
            if (f[DS_PF_PT] > 0 && f[DS_PF_DELTAR] > cfg.R + 0.02) /* second pass may move the axis slightly */
                bad_cone++;
        }
    }
    CHECK_MSG(bad_order == 0, "%zu constituents out of pT order", bad_order);
    CHECK_MSG(bad_cone < N_JETS * cfg.n_stored / 100, "%zu constituents far outside R", bad_cone);
}

static void jetsim_should_repeat_for_the_same_seed(void)
{
    size_t n = 50;
    float *a = malloc(n * cfg.n_stored * DS_JET_N_PFEAT * sizeof *a);
    double *ja = malloc(n * DS_JET_N_COLS * sizeof *ja);
    jetsim_ws *w;
    CHECK(jetsim_ws_new(&w) == 0);
    snac_rng r;
    rng_seed(&r, 99);
    CHECK(jetsim_fill(&cfg, n, &r, w, a, ja) == 0);
    rng_seed(&r, 99);
    CHECK(jetsim_fill(&cfg, n, &r, w, con, jets) == 0); /* overwrites the first n jets */
    CHECK(memcmp(a, con, n * cfg.n_stored * DS_JET_N_PFEAT * sizeof *a) == 0);
    CHECK(memcmp(ja, jets, n * DS_JET_N_COLS * sizeof *ja) == 0);
    rng_seed(&r, 100);
    CHECK(jetsim_fill(&cfg, n, &r, w, con, jets) == 0);
    CHECK(memcmp(ja, jets, n * DS_JET_N_COLS * sizeof *ja) != 0);
    jetsim_ws_free(w);
    free(a);
    free(ja);
}

static void jetsim_should_reject_bad_fractions(void)
{
    jetsim_config c = cfg;
    c.frac[0] = 0.5;
    CHECK(jetsim_config_check(&c) != 0);
    CHECK_STR_CONTAINS(snac_err_msg(), "fractions");
}

int main(void)
{
    jetsim_config_init(&cfg);
    con = malloc(N_JETS * cfg.n_stored * DS_JET_N_PFEAT * sizeof *con);
    jets = malloc(N_JETS * DS_JET_N_COLS * sizeof *jets);
    jetsim_ws *w;
    CHECK(jetsim_ws_new(&w) == 0);
    snac_rng r;
    rng_seed(&r, 7);
    CHECK(jetsim_fill(&cfg, N_JETS, &r, w, con, jets) == 0);
    jetsim_ws_free(w);
    TEST(jetsim_should_give_resonance_masses_and_qcd_multiplicities);
    TEST(jetsim_should_store_sorted_constituents_inside_the_cone);
    TEST(jetsim_should_repeat_for_the_same_seed);
    TEST(jetsim_should_reject_bad_fractions);
    free(con);
    free(jets);
    return check_report();
}
