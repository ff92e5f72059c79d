#pragma once
// Opening a vaesweep module (a shared object built beside the executable, opened with dlopen on
// first use) and finding its entry point. A process pays for a library's loading only when it
// uses it: LibTorch (vaesweep_torch.so, ~0.7 s) and FFmpeg's libraries (vaesweep_ffmpeg.so:
// ~100 shared objects, ~75 ms at every start of a process that links them).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace vaesweep {

// Where a module is looked for: $env_var alone when it is set and not empty (a path to the
// file), else `file_name` beside the running executable (/proc/self/exe's folder); empty when
// /proc/self/exe cannot be read.
std::vector<std::filesystem::path> module_candidates(const char* env_var, const char* file_name);

// Opens the first candidate that loads (RTLD_NOW | RTLD_LOCAL: a symbol it needs and the
// executable lacks fails here, named), exports the C function `entry` returning a table, and
// whose table `refusal` accepts (it returns "" or why the table cannot be trusted). Returns the
// table; its module stays open for the life of the process. When none does, returns nullptr and
// sets `tried` to one line per candidate, "\n  PATH: why" (dlerror's text, "not a vaesweep
// <kind> module (no ENTRY)", or "refused: why").
const void* open_module(const std::vector<std::filesystem::path>& candidates, const char* entry, const char* kind,
                        const std::function<std::string(const void*)>& refusal, std::string& tried);

}  // namespace vaesweep
