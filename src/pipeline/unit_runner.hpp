#pragma once
// One work unit, start to finish: train (or fit the baseline) once, then cluster its latent
// space for every (method, k) and score each partition in that same space.
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "study/grid.hpp"
#include "data/feature_table.hpp"
#include "results/records.hpp"

namespace vaesweep::pipeline {

struct RunContext {
  int rank = 0;
  std::string host;
  std::string device = "cpu";
  // Asked between training epochs and between evaluations: true when the unit should be given
  // up (a stop signal's grace period is over). The unit's status is then "abandoned" and the
  // sweep does not record it, so that a resume runs it again. Empty: never.
  std::function<bool()> abandon;
  // Where model.checkpoints saves models (<results>.checkpoints); the unit's `checkpoint` names
  // its file relative to `results_folder`. Empty: checkpoints are not saved.
  std::filesystem::path checkpoint_dir;
  std::filesystem::path results_folder;
  // Group hashes (a configuration across seeds) whose pca units in the results file were fitted
  // with the full solver, including every pca unit written before model.pca_solver existed:
  // "auto" keeps the full solver there, so the seeds of one configuration never mix solvers.
  std::set<std::string> full_pca_groups;
};

struct UnitOutcome {
  results::UnitRecord unit;
  std::vector<results::EvaluationRecord> evaluations;
};

// Never throws for a problem of the unit itself: an exception, a diverged training or a bad
// clustering is recorded in the outcome's status and message.
UnitOutcome run_unit(const WorkUnit& unit, const data::FeatureTable& features, const RunContext& context);

// Units with the same non-empty key can train their models in one batch of the batched engine
// (model.engine = "batched": vae, ae, cvae): same feature table and fusion, model kind, condition,
// layer sizes, epochs and batch size; they may differ in seed, beta, KL schedule and learning
// rate. Empty: the unit trains alone.
std::string training_batch_key(const WorkUnit& unit);

// Units of one training batch key: their models train together, then each unit is clustered and
// scored as run_unit does. Outcomes in the order of `units`, each the same as run_unit's for that
// unit (the batched engine trains a member bit-identically alone or in a batch), except that
// train_seconds is the batch's time divided by its size and trained_with is the number of models
// that trained at once (the batch, or the part of a stack that fits VAESWEEP_DEVICE_MEMORY_GB).
// A batch that cannot train together (an exception) falls back to one unit at a time.
std::vector<UnitOutcome> run_units_together(const std::vector<WorkUnit>& units, const data::FeatureTable& features,
                                            const RunContext& context);

// What the log says once per run when cvae units are conditioned on a label set that is also
// scored: that those scores are withheld, or (evaluation.allow_conditioned_scoring) computed and
// flagged. Empty when no unit is conditioned.
std::string conditioning_notice(const Study& study);

// The seed of the k-means restarts for (unit seed, method, k): independent of everything else.
std::uint64_t clustering_seed(std::uint64_t unit_seed, const std::string& method, int k);

}  // namespace vaesweep::pipeline
