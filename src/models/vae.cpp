#include "models/vae.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace vaesweep::models {
namespace {

torch::nn::Sequential mlp(int in, const std::vector<int>& widths) {
  torch::nn::Sequential seq;
  for (int w : widths) {
    seq->push_back(torch::nn::Linear(in, w));
    seq->push_back(torch::nn::ReLU());
    in = w;
  }
  return seq;
}

std::vector<int> reversed(std::vector<int> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

struct VaeImpl : torch::nn::Module {
  VaeImpl(int input_dim, const std::vector<int>& hidden, int latent_dim)
      : encoder(register_module("encoder", mlp(input_dim, hidden))),
        to_mean(register_module("to_mean", torch::nn::Linear(hidden.back(), latent_dim))),
        to_logvar(register_module("to_logvar", torch::nn::Linear(hidden.back(), latent_dim))),
        decoder(register_module("decoder", mlp(latent_dim, reversed(hidden)))),
        to_output(register_module("to_output", torch::nn::Linear(hidden.front(), input_dim))) {}

  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) {
    auto h = encoder->forward(x);
    return {to_mean->forward(h), to_logvar->forward(h)};
  }
  torch::Tensor decode(const torch::Tensor& z) { return to_output->forward(decoder->forward(z)); }

  torch::nn::Sequential encoder;
  torch::nn::Linear to_mean, to_logvar;
  torch::nn::Sequential decoder;
  torch::nn::Linear to_output;
};
TORCH_MODULE(Vae);

// Per-sample losses of a batch: squared error summed over features, KL summed over latent dims.
struct BatchLoss {
  torch::Tensor reconstruction, kl_per_dim;
};

BatchLoss losses(const torch::Tensor& x, const torch::Tensor& x_hat, const torch::Tensor& mean,
                 const torch::Tensor& logvar) {
  return {(x_hat - x).pow(2).sum(1), 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar)};
}

torch::Tensor to_tensor(const Eigen::MatrixXd& X) {
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = X.cast<float>();
  return torch::from_blob(const_cast<float*>(rows.data()), {rows.rows(), rows.cols()}, torch::kFloat32).clone();
}

Eigen::MatrixXd to_matrix(const torch::Tensor& t) {
  const auto cpu = t.to(torch::kCPU, torch::kFloat64).contiguous();
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMatrix>(cpu.data_ptr<double>(), cpu.size(0), cpu.size(1));
}

// Fisher-Yates with our own generator: the order depends only on the seed and the epoch.
torch::Tensor epoch_order(std::int64_t n, std::uint64_t seed, int epoch) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  Rng rng(derive_seed(seed, {0x5eed0f0d, static_cast<std::uint64_t>(epoch)}));
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(i + 1));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  return torch::tensor(order, torch::kInt64);
}

}  // namespace

TrainResult train_vae(const Eigen::MatrixXd& X, const VaeParams& p) {
  VAESWEEP_ASSERT(!p.hidden.empty() && p.latent_dim > 0 && p.epochs > 0 && p.batch_size > 0, "VaeParams");
  VAESWEEP_ASSERT(X.rows() > 0 && X.cols() > 0, "empty training data");
  const auto start = std::chrono::steady_clock::now();
  const torch::Device device(p.device);

  torch::manual_seed(p.seed);
  Vae model(static_cast<int>(X.cols()), p.hidden, p.latent_dim);
  model->to(device);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(p.learning_rate));
  const torch::Tensor data = to_tensor(X).to(device);
  const std::int64_t n = data.size(0);
  const std::int64_t batch = std::min<std::int64_t>(p.batch_size, n);

  TrainResult result;
  model->train();
  for (int epoch = 0; epoch < p.epochs; ++epoch) {
    // Gather the epoch once; batches are then views, not copies.
    const torch::Tensor shuffled = data.index_select(0, epoch_order(n, p.seed, epoch).to(device));
    torch::Tensor epoch_loss = torch::zeros({}, torch::TensorOptions().device(device));
    for (std::int64_t begin = 0; begin < n; begin += batch) {
      const torch::Tensor x = shuffled.narrow(0, begin, std::min(batch, n - begin));
      auto [mean, logvar] = model->encode(x);
      const torch::Tensor z = mean + torch::randn_like(mean) * (0.5 * logvar).exp();
      const BatchLoss l = losses(x, model->decode(z), mean, logvar);
      const torch::Tensor loss = l.reconstruction.mean() + p.beta * l.kl_per_dim.sum(1).mean();
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      epoch_loss += loss.detach() * static_cast<double>(x.size(0));
    }
    // One host synchronisation per epoch, not per batch.
    const double mean_loss = epoch_loss.item<double>() / static_cast<double>(n);
    result.loss_history.push_back(mean_loss);
    result.epochs_run = epoch + 1;
    if (!std::isfinite(mean_loss)) {
      result.diverged = true;
      result.message = "training loss became " + std::to_string(mean_loss) + " in epoch " + std::to_string(epoch + 1);
      break;
    }
    if (p.should_abandon && p.should_abandon()) {
      result.abandoned = true;
      result.message = "abandoned after epoch " + std::to_string(epoch + 1) + " of " + std::to_string(p.epochs);
      return result;
    }
  }

  torch::NoGradGuard no_grad;
  model->eval();
  auto [mean, logvar] = model->encode(data);
  const BatchLoss l = losses(data, model->decode(mean), mean, logvar);
  result.latent_mean = to_matrix(mean);
  result.reconstruction = l.reconstruction.mean().item<double>();
  const torch::Tensor kl_per_dim = l.kl_per_dim.mean(0);
  result.kl = kl_per_dim.sum().item<double>();
  result.loss = result.reconstruction + p.beta * result.kl;
  const Eigen::MatrixXd kl_row = to_matrix(kl_per_dim.unsqueeze(0));
  result.kl_per_dim.assign(kl_row.data(), kl_row.data() + kl_row.size());
  const Eigen::RowVectorXd variance =
      (result.latent_mean.rowwise() - result.latent_mean.colwise().mean()).array().square().colwise().mean();
  result.active_units = static_cast<int>((variance.array() > kActiveUnitThreshold).count());
  if (!result.diverged && !result.latent_mean.allFinite()) {
    result.diverged = true;
    result.message = "the encoder produced non-finite latent means";
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void use_single_thread() {
  torch::set_num_threads(1);
  static bool interop_set = false;  // inter-op threads can be set once per process only
  if (!interop_set) {
    try {
      torch::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // Already started by an earlier torch call: harmless, we run no inter-op work.
    }
    interop_set = true;
  }
}

std::string choose_device(int local_rank) {
  if (torch::cuda::is_available()) {
    const auto count = static_cast<int>(torch::cuda::device_count());
    return "cuda:" + std::to_string(local_rank % count);
  }
  return "cpu";
}

std::string torch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

}  // namespace vaesweep::models
