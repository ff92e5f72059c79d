// The text modality of a feature table: pairing rows with lyrics or embeddings by track id or
// by a shared label, and the balanced fusion of audio and text blocks.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "cluster/kmeans.hpp"
#include "data/modalities.hpp"
#include "data/text_block.hpp"
#include "metrics/external.hpp"
#include "temp_dir.hpp"
#include "text/ngram_embedder.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::data {
namespace {

using test::expect_user_error_naming;

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

// Rows t1..t4 with a language label ("eng" x2, "bng" x2), no feature columns.
FeatureTable rows() {
  FeatureTable t;
  t.ids = t.track_ids = {"t1", "t2", "t3", "t4"};
  t.labels.push_back(encode_labels("language", {"eng", "bng", "eng", "bng"}));
  t.X.resize(4, 0);
  return t;
}

double total_variance(const Eigen::MatrixXd& X) {
  return (X.rowwise() - X.colwise().mean()).array().square().sum() / static_cast<double>(X.rows());
}

TEST(TextModality, PairedByTrackIdInTheTablesOrder) {
  test::TempDir dir;
  // The lyrics file lists the tracks in another order, with one extra track.
  write(dir / "lyrics.csv",
        "id,lyrics\nt3,\"sun and rain\"\nt1,\"love song, again\"\nt9,unused\nt4,\"আমার সোনার\"\nt2,\"বাংলা গান\"\n");
  TextSpec spec;
  spec.path = dir / "lyrics.csv";
  spec.dimension = 64;
  const TextBlock block = text_block(rows(), spec, {});
  // Expected: the embedder fitted on the four lyrics in row order.
  text::NgramEmbedderParams p;
  p.dimension = 64;
  text::NgramEmbedder embedder(p);
  const Eigen::MatrixXd expected = embedder.fit_transform({"love song, again", "বাংলা গান", "sun and rain", "আমার সোনার"});
  EXPECT_TRUE(block.X.isApprox(expected, 1e-15));
  EXPECT_EQ(block.names.size(), 64u);
  EXPECT_NE(block.note.find("paired by track id (id)"), std::string::npos) << block.note;
}

TEST(TextModality, AMissingTrackIsNamed) {
  test::TempDir dir;
  write(dir / "lyrics.csv", "path,lyrics\nt1,a\nt2,b\nt3,c\n");
  TextSpec spec;
  spec.path = dir / "lyrics.csv";
  expect_user_error_naming([&] { text_block(rows(), spec, {}); }, "no text for 1 of 4 rows (track ids t4)");
  spec.column = "words";
  expect_user_error_naming([&] { text_block(rows(), spec, {}); }, "words");
}

TEST(TextModality, UnpairedCorporaDrawTextsWithTheSameLabel) {
  test::TempDir dir;
  // English lyrics in Latin script, Bangla in Bengali script: the draw must keep them apart.
  write(dir / "lyrics.csv",
        "language,lyrics\nen,the love song one\nbn,আমার সোনার বাংলা এক\nen,the love song two\n"
        "bn,আমার সোনার বাংলা দুই\nen,the love song three\nbn,আমার সোনার বাংলা তিন\n");
  FeatureTable t;
  t.ids = t.track_ids = {"a", "b", "c", "d", "e", "f", "g", "h"};
  t.labels.push_back(encode_labels("language", {"eng", "bng", "eng", "bng", "eng", "bng", "eng", "bng"}));
  t.X.resize(8, 0);
  TextSpec spec;
  spec.path = dir / "lyrics.csv";
  spec.join = TextJoin::label;
  spec.dimension = 128;
  expect_user_error_naming([&] { text_block(t, spec, {}); }, "text.label_map pairs spellings");
  spec.label_map = {"eng=en", "bng=bn"};
  const TextBlock block = text_block(t, spec, {});
  EXPECT_NE(block.note.find("unpaired"), std::string::npos);
  // Planted: each language's lyrics share words (and a script), so k = 2 recovers them exactly.
  cluster::KMeansParams p;
  p.k = 2;
  EXPECT_DOUBLE_EQ(metrics::adjusted_rand_index(t.labels[0].codes, cluster::kmeans(block.X, p).labels), 1.0);
  // Without replacement: the first three English rows get the three English lyrics.
  std::set<std::vector<double>> english;
  for (int r : {0, 2, 4}) english.insert(std::vector<double>(block.X.row(r).begin(), block.X.row(r).end()));
  EXPECT_EQ(english.size(), 3u);
  // The draw is fixed by text.pair_seed.
  EXPECT_TRUE(text_block(t, spec, {}).X == block.X);
  spec.pair_seed = 5;
  EXPECT_FALSE(text_block(t, spec, {}).X == block.X);
}

TEST(TextModality, EmbeddingsArePairedByTrackId) {
  test::TempDir dir;
  write(dir / "emb.csv", "id,e0,e1\nt4,4,40\nt2,2,20\nt1,1,10\nt3,3,30\n");
  TextSpec spec;
  spec.source = TextSource::embeddings;
  spec.path = dir / "emb.csv";
  const TextBlock block = text_block(rows(), spec, {});
  Eigen::MatrixXd expected(4, 2);
  expected << 1, 10, 2, 20, 3, 30, 4, 40;
  EXPECT_TRUE(block.X == expected);
  spec.join = TextJoin::label;
  expect_user_error_naming([&] { text_block(rows(), spec, {}); }, "paired by track id");
}

TEST(TextModality, BlocksGetEqualSharesOfTheVarianceTimesTheirWeights) {
  // Analytic: D = 6 columns in 2 blocks, so each block's total variance is w^2 * 3.
  Eigen::MatrixXd audio(4, 4), text(4, 2);
  audio << 1, 2, 3, 4, -1, 0, 5, 2, 3, 3, 1, 0, 0, -2, 2, 7;
  text << 0.1, 0.0, 0.0, 0.1, 0.05, 0.05, 0.1, 0.1;
  FeatureTable t = rows();
  t.X = audio;
  FeatureSpec spec;
  spec.text_weight = 2.0;
  TextBlock block{text, {"text_0", "text_1"}, ""};
  add_text_modality(t, block, spec);
  ASSERT_EQ(t.X.cols(), 6);
  ASSERT_EQ(t.blocks.size(), 2u);
  EXPECT_NEAR(total_variance(block_columns(t, "audio")), 3.0, 1e-12);
  EXPECT_NEAR(total_variance(block_columns(t, "text")), 4.0 * 3.0, 1e-12);
  // One factor per block: the geometry inside a block is kept.
  const Eigen::MatrixXd a = block_columns(t, "audio");
  EXPECT_NEAR(a(0, 1) / a(0, 0), 2.0, 1e-12);
  // Text alone: mean column variance 1, like standardised audio.
  FeatureTable only = rows();
  add_text_modality(only, block, spec);
  EXPECT_NEAR(total_variance(only.X), 2.0, 1e-12);
  expect_user_error_naming([&] { block_columns(only, "audio"); }, "no audio columns");
}

}  // namespace
}  // namespace vaesweep::data
