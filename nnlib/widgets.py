"""Interactive explorers for the lessons (ipywidgets; loaded only when a lesson asks for it).

Each explorer returns an ``ipywidgets.VBox``: a row of controls, a one-line summary
(``HTML``) and an ``Output`` holding the figure. Moving a control redraws: the figure is drawn
with matplotlib's object API, rendered to PNG and put into the ``Output`` as its display data, so
the explorers work the same in JupyterLab, in classic Notebook and in a test without a kernel,
and never leave pyplot figures behind.

The computations behind the figures are plain functions, usable and tested on their own:
:func:`neuron_output`, :func:`gate_accuracy`, :func:`activation_and_derivative`, :func:`relu_fit`,
:func:`relu_network`, :func:`fit_error`.
"""

from __future__ import annotations

import base64
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from nnlib import functional as F

__all__ = [
    "neuron_explorer",
    "activation_explorer",
    "fit_explorer",
    "neuron_output",
    "gate_accuracy",
    "activation_and_derivative",
    "relu_fit",
    "relu_network",
    "fit_error",
    "ACTIVATIONS",
    "GATES",
]

#: The four inputs of a two-input logic gate, ``(4, 2)``.
GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
#: Targets of each gate on :data:`GATE_INPUTS`, ``(4,)``.
GATES = {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1])}


# --------------------------------------------------------------------------- pure computations


def neuron_output(w1, w2, b, X):
    """``step(w1 * x1 + w2 * x2 + b)`` for points ``X`` ``(N, 2)`` -> ``(N,)`` of 0.0/1.0."""
    X = np.asarray(X, dtype=float)
    return F.step(X @ np.array([w1, w2], dtype=float) + b)


def gate_accuracy(w1, w2, b, gate):
    """Number of the four inputs on which the neuron ``(w1, w2, b)`` computes ``gate`` ("AND"/"OR")."""
    return int(np.sum(neuron_output(w1, w2, b, GATE_INPUTS) == GATES[gate]))


#: name -> (activation(z, alpha), derivative(z, alpha)); alpha only matters for leaky_relu.
ACTIVATIONS = {
    "step": (lambda z, a: F.step(z), lambda z, a: np.zeros_like(z)),
    "sigmoid": (lambda z, a: F.sigmoid(z), lambda z, a: F.sigmoid_grad(z)),
    "tanh": (lambda z, a: F.tanh(z), lambda z, a: F.tanh_grad(z)),
    "relu": (lambda z, a: F.relu(z), lambda z, a: F.relu_grad(z)),
    "leaky_relu": (F.leaky_relu, F.leaky_relu_grad),
    "gelu": (lambda z, a: F.gelu(z), lambda z, a: F.gelu_grad(z)),
    "silu": (lambda z, a: F.silu(z), lambda z, a: F.silu_grad(z)),
}


def activation_and_derivative(name, z, alpha=0.01):
    """The activation ``name`` (a key of :data:`ACTIVATIONS`) and its derivative at ``z``.

    ``z`` any shape; returns two arrays of that shape. ``alpha`` is leaky ReLU's negative slope.
    (The step function's derivative is 0 everywhere it exists.)
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    z = np.asarray(z, dtype=float)
    fn, grad = ACTIVATIONS[name]
    return np.asarray(fn(z, alpha), dtype=float), np.asarray(grad(z, alpha), dtype=float)


def relu_fit(f, a, b, n_hidden):
    """A one-hidden-layer ReLU network that interpolates ``f`` at ``n_hidden + 1`` equally spaced
    points of ``[a, b]`` (the piecewise-linear interpolant of lesson 05).

    Unit ``k`` is ``relu(x - x_k)`` at knot ``x_k``; its output weight is the change of slope there.
    Returns ``(W1, b1, W2, b2)`` of shapes ``(n_hidden, 1)``, ``(n_hidden,)``, ``(1, n_hidden)``, ``(1,)``.
    """
    n_hidden = int(n_hidden)
    if n_hidden < 1:
        raise ValueError(f"n_hidden must be at least 1, got {n_hidden}")
    if not b > a:
        raise ValueError(f"need a < b, got [{a}, {b}]")
    knots = np.linspace(a, b, n_hidden + 1)
    values = np.asarray(f(knots), dtype=float)
    slopes = np.diff(values) / np.diff(knots)
    W1 = np.ones((n_hidden, 1))
    b1 = -knots[:-1]
    W2 = np.diff(slopes, prepend=0.0)[None, :]
    b2 = np.array([values[0]])
    return W1, b1, W2, b2


def relu_network(x, W1, b1, W2, b2):
    """``relu(x @ W1.T + b1) @ W2.T + b2`` for ``x`` ``(N, 1)`` -> ``(N, 1)``."""
    return F.relu(np.asarray(x, dtype=float) @ W1.T + b1) @ W2.T + b2


def fit_error(f, a, b, n_hidden, n_points=2001):
    """Maximum of ``|f(x) - relu_fit(...)(x)|`` over ``n_points`` equally spaced ``x`` in ``[a, b]``."""
    x = np.linspace(a, b, n_points)[:, None]
    approx = relu_network(x, *relu_fit(f, a, b, n_hidden))[:, 0]
    return float(np.max(np.abs(np.asarray(f(x[:, 0]), dtype=float) - approx)))


# --------------------------------------------------------------------------- widget plumbing


def _png_output(fig):
    """A notebook ``display_data`` output holding ``fig`` rendered as PNG."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return {
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": "<Figure>"},
        "metadata": {},
    }


def _explorer(controls, draw):
    """VBox of ``controls`` (dict name -> widget), a summary line and an Output redrawn by ``draw``.

    ``draw(**values)`` returns ``(Figure, summary_html)``; it runs once now and again whenever a
    control's value changes.
    """
    summary = widgets.HTML()
    out = widgets.Output(layout=widgets.Layout(min_height="300px"))

    def update(change=None):
        fig, text = draw(**{name: w.value for name, w in controls.items()})
        summary.value = text
        out.outputs = (_png_output(fig),)

    for w in controls.values():
        w.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox(list(controls.values())), summary, out])
    box.update = update  # redraw on demand (tests, or after changing f outside the widget)
    return box


def _slider(description, value, lo, hi, step=0.1):
    return widgets.FloatSlider(
        value=value, min=lo, max=hi, step=step, description=description, continuous_update=False, readout_format=".2f"
    )


# --------------------------------------------------------------------------- explorers


def neuron_explorer(w1=1.0, w2=1.0, b=-1.5):
    """Sliders ``w1``, ``w2``, ``b`` of one neuron ``step(w . x + b)`` over the plane.

    Two panels, AND and OR: the region where the neuron outputs 1 is shaded, the boundary line
    ``w . x + b = 0`` is drawn and the four inputs are coloured by the gate's target; the summary
    counts how many inputs the neuron gets right for each gate. Returns the ``VBox``.
    """
    controls = {"w1": _slider("w1", w1, -3, 3), "w2": _slider("w2", w2, -3, 3), "b": _slider("b", b, -3, 3)}
    grid = np.linspace(-0.5, 1.5, 201)
    gx, gy = np.meshgrid(grid, grid)
    plane = np.stack([gx.ravel(), gy.ravel()], axis=1)

    def draw(w1, w2, b):
        fig = Figure(figsize=(8, 3.8))
        zz = neuron_output(w1, w2, b, plane).reshape(gx.shape)
        scores = []
        for ax, gate in zip(fig.subplots(1, 2), GATES):
            ax.contourf(gx, gy, zz, levels=[-0.5, 0.5, 1.5], colors=["#dde6f5", "#f7d9c4"])
            if abs(w2) > 1e-9:
                ax.plot(grid, -(w1 * grid + b) / w2, "k--", lw=1)
            elif abs(w1) > 1e-9:
                ax.axvline(-b / w1, color="k", ls="--", lw=1)
            target = GATES[gate]
            ax.scatter(
                GATE_INPUTS[:, 0],
                GATE_INPUTS[:, 1],
                c=np.where(target == 1, "tab:red", "tab:blue"),
                s=120,
                edgecolors="k",
                zorder=3,
            )
            correct = gate_accuracy(w1, w2, b, gate)
            scores.append(f"{gate}: {correct}/4")
            ax.set_title(f"{gate}: {correct}/4 correct")
            ax.set_xlim(-0.5, 1.5)
            ax.set_ylim(-0.5, 1.5)
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
            ax.set_aspect("equal")
        fig.tight_layout()
        return fig, f"step({w1:.2f} x1 + {w2:.2f} x2 + {b:.2f}) &mdash; " + ", ".join(scores)

    return _explorer(controls, draw)


def activation_explorer(name="relu", z_max=5.0, alpha=0.1):
    """A dropdown of activations, a slider for the plotted range ``[-z_max, z_max]`` and one for
    leaky ReLU's ``alpha``: the activation (left) and its derivative (right). Returns the ``VBox``.
    """
    controls = {
        "name": widgets.Dropdown(options=list(ACTIVATIONS), value=name, description="activation"),
        "z_max": _slider("z range", z_max, 0.5, 10.0, 0.5),
        "alpha": _slider("alpha", alpha, 0.0, 0.5, 0.01),
    }

    def draw(name, z_max, alpha):
        z = np.linspace(-z_max, z_max, 801)
        value, grad = activation_and_derivative(name, z, alpha)
        fig = Figure(figsize=(8, 3.2))
        ax_f, ax_g = fig.subplots(1, 2)
        ax_f.plot(z, value, color="tab:blue")
        ax_f.set_title(f"{name}(z)")
        ax_g.plot(z, grad, color="tab:orange")
        ax_g.set_title(f"{name}'(z)")
        for ax in (ax_f, ax_g):
            ax.axhline(0, color="0.7", lw=0.8)
            ax.axvline(0, color="0.7", lw=0.8)
            ax.set_xlabel("z")
        fig.tight_layout()
        text = (
            f"{name}: output in [{value.min():.3g}, {value.max():.3g}], "
            f"largest slope {grad.max():.3g} on [-{z_max:g}, {z_max:g}]"
        )
        return fig, text

    return _explorer(controls, draw)


def fit_explorer(f=np.sin, a=0.0, b=2 * np.pi, n_hidden=4, max_hidden=64):
    """A slider of hidden units: the ReLU network of :func:`relu_fit` against ``f`` on ``[a, b]``,
    its knots, and the maximum error (which falls like ``1 / n_hidden**2`` for a smooth ``f``).
    Returns the ``VBox``.
    """
    controls = {
        "n_hidden": widgets.IntSlider(
            value=n_hidden, min=1, max=max_hidden, description="hidden units", continuous_update=False
        )
    }
    x = np.linspace(a, b, 1001)
    fx = np.asarray(f(x), dtype=float)

    def draw(n_hidden):
        params = relu_fit(f, a, b, n_hidden)
        approx = relu_network(x[:, None], *params)[:, 0]
        error = fit_error(f, a, b, n_hidden)
        knots = np.linspace(a, b, n_hidden + 1)
        fig = Figure(figsize=(7, 3.5))
        ax = fig.subplots()
        ax.plot(x, fx, color="0.5", lw=3, label="f")
        ax.plot(x, approx, color="tab:red", lw=1.5, label=f"ReLU network, {n_hidden} units")
        ax.plot(knots, np.asarray(f(knots), dtype=float), "k.", ms=6, label="knots")
        ax.set_title(f"max error {error:.3g}")
        ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        return fig, f"{n_hidden} hidden units: max |f - network| = {error:.3g}"

    return _explorer(controls, draw)
