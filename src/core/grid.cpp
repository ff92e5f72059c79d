#include "core/grid.hpp"

#include <set>

#include "core/hash.hpp"

namespace vaesweep {
namespace {

// Keys that identify or describe but do not change results.
bool is_descriptive(const std::string& key) {
  return key == "study.name" || key == "study.description" || key == "data.cache_dir" ||
         key == "data.feature_cache";
}

// Feature keys that the chosen feature kind and segment policy do not read.
bool irrelevant_feature_key(const std::string& key, const Settings& s) {
  const std::string& kind = s.at("features.kind").value.as_string();
  const bool sequence = kind == "logmel" || kind == "mfcc_sequence";
  if (key == "features.segment_seconds") return s.at("features.segment").value.as_string() == "whole";
  if (key == "features.frames") return !sequence;
  if (key == "features.statistics") return kind != "mfcc_stats";
  if (key == "features.n_mfcc") return kind == "logmel";
  // The GTZAN-table preset is librosa's defaults by definition: only the rate and n_mfcc vary.
  if (kind == "librosa")
    return key == "features.n_fft" || key == "features.hop_length" || key == "features.n_mels" ||
           key == "features.fmin" || key == "features.fmax" || key == "features.mel_scale" ||
           key == "features.top_db" || key == "features.pad_mode";
  return false;
}

// Cluster keys of methods (or a projection) the study does not use.
bool irrelevant_cluster_key(const std::string& key, const Settings& s) {
  std::set<std::string> methods;
  for (const auto& m : s.at("cluster.methods").value.as_list()) methods.insert(m.as_string());
  const bool umap = s.at("cluster.projection").value.as_string() == "umap";
  if (key == "cluster.linkage") return !methods.count("agglomerative");
  if (key == "cluster.eps" || key == "cluster.min_samples") return !methods.count("dbscan");
  if (key == "cluster.affinity" || key == "cluster.n_neighbors") return !methods.count("spectral");
  if (key == "cluster.gamma")
    return !methods.count("spectral") || s.at("cluster.affinity").value.as_string() != "rbf";
  if (key == "cluster.covariance") return !methods.count("gmm");
  if (key == "cluster.n_init") return !methods.count("kmeans") && !methods.count("spectral");
  if (key == "cluster.max_iter") return !methods.count("kmeans");
  if (key.rfind("cluster.umap_", 0) == 0) return !umap;
  return false;
}

// Keys a unit's results do not depend on, given the rest of its settings; leaving them out of
// the hash makes e.g. PCA units that differ only in beta one unit.
bool is_irrelevant(const std::string& key, const Settings& s) {
  const std::string& source = s.at("data.source").value.as_string();
  const bool synthetic = source == "synthetic";
  if (synthetic && (key == "data.path" || key == "data.id_column")) return true;
  if (!synthetic && (key == "data.clips" || key == "data.corpus_seed" || key == "data.seconds")) return true;
  if (source == "table" && key.rfind("features.", 0) == 0 && key != "features.standardize") return true;
  if (source == "table" && key == "data.on_bad_file") return true;
  if (key.rfind("features.", 0) == 0 && irrelevant_feature_key(key, s)) return true;
  if (key.rfind("cluster.", 0) == 0 && irrelevant_cluster_key(key, s)) return true;
  const std::string& kind = s.at("model.kind").value.as_string();
  if (kind == "raw") return key.rfind("model.", 0) == 0 && key != "model.kind";
  if (kind == "pca")
    return key == "model.hidden" || key == "model.beta" || key == "model.epochs" ||
           key == "model.batch_size" || key == "model.learning_rate";
  return false;
}

bool is_feature_key(const std::string& key) {
  return key.rfind("data.", 0) == 0 || key.rfind("features.", 0) == 0;
}

}  // namespace

std::string WorkUnit::axes_text(bool with_seed) const {
  std::string out;
  for (const auto& [key, value] : axis_values) {
    if (key == "model.kind" || (!with_seed && key == "study.seed")) continue;
    const auto dot = key.find('.');
    // Shorthand names for the common axes, full names for the rest.
    const bool common = key == "model.beta" || key == "model.latent_dim" || key == "study.seed";
    out += (out.empty() ? "" : " ") + (common ? key.substr(dot + 1) : key) + "=" + value.display();
  }
  return out;
}

std::string WorkUnit::label() const {
  const std::string axes = axes_text(true);
  return to_string(model.kind) + (axes.empty() ? "" : " " + axes);
}

Grid expand_grid(const Study& study) {
  // cluster.k is evaluated inside a unit; every other axis makes units.
  std::vector<int> ks;
  std::vector<const Axis*> unit_axes;
  for (const auto& axis : study.axes) {
    if (axis.key == "cluster.k") {
      for (const auto& v : axis.values) ks.push_back(static_cast<int>(v.as_int()));
    } else {
      unit_axes.push_back(&axis);
    }
  }
  if (ks.empty()) ks.push_back(static_cast<int>(study.settings.at("cluster.k").value.as_int()));

  Grid grid;
  std::set<std::string> seen;
  std::vector<std::size_t> position(unit_axes.size(), 0);
  for (;;) {
    WorkUnit unit;
    unit.settings = study.settings;
    for (std::size_t a = 0; a < unit_axes.size(); ++a) {
      const Axis& axis = *unit_axes[a];
      unit.settings[axis.key] = Setting{axis.values[position[a]], axis.origin};
    }
    for (std::size_t a = 0; a < unit_axes.size(); ++a) {
      const Axis& axis = *unit_axes[a];
      if (!is_irrelevant(axis.key, unit.settings)) unit.axis_values.emplace_back(axis.key, axis.values[position[a]]);
    }

    std::string canonical = "vaesweep-unit-v1\n";
    std::string without_seed = canonical;
    std::string features = "vaesweep-features-v1\n";
    for (const auto& [key, setting] : unit.settings) {
      if (is_descriptive(key) || key == "cluster.k" || is_irrelevant(key, unit.settings)) continue;
      const std::string line = key + "=" + setting.value.canonical() + "\n";
      canonical += line;
      if (key != "study.seed") without_seed += line;
      if (is_feature_key(key)) features += line;
    }
    std::string k_line = "cluster.ks=" + Value(Value::List(ks.begin(), ks.end())).canonical() + "\n";
    canonical += k_line;
    without_seed += k_line;

    unit.config_hash = sha256_hex(canonical);
    if (seen.insert(unit.config_hash).second) {
      unit.index = static_cast<std::int64_t>(grid.units.size());
      unit.canonical = canonical;
      unit.group_hash = sha256_hex(without_seed);
      unit.feature_hash = sha256_hex(features);
      unit.seed = static_cast<std::uint64_t>(unit.settings.at("study.seed").value.as_int());
      unit.data = data_spec(unit.settings, study.file);
      unit.features = feature_spec(unit.settings);
      unit.model = model_spec(unit.settings);
      unit.cluster = cluster_spec(unit.settings);
      unit.cluster.ks = ks;
      unit.label_sets = label_sets(unit.settings);
      grid.units.push_back(std::move(unit));
    } else {
      ++grid.duplicates_removed;
    }

    // Odometer over the axes: the last axis varies fastest.
    std::size_t a = unit_axes.size();
    while (a > 0) {
      --a;
      if (++position[a] < unit_axes[a]->values.size()) break;
      position[a] = 0;
      if (a == 0) return grid;
    }
    if (unit_axes.empty()) return grid;
  }
}

}  // namespace vaesweep
