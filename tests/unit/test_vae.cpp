// The MLP VAE: shapes, learning, determinism, posterior collapse, divergence, the KL schedule
// and the reconstruction examples.
#include <gtest/gtest.h>

#include "models/vae.hpp"
#include "vae_test_data.hpp"

namespace vaesweep::models {
namespace {

using test::blobs;

VaeParams small(std::uint64_t seed) { return test::small_params(seed); }

class VaeTest : public ::testing::Test {
 protected:
  void SetUp() override { use_threads(1); }
};

TEST_F(VaeTest, ShapesAndLossGoesDown) {
  const auto X = blobs(64, 1);
  const TrainResult r = train_vae(X, small(3));
  EXPECT_EQ(r.latent_mean.rows(), 64);
  EXPECT_EQ(r.latent_mean.cols(), 3);
  EXPECT_FALSE(r.diverged);
  EXPECT_EQ(r.epochs_run, 30);
  ASSERT_EQ(r.loss_history.size(), 30u);
  EXPECT_LT(r.loss_history.back(), 0.5 * r.loss_history.front());
  EXPECT_EQ(r.kl_per_dim.size(), 3u);
  EXPECT_NEAR(r.loss, r.reconstruction + 1.0 * r.kl, 1e-9);
  EXPECT_GE(r.active_units, 1);  // the two blobs must be told apart somewhere
  EXPECT_TRUE(r.example_rows.empty());  // none asked for
  EXPECT_EQ(r.example_input.size(), 0);
}

TEST_F(VaeTest, SameSeedSameNumbersOtherSeedOtherNumbers) {
  const auto X = blobs(48, 2);
  const TrainResult a = train_vae(X, small(11));
  const TrainResult b = train_vae(X, small(11));
  const TrainResult c = train_vae(X, small(12));
  EXPECT_TRUE(a.latent_mean == b.latent_mean);  // bit-identical on CPU
  EXPECT_EQ(a.loss_history, b.loss_history);
  EXPECT_FALSE(a.latent_mean == c.latent_mean);
  EXPECT_NE(a.loss_history, c.loss_history);
}

TEST_F(VaeTest, HugeBetaCollapsesThePosterior) {
  // With beta = 1000 the KL term dominates: q(z|x) matches the prior, no unit stays active.
  auto p = small(5);
  p.beta = 1000.0;
  p.epochs = 60;
  const TrainResult r = train_vae(blobs(64, 3), p);
  EXPECT_EQ(r.active_units, 0);
  EXPECT_LT(r.kl, 0.05);
}

TEST_F(VaeTest, NonFiniteLossMarksDivergence) {
  Eigen::MatrixXd X = blobs(32, 4);
  X(3, 2) = 1e30;  // squared error overflows float32
  const TrainResult r = train_vae(X, small(1));
  EXPECT_TRUE(r.diverged);
  EXPECT_EQ(r.epochs_run, 1);
  EXPECT_NE(r.message.find("epoch 1"), std::string::npos) << r.message;
}

TEST_F(VaeTest, LinearScheduleWithOneWarmupEpochIsTheConstantSchedule) {
  // Analytic: with W = 1 the weight of epoch e is beta * min(1, (e + 1) / 1) = beta, every epoch.
  const auto X = blobs(48, 5);
  auto p = small(7);
  p.beta = 2.0;
  p.epochs = 8;
  const TrainResult constant = train_vae(X, p);
  p.kl_schedule = KlSchedule::linear;
  p.warmup_epochs = 1;
  const TrainResult linear = train_vae(X, p);
  EXPECT_EQ(constant.loss_history, linear.loss_history);
  EXPECT_TRUE(constant.latent_mean == linear.latent_mean);
  p.warmup_epochs = 0;  // documented: no warmup means the constant schedule
  EXPECT_EQ(train_vae(X, p).loss_history, constant.loss_history);
}

TEST_F(VaeTest, WarmupChangesTheFirstEpochButTheFinalLossUsesBeta) {
  // With W = 5 epoch 0 weighs the KL by beta / 5, so its loss differs from the constant
  // schedule's; the evaluation after training weighs it by beta whatever the schedule.
  const auto X = blobs(48, 6);
  auto p = small(8);
  p.beta = 4.0;
  p.epochs = 8;
  const TrainResult constant = train_vae(X, p);
  p.kl_schedule = KlSchedule::linear;
  p.warmup_epochs = 5;
  const TrainResult warm = train_vae(X, p);
  EXPECT_NE(warm.loss_history.front(), constant.loss_history.front());
  EXPECT_NEAR(warm.loss, warm.reconstruction + 4.0 * warm.kl, 1e-9);
}

TEST_F(VaeTest, ReconstructionExamplesAreEvenlySpacedRowsOfX) {
  const auto X = blobs(10, 7);
  auto p = small(9);
  p.epochs = 3;
  p.reconstruction_examples = 4;
  const TrainResult r = train_vae(X, p);
  // Rows i * 9 / 3 for i = 0..3: first and last included.
  EXPECT_EQ(r.example_rows, (std::vector<std::int64_t>{0, 3, 6, 9}));
  ASSERT_EQ(r.example_input.rows(), 4);
  ASSERT_EQ(r.example_output.rows(), 4);
  EXPECT_EQ(r.example_output.cols(), X.cols());
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(r.example_input.row(i) == X.row(r.example_rows[i]));

  p.reconstruction_examples = 1;
  EXPECT_EQ(train_vae(X, p).example_rows, (std::vector<std::int64_t>{0}));
}

TEST_F(VaeTest, ExamplesOfEveryRowReproduceTheReconstructionError) {
  // Asking for more examples than rows gives every row; the reconstruction error is defined
  // on the same decoder outputs, so their mean squared error summed over features is it.
  const auto X = blobs(12, 8);
  auto p = small(10);
  p.epochs = 5;
  p.reconstruction_examples = 100;
  const TrainResult r = train_vae(X, p);
  ASSERT_EQ(r.example_rows.size(), 12u);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(r.example_rows[i], i);
  const double error = (r.example_output - r.example_input).array().square().rowwise().sum().mean();
  EXPECT_NEAR(error, r.reconstruction, 1e-4 * r.reconstruction);
}

}  // namespace
}  // namespace vaesweep::models
