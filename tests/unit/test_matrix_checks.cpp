// The shared input checks of the clustering and scoring algorithms (util/matrix_checks.hpp).
#include <gtest/gtest.h>

#include <limits>

#include "util/matrix_checks.hpp"
#include "user_error_expect.hpp"

namespace vaesweep {
namespace {

using test::expect_user_error_naming;

TEST(MatrixChecks, TheFirstNonFiniteEntryColumnByColumnIsNamed) {
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(3, 2);
  require_finite(X, "kmeans");  // all finite: nothing
  X(2, 0) = std::numeric_limits<double>::infinity();
  X(0, 1) = std::numeric_limits<double>::quiet_NaN();  // later in storage order than (2, 0)
  expect_user_error_naming([&] { require_finite(X, "kmeans"); }, "kmeans: X(2, 0) = inf; expected finite values");
  expect_user_error_naming([&] { require_finite(X, "trustworthiness", "X_embedded"); },
                           "trustworthiness: X_embedded(2, 0) = inf");
}

TEST(MatrixChecks, AMatrixWithoutFeaturesIsRefused) {
  require_features(Eigen::MatrixXd::Zero(4, 1), "gmm");
  expect_user_error_naming([] { require_features(Eigen::MatrixXd(4, 0), "gmm"); },
                           "gmm: X has 0 features; expected at least 1");
}

}  // namespace
}  // namespace vaesweep
