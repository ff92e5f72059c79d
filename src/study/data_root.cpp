#include "study/data_root.hpp"

#include <cstdlib>
#include <system_error>

#include "util/error.hpp"

// Set by src/CMakeLists.txt to <checkout>/../shared/data, the folder the studies under sweeps/
// were written against; builds that do not set it have no default root.
#ifndef VAESWEEP_DEFAULT_DATA_ROOT
#define VAESWEEP_DEFAULT_DATA_ROOT ""
#endif

namespace vaesweep {
namespace fs = std::filesystem;

namespace {

constexpr const char* kHowToGetData = "docs/data.md says where each public dataset comes from and the layout expected";

DataRoot checked_root(const fs::path& folder, const std::string& origin) {
  DataRoot root{fs::absolute(folder).lexically_normal(), origin, ""};
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    root.problem = origin + " = " + folder.string() + " is not a folder; it should name the folder that holds the " +
                   "datasets (" + kHowToGetData + ")";
  return root;
}

bool starts_with_mark(const std::string& written) {
  return written.rfind(kDataRootMark, 0) == 0 &&
         (written.size() == kDataRootMark.size() || written[kDataRootMark.size()] == '/');
}

}  // namespace

DataRoot find_data_root(const std::string& option) {
  if (!option.empty()) return checked_root(option, "--data-root");
  if (const char* variable = std::getenv("VAESWEEP_DATA"); variable && *variable)
    return checked_root(variable, "VAESWEEP_DATA");
  const fs::path fallback = VAESWEEP_DEFAULT_DATA_ROOT;
  std::error_code ec;
  if (!fallback.empty() && fs::is_directory(fallback, ec))
    return {fallback.lexically_normal(), "the default beside the checkout", ""};
  return {};
}

fs::path resolve_data_path(const std::string& written, const fs::path& base, const DataRoot& root,
                           const std::string& what) {
  if (starts_with_mark(written)) {
    if (root.folder.empty())
      throw UserError(what + " = \"" + written + "\" is under the data root, and none is set: pass --data-root DIR or " +
                      "set VAESWEEP_DATA to the folder that holds the datasets (" + kHowToGetData + ")");
    if (!root.problem.empty()) throw UserError(what + " = \"" + written + "\": " + root.problem);
    const std::string rest = written.substr(kDataRootMark.size());
    return rest.empty() ? root.folder : (root.folder / rest.substr(1)).lexically_normal();
  }
  const fs::path p = written;
  return p.is_absolute() ? p : (base / p).lexically_normal();
}

void require_data_path(const fs::path& path, const std::string& written, const DataRoot& root,
                       const std::string& what) {
  std::error_code ec;
  if (fs::exists(path, ec)) return;
  std::string message = what + " = \"" + written + "\": " + path.string() + " does not exist";
  if (starts_with_mark(written))
    message += " (the data root " + root.folder.string() + " comes from " + root.origin +
               "; --data-root DIR or VAESWEEP_DATA names another; " + kHowToGetData + ")";
  throw UserError(message);
}

}  // namespace vaesweep
