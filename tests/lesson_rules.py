"""Static checks of the two test-cell rules of COURSE_SPEC.md, on the lesson sources (no kernel).

* **Hints teach, they do not answer** (:func:`hint_leaks`): no hint of a test cell (a ``hint=``
  string, an ``assert ..., message``) contains an expression of its exercise's solution.
  Detection: every sub-expression of the solution's ``### BEGIN SOLUTION`` region that is
  *code-like* (:func:`code_like`: at least two operations, e.g. ``dout.T @ X``,
  ``(z > 0).astype(float)``, ``np.where(z >= 0, 1.0, 0.0)``, or one binary operation between two
  non-constant operands, e.g. ``W2 @ W1``) is unparsed with ``ast.unparse`` and normalised
  (:func:`normalise`: no whitespace, no ``np.`` prefix, ``1.0`` -> ``1``, ``2 * x`` -> ``2 x``); a
  hint leaks when its normalised text contains one of them as a whole token sequence (not inside a
  longer name). A definition restated in words ("0 where z <= 0") is not code-like and passes.

* **Visible tests cover every kind of requirement** (:func:`detect_kinds`): for each requirement
  kind of ``tests/exercise_catalogue.py``, a simple syntactic detector decides whether a part of a
  test cell (visible or hidden) exercises it; ``KIND_DOCS`` says what each one looks for. Calls of
  the exercise are ``call(<exercise>, ...)``, ``assert_raises(Exc, <exercise>, ...)`` and direct
  calls ``<exercise>(...)``; a helper function defined in the test cell counts for the part that
  calls it. Arguments are followed through plain assignments (``z = np.array([...])``) of the
  part (the hidden part also sees the visible part's). :func:`auto_kinds` detects the kinds that
  need no catalogue entry (no_mutation, no_warning, value_error, float32, large): a kind checked
  only in the hidden part is a rule the student cannot see.

Everything here reads Python source with ``ast``; it is deliberately simple, documented and tested
(tests/test_lesson_rules.py), and errs towards reporting.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from lesson_harness import HIDDEN_BEGIN, HIDDEN_END, split_test_source

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
ASSERT_HELPERS = {
    "assert_close",
    "assert_equal",
    "assert_true",
    "assert_shape",
    "assert_float_array",
    "assert_unchanged",
    "assert_raises",
}
STAT_NAMES = {"mean", "std", "var", "min", "max", "median", "percentile", "quantile"}

KIND_DOCS = {
    "no_mutation": "assert_unchanged(...) is called in the part",
    "no_warning": "the exercise is called with call(..., warnings=\"fail\")",
    "value_error": "assert_raises(ValueError, <exercise>, ...) is called in the part",
    "shape": "assert_shape(...) is called, or an assert helper inspects a .shape",
    "large": "a numeric literal with |v| >= 1000 reaches the argument",
    "zero": "a literal 0 reaches the argument (directly or as an element of a list/tuple literal)",
    "p01": "literals 0 and 1 both reach the argument as list/tuple elements",
    "array_like": "the argument is a list or tuple literal (or a name bound to one)",
    "kwarg": "the call passes the argument (as keyword or positionally)",
    "ignores_arg": "the argument is a lambda/def that never uses its own parameters",
    "in_place": "an assert after the call inspects a name that was passed to it (or put in a list passed to it)",
    "onehot": "the argument is built with eye(...) or is a nested list literal",
    "rank3": "the argument is built from a shape of 3 or more sizes (a 3-tuple, 3 size arguments) or a 3-deep list",
    "random_stats": "an rng is passed to the exercise and a statistic (mean, std, var, min, max) is computed",
    "time_limit": "the part measures time (time.*, perf_counter, monotonic)",
    "float32": "an argument of the exercise mentions float32",
}


# ----------------------------------------------------------------------------- source access


@dataclass
class Exercise:
    """One graded exercise of a lesson source: its answer cell and its test cell, split."""

    name: str
    answer: str
    test: str
    visible: str = ""
    hidden: str = ""
    params: list = field(default_factory=list)

    def __post_init__(self):
        self.visible, self.hidden = split_test_source(self.test)
        self.params = signature(self.answer, self.name)


def lesson_exercises(nb) -> dict[str, Exercise]:
    """name -> Exercise for every answer cell with a test cell test_<name> (a built source notebook)."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if cell.cell_type == "code" and meta.get("grade_id"):
            cells[meta["grade_id"]] = (cell.source, bool(meta.get("solution")) and not meta.get("grade"))
    return {
        gid: Exercise(gid, src, cells[f"test_{gid}"][0])
        for gid, (src, is_answer) in cells.items()
        if is_answer and f"test_{gid}" in cells
    }


def signature(answer_source: str, name: str) -> list[str]:
    """Parameter names of ``def name`` (or of ``class name``'s ``__init__``, without self) in an answer cell."""
    try:
        tree = ast.parse(answer_source)
    except SyntaxError:
        return []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
        if isinstance(node, ast.ClassDef) and node.name == name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    return [a.arg for a in item.args.posonlyargs + item.args.args + item.args.kwonlyargs][1:]
            return []
    return []


# ----------------------------------------------------------------------------- hints


def normalise(text: str) -> str:
    """Whitespace out (one space kept between two words), ``np.``/``numpy.``/``math.`` prefixes out, one
    quote style, ``1.0`` -> ``1``, ``2 * x`` -> ``2 x``, ``2 * (..)`` -> ``2(..)``: the form in which hints and
    solution expressions are compared."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ?([^\w ]) ?", r"\1", text)  # spaces only between two words survive
    text = re.sub(r"(?<![\w.])(?:np|numpy|math)\.", "", text)
    text = text.replace("'", '"')
    text = re.sub(r"(?<![\w.])(\d+)\.0(?![\d])", r"\1", text)
    text = re.sub(r"(?<=\d)\*(?=[A-Za-z_])", " ", text)  # 2 * relu(x) reads "2 relu(x)"
    text = re.sub(r"(?<=\d)\*(?=\()", "", text)  # 2 * (a - b) reads "2(a-b)"
    return text.strip()


_OPS = (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Call, ast.Attribute, ast.Subscript, ast.IfExp)
_OPERANDS = (ast.Name, ast.Attribute, ast.Subscript, ast.Call)


def _ops(node) -> int:
    count = 0
    for sub in ast.walk(node):
        if isinstance(sub, _OPS) and not (isinstance(sub, ast.UnaryOp) and isinstance(sub.operand, ast.Constant)):
            count += 1
    return count


def code_like(node) -> bool:
    """A solution sub-expression specific enough that a hint must not contain it (see module doc)."""
    if not isinstance(node, ast.expr) or isinstance(node, (ast.Name, ast.Constant, ast.JoinedStr)):
        return False
    n = _ops(node)
    if n >= 2:
        return True
    if isinstance(node, ast.BinOp):
        return isinstance(node.left, _OPERANDS) and isinstance(node.right, _OPERANDS)
    if isinstance(node, ast.Compare):
        return all(isinstance(x, _OPERANDS) for x in [node.left, *node.comparators])
    return False


def solution_expressions(answer_source: str, min_length: int = 5) -> set[str]:
    """Normalised code-like sub-expressions of the answer cell's solution region(s)."""
    lines = answer_source.splitlines()
    regions, start = [], None
    for i, line in enumerate(lines, 1):
        if line.strip() == SOLUTION_BEGIN:
            start = i
        elif line.strip() == SOLUTION_END and start is not None:
            regions.append((start, i))
            start = None
    if not regions:
        return set()
    try:
        tree = ast.parse(answer_source)
    except SyntaxError:
        return set()
    out = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.expr)
            and hasattr(node, "lineno")
            and code_like(node)
            and any(a < node.lineno and node.end_lineno < b for a, b in regions)
        ):
            text = normalise(ast.unparse(node))
            if len(text) >= min_length:
                out.add(text)
    return out


def _string_value(node, strings: dict) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):  # f-string: its literal parts, a placeholder between them
        return ["\0".join(v.value if isinstance(v, ast.Constant) else "\0" for v in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [
            a + b for a in _string_value(node.left, strings) or [""] for b in _string_value(node.right, strings) or [""]
        ]
    if isinstance(node, ast.Name):
        return strings.get(node.id, [])
    return []


def hints(test_source: str) -> list[str]:
    """Every hint of a test cell: ``hint=`` values, assert messages (strings, f-strings, names bound to them)."""
    try:
        tree = ast.parse(test_source)
    except SyntaxError:
        return []
    strings: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    strings.setdefault(target.id, []).extend(_string_value(node.value, {}))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "hint":
                    out += _string_value(kw.value, strings)
        elif isinstance(node, ast.Assert) and node.msg is not None:
            out += _string_value(node.msg, strings)
    return [h for h in out if h]


def leaks(hint: str, expressions: set[str]) -> list[str]:
    """The solution expressions (normalised) that a hint contains as a whole token sequence."""
    text = normalise(hint)
    found = []
    for expr in sorted(expressions, key=len, reverse=True):
        before = r"(?<![\w.])" if re.match(r"\w", expr) else ""  # a whole token sequence: not inside a longer name
        after = r"(?![\w])" if re.search(r"\w$", expr) else ""
        if re.search(before + re.escape(expr) + after, text) and not any(expr in f for f in found):
            found.append(expr)
    return found


def hint_leaks(exercise: Exercise) -> list[tuple[str, list[str]]]:
    """(hint, [leaked expressions]) for every hint of the exercise's test cell that contains its solution's code."""
    expressions = solution_expressions(exercise.answer)
    return [(h, found) for h in hints(exercise.test) if (found := leaks(h, expressions))]


# ----------------------------------------------------------------------------- requirement kinds


class _Part:
    """One part (visible or hidden) of a test cell, prepared for the detectors."""

    def __init__(self, code: str, context: str, exercise: str, params: list[str]):
        self.exercise, self.params = exercise, params
        self.tree = ast.parse(code)
        ctx_tree = ast.parse(context) if context.strip() else ast.Module(body=[], type_ignores=[])
        # names -> assigned expressions (the context's first: the hidden part sees the visible one's)
        self.assigned: dict[str, list] = {}
        self.functions: dict[str, ast.AST] = {}
        for tree in (ctx_tree, self.tree):
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        for name in _target_names(target):
                            self.assigned.setdefault(name, []).append(node.value)
                elif (
                    isinstance(node, (ast.AugAssign, ast.AnnAssign))
                    and isinstance(node.target, ast.Name)
                    and node.value
                ):
                    self.assigned.setdefault(node.target.id, []).append(node.value)
                elif isinstance(node, ast.FunctionDef):
                    self.functions[node.name] = node
        self.nodes = self._reachable()
        # a cell function's parameters stand for the arguments the part calls it with
        for node in self.nodes:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.functions:
                fn = self.functions[node.func.id].args
                names = [a.arg for a in fn.posonlyargs + fn.args]
                for name, value in zip(names, node.args):
                    self.assigned.setdefault(name, []).append(value)
                for kw in node.keywords:
                    if kw.arg:
                        self.assigned.setdefault(kw.arg, []).append(kw.value)

    def _reachable(self) -> list:
        """Statements of the part outside function bodies, plus bodies of cell functions it calls."""
        roots = [s for s in self.tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        seen, out, todo = set(), [], list(roots)
        while todo:
            node = todo.pop()
            for sub in ast.walk(node):
                out.append(sub)
                if (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Name)
                    and sub.func.id in self.functions
                    and sub.func.id not in seen
                ):
                    seen.add(sub.func.id)
                    todo.extend(self.functions[sub.func.id].body)
        return out

    def calls(self) -> list[tuple[ast.Call, list, dict]]:
        """(call node, positional args, keyword args) of every call of the exercise in the part."""
        out = []
        for node in self.nodes:
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            fn, args = node.func.id, node.args
            if fn == "call" and args and isinstance(args[0], ast.Name) and args[0].id == self.exercise:
                out.append(
                    (node, list(args[1:]), {k.arg: k.value for k in node.keywords if k.arg not in ("warnings", "hint")})
                )
            elif (
                fn == "assert_raises"
                and len(args) > 1
                and isinstance(args[1], ast.Name)
                and args[1].id == self.exercise
            ):
                out.append((node, list(args[2:]), {k.arg: k.value for k in node.keywords if k.arg != "hint"}))
            elif fn == self.exercise:
                out.append((node, list(args), {k.arg: k.value for k in node.keywords}))
        return out

    def argument(self, param: str) -> list:
        """Expressions passed as ``param`` to the exercise (by position from the signature, or by keyword)."""
        if param not in self.params:
            raise KeyError(f"{self.exercise} has no parameter {param!r} (signature: {', '.join(self.params) or '?'})")
        index = self.params.index(param)
        out = []
        for _, args, kwargs in self.calls():
            if param in kwargs:
                out.append(kwargs[param])
            elif index < len(args) and not any(isinstance(a, ast.Starred) for a in args[: index + 1]):
                out.append(args[index])
        return out

    def resolve(self, node, depth: int = 4) -> list:
        """The node and, through names, the expressions assigned to them (a few levels deep)."""
        out, todo, seen = [], [(node, depth)], set()
        while todo:
            current, d = todo.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            out.append(current)
            if d <= 0:
                continue
            for sub in ast.walk(current):
                if isinstance(sub, ast.Name) and sub.id in self.assigned:
                    todo.extend((value, d - 1) for value in self.assigned[sub.id])
        return out


def _target_names(target) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _target_names(elt)]
    return []


def _number(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _number(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    return None


def _literal_numbers(exprs: list, elements_only: bool) -> list[float]:
    """Numbers that are the expression itself or elements of list/tuple literals inside it."""
    out = []
    for expr in exprs:
        if (value := _number(expr)) is not None:
            out.append(value)
        for sub in ast.walk(expr):
            if isinstance(sub, (ast.List, ast.Tuple, ast.Set)):
                out += [v for elt in sub.elts if (v := _number(elt)) is not None]
            elif not elements_only and (value := _number(sub)) is not None:
                out.append(value)
    return out


def _uses_params(fn) -> bool:
    args = fn.args
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    if args.vararg:
        names.add(args.vararg.arg)
    if args.kwarg:
        names.add(args.kwarg.arg)
    body = [fn.body] if isinstance(fn, ast.Lambda) else fn.body
    return any(isinstance(n, ast.Name) and n.id in names for b in body for n in ast.walk(b))


def _has_kind(part: _Part, kind: str) -> bool:
    name, _, arg = kind.partition(":")
    if name == "no_mutation":
        return any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "assert_unchanged"
            for n in part.nodes
        )
    if name == "no_warning":
        return any(
            any(
                k.arg == "warnings" and isinstance(k.value, ast.Constant) and k.value.value == "fail"
                for k in call.keywords
            )
            for call, _, _ in part.calls()
        )
    if name == "value_error":
        return any(
            isinstance(call.func, ast.Name)
            and call.func.id == "assert_raises"
            and call.args
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id == "ValueError"
            for call, _, _ in part.calls()
        )
    if name == "shape":
        for n in part.nodes:
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ASSERT_HELPERS:
                if n.func.id == "assert_shape" or any(
                    isinstance(s, ast.Attribute) and s.attr == "shape" for a in n.args for s in ast.walk(a)
                ):
                    return True
            if isinstance(n, ast.Assert) and any(
                isinstance(s, ast.Attribute) and s.attr == "shape" for s in ast.walk(n.test)
            ):
                return True
        return False
    if name == "time_limit":
        return any(
            (isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "time")
            or (isinstance(n, ast.Name) and n.id in ("perf_counter", "monotonic"))
            for n in part.nodes
        )
    if name == "random_stats":
        rng_passed = any(
            any(
                "rng" in ast.unparse(a) or "default_rng" in ast.unparse(a) or "Generator" in ast.unparse(a)
                for a in [*args, *kwargs.values()]
            )
            for _, args, kwargs in part.calls()
        )
        stats = any(
            isinstance(n, ast.Call)
            and (
                (isinstance(n.func, ast.Attribute) and n.func.attr in STAT_NAMES)
                or (isinstance(n.func, ast.Name) and n.func.id in STAT_NAMES)
            )
            for n in part.nodes
        )
        return rng_passed and stats
    if name == "in_place":
        return _in_place(part)
    if name == "float32":
        return any(
            "float32" in ast.unparse(e)
            for _, args, kwargs in part.calls()
            for a in [*args, *kwargs.values()]
            for e in part.resolve(a)
        )
    if name == "large" and not arg:  # any argument
        exprs = [e for _, args, kwargs in part.calls() for a in [*args, *kwargs.values()] for e in part.resolve(a)]
        return any(abs(v) >= 1000 for v in _literal_numbers(exprs, elements_only=False))
    exprs = [e for a in part.argument(arg) for e in part.resolve(a)]
    if name == "kwarg":
        return bool(part.argument(arg))
    if name == "large":
        return any(abs(v) >= 1000 for v in _literal_numbers(exprs, elements_only=False))
    if name == "zero":
        return 0.0 in _literal_numbers(exprs, elements_only=True)
    if name == "p01":
        values = _literal_numbers(exprs, elements_only=True)
        return 0.0 in values and 1.0 in values
    if name == "array_like":
        return any(isinstance(e, (ast.List, ast.Tuple)) for e in exprs)
    if name == "ignores_arg":
        for e in exprs:
            fn = e if isinstance(e, ast.Lambda) else part.functions.get(e.id) if isinstance(e, ast.Name) else None
            if fn is not None and not _uses_params(fn):
                return True
        return False
    if name == "onehot":
        return any(
            (isinstance(s, ast.Attribute) and s.attr in ("eye", "identity"))
            or (isinstance(s, ast.Name) and s.id in ("eye", "identity"))
            or (isinstance(s, ast.List) and s.elts and all(isinstance(x, ast.List) for x in s.elts))
            for e in exprs
            for s in ast.walk(e)
        )
    if name == "rank3":
        for e in exprs:
            for s in ast.walk(e):
                if (
                    isinstance(s, ast.Tuple)
                    and len(s.elts) >= 3
                    and not any(isinstance(x, (ast.Tuple, ast.List)) for x in s.elts)
                ):
                    return True
                if (
                    isinstance(s, ast.Call)
                    and isinstance(s.func, ast.Attribute)
                    and s.func.attr in ("reshape", "zeros", "ones", "empty", "rand", "randn")
                    and len(s.args) >= 3
                ):
                    return True
                if isinstance(s, ast.List) and any(
                    isinstance(x, ast.List) and any(isinstance(y, ast.List) for y in x.elts) for x in s.elts
                ):
                    return True
        return False
    raise ValueError(f"unknown requirement kind {kind!r} (known: {', '.join(sorted(KIND_DOCS))})")


def _in_place(part: _Part) -> bool:
    """After a call of the exercise, an assert helper (or assert) inspects a name that was passed to it."""
    statements = [s for s in ast.walk(part.tree) if isinstance(s, ast.stmt)]
    for call, args, kwargs in part.calls():
        passed = set()
        for a in [*args, *kwargs.values()]:
            for e in part.resolve(a, depth=1):
                passed |= {n.id for n in ast.walk(e) if isinstance(n, ast.Name)}
        passed -= {"np", part.exercise}
        for s in statements:
            if getattr(s, "lineno", 0) <= call.lineno:
                continue
            checks = [
                n
                for n in ast.walk(s)
                if (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ASSERT_HELPERS)
                or isinstance(n, ast.Assert)
            ]
            for check in checks:
                if any(isinstance(n, ast.Name) and n.id in passed for n in ast.walk(check)):
                    return True
    return False


AUTO_KINDS = ("no_mutation", "no_warning", "value_error", "float32")
# Kinds the hidden part need not repeat: a time limit is measured on the student's one training run.
HIDDEN_EXEMPT = ("time_limit",)


def detect_kinds(
    code: str, exercise: str, params: list[str], kinds: tuple[str, ...] | list[str], context: str = ""
) -> dict[str, bool]:
    """kind -> whether the code (one part of a test cell) exercises it; ``context`` is code that runs before."""
    part = _Part(code, context, exercise, params)
    return {kind: _has_kind(part, kind) for kind in kinds}


def missing_kinds(ex: Exercise, kinds: tuple[str, ...]) -> dict[str, list[str]]:
    """{"visible": [...], "hidden": [...]}: catalogue kinds the part does not exercise.

    The hidden part is held to the same kinds (other values), except HIDDEN_EXEMPT ones and for
    exercises without parameters (``and_gate()``: there are no other values to try).
    """
    visible = detect_kinds(ex.visible, ex.name, ex.params, kinds)
    wanted = [k for k in kinds if k.partition(":")[0] not in HIDDEN_EXEMPT] if ex.params else []
    hidden = (
        detect_kinds(ex.hidden, ex.name, ex.params, wanted, context=ex.visible)
        if ex.hidden.strip()
        else {k: False for k in wanted}
    )
    return {"visible": [k for k, ok in visible.items() if not ok], "hidden": [k for k, ok in hidden.items() if not ok]}


def hidden_only_kinds(ex: Exercise) -> list[str]:
    """Auto-detected kinds (AUTO_KINDS) that the hidden part checks and the visible part does not."""
    if not ex.hidden.strip():
        return []
    visible = detect_kinds(ex.visible, ex.name, ex.params, AUTO_KINDS)
    hidden = detect_kinds(ex.hidden, ex.name, ex.params, AUTO_KINDS, context=ex.visible)
    return [k for k in AUTO_KINDS if hidden[k] and not visible[k]]


__all__ = [
    "Exercise",
    "lesson_exercises",
    "signature",
    "normalise",
    "code_like",
    "solution_expressions",
    "hints",
    "leaks",
    "hint_leaks",
    "detect_kinds",
    "missing_kinds",
    "hidden_only_kinds",
    "KIND_DOCS",
    "AUTO_KINDS",
    "HIDDEN_BEGIN",
    "HIDDEN_END",
]
