#!/usr/bin/python3
"""Python peer of `vaesweep features` on an MP3 corpus (bench/run_mp3_corpus_bench.sh): each file
decoded by the ffmpeg command-line tool to 32-bit float mono PCM at its own rate (the floor of
what a Python decoder costs: FFmpeg's own decoders, no Python in the loop), resampled 44.1 ->
22.05 kHz with scipy.signal.resample_poly, and MFCC-20 mean/var statistics computed with
mfcc_numpy_reference.mfcc_statistics (librosa's algorithm in NumPy/SciPy). Files are spread
over PROCESSES worker processes (multiprocessing.Pool), as a user would do.

    mp3_corpus_python_peer.py AUDIO_DIR PROCESSES

Prints the wall seconds for the whole corpus and per file.
"""
import os
import subprocess
import sys
import time
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402

import mfcc_numpy_reference as ref  # noqa: E402  (sets one BLAS thread per process)


def features(path):
    pcm = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-f", "f32le", "-ac", "1", "-"],
                         check=True, capture_output=True).stdout
    y = np.frombuffer(pcm, dtype=np.float32).astype(np.float64)
    y = resample_poly(y, 1, 2)  # 44100 -> 22050 Hz
    return ref.mfcc_statistics(y)


def main():
    folder, processes = sys.argv[1], int(sys.argv[2])
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".mp3"))
    start = time.perf_counter()
    with Pool(processes) as pool:
        rows = pool.map(features, files, chunksize=1)
    wall = time.perf_counter() - start
    assert len(rows) == len(files) and all(np.isfinite(r).all() for r in rows)
    print(f"python peer (ffmpeg CLI decode + resample_poly + NumPy MFCC), {processes} processes: "
          f"{wall:.2f} s for {len(files)} files, {wall / len(files):.3f} s per file")


if __name__ == "__main__":
    main()
