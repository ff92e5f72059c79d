#include "report/ranking_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>

#include "util/csv_field.hpp"
#include "util/strings.hpp"

namespace vaesweep::report {

namespace {

// Four decimals suit the bounded scores (silhouette, ARI, NMI); Calinski-Harabasz runs into
// the tens of thousands and beyond, where one decimal is plenty; tiny values keep 4 significant
// digits instead of printing as 0.0000.
std::string human_number(double v) {
  if (std::isnan(v)) return "n/a";
  char buffer[64];
  const double a = std::fabs(v);
  const char* format = (a != 0.0 && a < 1e-3) ? "%.4g" : a < 1e4 ? "%.4f" : "%.1f";
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

// p-values: three significant digits, "-" where there is no test.
std::string p_text(double p) {
  if (std::isnan(p)) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", p);
  return buffer;
}

std::string exact_number(double v) {
  if (std::isnan(v)) return "";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

std::string markdown_cell(std::string_view text) {
  if (text.empty()) return "-";
  std::string s;
  for (char c : text) {
    if (c == '|') s += "\\|";
    else if (c == '\n' || c == '\r') s += ' ';
    else s += c;
  }
  return s;
}

template <typename T, typename ToText>
std::string joined(const std::vector<T>& values, std::string_view separator, ToText to_text) {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += separator;
    s += to_text(values[i]);
  }
  return s;
}

std::string seeds_text(const std::vector<std::int64_t>& seeds, std::string_view separator) {
  return joined(seeds, separator, [](std::int64_t s) { return std::to_string(s); });
}

std::string percent(double confidence) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g%%", confidence * 100.0);
  return buffer;
}

std::string interval_name(const Ranking& r) {
  if (r.ci == CiMethod::t) return percent(r.confidence) + " Student-t CI";
  return percent(r.confidence) + " percentile-bootstrap CI (" + std::to_string(r.bootstrap_samples) +
         " resamples, seed " + std::to_string(r.bootstrap_seed) + ")";
}

std::string test_name(PairedTest t) { return t == PairedTest::t ? "paired t test" : "Wilcoxon signed-rank test"; }

std::string verdict_text(const RankedGroup& g) {
  return std::string(to_string(g.verdict)) + (g.underpowered && g.verdict == Verdict::tie ? "*" : "");
}

std::string group_label(const Ranking& r, const RankedGroup& g) {
  std::string s;
  for (std::size_t i = 0; i < r.group_by.size(); ++i)
    s += (i > 0 ? ", " : "") + r.group_by[i] + "=" + markdown_cell(g.key_values[i]);
  return s;
}

bool pools_rows(const Ranking& r) { return r.max_rows_per_seed > 1; }

std::string selection_markdown(const Ranking& r) {
  if (r.selection.empty()) return "";
  const RankedGroup& choice = r.groups[0];
  std::string out = "\n### Selection: label-free choice vs oracle choice\n\nLabel-free choice (best by " + r.metric +
                    "): " + group_label(r, choice) + ". An oracle picks by the labels it is scored on; the gap is " +
                    "the optimism of selecting by labels.\n\n";
  out += "| label metric | label-free choice | oracle choice | oracle value | oracle - label-free |\n";
  out += "|---|---:|---|---:|---:|\n";
  for (const OracleGap& gap : r.selection) {
    out += "| " + gap.label_metric + " | " + human_number(gap.label_free_value) + " | " +
           group_label(r, r.groups[gap.oracle_group]) + " | " + human_number(gap.oracle_value) + " | " +
           human_number(gap.oracle_value - gap.label_free_value) + " |\n";
  }
  return out;
}

std::string pareto_markdown(const Ranking& r) {
  if (r.pareto_metrics.empty()) return "";
  const auto direction = [](bool higher) { return higher ? "higher" : "lower"; };
  std::string out = "\n### Pareto front: " + r.pareto_metrics[0] + " (" + direction(r.pareto_higher_is_better[0]) +
                    " is better) vs " + r.pareto_metrics[1] + " (" + direction(r.pareto_higher_is_better[1]) +
                    " is better)\n\nGroup means over seeds; " + std::to_string(r.pareto.size()) +
                    " non-dominated group(s), sorted by " + r.pareto_metrics[0] + ".\n\n| rank |";
  std::string rule = "|---:|";
  for (const std::string& k : r.group_by) {
    out += " " + markdown_cell(k) + " |";
    rule += "---|";
  }
  out += " " + r.pareto_metrics[0] + " | " + r.pareto_metrics[1] + " |\n" + rule + "---:|---:|\n";
  for (const ParetoPoint& p : r.pareto) {
    const RankedGroup& g = r.groups[p.group];
    out += "| " + (g.rank > 0 ? std::to_string(g.rank) : std::string("-")) + " |";
    for (const std::string& v : g.key_values) out += " " + markdown_cell(v) + " |";
    out += " " + human_number(p.x) + " | " + human_number(p.y) + " |\n";
  }
  return out;
}

nlohmann::ordered_json number_json(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

}  // namespace

std::string format_markdown(const Ranking& r, std::size_t max_rows) {
  const bool any_missing =
      std::any_of(r.groups.begin(), r.groups.end(), [](const RankedGroup& g) { return g.n_missing > 0; });
  const bool active = r.has_active_units &&
                      std::any_of(r.groups.begin(), r.groups.end(), [](const RankedGroup& g) { return !std::isnan(g.active_units); });
  std::string out = "## Ranking by " + r.metric + " (" + (r.higher_is_better ? "higher" : "lower") +
                    " is better): " + (r.kind == MetricKind::oracle ? "oracle selection" : "label-free selection") +
                    (r.kind == MetricKind::diagnostic ? " (by a diagnostic)" : "") + "\n\n";
  if (r.kind == MetricKind::oracle)
    out += "Selection by " + r.metric + " uses the labels: an oracle ranking, not a label-free model selection.\n";
  else
    out += "Selection by " + r.metric + " is label-free.\n";
  out += "Grouped by " + join(r.group_by) + ", across seeds; mean and " + interval_name(r) + " over seeds; " +
         test_name(r.test) + " of each group against the best on the seeds both have, Holm-corrected (alpha " +
         p_text(r.alpha) + ").\n\n";

  std::string header = "| rank |";
  std::string rule = "|---:|";
  for (const std::string& k : r.group_by) {
    header += " " + markdown_cell(k) + " |";
    rule += "---|";
  }
  header += " mean | std | CI low | CI high | n |";
  rule += "---:|---:|---:|---:|---:|";
  if (pools_rows(r)) {
    header += " rows |";
    rule += "---:|";
  }
  if (any_missing) {
    header += " missing |";
    rule += "---:|";
  }
  header += " verdict | p | p (Holm) | pairs |";
  rule += "---|---:|---:|---:|";
  if (r.any_noise) {
    header += " noise |";
    rule += "---:|";
  }
  if (active) {
    header += " active units |";
    rule += "---:|";
  }
  for (const std::string& m : r.also) {
    header += " " + m + " | " + m + " CI |";
    rule += "---:|---:|";
  }
  header += " seeds |";
  rule += "---|";
  out += header + "\n" + rule + "\n";

  const std::size_t shown = max_rows == 0 ? r.groups.size() : std::min(max_rows, r.groups.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const RankedGroup& g = r.groups[i];
    std::string row = "| " + (g.rank > 0 ? std::to_string(g.rank) : std::string("-")) + " |";
    for (const std::string& v : g.key_values) row += " " + markdown_cell(v) + " |";
    row += " " + human_number(g.mean) + " | " + human_number(g.std) + " | " + human_number(g.ci_low) + " | " +
           human_number(g.ci_high) + " | " + std::to_string(g.n) + " |";
    if (pools_rows(r)) row += " " + std::to_string(g.n_rows) + " |";
    if (any_missing) row += " " + std::to_string(g.n_missing) + " |";
    row += " " + verdict_text(g) + " | " + p_text(g.p) + " | " + p_text(g.p_holm) + " | " +
           (g.verdict == Verdict::best || g.n == 0 ? std::string("-") : std::to_string(g.n_pairs)) + " |";
    if (r.any_noise) row += " " + human_number(g.noise_fraction) + " |";
    if (active) row += " " + human_number(g.active_units) + " |";
    for (const MetricSummary& s : g.also)
      row += " " + human_number(s.mean) + " | " + human_number(s.ci_low) + " .. " + human_number(s.ci_high) + " |";
    row += " " + seeds_text(g.seeds, ", ") + " |";
    out += row + "\n";
  }
  if (shown < r.groups.size()) {
    out += "\n(" + std::to_string(r.groups.size() - shown) + " more groups not shown; " +
           std::to_string(r.groups.size()) + " in all)\n";
  }
  if (!r.notes.empty()) {
    out += "\nNotes:\n";
    for (const std::string& note : r.notes) out += "- " + note + "\n";
  }
  out += selection_markdown(r);
  out += pareto_markdown(r);
  return out;
}

std::string format_csv(const Ranking& r) {
  std::vector<bool> on_front(r.groups.size(), false);
  for (const ParetoPoint& p : r.pareto) on_front[p.group] = true;
  std::string out = "rank";
  for (const std::string& k : r.group_by) out += "," + csv_field(k);
  out += ",mean,std,ci_low,ci_high,n,n_rows,n_missing,verdict,p,p_holm,n_pairs";
  if (r.any_noise) out += ",noise_fraction";
  if (r.has_active_units) out += ",active_units";
  for (const std::string& m : r.also) out += "," + csv_field(m + "_mean") + "," + csv_field(m + "_ci_low") + "," + csv_field(m + "_ci_high");
  if (!r.pareto_metrics.empty()) out += ",pareto";
  out += ",seeds,unit_ids\n";
  for (std::size_t i = 0; i < r.groups.size(); ++i) {
    const RankedGroup& g = r.groups[i];
    std::string row = g.rank > 0 ? std::to_string(g.rank) : std::string();
    for (const std::string& v : g.key_values) row += "," + csv_field(v);
    row += "," + exact_number(g.mean) + "," + exact_number(g.std) + "," + exact_number(g.ci_low) + "," +
           exact_number(g.ci_high) + "," + std::to_string(g.n) + "," + std::to_string(g.n_rows) + "," +
           std::to_string(g.n_missing);
    row += "," + csv_field(verdict_text(g)) + "," + exact_number(g.p) + "," + exact_number(g.p_holm) + "," +
           std::to_string(g.n_pairs);
    if (r.any_noise) row += "," + exact_number(g.noise_fraction);
    if (r.has_active_units) row += "," + exact_number(g.active_units);
    for (const MetricSummary& s : g.also)
      row += "," + exact_number(s.mean) + "," + exact_number(s.ci_low) + "," + exact_number(s.ci_high);
    if (!r.pareto_metrics.empty()) row += on_front[i] ? ",1" : ",0";
    row += "," + csv_field(seeds_text(g.seeds, ";"), true);
    row += "," + csv_field(joined(g.unit_ids, ";", [](const std::string& u) { return u; }), true);
    out += row + "\n";
  }
  return out;
}

std::string format_json(const Ranking& r, const RankProvenance& provenance) {
  using json = nlohmann::ordered_json;
  json j;
  j["study"] = provenance.study_name;
  j["study_sha256"] = provenance.study_sha256;
  j["results"] = provenance.results_path;
  j["command_line"] = provenance.command_line;
  j["aggregate"] = provenance.aggregate_name.empty() ? json(nullptr) : json("/aggregate/" + provenance.aggregate_name);
  j["metric"] = r.metric;
  j["higher_is_better"] = r.higher_is_better;
  j["selection"] = to_string(r.kind == MetricKind::oracle ? MetricKind::oracle : MetricKind::label_free);
  j["metric_kind"] = to_string(r.kind);
  j["labels"] = r.labels.empty() ? json(nullptr) : json(r.labels);
  j["group_by"] = r.group_by;
  j["confidence"] = r.confidence;
  j["ci"] = to_string(r.ci);
  if (r.ci == CiMethod::bootstrap) j["bootstrap"] = {{"samples", r.bootstrap_samples}, {"seed", r.bootstrap_seed}};
  j["test"] = to_string(r.test);
  j["alpha"] = r.alpha;
  j["correction"] = "holm";
  j["max_rows_per_seed"] = r.max_rows_per_seed;
  j["replication_unit"] = "seed";
  j["notes"] = r.notes;
  j["also"] = r.also;
  json groups = json::array();
  for (const RankedGroup& g : r.groups) {
    json keys = json::object();
    for (std::size_t i = 0; i < r.group_by.size(); ++i)
      keys[r.group_by[i]] = g.key_values[i].empty() ? json(nullptr) : json(g.key_values[i]);
    json per_seed = json::array();
    for (std::size_t i = 0; i < g.seeds.size(); ++i) per_seed.push_back({{"seed", g.seeds[i]}, {"value", number_json(g.seed_values[i])}});
    json also = json::object();
    for (std::size_t a = 0; a < r.also.size(); ++a)
      also[r.also[a]] = {{"mean", number_json(g.also[a].mean)},
                         {"ci_low", number_json(g.also[a].ci_low)},
                         {"ci_high", number_json(g.also[a].ci_high)},
                         {"n", g.also[a].n}};
    groups.push_back({{"rank", g.rank > 0 ? json(g.rank) : json(nullptr)},
                      {"keys", keys},
                      {"mean", number_json(g.mean)},
                      {"std", number_json(g.std)},
                      {"ci_low", number_json(g.ci_low)},
                      {"ci_high", number_json(g.ci_high)},
                      {"n", g.n},
                      {"n_rows", g.n_rows},
                      {"n_missing", g.n_missing},
                      {"verdict", to_string(g.verdict)},
                      {"underpowered", g.underpowered},
                      {"p", number_json(g.p)},
                      {"p_holm", number_json(g.p_holm)},
                      {"n_pairs", g.n_pairs},
                      {"noise_fraction", number_json(g.noise_fraction)},
                      {"active_units", number_json(g.active_units)},
                      {"also", also},
                      {"seeds", g.seeds},
                      {"per_seed", per_seed},
                      {"unit_ids", g.unit_ids},
                      {"config_hashes", g.config_hashes}});
  }
  j["groups"] = groups;
  if (!r.selection.empty()) {
    json gaps = json::array();
    for (const OracleGap& gap : r.selection)
      gaps.push_back({{"label_metric", gap.label_metric},
                      {"label_free_value", number_json(gap.label_free_value)},
                      {"oracle_group", gap.oracle_group},
                      {"oracle_value", number_json(gap.oracle_value)},
                      {"optimism", number_json(gap.oracle_value - gap.label_free_value)}});
    j["selection_gap"] = {{"label_free_choice", 0}, {"by_label_metric", gaps}};
  }
  if (!r.pareto_metrics.empty()) {
    json front = json::array();
    for (const ParetoPoint& p : r.pareto)
      front.push_back({{"group", p.group}, {r.pareto_metrics[0], number_json(p.x)}, {r.pareto_metrics[1], number_json(p.y)}});
    j["pareto"] = {{"metrics", r.pareto_metrics}, {"higher_is_better", r.pareto_higher_is_better}, {"front", front}};
  }
  return j.dump(2) + "\n";
}

}  // namespace vaesweep::report
