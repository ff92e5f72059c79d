#pragma once
// The feature row of the published GTZAN table (features_30_sec.csv, made with librosa
// 0.7/0.8 defaults) for one clip: chroma_stft, rms, spectral_centroid, spectral_bandwidth,
// rolloff, zero_crossing_rate and mfcc1..mfccN, each as its mean and population variance over
// frames (chroma over all n_chroma x frames values). The table's other columns are left out:
// filename and length are identifiers, harmony/perceptr (HPSS) and tempo are not computed.
//
// STFT parameters are librosa's defaults (n_fft 2048, hop 512, periodic Hann, centred frames
// padded with mode 'reflect' as librosa < 0.10 did); the STFT runs once per clip and feeds
// mel/MFCC and chroma (power) and centroid/bandwidth/rolloff (magnitude = sqrt(power)).
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace vaesweep::audio {

// chroma_stft_mean, chroma_stft_var, rms_mean, rms_var, spectral_centroid_mean,
// spectral_centroid_var, spectral_bandwidth_mean, spectral_bandwidth_var, rolloff_mean,
// rolloff_var, zero_crossing_rate_mean, zero_crossing_rate_var, mfcc1_mean, mfcc1_var, ...,
// mfccN_mean, mfccN_var: 12 + 2 n_mfcc names in the table's order. 1 <= n_mfcc <= 128
// (vaesweep::UserError otherwise).
std::vector<std::string> librosa_preset_feature_names(int n_mfcc = 20);

// The values named by librosa_preset_feature_names(n_mfcc), for y (mono) at sample_rate Hz,
// which must be the signal's own rate (the table's clips are at 22050 Hz; resample first to
// compare with it). Throws vaesweep::UserError when y is empty or holds a NaN or infinite
// sample, sample_rate <= 0 or n_mfcc is out of range.
Eigen::VectorXd librosa_preset_features(const std::vector<float>& y, int sample_rate, int n_mfcc = 20);

}  // namespace vaesweep::audio
