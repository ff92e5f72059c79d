#pragma once
// Files vaesweep reads from a user's path must be regular files: a FIFO blocks forever, a
// device such as /dev/zero never ends, a directory is no table. These checks name the file and
// what it is instead, before anything opens it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace vaesweep {

// UserError "<file>: cannot open <what>: it does not exist" / "...: it is a FIFO (named pipe),
// not a regular file" (a directory, socket, character or block device alike); symbolic links
// are followed.
void require_regular_file(const std::filesystem::path& file, const std::string& what);

// "a directory", "a FIFO (named pipe)", "a character device", ...: what is at `file` when it
// is not a regular file; "nothing" when it does not exist; "" for a regular file.
std::string kind_of_non_regular(const std::filesystem::path& file);

// A file a command reads, named for messages: {"q.h5", "the results file itself"}.
struct NamedInput {
  std::filesystem::path path;  // empty: none (skipped)
  std::string what;
};

// What a command may write to, checked before anything is: a regular file or nothing (a device
// or a FIFO would swallow the output), and none of the command's own inputs by any name. UserError
// "<out>: --out must name <noun>; this is <kind> (nothing was written)" or "<out>: --out is
// <what>; choose another <noun> (nothing was written)".
void refuse_unsafe_output(const std::filesystem::path& out, const std::string& noun,
                          const std::vector<NamedInput>& inputs);

// The longest line and the longest cell (a quoted cell may span lines) vaesweep reads from a
// CSV file or a text list: 16 MiB, a thousand times a long lyric, so a table followed by a
// hole of zero bytes or a binary file read as CSV stops with an error, not with memory gone.
inline constexpr std::size_t kMaxTextLineBytes = std::size_t{16} << 20;

}  // namespace vaesweep
