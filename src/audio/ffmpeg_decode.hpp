#pragma once
// Decoding through FFmpeg's libraries (libavformat demuxes, libavcodec decodes, libswresample
// converts the decoder's sample format to float): what read_audio falls back to for files
// libsndfile does not recognise (AAC/M4A, WMA, ALAC, AC-3, ...). The container is found by
// content (libavformat's probe), never by file name extension. FFmpeg is loaded on first use,
// from the module vaesweep_ffmpeg.so (ffmpeg_backend.hpp); when it cannot be loaded,
// ffmpeg_decode throws a UserError saying so with every path tried and why each failed, and
// ffmpeg_sample_rate returns nothing.
#include <filesystem>
#include <optional>
#include <string>

#include "audio/audio_file.hpp"

namespace vaesweep::audio {

// The first audio stream of the file, averaged to mono, as floats in [-1, 1] at the stream's
// own rate (libswresample keeps the rate and converts the sample format only). Throws
// vaesweep::UserError whose text is the reason alone (the caller names the path): FFmpeg
// recognises no container, the file has no audio stream or no decoder for it, decoding fails,
// or it ends before the duration the container declares (by more than 1% + 4096 samples,
// room for encoder priming and padding), or nothing decodes at all.
Audio ffmpeg_decode(const std::filesystem::path& path);

// The sample rate of the file's first audio stream from its header; nothing when FFmpeg does
// not recognise the file or finds no audio stream.
std::optional<int> ffmpeg_sample_rate(const std::filesystem::path& path);

}  // namespace vaesweep::audio
