#!/usr/bin/env bash
# `vaesweep export`: every table of a results file, as CSV and as JSON, read back with pandas and
# compared with the HDF5 datasets it came from (h5py): the same rows and values (numbers exact:
# the text reads back to the same double), one typed column per grid axis (a learning rate of
# 9 significant digits reads back exactly), latents and assignments with their rows' ids and
# labels. Then the refusals: an unknown table, a flag for another table, a unit without stored
# arrays, an existing --out without --overwrite, --out naming the results file.
source "$(dirname "$0")/lib.sh"
python_h5 -c "import pandas" 2>/dev/null || { echo "skipped: pandas is needed"; exit 77; }
study="$PROJECT/sweeps/quickstart.toml"
"$VAESWEEP" run "$study" --set evaluation.store_latents=true --set evaluation.store_assignments=true \
  --set 'grid.model.learning_rate=[0.001, 0.00123456789]' --set model.epochs=2 --out q.h5 -q 2>run.txt ||
  fail "the study: $(cat run.txt)"
"$VAESWEEP" rank q.h5 --metric ari_genre >/dev/null 2>rank.txt || fail "rank: $(cat rank.txt)"

for table in units evaluations aggregate latents assignments; do
  for format in csv json; do
    "$VAESWEEP" export q.h5 --table "$table" --format "$format" --out "$table.$format" 2>"export_$table.txt" ||
      fail "export $table $format: $(cat "export_$table.txt")"
  done
done
"$VAESWEEP" export q.h5 --table units >stdout.csv 2>/dev/null && cmp -s stdout.csv units.csv &&
  pass "export to stdout is the --out file's bytes" || fail "export to stdout differs from --out"

python_h5 - <<'PY' && pass "every table, CSV and JSON, equals its HDF5 dataset (pandas vs h5py)" || fail "exports differ from the HDF5 datasets"
import json
import sys

import h5py
import numpy as np
import pandas as pd

problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def frame(dataset):
    f = pd.DataFrame(dataset[:])
    for c in f.columns:
        if f[c].dtype == object:
            f[c] = f[c].map(lambda v: v.decode() if isinstance(v, bytes) else v)
    return f


def read(name, fmt):
    if fmt == "csv":
        # round_trip: pandas' default C parser may be 1 ulp off; the text itself is exact.
        return pd.read_csv(f"{name}.csv", keep_default_na=False, na_values=[""], float_precision="round_trip")
    with open(f"{name}.json") as fh:
        return pd.DataFrame(json.load(fh))


def same(a, b, what):
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    if len(a) != len(b):
        problems.append(f"{what}: {len(a)} rows vs {len(b)}")
        return
    if a.dtype.kind in "fi" or b.dtype.kind in "fi":
        x, y = pd.to_numeric(a).to_numpy(float), pd.to_numeric(b).to_numpy(float)
        check(np.array_equal(x, y, equal_nan=True), f"{what}: numbers differ")
    else:
        x = a.fillna("").astype(str).to_numpy()
        y = b.fillna("").astype(str).to_numpy()
        check((x == y).all(), f"{what}: text differs ({x[:2]} vs {y[:2]})")


with h5py.File("q.h5") as f:
    units, evaluations = frame(f["units"]), frame(f["evaluations"])
    aggregate_name = list(f["aggregate"].keys())[0]
    aggregate = frame(f["aggregate"][aggregate_name])
    latents = {int(k): f["latents"][k][:] for k in f["latents"]}
    assignments = {int(k): frame(f["assignments"][k]) for k in f["assignments"]}
    rows = {k: frame(f["rows"][k]) for k in f["rows"]}

for fmt in ("csv", "json"):
    u = read("units", fmt)
    check("axes" not in u.columns, f"units {fmt}: the axes text is still a column")
    for c in units.columns:
        # model.beta and model.latent_dim, the axis columns of beta and latent_dim, are exported
        # as the unit's beta and latent_dim columns; other axis columns keep their names.
        if c != "axes" and c not in ("model.beta", "model.latent_dim"):
            same(u[c], units[c], f"units {fmt} {c}")
    # The learning-rate axis: typed numbers, the values of the grid exactly.
    lr = u["model.learning_rate"].dropna()
    check(set(lr) == {0.001, 0.00123456789}, f"units {fmt}: model.learning_rate values {set(lr)}")
    check(u["model.learning_rate"].isna().sum() == (units["model"] == "pca").sum(),
          f"units {fmt}: PCA units should have no learning rate")

    e = read("evaluations", fmt)
    for c in evaluations.columns:
        same(e[c], evaluations[c], f"evaluations {fmt} {c}")
    joined = evaluations.merge(units[["unit", "model", "seed", "status"]].rename(columns={"status": "unit_status"}),
                               on="unit", how="left")
    for c in ("model", "seed", "unit_status"):
        same(e[c], joined[c], f"evaluations {fmt} {c}")

    a = read("aggregate", fmt)
    for c in aggregate.columns:
        same(a[c], aggregate[c], f"aggregate {fmt} {c}")

    lat = read("latents", fmt)
    check(len(lat) == sum(z.shape[0] for z in latents.values()), f"latents {fmt}: row count")
    for unit, z in latents.items():
        part = lat[lat["unit"] == unit]
        zcols = [f"z{d}" for d in range(z.shape[1])]
        check(np.array_equal(part[zcols].to_numpy(float), z), f"latents {fmt}: unit {unit} values")
        beyond = [c for c in lat.columns if c.startswith("z") and c not in zcols]
        check(part[beyond].isna().all().all(), f"latents {fmt}: unit {unit} has values past its dimension")
        fh = units.loc[units["unit"] == unit, "feature_hash"].iloc[0]
        for c in ("row", "id", "genre", "language"):
            same(part[c], rows[fh][c], f"latents {fmt} unit {unit} {c}")

    asg = read("assignments", fmt)
    for unit, table in assignments.items():
        part = asg[asg["unit"] == unit]
        for c in table.columns:
            same(part[c], table[c], f"assignments {fmt} unit {unit} {c}")

for p in problems[:20]:
    print(p)
print(f"{len(problems)} problems")
sys.exit(1 if problems else 0)
PY

expect_failure "unknown table" 1 "unknown table \"unit\"; valid tables are" -- "$VAESWEEP" export q.h5 --table unit
expect_failure "--unit with --table units" 2 "--unit is for --table latents or assignments" -- "$VAESWEEP" export q.h5 --table units --unit 0
expect_failure "a unit that stored nothing" 1 "unit 999 has no stored latents" -- "$VAESWEEP" export q.h5 --table latents --unit 999
expect_failure "an existing --out" 1 "units.csv: already exists; pass --overwrite" -- "$VAESWEEP" export q.h5 --table units --out units.csv
expect_failure "--out is the results file" 1 "--out is the results file itself" -- "$VAESWEEP" export q.h5 --out q.h5 --overwrite
cmp -s units.csv stdout.csv && pass "a refused export left the existing file as it was" || fail "units.csv changed"
finish
