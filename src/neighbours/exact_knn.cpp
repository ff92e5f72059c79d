#include "neighbours/exact_knn.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>

#include "util/error.hpp"
#include "util/matrix_checks.hpp"

namespace vaesweep::neighbours {
namespace {

using Eigen::Index;

// Queries per distance block: the n x block scratch stays within ~16 MB (and >= 8 queries).
Index block_rows(Index n) { return std::clamp<Index>((Index{1} << 22) / std::max<Index>(n, 1), 8, 512); }

// The exact stage's number for columns a and b (d doubles each): a plain loop over the
// features in order, so that it equals (X.row(i) - X.row(j)).squaredNorm() (Eigen sums a
// strided row in order) and DBSCAN's block_sq_dists bit for bit.
double sq_dist(const double* a, const double* b, Index d) {
  double s = 0;
  for (Index f = 0; f < d; ++f) {
    const double t = a[f] - b[f];
    s += t * t;
  }
  return s;
}

void validate(const Eigen::MatrixXd& X, int m, const char* who) {
  const Index n = X.rows();
  if (n < 1) throw UserError(std::string(who) + ": X has 0 samples; expected at least 1");
  if (m < 0 || m >= n)
    throw UserError(std::string(who) + ": " + std::to_string(m) +
                    " neighbours besides the sample itself; expected 0 <= m < n_samples = " + std::to_string(n));
  require_finite(X, who);
}

}  // namespace

double squared_distance(const Eigen::MatrixXd& X, Index i, Index j) {
  double s = 0;
  for (Index f = 0; f < X.cols(); ++f) {
    const double t = X(i, f) - X(j, f);
    s += t * t;
  }
  return s;
}

// Stage 1 per block of queries. One single-precision GEMM gives, for every sample j,
// v_j = |y_j|^2 - 2 x.y_j with the error bound E_j = c u (|x| + |y_j|)^2 + tiny (u the float
// unit roundoff, c covering the d + 1 term dot product and the casts, with margin; bounded by
// 2 c u (|x|^2 + |y_j|^2) + tiny below): the m-th smallest upper bound v_j + E_j caps the true
// m-th distance, and every j whose lower bound v_j - E_j is under that cap is a candidate.
// Stage 2: the candidates' exact distances, the m smallest by (distance, index).
// The data are centred (accuracy of the GEMM) and scaled by 1 / max |y| (nothing overflows;
// ranks are scale-invariant) for stage 1 only. Candidates are typically m plus a few; many
// duplicates make more, never a wrong answer.
Neighbours nearest_others(const Eigen::MatrixXd& X, int m, const char* who) {
  validate(X, m, who);
  const Index n = X.rows();
  const Index d = X.cols();
  Neighbours out;
  out.m = m;
  out.index.resize(static_cast<std::size_t>(n) * static_cast<std::size_t>(m));
  out.sq_distance.resize(out.index.size());
  if (m == 0) return out;

  const Eigen::MatrixXd XT = X.transpose();  // d x n: exact stage, one sample per column
  const Eigen::RowVectorXd mean = X.colwise().mean();
  const Eigen::MatrixXd CT = (X.rowwise() - mean).transpose();  // centred
  const Eigen::VectorXd norms = CT.colwise().norm().transpose();
  const double R = norms.maxCoeff();
  const double scale = R > 0 ? 1.0 / R : 1.0;
  // P = [-2 y; |y|^2] and Q = [x; 1] (scaled, in float): column q of P^T Q is v for query q.
  Eigen::MatrixXf P(d + 1, n);
  Eigen::MatrixXf Q(d + 1, n);
  P.topRows(d) = (-2.0 * scale * CT).cast<float>();
  P.row(d) = (scale * scale * norms.array().square()).matrix().transpose().cast<float>();
  Q.topRows(d) = (scale * CT).cast<float>();
  Q.row(d).setOnes();
  // |v_j - V_j| <= cu (|x| + |y_j|)^2 <= cq(x) + a_j with cq(x) = 2 cu |x|^2, a_j = 2 cu |y_j|^2.
  const float cu = static_cast<float>(1.25 * static_cast<double>(d + 8) * std::ldexp(1.0, -24));
  constexpr float kTiny = 1e-30f;  // covers underflow in the products (scaled norms are <= 1)
  const Eigen::VectorXf ny2 = (scale * scale * norms.array().square()).cast<float>().matrix();
  const Eigen::VectorXf a = (2.0f * cu * ny2.array() + kTiny).matrix();

  const Index B = block_rows(n);
  Eigen::MatrixXf G(n, B);
  const auto mu = static_cast<std::size_t>(m);
  std::vector<float> best(mu);
  std::vector<int> pool;
  std::vector<std::pair<double, int>> cand;
  for (Index q0 = 0; q0 < n; q0 += B) {
    const Index b = std::min(B, n - q0);
    G.leftCols(b).noalias() = P.transpose() * Q.middleCols(q0, b);
    for (Index q = 0; q < b; ++q) {
      const Index self = q0 + q;
      float* v = G.col(q).data();
      v[self] = std::numeric_limits<float>::infinity();
      const float cq2 = 4.0f * cu * ny2(self);  // 2 cq
      // One pass: cap = the m-th smallest v + a so far (so the true m-th distance rank value
      // is <= cap + cq); j stays in the pool while its lower bound v - a - cq <= cap + cq.
      std::fill(best.begin(), best.end(), std::numeric_limits<float>::infinity());
      float cap = std::numeric_limits<float>::infinity();
      float thresh = cap;
      pool.clear();
      for (Index j = 0; j < n; ++j) {
        if (v[j] - a[j] <= thresh) {
          pool.push_back(static_cast<int>(j));
          const float up = v[j] + a[j];
          if (up < cap) {
            std::size_t pos = mu - 1;
            while (pos > 0 && best[pos - 1] > up) {
              best[pos] = best[pos - 1];
              --pos;
            }
            best[pos] = up;
            cap = best[mu - 1];
            thresh = cap + cq2;
          }
        }
      }
      // Candidates under the final threshold; exact distances; the m smallest by (distance,
      // index): pairs compare the distance first, then the index, which is the tie rule.
      cand.clear();
      const double* xs = XT.col(self).data();
      for (int j : pool)
        if (v[j] - a[j] <= thresh) cand.emplace_back(sq_dist(XT.col(j).data(), xs, d), j);
      std::partial_sort(cand.begin(), cand.begin() + m, cand.end());
      const std::size_t row = static_cast<std::size_t>(self) * mu;
      for (std::size_t t = 0; t < mu; ++t) {
        out.index[row + t] = cand[t].second;
        out.sq_distance[row + t] = cand[t].first;
      }
    }
  }
  return out;
}

}  // namespace vaesweep::neighbours
