"""Pure functions: activations, their derivatives, softmax, losses and the linear layer.

Every function here is the library twin of a lesson exercise and has the same signature.
Conventions shared by all of them:

- Inputs may be NumPy arrays or array-likes; inputs are never modified.
- Array results keep the input's floating dtype (float32 in, float32 out); integer or boolean
  inputs are computed in float64.
- Losses return a Python ``float`` (the mean over samples).
- Nothing warns or overflows on extreme inputs (``sigmoid(1000.0)``, ``softmax([1e4, -1e4])``).

Shapes are given as ``(N, C)``: ``N`` samples (the batch), ``C`` features or classes.
"""

import math

import numpy as np

__all__ = [
    "step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "gelu",
    "silu",
    "softmax",
    "log_softmax",
    "sigmoid_grad",
    "tanh_grad",
    "relu_grad",
    "leaky_relu_grad",
    "gelu_grad",
    "silu_grad",
    "mse",
    "mse_grad",
    "binary_cross_entropy",
    "cross_entropy",
    "cross_entropy_from_logits",
    "linear",
    "linear_backward",
    "relu_backward",
    "sigmoid_backward",
    "softmax_cross_entropy_backward",
]

_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_C = 0.044715
_erf = np.frompyfunc(math.erf, 1, 1)
# erf(x) ~ x P(x^2) / Q(x^2) on [-4, 4] (erf = +-1 to float32 precision beyond): the rational
# approximation of Eigen / XLA's float32 erf, max error 6.5e-8 (about 1 float32 ulp) when evaluated
# in float64. Used for float32 and float16 inputs; float64 gets math.erf, exact but ~30x slower.
_ERF_P = (
    -2.72614225801306e-10,
    2.77068142495902e-08,
    -2.10102402082508e-06,
    -5.69250639462346e-05,
    -7.34990630326855e-04,
    -2.95459980854025e-03,
    -1.60960333262415e-02,
)
_ERF_Q = (
    -1.45660718464996e-05,
    -2.13374055278905e-04,
    -1.68282697438203e-03,
    -7.37332916720468e-03,
    -1.42647390514189e-02,
)


def _float(x):
    """``x`` as an ndarray of a floating dtype (its own if floating, else float64); no copy if possible."""
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return x


def _labels(labels, n, classes=None):
    """Integer class labels ``(N,)``; float labels with integral values are accepted.

    With ``classes``, every label must lie in ``[0, classes)`` (a negative label would silently
    index from the end).
    """
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
            labels = labels.astype(np.intp)
        elif labels.dtype.kind == "b":
            labels = labels.astype(np.intp)
        else:
            raise TypeError(f"class labels must be integers, got dtype {labels.dtype}")
    labels = labels.reshape(-1)
    if labels.shape[0] != n:
        raise ValueError(f"expected {n} labels (one per row), got {labels.shape[0]}")
    if classes is not None and n and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels must lie in [0, {classes}), got values from {labels.min()} to {labels.max()}")
    return labels


def _rows(z):
    """``z`` as a 2-D ``(N, C)`` float array: a single 1-D score vector becomes one row."""
    z = _float(z)
    return z[None, :] if z.ndim == 1 else z


# --------------------------------------------------------------------------- activations
def step(z):
    """Heaviside step: 1.0 where ``z >= 0``, else 0.0. ``z``: any shape -> same shape."""
    z = _float(z)
    return (z >= 0).astype(z.dtype)


def sigmoid(z):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow. Any shape -> same shape.

    Uses ``exp(-|z|)``, which never overflows: ``1 / (1 + e)`` for ``z >= 0`` and ``e / (1 + e)`` otherwise.
    """
    z = _float(z)
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0, r, e * r)


def tanh(z):
    """Hyperbolic tangent. Any shape -> same shape."""
    return np.tanh(_float(z))


def relu(z):
    """Rectified linear unit ``max(z, 0)``. Any shape -> same shape."""
    return np.maximum(_float(z), 0)


def leaky_relu(z, alpha=0.01):
    """``z`` where ``z > 0``, else ``alpha * z``. Any shape -> same shape."""
    z = _float(z)
    return np.where(z > 0, z, z * alpha)


def _erf_single(x):
    """erf of a float64 array to single precision (max error 6.5e-8), fully vectorised."""
    x = np.clip(x, -4.0, 4.0)
    x2 = x * x
    p = np.full_like(x, _ERF_P[0])
    for c in _ERF_P[1:]:
        p *= x2
        p += c
    q = np.full_like(x, _ERF_Q[0])
    for c in _ERF_Q[1:]:
        q *= x2
        q += c
    p *= x
    p /= q
    return np.clip(p, -1.0, 1.0, out=p)


def _phi_cdf(z):
    """Standard normal CDF ``Phi(z) = (1 + erf(z / sqrt 2)) / 2`` in z's dtype (computed in float64).

    float64: exact ``math.erf``; float32/float16: a rational approximation accurate to their precision.
    """
    u = np.asarray(z, dtype=np.float64) / _SQRT_2
    if z.dtype.itemsize >= 8:
        erf = np.asarray(_erf(u), dtype=np.float64)
    else:
        erf = _erf_single(u)
    return (0.5 * (1.0 + erf)).astype(z.dtype, copy=False)


def gelu(z, approximate="none"):
    """Gaussian error linear unit ``z * Phi(z)``. Any shape -> same shape.

    ``approximate="none"`` uses the exact normal CDF (through ``erf``);
    ``approximate="tanh"`` uses ``0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))``, as PyTorch does.
    """
    z = _float(z)
    if approximate == "none":
        return z * _phi_cdf(z)
    if approximate == "tanh":
        with np.errstate(over="ignore"):
            return 0.5 * z * (1.0 + np.tanh(_SQRT_2_OVER_PI * (z + _GELU_C * z * z * z)))
    raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(z):
    """Sigmoid linear unit (swish) ``z * sigmoid(z)``. Any shape -> same shape."""
    z = _float(z)
    return z * sigmoid(z)


def softmax(z, axis=-1):
    """Softmax along ``axis`` (numerically stable: the maximum is subtracted first). Any shape -> same shape.

    Each slice along ``axis`` is non-negative and sums to 1.
    """
    z = _float(z)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def log_softmax(z, axis=-1):
    """``log(softmax(z))`` along ``axis``, stable for scores of any size. Any shape -> same shape.

    Computed as ``(z - max) - log(sum(exp(z - max)))``: never takes the log of 0.
    """
    z = _float(z)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


# --------------------------------------------------------------------------- derivatives
def sigmoid_grad(z):
    """Derivative of sigmoid at ``z``: ``s (1 - s)``. Any shape -> same shape."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_grad(z):
    """Derivative of tanh at ``z``: ``1 - tanh(z)^2``. Any shape -> same shape."""
    t = np.tanh(_float(z))
    return 1.0 - t * t


def relu_grad(z):
    """Derivative of ReLU at ``z``: 1.0 where ``z > 0``, else 0.0 (0 at ``z == 0``). Any shape -> same shape."""
    z = _float(z)
    return (z > 0).astype(z.dtype)


def leaky_relu_grad(z, alpha=0.01):
    """Derivative of leaky ReLU at ``z``: 1 where ``z > 0``, else ``alpha``. Any shape -> same shape."""
    z = _float(z)
    one = np.ones((), dtype=z.dtype)
    return np.where(z > 0, one, np.asarray(alpha, dtype=z.dtype))


def gelu_grad(z, approximate="none"):
    """Derivative of GELU at ``z``. Any shape -> same shape.

    Exact: ``Phi(z) + z phi(z)`` (``phi`` the standard normal density). ``approximate="tanh"``:
    the derivative of the tanh formula.
    """
    z = _float(z)
    with np.errstate(over="ignore"):
        if approximate == "none":
            return _phi_cdf(z) + z * (_INV_SQRT_2PI * np.exp(-0.5 * z * z))
        if approximate == "tanh":
            # beyond |z| = 20 the derivative is 0 or 1 to machine precision: clip so nothing overflows
            z = np.clip(z, -20.0, 20.0)
            t = np.tanh(_SQRT_2_OVER_PI * (z + _GELU_C * z * z * z))
            du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_C * z * z)
            dz = z * (1.0 - t * t) * du
            return 0.5 * (1.0 + t) + 0.5 * dz
    raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")


def silu_grad(z):
    """Derivative of SiLU at ``z``: ``s (1 + z (1 - s))`` with ``s = sigmoid(z)``. Any shape -> same shape."""
    z = _float(z)
    s = sigmoid(z)
    return s * (1.0 + z * (1.0 - s))


# --------------------------------------------------------------------------- losses
def _match_target(y_pred, y_true):
    """Float ``y_pred`` and ``y_true`` cast to its dtype and shape (a same-size target is reshaped)."""
    y_pred = _float(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    if y_true.shape != y_pred.shape:
        if y_true.size == y_pred.size:
            y_true = y_true.reshape(y_pred.shape)
        elif np.broadcast_shapes(y_true.shape, y_pred.shape) != y_pred.shape:
            raise ValueError(f"target shape {y_true.shape} does not match prediction shape {y_pred.shape}")
    return y_pred, y_true


def mse(y_pred, y_true):
    """Mean squared error over all elements, as a float. ``y_pred``, ``y_true``: same shape (any)."""
    y_pred, y_true = _match_target(y_pred, y_true)
    d = y_pred - y_true
    return float(np.mean(d * d))


def mse_grad(y_pred, y_true):
    """Gradient of :func:`mse` wrt ``y_pred``: ``2 (y_pred - y_true) / size``. Shape of ``y_pred``."""
    y_pred, y_true = _match_target(y_pred, y_true)
    return (y_pred - y_true) * (2.0 / y_pred.size)


def binary_cross_entropy(p, y, eps=1e-7):
    """Mean binary cross-entropy of probabilities ``p`` against labels ``y`` in {0, 1}, as a float.

    ``p``, ``y``: same shape (any). ``p`` is clipped to ``[eps, 1 - eps]`` so that log never sees 0.
    """
    p, y = _match_target(p, y)
    p = np.clip(p, eps, 1.0 - eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def cross_entropy(probs, targets, eps=1e-7):
    """Mean cross-entropy of class probabilities against targets, as a float.

    ``probs``: ``(N, C)`` rows of probabilities (a single ``(C,)`` row is allowed).
    ``targets``: integer labels ``(N,)`` or one-hot (or soft) targets ``(N, C)``.
    Probabilities are clipped to ``[eps, 1 - eps]``.
    """
    probs = _rows(probs)
    n = probs.shape[0]
    targets = np.asarray(targets)
    if targets.ndim == 2:
        if targets.shape != probs.shape:
            raise ValueError(f"one-hot targets of shape {targets.shape} do not match probs {probs.shape}")
        logp = np.log(np.clip(probs, eps, 1.0 - eps))
        return float(-np.sum(targets * logp) / n)
    labels = _labels(targets, n, probs.shape[1])
    picked = probs[np.arange(n), labels]
    return float(-np.mean(np.log(np.clip(picked, eps, 1.0 - eps))))


def cross_entropy_from_logits(logits, labels):
    """Mean cross-entropy of raw scores against integer labels, as a float; stable for any logits.

    ``logits``: ``(N, C)`` (or one ``(C,)`` row); ``labels``: ``(N,)`` integers in ``[0, C)``
    (one-hot ``(N, C)`` targets are accepted too). Uses :func:`log_softmax`.
    """
    logits = _rows(logits)
    n = logits.shape[0]
    logp = log_softmax(logits, axis=1)
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape == logits.shape:
        return float(-np.sum(labels * logp) / n)
    labels = _labels(labels, n, logits.shape[1])
    return float(-np.mean(logp[np.arange(n), labels]))


# --------------------------------------------------------------------------- layers and backprop
def linear(X, W, b):
    """Batched affine map ``X @ W.T + b``.

    ``X``: ``(N, in)`` (or ``(in,)``), ``W``: ``(out, in)``, ``b``: ``(out,)`` -> ``(N, out)``.
    """
    X, W, b = _float(X), _float(W), _float(b)
    return X @ W.T + b


def linear_backward(dout, X, W):
    """Gradients of ``Y = X @ W.T + b``: returns ``(dX, dW, db)``.

    ``dout``: ``(N, out)`` gradient wrt ``Y``; ``X``: ``(N, in)``; ``W``: ``(out, in)``.
    ``dX = dout @ W`` ``(N, in)``, ``dW = dout.T @ X`` ``(out, in)``, ``db = dout.sum(0)`` ``(out,)``.
    Leading batch dimensions beyond one (``(..., in)``) are summed over for ``dW`` and ``db``.
    """
    dout, X, W = _float(dout), _float(X), _float(W)
    d2 = dout.reshape(-1, dout.shape[-1])
    x2 = X.reshape(-1, X.shape[-1])
    return dout @ W, d2.T @ x2, d2.sum(axis=0)


def relu_backward(dout, z):
    """Gradient wrt the pre-activation ``z`` of ``relu(z)``: ``dout`` where ``z > 0``, else 0. Same shape."""
    dout, z = _float(dout), np.asarray(z)
    return np.where(z > 0, dout, np.zeros((), dtype=dout.dtype))


def sigmoid_backward(dout, z):
    """Gradient wrt the pre-activation ``z`` of ``sigmoid(z)``: ``dout * s (1 - s)``. Same shape."""
    dout = _float(dout)
    return dout * sigmoid_grad(np.asarray(z, dtype=dout.dtype))


def softmax_cross_entropy_backward(logits, labels):
    """Gradient of the MEAN cross-entropy ``cross_entropy_from_logits(logits, labels)`` wrt ``logits``.

    ``logits``: ``(N, C)``; ``labels``: ``(N,)`` integers (or one-hot ``(N, C)``) -> ``(N, C)``:
    ``(softmax(logits) - onehot(labels)) / N``.
    """
    logits = _float(logits)
    one_row = logits.ndim == 1
    z = _rows(logits)
    n = z.shape[0]
    grad = softmax(z, axis=1)
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape == z.shape:
        grad -= labels
    else:
        grad[np.arange(n), _labels(labels, n, z.shape[1])] -= 1.0
    grad /= n
    return grad[0] if one_row else grad
