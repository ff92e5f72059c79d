#!/usr/bin/env bash
# Installs the Debian 12 packages vaesweep needs to build, test and run. Idempotent: installs
# only what is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git
  libtorch-dev libopenblas0-openmp          # without the OpenMP OpenBLAS, LibTorch uses the reference BLAS (~16x slower)
  libblas-dev                               # cblas.h and libblas.so (OpenBLAS through alternatives): the batched engine
  libopenmpi-dev openmpi-bin
  libhdf5-dev
  libeigen3-dev libtomlplusplus-dev libboost-program-options-dev
  libgtest-dev googletest
  libsndfile1-dev libfftw3-dev libsamplerate0-dev libsoxr-dev libcsv-dev libssl-dev libspectra-dev
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev   # decoding AAC/M4A, WMA, ... (audio/ffmpeg_decode)
  ffmpeg                                    # tests make MP3/M4A/Opus/... fixtures from WAVs with its CLI; bench/
  nlohmann-json3-dev                        # JSON output (vaesweep rank --format json)
  clang-14 libclang-rt-14-dev llvm-14      # the sanitizer tree and libFuzzer (fuzz/); llvm-14's symbolizer names the lines in sanitizer reports
  python3-numpy python3-scipy python3-sklearn python3-h5py python3-pandas python3-matplotlib   # reference values in tests; analysis/
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
