# Shared helpers for the end-to-end tests (sourced, not run: it has no test of its own).
# Arguments of every test: VAESWEEP_BIN PROJECT_DIR SHARED_DATA_DIR MPIEXEC
set -uo pipefail
VAESWEEP=$1
PROJECT=$2
SHARED_DATA=$3
MPIEXEC=${4:-mpirun}
# The studies under sweeps/ name their data "{data_root}/...": the data passed to the test.
if [ -d "$SHARED_DATA" ]; then export VAESWEEP_DATA=$SHARED_DATA; fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vaesweep-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
failures=0
passes=0

pass() { passes=$((passes + 1)); echo "ok: $*"; }
fail() { failures=$((failures + 1)); echo "FAILED: $*"; }

# expect_failure NAME EXPECTED_EXIT PATTERN -- command...: exit code and a message on stderr.
expect_failure() {
  local name=$1 code=$2 pattern=$3
  shift 4
  "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
  local rc=$?
  if [ "$rc" -ne "$code" ]; then
    fail "$name: exit $rc, expected $code; stderr: $(cat "$WORK/err.txt")"
  elif ! grep -qE -- "$pattern" "$WORK/err.txt"; then
    fail "$name: stderr does not match /$pattern/: $(cat "$WORK/err.txt")"
  else
    pass "$name ($(head -c 160 "$WORK/err.txt" | tr '\n' ' '))"
  fi
}

# opens NAME PATTERN -- command...: runs the command (it must succeed) with ld.so's file log and
# succeeds when a file matching PATTERN was opened (status 2 when the command failed).
opens() {
  local name=$1 pattern=$2
  shift 3
  rm -f "$WORK/ld.$name".*
  if ! LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/ld.$name" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"; then
    fail "$name: exit $?: $(cat "$WORK/err.txt")"
    return 2
  fi
  grep -q "file=[^ ]*$pattern" "$WORK/ld.$name".*
}

python_h5() {
  if ! /usr/bin/python3 -c "import h5py, numpy" 2>/dev/null; then
    echo "skipped: /usr/bin/python3 with h5py is needed to read results in this test"
    exit 77
  fi
  /usr/bin/python3 "$@"
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
