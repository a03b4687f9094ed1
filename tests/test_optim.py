"""nnlib.optim: update rules by hand, in-place updates, and trajectories against torch.optim."""

import numpy as np
import pytest

from nnlib import SGD, Adam, Linear, Parameter


def _params(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    # one large parameter and two small ones
    return [
        Parameter(rng.standard_normal((80, 90)).astype(dtype)),
        Parameter(rng.standard_normal(5).astype(dtype)),
        Parameter(rng.standard_normal((3, 2)).astype(dtype)),
    ]


def _grads(step, shapes, dtype, seed=1):
    rng = np.random.default_rng(seed + step)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def _set_grads(params, grads):
    for p, g in zip(params, grads):
        p.zero_grad()
        p.accumulate_grad(g)


def test_sgd_plain_step_by_hand():
    p = Parameter(np.array([1.0, 2.0]))
    opt = SGD([p], lr=0.1)
    p.grad[:] = [1.0, -2.0]
    opt.step()
    np.testing.assert_allclose(p.data, [0.9, 2.2])


def test_sgd_momentum_by_hand():
    p = Parameter(np.array([1.0]))
    opt = SGD([p], lr=0.1, momentum=0.9)
    for g, expected in [(1.0, 0.9), (1.0, 0.9 - 0.1 * 1.9), (0.0, 0.9 - 0.19 - 0.1 * 1.71)]:
        opt.zero_grad()
        p.grad[:] = g
        opt.step()
        np.testing.assert_allclose(p.data, [expected], rtol=1e-14)


def test_adam_first_step_moves_by_lr():
    p = Parameter(np.array([1.0, -1.0]))
    opt = Adam([p], lr=0.01)
    p.grad[:] = [3.0, -0.5]
    opt.step()
    # bias correction makes the first step exactly lr * sign(g) (up to eps)
    np.testing.assert_allclose(p.data, [0.99, -0.99], rtol=1e-7)


@pytest.mark.parametrize(
    "make", [lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)]
)
def test_updates_are_in_place(make):
    params = _params(np.float32)
    arrays = [p.data for p in params]
    opt = make(params)
    for step in range(3):
        _set_grads(params, _grads(step, [p.shape for p in params], np.float32))
        opt.step()
    for p, a in zip(params, arrays):
        assert p.data is a and p.data.dtype == np.float32


def test_zero_grad_and_skip_of_zero_gradients():
    params = _params()
    before = [p.data.copy() for p in params]
    opt = SGD(params, lr=0.5)
    _set_grads(params, _grads(0, [p.shape for p in params], np.float64))
    opt.zero_grad()
    assert all(not p.grad.any() for p in params)
    opt.step()
    for p, b in zip(params, before):
        np.testing.assert_array_equal(p.data, b)


def test_optimizer_argument_errors():
    with pytest.raises(ValueError):
        SGD([], lr=0.1)
    with pytest.raises(ValueError):
        SGD(_params(), lr=0.0)
    with pytest.raises(TypeError):
        SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError):
        Adam(_params(), betas=(1.0, 0.999))
    layer = Linear(3, 2, rng=0)
    assert len(SGD(layer.parameters(), lr=0.1).params) == 2
    assert "lr=0.1" in repr(SGD(layer.parameters(), lr=0.1))


TOL = {np.float32: 1e-5, np.float64: 1e-10}
CASES = {
    "sgd": (lambda ps: SGD(ps, lr=0.05), lambda torch, ps: torch.optim.SGD(ps, lr=0.05)),
    "sgd_momentum": (
        lambda ps: SGD(ps, lr=0.05, momentum=0.9),
        lambda torch, ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
    ),
    "sgd_weight_decay": (
        lambda ps: SGD(ps, lr=0.05, momentum=0.5, weight_decay=0.01),
        lambda torch, ps: torch.optim.SGD(ps, lr=0.05, momentum=0.5, weight_decay=0.01),
    ),
    "adam": (lambda ps: Adam(ps, lr=0.01), lambda torch, ps: torch.optim.Adam(ps, lr=0.01)),
    "adam_betas": (
        lambda ps: Adam(ps, lr=0.003, betas=(0.8, 0.99), eps=1e-6),
        lambda torch, ps: torch.optim.Adam(ps, lr=0.003, betas=(0.8, 0.99), eps=1e-6),
    ),
    "adam_weight_decay": (
        lambda ps: Adam(ps, lr=0.01, weight_decay=0.1),
        lambda torch, ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1),
    ),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", sorted(CASES))
def test_trajectory_matches_torch(case, dtype):
    torch = pytest.importorskip("torch")
    ours_make, theirs_make = CASES[case]
    params = _params(dtype)
    tparams = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
    opt, topt = ours_make(params), theirs_make(torch, tparams)
    shapes = [p.shape for p in params]
    for step in range(8):
        grads = _grads(step, shapes, dtype)
        opt.zero_grad()
        topt.zero_grad()
        _set_grads(params, grads)
        for t, g in zip(tparams, grads):
            t.grad = torch.tensor(g)
        opt.step()
        topt.step()
    tol = TOL[dtype]
    for p, t in zip(params, tparams):
        assert p.data.dtype == dtype
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=tol, atol=tol, err_msg=case)
