// Benchmark: one clustering algorithm (or the silhouette) of vaesweep's cluster/ and metrics/
// rooms on a feature CSV, on ONE thread, with its peak memory. The peer is
// bench/cluster_sklearn_reference.py (scikit-learn 1.2 with the same settings); both are run
// side by side by bench/run_cluster_bench.sh, one process per (n, algorithm, implementation).
//
//   bench_cluster --data X.csv --truth Y.csv --algorithm A [--labels-out F] [--eps 8]
//                 [--min-seconds 0.5]
//
//   silhouette     metrics::silhouette(X, y), y the make_blobs labels of Y.csv (column label)
//   kmeans         cluster::kmeans, k = 10, n_init = 10, seed 0
//   agglomerative  cluster::agglomerative, ward linkage, cut at k = 10
//   dbscan         cluster::dbscan, eps (default 8), min_samples = 5
//   spectral       cluster::spectral_clustering, nearest_neighbors affinity, n_neighbors = 10,
//                  k = 10, n_init = 10, seed 0
//
// The call is repeated until --min-seconds of CPU time have passed (at most 20 times, at least
// once) and the fastest repetition is reported, as the Python peer does. Times are the process
// CPU time (all threads: a library that spawned threads would show) and the wall time. Peak
// memory: after the data is loaded the kernel's peak-RSS mark is reset (/proc/self/clear_refs,
// "5"), and the growth of VmHWM over the resident set at that point is reported: the
// algorithm's own peak. The last line is machine-readable:
//   RESULT impl=vaesweep algorithm=... n=... cpu_s=... wall_s=... reps=... peak_mb=... value=...
// (value: the silhouette, or the number of clusters found). --labels-out writes the labels of
// the last repetition as a CSV with one column, label (noise = -1). A line before it names the
// OpenBLAS kernels (k-means' distances are GEMMs) and the OPENBLAS_CORETYPE that vaesweep would
// set to undo a fallback (src/models/blas_core.hpp):
//   BLAS openblas_kernels=Haswell fix=
#include <Eigen/Dense>


#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "bench_measure.hpp"
#include "cluster/agglomerative.hpp"
#include "cluster/dbscan.hpp"
#include "cluster/kmeans.hpp"
#include "cluster/spectral.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"
#include "metrics/internal.hpp"
#include "models/blas_core.hpp"

namespace {

namespace cluster = vaesweep::cluster;
namespace metrics = vaesweep::metrics;
namespace data = vaesweep::data;
namespace io = vaesweep::io;
namespace bench = vaesweep::bench;

struct Options {
  std::string data, truth, algorithm, labels_out;
  double eps = 8.0;
  double min_seconds = 0.5;
};

Options parse(int argc, char** argv) {
  bench::Args args(argc, argv,
                   "--data X.csv --truth Y.csv --algorithm silhouette|kmeans|agglomerative|dbscan|spectral "
                   "[--labels-out F] [--eps 8] [--min-seconds 0.5]");
  Options o;
  o.data = args.text("--data");
  o.truth = args.text("--truth");
  o.algorithm = args.text("--algorithm");
  o.labels_out = args.text("--labels-out");
  o.eps = args.number("--eps", o.eps);
  o.min_seconds = args.number("--min-seconds", o.min_seconds);
  args.finish();
  if (o.data.empty() || o.truth.empty() || o.algorithm.empty()) args.fail("--data, --truth and --algorithm are required");
  if (!std::set<std::string>{"silhouette", "kmeans", "agglomerative", "dbscan", "spectral"}.count(o.algorithm))
    args.fail("unknown algorithm " + o.algorithm);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    const io::CsvTable x_csv = io::read_csv(o.data);
    const Eigen::MatrixXd X = data::table_from_csv(x_csv, {}).X;
    std::vector<int> y;
    {
      const io::CsvTable y_csv = io::read_csv(o.truth);
      const std::size_t c = y_csv.column_index("label");
      for (const auto row : y_csv.rows) y.push_back(std::atoi(std::string(row[c]).c_str()));
    }

    std::function<double(std::vector<int>&)> call;  // returns the reported value
    auto n_clusters = [](const std::vector<int>& labels) {
      std::set<int> s;
      for (int l : labels)
        if (l >= 0) s.insert(l);
      return static_cast<double>(s.size());
    };
    if (o.algorithm == "silhouette") {
      call = [&](std::vector<int>&) { return metrics::silhouette(X, y); };
    } else if (o.algorithm == "kmeans") {
      call = [&](std::vector<int>& labels) {
        cluster::KMeansParams p;
        p.k = 10;
        p.n_init = 10;
        p.seed = 0;
        labels = cluster::kmeans(X, p).labels;
        return n_clusters(labels);
      };
    } else if (o.algorithm == "agglomerative") {
      call = [&](std::vector<int>& labels) {
        cluster::AgglomerativeParams p;
        p.linkage = cluster::Linkage::ward;
        labels = cluster::cut(cluster::agglomerative(X, p), 10);
        return n_clusters(labels);
      };
    } else if (o.algorithm == "dbscan") {
      call = [&](std::vector<int>& labels) {
        cluster::DbscanParams p;
        p.eps = o.eps;
        p.min_samples = 5;
        labels = cluster::dbscan(X, p).labels;
        return n_clusters(labels);
      };
    } else if (o.algorithm == "spectral") {
      call = [&](std::vector<int>& labels) {
        cluster::SpectralParams p;
        p.k = 10;
        p.affinity = cluster::SpectralAffinity::nearest_neighbors;
        p.n_neighbors = 10;
        p.n_init = 10;
        p.seed = 0;
        labels = cluster::spectral_clustering(X, p).labels;
        return n_clusters(labels);
      };
    } else {
      throw std::logic_error("unhandled algorithm " + o.algorithm);  // parse() lists the valid ones
    }

    std::vector<int> labels;
    const bench::Measurement m = bench::measure([&] { return call(labels); }, o.min_seconds);

    if (!o.labels_out.empty() && o.algorithm != "silhouette") {
      std::ofstream out(o.labels_out);
      out << "label\n";
      for (int l : labels) out << l << "\n";
      if (!out) throw std::runtime_error("cannot write " + o.labels_out);
    }
    std::printf("BLAS openblas_kernels=%s fix=%s\n", vaesweep::models::openblas_core().c_str(),
                vaesweep::models::openblas_coretype_fix().c_str());
    std::printf("RESULT impl=vaesweep algorithm=%s n=%lld cpu_s=%.6f wall_s=%.6f reps=%d peak_mb=%.1f value=%.17g\n",
                o.algorithm.c_str(), static_cast<long long>(X.rows()), m.best_cpu, m.best_wall, m.reps, m.peak_mb,
                m.value);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_cluster: %s\n", e.what());
    return 1;
  }
}
