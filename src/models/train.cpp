// train_torch: the torch engine's training loop, and the evaluation after it (fill_evaluation,
// which the stacked engine shares).
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "util/error.hpp"
#include "util/rng.hpp"
#include "models/checkpoint.hpp"
#include "models/networks.hpp"
#include "models/tensors.hpp"
#include "models/torch_training.hpp"
#include "models/training_schedule.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {
namespace {

void validate(const Eigen::MatrixXd& X, const VaeParams& p, const NetSpec& spec) {
  check_training_input(X, p);
  check_input_shape(spec);
}

// The data order of an epoch as a tensor; the law is the one every engine shares.
torch::Tensor epoch_order(std::int64_t n, std::uint64_t seed, int epoch) {
  return torch::tensor(schedule::epoch_order(n, seed, epoch), torch::kInt64);
}

torch::Tensor squared_error(const torch::Tensor& x, const torch::Tensor& x_hat) { return (x_hat - x).pow(2).sum(1); }

// Per-sample, per-dimension KL(N(mean, exp(logvar)) || N(0, 1)).
torch::Tensor kl_per_dim(const torch::Tensor& mean, const torch::Tensor& logvar) {
  return 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar);
}

torch::Tensor rows_of(const torch::Tensor& t, std::int64_t begin, std::int64_t count) {
  return t.defined() ? t.narrow(0, begin, count) : t;
}

// The final evaluation on all of X with the posterior means (no sampling).
void evaluate(VaeNet& model, const torch::Tensor& data, const torch::Tensor& condition, const Eigen::MatrixXd& X,
              const VaeParams& p, TrainResult& result) {
  torch::NoGradGuard no_grad;
  model->eval();
  auto [mean, logvar] = model->encode(data, condition);
  fill_evaluation(data, mean, logvar, model->decode(mean, condition), X, p, result);
}

}  // namespace

void fill_evaluation(const torch::Tensor& data, const torch::Tensor& mean, const torch::Tensor& logvar,
                     const torch::Tensor& x_hat, const Eigen::MatrixXd& X, const VaeParams& p, TrainResult& result) {
  result.latent_mean = to_matrix(mean);
  result.reconstruction = squared_error(data, x_hat).mean().item<double>();
  if (p.variational) {
    const torch::Tensor kl = kl_per_dim(mean, logvar).mean(0);
    result.kl = kl.sum().item<double>();
    const Eigen::MatrixXd kl_row = to_matrix(kl.unsqueeze(0));
    result.kl_per_dim.assign(kl_row.data(), kl_row.data() + kl_row.size());
    result.loss = result.reconstruction + p.beta * result.kl;
  } else {
    result.kl = 0;
    result.kl_per_dim.assign(static_cast<std::size_t>(p.latent_dim), 0.0);
    result.loss = result.reconstruction;
  }
  result.active_units = active_units(result.latent_mean);

  result.example_rows = schedule::example_rows(X.rows(), p.reconstruction_examples);
  if (!result.example_rows.empty()) {
    const auto m = static_cast<Eigen::Index>(result.example_rows.size());
    result.example_input.resize(m, X.cols());
    for (Eigen::Index i = 0; i < m; ++i) result.example_input.row(i) = X.row(result.example_rows[static_cast<std::size_t>(i)]);
    const torch::Tensor index = torch::tensor(result.example_rows, torch::kInt64).to(x_hat.device());
    result.example_output = to_matrix(x_hat.index_select(0, index));
  }
  if (!result.diverged && !result.latent_mean.allFinite()) {
    result.diverged = true;
    result.message = "the encoder produced non-finite latent means";
  }
}

TrainResult train_torch(const Eigen::MatrixXd& X, const VaeParams& p, const TorchLoopSeams& seams) {
  const NetSpec spec = net_spec(p, X.cols(), p.condition.cols());
  validate(X, p, spec);
  const auto start = std::chrono::steady_clock::now();
  const torch::Device device(p.device);

  torch::manual_seed(p.seed);
  VaeNet model(spec);
  model->to(device, seams.dtype);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(p.learning_rate));
  const torch::Tensor data = to_tensor(X).to(device, seams.dtype);
  const torch::Tensor condition = p.condition.cols() > 0 ? condition_tensor(p.condition, device).to(seams.dtype)
                                                         : torch::Tensor();
  const std::int64_t n = data.size(0);
  const std::int64_t batch = std::min<std::int64_t>(p.batch_size, n);

  TrainResult result;
  model->train();
  for (int epoch = 0; epoch < p.epochs; ++epoch) {
    const double weight = schedule::kl_weight(p, epoch);
    // Gather the epoch once; batches are then views, not copies.
    const torch::Tensor order = epoch_order(n, p.seed, epoch).to(device);
    const torch::Tensor shuffled = data.index_select(0, order);
    const torch::Tensor shuffled_condition = condition.defined() ? condition.index_select(0, order) : condition;
    torch::Tensor epoch_loss = torch::zeros({}, torch::TensorOptions().device(device).dtype(seams.dtype));
    for (std::int64_t begin = 0; begin < n; begin += batch) {
      const std::int64_t count = std::min(batch, n - begin);
      const torch::Tensor x = shuffled.narrow(0, begin, count);
      const torch::Tensor c = rows_of(shuffled_condition, begin, count);
      auto [mean, logvar] = model->encode(x, c);
      torch::Tensor loss;
      if (p.variational) {
        const torch::Tensor noise = seams.noise ? seams.noise(epoch, begin, mean) : torch::randn_like(mean);
        const torch::Tensor z = mean + noise * (0.5 * logvar).exp();
        loss = squared_error(x, model->decode(z, c)).mean() + weight * kl_per_dim(mean, logvar).sum(1).mean();
      } else {
        loss = squared_error(x, model->decode(mean, c)).mean();
      }
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      epoch_loss += loss.detach() * static_cast<double>(count);
    }
    // One host synchronisation per epoch, not per batch.
    if (!record_epoch_loss(result, epoch, epoch_loss.item<double>() / static_cast<double>(n))) break;
    if (p.should_abandon && p.should_abandon()) {
      std::vector<TrainResult> one{std::move(result)};
      mark_abandoned(one, epoch, p.epochs);
      return std::move(one.front());
    }
  }

  evaluate(model, data, condition, X, p, result);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // A diverged model is not worth keeping; the result says why and the caller records it.
  if (!result.diverged && !p.checkpoint.empty()) save_checkpoint(p.checkpoint, model, optimizer, p, spec);
  return result;
}

}  // namespace vaesweep::models
