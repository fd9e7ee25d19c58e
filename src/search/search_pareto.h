/* search_pareto — the Pareto front of a stored search run, as a table, CSV or JSON.
 *
 * The front is taken over every trained trial of the run ('done' rows; failed and
 * cached rows add nothing new) at full fidelity (a multi-fidelity run's trials that
 * stopped at a lower rung, trials.epochs_done < search.epochs, are left out: their
 * accuracies are not comparable): the feasible (violation 0) trials that no other
 * feasible trial dominates in the run's objectives; when no trial is feasible, the
 * least-violating ones. Architectures seen twice are listed once. Each row carries the
 * trial's accuracy, both BOPs, its objective values and the surrogate's predictions
 * (from `predictions`, matched by spec hash and the run's surrogate version).
 *
 * Memory: rows are read into heap arrays freed before return.
 * Workload: O(T^2 M) over T trials of the run (500 in the paper: instant).
 */
#ifndef SNAC_SEARCH_SEARCH_PARETO_H
#define SNAC_SEARCH_SEARCH_PARETO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/db.h"

enum search_pareto_format { SEARCH_PARETO_TEXT, SEARCH_PARETO_CSV, SEARCH_PARETO_JSON, SEARCH_PARETO_FORMAT_COUNT };
extern const char *const search_pareto_format_names[SEARCH_PARETO_FORMAT_COUNT]; /* "text", "csv", "json" */

typedef struct search_pareto_opts {
    int64_t run_id;
    enum search_pareto_format format;
    bool all; /* every trained trial, not only the front (front members flagged) */
    size_t n_hv_ref; /* > 0: the text ends with the front's hypervolume w.r.t. this reference point */
    double hv_ref[8]; /* natural units per objective (accuracy as a fraction, its worst acceptable value) */
    /* NULL: the objectives stored with each trial; else every trial re-scored from its stored model
     * by this surrogate version (id or name). A closed-loop search (issue 20) scored its trials with
     * several versions; this is its front in one. Stores nothing. */
    const char *surrogate;
} search_pareto_opts;

/* Trial ids and validation accuracies of the front members of search run run_id, in trial
 * order (malloc'd arrays; the caller frees both). */
int search_pareto_front_trials(snac_db *db, int64_t run_id, int64_t **ids, double **acc, size_t *n);

/* Write the front of run o->run_id to out (scored by o->surrogate); *n_front (may be NULL) = front size. */
int search_pareto_write(snac_db *db, const search_pareto_opts *o, FILE *out, size_t *n_front);

#endif
