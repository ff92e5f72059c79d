// FFmpeg's decoding, built into the module vaesweep_ffmpeg.so (ffmpeg_backend.hpp) and into the
// binaries that link it directly; ffmpeg_decode.hpp's functions reach it through the table below.
#include "audio/ffmpeg_backend.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace vaesweep::audio {
namespace {

namespace fs = std::filesystem;

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, text, sizeof text);
  return text;
}

// Each FFmpeg object freed once, whatever throws; destructors never throw.
struct Input {
  AVFormatContext* ctx = nullptr;
  ~Input() { avformat_close_input(&ctx); }
};
struct Decoder {
  AVCodecContext* ctx = nullptr;
  ~Decoder() { avcodec_free_context(&ctx); }
};
struct Resampler {
  SwrContext* ctx = nullptr;
  ~Resampler() { swr_free(&ctx); }
};
struct Packet {
  AVPacket* p = av_packet_alloc();
  ~Packet() { av_packet_free(&p); }
};
struct Frame {
  AVFrame* f = av_frame_alloc();
  ~Frame() { av_frame_free(&f); }
};

// Opens the container and finds its first audio stream; UserError with the reason.
int open_audio_stream(const fs::path& path, Input& in) {
  // FFmpeg's own log lines (to stderr, per damaged packet) would bury vaesweep's: every
  // failure is reported through the UserError instead.
  static const bool quiet = [] {
    av_log_set_level(AV_LOG_QUIET);
    return true;
  }();
  (void)quiet;
  const int rc = avformat_open_input(&in.ctx, path.c_str(), nullptr, nullptr);
  if (rc < 0) throw UserError("FFmpeg recognises no audio container in it (" + av_error_text(rc) + ")");
  if (const int info = avformat_find_stream_info(in.ctx, nullptr); info < 0)
    throw UserError("FFmpeg cannot read its streams (" + av_error_text(info) + ")");
  const int stream = av_find_best_stream(in.ctx, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (stream < 0) throw UserError("FFmpeg finds no audio stream in it");
  return stream;
}

// Appends a decoded frame, converted to interleaved float and averaged to mono.
void append_mono(SwrContext* swr, const AVFrame* frame, int channels, std::vector<float>& out,
                 std::vector<float>& scratch) {
  scratch.resize(static_cast<std::size_t>(frame->nb_samples) * static_cast<std::size_t>(channels));
  auto* dst = reinterpret_cast<std::uint8_t*>(scratch.data());
  const int got = swr_convert(swr, &dst, frame->nb_samples, const_cast<const std::uint8_t**>(frame->extended_data),
                              frame->nb_samples);
  if (got < 0) throw UserError("FFmpeg cannot convert its samples (" + av_error_text(got) + ")");
  for (int i = 0; i < got; ++i) {
    double sum = 0.0;
    for (int c = 0; c < channels; ++c) sum += scratch[static_cast<std::size_t>(i * channels + c)];
    out.push_back(static_cast<float>(sum / channels));
  }
}

Audio decode(const fs::path& path) {
  Input in;
  const int stream_index = open_audio_stream(path, in);
  const AVStream* stream = in.ctx->streams[stream_index];
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr)
    throw UserError(std::string("FFmpeg has no decoder for its audio (") + avcodec_get_name(stream->codecpar->codec_id) + ")");
  Decoder dec;
  dec.ctx = avcodec_alloc_context3(codec);
  VAESWEEP_ASSERT(dec.ctx != nullptr, "avcodec_alloc_context3");
  if (const int rc = avcodec_parameters_to_context(dec.ctx, stream->codecpar); rc < 0)
    throw UserError("FFmpeg cannot set up its decoder (" + av_error_text(rc) + ")");
  dec.ctx->thread_count = 1;  // extraction already decodes one file per thread
  if (const int rc = avcodec_open2(dec.ctx, codec, nullptr); rc < 0)
    throw UserError(std::string("FFmpeg cannot open its ") + codec->name + " decoder (" + av_error_text(rc) + ")");
  const int channels = dec.ctx->ch_layout.nb_channels;
  if (channels < 1) throw UserError("its audio stream declares " + std::to_string(channels) + " channels");
  if (dec.ctx->sample_rate <= 0) throw UserError("its audio stream declares a sample rate of " + std::to_string(dec.ctx->sample_rate) + " Hz");

  Audio audio;
  audio.sample_rate = dec.ctx->sample_rate;
  Resampler swr;  // the sample format only: the rate and the channels stay
  if (const int rc = swr_alloc_set_opts2(&swr.ctx, &dec.ctx->ch_layout, AV_SAMPLE_FMT_FLT, dec.ctx->sample_rate,
                                         &dec.ctx->ch_layout, dec.ctx->sample_fmt, dec.ctx->sample_rate, 0, nullptr);
      rc < 0 || swr_init(swr.ctx) < 0)
    throw UserError("FFmpeg cannot convert its sample format (" + std::string(av_get_sample_fmt_name(dec.ctx->sample_fmt) ? av_get_sample_fmt_name(dec.ctx->sample_fmt) : "?") + ")");

  Packet packet;
  Frame frame;
  std::vector<float> scratch;
  // The first reading or decoding error ends the stream; it is reported below, as truncation
  // when the container declared more than was decoded before it (a file cut short ends in a
  // partial packet: "Invalid data found when processing input").
  std::string error;
  const auto drain = [&] {
    for (;;) {
      const int rc = avcodec_receive_frame(dec.ctx, frame.f);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return true;
      if (rc < 0) {
        error = "decoding failed: " + av_error_text(rc);
        return false;
      }
      // The converter was set up for the stream's opening format: a frame in another (a channel
      // change, concatenated streams) would be read past its planes.
      if (frame.f->ch_layout.nb_channels != channels || frame.f->format != dec.ctx->sample_fmt ||
          frame.f->sample_rate != audio.sample_rate)
        throw UserError("its audio changes format mid-stream (" + std::to_string(channels) + " -> " +
                        std::to_string(frame.f->ch_layout.nb_channels) + " channels, " +
                        std::to_string(audio.sample_rate) + " -> " + std::to_string(frame.f->sample_rate) +
                        " Hz); vaesweep decodes files of one format");
      append_mono(swr.ctx, frame.f, channels, audio.samples, scratch);
      av_frame_unref(frame.f);
    }
  };
  for (;;) {
    const int rc = av_read_frame(in.ctx, packet.p);
    if (rc == AVERROR_EOF) break;
    if (rc < 0) {
      error = "reading failed: " + av_error_text(rc);
      break;
    }
    bool ok = true;
    if (packet.p->stream_index == stream_index) {
      const int sent = avcodec_send_packet(dec.ctx, packet.p);
      if (sent < 0 && sent != AVERROR(EAGAIN)) {
        error = "decoding failed: " + av_error_text(sent);
        ok = false;
      } else {
        ok = drain();
      }
    }
    av_packet_unref(packet.p);
    if (!ok) break;
  }
  if (error.empty()) {
    avcodec_send_packet(dec.ctx, nullptr);  // flush the decoder's delayed frames
    drain();
  }

  // The container's declared duration, where it declares one: a shortfall is truncation. A
  // duration FFmpeg estimated from the bit rate (raw ADTS AAC, VBR without an index) is no
  // declaration: a complete file can fall short of it. Beyond a day it is no duration either.
  const double seconds = stream->duration > 0 && stream->time_base.den > 0
                             ? static_cast<double>(stream->duration) * av_q2d(stream->time_base)
                             : 0.0;
  if (in.ctx->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE && seconds > 0 && seconds < 86400.0) {
    const auto declared = static_cast<std::int64_t>(std::floor(seconds * audio.sample_rate));
    const auto read = static_cast<std::int64_t>(audio.samples.size());
    if (read + 4096 + declared / 100 < declared)
      throw UserError("truncated: the container says " + std::to_string(declared) + " samples, only " +
                      std::to_string(read) + " could be decoded" + (error.empty() ? "" : " (FFmpeg: " + error + ")"));
  }
  if (!error.empty()) throw UserError(error);
  if (audio.samples.empty()) throw UserError("the file holds no audio frames");
  return audio;
}

std::optional<int> sample_rate(const fs::path& path) {
  try {
    Input in;
    const int stream = open_audio_stream(path, in);
    const int rate = in.ctx->streams[stream]->codecpar->sample_rate;
    if (rate > 0) return rate;
  } catch (const UserError&) {
  }
  return std::nullopt;
}

}  // namespace
}  // namespace vaesweep::audio

extern "C" __attribute__((visibility("default"))) const vaesweep::audio::FfmpegBackend* vaesweep_ffmpeg_backend() {
  using namespace vaesweep::audio;
  static const FfmpegBackend backend{kFfmpegBackendAbi, sizeof(Audio), decode, sample_rate};
  return &backend;
}
