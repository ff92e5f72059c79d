// Checkpoint layout: one torch::serialize archive (a TorchScript zip) holding
//   format     "vaesweep-checkpoint-v1", checked first so a foreign archive is named as such
//   meta       sub-archive of plain values: architecture and kl_schedule by name, variational,
//              hidden, input_shape, latent_dim, beta, warmup_epochs, epochs, batch_size,
//              learning_rate, seed (bit pattern as int64), device, input_dim, condition_dim,
//              and the caller's notes as two parallel string lists (note_keys, note_values:
//              archive keys must be identifiers, note keys need not be)
//   model      sub-archive: the network's parameters (VaeNet::save)
//   optimizer  sub-archive: Adam's state, so training could be resumed
#include "models/checkpoint.hpp"

#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <type_traits>
#include <stdexcept>
#include <string>

#include "util/error.hpp"
#include "models/tensors.hpp"
#include "models/torch_module.hpp"
#include "models/training_schedule.hpp"

namespace vaesweep::models {
namespace {

constexpr const char* kFormat = "vaesweep-checkpoint-v1";

Architecture architecture_from(const std::string& name) {
  if (name == "mlp") return Architecture::mlp;
  if (name == "conv1d") return Architecture::conv1d;
  if (name == "conv2d") return Architecture::conv2d;
  throw std::runtime_error("unknown architecture '" + name + "'");
}
std::string schedule_name(KlSchedule s) { return s == KlSchedule::linear ? "linear" : "constant"; }
KlSchedule schedule_from(const std::string& name) {
  if (name == "constant") return KlSchedule::constant;
  if (name == "linear") return KlSchedule::linear;
  throw std::runtime_error("unknown kl_schedule '" + name + "'");
}

std::vector<std::int64_t> to_int64(const std::vector<int>& v) { return {v.begin(), v.end()}; }
std::vector<int> to_int(const std::vector<std::int64_t>& v) {
  std::vector<int> out;
  for (auto x : v) out.push_back(static_cast<int>(x));
  return out;
}

void write_meta(torch::serialize::OutputArchive& meta, const VaeParams& p, const NetSpec& s) {
  meta.write("architecture", c10::IValue(architecture_name(s.architecture)));
  meta.write("variational", c10::IValue(s.variational));
  meta.write("hidden", c10::IValue(to_int64(s.hidden)));
  meta.write("input_shape", c10::IValue(to_int64(s.input_shape)));
  meta.write("latent_dim", c10::IValue(static_cast<std::int64_t>(s.latent_dim)));
  meta.write("beta", c10::IValue(p.beta));
  meta.write("kl_schedule", c10::IValue(schedule_name(p.kl_schedule)));
  meta.write("warmup_epochs", c10::IValue(static_cast<std::int64_t>(p.warmup_epochs)));
  meta.write("epochs", c10::IValue(static_cast<std::int64_t>(p.epochs)));
  meta.write("batch_size", c10::IValue(static_cast<std::int64_t>(p.batch_size)));
  meta.write("learning_rate", c10::IValue(p.learning_rate));
  meta.write("seed", c10::IValue(static_cast<std::int64_t>(p.seed)));
  meta.write("device", c10::IValue(p.device));
  meta.write("input_dim", c10::IValue(s.input_dim));
  meta.write("condition_dim", c10::IValue(s.condition_dim));
  std::vector<std::string> keys, values;
  for (const auto& [key, value] : p.checkpoint_notes) {
    keys.push_back(key);
    values.push_back(value);
  }
  meta.write("note_keys", c10::IValue(keys));
  meta.write("note_values", c10::IValue(values));
}

c10::IValue read_value(torch::serialize::InputArchive& archive, const std::string& key) {
  c10::IValue value;
  if (!archive.try_read(key, value)) throw std::runtime_error("no '" + key + "' entry");
  return value;
}

std::vector<std::string> read_strings(torch::serialize::InputArchive& archive, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& v : read_value(archive, key).toListRef()) out.push_back(v.toStringRef());
  return out;
}

// Throws std::runtime_error or c10::Error on anything missing or of the wrong type.
Checkpoint read_meta(torch::serialize::InputArchive& meta) {
  Checkpoint c;
  VaeParams& p = c.params;
  p.architecture = architecture_from(read_value(meta, "architecture").toStringRef());
  p.variational = read_value(meta, "variational").toBool();
  p.hidden = to_int(read_value(meta, "hidden").toIntVector());
  p.input_shape = to_int(read_value(meta, "input_shape").toIntVector());
  p.latent_dim = static_cast<int>(read_value(meta, "latent_dim").toInt());
  p.beta = read_value(meta, "beta").toDouble();
  p.kl_schedule = schedule_from(read_value(meta, "kl_schedule").toStringRef());
  p.warmup_epochs = static_cast<int>(read_value(meta, "warmup_epochs").toInt());
  p.epochs = static_cast<int>(read_value(meta, "epochs").toInt());
  p.batch_size = static_cast<int>(read_value(meta, "batch_size").toInt());
  p.learning_rate = read_value(meta, "learning_rate").toDouble();
  p.seed = static_cast<std::uint64_t>(read_value(meta, "seed").toInt());
  p.device = read_value(meta, "device").toStringRef();
  c.input_dim = read_value(meta, "input_dim").toInt();
  c.condition_dim = read_value(meta, "condition_dim").toInt();
  const auto keys = read_strings(meta, "note_keys");
  const auto values = read_strings(meta, "note_values");
  if (keys.size() != values.size()) throw std::runtime_error("note_keys and note_values differ in length");
  for (std::size_t i = 0; i < keys.size(); ++i) c.notes[keys[i]] = values[i];
  const bool positive = std::all_of(p.hidden.begin(), p.hidden.end(), [](int h) { return h > 0; });
  if (p.hidden.empty() || !positive || p.latent_dim <= 0 || c.input_dim <= 0 || c.condition_dim < 0)
    throw std::runtime_error("impossible network sizes");
  check_input_shape(net_spec(p, c.input_dim, c.condition_dim));  // std::invalid_argument
  return c;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// Opens `file` into `archive` (tensors mapped to the CPU, whatever device trained them) and
// reads its description. Every failure is the user's file, so it becomes a UserError naming it.
Checkpoint open_checkpoint(const std::filesystem::path& file, torch::serialize::InputArchive& archive) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw UserError("checkpoint " + file.string() + " does not exist or is not a file");
  std::string why;
  try {
    archive.load_from(file.string(), torch::Device(torch::kCPU));
    c10::IValue format;
    if (!archive.try_read("format", format) || !format.isString() || format.toStringRef() != kFormat)
      throw UserError(file.string() + " is not a vaesweep checkpoint (expected format " + kFormat + ")");
    torch::serialize::InputArchive meta;
    archive.read("meta", meta);
    return read_meta(meta);
  } catch (const UserError&) {
    throw;
  } catch (const c10::Error& e) {
    why = first_line(e.what_without_backtrace());
  } catch (const std::exception& e) {
    why = first_line(e.what());
  }
  throw UserError("checkpoint " + file.string() + " is damaged or unreadable: " + why);
}

}  // namespace

namespace {

// torch::optim keys its per-parameter state by the tensor's impl: its address printed as text
// in LibTorch 1.13 (c10::guts::to_string, an ostringstream), the address itself in 2.x.
template <typename Key>
Key state_key(c10::TensorImpl* impl) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream text;
    text << impl;
    return text.str();
  } else {
    return impl;
  }
}

}  // namespace

void adopt_adam_state(torch::optim::Adam& optimizer, const torch::Tensor& param, std::int64_t steps,
                      const torch::Tensor& exp_avg, const torch::Tensor& exp_avg_sq) {
  if (steps <= 0) return;
  // Adam creates a parameter's state on its first step (adam.cpp): a state put under the
  // parameter's key is what a resumed step() finds.
  auto state = std::make_unique<torch::optim::AdamParamState>();
  state->step(steps);
  state->exp_avg(exp_avg);
  state->exp_avg_sq(exp_avg_sq);
  using Key = typename std::remove_reference_t<decltype(optimizer.state())>::key_type;
  optimizer.state()[state_key<Key>(param.unsafeGetTensorImpl())] = std::move(state);
}

void save_checkpoint(const std::filesystem::path& file, VaeNet& model, torch::optim::Optimizer& optimizer,
                     const VaeParams& params, const NetSpec& spec) {
  // Same folder, so the rename cannot cross file systems; the pid keeps concurrent writers apart.
  const std::filesystem::path temp =
      file.parent_path() / ("." + file.filename().string() + ".tmp" + std::to_string(::getpid()));
  std::string why;
  try {
    torch::serialize::OutputArchive archive, meta, weights, adam;
    archive.write("format", c10::IValue(std::string(kFormat)));
    write_meta(meta, params, spec);
    archive.write("meta", meta);
    model->save(weights);
    archive.write("model", weights);
    optimizer.save(adam);
    archive.write("optimizer", adam);
    archive.save_to(temp.string());
    std::filesystem::rename(temp, file);
    return;
  } catch (const c10::Error& e) {
    why = first_line(e.what_without_backtrace());
  } catch (const std::exception& e) {
    why = first_line(e.what());
  }
  std::error_code ignored;
  std::filesystem::remove(temp, ignored);
  throw UserError("cannot write checkpoint " + file.string() + ": " + why);
}

Checkpoint torch_read_checkpoint(const std::filesystem::path& file) {
  torch::serialize::InputArchive archive;
  return open_checkpoint(file, archive);
}

Eigen::MatrixXd torch_encode_with_checkpoint(const std::filesystem::path& file, const Eigen::MatrixXd& X,
                                             const Eigen::MatrixXd& condition, const std::string& device_name) {
  torch::serialize::InputArchive archive;
  const Checkpoint c = open_checkpoint(file, archive);
  if (X.cols() != c.input_dim)
    throw UserError("checkpoint " + file.string() + " was trained on " + std::to_string(c.input_dim) +
                    " features, the data has " + std::to_string(X.cols()));
  if (condition.cols() != c.condition_dim)
    throw UserError("checkpoint " + file.string() + " was trained with a condition of " +
                    std::to_string(c.condition_dim) + " columns, the condition given has " +
                    std::to_string(condition.cols()));
  if (condition.cols() > 0 && condition.rows() != X.rows())
    throw std::invalid_argument("condition has " + std::to_string(condition.rows()) + " rows, X has " +
                                std::to_string(X.rows()));

  VaeNet model(net_spec(c.params, c.input_dim, c.condition_dim));
  try {
    torch::serialize::InputArchive weights;
    archive.read("model", weights);
    model->load(weights);
  } catch (const c10::Error& e) {
    throw UserError("checkpoint " + file.string() + " is damaged: its weights do not load (" +
                    first_line(e.what_without_backtrace()) + ")");
  }
  const torch::Device device(device_name);
  model->to(device);
  model->eval();
  // The same call on the same data as train_vae's final evaluation, hence the same numbers.
  torch::NoGradGuard no_grad;
  const auto [mean, logvar] = model->encode(to_tensor(X).to(device), condition_tensor(condition, device));
  return to_matrix(mean);
}

}  // namespace vaesweep::models
