// Hash identity: every unit of the shipped studies and of a few synthetic many-axis studies
// keeps its config, group and feature hashes and its canonical text, whatever the code that
// builds them looks like. Results files of earlier versions resume only if these never move.
//
// Where the expected digests come from: they were printed by this test, run with
// VAESWEEP_HASH_IDENTITY_PRINT=1, on the build of main at 1eff604 (before the key tables),
// and pasted below. A digest covers, per unit in grid order: its index, config hash, group
// hash, feature hash, label and canonical text, plus the unit count and duplicates removed.
// VAESWEEP_HASH_IDENTITY_DUMP=<folder> writes those texts out, one file per study, to diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "util/error.hpp"
#include "study/grid.hpp"
#include "util/hash.hpp"

namespace vaesweep {
namespace {

namespace fs = std::filesystem;

// tests/data is the test data folder; the shipped studies are two levels up.
const fs::path kCheckout = fs::path(VAESWEEP_TEST_DATA_DIR).parent_path().parent_path();

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Synthetic studies that cross the keys deciding relevance (the deciders of grid.cpp) with
// keys they switch on and off, keys added later (set away from their defaults and not), and
// the engine and resampler exceptions.
const std::map<std::string, std::string>& synthetic_studies() {
  static const std::map<std::string, std::string> studies = {
      {"families", R"(
[data]
labels = ["genre", "language"]
balance = ["genre"]
per_group = 20
[model]
condition_on = "genre"
[grid]
model = ["vae", "cvae", "ae", "pca", "raw", "noop"]
"model.kl_schedule" = ["constant", "linear"]
"model.warmup_epochs" = [5, 10]
"model.engine" = ["auto", "batched", "torch", "stacked"]
"model.pca_solver" = ["auto", "randomized"]
"model.noop_seconds" = [0.0, 0.5]
beta = [0.5, 4]
"evaluation.allow_conditioned_scoring" = [false, true]
k = [3, 5]
seed = [1, 2]
)"},
      {"clusters", R"(
[data]
require_labels = true
[model]
hidden = [32, 16]
[grid]
"cluster.methods" = [["kmeans"], ["agglomerative", "dbscan"], ["spectral", "gmm"], ["kmeans", "spectral"]]
"cluster.projection" = ["none", "umap"]
"cluster.affinity" = ["nearest_neighbors", "rbf"]
"cluster.gamma" = [0.5, 2.0]
"cluster.eps" = ["auto", 0.7]
"cluster.linkage" = ["ward", "average"]
"cluster.umap_neighbors" = [10, 15]
"model.hidden" = [[64, 32], [16]]
latent_dim = [2, 8]
)"},
      {"audio_features", R"(
[data]
source = "audio"
path = "{data_root}/audio/gtzan"
on_bad_file = "fail"
[grid]
"features.kind" = ["mfcc_stats", "librosa", "logmel", "mfcc_sequence"]
"features.segment" = ["whole", "centre", "all"]
"features.segment_seconds" = [3.0, 5.0]
"features.sample_rate" = [22050, 16000]
"features.resample" = ["soxr_hq", "sinc_best", "soxr_vhq"]
"features.n_mfcc" = [13, 20]
"features.n_fft" = [1024, 2048]
"features.frames" = [64, 128]
"features.statistics" = [["mean"], ["mean", "std"]]
model = ["vae", "pca"]
)"},
      {"conv", R"(
[data]
source = "audio"
path = "audio/manifest.csv"
[features]
kind = "logmel"
[grid]
model = ["conv_vae", "vae"]
"features.kind" = ["logmel", "mfcc_sequence"]
"model.convolution" = ["auto", "1d", "2d"]
"model.engine" = ["auto", "torch", "stacked", "batched"]
)"},
      {"modalities", R"(
[data]
source = "table"
path = "tables/t.csv"
labels = ["label", "language"]
[text]
path = "{data_root}/lyrics/l.csv"
label_map = ["eng=en"]
[grid]
modalities = [["audio"], ["text"], ["audio", "text"], ["text", "audio"]]
"features.fusion" = ["early", "late"]
"features.text_weight" = [1.0, 2.0]
"text.join" = ["id", "label"]
"text.pair_seed" = [0, 3]
"text.id_column" = ["", "track"]
"text.dimension" = [128, 384]
"data.source" = ["table", "synthetic", "audio"]
"data.clips" = [40, 160]
model = ["vae", "pca"]
seed = [1, 2]
)"},
      {"embeddings", R"(
[data]
labels = ["genre", "language"]
[features]
modalities = ["audio", "text"]
[text]
source = "embeddings"
path = "emb.npy"
[grid]
"text.source" = ["embeddings", "lyrics"]
"text.min_n" = [1, 2]
"text.column" = ["lyrics", "words"]
"data.sample_seed" = [0, 1]
"data.balance" = [["genre"], ["genre", "language"]]
"data.per_group" = ["min", 10]
k = [2]
)"},
  };
  return studies;
}

// The studies checked: the shipped ones (their {data_root} paths resolved under a made-up root:
// the root does not enter hashes) and the synthetic ones, each with the audio rates unknown and
// with files at 22,050 and 44,100 Hz (the resampler then enters some hashes).
std::vector<std::pair<std::string, Study>> studies_checked() {
  std::vector<std::pair<std::string, std::pair<std::string, fs::path>>> texts;
  for (const auto& entry : fs::directory_iterator(kCheckout / "sweeps"))
    if (entry.path().extension() == ".toml")
      texts.push_back({entry.path().stem().string(), {read_text(entry.path()), "sweeps/" + entry.path().filename().string()}});
  for (const auto& [name, text] : synthetic_studies()) texts.push_back({name, {text, "sweeps/" + name + ".toml"}});
  std::sort(texts.begin(), texts.end());
  std::vector<std::pair<std::string, Study>> out;
  for (const auto& [name, text_file] : texts) {
    for (int rates = 0; rates < 2; ++rates) {
      Study study;
      try {
        study = parse_study(text_file.first, text_file.second);
      } catch (const UserError& e) {
        ADD_FAILURE() << name << ": " << e.what();
        continue;
      }
      study.data_root = DataRoot{"/made/up/root", "test", ""};
      if (rates == 1) study.audio_rates = std::vector<int>{22050, 44100};
      out.emplace_back(name + (rates == 1 ? "@rates" : ""), std::move(study));
    }
  }
  return out;
}

// The spec builders as they were written by hand before the key tables (study.cpp at 1eff604),
// kept verbatim but for the two lists they appended to, which the structs now start with the
// schema's defaults in (cleared first): every unit's specs must come out equal to theirs.
std::vector<std::string> string_list(const Settings& s, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& v : s.at(key).value.as_list()) out.push_back(v.as_string());
  return out;
}
int integer(const Settings& s, const std::string& key) { return static_cast<int>(s.at(key).value.as_int()); }
double real(const Settings& s, const std::string& key) { return s.at(key).value.as_double(); }
const std::string& text(const Settings& s, const std::string& key) { return s.at(key).value.as_string(); }

DataSpec legacy_data_spec(const Settings& s, const std::filesystem::path& study_file, const DataRoot& data_root) {
  DataSpec d;
  d.source = parse_data_source(text(s, "data.source"));
  d.path_as_written = text(s, "data.path");
  d.data_root = data_root;
  if (!d.path_as_written.empty() && d.source != DataSource::synthetic)
    d.path = resolve_data_path(d.path_as_written, study_file.parent_path(), data_root, "data.path");
  d.labels = string_list(s, "data.labels");
  d.require_labels = s.at("data.require_labels").value.as_bool();
  d.exclude = string_list(s, "data.exclude");
  d.id_column = text(s, "data.id_column");
  d.clips = integer(s, "data.clips");
  d.corpus_seed = static_cast<std::uint64_t>(s.at("data.corpus_seed").value.as_int());
  d.seconds = real(s, "data.seconds");
  d.cache_dir = text(s, "data.cache_dir");
  d.on_bad_file = parse_bad_file_policy(text(s, "data.on_bad_file"));
  d.feature_cache = s.at("data.feature_cache").value.as_bool();
  d.balance = string_list(s, "data.balance");
  const Value& per_group = s.at("data.per_group").value;
  d.per_group = per_group.is_string() ? 0 : static_cast<std::int64_t>(per_group.as_double());
  d.sample_seed = static_cast<std::uint64_t>(s.at("data.sample_seed").value.as_int());
  return d;
}

FeatureSpec legacy_feature_spec(const Settings& s) {
  FeatureSpec f;
  f.kind = parse_feature_kind(text(s, "features.kind"));
  f.n_mfcc = n_mfcc_follows_kind(s.at("features.n_mfcc"), text(s, "features.kind")) ? kLibrosaTableMfcc
                                                                                     : integer(s, "features.n_mfcc");
  f.statistics = string_list(s, "features.statistics");
  f.sample_rate = integer(s, "features.sample_rate");
  f.resample = text(s, "features.resample");
  f.n_fft = integer(s, "features.n_fft");
  f.hop_length = integer(s, "features.hop_length");
  f.n_mels = integer(s, "features.n_mels");
  f.fmin = real(s, "features.fmin");
  f.fmax = real(s, "features.fmax");
  f.mel_scale = text(s, "features.mel_scale");
  f.top_db = real(s, "features.top_db");
  f.pad_mode = text(s, "features.pad_mode");
  f.frames = integer(s, "features.frames");
  f.segment = text(s, "features.segment");
  f.segment_seconds = real(s, "features.segment_seconds");
  f.standardize = s.at("features.standardize").value.as_bool();
  const auto modalities = string_list(s, "features.modalities");
  f.audio = std::find(modalities.begin(), modalities.end(), "audio") != modalities.end();
  f.text = std::find(modalities.begin(), modalities.end(), "text") != modalities.end();
  f.fusion = text(s, "features.fusion") == "late" ? Fusion::late : Fusion::early;
  f.audio_weight = real(s, "features.audio_weight");
  f.text_weight = real(s, "features.text_weight");
  return f;
}

TextSpec legacy_text_spec(const Settings& s, const std::filesystem::path& study_file, const DataRoot& data_root) {
  TextSpec t;
  t.source = text(s, "text.source") == "embeddings" ? TextSource::embeddings : TextSource::lyrics;
  t.path_as_written = text(s, "text.path");
  t.data_root = data_root;
  if (!t.path_as_written.empty())
    t.path = resolve_data_path(t.path_as_written, study_file.parent_path(), data_root, "text.path");
  t.column = text(s, "text.column");
  t.id_column = text(s, "text.id_column");
  t.join = text(s, "text.join") == "label" ? TextJoin::label : TextJoin::id;
  t.join_label = text(s, "text.join_label");
  t.label_map = string_list(s, "text.label_map");
  t.pair_seed = static_cast<std::uint64_t>(s.at("text.pair_seed").value.as_int());
  t.dimension = integer(s, "text.dimension");
  t.min_n = integer(s, "text.min_n");
  t.max_n = integer(s, "text.max_n");
  return t;
}

ModelSpec legacy_model_spec(const Settings& s) {
  ModelSpec m;
  m.kind = parse_model_kind(text(s, "model.kind"));
  m.hidden.clear();
  for (const auto& v : s.at("model.hidden").value.as_list()) m.hidden.push_back(static_cast<int>(v.as_int()));
  m.latent_dim = integer(s, "model.latent_dim");
  m.beta = real(s, "model.beta");
  m.epochs = integer(s, "model.epochs");
  m.batch_size = integer(s, "model.batch_size");
  m.learning_rate = real(s, "model.learning_rate");
  m.noop_seconds = real(s, "model.noop_seconds");
  m.convolution = text(s, "model.convolution") == "1d"   ? ConvolutionKind::conv1d
                  : text(s, "model.convolution") == "2d" ? ConvolutionKind::conv2d
                                                         : ConvolutionKind::automatic;
  m.condition_on = text(s, "model.condition_on");
  m.kl_schedule = text(s, "model.kl_schedule") == "linear" ? KlWeightSchedule::linear : KlWeightSchedule::constant;
  m.warmup_epochs = integer(s, "model.warmup_epochs");
  m.checkpoints = s.at("model.checkpoints").value.as_bool();
  m.reconstruction_examples = integer(s, "model.reconstruction_examples");
  m.engine = text(s, "model.engine") == "stacked" ? TrainingEngine::stacked
             : text(s, "model.engine") == "torch" ? TrainingEngine::torch
                                                  : TrainingEngine::batched;  // batched, or auto unresolved
  m.pca_solver = text(s, "model.pca_solver");
  return m;
}

ClusterSpec legacy_cluster_spec(const Settings& s) {
  ClusterSpec c;
  c.methods.clear();
  for (const auto& name : string_list(s, "cluster.methods")) c.methods.push_back(cluster::parse_method(name));
  c.ks = {integer(s, "cluster.k")};
  c.n_init = integer(s, "cluster.n_init");
  c.max_iter = integer(s, "cluster.max_iter");
  c.linkage = text(s, "cluster.linkage");
  const Value& eps = s.at("cluster.eps").value;
  c.eps = eps.is_string() ? 0.0 : eps.as_double();
  c.min_samples = integer(s, "cluster.min_samples");
  c.affinity = text(s, "cluster.affinity");
  c.n_neighbors = integer(s, "cluster.n_neighbors");
  c.gamma = real(s, "cluster.gamma");
  c.covariance = text(s, "cluster.covariance");
  c.projection = text(s, "cluster.projection") == "umap" ? LatentProjection::umap : LatentProjection::none;
  c.umap_components = integer(s, "cluster.umap_components");
  c.umap_neighbors = integer(s, "cluster.umap_neighbors");
  c.umap_min_dist = real(s, "cluster.umap_min_dist");
  return c;
}


std::string units_text(const Grid& grid, const fs::path& study_file, const DataRoot& root) {
  std::string out = "units " + std::to_string(grid.size()) + " duplicates " + std::to_string(grid.duplicates_removed()) + "\n";
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const WorkUnit u = grid.unit(i);
    out += "#" + std::to_string(u.index) + " " + u.config_hash + " " + u.group_hash + " " + u.feature_hash + " " +
           u.label() + "\n" + u.canonical;
    // The lazy accessors agree with the unit they stand for.
    EXPECT_EQ(grid.config_hash(i), u.config_hash);
    EXPECT_EQ(grid.group_hash(i), u.group_hash);
    EXPECT_EQ(grid.feature_hash(i), u.feature_hash);
    // The specs built from the key tables equal those of the hand-written builders.
    EXPECT_TRUE(u.data == legacy_data_spec(u.settings, study_file, root)) << u.label();
    EXPECT_TRUE(u.features == legacy_feature_spec(u.settings)) << u.label();
    EXPECT_TRUE(u.text == legacy_text_spec(u.settings, study_file, root)) << u.label();
    EXPECT_TRUE(u.model == legacy_model_spec(u.settings)) << u.label();
    ClusterSpec cluster = legacy_cluster_spec(u.settings);
    cluster.ks = grid.ks();
    EXPECT_TRUE(u.cluster == cluster) << u.label();
    // The [evaluation] keys as the unit runner read them from the settings before EvaluationSpec.
    EXPECT_EQ(u.evaluation.label_sets, label_sets(u.settings)) << u.label();
    EXPECT_EQ(u.evaluation.allow_conditioned_scoring, u.settings.at("evaluation.allow_conditioned_scoring").value.as_bool());
    EXPECT_EQ(u.evaluation.store_latents, u.settings.at("evaluation.store_latents").value.as_bool());
    EXPECT_EQ(u.evaluation.store_assignments, u.settings.at("evaluation.store_assignments").value.as_bool());
  }
  return out;
}

const std::map<std::string, std::string> kExpected = {
      {"audio_features", "60e8d9152e743f391bc54452594d96b7c2353aa5babd4a8fab71f9c1e32a951d"},  // 440 units
      {"audio_features@rates", "b8039039acef1e3cad7140124433f3be63df7e37493eec63e91482f9bc70c8ec"},  // 1320 units
      {"clusters", "ee851ca64e80e8c9c506eaf9ed0ce7e6613a4b4e9b82fdc54d7bbeec16e24bf1"},  // 132 units
      {"clusters@rates", "f67105da5d01ab04d7a1fed40e0ea902cb9af594e3bd85f39d1b163374566dfc"},  // 132 units
      {"conv", "70000fde0dc5f20a02b0924e0045f398b491e7d3067e79ae3e82366878856ebf"},  // 18 units
      {"conv@rates", "99cfcf3028b343a1cc5db130f4cd71f62a5c45f62ca6d16bb50079a744d79c1c"},  // 18 units
      {"embeddings", "8474e5df87baed90c7d03a6fa1f0a18d2b797d38155e20f3b06b7d3ae5da2a62"},  // 40 units
      {"embeddings@rates", "6725088f78e483b386d8ad8b442d9ad8f0ff9760293fd33c94cb1198de85d1d3"},  // 40 units
      {"families", "4e02402c34ff4b6366680838115e627bad0ebfd55b08991c511221b314e6f7b0"},  // 124 units
      {"families@rates", "8803ab868f82b42b89125abebfc84d8081417eb22e6eb4c46d57d34d184e8a1a"},  // 124 units
      {"gtzan_banglabeats_table", "caaaf6f55f1d6af71169457a830d664404d42e1f9c28a0ff8a8172b430faa70f"},  // 18 units
      {"gtzan_banglabeats_table@rates", "caaaf6f55f1d6af71169457a830d664404d42e1f9c28a0ff8a8172b430faa70f"},  // 18 units
      {"modalities", "ca21586c8ba210f3f644432060da6a195a3fc3a52d8ef9c29fabab8ee3eab1f2"},  // 1168 units
      {"modalities@rates", "bbdc047d677e226587f88df729972533e8beea3d90c52a1e4454d2172a9d0b45"},  // 1168 units
      {"modality_ablation", "2c255c5a2f233be15c10598e7bf38880991f6db6c952a8e164a5cfe4c6049617"},  // 36 units
      {"modality_ablation@rates", "2c255c5a2f233be15c10598e7bf38880991f6db6c952a8e164a5cfe4c6049617"},  // 36 units
      {"quickstart", "b8197f113e1597750b5474734f990335b068e1359e1439e325bf5e5d8588cbae"},  // 18 units
      {"quickstart@rates", "eaf687093cf474866c97d6d702b2c5eb8d4c57ae2fb2f87e690d13644bea906f"},  // 18 units
      {"repro_easy", "6a41491611c373118523d68d5999de10d75a504f24030a9c8fac1aea12a20db8"},  // 45 units
      {"repro_easy@rates", "6a41491611c373118523d68d5999de10d75a504f24030a9c8fac1aea12a20db8"},  // 45 units
      {"repro_hard", "d490bd8baaab472f42095abab72e25a1df7041e6582101d1491c0b4b66f67433"},  // 65 units
      {"repro_hard@rates", "d490bd8baaab472f42095abab72e25a1df7041e6582101d1491c0b4b66f67433"},  // 65 units
      {"repro_medium", "742a743d529ad4b6c9c7eca2688f9b6bbe6de3d9b980e85215c00ea16799999a"},  // 60 units
      {"repro_medium@rates", "742a743d529ad4b6c9c7eca2688f9b6bbe6de3d9b980e85215c00ea16799999a"},  // 60 units
      {"repro_medium_conv", "3a14d499fab332669af90bcd7330811dbf2a62b8e203cd02986dc07a048b6c6b"},  // 30 units
      {"repro_medium_conv@rates", "6325f1a60c967bdbec7d6b31a5ceceedccea859a16eee5b93ef1c486d9c38b6f"},  // 30 units
      {"repro_metric_space", "d9f3bcf48b00b1e538818db39e3b46b34eaef29e011443ef355bf1c7a2da67be"},  // 10 units
      {"repro_metric_space@rates", "d9f3bcf48b00b1e538818db39e3b46b34eaef29e011443ef355bf1c7a2da67be"},  // 10 units
};

TEST(HashIdentity, EveryUnitKeepsItsHashesAndCanonicalText) {
  const char* print = std::getenv("VAESWEEP_HASH_IDENTITY_PRINT");
  const char* dump = std::getenv("VAESWEEP_HASH_IDENTITY_DUMP");
  std::size_t units = 0;
  for (const auto& [name, study] : studies_checked()) {
    Grid grid;
    try {
      grid = expand_grid(study);
    } catch (const UserError& e) {
      ADD_FAILURE() << name << ": " << e.what();
      continue;
    }
    units += grid.size();
    const std::string text = units_text(grid, study.file, study.data_root);
    const std::string digest = sha256_hex(text);
    if (dump) std::ofstream(fs::path(dump) / (name + ".txt"), std::ios::binary) << text;
    if (print) std::cout << "      {\"" << name << "\", \"" << digest << "\"},  // " << grid.size() << " units\n";
    const auto it = kExpected.find(name);
    if (it == kExpected.end()) {
      ADD_FAILURE() << name << ": no expected digest";
      continue;
    }
    EXPECT_EQ(digest, it->second) << name << ": units, hashes or canonical texts changed";
  }
  EXPECT_GT(units, 1000u);
}

}  // namespace
}  // namespace vaesweep
