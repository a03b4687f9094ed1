"""nnlib.losses: MSELoss and CrossEntropyLoss against the functional forms, numerical gradients and torch."""

import math

import numpy as np
import pytest

from nnlib import CrossEntropyLoss, MSELoss
from nnlib import functional as F
from nnlib.gradcheck import numerical_gradient, relative_error


def test_cross_entropy_value_is_a_float_and_matches_functional():
    rng = np.random.default_rng(0)
    z, y = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    loss = CrossEntropyLoss()
    value = loss(z, y)
    assert type(value) is float
    assert value == pytest.approx(F.cross_entropy_from_logits(z, y), rel=1e-13)
    np.testing.assert_allclose(loss.backward(), F.softmax_cross_entropy_backward(z, y), rtol=1e-13)
    assert CrossEntropyLoss()(np.zeros((3, 5)), [0, 1, 2]) == pytest.approx(math.log(5))


def test_cross_entropy_gradient_is_numerical_gradient_of_forward():
    rng = np.random.default_rng(1)
    z, y = rng.standard_normal((5, 3)) * 3, rng.integers(0, 3, 5)
    loss = CrossEntropyLoss()
    loss.forward(z, y)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda v: CrossEntropyLoss().forward(v, y), z.copy())
    assert relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("label_dtype", [np.uint8, np.int8, np.int32, np.int64, np.uint64, ">i4"])
def test_cross_entropy_any_integer_labels_and_large_batches(label_dtype):
    rng = np.random.default_rng(5)
    z = rng.standard_normal((700, 10)).astype(np.float32)
    y = rng.integers(0, 10, 700).astype(label_dtype)
    loss = CrossEntropyLoss()
    assert loss(z, y) == pytest.approx(F.cross_entropy_from_logits(z.astype(np.float64), y), rel=1e-6)
    np.testing.assert_allclose(loss.backward(), F.softmax_cross_entropy_backward(z, y), rtol=1e-5, atol=1e-9)


def test_cross_entropy_one_hot_and_soft_targets():
    rng = np.random.default_rng(2)
    z, y = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    a, b = CrossEntropyLoss(), CrossEntropyLoss()
    assert a(z, y) == pytest.approx(b(z, np.eye(3)[y]), rel=1e-13)
    np.testing.assert_allclose(a.backward(), b.backward(), rtol=1e-13)
    soft = F.softmax(rng.standard_normal((5, 3)))
    c = CrossEntropyLoss()
    c.forward(z, soft)
    numeric = numerical_gradient(lambda v: CrossEntropyLoss().forward(v, soft), z.copy())
    assert relative_error(c.backward(), numeric) < 1e-6


def test_cross_entropy_is_stable_and_checks_labels():
    loss = CrossEntropyLoss()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert loss(np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 1e4]]), [0, 2]) == 0.0
        assert loss(np.array([[1000.0, 0.0]]), [1]) == pytest.approx(1000.0)
        np.testing.assert_allclose(loss.backward(), [[1.0, -1.0]])
    with pytest.raises(ValueError, match="labels"):
        loss(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="labels"):
        loss(np.zeros((2, 3)), [-1, 0])
    with pytest.raises(ValueError):
        loss(np.zeros((2, 3)), [0, 1, 2])
    with pytest.raises(ValueError):
        loss(np.zeros(3), [0])
    with pytest.raises(RuntimeError):
        CrossEntropyLoss().backward()
    assert loss(np.zeros((2, 3)), np.array([0.0, 2.0])) == pytest.approx(math.log(3))  # integral floats


def test_cross_entropy_backward_is_repeatable_and_leaves_logits_alone():
    rng = np.random.default_rng(3)
    z, y = rng.standard_normal((4, 3)).astype(np.float32), np.array([0, 1, 2, 1])
    z0 = z.copy()
    loss = CrossEntropyLoss()
    loss(z, y)
    g1 = loss.backward().copy()
    g2 = loss.backward()
    np.testing.assert_array_equal(g1, g2)
    np.testing.assert_array_equal(z, z0)
    assert g2.dtype == np.float32


def test_mse_loss():
    pred, target = np.array([[1.0], [2.0], [4.0]]), np.array([1.0, 0.0, 1.0])
    loss = MSELoss()
    value = loss(pred, target)
    assert type(value) is float and value == pytest.approx(13 / 3)
    grad = loss.backward()
    assert grad.shape == pred.shape
    np.testing.assert_allclose(grad[:, 0], 2 * (pred[:, 0] - target) / 3)
    numeric = numerical_gradient(lambda v: MSELoss().forward(v, target), pred.copy())
    assert relative_error(grad, numeric) < 1e-6
    with pytest.raises(ValueError):
        loss(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(RuntimeError):
        MSELoss().backward()
    assert repr(loss) == "MSELoss()" and repr(CrossEntropyLoss()) == "CrossEntropyLoss()"


TOL = {np.float32: 1e-5, np.float64: 1e-10}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_match_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    z = (rng.standard_normal((16, 10)) * 4).astype(dtype)
    y = rng.integers(0, 10, 16)
    target = rng.standard_normal((16, 10)).astype(dtype)
    tol = TOL[dtype]

    t = torch.tensor(z, requires_grad=True)
    ref = torch.nn.CrossEntropyLoss()(t, torch.from_numpy(y))
    ref.backward()
    ce = CrossEntropyLoss()
    assert ce(z, y) == pytest.approx(ref.item(), rel=tol)
    grad = ce.backward()
    assert grad.dtype == dtype
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=tol, atol=tol)

    t = torch.tensor(z, requires_grad=True)
    ref = torch.nn.MSELoss()(t, torch.tensor(target))
    ref.backward()
    mse = MSELoss()
    assert mse(z, target) == pytest.approx(ref.item(), rel=tol)
    grad = mse.backward()
    assert grad.dtype == dtype
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=tol, atol=tol)
