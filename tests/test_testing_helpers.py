"""nnlib.testing: the assertion helpers every lesson's test cells use."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from nnlib.testing import (
    as_floats,
    assert_close,
    assert_equal,
    assert_float_array,
    assert_raises,
    assert_shape,
    assert_unchanged,
    call,
    snapshot,
)


def test_assert_close_accepts_equal_values_in_any_float_dtype():
    assert_close(np.array([1.0, 2.0], dtype=np.float32), [1, 2], rtol=1e-6)
    assert_close(np.float64(0.5), 0.5)
    assert_close([np.inf, np.nan], [np.inf, np.nan])


@pytest.mark.parametrize(
    "got, want",
    [([1.0, 2.5], [1.0, 2.0]), ([1.0, 2.0], [[1.0, 2.0]]), ([np.inf], [1.0]), ([np.nan], [0.0]), ([-np.inf], [np.inf])],
)
def test_assert_close_rejects_different_values_or_shapes(got, want):
    with pytest.raises(AssertionError, match="Hint: look again"):
        assert_close(np.array(got), want, hint="look again")


def test_objects_never_compare_themselves():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    with pytest.raises(AssertionError, match="expected numbers"):
        assert_close(AlwaysEqual(), [1.0])
    with pytest.raises(AssertionError, match="expected numbers"):
        as_floats("1.0")


def test_assert_equal_plain_values():
    assert_equal(np.int64(3), 3)
    assert_equal((2, 3), [2, 3])
    assert_equal([(2, 3), (2, 4)], [[2, 3], [2, 4]])
    for got, want in [(3.5, 3), ((2, 3), (3, 2)), ("a", "b")]:
        with pytest.raises(AssertionError):
            assert_equal(got, want)


def test_shape_dtype_and_mutation_helpers():
    assert_shape(np.zeros((2, 3)), (2, 3))
    with pytest.raises(AssertionError, match=r"expected shape \(3, 2\)"):
        assert_shape(np.zeros((2, 3)), (3, 2))
    assert_float_array(np.zeros(2, dtype=np.float32))
    with pytest.raises(AssertionError, match="floating dtype"):
        assert_float_array(np.zeros(2, dtype=int))
    with pytest.raises(AssertionError, match="NumPy array"):
        assert_float_array([0.0, 1.0])
    x = np.ones(3)
    before = snapshot(x)
    assert_unchanged(before, [x])
    x[0] = 2
    with pytest.raises(AssertionError, match="modified its input"):
        assert_unchanged(before, [x])


def test_call_keeps_warnings_off_stderr(capfd):
    out = call(np.exp, np.array([1000.0]))
    assert np.isinf(out).all()
    with pytest.raises(AssertionError, match="RuntimeWarning"):
        call(np.exp, np.array([1000.0]), warnings="fail")
    assert capfd.readouterr().err == ""


def test_assert_raises():
    assert_raises(ValueError, int, "x")
    with pytest.raises(AssertionError, match="nothing was raised"):
        assert_raises(ValueError, int, "3")
    with pytest.raises(AssertionError, match="expected ValueError, got KeyError"):
        assert_raises(ValueError, {}.__getitem__, "k")


def test_rebinding_numpy_or_builtins_in_student_code_does_not_make_wrong_answers_pass():
    """Answer cells run after the setup cell imported the helpers: their monkeypatches change nothing."""
    script = textwrap.dedent("""
        import builtins, numpy as np
        from nnlib.testing import assert_close, assert_equal
        np.allclose = lambda *a, **k: True
        np.broadcast_arrays = lambda a, b: (b, b)
        np.abs = lambda x: x * 0
        np.isnan = lambda x: x == x
        passed = 0
        for check in (lambda: assert_close(np.array([1.0, 5.0]), [1.0, 2.0]), lambda: assert_equal(3, 4)):
            try:
                check()
                passed += 1
            except AssertionError:
                pass
        builtins.bool = lambda x: True
        try:
            assert_close(np.array([1.0, 5.0]), [1.0, 2.0])
            passed += 1
        except AssertionError:
            pass
        print(passed)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0", out


# ---------------------------------------------------------------------------------------------
# The "own code" rule (COURSE_SPEC): call() refuses an exercise that delegates to its twin.


def _ns(code: str) -> dict:
    """Run an 'answer cell' in a fresh namespace, as a notebook's user namespace."""
    space = {"np": np, "__name__": "__main__"}
    exec(code, space)
    return space


def _call_in(space: dict, name: str, *args):
    space["_args"] = args
    exec(f"_out = call({name}, *_args)", {**space, "call": call}, space)
    return space["_out"]


@pytest.mark.parametrize(
    "code, name, shown",
    [
        ("import nnlib\nrelu = nnlib.relu", "relu", "nnlib.relu"),
        ("from nnlib import relu as r\ndef relu(z):\n    return r(z)", "relu", "nnlib.relu"),
        (
            "import nnlib.functional as F\ndef helper(z):\n    return F.relu(z)\ndef relu(z):\n    return helper(z)",
            "relu",
            "nnlib.relu",
        ),
        ("from scipy.special import expit\ndef sigmoid(z):\n    return expit(z)", "sigmoid", "scipy.special.expit"),
        ("def sigmoid(z):\n    import scipy.special as sp\n    return sp.expit(z)", "sigmoid", "scipy.special.expit"),
        (
            "import scipy.special\ndef softmax(z, axis=-1):\n    return scipy.special.softmax(z, axis=axis)",
            "softmax",
            "scipy.special.softmax",
        ),
        (
            "import nnlib\ndef mlp_gradients(z):\n    return nnlib.relu_backward(z, z)",
            "mlp_gradients",
            "nnlib.relu_backward",
        ),
        (
            "import nnlib\ndef mlp_gradients(z):\n    return nnlib.ReLU().backward(z)",
            "mlp_gradients",
            "nnlib.modules.ReLU.backward",
        ),
        ("import functools, nnlib\nrelu = functools.partial(nnlib.relu)", "relu", "nnlib.relu"),
    ],
)
def test_delegating_to_the_twin_is_refused_with_a_clear_message(code, name, shown):
    space = _ns(code)
    with pytest.raises(AssertionError) as err:
        _call_in(space, name, np.array([1.0, -2.0]))
    assert str(err.value).startswith(f"{name}: your answer calls {shown}, "), str(err.value)
    assert "write it with NumPy yourself" in str(err.value)


def test_twins_work_again_after_the_call_and_outside_it():
    import scipy.special

    import nnlib

    space = _ns("import nnlib\nrelu = nnlib.relu")
    with pytest.raises(AssertionError):
        _call_in(space, "relu", np.array([1.0, -2.0]))
    assert nnlib.relu(np.array([1.0, -2.0])).tolist() == [1.0, 0.0]  # restored in finally
    assert float(scipy.special.expit(0.0)) == 0.5
    assert float(call(scipy.special.expit, 0.0)) == 0.5  # not an exercise name: allowed


def test_own_code_and_earlier_lessons_are_allowed():
    space = _ns(
        "import nnlib\n"
        "def relu(z):\n    return np.maximum(z, 0.0)\n"
        "def mlp_gradients(z):\n    return nnlib.relu(z) + nnlib.sigmoid(z)\n"  # lesson 04 in lesson 08
        "def silu(z):\n    from scipy.special import expit\n    return z * expit(z)\n"
    )  # expit is sigmoid, not silu
    assert _call_in(space, "relu", np.array([1.0, -2.0])).tolist() == [1.0, 0.0]
    assert _call_in(space, "mlp_gradients", np.array([0.0])).tolist() == [0.5]
    assert _call_in(space, "silu", np.array([0.0])).tolist() == [0.0]


def test_an_exercise_class_and_its_methods_are_covered():
    space = _ns(
        "import nnlib\n"
        "class Dense:\n"
        "    def __init__(self, n_in, n_out, rng):\n        self.inner = nnlib.Linear(n_in, n_out, rng)\n"
        "    def forward(self, X):\n        return self.inner.forward(X)\n"
    )
    with pytest.raises(AssertionError, match="Dense: your answer calls nnlib.Linear"):
        _call_in(space, "Dense", 2, 3, np.random.default_rng(0))
    import nnlib

    assert nnlib.Linear(2, 3).weight.data.shape == (3, 2)  # the class itself untouched


def test_the_rule_catalogue_covers_every_exercise_of_the_spec():
    import re
    from pathlib import Path

    from nnlib import _rules

    spec = Path(__file__).resolve().parent.parent / "grader" / "sources"
    names = set()
    for source in spec.glob("*.py"):
        names |= set(re.findall(r"# %% answer id=(\w+)", source.read_text()))
    assert names <= set(_rules.EXERCISES), sorted(names - set(_rules.EXERCISES))
    assert _rules.forbidden("relu")[0] == "nnlib.functional:relu"  # the twin comes first
    assert _rules.forbidden("not_an_exercise") == ()
