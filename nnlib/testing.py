"""Assertion helpers for the lessons' test cells.

Every test cell of every lesson checks student code with these helpers, so that:

* a failure always reads the same way: what was checked, what was expected, what came back,
  and a hint about the usual mistake;
* results are compared as plain floats, taken through ``np.asarray(x, dtype=float)``: an object
  returned by student code never gets to compare itself (a custom ``__eq__`` proves nothing);
* the NumPy functions used here are bound when this module is imported (the locked setup cell,
  before any student code runs), so rebinding ``np.allclose`` in an answer cell changes nothing;
* a warning raised inside student code never reaches stderr (nbgrader zeroes a cell that writes
  to stderr): :func:`call` catches it and either ignores it or fails with a clear message;
* an answer must be the student's own code (COURSE_SPEC): while :func:`call` runs an exercise, what
  that exercise may not call (its ``nnlib`` twin, a framework's implementation; see
  :mod:`nnlib._rules`) refuses with an AssertionError that says why, here and in grading alike;
* :func:`call` works the same on a local function and on a handle to a function that runs in
  another process (the two-process grader, :mod:`grader.trusted`): such a handle has a
  ``__nnfs_call__`` method on its type, and the rule is then enforced where the code runs.

Typical use in a test cell::

    from nnlib.testing import assert_close, call
    out = call(relu, np.array([-1.0, 0.0, 2.0]))
    assert_close(out, [0.0, 0.0, 2.0], hint="relu keeps positives and zeroes the rest")
"""

from __future__ import annotations

import copy as _copy
import fnmatch as _fnmatch
import functools as _functools
import importlib as _importlib
import sys as _sys
import types as _types
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
    "as_floats",
    "assert_close",
    "assert_shape",
    "assert_equal",
    "assert_true",
    "assert_raises",
    "assert_float_array",
    "assert_unchanged",
    "call",
    "counting_subclass",
    "snapshot",
    "exercises_of",
    "own_code",
]
_getframe = _sys._getframe
_FunctionType = _types.FunctionType
_CodeType = _types.CodeType
_MethodType = _types.MethodType
_ModuleType = _types.ModuleType
_partial = _functools.partial
_id = id
_hasattr = hasattr
_setattr = setattr
_dict = dict
_set = set
_frozenset = frozenset
_compile = compile
_exec = exec
_import_module = _importlib.import_module
_fnmatchcase = _fnmatch.fnmatchcase
_modules = _sys.modules


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


def as_floats(x, what: str = "your result", hint: str = "") -> _np.ndarray:
    """``np.asarray(x, dtype=float)`` as a fresh float64 array, or an AssertionError saying why not."""
    if _builtin_isinstance(x, (_str, _bytes)) or x is None:
        raise _AssertionError(_message(what, f"expected numbers, got {x!r}", hint))
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            arr = _array(x, dtype=_float64, copy=True)
    except Exception as err:
        raise _AssertionError(
            _message(what, f"expected numbers, got {_type(x).__name__} ({err.__class__.__name__}: {err})", hint)
        ) from None
    return arr


def assert_shape(actual, shape, hint: str = "", what: str = "your result") -> None:
    """``actual`` has exactly this shape (a tuple of ints); scalars have shape ()."""
    arr = as_floats(actual, what, hint)
    shape = _tuple(_int(s) for s in shape)
    if arr.shape != shape:
        raise _AssertionError(_message(what, f"expected shape {shape}, got shape {arr.shape}", hint))


def assert_close(
    actual,
    expected,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    hint: str = "",
    what: str = "your result",
    check_shape: bool = True,
) -> None:
    """Elementwise ``|actual - expected| <= atol + rtol * |expected|``, NaN matching NaN.

    Both sides are converted to float64 arrays first. With ``check_shape`` (the default) the
    shapes must be equal, not merely broadcastable.
    """
    got = as_floats(actual, what, hint)
    want = as_floats(expected, "the expected value")
    if check_shape and got.shape != want.shape:
        raise _AssertionError(
            _message(
                what,
                f"expected shape {want.shape}, got shape {got.shape}\nexpected: {_fmt(want)}\ngot:      {_fmt(got)}",
                hint,
            )
        )
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
        detail = f"{bad} of {ok.size} value(s) differ" + (
            f"; first at index {index}: expected {_builtin_float(want_b[index])!r}, got {_builtin_float(got_b[index])!r}"
            if got_b.ndim
            else f": expected {_builtin_float(want_b)!r}, got {_builtin_float(got_b)!r}"
        )
        raise _AssertionError(_message(what, f"{detail}\nexpected: {_fmt(want)}\ngot:      {_fmt(got)}", hint))


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
        raise _AssertionError(
            _message(what, f"expected a plain value like {expected!r}, got {_type(x).__name__}", hint)
        )

    got, want = plain(actual), plain(expected)
    if _type(got) is not _type(want) and not (
        _builtin_isinstance(got, (_int, _builtin_float)) and _builtin_isinstance(want, (_int, _builtin_float))
    ):
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
    """Call student code with warnings kept off stderr, under the "own code" rule.

    ``warnings="ignore"`` swallows them (the values are checked instead); ``warnings="fail"``
    turns the first warning into an AssertionError (for "no overflow, no warning" requirements).
    Exceptions other than AssertionError are re-raised as they are, so the student sees them.

    The exercise being called is found by name: every exercise name (:mod:`nnlib._rules`) that the
    calling cell's namespace binds to ``fn`` (``relu = nnlib.relu`` counts; so does a method of an
    exercise class, ``call(layer.forward, X)`` after ``layer = Dense(...)``). While ``fn`` runs,
    what those exercises may not call refuses with an AssertionError naming it.
    """
    if not _callable(fn):
        raise _AssertionError(_message("your definition", f"{fn!r} is not callable", hint))
    exercises = exercises_of(fn, _caller_globals())
    remote = _getattr(_type(fn), "__nnfs_call__", None)
    if remote is not None:  # a handle to code in another process: the rule is applied there
        return remote(fn, args, kwargs, exercises=exercises, warnings=warnings, hint=hint)
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        with own_code(exercises, fn):
            result = fn(*args, **kwargs)
    if warnings == "fail" and caught:
        first = caught[0]
        raise _AssertionError(
            _message(
                _getattr(fn, "__name__", "your function"),
                f"emitted a warning: {first.category.__name__}: {first.message}",
                hint,
            )
        )
    return result


# ------------------------------------------------------------------------------------------------
# The "own code" rule (COURSE_SPEC): an exercise may not hand its work to an existing implementation.

_MISSING = object()


def _caller_globals() -> dict:
    """The namespace of the first frame outside this module (the test cell that called a helper)."""
    frame = _getframe(1)
    mine = globals()
    while frame is not None and frame.f_globals is mine:
        frame = frame.f_back
    return frame.f_globals if frame is not None else {}


def exercises_of(fn, namespace) -> list:
    """The exercise names that ``namespace`` binds to ``fn`` (or to the class of the instance that
    ``fn`` is a bound method of, or to ``fn``'s own class when ``fn`` is an instance)."""
    from nnlib import _rules

    owner = _getattr(fn, "__self__", None)
    found = []
    for name in _rules.EXERCISES:
        value = namespace.get(name, _MISSING)
        if value is _MISSING:
            continue
        if (
            value is fn
            or (owner is not None and owner is not fn and (owner is value or _type(owner) is value))
            or (_builtin_isinstance(value, _type) and _type(fn) is value)
        ):
            found.append(name)
    return found


def _refusal_message(exercise: str, target: str) -> str:
    from nnlib import _rules

    shown = _rules.display(target)
    if target.startswith("nnlib."):
        what = "the course library's own solution of this exercise"
    else:
        what = "an existing implementation of this exercise"
    return (
        f"{exercise}: your answer calls {shown}, {what}; write it with NumPy yourself "
        f"(an answer must be your own code: COURSE_SPEC)"
    )


def _refusing_code(message: str, freevars) -> _CodeType:
    """A code object that raises AssertionError(message), with exactly these free variables."""
    names = _tuple(freevars)
    body = "".join(f"    {n} = None\n" for n in names)
    uses = "".join(f"        {n}\n" for n in names)
    source = (
        f"def _outer():\n{body}    def _refuse(*args, **kwargs):\n{uses}"
        f"        raise AssertionError({message!r})\n    return _refuse\n"
    )
    space = {}
    _exec(_compile(source, "<own-code rule>", "exec"), space)
    return space["_outer"]().__code__


def _targets(pattern: str):
    """(owner, attribute name, object) for every callable ``pattern`` ("module:qualname") names,
    among modules already imported (nnlib's own are imported: they are cheap and numpy-only)."""
    module_name, _, qualname = pattern.partition(":")
    module = _modules.get(module_name)
    if module is None and module_name.startswith("nnlib.") and module_name != "nnlib.torch":
        try:
            module = _import_module(module_name)
        except Exception:
            module = None
    if module is None:
        return []
    parts = qualname.split(".")
    owners = [module]
    for depth, part in _enumerate(parts):
        last = depth == _builtin_len(parts) - 1
        found = []
        for owner in owners:
            names = (
                [n for n in _list(_getattr(owner, "__dict__", {})) if _fnmatchcase(n, part)] if "*" in part else [part]
            )
            for name in names:
                value = (
                    _getattr(owner, name, _MISSING)
                    if not _builtin_isinstance(owner, _type)
                    else owner.__dict__.get(name, _MISSING)
                )
                if value is _MISSING:
                    continue
                if (
                    _builtin_isinstance(owner, _ModuleType)
                    and "*" in part
                    and _getattr(value, "__module__", None) != module_name
                ):
                    continue  # only what the module itself defines
                if last:
                    found.append((owner, name, value))
                elif _builtin_isinstance(value, _type):
                    found.append(value)
        owners = found if not last else owners
        if last:
            return found
    return []


_ACTIVE: dict = {}  # id(target object) -> nesting depth while its refusal is installed


class own_code:
    """Context manager: while it is active, what ``exercises`` may not call refuses (AssertionError).

    Python functions (and methods) get a refusing ``__code__``, so every reference to them refuses,
    however it was bound; other callables (C functions, ufuncs, classes) are replaced on their module
    for the duration, and references the student's code already holds are found beforehand in
    ``fn``'s globals, closures and defaults (through the helpers it defined), and refused at once.
    """

    def __init__(self, exercises, fn=None):
        self.exercises = _list(exercises)
        self.fn = fn
        self._undo = []

    def __enter__(self):
        from nnlib import _rules

        bad = {}
        for exercise in self.exercises:
            for pattern in _rules.forbidden(exercise):
                for owner, name, value in _targets(pattern):
                    shown = (
                        pattern
                        if "*" not in pattern
                        else f"{pattern.partition(':')[0]}:{_getattr(value, '__qualname__', name)}"
                    )
                    message = _refusal_message(exercise, shown)
                    self._install(owner, name, value, message)
                    bad[_id(value)] = message
                    if _builtin_isinstance(value, _type):
                        for attr, member in _list(value.__dict__.items()):
                            if _builtin_isinstance(member, _FunctionType):
                                self._install(value, attr, member, message)
        if bad and self.fn is not None:
            message = _held_reference(self.fn, bad)
            if message:
                self.__exit__(None, None, None)
                raise _AssertionError(message)
        return self

    def _install(self, owner, name, value, message):
        key = _id(value)
        if _ACTIVE.get(key):
            _ACTIVE[key] += 1
            self._undo.append((key, None))
            return
        if _builtin_isinstance(value, _FunctionType):
            try:
                code = _refusing_code(message, value.__code__.co_freevars)
                if code.co_freevars == value.__code__.co_freevars:
                    original = value.__code__
                    value.__code__ = code
                    _ACTIVE[key] = 1
                    self._undo.append((key, lambda v=value, c=original: _setattr(v, "__code__", c)))
                    return
            except Exception:
                pass
        if _builtin_isinstance(value, _type):
            return  # a class: its methods refuse (installed by the caller), the class itself stays
        if _builtin_isinstance(owner, (_ModuleType, _type)):

            def refuse(*args, **kwargs):
                raise _AssertionError(message)

            try:
                _setattr(owner, name, refuse)
            except Exception:
                return
            _ACTIVE[key] = 1
            self._undo.append((key, lambda o=owner, n=name, v=value: _setattr(o, n, v)))

    def __exit__(self, *exc):
        while self._undo:
            key, undo = self._undo.pop()
            _ACTIVE[key] -= 1
            if not _ACTIVE[key]:
                del _ACTIVE[key]
                if undo is not None:
                    undo()
        return False


def _held_reference(fn, bad: dict, seen=None):
    """The refusal message when ``fn`` (or a helper it uses) holds one of the ``bad`` objects."""
    seen = _set() if seen is None else seen
    if _id(fn) in seen:
        return None
    seen.add(_id(fn))
    if _id(fn) in bad:
        return bad[_id(fn)]
    if _builtin_isinstance(fn, _partial):
        return _held_reference(fn.func, bad, seen)
    if _builtin_isinstance(fn, _MethodType):
        return _held_reference(fn.__func__, bad, seen)
    if _builtin_isinstance(fn, _type):
        for member in _list(fn.__dict__.values()):
            inner = _getattr(member, "__func__", member)
            if _builtin_isinstance(inner, _FunctionType):
                found = _held_reference(inner, bad, seen)
                if found:
                    return found
        return None
    if not _builtin_isinstance(fn, _FunctionType):
        callable_type = _type(fn)
        if _getattr(callable_type, "__module__", "") == "__main__":  # an instance of a student class
            return _held_reference(callable_type, bad, seen)
        return None
    space = fn.__globals__
    code_names = _set()
    stack = [fn.__code__]
    while stack:
        code = stack.pop()
        code_names.update(code.co_names)
        stack.extend(c for c in code.co_consts if _builtin_isinstance(c, _CodeType))
    values = [space.get(n, _MISSING) for n in code_names]
    values += [c.cell_contents for c in (fn.__closure__ or ()) if _cell_has(c)]
    values += _list(fn.__defaults__ or ()) + _list((fn.__kwdefaults__ or {}).values())
    for value in values:
        if value is _MISSING:
            continue
        if _id(value) in bad:
            return bad[_id(value)]
        if _builtin_isinstance(value, _ModuleType):  # np.x, scipy.special.expit, torch.sigmoid
            # the module's own dictionary: a getattr could run a lazy module's __getattr__
            for name in code_names:
                attr = value.__dict__.get(name, _MISSING)
                if _id(attr) in bad:
                    return bad[_id(attr)]
                if _builtin_isinstance(attr, _ModuleType):
                    for name2 in code_names:
                        inner = attr.__dict__.get(name2, _MISSING)
                        if _id(inner) in bad:
                            return bad[_id(inner)]
        elif _builtin_isinstance(value, (_FunctionType, _partial, _type)) and (
            _getattr(value, "__globals__", space) is space or _getattr(value, "__module__", "") == fn.__module__
        ):
            found = _held_reference(value, bad, seen)  # a helper the student wrote
            if found:
                return found
    # ``import torch`` / ``from scipy.special import expit`` inside the function, module not loaded yet
    return None


def _cell_has(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018  (reading an empty cell raises: that is the test)
    except ValueError:
        return False
    return True


def counting_subclass(cls, attribute: str = "grad"):
    """A subclass of the student's class ``cls`` whose instances count the assignments to ``attribute``.

    An instance ``obj`` holds the count in ``obj._writes`` (the value itself is read and written as
    usual), so a test can measure the work a method does. When ``cls`` is a handle to a class in
    another process (the two-process grader), the subclass is made there, where the methods run.
    """
    apply = _getattr(_type(cls), "__nnfs_apply__", None)
    if apply is not None:
        return apply(cls, "counting_subclass", attribute)
    store = "_counted_" + _str(attribute)

    def get(self):
        return self.__dict__.get(store, 0.0)

    def put(self, value):
        self.__dict__["_writes"] = self.__dict__.get("_writes", 0) + 1
        self.__dict__[store] = value

    return _type(f"Counting{cls.__name__}", (cls,), {attribute: property(get, put)})


def snapshot(*arrays):
    """Deep copies of the arguments, to check later that they were not modified."""
    return [_copy.deepcopy(a) for a in arrays]


def assert_unchanged(before, after, hint: str = "", what: str = "your function") -> None:
    """Every array in ``after`` equals its copy in ``before`` (taken with :func:`snapshot`)."""
    for i, (b, a) in _enumerate(_zip(before, after)):
        if _builtin_isinstance(b, (_ndarray, _list, _tuple)) or _builtin_isinstance(a, _ndarray):
            b_arr, a_arr = _asarray(b), _asarray(a)
            same = b_arr.shape == a_arr.shape and _bool(
                ((b_arr == a_arr) | (_isnan(b_arr) & _isnan(a_arr))).all()
                if _issubdtype(b_arr.dtype, _floating)
                else (b_arr == a_arr).all()
            )
            if not same:
                raise _AssertionError(
                    _message(
                        what,
                        f"modified its input argument {i + 1} (inputs must stay as they were)",
                        hint or "work on a copy (x = x.copy()) or build a new array instead of writing into the input",
                    )
                )


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
        raise _AssertionError(
            _message(
                _getattr(fn, "__name__", "your function"), f"expected {name}, got {_type(err).__name__}: {err}", hint
            )
        ) from None
    raise _AssertionError(
        _message(_getattr(fn, "__name__", "your function"), f"expected {name}, nothing was raised", hint)
    )
