#include "report/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "util/value.hpp"
#include "report/axis_values.hpp"
#include "report/rank_input.hpp"
#include "report/statistics.hpp"

namespace vaesweep::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<std::string> kKeys = {"model", "config", "method", "k", "space", "flags"};

// The group's keys with its config as matching_config made it (from the typed axes).
std::string matching_key(const RankedGroup& g, const RankInput& in) {
  std::string key;
  for (std::size_t i = 0; i < g.key_values.size(); ++i) {
    const auto it = i == 1 ? in.matching_configs.find(g.key_values[i]) : in.matching_configs.end();
    key += (it != in.matching_configs.end() ? it->second : g.key_values[i]) + '\x1f';
  }
  return key;
}

void fill_side(const RankedGroup& g, std::size_t& n, double& mean, double& low, double& high,
               std::vector<std::string>& units) {
  n = g.n;
  mean = g.n ? g.mean : kNaN;
  low = g.n >= 2 ? g.ci_low : kNaN;
  high = g.n >= 2 ? g.ci_high : kNaN;
  units = g.unit_ids;
}

// The paired part: B - A on the seeds both have.
void pair_up(const RankedGroup& a, const RankedGroup& b, double confidence, ComparedConfig& c) {
  std::map<std::int64_t, double> by_seed;
  for (std::size_t i = 0; i < a.seeds.size(); ++i) by_seed[a.seeds[i]] = a.seed_values[i];
  std::vector<double> va, vb, d;
  for (std::size_t i = 0; i < b.seeds.size(); ++i) {
    const auto it = by_seed.find(b.seeds[i]);
    if (it == by_seed.end()) continue;
    va.push_back(it->second);
    vb.push_back(b.seed_values[i]);
    d.push_back(b.seed_values[i] - it->second);
  }
  c.n_pairs = d.size();
  c.diff = c.diff_ci_low = c.diff_ci_high = c.max_abs_diff = c.p = c.p_holm = kNaN;
  if (d.empty()) return;
  c.diff = mean_of(d);
  c.max_abs_diff = 0;
  for (double x : d) c.max_abs_diff = std::max(c.max_abs_diff, std::abs(x));
  if (d.size() >= 2) {
    const Interval ci = t_interval(d, confidence);
    c.diff_ci_low = ci.low;
    c.diff_ci_high = ci.high;
    c.p = paired_t_test(vb, va).p;
  }
  const bool same_seeds = d.size() == a.seeds.size() && d.size() == b.seeds.size();
  if (same_seeds && c.max_abs_diff == 0) c.agreement = Agreement::identical;
  else if (d.size() < 2) c.agreement = Agreement::untested;
  else c.agreement = Agreement::same;  // decided after Holm's correction below
}

// "collapsed" is an outcome of training, not a setting: a configuration whose model collapsed
// on some seeds in one file only must still pair with itself.
RankInput without_outcome_flags(RankInput in) {
  const auto at = std::find(in.key_names.begin(), in.key_names.end(), "flags");
  if (at == in.key_names.end()) return in;
  const std::size_t column = static_cast<std::size_t>(at - in.key_names.begin());
  for (auto* rows : {&in.keys, &in.compact.distinct_keys})
    for (auto& key : *rows) {
      std::string& flags = key[column];
      for (const std::string token : {", collapsed", "collapsed, ", "collapsed"})
        if (const auto found = flags.find(token); found != std::string::npos) {
          flags.erase(found, token.size());
          break;
        }
    }
  return in;
}

}  // namespace

const char* to_string(Agreement a) {
  switch (a) {
    case Agreement::identical: return "identical";
    case Agreement::same: return "not significant";
    case Agreement::differs: return "differs";
    case Agreement::untested: return "untested";
    case Agreement::only_a: return "A only";
    case Agreement::only_b: return "B only";
  }
  return "";
}

std::string matching_config(const results::AxisValues& axes) {
  auto sorted = axes;
  std::sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::string out;
  for (const auto& [name, value] : sorted) {
    const bool number = value.is_int() || value.is_double();
    out += (out.empty() ? "" : " ") + name + "=" + (number ? Value(value.as_double()).display() : value.display());
  }
  return out;
}

Comparison compare_results(const RankInput& a, const RankInput& b, const RankOptions& options) {
  RankOptions o = options;
  o.group_by = kKeys;
  o.also.clear();
  o.pareto.clear();
  o.ci = CiMethod::t;
  const Ranking ra = rank_groups(without_outcome_flags(a), o), rb = rank_groups(without_outcome_flags(b), o);
  Comparison out;
  out.metric = ra.metric;
  out.higher_is_better = ra.higher_is_better;
  out.confidence = o.confidence;
  out.alpha = o.alpha;
  out.key_names = kKeys;

  std::map<std::string, const RankedGroup*> in_b;
  for (const RankedGroup& g : rb.groups) in_b[matching_key(g, b)] = &g;
  std::map<std::string, bool> matched_b;
  for (const RankedGroup& g : ra.groups) {
    ComparedConfig c;
    c.key_values = g.key_values;
    fill_side(g, c.n_a, c.mean_a, c.ci_low_a, c.ci_high_a, c.unit_ids_a);
    const auto it = in_b.find(matching_key(g, a));
    if (it == in_b.end()) {
      c.agreement = Agreement::only_a;
      c.mean_b = c.ci_low_b = c.ci_high_b = c.diff = c.diff_ci_low = c.diff_ci_high = c.max_abs_diff = c.p =
          c.p_holm = kNaN;
    } else {
      matched_b[it->first] = true;
      fill_side(*it->second, c.n_b, c.mean_b, c.ci_low_b, c.ci_high_b, c.unit_ids_b);
      pair_up(g, *it->second, o.confidence, c);
    }
    out.configs.push_back(std::move(c));
  }
  for (const RankedGroup& g : rb.groups) {
    if (matched_b.count(matching_key(g, b))) continue;
    ComparedConfig c;
    c.key_values = g.key_values;
    c.agreement = Agreement::only_b;
    fill_side(g, c.n_b, c.mean_b, c.ci_low_b, c.ci_high_b, c.unit_ids_b);
    c.mean_a = c.ci_low_a = c.ci_high_a = c.diff = c.diff_ci_low = c.diff_ci_high = c.max_abs_diff = c.p = c.p_holm =
        kNaN;
    out.configs.push_back(std::move(c));
  }

  // Holm over the configurations with a p value.
  std::vector<std::size_t> tested;
  std::vector<double> ps;
  for (std::size_t i = 0; i < out.configs.size(); ++i)
    if (std::isfinite(out.configs[i].p)) {
      tested.push_back(i);
      ps.push_back(out.configs[i].p);
    }
  const std::vector<double> adjusted = holm_adjust(ps);
  for (std::size_t j = 0; j < tested.size(); ++j) {
    ComparedConfig& c = out.configs[tested[j]];
    c.p_holm = adjusted[j];
    if (c.agreement == Agreement::same && c.p_holm < o.alpha) c.agreement = Agreement::differs;
  }
  std::stable_sort(out.configs.begin(), out.configs.end(), [](const ComparedConfig& x, const ComparedConfig& y) {
    const auto order = [](Agreement g) { return g == Agreement::differs ? 0 : 1; };
    if (order(x.agreement) != order(y.agreement)) return order(x.agreement) < order(y.agreement);
    if (x.agreement == Agreement::differs) return std::abs(x.diff) > std::abs(y.diff);
    return x.key_values < y.key_values;
  });
  return out;
}

}  // namespace vaesweep::report
