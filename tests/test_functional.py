"""nnlib.functional: values, properties (Hypothesis), gradients (numerical, by assert), PyTorch reference."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib import functional as F
from nnlib.gradcheck import numerical_gradient, relative_error

FAST = settings(deadline=None, max_examples=40)
FINITE = dict(allow_nan=False, allow_infinity=False)


def matrices(low=-50.0, high=50.0, max_side=6):
    """2-D float64 arrays with entries in [low, high]."""
    return hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=max_side),
        elements=st.floats(low, high, **FINITE),
    )


def vectors(low=-50.0, high=50.0, max_side=12):
    return hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=1, min_side=1, max_side=max_side),
        elements=st.floats(low, high, **FINITE),
    )


class strict:
    """Every NumPy floating-point problem and every warning becomes an error (underflow is fine)."""

    def __enter__(self):
        self._err = np.errstate(over="raise", invalid="raise", divide="raise")
        self._err.__enter__()
        self._warn = warnings.catch_warnings()
        self._warn.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        self._warn.__exit__(*exc)
        self._err.__exit__(*exc)


ACTIVATIONS = {
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "gelu": F.gelu,
    "gelu_tanh": lambda z: F.gelu(z, approximate="tanh"),
    "silu": F.silu,
}
DERIVATIVES = {  # name -> (function, its derivative)
    "sigmoid": (F.sigmoid, F.sigmoid_grad),
    "tanh": (F.tanh, F.tanh_grad),
    "relu": (F.relu, F.relu_grad),
    "leaky_relu": (lambda z: F.leaky_relu(z, 0.1), lambda z: F.leaky_relu_grad(z, 0.1)),
    "gelu": (F.gelu, F.gelu_grad),
    "gelu_tanh": (lambda z: F.gelu(z, approximate="tanh"), lambda z: F.gelu_grad(z, approximate="tanh")),
    "silu": (F.silu, F.silu_grad),
}


# ------------------------------------------------------------------------------ known values
def test_step_values():
    np.testing.assert_array_equal(F.step(np.array([-2.0, -1e-9, 0.0, 3.0])), [0.0, 0.0, 1.0, 1.0])
    assert F.step([-1, 0, 1]).dtype == np.float64


def test_relu_and_leaky_relu_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(F.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(F.leaky_relu(z), [-0.02, 0.0, 3.0])
    np.testing.assert_allclose(F.leaky_relu(z, alpha=0.2), [-0.4, 0.0, 3.0])
    np.testing.assert_array_equal(F.relu_grad(z), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(F.leaky_relu_grad(z, alpha=0.2), [0.2, 0.2, 1.0])


def test_sigmoid_tanh_values():
    np.testing.assert_allclose(F.sigmoid(np.array([0.0, 2.0])), [0.5, 1 / (1 + math.exp(-2))], rtol=1e-15)
    np.testing.assert_allclose(F.tanh(np.array([0.5])), [math.tanh(0.5)], rtol=1e-15)
    np.testing.assert_allclose(F.sigmoid_grad(np.array([0.0])), [0.25])
    np.testing.assert_allclose(F.tanh_grad(np.array([0.0])), [1.0])


def test_gelu_values():
    z = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0])
    exact = [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z]
    np.testing.assert_allclose(F.gelu(z), exact, rtol=1e-14, atol=1e-300)
    approx = 0.5 * z * (1 + np.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3)))
    np.testing.assert_allclose(F.gelu(z, approximate="tanh"), approx, rtol=1e-14)
    assert abs(F.gelu(np.array([1.0]))[0] - 0.8413447460685429) < 1e-15
    with pytest.raises(ValueError):
        F.gelu(z, approximate="fast")
    with pytest.raises(ValueError):
        F.gelu_grad(z, approximate="fast")


def test_gelu_float32_uses_an_accurate_erf():
    z32 = np.linspace(-7, 7, 20001).astype(np.float32)
    z = z32.astype(np.float64)
    exact = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z])
    phi32 = F._phi_cdf(z32).astype(np.float64)
    assert np.max(np.abs(phi32 - exact)) < 1.5e-7  # ~1 float32 ulp near 1
    assert np.all((phi32 >= 0) & (phi32 <= 1))
    # float32 precision, relative to the input's scale: |error| <= 1.5e-7 * max(1, |z|)
    assert np.all(np.abs(F.gelu(z32) - z * exact) <= 1.5e-7 * np.maximum(1.0, np.abs(z)))
    np.testing.assert_allclose(F.gelu_grad(z32), F.gelu_grad(z), rtol=1e-6, atol=2e-7)
    assert F.gelu(z.astype(np.float16)).dtype == np.float16


def test_silu_values():
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(F.silu(z), z / (1 + np.exp(-z)), rtol=1e-15)


def test_softmax_values_and_axis():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(F.softmax(z)[0], e / e.sum(), rtol=1e-15)
    np.testing.assert_allclose(F.softmax(z)[1], [1 / 3] * 3, rtol=1e-15)
    np.testing.assert_allclose(F.softmax(z, axis=0).sum(axis=0), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(F.log_softmax(z, axis=0), np.log(F.softmax(z, axis=0)), rtol=1e-13)
    np.testing.assert_allclose(F.softmax([1.0, 1.0]), [0.5, 0.5])  # array-like


def test_extreme_inputs_are_finite_without_warnings():
    z = np.array([-1e4, -1000.0, -30.0, 0.0, 30.0, 1000.0, 1e4])
    huge = np.array([-1e30, 1e30])
    with strict():
        for name, f in ACTIVATIONS.items():
            out = f(z)
            assert np.all(np.isfinite(out)), name
        for name, (_, df) in DERIVATIVES.items():
            assert np.all(np.isfinite(df(z))), name
            assert np.all(np.isfinite(df(huge))), name
            assert np.all(np.isfinite(df(huge.astype(np.float32)))), name
        np.testing.assert_array_equal(F.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
        np.testing.assert_array_equal(F.sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32)), [0.0, 1.0])
        assert np.all(np.isfinite(F.softmax(z))) and np.all(np.isfinite(F.log_softmax(z)))
        np.testing.assert_allclose(F.softmax(np.array([[1e4, -1e4], [1000.0, 1000.0]])), [[1, 0], [0.5, 0.5]])
        assert F.cross_entropy_from_logits(np.array([[1000.0, 0.0], [0.0, 1000.0]]), [0, 1]) == 0.0
        assert F.cross_entropy_from_logits(np.array([[1000.0, 0.0]]), [1]) == pytest.approx(1000.0)
        assert np.isfinite(F.binary_cross_entropy(np.array([0.0, 1.0]), np.array([1.0, 0.0])))
        assert np.isfinite(F.cross_entropy(np.array([[0.0, 1.0]]), [0]))
        g = F.softmax_cross_entropy_backward(np.array([[1e4, -1e4, 0.0]]), [1])
        np.testing.assert_allclose(g, [[1.0, -1.0, 0.0]])


# ------------------------------------------------------------------------------ properties
@FAST
@given(matrices(-1e4, 1e4))
def test_softmax_rows_are_distributions_even_for_huge_scores(z):
    with strict():
        p = F.softmax(z)
    assert p.shape == z.shape
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)


@FAST
@given(matrices(), st.floats(-1e3, 1e3, **FINITE))
def test_softmax_is_shift_invariant(z, c):
    np.testing.assert_allclose(F.softmax(z + c), F.softmax(z), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(F.log_softmax(z + c), F.log_softmax(z), rtol=1e-9, atol=1e-9)


@FAST
@given(matrices(-1e4, 1e4))
def test_log_softmax_is_log_of_softmax_where_finite(z):
    with strict():
        logp = F.log_softmax(z)
    assert np.all(np.isfinite(logp)) and np.all(logp <= 1e-12)
    p = F.softmax(z)
    ok = p > 1e-300
    np.testing.assert_allclose(logp[ok], np.log(p[ok]), rtol=1e-9, atol=1e-12)


@FAST
@given(vectors(-1e4, 1e4))
def test_sigmoid_is_bounded_and_symmetric(z):
    with strict():
        s = F.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(F.sigmoid(-z), 1.0 - s, atol=1e-15)
    np.testing.assert_allclose(s, 0.5 * (1 + np.tanh(z / 2)), atol=1e-15)


@FAST
@given(vectors(-20.0, 20.0))
def test_relu_grad_matches_finite_differences_away_from_zero(z):
    z = z[np.abs(z) > 1e-3]
    numeric = (F.relu(z + 1e-6) - F.relu(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(F.relu_grad(z), numeric, atol=1e-6)


@FAST
@given(vectors(-8.0, 8.0))
def test_every_derivative_matches_numerical_gradient(z):
    z = z[np.abs(z) > 1e-4]  # away from the kinks of relu and leaky relu
    for name, (f, df) in DERIVATIVES.items():
        numeric = numerical_gradient(lambda v, f=f: np.sum(f(v)), z.copy())
        err = np.max(np.abs(df(z) - numeric), initial=0.0)
        assert err < 1e-7, f"{name}_grad disagrees with central differences by {err:.2e}"


@FAST
@given(vectors(-30.0, 30.0))
def test_activations_agree_with_their_definitions(z):
    np.testing.assert_allclose(F.silu(z), z * F.sigmoid(z), rtol=1e-15)
    np.testing.assert_allclose(F.relu(z), np.where(z > 0, z, 0.0))
    assert np.all(F.gelu(z) >= -0.17) and np.all(F.gelu(z) <= np.maximum(z, 0) + 1e-12)
    np.testing.assert_allclose(F.gelu(z, approximate="tanh"), F.gelu(z), atol=1e-3)


@FAST
@given(matrices(-20.0, 20.0, max_side=5), st.data())
def test_cross_entropy_forms_agree(z, data):
    n, c = z.shape
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    onehot = np.eye(c)[labels]
    from_logits = F.cross_entropy_from_logits(z, labels)
    assert from_logits >= 0
    assert F.cross_entropy_from_logits(z, onehot) == pytest.approx(from_logits, rel=1e-12, abs=1e-12)
    expected = -np.mean(F.log_softmax(z)[np.arange(n), labels])
    assert from_logits == pytest.approx(expected, rel=1e-12, abs=1e-12)
    probs = F.softmax(z)
    assert F.cross_entropy(probs, labels) == pytest.approx(F.cross_entropy(probs, onehot), rel=1e-12)


# ------------------------------------------------------------------------------ losses
def test_mse_and_grad():
    pred, target = np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.0, 1.0])
    assert F.mse(pred, target) == pytest.approx((0 + 4 + 9) / 3)
    assert isinstance(F.mse(pred, target), float)
    np.testing.assert_allclose(F.mse_grad(pred, target), 2 * (pred - target) / 3)
    # a (N,) target for (N, 1) predictions is reshaped, not broadcast to (N, N)
    assert F.mse(pred[:, None], target) == pytest.approx(F.mse(pred, target))
    with pytest.raises(ValueError):
        F.mse(np.zeros((3, 2)), np.zeros(4))


def test_binary_cross_entropy_clips():
    p, y = np.array([0.9, 0.2]), np.array([1.0, 0.0])
    assert F.binary_cross_entropy(p, y) == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2)
    assert F.binary_cross_entropy(np.array([0.0]), np.array([1.0])) == pytest.approx(-math.log(1e-7))
    assert F.binary_cross_entropy(np.array([0.0]), np.array([1.0]), eps=1e-3) == pytest.approx(-math.log(1e-3))


def test_cross_entropy_values_and_clipping():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assert F.cross_entropy(probs, np.array([0, 2])) == pytest.approx(-(math.log(0.7) + math.log(0.8)) / 2)
    assert F.cross_entropy(np.array([[1.0, 0.0]]), [1]) == pytest.approx(-math.log(1e-7))
    with pytest.raises(TypeError):
        F.cross_entropy(probs, np.array([0.5, 1.0]))
    with pytest.raises(ValueError):
        F.cross_entropy(probs, np.array([0, 1, 2]))
    for bad in ([0, 3], [-1, 0]):
        with pytest.raises(ValueError, match="labels must lie"):
            F.cross_entropy(probs, bad)
        with pytest.raises(ValueError, match="labels must lie"):
            F.cross_entropy_from_logits(probs, bad)
        with pytest.raises(ValueError, match="labels must lie"):
            F.softmax_cross_entropy_backward(probs, bad)


# ------------------------------------------------------------------------------ gradients by assert
def _loss_gradient_checks(rng):
    """(name, analytic gradient, numerical gradient) for every loss gradient and backward helper."""
    z = rng.standard_normal((5, 4))
    labels = rng.integers(0, 4, 5)
    target = rng.standard_normal((5, 4))
    dout = rng.standard_normal((5, 4))
    X, W, b = rng.standard_normal((5, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)
    z_away = np.where(np.abs(z) < 1e-3, 0.5, z)
    checks = [
        ("mse_grad", F.mse_grad(z, target), numerical_gradient(lambda v: F.mse(v, target), z.copy())),
        (
            "softmax_cross_entropy_backward",
            F.softmax_cross_entropy_backward(z, labels),
            numerical_gradient(lambda v: F.cross_entropy_from_logits(v, labels), z.copy()),
        ),
        (
            "relu_backward",
            F.relu_backward(dout, z_away),
            numerical_gradient(lambda v: np.sum(F.relu(v) * dout), z_away.copy()),
        ),
        (
            "sigmoid_backward",
            F.sigmoid_backward(dout, z),
            numerical_gradient(lambda v: np.sum(F.sigmoid(v) * dout), z.copy()),
        ),
    ]
    dX, dW, db = F.linear_backward(dout, X, W)
    checks += [
        ("linear_backward dX", dX, numerical_gradient(lambda v: np.sum(F.linear(v, W, b) * dout), X.copy())),
        ("linear_backward dW", dW, numerical_gradient(lambda v: np.sum(F.linear(X, v, b) * dout), W.copy())),
        ("linear_backward db", db, numerical_gradient(lambda v: np.sum(F.linear(X, W, v) * dout), b.copy())),
    ]
    p = F.sigmoid(z)
    y01 = (target > 0).astype(float)
    bce_grad = (p - y01) / (p * (1 - p)) / p.size
    checks.append(
        ("binary_cross_entropy", bce_grad, numerical_gradient(lambda v: F.binary_cross_entropy(v, y01), p.copy()))
    )
    probs = F.softmax(z)
    ce_grad = np.zeros_like(probs)
    ce_grad[np.arange(5), labels] = -1 / (5 * probs[np.arange(5), labels])
    checks.append(("cross_entropy", ce_grad, numerical_gradient(lambda v: F.cross_entropy(v, labels), probs.copy())))
    return checks


def test_loss_and_backward_helpers_match_numerical_gradients():
    for name, analytic, numeric in _loss_gradient_checks(np.random.default_rng(0)):
        err = relative_error(analytic, numeric)
        assert err < 1e-6, f"{name}: relative error {err:.2e} against central differences"


def test_linear_shapes_and_values():
    X = np.arange(6.0).reshape(2, 3)
    W = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    b = np.array([0.5, -1.0])
    np.testing.assert_array_equal(F.linear(X, W, b), [[0.5, 2.0], [3.5, 8.0]])
    assert F.linear([[1, 2, 3]], W, b).shape == (1, 2)
    dX, dW, db = F.linear_backward(np.ones((2, 2)), X, W)
    assert dX.shape == (2, 3) and dW.shape == (2, 3) and db.shape == (2,)


def test_single_row_inputs():
    z = np.array([1.0, 2.0, 0.5])
    assert F.cross_entropy_from_logits(z, 1) == pytest.approx(F.cross_entropy_from_logits(z[None], [1]))
    g = F.softmax_cross_entropy_backward(z, 1)
    assert g.shape == (3,)
    np.testing.assert_allclose(g, F.softmax_cross_entropy_backward(z[None], [1])[0])


def test_inputs_are_never_modified():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((4, 3)) * 10
    labels = np.array([0, 2, 1, 1])
    target = rng.standard_normal((4, 3))
    W, b = rng.standard_normal((5, 3)), rng.standard_normal(5)
    dout5 = rng.standard_normal((4, 5))
    calls = [
        *[(f, (z,)) for f in ACTIVATIONS.values()],
        *[(df, (z,)) for _, df in DERIVATIVES.values()],
        (F.step, (z,)),
        (F.softmax, (z,)),
        (F.log_softmax, (z,)),
        (F.mse, (z, target)),
        (F.mse_grad, (z, target)),
        (F.binary_cross_entropy, (F.sigmoid(z), (target > 0) * 1.0)),
        (F.cross_entropy, (F.softmax(z), labels)),
        (F.cross_entropy_from_logits, (z, labels)),
        (F.linear, (z, W, b)),
        (F.linear_backward, (dout5, z, W)),
        (F.relu_backward, (target, z)),
        (F.sigmoid_backward, (target, z)),
        (F.softmax_cross_entropy_backward, (z, labels)),
    ]
    for f, args in calls:
        before = [np.array(a, copy=True) for a in args]
        f(*args)
        for a, old in zip(args, before):
            np.testing.assert_array_equal(a, old, err_msg=f"{f.__name__} modified its input")


# ------------------------------------------------------------------------------ PyTorch reference
TOL = {np.float32: 1e-5, np.float64: 1e-10}


def _torch_activation(torch, name):
    fns = torch.nn.functional
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: fns.leaky_relu(t, 0.1),
        "gelu": fns.gelu,
        "gelu_tanh": lambda t: fns.gelu(t, approximate="tanh"),
        "silu": fns.silu,
    }[name]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(DERIVATIVES))
def test_activation_and_derivative_match_torch(name, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    z = (rng.standard_normal(200) * 4).astype(dtype)
    z[np.abs(z) < 1e-3] = 0.25  # no ties at relu's kink
    f, df = DERIVATIVES[name]
    t = torch.tensor(z, requires_grad=True)
    out = _torch_activation(torch, name)(t)
    out.sum().backward()
    tol = TOL[dtype]
    np.testing.assert_allclose(f(z), out.detach().numpy(), rtol=tol, atol=tol, err_msg=name)
    np.testing.assert_allclose(df(z), t.grad.numpy(), rtol=tol, atol=tol, err_msg=f"{name}_grad")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_and_losses_match_torch(dtype):
    torch = pytest.importorskip("torch")
    fns = torch.nn.functional
    rng = np.random.default_rng(3)
    z = (rng.standard_normal((8, 5)) * 3).astype(dtype)
    labels = rng.integers(0, 5, 8)
    target = rng.standard_normal((8, 5)).astype(dtype)
    tol = TOL[dtype]
    tz = torch.tensor(z)
    np.testing.assert_allclose(F.softmax(z), torch.softmax(tz, dim=-1).numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(F.softmax(z, axis=0), torch.softmax(tz, dim=0).numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(F.log_softmax(z), torch.log_softmax(tz, dim=-1).numpy(), rtol=tol, atol=tol)

    t = torch.tensor(z, requires_grad=True)
    loss = fns.cross_entropy(t, torch.from_numpy(labels))
    loss.backward()
    assert F.cross_entropy_from_logits(z, labels) == pytest.approx(loss.item(), rel=tol)
    np.testing.assert_allclose(F.softmax_cross_entropy_backward(z, labels), t.grad.numpy(), rtol=tol, atol=tol)

    t = torch.tensor(z, requires_grad=True)
    loss = fns.mse_loss(t, torch.tensor(target))
    loss.backward()
    assert F.mse(z, target) == pytest.approx(loss.item(), rel=tol)
    np.testing.assert_allclose(F.mse_grad(z, target), t.grad.numpy(), rtol=tol, atol=tol)

    p = F.sigmoid(z)
    y01 = (target > 0).astype(dtype)
    bce = fns.binary_cross_entropy(torch.tensor(p), torch.tensor(y01)).item()
    assert F.binary_cross_entropy(p, y01) == pytest.approx(bce, rel=tol)
    nll = fns.nll_loss(torch.log(torch.tensor(F.softmax(z))), torch.from_numpy(labels)).item()
    assert F.cross_entropy(F.softmax(z), labels) == pytest.approx(nll, rel=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_and_backward_helpers_match_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    X = rng.standard_normal((6, 4)).astype(dtype)
    W = rng.standard_normal((3, 4)).astype(dtype)
    b = rng.standard_normal(3).astype(dtype)
    dout = rng.standard_normal((6, 3)).astype(dtype)
    tol = TOL[dtype]
    tX, tW, tb = (torch.tensor(a, requires_grad=True) for a in (X, W, b))
    out = torch.nn.functional.linear(tX, tW, tb)
    out.backward(torch.tensor(dout))
    np.testing.assert_allclose(F.linear(X, W, b), out.detach().numpy(), rtol=tol, atol=tol)
    for mine, theirs in zip(F.linear_backward(dout, X, W), (tX.grad, tW.grad, tb.grad)):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=tol, atol=tol)

    z = rng.standard_normal((6, 3)).astype(dtype)
    for ours, torch_fn in ((F.relu_backward, torch.relu), (F.sigmoid_backward, torch.sigmoid)):
        tz = torch.tensor(z, requires_grad=True)
        torch_fn(tz).backward(torch.tensor(dout))
        np.testing.assert_allclose(ours(dout, z), tz.grad.numpy(), rtol=tol, atol=tol)
