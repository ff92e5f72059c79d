#include "core/atomic_write.hpp"

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

void sync_folder_of(const std::filesystem::path& file) {
  sync_path(file.has_parent_path() ? file.parent_path() : std::filesystem::path("."), O_RDONLY | O_DIRECTORY,
            "the folder of " + file.filename().string());
}

}  // namespace vaesweep
