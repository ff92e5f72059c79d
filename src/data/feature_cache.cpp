#include "data/feature_cache.hpp"

#include <chrono>
#include <system_error>

#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "io/hdf5_file.hpp"

namespace vaesweep::data {
namespace fs = std::filesystem;

FeatureCache::FeatureCache(const fs::path& dir, const std::string& extraction_canonical)
    : dir_(dir), canonical_(extraction_canonical) {
  file_ = dir_ / ("features-" + sha256_hex(canonical_).substr(0, 16) + ".h5");
  std::error_code ec;
  if (fs::exists(file_, ec)) load();
}

std::string FeatureCache::file_key(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(path), ec);
  const auto size = fs::file_size(path, ec);
  if (ec) throw UserError(path.string() + ": cannot read the file's size: " + ec.message());
  const auto mtime = fs::last_write_time(path, ec);
  if (ec) throw UserError(path.string() + ": cannot read the file's modification time: " + ec.message());
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
  return absolute.string() + "|" + std::to_string(size) + "|" + std::to_string(ns);
}

const CachedClip* FeatureCache::find(const std::string& key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second.clip;
}

void FeatureCache::put(const std::string& key, const std::string& path, CachedClip clip) {
  entries_[key] = Entry{path, std::move(clip)};
  dirty_ = true;
}

void FeatureCache::load() {
  try {
    io::Hdf5File h5 = io::Hdf5File::open_read(file_);
    if (h5.string_attribute("/", "extraction") != canonical_) {
      // A hash collision of 64 bits, or a file put there by hand: not ours to use.
      log_warn(file_.string() + ": feature cache made with other parameters; ignored and replaced");
      return;
    }
    const io::ColumnTable t = h5.read_table("/entries");
    const Eigen::MatrixXd X = h5.read_matrix("/X");
    const auto& keys = t.strings("key");
    const auto& paths = t.strings("path");
    const auto& lengths = t.ints("length");
    const auto& first = t.ints("first_row");
    const auto& rows = t.ints("rows");
    const std::vector<std::string> resamplers =
        t.has("resampler") ? t.strings("resampler") : std::vector<std::string>(keys.size(), kResamplerUnknown);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (first[i] < 0 || rows[i] < 0 || first[i] + rows[i] > X.rows())
        throw UserError(file_.string() + ": entry " + std::to_string(i) + " points outside /X");
      entries_[keys[i]] = Entry{paths[i], CachedClip{X.middleRows(first[i], rows[i]), lengths[i], resamplers[i]}};
    }
  } catch (const UserError& e) {
    entries_.clear();
    log_warn("feature cache " + file_.string() + " is unreadable and will be rebuilt: " + e.what());
  }
}

void FeatureCache::save() {
  if (!dirty_) return;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw UserError(dir_.string() + ": cannot create the feature cache folder: " + ec.message());

  std::vector<std::string> keys, paths, resamplers;
  std::vector<std::int64_t> lengths, first, counts;
  Eigen::Index total = 0, cols = 0;
  for (const auto& [key, entry] : entries_) {
    total += entry.clip.rows.rows();
    if (entry.clip.rows.rows() > 0) cols = entry.clip.rows.cols();
  }
  Eigen::MatrixXd X(total, cols);
  Eigen::Index next = 0;
  for (const auto& [key, entry] : entries_) {
    keys.push_back(key);
    paths.push_back(entry.path);
    resamplers.push_back(entry.clip.resampler);
    lengths.push_back(entry.clip.length);
    first.push_back(next);
    counts.push_back(entry.clip.rows.rows());
    if (entry.clip.rows.rows() > 0) X.middleRows(next, entry.clip.rows.rows()) = entry.clip.rows;
    next += entry.clip.rows.rows();
  }
  io::ColumnTable t;
  t.add_column("key", keys);
  t.add_column("path", paths);
  t.add_column("length", lengths);
  t.add_column("first_row", first);
  t.add_column("rows", counts);
  t.add_column("resampler", resamplers);

  write_atomically(file_, [&](const fs::path& tmp) {
    io::Hdf5File h5 = io::Hdf5File::create(tmp);
    h5.set_attribute("/", "extraction", canonical_);
    h5.write_table("/entries", t);
    h5.write_matrix("/X", X);
    h5.close();
  });
  dirty_ = false;
}

}  // namespace vaesweep::data
