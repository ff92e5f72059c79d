#pragma once
// The model family: MLP and convolutional beta-VAEs, the conditional beta-VAE and the
// deterministic autoencoder, trained by one loop. This header is torch-free on purpose: only
// the model's torch sources include LibTorch, so code that trains models does not pay torch's
// compile cost; and those sources are a module that a process loads only when one of these
// functions needs torch (torch_backend.hpp says which), so it does not pay torch's start-up
// (~0.7 s) either.
#include <Eigen/Dense>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vaesweep::models {

// mlp: fully connected layers over a feature vector. conv1d: X's row is a (channels, frames)
// array in C order (MFCC coefficients as channels); conv2d: a (bands, frames) image with one
// channel (a log-mel patch). Convolutions use kernel 3, stride 2, padding 1; the decoder mirrors
// the encoder with transposed convolutions that restore the exact input size.
enum class Architecture { mlp, conv1d, conv2d };
// The weight of the KL term per epoch: beta throughout, or rising linearly from beta / warmup
// in the first epoch to beta at epoch `warmup_epochs` (and beta after).
enum class KlSchedule { constant, linear };
// Who trains the model. torch: LibTorch modules, autograd and torch::optim::Adam (every
// architecture, any device). batched: the MLP family (vae, ae, cvae) with a hand-written
// backward pass, float32 GEMMs through CBLAS and one-pass Adam, several models at once
// (see batched_mlp.hpp); CPU only, whatever `device` says. The two use different random
// streams and arithmetic, so their results differ (each is reproducible): the engine is part
// of a unit's identity. stacked: M models of one architecture (every architecture) as one
// LibTorch network with a leading member axis, on any device (stacked_training.hpp); a member
// equals the torch engine's loop given the same noise, which is the stacked engine's own
// position noise (the same on every device).
enum class Engine { torch, batched, stacked };

struct VaeParams {
  Architecture architecture = Architecture::mlp;
  bool variational = true;             // false: the deterministic autoencoder (no sampling, no KL)
  std::vector<int> hidden = {64, 32};  // mlp: encoder widths; conv: channels per conv layer
  std::vector<int> input_shape;        // conv: {channels or bands, frames}; product == X.cols()
  int latent_dim = 8;
  double beta = 1.0;                   // weight of the KL term
  KlSchedule kl_schedule = KlSchedule::constant;
  int warmup_epochs = 0;               // linear: epochs until the weight reaches beta
  int epochs = 50;
  int batch_size = 64;
  double learning_rate = 1e-3;         // Adam
  std::uint64_t seed = 0;              // weights, data order and reparameterisation noise
  std::string device = "cpu";          // a torch device string: "cpu", "cuda:0", ...
  Engine engine = Engine::torch;
  // n x c condition (one-hot rows) of the conditional VAE, concatenated to the encoder's input
  // and to the decoder's latent input; empty (0 columns): unconditional.
  Eigen::MatrixXd condition;
  // Where to save the trained model and its optimizer (torch::save archives in one file),
  // with `checkpoint_notes` (the caller's metadata: feature names, scaler, unit hash); empty:
  // no checkpoint.
  std::filesystem::path checkpoint;
  std::map<std::string, std::string> checkpoint_notes;
  int reconstruction_examples = 0;     // rows of X kept with their reconstructions
  // Asked after every epoch: true stops training at once (a preempted job's grace period is
  // over). The result is then marked abandoned and holds nothing else of use.
  std::function<bool()> should_abandon;
};

struct TrainResult {
  Eigen::MatrixXd latent_mean;         // n x latent_dim: the posterior means (AE: codes), what gets clustered
  bool diverged = false;               // a NaN or Inf loss stopped training
  bool abandoned = false;              // should_abandon() stopped training
  std::string message;                 // why, when diverged
  int epochs_run = 0;
  std::vector<double> loss_history;    // mean training loss per epoch (with that epoch's KL weight)
  // Evaluated on the whole data after training, per sample:
  double loss = 0;                     // reconstruction + beta * kl
  double reconstruction = 0;           // squared error summed over features
  double kl = 0;                       // KL(q(z|x) || N(0, I)) summed over latent dimensions (AE: 0)
  std::vector<double> kl_per_dim;
  int active_units = 0;                // dimensions whose posterior mean varies across the data (var > 0.01)
  double seconds = 0;                  // wall time of training
  // The reconstruction examples: rows of X (evenly spaced, first and last included), the
  // rows themselves and the decoder's output for their posterior means.
  std::vector<std::int64_t> example_rows;
  Eigen::MatrixXd example_input, example_output;
};

// Trains a model on X (rows are samples, already standardised) and encodes X. Throws
// std::invalid_argument when the parameters do not fit X (a conv shape that is not X's width,
// a condition with another number of rows).
TrainResult train_vae(const Eigen::MatrixXd& X, const VaeParams& params);

// True when the batched engine can train `p`: the MLP architecture (variational or not,
// conditional or not).
bool batched_engine_supports(const VaeParams& p);
// True when `a` and `b` can train in one batch of the batched engine: both supported, same
// layer sizes (hidden, latent_dim, variational, condition width), epochs and batch size. They
// may differ in seed, beta, KL schedule, learning rate, checkpoint and reconstruction examples.
bool can_train_together(const VaeParams& a, const VaeParams& b);
// True when `a` and `b` can train in one stack of the stacked engine: same architecture, layer
// sizes, input shape, latent_dim, variational, condition width, epochs, batch size and device.
bool can_stack_together(const VaeParams& a, const VaeParams& b);
// Trains every member on the same X (and, for cvae, the same condition) and returns their
// results in order. Members with engine batched must all be able to train together; they then
// train as one batched model, and each member's result is bit-identical to training it alone
// (train_vae with the same params) but for `seconds`, its share of the group's wall time;
// std::invalid_argument when they cannot train together or their conditions differ. Members
// with engine stacked train as one stack (can_stack_together), seconds likewise shared. Torch
// members are trained one after another. The first member's should_abandon is asked after
// every epoch; an abandon marks every member abandoned.
std::vector<TrainResult> train_vae_group(const Eigen::MatrixXd& X, const std::vector<VaeParams>& members);

// A checkpoint read back: the parameters it was trained with and the caller's notes.
struct Checkpoint {
  VaeParams params;                    // architecture, sizes, beta...; seed and device as trained
  std::int64_t input_dim = 0;
  std::int64_t condition_dim = 0;
  std::map<std::string, std::string> notes;
};

// Reads a checkpoint's description; UserError naming the file when it is missing, not a
// vaesweep checkpoint, or damaged.
Checkpoint read_checkpoint(const std::filesystem::path& file);
// The posterior means of X under the checkpoint's model (X standardised as in training;
// `condition` as in training, or empty for an unconditional model). UserError naming the file
// when X's width or the condition's does not match.
Eigen::MatrixXd encode_with_checkpoint(const std::filesystem::path& file, const Eigen::MatrixXd& X,
                                       const Eigen::MatrixXd& condition = {}, const std::string& device = "cpu");

// Active-unit threshold of Burda et al. (2016): Var_x(E_q[z_j | x]) > 0.01.
inline constexpr double kActiveUnitThreshold = 0.01;

// `intra_op` threads per rank (a Slurm task with several CPUs), one inter-op thread. Results are
// bit-identical for a given thread count; another count may change the last bits of a sum.
// Sets OpenMP's count at once (the BLAS follows it) and torch's when torch is or gets loaded.
void use_threads(int intra_op);
// The device a rank should use: "cuda:<local_rank mod count>" when CUDA is there, else "cpu"
// (at once, without loading torch, when there is no NVIDIA driver: no /dev/nvidiactl).
std::string choose_device(int local_rank);
// The LibTorch version vaesweep is built with ("1.13.0"), without loading it.
std::string torch_version();

}  // namespace vaesweep::models
