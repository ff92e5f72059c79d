#include "study/grid.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "util/error.hpp"
#include "study/key_relevance.hpp"
#include "study/study_schema.hpp"

namespace vaesweep {
namespace {

bool is_feature_key(const std::string& key) {
  return key.rfind("data.", 0) == 0 || key.rfind("features.", 0) == 0 || key.rfind("text.", 0) == 0;
}

// Combinations a unit cannot run, found when the grid is expanded rather than by a rank later.
void check_combination(const Settings& s, const std::filesystem::path& study_file) {
  if (s.at("model.kind").value.as_string() != "conv_vae") return;
  const std::string prefix = study_file.string() + ": model.kind = \"conv_vae\" ";
  const Value& modalities = s.at("features.modalities").value;
  if (!relevance::lists(s, "features.modalities", "audio"))
    throw UserError(prefix + "convolves audio sequences, and features.modalities = " + modalities.display() +
                    " has no audio");
  if (s.at("data.source").value.as_string() == "table")
    throw UserError(prefix + "needs sequence features extracted from audio; data.source = \"table\" gives vectors");
  const std::string& kind = s.at("features.kind").value.as_string();
  FeatureSpec features;
  features.kind = parse_feature_kind(kind);
  if (!features.sequence())
    throw UserError(prefix + "needs sequence features: features.kind = \"logmel\" or \"mfcc_sequence\", not \"" +
                    kind + "\"");
  if (relevance::lists(s, "features.modalities", "text") && s.at("features.fusion").value.as_string() == "early")
    throw UserError(prefix + "cannot convolve a text vector: with audio and text use features.fusion = \"late\"");
}

// The keys cost_hint reads.
bool is_cost_key(const std::string& key) {
  return key == "model.kind" || key == "model.hidden" || key == "cluster.methods" || key == "model.latent_dim" || key == "model.epochs" || key == "model.noop_seconds" ||
         key == "cluster.projection";
}

// A key's line of a canonical text; empty for a key added later at its default (see KeySpec).
// `spec` is find_key(key), looked up once per axis by the caller that makes a line per unit.
std::string line(const KeySpec* spec, const std::string& key, const Value& value) {
  if (spec != nullptr && !hashed_value(*spec, value)) return {};
  // Every model was trained by torch before model.engine existed: that engine leaves no line, so
  // those results files resume under model.engine = "torch", while the default engine (batched,
  // other numbers) gives new hashes.
  if (key == "model.engine" && value.as_string() == "torch") return {};
  // auto that was never resolved (a study read outside a run) means batched, its CPU meaning.
  if (key == "model.engine" && value.as_string() == "auto") return key + "=" + Value(std::string("batched")).canonical() + "\n";
  // Every resampled clip went through libsamplerate's best sinc before features.resample
  // existed: that resampler leaves no line, so those results files resume under
  // features.resample = "sinc_best", while the default (soxr_hq, other numbers) gives new
  // hashes, but only to units that resample something (see resamples_audio).
  if (key == "features.resample" && value.as_string() == "sinc_best") return {};
  return key + "=" + value.canonical() + "\n";
}

std::string line(const std::string& key, const Value& value) { return line(find_key(key), key, value); }

void append_axis(std::string& out, const std::string& key, const Value& value) {
  const auto dot = key.find('.');
  // Shorthand names for the common axes, full names for the rest.
  const bool common = key == "model.beta" || key == "model.latent_dim" || key == "study.seed";
  out += (out.empty() ? "" : " ") + (common ? key.substr(dot + 1) : key) + "=" + value.display_exact();
}

// Rough seconds of one method at every k on a 1,000-row latent space: spectral (an eigenproblem
// per k) and agglomerative (a quadratic tree) weigh most.
double clustering_cost(const std::string& method, std::size_t ks) {
  if (method == "dbscan") return 0.05;  // one run, whatever the ks
  const double per_k = method == "spectral" ? 0.5 : method == "agglomerative" ? 0.3 : method == "gmm" ? 0.05 : 0.02;
  return per_k * static_cast<double>(ks);
}

// Rough seconds of one unit on a 1,000-row table; only the order of units depends on it.
template <typename Get>
double unit_cost(const Get& get, const std::vector<int>& ks) {
  const std::string& kind = get("model.kind").as_string();
  if (kind == "noop") return get("model.noop_seconds").as_double();  // it only sleeps
  double cost = 0;
  const double latent = static_cast<double>(get("model.latent_dim").as_int());
  if (kind == "vae" || kind == "cvae" || kind == "ae" || kind == "conv_vae") {
    // ~6 flops per weight and row (forward and backward) at ~1 GFLOP/s. The encoder's hidden
    // chain, its mean and log-variance heads, the decoder's mirror; the input layer depends on
    // the data and is left out.
    const auto& hidden = get("model.hidden").as_list();
    double chain = 0;
    for (std::size_t i = 0; i + 1 < hidden.size(); ++i)
      chain += static_cast<double>(hidden[i].as_int()) * static_cast<double>(hidden[i + 1].as_int());
    const double weights = 2 * chain + 3 * static_cast<double>(hidden.back().as_int()) * latent;
    cost = 6e-6 * weights * static_cast<double>(get("model.epochs").as_int());
    if (kind == "conv_vae") cost *= 8;  // convolutions over frames: more work per weight
  } else if (kind == "pca") {
    cost = 1e-3 * latent;
  }
  if (get("cluster.projection").as_string() == "umap") cost += 1.0;
  for (const auto& m : get("cluster.methods").as_list()) cost += clustering_cost(m.as_string(), ks.size());
  return cost;
}

using Digest = std::array<unsigned char, 32>;

std::string hex(const Digest& digest) {
  static const char* digits = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = digits[digest[i] >> 4];
    out[2 * i + 1] = digits[digest[i] & 15];
  }
  return out;
}

// SHA-256 (OpenSSL's EVP interface) whose state can be kept after a common prefix and resumed:
// copying a context costs less than hashing the prefix again for every unit.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    VAESWEEP_ASSERT(ctx_ && EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1, "EVP_DigestInit_ex(sha256)");
  }
  void update(std::string_view text) {
    VAESWEEP_ASSERT(EVP_DigestUpdate(ctx_.get(), text.data(), text.size()) == 1, "EVP_DigestUpdate");
  }
  // The digest of what `prefix` was given followed by `tail`; `prefix` is left as it was.
  Digest digest_after(const Sha256& prefix, std::string_view tail) {
    VAESWEEP_ASSERT(EVP_MD_CTX_copy_ex(ctx_.get(), prefix.ctx_.get()) == 1, "EVP_MD_CTX_copy_ex");
    update(tail);
    Digest out;
    unsigned int length = 0;
    VAESWEEP_ASSERT(EVP_DigestFinal_ex(ctx_.get(), out.data(), &length) == 1 && length == out.size(),
                    "EVP_DigestFinal_ex");
    return out;
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

Digest sha256(std::string_view text) {
  Digest out;
  unsigned int length = 0;
  VAESWEEP_ASSERT(EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr) == 1 &&
                      length == out.size(),
                  "EVP_Digest(sha256)");
  return out;
}

// The set of digests seen so far, as indices into the vector that stores them (open addressing:
// a million units cost 4-8 MB here rather than a node per unit).
class DigestSet {
 public:
  explicit DigestSet(std::vector<Digest>& digests) : digests_(digests), slots_(1024, 0) {}
  // Appends `d` to the digests and returns true when it was not there.
  bool insert(const Digest& d) {
    if (2 * (digests_.size() + 1) > slots_.size()) grow();
    std::size_t s = slot(d);
    for (; slots_[s] != 0; s = (s + 1) & (slots_.size() - 1))
      if (digests_[slots_[s] - 1] == d) return false;
    digests_.push_back(d);
    slots_[s] = static_cast<std::uint32_t>(digests_.size());
    return true;
  }

 private:
  std::size_t slot(const Digest& d) const {
    std::uint64_t h;  // a SHA-256 digest is already uniformly spread
    std::memcpy(&h, d.data(), sizeof h);
    return static_cast<std::size_t>(h) & (slots_.size() - 1);
  }
  void grow() {
    slots_.assign(2 * slots_.size(), 0);
    for (std::size_t i = 0; i < digests_.size(); ++i) {
      std::size_t s = slot(digests_[i]);
      while (slots_[s] != 0) s = (s + 1) & (slots_.size() - 1);
      slots_[s] = static_cast<std::uint32_t>(i + 1);
    }
  }
  std::vector<Digest>& digests_;
  std::vector<std::uint32_t> slots_;  // 1 + index into digests_; 0 = empty
};

// What is decided once per distinct combination of the decider values: which keys matter and,
// since the canonical text is sorted by key, the part before the first axis key, already hashed.
struct Combo {
  std::vector<std::size_t> relevant_axes;  // unit axes that matter, in axis (file) order
  std::vector<std::size_t> feature_keys;   // relevant data./features. keys (Data::keys indices)
  std::string head_text;                   // the version line, then the relevant lines before the first axis key
  Sha256 head, group_head;                 // head_text hashed; the same without study.seed's line
  struct Item {
    std::ptrdiff_t axis;  // >= 0: that axis's line at the unit's position; else `text`
    std::string text;
    bool seed;            // study.seed: left out of the group hash
  };
  std::vector<Item> tail;                  // the relevant keys from the first axis key on
};

}  // namespace

struct Grid::Data {
  // The study, as far as units need it.
  Settings base;                     // grid values not applied
  std::filesystem::path study_file;
  DataRoot data_root;
  std::vector<Axis> axes;            // unit-level axes: every axis but cluster.k, in file order
  // Per axis: itself, or for a sampled axis after the first, the first sampled axis, whose
  // position it always has (the sampled axes are one dimension: the sample index).
  std::vector<std::size_t> follows;
  std::vector<int> ks;
  std::vector<std::string> label_sets;
  std::string ks_line;
  std::vector<std::string> keys;     // base's keys, sorted
  std::vector<std::ptrdiff_t> key_axis;  // per key: its axis, or -1
  std::map<std::string, std::size_t> axis_of, key_index;
  // Per axis, its key's spec: a unit's line "key=value\n" of an axis is made when needed (stored,
  // the lines of a million seeds were 26 bytes a unit).
  std::vector<const KeySpec*> axis_spec;
  // Mixed-radix strides (0 for axes not taking part) of the decider axes and the cost axes.
  std::vector<std::size_t> combo_stride, cost_stride;
  std::uint64_t points = 1;          // the product of the lengths of the axes that follow none
  std::vector<std::unique_ptr<Combo>> combos;  // built when first met
  std::vector<double> costs;

  // Per unit: axis positions (size() x axes.size()), config digest, feature table.
  std::vector<std::uint32_t> positions;
  std::vector<Digest> config;
  std::vector<std::uint32_t> feature;
  std::vector<std::string> feature_hashes;  // distinct, hex
  std::vector<std::size_t> feature_reps;
  std::size_t duplicates = 0;

  const std::uint32_t* pos(std::size_t unit) const {
    VAESWEEP_ASSERT(unit < config.size(), "unit index " + std::to_string(unit) + " out of range");
    return positions.data() + unit * axes.size();
  }
  const Value& value(const std::uint32_t* p, const std::string& key) const {
    const auto it = axis_of.find(key);
    if (it != axis_of.end()) return axes[it->second].values[p[it->second]];
    if (key == "features.n_mfcc" && n_mfcc_follows_kind(base.at(key), value(p, "features.kind").as_string()))
      return librosa_n_mfcc;
    return base.at(key).value;
  }
  const Value librosa_n_mfcc{static_cast<std::int64_t>(kLibrosaTableMfcc)};
  static std::size_t index(const std::uint32_t* p, const std::vector<std::size_t>& stride) {
    std::size_t i = 0;
    for (std::size_t a = 0; a < stride.size(); ++a) i += p[a] * stride[a];
    return i;
  }
  const Combo& combo(const std::uint32_t* p) const { return *combos[index(p, combo_stride)]; }
  std::string axis_line(std::size_t a, std::uint32_t v) const { return line(axis_spec[a], axes[a].key, axes[a].values[v]); }
  void append_tail(std::string& out, const Combo& c, const std::uint32_t* p, bool with_seed) const {
    for (const auto& item : c.tail) {
      if (item.seed && !with_seed) continue;
      if (item.axis >= 0) out += axis_line(static_cast<std::size_t>(item.axis), p[item.axis]);
      else out += item.text;
    }
    out += ks_line;
  }
  Data() = default;
  explicit Data(const Study& study);  // everything but the units
  Combo make_combo(const std::uint32_t* p) const;
  // Whether a unit extracting at `sample_rate` resamples any of the study's audio files: the
  // resampler is part of its results (and hash) only then. Studies whose files are all at the
  // feature rate keep the hashes they had before features.resample existed, whatever it says.
  bool resamples_audio(std::int64_t sample_rate) const {
    // Not read from the files (a grid expanded outside a run: tests, `vaesweep slurm`'s
    // counts): as if none were resampled, the hashes every study had before the key.
    if (!audio_rates) return false;
    return std::any_of(audio_rates->begin(), audio_rates->end(), [&](int r) { return r != sample_rate; });
  }
  std::optional<std::vector<int>> audio_rates;
  void fill_costs();
};

namespace {

// Strides of a mixed-radix number over the axes `take` selects (others get 0), and the count.
// The sampled axes count once, as their leader (`follows`): taking any of them takes the sample
// index, which gives all their values.
template <typename Take>
std::size_t strides(const std::vector<Axis>& axes, const std::vector<std::size_t>& follows, Take take,
                    std::vector<std::size_t>& stride) {
  std::vector<char> taken(axes.size(), 0);
  for (std::size_t a = 0; a < axes.size(); ++a)
    if (take(axes[a].key)) taken[follows[a]] = 1;
  stride.assign(axes.size(), 0);
  std::size_t n = 1;
  for (std::size_t a = axes.size(); a-- > 0;)
    if (taken[a]) {
      stride[a] = n;
      n *= axes[a].values.size();
    }
  return n;
}

// Gives each sampled axis its leader's position.
void sync_followers(std::vector<std::uint32_t>& p, const std::vector<std::size_t>& follows) {
  for (std::size_t a = 0; a < p.size(); ++a) p[a] = p[follows[a]];
}

}  // namespace

Combo Grid::Data::make_combo(const std::uint32_t* p) const {
  Settings deciders;
  for (const char* key : kRelevanceDeciders) deciders[key] = Setting{value(p, key), ""};
  std::vector<char> relevant(keys.size(), 0);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const KeySpec* spec = find_key(keys[k]);
    VAESWEEP_ASSERT(spec != nullptr, "the grid holds a key the key table does not: " + keys[k]);
    try {
      // cluster.k is evaluated inside each unit, not one unit per k.
      relevant[k] = keys[k] != "cluster.k" && spec->shapes_unit(deciders);
    } catch (const std::out_of_range&) {
      VAESWEEP_ASSERT(false, "a condition of " + keys[k] + " reads a key that is not in kRelevanceDeciders");
    }
    // Only the data knows whether a file is at another rate than the unit's.
    if (keys[k] == "features.resample" && !resamples_audio(value(p, "features.sample_rate").as_int())) relevant[k] = 0;
  }
  check_combination(deciders, study_file);
  Combo c;
  for (std::size_t a = 0; a < axes.size(); ++a)
    if (relevant[key_index.at(axes[a].key)]) c.relevant_axes.push_back(a);
  std::string head = "vaesweep-unit-v1\n", group_head = head;
  bool in_tail = false;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    in_tail = in_tail || key_axis[k] >= 0;
    if (!relevant[k]) continue;
    if (is_feature_key(keys[k])) c.feature_keys.push_back(k);
    const bool seed = keys[k] == "study.seed";
    const std::string text = key_axis[k] >= 0 ? "" : line(keys[k], value(p, keys[k]));
    if (in_tail) {
      c.tail.push_back({key_axis[k], text, seed});
    } else {
      head += text;
      if (!seed) group_head += text;
    }
  }
  c.head.update(head);
  c.group_head.update(group_head);
  c.head_text = std::move(head);
  return c;
}

std::string WorkUnit::axes_text(bool with_seed) const {
  std::string out;
  for (const auto& [key, value] : axis_values)
    if (key != "model.kind" && (with_seed || key != "study.seed")) append_axis(out, key, value);
  return out;
}

std::string WorkUnit::label() const {
  const std::string axes = axes_text(true);
  return to_string(model.kind) + (axes.empty() ? "" : " " + axes);
}

Grid::Grid() : d_(std::make_shared<Data>()) {}

std::size_t Grid::size() const { return d_->config.size(); }
std::size_t Grid::duplicates_removed() const { return d_->duplicates; }
const std::vector<std::size_t>& Grid::feature_representatives() const { return d_->feature_reps; }
const std::vector<std::string>& Grid::label_sets() const { return d_->label_sets; }
const std::vector<int>& Grid::ks() const { return d_->ks; }
std::string Grid::config_hash(std::size_t index) const {
  d_->pos(index);  // checks the index
  return hex(d_->config[index]);
}
std::shared_ptr<const std::vector<Digest>> Grid::config_digests() const {
  return {d_, &d_->config};  // shares the grid's ownership
}
std::string Grid::feature_hash(std::size_t index) const {
  d_->pos(index);
  return d_->feature_hashes[d_->feature[index]];
}
double Grid::cost_hint(std::size_t index) const { return d_->costs[Data::index(d_->pos(index), d_->cost_stride)]; }

std::string Grid::group_hash(std::size_t index) const {
  const std::uint32_t* p = d_->pos(index);
  const Combo& c = d_->combo(p);
  std::string tail;
  d_->append_tail(tail, c, p, false);
  return hex(Sha256().digest_after(c.group_head, tail));
}

std::string Grid::label(std::size_t index) const {
  const std::uint32_t* p = d_->pos(index);
  std::string axes;
  for (std::size_t a : d_->combo(p).relevant_axes)
    if (d_->axes[a].key != "model.kind") append_axis(axes, d_->axes[a].key, d_->axes[a].values[p[a]]);
  return d_->value(p, "model.kind").as_string() + (axes.empty() ? "" : " " + axes);
}

WorkUnit Grid::unit(std::size_t index) const {
  const Data& d = *d_;
  const std::uint32_t* p = d.pos(index);
  const Combo& c = d.combo(p);
  WorkUnit u;
  u.index = static_cast<std::int64_t>(index);
  u.settings = d.base;
  for (std::size_t a = 0; a < d.axes.size(); ++a) u.settings[d.axes[a].key] = Setting{d.axes[a].values[p[a]], d.axes[a].origin};
  if (n_mfcc_follows_kind(u.settings.at("features.n_mfcc"), u.settings.at("features.kind").value.as_string()))
    u.settings["features.n_mfcc"] = Setting{d.librosa_n_mfcc, "default for features.kind = \"librosa\""};
  for (std::size_t a : c.relevant_axes) u.axis_values.emplace_back(d.axes[a].key, d.axes[a].values[p[a]]);
  u.canonical = c.head_text;
  d.append_tail(u.canonical, c, p, true);
  u.config_hash = hex(d.config[index]);
  u.group_hash = group_hash(index);
  u.feature_hash = d.feature_hashes[d.feature[index]];
  u.seed = static_cast<std::uint64_t>(u.settings.at("study.seed").value.as_int());
  u.data = data_spec(u.settings, d.study_file, d.data_root);
  u.features = feature_spec(u.settings);
  u.text = text_spec(u.settings, d.study_file, d.data_root);
  u.model = model_spec(u.settings);
  u.cluster = cluster_spec(u.settings);
  u.cluster.ks = d.ks;
  u.evaluation = evaluation_spec(u.settings);
  // The results' columns hold the study's label sets: every unit scores the same ones.
  u.evaluation.label_sets = d.label_sets;
  return u;
}

// cost_hint: one value per combination of the axes it reads.
void Grid::Data::fill_costs() {
  std::vector<std::uint32_t> p(axes.size(), 0);
  costs.resize(strides(axes, follows, is_cost_key, cost_stride));
  for (std::size_t c = 0; c < costs.size(); ++c) {
    for (std::size_t a = 0, rest = c; a < p.size(); ++a)
      if (cost_stride[a] != 0) {
        p[a] = static_cast<std::uint32_t>(rest / cost_stride[a]);
        rest %= cost_stride[a];
      }
    sync_followers(p, follows);
    costs[c] = unit_cost([&](const std::string& key) -> const Value& { return value(p.data(), key); }, ks);
  }
}

Grid::Data::Data(const Study& study) : base(study.settings), study_file(study.file), data_root(study.data_root), audio_rates(study.audio_rates) {
  // cluster.k is evaluated inside a unit; every other axis makes units.
  for (const auto& axis : study.axes) {
    if (axis.key == "cluster.k") {
      for (const auto& v : axis.values) ks.push_back(static_cast<int>(v.as_int()));
    } else {
      // A decider changes which keys a unit reads: the grid keeps one Combo per combination of
      // decider positions, which a sampled decider would make one per sample (a million).
      if (axis.sampled && is_relevance_decider(axis.key))
        throw UserError(axis.origin + ": search." + axis.key + ": " + axis.key +
                        " decides which other keys a unit reads; it cannot be sampled: list its values in [grid]");
      axis_of[axis.key] = axes.size();
      const bool follower = axis.sampled && !axes.empty() && axes.front().sampled;
      follows.push_back(follower ? 0 : axes.size());
      axes.push_back(axis);
    }
  }
  if (ks.empty()) ks.push_back(static_cast<int>(study.settings.at("cluster.k").value.as_int()));
  ks_line = "cluster.ks=" + Value(Value::List(ks.begin(), ks.end())).canonical() + "\n";
  label_sets = vaesweep::label_sets(study.settings);
  for (const auto& [key, setting] : study.settings) {
    key_index[key] = keys.size();
    keys.push_back(key);
    const auto it = axis_of.find(key);
    key_axis.push_back(it == axis_of.end() ? -1 : static_cast<std::ptrdiff_t>(it->second));
  }
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const Axis& axis = axes[a];
    if (follows[a] == a) {  // a sampled axis after the first adds no points: it moves with the first
      if (points > std::numeric_limits<std::uint32_t>::max() / axis.values.size())
        throw UserError(study.file.string() + ": the grid has more than " +
                        std::to_string(std::numeric_limits<std::uint32_t>::max()) +
                        " points (the product of the axis lengths), more than vaesweep can run");
      points *= axis.values.size();
    }
    axis_spec.push_back(find_key(axis.key));
  }
}

Grid expand_grid(const Study& study) {
  auto d = std::make_shared<Grid::Data>(study);
  d->combos.resize(strides(d->axes, d->follows, is_relevance_decider, d->combo_stride));
  // The feature hash reads the data./features. keys, relevant as the deciders say.
  std::vector<std::size_t> feature_stride;
  strides(d->axes, d->follows, [&](const std::string& k) { return is_feature_key(k) || is_relevance_decider(k); }, feature_stride);

  // Odometer over the axes: the last axis varies fastest.
  std::vector<std::uint32_t> p(d->axes.size(), 0);
  Sha256 scratch;
  std::string tail;
  DigestSet seen(d->config);
  std::unordered_map<std::size_t, std::uint32_t> feature_of_point;
  std::map<Digest, std::uint32_t> feature_ids;
  for (std::uint64_t point = 0; point < d->points; ++point) {
    auto& combo = d->combos[Grid::Data::index(p.data(), d->combo_stride)];
    if (!combo) combo = std::make_unique<Combo>(d->make_combo(p.data()));
    tail.clear();
    d->append_tail(tail, *combo, p.data(), true);
    if (seen.insert(scratch.digest_after(combo->head, tail))) {
      d->positions.insert(d->positions.end(), p.begin(), p.end());
      const auto [it, fresh] = feature_of_point.try_emplace(Grid::Data::index(p.data(), feature_stride), 0);
      if (fresh) {
        std::string text = "vaesweep-features-v1\n";
        for (std::size_t k : combo->feature_keys) text += line(d->keys[k], d->value(p.data(), d->keys[k]));
        const Digest digest = sha256(text);
        const auto [id, added] = feature_ids.try_emplace(digest, static_cast<std::uint32_t>(feature_ids.size()));
        if (added) {
          d->feature_hashes.push_back(hex(digest));
          d->feature_reps.push_back(d->config.size() - 1);
        }
        it->second = id->second;
      }
      d->feature.push_back(it->second);
    } else {
      ++d->duplicates;
    }
    for (std::size_t a = p.size(); a-- > 0;) {
      if (d->follows[a] != a) continue;
      if (++p[a] < d->axes[a].values.size()) break;
      p[a] = 0;
    }
    sync_followers(p, d->follows);
  }

  d->fill_costs();
  Grid grid;
  grid.d_ = std::move(d);
  return grid;
}

}  // namespace vaesweep
