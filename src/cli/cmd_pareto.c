/* cmd_pareto — `snac pareto RUN [--db FILE] [--csv FILE|-] [--json FILE|-] [--all] [--hv-ref A,B[,C]] [--complete]
 *   [--surrogate V]`:
 * the Pareto front of a stored search run (search_pareto.h) or local run (local_run.h) as a table, and optionally
 * exported as CSV and/or JSON ("-" = standard output, replacing the table).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "search/local_run.h"
#include "search/search_pareto.h"
#include "search/search_run.h"
#include "store/db.h"
#include "util/err.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac pareto RUN [--db FILE] [--csv FILE|-] [--json FILE|-] [--all] [--hv-ref A,B[,C]] [--complete]\n"
               "       [--surrogate V]\n"
               "  Print the Pareto front of search run RUN (feasible, non-dominated trained trials) with\n"
               "  accuracy, BOPs, objective values and the stored surrogate predictions; of a local run\n"
               "  (`snac local`), its iterations' front: accuracy, average resources, latency, sparsity.\n"
               "  --db: the store (default snac.db); --csv/--json: export (\"-\" = stdout instead of the table);\n"
               "  --all: every trained trial, front members flagged.\n"
               "  --hv-ref: also print the front's hypervolume w.r.t. this reference point, one value per\n"
               "  objective in its natural units (e.g. 0.5,10,60: accuracy 0.5, 10%% resources, 60 cycles).\n"
               "  A multi-fidelity run's front holds only trials trained to the full search.epochs;\n"
               "  --complete first trains its partial trials that no full one dominates to full fidelity\n"
               "  (stored in the run; the data must be what the run saw).\n"
               "  --surrogate V: every trial re-scored by surrogate version V (id or name) from its stored model.\n");
}

/* A global search's front, or a local search's (local_run.h), by the run's kind. */
static int write_front(snac_db *db, const search_pareto_opts *po, FILE *out)
{
    sqlite3_stmt *st;
    bool local = false;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT kind FROM runs WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare run query");
    sqlite3_bind_int64(st, 1, po->run_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        local = strcmp((const char *)sqlite3_column_text(st, 0), "local") == 0;
    sqlite3_finalize(st);
    if (local)
        return local_front_write(db, po->run_id, po->format, po->all, out, NULL);
    return search_pareto_write(db, po, out, NULL);
}

static int export_to(snac_db *db, search_pareto_opts *po, enum search_pareto_format fmt, const char *path)
{
    po->format = fmt;
    if (strcmp(path, "-") == 0)
        return write_front(db, po, stdout);
    FILE *f = fopen(path, "w");
    if (!f)
        return snac_err_set(SNAC_EIO, "cannot write %s", path);
    int rc = write_front(db, po, f);
    if (fclose(f) && !rc)
        rc = snac_err_set(SNAC_EIO, "cannot write %s", path);
    return rc;
}

int cmd_pareto(int argc, char **argv)
{
    const char *db_file = "snac.db", *csv = NULL, *json = NULL;
    bool all = false;
    const char *hv = NULL, *surrogate = NULL;
    bool complete = false;
    static const struct option opts[] = {{"surrogate", required_argument, NULL, 'S'},
                                         {"db", required_argument, NULL, 'd'}, {"csv", required_argument, NULL, 'C'},
                                         {"json", required_argument, NULL, 'J'}, {"all", no_argument, NULL, 'a'},
                                         {"hv-ref", required_argument, NULL, 'H'},
                                         {"complete", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "d:ah", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db_file = optarg; break;
        case 'C': csv = optarg; break;
        case 'J': json = optarg; break;
        case 'a': all = true; break;
        case 'H': hv = optarg; break;
        case 'c': complete = true; break;
        case 'S': surrogate = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    char *end = NULL;
    errno = 0;
    long long run = optind + 1 == argc ? strtoll(argv[optind], &end, 10) : 0;
    if (run < 1 || !end || *end || errno == ERANGE) { /* an id past LLONG_MAX is not clamped to it */
        usage(stderr);
        return 2;
    }
    snac_db *db = NULL;
    search_pareto_opts po = {run, SEARCH_PARETO_TEXT, all, 0, {0}, surrogate};
    for (const char *p = hv; p && *p;) {
        char *e;
        errno = 0;
        double v = strtod(p, &e);
        if (e == p || !isfinite(v) || po.n_hv_ref == sizeof po.hv_ref / sizeof po.hv_ref[0] ||
            (*e && *e != ',')) {
            fprintf(stderr, "snac pareto: --hv-ref expects numbers separated by commas, got '%s'\n", hv);
            return 2;
        }
        po.hv_ref[po.n_hv_ref++] = v;
        p = *e ? e + 1 : e;
    }
    int rc = SNAC_OK;
    if (complete) {
        size_t n_done = 0;
        rc = search_complete(db_file, run, 0, &n_done);
        if (!rc)
            fprintf(stderr, "snac pareto: %zu partial-fidelity trials of run %lld trained to full fidelity\n", n_done,
                    run);
    }
    if (!rc)
        rc = db_open_readonly(db_file, &db);
    bool to_stdout = (csv && strcmp(csv, "-") == 0) || (json && strcmp(json, "-") == 0);
    if (!rc && !to_stdout)
        rc = write_front(db, &po, stdout);
    if (!rc && csv)
        rc = export_to(db, &po, SEARCH_PARETO_CSV, csv);
    if (!rc && json)
        rc = export_to(db, &po, SEARCH_PARETO_JSON, json);
    db_close(db);
    return rc ? cli_fail("pareto") : 0;
}
