/* rep_sections — the sections of `snac report`, one writer per section (one file each:
 * rep_global.c, rep_local.c, rep_valid.c, rep_ablation.c, rep_prov.c), and what they share.
 *
 * Every writer reads the store through SQL with a total ORDER BY, formats numbers with fixed
 * precision and never prints the current time, so the same database gives the same bytes.
 * Each returns 0 or a negative SNAC_E* code with a message (util/err.h).
 *
 * Memory: each writer frees what it read before returning. Workload: a 500-trial search,
 * a few local runs, tens to hundreds of synthesis results: milliseconds to tens of them.
 */
#ifndef SNAC_REPORTS_REP_SECTIONS_H
#define SNAC_REPORTS_REP_SECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "reports/rep_buf.h"
#include "store/db.h"

/* A readable architecture from an arch JSON column: "24-64-32-5 relu bn". */
#define REP_ARCH_SQL(col)                                                                          \
    "(json_extract(" col ",'$.n_in') || '-' || ifnull((SELECT group_concat(value, '-') FROM "    \
    "json_each(" col ", '$.hidden')) || '-', '') || json_extract(" col ",'$.n_out') || ' ' || " \
    "ifnull(json_extract(" col ",'$.activation'), '') || CASE WHEN json_extract(" col            \
    ",'$.batch_norm') THEN ' bn' ELSE '' END)"

/* A REAL column, NaN when NULL. */
double rep_col_real(sqlite3_stmt *st, int col);
/* A TEXT column copied into buf (empty when NULL). */
void rep_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap);
/* Whether the store has a table of this name. */
int rep_table_exists(snac_db *db, const char *name, int *exists);

/* Global search run: Figures 1-4 of the paper (all trials faint, the front highlighted, the
 * baseline marked when a train run exists) and the trial table. */
int rep_global_section(snac_db *db, int64_t run_id, strbuf *b);
/* Local search run: validation and test accuracy vs sparsity per chain (trial, bits),
 * predicted average resources vs sparsity, and the iteration table. */
int rep_local_section(snac_db *db, int64_t run_id, strbuf *b);
/* Validation: predicted vs synthesized per target, error histograms per surrogate version,
 * statistics (stored validation_stats and recomputed from the plotted pairs). */
int rep_valid_section(snac_db *db, strbuf *b);
/* Ablation: from the tables `snac ablate` writes, ablation_models and ablation_sets (see rep_ablation.c). */
int rep_ablation_section(snac_db *db, strbuf *b);
/* Runs, their configs, seeds, versions and the commands that reproduce them; the surrogate
 * versions. runs[0..n) (n = 0: every run). */
int rep_prov_section(snac_db *db, const int64_t *runs, size_t n, strbuf *b);

#endif
