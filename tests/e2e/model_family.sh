#!/usr/bin/env bash
# The model family end to end on real data: the modality ablation study (audio / lyrics / both)
# on a reduced grid, the cvae's conditioned label set withheld and flagged in the ranking,
# checkpoints saved beside the results, and `vaesweep encode` giving back the latents of a
# saved model from the feature table (also with its columns in another order).
source "$(dirname "$0")/lib.sh"
[ -f "$SHARED_DATA/features/gtzan_banglabeats_30s.csv" ] || { echo "skipped: shared data missing"; exit 77; }
[ -f "$SHARED_DATA/lyrics/en_bn_lyrics.csv" ] || { echo "skipped: shared data missing"; exit 77; }

"$VAESWEEP" run "$PROJECT/sweeps/modality_ablation.toml" --out a.h5 -q \
  --set model.epochs=4 --set 'grid.seed=[1]' --set 'grid.model=["vae", "cvae", "pca"]' \
  --set 'grid.k=[2]' --set model.checkpoints=true || fail "ablation run"
python_h5 - <<'PY' && pass "3 modalities x 3 models; cvae label scores withheld, checkpoints recorded" || fail "ablation results"
import h5py, math, os
f = h5py.File("a.h5")
u = f["units"][:]
assert len(u) == 9, len(u)
axes = sorted(set(x.decode() for x in u["axes"]))
assert axes == ["features.modalities=[audio, text]", "features.modalities=[audio]", "features.modalities=[text]"], axes
feat = f["features"][:]
assert sorted(feat["columns"]) == [57, 384, 441], feat["columns"]
ev = f["evaluations"][:]
for unit, e in zip(u, ev):
    model = unit["model"].decode()
    assert unit["status"] == b"ok", unit["message"]
    if model == "cvae":
        assert unit["withheld"] == b"label" and unit["condition_on"] == b"label"
        assert math.isnan(e["nmi_label"]) and not math.isnan(e["nmi_language"]) and e["conditioned"] == 0
    else:
        assert unit["withheld"] == b"" and not math.isnan(e["nmi_label"])
    if model in ("vae", "cvae"):
        assert os.path.isfile(unit["checkpoint"].decode()), unit["checkpoint"]
    else:
        assert unit["checkpoint"] == b""
# Text carries the language (each track drew a lyric of its own language, in its own script).
text_pca = [e for unit, e in zip(u, ev) if unit["model"] == b"pca" and unit["axes"] == b"features.modalities=[text]"]
assert text_pca[0]["nmi_language"] > 0.95, text_pca[0]["nmi_language"]
PY
"$VAESWEEP" rank a.h5 --metric nmi_label > rank.md || fail "rank"
grep -q "label withheld (conditioned on it)" rank.md && pass "rank flags the withheld rows" || fail "rank: $(cat rank.md)"

# A saved audio-only VAE encodes the table again (tests/unit/test_checkpoint.cpp checks that
# encoding gives exactly the latent means training ended with).
ckpt=$(python_h5 -c '
import h5py
u = h5py.File("a.h5")["units"][:]
print(next(x["checkpoint"].decode() for x in u if x["model"] == b"vae" and x["axes"] == b"features.modalities=[audio]"))')
table="$SHARED_DATA/features/gtzan_banglabeats_30s.csv"
"$VAESWEEP" encode "$ckpt" --data "$table" --labels label language --out z.h5 > encode.log || fail "encode: $(cat encode.log)"
grep -q "encoded 2617 rows into 16 latent dimensions" encode.log && pass "encode: $(cat encode.log)" || fail "encode output"
# The same table with its columns reversed: the checkpoint's feature names put them back.
python_h5 - "$table" <<'PY' || fail "reversed table"
import pandas as pd, sys
d = pd.read_csv(sys.argv[1])
d[d.columns[::-1]].to_csv("reversed.csv", index=False)
PY
"$VAESWEEP" encode "$ckpt" --data reversed.csv --labels label language --out z2.h5 > /dev/null || fail "encode reversed"
python_h5 - <<'PY' && pass "latents identical with the columns in another order; ids kept" || fail "encode latents"
import h5py, numpy as np
a, b = h5py.File("z.h5"), h5py.File("z2.h5")
assert a["latents"].shape == (2617, 16)
assert np.array_equal(a["latents"][:], b["latents"][:])
assert a["ids"][0][0] == b"blues.00000.wav", a["ids"][0]
PY
expect_failure "encode refuses a table without the model's columns" 1 "feature column\(s\) the model was trained on are missing" \
  -- "$VAESWEEP" encode "$ckpt" --data "$PROJECT/tests/data/sklearn/X_blobs3.csv" --out z3.h5
text_ckpt=$(python_h5 -c '
import h5py
u = h5py.File("a.h5")["units"][:]
print(next(x["checkpoint"].decode() for x in u if x["model"] == b"vae" and x["axes"] == b"features.modalities=[text]"))')
expect_failure "encode refuses a model that saw text" 1 "trained on text" \
  -- "$VAESWEEP" encode "$text_ckpt" --data "$table" --labels label language --out z4.h5
expect_failure "encode: not a checkpoint" 1 "reversed.csv" -- "$VAESWEEP" encode reversed.csv --data "$table" --out z5.h5
finish
