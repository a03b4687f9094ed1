"""Lesson 11_pytorch, in-process on CPU torch: the solution's functions agree with nnlib.

The locked setup cell and the answer cells of ``solutions/11_pytorch/11_pytorch.ipynb`` are executed here
(no kernel), so CI exercises the reference solution directly:

* ``pick_device`` follows cuda > mps > cpu, checked at call time (availability monkeypatched);
* ``torch_mlp`` has the nnlib layout and ``copy_from_nnlib`` makes it compute nnlib's function to 1e-5;
* ``torch_gradients`` (autograd) matches nnlib's hand-written backprop (module ``backward``) on the same weights;
* ``train_torch`` trains in place on the CPU and reports one mean loss per epoch;
* ``Value`` (the scalar autograd engine) agrees with its twin ``nnlib.autograd.Value`` and with torch.autograd,
  value for value, on the same expressions, and its graph draws with ``nnlib.autograd.draw_graph``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "solutions" / "11_pytorch" / "11_pytorch.ipynb"
ANSWERS = ("Value", "pick_device", "torch_mlp", "copy_from_nnlib", "torch_gradients", "train_torch")


def _code(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))


@pytest.fixture(scope="module")
def lesson():
    import matplotlib

    matplotlib.use("Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    namespace: dict = {"__name__": "lesson11_solution"}
    threads = torch.get_num_threads()  # the setup cell sets one thread for its kernel
    exec(compile(_code(cells["setup"].source), "11_pytorch:setup", "exec"), namespace)
    for name in ANSWERS:
        exec(compile(cells[name].source, f"11_pytorch:{name}", "exec"), namespace)
    yield namespace
    torch.set_num_threads(threads)


def _nnlib_mlp(sizes, seed):
    import nnlib

    r = np.random.default_rng(seed)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layer = nnlib.Linear(a, b, rng=r)
        layer.bias.data[...] = r.normal(scale=0.1, size=b)
        layers.append(layer)
        if i < len(sizes) - 2:
            layers.append(nnlib.ReLU())
    return nnlib.Sequential(*layers)


@pytest.mark.parametrize(
    "cuda, mps, expected",
    [
        (False, False, "cpu"),
        (False, True, "mps"),
        (True, False, "cuda"),
        (True, True, "cuda"),
    ],
)
def test_pick_device_branches(lesson, monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert str(lesson["pick_device"]()) == expected


def test_pick_device_here(lesson):
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert lesson["pick_device"]() == expected


def test_torch_mlp_layout(lesson):
    net = lesson["torch_mlp"]([784, 256, 128, 10])
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert [tuple(net[i].weight.shape) for i in (0, 2, 4)] == [(256, 784), (128, 256), (10, 128)]
    assert sum(p.numel() for p in net.parameters()) == 235146


@pytest.mark.parametrize("sizes", [[2, 64, 64, 3], [784, 256, 128, 10], [5, 5, 5]])
def test_copy_from_nnlib_same_function(lesson, sizes):
    nn_model = _nnlib_mlp(sizes, seed=len(sizes))
    before = [p.data.copy() for p in nn_model.parameters()]
    t_model = lesson["torch_mlp"](sizes)
    returned = lesson["copy_from_nnlib"](t_model, nn_model)
    assert returned is t_model
    X = np.random.default_rng(0).normal(size=(32, sizes[0])).astype(np.float32)
    with torch.no_grad():
        out_t = t_model(torch.as_tensor(X)).numpy()
    np.testing.assert_allclose(out_t, nn_model.forward(X), rtol=1e-5, atol=1e-5)
    with torch.no_grad():  # no shared memory
        for p in t_model.parameters():
            p.add_(1.0)
    for b, p in zip(before, nn_model.parameters()):
        np.testing.assert_array_equal(b, p.data)


def test_autograd_matches_nnlib_backprop(lesson):
    import nnlib

    nn_model = _nnlib_mlp([4, 16, 8, 3], seed=7)
    X = np.random.default_rng(1).normal(size=(20, 4)).astype(np.float32)
    labels = np.random.default_rng(2).integers(0, 3, size=20)
    loss = nnlib.CrossEntropyLoss()
    nn_model.zero_grad()
    loss.forward(nn_model.forward(X), labels)
    nn_model.backward(loss.backward())
    t_model = lesson["copy_from_nnlib"](lesson["torch_mlp"]([4, 16, 8, 3]), nn_model)
    grads = lesson["torch_gradients"](t_model, X, labels)
    again = lesson["torch_gradients"](t_model, X, labels)  # zeroed, not accumulated
    linears = [m for m in nn_model if isinstance(m, nnlib.Linear)]
    assert len(grads) == len(linears)
    for (dW, db), (dW2, db2), layer in zip(grads, again, linears):
        np.testing.assert_allclose(dW, layer.weight.grad, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(db, layer.bias.grad, rtol=1e-4, atol=1e-6)
        np.testing.assert_array_equal(dW, dW2)
        np.testing.assert_array_equal(db, db2)


def test_train_torch_trains_in_place_on_cpu(lesson):
    from nnlib.data import moons

    torch.manual_seed(0)
    model = lesson["torch_mlp"]([2, 32, 32, 2])
    X, y = moons(np.random.default_rng(0), n=400)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = lesson["train_torch"](model, X, y, 15, "cpu")
    assert len(history) == 15
    assert all(isinstance(v, float) for v in history)
    assert history[-1] < 0.5 * history[0]
    X_new, y_new = moons(np.random.default_rng(1), n=400)
    with torch.no_grad():
        accuracy = (model(torch.as_tensor(X_new)).argmax(dim=1).numpy() == y_new).mean()
    assert accuracy >= 0.9


EXPRESSIONS = [
    (lambda a, b: ((a * b).tanh() + (a / b).exp() - (b**2).log()) / (1 - a), [0.3, -1.2]),
    (lambda a, b: (a * b).relu() * a + 2 / b - 3 * a**-2, [-1.5, -2.0]),
    (lambda a, b, c: a * b + a * c - (-a) + (a + 1).log(), [0.5, -1.5, 2.0]),
    (lambda a: (lambda b: b * b.tanh() + b)(a * 3), [0.4]),
    (lambda a: a.relu(), [0.0]),
]


@pytest.mark.parametrize("index", range(len(EXPRESSIONS)))
def test_value_matches_nnlib_twin_and_torch(lesson, index):
    from nnlib.autograd import Value as Twin

    f, xs = EXPRESSIONS[index]
    results = []
    for cls in (lesson["Value"], Twin):
        leaves = [cls(x) for x in xs]
        out = f(*leaves)
        out.backward()
        results.append((float(out.data), [float(v.grad) for v in leaves]))
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out = f(*tensors)
    out.backward()
    want = (out.item(), [0.0 if t.grad is None else t.grad.item() for t in tensors])
    for data, grads in results:
        assert data == pytest.approx(want[0], rel=1e-12, abs=1e-12)
        assert grads == pytest.approx(want[1], rel=1e-12, abs=1e-12)


def test_value_graph_draws(lesson):
    import matplotlib.pyplot as plt

    from nnlib.autograd import draw_graph

    Value = lesson["Value"]
    a, b = Value(2.0), Value(-3.0)
    e = (a * b + a).tanh()
    e.backward()
    ax = draw_graph(e)
    labels = sorted(t.get_text() for t in ax.texts if t.get_text() and "data" not in t.get_text())
    assert labels == ["*", "+", "tanh"]
    assert a.grad == pytest.approx(-0.0026819, abs=1e-7) and b.grad == pytest.approx(0.0026819, abs=1e-7)
    plt.close(ax.figure)
