"""Gradient checking (lesson 08): numerical gradients by central differences, and a module checker."""

import copy

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "check_module"]


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function ``f`` wrt the array ``x``.

    ``x`` (any shape, floating dtype; use float64) is perturbed IN PLACE one entry at a time,
    ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, so ``f`` may ignore its argument and read
    ``x`` itself (as when checking a network's own weights). Every entry is restored: ``x`` is
    left exactly as it was found, even if ``f`` raises. Returns an array shaped like ``x``.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError("numerical_gradient perturbs x in place: pass a NumPy array")
    if x.dtype.kind != "f":
        raise TypeError(f"x must have a floating dtype to be perturbed, got {x.dtype}")
    if not x.flags.writeable:
        raise ValueError("numerical_gradient perturbs x in place: x must be writeable")
    grad = np.zeros(x.shape, dtype=x.dtype)
    for idx in np.ndindex(*x.shape):
        old = x[idx].copy()
        try:
            x[idx] = old + eps
            f_plus = float(f(x))
            x[idx] = old - eps
            f_minus = float(f(x))
        finally:
            x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b):
    """Largest elementwise relative error ``|a - b| / max(|a| + |b|, 1e-12)`` as a float.

    ``a``, ``b``: arrays of the same shape (or scalars). 0.0 for empty arrays.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


def _mismatch(name, analytic, numeric, tol, atol):
    """An error message when ``analytic`` and ``numeric`` disagree beyond ``tol``, else None."""
    if analytic is None:
        return f"{name}: backward returned no gradient"
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != numeric.shape:
        return f"{name}: analytic gradient has shape {analytic.shape}, expected {numeric.shape}"
    diff = np.abs(analytic - numeric)
    bad = diff > atol + tol * (np.abs(analytic) + np.abs(numeric))
    if not bad.any():
        return None
    where = np.unravel_index(int(np.argmax(np.where(bad, diff, -1.0))), diff.shape)
    return (
        f"{name}: relative error {relative_error(analytic, numeric):.3e} (tolerance {tol:g}); "
        f"worst entry {where}: analytic {analytic[where]:.10g} vs numerical {numeric[where]:.10g}"
    )


def check_module(module, x, tol=1e-6, rng=None, eps=1e-6, atol=1e-8):
    """Assert that ``module``'s backward agrees with numerical gradients, in float64.

    Works on a float64 deep copy of ``module`` (the original is left untouched): runs
    ``forward(x)``, draws a random upstream gradient ``G`` of the output's shape, and compares
    ``backward(G)`` (gradient wrt ``x``) and every parameter's accumulated ``grad`` with central
    differences of ``sum(forward(x) * G)``. An entry passes when
    ``|analytic - numerical| <= atol + tol * (|analytic| + |numerical|)`` (``atol`` absorbs the
    ~1e-9 round-off of the differences where a gradient is nearly zero).

    Central differences are meaningless at a kink: keep inputs (and pre-activations, e.g. a zero
    bias behind a row of dead ReLUs) away from ReLU's 0.

    Raises ``AssertionError`` naming the tensor (``input``, ``0.weight``, ...) and its relative
    error. Returns ``{name: relative_error}`` for every checked tensor.
    """
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    m = copy.deepcopy(module)
    named = (
        list(m.named_parameters())
        if hasattr(m, "named_parameters")
        else [(str(i), p) for i, p in enumerate(m.parameters())]
    )
    for _, p in named:
        p.data = np.array(p.data, dtype=np.float64)
        p.grad = np.zeros_like(p.data)
    if hasattr(m, "needs_input_grad"):
        m.needs_input_grad = True
    x = np.array(x, dtype=np.float64)  # a private copy, perturbed in place below

    out = np.array(m.forward(x), dtype=np.float64)
    upstream = rng.standard_normal(out.shape)
    m.zero_grad()
    dx = m.backward(upstream.copy())
    dx = None if dx is None else np.array(dx, dtype=np.float64)
    analytic = {name: np.array(p.grad, dtype=np.float64) for name, p in named}

    def objective(_):
        return float(np.sum(np.asarray(m.forward(x), dtype=np.float64) * upstream))

    errors, failures = {}, []
    for name, value, target in [("input", dx, x)] + [(n, analytic[n], p.data) for n, p in named]:
        numeric = numerical_gradient(objective, target, eps=eps)
        problem = _mismatch(name, value, numeric, tol, atol)
        if problem:
            failures.append(problem)
        elif value is not None:
            errors[name] = relative_error(value, numeric)
    if failures:
        raise AssertionError(f"{type(module).__name__} gradient check failed:\n  " + "\n  ".join(failures))
    return errors
