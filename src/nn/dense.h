/* dense — fully connected layer kernels: forward, weight/bias gradient, input gradient.
 *
 * Activations are batch-major: a batch of B rows, each row one sample's features.
 * Weights are (n_out, n_in) row-major, as nn_layer_view exposes them. The fast
 * kernels call cblas_sgemm (OpenBLAS); the *_ref twins are plain triple loops kept
 * for the differential tests. No kernel allocates; callers own every buffer.
 * Workload: B = 128, widths 5..128 — small GEMMs, a few microseconds each.
 */
#ifndef SNAC_NN_DENSE_H
#define SNAC_NN_DENSE_H

#include <stddef.h>

/* out (B, n_out) = in (B, n_in) · w^T (n_in, n_out) [+ b (n_out) on every row; b may be NULL]. */
void dense_forward(float *out, const float *in, const float *w, const float *b,
                   size_t n_batch, size_t n_in, size_t n_out);
void dense_forward_ref(float *out, const float *in, const float *w, const float *b,
                       size_t n_batch, size_t n_in, size_t n_out);

/* dw (n_out, n_in) = dout^T (n_out, B) · in (B, n_in);  db (n_out) = column sums of dout,
 * skipped when db is NULL. Both are overwritten, not accumulated. */
void dense_backward_params(float *dw, float *db, const float *dout, const float *in,
                           size_t n_batch, size_t n_in, size_t n_out);
void dense_backward_params_ref(float *dw, float *db, const float *dout, const float *in,
                               size_t n_batch, size_t n_in, size_t n_out);

/* din (B, n_in) = dout (B, n_out) · w (n_out, n_in). */
void dense_backward_input(float *din, const float *dout, const float *w,
                          size_t n_batch, size_t n_in, size_t n_out);
void dense_backward_input_ref(float *din, const float *dout, const float *w,
                              size_t n_batch, size_t n_in, size_t n_out);

/* Largest dimension the BLAS path accepts (cblas takes int). */
#define DENSE_MAX_DIM ((size_t)1 << 24)

#endif
