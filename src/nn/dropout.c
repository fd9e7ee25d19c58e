/* dropout — mask drawing and masking; see dropout.h.
 *
 * Memory: none allocated. Workload: one rng_u64 per four elements, then a multiply.
 */
#include "nn/dropout.h"

#include <stdint.h>

void dropout_mask(float *mask, size_t n, float p, snac_rng *rng)
{
    const uint32_t drop_below = (uint32_t)((double)p * 65536.0); /* u16 < this: dropped */
    const float keep = 1.0f / (1.0f - p);
    size_t i = 0;
    while (i < n) {
        uint64_t bits = rng_u64(rng);
        for (int k = 0; k < 4 && i < n; k++, i++, bits >>= 16)
            mask[i] = (uint32_t)(bits & 0xffffu) < drop_below ? 0.0f : keep;
    }
}

void dropout_forward(float *out, const float *in, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] * mask[i];
}

void dropout_backward(float *din, const float *dout, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        din[i] = dout[i] * mask[i];
}
