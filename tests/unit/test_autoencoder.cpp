// The deterministic autoencoder (variational = false), MLP and conv1d: no KL anywhere, the
// loss is the reconstruction, codes still learn the planted classes, runs are reproducible.
#include <gtest/gtest.h>

#include "models/vae.hpp"
#include "vae_test_data.hpp"

namespace vaesweep::models {
namespace {

VaeParams mlp_ae(std::uint64_t seed) {
  VaeParams p = test::small_params(seed);
  p.variational = false;
  return p;
}

VaeParams conv1d_ae(std::uint64_t seed) {
  VaeParams p = mlp_ae(seed);
  p.architecture = Architecture::conv1d;
  p.input_shape = {4, 16};
  p.hidden = {8, 8};
  p.latent_dim = 2;
  p.epochs = 25;
  return p;
}

class AutoencoderTest : public ::testing::Test {
 protected:
  void SetUp() override { use_threads(1); }
};

void expect_autoencoder(const Eigen::MatrixXd& X, VaeParams p) {
  p.beta = 3.0;  // must not matter: there is no KL term to weigh
  p.reconstruction_examples = 2;
  const TrainResult r = train_vae(X, p);
  ASSERT_FALSE(r.diverged) << r.message;
  EXPECT_EQ(r.latent_mean.rows(), X.rows());
  EXPECT_EQ(r.latent_mean.cols(), p.latent_dim);
  EXPECT_EQ(r.example_output.rows(), 2);
  EXPECT_EQ(r.example_output.cols(), X.cols());
  EXPECT_EQ(r.kl, 0.0);
  EXPECT_EQ(r.kl_per_dim, std::vector<double>(static_cast<std::size_t>(p.latent_dim), 0.0));
  EXPECT_EQ(r.loss, r.reconstruction);
  EXPECT_LT(r.loss_history.back(), 0.5 * r.loss_history.front());
  EXPECT_GE(r.active_units, 1);  // codes of two far-apart classes vary
  EXPECT_GT(test::class_separation(r.latent_mean), 4.0);
}

void expect_deterministic(const Eigen::MatrixXd& X, VaeParams p) {
  p.epochs = 5;
  const TrainResult a = train_vae(X, p);
  const TrainResult b = train_vae(X, p);
  p.seed += 1;
  const TrainResult c = train_vae(X, p);
  EXPECT_TRUE(a.latent_mean == b.latent_mean);  // bit-identical on CPU
  EXPECT_EQ(a.loss_history, b.loss_history);
  EXPECT_FALSE(a.latent_mean == c.latent_mean);
}

TEST_F(AutoencoderTest, MlpHasNoKlAndLearnsTheBlobs) { expect_autoencoder(test::blobs(64, 1), mlp_ae(1)); }
TEST_F(AutoencoderTest, MlpSameSeedSameNumbersOtherSeedOtherNumbers) {
  expect_deterministic(test::blobs(32, 2), mlp_ae(2));
}
TEST_F(AutoencoderTest, Conv1dHasNoKlAndLearnsThePatterns) {
  expect_autoencoder(test::sine_frames(64, 4, 16, 3), conv1d_ae(3));
}
TEST_F(AutoencoderTest, Conv1dSameSeedSameNumbersOtherSeedOtherNumbers) {
  expect_deterministic(test::sine_frames(32, 4, 16, 4), conv1d_ae(4));
}

}  // namespace
}  // namespace vaesweep::models
