#pragma once
// Where and when a run happened, for the results file's attributes and the shard headers.
#include <string>

#include "core/clock.hpp"
#include "sweep/mpi_context.hpp"

namespace vaesweep::sweep {

using vaesweep::unix_now;  // core/clock.hpp
using vaesweep::utc_text;
std::string env_or_empty(const char* name);
// "torch 1.13.0; hdf5 1.10.8; eigen 3.4.0; libsndfile-1.2.0; fftw-3.3.10; Open MPI v4.1.4"
std::string library_versions(const MpiSession& mpi);
// A new run's id: UTC start time and a random suffix ("20261121T044144Z-3f9a"), sortable.
std::string new_run_id(double unix_time);

}  // namespace vaesweep::sweep
