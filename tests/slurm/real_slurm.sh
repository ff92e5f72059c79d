#!/usr/bin/env bash
# `vaesweep slurm` on a real Slurm: a throwaway one-node cluster on this machine (munged,
# slurmctld and slurmd from Debian's slurm-wlm, configured in a temporary folder with
# non-default ports; /etc/slurm is never read or written), then:
#  (a) the quickstart study as one MPI job of 2 tasks (srun --mpi=pmix): every unit once, all
#      ok, complete = 1, the Slurm job id recorded;
#  (b) the same as a job array of 3 slices with max_array_size 2 (two array submissions with
#      offsets) and the merge job: every unit once, the same config hashes and numbers as (a);
#  (c) a long run requeued with `scontrol requeue` while it runs: every unit once, two runs;
#  (d) a long run sent SIGUSR1 (what --signal does before the time limit): vaesweep exits 75,
#      the job requeues itself and resumes: every unit once, the first run "stopped (SIGUSR1)".
# Installs slurm-wlm and munge with apt-get when they are missing; skips (77) without root or
# apt, or when the daemons do not come up here. Stops only the daemons and jobs it started.
source "$(dirname "$0")/../e2e/lib.sh"
study="$PROJECT/sweeps/quickstart.toml"
short=(--set model.epochs=20)

skip() {
  echo "skipped: $*"
  exit 77
}

# --- Slurm and munge ----------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
  ! command -v munged >/dev/null; then
  [ "$(id -u)" -eq 0 ] || skip "slurm-wlm and munge are not installed and this is not root (apt-get install slurm-wlm munge)"
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
  echo "installing slurm-wlm and munge (apt-get)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge >apt.log 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update >>apt.log 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge >>apt.log 2>&1 ||
      skip "apt-get install slurm-wlm munge failed: $(tail -3 apt.log)"
  fi
fi
[ "$(id -u)" -eq 0 ] || skip "a private slurmd needs root here (it starts jobs as their user)"
python_h5 -c "pass"

S="$WORK/slurm"
mkdir -p "$S/state" "$S/spool" "$S/log" "$S/munge"
chmod 700 "$S/munge"
export SLURM_CONF="$S/slurm.conf"  # sbatch, squeue, scontrol and the daemons read this one only
daemons=()
cleanup() {
  if [ -n "${ctld_pid:-}" ]; then  # our jobs first, then our daemons, by their ids
    squeue -h -o %i 2>/dev/null | xargs -r scancel 2>/dev/null
    for _ in $(seq 1 20); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  for pid in "${daemons[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${daemons[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

dd if=/dev/urandom of="$S/munge/munge.key" bs=1024 count=1 status=none && chmod 400 "$S/munge/munge.key"
munged -F -f --key-file="$S/munge/munge.key" --socket="$S/munge/socket" --pid-file="$S/munge/munged.pid" \
  --log-file="$S/log/munged.log" --seed-file="$S/munge/seed" >"$S/log/munged.out" 2>&1 &
daemons+=($!)

# The machine's real CPUs and memory, under the node name localhost.
node=$(slurmd -C 2>/dev/null | head -1 | sed 's/^NodeName=[^ ]*/NodeName=localhost/')
[ -n "$node" ] || skip "slurmd -C printed nothing"
cat >"$SLURM_CONF" <<EOF
ClusterName=vaesweeptest
SlurmctldHost=localhost
SlurmctldPort=26817
SlurmdPort=26818
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/socket,cred_expire=10
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=pmix
JobRequeue=1
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
KillWait=10
MinJobAge=600
$node
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
sleep 1
slurmctld -D -c -f "$SLURM_CONF" >"$S/log/slurmctld.out" 2>&1 &
daemons+=($!)
ctld_pid=$!
slurmd -D -N localhost -f "$SLURM_CONF" >"$S/log/slurmd.out" 2>&1 &
daemons+=($!)

for _ in $(seq 1 60); do
  state=$(sinfo -h -N -o %T 2>/dev/null | head -1)
  [ "$state" = "idle" ] && break
  sleep 1
done
if [ "$state" != "idle" ]; then
  skip "the test cluster did not come up (node state '${state:-none}'): $(tail -3 "$S/log/slurmctld.log" "$S/log/slurmd.log" "$S/log/slurmd.out" 2>/dev/null | tr '\n' ' ')"
fi
pass "a one-node Slurm is up: $(sinfo -h -N -o '%N %T %c CPUs %m MB')"

# --- helpers ------------------------------------------------------------------------------------
job_field() { scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }

wait_job() {  # wait_job ID SECONDS: prints the final state
  local state
  for _ in $(seq 1 "$2"); do
    state=$(job_field "$1" JobState)
    # A requeued job waits (Reason=BeginTime) until the first attempt's credential has expired:
    # cred_expire, 10 s in this cluster's slurm.conf (120 s by default). Forcing an earlier start
    # fails the launch ("Job credential revoked": the job ends FAILED, seen twice in CI).
    case "$state" in
      COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
        echo "$state"
        return
        ;;
    esac
    sleep 1
  done
  echo "still ${state:-unknown} after $2 s"
}

done_units() { "$VAESWEEP" status "$1" 2>/dev/null | sed -n 's/^  done \([0-9]*\)\/.*/\1/p'; }

show_logs() { tail -n 20 "$@" 2>/dev/null | sed 's/^/    /'; }

show_job() {  # what Slurm itself says about a job that ended unexpectedly
  scontrol show job "$1" 2>/dev/null | sed 's/^/    scontrol: /'
  grep -hE "JobId=$1([^0-9]|$)|job $1([^0-9]|$)|StepId=$1\\." "$S/log/slurmctld.log" "$S/log/slurmd.log" 2>/dev/null |
    tail -n 30 | sed 's/^/    log: /'
}

# --- (a) one MPI job of 2 tasks -------------------------------------------------------------------
"$VAESWEEP" slurm "$study" "${short[@]}" --ntasks-per-node 2 --time 10 --signal-seconds 30 --out "$WORK/mpi.h5" \
  >mpi_job.sh 2>err.txt || fail "vaesweep slurm (MPI): $(cat err.txt)"
job=$(sbatch --parsable mpi_job.sh 2>err.txt) || fail "sbatch mpi_job.sh: $(cat err.txt)"
state=$(wait_job "$job" 240)
[ "$state" = COMPLETED ] && pass "MPI job $job: $state" || { fail "MPI job $job: $state"; show_logs "$WORK"/mpi.h5.slurm-*.log; }
JOB=$job python_h5 - <<'PY' && pass "(a) every unit once, all ok, complete, 2 ranks, Slurm job id recorded" ||
import h5py, os, sys
with h5py.File("mpi.h5") as f:
    u = f["units"]
    hashes = [h.decode() for h in u["config_hash"]]
    a = f.attrs
    runs = f["runs"]
    print(len(hashes), len(set(hashes)), set(s.decode() for s in u["status"]), a["complete"], a["mpi_size"],
          a["slurm_job_id"], [r.decode() for r in runs["slurm_job_id"]])
    ok = (len(hashes) == a["units_in_grid"] == 18 and len(set(hashes)) == 18 and set(u["status"]) == {b"ok"}
          and a["complete"] == 1 and a["mpi_size"] == 2 and a["slurm_job_id"] == os.environ["JOB"]
          and [r.decode() for r in runs["slurm_job_id"]] == [os.environ["JOB"]] and sorted(set(u["rank"])) == [0, 1])
    sys.exit(0 if ok else 1)
PY
  { fail "(a) the results of the MPI job"; show_logs "$WORK"/mpi.h5.slurm-*.log; }

# --- (b) a job array of 3 slices, at most 2 per array: two submissions, then the merge -------------
"$VAESWEEP" slurm "$study" "${short[@]}" --array 3 --max-array-size 2 --time 10 --out "$WORK/array.h5" \
  >array_job.sh 2>err.txt || fail "vaesweep slurm (array): $(cat err.txt)"
bash array_job.sh >submit.txt 2>&1 || fail "bash array_job.sh: $(cat submit.txt)"
merge_job=$(sed -n 's/.* merge job \([0-9]*\) .*/\1/p' submit.txt)
[ "$(grep -c -- '--array=' array_job.sh)" -eq 2 ] && pass "the array went in 2 submissions: $(cat submit.txt)" ||
  fail "array submissions: $(cat submit.txt)"
state=$(wait_job "${merge_job:-0}" 300)
[ "$state" = COMPLETED ] && pass "merge job $merge_job: $state" ||
  { fail "merge job ${merge_job:-?}: $state"; show_logs "$WORK"/array.h5.merge-*.log "$WORK"/array.h5.parts/slurm-*.log; }
python_h5 - <<'PY' && pass "(b) merged slices: every unit once, the MPI job's config hashes, complete, 3 array tasks" ||
import h5py, sys
with h5py.File("array.h5") as f, h5py.File("mpi.h5") as g:
    hashes = [h.decode() for h in f["units"]["config_hash"]]
    runs = f["runs"]
    tasks = sorted(r.decode() for r in runs["slurm_array_task_id"])
    print(len(hashes), len(set(hashes)), f.attrs["complete"], tasks, len(set(runs["slurm_array_job_id"])))
    ok = (len(hashes) == 18 and set(hashes) == {h.decode() for h in g["units"]["config_hash"]}
          and f.attrs["complete"] == 1 and len(runs) == 3 and tasks == ["0", "0", "1"]
          and len(set(runs["slurm_array_job_id"])) == 2)
    sys.exit(0 if ok else 1)
PY
  fail "(b) the merged array results"
python_h5 "$PROJECT/tests/e2e/compare_results.py" mpi.h5 array.h5 &&
  pass "(b) the array's numbers equal the MPI job's" || fail "(b) the array's numbers differ from the MPI job's"

# --- (c) requeued from outside while running ----------------------------------------------------------
# noop units sleep instead of training: 16 units of 1 s on 2 ranks, long enough to interrupt.
slow=(--set 'grid.model=["noop"]' --set model.noop_seconds=1 --set 'grid.seed=[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]')
"$VAESWEEP" slurm "$study" "${slow[@]}" --ntasks-per-node 2 --time 10 --signal-seconds 30 --out "$WORK/requeue.h5" \
  >requeue_job.sh 2>err.txt || fail "vaesweep slurm (requeue): $(cat err.txt)"
job=$(sbatch --parsable requeue_job.sh 2>err.txt) || fail "sbatch requeue_job.sh: $(cat err.txt)"
requeued=
for _ in $(seq 1 600); do
  n=$(done_units "$WORK/requeue.h5")
  if [ -n "$n" ] && [ "$n" -ge 4 ]; then
    scontrol requeue "$job" && requeued=$n
    break
  fi
  [ "$(job_field "$job" JobState)" = COMPLETED ] && break
  sleep 0.2
done
[ -n "$requeued" ] && pass "requeued job $job with $requeued units done" || fail "(c) could not requeue job $job in time"
state=$(wait_job "$job" 240)
restarts=$(job_field "$job" Restarts)
[ "$state" = COMPLETED ] && [ "${restarts:-0}" -ge 1 ] && pass "requeued job $job: $state after $restarts restart(s)" ||
  { fail "requeued job $job: $state, restarts ${restarts:-?}"; show_logs "$WORK"/requeue.h5.slurm-*.log; show_job "$job"; }
python_h5 - <<'PY' && pass "(c) after the requeue: every unit once, all ok, complete, two runs" ||
import h5py, sys
with h5py.File("requeue.h5") as f:
    hashes = [h.decode() for h in f["units"]["config_hash"]]
    runs = f["runs"]
    outcomes = [o.decode() for o in runs["outcome"]]
    print(len(hashes), f.attrs["units_in_grid"], outcomes, list(runs["units"]))
    ok = (len(hashes) == len(set(hashes)) == f.attrs["units_in_grid"] and set(f["units"]["status"]) == {b"ok"}
          and f.attrs["complete"] == 1 and len(runs) == 2 and outcomes[-1] == "complete"
          and sum(runs["units"]) == len(hashes) and len(set(runs["slurm_job_id"])) == 1)
    sys.exit(0 if ok else 1)
PY
  { fail "(c) the requeued results"; show_logs "$WORK"/requeue.h5.slurm-*.log; }

# --- (d) SIGUSR1 (the time-limit warning): exit 75, the job requeues itself and resumes ----------
"$VAESWEEP" slurm "$study" "${slow[@]}" --ntasks-per-node 2 --time 10 --signal-seconds 30 --out "$WORK/signal.h5" \
  >signal_job.sh 2>err.txt || fail "vaesweep slurm (signal): $(cat err.txt)"
job=$(sbatch --parsable signal_job.sh 2>err.txt) || fail "sbatch signal_job.sh: $(cat err.txt)"
signalled=
for _ in $(seq 1 600); do
  n=$(done_units "$WORK/signal.h5")
  if [ -n "$n" ] && [ "$n" -ge 4 ]; then
    scancel --signal=USR1 "$job" && signalled=$n
    break
  fi
  [ "$(job_field "$job" JobState)" = COMPLETED ] && break
  sleep 0.2
done
[ -n "$signalled" ] && pass "sent SIGUSR1 to the ranks of job $job with $signalled units done" ||
  fail "(d) could not signal job $job in time"
state=$(wait_job "$job" 240)
restarts=$(job_field "$job" Restarts)
[ "$state" = COMPLETED ] && [ "${restarts:-0}" -ge 1 ] && grep -q "requeueing job $job" "$WORK"/signal.h5.slurm-*.log &&
  pass "job $job requeued itself after exit 75 and completed ($restarts restart(s))" ||
  { fail "signalled job $job: $state, restarts ${restarts:-?}"; show_logs "$WORK"/signal.h5.slurm-*.log; show_job "$job"; }
python_h5 - <<'PY' && pass "(d) after the self-requeue: every unit once, complete, runs: stopped (SIGUSR1) then complete" ||
import h5py, sys
with h5py.File("signal.h5") as f:
    hashes = [h.decode() for h in f["units"]["config_hash"]]
    outcomes = [o.decode() for o in f["runs"]["outcome"]]
    print(len(hashes), f.attrs["units_in_grid"], outcomes)
    ok = (len(hashes) == len(set(hashes)) == f.attrs["units_in_grid"] and f.attrs["complete"] == 1
          and outcomes == ["stopped (SIGUSR1)", "complete"])
    sys.exit(0 if ok else 1)
PY
  { fail "(d) the signalled results"; show_logs "$WORK"/signal.h5.slurm-*.log; }

# --- (e) the hand-written templates in slurm/: an array of 3 slices, then merge.sbatch -----------
export VAESWEEP
a=$(sbatch --parsable --array=0-2 "$PROJECT/slurm/array_run.sbatch" "$study" "$WORK/by_hand.h5" 3 0 "${short[@]}" \
  2>err.txt) || fail "sbatch slurm/array_run.sbatch: $(cat err.txt)"
m=$(sbatch --parsable --dependency="afterany:$a" "$PROJECT/slurm/merge.sbatch" "$WORK/by_hand.h5" 2>err.txt) ||
  fail "sbatch slurm/merge.sbatch: $(cat err.txt)"
state=$(wait_job "${m:-0}" 300)
[ "$state" = COMPLETED ] && python_h5 "$PROJECT/tests/e2e/compare_results.py" mpi.h5 by_hand.h5 &&
  pass "(e) slurm/array_run.sbatch + slurm/merge.sbatch: the MPI job's units and numbers" ||
  { fail "(e) the templates: merge job ${m:-?} $state"; show_logs vaesweep-*.log; }
finish
