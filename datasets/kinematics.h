/* kinematics — small four-vector helpers for the jet simulator (GeV, natural units).
 *
 * Header-only, no allocation. A p4 is (px, py, pz, e); directions are unit 3-vectors.
 */
#ifndef SNAC_DATASETS_KINEMATICS_H
#define SNAC_DATASETS_KINEMATICS_H

#include <math.h>

#define KIN_PI 3.14159265358979323846

typedef struct p4 {
    double px, py, pz, e;
} p4;

static inline p4 p4_add(p4 a, p4 b) { return (p4){a.px + b.px, a.py + b.py, a.pz + b.pz, a.e + b.e}; }
static inline double p4_pt(p4 a) { return hypot(a.px, a.py); }
static inline double p4_p(p4 a) { return sqrt(a.px * a.px + a.py * a.py + a.pz * a.pz); }
static inline double p4_m2(p4 a) { return a.e * a.e - a.px * a.px - a.py * a.py - a.pz * a.pz; }
static inline double p4_mass(p4 a)
{
    double m2 = p4_m2(a);
    return m2 > 0.0 ? sqrt(m2) : 0.0;
}
static inline double p4_eta(p4 a)
{
    double pt = p4_pt(a);
    return pt > 0.0 ? asinh(a.pz / pt) : (a.pz >= 0.0 ? 1e9 : -1e9);
}
static inline double p4_phi(p4 a) { return atan2(a.py, a.px); }

/* phi difference wrapped into [-pi, pi). */
static inline double dphi_wrap(double d)
{
    while (d >= KIN_PI)
        d -= 2.0 * KIN_PI;
    while (d < -KIN_PI)
        d += 2.0 * KIN_PI;
    return d;
}

/* Four-vector from transverse momentum, pseudorapidity, azimuth and mass. */
static inline p4 p4_from_ptetaphim(double pt, double eta, double phi, double m)
{
    p4 a = {pt * cos(phi), pt * sin(phi), pt * sinh(eta), 0.0};
    double p = pt * cosh(eta);
    a.e = sqrt(p * p + m * m);
    return a;
}

/* Boost `d`, given in the rest frame of `parent` (mass m > 0), to the frame where the
 * parent has four-momentum `parent`. */
static inline p4 p4_boost(p4 d, p4 parent, double m)
{
    double bx = parent.px / parent.e, by = parent.py / parent.e, bz = parent.pz / parent.e;
    double g = parent.e / m;
    double bp = bx * d.px + by * d.py + bz * d.pz;
    double k = g * g / (g + 1.0) * bp + g * d.e;
    return (p4){d.px + k * bx, d.py + k * by, d.pz + k * bz, g * (d.e + bp)};
}

/* Two unit vectors orthogonal to unit vector n (and to each other). */
static inline void ortho_basis(const double n[3], double e1[3], double e2[3])
{
    /* cross with the axis least aligned with n */
    double a[3] = {0, 0, 0};
    double ax = fabs(n[0]), ay = fabs(n[1]), az = fabs(n[2]);
    a[ax <= ay && ax <= az ? 0 : (ay <= az ? 1 : 2)] = 1.0;
    e1[0] = n[1] * a[2] - n[2] * a[1];
    e1[1] = n[2] * a[0] - n[0] * a[2];
    e1[2] = n[0] * a[1] - n[1] * a[0];
    double l = sqrt(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
    e1[0] /= l, e1[1] /= l, e1[2] /= l;
    e2[0] = n[1] * e1[2] - n[2] * e1[1];
    e2[1] = n[2] * e1[0] - n[0] * e1[2];
    e2[2] = n[0] * e1[1] - n[1] * e1[0];
}

#endif
