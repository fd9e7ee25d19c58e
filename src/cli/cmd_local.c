/* cmd_local — `snac local`: SNAC-Pack's local search (QAT warm-up, then iterative magnitude
 * pruning with rewinding, at each configured bit width) on architectures chosen from a
 * stored global search; every iteration is a stored, deployable quantized model.
 *
 * The local config is validated before the store is opened; the store must exist (it holds
 * the global search). Progress: a line per epoch and per stored iteration on a terminal.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "search/local_run.h"
#include "store/db.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "util/progress.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac local -c CONFIG.yaml --run RUN --min-acc X --db FILE [--quiet|--progress]\n"
               "       snac local -c CONFIG.yaml --run RUN --best --db FILE\n"
               "       snac local -c CONFIG.yaml --trial N --db FILE\n"
               "       snac local --resume LOCALRUN --db FILE\n"
               "       snac local --front LOCALRUN --db FILE [--all] [--csv FILE|-] [--json FILE|-]\n"
               "  Compress global-search trials by quantization-aware training and iterative magnitude\n"
               "  pruning (the config's `local:` section; paper default: 5 warm-up epochs, then 10 x 20%%\n"
               "  pruning with 10 epochs each, 8 bits). --min-acc: every front member of search run RUN\n"
               "  with validation accuracy >= X (the paper's rule); --best: the most accurate trial;\n"
               "  --trial: one trial. Each iteration is stored as a quantized model with its accuracy,\n"
               "  sparsity, BOPs and surrogate predictions. --resume continues a killed run to the same\n"
               "  result; --front prints the local front (also `snac pareto LOCALRUN`).\n");
}

static int front(snac_db *db, int64_t run, bool all, const char *csv, const char *json)
{
    int rc = SNAC_OK;
    bool to_stdout = (csv && strcmp(csv, "-") == 0) || (json && strcmp(json, "-") == 0);
    if (!to_stdout)
        rc = local_front_write(db, run, SEARCH_PARETO_TEXT, all, stdout, NULL);
    const char *path[2] = {csv, json};
    const enum search_pareto_format fmt[2] = {SEARCH_PARETO_CSV, SEARCH_PARETO_JSON};
    for (int k = 0; k < 2 && !rc; k++) {
        if (!path[k])
            continue;
        FILE *f = strcmp(path[k], "-") == 0 ? stdout : fopen(path[k], "w");
        if (!f)
            return snac_err_set(SNAC_EIO, "cannot write %s", path[k]);
        rc = local_front_write(db, run, fmt[k], true, f, NULL);
        if (f != stdout && fclose(f) && !rc)
            rc = snac_err_set(SNAC_EIO, "cannot write %s", path[k]);
    }
    return rc;
}

int cmd_local(int argc, char **argv)
{
    local_run_opts o = {.min_acc = NAN};
    const char *csv = NULL, *json = NULL;
    int64_t front_run = 0;
    bool quiet = false, progress = false, all = false;
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
        {"run", required_argument, NULL, 'r'},    {"min-acc", required_argument, NULL, 'm'},
        {"trial", required_argument, NULL, 't'},  {"best", no_argument, NULL, 'b'},
        {"resume", required_argument, NULL, 'R'}, {"front", required_argument, NULL, 'F'},
        {"all", no_argument, NULL, 'a'},          {"csv", required_argument, NULL, 'C'},
        {"json", required_argument, NULL, 'J'},   {"quiet", no_argument, NULL, 'q'},
        {"progress", no_argument, NULL, 'p'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int ch;
    uint64_t v;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "c:d:qph", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': o.config_path = optarg; break;
        case 'd': o.db_path = optarg; break;
        case 'r':
        case 't':
        case 'R':
        case 'F':
            if (cli_arg_uint(ch == 'r' ? "--run" : ch == 't' ? "--trial" : ch == 'R' ? "--resume" : "--front", optarg, 1,
                             INT64_MAX, &v)) {
                cli_fail("local");
                return 2;
            }
            *(ch == 'r' ? &o.search_run : ch == 't' ? &o.trial : ch == 'R' ? &o.resume : &front_run) = (int64_t)v;
            break;
        case 'm':
            if (cli_arg_double("--min-acc", optarg, 0.0, 1.0, &o.min_acc)) {
                cli_fail("local");
                return 2;
            }
            break;
        case 'b': o.best = true; break;
        case 'a': all = true; break;
        case 'C': csv = optarg; break;
        case 'J': json = optarg; break;
        case 'q': quiet = true; break;
        case 'p': progress = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    int picks = (o.trial > 0) + o.best + !isnan(o.min_acc);
    bool new_run = o.config_path != NULL;
    bool ok = optind == argc && o.db_path &&
              ((new_run && !o.resume && !front_run && picks == 1 && (o.search_run || o.trial)) ||
               (!new_run && o.resume && !front_run && picks == 0 && !o.search_run) ||
               (!new_run && front_run && !o.resume && picks == 0 && !o.search_run));
    if (!ok) {
        usage(stderr);
        return 2;
    }
    if (front_run) {
        snac_db *db = NULL;
        int rc = db_open_existing(o.db_path, &db);
        if (!rc)
            rc = front(db, front_run, all, csv, json);
        db_close(db);
        return rc ? cli_fail("local") : 0;
    }
    progress_set_quiet(quiet);
    progress_force(progress);
    snac_interrupt_install(); /* SIGINT/SIGTERM: stop after the epoch, mark the run interrupted */
    local_run_summary s;
    if (local_run(&o, &s))
        return cli_fail("local");
    printf("local run %lld: %zu source trial(s), %zu chain(s); %zu iterations stored here, %zu found stored; %.1f s\n",
           (long long)s.run_id, s.sources, s.chains, s.stored, s.reused, s.seconds);
    snac_db *db = NULL;
    int rc = db_open_existing(o.db_path, &db);
    if (!rc)
        rc = local_front_write(db, s.run_id, SEARCH_PARETO_TEXT, true, stdout, NULL);
    db_close(db);
    return rc ? cli_fail("local") : 0;
}
