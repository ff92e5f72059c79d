#!/usr/bin/env bash
# The reproduction studies of sweeps/ stay runnable on the real data: each one, cut to one seed
# and one epoch, runs every unit of that seed to "ok", with the units the grid promises (PCA and
# raw have no beta; the cvae's conditioned label set is withheld).
source "$(dirname "$0")/lib.sh"
[ -d "$SHARED_DATA" ] || { echo "skip: no $SHARED_DATA"; exit 77; }
short=(--set model.epochs=1 --set 'grid.seed=[1]' -q)
declare -A expected=([easy]=9 [medium]=12 [medium_conv]=6 [hard]=13 [metric_space]=2)
for name in easy medium medium_conv hard metric_space; do
  "$VAESWEEP" run "$PROJECT/sweeps/repro_$name.toml" --out "$name.h5" "${short[@]}" 2>"$name.err" ||
    { fail "repro_$name: $(tail -3 "$name.err")"; continue; }
  python_h5 - "$name.h5" "${expected[$name]}" <<'PY' && pass "repro_$name: ${expected[$name]} units, all ok" || fail "repro_$name units"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    u = f["units"][:]
sys.exit(0 if len(u) == int(sys.argv[2]) and set(u["status"].tolist()) == {b"ok"} else 1)
PY
done
python_h5 - <<'PY' && pass "repro_hard: the cvae's language scores are withheld, genre scored" || fail "repro_hard withheld"
import h5py, numpy as np
with h5py.File("hard.h5") as f:
    u, e = f["units"][:], f["evaluations"][:]
cvae = set(u["unit"][u["model"] == b"cvae"].tolist())
rows = np.isin(e["unit"], list(cvae))
ok = np.isnan(e["ari_language"][rows]).all() and np.isfinite(e["ari_label"][rows]).all()
ok = ok and set(u["withheld"][u["model"] == b"cvae"].tolist()) == {b"language"}
raise SystemExit(0 if ok else 1)
PY
finish
