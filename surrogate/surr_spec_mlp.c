/* surr_spec_mlp — specs from trained networks; see surr_spec_mlp.h.
 *
 * Memory: one surr_model_spec + the folded nn_mlp per call. Workload: once per model.
 */
#include "surrogate/surr_spec_mlp.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/err.h"

void surr_model_spec_free(surr_model_spec *ms)
{
    if (!ms)
        return;
    nn_mlp_free(ms->mlp);
    free(ms->values);
    free(ms);
}

static enum surr_act act_of(enum nn_act a)
{
    switch (a) {
    case NN_ACT_TANH:
        return SURR_ACT_TANH;
    case NN_ACT_SIGMOID:
        return SURR_ACT_SIGMOID;
    default:
        return SURR_ACT_RELU;
    }
}

int surr_model_spec_from_mlp(const nn_mlp *m, surr_model_spec **out)
{
    *out = NULL;
    surr_model_spec *ms = calloc(1, sizeof *ms);
    if (!ms)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    const nn_arch *a = nn_mlp_arch(m);
    size_t widths[SURR_MAX_LAYERS + 1], n = 0;
    widths[n++] = a->n_in;
    for (size_t i = 0; i < a->n_hidden; i++)
        widths[n++] = a->hidden[i];
    widths[n++] = a->n_out;
    int rc = surr_spec_init_mlp(&ms->spec, widths, n, act_of(a->act), a->batch_norm);
    if (rc)
        goto fail;
    if ((rc = nn_mlp_fold_bn(m, &ms->mlp)))
        goto fail;
    if (nn_mlp_n_layers(ms->mlp) != ms->spec.n_layers) {
        rc = snac_err_set(SNAC_EFORMAT, "model has %zu layers, its arch says %zu", nn_mlp_n_layers(ms->mlp),
                          ms->spec.n_layers);
        goto fail;
    }
    for (size_t l = 0; l < ms->spec.n_layers; l++) {
        nn_layer_view v;
        nn_mlp_layer(ms->mlp, l, &v);
        if (v.n_in != ms->spec.layer[l].n_in || v.n_out != ms->spec.layer[l].n_out) {
            rc = snac_err_set(SNAC_EFORMAT, "model layer %zu is %zu x %zu, its arch says %zu x %zu", l, v.n_in,
                              v.n_out, ms->spec.layer[l].n_in, ms->spec.layer[l].n_out);
            goto fail;
        }
        ms->spec.layer[l].w = v.w;
        ms->spec.layer[l].b = v.b;
    }
    *out = ms;
    return SNAC_OK;
fail:
    surr_model_spec_free(ms);
    return rc;
}

static enum surr_act qact_of(enum quant_act a)
{
    return a == QUANT_ACT_TANH ? SURR_ACT_TANH : a == QUANT_ACT_SIGMOID ? SURR_ACT_SIGMOID : SURR_ACT_RELU;
}

int surr_model_spec_from_qmodel(const quant_model *qm, surr_model_spec **out)
{
    *out = NULL;
    if (qm->n_layers + 1 > SURR_MAX_LAYERS + 1)
        return snac_err_set(SNAC_EINVAL, "quantized model has %zu layers, at most %d", qm->n_layers, SURR_MAX_LAYERS);
    surr_model_spec *ms = calloc(1, sizeof *ms);
    if (!ms)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    size_t widths[SURR_MAX_LAYERS + 1], total = 0;
    widths[0] = qm->layer[0].n_in;
    for (size_t l = 0; l < qm->n_layers; l++) {
        widths[l + 1] = qm->layer[l].n_out;
        total += qm->layer[l].n_in * qm->layer[l].n_out + qm->layer[l].n_out;
    }
    int rc = surr_spec_init_mlp(&ms->spec, widths, qm->n_layers + 1, qact_of(qm->layer[0].act), false);
    if (!rc && !(ms->values = malloc(total * sizeof *ms->values)))
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
    if (rc) {
        surr_model_spec_free(ms);
        return rc;
    }
    ms->spec.table_size = qm->table_size;
    const quant_prec *in = &qm->input;
    float *v = ms->values;
    for (size_t l = 0; l < qm->n_layers; l++) {
        const quant_layer *L = &qm->layer[l];
        surr_layer *S = &ms->spec.layer[l];
        S->act = l + 1 < qm->n_layers ? qact_of(L->act) : S->act; /* the output layer stays linear */
        S->weight = L->weight;
        S->bias = L->bias;
        S->input = *in;
        S->output = L->output;
        S->accum = L->accum;
        for (size_t i = 0; i < L->n_in * L->n_out; i++)
            v[i] = (float)quant_to_double(&L->weight, L->w[i]); /* exact up to 24-bit types */
        S->w = v;
        v += L->n_in * L->n_out;
        for (size_t j = 0; j < L->n_out; j++)
            v[j] = (float)quant_to_double(&L->bias, L->b[j]);
        S->b = v;
        v += L->n_out;
        in = &L->output;
    }
    *out = ms;
    return SNAC_OK;
}

int surr_model_spec_from_db(snac_db *db, int64_t id, surr_model_spec **out)
{
    void *blob = NULL;
    size_t len = 0;
    char *arch = NULL;
    nn_mlp *m = NULL;
    *out = NULL;
    int rc = db_model_load_qmodel(db, id, &blob, &len);
    if (rc == SNAC_OK) {
        quant_model *qm = NULL;
        if ((rc = quant_model_load(blob, len, &qm)))
            snac_err_prefix(rc, "model %lld: ", (long long)id);
        else if (!(rc = surr_model_spec_from_qmodel(qm, out)))
            (*out)->model_id = id;
        quant_model_free(qm);
        free(blob);
        return rc;
    }
    if (rc != SNAC_ENOTFOUND)
        return rc;
    snac_err_clear();
    rc = db_model_load(db, id, &blob, &len, &arch);
    if (rc)
        return rc;
    if ((rc = nn_mlp_load(blob, len, &m))) {
        snac_err_prefix(rc, "model %lld: ", (long long)id);
        goto out;
    }
    if ((rc = surr_model_spec_from_mlp(m, out)))
        goto out;
    (*out)->model_id = id;
out:
    nn_mlp_free(m);
    free(blob);
    free(arch);
    return rc;
}
