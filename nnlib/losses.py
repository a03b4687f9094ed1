"""Loss modules: ``forward(pred, target)`` returns the mean loss as a float, ``backward()`` its gradient.

``backward()`` returns the gradient of the MEAN loss wrt ``pred`` (same shape, ``pred``'s dtype),
ready to be passed to ``model.backward`` (as often as you like: a loss keeps what it saved).
"""

import numpy as np

from .functional import _labels, log_softmax
from .modules import Module

__all__ = ["MSELoss", "CrossEntropyLoss"]


def _float_pred(pred):
    pred = np.asarray(pred)
    if pred.dtype.kind != "f":
        pred = pred.astype(np.float64)
    return pred


class MSELoss(Module):
    """Mean squared error over all elements: ``mean((pred - target)^2)``.

    ``pred``: any shape (e.g. ``(N, 1)``); ``target``: the same shape, or the same number of
    elements (a ``(N,)`` target for ``(N, 1)`` predictions is reshaped, never broadcast).
    """

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def forward(self, pred, target):
        """Mean squared error as a Python float."""
        pred = _float_pred(pred)
        target = np.asarray(target, dtype=pred.dtype)
        if target.shape != pred.shape:
            if target.size != pred.size:
                raise ValueError(
                    f"MSELoss: target of shape {target.shape} does not match predictions of shape {pred.shape}"
                )
            target = target.reshape(pred.shape)
        diff = pred - target
        self.save_for_backward(diff)
        return float(np.mean(diff**2)) if diff.size else float("nan")

    def backward(self):
        """Gradient wrt ``pred``: ``2 (pred - target) / size``, shape and dtype of ``pred``."""
        diff = self.saved_for_backward(release=False)
        return diff * (2.0 / diff.size)

    def __repr__(self):
        return "MSELoss()"


class CrossEntropyLoss(Module):
    """Softmax cross-entropy from raw scores (logits), averaged over the batch.

    ``forward(logits, labels)``: ``logits`` ``(N, C)``, ``labels`` ``(N,)`` integers in ``[0, C)``
    (one-hot or soft targets ``(N, C)`` are accepted too). Softmax and log are fused and stable.
    ``backward()`` -> ``(softmax(logits) - onehot(labels)) / N``, shape ``(N, C)``.
    """

    def __call__(self, logits, labels):
        return self.forward(logits, labels)

    def forward(self, logits, labels):
        """Mean cross-entropy as a Python float."""
        z = _float_pred(logits)
        if z.ndim != 2:
            raise ValueError(f"CrossEntropyLoss expects logits of shape (N, C), got {z.shape}")
        n, c = z.shape
        if n == 0:
            raise ValueError("CrossEntropyLoss got an empty batch")
        labels = np.asarray(labels)
        if labels.ndim == 2:  # one-hot or soft targets
            if labels.shape != z.shape:
                raise ValueError(f"targets of shape {labels.shape} do not match logits {z.shape}")
            targets = labels.astype(z.dtype)
        else:
            targets = np.zeros_like(z)
            targets[np.arange(n), _labels(labels, n, classes=c)] = 1.0
        log_probs = log_softmax(z, axis=1)  # stable: never the log of 0
        self.save_for_backward(np.exp(log_probs), targets)
        return float(-(targets * log_probs).sum() / n)

    def backward(self):
        """Gradient of the mean loss wrt the logits: ``(softmax - onehot) / N``, shape ``(N, C)``."""
        probs, targets = self.saved_for_backward(release=False)
        return (probs - targets) / len(probs)

    def __repr__(self):
        return "CrossEntropyLoss()"
