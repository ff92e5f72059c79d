// The torch-free faces of vae.hpp's torch functions: each asks torch_backend() for the torch
// half (which loads the module the first time), except where the answer needs no torch.
#include <filesystem>

#include "models/batched_checkpoint.hpp"
#include "models/stacked_training.hpp"
#include "models/torch_backend.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {

Checkpoint read_checkpoint(const std::filesystem::path& file) {
  return torch_backend("reading checkpoint " + file.string()).read_checkpoint(file);
}

Eigen::MatrixXd encode_with_checkpoint(const std::filesystem::path& file, const Eigen::MatrixXd& X,
                                       const Eigen::MatrixXd& condition, const std::string& device) {
  return torch_backend("encoding with checkpoint " + file.string()).encode_with_checkpoint(file, X, condition, device);
}

// A checkpoint is a torch::save archive whichever engine trained the model.
void save_batched_checkpoint(const std::filesystem::path& file, const VaeParams& p, const MlpLayout& layout,
                             const float* parameters, const AdamMoments& adam) {
  torch_backend("writing checkpoint " + file.string() + " (model.checkpoints)")
      .save_batched_checkpoint(file, p, layout, parameters, adam);
}

std::int64_t stacked_bytes_per_member(const VaeParams& p, std::int64_t rows, std::int64_t cols) {
  return torch_backend("the stacked engine (model.engine = \"stacked\")").stacked_bytes_per_member(p, rows, cols);
}

std::string choose_device(int local_rank) {
  // Without the NVIDIA driver's control node no CUDA device can be used: no need to load torch
  // (and CUDA's runtime) to hear so.
  std::error_code error;
  if (!std::filesystem::exists("/dev/nvidiactl", error)) return "cpu";
  return torch_backend("choosing a device (/dev/nvidiactl exists: asking CUDA)").cuda_device(local_rank);
}

// The version the module is built against (CMake reads it from the same torch headers), so that
// a results file's provenance names it without loading torch.
std::string torch_version() { return VAESWEEP_TORCH_VERSION; }

}  // namespace vaesweep::models
