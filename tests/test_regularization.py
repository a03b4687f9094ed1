"""nnlib.regularization: L2 penalty and inverted dropout; gradient checks, statistics, torch parity."""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib import Linear, ReLU, Sequential
from nnlib.gradcheck import check_module, numerical_gradient, relative_error
from nnlib.modules import Module
from nnlib.regularization import Dropout, dropout_backward, dropout_forward, l2_penalty

BAD_P = [1.0, 1.5, -0.1, -1e-12, float("nan"), float("inf"), -float("inf")]


# ------------------------------------------------------------------------------ l2_penalty
def test_l2_penalty_values_any_shapes():
    weights = [np.array([[1.0, -2.0], [3.0, 0.5]]), np.array([4.0]), np.arange(24.0).reshape(2, 3, 4), np.array(2.0)]
    before = copy.deepcopy(weights)
    penalty, grads = l2_penalty(weights, 0.1)
    expected = 0.05 * sum(float(np.sum(w**2)) for w in weights)
    assert type(penalty) is float and penalty == pytest.approx(expected, rel=1e-12)
    assert isinstance(grads, (list, tuple)) and len(grads) == len(weights)
    for g, w, b in zip(grads, weights, before):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, 0.1 * w, rtol=1e-15)
        np.testing.assert_array_equal(w, b)  # weights unchanged
        assert g is not w


def test_l2_penalty_keeps_dtype_and_sums_in_float64():
    w = np.full((1000, 100), 0.1, dtype=np.float32)
    penalty, (g,) = l2_penalty([w], 2.0)
    assert g.dtype == np.float32
    assert penalty == pytest.approx(float(np.sum(w.astype(np.float64) ** 2)), rel=1e-12)


def test_l2_penalty_empty_and_zero():
    assert l2_penalty([], 0.5) == (0.0, [])
    penalty, (g,) = l2_penalty([np.ones(3)], 0.0)
    assert penalty == 0.0 and np.all(g == 0.0)


@pytest.mark.parametrize("lam", [-0.1, float("nan"), float("inf")])
def test_l2_penalty_rejects_bad_strength(lam):
    with pytest.raises(ValueError, match="lam"):
        l2_penalty([np.ones(2)], lam)


def test_l2_gradient_matches_numerical_gradient_float64():
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((3, 4)), rng.standard_normal(5), rng.standard_normal((2, 2, 2))]
    _, grads = l2_penalty(weights, 0.3)
    for w, g in zip(weights, grads):
        numeric = numerical_gradient(lambda _: l2_penalty(weights, 0.3)[0], w)
        assert relative_error(g, numeric) < 1e-7


def test_l2_gradient_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((4, 3)), rng.standard_normal(6)]
    tw = [torch.tensor(w, requires_grad=True) for w in weights]
    loss = 0.7 / 2 * sum((t**2).sum() for t in tw)
    loss.backward()
    penalty, grads = l2_penalty(weights, 0.7)
    assert penalty == pytest.approx(loss.item(), rel=1e-12)
    for g, t in zip(grads, tw):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-12)


def test_weight_decay_equals_torch_sgd_weight_decay_one_step():
    """Adding l2_penalty's gradient to the loss gradient and stepping is torch's SGD(weight_decay=lam)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    lam, lr = 0.05, 0.1
    weights = [rng.standard_normal((5, 3)), rng.standard_normal(5)]
    loss_grads = [rng.standard_normal(w.shape) for w in weights]

    ours = [w.copy() for w in weights]
    _, decay = l2_penalty(ours, lam)
    for w, g, d in zip(ours, loss_grads, decay):
        w -= lr * (g + d)

    tw = [torch.tensor(w.copy(), requires_grad=True) for w in weights]
    opt = torch.optim.SGD(tw, lr=lr, weight_decay=lam)
    for t, g in zip(tw, loss_grads):
        t.grad = torch.tensor(g)
    opt.step()
    for w, t in zip(ours, tw):
        np.testing.assert_allclose(w, t.detach().numpy(), rtol=1e-12, atol=1e-15)


@settings(deadline=None, max_examples=30)
@given(
    st.lists(
        hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=st.floats(-1e3, 1e3)),
        max_size=4,
    ),
    st.floats(0.0, 10.0),
)
def test_l2_penalty_properties(weights, lam):
    before = copy.deepcopy(weights)
    penalty, grads = l2_penalty(weights, lam)
    assert penalty >= 0.0 and isinstance(penalty, float)
    # the penalty is half the inner product of the weights with their gradients
    assert penalty == pytest.approx(0.5 * sum(float(np.sum(w * g)) for w, g in zip(weights, grads)), rel=1e-9, abs=1e-9)
    for w, b, g in zip(weights, before, grads):
        np.testing.assert_array_equal(w, b)
        assert g.shape == w.shape


# ------------------------------------------------------------------------------ dropout_forward
def test_dropout_forward_statistics():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((400, 250)) + 2.0  # no zeros: a dropped entry is exactly a zero of out
    before = x.copy()
    p = 0.3
    out, mask = dropout_forward(x, p, rng)
    np.testing.assert_array_equal(x, before)
    assert out.shape == mask.shape == x.shape and out.dtype == mask.dtype == np.float64
    assert set(np.unique(mask).tolist()) == {0.0, 1.0 / (1.0 - p)}
    np.testing.assert_array_equal(out, x * mask)
    kept = np.mean(mask > 0)
    # 100,000 independent coins: the standard deviation of the kept fraction is 0.00145
    assert abs(kept - (1 - p)) < 0.01
    assert abs(np.mean(mask) - 1.0) < 0.015  # inverted dropout keeps the expectation
    assert abs(np.mean(out) / np.mean(x) - 1.0) < 0.02
    # independent entries: rows and columns get different masks, and two calls differ
    assert not np.all(mask == mask[:1]) and not np.all(mask == mask[:, :1])
    assert not np.array_equal(mask, dropout_forward(x, p, rng)[1])


def test_dropout_forward_is_reproducible_with_the_same_seed_and_keeps_float32():
    x = np.ones((50, 40), dtype=np.float32)
    out1, mask1 = dropout_forward(x, 0.5, np.random.default_rng(7))
    out2, mask2 = dropout_forward(x, 0.5, np.random.default_rng(7))
    np.testing.assert_array_equal(mask1, mask2)
    assert out1.dtype == mask1.dtype == np.float32
    assert set(np.unique(mask1).tolist()) == {0.0, 2.0}


@pytest.mark.parametrize("training, p", [(False, 0.5), (False, 0.0), (True, 0.0)])
def test_dropout_forward_identity_cases(training, p):
    x = np.random.default_rng(4).standard_normal((3, 4, 5))
    out, mask = dropout_forward(x, p, np.random.default_rng(0), training=training)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(mask, np.ones_like(x))
    assert mask.shape == x.shape
    out[...] = 0.0
    assert np.all(x != 0.0)  # out is not x itself: writing into it leaves x alone


def test_dropout_forward_accepts_integers_and_lists():
    out, mask = dropout_forward([[1, 2], [3, 4]], 0.25, np.random.default_rng(0))
    assert out.dtype == np.float64 and mask.shape == (2, 2)
    np.testing.assert_allclose(out, np.array([[1.0, 2.0], [3.0, 4.0]]) * mask)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("p", BAD_P)
def test_dropout_forward_rejects_bad_p_whatever_training_says(p, training):
    with pytest.raises(ValueError, match="0 <= p < 1"):
        dropout_forward(np.ones(3), p, np.random.default_rng(0), training=training)


def test_dropout_forward_needs_a_generator():
    with pytest.raises(TypeError, match="Generator"):
        dropout_forward(np.ones(3), 0.5, 0)
    with pytest.raises(TypeError, match="number"):
        dropout_forward(np.ones(3), "half", np.random.default_rng(0))


@settings(deadline=None, max_examples=40)
@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=4, max_side=6), elements=st.floats(-1e6, 1e6)),
    st.floats(0.0, 0.95),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_dropout_forward_properties(x, p, training, seed):
    before = x.copy()
    out, mask = dropout_forward(x, p, np.random.default_rng(seed), training=training)
    np.testing.assert_array_equal(x, before)  # x unchanged
    assert mask.shape == x.shape and out.shape == x.shape
    allowed = {1.0} if (not training or p == 0.0) else {0.0, 1.0 / (1.0 - p)}
    assert set(np.unique(mask).tolist()) <= allowed  # only 0 or 1 / (1 - p)
    np.testing.assert_array_equal(out, x * mask)


@settings(deadline=None, max_examples=40)
@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).filter(lambda p: not 0.0 <= p < 1.0),
        st.just(float("nan")),
        st.just(1.0),
    ),
    st.booleans(),
)
def test_dropout_rejects_p_outside_unit_interval_property(p, training):
    with pytest.raises(ValueError):
        dropout_forward(np.ones((2, 2)), p, np.random.default_rng(0), training=training)
    with pytest.raises(ValueError):
        Dropout(p)


# ------------------------------------------------------------------------------ dropout_backward
def test_dropout_backward_matches_numerical_gradient_with_a_fixed_mask():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 6))
    _, mask = dropout_forward(x, 0.4, rng)
    upstream = rng.standard_normal(x.shape)

    def objective(_):  # the forward with the mask held fixed, read from x itself
        return float(np.sum(x * mask * upstream))

    numeric = numerical_gradient(objective, x)
    analytic = dropout_backward(upstream, mask)
    assert analytic.shape == x.shape
    assert relative_error(analytic, numeric) < 1e-7
    assert np.all(analytic[mask == 0] == 0.0)


def test_dropout_backward_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="mask"):
        dropout_backward(np.ones((2, 3)), np.ones((3, 2)))


# ------------------------------------------------------------------------------ Dropout module
def test_dropout_module_train_and_eval():
    layer = Dropout(0.25, rng=0)
    assert isinstance(layer, Module) and layer.parameters() == [] and layer.training
    assert repr(layer) == "Dropout(p=0.25)"
    x = np.random.default_rng(6).standard_normal((200, 100)).astype(np.float32) + 3.0
    out = layer(x)
    assert out.dtype == np.float32 and out.shape == x.shape
    mask = out / x
    assert abs(np.mean(mask > 0) - 0.75) < 0.02
    np.testing.assert_allclose(mask[mask > 0], 1 / 0.75, rtol=1e-6)
    g = np.random.default_rng(7).standard_normal(x.shape).astype(np.float32)
    np.testing.assert_allclose(layer.backward(g), g * mask, rtol=1e-6)

    assert layer.eval() is layer and not layer.training
    assert layer(x) is x  # identity in eval mode
    assert layer.backward(g) is g
    layer.train()
    assert not np.array_equal(layer(x), x)


def test_dropout_module_in_sequential_follows_train_eval_and_gradchecks_in_eval_mode():
    rng = np.random.default_rng(8)
    model = Sequential(
        Linear(4, 16, rng=rng, init="torch"), ReLU(), Dropout(0.5, rng=rng), Linear(16, 3, rng=rng, init="torch")
    )
    x = rng.standard_normal((5, 4)).astype(np.float32)
    model.eval()
    assert not model[2].training
    np.testing.assert_array_equal(model(x), model(x))  # deterministic in eval mode
    check_module(model[2], x)  # identity: gradient checks in float64
    model.train()
    assert model[2].training and not np.array_equal(model(x), model(x))


def test_dropout_module_backward_needs_forward_and_deepcopies():
    layer = Dropout(0.5, rng=1)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.ones(3))
    layer(np.ones(3))
    clone = copy.deepcopy(layer)
    layer.backward(np.ones(3))
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.ones(3))  # each forward serves one backward
    with pytest.raises(RuntimeError, match="forward"):
        clone.backward(np.ones(3))  # caches are not copied


def test_dropout_module_is_reproducible_from_a_seed():
    x = np.ones((10, 10))
    np.testing.assert_array_equal(Dropout(0.5, rng=3)(x), Dropout(0.5, rng=3)(x))


# ------------------------------------------------------------------------------ torch parity
def test_dropout_statistics_and_modes_match_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    p = 0.4
    x = np.random.default_rng(9).uniform(1.0, 2.0, size=(300, 300))
    theirs = torch.nn.Dropout(p)
    tx = torch.tensor(x, requires_grad=True)
    tout = theirs(tx)
    ours = Dropout(p, rng=0)
    out = ours(x)
    t_mask, o_mask = tout.detach().numpy() / x, out / x
    # the same two factors, in about the same proportions (two different random streams)
    assert (
        set(np.round(np.unique(t_mask), 12).tolist())
        == set(np.round(np.unique(o_mask), 12).tolist())
        == {0.0, round(1 / (1 - p), 12)}
    )
    assert abs(np.mean(t_mask > 0) - np.mean(o_mask > 0)) < 0.01
    assert abs(np.mean(o_mask > 0) - (1 - p)) < 0.01
    # backward: with torch's own mask, our dropout_backward gives torch's gradient
    g = np.random.default_rng(10).standard_normal(x.shape)
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(dropout_backward(g, t_mask), tx.grad.numpy(), rtol=1e-12)
    # eval mode: both the identity
    theirs.eval()
    ours.eval()
    np.testing.assert_array_equal(theirs(torch.tensor(x)).numpy(), x)
    np.testing.assert_array_equal(ours(x), x)
    # p = 0 in training mode: both the identity too
    np.testing.assert_array_equal(torch.nn.Dropout(0.0)(torch.tensor(x)).numpy(), x)
    np.testing.assert_array_equal(Dropout(0.0)(x), x)


def test_dropout_p_range_matches_torch_where_torch_checks():
    torch = pytest.importorskip("torch")
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError):
            torch.nn.Dropout(p)
        with pytest.raises(ValueError):
            Dropout(p)
    # p = 1 is allowed by torch (everything dropped); here it is an error, as the spec says:
    # 1 / (1 - p) is infinite and the layer would learn nothing
    with pytest.raises(ValueError):
        Dropout(1.0)
