// train_vae_group: which members the batched engine can take, and a group's training.
#include <stdexcept>
#include <string>

#include "models/batched_training.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {

bool batched_engine_supports(const VaeParams& p) { return p.architecture == Architecture::mlp; }

bool can_train_together(const VaeParams& a, const VaeParams& b) {
  return batched_engine_supports(a) && batched_engine_supports(b) && a.hidden == b.hidden &&
         a.latent_dim == b.latent_dim && a.variational == b.variational && a.condition.cols() == b.condition.cols() &&
         a.epochs == b.epochs && a.batch_size == b.batch_size;
}

std::vector<TrainResult> train_vae_group(const Eigen::MatrixXd& X, const std::vector<VaeParams>& members) {
  std::vector<TrainResult> results(members.size());
  if (members.empty()) return results;
  const std::function<bool()>& should_abandon = members.front().should_abandon;

  std::vector<const VaeParams*> batched;
  std::vector<std::size_t> batched_at;
  for (std::size_t i = 0; i < members.size(); ++i)
    if (members[i].engine == Engine::batched) {
      batched.push_back(&members[i]);
      batched_at.push_back(i);
    }
  bool abandoned = false;
  if (!batched.empty()) {
    std::vector<TrainResult> trained = train_batched(X, batched, should_abandon);
    for (std::size_t j = 0; j < trained.size(); ++j) {
      abandoned = abandoned || trained[j].abandoned;
      results[batched_at[j]] = std::move(trained[j]);
    }
  }
  for (std::size_t i = 0; i < members.size() && !abandoned; ++i) {
    if (members[i].engine == Engine::batched) continue;
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
