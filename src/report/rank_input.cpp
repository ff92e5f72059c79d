#include "report/rank_input.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <map>

#include "util/error.hpp"
#include "report/axis_values.hpp"
#include "report/comparison.hpp"
#include "results/records.hpp"

namespace vaesweep::report {

namespace {

// Metrics of /evaluations (everything numeric that is not an identifier or a count).
bool is_metric_column(const std::string& name) {
  return name == "silhouette" || name == "calinski_harabasz" || name == "davies_bouldin" || name == "inertia" ||
         name == "trustworthiness" || name == "noise_fraction" || metric_kind(name) == MetricKind::oracle;
}

// A /units column with a disentanglement score: "<mig|sap|dci_completeness|dci_informativeness>_<set>".
bool is_disentanglement_column(const std::string& name) {
  for (const std::string& metric : results::disentanglement_metric_names())
    if (name.rfind(metric + "_", 0) == 0) return true;
  return false;
}

// "NMI(genre, language) = 0.381, genre explains 100% of language's entropy, language 24% of
// genre's, on 2617 rows labelled in both" per /features column nmi_<a>_and_<b> (with the
// mi_share_ columns when present; one line per feature table when they differ).
std::vector<std::string> label_dependence(const results::ResultsFile& results) {
  std::vector<std::string> lines;
  const auto& f = results.features;
  for (const auto& column : f.columns()) {
    const std::string& name = column.name;
    const std::size_t and_at = name.find("_and_");
    if (name.rfind("nmi_", 0) != 0 || and_at == std::string::npos || !f.has("labelled_" + name.substr(4))) continue;
    const auto& nmi = f.doubles(name);
    const auto& rows = f.ints("labelled_" + name.substr(4));
    const std::string a = name.substr(4, and_at - 4), b = name.substr(and_at + 5);
    const std::string b_from_a = "mi_share_" + b + "_from_" + a, a_from_b = "mi_share_" + a + "_from_" + b;
    const bool shares = f.has(b_from_a) && f.has(a_from_b);
    for (std::size_t i = 0; i < nmi.size(); ++i) {
      char value[96];
      std::snprintf(value, sizeof value, "%.3g", nmi[i]);
      std::string line = "NMI(" + a + ", " + b + ") = " + value;
      if (shares) {
        std::snprintf(value, sizeof value, "%.0f%%", 100 * f.doubles(b_from_a)[i]);
        line += ", " + a + " explains " + value + " of " + b + "'s entropy";
        std::snprintf(value, sizeof value, "%.0f%%", 100 * f.doubles(a_from_b)[i]);
        line += ", " + b + " " + value + " of " + a + "'s";
      }
      line += ", on " + std::to_string(rows[i]) + " rows labelled in both";
      if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
    }
  }
  return lines;
}

// The fixed keys; grid axes with one of these names keep an "axis." prefix.
const std::vector<std::string>& base_keys() {
  static const std::vector<std::string> keys = {"model", "config", "method", "k", "space", "flags"};
  return keys;
}

}  // namespace

// Per label set with a "scored_<set>" column in /evaluations and the data's rows in /features.
std::map<std::string, RankInput::ScoredRows> scored_rows(const results::ResultsFile& results) {
  std::map<std::string, RankInput::ScoredRows> out;
  const auto& f = results.features;
  if (!f.has("rows") || f.rows() == 0) return out;
  const auto& rows = f.ints("rows");
  const std::int64_t most = *std::max_element(rows.begin(), rows.end());
  const std::string prefix = "scored_";
  for (const auto& column : results.evaluations.columns()) {
    const std::string& name = column.name;
    if (name.rfind(prefix, 0) != 0 || (name.size() > 6 && name.compare(name.size() - 6, 6, "_track") == 0)) continue;
    const auto& counts = results.evaluations.ints(name);
    std::int64_t fewest = most;
    for (std::int64_t c : counts)
      if (c > 0) fewest = std::min(fewest, c);  // 0: an evaluation that scored nothing (a failed unit)
    out[name.substr(prefix.size())] = {fewest, most};
  }
  return out;
}

results::ResultsColumns rank_input_columns() {
  results::ResultsColumns columns;
  columns.units = [](const std::string& name, const results::UnitsLayout& layout) {
    static const std::vector<std::string> used = {"unit",      "model",          "config_hash", "seed",
                                                  "collapsed", "condition_on",   "withheld",    "reconstruction",
                                                  "loss",      "kl",             "active_units", "total_correlation"};
    if (std::find(used.begin(), used.end(), name) != used.end() || is_disentanglement_column(name)) return true;
    if (layout.format < 2) return name == "axes";  // format 1: the axes only as text
    return std::any_of(layout.axes.begin(), layout.axes.end(),
                       [&](const results::AxisColumn& a) { return results::axis_column_name(a.name) == name; });
  };
  columns.evaluations = [](const std::string& name) { return name != "config_hash" && name != "status"; };
  return columns;
}

RankInput rank_input(const results::ResultsFile& results) {
  const auto& u = results.units;
  std::map<std::int64_t, std::size_t> unit_row;
  const auto& unit_ids = u.ints("unit");
  for (std::size_t i = 0; i < unit_ids.size(); ++i) unit_row[unit_ids[i]] = i;

  const auto& e = results.evaluations;
  RankInput in;
  in.scored = scored_rows(results);
  in.label_dependence = label_dependence(results);
  // `flags` keeps apart, and shows, rows that are not plain results: scores against a label set
  // the model was conditioned on, withheld scores, collapsed posteriors.
  in.key_names = base_keys();
  in.default_group_by = base_keys();
  for (const auto& column : e.columns())
    if (is_metric_column(column.name)) in.metric_names.push_back(column.name);
  // Unit-level metrics, copied to every evaluation row of the unit: the diagnostics, then the
  // disentanglement scores per label set (mig_<set>, ...) and the total correlation.
  std::vector<std::string> unit_metrics;
  for (const char* name : {"reconstruction", "loss", "kl", "active_units"})
    if (u.has(name)) unit_metrics.push_back(name);
  for (const auto& column : u.columns())
    if (is_disentanglement_column(column.name) || column.name == "total_correlation") unit_metrics.push_back(column.name);
  in.metric_names.insert(in.metric_names.end(), unit_metrics.begin(), unit_metrics.end());

  // Columns looked up once, not per row: results files may hold millions of rows.
  const auto& eval_units = e.ints("unit");
  const auto& models = u.strings("model");
  const UnitAxes axes = unit_axes(u, results.layout);
  const auto& hashes = u.strings("config_hash");
  const auto& unit_seeds = u.ints("seed");
  const auto& methods = e.strings("method");
  const auto& ks = e.ints("k");
  const auto& spaces = e.strings("space");
  // Added with the model family: older results files have none of these.
  const std::vector<std::int64_t> none_int;
  const std::vector<std::string> none_text;
  const auto& conditioned = e.has("conditioned") ? e.ints("conditioned") : none_int;
  const auto& collapsed = u.has("collapsed") ? u.ints("collapsed") : none_int;
  const auto& condition_on = u.has("condition_on") ? u.strings("condition_on") : none_text;
  const auto& withheld = u.has("withheld") ? u.strings("withheld") : none_text;
  std::vector<const std::vector<double>*> metric_columns;
  for (const auto& column : e.columns())
    if (is_metric_column(column.name)) metric_columns.push_back(&e.doubles(column.name));
  // active_units is an integer column; the others are doubles.
  std::vector<std::vector<double>> unit_metric_values;
  for (const std::string& name : unit_metrics) {
    if (name == "active_units") {
      const auto& ints = u.ints(name);
      unit_metric_values.emplace_back(ints.begin(), ints.end());
    } else {
      unit_metric_values.push_back(u.doubles(name));
    }
  }

  // Grid axes as keys of their own, in order of first appearance; a unit without an axis (PCA
  // has no beta) gets "" for it. Values as the axes text shows them (Value::display_exact).
  std::vector<std::string> axis_names;
  for (const std::string& name : axes.names) {
    const bool taken = std::find(base_keys().begin(), base_keys().end(), name) != base_keys().end() || name == "seed";
    axis_names.push_back(taken ? "axis." + name : name);
  }
  std::vector<std::string> configs(u.rows());
  std::vector<std::vector<std::string>> axis_keys(u.rows());
  for (std::size_t i = 0; i < u.rows(); ++i) {
    configs[i] = axes_text(axes.rows[i]);
    in.matching_configs.emplace(configs[i], matching_config(axes.rows[i]));
    for (const std::string& name : axes.names) {
      const Value* v = find_axis(axes.rows[i], name);
      axis_keys[i].push_back(v ? v->display_exact() : std::string());
    }
  }
  in.key_names.insert(in.key_names.end(), axis_names.begin(), axis_names.end());

  for (std::size_t r = 0; r < e.rows(); ++r) {
    const auto it = unit_row.find(eval_units[r]);
    if (it == unit_row.end())
      throw UserError("evaluation row " + std::to_string(r) + " names unit " + std::to_string(eval_units[r]) +
                      ", which is not in /units (a damaged results file?)");
    const std::size_t ur = it->second;
    std::string flags;
    const auto flag = [&](const std::string& f) { flags += (flags.empty() ? "" : ", ") + f; };
    if (!conditioned.empty() && conditioned[r]) flag("CONDITIONED on " + condition_on[ur] + " (scores not honest)");
    if (!withheld.empty() && !withheld[ur].empty()) flag(withheld[ur] + " withheld (conditioned on it)");
    if (!collapsed.empty() && collapsed[ur]) flag("collapsed");
    std::vector<std::string> key = {models[ur], configs[ur], methods[r], std::to_string(ks[r]), spaces[r], flags};
    key.insert(key.end(), axis_keys[ur].begin(), axis_keys[ur].end());
    in.keys.push_back(std::move(key));
    in.unit_ids.push_back(std::to_string(eval_units[r]) + ":" + hashes[ur].substr(0, 12));
    in.config_hashes.push_back(hashes[ur]);
    in.seeds.push_back(unit_seeds[ur]);
    std::vector<double> values;
    values.reserve(in.metric_names.size());
    for (const auto* column : metric_columns) values.push_back((*column)[r]);
    for (const auto& column : unit_metric_values) values.push_back(column[ur]);
    in.metrics.push_back(std::move(values));
  }
  return in;
}

}  // namespace vaesweep::report
