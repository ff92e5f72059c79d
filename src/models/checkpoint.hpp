#pragma once
// Writing a checkpoint (internal: includes torch). Reading is public, in vae.hpp.
#include <torch/torch.h>

#include <filesystem>

#include "models/networks.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {

// Model weights, Adam state and the metadata that rebuilds the network (see checkpoint.cpp
// for the layout), written to a temporary file beside `file` and renamed onto it, so a reader
// never sees half a checkpoint. UserError naming the file when it cannot be written.
// Gives `optimizer` the state of `param` after `steps` Adam steps with these moments, as if it
// had taken them, so that a checkpoint of another engine resumes like the torch engine's.
void adopt_adam_state(torch::optim::Adam& optimizer, const torch::Tensor& param, std::int64_t steps,
                      const torch::Tensor& exp_avg, const torch::Tensor& exp_avg_sq);

void save_checkpoint(const std::filesystem::path& file, VaeNet& model, torch::optim::Optimizer& optimizer,
                     const VaeParams& params, const NetSpec& spec);

}  // namespace vaesweep::models
