#include "engine/scheduler.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "util/error.hpp"
#include "engine/poll_backoff.hpp"
#include "util/log.hpp"
#include "util/stop_request.hpp"
#include "engine/wire.hpp"

namespace vaesweep::engine {
namespace {

// Message tags between a worker rank and the coordinator on rank 0. Every schedule_units call
// has its own three tags, so that a rank that already went on to the next schedule cannot have
// its request answered by the coordinator of the previous one.
struct Tags {
  int request;  // worker -> coordinator: report, and how many units it wants
  int assign;   // coordinator -> worker: units (none: no more work)
  int notice;   // coordinator -> worker: a stop was requested (the signal)
};

Tags next_tags() {
  static int calls = 0;  // every rank calls schedule_units the same number of times
  const int base = 1000 + 3 * (calls++ % 10000);  // below 32767, the smallest MPI_TAG_UB allowed
  return {base, base + 1, base + 2};
}

// How much work a rank asks for at once: units that fill about this long.
constexpr double kBatchSeconds = 0.05;
constexpr std::size_t kMaxBatch = 4096;

// What a worker tells the coordinator with each request.
struct Report {
  std::uint64_t done = 0, failed = 0;
  std::uint64_t want = 0;        // 0: the worker leaves
  std::int32_t stop_signal = 0;  // the worker leaves because it received this signal
};

constexpr Wire<&Report::done, &Report::failed, &Report::want, &Report::stop_signal> wire_of(const Report*) { return {}; }

struct Assignment {
  std::vector<std::uint64_t> units;  // empty: no more work for this rank
  std::vector<std::uint8_t> joins_previous;  // per unit, as SchedulePlan's (empty: no batches)
  bool notice_sent = false;          // a stop notice precedes this message: receive it too
};

constexpr Wire<&Assignment::notice_sent, &Assignment::units, &Assignment::joins_previous> wire_of(const Assignment*) { return {}; }

// The coordinator's state; rank 0's own worker and the thread serving the other ranks share it.
class Coordinator {
 public:
  Coordinator(const SchedulePlan& plan, int ranks)
      : plan_(plan), ranks_(static_cast<std::size_t>(ranks)), progress_("units", plan.order.size(), plan.progress_interval) {}

  // Adds a worker's report and hands out up to `want` units, rounded up to whole batches (none
  // when stopping or done).
  Assignment hand_out(const Report& report) {
    std::lock_guard lock(mutex_);
    account(report);
    if (stopping_locked() || next_ >= plan_.order.size() || report.want == 0) return {};
    // Guided: never more than a share of what is left, so the last units still spread out.
    const std::size_t left = plan_.order.size() - next_;
    std::size_t give = std::min<std::size_t>(report.want, std::max<std::size_t>(1, left / (2 * ranks_)));
    const auto& joins = plan_.joins_previous;
    while (!joins.empty() && next_ + give < joins.size() && joins[next_ + give]) ++give;
    const auto begin = static_cast<std::ptrdiff_t>(next_), end = static_cast<std::ptrdiff_t>(next_ + give);
    Assignment a;
    a.units.assign(plan_.order.begin() + begin, plan_.order.begin() + end);
    if (!joins.empty()) {
      a.joins_previous.assign(joins.begin() + begin, joins.begin() + end);
      a.joins_previous.front() = 0;  // the first unit handed out starts a batch
    }
    next_ += give;
    return a;
  }

  // True (once) when a stop signal was seen: the caller then notifies the other ranks.
  bool take_new_signal() {
    std::lock_guard lock(mutex_);
    stopping_locked();
    if (reason_ != StopReason::signal || signal_forwarded_) return false;
    signal_forwarded_ = true;
    return true;
  }

  void tick() {
    std::lock_guard lock(mutex_);
    stopping_locked();
    progress_.update(done_, failed_);
  }

  ScheduleOutcome finish() {
    std::lock_guard lock(mutex_);
    progress_.finish(done_, failed_);
    return {reason_, next_, done_, failed_};
  }

 private:
  void account(const Report& report) {
    done_ += report.done;
    failed_ += report.failed;
    if (report.stop_signal != 0) request_stop(report.stop_signal);  // one rank was signalled: all stop
    progress_.update(done_, failed_);
  }

  // Whether to stop handing out units; notes why the first time.
  bool stopping_locked() {
    if (reason_ != StopReason::finished) return true;
    if (stop_requested()) {
      reason_ = StopReason::signal;
      log_warn(std::string(stop_signal_name()) + " received: no more units are handed out; units in progress have " +
               Progress::format_duration(stop_grace()) + " to finish, then they are abandoned (run again with --resume)");
    } else if (plan_.max_failures > 0 && failed_ >= plan_.max_failures) {
      reason_ = StopReason::too_many_failures;
      log_warn(std::to_string(failed_) + " units failed (--max-failures " + std::to_string(plan_.max_failures) +
               "): no more units are handed out; units in progress finish");
    }
    if (reason_ != StopReason::finished && plan_.on_stop) {
      try {
        plan_.on_stop(reason_);
      } catch (const std::exception& e) {
        log_warn(e.what());
      }
    }
    return reason_ != StopReason::finished;
  }

  const SchedulePlan& plan_;
  const std::size_t ranks_;
  std::mutex mutex_;
  std::size_t next_ = 0, done_ = 0, failed_ = 0;
  StopReason reason_ = StopReason::finished;
  bool signal_forwarded_ = false;
  Progress progress_;
};

// The coordinator thread: answers the other ranks until every one of them has left.
void serve_workers(Coordinator& coordinator, const MpiSession& mpi, const Tags& tags) {
  std::vector<bool> active(static_cast<std::size_t>(mpi.size()), true);
  std::vector<bool> noticed(active.size(), false);  // sent a stop notice (at most one per rank)
  std::size_t remaining = active.size() - 1;
  // Back off while nothing arrives, so the thread does not take the core from rank 0's work.
  PollBackoff idle(std::chrono::microseconds(5000));
  while (remaining > 0) {
    if (coordinator.take_new_signal()) {
      const std::string notice = std::to_string(stop_signal());
      for (int r = 1; r < mpi.size(); ++r)
        if (active[static_cast<std::size_t>(r)]) {
          mpi.send(r, tags.notice, notice);
          noticed[static_cast<std::size_t>(r)] = true;
        }
    }
    const std::optional<int> source = mpi.probe(tags.request);
    if (!source) {
      coordinator.tick();
      idle.pause();
      continue;
    }
    idle.reset();
    const auto r = static_cast<std::size_t>(*source);
    const Report report = from_bytes<Report>(mpi.receive(*source, tags.request), "a worker's request");
    Assignment assignment = coordinator.hand_out(report);
    assignment.notice_sent = noticed[r];
    // Every request is answered, a leaving worker's too, so that it learns of a notice it has
    // not received yet and no message is left unreceived at MPI_Finalize.
    mpi.send(*source, tags.assign, to_bytes(assignment));
    if (assignment.units.empty()) {
      active[r] = false;
      --remaining;
    }
  }
}

// A rank's view of the work: a local batch refilled from the coordinator.
class Worker {
 public:
  using Ask = std::function<Assignment(const Report&)>;
  explicit Worker(Ask ask) : ask_(std::move(ask)) {}

  // The next batch of units (one unit when the plan has no batches).
  std::optional<std::vector<std::size_t>> next() {
    if (stop_requested()) return leave();
    if (pos_ == batch_.size()) {
      // One unit until this rank has timed one; then as many as fill kBatchSeconds.
      pending_.want = seconds_per_unit_ < 0 ? 1
                                            : std::clamp<std::size_t>(
                                                  static_cast<std::size_t>(kBatchSeconds / std::max(seconds_per_unit_, 1e-9)),
                                                  1, kMaxBatch);
      Assignment a = ask_(pending_);
      pending_ = {};
      batch_ = std::move(a.units);
      joins_ = std::move(a.joins_previous);
      pos_ = 0;
      if (batch_.empty()) {
        left_ = true;
        return std::nullopt;
      }
    }
    std::vector<std::size_t> units{static_cast<std::size_t>(batch_[pos_++])};
    while (pos_ < batch_.size() && !joins_.empty() && joins_[pos_]) units.push_back(static_cast<std::size_t>(batch_[pos_++]));
    return units;
  }

  void finished(UnitResult result, double seconds) {
    ++pending_.done;
    if (result == UnitResult::failed) ++pending_.failed;
    // A running mean that forgets: batch sizes follow the current cost of units.
    seconds_per_unit_ = seconds_per_unit_ < 0 ? seconds : 0.8 * seconds_per_unit_ + 0.2 * seconds;
  }

  // Leaves early (a stop or an abandoned unit), telling the coordinator what it did.
  std::nullopt_t leave() {
    if (!left_) {
      pending_.want = 0;
      pending_.stop_signal = stop_signal();
      ask_(pending_);
      left_ = true;
    }
    return std::nullopt;
  }

 private:
  Ask ask_;
  Report pending_;
  std::vector<std::uint64_t> batch_;
  std::vector<std::uint8_t> joins_;
  std::size_t pos_ = 0;
  double seconds_per_unit_ = -1;
  bool left_ = false;
};

void work_loop(Worker& worker, const BatchWork& work, const std::function<bool()>& abandon) {
  while (const auto units = worker.next()) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<UnitResult> results = work(*units, abandon);
    VAESWEEP_ASSERT(results.size() == units->size(), "a batch's work must give one result per unit");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                           static_cast<double>(results.size());
    bool abandoned = false;
    for (UnitResult result : results) {
      if (result == UnitResult::abandoned)
        abandoned = true;
      else
        worker.finished(result, seconds);
    }
    if (abandoned) {
      worker.leave();
      return;
    }
  }
}

}  // namespace

ScheduleOutcome schedule_units(const SchedulePlan& plan, const MpiSession& mpi, const UnitWork& work) {
  return schedule_units(plan, mpi, BatchWork([&](const std::vector<std::size_t>& units, const std::function<bool()>& abandon) {
                          std::vector<UnitResult> results;
                          for (std::size_t index : units) {
                            results.push_back(work(index, abandon));
                            if (results.back() == UnitResult::abandoned) break;
                          }
                          results.resize(units.size(), UnitResult::abandoned);
                          return results;
                        }));
}

ScheduleOutcome schedule_units(const SchedulePlan& plan, const MpiSession& mpi, const BatchWork& work) {
  const Tags tags = next_tags();
  if (!mpi.is_root()) {
    // A stop notice from the coordinator becomes this rank's own stop request.
    bool notice_received = false;
    const auto receive_notice = [&] {
      notice_received = true;
      request_stop(std::stoi(mpi.receive(0, tags.notice)));
    };
    Worker worker([&](const Report& report) {
      mpi.send(0, tags.request, to_bytes(report));
      Assignment a = from_bytes<Assignment>(mpi.receive(0, tags.assign), "the coordinator's assignment");
      if (a.notice_sent && !notice_received) receive_notice();
      return a;
    });
    const std::function<bool()> abandon = [&] {
      if (!notice_received && mpi.probe(tags.notice)) receive_notice();
      return stop_grace_expired();
    };
    try {
      work_loop(worker, work, abandon);
    } catch (const std::exception& e) {
      // The coordinator would wait for this rank forever: end the job. Finished units are in
      // the shard journals, so --resume loses nothing.
      log_warn(std::string("rank ") + std::to_string(mpi.rank()) + " cannot go on (" + e.what() + "); ending every rank");
      mpi.abort(70);
    }
    return {};
  }

  Coordinator coordinator(plan, mpi.size());
  std::exception_ptr thread_error;
  std::thread server;
  if (mpi.size() > 1) {
    if (!mpi.serialized_threads())
      throw std::runtime_error("the MPI library does not allow MPI calls from a second thread (MPI_THREAD_SERIALIZED)");
    server = std::thread([&] {
      try {
        serve_workers(coordinator, mpi, tags);
      } catch (...) {
        thread_error = std::current_exception();
      }
    });
  }
  Worker worker([&](const Report& report) { return coordinator.hand_out(report); });
  const std::function<bool()> abandon = [] { return stop_grace_expired(); };
  try {
    work_loop(worker, work, abandon);
  } catch (const std::exception& e) {
    if (mpi.size() == 1) throw;  // nobody waits: the error reaches the command as it is
    // The other ranks wait on this one's coordinator: end the job rather than hang it. Finished
    // units are already in the shard journals, so --resume loses nothing.
    log_warn(std::string("rank 0 cannot go on (") + e.what() + "); ending every rank");
    mpi.abort(70);
  }
  if (server.joinable()) server.join();
  if (thread_error) std::rethrow_exception(thread_error);
  return coordinator.finish();
}

}  // namespace vaesweep::engine
