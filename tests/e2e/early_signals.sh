#!/usr/bin/env bash
# Slurm's warning signal can come at any moment, the first second of a job included: `run`
# installs its stop handlers at the start of main, before MPI, LibTorch or the study are touched,
# and a stop asked that early ends the run with exit 75 (the job script's requeue code), not
# with death by the signal (exit 138 for SIGUSR1, 143 for SIGTERM). The test signals the moment
# the handler is in place (seen in /proc/PID/status, SigCgt), i.e. before MPI_Init, on one
# process and under mpirun.
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
finish
