"""``python -m grader export LESSON --lms canvas|moodle --roster FILE [--column HEADER] --out FILE``.

Writes the LMS's own CSV back with this lesson's scores filled in, every other byte as it was
(:mod:`grader.lms.csvfile`), so that the LMS re-imports it (Canvas: *Grades > Import*; Moodle:
*Grading action > Upload grading worksheet*):

* Canvas: the assignment column named by ``--column``, else the one whose title holds the lesson id;
* Moodle: ``Grade`` (or ``--column``), and ``Feedback comments`` with a one-line summary.

Scores and statuses are the ones ``python -m grader export`` writes (nbgrader's gradebook and the
autograder's status table, :func:`grader.export.export_rows`). A score is scaled when the LMS's
maximum (Canvas's ``Points Possible``, Moodle's ``Maximum Grade``) differs from the lesson's.
A ``failed`` submission is left as it was (blank) and reported, never written as 0; a ``flagged``
one is written and listed; a student with no submission is left as it was.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.lms import canvas, module, moodle
from grader.lms.roster import LmsError, read_roster


@dataclass
class Filled:
    out: Path
    column: str
    written: list[tuple[str, str, str]] = field(default_factory=list)  # (student, value, status)
    flagged: list[tuple[str, str]] = field(default_factory=list)  # (student, status)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (student, status)
    no_submission: list[str] = field(default_factory=list)
    not_in_roster: list[str] = field(default_factory=list)
    scaled: str = ""


def _number(value: float) -> str:
    return f"{value:.2f}"


def fill(
    course, lesson: str, lms: str, roster_path: Path, out: Path, column: str | None = None, id_column: str | None = None
) -> Filled:
    """Fill ``lesson``'s scores from the course's gradebook into a copy of the roster at ``out``."""
    from grader.export import export_rows

    module(lms)
    course.check_lesson(lesson)
    roster = read_roster(roster_path, lms, id_column)
    rows = [r for r in export_rows(course) if r["lesson"] == lesson]
    result = fill_rows(roster, lesson, lms, rows, column)
    result.out = Path(out)
    result.out.parent.mkdir(parents=True, exist_ok=True)
    result.out.write_bytes(roster.table.to_bytes())
    return result


def fill_rows(roster, lesson: str, lms: str, export: list[dict], column: str | None = None) -> Filled:
    """Set ``lesson``'s cells of ``roster.table`` from rows of :func:`grader.export.export_rows`."""
    rows = {r["student_id"]: r for r in export}
    comment_col = None
    if lms == "canvas":
        col = canvas.find_column(roster, lesson, column)
        lms_max = canvas.points_possible(roster, col)
    else:
        col = roster.column(column or "Grade")
        comment_col = roster.columns.index("Feedback comments") if "Feedback comments" in roster.columns else None
        lms_max = None
    result = Filled(Path(), roster.columns[col])
    table = roster.table
    for student in roster.students:
        row = rows.get(student.student_id)
        status = row["status"] if row else "missing"
        if status == "missing":
            result.no_submission.append(student.student_id)
            continue
        if status.startswith("failed") or row["score"] == "":
            result.failed.append((student.student_id, status))
            continue
        score, lesson_max = float(row["score"]), float(row["max_score"] or 0)
        top = moodle.max_grade(roster, student) if lms == "moodle" else lms_max
        value = score
        if top and lesson_max and abs(top - lesson_max) > 1e-9:
            value = score * top / lesson_max
            result.scaled = f"scores scaled from the lesson's {lesson_max:g} points to the LMS's {top:g}"
        table.set(student.row, col, _number(value))
        if comment_col is not None:
            table.set(student.row, comment_col, summary(lesson, score, lesson_max, status))
        result.written.append((student.student_id, _number(value), status))
        if status.startswith("flagged"):
            result.flagged.append((student.student_id, status))
    known = roster.by_student_id()
    result.not_in_roster = sorted(s for s, r in rows.items() if s not in known and r["status"] != "missing")
    return result


def summary(lesson: str, score: float, max_score: float, status: str) -> str:
    """The one line in Moodle's Feedback comments."""
    text = f"{lesson}: {score:g} of {max_score:g} points"
    if status.startswith("flagged"):
        return text + " (under review by your instructor)"
    if status.startswith("late") or status.endswith("; late"):
        return text + " (submitted late)"
    return text


def report(result: Filled, lesson: str, lms: str) -> str:
    lines = [
        f"export {lesson} -> {result.out} ({lms}, column {result.column!r}): {len(result.written)} score(s) "
        f"written, {len(result.failed)} failed left blank, {len(result.no_submission)} without submission left blank"
    ]
    if result.scaled:
        lines.append(f"  {result.scaled}")
    for sid, status in result.flagged:
        lines.append(f"  flagged   {sid}: written; review it: {status}")
    for sid, status in result.failed:
        lines.append(f"  failed    {sid}: left blank (not a 0): {status}")
    if result.no_submission:
        lines.append(f"  no submission: {', '.join(result.no_submission)}")
    for sid in result.not_in_roster:
        lines.append(f"  not in the roster: {sid} has a grade for {lesson} but no row in the LMS file: not written")
    return "\n".join(lines)


def run(course, args) -> int:
    from grader.lms.feedback import pack

    try:
        if args.feedback_zip:
            packed = pack(course, args.lesson, args.lms, Path(args.roster), Path(args.feedback_zip), args.id_column)
            print(packed)
            if not (args.out or args.output):
                return 0
        out = args.out or args.output
        if not out:
            raise LmsError(
                "say where to write the filled LMS file: --out FILE (the roster itself is never overwritten)"
            )
        if Path(out).resolve() == Path(args.roster).resolve():
            raise LmsError("--out must not be the roster file itself: keep the LMS's original export")
        result = fill(course, args.lesson, args.lms, Path(args.roster), Path(out), args.column, args.id_column)
    except LmsError as err:
        print(f"export: {err}", file=sys.stderr)
        return 2
    print(report(result, args.lesson, args.lms))
    return 0
