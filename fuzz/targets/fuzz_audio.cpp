// Fuzzes the audio decoder (audio/audio_file.hpp read_audio: libsndfile, then vaesweep's own
// truncation checks on the header's frame count, the downmix and the NaN/Inf check).
//
// Input: an audio file's bytes (libsndfile tells the format from the content). A UserError is
// the correct answer to a file that does not decode; any other exception or sanitizer report
// is a bug (in our code: libsndfile itself is not instrumented).
#include <cstddef>
#include <cstdint>

#include "audio/audio_file.hpp"
#include "util/error.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = vaesweep::fuzz::write_scratch_file("clip.wav", data, size);
  try {
    (void)vaesweep::audio::read_audio(path);
  } catch (const vaesweep::UserError&) {
  }
  return 0;
}
