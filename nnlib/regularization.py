"""Regularization (lesson 09): L2 weight decay and inverted dropout, from scratch.

* :func:`l2_penalty` adds ``lam / 2 * sum(w ** 2)`` to the loss; its gradient ``lam * w`` is what
  ``torch.optim.SGD(..., weight_decay=lam)`` (and ``nnlib.SGD``) add to every parameter's gradient.
* :func:`dropout_forward` / :func:`dropout_backward` are inverted dropout as two functions; the
  :class:`Dropout` module wraps them with PyTorch's train/eval behaviour: in training mode (the
  default) each entry is zeroed with probability ``p`` and the survivors are scaled by
  ``1 / (1 - p)``, so the expected output equals the input; in evaluation mode (``model.eval()``)
  it is the identity.

Shapes: dropout works elementwise on arrays of any shape; ``mask`` has ``x``'s shape.
Randomness comes only from an ``rng`` (``np.random.Generator``).
"""

import math

import numpy as np

from .modules import Module, _as_float_array

__all__ = ["l2_penalty", "dropout_forward", "dropout_backward", "Dropout"]


def _check_p(p):
    """``p`` as a float, or ``ValueError`` unless ``0 <= p < 1`` (NaN is rejected too)."""
    try:
        value = float(p)
    except (TypeError, ValueError):
        raise TypeError(f"the dropout probability p must be a number, got {p!r}") from None
    if not 0.0 <= value < 1.0:  # False for NaN as well
        raise ValueError(
            f"the dropout probability p must satisfy 0 <= p < 1, got {p!r} "
            "(p = 1 would drop everything and divide by zero)"
        )
    return value


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"dropout needs rng=np.random.Generator (e.g. np.random.default_rng(0)), got {type(rng).__name__}"
        )
    return rng


# ------------------------------------------------------------------------------ weight decay
def l2_penalty(weights, lam):
    """L2 penalty of a list of arrays and its gradients: ``(penalty, grads)``.

    ``weights``: list (or tuple) of arrays of any shapes, exactly the arrays to penalise (usually
    the weight matrices, not the biases). ``lam``: the strength, ``lam >= 0``.

    ``penalty = lam / 2 * sum of the squares of every entry`` (a Python float, summed in float64);
    ``grads[i] = lam * weights[i]`` (a list, each in its weight's dtype and shape). The weights are
    not modified. Adding ``grads[i]`` to the loss gradient of ``weights[i]`` is weight decay.
    """
    lam = float(lam)
    if not lam >= 0.0 or math.isinf(lam):
        raise ValueError(f"lam must be a finite number >= 0, got {lam!r}")
    total = 0.0
    grads = []
    for w in weights:
        w = np.asarray(w)
        if w.dtype.kind != "f":
            w = w.astype(np.float64)
        w64 = w.astype(np.float64, copy=False)
        total += float(np.vdot(w64, w64))  # sum of squares of every entry, any shape
        grads.append(w * w.dtype.type(lam))
    return 0.5 * lam * total, grads


# ------------------------------------------------------------------------------ dropout
def dropout_forward(x, p, rng, training=True):
    """Inverted dropout: ``(out, mask)`` with ``out = x * mask``.

    ``x``: array of any shape (not modified); ``p``: probability of dropping an entry,
    ``0 <= p < 1`` (``ValueError`` otherwise, NaN included, whatever ``training`` says);
    ``rng``: ``np.random.Generator``; ``training``: False for evaluation.

    In training each entry is kept independently with probability ``1 - p``; ``mask`` (``x``'s
    shape and floating dtype) holds each entry's factor, ``0`` or ``1 / (1 - p)``, so the expected
    value of ``out`` is ``x``. With ``training=False`` or ``p == 0``, ``out`` equals ``x`` (a copy)
    and ``mask`` is all ones.
    """
    p = _check_p(p)
    x = _as_float_array(x)
    if not training or p == 0.0:
        return x.copy(), np.ones_like(x)
    keep = _check_rng(rng).random(x.shape) >= p  # P(keep) = 1 - p
    mask = keep.astype(x.dtype)
    mask *= x.dtype.type(1.0 / (1.0 - p))
    return x * mask, mask


def dropout_backward(dout, mask):
    """Gradient wrt ``x`` of ``out = x * mask``: ``dout * mask``.

    ``dout``: gradient wrt ``out``; ``mask``: the mask :func:`dropout_forward` returned (same
    shape, else ``ValueError``). Dropped entries get no gradient, kept ones ``1 / (1 - p)`` times it.
    """
    dout = _as_float_array(dout)
    mask = np.asarray(mask)
    if dout.shape != mask.shape:
        raise ValueError(
            f"dout has shape {dout.shape} but mask has shape {mask.shape}; "
            "pass the mask of the forward pass this gradient belongs to"
        )
    return dout * mask


class Dropout(Module):
    """Inverted dropout as a module, with PyTorch's train/eval behaviour.

    ``Dropout(p=0.5, rng=None)``: ``p`` is the probability of zeroing an entry (``0 <= p < 1``);
    ``rng``: a ``np.random.Generator`` (or a seed; ``None`` draws fresh entropy), used for every
    mask. In training mode (the default; ``train()``) ``forward(x)`` returns ``x * mask`` with a
    fresh mask of factors 0 or ``1 / (1 - p)``; in evaluation mode (``eval()``) it returns ``x``
    unchanged. Any shape -> same shape, in the input's dtype. No parameters.
    """

    def __init__(self, p=0.5, rng=None):
        self.p = _check_p(p)
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)

    def forward(self, x):
        """``x`` any shape -> same shape: ``x * mask`` in training mode, ``x`` itself in eval mode."""
        x = _as_float_array(x)
        if not self.training or self.p == 0.0:
            self.save_for_backward(None)  # no mask: the identity
            return x
        out, mask = dropout_forward(x, self.p, self.rng, training=True)
        self.save_for_backward(mask)
        return out

    def backward(self, grad_out):
        """``grad_out * mask`` of the last forward (``grad_out`` itself after an eval-mode forward)."""
        mask = self.saved_for_backward()
        if not self.needs_input_grad:
            return None
        if mask is None:
            return _as_float_array(grad_out)
        return dropout_backward(grad_out, mask).astype(mask.dtype, copy=False)

    def extra_repr(self):
        return f"p={self.p}"
