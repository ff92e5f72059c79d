// Sampled hyperparameters ([search]): the draws, how they enter the grid, and what is refused.
// Expected values: analytic (a point's image under each distribution), scipy's Sobol' points
// (test_sobol.cpp), and the grid study that lists the same values as one-value axes: a sampled
// configuration must be that grid unit, hash and label included.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "study/grid.hpp"
#include "study/study_schema.hpp"
#include "user_error_expect.hpp"

namespace vaesweep {
namespace {

std::string sampled_study(const std::string& kind, int samples, const std::string& extra = "") {
  return "[model]\nkind = \"vae\"\n\n[search]\nkind = \"" + kind + "\"\nsamples = " + std::to_string(samples) + "\n" +
         extra +
         "beta = { log_uniform = [0.25, 16.0] }\n"
         "\"model.learning_rate\" = { log_uniform = [1e-4, 1e-2] }\n"
         "latent_dim = { choice = [4, 8, 16] }\n\n"
         "[grid]\nk = [2, 3]\nseed = [1, 2]\n";
}

Grid grid_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return expand_grid(parse_study(text, "s.toml", overrides));
}

SampledKey key(Distribution d, std::vector<Value> args) { return SampledKey{"model.x", "x", d, std::move(args), "t"}; }

TEST(SearchDistributions, MapTheUnitIntervalAnalytically) {
  const SampledKey u = key(Distribution::uniform, {Value(2.0), Value(4.0)});
  EXPECT_EQ(map_unit(u, 0.0).as_double(), 2.0);
  EXPECT_EQ(map_unit(u, 0.5).as_double(), 3.0);
  EXPECT_EQ(map_unit(u, 0.25).as_double(), 2.5);
  // log_uniform: u = 1/2 is the geometric mean, each sixth of [0, 1) one factor 2 of [0.25, 16].
  const SampledKey l = key(Distribution::log_uniform, {Value(0.25), Value(16.0)});
  EXPECT_EQ(map_unit(l, 0.0).as_double(), 0.25);
  EXPECT_EQ(map_unit(l, 0.5).as_double(), 2.0);
  EXPECT_EQ(map_unit(l, 1.0 / 6.0).as_double(), 0.5);
  EXPECT_EQ(map_unit(key(Distribution::log_uniform, {Value(1e-4), Value(1e-2)}), 0.5).as_double(), 1e-3);
  // Rounded to 6 significant digits: 0.25 * 64^0.1 = 0.378929141...
  EXPECT_EQ(map_unit(l, 0.1).as_double(), 0.378929);
  // int_uniform: inclusive bounds, each of the 3 integers a third of [0, 1).
  const SampledKey i = key(Distribution::int_uniform, {Value(4), Value(6)});
  EXPECT_EQ(map_unit(i, 0.0).as_int(), 4);
  EXPECT_EQ(map_unit(i, 0.333).as_int(), 4);
  EXPECT_EQ(map_unit(i, 0.334).as_int(), 5);
  EXPECT_EQ(map_unit(i, 0.667).as_int(), 6);
  EXPECT_EQ(map_unit(i, std::nextafter(1.0, 0.0)).as_int(), 6);
  const SampledKey c = key(Distribution::choice, {Value("a"), Value("b")});
  EXPECT_EQ(map_unit(c, 0.49).as_string(), "a");
  EXPECT_EQ(map_unit(c, 0.5).as_string(), "b");
}

// Over the first 4096 Sobol' points, exactly half of a log_uniform key's draws lie below the
// geometric mean of its bounds, a third of an int_uniform key's draws at each integer.
TEST(SearchDistributions, SobolDrawsAreBalancedOnTheLogScale) {
  const Study s = parse_study(sampled_study("sobol", 4096), "s.toml");
  const Axis& beta = s.axes[0];
  ASSERT_EQ(beta.key, "model.beta");
  int below = 0;
  for (const Value& v : beta.values) {
    EXPECT_GE(v.as_double(), 0.25);
    EXPECT_LE(v.as_double(), 16.0);
    below += v.as_double() < 2.0;
  }
  EXPECT_EQ(below, 2048);
  const Axis& latent = s.axes[1];
  ASSERT_EQ(latent.key, "model.latent_dim");
  std::map<std::int64_t, int> count;
  for (const Value& v : latent.values) ++count[v.as_int()];
  EXPECT_EQ(count.size(), 3u);
  for (const auto& [value, n] : count) EXPECT_NEAR(n, 4096 / 3.0, 1.0) << value;
}

TEST(SearchRandom, StreamDependsOnSeedKeyAndIndexOnly) {
  // Mean of 20000 uniforms: 1/2, standard error 1/sqrt(12 * 20000) = 0.002.
  double sum = 0;
  for (std::uint64_t i = 0; i < 20000; ++i) sum += random_unit(7, "model.beta", i);
  EXPECT_NEAR(sum / 20000, 0.5, 0.01);
  EXPECT_NE(random_unit(7, "model.beta", 3), random_unit(8, "model.beta", 3));
  EXPECT_NE(random_unit(7, "model.beta", 3), random_unit(7, "model.latent_dim", 3));
  // Draw i is the same whatever `samples` is, and whatever else is sampled beside it.
  const Study few = parse_study(sampled_study("random", 5, "seed = 11\n"), "s.toml");
  const Study many = parse_study(sampled_study("random", 50, "seed = 11\n"), "s.toml");
  const Study alone = parse_study("[search]\nkind = \"random\"\nsamples = 5\nseed = 11\nbeta = { log_uniform = [0.25, 16.0] }\n",
                                  "s.toml");
  for (std::size_t a = 0; a < 3; ++a)
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(few.axes[a].values[i].canonical(), many.axes[a].values[i].canonical());
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(alone.axes[0].values[i].canonical(), few.axes[0].values[i].canonical());
  const Study other_seed = parse_study(sampled_study("random", 5, "seed = 12\n"), "s.toml");
  EXPECT_NE(other_seed.axes[0].values[0].canonical(), few.axes[0].values[0].canonical());
}

// Raising `samples` keeps the first configurations: same units, same order, same hashes.
TEST(SearchGrid, PrefixOfUnitsAndHashesSurvivesMoreSamples) {
  for (const std::string kind : {"sobol", "random"}) {
    const Grid small = grid_of(sampled_study(kind, 8));
    const Grid large = grid_of(sampled_study(kind, 16));
    ASSERT_EQ(small.size(), 8u * 2) << kind;  // samples x seeds
    ASSERT_EQ(large.size(), 16u * 2) << kind;
    for (std::size_t i = 0; i < small.size(); ++i) {
      EXPECT_EQ(small.config_hash(i), large.config_hash(i)) << kind << " unit " << i;
      EXPECT_EQ(small.group_hash(i), large.group_hash(i));
      EXPECT_EQ(small.label(i), large.label(i));
    }
  }
}

// A sampled unit is exactly the grid unit with the same values: hash, group, label, cost.
TEST(SearchGrid, SampledUnitEqualsTheGridUnitOfItsValues) {
  const Grid sampled = grid_of(sampled_study("sobol", 4));
  const Study study = parse_study(sampled_study("sobol", 4), "s.toml");
  ASSERT_EQ(sampled.size(), 8u);
  for (std::size_t i = 0; i < sampled.size(); ++i) {
    const WorkUnit u = sampled.unit(i);
    const std::size_t sample = i / 2;  // the sample is the outer dimension, the seed the inner
    std::string grid = "[model]\nkind = \"vae\"\n\n[grid]\n";
    for (std::size_t a = 0; a < 3; ++a)
      grid += "\"" + study.axes[a].key + "\" = [" + study.axes[a].values[sample].display_exact() + "]\n";
    grid += "k = [2, 3]\nseed = [" + std::to_string(u.seed) + "]\n";
    const Grid listed = grid_of(grid);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(u.config_hash, listed.config_hash(0)) << u.canonical;
    EXPECT_EQ(u.group_hash, listed.group_hash(0));
    EXPECT_EQ(u.label(), listed.unit(0).label());
    EXPECT_EQ(sampled.cost_hint(i), listed.cost_hint(0));
    EXPECT_EQ(u.model.beta, study.axes[0].values[sample].as_double());
  }
  // Sobol' point 0 is the origin: every key at its low end (the first choice).
  EXPECT_EQ(sampled.label(0), "vae beta=0.25 latent_dim=4 model.learning_rate=0.0001 seed=1");
  // Seeds of one sample share a group (rank's mean over seeds); samples do not.
  EXPECT_EQ(sampled.group_hash(0), sampled.group_hash(1));
  EXPECT_NE(sampled.group_hash(0), sampled.group_hash(2));
}

// Keys a unit does not read merge its samples, as grid points do: PCA has no beta.
TEST(SearchGrid, IrrelevantSampledKeysMergeUnits) {
  const Grid g = grid_of(
      "[search]\nkind = \"sobol\"\nsamples = 4\nbeta = { uniform = [1.0, 4.0] }\n[grid]\nmodel = [\"vae\", \"pca\"]\n");
  EXPECT_EQ(g.size(), 4u + 1u);
  EXPECT_EQ(g.duplicates_removed(), 3u);
}

TEST(SearchRefusals, NameTheKeyAndTheLine) {
  using test::expect_user_error_naming;
  const auto parse = [](const std::string& text, const std::vector<std::string>& overrides = {}) {
    return [=] { parse_study(text, "s.toml", overrides); };
  };
  const std::string head = "[search]\nkind = \"sobol\"\nsamples = 4\n";
  expect_user_error_naming(parse(head + "beta = { log_uniform = [0.0, 16.0] }\n"), "s.toml:4: search.beta: log_uniform needs 0 < low");
  expect_user_error_naming(parse(head + "beta = { uniform = [4.0, 1.0] }\n"), "uniform needs low < high");
  expect_user_error_naming(parse(head + "beta = { uniform = [1.0, 4.0, 5.0] }\n"), "takes [low, high]");
  expect_user_error_naming(parse(head + "beta = { uniform = [-1.0, 4.0] }\n"), "search.beta: uniform bound -1");
  expect_user_error_naming(parse(head + "beta = { normal = [1.0, 4.0] }\n"), "search.beta.normal");
  expect_user_error_naming(parse(head + "learning_rate = { uniform = [1e-4, 1e-2] }\n"),
                           "did you mean \"model.learning_rate\"");
  expect_user_error_naming(parse(head + "latent_dim = { uniform = [4.0, 8.0] }\n"), "use int_uniform or choice");
  expect_user_error_naming(parse(head + "beta = { int_uniform = [1, 4] }\n"), "not an integer key");
  expect_user_error_naming(parse(head + "k = { int_uniform = [2, 8] }\n"), "search.k: k is evaluated inside each unit");
  expect_user_error_naming(parse(head + "\"study.seed\" = { int_uniform = [1, 8] }\n"), "seeds are repeated, not sampled");
  expect_user_error_naming(parse(head + "beta = { uniform = [1.0, 4.0] }\n[grid]\nbeta = [1.0, 2.0]\n"),
                           "s.toml:4: search.beta: model.beta is both sampled here and a [grid] axis at s.toml:6");
  expect_user_error_naming(parse(head + "beta = { uniform = [1.0, 4.0] }\n", {"grid.beta=[1.0]"}), "both sampled");
  expect_user_error_naming(parse("[search]\nkind = \"lhs\"\n"), "s.toml:2: search.kind: unknown search kind \"lhs\"");
  expect_user_error_naming(parse("[search]\nkind = \"sobol\"\nsamples = 0\nbeta = { uniform = [1.0, 4.0] }\n"),
                           "search.samples: expected an integer in [1, 1000000], got 0");
  expect_user_error_naming(parse("[search]\nkind = \"random\"\nbeta = { uniform = [1.0, 4.0] }\n"),
                           "search.samples: expected an integer in [1, 1000000], got none");
  expect_user_error_naming(parse("[search]\nkind = \"sobol\"\nsamples = 4\n"), "needs at least one distribution");
  expect_user_error_naming(parse("[search]\nsamples = 4\nbeta = { uniform = [1.0, 4.0] }\n"),
                           "s.toml:3: search.beta: a distribution needs search.kind");
  expect_user_error_naming(parse(head + "seed = 3\nbeta = { uniform = [1.0, 4.0] }\n"), "not scrambled");
  expect_user_error_naming(parse(head + "samplez = 3\n"), "search.samplez: expected a distribution");
  expect_user_error_naming(parse(head + "\"model.hidden\" = { choice = [64, 32] }\n"), "its choices are lists");
  expect_user_error_naming(parse(head + "beta = { uniform = [1.0, 4.0], choice = [1.0] }\n"), "exactly one distribution");
}

// Keys that decide which other keys a unit reads stay on the grid (grid.cpp's kDeciders).
TEST(SearchRefusals, DecidersAreGridOnly) {
  test::expect_user_error_naming(
      [] { grid_of("[search]\nkind = \"random\"\nsamples = 4\nmodel = { choice = [\"vae\", \"ae\"] }\n"); },
      "s.toml:4: search.model.kind: model.kind decides which other keys a unit reads");
}

TEST(SearchOverrides, SamplesKindAndSeedCanBeSet) {
  const std::string text = sampled_study("sobol", 4);
  EXPECT_EQ(grid_of(text, {"search.samples=6"}).size(), 6u * 2);
  const Study r = parse_study(text, "s.toml", {"search.kind=random", "search.seed=3"});
  EXPECT_EQ(r.search.kind, SearchKind::random);
  EXPECT_EQ(r.axes[0].values[0].canonical(), map_unit(r.search.keys[0], random_unit(3, "model.beta", 0)).canonical());
  test::expect_user_error_naming([&] { parse_study(text, "s.toml", {"search.beta=1"}); }, "distributions are written");
}

// A study without [search] has no sampled axes: its units are what they always were (the
// hashes pinned in test_grid.cpp and test_sweep_resume.cpp hold them to it).
TEST(SearchGrid, AbsentSearchChangesNothing) {
  const Study s = parse_study("[grid]\nbeta = [1.0, 2.0]\nseed = [1, 2]\n", "s.toml");
  EXPECT_FALSE(s.search.active());
  for (const Axis& a : s.axes) EXPECT_FALSE(a.sampled);
  EXPECT_EQ(expand_grid(s).size(), 4u);
}

}  // namespace
}  // namespace vaesweep
