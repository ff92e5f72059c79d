#!/usr/bin/env bash
# The device check of the stacked engine: bench/gpu/check.sh OUTDIR [--cpu]
# Configures the slim build (bench/gpu/CMakeLists.txt: the models library and bench_stacked;
# LibTorch from $Torch_DIR or an installed PyTorch's CMake prefix, Eigen from the system or
# bench/gpu/deps, see gather-deps.sh), checks a member's CPU-vs-CUDA equivalence in float64
# (1e-9), times the stacked engine (MLP VAE on the real table, 50 epochs, M = 1, 16, 128,
# 1024; conv 2-D VAE on 10,000 random 128 x 128 images, 5 epochs, M = 1, 8, 32; median of 3)
# beside the PyTorch peers on the same device (one model at a time; torch.func ensembling),
# and writes one table to OUTDIR/table.md. Sized for under 8 minutes on one H100-class GPU.
# --cpu: the same on the CPU with small sizes (CTest runs it, so the script cannot rot).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: bench/gpu/check.sh OUTDIR [--cpu]}
mode=${2:-gpu}
mkdir -p "$out"
out=$(cd "$out" && pwd)
table=${VAESWEEP_TABLE:-$root/../shared/data/features/gtzan_banglabeats_30s.csv}
if [ ! -f "$table" ]; then
  # No real table beside the checkout: a synthetic one of the same shape (2,617 x 57).
  table=$out/synthetic_table.csv
  python=$(command -v /usr/bin/python3 || command -v python3)
  "$python" - "$table" <<'PY'
import random, sys
random.seed(5)
with open(sys.argv[1], "w") as f:
    f.write(",".join(f"f{j}" for j in range(57)) + "\n")
    for i in range(2617):
        f.write(",".join(f"{random.gauss(i % 10, 1.0):.5f}" for _ in range(57)) + "\n")
PY
fi

python=$(command -v python3)
[ -x /usr/bin/python3 ] && [ "$mode" = "--cpu" ] && python=/usr/bin/python3
if [ -z "${Torch_DIR:-}" ]; then
  prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)
  [ -n "$prefix" ] && export Torch_DIR=$prefix/Torch
fi
build=${VAESWEEP_GPU_BUILD:-$root/build-gpu-check}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}  # as scripts/build.sh: clones share the cache
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release ${Torch_DIR:+-DTorch_DIR="$Torch_DIR"} >"$out/configure.log" 2>&1 ||
  { cat "$out/configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" >"$out/build.log" 2>&1 || { tail -50 "$out/build.log"; exit 1; }

if [ "$mode" = "--cpu" ]; then
  device=cpu
  sizes=(--mlp-members 1,4 --mlp-epochs 2 --conv-members 1,2 --conv-rows 64 --conv-size 16 --conv-epochs 1 --repeats 1)
  peer_sizes=(--members 1,4 --epochs 2 --conv-members 1,2 --conv-rows 64 --conv-size 16 --conv-epochs 1 --repeats 1)
else
  device=cuda
  sizes=(--mlp-members 1,16,128,1024 --mlp-epochs 50 --conv-members 1,8,32 --conv-rows 10000 --conv-size 128 --conv-epochs 5 --repeats 3)
  peer_sizes=(--members 1,16,128,1024 --epochs 50 --conv-members 1,8,32 --conv-rows 10000 --conv-size 128 --conv-epochs 5 --repeats 3)
fi
status=0
"$build/bench_stacked" --device "$device" --table "$table" --out "$out" "${sizes[@]}" | tee "$out/stacked.txt" || status=1
"$python" "$here/peer.py" --device "$device" --table "$table" --out "$out" "${peer_sizes[@]}" | tee "$out/peer.txt" || status=1
{
  echo "# vaesweep stacked engine: device check ($device, $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  grep '^equivalence' "$out/stacked.txt" || true
  echo
  cat "$out/stacked.md"
  cat "$out/peer.md"
  grep '^peer:' "$out/peer.txt" || true
} >"$out/table.md"
cat "$out/table.md"
exit $status
