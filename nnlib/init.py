"""Weight initialisation (lesson 07): Glorot/Xavier and He/Kaiming, uniform and normal.

Every function returns a weight matrix of shape ``(fan_out, fan_in)`` (PyTorch's ``(out, in)``
convention), float64 unless ``dtype`` says otherwise. Randomness comes only from ``rng``.
"""

import math

import numpy as np

__all__ = ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal"]


def _rng(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _check_fans(fan_in, fan_out):
    if int(fan_in) < 1 or int(fan_out) < 1:
        raise ValueError(f"fan_in and fan_out must be positive, got {fan_in} and {fan_out}")
    return int(fan_in), int(fan_out)


def xavier_uniform(fan_in, fan_out, rng=None, dtype=np.float64):
    """Glorot uniform: ``U(-a, a)`` with ``a = sqrt(6 / (fan_in + fan_out))``. -> ``(fan_out, fan_in)``."""
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return _rng(rng).uniform(-bound, bound, size=(fan_out, fan_in)).astype(dtype, copy=False)


def xavier_normal(fan_in, fan_out, rng=None, dtype=np.float64):
    """Glorot normal: ``N(0, std^2)`` with ``std = sqrt(2 / (fan_in + fan_out))``. -> ``(fan_out, fan_in)``."""
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    std = math.sqrt(2.0 / (fan_in + fan_out))
    return (std * _rng(rng).standard_normal((fan_out, fan_in))).astype(dtype, copy=False)


def he_uniform(fan_in, fan_out, rng=None, dtype=np.float64):
    """He (Kaiming) uniform for ReLU: ``U(-a, a)`` with ``a = sqrt(6 / fan_in)``. -> ``(fan_out, fan_in)``."""
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    bound = math.sqrt(6.0 / fan_in)
    return _rng(rng).uniform(-bound, bound, size=(fan_out, fan_in)).astype(dtype, copy=False)


def he_normal(fan_in, fan_out, rng=None, dtype=np.float64):
    """He (Kaiming) normal for ReLU: ``N(0, std^2)`` with ``std = sqrt(2 / fan_in)``. -> ``(fan_out, fan_in)``."""
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    std = math.sqrt(2.0 / fan_in)
    return (std * _rng(rng).standard_normal((fan_out, fan_in))).astype(dtype, copy=False)
