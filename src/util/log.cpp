#include "util/log.hpp"

#include <cstdio>
#include <iostream>

namespace vaesweep {
namespace {
LogLevel g_level = LogLevel::info;
std::string g_prefix;

void emit(const char* tag, const std::string& message) {
  // One write per line so that lines from several ranks do not interleave mid-line.
  std::string line = g_prefix + tag + message + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
void set_log_prefix(const std::string& prefix) { g_prefix = prefix; }
void log_info(const std::string& message) {
  if (g_level != LogLevel::quiet) emit("", message);
}
void log_warn(const std::string& message) { emit("warning: ", message); }

Progress::Progress(std::string what, std::size_t total, std::chrono::milliseconds interval)
    : what_(std::move(what)), total_(total), interval_(interval),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(std::size_t done, std::size_t failed) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_) return;
  last_ = now;
  print(done, failed, false);
}

void Progress::finish(std::size_t done, std::size_t failed) { print(done, failed, true); }

std::string Progress::format_duration(double seconds) {
  char buf[32];
  if (seconds < 60)
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  else if (seconds < 3600)
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(seconds) / 3600, static_cast<int>(seconds) % 3600 / 60);
  return buf;
}

void Progress::print(std::size_t done, std::size_t failed, bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s %zu/%zu %s (%.0f%%), %.2f %s/s, %s %s, %zu failed", final ? "done:" : "progress:",
                done, total_, what_.c_str(), total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0,
                rate, what_.c_str(), final ? "took" : "ETA",
                final ? format_duration(elapsed).c_str()
                      : (rate > 0 ? format_duration(static_cast<double>(total_ - done) / rate).c_str() : "?"),
                failed);
  log_info(buf);
}

}  // namespace vaesweep
