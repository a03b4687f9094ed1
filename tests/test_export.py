"""`python -m grader export`: the exact CSV for a gradebook and statuses built by hand (no kernels)."""

from __future__ import annotations

import pytest
from grader_helpers import make_course

from grader.status import StatusStore, SubmissionStatus

pytestmark = pytest.mark.filterwarnings("ignore:.*not in session")


def _grade(gb, student, scores: dict, late_timestamp=None):
    """A submission of lesson ex with the given auto scores (grade name -> points)."""
    kwargs = {"timestamp": late_timestamp} if late_timestamp else {}
    gb.update_or_create_student(student)
    gb.update_or_create_submission("ex", student, **kwargs)
    sub = gb.find_submission_notebook("ex", "ex", student)
    for grade in sub.grades:
        if grade.name in scores:
            grade.auto_score = scores[grade.name]
            grade.needs_manual_grade = False
    gb.db.commit()


def test_export_rows_are_exact(tmp_path, grader_cli):
    from nbgrader.api import Gradebook

    course = make_course(tmp_path / "course", duedates={"ex": "2030-06-01 00:00:00 UTC"})
    with Gradebook(course.db_url, "nnfs-test") as gb:
        _grade(gb, "ann", {"test_square": 2.0, "test_count_positive": 3.0})
        _grade(gb, "ben", {"test_square": 0.0, "test_count_positive": 0.0})
        _grade(gb, "cat", {})  # nbgrader failed: no scores at all
        _grade(gb, "dan", {"test_square": 2.0, "test_count_positive": 0.0})
        _grade(gb, "eve", {"test_square": 2.0, "test_count_positive": 3.0}, late_timestamp="2030-06-03 00:00:00 UTC")
        _grade(gb, "fay", {"test_square": 2.0, "test_count_positive": 3.0})  # graded without our CLI
        _grade(gb, "gus", {"test_square": 0.0})  # plain nbgrader failed: no autograded notebook
        gb.update_or_create_student("hal")  # never submitted, no status
        gb.update_or_create_student("ivy")
        # the instructor grades ann's written answer by hand
        grade = gb.find_grade("explain_square", "ex", "ex", "ann")
        grade.manual_score = 1.5
        gb.db.commit()
    (course.path("autograded", "fay", "ex")).mkdir(parents=True)
    (course.autograded("fay", "ex")).write_text("{}")

    store = StatusStore(course.db_url)
    store.save(SubmissionStatus("ann", "ex", "ok", graded=True))
    store.save(SubmissionStatus("ben", "ex", "ok", graded=True))
    store.save(
        SubmissionStatus("cat", "ex", "failed", "kernel died (the process exited, crashed or hit a resource limit)")
    )
    store.save(SubmissionStatus("dan", "ex", "flagged", "cell square: uses gc", graded=True, late=True))
    store.save(SubmissionStatus("eve", "ex", "ok", graded=True, late=True, seconds_late=172800.0))
    store.save(SubmissionStatus("ivy", "ex", "missing"))
    store.close()

    out = course.path("grades.csv")
    result = grader_cli("export", "--output", out, cwd=course.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote 9 row(s) to {out} (3 failed or flagged: see the status column)"
    assert out.read_text() == (
        "student_id,lesson,score,max_score,status\n"
        "ann,ex,6.5,7,ok\n"
        "ben,ex,0,7,ok\n"
        'cat,ex,,7,"failed: kernel died (the process exited, crashed or hit a resource limit)"\n'
        "dan,ex,2,7,flagged: cell square: uses gc; late\n"
        "eve,ex,5,7,late\n"
        "fay,ex,5,7,ok\n"
        "gus,ex,,7,failed: not autograded (no autograded notebook; run python -m grader autograde)\n"
        "hal,ex,0,7,missing\n"
        "ivy,ex,0,7,missing\n"
    )

    # re-saving a status replaces it (one row per student and lesson, always)
    store = StatusStore(course.db_url)
    store.save(SubmissionStatus("cat", "ex", "ok", graded=True))
    store.close()
    from grader.export import export_rows

    rows = [r for r in export_rows(course.root) if r["student_id"] == "cat"]
    assert rows == [{"student_id": "cat", "lesson": "ex", "score": "0", "max_score": "7", "status": "ok"}]
