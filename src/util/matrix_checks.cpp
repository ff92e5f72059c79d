#include "util/matrix_checks.hpp"

#include <cmath>
#include <string>

#include "util/error.hpp"

namespace vaesweep {

void require_features(const Eigen::MatrixXd& X, std::string_view who) {
  if (X.cols() < 1) throw UserError(std::string(who) + ": X has 0 features; expected at least 1");
}

void require_finite(const Eigen::MatrixXd& M, std::string_view who, std::string_view name) {
  if (M.allFinite()) return;  // the common case: one vectorised pass, no index bookkeeping
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i)
      if (!std::isfinite(M(i, j)))
        throw UserError(std::string(who) + ": " + std::string(name) + "(" + std::to_string(i) + ", " +
                        std::to_string(j) + ") = " + std::to_string(M(i, j)) + "; expected finite values");
}

}  // namespace vaesweep
