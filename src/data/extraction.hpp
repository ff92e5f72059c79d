#pragma once
// From one audio file to feature rows: decode, resample to the study's rate, cut segments,
// compute the study's feature kind for each segment. The same code serves `vaesweep features`
// and every sweep, so a study trains on exactly the numbers the features command prints.
//
// Feature kinds (features.kind):
//   mfcc_stats     statistics over frames of n_mfcc MFCCs: mfcc1_mean, mfcc1_std, ...
//   librosa        the published GTZAN table's columns (chroma_stft, rms, spectral centroid,
//                  bandwidth, rolloff, zero-crossing rate, MFCC 1..n_mfcc; mean and var each),
//                  with librosa's default STFT parameters
//   logmel         power_to_db(mel spectrogram), n_mels x frames, flattened band-major
//   mfcc_sequence  MFCCs, n_mfcc x frames, flattened coefficient-major
// Sequences have a fixed frame count: longer segments keep their first `frames` frames,
// shorter ones are padded with the segment's lowest value (silence in dB terms).
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/frame_statistics.hpp"
#include "audio/resample.hpp"
#include "audio/segments.hpp"
#include "audio/spectrogram.hpp"
#include "study/study.hpp"
#include "data/audio_collection.hpp"

namespace vaesweep::data {

// Bumped whenever extraction code changes the numbers it produces: part of every cache key.
inline constexpr int kExtractorVersion = 1;

struct ExtractionParams {
  FeatureKind kind = FeatureKind::mfcc_stats;
  int n_mfcc = 13;
  std::vector<audio::Statistic> statistics;  // mfcc_stats only
  audio::SpectralParams spectral;            // sample_rate is the rate features are computed at
  audio::Resampler resampler = audio::Resampler::soxr_hq;  // for files at another rate
  int frames = 128;                          // sequences only
  audio::SegmentPolicy segment = audio::SegmentPolicy::whole;
  double segment_seconds = 3.0;
};

// Parses and validates a study's [features] section (UserError naming the bad value).
ExtractionParams extraction_params(const FeatureSpec& spec);

// Every parameter the numbers depend on, as text (with kExtractorVersion): equal texts give
// equal features for the same file, except for the resampler, which is left out on purpose:
// it changes only files stored at another rate than the features', so the feature cache
// records it per entry (FeatureCache) instead, and the caches of studies whose files need no
// resampling stay valid whatever features.resample says.
std::string extraction_canonical(const ExtractionParams& p);

std::vector<std::string> extraction_feature_names(const ExtractionParams& p);
// {} for vector features; {bands or coefficients, frames} for sequences.
std::vector<int> extraction_shape(const ExtractionParams& p);

// What one file gave: a row per segment, or the reason it gave nothing.
struct ClipFeatures {
  Eigen::MatrixXd rows;      // segments x features
  std::int64_t length = 0;   // samples of the decoded clip at the study's rate
  bool resampled = false;    // the file was at another rate and went through p.resampler
  std::string error;         // non-empty: the file is unusable ("path: reason")
};

// Never throws for a bad file (missing, empty, truncated, undecodable, NaN samples, NaN
// features): that is reported in `error`, for the bad-file policy to decide. Internal errors
// still throw.
ClipFeatures extract_clip(const AudioItem& item, const ExtractionParams& p);

// The feature rows of decoded samples already at p.spectral.sample_rate (one per segment).
Eigen::MatrixXd clip_feature_rows(const std::vector<float>& samples, const ExtractionParams& p);

}  // namespace vaesweep::data
