#pragma once
// FFmpeg on demand. FFmpeg's libraries bring ~100 shared objects into a process (codecs, their
// dependencies, TLS, X11 and font libraries), which cost every vaesweep process ~75 ms of CPU at
// start (measured: a program that only links them, 125 ms against 49 ms without them), while
// FFmpeg is needed only to decode what libsndfile does not read (AAC/M4A, WMA, ...). So the
// decoder (ffmpeg_decode.cpp, the only code that includes FFmpeg's headers) is built into a
// module, vaesweep_ffmpeg.so beside the vaesweep executable, opened with dlopen the first time a
// file needs it (ffmpeg_loader.cpp); the unit tests and the benchmarks link the decoder itself.
// What the decoder calls of vaesweep (UserError, the assertions) it takes from the executable,
// which exports its vaesweep symbols (src/app/exported_symbols.list), as for the torch module.
#include <cstddef>
#include <filesystem>
#include <optional>

#include "audio/audio_file.hpp"

namespace vaesweep::audio {

// The module's table: the two functions of ffmpeg_decode.hpp, and what the loader checks first.
struct FfmpegBackend {
  int abi;                 // kFfmpegBackendAbi of the module's sources
  std::size_t audio_size;  // sizeof(Audio), as compiled there
  Audio (*decode)(const std::filesystem::path& path);
  std::optional<int> (*sample_rate)(const std::filesystem::path& path);
};

// Raised whenever FfmpegBackend or a type it passes changes meaning.
inline constexpr int kFfmpegBackendAbi = 1;
inline constexpr const char* kFfmpegModuleName = "vaesweep_ffmpeg.so";
inline constexpr const char* kFfmpegBackendEntry = "vaesweep_ffmpeg_backend";
// Set to a path, the one place the module is looked for (else beside the executable).
inline constexpr const char* kFfmpegModuleVariable = "VAESWEEP_FFMPEG_MODULE";

}  // namespace vaesweep::audio
