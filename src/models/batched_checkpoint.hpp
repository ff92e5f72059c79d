#pragma once
// Saving a member of the batched engine as a checkpoint of the torch engine's format
// (checkpoint.cpp), so that read_checkpoint, encode_with_checkpoint and `vaesweep encode` work
// on it and cannot tell which engine trained it. Torch-free declaration; the definition
// (torch_facade.cpp) loads the module, whose torch_save_batched_checkpoint (batched_checkpoint.cpp)
// is the only torch code of the batched engine.
#include <cstdint>
#include <filesystem>

#include "models/batched_mlp.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {

// A member's Adam state: the moments in the layout of its parameters, and the steps taken.
struct AdamMoments {
  const float* first = nullptr;
  const float* second = nullptr;
  std::int64_t steps = 0;
};

// Builds the VaeNet of p's NetSpec, copies `parameters` (layout.parameters values in
// VaeNet::parameters() order) into it, and gives its torch::optim::Adam (learning rate
// p.learning_rate) the member's state, so that training could resume from the file exactly as
// from a torch engine checkpoint. UserError naming the file when it cannot be written.
void save_batched_checkpoint(const std::filesystem::path& file, const VaeParams& p, const MlpLayout& layout,
                             const float* parameters, const AdamMoments& adam);

}  // namespace vaesweep::models
