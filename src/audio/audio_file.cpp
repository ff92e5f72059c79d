#include "audio/audio_file.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

#include "audio/ffmpeg_decode.hpp"
#include "util/error.hpp"
#include "util/input_file.hpp"

namespace vaesweep::audio {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const char* what, const fs::path& path, const std::string& reason) {
  throw UserError(std::string(what) + " '" + path.string() + "': " + reason);
}

// Owns an SNDFILE*; closing never throws.
class SndFile {
 public:
  explicit SndFile(SNDFILE* f) : f_(f) {}
  SndFile(const SndFile&) = delete;
  SndFile& operator=(const SndFile&) = delete;
  ~SndFile() {
    if (f_ != nullptr) sf_close(f_);
  }
  SNDFILE* get() const { return f_; }
  // Closes now and reports libsndfile's error, if any (used after writing).
  int close() {
    const int rc = sf_close(f_);
    f_ = nullptr;
    return rc;
  }

 private:
  SNDFILE* f_;
};

constexpr sf_count_t kChunkFrames = 1 << 16;

// Bytes per sample of the fixed-width encodings; 0 for the others (ADPCM, GSM, ...), whose
// frame count does not follow from a byte count.
int fixed_sample_bytes(int format) {
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: case SF_FORMAT_ULAW: case SF_FORMAT_ALAW: return 1;
    case SF_FORMAT_PCM_16: return 2;
    case SF_FORMAT_PCM_24: return 3;
    case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT: return 4;
    case SF_FORMAT_DOUBLE: return 8;
    default: return 0;
  }
}

// Streaming writers that cannot seek back leave a placeholder in a 32-bit size field (0,
// 0xFFFFFFFF, sox's 0x7FFFF000, ...): such a size declares nothing.
bool is_placeholder_size(std::uint32_t bytes) { return bytes == 0 || bytes >= 0x7FFFF000u; }

std::uint32_t big_endian_u32(const unsigned char* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

// The header's own size field of one chunk of a chunked file (WAV, AIFF), as libsndfile
// stored it while parsing (sf_get_chunk_iterator), before it shortened the audio data to what
// the file holds. Fills `data` with the chunk's bytes when asked to.
std::optional<std::uint32_t> chunk_size(SNDFILE* file, const char* id, std::vector<unsigned char>* data = nullptr) {
  SF_CHUNK_INFO want{};
  std::strncpy(want.id, id, sizeof(want.id) - 1);
  want.id_size = static_cast<unsigned>(std::strlen(id));
  SF_CHUNK_ITERATOR* it = sf_get_chunk_iterator(file, &want);
  if (it == nullptr) return std::nullopt;
  SF_CHUNK_INFO got{};
  if (sf_get_chunk_size(it, &got) != SF_ERR_NO_ERROR) return std::nullopt;
  if (data != nullptr) {
    data->assign(got.datalen, 0);
    got.data = data->data();
    if (sf_get_chunk_data(it, &got) != SF_ERR_NO_ERROR) return std::nullopt;
  }
  return got.datalen;
}

// The number of frames the file's header declares, where it declares one that libsndfile
// does not report as such. For WAV, AIFF and AU libsndfile reports in SF_INFO::frames only
// what the file holds (it shortens a data size that runs past the end of the file, and logs
// it), so a truncated file would decode without any error: the declared count comes from the
// header here. std::nullopt: the header declares no count (a placeholder size, an encoding
// without fixed-width samples, another container).
std::optional<sf_count_t> header_declared_frames(SNDFILE* file, const SF_INFO& info, const fs::path& path) {
  const int major = info.format & SF_FORMAT_TYPEMASK;
  const int frame_bytes = fixed_sample_bytes(info.format) * info.channels;
  if (major == SF_FORMAT_WAV || major == SF_FORMAT_WAVEX) {
    const std::optional<std::uint32_t> bytes = chunk_size(file, "data");
    if (!bytes || is_placeholder_size(*bytes) || frame_bytes <= 0) return std::nullopt;
    return static_cast<sf_count_t>(*bytes / static_cast<std::uint32_t>(frame_bytes));
  }
  if (major == SF_FORMAT_AIFF) {
    // COMM: numChannels (2 bytes), numSampleFrames (4 bytes, big-endian), ...
    std::vector<unsigned char> comm;
    if (!chunk_size(file, "COMM", &comm) || comm.size() < 6) return std::nullopt;
    return static_cast<sf_count_t>(big_endian_u32(comm.data() + 2));
  }
  if (major == SF_FORMAT_AU) {
    // ".snd", data offset, data size (0xFFFFFFFF: unknown), all big-endian (or "dns." and
    // little-endian in the rare DEC variant).
    std::array<unsigned char, 12> h{};
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(h.data()), h.size()) || frame_bytes <= 0) return std::nullopt;
    std::uint32_t bytes = big_endian_u32(h.data() + 8);
    if (std::memcmp(h.data(), "dns.", 4) == 0) {
      bytes = std::uint32_t{h[8]} | (std::uint32_t{h[9]} << 8) | (std::uint32_t{h[10]} << 16) | (std::uint32_t{h[11]} << 24);
    } else if (std::memcmp(h.data(), ".snd", 4) != 0) {
      return std::nullopt;
    }
    if (is_placeholder_size(bytes)) return std::nullopt;
    return static_cast<sf_count_t>(bytes / static_cast<std::uint32_t>(frame_bytes));
  }
  return std::nullopt;
}

// MPEG audio declares its length only in an optional Xing/LAME info frame; without one,
// libmpg123 (libsndfile's MP3 decoder) estimates it from the file size and the bit rate,
// which can exceed what decodes by up to about one MPEG frame (1152 samples) for constant
// bit rate. A shortfall within this slack is not truncation.
sf_count_t truncation_slack(const SF_INFO& info) {
  if ((info.format & SF_FORMAT_TYPEMASK) != SF_FORMAT_MPEG) return 0;
  return 2 * 1152 + info.frames / 100;
}

// What every decoder's output must be: some samples, all finite.
Audio checked(Audio audio, const fs::path& path) {
  constexpr const char* what = "cannot read audio file";
  if (audio.samples.empty()) fail(what, path, "the file holds no audio frames");
  const auto bad = std::find_if(audio.samples.begin(), audio.samples.end(), [](float x) { return !std::isfinite(x); });
  if (bad != audio.samples.end()) {
    fail(what, path, "sample " + std::to_string(bad - audio.samples.begin()) + " is NaN or infinite");
  }
  return audio;
}

}  // namespace

Audio read_audio(const fs::path& path) {
  constexpr const char* what = "cannot read audio file";
  Audio audio;
  const std::string kind = kind_of_non_regular(path);
  if (kind == "nothing") fail(what, path, "no such file");
  // A FIFO would block sf_open for ever; a device could stream without end.
  if (!kind.empty()) fail(what, path, "it is " + kind + ", not a regular file");
  std::error_code ec;
  if (fs::file_size(path, ec) == 0 && !ec) fail(what, path, "the file is empty (0 bytes)");

  SF_INFO info{};
  SndFile file(sf_open(path.c_str(), SFM_READ, &info));
  if (file.get() == nullptr) {
    const int code = sf_error(nullptr);
    // libsndfile says "File does not exist or is not a regular file (possibly a pipe?)" for any
    // content it does not recognise; the checks above rule that out, so say what it means.
    const std::string refused = std::string("libsndfile cannot decode it: its content is no audio format libsndfile reads (") +
                                sf_strerror(nullptr) + ")";
    // A format libsndfile knows but finds malformed (an Ogg cut mid-page) stays an error: FFmpeg
    // would decode what is left, and a truncated file must never become a shorter signal.
    if (code != SF_ERR_UNRECOGNISED_FORMAT) fail(what, path, refused);
    // Not a libsndfile format (AAC/M4A, WMA, ...): FFmpeg's libraries, by content.
    try {
      audio = ffmpeg_decode(path);
    } catch (const UserError& e) {
      fail(what, path, refused + "; " + e.what());
    }
    return checked(std::move(audio), path);
  }
  if (info.channels < 1) fail(what, path, "the file declares " + std::to_string(info.channels) + " channels");
  if (info.samplerate <= 0) fail(what, path, "the file declares a sample rate of " + std::to_string(info.samplerate) + " Hz");
  // libsndfile never returns more than info.frames frames; the header may declare more.
  const sf_count_t declared = std::max(info.frames, header_declared_frames(file.get(), info, path).value_or(0));
  // libsndfile clears its error state on every read call, so the decoder's error (e.g. FLAC's
  // "lost sync") is kept from the read that raised it.
  std::string decode_error;
  const auto truncated = [&](sf_count_t read) {
    std::string reason = "truncated: header says " + std::to_string(declared) + " frames, only " + std::to_string(read) + " could be read";
    if (!decode_error.empty()) reason += " (libsndfile: " + decode_error + ")";
    fail(what, path, reason);
  };
  if (info.frames <= 0) {
    if (declared > 0) truncated(0);
    fail(what, path, "the file holds no audio frames");
  }
  sf_command(file.get(), SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);

  const int channels = info.channels;
  audio.sample_rate = info.samplerate;
  // info.frames can be an estimate for compressed formats (MP3): reserve, then read to EOF.
  if (info.frames < (sf_count_t{1} << 32)) audio.samples.reserve(static_cast<std::size_t>(info.frames));
  std::vector<float> chunk(static_cast<std::size_t>(kChunkFrames) * static_cast<std::size_t>(channels));
  for (;;) {
    const sf_count_t got = sf_readf_float(file.get(), chunk.data(), kChunkFrames);
    if (sf_error(file.get()) != SF_ERR_NO_ERROR) decode_error = sf_strerror(file.get());
    if (got <= 0) break;
    if (channels == 1) {
      audio.samples.insert(audio.samples.end(), chunk.begin(), chunk.begin() + got);
    } else {
      for (sf_count_t i = 0; i < got; ++i) {
        const float* frame = chunk.data() + i * channels;
        double sum = 0.0;
        for (int c = 0; c < channels; ++c) sum += frame[c];
        audio.samples.push_back(static_cast<float>(sum / channels));
      }
    }
    if (!decode_error.empty()) break;  // read nothing past a decoder error
  }
  const auto frames_read = static_cast<sf_count_t>(audio.samples.size());
  if (frames_read + truncation_slack(info) < declared) truncated(frames_read);
  if (!decode_error.empty()) fail(what, path, "decoding failed: " + decode_error);
  return checked(std::move(audio), path);
}

std::optional<int> probe_sample_rate(const fs::path& path) {
  if (!kind_of_non_regular(path).empty()) return std::nullopt;  // missing, a FIFO, a device, ...
  SF_INFO info{};
  SndFile file(sf_open(path.c_str(), SFM_READ, &info));
  if (file.get() == nullptr) return ffmpeg_sample_rate(path);
  if (info.samplerate <= 0) return std::nullopt;
  return info.samplerate;
}

void write_wav(const fs::path& path, const std::vector<float>& samples, int sample_rate) {
  constexpr const char* what = "cannot write WAV file";
  if (sample_rate <= 0) fail(what, path, "sample rate must be positive, got " + std::to_string(sample_rate));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!std::isfinite(samples[i])) fail(what, path, "sample " + std::to_string(i) + " is NaN or infinite");
  }
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  if (!sf_format_check(&info)) fail(what, path, "libsndfile rejects the format (16-bit PCM WAV, mono)");
  SndFile file(sf_open(path.c_str(), SFM_WRITE, &info));
  if (file.get() == nullptr) fail(what, path, sf_strerror(nullptr));

  std::vector<short> chunk(static_cast<std::size_t>(kChunkFrames));
  std::size_t done = 0;
  while (done < samples.size()) {
    const std::size_t n = std::min(samples.size() - done, chunk.size());
    for (std::size_t i = 0; i < n; ++i) {
      const double v = std::nearbyint(static_cast<double>(samples[done + i]) * 32768.0);
      chunk[i] = static_cast<short>(std::clamp(v, -32768.0, 32767.0));
    }
    if (sf_write_short(file.get(), chunk.data(), static_cast<sf_count_t>(n)) != static_cast<sf_count_t>(n)) {
      fail(what, path, std::string("write failed: ") + sf_strerror(file.get()));
    }
    done += n;
  }
  if (file.close() != 0) fail(what, path, "closing the file failed (disk full?)");
}

}  // namespace vaesweep::audio
