/* vrows — the synthesis results of one surrogate toolchain, ready for
 * validation and refit: each row's surrogate features (its spec rebuilt), its
 * real numbers per surrogate target and its architecture group.
 *
 * Which rows: every synthesis_results row whose (toolchain, tool_version) maps
 * to `tc` (vtoolchain.h), linked to a model (model_id) or carrying a spec JSON.
 * The spec comes from, in order: the spec JSON (either a spec file's layout,
 * {"model":{"widths":..},"precision":..,"hls":..}, see surrogate/surr_specio.h,
 * or a report's {"layers":[..],"reuse_factor":..,"precision":..,"strategy":..,
 * "io_type":..}, see ingest_spec.h), else the stored model (exact weights).
 * The row's own columns then override: part (any name; an unknown part gives
 * absolute predictions, surr_part_lookup), target clock, and the reuse factor only
 * for specs that do not carry their own (a stored model, or a report-layout spec
 * without "reuse_factor": the firmware's per-layer RFs are never overwritten by
 * the project's one column); the toolchain is `tc`.
 * Rows of tc that cannot be used are listed in `skip` with their id and why.
 *
 * Targets: lut, ff, dsp, bram18, uram as stored; latency_cycles = latency_worst;
 * ii = ii_min (the quantities the calibration fitted). NaN = not measured.
 * Architecture group: rows with the same layer widths (n_in-...-n_out) share one;
 * k-fold splits keep a group in one fold.
 *
 * Memory: vrows owns its array (vrows_free). Workload: one pass over the table,
 * one feature extraction per row (milliseconds per thousand rows).
 */
#ifndef SNAC_VALIDATION_VROWS_H
#define SNAC_VALIDATION_VROWS_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "surrogate/surr_model.h"

typedef struct vrow {
    int64_t id;                 /* synthesis_results.id (0 for synthetic rows) */
    int64_t model_id;           /* 0 = not linked to a stored model */
    int group;                  /* architecture group, 0..n_groups-1 */
    char arch[96];              /* "16-64-32-32-5" */
    const surr_part *part;
    surr_features x;
    double y[SURR_T_COUNT];     /* actual numbers; NaN = not measured */
} vrow;

typedef struct vrow_skip {
    int64_t id;                 /* synthesis_results.id */
    char why[256];
} vrow_skip;

typedef struct vrows {
    vrow *row;
    size_t n;
    size_t n_groups;
    size_t n_other;             /* rows of other surrogate toolchains */
    size_t n_unmapped;          /* rows no surrogate toolchain takes (Vivado post-synthesis) */
    size_t n_no_spec;           /* rows of tc whose spec could not be rebuilt (no spec, bad JSON) */
    vrow_skip *skip;            /* the n_no_spec rows of tc, with the reason */
    size_t n_weights_missing;   /* rows whose spec names a weights path that cannot be read (a spec
                                   stored before issue 23; the folder moved): the spec's sparsity is used */
    int64_t first_weights_missing; /* the first such row's id */
} vrows;
#define VROWS_INIT {NULL, 0, 0, 0, 0, 0, NULL, 0, 0}

int vrows_load(snac_db *db, enum surr_toolchain tc, vrows *out);
void vrows_free(vrows *r);

/* Build a spec from a synthesis_results.spec JSON (either layout above). */
int vrows_spec_from_json(const char *json, surr_spec *out);
/* The same from YAML or JSON text; `name` (a file name) is in the messages (name:line:column). */
int vrows_spec_from_text(const char *text, size_t len, const char *name, surr_spec *out);

/* Assign group ids by arch string (rows with equal arch share one); sets n_groups. */
void vrows_assign_groups(vrows *r);

#endif
