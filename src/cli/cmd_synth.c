/* cmd_synth — `snac synth MODEL... [--jobs N]`: export each stored quantized model's RTL and
 * synthesize it with Yosys for UltraScale+ (export_synth.h); one synthesis_results row per
 * model, failures included; a second run skips the models already synthesized (resume).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "export/export_synth.h"
#include "search/search_synth.h"
#include "store/db.h"
#include "surrogate/surr_calib.h"
#include "util/err.h"
#include "util/interrupt.h"

/* The shipped yosys-0.23 default records the Yosys versions it was calibrated on: say so when the
 * installed one is another (its counts may differ; `snac refit` fits a version on them). */
static void version_note(const char *installed)
{
    surr_version v;
    if (surr_calib_default_version(SURR_TC_YOSYS_0_23, &v, NULL)) {
        snac_err_clear();
        return;
    }
    if (!surr_calib_tool_version_known(&v, installed))
        fprintf(stderr,
                "snac synth: note: Yosys %s is installed; the default surrogate %s was calibrated on Yosys %s, "
                "so its predictions may be off for these results: after synthesis, `snac validate --toolchain "
                "yosys-0.23` shows how far, and `snac refit --toolchain yosys-0.23` fits a version on them\n",
                installed, v.name, v.tool_versions);
    surr_version_clear(&v);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: snac synth MODEL... [--db FILE] [--jobs N] [--work DIR] [--timeout S] [--stages N]\n"
               "                  [--csd-width W] [--split] [--deploy] [--quiet]\n"
               "  Synthesize stored quantized models (from `snac local`) with Yosys (synth_xilinx -family xcup):\n"
               "  the RTL of `snac export --rtl` goes to DIR/model_<id>/ (default synth/), and LUT, FF, DSP48E2,\n"
               "  BRAM18, URAM and the latency are stored in synthesis_results (toolchain yosys-<version>);\n"
               "  LUTs by size, CARRY, a logic-depth estimate, wall time and peak memory go to\n"
               "  DIR/model_<id>/synth/yosys_result.json. --jobs: parallel Yosys runs (default 1);\n"
               "  --timeout: seconds per model (default 3600; a timeout is a failed row). Models synthesized\n"
               "  with this Yosys version are skipped, so a killed batch resumes; failed ones are run again.\n"
               "  Ctrl-C/SIGTERM stop the running Yosys jobs; a second run while a Yosys still runs in DIR is\n"
               "  refused. --split: one Yosys run per layer\n"
               "  (in parallel with --jobs), counts summed: faster on big models; the top-level valid register\n"
               "  is not counted and nothing is optimized across layers. --deploy: a search trial's float model is\n"
               "  first quantized at its search run's deploy: precision (and stored so). Needs the Debian package yosys.\n");
}

/* A bad option value or argument: the message, and the usage exit status 2. */
static int usage_fail(void)
{
    cli_fail("synth");
    return 2;
}

int cmd_synth(int argc, char **argv)
{
    export_synth_opts o = EXPORT_SYNTH_OPTS_INIT;
    const char *db_file = "snac.db";
    bool deploy = false;
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},     {"jobs", required_argument, NULL, 'j'},
        {"work", required_argument, NULL, 'w'},   {"timeout", required_argument, NULL, 't'},
        {"stages", required_argument, NULL, 'S'}, {"csd-width", required_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},        {"split", no_argument, NULL, 'L'},
        {"deploy", no_argument, NULL, 'D'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int ch;
    uint64_t u;
    double d;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "d:j:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db_file = optarg; break;
        case 'j':
            if (cli_arg_uint("--jobs", optarg, 1, 256, &u))
                return usage_fail();
            o.jobs = (unsigned)u;
            break;
        case 'w': o.work_dir = optarg; break;
        case 't':
            if (cli_arg_double("--timeout", optarg, 1.0, 1e6, &d))
                return usage_fail();
            o.timeout_s = d;
            break;
        case 'S':
            if (cli_arg_uint("--stages", optarg, 1, EXPORT_RTL_MAX_STAGES, &u))
                return usage_fail();
            for (size_t l = 0; l < QUANT_MAX_LAYERS; l++)
                o.rtl.stages[l] = (int)u;
            break;
        case 'C':
            if (cli_arg_uint("--csd-width", optarg, 0, 32, &u))
                return usage_fail();
            o.rtl.csd_max_width = (int)u;
            break;
        case 'q': o.quiet = 1; break;
        case 'L': o.split = 1; break;
        case 'D': deploy = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const size_t n = (size_t)(argc - optind);
    int64_t *ids = malloc(n * sizeof *ids);
    if (!ids) {
        snac_err_set(SNAC_ENOMEM, "out of memory");
        return cli_fail("synth");
    }
    for (size_t i = 0; i < n; i++) {
        if (cli_arg_uint("MODEL", argv[optind + (int)i], 1, INT64_MAX, &u)) {
            free(ids);
            return usage_fail();
        }
        ids[i] = (int64_t)u;
    }
    char version[32];
    if (export_synth_yosys_version(version, sizeof version)) { /* before the store is touched */
        free(ids);
        return cli_fail("synth");
    }
    version_note(version);
    snac_db *db;
    if (db_open_existing(db_file, &db)) {
        free(ids);
        return cli_fail("synth");
    }
    /* a search trial's float model: quantized at its run's deployment precision first */
    for (size_t i = 0; deploy && i < n; i++)
        if (search_synth_quantize_stored(db, ids[i])) {
            db_close(db);
            free(ids);
            return cli_fail("synth");
        }
    export_synth_summary s;
    snac_interrupt_install(); /* SIGINT/SIGTERM: stop the Yosys groups, exit 1 */
    int rc = export_synth_run(db, ids, n, &o, stdout, &s);
    db_close(db);
    free(ids);
    if (rc)
        return cli_fail("synth");
    printf("synth: %zu synthesized, %zu failed, %zu skipped (already synthesized); toolchain yosys-%s\n", s.done, s.failed,
           s.skipped, s.yosys_version);
    return s.failed ? 3 : 0;
}
