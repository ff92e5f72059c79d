#pragma once
// Writing a file so that readers (and crashes) only ever see the old file or the complete new
// one: write a temporary file beside the target, then rename it over the target. The
// temporary is removed when writing fails.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "core/error.hpp"

namespace vaesweep {

// Calls write(temporary_path), then renames the temporary to `target`. Exceptions from write
// propagate (after the temporary is removed); a failed rename is a UserError naming target.
template <typename Write>
void write_atomically(const std::filesystem::path& target, Write write) {
  const std::filesystem::path tmp = target.string() + ".tmp-" + std::to_string(::getpid());
  try {
    write(tmp);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw UserError(target.string() + ": cannot move the finished file into place: " + ec.message());
  }
}

}  // namespace vaesweep
