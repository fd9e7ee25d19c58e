/* cmd_train — `snac train -c CONFIG`: load data, train an MLP, record the run,
 * its per-epoch metrics and the trained model in the SQLite store.
 *
 * Order matters for "bad input loses nothing": the config and the data are read
 * and validated before the database is opened, so a malformed file leaves the
 * store untouched. Each write (run, epoch, final model + status) is one transaction.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "config/config.h"
#include "datasets/dataset.h"
#include "nn/mlp.h"
#include "nn/train.h"
#include "store/db.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "util/progress.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac train -c CONFIG.yaml [--db FILE] [--epochs N] [--quiet] [--progress]\n"
               "  Train the MLP described by CONFIG on its data; record the run and the model in the store\n"
               "  (output.db in the config, default snac.db; --db overrides). One progress line per epoch\n"
               "  on a terminal (--progress: always; --quiet: never).\n");
}

typedef struct epoch_ctx {
    snac_db *db;
    int64_t run_id;
    size_t epochs;
    unsigned long pause_ms;
} epoch_ctx;

static int on_epoch(const nn_epoch_stats *s, void *p)
{
    epoch_ctx *c = p;
    progress_line("epoch %3zu/%zu  loss %.4f  acc %.4f  val_loss %.4f  val_acc %.4f  %.0f samples/s", s->epoch,
                  c->epochs, s->train_loss, s->train_acc, s->val_loss, s->val_acc, s->samples_per_s);
    db_epoch e = {(int64_t)s->epoch, s->train_loss, s->train_acc, s->val_loss, s->val_acc, s->seconds,
                  s->samples_per_s};
    int rc = db_epoch_insert(c->db, c->run_id, &e);
    if (c->pause_ms) { /* test hook (SNAC_TRAIN_PAUSE_MS): a slow epoch without using a core */
        struct timespec ts = {(time_t)(c->pause_ms / 1000), (long)(c->pause_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (!rc && snac_interrupted())
        rc = snac_err_set(SNAC_EINTR, "interrupted by %s after epoch %zu", snac_interrupt_name(snac_interrupted()),
                          s->epoch);
    return rc;
}

static void print_confusion(const ds_split *s, const size_t *conf)
{
    size_t k = s->n_classes;
    printf("confusion (rows: true, columns: predicted)\n%8s", "");
    for (size_t j = 0; j < k; j++)
        printf("%8s", s->class_names[j]);
    printf("\n");
    for (size_t i = 0; i < k; i++) {
        printf("%8s", s->class_names[i]);
        for (size_t j = 0; j < k; j++)
            printf("%8zu", conf[i * k + j]);
        printf("\n");
    }
}

/* Train, evaluate, store. Everything after db_open goes through here so the run row
 * always ends with status done or failed. */
static int train_and_record(snac_config *cfg, ds_split *data, snac_db *db, int64_t run_id, int64_t *model_id)
{
    nn_mlp *m = NULL;
    void *blob = NULL;
    size_t blob_len = 0;
    size_t *conf = calloc(data->n_classes * data->n_classes, sizeof *conf);
    int rc = conf ? SNAC_OK : snac_err_set(SNAC_ENOMEM, "out of memory");
    snac_rng rng;
    rng_seed(&rng, cfg->seed);
    if (!rc)
        rc = nn_mlp_new(&cfg->model, &rng, &m);
    const char *pm = getenv("SNAC_TRAIN_PAUSE_MS");
    epoch_ctx ctx = {db, run_id, cfg->training.epochs, pm ? strtoul(pm, NULL, 10) : 0};
    if (!rc)
        rc = nn_train(m, &data->train, &data->val, &cfg->training, &rng, on_epoch, &ctx);
    double loss = NAN, acc = NAN;
    if (!rc)
        rc = nn_evaluate(m, &data->test, &loss, &acc, conf);
    if (!rc)
        rc = nn_mlp_save(m, &blob, &blob_len);
    if (!rc) {
        char arch[1024], result[256];
        nn_arch_json(&cfg->model, arch, sizeof arch);
        snprintf(result, sizeof result, "{\"test_acc\":%.6f,\"test_loss\":%.6f,\"n_test\":%zu}", acc, loss,
                 data->test.n);
        db_model mrow = {run_id, cfg->output.run_name[0] ? cfg->output.run_name : NULL, arch,
                         (int64_t)nn_arch_params(&cfg->model), (int64_t)nn_arch_macs(&cfg->model), acc, loss,
                         blob, blob_len};
        if (!(rc = db_begin(db))) {
            if ((rc = db_model_insert(db, &mrow, model_id)) || (rc = db_run_finish(db, run_id, "done", result)) ||
                (rc = db_commit(db)))
                db_rollback(db);
        }
    }
    if (!rc) {
        printf("run %lld: test accuracy %.4f, test loss %.4f on %zu jets; model %lld stored in %s\n",
               (long long)run_id, acc, loss, data->test.n, (long long)*model_id, db_path(db));
        print_confusion(data, conf);
    }
    free(blob);
    free(conf);
    nn_mlp_free(m);
    return rc;
}

int cmd_train(int argc, char **argv)
{
    const char *config_path = NULL, *db_override = NULL;
    uint64_t epochs = 0; /* 0: the config's */
    bool quiet = false, progress = false;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
                                         {"epochs", required_argument, NULL, 'e'}, {"quiet", no_argument, NULL, 'q'},
                                         {"progress", no_argument, NULL, 'p'},     {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "c:d:e:qph", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': config_path = optarg; break;
        case 'd': db_override = optarg; break;
        case 'e':
            if (cli_arg_uint("--epochs", optarg, 1, 100000, &epochs)) { /* the config's training.epochs range */
                cli_fail("train");
                return 2;
            }
            break;
        case 'q': quiet = true; break;
        case 'p': progress = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!config_path || optind != argc) {
        usage(stderr);
        return 2;
    }
    progress_set_quiet(quiet);
    progress_force(progress);
    snac_interrupt_install(); /* SIGINT/SIGTERM: finish the epoch's write, mark the run interrupted */

    snac_config cfg;
    ds_split data;
    memset(&data, 0, sizeof data);
    if (snac_config_load(config_path, &cfg)) {
        snac_config_free(&cfg);
        return cli_fail("train");
    }
    if (epochs > 0)
        cfg.training.epochs = (size_t)epochs;
    if (db_override)
        snprintf(cfg.output.db, sizeof cfg.output.db, "%s", db_override);
    if (ds_load(&cfg.data, &data) ||
        (snac_interrupted() && snac_err_set(SNAC_EINTR, "interrupted by %s before training started; nothing stored",
                                            snac_interrupt_name(snac_interrupted())))) {
        ds_split_free(&data);
        snac_config_free(&cfg);
        return cli_fail("train");
    }
    cfg.model.n_in = data.d;
    cfg.model.n_out = data.n_classes;
    progress_line("data: %zu train / %zu val / %zu test rows, %zu features, %zu classes", data.train.n, data.val.n,
                  data.test.n, data.d, data.n_classes);

    snac_db *db = NULL;
    int64_t run_id = 0, model_id = 0;
    void *norm = NULL;
    size_t norm_len = 0;
    int rc = db_open(cfg.output.db, &db);
    if (!rc)
        rc = ds_norm_save(&data.norm, &norm, &norm_len);
    if (!rc) {
        db_run run = {"train", cfg.output.run_name[0] ? cfg.output.run_name : NULL, cfg.text, cfg.path, cfg.seed, 0};
        if (!(rc = db_begin(db))) {
            char fp[DS_FINGERPRINT_CAP];
            ds_fingerprint(&data, fp);
            if ((rc = db_run_insert(db, &run, &run_id)) || (rc = db_run_set_norm(db, run_id, norm, norm_len)) ||
                (rc = db_run_set_fingerprint(db, run_id, fp)) || (rc = db_commit(db)))
                db_rollback(db);
        }
    }
    if (!rc) {
        rc = train_and_record(&cfg, &data, db, run_id, &model_id);
        if (rc) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", snac_err_msg());
            if (snac_interrupted()) {
                db_run_finish(db, run_id, "interrupted", NULL);
                snac_err_set(rc, "run %lld %s; a training run does not resume: run `snac train -c %s` again", (long long)run_id,
                             msg, config_path);
            } else {
                db_run_finish(db, run_id, "failed", NULL); /* best effort; the original error is what we report */
                snac_err_set(rc, "%s", msg);
            }
        }
    }
    int status = rc ? cli_fail("train") : 0;
    free(norm);
    db_close(db);
    ds_split_free(&data);
    snac_config_free(&cfg);
    return status;
}
