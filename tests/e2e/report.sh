#!/usr/bin/env bash
# analysis/report.py end to end: a small quickstart-like study with latents, assignments and
# reconstruction examples stored (3 seeds, beta x latent_dim x k), then the report: every
# picture is a real PNG of a sensible size and named in report.md / report.html; the units the
# report picks are the ones the results file says are best and worst; its ranking table equals
# scipy's t-interval for the same numbers; a file without latents still gives a report saying
# why those pictures are missing; bad input fails with a clear message.
#
# The study keys evaluation.store_latents / evaluation.store_assignments are new: this test
# needs a vaesweep built with them (it fails, not skips, without them).
source "$(dirname "$0")/lib.sh"
if ! /usr/bin/python3 -c "import h5py, numpy, pandas, scipy, sklearn, matplotlib" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 with h5py, pandas, scipy, sklearn and matplotlib is needed for the report"
  exit 77
fi
REPORT="$PROJECT/analysis/report.py"

"$VAESWEEP" run "$PROJECT/sweeps/quickstart.toml" --out r.h5 -q \
  --set model.epochs=20 --set 'grid.beta=[1.0, 4.0]' --set 'grid.latent_dim=[2, 4]' --set 'grid.k=[2, 4]' \
  --set 'grid.seed=[1, 2, 3]' --set model.reconstruction_examples=3 \
  --set evaluation.store_latents=true --set evaluation.store_assignments=true || fail "study run"

/usr/bin/python3 "$REPORT" r.h5 --out rep --metric nmi_genre > report.log 2>&1 \
  && pass "report written: $(tail -1 report.log)" || fail "report.py: $(cat report.log)"

# Which pictures to expect: the units are chosen from the file itself here, independently of
# the report's code: best = the unit with the highest nmi_genre of any (method, k), the lowest
# id among ties; worst = the unit whose best is lowest, the highest id among ties.
python_h5 - > expected.txt <<'PY' || fail "expected pictures"
import h5py, numpy as np
f = h5py.File("r.h5")
u, ev = f["units"][:], f["evaluations"][:]
best_of = {int(unit): ev["nmi_genre"][ev["unit"] == unit].max() for unit in u["unit"]}
top, bottom = max(best_of.values()), min(best_of.values())
best = min(unit for unit, v in best_of.items() if v == top)
worst = max(unit for unit, v in best_of.items() if v == bottom)
rows = ev[ev["unit"] == best]
k = int(rows["k"][np.argmax(rows["nmi_genre"])])
# Reconstructions: only VAE units keep examples; the best of them.
vae = {unit: v for unit, v in best_of.items() if u["model"][u["unit"] == unit][0] == b"vae"}
best_vae = min(unit for unit, v in vae.items() if v == max(vae.values()))
for name in ["heatmap_nmi_genre_vae_kmeans", "heatmap_nmi_genre_pca_kmeans", "metric_vs_k_nmi_genre",
             f"latents_unit_{best}", f"latents_unit_{worst}", f"composition_unit_{best}_kmeans_k{k}",
             f"reconstructions_unit_{best_vae}", "seed_spread_nmi_genre", "collapse", "disentanglement"]:
    print(name + ".png")
PY

# check_pngs DIR FILE...: each is a PNG (signature), its IHDR width and height within 300..6000,
# at least 5 KB, named in DIR/report.md and DIR/report.html by a relative path; and no PNG in
# DIR that the report does not name.
check_pngs() {
  python_h5 - "$@" <<'PY'
import os, re, struct, sys
folder, names = sys.argv[1], sys.argv[2:]
md = open(os.path.join(folder, "report.md")).read()
html = open(os.path.join(folder, "report.html")).read()
for name in names:
    path = os.path.join(folder, name)
    assert os.path.isfile(path), f"{name} missing; the folder has {sorted(os.listdir(folder))}"
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{name}: not a PNG"
    assert data[12:16] == b"IHDR", name
    width, height = struct.unpack(">II", data[16:24])
    assert 300 <= width <= 6000 and 300 <= height <= 6000, f"{name}: {width} x {height}"
    assert len(data) >= 5000, f"{name}: {len(data)} bytes"
    assert f"]({name})" in md, f"report.md does not show {name}"
    assert f'src="{name}"' in html, f"report.html does not show {name}"
pngs = {n for n in os.listdir(folder) if n.endswith(".png")}
assert pngs == set(names), f"unexpected pictures: {pngs - set(names)}"
PY
}
check_pngs rep $(cat expected.txt) && pass "$(wc -l < expected.txt) pictures: PNG, size, named in report.md and .html" \
  || fail "pictures"
grep -q "not drawn" rep/report.md && fail "a picture is missing: $(grep 'not drawn' rep/report.md)" \
  || pass "every picture drawn"

python_h5 - <<'PY' && pass "report.md: provenance, the units shown and why, a ranking equal to scipy's t-interval" || fail "report.md contents"
import h5py, numpy as np, re
from scipy import stats
f = h5py.File("r.h5")
md = open("rep/report.md").read()
assert f.attrs["study_sha256"] in md and "quickstart" in md and f.attrs["vaesweep_version"] in md
assert "the best unit by nmi_genre" in md and "for contrast, the worst unit by nmi_genre" in md
assert "oracle" in md                                    # nmi_genre uses the labels
assert "PCA to 2-D" in md                                # 4-D latents are projected, and the caption says so
# The computed ranking (no /aggregate in this file): rank 1 against scipy for the same numbers.
assert "Computed by this report" in md
u, ev = f["units"][:], f["evaluations"][:]
groups = {}
for e in ev:
    unit = u[u["unit"] == e["unit"]][0]
    groups.setdefault((unit["model"].decode(), unit["axes"].decode(), int(e["k"])), []).append(e["nmi_genre"])
# Every row (PCA rows have no spread across seeds, the VAE rows do), in order, best first.
table = [line for line in md.split("Computed by this report", 1)[1].splitlines() if line.startswith("| ")][1:]
assert len(table) == len(groups) == 12, (len(table), len(groups))
means = []
for line in table:
    cells = [c.strip() for c in line.strip("|").split("|")]
    values = groups[(cells[1], cells[2], int(cells[4]))]
    sem = stats.sem(values)  # scipy's interval is NaN for a zero scale: then it is the mean itself
    low, high = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=sem) if sem > 0 else [np.mean(values)] * 2
    assert cells[3] == "kmeans" and int(cells[5]) == len(values) == 3, cells
    for got, want in zip(cells[6:10], [np.mean(values), np.std(values, ddof=1), low, high]):
        assert abs(float(got) - want) <= 1e-3 * max(1e-3, abs(want)), (cells, want)
    means.append(np.mean(values))
assert means == sorted(means, reverse=True), means
# The composition caption counts the clusters the assignments hold.
best = int(re.search(r"composition_unit_(\d+)_kmeans_k(\d+)", md).group(1))
k = int(re.search(r"composition_unit_(\d+)_kmeans_k(\d+)", md).group(2))
clusters = len(set(f[f"assignments/{best}"][f"kmeans_k{k}"]))
assert f"Each bar is one of its {clusters} clusters" in md, clusters
PY

# The disentanglement picture shows the unit with the highest mean MIG across the label sets
# (lowest id among ties), chosen here from /units independently of the report's code.
python_h5 - <<'PY' && pass "disentanglement picture: the unit with the highest mean MIG, and the label dependence" \
  || fail "disentanglement caption: $(grep -o 'disentanglement.png[^|]*' rep/report.md | head -c 400)"
import h5py, numpy as np
u = h5py.File("r.h5")["units"][:]
mean = (u["mig_genre"] + u["mig_language"]) / 2
best = int(min(u["unit"][mean == np.nanmax(mean)]))
md = open("rep/report.md").read()
caption = md.split("*disentanglement.png*:", 1)[1].split("\n", 1)[0]
assert caption.startswith(f" Left: unit {best} ("), caption[:80]
assert "NMI(genre, language) = " in caption and "DCI disentanglement is not computed" in caption, caption
PY

# --units: exactly those units in the per-unit pictures; --format html: no Markdown.
/usr/bin/python3 "$REPORT" r.h5 --out chosen --units 1,7 --format html > /dev/null 2>&1 || fail "report --units"
[ -f chosen/latents_unit_1.png ] && [ -f chosen/latents_unit_7.png ] && [ ! -f chosen/report.md ] \
  && grep -q "chosen with --units" chosen/report.html && [ "$(ls chosen/latents_unit_*.png | wc -l)" -eq 2 ] \
  && pass "--units 1,7 and --format html" || fail "--units: $(ls chosen)"

# After `vaesweep rank`, the report shows its /aggregate table (12 groups: 6 configurations x
# 2 values of k) instead of computing one.
cp r.h5 ranked.h5
"$VAESWEEP" rank ranked.h5 --metric nmi_genre > /dev/null 2>&1 || fail "rank"
/usr/bin/python3 "$REPORT" ranked.h5 --out ranked --format md > /dev/null 2>&1 || fail "report after rank"
python_h5 - <<'PY' && pass "the /aggregate table of vaesweep rank, every group" || fail "aggregate in the report"
md = open("ranked/report.md").read()
assert "From the file's `/aggregate` group" in md and "Computed by this report" not in md
section = md.split("### `/aggregate/nmi_genre__by_", 1)[1]
table = [line for line in section.splitlines() if line.startswith("|")]
assert len(table) == 2 + 12, table
assert "- selection: oracle" in section
PY

# The same file without latents, assignments or rows: the report says why those pictures are
# missing and draws the rest.
python_h5 - <<'PY' || fail "strip latents"
import h5py, shutil
shutil.copy("r.h5", "bare.h5")
with h5py.File("bare.h5", "r+") as f:
    for group in ("latents", "assignments", "rows"):
        del f[group]
PY
/usr/bin/python3 "$REPORT" bare.h5 --out bare > bare.log 2>&1 || fail "report on a file without latents: $(cat bare.log)"
grep -q "no latents stored: set evaluation.store_latents = true" bare/report.md \
  && grep -q "no cluster assignments stored: set evaluation.store_assignments = true" bare/report.md \
  && grep -q "not drawn" bare/report.html \
  && pass "without latents: exit 0, the report says why two pictures are missing" || fail "bare report: $(cat bare.log)"
check_pngs bare $(grep -v -e '^latents_' -e '^composition_' expected.txt) && pass "without latents: the other pictures" \
  || fail "bare pictures"

# 2-D features (log-mel, 32 bands x 32 frames, a convolutional VAE): the reconstructions are
# drawn as images of that shape (the /features table's shape), not as lines.
"$VAESWEEP" run "$PROJECT/sweeps/quickstart.toml" --out lm.h5 -q --set 'features.kind="logmel"' \
  --set features.n_mels=32 --set features.frames=32 --set 'grid.model=["conv_vae"]' --set 'model.hidden=[8, 16]' \
  --set model.epochs=3 --set 'grid.seed=[1]' --set 'grid.beta=[1.0]' --set 'grid.latent_dim=[4]' \
  --set model.reconstruction_examples=2 || fail "log-mel run"
/usr/bin/python3 "$REPORT" lm.h5 --out lm --format md > lm.log 2>&1 || fail "report on log-mel: $(cat lm.log)"
grep -q "images of 32 bands x 32 frames" lm/report.md && [ -f lm/reconstructions_unit_0.png ] \
  && pass "log-mel reconstructions drawn as 32 x 32 images" || fail "log-mel: $(grep -i reconstruction lm/report.md)"

# Bad input: a clear message and a non-zero exit, no traceback.
expect_failure "missing results file" 1 "nothere.h5: no such file" -- /usr/bin/python3 "$REPORT" nothere.h5 --out x
echo "not hdf5" > fake.h5
expect_failure "not an HDF5 file" 1 "fake.h5: not an HDF5 results file" -- /usr/bin/python3 "$REPORT" fake.h5 --out x
python_h5 -c 'import h5py; h5py.File("empty.h5", "w")' || fail "empty.h5"
expect_failure "HDF5 without /units" 1 "empty.h5: not a vaesweep results file" -- /usr/bin/python3 "$REPORT" empty.h5 --out x
expect_failure "unknown metric" 1 "--metric nmi_mood: not a column .*valid metrics: .*nmi_genre" \
  -- /usr/bin/python3 "$REPORT" r.h5 --out x --metric nmi_mood
expect_failure "unknown unit" 1 "--units 999: .* has no such unit" -- /usr/bin/python3 "$REPORT" r.h5 --out x --units 999
expect_failure "no --out" 2 "the following arguments are required: --out" -- /usr/bin/python3 "$REPORT" r.h5
grep -q Traceback err.txt && fail "a traceback on bad input" || true
finish
