"""grader.distribute without a cluster: what a task carries, the task itself, and the one gradebook writer.

* fast units: fingerprints, folders as bytes (no writing outside the target), when a submission is
  graded again, statuses (late as a kind, unknown keys ignored);
* the grading task run in this process after the course folder is moved away: it needs nothing but
  what it carries (late from the carried due date, the autograded notebook back as bytes);
* many results written at once by several processes into one SQLite gradebook, each result twice
  (a task that ran twice): one row per submission, the right scores and statuses.
  (tests/test_postgres.py does the same on PostgreSQL.)
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace

import pytest
from grader_helpers import CORRECT, HALF, WRONG, bwrap_works, make_course, submit

from grader import distribute
from grader.status import SubmissionStatus

# ---------------------------------------------------------------------------------------------
# units


def test_fingerprint_follows_the_files_and_the_lesson_version():
    files = {"ex.ipynb": b"{}", "timestamp.txt": b"2030-01-01 10:00:00 UTC"}
    fp = distribute.fingerprint("v1", files)
    assert fp == distribute.fingerprint("v1", dict(reversed(list(files.items()))))
    assert fp != distribute.fingerprint("v2", files)
    assert fp != distribute.fingerprint("v1", {**files, "timestamp.txt": b"2030-01-02 10:00:00 UTC"})
    assert fp != distribute.fingerprint("v1", {**files, "extra.py": b""})


def test_folders_travel_as_bytes_and_never_write_outside(tmp_path):
    src = tmp_path / "src"
    (src / "data").mkdir(parents=True)
    (src / "ex.ipynb").write_bytes(b"nb")
    (src / "data" / "x.csv").write_bytes(b"1,2")
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "ex-checkpoint.ipynb").write_bytes(b"old")
    (src / "link").symlink_to("/etc/hostname")
    files = distribute.read_folder(src, [".ipynb_checkpoints"])
    assert files == {"data/x.csv": b"1,2", "ex.ipynb": b"nb"}
    distribute.write_folder(tmp_path / "dst", files)
    assert (tmp_path / "dst" / "data" / "x.csv").read_bytes() == b"1,2"
    with pytest.raises(ValueError, match="outside"):
        distribute.write_folder(tmp_path / "dst", {"../evil": b"x"})
    assert not (tmp_path / "evil").exists()
    with pytest.raises(ValueError, match="larger than"):
        distribute.read_folder(src, limit=3)


def test_what_is_graded_again():
    ok = SubmissionStatus("a", "ex", "ok", graded=True, fingerprint="f1")
    assert not distribute.needs_grading(ok, "f1", True)
    assert distribute.needs_grading(ok, "f2", True)  # a new submission or lesson version
    assert distribute.needs_grading(ok, "f1", False)  # its autograded notebook went away
    assert distribute.needs_grading(None, "f1", True)  # never graded (or the run stopped before)
    student_fault = SubmissionStatus("a", "ex", "failed", "invalid notebook JSON (x)", fingerprint="f1")
    assert not distribute.needs_grading(student_fault, "f1", False)
    machinery = SubmissionStatus("a", "ex", "failed", "grader error: worker died", fingerprint="f1")
    assert distribute.needs_grading(machinery, "f1", False)


def test_late_is_a_kind_and_old_rows_still_load():
    late = SubmissionStatus("a", "ex", "ok", graded=True, late=True, seconds_late=60)
    assert (late.kind, late.label) == ("late", "late")
    flagged = SubmissionStatus("a", "ex", "flagged", "imports gc", late=True)
    assert flagged.label == "flagged: imports gc; late"
    row = SubmissionStatus.from_json('{"student": "a", "lesson": "ex", "kind": "ok", "from_the_future": 1}')
    assert (row.kind, row.fingerprint) == ("ok", "")


# ---------------------------------------------------------------------------------------------
# the task and the writer on a real course

ok, why = bwrap_works()
needs_sandbox = pytest.mark.skipif(not ok, reason=f"bubblewrap sandbox unavailable: {why}")
DUE = "2030-06-01 00:00:00 UTC"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Three submissions graded by the task in this process, the course folder moved away meanwhile."""
    from grader.autograde import sandbox_settings
    from grader.course import Course

    root = tmp_path_factory.mktemp("distribute") / "course"
    course = make_course(root, duedates={"ex": DUE})
    submit(course, "alice", "ex", CORRECT, timestamp="2030-05-01 10:00:00 UTC")
    submit(course, "bob", "ex", WRONG, timestamp="2030-05-01 10:00:00 UTC")
    submit(course, "carol", "ex", HALF, timestamp="2030-06-01 02:00:00 UTC")  # two hours late
    model = Course.load(course.root)
    env, hide = sandbox_settings(model, unsafe=False)
    with model.gradebook() as gb:
        package = distribute.make_package(model, gb, "ex", env, hide)
    subs = [distribute.read_submission(model, s, "ex", package.digest) for s in ("alice", "bob", "carol")]
    away = root.with_name("moved-away")
    os.rename(root, away)  # the task must not need the course folder
    try:
        results = [distribute.grade_submission(package, sub) for sub in subs]
    finally:
        os.rename(away, root)
    return course, model, package, results


@pytest.mark.slow
@needs_sandbox
def test_the_task_needs_only_what_it_carries(graded):
    course, model, package, results = graded
    by = {r.status["student"]: r for r in results}
    assert {s: r.status["kind"] for s, r in by.items()} == {"alice": "ok", "bob": "ok", "carol": "late"}
    assert by["carol"].status["seconds_late"] == pytest.approx(7200)
    assert by["alice"].notebooks["ex"]["grades"] == {
        "test_square": 2.0,
        "test_count_positive": 3.0,
        "explain_square": 0.0,
    }
    assert by["carol"].notebooks["ex"]["grades"]["test_count_positive"] == 0.0  # its hidden test failed
    assert set(by["alice"].files) == {"ex.ipynb", "timestamp.txt"}
    assert b'"outputs"' in by["alice"].files["ex.ipynb"]
    assert all(r.fingerprint and r.status["fingerprint"] == r.fingerprint for r in results)
    # the worker's scratch course keeps no submission once graded
    scratch = distribute.scratch_base()
    assert not list(scratch.glob("*/submitted/*")) and not list(scratch.glob("*/autograded/*"))
    assert not course.autograded("alice", "ex").exists()  # nothing written on the course side yet


def _write_all(args):
    root, overrides, results = args
    from grader.course import Course

    with distribute.GradebookWriter(Course.load(root, overrides)) as writer:
        for result in results:
            writer.write(result)


def write_concurrently(root, overrides, results, processes=4):
    """Every result written twice, spread over ``processes`` processes started together."""
    shares = [results[i::processes] + results[(i + 1) % processes :: processes] for i in range(processes)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes) as pool:
        pool.map(_write_all, [(str(root), overrides, share) for share in shares])


def many(results, n: int):
    """``n`` results for ``n`` students, cloned from real ones (a class finishing at once)."""
    out = []
    for i in range(n):
        base = results[i % len(results)]
        status = {**base.status, "student": f"s{i:03d}"}
        out.append(replace(base, status=status))
    return out


@pytest.mark.slow
@needs_sandbox
def test_many_results_at_once_on_sqlite(graded):
    course, model, package, results = graded
    burst = many(results, 24)
    write_concurrently(course.root, [], burst)
    from nbgrader.api import Gradebook
    from sqlalchemy import create_engine, text

    with Gradebook(course.db_url, "nnfs-test") as gb:
        got = {s.student.id: s.score for s in gb.find_assignment("ex").submissions}
    expected = {
        r.status["student"]: {"alice": 5.0, "bob": 0.0, "carol": 2.0}[results[i % 3].status["student"]]
        for i, r in enumerate(burst)
    }
    assert got == expected
    engine = create_engine(course.db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM submitted_assignment")).scalar() == 24
        assert conn.execute(text("SELECT COUNT(*) - COUNT(DISTINCT cell_id || notebook_id) FROM grade")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM nnfs_autograde_status")).scalar() == 24
    engine.dispose()
    assert all(course.autograded(f"s{i:03d}", "ex").is_file() for i in range(24))
    assert not list(course.path("autograded").glob("*/.ex.*"))  # no half-swapped folders left
