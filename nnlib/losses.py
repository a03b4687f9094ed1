"""Loss modules: ``forward(pred, target)`` returns the mean loss as a float, ``backward()`` its gradient.

``backward()`` returns the gradient of the MEAN loss wrt ``pred`` (same shape, ``pred``'s dtype),
ready to be passed to ``model.backward``.
"""
import numpy as np

from .functional import _labels

__all__ = ["MSELoss", "CrossEntropyLoss"]


def _float_pred(pred):
    if type(pred) is not np.ndarray:
        pred = np.asarray(pred)
    if pred.dtype.kind != "f":
        pred = pred.astype(np.float64)
    return pred


class MSELoss:
    """Mean squared error over all elements: ``mean((pred - target)^2)``.

    ``pred``: any shape (e.g. ``(N, 1)``); ``target``: the same shape, or the same number of
    elements (a ``(N,)`` target for ``(N, 1)`` predictions is reshaped, never broadcast).
    """

    def __init__(self):
        self._diff = None

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def forward(self, pred, target):
        """Mean squared error as a Python float."""
        pred = _float_pred(pred)
        target = np.asarray(target, dtype=pred.dtype)
        if target.shape != pred.shape:
            if target.size != pred.size:
                raise ValueError(f"MSELoss: target of shape {target.shape} does not match "
                                 f"predictions of shape {pred.shape}")
            target = target.reshape(pred.shape)
        diff = pred - target
        self._diff = diff
        return float(np.vdot(diff, diff) / diff.size) if diff.size else float("nan")

    def backward(self):
        """Gradient wrt ``pred``: ``2 (pred - target) / size``, shape and dtype of ``pred``."""
        if self._diff is None:
            raise RuntimeError("MSELoss.backward() called before forward()")
        return self._diff * (2.0 / self._diff.size)

    def __repr__(self):
        return "MSELoss()"


class CrossEntropyLoss:
    """Softmax cross-entropy from raw scores (logits), averaged over the batch.

    ``forward(logits, labels)``: ``logits`` ``(N, C)``, ``labels`` ``(N,)`` integers in ``[0, C)``
    (one-hot or soft targets ``(N, C)`` are accepted too). Softmax and log are fused and stable.
    ``backward()`` -> ``(softmax(logits) - onehot(labels)) / N``, shape ``(N, C)``.
    """

    def __init__(self):
        self._probs = None
        self._labels = None
        self._targets = None

    def __call__(self, logits, labels):
        return self.forward(logits, labels)

    def forward(self, logits, labels):
        """Mean cross-entropy as a Python float."""
        z = _float_pred(logits)
        if z.ndim != 2:
            raise ValueError(f"CrossEntropyLoss expects logits of shape (N, C), got {z.shape}")
        n = z.shape[0]
        shifted = z - z.max(axis=1, keepdims=True)         # new array: the logits are untouched
        probs = np.exp(shifted)
        sums = probs.sum(axis=1)
        log_sums = np.log(sums)
        labels = np.asarray(labels)
        if labels.ndim == 2:
            if labels.shape != z.shape:
                raise ValueError(f"targets of shape {labels.shape} do not match logits {z.shape}")
            targets = labels.astype(z.dtype, copy=False)
            loss = float((np.sum(targets.sum(axis=1) * log_sums) - np.vdot(targets, shifted)) / n)
            self._labels, self._targets = None, targets
        else:
            labels = _labels(labels, n)
            if n and (labels.min() < 0 or labels.max() >= z.shape[1]):
                raise ValueError(f"labels must lie in [0, {z.shape[1]}), got values from "
                                 f"{labels.min()} to {labels.max()}")
            picked = shifted[np.arange(n), labels]
            loss = float((log_sums.sum() - picked.sum()) / n)
            self._labels, self._targets = labels, None
        probs /= sums[:, None]
        self._probs = probs
        return loss

    def backward(self):
        """Gradient of the mean loss wrt the logits: ``(softmax - onehot) / N``, shape ``(N, C)``."""
        probs = self._probs
        if probs is None:
            raise RuntimeError("CrossEntropyLoss.backward() called before forward()")
        n = probs.shape[0]
        grad = probs.copy()
        if self._targets is not None:
            grad -= self._targets
        else:
            grad[np.arange(n), self._labels] -= 1
        grad *= 1.0 / n
        return grad

    def __repr__(self):
        return "CrossEntropyLoss()"
