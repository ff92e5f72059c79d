#pragma once
// The MLP beta-VAE. This header is torch-free on purpose: only vae.cpp includes LibTorch, so
// code that trains models does not pay torch's compile cost.
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vaesweep::models {

struct VaeParams {
  std::vector<int> hidden = {64, 32};  // encoder widths; the decoder mirrors them
  int latent_dim = 8;
  double beta = 1.0;                   // weight of the KL term
  int epochs = 50;
  int batch_size = 64;
  double learning_rate = 1e-3;         // Adam
  std::uint64_t seed = 0;              // weights, data order and reparameterisation noise
  std::string device = "cpu";          // a torch device string: "cpu", "cuda:0", ...
  // Asked after every epoch: true stops training at once (a preempted job's grace period is
  // over). The result is then marked abandoned and holds nothing else of use.
  std::function<bool()> should_abandon;
};

struct TrainResult {
  Eigen::MatrixXd latent_mean;         // n x latent_dim: the posterior means, what gets clustered
  bool diverged = false;               // a NaN or Inf loss stopped training
  bool abandoned = false;              // should_abandon() stopped training
  std::string message;                 // why, when diverged
  int epochs_run = 0;
  std::vector<double> loss_history;    // mean training loss per epoch
  // Evaluated on the whole data after training, per sample:
  double loss = 0;                     // reconstruction + beta * kl
  double reconstruction = 0;           // squared error summed over features
  double kl = 0;                       // KL(q(z|x) || N(0, I)) summed over latent dimensions
  std::vector<double> kl_per_dim;
  int active_units = 0;                // dimensions whose posterior mean varies across the data (var > 0.01)
  double seconds = 0;                  // wall time of training
};

// Trains a VAE on X (rows are samples, already standardised) and encodes X.
TrainResult train_vae(const Eigen::MatrixXd& X, const VaeParams& params);

// Active-unit threshold of Burda et al. (2016): Var_x(E_q[z_j | x]) > 0.01.
inline constexpr double kActiveUnitThreshold = 0.01;

// One intra-op and one inter-op thread: ranks are the parallelism (see PERFORMANCE.md).
void use_single_thread();
// The device a rank should use: "cuda:<local_rank mod count>" when CUDA is there, else "cpu".
std::string choose_device(int local_rank);
std::string torch_version();

}  // namespace vaesweep::models
