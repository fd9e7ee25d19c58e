/* search_mpi — trial setup/job/result blobs over the MPI farm; see search_mpi.h.
 *
 * Blobs are raw struct bytes: every rank runs the same binary (as with the fork path's pipes).
 * Memory: rank 0 builds the setup and the job array per call; a worker's state is freed by
 * trial_release. Workload: per job two messages of ~100 bytes + the model blob.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/search_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "search/search_config.h"
#include "util/err.h"

/* setup: [setup_fixed][name][text]; job: [seed][epochs][genome (n_genes doubles)]. A rank
 * trains every job from scratch to its epochs (no checkpoints cross the wire): continuing
 * a checkpoint gives bitwise the same result (search_eval.h), so the rows match the fork path. */
typedef struct setup_fixed {
    uint32_t keep_model, pad;
    uint64_t name_len, text_len;
    char fingerprint[DS_FINGERPRINT_CAP];
    surr_version ver; /* string pointers zeroed */
} setup_fixed;

/* ---------------------------------------------------------------- worker side */

typedef struct trial_state {
    snac_config cfg;
    search_config sc;
    ds_split data;
    surr_version ver;
    search_eval_ctx ec;
    size_t n_genes;
    bool keep_model;
} trial_state;

static void trial_release(void *p)
{
    trial_state *s = p;
    if (!s)
        return;
    ds_split_free(&s->data);
    snac_config_free(&s->cfg);
    free(s);
}

static int trial_setup(const void *blob, size_t len, void **out)
{
    setup_fixed h;
    if (len < sizeof h)
        return snac_err_set(SNAC_EFORMAT, "search setup message too short");
    memcpy(&h, blob, sizeof h);
    if (len != sizeof h + h.name_len + h.text_len)
        return snac_err_set(SNAC_EFORMAT, "search setup message has the wrong size");
    trial_state *s = calloc(1, sizeof *s);
    if (!s)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snac_config_init(&s->cfg);
    const char *name = (const char *)blob + sizeof h, *text = name + h.name_len;
    char nm[600];
    snprintf(nm, sizeof nm, "%.*s", (int)h.name_len, name);
    const surr_part *part = NULL;
    int rc = snac_config_parse(text, h.text_len, nm, &s->cfg);
    if (!rc)
        rc = search_config_parse(s->cfg.text, strlen(s->cfg.text), nm, &s->sc);
    if (!rc)
        rc = surr_part_find(s->sc.deploy.part, &part);
    if (!rc)
        rc = ds_load(&s->cfg.data, &s->data);
    if (!rc) {
        char fp[DS_FINGERPRINT_CAP], diff[700];
        ds_fingerprint(&s->data, fp);
        if (ds_fingerprint_diff(h.fingerprint, fp, diff, sizeof diff))
            rc = snac_err_set(SNAC_EINVAL, "data.files read here differ from rank 0's (%s): every rank must see "
                              "the same files", diff);
    }
    if (rc) {
        trial_release(s);
        return rc;
    }
    s->ver = h.ver;
    s->keep_model = h.keep_model != 0;
    s->n_genes = search_space_n_genes(&s->sc.space);
    s->ec = (search_eval_ctx){&s->sc, &s->cfg.training, &s->data, &s->ver, part, NULL, NULL, false};
    *out = s;
    return SNAC_OK;
}

static int trial_work(void *p, const void *job, size_t len, void **out, size_t *out_len)
{
    trial_state *s = p;
    if (len != 2 * sizeof(uint64_t) + s->n_genes * sizeof(double))
        return snac_err_set(SNAC_EFORMAT, "trial job of %zu bytes, expected %zu genes", len, s->n_genes);
    uint64_t seed, epochs;
    double g[SEARCH_MAX_GENES];
    memcpy(&seed, job, sizeof seed);
    memcpy(&epochs, (const char *)job + sizeof seed, sizeof epochs);
    memcpy(g, (const char *)job + 2 * sizeof seed, s->n_genes * sizeof(double));
    if (epochs < 1 || epochs > s->sc.epochs)
        return snac_err_set(SNAC_EFORMAT, "trial job of %llu epochs (the search trains %zu)",
                            (unsigned long long)epochs, s->sc.epochs);
    size_t ep = (size_t)epochs;
    search_eval_ctx ec = s->ec;
    ec.job_epochs = &ep;
    search_trial_result r;
    if (search_eval_job(&ec, 0, g, seed, s->keep_model, &r)) {
        search_trial_result_clear(&r);
        r.status = SEARCH_TRIAL_FAILED;
        snprintf(r.error, sizeof r.error, "%s", snac_err_msg());
        search_objectives_failed(s->ec.cfg, r.f, &r.viol);
    }
    unsigned char *buf = malloc(sizeof r + r.model_len);
    if (!buf) {
        search_trial_result_clear(&r);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    void *model = r.model;
    r.model = NULL;
    memcpy(buf, &r, sizeof r);
    if (r.model_len)
        memcpy(buf + sizeof r, model, r.model_len);
    r.model = model;
    *out = buf;
    *out_len = sizeof r + r.model_len;
    search_trial_result_clear(&r);
    return SNAC_OK;
}

const mpi_farm_kind search_mpi_trial_kind = {"search trial", trial_setup, trial_release, trial_work};

/* ---------------------------------------------------------------- rank 0 */

typedef struct relay {
    search_result_fn on_result;
    void *ctx;
} relay;

static int on_blob(size_t job, const void *res, size_t len, void *ctx)
{
    relay *rl = ctx;
    search_trial_result r;
    if (len < sizeof r)
        return snac_err_set(SNAC_EFORMAT, "trial result of %zu bytes", len);
    memcpy(&r, res, sizeof r);
    r.ckpt = NULL;
    r.ckpt_len = 0; /* never sent (trial_work asks for none) */
    if (len != sizeof r + r.model_len)
        return snac_err_set(SNAC_EFORMAT, "trial result of %zu bytes, model of %zu", len, r.model_len);
    r.model = r.model_len ? (void *)((const char *)res + sizeof r) : NULL;
    return rl->on_result(job, &r, rl->ctx);
}

int search_mpi_run(const search_eval_ctx *ec, const char *cfg_text, const char *cfg_name, const char *fingerprint,
                   const double *genomes, size_t n_genes, const uint64_t *seeds, size_t n_jobs, bool keep_model,
                   search_result_fn on_result, void *ctx)
{
    setup_fixed h;
    memset(&h, 0, sizeof h);
    h.keep_model = keep_model;
    h.name_len = strlen(cfg_name);
    h.text_len = strlen(cfg_text);
    snprintf(h.fingerprint, sizeof h.fingerprint, "%s", fingerprint);
    memcpy(&h.ver, ec->surrogate, sizeof h.ver); /* bytewise, so an unchanged setup compares equal */
    h.ver.fit_stats = h.ver.fitted_on = h.ver.note = NULL;
    size_t setup_len = sizeof h + h.name_len + h.text_len, job_len = 2 * sizeof(uint64_t) + n_genes * sizeof(double);
    unsigned char *setup = malloc(setup_len), *jobs = malloc(n_jobs * job_len + 1);
    if (!setup || !jobs) {
        free(setup);
        free(jobs);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    memcpy(setup, &h, sizeof h);
    memcpy(setup + sizeof h, cfg_name, h.name_len);
    memcpy(setup + sizeof h + h.name_len, cfg_text, h.text_len);
    for (size_t j = 0; j < n_jobs; j++) {
        uint64_t epochs = ec->job_epochs ? ec->job_epochs[j] : ec->cfg->epochs;
        memcpy(jobs + j * job_len, &seeds[j], sizeof(uint64_t));
        memcpy(jobs + j * job_len + sizeof(uint64_t), &epochs, sizeof(uint64_t));
        memcpy(jobs + j * job_len + 2 * sizeof(uint64_t), genomes + j * n_genes, n_genes * sizeof(double));
    }
    relay rl = {on_result, ctx};
    mpi_farm_batch b = {MPI_FARM_SEARCH_TRIAL, setup, setup_len, jobs, job_len, n_jobs, 0.0, on_blob, &rl};
    int rc = mpi_farm_run(&b);
    free(setup);
    free(jobs);
    return rc;
}
