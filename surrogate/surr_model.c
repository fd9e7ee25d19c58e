/* surr_model — basis functions, prediction and the coefficient blob; see surr_model.h.
 *
 * Memory: predict allocates nothing; encode mallocs the blob for the caller.
 * Workload: surr_predict is ~100 flops and 7 exp() calls.
 */
#include "surrogate/surr_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"
#include "util/err.h"

const char *const surr_target_names[SURR_T_COUNT] = {"lut", "ff", "dsp", "bram18", "uram", "latency_cycles", "ii"};
const char *const surr_basis_names[SURR_B_COUNT] = {
    "one", "log_mults", "log_csd_add", "log_mult_bits", "log_acc_add", "log_w_bits", "log_a_bits",
    "log_rf", "log_stored", "log_tree_depth", "log_layers", "log_table", "log_out_bits", "log_fanin"};
_Static_assert(sizeof surr_target_names / sizeof *surr_target_names == SURR_T_COUNT, "target names");
_Static_assert(sizeof surr_basis_names / sizeof *surr_basis_names == SURR_B_COUNT, "basis names");
_Static_assert(SURR_B_COUNT <= 32, "basis masks are 32-bit");

#define B(k) (1u << (k))

void surr_basis_eval(const surr_features *x, double phi[SURR_B_COUNT])
{
    const double *f = x->f;
    phi[SURR_B_ONE] = 1.0;
    phi[SURR_B_LOG_MULTS] = log1p(f[SURR_F_GENERAL_PER_CYCLE]);
    phi[SURR_B_LOG_CSD_ADD] = log1p(f[SURR_F_CSD_ADD_PER_CYCLE]);
    phi[SURR_B_LOG_MULT_BITS] = log1p(f[SURR_F_MULT_BITS_PER_CYCLE]);
    phi[SURR_B_LOG_ACC_ADD] = log1p(f[SURR_F_ACC_ADD_PER_CYCLE]);
    phi[SURR_B_LOG_W_BITS] = log(f[SURR_F_W_BITS] > 1 ? f[SURR_F_W_BITS] : 1);
    phi[SURR_B_LOG_A_BITS] = log(f[SURR_F_A_BITS] > 1 ? f[SURR_F_A_BITS] : 1);
    phi[SURR_B_LOG_RF] = log(f[SURR_F_RF_MAX] > 1 ? f[SURR_F_RF_MAX] : 1);
    phi[SURR_B_LOG_STORED] = log1p(f[SURR_F_STORED_BITS]);
    phi[SURR_B_TREE_DEPTH] = log1p(f[SURR_F_TREE_DEPTH]);
    phi[SURR_B_LAYERS] = log(f[SURR_F_LAYERS] > 1 ? f[SURR_F_LAYERS] : 1);
    phi[SURR_B_LOG_TABLE] = log1p(f[SURR_F_TABLE_ACTS]);
    phi[SURR_B_LOG_OUT_BITS] = log1p(f[SURR_F_OUT_BITS]);
    phi[SURR_B_LOG_FANIN] = log(f[SURR_F_FANIN] > 1 ? f[SURR_F_FANIN] : 1);
}

uint32_t surr_basis_default_mask(enum surr_target t)
{
    switch (t) {
    case SURR_T_LUT:
        return B(SURR_B_ONE) | B(SURR_B_LOG_MULTS) | B(SURR_B_LOG_CSD_ADD) | B(SURR_B_LOG_MULT_BITS) |
               B(SURR_B_LOG_ACC_ADD) | B(SURR_B_LOG_RF) | B(SURR_B_LOG_TABLE) | B(SURR_B_LOG_STORED) | B(SURR_B_LOG_FANIN) |
               B(SURR_B_LOG_W_BITS) | B(SURR_B_LOG_A_BITS);
    case SURR_T_FF:
        return B(SURR_B_ONE) | B(SURR_B_LOG_MULTS) | B(SURR_B_LOG_ACC_ADD) | B(SURR_B_LOG_OUT_BITS) |
               B(SURR_B_LOG_RF) | B(SURR_B_TREE_DEPTH) | B(SURR_B_LOG_STORED) | B(SURR_B_LOG_FANIN) |
               B(SURR_B_LOG_W_BITS) | B(SURR_B_LOG_A_BITS);
    case SURR_T_DSP:
        return B(SURR_B_ONE) | B(SURR_B_LOG_MULTS) | B(SURR_B_LOG_W_BITS) | B(SURR_B_LOG_A_BITS) |
               B(SURR_B_LOG_RF);
    case SURR_T_BRAM18:
        return B(SURR_B_ONE) | B(SURR_B_LOG_STORED) | B(SURR_B_LOG_RF) | B(SURR_B_LOG_TABLE) | B(SURR_B_LOG_FANIN);
    case SURR_T_URAM:
        return B(SURR_B_ONE);
    case SURR_T_LATENCY_CYCLES:
        return B(SURR_B_ONE) | B(SURR_B_TREE_DEPTH) | B(SURR_B_LAYERS) | B(SURR_B_LOG_RF) | B(SURR_B_LOG_A_BITS);
    case SURR_T_II:
        return B(SURR_B_ONE) | B(SURR_B_LOG_RF);
    default:
        return B(SURR_B_ONE);
    }
}

uint32_t surr_basis_monotone_mask(void)
{
    uint32_t all = (SURR_B_COUNT >= 32) ? ~0u : (B(SURR_B_COUNT) - 1u);
    return all & ~(B(SURR_B_ONE) | B(SURR_B_LOG_RF) | B(SURR_B_LOG_FANIN));
}

/* ------------------------------------------------------------------ versions */

void surr_version_clear(surr_version *v)
{
    if (!v)
        return;
    free(v->fit_stats);
    free(v->fitted_on);
    free(v->note);
    v->fit_stats = v->fitted_on = v->note = NULL;
}

int surr_version_set_str(char **field, const char *s)
{
    char *c = NULL;
    if (s) {
        size_t n = strlen(s) + 1;
        c = malloc(n);
        if (!c)
            return snac_err_set(SNAC_ENOMEM, "out of memory");
        memcpy(c, s, n);
    }
    free(*field);
    *field = c;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- prediction */

void surr_predict(const surr_version *v, const surr_features *x, const surr_part *part, surr_prediction *out)
{
    double phi[SURR_B_COUNT];
    surr_basis_eval(x, phi);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const surr_target_model *m = &v->t[t];
        double z = 0;
        for (int k = 0; k < SURR_B_COUNT; k++)
            z += m->coef[k] * phi[k]; /* coef is 0 outside the mask */
        double y = (m->flags & SURR_TM_NO_DATA) ? 0.0 : expm1(z);
        out->y[t] = y > 0 ? y : 0;
    }
    if (out->y[SURR_T_II] < 1)
        out->y[SURR_T_II] = 1;
    if (out->y[SURR_T_LATENCY_CYCLES] < 1)
        out->y[SURR_T_LATENCY_CYCLES] = 1;
    const double total[SURR_T_COUNT] = {part->lut, part->ff, part->dsp, part->bram18, part->uram, 0, 0};
    for (int t = 0; t < SURR_T_COUNT; t++)
        out->pct[t] = total[t] > 0 ? 100.0 * out->y[t] / total[t] : 0.0;
    out->avg_resource_pct =
        (out->pct[SURR_T_LUT] + out->pct[SURR_T_FF] + out->pct[SURR_T_DSP] + out->pct[SURR_T_BRAM18]) / 4.0;
    out->latency_ns = out->y[SURR_T_LATENCY_CYCLES] * x->f[SURR_F_CLOCK_NS];
    out->bops_mac = x->bops_mac;
    out->bops_bitaware = x->bops_bitaware;
}

/* ---------------------------------------------------------------------- blob */

#define BLOB_HEADER 20u
#define BLOB_TARGET (8u + 8u * SURR_B_COUNT)

int surr_coef_encode(const surr_version *v, void **blob, size_t *len)
{
    size_t n = BLOB_HEADER + (size_t)SURR_T_COUNT * BLOB_TARGET;
    unsigned char *b = malloc(n);
    if (!b)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    memcpy(b, "SNSV", 4);
    le_put_u32(b + 4, 1);
    le_put_u32(b + 8, (uint32_t)v->basis_version);
    le_put_u32(b + 12, SURR_T_COUNT);
    le_put_u32(b + 16, SURR_B_COUNT);
    unsigned char *p = b + BLOB_HEADER;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        le_put_u32(p, v->t[t].mask);
        le_put_u32(p + 4, v->t[t].flags);
        for (int k = 0; k < SURR_B_COUNT; k++)
            le_put_f64(p + 8 + 8 * k, v->t[t].coef[k]);
        p += BLOB_TARGET;
    }
    *blob = b;
    *len = n;
    return SNAC_OK;
}

int surr_coef_decode(const void *blob, size_t len, surr_version *v)
{
    const unsigned char *b = blob;
    if (len < BLOB_HEADER || memcmp(b, "SNSV", 4) != 0)
        return snac_err_set(SNAC_EFORMAT, "surrogate coefficients: not an SNSV blob");
    if (le_get_u32(b + 4) != 1)
        return snac_err_set(SNAC_EFORMAT, "surrogate coefficients: blob format %u is newer than this tool",
                            le_get_u32(b + 4));
    uint32_t bv = le_get_u32(b + 8), nt = le_get_u32(b + 12), nb = le_get_u32(b + 16);
    if (bv != SURR_BASIS_VERSION || nt != SURR_T_COUNT || nb != SURR_B_COUNT)
        return snac_err_set(SNAC_EFORMAT,
                            "surrogate coefficients: basis version %u with %u targets x %u functions; this tool "
                            "evaluates basis version %d (%d x %d)", bv, nt, nb, SURR_BASIS_VERSION, SURR_T_COUNT,
                            SURR_B_COUNT);
    if (len != BLOB_HEADER + (size_t)nt * BLOB_TARGET)
        return snac_err_set(SNAC_EFORMAT, "surrogate coefficients: blob is %zu bytes, expected %zu", len,
                            (size_t)(BLOB_HEADER + (size_t)nt * BLOB_TARGET));
    v->basis_version = (int)bv;
    const unsigned char *p = b + BLOB_HEADER;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        v->t[t].mask = le_get_u32(p);
        v->t[t].flags = le_get_u32(p + 4);
        for (int k = 0; k < SURR_B_COUNT; k++)
            v->t[t].coef[k] = le_get_f64(p + 8 + 8 * k);
        p += BLOB_TARGET;
    }
    return SNAC_OK;
}
