#!/usr/bin/env bash
# The results file is replaced only by a complete new one, and never silently loses units:
#  - --overwrite keeps the old file until its final rename: a run killed (kill -9) in the middle
#    leaves the old file byte for byte; a --resume then continues the replacing run (not the
#    old file's units);
#  - a results file deleted while a --resume runs is not merged over: the run says so (exit 1)
#    and keeps its journals, instead of writing a file without the earlier units;
#  - the shard folder deleted while a run writes to it: each rank writes its journal again
#    from the open file (with a warning), the run lock is taken again (a second run started then
#    is refused), and the results hold every unit;
#  - a journal whose header has a flipped byte: --resume keeps its intact unit records (with a
#    warning naming what was lost) instead of refusing for good; when that journal's run was an
#    --overwrite, the old file's units stay out (the flag outlives the header in a run note).
source "$(dirname "$0")/lib.sh"
study="$PROJECT/sweeps/quickstart.toml"
# noop units sleep instead of training: 12 units of 0.5 s, long enough to kill the run in the middle.
noop=(--set 'grid.model=["noop"]' --set model.noop_seconds=0.5)
slow=("${noop[@]}" --set 'grid.seed=[1,2,3,4,5,6,7,8,9,10,11,12]')

"$VAESWEEP" run "$study" --set 'grid.model=["pca"]' --set 'grid.seed=[1]' --out r.h5 -q 2>old.txt ||
  fail "the first results: $(cat old.txt)"
cp r.h5 old.h5

"$VAESWEEP" run "$study" "${slow[@]}" --out r.h5 --overwrite -q 2>killed.txt &
victim=$!
for _ in $(seq 1 100); do  # until the replacing run has journaled some units
  [ -n "$(find r.h5.shards -name '*.journal' -size +2k 2>/dev/null)" ] && break
  sleep 0.1
done
sleep 0.5
kill -9 "$victim"
wait "$victim" 2>/dev/null
cmp -s r.h5 old.h5 && pass "kill -9 during --overwrite: the old results file is intact" ||
  fail "kill -9 during --overwrite changed or removed the old results file"

"$VAESWEEP" status r.h5 >status.txt 2>&1
grep -q "12 units in the grid" status.txt && grep -q "1 shard journal" status.txt &&
  pass "status shows the replacing run (12 units), not the old file" ||
  fail "status after the killed --overwrite: $(cat status.txt)"

"$VAESWEEP" run "$study" "${slow[@]}" --out r.h5 --resume >resumed.txt 2>&1 || fail "--resume: $(cat resumed.txt)"
grep -q "done by earlier runs" resumed.txt && pass "--resume continues the replacing run" ||
  fail "--resume did not continue the killed run: $(cat resumed.txt)"
python_h5 - <<'PY' && pass "the replaced file holds only the new study's units, each once" || fail "the replaced results"
import sys
import h5py
with h5py.File("r.h5") as f:
    models = {m.decode() for m in f["units"]["model"]}
    hashes = [h.decode() for h in f["units"]["config_hash"]]
    runs = len(f["runs"])
print(models, len(hashes), runs)
sys.exit(0 if models == {"noop"} and len(hashes) == len(set(hashes)) == 12 and runs == 2 else 1)
PY
[ ! -d r.h5.shards ] || [ -z "$(ls r.h5.shards)" ] && pass "the journals are gone after the merge" ||
  fail "journals left: $(ls r.h5.shards)"

# --- the results file deleted while a --resume runs -------------------------------------------------
"$VAESWEEP" run "$study" "${noop[@]}" --set 'grid.seed=[1,2]' --out v.h5 -q 2>first.txt || fail "v.h5: $(cat first.txt)"
"$VAESWEEP" run "$study" "${slow[@]}" --out v.h5 --resume -q >vanish.txt 2>&1 &
runner=$!
for _ in $(seq 1 100); do
  [ -n "$(find v.h5.shards -name '*.journal' 2>/dev/null)" ] && break
  sleep 0.1
done
rm -f v.h5
wait "$runner"
rc=$?
[ "$rc" -eq 1 ] && grep -q "v.h5: the results file was deleted while this run ran" vanish.txt &&
  pass "a results file deleted during --resume: exit 1, named ($(grep -o 'deleted while[^;]*' vanish.txt))" ||
  fail "results file deleted during --resume: exit $rc: $(cat vanish.txt)"
[ ! -e v.h5 ] && [ -n "$(find v.h5.shards -name '*.journal' 2>/dev/null)" ] &&
  pass "nothing was written over the loss; this run's journals are kept" || fail "after the deleted results file"

# --- the shard folder deleted while the run writes to it -------------------------------------------------
"$VAESWEEP" run "$study" "${slow[@]}" --out d.h5 >deleted.txt 2>&1 &
runner=$!
for _ in $(seq 1 100); do
  [ -n "$(find d.h5.shards -name '*.journal' -size +2k 2>/dev/null)" ] && break
  sleep 0.1
done
rm -rf d.h5.shards
for _ in $(seq 1 100); do  # until the next unit's record took the lock again
  grep -q "run lock was deleted" deleted.txt && break
  sleep 0.1
done
"$VAESWEEP" run "$study" "${slow[@]}" --out d.h5 >second.txt 2>&1
second=$?
wait "$runner"
rc=$?
[ "$rc" -eq 0 ] && grep -q "wrote d.h5: 12/12 units" deleted.txt && grep -q "journal was deleted while the run ran" deleted.txt &&
  pass "shard folder deleted mid-run: journals written again, 12/12 units in the results" ||
  fail "shard folder deleted mid-run: exit $rc: $(cat deleted.txt)"
grep -q "run lock was deleted while the run ran; it was taken again" deleted.txt && [ "$second" -eq 1 ] &&
  grep -q "another vaesweep run is writing these results" second.txt &&
  pass "shard folder deleted mid-run: the lock was taken again, a second run is refused" ||
  fail "shard folder deleted mid-run: the lock: second run exit $second: $(cat second.txt) / $(cat deleted.txt)"

flip_header_byte() {
  python_h5 - "$1" <<'PY' || fail "could not flip a byte of the journal header $1"
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[8 + 12 + 40] ^= 0x10  # inside the header frame's payload (the study text)
open(path, "wb").write(bytes(data))
PY
}

# --- a flipped byte in a journal's header -------------------------------------------------------------
"$VAESWEEP" run "$study" "${slow[@]}" --out h.h5 -q 2>/dev/null &
runner=$!
journal=
for _ in $(seq 1 100); do  # until some units are journaled
  journal=$(find h.h5.shards -name '*.journal' -size +3k 2>/dev/null | head -1)
  [ -n "$journal" ] && break
  sleep 0.1
done
sleep 2  # a few more units of 0.5 s
kill -9 "$runner"
wait "$runner" 2>/dev/null
journaled=$(strings "$journal" | grep -c '^noop$')
flip_header_byte "$journal"
"$VAESWEEP" run "$study" "${slow[@]}" --out h.h5 --resume >salvage.txt 2>&1
rc=$?
finished=$(sed -n 's/.*this run finished \([0-9]*\).*/\1/p' salvage.txt)
[ "$rc" -eq 0 ] && grep -q "damaged header" salvage.txt && grep -q "wrote h.h5: 12/12 units" salvage.txt &&
  [ -n "$finished" ] && [ "$finished" -lt 12 ] &&
  pass "a flipped byte in a journal header: --resume kept the journaled units, ran $finished of 12" ||
  fail "journal with a damaged header: exit $rc, journaled ${journaled:-?}: $(cat salvage.txt)"

# --- ... of an --overwrite run: the replaced file's units must not come back --------------------------
cp old.h5 o.h5
"$VAESWEEP" run "$study" "${slow[@]}" --out o.h5 --overwrite -q 2>/dev/null &
runner=$!
for _ in $(seq 1 100); do
  journal=$(find o.h5.shards -name '*.journal' -size +3k 2>/dev/null | head -1)
  [ -n "$journal" ] && break
  sleep 0.1
done
kill -9 "$runner"
wait "$runner" 2>/dev/null
flip_header_byte "$journal"
"$VAESWEEP" run "$study" "${slow[@]}" --out o.h5 --resume >o_salvage.txt 2>&1 || fail "o.h5 --resume: $(cat o_salvage.txt)"
python_h5 - <<'PY' && pass "a damaged header of an --overwrite journal: the replaced file's units stay out" ||
import sys
import h5py
with h5py.File("o.h5") as f:
    models = {m.decode() for m in f["units"]["model"]}
print(models)
sys.exit(0 if models == {"noop"} else 1)
PY
  fail "after salvaging an --overwrite journal: $(cat o_salvage.txt)"
finish
