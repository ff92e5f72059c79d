// Ranking across seeds: statistics, order, ties, missing values and the text forms.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "util/error.hpp"
#include "report/ranking.hpp"
#include "report/rank_input.hpp"
#include "report/ranking_format.hpp"

namespace vaesweep::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rows of (model, beta) x seed with two metrics, silhouette and davies_bouldin.
struct Builder {
  RankInput in;
  Builder() {
    in.key_names = {"model", "beta"};
    in.metric_names = {"silhouette", "davies_bouldin"};
  }
  Builder& row(std::string model, std::string beta, std::int64_t seed, double sil, double db = 1.0) {
    in.keys.push_back({std::move(model), std::move(beta)});
    in.unit_ids.push_back("u" + std::to_string(in.unit_ids.size()));
    in.seeds.push_back(seed);
    in.metrics.push_back({sil, db});
    return *this;
  }
};

RankOptions opts(std::string metric, std::vector<std::string> group_by = {}, double confidence = 0.95) {
  RankOptions o;
  o.metric = std::move(metric);
  o.group_by = std::move(group_by);
  o.confidence = confidence;
  return o;
}

const RankedGroup& find(const Ranking& r, const std::vector<std::string>& key) {
  for (const RankedGroup& g : r.groups) {
    if (g.key_values == key) return g;
  }
  throw std::runtime_error("group not found");
}

TEST(Ranking, AnalyticMeanStdAndInterval) {
  // Values 1, 2, 3, 4: mean 2.5, sample std sqrt(5/3) = 1.2909944487358056; 95% interval
  // 2.5 -/+ t(0.975, 3) * s / sqrt(4), t(0.975, 3) = 3.182446305284263 (scipy.stats.t.ppf),
  // i.e. [0.445739743239121, 4.5542602567608785] (scipy.stats.t.interval). The exact quantile
  // (mpmath, 40 digits) is 3.18244630528371; scipy's differs by 5e-13, inside the tolerance.
  Builder b;
  for (int s = 1; s <= 4; ++s) b.row("vae", "1", s, s);
  const Ranking r = rank_groups(b.in, opts("silhouette", {}, 0.95));
  ASSERT_EQ(r.groups.size(), 1u);
  const RankedGroup& g = r.groups[0];
  EXPECT_EQ(g.n, 4u);
  EXPECT_EQ(g.n_missing, 0u);
  EXPECT_DOUBLE_EQ(g.mean, 2.5);
  EXPECT_NEAR(g.std, 1.2909944487358056, 1e-14);
  EXPECT_NEAR(g.ci_low, 2.5 - 3.182446305284263 * 1.2909944487358056 / 2.0, 1e-12);
  EXPECT_NEAR(g.ci_low, 0.445739743239121, 1e-12);
  EXPECT_NEAR(g.ci_high, 4.5542602567608785, 1e-12);
  EXPECT_EQ(g.rank, 1);
  EXPECT_EQ(g.seeds, (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(g.unit_ids, (std::vector<std::string>{"u0", "u1", "u2", "u3"}));
}

TEST(Ranking, MatchesScipyAtOtherConfidences) {
  // scipy 1.10: a = [0.31, 0.42, 0.38, 0.29, 0.35]; mean 0.35, std(ddof=1) 0.05244044240850758,
  // t.interval(0.95, 4, mean, sem(a)) = (0.2848865906114781, 0.41511340938852187).
  // For 0.90 scipy 1.10.1 gives (0.300003761296457, 0.3999962387035429), but its
  // t.ppf(0.95, 4) = 2.13184678133629 is off by 5e-9: the exact quantile (mpmath, 40 digits;
  // also the closed form for 4 degrees of freedom) is 2.1318467863266503, which Boost matches,
  // giving (0.30000376117942274, 0.39999623882057726).
  Builder b;
  const double values[] = {0.31, 0.42, 0.38, 0.29, 0.35};
  for (int s = 0; s < 5; ++s) b.row("vae", "4", 100 + s, values[s]);
  const RankedGroup g95 = rank_groups(b.in, opts("silhouette", {}, 0.95)).groups.at(0);
  EXPECT_NEAR(g95.mean, 0.35, 1e-15);
  EXPECT_NEAR(g95.std, 0.05244044240850758, 1e-15);
  EXPECT_NEAR(g95.ci_low, 0.2848865906114781, 1e-12);
  EXPECT_NEAR(g95.ci_high, 0.41511340938852187, 1e-12);
  const RankedGroup g90 = rank_groups(b.in, opts("silhouette", {}, 0.90)).groups.at(0);
  EXPECT_NEAR(g90.ci_low, 0.30000376117942274, 1e-12);
  EXPECT_NEAR(g90.ci_high, 0.39999623882057726, 1e-12);
  EXPECT_NEAR(g90.ci_low, 0.300003761296457, 2e-10);  // scipy's value, within its ppf error
}

TEST(Ranking, GroupsAcrossSeedsAndRanksHigherFirst) {
  Builder b;
  b.row("vae", "1", 1, 0.2).row("ae", "1", 1, 0.5).row("vae", "1", 2, 0.4).row("ae", "1", 2, 0.7);
  const Ranking r = rank_groups(b.in, opts("silhouette", {}, 0.95));
  EXPECT_TRUE(r.higher_is_better);
  EXPECT_EQ(r.group_by, (std::vector<std::string>{"model", "beta"}));
  ASSERT_EQ(r.groups.size(), 2u);  // seeds 1 and 2 fall into the same group
  EXPECT_EQ(r.groups[0].key_values, (std::vector<std::string>{"ae", "1"}));
  EXPECT_NEAR(r.groups[0].mean, 0.6, 1e-15);
  EXPECT_EQ(r.groups[0].rank, 1);
  EXPECT_EQ(r.groups[0].seeds, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(r.groups[1].key_values, (std::vector<std::string>{"vae", "1"}));
  EXPECT_EQ(r.groups[1].rank, 2);
}

TEST(Ranking, GroupBySubsetPoolsOtherKeysAveragingPerSeed) {
  // vae pools beta 1 and 4: seed 1 has 0.1 and 0.3 (averaged to 0.2), seed 2 has 0.5 and 0.7
  // (0.6). The replicates are the two seeds, not the four rows: mean 0.4, std of {0.2, 0.6}
  // = sqrt(0.08) = 0.28284271247461906.
  Builder b;
  b.row("vae", "1", 1, 0.1).row("vae", "4", 1, 0.3).row("ae", "1", 1, 0.9);
  b.row("vae", "1", 2, 0.5).row("vae", "4", 2, 0.7);
  const Ranking r = rank_groups(b.in, opts("silhouette", {"model"}));
  ASSERT_EQ(r.groups.size(), 2u);
  const RankedGroup& vae = find(r, {"vae"});
  EXPECT_EQ(vae.n, 2u);
  EXPECT_EQ(vae.n_rows, 4u);
  EXPECT_NEAR(vae.mean, 0.4, 1e-15);
  EXPECT_NEAR(vae.std, 0.28284271247461906, 1e-15);
  EXPECT_EQ(vae.seed_values.size(), 2u);
  EXPECT_NEAR(vae.seed_values[0], 0.2, 1e-15);
  EXPECT_EQ(r.max_rows_per_seed, 2u);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("averaged per seed"), std::string::npos) << r.notes[0];
  const std::string md = format_markdown(r);
  EXPECT_NE(md.find("| rows |"), std::string::npos) << md;
}

TEST(Ranking, DaviesBouldinRanksAscending) {
  EXPECT_FALSE(higher_is_better("davies_bouldin"));
  EXPECT_FALSE(higher_is_better("inertia"));
  EXPECT_FALSE(higher_is_better("noise_fraction"));
  EXPECT_TRUE(higher_is_better("silhouette"));
  EXPECT_TRUE(higher_is_better("calinski_harabasz"));
  Builder b;
  b.row("vae", "1", 1, 0.0, 2.0).row("ae", "1", 1, 0.0, 0.5).row("pca", "1", 1, 0.0, 1.0);
  const Ranking r = rank_groups(b.in, opts("davies_bouldin", {}, 0.95));
  EXPECT_FALSE(r.higher_is_better);
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].key_values[0], "ae");
  EXPECT_EQ(r.groups[1].key_values[0], "pca");
  EXPECT_EQ(r.groups[2].key_values[0], "vae");
  EXPECT_EQ(r.groups[2].rank, 3);
}

TEST(Ranking, TiesShareRankCompetitionStyle) {
  // Means 0.9, 0.5, 0.5, 0.1 -> ranks 1, 2, 2, 4; the tied means come from the same values in
  // a different row order, which must not break the tie.
  Builder b;
  b.row("a", "1", 1, 0.9);
  b.row("b", "1", 1, 0.1).row("b", "1", 2, 0.7).row("b", "1", 3, 0.7);
  b.row("c", "1", 1, 0.7).row("c", "1", 2, 0.1).row("c", "1", 3, 0.7);
  b.row("d", "1", 1, 0.1);
  const Ranking r = rank_groups(b.in, opts("silhouette", {}, 0.95));
  ASSERT_EQ(r.groups.size(), 4u);
  std::vector<int> ranks;
  for (const RankedGroup& g : r.groups) ranks.push_back(g.rank);
  EXPECT_EQ(ranks, (std::vector<int>{1, 2, 2, 4}));
  EXPECT_EQ(r.groups[1].key_values[0], "b");  // equal means in key order
  EXPECT_EQ(r.groups[2].key_values[0], "c");
}

TEST(Ranking, NanRowsAreMissingAndEmptyGroupsGoLast) {
  Builder b;
  b.row("vae", "1", 1, 0.4).row("vae", "1", 2, kNaN).row("vae", "1", 3, 0.6);
  b.row("failed", "1", 1, kNaN).row("failed", "1", 2, kNaN);
  b.row("single", "1", 1, 0.1);
  const Ranking r = rank_groups(b.in, opts("silhouette", {}, 0.95));
  ASSERT_EQ(r.groups.size(), 3u);
  const RankedGroup& vae = r.groups[0];
  EXPECT_EQ(vae.key_values[0], "vae");
  EXPECT_EQ(vae.n, 2u);
  EXPECT_EQ(vae.n_missing, 1u);
  EXPECT_NEAR(vae.mean, 0.5, 1e-15);
  EXPECT_EQ(vae.seeds, (std::vector<std::int64_t>{1, 3}));
  const RankedGroup& single = r.groups[1];
  EXPECT_EQ(single.n, 1u);
  EXPECT_TRUE(std::isnan(single.std));  // no spread from one seed
  EXPECT_TRUE(std::isnan(single.ci_low));
  EXPECT_EQ(single.rank, 2);
  const RankedGroup& failed = r.groups[2];
  EXPECT_EQ(failed.key_values[0], "failed");
  EXPECT_EQ(failed.n, 0u);
  EXPECT_EQ(failed.n_missing, 2u);
  EXPECT_EQ(failed.rank, 0);
  EXPECT_TRUE(std::isnan(failed.mean));
}

TEST(Ranking, UnknownMetricListsValidNames) {
  Builder b;
  b.row("vae", "1", 1, 0.4);
  try {
    rank_groups(b.in, opts("accuracy", {}, 0.95));
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("accuracy"), std::string::npos) << what;
    EXPECT_NE(what.find("silhouette, davies_bouldin"), std::string::npos) << what;
  }
}

TEST(Ranking, RejectsBadGroupKeysAndConfidence) {
  Builder b;
  b.row("vae", "1", 1, 0.4);
  EXPECT_THROW(rank_groups(b.in, opts("silhouette", {"latent_dim"})), UserError);
  EXPECT_THROW(rank_groups(b.in, opts("silhouette", {"seed"})), UserError);
  EXPECT_THROW(rank_groups(b.in, opts("silhouette", {"model", "model"})), UserError);
  EXPECT_THROW(rank_groups(b.in, opts("silhouette", {}, 1.0)), UserError);
  EXPECT_THROW(rank_groups(b.in, opts("silhouette", {}, 0.0)), UserError);
}

TEST(RankingFormat, MarkdownHasTitleColumnsAndRows) {
  Builder b;
  for (int s = 1; s <= 4; ++s) b.row("vae", "1", s, s);
  b.row("ae", "4", 7, 0.25).row("ae", "4", 8, kNaN);
  const Ranking r = rank_groups(b.in, opts("silhouette", {}, 0.95));
  const std::string md = format_markdown(r);
  EXPECT_NE(md.find("silhouette"), std::string::npos) << md;
  EXPECT_NE(md.find("higher is better"), std::string::npos) << md;
  EXPECT_NE(md.find("across seeds"), std::string::npos) << md;
  EXPECT_NE(md.find("label-free selection"), std::string::npos) << md;
  EXPECT_NE(md.find("| rank | model | beta | mean | std | CI low | CI high | n | missing | verdict | p | p (Holm) | "
                    "pairs | seeds |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| 1 | vae | 1 | 2.5000 | 1.2910 | 0.4457 | 4.5543 | 4 | 0 | best | - | - | - | 1, 2, 3, 4 |"),
            std::string::npos)
      << md;
  // ae shares no seed with vae: no paired test.
  EXPECT_NE(md.find("| 2 | ae | 4 | 0.2500 | n/a | n/a | n/a | 1 | 1 | untested | - | - | 0 | 7 |"), std::string::npos)
      << md;

  const std::string top = format_markdown(r, 1);
  EXPECT_EQ(top.find("| ae |"), std::string::npos) << top;
  EXPECT_NE(top.find("1 more groups"), std::string::npos) << top;
}

TEST(RankingFormat, CsvHasEveryColumnAtFullPrecision) {
  Builder b;
  b.row("vae", "1", 1, 0.1).row("vae", "1", 2, 0.2).row("x,y", "1", 3, kNaN);
  const Ranking r = rank_groups(b.in, opts("silhouette", {}, 0.95));
  const std::string csv = format_csv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "rank,model,beta,mean,std,ci_low,ci_high,n,n_rows,n_missing,verdict,p,p_holm,n_pairs,seeds,unit_ids");
  EXPECT_NE(csv.find("\n1,vae,1,0.15000000000000002,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",2,2,0,best,,,0,\"1;2\",\"u0;u1\"\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n,\"x,y\",1,,,,,0,0,1,untested,,,0,\"\",\"\"\n"), std::string::npos) << csv;
}


// A planted clearly better group, one from the same distribution as the best (a tie), one
// equal to the best value for value (shares rank 1), 8 seeds, paired t test. Expected p from
// scipy.stats.ttest_rel(A, B).pvalue = 0.7917344436858661 and ttest_rel(A, C).pvalue =
// 1.2068194198741936e-09; Holm over the two comparisons: C 2 x 1.2068194198741936e-09, B
// max(that, 0.7917...) = 0.7917344436858661.
struct Planted {
  Builder b;
  Planted() {
    const double ea[] = {0.01, -0.02, 0.015, 0.0, -0.01, 0.02, -0.005, 0.005};
    const double eb[] = {-0.015, 0.01, -0.01, 0.02, 0.005, -0.02, 0.01, -0.005};
    const double ec[] = {0.0, 0.01, -0.01, 0.02, -0.02, 0.0, 0.01, -0.01};
    for (int s = 0; s < 8; ++s) {
      b.row("a", "1", s, 0.8 + ea[s]).row("b", "1", s, 0.8 + eb[s]).row("c", "1", s, 0.5 + ec[s]);
      b.row("d", "1", s, 0.8 + ea[s]);
    }
  }
};

TEST(RankingVerdicts, PlantedBetterTiedAndEqualGroups) {
  const Ranking r = rank_groups(Planted().b.in, opts("silhouette"));
  ASSERT_EQ(r.groups.size(), 4u);
  const RankedGroup& a = find(r, {"a", "1"});
  const RankedGroup& b = find(r, {"b", "1"});
  const RankedGroup& c = find(r, {"c", "1"});
  const RankedGroup& d = find(r, {"d", "1"});
  EXPECT_EQ(r.groups[0].key_values[0], "a");
  EXPECT_EQ(a.verdict, Verdict::best);
  EXPECT_EQ(d.rank, 1);  // exactly equal means share the rank
  EXPECT_EQ(d.verdict, Verdict::best);
  EXPECT_EQ(b.verdict, Verdict::tie);
  EXPECT_EQ(b.n_pairs, 8u);
  EXPECT_NEAR(b.p, 0.7917344436858661, 1e-12);
  EXPECT_NEAR(b.p_holm, 0.7917344436858661, 1e-12);
  EXPECT_EQ(c.verdict, Verdict::worse);
  EXPECT_NEAR(c.p, 1.2068194198741936e-09, 1e-18);
  EXPECT_NEAR(c.p_holm, 2.413638839748387e-09, 1e-18);
  EXPECT_FALSE(b.underpowered);
  EXPECT_TRUE(std::isnan(a.p));
}

TEST(RankingVerdicts, WilcoxonWithFiveSeedsIsFlaggedUnderpowered) {
  // c is below a on every seed (by distinct amounts, so the exact distribution applies), but
  // with 5 pairs the smallest two-sided p is 2/32 = 0.0625.
  Builder b;
  for (int s = 0; s < 5; ++s) b.row("a", "1", s, 0.8 + 0.01 * s).row("c", "1", s, 0.5 + 0.02 * s);
  RankOptions o = opts("silhouette");
  o.test = PairedTest::wilcoxon;
  const Ranking r = rank_groups(b.in, o);
  const RankedGroup& c = find(r, {"c", "1"});
  EXPECT_EQ(c.verdict, Verdict::tie);
  EXPECT_TRUE(c.underpowered);
  EXPECT_NEAR(c.p, 0.0625, 1e-15);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes.back().find("could not reach p < 0.05"), std::string::npos) << r.notes.back();
  EXPECT_NE(format_markdown(r).find("tie with best*"), std::string::npos);
  // The paired t test on the same pairs (differences 0.30 .. 0.26) finds it worse.
  o.test = PairedTest::t;
  EXPECT_EQ(find(rank_groups(b.in, o), {"c", "1"}).verdict, Verdict::worse);
}

TEST(RankingMetrics, LabelFreeOracleAndDiagnosticKinds) {
  EXPECT_EQ(metric_kind("nmi_genre"), MetricKind::oracle);
  EXPECT_EQ(metric_kind("ari_language_track"), MetricKind::oracle);
  EXPECT_EQ(metric_kind("silhouette"), MetricKind::label_free);
  EXPECT_EQ(metric_kind("davies_bouldin"), MetricKind::label_free);
  EXPECT_EQ(metric_kind("reconstruction"), MetricKind::label_free);
  EXPECT_EQ(metric_kind("loss"), MetricKind::label_free);
  EXPECT_EQ(metric_kind("active_units"), MetricKind::diagnostic);
  EXPECT_EQ(metric_kind("kl"), MetricKind::diagnostic);
  EXPECT_FALSE(higher_is_better("reconstruction"));
  EXPECT_FALSE(higher_is_better("loss"));
  EXPECT_EQ(label_sets({"silhouette", "nmi_genre", "ari_genre", "nmi_genre_track"}),
            (std::vector<std::string>{"genre", "genre_track"}));
  // Disentanglement scores read the labels: oracle; total correlation is a lower-is-better
  // diagnostic (PCA's components have none by construction).
  for (const char* m : {"mig_genre", "sap_language", "dci_completeness_genre", "dci_informativeness_genre"}) {
    EXPECT_EQ(metric_kind(m), MetricKind::oracle) << m;
    EXPECT_TRUE(higher_is_better(m)) << m;
  }
  EXPECT_EQ(metric_kind("total_correlation"), MetricKind::diagnostic);
  EXPECT_FALSE(higher_is_better("total_correlation"));
  EXPECT_EQ(label_sets({"mig_genre", "dci_completeness_language"}), (std::vector<std::string>{"genre", "language"}));
}

// Two configurations: "sharp" wins on silhouette, "true" on the labels.
RankInput label_input() {
  RankInput in;
  in.key_names = {"model"};
  in.metric_names = {"silhouette", "nmi_genre", "reconstruction"};
  for (int s = 0; s < 3; ++s) {
    for (const char* model : {"sharp", "true"}) {
      const bool sharp = std::string(model) == "sharp";
      in.keys.push_back({model});
      in.unit_ids.push_back(std::string(model) + std::to_string(s));
      in.seeds.push_back(s);
      in.metrics.push_back({sharp ? 0.7 + 0.01 * s : 0.4 + 0.01 * s, sharp ? 0.2 : 0.9, sharp ? 1.0 : 2.0});
    }
  }
  return in;
}

TEST(RankingSelection, LabelFreeChoiceNextToTheOracleChoice) {
  RankOptions o = opts("silhouette");
  o.also = {"nmi"};
  o.labels = "genre";
  const Ranking r = rank_groups(label_input(), o);
  EXPECT_EQ(r.kind, MetricKind::label_free);
  EXPECT_EQ(r.also, (std::vector<std::string>{"nmi_genre"}));
  ASSERT_EQ(r.selection.size(), 1u);
  EXPECT_EQ(r.groups[0].key_values[0], "sharp");
  EXPECT_NEAR(r.selection[0].label_free_value, 0.2, 1e-15);
  EXPECT_EQ(r.groups[r.selection[0].oracle_group].key_values[0], "true");
  EXPECT_NEAR(r.selection[0].oracle_value, 0.9, 1e-15);
  const std::string md = format_markdown(r);
  EXPECT_NE(md.find("label-free selection"), std::string::npos) << md;
  EXPECT_NE(md.find("### Selection: label-free choice vs oracle choice"), std::string::npos) << md;
  EXPECT_NE(md.find("| nmi_genre | 0.2000 | model=true | 0.9000 | 0.7000 |"), std::string::npos) << md;

  // Ranking by the label metric is an oracle ranking, without a selection section.
  const Ranking oracle = rank_groups(label_input(), [] {
    RankOptions x = opts("nmi");
    x.labels = "genre";
    x.also = {"silhouette"};
    return x;
  }());
  EXPECT_EQ(oracle.metric, "nmi_genre");
  EXPECT_EQ(oracle.kind, MetricKind::oracle);
  EXPECT_TRUE(oracle.selection.empty());
  EXPECT_NE(format_markdown(oracle).find("oracle selection"), std::string::npos);
}

TEST(RankingSelection, LabelsAndMetricNamesAreChecked) {
  RankOptions o = opts("nmi");
  EXPECT_THROW(rank_groups(label_input(), o), UserError);  // which label set?
  o.labels = "mood";
  try {
    rank_groups(label_input(), o);
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("--labels: unknown label set 'mood'; the results have: genre"),
              std::string::npos)
        << e.what();
  }
  RankOptions p = opts("silhouette");
  p.pareto = {"silhouette"};
  EXPECT_THROW(rank_groups(label_input(), p), UserError);
  p.pareto = {"silhouette", "silhouette"};
  EXPECT_THROW(rank_groups(label_input(), p), UserError);
}

TEST(RankingPareto, FrontOfGroupMeansInEachDirection) {
  // reconstruction: lower is better. sharp (silhouette ~0.71, reconstruction 1) dominates true
  // (0.41, 2), so the front is sharp alone; against nmi_genre both are on the front.
  RankOptions o = opts("silhouette");
  o.pareto = {"silhouette", "reconstruction"};
  const Ranking r = rank_groups(label_input(), o);
  ASSERT_EQ(r.pareto.size(), 1u);
  EXPECT_EQ(r.groups[r.pareto[0].group].key_values[0], "sharp");
  EXPECT_NEAR(r.pareto[0].y, 1.0, 1e-15);
  o.pareto = {"silhouette", "nmi_genre"};
  const Ranking both = rank_groups(label_input(), o);
  ASSERT_EQ(both.pareto.size(), 2u);
  EXPECT_EQ(both.groups[both.pareto[0].group].key_values[0], "sharp");  // sorted by silhouette
  EXPECT_NE(format_csv(both).find(",pareto,"), std::string::npos);
}

// A results file in memory: 2 vae units (beta 1 and 4) and 1 pca unit, seeds 1 and 2.
results::ResultsFile small_results() {
  results::ResultsFile f;
  f.units.add_column("unit", std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
  f.units.add_column("model", std::vector<std::string>{"vae", "vae", "vae", "vae", "pca", "pca"});
  f.units.add_column("axes", std::vector<std::string>{"beta=1 features.modalities=[audio, text]",
                                                      "beta=1 features.modalities=[audio, text]",
                                                      "beta=4 features.modalities=[audio, text]",
                                                      "beta=4 features.modalities=[audio, text]",
                                                      "features.modalities=[audio, text]",
                                                      "features.modalities=[audio, text]"});
  f.units.add_column("config_hash", std::vector<std::string>{"h0aaaaaaaaaaaaa", "h1", "h2", "h3", "h4", "h5"});
  f.units.add_column("seed", std::vector<std::int64_t>{1, 2, 1, 2, 1, 2});
  f.units.add_column("reconstruction", std::vector<double>{1.0, 2.0, 3.0, 4.0, 5.0, 6.0});
  f.units.add_column("active_units", std::vector<std::int64_t>{4, 4, 2, 2, 8, 8});
  f.evaluations.add_column("unit", std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
  f.evaluations.add_column("method", std::vector<std::string>(6, "kmeans"));
  f.evaluations.add_column("k", std::vector<std::int64_t>(6, 4));
  f.evaluations.add_column("space", std::vector<std::string>{"vae_latent", "vae_latent", "vae_latent", "vae_latent",
                                                             "pca", "pca"});
  f.evaluations.add_column("clusters_found", std::vector<std::int64_t>(6, 4));
  f.evaluations.add_column("silhouette", std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5, 0.6});
  f.evaluations.add_column("nmi_genre", std::vector<double>{0.9, 0.8, 0.7, 0.6, 0.5, 0.4});
  return f;
}

TEST(RankInputAxes, EveryAxisIsAKeyAndUnitMetricsReachEachRow) {
  const RankInput in = rank_input(small_results());
  EXPECT_EQ(in.key_names, (std::vector<std::string>{"model", "config", "method", "k", "space", "flags", "beta",
                                                    "features.modalities"}));
  EXPECT_EQ(in.metric_names,
            (std::vector<std::string>{"silhouette", "nmi_genre", "reconstruction", "active_units"}));
  EXPECT_EQ(in.keys[4][6], "");  // pca has no beta
  EXPECT_EQ(in.keys[0][7], "[audio, text]");
  EXPECT_EQ(in.unit_ids[0], "0:h0aaaaaaaaaa");  // the hash cut to 12 characters
  EXPECT_EQ(in.metrics[3][2], 4.0);
  EXPECT_EQ(in.metrics[3][3], 2.0);

  // Grouped by the beta axis alone: {"" (pca), "1", "4"}; by silhouette pca first.
  const Ranking r = rank_groups(in, opts("silhouette", {"beta"}));
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].key_values[0], "");
  const RankedGroup& beta4 = find(r, {"4"});
  EXPECT_NEAR(beta4.mean, 0.35, 1e-15);
  EXPECT_EQ(beta4.n, 2u);
  EXPECT_NEAR(beta4.active_units, 2.0, 1e-15);
  EXPECT_EQ(beta4.config_hashes, (std::vector<std::string>{"h2", "h3"}));
  // Ranking by reconstruction: lower is better, a unit-level metric.
  const Ranking rec = rank_groups(in, opts("reconstruction", {"beta"}));
  EXPECT_FALSE(rec.higher_is_better);
  EXPECT_EQ(rec.groups[0].key_values[0], "1");
  // Unknown key and seed as a key are refused.
  EXPECT_THROW(rank_groups(in, opts("silhouette", {"gamma"})), UserError);
  EXPECT_THROW(rank_groups(in, opts("silhouette", {"seed"})), UserError);
}

// The disentanglement columns of /units reach every evaluation row of their unit, rank as
// oracle metrics, and come with the dependence of the label sets from /features.
TEST(RankInputAxes, DisentanglementScoresAreUnitMetricsWithTheLabelDependence) {
  results::ResultsFile f = small_results();
  f.units.add_column("mig_genre", std::vector<double>{0.1, 0.2, 0.5, 0.6, 0.3, 0.3});
  f.units.add_column("label_entropy_genre", std::vector<double>(6, 1.0));  // not a score
  f.units.add_column("mi_per_dim_genre", std::vector<std::string>(6, "0.1;0.2"));
  f.units.add_column("total_correlation", std::vector<double>{1, 1, 2, 2, 0, 0});
  f.features.add_column("rows", std::vector<std::int64_t>{100});
  f.features.add_column("nmi_genre_and_language", std::vector<double>{0.8312});
  f.features.add_column("mi_share_language_from_genre", std::vector<double>{1.0});
  f.features.add_column("mi_share_genre_from_language", std::vector<double>{0.236});
  f.features.add_column("labelled_genre_and_language", std::vector<std::int64_t>{90});
  const RankInput in = rank_input(f);
  EXPECT_EQ(in.metric_names, (std::vector<std::string>{"silhouette", "nmi_genre", "reconstruction", "active_units",
                                                       "mig_genre", "total_correlation"}));
  EXPECT_EQ(in.metrics[3][4], 0.6);
  EXPECT_EQ(in.label_dependence,
            (std::vector<std::string>{"NMI(genre, language) = 0.831, genre explains 100% of language's entropy, "
                                      "language 24% of genre's, on 90 rows labelled in both"}));
  RankOptions o = opts("mig", {"beta"});
  o.labels = "genre";
  const Ranking r = rank_groups(in, o);
  EXPECT_EQ(r.metric, "mig_genre");
  EXPECT_EQ(r.kind, MetricKind::oracle);
  EXPECT_EQ(r.groups[0].key_values[0], "4");
  EXPECT_NEAR(r.groups[0].mean, 0.55, 1e-15);
  const std::string md = format_markdown(r);
  EXPECT_NE(md.find("oracle selection"), std::string::npos) << md;
  EXPECT_NE(md.find("NMI(genre, language) = 0.831, genre explains 100%"), std::string::npos) << md;
  // Bare "mig" needs a label set; DCI disentanglement is refused with the reason.
  EXPECT_THROW(rank_groups(in, opts("mig")), UserError);
  try {
    rank_groups(in, opts("dci_disentanglement_genre"));
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("undefined with one factor"), std::string::npos) << e.what();
  }
  const Ranking tc = rank_groups(in, opts("total_correlation", {"beta"}));
  EXPECT_EQ(tc.kind, MetricKind::diagnostic);
  EXPECT_EQ(tc.groups[0].key_values[0], "");  // pca: 0, lowest
}

}  // namespace
}  // namespace vaesweep::report
