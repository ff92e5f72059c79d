#include "models/training_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <stdexcept>
#include <utility>

#include "util/error.hpp"
#include "util/rng.hpp"

namespace vaesweep::models {

void check_training_input(const Eigen::MatrixXd& X, const VaeParams& p) {
  VAESWEEP_ASSERT(!p.hidden.empty() && p.latent_dim > 0 && p.epochs > 0 && p.batch_size > 0, "VaeParams");
  VAESWEEP_ASSERT(std::all_of(p.hidden.begin(), p.hidden.end(), [](int h) { return h > 0; }), "VaeParams.hidden");
  VAESWEEP_ASSERT(X.rows() > 0 && X.cols() > 0, "empty training data");
  if (p.condition.cols() > 0 && p.condition.rows() != X.rows())
    throw std::invalid_argument("condition has " + std::to_string(p.condition.rows()) + " rows, X has " +
                                std::to_string(X.rows()));
}

std::string architecture_name(Architecture a) {
  switch (a) {
    case Architecture::mlp: return "mlp";
    case Architecture::conv1d: return "conv1d";
    case Architecture::conv2d: return "conv2d";
  }
  return "?";
}

int active_units(const Eigen::MatrixXd& latent_mean) {
  const Eigen::RowVectorXd variance =
      (latent_mean.rowwise() - latent_mean.colwise().mean()).array().square().colwise().mean();
  return static_cast<int>((variance.array() > kActiveUnitThreshold).count());
}

bool record_epoch_loss(TrainResult& r, int epoch, double mean_loss) {
  r.loss_history.push_back(mean_loss);
  r.epochs_run = epoch + 1;
  if (std::isfinite(mean_loss)) return true;
  r.diverged = true;
  r.message = "training loss became " + std::to_string(mean_loss) + " in epoch " + std::to_string(epoch + 1);
  return false;
}

void mark_abandoned(std::vector<TrainResult>& results, int epoch, int epochs) {
  for (auto& r : results) {
    r.abandoned = true;
    r.message = "abandoned after epoch " + std::to_string(epoch + 1) + " of " + std::to_string(epochs);
  }
}

}  // namespace vaesweep::models

namespace vaesweep::models::schedule {

std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, int epoch) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  Rng rng(derive_seed(seed, {0x5eed0f0d, static_cast<std::uint64_t>(epoch)}));
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(i + 1));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  return order;
}

double kl_weight(const VaeParams& p, int epoch) {
  if (p.kl_schedule != KlSchedule::linear || p.warmup_epochs <= 0) return p.beta;
  return p.beta * std::min(1.0, static_cast<double>(epoch + 1) / p.warmup_epochs);
}

std::vector<std::int64_t> example_rows(std::int64_t n, std::int64_t m) {
  std::vector<std::int64_t> rows;
  if (m <= 0) return rows;
  if (m >= n) m = n;
  if (m == 1) return {0};
  for (std::int64_t i = 0; i < m; ++i) rows.push_back((i * (n - 1) + (m - 1) / 2) / (m - 1));
  return rows;
}

}  // namespace vaesweep::models::schedule
