#pragma once
// The sample rates a study's audio files are stored at, read from their headers before any
// feature is extracted: they decide whether a unit resamples anything, hence whether
// features.resample is part of its hash (Study::audio_rates).
#include <optional>
#include <string>
#include <vector>

#include "study/study.hpp"

namespace vaesweep::data {

// The distinct rates, ascending; empty for a study without audio files (a feature table). With
// data.* grid axes, the rates of every data set of the grid together. Nothing when they cannot
// be known before extraction (a collection cannot be listed: extraction reports that). A file
// no decoder recognises adds no rate: it is skipped or fatal later, never resampled.
std::optional<std::vector<int>> probe_audio_rates(const Study& study);

// "files at 44100 Hz are resampled to 22050 Hz" for the rates of study.audio_rates that differ
// from a features.sample_rate of its units; "" when no file is resampled or the rates are not
// known.
std::string resampling_summary(const Study& study);

}  // namespace vaesweep::data
