"""The PyTorch peers of bench/gpu/check.sh, on the same device and the same work as
bench_stacked: each model trained one at a time (the usual loop: randperm per epoch, Adam 1e-3,
batch 64), and M models at once by torch.func ensembling (stack_module_state +
vmap(functional_call), PyTorch >= 2.0). MLP VAE on the table; conv 2-D VAE on random images.
Seconds per model, median of --repeats; prints Markdown rows and writes them to OUT/peer.md.
Torch only (no NumPy): the GPU machine may have nothing else. Without torch, or without
torch.func (Debian's PyTorch 1.13), a peer says it is skipped and why."""
import argparse
import csv
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

EXCLUDED = ("filename", "length", "label", "language")


def read_table(path, torch):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    columns = []
    for c, name in enumerate(header):
        if name in EXCLUDED:
            continue
        try:
            columns.append([float(r[c]) for r in body])
        except ValueError:
            pass
    X = torch.tensor(columns, dtype=torch.float64).T
    return ((X - X.mean(0)) / X.std(0, unbiased=False).clamp_min(1e-12)).float()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--table", required=True)
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--members", default="1,16,128,1024")
    ap.add_argument("--conv-rows", type=int, default=10000)
    ap.add_argument("--conv-size", type=int, default=128)
    ap.add_argument("--conv-epochs", type=int, default=5)
    ap.add_argument("--conv-members", default="1,8,32")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=".")
    a = ap.parse_args()
    lines = []

    def row(workload, members, seconds):
        lines.append(f"| {workload} | {members} | {a.device} | {seconds:.6g} | {1 / seconds:.6g} |")
        print(lines[-1], flush=True)

    def skipped(workload, why):
        lines.append(f"| {workload} | - | {a.device} | skipped: {why} | |")
        print(f"peer: {workload} skipped: {why}", flush=True)

    try:
        import torch
    except ImportError as e:
        print(f"peer: skipped, PyTorch is not installed here ({e})")
        return write(a, lines)
    from vae_peer_models import VAE, ConvVAE, vae_loss
    device = torch.device(a.device)
    if device.type == "cpu":
        torch.set_num_threads(1)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    def timed(run):
        times = []
        for _ in range(a.repeats):
            start = time.perf_counter()
            run()
            sync()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    def one_at_a_time(make, data, epochs):
        n = data.shape[0]
        model = make().to(device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        for _ in range(epochs):
            order = torch.randperm(n, device=device)
            for b in range(0, n, 64):
                loss = vae_loss(model, data[order[b:b + 64]])
                opt.zero_grad()
                loss.backward()
                opt.step()

    try:
        from torch.func import functional_call, stack_module_state, vmap
    except ImportError:
        functional_call = None

    def ensemble(make, data, epochs, m):
        n = data.shape[0]
        models = [make().to(device) for _ in range(m)]
        params, buffers = stack_module_state(models)
        base = make().to("meta")
        opt = torch.optim.Adam(list(params.values()), lr=1e-3)

        def member_loss(p, b, x):
            return vae_loss(_Bound(base, p, b), x)

        losses = vmap(member_loss, in_dims=(0, 0, 0), randomness="different")
        for _ in range(epochs):
            orders = torch.stack([torch.randperm(n, device=device) for _ in range(m)])
            for b in range(0, n, 64):
                loss = losses(params, buffers, data[orders[:, b:b + 64]]).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()

    class _Bound:
        """A module's encode and decoder called with given parameters (functional_call)."""

        def __init__(self, module, params, buffers):
            self.module, self.state = module, (params, buffers)

        def encode(self, x):
            h = functional_call(self.module.encoder, self._sub("encoder."), (x,))
            return (functional_call(self.module.to_mean, self._sub("to_mean."), (h,)),
                    functional_call(self.module.to_logvar, self._sub("to_logvar."), (h,)))

        def decoder(self, z):
            return functional_call(self.module.decoder, self._sub("decoder."), (z,))

        def _sub(self, prefix):
            return {k[len(prefix):]: v for d in self.state for k, v in d.items() if k.startswith(prefix)}

    data = read_table(a.table, torch).to(device)
    images = torch.randn(a.conv_rows, a.conv_size * a.conv_size, generator=torch.Generator().manual_seed(7)).to(device)
    workloads = [
        (f"MLP VAE {data.shape[0]} x {data.shape[1]}, {a.epochs} epochs", lambda: VAE(data.shape[1]), data, a.epochs,
         a.members),
        (f"conv 2-D VAE {a.conv_rows} x {a.conv_size}^2, {a.conv_epochs} epochs",
         lambda: ConvVAE(a.conv_size, a.conv_size), images, a.conv_epochs, a.conv_members),
    ]
    for name, make, x, epochs, members in workloads:
        torch.manual_seed(1)
        row(name + ", PyTorch one at a time", 1, timed(lambda: one_at_a_time(make, x, epochs)))
        if functional_call is None:
            skipped(name + ", PyTorch torch.func ensemble", f"PyTorch {torch.__version__} has no torch.func (2.0 and later)")
            continue
        for m in [int(v) for v in members.split(",")]:
            try:
                row(name + ", PyTorch torch.func ensemble", m, timed(lambda: ensemble(make, x, epochs, m)) / m)
            except RuntimeError as e:  # out of memory at a large M: say so, go on
                skipped(f"{name}, PyTorch torch.func ensemble of {m}", str(e).splitlines()[0][:120])
    return write(a, lines)


def write(a, lines):
    with open(os.path.join(a.out, "peer.md"), "w") as f:
        f.write("\n".join(lines) + ("\n" if lines else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
