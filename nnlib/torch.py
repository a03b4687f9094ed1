"""The PyTorch twin of ``nnlib`` (the only module that imports torch; loaded only when asked for).

* :func:`pick_device` -- ``"cuda"`` when a CUDA GPU is usable, else ``"mps"`` (Apple), else ``"cpu"``.
* :func:`to_torch` / :func:`from_torch` -- carry a network across with exactly the same weights
  (bit for bit, dtype preserved): ``Linear <-> torch.nn.Linear``, ``ReLU <-> nn.ReLU``,
  ``LeakyReLU <-> nn.LeakyReLU``, ``Sigmoid``, ``Tanh``, ``GELU``, ``SiLU``, ``Sequential``.
* :func:`train` -- a minibatch SGD loop that runs on :func:`pick_device` (data moved to the device
  once, through pinned memory with ``non_blocking`` copies on CUDA).
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from nnlib import modules as _m
from nnlib.train import History

__all__ = ["pick_device", "to_torch", "from_torch", "train"]


def pick_device():
    """``"cuda"`` if available, else ``"mps"`` if available, else ``"cpu"``."""
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


# --------------------------------------------------------------------------- nnlib -> torch


def _torch_dtype(np_dtype):
    """The torch dtype matching a NumPy dtype (float32 -> torch.float32, ...)."""
    return torch.from_numpy(np.empty(0, dtype=np_dtype)).dtype


def _tensor(array):
    """A torch tensor holding a copy of ``array`` (same dtype, same values bit for bit)."""
    return torch.from_numpy(np.array(array, copy=True))


def _linear_to_torch(layer):
    w = layer.weight.data
    out = nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None, dtype=_torch_dtype(w.dtype))
    with torch.no_grad():
        out.weight.copy_(_tensor(w))
        if layer.bias is not None:
            out.bias.copy_(_tensor(layer.bias.data))
    return out


_TO_TORCH = {
    _m.Linear: _linear_to_torch,
    _m.ReLU: lambda m: nn.ReLU(),
    _m.LeakyReLU: lambda m: nn.LeakyReLU(negative_slope=m.alpha),
    _m.Sigmoid: lambda m: nn.Sigmoid(),
    _m.Tanh: lambda m: nn.Tanh(),
    _m.GELU: lambda m: nn.GELU(approximate=m.approximate),
    _m.SiLU: lambda m: nn.SiLU(),
}


def _module_to_torch(module):
    if isinstance(module, _m.Sequential):
        return nn.Sequential(*(_module_to_torch(m) for m in module))
    convert = _TO_TORCH.get(type(module))
    if convert is None:
        raise TypeError(
            f"to_torch cannot convert {type(module).__name__}; supported: "
            f"{', '.join(t.__name__ for t in _TO_TORCH)}, Sequential"
        )
    return convert(module)


def to_torch(model):
    """A ``torch.nn.Sequential`` computing the same function as the nnlib ``model``, on the CPU.

    ``model`` is an nnlib ``Sequential`` (or a single module, wrapped in a one-element
    ``nn.Sequential``). Weights are copied exactly and keep their dtype (float32 stays float32);
    the two networks share no memory.
    """
    converted = _module_to_torch(model)
    return converted if isinstance(converted, nn.Sequential) else nn.Sequential(converted)


# --------------------------------------------------------------------------- torch -> nnlib


def _numpy(tensor):
    return tensor.detach().cpu().numpy()


def _linear_from_torch(layer):
    w = _numpy(layer.weight)
    out = _m.Linear(layer.in_features, layer.out_features, init="zeros", dtype=w.dtype)
    np.copyto(out.weight.data, w)
    if layer.bias is not None:
        np.copyto(out.bias.data, _numpy(layer.bias))
    return out


_FROM_TORCH = {
    nn.Linear: _linear_from_torch,
    nn.ReLU: lambda m: _m.ReLU(),
    nn.LeakyReLU: lambda m: _m.LeakyReLU(m.negative_slope),
    nn.Sigmoid: lambda m: _m.Sigmoid(),
    nn.Tanh: lambda m: _m.Tanh(),
    nn.GELU: lambda m: _m.GELU(approximate=m.approximate),
    nn.SiLU: lambda m: _m.SiLU(),
}


def _module_from_torch(module):
    if isinstance(module, nn.Sequential):
        return _m.Sequential(*(_module_from_torch(m) for m in module))
    convert = _FROM_TORCH.get(type(module))
    if convert is None:
        raise TypeError(
            f"from_torch cannot convert {type(module).__name__}; supported: "
            f"{', '.join(t.__name__ for t in _FROM_TORCH)}, Sequential"
        )
    return convert(module)


def from_torch(module):
    """An nnlib ``Sequential`` with exactly the weights (values and dtype) of the torch ``module``.

    ``module`` is a ``torch.nn.Sequential`` of supported layers (or one such layer) on any
    device; the weights are copied to NumPy arrays.
    """
    converted = _module_from_torch(module)
    return converted if isinstance(converted, _m.Sequential) else _m.Sequential(converted)


# --------------------------------------------------------------------------- training loop


def _accuracy_count(out, labels):
    return (out.argmax(dim=1) == labels).sum()


def train(
    model, X, y, epochs, batch_size, lr, device=None, momentum=0.0, rng=None, X_val=None, y_val=None, progress=True
):
    """Train the torch ``model`` with minibatch SGD on ``device`` (default :func:`pick_device`).

    ``X`` ``(N, in_features)`` NumPy array (cast to the model's dtype); ``y`` ``(N,)`` integer
    labels (cross-entropy loss, accuracy recorded) or ``(N, out_features)`` targets (MSE loss).
    The data is moved to the device once (pinned, ``non_blocking`` on CUDA); each epoch visits the
    samples in a fresh order drawn from ``rng`` (``np.random.Generator``, default seed 0), the last
    partial batch included. The model is moved to ``device`` and trained in place.

    Returns a :class:`nnlib.train.History` (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``
    per epoch) with two extra attributes: ``device`` and ``seconds`` (wall time per epoch).
    """
    if not isinstance(model, nn.Module):
        raise TypeError("train expects a torch.nn.Module; convert an nnlib model with to_torch(model)")
    device = torch.device(device if device is not None else pick_device())
    rng = rng if rng is not None else np.random.default_rng(0)
    dtype = next(model.parameters()).dtype
    y = np.asarray(y)
    classify = y.ndim == 1 and np.issubdtype(y.dtype, np.integer)

    def to_device(array, target_dtype):
        t = torch.as_tensor(np.ascontiguousarray(array)).to(target_dtype)
        if device.type == "cuda":
            return t.pin_memory().to(device, non_blocking=True)
        return t.to(device)

    label_dtype = torch.int64 if classify else dtype
    X_t, y_t = to_device(X, dtype), to_device(y, label_dtype)
    has_val = X_val is not None
    if has_val:
        Xv_t, yv_t = to_device(X_val, dtype), to_device(np.asarray(y_val), label_dtype)
    model.to(device)
    loss_fn = nn.CrossEntropyLoss() if classify else nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    n = len(X_t)

    history = History()
    history.device = str(device)
    history.seconds = []
    epoch_range = range(int(epochs))
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = epoch_range = tqdm(epoch_range, desc=f"training on {device}", unit="epoch")
    try:
        for _ in epoch_range:
            start_time = time.perf_counter()
            model.train()
            order = torch.from_numpy(rng.permutation(n)).to(device, non_blocking=True)
            total_loss = torch.zeros((), device=device, dtype=torch.float64)
            correct = torch.zeros((), device=device, dtype=torch.int64)
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                xb, yb = X_t[idx], y_t[idx]
                optimizer.zero_grad(set_to_none=True)
                out = model(xb)
                loss = loss_fn(out, yb)
                loss.backward()
                optimizer.step()
                total_loss += loss.detach() * len(idx)
                if classify:
                    correct += _accuracy_count(out.detach(), yb)
            history.loss.append(total_loss.item() / n)  # one device sync per epoch
            if classify:
                history.accuracy.append(correct.item() / n)
            if has_val:
                model.eval()
                with torch.no_grad():
                    out = model(Xv_t)
                    history.val_loss.append(loss_fn(out, yv_t).item())
                    if classify:
                        history.val_accuracy.append(_accuracy_count(out, yv_t).item() / len(yv_t))
            history.seconds.append(time.perf_counter() - start_time)
            if bar is not None:
                bar.set_postfix({k: f"{history[k][-1]:.4f}" for k in history.keys() if history[k]}, refresh=False)
    finally:
        if bar is not None:
            bar.close()
    return history
