#pragma once
// Sampled hyperparameters: the [search] section. Instead of listing values on a [grid] axis,
// a key gets a distribution and `samples` configurations are drawn (random or Sobol'); the
// draws are crossed with the grid's axes. Draw i is a function of (kind, seed, the sampled keys,
// i) and never of `samples`, so raising `samples` keeps the first configurations (and their
// units' hashes) and adds only new ones.
#include <cstdint>
#include <string>
#include <vector>

#include "util/value.hpp"

namespace vaesweep {

struct KeySpec;

enum class SearchKind { grid, random, sobol };
// "grid" | "random" | "sobol"; the error lists the valid names.
SearchKind parse_search_kind(const std::string& name);
std::string to_string(SearchKind kind);

enum class Distribution { uniform, log_uniform, int_uniform, choice };
// The name's distribution, or false when `name` names none.
bool parse_distribution(const std::string& name, Distribution& out);
std::string to_string(Distribution d);

// One sampled key: `beta = { log_uniform = [0.25, 16.0] }`.
struct SampledKey {
  std::string key;            // "model.beta"
  std::string name;           // as written in [search] ("beta"): what messages call it
  Distribution distribution = Distribution::uniform;
  std::vector<Value> arguments;  // [low, high] (both inclusive for int_uniform), or the choices
  std::string origin;         // "sweeps/s.toml:12"
};

// Upper bound on `samples`: every draw is held in memory per key.
inline constexpr std::int64_t kMaxSamples = 1'000'000;

struct SearchSpec {
  SearchKind kind = SearchKind::grid;
  std::int64_t samples = 0;
  bool samples_given = false;
  std::int64_t seed = 0;      // random only
  bool seed_given = false;
  std::string origin;         // where [search] starts
  std::vector<SampledKey> keys;  // sorted by key once validated
  bool active() const { return kind != SearchKind::grid; }
};

// Checks a sampled key's distribution against the key's spec (type, range, bounds): throws a
// UserError naming the origin and the key. Converts integer bounds given for real keys.
void check_sampled_key(const KeySpec& spec, SampledKey& sampled);
// Checks kind, samples, seed and the key count; sorts the keys.
void check_search(SearchSpec& search);

// The counter-based stream of kind = "random": a uniform number in [0, 1) that depends on
// (seed, key, sample) only, not on how many samples are drawn or which other keys are sampled.
double random_unit(std::int64_t seed, const std::string& key, std::uint64_t sample);

// A point u in [0, 1) mapped through the distribution: uniform low + u (high - low);
// log_uniform low (high / low)^u; int_uniform low + floor(u (high - low + 1)); choice the
// floor(u n)-th choice. Reals are rounded to 6 significant digits (then kept within the
// bounds): readable labels, and the same value (and hash) on every machine whatever the last
// bit its libm gives exp and log.
Value map_unit(const SampledKey& sampled, double u);

// Every sampled key's draws, in search.keys order: values[k][i] is key k's value in sample i.
std::vector<std::vector<Value>> draw_samples(const SearchSpec& search);

}  // namespace vaesweep
