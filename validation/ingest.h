/* ingest — store real synthesis results (reports, hls4ml projects, sweep CSVs)
 * in synthesis_results, with their provenance (path, SHA-256, row).
 *
 * ingest_path() recognises what `path` is (ingest_detect), reads it with the
 * matching rpt_* reader, and inserts every result of that path in ONE
 * transaction: a bad file leaves the store untouched. Rows are keyed by
 * (source_sha256, source_row), so ingesting the same file again inserts nothing
 * and counts its rows as already present. An hls4ml project is one unit: its
 * csynth report and its vivado_synth.rpt are stored together or not at all,
 * each with its own file's SHA-256.
 *
 * Memory: nothing outlives a call; each file is read whole, parsed, released.
 * Workload: a handful of reports or a few sweep CSVs per invocation.
 */
#ifndef SNAC_VALIDATION_INGEST_H
#define SNAC_VALIDATION_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "validation/rpt_result.h"

typedef struct ingest_opts {
    int64_t model_id;        /* > 0: link every result to this model (must exist) */
    const char *spec_json;   /* non-NULL: store this spec (see ingest_spec_load) instead of the report's */
    const char *toolchain;   /* non-NULL: "family" or "family-version" overriding the report's */
    bool csv;                /* read every file as a sweep CSV */
} ingest_opts;
#define INGEST_OPTS_INIT {0, NULL, NULL, false}

typedef struct ingest_counts {
    size_t ingested;         /* rows inserted */
    size_t present;          /* rows already in the store (same file and row) */
    size_t skipped;          /* failed runs in sweeps, not stored */
    size_t failed;           /* paths that could not be ingested */
    size_t repaired;         /* sweep rows read in the legacy short layout */
} ingest_counts;

/* What a path is: a directory is an hls4ml project; a file is sniffed by content
 * (XML root, "== Vivado/Vitis HLS Report", report_utilization), *.csv or
 * force_csv is a sweep. Unknown content is an error naming the file. */
int ingest_detect(const char *path, const char *buf, size_t len, bool is_dir, bool force_csv, enum rpt_kind *kind);

/* Check --toolchain ("vivado_hls", "vitis_hls-2023.2", ...). */
int ingest_toolchain_parse(const char *s, enum rpt_toolchain *tc, char *version, size_t version_cap);

/* Ingest one path; on failure counts->failed is incremented, nothing is stored
 * for that path, and the error (naming the file and element or line) is returned. */
int ingest_path(snac_db *db, const char *path, const ingest_opts *o, ingest_counts *counts);

#endif
