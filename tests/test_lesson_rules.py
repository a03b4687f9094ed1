"""Build-time checks of COURSE_SPEC's test-cell rules, for every lesson.

Fast (no kernel), on the lesson sources ``grader/sources/<id>.py``:
- the exercise catalogue (tests/exercise_catalogue.py, the in-repo copy of the spec's exercise list)
  matches the lessons: every exercise has its answer cell and test_<name> cell in solutions/ and lessons/;
- "Hints teach, they do not answer": no hint contains an expression of its exercise's solution;
- "Visible tests cover every kind of requirement": the visible part of every test cell exercises
  each requirement kind of its catalogue entry, the hidden part too (other values), and no kind
  that the detectors find on their own (no_mutation, no_warning, value_error, float32) is checked
  only in the hidden part;
- the detectors themselves, on known positive and negative examples.

That every WRONG variant of tests/lesson_cases fails the VISIBLE part of its test cell (unless
marked "hidden-only: <reason>") is proven by the variants harness itself, in the same kernel pass
as the rest (tests/test_lessons.py, ``lesson_harness.check_lesson``).
"""

from __future__ import annotations

import importlib.util
import textwrap

import exercise_catalogue
import lesson_harness
import lesson_rules
import nbformat
import pytest

from grader.notebooks import ROOT, SOURCES, lesson_ids, parse_source

LESSONS = lesson_ids()
CATALOGUED = [lesson for lesson in LESSONS if lesson in exercise_catalogue.CATALOGUE]
SPEC_CHECK = ROOT.parent / "shared" / "tools" / "spec_check.py"

lesson_param = pytest.mark.parametrize("lesson", CATALOGUED)


def _exercises(lesson: str) -> dict[str, lesson_rules.Exercise]:
    source = SOURCES / f"{lesson}.py"
    return lesson_rules.lesson_exercises(parse_source(source.read_text(), name=str(source.relative_to(ROOT))))


# ----------------------------------------------------------------------------- the catalogue


def test_catalogue_covers_every_lesson():
    assert set(exercise_catalogue.CATALOGUE) == set(LESSONS), (
        f"tests/exercise_catalogue.py lists {sorted(exercise_catalogue.CATALOGUE)}, grader/sources has {LESSONS}"
    )


def test_catalogue_kinds_are_known():
    bad = []
    for lesson, entries in exercise_catalogue.CATALOGUE.items():
        for name, kinds in entries.items():
            for kind in kinds:
                base, _, arg = kind.partition(":")
                takes_arg = base in ("large", "zero", "p01", "array_like", "kwarg", "ignores_arg", "onehot", "rank3")
                if base not in lesson_rules.KIND_DOCS or takes_arg != bool(arg):
                    bad.append(f"{lesson}.{name}: {kind!r}")
    assert not bad, "unknown or malformed requirement kinds:\n" + "\n".join(bad)


def test_catalogue_agrees_with_the_instructors_spec_check():
    """When ../shared is present, its exercise list (built and planned) is the catalogue's."""
    if not SPEC_CHECK.exists():
        pytest.skip(f"{SPEC_CHECK} not present (the catalogue is the in-repo copy)")
    spec = importlib.util.spec_from_file_location("_spec_check_rules", SPEC_CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    theirs = {
        lesson: set(names) | set(getattr(module, "PLANNED", {}).get(lesson, []))
        for lesson, names in module.LESSONS.items()
    }
    ours = {lesson: set(entries) for lesson, entries in exercise_catalogue.CATALOGUE.items()}
    assert ours == theirs


@lesson_param
def test_catalogue_exercises_exist_with_grade_ids(lesson):
    """Every catalogued exercise: answer cell <name> and test cell test_<name>, in solutions/ and lessons/."""
    problems = []
    for folder in ("solutions", "lessons"):
        path = ROOT / folder / lesson / f"{lesson}.ipynb"
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)} missing")
            continue
        nb = nbformat.read(path, as_version=4)
        answers = {lesson_harness.grade_id(c) for c in nb.cells if lesson_harness.is_answer_cell(c)}
        tests = {lesson_harness.grade_id(c) for c in nb.cells if lesson_harness.is_test_cell(c)}
        for name in exercise_catalogue.exercises(lesson):
            if name not in answers:
                problems.append(f"{folder}: no answer cell with grade_id {name!r}")
            if f"test_{name}" not in tests:
                problems.append(f"{folder}: no test cell with grade_id 'test_{name}'")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- the two rules, per lesson


@lesson_param
def test_hints_do_not_answer(lesson):
    """COURSE_SPEC "Hints teach, they do not answer": no hint contains its solution's code."""
    found = []
    for name, ex in _exercises(lesson).items():
        for hint, leaked in lesson_rules.hint_leaks(ex):
            found.append(
                f"test_{name}: hint contains the solution's {', '.join(repr(e) for e in leaked)}:\n    {hint!r}"
            )
    assert not found, (
        f"{lesson}: hints that hand over the answer (say what was expected, what came back "
        f"and which idea to revisit instead):\n" + "\n".join(found)
    )


@lesson_param
def test_visible_tests_cover_every_kind(lesson):
    """COURSE_SPEC "Visible tests cover every kind of requirement", statically (see tests/lesson_rules.py)."""
    exercises = _exercises(lesson)
    problems = []
    for name, kinds in exercise_catalogue.CATALOGUE[lesson].items():
        if name not in exercises:
            continue  # reported by test_catalogue_exercises_exist_with_grade_ids
        ex = exercises[name]
        try:
            missing = lesson_rules.missing_kinds(ex, kinds)
        except KeyError as err:  # a kind names a parameter the solution's signature lacks
            problems.append(f"{name}: {err.args[0]}")
            continue
        for part in ("visible", "hidden"):
            for kind in missing[part]:
                base = kind.partition(":")[0]
                problems.append(
                    f"test_{name}: the {part} part does not check {kind!r} ({lesson_rules.KIND_DOCS[base]})"
                )
        for kind in lesson_rules.hidden_only_kinds(ex):
            problems.append(
                f"test_{name}: {kind!r} is checked only in the hidden part "
                f"({lesson_rules.KIND_DOCS[kind]}): a rule the student cannot see"
            )
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_variants_files_are_well_formed(lesson):
    """WRONG entries are (source, note) or (source, note, "hidden-only: <reason>"), without running anything."""
    module = lesson_harness.load_variants(lesson)
    assert module is not None, f"tests/lesson_cases/{lesson}.py is missing"
    bad = [
        f"WRONG[{name!r}][{i}]"
        for name, items in getattr(module, "WRONG", {}).items()
        for i, item in enumerate(items)
        if not lesson_harness.wrong_entry_ok(item)
    ]
    assert not bad, "malformed WRONG entries: " + ", ".join(bad)


# ----------------------------------------------------------------------------- the detectors themselves

SOLUTIONS = {
    "collapse": "def collapse(W1, b1, W2, b2):\n    ### BEGIN SOLUTION\n    W = W2 @ W1\n    b = W2 @ b1 + b2\n"
    "    return W, b\n    ### END SOLUTION\n",
    "linear_backward": "def linear_backward(dout, X, W):\n    ### BEGIN SOLUTION\n    dX = dout @ W\n"
    "    dW = dout.T @ X\n    db = dout.sum(axis=0)\n    return dX, dW, db\n    ### END SOLUTION\n",
    "relu_grad": "def relu_grad(z):\n    ### BEGIN SOLUTION\n    return (z > 0).astype(float)\n    ### END SOLUTION\n",
    "step": "def step(z):\n    ### BEGIN SOLUTION\n    return np.where(z >= 0, 1.0, 0.0)\n    ### END SOLUTION\n",
    "tent": "def tent(x):\n    ### BEGIN SOLUTION\n    return 2 * relu(x) - 4 * relu(x - 0.5)\n    ### END SOLUTION\n",
    "relu_backward": "def relu_backward(dout, z):\n    ### BEGIN SOLUTION\n    return np.where(z > 0, dout, 0.0)\n"
    "    ### END SOLUTION\n",
    "rel": "def rel(a, b):\n    ### BEGIN SOLUTION\n    return np.max(np.abs(a - b))\n    ### END SOLUTION\n",
}


@pytest.mark.parametrize(
    "solution, hint",
    [
        ("collapse", "W = W2 @ W1 and b = ..."),
        ("linear_backward", "dW = dout.T @ X, shape (out, in)"),
        ("linear_backward", "db = dout.sum(axis=0) (a sum, not a mean)"),
        ("relu_grad", "use (z > 0).astype(float)"),
        ("step", "np.where(z >= 0, 1, 0) does it"),  # 1.0 and 1 are the same hint
        ("tent", "tent = 2 relu(x) - 4 relu(x - 1/2)"),  # 2 * relu(x) written as 2 relu(x)
        ("relu_backward", "return numpy.where(z>0,dout,0.0)"),
    ],
)
def test_hint_detector_finds_answers(solution, hint):
    ex = lesson_rules.Exercise(solution, SOLUTIONS[solution], f"assert_true(False, hint={hint!r})\n")
    assert lesson_rules.hint_leaks(ex), f"not detected: {hint!r}"


@pytest.mark.parametrize(
    "solution, hint",
    [
        ("relu_backward", "expected dout where z > 0 and 0 where z <= 0 (z == 0 included)"),  # the rule, in words
        ("collapse", "two stacked linear layers are one linear layer: multiply the matrices in the right order"),
        ("linear_backward", "dW has the shape of W, (out, in): entry (j, i) sums dout[n, j] * X[n, i] over n"),
        ("rel", "the data - bias difference is not the point here"),  # a - b inside longer names
        ("rel", "expected 0.2: the entries differ by 1 and add up to 5"),
        ("tent", "the derivative of relu is 0 for negative x"),
    ],
)
def test_hint_detector_passes_teaching_hints(solution, hint):
    ex = lesson_rules.Exercise(solution, SOLUTIONS[solution], f"assert_true(False, hint={hint!r})\n")
    assert not lesson_rules.hint_leaks(ex), lesson_rules.hint_leaks(ex)


def test_hints_are_collected_from_every_form():
    test = textwrap.dedent('''
        HINT = "a named hint"
        assert_close(out, 1.0, hint="plain")
        assert_true(ok, hint=f"formatted {value:.2f} text")
        assert_true(ok, hint="joined " + "parts")
        assert_true(ok, hint=HINT)
        assert ok, "an assert message"
    ''')
    found = lesson_rules.hints(test)
    assert {"plain", "joined parts", "a named hint", "an assert message"} <= set(found)
    assert any(h.startswith("formatted ") and h.endswith(" text") for h in found)


def test_solution_expressions_only_from_the_solution_region():
    answer = "def f(x):\n    y = x @ x.T\n    ### BEGIN SOLUTION\n    return np.exp(-np.abs(x))\n    ### END SOLUTION\n"
    exprs = lesson_rules.solution_expressions(answer)
    assert "exp(-abs(x))" in exprs and "abs(x)" in exprs
    assert not any("x.T" in e for e in exprs)


def _kinds(code, kinds, params=("z",), context="", exercise="f"):
    return lesson_rules.detect_kinds(textwrap.dedent(code), exercise, list(params), kinds, context=context)


def test_kind_detectors_positive():
    code = """
        z = np.array([1000.0, -1000.0, 0.0])
        before = snapshot(z)
        out = call(f, z, warnings="fail")
        assert_unchanged(before, [z])
        assert_shape(out, (3,))
        assert_raises(ValueError, f, np.ones((2, 2)))
        call(f, [0.5, 1.0], axis=0)
        call(f, np.array([1.0], dtype=np.float32))
    """
    found = _kinds(
        code,
        [
            "large:z",
            "zero:z",
            "no_warning",
            "no_mutation",
            "shape",
            "value_error",
            "array_like:z",
            "kwarg:axis",
            "float32",
        ],
        params=("z", "axis"),
    )
    assert all(found.values()), found


def test_kind_detectors_negative():
    code = """
        z = np.array([-1.0, 0.5, 2.0])
        out = call(f, z)
        assert_close(out, [0.0, 0.5, 2.0], hint="zeros in the EXPECTED value are no z == 0 input")
        big = 1000.0 * out.sum()
        rng = np.random.default_rng(0)
    """
    found = _kinds(
        code,
        [
            "large:z",
            "zero:z",
            "no_warning",
            "no_mutation",
            "shape",
            "value_error",
            "array_like:z",
            "kwarg:axis",
            "float32",
            "random_stats",
        ],
        params=("z", "axis"),
    )
    assert not any(found.values()), found


def test_kind_detectors_follow_helpers_and_the_visible_context():
    visible = textwrap.dedent("""
        def check(x):
            before = snapshot(x)
            call(f, x, lambda _: float(np.sum(A)))
            assert_unchanged(before, [x])
        A = np.array([1.0, 0.0])
        check(A)
    """)
    hidden = "check(np.array([[2.0, 0.0]]))\n"
    assert _kinds(visible, ["no_mutation", "ignores_arg:g", "zero:x"], params=("x", "g")) == {
        "no_mutation": True,
        "ignores_arg:g": True,
        "zero:x": True,
    }
    # the hidden part calls the visible helper: its checks count for the hidden part too
    assert _kinds(hidden, ["no_mutation", "zero:x"], params=("x", "g"), context=visible) == {
        "no_mutation": True,
        "zero:x": True,
    }
    # a lambda that reads its argument is not one that ignores it
    assert not _kinds("call(f, x, lambda v: np.sum(v))\n", ["ignores_arg:g"], params=("x", "g"))["ignores_arg:g"]


def test_kind_detector_in_place_and_statistics():
    code = """
        p = np.array([1.0, 2.0])
        call(f, [p], [np.ones(2)], 0.1)
        assert_close(p, [0.9, 1.9])
    """
    assert _kinds(code, ["in_place"], params=("params", "grads", "lr"))["in_place"]
    assert not _kinds("p = np.ones(2)\nout = call(f, [p], [p], 0.1)\n", ["in_place"], params=("params", "grads", "lr"))[
        "in_place"
    ]
    stats = "W = call(f, 3, 4, np.random.default_rng(0))\nassert_true(abs(W.std() - 0.5) < 0.1)\n"
    assert _kinds(stats, ["random_stats"], params=("fan_in", "fan_out", "rng"))["random_stats"]


def test_unknown_parameter_is_reported():
    with pytest.raises(KeyError, match="no parameter 'q'"):
        _kinds("call(f, 1.0)\n", ["zero:q"], params=("z",))


def test_split_test_source_matches_nbgrader():
    src = "a = 1\n### BEGIN HIDDEN TESTS\nb = 2\n### END HIDDEN TESTS\nc = 3\n"
    assert lesson_harness.split_test_source(src) == ("a = 1\nc = 3\n", "b = 2\n")
    assert lesson_harness.visible_part("a = 1\n") == "a = 1\n"
    assert lesson_harness.hidden_only_reason(("src", "note", "hidden-only: a secret value")) == "a secret value"
    assert lesson_harness.wrong_entry_ok(("src", "note"))
    assert not lesson_harness.wrong_entry_ok(("src", "note", "hidden only"))
    assert not lesson_harness.wrong_entry_ok(("src", "note", "hidden-only:   "))
