#!/usr/bin/env bash
# A full disk at any point of a run (journals, the merge, HDF5's own close): a clear error that
# names the full disk, exit 1 (never a crash: a SIGSEGV inside HDF5's exit handler, exit 139,
# before the fix), and the results file that was there before left byte for byte. The run
# writes into a 2 MB tmpfs filled to leave a few tens of KB; skipped (77) where a tmpfs cannot
# be mounted (not root, a container without the capability).
source "$(dirname "$0")/lib.sh"
study="$PROJECT/sweeps/quickstart.toml"
short=(--set model.epochs=5 --set 'grid.seed=[1]')
disk="$WORK/disk"
mkdir -p "$disk"
if ! mount -t tmpfs -o size=2m tmpfs "$disk" 2>/dev/null; then
  echo "skipped: cannot mount a tmpfs here (needs root and the mount capability)"
  exit 77
fi
trap 'umount "$disk" 2>/dev/null; rm -rf "$WORK"' EXIT

"$VAESWEEP" run "$study" "${short[@]}" --out before.h5 -q 2>before.txt || fail "the results to keep: $(cat before.txt)"
outcomes=()
for free in 16 32 48 64 96 128; do
  rm -rf "${disk:?}"/*
  cp before.h5 "$disk/r.h5"
  avail=$(df --output=avail -k "$disk" | tail -1)
  dd if=/dev/zero of="$disk/fill" bs=1k count=$((avail - free)) status=none 2>/dev/null
  "$VAESWEEP" run "$study" "${short[@]}" --set 'grid.model=["vae", "pca"]' --out "$disk/r.h5" --overwrite -q \
    >"full_$free.txt" 2>&1
  rc=$?
  outcomes+=("${free}k:$rc")
  if [ "$rc" -eq 0 ]; then
    continue  # enough room after all: the run finished
  elif [ "$rc" -ne 1 ]; then
    fail "${free} KB free: exit $rc (expected 0 or 1): $(tail -3 "full_$free.txt")"
  elif ! grep -q "No space left on device" "full_$free.txt"; then
    fail "${free} KB free: the error does not name the full disk: $(cat "full_$free.txt")"
  elif ! cmp -s before.h5 "$disk/r.h5"; then
    fail "${free} KB free: the results file that was there changed"
  else
    pass "${free} KB free: exit 1, $(grep -o '[^:]*: [^:]*No space left on device[^)]*)\?' "full_$free.txt" | head -1 | cut -c1-160); the old file intact"
  fi
done
# rank writes its table into a copy of the results file and renames it: a full disk in the copy
# or in HDF5's close leaves the file as it was.
size_kb=$(($(stat -c %s before.h5) / 1024))
for free in 16 $((size_kb + 8)) $((size_kb + 24)); do
  rm -rf "${disk:?}"/*
  cp before.h5 "$disk/r.h5"
  avail=$(df --output=avail -k "$disk" | tail -1)
  dd if=/dev/zero of="$disk/fill" bs=1k count=$((avail - free)) status=none 2>/dev/null
  "$VAESWEEP" rank "$disk/r.h5" --metric silhouette >"rank_$free.txt" 2>&1
  rc=$?
  outcomes+=("rank@${free}k:$rc")
  if [ "$rc" -eq 1 ] && grep -q "No space left on device" "rank_$free.txt" && cmp -s before.h5 "$disk/r.h5"; then
    pass "rank with ${free} KB free: exit 1, the full disk named, the results file as it was"
  elif [ "$rc" -ne 0 ]; then
    fail "rank with ${free} KB free: exit $rc: $(tail -3 "rank_$free.txt")"
  fi
done
echo "free space and exit status: ${outcomes[*]}"
# The sizes span the journals and the merge: at least one run must have failed.
printf '%s\n' "${outcomes[@]}" | grep -v '^rank' | grep -q ':1$' && pass "some runs hit the full disk (${outcomes[*]})" ||
  fail "no run hit the full disk: the sizes no longer cover it (${outcomes[*]})"
finish
