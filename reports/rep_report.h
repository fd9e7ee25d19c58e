/* rep_report — `snac report`: one self-contained, deterministic HTML page with inline SVG
 * plots of a store: global search fronts (the paper's Figures 1-4), local search curves,
 * surrogate validation, the ablation, and the runs' configs and provenance.
 *
 * Which runs: the given run ids (search runs get the global-search figures, local runs the
 * local-search ones; other kinds appear in the provenance), or every run of the store.
 * The validation and ablation sections cover the whole store.
 *
 * Determinism: the page depends only on the database's content and the run list (no
 * "now", every query ordered, fixed number formats), so the same store gives the same bytes.
 *
 * Memory: the page is built in memory (about 0.5 MB for a 500-trial search) and freed.
 * Workload: tens of milliseconds for the paper-scale store.
 */
#ifndef SNAC_REPORTS_REP_REPORT_H
#define SNAC_REPORTS_REP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "reports/rep_buf.h"
#include "store/db.h"

/* Build the page into out (a strbuf the caller frees). runs may be NULL when n_runs is 0.
 * A run id that does not exist is SNAC_ENOTFOUND. */
int rep_report_build(snac_db *db, const int64_t *runs, size_t n_runs, strbuf *out);

/* Build the page and write it to `path` (through a temporary file renamed into place, so a
 * failure leaves no file behind). This is what `snac report` and the end of a pipeline call. */
int rep_report_write(snac_db *db, const int64_t *runs, size_t n_runs, const char *path);

#endif
