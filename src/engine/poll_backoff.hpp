#pragma once
// A wait that polls: sleep between polls, from 20 us doubling up to a ceiling, so a waiting
// thread leaves its core to the work it waits for (OpenMPI's blocking calls spin). At most one
// ceiling later than a busy wait, against units that take tenths of a second.
#include <algorithm>
#include <chrono>
#include <thread>

namespace vaesweep::engine {

class PollBackoff {
 public:
  explicit PollBackoff(std::chrono::microseconds ceiling = std::chrono::microseconds(2000)) : ceiling_(ceiling) {}
  void pause() {
    std::this_thread::sleep_for(pause_);
    pause_ = std::min(pause_ * 2, ceiling_);
  }
  // Something arrived: the next wait starts short again.
  void reset() { pause_ = kFirst; }

 private:
  static constexpr std::chrono::microseconds kFirst{20};
  std::chrono::microseconds ceiling_;
  std::chrono::microseconds pause_ = kFirst;
};

}  // namespace vaesweep::engine
