#pragma once
// Audio decoding (libsndfile, then FFmpeg's libraries) and writing (libsndfile).
//
// read_audio decodes any format libsndfile knows (WAV, FLAC, AU/SND, AIFF, OGG/Vorbis, Opus,
// MP3 with libsndfile >= 1.1, ...) and, for content libsndfile does not recognise (AAC/M4A,
// WMA, ALAC, ...), falls back to FFmpeg (audio/ffmpeg_decode.hpp); both by content, never by
// the file name's extension. It downmixes to mono by averaging the channels (as
// librosa.to_mono does) and returns float samples with libsndfile's normalisation, which is
// the one soundfile (and hence librosa.load) uses: an integer sample x of an N-bit PCM file
// becomes x / 2^(N-1), e.g. int16 x -> x / 32768. No resampling happens here: the caller
// compares Audio::sample_rate with the rate it wants and decides.
#include <filesystem>
#include <optional>
#include <vector>

namespace vaesweep::audio {

struct Audio {
  std::vector<float> samples;  // mono
  int sample_rate = 0;         // Hz
};

// Throws vaesweep::UserError naming the path and the reason when the file is missing, is a
// directory, is empty (0 bytes), cannot be decoded (libsndfile's sf_strerror, then FFmpeg's
// reason when libsndfile did not recognise the content), holds no audio frames, or holds a NaN
// or infinite sample. A file libsndfile recognises but finds malformed is not handed to FFmpeg.
//
// A truncated file is an error, never a shorter signal: when fewer frames can be read than
// the header declares, the reason is "truncated: header says N frames, only M could be read".
// The declared count is the header's own: for WAV and AU the data size field divided by the
// frame size (fixed-width encodings: PCM, float, u-law, A-law), for AIFF the COMM chunk's
// frame count (libsndfile itself silently shortens these to what the file holds), for FLAC
// the STREAMINFO total, for Ogg the last page's position, for MP3 the Xing/LAME info frame's
// count or, without one, libmpg123's estimate from the file size (a shortfall of up to
// 2 * 1152 samples + 1% is accepted for MP3 only, as that estimate can overshoot; a VBR MP3
// without an info frame whose first frame has a low bit rate can still be reported as
// truncated). Undetectable, hence decoded as they are: a cut on an Ogg page or an MPEG frame
// boundary of a file without an info frame, and WAV/AU files whose size field holds a
// streaming placeholder (0, or >= 0x7FFFF000 bytes, i.e. also genuine data sizes >= 2 GiB).
// Files decoded by FFmpeg are truncated when they decode to fewer samples than their
// container's declared duration (see ffmpeg_decode).
Audio read_audio(const std::filesystem::path& path);

// The sample rate the file declares, read from its header without decoding it; nothing when
// no decoder recognises the file (read_audio then says why). Used to tell, before extracting,
// whether a file will be resampled.
std::optional<int> probe_sample_rate(const std::filesystem::path& path);

// Writes a mono 16-bit PCM WAV. A float sample x becomes the int16 lrint(x * 32768) clipped
// to [-32768, 32767], so read_audio gives back every x that is a multiple of 1/32768 in
// [-1, 1) exactly and any other in-range x within 1/65536. Throws vaesweep::UserError naming
// the path and the reason when sample_rate <= 0, a sample is NaN or infinite, or libsndfile
// cannot create or write the file (e.g. its folder is missing).
void write_wav(const std::filesystem::path& path, const std::vector<float>& samples, int sample_rate);

}  // namespace vaesweep::audio
