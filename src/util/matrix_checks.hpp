#pragma once
// The input checks every algorithm on a data matrix starts with, written once, so that each
// refusal reads the same: it names the algorithm and the first offending entry.
#include <Eigen/Dense>
#include <string_view>

namespace vaesweep {

// UserError "<who>: X has 0 features; expected at least 1".
void require_features(const Eigen::MatrixXd& X, std::string_view who);

// UserError "<who>: <name>(i, j) = <value>; expected finite values" for the first entry, column
// by column (the order the matrix is stored in), that is NaN or infinite; nothing when none is.
void require_finite(const Eigen::MatrixXd& M, std::string_view who, std::string_view name = "X");

}  // namespace vaesweep
