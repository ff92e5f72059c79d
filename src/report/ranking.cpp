#include "report/ranking.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string_view>
#include <utility>

#include "util/error.hpp"
#include "util/strings.hpp"
#include "report/statistics.hpp"
#include "results/records.hpp"

namespace vaesweep::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string names_or_none(const std::vector<std::string>& names) { return names.empty() ? "(none)" : join(names); }

std::size_t index_of(const std::vector<std::string>& names, const std::string& name, const char* what) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    throw UserError(std::string("rank: unknown ") + what + " '" + name + "'; valid: " + names_or_none(names));
  }
  return static_cast<std::size_t>(it - names.begin());
}

// The external metric a column scores ("nmi" of "nmi_genre", "nmi_genre_track"), or nullptr.
const std::string* external_metric_of(const std::string& name) {
  for (const std::string& external : results::external_metric_names())
    if (name.rfind(external + "_", 0) == 0) return &external;
  return nullptr;
}

// The disentanglement metric a /units column holds ("mig" of "mig_genre"), or nullptr.
const std::string* disentanglement_metric_of(const std::string& name) {
  for (const std::string& metric : results::disentanglement_metric_names())
    if (name.rfind(metric + "_", 0) == 0) return &metric;
  return nullptr;
}

// Either kind of metric that reads a label set ("nmi" of "nmi_genre", "mig" of "mig_genre").
const std::string* label_metric_of(const std::string& name) {
  if (const std::string* external = external_metric_of(name)) return external;
  return disentanglement_metric_of(name);
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

void check_shapes(const RankInput& in) {
  if (in.is_compact()) {
    const auto& c = in.compact;
    const std::size_t rows = c.row_key.size();
    VAESWEEP_ASSERT(c.row_unit.size() == rows && c.metric_columns.size() == in.metric_names.size() &&
                        c.per_unit.size() == in.metric_names.size(),
                    "rank input: row_key and row_unit must have one entry per row, metric_columns one per metric");
    VAESWEEP_ASSERT(c.unit_seeds.size() == c.unit_numbers.size() && c.hash_end.size() == c.unit_numbers.size(),
                    "rank input: the unit arrays must have one entry per unit");
    for (const auto& key : c.distinct_keys)
      VAESWEEP_ASSERT(key.size() == in.key_names.size(), "rank input: a key has the wrong number of values");
    return;
  }
  const std::size_t rows = in.keys.size();
  VAESWEEP_ASSERT(in.unit_ids.size() == rows && in.seeds.size() == rows && in.metrics.size() == rows,
                  "rank input: keys, unit_ids, seeds and metrics must have one entry per row");
  VAESWEEP_ASSERT(in.config_hashes.empty() || in.config_hashes.size() == rows,
                  "rank input: config_hashes must be empty or have one entry per row");
  for (std::size_t r = 0; r < rows; ++r) {
    VAESWEEP_ASSERT(in.keys[r].size() == in.key_names.size(), "rank input: a row has the wrong number of keys");
    VAESWEEP_ASSERT(in.metrics[r].size() == in.metric_names.size(),
                    "rank input: a row has the wrong number of metrics");
  }
}

void check_options(const RankInput& in, const RankOptions& o) {
  if (!(o.confidence > 0.0 && o.confidence < 1.0))
    throw UserError("rank: --confidence must be in (0, 1), got " + std::to_string(o.confidence));
  if (!(o.alpha > 0.0 && o.alpha < 1.0))
    throw UserError("rank: --alpha must be in (0, 1), got " + std::to_string(o.alpha));
  if (o.ci == CiMethod::bootstrap && o.bootstrap_samples < 100)
    throw UserError("rank: --bootstrap-samples must be at least 100, got " + std::to_string(o.bootstrap_samples));
  if (!o.labels.empty()) {
    const std::vector<std::string> sets = label_sets(in.metric_names);
    if (std::find(sets.begin(), sets.end(), o.labels) == sets.end())
      throw UserError("rank: --labels: unknown label set '" + o.labels + "'; the results have: " + names_or_none(sets));
  }
  if (!o.pareto.empty() && o.pareto.size() != 2)
    throw UserError("rank: --pareto takes two metrics (m1,m2), got " + std::to_string(o.pareto.size()) + ": " +
                    join(o.pareto));
}

std::vector<std::string> resolve_group_by(const RankInput& in, const RankOptions& options) {
  if (options.group_by.empty()) {
    if (!in.default_group_by.empty()) return in.default_group_by;
    std::vector<std::string> all;
    for (const std::string& k : in.key_names) {
      if (k != "seed") all.push_back(k);
    }
    return all;
  }
  std::vector<std::string> seen;
  for (const std::string& k : options.group_by) {
    if (k == "seed") {
      throw UserError("rank: 'seed' cannot be a grouping key; groups are aggregated across seeds");
    }
    index_of(in.key_names, k, "grouping key");
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
      throw UserError("rank: grouping key '" + k + "' is given twice");
    }
    seen.push_back(k);
  }
  return seen;
}

// One metric over a group's rows, averaged per seed.
struct SeedSeries {
  std::vector<std::int64_t> seeds;
  std::vector<double> values;
  std::size_t rows = 0, missing = 0, max_rows_per_seed = 0;
};

SeedSeries per_seed(const RankInput& in, const std::vector<std::size_t>& rows, std::size_t metric) {
  // (seed, value) pairs sorted, not a map of vectors: a group may hold a million seeds.
  std::vector<std::pair<std::int64_t, double>> by_seed;
  SeedSeries s;
  for (std::size_t r : rows) {
    const double v = in.metric(r, metric);
    if (std::isfinite(v)) {
      by_seed.emplace_back(in.seed(r), v);
      ++s.rows;
    } else {
      ++s.missing;
    }
  }
  std::sort(by_seed.begin(), by_seed.end());
  std::vector<double> values;
  for (std::size_t i = 0; i < by_seed.size();) {
    std::size_t end = i;
    values.clear();
    for (; end < by_seed.size() && by_seed[end].first == by_seed[i].first; ++end) values.push_back(by_seed[end].second);
    s.seeds.push_back(by_seed[i].first);
    s.values.push_back(mean_of(values));  // sorted sum: independent of row order
    s.max_rows_per_seed = std::max(s.max_rows_per_seed, values.size());
    i = end;
  }
  return s;
}

Interval interval(const std::vector<double>& values, const RankOptions& o) {
  return o.ci == CiMethod::t ? t_interval(values, o.confidence)
                             : bootstrap_interval(values, o.confidence, o.bootstrap_samples, o.bootstrap_seed);
}

MetricSummary summarise_metric(const RankInput& in, const std::vector<std::size_t>& rows, std::size_t metric,
                               const RankOptions& o) {
  const SeedSeries s = per_seed(in, rows, metric);
  const Interval ci = interval(s.values, o);
  return {mean_of(s.values), ci.low, ci.high, s.values.size()};
}

// Mean over rows (not seeds) of a descriptive column: noise fraction, active units.
double row_mean(const RankInput& in, const std::vector<std::size_t>& rows, std::size_t metric) {
  std::vector<double> values;
  for (std::size_t r : rows)
    if (std::isfinite(in.metric(r, metric))) values.push_back(in.metric(r, metric));
  return mean_of(values);
}

struct Group {
  std::vector<std::string> key;
  std::vector<std::size_t> rows;
};

// Row r's unit id without a heap string: a compact input's "<unit number>:<hash[:12]>" built in
// `buffer`, a plain input's as stored.
using UnitIdBuffer = std::array<char, 48>;
std::string_view unit_id_view(const RankInput& in, std::size_t r, UnitIdBuffer& buffer) {
  if (!in.is_compact()) return in.unit_ids[r];
  const std::uint32_t u = in.compact.row_unit[r];
  char* end = std::to_chars(buffer.data(), buffer.data() + 24, in.compact.unit_numbers[u]).ptr;
  *end++ = ':';
  const std::string_view hash = in.compact.unit_hash(u);
  const std::size_t n = std::min<std::size_t>(hash.size(), 12);
  std::copy_n(hash.data(), n, end);
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data()) + n};
}

// `max_rows_per_seed` grows to the most rows the group pools for one seed.
RankedGroup summarise(const RankInput& in, const Group& group, std::size_t metric, const RankOptions& o,
                      std::size_t& max_rows_per_seed) {
  RankedGroup g;
  g.key_values = group.key;
  SeedSeries s = per_seed(in, group.rows, metric);
  max_rows_per_seed = std::max(max_rows_per_seed, s.max_rows_per_seed);
  g.n = s.values.size();
  g.n_rows = s.rows;
  g.n_missing = s.missing;
  g.mean = mean_of(s.values);
  g.std = sample_std(s.values);
  const Interval ci = interval(s.values, o);
  g.ci_low = ci.low;
  g.ci_high = ci.high;
  g.seeds = std::move(s.seeds);
  g.seed_values = std::move(s.values);
  // Every unit by seed then id, once: (seed, row) pairs sorted, unit ids built only to break a
  // tie of seeds (a compact input's unit ids are built here, never stored per row).
  std::vector<std::pair<std::int64_t, std::size_t>> units;
  for (std::size_t r : group.rows)
    if (std::isfinite(in.metric(r, metric))) units.emplace_back(in.seed(r), r);
  UnitIdBuffer ba, bb;
  std::sort(units.begin(), units.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return unit_id_view(in, a.second, ba) < unit_id_view(in, b.second, bb);
  });
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && units[i].first == units[i - 1].first &&
        unit_id_view(in, units[i].second, ba) == unit_id_view(in, units[i - 1].second, bb))
      continue;
    g.unit_ids.push_back(in.unit_id(units[i].second));
  }
  // The distinct config hashes, sorted: views first, strings once.
  if (in.has_config_hashes()) {
    std::vector<std::string_view> hashes;
    hashes.reserve(units.size());
    for (const auto& [seed, r] : units) hashes.push_back(in.config_hash(r));
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    g.config_hashes.assign(hashes.begin(), hashes.end());
  }
  g.p = g.p_holm = kNaN;
  return g;
}

// The values of `a` and `b` on the seeds both have, in seed order.
void shared_seeds(const RankedGroup& a, const RankedGroup& b, std::vector<double>& va, std::vector<double>& vb) {
  std::size_t i = 0, j = 0;
  while (i < a.seeds.size() && j < b.seeds.size()) {
    if (a.seeds[i] < b.seeds[j]) ++i;
    else if (b.seeds[j] < a.seeds[i]) ++j;
    else {
      va.push_back(a.seed_values[i++]);
      vb.push_back(b.seed_values[j++]);
    }
  }
}

// Paired tests of the best group against every other ranked group, Holm over all of them.
void compare_with_best(Ranking& ranking, const RankOptions& o) {
  if (ranking.groups.empty() || ranking.groups[0].n == 0) return;
  const RankedGroup& best = ranking.groups[0];
  std::vector<double> raw(ranking.groups.size(), kNaN);
  double weakest = 0.0;  // the largest "smallest possible p" among underpowered comparisons
  std::size_t underpowered = 0;
  for (std::size_t i = 0; i < ranking.groups.size(); ++i) {
    RankedGroup& g = ranking.groups[i];
    if (g.n == 0) continue;
    if (g.rank == 1) {
      g.verdict = Verdict::best;
      continue;
    }
    std::vector<double> a, b;
    shared_seeds(best, g, a, b);
    g.n_pairs = a.size();
    const PairedTestResult t = o.test == PairedTest::t ? paired_t_test(a, b) : wilcoxon_signed_rank(a, b);
    raw[i] = g.p = t.p;
    if (!std::isnan(t.smallest_p) && t.smallest_p >= o.alpha) {
      g.underpowered = true;
      ++underpowered;
      weakest = std::max(weakest, t.smallest_p);
    }
  }
  const std::vector<double> adjusted = holm_adjust(raw);
  for (std::size_t i = 0; i < ranking.groups.size(); ++i) {
    RankedGroup& g = ranking.groups[i];
    if (g.n == 0 || g.rank == 1) continue;
    g.p_holm = adjusted[i];
    g.verdict = std::isnan(g.p_holm) ? Verdict::untested : g.p_holm < o.alpha ? Verdict::worse : Verdict::tie;
  }
  if (underpowered > 0) {
    ranking.notes.push_back(
        std::to_string(underpowered) + " comparison(s) could not reach p < " + number(o.alpha) + " at all with " +
        "the seeds shared with the best group (smallest possible p up to " + number(weakest) + ", " +
        to_string(o.test) + " test): \"tie with best\" there (marked *) is no evidence of equality; use more seeds" +
        (o.test == PairedTest::wilcoxon ? " or --test t" : "") + ".");
  }
  const std::size_t untested = static_cast<std::size_t>(std::count_if(
      ranking.groups.begin(), ranking.groups.end(), [](const RankedGroup& g) { return g.n > 0 && g.verdict == Verdict::untested; }));
  if (untested > 0)
    ranking.notes.push_back(std::to_string(untested) +
                            " group(s) untested: too few seeds shared with the best group for the paired test.");
}

void add_selection(Ranking& ranking) {
  if (ranking.kind != MetricKind::label_free || ranking.groups.empty() || ranking.groups[0].n == 0) return;
  for (std::size_t a = 0; a < ranking.also.size(); ++a) {
    if (metric_kind(ranking.also[a]) != MetricKind::oracle) continue;
    OracleGap gap;
    gap.label_metric = ranking.also[a];
    gap.label_free_value = ranking.groups[0].also[a].mean;
    gap.oracle_value = kNaN;
    const bool higher = ranking.also_higher_is_better[a];
    for (std::size_t i = 0; i < ranking.groups.size(); ++i) {
      const double v = ranking.groups[i].also[a].mean;
      if (std::isnan(v)) continue;
      if (std::isnan(gap.oracle_value) || (higher ? v > gap.oracle_value : v < gap.oracle_value)) {
        gap.oracle_value = v;
        gap.oracle_group = i;
      }
    }
    if (!std::isnan(gap.oracle_value)) ranking.selection.push_back(gap);
  }
}

// Label metrics computed on fewer rows than the data has (unlabelled rows, DBSCAN noise) say
// so: a score on 60% of the rows is not comparable with one on all of them.
void add_scored_rows_note(Ranking& ranking, const RankInput& input) {
  std::vector<std::string> metrics = {ranking.metric};
  metrics.insert(metrics.end(), ranking.also.begin(), ranking.also.end());
  std::vector<std::string> seen;
  for (const std::string& metric : metrics) {
    const std::string* external = external_metric_of(metric);
    if (!external) continue;
    const std::string set = metric.substr(external->size() + 1);
    const auto it = input.scored.find(set);
    if (it == input.scored.end() || it->second.fewest >= it->second.rows) continue;
    if (std::find(seen.begin(), seen.end(), set) != seen.end()) continue;
    seen.push_back(set);
    ranking.notes.push_back("Scores against " + set + " compare as few as " + std::to_string(it->second.fewest) +
                            " of the " + std::to_string(it->second.rows) + " rows: rows unlabelled in " + set +
                            " (and DBSCAN noise) are left out; /evaluations column scored_" + set +
                            " has each evaluation's count.");
  }
}

// Disentanglement scores treat each label set as an independent factor: say how dependent the
// sets are in these data, and which rows the scores used.
void add_disentanglement_note(Ranking& ranking, const RankInput& input) {
  std::vector<std::string> metrics = {ranking.metric};
  metrics.insert(metrics.end(), ranking.also.begin(), ranking.also.end());
  metrics.insert(metrics.end(), ranking.pareto_metrics.begin(), ranking.pareto_metrics.end());
  if (std::none_of(metrics.begin(), metrics.end(), [](const std::string& m) { return disentanglement_metric_of(m); }))
    return;
  std::string note =
      "MIG, SAP and DCI are computed per unit in the space the model gave (before any projection), on the rows "
      "labelled in each set, with each label set as one factor; they assume the factors independent.";
  if (!input.label_dependence.empty()) {
    note += " In these data: ";
    for (std::size_t i = 0; i < input.label_dependence.size(); ++i)
      note += (i ? "; " : "") + input.label_dependence[i];
    note += " (a share of 100%: one label set determines the other, and a dimension that carries it carries both; "
            "the sets are then not independent factors).";
  }
  ranking.notes.push_back(note);
}

}  // namespace

CiMethod parse_ci_method(const std::string& name) {
  if (name == "t") return CiMethod::t;
  if (name == "bootstrap") return CiMethod::bootstrap;
  throw UserError("rank: --ci: unknown interval \"" + name + "\"; valid: t, bootstrap");
}

PairedTest parse_paired_test(const std::string& name) {
  if (name == "t") return PairedTest::t;
  if (name == "wilcoxon") return PairedTest::wilcoxon;
  throw UserError("rank: --test: unknown test \"" + name + "\"; valid: t, wilcoxon");
}

const char* to_string(CiMethod m) { return m == CiMethod::t ? "t" : "bootstrap"; }
const char* to_string(PairedTest t) { return t == PairedTest::t ? "t" : "wilcoxon"; }

const char* to_string(MetricKind k) {
  switch (k) {
    case MetricKind::label_free: return "label-free";
    case MetricKind::oracle: return "oracle";
    case MetricKind::diagnostic: return "diagnostic";
  }
  return "?";
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::best: return "best";
    case Verdict::tie: return "tie with best";
    case Verdict::worse: return "worse";
    case Verdict::untested: return "untested";
  }
  return "?";
}

MetricKind metric_kind(const std::string& metric) {
  if (label_metric_of(metric)) return MetricKind::oracle;
  // Total correlation: lower means more nearly independent latent dimensions, but PCA's
  // components have none by construction, so ranking by it selects PCA, not a better model.
  if (metric == "kl" || metric == "active_units" || metric == "noise_fraction" || metric == "total_correlation")
    return MetricKind::diagnostic;
  return MetricKind::label_free;
}

std::string RankInput::unit_id(std::size_t r) const {
  UnitIdBuffer buffer;
  return std::string(unit_id_view(*this, r, buffer));
}

bool higher_is_better(const std::string& metric) {
  const auto starts = [&](std::string_view p) { return metric.compare(0, p.size(), p) == 0; };
  const auto ends = [&](std::string_view s) {
    return metric.size() >= s.size() && metric.compare(metric.size() - s.size(), s.size(), s) == 0;
  };
  return !(starts("davies_bouldin") || starts("inertia") || metric == "noise_fraction" || metric == "reconstruction" ||
           ends("loss") || metric == "total_correlation");
}

std::vector<std::string> label_sets(const std::vector<std::string>& metric_names) {
  std::vector<std::string> sets;
  for (const std::string& name : metric_names)
    if (const std::string* external = label_metric_of(name)) {
      const std::string set = name.substr(external->size() + 1);
      if (std::find(sets.begin(), sets.end(), set) == sets.end()) sets.push_back(set);
    }
  return sets;
}

std::string resolve_metric(const std::vector<std::string>& metric_names, const std::string& name,
                           const std::string& labels, const std::string& flag) {
  const auto known = [&](const std::string& n) {
    return std::find(metric_names.begin(), metric_names.end(), n) != metric_names.end();
  };
  if (known(name)) return name;
  if (!labels.empty() && known(name + "_" + labels)) return name + "_" + labels;
  if (name == "dci_disentanglement" || name.rfind("dci_disentanglement_", 0) == 0)
    throw UserError("rank: " + flag + ": DCI disentanglement is not computed: each label set is scored as a factor "
                    "of its own, and disentanglement (per latent dimension, an entropy over the factors) is undefined "
                    "with one factor; dci_completeness_<set> and dci_informativeness_<set> are");
  const auto& externals = results::external_metric_names();
  const auto& disentanglement = results::disentanglement_metric_names();
  if (labels.empty() && (std::find(externals.begin(), externals.end(), name) != externals.end() ||
                         std::find(disentanglement.begin(), disentanglement.end(), name) != disentanglement.end()))
    throw UserError("rank: " + flag + ": '" + name + "' compares with a label set: add --labels SET (one of " +
                    names_or_none(label_sets(metric_names)) + ") or give " + name + "_<set>");
  throw UserError("rank: " + flag + ": unknown metric '" + name + "'" + (labels.empty() ? "" : " (with --labels " + labels + ")") +
                  "; valid: " + names_or_none(metric_names));
}

std::vector<std::string> metrics_used(const std::vector<std::string>& metric_names, const RankOptions& options) {
  std::vector<std::string> used = {"noise_fraction", "active_units"};
  try {
    used.push_back(resolve_metric(metric_names, options.metric, options.labels, "--metric"));
    for (const std::string& name : options.also) used.push_back(resolve_metric(metric_names, name, options.labels, "--also"));
    for (const std::string& name : options.pareto)
      used.push_back(resolve_metric(metric_names, name, options.labels, "--pareto"));
  } catch (const UserError&) {
    return metric_names;
  }
  return used;
}

Ranking rank_groups(const RankInput& input, const RankOptions& options) {
  check_shapes(input);
  check_options(input, options);
  Ranking ranking;
  ranking.metric = resolve_metric(input.metric_names, options.metric, options.labels, "--metric");
  const std::size_t metric = index_of(input.metric_names, ranking.metric, "metric");
  ranking.higher_is_better = higher_is_better(ranking.metric);
  ranking.kind = metric_kind(ranking.metric);
  ranking.confidence = options.confidence;
  ranking.ci = options.ci;
  ranking.bootstrap_samples = options.ci == CiMethod::bootstrap ? options.bootstrap_samples : 0;
  ranking.bootstrap_seed = options.bootstrap_seed;
  ranking.test = options.test;
  ranking.alpha = options.alpha;
  ranking.labels = options.labels;
  ranking.group_by = resolve_group_by(input, options);
  std::vector<std::size_t> also_columns;
  for (const std::string& name : options.also) {
    ranking.also.push_back(resolve_metric(input.metric_names, name, options.labels, "--also"));
    ranking.also_higher_is_better.push_back(higher_is_better(ranking.also.back()));
    also_columns.push_back(index_of(input.metric_names, ranking.also.back(), "metric"));
  }
  for (const std::string& name : options.pareto) {
    ranking.pareto_metrics.push_back(resolve_metric(input.metric_names, name, options.labels, "--pareto"));
    ranking.pareto_higher_is_better.push_back(higher_is_better(ranking.pareto_metrics.back()));
  }
  if (ranking.pareto_metrics.size() == 2 && ranking.pareto_metrics[0] == ranking.pareto_metrics[1])
    throw UserError("rank: --pareto needs two different metrics, got " + ranking.pareto_metrics[0] + " twice");
  const auto column = [&](const char* name) -> std::ptrdiff_t {
    const auto it = std::find(input.metric_names.begin(), input.metric_names.end(), name);
    return it == input.metric_names.end() ? -1 : it - input.metric_names.begin();
  };
  const std::ptrdiff_t noise = column("noise_fraction"), active = column("active_units");
  ranking.has_active_units = active >= 0;

  std::vector<std::size_t> key_columns;
  for (const std::string& k : ranking.group_by) key_columns.push_back(index_of(input.key_names, k, "grouping key"));
  // The grouping key once per distinct key of the input (once per row of a plain input).
  std::map<std::vector<std::string>, Group> groups;
  std::vector<Group*> group_of_key(input.key_count());
  for (std::size_t id = 0; id < group_of_key.size(); ++id) {
    std::vector<std::string> key;
    for (std::size_t c : key_columns) key.push_back(input.key_by_id(id)[c]);
    Group& g = groups[key];
    g.key = std::move(key);
    group_of_key[id] = &g;
  }
  for (std::size_t r = 0; r < input.rows(); ++r) {
    group_of_key[input.key_id(r)]->rows.push_back(r);
    if (noise >= 0 && input.metric(r, static_cast<std::size_t>(noise)) > 0.0) ranking.any_noise = true;
  }
  for (const auto& [key, group] : groups) {
    RankedGroup g = summarise(input, group, metric, options, ranking.max_rows_per_seed);
    for (std::size_t c : also_columns) g.also.push_back(summarise_metric(input, group.rows, c, options));
    g.noise_fraction = noise >= 0 ? row_mean(input, group.rows, static_cast<std::size_t>(noise)) : kNaN;
    g.active_units = active >= 0 ? row_mean(input, group.rows, static_cast<std::size_t>(active)) : kNaN;
    ranking.groups.push_back(std::move(g));
  }
  // Pareto means are computed per group before sorting, through the same per-seed averaging.
  std::vector<double> pareto_x, pareto_y;
  if (!ranking.pareto_metrics.empty()) {
    const std::size_t cx = index_of(input.metric_names, ranking.pareto_metrics[0], "metric");
    const std::size_t cy = index_of(input.metric_names, ranking.pareto_metrics[1], "metric");
    for (const auto& [key, group] : groups) {
      pareto_x.push_back(mean_of(per_seed(input, group.rows, cx).values));
      pareto_y.push_back(mean_of(per_seed(input, group.rows, cy).values));
    }
  }

  // Best first; groups without a value last; the map already ordered equal means by key.
  std::vector<std::size_t> order(ranking.groups.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const bool higher = ranking.higher_is_better;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    const RankedGroup& a = ranking.groups[i];
    const RankedGroup& b = ranking.groups[j];
    if ((a.n == 0) != (b.n == 0)) return b.n == 0;
    if (a.n == 0) return false;
    return higher ? a.mean > b.mean : a.mean < b.mean;
  });
  std::vector<RankedGroup> sorted;
  std::vector<std::size_t> position(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted.push_back(std::move(ranking.groups[order[i]]));
    position[order[i]] = i;
  }
  ranking.groups = std::move(sorted);
  for (std::size_t i = 0; i < ranking.groups.size(); ++i) {
    RankedGroup& g = ranking.groups[i];
    if (g.n == 0) break;
    const bool tied = i > 0 && ranking.groups[i - 1].mean == g.mean;
    g.rank = tied ? ranking.groups[i - 1].rank : static_cast<int>(i + 1);
  }
  compare_with_best(ranking, options);
  add_selection(ranking);
  if (!ranking.pareto_metrics.empty()) {
    for (std::size_t i : pareto_front(pareto_x, pareto_y, ranking.pareto_higher_is_better[0],
                                      ranking.pareto_higher_is_better[1]))
      ranking.pareto.push_back({position[i], pareto_x[i], pareto_y[i]});
  }

  if (ranking.max_rows_per_seed > 1)
    ranking.notes.insert(ranking.notes.begin(),
                         "Groups pool up to " + std::to_string(ranking.max_rows_per_seed) +
                             " rows per seed (keys left out of the grouping); each group's rows are averaged per "
                             "seed first, so n, the intervals and the paired tests count seeds, not rows.");
  add_scored_rows_note(ranking, input);
  add_disentanglement_note(ranking, input);
  if (ranking.kind == MetricKind::diagnostic)
    ranking.notes.push_back(ranking.metric + " is a diagnostic, not a sensible criterion to select a model by; "
                            "ranked as asked, for information.");
  if (options.ci == CiMethod::bootstrap) {
    const bool few = std::any_of(ranking.groups.begin(), ranking.groups.end(),
                                 [](const RankedGroup& g) { return g.n >= 2 && g.n < 10; });
    if (few)
      ranking.notes.push_back("The percentile bootstrap understates the spread with fewer than 10 seeds; the "
                              "t-interval is the safer choice there.");
  }
  return ranking;
}

}  // namespace vaesweep::report
