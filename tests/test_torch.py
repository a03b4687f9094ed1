"""nnlib.torch: exact weight transfer, forward/backward parity with PyTorch, SGD parity, devices."""

import subprocess
import sys

import numpy as np
import pytest
import torch  # the test extra installs torch 2.13.0: a missing torch fails here, it is never skipped

import nnlib
from nnlib import GELU, SGD, CrossEntropyLoss, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, SiLU, Tanh
from nnlib.torch import from_torch, pick_device, to_torch, train

TOL = 1e-5


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """Tiny networks: threads only add contention (seconds instead of milliseconds on a busy machine)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _model(rng, dtype=np.float32):
    return Sequential(
        Linear(12, 32, rng=rng, dtype=dtype),
        ReLU(),
        Linear(32, 24, rng=rng, dtype=dtype),
        Tanh(),
        Linear(24, 16, rng=rng, dtype=dtype),
        GELU(),
        Linear(16, 16, rng=rng, dtype=dtype),
        LeakyReLU(0.1),
        Linear(16, 12, rng=rng, dtype=dtype),
        SiLU(),
        Linear(12, 8, rng=rng, dtype=dtype),
        Sigmoid(),
        Linear(8, 5, rng=rng, dtype=dtype),
    )


def _data(rng, n=64, dtype=np.float32):
    return rng.standard_normal((n, 12)).astype(dtype), rng.integers(0, 5, n)


def _close(a, b, tol=TOL):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    err = np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1.0))
    assert err < tol, f"relative error {err:.3g} >= {tol}"


def test_to_torch_maps_every_layer_and_copies_weights_exactly():
    model = _model(np.random.default_rng(0))
    tm = to_torch(model)
    assert isinstance(tm, torch.nn.Sequential) and len(tm) == len(model)
    kinds = [type(m).__name__ for m in tm]
    assert kinds == [
        "Linear",
        "ReLU",
        "Linear",
        "Tanh",
        "Linear",
        "GELU",
        "Linear",
        "LeakyReLU",
        "Linear",
        "SiLU",
        "Linear",
        "Sigmoid",
        "Linear",
    ]
    assert tm[7].negative_slope == 0.1
    for ours, theirs in zip(model, tm):
        if isinstance(ours, Linear):
            assert theirs.weight.dtype == torch.float32
            np.testing.assert_array_equal(theirs.weight.detach().numpy(), ours.weight.data)
            np.testing.assert_array_equal(theirs.bias.detach().numpy(), ours.bias.data)
    # no shared memory: changing the torch copy leaves the nnlib model alone
    with torch.no_grad():
        tm[0].weight.add_(1.0)
    assert not np.array_equal(tm[0].weight.detach().numpy(), model[0].weight.data)


def test_round_trips_are_exact_and_keep_dtype():
    for dtype, tdtype in ((np.float32, torch.float32), (np.float64, torch.float64)):
        model = _model(np.random.default_rng(1), dtype=dtype)
        back = from_torch(to_torch(model))
        assert isinstance(back, Sequential) and len(back) == len(model)
        assert [type(m) for m in back] == [type(m) for m in model]
        for a, b in zip(model.parameters(), back.parameters()):
            assert b.data.dtype == dtype
            np.testing.assert_array_equal(a.data, b.data)
        torch.manual_seed(0)
        tm = torch.nn.Sequential(
            torch.nn.Linear(6, 7, dtype=tdtype), torch.nn.ReLU(), torch.nn.Linear(7, 3, dtype=tdtype)
        )
        again = to_torch(from_torch(tm))
        for p, q in zip(tm.parameters(), again.parameters()):
            assert q.dtype == tdtype
            assert torch.equal(p, q)


def test_unsupported_layers_raise_a_clear_error():
    with pytest.raises(TypeError, match="cannot convert Conv1d"):
        from_torch(torch.nn.Sequential(torch.nn.Conv1d(1, 1, 3)))


def test_forward_parity_both_ways():
    rng = np.random.default_rng(2)
    model = _model(rng)
    X, _ = _data(rng)
    tm = to_torch(model)
    with torch.no_grad():
        _close(model(X), tm(torch.from_numpy(X)).numpy())
    torch.manual_seed(3)
    tm2 = torch.nn.Sequential(torch.nn.Linear(12, 20), torch.nn.GELU(approximate="tanh"), torch.nn.Linear(20, 4))
    with torch.no_grad():
        _close(from_torch(tm2)(X), tm2(torch.from_numpy(X)).numpy())


def test_backward_parity_parameter_gradients():
    rng = np.random.default_rng(4)
    model = _model(rng)
    X, labels = _data(rng)
    tm = to_torch(model)
    loss = CrossEntropyLoss()
    model.zero_grad()
    value = loss.forward(model(X), labels)
    model.backward(loss.backward())
    t_loss = torch.nn.functional.cross_entropy(tm(torch.from_numpy(X)), torch.from_numpy(labels))
    t_loss.backward()
    assert abs(value - t_loss.item()) < TOL
    for p, q in zip(model.parameters(), tm.parameters()):
        _close(p.grad, q.grad.numpy())


def test_backward_parity_input_gradient_of_a_single_layer():
    rng = np.random.default_rng(5)
    layer = Linear(7, 3, rng=rng)
    x = rng.standard_normal((4, 7)).astype(np.float32)
    g = rng.standard_normal((4, 3)).astype(np.float32)
    layer.forward(x)
    dx = layer.backward(g)
    tl = to_torch(layer)
    xt = torch.from_numpy(x).requires_grad_(True)
    tl(xt).backward(torch.from_numpy(g))
    _close(dx, xt.grad.numpy())
    _close(layer.weight.grad, tl[0].weight.grad.numpy())


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_steps_match_torch_optim_sgd(momentum):
    rng = np.random.default_rng(6)
    model = Sequential(Linear(12, 32, rng=rng), ReLU(), Linear(32, 5, rng=rng))
    tm = to_torch(model)
    opt = SGD(model.parameters(), lr=0.1, momentum=momentum)
    t_opt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=momentum)
    initial = model[0].weight.data.copy()
    loss = CrossEntropyLoss()
    for _ in range(5):
        X, labels = _data(rng, n=16)
        opt.zero_grad()
        loss.forward(model(X), labels)
        model.backward(loss.backward())
        opt.step()
        t_opt.zero_grad()
        torch.nn.functional.cross_entropy(tm(torch.from_numpy(X)), torch.from_numpy(labels)).backward()
        t_opt.step()
    for p, q in zip(model.parameters(), tm.parameters()):
        _close(p.data, q.detach().numpy())
    assert not np.allclose(model[0].weight.data, initial, atol=1e-3), "the steps changed the weights"


def test_pick_device_follows_availability(monkeypatch):
    expected = (
        "cuda"
        if torch.cuda.is_available()
        else ("mps" if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available() else "cpu")
    )
    assert pick_device() == expected
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert pick_device() == "mps"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device() == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device() == "cuda"


def test_train_on_cpu_learns_and_records_history():
    rng = np.random.default_rng(7)
    X, y = nnlib.spiral(rng, n_per_class=100)
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 3))
    history = train(
        tm,
        X,
        y,
        epochs=40,
        batch_size=32,
        lr=0.2,
        momentum=0.9,
        device="cpu",
        rng=rng,
        X_val=X,
        y_val=y,
        progress=False,
    )
    assert history.device == "cpu"
    assert len(history["loss"]) == len(history["accuracy"]) == len(history["val_loss"]) == 40
    assert len(history.seconds) == 40
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_accuracy"][-1] > 0.8
    with pytest.raises(TypeError, match="to_torch"):
        train(_model(rng), X, y, 1, 32, 0.1)


def test_import_nnlib_does_not_import_torch():
    code = "import sys, nnlib; nnlib.Linear; nnlib.fit; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ------------------------------------------------------------------ GPU


def _cuda():
    if not torch.cuda.is_available():
        pytest.skip("CUDA not available")
    return torch.device("cuda")


@pytest.mark.gpu
def test_gpu_forward_backward_parity(monkeypatch):
    device = _cuda()
    rng = np.random.default_rng(8)
    model = _model(rng)
    X, labels = _data(rng)
    tm = to_torch(model).to(device)
    # full float32 matmuls for the comparison, and only for this test
    monkeypatch.setattr(torch.backends.cuda.matmul, "allow_tf32", False)
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    loss = CrossEntropyLoss()
    model.zero_grad()
    loss.forward(model(X), labels)
    model.backward(loss.backward())
    out = tm(torch.from_numpy(X).to(device))
    torch.nn.functional.cross_entropy(out, torch.from_numpy(labels).to(device)).backward()
    _close(model(X), out.detach().cpu().numpy())
    for p, q in zip(model.parameters(), tm.parameters()):
        _close(p.grad, q.grad.cpu().numpy())
    back = from_torch(tm)
    for p, q in zip(back.parameters(), tm.parameters()):
        np.testing.assert_array_equal(p.data, q.detach().cpu().numpy())


@pytest.mark.gpu
def test_gpu_train_runs_on_cuda():
    _cuda()
    assert pick_device() == "cuda"
    rng = np.random.default_rng(9)
    X, y = nnlib.spiral(rng, n_per_class=100)
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 3))
    history = train(tm, X, y, epochs=40, batch_size=32, lr=0.2, momentum=0.9, rng=rng, progress=False)
    assert history.device.startswith("cuda")
    assert next(tm.parameters()).device.type == "cuda"
    assert history["accuracy"][-1] > 0.8
