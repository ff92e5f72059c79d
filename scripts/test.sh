#!/usr/bin/env bash
# Builds (Release) and runs the tests.
#   scripts/test.sh            the whole suite with CTest: README's second command, what CI runs
#   scripts/test.sh --quick    the unit tests only, as one process (a contributor's loop: about
#                              2 minutes once built; CTest would start one process per test)
#   scripts/test.sh -L LABEL   the tests of one CTest label: unit, mpi, e2e, slurm, bench,
#                              sanitize or fuzz (more CTest options may follow)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VAESWEEP_BUILD_DIR:-$root/build}
if [[ ${1:-} == --quick ]]; then
  shift
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$(nproc)" --target vaesweep_unit_tests
  OMP_NUM_THREADS=1 exec "$build/tests/vaesweep_unit_tests" "$@"
fi
"$root/scripts/build.sh"
ctest --test-dir "$build" --output-on-failure -j 2 "$@"
