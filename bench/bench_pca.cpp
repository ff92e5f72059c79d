// Benchmark: vaesweep's PCA (cluster::pca, svd_solver "full" or "randomized") on a float32
// .npy table, on the threads the environment allows (run_pca_bench.sh sets one). The peer is
// bench/pca_sklearn_peer.py (scikit-learn 1.2's PCA with the same solver); run_pca_bench.sh runs
// both side by side on the same file.
//
//   bench_pca --data X.npy --solver full|randomized --k K [--min-seconds 0.5]
//             [--components-out C.csv]
//
// The fit (fit_transform) is repeated until --min-seconds of CPU time have passed (at most 20
// times, at least once) and the fastest repetition is reported (bench_measure.hpp). Last line:
//   RESULT impl=vaesweep solver=... n=... d=... k=... cpu_s=... wall_s=... reps=... peak_mb=... ratio_sum=...
// ratio_sum: the explained variance ratios' sum. --components-out writes the components
// (k rows, header c0..c{d-1}) for the peer to compare with its own.
#include <Eigen/Dense>

#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "bench_args.hpp"
#include "bench_measure.hpp"
#include "cluster/pca.hpp"
#include "text/npy.hpp"

namespace {

namespace cluster = vaesweep::cluster;
namespace bench = vaesweep::bench;

struct Options {
  std::string data, solver = "randomized", components_out;
  int k = 16;
  double min_seconds = 0.5;
};

Options parse(int argc, char** argv) {
  bench::Args args(argc, argv,
                   "--data X.npy [--solver randomized|full] [--k 16] [--min-seconds 0.5] [--components-out F.csv]");
  Options o;
  o.data = args.text("--data");
  o.solver = args.text("--solver", o.solver);
  o.k = static_cast<int>(args.integer("--k", o.k));
  o.min_seconds = args.number("--min-seconds", o.min_seconds);
  o.components_out = args.text("--components-out");
  args.finish();
  if (o.data.empty()) args.fail("--data X.npy is required");
  return o;
}

void write_components(const std::string& path, const Eigen::MatrixXd& C) {
  std::ofstream out(path);
  for (Eigen::Index j = 0; j < C.cols(); ++j) out << (j ? "," : "") << "c" << j;
  out << "\n";
  char number[32];
  for (Eigen::Index i = 0; i < C.rows(); ++i) {
    for (Eigen::Index j = 0; j < C.cols(); ++j) {
      std::snprintf(number, sizeof number, "%s%.17g", j ? "," : "", C(i, j));
      out << number;
    }
    out << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    const Eigen::MatrixXd X = vaesweep::text::read_npy_matrix(o.data);
    const cluster::PcaSolver solver = cluster::parse_pca_solver(o.solver);
    cluster::PcaResult last;
    const auto m = vaesweep::bench::measure(
        [&] {
          last = cluster::pca(X, o.k, solver);
          return last.explained_variance.sum() / last.total_variance;
        },
        o.min_seconds);
    if (!o.components_out.empty()) write_components(o.components_out, last.components);
    std::printf("RESULT impl=vaesweep solver=%s n=%ld d=%ld k=%d cpu_s=%.4f wall_s=%.4f reps=%d peak_mb=%.1f ratio_sum=%.12f\n",
                o.solver.c_str(), static_cast<long>(X.rows()), static_cast<long>(X.cols()), o.k, m.best_cpu,
                m.best_wall, m.reps, m.peak_mb, m.value);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_pca: %s\n", e.what());
    return 1;
  }
}
