#pragma once
// External clustering quality against a reference labelling, with scikit-learn 1.2's
// semantics (natural-log entropies). Labels may be any ints (-1, 7, 1000 ...); they are
// relabelled compactly, and the contingency table is stored sparsely (O(n) memory even when
// every sample is its own cluster). truth.size() != pred.size() throws vaesweep::UserError.
//
// Sums over the table and the marginals follow sklearn's order and numpy's pairwise
// summation: results agree with sklearn 1.2.1 to a few units in the last place (AMI, whose
// expected mutual information sums many exp() terms, to about 1e-13), but where noted.
#include <vector>

namespace vaesweep::metrics {

// sklearn.metrics.adjusted_rand_score: 1.0 when no pair is split differently by the two
// labellings (this covers empty input and both-single-cluster), else the pair-counting ARI.
// Pair counts are exact integers (no overflow for any n that fits in memory).
double adjusted_rand_index(const std::vector<int>& truth, const std::vector<int>& pred);

// sklearn.metrics.normalized_mutual_info_score with average_method="arithmetic": 1.0 when both
// labellings have one cluster (or the input is empty), 0.0 when the mutual information is 0.
double normalized_mutual_info(const std::vector<int>& truth, const std::vector<int>& pred);

// sklearn.metrics.adjusted_mutual_info_score with average_method="arithmetic":
// (MI - EMI) / (mean(H_true, H_pred) - EMI), where EMI is the exact expected mutual information
// under the hypergeometric (permutation) model, summed term by term in log-gamma space as
// sklearn does. Special cases as sklearn: 1.0 when both labellings have one cluster (or the
// input is empty); 0.0 when exactly one has a single cluster; the denominator is kept at least
// machine epsilon away from 0 with its sign. One deliberate difference: when both labellings
// put every sample in its own cluster (n >= 2), MI = EMI = H exactly and the ratio is 0/0;
// sklearn returns rounding noise there (0.0 for n = 2 and 4, 1.0 for most other n), this
// returns 1.0 (the partitions are identical).
// Cost: O(n log n) plus sum over (class, cluster) pairs of min(class size, cluster size)
// exp() calls (terms of consecutive pairs with equal marginals are computed once).
double adjusted_mutual_info(const std::vector<int>& truth, const std::vector<int>& pred);

// sklearn.metrics.homogeneity_score: MI / H(truth), 1.0 when truth has one class (or the
// input is empty).
double homogeneity(const std::vector<int>& truth, const std::vector<int>& pred);

// sklearn.metrics.completeness_score: MI / H(pred), 1.0 when pred has one cluster (or the
// input is empty).
double completeness(const std::vector<int>& truth, const std::vector<int>& pred);

// sklearn.metrics.v_measure_score with beta = 1: the harmonic mean of homogeneity and
// completeness, 0.0 when both are 0 (1.0 on empty input).
double v_measure(const std::vector<int>& truth, const std::vector<int>& pred);

// sklearn.metrics.fowlkes_mallows_score: TP / sqrt((TP + FP) (TP + FN)) over sample pairs,
// 0.0 when no pair is together in both labellings (this covers empty input, one sample, and
// all singletons on either side).
double fowlkes_mallows(const std::vector<int>& truth, const std::vector<int>& pred);

// Sum over predicted clusters of the largest overlap with one true class, divided by n.
// Empty input throws vaesweep::UserError (0 / 0 has no meaning here).
double purity(const std::vector<int>& truth, const std::vector<int>& pred);

// sklearn.metrics.mutual_info_score: the mutual information of two labellings in nats (0.0
// when either has one label, or the input is empty).
double mutual_info_score(const std::vector<int>& a, const std::vector<int>& b);

// The same for labellings already coded 0..a_labels-1 and 0..b_labels-1 (codes may be unused):
// equal to mutual_info_score on them, in O(n + a_labels * b_labels) without sorting (the
// disentanglement metrics call it once per latent dimension). UserError on a code out of range.
double mutual_info_of_codes(const std::vector<int>& a, int a_labels, const std::vector<int>& b, int b_labels);

// sklearn.metrics.cluster.entropy: the entropy of a labelling in nats (0.0 with one label or
// none).
double label_entropy(const std::vector<int>& labels);

// Every score above, each equal to its function's value, from one contingency table and one
// pass of entropies (cheaper than calling the functions one by one: the table, the
// relabelling and the entropies are computed once). Empty input throws vaesweep::UserError
// (purity is undefined there).
struct ExternalScores {
  double ari = 0;
  double nmi = 0;
  double ami = 0;
  double homogeneity = 0;
  double completeness = 0;
  double v_measure = 0;
  double fowlkes_mallows = 0;
  double purity = 0;
};
ExternalScores external_scores(const std::vector<int>& truth, const std::vector<int>& pred);

}  // namespace vaesweep::metrics
