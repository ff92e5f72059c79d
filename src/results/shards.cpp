#include "results/shards.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "engine/bytes.hpp"
#include "engine/shard_journal.hpp"
#include "engine/wire.hpp"

namespace vaesweep::results {
namespace fs = std::filesystem;
namespace {
// v2 added replaces_results; v1 journals (of earlier builds) are still read.
constexpr const char* kHeaderFormat = "vaesweep-shard-v2";
constexpr const char* kHeaderFormatV1 = "vaesweep-shard-v1";
constexpr const char* kJournalSuffix = ".journal";

const char* note_suffix(RunNote kind) { return kind == RunNote::stopped ? ".stopped" : ".replaces-results"; }
}  // namespace

// The header's members after its format text; v2 added replaces_results at the end.
using H = ShardHeader;
using HeaderWireV1 = engine::Wire<&H::run_id, &H::host, &H::study_sha256, &H::study_text, &H::study_file, &H::study_overrides,
                          &H::slurm_job_id, &H::slurm_array_job_id, &H::slurm_array_task_id, &H::rank, &H::ranks,
                          &H::grid_units, &H::started_at>;
using HeaderWireAddedInV2 = engine::Wire<&H::replaces_results>;
static_assert(HeaderWireV1::size + HeaderWireAddedInV2::size == engine::member_count<ShardHeader>,
              "a ShardHeader member is missing from its wire form: add it to a new format's list");

std::string encode_shard_header(const ShardHeader& h) {
  engine::ByteWriter w;
  w.put_string(kHeaderFormat);
  HeaderWireV1::put(w, h);
  HeaderWireAddedInV2::put(w, h);
  return w.release();
}

ShardHeader decode_shard_header(const std::string& bytes, const fs::path& file) {
  try {
    engine::ByteReader r(bytes, "a shard journal's header");
    const std::string format = r.get_string();
    if (format != kHeaderFormat && format != kHeaderFormatV1) throw UserError("");
    ShardHeader h;
    HeaderWireV1::get(r, h);
    if (format == kHeaderFormat) HeaderWireAddedInV2::get(r, h);
    return h;
  } catch (const std::exception&) {
    throw UserError(file.string() + ": not a vaesweep shard journal of this version (expected a " +
                    std::string(kHeaderFormat) + " header)");
  }
}

fs::path shard_folder(const fs::path& results) { return fs::path(results.string() + ".shards"); }

fs::path shard_path(const fs::path& results, const std::string& run_id, int rank) {
  return shard_folder(results) / (run_id + "-rank" + std::to_string(rank) + kJournalSuffix);
}

// A journal whose header frame is damaged: the run, rank, host and start come from its records
// (each unit record names them; `first` is its first); the study text and the Slurm ids are
// lost, and said so.
void salvaged_header(Shard& shard, const UnitRecord& first, double earliest_start) {
  if (shard.records == 0) return;  // nothing left to place: the journal is only removed
  shard.header.run_id = first.run_id;
  shard.header.rank = first.rank;
  shard.header.host = first.host;
  shard.header.started_at = std::min(first.started_at, earliest_start);
  shard.damage += "; its " + std::to_string(shard.records) +
                  " intact unit record(s) are kept, the run's study text and Slurm ids are lost";
}

std::vector<Shard> read_shards(const fs::path& results) {
  // The visitor keeps each unit in its shard; the shards are still in reading order then.
  std::vector<std::vector<ShardUnit>> units;
  std::vector<Shard> shards = read_shards(results, [&](std::size_t shard, ShardUnit&& u, engine::JournalRecordPlace) {
    if (units.size() <= shard) units.resize(shard + 1);
    units[shard].push_back(std::move(u));
  });
  for (Shard& s : shards)
    if (s.reading_index < units.size()) s.units = std::move(units[s.reading_index]);
  return shards;
}

std::vector<Shard> read_shards(const fs::path& results, const ShardUnitVisitor& visit) {
  std::vector<Shard> shards;
  const fs::path folder = shard_folder(results);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return shards;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() != kJournalSuffix) continue;
    Shard shard;
    shard.path = entry.path();
    shard.reading_index = shards.size();
    UnitRecord first;
    double earliest_start = std::numeric_limits<double>::infinity();
    bool undecodable = false;
    std::size_t index = 0;
    engine::JournalContents contents;
    try {
      contents = engine::read_journal(entry.path(), [&](std::string&& record, engine::JournalRecordPlace place) {
        if (undecodable) return;
        ShardUnit u;
        try {
          decode_unit(record, u.unit, u.evaluations);
        } catch (const UserError& e) {
          // The CRC matched, so this is not a torn write: a journal of another build. Stop here.
          shard.damage = "record " + std::to_string(index) + " cannot be decoded (" + e.what() + "); it and the rest ignored";
          undecodable = true;
          return;
        }
        ++index;
        if (shard.records++ == 0) first = u.unit;
        earliest_start = std::min(earliest_start, u.unit.started_at);
        shard.units_ended_at = std::max(shard.units_ended_at, u.unit.started_at + u.unit.wall_seconds);
        visit(shard.reading_index, std::move(u), place);
      });
    } catch (const engine::UnfinishedJournal& e) {
      shard.damage = e.what();  // no header, no records: only removed with the others
      shards.push_back(std::move(shard));
      continue;
    }
    if (!contents.header_damaged) shard.header = decode_shard_header(contents.header, entry.path());
    if (!undecodable)
      shard.damage = contents.header_damaged ? "damaged header (" + contents.damage + ")" : contents.damage;
    if (contents.header_damaged) {
      salvaged_header(shard, first, earliest_start);
      shard.header.replaces_results = read_run_note(results, shard.header.run_id, RunNote::replaces_results).has_value();
    }
    shards.push_back(std::move(shard));
  }
  std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) {
    if (a.header.started_at != b.header.started_at) return a.header.started_at < b.header.started_at;
    if (a.header.run_id != b.header.run_id) return a.header.run_id < b.header.run_id;
    return a.header.rank < b.header.rank;
  });
  return shards;
}

void remove_shards(const fs::path& results, const std::vector<Shard>& shards) {
  std::error_code ec;
  std::set<std::string> runs;
  for (const Shard& s : shards) {
    fs::remove(s.path, ec);
    if (!s.header.run_id.empty()) runs.insert(s.header.run_id);
  }
  for (const std::string& run : runs)
    for (const RunNote kind : {RunNote::stopped, RunNote::replaces_results})
      fs::remove(shard_folder(results) / (run + note_suffix(kind)), ec);
  fs::remove(shard_folder(results), ec);  // only succeeds when empty
}

void write_run_note(const fs::path& results, const std::string& run_id, RunNote kind, const std::string& text) {
  const fs::path path = shard_folder(results) / (run_id + note_suffix(kind));
  write_atomically(path, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out.flush()) throw UserError(path.string() + ": cannot write the run's note");
  });
}

bool is_run_note(const fs::path& file) {
  const std::string ext = file.extension().string();
  return ext == note_suffix(RunNote::stopped) || ext == note_suffix(RunNote::replaces_results);
}

std::optional<std::string> read_run_note(const fs::path& results, const std::string& run_id, RunNote kind) {
  std::ifstream in(shard_folder(results) / (run_id + note_suffix(kind)), std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace vaesweep::results
