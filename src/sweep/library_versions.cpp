#include "sweep/library_versions.hpp"

#include <H5public.h>
#include <fftw3.h>
#include <sndfile.h>

#include <Eigen/Core>

#include "engine/provenance.hpp"
#include "models/blas_core.hpp"
#include "models/fma_sgemm.hpp"
#include "models/vae.hpp"

namespace vaesweep::sweep {
namespace {

// The GEMM kernels training ran with: their summation order, and so the last bits of a model,
// depend on them. The batched engine's float GEMMs are vaesweep's own where the CPU has FMA
// (their order is fixed: the avx512 and avx2 bodies give the same bits); the rest
// (float64, the torch engine, k-means) are OpenBLAS's.
std::string blas_kernels() {
  const std::string own = "; batched float gemm " + models::kernels::fma_sgemm_name(models::kernels::fma_sgemm_best());
  const std::string core = models::openblas_core();
  if (core.empty()) return own;
  const std::string forced = engine::env_or_empty("OPENBLAS_CORETYPE");
  return own + "; openblas kernels " + core + (forced.empty() ? "" : " (OPENBLAS_CORETYPE=" + forced + ")");
}

}  // namespace

std::string library_versions(const engine::MpiSession& mpi) {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return "torch " + models::torch_version() + "; hdf5 " + std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(release) + "; eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
         std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) + "; " + sf_version_string() +
         "; " + fftw_version + "; " + mpi.library_version() + blas_kernels();
}

}  // namespace vaesweep::sweep
