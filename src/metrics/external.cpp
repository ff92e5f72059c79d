#include "metrics/external.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "util/error.hpp"
#include "metrics/label_codes.hpp"

namespace vaesweep::metrics {
namespace {

// Exact pair counts: n^2 products overflow 64 bits from n ~ 55k (sklearn uses Python ints).
__extension__ typedef __int128 i128;

constexpr double kEps = std::numeric_limits<double>::epsilon();

// Sparse contingency table: only the non-zero cells, in column-major order (by predicted
// cluster, then true class), the order in which scipy.sparse.find returns sklearn's table, so
// that sums over cells are done in sklearn's order. Memory is O(n) however many clusters there
// are.
struct Contingency {
  struct Cell {
    int row;
    int col;
    std::int64_t count;
  };
  std::vector<Cell> cells;
  std::vector<std::int64_t> row_sum;  // per true class, in sorted label order
  std::vector<std::int64_t> col_sum;  // per predicted cluster, in sorted label order
  std::int64_t n = 0;
};

Contingency contingency(const std::vector<int>& truth, const std::vector<int>& pred, const char* who) {
  if (truth.size() != pred.size())
    throw UserError(std::string(who) + ": truth has " + std::to_string(truth.size()) +
                    " labels but pred has " + std::to_string(pred.size()) + "; expected equal sizes");
  const LabelCodes truth_codes = encode_label_codes(truth);
  const LabelCodes pred_codes = encode_label_codes(pred);
  const int R = truth_codes.n_labels;
  const std::vector<int>& t = truth_codes.code;
  const std::vector<int>& p = pred_codes.code;

  std::vector<std::int64_t> keys(truth.size());
  for (std::size_t i = 0; i < keys.size(); ++i)
    keys[i] = static_cast<std::int64_t>(p[i]) * R + t[i];
  std::sort(keys.begin(), keys.end());

  Contingency c;
  c.n = static_cast<std::int64_t>(truth.size());
  c.row_sum = truth_codes.count;
  c.col_sum = pred_codes.count;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    c.cells.push_back({static_cast<int>(keys[i] % R), static_cast<int>(keys[i] / R),
                       static_cast<std::int64_t>(j - i)});
    i = j;
  }
  return c;
}

// numpy's pairwise summation (np.sum / np.add.reduce over a contiguous float64 array): blocks
// of up to 128 summed with 8 interleaved accumulators, larger arrays split in halves.
double numpy_sum(const double* a, std::size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (std::size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t k = 0; k < 8; ++k) r[k] = a[k];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (std::size_t k = 0; k < 8; ++k) r[k] += a[i + k];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return numpy_sum(a, n2) + numpy_sum(a + n2, n - n2);
}

double numpy_sum(const std::vector<double>& v) { return numpy_sum(v.data(), v.size()); }

// sklearn.metrics.cluster.entropy on the label counts (sorted label order).
double entropy(const std::vector<std::int64_t>& counts, std::int64_t n) {
  if (counts.size() <= 1) return 0.0;
  const double nd = static_cast<double>(n);
  const double log_n = std::log(nd);
  std::vector<double> terms(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double kd = static_cast<double>(counts[i]);
    terms[i] = (kd / nd) * (std::log(kd) - log_n);
  }
  return -numpy_sum(terms);
}

// sklearn.metrics.mutual_info_score on the sparse table.
double mutual_info(const Contingency& c) {
  if (c.row_sum.size() <= 1 || c.col_sum.size() <= 1) return 0.0;
  const double n = static_cast<double>(c.n);
  const double log_n = std::log(n);
  std::vector<double> terms(c.cells.size());
  for (std::size_t k = 0; k < c.cells.size(); ++k) {
    const auto& cell = c.cells[k];
    const double v = static_cast<double>(cell.count);
    const double p = v / n;
    const std::int64_t outer =
        c.row_sum[static_cast<std::size_t>(cell.row)] * c.col_sum[static_cast<std::size_t>(cell.col)];
    const double log_outer = -std::log(static_cast<double>(outer)) + log_n + log_n;
    const double term = p * (std::log(v) - log_n) + p * log_outer;
    terms[k] = std::abs(term) < kEps ? 0.0 : term;  // sklearn zeroes terms below epsilon
  }
  return std::max(numpy_sum(terms), 0.0);
}

double log_gamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);  // reentrant: std::lgamma writes the global signgam
}

// sklearn's expected_mutual_information (sklearn/metrics/cluster/_expected_mutual_info_fast):
// the same terms in the same order, with log-gamma values of integers from a table.
double expected_mutual_info(const Contingency& c) {
  const std::vector<std::int64_t>& a = c.row_sum;
  const std::vector<std::int64_t>& b = c.col_sum;
  if (a.size() <= 1 || b.size() <= 1) return 0.0;
  const std::int64_t n = c.n;
  const double N = static_cast<double>(n);
  const std::int64_t max_ab =
      std::max(*std::max_element(a.begin(), a.end()), *std::max_element(b.begin(), b.end()));

  std::vector<double> lg(static_cast<std::size_t>(n) + 2);  // lg[x] = lgamma(x)
  for (std::size_t x = 1; x < lg.size(); ++x) lg[x] = log_gamma(static_cast<double>(x));
  std::vector<double> term1(static_cast<std::size_t>(max_ab) + 1);
  std::vector<double> log_Nnij(term1.size());
  const double log_N = std::log(N);
  for (std::size_t k = 0; k < term1.size(); ++k) {
    const double nij = k == 0 ? 1.0 : static_cast<double>(k);
    term1[k] = nij / N;
    log_Nnij[k] = log_N + std::log(nij);
  }
  const double gln_N = lg[static_cast<std::size_t>(n) + 1];
  auto L = [&](std::int64_t x) { return lg[static_cast<std::size_t>(x)]; };

  double emi = 0.0;
  std::vector<double> terms;  // the terms of the last (a_i, b_j) pair, reused while it repeats
  std::int64_t cached_a = -1;
  std::int64_t cached_b = -1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::int64_t ai = a[i];
    const double log_a = std::log(static_cast<double>(ai));
    const double gln_a = L(ai + 1);
    const double gln_Na = L(n - ai + 1);
    for (std::size_t j = 0; j < b.size(); ++j) {
      const std::int64_t bj = b[j];
      if (ai != cached_a || bj != cached_b) {
        const double log_b = std::log(static_cast<double>(bj));
        const double gln_b = L(bj + 1);
        const double gln_Nb = L(n - bj + 1);
        const std::int64_t start = std::max<std::int64_t>(ai + bj - n, 1);
        const std::int64_t end = std::min(ai, bj) + 1;
        terms.clear();
        for (std::int64_t nij = start; nij < end; ++nij) {
          const auto k = static_cast<std::size_t>(nij);
          const double term2 = log_Nnij[k] - log_a - log_b;
          const double gln = gln_a + gln_b + gln_Na + gln_Nb - gln_N - L(nij + 1) - L(ai - nij + 1) -
                             L(bj - nij + 1) - L(n - ai - bj + nij + 1);
          const double term3 = std::exp(gln);
          terms.push_back(term1[k] * term2 * term3);
        }
        cached_a = ai;
        cached_b = bj;
      }
      for (double t : terms) emi += t;
    }
  }
  return emi;
}

double ari_of(const Contingency& c) {
  // sklearn's pair_confusion_matrix, in exact integers.
  i128 sum_squares = 0;
  i128 same_pred = 0;   // sum_ij n_ij * (size of predicted cluster j)
  i128 same_truth = 0;  // sum_ij n_ij * (size of true class i)
  for (const auto& cell : c.cells) {
    const i128 v = cell.count;
    sum_squares += v * v;
    same_pred += v * c.col_sum[static_cast<std::size_t>(cell.col)];
    same_truth += v * c.row_sum[static_cast<std::size_t>(cell.row)];
  }
  const i128 n = c.n;
  const i128 tp = sum_squares - n;
  const i128 fp = same_pred - sum_squares;
  const i128 fn = same_truth - sum_squares;
  const i128 tn = n * n - fp - fn - sum_squares;
  if (fn == 0 && fp == 0) return 1.0;  // empty input or identical partitions
  const i128 num = tp * tn - fn * fp;
  const i128 den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  // Same rounding steps as Python's 2.0 * int / int.
  return 2.0 * static_cast<double>(num) / static_cast<double>(den);
}

double nmi_of(const Contingency& c, double mi, double h_true, double h_pred) {
  const std::size_t R = c.row_sum.size();
  const std::size_t K = c.col_sum.size();
  // Both labellings unsplit (or empty): a perfect match by sklearn's convention.
  if (R == K && R <= 1) return 1.0;
  // A single cluster on one side has zero entropy, so MI = 0 and so is NMI.
  if (R == 1 || K == 1) return 0.0;
  if (mi == 0.0) return 0.0;
  return mi / ((h_true + h_pred) / 2.0);
}

double ami_of(const Contingency& c, double mi, double h_true, double h_pred) {
  const std::size_t R = c.row_sum.size();
  const std::size_t K = c.col_sum.size();
  if (R == K && R <= 1) return 1.0;
  // Every sample alone on both sides: identical partitions with MI = EMI = H (0 / 0); see the
  // header for sklearn's rounding-dependent value.
  if (R == K && static_cast<std::int64_t>(R) == c.n) return 1.0;
  const double emi = expected_mutual_info(c);
  const double normalizer = (h_true + h_pred) / 2.0;
  double denominator = normalizer - emi;
  if (denominator < 0)
    denominator = std::min(denominator, -kEps);
  else
    denominator = std::max(denominator, kEps);
  return (mi - emi) / denominator;
}

struct Hcv {
  double h, c, v;
};

Hcv hcv_of(const Contingency& c, double mi, double h_true, double h_pred) {
  if (c.n == 0) return {1.0, 1.0, 1.0};
  const double hom = h_true != 0.0 ? mi / h_true : 1.0;
  const double com = h_pred != 0.0 ? mi / h_pred : 1.0;
  const double beta = 1.0;
  const double v = hom + com == 0.0 ? 0.0 : (1 + beta) * hom * com / (beta * hom + com);
  return {hom, com, v};
}

double fmi_of(const Contingency& c) {
  i128 tk = -static_cast<i128>(c.n);
  for (const auto& cell : c.cells) tk += static_cast<i128>(cell.count) * cell.count;
  if (tk == 0) return 0.0;
  i128 pk = -static_cast<i128>(c.n);
  for (std::int64_t s : c.col_sum) pk += static_cast<i128>(s) * s;
  i128 qk = -static_cast<i128>(c.n);
  for (std::int64_t s : c.row_sum) qk += static_cast<i128>(s) * s;
  const double t = static_cast<double>(tk);
  return std::sqrt(t / static_cast<double>(pk)) * std::sqrt(t / static_cast<double>(qk));
}

double purity_of(const Contingency& c) {
  std::vector<std::int64_t> best(c.col_sum.size(), 0);
  for (const auto& cell : c.cells) {
    auto& b = best[static_cast<std::size_t>(cell.col)];
    b = std::max(b, cell.count);
  }
  std::int64_t hits = 0;
  for (std::int64_t b : best) hits += b;
  return static_cast<double>(hits) / static_cast<double>(c.n);
}

}  // namespace

double mutual_info_score(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.empty()) return 0.0;
  return mutual_info(contingency(a, b, "mutual_info_score"));
}

double mutual_info_of_codes(const std::vector<int>& a, int a_labels, const std::vector<int>& b, int b_labels) {
  if (a.size() != b.size())
    throw UserError("mutual_info_of_codes: " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                    " labels; expected equal sizes");
  if (a.empty()) return 0.0;
  const auto A = static_cast<std::size_t>(a_labels), B = static_cast<std::size_t>(b_labels);
  std::vector<std::int64_t> dense(A * B, 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] < 0 || a[i] >= a_labels || b[i] < 0 || b[i] >= b_labels)
      throw UserError("mutual_info_of_codes: a code out of range at " + std::to_string(i));
    ++dense[static_cast<std::size_t>(b[i]) * A + static_cast<std::size_t>(a[i])];
  }
  // The table contingency() builds from the same labels: only the codes in use, renumbered in
  // order, and the non-empty cells by b (column) then a (row): the order sklearn sums in.
  std::vector<std::int64_t> a_count(A, 0), b_count(B, 0);
  for (std::size_t bj = 0; bj < B; ++bj)
    for (std::size_t ai = 0; ai < A; ++ai) a_count[ai] += dense[bj * A + ai], b_count[bj] += dense[bj * A + ai];
  std::vector<int> a_index(A, -1), b_index(B, -1);
  Contingency c;
  c.n = static_cast<std::int64_t>(a.size());
  for (std::size_t ai = 0; ai < A; ++ai)
    if (a_count[ai] > 0) a_index[ai] = static_cast<int>(c.row_sum.size()), c.row_sum.push_back(a_count[ai]);
  for (std::size_t bj = 0; bj < B; ++bj)
    if (b_count[bj] > 0) b_index[bj] = static_cast<int>(c.col_sum.size()), c.col_sum.push_back(b_count[bj]);
  for (std::size_t bj = 0; bj < B; ++bj)
    for (std::size_t ai = 0; ai < A; ++ai)
      if (const std::int64_t count = dense[bj * A + ai]; count > 0) c.cells.push_back({a_index[ai], b_index[bj], count});
  return mutual_info(c);
}

double label_entropy(const std::vector<int>& labels) {
  if (labels.empty()) return 0.0;
  const LabelCodes codes = encode_label_codes(labels);
  return entropy(codes.count, static_cast<std::int64_t>(labels.size()));
}

double adjusted_rand_index(const std::vector<int>& truth, const std::vector<int>& pred) {
  return ari_of(contingency(truth, pred, "adjusted_rand_index"));
}

double normalized_mutual_info(const std::vector<int>& truth, const std::vector<int>& pred) {
  const Contingency c = contingency(truth, pred, "normalized_mutual_info");
  if (c.row_sum.size() <= 1 || c.col_sum.size() <= 1) return nmi_of(c, 0.0, 0.0, 0.0);
  const double mi = mutual_info(c);
  if (mi == 0.0) return 0.0;
  return nmi_of(c, mi, entropy(c.row_sum, c.n), entropy(c.col_sum, c.n));
}

double adjusted_mutual_info(const std::vector<int>& truth, const std::vector<int>& pred) {
  const Contingency c = contingency(truth, pred, "adjusted_mutual_info");
  return ami_of(c, mutual_info(c), entropy(c.row_sum, c.n), entropy(c.col_sum, c.n));
}

double homogeneity(const std::vector<int>& truth, const std::vector<int>& pred) {
  const Contingency c = contingency(truth, pred, "homogeneity");
  return hcv_of(c, mutual_info(c), entropy(c.row_sum, c.n), entropy(c.col_sum, c.n)).h;
}

double completeness(const std::vector<int>& truth, const std::vector<int>& pred) {
  const Contingency c = contingency(truth, pred, "completeness");
  return hcv_of(c, mutual_info(c), entropy(c.row_sum, c.n), entropy(c.col_sum, c.n)).c;
}

double v_measure(const std::vector<int>& truth, const std::vector<int>& pred) {
  const Contingency c = contingency(truth, pred, "v_measure");
  return hcv_of(c, mutual_info(c), entropy(c.row_sum, c.n), entropy(c.col_sum, c.n)).v;
}

double fowlkes_mallows(const std::vector<int>& truth, const std::vector<int>& pred) {
  return fmi_of(contingency(truth, pred, "fowlkes_mallows"));
}

double purity(const std::vector<int>& truth, const std::vector<int>& pred) {
  if (truth.empty() && pred.empty())
    throw UserError("purity: got 0 samples; expected at least 1");
  return purity_of(contingency(truth, pred, "purity"));
}

ExternalScores external_scores(const std::vector<int>& truth, const std::vector<int>& pred) {
  if (truth.empty() && pred.empty())
    throw UserError("external_scores: got 0 samples; expected at least 1 (purity is undefined)");
  const Contingency c = contingency(truth, pred, "external_scores");
  const double mi = mutual_info(c);
  const double h_true = entropy(c.row_sum, c.n);
  const double h_pred = entropy(c.col_sum, c.n);
  ExternalScores s;
  s.ari = ari_of(c);
  s.nmi = nmi_of(c, mi, h_true, h_pred);
  s.ami = ami_of(c, mi, h_true, h_pred);
  const Hcv hcv = hcv_of(c, mi, h_true, h_pred);
  s.homogeneity = hcv.h;
  s.completeness = hcv.c;
  s.v_measure = hcv.v;
  s.fowlkes_mallows = fmi_of(c);
  s.purity = purity_of(c);
  return s;
}

}  // namespace vaesweep::metrics
