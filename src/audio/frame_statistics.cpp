#include "audio/frame_statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "util/error.hpp"

namespace vaesweep::audio {
namespace {

constexpr std::array<std::pair<std::string_view, Statistic>, 7> kNames{{
    {"mean", Statistic::mean},
    {"var", Statistic::var},
    {"std", Statistic::std},
    {"skew", Statistic::skew},
    {"kurtosis", Statistic::kurtosis},
    {"min", Statistic::min},
    {"max", Statistic::max},
}};

struct Moments {
  double mean = 0, m2 = 0, m3 = 0, m4 = 0, min = 0, max = 0;
  bool constant = false;
};

Moments moments(const Eigen::MatrixXd& x, Eigen::Index row) {
  const Eigen::Index n = x.cols();
  Moments m;
  double sum = 0.0;
  m.min = m.max = x(row, 0);
  for (Eigen::Index t = 0; t < n; ++t) {
    const double v = x(row, t);
    sum += v;
    m.min = std::min(m.min, v);
    m.max = std::max(m.max, v);
  }
  m.mean = sum / static_cast<double>(n);
  for (Eigen::Index t = 0; t < n; ++t) {  // two passes: central moments without cancellation
    const double d = x(row, t) - m.mean;
    const double d2 = d * d;
    m.m2 += d2;
    m.m3 += d2 * d;
    m.m4 += d2 * d2;
  }
  m.m2 /= static_cast<double>(n);
  m.m3 /= static_cast<double>(n);
  m.m4 /= static_cast<double>(n);
  const double resolution = 1e-15 * std::abs(m.mean);  // scipy: finfo(float64).resolution * mean
  m.constant = m.m2 <= resolution * resolution;
  return m;
}

double value(const Moments& m, Statistic s) {
  switch (s) {
    case Statistic::mean: return m.mean;
    case Statistic::var: return m.m2;
    case Statistic::std: return std::sqrt(m.m2);
    case Statistic::skew: return m.constant ? 0.0 : m.m3 / std::pow(m.m2, 1.5);
    case Statistic::kurtosis: return m.constant ? 0.0 : m.m4 / (m.m2 * m.m2) - 3.0;
    case Statistic::min: return m.min;
    case Statistic::max: return m.max;
  }
  throw std::invalid_argument("frame_statistics: unknown Statistic value");
}

}  // namespace

Statistic parse_statistic(const std::string& name) {
  for (const auto& [n, s] : kNames) {
    if (name == n) return s;
  }
  std::string valid;
  for (const auto& entry : kNames) valid += (valid.empty() ? "" : ", ") + std::string(entry.first);
  throw UserError("unknown statistic '" + name + "': valid names are " + valid);
}

std::string to_string(Statistic s) {
  for (const auto& [n, st] : kNames) {
    if (st == s) return std::string(n);
  }
  throw std::invalid_argument("to_string: unknown Statistic value");
}

Eigen::VectorXd frame_statistics(const Eigen::MatrixXd& per_frame, const std::vector<Statistic>& stats) {
  if (per_frame.cols() < 1) throw std::invalid_argument("frame_statistics: no frames");
  const auto n_stats = static_cast<Eigen::Index>(stats.size());
  Eigen::VectorXd out(per_frame.rows() * n_stats);
  for (Eigen::Index c = 0; c < per_frame.rows(); ++c) {
    const Moments m = moments(per_frame, c);
    for (Eigen::Index s = 0; s < n_stats; ++s) out(c * n_stats + s) = value(m, stats[static_cast<std::size_t>(s)]);
  }
  return out;
}

std::vector<std::string> statistic_feature_names(const std::string& prefix, int n_coefficients,
                                                 const std::vector<Statistic>& stats) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(std::max(0, n_coefficients)) * stats.size());
  for (int c = 1; c <= n_coefficients; ++c) {
    for (Statistic s : stats) names.push_back(prefix + std::to_string(c) + "_" + to_string(s));
  }
  return names;
}

}  // namespace vaesweep::audio
