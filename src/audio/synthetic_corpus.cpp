#include "audio/synthetic_corpus.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <fstream>
#include <numbers>
#include <sstream>
#include <system_error>

#include "audio/audio_file.hpp"
#include "util/csv_field.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

namespace vaesweep::audio {
namespace {

namespace fs = std::filesystem;
constexpr double kTwoPi = 2.0 * std::numbers::pi;

// Portable draws from Rng (the std distributions are implementation-defined, which would
// break byte-identical output across standard libraries).
class Random {
 public:
  explicit Random(std::uint64_t seed) : rng_(seed) {}
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  int integer(int lo, int hi) {  // [lo, hi]
    return lo + static_cast<int>(rng_() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }
  double noise() { return 2.0 * uniform() - 1.0; }  // white, uniform on [-1, 1)
  template <class C>
  const auto& pick(const C& c) {
    return c[static_cast<std::size_t>(integer(0, static_cast<int>(std::size(c)) - 1))];
  }

 private:
  Rng rng_;
};

double midi_to_hz(double midi) { return 440.0 * std::pow(2.0, (midi - 69.0) / 12.0); }
double db_to_gain(double db) { return std::pow(10.0, db / 20.0); }

using Buffer = std::vector<double>;

// Adds env(i) * sum_k amps[k] * decay_k^i * sin((k + 1) * (phase0 + 2 pi f i / sr)) for
// i in [0, len), starting at sample `start`; decay[k] is the per-sample factor of harmonic k
// (empty: no decay). Harmonics at or above 0.45 sr are dropped. The fundamental's phasor is
// advanced by complex rotation and the harmonics by the Chebyshev recurrence
// sin((k+1)x) = 2 cos(x) sin(kx) - sin((k-1)x): no trigonometric call per sample.
template <class Env>
void add_tone(Buffer& out, std::size_t start, std::size_t len, double f, const std::vector<double>& amps,
              const std::vector<double>& decay, double sr, double phase0, Env env) {
  if (start >= out.size()) return;
  len = std::min(len, out.size() - start);
  std::size_t n_h = 0;
  while (n_h < amps.size() && static_cast<double>(n_h + 1) * f < 0.45 * sr) ++n_h;
  if (n_h == 0) return;
  std::vector<double> level(amps.begin(), amps.begin() + static_cast<std::ptrdiff_t>(n_h));
  const std::complex<double> step = std::polar(1.0, kTwoPi * f / sr);
  std::complex<double> z = std::polar(1.0, phase0);
  for (std::size_t i = 0; i < len; ++i) {
    const double s1 = z.imag();
    const double c2 = 2.0 * z.real();
    double prev = 0.0, cur = s1, acc = level[0] * s1;
    for (std::size_t k = 1; k < n_h; ++k) {
      const double next = c2 * cur - prev;
      prev = cur;
      cur = next;
      acc += level[k] * cur;
    }
    out[start + i] += env(i) * acc;
    if (!decay.empty()) {
      for (std::size_t k = 0; k < n_h; ++k) level[k] *= decay[k];
    }
    z *= step;
    if ((i & 1023) == 1023) z /= std::abs(z);  // keep the phasor on the unit circle
  }
}

// Klatt's two-pole resonator (unity gain at DC).
struct Resonator {
  double a = 1, b = 0, c = 0, y1 = 0, y2 = 0;
  void tune(double freq, double bandwidth, double sr) {
    c = -std::exp(-kTwoPi * bandwidth / sr);
    b = 2.0 * std::exp(-std::numbers::pi * bandwidth / sr) * std::cos(kTwoPi * freq / sr);
    a = 1.0 - b - c;
  }
  double operator()(double x) {
    const double y = a * x + b * y1 + c * y2;
    y2 = y1;
    y1 = y;
    return y;
  }
};

void scale_to_unit_rms(Buffer& x) {
  double ss = 0.0;
  for (double v : x) ss += v * v;
  const double rms = std::sqrt(ss / static_cast<double>(std::max<std::size_t>(1, x.size())));
  if (rms > 0.0) {
    const double inv = 1.0 / rms;
    for (double& v : x) v *= inv;
  }
}

// ---------------------------------------------------------------- harmony and rhythm

struct ChordStep {
  int offset;  // semitones from the key root
  bool minor;
};
constexpr std::array<std::array<ChordStep, 4>, 4> kProgressions{{
    {{{0, false}, {5, false}, {7, false}, {0, false}}},   // I-IV-V-I
    {{{0, true}, {-4, false}, {3, false}, {-2, false}}},  // i-VI-III-VII
    {{{0, false}, {-3, true}, {5, false}, {7, false}}},   // I-vi-IV-V
    {{{0, true}, {5, true}, {7, false}, {0, true}}},      // i-iv-V-i
}};

struct Clock {
  double beat = 0;    // seconds per beat
  double offset = 0;  // seconds before the first beat
  double sr = 0;
  std::size_t n = 0;  // samples in the clip
  std::size_t at(double seconds) const { return static_cast<std::size_t>(std::max(0L, std::lround(seconds * sr))); }
  // Chord number at a time (one chord every 4 beats).
  int chord_at(double seconds) const { return static_cast<int>(std::floor((seconds - offset) / (4.0 * beat))) & 3; }
};

std::array<double, 4> chord_tones(int root, const ChordStep& step) {  // root, third, fifth, octave (MIDI)
  const int r = root + step.offset;
  return {double(r), double(r + (step.minor ? 3 : 4)), double(r + 7), double(r + 12)};
}

std::vector<double> power_amps(int n, double exponent) {
  std::vector<double> a(static_cast<std::size_t>(n));
  for (int k = 1; k <= n; ++k) a[static_cast<std::size_t>(k - 1)] = std::pow(k, -exponent);
  return a;
}

// Calls f(start_seconds, index) for events every `step` seconds from clock.offset - step
// (so the clip may open mid-pattern) to the clip's end.
template <class F>
void for_each_event(const Clock& clock, double step, F f) {
  const double end = static_cast<double>(clock.n) / clock.sr;
  int index = 0;
  for (double t = clock.offset - step; t < end; t += step, ++index) f(t, index - 1);
}

// Adds a sound rendered by `shape(i)` for `len` samples from time t (negative t: the head of
// the sound lies before the clip and is cut).
template <class Shape>
void add_event(Buffer& out, const Clock& clock, double t, double seconds, Shape shape) {
  const auto len = static_cast<std::ptrdiff_t>(seconds * clock.sr);
  const auto start = static_cast<std::ptrdiff_t>(std::lround(t * clock.sr));
  for (std::ptrdiff_t i = 0; i < len; ++i) {  // shape is called in order from 0 (it may keep state)
    const std::ptrdiff_t j = start + i;
    if (j >= static_cast<std::ptrdiff_t>(out.size())) break;
    const double v = shape(static_cast<std::size_t>(i));
    if (j >= 0) out[static_cast<std::size_t>(j)] += v;
  }
}

// ---------------------------------------------------------------- drums

void kick(Buffer& out, const Clock& clock, double t, double decay_s, double gain) {
  const double sr = clock.sr;
  // Frequency sweeps 150 -> 50 Hz with time constant 40 ms; amplitude decays with decay_s.
  const double sweep_factor = std::exp(-1.0 / (0.04 * sr)), env_factor = std::exp(-1.0 / (decay_s * sr));
  double sweep = 1.0, env = gain;
  add_event(out, clock, t, 4.0 * decay_s, [&](std::size_t i) {
    const double s = static_cast<double>(i) / sr;
    const double phase = kTwoPi * (50.0 * s + 100.0 * 0.04 * (1.0 - sweep));
    const double v = env * std::sin(phase);
    sweep *= sweep_factor;
    env *= env_factor;
    return v;
  });
}

void snare(Buffer& out, const Clock& clock, double t, Random& rnd, double gain) {
  const double sr = clock.sr;
  double prev = 0.0;
  add_event(out, clock, t, 0.35, [&](std::size_t i) {
    const double s = static_cast<double>(i) / sr;
    const double w = rnd.noise();
    const double hp = w - 0.5 * prev;
    prev = w;
    return gain * (0.8 * hp * std::exp(-s / 0.09) + 0.6 * std::sin(kTwoPi * 185.0 * s) * std::exp(-s / 0.06));
  });
}

void hihat(Buffer& out, const Clock& clock, double t, Random& rnd, double decay_s, double gain) {
  double prev = 0.0;
  const double env_factor = std::exp(-1.0 / (decay_s * clock.sr));
  double env = gain;
  add_event(out, clock, t, 5.0 * decay_s, [&](std::size_t) {
    const double w = rnd.noise();
    const double hp = w - prev;  // first difference: a high-pass
    prev = w;
    const double v = env * hp;
    env *= env_factor;
    return v;
  });
}

void clap(Buffer& out, const Clock& clock, double t, Random& rnd, double gain) {
  Resonator band;
  band.tune(1200.0, 800.0, clock.sr);
  const double sr = clock.sr;
  add_event(out, clock, t, 0.3, [&](std::size_t i) {
    const double s = static_cast<double>(i) / sr;
    const double burst = std::exp(-std::fmod(std::min(s, 0.03), 0.01) / 0.004);
    const double env = s < 0.03 ? burst : std::exp(-(s - 0.03) / 0.08);
    return gain * env * band(rnd.noise()) * 3.0;
  });
}

// ---------------------------------------------------------------- genres

void ambient(Buffer& music, const Clock& clock, int root, const std::array<ChordStep, 4>& prog, Random& rnd) {
  const double sr = clock.sr;
  const double attack = rnd.uniform(0.4, 0.8);
  const double detune_cents = rnd.uniform(2.0, 6.0);
  const double trem_hz = rnd.uniform(0.2, 0.5);
  const double trem_depth = rnd.uniform(0.15, 0.3);
  const std::vector<double> amps = power_amps(4, 2.5);
  const double bar = 4.0 * clock.beat;
  for_each_event(clock, bar, [&](double t, int) {
    const auto tones = chord_tones(root, prog[static_cast<std::size_t>(clock.chord_at(t + 0.5 * bar))]);
    const double release = 0.3;
    const auto start = static_cast<std::ptrdiff_t>(std::lround(t * sr));
    const auto len = static_cast<std::ptrdiff_t>((bar + release) * sr);
    const std::ptrdiff_t skip = std::max<std::ptrdiff_t>(0, -start);
    if (skip >= len) return;
    for (double midi : tones) {
      for (double sign : {-1.0, 1.0}) {
        const double f = midi_to_hz(midi + sign * detune_cents / 100.0);
        const double phase0 = rnd.uniform(0.0, kTwoPi);
        add_tone(music, static_cast<std::size_t>(start + skip), static_cast<std::size_t>(len - skip), f, amps, {}, sr,
                 phase0, [&](std::size_t j) {
                   const double s = static_cast<double>(j + static_cast<std::size_t>(skip)) / sr;
                   const double rise = std::min(1.0, s / attack);
                   const double fall = s > bar ? std::max(0.0, 1.0 - (s - bar) / release) : 1.0;
                   return rise * fall;
                 });
      }
    }
  });
  const std::complex<double> step = std::polar(1.0, kTwoPi * trem_hz / sr);
  std::complex<double> z = 1.0;
  for (std::size_t i = 0; i < music.size(); ++i) {
    music[i] *= 1.0 - trem_depth * 0.5 * (1.0 + z.imag());
    z *= step;
  }
}

void folk(Buffer& music, const Clock& clock, int root, const std::array<ChordStep, 4>& prog, Random& rnd) {
  const double sr = clock.sr;
  const double pluck_point = rnd.uniform(0.12, 0.25);
  const double tau = rnd.uniform(0.35, 0.7);
  std::vector<double> amps(10), decay(10);
  for (int k = 1; k <= 10; ++k) {
    amps[static_cast<std::size_t>(k - 1)] = std::pow(k, -1.2) * std::abs(std::sin(std::numbers::pi * k * pluck_point));
    decay[static_cast<std::size_t>(k - 1)] = std::exp(-(1.0 + 0.35 * (k - 1)) / (tau * sr));
  }
  constexpr std::array<int, 8> pattern{0, 2, 1, 3, 0, 2, 1, 2};  // indices into chord tones
  for_each_event(clock, 0.5 * clock.beat, [&](double t, int index) {
    const auto tones = chord_tones(root, prog[static_cast<std::size_t>(clock.chord_at(t + 0.01))]);
    const double midi = tones[static_cast<std::size_t>(pattern[static_cast<std::size_t>(index & 7)])];
    const double velocity = rnd.uniform(0.7, 1.0);
    const auto start = static_cast<std::ptrdiff_t>(std::lround(t * sr));
    if (start < 0) return;  // a pluck cut by the clip start is left out
    add_tone(music, static_cast<std::size_t>(start), static_cast<std::size_t>(1.2 * sr), midi_to_hz(midi), amps, decay,
             sr, 0.0, [&](std::size_t j) { return velocity * std::min(1.0, static_cast<double>(j) / (0.002 * sr)); });
  });
}

void rock(Buffer& music, Buffer& drums, const Clock& clock, int root, const std::array<ChordStep, 4>& prog,
          Random& rnd) {
  const double sr = clock.sr;
  const double drive = rnd.uniform(3.0, 6.0);
  const std::vector<double> amps = power_amps(12, 1.0);
  const double eighth = 0.5 * clock.beat;
  for_each_event(clock, eighth, [&](double t, int) {
    const ChordStep step = prog[static_cast<std::size_t>(clock.chord_at(t + 0.01))];
    const int r = root + step.offset;
    const auto start = static_cast<std::ptrdiff_t>(std::lround(t * sr));
    const auto len = static_cast<std::ptrdiff_t>(eighth * sr);
    const std::ptrdiff_t skip = std::max<std::ptrdiff_t>(0, -start);
    if (skip >= len) return;
    for (int interval : {0, 7, 12}) {
      add_tone(music, static_cast<std::size_t>(start + skip), static_cast<std::size_t>(len - skip),
               midi_to_hz(r + interval), amps, {}, sr, 0.0, [&](std::size_t j) {
                 const double s = static_cast<double>(j + static_cast<std::size_t>(skip)) / sr;
                 return std::min(1.0, s / 0.005) * (0.35 + 0.65 * std::exp(-s / (0.4 * eighth)));
               });
    }
  });
  double peak = 0.0;
  for (double v : music) peak = std::max(peak, std::abs(v));
  if (peak > 0.0) {
    for (double& v : music) v = std::tanh(drive * v / peak) / std::tanh(drive);
  }
  for_each_event(clock, clock.beat, [&](double t, int index) {
    if ((index & 1) == 0) {
      kick(drums, clock, t, 0.15, 1.0);
    } else {
      snare(drums, clock, t, rnd, 0.8);
    }
  });
  for_each_event(clock, eighth, [&](double t, int) { hihat(drums, clock, t, rnd, 0.025, 0.25); });
}

void electronic(Buffer& music, Buffer& drums, const Clock& clock, int root, const std::array<ChordStep, 4>& prog,
                Random& rnd) {
  const double sr = clock.sr;
  const std::vector<double> saw = power_amps(16, 1.0);
  std::vector<double> square(17, 0.0);
  for (int k = 1; k <= 17; k += 2) square[static_cast<std::size_t>(k - 1)] = 1.0 / k;
  const double eighth = 0.5 * clock.beat;
  const double sixteenth = 0.25 * clock.beat;
  // Bass on the off-beat eighths.
  for_each_event(clock, clock.beat, [&](double beat_t, int) {
    const double t = beat_t + eighth;
    const ChordStep step = prog[static_cast<std::size_t>(clock.chord_at(t + 0.01))];
    const auto start = static_cast<std::ptrdiff_t>(std::lround(t * sr));
    if (start < 0) return;
    const double gate = 0.8 * eighth;
    add_tone(music, static_cast<std::size_t>(start), static_cast<std::size_t>(gate * sr),
             midi_to_hz(root + step.offset), saw, {}, sr, 0.0, [&](std::size_t j) {
               const double s = static_cast<double>(j) / sr;
               return std::min({1.0, s / 0.003, (gate - s) / 0.01});
             });
  });
  // Square arpeggio two octaves up on sixteenths.
  constexpr std::array<int, 4> pattern{0, 1, 2, 3};
  for_each_event(clock, sixteenth, [&](double t, int index) {
    const auto tones = chord_tones(root + 24, prog[static_cast<std::size_t>(clock.chord_at(t + 0.01))]);
    const auto start = static_cast<std::ptrdiff_t>(std::lround(t * sr));
    if (start < 0) return;
    const double midi = tones[static_cast<std::size_t>(pattern[static_cast<std::size_t>(index & 3)])];
    add_tone(music, static_cast<std::size_t>(start), static_cast<std::size_t>(sixteenth * sr), midi_to_hz(midi), square,
             {}, sr, 0.0, [&](std::size_t j) {
               const double s = static_cast<double>(j) / sr;
               return 0.5 * std::min(1.0, s / 0.002) * std::exp(-s / (0.5 * sixteenth));
             });
  });
  for_each_event(clock, clock.beat, [&](double t, int index) {
    kick(drums, clock, t, 0.25, 1.2);
    hihat(drums, clock, t + eighth, rnd, 0.1, 0.3);
    if (index & 1) clap(drums, clock, t, rnd, 0.6);
  });
}

// ---------------------------------------------------------------- voice (language)

struct Vowel {
  double f1, f2, f3;
};
constexpr std::array<Vowel, 5> kEnglishVowels{{
    {270, 2290, 3010}, {390, 1990, 2550}, {530, 1840, 2480}, {660, 1720, 2410}, {400, 2100, 2700}}};
constexpr std::array<Vowel, 5> kBengaliVowels{{
    {590, 880, 2540}, {450, 830, 2380}, {320, 870, 2250}, {750, 1220, 2600}, {660, 1000, 2500}}};
constexpr std::array<int, 5> kPentatonic{0, 2, 4, 7, 9};

// Rosenberg glottal pulse over one period, phase in [0, 1).
double glottal_pulse(double phase) {
  constexpr double open = 0.4, close = 0.16;
  if (phase < open) return 0.5 * (1.0 - std::cos(std::numbers::pi * phase / open));
  if (phase < open + close) return std::cos(0.5 * std::numbers::pi * (phase - open) / close);
  return 0.0;
}

void voice(Buffer& out, const Clock& clock, bool bengali, Random& rnd) {
  const double sr = clock.sr;
  const double rate = bengali ? rnd.uniform(5.0, 6.5) : rnd.uniform(2.5, 3.5);
  const double base_f0 = rnd.uniform(110.0, 220.0);
  const auto& vowels = bengali ? kBengaliVowels : kEnglishVowels;
  struct Syllable {
    std::size_t start, voiced, end;
    Vowel vowel;
    double f0;
  };
  std::vector<Syllable> syllables;
  double t = rnd.uniform(0.0, 0.3);
  const double total = static_cast<double>(clock.n) / sr;
  while (t < total) {
    const double dur = rnd.uniform(0.8, 1.2) / rate;
    const double consonant = rnd.uniform(0.15, 0.25) * dur;
    Syllable s{clock.at(t), clock.at(t + consonant), clock.at(t + dur), rnd.pick(vowels),
               base_f0 * std::pow(2.0, rnd.pick(kPentatonic) / 12.0)};
    syllables.push_back(s);
    t += dur;
  }
  std::array<Resonator, 3> formants;
  constexpr std::array<double, 3> bandwidths{60.0, 70.0, 100.0};
  Vowel current = syllables.front().vowel;
  double f0 = syllables.front().f0;
  const double glide = 1.0 - std::exp(-1.0 / (0.025 * sr));
  double phase = 0.0, pulse_prev = 0.0, noise_prev = 0.0;
  const std::complex<double> vibrato_step = std::polar(1.0, kTwoPi * 5.5 / sr);
  std::complex<double> vibrato = 1.0;
  std::size_t si = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    while (si + 1 < syllables.size() && i >= syllables[si].end) ++si;
    const Syllable& s = syllables[si];
    if (i < s.start) continue;
    current.f1 += glide * (s.vowel.f1 - current.f1);
    current.f2 += glide * (s.vowel.f2 - current.f2);
    current.f3 += glide * (s.vowel.f3 - current.f3);
    f0 += glide * (s.f0 - f0);
    if ((i & 31) == 0) {
      formants[0].tune(current.f1, bandwidths[0], sr);
      formants[1].tune(current.f2, bandwidths[1], sr);
      formants[2].tune(current.f3, bandwidths[2], sr);
    }
    phase += f0 * (1.0 + 0.015 * vibrato.imag()) / sr;
    vibrato *= vibrato_step;
    phase -= std::floor(phase);
    const double pulse = glottal_pulse(phase);
    const double source = pulse - pulse_prev;  // lip radiation: a first difference
    pulse_prev = pulse;
    double voiced_env = 0.0, consonant = 0.0;
    if (i >= s.voiced && i < s.end) {
      voiced_env = std::sin(std::numbers::pi * static_cast<double>(i - s.voiced) / static_cast<double>(s.end - s.voiced));
    } else if (i < s.voiced) {
      const double w = rnd.noise();
      consonant = 0.05 * (w - noise_prev) *
                  std::exp(-static_cast<double>(i - s.start) / (0.3 * static_cast<double>(s.voiced - s.start) + 1.0));
      noise_prev = w;
    }
    double y = voiced_env * source;
    for (Resonator& r : formants) y = r(y);
    out[i] += y + consonant;
  }
}

// ---------------------------------------------------------------- lyrics

void append_utf8(std::string& s, char32_t c) {
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
}

constexpr std::array<std::string_view, 30> kEnOnsets{"b",  "c",  "d",  "f",  "g",  "h",  "j",  "k",  "l",  "m",
                                                     "n",  "p",  "r",  "s",  "t",  "v",  "w",  "y",  "z",  "br",
                                                     "ch", "cl", "dr", "fl", "gr", "pl", "sh", "st", "th", "tr"};
constexpr std::array<std::string_view, 10> kEnVowels{"a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou"};
constexpr std::array<std::string_view, 12> kEnCodas{"", "", "", "n", "r", "s", "t", "l", "d", "m", "ng", "st"};

constexpr std::array<char32_t, 29> kBnConsonants{0x0995, 0x0996, 0x0997, 0x0998, 0x099A, 0x099B, 0x099C, 0x099D,
                                                 0x099F, 0x09A0, 0x09A1, 0x09A2, 0x09A4, 0x09A5, 0x09A6, 0x09A7,
                                                 0x09A8, 0x09AA, 0x09AB, 0x09AC, 0x09AD, 0x09AE, 0x09AF, 0x09B0,
                                                 0x09B2, 0x09B6, 0x09B7, 0x09B8, 0x09B9};
constexpr std::array<char32_t, 12> kBnVowelSigns{0, 0, 0x09BE, 0x09BF, 0x09C0, 0x09C1,  // 0: inherent vowel
                                                 0x09C2, 0x09C7, 0x09C8, 0x09CB, 0x09CC, 0x09BE};
constexpr std::array<char32_t, 7> kBnIndependentVowels{0x0985, 0x0986, 0x0987, 0x0988, 0x0989, 0x098F, 0x0993};
constexpr char32_t kBnAnusvara = 0x0982;

std::string english_word(Random& rnd) {
  const int syllables = rnd.chance(0.45) ? 1 : (rnd.chance(0.73) ? 2 : 3);
  std::string w;
  for (int s = 0; s < syllables; ++s) {
    if (s > 0 || rnd.chance(0.8)) w += rnd.pick(kEnOnsets);
    w += rnd.pick(kEnVowels);
    if (s + 1 == syllables) w += rnd.pick(kEnCodas);
  }
  return w;
}

std::string bengali_word(Random& rnd) {
  const int syllables = rnd.chance(0.45) ? 1 : (rnd.chance(0.73) ? 2 : 3);
  std::string w;
  if (rnd.chance(0.2)) append_utf8(w, rnd.pick(kBnIndependentVowels));
  for (int s = 0; s < syllables; ++s) {
    append_utf8(w, rnd.pick(kBnConsonants));
    const char32_t sign = rnd.pick(kBnVowelSigns);
    if (sign != 0) append_utf8(w, sign);
  }
  if (rnd.chance(0.1)) append_utf8(w, kBnAnusvara);
  return w;
}

std::string lyrics(bool bengali, Random& rnd) {
  const int words = rnd.integer(8, 30);
  std::string text;
  int in_line = 0, line_length = rnd.integer(4, 7);
  for (int i = 0; i < words; ++i) {
    std::string w = bengali ? bengali_word(rnd) : english_word(rnd);
    if (in_line == 0 && !bengali) w[0] = static_cast<char>(w[0] - 'a' + 'A');
    text += w;
    ++in_line;
    if (i + 1 == words) break;
    if (in_line == line_length) {
      if (rnd.chance(0.25)) text += ',';
      text += '\n';
      in_line = 0;
      line_length = rnd.integer(4, 7);
    } else {
      text += ' ';
    }
  }
  return text;
}

// ---------------------------------------------------------------- files

std::string clip_id(int index, int clips) {
  int width = 4;
  for (int n = clips - 1; n >= 10000; n /= 10) ++width;
  std::string digits = std::to_string(index);
  return "clip_" + std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(digits.size()))), '0') +
         digits;
}

[[noreturn]] void bad_param(const char* field, const std::string& value, const char* expected) {
  throw UserError(std::string("synthetic corpus parameter '") + field + "' = " + value + ": expected " + expected);
}

}  // namespace

void validate(const SyntheticCorpusParams& p) {
  if (p.clips < 1) bad_param("clips", std::to_string(p.clips), ">= 1");
  if (!(p.seconds >= 0.5 && p.seconds <= 600.0)) {
    std::ostringstream os;
    os << p.seconds;
    bad_param("seconds", os.str(), "0.5 to 600");
  }
  if (p.sample_rate < 8000 || p.sample_rate > 192000) bad_param("sample_rate", std::to_string(p.sample_rate), "8000 to 192000");
}

SyntheticClip synthesize_clip(int index, const SyntheticCorpusParams& params) {
  validate(params);
  if (index < 0 || index >= params.clips) {
    throw std::out_of_range("synthesize_clip: index " + std::to_string(index) + " outside [0, " +
                            std::to_string(params.clips) + ")");
  }
  const int genre = index % 4;
  const bool bengali = (index / 4) % 2 == 1;
  Random rnd(derive_seed(params.seed, {static_cast<std::uint64_t>(index)}));

  SyntheticClip clip;
  clip.id = clip_id(index, params.clips);
  clip.genre = std::string(kSyntheticGenres[static_cast<std::size_t>(genre)]);
  clip.language = std::string(kSyntheticLanguages[bengali ? 1 : 0]);
  clip.lyrics = lyrics(bengali, rnd);

  static constexpr std::array<std::array<double, 2>, 4> kTempo{{{60, 76}, {84, 108}, {110, 140}, {120, 132}}};
  static constexpr std::array<std::array<int, 2>, 4> kRoot{{{45, 57}, {50, 60}, {40, 50}, {33, 43}}};
  Clock clock;
  clock.sr = params.sample_rate;
  clock.n = static_cast<std::size_t>(std::lround(params.seconds * params.sample_rate));
  clock.beat = 60.0 / rnd.uniform(kTempo[static_cast<std::size_t>(genre)][0], kTempo[static_cast<std::size_t>(genre)][1]);
  clock.offset = rnd.uniform(0.0, clock.beat);
  const int root = rnd.integer(kRoot[static_cast<std::size_t>(genre)][0], kRoot[static_cast<std::size_t>(genre)][1]);
  const auto& progression = rnd.pick(kProgressions);

  Buffer music(clock.n, 0.0), drums(clock.n, 0.0), vocal(clock.n, 0.0);
  double drums_db = 0.0;
  switch (genre) {
    case 0: ambient(music, clock, root, progression, rnd); break;
    case 1: folk(music, clock, root, progression, rnd); break;
    case 2:
      rock(music, drums, clock, root, progression, rnd);
      drums_db = rnd.uniform(-3.0, 0.0);
      break;
    default:
      electronic(music, drums, clock, root, progression, rnd);
      drums_db = rnd.uniform(-1.0, 2.0);
      break;
  }
  voice(vocal, clock, bengali, rnd);
  const double vocal_db = rnd.uniform(-2.0, 2.0);
  const double noise_db = rnd.uniform(-42.0, -30.0);

  // The bed (music + drums) is scaled to unit RMS; voice and noise are set relative to it.
  scale_to_unit_rms(music);
  scale_to_unit_rms(drums);
  const double g_drums = genre >= 2 ? db_to_gain(drums_db) : 0.0;
  for (std::size_t i = 0; i < clock.n; ++i) music[i] += g_drums * drums[i];
  scale_to_unit_rms(music);
  scale_to_unit_rms(vocal);
  const double g_vocal = db_to_gain(vocal_db);
  const double g_noise = db_to_gain(noise_db) * std::sqrt(3.0);  // uniform noise has RMS 1/sqrt(3)
  Buffer mix(clock.n);
  double peak = 0.0;
  for (std::size_t i = 0; i < clock.n; ++i) {
    mix[i] = music[i] + g_vocal * vocal[i] + g_noise * rnd.noise();
    peak = std::max(peak, std::abs(mix[i]));
  }
  clip.samples.resize(clock.n);
  const double scale = peak > 0.0 ? 0.8 / peak : 0.0;
  for (std::size_t i = 0; i < clock.n; ++i) clip.samples[i] = static_cast<float>(mix[i] * scale);
  return clip;
}

int write_synthetic_corpus(const fs::path& dir, const SyntheticCorpusParams& params) {
  validate(params);
  const fs::path clips_dir = dir / "clips";
  std::error_code ec;
  fs::create_directories(clips_dir, ec);
  if (ec) throw UserError("cannot create folder '" + clips_dir.string() + "': " + ec.message());
  const fs::path final_path = dir / "manifest.csv";
  const fs::path temp_path = dir / "manifest.csv.tmp";
  // An older manifest would describe clips that are about to be overwritten.
  fs::remove(final_path, ec);
  if (ec) throw UserError("cannot remove the old manifest '" + final_path.string() + "': " + ec.message());

  std::string manifest = "path,language,genre,lyrics\n";
  for (int i = 0; i < params.clips; ++i) {
    const SyntheticClip clip = synthesize_clip(i, params);
    const std::string relative = "clips/" + clip.id + ".wav";
    write_wav(dir / relative, clip.samples, params.sample_rate);
    manifest += csv_field(relative) + ',' + csv_field(clip.language) + ',' + csv_field(clip.genre) + ',' +
                csv_field(clip.lyrics) + '\n';
  }
  {
    std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
    out << manifest;
    out.close();
    if (!out) throw UserError("cannot write manifest '" + temp_path.string() + "'");
  }
  fs::rename(temp_path, final_path, ec);
  if (ec) throw UserError("cannot rename '" + temp_path.string() + "' to '" + final_path.string() + "': " + ec.message());
  return params.clips;
}

}  // namespace vaesweep::audio
