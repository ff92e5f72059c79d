#include "audio/chroma.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "audio/librosa_numerics.hpp"
#include "util/error.hpp"

namespace vaesweep::audio {
namespace {



void check_rows(const Eigen::MatrixXd& S, int n_fft, const char* what) {
  if (S.rows() != n_fft / 2 + 1) {
    throw UserError(std::string(what) + ": spectrogram of " + std::to_string(S.rows()) + " rows, expected 1 + n_fft/2 = " +
                    std::to_string(n_fft / 2 + 1));
  }
}

// A frame of a spectrogram must be finite and >= 0 (NaN and Inf are errors at the edge).
void check_frame(const Eigen::MatrixXd& S, Eigen::Index t) {
  if (!((S.col(t).array() >= 0.0) && (S.col(t).array() <= std::numeric_limits<double>::max())).all()) {
    throw UserError("chroma: frame " + std::to_string(t) + " is not a spectrogram (finite values >= 0 expected)");
  }
}

// numpy.remainder / Python's %: the result has the divisor's sign.
double floor_mod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0.0 && ((m < 0.0) != (b < 0.0))) m += b;
  return m;
}

struct Peak {
  double frequency, magnitude;
};

// Calls sink(k, t, Peak) for every piptrack peak (see chroma.hpp), frame by frame, bins
// ascending (the callers do not depend on the order).
template <class Sink>
void for_each_peak(const Eigen::MatrixXd& S, const PiptrackParams& p, Sink&& sink) {
  const Eigen::Index n_bins = S.rows();
  const double bin_hz = static_cast<double>(p.sample_rate) / p.n_fft;
  const double fmin = std::max(p.fmin, 0.0);
  const double fmax = std::min(p.fmax, p.sample_rate / 2.0);
  // The bins with fmin <= k * bin_hz < fmax (librosa's freq_mask on fft_frequencies).
  Eigen::Index lo = 0, hi = n_bins;
  while (lo < n_bins && static_cast<double>(lo) * bin_hz < fmin) ++lo;
  while (hi > lo && !(static_cast<double>(hi - 1) * bin_hz < fmax)) --hi;
  for (Eigen::Index t = 0; t < S.cols(); ++t) {
    check_frame(S, t);  // here, while the frame is in cache, rather than in a pass of its own
    const double* s = S.col(t).data();
    const double ref = p.threshold * S.col(t).maxCoeff();
    // librosa.util.localmax of x = S * (S > ref) along frequency with edge padding:
    // x[k] > x[k-1] and x[k] >= x[k+1]; the ends compare with themselves.
    auto x = [&](Eigen::Index k) { return s[k] > ref ? s[k] : 0.0; };
    for (Eigen::Index k = lo; k < hi; ++k) {
      const double xk = x(k);
      const double below = k > 0 ? x(k - 1) : xk;
      const double above = k + 1 < n_bins ? x(k + 1) : xk;
      if (!(xk > below && xk >= above)) continue;
      // Parabolic interpolation through bins k - 1, k, k + 1; zero at the two end bins (librosa
      // pads avg and shift with zeros there). A curvature below tiny is nudged by 1 to avoid
      // dividing by zero, as librosa does.
      double shift = 0.0, avg = 0.0;
      if (k > 0 && k + 1 < n_bins) {
        avg = 0.5 * (s[k + 1] - s[k - 1]);
        const double curvature = 2.0 * s[k] - s[k + 1] - s[k - 1];
        shift = avg / (curvature + (std::abs(curvature) < kFloat32Tiny ? 1.0 : 0.0));
      }
      sink(k, t, Peak{(static_cast<double>(k) + shift) * bin_hz, s[k] + 0.5 * avg * shift});
    }
  }
}

}  // namespace

void validate(const PiptrackParams& p) {
  if (p.sample_rate <= 0) bad_param("piptrack", "sample_rate", std::to_string(p.sample_rate), "> 0");
  if (p.n_fft < 2) bad_param("piptrack", "n_fft", std::to_string(p.n_fft), ">= 2");
  if (!(p.fmin >= 0.0) || !std::isfinite(p.fmin)) bad_param("piptrack", "fmin", param_text(p.fmin), "a finite value >= 0");
  if (!(p.fmax > p.fmin)) bad_param("piptrack", "fmax", param_text(p.fmax), "> fmin = " + param_text(p.fmin));
  if (!(p.threshold >= 0.0 && p.threshold <= 1.0)) bad_param("piptrack", "threshold", param_text(p.threshold), "a value in [0, 1]");
}

void validate(const TuningParams& p) {
  validate(p.piptrack);
  if (!(p.resolution > 0.0 && p.resolution < 1.0)) bad_param("tuning", "resolution", param_text(p.resolution), "a value in (0, 1)");
  if (p.bins_per_octave < 1) bad_param("tuning", "bins_per_octave", std::to_string(p.bins_per_octave), ">= 1");
}

void validate(const ChromaParams& p) {
  if (p.sample_rate <= 0) bad_param("chroma", "sample_rate", std::to_string(p.sample_rate), "> 0");
  if (p.n_fft < 2) bad_param("chroma", "n_fft", std::to_string(p.n_fft), ">= 2");
  if (p.n_chroma < 1) bad_param("chroma", "n_chroma", std::to_string(p.n_chroma), ">= 1");
  if (!std::isfinite(p.ctroct)) bad_param("chroma", "ctroct", param_text(p.ctroct), "a finite value");
  if (!(p.octwidth >= 0.0) || !std::isfinite(p.octwidth)) bad_param("chroma", "octwidth", param_text(p.octwidth), "a finite value >= 0 (0: no weighting)");
  if (p.tuning && !std::isfinite(*p.tuning)) bad_param("chroma", "tuning", param_text(*p.tuning), "a finite value (or none: estimate)");
}

Pitches piptrack(const Eigen::MatrixXd& S, const PiptrackParams& p) {
  validate(p);
  check_rows(S, p.n_fft, "piptrack");
  Pitches out{Eigen::MatrixXd::Zero(S.rows(), S.cols()), Eigen::MatrixXd::Zero(S.rows(), S.cols())};
  for_each_peak(S, p, [&](Eigen::Index k, Eigen::Index t, const Peak& peak) {
    out.frequency(k, t) = peak.frequency;
    out.magnitude(k, t) = peak.magnitude;
  });
  return out;
}

double pitch_tuning(const std::vector<double>& frequencies, double resolution, int bins_per_octave) {
  if (!(resolution > 0.0 && resolution < 1.0)) bad_param("tuning", "resolution", param_text(resolution), "a value in (0, 1)");
  if (bins_per_octave < 1) bad_param("tuning", "bins_per_octave", std::to_string(bins_per_octave), ">= 1");
  const int n_bins = static_cast<int>(std::ceil(1.0 / resolution));
  // numpy.linspace(-0.5, 0.5, n_bins + 1): start + i * step, the last edge exactly 0.5.
  const double step = 1.0 / n_bins;
  std::vector<double> edges(static_cast<std::size_t>(n_bins) + 1);
  for (int i = 0; i < n_bins; ++i) edges[static_cast<std::size_t>(i)] = i * step - 0.5;
  edges.back() = 0.5;
  std::vector<long> counts(static_cast<std::size_t>(n_bins), 0);
  bool any = false;
  for (double f : frequencies) {
    if (!(f > 0.0)) continue;  // librosa trims DC (and numpy drops NaN from the histogram)
    double residual = floor_mod(bins_per_octave * std::log2(f / (440.0 / 16.0)), 1.0);
    if (residual >= 0.5) residual -= 1.0;  // 0.95 is more likely -0.05 from the next tone up
    if (!(residual >= -0.5 && residual <= 0.5)) continue;
    // numpy.histogram: bin i holds edges[i] <= r < edges[i + 1], the last bin also r = 0.5.
    auto it = std::upper_bound(edges.begin(), edges.end(), residual);
    const auto bin = std::min<std::ptrdiff_t>(it - edges.begin() - 1, n_bins - 1);
    ++counts[static_cast<std::size_t>(bin)];
    any = true;
  }
  if (!any) return 0.0;  // librosa warns and returns 0
  const auto best = std::max_element(counts.begin(), counts.end()) - counts.begin();
  return edges[static_cast<std::size_t>(best)];
}

namespace {

// estimate_tuning without validating p or the shape of S again (chroma_stft has done it).
double estimate_tuning_of_checked(const Eigen::MatrixXd& S, const TuningParams& p) {
  std::vector<Peak> peaks;
  for_each_peak(S, p.piptrack, [&](Eigen::Index, Eigen::Index, const Peak& peak) {
    if (peak.frequency > 0.0) peaks.push_back(peak);
  });
  if (peaks.empty()) return 0.0;
  // numpy.median of the peak magnitudes: the middle value, or the mean of the two middle ones.
  std::vector<double> mags(peaks.size());
  std::transform(peaks.begin(), peaks.end(), mags.begin(), [](const Peak& peak) { return peak.magnitude; });
  const std::size_t half = mags.size() / 2;
  std::nth_element(mags.begin(), mags.begin() + static_cast<std::ptrdiff_t>(half), mags.end());
  double median = mags[half];
  if (mags.size() % 2 == 0) median = 0.5 * (median + *std::max_element(mags.begin(), mags.begin() + static_cast<std::ptrdiff_t>(half)));
  std::vector<double> strong;
  for (const Peak& peak : peaks) {
    if (peak.magnitude >= median) strong.push_back(peak.frequency);
  }
  return pitch_tuning(strong, p.resolution, p.bins_per_octave);
}

}  // namespace

double estimate_tuning(const Eigen::MatrixXd& S, const TuningParams& p) {
  validate(p);
  check_rows(S, p.piptrack.n_fft, "estimate_tuning");
  return estimate_tuning_of_checked(S, p);
}

Eigen::MatrixXd chroma_filterbank(const ChromaParams& p, double tuning) {
  validate(p);
  if (!std::isfinite(tuning)) bad_param("chroma", "tuning", param_text(tuning), "a finite value");
  const int n_chroma = p.n_chroma;
  const int n_cols = p.n_fft / 2 + 1;
  // Chroma-bin position of every FFT bin k >= 1 (librosa.hz_to_octs with the tuned A440),
  // and for k = 0 one made up 1.5 octaves below bin 1; only bins 0..n_fft/2 + 1 are needed.
  const double a440 = 440.0 * std::pow(2.0, tuning / n_chroma);
  std::vector<double> frqbins(static_cast<std::size_t>(n_cols) + 1);
  for (int k = 1; k <= n_cols && k < p.n_fft; ++k) {
    frqbins[static_cast<std::size_t>(k)] = n_chroma * std::log2((static_cast<double>(k) * p.sample_rate / p.n_fft) / (a440 / 16.0));
  }
  frqbins[0] = frqbins[1] - 1.5 * n_chroma;
  const double half = std::nearbyint(n_chroma / 2.0);  // numpy.round: ties to even
  Eigen::MatrixXd wts(n_chroma, n_cols);
  for (int k = 0; k < n_cols; ++k) {
    const auto ks = static_cast<std::size_t>(k);
    // Spacing to the next FFT bin in chroma bins, at least 1; the very last FFT bin (k =
    // n_fft - 1, only reached when n_fft = 2) gets 1.
    const double width = k + 1 < p.n_fft ? std::max(frqbins[ks + 1] - frqbins[ks], 1.0) : 1.0;
    for (int c = 0; c < n_chroma; ++c) {
      // Distance from chroma c, wrapped into [-n_chroma/2, n_chroma/2) (the 10 n_chroma offset
      // is librosa's, kept for identical rounding).
      const double d = floor_mod(frqbins[ks] - c + half + 10.0 * n_chroma, n_chroma) - half;
      const double z = 2.0 * d / width;  // Gaussian bumps, 2x narrower than the bin spacing
      wts(c, k) = std::exp(-0.5 * z * z);
    }
    // librosa.util.normalize(norm=2); librosa builds this bank in float64, hence double's tiny.
    const double norm = wts.col(k).norm();
    if (norm >= std::numeric_limits<double>::min()) wts.col(k) /= norm;
    if (p.octwidth > 0.0) {
      const double z = (frqbins[ks] / n_chroma - p.ctroct) / p.octwidth;
      wts.col(k) *= std::exp(-0.5 * z * z);
    }
  }
  if (!p.base_c) return wts;
  // numpy.roll(wts, -3 * (n_chroma // 12), axis=0): row r takes row r + shift (older librosa
  // rolled by -3 whatever n_chroma: the same for the default 12).
  const int shift = 3 * (n_chroma / 12);
  Eigen::MatrixXd rolled(n_chroma, n_cols);
  for (int r = 0; r < n_chroma; ++r) rolled.row(r) = wts.row((r + shift) % n_chroma);
  return rolled;
}

Eigen::MatrixXd chroma_stft(const Eigen::MatrixXd& power, const ChromaParams& p) {
  validate(p);
  check_rows(power, p.n_fft, "chroma_stft");
  double tuning = 0.0;
  if (p.tuning) {
    tuning = *p.tuning;
    for (Eigen::Index t = 0; t < power.cols(); ++t) check_frame(power, t);
  } else {  // the tuning estimate checks every frame
    TuningParams tp;
    tp.piptrack.sample_rate = p.sample_rate;
    tp.piptrack.n_fft = p.n_fft;
    tp.bins_per_octave = p.n_chroma;
    validate(tp);
    tuning = estimate_tuning_of_checked(power, tp);
  }
  Eigen::MatrixXd chroma = chroma_filterbank(p, tuning) * power;
  for (Eigen::Index t = 0; t < chroma.cols(); ++t) {
    const double peak = chroma.col(t).cwiseAbs().maxCoeff();
    if (peak >= kFloat32Tiny) chroma.col(t) /= peak;
  }
  return chroma;
}

}  // namespace vaesweep::audio
