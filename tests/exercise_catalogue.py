"""The graded exercises of COURSE_SPEC.md, as data: lesson -> exercise -> requirement kinds.

This is the repository's own copy of the spec's exercise list (the build checks must not depend on
``../shared`` being present). ``tests/test_lesson_rules.py`` checks that every exercise exists in
``solutions/`` and ``lessons/`` with the grade ids the spec fixes (answer cell ``<name>``, test cell
``test_<name>``), and that the visible part of each test cell (and its hidden part) exercises every
requirement kind listed here (COURSE_SPEC "Visible tests cover every kind of requirement").

A kind names a requirement that the exercise's spec row states (or, for lesson 08, its issue);
the value itself ("returns the right numbers") is never listed, every test checks it. Kinds that
take an argument name the exercise's parameter, e.g. ``"zero:z"``: the parameter is looked up in
the solution's signature, so a renamed parameter is reported, not silently skipped. The detectors
live in ``tests/lesson_rules.py`` (``KIND_DOCS`` describes each one):

    no_mutation       inputs are left as found: snapshot(...) / assert_unchanged(...) in the part
    no_warning        "no warning": the exercise is called with call(..., warnings="fail") (only where the
                      row says "no warning": elsewhere COURSE_SPEC forbids failing a test on a warning)
    value_error       "ValueError if ...": assert_raises(ValueError, <exercise>, ...)
    shape             a stated result shape: assert_shape(...) or an assert on ``.shape``
    large:<arg>       stability at +-1000: a literal with |v| >= 1000 reaches <arg>
    zero:<arg>        the edge z == 0: a literal 0 reaches <arg>
    p01:<arg>         probabilities 0 and 1: literals 0 and 1 both reach <arg>
    array_like:<arg>  "array-like": a list/tuple literal is passed as <arg>
    kwarg:<arg>       an option (axis, eps, approximate, training): the test passes <arg>
    ignores_arg:<arg> a callable <arg> that ignores its own argument (numerical_gradient's f)
    in_place          "in place": after the call an assert inspects an object that was passed in
    onehot:<arg>      one-hot targets: <arg> built with eye(...) or as a nested list
    rank3:<arg>       "any number of further axes": <arg> has 3 or more axes
    random_stats      random results: an rng is passed and a statistic (mean, std, var, min, max) checked
    time_limit        a stated time limit: the test measures time
"""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, tuple[str, ...]]] = {
    "00_welcome": {
        "count_positive": ("array_like:x",),
    },
    "01_linear_algebra": {
        "dot": ("value_error",),
        "matmul": ("value_error",),
        "matmul_shape": ("value_error",),
        "linear": ("shape",),
    },
    "02_neuron": {
        "weighted_sum": (),
        "step": ("zero:z",),
        "neuron": (),
        "and_gate": ("shape",),
        "or_gate": ("shape",),
        "nand_gate": ("shape",),
        "perceptron_fit": (),
    },
    "03_layers": {
        "Dense": ("shape", "random_stats"),
        "count_parameters": (),
        "layer_shapes": (),
        "mlp_forward": (),
    },
    "04_activations": {
        "sigmoid": ("large:z", "no_warning"),
        "relu": (),
        "leaky_relu": (),
        "silu": ("large:z",),
        "gelu": ("kwarg:approximate",),
        "softmax": ("large:z", "kwarg:axis"),
        "sigmoid_grad": ("large:z",),
        "tanh_grad": (),
        "relu_grad": ("zero:z",),
        "collapse_linear": (),
    },
    "05_universal_approximation": {
        "xor_network": ("shape",),
        "hat": (),
        "fit_relu_network": ("shape",),
        "tent": (),
        "compose_tent": (),
    },
    "06_losses": {
        "mse": (),
        "mse_grad": (),
        "binary_cross_entropy": ("p01:p",),
        "cross_entropy": ("p01:probs", "onehot:targets"),
        "log_softmax": ("large:z", "kwarg:axis"),
        "cross_entropy_from_logits": ("large:logits",),
    },
    "07_initialization": {
        "xavier_uniform": ("shape", "random_stats"),
        "xavier_normal": ("shape", "random_stats"),
        "he_uniform": ("shape", "random_stats"),
        "he_normal": ("shape", "random_stats"),
        "activation_stds": (),
        "gradient_stds": (),
    },
    "08_backprop": {
        "numerical_gradient": ("ignores_arg:f", "no_mutation", "shape", "kwarg:eps"),
        "relative_error": ("zero:a", "no_mutation"),
        "linear_backward": ("shape", "no_mutation"),
        "relu_backward": ("zero:z", "no_mutation", "shape"),
        "sigmoid_backward": ("large:z", "no_warning", "no_mutation", "shape"),
        "softmax_cross_entropy_backward": ("large:logits", "no_mutation", "shape"),
        "mlp_gradients": ("no_mutation", "shape"),
    },
    "09_training": {
        "sgd_update": ("in_place",),
        "momentum_update": ("in_place",),
        "adam_update": ("in_place",),
        "minibatches": ("rank3:X",),
        "train_val_test_split": (),
        "accuracy": (),
        "train_spiral": ("time_limit",),
        "l2_penalty": ("no_mutation",),
        "dropout_forward": ("value_error", "no_mutation", "random_stats", "kwarg:training"),
        "dropout_backward": (),
    },
    "10_digits": {
        "prepare": (),
        "build_model": (),
        "train_digits": ("time_limit",),
        "confusion_matrix": (),
    },
    "11_pytorch": {
        "pick_device": (),
        "torch_mlp": (),
        "copy_from_nnlib": (),
        "torch_gradients": (),
        "train_torch": (),
        # relu's derivative 0 at 0 is stated too, but the test builds its Values from tables of
        # inputs: no syntactic detector sees which Value is 0, so it is not listed.
        "Value": (),
    },
}


def exercises(lesson: str) -> list[str]:
    """The graded exercises of a lesson, in the spec's order."""
    return list(CATALOGUE[lesson])


def kinds(lesson: str, exercise: str) -> tuple[str, ...]:
    return CATALOGUE[lesson][exercise]
