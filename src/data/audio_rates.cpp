#include "data/audio_rates.hpp"

#include <algorithm>
#include <set>

#include "audio/audio_file.hpp"
#include "audio/synthetic_corpus.hpp"
#include "util/error.hpp"
#include "data/dataset.hpp"

namespace vaesweep::data {

namespace {

// The study's settings for every combination of its data.* axes' values (the study's own
// settings when it has no such axis).
std::vector<Settings> data_settings_in_grid(const Study& study) {
  std::vector<Settings> combos = {study.settings};
  for (const Axis& axis : study.axes) {
    if (axis.key.rfind("data.", 0) != 0) continue;
    std::vector<Settings> next;
    for (const Settings& base : combos)
      for (const Value& v : axis.values) {
        Settings s = base;
        s[axis.key].value = v;
        next.push_back(std::move(s));
      }
    combos = std::move(next);
  }
  return combos;
}

}  // namespace

std::optional<std::vector<int>> probe_audio_rates(const Study& study) {
  // With data sets as a grid axis the rates are those of all of them together: a unit is then
  // taken to resample when any data set of the study has a file at another rate. That can put
  // features.resample into the hash of a unit that resamples nothing (two names for one
  // result), never leave it out of one that does (one name for two results).
  std::set<int> rates;
  try {
    for (const Settings& settings : data_settings_in_grid(study)) {
      const DataSpec data = data_spec(settings, study.file, study.data_root);
      if (data.source == DataSource::table) continue;
      // The synthetic corpus is written at its generator's rate: no need to generate it here.
      if (data.source == DataSource::synthetic) {
        rates.insert(audio::SyntheticCorpusParams{}.sample_rate);
        continue;
      }
      for (const AudioItem& item : audio_collection(data).items)
        if (const std::optional<int> rate = audio::probe_sample_rate(item.path)) rates.insert(*rate);
    }
  } catch (const UserError&) {
    return std::nullopt;  // e.g. a missing folder: reported where the features are built
  }
  return std::vector<int>(rates.begin(), rates.end());
}

std::string resampling_summary(const Study& study) {
  if (!study.audio_rates) return {};
  std::set<int> from, to;
  for (const Value& v : values_in_grid(study, "features.sample_rate")) {
    const int rate = static_cast<int>(v.as_int());
    for (int r : *study.audio_rates)
      if (r != rate) {
        from.insert(r);
        to.insert(rate);
      }
  }
  if (from.empty()) return {};
  const auto hz = [](const std::set<int>& rates) {
    std::string out;
    for (int r : rates) out += (out.empty() ? "" : ", ") + std::to_string(r);
    return out + " Hz";
  };
  return "files at " + hz(from) + " are resampled to " + hz(to);
}

}  // namespace vaesweep::data
