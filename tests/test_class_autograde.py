"""Real nbgrader autograding of the whole class, once per test run (``python -m grader autograde``).

Students, in a temporary copy of the course (every lesson):

- ``solution``: full autograded marks;
- ``blank`` (the untouched release): 0, graded without a crash; its autograded notebook also shows
  that the release runs, passes no test, and its demo cells degrade gracefully (the checks of
  ``lesson_harness.py ID --release``, without a second execution);
- ``wrong``: the solution with one exercise replaced by one of its WRONG variants: loses exactly
  that exercise's test points, plus those of the test cells its ALSO_FAILS entry names;
- ``correct0``, ``correct1`` (lessons on the two-process grader): the solution with every exercise
  replaced by its k-th CORRECT variant: full marks.

Its own file (and so its own pytest-xdist group): it runs beside the variants harness of
``tests/test_lessons.py``, which proves every variant in one kernel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import lesson_harness
import nbformat
import pytest
from grader_helpers import COURSE_ENV, course_skeleton

from grader.notebooks import lesson_ids
from grader.trusted import policy

LESSONS = lesson_ids()
STUDENTS = ("solution", "blank", "wrong", "correct0", "correct1")
lesson_param = pytest.mark.parametrize("lesson", LESSONS)


def solution_nb(lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(lesson_harness.solution_path(lesson), as_version=4)


#: students correct0/correct1 (lessons on the two-process grader): the k-th CORRECT variant of every
#: exercise at once; every variant of a lesson went through that grader once before it was switched on
#: (tests/trusted_sweep.py, part of `make lesson`)
CORRECT_ROUNDS = 2


def _course_env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in COURSE_ENV}
    env["NNFS_EXCHANGE"] = str(root / "exchange")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    # Two grading workers on two cores: one BLAS/OpenMP thread per kernel (the sandbox passes these
    # through), or multi-threaded OpenBLAS spin-waits and training cells run several times slower.
    env.update(lesson_harness.thread_env(1))
    return env


def points_of(nb) -> dict[str, float]:
    """grade_id -> points of every autograded test cell."""
    return {
        lesson_harness.grade_id(c): float(lesson_harness.nbgrader_meta(c)["points"])
        for c in nb.cells
        if lesson_harness.is_test_cell(c)
    }


def choose_wrong(lesson: str) -> tuple[str, int, str, tuple[str, ...]]:
    """(exercise, variant index, answer source, test ids expected to lose points) for student 'wrong'.

    The first exercise in notebook order without an ALSO_FAILS entry (else the first), its first
    WRONG variant: the variants harness (test_lessons.py) proves that every WRONG variant fails its
    own test cell, so any of them loses exactly that cell's points (plus its ALSO_FAILS cells).
    """
    module = lesson_harness.load_variants(lesson)
    if module is None:
        raise LookupError(f"tests/lesson_cases/{lesson}.py is missing")
    also = getattr(module, "ALSO_FAILS", {}) or {}
    order = [lesson_harness.grade_id(c) for c in solution_nb(lesson).cells if lesson_harness.is_answer_cell(c)]
    candidates = [name for name in order if module.WRONG.get(name)]
    if not candidates:
        raise LookupError(f"{lesson}: no WRONG variant in tests/lesson_cases/{lesson}.py")
    name = sorted(candidates, key=lambda n: (bool(also.get(n)), order.index(n)))[0]
    variant = module.WRONG[name][0]
    source = variant[0] if isinstance(variant, (tuple, list)) else variant
    return name, 0, source, (f"test_{name}", *also.get(name, ()))


def correct_submissions(lesson: str, solution_text: str, rounds: int) -> dict[str, str]:
    """{"correct<k>": notebook text}: the solution with every exercise replaced by its k-th CORRECT variant."""
    module = lesson_harness.load_variants(lesson)
    variants = getattr(module, "CORRECT", {}) if module is not None else {}
    out = {}
    for k in range(min(rounds, max((len(v) for v in variants.values()), default=0))):
        nb = nbformat.reads(solution_text, as_version=4)
        for cell in nb.cells:
            name = lesson_harness.grade_id(cell) if lesson_harness.is_answer_cell(cell) else None
            if variants.get(name):
                cell.source = variants[name][k % len(variants[name])]
        out[f"correct{k}"] = nbformat.writes(nb)
    return out


@pytest.fixture(scope="module")
def class_grades(tmp_path_factory):
    """Autograde students solution/blank/wrong on every lesson, once, in a temporary course.

    Returns {"root", "lessons": {lesson: {"wrong": (...), "scores": {student: {grade_id: (score, max)}},
    "graded": {student: bool}}}, "log": str}.
    """
    root = tmp_path_factory.mktemp("course")
    course_skeleton(root, LESSONS)
    env = _course_env(root)
    # The assignments in the temporary gradebook, through nbgrader itself.
    gen = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--force", f"--CourseDirectory.root={root}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    logs = [f"$ nbgrader generate_assignment '*' -> {gen.returncode}\n{gen.stderr[-3000:] if gen.returncode else ''}"]

    info = {}
    for lesson in LESSONS:
        entry = info[lesson] = {
            "scores": {},
            "graded": {},
            "wrong": None,
            "wrong_error": None,
            "blank_report": None,
            "correct": [],
        }
        if not (lesson_harness.solution_path(lesson).exists() and lesson_harness.release_path(lesson).exists()):
            entry["wrong_error"] = f"{lesson}: solution or release notebook missing"
            continue
        solution_text = lesson_harness.solution_path(lesson).read_text()
        submissions = {"solution": solution_text, "blank": lesson_harness.release_path(lesson).read_text()}
        try:
            name, index, source, expected = choose_wrong(lesson)
        except LookupError as err:
            entry["wrong_error"] = str(err)
        else:
            nb = nbformat.reads(solution_text, as_version=4)
            for cell in nb.cells:
                if lesson_harness.is_answer_cell(cell) and lesson_harness.grade_id(cell) == name:
                    cell.source = source
            submissions["wrong"] = nbformat.writes(nb)
            entry["wrong"] = (name, index, expected)
        if policy.two_process(lesson):
            correct = correct_submissions(lesson, solution_text, CORRECT_ROUNDS)
            submissions.update(correct)
            entry["correct"] = sorted(correct)
        for student, text in submissions.items():
            target = root / "state" / "submitted" / student / lesson / f"{lesson}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)

    from grader import sandbox

    command = [
        sys.executable,
        "-m",
        "grader",
        "autograde",
        "--workers",
        "2",
        "--course-dir",
        str(root),
        "--no-progress",
    ]
    works, why = sandbox.available()
    if not works:  # grading results are what is checked here; the sandbox has its own tests
        command.append("--unsafe")
        logs.append(f"bubblewrap sandbox unavailable ({why}): grading with --unsafe")
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    logs.append(f"$ {' '.join(command)} -> {result.returncode}\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")

    from nbgrader.api import Gradebook, MissingEntry

    db_url = f"sqlite:///{root / 'state' / 'gradebook.db'}"
    from grader.status import StatusStore

    store = StatusStore(db_url)
    try:
        statuses = {key: status.label for key, status in store.load().items()}
    finally:
        store.close()
    with Gradebook(db_url) as gb:
        for lesson in LESSONS:
            entry = info[lesson]
            for student in STUDENTS:
                try:
                    submitted = gb.find_submission_notebook(lesson, lesson, student)
                except MissingEntry:
                    entry["graded"][student] = False
                    continue
                entry["graded"][student] = (
                    root / "state" / "autograded" / student / lesson / f"{lesson}.ipynb"
                ).exists()
                if student == "blank" and entry["graded"][student]:
                    executed = root / "state" / "autograded" / student / lesson / f"{lesson}.ipynb"
                    report = lesson_harness.LessonReport(lesson, "release", f"autograded blank {lesson}")
                    report.cells = lesson_harness.runs_from_executed(nbformat.read(executed, as_version=4))
                    entry["blank_report"] = lesson_harness.judge_release(report)
                entry["scores"][student] = {
                    g.name: (float(g.auto_score) if g.auto_score is not None else None, float(g.max_score))
                    for g in submitted.grades
                    if g.to_dict()["cell_type"] == "code"
                }
    return {"root": root, "lessons": info, "log": "\n".join(logs), "statuses": statuses}


def _scores(class_grades, lesson, student):
    entry = class_grades["lessons"][lesson]
    assert entry["graded"].get(student), (
        f"{lesson}: student {student!r} was not autograded (no graded submission in the gradebook)\n"
        + class_grades["log"][-6000:]
    )
    # grader/autograde.py records why a submission scored what it did
    label = class_grades["statuses"].get((student, lesson), "no status recorded")
    # a CORRECT variant may carry a static flag for human review (e.g. it rebinds a name the setup
    # imported): the flag never changes its score, which the test checks
    allowed = label == "ok" or (student.startswith("correct") and label.startswith("flagged"))
    assert allowed, f"{lesson}: student {student!r} autograded with status {label!r}"
    return entry["scores"][student]


@pytest.mark.slow
@lesson_param
def test_autograde_solution_gets_full_marks(lesson, class_grades):
    points = points_of(solution_nb(lesson))
    scores = _scores(class_grades, lesson, "solution")
    assert set(scores) == set(points), f"graded test cells {sorted(scores)} != notebook's {sorted(points)}"
    short = {gid: s for gid, (s, m) in scores.items() if s is None or s < points[gid]}
    assert not short, f"{lesson}: the solution loses points in {short} (of {points})"
    assert sum(s for s, _ in scores.values()) == pytest.approx(sum(points.values()))


@pytest.mark.slow
@lesson_param
def test_autograde_blank_gets_zero(lesson, class_grades):
    scores = _scores(class_grades, lesson, "blank")
    assert scores, f"{lesson}: no test cell graded for the blank notebook"
    earned = {gid: s for gid, (s, _) in scores.items() if s is None or s != 0}
    assert not earned, f"{lesson}: the untouched release earns points (or was not scored) in {earned}"


@pytest.mark.slow
@lesson_param
def test_release_runs_blank(lesson, class_grades):
    """The untouched release, as autograding ran it: no test passes, demo cells degrade gracefully.

    (The same checks as ``lesson_harness.py ID --release``, read from the blank student's autograded
    notebook instead of a second execution.)
    """
    _scores(class_grades, lesson, "blank")
    report = class_grades["lessons"][lesson]["blank_report"]
    assert report.ok, "\n" + report.format()


@pytest.mark.slow
@lesson_param
def test_autograde_wrong_loses_exactly_that_exercise(lesson, class_grades):
    entry = class_grades["lessons"][lesson]
    assert entry["wrong"] is not None, entry["wrong_error"]
    name, index, expected = entry["wrong"]
    points = points_of(solution_nb(lesson))
    scores = _scores(class_grades, lesson, "wrong")
    lost = {gid for gid, (s, m) in scores.items() if s is None or s < m}
    assert lost == set(expected), (
        f"{lesson}: WRONG[{name!r}][{index}] in place of the solution should lose exactly {sorted(expected)}, "
        f"it loses {sorted(lost)} (a test cell that also fails belongs in ALSO_FAILS[{name!r}])"
    )
    total = sum(s or 0.0 for s, _ in scores.values())
    assert total == pytest.approx(sum(points.values()) - sum(points[t] for t in expected))


@pytest.mark.slow
@lesson_param
def test_autograde_correct_variants_get_full_marks(lesson, class_grades):
    """Lessons on the two-process grader: correct answers in other styles lose nothing there either."""
    if not policy.two_process(lesson):
        pytest.skip(f"{lesson} is graded in one sandboxed kernel (grader/trusted/policy.py)")
    points = points_of(solution_nb(lesson))
    rounds = class_grades["lessons"][lesson]["correct"]
    assert rounds, f"{lesson}: no CORRECT variants in tests/lesson_cases/{lesson}.py"
    for student in rounds:
        scores = _scores(class_grades, lesson, student)
        short = {gid: s for gid, (s, m) in scores.items() if s is None or s < points[gid]}
        assert not short, f"{lesson}: {student} (CORRECT variants) loses points in {short}"
