#pragma once
// Where and when a run happened, for the results file's attributes and the shard headers.
#include <string>

#include "util/clock.hpp"

namespace vaesweep::engine {

using vaesweep::unix_now;  // util/clock.hpp
using vaesweep::utc_text;
std::string env_or_empty(const char* name);
// A new run's id: UTC start time and a random suffix ("20261121T044144Z-3f9a"), sortable.
std::string new_run_id(double unix_time);

}  // namespace vaesweep::engine
