"""A scalar autograd engine: what ``loss.backward()`` does inside, one number at a time.

This is the ``nnlib`` twin of lesson 11's ``Value`` exercise, in the style of Andrej Karpathy's
micrograd (``engine.py``). Every arithmetic operation on ``Value`` objects builds a node of a graph:

* the **forward** computation makes the new node's ``data`` from its inputs' ``data``;
* right beside it, the operation records its **local derivatives** in a small closure
  ``_backward`` that, given the node's ``grad`` (d output / d node), adds each input's share
  ``local derivative * node.grad`` into that input's ``grad`` (the chain rule, one edge at a time).

``v.backward()`` sorts the graph so that every node comes after everything it depends on
(a topological order), sets ``v.grad = 1`` and runs the closures in the **reverse** order: when a
node's closure runs, every use of that node has already added its contribution, so its ``grad`` is
complete. Each node is visited exactly once, so the work is linear in the size of the graph, and a
value used several times (``a * a``, ``a * b + a * c``) receives the sum over its uses because the
closures **add** (``+=``) into ``grad`` instead of overwriting it.

Example::

    >>> from nnlib.autograd import Value
    >>> a, b = Value(2.0), Value(-3.0)
    >>> c = a * b + a          # c = a * (b + 1)
    >>> c.backward()
    >>> a.grad, b.grad         # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)

``draw_graph(v)`` draws the graph behind ``v`` with matplotlib (graphviz is not needed).
"""

from __future__ import annotations

import math
import numbers

__all__ = ["Value", "draw_graph"]


def _as_number(x, what: str) -> float:
    """``x`` as a Python float, or a TypeError that says what a Value can hold."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        # 0-d NumPy arrays are not numbers.Real but hold one number; anything else is refused.
        if getattr(x, "shape", None) == () and hasattr(x, "item") and isinstance(x.item(), numbers.Real):
            x = x.item()
        else:
            raise TypeError(
                f"{what} must be a real number (int, float or a NumPy scalar), got {type(x).__name__}: {x!r}"[:300]
            )
    return float(x)


class Value:
    """One scalar in a computation graph: its number ``data`` and its gradient ``grad``.

    ``Value(data)`` makes a leaf (an input or a parameter). Operations on Values return new
    Values that remember their inputs (``_prev``), the operation's symbol (``_op``) and how to pass
    a gradient back to the inputs (``_backward``). ``grad`` is 0 until :meth:`backward` fills it.
    """

    __slots__ = ("data", "grad", "_prev", "_op", "_backward", "label")

    def __init__(self, data, _children=(), _op: str = "", label: str = ""):
        self.data = _as_number(data, "Value(data): data")
        self.grad = 0.0
        self._prev = tuple(_children)  # the Values this one was computed from
        self._op = _op  # "+", "*", "**2", "relu", ... ("" for a leaf)
        self._backward = lambda: None  # a leaf has nothing to pass back
        self.label = label  # an optional name, shown by draw_graph

    @staticmethod
    def _wrap(other) -> Value:
        """A Value stays as it is; a Python number becomes a constant leaf."""
        return other if isinstance(other, Value) else Value(other)

    # ------------------------------------------------------------------ operations, backward beside forward

    def __add__(self, other):
        other = self._wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # d(a + b)/da = 1, d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # d(a * b)/da = b, d(a * b)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        if isinstance(k, Value) or isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"Value ** k: the exponent must be a constant int or float, got {type(k).__name__}")
        k = int(k) if isinstance(k, numbers.Integral) else float(k)
        try:
            result = self.data**k
        except ZeroDivisionError:
            raise ZeroDivisionError(f"Value ** k: 0 ** {k!r} is undefined (division by zero)") from None
        if isinstance(result, complex):
            raise ValueError(
                f"Value ** k: {self.data!r} ** {k!r} is not a real number (a negative base needs an integer exponent)"
            )
        out = Value(result, (self,), f"**{k:g}")

        def _backward():  # d(x ** k)/dx = k * x ** (k - 1)
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():  # 1 where x > 0, else 0 (0 at x = 0 too, like PyTorch)
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():  # d tanh(x)/dx = 1 - tanh(x)**2, from the OUTPUT t
            self.grad += (1.0 - t * t) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"Value.exp: exp({self.data!r}) is too large for a float") from None
        out = Value(e, (self,), "exp")

        def _backward():  # d exp(x)/dx = exp(x), the output itself
            self.grad += e * out.grad

        out._backward = _backward
        return out

    def log(self):
        if not self.data > 0:
            raise ValueError(f"Value.log: the natural log needs a positive number, got {self.data!r}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():  # d log(x)/dx = 1 / x
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    # ------------------------------------------------------------------ the rest, built from the above

    def __neg__(self):  # -a
        return self * -1

    def __sub__(self, other):  # a - b
        return self + (-self._wrap(other))

    def __truediv__(self, other):  # a / b = a * b**-1
        return self * self._wrap(other) ** -1

    def __radd__(self, other):  # 2 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def __rsub__(self, other):  # 1 - a  (other - self, not self - other)
        return self._wrap(other) + (-self)

    def __rtruediv__(self, other):  # 2 / a  (other / self)
        return self._wrap(other) * self**-1

    # ------------------------------------------------------------------ the backward pass

    def _topological_order(self) -> list:
        """Every Value this one depends on (itself included), each after all of its inputs, once.

        An iterative depth-first search (see ``_topological``), so a graph thousands of nodes deep
        does not hit Python's recursion limit.
        """
        return _topological(self, lambda node: node._prev)

    def backward(self) -> None:
        """Fill ``grad`` of every Value this one depends on with d(self)/d(that Value).

        Gradients add into ``grad`` (like PyTorch): reset the leaves' ``grad`` to 0 before the
        backward pass of a new graph built from the same leaves (e.g. every training step).
        """
        order = self._topological_order()
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    # ------------------------------------------------------------------ display

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


# ---------------------------------------------------------------------- drawing


def _topological(root, children) -> list:
    """Every node reachable from ``root`` through ``children(node)``, each after all of its inputs, once."""
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children(node)) if id(child) not in visited)
    return order


def _children(node) -> tuple:
    """The inputs of a Value-like node: ``_prev`` (micrograd's name) or ``_children`` / ``children``."""
    for name in ("_prev", "_children", "children", "prev", "_parents", "parents"):
        kids = getattr(node, name, None)
        if kids is not None and not callable(kids):
            try:
                return tuple(kids)
            except TypeError:
                continue
    return ()


def _op(node) -> str:
    for name in ("_op", "op", "_operation", "operation"):
        op = getattr(node, name, None)
        if isinstance(op, str):
            return op
    return ""


def _number(x) -> str:
    try:
        return f"{float(x):.4g}"
    except (TypeError, ValueError):
        return "?"


def draw_graph(v, ax=None, show_grad: bool = True):
    """Draw the computation graph behind ``v`` with matplotlib, inputs on the left, ``v`` on the right.

    Each Value is a box with its ``label`` (when it has one), ``data`` and ``grad``; each operation
    is a small circle between a Value and the Values it was computed from. Works with any
    micrograd-style class that keeps its inputs in ``_prev`` (or ``_children``) and its operation's
    symbol in ``_op``. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt  # only when drawing: importing nnlib.autograd stays light
    from matplotlib.patches import FancyBboxPatch

    nodes = _topological(v, _children)  # every node once, each after its inputs
    # column = length of the longest path from a leaf: leaves in column 0, v in the last one
    column: dict = {}
    for node in nodes:
        kids = _children(node)
        column[id(node)] = 1 + max(column[id(k)] for k in kids) if kids else 0
    n_columns = max(column.values()) + 1
    per_column: dict = {}
    for node in nodes:
        per_column.setdefault(column[id(node)], []).append(node)
    height = max(len(group) for group in per_column.values())
    place = {}
    for c, group in per_column.items():  # each column centred vertically
        for r, node in enumerate(group):
            place[id(node)] = (3.0 * c, (len(group) - 1) / 2 - r)

    def xy(node):
        return place[id(node)]

    if ax is None:
        # about 0.8 inch per unit of the layout, so the 8-point labels fit their boxes
        _, ax = plt.subplots(figsize=(0.8 * (3.0 * (n_columns - 1) + 2.4), 0.8 * (height + 1.2)))
    box_w, box_h = 2.0, 0.62
    for node in nodes:
        x, y = xy(node)
        label = getattr(node, "label", "")
        text = (
            f"{label} | " if isinstance(label, str) and label else ""
        ) + f"data {_number(getattr(node, 'data', None))}"
        if show_grad:
            text += f"\ngrad {_number(getattr(node, 'grad', None))}"
        ax.add_patch(
            FancyBboxPatch(
                (x - box_w / 2, y - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.03",
                facecolor="#e8f0fe" if node is not v else "#fde2cf",
                edgecolor="#345",
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=8, family="monospace")
        kids = _children(node)
        if kids:
            ox, oy = x - 1.5, y
            ax.add_patch(plt.Circle((ox, oy), 0.27, facecolor="white", edgecolor="#345"))
            ax.text(ox, oy, _op(node) or "?", ha="center", va="center", fontsize=7)
            ax.annotate(
                "", xy=(x - box_w / 2, y), xytext=(ox + 0.27, oy), arrowprops=dict(arrowstyle="->", color="#345", lw=1)
            )
            for kid in kids:
                kx, ky = xy(kid)
                skips = column[id(node)] - column[id(kid)] > 1  # curve around the boxes in between
                ax.annotate(
                    "",
                    xy=(ox - 0.27, oy),
                    xytext=(kx + box_w / 2, ky),
                    arrowprops=dict(
                        arrowstyle="->",
                        color="#789",
                        lw=1,
                        shrinkA=0,
                        shrinkB=0,
                        connectionstyle=f"arc3,rad={-0.35 if skips else 0.0}",
                    ),
                )
    ax.set_xlim(-1.2, 3.0 * (n_columns - 1) + 1.2)
    ax.set_ylim(-(height / 2) - 0.6, height / 2 + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
