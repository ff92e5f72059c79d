// Resume bookkeeping: which record of a unit wins, which units a resume runs, when a changed
// study is refused, journals read back, the run lock and the stop request.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "util/error.hpp"
#include "study/grid.hpp"
#include "util/stop_request.hpp"
#include "results/prior_work.hpp"
#include "results/run_lock.hpp"
#include "engine/shard_journal.hpp"
#include "temp_dir.hpp"

namespace vaesweep::results {
namespace {

const char* kStudy = R"(
[study]
name = "resume"
[model]
epochs = 5
[grid]
model = ["vae"]
latent_dim = [2, 4]
seed = [1, 2, 3]
)";

ShardUnit record(const std::string& hash, const std::string& status, const std::string& run) {
  ShardUnit u;
  u.unit.config_hash = hash;
  u.unit.status = parse_unit_status(status);
  u.unit.run_id = run;
  u.unit.unit = 99;  // whatever an earlier grid said; the merge renumbers
  EvaluationRecord e;
  e.config_hash = hash;
  e.method = "kmeans";
  e.k = 2;
  e.status = parse_unit_status(status);
  u.evaluations.push_back(e);
  return u;
}

TEST(LatestRecords, OkIsNeverReplacedByAFailureAndLaterWinsOtherwise) {
  const HashIndex index = {{"a", 2}, {"b", 0}, {"c", 1}};
  std::vector<ShardUnit> units = {record("a", "failed", "r1"), record("b", "ok", "r1"), record("c", "diverged", "r1"),
                                  record("a", "ok", "r2"),     record("b", "failed", "r2"), record("c", "failed", "r2"),
                                  record("gone", "ok", "r1")};
  const auto latest = latest_records(std::move(units), index);
  ASSERT_EQ(latest.size(), 3u);  // "gone" is not in the grid
  // Sorted by grid index: b (0), c (1), a (2).
  EXPECT_EQ(latest[0].unit.config_hash, "b");
  EXPECT_EQ(latest[0].unit.status, results::UnitStatus::ok);
  EXPECT_EQ(latest[0].unit.run_id, "r1");
  EXPECT_EQ(latest[1].unit.status, results::UnitStatus::failed);
  EXPECT_EQ(latest[1].unit.run_id, "r2");
  EXPECT_EQ(latest[2].unit.status, results::UnitStatus::ok);
  EXPECT_EQ(latest[2].unit.run_id, "r2");
  for (std::size_t i = 0; i < latest.size(); ++i) {
    EXPECT_EQ(latest[i].unit.unit, static_cast<std::int64_t>(i));
    EXPECT_EQ(latest[i].evaluations.at(0).unit, static_cast<std::int64_t>(i));
  }
}

TEST(UnitsToRun, SkipsRecordedUnitsAndRetriesFailuresOnlyWhenAsked) {
  const Study study = parse_study(kStudy, "resume.toml");
  const Grid grid = expand_grid(study);
  ASSERT_EQ(grid.size(), 6u);
  const HashIndex index = index_grid(grid);
  PriorWork prior;
  prior.units.push_back(record(grid.config_hash(0), "ok", "r1"));
  prior.units.push_back(record(grid.config_hash(4), "diverged", "r1"));
  const ToRun plain = units_to_run(grid, prior, index, false);
  EXPECT_EQ(plain.done_before, 2u);
  EXPECT_EQ(plain.failed_before, 1u);
  std::vector<std::size_t> sorted = plain.order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::size_t>{1, 2, 3, 5}));
  const ToRun retry = units_to_run(grid, prior, index, true);
  sorted = retry.order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::size_t>{1, 2, 3, 4, 5}));
  // Longest expected first: latent 4 units (3..5) cost more than latent 2 units.
  EXPECT_GE(grid.cost_hint(retry.order.front()), grid.cost_hint(retry.order.back()));
}

TEST(RefuseChangedStudy, NamesTheChangedKeyAndAllowsAGrowingGrid) {
  const Study before = parse_study(kStudy, "resume.toml");
  const Grid old_grid = expand_grid(before);
  PriorWork prior;
  prior.studies.push_back({before.sha256, before.text, "resume.toml", ""});
  for (std::size_t i = 0; i < old_grid.size(); ++i) prior.units.push_back(record(old_grid.config_hash(i), "ok", "r1"));

  // More seeds: every finished unit is still in the grid.
  const Study more = parse_study(kStudy, "resume.toml", {"grid.seed=[1, 2, 3, 4]"});
  EXPECT_NO_THROW(refuse_changed_study(prior, more, index_grid(expand_grid(more)), "r.h5"));

  const Study changed = parse_study(kStudy, "resume.toml", {"model.epochs=6"});
  try {
    refuse_changed_study(prior, changed, index_grid(expand_grid(changed)), "r.h5");
    FAIL() << "a changed epoch count was accepted";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("r.h5"), std::string::npos) << what;
    EXPECT_NE(what.find("6 finished unit"), std::string::npos) << what;
    EXPECT_NE(what.find("model.epochs: 5 -> 6"), std::string::npos) << what;
  }
}

TEST(PriorWork, ReadsJournalsAndReportsATornEnd) {
  test::TempDir dir;
  const auto results = dir.path() / "r.h5";
  std::filesystem::create_directories(shard_folder(results));
  ShardHeader header;
  header.run_id = "20260101T000000Z-0001";
  header.study_sha256 = "abc";
  header.grid_units = 6;
  const auto path = shard_path(results, header.run_id, 0);
  {
    engine::JournalWriter journal(path, encode_shard_header(header), 0);
    for (const char* h : {"x", "y"}) {
      const ShardUnit u = record(h, "ok", header.run_id);
      journal.append(encode_unit(u.unit, u.evaluations));
    }
  }
  {  // a third record cut short, as a kill -9 mid-write leaves it: a length and nothing more
    std::FILE* f = std::fopen(path.c_str(), "ab");
    const char partial[6] = {40, 0, 0, 0, 0, 0};
    std::fwrite(partial, 1, sizeof partial, f);
    std::fclose(f);
  }
  const PriorWork prior = read_prior_work(results);
  EXPECT_FALSE(prior.results_file);
  ASSERT_EQ(prior.units.size(), 2u);
  EXPECT_EQ(prior.units[1].unit.config_hash, "y");
  ASSERT_EQ(prior.shards.size(), 1u);
  EXPECT_FALSE(prior.shards[0].damage.empty());
  ASSERT_EQ(prior.runs.size(), 1u);
  EXPECT_EQ(prior.runs[0].outcome, "interrupted");
}

TEST(RunLock, ASecondRunIsRefusedWithWhoHoldsIt) {
  test::TempDir dir;
  const auto results = dir.path() / "r.h5";
  EXPECT_FALSE(RunLock::holder(results));
  {
    RunLock first(results);
    const auto who = RunLock::holder(results);
    ASSERT_TRUE(who);
    EXPECT_NE(who->find("pid " + std::to_string(::getpid())), std::string::npos) << *who;
    try {
      RunLock second(results);
      FAIL() << "two runs held the lock";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("another vaesweep run"), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(RunLock::holder(results));
  EXPECT_FALSE(std::filesystem::exists(shard_folder(results)));  // an empty folder is removed
}

TEST(StopRequest, ASignalIsRecordedAndTheGraceExpires) {
  reset_stop_request();
  install_stop_handlers();
  set_stop_grace(3600);
  EXPECT_FALSE(stop_requested());
  std::raise(SIGUSR1);
  EXPECT_TRUE(stop_requested());
  EXPECT_STREQ(stop_signal_name(), "SIGUSR1");
  EXPECT_FALSE(stop_grace_expired());
  std::raise(SIGTERM);  // a second request changes nothing
  EXPECT_EQ(stop_signal(), SIGUSR1);
  set_stop_grace(0);
  EXPECT_TRUE(stop_grace_expired());
  reset_stop_request();
  set_stop_grace(60);
  EXPECT_FALSE(stop_requested());
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGUSR1, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
}

// A librosa-kind study with n_mfcc unset ran with 13 MFCCs before the kind took the table's 20:
// the refusal says why and how to continue them.
TEST(RefuseChangedStudy, NamesTheLibrosaKindsMfccCount) {
  const std::vector<std::string> librosa = {"features.kind=\"librosa\""};
  Study before = parse_study(kStudy, "resume.toml", {"features.kind=\"librosa\"", "features.n_mfcc=13"});
  const Grid old_grid = expand_grid(before);  // the hashes those units got: n_mfcc was 13
  PriorWork prior;
  prior.studies.push_back({before.sha256, kStudy, "resume.toml", librosa.front()});  // n_mfcc was not set
  for (std::size_t i = 0; i < old_grid.size(); ++i) prior.units.push_back(record(old_grid.config_hash(i), "ok", "r1"));
  const Study now = parse_study(kStudy, "resume.toml", librosa);
  try {
    refuse_changed_study(prior, now, index_grid(expand_grid(now)), "r.h5");
    FAIL() << "13-MFCC units were taken for 20-MFCC ones";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot reuse 6 finished unit"), std::string::npos) << what;
    EXPECT_NE(what.find("--set features.n_mfcc=13"), std::string::npos) << what;
  }
  const Study pinned = parse_study(kStudy, "resume.toml", {"features.kind=\"librosa\"", "features.n_mfcc=13"});
  EXPECT_NO_THROW(refuse_changed_study(prior, pinned, index_grid(expand_grid(pinned)), "r.h5"));
}

}  // namespace
}  // namespace vaesweep::results

namespace vaesweep::results {
namespace {

// model.engine = "auto" resolved to the stacked engine (a GPU) on a results file whose units
// the batched engine trained (auto on a CPU): the refusal names the units, the two engines and
// the --set that continues them on this hardware.
TEST(RefuseChangedStudy, NamesTheEngineThatAutoResolvedToElsewhere) {
  Study on_cpu = parse_study(kStudy, "resume.toml");
  ASSERT_EQ(resolve_auto_engine(on_cpu, false), "batched");
  const Grid cpu_grid = expand_grid(on_cpu);
  PriorWork prior;
  prior.studies.push_back({on_cpu.sha256, on_cpu.text, "resume.toml", ""});
  for (std::size_t i = 0; i < cpu_grid.size(); ++i) {
    prior.units.push_back(record(cpu_grid.config_hash(i), "ok", "r1"));
    prior.units.back().unit.engine = "batched";
  }
  Study on_gpu = parse_study(kStudy, "resume.toml");
  ASSERT_EQ(resolve_auto_engine(on_gpu, true), "stacked");
  try {
    refuse_changed_study(prior, on_gpu, index_grid(expand_grid(on_gpu)), "r.h5", "stacked");
    FAIL() << "units of another engine were accepted";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot reuse 6 finished unit"), std::string::npos) << what;
    EXPECT_NE(what.find("trained by the batched engine"), std::string::npos) << what;
    EXPECT_NE(what.find("means stacked on this hardware (the first rank has a GPU)"), std::string::npos) << what;
    EXPECT_NE(what.find("--set model.engine=\"batched\""), std::string::npos) << what;
  }
  // Resolved on the same hardware again: every unit is reused.
  Study again = parse_study(kStudy, "resume.toml");
  resolve_auto_engine(again, false);
  EXPECT_NO_THROW(refuse_changed_study(prior, again, index_grid(expand_grid(again)), "r.h5", "batched"));
}

TEST(RefuseChangedStudy, NamesTheResamplerWhenResampledUnitsRanWithSincBest) {
  // Units of a study whose files are at 44100 Hz, run before features.resample existed: their
  // features went through libsamplerate (sinc_best), which leaves no line in a hash.
  Study before = parse_study(kStudy, "resume.toml", {"features.resample=\"sinc_best\""});
  before.audio_rates = std::vector<int>{44100};
  const Grid old_grid = expand_grid(before);
  PriorWork prior;
  prior.studies.push_back({before.sha256, kStudy, "resume.toml", ""});  // the study as it was: no key
  for (std::size_t i = 0; i < old_grid.size(); ++i) prior.units.push_back(record(old_grid.config_hash(i), "ok", "r1"));

  Study now = parse_study(kStudy, "resume.toml");  // the default, soxr_hq
  now.audio_rates = std::vector<int>{44100};
  try {
    refuse_changed_study(prior, now, index_grid(expand_grid(now)), "r.h5");
    FAIL() << "units resampled by sinc_best were taken for soxr_hq ones";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot reuse 6 finished unit"), std::string::npos) << what;
    EXPECT_NE(what.find("files at 44100 Hz are resampled to 22050 Hz"), std::string::npos) << what;
    EXPECT_NE(what.find("features.resample = \"soxr_hq\""), std::string::npos) << what;
    EXPECT_NE(what.find("--set features.resample=\"sinc_best\""), std::string::npos) << what;
  }
  Study pinned = parse_study(kStudy, "resume.toml", {"features.resample=\"sinc_best\""});
  pinned.audio_rates = std::vector<int>{44100};
  EXPECT_NO_THROW(refuse_changed_study(prior, pinned, index_grid(expand_grid(pinned)), "r.h5"));
  // Files at the feature rate: the resampler does not matter, the default resumes them.
  Study native = parse_study(kStudy, "resume.toml");
  native.audio_rates = std::vector<int>{22050};
  EXPECT_NO_THROW(refuse_changed_study(prior, native, index_grid(expand_grid(native)), "r.h5"));
}

}  // namespace
}  // namespace vaesweep::results
