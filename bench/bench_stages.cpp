// Benchmark: one stage of a work unit (standardise, VAE training, PCA, a clusterer, a metric)
// with vaesweep's library, on ONE thread, with its peak memory. The peer is
// bench/stages_python_peer.py (PyTorch 1.13 / scikit-learn 1.2, the same settings); both run
// side by side in bench/run_growth_bench.sh, one process per (n, stage, implementation), on the
// files `stages_python_peer.py generate` writes for each n:
//   rows_<n>.csv    the feature table (57 feature columns, filename, length, label, language)
//   latent_<n>.csv  the 16-D space the clustering stages run on (f0..f15)
//   pred_<n>.csv    a k-means partition of it (column label): what the metric stages score
//   truth_<n>.csv   the genre codes (column label): the reference of the external scores
//
//   bench_stages --dir DIR --n N --stage S [--epochs 10] [--engine batched|torch]
//                [--min-seconds 0.5]
//
//   standardise      data::standardize of the n x 57 raw features (a fresh copy per call)
//   vae              models::train_vae on the standardised rows: MLP 57-64-32-z16, beta 1,
//                    batch 64, Adam 1e-3, seed 0, --epochs epochs (default 10), --engine
//   pca              cluster::pca of the standardised rows, 16 components
//   kmeans           cluster::kmeans of the latent space, k = 10, n_init = 10, seed 0
//   ward             cluster::agglomerative (ward) of the latent space, cut at k = 10
//   dbscan           cluster::dbscan of the latent space, eps "auto" (the knee of the 5-NN
//                    distances, the k-NN search included), min_samples = 5
//   spectral         cluster::spectral_clustering, nearest_neighbors (10), k = 10, n_init 10
//   silhouette, calinski_harabasz, davies_bouldin
//                    metrics::* of the latent space and pred's partition
//   external         metrics::external_scores(truth, pred): ARI, NMI, AMI, purity,
//                    homogeneity, completeness, V-measure, Fowlkes-Mallows in one pass
//   knn              cluster::exact_knn(latent, 15): UMAP's k-NN graph with its default
//                    n_neighbors (the sample itself and its 14 nearest others)
//   trustworthiness  metrics::trustworthiness(latent, its first 2 columns, 15 neighbours): a
//                    16-D space against a 2-D projection of it, as the unit runner scores a
//                    UMAP projection of its latent space
//
// The call is repeated until --min-seconds of CPU time have passed (at most 20 times, at least
// once; vae once) and the fastest repetition counts, as the peer does. Peak memory: the growth
// of the peak resident set (VmHWM, reset through /proc/self/clear_refs after loading) over the
// resident set once the inputs are loaded and the heap trimmed (malloc_trim). Last line:
//   RESULT impl=vaesweep stage=... n=... cpu_s=... wall_s=... reps=... peak_mb=... value=...
// value: a number to set beside the peer's (the metric; the k-means inertia; the largest
// cluster's size for ward and spectral; clusters found by dbscan; the final loss of the VAE;
// the explained variance of the 16 components; the first standardised entry).
#include <Eigen/Dense>

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "bench_measure.hpp"
#include "cluster/agglomerative.hpp"
#include "cluster/dbscan.hpp"
#include "cluster/kmeans.hpp"
#include "cluster/pca.hpp"
#include "cluster/spectral.hpp"
#include "cluster/umap.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"
#include "metrics/external.hpp"
#include "metrics/internal.hpp"
#include "metrics/trustworthiness.hpp"
#include "models/vae.hpp"

namespace {

namespace cluster = vaesweep::cluster;
namespace metrics = vaesweep::metrics;
namespace data = vaesweep::data;
namespace io = vaesweep::io;
namespace bench = vaesweep::bench;
namespace models = vaesweep::models;

struct Options {
  std::string dir, stage, engine = "batched";
  long n = 0;
  int epochs = 10;
  double min_seconds = 0.5;
};

Options parse(int argc, char** argv) {
  bench::Args args(argc, argv,
                   "--dir DIR --n N --stage standardise|vae|pca|kmeans|ward|dbscan|spectral|knn|silhouette|"
                   "calinski_harabasz|davies_bouldin|external|trustworthiness [--epochs 10] "
                   "[--engine batched|torch] [--min-seconds 0.5]");
  Options o;
  o.dir = args.text("--dir");
  o.n = args.integer("--n", 0);
  o.stage = args.text("--stage");
  o.epochs = static_cast<int>(args.integer("--epochs", o.epochs));
  o.engine = args.text("--engine", o.engine);
  o.min_seconds = args.number("--min-seconds", o.min_seconds);
  args.finish();
  if (o.dir.empty() || o.n <= 0 || o.stage.empty()) args.fail("--dir, --n and --stage are required");
  if (o.epochs < 1) args.fail("--epochs must be >= 1");
  if (!std::set<std::string>{"standardise", "vae", "pca", "kmeans", "ward", "dbscan", "spectral", "knn",
                             "silhouette", "calinski_harabasz", "davies_bouldin", "external", "trustworthiness"}
           .count(o.stage))
    args.fail("unknown stage " + o.stage);
  if (o.engine != "batched" && o.engine != "torch") args.fail("--engine must be batched or torch, got " + o.engine);
  return o;
}

std::string file(const Options& o, const std::string& stem) { return o.dir + "/" + stem + "_" + std::to_string(o.n) + ".csv"; }

std::vector<int> read_labels(const std::string& path) {
  const io::CsvTable csv = io::read_csv(path);
  const std::size_t c = csv.column_index("label");
  std::vector<int> out;
  out.reserve(csv.rows.size());
  for (const auto row : csv.rows) out.push_back(std::atoi(std::string(row[c]).c_str()));
  return out;
}

double largest_cluster(const std::vector<int>& labels) {
  std::map<int, long> size;
  for (int l : labels) ++size[l];
  long best = 0;
  for (const auto& [label, count] : size) best = std::max(best, count);
  return static_cast<double>(best);
}

bool needs_rows(const std::string& stage) { return stage == "standardise" || stage == "vae" || stage == "pca"; }

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    models::use_threads(1);
    // The inputs of the stage, loaded (and, for the model stages, standardised) before timing.
    Eigen::MatrixXd raw, X, Z, Z2;
    std::vector<int> pred, truth;
    if (needs_rows(o.stage)) {
      raw = data::table_from_csv(io::read_csv(file(o, "rows")), {{"label", "language"}, {}, ""}).X;
      X = raw;
      data::standardize(X);
    } else if (o.stage != "external") {
      Z = data::table_from_csv(io::read_csv(file(o, "latent")), {}).X;
      Z2 = Z.leftCols(2);
    }
    if (o.stage == "silhouette" || o.stage == "calinski_harabasz" || o.stage == "davies_bouldin" ||
        o.stage == "external")
      pred = read_labels(file(o, "pred"));
    if (o.stage == "external") truth = read_labels(file(o, "truth"));

    std::function<double()> call;
    bool repeat = true;
    if (o.stage == "standardise") {
      call = [&] {
        Eigen::MatrixXd copy = raw;
        data::standardize(copy);
        return copy(0, 0);
      };
    } else if (o.stage == "vae") {
      repeat = false;
      call = [&] {
        models::VaeParams p;
        p.hidden = {64, 32};
        p.latent_dim = 16;
        p.beta = 1.0;
        p.epochs = o.epochs;
        p.batch_size = 64;
        p.learning_rate = 1e-3;
        p.seed = 0;
        p.engine = o.engine == "torch" ? models::Engine::torch : models::Engine::batched;
        return models::train_vae(X, p).loss;
      };
    } else if (o.stage == "pca") {
      call = [&] { return cluster::pca(X, 16).explained_variance.sum(); };
    } else if (o.stage == "kmeans") {
      call = [&] {
        cluster::KMeansParams p;
        p.k = 10;
        p.n_init = 10;
        p.seed = 0;
        return cluster::kmeans(Z, p).inertia;
      };
    } else if (o.stage == "ward") {
      call = [&] { return largest_cluster(cluster::cut(cluster::agglomerative(Z, {cluster::Linkage::ward}), 10)); };
    } else if (o.stage == "dbscan") {
      call = [&] {
        cluster::DbscanParams p;
        p.eps = std::nullopt;
        p.min_samples = 5;
        return static_cast<double>(cluster::dbscan(Z, p).n_clusters);
      };
    } else if (o.stage == "spectral") {
      call = [&] {
        cluster::SpectralParams p;
        p.k = 10;
        p.affinity = cluster::SpectralAffinity::nearest_neighbors;
        p.n_neighbors = 10;
        p.n_init = 10;
        p.seed = 0;
        return largest_cluster(cluster::spectral_clustering(Z, p).labels);
      };
    } else if (o.stage == "silhouette") {
      call = [&] { return metrics::silhouette(Z, pred); };
    } else if (o.stage == "calinski_harabasz") {
      call = [&] { return metrics::calinski_harabasz(Z, pred); };
    } else if (o.stage == "davies_bouldin") {
      call = [&] { return metrics::davies_bouldin(Z, pred); };
    } else if (o.stage == "external") {
      call = [&] { return metrics::external_scores(truth, pred).nmi; };
    } else if (o.stage == "trustworthiness") {
      call = [&] { return metrics::trustworthiness(Z, Z2, 15); };
    } else if (o.stage == "knn") {
      call = [&] { return cluster::exact_knn(Z, 15).distances.sum(); };
    } else {
      throw std::logic_error("unhandled stage " + o.stage);  // parse() lists the valid ones
    }

    // Heap pages freed while loading (the parsed CSV strings) would otherwise be reused by the
    // stage without raising the resident set, hiding part of its peak.
    malloc_trim(0);
    const bench::Measurement m = bench::measure(call, o.min_seconds, repeat);
    const long rows = needs_rows(o.stage) ? static_cast<long>(X.rows())
                      : o.stage == "external" ? static_cast<long>(truth.size())
                                              : static_cast<long>(Z.rows());
    std::printf("RESULT impl=vaesweep stage=%s n=%ld cpu_s=%.6f wall_s=%.6f reps=%d peak_mb=%.1f value=%.17g\n",
                o.stage.c_str(), rows, m.best_cpu, m.best_wall, m.reps, m.peak_mb, m.value);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_stages: %s\n", e.what());
    return 1;
  }
}
