/* decay — resonance masses and two-body decays for the jet simulator.
 *
 * W (80.4) -> q q', Z (91.2) -> q q (b b with the measured ~15% fraction), and
 * t (172.5) -> b W -> b q q' as two sequential two-body decays: isotropic in each rest
 * frame, exact two-body momenta with the daughters' masses, boosted to the lab.
 * Masses are drawn from a Breit-Wigner (Cauchy) truncated at +-15 widths.
 * No allocation.
 */
#ifndef SNAC_DATASETS_DECAY_H
#define SNAC_DATASETS_DECAY_H

#include "datasets/kinematics.h"
#include "util/rng.h"

#define JETSIM_M_W 80.4
#define JETSIM_G_W 2.085
#define JETSIM_M_Z 91.1876
#define JETSIM_G_Z 2.4952
#define JETSIM_M_T 172.5
#define JETSIM_G_T 1.42
#define JETSIM_M_B 4.8
#define JETSIM_BR_Z_BB 0.151 /* Z -> b bbar among Z -> hadrons */

/* Mass from a Breit-Wigner of pole m and width g, truncated to m +- 15 g. */
double jetsim_bw_mass(double m, double g, snac_rng *r);

/* Isotropic two-body decay of `parent` (invariant mass m) into masses m1, m2 (m1 + m2 < m);
 * daughters in the lab frame. */
void jetsim_decay2(p4 parent, double m, double m1, double m2, snac_rng *r, p4 *d1, p4 *d2);

#endif
