/* export_synth — `snac synth`: local Yosys synthesis of exported RTL for UltraScale+, one
 * synthesis_results row per model.
 *
 * For each model: export_model() with --rtl into WORK/model_<id>/ (an earlier export there is
 * overwritten), the Yosys script from hls_templates/synth/yosys_xcup.ys into synth/, then
 * `yosys -q -l yosys.log -s synth.ys` in its own process group, up to `jobs` at a time, each
 * with a wall-time limit (per model, from its first run). With `split`, one script and run per
 * layer module (synth_L<k>.ys, stat_L<k>.json, ...), run in parallel, counts summed, depth the
 * deepest layer's; the top's valid shift register is then not counted and nothing is
 * optimized across layers. The counts come from `stat -json` of the flattened design:
 *   lut    = LUT1..LUT6 + SRL16E/SRLC32E (by size in the details file); INV cells apart
 *   ff     = FDRE + FDSE + FDCE + FDPE (+ LDCE/LDPE latches, which the RTL never has)
 *   dsp    = DSP48E2;  carry = CARRY4 + CARRY8;  bram18 = RAMB18E2 + 2 x RAMB36E2;  uram = URAM288
 *   latency = the RTL's pipeline stages (cycles), II 1
 *   logic depth = `ltp -noff` (longest register-to-register path in cells): an ESTIMATE
 * wall time and peak memory (max RSS of yosys and the abc processes it waited for).
 *
 * Every number, the Yosys version and the paths go into synth/yosys_result.json; the row
 * (toolchain "yosys", tool_version "<version>": the surrogate toolchain yosys-<version> of
 * validation/vtoolchain.c) references it by path and SHA-256. A failed or timed-out run is
 * a row with source_kind "yosys-failed", no counts, and the log's path; the batch goes on.
 * Each result is one transaction; a model that already has a synthesized ("yosys") row of this
 * version is skipped, so a killed batch resumes where it stopped; a model whose row is
 * "yosys-failed" is run again, and its new row replaces the failed one. The one function that
 * writes the row is synth_row_insert() in export_synth.c.
 *
 * Processes: SIGINT/SIGTERM (snac_interrupt_install by the caller) stop every Yosys group and
 * return SNAC_EINTR, nothing stored for the models in flight; each Yosys gets SIGKILL when snac
 * dies (PR_SET_PDEATHSIG), so even a SIGKILL of snac leaves none running. WORK/.snac_synth.lock
 * (flock) is held by snac and inherited by its Yosys and abc processes: a second run in the
 * same folder while any of them lives is refused (SNAC_EBUSY) instead of starting another.
 *
 * Under MPI (SNAC_WITH_MPI, more than one rank): rank 0 exports every model and writes every
 * row; each Yosys run (a part) is a job for the other ranks (util/mpi_farm.h), which run Yosys
 * in the work folder (a shared file system) and return how it ended; rank 0 reads the counts
 * from the folder. The timeout then applies per part; --jobs is the ranks' business.
 *
 * Test hook: SNAC_SYNTH_KILL_AFTER=K SIGKILLs the process right after its K-th stored row.
 *
 * Memory: per model, freed when its row is stored. Workload: Yosys dominates (seconds to
 * minutes per model); the parent polls its children every 50 ms.
 */
#ifndef SNAC_EXPORT_SYNTH_H
#define SNAC_EXPORT_SYNTH_H

#include <stdint.h>
#include <stdio.h>

#include "export/export_project.h"
#include "store/db.h"

#define EXPORT_SYNTH_TOOLCHAIN "yosys"

typedef struct export_synth_opts {
    const char *work_dir;  /* where model_<id>/ folders go */
    unsigned jobs;         /* parallel Yosys processes, >= 1 */
    double timeout_s;      /* per model; <= 0: none */
    export_rtl_opts rtl;
    const char *part;      /* recorded as the row's part */
    int quiet;             /* no progress lines */
    int split;             /* one Yosys run per layer module, counts summed */
} export_synth_opts;

#define EXPORT_SYNTH_OPTS_INIT {"synth", 1, 3600.0, EXPORT_RTL_OPTS_INIT, EXPORT_DEFAULT_PART, 0, 0}

typedef struct export_synth_summary {
    size_t done, failed, skipped;
    char yosys_version[32];
} export_synth_summary;

/* Version of the yosys on PATH ("0.23"); SNAC_ENOTFOUND naming the Debian package when missing. */
int export_synth_yosys_version(char *version, size_t cap);

/* Synthesize models ids[0..n); progress to `log` (may be NULL). */
int export_synth_run(snac_db *db, const int64_t *ids, size_t n, const export_synth_opts *o, FILE *log,
                     export_synth_summary *sum);

#ifdef SNAC_WITH_MPI
#include "util/mpi_farm.h"
/* The worker side of a synthesis part (for the kinds table). */
extern const mpi_farm_kind export_synth_mpi_kind;
#endif

#endif
