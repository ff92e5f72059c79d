// The Slurm script renderer (sweep/slurm_script.hpp): flags over the study's [slurm] table over
// the defaults, Slurm's time formats (the formats and their meaning are those of sbatch(1),
// --time), array chunks with offsets, and the rendered scripts themselves, run by bash with
// stand-ins for sbatch and srun that record what they were given.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "study/grid.hpp"
#include "study/study.hpp"
#include "sweep/slurm_script.hpp"
#include "temp_dir.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::sweep {
namespace {

using test::expect_user_error_naming;

const char* kStudy = R"([study]
name = "tiny"
[model]
epochs = 2
[grid]
model = ["pca"]
latent_dim = [2, 3]
seed = [1, 2, 3]
[slurm]
nodes = 2
partition = "gpu"
time = "2:00:00"
setup = ["module load openmpi"]
)";

SlurmJob job_of(const Study& study, const std::vector<SlurmFlag>& flags) {
  SlurmJob job;
  job.slurm = resolve_slurm_settings(study.settings, flags);
  job.slurm.vaesweep = "/opt/vs/bin/vaesweep";
  job.study_name = study.name;
  job.study_file = "/home/u/sweeps/tiny.toml";
  job.out = "/scratch/u/r.h5";
  job.workdir = "/scratch/u";
  job.overrides = {"model.epochs=2"};
  job.grid_units = expand_grid(study).size();
  return job;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(SlurmSettings, FlagsOverTheStudyOverTheDefaults) {
  const Study study = parse_study(kStudy, "tiny.toml");
  const SlurmSettings s = resolve_slurm_settings(study.settings, {{"nodes", Value(4), "--nodes"}});
  EXPECT_EQ(s.nodes, 4);                 // flag over the study's 2
  EXPECT_EQ(s.partition, "gpu");         // the study's
  EXPECT_EQ(s.time, "2:00:00");          // the study's
  EXPECT_EQ(s.ntasks_per_node, 1);       // defaults (study/study_schema.cpp)
  EXPECT_EQ(s.max_array_size, 1001);
  EXPECT_EQ(s.signal_seconds, 120);
  EXPECT_TRUE(s.requeue);
  EXPECT_EQ(s.setup, std::vector<std::string>{"module load openmpi"});
  const SlurmSettings d = resolve_slurm_settings(parse_study("", "empty.toml").settings, {});
  EXPECT_EQ(d.nodes, 1);
  EXPECT_EQ(d.time, "01:00:00");
  EXPECT_EQ(d.array, 0);
}

TEST(SlurmSettings, FlagValuesAreCheckedAndNamed) {
  const Study study = parse_study(kStudy, "tiny.toml");
  expect_user_error_naming([&] { resolve_slurm_settings(study.settings, {{"nodes", Value(0), "--nodes"}}); },
                           "--nodes: expected a value in [1");
  expect_user_error_naming([&] { resolve_slurm_settings(study.settings, {{"time", Value("1h"), "--time"}}); },
                           "--time: slurm.time: expected \"M\"");
  // The warning signal must come after the start: 120 s before a 1-minute limit is impossible.
  expect_user_error_naming([&] { resolve_slurm_settings(study.settings, {{"time", Value("1"), "--time"}}); },
                           "slurm.signal_seconds");
  // A bad value in the study names its file and line.
  expect_user_error_naming([] { resolve_slurm_settings(parse_study("[slurm]\ntime = \"1:99\"\n", "t.toml").settings, {}); },
                           "t.toml:2");
}

TEST(SlurmSettings, NeitherInTheHashNorAnAxis) {
  // Where a study runs does not change its results: the units of a study with and without a
  // [slurm] table have the same config hashes, so they resume and merge with each other.
  const Grid with = expand_grid(parse_study(kStudy, "tiny.toml"));
  std::string without_text = kStudy;
  without_text = without_text.substr(0, without_text.find("[slurm]"));
  const Grid without = expand_grid(parse_study(without_text, "tiny.toml"));
  ASSERT_EQ(with.size(), 6u);
  ASSERT_EQ(without.size(), 6u);
  for (std::size_t i = 0; i < with.size(); ++i) EXPECT_EQ(with.config_hash(i), without.config_hash(i));
  expect_user_error_naming([] { parse_study("[grid]\n\"slurm.nodes\" = [1, 2]\n", "axis.toml"); }, "cannot be an axis");
}

TEST(SlurmTime, SbatchFormats) {
  EXPECT_EQ(slurm_time_seconds("90", "t"), 90 * 60);              // minutes
  EXPECT_EQ(slurm_time_seconds("1:30", "t"), 90);                 // minutes:seconds
  EXPECT_EQ(slurm_time_seconds("01:00:00", "t"), 3600);           // hours:minutes:seconds
  EXPECT_EQ(slurm_time_seconds("2-0", "t"), 2 * 86400);           // days-hours
  EXPECT_EQ(slurm_time_seconds("1-2:30", "t"), 86400 + 2 * 3600 + 30 * 60);  // days-hours:minutes
  EXPECT_EQ(slurm_time_seconds("1-02:03:04", "t"), 86400 + 2 * 3600 + 3 * 60 + 4);
  for (const char* bad : {"", "1:2:3:4", "1:60", "1:60:00", "abc", "-1", "1-24", "1-", "0", "0:00:00", "1h", " 5"})
    expect_user_error_naming([&] { slurm_time_seconds(bad, "study.toml:3"); }, "study.toml:3: slurm.time: expected");
}

TEST(SlurmArray, ChunksOfAtMostMaxArraySizeWithOffsets) {
  EXPECT_EQ(array_chunks(3, 2), (std::vector<ArrayChunk>{{0, 2}, {2, 1}}));
  EXPECT_EQ(array_chunks(5, 10), (std::vector<ArrayChunk>{{0, 5}}));
  EXPECT_EQ(array_chunks(2002, 1001), (std::vector<ArrayChunk>{{0, 1001}, {1001, 1001}}));
  EXPECT_EQ(array_chunks(2003, 1001).back(), (ArrayChunk{2002, 1}));
}

TEST(SlurmScript, MpiJob) {
  const Study study = parse_study(kStudy, "tiny.toml");
  const std::string script = render_slurm_script(job_of(study, {{"ntasks_per_node", Value(8), "--ntasks-per-node"}}));
  for (const char* line :
       {"#!/bin/bash\n", "#SBATCH --job-name=vaesweep-tiny\n", "#SBATCH --nodes=2\n", "#SBATCH --ntasks-per-node=8\n",
        "#SBATCH --cpus-per-task=1\n", "#SBATCH --time=2:00:00\n", "#SBATCH --partition=gpu\n",
        "#SBATCH --signal=USR1@120\n", "#SBATCH --requeue\n", "#SBATCH --chdir=/scratch/u\n",
        "#SBATCH --output=/scratch/u/r.h5.slurm-%j.log\n", "module load openmpi\n",
        "export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n",
        "srun --mpi=pmix '/opt/vs/bin/vaesweep' run '/home/u/sweeps/tiny.toml' --out '/scratch/u/r.h5' --resume "
        "--grace 60 --set 'model.epochs=2'\n",
        "scontrol requeue \"$SLURM_JOB_ID\""})
    EXPECT_TRUE(contains(script, line)) << "missing " << line << " in\n" << script;
  EXPECT_FALSE(contains(script, "--gpus-per-node")) << "no GPUs asked for";
  EXPECT_FALSE(contains(script, "--account")) << "no account set";
  const std::string gpu = render_slurm_script(
      job_of(study, {{"gpus_per_node", Value(4), "--gpus-per-node"}, {"requeue", Value(false), "--no-requeue"}}));
  EXPECT_TRUE(contains(gpu, "#SBATCH --gpus-per-node=4\n"));
  EXPECT_TRUE(contains(gpu, "model.engine = \"auto\" (the default) trains stacks of models"));
  EXPECT_FALSE(contains(script, "trains stacks of models")) << "no GPU, no stacked engine by default";
  EXPECT_TRUE(contains(gpu, "#SBATCH --no-requeue\n"));
  EXPECT_FALSE(contains(gpu, "scontrol requeue"));
}

TEST(SlurmScript, EveryRunGetsTheDataRootTheSubmitterResolved) {
  const Study study = parse_study(kStudy, "tiny.toml");
  SlurmJob job = job_of(study, {});
  job.data_root = "/lab/music data";
  EXPECT_TRUE(contains(render_slurm_script(job), "--set 'model.epochs=2' --data-root '/lab/music data'\n"));
  job.slurm.array = 2;
  EXPECT_TRUE(contains(render_slurm_script(job), "--data-root '/lab/music data'"));
  job.data_root.clear();
  EXPECT_FALSE(contains(render_slurm_script(job), "--data-root")) << "no root known: none passed";
}

TEST(SlurmScript, RefusesMoreSlicesThanUnitsAndPathsSbatchCannotHold) {
  const Study study = parse_study(kStudy, "tiny.toml");
  expect_user_error_naming([&] { render_slurm_script(job_of(study, {{"array", Value(7), "--array"}})); },
                           "expected at most 6");
  SlurmJob job = job_of(study, {});
  job.out = "/scratch/my results/r.h5";
  expect_user_error_naming([&] { render_slurm_script(job); }, "cannot be written in an #SBATCH line");
}

TEST(SlurmScript, ShellQuoteRoundTripsThroughBash) {
  test::TempDir dir;
  const std::string tricky = "it's a \"path\" with $HOME and `ticks`";
  const auto out = dir.path() / "echo.txt";
  const std::string command = "printf %s " + shell_quote(tricky) + " > " + shell_quote(out.string());
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(read_file(out), tricky);
}

// The array submission script, run by bash with an sbatch that records its arguments and the
// script it reads from stdin, and answers job ids 101, 102, ...
TEST(SlurmScript, ArraySubmissionSplitsIntoChunksAndMergesAfterAll) {
  const Study study = parse_study(kStudy, "tiny.toml");
  test::TempDir dir;
  SlurmJob job = job_of(study, {{"array", Value(3), "--array"}, {"max_array_size", Value(2), "--max-array-size"}});
  job.slurm.setup = {"export FROM_SETUP=1"};
  job.out = dir.path() / "r.h5";
  job.workdir = dir.path();
  const std::string script = render_slurm_script(job);
  write_file(dir.path() / "job.sh", script);
  const auto bin = dir.path() / "bin";
  std::filesystem::create_directories(bin);
  write_file(bin / "sbatch",
             "#!/bin/bash\n"
             "n=$(( $(ls " + shell_quote(dir.path().string()) + "/sbatch-*.args 2>/dev/null | wc -l) + 1 ))\n"
             "echo \"$*\" > " + shell_quote(dir.path().string()) + "/sbatch-$n.args\n"
             "cat > " + shell_quote(dir.path().string()) + "/sbatch-$n.script\n"
             "echo $((100 + n))\n");
  write_file(bin / "srun", "#!/bin/bash\necho \"$*\" > " + shell_quote(dir.path().string()) + "/srun.args\nexit 0\n");
  std::filesystem::permissions(bin / "sbatch", std::filesystem::perms::owner_all);
  std::filesystem::permissions(bin / "srun", std::filesystem::perms::owner_all);
  const std::string path = "PATH=" + shell_quote(bin.string()) + ":\"$PATH\" ";
  ASSERT_EQ(std::system((path + "bash " + shell_quote((dir.path() / "job.sh").string()) + " > " +
                         shell_quote((dir.path() / "submit.txt").string())).c_str()),
            0)
      << script;
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "r.h5.parts"));
  // Two chunks (3 slices, at most 2 per array) and the merge, which waits for both.
  EXPECT_EQ(read_file(dir.path() / "sbatch-1.args"), "--parsable --array=0-1\n");
  EXPECT_EQ(read_file(dir.path() / "sbatch-2.args"), "--parsable --array=0-0\n");
  EXPECT_EQ(read_file(dir.path() / "sbatch-3.args"), "--parsable --dependency=afterany:101:102\n");
  EXPECT_TRUE(contains(read_file(dir.path() / "submit.txt"), "array job(s) 101 102"));
  const std::string second_chunk = read_file(dir.path() / "sbatch-2.script");
  EXPECT_TRUE(contains(second_chunk, "#SBATCH --signal=USR1@120\n"));
  EXPECT_TRUE(contains(second_chunk, "#SBATCH --output=" + (dir.path() / "r.h5.parts").string() + "/slurm-%A_%a.log\n"));
  const std::string merge = read_file(dir.path() / "sbatch-3.script");
  EXPECT_TRUE(contains(merge, "'/opt/vs/bin/vaesweep' merge \"${files[@]}\" --out '" + job.out.string() + "' --overwrite"));
  EXPECT_TRUE(contains(merge, "#SBATCH --ntasks=1\n"));

  // Task 0 of the second chunk is slice 2 of 3.
  ASSERT_EQ(std::system((path + "SLURM_ARRAY_TASK_ID=0 SLURM_JOB_ID=7 SLURM_ARRAY_JOB_ID=102 bash " +
                         shell_quote((dir.path() / "sbatch-2.script").string()) + " > /dev/null").c_str()),
            0);
  EXPECT_EQ(read_file(dir.path() / "srun.args"),
            "--mpi=pmix /opt/vs/bin/vaesweep run /home/u/sweeps/tiny.toml --out " + (dir.path() / "r.h5.parts").string() +
                "/slice-2.h5 --resume --grace 60 --slice 2/3 --set model.epochs=2\n");
}

// Exit status 75 (stopped before the end) requeues the job; another status does not.
TEST(SlurmScript, MpiJobRequeuesItselfOnExit75) {
  const Study study = parse_study(kStudy, "tiny.toml");
  test::TempDir dir;
  SlurmJob job = job_of(study, {});
  job.slurm.setup.clear();
  write_file(dir.path() / "job.sh", render_slurm_script(job));
  const auto bin = dir.path() / "bin";
  std::filesystem::create_directories(bin);
  write_file(bin / "srun", "#!/bin/bash\nexit \"$SRUN_EXIT\"\n");
  write_file(bin / "scontrol", "#!/bin/bash\necho \"$*\" >> " + shell_quote(dir.path().string()) + "/scontrol.args\n");
  std::filesystem::permissions(bin / "srun", std::filesystem::perms::owner_all);
  std::filesystem::permissions(bin / "scontrol", std::filesystem::perms::owner_all);
  const std::string run = "PATH=" + shell_quote(bin.string()) + ":\"$PATH\" SLURM_JOB_ID=42 bash " +
                          shell_quote((dir.path() / "job.sh").string()) + " > /dev/null";
  EXPECT_EQ(WEXITSTATUS(std::system(("SRUN_EXIT=3 " + run).c_str())), 3);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "scontrol.args"));
  EXPECT_EQ(WEXITSTATUS(std::system(("SRUN_EXIT=75 " + run).c_str())), 75);
  EXPECT_EQ(read_file(dir.path() / "scontrol.args"), "requeue 42\n");
}

}  // namespace
}  // namespace vaesweep::sweep
