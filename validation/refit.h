/* refit — the refit driver: a new surrogate version from the synthesis results
 * of one toolchain, its cross-validated error against the parent's on the same
 * held-out folds, and the activation rule.
 *
 * Folds are by architecture: the distinct vrow groups are shuffled with a seeded
 * snac_rng and dealt round-robin into K folds (or, with a hold-out fraction F,
 * ceil(F*G) groups form the single held-out fold), so every row of a network is
 * in one fold. For each fold the candidate is fitted (surr_fit_version, the same
 * fit as the default version) on the other folds and predicts the held-out rows;
 * the parent (the currently active version, fixed) predicts the same rows. The
 * held-out predictions are pooled per target and scored with vstats.
 *
 * Gate (issue 13): the new version may be activated (without --force) only when
 * `gate_ok`: its score is finite and lower than the parent's (by more than REFIT_MAPE_TIE,
 * as every "lower" below) AND no target's
 * held-out MAPE is non-finite (where the parent's is finite) or higher than the
 * parent's AND neither score is above REFIT_GATE_MAX_SCORE (an average error of 10,000x says the
 * ingested results or the parent are broken, not which model is better: the gate refuses to decide);
 * `gate_reason` says which check failed.
 *
 * Rule: score = mean over the gate's targets (opts.gate_targets; by default LUT, FF
 * and DSP; the search passes its objectives') of the pooled held-out MAPE
 * (100|y - p|/|y| over rows with y != 0; a target without such rows is left out
 * of the mean). The candidate is "better" when its score is lower than the
 * parent's. Targets with fewer than fit.min_samples measured rows (in a fold or
 * in the final fit) keep the parent's coefficients, so a refit never turns a
 * fitted target into "no data". Per target, the new version takes the refitted
 * model only where its held-out MAPE is lower than the parent's, else keeps the
 * parent's (reported in `kept`); that choice uses the same folds as the score, so
 * the score of the kept targets is the parent's and the rule compares the rest.
 *
 * Memory: refit_run allocates the samples and per-row predictions and frees
 * them before returning; the new version owns its strings (surr_version_clear).
 * Workload: 10,000 rows x (K + 1) fits of 7 targets: well under a second.
 */
#ifndef SNAC_VALIDATION_REFIT_H
#define SNAC_VALIDATION_REFIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "surrogate/surr_fit.h"
#include "validation/vrows.h"
#include "validation/vstats.h"

/* What the candidate is:
 *   full         a new fit of every target from the results (surr_fit_version, the
 *                same structural fit as the default version);
 *   recalibrate  the parent's model corrected per target, y = a + b * y_parent
 *                (2 non-negative parameters, surr_nnls on relative residuals), which
 *                stays in the same structural model and needs far fewer architectures,
 *                but is affine and order-preserving: it never reorders two candidates;
 *   anchored     the full structural basis fitted by NNLS on the same relative residuals
 *                plus one prior row per coefficient pulling it toward the parent's (a MAP
 *                fit with the parent as the prior mean), the prior worth prior_groups
 *                architectures (< 0: REFIT_FULL_MIN_GROUPS - G, see refit.c); it can
 *                reorder candidates with 3 or more architectures;
 *   auto         full when the training rows span >= REFIT_FULL_MIN_GROUPS
 *                architectures; with 3..11, per target the best on the same held-out folds of
 *                recalibrate and anchored with prior strengths 0, 1 and 12 - G architectures
 *                (report.anchored and .prior_groups say which); below 3, recalibrate
 *                (decided per fold and for the final fit). */
enum refit_mode { REFIT_AUTO, REFIT_FULL, REFIT_RECALIBRATE, REFIT_ANCHORED, REFIT_MODE_COUNT };
extern const char *const refit_mode_names[REFIT_MODE_COUNT]; /* "auto", "full", "recalibrate", "anchored" */
#define REFIT_FULL_MIN_GROUPS 12
#define REFIT_ANCHOR_MIN_GROUPS 3
#define REFIT_GATE_MAX_SCORE 1e6 /* percent */
#define REFIT_MAPE_TIE 1e-9      /* percent: held-out MAPEs closer than this are equal (rounding) */

typedef struct refit_opts {
    enum refit_mode mode;
    size_t kfold;            /* folds (>= 2); ignored when holdout > 0 */
    double holdout;          /* in (0, 1): one split holding out this fraction of architectures */
    uint64_t seed;           /* fold assignment */
    surr_fit_options fit;    /* method, monotone, min_samples (cross_validate is ignored: off) */
    uint32_t gate_targets;   /* bit t: target t is in the rule's score; 0 = REFIT_RULE_TARGETS */
    double prior_groups;     /* anchored: the prior's worth in architectures; < 0 = automatic */
} refit_opts;
#define REFIT_OPTS_INIT ((refit_opts){REFIT_AUTO, 5, 0.0, 511, SURR_FIT_OPTIONS_INIT, 0u, -1.0})

/* The targets the rule averages by default (snac refit, the pipeline). */
#define REFIT_RULE_TARGETS "lut, ff, dsp"
#define REFIT_RULE_MASK ((1u << SURR_T_LUT) | (1u << SURR_T_FF) | (1u << SURR_T_DSP))

typedef struct refit_side {
    vstats t[SURR_T_COUNT];  /* pooled held-out statistics (no bootstrap) */
    double rmse_log[SURR_T_COUNT]; /* held-out RMSE of log1p(p) - log1p(y) */
    double score;            /* the rule's score (NaN when undefined) */
} refit_side;

typedef struct refit_report {
    size_t n_rows, n_groups, n_folds;
    refit_side cand, parent;
    bool better;
    bool gate_ok;            /* may be activated without --force (see the gate above) */
    char gate_reason[160];   /* why not, when !gate_ok */
    enum refit_mode mode;    /* how the final version was fitted (never REFIT_AUTO; ANCHORED when any
                                target took the anchored fit) */
    uint32_t anchored;       /* bit t: target t's model is the anchored fit (else recalibrated/full) */
    double prior_groups[SURR_T_COUNT]; /* the anchored targets' prior strength N0 (NaN elsewhere) */
    uint32_t gate_targets;   /* the targets the score averaged */
    uint32_t inherited;      /* bit t: target t kept the parent's coefficients in the final fit */
    uint32_t kept;           /* bit t: target t kept the parent's model because the refit's held-out
                                MAPE was not lower, or (II, latency) its exact share was lower:
                                cand.t[t] then shows the parent's numbers */
    surr_fit_report fit;     /* the final fit's in-sample report */
} refit_report;

/* Cross-validate and fit a new version of parent->toolchain from rows[0..n)
 * (groups in rows[i].group, 0..n_groups-1). The new version gets family, basis,
 * coefficients, toolchain, parent_id = parent->id, fit_stats (the report as JSON),
 * fitted_on (the synthesis_results ids) and a note; its name is left empty. */
int refit_run(const vrow *rows, size_t n, size_t n_groups, const surr_version *parent, const refit_opts *o,
              surr_version *out, refit_report *rep);

/* The anchored fit alone (mode "anchored" without the folds, see refit.c): every target of
 * parent with data refitted on s[0..n) (groups in 0..n_groups-1) by NNLS with one prior row
 * per coefficient toward the parent's, worth o->prior_groups architectures (< 0: 12 - G).
 * v gets family, basis and per-target models (other fields untouched); rep the rows and
 * sigma_rel per target (n = 0: the target kept the parent's model). */
int refit_anchored(const surr_sample *s, size_t n, size_t n_groups, const refit_opts *o, const surr_version *parent,
                   surr_version *v, surr_fit_report *rep);

/* Store v (name "refit-<toolchain>-<next id>" when empty) with its parent; make it
 * active when `activate`. */
int refit_store(snac_db *db, surr_version *v, bool activate);

#endif
