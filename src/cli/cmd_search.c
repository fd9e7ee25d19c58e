/* cmd_search — `snac search -c CONFIG` runs the global search (NSGA-II over the
 * configured MLP space, objectives from the config) and prints the Pareto front;
 * `snac search --resume RUN --db FILE` continues an interrupted run.
 *
 * The config and the data are validated before the store is opened (search_run).
 * Progress: a line per trial and per generation on a terminal only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "search/search_pareto.h"
#include "search/search_run.h"
#include "store/db.h"
#include "util/err.h"
#include "util/interrupt.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac search -c CONFIG.yaml [--db FILE] [--workers N] [--quiet] [--progress]\n"
               "       snac search --resume RUN --db FILE [--workers N] [--quiet] [--progress]\n"
               "  NSGA-II global search over the config's search_space with its search.objectives\n"
               "  (accuracy, bops_mac, bops_bitaware, avg_resource_pct, latency_cycles, any surrogate target),\n"
               "  every trial and surrogate prediction stored in the database (output.db; --db overrides).\n"
               "  --workers: trial processes (default search.workers, else the number of cores).\n"
               "  --resume RUN: continue a killed or failed run where it stopped (same final result).\n"
               "  Prints the Pareto front at the end (see `snac pareto`).\n");
}

int cmd_search(int argc, char **argv)
{
    search_run_opts o = SEARCH_RUN_OPTS_INIT;
    bool quiet = false, progress = false;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
                                         {"workers", required_argument, NULL, 'w'}, {"resume", required_argument, NULL, 'r'},
                                         {"quiet", no_argument, NULL, 'q'},         {"progress", no_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "c:d:w:r:qph", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': o.config_path = optarg; break;
        case 'd': o.db_path = optarg; break;
        case 'w':
            if (cli_opt_size("search", "--workers", optarg, 1, SIZE_MAX, &o.workers))
                return 2;
            break;
        case 'r':
            if (cli_opt_id("search", "--resume", optarg, &o.resume))
                return 2;
            break;
        case 'q': quiet = true; break;
        case 'p': progress = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc || !cli_config_or_run(o.config_path, o.resume, o.db_path)) {
        usage(stderr);
        return 2;
    }
    cli_progress(quiet, progress);
    snac_interrupt_install(); /* SIGINT/SIGTERM: finish the trial's transaction, mark the run interrupted */

    search_run_summary s;
    if (search_run(&o, &s))
        return cli_fail("search");
    printf("search run %lld: %zu generations; %zu trials trained here (%zu failed), %zu reused from the interrupted "
           "generation, %zu answered by the cache; %zu workers, %.1f s\n",
           (long long)s.run_id, s.generations, s.trained, s.failed, s.reused, s.cached, s.workers, s.seconds);

    /* the front, from the store: what `snac pareto RUN` prints */
    snac_db *db = NULL;
    search_pareto_opts po = {s.run_id, SEARCH_PARETO_TEXT, false, 0, {0}, NULL};
    int rc = db_open_readonly(s.db_path, &db);
    if (!rc)
        rc = search_pareto_write(db, &po, stdout, NULL);
    db_close(db);
    return rc ? cli_fail("search") : 0;
}
