"""Assertion helpers for the lessons' test cells.

Every test cell of every lesson checks student code with these helpers, so that:

* a failure always reads the same way: what was checked, what was expected, what came back,
  and a hint about the usual mistake;
* results are compared as plain floats, taken through ``np.asarray(x, dtype=float)``: an object
  returned by student code never gets to compare itself (a custom ``__eq__`` proves nothing);
* the NumPy functions used here are bound when this module is imported (the locked setup cell,
  before any student code runs), so rebinding ``np.allclose`` in an answer cell changes nothing;
* a warning raised inside student code never reaches stderr (nbgrader zeroes a cell that writes
  to stderr): :func:`call` catches it and either ignores it or fails with a clear message.

Typical use in a test cell::

    from nnlib.testing import assert_close, call
    out = call(relu, np.array([-1.0, 0.0, 2.0]))
    assert_close(out, [0.0, 0.0, 2.0], hint="relu keeps positives and zeroes the rest")
"""
from __future__ import annotations

import copy as _copy
import math as _math
import warnings as _warnings

import numpy as _np

# Bound at import time: later rebinding of numpy attributes by student code has no effect here.
_asarray = _np.asarray
_array = _np.array
_isnan = _np.isnan
_isinf = _np.isinf
_abs = _np.abs
_maximum = _np.maximum
_ndarray = _np.ndarray
_generic = _np.generic
_errstate = _np.errstate
_floating = _np.floating
_issubdtype = _np.issubdtype
_array2string = _np.array2string
_float64 = _np.float64
_broadcast_arrays = _np.broadcast_arrays
_argwhere = _np.argwhere
_integer = _np.integer
# Builtins too: an answer cell can rebind builtins.bool or builtins.int for the whole kernel.
_builtin_isinstance = isinstance
_builtin_float = float
_builtin_len = len
_bool = bool
_int = int
_tuple = tuple
_type = type
_repr = repr
_getattr = getattr
_callable = callable
_zip = zip
_enumerate = enumerate
_Exception = Exception
_AssertionError = AssertionError
_list = list
_str = str
_bytes = bytes

__all__ = [
    "as_floats", "assert_close", "assert_shape", "assert_equal", "assert_true",
    "assert_raises", "assert_float_array", "assert_unchanged", "call", "snapshot",
]


def _fmt(x, limit: int = 6) -> str:
    """Short, readable rendering of a value for failure messages."""
    try:
        arr = _asarray(x)
    except Exception:  # pragma: no cover - anything goes in student results
        return _repr(x)[:200]
    if arr.ndim == 0:
        return _repr(arr.item()) if arr.dtype != object else _repr(x)[:200]
    try:
        text = _array2string(arr, precision=limit, threshold=12, edgeitems=3, separator=", ")
    except _Exception:  # numpy's printing itself may have been tampered with
        text = _repr(arr.tolist())[:200]
    return f"{text} (shape {arr.shape})"


def _message(what: str, problem: str, hint: str) -> str:
    text = f"{what}: {problem}"
    if hint:
        text += f"\nHint: {hint}"
    return text


def as_floats(x, what: str = "your result", hint: str = "") -> "_np.ndarray":
    """``np.asarray(x, dtype=float)`` as a fresh float64 array, or an AssertionError saying why not."""
    if _builtin_isinstance(x, (_str, _bytes)) or x is None:
        raise _AssertionError(_message(what, f"expected numbers, got {x!r}", hint))
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            arr = _array(x, dtype=_float64, copy=True)
    except Exception as err:
        raise _AssertionError(_message(
            what, f"expected numbers, got {_type(x).__name__} ({err.__class__.__name__}: {err})", hint
        )) from None
    return arr


def assert_shape(actual, shape, hint: str = "", what: str = "your result") -> None:
    """``actual`` has exactly this shape (a tuple of ints); scalars have shape ()."""
    arr = as_floats(actual, what, hint)
    shape = _tuple(_int(s) for s in shape)
    if arr.shape != shape:
        raise _AssertionError(_message(what, f"expected shape {shape}, got shape {arr.shape}", hint))


def assert_close(actual, expected, *, rtol: float = 1e-6, atol: float = 1e-8, hint: str = "",
                 what: str = "your result", check_shape: bool = True) -> None:
    """Elementwise ``|actual - expected| <= atol + rtol * |expected|``, NaN matching NaN.

    Both sides are converted to float64 arrays first. With ``check_shape`` (the default) the
    shapes must be equal, not merely broadcastable.
    """
    got = as_floats(actual, what, hint)
    want = as_floats(expected, "the expected value")
    if check_shape and got.shape != want.shape:
        raise _AssertionError(_message(
            what, f"expected shape {want.shape}, got shape {got.shape}\n"
                  f"expected: {_fmt(want)}\ngot:      {_fmt(got)}", hint))
    try:
        got_b, want_b = _broadcast_arrays(got, want)
    except ValueError:
        raise _AssertionError(_message(what, f"shape {got.shape} does not match {want.shape}", hint)) from None
    with _errstate(all="ignore"):
        nan_ok = _isnan(got_b) == _isnan(want_b)
        inf_ok = (got_b == want_b) | ~(_isinf(got_b) | _isinf(want_b))
        diff = _abs(got_b - want_b)
        close = (diff <= atol + rtol * _abs(want_b)) | (got_b == want_b)
        close = close | (_isnan(got_b) & _isnan(want_b))
    ok = nan_ok & inf_ok & close
    if not _bool(ok.all()):
        bad = _int((~ok).sum())
        index = _tuple(_int(i) for i in _argwhere(~ok)[0]) if got_b.ndim else ()
        detail = (f"{bad} of {ok.size} value(s) differ"
                  + (f"; first at index {index}: expected {_builtin_float(want_b[index])!r}, got {_builtin_float(got_b[index])!r}"
                     if got_b.ndim else f": expected {_builtin_float(want_b)!r}, got {_builtin_float(got_b)!r}"))
        raise _AssertionError(_message(
            what, f"{detail}\nexpected: {_fmt(want)}\ngot:      {_fmt(got)}", hint))


def assert_equal(actual, expected, hint: str = "", what: str = "your result") -> None:
    """Exact equality for ints, bools, strings, and tuples/lists of them (compared as plain Python)."""
    def plain(x):
        if _builtin_isinstance(x, (_list, _tuple)):
            return _tuple(plain(i) for i in x)
        if _builtin_isinstance(x, (_str, _bool)) or x is None:
            return x
        if _builtin_isinstance(x, (_int, _integer)):
            return _int(x)
        if _builtin_isinstance(x, (_builtin_float, _floating)):
            return _builtin_float(x)
        if _builtin_isinstance(x, _ndarray):
            return _tuple(plain(i) for i in x.tolist()) if x.ndim else plain(x.item())
        raise _AssertionError(_message(what, f"expected a plain value like {expected!r}, got {_type(x).__name__}", hint))

    got, want = plain(actual), plain(expected)
    if _type(got) is not _type(want) and not (
            _builtin_isinstance(got, (_int, _builtin_float)) and _builtin_isinstance(want, (_int, _builtin_float))):
        raise _AssertionError(_message(what, f"expected {want!r}, got {got!r} ({_type(actual).__name__})", hint))
    if got != want:
        raise _AssertionError(_message(what, f"expected {want!r}, got {got!r}", hint))


def assert_true(condition, hint: str = "", what: str = "check") -> None:
    """A plain boolean check with the course's message format."""
    if not _bool(condition):
        raise _AssertionError(_message(what, "failed", hint))


def assert_float_array(actual, hint: str = "", what: str = "your result") -> None:
    """``actual`` is an ``np.ndarray`` (or NumPy scalar) of a floating dtype."""
    if not _builtin_isinstance(actual, (_ndarray, _generic)):
        raise _AssertionError(_message(what, f"expected a NumPy array, got {_type(actual).__name__}", hint))
    if not _issubdtype(actual.dtype, _floating):
        raise _AssertionError(_message(what, f"expected a floating dtype, got {actual.dtype}", hint))


def call(fn, *args, warnings: str = "ignore", hint: str = "", **kwargs):
    """Call student code with warnings kept off stderr.

    ``warnings="ignore"`` swallows them (the values are checked instead); ``warnings="fail"``
    turns the first warning into an AssertionError (for "no overflow, no warning" requirements).
    Exceptions other than AssertionError are re-raised as they are, so the student sees them.
    """
    if not _callable(fn):
        raise _AssertionError(_message("your definition", f"{fn!r} is not callable", hint))
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    if warnings == "fail" and caught:
        first = caught[0]
        raise _AssertionError(_message(
            _getattr(fn, "__name__", "your function"),
            f"emitted a warning: {first.category.__name__}: {first.message}", hint))
    return result


def snapshot(*arrays):
    """Deep copies of the arguments, to check later that they were not modified."""
    return [_copy.deepcopy(a) for a in arrays]


def assert_unchanged(before, after, hint: str = "", what: str = "your function") -> None:
    """Every array in ``after`` equals its copy in ``before`` (taken with :func:`snapshot`)."""
    for i, (b, a) in _enumerate(_zip(before, after)):
        if _builtin_isinstance(b, (_ndarray, _list, _tuple)) or _builtin_isinstance(a, _ndarray):
            b_arr, a_arr = _asarray(b), _asarray(a)
            same = b_arr.shape == a_arr.shape and _bool(((b_arr == a_arr) | (_isnan(b_arr) & _isnan(a_arr))).all()
                                                        if _issubdtype(b_arr.dtype, _floating) else (b_arr == a_arr).all())
            if not same:
                raise _AssertionError(_message(
                    what, f"modified its input argument {i + 1} (inputs must stay as they were)",
                    hint or "work on a copy (x = x.copy()) or build a new array instead of writing into the input"))


def assert_raises(exception, fn, *args, hint: str = "", **kwargs) -> None:
    """``fn(*args, **kwargs)`` raises ``exception`` (or a subclass)."""
    name = _getattr(exception, "__name__", str(exception))
    try:
        call(fn, *args, **kwargs)
    except exception:
        return
    except _AssertionError:
        raise
    except Exception as err:
        raise _AssertionError(_message(
            _getattr(fn, "__name__", "your function"),
            f"expected {name}, got {_type(err).__name__}: {err}", hint)) from None
    raise _AssertionError(_message(_getattr(fn, "__name__", "your function"), f"expected {name}, nothing was raised", hint))
