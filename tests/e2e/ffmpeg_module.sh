#!/usr/bin/env bash
# FFmpeg on demand (src/audio/ffmpeg_backend.hpp) with the real executable: it links none of
# FFmpeg's libraries, so `--version` and a run on WAV files never map them (ld.so's own log says
# which files a process opened); a folder with an M4A file opens vaesweep_ffmpeg.so beside the
# executable and decodes it as the WAV it was made from (close MFCC means); a missing module
# makes that file a bad file whose reason names the module, the path tried and the system's
# reason, while the WAV files are read, and `--on-bad-file fail` is a user error (exit 1).
source "$(dirname "$0")/lib.sh"
clips="$SHARED_DATA/audio/gtzan-mini"
if [ ! -f "$clips/blues.00000.wav" ]; then
  echo "skipped: $clips is not there"
  exit 77
fi
if ! ffmpeg -version >/dev/null 2>&1; then
  echo "skipped: the ffmpeg command makes the M4A fixture (apt-get install ffmpeg)"
  exit 77
fi
module="$(dirname "$VAESWEEP")/vaesweep_ffmpeg.so"
[ -f "$module" ] && pass "the module is built beside the executable: $module" || fail "no $module"
if ldd "$VAESWEEP" | grep -qE "libav(codec|format|util)|libswresample"; then
  fail "the executable links FFmpeg's libraries: $(ldd "$VAESWEEP" | grep -E 'libav|libsw' | tr '\n' ' ')"
else
  pass "the executable links none of FFmpeg's libraries ($(ldd "$VAESWEEP" | wc -l) shared objects)"
fi

mkdir -p wav m4a
cp "$clips/blues.00000.wav" "$clips/disco.00000.wav" wav/
cp wav/blues.00000.wav m4a/
ffmpeg -nostdin -loglevel error -y -i "$clips/disco.00000.wav" -c:a aac -b:a 192k m4a/disco.00000.m4a ||
  fail "ffmpeg could not make the M4A fixture"

opens version libavcodec -- "$VAESWEEP" --version; [ $? = 1 ] &&
  pass "--version maps no FFmpeg library" || fail "--version maps FFmpeg"
opens wav vaesweep_ffmpeg.so -- "$VAESWEEP" features --audio wav --out wav.csv --no-cache -q; [ $? = 1 ] &&
  pass "features of WAV files never open the module" || fail "features of WAV files opened the module"
opens m4a vaesweep_ffmpeg.so -- "$VAESWEEP" features --audio m4a --out m4a.csv --no-cache -q &&
  pass "features of an M4A file open the module" || fail "the M4A file did not open the module"
/usr/bin/python3 - <<'PY' && pass "the M4A file's row is the WAV original's, to lossy-coding precision" || fail "M4A row differs from the WAV's"
import csv, sys
def rows(path):
    with open(path) as f:
        return {r["filename"].rsplit(".", 1)[0]: r for r in csv.DictReader(f)}
wav, m4a = rows("wav.csv"), rows("m4a.csv")
if sorted(wav) != sorted(m4a):
    sys.exit(f"rows {sorted(wav)} != {sorted(m4a)}")
a, b = wav["disco.00000"], m4a["disco.00000"]
cols = [c for c in a if c.startswith("mfcc") and c.endswith("mean")]
worst = max(abs(float(a[c]) - float(b[c])) / (1 + abs(float(a[c]))) for c in cols)
print(len(cols), "MFCC means, worst relative difference", worst)
sys.exit(0 if cols and worst < 0.05 else 1)
PY

# No module where it is looked for: the M4A file is a bad file, with the reason; the WAV is read.
export VAESWEEP_FFMPEG_MODULE="$WORK/nowhere/vaesweep_ffmpeg.so"
"$VAESWEEP" features --audio m4a --out missing.csv --no-cache 2>missing.txt &&
  grep -q "vaesweep_ffmpeg.so" missing.txt && grep -q "$WORK/nowhere/vaesweep_ffmpeg.so: .*No such file" missing.txt &&
  [ "$(grep -c blues missing.csv)" = 1 ] && [ "$(grep -c disco missing.csv)" = 0 ] &&
  pass "without the module the M4A file is skipped, named with the module and the reason" ||
  fail "missing module: $(cat missing.txt)"
expect_failure "without the module, --on-bad-file fail" 1 "disco.00000.m4a.*needs FFmpeg.*vaesweep_ffmpeg.so" -- \
  "$VAESWEEP" features --audio m4a --out fail.csv --no-cache --on-bad-file fail
echo "not a shared object" >"$WORK/broken.so"
export VAESWEEP_FFMPEG_MODULE="$WORK/broken.so"
expect_failure "a broken module: dlerror's reason" 1 "broken.so: .*(invalid ELF header|file too short)" -- \
  "$VAESWEEP" features --audio m4a --out broken.csv --no-cache --on-bad-file fail
unset VAESWEEP_FFMPEG_MODULE
finish
