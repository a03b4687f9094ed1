"""`python -m grader autograde` on the embedded Dask LocalCluster: the class graded once, late from
nbgrader's due dates, a second run grades only what changed, --force, filters, --unsafe leaves the
process's environment alone."""

from __future__ import annotations

import os

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
HALVE_OK = {"halve": "def halve(x):\n    return np.asarray(x, dtype=float) * 0.5"}
HALVE_ABS = {"halve": "def halve(x):\n    return np.abs(np.asarray(x, dtype=float)) / 2"}
DUE = "2030-06-01 00:00:00 UTC"
LATE = "2030-06-02 09:00:00.000000 UTC"  # a day and 9 hours after DUE
ON_TIME = "2030-05-31 23:00:00.000000 UTC"


def results(course):
    """(student, lesson) -> (score or None, status label), and the recorded statuses."""
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


def submission_rows(course) -> list[tuple[str, str]]:
    """Every (student, lesson) row of nbgrader's submission table: duplicates would show twice."""
    from sqlalchemy import create_engine, text

    engine = create_engine(course.db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT student.id, assignment.name FROM submitted_assignment "
                "JOIN student ON student.id = submitted_assignment.student_id "
                "JOIN assignment ON assignment.id = submitted_assignment.assignment_id"
            )
        ).all()
        grades = conn.execute(text("SELECT COUNT(*), COUNT(DISTINCT cell_id || notebook_id) FROM grade")).one()
    engine.dispose()
    assert grades[0] == grades[1], "duplicate grade rows"
    return sorted(tuple(r) for r in rows)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from grader_helpers import SOURCE

    course = make_course(
        tmp_path_factory.mktemp("autograde") / "course", {"ex": SOURCE, "ex2": SOURCE2}, duedates={"ex": DUE}
    )
    submit(course, "alice", "ex", CORRECT, timestamp=ON_TIME)
    submit(course, "bob", "ex", WRONG, timestamp=ON_TIME)
    submit(course, "carol", "ex", HALF, timestamp=ON_TIME)
    submit(course, "dave", "ex", CORRECT, timestamp=LATE)
    submit(course, "alice", "ex2", HALVE_OK)
    submit(course, "bob", "ex2", HALVE_ABS)
    return course


EXPECTED = {
    ("alice", "ex"): (5.0, "ok"),
    ("bob", "ex"): (0.0, "ok"),
    ("carol", "ex"): (2.0, "ok"),
    ("dave", "ex"): (5.0, "late"),
    ("alice", "ex2"): (4.0, "ok"),
    ("bob", "ex2"): (0.0, "ok"),
    ("carol", "ex2"): (None, "missing"),
    ("dave", "ex2"): (None, "missing"),
}


def test_the_class_once_then_only_what_changed(course):
    first = run_grader(course, "autograde", "--workers", "2", "--no-progress")
    assert first.returncode == 0, first.stderr[-3000:]
    assert first.stdout.startswith("graded 8 submission(s): 5 ok, 1 late, 2 missing"), first.stdout
    assert "LocalCluster of 2 worker process(es)" in first.stdout
    assert "dave" in first.stdout and "late" in first.stdout  # the summary lists the late one
    graded, recorded = results(course)
    assert graded == EXPECTED
    assert recorded[("dave", "ex")].seconds_late == pytest.approx(33 * 3600)  # nbgrader's own count
    assert not recorded[("alice", "ex")].late
    rows = submission_rows(course)
    assert rows == sorted(k for k, v in EXPECTED.items() if v[1] != "missing")
    assert course.autograded("alice", "ex").exists() and not course.path("autograded", "carol", "ex2").exists()

    # nothing changed: nothing graded, no cluster started
    again = run_grader(course, "autograde", "--no-progress")
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.startswith("graded 0 submission(s): nothing to do"), again.stdout
    assert "already graded (unchanged, skipped): 8" in again.stdout
    assert "LocalCluster" not in again.stdout + again.stderr

    # three new submissions: those three are graded, nothing else
    submit(course, "carol", "ex", CORRECT, timestamp=ON_TIME)
    submit(course, "carol", "ex2", HALVE_OK)
    submit(course, "bob", "ex2", HALVE_OK)
    third = run_grader(course, "autograde", "--no-progress")
    assert third.returncode == 0, third.stderr[-3000:]
    assert third.stdout.startswith("graded 3 submission(s): 3 ok"), third.stdout
    assert "already graded (unchanged, skipped): 5" in third.stdout
    after, recorded_after = results(course)
    changed = {("carol", "ex"): (5.0, "ok"), ("carol", "ex2"): (4.0, "ok"), ("bob", "ex2"): (4.0, "ok")}
    assert after == {**EXPECTED, **changed}
    for key in EXPECTED:
        if key not in changed:
            assert recorded_after[key].graded_at == recorded[key].graded_at
            assert recorded_after[key].seconds == recorded[key].seconds
    assert submission_rows(course) == sorted({*rows, *changed})

    # --force grades again what is selected, replacing (never duplicating) its rows; one progress bar
    forced = run_grader(course, "autograde", "ex", "--student", "dave", "--force")
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert forced.stdout.startswith("graded 1 submission(s): 1 late"), forced.stdout
    assert "autograde: 100%" in forced.stderr and "1/1" in forced.stderr, forced.stderr[-2000:]
    assert results(course)[0][("dave", "ex")] == (5.0, "late")
    assert submission_rows(course) == sorted({*rows, *changed})


def test_plan_filters_and_unknown_lesson(course):
    from grader.autograde import plan
    from grader.course import Course

    c = Course.load(course.root)
    assert plan(c, "ex2") == (["alice", "bob", "carol", "dave"], {"ex2": ["ex2"]})
    assert plan(c, None, "bob") == (["bob"], {"ex": ["ex"], "ex2": ["ex2"]})
    unknown = run_grader(course, "autograde", "nope", "--no-progress")
    assert unknown.returncode == 2
    assert "lesson 'nope' is not in the gradebook" in unknown.stderr
    both = run_grader(course, "autograde", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_unsafe_travels_with_the_tasks_and_does_not_leak(course, monkeypatch):
    """Issue 9: autograde(unsafe=True) used to leave NNFS_UNSAFE=1 set for the rest of the process."""
    from grader import distribute
    from grader.autograde import autograde

    monkeypatch.delenv("NNFS_UNSAFE", raising=False)
    monkeypatch.chdir(course.root)
    submit(course, "erin", "ex", CORRECT, timestamp=ON_TIME)
    run = autograde(course.root, "ex", "erin", workers=1, unsafe=True, progress=False)
    assert [(st.student, st.label) for st in run.statuses] == [("erin", "ok")]
    assert "NNFS_UNSAFE" not in os.environ

    with distribute.task_environment({"NNFS_UNSAFE": "1", "NNFS_DB_URL": "not carried"}, ["/nowhere"]):
        assert os.environ["NNFS_UNSAFE"] == "1"
        assert "NNFS_DB_URL" not in os.environ or os.environ["NNFS_DB_URL"] != "not carried"
        assert "/nowhere" in os.environ["NNFS_SANDBOX_HIDE"].split(os.pathsep)
    assert "NNFS_UNSAFE" not in os.environ and "NNFS_SANDBOX_HIDE" not in os.environ
