#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/error.hpp"
#include "report/comparison.hpp"
#include "report/rank_input.hpp"
#include "report/table_writer.hpp"
#include "results/results_file.hpp"

namespace vaesweep::app {
namespace {
using Json = nlohmann::ordered_json;

std::string number(double d) {
  if (std::isnan(d)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", d);
  return buffer;
}

std::string interval(double mean, double low, double high) {
  if (std::isnan(mean)) return "";
  return number(mean) + (std::isnan(low) ? "" : " [" + number(low) + ", " + number(high) + "]");
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ";") + s;
  return out;
}

void write_table(const report::Comparison& c, report::TableFormat format) {
  report::TableWriter out(std::cout, format);
  std::vector<std::string> names = c.key_names;
  for (const char* n : {"agreement", "n_a", "mean_a", "ci_low_a", "ci_high_a", "n_b", "mean_b", "ci_low_b", "ci_high_b",
                        "n_pairs", "diff", "diff_ci_low", "diff_ci_high", "max_abs_diff", "p", "p_holm", "units_a",
                        "units_b"})
    names.push_back(n);
  out.header(names);
  for (const auto& x : c.configs) {
    std::vector<Json> row;
    for (const auto& k : x.key_values) row.push_back(k);
    row.push_back(report::to_string(x.agreement));
    for (const Json& v : {Json(x.n_a), Json(x.mean_a), Json(x.ci_low_a), Json(x.ci_high_a), Json(x.n_b), Json(x.mean_b),
                          Json(x.ci_low_b), Json(x.ci_high_b), Json(x.n_pairs), Json(x.diff), Json(x.diff_ci_low),
                          Json(x.diff_ci_high), Json(x.max_abs_diff), Json(x.p), Json(x.p_holm)})
      row.push_back(v);
    row.push_back(joined(x.unit_ids_a));
    row.push_back(joined(x.unit_ids_b));
    out.row(row);
  }
  out.finish();
}

void write_markdown(const report::Comparison& c, const std::string& a, const results::ResultsFile& ra,
                    const std::string& b, const results::ResultsFile& rb, std::size_t top) {
  std::map<report::Agreement, std::size_t> counts;
  for (const auto& x : c.configs) ++counts[x.agreement];
  const auto count = [&](report::Agreement g) { return counts.count(g) ? counts.at(g) : 0; };
  std::cout << "A: " << a << " (study \"" << ra.study_name << "\", sha256 " << ra.study_sha256.substr(0, 12) << ")\n"
            << "B: " << b << " (study \"" << rb.study_name << "\", sha256 " << rb.study_sha256.substr(0, 12) << ")\n"
            << "metric: " << c.metric << " (" << (c.higher_is_better ? "higher" : "lower")
            << " is better); B - A per shared seed, paired t-test, Holm-corrected at alpha " << number(c.alpha) << ", "
            << number(100 * c.confidence) << "% intervals\n"
            << "configurations: " << count(report::Agreement::identical) << " identical, "
            << count(report::Agreement::same) << " not significantly different, " << count(report::Agreement::differs) << " differ, "
            << count(report::Agreement::untested) << " untested (fewer than 2 shared seeds), "
            << count(report::Agreement::only_a) << " in A only, " << count(report::Agreement::only_b) << " in B only\n\n";
  std::cout << "| model | config | method | k | space | flags | agreement | A mean [CI] | B mean [CI] | pairs | B - A [CI] | max |d| | p (Holm) |\n"
            << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  std::size_t shown = 0;
  for (const auto& x : c.configs) {
    if (top && shown++ >= top) break;
    const auto& k = x.key_values;
    std::cout << "| " << k[0] << " | " << k[1] << " | " << k[2] << " | " << k[3] << " | " << k[4] << " | " << k[5] << " | "
              << report::to_string(x.agreement) << " | " << interval(x.mean_a, x.ci_low_a, x.ci_high_a) << " | "
              << interval(x.mean_b, x.ci_low_b, x.ci_high_b) << " | " << x.n_pairs << " | "
              << interval(x.diff, x.diff_ci_low, x.diff_ci_high) << " | " << number(x.max_abs_diff) << " | "
              << number(x.p_holm) << " |\n";
  }
  if (top && c.configs.size() > top) std::cout << "\n(" << c.configs.size() - top << " more; --top 0 shows all)\n";
}

}  // namespace

int command_compare(const std::vector<std::string>& args) {
  std::string a, b, metric, labels, format = "md";
  long long top = 0;
  report::RankOptions o;
  po::options_description options("vaesweep compare options");
  options.add_options()
      ("a", po::value(&a)->required(), "results file A (the reference, e.g. last month's study)")
      ("b", po::value(&b)->required(), "results file B (the one to check against A)")
      ("metric,m", po::value(&metric)->default_value("silhouette"), "metric compared (as in vaesweep rank)")
      ("labels", po::value(&labels), "label set completing bare label metrics (--metric nmi --labels genre)")
      ("confidence", po::value(&o.confidence)->default_value(0.95), "confidence of the intervals")
      ("alpha", po::value(&o.alpha)->default_value(0.05), "significance level after Holm's correction")
      ("format,f", po::value(&format)->default_value("md"), "md, csv or json")
      ("top", po::value(&top)->default_value(0), "md: print only the first N configurations (0 = all)");
  po::positional_options_description positional;
  positional.add("a", 1).add("b", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep compare A.h5 B.h5 [--metric NAME [--labels SET]] [--format md|csv|json] [--top N]\n\n"
      "Matches the configurations of two results files by their settings (model, grid axes, method, k, space),\n"
      "not by hash; gives each side's mean and interval over seeds, the paired difference B - A on shared\n"
      "seeds with its test, and what exists on one side only.";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  if (top < 0) throw po::error("--top must be 0 (all) or a positive count, got " + std::to_string(top));
  if (!(o.confidence > 0 && o.confidence < 1))
    throw po::error("--confidence must be between 0 and 1, got " + std::to_string(o.confidence));
  if (!(o.alpha > 0 && o.alpha < 1)) throw po::error("--alpha must be between 0 and 1, got " + std::to_string(o.alpha));
  if (format != "md" && format != "csv" && format != "json")
    throw UserError("--format: unknown format \"" + format + "\"; valid formats are: md, csv, json");
  o.metric = metric;
  o.labels = labels;
  const results::ResultsFile ra = results::read_results_file(a), rb = results::read_results_file(b);
  const report::Comparison c = report::compare_results(report::compact_rank_input(ra), report::compact_rank_input(rb), o);
  if (format == "md") write_markdown(c, a, ra, b, rb, static_cast<std::size_t>(top));
  else write_table(c, report::parse_table_format(format));
  return kExitOk;
}

}  // namespace vaesweep::app
