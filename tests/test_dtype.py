"""dtypes: float32 in -> float32 everywhere (no silent float64), integers -> float64, inputs untouched."""

import numpy as np
import pytest

from nnlib import GELU, SGD, Adam, CrossEntropyLoss, LeakyReLU, Linear, MSELoss, ReLU, Sequential, Sigmoid, SiLU, Tanh
from nnlib import functional as F

ELEMENTWISE = [
    F.step,
    F.sigmoid,
    F.tanh,
    F.relu,
    F.leaky_relu,
    F.gelu,
    lambda z: F.gelu(z, approximate="tanh"),
    F.silu,
    F.softmax,
    F.log_softmax,
    F.sigmoid_grad,
    F.tanh_grad,
    F.relu_grad,
    F.leaky_relu_grad,
    F.gelu_grad,
    lambda z: F.gelu_grad(z, approximate="tanh"),
    F.silu_grad,
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_functions_keep_the_float_dtype(dtype):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 3)).astype(dtype)
    labels = np.array([0, 1, 2, 0])
    for f in ELEMENTWISE:
        out = f(z)
        assert out.dtype == dtype and out.shape == z.shape, getattr(f, "__name__", f)
        assert f(z[0, 0]).dtype == dtype  # NumPy scalars too
    W, b = rng.standard_normal((5, 3)).astype(dtype), np.zeros(5, dtype)
    assert F.linear(z, W, b).dtype == dtype
    assert all(g.dtype == dtype for g in F.linear_backward(np.ones((4, 5), dtype), z, W))
    assert F.relu_backward(z, z).dtype == dtype
    assert F.sigmoid_backward(z, z).dtype == dtype
    assert F.softmax_cross_entropy_backward(z, labels).dtype == dtype
    assert F.mse_grad(z, np.zeros((4, 3))).dtype == dtype  # a float64 target does not promote
    for loss in (
        F.mse(z, z),
        F.cross_entropy_from_logits(z, labels),
        F.cross_entropy(F.softmax(z), labels),
        F.binary_cross_entropy(F.sigmoid(z), z > 0),
    ):
        assert isinstance(loss, float)


def test_integers_and_lists_become_float64():
    for f in ELEMENTWISE:
        assert f(np.array([[-2, 0, 3]])).dtype == np.float64
        assert f([[-2, 0, 3]]).dtype == np.float64
    assert F.linear([[1, 2]], [[1, 0], [0, 1]], [0, 0]).dtype == np.float64


def test_float32_model_stays_float32_end_to_end():
    rng = np.random.default_rng(1)
    model = Sequential(
        Linear(6, 8, rng=rng),
        ReLU(),
        Linear(8, 8, rng=rng),
        Tanh(),
        Linear(8, 8, rng=rng),
        Sigmoid(),
        Linear(8, 8, rng=rng),
        GELU(),
        Linear(8, 8, rng=rng),
        SiLU(),
        Linear(8, 8, rng=rng),
        LeakyReLU(),
        Linear(8, 3, rng=rng),
    )
    model.needs_input_grad = True
    loss = CrossEntropyLoss()
    for opt in (SGD(model.parameters(), lr=0.1, momentum=0.9), Adam(model.parameters())):
        for x in (rng.standard_normal((5, 6)), rng.standard_normal((5, 6)).astype(np.float32), [[0] * 6] * 5):
            opt.zero_grad()
            out = model(x)
            assert out.dtype == np.float32
            loss.forward(out, [0, 1, 2, 0, 1])
            g = loss.backward()
            assert g.dtype == np.float32
            dx = model.backward(g)
            assert dx.dtype == np.float32
            opt.step()
            for name, p in model.named_parameters():
                assert p.data.dtype == np.float32 and p.grad.dtype == np.float32, name
    for m in model:  # every activation computed in float32 (its input's dtype)
        out = m.forward(np.ones((2, m.in_features if isinstance(m, Linear) else 8), np.float32))
        assert out.dtype == np.float32


def test_activations_follow_their_input_dtype():
    for m in (ReLU(), LeakyReLU(), Sigmoid(), Tanh(), GELU(), SiLU()):
        for dtype in (np.float32, np.float64):
            x = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
            assert m(x).dtype == dtype
            assert m.backward(np.ones_like(x)).dtype == dtype
        assert m(np.array([[1, -1]])).dtype == np.float64


def test_float64_model_and_mse():
    rng = np.random.default_rng(2)
    model = Sequential(Linear(2, 4, rng=rng, dtype=np.float64), Tanh(), Linear(4, 1, rng=rng, dtype=np.float64))
    out = model(rng.standard_normal((3, 2)).astype(np.float32))
    assert out.dtype == np.float64
    loss = MSELoss()
    loss(out, np.zeros(3, np.float32))
    assert loss.backward().dtype == np.float64
    out32 = Linear(2, 1, rng=rng)(np.ones((3, 2)))
    loss(out32, np.zeros(3))
    assert loss.backward().dtype == np.float32


def test_modules_and_losses_never_modify_inputs():
    rng = np.random.default_rng(3)
    model = Sequential(Linear(4, 5, rng=rng), ReLU(), Linear(5, 3, rng=rng))
    model.needs_input_grad = True
    for x in (rng.standard_normal((6, 4)), rng.standard_normal((6, 4)).astype(np.float32)):
        x0 = x.copy()
        y = np.array([0, 1, 2, 0, 1, 2])
        y0 = y.copy()
        loss = CrossEntropyLoss()
        out = model(x)
        out0 = out.copy()
        loss.forward(out, y)
        g = loss.backward()
        g0 = g.copy()
        model.backward(g)
        np.testing.assert_array_equal(x, x0)
        np.testing.assert_array_equal(y, y0)
        np.testing.assert_array_equal(out, out0)
        np.testing.assert_array_equal(g, g0)
    for m in (ReLU(), LeakyReLU(), Sigmoid(), Tanh(), GELU(), SiLU()):
        x = rng.standard_normal((3, 3))
        x0 = x.copy()
        m(x)
        g = np.ones_like(x)
        m.backward(g)
        np.testing.assert_array_equal(x, x0)
        np.testing.assert_array_equal(g, 1.0)
