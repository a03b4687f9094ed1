"""nnlib.testing: the assertion helpers every lesson's test cells use."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from nnlib.testing import (as_floats, assert_close, assert_equal, assert_float_array, assert_raises,
                           assert_shape, assert_unchanged, call, snapshot)


def test_assert_close_accepts_equal_values_in_any_float_dtype():
    assert_close(np.array([1.0, 2.0], dtype=np.float32), [1, 2], rtol=1e-6)
    assert_close(np.float64(0.5), 0.5)
    assert_close([np.inf, np.nan], [np.inf, np.nan])


@pytest.mark.parametrize("got, want", [([1.0, 2.5], [1.0, 2.0]), ([1.0, 2.0], [[1.0, 2.0]]),
                                       ([np.inf], [1.0]), ([np.nan], [0.0]), ([-np.inf], [np.inf])])
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
