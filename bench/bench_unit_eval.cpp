// Benchmark: where the milliseconds of a work unit's evaluation go, phase by phase, on ONE
// thread. The input is a latent space a unit produced (a CSV of its rows, e.g. /latents/<unit>
// of a results file written with evaluation.store_latents = true) and the truth columns of the
// table; the phases are those of the unit runner for bench/unit_bench.toml: k-means (n_init 10)
// and ward at k = 10 and 18, DBSCAN (eps "auto", min_samples 5; after the ward tree, whose
// distance fill collected its k-nearest distances, as in a unit; DBSCAN alone is timed beside
// it and must give the same labels), then for the five partitions
// the silhouettes, Calinski-Harabasz, Davies-Bouldin and the external scores against every
// truth column.
//
//   bench_unit_eval --data LATENT.csv --truth TRUTH.csv [--reps 5] [--seed 1] [--only PHASE]
//                   [--ward-tree FILE] [--no-avx512]
//
// Each phase is run --reps times; the fastest CPU time counts. --only PHASE (kmeans10, kmeans18,
// ward, dbscan, matrix, silhouettes, internal, external) runs every other phase once, for a
// profile of that one phase (`perf record`); the sum then means nothing. --ward-tree FILE writes
// the ward tree (a, b, height, size per merge, heights to 17 digits) for a comparison with
// scipy's linkage matrix. --no-avx512 runs the AVX2 bodies of the kernels that have an AVX-512
// one (cluster/simd.hpp) on a CPU with AVX-512, for a before / after in one binary. The
// silhouettes are timed two ways: the way the unit runner scored them before (one n x n distance
// matrix kept, then each partition read from it) and one pass over the distances for all
// partitions (metrics::silhouettes), and the two are checked to agree bit for bit. Prints one
// line per phase (milliseconds) and their sum. Not a test: times are never asserted.
#include <Eigen/Dense>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "bench_measure.hpp"
#include "cluster/agglomerative.hpp"
#include "cluster/simd.hpp"
#include "study/study.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"
#include "metrics/external.hpp"
#include "metrics/internal.hpp"
#include "pipeline/partition.hpp"

namespace {

namespace metrics = vaesweep::metrics;
namespace pipeline = vaesweep::pipeline;
namespace data = vaesweep::data;
namespace io = vaesweep::io;
namespace bench = vaesweep::bench;
using vaesweep::ClusterMethod;

struct Options {
  std::string data, truth;
  int reps = 5;
  std::uint64_t seed = 1;
  std::string only;  // empty: every phase --reps times
  std::string ward_tree;  // where to write the ward tree, if anywhere
  bool narrow = false;    // --no-avx512: the AVX2 bodies even where the CPU has AVX-512
};

Options parse(int argc, char** argv) {
  bench::Args args(argc, argv,
                   "--data LATENT.csv --truth TRUTH.csv [--reps 5] [--seed 1] [--only PHASE] [--ward-tree FILE] "
                   "[--no-avx512]",
                   {"--no-avx512"});
  Options o;
  o.data = args.text("--data");
  o.truth = args.text("--truth");
  o.reps = static_cast<int>(args.integer("--reps", o.reps));
  o.seed = static_cast<std::uint64_t>(args.integer("--seed", static_cast<long>(o.seed)));
  o.only = args.text("--only");
  o.ward_tree = args.text("--ward-tree");
  o.narrow = args.on("--no-avx512");
  args.finish();
  if (o.data.empty() || o.truth.empty()) args.fail("--data and --truth are required");
  if (o.reps < 1) args.fail("--reps must be >= 1");
  return o;
}

// The fastest CPU milliseconds of `reps` calls.
double best_ms(int reps, const std::function<void()>& call) {
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < reps; ++r) {
    const double start = bench::cpu_seconds();
    call();
    best = std::min(best, bench::cpu_seconds() - start);
  }
  return 1e3 * best;
}

// A partition's kept rows (not DBSCAN noise) and their labels.
metrics::RowLabels kept(const std::vector<int>& labels) {
  metrics::RowLabels p;
  for (std::size_t r = 0; r < labels.size(); ++r)
    if (labels[r] >= 0) {
      p.rows.push_back(r);
      p.labels.push_back(labels[r]);
    }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    const Eigen::MatrixXd Z = data::table_from_csv(io::read_csv(o.data), {}).X;
    std::vector<std::vector<int>> truths;
    {
      const io::CsvTable t = io::read_csv(o.truth);
      for (std::size_t c = 0; c < t.header.size(); ++c) {
        std::vector<int> col;
        for (const auto row : t.rows) col.push_back(std::atoi(std::string(row[c]).c_str()));
        truths.push_back(std::move(col));
      }
    }
    vaesweep::ClusterSpec spec;
    spec.methods = {ClusterMethod::kmeans, ClusterMethod::agglomerative, ClusterMethod::dbscan};
    spec.ks = {10, 18};
    if (o.narrow) vaesweep::cluster::allow_avx512(false);
    std::printf("latent: %lld x %lld, best of %d, milliseconds of CPU, %s kernels\n", static_cast<long long>(Z.rows()),
                static_cast<long long>(Z.cols()), o.reps, vaesweep::cluster::use_avx512() ? "AVX-512" : "AVX2");

    std::vector<std::vector<int>> parts(5);
    double total = 0;
    // The repetitions of a phase: all of them, or one when --only names another phase.
    const auto reps_of = [&](const char* key) { return o.only.empty() || o.only == key ? o.reps : 1; };
    const auto phase = [&](const char* key, const char* name, const std::function<void()>& call) {
      const double ms = best_ms(reps_of(key), call);
      total += ms;
      std::printf("  %-44s %8.2f\n", name, ms);
    };
    phase("kmeans10", "k-means k = 10 (n_init 10)", [&] { parts[0] = pipeline::Partitioner(Z, spec, o.seed).run(ClusterMethod::kmeans, 10).labels; });
    phase("kmeans18", "k-means k = 18 (n_init 10)", [&] { parts[1] = pipeline::Partitioner(Z, spec, o.seed).run(ClusterMethod::kmeans, 18).labels; });
    phase("ward", "ward tree + cuts at k = 10, 18", [&] {
      pipeline::Partitioner p(Z, spec, o.seed);
      parts[2] = p.run(ClusterMethod::agglomerative, 10).labels;
      parts[3] = p.run(ClusterMethod::agglomerative, 18).labels;
    });
    vaesweep::ClusterSpec ward_only = spec;
    ward_only.methods = {ClusterMethod::agglomerative};
    const double ward_alone_ms = best_ms(reps_of("ward"), [&] {
      pipeline::Partitioner p(Z, ward_only, o.seed);
      (void)p.run(ClusterMethod::agglomerative, 10);
      (void)p.run(ClusterMethod::agglomerative, 18);
    });
    std::printf("  %-44s %8.2f  (not in the sum)\n", "ward alone (no k-nearest collected for DBSCAN)", ward_alone_ms);
    // As in a unit: DBSCAN after the ward tree, whose distance fill collected its k-nearest
    // distances (the tree is built once, outside the timing). Alone, it searches for them itself.
    pipeline::Partitioner after_ward(Z, spec, o.seed);
    (void)after_ward.run(ClusterMethod::agglomerative, 10);
    phase("dbscan", "DBSCAN (eps auto, min_samples 5)", [&] { parts[4] = after_ward.run(ClusterMethod::dbscan, 0).labels; });
    vaesweep::ClusterSpec dbscan_only = spec;
    dbscan_only.methods = {ClusterMethod::dbscan};
    std::vector<int> alone;
    const double alone_ms = best_ms(reps_of("dbscan"), [&] { alone = pipeline::Partitioner(Z, dbscan_only, o.seed).run(ClusterMethod::dbscan, 0).labels; });
    std::printf("  %-44s %8.2f  (not in the sum)\n", "DBSCAN alone (its own k-nearest search)", alone_ms);
    if (alone != parts[4]) {
      std::fprintf(stderr, "bench_unit_eval: DBSCAN's labels after the ward tree differ from DBSCAN's alone\n");
      return 1;
    }

    std::vector<metrics::RowLabels> kept_parts;
    for (const auto& p : parts) kept_parts.push_back(kept(p));
    std::vector<double> stored(parts.size()), streamed;
    const double stored_ms = best_ms(reps_of("matrix"), [&] {
      const metrics::PairwiseDistances D(Z);
      for (std::size_t p = 0; p < parts.size(); ++p) stored[p] = metrics::silhouette(D, kept_parts[p].rows, kept_parts[p].labels);
    });
    std::printf("  %-44s %8.2f  (before; not in the sum)\n", "silhouettes: n x n matrix kept, 5 reads", stored_ms);
    phase("silhouettes", "silhouettes: one streamed pass for all 5", [&] { streamed = metrics::silhouettes(Z, kept_parts); });
    for (std::size_t p = 0; p < parts.size(); ++p)
      if (stored[p] != streamed[p]) {
        std::fprintf(stderr, "bench_unit_eval: partition %zu: silhouette %.17g (matrix) != %.17g (streamed)\n", p,
                     stored[p], streamed[p]);
        return 1;
      }
    phase("internal", "Calinski-Harabasz + Davies-Bouldin, 5 partitions", [&] {
      for (const auto& p : kept_parts) {
        const Eigen::MatrixXd Zk = Z(p.rows, Eigen::all);
        (void)metrics::calinski_harabasz(Zk, p.labels);
        (void)metrics::davies_bouldin(Zk, p.labels);
      }
    });
    phase("external", "external scores, 5 partitions x truth columns", [&] {
      for (const auto& p : kept_parts)
        for (const auto& truth : truths) {
          std::vector<int> t;
          for (std::size_t r : p.rows) t.push_back(truth[r]);
          (void)metrics::external_scores(t, p.labels);
        }
    });
    std::printf("  %-44s %8.2f\n", "sum", total);
    if (!o.ward_tree.empty()) {
      const auto tree = vaesweep::cluster::agglomerative(Z, {});
      std::FILE* f = std::fopen(o.ward_tree.c_str(), "w");
      if (!f) throw std::runtime_error("cannot write " + o.ward_tree);
      for (const auto& m : tree.merges) std::fprintf(f, "%d %d %.17g %d\n", m.a, m.b, m.height, m.size);
      std::fclose(f);
    }
    std::printf("silhouettes:");
    for (double s : streamed) std::printf(" %.17g", s);
    std::printf("\n");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_unit_eval: %s\n", e.what());
    return 1;
  }
}
