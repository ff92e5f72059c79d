#pragma once
// The networks of the model family as LibTorch modules. Internal to src/models: it includes
// torch, which vae.hpp must not.
#include <torch/torch.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "models/vae.hpp"

namespace vaesweep::models {

// Everything that fixes a network's layers and therefore its parameter shapes: what a
// checkpoint must record to rebuild the network it saved.
struct NetSpec {
  Architecture architecture = Architecture::mlp;
  bool variational = true;
  std::vector<int> hidden;
  std::vector<int> input_shape;  // conv only
  std::int64_t input_dim = 0;
  std::int64_t condition_dim = 0;  // 0: unconditional
  int latent_dim = 0;
};

NetSpec net_spec(const VaeParams& params, std::int64_t input_dim, std::int64_t condition_dim);

// Throws std::invalid_argument when a conv spec's input_shape is not two positive sizes whose
// product is input_dim.
void check_input_shape(const NetSpec& spec);

// Encoder and decoder over flattened rows (batch x input_dim), whatever the architecture: the
// conv variants reshape inside, so training, evaluation and checkpoints never see the shapes.
struct VaeNetImpl : torch::nn::Module {
  explicit VaeNetImpl(const NetSpec& spec);

  // {mean, logvar}; logvar is undefined for the autoencoder. `condition` is undefined or
  // batch x condition_dim.
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x, const torch::Tensor& condition);
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& condition);

  NetSpec spec;
  torch::nn::Sequential encoder;  // mlp: x [+ condition] -> features; conv: x -> flat features
  torch::nn::Linear to_mean{nullptr}, to_logvar{nullptr};
  torch::nn::Sequential decoder;  // z [+ condition] -> x_hat, flattened like x
};
TORCH_MODULE(VaeNet);

}  // namespace vaesweep::models
