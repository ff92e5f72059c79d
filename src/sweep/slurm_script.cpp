#include "sweep/slurm_script.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "util/error.hpp"
#include "util/strings.hpp"
#include "study/study_schema.hpp"

namespace vaesweep::sweep {
namespace {

const char* kTimeFormats = "\"M\", \"M:S\", \"H:M:S\", \"D-H\", \"D-H:M\" or \"D-H:M:S\" (e.g. \"90\", \"1:30:00\", \"2-00:00:00\")";

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A job's name: vaesweep-<study name>, with characters other than letters, digits, '-', '_'
// and '.' replaced, since it lands unquoted in #SBATCH lines and file names.
std::string job_name(const std::string& study_name) {
  std::string name = "vaesweep-" + (study_name.empty() ? std::string("study") : study_name);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return name;
}

// #SBATCH lines are split on whitespace by sbatch, and no quoting helps there.
std::string sbatch_path(const std::filesystem::path& path) {
  const std::string s = path.string();
  if (std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) || c == '\'' || c == '"'; }))
    throw UserError(s + ": a path with spaces or quotes cannot be written in an #SBATCH line; use a path without them");
  return s;
}

// What a job asks Slurm for; `output` is its log file (Slurm's %j / %A / %a patterns).
std::string sbatch_lines(const SlurmJob& job, const std::string& name, const std::string& output, bool ranks) {
  const SlurmSettings& s = job.slurm;
  std::ostringstream o;
  o << "#SBATCH --job-name=" << name << "\n";
  if (ranks) {
    o << "#SBATCH --nodes=" << s.nodes << "\n";
    o << "#SBATCH --ntasks-per-node=" << s.ntasks_per_node << "\n";
    o << "#SBATCH --cpus-per-task=" << s.cpus_per_task << "\n";
    if (s.gpus_per_node > 0) o << "#SBATCH --gpus-per-node=" << s.gpus_per_node << "\n";
  } else {
    o << "#SBATCH --ntasks=1\n";
  }
  o << "#SBATCH --time=" << s.time << "\n";
  if (!s.partition.empty()) o << "#SBATCH --partition=" << s.partition << "\n";
  if (!s.account.empty()) o << "#SBATCH --account=" << s.account << "\n";
  if (!s.qos.empty()) o << "#SBATCH --qos=" << s.qos << "\n";
  if (!s.mem_per_cpu.empty()) o << "#SBATCH --mem-per-cpu=" << s.mem_per_cpu << "\n";
  if (ranks) {
    if (s.signal_seconds > 0) o << "#SBATCH --signal=USR1@" << s.signal_seconds << "\n";
    o << (s.requeue ? "#SBATCH --requeue\n" : "#SBATCH --no-requeue\n");
  }
  o << "#SBATCH --chdir=" << sbatch_path(job.workdir) << "\n";
  // A requeued job appends to its log instead of truncating the first attempt's.
  o << "#SBATCH --open-mode=append\n";
  o << "#SBATCH --output=" << output << "\n";
  return o.str();
}

std::string environment_lines(const SlurmJob& job) {
  std::ostringstream o;
  o << "set -uo pipefail\n";
  for (const auto& line : job.slurm.setup) o << line << "\n";
  o << "# One torch thread per CPU of a rank.\n";
  o << "export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n";
  return o.str();
}

// Seconds a unit in progress may go on after the warning signal: half of the warning, so that
// the merge of the finished units fits in the rest.
std::int64_t grace_seconds(const SlurmSettings& s) { return s.signal_seconds > 0 ? std::max<std::int64_t>(1, s.signal_seconds / 2) : 60; }

// srun of every rank; `out` and `slice` are shell words (already quoted or variables).
std::string run_lines(const SlurmJob& job, const std::string& out, const std::string& slice) {
  std::ostringstream o;
  o << "srun --mpi=pmix " << shell_quote(job.slurm.vaesweep) << " run " << shell_quote(job.study_file.string())
    << " --out " << out << " --resume --grace " << grace_seconds(job.slurm);
  if (!slice.empty()) o << " --slice " << slice;
  for (const auto& set : job.overrides) o << " --set " << shell_quote(set);
  // The root the submitter's studies resolved against, so that a node's environment cannot
  // point the job at another copy of the data.
  if (!job.data_root.empty()) o << " --data-root " << shell_quote(job.data_root.string());
  o << "\n";
  o << "status=$?\n";
  if (job.slurm.requeue) {
    o << "if [ \"$status\" -eq 75 ]; then\n"
      << "  # Stopped before the end (time limit warning or preemption): the finished units are in the\n"
      << "  # results; run again, --resume does the rest.\n"
      << "  echo \"vaesweep stopped before the end (exit 75): requeueing job $SLURM_JOB_ID\"\n"
      << "  scontrol requeue \"$SLURM_JOB_ID\"\n"
      << "fi\n";
  }
  o << "exit \"$status\"\n";
  return o.str();
}

std::string render_mpi_job(const SlurmJob& job) {
  const SlurmSettings& s = job.slurm;
  const std::string out = job.out.string();
  std::ostringstream o;
  o << "#!/bin/bash\n"
    << "# vaesweep study \"" << job.study_name << "\" (" << job.grid_units << " units) as one MPI job: "
    << s.nodes << " node(s) x " << s.ntasks_per_node << " rank(s), " << s.cpus_per_task << " CPU(s) per rank"
    << (s.gpus_per_node > 0 ? ", " + std::to_string(s.gpus_per_node) + " GPU(s) per node (rank i of a node takes GPU i mod " +
                                   std::to_string(s.gpus_per_node) + ")"
                             : "")
    << ".\n"
    << (s.gpus_per_node > 0 ? "# On the GPUs, model.engine = \"auto\" (the default) trains stacks of models (the stacked "
                              "engine); clustering and scoring run on each rank's CPUs.\n"
                            : "")
    << "# Rendered by `vaesweep slurm`; submit with: sbatch THIS_FILE\n"
    << "# Results: " << out << " (log: " << out << ".slurm-<job id>.log).\n"
    << "# Every attempt runs with --resume: a requeued or resubmitted job runs only the units without a record.\n";
  if (s.signal_seconds > 0)
    o << "# SIGUSR1 " << s.signal_seconds << " s before the time limit: no new units, the unit in progress gets "
      << grace_seconds(s) << " s, the finished ones are merged, exit 75" << (s.requeue ? ", and the job requeues itself" : "")
      << ".\n";
  o << sbatch_lines(job, job_name(job.study_name), sbatch_path(out) + ".slurm-%j.log", true);
  o << environment_lines(job);
  o << run_lines(job, shell_quote(out), "");
  return o.str();
}

std::string render_array_submission(const SlurmJob& job) {
  const SlurmSettings& s = job.slurm;
  const std::size_t slices = static_cast<std::size_t>(s.array);
  const auto chunks = array_chunks(slices, static_cast<std::size_t>(s.max_array_size));
  const std::string out = job.out.string();
  const std::string parts = out + ".parts";
  const std::string name = job_name(job.study_name);
  const std::string n = std::to_string(slices);
  std::ostringstream o;
  o << "#!/bin/bash\n"
    << "# vaesweep study \"" << job.study_name << "\" (" << job.grid_units << " units) as a job array of " << n
    << " slices, then a merge.\n"
    << "# Rendered by `vaesweep slurm`; run it (it calls sbatch): bash THIS_FILE\n"
    << "# Array task i runs `vaesweep run --slice i/" << n << "` (the grid units whose index is i mod " << n
    << ") into\n# " << parts << "/slice-<i>.h5, with --resume (a requeued task continues its slice).\n"
    << "# The array is submitted in " << chunks.size() << " chunk(s) of at most " << s.max_array_size
    << " tasks (slurm.max_array_size, the cluster's MaxArraySize);\n"
    << "# a chunk's task id plus its offset is the slice. The merge job waits for every chunk (afterany),\n"
    << "# writes " << out << " with `vaesweep merge` and fails, naming the slices, when some are missing.\n"
    << "set -euo pipefail\n"
    << "parts=" << shell_quote(parts) << "\n"
    << "mkdir -p \"$parts\"\n"
    << "\n"
    << "# The sbatch script of the tasks of one chunk; $1: the chunk's first slice.\n"
    << "array_task() {\n"
    << "  cat <<'VAESWEEP_TASK'\n"
    << "#!/bin/bash\n"
    << sbatch_lines(job, name, sbatch_path(parts) + "/slurm-%A_%a.log", true)
    << environment_lines(job)
    << "VAESWEEP_TASK\n"
    << "  echo \"offset=$1\"\n"
    << "  cat <<'VAESWEEP_TASK'\n"
    << "slice=$((SLURM_ARRAY_TASK_ID + offset))\n"
    << "echo \"slice $slice/" << n << " of job $SLURM_JOB_ID (array $SLURM_ARRAY_JOB_ID, task $SLURM_ARRAY_TASK_ID)\"\n"
    << run_lines(job, shell_quote(parts) + "/slice-\"$slice\".h5", "\"$slice\"/" + n)
    << "VAESWEEP_TASK\n"
    << "}\n"
    << "\n"
    << "ids=()\n";
  for (const ArrayChunk& c : chunks) {
    o << "id=$(array_task " << c.offset << " | sbatch --parsable --array=0-" << c.count - 1 << ")\n"
      << "ids+=(\"${id%%;*}\")\n";
  }
  o << "dependency=afterany$(printf ':%s' \"${ids[@]}\")\n"
    << "merge_id=$(sbatch --parsable --dependency=\"$dependency\" <<'VAESWEEP_MERGE'\n"
    << "#!/bin/bash\n"
    << sbatch_lines(job, name + "-merge", sbatch_path(out) + ".merge-%j.log", false)
    << "set -uo pipefail\n";
  for (const auto& line : s.setup) o << line << "\n";
  o << "shopt -s nullglob\n"
    << "files=(" << shell_quote(parts) << "/slice-*.h5)\n"
    << "if [ \"${#files[@]}\" -eq 0 ]; then echo \"no slice finished: nothing in " << parts << "\" >&2; exit 1; fi\n"
    << shell_quote(s.vaesweep) << " merge \"${files[@]}\" --out " << shell_quote(out) << " --overwrite\n"
    << "VAESWEEP_MERGE\n"
    << ")\n"
    << "echo \"submitted array job(s) ${ids[*]} (" << n << " slices of " << job.grid_units
    << " units) and merge job ${merge_id%%;*} (writes " << out << ")\"\n";
  return o.str();
}

}  // namespace

std::int64_t slurm_time_seconds(const std::string& text, const std::string& origin) {
  const auto bad = [&](const std::string& why) -> UserError {
    return UserError(origin + ": slurm.time: expected " + kTimeFormats + ", got \"" + text + "\"" +
                     (why.empty() ? "" : " (" + why + ")"));
  };
  std::string rest = text;
  std::int64_t days = -1;
  if (const auto dash = rest.find('-'); dash != std::string::npos) {
    if (!all_digits(rest.substr(0, dash))) throw bad("");
    days = std::stoll(rest.substr(0, dash));
    rest = rest.substr(dash + 1);
  }
  const std::vector<std::string> fields = split(rest, ':');
  if (fields.empty() || fields.size() > 3) throw bad("");
  std::vector<std::int64_t> v;
  for (const auto& f : fields) {
    if (!all_digits(f)) throw bad("");
    v.push_back(std::stoll(f));
  }
  std::int64_t seconds = 0;
  if (days >= 0) {  // D-H, D-H:M, D-H:M:S
    if (v[0] > 23) throw bad("hours after the day must be below 24");
    for (std::size_t i = 1; i < v.size(); ++i)
      if (v[i] > 59) throw bad("minutes and seconds must be below 60");
    seconds = days * 86400 + v[0] * 3600 + (v.size() > 1 ? v[1] * 60 : 0) + (v.size() > 2 ? v[2] : 0);
  } else if (v.size() == 1) {  // M
    seconds = v[0] * 60;
  } else if (v.size() == 2) {  // M:S
    if (v[1] > 59) throw bad("seconds must be below 60");
    seconds = v[0] * 60 + v[1];
  } else {  // H:M:S
    if (v[1] > 59 || v[2] > 59) throw bad("minutes and seconds must be below 60");
    seconds = v[0] * 3600 + v[1] * 60 + v[2];
  }
  if (seconds <= 0) throw bad("a job needs a time limit above zero");
  return seconds;
}

SlurmSettings resolve_slurm_settings(const Settings& study, const std::vector<SlurmFlag>& flags) {
  std::map<std::string, Setting> values;  // key without "slurm." -> value and where it came from
  for (const auto& spec : study_keys()) {
    if (spec.key.rfind("slurm.", 0) != 0) continue;
    const auto it = study.find(spec.key);
    values[spec.key.substr(6)] = it == study.end() ? Setting{spec.default_value, "default"} : it->second;
  }
  for (const SlurmFlag& f : flags) {
    const KeySpec* spec = find_key("slurm." + f.key);
    VAESWEEP_ASSERT(spec != nullptr, "no key slurm." + f.key);
    Value value = f.value;
    if (auto err = check_value(*spec, value)) throw UserError(f.flag + ": " + *err);
    values[f.key] = Setting{std::move(value), f.flag};
  }
  SlurmSettings s;
  s.partition = values.at("partition").value.as_string();
  s.account = values.at("account").value.as_string();
  s.qos = values.at("qos").value.as_string();
  s.time = values.at("time").value.as_string();
  s.nodes = values.at("nodes").value.as_int();
  s.ntasks_per_node = values.at("ntasks_per_node").value.as_int();
  s.cpus_per_task = values.at("cpus_per_task").value.as_int();
  s.gpus_per_node = values.at("gpus_per_node").value.as_int();
  s.mem_per_cpu = values.at("mem_per_cpu").value.as_string();
  s.array = values.at("array").value.as_int();
  s.max_array_size = values.at("max_array_size").value.as_int();
  s.signal_seconds = values.at("signal_seconds").value.as_int();
  s.requeue = values.at("requeue").value.as_bool();
  for (const auto& line : values.at("setup").value.as_list()) s.setup.push_back(line.as_string());
  s.vaesweep = values.at("vaesweep").value.as_string();

  const std::int64_t limit = slurm_time_seconds(s.time, values.at("time").origin);
  if (s.signal_seconds >= limit)
    throw UserError(values.at("signal_seconds").origin + ": slurm.signal_seconds: the warning signal (" +
                    std::to_string(s.signal_seconds) + " s before the end) must come after the start of the job: "
                    "expected less than the time limit " + s.time + " (" + std::to_string(limit) + " s)");
  for (const char* key : {"partition", "account", "qos", "mem_per_cpu"}) {
    const std::string& v = values.at(key).value.as_string();
    if (std::any_of(v.begin(), v.end(), [](unsigned char c) { return std::isspace(c) || c == '\'' || c == '"'; }))
      throw UserError(values.at(key).origin + ": slurm." + key + ": expected a name without spaces or quotes, got \"" +
                      v + "\"");
  }
  return s;
}

std::vector<ArrayChunk> array_chunks(std::size_t slices, std::size_t max_array_size) {
  VAESWEEP_ASSERT(max_array_size > 0, "max_array_size 0");
  std::vector<ArrayChunk> chunks;
  for (std::size_t offset = 0; offset < slices; offset += max_array_size)
    chunks.push_back({offset, std::min(max_array_size, slices - offset)});
  return chunks;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string render_slurm_script(const SlurmJob& job) {
  VAESWEEP_ASSERT(!job.slurm.vaesweep.empty(), "the vaesweep binary of the job is not filled in");
  if (job.slurm.array > 0 && static_cast<std::size_t>(job.slurm.array) > job.grid_units)
    throw UserError("slurm.array: a job array of " + std::to_string(job.slurm.array) + " slices for a grid of " +
                    std::to_string(job.grid_units) + " units would leave slices without a unit; expected at most " +
                    std::to_string(job.grid_units) + " (--array " + std::to_string(job.grid_units) + ")");
  return job.slurm.array > 0 ? render_array_submission(job) : render_mpi_job(job);
}

}  // namespace vaesweep::sweep
