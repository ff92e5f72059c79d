// vaesweep cluster: one clustering of a feature table (CSV) into a labels CSV (id,label).
//
// Input: a CSV with a header row. Every column is a feature and must be numeric and finite,
// except identifier and recording-metadata columns, which are kept out as table_from_csv does
// (filename, file, path, length, duration, id, track_id, track, segment), and the columns named
// with --exclude. The row id written beside each label is the first of the columns id,
// filename, path, file, track_id that the table has, or else the 0-based data row index (the
// header not counted: the index numpy and pandas give the row).
//
// Output: labels.csv with the columns id,label; DBSCAN noise is label -1. Written to a
// temporary name in the same folder and renamed into place; an existing file is replaced only
// with --overwrite.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include "app/cluster_io.hpp"
#include "app/commands.hpp"
#include "app/options.hpp"
#include "cluster/agglomerative.hpp"
#include "cluster/fit.hpp"
#include "cluster/gmm.hpp"
#include "cluster/spectral.hpp"
#include "cluster/umap.hpp"
#include "util/atomic_write.hpp"
#include "util/csv_field.hpp"
#include "util/error.hpp"
#include "util/named.hpp"
#include "util/strings.hpp"
#include "study/study_choices.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"

namespace vaesweep::app {
namespace fs = std::filesystem;

namespace {

using cluster::Method;

// --projection names what the study's cluster.projection names.
using Projection = LatentProjection;

// A number as text (its range is the algorithm's to check).
double parse_number(const std::string& flag, const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin || *end != '\0') throw UserError(flag + ": expected a number or auto, got \"" + text + "\"");
  return v;
}

// Which method-specific flags go with which method: a flag the method does not use is an error
// (a --k given to DBSCAN would otherwise be silently ignored).
void check_flags(const po::variables_map& vm, Method method, const std::string& method_name) {
  struct FlagUse {
    const char* flag;
    std::set<Method> methods;
  };
  const FlagUse uses[] = {
      {"k", {Method::kmeans, Method::agglomerative, Method::spectral, Method::gmm}},
      {"eps", {Method::dbscan}},
      {"min-samples", {Method::dbscan}},
      {"linkage", {Method::agglomerative}},
      {"affinity", {Method::spectral}},
      {"n-neighbors", {Method::spectral}},
      {"gamma", {Method::spectral}},
      {"covariance", {Method::gmm}},
      {"n-init", {Method::kmeans, Method::spectral}},
  };
  for (const auto& use : uses)
    if (vm.count(use.flag) && !use.methods.count(method))
      throw UserError(std::string("--") + use.flag + " does not apply to --method " + method_name);
  if (vm.count("k") == 0 && cluster::takes_k(method))
    throw UserError("--method " + method_name + " needs --k (the number of clusters)");
  if (vm.count("components") && !vm.count("projection"))
    throw UserError("--components applies only with --projection umap");
  if (vm.count("embedding-out") && !vm.count("projection"))
    throw UserError("--embedding-out applies only with --projection umap");
}

std::string embedding_csv(const std::vector<std::string>& ids, const Eigen::MatrixXd& Y) {
  std::ostringstream out;
  out << "id";
  for (Eigen::Index j = 0; j < Y.cols(); ++j) out << ",umap" << (j + 1);
  out << "\n";
  for (Eigen::Index i = 0; i < Y.rows(); ++i) {
    out << csv_field(ids[static_cast<std::size_t>(i)]);
    for (Eigen::Index j = 0; j < Y.cols(); ++j) out << "," << number_text(Y(i, j));
    out << "\n";
  }
  return out.str();
}

}  // namespace

int command_cluster(const std::vector<std::string>& args) {
  std::string in, out, method_name, eps_text, linkage_name = "ward", affinity_name = "nearest_neighbors",
                                               covariance_name = "full", projection_name = "none", embedding_out;
  std::vector<std::string> exclude;
  int k = 0, min_samples = 5, n_neighbors = 10, n_init = 10, components = 2;
  double gamma = 1.0;
  std::uint64_t seed = 0;
  // The choices as the algorithms' name tables give them.
  const auto choices = [](const std::vector<std::string>& names, const char* what, const char* fallback) {
    return std::string(what) + ": " + join(names, ", ") + " (default " + fallback + ")";
  };
  const std::string linkage_help = choices(names_of(cluster::kLinkageNames), "agglomerative", "ward");
  const std::string affinity_help = choices(names_of(cluster::kSpectralAffinityNames), "spectral", "nearest_neighbors");
  const std::string covariance_help = choices(names_of(cluster::kCovarianceTypeNames), "gmm", "full");
  const std::string method_help = join(cluster::method_names(), ", ");
  po::options_description options("vaesweep cluster options");
  options.add_options()
      ("in,i", po::value(&in)->required(), "input CSV with a header row: numeric feature columns (id columns are kept apart)")
      ("out,o", po::value(&out)->required(), "output labels CSV: id,label (noise = -1)")
      ("method,m", po::value(&method_name)->required(), method_help.c_str())
      ("k", po::value(&k), "number of clusters (all methods but dbscan; 2 <= k <= rows)")
      ("eps", po::value(&eps_text), "dbscan: neighbourhood radius, or auto (knee of the k-distance curve); default 0.5")
      ("min-samples", po::value(&min_samples), "dbscan: samples in a core neighbourhood, itself included; default 5")
      ("linkage", po::value(&linkage_name), linkage_help.c_str())
      ("affinity", po::value(&affinity_name), affinity_help.c_str())
      ("n-neighbors", po::value(&n_neighbors), "spectral, nearest_neighbors affinity: neighbours per point; default 10")
      ("gamma", po::value(&gamma), "spectral, rbf affinity: kernel coefficient; default 1.0")
      ("covariance", po::value(&covariance_name), covariance_help.c_str())
      ("n-init", po::value(&n_init), "kmeans, spectral: k-means restarts; default 10")
      ("seed", po::value(&seed), "random seed (kmeans, spectral, gmm, umap); default 0")
      ("projection", po::value(&projection_name), "umap: cluster a UMAP projection of the features instead of the features")
      ("components", po::value(&components), "umap: projection dimension; default 2")
      ("embedding-out", po::value(&embedding_out), "umap: also write the projection (id,umap1,...) to this CSV, "
                                                   "the space to score internal metrics in")
      ("exclude", po::value(&exclude)->composing(), "a column that is not a feature (repeatable)")
      ("standardize", "z-score every feature column first (as StandardScaler; pass it to score too)")
      ("overwrite", "replace existing output files");
  po::positional_options_description positional;
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep cluster --method " + join(cluster::method_names(), "|") + " --in X.csv --out labels.csv\n"
      "         [--k K] [--eps E|auto --min-samples S] [--linkage " + join(names_of(cluster::kLinkageNames), "|") +
      "] [--affinity " + join(names_of(cluster::kSpectralAffinityNames), "|") + "]\n"
      "         [--n-neighbors N] [--covariance " + join(names_of(cluster::kCovarianceTypeNames), "|") +
      "] [--n-init N] [--seed S]\n"
      "         [--projection umap --components 2 [--embedding-out Y.csv]] [--exclude COLUMN] [--standardize]\n"
      "         [--overwrite]\n\n"
      "Clusters the rows of X.csv and writes one label per row (id,label; DBSCAN noise is -1). Every column\n"
      "must be numeric, except id columns (id, filename, path, file, track_id: the first present names the\n"
      "rows, else the 0-based row index does), recording metadata (length, duration, track, segment) and\n"
      "--exclude columns. Defaults follow scikit-learn 1.2 (ward linkage, n_init 10, eps 0.5, min_samples 5,\n"
      "n_neighbors 10, full covariance), except spectral's affinity: nearest_neighbors (rbf is n x n).";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;

  Method method;
  try {
    method = cluster::parse_method(method_name);
  } catch (const UserError& e) {
    throw UserError(std::string("--method: ") + e.what());
  }
  const Projection projection = parse_named(kLatentProjectionNames, projection_name, "--projection");
  check_flags(vm, method, method_name);
  const bool overwrite = vm.count("overwrite") > 0;
  refuse_existing_output(out, overwrite);
  if (!embedding_out.empty()) refuse_existing_output(embedding_out, overwrite);
  // Choices are validated before the data is read: a typo fails fast. Ranges (k, n_init,
  // min_samples, n_neighbors, components) are the algorithms' to check: through
  // cluster::check_params once the rows are counted, and again in cluster::fit.
  cluster::ClusteringParams params;
  params.kmeans.n_init = n_init;
  params.agglomerative.linkage = cluster::parse_linkage(linkage_name);
  params.dbscan.min_samples = min_samples;
  if (vm.count("eps") && eps_text == "auto") params.dbscan.eps = std::nullopt;
  else if (vm.count("eps")) params.dbscan.eps = parse_number("--eps", eps_text);
  params.spectral.affinity = cluster::parse_spectral_affinity(affinity_name);
  params.spectral.n_neighbors = n_neighbors;
  params.spectral.gamma = gamma;
  params.spectral.n_init = n_init;
  params.gmm.covariance_type = cluster::parse_covariance_type(covariance_name);

  data::FeatureTable table;
  read_cluster_input(in, exclude, table);
  if (vm.count("standardize")) data::standardize(table.X);
  const auto n = static_cast<long>(table.rows());
  try {
    cluster::check_params(method, params, k, n);  // before a UMAP projection is spent on them
  } catch (const UserError& e) {
    throw UserError(in + ": " + e.what());
  }

  Eigen::MatrixXd projected;
  const Eigen::MatrixXd* X = &table.X;
  std::string space = std::to_string(table.X.cols()) + (vm.count("standardize") ? " standardized" : "") + " features";
  if (projection == Projection::umap) {
    cluster::UmapParams p;
    p.n_components = components;
    p.seed = seed;
    try {
      projected = cluster::umap(table.X, p).embedding;
    } catch (const UserError& e) {
      throw UserError(in + ": " + e.what());
    }
    X = &projected;
    space = "a " + std::to_string(components) + "-D UMAP projection of " + space;
    if (!embedding_out.empty()) write_file_atomically(embedding_out, overwrite, embedding_csv(table.ids, projected));
  }

  cluster::Clustering fit;
  try {
    fit = cluster::fit(method, *X, params, k, seed);
  } catch (const UserError& e) {
    throw UserError(in + ": " + e.what());  // which input the range was checked against
  }
  const std::vector<int>& labels = fit.labels;
  const std::string k_text = "k=" + std::to_string(k);
  std::string detail;
  switch (method) {
    case Method::kmeans: detail = k_text + ", inertia " + number_text(fit.inertia); break;
    case Method::agglomerative:
      detail = k_text + ", " + cluster::linkage_name(params.agglomerative.linkage) + " linkage";
      break;
    case Method::dbscan:
      detail = "eps " + (params.dbscan.eps ? number_text(*params.dbscan.eps) : std::string("auto")) +
               ", min_samples " + std::to_string(min_samples);
      break;
    case Method::spectral: detail = k_text + ", " + affinity_name + " affinity"; break;
    case Method::gmm:
      detail = k_text + ", " + covariance_name + " covariance" +
               (fit.converged ? "" : ", EM did not converge in " + std::to_string(fit.n_iter) + " iterations");
      break;
  }

  std::ostringstream csv;
  csv << "id,label\n";
  std::set<int> clusters;
  std::size_t noise = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    csv << csv_field(table.ids[i]) << "," << labels[i] << "\n";
    if (labels[i] < 0) ++noise;
    else clusters.insert(labels[i]);
  }
  write_file_atomically(out, overwrite, csv.str());

  char fraction[32];
  std::snprintf(fraction, sizeof fraction, "%.4f", labels.empty() ? 0.0 : double(noise) / double(labels.size()));
  std::cout << method_name << " (" << detail << ") on " << n << " rows x " << space << ": " << clusters.size()
            << " clusters, noise fraction " << fraction << " (" << noise << " rows)";
  if (method == Method::dbscan) std::cout << ", eps used " << number_text(fit.eps);
  std::cout << "; wrote " << out << "\n";
  return kExitOk;
}

}  // namespace vaesweep::app
