// The module's entry point: the table of the torch half (torch_backend.hpp). Built into
// vaesweep_torch.so, and into the binaries that link the torch sources directly, where it makes
// torch_backend() answer without loading anything.
#include <string>

#include "models/stacked_training.hpp"
#include "models/torch_backend.hpp"
#include "models/torch_module.hpp"
#include "models/torch_training.hpp"

namespace {

using namespace vaesweep::models;

const TorchBackend& table() {
  static const std::string version = torch_headers_version();
  static const TorchBackend backend{
      kTorchBackendAbi,
      sizeof(VaeParams),
      sizeof(TrainResult),
      sizeof(Checkpoint),
      version.c_str(),
      [](const Eigen::MatrixXd& X, const VaeParams& p) { return train_torch(X, p); },
      train_stacked,
      torch_stacked_bytes_per_member,
      torch_read_checkpoint,
      torch_encode_with_checkpoint,
      torch_save_batched_checkpoint,
      torch_use_threads,
      torch_cuda_device,
  };
  return backend;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const TorchBackend* vaesweep_torch_backend() { return &table(); }
