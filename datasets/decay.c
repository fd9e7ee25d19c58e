/* decay — Breit-Wigner masses and isotropic two-body decays; see decay.h.
 *
 * Two-body momentum in the rest frame: p* = sqrt((m^2 - (m1 + m2)^2)(m^2 - (m1 - m2)^2)) / 2m,
 * E_i = sqrt(p*^2 + m_i^2); direction uniform on the sphere; then p4_boost to the lab.
 * No allocation.
 */
#include "datasets/decay.h"

#include <math.h>

double jetsim_bw_mass(double m, double g, snac_rng *r)
{
    /* inverse CDF of the Cauchy distribution restricted to [m - 15g, m + 15g] */
    double a = atan(-15.0 * 2.0), b = atan(15.0 * 2.0);
    double t = a + (b - a) * rng_uniform(r);
    return m + 0.5 * g * tan(t);
}

void jetsim_decay2(p4 parent, double m, double m1, double m2, snac_rng *r, p4 *d1, p4 *d2)
{
    double s1 = m * m - (m1 + m2) * (m1 + m2), s2 = m * m - (m1 - m2) * (m1 - m2);
    double p = s1 > 0.0 ? sqrt(s1 * s2) / (2.0 * m) : 0.0;
    double cth = 2.0 * rng_uniform(r) - 1.0, sth = sqrt(fmax(0.0, 1.0 - cth * cth));
    double phi = 2.0 * KIN_PI * rng_uniform(r);
    double px = p * sth * cos(phi), py = p * sth * sin(phi), pz = p * cth;
    p4 a = {px, py, pz, sqrt(p * p + m1 * m1)};
    p4 b = {-px, -py, -pz, sqrt(p * p + m2 * m2)};
    *d1 = p4_boost(a, parent, m);
    *d2 = p4_boost(b, parent, m);
}
