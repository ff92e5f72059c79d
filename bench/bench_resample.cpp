// Resampling one 30-s clip from 44.1 kHz to 22.05 kHz with each features.resample choice: CPU
// seconds per clip, one thread. The 44.1 kHz clips are the GTZAN clips of AUDIO_DIR upsampled
// once with soxr_vhq (untimed), the same input bench/resample_scipy_peer.py builds with
// scipy. Run through bench/run_resample_bench.sh.
//
//   bench_resample AUDIO_DIR
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "audio/audio_file.hpp"
#include "audio/resample.hpp"
#include "bench_measure.hpp"

namespace fs = std::filesystem;
namespace va = vaesweep::audio;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_resample AUDIO_DIR\n";
    return 2;
  }
  std::vector<std::vector<float>> clips;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(argv[1]))
    if (e.path().extension() == ".wav") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    const va::Audio a = va::read_audio(p);
    clips.push_back(va::resample(a.samples, a.sample_rate, 44100, va::Resampler::soxr_vhq));
  }
  if (clips.empty()) {
    std::cerr << "bench_resample: no .wav file in " << argv[1] << "\n";
    return 2;
  }
  for (va::Resampler r : {va::Resampler::soxr_hq, va::Resampler::soxr_vhq, va::Resampler::sinc_best}) {
    double best = 1e30;
    // Best of 3 passes over all clips: CPU seconds per clip.
    for (int pass = 0; pass < 3; ++pass) {
      const double t0 = vaesweep::bench::cpu_seconds();
      std::size_t n = 0;
      for (const auto& y : clips) n += va::resample(y, 44100, 22050, r).size();
      best = std::min(best, (vaesweep::bench::cpu_seconds() - t0) / static_cast<double>(clips.size()));
      if (n == 0) return 1;
    }
    std::cout << "vaesweep " << va::to_string(r) << "\t" << best << " s per clip\n";
  }
  return 0;
}
