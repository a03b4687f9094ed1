"""Signal diagnostics for deep networks (lesson 07): how the forward signal and the gradients
travel through a bias-free stack of layers.

The network is the one of lesson 07::

    H_0 = X                      X: (N, n_0)
    Z_l = H_{l-1} @ W_l.T        W_l: (n_l, n_{l-1}), PyTorch's (out, in) convention
    H_l = activation(Z_l)        l = 1..L

and the backward pass, from a given ``dL/dH_L = dout`` of shape ``(N, n_L)``::

    dL/dZ_l     = dL/dH_l * activation_grad(Z_l)      elementwise, (N, n_l)
    dL/dH_{l-1} = dL/dZ_l @ W_l                        (N, n_{l-1})

Every standard deviation is ``np.std`` over all entries of the array (ddof 0), as a Python float.
Nothing here modifies its inputs.
"""

from __future__ import annotations

import numpy as np

__all__ = ["activation_stds", "gradient_stds", "layer_signals"]


def _as_batch(X, name="X"):
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D batch (N, features), got shape {X.shape}")
    return X


def _check_chain(X, weights):
    """The weights as arrays, checked to chain: ``weights[0]`` takes ``X``'s features, each next one the previous output."""
    weights = [np.asarray(W) for W in weights]
    width = X.shape[1]
    for layer, W in enumerate(weights, start=1):
        if W.ndim != 2:
            raise ValueError(f"weights[{layer - 1}] must be a 2-D (out, in) matrix, got shape {W.shape}")
        if W.shape[1] != width:
            raise ValueError(
                f"weights[{layer - 1}] has shape {W.shape}: it expects {W.shape[1]} inputs, "
                f"but layer {layer} receives {width} (weights are (out_features, in_features))"
            )
        width = W.shape[0]
    return weights


def layer_signals(X, weights, activation, activation_grad=None, dout=None):
    """Every layer's forward and (optionally) backward signal of the bias-free network.

    X: (N, n_0); weights: list of L arrays, weights[l - 1] of shape (n_l, n_{l-1});
    activation, activation_grad: elementwise functions (activation_grad is the derivative of
    activation, evaluated at the pre-activation Z_l); dout: (N, n_L), the gradient dL/dH_L.

    Returns ``(H, dH)``: ``H`` the list ``[H_1, ..., H_L]`` (H_l of shape (N, n_l)) and ``dH`` the
    list ``[dL/dH_0, ..., dL/dH_{L-1}]`` (dL/dH_{l-1} of shape (N, n_{l-1})), first layer first;
    ``dH`` is ``None`` when ``activation_grad`` or ``dout`` is not given.
    """
    X = _as_batch(X)
    weights = _check_chain(X, weights)
    Z, H = [], []
    h = X
    for W in weights:  # forward: keep every Z_l for the backward pass
        z = h @ W.T
        h = activation(z)
        Z.append(z)
        H.append(h)
    if activation_grad is None or dout is None:
        return H, None
    grad = _as_batch(dout, "dout")  # dL/dH_L
    last = H[-1] if H else X
    if grad.shape != last.shape:
        raise ValueError(f"dout must have the shape of the last layer's output {last.shape}, got {grad.shape}")
    dH = []
    for W, z in zip(reversed(weights), reversed(Z)):  # backward: layer L first
        dz = grad * activation_grad(z)  # dL/dZ_l
        grad = dz @ W  # dL/dH_{l-1}
        dH.append(grad)
    dH.reverse()  # first layer first
    return H, dH


def activation_stds(X, weights, activation):
    """Standard deviation of every layer's activations in a bias-free network.

    X: (N, n_0); weights: list of L arrays, weights[l - 1] of shape (n_l, n_{l-1});
    activation: elementwise function. Layer l computes H_l = activation(H_{l-1} @ W_l.T).
    Returns a list of L floats: np.std(H_l) for l = 1..L (the input X is not included).
    """
    H, _ = layer_signals(X, weights, activation)
    return [float(np.std(h)) for h in H]


def gradient_stds(X, weights, activation, activation_grad, dout):
    """Standard deviation of the gradient reaching every layer's input, in a bias-free network.

    X: (N, n_0); weights: list of L arrays, weights[l - 1] of shape (n_l, n_{l-1});
    activation and activation_grad: elementwise function and its derivative;
    dout: (N, n_L), the gradient dL/dH_L arriving at the last layer's output.
    Backward from dL/dH_L = dout: dL/dZ_l = dL/dH_l * activation_grad(Z_l), dL/dH_{l-1} = dL/dZ_l @ W_l.
    Returns a list of L floats: np.std(dL/dH_{l-1}) for l = 1..L, first layer first
    (entry 0 is the gradient wrt the input X; std(dout) itself is not included).
    """
    _, dH = layer_signals(X, weights, activation, activation_grad, dout)
    return [float(np.std(g)) for g in dH]
