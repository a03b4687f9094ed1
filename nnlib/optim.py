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
    """``data += alpha * x`` in place, through ``scratch`` (all three: one shape and dtype).

    Two NumPy passes. (SciPy's BLAS ``axpy`` does it in one, but SciPy ships its own OpenBLAS,
    whose thread pool fights NumPy's when BLAS runs multi-threaded: 10x slower, so not used.)
    """
    np.multiply(x, alpha, out=scratch)
    np.add(data, scratch, out=data)


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

    def step(self):
        lr, momentum, wd = self.lr, self.momentum, self.weight_decay
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
