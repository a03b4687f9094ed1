"""`python -m grader export [--output state/grades.csv]`: scores with a status column.

One row per student and lesson (every student and every lesson in the gradebook), sorted by
student then lesson::

    student_id,lesson,score,max_score,status

* ``score``: the gradebook's total (autograded + manual grades + extra credit), written with
  ``%g``; ``0`` for ``missing``; EMPTY when the submission could not be graded (``failed:`` with
  no scores), so that a failure never reads as an honest zero.
* ``status``: what ``python -m grader autograde`` recorded (:mod:`grader.status`): ``ok``,
  ``late``, ``flagged: <reasons>``, ``failed: <reason>``, ``missing``. For a submission graded some
  other way (plain ``nbgrader autograde``), the status is derived from the gradebook and the
  autograded folder: ``ok``/``late`` when nbgrader produced the autograded notebook, else
  ``failed: not autograded (...)``.

:func:`export_rows` returns the same rows as dicts, for colleagues' reports and benchmarks.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path

from grader import course as course_model
from grader.course import Course, CourseError

FIELDS = ["student_id", "lesson", "score", "max_score", "status"]


def _fmt(value) -> str:
    return "" if value is None else f"{float(value):g}"


def export_rows(course: Course | Path | str | None = None, overrides: list[str] | None = None) -> list[dict]:
    """Rows (dicts with FIELDS as keys, values as the CSV writes them) for every student and lesson."""
    from nbgrader.api import Gradebook, MissingEntry

    from grader.status import StatusStore

    if not isinstance(course, Course):
        course = Course.load(course, overrides)
    coursedir = course.coursedir()
    store = StatusStore(coursedir.db_url)
    try:
        recorded = store.load()
    finally:
        store.close()

    rows = []
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        lessons = sorted(gb.assignments, key=lambda a: a.name)
        students = sorted(s.id for s in gb.students)
        for student in students:
            for assignment in lessons:
                lesson = assignment.name
                max_score = assignment.max_score
                try:
                    submission = gb.find_submission(lesson, student)
                except MissingEntry:
                    submission = None
                status = recorded.get((student, lesson))
                if status is not None:
                    label = status.label
                    if status.kind == "missing":
                        score = 0.0
                    elif status.graded and submission is not None:
                        score = submission.score
                    else:
                        score = None
                elif submission is None:
                    label, score = "missing", 0.0
                else:
                    autograded = coursedir.format_path(coursedir.autograded_directory, student, lesson)
                    names = [n.name for n in assignment.notebooks]
                    if names and all(os.path.exists(os.path.join(autograded, f"{n}.ipynb")) for n in names):
                        label = "late" if (submission.total_seconds_late or 0) > 0 else "ok"
                        score = submission.score
                    else:
                        label = "failed: not autograded (no autograded notebook; run python -m grader autograde)"
                        score = None
                rows.append(
                    {
                        "student_id": student,
                        "lesson": lesson,
                        "score": _fmt(score),
                        "max_score": _fmt(max_score),
                        "status": label,
                    }
                )
    return rows


def write_csv(rows: list[dict], out) -> None:
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def add_arguments(parser) -> None:
    parser.add_argument("lesson", nargs="?", metavar="LESSON", help="with --lms: the lesson whose scores go to the LMS")
    parser.add_argument(
        "--output",
        "-o",
        default=None,
        metavar="PATH",
        help="CSV file to write ('-' for stdout; default state/grades.csv in the course)",
    )
    lms = parser.add_argument_group("to an LMS (a class without a server; see grader/lms/)")
    lms.add_argument("--lms", choices=("canvas", "moodle"), help="write LESSON's scores into this LMS's own CSV")
    lms.add_argument(
        "--roster", metavar="FILE", help="Canvas: the gradebook CSV export; Moodle: the assignment's grading worksheet"
    )
    lms.add_argument(
        "--column",
        metavar="HEADER",
        default=None,
        help="the column to fill (default: Canvas the assignment column naming LESSON, Moodle 'Grade')",
    )
    lms.add_argument("--out", metavar="FILE", default=None, help="where to write the filled copy of the roster")
    lms.add_argument(
        "--id-column",
        metavar="HEADER",
        default=None,
        help="roster column holding the course's student ids (default: Canvas 'SIS Login ID', "
        "Moodle the local part of 'Email address')",
    )
    lms.add_argument(
        "--feedback-zip",
        metavar="FILE",
        default=None,
        help="also pack LESSON's feedback pages into FILE the way the LMS takes them back",
    )
    course_model.add_arguments(parser)


def run(args) -> int:
    try:
        course = Course.from_args(args)
    except CourseError as err:
        return course_model.fail("export", err)
    if args.lms or args.roster or args.feedback_zip:
        if not (args.lesson and args.lms and args.roster):
            return course_model.fail(
                "export", CourseError("exporting to an LMS needs LESSON, --lms canvas|moodle and --roster FILE")
            )
        try:
            course.check_lesson(args.lesson)
        except CourseError as err:
            return course_model.fail("export", err)
        from grader.lms import grades

        return grades.run(course, args)
    if args.lesson:
        return course_model.fail("export", CourseError("LESSON is only used with --lms (the CSV holds every lesson)"))
    rows = export_rows(course)
    if args.output == "-":
        write_csv(rows, sys.stdout)
        return 0
    path = Path(args.output) if args.output else course.grades_csv
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    write_csv(rows, buffer)
    path.write_text(buffer.getvalue())
    problems = sum(1 for r in rows if r["status"].startswith(("failed", "flagged")))
    print(
        f"wrote {len(rows)} row(s) to {path}"
        + (f" ({problems} failed or flagged: see the status column)" if problems else "")
    )
    return 0
