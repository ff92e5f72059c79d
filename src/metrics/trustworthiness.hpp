#pragma once
// Trustworthiness of an embedding (Venna & Kaski 2001), with scikit-learn 1.2's numbers:
// sklearn.manifold.trustworthiness(X, X_embedded, n_neighbors, metric="euclidean").
//
//   T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in N_k(i)} max(0, r(i, j) - k)
//
// where N_k(i) are the k nearest neighbours of sample i in the embedding (i itself excluded)
// and r(i, j) is the rank of j among the distances from i in the original space (1 = nearest).
#include <Eigen/Dense>

namespace vaesweep::metrics {

// X is n x d (the original space), X_embedded is n x c (the embedding); both finite, with the
// same number of rows, n >= 1, d >= 1, c >= 1, and 1 <= n_neighbors < n / 2 (sklearn's check:
// above that the value may leave [0, 1]). Anything else throws vaesweep::UserError.
//
// Memory is O(n (d + c + k)): the original-space distances are computed one row at a time and
// never stored as an n x n matrix; time is O(n^2 (d + c)).
//
// Ties. Embedded neighbours come from neighbours::nearest_others: at equal distance lower index
// first. Exact ties among one row's original-space distances (e.g. integer-valued features) are
// ranked lower index first, as np.argsort(kind="stable") would; sklearn uses numpy's default (unstable) argsort
// there, so with such ties its value can differ from this one by a few rank steps of
// 2 / (n k (2n - 3k - 1)) each. Without ties the two agree exactly.
double trustworthiness(const Eigen::MatrixXd& X, const Eigen::MatrixXd& X_embedded, int n_neighbors = 5);

}  // namespace vaesweep::metrics
