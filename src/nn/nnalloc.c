/* nnalloc — aligned allocation with a call counter; see nnalloc.h.
 *
 * Memory: plain aligned_alloc/free; the counter is a relaxed atomic, so models
 * trained on several threads at once still count correctly.
 */
#include "nn/nnalloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static atomic_size_t alloc_calls;

void *nn_alloc(size_t bytes)
{
    atomic_fetch_add_explicit(&alloc_calls, 1, memory_order_relaxed);
    if (bytes == 0)
        bytes = 1;
    if (bytes > SIZE_MAX - NN_ALIGN)
        return NULL;
    size_t rounded = (bytes + NN_ALIGN - 1) / NN_ALIGN * NN_ALIGN;
    return aligned_alloc(NN_ALIGN, rounded);
}

void *nn_alloc_zero(size_t bytes)
{
    void *p = nn_alloc(bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

void nn_dealloc(void *p) { free(p); }

size_t nn_alloc_count(void) { return atomic_load_explicit(&alloc_calls, memory_order_relaxed); }
