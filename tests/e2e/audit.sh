#!/usr/bin/env bash
# vaesweep audit: on the real GTZAN + BanglaBeats table `length` alone gives away the language
# (every Bangla row has length 661500: ../shared/data/README.md) and the file name's prefix the
# genre; the audit flags both, for a table and for a study's data; bad input is named.
source "$(dirname "$0")/lib.sh"
table="$SHARED_DATA/features/gtzan_banglabeats_30s.csv"
[ -f "$table" ] || { echo "skipped: $table is not there"; exit 77; }

"$VAESWEEP" audit --table "$table" --labels label,language --format csv >audit.csv 2>audit.err ||
  fail "audit of the table: $(cat audit.err)"
grep -q "^language,length,numeric,1,35,.*,1$" audit.csv && pass "length is flagged against language" ||
  fail "length vs language: $(grep length audit.csv)"
grep -q "^label,filename (leading token),text,1,18,1.0000,.*,1$" audit.csv &&
  pass "the file name's leading token is flagged against the genre" || fail "filename token: $(grep filename audit.csv)"
grep -q "warning: length alone predicts language" audit.err && pass "a warning names the confound" ||
  fail "warnings: $(cat audit.err)"
# Every non-label column against both label sets: 59 columns + the file name's token, twice.
[ "$(($(wc -l <audit.csv) - 1))" -eq 120 ] && pass "every column is audited, the excluded ones too" ||
  fail "audit rows: $(wc -l <audit.csv)"
"$VAESWEEP" audit --study "$PROJECT/sweeps/gtzan_banglabeats_table.toml" >study.md 2>study.err &&
  grep -q "| length | numeric | yes |" study.md && grep -q "length alone predicts language" study.err &&
  pass "audit --study reads the study's table and label sets" || fail "audit --study: $(cat study.err)"

expect_failure "no label sets" 1 "name the label set columns with --labels" -- "$VAESWEEP" audit --table "$table"
expect_failure "unknown label set" 1 "genre" -- "$VAESWEEP" audit --table "$table" --labels genre
expect_failure "missing table" 1 "nope.csv" -- "$VAESWEEP" audit --table nope.csv --labels label
expect_failure "table and study" 1 "exactly one of --table and --study" -- \
  "$VAESWEEP" audit --table "$table" --study x.toml --labels label
expect_failure "bad threshold" 1 "threshold" -- "$VAESWEEP" audit --table "$table" --labels label --threshold 3
finish
