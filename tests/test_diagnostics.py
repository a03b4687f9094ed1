"""nnlib.diagnostics: the twins of lesson 07's activation_stds and gradient_stds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.diagnostics import activation_stds, gradient_stds, layer_signals
from nnlib.functional import relu, relu_grad, tanh_grad


def _network(seed, sizes, scale=1.0, n=32):
    r = np.random.default_rng(seed)
    X = r.standard_normal((n, sizes[0]))
    Ws = [scale / np.sqrt(a) * r.standard_normal((b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    dout = r.standard_normal((n, sizes[-1]))
    return X, Ws, dout


def test_activation_stds_by_hand():
    X = np.array([[1.0, -1.0], [2.0, 0.5]])
    W = np.array([[1.0, 1.0], [0.0, -2.0], [0.5, 0.0]])
    H1 = np.maximum(X @ W.T, 0)  # [[0, 2, 0.5], [2.5, 0, 1]]
    out = activation_stds(X, [W], relu)
    assert out == pytest.approx([np.std(H1)])
    assert isinstance(out, list) and all(isinstance(v, float) for v in out)


def test_gradient_stds_by_hand_identity():
    """With the identity activation the gradients are dout @ W_L ... @ W_l: easy to write down."""
    X, Ws, dout = _network(0, [3, 4, 2])
    identity, one = (lambda z: z), (lambda z: np.ones_like(z))
    expected = [np.std(dout @ Ws[1] @ Ws[0]), np.std(dout @ Ws[1])]
    assert gradient_stds(X, Ws, identity, one, dout) == pytest.approx(expected, rel=1e-12)


def test_gradient_stds_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    X, Ws, dout = _network(1, [5, 7, 6, 4], scale=1.5, n=9)
    for act, grad, torch_act in [(np.tanh, tanh_grad, torch.tanh), (relu, relu_grad, torch.relu)]:
        Hs = [torch.tensor(X, dtype=torch.float64, requires_grad=True)]
        for W in Ws:
            H = torch_act(Hs[-1] @ torch.tensor(W, dtype=torch.float64).T)
            H.retain_grad()
            Hs.append(H)
        for H in Hs[:-1]:
            H.retain_grad()
        # L = sum(H_L * dout) has dL/dH_L = dout exactly
        (Hs[-1] * torch.tensor(dout, dtype=torch.float64)).sum().backward()
        expected = [float(H.grad.std(unbiased=False)) for H in Hs[:-1]]
        got = gradient_stds(X, Ws, act, grad, dout)
        assert got == pytest.approx(expected, rel=1e-12, abs=0)
        _, dH = layer_signals(X, Ws, act, grad, dout)
        for g, H in zip(dH, Hs[:-1]):
            np.testing.assert_allclose(g, H.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_inputs_are_not_modified_and_errors_are_clear():
    X, Ws, dout = _network(2, [4, 4, 3])
    copies = [a.copy() for a in (X, dout, *Ws)]
    gradient_stds(X, Ws, np.tanh, tanh_grad, dout)
    activation_stds(X, Ws, np.tanh)
    for a, b in zip(copies, (X, dout, *Ws)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="weights\\[1\\] has shape"):
        activation_stds(X, [Ws[0], np.ones((3, 5))], np.tanh)
    with pytest.raises(ValueError, match="dout must have the shape"):
        gradient_stds(X, Ws, np.tanh, tanh_grad, dout[:, :2])
    with pytest.raises(ValueError, match="2-D batch"):
        activation_stds(X[0], Ws, np.tanh)


def test_layer_signals_shapes():
    X, Ws, dout = _network(3, [6, 5, 4, 3], n=10)
    H, dH = layer_signals(X, Ws, relu, relu_grad, dout)
    assert [h.shape for h in H] == [(10, 5), (10, 4), (10, 3)]
    assert [g.shape for g in dH] == [(10, 6), (10, 5), (10, 4)]
    assert layer_signals(X, Ws, relu)[1] is None


@settings(max_examples=30, deadline=None)
@given(
    depth=st.integers(1, 4),
    width=st.integers(1, 6),
    n=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
    c=st.floats(0.1, 10.0),
)
def test_linear_network_scales_with_dout(depth, width, n, seed, c):
    """Backward is linear in dout: scaling dout by c scales every gradient std by c (any activation)."""
    X, Ws, dout = _network(seed, [width] * (depth + 1), n=n)
    base = gradient_stds(X, Ws, np.tanh, tanh_grad, dout)
    scaled = gradient_stds(X, Ws, np.tanh, tanh_grad, c * dout)
    assert len(base) == depth
    assert scaled == pytest.approx([c * v for v in base], rel=1e-9, abs=1e-300)


@settings(max_examples=30, deadline=None)
@given(depth=st.integers(1, 4), n=st.integers(2, 8), seed=st.integers(0, 2**32 - 1), a=st.floats(0.1, 5.0))
def test_relu_is_positively_homogeneous(depth, n, seed, a):
    """relu(a z) = a relu(z) for a > 0: scaling X by a scales every activation std by a and leaves the gradients alone."""
    X, Ws, dout = _network(seed, [5] * (depth + 1), n=n)
    assert activation_stds(a * X, Ws, relu) == pytest.approx(
        [a * v for v in activation_stds(X, Ws, relu)], rel=1e-9, abs=1e-300
    )
    assert gradient_stds(a * X, Ws, relu, relu_grad, dout) == pytest.approx(
        gradient_stds(X, Ws, relu, relu_grad, dout), rel=1e-9, abs=1e-300
    )
