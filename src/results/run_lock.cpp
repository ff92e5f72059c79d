#include "results/run_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "util/error.hpp"
#include "util/log.hpp"
#include "engine/provenance.hpp"
#include "results/shards.hpp"

namespace vaesweep::results {
namespace fs = std::filesystem;

namespace {

fs::path lock_path(const fs::path& results) { return shard_folder(results) / "lock"; }

struct flock whole_file(short type) {
  struct flock l {};
  l.l_type = type;
  l.l_whence = SEEK_SET;
  return l;  // start 0, length 0: the whole file
}

std::string read_description(int fd) {
  char text[256] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  return n > 0 ? std::string(text, static_cast<std::size_t>(n)) : std::string("lock held");
}

}  // namespace

// Opens (creating the shard folder and the file when needed) and locks `results`'s lock file,
// and writes who holds it. The descriptor, or UserError when it cannot or another run holds it.
static int take_lock(const fs::path& results) {
  std::error_code ec;
  fs::create_directories(shard_folder(results), ec);
  if (ec) throw UserError(shard_folder(results).string() + ": cannot create the shard folder: " + ec.message());
  const fs::path path = lock_path(results);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw UserError(path.string() + ": cannot open the run lock: " + std::strerror(errno));
  struct flock l = whole_file(F_WRLCK);
  if (::fcntl(fd, F_OFD_SETLK, &l) != 0) {
    const std::string who = read_description(fd);
    ::close(fd);
    throw UserError(results.string() + ": another vaesweep run is writing these results (" + who +
                    "); wait for it to end or stop it first (nothing was changed)");
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string who = "pid " + std::to_string(::getpid()) + " on " + host + " since " + utc_text(unix_now());
  // The description only improves messages; the lock is held whatever these return.
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, who.data(), who.size(), 0);
  return fd;
}

RunLock::RunLock(const fs::path& results) : results_(results), fd_(take_lock(results)) {}

void RunLock::restore_if_unlinked() {
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0 || st.st_nlink > 0) return;
  try {
    const int fresh = take_lock(results_);
    ::close(fd_);
    fd_ = fresh;
    log_warn(lock_path(results_).string() + ": the run lock was deleted while the run ran; it was taken again");
  } catch (const UserError& e) {
    // Another run holds the new lock: it must not be removed by this one's destructor.
    ::close(fd_);
    fd_ = -1;
    log_warn(std::string("the run lock was deleted while the run ran and cannot be taken again: ") + e.what());
  }
}

RunLock::~RunLock() {
  if (fd_ < 0) return;
  std::error_code ec;
  // Unlinking before closing: a run that opened the old file meanwhile gets the lock of an
  // unlinked file, which only matters for two runs started within this instant.
  fs::remove(lock_path(results_), ec);
  ::close(fd_);  // releases the lock
  fs::remove(shard_folder(results_), ec);  // only when empty
}

std::optional<std::string> RunLock::holder(const fs::path& results) {
  const int fd = ::open(lock_path(results).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock l = whole_file(F_WRLCK);
  std::optional<std::string> who;
  if (::fcntl(fd, F_OFD_GETLK, &l) == 0 && l.l_type != F_UNLCK) who = read_description(fd);
  ::close(fd);
  return who;
}

}  // namespace vaesweep::results
