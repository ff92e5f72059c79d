#pragma once
// How the C++ benches time one call and its memory, the same way for every stage: the call is
// repeated until `min_seconds` of CPU time have passed (at most 20 times, at least once; once
// only when `repeat` is false), the best CPU and wall times are kept, and the peak is the rise
// of the peak resident set (VmHWM, reset through /proc/self/clear_refs) over the resident set
// before the first call. Linux only.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>

namespace vaesweep::bench {

inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

inline double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A "Field:   123 kB" line of /proc/self/status, in kB; -1 when absent.
inline long status_kb(const std::string& field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  return -1;
}

// Resets VmHWM to the current resident set; false where the kernel does not allow it.
inline bool reset_peak() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

struct Measurement {
  double best_cpu = std::numeric_limits<double>::infinity();
  double best_wall = std::numeric_limits<double>::infinity();
  int reps = 0;
  double peak_mb = std::nan("");  // NaN when the peak could not be reset
  double value = 0;               // what the last call returned
};

template <typename Call>
Measurement measure(const Call& call, double min_seconds, bool repeat = true) {
  Measurement m;
  const long baseline_kb = status_kb("VmRSS");
  const bool can_reset = reset_peak();
  double total = 0;
  while (m.reps == 0 || (repeat && total < min_seconds && m.reps < 20)) {
    const double c0 = cpu_seconds(), w0 = wall_seconds();
    m.value = call();
    const double c1 = cpu_seconds(), w1 = wall_seconds();
    m.best_cpu = std::min(m.best_cpu, c1 - c0);
    m.best_wall = std::min(m.best_wall, w1 - w0);
    total += c1 - c0;
    ++m.reps;
  }
  if (can_reset) m.peak_mb = static_cast<double>(status_kb("VmHWM") - baseline_kb) / 1024.0;
  return m;
}

}  // namespace vaesweep::bench
