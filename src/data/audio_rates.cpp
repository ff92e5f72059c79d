#include "data/audio_rates.hpp"

#include <algorithm>
#include <set>

#include "audio/audio_file.hpp"
#include "audio/synthetic_corpus.hpp"
#include "core/error.hpp"
#include "data/dataset.hpp"

namespace vaesweep::data {

std::optional<std::vector<int>> probe_audio_rates(const Study& study) {
  // Another data set per unit: one set of rates cannot speak for all of them.
  for (const Axis& axis : study.axes)
    if (axis.key.rfind("data.", 0) == 0) return std::nullopt;
  try {
    const DataSpec data = data_spec(study.settings, study.file);
    if (data.source == DataSource::table) return std::vector<int>{};
    // The synthetic corpus is written at its generator's rate: no need to generate it here.
    if (data.source == DataSource::synthetic) return std::vector<int>{audio::SyntheticCorpusParams{}.sample_rate};
    std::set<int> rates;
    for (const AudioItem& item : audio_collection(data).items)
      if (const std::optional<int> rate = audio::probe_sample_rate(item.path)) rates.insert(*rate);
    return std::vector<int>(rates.begin(), rates.end());
  } catch (const UserError&) {
    return std::nullopt;  // e.g. a missing folder: reported where the features are built
  }
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
