// The stacked engine (models/stacked_training.hpp) against the torch engine's own loop: for
// vae, ae, cvae and conv_vae 1-D and 2-D, member m of a stack equals the same model trained
// alone by train_torch with the same initialisation, data order and noise (the position
// noise), in float64 to 1e-10 and float32 to 1e-5 relative; a stack of one equals alone; a
// diverging member leaves its stack-mates' numbers unchanged; checkpoints of members
// round-trip through encode. The position noise: its tensor-op form (other devices) equals the
// CPU loop, and it is N(0, 1). Wrong-device bugs: a training step on the meta device.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "models/position_noise.hpp"
#include "models/stacked_trainer.hpp"
#include "models/stacked_training.hpp"
#include "models/torch_training.hpp"
#include "models/vae.hpp"
#include "temp_dir.hpp"
#include "vae_test_data.hpp"

namespace vaesweep::models {
namespace {

enum class Family { vae, ae, cvae, conv1d, conv2d };
const char* family_name(Family f) {
  switch (f) {
    case Family::vae: return "vae";
    case Family::ae: return "ae";
    case Family::cvae: return "cvae";
    case Family::conv1d: return "conv1d";
    case Family::conv2d: return "conv2d";
  }
  return "?";
}

constexpr int kRows = 90;

Eigen::MatrixXd data_for(Family f) {
  if (f == Family::conv1d) return test::sine_frames(kRows, 3, 10, 11);
  if (f == Family::conv2d) return test::stripe_images(kRows, 6, 9, 12);
  return test::blobs(kRows, 13, 7);
}

// Member `i` of a family's stack: its own seed, beta, KL schedule and learning rate.
VaeParams member_params(Family f, int i) {
  VaeParams p = test::small_params(100 + static_cast<std::uint64_t>(i) * 7919);
  p.engine = Engine::stacked;
  p.epochs = 3;
  p.batch_size = 32;  // 90 rows: two full batches and a partial one
  p.beta = 0.5 + i;
  p.learning_rate = 2e-3 * (i + 1);
  p.kl_schedule = i % 2 ? KlSchedule::linear : KlSchedule::constant;
  p.warmup_epochs = 2;
  p.variational = f != Family::ae;
  if (f == Family::cvae) p.condition = test::class_one_hot(kRows);
  if (f == Family::conv1d) {
    p.architecture = Architecture::conv1d;
    p.input_shape = {3, 10};
    p.hidden = {4, 6};
  }
  if (f == Family::conv2d) {
    p.architecture = Architecture::conv2d;
    p.input_shape = {6, 9};
    p.hidden = {3, 5};
  }
  return p;
}

std::vector<const VaeParams*> pointers(const std::vector<VaeParams>& members) {
  std::vector<const VaeParams*> out;
  for (const auto& p : members) out.push_back(&p);
  return out;
}

// The torch engine's loop for one model, with the stacked engine's noise for its seed.
TrainResult trained_alone(const Eigen::MatrixXd& X, const VaeParams& p, torch::Dtype dtype) {
  TorchLoopSeams seams;
  seams.dtype = dtype;
  int cached_epoch = -1;
  torch::Tensor epoch_noise;
  seams.noise = [&](int epoch, std::int64_t begin, const torch::Tensor& mean) {
    if (epoch != cached_epoch) {
      epoch_noise = position_noise({p.seed}, epoch, X.rows(), p.latent_dim, mean.options())[0];
      cached_epoch = epoch;
    }
    return epoch_noise.narrow(0, begin, mean.size(0));
  };
  return train_torch(X, p, seams);
}

double relative_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1e-12, b.cwiseAbs().maxCoeff());
}

void expect_same_model(const TrainResult& stacked, const TrainResult& alone, double tolerance) {
  ASSERT_FALSE(stacked.diverged) << stacked.message;
  ASSERT_EQ(stacked.loss_history.size(), alone.loss_history.size());
  for (std::size_t e = 0; e < alone.loss_history.size(); ++e)
    EXPECT_NEAR(stacked.loss_history[e], alone.loss_history[e], tolerance * std::abs(alone.loss_history[e]))
        << "epoch " << e;
  EXPECT_LE(relative_difference(stacked.latent_mean, alone.latent_mean), tolerance);
  EXPECT_NEAR(stacked.loss, alone.loss, tolerance * std::abs(alone.loss));
  EXPECT_NEAR(stacked.kl, alone.kl, tolerance * std::max(1.0, std::abs(alone.kl)));
  EXPECT_EQ(stacked.active_units, alone.active_units);
}

class StackedFamilyTest : public ::testing::TestWithParam<Family> {
 protected:
  void SetUp() override { use_threads(1); }
};
INSTANTIATE_TEST_SUITE_P(Families, StackedFamilyTest,
                         ::testing::Values(Family::vae, Family::ae, Family::cvae, Family::conv1d, Family::conv2d),
                         [](const auto& test_info) { return std::string(family_name(test_info.param)); });

// Every member of a stack of three, float64: the same arithmetic up to the order of
// operations (batched GEMMs and grouped convolutions vs one model's), ~1e-15 per step.
TEST_P(StackedFamilyTest, MembersEqualTheTorchLoopAloneInFloat64) {
  const Eigen::MatrixXd X = data_for(GetParam());
  const std::vector<VaeParams> members{member_params(GetParam(), 0), member_params(GetParam(), 1),
                                       member_params(GetParam(), 2)};
  const std::vector<TrainResult> stacked = run_stack(X, pointers(members), {}, torch::kFloat64);
  for (std::size_t m = 0; m < members.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    expect_same_model(stacked[m], trained_alone(X, members[m], torch::kFloat64), 1e-10);
  }
}

// The grouped convolutions a GPU runs (groups = M), here on the CPU, where the engine would
// convolve member by member: the same members.
TEST_P(StackedFamilyTest, GroupedConvolutionsGiveTheSameMembers) {
  if (GetParam() != Family::conv1d && GetParam() != Family::conv2d) GTEST_SKIP() << "no convolutions";
  const Eigen::MatrixXd X = data_for(GetParam());
  const std::vector<VaeParams> members{member_params(GetParam(), 0), member_params(GetParam(), 1),
                                       member_params(GetParam(), 2)};
  const auto grouped = run_stack(X, pointers(members), {}, torch::kFloat64, ConvolutionPath::grouped);
  const auto per_member = run_stack(X, pointers(members), {}, torch::kFloat64, ConvolutionPath::per_member);
  for (std::size_t m = 0; m < members.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    expect_same_model(grouped[m], trained_alone(X, members[m], torch::kFloat64), 1e-10);
    expect_same_model(per_member[m], grouped[m], 1e-10);
  }
}

// float32: rounding differences of the two orders of operations grow over the epochs.
TEST_P(StackedFamilyTest, MembersEqualTheTorchLoopAloneInFloat32) {
  const Eigen::MatrixXd X = data_for(GetParam());
  const std::vector<VaeParams> members{member_params(GetParam(), 0), member_params(GetParam(), 1)};
  const std::vector<TrainResult> stacked = train_stacked(X, pointers(members), {});
  for (std::size_t m = 0; m < members.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    expect_same_model(stacked[m], trained_alone(X, members[m], torch::kFloat32), 1e-5);
  }
}

TEST_P(StackedFamilyTest, AStackOfOneEqualsAlone) {
  const Eigen::MatrixXd X = data_for(GetParam());
  const VaeParams p = member_params(GetParam(), 1);
  expect_same_model(train_vae(X, p), trained_alone(X, p, torch::kFloat32), 1e-5);
}

// A member whose learning rate blows its weights up diverges; the others' numbers are those of
// the stack without it, to the last bit (no operation mixes members).
TEST_P(StackedFamilyTest, ADivergingMemberLeavesTheOthersUnchanged) {
  const Eigen::MatrixXd X = data_for(GetParam());
  std::vector<VaeParams> members{member_params(GetParam(), 0), member_params(GetParam(), 1),
                                 member_params(GetParam(), 2)};
  for (auto& p : members) p.epochs = 4;
  members[1].learning_rate = 1e20;  // Adam moves each weight by ~1e20 a step: float32 overflows
  const std::vector<TrainResult> with = train_stacked(X, pointers(members), {});
  const std::vector<VaeParams> without_members{members[0], members[2]};
  const std::vector<TrainResult> without = train_stacked(X, pointers(without_members), {});
  ASSERT_TRUE(with[1].diverged) << "the member meant to diverge trained to loss " << with[1].loss;
  EXPECT_LT(with[1].epochs_run, 4);
  for (std::size_t i : {0U, 2U}) {
    const TrainResult& w = with[i];
    const TrainResult& wo = without[i == 0 ? 0 : 1];
    ASSERT_FALSE(w.diverged) << w.message;
    EXPECT_EQ(w.loss_history, wo.loss_history);
    EXPECT_EQ(relative_difference(w.latent_mean, wo.latent_mean), 0.0);
  }
}

// A member's checkpoint is the torch engine's format: encode reads it back to the latent
// means the training reported.
TEST_P(StackedFamilyTest, MemberCheckpointsRoundTripThroughEncode) {
  test::TempDir dir;
  const Eigen::MatrixXd X = data_for(GetParam());
  std::vector<VaeParams> members{member_params(GetParam(), 0), member_params(GetParam(), 1)};
  members[1].checkpoint = dir / "member1.pt";
  const std::vector<TrainResult> results = train_stacked(X, pointers(members), {});
  ASSERT_TRUE(std::filesystem::exists(members[1].checkpoint));
  const Checkpoint c = read_checkpoint(members[1].checkpoint);
  EXPECT_EQ(c.params.seed, members[1].seed);
  EXPECT_EQ(c.params.hidden, members[1].hidden);
  const Eigen::MatrixXd Z = encode_with_checkpoint(members[1].checkpoint, X, members[1].condition);
  EXPECT_LE(relative_difference(Z, results[1].latent_mean), 1e-6);
}

// The meta device computes shapes, never values, and refuses to mix its tensors with another
// device's, as CUDA does: a step that creates a tensor on the CPU by mistake (a buffer without
// .device(), a host tensor not moved) throws here as it would on a GPU. The control proves the
// refusal is there to catch.
TEST_P(StackedFamilyTest, ATrainingStepStaysOnTheMetaDevice) {
  const torch::Device meta("meta");
  EXPECT_THROW(torch::ones({3}, torch::TensorOptions().device(meta)) + torch::ones({3}), c10::Error);
  if (GetParam() == Family::conv1d || GetParam() == Family::conv2d) {
    // LibTorch 1.13 has no meta kernel for convolutions (2.x has). The conv layers create no
    // tensor of their own (views of the flat parameters, then torch's ops): the MLP families
    // cover the gathering, noise, loss and Adam code that conv stacks share.
    try {
      const auto meta_options = torch::TensorOptions().device(meta);
      torch::conv1d(torch::ones({1, 2, 4}, meta_options), torch::ones({2, 1, 3}, meta_options), {}, 1, 1, 1, 2);
    } catch (const c10::Error&) {
      GTEST_SKIP() << "this LibTorch (" << torch_version() << ") cannot convolve on the meta device";
    }
  }
  const Eigen::MatrixXd X = data_for(GetParam());
  const std::vector<VaeParams> members{member_params(GetParam(), 0), member_params(GetParam(), 1)};
  StackedTrainer trainer(X, pointers(members), meta, torch::kFloat32);
  trainer.begin_epoch(0);
  trainer.step(0);
  trainer.step(64);  // the partial last batch
  EXPECT_TRUE(trainer.net().flat().device().is_meta());
  EXPECT_TRUE(trainer.net().flat_grad().device().is_meta());
}

TEST(PositionNoise, TensorOpsEqualTheCpuLoop) {
  const std::vector<std::uint64_t> seeds{0, 1, 0xdeadbeefULL, ~0ULL};
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor loop = position_noise(seeds, 3, 101, 5, f64);   // odd count of values
  const torch::Tensor ops = position_noise_by_tensor_ops(seeds, 3, 101, 5, f64);
  ASSERT_EQ(loop.sizes(), ops.sizes());
  EXPECT_LE((loop - ops).abs().max().item<double>(), 1e-13);
}

// A member's noise is a function of its seed, the epoch and the position alone.
TEST(PositionNoise, AMembersNoiseIgnoresItsStackMatesAndDiffersByEpoch) {
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor alone = position_noise({42}, 1, 50, 4, f64)[0];
  const torch::Tensor in_stack = position_noise({7, 42, 9}, 1, 50, 4, f64)[1];
  EXPECT_TRUE(torch::equal(alone, in_stack));
  EXPECT_FALSE(torch::equal(alone, position_noise({42}, 2, 50, 4, f64)[0]));
}

// N(0, 1): with 2e6 draws the mean's standard error is 7e-4 and the variance's 1e-3; the
// bounds are 5 standard errors. Adjacent values (a Box-Muller pair) are uncorrelated.
TEST(PositionNoise, IsStandardNormal) {
  const torch::Tensor v = position_noise({2024}, 0, 250000, 8, torch::TensorOptions().dtype(torch::kFloat64)).reshape({-1});
  EXPECT_NEAR(v.mean().item<double>(), 0.0, 5 * 7.1e-4);
  EXPECT_NEAR(v.var().item<double>(), 1.0, 5 * 1.0e-3);
  const torch::Tensor pairs = v.view({-1, 2});
  const double correlation = (pairs.select(1, 0) * pairs.select(1, 1)).mean().item<double>();
  EXPECT_NEAR(correlation, 0.0, 5 * 1.0e-3);
  // Kurtosis 3 (a normal's), standard error ~ sqrt(96 / 2e6) = 7e-3.
  EXPECT_NEAR(v.pow(4).mean().item<double>(), 3.0, 5 * 7e-3);
}

}  // namespace
}  // namespace vaesweep::models
