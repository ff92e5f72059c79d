#!/usr/bin/env bash
# Configures and builds vaesweep in Release into build/ (or $VAESWEEP_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VAESWEEP_BUILD_DIR:-$root/build}
# ccache hashes paths under this folder as relative ones, so that another clone of the project
# (CI's fresh one) finds what this one compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)"
