/* groom — Cambridge/Aachen reclustering of a jet's constituents and the modified mass-drop
 * tagger (mMDT; soft drop with beta = 0), for the groomed mass j_mass_mmdt (jets column 48).
 *
 * C/A: every pair of pseudojets is at distance Delta R^2 = Delta y^2 + Delta phi^2 (rapidity y,
 * azimuth phi wrapped); the closest pair is merged (E-scheme: four-vectors added) until one
 * pseudojet is left. There is no beam distance (the jet is reclustered as a whole, like
 * FastJet's Recluster with R = max_allowable_R that mMDT uses). The nearest-neighbour
 * bookkeeping is FastJet's "N2Plain" idea: each pseudojet caches its nearest neighbour, and a
 * merge recomputes only the new pseudojet and those whose cached neighbour was merged, so a
 * jet of n constituents costs O(n^2) distance evaluations.
 * mMDT (Dasgupta, Fregoso, Marzani, Salam 2013): decluster from the top, j -> j1, j2; if
 * min(pT1, pT2) / (pT1 + pT2) > z_cut keep j and stop, else follow the harder (larger pT)
 * branch. A single constituent reached this way is the groomed jet.
 *
 * Memory: the caller owns a jetgroom_ws made once by jetgroom_ws_new(cap) for jets of at most
 * `cap` constituents; it holds the cluster tree and the per-pseudojet arrays. Clustering and
 * grooming allocate nothing. Workload: every simulated jet (n ~ 50-200), a few microseconds each.
 */
#ifndef SNAC_DATASETS_GROOM_H
#define SNAC_DATASETS_GROOM_H

#include <stddef.h>
#include <stdint.h>

#include "datasets/kinematics.h"

#define JETGROOM_LEAF SIZE_MAX /* child index of a leaf */

/* One node of the C/A tree: leaves 0..n-1 are the constituents in input order, node n + k is
 * the k-th merge (so merges are in clustering order and the root is node 2n - 2). */
typedef struct jetgroom_node {
    p4 p;          /* four-momentum: E-scheme sum of the leaves below */
    double dr2;    /* Delta R^2 between the two children when they were merged; 0 for a leaf */
    size_t a, b;   /* children, JETGROOM_LEAF for a leaf */
} jetgroom_node;

typedef struct jetgroom_ws jetgroom_ws;

/* Workspace for jets of up to cap >= 1 constituents. */
int jetgroom_ws_new(size_t cap, jetgroom_ws **out);
void jetgroom_ws_free(jetgroom_ws *w); /* NULL is a no-op */

/* Cluster parts[0..n) with C/A into w's tree. n = 0 gives an empty tree; n > cap is an error. */
int jetgroom_ca_cluster(const p4 *parts, size_t n, jetgroom_ws *w);

/* The tree of the last jetgroom_ca_cluster(): (2n - 1) nodes, root last; NULL when n = 0. */
const jetgroom_node *jetgroom_tree(const jetgroom_ws *w, size_t *n_nodes);

/* mMDT on the last clustered tree: the kept four-momentum (zero for an empty tree). */
p4 jetgroom_mmdt_decluster(const jetgroom_ws *w, double zcut);

/* Cluster and groom: *groomed is the mMDT-kept four-momentum of parts[0..n). zcut in [0, 0.5). */
int jetgroom_mmdt(const p4 *parts, size_t n, double zcut, jetgroom_ws *w, p4 *groomed);

#endif
