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

int surr_model_spec_from_db(snac_db *db, int64_t id, surr_model_spec **out)
{
    void *blob = NULL;
    size_t len = 0;
    char *arch = NULL;
    nn_mlp *m = NULL;
    *out = NULL;
    int rc = db_model_load(db, id, &blob, &len, &arch);
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
