#include "util/input_file.hpp"

#include "util/error.hpp"

namespace vaesweep {

std::string kind_of_non_regular(const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(file, ec);
  switch (status.type()) {
    case fs::file_type::regular: return "";
    case fs::file_type::not_found:
    case fs::file_type::none: return "nothing";
    case fs::file_type::directory: return "a directory";
    case fs::file_type::fifo: return "a FIFO (named pipe)";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    default: return "not a regular file";
  }
}

void require_regular_file(const std::filesystem::path& file, const std::string& what) {
  const std::string kind = kind_of_non_regular(file);
  if (kind.empty()) return;
  if (kind == "nothing") throw UserError(file.string() + ": cannot open " + what + ": it does not exist");
  throw UserError(file.string() + ": cannot open " + what + ": it is " + kind + ", not a regular file");
}

void refuse_unsafe_output(const std::filesystem::path& out, const std::string& noun,
                          const std::vector<NamedInput>& inputs) {
  const std::string kind = kind_of_non_regular(out);
  if (!kind.empty() && kind != "nothing")
    throw UserError(out.string() + ": --out must name " + noun + "; this is " + kind + " (nothing was written)");
  for (const NamedInput& input : inputs) {
    std::error_code ec;
    if (!input.path.empty() && std::filesystem::equivalent(out, input.path, ec))
      throw UserError(out.string() + ": --out is " + input.what + "; choose another " + noun.substr(noun.find(' ') + 1) +
                      " (nothing was written)");
  }
}

}  // namespace vaesweep
