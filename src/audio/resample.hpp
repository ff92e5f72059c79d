#pragma once
// Sample-rate conversion, with a choice of band-limited converter (features.resample):
//   soxr_hq    libsoxr's 'HQ' quality (20-bit precision, pass band to 91% of the lower Nyquist
//              frequency): what librosa >= 0.10 uses by default (res_type = "soxr_hq"), and
//              vaesweep's default.
//   soxr_vhq   libsoxr's 'VHQ' quality (28-bit precision): librosa's "soxr_vhq".
//   sinc_best  libsamplerate's SRC_SINC_BEST_QUALITY (about 97 dB of stop-band attenuation, a
//              pass band to about 96% of the lower Nyquist frequency): vaesweep's only
//              resampler before features.resample existed, kept so that features (and the
//              results of units) computed with it can be reproduced and resumed.
// All three are high-quality band-limited converters but not bit-identical: features of a
// resampled clip differ between them by the small amounts tests/unit/test_resample.cpp
// states.
#include <array>
#include <string>
#include <vector>

#include "util/named.hpp"

namespace vaesweep::audio {

enum class Resampler { soxr_hq, soxr_vhq, sinc_best };
inline constexpr std::array<Named<Resampler>, 3> kResamplerNames = {
    {{Resampler::soxr_hq, "soxr_hq"}, {Resampler::soxr_vhq, "soxr_vhq"}, {Resampler::sinc_best, "sinc_best"}}};

// A name of kResamplerNames; UserError listing them otherwise.
Resampler parse_resampler(const std::string& name);
std::string to_string(Resampler r);

// y at from_rate Hz converted to to_rate Hz. The output has ceil(len(y) * to_rate / from_rate)
// samples (computed exactly in integers), as librosa.resample does; the converter's output is
// padded with zeros or trimmed to that length (librosa.util.fix_length). Output sample 0 is
// aligned with input sample 0 (both libraries compensate their filter delay). Equal rates
// return y unchanged. Throws vaesweep::UserError when a rate is <= 0 or their ratio is outside
// [1/256, 256] (libsamplerate's limit, kept for every resampler so that the choice never
// changes which studies are valid), and when y holds a NaN or infinite sample; an empty y
// gives an empty result.
std::vector<float> resample(const std::vector<float>& y, int from_rate, int to_rate,
                            Resampler resampler = Resampler::soxr_hq);

}  // namespace vaesweep::audio
