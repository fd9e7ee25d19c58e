/* qtable — the tanh and sigmoid look-up tables exactly as hls4ml's nnet_activation.h
 * builds them, and the table index of a fixed-point input.
 *
 * hls4ml (Vivado/Vitis backend, io_parallel), table_size N (default 1024), table_t
 * ap_fixed<18,8> by default:
 *   sigmoid: table[i] = sigma(16 (i - N/2) / N) over [-8, 8); index (int)(x*N/16) + N/2
 *   tanh:    table[i] = tanh(8 (i - N/2) / N)   over [-4, 4); index (int)(x*N/8)  + N/2
 * The argument is computed as hls4ml does (double arithmetic stored into a float), the
 * function in float (expf/tanhf), and the float stored into table_t with its own
 * rounding (AP_TRN by default). The int conversion of the index truncates toward zero;
 * the index is clamped to [0, N-1].
 *
 * The integer engine and the exporters read the integer table codes; the libm calls happen
 * only here, once per model, so inference never touches a float.
 * Memory: the caller owns the code arrays. Workload: N evaluations per table, once.
 */
#ifndef SNAC_QUANT_QTABLE_H
#define SNAC_QUANT_QTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "quant/qfixed.h"

enum quant_table_kind { QUANT_TABLE_SIGMOID, QUANT_TABLE_TANH, QUANT_TABLE_COUNT };

#define QUANT_TABLE_DEFAULT_SIZE 1024
#define QUANT_TABLE_MAX_SIZE 65536
/* hls4ml's default table_t */
#define QUANT_TABLE_DEFAULT_PREC QUANT_PREC_INIT(18, 8)

/* Fill code[0..n) with the table of `kind` in precision `prec` (n in 2..QUANT_TABLE_MAX_SIZE). */
int quant_table_build(enum quant_table_kind kind, size_t n, const quant_prec *prec, int32_t *code);

/* Index into an n-entry table of `kind` for the input code x of a precision with F = frac
 * fraction bits: (int)(x * 2^-F * n / range) + n/2 clamped, range 16 (sigmoid) or 8 (tanh).
 * Integer arithmetic only; x * n must fit in int64 (checked when the model is built). */
size_t quant_table_index(enum quant_table_kind kind, size_t n, int64_t x, int frac);

#endif
