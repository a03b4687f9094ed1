"""Layers as modules: each ``backward`` sits right beside its ``forward`` (micrograd / cs231n style).

A module's ``forward(x)`` computes its output and caches what ``backward`` will need;
``backward(grad_out)`` takes the gradient of the loss wrt the output, ACCUMULATES (``+=``) the
gradients of its parameters into ``Parameter.grad`` and returns the gradient wrt its input
(or ``None`` when ``needs_input_grad`` is False: ``Sequential`` sets that on its first layer,
because nobody needs the gradient wrt the data and it is the most expensive one to compute).
As in PyTorch, a backward pass frees what its forward cached: each ``forward`` serves one
``backward`` (to accumulate gradients over two batches, run forward and backward twice).

Shapes: ``x`` is ``(N, in_features)`` (N = batch size; extra leading axes are allowed),
outputs are ``(N, out_features)``; gradients have the shape of what they are gradients of.

Computation stays in the parameters' dtype (float32 by default): ``Linear`` casts its input once.
Activations keep their input's dtype. Outputs and input-gradients live in buffers that a module
reuses from one step to the next *only when nobody else holds them any more*, so a training loop
allocates almost nothing while ``a = model(X1); b = model(X2)`` still gives two distinct arrays.
"""
import sys

import numpy as np

from . import functional as F
from . import init as _init
from .parameter import Parameter

__all__ = ["Module", "Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "Sequential"]


# ------------------------------------------------------------------------------ buffer reuse
_getrefcount = getattr(sys, "getrefcount", None)
_POOL_SIZE = 4      # arrays kept per (name, shape, dtype)
_POOL_KEYS = 16     # distinct keys kept per module before the pool is emptied
_POOL_BYTES = 8 << 20  # larger arrays (one-off evaluations of a whole data set) are not kept
_free_refs = None   # refcount of a pooled array that only the pool holds (measured on first use)


def _buffer(pools, name, shape, dtype):
    """An uninitialised array of ``shape``/``dtype`` that no one outside the pool references.

    Reuses one of this module's earlier arrays when its reference count shows that it is no
    longer held anywhere else (not by the caller, not by a later layer's cache, not by a view);
    otherwise allocates a fresh one (and keeps it for later if the pool has room).
    """
    global _free_refs
    key = (name, shape, dtype)
    pool = pools.get(key)
    if pool is None:
        if len(pools) >= _POOL_KEYS:
            pools.clear()
        pool = pools[key] = []
    elif _free_refs is not None:
        for a in pool:
            if _getrefcount(a) <= _free_refs:
                return a
    a = np.empty(shape, dtype)
    if _getrefcount is not None and len(pool) < _POOL_SIZE and a.nbytes <= _POOL_BYTES:
        pool.append(a)
        if _free_refs is None:
            for a in pool:  # same binding as in the reuse loop above: pool + loop variable + call
                _free_refs = _getrefcount(a)
    return a


def _constant(pools, value, shape, dtype):
    """A cached read-only array of ``shape`` filled with ``value`` (0 or 1)."""
    key = (value, shape, dtype)
    const = pools.get(key)
    if const is None:
        if len(pools) >= _POOL_KEYS:
            pools.clear()
        const = pools[key] = np.full(shape, value, dtype)
        const.flags.writeable = False
    return const


def _as_float_array(x):
    """``x`` as an ndarray of a floating dtype (integers and bools become float64)."""
    if type(x) is not np.ndarray:
        x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return x


# ------------------------------------------------------------------------------ base class
class Module:
    """Base class: subclasses define ``forward(x)`` and ``backward(grad_out)``.

    ``parameters()``, ``named_parameters()``, ``zero_grad()``, ``train()``/``eval()`` and
    ``children()`` find the ``Parameter`` and ``Module`` attributes (and lists of modules) by
    themselves, in the order they were assigned, as PyTorch does.
    """

    training = True
    needs_input_grad = True  # False: backward may skip the gradient wrt the input and return None

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        """Output of the module for input ``x``; caches what ``backward`` needs."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(x)")

    def backward(self, grad_out):
        """Accumulate parameter gradients and return the gradient wrt the last ``forward``'s input."""
        raise NotImplementedError(f"{type(self).__name__} must define backward(grad_out)")

    # -- discovery --------------------------------------------------------------------------
    def named_children(self):
        """``(name, module)`` pairs of the direct sub-modules."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def children(self):
        """The direct sub-modules."""
        return [m for _, m in self.named_children()]

    def named_parameters(self, prefix=""):
        """``(name, Parameter)`` pairs, e.g. ``("0.weight", p)`` in a Sequential; each parameter once."""
        seen = set()
        for name, p in self._named_parameters(prefix):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def _named_parameters(self, prefix):
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.named_children():
            yield from child._named_parameters(f"{prefix}{name}.")

    def parameters(self):
        """List of every ``Parameter`` of the module and its sub-modules."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self):
        """Set every parameter's gradient to zero."""
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode=True):
        """Switch to training mode (``mode=False``: evaluation mode); returns the module."""
        self.training = bool(mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self):
        """Switch to evaluation mode; returns the module."""
        return self.train(False)

    def extra_repr(self):
        """Text shown between the parentheses of ``repr``."""
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"

    def __getstate__(self):
        # caches and reusable buffers are not part of a module's state (copy, deepcopy, pickle)
        state = dict(vars(self))
        for key in state:
            if key.startswith("_cache"):
                state[key] = None
            elif key == "_bufs":
                state[key] = {}
        return state


# ------------------------------------------------------------------------------ Linear
_INITS = {
    "he": _init.he_normal,
    "he_normal": _init.he_normal,
    "kaiming": _init.he_normal,
    "kaiming_normal": _init.he_normal,
    "he_uniform": _init.he_uniform,
    "kaiming_uniform": _init.he_uniform,
    "xavier": _init.xavier_uniform,
    "glorot": _init.xavier_uniform,
    "xavier_uniform": _init.xavier_uniform,
    "glorot_uniform": _init.xavier_uniform,
    "xavier_normal": _init.xavier_normal,
    "glorot_normal": _init.xavier_normal,
}


def _initial_weights(init, in_features, out_features, rng):
    """``(weight (out, in), bias (out,))`` in float64 for an ``init`` name or callable."""
    if callable(init):
        weight = np.asarray(init(in_features, out_features, rng), dtype=np.float64)
        return weight, np.zeros(out_features)
    if init == "torch":  # PyTorch's nn.Linear default: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias
        bound = 1.0 / np.sqrt(in_features)
        weight = rng.uniform(-bound, bound, size=(out_features, in_features))
        return weight, rng.uniform(-bound, bound, size=out_features)
    if init == "small":  # lesson 03's Dense: 0.01 * standard normal
        return 0.01 * rng.standard_normal((out_features, in_features)), np.zeros(out_features)
    if init == "zeros":
        return np.zeros((out_features, in_features)), np.zeros(out_features)
    if init not in _INITS:
        names = ", ".join(sorted([*_INITS, "torch", "small", "zeros"]))
        raise ValueError(f"unknown init {init!r}; choose one of {names} or pass a function")
    return _INITS[init](in_features, out_features, rng), np.zeros(out_features)


class Linear(Module):
    """Fully connected layer ``y = x @ weight.T + bias``.

    ``x``: ``(N, in_features)`` -> ``(N, out_features)``; ``weight``: ``(out_features, in_features)``,
    ``bias``: ``(out_features,)``, both ``Parameter`` of ``dtype`` (float32 by default).

    ``init``: ``"he"`` (He normal, zero bias; the default, for ReLU networks), ``"he_uniform"``,
    ``"xavier"`` (Glorot uniform), ``"xavier_normal"``, ``"torch"`` (PyTorch's default uniform),
    ``"small"`` (0.01 * normal), ``"zeros"``, or a function ``init(fan_in, fan_out, rng)``.
    ``rng``: a ``np.random.Generator`` (or a seed); ``None`` draws fresh entropy.
    ``bias=False`` leaves the bias out (``self.bias is None``), as in PyTorch.
    """

    def __init__(self, in_features, out_features, rng=None, init="he", dtype=np.float32, bias=True):
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        if self.in_features < 1 or self.out_features < 1:
            raise ValueError(f"Linear needs positive sizes, got ({in_features}, {out_features})")
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        weight, bias_values = _initial_weights(init, self.in_features, self.out_features, rng)
        self.weight = Parameter(weight, dtype=dtype)
        self.bias = Parameter(bias_values, dtype=dtype) if bias else None
        self._cache_x = None
        self._bufs = {}

    def forward(self, x):
        """``x`` ``(N, in_features)`` -> ``(N, out_features)``, computed in the weight's dtype."""
        w = self.weight.data
        if type(x) is not np.ndarray:
            x = np.asarray(x)
        if x.dtype != w.dtype:
            x = x.astype(w.dtype)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear({self.in_features}, {self.out_features}) expects inputs whose last "
                             f"axis has {self.in_features} features, got shape {x.shape}")
        self._cache_x = x
        out = _buffer(self._bufs, "out", x.shape[:-1] + (self.out_features,), w.dtype)
        np.matmul(x, w.T, out=out)
        if self.bias is not None:
            np.add(out, self.bias.data, out=out)
        return out

    def backward(self, grad_out):
        """``grad_out`` ``(N, out_features)`` -> gradient wrt ``x`` ``(N, in_features)`` (or None).

        Accumulates ``weight.grad += grad_out.T @ x`` and ``bias.grad += grad_out.sum(0)``.
        """
        x = self._cache_x
        if x is None:
            raise RuntimeError("Linear.backward() needs a forward() first (each forward() serves one backward())")
        weight, bias = self.weight, self.bias
        w = weight.data
        if type(grad_out) is not np.ndarray or grad_out.dtype != w.dtype:
            grad_out = np.asarray(grad_out, dtype=w.dtype)
        g = grad_out if grad_out.ndim == 2 else grad_out.reshape(-1, self.out_features)
        x2 = x if x.ndim == 2 else x.reshape(-1, self.in_features)
        if g.shape[0] != x2.shape[0]:
            raise ValueError(f"grad_out of shape {grad_out.shape} does not match the last forward's "
                             f"output shape {x.shape[:-1] + (self.out_features,)}")
        # when the gradient is known to be zero, write into it instead of adding (saves a pass)
        if weight._grad_is_zero:
            np.matmul(g.T, x2, out=weight._grad)
            weight._grad_is_zero = False
        else:
            weight._grad += g.T @ x2
        if bias is not None:
            ones = _constant(self._bufs, 1, g.shape[:1], w.dtype)  # ones @ g: the column sums, through BLAS
            if bias._grad_is_zero:
                np.matmul(ones, g, out=bias._grad)
                bias._grad_is_zero = False
            else:
                bias._grad += ones @ g
        self._cache_x = None  # free the input (as PyTorch frees its graph): its buffer can be reused
        if not self.needs_input_grad:
            return None
        dx = _buffer(self._bufs, "dx", x.shape, w.dtype)
        np.matmul(grad_out, w, out=dx)
        return dx

    def extra_repr(self):
        dtype = "" if self.weight.dtype == np.float32 else f", dtype={self.weight.dtype}"
        bias = "" if self.bias is not None else ", bias=False"
        return f"in_features={self.in_features}, out_features={self.out_features}{bias}{dtype}"


# ------------------------------------------------------------------------------ activations
class ReLU(Module):
    """``max(x, 0)`` elementwise. Any shape -> same shape, in the input's dtype."""

    def __init__(self):
        self._cache_out = None
        self._bufs = {}

    def forward(self, x):
        x = _as_float_array(x)
        out = _buffer(self._bufs, "out", x.shape, x.dtype)
        # against an array of zeros, not the scalar 0: NumPy's SIMD loop is then ~4x faster
        np.maximum(x, _constant(self._bufs, 0, x.shape, x.dtype), out=out)
        self._cache_out = out
        return out

    def backward(self, grad_out):
        """``grad_out`` where the input was positive, 0 elsewhere."""
        out = self._cache_out
        if out is None:
            raise RuntimeError("ReLU.backward() needs a forward() first (each forward() serves one backward())")
        self._cache_out = None
        if not self.needs_input_grad:
            return None
        grad_in = _buffer(self._bufs, "grad", out.shape, out.dtype)
        np.multiply(grad_out, out > 0, out=grad_in)
        return grad_in


class LeakyReLU(Module):
    """``x`` where ``x > 0``, else ``alpha * x``. Any shape -> same shape."""

    def __init__(self, alpha=0.01):
        self.alpha = float(alpha)
        self._cache_x = None

    def forward(self, x):
        x = _as_float_array(x)
        self._cache_x = x
        return F.leaky_relu(x, self.alpha)

    def backward(self, grad_out):
        x = self._cache_x
        if x is None:
            raise RuntimeError("LeakyReLU.backward() needs a forward() first (each forward() serves one backward())")
        self._cache_x = None
        if not self.needs_input_grad:
            return None
        return np.where(x > 0, grad_out, grad_out * self.alpha).astype(x.dtype, copy=False)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Sigmoid(Module):
    """Logistic sigmoid, numerically stable. Any shape -> same shape."""

    def __init__(self):
        self._cache_out = None

    def forward(self, x):
        out = F.sigmoid(_as_float_array(x))
        self._cache_out = out
        return out

    def backward(self, grad_out):
        """``grad_out * s (1 - s)`` with ``s`` the forward output."""
        s = self._cache_out
        if s is None:
            raise RuntimeError("Sigmoid.backward() needs a forward() first (each forward() serves one backward())")
        self._cache_out = None
        if not self.needs_input_grad:
            return None
        return (grad_out * (s * (1.0 - s))).astype(s.dtype, copy=False)


class Tanh(Module):
    """Hyperbolic tangent. Any shape -> same shape."""

    def __init__(self):
        self._cache_out = None

    def forward(self, x):
        out = np.tanh(_as_float_array(x))
        self._cache_out = out
        return out

    def backward(self, grad_out):
        """``grad_out * (1 - t^2)`` with ``t`` the forward output."""
        t = self._cache_out
        if t is None:
            raise RuntimeError("Tanh.backward() needs a forward() first (each forward() serves one backward())")
        self._cache_out = None
        if not self.needs_input_grad:
            return None
        return (grad_out * (1.0 - t * t)).astype(t.dtype, copy=False)


class GELU(Module):
    """Gaussian error linear unit ``x * Phi(x)`` (``approximate="tanh"``: the tanh formula)."""

    def __init__(self, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate
        self._cache_x = None

    def forward(self, x):
        x = _as_float_array(x)
        self._cache_x = x
        return F.gelu(x, self.approximate)

    def backward(self, grad_out):
        x = self._cache_x
        if x is None:
            raise RuntimeError("GELU.backward() needs a forward() first (each forward() serves one backward())")
        self._cache_x = None
        if not self.needs_input_grad:
            return None
        return (grad_out * F.gelu_grad(x, self.approximate)).astype(x.dtype, copy=False)

    def extra_repr(self):
        return "" if self.approximate == "none" else f"approximate={self.approximate!r}"


class SiLU(Module):
    """Sigmoid linear unit (swish) ``x * sigmoid(x)``. Any shape -> same shape."""

    def __init__(self):
        self._cache_x = None
        self._cache_s = None

    def forward(self, x):
        x = _as_float_array(x)
        s = F.sigmoid(x)
        self._cache_x, self._cache_s = x, s
        return x * s

    def backward(self, grad_out):
        """``grad_out * s (1 + x (1 - s))``."""
        x, s = self._cache_x, self._cache_s
        if x is None:
            raise RuntimeError("SiLU.backward() needs a forward() first (each forward() serves one backward())")
        self._cache_x = self._cache_s = None
        if not self.needs_input_grad:
            return None
        return (grad_out * (s * (1.0 + x * (1.0 - s)))).astype(x.dtype, copy=False)


# ------------------------------------------------------------------------------ Sequential
class Sequential(Module):
    """Modules applied one after the other: ``Sequential(Linear(2, 8), ReLU(), Linear(8, 1))``.

    ``backward(grad_out)`` runs the modules' backward passes in reverse order. The first module is
    told not to compute the gradient wrt the network's input (``needs_input_grad``), so
    ``backward`` returns ``None`` unless ``needs_input_grad`` is set to True on the Sequential.
    Supports ``len``, iteration and indexing (an ``int`` gives a module, a slice a new Sequential
    sharing the same modules).
    """

    needs_input_grad = False

    def __init__(self, *modules):
        if len(modules) == 1 and isinstance(modules[0], (list, tuple)):
            modules = tuple(modules[0])
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes Modules, got {type(m).__name__} at position {i}")
        self._modules = list(modules)

    def forward(self, x):
        """Apply every module in order. ``(N, in)`` -> ``(N, out)``."""
        for m in self._modules:
            x = m.forward(x)
        return x

    def backward(self, grad_out):
        """Backpropagate ``grad_out`` (gradient wrt the output) through every module, last first.

        Returns the gradient wrt the input when ``needs_input_grad`` is True, else ``None``.
        """
        modules = self._modules
        for i in range(len(modules) - 1, -1, -1):
            m = modules[i]
            need = True if i else self.needs_input_grad
            if m.needs_input_grad == need:
                grad_out = m.backward(grad_out)
            else:  # e.g. the first layer, or a nested Sequential: tell it for this call only
                saved = vars(m).get("needs_input_grad")
                m.needs_input_grad = need
                try:
                    grad_out = m.backward(grad_out)
                finally:
                    if saved is None:
                        del m.needs_input_grad
                    else:
                        m.needs_input_grad = saved
            if grad_out is None:
                if i:
                    raise RuntimeError(f"module {i} ({type(m).__name__}) returned no input gradient")
                return None
        return grad_out

    def named_children(self):
        for i, m in enumerate(self._modules):
            yield str(i), m

    def append(self, module):
        """Add ``module`` at the end; returns the Sequential."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential takes Modules, got {type(module).__name__}")
        self._modules.append(module)
        return self

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self._modules[index])
        return self._modules[index]

    def __repr__(self):
        if not self._modules:
            return "Sequential()"
        lines = []
        for i, m in enumerate(self._modules):
            body = repr(m).replace("\n", "\n  ")
            lines.append(f"  ({i}): {body}")
        return "Sequential(\n" + "\n".join(lines) + "\n)"
