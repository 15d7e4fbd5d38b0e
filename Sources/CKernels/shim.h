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
// entry gets the same operations in the same order as SurvivalStats' Swift code: the outer products of
// accumulateWeightedOuterProducts and the centred, scaled row blocks (with their etas) of
// CoxTimeRanks.transformBlock (Tests/SurvivalStatsTests/CoxKernelTests.swift compares them on random data).
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
/// Copies rows lo ..< lo + m of the p columns `cols` into `xb` (row-major, row t at xb + t p), each
/// value (x - center[j]) * scale[j], four rows and four columns at a time (a 4 x 4 transpose in
/// registers); with `beta` (else NULL), etas[t] = ((0 + v_0 b_0) + v_1 b_1) + ... over the row's
/// columns in order. Asks for the next block's lines of each column (t < ahead) while it copies.
/// The same operations per value as CoxTimeRanks.transformBlock's Swift loop.
__attribute__((target("avx2")))
static inline void survsh_transform_block_avx2(const double *const *cols, long lo, long m, long p, const double *center,
                                               const double *scale, double *xb, const double *beta, double *etas,
                                               long ahead) {
#pragma clang fp contract(off)
    if (beta) for (long t = 0; t < m; t++) etas[t] = 0;
    long whole = m & ~3L;
    long j = 0;
    for (; j + 4 <= p; j += 4) {
        const double *c0 = cols[j] + lo, *c1 = cols[j + 1] + lo, *c2 = cols[j + 2] + lo, *c3 = cols[j + 3] + lo;
        __m256d m0 = _mm256_set1_pd(center[j]), m1 = _mm256_set1_pd(center[j + 1]);
        __m256d m2 = _mm256_set1_pd(center[j + 2]), m3 = _mm256_set1_pd(center[j + 3]);
        __m256d s0 = _mm256_set1_pd(scale[j]), s1 = _mm256_set1_pd(scale[j + 1]);
        __m256d s2 = _mm256_set1_pd(scale[j + 2]), s3 = _mm256_set1_pd(scale[j + 3]);
        for (long t = 0; t < whole; t += 4) {
            if ((t & 7) == 0 && t < ahead) {
                _mm_prefetch((const char *)(c0 + m + t), _MM_HINT_T0);
                _mm_prefetch((const char *)(c1 + m + t), _MM_HINT_T0);
                _mm_prefetch((const char *)(c2 + m + t), _MM_HINT_T0);
                _mm_prefetch((const char *)(c3 + m + t), _MM_HINT_T0);
            }
            __m256d a0 = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(c0 + t), m0), s0);
            __m256d a1 = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(c1 + t), m1), s1);
            __m256d a2 = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(c2 + t), m2), s2);
            __m256d a3 = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(c3 + t), m3), s3);
            if (beta) {
                __m256d e = _mm256_loadu_pd(etas + t);
                e = _mm256_add_pd(e, _mm256_mul_pd(a0, _mm256_set1_pd(beta[j])));
                e = _mm256_add_pd(e, _mm256_mul_pd(a1, _mm256_set1_pd(beta[j + 1])));
                e = _mm256_add_pd(e, _mm256_mul_pd(a2, _mm256_set1_pd(beta[j + 2])));
                e = _mm256_add_pd(e, _mm256_mul_pd(a3, _mm256_set1_pd(beta[j + 3])));
                _mm256_storeu_pd(etas + t, e);
            }
            __m256d u0 = _mm256_unpacklo_pd(a0, a1), u1 = _mm256_unpackhi_pd(a0, a1);
            __m256d u2 = _mm256_unpacklo_pd(a2, a3), u3 = _mm256_unpackhi_pd(a2, a3);
            double *row = xb + t * p + j;
            _mm256_storeu_pd(row, _mm256_permute2f128_pd(u0, u2, 0x20));
            _mm256_storeu_pd(row + p, _mm256_permute2f128_pd(u1, u3, 0x20));
            _mm256_storeu_pd(row + 2 * p, _mm256_permute2f128_pd(u0, u2, 0x31));
            _mm256_storeu_pd(row + 3 * p, _mm256_permute2f128_pd(u1, u3, 0x31));
        }
    }
    for (; j < p; j++) {
        const double *c0 = cols[j] + lo;
        __m256d m0 = _mm256_set1_pd(center[j]), s0 = _mm256_set1_pd(scale[j]);
        for (long t = 0; t < whole; t += 4) {
            if ((t & 7) == 0 && t < ahead) _mm_prefetch((const char *)(c0 + m + t), _MM_HINT_T0);
            __m256d a0 = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(c0 + t), m0), s0);
            if (beta) _mm256_storeu_pd(etas + t, _mm256_add_pd(_mm256_loadu_pd(etas + t), _mm256_mul_pd(a0, _mm256_set1_pd(beta[j]))));
            double v[4];
            _mm256_storeu_pd(v, a0);
            for (int k = 0; k < 4; k++) xb[(t + k) * p + j] = v[k];
        }
    }
    // the last m % 4 rows, a value at a time
    for (long t = whole; t < m; t++) {
        for (long jj = 0; jj < p; jj++) {
            double v = (cols[jj][lo + t] - center[jj]) * scale[jj];
            xb[t * p + jj] = v;
            if (beta) etas[t] += v * beta[jj];
        }
    }
}
#endif
#endif
