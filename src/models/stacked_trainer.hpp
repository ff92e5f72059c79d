#pragma once
// The stacked engine's training, step by step (internal: includes torch). train_stacked runs
// it; the tests run single steps on the meta device and in float64.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "models/stacked_net.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {

class StackedTrainer {
 public:
  // Puts X (and the members' common condition) on `device` in `dtype` and initialises the stack.
  StackedTrainer(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members, const torch::Device& device,
                 torch::Dtype dtype, ConvolutionPath path = ConvolutionPath::by_device);

  std::int64_t rows() const { return rows_; }
  std::int64_t batch() const { return batch_; }
  // The members' data orders, noise and KL weights of `epoch` (0-based), on the device.
  void begin_epoch(int epoch);
  // One mini-batch of every member: rows [begin, begin + batch) of each member's order, the
  // loss, its gradients and an Adam step. No host synchronisation.
  void step(std::int64_t begin);
  // Every member's mean loss of the epoch (the one host synchronisation of an epoch).
  std::vector<double> end_epoch();
  // Stops training member m for good: zero weights and moments, zero learning rate.
  void freeze(std::int64_t m);
  // The evaluation of train_vae on all rows with the posterior means, for every member.
  std::vector<TrainResult> evaluate(const Eigen::MatrixXd& X);
  // Member m's network and Adam state as the torch engine keeps them, saved as its checkpoint.
  void save_member(std::int64_t m, const VaeParams& p);

  StackedNet& net() { return net_; }

 private:
  torch::Tensor gather(const torch::Tensor& rows, const torch::Tensor& index) const;
  void adam_step();

  std::vector<const VaeParams*> members_;
  std::vector<std::uint64_t> seeds_;
  torch::TensorOptions options_;
  std::int64_t rows_ = 0, batch_ = 0, count_ = 0;
  torch::Tensor data_, condition_;
  StackedNet net_;
  // Adam (torch::optim::Adam's update, one learning rate per member spread over the flat layout).
  torch::Tensor exp_avg_, exp_avg_sq_, learning_rates_;
  std::vector<double> member_rates_;
  std::int64_t steps_ = 0;
  // The current epoch.
  torch::Tensor order_, noise_, kl_weight_, epoch_loss_;
};

// train_stacked in `dtype` (members checked by the caller): float32 there, float64 in the tests,
// which also choose the convolution path.
std::vector<TrainResult> run_stack(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                                   const std::function<bool()>& should_abandon, torch::Dtype dtype,
                                   ConvolutionPath path = ConvolutionPath::by_device);

}  // namespace vaesweep::models
