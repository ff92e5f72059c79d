#include "metrics/disentanglement.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "util/error.hpp"
#include "metrics/external.hpp"
#include "metrics/label_codes.hpp"

namespace vaesweep::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_finite(const Eigen::MatrixXd& Z, const char* who) {
  if (!Z.allFinite()) throw UserError(std::string(who) + ": the latent space holds a NaN or infinite value");
}

// The gap between the largest and the second largest value (NaN with fewer than two).
double top_two_gap(std::vector<double> values) {
  if (values.size() < 2) return kNaN;
  std::partial_sort(values.begin(), values.begin() + 2, values.end(), std::greater<>());
  return values[0] - values[1];
}

// Rows of Z selected by `rows`, each column standardised on those rows: centred and divided
// by the population std; a constant column (max == min) becomes exactly 0 (sklearn's
// StandardScaler keeps a scale of 1 there; the centred values are 0 up to the mean's rounding).
struct Standardiser {
  Eigen::RowVectorXd mean, scale;
  std::vector<bool> constant;

  Standardiser(const Eigen::MatrixXd& Z, const std::vector<Eigen::Index>& rows) {
    const Eigen::Index d = Z.cols();
    mean = Eigen::RowVectorXd::Zero(d), scale = Eigen::RowVectorXd::Ones(d);
    constant.assign(static_cast<std::size_t>(d), true);
    const double n = static_cast<double>(rows.size());
    for (Eigen::Index j = 0; j < d; ++j) {
      double sum = 0, lo = Z(rows.front(), j), hi = lo;
      for (Eigen::Index r : rows) {
        sum += Z(r, j);
        lo = std::min(lo, Z(r, j)), hi = std::max(hi, Z(r, j));
      }
      mean(j) = sum / n;
      if (lo == hi) continue;
      constant[static_cast<std::size_t>(j)] = false;
      double squares = 0;
      for (Eigen::Index r : rows) squares += (Z(r, j) - mean(j)) * (Z(r, j) - mean(j));
      scale(j) = std::sqrt(squares / n);
    }
  }

  Eigen::MatrixXd apply(const Eigen::MatrixXd& Z, const std::vector<Eigen::Index>& rows) const {
    Eigen::MatrixXd X(static_cast<Eigen::Index>(rows.size()), Z.cols());
    for (Eigen::Index j = 0; j < Z.cols(); ++j)
      for (std::size_t i = 0; i < rows.size(); ++i)
        X(static_cast<Eigen::Index>(i), j) =
            constant[static_cast<std::size_t>(j)] ? 0.0 : (Z(rows[i], j) - mean(j)) / scale(j);
    return X;
  }
};

// DCI's classifier, linear discriminant analysis on the rows `train` of Z with class codes
// `code` (0..K-1): on the standardised latent, class means mu_c, priors pi_c (shares of the
// training rows), the pooled within-class covariance S = sum_c pi_c Cov_c (population
// covariances), B = (S + shrinkage I)^-1 [mu_0 ... mu_K-1], score_c(x) = x b_c - mu_c b_c / 2 +
// log pi_c (scikit-learn's LinearDiscriminantAnalysis(solver="lsqr") with S shrunk by a small
// ridge, which keeps constant and collinear dimensions solvable). Classes absent from `train`
// are never predicted.
struct Lda {
  Standardiser standardiser;
  Eigen::MatrixXd B;          // d x K
  Eigen::RowVectorXd offset;  // per class: -mu_c b_c / 2 + log pi_c; -inf for an absent class

  Lda(const Eigen::MatrixXd& Z, const std::vector<Eigen::Index>& train, const std::vector<int>& code, int K,
      double shrinkage)
      : standardiser(Z, train) {
    Eigen::MatrixXd X = standardiser.apply(Z, train);
    const Eigen::Index d = X.cols();
    Eigen::MatrixXd means = Eigen::MatrixXd::Zero(d, K);
    std::vector<std::int64_t> count(static_cast<std::size_t>(K), 0);
    for (std::size_t i = 0; i < train.size(); ++i) {
      const int c = code[static_cast<std::size_t>(train[i])];
      means.col(c) += X.row(static_cast<Eigen::Index>(i)).transpose();
      ++count[static_cast<std::size_t>(c)];
    }
    for (int c = 0; c < K; ++c)
      if (count[static_cast<std::size_t>(c)] > 0) means.col(c) /= static_cast<double>(count[static_cast<std::size_t>(c)]);
    for (std::size_t i = 0; i < train.size(); ++i)
      X.row(static_cast<Eigen::Index>(i)) -= means.col(code[static_cast<std::size_t>(train[i])]).transpose();
    Eigen::MatrixXd within = X.transpose() * X / static_cast<double>(train.size());
    within.diagonal().array() += shrinkage;
    B = within.ldlt().solve(means);
    offset.resize(K);
    for (int c = 0; c < K; ++c) {
      const auto n_c = count[static_cast<std::size_t>(c)];
      offset(c) = n_c == 0 ? -std::numeric_limits<double>::infinity()
                           : -0.5 * means.col(c).dot(B.col(c)) +
                                 std::log(static_cast<double>(n_c) / static_cast<double>(train.size()));
    }
  }

  // The class of highest score, ties to the lowest.
  int predict(const Eigen::MatrixXd& Z, Eigen::Index row) const {
    Eigen::RowVectorXd x(Z.cols());
    for (Eigen::Index j = 0; j < Z.cols(); ++j)
      x(j) = standardiser.constant[static_cast<std::size_t>(j)] ? 0.0 : (Z(row, j) - standardiser.mean(j)) / standardiser.scale(j);
    const Eigen::RowVectorXd scores = x * B + offset;
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < scores.size(); ++c)
      if (scores(c) > scores(best)) best = c;
    return static_cast<int>(best);
  }
};

// The nearest-class-mean classifier on dimension j (SAP), fitted on `train`: the class whose
// mean is closest to the value, ties to the lowest class; classes absent from `train` are
// never predicted.
struct NearestMean1d {
  std::vector<double> mean;  // NaN for a class absent from the training rows

  NearestMean1d(const Eigen::MatrixXd& Z, Eigen::Index j, const std::vector<Eigen::Index>& train,
                const std::vector<int>& code, int K) {
    std::vector<double> sum(static_cast<std::size_t>(K), 0.0);
    std::vector<std::int64_t> count(static_cast<std::size_t>(K), 0);
    for (Eigen::Index r : train) {
      sum[static_cast<std::size_t>(code[static_cast<std::size_t>(r)])] += Z(r, j);
      ++count[static_cast<std::size_t>(code[static_cast<std::size_t>(r)])];
    }
    mean.assign(static_cast<std::size_t>(K), kNaN);
    for (std::size_t c = 0; c < mean.size(); ++c)
      if (count[c] > 0) mean[c] = sum[c] / static_cast<double>(count[c]);
  }

  int predict(double value) const {
    int best = -1;
    double best_distance = 0;
    for (std::size_t c = 0; c < mean.size(); ++c) {
      if (std::isnan(mean[c])) continue;
      const double distance = std::abs(value - mean[c]);
      if (best < 0 || distance < best_distance) best = static_cast<int>(c), best_distance = distance;
    }
    return best;
  }
};

// Cross-validated accuracy over `labelled` (row indices of Z, in order): the i-th is in fold
// i % folds; `fit(train)` returns a predictor of one row.
template <typename Fit>
double cross_validated_accuracy(const std::vector<Eigen::Index>& labelled, const std::vector<int>& code, int folds,
                                Fit fit) {
  std::int64_t correct = 0;
  for (int f = 0; f < folds; ++f) {
    std::vector<Eigen::Index> train, test;
    for (std::size_t i = 0; i < labelled.size(); ++i)
      (static_cast<int>(i % static_cast<std::size_t>(folds)) == f ? test : train).push_back(labelled[i]);
    const auto predict = fit(train);
    for (Eigen::Index r : test) correct += predict(r) == code[static_cast<std::size_t>(r)];
  }
  return static_cast<double>(correct) / static_cast<double>(labelled.size());
}

}  // namespace

std::vector<int> equal_width_bins(const Eigen::Ref<const Eigen::VectorXd>& values, int bins) {
  if (bins < 1) throw UserError("equal_width_bins: bins must be at least 1, got " + std::to_string(bins));
  std::vector<int> out(static_cast<std::size_t>(values.size()), 1);
  if (values.size() == 0) return out;
  double lo = values.minCoeff(), hi = values.maxCoeff();
  // np.histogram widens a zero range to [lo - 0.5, hi + 0.5]: every value in the first bin.
  if (lo == hi) return out;
  // np.linspace(lo, hi, bins + 1) as numpy computes it: i * step + lo, step = (hi - lo) / bins.
  const double step = (hi - lo) / static_cast<double>(bins);
  std::vector<double> edges(static_cast<std::size_t>(bins));  // all but the last edge
  for (int i = 0; i < bins; ++i) edges[static_cast<std::size_t>(i)] = static_cast<double>(i) * step + lo;
  for (Eigen::Index r = 0; r < values.size(); ++r)
    out[static_cast<std::size_t>(r)] =
        static_cast<int>(std::upper_bound(edges.begin(), edges.end(), values(r)) - edges.begin());
  return out;
}

FactorScores factor_scores(const Eigen::MatrixXd& Z, const std::vector<int>& labels, const DisentanglementParams& p) {
  if (static_cast<std::size_t>(Z.rows()) != labels.size())
    throw UserError("disentanglement: the latent space has " + std::to_string(Z.rows()) + " rows but " +
                    std::to_string(labels.size()) + " labels; expected equal sizes");
  if (p.bins < 1 || p.folds < 2 || !(p.lda_shrinkage > 0))
    throw UserError("disentanglement: expected bins >= 1, folds >= 2 and lda_shrinkage > 0, got " +
                    std::to_string(p.bins) + ", " + std::to_string(p.folds) + ", " + std::to_string(p.lda_shrinkage));
  check_finite(Z, "disentanglement");
  const Eigen::Index d = Z.cols();
  const auto dims = static_cast<std::size_t>(d);
  FactorScores s;
  s.mi.assign(dims, kNaN), s.sap_accuracy.assign(dims, kNaN), s.importance.assign(dims, kNaN);

  std::vector<Eigen::Index> labelled;
  std::vector<int> kept;
  for (std::size_t r = 0; r < labels.size(); ++r)
    if (labels[r] != p.unlabelled) labelled.push_back(static_cast<Eigen::Index>(r)), kept.push_back(labels[r]);
  s.rows = static_cast<std::int64_t>(labelled.size());
  if (labelled.empty()) return s;
  const LabelCodes codes = encode_label_codes(kept);
  s.classes = codes.n_labels;
  // Class codes per row of Z (unlabelled rows keep -1 and are never looked up).
  std::vector<int> code(labels.size(), -1);
  for (std::size_t i = 0; i < labelled.size(); ++i) code[static_cast<std::size_t>(labelled[i])] = codes.code[i];

  const Eigen::MatrixXd Zl = Z(labelled, Eigen::all);
  s.entropy = label_entropy(kept);
  for (Eigen::Index j = 0; j < d; ++j) {
    std::vector<int> bins = equal_width_bins(Zl.col(j), p.bins);
    for (int& b : bins) --b;  // 1..bins -> codes 0..bins-1
    s.mi[static_cast<std::size_t>(j)] = mutual_info_of_codes(codes.code, s.classes, bins, p.bins);
  }
  if (s.classes < 2) return s;  // nothing to predict or to explain: the scores are undefined

  if (d >= 2) s.mig = top_two_gap(s.mi) / s.entropy;

  // DCI importance: one discriminant fitted on every labelled row. Adding one vector to every
  // class's coefficients changes no prediction, so they are centred over the classes first.
  const Lda all(Z, labelled, code, s.classes, p.lda_shrinkage);
  const Eigen::MatrixXd centred = all.B.colwise() - all.B.rowwise().mean();
  const Eigen::VectorXd importance = centred.cwiseAbs().rowwise().sum();
  for (std::size_t j = 0; j < dims; ++j) s.importance[j] = importance(static_cast<Eigen::Index>(j));
  const double total = importance.sum();
  if (d >= 2 && total > 0) {
    double h = 0;
    for (Eigen::Index j = 0; j < d; ++j)
      if (importance(j) > 0) h -= importance(j) / total * std::log(importance(j) / total);
    s.dci_completeness = 1.0 - h / std::log(static_cast<double>(d));
  }

  if (labelled.size() < static_cast<std::size_t>(p.folds)) return s;
  s.dci_informativeness = cross_validated_accuracy(labelled, code, p.folds, [&](const std::vector<Eigen::Index>& train) {
    return [lda = Lda(Z, train, code, s.classes, p.lda_shrinkage), &Z](Eigen::Index r) { return lda.predict(Z, r); };
  });
  for (Eigen::Index j = 0; j < d; ++j)
    s.sap_accuracy[static_cast<std::size_t>(j)] =
        cross_validated_accuracy(labelled, code, p.folds, [&](const std::vector<Eigen::Index>& train) {
          return [m = NearestMean1d(Z, j, train, code, s.classes), &Z, j](Eigen::Index r) { return m.predict(Z(r, j)); };
        });
  if (d >= 2) s.sap = top_two_gap(s.sap_accuracy);
  return s;
}

double gaussian_total_correlation(const Eigen::MatrixXd& Z) {
  check_finite(Z, "total correlation");
  std::vector<Eigen::Index> varying;
  for (Eigen::Index j = 0; j < Z.cols(); ++j)
    if (Z.rows() > 0 && Z.col(j).minCoeff() != Z.col(j).maxCoeff()) varying.push_back(j);
  if (varying.size() < 2) return 0.0;
  const Eigen::MatrixXd X = Z(Eigen::all, varying);
  const Eigen::MatrixXd centred = X.rowwise() - X.colwise().mean();
  const Eigen::MatrixXd covariance = centred.transpose() * centred;
  const Eigen::VectorXd inv_sd = covariance.diagonal().cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd correlation = inv_sd.asDiagonal() * covariance * inv_sd.asDiagonal();
  const Eigen::LLT<Eigen::MatrixXd> llt(correlation);
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  const double log_det = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
  return -0.5 * log_det;
}

}  // namespace vaesweep::metrics
