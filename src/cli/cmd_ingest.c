/* cmd_ingest — `snac ingest [--db FILE] [--model ID | --spec FILE] [--toolchain T]
 * [--csv] PATH...`: store real synthesis results in synthesis_results.
 *
 * Each PATH (a csynth.xml/.rpt, a vivado_synth.rpt, an hls4ml project directory,
 * or a sweep CSV) is one transaction (validation/ingest.h): a bad file is
 * reported with its name and the element or line, stores nothing, and the
 * other paths still go in. Ends with "ingested N, already present M, skipped K,
 * failed F"; exit status 1 if any path failed.
 *
 * Memory: the spec JSON (if --spec) lives for the command; everything else per path.
 */
#include <getopt.h>
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
            "usage: snac ingest [--db FILE] [--model ID | --spec FILE] [--toolchain T] [--csv] PATH...\n"
            "  PATH: Vivado/Vitis HLS *_csynth.xml (or *_csynth.rpt), Vivado report_utilization text\n"
            "        (vivado_synth.rpt), an hls4ml project directory, or a sweep CSV (*.csv or --csv).\n"
            "  --db FILE       store (default snac.db)\n"
            "  --model ID      link every result to stored model ID\n"
            "  --spec FILE     model spec (YAML or JSON) stored with every result\n"
            "  --toolchain T   override the report's toolchain: vivado_hls, vitis_hls, vivado, yosys,\n"
            "                  optionally with a version (vivado_hls-2020.1)\n"
            "  --csv           read every PATH as a sweep CSV\n"
            "Each PATH is one transaction; re-ingesting a file adds nothing. Exit status 1 if any failed.\n");
}

int cmd_ingest(int argc, char **argv)
{
    const char *db_path_arg = "snac.db", *spec_path = NULL;
    ingest_opts o = INGEST_OPTS_INIT;
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"model", required_argument, NULL, 'm'},
                                         {"spec", required_argument, NULL, 's'},
                                         {"toolchain", required_argument, NULL, 't'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "d:m:s:t:ch", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db_path_arg = optarg; break;
        case 'm': {
            uint64_t id;
            if (cli_arg_uint("--model", optarg, 1, INT64_MAX, &id))
                return cli_fail("ingest");
            o.model_id = (int64_t)id;
            break;
        }
        case 's': spec_path = optarg; break;
        case 't': o.toolchain = optarg; break;
        case 'c': o.csv = true; break;
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
        return cli_fail("ingest");
    }
    if (o.toolchain) {
        enum rpt_toolchain tc;
        char version[32];
        if (ingest_toolchain_parse(o.toolchain, &tc, version, sizeof version))
            return cli_fail("ingest");
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
    for (int i = optind; i < argc; i++) {
        size_t before_in = c.ingested, before_present = c.present, before_skip = c.skipped, before_rep = c.repaired;
        if (ingest_path(db, argv[i], &o, &c)) {
            fprintf(stderr, "snac ingest: %s\n", snac_err_msg());
            continue;
        }
        printf("%s: ingested %zu, already present %zu, skipped %zu\n", argv[i], c.ingested - before_in,
               c.present - before_present, c.skipped - before_skip);
        if (c.repaired > before_rep)
            printf("%s: note: %zu rows had 4 fields fewer than the header and were read in the 18-column stress "
                   "layout (Resource* = HLS estimates)\n",
                   argv[i], c.repaired - before_rep);
    }
    db_close(db);
    free(spec);
    printf("ingested %zu, already present %zu, skipped %zu, failed %zu\n", c.ingested, c.present, c.skipped,
           c.failed);
    return c.failed ? 1 : 0;
}
