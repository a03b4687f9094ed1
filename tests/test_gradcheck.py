"""nnlib.gradcheck: numerical_gradient, relative_error, check_module."""

import numpy as np
import pytest

from nnlib import Linear, ReLU, Sequential, Tanh
from nnlib.gradcheck import check_module, numerical_gradient, relative_error


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), rtol=1e-8)
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    v = np.array([1.0, -1.0])
    np.testing.assert_allclose(numerical_gradient(lambda u: u @ A @ u, v), 2 * A @ v, rtol=1e-8)


def test_numerical_gradient_perturbs_in_place_and_restores():
    x = np.random.default_rng(0).standard_normal((3, 4))
    original = x.copy()
    seen = []

    def f(_ignored):  # reads x itself, as when checking a network's own weights
        seen.append(x.copy())
        return float(np.sum(x**3))

    grad = numerical_gradient(f, x, eps=1e-5)
    np.testing.assert_array_equal(x, original)  # bit for bit
    np.testing.assert_allclose(grad, 3 * original**2, rtol=1e-7)
    assert len(seen) == 2 * x.size
    assert sum(not np.array_equal(s, original) for s in seen) == 2 * x.size  # each call saw a perturbation


def test_numerical_gradient_restores_even_if_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_numerical_gradient_rejects_what_it_cannot_perturb():
    with pytest.raises(TypeError):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))


def test_relative_error():
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([3.0, 0.0])) == pytest.approx(0.5)
    assert relative_error(np.array([0.0]), np.array([1e-20])) == pytest.approx(1e-8)  # the 1e-12 floor
    assert relative_error(np.array([1.0, -1.0]), np.array([1.0, 1.0])) == pytest.approx(1.0)
    assert relative_error(2.0, 2.0) == 0.0
    with pytest.raises(ValueError):
        relative_error(np.zeros(2), np.zeros(3))


def test_check_module_leaves_the_original_untouched():
    rng = np.random.default_rng(1)
    model = Sequential(Linear(3, 4, rng=rng, init="torch"), Tanh(), Linear(4, 2, rng=rng, init="torch"))
    before = [p.data.copy() for p in model.parameters()]
    errors = check_module(model, rng.standard_normal((5, 3)), rng=rng)
    assert max(errors.values()) < 1e-6
    for p, b in zip(model.parameters(), before):
        assert p.dtype == np.float32 and not p.grad.any()
        np.testing.assert_array_equal(p.data, b)
    assert model.needs_input_grad is False


def test_check_module_reports_which_tensor_is_wrong():
    class WrongWeightGrad(Linear):
        def backward(self, grad_out):
            dx = super().backward(grad_out)
            self.weight._grad[0, 0] += 0.1
            return dx

    class WrongInputGrad(ReLU):
        def backward(self, grad_out):
            return 2 * super().backward(grad_out)

    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3))
    with pytest.raises(AssertionError, match=r"weight: relative error") as info:
        check_module(WrongWeightGrad(3, 2, rng=rng), x)
    assert "bias" not in str(info.value)
    with pytest.raises(AssertionError, match=r"input: relative error"):
        check_module(WrongInputGrad(), x)


def test_check_module_accepts_a_tolerance():
    class SlightlyOff(Tanh):
        def backward(self, grad_out):
            return super().backward(grad_out) * (1 + 1e-4)

    x = np.random.default_rng(3).standard_normal((3, 3))
    with pytest.raises(AssertionError):
        check_module(SlightlyOff(), x)
    assert check_module(SlightlyOff(), x, tol=1e-3)["input"] < 1e-3
