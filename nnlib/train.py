"""Training loop, evaluation and prediction for ``nnlib`` models.

``fit`` is the loop the lessons write by hand, packaged: for each epoch, shuffle, then for each
minibatch ``zero_grad -> forward -> loss -> backward -> step``. It shows one ``tqdm.auto`` progress
bar over the epochs (a widget in Jupyter, text on stderr elsewhere; ``progress=False`` turns it off)
and returns a :class:`History` of per-epoch metrics.

A model is anything with ``forward(X)`` and ``backward(grad_out)`` (e.g. ``nnlib.Sequential``);
a loss has ``forward(pred, target) -> float`` and ``backward() -> grad``; an optimizer has
``zero_grad()`` and ``step()``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field, fields

import numpy as np

from nnlib.data import minibatches

__all__ = ["History", "fit", "evaluate", "evaluation_mode", "predict", "accuracy"]


@dataclass
class History:
    """Per-epoch metrics recorded by :func:`fit`; also readable like a dict (``history["loss"]``).

    ``loss``/``accuracy`` are the means over each epoch's training minibatches (measured while the
    weights were changing); ``val_loss``/``val_accuracy`` are measured on the validation set at the
    end of each epoch. A list stays empty when that metric was not measured (no validation data;
    accuracies for a regression target).
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)

    def keys(self):
        return [f.name for f in fields(self)]

    def __getitem__(self, key):
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key):
        return key in self.keys()

    def __len__(self):
        """Number of epochs recorded."""
        return len(self.loss)


def _is_classification(y):
    y = np.asarray(y)
    return y.ndim == 1 and np.issubdtype(y.dtype, np.integer)


def accuracy(scores, labels):
    """Fraction of rows of ``scores`` ``(N, C)`` whose argmax equals ``labels`` ``(N,)``.

    ``scores`` may also be predicted class indices ``(N,)``. Returns a Python float.
    """
    scores = np.asarray(scores)
    labels = np.asarray(labels)
    predicted = scores.argmax(axis=1) if scores.ndim == 2 else scores
    if predicted.shape != labels.shape:
        raise ValueError(f"scores {scores.shape} and labels {labels.shape} do not match")
    return float(np.mean(predicted == labels))


@contextmanager
def evaluation_mode(model):
    """``with evaluation_mode(model):`` the model in evaluation mode (``model.eval()``: dropout off),
    its previous mode restored afterwards, as PyTorch code does around a validation pass."""
    was_training = getattr(model, "training", None)
    if hasattr(model, "eval"):
        model.eval()
    try:
        yield model
    finally:
        if was_training is not None and hasattr(model, "train"):
            model.train(was_training)


def evaluate(model, loss, X, y, batch_size=1024):
    """Mean loss and accuracy of ``model`` on ``(X, y)``, computed in batches of ``batch_size``.

    ``X`` ``(N, in_features)``; ``y`` ``(N,)`` integer labels or ``(N, out_features)`` targets.
    Returns ``(loss, accuracy)`` as floats; accuracy is ``nan`` for a regression target.
    Runs in evaluation mode (dropout off); no gradient is computed and no parameter changes.
    """
    n = len(X)
    if n == 0:
        raise ValueError("evaluate needs at least one sample")
    classify = _is_classification(y)
    total_loss = 0.0
    correct = 0
    with evaluation_mode(model):
        for xb, yb in minibatches(X, y, batch_size, shuffle=False):
            out = model.forward(xb)
            total_loss += float(loss.forward(out, yb)) * len(xb)
            if classify:
                correct += int(np.count_nonzero(out.argmax(axis=1) == yb))
    return total_loss / n, (correct / n if classify else float("nan"))


def predict(model, X, batch_size=1024, threshold=0.0):
    """Predicted class indices ``(N,)`` int64 for ``X`` ``(N, in_features)``.

    Runs in evaluation mode (dropout off). The class is the argmax of the model's output ``(N, C)``. A model with a single output
    column is read as a binary classifier: class 1 where the output exceeds ``threshold``
    (0.0 for a logit, use 0.5 for a sigmoid output).
    """
    parts = []
    with evaluation_mode(model):
        for start in range(0, len(X), batch_size):
            out = model.forward(X[start : start + batch_size])
            if out.ndim == 2 and out.shape[1] > 1:
                parts.append(out.argmax(axis=1))
            else:
                parts.append(out.reshape(len(out)) > threshold)
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(parts).astype(np.int64)


def fit(
    model,
    loss,
    optimizer,
    X,
    y,
    epochs,
    batch_size,
    rng,
    X_val=None,
    y_val=None,
    progress=True,
    shuffle=True,
    eval_batch_size=1024,
):
    """Train ``model`` for ``epochs`` passes over ``(X, y)`` in minibatches of ``batch_size``.

    ``X`` ``(N, in_features)`` in the model's dtype; ``y`` ``(N,)`` integer labels (accuracy is
    recorded) or ``(N, out_features)`` regression targets. Each epoch draws a fresh order from
    ``rng`` (``np.random.Generator``) unless ``shuffle=False``; the last partial batch is used.
    With ``X_val, y_val`` the validation loss and accuracy are measured after every epoch.
    ``progress=True`` shows one ``tqdm.auto`` bar over the epochs with the latest metrics;
    ``progress=False`` prints nothing.

    Returns a :class:`History`.
    """
    if len(X) != len(y):
        raise ValueError(f"X and y hold different numbers of samples: {len(X)} and {len(y)}")
    if (X_val is None) != (y_val is None):
        raise ValueError("give both X_val and y_val, or neither")
    classify = _is_classification(y)
    history = History()
    epoch_range = range(int(epochs))
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(epoch_range, desc="training", unit="epoch")
        epoch_range = bar
    n = len(X)
    if hasattr(model, "train"):
        model.train()  # training mode (dropout on); evaluate() switches to evaluation mode and back
    forward, backward = model.forward, model.backward
    loss_forward, loss_backward = loss.forward, loss.backward
    zero_grad, step = optimizer.zero_grad, optimizer.step
    try:
        for _ in epoch_range:
            total_loss = 0.0
            correct = 0
            for xb, yb in minibatches(X, y, batch_size, rng, shuffle=shuffle):
                zero_grad()
                out = forward(xb)
                total_loss += float(loss_forward(out, yb)) * len(xb)
                backward(loss_backward())
                step()
                if classify:
                    correct += int(np.count_nonzero(out.argmax(axis=1) == yb))
            history.loss.append(total_loss / n)
            if classify:
                history.accuracy.append(correct / n)
            if X_val is not None:
                val_loss, val_acc = evaluate(model, loss, X_val, y_val, eval_batch_size)
                history.val_loss.append(val_loss)
                if classify:
                    history.val_accuracy.append(val_acc)
            if bar is not None:
                bar.set_postfix(_postfix(history), refresh=False)
    finally:
        if bar is not None:
            bar.close()
    return history


def _postfix(history):
    names = {"loss": "loss", "accuracy": "acc", "val_loss": "val_loss", "val_accuracy": "val_acc"}
    return {short: f"{history[key][-1]:.4f}" for key, short in names.items() if history[key]}
