// Benchmark: training the D-64-32-z16 MLP VAE (Adam 1e-3, batch 64, 50 epochs, the final
// evaluation on all rows included) on a feature table, on ONE thread, with vaesweep's torch
// engine (models one after another), the batched engine (M models in one group) or the
// stacked engine (M models as one LibTorch network); or, with --conv-rows, the conv 2-D VAE
// (channels 16-32, z16) on that many random --conv-bands x --conv-frames images. The peer is
// bench/train_python_peer.py; bench/run_training_bench.sh and run_stacked_bench.sh run both.
//
//   bench_training --data TABLE.csv --engine torch|batched|stacked [--members M] [--repeats R]
//                  [--epochs 50] [--check]
//   bench_training --conv-rows N [--conv-bands 32 --conv-frames 64] --engine torch|stacked ...
//
// Data: every numeric column but `filename`, `length` and the label sets `label` and
// `language`, z-scored. Member i (0-based) has seed i + 1 and beta 1 or 4 (alternating): units
// of one study that differ in seed and beta. A repetition trains all M models; its seconds per
// model are its wall time / M; the median (and min, max) over R repetitions is reported:
//   RESULT engine=batched members=8 repeats=5 s_per_model=0.170 min=... max=... loss=...
// --check also prints, without asserting anything: whether member 0 of the group is
// bit-identical to member 0 trained alone, and the float32 engine's drift from the same
// training in float64 (max |latent mean difference| / max |latent mean|).
#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"
#include "models/batched_mlp.hpp"
#include "models/batched_training.hpp"
#include "util/heap.hpp"
#include "models/blas_core.hpp"
#include "models/vae.hpp"

namespace {

namespace data = vaesweep::data;
namespace io = vaesweep::io;
namespace models = vaesweep::models;
namespace bench = vaesweep::bench;

struct Options {
  std::string data, engine;
  int members = 1, repeats = 3, epochs = 50;
  int conv_rows = 0, conv_bands = 32, conv_frames = 64;
  bool check = false;
};

Options parse(int argc, char** argv) {
  bench::Args args(argc, argv,
                   "--data TABLE.csv | --conv-rows N [--conv-bands B] [--conv-frames F] "
                   "--engine torch|batched|stacked [--members M] [--repeats R] [--epochs 50] [--check]",
                   {"--check"});
  Options o;
  o.data = args.text("--data");
  o.engine = args.text("--engine");
  o.members = static_cast<int>(args.integer("--members", o.members));
  o.repeats = static_cast<int>(args.integer("--repeats", o.repeats));
  o.epochs = static_cast<int>(args.integer("--epochs", o.epochs));
  o.conv_rows = static_cast<int>(args.integer("--conv-rows", o.conv_rows));
  o.conv_bands = static_cast<int>(args.integer("--conv-bands", o.conv_bands));
  o.conv_frames = static_cast<int>(args.integer("--conv-frames", o.conv_frames));
  o.check = args.on("--check");
  args.finish();
  if ((o.data.empty() && o.conv_rows <= 0) || (o.engine != "torch" && o.engine != "batched" && o.engine != "stacked"))
    args.fail("--data or --conv-rows, and --engine torch|batched|stacked");
  if (o.conv_rows > 0 && o.engine == "batched") args.fail("the batched engine trains MLPs only");
  if (o.members < 1 || o.repeats < 1 || o.epochs < 1) args.fail("--members, --repeats and --epochs must be positive");
  return o;
}

std::vector<models::VaeParams> members(const Options& o) {
  std::vector<models::VaeParams> out;
  for (int i = 0; i < o.members; ++i) {
    models::VaeParams p;
    p.hidden = {64, 32};
    p.latent_dim = 16;
    p.epochs = o.epochs;
    p.batch_size = 64;
    p.learning_rate = 1e-3;
    p.seed = static_cast<std::uint64_t>(i + 1);
    p.beta = i % 2 == 0 ? 1.0 : 4.0;
    p.engine = o.engine == "batched"   ? models::Engine::batched
               : o.engine == "stacked" ? models::Engine::stacked
                                       : models::Engine::torch;
    if (o.conv_rows > 0) {
      p.architecture = models::Architecture::conv2d;
      p.input_shape = {o.conv_bands, o.conv_frames};
      p.hidden = {16, 32};
    }
    out.push_back(p);
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The float32 engine's latent means against the same member trained in float64.
double float_drift(const Eigen::MatrixXd& X, const models::VaeParams& p, const Eigen::MatrixXd& latent_float) {
  const models::MlpShape shape = models::mlp_shape(p, static_cast<int>(X.cols()), 0);
  models::BatchedMlp<double> engine(shape, 1, p.batch_size);
  engine.initialise(0, p.seed);
  const std::vector<double> rows = models::training_rows<double>(X, p.condition);
  std::vector<models::TrainResult> results(1);
  models::run_epochs(engine, rows, {&p}, {}, results);
  const auto pass = engine.posterior_pass(0, rows.data(), static_cast<int>(X.rows()));
  const Eigen::MatrixXd Z = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      pass.mean.data(), X.rows(), shape.latent_dim);
  return (Z - latent_float).cwiseAbs().maxCoeff() / Z.cwiseAbs().maxCoeff();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    vaesweep::keep_freed_memory_for_reuse();  // as vaesweep's main
    Eigen::MatrixXd X;
    if (o.conv_rows > 0) {
      // Random images: training costs the same whatever the pixels hold.
      std::mt19937_64 rng(7);
      std::normal_distribution<double> normal;
      X.resize(o.conv_rows, static_cast<Eigen::Index>(o.conv_bands) * o.conv_frames);
      for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = normal(rng);
    } else {
      data::TableOptions table_options;
      table_options.labels = {"label", "language"};
      X = data::table_from_csv(io::read_csv(o.data), table_options).X;
      data::standardize(X);
    }
    models::use_threads(1);
    const std::vector<models::VaeParams> group = members(o);

    std::vector<double> per_model;
    std::vector<models::TrainResult> last;
    for (int r = 0; r < o.repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      if (o.engine != "torch") {
        last = models::train_vae_group(X, group);
      } else {
        last.clear();
        for (const auto& p : group) last.push_back(models::train_vae(X, p));
      }
      per_model.push_back(seconds_since(start) / o.members);
    }
    std::sort(per_model.begin(), per_model.end());
    const double median = per_model.size() % 2 == 1
                              ? per_model[per_model.size() / 2]
                              : 0.5 * (per_model[per_model.size() / 2 - 1] + per_model[per_model.size() / 2]);
    int diverged = 0;
    for (const auto& t : last) diverged += t.diverged;
    const std::string fix = models::openblas_coretype_fix();
    std::printf("table: %lld rows x %lld features; %d epochs; one thread; OpenBLAS kernels %s%s\n",
                static_cast<long long>(X.rows()), static_cast<long long>(X.cols()), o.epochs,
                models::openblas_core().c_str(),
                fix.empty() ? "" : (" (a fallback: OPENBLAS_CORETYPE=" + fix + " selects the right ones)").c_str());
    std::printf(
        "RESULT engine=%s members=%d repeats=%d s_per_model=%.4f min=%.4f max=%.4f loss=%.4f diverged=%d blas=%s\n",
        o.engine.c_str(), o.members, o.repeats, median, per_model.front(), per_model.back(), last[0].loss, diverged,
        models::openblas_core().c_str());

    if (o.check && o.engine == "batched") {
      const models::TrainResult alone = models::train_vae(X, group[0]);
      const bool identical = alone.latent_mean == last[0].latent_mean && alone.loss_history == last[0].loss_history;
      std::printf("CHECK member 0 of %d bit-identical to training alone: %s\n", o.members, identical ? "yes" : "NO");
      std::printf("CHECK float32 vs float64 latent means after %d epochs: %.2e relative\n", o.epochs,
                  float_drift(X, group[0], alone.latent_mean));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_training: %s\n", e.what());
    return 1;
  }
}
