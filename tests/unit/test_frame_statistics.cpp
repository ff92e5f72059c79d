// Frame statistics (src/audio/frame_statistics.hpp).
// Expected values are computed by hand from the definitions numpy and scipy use (population
// moments; scipy.stats.skew and scipy.stats.kurtosis with their defaults bias=True,
// fisher=True), as worked out in each test's comment.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "audio/frame_statistics.hpp"
#include "util/error.hpp"

namespace {

using namespace vaesweep::audio;

const std::vector<Statistic> kAll{Statistic::mean, Statistic::var,  Statistic::std, Statistic::skew,
                                  Statistic::kurtosis, Statistic::min, Statistic::max};

TEST(AudioFrameStatistics, KnownSequence) {
  // x = 1, 2, 3, 4, 10: mean 4, deviations -3, -2, -1, 0, 6;
  // m2 = 50/5 = 10, m3 = 180/5 = 36, m4 = 1394/5 = 278.8;
  // skew = 36 / 10^1.5 = 1.1384199576606167 (scipy.stats.skew gives the same),
  // kurtosis = 278.8 / 100 - 3 = -0.212.
  Eigen::MatrixXd x(1, 5);
  x << 1, 2, 3, 4, 10;
  const Eigen::VectorXd s = frame_statistics(x, kAll);
  ASSERT_EQ(s.size(), 7);
  EXPECT_DOUBLE_EQ(s(0), 4.0);
  EXPECT_DOUBLE_EQ(s(1), 10.0);
  EXPECT_DOUBLE_EQ(s(2), std::sqrt(10.0));
  EXPECT_NEAR(s(3), 1.1384199576606167, 1e-14);
  EXPECT_NEAR(s(4), -0.212, 1e-14);
  EXPECT_DOUBLE_EQ(s(5), 1.0);
  EXPECT_DOUBLE_EQ(s(6), 10.0);
}

TEST(AudioFrameStatistics, CoefficientMajorOrderAndNames) {
  // Row 0 = -1, 0, 1 (symmetric: skew 0; m2 = 2/3, m4 = 2/3, kurtosis = (2/3)/(4/9) - 3 = -1.5);
  // row 1 = 5, 5, 5 (constant: var 0, and skew = kurtosis = 0 by our convention, not NaN).
  Eigen::MatrixXd x(2, 3);
  x << -1, 0, 1, 5, 5, 5;
  const std::vector<Statistic> stats{Statistic::mean, Statistic::std, Statistic::skew, Statistic::kurtosis};
  const Eigen::VectorXd s = frame_statistics(x, stats);
  ASSERT_EQ(s.size(), 8);
  const std::vector<double> expected{0.0, std::sqrt(2.0 / 3.0), 0.0, -1.5, 5.0, 0.0, 0.0, 0.0};
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(s(i), expected[static_cast<std::size_t>(i)], 1e-14) << i;
  EXPECT_TRUE(s.allFinite());

  const std::vector<std::string> names = statistic_feature_names("mfcc", 2, stats);
  const std::vector<std::string> expected_names{"mfcc1_mean", "mfcc1_std", "mfcc1_skew", "mfcc1_kurtosis",
                                                "mfcc2_mean", "mfcc2_std", "mfcc2_skew", "mfcc2_kurtosis"};
  EXPECT_EQ(names, expected_names);
}

TEST(AudioFrameStatistics, NearlyConstantRowGivesNoNan) {
  // A large offset with no spread at all in double precision: scipy calls this constant.
  Eigen::MatrixXd x = Eigen::MatrixXd::Constant(1, 100, 1e6);
  const Eigen::VectorXd s = frame_statistics(x, kAll);
  EXPECT_TRUE(s.allFinite());
  EXPECT_EQ(s(3), 0.0);
  EXPECT_EQ(s(4), 0.0);
  // A single frame is constant too.
  EXPECT_TRUE(frame_statistics(Eigen::MatrixXd::Constant(3, 1, -2.0), kAll).allFinite());
}

TEST(AudioFrameStatistics, ParseAndPrint) {
  for (Statistic s : kAll) EXPECT_EQ(parse_statistic(to_string(s)), s);
  EXPECT_EQ(to_string(Statistic::kurtosis), "kurtosis");
  try {
    parse_statistic("median");
    FAIL() << "no UserError";
  } catch (const vaesweep::UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("median"), std::string::npos) << what;
    EXPECT_NE(what.find("mean, var, std, skew, kurtosis, min, max"), std::string::npos) << what;
  }
  EXPECT_THROW(frame_statistics(Eigen::MatrixXd(2, 0), kAll), std::invalid_argument);
}

}  // namespace
