"""Figures for the lessons (matplotlib; this module is loaded only when a lesson asks for it).

Conventions: a function that draws on one Axes takes ``ax=None`` (a new figure when omitted) and
returns that Axes; a function that draws a grid of panels returns the Figure. Nothing here calls
``plt.show()``: in Jupyter the figure displays at the end of the cell, in a script call
``plt.show()`` or ``fig.savefig(...)`` yourself, and under a non-interactive backend (Agg) every
function just builds the figure.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "decision_boundary",
    "activation_curves",
    "loss_curves",
    "weight_histograms",
    "activation_histograms",
    "image_grid",
    "confusion_matrix_plot",
]


def _axes(ax, figsize=(5, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def decision_boundary(predict_fn, X, y, ax=None, resolution=200, padding=0.25, cmap="coolwarm", title=None):
    """Shade the plane by the class ``predict_fn`` assigns and scatter the points on top.

    ``predict_fn`` maps an array ``(M, 2)`` to class indices ``(M,)`` (e.g.
    ``lambda P: nnlib.predict(model, P)``); ``X`` ``(N, 2)``, ``y`` ``(N,)`` integer labels.
    The grid covers the data plus ``padding`` on every side at ``resolution`` points per axis.
    Returns the Axes (a filled contour and one scatter collection).
    """
    X = np.asarray(X)
    y = np.asarray(y)
    ax = _axes(ax)
    x_min, x_max = X[:, 0].min() - padding, X[:, 0].max() + padding
    y_min, y_max = X[:, 1].min() - padding, X[:, 1].max() + padding
    gx, gy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(X.dtype if X.dtype.kind == "f" else np.float32)
    zz = np.asarray(predict_fn(grid)).reshape(gx.shape)
    n_classes = int(max(zz.max(), y.max())) + 1
    levels = np.arange(n_classes + 1) - 0.5
    ax.contourf(gx, gy, zz, levels=levels, cmap=cmap, alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=n_classes - 0.5, s=18, edgecolors="k", linewidths=0.4)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def _resolve_activation(item):
    """``(label, function)`` for a name from ``nnlib.functional`` or a callable."""
    if callable(item):
        return getattr(item, "__name__", "f"), item
    from nnlib import functional

    fn = getattr(functional, item, None)
    if fn is None or not callable(fn):
        raise ValueError(f"unknown activation {item!r}: give a callable or a name from nnlib.functional")
    return item, fn


def activation_curves(
    activations=("sigmoid", "tanh", "relu"), z_range=(-5.0, 5.0), n_points=401, ax=None, title="Activation functions"
):
    """Plot activation functions over ``z_range``, one line each.

    ``activations`` holds names from ``nnlib.functional`` (``"relu"``, ``"gelu"``, ...) and/or
    callables mapping an array ``z`` to an array of the same shape. Returns the Axes.
    """
    if isinstance(activations, str) or callable(activations):
        activations = [activations]
    ax = _axes(ax)
    z = np.linspace(z_range[0], z_range[1], n_points)
    for item in activations:
        label, fn = _resolve_activation(item)
        ax.plot(z, np.asarray(fn(z), dtype=float), label=label)
    ax.axhline(0, color="0.7", lw=0.8)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel("z")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def loss_curves(history, figsize=(10, 3.5)):
    """Training (and validation) loss and accuracy per epoch from a ``fit`` history.

    ``history`` is a :class:`nnlib.train.History` or a dict with ``"loss"`` and optionally
    ``"accuracy"``, ``"val_loss"``, ``"val_accuracy"`` lists. Returns the Figure: one panel for the
    loss, a second for the accuracy when it was recorded.
    """

    def get(key):
        try:
            return list(history[key])
        except (KeyError, TypeError):
            return []

    has_acc = bool(get("accuracy") or get("val_accuracy"))
    fig, axes = plt.subplots(
        1, 2 if has_acc else 1, figsize=figsize if has_acc else (figsize[0] / 2, figsize[1]), squeeze=False
    )
    panels = [("loss", "val_loss", "loss")] + ([("accuracy", "val_accuracy", "accuracy")] if has_acc else [])
    for ax, (train_key, val_key, label) in zip(axes[0], panels):
        for key, name in ((train_key, "train"), (val_key, "validation")):
            values = get(key)
            if values:
                ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.legend()
    fig.tight_layout()
    return fig


def _grid(n_panels, ncols, panel_size=(3.0, 2.4)):
    ncols = max(1, min(ncols, n_panels))
    nrows = math.ceil(n_panels / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows), squeeze=False)
    axes = axes.ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes[:n_panels]


def weight_histograms(model, bins=50, ncols=3, include_bias=False):
    """One histogram per weight matrix of ``model`` (anything with ``parameters()``).

    Biases (1-D parameters) are skipped unless ``include_bias``. Each panel's title gives the
    shape and standard deviation. Returns the Figure.
    """
    params = [p for p in model.parameters() if include_bias or np.ndim(p.data) > 1]
    if not params:
        raise ValueError("the model has no parameters to plot")
    fig, axes = _grid(len(params), ncols)
    for i, (ax, p) in enumerate(zip(axes, params)):
        values = np.asarray(p.data, dtype=float).ravel()
        ax.hist(values, bins=bins, color="tab:blue", alpha=0.8)
        ax.set_title(f"param {i} {tuple(np.shape(p.data))}, std {values.std():.3g}", fontsize=9)
    fig.tight_layout()
    return fig


def activation_histograms(activations, labels=None, bins=50, ncols=4, x_range=None):
    """One histogram per array of ``activations`` (e.g. each layer's output for a batch).

    ``labels`` names the panels (default ``"layer 1"``, ...); ``x_range=(lo, hi)`` fixes a common x range.
    Each title gives the standard deviation, the quantity lesson 07 follows from layer to layer.
    Returns the Figure.
    """
    activations = [np.asarray(a, dtype=float).ravel() for a in activations]
    if not activations:
        raise ValueError("give at least one array of activations")
    labels = list(labels) if labels is not None else [f"layer {i + 1}" for i in range(len(activations))]
    fig, axes = _grid(len(activations), ncols)
    for ax, values, label in zip(axes, activations, labels):
        ax.hist(values, bins=bins, range=x_range, color="tab:orange", alpha=0.8)
        ax.set_title(f"{label}: std {values.std():.3g}", fontsize=9)
    fig.tight_layout()
    return fig


def image_grid(images, labels=None, ncols=8, shape=None, cmap="gray_r", predictions=None):
    """Show images in a grid, with their labels (and predictions, red when wrong) as titles.

    ``images`` is ``(N, H, W)`` or flat ``(N, H*W)`` (square images, or give ``shape=(H, W)``);
    ``labels`` and ``predictions`` are ``(N,)``. Returns the Figure.
    """
    images = np.asarray(images)
    if images.ndim == 2:
        if shape is None:
            side = math.isqrt(images.shape[1])
            if side * side != images.shape[1]:
                raise ValueError(f"images of {images.shape[1]} pixels are not square: give shape=(H, W)")
            shape = (side, side)
        images = images.reshape((len(images),) + tuple(shape))
    if images.ndim != 3:
        raise ValueError(f"images must be (N, H, W) or (N, H*W), got shape {images.shape}")
    fig, axes = _grid(len(images), ncols, panel_size=(1.3, 1.5))
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap=cmap)
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None and predictions is not None:
            wrong = predictions[i] != labels[i]
            ax.set_title(f"{labels[i]} -> {predictions[i]}", fontsize=8, color="red" if wrong else "black")
        elif labels is not None:
            ax.set_title(str(labels[i]), fontsize=8)
    fig.tight_layout()
    return fig


def confusion_matrix_plot(cm, class_names=None, ax=None, normalize=False, cmap="Blues", title="Confusion matrix"):
    """Heat map of a confusion matrix ``cm`` ``(C, C)`` (rows = true class, columns = predicted).

    Every cell is annotated with its count (or, with ``normalize=True``, its fraction of the row).
    Returns the Axes.
    """
    cm = np.asarray(cm, dtype=float)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square matrix, got shape {cm.shape}")
    if normalize:
        cm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1e-12)
    n = cm.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    ax = _axes(ax, figsize=(5.5, 5))
    ax.imshow(cm, cmap=cmap)
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(n):
        for j in range(n):
            text = f"{cm[i, j]:.2f}" if normalize else f"{int(round(cm[i, j]))}"
            ax.text(
                j, i, text, ha="center", va="center", fontsize=8, color="white" if cm[i, j] > threshold else "black"
            )
    ax.set_xticks(np.arange(n), names)
    ax.set_yticks(np.arange(n), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title)
    return ax
