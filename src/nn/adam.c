/* adam — bias-corrected Adam with a fused L1 subgradient; see adam.h.
 *
 * Memory: none allocated. Workload: one vectorised pass over the parameter block.
 */
#include "nn/adam.h"

#include <math.h>

#include "nn/hot.h"
#include "nn/penalty.h"

NN_HOT void adam_update(float *p, float *m, float *v, const float *grad, size_t n,
                 const adam_hparams *h, float l1, uint64_t t)
{
    const float c1 = (float)(1.0 / (1.0 - pow((double)h->beta1, (double)t)));
    const float c2 = (float)(1.0 / (1.0 - pow((double)h->beta2, (double)t)));
    const float b1 = h->beta1, b2 = h->beta2, lr = h->lr, eps = h->eps;
    const float a1 = 1.0f - b1, a2 = 1.0f - b2;
    float *restrict pp = p, *restrict mm = m, *restrict vv = v;
    const float *restrict gg = grad;
    for (size_t i = 0; i < n; i++) {
        float g = gg[i] + l1 * l1_sign(pp[i]);
        float mi = b1 * mm[i] + a1 * g;
        float vi = b2 * vv[i] + a2 * g * g;
        mm[i] = mi;
        vv[i] = vi;
        pp[i] -= lr * (mi * c1) / (sqrtf(vi * c2) + eps);
    }
}
