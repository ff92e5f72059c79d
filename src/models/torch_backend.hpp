#pragma once
// LibTorch on demand. Loading LibTorch costs a process about 0.7 s (its shared libraries'
// symbol lookup, operator registration, page mapping: docs/performance.md), and most vaesweep
// processes never use it: `status`, `rank`, `cluster`, and `run` of studies whose models the
// batched engine trains. So the torch sources are built into a loadable module,
// vaesweep_torch.so beside the vaesweep executable, and the torch-free functions of vae.hpp
// (torch_facade.cpp, train_group.cpp) open it with dlopen the first time one needs it:
//   train_vae / train_vae_group for members with engine torch or stacked; every checkpoint
//   (written by torch::save, whichever engine trained the model); read_checkpoint and
//   encode_with_checkpoint; stacked_bytes_per_member; choose_device when an NVIDIA device node
//   exists. use_threads and torch_version never load it (docs/layout.md, "LibTorch on demand").
// The module holds only torch code: what it calls of the rest of vaesweep (UserError, the
// assertions, the training schedule) it takes from the executable, which exports its vaesweep
// symbols (src/app/exported_symbols.list), so that there is one copy of every piece of
// process-wide state and exceptions keep their types across the boundary.
// A binary that links the torch sources itself (the unit tests, the benchmarks that train, the
// device check's slim build) uses them directly: it defines vaesweep_torch_backend, and nothing
// is loaded.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "models/batched_checkpoint.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {

// What the module offers: the torch half of vae.hpp's functions (torch_module.hpp), and what
// the loader checks before it trusts the table (a module built from other sources is refused
// rather than called with other struct layouts).
struct TorchBackend {
  int abi;                    // kTorchBackendAbi of the module's sources
  std::size_t vae_params_size, train_result_size, checkpoint_size;  // sizeof, as compiled there
  const char* torch_version;  // of the headers it was compiled with
  TrainResult (*train_torch)(const Eigen::MatrixXd& X, const VaeParams& p);
  std::vector<TrainResult> (*train_stacked)(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                                            const std::function<bool()>& should_abandon);
  std::int64_t (*stacked_bytes_per_member)(const VaeParams& p, std::int64_t rows, std::int64_t cols);
  Checkpoint (*read_checkpoint)(const std::filesystem::path& file);
  Eigen::MatrixXd (*encode_with_checkpoint)(const std::filesystem::path& file, const Eigen::MatrixXd& X,
                                            const Eigen::MatrixXd& condition, const std::string& device);
  void (*save_batched_checkpoint)(const std::filesystem::path& file, const VaeParams& p, const MlpLayout& layout,
                                  const float* parameters, const AdamMoments& adam);
  void (*use_threads)(int intra_op);
  std::string (*cuda_device)(int local_rank);
};

// Raised whenever TorchBackend or a type it passes changes meaning (not only size).
inline constexpr int kTorchBackendAbi = 1;
// The module's file name, and the entry point it exports (extern "C", torch_module.cpp).
inline constexpr const char* kTorchModuleName = "vaesweep_torch.so";
inline constexpr const char* kTorchBackendEntry = "vaesweep_torch_backend";

// The torch half, loaded on the first call (thread-safe): the linked one when the binary has the
// torch sources, else the module from torch_module_candidates(). `feature` says what needs it,
// for the error: a UserError naming the feature, every path tried and why each failed (dlerror's
// text, a missing entry point, another ABI or torch version).
const TorchBackend& torch_backend(const std::string& feature);
// True once torch_backend() has succeeded: torch is in the process (nothing is loaded to answer).
bool torch_backend_loaded();

// Where the module is looked for: $VAESWEEP_TORCH_MODULE alone when set (a path to the file),
// else beside the running executable (/proc/self/exe's folder). The project has no install
// rules; an installed vaesweep would add its library folder here.
std::vector<std::filesystem::path> torch_module_candidates();
// Opens the first candidate that loads and passes the checks (for torch_backend and the tests).
const TorchBackend& open_torch_module(const std::vector<std::filesystem::path>& candidates, const std::string& feature);

}  // namespace vaesweep::models
