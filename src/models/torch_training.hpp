#pragma once
// The torch engine's training loop with its two seams open (internal: includes torch): the
// scalar type and the reparameterisation noise of a step. train_vae runs it with float32 and
// torch's generator (randn_like after the seeded initialisation); the stacked engine's tests
// run it with the stacked engine's position noise, in float32 and float64, as the model
// "trained alone" that a stack member must equal.
#include <torch/torch.h>

#include <cstdint>
#include <functional>

#include "models/vae.hpp"

namespace vaesweep::models {

struct TorchLoopSeams {
  torch::Dtype dtype = torch::kFloat32;
  // The noise of the step that trains on rows [begin, begin + mean.size(0)) of epoch `epoch`'s
  // order, shaped like `mean`; empty: torch::randn_like(mean).
  std::function<torch::Tensor(int epoch, std::int64_t begin, const torch::Tensor& mean)> noise;
};

// The evaluation after training, from the model's outputs on all of X (`data`, on the model's
// device) with the posterior means: the latent means, the loss terms per sample, the active
// units, the reconstruction examples, and `diverged` when a latent mean is not finite.
void fill_evaluation(const torch::Tensor& data, const torch::Tensor& mean, const torch::Tensor& logvar,
                     const torch::Tensor& x_hat, const Eigen::MatrixXd& X, const VaeParams& p, TrainResult& result);

TrainResult train_torch(const Eigen::MatrixXd& X, const VaeParams& p, const TorchLoopSeams& seams = {});

}  // namespace vaesweep::models
