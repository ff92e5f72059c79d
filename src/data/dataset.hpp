#pragma once
// From a study's [data] and [features] sections to a FeatureTable: a generated synthetic
// corpus (cached), audio files (a folder or a manifest), or a feature table CSV.
#include <filesystem>

#include "study/study.hpp"
#include "data/audio_collection.hpp"
#include "data/audio_features.hpp"
#include "data/feature_table.hpp"

namespace vaesweep::data {

// The folder of the synthetic corpus `spec` describes, generating it first when it is not in
// the cache yet. Generation writes to a temporary folder and renames it, so a cached corpus is
// always complete.
std::filesystem::path ensure_synthetic_corpus(const DataSpec& spec);

// The audio files of a synthetic or audio source (generating the synthetic corpus if needed).
AudioCollection audio_collection(const DataSpec& data);

// Loads the feature table (audio sources: through the feature cache in data.cache_dir, the
// missing files extracted by `extract`, by default on every core of this process) and
// standardises it when the study asks. With the text modality the text block is added
// (data/modalities.hpp); without audio the rows and labels come from the data source and no
// audio is decoded. `note`, when given, receives how text was paired with the rows.
FeatureTable load_features(const DataSpec& data, const FeatureSpec& features, const TextSpec& text = {},
                           const ClipExtractor& extract = {}, std::string* note = nullptr);

}  // namespace vaesweep::data
