// Which models each engine can take and which train together (vae.hpp). Torch-free and free of
// the engines themselves: the torch module (stacked_training.cpp) and the device check's slim
// build (bench/gpu) use these rules without the batched engine or its BLAS.
#include "models/vae.hpp"

namespace vaesweep::models {

bool batched_engine_supports(const VaeParams& p) { return p.architecture == Architecture::mlp; }

bool can_train_together(const VaeParams& a, const VaeParams& b) {
  return batched_engine_supports(a) && batched_engine_supports(b) && a.hidden == b.hidden &&
         a.latent_dim == b.latent_dim && a.variational == b.variational && a.condition.cols() == b.condition.cols() &&
         a.epochs == b.epochs && a.batch_size == b.batch_size;
}

bool can_stack_together(const VaeParams& a, const VaeParams& b) {
  return a.architecture == b.architecture && a.hidden == b.hidden && a.input_shape == b.input_shape &&
         a.latent_dim == b.latent_dim && a.variational == b.variational &&
         a.condition.cols() == b.condition.cols() && a.epochs == b.epochs && a.batch_size == b.batch_size &&
         a.device == b.device;
}

}  // namespace vaesweep::models
