#!/usr/bin/python3
"""The Python peer of the training benchmark (bench/run_training_bench.sh): the D-64-32-z16 MLP
VAE trained the way the CSE425-style student projects train it, with Debian's PyTorch 1.13 on
one thread (run it with /usr/bin/python3).

    train_python_peer.py --data TABLE.csv [--repeats 3] [--epochs 50]
    train_python_peer.py --conv-rows N [--conv-bands 32 --conv-frames 64] [--repeats 3] [--epochs 50]

The same work as bench_training: every numeric column but `filename`, `length` and the label
sets `label` and `language`, z-scored (population standard deviation); ReLU encoder 64-32,
mean and log-variance heads of 16, the decoder mirroring it; Adam 1e-3, batch 64, a fresh
torch.randperm order per epoch; loss = squared error summed over features + beta * KL summed
over latent dimensions, both averaged over the batch; then the posterior means, reconstruction
and KL on all rows. Repetition r trains seed r + 1 with beta 1 or 4 (alternating), as
bench_training's members. With --conv-rows: the conv 2-D VAE of bench_training --conv-rows (as
vaesweep's VaeNet: Conv2d 1-16-32, kernel 3, stride 2, padding 1, ReLU; mean / log-variance
heads of 16; a Linear back to the last conv's size, then ConvTranspose2d mirroring the encoder)
on the same number of random images. Prints per repetition and then one machine-readable line:
    RESULT engine=python repeats=R s_per_model=MEDIAN min=... max=... loss=...
"""
import argparse
import statistics
import time

import numpy as np
import pandas as pd
import torch

from vae_peer_models import VAE, ConvVAE, kl_terms, vae_loss

EXCLUDED = ("filename", "length", "label", "language")


def load_table(path):
    table = pd.read_csv(path)
    X = table.drop(columns=[c for c in EXCLUDED if c in table.columns]).to_numpy(dtype=np.float64)
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


def train(X, seed, beta, epochs, batch_size=64, learning_rate=1e-3, image=None):
    torch.manual_seed(seed)
    data = torch.from_numpy(X.astype(np.float32))
    n = data.shape[0]
    model = VAE(data.shape[1]) if image is None else ConvVAE(*image)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(n)
        for begin in range(0, n, batch_size):
            x = data[order[begin:begin + batch_size]]
            loss = vae_loss(model, x, beta)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        mean, logvar = model.encode(data)
        reconstruction = ((model.decoder(mean) - data) ** 2).sum(1).mean().item()
        kl = kl_terms(mean, logvar).mean(0).sum().item()
    return reconstruction + beta * kl


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data")
    parser.add_argument("--conv-rows", type=int, default=0)
    parser.add_argument("--conv-bands", type=int, default=32)
    parser.add_argument("--conv-frames", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=50)
    args = parser.parse_args()
    torch.set_num_threads(1)
    image = None
    if args.conv_rows > 0:
        image = (args.conv_bands, args.conv_frames)
        X = np.random.default_rng(7).standard_normal((args.conv_rows, args.conv_bands * args.conv_frames))
    elif args.data:
        X = load_table(args.data)
    else:
        parser.error("--data or --conv-rows")
    seconds, losses = [], []
    for r in range(args.repeats):
        start = time.perf_counter()
        losses.append(train(X, seed=r + 1, beta=1.0 if r % 2 == 0 else 4.0, epochs=args.epochs, image=image))
        seconds.append(time.perf_counter() - start)
        print(f"repeat {r + 1}: {seconds[-1]:.3f} s, final loss {losses[-1]:.4f}", flush=True)
    print(f"RESULT engine=python repeats={args.repeats} s_per_model={statistics.median(seconds):.4f} "
          f"min={min(seconds):.4f} max={max(seconds):.4f} loss={losses[0]:.4f}")


if __name__ == "__main__":
    main()
