#include "models/batched_checkpoint.hpp"

#include <torch/torch.h>

#include <cstring>

#include "util/error.hpp"
#include "models/checkpoint.hpp"
#include "models/networks.hpp"
#include "models/torch_module.hpp"

namespace vaesweep::models {
namespace {

// A float32 CPU tensor of `like`'s shape holding the next numel values from `from`.
torch::Tensor tensor_from(const float* from, const torch::Tensor& like) {
  torch::Tensor t = torch::empty(like.sizes(), torch::kFloat32);
  std::memcpy(t.data_ptr<float>(), from, static_cast<std::size_t>(t.numel()) * sizeof(float));
  return t;
}

}  // namespace

void torch_save_batched_checkpoint(const std::filesystem::path& file, const VaeParams& p, const MlpLayout& layout,
                                   const float* parameters, const AdamMoments& adam) {
  VaeParams trained = p;
  trained.device = "cpu";  // where the batched engine trains
  const NetSpec spec = net_spec(trained, layout.shape.input_dim, layout.shape.condition_dim);
  VaeNet model(spec);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(p.learning_rate));
  std::size_t at = 0;
  {
    torch::NoGradGuard no_grad;
    for (auto& param : model->parameters()) {
      const auto n = static_cast<std::size_t>(param.numel());
      VAESWEEP_ASSERT(at + n <= layout.parameters, "VaeNet has more parameters than the batched layout");
      param.copy_(tensor_from(parameters + at, param));
      adopt_adam_state(optimizer, param, adam.steps, tensor_from(adam.first + at, param),
                       tensor_from(adam.second + at, param));
      at += n;
    }
  }
  VAESWEEP_ASSERT(at == layout.parameters, "the batched layout has parameters VaeNet does not");
  save_checkpoint(file, model, optimizer, trained, spec);
}

}  // namespace vaesweep::models
