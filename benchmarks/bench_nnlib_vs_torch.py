"""Seconds per training epoch: nnlib through its public API vs PyTorch eager on the CPU, both on 1 thread.

MLP 784-256-128-10, float32, SGD(lr=0.01), softmax cross-entropy, MNIST-shaped synthetic data
(60,000 samples by default). nnlib runs ``nnlib.fit(..., progress=False)``; PyTorch runs the
idiomatic eager loop doing the same work (shuffle, gather each batch, zero_grad, forward, loss,
backward, step, running loss and accuracy). Both start from the same weights (``to_torch``).
Runs are interleaved (nnlib, torch, nnlib, torch, ...) and the best of ``--repeats`` is kept, so a
busy machine disturbs both sides alike. Timings are printed, never asserted.

    python benchmarks/bench_nnlib_vs_torch.py [--samples 60000] [--batches 32 128 512] [--repeats 3] [--json]
"""

import time  # noqa: E402

import _common  # noqa: F401  (first: one BLAS thread before NumPy loads)
import numpy as np  # noqa: E402

import nnlib  # noqa: E402

SIZES = (784, 256, 128, 10)
LR = 0.01
TARGETS = {32: 0.70, 128: 0.85}  # nnlib seconds / torch seconds, at most


def build_nnlib(rng):
    """The benchmark's MLP as an nnlib Sequential."""
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(nnlib.Linear(fan_in, fan_out, rng=rng))
        if i < len(SIZES) - 2:
            layers.append(nnlib.ReLU())
    return nnlib.Sequential(*layers)


def synthetic_mnist(rng, n):
    """``n`` MNIST-shaped samples: pixels in [0, 1) as float32 ``(n, 784)``, labels int64 ``(n,)``."""
    return rng.random((n, SIZES[0]), dtype=np.float32), rng.integers(0, SIZES[-1], n)


def nnlib_epoch(model, loss, optimizer, X, y, batch_size, rng):
    start = time.perf_counter()
    nnlib.fit(model, loss, optimizer, X, y, epochs=1, batch_size=batch_size, rng=rng, progress=False)
    return time.perf_counter() - start


def torch_epoch(torch, model, optimizer, X, y, batch_size, rng):
    cross_entropy = torch.nn.functional.cross_entropy
    start = time.perf_counter()
    n = len(X)
    order = torch.from_numpy(rng.permutation(n))
    total_loss = 0.0
    correct = torch.zeros((), dtype=torch.int64)
    for first in range(0, n, batch_size):
        idx = order[first : first + batch_size]
        xb, yb = X[idx], y[idx]
        optimizer.zero_grad()
        out = model(xb)
        loss = cross_entropy(out, yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(idx)
        correct += (out.argmax(dim=1) == yb).sum()
    _ = total_loss / n, correct.item() / n
    return time.perf_counter() - start


def measure(samples=60000, batches=(32, 128, 512), repeats=3):
    """Best seconds per epoch of both libraries for each batch size, as table rows."""
    import torch

    from nnlib.torch import to_torch

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set in this process
        pass
    rng = np.random.default_rng(0)
    X, y = synthetic_mnist(rng, samples)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rows = []
    for batch_size in batches:
        model = build_nnlib(np.random.default_rng(1))
        t_model = to_torch(model)
        loss = nnlib.CrossEntropyLoss()
        opt = nnlib.SGD(model.parameters(), lr=LR)
        t_opt = torch.optim.SGD(t_model.parameters(), lr=LR)
        warm = min(len(X), 8 * batch_size)
        nnlib_epoch(model, loss, opt, X[:warm], y[:warm], batch_size, rng)
        torch_epoch(torch, t_model, t_opt, Xt[:warm], yt[:warm], batch_size, rng)
        ours, theirs = [], []
        for _ in range(repeats):
            ours.append(nnlib_epoch(model, loss, opt, X, y, batch_size, rng))
            theirs.append(torch_epoch(torch, t_model, t_opt, Xt, yt, batch_size, rng))
        ratio = min(ours) / min(theirs)
        target = TARGETS.get(batch_size)
        rows.append(
            _common.row(
                "epoch time, nnlib vs torch (1 thread)",
                f"batch {batch_size}, {samples} samples",
                f"nnlib {min(ours):.3f} s",
                f"torch {min(theirs):.3f} s",
                f"{ratio:.2f}x",
                f"<= {target:.2f}x" if target else "",
                None if target is None else ratio <= target,
            )
        )
    return rows


def main(argv=None):
    _common.cli(measure, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    main()
