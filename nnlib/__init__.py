"""nnlib: the small neural-network library that the course builds, in NumPy.

Everything in the course's public API is importable from here (``from nnlib import Linear``).
Names are resolved lazily on first use, so ``import nnlib`` stays fast and never imports torch,
matplotlib or scikit-learn; ``nnlib.torch``, ``nnlib.plot`` and ``nnlib.widgets`` load only when
asked for.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS = {
    # nnlib.functional: activations, derivatives, softmax, losses (the lessons' signatures)
    **{
        name: "functional"
        for name in (
            "step",
            "sigmoid",
            "tanh",
            "relu",
            "leaky_relu",
            "gelu",
            "silu",
            "softmax",
            "log_softmax",
            "sigmoid_grad",
            "tanh_grad",
            "relu_grad",
            "leaky_relu_grad",
            "gelu_grad",
            "silu_grad",
            "mse",
            "mse_grad",
            "binary_cross_entropy",
            "cross_entropy",
            "cross_entropy_from_logits",
            "linear",
            "linear_backward",
            "relu_backward",
            "sigmoid_backward",
            "softmax_cross_entropy_backward",
        )
    },
    "Parameter": "parameter",
    **{
        name: "modules"
        for name in (
            "Module",
            "Linear",
            "ReLU",
            "LeakyReLU",
            "Sigmoid",
            "Tanh",
            "GELU",
            "SiLU",
            "Sequential",
        )
    },
    "MSELoss": "losses",
    "CrossEntropyLoss": "losses",
    "SGD": "optim",
    "Adam": "optim",
    "xavier_uniform": "init",
    "xavier_normal": "init",
    "he_uniform": "init",
    "he_normal": "init",
    "numerical_gradient": "gradcheck",
    "relative_error": "gradcheck",
    "check_module": "gradcheck",
    **{
        name: "data"
        for name in (
            "xor",
            "spiral",
            "moons",
            "circles",
            "sine",
            "load_digits",
            "load_mnist_subset",
            "load_mnist",
            "minibatches",
            "train_val_test_split",
        )
    },
    **{name: "train" for name in ("fit", "evaluate", "predict", "accuracy", "History")},
    # lesson 07: signals through depth; lesson 09: regularization; lesson 11: scalar autograd
    **{name: "diagnostics" for name in ("activation_stds", "gradient_stds", "layer_signals")},
    **{name: "regularization" for name in ("l2_penalty", "dropout_forward", "dropout_backward", "Dropout")},
    "Value": "autograd",
    "draw_graph": "autograd",
}

_SUBMODULES = (
    "functional",
    "parameter",
    "modules",
    "losses",
    "optim",
    "init",
    "gradcheck",
    "data",
    "train",
    "plot",
    "widgets",
    "torch",
    "testing",
    "diagnostics",
    "regularization",
    "autograd",
)

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(f"nnlib.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return import_module(f"nnlib.{name}")
    raise AttributeError(f"module 'nnlib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS) | set(_SUBMODULES))
