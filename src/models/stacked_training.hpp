#pragma once
// The stacked engine (model.engine = "stacked"): M models of one architecture (vae, ae, cvae,
// conv_vae 1-D and 2-D) trained as one LibTorch network whose parameters have a leading member
// axis (stacked_net.hpp), on any torch device. Torch-free declarations; stacked_trainer.hpp
// has the pieces.
//
// Per member, as the torch engine (train_vae) would train it alone: its initialisation
// (torch::manual_seed(seed), then VaeNet), its data order (schedule::epoch_order), its KL
// weight (schedule::kl_weight), its learning rate in Adam (torch::optim::Adam's arithmetic,
// betas 0.9 / 0.999, eps 1e-8), the loss mean over the batch of the summed squared error +
// weight * summed KL. Its noise is the position noise (position_noise.hpp), the same on every
// device, where the torch engine draws from torch's generator: so the two engines' numbers
// differ, and a stack member equals the torch engine's loop run with the position noise.
// The whole feature matrix is put on the device once per stack; one host synchronisation per
// epoch reads every member's loss: a non-finite one freezes that member (zero weights, zero
// learning rate; recorded as diverged) and the others go on.
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

#include "models/vae.hpp"

namespace vaesweep::models {

// train_stacked is torch code, defined in the module (torch_backend.hpp): torch-free code reaches
// it through train_vae / train_vae_group, which load the module.
// Trains `members` (all can_stack_together, same condition, same device) as one stack in
// float32 and returns their results in order; seconds is the stack's wall time divided by the
// members. `should_abandon` (may be empty) is asked after every epoch. Throws
// std::invalid_argument for members that cannot stack or inputs that do not fit.
std::vector<TrainResult> train_stacked(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                                       const std::function<bool()>& should_abandon);

// A generous estimate of the device memory one member of `p`'s stack takes while training on
// `rows` x `cols` features: parameters with gradient and Adam moments, the activations of a
// batch kept for the backward pass, and the epoch's noise and data order. For sizing stacks.
// Loads the module (it counts a VaeNet's parameters).
std::int64_t stacked_bytes_per_member(const VaeParams& p, std::int64_t rows, std::int64_t cols);

}  // namespace vaesweep::models
