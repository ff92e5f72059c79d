#!/usr/bin/env bash
# Configures and builds the sanitizer tree (fuzz/CMakeLists.txt: the torch-free library, its unit
# tests and the fuzz targets under ASan + UBSan) with clang into build/sanitize (or the folder
# given). CTest runs this as the fixture of the sanitize.* and fuzz.* tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/sanitize}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
CC=clang-14 CXX=clang++-14 cmake -S "$root/fuzz" -B "$build" -DCMAKE_BUILD_TYPE=Sanitize >/dev/null
cmake --build "$build" -j "${VAESWEEP_BUILD_JOBS:-$(nproc)}"
