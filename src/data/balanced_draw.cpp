#include "data/balanced_draw.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <random>

#include "util/error.hpp"

namespace vaesweep::data {
namespace {

// Uniform in [0, n) without std::uniform_int_distribution, whose algorithm differs between
// standard libraries: rejection of the top partial block keeps every value equally likely.
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

std::string group_name(const std::vector<std::string>& sets, const std::vector<std::string>& key) {
  std::string out;
  for (std::size_t s = 0; s < sets.size(); ++s) out += (s ? ", " : "") + sets[s] + "=" + key[s];
  return out;
}

std::string group_class(const std::vector<std::string>& key) {
  std::string out;
  for (std::size_t s = 0; s < key.size(); ++s) out += (s ? "/" : "") + key[s];
  return out;
}

}  // namespace

BalancedDraw balanced_draw(const std::vector<std::string>& sets, const std::vector<std::vector<std::string>>& classes,
                           std::int64_t per_group, std::uint64_t seed, const std::string& source) {
  VAESWEEP_ASSERT(!sets.empty() && classes.size() == sets.size(), "balanced_draw needs one class column per set");
  const std::size_t n = classes.front().size();
  std::map<std::vector<std::string>, std::vector<std::size_t>> groups;  // ascending by class names
  std::size_t unlabelled = 0;
  for (std::size_t r = 0; r < n; ++r) {
    std::vector<std::string> key;
    for (const auto& column : classes) key.push_back(column[r]);
    if (std::any_of(key.begin(), key.end(), [](const std::string& c) { return c.empty(); })) {
      ++unlabelled;
      continue;
    }
    groups[key].push_back(r);
  }
  std::string what = "data.balance = [";
  for (std::size_t s = 0; s < sets.size(); ++s) what += (s ? ", " : "") + ("\"" + sets[s] + "\"");
  what += "]";
  if (groups.empty()) throw UserError(source + ": " + what + ": no row has a class in every balanced label set");
  std::size_t smallest = groups.begin()->second.size();
  std::string sizes;
  for (const auto& [key, rows] : groups) {
    smallest = std::min(smallest, rows.size());
    sizes += (sizes.empty() ? "" : ", ") + group_name(sets, key) + ": " + std::to_string(rows.size());
  }
  const std::size_t keep = per_group == 0 ? smallest : static_cast<std::size_t>(per_group);
  for (const auto& [key, rows] : groups)
    if (rows.size() < keep)
      throw UserError(source + ": " + what + ", data.per_group = " + std::to_string(keep) + " is impossible: " +
                      group_name(sets, key) + " has only " + std::to_string(rows.size()) + " rows (groups: " + sizes +
                      "); lower data.per_group or use \"min\" (" + std::to_string(smallest) + ")");

  BalancedDraw draw;
  std::mt19937_64 rng(seed);
  std::string taken;
  for (auto& [key, rows] : groups) {
    for (std::size_t i = 0; i < keep; ++i) std::swap(rows[i], rows[i + uniform_below(rng, rows.size() - i)]);
    draw.rows.insert(draw.rows.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep));
    taken += (taken.empty() ? "" : ", ") + std::to_string(keep) + " of " + std::to_string(rows.size()) + " " +
             group_class(key);
  }
  std::sort(draw.rows.begin(), draw.rows.end());
  std::string set_names;
  for (std::size_t s = 0; s < sets.size(); ++s) set_names += (s ? " x " : "") + sets[s];
  draw.note = set_names + ": " + taken + " (seed " + std::to_string(seed) + ")" +
              (unlabelled ? "; " + std::to_string(unlabelled) + " rows without a class left out" : "");
  return draw;
}

}  // namespace vaesweep::data
