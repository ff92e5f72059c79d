// vaesweep score: the metrics of one labelling of a feature table.
//
//   internal (label-free), on the rows of X.csv (z-scored first with --standardize, as cluster's
//     option): silhouette, calinski_harabasz, davies_bouldin, as scikit-learn 1.2. Noise samples (label -1, DBSCAN's) are left out; n_noise and
//     coverage (the share of samples scored) say how many. Fewer than 2 clusters (or as many
//     clusters as samples) gives null values and a "note".
//   external, with --true: ari, nmi, ami, homogeneity, completeness, v_measure,
//     fowlkes_mallows, purity against the truth labels (any strings). Noise counts as one
//     cluster there, as it does when DBSCAN's labels are passed to scikit-learn.
//
// Label files are CSVs with a label column (--label-column / --true-column, default "label")
// and optionally an id column (id, filename, path, file, track_id: as `vaesweep cluster`).
// Rows are matched to X.csv by id when the label file has one (X.csv rows without an id column
// are named by their 0-based index), else by position.
//
// Output: JSON (default; one flat object, keys sorted, numbers in the shortest form that reads
// back as the same double, NaN as null) or text (key: value lines).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <unordered_map>
#include <variant>

#include "app/cluster_io.hpp"
#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"
#include "metrics/external.hpp"
#include "metrics/internal.hpp"

namespace vaesweep::app {
namespace {

struct Null {};
using Value = std::variant<Null, double, long long, std::string>;
using Report = std::map<std::string, Value>;

// One label per row of X, in X's order.
std::vector<std::string> aligned_labels(const std::string& file, const std::string& column,
                                        const std::vector<std::string>& x_ids, bool x_has_ids, const std::string& x_file) {
  const io::CsvTable csv = io::read_csv(file);
  const std::size_t c = csv.column_index(column);
  if (csv.rows.size() != x_ids.size())
    throw UserError(file + ": " + std::to_string(csv.rows.size()) + " label rows, but " + x_file + " has " +
                    std::to_string(x_ids.size()) + " rows");
  for (std::size_t r = 0; r < csv.rows.size(); ++r)
    if (csv.rows[r][c].empty()) throw UserError(csv.where(r) + ": column \"" + column + "\" is empty in this row");

  const std::string id_column = cluster_id_column(csv);
  std::vector<std::string> labels(x_ids.size());
  if (id_column.empty()) {  // by position
    for (std::size_t r = 0; r < csv.rows.size(); ++r) labels[r] = csv.rows[r][c];
    return labels;
  }
  const std::size_t ic = csv.column_index(id_column);
  std::unordered_map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto [it, fresh] = row_of.emplace(csv.rows[r][ic], r);
    if (!fresh)
      throw UserError(csv.where(r) + ": " + id_column + " \"" + std::string(csv.rows[r][ic]) + "\" appears twice (first at " +
                      csv.where(it->second) + ")");
  }
  for (std::size_t i = 0; i < x_ids.size(); ++i) {
    const auto it = row_of.find(x_ids[i]);
    if (it == row_of.end())
      throw UserError(file + ": no row with " + id_column + " \"" + x_ids[i] + "\", the id of row " +
                      std::to_string(i) + " of " + x_file +
                      (x_has_ids ? std::string()
                                 : std::string(" (") + x_file + " has no id column, so its rows are named by their "
                                               "0-based index; drop the " + id_column + " column to match by position)"));
    labels[i] = csv.rows[it->second][c];
  }
  return labels;
}

// Integer labels (what `vaesweep cluster` writes; -1 is noise) when every value is an integer,
// else codes over the sorted distinct strings (then no value means noise).
std::vector<int> label_codes(const std::vector<std::string>& values, bool& integer) {
  std::vector<int> out(values.size());
  integer = true;
  for (std::size_t i = 0; i < values.size() && integer; ++i) {
    const std::string& v = values[i];
    const auto res = std::from_chars(v.data(), v.data() + v.size(), out[i]);
    integer = res.ec == std::errc() && res.ptr == v.data() + v.size();
  }
  if (!integer) out = data::encode_labels("label", values).codes;
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"') out += "\\\"";
    else if (ch == '\\') out += "\\\\";
    else if (ch == '\n') out += "\\n";
    else if (ch == '\t') out += "\\t";
    else if (ch < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else out += static_cast<char>(ch);
  }
  return out + "\"";
}

std::string value_text(const Value& v, bool json) {
  if (std::holds_alternative<Null>(v)) return "null";
  if (const auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? number_text(*d) : "null";
  if (const auto* i = std::get_if<long long>(&v)) return std::to_string(*i);
  const auto& s = std::get<std::string>(v);
  return json ? json_string(s) : s;
}

void print_report(const Report& report, bool json) {
  if (json) {
    std::cout << "{\n";
    std::size_t i = 0;
    for (const auto& [key, value] : report)
      std::cout << "  " << json_string(key) << ": " << value_text(value, true) << (++i < report.size() ? ",\n" : "\n");
    std::cout << "}\n";
    return;
  }
  std::size_t width = 0;
  for (const auto& [key, value] : report) width = std::max(width, key.size());
  for (const auto& [key, value] : report)
    std::cout << key << ":" << std::string(width - key.size() + 1, ' ') << value_text(value, false) << "\n";
}

}  // namespace

int command_score(const std::vector<std::string>& args) {
  std::string in, pred_file, true_file, format = "json", label_column = "label", true_column = "label";
  std::vector<std::string> exclude;
  po::options_description options("vaesweep score options");
  options.add_options()
      ("in,i", po::value(&in)->required(), "the feature CSV that was clustered (as for vaesweep cluster)")
      ("pred,p", po::value(&pred_file)->required(), "labels CSV (vaesweep cluster's output: id,label; -1 is noise)")
      ("true,t", po::value(&true_file), "truth labels CSV (labels may be strings)")
      ("format,f", po::value(&format), "json (default) or text")
      ("label-column", po::value(&label_column), "the label column of --pred (default: label)")
      ("true-column", po::value(&true_column), "the label column of --true (default: label)")
      ("exclude", po::value(&exclude)->composing(), "a column of --in that is not a feature (repeatable)")
      ("standardize", "z-score every feature column first (when the clustering was run with --standardize)");
  po::positional_options_description positional;
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep score --in X.csv --pred labels.csv [--true truth.csv] [--format json|text]\n\n"
      "Internal metrics (silhouette, calinski_harabasz, davies_bouldin) of the labels on X, noise (-1)\n"
      "left out and reported as coverage; with --true, external metrics (ari, nmi, ami, homogeneity,\n"
      "completeness, v_measure, fowlkes_mallows, purity), noise counting as one cluster. Label files are\n"
      "matched to X by their id column (id, filename, path, file, track_id) when they have one, else by row.";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  if (format != "json" && format != "text")
    throw UserError("--format: unknown format \"" + format + "\"; valid formats are: json, text");

  data::FeatureTable table;
  const bool x_has_ids = read_cluster_input(in, exclude, table);
  if (vm.count("standardize")) data::standardize(table.X);
  bool pred_integer = true;
  const std::vector<int> pred = label_codes(aligned_labels(pred_file, label_column, table.ids, x_has_ids, in), pred_integer);
  const std::size_t n = pred.size();

  Report report;
  std::vector<std::string> notes;
  // Internal metrics on the non-noise samples.
  std::vector<Eigen::Index> kept;
  std::vector<int> kept_labels;
  for (std::size_t i = 0; i < n; ++i)
    if (!(pred_integer && pred[i] == -1)) {
      kept.push_back(static_cast<Eigen::Index>(i));
      kept_labels.push_back(pred[i]);
    }
  const std::size_t n_noise = n - kept.size();
  const std::size_t n_clusters = std::set<int>(kept_labels.begin(), kept_labels.end()).size();
  report["n_samples"] = static_cast<long long>(n);
  report["n_noise"] = static_cast<long long>(n_noise);
  report["n_clusters"] = static_cast<long long>(n_clusters);
  report["coverage"] = static_cast<double>(kept.size()) / static_cast<double>(n);
  if (n_clusters >= 2 && n_clusters < kept.size()) {
    Eigen::MatrixXd kept_X;
    const Eigen::MatrixXd* X = &table.X;
    if (n_noise > 0) {
      kept_X = table.X(kept, Eigen::all);
      X = &kept_X;
    }
    report["silhouette"] = metrics::silhouette(*X, kept_labels);
    report["calinski_harabasz"] = metrics::calinski_harabasz(*X, kept_labels);
    report["davies_bouldin"] = metrics::davies_bouldin(*X, kept_labels);
  } else {
    report["silhouette"] = Null{};
    report["calinski_harabasz"] = Null{};
    report["davies_bouldin"] = Null{};
    notes.push_back("internal metrics need between 2 and n - 1 clusters; " + pred_file + " has " +
                    std::to_string(n_clusters) + (n_clusters == 1 ? " cluster" : " clusters") + " over " +
                    std::to_string(kept.size()) + " samples" + (n_noise > 0 ? " (noise left out)" : ""));
  }
  if (n_noise > 0)
    report["noise_treatment"] = std::string(
        "internal metrics leave the noise samples (label -1) out, coverage is the share scored; "
        "external metrics count noise as one cluster");

  if (!true_file.empty()) {
    const std::vector<std::string> truth_values = aligned_labels(true_file, true_column, table.ids, x_has_ids, in);
    const data::LabelSet truth = data::encode_labels(true_column, truth_values);
    // A row without a true label is left out of the external scores only.
    std::vector<int> labelled_truth, labelled_pred;
    for (std::size_t r = 0; r < truth.codes.size(); ++r)
      if (truth.codes[r] != data::LabelSet::kUnlabelled) {
        labelled_truth.push_back(truth.codes[r]);
        labelled_pred.push_back(pred[r]);
      }
    if (labelled_truth.empty()) throw UserError(true_file + ": column \"" + true_column + "\" labels none of the rows");
    const metrics::ExternalScores s = metrics::external_scores(labelled_truth, labelled_pred);
    report["scored"] = static_cast<long long>(labelled_truth.size());
    report["n_classes"] = static_cast<long long>(truth.classes.size());
    report["ari"] = s.ari;
    report["nmi"] = s.nmi;
    report["ami"] = s.ami;
    report["homogeneity"] = s.homogeneity;
    report["completeness"] = s.completeness;
    report["v_measure"] = s.v_measure;
    report["fowlkes_mallows"] = s.fowlkes_mallows;
    report["purity"] = s.purity;
  }
  if (!notes.empty()) {
    std::string note;
    for (const auto& line : notes) note += (note.empty() ? "" : "; ") + line;
    report["note"] = note;
  }
  print_report(report, format == "json");
  return kExitOk;
}

}  // namespace vaesweep::app
