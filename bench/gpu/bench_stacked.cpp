// The stacked engine on one device, for bench/gpu/check.sh: a member's equivalence (CPU vs the
// device in float64, or on the CPU alone vs the torch engine's loop), then seconds per model,
// median of --repeats, of the MLP VAE on a feature table at several stack sizes and of the
// conv 2-D VAE on random images; the torch engine's one-model loop beside them. Prints a
// Markdown table and writes it (and a CSV) under --out.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include "util/heap.hpp"
#include "models/position_noise.hpp"
#include "models/stacked_trainer.hpp"
#include "models/stacked_training.hpp"
#include "models/torch_training.hpp"
#include "models/vae.hpp"

namespace models = vaesweep::models;

namespace {

struct Options {
  std::string device = "cpu", table, out = ".";
  std::vector<int> mlp_members{1, 16, 128, 1024}, conv_members{1, 8, 32};
  int mlp_epochs = 50, conv_epochs = 5, conv_rows = 10000, conv_size = 128, repeats = 3;
};

std::vector<int> int_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--device") o.device = value;
    else if (key == "--table") o.table = value;
    else if (key == "--out") o.out = value;
    else if (key == "--mlp-members") o.mlp_members = int_list(value);
    else if (key == "--conv-members") o.conv_members = int_list(value);
    else if (key == "--mlp-epochs") o.mlp_epochs = std::stoi(value);
    else if (key == "--conv-epochs") o.conv_epochs = std::stoi(value);
    else if (key == "--conv-rows") o.conv_rows = std::stoi(value);
    else if (key == "--conv-size") o.conv_size = std::stoi(value);
    else if (key == "--repeats") o.repeats = std::stoi(value);
    else throw std::invalid_argument("unknown option " + key);
  }
  return o;
}

// The numeric columns of a CSV table (a header line, then rows) but `filename`, `length` and
// the label sets `label` and `language` (as bench_training reads the real table), standardised.
Eigen::MatrixXd read_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream names(line);
  for (std::string name; std::getline(names, name, ',');) header.push_back(name);
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  std::vector<std::size_t> numeric;
  for (std::size_t c = 0; c < rows.front().size(); ++c) {
    const std::string name = c < header.size() ? header[c] : "";
    bool all = name != "filename" && name != "length" && name != "label" && name != "language";
    for (const auto& r : rows) {
      char* end = nullptr;
      if (c >= r.size() || r[c].empty() || (std::strtod(r[c].c_str(), &end), *end != '\0')) all = false;
    }
    if (all) numeric.push_back(c);
  }
  Eigen::MatrixXd X(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(numeric.size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < numeric.size(); ++j)
      X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = std::stod(rows[i][numeric[j]]);
  const Eigen::RowVectorXd mean = X.colwise().mean();
  X.rowwise() -= mean;
  const Eigen::RowVectorXd sd = (X.array().square().colwise().mean()).sqrt().max(1e-12).matrix();
  return X.array().rowwise() / sd.array();
}

std::vector<models::VaeParams> stack_of(const models::VaeParams& base, int members) {
  std::vector<models::VaeParams> out;
  for (int m = 0; m < members; ++m) {
    models::VaeParams p = base;
    p.seed = 1000 + static_cast<std::uint64_t>(m);
    p.beta = 0.5 + 0.25 * (m % 8);
    out.push_back(p);
  }
  return out;
}

std::vector<const models::VaeParams*> pointers(const std::vector<models::VaeParams>& v) {
  std::vector<const models::VaeParams*> out;
  for (const auto& p : v) out.push_back(&p);
  return out;
}

double median_seconds(int repeats, const std::function<void()>& run) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// float64 member: on the device vs on the CPU (same law, same data), or on the CPU vs the torch
// engine's loop alone with the position noise.
double member_equivalence(const Eigen::MatrixXd& X, const Options& o, std::string& what) {
  models::VaeParams p;
  p.hidden = {64, 32};
  p.latent_dim = 16;
  p.epochs = 3;
  p.engine = models::Engine::stacked;
  p.device = o.device;
  std::vector<models::VaeParams> stack = stack_of(p, 2);
  const auto on_device = models::run_stack(X, pointers(stack), {}, torch::kFloat64);
  Eigen::MatrixXd reference;
  if (o.device != "cpu") {
    for (auto& q : stack) q.device = "cpu";
    reference = models::run_stack(X, pointers(stack), {}, torch::kFloat64)[1].latent_mean;
    what = "member 1 of 2, float64, 3 epochs: " + o.device + " vs cpu";
  } else {
    models::TorchLoopSeams seams;
    seams.dtype = torch::kFloat64;
    seams.noise = [&](int epoch, std::int64_t begin, const torch::Tensor& mean) {
      return models::position_noise({stack[1].seed}, epoch, X.rows(), p.latent_dim, mean.options())[0].narrow(
          0, begin, mean.size(0));
    };
    reference = models::train_torch(X, stack[1], seams).latent_mean;
    what = "member 1 of 2, float64, 3 epochs: stacked vs the torch loop alone (cpu; no GPU here)";
  }
  return (on_device[1].latent_mean - reference).cwiseAbs().maxCoeff() / reference.cwiseAbs().maxCoeff();
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  vaesweep::keep_freed_memory_for_reuse();  // as vaesweep's main
  models::use_threads(std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  if (o.device == "cpu") models::use_threads(1);
  std::filesystem::create_directories(o.out);
  // Written row by row, so that a run cut short by a time limit leaves what it measured.
  std::ostringstream table;
  std::ofstream markdown(std::filesystem::path(o.out) / "stacked.md");
  const auto add = [&](const std::string& text) {
    table << text;
    markdown << text << std::flush;
  };
  add("| workload | models in the stack | device | s per model (median of " + std::to_string(o.repeats) +
      ") | models/s |\n|---|---|---|---|---|\n");
  std::ofstream csv(std::filesystem::path(o.out) / "stacked.csv");
  csv << "workload,members,device,seconds_per_model\n";
  const auto row = [&](const std::string& workload, int members, double seconds) {
    std::ostringstream line;
    line << "| " << workload << " | " << members << " | " << o.device << " | " << seconds << " | " << 1.0 / seconds
         << " |\n";
    add(line.str());
    csv << '"' << workload << "\"," << members << ',' << o.device << ',' << seconds << '\n' << std::flush;
    std::cerr << workload << " M=" << members << ": " << seconds << " s/model\n";
  };

  const Eigen::MatrixXd X = read_table(o.table);
  std::string what;
  const double difference = member_equivalence(X, o, what);
  std::cout << "equivalence (" << what << "): max relative difference of the latent means " << difference
            << (difference <= 1e-9 ? " (<= 1e-9: ok)" : " (> 1e-9: FAILED)") << "\n";

  models::VaeParams mlp;
  mlp.hidden = {64, 32};
  mlp.latent_dim = 16;
  mlp.epochs = o.mlp_epochs;
  mlp.device = o.device;
  const std::string mlp_name = "MLP VAE " + std::to_string(X.rows()) + " x " + std::to_string(X.cols()) + ", " +
                               std::to_string(o.mlp_epochs) + " epochs";
  row(mlp_name + ", torch engine", 1, median_seconds(o.repeats, [&] { models::train_torch(X, mlp); }));
  mlp.engine = models::Engine::stacked;
  for (int m : o.mlp_members) {
    const auto stack = stack_of(mlp, m);
    row(mlp_name + ", stacked", m,
        median_seconds(o.repeats, [&] { models::train_stacked(X, pointers(stack), {}); }) / m);
  }

  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd images(o.conv_rows, o.conv_size * o.conv_size);
  for (Eigen::Index i = 0; i < images.size(); ++i) images.data()[i] = normal(rng);
  models::VaeParams conv;
  conv.architecture = models::Architecture::conv2d;
  conv.input_shape = {o.conv_size, o.conv_size};
  conv.hidden = {16, 32};
  conv.latent_dim = 16;
  conv.epochs = o.conv_epochs;
  conv.device = o.device;
  const std::string conv_name = "conv 2-D VAE " + std::to_string(o.conv_rows) + " x " + std::to_string(o.conv_size) +
                                "^2, " + std::to_string(o.conv_epochs) + " epochs";
  row(conv_name + ", torch engine", 1, median_seconds(o.repeats, [&] { models::train_torch(images, conv); }));
  conv.engine = models::Engine::stacked;
  for (int m : o.conv_members) {
    const auto stack = stack_of(conv, m);
    row(conv_name + ", stacked", m,
        median_seconds(o.repeats, [&] { models::train_stacked(images, pointers(stack), {}); }) / m);
  }
  std::cout << table.str();
  return difference <= 1e-9 ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "bench_stacked: " << e.what() << "\n";
  return 1;
}
