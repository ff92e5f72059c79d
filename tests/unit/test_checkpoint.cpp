// Checkpoints: what train_vae writes, read_checkpoint reads back, encode_with_checkpoint
// reproduces the trained latent means bit for bit, and every bad file or misfit input is a
// UserError naming the file.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "models/vae.hpp"
#include "temp_dir.hpp"
#include "user_error_expect.hpp"
#include "vae_test_data.hpp"

namespace vaesweep::models {
namespace {

using test::expect_user_error_naming;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override { use_threads(1); }
  test::TempDir dir;
};

VaeParams with_checkpoint(VaeParams p, const std::filesystem::path& file) {
  p.epochs = 5;
  p.checkpoint = file;
  p.checkpoint_notes = {{"feature names", "a,b,c"}, {"unit.hash", "0123abcd"}, {"empty", ""}};
  return p;
}

// Trains with a checkpoint, then checks the description and the re-encoding against the
// training result: the same network and weights on the same X must give the same bits.
void expect_round_trip(const Eigen::MatrixXd& X, const VaeParams& p) {
  const TrainResult r = train_vae(X, p);
  ASSERT_FALSE(r.diverged) << r.message;
  const Checkpoint c = read_checkpoint(p.checkpoint);
  EXPECT_EQ(c.params.architecture, p.architecture);
  EXPECT_EQ(c.params.variational, p.variational);
  EXPECT_EQ(c.params.hidden, p.hidden);
  EXPECT_EQ(c.params.input_shape, p.input_shape);
  EXPECT_EQ(c.params.latent_dim, p.latent_dim);
  EXPECT_EQ(c.params.beta, p.beta);
  EXPECT_EQ(c.params.kl_schedule, p.kl_schedule);
  EXPECT_EQ(c.params.warmup_epochs, p.warmup_epochs);
  EXPECT_EQ(c.params.epochs, p.epochs);
  EXPECT_EQ(c.params.batch_size, p.batch_size);
  EXPECT_EQ(c.params.learning_rate, p.learning_rate);
  EXPECT_EQ(c.params.seed, p.seed);
  EXPECT_EQ(c.params.device, p.device);
  EXPECT_EQ(c.input_dim, X.cols());
  EXPECT_EQ(c.condition_dim, p.condition.cols());
  EXPECT_EQ(c.notes, p.checkpoint_notes);
  const Eigen::MatrixXd Z = encode_with_checkpoint(p.checkpoint, X, p.condition);
  EXPECT_TRUE(Z == r.latent_mean) << "max difference " << (Z - r.latent_mean).cwiseAbs().maxCoeff();
}

TEST_F(CheckpointTest, MlpVaeRoundTrip) {
  auto p = with_checkpoint(test::small_params(1), dir / "mlp.pt");
  p.seed = 0xfedcba9876543210ull;  // all 64 bits must survive
  p.kl_schedule = KlSchedule::linear;
  p.warmup_epochs = 3;
  expect_round_trip(test::blobs(40, 1), p);
  // The temporary file was renamed onto the checkpoint: nothing else is left in the folder.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST_F(CheckpointTest, Conv2dVaeRoundTrip) {
  auto p = with_checkpoint(test::small_params(2), dir / "conv2d.pt");
  p.architecture = Architecture::conv2d;
  p.input_shape = {8, 6};
  p.hidden = {4, 8};
  expect_round_trip(test::stripe_images(24, 8, 6, 2), p);
}

TEST_F(CheckpointTest, CvaeRoundTrip) {
  auto p = with_checkpoint(test::small_params(3), dir / "cvae.pt");
  p.condition = test::class_one_hot(40);
  expect_round_trip(test::blobs(40, 3), p);
}

TEST_F(CheckpointTest, Conv1dAutoencoderRoundTrip) {
  auto p = with_checkpoint(test::small_params(4), dir / "ae.pt");
  p.architecture = Architecture::conv1d;
  p.variational = false;
  p.input_shape = {4, 16};
  p.hidden = {8};
  expect_round_trip(test::sine_frames(24, 4, 16, 4), p);
}

TEST_F(CheckpointTest, MissingGarbageAndTruncatedFilesAreUserErrorsNamingTheFile) {
  const auto missing = dir / "missing.pt";
  expect_user_error_naming([&] { read_checkpoint(missing); }, missing.string());

  const auto garbage = dir / "garbage.pt";
  std::ofstream(garbage) << "this is not a zip archive\n";
  expect_user_error_naming([&] { read_checkpoint(garbage); }, garbage.string());
  expect_user_error_naming([&] { encode_with_checkpoint(garbage, test::blobs(4, 1)); }, garbage.string());

  // The first half of a real checkpoint, as a crash mid-copy would leave it.
  const auto whole = dir / "whole.pt";
  train_vae(test::blobs(16, 5), with_checkpoint(test::small_params(5), whole));
  std::ifstream in(whole, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto truncated = dir / "truncated.pt";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  expect_user_error_naming([&] { read_checkpoint(truncated); }, truncated.string());
}

TEST_F(CheckpointTest, DataOrConditionOfAnotherWidthIsAUserErrorNamingBothWidths) {
  const auto file = dir / "six.pt";
  auto p = with_checkpoint(test::small_params(6), file);
  p.condition = test::class_one_hot(16);
  train_vae(test::blobs(16, 6), p);
  const std::string width = test::user_error([&] { encode_with_checkpoint(file, test::blobs(16, 6, 5), p.condition); });
  EXPECT_NE(width.find(file.string()), std::string::npos) << width;
  EXPECT_NE(width.find("6 features"), std::string::npos) << width;
  EXPECT_NE(width.find("has 5"), std::string::npos) << width;
  const std::string condition = test::user_error([&] { encode_with_checkpoint(file, test::blobs(16, 6)); });
  EXPECT_NE(condition.find(file.string()), std::string::npos) << condition;
  EXPECT_NE(condition.find("2 columns"), std::string::npos) << condition;
  EXPECT_NE(condition.find("has 0"), std::string::npos) << condition;
}

TEST_F(CheckpointTest, DivergedOrAbandonedTrainingWritesNoCheckpoint) {
  Eigen::MatrixXd X = test::blobs(16, 7);
  X(3, 2) = 1e30;  // squared error overflows float32: diverges in epoch 1
  const auto diverged = dir / "diverged.pt";
  EXPECT_TRUE(train_vae(X, with_checkpoint(test::small_params(7), diverged)).diverged);
  EXPECT_FALSE(std::filesystem::exists(diverged));

  const auto abandoned = dir / "abandoned.pt";
  auto p = with_checkpoint(test::small_params(7), abandoned);
  p.should_abandon = [] { return true; };
  EXPECT_TRUE(train_vae(test::blobs(16, 7), p).abandoned);
  EXPECT_FALSE(std::filesystem::exists(abandoned));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 0);
}

TEST_F(CheckpointTest, UnwritableFolderIsAUserErrorNamingTheFile) {
  const auto file = dir / "no" / "such" / "folder.pt";
  expect_user_error_naming([&] { train_vae(test::blobs(16, 8), with_checkpoint(test::small_params(8), file)); },
                           file.string());
}

}  // namespace
}  // namespace vaesweep::models
