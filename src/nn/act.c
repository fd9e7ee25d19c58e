/* act — stand-alone activation kernels; see act.h.
 *
 * Memory: none allocated; in-place use allowed. Workload: elementwise, B * width floats.
 */
#include "nn/act.h"

#include <string.h>

void act_forward(float *out, const float *in, size_t n, enum nn_act act)
{
    if (out != in)
        memmove(out, in, n * sizeof *out);
    act_apply_row(out, n, act);
}

void act_backward(float *din, const float *dout, const float *out, size_t n, enum nn_act act)
{
    if (din != dout)
        memmove(din, dout, n * sizeof *din);
    act_grad_row(din, out, n, act);
}
