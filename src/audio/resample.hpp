#pragma once
// Sample-rate conversion through libsamplerate (SRC_SINC_BEST_QUALITY, its band-limited sinc
// interpolator: about 97 dB of stop-band attenuation, a pass band to about 96% of the lower
// Nyquist frequency).
//
// librosa.resample's default resampler differs: resampy 'kaiser_best' (librosa < 0.10) or
// soxr 'HQ' (librosa >= 0.10). All three are high-quality band-limited converters, so this is
// a documented equivalent, not a bit-identical one: features of a resampled clip agree with
// librosa's to the looser tolerance measured in tests/unit/test_librosa_preset_parity.cpp,
// not to float32 precision.
#include <vector>

namespace vaesweep::audio {

// y at from_rate Hz converted to to_rate Hz. The output has ceil(len(y) * to_rate / from_rate)
// samples (computed exactly in integers), as librosa.resample does; libsamplerate's output
// is padded with zeros or trimmed to that length (librosa.util.fix_length). Equal rates return
// y unchanged. Throws vaesweep::UserError when a rate is <= 0 or their ratio is outside
// libsamplerate's [1/256, 256], and when y holds a NaN or infinite sample; an empty y gives an
// empty result.
std::vector<float> resample(const std::vector<float>& y, int from_rate, int to_rate);

}  // namespace vaesweep::audio
