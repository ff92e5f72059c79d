#pragma once
// Disentanglement of a latent space against one discrete factor (a label set: genre,
// language, ...), and the Gaussian total correlation of the latent space. Each definition is
// disentanglement_lib's (google-research/disentanglement_lib, evaluation/metrics/) where it has
// one for discrete factors and a discretised code, with the estimator choices below so that
// the numbers are deterministic and computed the same way by tests/reference/
// make_disentanglement_reference.py (NumPy / scikit-learn):
//
// - rows: those with a label (label != params.unlabelled); the others are left out of every
//   score here. Folds: the i-th labelled row (in row order) is in fold i % params.folds.
// - MI matrix (mutual_info.py, utils.py): each latent dimension discretised into params.bins
//   equal-width bins between its min and max (np.histogram's edges, np.digitize against all but
//   the last edge: the maximum falls in the last bin; a constant dimension is one bin), then
//   sklearn.metrics.mutual_info_score(labels, bins) in nats.
// - MIG (mig.py): (largest MI - second largest MI) / H(labels), H by
//   sklearn.metrics.cluster.entropy. disentanglement_lib averages this over factors; here each
//   label set is one factor and gets its own MIG. NaN with one class or one dimension.
// - SAP, discrete factors (sap_score.py): per dimension the cross-validated accuracy of a 1-D
//   classifier on that dimension alone; SAP is the gap between the best two accuracies.
//   disentanglement_lib's classifier is a LinearSVC; here it is the nearest class mean on the
//   one value (the class whose training-fold mean is closest; ties to the lowest class), which
//   is LDA with equal priors in one dimension: deterministic, no solver tolerance.
// - DCI (dci.py): the classifier is linear discriminant analysis on the standardised latent
//   (each dimension centred and divided by its population std on the training rows; a
//   constant dimension is 0): class means mu_c, priors pi_c, pooled within-class covariance S
//   (population), B = (S + shrinkage I)^-1 [mu_c], score_c = x b_c - mu_c b_c / 2 + log pi_c
//   (scikit-learn's LinearDiscriminantAnalysis(solver="lsqr") with a small ridge on S). The
//   importance of dimension j is sum_c |B[j, c] - mean_c' B[j, c']| (the coefficients centred
//   over the classes: a vector added to every class changes no prediction), from one fit on
//   every labelled row. disentanglement_lib uses gradient-boosted trees' importances, which are
//   neither cheap nor reproducible across implementations; a least-squares (ridge) classifier
//   was tried first and dropped: with three or more classes along one dimension it masks the
//   middle classes (Hastie, Tibshirani and Friedman, ESL 2nd ed., section 4.2), so a dimension
//   that carries genre alone looked incomplete and uninformative.
//   completeness = 1 - H_d(p), p_j = importance_j / sum importance, entropy in base d (the
//   number of dimensions; NaN when d = 1 or every importance is 0);
//   informativeness = cross-validated accuracy of that classifier (refitted and
//   restandardised on each training fold; ties to the lowest class).
//   DCI disentanglement (per dimension, an entropy over factors) needs several factors: it is
//   not defined for one label set and not computed.
// - Gaussian total correlation (label-free): the total correlation of a Gaussian with the
//   latent's covariance, -1/2 log det R, R the correlation matrix of the dimensions that are
//   not constant (0 with fewer than two; +inf when R is singular). Every row is used.
#include <Eigen/Dense>
#include <cstdint>
#include <limits>
#include <vector>

namespace vaesweep::metrics {

struct DisentanglementParams {
  int bins = 20;             // equal-width bins per dimension for the MI matrix (disentanglement_lib's default)
  int folds = 5;             // cross-validation folds of SAP's and DCI's classifiers
  double lda_shrinkage = 1e-3;  // added to the diagonal of DCI's within-class covariance (standardised units)
  int unlabelled = -1;       // the label of a row without one (data::LabelSet::kUnlabelled)
};

struct FactorScores {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::int64_t rows = 0;              // labelled rows, the ones every score below uses
  int classes = 0;                    // distinct labels among them
  double entropy = kNaN;              // H(labels) in nats
  std::vector<double> mi;             // per dimension: MI(discretised dimension, labels), nats
  std::vector<double> sap_accuracy;   // per dimension: the 1-D classifier's cross-validated accuracy
  std::vector<double> importance;     // per dimension: DCI importance (sum of |centred LDA coefficients|)
  double mig = kNaN, sap = kNaN, dci_completeness = kNaN, dci_informativeness = kNaN;
};

// Every score above for the factor `labels` (one per row of Z). With no labelled row every
// value is NaN (vectors of NaN); with one class MI is 0 and the scores are NaN; SAP and
// informativeness are NaN with fewer labelled rows than folds. UserError when the sizes differ,
// Z holds a non-finite value, or a parameter is out of range (bins < 1, folds < 2, shrinkage <= 0).
FactorScores factor_scores(const Eigen::MatrixXd& Z, const std::vector<int>& labels,
                           const DisentanglementParams& params = {});

// The Gaussian total correlation of Z's columns in nats (see above). UserError on a
// non-finite value.
double gaussian_total_correlation(const Eigen::MatrixXd& Z);

// Bin numbers 1..bins of each value: np.digitize(v, np.histogram(v, bins)[1][:-1]).
std::vector<int> equal_width_bins(const Eigen::Ref<const Eigen::VectorXd>& values, int bins);

}  // namespace vaesweep::metrics
