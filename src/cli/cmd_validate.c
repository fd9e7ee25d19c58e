/* cmd_validate — `snac validate`: how wrong the surrogate is, per target, on the
 * real synthesis results in the store (validation/vvalidate.h).
 *
 *   snac validate [--db PATH] [--toolchain T] [--surrogate V] [--compare V2]
 *                 [--bootstrap B] [--seed S] [--json] [--no-store]
 *
 * Without --toolchain: every surrogate toolchain that has results (the mapping
 * is validation/vtoolchain.h). The version under test is --surrogate V (its
 * toolchain unless --toolchain says otherwise) or the toolchain's active version
 * (the default is fitted and stored when there is none). --compare V2 adds the
 * fresh statistics of V2 side by side. Statistics are stored in
 * validation_stats unless --no-store.
 *
 * Memory: versions, reports and the database handle are owned here and released
 * on every path. Workload: seconds at most (bootstrap dominates).
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
#include "validation/vtoolchain.h"
#include "validation/vvalidate.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac validate [--db PATH] [--toolchain T] [--surrogate V] [--compare V2]\n"
               "                     [--bootstrap B] [--seed S] [--json] [--no-store]\n"
               "  compares the prediction stored at search time and a fresh prediction by V with the\n"
               "  real synthesis numbers: n, MAE, RMSE, MAPE, SMAPE, SMAPE (rule4ml), R2, bias, Pearson,\n"
               "  Spearman, median and 90th-percentile APE, calibration slope/intercept, bootstrap CIs\n");
}

static void print_block_json(const vval_block *b)
{
    printf("{\"kind\":\"%s\",\"version_id\":%lld,\"version\":\"%s\",\"targets\":{", vval_kind_names[b->kind],
           (long long)b->version_id, b->version_name);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        char *js = NULL;
        if (vstats_json(&b->t[t], &js))
            continue;
        printf("%s\"%s\":%s", t ? "," : "", surr_target_names[t], js);
        free(js);
    }
    printf("}}");
}

static void print_report_json(const vval_report *r, const vval_block *cmp)
{
    printf("{\"toolchain\":\"%s\",\"stage\":\"%s\",\"rows\":%zu,\"architectures\":%zu,\"no_spec\":%zu,"
           "\"with_stored_prediction\":%zu,\"skipped\":[",
           surr_toolchain_names[r->tc], vtc_stage_names[vtoolchain_stage(r->tc)], r->n_rows, r->n_groups,
           r->n_no_spec, r->n_with_stored);
    for (size_t k = 0; k < r->n_no_spec; k++) {
        printf("%s{\"id\":%lld,\"reason\":\"", k ? "," : "", (long long)r->skip[k].id);
        for (const char *c = r->skip[k].why; *c; c++) /* JSON string escape */
            if (*c == '"' || *c == '\\')
                printf("\\%c", *c);
            else if ((unsigned char)*c < 0x20)
                printf("\\u%04x", (unsigned char)*c);
            else
                putchar(*c);
        printf("\"}");
    }
    printf("],\"fresh\":");
    print_block_json(&r->fresh);
    if (cmp) {
        printf(",\"compare\":");
        print_block_json(cmp);
    }
    printf(",\"stored\":[");
    for (size_t k = 0; k < r->n_stored; k++) {
        if (k)
            printf(",");
        print_block_json(&r->stored[k]);
    }
    printf("]}");
}

/* fmt 'f' with prec decimals, or 'g' with prec significant digits */
static void cell(double x, char fmt, int prec, int width)
{
    if (isfinite(x) && fmt == 'g')
        printf("%*.*g", width, prec, x);
    else if (isfinite(x))
        printf("%*.*f", width, prec, x);
    else
        printf("%*s", width, "-");
}

static void print_block(const vval_block *b)
{
    printf("\n%s predictions by %s (id %lld)\n", b->kind == VVAL_FRESH ? "fresh" : "stored", b->version_name,
           (long long)b->version_id);
    printf("%-14s %5s %10s %10s %8s %17s %7s %7s %7s %10s %7s %8s %7s %7s %7s %9s %6s %6s\n", "target", "n", "MAE",
           "RMSE", "MAPE%", "95% CI", "SMAPE%", "r4ml%", "R2", "bias", "pearson", "spearman", "MdAPE%", "P90APE%",
           "slope", "intercept", "exact%", "<=20%");
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const vstats *s = &b->t[t];
        if (s->n == 0) {
            printf("%-14s %5d   no measured values\n", surr_target_names[t], 0);
            continue;
        }
        printf("%-14s %5zu ", surr_target_names[t], s->n);
        cell(s->v[VS_MAE], 'g', 4, 10);
        printf(" ");
        cell(s->v[VS_RMSE], 'g', 4, 10);
        printf(" ");
        cell(s->v[VS_MAPE], 'f', 1, 8);
        if (isfinite(s->lo[VS_MAPE]))
            printf("   [%5.1f, %5.1f]", s->lo[VS_MAPE], s->hi[VS_MAPE]);
        else
            printf(" %17s", "-");
        static const int rest[] = {VS_SMAPE, VS_SMAPE_R4ML, VS_R2, VS_BIAS, VS_PEARSON, VS_SPEARMAN,
                                   VS_MDAPE, VS_P90APE, VS_CAL_SLOPE, VS_CAL_INTERCEPT, VS_EXACT, VS_WITHIN20};
        static const int width[] = {7, 7, 7, 10, 7, 8, 7, 7, 7, 9, 6, 6};
        static const char fmt[] = {'f', 'f', 'f', 'g', 'f', 'f', 'f', 'f', 'f', 'g', 'f', 'f'};
        static const int prec[] = {1, 1, 3, 4, 3, 3, 1, 1, 3, 4, 1, 1};
        for (size_t k = 0; k < sizeof rest / sizeof rest[0]; k++) {
            printf(" ");
            cell(s->v[rest[k]], fmt[k], prec[k], width[k]);
        }
        printf("\n");
    }
}

static void print_compare(const vval_block *a, const vval_block *b)
{
    printf("\nside by side (fresh): A = %s (id %lld), B = %s (id %lld)\n", a->version_name, (long long)a->version_id,
           b->version_name, (long long)b->version_id);
    printf("%-14s %5s | %8s %8s | %8s %8s | %7s %7s | %8s %8s\n", "target", "n", "MAPE% A", "MAPE% B", "r4ml% A",
           "r4ml% B", "R2 A", "R2 B", "MdAPE% A", "MdAPE% B");
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const vstats *x = &a->t[t], *y = &b->t[t];
        if (x->n == 0)
            continue;
        printf("%-14s %5zu | ", surr_target_names[t], x->n);
        cell(x->v[VS_MAPE], 'f', 1, 8), printf(" "), cell(y->v[VS_MAPE], 'f', 1, 8), printf(" | ");
        cell(x->v[VS_SMAPE_R4ML], 'f', 1, 8), printf(" "), cell(y->v[VS_SMAPE_R4ML], 'f', 1, 8), printf(" | ");
        cell(x->v[VS_R2], 'f', 3, 7), printf(" "), cell(y->v[VS_R2], 'f', 3, 7), printf(" | ");
        cell(x->v[VS_MDAPE], 'f', 1, 8), printf(" "), cell(y->v[VS_MDAPE], 'f', 1, 8), printf("\n");
    }
}

/* Toolchains that have results (mapped rows). */
static int toolchains_with_results(snac_db *db, bool has[SURR_TC_COUNT])
{
    sqlite3_stmt *st = NULL;
    memset(has, 0, SURR_TC_COUNT * sizeof has[0]);
    if (sqlite3_prepare_v2(db_handle(db), "SELECT DISTINCT toolchain, tool_version FROM synthesis_results", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(db, "select toolchains");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        enum surr_toolchain tc;
        if (vtoolchain_map((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), &tc))
            has[tc] = true;
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? SNAC_OK : db_error(db, "select toolchains");
}

int cmd_validate(int argc, char **argv)
{
    const char *db_path = "snac.db", *surrogate = NULL, *compare = NULL, *tc_name = NULL;
    bool json = false, store = true;
    vstats_opts so = VSTATS_OPTS_INIT;
    /* long options only, except -h: the other letters are just switch labels */
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"no-store", no_argument, NULL, 'n'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"toolchain", required_argument, NULL, 't'},
                                         {"surrogate", required_argument, NULL, 'S'},
                                         {"compare", required_argument, NULL, 'c'},
                                         {"bootstrap", required_argument, NULL, 'b'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch, rc = SNAC_OK;
    uint64_t b;
    optind = 1;
    while (!rc && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': json = true; break;
        case 'n': store = false; break;
        case 'd': db_path = optarg; break;
        case 't': tc_name = optarg; break;
        case 'S': surrogate = optarg; break;
        case 'c': compare = optarg; break;
        case 'b':
            if (!(rc = cli_arg_uint("--bootstrap", optarg, 0, 1000000, &b)))
                so.n_boot = (size_t)b;
            break;
        case 's': rc = cli_arg_uint("--seed", optarg, 0, UINT64_MAX, &so.seed); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (rc) { /* a bad option value: a usage error */
        cli_fail("validate");
        return 2;
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    int tc_arg = -1;
    if (tc_name) {
        enum surr_toolchain t;
        char tc_note[256];
        if (surr_toolchain_resolve(tc_name, &t, tc_note, sizeof tc_note)) {
            cli_fail("validate");
            return 2;
        }
        if (tc_note[0])
            fprintf(stderr, "snac validate: note: %s\n", tc_note);
        tc_arg = (int)t;
    }

    snac_db *db = NULL;
    surr_version pinned = {0}, cmp = {0};
    vval_report rep = {0};
    rc = db_open_existing(db_path, &db);
    if (rc)
        goto out;
    if (surrogate && (rc = surr_version_load_ref(db, surrogate, &pinned)))
        goto out;
    if (compare && (rc = surr_version_load_ref(db, compare, &cmp)))
        goto out;
    bool todo[SURR_TC_COUNT];
    if (tc_arg >= 0) {
        memset(todo, 0, sizeof todo);
        todo[tc_arg] = true;
    } else if (surrogate) {
        memset(todo, 0, sizeof todo);
        todo[pinned.toolchain] = true;
    } else if ((rc = toolchains_with_results(db, todo))) {
        goto out;
    }
    size_t done = 0, unmapped = 0;
    if (json)
        printf("{\"validations\":[");
    for (int tc = 0; tc < SURR_TC_COUNT; tc++) {
        if (!todo[tc])
            continue;
        surr_version active = {0};
        const surr_version *v = &pinned;
        bool created = false;
        if (!surrogate) {
            if ((rc = surr_version_ensure_default(db, (enum surr_toolchain)tc, &active, &created)))
                goto out;
            v = &active;
        }
        rc = vval_run(db, (enum surr_toolchain)tc, v, &so, &rep);
        vval_report cmp_rep = {0};
        if (!rc && compare)
            rc = vval_run(db, (enum surr_toolchain)tc, &cmp, &so, &cmp_rep);
        if (!rc && store) {
            rc = vval_store(db, &rep);
            if (!rc && compare)
                rc = vval_store(db, &(vval_report){.tc = cmp_rep.tc, .fresh = cmp_rep.fresh});
        }
        surr_version_clear(&active);
        if (rc) {
            vval_report_free(&cmp_rep);
            goto out;
        }
        if (json) {
            printf("%s", done ? "," : "");
            print_report_json(&rep, compare ? &cmp_rep.fresh : NULL);
        } else {
            printf("%svalidate %s: %zu results (%s), %zu architectures, %zu without a usable spec, "
                   "%zu with a stored prediction\n",
                   done ? "\n" : "", surr_toolchain_names[tc], rep.n_rows, vtoolchain_describe((enum surr_toolchain)tc),
                   rep.n_groups, rep.n_no_spec, rep.n_with_stored);
            if (created)
                printf("  (no active version: the default was fitted from the shipped calibration data and stored)\n");
            if (rep.n_weights_missing)
                printf("  note: %zu result%s (the first: id %lld) a weights folder that cannot be read (moved?): "
                       "the features use the spec's sparsity, not the weights; ingest the project again to "
                       "store the weights' counts in the spec\n", rep.n_weights_missing,
                       rep.n_weights_missing == 1 ? "'s spec names" : "s' specs name",
                       (long long)rep.first_weights_missing);
            if (rep.n_no_spec) {
                printf("  skipped %zu result%s (synthesis_results id: reason):\n", rep.n_no_spec,
                       rep.n_no_spec == 1 ? "" : "s");
                for (size_t k = 0; k < rep.n_no_spec; k++)
                    printf("    %lld: %s\n", (long long)rep.skip[k].id, rep.skip[k].why);
            }
            print_block(&rep.fresh);
            for (size_t k = 0; k < rep.n_stored; k++)
                print_block(&rep.stored[k]);
            if (compare)
                print_compare(&rep.fresh, &cmp_rep.fresh);
        }
        unmapped = rep.n_unmapped;
        vval_report_free(&cmp_rep);
        vval_report_free(&rep);
        done++;
    }
    if (!json && unmapped)
        printf("\nnot validated: %zu post-synthesis result%s (toolchain vivado: report_utilization, export.rpt); "
               "no surrogate toolchain predicts them (validation/vtoolchain.h)\n", unmapped,
               unmapped == 1 ? "" : "s");
    if (json) {
        printf("]}\n");
    } else if (!done) {
        printf("validate: no synthesis results of a surrogate toolchain in %s (ingest some with `snac ingest`)\n",
               db_path);
    } else {
        printf("\nMAPE/MdAPE/P90APE over rows with actual != 0; bias = mean(predicted - actual); "
               "slope/intercept: actual = intercept + slope * predicted; exact%%: round(predicted) == actual; "
               "<=20%%: |predicted - actual| <= 0.2 max(actual, 1); CI: %zu bootstrap resamples, seed %llu%s\n",
               so.n_boot, (unsigned long long)so.seed, store ? "; stored in validation_stats" : "");
    }
out:
    vval_report_free(&rep);
    surr_version_clear(&pinned);
    surr_version_clear(&cmp);
    db_close(db);
    return rc ? cli_fail("validate") : 0;
}
