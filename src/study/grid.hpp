#pragma once
// Grid expansion: a study becomes work units. A unit is one trained model (model x beta x
// latent x seed x any other unit-level axis); it evaluates every (method, k) on its latent
// space, because training does not depend on k. Units are identified by the SHA-256 of the
// canonical text of everything their results depend on.
//
// A Grid is lazy: a sweep may have a million units and every MPI rank expands the whole grid,
// so a unit is stored as its axis positions, its config digest and the index of its feature
// table; the WorkUnit (settings, specs, texts) is built when asked for.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "study/study.hpp"

namespace vaesweep {

struct WorkUnit {
  std::int64_t index = 0;       // position in the expansion; stable for a given study
  std::string config_hash;      // SHA-256 of `canonical`
  std::string group_hash;       // the same without the seed: what `rank` groups by
  std::string feature_hash;     // identifies the feature table the unit trains on
  // Exactly what was hashed: a version line, then one key=value line per setting the results
  // depend on, sorted by key (Value::canonical() values), then the line cluster.ks=[...].
  std::string canonical;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, Value>> axis_values;  // unit-level axes that matter to this unit
  Settings settings;            // study settings with the axis values applied
  DataSpec data;
  FeatureSpec features;
  TextSpec text;
  ModelSpec model;
  ClusterSpec cluster;
  EvaluationSpec evaluation;  // its label_sets are the study's, the same for every unit

  std::string label() const;    // "vae beta=4 latent_dim=8 seed=2"
  // The unit's axis values as text, without the model kind: "beta=4 latent_dim=8 seed=2".
  std::string axes_text(bool with_seed) const;
};

class Grid {
 public:
  Grid();  // no units
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  std::size_t duplicates_removed() const;  // grid points that were the same unit (PCA has no beta)

  WorkUnit unit(std::size_t index) const;  // materialised on demand; index == WorkUnit::index
  // The same as unit(index)'s fields, without building the unit.
  std::string config_hash(std::size_t index) const;  // stored
  // Every unit's config hash as its 32 bytes, in index order: the grid's own array, shared
  // (an index of the units borrows it rather than holding a second copy).
  std::shared_ptr<const std::vector<std::array<unsigned char, 32>>> config_digests() const;
  std::string group_hash(std::size_t index) const;   // one short SHA-256 update
  std::string feature_hash(std::size_t index) const;  // stored (an index into the distinct ones)
  std::string label(std::size_t index) const;

  // One unit index per distinct feature hash, in order of first appearance.
  const std::vector<std::size_t>& feature_representatives() const;
  // A relative estimate of unit `index`'s run time, used only to order units longest-first:
  // roughly seconds on a 1,000-row table (training by parameter count x epochs, plus a weight
  // per (method, k) evaluated). Precomputed per distinct combination of the axes it reads.
  double cost_hint(std::size_t index) const;
  const std::vector<std::string>& label_sets() const;  // the same for every unit
  const std::vector<int>& ks() const;                   // every k evaluated inside each unit

  struct Data;  // defined in grid.cpp

 private:
  friend Grid expand_grid(const Study& study);
  std::shared_ptr<const Data> d_;  // immutable once expanded: copies share it, threads may read it
};

// Every unit of the study's grid, in odometer order (the last axis varies fastest), grid points
// that give an already seen unit left out.
Grid expand_grid(const Study& study);

}  // namespace vaesweep
