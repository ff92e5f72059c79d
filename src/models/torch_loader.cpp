// torch_backend(): the torch half found (linked, or the module opened with dlopen) once per
// process, and use_threads, the one torch setting, remembered until then.
#include "models/torch_backend.hpp"

#include <dlfcn.h>

#include <atomic>
#include <mutex>

#include "util/error.hpp"
#include "util/loadable_module.hpp"

// Defined (torch_module.cpp) when the binary links the torch sources itself; a weak reference,
// so null in the vaesweep executable, which opens the module instead.
extern "C" const vaesweep::models::TorchBackend* vaesweep_torch_backend() __attribute__((weak));

namespace vaesweep::models {
namespace {

std::mutex load_mutex;
std::atomic<const TorchBackend*> backend{nullptr};
int threads = 0;  // use_threads' count, applied when torch loads; 0: never asked (guarded by load_mutex)

// Why the table cannot be trusted, or empty.
std::string mismatch(const TorchBackend& b) {
  if (b.abi != kTorchBackendAbi)
    return "its interface is version " + std::to_string(b.abi) + ", this vaesweep's " + std::to_string(kTorchBackendAbi);
  if (b.vae_params_size != sizeof(VaeParams) || b.train_result_size != sizeof(TrainResult) ||
      b.checkpoint_size != sizeof(Checkpoint))
    return "it was built from other sources (the sizes of VaeParams, TrainResult, Checkpoint differ)";
  if (torch_version() != b.torch_version)
    return std::string("it was built against LibTorch ") + b.torch_version + ", this vaesweep against " + torch_version();
  return "";
}

// OpenMP's thread count, as torch::set_num_threads sets it: it is also what OpenBLAS's OpenMP
// build (Debian's libblas.so.3) runs the batched engine's GEMMs with, so it must be set whether
// or not torch is ever loaded. Looked up: libgomp is in the process only through the BLAS.
void set_openmp_threads(int n) {
  using Setter = void (*)(int);
  if (const auto set = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"))) set(n);
}

}  // namespace

std::vector<std::filesystem::path> torch_module_candidates() {
  return module_candidates("VAESWEEP_TORCH_MODULE", kTorchModuleName);
}

const TorchBackend& open_torch_module(const std::vector<std::filesystem::path>& candidates, const std::string& feature) {
  std::string tried;
  const void* table = open_module(candidates, kTorchBackendEntry, "torch",
                                  [](const void* t) { return mismatch(*static_cast<const TorchBackend*>(t)); }, tried);
  if (table != nullptr) return *static_cast<const TorchBackend*>(table);
  if (candidates.empty()) tried = "\n  (nowhere to look: /proc/self/exe cannot be read; set VAESWEEP_TORCH_MODULE)";
  throw UserError(feature + " needs LibTorch, which vaesweep loads from its module " + kTorchModuleName +
                  " (built beside the vaesweep executable by the same build), but no module could be loaded:" +
                  tried);
}

const TorchBackend& torch_backend(const std::string& feature) {
  if (const TorchBackend* b = backend.load(std::memory_order_acquire)) return *b;
  const std::lock_guard lock(load_mutex);
  if (const TorchBackend* b = backend.load(std::memory_order_relaxed)) return *b;
  const TorchBackend& b = vaesweep_torch_backend != nullptr ? *vaesweep_torch_backend()
                                                            : open_torch_module(torch_module_candidates(), feature);
  if (threads > 0) b.use_threads(threads);
  backend.store(&b, std::memory_order_release);
  return b;
}

bool torch_backend_loaded() { return backend.load(std::memory_order_acquire) != nullptr; }

void use_threads(int intra_op) {
  const std::lock_guard lock(load_mutex);
  threads = intra_op;
  set_openmp_threads(intra_op);
  if (const TorchBackend* b = backend.load(std::memory_order_relaxed)) b->use_threads(intra_op);
}

}  // namespace vaesweep::models
