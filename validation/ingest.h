/* ingest — store real synthesis results (reports, hls4ml projects, sweep CSVs)
 * in synthesis_results, with their provenance (path, SHA-256, row).
 *
 * ingest_path() recognises what `path` is (ingest_detect), reads it with the
 * matching rpt_* reader, and inserts the results of one synthesis (or of one
 * sweep CSV) in ONE transaction: a bad file leaves the store untouched. Rows are keyed by
 * (source_sha256, source_row), so ingesting the same file again inserts nothing
 * and counts its rows as already present (with --spec / --model it attaches or
 * replaces the row's spec / model instead).
 *
 * One synthesis is one row: the reports of one HLS solution (Vitis csynth.xml,
 * <top>_csynth.xml, <top>_csynth.rpt in syn/report/) are merged into the row of
 * the first that parses in that order (its SHA-256 is the key; the others are
 * listed in merged_sources and fill numbers the first lacks) when their numbers
 * agree; reports that disagree are different syntheses and get their own rows.
 * Vivado's vivado_synth.rpt and the export_design report
 * (impl/report/verilog/<top>_export.rpt) are post-synthesis results of their own.
 * The top module is stored (top_module): a wrapper (myproject_axi) is told apart
 * from the core (myproject).
 *
 * The spec of an hls4ml project comes from its firmware (rpt_firmware.h), else
 * its network.json (rpt_netjson.h), else hls4ml_config.yml (reuse factor,
 * precision, strategy, io_type only); disagreements between the firmware and the
 * config are reported and kept in the spec's provenance. A single report named
 * inside a project's folders gets the same spec and its solution twins.
 *
 * A `snac export` folder (snac_manifest.json, ingest_manifest.h) is ingested as
 * if --model and --spec named its model and spec, once the manifest matches the
 * database (the model's qmodel SHA-256); a bad or foreign manifest refuses the
 * folder's reports. Explicit model_id / spec_json win (a note says so).
 *
 * Memory: nothing outlives a call; each file is read whole, parsed, released.
 * Workload: a handful of reports or sweep CSVs, or a tree of tens of projects
 * (the 62 shared projects, 158 reports: 0.4 s).
 */
#ifndef SNAC_VALIDATION_INGEST_H
#define SNAC_VALIDATION_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "validation/rpt_result.h"

/* Per-file messages while a path is ingested: what landed, what failed and why,
 * notes (merged twins, firmware vs hls4ml_config.yml, unresolved specs). */
enum ingest_msg { INGEST_MSG_LANDED, INGEST_MSG_NOTE, INGEST_MSG_FAILED };
typedef void (*ingest_msg_fn)(void *ctx, enum ingest_msg kind, const char *text);

typedef struct ingest_opts {
    int64_t model_id;        /* > 0: link every result to this model (must exist) */
    const char *spec_json;   /* non-NULL: store this spec (see ingest_spec_load) instead of the report's */
    const char *toolchain;   /* non-NULL: "family" or "family-version" overriding the report's */
    bool csv;                /* read every file as a sweep CSV */
    bool recursive;          /* a directory is a tree: every project and loose report in it */
    ingest_msg_fn msg;       /* NULL: no messages */
    void *msg_ctx;
} ingest_opts;
#define INGEST_OPTS_INIT {0, NULL, NULL, false, false, NULL, NULL}

typedef struct ingest_counts {
    size_t ingested;         /* rows inserted */
    size_t present;          /* rows already in the store (same file and row) */
    size_t updated;          /* present rows whose spec/model was attached or replaced (--spec, --model) */
    size_t skipped;          /* failed runs in sweeps, not stored */
    size_t failed;           /* report files (or paths) that could not be ingested */
    size_t repaired;         /* sweep rows read in the legacy short layout */
    size_t merged;           /* twin reports merged into another file's row */
    size_t projects;         /* hls4ml project directories seen */
    size_t spec_firmware, spec_netjson, spec_config, spec_none; /* where each project's spec came from */
} ingest_counts;

/* What a path is: a directory is an hls4ml project; a file is sniffed by content
 * (XML root, "== Vivado/Vitis HLS Report", *_export.rpt / "Implementation tool:" /
 * "== Vivado ... Results", report_utilization), *.csv or force_csv is a sweep.
 * Unknown content is an error naming the file. */
int ingest_detect(const char *path, const char *buf, size_t len, bool is_dir, bool force_csv, enum rpt_kind *kind);

/* Check --toolchain: a report family vivado_hls | vitis_hls | vivado (Vivado's own
 * synthesis) | yosys, also spelled vivado-hls, vitis-hls, vitis, with an optional
 * version after '-', '_' or ' ' ("vitis_hls-2023.2", "vivado_hls 2019.2", "vitis-v2022.1"). */
int ingest_toolchain_parse(const char *s, enum rpt_toolchain *tc, char *version, size_t version_cap);

/* Ingest one path. A file is one unit (its twins of the same synthesis merged
 * into its row, see above). A directory is an hls4ml project (hls4ml_config.yml,
 * or a <P>_prj/solution<N>/syn/report folder): each of its syntheses is its own
 * unit and transaction, so what parses lands and what does not is named; with
 * o->recursive a directory is searched for projects and loose reports. Returns
 * the first failure (naming the file and element or line) after trying every
 * unit; counts->failed counts the units that failed. Nothing is stored for a
 * failed unit. */
int ingest_path(snac_db *db, const char *path, const ingest_opts *o, ingest_counts *counts);

/* Refuse values no FPGA holds: each resource must be <= INGEST_BOUND_FACTOR x the
 * part's capacity (HLS estimates of unrollable designs exceed a part several
 * times over, so the factor is generous), or x the largest device of the part
 * table when the part is unknown. The error names the file, the element and the
 * capacity. */
#define INGEST_BOUND_FACTOR 100.0
/* ... and the other numbers: latency and interval at most INGEST_MAX_CYCLES cycles, clock periods
 * (target and estimated) in [INGEST_MIN_CLOCK_NS, INGEST_MAX_CLOCK_NS], the reuse factor at most
 * INGEST_MAX_REUSE (hls4ml's RF divides n_in x n_out; no synthesizable layer has 2^24 weights). */
#define INGEST_MAX_CYCLES 1e9
#define INGEST_MIN_CLOCK_NS 0.01
#define INGEST_MAX_CLOCK_NS 1e6
#define INGEST_MAX_REUSE (1L << 24)
int ingest_check_bounds(const rpt_result *r, const char *path);

#endif
