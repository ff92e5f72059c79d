// LibTorch on demand (models/torch_backend.hpp): the module the build writes beside vaesweep
// opens with dlopen and passes the loader's checks, an exception thrown inside it arrives as this
// binary's UserError, and a missing, broken or foreign module is a UserError naming the feature
// that needed torch, the path tried and the system's reason (dlerror). The vaesweep executable's
// own path (nothing linked, the module beside it) is tests/e2e/torch_module.sh's.
#include <gtest/gtest.h>

#include <fstream>

#include "models/torch_backend.hpp"
#include "models/vae.hpp"
#include "temp_dir.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::models {
namespace {

using test::expect_user_error_naming;
using test::user_error;

TEST(TorchLoader, TheBuiltModuleOpensAndReportsTheTorchTheExecutableNames) {
  const TorchBackend& b = open_torch_module({VAESWEEP_TORCH_MODULE_FILE}, "a test");
  EXPECT_EQ(b.abi, kTorchBackendAbi);
  // The provenance string comes from CMake's reading of the headers; the module's from the
  // macros themselves: they must agree, or results files would change with the loading.
  EXPECT_EQ(std::string(b.torch_version), torch_version());
  EXPECT_EQ(b.vae_params_size, sizeof(VaeParams));
}

TEST(TorchLoader, AUserErrorThrownInTheModuleIsCaughtAsOne) {
  const TorchBackend& b = open_torch_module({VAESWEEP_TORCH_MODULE_FILE}, "a test");
  test::TempDir dir;
  const std::filesystem::path missing = dir / "no_such_checkpoint.pt";
  expect_user_error_naming([&] { b.read_checkpoint(missing); }, missing.string());
}

TEST(TorchLoader, AMissingModuleNamesTheFeatureThePathAndTheReason) {
  test::TempDir dir;
  const std::filesystem::path path = dir / kTorchModuleName;
  const std::string message = user_error([&] { open_torch_module({path}, "the torch engine (model.engine = \"torch\")"); });
  EXPECT_NE(message.find("the torch engine (model.engine = \"torch\") needs LibTorch"), std::string::npos) << message;
  EXPECT_NE(message.find(path.string() + ": "), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;  // dlerror's words
}

TEST(TorchLoader, ABrokenModuleGivesDlerrorsText) {
  test::TempDir dir;
  const std::filesystem::path path = dir / kTorchModuleName;
  std::ofstream(path) << "not a shared object\n";
  const std::string message = user_error([&] { open_torch_module({path}, "reading checkpoint x.pt"); });
  EXPECT_NE(message.find("reading checkpoint x.pt needs LibTorch"), std::string::npos) << message;
  // glibc says "invalid ELF header" or "file too short" of a text file.
  EXPECT_TRUE(message.find("invalid ELF header") != std::string::npos || message.find("file too short") != std::string::npos)
      << message;
}

TEST(TorchLoader, ASharedObjectWithoutTheEntryPointIsNotTakenForTheModule) {
  // libm is in every process: a real shared object that is not vaesweep's module.
  const std::filesystem::path libm = "/lib/x86_64-linux-gnu/libm.so.6";
  if (!std::filesystem::exists(libm)) GTEST_SKIP() << libm << " not here";
  expect_user_error_naming([&] { open_torch_module({libm}, "a test"); }, "not a vaesweep torch module (no vaesweep_torch_backend)");
}

TEST(TorchLoader, EveryCandidateTriedIsNamed) {
  const std::string message = user_error([&] { open_torch_module({"/nonexistent/a.so", "/nonexistent/b.so"}, "a test"); });
  EXPECT_NE(message.find("/nonexistent/a.so: "), std::string::npos) << message;
  EXPECT_NE(message.find("/nonexistent/b.so: "), std::string::npos) << message;
}

TEST(TorchLoader, TheEnvironmentNamesTheOnlyCandidate) {
  ASSERT_EQ(setenv("VAESWEEP_TORCH_MODULE", "/somewhere/else.so", 1), 0);
  const std::vector<std::filesystem::path> forced = torch_module_candidates();
  ASSERT_EQ(unsetenv("VAESWEEP_TORCH_MODULE"), 0);
  EXPECT_EQ(forced, std::vector<std::filesystem::path>{"/somewhere/else.so"});
  // Otherwise: beside the running executable.
  const std::vector<std::filesystem::path> beside = torch_module_candidates();
  ASSERT_EQ(beside.size(), 1u);
  EXPECT_EQ(beside.front(), std::filesystem::read_symlink("/proc/self/exe").parent_path() / kTorchModuleName);
}

}  // namespace
}  // namespace vaesweep::models
