#pragma once
// Plain logging to stderr (stdout is kept for results such as ranking tables), and a progress
// meter for long work: done / total, rate, ETA, failures.
#include <chrono>
#include <cstddef>
#include <string>

namespace vaesweep {

enum class LogLevel { quiet, info };
void set_log_level(LogLevel level);
void set_log_prefix(const std::string& prefix);  // e.g. "[rank 1] "
void log_info(const std::string& message);
void log_warn(const std::string& message);

class Progress {
 public:
  // `what` names the things counted ("units"); a line is printed at most every `interval`.
  Progress(std::string what, std::size_t total, std::chrono::milliseconds interval = std::chrono::seconds(2));
  // Records `done` finished items and `failed` among them; prints when the interval passed.
  void update(std::size_t done, std::size_t failed);
  // Prints the final line unconditionally.
  void finish(std::size_t done, std::size_t failed);
  static std::string format_duration(double seconds);

 private:
  void print(std::size_t done, std::size_t failed, bool final);
  std::string what_;
  std::size_t total_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace vaesweep
