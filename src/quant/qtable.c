/* qtable — hls4ml's tanh/sigmoid tables and their index; see qtable.h.
 *
 * Memory: none allocated. Workload: table construction once per model (N libm calls);
 * quant_table_index per table-activation neuron of every inference.
 */
#include "quant/qtable.h"

#include <math.h>

#include "util/err.h"

int quant_table_build(enum quant_table_kind kind, size_t n, const quant_prec *prec, int32_t *code)
{
    if (n < 2 || n > QUANT_TABLE_MAX_SIZE)
        return snac_err_set(SNAC_EINVAL, "activation table size %zu outside 2..%d", n, QUANT_TABLE_MAX_SIZE);
    int rc = quant_prec_check(prec, "activation table type");
    if (rc)
        return rc;
    if (prec->width > 32)
        return snac_err_set(SNAC_EINVAL, "activation table type wider than 32 bits (W=%d)", prec->width);
    const double range = kind == QUANT_TABLE_SIGMOID ? 8.0 : 4.0; /* half the covered interval */
    for (size_t i = 0; i < n; i++) {
        /* hls4ml: float in_val = 2 * R * (ii - float(N) / 2.0) / float(N); */
        float in_val = (float)(2 * range * ((double)i - (double)(float)n / 2.0) / (double)(float)n);
        float y;
        if (kind == QUANT_TABLE_SIGMOID)
            y = (float)(1.0 / (double)(1.0f + expf(-in_val))); /* 1.0 / (1 + std::exp(-input)) */
        else
            y = tanhf(in_val);
        code[i] = (int32_t)quant_from_double(prec, (double)y, NULL);
    }
    return SNAC_OK;
}

size_t quant_table_index(enum quant_table_kind kind, size_t n, int64_t x, int frac)
{
    /* (int)(x * 2^-F * n / range): an exact quotient truncated toward zero, as C's / does */
    const int range_log2 = kind == QUANT_TABLE_SIGMOID ? 4 : 3;
    int64_t num = x * (int64_t)n;
    int sh = frac + range_log2;
    int64_t q;
    if (sh >= 63)
        q = 0;
    else
        q = num / ((int64_t)1 << sh);
    int64_t idx = q + (int64_t)(n / 2);
    if (idx < 0)
        idx = 0;
    if (idx > (int64_t)n - 1)
        idx = (int64_t)n - 1;
    return (size_t)idx;
}
