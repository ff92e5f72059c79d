// train_vae and train_vae_group: which engine trains a model, and a group's training. Torch-free:
// the torch and stacked engines are reached through torch_backend(), so that only a process
// that trains with them loads LibTorch.
#include <stdexcept>
#include <string>

#include "models/batched_training.hpp"
#include "models/torch_backend.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {
namespace {

const char* const kTorchEngine = "the torch engine (model.engine = \"torch\")";
const char* const kStackedEngine = "the stacked engine (model.engine = \"stacked\")";

std::vector<TrainResult> train_stacked_by_torch(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                                                const std::function<bool()>& should_abandon) {
  return torch_backend(kStackedEngine).train_stacked(X, members, should_abandon);
}

}  // namespace

TrainResult train_vae(const Eigen::MatrixXd& X, const VaeParams& p) {
  if (p.engine == Engine::batched) return train_batched(X, {&p}, p.should_abandon).front();
  if (p.engine == Engine::stacked) return train_stacked_by_torch(X, {&p}, p.should_abandon).front();
  return torch_backend(kTorchEngine).train_torch(X, p);
}

std::vector<TrainResult> train_vae_group(const Eigen::MatrixXd& X, const std::vector<VaeParams>& members) {
  std::vector<TrainResult> results(members.size());
  if (members.empty()) return results;
  const std::function<bool()>& should_abandon = members.front().should_abandon;

  bool abandoned = false;
  // The members of one multi-model engine, trained together.
  const auto train_together = [&](Engine engine, const auto& train) {
    std::vector<const VaeParams*> chosen;
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < members.size(); ++i)
      if (members[i].engine == engine) {
        chosen.push_back(&members[i]);
        at.push_back(i);
      }
    if (chosen.empty() || abandoned) return;
    std::vector<TrainResult> trained = train(X, chosen, should_abandon);
    for (std::size_t j = 0; j < trained.size(); ++j) {
      abandoned = abandoned || trained[j].abandoned;
      results[at[j]] = std::move(trained[j]);
    }
  };
  train_together(Engine::batched, train_batched);
  train_together(Engine::stacked, train_stacked_by_torch);
  for (std::size_t i = 0; i < members.size() && !abandoned; ++i) {
    if (members[i].engine != Engine::torch) continue;
    VaeParams p = members[i];
    p.should_abandon = should_abandon;
    results[i] = train_vae(X, p);
    abandoned = results[i].abandoned;
  }
  if (abandoned)
    for (auto& r : results)
      if (!r.abandoned) {
        r.abandoned = true;
        r.message = "abandoned: another member of its group was stopped";
      }
  return results;
}

}  // namespace vaesweep::models
