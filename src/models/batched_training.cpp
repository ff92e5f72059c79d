#include "models/batched_training.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "util/error.hpp"
#include "models/batched_checkpoint.hpp"
#include "models/batched_mlp.hpp"
#include "models/training_schedule.hpp"

namespace vaesweep::models {
namespace {

// The torch engine's checks (check_training_input), plus what batching needs.
void validate(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members) {
  VAESWEEP_ASSERT(!members.empty(), "train_batched without members");
  const VaeParams& first = *members.front();
  for (std::size_t i = 0; i < members.size(); ++i) {
    const VaeParams& p = *members[i];
    if (!batched_engine_supports(p))
      throw std::invalid_argument("the batched engine trains the mlp architecture only, not " +
                                  architecture_name(p.architecture));
    check_training_input(X, p);
    if (!can_train_together(first, p))
      throw std::invalid_argument("member " + std::to_string(i) +
                                  " cannot train with member 0 in one batch: layer sizes, epochs or batch size differ");
    if (p.condition.cols() > 0 && p.condition != first.condition)
      throw std::invalid_argument("member " + std::to_string(i) + " has another condition than member 0");
  }
}

// train.cpp's evaluate: all rows with the posterior means, no sampling. Sums in double.
void evaluate(const BatchedMlp<float>& net, int m, const std::vector<float>& rows, const Eigen::MatrixXd& X,
              const VaeParams& p, TrainResult& result) {
  const MlpShape& s = net.layout().shape;
  const Eigen::Index n = X.rows(), d = s.input_dim, z = s.latent_dim, width = s.input_dim + s.condition_dim;
  const PosteriorPass<float> pass = net.posterior_pass(m, rows.data(), static_cast<int>(n));
  result.latent_mean.resize(n, z);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < z; ++k) result.latent_mean(i, k) = pass.mean[static_cast<std::size_t>(i * z + k)];

  double squared_error = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < d; ++j) {
      const double diff = static_cast<double>(pass.reconstruction[static_cast<std::size_t>(i * d + j)]) -
                          static_cast<double>(rows[static_cast<std::size_t>(i * width + j)]);
      squared_error += diff * diff;
    }
  result.reconstruction = squared_error / static_cast<double>(n);
  result.kl_per_dim.assign(static_cast<std::size_t>(z), 0.0);
  result.kl = 0;
  if (p.variational) {
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index k = 0; k < z; ++k) {
        const double mean = pass.mean[static_cast<std::size_t>(i * z + k)];
        const double logvar = pass.logvar[static_cast<std::size_t>(i * z + k)];
        result.kl_per_dim[static_cast<std::size_t>(k)] += 0.5 * (mean * mean + std::exp(logvar) - 1.0 - logvar);
      }
    for (double& v : result.kl_per_dim) {
      v /= static_cast<double>(n);
      result.kl += v;
    }
  }
  result.loss = result.reconstruction + (p.variational ? p.beta * result.kl : 0.0);
  result.active_units = active_units(result.latent_mean);

  result.example_rows = schedule::example_rows(n, p.reconstruction_examples);
  if (!result.example_rows.empty()) {
    const auto count = static_cast<Eigen::Index>(result.example_rows.size());
    result.example_input.resize(count, X.cols());
    result.example_output.resize(count, d);
    for (Eigen::Index e = 0; e < count; ++e) {
      const Eigen::Index row = result.example_rows[static_cast<std::size_t>(e)];
      result.example_input.row(e) = X.row(row);
      for (Eigen::Index j = 0; j < d; ++j)
        result.example_output(e, j) = pass.reconstruction[static_cast<std::size_t>(row * d + j)];
    }
  }
  if (!result.diverged && !result.latent_mean.allFinite()) {
    result.diverged = true;
    result.message = "the encoder produced non-finite latent means";
  }
}

}  // namespace

template <typename Scalar>
std::vector<Scalar> training_rows(const Eigen::MatrixXd& X, const Eigen::MatrixXd& condition) {
  const Eigen::Index n = X.rows(), d = X.cols(), c = condition.cols(), width = d + c;
  std::vector<Scalar> rows(static_cast<std::size_t>(n * width));
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) rows[static_cast<std::size_t>(i * width + j)] = static_cast<Scalar>(X(i, j));
    for (Eigen::Index j = 0; j < c; ++j)
      rows[static_cast<std::size_t>(i * width + d + j)] = static_cast<Scalar>(condition(i, j));
  }
  return rows;
}

template <typename Scalar>
bool run_epochs(BatchedMlp<Scalar>& net, const std::vector<Scalar>& rows, const std::vector<const VaeParams*>& members,
                const std::function<bool()>& should_abandon, std::vector<TrainResult>& results) {
  const VaeParams& first = *members.front();
  const MlpShape& shape = net.layout().shape;
  const int width = shape.input_dim + shape.condition_dim, z = shape.latent_dim;
  const auto n = static_cast<std::int64_t>(rows.size() / static_cast<std::size_t>(width));
  const int batch = static_cast<int>(std::min<std::int64_t>(first.batch_size, n));
  const auto m_count = static_cast<int>(members.size());
  VAESWEEP_ASSERT(net.members() == m_count && results.size() == members.size(), "run_epochs members");

  std::vector<bool> training(members.size(), true);
  std::vector<Scalar> batch_rows(static_cast<std::size_t>(batch) * static_cast<std::size_t>(width));
  std::vector<Scalar> noise(static_cast<std::size_t>(batch) * static_cast<std::size_t>(z));
  for (int epoch = 0; epoch < first.epochs; ++epoch) {
    // Member after member, each through its whole epoch: a member's numbers never depend on
    // what the others do, and its parameters stay in cache for the epoch.
    for (int m = 0; m < m_count; ++m) {
      if (!training[static_cast<std::size_t>(m)]) continue;
      const VaeParams& p = *members[static_cast<std::size_t>(m)];
      TrainResult& result = results[static_cast<std::size_t>(m)];
      const double weight = schedule::kl_weight(p, epoch);
      const std::vector<std::int64_t> order = schedule::epoch_order(n, p.seed, epoch);
      NormalStream normal = noise_stream(p.seed, epoch);
      double epoch_loss = 0;
      for (std::int64_t begin = 0; begin < n; begin += batch) {
        const int count = static_cast<int>(std::min<std::int64_t>(batch, n - begin));
        const auto row_width = static_cast<std::size_t>(width);
        for (int i = 0; i < count; ++i) {
          const auto source = static_cast<std::size_t>(order[static_cast<std::size_t>(begin + i)]);
          const Scalar* row = rows.data() + source * row_width;
          std::copy(row, row + width, batch_rows.data() + static_cast<std::size_t>(i) * row_width);
        }
        if (p.variational) normal.fill(noise.data(), static_cast<std::size_t>(count) * static_cast<std::size_t>(z));
        epoch_loss += net.loss_and_gradients(m, batch_rows.data(), count, noise.data(), weight) * count;
        net.adam_step(m, p.learning_rate);
      }
      if (!record_epoch_loss(result, epoch, epoch_loss / static_cast<double>(n)))
        training[static_cast<std::size_t>(m)] = false;
    }
    if (std::none_of(training.begin(), training.end(), [](bool t) { return t; })) break;
    if (should_abandon && should_abandon()) {
      mark_abandoned(results, epoch, first.epochs);
      return true;
    }
  }
  return false;
}

template std::vector<float> training_rows<float>(const Eigen::MatrixXd&, const Eigen::MatrixXd&);
template std::vector<double> training_rows<double>(const Eigen::MatrixXd&, const Eigen::MatrixXd&);
template bool run_epochs<float>(BatchedMlp<float>&, const std::vector<float>&, const std::vector<const VaeParams*>&,
                                const std::function<bool()>&, std::vector<TrainResult>&);
template bool run_epochs<double>(BatchedMlp<double>&, const std::vector<double>&, const std::vector<const VaeParams*>&,
                                 const std::function<bool()>&, std::vector<TrainResult>&);

std::vector<TrainResult> train_batched(const Eigen::MatrixXd& X, const std::vector<const VaeParams*>& members,
                                       const std::function<bool()>& should_abandon) {
  validate(X, members);
  const auto start = std::chrono::steady_clock::now();
  const VaeParams& first = *members.front();
  const auto m_count = static_cast<int>(members.size());
  const auto n = static_cast<std::int64_t>(X.rows());
  const int batch = static_cast<int>(std::min<std::int64_t>(first.batch_size, n));
  const MlpShape shape = mlp_shape(first, static_cast<int>(X.cols()), static_cast<int>(first.condition.cols()));

  const std::vector<float> rows = training_rows<float>(X, first.condition);
  BatchedMlp<float> net(shape, m_count, batch);
  for (int m = 0; m < m_count; ++m) net.initialise(m, members[static_cast<std::size_t>(m)]->seed);
  std::vector<TrainResult> results(members.size());
  if (run_epochs(net, rows, members, should_abandon, results)) return results;

  for (int m = 0; m < m_count; ++m)
    evaluate(net, m, rows, X, *members[static_cast<std::size_t>(m)], results[static_cast<std::size_t>(m)]);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (int m = 0; m < m_count; ++m) {
    const VaeParams& p = *members[static_cast<std::size_t>(m)];
    TrainResult& result = results[static_cast<std::size_t>(m)];
    result.seconds = seconds / m_count;
    // A diverged model is not worth keeping (as in train.cpp).
    if (!result.diverged && !p.checkpoint.empty())
      save_batched_checkpoint(p.checkpoint, p, net.layout(), net.parameters(m),
                              {net.first_moments(m), net.second_moments(m), net.adam_steps(m)});
  }
  return results;
}

}  // namespace vaesweep::models
