/* config — reads a snacpack YAML config (model, training, data, output) into a
 * snac_config, validating every key, type and range; see config.h.
 *
 * The field tables below are the whole schema: a key not listed is an error,
 * and the listed range is what the message says was expected.
 */
#include "config/config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml_doc.h"
#include "datasets/jets.h"
#include "util/err.h"
#include "util/fileio.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_EXACT_INT 9007199254740992.0 /* 2^53: larger seeds would not round-trip through double */

void snac_config_init(snac_config *c)
{
    memset(c, 0, sizeof *c);
    c->model.n_hidden = 8;
    const size_t baseline[8] = {120, 60, 32, 64, 64, 64, 32, 44}; /* Odagiu et al. baseline */
    memcpy(c->model.hidden, baseline, sizeof baseline);
    c->model.act = NN_ACT_RELU;
    c->model.batch_norm = true;
    c->model.dropout = 0.0f;
    nn_train_opts t = NN_TRAIN_OPTS_INIT;
    c->training = t;
    c->training.l1 = 1.31e-5f;
    c->seed = 511;
    ds_config_init(&c->data);
    snprintf(c->output.db, sizeof c->output.db, "snac.db");
}

void snac_config_free(snac_config *c)
{
    if (!c)
        return;
    free(c->text);
    c->text = NULL;
}

static int read_sections(const cfg_doc *d, snac_config *c)
{
    const cfg_node *root = cfg_doc_root(d);
    if (!root || (cfg_node_kind(d, root) == CFG_KIND_SCALAR && !*cfg_node_scalar(d, root)))
        return cfg_errorf(SNAC_EINVAL, d, NULL, "empty config: expected sections model, training, data, output");

    const cfg_field top[] = {
        {.key = "model", .type = CFG_SKIP},
        {.key = "training", .type = CFG_SKIP},
        {.key = "data", .type = CFG_SKIP},
        {.key = "output", .type = CFG_SKIP},
        /* read by the search driver (src/search) from the same document */
        {.key = "search", .type = CFG_SKIP},
        {.key = "search_space", .type = CFG_SKIP},
        {.key = "deploy", .type = CFG_SKIP},
        {.key = "local", .type = CFG_SKIP},
        {.key = "synthesis", .type = CFG_SKIP},
        /* read by `snac run` / `snac ablate` (src/pipeline) */
        {.key = "pipeline", .type = CFG_SKIP},
        {.key = "ablate", .type = CFG_SKIP},
    };
    int rc = cfg_read_map(d, root, "top level", top, COUNT(top), c);
    if (rc)
        return rc;

    const cfg_field model[] = {
        {"hidden", CFG_SIZE_LIST, offsetof(nn_arch, hidden), 1, 4096, NN_MAX_HIDDEN,
         offsetof(nn_arch, n_hidden), 0, NULL, 0, NULL},
        {.key = "activation", .type = CFG_ENUM, .offset = offsetof(nn_arch, act), .names = nn_act_names,
         .n_names = NN_ACT_COUNT},
        {.key = "batch_norm", .type = CFG_BOOL, .offset = offsetof(nn_arch, batch_norm)},
        {.key = "dropout", .type = CFG_FLOAT, .offset = offsetof(nn_arch, dropout), .min = 0, .max = 0.95},
    };
    if ((rc = cfg_read_map(d, cfg_map_get(d, root, "model"), "model", model, COUNT(model), &c->model)))
        return rc;

    /* seed lives beside the training options, so read training into a small frame */
    struct train_frame {
        nn_train_opts t;
        uint64_t seed;
    } tr = {c->training, c->seed};
    const cfg_field training[] = {
        {.key = "epochs", .type = CFG_SIZE, .offset = offsetof(nn_train_opts, epochs), .min = 1, .max = 100000},
        {.key = "batch_size", .type = CFG_SIZE, .offset = offsetof(nn_train_opts, batch_size), .min = 1,
         .max = 65536},
        {.key = "learning_rate", .type = CFG_FLOAT, .offset = offsetof(nn_train_opts, learning_rate),
         .min = 1e-9, .max = 1},
        {.key = "beta1", .type = CFG_FLOAT, .offset = offsetof(nn_train_opts, beta1), .min = 0, .max = 0.9999},
        {.key = "beta2", .type = CFG_FLOAT, .offset = offsetof(nn_train_opts, beta2), .min = 0, .max = 0.99999999},
        {.key = "epsilon", .type = CFG_FLOAT, .offset = offsetof(nn_train_opts, eps), .min = 1e-12, .max = 1},
        {.key = "l1", .type = CFG_FLOAT, .offset = offsetof(nn_train_opts, l1), .min = 0, .max = 1},
        {.key = "threads", .type = CFG_INT, .offset = offsetof(nn_train_opts, threads), .min = 0, .max = 256},
        {.key = "seed", .type = CFG_U64, .offset = offsetof(struct train_frame, seed), .min = 0, .max = MAX_EXACT_INT},
    };
    if ((rc = cfg_read_map(d, cfg_map_get(d, root, "training"), "training", training, COUNT(training), &tr)))
        return rc;
    c->training = tr.t;
    c->seed = tr.seed;

    bool norm_seen = false;
    const cfg_field data[] = {
        {.key = "format", .type = CFG_ENUM, .offset = offsetof(ds_config, format), .names = ds_format_names,
         .n_names = DS_FORMAT_COUNT},
        {.key = "files", .type = CFG_STRING_LIST, .offset = offsetof(ds_config, files), .cap = DS_MAX_PATHS,
         .count_offset = offsetof(ds_config, n_files), .elem_cap = DS_PATH_CAP},
        {.key = "test_files", .type = CFG_STRING_LIST, .offset = offsetof(ds_config, test_files),
         .cap = DS_MAX_PATHS, .count_offset = offsetof(ds_config, n_test_files), .elem_cap = DS_PATH_CAP},
        {.key = "class_column", .type = CFG_STRING, .offset = offsetof(ds_config, class_column),
         .cap = DS_NAME_CAP},
        {.key = "columns", .type = CFG_STRING_LIST, .offset = offsetof(ds_config, columns),
         .cap = DS_MAX_FEATURES, .count_offset = offsetof(ds_config, n_columns), .elem_cap = DS_NAME_CAP},
        {.key = "constituents", .type = CFG_SIZE, .offset = offsetof(ds_config, n_constituents), .min = 1,
         .max = 150},
        {.key = "features", .type = CFG_STRING_LIST, .offset = offsetof(ds_config, features),
         .cap = 16, .count_offset = offsetof(ds_config, n_features), .elem_cap = DS_NAME_CAP},
        {.key = "pt_min", .type = CFG_DOUBLE, .offset = offsetof(ds_config, pt_min), .min = 0, .max = 1e5},
        {.key = "shuffle_constituents", .type = CFG_BOOL, .offset = offsetof(ds_config, shuffle_constituents)},
        {.key = "max_jets", .type = CFG_SIZE, .offset = offsetof(ds_config, max_jets), .min = 0, .max = 1e12},
        {.key = "normalisation", .type = CFG_ENUM, .offset = offsetof(ds_config, norm), .names = ds_norm_names,
         .n_names = DS_NORM_COUNT, .seen = &norm_seen},
        {.key = "val_fraction", .type = CFG_DOUBLE, .offset = offsetof(ds_config, val_fraction), .min = 0,
         .max = 0.9},
        {.key = "test_fraction", .type = CFG_DOUBLE, .offset = offsetof(ds_config, test_fraction), .min = 0,
         .max = 0.9},
        {.key = "seed", .type = CFG_U64, .offset = offsetof(ds_config, seed), .min = 0, .max = MAX_EXACT_INT},
    };
    const cfg_node *dnode = cfg_map_get(d, root, "data");
    if ((rc = cfg_read_map(d, dnode, "data", data, COUNT(data), &c->data)))
        return rc;
    if (!norm_seen)
        c->data.norm = c->data.format == DS_FORMAT_HDF5 ? DS_NORM_ROBUST : DS_NORM_STANDARD;
    /* constituent feature names are known without opening a file: say where a bad one is */
    const cfg_node *feats = dnode ? cfg_map_get(d, dnode, "features") : NULL;
    for (size_t i = 0; feats && c->data.format == DS_FORMAT_HDF5 && i < c->data.n_features; i++)
        if (ds_jet_pfeat_index(c->data.features[i]) < 0)
            return cfg_errorf(SNAC_EINVAL, d,
                              cfg_node_kind(d, feats) == CFG_KIND_SEQUENCE ? cfg_seq_at(d, feats, i) : feats,
                              "data.features: unknown constituent feature '%s' (the 16 of jetConstituentList: "
                              "px, py, pz, e, erel, pt, ptrel, eta, etarel, etarot, phi, phirel, phirot, deltaR, "
                              "costheta, costhetarel)",
                              c->data.features[i]);
    if (!dnode || c->data.n_files == 0)
        return cfg_errorf(SNAC_EINVAL, d, dnode ? dnode : root, "data.files: expected at least one data file");
    if (c->data.val_fraction + (c->data.n_test_files ? 0 : c->data.test_fraction) >= 0.95)
        return cfg_errorf(SNAC_ERANGE, d, dnode,
                          "data: val_fraction + test_fraction must leave at least 5%% for training");

    const cfg_field output[] = {
        {.key = "db", .type = CFG_STRING, .offset = offsetof(struct snac_output_cfg, db), .cap = DS_PATH_CAP},
        {.key = "run_name", .type = CFG_STRING, .offset = offsetof(struct snac_output_cfg, run_name),
         .cap = sizeof c->output.run_name},
    };
    return cfg_read_map(d, cfg_map_get(d, root, "output"), "output", output, COUNT(output), &c->output);
}

int snac_config_parse(const char *text, size_t len, const char *name, snac_config *c)
{
    snac_config_init(c);
    snprintf(c->path, sizeof c->path, "%s", name);
    cfg_doc *d;
    int rc = cfg_doc_parse(text, len, name, &d);
    if (rc)
        return rc;
    rc = read_sections(d, c);
    cfg_doc_free(d);
    if (rc)
        return rc;
    c->text = malloc(len + 1);
    if (!c->text)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    memcpy(c->text, text, len);
    c->text[len] = '\0';
    return SNAC_OK;
}

int snac_config_load(const char *path, snac_config *c)
{
    char *buf;
    size_t len;
    int rc = snac_read_file_max(path, SNAC_READ_MAX_CONFIG, "config", &buf, &len);
    if (rc) {
        snac_config_init(c);
        return rc;
    }
    rc = snac_config_parse(buf, len, path, c);
    free(buf);
    return rc;
}
