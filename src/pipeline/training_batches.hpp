#pragma once
// Which units train their models together. The batched engine trains several MLP models of one
// architecture at once (seeds, betas, KL schedules, learning rates), each bit-identical to
// training it alone, so batching changes the speed of a sweep and never its numbers. The plan
// puts the units of a batch next to each other and the scheduler hands a batch to one rank.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "study/grid.hpp"
#include "study/study.hpp"

namespace vaesweep::pipeline {

// Past 8 models a batch gains nothing more on a CPU (PERFORMANCE.md).
inline constexpr std::size_t kMaxModelsPerBatch = 8;
// A GPU keeps gaining up to thousands of small models per stack (bench/gpu); a rank still
// trains only what fits its device's memory at once (run_units_together splits a stack).
inline constexpr std::size_t kMaxModelsPerStackOnGpu = 1024;
// The largest --models-per-batch accepted.
inline constexpr std::size_t kModelsPerBatchLimit = 65536;

struct BatchedOrder {
  std::vector<std::size_t> order;             // the same units, a batch's units adjacent
  std::vector<std::uint8_t> joins_previous;   // per unit: 1 when it trains with the one before (empty: no batch)
};

// Groups `order`'s units by training_batch_key into batches of at most `max_models` (stacks of
// the stacked engine: at most `max_stacked`; 0: max_models), and at most
// an even share of their group per rank so that a small study still uses every rank. A batch
// takes the place of its group's first unit in `order` (which is longest-first), the units that
// train alone keep theirs. Units are materialised only when the study has a model that can
// batch, so a million-unit study of other kinds costs nothing here.
BatchedOrder batch_for_training(const Study& study, const Grid& grid, const std::vector<std::size_t>& order, int ranks,
                                std::size_t max_models = kMaxModelsPerBatch, std::size_t max_stacked = 0);

}  // namespace vaesweep::pipeline
