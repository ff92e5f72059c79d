// vaesweep features: audio files -> a feature table (CSV or HDF5), with the extraction that
// sweeps use, through the same feature cache.
#include <iostream>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "study/study.hpp"
#include "data/audio_collection.hpp"
#include "data/audio_features.hpp"
#include "data/features_output.hpp"

namespace vaesweep::app {
namespace {

// The features command's settings are a study's [features] and [data] keys, so every value is
// validated (and named in errors) exactly as in a study file.
std::vector<std::string> preset_overrides(const std::string& preset) {
  if (preset.empty()) return {};
  // The published GTZAN table: librosa's defaults, 22050 Hz, and the kind's own 20 MFCCs (a
  // study with features.kind = "librosa" gets the same columns).
  if (preset == "librosa") return {"features.kind=\"librosa\"", "features.sample_rate=22050"};
  throw UserError("--preset: unknown preset \"" + preset + "\"; valid presets are: librosa");
}

}  // namespace

int command_features(const std::vector<std::string>& args) {
  std::string audio, out, preset, labels_text, keep_text, on_bad_file = "skip", cache_dir = ".vaesweep-cache", data_root;
  std::vector<std::string> sets;
  unsigned threads = 0;
  po::options_description options("vaesweep features options");
  options.add_options()
      ("audio", po::value(&audio)->required(), "a folder of audio files (optionally in <label>/ subfolders) or a manifest CSV with a path column")
      ("out,o", po::value(&out)->required(), "output table: .csv or .h5")
      ("preset", po::value(&preset), "librosa: the published GTZAN table's columns (librosa defaults, 20 MFCCs, 22050 Hz)")
      ("set", po::value(&sets)->composing(), "a [features] key, as in a study: --set features.segment=\"all\" (repeatable)")
      ("labels", po::value(&labels_text), "label columns of a manifest (only the columns named are labels), or the folder label's name (default: label)")
      ("keep-columns", po::value(&keep_text), "manifest columns copied into the table as they are (e.g. title,lyrics); never labels or features")
      ("on-bad-file", po::value(&on_bad_file), "skip (default: warn, list in <out>.skipped.csv or /skipped_files) or fail")
      ("data-root", po::value(&data_root), "the folder a manifest's \"{data_root}/...\" paths point into")
      ("cache-dir", po::value(&cache_dir), "feature cache folder (default: .vaesweep-cache)")
      ("no-cache", "neither read nor write the feature cache")
      ("threads", po::value(&threads), "extraction threads (default: one per core)")
      ("overwrite", "replace an existing output file")
      ("quiet,q", "print only warnings and errors");
  po::positional_options_description positional;
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep features --audio DIR_OR_MANIFEST --out table.csv|table.h5 [--preset librosa] [--set features.key=value ...]";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  if (vm.count("quiet")) set_log_level(LogLevel::quiet);

  data::check_features_output(out, vm.count("overwrite") > 0);
  std::vector<std::string> overrides = preset_overrides(preset);
  for (const auto& s : sets) {
    if (s.rfind("features.", 0) != 0)
      throw UserError("--set " + s + ": only [features] keys can be set here (data comes from --audio)");
    overrides.push_back(s);
  }
  overrides.push_back("data.on_bad_file=\"" + on_bad_file + "\"");
  const Study settings = parse_study("", "vaesweep features", overrides);
  const data::ExtractionParams params = data::extraction_params(feature_spec(settings.settings));
  const BadFilePolicy policy = parse_bad_file_policy(settings.settings.at("data.on_bad_file").value.as_string());

  const std::vector<std::string> labels = labels_text.empty() ? std::vector<std::string>{} : split(labels_text, ',');
  const std::vector<std::string> keep = keep_text.empty() ? std::vector<std::string>{} : split(keep_text, ',');
  const data::AudioCollection collection = data::open_audio_collection(audio, labels, false, keep, find_data_root(data_root));
  if (std::filesystem::is_regular_file(audio))
    if (const auto unused = data::unused_manifest_columns(audio, labels, keep); !unused.empty())
      log_info("features: the manifest's columns " + join(unused) +
               " are left out (--labels names label columns, --keep-columns copies others as they are)");

  std::optional<std::filesystem::path> cache;
  if (!vm.count("no-cache")) cache = cache_dir;
  const data::AudioFeatures features =
      data::build_audio_features(collection, params, policy, cache, data::thread_extractor(params, threads));
  if (const std::string note = data::unlabelled_summary(features.table); !note.empty()) log_info("labels: " + note);
  data::FeaturesOutputInfo info;
  info.extraction = data::extraction_canonical(params);
  info.source = audio;
  info.segmented = params.segment != audio::SegmentPolicy::whole;
  data::write_features_output(out, features, info, vm.count("overwrite") > 0);
  std::cout << "wrote " << out << ": " << features.table.rows() << " rows x " << features.table.X.cols()
            << " features from " << collection.items.size() - features.table.skipped.size() << " files"
            << (features.table.skipped.empty() ? "" : ", " + std::to_string(features.table.skipped.size()) + " skipped")
            << " (" << features.cached << " from the cache)\n";
  return kExitOk;
}

}  // namespace vaesweep::app
