#ifndef CVOLTAGEPASS_H
#define CVOLTAGEPASS_H

/// The widest vector unit `voltage_pass` uses on this processor: 512 (AVX-512F), 256
/// (AVX2) or 0 (neither: the caller keeps its own loop).
int voltage_pass_width(void);

/// The fast restoration evaluator's voltage pass over buses 0..<n with the operations of its
/// Swift loop in the same order, so that the results are the same bit for bit:
///
///     d = drop[k] + rowP[k] * dp + rowQ[k] * dq
///     for each moved unit y: d = d - (commonP[movedRow[y] + k] * movedP[y] + commonQ[movedRow[y] + k] * movedQ[y])
///     trialDrop[k] = d
///
/// and the largest and the smallest of 0 and every d in `*highest` and `*lowest`. Call the
/// AVX-512F version only when `voltage_pass_width` reports 512, the AVX2 one when it
/// reports 256 or more.
void voltage_pass_avx512(long n, const double *drop, const double *rowP, const double *rowQ, double dp, double dq,
                         const double *commonP, const double *commonQ, const long *movedRow, const double *movedP,
                         const double *movedQ, long moved, double *trialDrop, double *highest, double *lowest);
void voltage_pass_avx2(long n, const double *drop, const double *rowP, const double *rowQ, double dp, double dq,
                       const double *commonP, const double *commonQ, const long *movedRow, const double *movedP,
                       const double *movedQ, long moved, double *trialDrop, double *highest, double *lowest);
#endif
