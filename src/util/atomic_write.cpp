#include "util/atomic_write.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

namespace vaesweep {
namespace {

void sync_path(const std::filesystem::path& path, int flags, const std::string& what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw UserError(path.string() + ": cannot open " + what + " to sync it: " + std::strerror(errno));
  const int error = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  // Some file systems cannot fsync a folder (EINVAL); their names are durable some other way.
  if (error != 0 && !(error == EINVAL && (flags & O_DIRECTORY)))
    throw UserError(path.string() + ": cannot sync " + what + ": " + std::strerror(error));
}

}  // namespace

void sync_file(const std::filesystem::path& file) { sync_path(file, O_RDONLY, "the file"); }

int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

std::string copy_file_bytes(const std::filesystem::path& from, const std::filesystem::path& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return std::strerror(errno);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    const int error = errno;
    ::close(in);
    return std::strerror(error);
  }
  std::string buffer(1 << 20, '\0');
  int error = 0;
  for (;;) {
    const ssize_t got = ::read(in, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) error = errno;
    if (got <= 0) break;
    if ((error = write_all(out, std::string_view(buffer.data(), static_cast<std::size_t>(got)))) != 0) break;
  }
  ::close(in);
  if (::close(out) != 0 && error == 0) error = errno;
  return error == 0 ? "" : std::strerror(error);
}

void sync_folder_of(const std::filesystem::path& file) {
  sync_path(file.has_parent_path() ? file.parent_path() : std::filesystem::path("."), O_RDONLY | O_DIRECTORY,
            "the folder of " + file.filename().string());
}

}  // namespace vaesweep
