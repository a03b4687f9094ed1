"""Every lesson, checked the same way (generated from the lesson list, never written per lesson).

Fast checks (no kernel): sources and solutions in sync, lessons/ exactly what nbgrader's
generate_assignment makes, no committed outputs, the COURSE_SPEC contract of grade ids.

Slow checks (``@pytest.mark.slow``, still part of ``make test``):
- the variants harness (tests/lesson_harness.py): the solution passes, every CORRECT variant
  passes its test cell, every WRONG variant fails it;
- (real nbgrader autograding of the whole class: tests/test_class_autograde.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

import exercise_catalogue
import lesson_harness
import nbformat
import pytest
from grader_helpers import course_skeleton

from grader.notebooks import ROOT, SOURCES, dumps, lesson_ids, parse_source

LESSONS = lesson_ids()
SPEC_LESSONS = [
    "00_welcome",
    "01_linear_algebra",
    "02_neuron",
    "03_layers",
    "04_activations",
    "05_universal_approximation",
    "06_losses",
    "07_initialization",
    "08_backprop",
    "09_training",
    "10_digits",
    "11_pytorch",
]
SPEC_CHECK = ROOT.parent / "shared" / "tools" / "spec_check.py"

lesson_param = pytest.mark.parametrize("lesson", LESSONS)


def solution_nb(lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(lesson_harness.solution_path(lesson), as_version=4)


def release_nb(lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(lesson_harness.release_path(lesson), as_version=4)


def test_every_spec_lesson_exists():
    missing = []
    for lesson in SPEC_LESSONS:
        for path in (
            SOURCES / f"{lesson}.py",
            lesson_harness.solution_path(lesson),
            lesson_harness.release_path(lesson),
            lesson_harness.CASES / f"{lesson}.py",
        ):
            if not path.exists():
                missing.append(str(path.relative_to(ROOT)))
    assert not missing, "COURSE_SPEC lessons with missing files:\n" + "\n".join(missing)
    assert set(LESSONS) >= set(SPEC_LESSONS)


def test_lesson_list_is_not_empty():
    assert LESSONS, "grader/sources holds no lesson (NN_name.py)"


# ----------------------------------------------------------------------------- fast, static checks


@lesson_param
def test_solution_in_sync_with_source(lesson):
    source = SOURCES / f"{lesson}.py"
    built = dumps(parse_source(source.read_text(), name=str(source.relative_to(ROOT))))
    committed = lesson_harness.solution_path(lesson)
    assert committed.exists(), f"{committed.relative_to(ROOT)} missing: run python -m grader build {lesson}"
    assert committed.read_text() == built, (
        f"{committed.relative_to(ROOT)} is out of date with grader/sources/{lesson}.py: "
        f"run `python -m grader build {lesson}` and `python -m grader release {lesson} --no-exchange`"
    )


@pytest.fixture(scope="session")
def regenerated_root(tmp_path_factory):
    """A throw-away course root with nbgrader's generate_assignment run on every solution."""
    from grader.course import Course
    from grader.release import generate

    root = tmp_path_factory.mktemp("regenerated")
    course_skeleton(root, LESSONS)
    try:
        generate(Course.load(root), "*", db=False)  # one nbgrader process for every lesson (a glob of ids)
    except RuntimeError as err:  # one broken lesson: the others are still compared, it reports this
        return root, str(err)
    return root, ""


@lesson_param
def test_release_is_what_nbgrader_generates(lesson, regenerated_root):
    root, error = regenerated_root
    fresh = root / "lessons" / lesson / f"{lesson}.ipynb"
    committed = lesson_harness.release_path(lesson)
    assert lesson_harness.solution_path(lesson).exists(), f"solutions/{lesson}/{lesson}.ipynb missing"
    assert fresh.exists(), f"nbgrader generate_assignment made no {fresh}\n{error}"
    assert committed.exists(), f"{committed.relative_to(ROOT)} missing: python -m grader release {lesson} --no-exchange"
    want, got = json.loads(fresh.read_text()), json.loads(committed.read_text())
    if want != got:
        diffs = [
            f"cell {i} ({(w.get('metadata', {}).get('nbgrader') or {}).get('grade_id', w.get('id'))})"
            for i, (w, g) in enumerate(zip(want.get("cells", []), got.get("cells", [])))
            if w != g
        ]
        if len(want.get("cells", [])) != len(got.get("cells", [])):
            diffs.append(f"{len(got.get('cells', []))} cells committed, {len(want.get('cells', []))} generated")
        if want.get("metadata") != got.get("metadata"):
            diffs.append("notebook metadata")
        pytest.fail(
            f"{committed.relative_to(ROOT)} differs from what nbgrader generates from solutions/ "
            f"({', '.join(diffs) or 'formatting'}): run `python -m grader release {lesson} --no-exchange`"
        )


@lesson_param
@pytest.mark.parametrize("folder", ["solutions", "lessons"])
def test_committed_without_outputs(lesson, folder):
    path = ROOT / folder / lesson / f"{lesson}.ipynb"
    nb = nbformat.read(path, as_version=4)
    dirty = [
        cell.get("id", str(i))
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.relative_to(ROOT)}: outputs or execution counts committed in cells {dirty}"


def _spec_exercises() -> dict:
    """COURSE_SPEC's exercises per lesson, from the repository's own catalogue (no ../shared needed)."""
    return {lesson: exercise_catalogue.exercises(lesson) for lesson in exercise_catalogue.CATALOGUE}


@lesson_param
def test_spec_contract(lesson):
    """COURSE_SPEC's grade ids: answer cell = exercise name with a test_<name> cell, an explain_ cell.

    An answer cell without a test cell is an ungraded extra exercise (allowed); every exercise the
    spec lists (tests/exercise_catalogue.py) must be graded.
    """
    problems = []
    for folder, nb in (("solutions", solution_nb(lesson)), ("lessons", release_nb(lesson))):
        cells = {lesson_harness.grade_id(c): c for c in nb.cells if lesson_harness.grade_id(c)}
        answers = [gid for gid, c in cells.items() if lesson_harness.is_answer_cell(c)]
        tests = {gid: c for gid, c in cells.items() if lesson_harness.is_test_cell(c)}
        for gid in tests:
            if gid[len("test_") :] not in answers and gid.startswith("test_"):
                problems.append(f"{folder}: test cell {gid} has no answer cell {gid[len('test_') :]!r}")
        for gid, cell in tests.items():
            meta = lesson_harness.nbgrader_meta(cell)
            if not gid.startswith("test_"):
                problems.append(f"{folder}: test cell {gid!r} does not start with test_")
            if not meta.get("locked"):
                problems.append(f"{folder}: test cell {gid} is not locked")
            if not float(meta.get("points", 0)) > 0:
                problems.append(f"{folder}: test cell {gid} has no points")
            hidden = "### BEGIN HIDDEN TESTS" in cell.source
            if folder == "solutions" and not hidden:
                problems.append(f"solutions: test cell {gid} has no ### BEGIN HIDDEN TESTS block")
            if folder == "lessons" and (hidden or "### END HIDDEN TESTS" in cell.source):
                problems.append(f"lessons: test cell {gid} still shows its hidden tests")
        if folder == "lessons":
            for name in answers:
                if "### BEGIN SOLUTION" in cells[name].source:
                    problems.append(f"lessons: answer cell {name} still holds the solution")
        if not any(
            gid.startswith("explain_")
            and lesson_harness.nbgrader_meta(c).get("grade")
            and lesson_harness.nbgrader_meta(c).get("solution")
            and c.cell_type == "markdown"
            for gid, c in cells.items()
        ):
            problems.append(f"{folder}: no manually graded markdown explain_ cell")
        spec = _spec_exercises()
        if lesson in spec:
            for name in spec[lesson]:
                if name not in answers:
                    problems.append(
                        f"{folder}: COURSE_SPEC exercise {name!r} has no answer cell with grade_id {name!r}"
                    )
                if f"test_{name}" not in tests:
                    problems.append(f"{folder}: COURSE_SPEC exercise {name!r} has no test cell test_{name}")
    assert not problems, "\n".join(problems)


def test_shared_spec_check_passes_for_present_lessons():
    """The instructors' own checker, run on the lessons that exist (missing ones are the test above's)."""
    if not SPEC_CHECK.exists():
        pytest.skip(f"{SPEC_CHECK} not present")
    result = subprocess.run([sys.executable, str(SPEC_CHECK)], cwd=ROOT, capture_output=True, text=True)
    problems = [
        line
        for line in result.stdout.splitlines()
        if ": " in line
        and not line.startswith("spec check")
        and not any(
            line.startswith(f"{folder}/{lesson}/") and line.endswith("missing")
            for lesson in SPEC_LESSONS
            if lesson not in LESSONS
            for folder in ("solutions", "lessons")
        )
    ]
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- the variants harness

# harness_futures (tests/conftest.py): each lesson's harness runs once per test run, shared with
# any other test that reads it.


@pytest.mark.slow
@lesson_param
def test_variants_harness(lesson, harness_futures):
    report = harness_futures[("variants", lesson)].result()
    assert report.ok, "\n" + report.format()


# ----------------------------------------------------------------------------- the harness itself

TOY_SOURCE = """\
# %% [markdown]
# # Toy lesson
# %%
import numpy as np
# %% answer id=double
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
# %% tests id=test_double points=2
assert double(2) == 4, "double(2) should be 4"
### BEGIN HIDDEN TESTS
assert double(-1.5) == -3.0
### END HIDDEN TESTS
# %% answer id=quad
def quad(x):
    ### BEGIN SOLUTION
    return double(double(x))
    ### END SOLUTION
# %% tests id=test_quad
assert quad(1) == 4
# %%
print(quad(3))
# %% [markdown] explain id=explain_toy
# Because.
"""

TOY_CASES = '''
CORRECT = {"double": ["def double(x):\\n    return x + x\\n",
                      "def double(x):\\n    import sys; sys.stderr.write('careful\\\\n'); return x + x\\n"]}
WRONG = {"double": [("def double(x):\\n    return 3 * x\\n", "times three"),
                    ("def double(x):\\n    import sys; sys.stderr.write('oops\\\\n'); return 2 * x\\n", "warns only"),
                    ("def double(x):\\n    return 2 * x\\n", "not actually wrong"),
                    ("def double(x):\\n    return 2 * x if x > 0 else 0\\n", "zero for negatives"),
                    ("def double(x):\\n    return 2 * x if x > 0 else 0.0\\n", "zero for negatives",
                     "hidden-only: the visible test never shows a negative input")],
         "quad": [("def quad(x):\\n    return 4 * x + 1\\n", "off by one")],
         "triple": [("def triple(x):\\n    return x\\n", "not an exercise")]}
ALSO_FAILS = {"double": ["test_quad"]}
'''


@pytest.fixture(scope="module")
def toy_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("toy")
    (root / "solutions" / "99_toy").mkdir(parents=True)
    nb = parse_source(TOY_SOURCE, name="99_toy.py")
    (root / "solutions" / "99_toy" / "99_toy.ipynb").write_text(dumps(nb))
    (root / "cases").mkdir()
    (root / "cases" / "99_toy.py").write_text(TOY_CASES)
    # a "release" whose test passes on the blank and whose demo cell breaks
    blank = nbformat.reads(dumps(nb), as_version=4)
    for cell in blank.cells:
        if lesson_harness.grade_id(cell) == "double":
            cell.source = "def double(x):\n    return 2 * x"  # left the answer in: the test passes
        if lesson_harness.grade_id(cell) == "quad":
            cell.source = "def quad(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
        if lesson_harness.grade_id(cell) in ("test_double", "test_quad"):
            cell.source = lesson_harness.visible_part(cell.source)  # what nbgrader releases
    # the demo print(quad(3)) raises NotImplementedError on the blank (allowed); this one a NameError
    blank.cells.append(nbformat.v4.new_code_cell("undefined_name", id="broken-demo"))
    (root / "lessons" / "99_toy").mkdir(parents=True)
    (root / "lessons" / "99_toy" / "99_toy.ipynb").write_text(dumps(blank))
    return root


@pytest.mark.slow
def test_harness_flags_bad_variants(toy_course):
    report = lesson_harness.check_lesson("99_toy", root=toy_course, cases_dir=toy_course / "cases", timeout=30)
    problems = "\n".join(report.all_problems)
    assert not report.ok
    assert [c.label for c in report.cells if c.role == "tests" and c.passed] == ["test_double", "test_quad"]
    assert "'triple' is not an exercise" in problems
    assert "CORRECT double#1: a correct answer fails test_double: wrote to stderr: careful" in problems
    assert "WRONG double#1: fails test_double only by writing to stderr" in problems
    assert "WRONG double#2: a wrong answer passes test_double" in problems
    assert "WRONG double#2: ALSO_FAILS lists test_quad, but it passes" in problems
    assert "double#0" not in problems and "CORRECT double#0" not in problems
    assert "quad#0" not in problems
    # judged on the visible part first: an unmarked wrong answer that only a hidden test catches
    assert "WRONG double#3: a wrong answer passes the VISIBLE part of test_double" in problems
    # the same mistake marked hidden-only with a reason: accepted (only ALSO_FAILS, which quad(1) cannot see)
    assert "WRONG double#4: ALSO_FAILS lists test_quad, but it passes" in problems
    assert [p for p in report.all_problems if "double#4" in p and "ALSO_FAILS" not in p] == []
    assert "WRONG double#2: a wrong answer passes the VISIBLE part of test_double" in problems
    assert len(report.all_problems) == 9, problems
    wrong0 = next(v for v in report.variants if v.kind == "WRONG" and v.index == 0 and v.exercise == "double")
    assert wrong0.own.error.startswith("AssertionError") and not wrong0.own.passed
    assert not wrong0.others["test_quad"].passed
    # the restore step put the solution back: a later variant of quad saw the real double
    quad0 = next(v for v in report.variants if v.exercise == "quad")
    assert quad0.own.error.startswith("AssertionError")

    strict = lesson_harness.check_lesson(
        "99_toy", exercises=["quad"], others=True, root=toy_course, cases_dir=toy_course / "cases", timeout=30
    )
    assert [v.exercise for v in strict.variants] == ["quad"]
    assert strict.variants[0].others["test_double"].passed and strict.variants[0].ok


@pytest.mark.slow
def test_harness_flags_bad_release(toy_course):
    report = lesson_harness.check_release("99_toy", root=toy_course, timeout=30)
    problems = "\n".join(report.all_problems)
    assert "test_double passes on the blank notebook" in problems
    assert "raises NameError" in problems
    assert "test_quad" not in problems  # fails with NotImplementedError, as it should
    assert len(report.all_problems) == 2, problems


@lesson_param
def test_first_cell_says_how_to_hand_in(lesson):
    """Both ways of handing in, with the lesson's own id: the Assignments panel, and `make submit`."""
    first = next(cell for cell in release_nb(lesson).cells if cell.cell_type == "markdown")
    for needed in ("Submit", f"make submit LESSON={lesson}", f"state/to-upload/{lesson}.ipynb"):
        assert needed in first.source, f"{lesson}: the first cell does not say {needed!r}"
