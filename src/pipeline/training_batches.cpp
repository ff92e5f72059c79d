#include "pipeline/training_batches.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "pipeline/unit_runner.hpp"

namespace vaesweep::pipeline {
namespace {

// Whether any unit of the study can train with others: a vae, ae or cvae kind with
// model.engine = "batched" (or auto, unresolved), or a trained kind with "stacked", in the
// settings or on an axis.
bool may_batch(const Study& study) {
  const auto any_of_key = [&](const std::string& key, const auto& accept) {
    const std::vector<Value> values = values_in_grid(study, key);
    return std::any_of(values.begin(), values.end(), [&](const Value& v) { return accept(v.as_string()); });
  };
  const bool mlp_kind =
      any_of_key("model.kind", [](const std::string& k) { return k == "vae" || k == "ae" || k == "cvae"; });
  const bool trained_kind = mlp_kind || any_of_key("model.kind", [](const std::string& k) { return k == "conv_vae"; });
  return (mlp_kind && any_of_key("model.engine", [](const std::string& e) { return e == "batched" || e == "auto"; })) ||
         (trained_kind && any_of_key("model.engine", [](const std::string& e) { return e == "stacked"; }));
}

bool is_stack_key(const std::string& key) { return key.find("|stacked|") != std::string::npos; }

}  // namespace

BatchedOrder batch_for_training(const Study& study, const Grid& grid, const std::vector<std::size_t>& order, int ranks,
                                std::size_t max_models, std::size_t max_stacked) {
  BatchedOrder out;
  if (max_stacked == 0) max_stacked = max_models;
  if (!may_batch(study) || std::max(max_models, max_stacked) < 2) {
    out.order = order;
    return out;
  }
  std::vector<std::string> keys;
  std::map<std::string, std::vector<std::size_t>> groups;
  keys.reserve(order.size());
  for (std::size_t index : order) {
    keys.push_back(training_batch_key(grid.unit(index)));
    if (!keys.back().empty()) groups[keys.back()].push_back(index);
  }
  out.order.reserve(order.size());
  out.joins_previous.reserve(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::string& key = keys[i];
    if (key.empty()) {
      out.order.push_back(order[i]);
      out.joins_previous.push_back(0);
      continue;
    }
    auto group = groups.find(key);
    if (group == groups.end()) continue;  // emitted with its first unit
    const std::vector<std::size_t>& members = group->second;
    const std::size_t per_rank = (members.size() + static_cast<std::size_t>(std::max(ranks, 1)) - 1) /
                                 static_cast<std::size_t>(std::max(ranks, 1));
    const std::size_t size = std::clamp<std::size_t>(per_rank, 1, is_stack_key(key) ? max_stacked : max_models);
    for (std::size_t m = 0; m < members.size(); ++m) {
      out.order.push_back(members[m]);
      out.joins_previous.push_back(m % size != 0 ? 1 : 0);
    }
    groups.erase(group);
  }
  return out;
}

}  // namespace vaesweep::pipeline
