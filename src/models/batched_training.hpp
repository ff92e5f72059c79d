#pragma once
// The training loop of the batched engine (batched_mlp.hpp) and its evaluation: what
// train_vae and train_vae_group call for members with engine batched. Torch-free.
#include <Eigen/Dense>
#include <functional>
#include <vector>

#include "models/batched_mlp.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {

// Trains `members` side by side in float32 and returns their results in order. They must all
// be batched_engine_supports and can_train_together, with the same condition; each result is
// bit-identical to training its member alone. The semantics are train_vae's (torch engine):
// per epoch the schedule:: data order and KL weight, batches of batch_size rows (the last one
// smaller), the loss mean over the batch of the summed squared error + weight * the summed
// KL, Adam with the member's learning rate, loss_history per epoch, a non-finite epoch loss
// marks the member diverged and stops its training (the others go on), then the evaluation
// on all of X with the posterior means and the checkpoint of each member that asks for one
// and did not diverge. `should_abandon` (may be empty) is asked after every epoch; true
// marks every member abandoned. seconds: the group's wall time divided by the members.
// The batched engine trains on the CPU whatever `device` says.
// Throws std::invalid_argument for a member the engine cannot train, a condition without X's
// number of rows, members that cannot train together or conditions that differ.
std::vector<TrainResult> train_batched(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                                       const std::function<bool()>& should_abandon);

// The pieces of train_batched, for either scalar type (the tests train in double too).
// X (and the condition) as rows of the engine's type: the features, then the condition.
template <typename Scalar>
std::vector<Scalar> training_rows(const Eigen::MatrixXd& X, const Eigen::MatrixXd& condition);
// The epochs of train_batched on `net`, whose member m (initialised) is members[m], over
// `rows` (training_rows): fills each result's loss_history, epochs_run, diverged and message.
// Returns true when should_abandon stopped training; every result is then marked abandoned.
template <typename Scalar>
bool run_epochs(BatchedMlp<Scalar>& net, const std::vector<Scalar>& rows, const std::vector<const VaeParams*>& members,
                const std::function<bool()>& should_abandon, std::vector<TrainResult>& results);

}  // namespace vaesweep::models
