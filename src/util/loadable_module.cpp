#include "util/loadable_module.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <system_error>

namespace vaesweep {

std::vector<std::filesystem::path> module_candidates(const char* env_var, const char* file_name) {
  if (const char* forced = std::getenv(env_var); forced != nullptr && *forced != '\0') return {forced};
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  return {exe.parent_path() / file_name};
}

const void* open_module(const std::vector<std::filesystem::path>& candidates, const char* entry, const char* kind,
                        const std::function<std::string(const void*)>& refusal, std::string& tried) {
  tried.clear();
  for (const std::filesystem::path& path : candidates) {
    tried += "\n  " + path.string() + ": ";
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* error = dlerror();
      std::string why = error ? error : "dlopen failed";
      if (why.rfind(path.string() + ": ", 0) == 0) why.erase(0, path.string().size() + 2);  // named once
      tried += why;
      continue;
    }
    using Entry = const void* (*)();
    const auto entry_point = reinterpret_cast<Entry>(dlsym(handle, entry));
    if (entry_point == nullptr) {
      tried += std::string("not a vaesweep ") + kind + " module (no " + entry + ")";
      dlclose(handle);
      continue;
    }
    const void* table = entry_point();
    if (const std::string why = refusal(table); !why.empty()) {
      tried += "refused: " + why;
      dlclose(handle);
      continue;
    }
    return table;  // the handle stays open for the life of the process
  }
  return nullptr;
}

}  // namespace vaesweep
