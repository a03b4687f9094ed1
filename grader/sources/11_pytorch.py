# %% [markdown]
# # 11 · The same network in PyTorch, on a GPU when there is one
#
# You have built every piece of a neural network by hand: layers, activations, losses, backprop, optimizers, a
# training loop. **PyTorch** provides the same pieces, plus two things that matter in practice:
#
# * **autograd**: it records the operations of the forward pass and computes every gradient for you, exactly the
#   chain rule of lesson 08, for any network you can write down;
# * **devices**: the same code runs on a CPU, an NVIDIA GPU (`"cuda"`) or an Apple GPU (`"mps"`).
#
# The plan: first build autograd yourself, a scalar engine in the style of micrograd (section 1), draw its graph,
# train a tiny neuron with it and check it against `torch.autograd`. Then the same thing, for tensors, on a GPU: pick a
# device, build the MLP in `torch.nn` (and see what PyTorch's default initialisation is), copy `nnlib` weights into it
# and check that both compute the same function, compare autograd's gradients with your hand-written backprop, train
# on the device, and time CPU against GPU.
#
# You will write: `Value` (the autograd engine), `pick_device`, `torch_mlp`, `copy_from_nnlib`, `torch_gradients` and
# `train_torch`.
#
# The conventions were chosen to line up: `nnlib.Linear` and `torch.nn.Linear` both store `weight` as
# `(out_features, in_features)` and compute `x @ weight.T + bias`.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=11_pytorch` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/11_pytorch.ipynb`.

# %% readonly id=setup
import copy
import math
import time

import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
import torch
from torch import nn

from nnlib.testing import assert_close, assert_shape, assert_equal, assert_true, assert_float_array, assert_unchanged, call, snapshot
import nnlib
from nnlib import Sequential, Linear, ReLU, CrossEntropyLoss
from nnlib.functional import linear_backward, relu_backward, softmax_cross_entropy_backward
from nnlib.data import moons, spiral
from nnlib.plot import decision_boundary
from nnlib.autograd import draw_graph

# One CPU thread for the small networks of this lesson: as fast as several for these sizes, and immune to
# other programs competing for the cores. The timing table of section 8 compares one thread with all of them.
CPU_THREADS = torch.get_num_threads()
torch.set_num_threads(1)

rng = np.random.default_rng(0)
torch.manual_seed(0)
print("torch", torch.__version__, "| CUDA available:", torch.cuda.is_available())

# %% [markdown]
# ## 1. Autograd from scratch: what `loss.backward()` does inside
#
# In lesson 08 you wrote the backward pass of every layer by hand. PyTorch's **autograd** writes it for you, for any
# computation you can express. Before you use it, you build a small one yourself, in the spirit of Andrej Karpathy's
# *micrograd*: the same algorithm, one number at a time.
#
# **A graph of Values.** A `Value` wraps one number, `data`. Every operation on Values (`a * b`, `a.tanh()`, ...)
# returns a **new** Value that remembers the Values it was computed from (`_prev`) and the operation (`_op`).
# Evaluating `e = (a * b + a).tanh()` therefore builds a graph: the leaves `a` and `b`, then `d = a * b`,
# `c = d + a` and the output `e = tanh(c)`.
#
# **Local derivatives beside each operation.** Every Value also has a `grad`: after `e.backward()`, `x.grad` holds
# $\partial e / \partial x$. By the chain rule of lesson 08, if `out = f(x, y)` then $x$ receives
# $\frac{\partial f}{\partial x} \cdot$ `out.grad` through this edge. So right where an operation computes `out.data`, it
# also defines a small function `out._backward()` that passes `out.grad` back to its inputs, each multiplied by its
# local derivative:
#
# | operation | `out.data` | local derivative(s) |
# |---|---|---|
# | `a + b` | $a + b$ | $\partial/\partial a = 1$, $\partial/\partial b = 1$ |
# | `a * b` | $a b$ | $\partial/\partial a = b$, $\partial/\partial b = a$ |
# | `a ** k` ($k$ a constant number) | $a^k$ | $k\, a^{k-1}$ |
# | `a.relu()` | $\max(a, 0)$ | $1$ where $a > 0$, else $0$ (also $0$ at $a = 0$, as in PyTorch) |
# | `a.tanh()` | $t = \tanh a$ | $1 - t^2$ (from the **output** $t$: lesson 04's `tanh_grad`) |
# | `a.exp()` | $e^a$ | $e^a$, the output itself |
# | `a.log()` | $\ln a$ | $1 / a$ |
#
# The other operations need no derivative of their own: write them **with** the ones above ($-a = a \cdot (-1)$,
# $a - b = a + (-b)$, $a / b = a \cdot b^{-1}$) and the graph does the rest. Python calls the *reflected* methods when
# the number is on the left: `2 * a` is `a.__rmul__(2)`, `1 - a` is `a.__rsub__(1)` and `2 / a` is `a.__rtruediv__(2)`;
# careful, in `__rsub__(self, other)` and `__rtruediv__(self, other)` the Value `self` is on the **right**.
#
# **Add, never overwrite.** A Value used twice (`a * a`, or `a` in `a * b + a`) receives one contribution per use,
# and its derivative is their sum: `_backward` must **add** into `grad` (`+=`). That is also why PyTorch accumulates
# into `.grad` and you call `zero_grad()` before each step (sections 6 and 7).
#
# **Reverse topological order.** A node may pass its gradient on only when its own `grad` is complete, that is after
# every node that uses it has passed back to it. So `backward()` first lists the graph in a **topological order**
# (every node after the nodes it was computed from: a depth-first search that appends a node after its children and
# remembers which nodes it has already visited), sets the output's `grad` to 1 ($\partial e/\partial e$), then calls
# `_backward()` of every node in the **reverse** of that order. Each node is visited once, so the work grows with the
# number of nodes, not with the number of paths through the graph (which can grow exponentially).
#
# The example by hand, with $a = 2$, $b = -3$: forward $d = -6$, $c = -4$, $e = \tanh(-4) \approx -0.99933$. Backward:
# `e.grad` $= 1$; `c.grad` $= (1 - e^2) \cdot 1 \approx 0.0013410$; `d.grad` $=$ `c.grad` (a `+` passes it on
# unchanged); `a` is used twice, so `a.grad` $= b \cdot$ `d.grad` $+$ `c.grad` $= -2 \cdot 0.0013410 \approx -0.0026819$;
# `b.grad` $= a \cdot$ `d.grad` $\approx 0.0026819$. The cell after the exercise prints these numbers from your engine.
#
# ### Exercise 1: `Value`
# Complete the class below. `__init__` and `__add__` are written for you: follow `__add__`'s pattern (wrap a plain
# number into a `Value`, compute `out`, define `_backward` with the local derivatives, attach it, return `out`).
#
# * `Value(data)` holds `data` (a number) and `grad` (0 until `backward()`);
# * `a + b`, `a - b`, `a * b`, `a / b` with a `Value` or a Python number on either side (`2 * a`, `1 - a`, `2 / a`),
#   `-a`, and `a ** k` for a constant Python `int` or `float` `k`; the methods `relu()` (derivative 0 at 0), `tanh()`,
#   `exp()`, `log()`; each returns a **new** `Value` and leaves its inputs as they were;
# * `v.backward()` sets `v.grad` to 1 and fills `grad` of every Value that `v` depends on with $\partial v/\partial$ (that
#   Value), visiting each node **once** in reverse topological order; a Value used more than once gets the sum over its uses.
#
# The tests build expressions with your `Value`, call `backward()` once per graph (graphs at most a few hundred nodes
# deep, so a recursive depth-first search is fine) and compare `data` and `grad` with `torch.autograd` (in float64) and
# with numerical differences, on expressions and on a small neuron. Not allowed: `nnlib.autograd` (it ships this answer)
# and `torch` inside your class.

# %% answer id=Value
class Value:
    """One number in a computation graph: `data` (the number) and `grad` (d output / d this Value)."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0                 # d(output)/d(this Value): 0 until backward() fills it
        self._prev = tuple(_children)   # the Values this one was computed from
        self._op = _op                  # the operation's symbol, e.g. "+" (the graph drawing shows it)
        self._backward = lambda: None   # passes self.grad back to the inputs (a leaf has nothing to do)

    def __repr__(self):
        return f"Value(data={self.data:.5g}, grad={self.grad:.5g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)   # a plain number becomes a Value
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():                # the local derivatives of a + b are 1 and 1
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        """self * other."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def __pow__(self, k):
        """self ** k for a constant int or float k (not a Value)."""
        ### BEGIN SOLUTION
        assert isinstance(k, (int, float)), "only constant int or float exponents"
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def relu(self):
        """max(self, 0); its derivative is 0 at 0."""
        ### BEGIN SOLUTION
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def tanh(self):
        """tanh(self)."""
        ### BEGIN SOLUTION
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t ** 2) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def exp(self):
        """e ** self."""
        ### BEGIN SOLUTION
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def log(self):
        """The natural logarithm of self (self > 0)."""
        ### BEGIN SOLUTION
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += (1.0 / self.data) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def __neg__(self):            # -self
        ### BEGIN SOLUTION
        return self * -1
        ### END SOLUTION

    def __sub__(self, other):     # self - other
        ### BEGIN SOLUTION
        return self + (-other)
        ### END SOLUTION

    def __truediv__(self, other):  # self / other
        ### BEGIN SOLUTION
        return self * (other if isinstance(other, Value) else Value(other)) ** -1
        ### END SOLUTION

    def __radd__(self, other):    # other + self, e.g. 2 + a
        ### BEGIN SOLUTION
        return self + other
        ### END SOLUTION

    def __rmul__(self, other):    # other * self, e.g. 2 * a
        ### BEGIN SOLUTION
        return self * other
        ### END SOLUTION

    def __rsub__(self, other):    # other - self, e.g. 1 - a
        ### BEGIN SOLUTION
        return (-self) + other
        ### END SOLUTION

    def __rtruediv__(self, other):  # other / self, e.g. 2 / a
        ### BEGIN SOLUTION
        return self ** -1 * other
        ### END SOLUTION

    def backward(self):
        """Fill grad of every Value this one depends on: d self / d (that Value)."""
        ### BEGIN SOLUTION
        order, visited = [], set()

        def visit(node):
            if node not in visited:
                visited.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
        ### END SOLUTION

# %% tests id=test_Value points=4
import nnlib.autograd as _nnlib_autograd
from nnlib.gradcheck import numerical_gradient as _numerical_gradient
from nnlib.testing import counting_subclass as _counting_subclass

assert_true(isinstance(Value, type)
            and not any(str(getattr(k, "__module__", "")).startswith(("nnlib", "torch")) for k in Value.__mro__),
            what="Value", hint="this exercise is your own engine: define the class Value above instead of importing "
                              "or subclassing nnlib.autograd.Value (which ships the answer) or a torch class")


def _torch_reference(f, xs):
    """The answer key: f's value and gradients by torch.autograd in float64 (an unused input gets 0)."""
    leaves = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in xs]
    out = f(*leaves)
    out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


def _run(what, action, hint):
    """Run student code; a Python error becomes a failed check that says where it happened."""
    try:
        return action()
    except (AssertionError, NotImplementedError):
        raise
    except RecursionError:
        raise AssertionError(f"{what}: RecursionError (the graph is only a few hundred nodes deep)\nHint: a recursive "
                             "topological sort needs one call per level, which fits; a search that never stops or "
                             "revisits nodes without end does not: mark each node as visited the first time you "
                             "reach it (or use an explicit stack)") from None
    except Exception as err:
        raise AssertionError(f"{what}: raised {type(err).__name__}: {err}\nHint: {hint}") from None


def _check(name, f, xs, hint):
    """Build f with your Value on inputs xs, run backward() once, compare with torch.autograd."""
    leaves = [call(Value, x) for x in xs]
    for x, leaf in zip(xs, leaves):
        assert_close(float(leaf.grad), 0.0, what=f"Value({x}).grad before backward()",
                     hint="grad starts at 0: nothing has been passed back yet")
    out = _run(f"computing {name}", lambda: f(*leaves), hint)
    assert_true(isinstance(out, Value), what=f"{name}", hint=f"returned {type(out).__name__}, expected a new Value "
                                                                 "(every operation builds a node of the graph)")
    want_data, want_grads = _torch_reference(f, xs)
    assert_close(float(out.data), want_data, rtol=1e-6, atol=1e-9, what=f"{name} with inputs {xs}: data",
                 hint=f"the forward value is wrong; {hint}")
    for x, leaf in zip(xs, leaves):
        assert_close(float(leaf.data), x, what=f"{name}: an input's data after the operation",
                     hint="operations return a new Value and leave their inputs as they were")
    _run(f"{name}: backward()", lambda: call(out.backward), hint)
    assert_close(float(out.grad), 1.0, what=f"{name}: the output's own grad after backward()",
                 hint="backward() starts from d output / d output, which is 1")
    for i, (leaf, g) in enumerate(zip(leaves, want_grads)):
        assert_close(float(leaf.grad), g, rtol=1e-6, atol=1e-9,
                     what=f"{name} with inputs {xs}: gradient wrt input {i} (expected = torch.autograd's)", hint=hint)


_TABLE = "revisit the row of section 1's table for this operation"
_CASES = [
    ("a * b", lambda a, b: a * b, [1.5, -2.0], f"{_TABLE} (a * b): each input gets its own share"),
    ("a - b", lambda a, b: a - b, [1.5, -2.0], "revisit how section 1 builds a - b from operations you already have"),
    ("a / b", lambda a, b: a / b, [1.5, -2.0], "revisit how section 1 builds a / b from operations you already have"),
    ("-a", lambda a: -a, [0.7], "revisit how section 1 builds -a from an operation you already have"),
    ("2 + a", lambda a: 2 + a, [0.7], "2 + a calls a.__radd__(2)"),
    ("a - 3", lambda a: a - 3, [0.7], "a plain number on the right must become a Value (see __add__)"),
    ("2 * a", lambda a: 2 * a, [0.7], "2 * a calls a.__rmul__(2)"),
    ("1 - a", lambda a: 1 - a, [0.7], "1 - a calls a.__rsub__(1): there a is on the RIGHT of the minus"),
    ("2 / a", lambda a: 2 / a, [0.7], "2 / a calls a.__rtruediv__(2): there a is the DIVISOR"),
    ("a / 4", lambda a: a / 4, [0.7], "a plain number divisor must become a Value first"),
    ("a ** 3", lambda a: a ** 3, [-1.3], f"{_TABLE} (a ** k)"),
    ("a ** 0.5", lambda a: a ** 0.5, [1.3], f"{_TABLE} (a ** k), for a float k too"),
    ("a ** -2", lambda a: a ** -2, [1.3], f"{_TABLE} (a ** k), for a negative k too"),
    ("a.relu() at a > 0", lambda a: a.relu(), [0.8], f"{_TABLE} (relu)"),
    ("a.relu() at a < 0", lambda a: a.relu(), [-0.8], f"{_TABLE} (relu)"),
    ("a.relu() at a = 0", lambda a: a.relu(), [0.0], "at exactly 0 the table's relu derivative is 0, as in PyTorch"),
    ("(a * b).relu() * 5 at a * b = 0", lambda a, b: (a * b).relu() * 5, [0.0, 2.0],
     "at exactly 0 the table's relu derivative is 0, as in PyTorch"),
    ("(a * b).relu() * a", lambda a, b: (a * b).relu() * a, [-1.5, -2.0],
     f"{_TABLE} (relu): like every operation, its result must remember the Value it was computed from"),
    ("a.tanh()", lambda a: a.tanh(), [0.6], f"{_TABLE} (tanh): the derivative is written with the OUTPUT t"),
    ("a.exp()", lambda a: a.exp(), [0.6], f"{_TABLE} (exp)"),
    ("a.log()", lambda a: a.log(), [0.6], f"{_TABLE} (log)"),
    ("a * a", lambda a: a * a, [-1.3], "a Value used twice gets the SUM of both contributions: add into grad, "
                                        "never overwrite it"),
    ("a * b + a * c", lambda a, b, c: a * b + a * c, [0.5, -1.5, 2.0],
     "a is used twice: it must receive the sum of both contributions (add into grad)"),
    ("b * b.tanh() + b with b = 3 * a", lambda a: (lambda b: b * b.tanh() + b)(a * 3), [0.4],
     "b is used three times: it may pass its gradient on to a only after all three uses have passed theirs to b, "
     "i.e. in REVERSE topological order, each node once"),
    ("(a * b + a).tanh()", lambda a, b: (a * b + a).tanh(), [2.0, -3.0],
     "this is section 1's worked example: compare your numbers with it step by step"),
    ("((a * b).tanh() + (a / b).exp() - (b ** 2).log()) / (1 - a)",
     lambda a, b: ((a * b).tanh() + (a / b).exp() - (b ** 2).log()) / (1 - a), [0.3, -1.2],
     "every operation at once: the simpler checks above tell you which one is off"),
]
for _name, _f, _xs, _hint in _CASES:
    _check(_name, _f, _xs, _hint)

# numerical differences: nudge each input, rebuild the graph, compare the slopes with backward()'s gradients
_f = lambda a, b: ((a * b).tanh() + (a / b).exp() - (b ** 2).log()) / (1 - a)
_x = np.array([0.3, -1.2])
_leaves = [Value(float(v)) for v in _x]
_out = _f(*_leaves)
_out.backward()
assert_close([float(leaf.grad) for leaf in _leaves],
             _numerical_gradient(lambda x: float(_f(Value(float(x[0])), Value(float(x[1]))).data), _x),
             rtol=1e-5, atol=1e-7, what="gradients of the mixed expression vs numerical differences (lesson 08)",
             hint="the forward values and the gradients disagree: check each operation's local derivative")

# a small neuron: tanh(w . x + b) with 3 inputs; all 7 gradients
_neuron = lambda w0, w1, w2, b, x0, x1, x2: (w0 * x0 + w1 * x1 + w2 * x2 + b).tanh()
_check("the neuron tanh(w . x + b)", _neuron, [0.3, -0.1, 0.8, 0.2, 1.0, -2.0, 0.5],
       "a neuron is sums, products and a tanh: the expressions above test each of them")

# a chain 300 nodes deep: the order of 300 backward steps, and the depth Python's recursion can take
def _chain(x):
    for _ in range(150):
        x = x * 0.99 + 0.01
    return x
_check("a chain of 150 steps x * 0.99 + 0.01 (300 nodes deep)", _chain, [0.5],
       "every node must pass its gradient on exactly once, after the node that uses it")

# linear work: a graph with 2**12 = 4096 paths from the output to x but only 3 * 12 operations
_CountingValue = _counting_subclass(Value, "grad")  # a Value whose x._writes counts the assignments to x.grad

_xc = _CountingValue(1.0)
_y = _xc
for _ in range(12):
    _y = _y * 0.5 + _y * 0.5   # _y used twice: the number of paths doubles at every step
_run("backward() on a graph with 4096 paths", lambda: call(_y.backward), "visit each node once")
assert_close(float(_xc.grad), 1.0, what="d y / d x for y = 12 rounds of y * 0.5 + y * 0.5",
             hint="the sum over every path is 1: a node whose gradient is passed on more than once counts twice")
_writes = getattr(_xc, "_writes", 0)
assert_true(_writes <= 8, what="work done by backward()",
            hint=f"x.grad was updated {_writes} times for a graph of 36 operations in which x "
                 "is used twice: backward() walks every path (4096) instead of visiting each node once in "
                 "topological order")
### BEGIN HIDDEN TESTS
_r = np.random.default_rng(11)
_u = lambda lo, hi: float(_r.uniform(lo, hi))
_hidden = [
    ("a * b", lambda a, b: a * b, [_u(-3, -1), _u(1, 3)], "product"),
    ("a - b", lambda a, b: a - b, [_u(-3, 3), _u(-3, 3)], "difference"),
    ("a / b", lambda a, b: a / b, [_u(1, 3), _u(-3, -1)], "quotient"),
    ("-a", lambda a: -a, [_u(-2, 2)], "negation"),
    ("3.5 + a", lambda a: 3.5 + a, [_u(-2, 2)], "__radd__"),
    ("-1.5 * a", lambda a: -1.5 * a, [_u(-2, 2)], "__rmul__"),
    ("4 - a", lambda a: 4 - a, [_u(-2, 2)], "__rsub__: a on the right"),
    ("-3 / a", lambda a: -3 / a, [_u(0.5, 2)], "__rtruediv__: a is the divisor"),
    ("a - 0.5", lambda a: a - 0.5, [_u(-2, 2)], "number on the right"),
    ("a / -2.5", lambda a: a / -2.5, [_u(-2, 2)], "number divisor"),
    ("a ** 4", lambda a: a ** 4, [_u(-2, -0.5)], "integer power"),
    ("a ** 1.5", lambda a: a ** 1.5, [_u(0.5, 2)], "float power"),
    ("a ** -1", lambda a: a ** -1, [_u(0.5, 2)], "negative power"),
    ("relu > 0", lambda a: a.relu(), [_u(0.1, 2)], "relu"),
    ("relu < 0", lambda a: a.relu(), [_u(-2, -0.1)], "relu"),
    ("relu(a - b) at 0", lambda a, b: (a - b).relu() * 3, [1.25, 1.25], "relu derivative 0 at 0"),
    ("tanh", lambda a: a.tanh(), [_u(-2, 2)], "tanh"),
    ("exp", lambda a: a.exp(), [_u(-2, 2)], "exp"),
    ("log", lambda a: a.log(), [_u(0.2, 3)], "log"),
    ("a * a * a", lambda a: a * a * a, [_u(-2, 2)], "sum over uses"),
    ("(a + b) * (a - b) + a.exp() * b", lambda a, b: (a + b) * (a - b) + a.exp() * b, [_u(-1, 1), _u(-1, 1)],
     "sum over uses"),
    ("c = a * b; c.tanh() * c + c.exp()", lambda a, b: (lambda c: c.tanh() * c + c.exp())(a * b),
     [_u(-1, 1), _u(-1, 1)], "reverse topological order"),
    ("softplus", lambda a: (1 + a.exp()).log(), [_u(-2, 2)], "composition"),
    ("sigmoid", lambda a: 1 / (1 + (-a).exp()), [_u(-2, 2)], "composition"),
]
for _name, _f, _xs, _what in _hidden:
    _check(_name, _f, _xs, f"hidden check of {_what}")
# numpy scalars and ints as data
_check("np.float64 and int inputs", lambda a, b: a * b + b, [np.float64(0.75), 2], "numbers of any kind")

# random graphs: operations on random earlier nodes (so nodes are shared), every node feeding the output
_unary = [lambda a: -a, lambda a: a.tanh(), lambda a: a.relu(), lambda a: a.tanh().exp(), lambda a: (a * a + 1).log(),
          lambda a: a.tanh() ** 3, lambda a: 1.5 - a, lambda a: 2 / (a * a + 1), lambda a: 0.5 * a, lambda a: a + 0.25]
_binary = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (b * b + 1),
           lambda a, b: a.tanh() * b.tanh()]
for _trial in range(25):
    _n_in = int(_r.integers(1, 4))
    _steps = []
    for _i in range(int(_r.integers(3, 16))):
        _n = _n_in + _i
        if _r.random() < 0.5:
            _steps.append((0, int(_r.integers(len(_unary))), int(_r.integers(_n)), 0))
        else:
            _steps.append((1, int(_r.integers(len(_binary))), int(_r.integers(_n)), int(_r.integers(_n))))

    def _graph(*leaves, _steps=_steps):
        nodes = list(leaves)
        for kind, op, i, j in _steps:
            nodes.append(_unary[op](nodes[i]) if kind == 0 else _binary[op](nodes[i], nodes[j]))
        return nodes[-1] + sum(nodes[:-1], 0)
    _check(f"random graph #{_trial}", _graph, [float(v) for v in _r.uniform(-2, 2, size=_n_in)],
           "hidden random graph: shared nodes, every operation")

# a 5-input neuron and a 2-3-1 network
_check("a 5-input neuron", lambda *p: (sum((w * x for w, x in zip(p[:5], p[6:])), p[5])).tanh(),
       [float(v) for v in _r.normal(size=11)], "neuron")

def _mlp(*p):
    (x0, x1), W, b, V, c = p[:2], p[2:8], p[8:11], p[11:14], p[14]
    h = [(W[2 * j] * x0 + W[2 * j + 1] * x1 + b[j]).relu() for j in range(3)]
    return (V[0] * h[0] + V[1] * h[1] + V[2] * h[2] + c).tanh()
_check("a 2-3-1 network", _mlp, [float(v) for v in _r.normal(size=15)], "small network")

# a chain 390 nodes deep
def _chain2(x):
    for _ in range(130):
        x = (x * 0.9).tanh() + 0.05
    return x
_check("a chain of 130 steps (x * 0.9).tanh() + 0.05", _chain2, [0.7], "deep chain")

# linear work with three uses per level: 3**8 = 6561 paths
_xc = _CountingValue(0.5)
_y = _xc
for _ in range(8):
    _y = _y * 0.2 + _y * 0.3 + _y * 0.5
_run("backward() on a graph with 6561 paths", lambda: call(_y.backward), "visit each node once")
assert_close(float(_xc.grad), 1.0, what="d y / d x (three uses per level)", hint="sum over paths")
_writes = getattr(_xc, "_writes", 0)
assert_true(_writes <= 10, what="work done by backward()",
            hint=f"x.grad was updated {_writes} times: visit each node once")
### END HIDDEN TESTS

# %% [markdown]
# ### The graph, drawn
#
# `draw_graph(v)` (from `nnlib.autograd`, drawn with matplotlib) lays out the graph behind `v`: inputs on the left, the
# output on the right, each operation a circle between a Value and the Values it was computed from; each box shows a
# Value's `data` and, after `backward()`, its `grad`. This is section 1's worked example, computed by your engine: the
# cell prints the numbers the text derived by hand and checks that they agree.

# %%
try:
    a, b = Value(2.0), Value(-3.0)
    e = (a * b + a).tanh()
    e.backward()
    print(f"e = {float(e.data):.5f} | a.grad = {float(a.grad):.7f} | b.grad = {float(b.grad):.7f}")
    assert abs(float(e.data) - (-0.99933)) < 1e-5, "e differs from the text's -0.99933"
    assert abs(float(a.grad) - (-0.0026819)) < 1e-7 and abs(float(b.grad) - 0.0026819) < 1e-7, \
        "the gradients differ from the text's -0.0026819 and 0.0026819"
    draw_graph(e)
    plt.title("e = tanh(a * b + a) after e.backward()")
    plt.show()
except NotImplementedError:
    print("implement Value above to see its graph")

# %% [markdown]
# ### A tiny neuron, trained with your engine
#
# Gradient descent needs nothing more. The neuron $\hat y = \tanh(w_1 x_1 + w_2 x_2 + b)$ learns from 16 points whose
# targets come from $w = (2, -1)$, $b = 0.5$. Every step builds a fresh graph for the mean squared error, resets
# the three parameters' `grad` to 0 (PyTorch's `zero_grad()`: `backward()` **adds**), calls
# `backward()`, and moves each parameter against its gradient. The cell prints the loss every 50 steps and checks the
# claims: the loss falls below 1e-5 and the parameters end within 0.02 of $(2, -1, 0.5)$.

# %%
r = np.random.default_rng(0)
X_tiny = r.uniform(-1, 1, size=(16, 2))
y_tiny = np.tanh(2 * X_tiny[:, 0] - X_tiny[:, 1] + 0.5)


def tiny_loss(w1, w2, b):
    """Mean squared error of tanh(w1 x1 + w2 x2 + b) on the 16 points (works on Values and on torch tensors)."""
    total = 0
    for (x1, x2), t in zip(X_tiny, y_tiny):
        total = total + ((w1 * float(x1) + w2 * float(x2) + b).tanh() - float(t)) ** 2
    return total / len(X_tiny)


try:
    params = [Value(0.0), Value(0.0), Value(0.0)]
    for step in range(301):
        loss = tiny_loss(*params)
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= 1.0 * p.grad
        if step % 50 == 0:
            print(f"step {step:3d}: loss {float(loss.data):.2e}")
    learned = [float(p.data) for p in params]
    print("w1, w2, b =", np.round(learned, 4))
    assert float(loss.data) < 1e-5 and np.allclose(learned, [2.0, -1.0, 0.5], atol=0.02), "the neuron did not learn"
except NotImplementedError:
    print("implement Value above to train the neuron with it")

# %% [markdown]
# ### The same gradients from `torch.autograd`
#
# PyTorch does exactly this. A tensor created with `requires_grad=True` is a leaf; every operation on it records a
# node; `loss.backward()` runs the reverse topological pass and **adds** into each leaf's `.grad`. The same loss
# function runs unchanged on float64 tensors (they have `.tanh()` too); the cell compares both engines' gradients at
# the starting point $w = (0.3, -0.1)$, $b = 0.2$ and checks that they agree to 1e-9 (float64 round-off).

# %%
start = [0.3, -0.1, 0.2]
leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in start]
tiny_loss(*leaves).backward()
torch_grad = np.array([t.grad.item() for t in leaves])
print("torch.autograd:", torch_grad)
try:
    params = [Value(v) for v in start]
    tiny_loss(*params).backward()
    value_grad = np.array([float(p.grad) for p in params])
    print("your Value:    ", value_grad)
    print(f"largest difference: {np.abs(value_grad - torch_grad).max():.1e}")
    assert np.allclose(value_grad, torch_grad, rtol=1e-9, atol=1e-12), "the two engines disagree"
except NotImplementedError:
    print("implement Value above to compare it with torch.autograd")

# %% [markdown]
# Autograd in PyTorch is this algorithm, with two differences that make it fast. Each node is a whole **tensor**
# operation, not one number: the local derivative of a matrix product is lesson 08's `linear_backward`, of a ReLU its
# `relu_backward`. And the operations run in compiled code, on a CPU or a GPU. The rest of the lesson is the same thing,
# for tensors, on a GPU when there is one.

# %% [markdown]
# ## 2. Tensors in one minute
#
# A `torch.Tensor` is PyTorch's array: like a NumPy array, plus a `device` and, optionally, a record of how it was
# computed (`requires_grad=True`). Converting back and forth:
#
# * `torch.as_tensor(X, dtype=torch.float32)`: NumPy -> tensor (shares memory when it can);
# * `torch.from_numpy(a)`: shares memory with `a` (changing one changes the other); `.clone()` makes a copy;
# * `t.detach().cpu().numpy()`: tensor -> NumPy (detach from autograd, bring it to the CPU first).
#
# Networks compute in float32 by default; class labels for the cross-entropy must be `torch.long` (int64).

# %%
a = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
t = torch.as_tensor(a)
w = torch.tensor([0.5, -1.0], requires_grad=True)
y = (t @ w).sum()          # forward: autograd records the graph
y.backward()               # backward: fills w.grad with dy/dw
print("t:", t.dtype, t.device, "| y =", y.item(), "| dy/dw =", w.grad.numpy(), "(= column sums of a)")
assert np.array_equal(w.grad.numpy(), a.sum(axis=0)), "dy/dw should be the column sums of a"

# %% [markdown]
# ## 3. Choosing a device
#
# ### Exercise 2: `pick_device()`
# Return the string `"cuda"` when `torch.cuda.is_available()`, else `"mps"` when `torch.backends.mps.is_available()`
# (Apple silicon), else `"cpu"`. Check availability **when the function is called** (do not compute it once outside):
# the tests pretend that a GPU is or is not there by replacing these two functions for a moment.

# %% answer id=pick_device
def pick_device():
    """The best available device as a string: "cuda", else "mps", else "cpu"."""
    ### BEGIN SOLUTION
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"
    ### END SOLUTION

# %% tests id=test_pick_device points=1
def _check_pick_device(situations):
    """Pretend CUDA / MPS are (un)available, call pick_device, put torch's own functions back."""
    real_cuda, real_mps = torch.cuda.is_available, torch.backends.mps.is_available
    try:
        for cuda_ok, mps_ok, want in situations:
            torch.cuda.is_available = lambda ok=cuda_ok: ok
            torch.backends.mps.is_available = lambda ok=mps_ok: ok
            got = str(call(pick_device))
            assert_equal(got, want, what=f"pick_device() with CUDA {'available' if cuda_ok else 'unavailable'} and "
                                         f"MPS {'available' if mps_ok else 'unavailable'}",
                         hint="revisit the order of preference in the exercise, and ask torch each time the "
                              "function is called (not once, when the cell runs)")
    finally:
        torch.cuda.is_available, torch.backends.mps.is_available = real_cuda, real_mps

expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
assert_equal(str(call(pick_device)), expected, what="pick_device() on this machine",
             hint="revisit the order of preference in the exercise")
_check_pick_device([(True, True, "cuda"), (False, True, "mps")])
### BEGIN HIDDEN TESTS
_check_pick_device([(True, False, "cuda"), (False, False, "cpu"), (True, True, "cuda"), (False, True, "mps")])
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The MLP in `torch.nn`
#
# `nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 3))` is the exact twin of
# `nnlib.Sequential(Linear(2, 64), ReLU(), Linear(64, 3))`. Calling the model, `model(X)`, runs its forward pass.
#
# ### Exercise 3: `torch_mlp(layer_sizes)`
# `layer_sizes`: a list like `[784, 256, 128, 10]`. Return an `nn.Sequential` of `nn.Linear(layer_sizes[i], layer_sizes[i+1])`
# layers with an `nn.ReLU()` after every Linear **except the last** (the last layer outputs logits). Keep PyTorch's default
# initialisation (section 4 shows what it is) and float32.

# %% answer id=torch_mlp
def torch_mlp(layer_sizes):
    """nn.Sequential of Linear layers with ReLU in between (none after the last).

    layer_sizes: [in, hidden_1, ..., out]. E.g. [2, 8, 3] -> Sequential(Linear(2, 8), ReLU(), Linear(8, 3)).
    """
    ### BEGIN SOLUTION
    layers = []
    for i in range(len(layer_sizes) - 1):
        layers.append(nn.Linear(layer_sizes[i], layer_sizes[i + 1]))
        if i < len(layer_sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)
    ### END SOLUTION

# %% tests id=test_torch_mlp points=2
def _check_mlp(sizes):
    net = call(torch_mlp, sizes)
    assert_true(isinstance(net, nn.Sequential), what=f"torch_mlp({sizes})",
                hint=f"returned {type(net).__name__}: the exercise asks for a torch.nn.Sequential")
    kinds = [type(m).__name__ for m in net]
    want = ["Linear", "ReLU"] * (len(sizes) - 2) + ["Linear"]
    assert_equal(kinds, want, what=f"torch_mlp({sizes}): the layer types, in order",
                 hint="a ReLU between every two Linear layers, none after the last (it outputs logits)")
    linears = [m for m in net if isinstance(m, nn.Linear)]
    assert_equal([(m.in_features, m.out_features) for m in linears], list(zip(sizes[:-1], sizes[1:])),
                 what=f"torch_mlp({sizes}): (in_features, out_features) of each Linear",
                 hint="layer i maps layer_sizes[i] features to the next size in the list")
    for i, m in enumerate(linears):
        assert_true(m.bias is not None, what=f"torch_mlp({sizes}): layer {i}", hint="every Linear has a bias")
        assert_true(m.weight.dtype == torch.float32 and m.bias.dtype == torch.float32,
                    what=f"torch_mlp({sizes}): layer {i}'s dtype", hint="keep PyTorch's default float32")
        bound = 1 / np.sqrt(m.in_features) + 1e-6
        largest = max(float(m.weight.detach().abs().max()), float(m.bias.detach().abs().max()))
        assert_true(largest <= bound, what=f"torch_mlp({sizes}): layer {i}'s initial values",
                    hint=f"found a weight or bias of size {largest:.3f} > 1/sqrt(fan_in) = {bound:.3f}: keep "
                         "PyTorch's default initialisation (section 4), do not re-initialise")
    with torch.no_grad():
        out = net(torch.zeros(5, sizes[0]))
    assert_equal(tuple(out.shape), (5, sizes[-1]), what=f"torch_mlp({sizes}) on a batch of 5",
                 hint="the output has one column per entry of the last size")
    return net

_check_mlp([2, 8, 3])
_check_mlp([4, 2])
### BEGIN HIDDEN TESTS
net = _check_mlp([784, 256, 128, 10])
assert_equal(sum(p.numel() for p in net.parameters()), 235146, hint="784-256-128-10 has 235,146 parameters")
_check_mlp([3, 5, 5, 5, 2])
_check_mlp([1, 1])
### END HIDDEN TESTS

# %% [markdown]
# ### What PyTorch's default initialisation is
#
# "Keep PyTorch's default initialisation": which one is that? `nn.Linear(fan_in, fan_out)` draws every weight **and
# every bias** independently and uniformly from $[-1/\sqrt{\text{fan\_in}},\ 1/\sqrt{\text{fan\_in}}]$. Its code
# calls `kaiming_uniform_(weight, a=sqrt(5))`, which sounds like He's initialisation of lesson 07, but is not: with
# $a = \sqrt 5$ the gain is $\sqrt{2 / (1 + a^2)} = \sqrt{1/3}$, and the bound $\text{gain}\cdot\sqrt{3/\text{fan\_in}}$
# is exactly $1/\sqrt{\text{fan\_in}}$. A uniform on $[-c, c]$ has standard deviation $c/\sqrt 3$, so the weights
# have std $1/\sqrt{3\,\text{fan\_in}}$, a variance of $1/(3\,\text{fan\_in})$: **one sixth** of He's
# $2/\text{fan\_in}$ (lesson 07, made for ReLU), and also below Xavier's $2/(\text{fan\_in} + \text{fan\_out})$ for
# square layers.
#
# Lesson 07's argument says what that does to a deep ReLU network without biases: each layer multiplies the mean
# square of the signal by $\text{fan\_in} \cdot \text{Var}(w) / 2 = 1/6$, so its standard deviation shrinks by
# $\sqrt 6 \approx 2.45$ per layer, while He's keeps it level. The networks of this lesson have two or three layers,
# where that hardly matters (and Adam rescales every step), so the exercises keep the default. For a deep ReLU
# network, initialise it yourself, e.g. with `nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")` (He) or by
# copying lesson 07's `he_normal` weights in, as the cell below does. The cell measures every claim of this paragraph
# and checks it.

# %%
torch.manual_seed(0)
for fan_in, fan_out in [(64, 256), (784, 256)]:
    layer = nn.Linear(fan_in, fan_out)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    w_max, b_max = np.abs(w).max() * np.sqrt(fan_in), np.abs(b).max() * np.sqrt(fan_in)
    std_ratio = w.std() * np.sqrt(3 * fan_in)
    print(f"nn.Linear({fan_in}, {fan_out}): max|w| * sqrt(fan_in) = {w_max:.4f}, max|b| * sqrt(fan_in) = {b_max:.4f}, "
          f"std(w) * sqrt(3 fan_in) = {std_ratio:.3f}, He's std / this std = {np.sqrt(2 / fan_in) / w.std():.2f}")
    assert w_max <= 1 and b_max <= 1 and w_max > 0.99, "weights and biases fill [-1/sqrt(fan_in), 1/sqrt(fan_in)]"
    assert abs(std_ratio - 1) < 0.03, "std(w) = 1/sqrt(3 fan_in)"
    assert abs(np.sqrt(2 / fan_in) / w.std() - np.sqrt(6)) < 0.1, "He's std is sqrt(6) times larger"

# the signal through 10 bias-free ReLU layers of width 256: PyTorch's default versus lesson 07's He initialisation
depth, width = 10, 256
H0 = torch.randn(1000, width)
stds = {}
for scheme in ("default", "He"):
    h = H0
    stds[scheme] = []
    for l in range(depth):
        layer = nn.Linear(width, width, bias=False)
        if scheme == "He":
            with torch.no_grad():
                layer.weight.copy_(torch.as_tensor(nnlib.he_normal(width, width, np.random.default_rng(l))))
        with torch.no_grad():
            h = torch.relu(layer(h))
        stds[scheme].append(float(h.std()))
    print(f"{scheme:>7}: std of the activations after layers 1..{depth}:",
          " ".join(f"{v:.2g}" for v in stds[scheme]))
shrink = [a / b for a, b in zip(stds["default"][:-1], stds["default"][1:])]
print(f"default: the std shrinks by a factor {min(shrink):.2f} to {max(shrink):.2f} per layer (sqrt(6) = {np.sqrt(6):.2f}); "
      f"He: the last layer's std is {stds['He'][-1] / stds['He'][0]:.2f} times the first's")
assert all(2.1 < f < 2.8 for f in shrink), "the default's std shrinks by about sqrt(6) per layer"
assert 0.6 < stds["He"][-1] / stds["He"][0] < 1.6, "He keeps the std level"

# %% [markdown]
# ## 5. Same weights, same function
#
# To compare the two libraries we give them **identical** weights. Because both use `(out, in)`, a weight copies straight
# across, no transpose. Copy inside `with torch.no_grad():` (this is not part of any computation to differentiate) with
# `layer.weight.copy_(torch.as_tensor(W))`, which writes into PyTorch's existing parameter, keeps its dtype and device,
# and shares no memory with the NumPy array (so training one model later cannot silently change the other).
#
# ### Exercise 4: `copy_from_nnlib(torch_model, nnlib_model)`
# `torch_model`: an `nn.Sequential` (e.g. from `torch_mlp`); `nnlib_model`: an `nnlib.Sequential` with the same layer
# structure. Copy every nnlib `Linear`'s `weight.data` and `bias.data` into the matching `nn.Linear`, in order, **in place**
# (the torch model's parameters stay trainable, float32, and share no memory with nnlib's arrays). Return `torch_model`.
# Do not modify `nnlib_model`.

# %% answer id=copy_from_nnlib
def copy_from_nnlib(torch_model, nnlib_model):
    """Copy the weights and biases of nnlib_model's Linear layers into torch_model's nn.Linear layers.

    Both models have the same layer structure; weights are (out, in) in both, so no transpose.
    Copies in place (no shared memory) and returns torch_model.
    """
    ### BEGIN SOLUTION
    torch_linears = [m for m in torch_model if isinstance(m, nn.Linear)]
    nnlib_linears = [m for m in nnlib_model if isinstance(m, Linear)]
    with torch.no_grad():
        for t_layer, n_layer in zip(torch_linears, nnlib_linears):
            t_layer.weight.copy_(torch.as_tensor(np.asarray(n_layer.weight.data)))
            t_layer.bias.copy_(torch.as_tensor(np.asarray(n_layer.bias.data)))
    return torch_model
    ### END SOLUTION

# %% tests id=test_copy_from_nnlib points=2
def _nnlib_net(sizes, seed):
    """An nnlib ReLU MLP with random weights and random (nonzero) biases."""
    r = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layer = Linear(n_in, n_out, rng=r)
        layer.bias.data[...] = r.normal(size=n_out)
        layers += [layer, ReLU()] if i < len(sizes) - 2 else [layer]
    return Sequential(*layers)

def _check_copy(sizes, seed):
    nn_model = _nnlib_net(sizes, seed)
    before = snapshot(*[np.asarray(p.data) for p in nn_model.parameters()])
    torch.manual_seed(seed)
    mods = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        mods += [nn.Linear(n_in, n_out), nn.ReLU()] if i < len(sizes) - 2 else [nn.Linear(n_in, n_out)]
    t_model = nn.Sequential(*mods)
    call(copy_from_nnlib, t_model, nn_model)
    what = f"copy_from_nnlib on a {'-'.join(map(str, sizes))} network"
    assert_unchanged(before, [np.asarray(p.data) for p in nn_model.parameters()], what=what,
                     hint="only write into the torch model; the nnlib model is the source")
    X = np.random.default_rng(seed + 100).normal(size=(10, sizes[0])).astype(np.float32)
    with torch.no_grad():
        out_t = t_model(torch.as_tensor(X)).numpy()
    assert_close(out_t, nn_model.forward(X), rtol=1e-5, atol=1e-5, what=f"{what}: torch's output vs nnlib's",
                 hint="every Linear layer, weight and bias, must be copied; both libraries store weights as "
                      "(out, in) (section 5)")
    for i, m in enumerate(m for m in t_model if isinstance(m, nn.Linear)):
        assert_true(m.weight.requires_grad and m.bias.requires_grad, what=f"{what}: layer {i}",
                    hint="the torch parameters must stay trainable parameters (section 5 says how to write into them)")
        assert_true(m.weight.dtype == torch.float32 and m.bias.dtype == torch.float32, what=f"{what}: layer {i}",
                    hint="keep the torch model in float32")
    with torch.no_grad():  # changing the torch model must not change nnlib's
        for p in t_model.parameters():
            p.add_(1.0)
    assert_unchanged(before, [np.asarray(p.data) for p in nn_model.parameters()],
                     what=f"{what}, after changing the torch weights",
                     hint="the torch model shares memory with the nnlib arrays, so training it would change the "
                          "nnlib model too: section 5 says which conversion copies and which one shares")

_check_copy([4, 6, 6, 3], 0)
### BEGIN HIDDEN TESTS
_check_copy([3, 5, 2], 1)
_check_copy([5, 7, 7, 4, 2], 2)
_check_copy([2, 3], 3)
### END HIDDEN TESTS

# %% [markdown]
# Both models on the same 999 spiral points: the largest difference between their outputs is at the level of float32
# round-off (below 1e-5; the cell prints it and checks it). (`nnlib.torch.to_torch(model)` does the same conversion in
# one call.)

# %%
r = np.random.default_rng(2)
nn_model = Sequential(Linear(2, 64, rng=r), ReLU(), Linear(64, 64, rng=r), ReLU(), Linear(64, 3, rng=r))
X_spiral, y_spiral = spiral(np.random.default_rng(3), n_per_class=333)
try:
    t_model = torch_mlp([2, 64, 64, 3])
    copy_from_nnlib(t_model, nn_model)
    with torch.no_grad():
        diff = np.abs(t_model(torch.as_tensor(X_spiral)).numpy() - nn_model.forward(X_spiral)).max()
    print(f"largest |torch - nnlib| over {len(X_spiral)} points x 3 outputs: {diff:.2e}")
    assert len(X_spiral) == 999 and diff < 1e-5, "the two models should agree to float32 round-off"
except NotImplementedError:
    print("implement torch_mlp and copy_from_nnlib above to compare the two models")

# %% [markdown]
# ## 6. Autograd versus your backprop
#
# In PyTorch the whole backward pass of lesson 08 is one line: `loss.backward()` walks the recorded graph backwards
# and **adds** each gradient into `param.grad` (so the gradients must be zeroed first, `model.zero_grad()`, or they
# accumulate over calls). `nn.functional.cross_entropy(logits, labels)` is the mean softmax cross-entropy from logits,
# exactly `CrossEntropyLoss` of lesson 06.
#
# ### Exercise 5: `torch_gradients(torch_model, X, labels)`
# `torch_model`: an `nn.Sequential` of `Linear`/`ReLU` (float32, on the CPU); `X`: `(N, in)` NumPy array (float32 or
# float64: convert it with `torch.as_tensor(X, dtype=torch.float32)`); `labels`: `(N,)` integer NumPy array (convert with
# `dtype=torch.long`). Compute the mean cross-entropy of the model's logits, run autograd, and return a **list with one
# `(dW, db)` pair of NumPy arrays per `nn.Linear` layer**, in order, `dW` of shape `(out, in)` and `db` of shape `(out,)`.
# Zero the gradients first, so that calling the function twice gives the same result. Do not change the weights.

# %% answer id=torch_gradients
def torch_gradients(torch_model, X, labels):
    """Gradients of the mean cross-entropy wrt every Linear layer's parameters, by autograd.

    torch_model: nn.Sequential of Linear/ReLU (float32, CPU); X: (N, in) array; labels: (N,) integers.
    Returns [(dW_1, db_1), (dW_2, db_2), ...]: NumPy arrays, dW (out, in), db (out,), one pair per nn.Linear.
    """
    ### BEGIN SOLUTION
    torch_model.zero_grad()
    logits = torch_model(torch.as_tensor(X, dtype=torch.float32))
    loss = nn.functional.cross_entropy(logits, torch.as_tensor(labels, dtype=torch.long))
    loss.backward()
    return [(m.weight.grad.detach().cpu().numpy().copy(), m.bias.grad.detach().cpu().numpy().copy())
            for m in torch_model if isinstance(m, nn.Linear)]
    ### END SOLUTION

# %% tests id=test_torch_gradients points=3
def _hand_gradients(model, X, labels):
    """Lesson 08's backprop with nnlib.functional, in float64."""
    Ws = [m.weight.detach().numpy().astype(np.float64) for m in model if isinstance(m, nn.Linear)]
    bs = [m.bias.detach().numpy().astype(np.float64) for m in model if isinstance(m, nn.Linear)]
    h, inputs, pre = np.asarray(X, dtype=np.float64), [], []
    for l, (W, b) in enumerate(zip(Ws, bs)):
        inputs.append(h)
        z = h @ W.T + b
        pre.append(z)
        h = np.maximum(z, 0.0) if l < len(Ws) - 1 else z
    G = softmax_cross_entropy_backward(h, labels)
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        dX, dW, db = linear_backward(G, inputs[l], Ws[l])
        grads[l] = (dW, db)
        if l > 0:
            G = relu_backward(dX, pre[l - 1])
    return grads

def _check_grads(model, X, labels, what):
    """torch_gradients on (model, X, labels) against lesson 08's backprop; inputs and weights left as they were."""
    weights_before = snapshot(*[p.detach().numpy().copy() for p in model.parameters()])
    inputs_before = snapshot(X, labels)
    got = call(torch_gradients, model, X, labels)
    assert_unchanged(inputs_before, [X, labels], what=f"torch_gradients ({what})")
    assert_unchanged(weights_before, [p.detach().numpy() for p in model.parameters()], what=f"torch_gradients ({what})",
                     hint="compute the gradients only: no optimizer step, no change to the weights")
    want = _hand_gradients(model, X, labels)
    assert_true(len(got) == len(want), what=f"torch_gradients ({what})",
                hint=f"returned {len(got)} item(s): expected one (dW, db) pair per nn.Linear layer ({len(want)} here)")
    for l, ((gw, gb), (ww, wb)) in enumerate(zip(got, want)):
        assert_shape(gw, ww.shape, what=f"{what}: dW of layer {l}", hint="dW has the weight's shape (out, in)")
        assert_shape(gb, wb.shape, what=f"{what}: db of layer {l}", hint="db has the bias's shape (out,)")
        assert_close(gw, ww, rtol=1e-4, atol=1e-6, what=f"{what}: dW of layer {l} (expected = lesson 08's backprop)",
                     hint="the loss is the MEAN cross-entropy of the raw logits (section 6 names the function that "
                          "takes logits); gradients left over from an earlier call must not be added in")
        assert_close(gb, wb, rtol=1e-4, atol=1e-6, what=f"{what}: db of layer {l} (expected = lesson 08's backprop)",
                     hint="same loss as for dW: the mean cross-entropy of the raw logits")

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4))
r = np.random.default_rng(0)
X = r.normal(size=(6, 3)).astype(np.float32)
labels = np.array([0, 3, 1, 1, 2, 0])
_check_grads(model, X, labels, "network 3-5-4")
_check_grads(model, X, labels, "network 3-5-4, second call on the same model")
_check_grads(model, X.astype(np.float64), labels, "network 3-5-4 with float64 input")
### BEGIN HIDDEN TESTS
torch.manual_seed(1)
model = nn.Sequential(nn.Linear(4, 7), nn.ReLU(), nn.Linear(7, 6), nn.ReLU(), nn.Linear(6, 3))
X = np.random.default_rng(1).normal(size=(10, 4))
labels = np.random.default_rng(2).integers(0, 3, size=10)
_check_grads(model, X, labels, "network 4-7-6-3 with float64 input")
_check_grads(model, X, labels, "network 4-7-6-3, second call")
torch.manual_seed(2)
model = nn.Sequential(nn.Linear(5, 2))
X = np.random.default_rng(3).normal(size=(3, 5)).astype(np.float32)
_check_grads(model, X, np.array([1, 0, 1]), "a single layer")
### END HIDDEN TESTS

# %% [markdown]
# The comparison the other way round: an `nnlib` network's own `backward` (lesson 08's code, packaged in modules) against
# autograd on an exact torch copy (`nnlib.torch.to_torch`), on a batch of 64 spiral points. They agree to float32
# round-off: every relative error (lesson 08's elementwise definition) is below 1e-5, which the cell checks.

# %%
from nnlib.torch import to_torch
from nnlib.gradcheck import relative_error

r = np.random.default_rng(4)
nn_model = Sequential(Linear(2, 16, rng=r), ReLU(), Linear(16, 3, rng=r))
Xb, yb = X_spiral[:64], y_spiral[:64]
loss_fn = CrossEntropyLoss()
nn_model.zero_grad()
loss_fn.forward(nn_model.forward(Xb), yb)
nn_model.backward(loss_fn.backward())
try:
    auto = torch_gradients(to_torch(nn_model), Xb, yb)
    errors = []
    for l, i in enumerate((0, 2)):
        errors += [relative_error(nn_model[i].weight.grad, auto[l][0]), relative_error(nn_model[i].bias.grad, auto[l][1])]
        print(f"layer {l}: relative error dW {errors[-2]:.1e}, db {errors[-1]:.1e}")
    assert max(errors) < 1e-5, "autograd and nnlib's backward should agree to float32 round-off"
except NotImplementedError:
    print("implement torch_gradients above to compare autograd with nnlib's backward")

# %% [markdown]
# ## 7. Training on the device
#
# The PyTorch training loop has the same five steps as lesson 09's, with tensors that live on the device:
#
# ```python
# model.to(device)                                   # parameters move to the GPU (in place)
# X_t = torch.as_tensor(X, dtype=torch.float32, device=device)   # data moved ONCE, not every batch
# y_t = torch.as_tensor(y, dtype=torch.long, device=device)
# optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
# for epoch in range(epochs):
#     perm = torch.randperm(len(X_t), device=device)   # a fresh order every epoch
#     for start in range(0, len(X_t), 32):
#         idx = perm[start:start + 32]
#         optimizer.zero_grad()
#         loss = nn.functional.cross_entropy(model(X_t[idx]), y_t[idx])
#         loss.backward()
#         optimizer.step()
# ```
#
# ### Exercise 6: `train_torch(model, X, y, epochs, device)`
# `model`: an `nn.Module` producing logits; `X` `(N, in)` and `y` `(N,)` NumPy arrays (float features, integer labels);
# `epochs`: number of passes; `device`: `"cpu"`, `"cuda"` or `"mps"` (what `pick_device()` returns). Train the model
# **in place** with the loop above (Adam, `lr=1e-2`, minibatches of 32 in a fresh random order every epoch), leaving it on
# `device`, and return the **list of the mean training loss of every epoch** (`epochs` Python floats; `loss.item()` brings a
# number back from the device). Do not modify `X` or `y`.

# %% answer id=train_torch
def train_torch(model, X, y, epochs, device):
    """Train model in place on device with Adam (lr=1e-2) on minibatches of 32, shuffled every epoch.

    model: nn.Module producing logits; X: (N, in) float array; y: (N,) integer labels; epochs: int;
    device: "cpu", "cuda" or "mps". Returns a list of `epochs` floats: the mean training loss of each epoch.
    """
    ### BEGIN SOLUTION
    model.to(device)
    X_t = torch.as_tensor(np.asarray(X), dtype=torch.float32, device=device)
    y_t = torch.as_tensor(np.asarray(y), dtype=torch.long, device=device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    history = []
    for epoch in range(epochs):
        perm = torch.randperm(len(X_t), device=device)
        total = 0.0
        for start in range(0, len(X_t), 32):
            idx = perm[start:start + 32]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(X_t[idx]), y_t[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        history.append(total / len(X_t))
    return history
    ### END SOLUTION

# %% tests id=test_train_torch points=3
def _check_training(make_data, n_classes, epochs, device, seed, min_accuracy):
    """Train a fresh model with train_torch; check the history, the inputs, the device and the model's accuracy."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, n_classes))
    X, y = make_data(np.random.default_rng(seed))
    before = snapshot(X, y)
    history = call(train_torch, model, X, y, epochs, device)
    what = f"train_torch({epochs} epochs on {device!r})"
    assert_unchanged(before, [X, y], what=what)
    assert_true(len(history) == epochs, what=what,
                hint=f"returned {len(history)} values: expected one mean loss per epoch ({epochs})")
    losses = np.asarray([float(v) for v in history])
    assert_true(np.all(np.isfinite(losses)), what=what, hint="the losses are finite numbers")
    assert_true(0.3 < losses[0] < 2.0, what=f"{what}: the first epoch's loss",
                hint=f"got {losses[0]:.3f}; the MEAN cross-entropy over the epoch's samples of an untrained "
                     f"{n_classes}-class model is near log({n_classes}) = {np.log(n_classes):.2f}")
    assert_true(next(model.parameters()).device.type == device, what=f"{what}: where the model is afterwards",
                hint="leave the trained model on the device it was trained on")
    if min_accuracy:
        assert_true(losses[-1] < 0.5 * losses[0], what=what,
                    hint=f"the training loss should fall (first {losses[0]:.3f}, last {losses[-1]:.3f}): compare "
                         "your loop with section 7's, step by step")
        X_new, y_new = make_data(np.random.default_rng(seed + 1))
        with torch.no_grad():
            pred = model(torch.as_tensor(X_new, device=device)).argmax(dim=1).cpu().numpy()
        acc = float((pred == y_new).mean())
        assert_true(acc >= min_accuracy, what=f"{what}: accuracy of the model passed in, on new points",
                    hint=f"{acc:.3f} < {min_accuracy}: the model passed in must itself be trained (in place)")

_best = "cuda" if torch.cuda.is_available() else "cpu"
_check_training(lambda r: moons(r, n=400), 2, 20, "cpu", 0, 0.9)
_check_training(lambda r: spiral(r, n_per_class=100), 3, 3, _best, 2, None)
### BEGIN HIDDEN TESTS
_check_training(lambda r: moons(r, n=200, noise=0.15), 2, 20, _best, 5, 0.85)
_check_training(lambda r: spiral(r, n_per_class=80), 3, 2, "cpu", 7, None)
### END HIDDEN TESTS

# %% [markdown]
# Your loop on `pick_device()`, on the spiral data: the loss curve and the decision regions.

# %%
try:
    device = pick_device()
    torch.manual_seed(0)
    spiral_net = torch_mlp([2, 64, 64, 3])
    t0 = time.perf_counter()
    losses = train_torch(spiral_net, X_spiral, y_spiral, 60, device)
    print(f"trained on {device} in {time.perf_counter() - t0:.1f} s")
    spiral_net = spiral_net.cpu()

    def predict_spiral(P):
        with torch.no_grad():
            return spiral_net(torch.as_tensor(P, dtype=torch.float32)).argmax(dim=1).numpy()

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    axes[0].semilogy(losses)
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("mean training loss")
    decision_boundary(predict_spiral, X_spiral, y_spiral, ax=axes[1])
    axes[1].set_title("torch MLP on the spiral")
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("implement pick_device, torch_mlp and train_torch above to see this")

# %% [markdown]
# ## 8. CPU versus GPU: a timing table
#
# A GPU runs thousands of multiply-adds in parallel, but every call has a fixed launch and synchronisation cost, and data
# must cross the PCIe bus. So the GPU's advantage grows with the size of the matrix products: on tiny ones the fixed
# costs dominate and it gains little or even loses, on big ones it wins by a wide margin (with a GPU, the cell checks
# that the speed-up of the largest configuration is above 1 and above the smallest one's). The cell below times one
# training step (forward, backward, SGD update) of an MLP `1024 -> width -> width -> 10` on a batch of `batch` random
# inputs, on the CPU (with one thread and with all of them: on a machine busy with other programs the extra threads can
# even slow it down) and, when CUDA is present, on the GPU (after a warm-up, with `torch.cuda.synchronize()` so that
# the clock measures finished work, not queued work).

# %%
def time_step(device, batch, width, repeats=3):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1024, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                          nn.Linear(width, 10)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    X = torch.randn(batch, 1024, device=device)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()

    step()  # warm-up (allocations, kernel selection)
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / repeats

configs = [(64, 128), (512, 512), (1024, 1024)]
has_cuda = torch.cuda.is_available()
if not has_cuda:
    print("No CUDA GPU on this machine: only the CPU columns are measured. "
          "Run this notebook on a machine with an NVIDIA GPU to fill in the GPU column.")
all_threads = f"CPU {CPU_THREADS} thread" + ("s" if CPU_THREADS > 1 else "")
print(f"{'batch':>6} {'width':>6} {'CPU 1 thread':>13} {all_threads:>14} {'GPU':>9} "
      f"{'GPU speed-up':>13}   (milliseconds per training step)")
speedups = []
for batch, width in configs:
    cpu1 = 1000 * time_step("cpu", batch, width)
    torch.set_num_threads(CPU_THREADS)  # the CPU at full strength
    try:
        cpu_n = 1000 * time_step("cpu", batch, width)
    finally:
        torch.set_num_threads(1)
    if has_cuda:
        gpu = 1000 * time_step("cuda", batch, width)
        speedups.append(min(cpu1, cpu_n) / gpu)
        print(f"{batch:>6} {width:>6} {cpu1:>13.2f} {cpu_n:>14.2f} {gpu:>9.2f} {speedups[-1]:>12.1f}x")
    else:
        print(f"{batch:>6} {width:>6} {cpu1:>13.2f} {cpu_n:>14.2f} {'n/a':>9} {'n/a':>13}")
if speedups:
    assert speedups[-1] > 1 and speedups[-1] > speedups[0], "the GPU's advantage should grow with the size"

# %% [markdown]
# ## 9. In your own words
#
# (a) In the terms of your `Value` engine (graph, local derivatives, reverse topological order), what does
# `loss.backward()` do, what does PyTorch's version do differently, and why must the gradients be zeroed before each
# step? (b) Using your timing table (without a GPU here, run the notebook once on a machine that has one, e.g. a free
# cloud notebook), explain when moving a model to a GPU pays off, and why the speed-up grows with batch and width.

# %% [markdown] explain id=explain_autograd_gpu points=2
# (a) During the forward pass PyTorch records every operation on tensors that require gradients: a graph like the one
# our `Value`s build, each node remembering its inputs and how to pass a gradient back (its local derivatives).
# `loss.backward()` sets d loss / d loss = 1, orders the graph topologically and visits each node once in reverse, each
# node multiplying the gradient it received by its local derivatives and passing the products to its inputs: the chain
# rule, done for us. PyTorch's nodes are whole tensor operations, so their backward functions are lesson 08's
# `linear_backward`, `relu_backward` and softmax-cross-entropy backward, in compiled code on the CPU or GPU, instead of
# one closure per number. Like our `+=`, it **adds** into each leaf's `.grad` (so a parameter used several times, or
# several losses, combine), which is why `zero_grad()` must clear the gradients before every step; otherwise each step
# would use the sum of all previous gradients.
#
# (b) A GPU pays off when each step contains enough arithmetic to keep its thousands of cores busy: large batches, wide
# layers, convolutions. For tiny networks or batches (like the spiral MLP, or batch 64 with width 128) the fixed costs of
# launching kernels, synchronising and copying data dominate, and the CPU is as fast or faster. The data should also be
# moved to the GPU once, not every batch, since the transfer over PCIe is slow compared with the GPU's arithmetic.
