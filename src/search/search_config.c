/* search_config — reads the search, search_space and deploy sections; see search_config.h.
 *
 * The schema tables below are the whole schema of these sections: unknown keys,
 * wrong types and out-of-range values fail with file:line:column. Lists of lists
 * (widths), lists of booleans and the constraint / seed maps are walked by hand.
 *
 * Memory: the YAML document lives only inside search_config_parse. Workload: once per run.
 */
#include "search/search_config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml_doc.h"
#include "util/err.h"
#include "util/fileio.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *const search_metric_names[SEARCH_M_COUNT] = {
    "accuracy", "bops_mac", "bops_bitaware", "avg_resource_pct", "latency_ns", "lut",    "ff",      "dsp",     "bram18",
    "uram",     "latency_cycles", "ii",      "lut_pct",          "ff_pct",     "dsp_pct", "bram18_pct", "uram_pct"};
_Static_assert(COUNT(search_metric_names) == SEARCH_M_COUNT, "one name per metric");

double search_metric_value(enum search_metric m, double acc, const surr_prediction *p)
{
    switch (m) {
    case SEARCH_M_ACCURACY: return acc;
    case SEARCH_M_BOPS_MAC: return p->bops_mac;
    case SEARCH_M_BOPS_BITAWARE: return p->bops_bitaware;
    case SEARCH_M_AVG_RESOURCE_PCT: return p->avg_resource_pct;
    case SEARCH_M_LATENCY_NS: return p->latency_ns;
    case SEARCH_M_LUT: return p->y[SURR_T_LUT];
    case SEARCH_M_FF: return p->y[SURR_T_FF];
    case SEARCH_M_DSP: return p->y[SURR_T_DSP];
    case SEARCH_M_BRAM18: return p->y[SURR_T_BRAM18];
    case SEARCH_M_URAM: return p->y[SURR_T_URAM];
    case SEARCH_M_LATENCY_CYCLES: return p->y[SURR_T_LATENCY_CYCLES];
    case SEARCH_M_II: return p->y[SURR_T_II];
    case SEARCH_M_LUT_PCT: return p->pct[SURR_T_LUT];
    case SEARCH_M_FF_PCT: return p->pct[SURR_T_FF];
    case SEARCH_M_DSP_PCT: return p->pct[SURR_T_DSP];
    case SEARCH_M_BRAM18_PCT: return p->pct[SURR_T_BRAM18];
    case SEARCH_M_URAM_PCT: return p->pct[SURR_T_URAM];
    case SEARCH_M_COUNT: break;
    }
    return NAN;
}

double search_metric_minimised(enum search_metric m, double value) { return m == SEARCH_M_ACCURACY ? 1.0 - value : value; }

void search_config_init(search_config *c)
{
    memset(c, 0, sizeof *c);
    c->trials = 500;
    c->population = 20;
    c->epochs = 5;
    c->seed = 2025;
    c->workers = 0;
    c->store_models = true;
    c->p_crossover = 0.9;
    c->p_mutation = -1.0;
    c->n_obj = 3;
    c->obj[0] = SEARCH_M_ACCURACY;
    c->obj[1] = SEARCH_M_AVG_RESOURCE_PCT;
    c->obj[2] = SEARCH_M_LATENCY_CYCLES;
    search_space_init_table1(&c->space);
    /* the reference baseline (Odagiu et al. 2024), snapped to the space's lr/L1 choices */
    c->n_seeds = 1;
    nn_arch *b = &c->seed_arch[0];
    b->n_hidden = 8;
    const size_t w[8] = {120, 60, 32, 64, 64, 64, 32, 44};
    memcpy(b->hidden, w, sizeof w);
    b->act = NN_ACT_RELU;
    b->batch_norm = true;
    c->seed_hp[0].learning_rate = 1.3e-3;
    c->seed_hp[0].l1 = 1.31e-5;
    search_deploy *d = &c->deploy;
    d->weight = QUANT_PREC_INIT(8, 1);
    d->bias = QUANT_PREC_INIT(8, 1);
    d->input = QUANT_PREC_INIT(8, 3);
    d->output = QUANT_PREC_INIT(8, 3);
    d->reuse_factor = 1;
    d->strategy = SURR_STRATEGY_LATENCY;
    d->io_type = SURR_IO_PARALLEL;
    snprintf(d->part, sizeof d->part, "xcvu13p-flga2577-2-e");
    d->clock_ns = 5.0;
    d->toolchain = SURR_TC_VIVADO_2019_1;
    c->synthesis = (search_synthesis){.enabled = false, .per_generation = 2, .pick = SEARCH_PICK_UNCERTAINTY,
                                      .jobs = 1, .timeout_s = 3600.0, .refit_every = 1, .kfold = 5, .nice = 10};
}

size_t search_config_generations(const search_config *c)
{
    size_t g = c->population ? c->trials / c->population : 0;
    return g ? g : 1;
}

/* ---------------------------------------------------------------- helpers */

static int metric_of(const cfg_doc *d, const cfg_node *n, enum search_metric *out)
{
    const char *s = cfg_node_scalar(d, n);
    for (int i = 0; s && i < SEARCH_M_COUNT; i++)
        if (strcmp(s, search_metric_names[i]) == 0) {
            *out = (enum search_metric)i;
            return SNAC_OK;
        }
    char known[512] = "";
    for (int i = 0; i < SEARCH_M_COUNT; i++) {
        strncat(known, i ? ", " : "", sizeof known - strlen(known) - 1);
        strncat(known, search_metric_names[i], sizeof known - strlen(known) - 1);
    }
    return cfg_errorf(SNAC_EINVAL, d, n, "unknown metric '%s' (expected one of: %s)", s ? s : "?", known);
}

static int expect_seq(const cfg_doc *d, const cfg_node *n, const char *what, size_t min, size_t max)
{
    if (cfg_node_kind(d, n) != CFG_KIND_SEQUENCE)
        return cfg_errorf(SNAC_EINVAL, d, n, "%s: expected a list", what);
    size_t len = cfg_seq_len(d, n);
    if (len < min || len > max)
        return cfg_errorf(SNAC_EINVAL, d, n, "%s: expected %zu to %zu entries, got %zu", what, min, max, len);
    return SNAC_OK;
}

static int read_fixed(const cfg_doc *d, const cfg_node *map, const char *key, quant_prec *out)
{
    const cfg_node *n = cfg_map_get(d, map, key);
    if (!n)
        return SNAC_OK;
    const char *s = cfg_node_scalar(d, n);
    if (!s || quant_prec_parse(s, out)) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", snac_err_msg());
        return cfg_errorf(SNAC_EINVAL, d, n, "deploy.%s: %s", key, s ? msg : "expected an ap_fixed<W,I> type");
    }
    return SNAC_OK;
}

/* ---------------------------------------------------------------- sections */

static int read_constraints(const cfg_doc *d, const cfg_node *n, search_config *c)
{
    if (cfg_node_kind(d, n) != CFG_KIND_MAPPING)
        return cfg_errorf(SNAC_EINVAL, d, n, "search.constraints: expected a mapping metric: max or metric: {min, max}");
    size_t len = cfg_map_len(d, n);
    if (len > SEARCH_MAX_CONS)
        return cfg_errorf(SNAC_EINVAL, d, n, "search.constraints: at most %d constraints", SEARCH_MAX_CONS);
    c->n_cons = 0;
    for (size_t i = 0; i < len; i++) {
        const cfg_node *k, *v;
        cfg_map_at(d, n, i, &k, &v);
        search_constraint *s = &c->cons[c->n_cons++];
        s->min = -INFINITY;
        s->max = INFINITY;
        int rc = metric_of(d, k, &s->metric);
        if (rc)
            return rc;
        if (cfg_node_kind(d, v) == CFG_KIND_SCALAR) {
            if ((rc = cfg_node_double(d, v, -1e300, 1e300, &s->max)))
                return rc;
        } else {
            const cfg_field f[] = {{.key = "min", .type = CFG_DOUBLE, .offset = offsetof(search_constraint, min), .min = -1e300, .max = 1e300},
                                   {.key = "max", .type = CFG_DOUBLE, .offset = offsetof(search_constraint, max), .min = -1e300, .max = 1e300}};
            if ((rc = cfg_read_map(d, v, "search.constraints", f, COUNT(f), s)))
                return rc;
        }
        if (!(s->min <= s->max) || (isinf(s->min) && isinf(s->max)))
            return cfg_errorf(SNAC_EINVAL, d, v, "search.constraints.%s: needs min <= max and at least one bound",
                              search_metric_names[s->metric]);
    }
    return SNAC_OK;
}

static int read_seeds(const cfg_doc *d, const cfg_node *n, search_config *c)
{
    int rc = expect_seq(d, n, "search.seed_architectures", 0, SEARCH_MAX_SEEDS);
    if (rc)
        return rc;
    c->n_seeds = cfg_seq_len(d, n);
    for (size_t i = 0; i < c->n_seeds; i++) {
        struct seed_frame {
            nn_arch a;
            double lr, l1;
        } fr;
        memset(&fr, 0, sizeof fr);
        fr.a.act = NN_ACT_RELU;
        fr.lr = c->space.lr[0];
        fr.l1 = c->space.l1[0];
        const cfg_field f[] = {
            {"hidden", CFG_SIZE_LIST, offsetof(struct seed_frame, a.hidden), 1, 4096, NN_MAX_HIDDEN,
             offsetof(struct seed_frame, a.n_hidden), 0, NULL, 0, NULL},
            {.key = "activation", .type = CFG_ENUM, .offset = offsetof(struct seed_frame, a.act), .names = nn_act_names,
             .n_names = NN_ACT_COUNT},
            {.key = "batch_norm", .type = CFG_BOOL, .offset = offsetof(struct seed_frame, a.batch_norm)},
            {.key = "dropout", .type = CFG_FLOAT, .offset = offsetof(struct seed_frame, a.dropout), .min = 0, .max = 0.95},
            {.key = "learning_rate", .type = CFG_DOUBLE, .offset = offsetof(struct seed_frame, lr), .min = 1e-9, .max = 10},
            {.key = "l1", .type = CFG_DOUBLE, .offset = offsetof(struct seed_frame, l1), .min = 0, .max = 1},
        };
        const cfg_node *e = cfg_seq_at(d, n, i);
        if ((rc = cfg_read_map(d, e, "search.seed_architectures", f, COUNT(f), &fr)))
            return rc;
        if (fr.a.n_hidden == 0)
            return cfg_errorf(SNAC_EINVAL, d, e, "search.seed_architectures[%zu]: needs hidden: [widths]", i);
        c->seed_arch[i] = fr.a;
        c->seed_hp[i].learning_rate = fr.lr;
        c->seed_hp[i].l1 = fr.l1;
    }
    return SNAC_OK;
}

static int read_fidelity(const cfg_doc *d, const cfg_node *n, search_config *c)
{
    search_fidelity *fi = &c->fidelity;
    fi->keep = 0.5;
    const cfg_field f[] = {
        {"rungs", CFG_SIZE_LIST, offsetof(search_fidelity, rungs), 1, 10000, SEARCH_MAX_RUNGS,
         offsetof(search_fidelity, n_rungs), 0, NULL, 0, NULL},
        {.key = "keep", .type = CFG_DOUBLE, .offset = offsetof(search_fidelity, keep), .min = 1e-9, .max = 1},
        {.key = "extrapolate", .type = CFG_BOOL, .offset = offsetof(search_fidelity, extrapolate)},
    };
    int rc = cfg_read_map(d, n, "search.fidelity", f, COUNT(f), fi);
    if (rc)
        return rc;
    if (fi->n_rungs == 0)
        return cfg_errorf(SNAC_EINVAL, d, n, "search.fidelity: needs rungs: [epochs, ...] ending at search.epochs");
    for (size_t i = 1; i < fi->n_rungs; i++)
        if (fi->rungs[i] <= fi->rungs[i - 1])
            return cfg_errorf(SNAC_EINVAL, d, n, "search.fidelity.rungs: %zu after %zu; the epochs must increase",
                              fi->rungs[i], fi->rungs[i - 1]);
    if (fi->rungs[fi->n_rungs - 1] != c->epochs)
        return cfg_errorf(SNAC_EINVAL, d, n, "search.fidelity.rungs: the last rung is %zu epochs, search.epochs is "
                          "%zu; they must be equal", fi->rungs[fi->n_rungs - 1], c->epochs);
    return SNAC_OK;
}

static int read_search(const cfg_doc *d, const cfg_node *n, search_config *c)
{
    if (!n)
        return SNAC_OK;
    size_t n_objs = 0;
    const cfg_field f[] = {
        {.key = "trials", .type = CFG_SIZE, .offset = offsetof(search_config, trials), .min = 1, .max = 1e7},
        {.key = "population", .type = CFG_SIZE, .offset = offsetof(search_config, population), .min = 2, .max = 10000},
        {.key = "epochs", .type = CFG_SIZE, .offset = offsetof(search_config, epochs), .min = 1, .max = 10000},
        {.key = "seed", .type = CFG_U64, .offset = offsetof(search_config, seed), .min = 0, .max = 9007199254740992.0},
        {.key = "workers", .type = CFG_SIZE, .offset = offsetof(search_config, workers), .min = 0, .max = 1024},
        {.key = "store_models", .type = CFG_BOOL, .offset = offsetof(search_config, store_models)},
        {.key = "crossover", .type = CFG_DOUBLE, .offset = offsetof(search_config, p_crossover), .min = 0, .max = 1},
        {.key = "mutation", .type = CFG_DOUBLE, .offset = offsetof(search_config, p_mutation), .min = -1, .max = 1},
        {.key = "objectives", .type = CFG_SKIP},
        {.key = "constraints", .type = CFG_SKIP},
        {.key = "seed_architectures", .type = CFG_SKIP},
        {.key = "fidelity", .type = CFG_SKIP},
    };
    int rc = cfg_read_map(d, n, "search", f, COUNT(f), c);
    if (rc)
        return rc;
    const cfg_node *o = cfg_map_get(d, n, "objectives");
    if (o) {
        if ((rc = expect_seq(d, o, "search.objectives", 1, SEARCH_MAX_OBJ)))
            return rc;
        n_objs = cfg_seq_len(d, o);
        for (size_t i = 0; i < n_objs; i++) {
            const cfg_node *e = cfg_seq_at(d, o, i);
            if ((rc = metric_of(d, e, &c->obj[i])))
                return rc;
            for (size_t j = 0; j < i; j++)
                if (c->obj[j] == c->obj[i])
                    return cfg_errorf(SNAC_EINVAL, d, e, "search.objectives: '%s' is listed twice",
                                      search_metric_names[c->obj[i]]);
        }
        c->n_obj = n_objs;
    }
    const cfg_node *k = cfg_map_get(d, n, "constraints");
    if (k && (rc = read_constraints(d, k, c)))
        return rc;
    const cfg_node *s = cfg_map_get(d, n, "seed_architectures");
    if (s && (rc = read_seeds(d, s, c)))
        return rc;
    const cfg_node *fi = cfg_map_get(d, n, "fidelity");
    if (fi && (rc = read_fidelity(d, fi, c)))
        return rc;
    return SNAC_OK;
}

static int read_space(const cfg_doc *d, const cfg_node *n, search_space *sp)
{
    if (!n)
        return SNAC_OK;
    struct space_frame {
        size_t n_depths, depths[SEARCH_MAX_CHOICES];
        size_t n_lr, n_l1, n_dropout;
        double lr[SEARCH_MAX_CHOICES], l1[SEARCH_MAX_CHOICES], dropout[SEARCH_MAX_CHOICES];
        size_t n_acts;
        char acts[SEARCH_MAX_CHOICES][16];
    } fr;
    memset(&fr, 0, sizeof fr);
    const cfg_field f[] = {
        {"layers", CFG_SIZE_LIST, offsetof(struct space_frame, depths), 1, NN_MAX_HIDDEN, SEARCH_MAX_CHOICES,
         offsetof(struct space_frame, n_depths), 0, NULL, 0, NULL},
        {"learning_rate", CFG_DOUBLE_LIST, offsetof(struct space_frame, lr), 1e-9, 10, SEARCH_MAX_CHOICES,
         offsetof(struct space_frame, n_lr), 0, NULL, 0, NULL},
        {"l1", CFG_DOUBLE_LIST, offsetof(struct space_frame, l1), 0, 1, SEARCH_MAX_CHOICES,
         offsetof(struct space_frame, n_l1), 0, NULL, 0, NULL},
        {"dropout", CFG_DOUBLE_LIST, offsetof(struct space_frame, dropout), 0, 0.95, SEARCH_MAX_CHOICES,
         offsetof(struct space_frame, n_dropout), 0, NULL, 0, NULL},
        {"activation", CFG_STRING_LIST, offsetof(struct space_frame, acts), 0, 0, SEARCH_MAX_CHOICES,
         offsetof(struct space_frame, n_acts), 16, NULL, 0, NULL},
        {.key = "widths", .type = CFG_SKIP},
        {.key = "batch_norm", .type = CFG_SKIP},
    };
    int rc = cfg_read_map(d, n, "search_space", f, COUNT(f), &fr);
    if (rc)
        return rc;
    /* an empty list is a mistake, not "the default" (as for search.objectives) */
    static const char *const lists[] = {"layers", "learning_rate", "l1", "dropout", "activation"};
    for (size_t i = 0; i < COUNT(lists); i++) {
        const cfg_node *e = cfg_map_get(d, n, lists[i]);
        if (e && cfg_node_kind(d, e) == CFG_KIND_SEQUENCE && cfg_seq_len(d, e) == 0)
            return cfg_errorf(SNAC_EINVAL, d, e,
                              "search_space.%s: an empty list; give at least one choice, or leave the key out for "
                              "SNAC-Pack's Table 1",
                              lists[i]);
    }
#define TAKE(cnt, dst, src)                           \
    if (fr.cnt) {                                     \
        sp->cnt = fr.cnt;                             \
        memcpy(sp->dst, fr.src, sizeof fr.src);       \
    }
    TAKE(n_depths, depths, depths)
    TAKE(n_lr, lr, lr)
    TAKE(n_l1, l1, l1)
    TAKE(n_dropout, dropout, dropout)
#undef TAKE
    if (fr.n_acts) {
        sp->n_acts = fr.n_acts;
        for (size_t i = 0; i < fr.n_acts; i++) {
            int a = nn_act_from_name(fr.acts[i]);
            if (a < 0)
                return cfg_errorf(SNAC_EINVAL, d, cfg_map_get(d, n, "activation"),
                                  "search_space.activation: unknown activation '%s' (expected relu, tanh, sigmoid)",
                                  fr.acts[i]);
            sp->acts[i] = (enum nn_act)a;
        }
    }
    const cfg_node *bn = cfg_map_get(d, n, "batch_norm");
    if (bn) {
        if ((rc = expect_seq(d, bn, "search_space.batch_norm", 1, 2)))
            return rc;
        sp->n_bn = cfg_seq_len(d, bn);
        for (size_t i = 0; i < sp->n_bn; i++)
            if ((rc = cfg_node_bool(d, cfg_seq_at(d, bn, i), &sp->bn[i])))
                return rc;
    }
    const cfg_node *w = cfg_map_get(d, n, "widths");
    if (w) {
        if ((rc = expect_seq(d, w, "search_space.widths", 1, NN_MAX_HIDDEN)))
            return rc;
        memset(sp->n_widths, 0, sizeof sp->n_widths);
        for (size_t k = 0; k < cfg_seq_len(d, w); k++) {
            const cfg_node *row = cfg_seq_at(d, w, k);
            if ((rc = expect_seq(d, row, "search_space.widths[k]", 1, SEARCH_MAX_CHOICES)))
                return rc;
            sp->n_widths[k] = cfg_seq_len(d, row);
            for (size_t j = 0; j < sp->n_widths[k]; j++) {
                long long v;
                if ((rc = cfg_node_long(d, cfg_seq_at(d, row, j), 1, 4096, &v)))
                    return rc;
                sp->widths[k][j] = (size_t)v;
            }
        }
    }
    if ((rc = search_space_check(sp)))
        return cfg_errorf(rc, d, n, "%s", snac_err_msg());
    return SNAC_OK;
}

static int read_deploy(const cfg_doc *d, const cfg_node *n, search_deploy *dp)
{
    if (!n)
        return SNAC_OK;
    const cfg_field f[] = {
        {.key = "weight", .type = CFG_SKIP},
        {.key = "bias", .type = CFG_SKIP},
        {.key = "input", .type = CFG_SKIP},
        {.key = "output", .type = CFG_SKIP},
        {.key = "reuse_factor", .type = CFG_SIZE, .offset = offsetof(search_deploy, reuse_factor), .min = 1, .max = 1e6},
        {.key = "strategy", .type = CFG_ENUM, .offset = offsetof(search_deploy, strategy), .names = surr_strategy_names,
         .n_names = SURR_STRATEGY_COUNT},
        {.key = "io_type", .type = CFG_ENUM, .offset = offsetof(search_deploy, io_type), .names = surr_io_names,
         .n_names = SURR_IO_COUNT},
        {.key = "part", .type = CFG_STRING, .offset = offsetof(search_deploy, part), .cap = sizeof dp->part},
        {.key = "clock_period", .type = CFG_DOUBLE, .offset = offsetof(search_deploy, clock_ns), .min = 0.1, .max = 1000},
        {.key = "toolchain", .type = CFG_ENUM, .offset = offsetof(search_deploy, toolchain), .names = surr_toolchain_names,
         .n_names = SURR_TC_COUNT},
        {.key = "surrogate", .type = CFG_STRING, .offset = offsetof(search_deploy, surrogate), .cap = sizeof dp->surrogate},
    };
    int rc = cfg_read_map(d, n, "deploy", f, COUNT(f), dp);
    if (!rc)
        rc = read_fixed(d, n, "weight", &dp->weight);
    if (!rc)
        rc = read_fixed(d, n, "bias", &dp->bias);
    if (!rc)
        rc = read_fixed(d, n, "input", &dp->input);
    if (!rc)
        rc = read_fixed(d, n, "output", &dp->output);
    return rc;
}

const char *const search_pick_names[SEARCH_PICK_COUNT] = {"uncertainty", "front", "random"};

static int read_synthesis(const cfg_doc *d, const cfg_node *n, search_synthesis *sy)
{
    if (!n)
        return SNAC_OK;
    sy->enabled = true;
    if (cfg_node_kind(d, n) == CFG_KIND_SCALAR && !*cfg_node_scalar(d, n))
        return SNAC_OK; /* `synthesis:` alone: every default */
    const cfg_field f[] = {
        {.key = "per_generation", .type = CFG_SIZE, .offset = offsetof(search_synthesis, per_generation), .min = 1,
         .max = 1000},
        {.key = "pick", .type = CFG_ENUM, .offset = offsetof(search_synthesis, pick), .names = search_pick_names,
         .n_names = SEARCH_PICK_COUNT},
        {.key = "jobs", .type = CFG_SIZE, .offset = offsetof(search_synthesis, jobs), .min = 1, .max = 256},
        {.key = "timeout", .type = CFG_DOUBLE, .offset = offsetof(search_synthesis, timeout_s), .min = 1, .max = 1e7},
        {.key = "refit_every", .type = CFG_SIZE, .offset = offsetof(search_synthesis, refit_every), .min = 0,
         .max = 1e6},
        {.key = "kfold", .type = CFG_SIZE, .offset = offsetof(search_synthesis, kfold), .min = 2, .max = 100},
        {.key = "nice", .type = CFG_INT, .offset = offsetof(search_synthesis, nice), .min = 0, .max = 19},
        {.key = "work", .type = CFG_STRING, .offset = offsetof(search_synthesis, work), .cap = sizeof sy->work},
        {.key = "force", .type = CFG_BOOL, .offset = offsetof(search_synthesis, force)},
    };
    return cfg_read_map(d, n, "synthesis", f, COUNT(f), sy);
}

int search_config_parse(const char *text, size_t len, const char *name, search_config *c)
{
    cfg_doc *d = NULL;
    search_config_init(c);
    int rc = cfg_doc_parse(text, len, name, &d);
    if (rc)
        return rc;
    const cfg_node *root = cfg_doc_root(d);
    if (root && cfg_node_kind(d, root) == CFG_KIND_MAPPING) {
        /* the space first: seeds are checked against it by the driver */
        if (!(rc = read_space(d, cfg_map_get(d, root, "search_space"), &c->space)) &&
            !(rc = read_search(d, cfg_map_get(d, root, "search"), c)))
            rc = read_deploy(d, cfg_map_get(d, root, "deploy"), &c->deploy);
        if (!rc)
            rc = read_synthesis(d, cfg_map_get(d, root, "synthesis"), &c->synthesis);
        /* the default seed (the baseline) belongs to Table 1: a custom space seeds only what it lists */
        const cfg_node *s = cfg_map_get(d, root, "search");
        if (!rc && cfg_map_get(d, root, "search_space") && !(s && cfg_map_get(d, s, "seed_architectures")))
            c->n_seeds = 0;
    }
    cfg_doc_free(d);
    return rc;
}

int search_config_load(const char *path, search_config *c)
{
    char *text = NULL;
    size_t len = 0;
    int rc = snac_read_file_max(path, SNAC_READ_MAX_CONFIG, "config", &text, &len);
    if (!rc)
        rc = search_config_parse(text, len, path, c);
    free(text);
    return rc;
}
