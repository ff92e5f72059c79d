#!/usr/bin/env bash
# Copies the header-only dependencies of the slim GPU build (Eigen) from this machine into
# bench/gpu/deps (ignored by git), so that the checkout carries them to a machine with no
# package manager. Run it where Debian's libeigen3-dev is installed, before sending the tree.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -d /usr/include/eigen3/Eigen ] || { echo "gather-deps: /usr/include/eigen3 is missing (apt-get install libeigen3-dev)" >&2; exit 1; }
mkdir -p "$here/deps"
rm -rf "$here/deps/eigen3"
cp -r /usr/include/eigen3 "$here/deps/eigen3"
echo "gather-deps: Eigen $(sed -n 's/#define EIGEN_[A-Z]*_VERSION \([0-9]*\)/\1/p' /usr/include/eigen3/Eigen/src/Core/util/Macros.h | head -3 | paste -sd.) in $here/deps ($(du -sh "$here/deps" | cut -f1))"
