#include "cluster/nearest_squared.hpp"

#include <cstddef>
#include <cstring>
#include <limits>

#include "cluster/simd.hpp"

namespace vaesweep::cluster {

using Eigen::Index;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Keeps value v among the m smallest of list t (ascending), whose largest it beats; updates
// the list's bound.
inline void insert(double* t, int m, double v, double& bound) {
  int s = m - 1;  // the largest kept value leaves
  while (s > 0 && t[s - 1] > v) {
    t[s] = t[s - 1];
    --s;
  }
  t[s] = v;
  bound = t[m - 1];
}

// NearestCollector::offer_row's work: four columns at a time test d2 against both samples'
// bounds, as almost every offer loses; a group with a winner is offered column by column.
VAESWEEP_AVX2_CLONES
void offer_both_ways(double* top, double* bound, int m, Index i, const double* d2, Index jb, Index je) {
  double* ti = top + static_cast<std::size_t>(i) * static_cast<std::size_t>(m);
  const auto offer = [&](Index j) {
    if (d2[j] < bound[j]) insert(top + static_cast<std::size_t>(j) * static_cast<std::size_t>(m), m, d2[j], bound[j]);
    if (d2[j] < bound[i]) insert(ti, m, d2[j], bound[i]);
  };
  Index j = jb;
  for (; j + 4 <= je; j += 4) {
    v4d v, b;
    std::memcpy(&v, d2 + j, sizeof v);
    std::memcpy(&b, bound + j, sizeof b);
    const double bi = bound[i];
    const auto wins = (v < b) | (v < v4d{bi, bi, bi, bi});
    if ((wins[0] | wins[1] | wins[2] | wins[3]) == 0) continue;
    for (Index c = j; c < j + 4; ++c) offer(c);
  }
  for (; j < je; ++j) offer(j);
}

}  // namespace

NearestCollector::NearestCollector(Index n, int k)
    : n_(n),
      k_(k),
      m_(k - 1),
      top_(static_cast<std::size_t>(n) * static_cast<std::size_t>(k > 1 ? k - 1 : 0), kInf),
      bound_(static_cast<std::size_t>(n), m_ > 0 ? kInf : -kInf) {}

void NearestCollector::offer_row(Index i, const double* d2, Index jb, Index je) {
  // With k = 1 the bounds are -infinity and nothing is kept.
  if (m_ > 0) offer_both_ways(top_.data(), bound_.data(), m_, i, d2, jb, je);
}

NearestSquared NearestCollector::result() const {
  NearestSquared out;
  out.k = k_;
  out.kth.resize(static_cast<std::size_t>(n_));
  out.second.resize(static_cast<std::size_t>(n_));
  for (Index p = 0; p < n_; ++p) {
    const double* t = top_.data() + static_cast<std::size_t>(p) * static_cast<std::size_t>(m_);
    out.kth[static_cast<std::size_t>(p)] = m_ > 0 ? t[m_ - 1] : 0.0;
    out.second[static_cast<std::size_t>(p)] = m_ > 0 ? t[0] : kInf;
  }
  return out;
}

}  // namespace vaesweep::cluster
