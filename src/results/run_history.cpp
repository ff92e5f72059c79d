#include "results/run_history.hpp"

namespace vaesweep::results {

io::ColumnTable runs_table(const std::vector<RunRecord>& runs) {
  std::vector<std::string> id, hosts, job, array_job, array_task, outcome, sha;
  std::vector<double> started, ended;
  std::vector<std::int64_t> ranks, units;
  for (const RunRecord& r : runs) {
    id.push_back(r.run_id), hosts.push_back(r.hosts), job.push_back(r.slurm_job_id);
    array_job.push_back(r.slurm_array_job_id), array_task.push_back(r.slurm_array_task_id);
    outcome.push_back(r.outcome), sha.push_back(r.study_sha256);
    started.push_back(r.started_at), ended.push_back(r.ended_at);
    ranks.push_back(r.ranks), units.push_back(r.units);
  }
  io::ColumnTable t;
  t.add_column("run_id", std::move(id));
  t.add_column("started_at", std::move(started));
  t.add_column("ended_at", std::move(ended));
  t.add_column("ranks", std::move(ranks));
  t.add_column("hosts", std::move(hosts));
  t.add_column("slurm_job_id", std::move(job));
  t.add_column("slurm_array_job_id", std::move(array_job));
  t.add_column("slurm_array_task_id", std::move(array_task));
  t.add_column("outcome", std::move(outcome));
  t.add_column("units", std::move(units));
  t.add_column("study_sha256", std::move(sha));
  return t;
}

std::vector<RunRecord> runs_from_table(const io::ColumnTable& t) {
  std::vector<RunRecord> runs(t.rows());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    RunRecord& r = runs[i];
    r.run_id = t.strings("run_id")[i];
    r.started_at = t.doubles("started_at")[i];
    r.ended_at = t.doubles("ended_at")[i];
    r.ranks = t.ints("ranks")[i];
    r.hosts = t.strings("hosts")[i];
    r.slurm_job_id = t.strings("slurm_job_id")[i];
    r.slurm_array_job_id = t.strings("slurm_array_job_id")[i];
    r.slurm_array_task_id = t.strings("slurm_array_task_id")[i];
    r.outcome = t.strings("outcome")[i];
    r.units = t.ints("units")[i];
    r.study_sha256 = t.strings("study_sha256")[i];
  }
  return runs;
}

}  // namespace vaesweep::results
