#pragma once
// Audio features computed once and reused by every later sweep, rank and `vaesweep features`
// run. One HDF5 file per extraction setting, named by the hash of extraction_canonical():
// DIR/features-<hash>.h5. Inside, an entry per audio file keyed by the file's identity
// (absolute path, size and modification time), so that
//   - a changed parameter reads another cache file (nothing is reused),
//   - a changed, replaced or touched file misses its entry and is recomputed alone,
//   - new files are added to the same cache file, unchanged ones are reused.
// Bad files are not cached: they are retried (and reported) every time.
//
// The resampler is not part of the extraction text (see extraction_canonical): each entry says
// instead how its file reached the feature rate, in the column `resampler`: "" when the file
// was stored at that rate (the entry serves every features.resample), else the resampler's
// name (it serves that one only). Caches written before the column existed read as
// kResamplerUnknown: "" or "sinc_best", the only resampler vaesweep had then.
//
// Layout (h5py-readable): attribute `extraction` (the canonical text), table /entries (key,
// path, length, first_row, rows, resampler), matrix /X (every entry's rows, in entry order). save()
// writes a temporary file and renames it over the old one, so a reader or a crash never sees
// a half-written cache; two processes saving at once leave one complete file (the other's new
// entries are simply computed again next time). A cache file that cannot be read (corrupt,
// another layout) is reported and ignored, then replaced on save.
#include <Eigen/Dense>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace vaesweep::data {

struct CachedClip {
  Eigen::MatrixXd rows;
  std::int64_t length = 0;
  std::string resampler;  // "": no resampling was needed; else the resampler's name
};

// An entry of a cache written before the `resampler` column: not resampled, or by "sinc_best".
inline constexpr const char* kResamplerUnknown = "unknown (written before features.resample)";

class FeatureCache {
 public:
  FeatureCache(const std::filesystem::path& dir, const std::string& extraction_canonical);

  // "absolute path|size|mtime in ns"; UserError naming the path when it cannot be stat'ed.
  static std::string file_key(const std::filesystem::path& path);

  const CachedClip* find(const std::string& key) const;
  void put(const std::string& key, const std::string& path, CachedClip clip);
  // Writes the file when something was put since loading; creates DIR when missing.
  void save();

  const std::filesystem::path& file() const { return file_; }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string path;
    CachedClip clip;
  };
  void load();
  std::filesystem::path dir_;
  std::filesystem::path file_;
  std::string canonical_;
  std::map<std::string, Entry> entries_;
  bool dirty_ = false;
};

}  // namespace vaesweep::data
