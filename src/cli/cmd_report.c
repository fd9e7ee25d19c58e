/* cmd_report — `snac report [RUN...] [--db FILE] --out report.html`: one self-contained HTML
 * page with inline SVG plots of the store (reports/rep_report.h): global search fronts,
 * local search curves, surrogate validation, the ablation, configs and provenance.
 *
 * The store is opened read-only (a missing file is an error and is never created); the page
 * is written through a temporary file, so a failure leaves no report behind. Usage errors
 * exit 2, every other failure 1.
 *
 * Memory: the run list and the page (rep_report_write). Workload: well under a second for a
 * 500-trial search.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "reports/rep_report.h"
#include "store/db.h"
#include "util/err.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac report [RUN...] [--db FILE] --out report.html\n"
               "  Write one self-contained HTML page (inline SVG, no network) of the store: for each search\n"
               "  run the Pareto fronts of the paper's Figures 1-4, for each local run accuracy and predicted\n"
               "  resources vs sparsity, the surrogate's predictions vs synthesis results with 95%% intervals,\n"
               "  error histograms and statistics, the ablation (when stored), and every run's config and\n"
               "  provenance. RUN...: the runs to show (default: all). The same store gives the same bytes.\n"
               "  --db: the store (default snac.db); --out: the HTML file to write.\n");
}

int cmd_report(int argc, char **argv)
{
    const char *db_file = "snac.db", *out = NULL;
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db_file = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!out || !out[0]) {
        fprintf(stderr, "snac report: --out FILE is required\n");
        usage(stderr);
        return 2;
    }
    size_t n_runs = (size_t)(argc - optind);
    int64_t *runs = calloc(n_runs ? n_runs : 1, sizeof *runs);
    if (!runs) {
        snac_err_set(SNAC_ENOMEM, "out of memory");
        return cli_fail("report");
    }
    for (size_t i = 0; i < n_runs; i++) {
        uint64_t v;
        if (cli_arg_uint("RUN", argv[optind + (int)i], 1, INT64_MAX, &v)) {
            cli_fail("report");
            free(runs);
            return 2;
        }
        runs[i] = (int64_t)v;
    }
    snac_db *db = NULL;
    int rc = db_open_readonly(db_file, &db);
    if (!rc)
        rc = rep_report_write(db, runs, n_runs, out);
    db_close(db);
    free(runs);
    if (rc)
        return cli_fail("report");
    printf("wrote %s\n", out);
    return 0;
}
