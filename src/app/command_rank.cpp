#include <cmath>
#include <iostream>
#include <map>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "core/error.hpp"
#include "report/ranking.hpp"
#include "report/ranking_format.hpp"
#include "sweep/records.hpp"
#include "sweep/results_file.hpp"

namespace vaesweep::app {
namespace {

// Metrics that compare with a label set (<metric>_<set>, <metric>_<set>_track): ranking by
// them selects with the labels (an oracle).
bool is_label_metric(const std::string& name) {
  for (const auto& metric : sweep::external_metric_names())
    if (name.rfind(metric + "_", 0) == 0) return true;
  return false;
}

// Evaluation columns that are metrics (everything numeric that is not an identifier or a count).
bool is_metric_column(const std::string& name) {
  return name == "silhouette" || name == "calinski_harabasz" || name == "davies_bouldin" || name == "inertia" ||
         name == "trustworthiness" || name == "noise_fraction" || is_label_metric(name);
}

report::RankInput rank_input(const sweep::ResultsFile& results) {
  const auto& u = results.units;
  std::map<std::int64_t, std::size_t> unit_row;
  const auto& unit_ids = u.ints("unit");
  for (std::size_t i = 0; i < unit_ids.size(); ++i) unit_row[unit_ids[i]] = i;

  const auto& e = results.evaluations;
  report::RankInput in;
  // `flags` keeps apart, and shows, rows that are not plain results: scores against a label set
  // the model was conditioned on, withheld scores, collapsed posteriors.
  in.key_names = {"model", "config", "method", "k", "space", "flags"};
  for (const auto& column : e.columns())
    if (is_metric_column(column.name)) in.metric_names.push_back(column.name);
  // Columns looked up once, not per row: results files may hold millions of rows.
  const auto& eval_units = e.ints("unit");
  const auto& models = u.strings("model");
  const auto& axes = u.strings("axes");
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
  for (const auto& name : in.metric_names) metric_columns.push_back(&e.doubles(name));
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
    in.keys.push_back({models[ur], axes[ur], methods[r], std::to_string(ks[r]), spaces[r], flags});
    in.unit_ids.push_back(std::to_string(eval_units[r]) + ":" + hashes[ur].substr(0, 12));
    in.seeds.push_back(unit_seeds[ur]);
    std::vector<double> values;
    values.reserve(metric_columns.size());
    for (const auto* column : metric_columns) values.push_back((*column)[r]);
    in.metrics.push_back(std::move(values));
  }
  return in;
}

}  // namespace

int command_rank(const std::vector<std::string>& args) {
  std::string file, metric, format = "md";
  std::size_t top = 0;
  po::options_description options("vaesweep rank options");
  options.add_options()
      ("results", po::value(&file)->required(), "results file written by vaesweep run")
      ("metric,m", po::value(&metric)->default_value("silhouette"),
       "metric to rank by: silhouette, calinski_harabasz, davies_bouldin, inertia, trustworthiness, or "
       "<ari|nmi|ami|purity|homogeneity|completeness|v_measure|fmi>_<label set>[_track]")
      ("format,f", po::value(&format)->default_value("md"), "md or csv")
      ("top", po::value(&top)->default_value(0), "print only the best N groups (0 = all)");
  po::positional_options_description positional;
  positional.add("results", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep rank RESULTS.h5 [--metric NAME] [--format md|csv] [--top N]\n\n"
      "Groups evaluations that differ only by seed; reports mean, std, 95% t-interval and the seeds.";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  if (format != "md" && format != "csv")
    throw UserError("--format: unknown format \"" + format + "\"; valid formats are: md, csv");

  const sweep::ResultsFile results = sweep::read_results_file(file);
  report::RankOptions rank_options;
  rank_options.metric = metric;
  const report::Ranking ranking = report::rank_groups(rank_input(results), rank_options);
  if (format == "csv") {
    std::cout << report::format_csv(ranking);
    return kExitOk;
  }
  std::cout << "Study \"" << results.study_name << "\" (study sha256 " << results.study_sha256.substr(0, 12)
            << "), results " << file << "\n";
  if (is_label_metric(metric))
    std::cout << "Selection by " << metric
              << " uses the labels: an oracle ranking, not a label-free model selection.\n";
  else
    std::cout << "Selection by " << metric << " is label-free.\n";
  std::cout << "\n" << report::format_markdown(ranking, top);
  return kExitOk;
}

}  // namespace vaesweep::app
