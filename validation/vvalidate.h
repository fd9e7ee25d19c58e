/* vvalidate — `snac validate`: error statistics of a surrogate toolchain's
 * predictions against the real synthesis numbers, stored in validation_stats.
 *
 * Two comparisons per target (vstats.h for the statistics):
 *   fresh   every row of the toolchain whose spec can be rebuilt (vrows.h),
 *           predicted now by the version under test;
 *   stored  rows linked to a model (model_id) that has a stored prediction
 *           (predictions table): the FIRST prediction stored for that model (the
 *           one the search made), grouped by the version that made it.
 * Each block is written to validation_stats as one row per target with n > 0
 * (version_id, toolchain, target, prediction_kind, n, stats JSON), all in one
 * transaction.
 *
 * Memory: a vval_report owns its stored blocks (vval_report_free).
 * Workload: a few thousand rows, 1000 bootstrap resamples per target: ~1 s.
 */
#ifndef SNAC_VALIDATION_VVALIDATE_H
#define SNAC_VALIDATION_VVALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "surrogate/surr_model.h"
#include "validation/vrows.h"
#include "validation/vstats.h"

enum vval_kind { VVAL_STORED, VVAL_FRESH, VVAL_KIND_COUNT };
extern const char *const vval_kind_names[VVAL_KIND_COUNT]; /* "stored", "fresh" (validation_stats values) */

typedef struct vval_block {
    enum vval_kind kind;
    int64_t version_id;
    char version_name[96];
    vstats t[SURR_T_COUNT];
} vval_block;

typedef struct vval_report {
    enum surr_toolchain tc;
    size_t n_rows, n_groups, n_no_spec, n_other, n_unmapped;
    vrow_skip *skip;             /* the n_no_spec rows skipped: id and reason (owned) */
    size_t n_with_stored;        /* rows with a stored prediction */
    size_t n_weights_missing;    /* rows whose spec's weights path cannot be read (vrows) */
    int64_t first_weights_missing;
    vval_block fresh;
    vval_block *stored;          /* one per version that made stored predictions */
    size_t n_stored;
} vval_report;

/* Compare version v (fresh) and the stored predictions with the results of toolchain tc. */
int vval_run(snac_db *db, enum surr_toolchain tc, const surr_version *v, const vstats_opts *o, vval_report *rep);
/* Write the report's blocks to validation_stats (one transaction). */
int vval_store(snac_db *db, const vval_report *rep);
void vval_report_free(vval_report *rep);

#endif
