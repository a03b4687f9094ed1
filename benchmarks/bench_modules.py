"""Side-by-side timing of one training epoch: nnlib's modules vs PyTorch eager, both on 1 thread.

MLP 784-256-128-10, float32, plain SGD, softmax cross-entropy, synthetic MNIST-shaped data.
Runs are interleaved (nnlib, torch, nnlib, ...) and the best of ``--repeats`` is kept, so the
ratio is robust to a noisy machine; CPU seconds (``time.process_time``, both sides on one thread)
are reported beside wall seconds because they hardly move when other processes compete for the
cores. Prints one table row per batch size.

    python benchmarks/bench_modules.py [--samples 60000] [--batches 32 128 512] [--repeats 3]
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import nnlib  # noqa: E402

SIZES = (784, 256, 128, 10)


def nnlib_epoch(model, loss_fn, opt, X, y, batch):
    for i in range(0, len(X) - batch + 1, batch):
        xb, yb = X[i : i + batch], y[i : i + batch]
        opt.zero_grad()
        loss_fn.forward(model(xb), yb)
        model.backward(loss_fn.backward())
        opt.step()


def torch_epoch(torch, model, loss_fn, opt, X, y, batch):
    for i in range(0, len(X) - batch + 1, batch):
        xb, yb = X[i : i + batch], y[i : i + batch]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--batches", type=int, nargs="+", default=[32, 128, 512])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.random((args.samples, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], args.samples)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    layers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(nnlib.Linear(a, b, rng=rng))
        if i < len(SIZES) - 2:
            layers.append(nnlib.ReLU())
    model = nnlib.Sequential(*layers)
    loss_fn, opt = nnlib.CrossEntropyLoss(), nnlib.SGD(model.parameters(), lr=0.01)

    tlayers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        tlayers.append(torch.nn.Linear(a, b))
        if i < len(SIZES) - 2:
            tlayers.append(torch.nn.ReLU())
    tmodel = torch.nn.Sequential(*tlayers)
    tloss, topt = torch.nn.CrossEntropyLoss(), torch.optim.SGD(tmodel.parameters(), lr=0.01)

    print(f"{'batch':>6} {'nnlib s':>9} {'torch s':>9} {'ratio':>6} {'nnlib cpu':>10} {'torch cpu':>10} {'ratio':>6}")
    for batch in args.batches:
        wall = {"nnlib": float("inf"), "torch": float("inf")}
        cpu = dict(wall)
        runs = {
            "nnlib": lambda xs, ys: nnlib_epoch(model, loss_fn, opt, xs, ys, batch),  # noqa: B023 (called in this iteration)
            "torch": lambda xs, ys: torch_epoch(torch, tmodel, tloss, topt, xs, ys, batch),  # noqa: B023
        }
        data = {"nnlib": (X, y), "torch": (Xt, yt)}
        for name, run in runs.items():  # warm-up
            run(data[name][0][: batch * 20], data[name][1][: batch * 20])
        for _ in range(args.repeats):
            for name, run in runs.items():
                w0, c0 = time.perf_counter(), time.process_time()
                run(*data[name])
                wall[name] = min(wall[name], time.perf_counter() - w0)
                cpu[name] = min(cpu[name], time.process_time() - c0)
        print(
            f"{batch:>6} {wall['nnlib']:>9.3f} {wall['torch']:>9.3f} {wall['nnlib'] / wall['torch']:>6.2f} "
            f"{cpu['nnlib']:>10.3f} {cpu['torch']:>10.3f} {cpu['nnlib'] / cpu['torch']:>6.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
