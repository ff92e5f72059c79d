#pragma once
// Writing an output file: refuse to replace an existing one unless asked (checked before any
// work), and write it so that readers (and crashes) only ever see the old file or the complete
// new one: a temporary file beside the target, renamed over the target. The temporary is
// removed when writing fails.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "util/error.hpp"

namespace vaesweep {

// UserError "<out>: [what ]already exists; <remedy> (nothing was changed)" when `out` exists and
// overwrite is false, and "<out>: the folder F does not exist" when its folder is missing.
inline void refuse_existing_output(const std::filesystem::path& out, bool overwrite, const std::string& what = "",
                                   const std::string& remedy = "pass --overwrite to replace it") {
  std::error_code ec;
  if (!overwrite && std::filesystem::exists(out, ec))
    throw UserError(out.string() + ": " + (what.empty() ? "" : what + " ") + "already exists; " + remedy +
                    " (nothing was changed)");
  const std::filesystem::path folder = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(folder, ec))
    throw UserError(out.string() + ": the folder " + folder.string() + " does not exist");
}

// fsync of a file, and of the folder that holds a file's name (a new or renamed file is only
// durable once its folder is; a folder the file system cannot fsync, EINVAL, is accepted).
// UserError naming the path and the reason otherwise.
void sync_file(const std::filesystem::path& file);
void sync_folder_of(const std::filesystem::path& file);

// Writes all of `bytes` to fd, continuing where write() took only part (a signal, a full disk):
// 0, or the errno that stopped it (EIO for a write that took nothing).
int write_all(int fd, std::string_view bytes);

// Copies `from`'s bytes to `to` (created or truncated): "" on success, else the system's own
// reason ("No space left on device", where std::filesystem::copy_file says "Input/output
// error" when the disk fills).
std::string copy_file_bytes(const std::filesystem::path& from, const std::filesystem::path& to);

// Calls write(temporary_path), makes the temporary durable, then renames it to `target` and
// makes the rename durable: after a crash `target` is the old file or the complete new one,
// never an empty one (callers delete what the new file replaces, such as shard journals, only
// after this returns). Exceptions from write propagate (after the temporary is removed); a
// failed sync or rename is a UserError naming the file.
template <typename Write>
void write_atomically(const std::filesystem::path& target, Write write) {
  const std::filesystem::path tmp = target.string() + ".tmp-" + std::to_string(::getpid());
  try {
    write(tmp);
    sync_file(tmp);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;  // not ec: the message must keep the rename's reason
    std::filesystem::remove(tmp, ignored);
    throw UserError(target.string() + ": cannot move the finished file into place: " + ec.message());
  }
  sync_folder_of(target);
}

}  // namespace vaesweep
