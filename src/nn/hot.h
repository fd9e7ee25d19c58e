/* hot — NN_HOT: run-time dispatched AVX2 / AVX-512 copies of the elementwise kernels.
 *
 * The build stays -O2 for a generic x86-64 (SSE2) and portable: GCC's target_clones
 * compiles each marked function once per listed target and an ifunc resolver picks the
 * best one the CPU supports when the program loads. On a 2-core AVX2 Xeon this makes the
 * fused BN/activation passes and Adam ~2x faster (+14% training samples/s overall).
 * Results are bitwise identical across the copies: the loops are elementwise or
 * reduce per lane in a fixed row order, sqrt and division are correctly rounded, and
 * ISO C mode (-std=c11) keeps fp-contract off, so no FMA contraction happens.
 * Elsewhere (clang, non-x86, non-ELF) NN_HOT expands to nothing; -DNN_HOT= disables it.
 */
#ifndef SNAC_NN_HOT_H
#define SNAC_NN_HOT_H

#include <stddef.h>

#ifndef NN_HOT
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define NN_HOT __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NN_HOT
#endif
#endif

/* NN_INLINE: forced inlining of a panel kernel into its NN_HOT caller, so the constant
 * panel width reaches the vectoriser in every target clone. */
#if defined(__GNUC__)
#define NN_INLINE static inline __attribute__((always_inline))
#else
#define NN_INLINE static inline
#endif

/* Feature panels. The elementwise kernels with column sums (BN statistics, bias and BN
 * gradients) walk the features in panels and, inside a panel, the rows: a panel's sums
 * are carried across the rows in a few registers (or one L1 line each) instead of a row
 * of n sums being stored and reloaded per row, and no row ends in a scalar remainder
 * loop. A sum over the rows is a chain of dependent adds, so a panel is 64 floats wide
 * (four AVX-512 chains in flight); what is left of n is cut into panels of 32, 16, 8, 4
 * (every hidden width of the search space is a multiple of 4), then 1. Each element
 * still sees the same operations in the same order (sums run row after row), so the
 * results are bitwise those of the row-wise loops (test_kernels checks it). */
#define NN_PANEL 64

/* NN_UNROLL before a loop over a panel: fully unrolled, its sums become registers
 * (GCC keeps a 64-float array on the stack otherwise, and the sums chain through it). */
#if defined(__GNUC__) && !defined(__clang__)
#define NN_UNROLL _Pragma("GCC unroll 64")
#else
#define NN_UNROLL
#endif

static inline size_t nn_panel_width(size_t n, size_t f)
{
    size_t left = n - f, w = NN_PANEL;
    while (w > left && w > 4)
        w /= 2;
    return w <= left ? w : 1;
}

/* Runs PANEL(P) with P the constant of the panel width w, so that each inlined copy of a
 * panel kernel is compiled for its width. */
#define NN_PANEL_SWITCH(w, PANEL)                                                          \
    switch (w) {                                                                           \
    case NN_PANEL: PANEL(NN_PANEL); break;                                                 \
    case 32: PANEL(32); break;                                                             \
    case 16: PANEL(16); break;                                                             \
    case 8: PANEL(8); break;                                                               \
    case 4: PANEL(4); break;                                                               \
    default: PANEL(1); break;                                                              \
    }

#endif
