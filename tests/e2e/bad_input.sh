#!/usr/bin/env bash
# Bad input gets a clear error naming what and where, a non-zero exit, and no damage.
source "$(dirname "$0")/lib.sh"
V=$VAESWEEP
printf '[data]\nclips = 16\n[model]\nepochs = 2\n' > base.toml

printf '[model]\nbeta = = 2\n' > malformed.toml
expect_failure "malformed TOML" 1 "malformed.toml:2.*malformed TOML" -- "$V" run malformed.toml --out a.h5
printf '[model]\nepochs = 2\nlatnt_dim = 4\n' > unknown.toml
expect_failure "unknown key" 1 "unknown.toml:3: model.latnt_dim.*did you mean \"latent_dim\"" -- "$V" run unknown.toml --out a.h5
printf '[model]\nkind = "gan"\n' > choice.toml
expect_failure "unknown choice" 1 "choice.toml:2: model.kind.*valid names are: vae, conv_vae, cvae, ae, pca" -- "$V" run choice.toml --out a.h5
printf '[data]\nsource = "table"\npath = "missing.csv"\n' > missing.toml
expect_failure "missing data file" 1 "data.path = \"missing.csv\": missing.csv does not exist" -- "$V" run missing.toml --out a.h5
expect_failure "missing study" 1 "nope.toml.*cannot open" -- "$V" run nope.toml --out a.h5
expect_failure "k < 2" 1 "cluster.k.*expected a value in \[2," -- "$V" run base.toml --set cluster.k=1 --out a.h5
printf 'f1,f2,label\n1,2,a\n3,4,b\n5,6,a\n' > small.csv
printf '[data]\nsource = "table"\npath = "small.csv"\nlabels = ["label"]\n[model]\nepochs = 2\n[cluster]\nk = 3\n' > bigk.toml
expect_failure "k >= n" 1 "cluster.k = 3 but the data has only 3 rows" -- "$V" run bigk.toml --out a.h5
printf 'f1,f2,label\n1,2,a\n3,NaN,b\n5,6,a\n' > nan.csv
printf '[data]\nsource = "table"\npath = "nan.csv"\nlabels = ["label"]\n[cluster]\nk = 2\n' > nan.toml
expect_failure "NaN in a feature table" 1 "nan.csv:3: column \"f2\".*not a finite number" -- "$V" run nan.toml --out a.h5
expect_failure "NaN under 2 ranks" 1 "nan.csv:3" -- "$MPIEXEC" -n 2 "$V" run nan.toml --out a.h5
expect_failure "unknown --set key" 1 "did you mean \"beta\"" -- "$V" run base.toml --set model.betta=2 --out a.h5
expect_failure "a --set spanning lines" 1 "cannot span lines; pass one --set per key" -- \
  "$V" run base.toml --set $'model.epochs=3\nlearning_rate=50' --out a.h5
expect_failure "a --set that is broken TOML" 1 "grid.k=\[: not a TOML value" -- "$V" run base.toml --set 'grid.k=[' --out a.h5
expect_failure "--grace nan" 2 "grace must be a finite number of seconds >= 0, got nan" -- "$V" run base.toml --grace nan --out a.h5
expect_failure "--max-failures -1" 2 "max-failures must be 0 .* got -1" -- "$V" run base.toml --max-failures -1 --out a.h5
expect_failure "--sync-every nan" 2 "sync-every must be a finite number" -- "$V" run base.toml --sync-every nan --out a.h5
[ ! -e a.h5 ] && [ ! -e a.h5.shards ] && pass "refused options write nothing, not even the shard folder" ||
  fail "a refused option left $(ls -d a.h5* 2>/dev/null)"

# Inputs that are not regular files are named for what they are, at once (a FIFO would block,
# /dev/zero would never end); an empty study file is refused instead of running the defaults.
mkfifo fifo.csv
printf '[data]\nsource = "table"\npath = "fifo.csv"\n' > fifo.toml
expect_failure "a FIFO as data" 1 "fifo.csv: cannot open the CSV file: it is a FIFO" -- timeout 20 "$V" run fifo.toml --out a.h5
printf '[data]\nsource = "table"\npath = "/dev/zero"\n' > zero.toml
expect_failure "/dev/zero as data" 1 "/dev/zero: cannot open the CSV file: it is a character device" -- timeout 20 "$V" run zero.toml --out a.h5
mkdir folder.csv
printf '[data]\nsource = "table"\npath = "folder.csv"\n' > folder.toml
expect_failure "a directory as data" 1 "folder.csv: cannot open the CSV file: it is a directory" -- "$V" run folder.toml --out a.h5
: > empty.toml
expect_failure "an empty study file" 1 "empty.toml: the study file is empty" -- "$V" run empty.toml --out a.h5
[ ! -e a.h5 ] && pass "nothing written for unreadable inputs" || fail "a.h5 was written"

# --out that is not a results file: a device, the study itself, its data; nothing is touched.
cp small.csv table_copy.csv
printf '[data]\nsource = "table"\npath = "table_copy.csv"\nlabels = ["label"]\n[model]\nepochs = 2\n[cluster]\nk = 2\n' > table.toml
study_before=$(sha256sum table.toml table_copy.csv)
expect_failure "--out the study file" 1 "table.toml: --out is the study file itself" -- "$V" run table.toml --out table.toml --overwrite
expect_failure "--out the data table" 1 "table_copy.csv: --out is the study's data \(data.path\)" -- \
  "$V" run table.toml --out table_copy.csv --overwrite
[ "$(sha256sum table.toml table_copy.csv)" = "$study_before" ] && pass "the study and its data untouched" ||
  fail "the study or its data changed"
if mknod device.h5 c 1 3 2>/dev/null; then
  expect_failure "--out a character device" 1 "device.h5: --out must name a results file; this is a character device" -- \
    "$V" run table.toml --out device.h5 --overwrite
  [ -c device.h5 ] && pass "the device is left a device" || fail "device.h5 was replaced"
else
  pass "mknod not permitted here: the device case is covered by /dev/null below"
fi
expect_failure "--out /dev/null" 1 "/dev/null: --out must name a results file; this is a character device" -- \
  "$V" run table.toml --out /dev/null --overwrite

# An existing results file is refused and left exactly as it was.
echo "precious" > exists.h5
before=$(sha256sum exists.h5)
expect_failure "existing output" 1 "exists.h5.*already exists.*--overwrite" -- "$V" run base.toml --out exists.h5
expect_failure "existing output, 2 ranks" 1 "already exists" -- "$MPIEXEC" -n 2 "$V" run base.toml --out exists.h5
[ "$before" = "$(sha256sum exists.h5)" ] && pass "existing file untouched" || fail "existing file was changed"

# Truncated and non-HDF5 results files.
"$V" run base.toml --out good.h5 -q || fail "small run"
head -c 2000 good.h5 > truncated.h5
expect_failure "truncated results" 1 "truncated.h5" -- "$V" rank truncated.h5
expect_failure "not HDF5" 1 "small.csv" -- "$V" rank small.csv
expect_failure "unknown metric" 1 "nmi_mood.*silhouette" -- "$V" rank good.h5 --metric nmi_mood
expect_failure "too many bootstrap samples" 2 "bootstrap-samples must be between 1 and 1000000, got 10000000000" -- \
  "$V" rank good.h5 --ci bootstrap --bootstrap-samples 10000000000
expect_failure "a negative --top" 2 "top must be 0 .* got -1" -- "$V" rank good.h5 --top -1
expect_failure "an empty --group-by" 2 "group-by needs at least one key" -- "$V" rank good.h5 --group-by ""
long_name=$(printf 'x%.0s' $(seq 1 300)).h5
expect_failure "a results file name too long for the file system" 1 "${long_name}.*File name too long" -- \
  "$V" run base.toml --out "$long_name"

# The command line itself.
expect_failure "unknown command" 2 "unknown command \"frobnicate\"" -- "$V" frobnicate
expect_failure "unknown option" 2 "unrecognised option '--bogus'" -- "$V" run base.toml --bogus
expect_failure "missing argument" 2 "study.*required" -- "$V" run
expect_failure "unknown format" 1 "valid formats are: md, csv" -- "$V" rank good.h5 --format xml
expect_failure "threads per rank" 1 "OMP_NUM_THREADS=\"many\": expected a whole number" -- \
  env OMP_NUM_THREADS=many "$V" run base.toml --out threads.h5
[ ! -e threads.h5 ] && pass "a bad thread count writes nothing" || fail "threads.h5 was written"
finish
