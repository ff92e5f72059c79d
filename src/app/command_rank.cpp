#include <filesystem>
#include <iostream>
#include <optional>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "report/aggregate.hpp"
#include "report/rank_input.hpp"
#include "report/ranking.hpp"
#include "report/ranking_format.hpp"
#include "results/results_file.hpp"
#include "results/run_lock.hpp"

namespace vaesweep::app {
namespace {

// More resamples than this buy no precision a CI can show, and 1e10 of them exhausted memory.
constexpr long long kMaxBootstrapSamples = 1000000;

// "a,b,c" -> {a, b, c}; empty pieces (a trailing comma) are a mistake worth naming.
std::vector<std::string> list_flag(const std::string& text, const char* flag) {
  std::vector<std::string> items = split(text, ',');
  for (const std::string& item : items)
    if (item.empty()) throw UserError(std::string(flag) + " \"" + text + "\": an empty name in the list");
  return items;
}

std::string command_line(const std::vector<std::string>& args) {
  std::string line = "vaesweep rank";
  for (const std::string& a : args)
    line += " " + (a.find_first_of(" \t\"'") == std::string::npos ? a : "'" + a + "'");
  return line;
}

}  // namespace

int command_rank(const std::vector<std::string>& args) {
  std::string file, metric, format = "md", group_by, labels, ci = "t", test = "t", also, pareto, name;
  long long top = 0, bootstrap_samples = 10000;  // signed: "-1" must be refused, not wrapped
  report::RankOptions o;
  bool no_write = false;
  po::options_description options("vaesweep rank options");
  options.add_options()
      ("results", po::value(&file)->required(), "results file written by vaesweep run")
      ("metric,m", po::value(&metric)->default_value("silhouette"),
       "metric to rank by: silhouette, calinski_harabasz, davies_bouldin, inertia, trustworthiness, "
       "reconstruction, loss, kl, active_units, noise_fraction, or <ari|nmi|ami|purity|homogeneity|completeness|"
       "v_measure|fmi>_<label set>[_track] (or the bare name with --labels)")
      ("labels", po::value(&labels), "label set completing bare label metrics (--metric nmi --labels genre)")
      ("group-by", po::value(&group_by),
       "comma-separated keys: model, config, method, k, space, flags, or any grid axis (beta, latent_dim, ...); "
       "default: model,config,method,k,space,flags")
      ("ci", po::value(&ci)->default_value("t"), "interval of the mean over seeds: t or bootstrap")
      ("confidence", po::value(&o.confidence)->default_value(0.95), "confidence of the intervals")
      ("bootstrap-samples", po::value(&bootstrap_samples)->default_value(10000),
       "resamples for --ci bootstrap (1 to 1000000)")
      ("bootstrap-seed", po::value(&o.bootstrap_seed)->default_value(0), "seed of the bootstrap resampling")
      ("test", po::value(&test)->default_value("t"),
       "paired test of each group against the best across shared seeds: t or wilcoxon")
      ("alpha", po::value(&o.alpha)->default_value(0.05), "significance level after Holm's correction")
      ("also", po::value(&also), "comma-separated further metrics shown (mean and CI) for the same groups")
      ("pareto", po::value(&pareto), "two comma-separated metrics: their Pareto front over the groups")
      ("format,f", po::value(&format)->default_value("md"), "md, csv or json")
      ("top", po::value(&top)->default_value(0), "md: print only the best N groups (0 = all)")
      ("name", po::value(&name), "table name under /aggregate (default <metric>__by_<keys joined by +>)")
      ("no-write", po::bool_switch(&no_write), "do not write /aggregate into the results file");
  po::positional_options_description positional;
  positional.add("results", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep rank RESULTS.h5 [--metric NAME [--labels SET]] [--group-by K1,K2] [--ci t|bootstrap]\n"
      "                     [--test t|wilcoxon] [--alpha A] [--also M1,M2] [--pareto M1,M2]\n"
      "                     [--format md|csv|json] [--top N] [--name NAME] [--no-write]\n\n"
      "Groups evaluations across seeds; reports mean, std, confidence interval, a paired test of every group\n"
      "against the best (Holm-corrected) and the seeds; writes the table to /aggregate/NAME in the results file.";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  if (top < 0) throw po::error("--top must be 0 (every group) or a positive count, got " + std::to_string(top));
  if (bootstrap_samples < 1 || bootstrap_samples > kMaxBootstrapSamples)
    throw po::error("--bootstrap-samples must be between 1 and " + std::to_string(kMaxBootstrapSamples) + ", got " +
                    std::to_string(bootstrap_samples));
  o.bootstrap_samples = static_cast<std::size_t>(bootstrap_samples);
  if (vm.count("group-by") && group_by.empty()) throw po::error("--group-by needs at least one key");
  if (format != "md" && format != "csv" && format != "json")
    throw UserError("--format: unknown format \"" + format + "\"; valid formats are: md, csv, json");
  o.metric = metric;
  o.labels = labels;
  o.ci = report::parse_ci_method(ci);
  o.test = report::parse_paired_test(test);
  if (!group_by.empty()) o.group_by = list_flag(group_by, "--group-by");
  if (!also.empty()) o.also = list_flag(also, "--also");
  if (!pareto.empty()) o.pareto = list_flag(pareto, "--pareto");
  if (vm.count("name")) report::check_aggregate_name(name);

  // The lock is held from before the read to after the rename: no run may replace the file
  // between the rows we rank and the file we write them into.
  std::optional<results::RunLock> lock;
  if (!no_write && std::filesystem::exists(file)) {
    report::check_results_writable(file);
    lock.emplace(file);
  }
  // /evaluations is read a block at a time into the compact input (report/rank_input.hpp).
  report::RankFile input = report::read_rank_input(file, o);
  const report::Ranking ranking = report::rank_groups(input.input, o);
  input.input = {};
  const std::string& study_name = input.study_name;
  const std::string& study_sha256 = input.study_sha256;
  if (!vm.count("name")) name = report::default_aggregate_name(ranking);
  if (!no_write) report::write_aggregate(file, name, ranking, {study_sha256, command_line(args)});

  if (format == "csv") {
    std::cout << report::format_csv(ranking);
  } else if (format == "json") {
    std::cout << report::format_json(ranking, {study_name, study_sha256, file, command_line(args),
                                               no_write ? "" : name});
  } else {
    std::cout << "Study \"" << study_name << "\" (study sha256 " << study_sha256.substr(0, 12)
              << "), results " << file << (no_write ? "" : ", written to /aggregate/" + name) << "\n\n"
              << report::format_markdown(ranking, static_cast<std::size_t>(top));
  }
  return kExitOk;
}

}  // namespace vaesweep::app
