/* cmd_refit — `snac refit`: fit a new surrogate version from every synthesis
 * result of one toolchain, compare its cross-validated error with the active
 * version's on the same architecture folds, store it with its parent, and
 * activate it only if it is better (validation/refit.h states the rule).
 *
 *   snac refit --toolchain T [--kfold K | --holdout F] [--activate | --force]
 *              [--no-store] [--seed S] [--method M] [--db PATH] [--json]
 *
 * --activate (the default) activates the new version when it is better; --force
 * activates it regardless; --no-store only reports.
 *
 * Memory: rows, versions and the database handle are owned here and released on
 * every path. Workload: well under a second for 10,000 results (bench_refit).
 */
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "store/db.h"
#include "surrogate/surr_store.h"
#include "util/err.h"
#include "validation/refit.h"
#include "validation/vtoolchain.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac refit --toolchain T [--kfold K | --holdout F] [--activate | --force]\n"
               "                  [--no-store] [--seed S] [--mode auto|full|recalibrate|anchored]\n"
               "                  [--method robust|ols]  (non-negative least squares, Huber-reweighted or plain)\n"
               "                  [--db PATH] [--json]\n"
               "  fits a new surrogate version from all synthesis results of T, reports the held-out error\n"
               "  of the new and the active version on the same folds (by architecture), stores the new one\n"
               "  with its parent and activates it only if its mean held-out MAPE over " REFIT_RULE_TARGETS
               " is lower\n"
               "  and no target's held-out MAPE is non-finite or worse than the active version's\n"
               "  (--force: activate anyway; --no-store: report only). Default: --kfold 5 --seed 511 --mode auto\n"
               "  (full structural refit from >= 12 architectures; with 3-11, per target the better on the folds of a\n"
               "  recalibration of the active version and the anchored fit (the structural basis pulled toward the\n"
               "  active version's coefficients); below 3, recalibration)\n");
}

static void cell(double x, int prec)
{
    if (isfinite(x))
        printf("%9.*f", prec, x);
    else
        printf("%9s", "-");
}

static void print_table(const refit_report *r, const surr_version *parent)
{
    printf("%-15s %6s | %9s %9s %9s %9s | %9s %9s %9s %9s\n", "held-out", "", "new", "", "", "", "active", "", "",
           "");
    printf("%-15s %6s | %9s %9s %9s %9s | %9s %9s %9s %9s\n", "target", "n", "MAPE%", "MdAPE%", "RMSE(log)",
           "exact%", "MAPE%", "MdAPE%", "RMSE(log)", "exact%");
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const vstats *c = &r->cand.t[t], *p = &r->parent.t[t];
        if (c->n == 0)
            continue;
        printf("%-15s %6zu | ", surr_target_names[t], c->n);
        cell(c->v[VS_MAPE], 2), printf(" "), cell(c->v[VS_MDAPE], 2), printf(" ");
        cell(r->cand.rmse_log[t], 3), printf(" "), cell(c->v[VS_EXACT], 1), printf(" | ");
        cell(p->v[VS_MAPE], 2), printf(" "), cell(p->v[VS_MDAPE], 2), printf(" ");
        cell(r->parent.rmse_log[t], 3), printf(" "), cell(p->v[VS_EXACT], 1), printf("\n");
    }
    printf("score (mean MAPE over " REFIT_RULE_TARGETS "): new %.2f%%, active %s %.2f%% -> %s\n", r->cand.score,
           parent->name, r->parent.score, r->gate_ok ? "new is better" : "new is not better");
}

/* A bad option value or combination: the message, and the usage exit status 2. */
static int usage_fail(void)
{
    cli_fail("refit");
    return 2;
}

int cmd_refit(int argc, char **argv)
{
    const char *db_path = "snac.db", *tc_name = NULL, *method = NULL;
    bool json = false, store = true, force = false, kfold_given = false;
    refit_opts o = REFIT_OPTS_INIT;
    /* long options only, except -h: the other letters are just switch labels */
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"no-store", no_argument, NULL, 'n'},
                                         {"activate", no_argument, NULL, 'a'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"toolchain", required_argument, NULL, 't'},
                                         {"mode", required_argument, NULL, 'M'},
                                         {"method", required_argument, NULL, 'm'},
                                         {"kfold", required_argument, NULL, 'k'},
                                         {"holdout", required_argument, NULL, 'H'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch, rc = SNAC_OK;
    uint64_t k;
    optind = 1;
    while (!rc && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': json = true; break;
        case 'n': store = false; break;
        case 'a': force = false; break;
        case 'f': force = true; break;
        case 'd': db_path = optarg; break;
        case 't': tc_name = optarg; break;
        case 'M': {
            int m;
            if (!(rc = surr_enum_parse(refit_mode_names, REFIT_MODE_COUNT, "refit mode", optarg, &m)))
                o.mode = (enum refit_mode)m;
            break;
        }
        case 'm': method = optarg; break;
        case 'k':
            if (!(rc = cli_arg_uint("--kfold", optarg, 2, 1000, &k)))
                o.kfold = (size_t)k, kfold_given = true;
            break;
        case 'H': /* a fraction strictly inside (0, 1) */
            if (!(rc = cli_arg_double("--holdout", optarg, 0, 1, &o.holdout)) && (o.holdout == 0 || o.holdout == 1))
                rc = snac_err_set(SNAC_EINVAL, "--holdout expects a fraction in (0, 1), got '%s'", optarg);
            break;
        case 's': rc = cli_arg_uint("--seed", optarg, 0, UINT64_MAX, &o.seed); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (rc)
        return usage_fail();
    if (!tc_name || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (kfold_given && o.holdout > 0) {
        snac_err_set(SNAC_EINVAL, "give --kfold or --holdout, not both");
        return usage_fail();
    }
    enum surr_toolchain tc;
    char tc_note[256];
    if (surr_toolchain_resolve(tc_name, &tc, tc_note, sizeof tc_note))
        return usage_fail();
    if (tc_note[0])
        fprintf(stderr, "snac refit: note: %s\n", tc_note);
    if (method) {
        int m;
        if (surr_enum_parse(surr_fit_method_names, SURR_FIT_COUNT, "fit method", method, &m))
            return usage_fail();
        o.fit.method = (enum surr_fit_method)m;
        if (o.fit.method != SURR_FIT_OLS && o.fit.method != SURR_FIT_ROBUST) {
            snac_err_set(SNAC_EINVAL, "--method %s: the structural surrogate is fitted by non-negative least "
                         "squares; use robust or ols", method);
            return usage_fail();
        }
    }

    snac_db *db = NULL;
    surr_version parent = {0}, v = {0};
    vrows R = VROWS_INIT;
    refit_report rep;
    bool created = false, activated = false;
    rc = db_open_existing(db_path, &db);
    if (rc)
        goto out;
    if ((rc = surr_version_ensure_default(db, (enum surr_toolchain)tc, &parent, &created)))
        goto out;
    if ((rc = vrows_load(db, (enum surr_toolchain)tc, &R)))
        goto out;
    if (R.n == 0) {
        rc = snac_err_set(SNAC_ENOTFOUND, "no synthesis results with a usable spec for %s (%s) in %s", tc_name,
                          vtoolchain_describe((enum surr_toolchain)tc), db_path);
        goto out;
    }
    if ((rc = refit_run(R.row, R.n, R.n_groups, &parent, &o, &v, &rep)))
        goto out;
    activated = store && (rep.gate_ok || force);
    if (store && (rc = refit_store(db, &v, activated)))
        goto out;
    if (json) {
        printf("{\"toolchain\":\"%s\",\"version_id\":%lld,\"name\":\"%s\",\"parent_id\":%lld,\"stored\":%s,"
               "\"activated\":%s,\"fit_stats\":%s}\n",
               surr_toolchain_names[tc], (long long)v.id, v.name, (long long)parent.id, store ? "true" : "false",
               activated ? "true" : "false", v.fit_stats);
    } else {
        printf("refit %s: %zu results (%s), %zu architectures; %zu %s by architecture, seed %llu; %s, method %s\n",
               surr_toolchain_names[tc], R.n, vtoolchain_describe((enum surr_toolchain)tc), R.n_groups, rep.n_folds,
               o.holdout > 0 ? "hold-out split" : "folds", (unsigned long long)o.seed, refit_mode_names[rep.mode],
               surr_fit_method_names[o.fit.method]);
        if (R.n_no_spec)
            printf("  %zu results of %s skipped: no usable spec\n", R.n_no_spec, surr_toolchain_names[tc]);
        if (created)
            printf("  (no active version: the default was read from the shipped coefficients and stored)\n");
        print_table(&rep, &parent);
        for (int t = 0; t < SURR_T_COUNT; t++)
            if (rep.kept & (1u << t))
                printf("  %s: the refit did not lower the held-out MAPE (II, latency: or predicts fewer exactly), keeps the parent's model\n",
                       surr_target_names[t]);
        for (int t = 0; t < SURR_T_COUNT; t++)
            if (rep.inherited & (1u << t))
                printf("  %s: too few results, keeps the parent's coefficients\n", surr_target_names[t]);
        if (!store)
            printf("not stored (--no-store)\n");
        else
            printf("stored as version %lld \"%s\" (parent %lld \"%s\")%s\n", (long long)v.id, v.name,
                   (long long)parent.id, parent.name,
                   activated ? (rep.gate_ok ? ", activated" : ", activated (--force)") : ", not activated");
        if (store && !rep.gate_ok)
            printf("  gate: %s%s\n", rep.gate_reason, activated ? " (overridden by --force)" : "; --force to activate");
    }
out:
    vrows_free(&R);
    surr_version_clear(&parent);
    surr_version_clear(&v);
    db_close(db);
    return rc ? cli_fail("refit") : 0;
}
