#include "metrics/trustworthiness.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/matrix_checks.hpp"
#include "neighbours/exact_knn.hpp"

namespace vaesweep::metrics {
namespace {

using Eigen::Index;

void validate(const Eigen::MatrixXd& X, const Eigen::MatrixXd& E, int k) {
  const Index n = X.rows();
  if (n == 0) throw UserError("trustworthiness: X has 0 samples; expected at least 1");
  if (E.rows() != n)
    throw UserError("trustworthiness: X_embedded has " + std::to_string(E.rows()) +
                    " samples; expected as many as X (" + std::to_string(n) + ")");
  require_features(X, "trustworthiness");
  if (E.cols() < 1) throw UserError("trustworthiness: X_embedded has 0 dimensions; expected at least 1");
  // sklearn: n_neighbors >= n_samples / 2 is an error (in real arithmetic: 2k >= n).
  if (k < 1 || 2 * static_cast<std::int64_t>(k) >= n)
    throw UserError("trustworthiness: n_neighbors = " + std::to_string(k) +
                    "; expected 1 <= n_neighbors < n_samples / 2 = " + std::to_string(static_cast<double>(n) / 2.0));
  require_finite(X, "trustworthiness", "X");
  require_finite(E, "trustworthiness", "X_embedded");
}

}  // namespace

double trustworthiness(const Eigen::MatrixXd& X, const Eigen::MatrixXd& X_embedded, int n_neighbors) {
  validate(X, X_embedded, n_neighbors);
  const Index n = X.rows();
  const auto kk = static_cast<std::size_t>(n_neighbors);
  // The embedded neighbours, nearest first, lower index first on equal distances.
  const std::vector<int> nn = neighbours::nearest_others(X_embedded, n_neighbors, "trustworthiness").index;

  // Distances are differences of coordinates (not |x|^2 + |y|^2 - 2 x.y), so centring is not
  // needed for accuracy; ranks only compare squared distances (sqrt is monotone).
  const Eigen::MatrixXd XT = X.transpose();  // d x n: one sample per column
  Eigen::VectorXd row(n);
  std::vector<std::pair<double, Index>> cand;  // samples no farther than the farthest neighbour
  std::int64_t penalty = 0;
  for (Index i = 0; i < n; ++i) {
    const auto xi = XT.col(i);
    for (Index l = 0; l < n; ++l) row(l) = (XT.col(l) - xi).squaredNorm();
    row(i) = std::numeric_limits<double>::infinity();  // as sklearn's fill_diagonal(inf)
    const int* nbr = &nn[static_cast<std::size_t>(i) * kk];
    double dmax = 0;
    for (std::size_t r = 0; r < kk; ++r) dmax = std::max(dmax, row(nbr[r]));
    // Only samples at distance <= dmax can rank before a neighbour: one pass collects them.
    cand.clear();
    for (Index l = 0; l < n; ++l)
      if (row(l) <= dmax) cand.emplace_back(row(l), l);
    for (std::size_t r = 0; r < kk; ++r) {
      const Index j = nbr[r];
      const double dj = row(j);
      std::int64_t rank = 1;  // 1 + #(closer) + #(as close, lower index)
      for (const auto& [d, l] : cand) rank += (d < dj) || (d == dj && l < j);
      if (rank > n_neighbors) penalty += rank - n_neighbors;
    }
  }
  // The same operations as sklearn, in the same order, on the exact integer sum.
  const double nk = static_cast<double>(static_cast<std::int64_t>(n) * n_neighbors);
  const double scale = 2.0 / (nk * (2.0 * static_cast<double>(n) - 3.0 * n_neighbors - 1.0));
  return 1.0 - static_cast<double>(penalty) * scale;
}

}  // namespace vaesweep::metrics
