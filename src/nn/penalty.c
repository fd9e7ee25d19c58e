/* penalty — L1 weight penalty; see penalty.h. Memory: none allocated. */
#include "nn/penalty.h"

#include <math.h>

double l1_penalty(const float *w, size_t n, float lambda)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += fabs((double)w[i]);
    return (double)lambda * s;
}

void l1_grad(float *grad, const float *w, size_t n, float lambda)
{
    for (size_t i = 0; i < n; i++)
        grad[i] += lambda * l1_sign(w[i]);
}
