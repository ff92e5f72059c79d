#pragma once
// The torch half of vae.hpp's functions: defined in the torch sources, which are built into the
// module vaesweep_torch.so (and linked directly into the unit tests and the benchmarks that
// train). Torch-free declarations. Torch-free code never calls these by name (the vaesweep
// executable does not contain them): it goes through torch_backend() (torch_backend.hpp), whose
// table torch_module.cpp fills with them.
#include <Eigen/Dense>
#include <cstdint>
#include <filesystem>
#include <string>

#include "models/batched_checkpoint.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {

// read_checkpoint and encode_with_checkpoint (vae.hpp), in checkpoint.cpp.
Checkpoint torch_read_checkpoint(const std::filesystem::path& file);
Eigen::MatrixXd torch_encode_with_checkpoint(const std::filesystem::path& file, const Eigen::MatrixXd& X,
                                             const Eigen::MatrixXd& condition, const std::string& device);
// save_batched_checkpoint (batched_checkpoint.hpp), in batched_checkpoint.cpp.
void torch_save_batched_checkpoint(const std::filesystem::path& file, const VaeParams& p, const MlpLayout& layout,
                                   const float* parameters, const AdamMoments& adam);
// stacked_bytes_per_member (stacked_training.hpp): it counts a VaeNet's parameters.
std::int64_t torch_stacked_bytes_per_member(const VaeParams& p, std::int64_t rows, std::int64_t cols);
// torch::set_num_threads(intra_op) and one inter-op thread (use_threads, vae.hpp).
void torch_use_threads(int intra_op);
// "cuda:<local_rank mod count>" when torch sees CUDA, else "cpu" (choose_device, vae.hpp).
std::string torch_cuda_device(int local_rank);
// "MAJOR.MINOR.PATCH" of the torch headers this code was compiled with.
std::string torch_headers_version();

}  // namespace vaesweep::models
