"""Loss modules: ``forward(pred, target)`` returns the mean loss as a float, ``backward()`` its gradient.

``backward()`` returns the gradient of the MEAN loss wrt ``pred`` (same shape, ``pred``'s dtype),
ready to be passed to ``model.backward``.
"""
import numpy as np

from .functional import _labels

__all__ = ["MSELoss", "CrossEntropyLoss"]

# signed integer dtype -> the unsigned dtype of the same size (to check label ranges in one pass)
_UNSIGNED = {np.dtype(s): np.dtype(u) for s, u in
             ((np.int8, np.uint8), (np.int16, np.uint16), (np.int32, np.uint32), (np.int64, np.uint64))}


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
        self._probs_t = None   # softmax of the last logits, stored transposed: (C, N)
        self._index = None     # flat indices into (C, N) of the true-class entries (integer labels)
        self._targets = None   # (N, C) targets, for one-hot or soft targets
        self._columns = {}     # N -> arange(N), reused from batch to batch

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
        if type(labels) is not np.ndarray:
            labels = np.asarray(labels)
        # Work on a (C, N) copy: reductions over the C classes then run across C contiguous rows,
        # vectorised over the batch, instead of N tiny rows of C (several times faster for C = 10).
        zt = z.T.copy()
        np.subtract(zt, zt.max(axis=0), out=zt)            # shifted scores, each column's max is 0
        if labels.ndim == 2:
            if labels.shape != z.shape:
                raise ValueError(f"targets of shape {labels.shape} do not match logits {z.shape}")
            targets = labels.astype(z.dtype, copy=False)
            dot = np.sum(targets.T * zt)
            self._index, self._targets = None, targets
        else:
            if labels.dtype.kind not in "iu" or labels.shape != (n,) or not labels.dtype.isnative:
                labels = _labels(labels, n).astype(np.intp, copy=False)
            # one reduction checks both ends: negative labels become huge when read as unsigned
            unsigned = labels.view(_UNSIGNED[labels.dtype]) if labels.dtype.kind == "i" else labels
            if unsigned.max() >= c:
                raise ValueError(f"labels must lie in [0, {c}), got values from {labels.min()} to {labels.max()}")
            columns = self._columns.get(n)
            if columns is None:
                if len(self._columns) > 8:
                    self._columns.clear()
                columns = self._columns[n] = np.arange(n)
            index = np.multiply(labels, n, dtype=np.intp)   # uint8 labels (MNIST files) included
            index += columns
            dot = zt.take(index).sum()                     # shifted score of each true class
            self._index, self._targets = index, None
        np.exp(zt, out=zt)
        sums = zt.sum(axis=0)                              # (N,), each >= 1: the log is safe
        log_sums = np.log(sums)
        if self._targets is None:
            loss = (log_sums.sum() - dot) / n
        else:
            loss = (np.dot(self._targets.sum(axis=1), log_sums) - dot) / n
        np.divide(zt, sums, out=zt)
        self._probs_t = zt
        return float(loss)

    def backward(self):
        """Gradient of the mean loss wrt the logits: ``(softmax - onehot) / N``, shape ``(N, C)``."""
        probs_t = self._probs_t
        if probs_t is None:
            raise RuntimeError("CrossEntropyLoss.backward() called before forward()")
        scale = 1.0 / probs_t.shape[1]
        if self._targets is not None:
            grad_t = probs_t - self._targets.T
            grad_t *= scale
        else:
            grad_t = probs_t * scale
            grad_t.reshape(-1)[self._index] -= scale
        return grad_t.T  # (N, C), a transposed view: BLAS takes it as it is

    def __repr__(self):
        return "CrossEntropyLoss()"
