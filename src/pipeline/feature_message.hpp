#pragma once
// What the root and the other ranks send each other while the features are prepared: a
// feature table (or the reason there is none), an extraction task (the audio files the cache
// lacked) and a rank's extracted rows. The first byte tells the kinds apart.
#include <string>
#include <vector>

#include "data/audio_collection.hpp"
#include "data/extraction.hpp"
#include "data/feature_table.hpp"

namespace vaesweep::pipeline {

std::string encode_features(const data::FeatureTable& table);
std::string encode_feature_error(const std::string& message);
// Throws UserError with the root's message when the root could not build the table.
data::FeatureTable decode_features(const std::string& bytes);

std::string encode_extraction_task(const std::vector<data::AudioItem>& todo);
bool is_extraction_task(const std::string& bytes);
std::vector<data::AudioItem> decode_extraction_task(const std::string& bytes);

// A rank's results for files todo[indices[j]]; decode writes them into out[indices[j]], or
// throws the rank's error (sent with encode_feature_error) as an internal error.
std::string encode_clip_features(const std::vector<std::size_t>& indices, const std::vector<data::ClipFeatures>& clips);
void decode_clip_features(const std::string& bytes, std::vector<data::ClipFeatures>& out);

}  // namespace vaesweep::pipeline
