/* hadronize — a simple independent-fragmentation model (Field & Feynman 1978 style).
 *
 * Each final parton fragments along its direction: hadrons take successive fractions z of
 * the remaining energy, z ~ f(z) = (1 - a) + 3a (1 - z)^2, until less than `e_stop` GeV
 * remains (that rest is the last hadron). A gluon first splits into a q qbar pair
 * (z uniform), each fragmenting. Each string break makes a q qbar pair with Gaussian
 * transverse momenta +-k (rms `kt_sigma` GeV), so hadron transverse momenta relative to
 * the parton are locally compensated and sum to zero; hadrons are massless.
 * No allocation: hadrons are appended to a caller array of `cap` entries.
 */
#ifndef SNAC_DATASETS_HADRONIZE_H
#define SNAC_DATASETS_HADRONIZE_H

#include <stddef.h>

#include "datasets/kinematics.h"
#include "datasets/shower.h"
#include "util/rng.h"

typedef struct jetsim_frag_params {
    double a;         /* Field-Feynman a (0.77) */
    double e_stop;    /* stop fragmenting below this remaining energy, GeV */
    double kt_sigma;  /* rms transverse momentum of a string-break pair, GeV */
} jetsim_frag_params;

void jetsim_hadronize(const jetsim_parton *partons, size_t n, const jetsim_frag_params *fp, snac_rng *r,
                      p4 *hadrons, size_t *n_out, size_t cap);

#endif
