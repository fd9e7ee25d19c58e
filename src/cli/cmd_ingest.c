/* cmd_ingest — `snac ingest [--db FILE] [--model ID | --spec FILE] [--toolchain T]
 * [--csv] [-r] PATH...`: store real synthesis results in synthesis_results.
 *
 * Each synthesis (a csynth.xml/.rpt with its twins, an export.rpt, a
 * vivado_synth.rpt, a sweep CSV) is one transaction (validation/ingest.h): a bad
 * file is reported on stderr with its name and the element or line, stores
 * nothing, and everything else still goes in. A directory is an hls4ml project;
 * with -r a tree of them. Ends with "ingested N, already present M, skipped K,
 * failed F"; exit status 1 if any file failed.
 *
 * Memory: the spec JSON (if --spec) lives for the command; everything else per path.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "store/db.h"
#include "util/err.h"
#include "validation/ingest.h"
#include "validation/ingest_spec.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: snac ingest [--db FILE] [--model ID | --spec FILE] [--toolchain T] [--csv] [-r] [--verbose]\n"
            "                   PATH...\n"
            "  PATH: Vivado/Vitis HLS *_csynth.xml, csynth.xml or *_csynth.rpt, an HLS *_export.rpt,\n"
            "        Vivado report_utilization text (vivado_synth.rpt), an hls4ml project directory,\n"
            "        or a sweep CSV (*.csv or --csv).\n"
            "  -r, --recursive search each directory PATH for hls4ml projects and reports\n"
            "  --verbose       print every synthesis that landed (failures and notes go to stderr always)\n"
            "  --db FILE       store (default snac.db)\n"
            "  --model ID      link every result to stored model ID (a `snac export` folder's\n"
            "                  snac_manifest.json does this by itself; the flag wins over it)\n"
            "  --spec FILE     model spec (YAML or JSON) stored with every result; attaches it to (or\n"
            "                  replaces it on) results that are already present\n"
            "  --toolchain T   override the report's toolchain: vivado_hls, vitis_hls, vivado, yosys,\n"
            "                  (also vitis, vitis-hls, vivado-hls), optionally with a version\n"
            "                  (vivado_hls-2020.1, vitis-2022.1); vivado = Vivado's own synthesis\n"
            "  --csv           read every PATH as a sweep CSV\n"
            "Each synthesis is one transaction; re-ingesting a file adds nothing. Exit status 1 if any\n"
            "report failed (each is named on stderr with the reason).\n");
}

/* Failures and notes go to stderr (failures always); what landed only with --verbose. */
static void on_msg(void *ctx, enum ingest_msg kind, const char *text)
{
    bool verbose = *(const bool *)ctx;
    if (kind == INGEST_MSG_FAILED)
        fprintf(stderr, "snac ingest: failed: %s\n", text);
    else if (kind == INGEST_MSG_NOTE)
        fprintf(stderr, "snac ingest: note: %s\n", text);
    else if (verbose)
        printf("  %s\n", text);
}

/* A bad option value or combination: the message, and the usage exit status 2. */
static int usage_fail(void)
{
    cli_fail("ingest");
    return 2;
}

int cmd_ingest(int argc, char **argv)
{
    const char *db_path_arg = "snac.db", *spec_path = NULL;
    ingest_opts o = INGEST_OPTS_INIT;
    bool verbose = false;
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"model", required_argument, NULL, 'm'},
                                         {"spec", required_argument, NULL, 's'},
                                         {"toolchain", required_argument, NULL, 't'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"recursive", no_argument, NULL, 'r'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "d:m:s:t:crvh", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db_path_arg = optarg; break;
        case 'm': {
            uint64_t id;
            if (cli_arg_uint("--model", optarg, 1, INT64_MAX, &id))
                return usage_fail();
            o.model_id = (int64_t)id;
            break;
        }
        case 's': spec_path = optarg; break;
        case 't': o.toolchain = optarg; break;
        case 'c': o.csv = true; break;
        case 'r': o.recursive = true; break;
        case 'v': verbose = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    if (o.model_id > 0 && spec_path) {
        snac_err_set(SNAC_EINVAL, "--model and --spec are exclusive: a stored model carries its own spec");
        return usage_fail();
    }
    if (o.toolchain) {
        enum rpt_toolchain tc;
        char version[32];
        if (ingest_toolchain_parse(o.toolchain, &tc, version, sizeof version))
            return usage_fail();
    }
    char *spec = NULL;
    if (spec_path) {
        if (ingest_spec_load(spec_path, &spec))
            return cli_fail("ingest");
        o.spec_json = spec;
    }
    snac_db *db = NULL;
    if (db_open(db_path_arg, &db)) {
        free(spec);
        return cli_fail("ingest");
    }
    ingest_counts c = {0};
    o.msg = on_msg;
    o.msg_ctx = &verbose;
    for (int i = optind; i < argc; i++) {
        size_t before_in = c.ingested, before_present = c.present, before_skip = c.skipped, before_rep = c.repaired;
        size_t before_fail = c.failed;
        int rc = ingest_path(db, argv[i], &o, &c);
        if (rc && c.failed == before_fail + 1 && !o.recursive)
            fprintf(stderr, "snac ingest: %s\n", snac_err_msg());
        else if (rc)
            fprintf(stderr, "snac ingest: %s: %zu report file%s failed (named above)\n", argv[i],
                    c.failed - before_fail, c.failed - before_fail == 1 ? "" : "s");
        if (rc && c.ingested == before_in && c.present == before_present)
            continue;
        printf("%s: ingested %zu, already present %zu, skipped %zu\n", argv[i], c.ingested - before_in,
               c.present - before_present, c.skipped - before_skip);
        if (c.repaired > before_rep)
            printf("%s: note: %zu rows had 4 fields fewer than the header and were read in the 18-column stress "
                   "layout (Resource* = HLS estimates)\n",
                   argv[i], c.repaired - before_rep);
    }
    db_close(db);
    free(spec);
    if (c.updated)
        printf("spec/model attached to %zu results already present\n", c.updated);
    if (c.merged)
        printf("merged %zu twin reports into the rows of their synthesis\n", c.merged);
    if (c.projects)
        printf("%zu hls4ml projects: spec from firmware %zu, from network.json %zu, from hls4ml_config.yml only %zu, "
               "none %zu\n", c.projects, c.spec_firmware, c.spec_netjson, c.spec_config, c.spec_none);
    printf("ingested %zu, already present %zu, skipped %zu, failed %zu\n", c.ingested, c.present, c.skipped,
           c.failed);
    return c.failed ? 1 : 0;
}
