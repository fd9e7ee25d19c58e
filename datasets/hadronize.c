/* hadronize — independent fragmentation of showered partons; see hadronize.h. */
#include "datasets/hadronize.h"

#include <math.h>

static double frag_z(double a, snac_rng *r)
{
    /* mixture: uniform with weight 1 - a, 3 (1 - z)^2 with weight a */
    if (rng_uniform(r) >= a)
        return rng_uniform(r);
    return 1.0 - cbrt(1.0 - rng_uniform(r));
}

/* Hadron of energy e along n with transverse momentum (k1, k2) in the (e1, e2) plane;
 * the transverse part is capped at e / 2 (at most ~27 degrees off the parton). */
static void emit(const double n[3], const double e1[3], const double e2[3], double e, double k1, double k2,
                 p4 *h)
{
    double kt2 = k1 * k1 + k2 * k2;
    if (kt2 > 0.25 * e * e) {
        double s = 0.5 * e / sqrt(kt2);
        k1 *= s, k2 *= s;
    }
    h->px = e * n[0] + k1 * e1[0] + k2 * e2[0];
    h->py = e * n[1] + k1 * e1[1] + k2 * e2[1];
    h->pz = e * n[2] + k1 * e1[2] + k2 * e2[2];
    h->e = p4_p(*h);
}

/* String-break picture: break j creates a q qbar pair with transverse momenta +-k_j, so
 * hadron j carries k_j - k_(j-1) (k_0 = 0) and the last hadron -k_last: the transverse
 * momenta of a parton's hadrons sum to zero (local compensation, as in Field-Feynman). */
static void fragment(const double n[3], double e, const jetsim_frag_params *fp, snac_rng *r, p4 *hadrons,
                     size_t *n_out, size_t cap)
{
    double e1[3], e2[3];
    ortho_basis(n, e1, e2);
    /* rms pair transverse momentum kt_sigma: sigma / sqrt(2) per component */
    double sigma = fp->kt_sigma * 0.7071067811865476, rest = e;
    double pk1 = 0.0, pk2 = 0.0; /* transverse momentum of the previous break's quark */
    for (;;) {
        double eh = frag_z(fp->a, r) * rest;
        if (rest - eh < fp->e_stop || *n_out + 1 >= cap) {
            if (*n_out < cap) /* the remainder is the last hadron */
                emit(n, e1, e2, rest, -pk1, -pk2, &hadrons[(*n_out)++]);
            return;
        }
        rest -= eh;
        double k1 = sigma * rng_normal(r), k2 = sigma * rng_normal(r);
        emit(n, e1, e2, eh, k1 - pk1, k2 - pk2, &hadrons[(*n_out)++]);
        pk1 = k1, pk2 = k2;
    }
}

void jetsim_hadronize(const jetsim_parton *partons, size_t n, const jetsim_frag_params *fp, snac_rng *r,
                      p4 *hadrons, size_t *n_out, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        const jetsim_parton *p = &partons[i];
        if (p->gluon) {
            double z = rng_uniform(r);
            fragment(p->n, z * p->e, fp, r, hadrons, n_out, cap);
            fragment(p->n, (1.0 - z) * p->e, fp, r, hadrons, n_out, cap);
        } else {
            fragment(p->n, p->e, fp, r, hadrons, n_out, cap);
        }
    }
}
