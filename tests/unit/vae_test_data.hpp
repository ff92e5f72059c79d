#pragma once
// Small data sets with planted structure for the model tests: two classes (row i is class
// i % 2) that differ far more than their noise, as feature vectors, (channels x frames) rows
// and (bands x frames) images, plus the class as a one-hot condition.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "util/rng.hpp"
#include "models/vae.hpp"

namespace vaesweep::test {

inline int planted_class(int row) { return row % 2; }

// Two Gaussian blobs at -1.5 and +1.5 in every one of `d` dimensions, noise sd 0.3.
inline Eigen::MatrixXd blobs(int n, std::uint64_t seed, int d = 6) {
  Rng rng(seed);
  std::normal_distribution<double> noise(0.0, 0.3);
  Eigen::MatrixXd X(n, d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) X(i, j) = (planted_class(i) ? 1.5 : -1.5) + noise(rng);
  return X;
}

// Rows laid out as (channels, frames) in C order: class 0 is one slow sine period over the
// frames, class 1 three periods, each channel phase-shifted; noise sd 0.3.
inline Eigen::MatrixXd sine_frames(int n, int channels, int frames, std::uint64_t seed) {
  Rng rng(seed);
  std::normal_distribution<double> noise(0.0, 0.3);
  const double pi = std::acos(-1.0);
  Eigen::MatrixXd X(n, channels * frames);
  for (int i = 0; i < n; ++i) {
    const double periods = planted_class(i) ? 3.0 : 1.0;
    for (int c = 0; c < channels; ++c)
      for (int t = 0; t < frames; ++t)
        X(i, c * frames + t) = 1.5 * std::sin(2 * pi * periods * t / frames + 0.7 * c) + noise(rng);
  }
  return X;
}

// (bands, frames) images in C order: class 0 has horizontal stripes (sign alternates with the
// band), class 1 vertical ones (sign alternates with the frame); noise sd 0.3.
inline Eigen::MatrixXd stripe_images(int n, int bands, int frames, std::uint64_t seed) {
  Rng rng(seed);
  std::normal_distribution<double> noise(0.0, 0.3);
  Eigen::MatrixXd X(n, bands * frames);
  for (int i = 0; i < n; ++i)
    for (int b = 0; b < bands; ++b)
      for (int t = 0; t < frames; ++t) {
        const int along = planted_class(i) ? t : b;
        X(i, b * frames + t) = (along % 2 ? 1.5 : -1.5) + noise(rng);
      }
  return X;
}

// The planted class of each row as a one-hot n x 2 condition.
inline Eigen::MatrixXd class_one_hot(int n) {
  Eigen::MatrixXd C = Eigen::MatrixXd::Zero(n, 2);
  for (int i = 0; i < n; ++i) C(i, planted_class(i)) = 1.0;
  return C;
}

// How far apart the two planted classes sit in Z: squared distance between the class means
// over the summed within-class variance (a Fisher ratio; 0 when Z holds no class information).
inline double class_separation(const Eigen::MatrixXd& Z) {
  Eigen::RowVectorXd mean[2] = {Eigen::RowVectorXd::Zero(Z.cols()), Eigen::RowVectorXd::Zero(Z.cols())};
  int count[2] = {0, 0};
  for (int i = 0; i < Z.rows(); ++i) {
    mean[planted_class(i)] += Z.row(i);
    ++count[planted_class(i)];
  }
  for (int k = 0; k < 2; ++k) mean[k] /= count[k];
  double within = 0;
  for (int i = 0; i < Z.rows(); ++i) within += (Z.row(i) - mean[planted_class(i)]).squaredNorm();
  within /= static_cast<double>(Z.rows());
  return (mean[0] - mean[1]).squaredNorm() / std::max(within, 1e-12);
}

// Small, fast settings shared by the model tests.
inline models::VaeParams small_params(std::uint64_t seed) {
  models::VaeParams p;
  p.hidden = {16, 8};
  p.latent_dim = 3;
  p.epochs = 30;
  p.batch_size = 16;
  p.learning_rate = 5e-3;
  p.seed = seed;
  return p;
}

}  // namespace vaesweep::test
