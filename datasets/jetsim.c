/* jetsim — per-class jet generation, constituent features and file output; see jetsim.h.
 *
 * Memory: jetsim_ws owns fixed-capacity arrays (partons, stack, hadrons, sort keys), sized
 * far above what a 1-2 TeV jet produces; overflow stops branching / fragmenting, never
 * writes out of bounds. jetsim_write_file() mallocs the file's two arrays and frees them.
 */
#include "datasets/jetsim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "datasets/decay.h"
#include "datasets/h5write.h"
#include "datasets/hadronize.h"
#include "datasets/kinematics.h"
#include "datasets/shower.h"
#include "util/err.h"

#define WS_PARTONS 2048
#define WS_HADRONS 8192

struct jetsim_ws {
    jetsim_parton partons[WS_PARTONS];
    jetsim_parton stack[WS_PARTONS];
    p4 hadrons[WS_HADRONS];
    p4 kept[WS_HADRONS];
    double key[WS_HADRONS];
    size_t order[WS_HADRONS];
};

void jetsim_config_init(jetsim_config *c)
{
    memset(c, 0, sizeof *c);
    c->pt_lo = 900.0;
    c->pt_hi = 1100.0;
    c->eta_max = 1.5;
    c->R = 0.8;
    c->theta_init = 1.0;
    c->q0 = 1.0;
    c->frag_a = 0.77;
    c->frag_stop = 1.0;
    c->kt_smear = 0.3;
    c->ue_mean_n = 3.0;
    c->ue_mean_pt = 0.7;
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++)
        c->frac[k] = 1.0 / DS_JET_CLASS_COUNT;
    c->n_stored = 30;
}

int jetsim_config_check(const jetsim_config *c)
{
    if (!(c->pt_lo >= 50.0 && c->pt_hi >= c->pt_lo && c->pt_hi <= 1e5))
        return snac_err_set(SNAC_EINVAL, "jetsim: pT window [%g, %g] GeV must satisfy 50 <= min <= max <= 1e5",
                            c->pt_lo, c->pt_hi);
    if (!(c->eta_max >= 0.0 && c->eta_max <= 4.0) || !(c->R > 0.05 && c->R <= 1.5))
        return snac_err_set(SNAC_EINVAL, "jetsim: eta_max %g must be in [0, 4] and R %g in (0.05, 1.5]",
                            c->eta_max, c->R);
    if (!(c->q0 >= 0.3) || !(c->frag_stop > 0.05) || !(c->frag_a >= 0.0 && c->frag_a <= 1.0) ||
        !(c->kt_smear >= 0.0) || !(c->ue_mean_n >= 0.0 && c->ue_mean_n < 100.0) || !(c->ue_mean_pt > 0.0) ||
        !(c->theta_init > 0.0))
        return snac_err_set(SNAC_EINVAL, "jetsim: shower/hadronisation parameters out of range");
    double s = 0.0;
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++) {
        if (!(c->frac[k] >= 0.0))
            return snac_err_set(SNAC_EINVAL, "jetsim: class fraction %d is negative", k);
        s += c->frac[k];
    }
    if (fabs(s - 1.0) > 1e-6)
        return snac_err_set(SNAC_EINVAL, "jetsim: class fractions sum to %g, not 1", s);
    if (c->n_stored < 1 || c->n_stored > 1000)
        return snac_err_set(SNAC_EINVAL, "jetsim: n_stored %zu must be in [1, 1000]", c->n_stored);
    return SNAC_OK;
}

int jetsim_ws_new(jetsim_ws **out)
{
    *out = malloc(sizeof **out);
    if (!*out)
        return snac_err_set(SNAC_ENOMEM, "jetsim: out of memory for the workspace");
    return SNAC_OK;
}

void jetsim_ws_free(jetsim_ws *w) { free(w); }

/* ---------------------------------------------------------------- initiators */

static jetsim_parton parton_from(p4 p, int gluon, double theta)
{
    double l = p4_p(p);
    jetsim_parton q = {.e = p.e, .n = {p.px / l, p.py / l, p.pz / l}, .gluon = gluon, .theta = theta};
    return q;
}

/* theta_init is a bound in (eta, phi) distance, as the jet radius is; the shower works with 3D
 * angles, and dR ~ theta * cosh(eta) near the axis, so the 3D bound is theta_init / cosh(eta)
 * (= theta_init * pT / |p|). Without this, forward jets showered into wider cones than central ones. */
static double start_angle(p4 p, double theta_init) { return theta_init * p4_pt(p) / p4_p(p); }

static double opening_angle(p4 a, p4 b)
{
    double c = (a.px * b.px + a.py * b.py + a.pz * b.pz) / (p4_p(a) * p4_p(b));
    return acos(fmax(-1.0, fmin(1.0, c)));
}

static p4 parton_p4(const jetsim_parton *p)
{
    return (p4){p->e * p->n[0], p->e * p->n[1], p->e * p->n[2], p->e};
}

static void parton_set(jetsim_parton *p, p4 v)
{
    double l = p4_p(v);
    if (l <= 0.0)
        return;
    p->e = l; /* partons stay massless */
    p->n[0] = v.px / l, p->n[1] = v.py / l, p->n[2] = v.pz / l;
}

static p4 parton_sum(const jetsim_ws *w, size_t i0, size_t i1)
{
    p4 s = {0, 0, 0, 0};
    for (size_t i = i0; i < i1; i++)
        s = p4_add(s, parton_p4(&w->partons[i]));
    return s;
}

/* Move subsystem [i0, i1) (four-momentum q, mass m) to four-momentum t of the same mass. */
static void retarget(jetsim_ws *w, size_t i0, size_t i1, p4 q, double m, p4 t)
{
    if (m < 1e-3 * q.e) { /* one massless parton (or collinear ones): rescale */
        double f = p4_p(t) / p4_p(q);
        for (size_t i = i0; i < i1; i++) {
            jetsim_parton *p = &w->partons[i];
            p->e *= f;
            if (i1 - i0 == 1)
                parton_set(p, t);
        }
        return;
    }
    p4 qinv = {-q.px, -q.py, -q.pz, q.e};
    for (size_t i = i0; i < i1; i++)
        parton_set(&w->partons[i], p4_boost(p4_boost(parton_p4(&w->partons[i]), qinv, m), t, m));
}

/* Restore the two-body decay of a resonance P (mass M) whose daughters showered into
 * partons [i0, i1) and [i1, i2): a massless-parton shower conserves energy but not the
 * daughters' momenta, which would inflate the jet mass. In P's rest frame the two
 * subsystems are set back to back with the two-body momentum for their (showered)
 * masses, so the partons' sum is exactly P again (the recoil of a real shower). */
static void restore_decay(jetsim_ws *w, p4 P, double M, size_t i0, size_t i1, size_t i2)
{
    p4 pinv = {-P.px, -P.py, -P.pz, P.e};
    for (size_t i = i0; i < i2; i++)
        parton_set(&w->partons[i], p4_boost(parton_p4(&w->partons[i]), pinv, M));
    p4 qa = parton_sum(w, i0, i1), qb = parton_sum(w, i1, i2);
    double ma = p4_mass(qa), mb = p4_mass(qb);
    if (ma + mb < M) {
        double s1 = M * M - (ma + mb) * (ma + mb), s2 = M * M - (ma - mb) * (ma - mb);
        double ps = sqrt(s1 * s2) / (2.0 * M);
        double d[3] = {qa.px - qb.px, qa.py - qb.py, qa.pz - qb.pz};
        double l = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (l > 0.0) {
            p4 ta = {ps * d[0] / l, ps * d[1] / l, ps * d[2] / l, sqrt(ps * ps + ma * ma)};
            p4 tb = {-ta.px, -ta.py, -ta.pz, sqrt(ps * ps + mb * mb)};
            retarget(w, i0, i1, qa, ma, ta);
            retarget(w, i1, i2, qb, mb, tb);
        }
    } /* else: the showered subsystems are heavier than M (rare); leave them */
    for (size_t i = i0; i < i2; i++)
        parton_set(&w->partons[i], p4_boost(parton_p4(&w->partons[i]), P, M));
}

/* Shower a colour-singlet pair from the decay of P (mass M), each daughter inside the
 * pair's opening angle, then restore the decay kinematics. */
static void shower_pair(const jetsim_config *c, p4 P, double M, p4 a, p4 b, snac_rng *r, jetsim_ws *w, size_t *n)
{
    double th = opening_angle(a, b);
    size_t i0 = *n;
    jetsim_shower(parton_from(a, 0, th), c->q0, r, w->partons, n, w->stack, WS_PARTONS);
    size_t i1 = *n;
    jetsim_shower(parton_from(b, 0, th), c->q0, r, w->partons, n, w->stack, WS_PARTONS);
    restore_decay(w, P, M, i0, i1, *n);
}

/* Showered partons of one jet of class cls around `axis` (the initiator's four-momentum). */
static size_t make_partons(const jetsim_config *c, enum ds_jet_class cls, snac_rng *r, jetsim_ws *w, p4 *axis)
{
    double pt = c->pt_lo + (c->pt_hi - c->pt_lo) * rng_uniform(r);
    double eta = c->eta_max * (2.0 * rng_uniform(r) - 1.0);
    double phi = KIN_PI * (2.0 * rng_uniform(r) - 1.0);
    size_t n = 0;
    switch (cls) {
    case DS_JET_G:
    case DS_JET_Q: {
        *axis = p4_from_ptetaphim(pt, eta, phi, 0.0);
        jetsim_parton init = parton_from(*axis, cls == DS_JET_G, start_angle(*axis, c->theta_init));
        jetsim_shower(init, c->q0, r, w->partons, &n, w->stack, WS_PARTONS);
        break;
    }
    case DS_JET_W:
    case DS_JET_Z: {
        double m = cls == DS_JET_W ? jetsim_bw_mass(JETSIM_M_W, JETSIM_G_W, r)
                                   : jetsim_bw_mass(JETSIM_M_Z, JETSIM_G_Z, r);
        double mq = cls == DS_JET_Z && rng_uniform(r) < JETSIM_BR_Z_BB ? JETSIM_M_B : 0.0;
        *axis = p4_from_ptetaphim(pt, eta, phi, m);
        p4 a, b;
        jetsim_decay2(*axis, m, mq, mq, r, &a, &b);
        shower_pair(c, *axis, m, a, b, r, w, &n);
        break;
    }
    case DS_JET_T:
    default: {
        double mt = jetsim_bw_mass(JETSIM_M_T, JETSIM_G_T, r);
        double mw = jetsim_bw_mass(JETSIM_M_W, JETSIM_G_W, r);
        if (mw > mt - JETSIM_M_B - 1.0)
            mw = mt - JETSIM_M_B - 1.0;
        *axis = p4_from_ptetaphim(pt, eta, phi, mt);
        p4 bq, wb, q1, q2;
        jetsim_decay2(*axis, mt, JETSIM_M_B, mw, r, &bq, &wb);
        jetsim_decay2(wb, mw, 0.0, 0.0, r, &q1, &q2);
        /* the b is colour-connected outside the top system: it showers from theta_init */
        jetsim_shower(parton_from(bq, 0, start_angle(bq, c->theta_init)), c->q0, r, w->partons, &n, w->stack, WS_PARTONS);
        size_t nb = n;
        shower_pair(c, wb, mw, q1, q2, r, w, &n);
        restore_decay(w, *axis, mt, 0, nb, n);
        break;
    }
    }
    return n;
}

/* Poisson(mu) by multiplication of uniforms (mu is small). */
static size_t poisson(double mu, snac_rng *r)
{
    double l = exp(-mu), p = 1.0;
    size_t k = 0;
    for (;;) {
        p *= rng_uniform(r);
        if (p <= l || k > 1000)
            return k;
        k++;
    }
}

/* Independent fragmentation does not conserve four-momentum (hadron transverse momenta
 * add invariant mass). As in the momentum-conservation schemes of independent-fragmentation
 * generators, the hadrons are boosted to their own rest frame, their momenta scaled so
 * that their invariant mass equals the partons' one, and boosted to the partons' frame:
 * the hadron system then carries exactly the four-momentum of the showered partons. */
static void conserve_momentum(jetsim_ws *w, size_t n_partons, size_t n_h)
{
    p4 P = parton_sum(w, 0, n_partons), H = {0, 0, 0, 0};
    for (size_t i = 0; i < n_h; i++)
        H = p4_add(H, w->hadrons[i]);
    double mp = p4_mass(P), mh = p4_mass(H);
    if (n_h < 2 || mp <= 0.0 || mh <= 0.0)
        return;
    p4 hinv = {-H.px, -H.py, -H.pz, H.e};
    double a = mp / mh;
    for (size_t i = 0; i < n_h; i++) {
        p4 v = p4_boost(w->hadrons[i], hinv, mh);
        v.px *= a, v.py *= a, v.pz *= a, v.e *= a;
        w->hadrons[i] = p4_boost(v, P, mp);
    }
}

/* ---------------------------------------------------------------- features */

/* Insertion sort of order[0..n) by key descending (n is ~100; nearly sorted input is common). */
static void sort_desc(size_t *order, const double *key, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t o = order[i];
        double k = key[o];
        size_t j = i;
        while (j > 0 && key[order[j - 1]] < k) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = o;
    }
}

void jetsim_jet(const jetsim_config *c, enum ds_jet_class cls, snac_rng *r, jetsim_ws *w, float *constituents,
                double *jet_row)
{
    p4 axis;
    size_t n_partons = make_partons(c, cls, r, w, &axis);
    jetsim_frag_params fp = {c->frag_a, c->frag_stop, c->kt_smear};
    size_t n_h = 0;
    jetsim_hadronize(w->partons, n_partons, &fp, r, w->hadrons, &n_h, WS_HADRONS);
    conserve_momentum(w, n_partons, n_h);

    double ax_eta = p4_eta(axis), ax_phi = p4_phi(axis);
    /* soft underlying activity, uniform in the cone */
    size_t n_ue = poisson(c->ue_mean_n, r);
    for (size_t i = 0; i < n_ue && n_h < WS_HADRONS; i++) {
        double rr = c->R * sqrt(rng_uniform(r)), a = 2.0 * KIN_PI * rng_uniform(r);
        double pt = -c->ue_mean_pt * log(1.0 - rng_uniform(r));
        if (pt < 1e-3)
            pt = 1e-3;
        w->hadrons[n_h++] = p4_from_ptetaphim(pt, ax_eta + rr * cos(a), ax_phi + rr * sin(a), 0.0);
    }
    /* cone around the initiator axis, jet = sum of what is kept; then once more around that
     * jet's axis, so every stored constituent lies within R of the jet it describes */
    size_t n_k = 0;
    p4 jet = {0, 0, 0, 0};
    double c_eta = ax_eta, c_phi = ax_phi;
    for (int pass = 0; pass < 2; pass++) {
        n_k = 0;
        jet = (p4){0, 0, 0, 0};
        for (size_t i = 0; i < n_h; i++) {
            p4 h = w->hadrons[i];
            if (!(p4_pt(h) > 0.0))
                continue;
            double de = p4_eta(h) - c_eta, dp = dphi_wrap(p4_phi(h) - c_phi);
            if (de * de + dp * dp < c->R * c->R) {
                w->kept[n_k++] = h;
                jet = p4_add(jet, h);
            }
        }
        if (n_k == 0)
            break;
        c_eta = p4_eta(jet), c_phi = p4_phi(jet);
    }
    double j_pt = p4_pt(jet), j_eta = p4_eta(jet), j_phi = p4_phi(jet), j_p = p4_p(jet);
    /* principal axis of the pT-weighted (etarel, phirel) cloud, for etarot / phirot */
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n_k; i++) {
        p4 h = w->kept[i];
        double pt = p4_pt(h), de = p4_eta(h) - j_eta, dp = dphi_wrap(p4_phi(h) - j_phi);
        sxx += pt * de * de, syy += pt * dp * dp, sxy += pt * de * dp;
        w->key[i] = pt;
        w->order[i] = i;
    }
    double rot = 0.5 * atan2(2.0 * sxy, sxx - syy), cr = cos(rot), sr = sin(rot);
    sort_desc(w->order, w->key, n_k);
    size_t n_s = n_k < c->n_stored ? n_k : c->n_stored;
    memset(constituents, 0, c->n_stored * DS_JET_N_PFEAT * sizeof *constituents);
    for (size_t s = 0; s < n_s; s++) {
        p4 h = w->kept[w->order[s]];
        float *f = constituents + s * DS_JET_N_PFEAT;
        double pt = p4_pt(h), eta = p4_eta(h), phi = p4_phi(h), p = p4_p(h);
        double de = eta - j_eta, dp = dphi_wrap(phi - j_phi);
        f[DS_PF_PX] = (float)h.px;
        f[DS_PF_PY] = (float)h.py;
        f[DS_PF_PZ] = (float)h.pz;
        f[DS_PF_E] = (float)h.e;
        f[DS_PF_EREL] = (float)(h.e / jet.e);
        f[DS_PF_PT] = (float)pt;
        f[DS_PF_PTREL] = (float)(pt / j_pt);
        f[DS_PF_ETA] = (float)eta;
        f[DS_PF_ETAREL] = (float)de;
        f[DS_PF_ETAROT] = (float)(cr * de + sr * dp);
        f[DS_PF_PHI] = (float)phi;
        f[DS_PF_PHIREL] = (float)dp;
        f[DS_PF_PHIROT] = (float)(-sr * de + cr * dp);
        f[DS_PF_DELTAR] = (float)sqrt(de * de + dp * dp);
        f[DS_PF_COSTHETA] = (float)(h.pz / p);
        f[DS_PF_COSTHETAREL] = (float)((h.px * jet.px + h.py * jet.py + h.pz * jet.pz) / (p * j_p));
    }
    memset(jet_row, 0, DS_JET_N_COLS * sizeof *jet_row);
    jet_row[DS_JET_COL_PT] = j_pt;
    jet_row[DS_JET_COL_ETA] = j_eta;
    jet_row[DS_JET_COL_MASS] = p4_mass(jet);
    jet_row[DS_JET_COL_MULT] = (double)n_k;
    jet_row[DS_JET_LABEL_COL + cls] = 1.0;
}

/* ---------------------------------------------------------------- batches and files */

int jetsim_classes(const jetsim_config *c, size_t n, snac_rng *r, int *cls)
{
    size_t count[DS_JET_CLASS_COUNT], total = 0;
    double rem[DS_JET_CLASS_COUNT];
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++) {
        double e = c->frac[k] * (double)n;
        count[k] = (size_t)floor(e);
        rem[k] = e - floor(e);
        total += count[k];
    }
    while (total < n) { /* largest remainder, lowest class index on ties */
        int best = 0;
        for (int k = 1; k < DS_JET_CLASS_COUNT; k++)
            if (rem[k] > rem[best])
                best = k;
        count[best]++;
        rem[best] = -1.0;
        total++;
    }
    size_t i = 0;
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++)
        for (size_t j = 0; j < count[k]; j++)
            cls[i++] = k;
    for (size_t j = n; j > 1; j--) { /* Fisher-Yates */
        size_t q = (size_t)rng_below(r, j);
        int t = cls[j - 1];
        cls[j - 1] = cls[q];
        cls[q] = t;
    }
    return SNAC_OK;
}

int jetsim_fill(const jetsim_config *c, size_t n, snac_rng *r, jetsim_ws *w, float *constituents, double *jets)
{
    int rc = jetsim_config_check(c);
    if (rc)
        return rc;
    int *cls = malloc((n ? n : 1) * sizeof *cls);
    if (!cls)
        return snac_err_set(SNAC_ENOMEM, "jetsim: out of memory");
    jetsim_classes(c, n, r, cls);
    for (size_t i = 0; i < n; i++)
        jetsim_jet(c, (enum ds_jet_class)cls[i], r, w, constituents + i * c->n_stored * DS_JET_N_PFEAT,
                   jets + i * DS_JET_N_COLS);
    free(cls);
    return SNAC_OK;
}

int jetsim_write_file(const jetsim_config *c, const char *path, size_t n, uint64_t seed, jetsim_ws *w)
{
    int rc = jetsim_config_check(c);
    if (rc)
        return rc;
    float *con = malloc((n ? n : 1) * c->n_stored * DS_JET_N_PFEAT * sizeof *con);
    double *jets = malloc((n ? n : 1) * DS_JET_N_COLS * sizeof *jets);
    if (!con || !jets) {
        free(con);
        free(jets);
        return snac_err_set(SNAC_ENOMEM, "%s: out of memory for %zu jets", path, n);
    }
    snac_rng r;
    rng_seed(&r, seed);
    rc = jetsim_fill(c, n, &r, w, con, jets);
    if (!rc)
        rc = ds_h5_write_jets(path, n, c->n_stored, con, jets);
    free(con);
    free(jets);
    return rc;
}
