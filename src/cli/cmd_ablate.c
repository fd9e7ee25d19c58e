/* cmd_ablate — `snac ablate`: objective sets compared after synthesis
 * (src/pipeline/pipeline_ablate.h).
 *
 *   snac ablate -c CONFIG [--seeds N] [--db FILE] [--jobs N] [--workers N] [--csv FILE|-] [--json FILE|-]
 *   snac ablate --show RUN --db FILE [--csv FILE|-] [--json FILE|-]
 *
 * Exit status: 0 every member done; 3 finished, but a member failed (the table has the rest);
 * 1 an error; 2 a usage error.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "pipeline/pipeline_ablate.h"
#include "store/db.h"
#include "util/err.h"
#include "util/interrupt.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac ablate -c CONFIG.yaml [--seeds N] [--db FILE] [--jobs N] [--workers N]\n"
               "                   [--csv FILE|-] [--json FILE|-] [--quiet] [--progress]\n"
               "       snac ablate --show RUN --db FILE [--csv FILE|-] [--json FILE|-]\n"
               "  The same search budget, data and seeds for each objective set of the config's ablate:\n"
               "  section (default accuracy, nac = accuracy + BOPs, snac = accuracy + the shipped surrogate's\n"
               "  average resources and cycles, snac-refit = the same with the surrogate refitted on this\n"
               "  ablation's own Yosys results), each set's selected models through the same local search and\n"
               "  Yosys synthesis, compared on synthesized numbers: accuracy, LUT, latency, hypervolumes,\n"
               "  the surrogate's error, spread over seeds and a bootstrap interval of each set's difference\n"
               "  to nac. Stored in the database (ablation_sets, ablation_models); resumable.\n");
}

static int write_to(snac_db *db, int64_t run, enum ablate_format fmt, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f)
        return snac_err_set(SNAC_EIO, "cannot write %s", path);
    int rc = ablate_write(db, run, fmt, f);
    if (f != stdout && fclose(f) && !rc)
        rc = snac_err_set(SNAC_EIO, "cannot write %s", path);
    return rc;
}

int cmd_ablate(int argc, char **argv)
{
    ablate_opts o = ABLATE_OPTS_INIT;
    const char *csv = NULL, *json = NULL;
    int64_t show = 0;
    bool quiet = false, progress = false;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"seeds", required_argument, NULL, 's'},
                                         {"jobs", required_argument, NULL, 'j'},
                                         {"workers", required_argument, NULL, 'w'},
                                         {"csv", required_argument, NULL, 'C'},
                                         {"json", required_argument, NULL, 'J'},
                                         {"show", required_argument, NULL, 'S'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"progress", no_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "c:d:qph", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': o.config_path = optarg; break;
        case 'd': o.db_path = optarg; break;
        case 's':
            if (cli_opt_size("ablate", "--seeds", optarg, 1, 100, &o.seeds))
                return 2;
            break;
        case 'j':
            if (cli_opt_size("ablate", "--jobs", optarg, 1, 256, &o.jobs))
                return 2;
            break;
        case 'w':
            if (cli_opt_size("ablate", "--workers", optarg, 1, 1024, &o.workers))
                return 2;
            break;
        case 'S':
            if (cli_opt_id("ablate", "--show", optarg, &show))
                return 2;
            break;
        case 'C': csv = optarg; break;
        case 'J': json = optarg; break;
        case 'q': quiet = true; break;
        case 'p': progress = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc || !cli_config_or_run(o.config_path, show, o.db_path)) {
        usage(stderr);
        return 2;
    }
    cli_progress(quiet, progress);
    int rc = SNAC_OK;
    ablate_summary s = {0};
    if (!show) {
        snac_interrupt_install();
        o.log = stdout;
        if ((rc = ablate_run(&o, &s)))
            return cli_fail("ablate");
        printf("\nablate run %lld: %zu member runs (%zu failed) in %.1f s; db %s\n", (long long)s.run_id, s.members,
               s.failed_members, s.seconds, s.db_path);
        show = s.run_id;
    }
    snac_db *db = NULL;
    rc = db_open_readonly(o.db_path ? o.db_path : s.db_path, &db);
    if (!rc && o.config_path == NULL && !csv && !json)
        rc = ablate_write(db, show, ABLATE_TEXT, stdout);
    if (!rc && csv)
        rc = write_to(db, show, ABLATE_CSV, csv);
    if (!rc && json)
        rc = write_to(db, show, ABLATE_JSON, json);
    db_close(db);
    if (rc)
        return cli_fail("ablate");
    return s.failed_members ? 3 : 0;
}
