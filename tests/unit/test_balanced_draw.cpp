// data.balance: a seeded draw of the same number of rows from every group. Expected values:
// planted groups of known sizes (the counts follow from the definition), the refusal naming the
// short group, and a draw of the real table's 1,000 English and 1,617 Bangla rows.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "util/error.hpp"
#include "study/study.hpp"
#include "data/balanced_draw.hpp"
#include "data/dataset.hpp"

namespace vaesweep::data {
namespace {

std::vector<std::string> repeated(const std::vector<std::pair<std::string, int>>& runs) {
  std::vector<std::string> out;
  for (const auto& [name, n] : runs) out.insert(out.end(), static_cast<std::size_t>(n), name);
  return out;
}

std::map<std::string, int> counts(const std::vector<std::string>& classes, const std::vector<std::size_t>& rows) {
  std::map<std::string, int> c;
  for (std::size_t r : rows) ++c[classes[r]];
  return c;
}

TEST(BalancedDraw, EveryGroupGivesPerGroupRowsInDataOrder) {
  const auto language = repeated({{"en", 10}, {"bn", 17}, {"", 3}});
  const BalancedDraw d = balanced_draw({"language"}, {language}, 6, 0, "t.csv");
  EXPECT_EQ(counts(language, d.rows), (std::map<std::string, int>{{"bn", 6}, {"en", 6}}));
  EXPECT_TRUE(std::is_sorted(d.rows.begin(), d.rows.end()));
  EXPECT_EQ(d.note, "language: 6 of 17 bn, 6 of 10 en (seed 0); 3 rows without a class left out");
}

TEST(BalancedDraw, MinTakesTheSmallestGroupWhole) {
  const auto language = repeated({{"en", 10}, {"bn", 17}});
  const BalancedDraw d = balanced_draw({"language"}, {language}, 0, 3, "t.csv");
  EXPECT_EQ(counts(language, d.rows), (std::map<std::string, int>{{"bn", 10}, {"en", 10}}));
  for (std::size_t r = 0; r < 10; ++r) EXPECT_NE(std::find(d.rows.begin(), d.rows.end(), r), d.rows.end());
}

TEST(BalancedDraw, TheSeedDecidesTheDrawAndOnlyIt) {
  const auto language = repeated({{"en", 50}, {"bn", 80}});
  const auto a = balanced_draw({"language"}, {language}, 20, 1, "t.csv").rows;
  EXPECT_EQ(a, balanced_draw({"language"}, {language}, 20, 1, "t.csv").rows);
  EXPECT_NE(a, balanced_draw({"language"}, {language}, 20, 2, "t.csv").rows);
}

TEST(BalancedDraw, SeveralSetsBalanceTheirCombinations) {
  const auto language = repeated({{"en", 12}, {"bn", 12}});
  std::vector<std::string> genre;
  for (int i = 0; i < 24; ++i) genre.push_back(i % 3 == 0 ? "folk" : "pop");  // en: 4 folk 8 pop; bn: 4 folk 8 pop
  const BalancedDraw d = balanced_draw({"language", "genre"}, {language, genre}, 0, 0, "t.csv");
  std::map<std::string, int> c;
  for (std::size_t r : d.rows) ++c[language[r] + "/" + genre[r]];
  EXPECT_EQ(c, (std::map<std::string, int>{{"bn/folk", 4}, {"bn/pop", 4}, {"en/folk", 4}, {"en/pop", 4}}));
}

TEST(BalancedDraw, AShortGroupIsRefusedByName) {
  const auto language = repeated({{"eng", 1000}, {"bng", 1617}});
  try {
    balanced_draw({"language"}, {language}, 1001, 0, "table.csv");
    FAIL() << "expected a refusal";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("data.per_group = 1001 is impossible: language=eng has only 1000 rows"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("use \"min\" (1000)"), std::string::npos) << e.what();
  }
}

// The real table through load_features: 1,000 + 1,000 rows, every English row kept.
TEST(BalancedDraw, TheRealTableGivesAThousandOfEachLanguage) {
  const std::filesystem::path csv = std::filesystem::path(VAESWEEP_SHARED_DATA_DIR) / "features/gtzan_banglabeats_30s.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "the shared real table is not here";
  const Study study = parse_study("", "s.toml",
                                  {"data.source=\"table\"", "data.path=\"" + csv.string() + "\"",
                                   "data.labels=[\"label\", \"language\"]", "data.balance=[\"language\"]"});
  const FeatureTable t = load_features(data_spec(study.settings, study.file, {}), feature_spec(study.settings));
  ASSERT_EQ(t.rows(), 2000u);
  const LabelSet& language = t.label("language");
  std::map<std::string, int> c;
  for (std::size_t r = 0; r < t.rows(); ++r) ++c[language.class_of(r)];
  EXPECT_EQ(c, (std::map<std::string, int>{{"bng", 1000}, {"eng", 1000}}));
  EXPECT_EQ(t.drawn_rows.size(), 2000u);
  EXPECT_EQ(t.drawn_ids, t.ids);
  // Standardised on the drawn rows: every column has mean 0 over them.
  EXPECT_LT(t.X.colwise().mean().cwiseAbs().maxCoeff(), 1e-9);
}

}  // namespace
}  // namespace vaesweep::data
