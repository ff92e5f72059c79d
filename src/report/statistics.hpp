#pragma once
// The statistics behind `vaesweep rank`: intervals of a mean (Student-t, percentile bootstrap),
// paired tests across seeds (paired t, Wilcoxon signed-rank), Holm's step-down correction and
// the Pareto front of two metrics. Pure functions, no I/O; the p-values follow scipy's
// definitions (scipy.stats.ttest_rel, scipy.stats.wilcoxon) so that a number printed by rank
// can be checked with one line of Python.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vaesweep::report {

struct Interval {
  double low = 0.0;   // NaN when the interval is undefined (fewer than 2 values)
  double high = 0.0;
};

// Sum in ascending order: equal multisets of values give bit-equal means whatever their order.
double mean_of(std::vector<double> values);
// Sample standard deviation (ddof 1); NaN for fewer than 2 values.
double sample_std(const std::vector<double>& values);

// mean -/+ t(1 - (1 - confidence) / 2, n - 1) * s / sqrt(n) (scipy.stats.t.interval).
Interval t_interval(const std::vector<double>& values, double confidence);

// Percentile bootstrap of the mean: `samples` resamples of n values drawn with replacement,
// the (1 - confidence) / 2 and 1 - (1 - confidence) / 2 quantiles of their means with linear
// interpolation (numpy.percentile's default). Indices are drawn from std::mt19937_64 seeded
// with `seed` by rejection sampling, not by std::uniform_int_distribution (which differs
// between standard libraries), so the interval is the same on every platform. NaN for fewer
// than 2 values or samples = 0.
Interval bootstrap_interval(const std::vector<double>& values, double confidence, std::size_t samples,
                            std::uint64_t seed);

struct PairedTestResult {
  double statistic = 0.0;  // t, or Wilcoxon's T = min(R+, R-)
  double p = 0.0;          // two-sided; NaN when the test is undefined for the data
  std::size_t n = 0;       // pairs given
  std::size_t n_used = 0;  // pairs the test used (Wilcoxon drops zero differences when approximating)
  bool exact = false;      // Wilcoxon: exact null distribution (else the normal approximation)
  // The smallest two-sided p the test could give for this many pairs (and, for Wilcoxon's
  // normal approximation, these ties): when it is >= alpha, "not significant" is no evidence
  // of equality. NaN when the test is undefined.
  double smallest_p = 0.0;
};

// scipy.stats.ttest_rel(a, b): t = mean(d) / (std(d, ddof=1) / sqrt(n)), d = a - b, p from
// Student's t with n - 1 degrees of freedom. Fewer than 2 pairs or all differences equal to
// zero: p = NaN (as scipy); equal non-zero differences: |t| = inf, p = 0.
PairedTestResult paired_t_test(const std::vector<double>& a, const std::vector<double>& b);

// The Wilcoxon signed-rank test of d = a - b, two-sided, zero_method "wilcox", no continuity
// correction (scipy.stats.wilcoxon's defaults). The exact null distribution when n <= 50 and
// no difference is zero and no two |d| tie; otherwise the normal approximation on the non-zero
// differences with the tie correction of the variance. Where this departs from scipy 1.10:
// with ties (but no zeros) and n <= 50 scipy 1.10 uses the exact distribution on a truncated
// statistic, which is wrong; we use the approximation, as scipy.stats.wilcoxon(...,
// method="approx") and later scipy releases do. No pairs or all differences zero: p = NaN.
PairedTestResult wilcoxon_signed_rank(const std::vector<double>& a, const std::vector<double>& b);

// Holm's step-down adjustment (statsmodels multipletests(method="holm")): sort the m p-values
// ascending, p_(i) -> max over j <= i of min(1, (m - j + 1) p_(j)). NaN entries are not
// comparisons: they stay NaN and do not count in m.
std::vector<double> holm_adjust(const std::vector<double>& p);

// Indices of the non-dominated points, sorted by x (best first, ties by y best first, then by
// index). A point dominates another when it is at least as good in both coordinates and better
// in one, each in its own direction; equal points dominate neither. Points with a NaN are left out.
std::vector<std::size_t> pareto_front(const std::vector<double>& x, const std::vector<double>& y,
                                      bool x_higher_is_better, bool y_higher_is_better);

}  // namespace vaesweep::report
