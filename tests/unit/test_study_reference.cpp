// docs/study-file.md is the key table's own reference (study/study_reference.hpp): it must be
// exactly what `vaesweep keys` prints today, so that a key added, renamed or given another
// default cannot leave the page behind.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "study/study_reference.hpp"
#include "study/study_schema.hpp"

namespace {

TEST(StudyReference, CommittedPageIsTheKeyTablesOwn) {
  const std::string page = std::string(VAESWEEP_TEST_DATA_DIR) + "/../../docs/study-file.md";
  std::ifstream in(page);
  ASSERT_TRUE(in) << "cannot read " << page;
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(text.str() == vaesweep::study_reference_markdown())
      << page << " differs from the key table; regenerate it: build/vaesweep keys > docs/study-file.md";
}

TEST(StudyReference, EveryKeyHasARowWithItsDefault) {
  const std::string page = vaesweep::study_reference_markdown();
  for (const auto& spec : vaesweep::study_keys()) {
    const std::string row = "| `" + spec.key + "` | ";
    const std::size_t at = page.find(row);
    ASSERT_NE(at, std::string::npos) << spec.key;
    const std::string line = page.substr(at, page.find('\n', at) - at);
    const vaesweep::Value& d = spec.default_value;
    const std::string shown = d.is_string() ? "\"" + d.as_string() + "\"" : d.is_list() ? "[" : d.display();
    EXPECT_NE(line.find("`" + shown), std::string::npos) << line;
  }
}

}  // namespace
