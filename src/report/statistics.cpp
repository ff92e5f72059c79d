#include "report/statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "util/error.hpp"

namespace vaesweep::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Two-sided p of a standard normal statistic: 2 * norm.sf(|z|).
double normal_two_sided(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

// Uniform in [0, n) from the raw 64-bit output: rejection of the incomplete top block keeps
// every index equally likely, and the arithmetic is the same on every platform.
std::size_t uniform_index(std::mt19937_64& engine, std::size_t n) {
  const std::uint64_t range = n;
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
  std::uint64_t x;
  do x = engine();
  while (x >= limit);
  return static_cast<std::size_t>(x % range);
}

// numpy.percentile(sorted, 100 q) with linear interpolation.
double percentile_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

// Ranks 1..n of `values`, ties given their average rank (scipy.stats.rankdata), and the sizes
// of the tie groups.
std::vector<double> average_ranks(const std::vector<double>& values, std::vector<std::size_t>& tie_sizes) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(values.size());
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start + 1;
    while (end < order.size() && values[order[end]] == values[order[start]]) ++end;
    const double rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (std::size_t i = start; i < end; ++i) ranks[order[i]] = rank;
    tie_sizes.push_back(end - start);
    start = end;
  }
  return ranks;
}

// Exact null distribution of R+ for n untied, non-zero differences: the number of subsets of
// {1..n} with each sum, divided by 2^n (scipy's _get_wilcoxon_distr). Counts stay below
// 2^50 for n <= 50, exact in a double.
std::vector<double> wilcoxon_null_pmf(std::size_t n) {
  const std::size_t max_sum = n * (n + 1) / 2;
  std::vector<double> counts(max_sum + 1, 0.0);
  counts[0] = 1.0;
  for (std::size_t k = 1; k <= n; ++k)
    for (std::size_t s = max_sum; s >= k; --s) counts[s] += counts[s - k];
  const double total = std::ldexp(1.0, static_cast<int>(n));
  for (double& c : counts) c /= total;
  return counts;
}

void check_pairs(const std::vector<double>& a, const std::vector<double>& b) {
  VAESWEEP_ASSERT(a.size() == b.size(), "paired test: the two samples must have one value per pair");
}

}  // namespace

double mean_of(std::vector<double> values) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sample_std(const std::vector<double>& values) {
  if (values.size() < 2) return kNaN;
  const double m = mean_of(values);
  double squares = 0.0;
  for (double v : values) squares += (v - m) * (v - m);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

Interval t_interval(const std::vector<double>& values, double confidence) {
  if (values.size() < 2) return {kNaN, kNaN};
  const double m = mean_of(values);
  const double dof = static_cast<double>(values.size() - 1);
  const boost::math::students_t t(dof);
  const double half = boost::math::quantile(t, 1.0 - (1.0 - confidence) / 2.0) * sample_std(values) /
                      std::sqrt(static_cast<double>(values.size()));
  return {m - half, m + half};
}

Interval bootstrap_interval(const std::vector<double>& values, double confidence, std::size_t samples,
                            std::uint64_t seed) {
  if (values.size() < 2 || samples == 0) return {kNaN, kNaN};
  std::mt19937_64 engine(seed);
  std::vector<double> means(samples);
  const double n = static_cast<double>(values.size());
  for (double& m : means) {
    double sum = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) sum += values[uniform_index(engine, values.size())];
    m = sum / n;
  }
  std::sort(means.begin(), means.end());
  const double tail = (1.0 - confidence) / 2.0;
  return {percentile_sorted(means, tail), percentile_sorted(means, 1.0 - tail)};
}

PairedTestResult paired_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  check_pairs(a, b);
  PairedTestResult r;
  r.n = r.n_used = a.size();
  r.exact = true;
  if (r.n < 2) {
    r.statistic = r.p = r.smallest_p = kNaN;
    return r;
  }
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  const double m = std::accumulate(d.begin(), d.end(), 0.0) / static_cast<double>(d.size());
  double squares = 0.0;
  for (double v : d) squares += (v - m) * (v - m);
  const double dof = static_cast<double>(r.n - 1);
  const double se = std::sqrt(squares / dof / static_cast<double>(r.n));
  r.smallest_p = 0.0;  // any p is reachable with 2 or more pairs
  if (se == 0.0 && m == 0.0) {
    r.statistic = r.p = kNaN;  // 0 / 0, as scipy
    return r;
  }
  r.statistic = m / se;
  if (std::isinf(r.statistic)) {
    r.p = 0.0;
    return r;
  }
  const boost::math::students_t t(dof);
  r.p = std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(t, std::fabs(r.statistic))));
  return r;
}

PairedTestResult wilcoxon_signed_rank(const std::vector<double>& a, const std::vector<double>& b) {
  check_pairs(a, b);
  PairedTestResult r;
  r.n = a.size();
  std::vector<double> d;
  std::size_t zeros = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double di = a[i] - b[i];
    if (di == 0.0) ++zeros;
    else d.push_back(di);
  }
  r.n_used = d.size();
  if (d.empty()) {
    r.statistic = r.p = r.smallest_p = kNaN;
    return r;
  }
  std::vector<double> magnitudes(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) magnitudes[i] = std::fabs(d[i]);
  std::vector<std::size_t> tie_sizes;
  const std::vector<double> ranks = average_ranks(magnitudes, tie_sizes);
  const bool ties = tie_sizes.size() < d.size();
  double r_plus = 0.0, r_minus = 0.0;
  for (std::size_t i = 0; i < d.size(); ++i) (d[i] > 0 ? r_plus : r_minus) += ranks[i];
  r.statistic = std::min(r_plus, r_minus);
  const double count = static_cast<double>(d.size());
  r.exact = r.n <= 50 && zeros == 0 && !ties;
  if (r.exact) {
    const std::vector<double> pmf = wilcoxon_null_pmf(d.size());
    const std::size_t plus = static_cast<std::size_t>(r_plus);
    if (plus == (pmf.size() - 1) / 2) {
      r.p = 1.0;
    } else {
      const double below = std::accumulate(pmf.begin(), pmf.begin() + static_cast<std::ptrdiff_t>(plus) + 1, 0.0);
      const double above = std::accumulate(pmf.begin() + static_cast<std::ptrdiff_t>(plus), pmf.end(), 0.0);
      r.p = std::clamp(2.0 * std::min(below, above), 0.0, 1.0);
    }
    r.smallest_p = std::min(1.0, 2.0 * pmf[0]);
    return r;
  }
  const double mn = count * (count + 1.0) * 0.25;
  double variance = count * (count + 1.0) * (2.0 * count + 1.0);
  for (std::size_t t : tie_sizes) {
    const double s = static_cast<double>(t);
    variance -= 0.5 * s * (s * s - 1.0);
  }
  const double se = std::sqrt(variance / 24.0);
  r.p = normal_two_sided((r.statistic - mn) / se);
  r.smallest_p = normal_two_sided(mn / se);  // T = 0: every difference of one sign
  return r;
}

std::vector<double> holm_adjust(const std::vector<double>& p) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return p[i] < p[j]; });
  std::vector<double> adjusted(p.size(), kNaN);
  const double m = static_cast<double>(order.size());
  double running = 0.0;
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    running = std::max(running, std::min(1.0, (m - static_cast<double>(rank)) * p[order[rank]]));
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

std::vector<std::size_t> pareto_front(const std::vector<double>& x, const std::vector<double>& y,
                                      bool x_higher_is_better, bool y_higher_is_better) {
  VAESWEEP_ASSERT(x.size() == y.size(), "pareto_front: one y per x");
  // In "higher is better" orientation for both coordinates.
  const auto gx = [&](std::size_t i) { return x_higher_is_better ? x[i] : -x[i]; };
  const auto gy = [&](std::size_t i) { return y_higher_is_better ? y[i] : -y[i]; };
  std::vector<std::size_t> points;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) points.push_back(i);
  std::vector<std::size_t> front;
  for (std::size_t i : points) {
    const bool dominated = std::any_of(points.begin(), points.end(), [&](std::size_t j) {
      return gx(j) >= gx(i) && gy(j) >= gy(i) && (gx(j) > gx(i) || gy(j) > gy(i));
    });
    if (!dominated) front.push_back(i);
  }
  std::stable_sort(front.begin(), front.end(), [&](std::size_t i, std::size_t j) {
    if (gx(i) != gx(j)) return gx(i) > gx(j);
    return gy(i) > gy(j);
  });
  return front;
}

}  // namespace vaesweep::report
