#!/usr/bin/env bash
# evaluation.store_latents / store_assignments: the arrays in the results file are the ones the
# scores were computed from (scikit-learn recomputes silhouette, Calinski-Harabasz and ARI from
# them and must agree with /evaluations), they name their unit, and they survive a resume.
source "$(dirname "$0")/lib.sh"

study="$PROJECT/sweeps/quickstart.toml"
store=(--set evaluation.store_latents=true --set evaluation.store_assignments=true
       --set 'cluster.methods=["kmeans","dbscan"]' --set model.epochs=15 -q)
"$VAESWEEP" run "$study" --out s.h5 "${store[@]}" --set 'grid.seed=[1]' || fail "run with stored arrays"
# A grown grid (seeds 1, 2): the first run's units keep their arrays through the resume merge.
cp s.h5 first.h5
"$VAESWEEP" run "$study" --out s.h5 --resume "${store[@]}" --set 'grid.seed=[1,2]' || fail "resume with more seeds"
"$VAESWEEP" run "$study" --out plain.h5 -q --set model.epochs=15 --set 'grid.seed=[1]' || fail "run without stored arrays"

python_h5 - <<'PY' && pass "stored latents and assignments reproduce /evaluations (scikit-learn) and survive resume" || fail "stored arrays"
import h5py, numpy as np
from sklearn.metrics import silhouette_score, calinski_harabasz_score, adjusted_rand_score

f = h5py.File("s.h5")
units, ev = f["units"][:], f["evaluations"][:]
assert len(units) == 12, len(units)                       # 6 configurations x 2 seeds
assert sorted(int(k) for k in f["latents"]) == sorted(int(u) for u in units["unit"])
checked = 0
for u in units:
    unit = int(u["unit"])
    Z = f[f"latents/{unit}"][:]
    a = f[f"assignments/{unit}"]
    attrs = dict(f[f"latents/{unit}"].attrs)
    assert attrs["unit"] == unit and attrs["config_hash"] == u["config_hash"].decode(), attrs
    assert Z.shape == (160, u["latent_dim"]), Z.shape
    rows = f["rows/" + u["feature_hash"].decode()][:]
    assert len(rows) == len(Z) == len(a)
    genre = rows["genre"]
    for e in ev[ev["unit"] == unit]:
        labels = a[f"{e['method'].decode()}_k{e['k']}"][:]
        kept = labels >= 0                                  # DBSCAN noise (-1) is left out of every score
        assert abs(kept.mean() - (1 - e["noise_fraction"])) < 1e-12
        if len(set(labels[kept])) < 2:
            continue
        assert abs(silhouette_score(Z[kept], labels[kept]) - e["silhouette"]) < 1e-9, (unit, e["method"])
        assert abs(calinski_harabasz_score(Z[kept], labels[kept]) - e["calinski_harabasz"]) < 1e-6 * e["calinski_harabasz"]
        assert abs(adjusted_rand_score(genre[kept], labels[kept]) - e["ari_genre"]) < 1e-9
        checked += 1
assert checked >= 36, checked
# The first run's arrays came through the resume unchanged.
g = h5py.File("first.h5")
by_hash = {u["config_hash"]: int(u["unit"]) for u in units}
for u in g["units"][:]:
    old, new = int(u["unit"]), by_hash[u["config_hash"]]
    assert np.array_equal(g[f"latents/{old}"][:], f[f"latents/{new}"][:])
    assert np.array_equal(g[f"assignments/{old}"][:], f[f"assignments/{new}"][:])
# Off by default: a plain results file has none of them.
p = h5py.File("plain.h5")
assert not any(k in p for k in ("latents", "assignments", "rows")), list(p)
PY
finish
