/* dense — fully connected layer kernels through cblas_sgemm, and their naive twins.
 *
 * Memory: none allocated; every buffer belongs to the caller (model, trainer workspace).
 * Workload: the baseline 24-120-60-32-64-64-64-32-44-5 at batch 128 issues 9 forward,
 * 9 weight-gradient and 8 input-gradient GEMMs per step, each 0.1-2 MFLOP. In row-major
 * terms the three products are (N,T), (T,N) and (N,N); OpenBLAS's small-matrix kernels
 * handle all three without packing overhead worth avoiding (see benchmarks/bench_train.c).
 * Callers guarantee every dimension <= DENSE_MAX_DIM, so the int casts are exact.
 */
#include "nn/dense.h"

#include <cblas.h>
#include <string.h>

/* ---------------------------------------------------------------------------------- */
/* forward */

void dense_forward(float *out, const float *in, const float *w, const float *b,
                   size_t n_batch, size_t n_in, size_t n_out)
{
    /* out (B, n_out) = in (B, n_in) · w^T, w (n_out, n_in) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n_batch, (int)n_out, (int)n_in,
                1.0f, in, (int)n_in, w, (int)n_in, 0.0f, out, (int)n_out);
    if (b) {
        for (size_t r = 0; r < n_batch; r++) {
            float *restrict row = out + r * n_out; /* (n_out) */
            for (size_t o = 0; o < n_out; o++)
                row[o] += b[o];
        }
    }
}

void dense_forward_ref(float *out, const float *in, const float *w, const float *b,
                       size_t n_batch, size_t n_in, size_t n_out)
{
    for (size_t r = 0; r < n_batch; r++)
        for (size_t o = 0; o < n_out; o++) {
            float acc = 0.0f;
            for (size_t i = 0; i < n_in; i++)
                acc += in[r * n_in + i] * w[o * n_in + i];
            out[r * n_out + o] = acc + (b ? b[o] : 0.0f);
        }
}

/* ---------------------------------------------------------------------------------- */
/* backward */

void dense_backward_params(float *dw, float *db, const float *dout, const float *in,
                           size_t n_batch, size_t n_in, size_t n_out)
{
    /* dw (n_out, n_in) = dout^T (n_out, B) · in (B, n_in) */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n_out, (int)n_in, (int)n_batch,
                1.0f, dout, (int)n_out, in, (int)n_in, 0.0f, dw, (int)n_in);
    if (db) {
        memset(db, 0, n_out * sizeof *db);
        for (size_t r = 0; r < n_batch; r++) {
            const float *restrict row = dout + r * n_out; /* (n_out) */
            for (size_t o = 0; o < n_out; o++)
                db[o] += row[o];
        }
    }
}

void dense_backward_params_ref(float *dw, float *db, const float *dout, const float *in,
                               size_t n_batch, size_t n_in, size_t n_out)
{
    for (size_t o = 0; o < n_out; o++) {
        for (size_t i = 0; i < n_in; i++) {
            float acc = 0.0f;
            for (size_t r = 0; r < n_batch; r++)
                acc += dout[r * n_out + o] * in[r * n_in + i];
            dw[o * n_in + i] = acc;
        }
        if (db) {
            float acc = 0.0f;
            for (size_t r = 0; r < n_batch; r++)
                acc += dout[r * n_out + o];
            db[o] = acc;
        }
    }
}

void dense_backward_input(float *din, const float *dout, const float *w,
                          size_t n_batch, size_t n_in, size_t n_out)
{
    /* din (B, n_in) = dout (B, n_out) · w (n_out, n_in) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n_batch, (int)n_in, (int)n_out,
                1.0f, dout, (int)n_out, w, (int)n_in, 0.0f, din, (int)n_in);
}

void dense_backward_input_ref(float *din, const float *dout, const float *w,
                              size_t n_batch, size_t n_in, size_t n_out)
{
    for (size_t r = 0; r < n_batch; r++)
        for (size_t i = 0; i < n_in; i++) {
            float acc = 0.0f;
            for (size_t o = 0; o < n_out; o++)
                acc += dout[r * n_out + o] * w[o * n_in + i];
            din[r * n_in + i] = acc;
        }
}
