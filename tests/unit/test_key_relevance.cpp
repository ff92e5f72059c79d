// The conditions of the key table (study/key_relevance.hpp) under which a key does not change a
// unit's results. The expected answers are the rules docs/study-file.md states (and which the
// shipped studies' hashes, pinned by test_hash_identity.cpp, were computed with): model.beta is
// read only by models with a KL term, a table study extracts no audio features, the librosa
// preset fixes its STFT, text joined by label needs no id column, and so on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "study/key_relevance.hpp"
#include "study/study_schema.hpp"

namespace vaesweep {
namespace {

// Every decider at its default, then `changes` applied: what the grid hands the conditions.
Settings deciders(const std::vector<std::pair<std::string, Value>>& changes = {}) {
  Settings s;
  for (const char* key : kRelevanceDeciders) s[key] = Setting{find_key(key)->default_value, "default"};
  for (const auto& [key, value] : changes) s.at(key).value = value;
  return s;
}

Value list_of(std::initializer_list<const char*> names) {
  Value::List items;
  for (const char* n : names) items.emplace_back(n);
  return Value(items);
}

bool shapes(const std::string& key, const Settings& s) { return find_key(key)->shapes_unit(s); }

TEST(KeyRelevance, EveryConditionReadsOnlyTheDeciders) {
  // A deciders-only map: a condition that read any other key would throw std::out_of_range.
  const std::vector<Settings> cases = {
      deciders(), deciders({{"data.source", Value("table")}}), deciders({{"model.kind", Value("pca")}}),
      deciders({{"model.kind", Value("conv_vae")}, {"model.engine", Value("stacked")}}),
      deciders({{"features.modalities", list_of({"audio", "text"})}, {"text.join", Value("label")}}),
      deciders({{"cluster.methods", list_of({"spectral", "gmm", "dbscan", "agglomerative"})}})};
  for (const Settings& s : cases)
    for (const KeySpec& spec : study_keys()) EXPECT_NO_THROW(spec.shapes_unit(s)) << spec.key;
}

TEST(KeyRelevance, BetaShapesOnlyModelsWithAKlTerm) {
  for (const char* kind : {"vae", "cvae", "conv_vae"})
    EXPECT_TRUE(shapes("model.beta", deciders({{"model.kind", Value(kind)}}))) << kind;
  for (const char* kind : {"ae", "pca", "raw", "noop"})
    EXPECT_FALSE(shapes("model.beta", deciders({{"model.kind", Value(kind)}}))) << kind;
  // The warm-up length matters only under the linear schedule.
  EXPECT_FALSE(shapes("model.warmup_epochs", deciders()));
  EXPECT_TRUE(shapes("model.warmup_epochs", deciders({{"model.kl_schedule", Value("linear")}})));
}

TEST(KeyRelevance, ExtractionKeysShapeOnlyExtractedAudio) {
  EXPECT_TRUE(shapes("features.n_fft", deciders({{"data.source", Value("audio")}})));
  EXPECT_FALSE(shapes("features.n_fft", deciders({{"data.source", Value("table")}})));
  EXPECT_FALSE(shapes("features.n_fft", deciders({{"features.kind", Value("librosa")}})));
  EXPECT_FALSE(shapes("features.n_fft", deciders({{"features.modalities", list_of({"text"})}})));
  // A table is still standardised; a text-only study has no audio columns to standardise.
  EXPECT_TRUE(shapes("features.standardize", deciders({{"data.source", Value("table")}})));
  EXPECT_FALSE(shapes("features.standardize", deciders({{"features.modalities", list_of({"text"})}})));
  EXPECT_TRUE(shapes("features.modalities", deciders({{"data.source", Value("table")}})));
}

TEST(KeyRelevance, TextKeysFollowTheSourceAndTheJoin) {
  const auto both = list_of({"audio", "text"});
  EXPECT_FALSE(shapes("text.id_column", deciders()));  // audio only
  EXPECT_TRUE(shapes("text.id_column", deciders({{"features.modalities", both}})));
  EXPECT_FALSE(shapes("text.id_column", deciders({{"features.modalities", both}, {"text.join", Value("label")}})));
  EXPECT_TRUE(shapes("text.pair_seed", deciders({{"features.modalities", both}, {"text.join", Value("label")}})));
  EXPECT_FALSE(shapes("text.dimension", deciders({{"features.modalities", both}, {"text.source", Value("embeddings")}})));
  EXPECT_TRUE(shapes("features.fusion", deciders({{"features.modalities", both}})));
  EXPECT_FALSE(shapes("features.fusion", deciders()));
}

TEST(KeyRelevance, ClusterKeysShapeOnlyTheMethodsThatReadThem) {
  EXPECT_FALSE(shapes("cluster.linkage", deciders()));  // kmeans only
  EXPECT_TRUE(shapes("cluster.linkage", deciders({{"cluster.methods", list_of({"agglomerative"})}})));
  EXPECT_TRUE(shapes("cluster.n_init", deciders({{"cluster.methods", list_of({"spectral"})}})));
  EXPECT_FALSE(shapes("cluster.max_iter", deciders({{"cluster.methods", list_of({"spectral"})}})));
  EXPECT_FALSE(shapes("cluster.gamma", deciders({{"cluster.methods", list_of({"spectral"})}})));
  EXPECT_TRUE(shapes("cluster.gamma",
                     deciders({{"cluster.methods", list_of({"spectral"})}, {"cluster.affinity", Value("rbf")}})));
}

TEST(KeyRelevance, TheEngineIsPartOfATrainedModelsIdentityOnly) {
  EXPECT_TRUE(shapes("model.engine", deciders()));
  EXPECT_FALSE(shapes("model.engine", deciders({{"model.kind", Value("pca")}})));
  // conv_vae trained with torch whatever model.engine said before the stacked engine existed.
  EXPECT_FALSE(shapes("model.engine", deciders({{"model.kind", Value("conv_vae")}})));
  EXPECT_TRUE(shapes("model.engine", deciders({{"model.kind", Value("conv_vae")}, {"model.engine", Value("stacked")}})));
  EXPECT_TRUE(shapes("model.noop_seconds", deciders({{"model.kind", Value("noop")}})));
  EXPECT_FALSE(shapes("model.latent_dim", deciders({{"model.kind", Value("noop")}})));
  EXPECT_TRUE(shapes("model.latent_dim", deciders({{"model.kind", Value("pca")}})));
}

TEST(KeyRelevance, DescriptiveKeysNeverShapeAUnit) {
  for (const char* key : {"study.name", "data.cache_dir", "model.checkpoints", "evaluation.store_latents", "slurm.time"})
    EXPECT_FALSE(shapes(key, deciders())) << key;
  EXPECT_TRUE(shapes("study.seed", deciders()));
}

}  // namespace
}  // namespace vaesweep
