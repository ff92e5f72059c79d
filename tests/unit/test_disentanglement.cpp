// Disentanglement metrics (src/metrics/disentanglement.hpp). Expected values: NumPy /
// scikit-learn 1.2 computing the same definitions on the same latents
// (tests/reference/make_disentanglement_reference.py -> tests/data/sklearn/dis_*.csv), planted
// structure (one dimension per factor: MIG near 1; every dimension mixing both: near 0) and
// analytic cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "metrics/disentanglement.hpp"
#include "metrics/external.hpp"
#include "pipeline/unit_disentanglement.hpp"
#include "test_csv_util.hpp"

namespace vaesweep::metrics {
namespace {

std::string data_file(const std::string& name) { return std::string(VAESWEEP_TEST_DATA_DIR) + "/sklearn/" + name; }

struct Case {
  Eigen::MatrixXd Z;
  std::map<std::string, std::vector<int>> labels;  // genre, language
};

Case load(const std::string& name) {
  Case c;
  c.Z = test::read_csv(data_file("dis_Z_" + name + ".csv")).matrix();
  const auto labels = test::read_csv(data_file("dis_labels_" + name + ".csv"));
  for (const char* set : {"genre", "language"}) c.labels[set] = labels.int_column(set);
  return c;
}

// (case, factor) -> name -> value, from dis_expected.csv.
std::map<std::pair<std::string, std::string>, std::map<std::string, double>> expected_values() {
  std::map<std::pair<std::string, std::string>, std::map<std::string, double>> out;
  const auto t = test::read_csv(data_file("dis_expected.csv"));
  for (std::size_t r = 0; r < t.rows.size(); ++r)
    out[{t.cell(r, "case"), t.cell(r, "factor")}][t.cell(r, "name")] = t.number(r, "value");
  return out;
}

// MI sums ~n log terms (1e-15 each), LDA solves a 4 x 4 system: agreement to 1e-10 is ample;
// accuracies are counts over n and must agree exactly.
constexpr double kTolerance = 1e-10;

TEST(Disentanglement, EqualsTheNumpyReferenceOnEveryCase) {
  const auto expected = expected_values();
  for (const char* name : {"planted", "mixed", "small"}) {
    const Case c = load(name);
    for (const char* factor : {"genre", "language"}) {
      SCOPED_TRACE(std::string(name) + " / " + factor);
      const auto& e = expected.at({name, factor});
      const FactorScores s = factor_scores(c.Z, c.labels.at(factor));
      EXPECT_EQ(s.rows, static_cast<std::int64_t>(e.at("rows")));
      EXPECT_EQ(s.classes, static_cast<int>(e.at("classes")));
      EXPECT_NEAR(s.entropy, e.at("entropy"), kTolerance);
      EXPECT_NEAR(s.mig, e.at("mig"), kTolerance);
      EXPECT_DOUBLE_EQ(s.sap, e.at("sap"));
      EXPECT_NEAR(s.dci_completeness, e.at("dci_completeness"), kTolerance);
      EXPECT_DOUBLE_EQ(s.dci_informativeness, e.at("dci_informativeness"));
      for (std::size_t j = 0; j < s.mi.size(); ++j) {
        const std::string k = std::to_string(j);
        EXPECT_NEAR(s.mi[j], e.at("mi_" + k), kTolerance) << j;
        EXPECT_DOUBLE_EQ(s.sap_accuracy[j], e.at("sap_accuracy_" + k)) << j;
        EXPECT_NEAR(s.importance[j], e.at("importance_" + k), kTolerance * (1 + e.at("importance_" + k))) << j;
      }
    }
    EXPECT_NEAR(gaussian_total_correlation(c.Z), expected.at({name, "-"}).at("total_correlation"), kTolerance) << name;
  }
}

// Planted: dimension 0 is 2 x genre + noise, dimension 2 is 3 x language + noise (20% of the
// rows without a language), 1 and 3 are noise.
TEST(Disentanglement, OneDimensionPerFactorGivesMigNearOne) {
  const Case c = load("planted");
  const FactorScores genre = factor_scores(c.Z, c.labels.at("genre"));
  const FactorScores language = factor_scores(c.Z, c.labels.at("language"));
  EXPECT_GT(genre.mig, 0.9);
  EXPECT_GT(language.mig, 0.9);
  EXPECT_EQ(std::max_element(genre.mi.begin(), genre.mi.end()) - genre.mi.begin(), 0);
  EXPECT_EQ(std::max_element(language.mi.begin(), language.mi.end()) - language.mi.begin(), 2);
  EXPECT_GT(genre.dci_completeness, 0.85);
  EXPECT_GT(language.dci_completeness, 0.85);
  EXPECT_EQ(genre.dci_informativeness, 1.0);
  EXPECT_EQ(language.dci_informativeness, 1.0);
  EXPECT_EQ(language.rows, 324);  // the labelled rows only (dis_labels_planted.csv: 76 of 400 are -1)
  // The best single dimension predicts the factor; the gap to the second is SAP.
  EXPECT_EQ(genre.sap_accuracy[0], 1.0);
  EXPECT_GT(genre.sap, 0.6);
}

// Mixed: the same latent times a Hadamard matrix / 2: every dimension holds each factor with
// weight 1/2, so the information is all there (informativeness 1) but no dimension owns it.
TEST(Disentanglement, EveryDimensionMixingBothFactorsGivesMigNearZero) {
  const Case c = load("mixed");
  for (const char* factor : {"genre", "language"}) {
    const FactorScores s = factor_scores(c.Z, c.labels.at(factor));
    EXPECT_LT(s.mig, 0.1) << factor;
    EXPECT_LT(s.sap, 0.05) << factor;
    EXPECT_LT(s.dci_completeness, 0.05) << factor;
    EXPECT_EQ(s.dci_informativeness, 1.0) << factor;
  }
  // A rotation of nearly independent dimensions makes them correlated: TC goes up.
  EXPECT_LT(gaussian_total_correlation(load("planted").Z), 0.05);
  EXPECT_GT(gaussian_total_correlation(c.Z), 1.0);
}

TEST(Disentanglement, UnlabelledRowsAreLeftOut) {
  const Case c = load("planted");
  const std::vector<int>& language = c.labels.at("language");
  std::vector<Eigen::Index> rows;
  std::vector<int> kept;
  for (std::size_t r = 0; r < language.size(); ++r)
    if (language[r] != -1) rows.push_back(static_cast<Eigen::Index>(r)), kept.push_back(language[r]);
  const FactorScores all = factor_scores(c.Z, language);
  const FactorScores subset = factor_scores(c.Z(rows, Eigen::all), kept);
  EXPECT_EQ(all.rows, subset.rows);
  EXPECT_EQ(all.mig, subset.mig);
  EXPECT_EQ(all.sap, subset.sap);
  EXPECT_EQ(all.dci_completeness, subset.dci_completeness);
  EXPECT_EQ(all.dci_informativeness, subset.dci_informativeness);
}

// np.digitize(v, np.histogram(v, 2)[1][:-1]) for v = [0, 0.25, 0.5, 1]: edges [0, 0.5] -> 1, 1, 2, 2
// (the maximum falls in the last bin); a constant column is one bin.
TEST(Disentanglement, EqualWidthBinsFollowNumpy) {
  Eigen::VectorXd v(4);
  v << 0, 0.25, 0.5, 1;
  EXPECT_EQ(equal_width_bins(v, 2), (std::vector<int>{1, 1, 2, 2}));
  EXPECT_EQ(equal_width_bins(v, 4), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(equal_width_bins(Eigen::VectorXd::Constant(3, 7.0), 20), (std::vector<int>{1, 1, 1}));
  EXPECT_THROW(equal_width_bins(v, 0), UserError);
}

// Two dimensions with correlation rho: TC = -log(1 - rho^2) / 2. z1 and w are orthogonal with
// equal norms and zero means, z2 = z1 + w has rho = 1 / sqrt(2): TC = log(2) / 2. A constant
// dimension is left out; a copy of a dimension makes R singular: infinite.
TEST(Disentanglement, GaussianTotalCorrelationAnalyticCases) {
  Eigen::MatrixXd Z(4, 3);
  Z << 1, 2, 5,  //
      -1, 0, 5,  //
      1, 0, 5,   //
      -1, -2, 5;
  EXPECT_NEAR(gaussian_total_correlation(Z), 0.5 * std::log(2.0), 1e-14);
  Eigen::MatrixXd independent(4, 2);
  independent << 1, 1, -1, 1, 1, -1, -1, -1;
  EXPECT_NEAR(gaussian_total_correlation(independent), 0.0, 1e-15);
  Eigen::MatrixXd copy(4, 2);
  copy << 1, 1, 2, 2, 3, 3, 5, 5;
  EXPECT_TRUE(std::isinf(gaussian_total_correlation(copy)));
  EXPECT_EQ(gaussian_total_correlation(Eigen::MatrixXd::Ones(5, 1)), 0.0);
}

TEST(Disentanglement, UndefinedCasesAreNaNNotNumbers) {
  Eigen::MatrixXd Z(6, 2);
  Z << 0, 1, 1, 0, 2, 1, 3, 0, 4, 1, 5, 0;
  // One class: nothing to explain.
  const FactorScores one_class = factor_scores(Z, {3, 3, 3, 3, 3, 3});
  EXPECT_EQ(one_class.entropy, 0.0);
  EXPECT_EQ(one_class.mi, (std::vector<double>{0.0, 0.0}));
  EXPECT_TRUE(std::isnan(one_class.mig) && std::isnan(one_class.sap) && std::isnan(one_class.dci_completeness) &&
              std::isnan(one_class.dci_informativeness));
  // No labelled row.
  const FactorScores none = factor_scores(Z, std::vector<int>(6, -1));
  EXPECT_EQ(none.rows, 0);
  EXPECT_TRUE(std::isnan(none.mig) && std::isnan(none.mi[0]));
  // One dimension: no second best for MIG and SAP, no entropy base for completeness.
  const FactorScores one_dim = factor_scores(Z.leftCols(1), {0, 0, 0, 1, 1, 1});
  EXPECT_TRUE(std::isnan(one_dim.mig) && std::isnan(one_dim.sap) && std::isnan(one_dim.dci_completeness));
  EXPECT_EQ(one_dim.dci_informativeness, 1.0);  // 0, 1, 2 against 3, 4, 5: separable
  // Fewer labelled rows than folds: no cross-validated accuracy.
  const FactorScores few = factor_scores(Z, {0, 1, -1, -1, 0, 1});
  EXPECT_TRUE(std::isnan(few.sap) && std::isnan(few.dci_informativeness));
  EXPECT_FALSE(std::isnan(few.mig));
}

// The dense MI of coded labels (used per dimension) equals the sparse one (scikit-learn's
// mutual_info_score, test_external_metrics_extended.cpp) bit for bit, unused codes included.
TEST(Disentanglement, MutualInfoOfCodesEqualsMutualInfoScore) {
  std::vector<int> a, b;
  for (int i = 0; i < 500; ++i) {
    a.push_back((i * 7919) % 5);                 // codes 0..4
    b.push_back(i % 3 == 0 ? 19 : (i * 104729) % 7);  // codes 0..6 and 19, 7..18 unused
  }
  EXPECT_EQ(mutual_info_of_codes(a, 5, b, 20), mutual_info_score(a, b));
  EXPECT_EQ(mutual_info_of_codes(a, 5, std::vector<int>(500, 3), 20), 0.0);
  EXPECT_THROW(mutual_info_of_codes(a, 4, b, 20), UserError);
}

TEST(Disentanglement, BadInputIsAUserError) {
  Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(3, 2);
  EXPECT_THROW(factor_scores(Z, {0, 1}), UserError);
  Z(1, 1) = std::nan("");
  EXPECT_THROW(factor_scores(Z, {0, 1, 0}), UserError);
  EXPECT_THROW(gaussian_total_correlation(Z), UserError);
  DisentanglementParams p;
  p.folds = 1;
  EXPECT_THROW(factor_scores(Eigen::MatrixXd::Zero(3, 2), {0, 1, 0}, p), UserError);
}

// Through a unit's record: the planted case as a feature table; a withheld set (a cvae's
// condition) gets NaN, 0 rows and no MI; unlabelled rows are counted out.
TEST(Disentanglement, AUnitRecordGetsEverySetInOrder) {
  const Case c = load("planted");
  data::FeatureTable table;
  table.X = c.Z;
  for (const char* set : {"genre", "language"}) {
    data::LabelSet labels;
    labels.name = set;
    labels.codes = c.labels.at(set);
    table.labels.push_back(labels);
  }
  results::UnitRecord record;
  pipeline::score_disentanglement(c.Z, table, {"language", "genre"}, {"genre"}, record);
  const auto width = results::disentanglement_field_names().size();
  ASSERT_EQ(record.disentanglement.size(), 2 * width);
  EXPECT_EQ(record.disentangled_rows, (std::vector<std::int64_t>{324, 0}));
  EXPECT_EQ(record.disentanglement[0], factor_scores(c.Z, c.labels.at("language")).mig);
  EXPECT_TRUE(std::isnan(record.disentanglement[width]));
  EXPECT_EQ(record.mi_per_dim[1], "");
  EXPECT_EQ(std::count(record.mi_per_dim[0].begin(), record.mi_per_dim[0].end(), ';'), 3);
  EXPECT_EQ(record.total_correlation, gaussian_total_correlation(c.Z));
  // A latent with a NaN leaves the record as it was.
  Eigen::MatrixXd bad = c.Z;
  bad(3, 1) = std::nan("");
  results::UnitRecord untouched;
  EXPECT_THROW(pipeline::score_disentanglement(bad, table, {"genre"}, {}, untouched), UserError);
  EXPECT_TRUE(untouched.disentanglement.empty() && std::isnan(untouched.total_correlation));
}

}  // namespace
}  // namespace vaesweep::metrics
