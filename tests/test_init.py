"""nnlib.init: shapes, dtypes, bounds and statistics of Glorot/He initialisers (never one exact stream)."""

import math

import numpy as np
import pytest

from nnlib import he_normal, he_uniform, xavier_normal, xavier_uniform

UNIFORM = {xavier_uniform: lambda i, o: math.sqrt(6 / (i + o)), he_uniform: lambda i, o: math.sqrt(6 / i)}
NORMAL = {xavier_normal: lambda i, o: math.sqrt(2 / (i + o)), he_normal: lambda i, o: math.sqrt(2 / i)}
ALL = [*UNIFORM, *NORMAL]


@pytest.mark.parametrize("init", ALL, ids=lambda f: f.__name__)
def test_shape_and_dtype(init):
    w = init(784, 256, np.random.default_rng(0))
    assert w.shape == (256, 784) and w.dtype == np.float64
    assert init(3, 5, np.random.default_rng(0), dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError):
        init(0, 5, np.random.default_rng(0))


@pytest.mark.parametrize("init", list(UNIFORM), ids=lambda f: f.__name__)
def test_uniform_bounds_and_spread(init):
    fan_in, fan_out = 400, 300
    w = init(fan_in, fan_out, np.random.default_rng(1))
    bound = UNIFORM[init](fan_in, fan_out)
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound  # fills the interval
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert abs(w.mean()) < 0.01 * bound


@pytest.mark.parametrize("init", list(NORMAL), ids=lambda f: f.__name__)
def test_normal_std(init):
    fan_in, fan_out = 400, 300
    w = init(fan_in, fan_out, np.random.default_rng(2))
    std = NORMAL[init](fan_in, fan_out)
    assert abs(w.std() - std) < 0.02 * std
    assert abs(w.mean()) < 0.02 * std
    assert np.abs(w).max() > 3 * std  # a normal, not a uniform


@pytest.mark.parametrize("init", ALL, ids=lambda f: f.__name__)
def test_randomness_comes_only_from_rng(init):
    a = init(20, 10, np.random.default_rng(3))
    b = init(20, 10, np.random.default_rng(3))
    c = init(20, 10, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_he_keeps_relu_signal_scale():
    """He init is what keeps activations from vanishing through a deep ReLU stack (lesson 07)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((500, 256))
    for _ in range(10):
        x = np.maximum(x @ he_normal(256, 256, rng).T, 0)
    assert 0.5 < np.sqrt(np.mean(x**2)) < 2.0
