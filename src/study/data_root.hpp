#pragma once
// The data root: the folder that holds the public datasets the shipped studies read (the
// layout is in docs/data.md). A study path written "{data_root}/features/x.csv" is resolved
// under it, so that a study names its data the same way on every machine (and hashes the
// same), while each machine says where its copy lives.
#include <filesystem>
#include <string>
#include <string_view>

namespace vaesweep {

inline constexpr std::string_view kDataRootMark = "{data_root}";

struct DataRoot {
  std::filesystem::path folder;  // empty: no root known
  std::string origin;            // how it was found: "--data-root", "VAESWEEP_DATA", "the default (...)"
  std::string problem;           // why the folder named cannot serve (not a folder); empty: it can
  friend bool operator==(const DataRoot&, const DataRoot&) = default;
};

// The root, first found of: the --data-root option (`option`, when not empty), the VAESWEEP_DATA
// environment variable, the folder beside the checkout the binary was built from
// (<checkout>/../shared/data) when it exists. An option or variable naming something that is
// not a folder is kept with its problem, and is an error only where a path uses the root (a
// study that does not, such as the synthetic quickstart, still runs).
DataRoot find_data_root(const std::string& option);

// A path as a study or manifest writes it, made usable: "{data_root}" or "{data_root}/rest"
// under the root (UserError naming `what` when no root is known), an absolute path as it is,
// anything else relative to `base` (the study file's or the manifest's folder).
std::filesystem::path resolve_data_path(const std::string& written, const std::filesystem::path& base,
                                        const DataRoot& root, const std::string& what);

// UserError unless `path` (the resolution of `written`, named by `what`) exists: it names the
// path, where the root came from when the path is under it, and where to read how to get the
// data.
void require_data_path(const std::filesystem::path& path, const std::string& written, const DataRoot& root,
                       const std::string& what);

}  // namespace vaesweep
