// ffmpeg_decode.hpp's functions: the decoder linked into this binary, or the module
// vaesweep_ffmpeg.so opened on first use (ffmpeg_backend.hpp).
#include <mutex>
#include <string>

#include "audio/ffmpeg_backend.hpp"
#include "audio/ffmpeg_decode.hpp"
#include "util/error.hpp"
#include "util/loadable_module.hpp"

// Defined (ffmpeg_decode.cpp) when the binary links the decoder itself; a weak reference, so
// null in the vaesweep executable, which opens the module instead.
extern "C" const vaesweep::audio::FfmpegBackend* vaesweep_ffmpeg_backend() __attribute__((weak));

namespace vaesweep::audio {
namespace {

std::string mismatch(const FfmpegBackend& b) {
  if (b.abi != kFfmpegBackendAbi)
    return "its interface is version " + std::to_string(b.abi) + ", this vaesweep's " + std::to_string(kFfmpegBackendAbi);
  if (b.audio_size != sizeof(Audio)) return "it was built from other sources (the size of Audio differs)";
  return "";
}

// The table, or why there is none (the reason is kept: every file that needs FFmpeg fails with
// it, and the module is not looked for again).
struct Loaded {
  const FfmpegBackend* backend = nullptr;
  std::string why_not;
};

const Loaded& loaded() {
  static const Loaded once = [] {
    Loaded l;
    if (vaesweep_ffmpeg_backend != nullptr) {
      l.backend = vaesweep_ffmpeg_backend();
      return l;
    }
    const auto candidates = module_candidates(kFfmpegModuleVariable, kFfmpegModuleName);
    std::string tried;
    l.backend = static_cast<const FfmpegBackend*>(open_module(
        candidates, kFfmpegBackendEntry, "FFmpeg",
        [](const void* t) { return mismatch(*static_cast<const FfmpegBackend*>(t)); }, tried));
    if (candidates.empty())
      tried = std::string("\n  (nowhere to look: /proc/self/exe cannot be read; set ") + kFfmpegModuleVariable + ")";
    if (l.backend == nullptr)
      l.why_not = std::string("decoding it needs FFmpeg, which vaesweep loads from its module ") + kFfmpegModuleName +
                  " (built beside the vaesweep executable by the same build), but no module could be loaded:" + tried;
    return l;
  }();
  return once;
}

}  // namespace

Audio ffmpeg_decode(const std::filesystem::path& path) {
  const Loaded& l = loaded();
  if (l.backend == nullptr) throw UserError(l.why_not);
  return l.backend->decode(path);
}

std::optional<int> ffmpeg_sample_rate(const std::filesystem::path& path) {
  const Loaded& l = loaded();
  if (l.backend == nullptr) return std::nullopt;  // a probe: the decode reports why
  return l.backend->sample_rate(path);
}

}  // namespace vaesweep::audio
