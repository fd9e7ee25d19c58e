/* shower — an angular-ordered final-state parton shower (leading-log, collinear limit).
 *
 * Evolution variable: the opening angle theta of each splitting, strictly decreasing along
 * every branch (angular ordering = soft-gluon coherence). Splittings q -> q g (C_F = 4/3),
 * g -> g g (C_A = 3), g -> q qbar (n_f = 5, T_R = 1/2) with the LO DGLAP kernels; one-loop
 * running alpha_s(kT) with alpha_s(m_Z) = 0.118, kT = z (1 - z) E theta, cutoff kT > q0.
 * Sampled with the veto algorithm. Partons are massless; energy is conserved exactly at
 * each splitting, momentum up to O(theta^3).
 *
 * Memory: none; the caller passes the output array and a stack (both sized `cap`).
 * Workload: tens of splittings per TeV parton, a few veto trials each.
 */
#ifndef SNAC_DATASETS_SHOWER_H
#define SNAC_DATASETS_SHOWER_H

#include <stddef.h>

#include "util/rng.h"

typedef struct jetsim_parton {
    double e;        /* energy, GeV */
    double n[3];     /* unit direction */
    int gluon;       /* 1 gluon, 0 quark/antiquark */
    double theta;    /* upper bound on this parton's next splitting angle */
} jetsim_parton;

/* Shower `in` (with in.theta the first angle bound); final partons appended to out[*n_out..cap).
 * `stack` is scratch of `cap` entries. When out or stack would overflow, partons stop
 * branching (energy is still conserved). */
void jetsim_shower(jetsim_parton in, double q0, snac_rng *r, jetsim_parton *out, size_t *n_out,
                   jetsim_parton *stack, size_t cap);

/* One-loop alpha_s(Q) for n_f = 5 with alpha_s(91.1876) = 0.118, frozen below 0.5 GeV. */
double jetsim_alpha_s(double q);

#endif
