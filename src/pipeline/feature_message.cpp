#include "pipeline/feature_message.hpp"

#include <stdexcept>

#include "engine/wire.hpp"

namespace vaesweep::pipeline {
namespace {

enum Kind : std::uint8_t { kError = 0, kTable = 1, kTask = 2, kClips = 3 };

}  // namespace
}  // namespace vaesweep::pipeline

// A matrix as its shape and its values (column-major, Eigen's order); the shape must hold the
// values (damaged bytes otherwise would map past them). In engine's namespace, beside the generic
// forms: argument-dependent lookup on an Eigen matrix looks only in Eigen's.
namespace vaesweep::engine {
static void put_value(engine::ByteWriter& w, const Eigen::MatrixXd& m) {
  w.put<std::int64_t>(m.rows());
  w.put<std::int64_t>(m.cols());
  w.put_array(m.data(), static_cast<std::size_t>(m.size()));
}

static void get_value(engine::ByteReader& r, Eigen::MatrixXd& m) {
  const auto rows = r.get<std::int64_t>();
  const auto cols = r.get<std::int64_t>();
  const auto values = r.get_vector<double>();
  const bool fits = rows >= 0 && cols >= 0 &&
                    (cols == 0 ? values.empty()
                               : values.size() % static_cast<std::uint64_t>(cols) == 0 &&
                                     values.size() / static_cast<std::uint64_t>(cols) == static_cast<std::uint64_t>(rows));
  if (!fits)
    throw UserError("a feature message: a matrix of " + std::to_string(values.size()) + " values is not " +
                    std::to_string(rows) + " x " + std::to_string(cols) + " (damaged)");
  m = Eigen::Map<const Eigen::MatrixXd>(values.data(), rows, cols);
}
}  // namespace vaesweep::engine

namespace vaesweep::data {
// The table travels whole; an audio item as what extraction needs of it (its labels stay on
// the root, which builds the table).
constexpr engine::Wire<&LabelSet::name, &LabelSet::classes, &LabelSet::codes> wire_of(const LabelSet*) { return {}; }
constexpr engine::Wire<&SkippedFile::path, &SkippedFile::reason> wire_of(const SkippedFile*) { return {}; }
constexpr engine::Wire<&ColumnBlock::name, &ColumnBlock::begin, &ColumnBlock::cols> wire_of(const ColumnBlock*) { return {}; }
constexpr engine::Wire<&FeatureTable::ids, &FeatureTable::track_ids, &FeatureTable::feature_names, &FeatureTable::excluded,
            &FeatureTable::shape, &FeatureTable::X, &FeatureTable::labels, &FeatureTable::skipped,
            &FeatureTable::blocks, &FeatureTable::drawn_rows, &FeatureTable::drawn_ids, &FeatureTable::draw_note>
wire_of(const FeatureTable*) { return {}; }
constexpr engine::PartialWire<&AudioItem::path, &AudioItem::id> wire_of(const AudioItem*) { return {}; }
constexpr engine::Wire<&ClipFeatures::length, &ClipFeatures::resampled, &ClipFeatures::error, &ClipFeatures::rows>
wire_of(const ClipFeatures*) { return {}; }
}  // namespace vaesweep::data

namespace vaesweep::pipeline {
namespace {

// A message of `kind`: its first byte, then `value`.
template <typename T>
std::string message_of(Kind kind, const T& value) {
  engine::ByteWriter w;
  w.put<std::uint8_t>(kind);
  put_value(w, value);
  return w.release();
}

// The reader of a message of `kind` past its first byte; another kind is an internal error
// (ranks of one build do not send each other the wrong kind), an error message is rethrown.
engine::ByteReader reader_of(const std::string& bytes, Kind kind, const char* what) {
  engine::ByteReader r(bytes, what);
  const auto sent = r.get<std::uint8_t>();
  if (sent == kError) {
    const std::string message = r.get_string();
    if (kind == kTable) throw UserError(message);
    throw std::runtime_error(message);
  }
  VAESWEEP_ASSERT(sent == kind, what);
  return r;
}

}  // namespace

std::string encode_features(const data::FeatureTable& t) { return message_of(kTable, t); }

std::string encode_feature_error(const std::string& message) { return message_of(kError, message); }

data::FeatureTable decode_features(const std::string& bytes) {
  engine::ByteReader r = reader_of(bytes, kTable, "a feature table message");
  data::FeatureTable t;
  get_value(r, t);
  r.require_done();
  return t;
}

std::string encode_extraction_task(const std::vector<data::AudioItem>& todo) { return message_of(kTask, todo); }

bool is_extraction_task(const std::string& bytes) {
  return !bytes.empty() && static_cast<std::uint8_t>(bytes.front()) == kTask;
}

std::vector<data::AudioItem> decode_extraction_task(const std::string& bytes) {
  engine::ByteReader r = reader_of(bytes, kTask, "an extraction task message");
  std::vector<data::AudioItem> todo;
  get_value(r, todo);
  r.require_done();
  return todo;
}

std::string encode_clip_features(const std::vector<std::size_t>& indices, const std::vector<data::ClipFeatures>& clips) {
  engine::ByteWriter w;
  w.put<std::uint8_t>(kClips);
  w.put<std::uint64_t>(indices.size());
  for (std::size_t j = 0; j < indices.size(); ++j) {
    put_value(w, static_cast<std::uint64_t>(indices[j]));
    put_value(w, clips[j]);
  }
  return w.release();
}

void decode_clip_features(const std::string& bytes, std::vector<data::ClipFeatures>& out) {
  engine::ByteReader r = reader_of(bytes, kClips, "an extracted-features message");
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
    const auto index = r.get<std::uint64_t>();
    VAESWEEP_ASSERT(index < out.size(), "extracted file index within the task");
    get_value(r, out[index]);
  }
  r.require_done();
}

}  // namespace vaesweep::pipeline
