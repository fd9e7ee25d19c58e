/* surr_model — the surrogate's model family: per target, a linear model over
 * fixed basis functions of the features, fitted in log space:
 *     log(1 + y_t) = sum_k c_{t,k} * phi_k(features)     (k in the target's mask)
 * and the prediction of every target from one feature vector.
 *
 * A surr_version is one fitted set of coefficients plus its metadata (the row of
 * surrogate_versions). Coefficients serialise to a versioned little-endian blob
 * that round-trips bit for bit.
 *
 * Memory: surr_version owns three heap strings (fit_stats, fitted_on, note);
 * surr_version_clear() frees them. surr_predict() allocates nothing and touches
 * only the version and its arguments: safe to call from many threads.
 * Workload: surr_predict is the search's inner loop (>= 1e6 calls/s per core).
 */
#ifndef SNAC_SURROGATE_SURR_MODEL_H
#define SNAC_SURROGATE_SURR_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "surrogate/surr_features.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_spec.h"

enum surr_target {
    SURR_T_LUT, SURR_T_FF, SURR_T_DSP, SURR_T_BRAM18, SURR_T_URAM, SURR_T_LATENCY_CYCLES, SURR_T_II,
    SURR_T_COUNT
};
/* "lut", "ff", "dsp", "bram18", "uram", "latency_cycles", "ii" */
extern const char *const surr_target_names[SURR_T_COUNT];

#define SURR_BASIS_VERSION 2
enum surr_basis {
    SURR_B_ONE,            /* 1: intercept */
    SURR_B_LOG_MULTS,      /* log1p(general multipliers per cycle) */
    SURR_B_LOG_CSD_ADD,    /* log1p(shift-add adder bits per cycle) */
    SURR_B_LOG_MULT_BITS,  /* log1p(multiplier operand-bit products per cycle) */
    SURR_B_LOG_ACC_ADD,    /* log1p(adder-tree bits per cycle) */
    SURR_B_LOG_W_BITS,     /* log(mean weight width) */
    SURR_B_LOG_A_BITS,     /* log(mean input width) */
    SURR_B_LOG_RF,         /* log(max reuse factor) */
    SURR_B_LOG_STORED,     /* log1p(stored nonzero weight bits) */
    SURR_B_TREE_DEPTH,     /* log1p of sum ceil(log2(n_in+1)): latency adds up over layers, so log-log */
    SURR_B_LAYERS,         /* log of the dense layer count */
    SURR_B_LOG_TABLE,      /* log1p(table-activation neurons) */
    SURR_B_LOG_OUT_BITS,   /* log1p(output register bits) */
    SURR_B_LOG_FANIN,      /* log(mean fan-in): operand-select muxes when RF > 1 */
    SURR_B_COUNT
};
extern const char *const surr_basis_names[SURR_B_COUNT];

/* phi(features) for basis version 1. */
void surr_basis_eval(const surr_features *x, double phi[SURR_B_COUNT]);
/* The basis functions a target uses by default (bit k = enum surr_basis k). */
uint32_t surr_basis_default_mask(enum surr_target t);
/* Basis functions whose coefficient the fit keeps >= 0 (cost terms), so every
 * resource is non-decreasing in multiplies, CSD digits, widths and stored bits. */
uint32_t surr_basis_monotone_mask(void);

enum { SURR_TM_FITTED = 1u, SURR_TM_NO_DATA = 2u /* no calibration data: predicts 0 */ };

typedef struct surr_target_model {
    uint32_t mask;              /* basis functions in use */
    uint32_t flags;             /* SURR_TM_* */
    double coef[SURR_B_COUNT];  /* zero outside the mask */
} surr_target_model;

typedef struct surr_version {
    int64_t id;                 /* row id in surrogate_versions; 0 = not stored */
    char name[96];              /* unique, e.g. "default-vivado-2019.1-b2" */
    char family[48];            /* "loglin-ridge-gcv", "loglin-ols", "loglin-robust", ... */
    int basis_version;          /* SURR_BASIS_VERSION it was fitted with */
    enum surr_toolchain toolchain;
    int64_t parent_id;          /* 0 = none */
    bool active;
    surr_target_model t[SURR_T_COUNT];
    char *fit_stats;            /* JSON, owned (may be NULL) */
    char *fitted_on;            /* JSON array of the data ids, owned (may be NULL) */
    char *note;                 /* free text, owned (may be NULL) */
} surr_version;

void surr_version_clear(surr_version *v); /* frees the strings; NULL-safe */
/* Set one of the owned strings to a copy of s (NULL clears). */
int surr_version_set_str(char **field, const char *s);

typedef struct surr_prediction {
    double y[SURR_T_COUNT];     /* LUT, FF, DSP, BRAM18, URAM, latency (cycles), II */
    double pct[SURR_T_COUNT];   /* resources as % of the part (latency/II: 0) */
    double avg_resource_pct;    /* mean of LUT%, FF%, DSP%, BRAM% */
    double latency_ns;          /* latency cycles * clock period */
    double bops_mac, bops_bitaware;
} surr_prediction;

/* Predict every target for features x on `part`. Allocates nothing. */
void surr_predict(const surr_version *v, const surr_features *x, const surr_part *part, surr_prediction *out);

/* Coefficient blob: "SNSV", u32 format 1, u32 basis version, u32 targets, u32 basis,
 * then per target u32 mask, u32 flags, basis x f64, all little-endian. */
int surr_coef_encode(const surr_version *v, void **blob, size_t *len); /* malloc'd */
int surr_coef_decode(const void *blob, size_t len, surr_version *v);   /* fills v->t and basis_version */

#endif
