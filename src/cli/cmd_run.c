/* cmd_run — `snac run`: the codesign loop as one command (src/pipeline/pipeline_run.h).
 *
 *   snac run -c CONFIG [--db FILE] [--jobs N] [--workers N] [--quiet] [--progress]
 *   snac run --resume RUN --db FILE
 *
 * Exit status: 0 every stage done; 3 the run finished but a stage failed or a model did not
 * export or synthesize (recorded; the rest went on); 1 an error; 2 a usage error.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "pipeline/pipeline_run.h"
#include "util/err.h"
#include "util/interrupt.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac run -c CONFIG.yaml [--db FILE] [--jobs N] [--workers N] [--quiet] [--progress]\n"
               "       snac run --resume RUN --db FILE [--jobs N] [--workers N]\n"
               "  The codesign loop as one run: data -> global search -> selection -> local search (QAT +\n"
               "  pruning) -> models to build -> export (HLS + RTL) -> Yosys synthesis -> validate the\n"
               "  surrogate -> refit (k-fold gate) -> feedback search with the corrected estimator -> summary\n"
               "  (the config's pipeline: section). Every stage is stored under one parent run (`snac runs`);\n"
               "  the same command after a kill continues where it stopped.\n"
               "  --jobs: parallel Yosys runs (default pipeline.synth.jobs); --workers: search processes.\n"
               "  Exit 3: finished, but a stage failed or a model was not synthesized (see the summary).\n");
}

int cmd_run(int argc, char **argv)
{
    pipe_opts o = PIPE_OPTS_INIT;
    bool quiet = false, progress = false;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"resume", required_argument, NULL, 'r'},
                                         {"jobs", required_argument, NULL, 'j'},
                                         {"workers", required_argument, NULL, 'w'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"progress", no_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "c:d:r:j:w:qph", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': o.config_path = optarg; break;
        case 'd': o.db_path = optarg; break;
        case 'r':
            if (cli_opt_id("run", "--resume", optarg, &o.resume))
                return 2;
            break;
        case 'j':
            if (cli_opt_size("run", "--jobs", optarg, 1, 256, &o.jobs))
                return 2;
            break;
        case 'w':
            if (cli_opt_size("run", "--workers", optarg, 1, 1024, &o.workers))
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
    snac_interrupt_install(); /* SIGINT/SIGTERM: the stage in flight stops cleanly; the same command continues */
    o.log = stdout;
    pipe_summary s;
    int rc = pipe_run(&o, &s);
    if (rc)
        return cli_fail("run");
    printf("\nrun %lld: %s in %.1f s; %zu stage(s) failed, %zu model(s) not synthesized; db %s\n", (long long)s.run_id,
           s.already_done ? "already done" : "finished", s.seconds, s.failed_stages, s.failed_models, s.db_path);
    return s.failed_stages || s.failed_models ? 3 : 0;
}
