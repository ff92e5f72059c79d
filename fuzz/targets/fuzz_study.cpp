// Fuzzes the study parser with --set overrides, then grid expansion on what parses.
//
// Input: a study file's text. Lines "#--set key=value" (TOML comments, so the text stays a study
// file and the sweeps/ files are seeds as they are) are also passed as --set overrides, in order.
// A UserError is the correct answer to a bad study; any other exception or sanitizer report is
// a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "study/grid.hpp"
#include "study/study.hpp"

namespace {

constexpr std::string_view kSetPrefix = "#--set ";
// A huge grid is legal (up to 2^32 points) and expands in time and memory linear in its size:
// correct, just too slow for one fuzz input. Bigger grids stop after parsing.
constexpr std::size_t kMaxFuzzedGridPoints = 4096;

std::vector<std::string> overrides_in(const std::string& text) {
  std::vector<std::string> overrides;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    if (line.substr(0, kSetPrefix.size()) == kSetPrefix) overrides.emplace_back(line.substr(kSetPrefix.size()));
    start = end + 1;
  }
  return overrides;
}

std::size_t grid_points(const vaesweep::Study& study) {
  std::size_t points = 1;
  for (const auto& axis : study.axes) {
    if (axis.values.size() > kMaxFuzzedGridPoints) return kMaxFuzzedGridPoints + 1;
    points *= axis.values.size();
    if (points > kMaxFuzzedGridPoints) return points;
  }
  return points;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const vaesweep::Study study = vaesweep::parse_study(text, "fuzz/study.toml", overrides_in(text));
    if (grid_points(study) > kMaxFuzzedGridPoints) return 0;
    const vaesweep::Grid grid = vaesweep::expand_grid(study);
    if (!grid.empty()) {
      // Materialise the first and the last unit: the settings, specs and canonical text.
      (void)grid.unit(0);
      (void)grid.unit(grid.size() - 1);
    }
  } catch (const vaesweep::UserError&) {
  }
  return 0;
}
