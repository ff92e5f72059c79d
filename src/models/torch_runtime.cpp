// Process-wide torch settings and facts: threads, CUDA devices, the version of the headers.
// The torch half of use_threads, choose_device and torch_version (torch_facade.cpp).
#include <torch/torch.h>

#include "models/torch_module.hpp"

namespace vaesweep::models {

void torch_use_threads(int intra_op) {
  torch::set_num_threads(intra_op);
  static bool interop_set = false;  // inter-op threads can be set once per process only
  if (!interop_set) {
    try {
      torch::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // Already started by an earlier torch call: harmless, we run no inter-op work.
    }
    interop_set = true;
  }
}

std::string torch_cuda_device(int local_rank) {
  if (torch::cuda::is_available()) {
    const auto count = static_cast<int>(torch::cuda::device_count());
    return "cuda:" + std::to_string(local_rank % count);
  }
  return "cpu";
}

std::string torch_headers_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

}  // namespace vaesweep::models
