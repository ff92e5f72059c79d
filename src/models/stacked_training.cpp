#include "models/stacked_training.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "util/error.hpp"
#include "models/checkpoint.hpp"
#include "models/position_noise.hpp"
#include "models/stacked_trainer.hpp"
#include "models/tensors.hpp"
#include "models/torch_module.hpp"
#include "models/torch_training.hpp"
#include "models/training_schedule.hpp"

namespace vaesweep::models {
namespace {

// torch::optim::Adam's defaults, which the torch engine trains with.
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
// The evaluation runs as many members at once as keep its activations under this many values.
constexpr std::int64_t kEvaluationValues = std::int64_t{1} << 26;

void validate(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members) {
  VAESWEEP_ASSERT(!members.empty(), "train_stacked without members");
  const VaeParams& first = *members.front();
  for (std::size_t i = 0; i < members.size(); ++i) {
    const VaeParams& p = *members[i];
    check_training_input(X, p);
    check_input_shape(net_spec(p, X.cols(), p.condition.cols()));
    if (!can_stack_together(first, p))
      throw std::invalid_argument("member " + std::to_string(i) +
                                  " cannot join member 0's stack: architecture, layer sizes, epochs, batch size or "
                                  "device differ");
    if (p.condition.cols() > 0 && p.condition != first.condition)
      throw std::invalid_argument("member " + std::to_string(i) + " has another condition than member 0");
  }
}

std::vector<std::uint64_t> seeds_of(const std::vector<const VaeParams*>& members) {
  std::vector<std::uint64_t> seeds;
  for (const VaeParams* p : members) seeds.push_back(p->seed);
  return seeds;
}

// Values of the activations one row of one member produces in a training step (forward and
// the decoder's mirror), for the memory estimate and the evaluation's chunks.
std::int64_t activation_values_per_row(const VaeParams& p, std::int64_t cols) {
  std::int64_t values = 2 * cols + 4 * p.latent_dim + p.condition.cols();
  if (p.architecture == Architecture::mlp) {
    for (int h : p.hidden) values += 2 * h;
    return 2 * values;  // pre- and post-activation
  }
  std::vector<std::int64_t> spatial{p.input_shape.begin(), p.input_shape.end()};
  if (p.architecture == Architecture::conv1d) spatial.erase(spatial.begin());
  for (int h : p.hidden) {
    std::int64_t size = h;
    for (auto& length : spatial) {
      length = (length + 1) / 2;
      size *= length;
    }
    values += 2 * size;  // the encoder's and the decoder's layer of this size
  }
  return 2 * values;
}

}  // namespace

std::int64_t torch_stacked_bytes_per_member(const VaeParams& p, std::int64_t rows, std::int64_t cols) {
  VaeNet net(net_spec(p, cols, p.condition.cols()));
  std::int64_t parameters = 0;
  for (const auto& t : net->parameters()) parameters += t.numel();
  const std::int64_t batch = std::min<std::int64_t>(p.batch_size, rows);
  // float32: parameters, gradient, two moments, learning rate and temporaries of the update;
  // activations kept for backward and their gradients; the epoch's noise and int64 order.
  const std::int64_t bytes = 4 * (8 * parameters + 3 * batch * activation_values_per_row(p, cols) +
                                  rows * p.latent_dim) + 8 * rows;
  return bytes + bytes / 4;  // and a quarter for the allocator's rounding
}

StackedTrainer::StackedTrainer(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                               const torch::Device& device, torch::Dtype dtype, ConvolutionPath path)
    : members_(members),
      seeds_(seeds_of(members)),
      options_(torch::TensorOptions().device(device).dtype(dtype)),
      rows_(X.rows()),
      batch_(std::min<std::int64_t>(members.front()->batch_size, X.rows())),
      count_(static_cast<std::int64_t>(members.size())),
      net_(net_spec(*members.front(), X.cols(), members.front()->condition.cols()), seeds_, options_, path) {
  data_ = to_tensor(X).to(device, dtype);
  const Eigen::MatrixXd& condition = members.front()->condition;
  if (condition.cols() > 0) data_ = torch::cat({data_, to_tensor(condition).to(device, dtype)}, 1);
  exp_avg_ = torch::zeros_like(net_.flat());
  exp_avg_sq_ = torch::zeros_like(net_.flat());
  for (const VaeParams* p : members) member_rates_.push_back(p->learning_rate);
  learning_rates_ = net_.spread(member_rates_);
}

void StackedTrainer::begin_epoch(int epoch) {
  std::vector<std::int64_t> orders;
  orders.reserve(static_cast<std::size_t>(count_ * rows_));
  std::vector<double> weights;
  for (const VaeParams* p : members_) {
    const std::vector<std::int64_t> order = schedule::epoch_order(rows_, p->seed, epoch);
    orders.insert(orders.end(), order.begin(), order.end());
    weights.push_back(schedule::kl_weight(*p, epoch));
  }
  order_ = torch::tensor(orders, torch::kInt64).view({count_, rows_}).to(options_.device());
  kl_weight_ = torch::tensor(weights, torch::kFloat64).to(options_.device(), options_.dtype().toScalarType());
  if (net_.spec().variational)
    noise_ = position_noise(seeds_, epoch, rows_, net_.spec().latent_dim, options_);
  epoch_loss_ = torch::zeros({count_}, options_);
}

// Rows `index` ([members, count]) of `rows`, stacked by member: [members, count, width].
// (Advanced indexing rather than index_select, which has no meta-device kernel in 1.13.)
torch::Tensor StackedTrainer::gather(const torch::Tensor& rows, const torch::Tensor& index) const {
  return rows.index({index});
}

void StackedTrainer::step(std::int64_t begin) {
  const std::int64_t count = std::min(batch_, rows_ - begin);
  const std::int64_t d = net_.spec().input_dim;
  const torch::Tensor rows = gather(data_, order_.narrow(1, begin, count));
  const torch::Tensor x = rows.narrow(2, 0, d);
  const torch::Tensor c = net_.spec().condition_dim > 0 ? rows.narrow(2, d, net_.spec().condition_dim) : torch::Tensor();
  auto [mean, logvar] = net_.encode(x, c);
  torch::Tensor loss;
  // train.cpp's loss per member: mean over the batch of the summed squared error (+ weight * KL).
  if (net_.spec().variational) {
    const torch::Tensor z = mean + noise_.narrow(1, begin, count) * (0.5 * logvar).exp();
    const torch::Tensor kl = (0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar)).sum(2).mean(1);
    loss = (net_.decode(z, c) - x).pow(2).sum(2).mean(1) + kl_weight_ * kl;
  } else {
    loss = (net_.decode(mean, c) - x).pow(2).sum(2).mean(1);
  }
  net_.zero_grad();
  // Each member's loss depends on its own parameters only, so the sum's gradient is every
  // member's own gradient.
  loss.sum().backward();
  net_.collect_grad();
  adam_step();
  epoch_loss_ += loss.detach() * static_cast<double>(count);
}

// torch::optim::Adam's step (adam.cpp), with the learning rate per member.
void StackedTrainer::adam_step() {
  torch::NoGradGuard no_grad;
  ++steps_;
  const double correction1 = 1.0 - std::pow(kBeta1, static_cast<double>(steps_));
  const double correction2 = 1.0 - std::pow(kBeta2, static_cast<double>(steps_));
  const torch::Tensor& grad = net_.flat_grad();
  exp_avg_.mul_(kBeta1).add_(grad, 1.0 - kBeta1);
  exp_avg_sq_.mul_(kBeta2).addcmul_(grad, grad, 1.0 - kBeta2);
  const torch::Tensor denom = (exp_avg_sq_.sqrt() / std::sqrt(correction2)).add_(kEps);
  net_.flat().addcdiv_(exp_avg_ * learning_rates_, denom, -1.0 / correction1);
}

std::vector<double> StackedTrainer::end_epoch() {
  const torch::Tensor losses = (epoch_loss_ / static_cast<double>(rows_)).to(torch::kCPU, torch::kFloat64);
  return {losses.data_ptr<double>(), losses.data_ptr<double>() + count_};
}

void StackedTrainer::freeze(std::int64_t m) {
  torch::NoGradGuard no_grad;
  net_.zero_member(net_.flat(), m);
  net_.zero_member(exp_avg_, m);
  net_.zero_member(exp_avg_sq_, m);
  member_rates_[static_cast<std::size_t>(m)] = 0.0;
  learning_rates_ = net_.spread(member_rates_);
}

std::vector<TrainResult> StackedTrainer::evaluate(const Eigen::MatrixXd& X) {
  torch::NoGradGuard no_grad;
  std::vector<TrainResult> results(static_cast<std::size_t>(count_));
  const std::int64_t d = net_.spec().input_dim, c = net_.spec().condition_dim;
  const std::int64_t per_member = rows_ * activation_values_per_row(*members_.front(), d);
  const std::int64_t chunk = std::clamp<std::int64_t>(kEvaluationValues / std::max<std::int64_t>(per_member, 1), 1, count_);
  const torch::Tensor x_all = data_.narrow(1, 0, d);
  for (std::int64_t first = 0; first < count_; first += chunk) {
    const std::int64_t n = std::min(chunk, count_ - first);
    const torch::Tensor x = x_all.unsqueeze(0).expand({n, rows_, d});
    const torch::Tensor cond = c > 0 ? data_.narrow(1, d, c).unsqueeze(0).expand({n, rows_, c}) : torch::Tensor();
    auto [mean, logvar] = net_.encode(x, cond, first, n);
    const torch::Tensor x_hat = net_.decode(mean, cond, first, n);
    for (std::int64_t j = 0; j < n; ++j) {
      const VaeParams& p = *members_[static_cast<std::size_t>(first + j)];
      fill_evaluation(x_all, mean[j], logvar.defined() ? logvar[j] : logvar, x_hat[j], X, p,
                      results[static_cast<std::size_t>(first + j)]);
    }
  }
  return results;
}

void StackedTrainer::save_member(std::int64_t m, const VaeParams& p) {
  const NetSpec& spec = net_.spec();
  VaeNet model(spec);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(p.learning_rate));
  const std::vector<torch::Tensor> values = net_.member_tensors(net_.flat(), m);
  const std::vector<torch::Tensor> first = net_.member_tensors(exp_avg_, m);
  const std::vector<torch::Tensor> second = net_.member_tensors(exp_avg_sq_, m);
  {
    torch::NoGradGuard no_grad;
    std::size_t i = 0;
    for (auto& param : model->parameters()) {
      param.copy_(values[i]);
      adopt_adam_state(optimizer, param, steps_, first[i], second[i]);
      ++i;
    }
  }
  save_checkpoint(p.checkpoint, model, optimizer, p, spec);
}

std::vector<TrainResult> train_stacked(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                                       const std::function<bool()>& should_abandon) {
  validate(X, members);
  return run_stack(X, members, should_abandon, torch::kFloat32);
}

std::vector<TrainResult> run_stack(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                                   const std::function<bool()>& should_abandon, torch::Dtype dtype,
                                   ConvolutionPath path) {
  const auto start = std::chrono::steady_clock::now();
  const VaeParams& first = *members.front();
  StackedTrainer trainer(X, members, torch::Device(first.device), dtype, path);
  std::vector<TrainResult> history(members.size());
  std::vector<bool> training(members.size(), true);
  for (int epoch = 0; epoch < first.epochs; ++epoch) {
    trainer.begin_epoch(epoch);
    for (std::int64_t begin = 0; begin < trainer.rows(); begin += trainer.batch()) trainer.step(begin);
    const std::vector<double> losses = trainer.end_epoch();
    for (std::size_t m = 0; m < members.size(); ++m) {
      if (!training[m]) continue;
      if (!record_epoch_loss(history[m], epoch, losses[m])) {
        training[m] = false;
        trainer.freeze(static_cast<std::int64_t>(m));
      }
    }
    if (std::none_of(training.begin(), training.end(), [](bool t) { return t; })) break;
    if (should_abandon && should_abandon()) {
      mark_abandoned(history, epoch, first.epochs);
      return history;
    }
  }

  std::vector<TrainResult> results = trainer.evaluate(X);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (std::size_t m = 0; m < members.size(); ++m) {
    TrainResult& r = results[m];
    const TrainResult& h = history[m];
    r.loss_history = h.loss_history;
    r.epochs_run = h.epochs_run;
    r.seconds = seconds / static_cast<double>(members.size());
    if (h.diverged) {
      // A frozen member's weights are zeros, not what it diverged to: its outputs mean nothing.
      r.diverged = true;
      r.message = h.message;
      r.latent_mean.setConstant(std::numeric_limits<double>::quiet_NaN());
      r.loss = r.reconstruction = r.kl = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    if (!r.diverged && !members[m]->checkpoint.empty()) trainer.save_member(static_cast<std::int64_t>(m), *members[m]);
  }
  return results;
}

}  // namespace vaesweep::models
