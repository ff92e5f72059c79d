#include "util/stop_request.hpp"

#include <csignal>
#include <ctime>
#include <atomic>
#include <cstdint>

namespace vaesweep {
namespace {

std::atomic<int> g_signal{0};
std::atomic<std::int64_t> g_requested_ns{0};  // CLOCK_MONOTONIC time of the request
std::atomic<double> g_grace_seconds{60.0};

static_assert(std::atomic<int>::is_always_lock_free && std::atomic<std::int64_t>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe (POSIX)
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

extern "C" void on_stop_signal(int signal_number) {
  if (signal_number == SIGINT) std::signal(SIGINT, SIG_DFL);  // the second Ctrl-C kills
  request_stop(signal_number);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a signal must not make file writes or MPI calls fail with EINTR
  for (int s : {SIGTERM, SIGUSR1, SIGINT}) sigaction(s, &action, nullptr);
}

namespace {
void change_stop_mask(int how) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGUSR1, SIGINT}) sigaddset(&set, s);
  sigprocmask(how, &set, nullptr);
}
}  // namespace

void block_stop_signals() { change_stop_mask(SIG_BLOCK); }
void unblock_stop_signals() { change_stop_mask(SIG_UNBLOCK); }

void request_stop(int signal_number) {
  int expected = 0;
  if (g_signal.compare_exchange_strong(expected, signal_number)) g_requested_ns.store(monotonic_ns());
}

bool stop_requested() { return g_signal.load() != 0; }
int stop_signal() { return g_signal.load(); }

const char* stop_signal_name() {
  switch (g_signal.load()) {
    case 0: return "";
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return "a signal";
  }
}

void set_stop_grace(double seconds) { g_grace_seconds.store(seconds); }
double stop_grace() { return g_grace_seconds.load(); }

bool stop_grace_expired() {
  const std::int64_t requested = g_requested_ns.load();
  if (!stop_requested() || requested == 0) return false;  // 0: the handler is still storing the time
  const double waited = static_cast<double>(monotonic_ns() - requested) * 1e-9;
  return waited >= g_grace_seconds.load();
}

void reset_stop_request() {
  g_signal.store(0);
  g_requested_ns.store(0);
}

}  // namespace vaesweep
