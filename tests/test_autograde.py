"""`python -m grader autograde`: parallel == sequential, idempotent re-grades, lesson and student filters."""
from __future__ import annotations

import pytest

from grader_helpers import CORRECT, HALF, WRONG, bwrap_works, make_course, run_grader, submit

ok, why = bwrap_works()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not ok, reason=f"bubblewrap sandbox unavailable: {why}")]

SOURCE2 = '''\
# %% readonly id=setup
import numpy as np
from nnlib.testing import assert_close, call
# %% answer id=halve
def halve(x):
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=float) / 2
    ### END SOLUTION
# %% tests id=test_halve points=4
assert_close(call(halve, [2.0]), [1.0], hint="divide by two")
### BEGIN HIDDEN TESTS
assert_close(call(halve, [-4.0, 1.0]), [-2.0, 0.5], hint="negatives too")
### END HIDDEN TESTS
# %% [markdown] explain id=explain_halve points=1
# Halving is linear.
'''


def _results(course):
    """(student, lesson) -> (score or None, status label) from the gradebook and the status table."""
    from nbgrader.api import Gradebook, MissingEntry
    from grader.status import StatusStore
    store = StatusStore(course.db_url)
    recorded = store.load()
    store.close()
    out = {}
    with Gradebook(course.db_url, "nnfs-test") as gb:
        for (student, lesson), status in recorded.items():
            try:
                score = gb.find_submission(lesson, student).score
            except MissingEntry:
                score = None
            out[(student, lesson)] = (score, status.label)
    return out, recorded


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from grader_helpers import SOURCE
    course = make_course(tmp_path_factory.mktemp("autograde") / "course", {"ex": SOURCE, "ex2": SOURCE2})
    submit(course, "alice", "ex", CORRECT)
    submit(course, "bob", "ex", WRONG)
    submit(course, "carol", "ex", HALF)
    submit(course, "alice", "ex2", {"halve": "def halve(x):\n    return np.asarray(x, dtype=float) * 0.5"})
    submit(course, "bob", "ex2", {"halve": "def halve(x):\n    return np.abs(np.asarray(x, dtype=float)) / 2"})
    return course


EXPECTED = {
    ("alice", "ex"): (5.0, "ok"), ("bob", "ex"): (0.0, "ok"), ("carol", "ex"): (2.0, "ok"),
    ("alice", "ex2"): (4.0, "ok"), ("bob", "ex2"): (0.0, "ok"), ("carol", "ex2"): (None, "missing"),
}


def test_parallel_equals_sequential_and_regrading_is_idempotent(course):
    parallel = run_grader(course, "autograde", "--workers", "2", "--no-progress")
    assert parallel.returncode == 0, parallel.stderr[-3000:]
    assert parallel.stdout.startswith("graded 6 submission(s): 5 ok, 1 missing")
    first, _ = _results(course)
    assert first == EXPECTED

    sequential = run_grader(course, "autograde", "--workers", "1", "--no-progress")
    assert sequential.returncode == 0, sequential.stderr[-3000:]
    second, _ = _results(course)
    assert second == first == EXPECTED

    from nbgrader.api import Gradebook
    with Gradebook(course.db_url, "nnfs-test") as gb:     # re-grading replaced, never duplicated
        assert sorted((s.student.id, s.assignment.name) for a in gb.assignments for s in a.submissions) == sorted(
            key for key, value in EXPECTED.items() if value[1] != "missing")
    assert course.autograded("alice", "ex").exists() and not course.path("autograded", "carol", "ex2").exists()


def test_student_and_lesson_filters(course):
    before, recorded_before = _results(course)
    if before != EXPECTED:   # the first test did not run (-k): grade everything once
        assert run_grader(course, "autograde", "--no-progress").returncode == 0
        before, recorded_before = _results(course)
    submit(course, "carol", "ex", CORRECT)                  # carol fixes her count_positive
    result = run_grader(course, "autograde", "ex", "--student", "carol", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "graded 1 submission(s): 1 ok"
    after, recorded_after = _results(course)
    assert after == {**EXPECTED, ("carol", "ex"): (5.0, "ok")}
    for key in EXPECTED:
        if key != ("carol", "ex"):   # nothing else was re-graded
            assert recorded_after[key].graded_at == recorded_before[key].graded_at
            assert recorded_after[key].seconds == recorded_before[key].seconds

    # a lesson alone: every student, that lesson only (the plan, without grading it again)
    from nbgrader.coursedir import CourseDirectory
    from grader.autograde import load_config, plan
    coursedir = CourseDirectory(config=load_config(course.root))
    assert plan(coursedir, "ex2") == (["alice", "bob", "carol"], {"ex2": ["ex2"]})
    assert plan(coursedir, None, "bob") == (["bob"], {"ex": ["ex"], "ex2": ["ex2"]})

    unknown = run_grader(course, "autograde", "nope", "--no-progress")
    assert unknown.returncode == 2
    assert "lesson 'nope' is not in the gradebook" in unknown.stderr
