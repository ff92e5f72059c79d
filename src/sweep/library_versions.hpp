#pragma once
// The versions of the libraries a run's numbers depend on, for the results file's provenance.
#include <string>

#include "engine/mpi_context.hpp"

namespace vaesweep::sweep {

// "torch 1.13.0; hdf5 1.10.8; eigen 3.4.0; libsndfile-1.2.0; fftw-3.3.10; Open MPI v4.1.4;
// batched float gemm avx512; openblas kernels Haswell"
std::string library_versions(const engine::MpiSession& mpi);

}  // namespace vaesweep::sweep
