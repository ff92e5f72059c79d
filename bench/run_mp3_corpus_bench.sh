#!/usr/bin/env bash
# `vaesweep features` on a corpus of 30-s 44.1 kHz stereo MP3s, against a Python peer
# (mp3_corpus_python_peer.py: ffmpeg CLI decode + scipy resample_poly + NumPy MFCC), both on
# THREADS cores, in the same run; prints wall seconds per file and extrapolated to 1,000 files.
#
#   bench/run_mp3_corpus_bench.sh [VAESWEEP] [FILES] [THREADS] [AUDIO_DIR]
#
# The corpus: FILES (default 40) MP3s made with the ffmpeg CLI from the GTZAN clips of
# AUDIO_DIR (default ../shared/data/audio/gtzan-mini), taken in turn, each upsampled to
# 44.1 kHz stereo (ffmpeg's soxr resampler), given its own gain (so that no two files are
# alike) and encoded with LAME at 128 kb/s, like a store's preview; made once, untimed. Both
# sides compute MFCC-20 mean and variance at 22050 Hz; vaesweep runs without its feature
# cache (--no-cache), so it extracts every file; it runs twice, with features.resample =
# "soxr_hq" (the default) and "sinc_best" (the resampler it had before).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vaesweep="${1:-$root/build/vaesweep}"
files="${2:-40}"
threads="${3:-2}"
audio_dir="${4:-$root/../shared/data/audio/gtzan-mini}"
work="$(mktemp -d "${TMPDIR:-/tmp}/mp3_bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

mapfile -t clips < <(ls "$audio_dir"/*.wav | sort)
mkdir -p "$work/mp3"
for ((i = 0; i < files; i++)); do
  clip="${clips[$((i % ${#clips[@]}))]}"
  gain="0.$((70 + i % 30))"
  ffmpeg -nostdin -loglevel error -y -i "$clip" -af "aresample=44100:resampler=soxr,volume=$gain" -ac 2 \
    -c:a libmp3lame -b:a 128k "$work/mp3/$(printf 'track%04d' "$i").mp3"
done
echo "host: $(uname -n), $(nproc --all) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $files MP3s, 30 s, 44.1 kHz stereo, 128 kb/s ($(du -sh "$work/mp3" | cut -f1))"

# Wall seconds (what a user waits) and CPU seconds (user + system of the command and every
# process it started: less sensitive to other load on a shared machine), per file and
# extrapolated to 1,000 files.
report() {  # NAME WALL USER SYS
  awk -v name="$1" -v w="$2" -v u="$3" -v s="$4" -v n="$files" 'BEGIN {
    printf "%-58s wall %6.2f s = %6.3f s/file = %6.1f s per 1,000 files; CPU %6.3f s/file\n", name, w, w / n, 1000 * w / n, (u + s) / n }'
}
TIMEFORMAT='%R %U %S'
{ time "$vaesweep" features --audio "$work/mp3" --out "$work/ours.csv" --no-cache --threads "$threads" -q \
    --set features.n_mfcc=20 --set 'features.statistics=["mean", "var"]' >/dev/null; } 2> "$work/ours.time"
report "vaesweep features (libsndfile, soxr_hq), $threads threads" $(tail -1 "$work/ours.time")
# The same with libsamplerate's best sinc, vaesweep's resampler before features.resample.
{ time "$vaesweep" features --audio "$work/mp3" --out "$work/sinc.csv" --no-cache --threads "$threads" -q \
    --set features.n_mfcc=20 --set 'features.statistics=["mean", "var"]' --set 'features.resample="sinc_best"' >/dev/null; } 2> "$work/sinc.time"
report "vaesweep features (libsndfile, sinc_best), $threads threads" $(tail -1 "$work/sinc.time")
{ time /usr/bin/python3 "$root/bench/mp3_corpus_python_peer.py" "$work/mp3" "$threads" >/dev/null; } 2> "$work/peer.time"
report "Python peer (ffmpeg CLI, resample_poly, NumPy), $threads procs" $(tail -1 "$work/peer.time")
