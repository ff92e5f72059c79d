#!/usr/bin/python3
"""NumPy/SciPy reference peer of bench_mfcc: the same MFCC-20 statistics, single-threaded.

The algorithm is the one of src/audio/spectrogram.hpp with SpectralParams{} (librosa's
defaults), written as a competent NumPy user would, vectorised over frames:
  reflect padding by n_fft/2, periodic Hann window, frames via numpy.lib.stride_tricks,
  numpy.fft.rfft, |X|^2, Slaney mel filterbank with Slaney norm (fmin 0, fmax sr/2,
  128 bands) applied as one matrix product, 10 log10(max(1e-10, S)) floored at max - 80 dB,
  scipy.fftpack.dct type 2 norm='ortho' along the mel axis, first 20, mean and population
  variance over frames. Everything in float64, as the C++ side.

  mfcc_numpy_reference.py AUDIO_DIR [--cpp-csv FILE] [--min-seconds S] [--tolerance T]

Reads every .wav of AUDIO_DIR with scipy.io.wavfile (int16 / 32768, as libsndfile does),
times decoding apart, then repeats the feature computation over all clips for at least S
seconds (default 5) after one untimed warm-up pass, and prints clips/s, seconds per clip and
x real time. With --cpp-csv it compares its rows with bench_mfcc's (matched by file name):
it prints the largest relative error |a - b| / max(|a|, |b|) and exits with status 3 when it
exceeds T (default 1e-4). The last line is machine-readable: "RESULT impl=numpy ...".
"""
import os

# One thread, set before NumPy is imported (BLAS reads these at load time).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy.fftpack  # noqa: E402
import scipy.io.wavfile  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

SR = 22050
N_FFT = 2048
HOP = 512
N_MELS = 128
N_MFCC = 20
AMIN = 1e-10
TOP_DB = 80.0


def hz_to_mel(hz):
    """Slaney mel scale (librosa.hz_to_mel, htk=False)."""
    hz = np.asarray(hz, dtype=np.float64)
    f_sp = 200.0 / 3.0
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(hz >= min_log_hz, min_log_mel + np.log(np.maximum(hz, min_log_hz) / min_log_hz) / logstep, hz / f_sp)


def mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    f_sp = 200.0 / 3.0
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(mel >= min_log_mel, min_log_hz * np.exp(logstep * (mel - min_log_mel)), f_sp * mel)


def mel_filterbank(sr=SR, n_fft=N_FFT, n_mels=N_MELS, fmin=0.0, fmax=None):
    """n_mels x (1 + n_fft/2) Slaney filterbank with Slaney (unit area) norm, as librosa.filters.mel."""
    fmax = sr / 2.0 if fmax is None else fmax
    fft_freqs = np.fft.rfftfreq(n_fft, d=1.0 / sr)
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_freqs[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights


WINDOW = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann
MEL_T = np.ascontiguousarray(mel_filterbank().T)  # (1 + n_fft/2) x n_mels


def mfcc_statistics(y):
    """[mfcc1_mean, mfcc1_var, ..., mfcc20_var] of a float64 signal at SR."""
    padded = np.pad(y, N_FFT // 2, mode="reflect")
    frames = sliding_window_view(padded, N_FFT)[::HOP]  # frames x n_fft, a strided view
    spectrum = np.fft.rfft(frames * WINDOW, axis=1)  # frames x (1 + n_fft/2)
    power = spectrum.real ** 2 + spectrum.imag ** 2
    mel = power @ MEL_T  # frames x n_mels
    db = 10.0 * np.log10(np.maximum(AMIN, mel))
    db = np.maximum(db, db.max() - TOP_DB)
    mfcc = scipy.fftpack.dct(db, type=2, norm="ortho", axis=1)[:, :N_MFCC]  # frames x 20
    return np.column_stack((mfcc.mean(axis=0), mfcc.var(axis=0))).ravel()


def read_wav(path):
    rate, data = scipy.io.wavfile.read(path)
    if data.dtype != np.int16:
        raise SystemExit(f"{path}: expected 16-bit PCM, got {data.dtype}")
    if data.ndim > 1:
        data = data.mean(axis=1)
    return rate, data.astype(np.float64) / 32768.0


def compare(rows, names, cpp_csv):
    with open(cpp_csv, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        cpp = {r[0]: np.array([float(v) for v in r[1:]]) for r in reader}
    expected = [f"mfcc{c}_{s}" for c in range(1, N_MFCC + 1) for s in ("mean", "var")]
    if header[1:] != expected:
        raise SystemExit(f"{cpp_csv}: unexpected columns {header[1:4]}...")
    worst, where = 0.0, ""
    for name, row in zip(names, rows):
        if name not in cpp:
            raise SystemExit(f"{cpp_csv}: no row for {name}")
        other = cpp[name]
        scale = np.maximum(np.maximum(np.abs(row), np.abs(other)), np.finfo(np.float64).tiny)
        rel = np.abs(row - other) / scale
        i = int(np.argmax(rel))
        if rel[i] > worst:
            worst, where = float(rel[i]), f"{name} {expected[i]}: numpy {row[i]!r}, cpp {other[i]!r}"
    return worst, where


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("audio_dir")
    ap.add_argument("--cpp-csv")
    ap.add_argument("--min-seconds", type=float, default=5.0)
    ap.add_argument("--tolerance", type=float, default=1e-4)
    args = ap.parse_args()

    names = sorted(n for n in os.listdir(args.audio_dir) if n.endswith(".wav"))
    if not names:
        raise SystemExit(f"no .wav files in {args.audio_dir}")

    start = time.perf_counter()
    clips = [read_wav(os.path.join(args.audio_dir, n)) for n in names]
    decode_seconds = time.perf_counter() - start
    for (rate, _), name in zip(clips, names):
        if rate != SR:
            raise SystemExit(f"{name}: {rate} Hz, expected {SR}")
    signals = [y for _, y in clips]
    audio_seconds = sum(len(y) for y in signals) / SR

    rows = [mfcc_statistics(y) for y in signals]  # warm-up; these rows are compared

    done = 0
    start = time.perf_counter()
    while True:
        for y in signals:
            mfcc_statistics(y)
            done += 1
        elapsed = time.perf_counter() - start
        if elapsed >= args.min_seconds:
            break
    passes = done / len(signals)
    clips_per_s = done / elapsed
    x_realtime = passes * audio_seconds / elapsed

    print(f"mfcc_numpy_reference: numpy {np.__version__}, scipy {scipy.__version__}, {len(signals)} clips from {args.audio_dir}")
    print(f"  decode (scipy.io.wavfile, once): {decode_seconds:.4f} s, {decode_seconds / len(signals):.5f} s per clip, "
          f"{audio_seconds / decode_seconds:.0f}x real time")
    print(f"  MFCC-{N_MFCC} mean+var, 1 thread: {done} clips in {elapsed:.3f} s: {clips_per_s:.2f} clips/s, "
          f"{elapsed / done:.5f} s per clip, {x_realtime:.0f}x real time")
    status = 0
    max_rel = float("nan")
    if args.cpp_csv:
        max_rel, where = compare(rows, names, args.cpp_csv)
        verdict = "agree" if max_rel <= args.tolerance else f"DISAGREE (tolerance {args.tolerance:g})"
        print(f"  vs C++ ({args.cpp_csv}): max relative error {max_rel:.3e} ({where}): {verdict}")
        if max_rel > args.tolerance:
            status = 3
    print(f"RESULT impl=numpy clips={len(signals)} clips_per_s={clips_per_s:.4f} s_per_clip={elapsed / done:.6f} "
          f"x_realtime={x_realtime:.2f} decode_s_per_clip={decode_seconds / len(signals):.6f} max_rel_err={max_rel:.3e}")
    return status


if __name__ == "__main__":
    sys.exit(main())
