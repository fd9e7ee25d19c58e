/* groom — C/A reclustering with cached nearest neighbours, and mMDT declustering; see groom.h.
 *
 * Memory: jetgroom_ws is one malloc'd block (header, tree of 2 cap nodes, per-slot arrays of
 * cap entries) freed by jetgroom_ws_free(). Active pseudojets live in "slots" 0..m-1 (SoA, so
 * the distance scans stream through y[] and phi[]); a merge puts the new pseudojet in the
 * lower slot and moves the last slot into the higher one.
 */
#include "datasets/groom.h"

#include <math.h>
#include <stdlib.h>

#include "util/err.h"

struct jetgroom_ws {
    size_t cap;
    size_t n;            /* constituents of the last clustered jet */
    jetgroom_node *node; /* (2 cap) the C/A tree */
    double *y, *phi;     /* (cap) rapidity and azimuth of the pseudojet in each slot */
    double *nnd;         /* (cap) Delta R^2 to its nearest neighbour */
    size_t *nn;          /* (cap) slot of its nearest neighbour */
    size_t *id;          /* (cap) tree node of the pseudojet in each slot */
    size_t *redo;        /* (cap) slots whose nearest neighbour must be searched again */
    double *d;           /* (cap) distances of one scan */
};

int jetgroom_ws_new(size_t cap, jetgroom_ws **out)
{
    *out = NULL;
    if (cap < 1 || cap > SIZE_MAX / 4 / sizeof(jetgroom_node))
        return snac_err_set(SNAC_EINVAL, "jetgroom: capacity %zu must be in [1, %zu]", cap,
                            SIZE_MAX / 4 / sizeof(jetgroom_node));
    size_t bytes = sizeof(jetgroom_ws) + 2 * cap * sizeof(jetgroom_node) + 4 * cap * sizeof(double) +
                   3 * cap * sizeof(size_t);
    jetgroom_ws *w = malloc(bytes);
    if (!w)
        return snac_err_set(SNAC_ENOMEM, "jetgroom: out of memory for a workspace of %zu constituents", cap);
    /* every member below is 8-byte aligned: the header and each array are multiples of 8 bytes */
    w->cap = cap;
    w->n = 0;
    w->node = (jetgroom_node *)(w + 1);
    w->y = (double *)(w->node + 2 * cap);
    w->phi = w->y + cap;
    w->nnd = w->phi + cap;
    w->d = w->nnd + cap;
    w->nn = (size_t *)(w->d + cap);
    w->id = w->nn + cap;
    w->redo = w->id + cap;
    *out = w;
    return SNAC_OK;
}

void jetgroom_ws_free(jetgroom_ws *w) { free(w); }

/* ---------------------------------------------------------------- coordinates */

/* Rapidity in the numerically safe form 0.5 ln((pT^2 + m^2) / (E + |pz|)^2), sign of pz;
 * a pseudojet along the beam gets +-(1e5 + |pz|) like FastJet's MaxRap convention. */
static double rapidity(p4 a)
{
    double pt2 = a.px * a.px + a.py * a.py;
    double m2 = fmax(0.0, p4_m2(a));
    double ep = a.e + fabs(a.pz);
    if (pt2 + m2 <= 0.0 || ep <= 0.0)
        return a.pz >= 0.0 ? 1e5 + fabs(a.pz) : -1e5 - fabs(a.pz);
    double y = 0.5 * log((pt2 + m2) / (ep * ep));
    return a.pz > 0.0 ? -y : y;
}

static void set_coords(jetgroom_ws *w, size_t s, p4 p)
{
    w->y[s] = rapidity(p);
    w->phi[s] = atan2(p.py, p.px);
}

/* d[t] = Delta R^2 between (ys, ps) and slot t, t in [0, m); the azimuth difference wrapped
 * into [0, pi]. No loop-carried dependency, so the scan runs at throughput, not latency. */
static void dists(const double *y, const double *phi, double ys, double ps, size_t m, double *d)
{
    for (size_t t = 0; t < m; t++) {
        double dy = ys - y[t], dp = fabs(ps - phi[t]), dw = 2.0 * KIN_PI - dp;
        dp = dw < dp ? dw : dp;
        d[t] = dy * dy + dp * dp;
    }
}

/* Index of the smallest d[t], t in [0, m), t != skip (the first one on ties); *best gets its
 * value (HUGE_VAL, index `skip`, if there is none). */
static size_t argmin(const double *d, size_t m, size_t skip, double *best)
{
    double bv = HUGE_VAL;
    size_t k = skip;
    for (size_t t = 0; t < m; t++) {
        double v = t == skip ? HUGE_VAL : d[t];
        k = v < bv ? t : k;
        bv = v < bv ? v : bv;
    }
    *best = bv;
    return k;
}

/* Delta R^2 of slots i and j. */
static double dist2(const double *y, const double *phi, size_t i, size_t j)
{
    double d;
    dists(y + j, phi + j, y[i], phi[i], 1, &d);
    return d;
}

/* Nearest neighbour of slot s among slots 0..m-1. */
static void find_nn(jetgroom_ws *w, size_t s, size_t m)
{
    dists(w->y, w->phi, w->y[s], w->phi[s], m, w->d);
    w->nn[s] = argmin(w->d, m, s, &w->nnd[s]);
}

/* ---------------------------------------------------------------- C/A clustering */

int jetgroom_ca_cluster(const p4 *parts, size_t n, jetgroom_ws *w)
{
    if (n > w->cap)
        return snac_err_set(SNAC_EINVAL, "jetgroom: %zu constituents exceed the workspace capacity %zu", n, w->cap);
    w->n = n;
    double *y = w->y, *phi = w->phi, *nnd = w->nnd;
    size_t *nn = w->nn, *id = w->id;
    for (size_t i = 0; i < n; i++) {
        w->node[i] = (jetgroom_node){parts[i], 0.0, JETGROOM_LEAF, JETGROOM_LEAF};
        set_coords(w, i, parts[i]);
        id[i] = i;
        nnd[i] = HUGE_VAL;
        nn[i] = i;
    }
    /* initial nearest neighbours: each pair once, both ends updated */
    double *d = w->d;
    for (size_t i = 0; i + 1 < n; i++) {
        size_t r = n - i - 1;
        dists(y + i + 1, phi + i + 1, y[i], phi[i], r, d);
        for (size_t j = 0; j < r; j++)
            if (d[j] < nnd[i + 1 + j])
                nnd[i + 1 + j] = d[j], nn[i + 1 + j] = i;
        double best;
        size_t bj = argmin(d, r, SIZE_MAX, &best) + i + 1;
        if (best < nnd[i])
            nnd[i] = best, nn[i] = bj;
    }
    size_t m = n, next = n;
    while (m > 1) {
        /* the globally closest pair is some slot and its cached neighbour */
        size_t a = 0;
        for (size_t s = 1; s < m; s++)
            if (nnd[s] < nnd[a])
                a = s;
        size_t b = nn[a];
        if (b < a) {
            size_t t = a;
            a = b, b = t;
        }
        jetgroom_node *k = &w->node[next];
        k->a = id[a], k->b = id[b];
        k->p = p4_add(w->node[id[a]].p, w->node[id[b]].p);
        k->dr2 = dist2(y, phi, a, b);
        /* drop slot b (the last slot moves in), the merged pseudojet takes slot a (a < b <= last) */
        size_t last = m - 1;
        if (b != last) {
            y[b] = y[last], phi[b] = phi[last], nnd[b] = nnd[last], nn[b] = nn[last], id[b] = id[last];
        }
        m--;
        set_coords(w, a, k->p);
        id[a] = next++;
        nnd[a] = HUGE_VAL;
        nn[a] = a;
        /* one pass: rename references to the moved slot, collect slots that pointed at a or b,
         * and offer the new pseudojet as a neighbour to everyone (finding its own on the way) */
        size_t n_redo = 0;
        dists(y, phi, y[a], phi[a], m, d);
        for (size_t s = 0; s < m; s++) {
            size_t t = nn[s];
            if (t == a || t == b) {
                if (s != a)
                    w->redo[n_redo++] = s; /* searched again below */
            } else if (t == last) {
                nn[s] = b;
            }
            if (d[s] < nnd[s] && s != a)
                nnd[s] = d[s], nn[s] = a;
        }
        double best;
        size_t bj = argmin(d, m, a, &best);
        nnd[a] = best, nn[a] = bj;
        for (size_t r = 0; r < n_redo; r++)
            find_nn(w, w->redo[r], m);
    }
    return SNAC_OK;
}

const jetgroom_node *jetgroom_tree(const jetgroom_ws *w, size_t *n_nodes)
{
    *n_nodes = w->n ? 2 * w->n - 1 : 0;
    return w->n ? w->node : NULL;
}

/* ---------------------------------------------------------------- mMDT */

p4 jetgroom_mmdt_decluster(const jetgroom_ws *w, double zcut)
{
    if (w->n == 0)
        return (p4){0, 0, 0, 0};
    size_t k = 2 * w->n - 2;
    while (w->node[k].a != JETGROOM_LEAF) {
        const jetgroom_node *j = &w->node[k];
        double pt1 = p4_pt(w->node[j->a].p), pt2 = p4_pt(w->node[j->b].p);
        if (fmin(pt1, pt2) > zcut * (pt1 + pt2))
            break;
        k = pt1 >= pt2 ? j->a : j->b;
    }
    return w->node[k].p;
}

int jetgroom_mmdt(const p4 *parts, size_t n, double zcut, jetgroom_ws *w, p4 *groomed)
{
    if (!(zcut >= 0.0 && zcut < 0.5))
        return snac_err_set(SNAC_EINVAL, "jetgroom: z_cut %g must be in [0, 0.5)", zcut);
    int rc = jetgroom_ca_cluster(parts, n, w);
    if (rc)
        return rc;
    *groomed = jetgroom_mmdt_decluster(w, zcut);
    return SNAC_OK;
}
