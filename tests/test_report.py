"""`python -m grader report` on known inputs: a gradebook and autograded notebooks written here.

The gradebook is filled through nbgrader's own Gradebook API (as autograde fills it) with known
scores, including partial credit and a never-graded cell, and the autograded notebooks hold
known error outputs; the counts, failure messages, CSV and figure are checked exactly.
"""

from __future__ import annotations

import csv
import json

import pytest
from grader_helpers import TINY

from grader.notebooks import dumps, parse_source
from grader.report import failure_message, format_table

# nbgrader's add_submission warns about its own session handling; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

# student -> (test_double score, test_square score, (double error, square error))
# test_double is worth 2 points, test_square 3; None = never graded
SCORES = {
    "s1": (2.0, 3.0, (None, None)),
    "s2": (2.0, 0.0, (None, ("AssertionError", "square of a larger number is wrong\nexpected 49, got 7"))),
    "s3": (
        0.0,
        0.0,
        (
            ("AssertionError", "double(2) should be 4: multiply by two"),
            ("AssertionError", "square of a larger number is wrong"),
        ),
    ),
    "s4": (0.0, 1.5, (("NotImplementedError", ""), None)),
    "s5": (2.0, None, (None, None)),
    "s6": (
        0.0,
        0.0,
        (("AssertionError", "double(2) should be 4: multiply by two"), ("NameError", "name 'np' is not defined")),
    ),
}


def _error(ename, evalue):
    return {
        "output_type": "error",
        "ename": ename,
        "evalue": evalue,
        "traceback": [f"\x1b[31m{ename}\x1b[39m: {evalue}"],
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from grader_helpers import COURSE_ENV

    from grader.course import Course
    from grader.setup import copy_course, setup

    root = copy_course(tmp_path_factory.mktemp("report") / "course")
    with pytest.MonkeyPatch.context() as patch:  # the test course only, whatever this shell has set
        for name in COURSE_ENV:
            patch.delenv(name, raising=False)
        setup(Course.load(root))
    nb = parse_source(TINY, "tiny.py")
    (root / "solutions" / "tiny").mkdir(parents=True)
    (root / "solutions" / "tiny" / "tiny.ipynb").write_text(dumps(nb))
    course = Course.load(root)
    with course.gradebook() as gb:
        gb.add_assignment("tiny")
        gb.add_notebook("tiny", "tiny")
        for cell in nb.cells:  # source order: the report lists exercises in the lesson's order
            meta = cell.metadata.get("nbgrader")
            if meta:
                gb.add_source_cell(
                    meta["grade_id"],
                    "tiny",
                    "tiny",
                    cell_type=cell.cell_type,
                    source=cell.source,
                    locked=meta.get("locked", False),
                    checksum="x",
                )
        # deliberately added in reverse order
        gb.add_grade_cell("explain_square", "tiny", "tiny", max_score=1, cell_type="markdown")
        gb.add_grade_cell("test_square", "tiny", "tiny", max_score=3, cell_type="code")
        gb.add_grade_cell("test_double", "tiny", "tiny", max_score=2, cell_type="code")
        for student, (double, square, errors) in SCORES.items():
            gb.add_student(student)
            gb.add_submission("tiny", student)
            for name, score in (("test_double", double), ("test_square", square)):
                grade = gb.find_grade(name, "tiny", "tiny", student)
                grade.auto_score = score
                grade.needs_manual_grade = score is None
            gb.db.commit()
            autograded = json.loads(dumps(nb))
            for cell in autograded["cells"]:
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                error = dict(zip(("test_double", "test_square"), errors)).get(grade_id)
                if error:
                    cell["outputs"] = [
                        {"output_type": "stream", "name": "stdout", "text": "checking\n"},
                        _error(*error),
                    ]
            folder = course.autograded / student / "tiny"
            folder.mkdir(parents=True)
            (folder / "tiny.ipynb").write_text(json.dumps(autograded))
    return root


def test_failure_message_is_the_first_line_of_the_error():
    assert failure_message([_error("AssertionError", "first line\nsecond")]) == "AssertionError: first line"
    assert failure_message([_error("NotImplementedError", "")]) == "NotImplementedError"
    assert failure_message([{"output_type": "stream", "name": "stdout", "text": "hi"}]) is None
    assert failure_message([]) is None


def test_lesson_stats_count_passes_partials_failures_and_messages(course):
    from grader.course import Course
    from grader.report import lesson_stats

    rows = lesson_stats(Course.load(course), "tiny")
    assert [r["exercise"] for r in rows] == ["double", "square"]  # lesson order, not insertion order
    double, square = rows
    assert (double["submissions"], double["passed"], double["partial"], double["failed"], double["ungraded"]) == (
        6,
        3,
        0,
        3,
        0,
    )
    assert double["pass_rate"] == pytest.approx(0.5)
    assert double["mean_score"] == pytest.approx(6.0 / 6)
    assert double["failures"] == [
        ("AssertionError: double(2) should be 4: multiply by two", 2),
        ("NotImplementedError", 1),
    ]
    assert (square["submissions"], square["passed"], square["partial"], square["failed"], square["ungraded"]) == (
        6,
        1,
        1,
        3,
        1,
    )
    assert square["pass_rate"] == pytest.approx(1 / 6)
    assert square["mean_score"] == pytest.approx(4.5 / 6)
    assert square["failures"] == [
        ("AssertionError: square of a larger number is wrong", 2),
        ("NameError: name 'np' is not defined", 1),
    ]


def test_command_prints_table_and_saves_csv_and_figure(course, grader_cli):
    result = grader_cli("report", "tiny", cwd=course)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "tiny: 6 submission(s)" in out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("exercise"))
    assert lines[header + 2].split()[:8] == ["double", "2", "6", "3", "0", "3", "0", "50%"]
    assert lines[header + 3].split()[:8] == ["square", "3", "6", "1", "1", "3", "1", "17%"]
    assert "AssertionError: square of a larger number is wrong (x2)" in lines[header + 3]
    csv_path = course / "state" / "reports" / "tiny.csv"
    png_path = course / "state" / "reports" / "tiny.png"
    with csv_path.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["exercise"], r["passed"], r["partial"], r["failed"], r["ungraded"], r["pass_rate"]) for r in rows] == [
        ("double", "3", "0", "3", "0", "0.5000"),
        ("square", "1", "1", "3", "1", "0.1667"),
    ]
    assert rows[0]["top_failures"] == (
        "AssertionError: double(2) should be 4: multiply by two (x2); NotImplementedError (x1)"
    )
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png_path.stat().st_size > 5000


def test_lesson_without_submissions_and_unknown_lesson(course, grader_cli):
    from grader.course import Course
    from grader.report import lesson_stats

    assert lesson_stats(Course.load(course), "not_in_gradebook") == []
    result = grader_cli("report", "nope", "--course-dir", course)
    assert result.returncode == 2 and "unknown lesson 'nope'" in result.stderr


def test_format_table_aligns_columns():
    rows = [
        {
            "exercise": "a_long_name",
            "points": 2.0,
            "submissions": 10,
            "passed": 9,
            "partial": 0,
            "failed": 1,
            "ungraded": 0,
            "pass_rate": 0.9,
            "failures": [("AssertionError: x", 1)],
        },
        {
            "exercise": "b",
            "points": 1.0,
            "submissions": 10,
            "passed": 10,
            "partial": 0,
            "failed": 0,
            "ungraded": 0,
            "pass_rate": 1.0,
            "failures": [],
        },
    ]
    lines = format_table(rows).splitlines()
    assert lines[0].startswith("exercise     pts  n   passed")
    assert lines[2].startswith("a_long_name  2  ") and lines[3].startswith("b            1  ")
    assert lines[3].endswith("-") and lines[2].endswith("AssertionError: x (x1)")
