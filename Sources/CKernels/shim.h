// shim.h — vector kernels for the Cox fit's hot loops, with a run-time choice of AVX2 on x86-64.
//
// Swift compiles for the x86-64 baseline (SSE2: two doubles per instruction) and has no per-function
// target attribute; clang has one, and inline functions of a module's header are compiled by clang
// into the Swift module that uses them. A kernel marked target("avx2") does four doubles per
// instruction and is called only where `survsh_cpu_has_avx2()` says the processor and the operating
// system support it (CPUID and XGETBV: Linux always enables the AVX state where the CPU has it).
//
// Same numbers as the Swift path, bit for bit: AVX2 without FMA (a fused multiply-add would round
// once instead of twice; "avx2" does not enable "fma", and contraction is also turned off), and every
// entry gets the same operations in the same order as SurvivalStats' accumulateWeightedOuterProducts
// (Tests/SurvivalStatsTests/OuterProductKernelTests.swift compares them on random data).
#ifndef SURVSH_CKERNELS_SHIM_H
#define SURVSH_CKERNELS_SHIM_H

#include <stdbool.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

/// Whether the AVX2 kernels may run here: CPUID leaf 7 has AVX2, leaf 1 has AVX and OSXSAVE, and the
/// OS saves the YMM registers (XCR0 bits 1 and 2).
static inline bool survsh_cpu_has_avx2(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    if (!(c & (1u << 27)) || !(c & (1u << 28))) return false; // OSXSAVE, AVX
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6u) != 6u) return false;
    if (__get_cpuid_max(0, 0) < 7) return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 5)) != 0; // AVX2
#else
    return false;
#endif
}

#if defined(__x86_64__)
/// Adds sum_t w_t x_t x_t' to the lower triangle of the row-major p x p matrix `acc` for the first
/// `count` rows at `rows` (row-major, row t at rows + t p; `count` a multiple of 8), eight rows per
/// pass over the triangle: for each entry, acc + s(rows 0-3) + s(rows 4-7), s = ((v0 x0 + v1 x1) +
/// v2 x2) + v3 x3 with v_k = w_k x_k[q], exactly the additions of two passes of four rows. Entries
/// above the diagonal in a block of four that straddles it are changed too (as in the Swift path).
__attribute__((target("avx2")))
static inline void survsh_outer_products8_avx2(double *acc, const double *rows, const double *weights, long count, long p) {
#pragma clang fp contract(off)
    for (long t = 0; t + 8 <= count; t += 8) {
        const double *x0 = rows + t * p, *x1 = x0 + p, *x2 = x1 + p, *x3 = x2 + p;
        const double *x4 = x3 + p, *x5 = x4 + p, *x6 = x5 + p, *x7 = x6 + p;
        const double *w = weights + t;
        for (long q = 0; q < p; q++) {
            double v0 = w[0] * x0[q], v1 = w[1] * x1[q], v2 = w[2] * x2[q], v3 = w[3] * x3[q];
            double v4 = w[4] * x4[q], v5 = w[5] * x5[q], v6 = w[6] * x6[q], v7 = w[7] * x7[q];
            double *orow = acc + q * p;
            long r = 0;
            for (; r <= q && r + 4 <= p; r += 4) {
                __m256d s = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(
                    _mm256_mul_pd(_mm256_set1_pd(v0), _mm256_loadu_pd(x0 + r)),
                    _mm256_mul_pd(_mm256_set1_pd(v1), _mm256_loadu_pd(x1 + r))),
                    _mm256_mul_pd(_mm256_set1_pd(v2), _mm256_loadu_pd(x2 + r))),
                    _mm256_mul_pd(_mm256_set1_pd(v3), _mm256_loadu_pd(x3 + r)));
                __m256d s2 = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(
                    _mm256_mul_pd(_mm256_set1_pd(v4), _mm256_loadu_pd(x4 + r)),
                    _mm256_mul_pd(_mm256_set1_pd(v5), _mm256_loadu_pd(x5 + r))),
                    _mm256_mul_pd(_mm256_set1_pd(v6), _mm256_loadu_pd(x6 + r))),
                    _mm256_mul_pd(_mm256_set1_pd(v7), _mm256_loadu_pd(x7 + r)));
                _mm256_storeu_pd(orow + r, _mm256_add_pd(_mm256_add_pd(_mm256_loadu_pd(orow + r), s), s2));
            }
            for (; r <= q; r++) {
                double a = orow[r] + (((v0 * x0[r] + v1 * x1[r]) + v2 * x2[r]) + v3 * x3[r]);
                orow[r] = a + (((v4 * x4[r] + v5 * x5[r]) + v6 * x6[r]) + v7 * x7[r]);
            }
        }
    }
}
#endif
#endif
