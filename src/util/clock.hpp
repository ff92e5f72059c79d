#pragma once
// Wall-clock time for provenance: run ids, start and end times, created_at attributes.
#include <string>

namespace vaesweep {

double unix_now();                       // seconds since the epoch, sub-second resolution
std::string utc_text(double unix_time);  // "2026-11-21T04:41:44Z"

}  // namespace vaesweep
