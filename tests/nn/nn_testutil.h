/* nn_testutil — small helpers shared by the src/nn tests: random buffers and a
 * central finite-difference check of a scalar function of one float buffer. */
#ifndef SNAC_TESTS_NN_TESTUTIL_H
#define SNAC_TESTS_NN_TESTUTIL_H

#include <math.h>
#include <stddef.h>

#include "check.h"
#include "util/rng.h"

static inline void fill_uniform(float *p, size_t n, float lo, float hi, snac_rng *r)
{
    for (size_t i = 0; i < n; i++)
        p[i] = lo + (hi - lo) * (float)rng_uniform(r);
}

/* Values in [-hi, -lo] U [lo, hi]: away from the ReLU kink and from sign changes. */
static inline void fill_away_from_zero(float *p, size_t n, float lo, float hi, snac_rng *r)
{
    for (size_t i = 0; i < n; i++) {
        float v = lo + (hi - lo) * (float)rng_uniform(r);
        p[i] = rng_uniform(r) < 0.5 ? -v : v;
    }
}

typedef double (*scalar_fn)(void *ctx);

/* Compare analytic grad (n) of f with respect to param (n) against central differences
 * with step h; |fd - an| <= atol + rtol * |fd| for every element. Returns the worst ratio
 * error / allowed (<= 1 passes). */
static inline double fd_check(const char *what, scalar_fn f, void *ctx, float *param,
                              const float *grad, size_t n, float h, double atol, double rtol)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        float keep = param[i];
        param[i] = keep + h;
        double up = f(ctx);
        param[i] = keep - h;
        double down = f(ctx);
        param[i] = keep;
        double fd = (up - down) / (2.0 * (double)h);
        double err = fabs(fd - (double)grad[i]), allowed = atol + rtol * fabs(fd);
        if (err / allowed > worst)
            worst = err / allowed;
        CHECK_MSG(err <= allowed, "%s[%zu]: finite difference %.6g, analytic %.6g", what, i, fd,
                  (double)grad[i]);
    }
    return worst;
}

#endif
