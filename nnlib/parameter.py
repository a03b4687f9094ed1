"""Parameter: a trainable array and the gradient that backpropagation accumulates into it."""
import numpy as np

__all__ = ["Parameter"]


class Parameter:
    """A trainable array ``data`` with its gradient ``grad`` (same shape and dtype, zeros at first).

    Optimizers update ``data`` in place; ``Module.backward`` accumulates (``+=``) into ``grad``;
    ``zero_grad()`` resets ``grad`` to zeros.

    ``zero_grad()`` only marks the gradient as zero: the buffer is zero-filled the first time
    ``grad`` is read, unless a layer's backward overwrites it first (``write_grad``). That saves
    one pass over every weight per training step and is invisible from outside.
    """

    __slots__ = ("data", "_grad", "_grad_is_zero")

    def __init__(self, data, dtype=None):
        data = np.asarray(data, dtype=dtype)
        if data.dtype.kind != "f":
            data = data.astype(np.float64)
        self.data = np.ascontiguousarray(data)
        self._grad = np.zeros_like(self.data)
        self._grad_is_zero = False  # the buffer really holds zeros already

    # -- gradient ----------------------------------------------------------------------------
    @property
    def grad(self):
        """Gradient of the loss wrt ``data``: an array of ``data``'s shape and dtype."""
        if self._grad_is_zero:
            self._grad.fill(0)
            self._grad_is_zero = False
        return self._grad

    @grad.setter
    def grad(self, value):
        value = np.asarray(value, dtype=self.data.dtype)
        if value.shape != self.data.shape:
            raise ValueError(f"grad of shape {value.shape} does not match data of shape {self.data.shape}")
        self._grad = np.array(value, copy=True)
        self._grad_is_zero = False

    def zero_grad(self):
        """Set the gradient to zero (lazily: see the class docstring)."""
        if self._grad.shape != self.data.shape or self._grad.dtype != self.data.dtype:
            self._grad = np.zeros_like(self.data)  # data was replaced by an array of another kind
        self._grad_is_zero = True

    def accumulate_grad(self, value):
        """``grad += value``; a ``value`` of ``data``'s shape (used by custom modules)."""
        if self._grad_is_zero:
            np.copyto(self._grad, value)
            self._grad_is_zero = False
        else:
            np.add(self._grad, value, out=self._grad)

    def grad_buffer(self):
        """``(buffer, is_zero)``: the raw gradient array and whether it is logically zero.

        For layers' backward passes: when ``is_zero`` the layer writes its gradient into the buffer
        (e.g. ``np.matmul(..., out=buffer)``) instead of adding, then calls ``mark_grad_written()``.
        """
        return self._grad, self._grad_is_zero

    def mark_grad_written(self):
        """Record that the gradient buffer now holds real values (after a write into ``grad_buffer()``)."""
        self._grad_is_zero = False

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
        body = np.array2string(self.data, precision=4, separator=", ", threshold=8, edgeitems=2,
                               prefix="Parameter(")
        return f"Parameter({body}, shape={self.data.shape}, dtype={self.data.dtype})"
