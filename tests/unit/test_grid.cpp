// Grid expansion: which grid points become units, and what their hashes depend on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "study/grid.hpp"
#include "util/hash.hpp"

namespace vaesweep {
namespace {

const char* kStudy = R"(
[grid]
model = ["vae", "pca"]
beta = [1.0, 4.0]
latent_dim = [4, 8]
k = [2, 4]
seed = [1, 2, 3]
)";

Grid grid_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return expand_grid(parse_study(text, "s.toml", overrides));
}

TEST(Grid, OneUnitPerTrainedModelWithEveryKInside) {
  const Grid g = grid_of(kStudy);
  // vae: 2 betas x 2 latents x 3 seeds = 12; pca has no beta: 2 latents x 3 seeds = 6.
  EXPECT_EQ(g.size(), 18u);
  EXPECT_EQ(g.duplicates_removed(), 6u);
  EXPECT_EQ(g.ks(), (std::vector<int>{2, 4}));
  std::set<std::string> hashes;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const WorkUnit u = g.unit(i);
    EXPECT_EQ(u.cluster.ks, (std::vector<int>{2, 4}));
    EXPECT_EQ(u.index, static_cast<std::int64_t>(i));
    hashes.insert(u.config_hash);
  }
  EXPECT_EQ(hashes.size(), g.size());
}

TEST(Grid, PcaUnitsCarryNoBeta) {
  const Grid grid = grid_of(kStudy);
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const WorkUnit u = grid.unit(i);
    if (u.model.kind != ModelKind::pca) continue;
    EXPECT_EQ(u.canonical.find("model.beta"), std::string::npos);
    EXPECT_EQ(u.label().find("beta"), std::string::npos) << u.label();
  }
}

TEST(Grid, HashesAreStableAndDependOnlyOnResults) {
  const Grid a = grid_of(kStudy);
  // Descriptive keys and keys of methods the study does not run (linkage: agglomerative only).
  const Grid b = expand_grid(parse_study(std::string("[study]\ndescription = \"other words\"\n") + kStudy, "x.toml",
                                         {"data.cache_dir=elsewhere", "data.feature_cache=false",
                                          "cluster.linkage=single"}));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.config_hash(i), b.config_hash(i));
    EXPECT_EQ(a.feature_hash(i), b.feature_hash(i));
  }
  const Grid c = grid_of(kStudy, {"model.epochs=7"});
  EXPECT_NE(a.config_hash(0), c.config_hash(0));
  EXPECT_NE(a.group_hash(0), c.group_hash(0));
  EXPECT_EQ(a.feature_hash(0), c.feature_hash(0));  // training settings are not feature settings
}

TEST(Grid, TheHashDoesNotDependOnWhichKeysAreAxes) {
  // The same settings reached through an axis or a fixed value are the same unit.
  const Grid axis = grid_of("[grid]\nbeta = [1.0, 4.0]\nseed = [5]\n");
  const Grid fixed = grid_of("[model]\nbeta = 4.0\n[study]\nseed = 5\n");
  ASSERT_EQ(axis.size(), 2u);
  EXPECT_EQ(axis.config_hash(1), fixed.config_hash(0));
  EXPECT_EQ(axis.group_hash(1), fixed.group_hash(0));
  EXPECT_EQ(axis.unit(1).canonical, fixed.unit(0).canonical);
}

TEST(Grid, SeedsShareAGroupHash) {
  const Grid g = grid_of(kStudy);
  // The seed axis varies fastest: units 0, 1, 2 are seeds 1, 2, 3 of one configuration.
  EXPECT_EQ(g.unit(0).seed, 1u);
  EXPECT_EQ(g.unit(2).seed, 3u);
  EXPECT_EQ(g.group_hash(0), g.group_hash(2));
  EXPECT_NE(g.config_hash(0), g.config_hash(2));
  EXPECT_NE(g.group_hash(0), g.group_hash(3));
  EXPECT_EQ(g.unit(0).axes_text(false), "beta=1 latent_dim=4");
  EXPECT_EQ(g.unit(0).label(), "vae beta=1 latent_dim=4 seed=1");
  EXPECT_EQ(g.label(0), "vae beta=1 latent_dim=4 seed=1");
}

TEST(Grid, NoAxesGivesOneUnit) {
  const Grid g = grid_of("[model]\nbeta = 2.0\n");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g.unit(0).model.beta, 2.0);
  EXPECT_EQ(g.unit(0).cluster.ks, (std::vector<int>{4}));
  EXPECT_EQ(g.label(0), "vae");
}

TEST(Grid, FeatureHashSeparatesDataSettingsOnly) {
  const Grid g = grid_of("[grid]\nbeta = [1.0, 2.0]\n\"features.n_mfcc\" = [13, 20]\n");
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g.feature_hash(0), g.feature_hash(2));  // same n_mfcc, other beta
  EXPECT_NE(g.feature_hash(0), g.feature_hash(1));
  EXPECT_EQ(g.feature_representatives(), (std::vector<std::size_t>{0, 1}));
}

// features.kind = "librosa" is the published table, whose MFCCs are 20: left unset, n_mfcc
// follows the kind (and the unit is the one that sets 20 explicitly); set, it is kept.
TEST(Grid, LibrosaKindTakesTheTablesTwentyMfccsUnlessNMfccIsSet) {
  const Grid kinds = grid_of("[grid]\n\"features.kind\" = [\"mfcc_stats\", \"librosa\"]\n");
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds.unit(0).features.n_mfcc, 13);
  EXPECT_EQ(kinds.unit(1).features.n_mfcc, kLibrosaTableMfcc);
  EXPECT_EQ(kinds.unit(1).settings.at("features.n_mfcc").value.as_int(), kLibrosaTableMfcc);
  const Grid twenty = grid_of("[features]\nkind = \"librosa\"\nn_mfcc = 20\n");
  EXPECT_EQ(kinds.config_hash(1), twenty.config_hash(0));
  EXPECT_EQ(kinds.feature_hash(1), twenty.feature_hash(0));
  const Grid thirteen = grid_of("[features]\nkind = \"librosa\"\nn_mfcc = 13\n");
  EXPECT_EQ(thirteen.unit(0).features.n_mfcc, 13);
  EXPECT_NE(thirteen.config_hash(0), kinds.config_hash(1));
  const Grid mfcc = grid_of("[features]\nn_mfcc = 13\n");  // the other kinds keep the schema's 13
  EXPECT_EQ(mfcc.config_hash(0), grid_of("").config_hash(0));
}

TEST(Grid, KeysThatDoNotApplyMakeNoUnits) {
  // A feature table has no audio settings; a descriptive key changes nothing.
  const Grid table = grid_of("[data]\nsource = \"table\"\npath = \"t.csv\"\n"
                             "[grid]\n\"features.kind\" = [\"mfcc_stats\", \"logmel\"]\n\"features.frames\" = [64, 128]\n");
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.duplicates_removed(), 3u);
  EXPECT_EQ(table.label(0), "vae");
  const Grid cache = grid_of("[grid]\n\"data.cache_dir\" = [\"a\", \"b\"]\n");
  EXPECT_EQ(cache.size(), 1u);
  // features.frames matters to sequences only.
  const Grid kinds = grid_of("[grid]\n\"features.kind\" = [\"mfcc_stats\", \"logmel\"]\n\"features.frames\" = [64, 128]\n");
  EXPECT_EQ(kinds.size(), 3u);
  EXPECT_EQ(kinds.feature_representatives().size(), 3u);
}

TEST(Grid, NoopUnitsReadOnlyTheirSleep) {
  // noop: beta is irrelevant; vae: noop_seconds is. 2 + 2 units of the 8 points.
  const Grid g = grid_of("[grid]\nmodel = [\"noop\", \"vae\"]\nbeta = [1.0, 2.0]\n\"model.noop_seconds\" = [0.0, 0.5]\n");
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g.duplicates_removed(), 4u);
  EXPECT_EQ(g.label(0), "noop model.noop_seconds=0");
  EXPECT_EQ(g.label(1), "noop model.noop_seconds=0.5");
  EXPECT_EQ(g.label(2), "vae beta=1");
  EXPECT_EQ(g.unit(1).model.kind, ModelKind::noop);
  EXPECT_EQ(g.unit(1).model.noop_seconds, 0.5);
  EXPECT_EQ(g.unit(2).canonical.find("noop_seconds"), std::string::npos);
}

// The expansion as it was before the grid became lazy: every grid point's settings, in odometer
// order (last axis fastest), with the points that repeat a unit left out. Which points repeat one
// is stated here for this study's axes: pca ignores beta, raw ignores beta and latent_dim.
struct EagerUnit {
  Settings settings;
  std::vector<std::pair<std::string, Value>> axis_values;
};

std::vector<EagerUnit> eager_expansion(const Study& study) {
  std::vector<const Axis*> axes;
  for (const auto& a : study.axes)
    if (a.key != "cluster.k") axes.push_back(&a);
  std::vector<EagerUnit> out;
  std::vector<std::size_t> p(axes.size(), 0);
  for (;;) {
    EagerUnit u{study.settings, {}};
    for (std::size_t a = 0; a < axes.size(); ++a) u.settings[axes[a]->key] = Setting{axes[a]->values[p[a]], axes[a]->origin};
    const std::string kind = u.settings.at("model.kind").value.as_string();
    bool repeat = false;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const std::string& key = axes[a]->key;
      const bool ignored = (key == "model.beta" && kind != "vae") || (key == "model.latent_dim" && kind == "raw");
      if (ignored) repeat = repeat || p[a] != 0;
      else u.axis_values.emplace_back(key, axes[a]->values[p[a]]);
    }
    if (!repeat) out.push_back(std::move(u));
    std::size_t a = axes.size();
    while (a > 0 && ++p[a - 1] == axes[a - 1]->values.size()) p[--a] = 0;
    if (a == 0) return out;
  }
}

std::string text_of(const Settings& s) {
  std::ostringstream out;
  for (const auto& [key, setting] : s) out << key << "=" << setting.value.canonical() << " @" << setting.origin << "\n";
  return out.str();
}

const char* kThreeModels = R"(
[data]
labels = ["genre"]
[grid]
model = ["vae", "pca", "raw"]
beta = [1.0, 4.0]
"features.n_mfcc" = [13, 20]
latent_dim = [4, 8]
k = [2, 3]
seed = [1, 2]
)";

TEST(Grid, LazyUnitsEqualTheEagerExpansion) {
  const Study study = parse_study(kThreeModels, "dir/s.toml");
  const Grid g = expand_grid(study);
  const auto eager = eager_expansion(study);
  // vae 2 x 2 x 2 x 2, pca 2 x 2 x 2, raw 2 x 2 of 48 points.
  ASSERT_EQ(g.size(), eager.size());
  EXPECT_EQ(g.size(), 28u);
  EXPECT_EQ(g.duplicates_removed(), 20u);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const WorkUnit u = g.unit(i);
    const Settings& s = eager[i].settings;
    EXPECT_EQ(text_of(u.settings), text_of(s)) << i;
    EXPECT_EQ(u.data, data_spec(s, "dir/s.toml", {})) << i;
    EXPECT_EQ(u.features, feature_spec(s)) << i;
    EXPECT_EQ(u.model, model_spec(s)) << i;
    ClusterSpec cluster = cluster_spec(s);
    cluster.ks = {2, 3};
    EXPECT_EQ(u.cluster, cluster) << i;
    ASSERT_EQ(u.axis_values.size(), eager[i].axis_values.size()) << i;
    for (std::size_t a = 0; a < u.axis_values.size(); ++a) {
      EXPECT_EQ(u.axis_values[a].first, eager[i].axis_values[a].first);
      EXPECT_EQ(u.axis_values[a].second.canonical(), eager[i].axis_values[a].second.canonical());
    }
    EXPECT_EQ(u.seed, static_cast<std::uint64_t>(s.at("study.seed").value.as_int()));
    EXPECT_EQ(u.evaluation.label_sets, std::vector<std::string>{"genre"});
  }
  EXPECT_EQ(g.label_sets(), std::vector<std::string>{"genre"});
}

TEST(Grid, CheapAccessorsEqualTheUnit) {
  const Grid g = grid_of(kThreeModels);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const WorkUnit u = g.unit(i);
    EXPECT_EQ(g.config_hash(i), u.config_hash);
    EXPECT_EQ(g.group_hash(i), u.group_hash);
    EXPECT_EQ(g.feature_hash(i), u.feature_hash);
    EXPECT_EQ(g.label(i), u.label());
    // The canonical text is what was hashed: a version line, sorted key=value lines, the ks.
    EXPECT_EQ(sha256_hex(u.canonical), u.config_hash);
    std::vector<std::string> lines;
    std::istringstream in(u.canonical);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines.front(), "vaesweep-unit-v1");
    EXPECT_EQ(lines.back(), "cluster.ks=[2, 3]");
    EXPECT_TRUE(std::is_sorted(lines.begin() + 1, lines.end() - 1)) << u.canonical;
  }
  // One representative per distinct feature hash, first appearances in unit order.
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (std::find(seen.begin(), seen.end(), g.feature_hash(i)) == seen.end()) seen.push_back(g.feature_hash(i));
  ASSERT_EQ(g.feature_representatives().size(), seen.size());
  for (std::size_t f = 0; f < seen.size(); ++f) EXPECT_EQ(g.feature_hash(g.feature_representatives()[f]), seen[f]);
}

TEST(Grid, ManyUnitsStayDistinct) {
  // Enough units to grow the digest set many times over.
  std::string seeds;
  for (int s = 0; s < 20000; ++s) seeds += (s ? ", " : "") + std::to_string(s);
  const Grid g = grid_of("[grid]\nmodel = [\"vae\", \"pca\"]\nbeta = [1.0, 2.0]\nseed = [" + seeds + "]\n");
  ASSERT_EQ(g.size(), 60000u);
  EXPECT_EQ(g.duplicates_removed(), 20000u);
  std::set<std::string> hashes, groups;
  for (std::size_t i = 0; i < g.size(); ++i) {
    hashes.insert(g.config_hash(i));
    if (i % 1000 == 0) groups.insert(g.group_hash(i));
  }
  EXPECT_EQ(hashes.size(), g.size());
  EXPECT_EQ(groups.size(), 3u);  // vae beta=1, vae beta=2, pca
  const WorkUnit last = g.unit(g.size() - 1);
  EXPECT_EQ(last.label(), "pca seed=19999");
  EXPECT_EQ(sha256_hex(last.canonical), g.config_hash(g.size() - 1));
}

TEST(Grid, CostHintOrdersLongerUnitsFirst) {
  const Grid g = grid_of("[model]\nnoop_seconds = 2.5\n[grid]\nmodel = [\"vae\", \"pca\", \"raw\", \"noop\"]\n"
                         "\"model.epochs\" = [10, 100]\n");
  ASSERT_EQ(g.size(), 5u);  // vae x 2 epochs, pca, raw, noop
  EXPECT_GT(g.cost_hint(1), g.cost_hint(0));  // 100 epochs over 10
  EXPECT_GT(g.cost_hint(0), g.cost_hint(2));  // vae over pca
  EXPECT_GT(g.cost_hint(2), g.cost_hint(3));  // pca over raw
  EXPECT_GE(g.cost_hint(3), 0.0);
  EXPECT_EQ(g.cost_hint(4), 2.5);             // noop: its sleep
  const Grid kmeans = grid_of("[model]\nkind = \"raw\"\n");
  const Grid spectral = grid_of("[model]\nkind = \"raw\"\n[cluster]\nmethods = [\"spectral\"]\n");
  EXPECT_GT(spectral.cost_hint(0), kmeans.cost_hint(0));
}

}  // namespace
}  // namespace vaesweep
