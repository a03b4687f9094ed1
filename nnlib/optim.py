"""Optimizers with PyTorch's semantics, updating ``Parameter.data`` in place.

Build them from ``model.parameters()``; call ``zero_grad()`` before each backward pass and
``step()`` after it. Every update writes into existing arrays (no allocation per step) and stays
in each parameter's dtype.
"""
import math

import numpy as np

from .parameter import Parameter

__all__ = ["Optimizer", "SGD", "Adam"]


def _add_scaled(data, alpha, x, scratch):
    """``data += alpha * x`` in place, through ``scratch`` (all three: one shape and dtype): two NumPy passes."""
    np.multiply(x, alpha, out=scratch)
    np.add(data, scratch, out=data)


_AXPY = None  # dtype -> BLAS ?axpy of NumPy's own OpenBLAS, found on the first SGD step ({}: none)


def _numpy_blas_axpy():
    """``{dtype: cblas_?axpy}`` from the OpenBLAS that NumPy itself loaded, or ``{}``.

    ``y += a * x`` in one pass instead of NumPy's two; the update is memory-bound, so this halves
    its cost. It must be NumPy's own BLAS (same thread pool as its matmuls): SciPy's copy of
    OpenBLAS would fight NumPy's threads. Found only where NumPy ships ``scipy-openblas64``
    (the Linux wheels), checked on a tiny example before use; everywhere else: ``{}``.
    """
    global _AXPY
    if _AXPY is None:
        _AXPY = {}
        try:
            import ctypes
            import glob
            import os

            libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
            paths = glob.glob(os.path.join(libs, "libscipy_openblas64_*.so"))
            if len(paths) == 1:
                lib = ctypes.CDLL(paths[0])  # already loaded by NumPy: the same library instance
                for dtype, name, scalar in ((np.float32, "scipy_cblas_saxpy64_", ctypes.c_float),
                                            (np.float64, "scipy_cblas_daxpy64_", ctypes.c_double)):
                    fn = getattr(lib, name, None)
                    if fn is None:
                        continue
                    fn.restype = None
                    fn.argtypes = [ctypes.c_int64, scalar, ctypes.c_void_p, ctypes.c_int64,
                                   ctypes.c_void_p, ctypes.c_int64]
                    x, y = np.array([1.0, 2.0, 3.0], dtype), np.array([10.0, 20.0, 30.0], dtype)
                    fn(3, 2.0, x.ctypes.data, 1, y.ctypes.data, 1)
                    if np.array_equal(y, [12.0, 24.0, 36.0]) and np.array_equal(x, [1.0, 2.0, 3.0]):
                        _AXPY[np.dtype(dtype)] = fn
        except Exception:  # no usable BLAS symbol: the NumPy passes do the job
            _AXPY = {}
    return _AXPY


class Optimizer:
    """Base class: holds the parameter list; ``zero_grad()`` resets every gradient."""

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Parameter):
                raise TypeError(f"optimizers take Parameters (model.parameters()), got {type(p).__name__}")
        if not lr > 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.lr = float(lr)
        self._scratch = [None] * len(self.params)

    def zero_grad(self):
        """Set every parameter's gradient to zero."""
        for p in self.params:
            p.zero_grad()

    def step(self):
        """Update every parameter once from its gradient."""
        raise NotImplementedError

    def _scratch_for(self, i, p):
        """A scratch array shaped like parameter ``i`` (allocated once)."""
        s = self._scratch[i]
        if s is None or s.shape != p.data.shape or s.dtype != p.data.dtype:
            s = self._scratch[i] = np.empty_like(p.data)
        return s


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (PyTorch's form).

    ``v = momentum * v + g``; ``p -= lr * v`` (plain ``p -= lr * g`` when ``momentum == 0``).
    ``weight_decay`` adds ``weight_decay * p`` to the gradient (L2 regularisation).
    """

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        if momentum < 0:
            raise ValueError(f"momentum must be >= 0, got {momentum}")
        self.momentum = float(momentum)
        self.weight_decay = float(weight_decay)
        self.velocities = [np.zeros_like(p.data) for p in self.params] if self.momentum else None
        self._plain = [None] * len(self.params)  # per parameter: (data, grad, axpy, n, data ptr, grad ptr)

    def _plain_entry(self, i, p):
        data, grad = p.data, p._grad
        axpy = None
        if data.flags.c_contiguous and grad.flags.c_contiguous and grad.dtype == data.dtype:
            axpy = _numpy_blas_axpy().get(data.dtype)
        entry = self._plain[i] = (data, grad, axpy, data.size, data.ctypes.data, grad.ctypes.data)
        return entry

    def step(self):
        lr, momentum, wd = self.lr, self.momentum, self.weight_decay
        if not momentum and not wd:  # plain SGD, the hot path: one fused BLAS pass per parameter
            plain = self._plain
            for i, p in enumerate(self.params):
                if p._grad_is_zero:
                    continue  # nothing to do: the gradient is zero
                entry = plain[i]
                if entry is None or entry[0] is not p.data or entry[1] is not p._grad:
                    entry = self._plain_entry(i, p)
                if entry[2] is not None:
                    entry[2](entry[3], -lr, entry[5], 1, entry[4], 1)  # data += -lr * grad
                else:
                    _add_scaled(p.data, -lr, p._grad, self._scratch_for(i, p))
            return
        for i, p in enumerate(self.params):
            if p._grad_is_zero and not momentum and not wd:
                continue  # nothing to do: the gradient is zero
            data, g = p.data, p.grad
            s = self._scratch_for(i, p)
            if wd:
                np.multiply(data, wd, out=s)
                np.add(s, g, out=s)
                g = s
            if momentum:
                v = self.velocities[i]
                np.multiply(v, momentum, out=v)
                np.add(v, g, out=v)
                g = v
            _add_scaled(data, -lr, g, s)

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay})"


class Adam(Optimizer):
    """Adam with bias correction (PyTorch's form), ``t`` counting steps from 1.

    ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g^2``;
    ``p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        beta1, beta2 = betas
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise ValueError(f"betas must lie in [0, 1), got {betas}")
        self.betas = (float(beta1), float(beta2))
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.t = 0
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]

    def step(self):
        self.t += 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1.0 - beta1 ** self.t)
        inv_sqrt_bc2 = 1.0 / math.sqrt(1.0 - beta2 ** self.t)
        wd = self.weight_decay
        for i, p in enumerate(self.params):
            data, g, m, v = p.data, p.grad, self.m[i], self.v[i]
            s = self._scratch_for(i, p)
            if wd:
                g = g + wd * data
            np.multiply(m, beta1, out=m)
            np.multiply(g, 1.0 - beta1, out=s)
            np.add(m, s, out=m)
            np.multiply(v, beta2, out=v)
            np.multiply(g, g, out=s)
            np.multiply(s, 1.0 - beta2, out=s)
            np.add(v, s, out=v)
            np.sqrt(v, out=s)
            np.multiply(s, inv_sqrt_bc2, out=s)
            np.add(s, self.eps, out=s)
            np.divide(m, s, out=s)
            np.multiply(s, step_size, out=s)
            np.subtract(data, s, out=data)

    def __repr__(self):
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps}, weight_decay={self.weight_decay})"
