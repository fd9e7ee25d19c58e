/* surr_store — surrogate versions and predictions in the SQLite store
 * (tables surrogate_versions and predictions of schema v1, see store/db.h).
 *
 * A version row holds the coefficient blob (surr_coef_encode), family, basis
 * version, toolchain, parent, fit statistics JSON, the ids of the data it was
 * fitted on, a note and the active flag (at most one active per toolchain).
 *
 * Memory: loaded versions own their strings (surr_version_clear).
 * Workload: one row per version; seven rows per stored prediction.
 */
#ifndef SNAC_SURROGATE_SURR_STORE_H
#define SNAC_SURROGATE_SURR_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "surrogate/surr_model.h"

/* Insert v (one transaction); sets v->id. With activate, it becomes the active
 * version of its toolchain (the previous one is deactivated in the same transaction). */
int surr_version_insert(snac_db *db, surr_version *v, bool activate);
/* Make version id the active one of its toolchain. */
int surr_version_activate(snac_db *db, int64_t id);
int surr_version_load(snac_db *db, int64_t id, surr_version *out);
int surr_version_load_name(snac_db *db, const char *name, surr_version *out);
/* SNAC_ENOTFOUND when the toolchain has no active version. */
int surr_version_load_active(snac_db *db, enum surr_toolchain tc, surr_version *out);
/* "ID" or a name. */
int surr_version_load_ref(snac_db *db, const char *ref, surr_version *out);
/* The active version of tc; when there is none (or the active one is of the
 * older log-linear family, which this tool cannot evaluate), read the default
 * from the shipped coefficients, store it and activate it (*created = true). */
int surr_version_ensure_default(snac_db *db, enum surr_toolchain tc, surr_version *out, bool *created);

/* Store one prediction (a row per target plus avg_resource_pct and latency_ns),
 * in one transaction (the caller's, when one is open), with each target's 95% interval (p->lo, p->hi; NaN is
 * stored as NULL). model_id 0 = not a stored model. */
int surr_prediction_insert(snac_db *db, int64_t version_id, int64_t model_id, const char *spec_sha256,
                           const surr_prediction *p);

#endif
