#pragma once
// What every training engine of the model family must agree on, torch-free: the checks of
// their input, the data order of an epoch, the KL weight of an epoch, the rows kept as
// reconstruction examples and the count of active units. The torch engine (train.cpp) and the
// batched engine both use these.
#include <cstdint>
#include <string>
#include <vector>

#include "models/vae.hpp"

namespace vaesweep::models {

// The checks every engine makes of its parameters and data: VAESWEEP_ASSERT for impossible
// sizes (the study schema rules them out), std::invalid_argument for a condition whose number
// of rows is not X's.
void check_training_input(const Eigen::MatrixXd& X, const VaeParams& p);

// "mlp", "conv1d", "conv2d": the names in checkpoints and errors.
std::string architecture_name(Architecture a);

// Latent dimensions whose posterior mean varies across the rows (variance > kActiveUnitThreshold).
int active_units(const Eigen::MatrixXd& latent_mean);

// Appends epoch `epoch`'s (0-based) mean training loss to r's history; a non-finite loss marks r
// diverged, with the message every engine writes, and returns false.
bool record_epoch_loss(TrainResult& r, int epoch, double mean_loss);
// Marks every result abandoned after epoch `epoch` (0-based) of `epochs`.
void mark_abandoned(std::vector<TrainResult>& results, int epoch, int epochs);

}  // namespace vaesweep::models

namespace vaesweep::models::schedule {

// The order in which epoch `epoch` (0-based) visits the n rows: Fisher-Yates with
// Rng(derive_seed(seed, {0x5eed0f0d, epoch})), so it depends only on the seed and the epoch.
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, int epoch);

// The KL weight of epoch `epoch` (0-based): beta, or with the linear schedule
// beta * min(1, (epoch + 1) / warmup_epochs) (warmup_epochs <= 0: beta throughout).
double kl_weight(const VaeParams& p, int epoch);

// m rows evenly spaced over 0..n-1, first and last included (rounded to the nearest row);
// every row when m >= n; none when m <= 0.
std::vector<std::int64_t> example_rows(std::int64_t n, std::int64_t m);

}  // namespace vaesweep::models::schedule
