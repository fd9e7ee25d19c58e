/* jetsim — a fast, seeded simulator of boosted jets for the five hls4ml classes
 * (g, q, W, Z, t), written in the hls4ml HDF5 layout so the jet loader reads it unchanged.
 *
 * Per jet: an initiator of pT uniform in [pt_lo, pt_hi] and |eta| < eta_max;
 *   q / g : one parton showered from angle theta_init (shower.c);
 *   W / Z : Breit-Wigner mass, two-body decay to q q' (Z: incl. b b), each daughter
 *           showered inside the pair's opening angle (colour singlet);
 *   t     : t -> b W -> b q q' (decay.c); b showered from theta_init, W daughters as above;
 * then independent fragmentation (hadronize.c) with the hadrons rescaled to carry the
 * partons' four-momentum (momentum-conservation scheme), Poisson soft underlying activity, the cone
 * cut Delta R < R around the initiator axis, jet = sum of constituents, constituent
 * features relative to the jet axis, sorted by pT, the first n_stored kept (zero-padded).
 * jets row: j_pt, j_eta, j_mass, j_multiplicity (all constituents in the cone) and the
 * one-hot labels; every other column 0. The jetImage arrays are not produced.
 *
 * Memory: a jetsim_ws holds every scratch array (allocated once by jetsim_ws_new);
 * generating a jet allocates nothing. Workload: ~50 k jets/s on one core at -O2.
 */
#ifndef SNAC_DATASETS_JETSIM_H
#define SNAC_DATASETS_JETSIM_H

#include <stddef.h>
#include <stdint.h>

#include "datasets/jets.h"
#include "util/rng.h"

typedef struct jetsim_config {
    double pt_lo, pt_hi;   /* initiator pT window, GeV (default 900, 1100) */
    double eta_max;        /* |eta| of the initiator (default 1.5) */
    double R;              /* jet radius (0.8) */
    double theta_init;     /* first-emission bound of coloured initiators, in (eta, phi) distance (1.0) */
    double q0;             /* shower kT cutoff, GeV (1.0) */
    double frag_a;         /* Field-Feynman a (0.77) */
    double frag_stop;      /* GeV (1.0) */
    double kt_smear;       /* rms transverse momentum of hadrons in fragmentation, GeV (0.3) */
    double ue_mean_n;      /* mean number of soft particles in the cone (3) */
    double ue_mean_pt;     /* their mean pT, exponential, GeV (0.7) */
    double frac[DS_JET_CLASS_COUNT]; /* class fractions g, q, w, z, t (0.2 each) */
    size_t n_stored;       /* constituents stored per jet (30) */
} jetsim_config;

void jetsim_config_init(jetsim_config *c);
/* Check ranges (pt window, fractions summing to 1, n_stored >= 1, ...). */
int jetsim_config_check(const jetsim_config *c);

typedef struct jetsim_ws jetsim_ws;
int jetsim_ws_new(jetsim_ws **out);
void jetsim_ws_free(jetsim_ws *w);

/* One jet of class `cls`: constituents (n_stored, 16) float, jet_row (59) double. */
void jetsim_jet(const jetsim_config *c, enum ds_jet_class cls, snac_rng *r, jetsim_ws *w, float *constituents,
                double *jet_row);

/* Class of each of n jets: exact counts from the fractions (largest remainder), seeded order. */
int jetsim_classes(const jetsim_config *c, size_t n, snac_rng *r, int *cls);

/* n jets into (n, n_stored, 16) and (n, 59) arrays. */
int jetsim_fill(const jetsim_config *c, size_t n, snac_rng *r, jetsim_ws *w, float *constituents, double *jets);

/* Generate n jets from `seed` and write them to `path` (ds_h5_write_jets). */
int jetsim_write_file(const jetsim_config *c, const char *path, size_t n, uint64_t seed, jetsim_ws *w);

#endif
