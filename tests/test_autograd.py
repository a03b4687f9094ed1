"""nnlib.autograd.Value, the scalar autograd engine of lesson 11, against torch.autograd (float64)
and numerical differences: every operation, values used several times, deep chains, random graphs
(hypothesis), linear work (each node's backward runs once), clear errors, and the graph drawing."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.autograd import Value, draw_graph

torch = pytest.importorskip("torch")


# ----------------------------------------------------------------------------- helpers


def value_grads(f, xs):
    """(output data, [d out / d x_i]) computed by Value."""
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def torch_grads(f, xs):
    """The same with torch.autograd in float64 (an unused input gets 0)."""
    leaves = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in xs]
    out = f(*leaves)
    out.backward()
    return out.item(), [0.0 if leaf.grad is None else leaf.grad.item() for leaf in leaves]


def numerical_grads(f, xs, eps=1e-6):
    """Central differences of f's forward value (computed with Value) wrt each input."""
    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += eps
        down[i] -= eps
        grads.append((f(*map(Value, up)).data - f(*map(Value, down)).data) / (2 * eps))
    return grads


def all_nodes(root):
    seen, stack, nodes = set(), [root], []
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            nodes.append(node)
            stack.extend(node._prev)
    return nodes


# Each expression works on Values and on torch tensors alike (relu/tanh/exp/log are tensor methods too).
EXPRESSIONS = {
    "add": (lambda a, b: a + b, [1.5, -2.0]),
    "sub": (lambda a, b: a - b, [1.5, -2.0]),
    "mul": (lambda a, b: a * b, [1.5, -2.0]),
    "div": (lambda a, b: a / b, [1.5, -2.0]),
    "neg": (lambda a: -a, [0.7]),
    "radd": (lambda a: 2 + a, [0.7]),
    "rsub": (lambda a: 1 - a, [0.7]),
    "rmul": (lambda a: 2 * a, [0.7]),
    "rdiv": (lambda a: 2 / a, [0.7]),
    "sub_number": (lambda a: a - 3, [0.7]),
    "div_number": (lambda a: a / 4, [0.7]),
    "pow_int": (lambda a: a**3, [-1.3]),
    "pow_float": (lambda a: a**2.5, [1.3]),
    "pow_negative": (lambda a: a**-2, [1.3]),
    "square": (lambda a: a * a, [-1.3]),
    "shared_sum": (lambda a, b, c: a * b + a * c, [0.5, -1.5, 2.0]),
    "shared_interior": (lambda a: (lambda b: b * b.tanh() + b)(a * 3), [0.4]),
    "relu_positive": (lambda a: a.relu(), [0.8]),
    "relu_negative": (lambda a: a.relu(), [-0.8]),
    "relu_zero": (lambda a: a.relu(), [0.0]),
    "relu_zero_chain": (lambda a, b: (a * b).relu() * 5, [0.0, 2.0]),
    "tanh": (lambda a: a.tanh(), [0.6]),
    "exp": (lambda a: a.exp(), [0.6]),
    "log": (lambda a: a.log(), [0.6]),
    "mixed": (lambda a, b: ((a * b).tanh() + (a / b).exp() - (b**2).log()) / (1 - a), [0.3, -1.2]),
    "softplus": (lambda a: (1 + a.exp()).log(), [-0.4]),
    "sigmoid": (lambda a: 1 / (1 + (-a).exp()), [0.9]),
}


# ----------------------------------------------------------------------------- values and gradients


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_matches_torch_autograd(name):
    f, xs = EXPRESSIONS[name]
    data, grads = value_grads(f, xs)
    want_data, want_grads = torch_grads(f, xs)
    assert data == pytest.approx(want_data, rel=1e-12, abs=1e-12)
    assert grads == pytest.approx(want_grads, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", sorted(n for n in EXPRESSIONS if "relu_zero" not in n))
def test_matches_numerical_differences(name):
    f, xs = EXPRESSIONS[name]
    _, grads = value_grads(f, xs)
    assert grads == pytest.approx(numerical_grads(f, xs), rel=1e-6, abs=1e-6)


def test_relu_derivative_is_zero_at_zero():
    a = Value(0.0)
    out = a.relu()
    out.backward()
    assert out.data == 0.0 and a.grad == 0.0


def test_value_used_several_times_gets_the_sum_of_its_paths():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    a, b, c = Value(2.0), Value(-1.0), Value(4.0)
    (a * b + a * c).backward()
    assert (a.grad, b.grad, c.grad) == (3.0, 2.0, 2.0)
    a = Value(1.5)
    (a + a + a).backward()
    assert a.grad == 3.0


def test_grad_is_zero_before_and_one_at_the_output_after():
    a, b = Value(2.0), Value(5.0)
    out = a * b
    assert (a.grad, b.grad, out.grad) == (0.0, 0.0, 0.0)
    out.backward()
    assert out.grad == 1.0
    leaf = Value(7.0)
    leaf.backward()
    assert leaf.grad == 1.0


def test_operations_return_new_values_and_leave_inputs_alone():
    a, b = Value(2.0), Value(3.0)
    for out in (a + b, a - b, a * b, a / b, -a, a**2, 2 + a, 1 - a, 2 * a, 2 / a, a.relu(), a.tanh(), a.exp(), a.log()):
        assert isinstance(out, Value) and out is not a and out is not b
    assert (a.data, b.data, a.grad, b.grad) == (2.0, 3.0, 0.0, 0.0)


def test_numbers_of_every_kind_are_accepted():
    for x in (2, 2.0, np.float32(2.0), np.float64(2.0), np.int64(2), np.array(2.0)):
        v = Value(x) * 3
        v.backward()
        assert isinstance(v.data, float) and v.data == 6.0


def test_small_neuron_matches_torch():
    x, w, b = [1.0, -2.0, 0.5], [0.3, -0.1, 0.8], 0.2

    def neuron(*p):
        ws, bias, xs = p[:3], p[3], p[4:]
        return sum((wi * xi for wi, xi in zip(ws, xs)), bias).tanh()

    data, grads = value_grads(neuron, [*w, b, *x])
    want_data, want_grads = torch_grads(neuron, [*w, b, *x])
    assert data == pytest.approx(want_data, rel=1e-12)
    assert grads == pytest.approx(want_grads, rel=1e-12, abs=1e-15)


def test_tiny_neuron_trains():
    """Gradient descent with Value fits y = tanh(2 x1 - x2 + 0.5) from 16 points."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(16, 2))
    y = np.tanh(2 * X[:, 0] - X[:, 1] + 0.5)
    params = [Value(0.0), Value(0.0), Value(0.0)]
    losses = []
    for _ in range(200):
        loss = sum(((params[0] * x1 + params[1] * x2 + params[2]).tanh() - t) ** 2 for (x1, x2), t in zip(X, y)) / len(
            X
        )
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= 1.0 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 1e-5 * losses[0]
    assert [p.data for p in params] == pytest.approx([2.0, -1.0, 0.5], abs=0.02)


# ----------------------------------------------------------------------------- deep and shared graphs, linear work


def test_deep_chain_of_a_few_hundred_nodes():
    def chain(x):
        for _ in range(150):  # 300 nodes deep: a multiply and an add per step
            x = x * 0.99 + 0.01
        return x

    data, grads = value_grads(chain, [0.5])
    assert data == pytest.approx(torch_grads(chain, [0.5])[0], rel=1e-12)
    assert grads[0] == pytest.approx(0.99**150, rel=1e-12)


def test_very_deep_chain_does_not_hit_the_recursion_limit():
    x = Value(0.3)
    y = x
    for _ in range(5 * sys.getrecursionlimit()):
        y = y + 0.0
    y.backward()
    assert x.grad == 1.0


def test_each_node_backward_runs_exactly_once():
    """A graph of 3 * 60 nodes with 2**60 paths from output to input: linear work, exact sum of paths."""
    x = Value(1.0)
    y = x
    for _ in range(60):
        y = y * 0.5 + y * 0.5  # y used twice: the number of paths doubles at every step
    calls = {}
    for node in all_nodes(y):
        inner = node._backward

        def counted(inner=inner, key=id(node)):  # noqa: B008  (bound per node, on purpose)
            calls[key] = calls.get(key, 0) + 1
            inner()

        node._backward = counted
    y.backward()
    assert x.grad == pytest.approx(1.0)
    assert len(calls) == len(all_nodes(y)) and set(calls.values()) == {1}


def test_topological_order_puts_inputs_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = e._topological_order()
    assert len(order) == len({id(n) for n in order}) == 5
    where = {id(n): i for i, n in enumerate(order)}
    for node in order:
        assert all(where[id(child)] < where[id(node)] for child in node._prev)


# ----------------------------------------------------------------------------- random graphs (hypothesis)

UNARY = {
    "neg": lambda a: -a,
    "tanh": lambda a: a.tanh(),
    "relu": lambda a: a.relu(),
    "exp_tanh": lambda a: a.tanh().exp(),
    "log1p_sq": lambda a: (a * a + 1).log(),
    "cube_tanh": lambda a: a.tanh() ** 3,
    "rsub": lambda a: 1.5 - a,
    "rdiv": lambda a: 2 / (a * a + 1),
    "scale": lambda a: 0.5 * a,
    "shift": lambda a: a + 0.25,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "mul_tanh": lambda a, b: a.tanh() * b.tanh(),
}


@st.composite
def random_graphs(draw):
    """A random DAG: inputs, then operations on any earlier node (so nodes get shared)."""
    n_inputs = draw(st.integers(1, 4))
    xs = draw(
        st.lists(
            st.floats(-2, 2, allow_nan=False).filter(lambda v: abs(v) > 1e-3), min_size=n_inputs, max_size=n_inputs
        )
    )
    steps = []
    for i in range(draw(st.integers(1, 15))):
        n_nodes = n_inputs + i
        if draw(st.booleans()):
            steps.append(("u", draw(st.sampled_from(sorted(UNARY))), draw(st.integers(0, n_nodes - 1))))
        else:
            steps.append(
                (
                    "b",
                    draw(st.sampled_from(sorted(BINARY))),
                    draw(st.integers(0, n_nodes - 1)),
                    draw(st.integers(0, n_nodes - 1)),
                )
            )
    return xs, steps


def run_graph(steps, *leaves):
    nodes = list(leaves)
    for step in steps:
        if step[0] == "u":
            nodes.append(UNARY[step[1]](nodes[step[2]]))
        else:
            nodes.append(BINARY[step[1]](nodes[step[2]], nodes[step[3]]))
    return nodes[-1] + sum(nodes[:-1], 0)  # every node reaches the output, most of them twice


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_random_graphs_match_torch(graph):
    xs, steps = graph
    f = lambda *leaves: run_graph(steps, *leaves)  # noqa: E731
    want_data, want_grads = torch_grads(f, xs)
    if not (math.isfinite(want_data) and all(math.isfinite(g) for g in want_grads)):
        return
    data, grads = value_grads(f, xs)
    scale = max(1.0, *map(abs, want_grads))
    assert data == pytest.approx(want_data, rel=1e-9, abs=1e-9)
    assert grads == pytest.approx(want_grads, rel=1e-9, abs=1e-9 * scale)


@settings(max_examples=100, deadline=None)
@given(st.floats(-3, 3), st.floats(-3, 3))
def test_sum_rule_and_product_rule(x, y):
    a, b = Value(x), Value(y)
    (a * b + a + b).backward()
    assert a.grad == pytest.approx(y + 1) and b.grad == pytest.approx(x + 1)


# ----------------------------------------------------------------------------- errors and drawing


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], np.array([1.0, 2.0]), 1 + 2j, True])
def test_value_refuses_what_is_not_one_real_number(bad):
    with pytest.raises(TypeError, match="real number"):
        Value(bad)


def test_clear_errors():
    with pytest.raises(TypeError, match="exponent must be a constant"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="integer exponent"):
        Value(-8.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / Value(0.0)
    with pytest.raises(TypeError, match="real number"):
        Value(1.0) + "a"


def test_repr_shows_label_data_and_grad():
    a = Value(2.0, label="a")
    assert repr(a) == "Value(a: data=2, grad=0)"


def test_draw_graph_draws_every_value_and_operation():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = (a * b + a).tanh()
    e.backward()
    ax = draw_graph(e)
    texts = [t.get_text() for t in ax.texts if t.get_text()]  # annotate() arrows are empty Texts
    assert sum("data" in t for t in texts) == 5  # a, b, a*b, a*b + a, tanh
    assert sorted(t for t in texts if "data" not in t) == ["*", "+", "tanh"]
    assert any("a | data 2" in t and "grad" in t for t in texts)
    plt.close(ax.figure)


def test_draw_graph_reads_other_micrograd_style_classes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    class Node:
        def __init__(self, data, children=(), op=""):
            self.data, self.grad, self._children, self._op = data, 0, set(children), op

    a, b = Node(1.0), Node(2.0)
    ax = draw_graph(Node(3.0, (a, b), "+"))
    assert sum("data" in t.get_text() for t in ax.texts) == 3
    plt.close(ax.figure)


def test_import_stays_light():
    code = "import sys, nnlib.autograd; print(any(m in sys.modules for m in ('torch', 'matplotlib', 'numpy')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
