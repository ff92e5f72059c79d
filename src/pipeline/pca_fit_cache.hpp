#pragma once
// PCA units that differ only in seed or in clustering settings fit the same projection: PCA
// draws nothing from the unit's seed (the randomized solver's seed is fixed). A rank keeps the
// last few fits and hands them to later units instead of fitting again.
#include <cstddef>
#include <memory>

#include <Eigen/Dense>

#include "cluster/pca.hpp"

namespace vaesweep::pipeline {

struct PcaFit {
  Eigen::MatrixXd transformed;  // the unit's latent space: n x latent_dim
  double fit_seconds = 0;       // what the fit itself took
};

struct CachedPca {
  std::shared_ptr<const PcaFit> fit;
  bool reused = false;  // taken from an earlier fit of the same input, latent_dim and solver
};

// cluster::pca(X, latent_dim, solver).transformed, fitted or found again. The input is known by
// its content (a 64-bit fingerprint of its shape and every value), not by where it came from.
// Holds the last kPcaFitsKept fits, together at most kPcaFitBytes of latent values (a fit
// larger than that is not kept); thread-safe. Throws what cluster::pca throws.
inline constexpr std::size_t kPcaFitsKept = 8;
inline constexpr std::size_t kPcaFitBytes = std::size_t{256} << 20;
CachedPca fit_pca_once(const Eigen::MatrixXd& X, int latent_dim, cluster::PcaSolver solver);

}  // namespace vaesweep::pipeline
