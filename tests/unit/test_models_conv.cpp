// The convolutional VAEs: conv1d over (channels, frames) rows, conv2d over (bands, frames)
// images. Shapes, learning on planted patterns, determinism, posterior collapse, sizes that do
// not halve evenly, and input shapes that do not fit X.
#include <gtest/gtest.h>

#include <stdexcept>

#include "models/vae.hpp"
#include "vae_test_data.hpp"

namespace vaesweep::models {
namespace {

VaeParams conv1d(std::uint64_t seed, int channels, int frames) {
  VaeParams p = test::small_params(seed);
  p.architecture = Architecture::conv1d;
  p.input_shape = {channels, frames};
  p.hidden = {8, 8};
  p.latent_dim = 2;
  p.epochs = 25;
  return p;
}

VaeParams conv2d(std::uint64_t seed, int bands, int frames) {
  VaeParams p = conv1d(seed, bands, frames);
  p.architecture = Architecture::conv2d;
  return p;
}

class ConvVaeTest : public ::testing::Test {
 protected:
  void SetUp() override { use_threads(1); }
};

// The checks every architecture passes on data with two planted classes.
void expect_learns_planted_classes(const Eigen::MatrixXd& X, VaeParams p) {
  p.reconstruction_examples = 3;
  const TrainResult r = train_vae(X, p);
  ASSERT_FALSE(r.diverged) << r.message;
  EXPECT_EQ(r.latent_mean.rows(), X.rows());
  EXPECT_EQ(r.latent_mean.cols(), p.latent_dim);
  EXPECT_EQ(r.kl_per_dim.size(), static_cast<std::size_t>(p.latent_dim));
  EXPECT_EQ(r.example_input.rows(), 3);
  EXPECT_EQ(r.example_input.cols(), X.cols());
  EXPECT_EQ(r.example_output.rows(), 3);
  EXPECT_EQ(r.example_output.cols(), X.cols());
  EXPECT_LT(r.loss_history.back(), 0.5 * r.loss_history.front());
  EXPECT_GE(r.active_units, 1);
  EXPECT_GT(test::class_separation(r.latent_mean), 4.0);  // the classes are apart in the latent space
}

void expect_deterministic(const Eigen::MatrixXd& X, const VaeParams& p) {
  const TrainResult a = train_vae(X, p);
  const TrainResult b = train_vae(X, p);
  VaeParams other = p;
  other.seed = p.seed + 1;
  const TrainResult c = train_vae(X, other);
  EXPECT_TRUE(a.latent_mean == b.latent_mean);  // bit-identical on CPU
  EXPECT_EQ(a.loss_history, b.loss_history);
  EXPECT_FALSE(a.latent_mean == c.latent_mean);
  EXPECT_NE(a.loss_history, c.loss_history);
}

void expect_collapse_with_huge_beta(const Eigen::MatrixXd& X, VaeParams p) {
  // beta = 1000: the KL term dominates and q(z|x) becomes the prior for every x.
  p.beta = 1000.0;
  p.epochs = 40;
  const TrainResult r = train_vae(X, p);
  EXPECT_EQ(r.active_units, 0);
  EXPECT_LT(r.kl, 0.05);
}

TEST_F(ConvVaeTest, Conv1dLearnsTwoPlantedPatterns) {
  expect_learns_planted_classes(test::sine_frames(64, 4, 16, 1), conv1d(1, 4, 16));
}
TEST_F(ConvVaeTest, Conv1dSameSeedSameNumbersOtherSeedOtherNumbers) {
  auto p = conv1d(2, 4, 16);
  p.epochs = 5;
  expect_deterministic(test::sine_frames(32, 4, 16, 2), p);
}
TEST_F(ConvVaeTest, Conv1dHugeBetaCollapsesThePosterior) {
  expect_collapse_with_huge_beta(test::sine_frames(64, 4, 16, 3), conv1d(3, 4, 16));
}

TEST_F(ConvVaeTest, Conv2dLearnsTwoPlantedPatterns) {
  expect_learns_planted_classes(test::stripe_images(64, 8, 8, 4), conv2d(4, 8, 8));
}
TEST_F(ConvVaeTest, Conv2dSameSeedSameNumbersOtherSeedOtherNumbers) {
  auto p = conv2d(5, 8, 8);
  p.epochs = 5;
  expect_deterministic(test::stripe_images(32, 8, 8, 5), p);
}
TEST_F(ConvVaeTest, Conv2dHugeBetaCollapsesThePosterior) {
  expect_collapse_with_huge_beta(test::stripe_images(64, 8, 8, 6), conv2d(6, 8, 8));
}

TEST_F(ConvVaeTest, OddAndTinySizesAreRestoredExactly) {
  // Lengths 7 -> 4 -> 2 -> 1 and 5 -> 3 -> 2 -> 1 (ceil halving): the decoder must undo each
  // step with the right output padding, or the reconstruction would not have X's width.
  auto p1 = conv1d(7, 3, 7);
  p1.hidden = {4, 4, 4};
  p1.epochs = 2;
  p1.reconstruction_examples = 2;
  const TrainResult r1 = train_vae(test::sine_frames(8, 3, 7, 7), p1);
  EXPECT_FALSE(r1.diverged);
  EXPECT_EQ(r1.example_output.cols(), 21);

  auto p2 = conv2d(8, 5, 7);
  p2.hidden = {4, 4, 4};
  p2.epochs = 2;
  p2.reconstruction_examples = 2;
  const TrainResult r2 = train_vae(test::stripe_images(8, 5, 7, 8), p2);
  EXPECT_FALSE(r2.diverged);
  EXPECT_EQ(r2.example_output.cols(), 35);

  auto p3 = conv2d(9, 1, 1);  // a single pixel still convolves: every size stays >= 1
  p3.epochs = 2;
  EXPECT_FALSE(train_vae(test::blobs(8, 9, 1), p3).diverged);
}

TEST_F(ConvVaeTest, InputShapeThatDoesNotFitXIsRefused) {
  const auto X = test::sine_frames(8, 4, 16, 10);
  auto p = conv1d(10, 4, 15);  // 60 != 64 columns
  EXPECT_THROW(train_vae(X, p), std::invalid_argument);
  p.input_shape = {64};  // one size only
  EXPECT_THROW(train_vae(X, p), std::invalid_argument);
  p.input_shape = {};
  p.architecture = Architecture::conv2d;
  EXPECT_THROW(train_vae(X, p), std::invalid_argument);
}

}  // namespace
}  // namespace vaesweep::models
