#!/usr/bin/python3
"""Peer of bench_resample: scipy.signal.resample_poly(y, 1, 2) (a polyphase Kaiser-window FIR,
scipy's default) on the same 44.1 kHz clips, CPU seconds per clip, best of 3 passes.

The 44.1 kHz clips are the GTZAN clips of AUDIO_DIR upsampled with resample_poly(y, 2, 1)
(untimed), as bench_resample upsamples them with soxr_vhq.

    resample_scipy_peer.py AUDIO_DIR
"""
import os
import sys
import time

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly


def main():
    folder = sys.argv[1]
    clips = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".wav"):
            rate, y = wavfile.read(os.path.join(folder, name))
            y = y.astype(np.float32) / 32768.0
            clips.append(resample_poly(y, 44100 // rate, 1).astype(np.float32))
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        for y in clips:
            resample_poly(y, 1, 2)
        best = min(best, (time.process_time() - t0) / len(clips))
    print(f"scipy resample_poly\t{best:.6g} s per clip")


if __name__ == "__main__":
    main()
