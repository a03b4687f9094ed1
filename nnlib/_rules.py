"""What each graded exercise may not call: the course's "own code" rule, as data.

COURSE_SPEC: "The exercise must be the student's own code." An answer that hands its exercise to an
existing implementation of the same thing (the course library ``nnlib``, which ships every answer, or
a framework such as ``torch``, ``scipy.special``, ``sklearn``) earns nothing for that exercise.

:data:`EXERCISES` maps every graded exercise of every lesson to the callables it may not use, as
``"module:qualname"`` strings; a ``*`` in the qualname matches any name (``"nnlib.modules:*.backward"``
is the ``backward`` of every class of ``nnlib.modules``). :func:`forbidden` adds the default, the
exercise's ``nnlib`` twin, derived from nnlib's export table. Functions of other exercises (earlier
lessons) stay allowed: a test of ``mlp_gradients`` may use ``nnlib.relu``.

:func:`nnlib.testing.call` enforces it while the student's function runs.
"""

from __future__ import annotations

_TORCH_F = "torch.nn.functional"

#: exercise -> what it may not call besides its nnlib twin (empty: the twin only, when there is one)
EXERCISES: dict[str, tuple[str, ...]] = {
    # 00 - 03
    "count_positive": (),
    "dot": (),
    "matmul": (),
    "matmul_shape": (),
    "linear": (f"{_TORCH_F}:linear",),
    "weighted_sum": (),
    "step": (),
    "neuron": (),
    "and_gate": (),
    "or_gate": (),
    "nand_gate": (),
    "perceptron_fit": ("sklearn.linear_model:Perceptron",),
    "Dense": ("nnlib.modules:Linear", "nnlib.functional:linear"),
    "count_parameters": (),
    "layer_shapes": (),
    "mlp_forward": ("nnlib.modules:Sequential.forward", "nnlib.modules:Sequential.__call__"),
    # 04 activations
    "collapse_linear": (),
    "sigmoid": ("scipy.special:expit", "torch:sigmoid", f"{_TORCH_F}:sigmoid", "nnlib.modules:Sigmoid.forward"),
    "relu": ("torch:relu", f"{_TORCH_F}:relu", "nnlib.modules:ReLU.forward"),
    "leaky_relu": (f"{_TORCH_F}:leaky_relu", "nnlib.modules:LeakyReLU.forward"),
    "silu": (f"{_TORCH_F}:silu", "nnlib.modules:SiLU.forward"),
    "gelu": (f"{_TORCH_F}:gelu", "nnlib.modules:GELU.forward"),
    "softmax": ("scipy.special:softmax", "torch:softmax", f"{_TORCH_F}:softmax"),
    "sigmoid_grad": (),
    "tanh_grad": (),
    "relu_grad": (),
    # 05
    "xor_network": (),
    "hat": (),
    "fit_relu_network": (),
    "tent": (),
    "compose_tent": (),
    # 06 losses
    "mse": ("sklearn.metrics:mean_squared_error", f"{_TORCH_F}:mse_loss", "nnlib.losses:MSELoss.forward"),
    "mse_grad": ("nnlib.losses:MSELoss.backward",),
    "binary_cross_entropy": ("sklearn.metrics:log_loss", f"{_TORCH_F}:binary_cross_entropy"),
    "cross_entropy": ("sklearn.metrics:log_loss", f"{_TORCH_F}:cross_entropy", f"{_TORCH_F}:nll_loss"),
    "log_softmax": ("scipy.special:log_softmax", "torch:log_softmax", f"{_TORCH_F}:log_softmax"),
    "cross_entropy_from_logits": (f"{_TORCH_F}:cross_entropy", "nnlib.losses:CrossEntropyLoss.forward"),
    # 07 initialization
    "xavier_uniform": ("torch.nn.init:xavier_uniform_",),
    "xavier_normal": ("torch.nn.init:xavier_normal_",),
    "he_uniform": ("torch.nn.init:kaiming_uniform_",),
    "he_normal": ("torch.nn.init:kaiming_normal_",),
    "activation_stds": ("nnlib.diagnostics:layer_signals",),
    "gradient_stds": ("nnlib.diagnostics:layer_signals",),
    # 08 backprop
    "numerical_gradient": (),
    "relative_error": (),
    "linear_backward": ("nnlib.modules:Linear.backward",),
    "relu_backward": ("nnlib.modules:ReLU.backward",),
    "sigmoid_backward": ("nnlib.modules:Sigmoid.backward",),
    "softmax_cross_entropy_backward": ("nnlib.losses:CrossEntropyLoss.backward",),
    "mlp_gradients": (
        "nnlib.modules:*.backward",
        "nnlib.losses:*.backward",
        "nnlib.functional:*_backward",
        "nnlib.gradcheck:numerical_gradient",
    ),
    "find_the_bug": (),
    # 09 training
    "sgd_update": ("nnlib.optim:SGD.step",),
    "momentum_update": ("nnlib.optim:SGD.step",),
    "adam_update": ("nnlib.optim:Adam.step",),
    "minibatches": (),
    "train_val_test_split": ("sklearn.model_selection:train_test_split",),
    "accuracy": ("sklearn.metrics:accuracy_score",),
    "train_spiral": (),
    "l2_penalty": (),
    "dropout_forward": (f"{_TORCH_F}:dropout",),
    "dropout_backward": (),
    # 10 digits
    "prepare": (),
    "build_model": (),
    "train_digits": (),
    "confusion_matrix": ("sklearn.metrics:confusion_matrix",),
    # 11 pytorch
    "Value": (),
    "pick_device": ("nnlib.torch:pick_device",),
    "torch_mlp": (),
    "copy_from_nnlib": ("nnlib.torch:to_torch",),
    "torch_gradients": (),
    "train_torch": (),
}


def twin(exercise: str) -> str | None:
    """``"nnlib.<submodule>:<name>"`` when nnlib exports a function or class of this exercise's name."""
    from nnlib import _EXPORTS

    module = _EXPORTS.get(exercise)
    return f"nnlib.{module}:{exercise}" if module else None


def forbidden(exercise: str) -> tuple[str, ...]:
    """Everything ``exercise`` may not call (its twin first); () for a name that is not an exercise."""
    if exercise not in EXERCISES:
        return ()
    own = twin(exercise)
    return ((own,) if own else ()) + tuple(t for t in EXERCISES[exercise] if t != own)


def display(target: str) -> str:
    """How a message names a target: ``nnlib.relu`` for a top-level export, else ``module.qualname``."""
    module, _, qualname = target.partition(":")
    from nnlib import _EXPORTS

    if module.startswith("nnlib.") and _EXPORTS.get(qualname) == module[len("nnlib.") :]:
        return f"nnlib.{qualname}"
    return f"{module}.{qualname}"
