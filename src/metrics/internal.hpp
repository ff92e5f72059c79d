#pragma once
// Internal (label-free) clustering quality, with scikit-learn 1.2's semantics so that numbers
// are comparable with the notebooks users come from. Evaluation integrity: callers pass the
// space that was clustered and remove DBSCAN-style noise beforehand; -1 is an ordinary label.
//
// Shared input rules (sklearn's check_number_of_labels and check_X_y): X is n x d with finite
// entries, labels.size() == n, and the number of distinct labels is in [2, n - 1]; anything
// else throws vaesweep::UserError.
#include <Eigen/Dense>
#include <vector>

namespace vaesweep::metrics {

// Mean silhouette coefficient (euclidean), as sklearn.metrics.silhouette_score: points in
// singleton clusters score 0, and a point with a == b == 0 scores 0. Memory is O(n * L + tile)
// for L clusters: distances are computed tile by tile, never as an n x n matrix.
double silhouette(const Eigen::MatrixXd& X, const std::vector<int>& labels);

// Every pairwise distance of X's rows, kept: n x n doubles. The sweep no longer uses it
// (silhouettes() below gives the same values from one pass, in linear memory); it stays as the
// reference those values are checked against (tests, bench/bench_unit_eval.cpp).
class PairwiseDistances {
 public:
  // UserError for a non-finite X or one without columns.
  explicit PairwiseDistances(const Eigen::MatrixXd& X);
  Eigen::Index size() const { return D_.rows(); }
  double operator()(Eigen::Index i, Eigen::Index j) const { return D_(i, j); }

 private:
  Eigen::MatrixXd D_;
};

// The silhouette of `labels` given to the points `rows` (labels[i] is row rows[i]'s; the other
// points take no part, as DBSCAN noise): silhouette(X(rows, :), labels) to rounding (the
// distances are computed once, with X centred on all its rows), with the same input rules.
double silhouette(const PairwiseDistances& D, const std::vector<std::size_t>& rows, const std::vector<int>& labels);

// Some of X's rows and their labels: one partition of a space, DBSCAN noise left out.
struct RowLabels {
  std::vector<std::size_t> rows;  // increasing
  std::vector<int> labels;        // labels[i] is row rows[i]'s
};

// The silhouettes of several partitions of one space (a sweep unit scores each method and k in
// the space it clustered), from one pass over the pairwise distances: each distance is computed
// once for all partitions and never stored, so memory is O(n * (clusters of all partitions) +
// tile). Each value is silhouette(PairwiseDistances(X), rows, labels) bit for bit (the same
// tiles, the same order of summation); input rules as that function's, rows increasing.
std::vector<double> silhouettes(const Eigen::MatrixXd& X, const std::vector<RowLabels>& partitions);

// Calinski-Harabasz index, as sklearn.metrics.calinski_harabasz_score (1.0 when the
// within-cluster dispersion is exactly 0).
double calinski_harabasz(const Eigen::MatrixXd& X, const std::vector<int>& labels);

// Davies-Bouldin index, as sklearn.metrics.davies_bouldin_score: 0 when all intra-cluster
// distances or all centroid distances are within 1e-8 of 0; a zero centroid distance between
// two clusters makes their ratio 0.
double davies_bouldin(const Eigen::MatrixXd& X, const std::vector<int>& labels);

}  // namespace vaesweep::metrics
