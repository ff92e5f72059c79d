#!/usr/bin/env bash
# `vaesweep run --slice I/N` and `vaesweep merge`, without Slurm: the 3 slices of the quickstart
# merged give the same units and the same per-unit numbers as one plain run (same seeds, same
# numbers: compare_results.py, bit for bit); a slice resumes only as itself; the merge refuses
# parts of different studies, overlapping parts and damaged parts, writing nothing, and says
# which slices are missing.
source "$(dirname "$0")/lib.sh"
study="$PROJECT/sweeps/quickstart.toml"

"$VAESWEEP" run "$study" --out plain.h5 -q || fail "the plain run"
for i in 0 1 2; do
  "$VAESWEEP" run "$study" --out "slice$i.h5" --slice "$i/3" >"slice$i.txt" 2>&1 ||
    fail "slice $i/3: $(cat "slice$i.txt")"
done
grep -q "6/6 units of slice 1/3" slice1.txt && pass "a slice runs its 6 of 18 units: $(head -1 slice1.txt)" ||
  fail "slice 1/3 output: $(cat slice1.txt)"
python_h5 - <<'PY' && pass "each slice holds the units with index = i mod 3, complete relative to the slice" ||
import h5py, sys
ok = True
for i in range(3):
    with h5py.File(f"slice{i}.h5") as f:
        units = sorted(int(u) for u in f["units"]["unit"])
        a = f.attrs
        print(i, units, a["slice_index"], a["slice_count"], a["complete"], a["units_pending"], a["units_in_grid"])
        ok &= (units == list(range(i, 18, 3)) and a["slice_index"] == i and a["slice_count"] == 3
               and a["complete"] == 1 and a["units_pending"] == 0 and a["units_in_grid"] == 18)
sys.exit(0 if ok else 1)
PY
  fail "slice files"

"$VAESWEEP" status slice1.h5 >status.txt 2>&1
grep -q "6 units in the grid slice 1/3" status.txt && grep -q "0 pending" status.txt &&
  pass "status counts a slice's file against its slice" || fail "status of a slice: $(cat status.txt)"

"$VAESWEEP" merge slice0.h5 slice1.h5 slice2.h5 --out merged.h5 >merge.txt 2>&1 &&
  pass "merge of the 3 slices: $(cat merge.txt)" || fail "merge of the 3 slices: $(cat merge.txt)"
python_h5 "$PROJECT/tests/e2e/compare_results.py" plain.h5 merged.h5 &&
  pass "merged slices == the plain run (config hashes, losses, every metric)" || fail "merged slices differ from the plain run"
python_h5 - <<'PY' && pass "merged file: complete, 18 units once, 3 runs, study of the parts" || fail "merged attributes"
import h5py, sys
with h5py.File("merged.h5") as f, h5py.File("plain.h5") as p:
    hashes = [h.decode() for h in f["units"]["config_hash"]]
    a = f.attrs
    print(len(hashes), len(set(hashes)), a["complete"], a["units_pending"], len(f["runs"]), a["merged_parts"])
    sys.exit(0 if (len(hashes) == 18 and set(hashes) == {h.decode() for h in p["units"]["config_hash"]}
                   and a["complete"] == 1 and a["units_pending"] == 0 and a["units_total"] == 18
                   and len(f["runs"]) == 3 and sum(f["runs"]["units"]) == 18
                   and a["study_sha256"] == p.attrs["study_sha256"] and len(f["features"]) == len(p["features"]))
             else 1)
PY
"$VAESWEEP" merge slice0.h5 slice1.h5 slice1.h5 slice2.h5 --out twice.h5 >twice.txt 2>&1 &&
  grep -q "6 identical unit(s) given twice" twice.txt && pass "a part given twice: $(cat twice.txt)" ||
  fail "a part given twice: $(cat twice.txt)"

# A slice resumes as itself only.
"$VAESWEEP" run "$study" --out slice1.h5 --slice 1/3 --resume >again.txt 2>&1 && grep -q "nothing to run" again.txt &&
  pass "resume of a finished slice: $(cat again.txt)" || fail "resume of a finished slice: $(cat again.txt)"
expect_failure "another slice on a slice's file is refused" 1 "written by --slice 1/3, this run is slice 2/3" -- \
  "$VAESWEEP" run "$study" --out slice1.h5 --slice 2/3 --resume -q
expect_failure "the whole grid on a slice's file is refused" 1 "written by --slice 1/3, this run is the whole grid" -- \
  "$VAESWEEP" run "$study" --out slice1.h5 --resume -q
expect_failure "a malformed --slice" 2 "--slice expects I/N" -- "$VAESWEEP" run "$study" --out x.h5 --slice 3/3
expect_failure "a slice without units" 1 "this slice has none" -- "$VAESWEEP" run "$study" --out x.h5 --slice 18/19

# Refusals of merge: nothing is written.
"$VAESWEEP" run "$study" --set model.epochs=5 --out other.h5 --slice 1/3 -q || fail "the run of another study"
expect_failure "parts of different studies" 1 "other.h5 and slice0.h5 come from different studies" -- \
  "$VAESWEEP" merge slice0.h5 other.h5 slice2.h5 --out bad.h5
expect_failure "overlapping parts (a slice and the whole run)" 1 "both hold unit 0 .*with different records" -- \
  "$VAESWEEP" merge plain.h5 slice0.h5 --out bad.h5
head -c 3000 slice1.h5 >truncated.h5
expect_failure "a truncated part" 1 "truncated.h5" -- "$VAESWEEP" merge slice0.h5 truncated.h5 slice2.h5 --out bad.h5
echo "not hdf5" >text.h5
expect_failure "a part that is not HDF5" 1 "text.h5.*not an HDF5 file" -- "$VAESWEEP" merge slice0.h5 text.h5 --out bad.h5
expect_failure "a missing part" 1 "nope.h5" -- "$VAESWEEP" merge slice0.h5 nope.h5 --out bad.h5
[ ! -e bad.h5 ] && ! ls bad.h5.tmp-* >/dev/null 2>&1 && pass "no refused merge left a file" || fail "a refused merge wrote $(ls bad.h5*)"
expect_failure "an existing output without --overwrite" 1 "merged.h5: the merged results file already exists" -- \
  "$VAESWEEP" merge slice0.h5 --out merged.h5
expect_failure "the output is one of the parts" 1 "slice2.h5: --out is one of the parts \(slice2.h5\)" -- \
  "$VAESWEEP" merge slice0.h5 slice2.h5 --out slice2.h5 --overwrite
expect_failure "the output is a device" 1 "/dev/null: --out must name a results file; this is a character device" -- \
  "$VAESWEEP" merge slice0.h5 --out /dev/null --overwrite

# A missing slice: the merged file is written, says complete = 0, and the exit status says so.
expect_failure "a missing slice" 3 "missing slices: 1/3" -- "$VAESWEEP" merge slice0.h5 slice2.h5 --out partial.h5
python_h5 - <<'PY' && pass "the partial merge: 12 units, complete = 0, 6 pending" || fail "the partial merge's attributes"
import h5py, sys
with h5py.File("partial.h5") as f:
    a = f.attrs
    sys.exit(0 if len(f["units"]) == 12 and a["complete"] == 0 and a["units_pending"] == 6 else 1)
PY
"$VAESWEEP" merge slice0.h5 slice2.h5 --out partial.h5 --overwrite --allow-incomplete >/dev/null 2>&1 &&
  pass "--allow-incomplete: exit 0" || fail "--allow-incomplete did not exit 0"
# A merged file is a whole-grid results file: --resume runs the missing units.
"$VAESWEEP" run "$study" --out partial.h5 --resume >fill.txt 2>&1 && grep -q "this run finished 6" fill.txt &&
  python_h5 "$PROJECT/tests/e2e/compare_results.py" plain.h5 partial.h5 &&
  pass "--resume of the partial merge runs the 6 missing units and equals the plain run" ||
  fail "--resume of the partial merge: $(cat fill.txt)"

# The optional groups (/latents, /assignments, /rows) of every part reach the merged file.
store=(--set evaluation.store_latents=true --set evaluation.store_assignments=true)
for i in 0 1; do "$VAESWEEP" run "$study" "${store[@]}" --out "stored$i.h5" --slice "$i/2" -q || fail "stored slice $i"; done
"$VAESWEEP" merge stored0.h5 stored1.h5 --out stored.h5 >/dev/null 2>&1 || fail "merge of the stored slices"
python_h5 - <<'PY' && pass "merged /latents and /assignments: one per unit, with their attributes; /rows once" ||
import h5py, sys
with h5py.File("stored.h5") as f:
    groups = {g: len(f[g]) for g in ("latents", "assignments", "rows") if g in f}
    latents = {int(f["latents"][n].attrs["unit"]) for n in f["latents"]} if "latents" in f else set()
    print(groups)
    sys.exit(0 if groups.get("latents") == groups.get("assignments") == 18 and latents == set(range(18))
             and groups.get("rows", 0) >= 1 else 1)
PY
  fail "the merged optional groups"
finish
