#include "data/extraction.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "audio/audio_file.hpp"
#include "audio/librosa_preset.hpp"
#include "audio/resample.hpp"
#include "util/error.hpp"

namespace vaesweep::data {
namespace {

bool is_sequence(FeatureKind kind) { return kind == FeatureKind::logmel || kind == FeatureKind::mfcc_sequence; }

// rows x frames -> exactly `frames` columns: the first ones, or padded with the minimum.
Eigen::RowVectorXd fixed_frames_flat(const Eigen::MatrixXd& m, int frames) {
  Eigen::MatrixXd fixed = Eigen::MatrixXd::Constant(m.rows(), frames, m.minCoeff());
  const Eigen::Index keep = std::min<Eigen::Index>(frames, m.cols());
  fixed.leftCols(keep) = m.leftCols(keep);
  // Band-major flattening: row b is contiguous, as a (bands, frames) array in C order.
  Eigen::RowVectorXd flat(fixed.size());
  for (Eigen::Index b = 0; b < fixed.rows(); ++b) flat.segment(b * frames, frames) = fixed.row(b);
  return flat;
}

Eigen::RowVectorXd segment_row(const std::vector<float>& y, const ExtractionParams& p) {
  switch (p.kind) {
    case FeatureKind::mfcc_stats:
      return audio::frame_statistics(audio::mfcc(y, p.n_mfcc, p.spectral), p.statistics).transpose();
    case FeatureKind::librosa:
      return audio::librosa_preset_features(y, p.spectral.sample_rate, p.n_mfcc).transpose();
    case FeatureKind::logmel:
      return fixed_frames_flat(
          audio::power_to_db(audio::mel_spectrogram(y, p.spectral), p.spectral.amin, p.spectral.top_db), p.frames);
    case FeatureKind::mfcc_sequence:
      return fixed_frames_flat(audio::mfcc(y, p.n_mfcc, p.spectral), p.frames);
  }
  VAESWEEP_ASSERT(false, "unhandled feature kind");
}

}  // namespace

ExtractionParams extraction_params(const FeatureSpec& spec) {
  ExtractionParams p;
  p.kind = spec.kind;
  p.n_mfcc = spec.n_mfcc;
  if (spec.kind == FeatureKind::mfcc_stats) {
    if (spec.statistics.empty()) throw UserError("features.statistics: expected at least one statistic");
    for (const auto& name : spec.statistics) p.statistics.push_back(audio::parse_statistic(name));
  }
  p.spectral.sample_rate = spec.sample_rate;
  p.resampler = audio::parse_resampler(spec.resample);
  if (spec.kind != FeatureKind::librosa) {
    p.spectral.n_fft = spec.n_fft;
    p.spectral.hop_length = spec.hop_length;
    p.spectral.n_mels = spec.n_mels;
    p.spectral.fmin = spec.fmin;
    p.spectral.fmax = spec.fmax;
    p.spectral.htk = spec.mel_scale == "htk";
    p.spectral.top_db = spec.top_db;
    p.spectral.pad_mode = audio::parse_pad_mode(spec.pad_mode);
  }
  audio::validate(p.spectral);
  if (spec.kind != FeatureKind::logmel && spec.n_mfcc > p.spectral.n_mels)
    throw UserError("features.n_mfcc = " + std::to_string(spec.n_mfcc) + " exceeds features.n_mels = " +
                    std::to_string(p.spectral.n_mels) + " (MFCCs are a DCT of the mel bands)");
  p.frames = spec.frames;
  p.segment = audio::parse_segment_policy(spec.segment);
  p.segment_seconds = spec.segment_seconds;
  return p;
}

std::string extraction_canonical(const ExtractionParams& p) {
  std::ostringstream out;
  out.precision(17);
  const auto& s = p.spectral;
  out << "extractor=" << kExtractorVersion << ";kind=" << to_string(p.kind) << ";sample_rate=" << s.sample_rate
      << ";n_fft=" << s.n_fft << ";hop_length=" << s.hop_length << ";n_mels=" << s.n_mels << ";fmin=" << s.fmin
      << ";fmax=" << s.fmax << ";htk=" << s.htk << ";top_db=" << s.top_db << ";amin=" << s.amin
      << ";pad_mode=" << audio::to_string(s.pad_mode) << ";segment=" << audio::to_string(p.segment);
  if (p.segment != audio::SegmentPolicy::whole) out << ";segment_seconds=" << p.segment_seconds;
  if (p.kind != FeatureKind::logmel) out << ";n_mfcc=" << p.n_mfcc;
  if (is_sequence(p.kind)) out << ";frames=" << p.frames;
  if (p.kind == FeatureKind::mfcc_stats) {
    out << ";statistics=";
    for (auto st : p.statistics) out << audio::to_string(st) << ",";
  }
  return out.str();
}

std::vector<std::string> extraction_feature_names(const ExtractionParams& p) {
  switch (p.kind) {
    case FeatureKind::mfcc_stats: return audio::statistic_feature_names("mfcc", p.n_mfcc, p.statistics);
    case FeatureKind::librosa: return audio::librosa_preset_feature_names(p.n_mfcc);
    case FeatureKind::logmel:
    case FeatureKind::mfcc_sequence: {
      const bool mel = p.kind == FeatureKind::logmel;
      const int bands = mel ? p.spectral.n_mels : p.n_mfcc;
      std::vector<std::string> names;
      names.reserve(static_cast<std::size_t>(bands) * static_cast<std::size_t>(p.frames));
      for (int b = 0; b < bands; ++b)
        for (int t = 0; t < p.frames; ++t)
          names.push_back((mel ? "mel" : "mfcc") + std::to_string(b + 1) + "_t" + std::to_string(t));
      return names;
    }
  }
  return {};
}

std::vector<int> extraction_shape(const ExtractionParams& p) {
  if (p.kind == FeatureKind::logmel) return {p.spectral.n_mels, p.frames};
  if (p.kind == FeatureKind::mfcc_sequence) return {p.n_mfcc, p.frames};
  return {};
}

Eigen::MatrixXd clip_feature_rows(const std::vector<float>& samples, const ExtractionParams& p) {
  const auto spans = audio::segment_spans(samples.size(), p.spectral.sample_rate, p.segment, p.segment_seconds);
  Eigen::MatrixXd rows;
  for (std::size_t s = 0; s < spans.size(); ++s) {
    const auto begin = samples.begin() + static_cast<std::ptrdiff_t>(spans[s].begin);
    const std::vector<float> segment(begin, begin + static_cast<std::ptrdiff_t>(spans[s].length));
    const Eigen::RowVectorXd row = segment_row(segment, p);
    if (s == 0) rows.resize(static_cast<Eigen::Index>(spans.size()), row.size());
    rows.row(static_cast<Eigen::Index>(s)) = row;
  }
  return rows;
}

ClipFeatures extract_clip(const AudioItem& item, const ExtractionParams& p) {
  ClipFeatures out;
  try {
    audio::Audio clip = audio::read_audio(item.path);
    if (clip.sample_rate != p.spectral.sample_rate) {
      clip.samples = audio::resample(clip.samples, clip.sample_rate, p.spectral.sample_rate, p.resampler);
      out.resampled = true;
    }
    out.length = static_cast<std::int64_t>(clip.samples.size());
    out.rows = clip_feature_rows(clip.samples, p);
    if (!out.rows.allFinite()) out.error = item.path.string() + ": its features hold NaN or Inf";
  } catch (const UserError& e) {
    // read_audio's messages already name the path.
    const std::string what = e.what();
    out.error = what.find(item.path.string()) == std::string::npos ? item.path.string() + ": " + what : what;
  }
  if (!out.error.empty()) out.rows.resize(0, 0);
  return out;
}

}  // namespace vaesweep::data
