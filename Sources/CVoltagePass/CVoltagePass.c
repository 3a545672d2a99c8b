// The fast restoration evaluator's voltage pass for AVX-512F and AVX2, chosen at run time
// (the package is built for baseline x86-64, whose SSE2 takes two doubles per operation).
//
// Bit-identical to the Swift loop: each element gets the same multiplications and
// additions in the same order (no contraction into fused multiply-adds), and the extremes
// keep "d > h ? d : h" per lane, whose result does not depend on the order of comparison.
#include "CVoltagePass.h"

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

__attribute__((target("avx512f")))
void voltage_pass_avx512(long n, const double *drop, const double *rowP, const double *rowQ, double dp, double dq,
                         const double *commonP, const double *commonQ, const long *movedRow, const double *movedP,
                         const double *movedQ, long moved, double *trialDrop, double *highest, double *lowest) {
    const __m512d vdp = _mm512_set1_pd(dp), vdq = _mm512_set1_pd(dq);
    __m512d hi = _mm512_setzero_pd(), lo = _mm512_setzero_pd();
    for (long k = 0; k < n; k += 8) {
        // The last block is masked: its missing lanes load 0 and give d = +0, which
        // changes neither extreme (both start at 0).
        const __mmask8 mask = n - k >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << (n - k)) - 1);
        __m512d d = _mm512_add_pd(
            _mm512_add_pd(_mm512_maskz_loadu_pd(mask, drop + k), _mm512_mul_pd(_mm512_maskz_loadu_pd(mask, rowP + k), vdp)),
            _mm512_mul_pd(_mm512_maskz_loadu_pd(mask, rowQ + k), vdq));
        for (long y = 0; y < moved; y++) {
            const __m512d p = _mm512_mul_pd(_mm512_maskz_loadu_pd(mask, commonP + movedRow[y] + k), _mm512_set1_pd(movedP[y]));
            const __m512d q = _mm512_mul_pd(_mm512_maskz_loadu_pd(mask, commonQ + movedRow[y] + k), _mm512_set1_pd(movedQ[y]));
            d = _mm512_sub_pd(d, _mm512_add_pd(p, q));
        }
        _mm512_mask_storeu_pd(trialDrop + k, mask, d);
        hi = _mm512_max_pd(d, hi);  // d > hi ? d : hi
        lo = _mm512_min_pd(d, lo);  // d < lo ? d : lo
    }
    // Every lane is >= 0 (hi) or <= 0 (lo) already, so the lanes' extremes are the answer.
    *highest = _mm512_reduce_max_pd(hi);
    *lowest = _mm512_reduce_min_pd(lo);
}

__attribute__((target("avx2")))
void voltage_pass_avx2(long n, const double *drop, const double *rowP, const double *rowQ, double dp, double dq,
                       const double *commonP, const double *commonQ, const long *movedRow, const double *movedP,
                       const double *movedQ, long moved, double *trialDrop, double *highest, double *lowest) {
    const __m256d vdp = _mm256_set1_pd(dp), vdq = _mm256_set1_pd(dq);
    __m256d hi = _mm256_setzero_pd(), lo = _mm256_setzero_pd();
    long k = 0;
    for (; k + 4 <= n; k += 4) {
        __m256d d = _mm256_add_pd(
            _mm256_add_pd(_mm256_loadu_pd(drop + k), _mm256_mul_pd(_mm256_loadu_pd(rowP + k), vdp)),
            _mm256_mul_pd(_mm256_loadu_pd(rowQ + k), vdq));
        for (long y = 0; y < moved; y++) {
            const __m256d p = _mm256_mul_pd(_mm256_loadu_pd(commonP + movedRow[y] + k), _mm256_set1_pd(movedP[y]));
            const __m256d q = _mm256_mul_pd(_mm256_loadu_pd(commonQ + movedRow[y] + k), _mm256_set1_pd(movedQ[y]));
            d = _mm256_sub_pd(d, _mm256_add_pd(p, q));
        }
        _mm256_storeu_pd(trialDrop + k, d);
        hi = _mm256_max_pd(d, hi);
        lo = _mm256_min_pd(d, lo);
    }
    double h[4], l[4];
    _mm256_storeu_pd(h, hi);
    _mm256_storeu_pd(l, lo);
    double highestValue = 0, lowestValue = 0;
    for (int lane = 0; lane < 4; lane++) {
        if (h[lane] > highestValue) highestValue = h[lane];
        if (l[lane] < lowestValue) lowestValue = l[lane];
    }
    for (; k < n; k++) {
        double d = drop[k] + rowP[k] * dp + rowQ[k] * dq;
        for (long y = 0; y < moved; y++) {
            d -= commonP[movedRow[y] + k] * movedP[y] + commonQ[movedRow[y] + k] * movedQ[y];
        }
        trialDrop[k] = d;
        if (d > highestValue) highestValue = d;
        if (d < lowestValue) lowestValue = d;
    }
    *highest = highestValue;
    *lowest = lowestValue;
}

int voltage_pass_width(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 512;
    if (__builtin_cpu_supports("avx2")) return 256;
    return 0;
}

#else
// Not x86-64 (or not clang): no vector pass; the callers keep their own loop.
int voltage_pass_width(void) { return 0; }

void voltage_pass_avx512(long n, const double *drop, const double *rowP, const double *rowQ, double dp, double dq,
                         const double *commonP, const double *commonQ, const long *movedRow, const double *movedP,
                         const double *movedQ, long moved, double *trialDrop, double *highest, double *lowest) {
    __builtin_trap();
}

void voltage_pass_avx2(long n, const double *drop, const double *rowP, const double *rowQ, double dp, double dq,
                       const double *commonP, const double *commonQ, const long *movedRow, const double *movedP,
                       const double *movedQ, long moved, double *trialDrop, double *highest, double *lowest) {
    __builtin_trap();
}
#endif
