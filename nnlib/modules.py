"""Layers as modules: each ``backward`` sits right beside its ``forward`` (micrograd / cs231n style).

A module's ``forward(x)`` computes its output and saves what ``backward`` will need
(``save_for_backward``, as in PyTorch's autograd functions); ``backward(grad_out)`` takes the
gradient of the loss wrt the output, ACCUMULATES (``+=``) the gradients of its parameters into
``Parameter.grad`` and returns the gradient wrt its input (or ``None`` when ``needs_input_grad`` is
False: ``Sequential`` sets that on its first layer, because nobody needs the gradient wrt the data
and it is the most expensive one to compute). As in PyTorch, a backward pass frees what its forward
saved: each ``forward`` serves one ``backward`` (to accumulate gradients over two batches, run
forward and backward twice).

Shapes: ``x`` is ``(N, in_features)`` (N = batch size; extra leading axes are allowed),
outputs are ``(N, out_features)``; gradients have the shape of what they are gradients of.
Computation stays in the parameters' dtype (float32 by default): ``Linear`` casts its input once.
Activations keep their input's dtype.
"""

import numpy as np

from . import functional as F
from . import init as _init
from .parameter import Parameter

__all__ = ["Module", "Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "Sequential"]


def _as_float_array(x):
    """``x`` as an ndarray of a floating dtype (integers and bools become float64)."""
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

    # -- what forward leaves for backward ---------------------------------------------------
    def save_for_backward(self, *values):
        """Called by ``forward``: keep ``values`` (inputs, outputs) for the next ``backward``."""
        self._saved = values

    def saved_for_backward(self, release=True):
        """Called by ``backward``: what the last ``forward`` saved (one value, or a tuple of them).

        Each ``forward`` serves one ``backward``: the values are released here (unless
        ``release=False``, as losses do), and a second ``backward`` without a new ``forward`` is an
        error.
        """
        saved = getattr(self, "_saved", None)
        if saved is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward() needs a forward() first (each forward() serves one backward())"
            )
        if release:
            self._saved = None
        return saved[0] if len(saved) == 1 else saved

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
        # what forward saved for backward is not part of a module's state (copy, deepcopy, pickle)
        state = dict(vars(self))
        state.pop("_saved", None)
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

    def forward(self, x):
        """``x`` ``(N, in_features)`` -> ``(N, out_features)``, computed in the weight's dtype."""
        x = np.asarray(x, dtype=self.weight.dtype)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear({self.in_features}, {self.out_features}) expects inputs whose last "
                f"axis has {self.in_features} features, got shape {x.shape}"
            )
        self.save_for_backward(x)
        out = x @ self.weight.data.T
        if self.bias is not None:
            out += self.bias.data
        return out

    def backward(self, grad_out):
        """``grad_out`` ``(N, out_features)`` -> gradient wrt ``x`` ``(N, in_features)`` (or None).

        Accumulates ``weight.grad += grad_out.T @ x`` and ``bias.grad += grad_out.sum(0)``.
        """
        x = self.saved_for_backward()
        grad_out = np.asarray(grad_out, dtype=self.weight.dtype)
        if grad_out.shape != x.shape[:-1] + (self.out_features,):
            raise ValueError(
                f"grad_out of shape {grad_out.shape} does not match the last forward's "
                f"output shape {x.shape[:-1] + (self.out_features,)}"
            )
        g = grad_out.reshape(-1, self.out_features)  # extra leading axes count as more samples
        self.weight.grad += g.T @ x.reshape(-1, self.in_features)
        if self.bias is not None:
            self.bias.grad += g.sum(axis=0)
        if not self.needs_input_grad:
            return None
        return grad_out @ self.weight.data

    def extra_repr(self):
        dtype = "" if self.weight.dtype == np.float32 else f", dtype={self.weight.dtype}"
        bias = "" if self.bias is not None else ", bias=False"
        return f"in_features={self.in_features}, out_features={self.out_features}{bias}{dtype}"


# ------------------------------------------------------------------------------ activations
class ReLU(Module):
    """``max(x, 0)`` elementwise. Any shape -> same shape, in the input's dtype."""

    def forward(self, x):
        out = np.maximum(_as_float_array(x), 0)
        self.save_for_backward(out)
        return out

    def backward(self, grad_out):
        """``grad_out`` where the input was positive, 0 elsewhere."""
        out = self.saved_for_backward()
        if not self.needs_input_grad:
            return None
        return grad_out * (out > 0)


class LeakyReLU(Module):
    """``x`` where ``x > 0``, else ``alpha * x``. Any shape -> same shape."""

    def __init__(self, alpha=0.01):
        self.alpha = float(alpha)

    def forward(self, x):
        x = _as_float_array(x)
        self.save_for_backward(x)
        return F.leaky_relu(x, self.alpha)

    def backward(self, grad_out):
        """``grad_out`` where the input was positive, ``alpha * grad_out`` elsewhere."""
        x = self.saved_for_backward()
        if not self.needs_input_grad:
            return None
        return np.where(x > 0, grad_out, grad_out * self.alpha).astype(x.dtype, copy=False)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Sigmoid(Module):
    """Logistic sigmoid, numerically stable. Any shape -> same shape."""

    def forward(self, x):
        out = F.sigmoid(_as_float_array(x))
        self.save_for_backward(out)
        return out

    def backward(self, grad_out):
        """``grad_out * s (1 - s)`` with ``s`` the forward output."""
        s = self.saved_for_backward()
        if not self.needs_input_grad:
            return None
        return (grad_out * (s * (1.0 - s))).astype(s.dtype, copy=False)


class Tanh(Module):
    """Hyperbolic tangent. Any shape -> same shape."""

    def forward(self, x):
        out = np.tanh(_as_float_array(x))
        self.save_for_backward(out)
        return out

    def backward(self, grad_out):
        """``grad_out * (1 - t^2)`` with ``t`` the forward output."""
        t = self.saved_for_backward()
        if not self.needs_input_grad:
            return None
        return (grad_out * (1.0 - t * t)).astype(t.dtype, copy=False)


class GELU(Module):
    """Gaussian error linear unit ``x * Phi(x)`` (``approximate="tanh"``: the tanh formula)."""

    def __init__(self, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        x = _as_float_array(x)
        self.save_for_backward(x)
        return F.gelu(x, self.approximate)

    def backward(self, grad_out):
        """``grad_out * gelu'(x)``."""
        x = self.saved_for_backward()
        if not self.needs_input_grad:
            return None
        return (grad_out * F.gelu_grad(x, self.approximate)).astype(x.dtype, copy=False)

    def extra_repr(self):
        return "" if self.approximate == "none" else f"approximate={self.approximate!r}"


class SiLU(Module):
    """Sigmoid linear unit (swish) ``x * sigmoid(x)``. Any shape -> same shape."""

    def forward(self, x):
        x = _as_float_array(x)
        s = F.sigmoid(x)
        self.save_for_backward(x, s)
        return x * s

    def backward(self, grad_out):
        """``grad_out * s (1 + x (1 - s))`` with ``s = sigmoid(x)``."""
        x, s = self.saved_for_backward()
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
        for i in reversed(range(len(self._modules))):
            module = self._modules[i]
            module.needs_input_grad = i > 0 or self.needs_input_grad  # the first one: only if asked
            grad_out = module.backward(grad_out)
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
