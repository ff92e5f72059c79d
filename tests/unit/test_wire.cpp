// The one codec (engine/wire.hpp) and the messages declared with it: each type's encoding as the
// header documents it (bytes built by hand here), round trips, and damaged bytes refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/wire.hpp"
#include "pipeline/feature_message.hpp"
#include "results/records.hpp"
#include "results/shards.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::engine {
namespace {

using test::expect_user_error_naming;

struct Inner {
  std::string name;
  std::vector<int> codes;
};
constexpr Wire<&Inner::name, &Inner::codes> wire_of(const Inner*) { return {}; }

enum class Colour : std::int16_t { red = 3, blue = -2 };

struct Outer {
  std::int64_t id = 0;
  bool flag = false;
  double x = 0;
  Colour colour = Colour::red;
  std::filesystem::path file;
  std::vector<Inner> inners;
  std::vector<std::pair<std::string, double>> pairs;
  std::vector<std::string> names;
};
constexpr Wire<&Outer::id, &Outer::flag, &Outer::x, &Outer::colour, &Outer::file, &Outer::inners, &Outer::pairs,
               &Outer::names>
wire_of(const Outer*) {
  return {};
}

struct Partly {
  int sent = 0;
  int kept = 0;
};
constexpr PartialWire<&Partly::sent> wire_of(const Partly*) { return {}; }

Outer sample() {
  Outer o;
  o.id = -7;
  o.flag = true;
  o.x = 0.1;
  o.colour = Colour::blue;
  o.file = "/data/a b/c.mp3";
  o.inners = {{"genre", {0, -1, 2}}, {"", {}}};
  o.pairs = {{"beta", 4.0}, {"lr", 1e-3}};
  o.names = {"x", "", "Café"};
  return o;
}

// The documented encodings, written out by hand.
std::string expected_bytes(const Outer& o) {
  ByteWriter w;
  w.put<std::int64_t>(o.id);
  w.put<std::uint8_t>(1);
  w.put<double>(o.x);
  w.put<std::int16_t>(-2);
  w.put_string(o.file.string());
  w.put<std::uint64_t>(2);
  w.put_string("genre"), w.put_vector(std::vector<int>{0, -1, 2});
  w.put_string(""), w.put<std::uint64_t>(0);  // an empty list: its length alone
  w.put<std::uint64_t>(2);
  w.put_string("beta"), w.put<double>(4.0);
  w.put_string("lr"), w.put<double>(1e-3);
  w.put<std::uint64_t>(o.names.size());
  for (const auto& name : o.names) w.put_string(name);
  return w.release();
}

TEST(Wire, EachTypeIsEncodedAsTheHeaderSays) {
  EXPECT_EQ(to_bytes(sample()), expected_bytes(sample()));
  EXPECT_EQ(member_count<Outer>, 8u);
  EXPECT_EQ(member_count<Inner>, 2u);
}

TEST(Wire, RoundTripsEveryMember) {
  const Outer in = sample();
  const Outer out = from_bytes<Outer>(to_bytes(in), "a test message");
  EXPECT_EQ(out.id, in.id);
  EXPECT_EQ(out.flag, in.flag);
  EXPECT_EQ(out.x, in.x);
  EXPECT_EQ(out.colour, in.colour);
  EXPECT_EQ(out.file, in.file);
  ASSERT_EQ(out.inners.size(), 2u);
  EXPECT_EQ(out.inners[0].name, "genre");
  EXPECT_EQ(out.inners[0].codes, (std::vector<int>{0, -1, 2}));
  EXPECT_TRUE(out.inners[1].codes.empty());
  EXPECT_EQ(out.pairs, in.pairs);
  EXPECT_EQ(out.names, in.names);
}

TEST(Wire, APartialFormSendsOnlyItsMembers) {
  const Partly out = from_bytes<Partly>(to_bytes(Partly{5, 9}), "a test message");
  EXPECT_EQ(out.sent, 5);
  EXPECT_EQ(out.kept, 0);
  EXPECT_EQ(to_bytes(Partly{5, 9}).size(), sizeof(int));
}

TEST(Wire, TruncatedTrailingOrGarbageBytesAreRefusedNamingTheMessage) {
  const std::string bytes = to_bytes(sample());
  for (std::size_t n = 0; n < bytes.size(); ++n)
    expect_user_error_naming([&] { from_bytes<Outer>(std::string_view(bytes).substr(0, n), "a test message"); },
                             "a test message");
  expect_user_error_naming([&] { from_bytes<Outer>(bytes + "x", "a test message"); }, "1 trailing bytes");
  // A garbage count of inners (just after id, flag, x, colour and the path) allocates nothing.
  std::string huge = bytes;
  const std::size_t at = 8 + 1 + 8 + 2 + 8 + sample().file.string().size();
  const std::uint64_t count = ~std::uint64_t{0} / 2;
  huge.replace(at, 8, reinterpret_cast<const char*>(&count), 8);
  expect_user_error_naming([&] { from_bytes<Outer>(huge, "a test message"); }, "truncated or damaged");
}

TEST(Wire, AnOutcomeCarriesTheValueOrRethrowsTheSendersErrorAsItsKind) {
  EXPECT_EQ(outcome_from_bytes<std::int64_t>(outcome_to_bytes<std::int64_t>([] { return std::int64_t{42}; }), "x"), 42);
  const std::string user = outcome_to_bytes<std::int64_t>([]() -> std::int64_t { throw UserError("bad key model.beta"); });
  expect_user_error_naming([&] { outcome_from_bytes<std::int64_t>(user, "x"); }, "bad key model.beta");
  const std::string internal =
      outcome_to_bytes<std::int64_t>([]() -> std::int64_t { throw std::runtime_error("disk exploded"); });
  try {
    outcome_from_bytes<std::int64_t>(internal, "x");
    ADD_FAILURE() << "no exception";
  } catch (const UserError&) {
    ADD_FAILURE() << "an internal error came back as a user error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "disk exploded");
  }
}

// The version 8 journal record as its layout was written before the codec (put_unit and
// put_evaluation by hand): the codec's lists must keep these bytes, or old journals misread.
std::string version_8_by_hand(const results::UnitRecord& u, const results::EvaluationRecord& e) {
  ByteWriter w;
  w.put<std::uint8_t>(8);
  w.put(u.unit);
  for (const auto* s : {&u.config_hash, &u.group_hash, &u.feature_hash, &u.model, &u.axes}) w.put_string(*s);
  w.put_string(to_string(u.status));
  for (const auto* s : {&u.message, &u.kl_per_dim, &u.host, &u.device, &u.run_id, &u.condition_on, &u.withheld,
                        &u.checkpoint, &u.reconstructions, &u.engine, &u.precision, &u.pca_solver})
    w.put_string(*s);
  w.put(u.collapsed);
  w.put(u.beta), w.put(u.latent_dim), w.put(u.seed), w.put(u.epochs_run), w.put(u.train_seconds);
  w.put(u.eval_seconds), w.put(u.loss), w.put(u.reconstruction), w.put(u.kl), w.put(u.active_units), w.put(u.rank);
  w.put(u.started_at), w.put(u.wall_seconds), w.put(u.trained_with), w.put(u.reused_fit);
  w.put(u.latent_rows), w.put(u.latent_cols), w.put_vector(u.latent);
  w.put_vector(u.disentanglement), w.put_vector(u.disentangled_rows);
  w.put<std::uint64_t>(u.mi_per_dim.size());
  for (const auto& s : u.mi_per_dim) w.put_string(s);
  w.put(u.total_correlation);
  w.put<std::uint64_t>(u.axis_values.size());
  for (const auto& [name, value] : u.axis_values) {
    w.put_string(name);
    // kind byte: 0 boolean, 1 integer, 2 real, 3 text
    if (value.is_bool()) w.put<std::uint8_t>(0), w.put<std::uint8_t>(value.as_bool());
    else if (value.is_int()) w.put<std::uint8_t>(1), w.put(value.as_int());
    else if (value.is_double()) w.put<std::uint8_t>(2), w.put(value.as_double());
    else w.put<std::uint8_t>(3), w.put_string(value.as_string());
  }
  w.put<std::uint64_t>(1);
  w.put(e.unit);
  for (const auto* s : {&e.config_hash, &e.method, &e.space}) w.put_string(*s);
  w.put_string(to_string(e.status));
  w.put(e.k), w.put(e.clusters_found), w.put(e.noise_fraction), w.put(e.inertia), w.put(e.silhouette);
  w.put(e.calinski_harabasz), w.put(e.davies_bouldin), w.put(e.trustworthiness), w.put(e.conditioned);
  w.put_vector(e.external), w.put_vector(e.track_external), w.put_vector(e.assignment);
  w.put_vector(e.scored), w.put_vector(e.track_scored);
  return w.release();
}

TEST(Wire, AJournalRecordKeepsTheVersion8Layout) {
  results::UnitRecord u;
  u.unit = 17, u.config_hash = "cfg", u.group_hash = "grp", u.feature_hash = "feat", u.model = "vae";
  u.axes = "beta=4 model.kl_schedule=linear";
  u.axis_values = {{"beta", Value(4.0)}, {"latent_dim", Value(std::int64_t{8})}, {"flag", Value(true)},
                   {"model.kl_schedule", Value(std::string("linear"))}};
  u.status = results::UnitStatus::diverged, u.message = "loss is NaN", u.kl_per_dim = "0.1;0.2", u.host = "node1";
  u.device = "cpu", u.run_id = "r1", u.condition_on = "genre", u.withheld = "genre", u.checkpoint = "c.pt";
  u.reconstructions = "t1:1|2", u.engine = "batched", u.precision = "float32", u.pca_solver = "";
  u.collapsed = 1, u.beta = 4, u.latent_dim = 2, u.seed = 3, u.epochs_run = 9, u.train_seconds = 0.5;
  u.eval_seconds = 0.25, u.loss = 1.5, u.reconstruction = 1.25, u.kl = 0.25, u.active_units = 2, u.rank = 1;
  u.started_at = 1.7e9, u.wall_seconds = 0.75, u.trained_with = 8, u.reused_fit = 0;
  u.latent_rows = 2, u.latent_cols = 2, u.latent = {1, 2, 3, 4};
  u.disentanglement = {0.1, 0.2, 0.3, 0.4, 0.5}, u.disentangled_rows = {100}, u.mi_per_dim = {"0.1;0.2"};
  u.total_correlation = 0.125;
  results::EvaluationRecord e;
  e.unit = 17, e.config_hash = "cfg", e.method = "kmeans", e.space = "vae_latent", e.status = results::UnitStatus::ok;
  e.k = 4, e.clusters_found = 4, e.noise_fraction = 0, e.inertia = 12.5, e.silhouette = 0.5;
  e.calinski_harabasz = 100, e.davies_bouldin = 0.75, e.trustworthiness = 0.9, e.conditioned = 1;
  e.external = {0.1, 0.2}, e.track_external = {0.3}, e.assignment = {0, 1, 1, 0}, e.scored = {4}, e.track_scored = {2};
  const std::string bytes = results::encode_unit(u, {e});
  EXPECT_EQ(bytes, version_8_by_hand(u, e));
}

TEST(Wire, AShardHeaderRoundTripsAndAVersion1HeaderStillReads) {
  results::ShardHeader h;
  h.run_id = "20261206-a", h.rank = 3, h.ranks = 4, h.host = "node", h.study_sha256 = "abc", h.study_text = "[model]";
  h.study_file = "s.toml", h.study_overrides = "model.beta=4", h.grid_units = 12, h.started_at = 1.5;
  h.slurm_job_id = "9", h.slurm_array_job_id = "8", h.slurm_array_task_id = "7", h.replaces_results = true;
  const results::ShardHeader back = results::decode_shard_header(results::encode_shard_header(h), "j");
  EXPECT_EQ(back.run_id, h.run_id);
  EXPECT_EQ(back.rank, 3);
  EXPECT_EQ(back.ranks, 4);
  EXPECT_EQ(back.study_overrides, h.study_overrides);
  EXPECT_EQ(back.slurm_array_task_id, "7");
  EXPECT_EQ(back.grid_units, 12);
  EXPECT_TRUE(back.replaces_results);
  ByteWriter v1;  // vaesweep-shard-v1: the same members without replaces_results
  v1.put_string("vaesweep-shard-v1");
  for (const auto* s : {&h.run_id, &h.host, &h.study_sha256, &h.study_text, &h.study_file, &h.study_overrides,
                        &h.slurm_job_id, &h.slurm_array_job_id, &h.slurm_array_task_id})
    v1.put_string(*s);
  v1.put(h.rank), v1.put(h.ranks), v1.put(h.grid_units), v1.put(h.started_at);
  const results::ShardHeader old = results::decode_shard_header(v1.bytes(), "j");
  EXPECT_EQ(old.run_id, h.run_id);
  EXPECT_EQ(old.started_at, 1.5);
  EXPECT_FALSE(old.replaces_results);
  expect_user_error_naming([&] { results::decode_shard_header("garbage", "dir/r0.journal"); }, "dir/r0.journal");
}

data::FeatureTable feature_table() {
  data::FeatureTable t;
  t.ids = {"a#0", "a#1", "b#0"};
  t.track_ids = {"a", "a", "b"};
  t.feature_names = {"f1", "f2"};
  t.X.resize(3, 2);
  t.X << 1, 2, 3, 4, 5, 6;
  t.labels = {{"genre", {"pop", "rock"}, {0, 1, data::LabelSet::kUnlabelled}}};
  t.excluded = {"length"};
  t.shape = {2, 1};
  t.skipped = {{"c.mp3", "truncated"}};
  t.blocks = {{"audio", 0, 1}, {"text", 1, 1}};
  t.drawn_rows = {0, 2};
  t.drawn_ids = {"a", "b"};
  t.draw_note = "drew 2 of 3";
  return t;
}

TEST(FeatureMessages, ATableArrivesWhole) {
  const data::FeatureTable in = feature_table();
  const data::FeatureTable out = pipeline::decode_features(pipeline::encode_features(in));
  EXPECT_EQ(out.ids, in.ids);
  EXPECT_EQ(out.track_ids, in.track_ids);
  EXPECT_EQ(out.feature_names, in.feature_names);
  EXPECT_EQ(out.X, in.X);
  ASSERT_EQ(out.labels.size(), 1u);
  EXPECT_EQ(out.labels[0].classes, in.labels[0].classes);
  EXPECT_EQ(out.labels[0].codes, in.labels[0].codes);
  EXPECT_EQ(out.excluded, in.excluded);
  EXPECT_EQ(out.shape, in.shape);
  ASSERT_EQ(out.skipped.size(), 1u);
  EXPECT_EQ(out.skipped[0].reason, "truncated");
  ASSERT_EQ(out.blocks.size(), 2u);
  EXPECT_EQ(out.blocks[1].name, "text");
  EXPECT_EQ(out.blocks[1].begin, 1);
  EXPECT_EQ(out.drawn_rows, in.drawn_rows);
  EXPECT_EQ(out.drawn_ids, in.drawn_ids);
  EXPECT_EQ(out.draw_note, in.draw_note);
}

TEST(FeatureMessages, TheRootsErrorIsAUserErrorAndADamagedMatrixIsRefused) {
  expect_user_error_naming([] { pipeline::decode_features(pipeline::encode_feature_error("data.path: missing.csv does not exist")); },
                           "missing.csv");
  // A matrix whose shape does not hold its values: 3 x 2 claimed, 6 values sent, rows changed to 4.
  std::string bytes = pipeline::encode_features(feature_table());
  const std::int64_t shape[2] = {3, 2}, wrong = 4;
  const auto at = bytes.find(std::string(reinterpret_cast<const char*>(shape), 16));
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 8, reinterpret_cast<const char*>(&wrong), 8);
  expect_user_error_naming([&] { pipeline::decode_features(bytes); }, "is not 4 x 2");
}

TEST(FeatureMessages, ATaskAndARanksClipsArriveWhereTheyBelong) {
  std::vector<data::AudioItem> todo(2);
  todo[0].path = "/music/a.mp3", todo[0].id = "a", todo[0].labels = {"pop"};
  todo[1].path = "/music/b c.wav", todo[1].id = "b";
  const std::string task = pipeline::encode_extraction_task(todo);
  ASSERT_TRUE(pipeline::is_extraction_task(task));
  const auto back = pipeline::decode_extraction_task(task);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].path, todo[1].path);
  EXPECT_EQ(back[0].id, "a");
  EXPECT_TRUE(back[0].labels.empty());  // labels stay on the root

  std::vector<data::ClipFeatures> clips(2);
  clips[0].rows = Eigen::MatrixXd::Constant(2, 3, 0.5), clips[0].length = 44100, clips[0].resampled = true;
  clips[1].error = "b c.wav: not audio";
  std::vector<data::ClipFeatures> out(5);
  pipeline::decode_clip_features(pipeline::encode_clip_features({4, 1}, clips), out);
  EXPECT_EQ(out[4].rows, clips[0].rows);
  EXPECT_EQ(out[4].length, 44100);
  EXPECT_TRUE(out[4].resampled);
  EXPECT_EQ(out[1].error, clips[1].error);
  EXPECT_EQ(out[0].rows.size(), 0);
  EXPECT_THROW(pipeline::decode_clip_features(pipeline::encode_feature_error("rank 2: out of memory"), out), std::runtime_error);
}

}  // namespace
}  // namespace vaesweep::engine
