/* shower — angular-ordered parton shower with the veto algorithm; see shower.h.
 *
 * For a parton of energy E at angle bound theta, the emission density is
 *   dP = (alpha_s(kT) / 2pi) P(z) dz dtheta^2 / theta^2,   kT = z (1 - z) E theta > q0.
 * Overestimates (alpha_s -> alpha_s(q0), kernels -> g(z) below) make the no-emission
 * probability between theta and theta' a power law: theta'^2 = theta^2 U^(1/c), with
 * c = alpha_max / (2 pi) * integral of g over [zmin, 1 - zmin] at the current theta.
 * A trial is kept with probability alpha_s(kT) P(z) / (alpha_max g(z)); vetoed trials
 * continue from theta' (Sjostrand et al., "veto algorithm").
 *   q -> q g : P = C_F (1 + z^2)/(1 - z),          g = 2 C_F / (1 - z)
 *   g -> g g : P = C_A (1 - z (1 - z))^2/(z(1-z)), g = C_A / (z (1 - z))
 *   g -> q q : P = n_f T_R (z^2 + (1 - z)^2),      g = n_f T_R
 * Memory: caller-provided arrays only.
 */
#include "datasets/shower.h"

#include <math.h>

#include "datasets/kinematics.h"

#define C_F (4.0 / 3.0)
#define C_A 3.0
#define T_R 0.5
#define N_F 5.0
#define MZ 91.1876

double jetsim_alpha_s(double q)
{
    /* 1 / alpha_s(Q) = 1 / alpha_s(mZ) + b0 ln(Q^2 / mZ^2), b0 = (33 - 2 n_f) / (12 pi) */
    const double b0 = (33.0 - 2.0 * N_F) / (12.0 * KIN_PI);
    if (q < 0.5)
        q = 0.5;
    return 1.0 / (1.0 / 0.118 + b0 * log(q * q / (MZ * MZ)));
}

/* Daughters of a splitting of `p` at angle theta with energy fraction z for daughter a:
 * a at angle (1 - z) theta, b at z theta on the opposite side (transverse balance). */
static void split(const jetsim_parton *p, double z, double theta, double phi, jetsim_parton *a,
                  jetsim_parton *b)
{
    double e1[3], e2[3];
    ortho_basis(p->n, e1, e2);
    double c = cos(phi), s = sin(phi);
    double t[3] = {c * e1[0] + s * e2[0], c * e1[1] + s * e2[1], c * e1[2] + s * e2[2]};
    double ta = (1.0 - z) * theta, tb = z * theta;
    double ca = cos(ta), sa = sin(ta), cb = cos(tb), sb = sin(tb);
    for (int k = 0; k < 3; k++) {
        a->n[k] = ca * p->n[k] + sa * t[k];
        b->n[k] = cb * p->n[k] - sb * t[k];
    }
    a->e = z * p->e;
    b->e = (1.0 - z) * p->e;
    a->theta = b->theta = theta;
}

/* Try to find the next splitting of p below p->theta. Returns 1 and fills a, b on a
 * splitting, 0 when the parton is final. */
static int next_splitting(jetsim_parton *p, double q0, double alpha_max, snac_rng *r, jetsim_parton *a,
                          jetsim_parton *b)
{
    double theta = p->theta, e = p->e;
    for (;;) {
        double x = 4.0 * q0 / (e * theta);
        if (x >= 1.0)
            return 0;
        double zmin = 0.5 * (1.0 - sqrt(1.0 - x));
        double lz = log((1.0 - zmin) / zmin);
        double i_qg = 2.0 * C_F * lz, i_gg = 2.0 * C_A * lz, i_qq = N_F * T_R * (1.0 - 2.0 * zmin);
        double itot = p->gluon ? i_gg + i_qq : i_qg;
        double c = alpha_max / (2.0 * KIN_PI) * itot;
        double u = 1.0 - rng_uniform(r); /* (0, 1] */
        theta *= sqrt(pow(u, 1.0 / c));
        if (4.0 * q0 >= e * theta)
            return 0;
        double z, accept;
        int channel; /* 0 q->qg, 1 g->gg, 2 g->qq */
        if (!p->gluon) {
            channel = 0;
            double omz = zmin * exp(rng_uniform(r) * lz); /* 1 - z log-uniform in [zmin, 1 - zmin] */
            z = 1.0 - omz;
            accept = 0.5 * (1.0 + z * z);
        } else if (rng_uniform(r) * itot < i_gg) {
            channel = 1;
            double v = (2.0 * rng_uniform(r) - 1.0) * lz; /* log(z / (1 - z)) uniform */
            z = 1.0 / (1.0 + exp(-v));
            double w = 1.0 - z * (1.0 - z);
            accept = w * w;
        } else {
            channel = 2;
            z = zmin + (1.0 - 2.0 * zmin) * rng_uniform(r);
            accept = z * z + (1.0 - z) * (1.0 - z);
        }
        double kt = z * (1.0 - z) * e * theta;
        if (kt <= q0)
            continue;
        accept *= jetsim_alpha_s(kt) / alpha_max;
        if (rng_uniform(r) >= accept)
            continue;
        split(p, z, theta, 2.0 * KIN_PI * rng_uniform(r), a, b);
        a->gluon = channel == 2 ? 0 : (channel == 1 ? 1 : 0); /* q->qg: a is the quark */
        b->gluon = channel == 2 ? 0 : 1;
        return 1;
    }
}

void jetsim_shower(jetsim_parton in, double q0, snac_rng *r, jetsim_parton *out, size_t *n_out,
                   jetsim_parton *stack, size_t cap)
{
    double alpha_max = jetsim_alpha_s(q0);
    size_t top = 0;
    stack[top++] = in;
    while (top > 0) {
        jetsim_parton p = stack[--top], a, b;
        /* room for both daughters on the stack and, eventually, in out */
        if (top + 2 <= cap && *n_out + top + 2 < cap && next_splitting(&p, q0, alpha_max, r, &a, &b)) {
            stack[top++] = a;
            stack[top++] = b;
        } else if (*n_out < cap) {
            out[(*n_out)++] = p;
        }
    }
}
