#!/usr/bin/env bash
# Resampling a 30-s clip from 44.1 to 22.05 kHz, one thread: vaesweep's three resamplers
# (bench_resample) and scipy.signal.resample_poly (resample_scipy_peer.py) in the same run, on
# the same clips (the GTZAN clips upsampled to 44.1 kHz). Prints CPU seconds per clip.
# Builds nothing: build the bench_resample target first (cmake -DVAESWEEP_BUILD_BENCH=ON).
#
#   bench/run_resample_bench.sh [BENCH_RESAMPLE] [AUDIO_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${1:-$root/build/bench/bench_resample}"
audio_dir="${2:-$root/../shared/data/audio/gtzan-mini}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
echo "host: $(uname -n), $(nproc --all) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" "$audio_dir"
/usr/bin/python3 "$root/bench/resample_scipy_peer.py" "$audio_dir"
