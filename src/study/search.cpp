#include "study/search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "util/error.hpp"
#include "util/sobol.hpp"
#include "study/study_schema.hpp"

namespace vaesweep {
namespace {

[[noreturn]] void fail(const SampledKey& s, const std::string& what) {
  throw UserError(s.origin + ": search." + s.name + ": " + what);
}

// SplitMix64's output function (Steele, Lea and Flood 2014): a bijection of 64-bit words whose
// outputs for consecutive inputs pass BigCrush; here it hashes a counter into a stream.
std::uint64_t mix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a of the key's name: the key's stream does not move when other keys are sampled too.
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

double round_significant(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return std::strtod(text, nullptr);
}

bool numeric_key(const KeySpec& spec) {
  return spec.type == ValueType::real || spec.type == ValueType::real_or_name;
}

}  // namespace

SearchKind parse_search_kind(const std::string& name) {
  if (name == "grid") return SearchKind::grid;
  if (name == "random") return SearchKind::random;
  if (name == "sobol") return SearchKind::sobol;
  throw UserError("unknown search kind \"" + name + "\"; valid kinds are: grid, random, sobol");
}

std::string to_string(SearchKind kind) {
  switch (kind) {
    case SearchKind::grid: return "grid";
    case SearchKind::random: return "random";
    case SearchKind::sobol: return "sobol";
  }
  return "?";
}

bool parse_distribution(const std::string& name, Distribution& out) {
  if (name == "uniform") out = Distribution::uniform;
  else if (name == "log_uniform") out = Distribution::log_uniform;
  else if (name == "int_uniform") out = Distribution::int_uniform;
  else if (name == "choice") out = Distribution::choice;
  else return false;
  return true;
}

std::string to_string(Distribution d) {
  switch (d) {
    case Distribution::uniform: return "uniform";
    case Distribution::log_uniform: return "log_uniform";
    case Distribution::int_uniform: return "int_uniform";
    case Distribution::choice: return "choice";
  }
  return "?";
}

void check_sampled_key(const KeySpec& spec, SampledKey& s) {
  const std::string name = to_string(s.distribution);
  if (s.distribution == Distribution::choice) {
    if (s.arguments.empty()) fail(s, "choice needs a non-empty list of values");
    const bool list_key = spec.type == ValueType::string_list || spec.type == ValueType::int_list;
    for (Value& v : s.arguments) {
      if (list_key && !v.is_list())
        fail(s, s.key + " takes a list, so its choices are lists, e.g. { choice = [[64, 32], [128, 64]] }; got " +
                    v.display());
      if (auto err = check_value(spec, v)) fail(s, "choice " + v.display() + ": " + *err);
    }
    return;
  }
  if (s.arguments.size() != 2)
    fail(s, name + " takes [low, high], got " + std::to_string(s.arguments.size()) + " values");
  if (s.distribution == Distribution::int_uniform) {
    if (spec.type != ValueType::integer)
      fail(s, "int_uniform draws integers and " + s.key + " is not an integer key; use uniform, log_uniform or choice");
    for (const Value& v : s.arguments)
      if (!v.is_int()) fail(s, "int_uniform bounds must be integers, got " + v.display());
  } else {
    if (spec.type == ValueType::integer)
      fail(s, name + " draws reals and " + s.key + " is an integer key; use int_uniform or choice");
    if (!numeric_key(spec)) fail(s, name + " draws numbers and " + s.key + " is not a number; use choice");
    for (Value& v : s.arguments) {
      if (v.is_int()) v = Value(v.as_double());
      if (!v.is_double() || !std::isfinite(v.as_double()))
        fail(s, name + " bounds must be finite numbers, got " + v.display());
    }
  }
  for (Value& v : s.arguments)
    if (auto err = check_value(spec, v)) fail(s, name + " bound " + v.display() + ": " + *err);
  const double low = s.arguments[0].as_double(), high = s.arguments[1].as_double();
  if (!(low < high))
    fail(s, name + " needs low < high, got [" + s.arguments[0].display() + ", " + s.arguments[1].display() + "]");
  if (s.distribution == Distribution::log_uniform && !(low > 0))
    fail(s, "log_uniform needs 0 < low < high, got low = " + s.arguments[0].display());
}

void check_search(SearchSpec& search) {
  const std::string where = search.origin.empty() ? std::string("[search]") : search.origin;
  const auto refuse = [&](const std::string& key, const std::string& what) {
    throw UserError(where + ": search." + key + ": " + what);
  };
  if (!search.active()) {
    if (!search.keys.empty())
      throw UserError(search.keys.front().origin + ": search." + search.keys.front().name +
                      ": a distribution needs search.kind = \"random\" or \"sobol\" (kind is \"grid\")");
    if (search.samples_given) refuse("samples", "samples needs search.kind = \"random\" or \"sobol\" (kind is \"grid\")");
    return;
  }
  if (search.keys.empty())
    refuse("kind", "kind = \"" + to_string(search.kind) +
                       "\" needs at least one distribution, e.g. beta = { log_uniform = [0.25, 16.0] }");
  if (search.samples < 1 || search.samples > kMaxSamples)
    refuse("samples", "expected an integer in [1, " + std::to_string(kMaxSamples) + "], got " +
                          (!search.samples_given ? std::string("none") : std::to_string(search.samples)));
  if (search.kind == SearchKind::sobol && search.seed_given)
    refuse("seed", "Sobol' points are not scrambled, so a seed would change nothing; leave it out (or use kind = \"random\")");
  if (search.seed < 0) refuse("seed", "expected an integer >= 0, got " + std::to_string(search.seed));
  if (search.kind == SearchKind::sobol && search.keys.size() > kSobolMaxDimensions)
    refuse("kind", "Sobol' direction numbers are built in for up to " + std::to_string(kSobolMaxDimensions) +
                       " keys; this search samples " + std::to_string(search.keys.size()));
  std::sort(search.keys.begin(), search.keys.end(), [](const SampledKey& a, const SampledKey& b) { return a.key < b.key; });
  for (std::size_t i = 1; i < search.keys.size(); ++i)
    if (search.keys[i].key == search.keys[i - 1].key)
      throw UserError(search.keys[i].origin + ": search." + search.keys[i].name + ": " + search.keys[i].key +
                      " is sampled twice (also at " +
                      search.keys[i - 1].origin + ")");
}

double random_unit(std::int64_t seed, const std::string& key, std::uint64_t sample) {
  const std::uint64_t stream = mix(mix(static_cast<std::uint64_t>(seed)) ^ fnv1a(key));
  return static_cast<double>(mix(stream + sample) >> 11) * 0x1p-53;
}

Value map_unit(const SampledKey& s, double u) {
  VAESWEEP_ASSERT(u >= 0 && u < 1, "unit point out of [0, 1)");
  if (s.distribution == Distribution::choice) {
    const auto n = s.arguments.size();
    return s.arguments[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
  }
  if (s.distribution == Distribution::int_uniform) {
    const std::int64_t low = s.arguments[0].as_int(), high = s.arguments[1].as_int();
    const double width = static_cast<double>(high - low) + 1.0;
    return Value(std::min(high, low + static_cast<std::int64_t>(std::floor(u * width))));
  }
  const double low = s.arguments[0].as_double(), high = s.arguments[1].as_double();
  const double x = s.distribution == Distribution::uniform ? low + u * (high - low)
                                                           : std::exp(std::log(low) + u * (std::log(high) - std::log(low)));
  return Value(std::clamp(round_significant(x), low, high));
}

std::vector<std::vector<Value>> draw_samples(const SearchSpec& search) {
  const auto n = static_cast<std::size_t>(search.samples);
  std::vector<std::vector<Value>> values(search.keys.size(), std::vector<Value>(n));
  for (std::size_t i = 0; i < n; ++i) {
    // Sobol': dimension k is the k-th key in sorted order; point 0 (the lows) is kept, since
    // dropping it would break the balance of every power-of-two prefix.
    const std::vector<double> point =
        search.kind == SearchKind::sobol ? sobol_point(i, search.keys.size()) : std::vector<double>{};
    for (std::size_t k = 0; k < search.keys.size(); ++k) {
      const double u = search.kind == SearchKind::sobol ? point[k] : random_unit(search.seed, search.keys[k].key, i);
      values[k][i] = map_unit(search.keys[k], u);
    }
  }
  return values;
}

}  // namespace vaesweep
