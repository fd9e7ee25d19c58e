/* pipeline_config — reads `pipeline:` and `ablate:`; see pipeline_config.h.
 *
 * Memory: the YAML document lives only inside the parse calls. Workload: once per run.
 */
#include "pipeline/pipeline_config.h"

#include <stdio.h>
#include <string.h>

#include "config/yaml_doc.h"
#include "util/err.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void pipe_config_init(pipe_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->data.out, sizeof c->data.out, "out/jets");
    c->data.train = 100000;
    c->data.val = 20000;
    c->data.test = 20000;
    c->data.seed = 1;
    c->jobs = 2;
    c->timeout_s = 3600;
    snprintf(c->work, sizeof c->work, "out/pipeline");
    c->refit = true;
    c->kfold = 5;
}

void ablate_config_init(ablate_config *c)
{
    memset(c, 0, sizeof *c);
    c->seeds = 3;
    static const char *const def[] = {"accuracy", "nac", "snac", "snac-refit"};
    for (size_t i = 0; i < COUNT(def); i++)
        pipe_set_builtin(def[i], &c->set[c->n_sets++]);
}

int pipe_set_builtin(const char *name, pipe_set *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name);
    out->obj[out->n_obj++] = SEARCH_M_ACCURACY;
    if (strcmp(name, "accuracy") == 0)
        return SNAC_OK;
    if (strcmp(name, "nac") == 0) {
        out->obj[out->n_obj++] = SEARCH_M_BOPS_MAC;
        return SNAC_OK;
    }
    if (strcmp(name, "snac") == 0 || strcmp(name, "snac-refit") == 0) {
        out->obj[out->n_obj++] = SEARCH_M_AVG_RESOURCE_PCT;
        out->obj[out->n_obj++] = SEARCH_M_LATENCY_CYCLES;
        out->refit = strcmp(name, "snac-refit") == 0;
        return SNAC_OK;
    }
    return snac_err_set(SNAC_EINVAL, "unknown objective set '%s' (built in: accuracy, nac, snac, snac-refit; "
                        "others go under ablate.extra)", name);
}

static int read_sub(const cfg_doc *d, const cfg_node *n, const char *key, const cfg_field *f, size_t nf,
                    pipe_config *c)
{
    const cfg_node *m = cfg_map_get(d, n, key);
    if (!m)
        return SNAC_OK;
    char section[32];
    snprintf(section, sizeof section, "pipeline.%s", key);
    return cfg_read_map(d, m, section, f, nf, c);
}

int pipe_config_parse(const char *text, size_t len, const char *name, pipe_config *c)
{
    cfg_doc *d;
    int rc = cfg_doc_parse(text, len, name, &d);
    if (rc)
        return rc;
    const cfg_node *root = cfg_doc_root(d);
    const cfg_node *n = root && cfg_node_kind(d, root) == CFG_KIND_MAPPING ? cfg_map_get(d, root, "pipeline") : NULL;
    if (!n) {
        cfg_doc_free(d);
        return SNAC_OK;
    }
    const cfg_field top[] = {
        {.key = "data", .type = CFG_SKIP},
        {.key = "select", .type = CFG_SKIP},
        {.key = "build", .type = CFG_SKIP},
        {.key = "synth", .type = CFG_SKIP},
        {.key = "refit", .type = CFG_BOOL, .offset = offsetof(pipe_config, refit)},
        {.key = "kfold", .type = CFG_SIZE, .offset = offsetof(pipe_config, kfold), .min = 2, .max = 100},
        {.key = "feedback", .type = CFG_BOOL, .offset = offsetof(pipe_config, feedback)},
        {.key = "feedback_trials", .type = CFG_SIZE, .offset = offsetof(pipe_config, feedback_trials), .min = 0,
         .max = 1000000},
        {.key = "report", .type = CFG_STRING, .offset = offsetof(pipe_config, report), .cap = DS_PATH_CAP},
    };
    const cfg_field data[] = {
        {.key = "out", .type = CFG_STRING, .offset = offsetof(pipe_config, data.out), .cap = DS_PATH_CAP},
        {.key = "train", .type = CFG_SIZE, .offset = offsetof(pipe_config, data.train), .min = 1, .max = 100000000},
        {.key = "val", .type = CFG_SIZE, .offset = offsetof(pipe_config, data.val), .min = 1, .max = 100000000},
        {.key = "test", .type = CFG_SIZE, .offset = offsetof(pipe_config, data.test), .min = 0, .max = 100000000},
        {.key = "seed", .type = CFG_U64, .offset = offsetof(pipe_config, data.seed), .min = 0,
         .max = 9007199254740992.0},
    };
    const cfg_field select[] = {
        {.key = "min_acc", .type = CFG_DOUBLE, .offset = offsetof(pipe_config, min_acc), .min = 0, .max = 1},
        {.key = "top_k", .type = CFG_SIZE, .offset = offsetof(pipe_config, top_k), .min = 0, .max = 64},
        {.key = "best", .type = CFG_BOOL, .offset = offsetof(pipe_config, best)},
    };
    const cfg_field build[] = {
        {.key = "every", .type = CFG_SIZE, .offset = offsetof(pipe_config, every), .min = 0, .max = 1000},
        {.key = "max_models", .type = CFG_SIZE, .offset = offsetof(pipe_config, max_models), .min = 0, .max = 100000},
    };
    const cfg_field synth[] = {
        {.key = "jobs", .type = CFG_SIZE, .offset = offsetof(pipe_config, jobs), .min = 1, .max = 256},
        {.key = "timeout", .type = CFG_DOUBLE, .offset = offsetof(pipe_config, timeout_s), .min = 1, .max = 1e7},
        {.key = "work", .type = CFG_STRING, .offset = offsetof(pipe_config, work), .cap = DS_PATH_CAP},
    };
    if (!(rc = cfg_read_map(d, n, "pipeline", top, COUNT(top), c)) &&
        !(rc = read_sub(d, n, "data", data, COUNT(data), c)) &&
        !(rc = read_sub(d, n, "select", select, COUNT(select), c)) &&
        !(rc = read_sub(d, n, "build", build, COUNT(build), c)))
        rc = read_sub(d, n, "synth", synth, COUNT(synth), c);
    if (!rc && (!c->data.out[0] || !c->work[0]))
        rc = cfg_errorf(SNAC_EINVAL, d, n, "pipeline: data.out and synth.work must not be empty");
    cfg_doc_free(d);
    return rc;
}

/* A list of metric names at node v into s (the first must be accuracy: every set is compared
 * on the accuracy of what it selects). */
static int read_objectives(const cfg_doc *d, const cfg_node *v, pipe_set *s)
{
    if (!v || cfg_node_kind(d, v) != CFG_KIND_SEQUENCE || cfg_seq_len(d, v) < 1 ||
        cfg_seq_len(d, v) > SEARCH_MAX_OBJ)
        return cfg_errorf(SNAC_EINVAL, d, v, "ablate.extra: objectives: expected a list of 1 to %d metrics",
                          SEARCH_MAX_OBJ);
    s->n_obj = 0;
    for (size_t i = 0; i < cfg_seq_len(d, v); i++) {
        const cfg_node *e = cfg_seq_at(d, v, i);
        const char *m = cfg_node_scalar(d, e);
        size_t k = 0;
        while (m && k < SEARCH_M_COUNT && strcmp(m, search_metric_names[k]) != 0)
            k++;
        if (!m || k == SEARCH_M_COUNT)
            return cfg_errorf(SNAC_EINVAL, d, e, "ablate.extra: unknown metric '%s'", m ? m : "");
        s->obj[s->n_obj++] = (enum search_metric)k;
    }
    if (s->obj[0] != SEARCH_M_ACCURACY)
        return cfg_errorf(SNAC_EINVAL, d, v, "ablate.extra: the first objective must be accuracy");
    return SNAC_OK;
}

int ablate_config_parse(const char *text, size_t len, const char *name, ablate_config *c)
{
    cfg_doc *d;
    int rc = cfg_doc_parse(text, len, name, &d);
    if (rc)
        return rc;
    const cfg_node *root = cfg_doc_root(d);
    const cfg_node *n = root && cfg_node_kind(d, root) == CFG_KIND_MAPPING ? cfg_map_get(d, root, "ablate") : NULL;
    if (!n) {
        cfg_doc_free(d);
        return SNAC_OK;
    }
    const cfg_field f[] = {
        {.key = "seeds", .type = CFG_SIZE, .offset = offsetof(ablate_config, seeds), .min = 1, .max = 100},
        {.key = "sets", .type = CFG_SKIP},
        {.key = "extra", .type = CFG_SKIP},
    };
    rc = cfg_read_map(d, n, "ablate", f, COUNT(f), c);
    const cfg_node *sets = rc ? NULL : cfg_map_get(d, n, "sets");
    if (sets) {
        if (cfg_node_kind(d, sets) != CFG_KIND_SEQUENCE || cfg_seq_len(d, sets) < 1 ||
            cfg_seq_len(d, sets) > PIPE_MAX_SETS)
            rc = cfg_errorf(SNAC_EINVAL, d, sets, "ablate.sets: expected a list of 1 to %d set names", PIPE_MAX_SETS);
        c->n_sets = 0;
        for (size_t i = 0; !rc && i < cfg_seq_len(d, sets); i++) {
            const cfg_node *e = cfg_seq_at(d, sets, i);
            const char *s = cfg_node_scalar(d, e);
            if (!s || pipe_set_builtin(s, &c->set[c->n_sets]))
                rc = cfg_errorf(SNAC_EINVAL, d, e, "ablate.sets: unknown set '%s' (built in: accuracy, nac, snac, "
                                "snac-refit)", s ? s : "");
            else
                c->n_sets++;
        }
    }
    const cfg_node *extra = rc ? NULL : cfg_map_get(d, n, "extra");
    if (extra) {
        if (cfg_node_kind(d, extra) != CFG_KIND_SEQUENCE)
            rc = cfg_errorf(SNAC_EINVAL, d, extra, "ablate.extra: expected a list of {name, objectives}");
        for (size_t i = 0; !rc && i < cfg_seq_len(d, extra); i++) {
            const cfg_node *e = cfg_seq_at(d, extra, i);
            if (c->n_sets == PIPE_MAX_SETS) {
                rc = cfg_errorf(SNAC_EINVAL, d, e, "ablate: at most %d sets in all", PIPE_MAX_SETS);
                break;
            }
            pipe_set *s = &c->set[c->n_sets];
            memset(s, 0, sizeof *s);
            const cfg_field fe[] = {
                {.key = "name", .type = CFG_STRING, .offset = offsetof(pipe_set, name), .cap = sizeof s->name},
                {.key = "objectives", .type = CFG_SKIP},
                {.key = "refit", .type = CFG_BOOL, .offset = offsetof(pipe_set, refit)},
            };
            if (cfg_node_kind(d, e) != CFG_KIND_MAPPING)
                rc = cfg_errorf(SNAC_EINVAL, d, e, "ablate.extra: expected a mapping {name, objectives}");
            else if (!(rc = cfg_read_map(d, e, "ablate.extra", fe, COUNT(fe), s)) &&
                     !(rc = read_objectives(d, cfg_map_get(d, e, "objectives"), s))) {
                for (size_t k = 0; !rc && k < c->n_sets; k++)
                    if (!s->name[0] || strcmp(c->set[k].name, s->name) == 0 || strchr(s->name, '/'))
                        rc = cfg_errorf(SNAC_EINVAL, d, e, "ablate.extra: the name '%s' is empty, has a '/' or is "
                                        "taken", s->name);
                if (!rc)
                    c->n_sets++;
            }
        }
    }
    cfg_doc_free(d);
    return rc;
}
