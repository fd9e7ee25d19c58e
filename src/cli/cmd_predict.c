/* cmd_predict — `snac predict`: surrogate estimate of FPGA resources and latency
 * for a YAML spec file or a model stored in the database.
 *
 *   snac predict SPEC.yaml            [options]
 *   snac predict --model ID           [options]
 *   snac predict --calibration        [--toolchain T] [--method M] [--json]
 *                                     (the default fit, its in-sample and cross-validated errors)
 * options: --db PATH (default snac.db) | --no-db, --surrogate ID|NAME (default:
 *   the active version of the spec's toolchain, created from the shipped
 *   coefficients if the database has none), --json, --explain (every named
 *   coefficient with its standard error, and each target broken down by layer
 *   plus the top-level terms), and spec overrides
 *   --bits N --reuse N --part P --clock NS --toolchain T --strategy S --sparsity S.
 * Every target is printed with its 95% interval (fit covariance + residual scale).
 * With a database, the prediction and its interval are stored (predictions table).
 *
 * Memory: the spec, the model (if any), the version and the database handle are
 * owned here and released on every path. Workload: one prediction.
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
#include "surrogate/surr_calib.h"
#include "surrogate/surr_fit.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_spec_mlp.h"
#include "surrogate/surr_specio.h"
#include "surrogate/surr_store.h"
#include "util/err.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac predict SPEC.yaml | --model ID | --calibration [--method robust|ols]\n"
               "  --db PATH          database (default snac.db); --no-db: predict in memory, store nothing\n"
               "  --surrogate REF    version id or name (default: active version of the toolchain)\n"
               "  --explain          every named coefficient, and each target per layer + top-level terms\n"
               "  --json             machine-readable output\n"
               "  overrides: --bits N --reuse N --part NAME --clock NS --toolchain NAME --strategy NAME --sparsity S\n");
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

/* Every coefficient of every target, named, with its standard error from the fit covariance. */
static void print_coefficients(const surr_version *v)
{
    printf("coefficients of %s (y = sum coef * term; +- one standard error; 0 = at its bound):\n", v->name);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const surr_target_model *m = &v->t[t];
        if (m->flags & SURR_TM_NO_DATA) {
            printf("  %-15s no data: predicts 0\n", surr_target_names[t]);
            continue;
        }
        printf("  %-15s dsp_min_bits %d, residual scale %.3f (relative)\n", surr_target_names[t], m->dsp_min_bits,
               m->sigma_rel);
        for (int k = 0; k < SURR_B_COUNT; k++)
            if (m->mask & (1u << k))
                printf("    %-15s %14.6g +- %.3g\n", surr_basis_names[k], m->coef[k], sqrt(fmax(m->cov[k][k], 0)));
    }
}

/* Per-layer breakdown of each target: sum_k coef_k * phi_{k,l} per dense layer, then the top-level terms. */
/* Target model m's share from dense layer l of x (l == x->n_layers: the top-level terms):
 * the rows of --explain, which add up to the prediction. */
static double contribution(const surr_target_model *m, const surr_features *x, size_t l)
{
    double phi[SURR_B_COUNT], y = 0;
    if (l < x->n_layers)
        surr_basis_eval_layer(m->dsp_min_bits, x, l, phi);
    else
        surr_basis_eval_top(x, phi);
    if (!(m->flags & SURR_TM_NO_DATA))
        for (int k = 0; k < SURR_B_COUNT; k++)
            y += m->coef[k] * phi[k];
    return y;
}

static void print_explain(const surr_version *v, const surr_spec *spec, const surr_features *x,
                          const surr_prediction *p)
{
    printf("\n");
    print_coefficients(v);
    printf("\nper-layer breakdown (before clipping; layer terms + top-level terms = total):\n");
    printf("  %-26s", "layer");
    for (int t = 0; t < SURR_T_COUNT; t++)
        printf(" %12s", surr_target_names[t]);
    printf("\n");
    double sum[SURR_T_COUNT] = {0};
    for (size_t l = 0; l <= x->n_layers; l++) {
        char name[64];
        if (l < x->n_layers)
            snprintf(name, sizeof name, "%zu: %zu->%zu RF %.0f %s", l, spec->layer[l].n_in, spec->layer[l].n_out,
                     x->layer[l].rf, surr_act_names[spec->layer[l].act]);
        else
            snprintf(name, sizeof name, "top-level (one, io, rf_max)");
        printf("  %-26s", name);
        for (int t = 0; t < SURR_T_COUNT; t++) {
            double y = contribution(&v->t[t], x, l);
            sum[t] += y;
            printf(" %12.1f", y);
        }
        printf("\n");
    }
    printf("  %-26s", "total");
    for (int t = 0; t < SURR_T_COUNT; t++)
        printf(" %12.1f", sum[t]);
    printf("\n  %-26s", "prediction");
    for (int t = 0; t < SURR_T_COUNT; t++)
        printf(" %12.1f", p->y[t]);
    printf("\n");
}

/* --explain --json: "coefficients" {target: {dsp_min_bits, sigma_rel, terms {name: [coef, se]}}} and
 * "layers" [{target: value} per dense layer, then the top-level terms]. */
static void print_explain_json(const surr_version *v, const surr_features *x)
{
    printf(",\"coefficients\":{");
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const surr_target_model *m = &v->t[t];
        printf("%s\"%s\":{\"fitted\":%s,\"dsp_min_bits\":%d,\"sigma_rel\":%.17g,\"terms\":{", t ? "," : "",
               surr_target_names[t], (m->flags & SURR_TM_NO_DATA) ? "false" : "true", m->dsp_min_bits, m->sigma_rel);
        const char *sep = "";
        for (int k = 0; k < SURR_B_COUNT; k++)
            if (m->mask & (1u << k)) {
                printf("%s\"%s\":[%.17g,%.17g]", sep, surr_basis_names[k], m->coef[k], sqrt(fmax(m->cov[k][k], 0)));
                sep = ",";
            }
        printf("}}");
    }
    printf("},\"layers\":[");
    for (size_t l = 0; l <= x->n_layers; l++) {
        printf("%s{\"layer\":", l ? "," : "");
        if (l < x->n_layers)
            printf("%zu", l);
        else
            printf("\"top\"");
        for (int t = 0; t < SURR_T_COUNT; t++) {
            double y = contribution(&v->t[t], x, l);
            printf(",\"%s\":%.17g", surr_target_names[t], y);
        }
        printf("}");
    }
    printf("]");
}

static int print_calibration(enum surr_toolchain tc, const surr_fit_options *o, bool json)
{
    surr_version v;
    surr_fit_report rep;
    int rc = surr_calib_fit(tc, o, &v, &rep);
    if (rc)
        return rc;
    if (json) {
        printf("{\"name\":");
        json_str(v.name);
        printf(",\"note\":");
        json_str(v.note);
        printf(",\"fit_stats\":%s,\"fitted_on\":%s}\n", v.fit_stats, v.fitted_on);
        surr_version_clear(&v);
        return SNAC_OK;
    }
    printf("sweeps-only fit %s (%s, basis v%d)\n%s\n\n", v.name, v.family, v.basis_version, v.note);
    printf("%-15s %5s %10s | %9s %9s %9s %7s | %6s %9s %9s %9s\n", "target", "n", "sigma_rel", "MAPE", "MdAPE",
           "RMSE(log)", "R2(log)", "cv_n", "cv MAPE", "cv MdAPE", "cv RMSE");
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const surr_target_stats *s = &rep.t[t];
        if (v.t[t].flags & SURR_TM_NO_DATA) {
            printf("%-15s %5zu %10s | no calibration data: predicts 0\n", surr_target_names[t], s->n, "-");
            continue;
        }
        printf("%-15s %5zu %10.3g | %8.1f%% %8.1f%% %9.3f %7.3f | %6zu %8.1f%% %8.1f%% %9.3f\n",
               surr_target_names[t], s->n, s->sigma_rel, 100 * s->mape, 100 * s->mdape, s->rmse_log, s->r2_log, s->cv_n,
               100 * s->cv_mape, 100 * s->cv_mdape, s->cv_rmse_log);
    }
    printf("\nerrors are |pred - y| / max(y, 1); cv = leave-one-architecture-out (the paper point is its own group)\n");
    printf("fitted on the embedded sweeps + paper point only; the shipped default (structural_coefficients.txt)\n"
           "also rests on the public hls4ml projects: benchmarks/bench_surrogate_lopo prints its figures\n\n");
    print_coefficients(&v);
    surr_version_clear(&v);
    return SNAC_OK;
}

static void describe_spec(const surr_spec *s, const surr_features *x, char *buf, size_t cap)
{
    size_t u = 0;
    u += (size_t)snprintf(buf + u, cap - u, "%zu", s->layer[0].n_in);
    for (size_t l = 0; l < s->n_layers && u < cap; l++)
        u += (size_t)snprintf(buf + u, cap - u, "-%zu", s->layer[l].n_out);
    if (u < cap)
        snprintf(buf + u, cap - u, " %s%s", surr_act_names[s->layer[0].act], s->layer[0].batch_norm ? "+bn" : "");
    (void)x;
}

/* A bad option value or combination: the message, and the usage exit status 2. */
static int usage_fail(void)
{
    cli_fail("predict");
    return 2;
}

int cmd_predict(int argc, char **argv)
{
    const char *spec_path = NULL, *db_path = "snac.db", *surrogate = NULL, *fit_method = NULL;
    long long model_id = 0;
    bool json = false, no_db = false, calibration = false, explain = false;
    surr_spec_overrides ov = SURR_SPEC_OVERRIDES_INIT;
    int rc = SNAC_OK;
    /* long options only, except -h: the other letters are just switch labels */
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"no-db", no_argument, NULL, 'N'},
                                         {"calibration", no_argument, NULL, 'C'},
                                         {"explain", no_argument, NULL, 'E'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"method", required_argument, NULL, 'M'},
                                         {"surrogate", required_argument, NULL, 'S'},
                                         {"model", required_argument, NULL, 'm'},
                                         {"bits", required_argument, NULL, 'b'},
                                         {"reuse", required_argument, NULL, 'r'},
                                         {"clock", required_argument, NULL, 'k'},
                                         {"sparsity", required_argument, NULL, 'x'},
                                         {"part", required_argument, NULL, 'p'},
                                         {"toolchain", required_argument, NULL, 't'},
                                         {"strategy", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    uint64_t u;
    optind = 1;
    while (!rc && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': json = true; break;
        case 'N': no_db = true; break;
        case 'C': calibration = true; break;
        case 'E': explain = true; break;
        case 'd': db_path = optarg; break;
        case 'M': fit_method = optarg; break;
        case 'S': surrogate = optarg; break;
        case 'm':
            if (!(rc = cli_arg_uint("--model", optarg, 1, INT64_MAX, &u)))
                model_id = (long long)u;
            break;
        case 'b':
            if (!(rc = cli_arg_uint("--bits", optarg, 1, QUANT_MAX_ARITH, &u)))
                ov.bits = (int)u;
            break;
        case 'r':
            if (!(rc = cli_arg_uint("--reuse", optarg, 1, 1000000000, &u)))
                ov.reuse_factor = (size_t)u;
            break;
        case 'k': rc = cli_arg_double("--clock", optarg, 1e-3, 1e6, &ov.clock_ns); break;
        case 'x': rc = cli_arg_double("--sparsity", optarg, 0, 0.999999, &ov.sparsity); break;
        case 'p': ov.part = optarg; break;
        case 't': ov.toolchain = optarg; break;
        case 's': ov.strategy = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (rc)
        return usage_fail();
    if (argc - optind > 1) {
        snac_err_set(SNAC_EINVAL, "more than one spec file given ('%s', '%s')", argv[optind], argv[optind + 1]);
        return usage_fail();
    }
    if (optind < argc)
        spec_path = argv[optind];
    if (calibration) {
        enum surr_toolchain tc = SURR_TC_VIVADO_2019_1;
        char tc_note[256];
        if (ov.toolchain && surr_toolchain_resolve(ov.toolchain, &tc, tc_note, sizeof tc_note))
            return usage_fail();
        if (ov.toolchain && tc_note[0])
            fprintf(stderr, "snac predict: note: %s\n", tc_note);
        surr_fit_options fo = SURR_FIT_OPTIONS_INIT;
        if (fit_method) {
            int m;
            if (surr_enum_parse(surr_fit_method_names, SURR_FIT_COUNT, "fit method", fit_method, &m))
                return usage_fail();
            fo.method = (enum surr_fit_method)m;
        }
        return print_calibration(tc, &fo, json) ? cli_fail("predict") : 0;
    }
    if (!spec_path == !model_id) {
        snac_err_set(SNAC_EINVAL, "give exactly one of SPEC.yaml or --model ID (see snac predict --help)");
        return usage_fail();
    }
    if (ov.toolchain) { /* an unknown name is a usage error, found before any file is read or created */
        enum surr_toolchain tc;
        char tc_note[256];
        if (surr_toolchain_resolve(ov.toolchain, &tc, tc_note, sizeof tc_note))
            return usage_fail();
    }

    snac_db *db = NULL;
    surr_model_spec *ms = NULL;
    float *weights = NULL; /* real weights named by the spec file (model.weights) */
    surr_version ver = {0};
    surr_spec spec;
    /* the spec file first: a missing or bad spec must not create the store */
    if (!model_id && ((rc = surr_spec_load_yaml(spec_path, &spec)) || (rc = surr_spec_weights_load(&spec, &weights))))
        goto out;
    if (!no_db && (rc = model_id ? db_open_existing(db_path, &db) : db_open(db_path, &db)))
        goto out;
    if (model_id) {
        if (!db) {
            rc = snac_err_set(SNAC_EINVAL, "--model needs a database (drop --no-db)");
            goto out;
        }
        if ((rc = surr_model_spec_from_db(db, (int64_t)model_id, &ms)))
            goto out;
        spec = ms->spec;
    }
    if ((rc = surr_spec_apply_overrides(&spec, &ov)))
        goto out;
    surr_features x;
    if ((rc = surr_features_extract(&spec, &x)))
        goto out;
    const surr_part *part = surr_part_lookup(spec.part); /* unknown: absolute numbers only */
    bool part_known = !surr_part_is_unknown(part);
    bool created = false;
    if (surrogate) {
        if (!db) {
            rc = snac_err_set(SNAC_EINVAL, "--surrogate needs a database (drop --no-db)");
            goto out;
        }
        if ((rc = surr_version_load_ref(db, surrogate, &ver)))
            goto out;
        if (ver.toolchain != spec.toolchain && !json)
            fprintf(stderr, "snac predict: note: version %s was fitted for %s, the spec targets %s\n", ver.name,
                    surr_toolchain_names[ver.toolchain], surr_toolchain_names[spec.toolchain]);
    } else if (db) {
        if ((rc = surr_version_ensure_default(db, spec.toolchain, &ver, &created)))
            goto out;
    } else {
        surr_fit_report rep;
        if ((rc = surr_calib_default_version(spec.toolchain, &ver, &rep)))
            goto out;
    }
    surr_prediction p;
    surr_predict_interval(&ver, &x, part, &p);
    char sha[65];
    if ((rc = surr_spec_sha256(&spec, sha)))
        goto out;
    if (db && (rc = surr_prediction_insert(db, ver.id, model_id, sha, &p)))
        goto out;

    char arch[256];
    describe_spec(&spec, &x, arch, sizeof arch);
    char wt[64];
    quant_prec_format(&spec.layer[0].weight, wt, sizeof wt);
    if (json) {
        printf("{\"spec_sha256\":\"%s\",\"model_id\":%lld,\"arch\":", sha, model_id);
        json_str(arch);
        printf(",\"part\":");
        json_str(spec.part);
        printf(",\"clock_ns\":%.17g,\"toolchain\":\"%s\",\"reuse_factor\":%zu,\"strategy\":\"%s\",\"io_type\":\"%s\","
               "\"weights_known\":%s,",
               spec.clock_ns, surr_toolchain_names[spec.toolchain], spec.reuse_factor,
               surr_strategy_names[spec.strategy], surr_io_names[spec.io_type], x.exact ? "true" : "false");
        printf("\"surrogate\":{\"id\":%lld,\"name\":", (long long)ver.id);
        json_str(ver.name);
        printf(",\"family\":\"%s\",\"toolchain\":\"%s\"},\"targets\":{", ver.family,
               surr_toolchain_names[ver.toolchain]);
        for (int t = 0; t < SURR_T_COUNT; t++)
            printf("%s\"%s\":%.17g", t ? "," : "", surr_target_names[t], p.y[t]);
        printf("},\"interval95\":{");
        for (int t = 0; t < SURR_T_COUNT; t++)
            printf("%s\"%s\":[%.17g,%.17g]", t ? "," : "", surr_target_names[t], p.lo[t], p.hi[t]);
        if (part_known) {
            printf("},\"percent_of_part\":{");
            for (int t = 0; t < SURR_T_COUNT - 2; t++)
                printf("%s\"%s\":%.17g", t ? "," : "", surr_target_names[t], p.pct[t]);
            printf("},\"avg_resource_pct\":%.17g", p.avg_resource_pct);
        } else { /* an unknown part: no percentages */
            printf("},\"percent_of_part\":null,\"avg_resource_pct\":null,\"note\":\"part not in the part table: "
                   "absolute predictions only\"");
        }
        printf(",\"latency_ns\":%.17g,\"bops_mac\":%.17g,\"bops_bitaware\":%.17g,\"features\":{", p.latency_ns,
               p.bops_mac, p.bops_bitaware);
        for (int k = 0; k < SURR_F_COUNT; k++)
            printf("%s\"%s\":%.17g", k ? "," : "", surr_feature_names[k], x.f[k]);
        printf("}");
        if (explain)
            print_explain_json(&ver, &x);
        printf("}\n");
    } else {
        printf("snac predict: %s\n", spec_path ? spec_path : "stored model");
        if (model_id)
            printf("  model      id %lld\n", model_id);
        printf("  network    %s, weights %s (%s), RF %zu, %s, %s\n", arch, wt,
               x.exact ? "actual weights" : "expected values from bits and sparsity", spec.reuse_factor,
               surr_strategy_names[spec.strategy], surr_io_names[spec.io_type]);
        printf("  target     %s @ %g ns, toolchain %s\n", spec.part, spec.clock_ns,
               surr_toolchain_names[spec.toolchain]);
        if (!part_known)
            printf("  note       part '%s' is not in the part table: absolute predictions only, no %% of the part\n",
                   spec.part);
        printf("  surrogate  %s (id %lld, %s)%s\n\n", ver.name, (long long)ver.id, ver.family,
               created ? " [the shipped default, stored now]" : "");
        printf("  %-22s %14s %12s   %s\n", "target", "predicted", "% of part", "95% interval");
        static const char *labels[SURR_T_COUNT] = {"LUT", "FF", "DSP", "BRAM18", "URAM", "latency (cycles)", "II"};
        for (int t = 0; t < SURR_T_COUNT; t++) {
            if (t < SURR_T_LATENCY_CYCLES && !part_known)
                printf("  %-22s %14.0f %12s   [%.0f, %.0f]\n", labels[t], p.y[t], "-", p.lo[t], p.hi[t]);
            else if (t < SURR_T_LATENCY_CYCLES)
                printf("  %-22s %14.0f %11.3f%%   [%.0f, %.0f]\n", labels[t], p.y[t], p.pct[t], p.lo[t], p.hi[t]);
            else
                printf("  %-22s %14.1f %12s   [%.1f, %.1f]\n", labels[t], p.y[t], "", p.lo[t], p.hi[t]);
        }
        if (part_known)
            printf("  %-22s %14s %11.3f%%\n", "average resources", "", p.avg_resource_pct);
        printf("  %-22s %14.1f\n", "latency (ns)", p.latency_ns);
        printf("  %-22s %14.0f\n", "BOPs (MACs, paper)", p.bops_mac);
        printf("  %-22s %14.0f\n", "BOPs (bit-aware)", p.bops_bitaware);
        if (explain)
            print_explain(&ver, &spec, &x, &p);
        if (db)
            printf("\n  stored in %s (predictions, spec %.12s...)\n", db_path, sha);
    }
out:
    surr_version_clear(&ver);
    surr_model_spec_free(ms);
    free(weights);
    db_close(db);
    return rc ? cli_fail("predict") : 0;
}
