#!/usr/bin/env bash
# Slurm's warning signal can come at any moment, the first second of a job included: `run`
# installs its stop handlers at the start of main, before MPI, LibTorch or the study are touched,
# and a stop asked that early ends the run with exit 75 (the job script's requeue code), not
# with death by the signal (exit 138 for SIGUSR1, 143 for SIGTERM). The test signals the moment
# the handler is in place (seen in /proc/PID/status, SigCgt), i.e. before MPI_Init, on one
# process and under mpirun. Last, SIGTERM to mpirun in the middle of a run (what `scancel` and
# an operator's kill do): mpirun itself exits 1 whatever the ranks do, and may kill them during
# the merge, so what must hold is that `status` says the run was stopped by SIGTERM ("stopped
# (SIGTERM)" when the merge was written, "interrupted (after SIGTERM)" when it was killed) and
# that `--resume` finishes every unit.
source "$(dirname "$0")/lib.sh"
study="$PROJECT/sweeps/quickstart.toml"
slow=(--set 'grid.model=["noop"]' --set model.noop_seconds=1 --set 'grid.seed=[1,2,3,4,5,6,7,8]')

# True when process $1 catches signal $2 (its SigCgt mask has bit $2 - 1).
catches() {
  local mask
  mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$mask" ] && (((16#$mask >> ($2 - 1)) & 1))
}

# wait_for_handlers SIGNAL PID...: until each process catches SIGNAL (at most 20 s).
wait_for_handlers() {
  local signal=$1
  shift
  for _ in $(seq 1 400); do
    local all=1
    for pid in "$@"; do catches "$pid" "$signal" || all=0; done
    [ "$all" -eq 1 ] && return 0
    sleep 0.05
  done
  return 1
}

for signal in USR1 TERM; do
  number=$(kill -l "$signal")
  "$VAESWEEP" run "$study" "${slow[@]}" --out "one_$signal.h5" >"one_$signal.txt" 2>&1 &
  pid=$!
  wait_for_handlers "$number" "$pid" || fail "SIG$signal: the handler never appeared in /proc/$pid/status"
  kill "-$signal" "$pid"
  wait "$pid"
  rc=$?
  [ "$rc" -eq 75 ] && grep -q "stopped by a signal" "one_$signal.txt" &&
    pass "SIG$signal as soon as the handler is in (before MPI starts): exit 75" ||
    fail "early SIG$signal: exit $rc: $(tail -3 "one_$signal.txt")"
done

# Under mpirun: SIGUSR1 to mpirun (it forwards it to the ranks) once both ranks have their handler.
"$MPIEXEC" -n 2 --oversubscribe "$VAESWEEP" run "$study" "${slow[@]}" --out mpi.h5 >mpi.txt 2>&1 &
launcher=$!
ranks=()
for _ in $(seq 1 400); do
  mapfile -t ranks < <(pgrep -f "vaesweep run $study" | grep -vx "$launcher")
  [ "${#ranks[@]}" -ge 2 ] && break
  sleep 0.05
done
if [ "${#ranks[@]}" -ge 2 ] && wait_for_handlers 10 "${ranks[@]}"; then
  kill -USR1 "$launcher"
  wait "$launcher"
  rc=$?
  [ "$rc" -eq 75 ] && pass "SIGUSR1 to mpirun as soon as both ranks have the handler: exit 75" ||
    fail "early SIGUSR1 under mpirun: exit $rc: $(tail -5 mpi.txt)"
else
  kill "$launcher" 2>/dev/null
  wait "$launcher"
  fail "under mpirun: the ranks or their handlers never appeared (${ranks[*]})"
fi

# SIGTERM to mpirun mid-run: once the ranks are training (the feature table is built), a few
# units into a run of 12 one-second units.
twelve=(--set 'grid.model=["noop"]' --set model.noop_seconds=1
  --set 'grid.seed=[1,2,3,4,5,6,7,8,9,10,11,12]')
"$MPIEXEC" -n 2 --oversubscribe "$VAESWEEP" run "$study" "${twelve[@]}" --out term.h5 >term.txt 2>&1 &
launcher=$!
for _ in $(seq 1 600); do grep -q "features: .* rows" term.txt && break; sleep 0.05; done
sleep 2
kill -TERM "$launcher"
wait "$launcher"
echo "mpirun exit after SIGTERM: $?"
"$VAESWEEP" status term.h5 >term_status.txt 2>&1
after_term='stopped \(SIGTERM\)|interrupted \(after SIGTERM\)'
grep -Eq "$after_term" term_status.txt &&
  pass "SIGTERM to mpirun mid-run: status says $(grep -Eo "($after_term).*" term_status.txt | head -1)" ||
  fail "SIGTERM to mpirun mid-run: status does not say stopped (SIGTERM): $(cat term_status.txt) / $(cat term.txt)"
"$MPIEXEC" -n 2 --oversubscribe "$VAESWEEP" run "$study" "${twelve[@]}" --out term.h5 --resume >term_resume.txt 2>&1
rc=$?
"$VAESWEEP" status term.h5 >term_status.txt 2>&1
[ "$rc" -eq 0 ] && grep -q "done 12/12" term_status.txt && grep -Eq "$after_term" term_status.txt &&
  pass "--resume after SIGTERM to mpirun: all 12 units, the stopped run recorded as such" ||
  fail "--resume after SIGTERM to mpirun: exit $rc: $(cat term_status.txt)"
finish
