#include "cluster/nearest_squared.hpp"

#include <cstddef>
#include <cstring>
#include <limits>

#include "cluster/simd.hpp"

namespace vaesweep::cluster {

using Eigen::Index;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The first j of [j, je) with d2[j] < bound[j] or d2[j] < bound_i, else je: four at a time, as
// almost every offer loses.
VAESWEEP_AVX2_CLONES
Index next_winner(const double* d2, const double* bound, double bound_i, Index j, Index je) {
  const v4d bi = {bound_i, bound_i, bound_i, bound_i};
  for (; j + 4 <= je; j += 4) {
    v4d v, b;
    std::memcpy(&v, d2 + j, sizeof v);
    std::memcpy(&b, bound + j, sizeof b);
    const auto wins = (v < b) | (v < bi);
    if ((wins[0] | wins[1] | wins[2] | wins[3]) != 0) break;
  }
  for (; j < je; ++j)
    if (d2[j] < bound[j] || d2[j] < bound_i) return j;
  return je;
}

}  // namespace

NearestCollector::NearestCollector(Index n, int k)
    : n_(n),
      k_(k),
      m_(k - 1),
      top_(static_cast<std::size_t>(n) * static_cast<std::size_t>(k > 1 ? k - 1 : 0), kInf),
      bound_(static_cast<std::size_t>(n), m_ > 0 ? kInf : -kInf) {}

void NearestCollector::insert(Index sample, double d2) {
  double* t = top_.data() + static_cast<std::size_t>(sample) * static_cast<std::size_t>(m_);
  int s = m_ - 1;  // the largest kept value leaves; d2 < it (the caller checked the bound)
  while (s > 0 && t[s - 1] > d2) {
    t[s] = t[s - 1];
    --s;
  }
  t[s] = d2;
  bound_[static_cast<std::size_t>(sample)] = t[m_ - 1];
}

void NearestCollector::offer_row(Index i, const double* d2, Index jb, Index je) {
  // Most offers lose (a sample keeps only its few nearest), so the bounds are tested first. With
  // k = 1 the bounds are -infinity and nothing is kept.
  const double* bound = bound_.data();
  for (Index j = next_winner(d2, bound, bound[i], jb, je); j < je; j = next_winner(d2, bound, bound[i], j + 1, je)) {
    if (d2[j] < bound[j]) insert(j, d2[j]);
    if (d2[j] < bound[i]) insert(i, d2[j]);
  }
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
