// The statistics behind `vaesweep rank`: paired t and Wilcoxon p-values against scipy 1.10.1
// (values computed once with /usr/bin/python3 and pasted, with the call that gave them), Holm
// on a hand-checked case, the bootstrap's determinism and agreement with the t-interval, and
// the Pareto front on hand-made points.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "report/statistics.hpp"

namespace vaesweep::report {
namespace {

const std::vector<double> kZeros(60, 0.0);
std::vector<double> zeros(std::size_t n) { return std::vector<double>(n, 0.0); }

TEST(PairedT, MatchesScipyTtestRel) {
  // scipy.stats.ttest_rel([0.61,0.58,0.66,0.70,0.59,0.63], [0.55,0.57,0.60,0.61,0.60,0.58])
  //   = TtestResult(statistic=2.8924620366849014, pvalue=0.03408880814779502, df=5)
  const PairedTestResult r = paired_t_test({0.61, 0.58, 0.66, 0.70, 0.59, 0.63}, {0.55, 0.57, 0.60, 0.61, 0.60, 0.58});
  EXPECT_NEAR(r.statistic, 2.8924620366849014, 1e-12);
  EXPECT_NEAR(r.p, 0.03408880814779502, 1e-12);
  EXPECT_EQ(r.n, 6u);
  EXPECT_EQ(r.smallest_p, 0.0);
  // scipy.stats.ttest_rel([1.0, 2.0], [0.5, 1.0]): statistic 3.0, pvalue 0.20483276469913345 (df 1).
  const PairedTestResult two = paired_t_test({1.0, 2.0}, {0.5, 1.0});
  EXPECT_NEAR(two.statistic, 3.0, 1e-12);
  EXPECT_NEAR(two.p, 0.20483276469913345, 1e-12);
}

TEST(PairedT, DegenerateCasesFollowScipy) {
  // scipy.stats.ttest_rel([1,2,3], [0.5,1.5,2.5]): statistic inf, pvalue 0.0.
  const PairedTestResult constant = paired_t_test({1.0, 2.0, 3.0}, {0.5, 1.5, 2.5});
  EXPECT_TRUE(std::isinf(constant.statistic));
  EXPECT_EQ(constant.p, 0.0);
  // scipy.stats.ttest_rel([1,2,3], [1,2,3]): statistic nan, pvalue nan.
  EXPECT_TRUE(std::isnan(paired_t_test({1.0, 2.0, 3.0}, {1.0, 2.0, 3.0}).p));
  // One pair: no spread, no test.
  const PairedTestResult one = paired_t_test({1.0}, {0.0});
  EXPECT_TRUE(std::isnan(one.p));
  EXPECT_TRUE(std::isnan(one.smallest_p));
}

TEST(PairedT, LargeSampleMatchesScipy) {
  // d = the 60 values below; scipy.stats.ttest_rel(d, np.zeros(60)).pvalue = 0.04438025707456219
  const std::vector<double> d = {
      2.341, -2.256, 0.718,  -0.268, -0.153, 0.084,  -1.72, 0.068,  -0.565, 3.623,  0.526, -0.053,
      0.019, -0.368, -0.755, -0.091, 0.782,  0.061,  1.258, 0.1,    0.324,  1.846,  0.845, -0.205,
      0.117, 0.841,  2.235,  0.03,   0.056,  1.302,  -0.586, 0.008, 1.183,  0.88,   0.392, 0.97,
      -2.528, 1.321, -0.66,  -1.369, 0.576,  1.001,  -0.145, -0.776, 0.326, 0.247,  1.706, 1.047,
      0.494, 1.412,  0.094,  -0.626, 0.884,  0.883,  0.085,  -0.483, 0.529, -2.194, 0.99,  0.791};
  EXPECT_NEAR(paired_t_test(d, kZeros).p, 0.04438025707456219, 1e-12);
  // scipy.stats.wilcoxon(d).pvalue = 0.013379732514095138: n = 60 > 50, normal approximation,
  // no ties and no zeros.
  const PairedTestResult w = wilcoxon_signed_rank(d, kZeros);
  EXPECT_FALSE(w.exact);
  EXPECT_NEAR(w.statistic, 579.0, 1e-12);
  EXPECT_NEAR(w.p, 0.013379732514095138, 1e-12);
}

TEST(Wilcoxon, ExactDistributionMatchesScipy) {
  // scipy.stats.wilcoxon([0.3,-0.1,0.25,0.7,-0.45,0.05,0.9]) = (statistic=7.0, pvalue=0.296875)
  const PairedTestResult r = wilcoxon_signed_rank({0.3, -0.1, 0.25, 0.7, -0.45, 0.05, 0.9}, zeros(7));
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.statistic, 7.0);
  EXPECT_NEAR(r.p, 0.296875, 1e-14);
  // scipy.stats.wilcoxon([1,2,3,4,5]) = (statistic=0.0, pvalue=0.0625): all of one sign, the
  // smallest p with 5 pairs, 2 / 2^5; it cannot reach 0.05.
  const PairedTestResult all = wilcoxon_signed_rank({1.0, 2.0, 3.0, 4.0, 5.0}, zeros(5));
  EXPECT_NEAR(all.p, 0.0625, 1e-15);
  EXPECT_NEAR(all.smallest_p, 0.0625, 1e-15);
  // Symmetric in its two samples.
  EXPECT_NEAR(wilcoxon_signed_rank(zeros(5), {1.0, 2.0, 3.0, 4.0, 5.0}).p, 0.0625, 1e-15);
}

TEST(Wilcoxon, TiesUseTheNormalApproximationWithTieCorrection) {
  // scipy.stats.wilcoxon([1.5,2.0,-1.0,3.0,2.0,-0.5,1.0,4.0], method="approx").pvalue =
  // 0.04181054297657881 (statistic 3.5). scipy 1.10's default (method="auto") gives 0.0546875
  // here from the exact distribution of a truncated statistic, which is wrong with ties; later
  // scipy releases switch to the approximation, as we do.
  const PairedTestResult r = wilcoxon_signed_rank({1.5, 2.0, -1.0, 3.0, 2.0, -0.5, 1.0, 4.0}, zeros(8));
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.statistic, 3.5);
  EXPECT_NEAR(r.p, 0.04181054297657881, 1e-12);
}

TEST(Wilcoxon, ZerosAreDroppedAndApproximated) {
  // scipy.stats.wilcoxon([0.0,1.2,-0.4,2.5,0.0,3.1,-1.7,0.9,1.1,2.2]) = (statistic=6.0,
  // pvalue=0.09289194088370532): zeros switch scipy to the approximation on the 8 non-zero ones.
  const PairedTestResult r = wilcoxon_signed_rank({0.0, 1.2, -0.4, 2.5, 0.0, 3.1, -1.7, 0.9, 1.1, 2.2}, zeros(10));
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.n, 10u);
  EXPECT_EQ(r.n_used, 8u);
  EXPECT_EQ(r.statistic, 6.0);
  EXPECT_NEAR(r.p, 0.09289194088370532, 1e-12);
  // Every difference zero: no test (scipy raises).
  EXPECT_TRUE(std::isnan(wilcoxon_signed_rank({1.0, 2.0}, {1.0, 2.0}).p));
}

TEST(Wilcoxon, LargeSampleWithTiesAndZerosMatchesScipy) {
  // The 60 values of LargeSampleMatchesScipy rounded to one decimal (3 zeros, many ties):
  // scipy.stats.wilcoxon(d).pvalue = 0.01834338557904841.
  const std::vector<double> d = {
      2.3, -2.3, 0.7, -0.3, -0.2, 0.1, -1.7, 0.1,  -0.6, 3.6, 0.5,  -0.1, 0.0, -0.4, -0.8,
      -0.1, 0.8, 0.1, 1.3,  0.1,  0.3, 1.8,  0.8,  -0.2, 0.1, 0.8,  2.2,  0.0, 0.1,  1.3,
      -0.6, 0.0, 1.2, 0.9,  0.4,  1.0, -2.5, 1.3,  -0.7, -1.4, 0.6, 1.0,  -0.1, -0.8, 0.3,
      0.2,  1.7, 1.0, 0.5,  1.4,  0.1, -0.6, 0.9,  0.9,  0.1, -0.5, 0.5,  -2.2, 1.0,  0.8};
  const PairedTestResult r = wilcoxon_signed_rank(d, kZeros);
  EXPECT_EQ(r.n_used, 57u);
  EXPECT_NEAR(r.p, 0.01834338557904841, 1e-12);
}

TEST(Holm, HandCheckedAdjustment) {
  // p = 0.01, 0.04, 0.03, 0.20 (m = 4): sorted 0.01, 0.03, 0.04, 0.20 -> 4*0.01 = 0.04,
  // 3*0.03 = 0.09, 2*0.04 = 0.08 -> 0.09 (monotone), 1*0.20 = 0.20. NaN is not a comparison.
  const double nan = std::nan("");
  const std::vector<double> adjusted = holm_adjust({0.01, 0.04, nan, 0.03, 0.20});
  ASSERT_EQ(adjusted.size(), 5u);
  EXPECT_NEAR(adjusted[0], 0.04, 1e-15);
  EXPECT_NEAR(adjusted[1], 0.09, 1e-15);
  EXPECT_TRUE(std::isnan(adjusted[2]));
  EXPECT_NEAR(adjusted[3], 0.09, 1e-15);
  EXPECT_NEAR(adjusted[4], 0.20, 1e-15);
  // Capped at 1.
  EXPECT_EQ(holm_adjust({0.6, 0.7})[0], 1.0);
}

TEST(Bootstrap, ConstantDataGivesAZeroWidthInterval) {
  const Interval ci = bootstrap_interval({0.42, 0.42, 0.42, 0.42}, 0.95, 1000, 7);
  EXPECT_EQ(ci.low, 0.42);
  EXPECT_EQ(ci.high, 0.42);
  EXPECT_TRUE(std::isnan(bootstrap_interval({0.42}, 0.95, 1000, 7).low));
}

TEST(Bootstrap, SameSeedSameIntervalOtherSeedAnother) {
  const std::vector<double> v = {0.31, 0.42, 0.38, 0.29, 0.35, 0.5, 0.27};
  const Interval a = bootstrap_interval(v, 0.95, 2000, 3);
  const Interval b = bootstrap_interval(v, 0.95, 2000, 3);
  const Interval c = bootstrap_interval(v, 0.95, 2000, 4);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_TRUE(a.low != c.low || a.high != c.high);
  EXPECT_LT(a.low, mean_of(v));
  EXPECT_GT(a.high, mean_of(v));
}

TEST(Bootstrap, LargeNormalSampleAgreesWithTheTInterval) {
  // For n = 400 normal values the bootstrap distribution of the mean is close to normal with
  // sd s / sqrt(n) (about 0.05 here), so both intervals agree to a small fraction of their width.
  std::mt19937_64 engine(11);
  std::normal_distribution<double> normal(3.0, 1.0);
  std::vector<double> v(400);
  for (double& x : v) x = normal(engine);
  const Interval t = t_interval(v, 0.95);
  const Interval b = bootstrap_interval(v, 0.95, 10000, 0);
  const double width = t.high - t.low;
  EXPECT_NEAR(b.low, t.low, 0.05 * width);
  EXPECT_NEAR(b.high, t.high, 0.05 * width);
}

TEST(Pareto, FrontWithTiesAndLowerIsBetter) {
  // x higher is better, y lower is better (a loss). Points: 0 (1, 5), 1 (2, 3), 2 (2, 3) equal
  // to 1, 3 (3, 4), 4 (1, 6) dominated by 0, 5 (3, 5) dominated by 3, 6 (NaN, 0) left out.
  const double nan = std::nan("");
  const std::vector<double> x = {1, 2, 2, 3, 1, 3, nan};
  const std::vector<double> y = {5, 3, 3, 4, 6, 5, 0};
  // Point 0 is dominated by 1 (x better, y better); the front is 3 (best x), then 1 and 2.
  EXPECT_EQ(pareto_front(x, y, true, false), (std::vector<std::size_t>{3, 1, 2}));
  // Both higher is better: (3, 5) dominates everything but nothing dominates it; (3, 4) and
  // (2, 3) are dominated by it; (1, 6) has the best y.
  EXPECT_EQ(pareto_front(x, y, true, true), (std::vector<std::size_t>{5, 4}));
  // Both lower is better: (1, 5) and (2, 3), (2, 3); sorted by x ascending.
  EXPECT_EQ(pareto_front(x, y, false, false), (std::vector<std::size_t>{0, 1, 2}));
}

}  // namespace
}  // namespace vaesweep::report
