"""Share of the float32 GEMM peak that nnlib's training loop reaches, on 1 thread.

The loop is ``nnlib.fit`` on the MLP 784-256-128-10 (float32, SGD, cross-entropy, MNIST-shaped
synthetic data). Its useful work is counted from the matmuls it really executes per sample:
forward ``x @ W.T`` for the 3 layers, backward ``dW = g.T @ x`` for the 3 layers, and
``dX = g @ W`` for the 2 upper layers only (nobody needs the gradient wrt the data):
``2 * (784*256 + 256*128 + 128*10) * 2 + 2 * (256*128 + 128*10) = 1,007,104`` FLOPs per sample.

Peak = the best float32 ``np.matmul`` rate on large square matrices, measured in the same run.
A second row per batch size times those same matmuls alone (at the loop's shapes, no Python
around them): the gap between the two rows is the cost of everything that is not a GEMM.

    python benchmarks/bench_gemm_share.py [--samples 60000] [--batches 32 128 512] [--repeats 3] [--json]
"""

import time  # noqa: E402

import _common  # noqa: F401  (first: one BLAS thread before NumPy loads)
import numpy as np  # noqa: E402
from bench_nnlib_vs_torch import SIZES, build_nnlib, synthetic_mnist  # noqa: E402

import nnlib  # noqa: E402

TARGET = 0.75
PEAK_SIZE = 2048


def flops_per_sample(sizes=SIZES):
    """FLOPs of the matmuls one training sample costs (forward, dW for all, dX for the upper layers)."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    forward = sum(2 * a * b for a, b in pairs)
    weight_grads = forward
    input_grads = sum(2 * a * b for a, b in pairs[1:])
    return forward + weight_grads + input_grads


def gemm_peak(n=PEAK_SIZE, repeats=3):
    """Best float32 np.matmul rate (FLOP/s) for ``(n, n) @ (n, n)``."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    out = np.empty((n, n), np.float32)
    np.matmul(a, b, out=out)
    best = min(_timed(lambda: np.matmul(a, b, out=out)) for _ in range(repeats))
    return 2 * n**3 / best


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def matmuls_alone(samples, batch_size, rng):
    """Seconds for one epoch's matmuls at the loop's shapes, with preallocated outputs."""
    d0, d1, d2, d3 = SIZES
    W = [rng.standard_normal((b, a), dtype=np.float32) for a, b in zip(SIZES[:-1], SIZES[1:])]

    def one_epoch():
        for first in range(0, samples, batch_size):
            B = min(batch_size, samples - first)
            for x, w, g, need_dx in bufs[B]:
                np.matmul(x, w.T, out=g["y"])
                np.matmul(g["g"].T, x, out=g["dw"])
                if need_dx:
                    np.matmul(g["g"], w, out=g["dx"])

    bufs = {}
    for B in {batch_size, samples % batch_size or batch_size}:
        layers = []
        for i, (w, fan_in, fan_out) in enumerate(zip(W, (d0, d1, d2), (d1, d2, d3))):
            x = rng.random((B, fan_in), dtype=np.float32)
            g = {
                "y": np.empty((B, fan_out), np.float32),
                "g": rng.random((B, fan_out), dtype=np.float32),
                "dw": np.empty((fan_out, fan_in), np.float32),
                "dx": np.empty((B, fan_in), np.float32),
            }
            layers.append((x, w, g, i > 0))
        bufs[B] = layers
    one_epoch()
    return _timed(one_epoch)


def measure(samples=60000, batches=(32, 128, 512), repeats=3):
    rng = np.random.default_rng(0)
    X, y = synthetic_mnist(rng, samples)
    work = flops_per_sample() * samples
    rows = []
    peaks = [gemm_peak()]
    for batch_size in batches:
        model = build_nnlib(np.random.default_rng(1))
        loss = nnlib.CrossEntropyLoss()
        opt = nnlib.SGD(model.parameters(), lr=0.01)
        warm = min(samples, 8 * batch_size)
        nnlib.fit(model, loss, opt, X[:warm], y[:warm], 1, batch_size, rng, progress=False)
        loop, alone = [], []
        for _ in range(repeats):
            loop.append(_timed(lambda: nnlib.fit(model, loss, opt, X, y, 1, batch_size, rng, progress=False)))  # noqa: B023 (called at once)
            alone.append(matmuls_alone(samples, batch_size, rng))
        peaks.append(gemm_peak())  # interleaved with the loop, so both see the same machine load
        rows.append((batch_size, work / min(loop), work / min(alone)))
    peak = max(peaks)
    out = [
        _common.row(
            "float32 GEMM peak (1 thread)",
            f"np.matmul {PEAK_SIZE}x{PEAK_SIZE}",
            f"{peak / 1e9:.1f} GFLOP/s",
            "",
            "",
            "",
            None,
        )
    ]
    for batch_size, loop_rate, alone_rate in rows:
        share = loop_rate / peak
        out.append(
            _common.row(
                "GEMM share of nnlib.fit",
                f"batch {batch_size}, {samples} samples",
                f"{loop_rate / 1e9:.1f} GFLOP/s",
                f"peak {peak / 1e9:.1f} GFLOP/s",
                f"{100 * share:.0f} %",
                f">= {100 * TARGET:.0f} %",
                share >= TARGET,
            )
        )
        out.append(
            _common.row(
                "  same matmuls alone",
                f"batch {batch_size}",
                f"{alone_rate / 1e9:.1f} GFLOP/s",
                f"peak {peak / 1e9:.1f} GFLOP/s",
                f"{100 * alone_rate / peak:.0f} %",
                "",
                None,
            )
        )
    return out


def main(argv=None):
    _common.cli(measure, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    main()
