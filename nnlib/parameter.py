"""Parameter: a trainable array and the gradient that backpropagation accumulates into it."""

import numpy as np

__all__ = ["Parameter"]


class Parameter:
    """A trainable array ``data`` with its gradient ``grad`` (same shape and dtype, zeros at first).

    Optimizers update ``data`` in place; ``Module.backward`` accumulates (``+=``) into ``grad``;
    ``zero_grad()`` resets ``grad`` to zeros.
    """

    __slots__ = ("data", "_grad")

    def __init__(self, data, dtype=None):
        data = np.asarray(data, dtype=dtype)
        if data.dtype.kind != "f":
            data = data.astype(np.float64)
        self.data = np.ascontiguousarray(data)
        self._grad = np.zeros_like(self.data)

    @property
    def grad(self):
        """Gradient of the loss wrt ``data``: an array of ``data``'s shape and dtype."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is self._grad:  # `p.grad += g` updated the array in place: nothing to store
            return
        value = np.array(value, dtype=self.data.dtype)  # a copy, in data's dtype
        if value.shape != self.data.shape:
            raise ValueError(f"grad of shape {value.shape} does not match data of shape {self.data.shape}")
        self._grad = value

    def zero_grad(self):
        """Set the gradient to zero (a fresh array when ``data`` was replaced by one of another shape)."""
        if self._grad.shape != self.data.shape or self._grad.dtype != self.data.dtype:
            self._grad = np.zeros_like(self.data)
        else:
            self._grad.fill(0)

    def accumulate_grad(self, value):
        """``grad += value`` for a ``value`` of ``data``'s shape (what a custom module's backward does)."""
        self._grad += value

    # -- array-like conveniences ---------------------------------------------------------------
    @property
    def shape(self):
        """Shape of ``data``."""
        return self.data.shape

    @property
    def dtype(self):
        """dtype of ``data``."""
        return self.data.dtype

    @property
    def size(self):
        """Number of elements of ``data``."""
        return self.data.size

    @property
    def ndim(self):
        """Number of dimensions of ``data``."""
        return self.data.ndim

    def __array__(self, dtype=None, copy=None):
        if dtype is not None and np.dtype(dtype) != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, precision=4, separator=", ", threshold=8, edgeitems=2, prefix="Parameter(")
        return f"Parameter({body}, shape={self.data.shape}, dtype={self.data.dtype})"
