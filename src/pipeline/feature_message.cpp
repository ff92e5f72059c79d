#include "pipeline/feature_message.hpp"

#include <stdexcept>

#include "engine/bytes.hpp"

namespace vaesweep::sweep {
namespace {

enum Kind : std::uint8_t { kError = 0, kTable = 1, kTask = 2, kClips = 3 };

void put_matrix(ByteWriter& w, const Eigen::MatrixXd& m) {
  w.put<std::int64_t>(m.rows());
  w.put<std::int64_t>(m.cols());
  w.put_vector(std::vector<double>(m.data(), m.data() + m.size()));
}

Eigen::MatrixXd get_matrix(ByteReader& r) {
  const auto rows = r.get<std::int64_t>();
  const auto cols = r.get<std::int64_t>();
  const auto values = r.get_vector<double>();
  return Eigen::Map<const Eigen::MatrixXd>(values.data(), rows, cols);
}

}  // namespace

std::string encode_features(const data::FeatureTable& t) {
  ByteWriter w;
  w.put<std::uint8_t>(kTable);
  w.put_strings(t.ids);
  w.put_strings(t.track_ids);
  w.put_strings(t.feature_names);
  w.put_strings(t.excluded);
  w.put_vector(t.shape);
  put_matrix(w, t.X);
  w.put<std::uint64_t>(t.labels.size());
  for (const auto& l : t.labels) {
    w.put_string(l.name);
    w.put_strings(l.classes);
    w.put_vector(l.codes);
  }
  w.put<std::uint64_t>(t.skipped.size());
  for (const auto& s : t.skipped) {
    w.put_string(s.path);
    w.put_string(s.reason);
  }
  w.put<std::uint64_t>(t.blocks.size());
  for (const auto& b : t.blocks) {
    w.put_string(b.name);
    w.put<std::int64_t>(b.begin);
    w.put<std::int64_t>(b.cols);
  }
  w.put_vector(t.drawn_rows);
  w.put_strings(t.drawn_ids);
  w.put_string(t.draw_note);
  return w.bytes();
}

std::string encode_feature_error(const std::string& message) {
  ByteWriter w;
  w.put<std::uint8_t>(kError);
  w.put_string(message);
  return w.bytes();
}

data::FeatureTable decode_features(const std::string& bytes) {
  ByteReader r(bytes);
  const auto kind = r.get<std::uint8_t>();
  if (kind == kError) throw UserError(r.get_string());
  VAESWEEP_ASSERT(kind == kTable, "a feature table message");
  data::FeatureTable t;
  t.ids = r.get_strings();
  t.track_ids = r.get_strings();
  t.feature_names = r.get_strings();
  t.excluded = r.get_strings();
  t.shape = r.get_vector<int>();
  t.X = get_matrix(r);
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
    data::LabelSet l;
    l.name = r.get_string();
    l.classes = r.get_strings();
    l.codes = r.get_vector<int>();
    t.labels.push_back(std::move(l));
  }
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
    data::SkippedFile s;
    s.path = r.get_string();
    s.reason = r.get_string();
    t.skipped.push_back(std::move(s));
  }
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
    data::ColumnBlock b;
    b.name = r.get_string();
    b.begin = r.get<std::int64_t>();
    b.cols = r.get<std::int64_t>();
    t.blocks.push_back(std::move(b));
  }
  t.drawn_rows = r.get_vector<std::int64_t>();
  t.drawn_ids = r.get_strings();
  t.draw_note = r.get_string();
  return t;
}

std::string encode_extraction_task(const std::vector<data::AudioItem>& todo) {
  ByteWriter w;
  w.put<std::uint8_t>(kTask);
  w.put<std::uint64_t>(todo.size());
  for (const auto& item : todo) {
    w.put_string(item.path.string());
    w.put_string(item.id);
  }
  return w.bytes();
}

bool is_extraction_task(const std::string& bytes) {
  return !bytes.empty() && static_cast<std::uint8_t>(bytes.front()) == kTask;
}

std::vector<data::AudioItem> decode_extraction_task(const std::string& bytes) {
  ByteReader r(bytes);
  VAESWEEP_ASSERT(r.get<std::uint8_t>() == kTask, "an extraction task message");
  std::vector<data::AudioItem> todo(r.get<std::uint64_t>());
  for (auto& item : todo) {
    item.path = r.get_string();
    item.id = r.get_string();
  }
  return todo;
}

std::string encode_clip_features(const std::vector<std::size_t>& indices, const std::vector<data::ClipFeatures>& clips) {
  ByteWriter w;
  w.put<std::uint8_t>(kClips);
  w.put<std::uint64_t>(indices.size());
  for (std::size_t j = 0; j < indices.size(); ++j) {
    w.put<std::uint64_t>(indices[j]);
    w.put<std::int64_t>(clips[j].length);
    w.put<std::uint8_t>(clips[j].resampled ? 1 : 0);
    w.put_string(clips[j].error);
    put_matrix(w, clips[j].rows);
  }
  return w.bytes();
}

void decode_clip_features(const std::string& bytes, std::vector<data::ClipFeatures>& out) {
  ByteReader r(bytes);
  const auto kind = r.get<std::uint8_t>();
  if (kind == kError) throw std::runtime_error(r.get_string());
  VAESWEEP_ASSERT(kind == kClips, "an extracted-features message");
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
    const auto index = r.get<std::uint64_t>();
    VAESWEEP_ASSERT(index < out.size(), "extracted file index within the task");
    out[index].length = r.get<std::int64_t>();
    out[index].resampled = r.get<std::uint8_t>() != 0;
    out[index].error = r.get_string();
    out[index].rows = get_matrix(r);
  }
}

}  // namespace vaesweep::sweep
