/* nnalloc — the one allocation entry point of src/nn, with a call counter.
 *
 * Every buffer in src/nn (models, trainers, inference scratch, save blobs) comes from
 * nn_alloc(); the counter lets the tests prove that a training step allocates nothing
 * (count before == count after). Memory returned is 64-byte aligned (SIMD-friendly
 * rows) and released with nn_dealloc(); nn_dealloc(NULL) is a no-op. Thread-safe.
 */
#ifndef SNAC_NN_NNALLOC_H
#define SNAC_NN_NNALLOC_H

#include <stddef.h>

#define NN_ALIGN 64

/* 64-byte aligned block of `bytes` (rounded up), or NULL. Not zeroed. */
void *nn_alloc(size_t bytes);
/* Same, zero-filled. */
void *nn_alloc_zero(size_t bytes);
void nn_dealloc(void *p);
/* Number of nn_alloc/nn_alloc_zero calls since the program started. */
size_t nn_alloc_count(void);

/* Round a float count up to a whole number of 64-byte lines (carving helper). */
static inline size_t nn_pad_floats(size_t n) { return (n + 15) & ~(size_t)15; }

#endif
