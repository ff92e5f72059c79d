#pragma once
// One run at a time per results file: two runs appending shards for the same results would
// duplicate units. The root holds an exclusive lock on `<results>.shards/lock` for the whole
// run (an open-file-description lock, fcntl F_OFD_SETLK, which NFS also honours); a second run
// is refused with who holds it. The lock dies with its process, so a killed run never leaves a
// stale lock behind.
#include <filesystem>
#include <optional>
#include <string>

namespace vaesweep::results {

class RunLock {
 public:
  // Creates the shard folder when needed. UserError when another process holds the lock.
  explicit RunLock(const std::filesystem::path& results);
  ~RunLock();  // releases, removes the lock file and the folder when it is then empty

  // Who holds the lock of `results` ("pid 123 on node7 since 1763700000"), nullopt when no run
  // holds it. Does not take the lock, so it never gets in a starting run's way.
  static std::optional<std::string> holder(const std::filesystem::path& results);

  // When the shard folder was deleted during the run (the journals write themselves again, see
  // JournalWriter), takes the lock again on a new lock file, so that a run started after the
  // deletion is still refused. Cheap (one fstat) when nothing happened; warns when it cannot.
  void restore_if_unlinked();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  std::filesystem::path results_;
  int fd_ = -1;
};

}  // namespace vaesweep::results
