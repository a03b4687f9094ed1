"""Canvas: the gradebook CSV export (the roster and where grades go back) and "Download Submissions".

Gradebook export (*Grades > Export > Export Entire Gradebook*)::

    Student,ID,SIS User ID,SIS Login ID,Section,03_layers (1234),...,Current Score,...
        Points Possible,,,,,10.00,...,(read only),...
    "Doe, Jane",20001,U1,jdoe,Section 1,,...
    "Student, Test",99999,,,Section 1,,...

The identity columns are found by name (some instances add ``Integration ID`` or ``Root Account``),
the ``Points Possible`` row may start with spaces, and rows without a Canvas ``ID`` (``Manual
Posting``/muted rows) and the Test Student are not students. Assignment columns are named
``<title> (<assignment id>)``.

Download Submissions (Canvas's ``ContentZipper``): one file per uploaded attachment, named
``<sortable name>[_LATE]_<user id>_<attachment id>_<file name>``, the sortable name lowercased
with every non-word character removed (``"O'Brien, Seán"`` -> ``obrienseán``), ``anon_<id>`` in
place of the name and user id when grading is anonymous. A file resubmitted under the same name
becomes ``03_layers-1.ipynb``, ``-2``, ...; every zip entry carries the zip's build time, so the
newest upload is the one with the highest attachment id (then the highest suffix).

Feedback files go back through *Re-Upload Submissions*: Canvas reads the first two all-digit
``_``-separated parts of each file name as the user id and the attachment id of a file of that
student's submission, and attaches the file to the submission as a comment.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.lms.csvfile import CsvFile
from grader.lms.roster import LmsError, Roster, Student, check_student_id, split_name

NAME = "Canvas"
DEFAULT_ID_COLUMN = "SIS Login ID"
IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Root Account", "Section")
TEST_STUDENTS = {"student, test", "test student"}

_ENTRY = re.compile(r"^(?P<name>[^/]*?)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<aid>\d+)_(?P<file>[^/]+)$", re.S)
_ANON = re.compile(r"^(?:LATE_)?anon_(?P<anon>[A-Za-z0-9]+)_(?P<aid>\d+)_(?P<file>[^/]+)$", re.S)
_TEXT = re.compile(r"^(?P<name>[^/]*?)(?:_LATE)?_(?P<uid>\d+)_(?P<kind>text|link)\.html$", re.S)
_SUFFIX = re.compile(r"-(\d+)$")
_ASSIGNMENT = re.compile(r"^(?P<title>.*?)\s*\((?P<id>\d+)\)\s*$", re.S)


# ------------------------------------------------------------------------------- roster


def _header_row(table: CsvFile, path: Path) -> int:
    for r, row in enumerate(table.rows[:5]):
        cells = [c.strip() for c in row]
        if cells and cells[0] == "Student" and "ID" in cells:
            return r
    first = ",".join(table.rows[0][:6]) if table.rows else "(empty file)"
    raise LmsError(
        f"{path.name} is not a Canvas gradebook export: its header row should start with "
        f"'Student,ID,SIS User ID,SIS Login ID,Section' (found: {first!r}). In Canvas: "
        "Grades > Export > Export Entire Gradebook"
    )


def read_roster(path: Path, table: CsvFile, id_column: str | None = None) -> Roster:
    header = _header_row(table, path)
    columns = [c.strip() for c in table.rows[header]]
    id_column = id_column or DEFAULT_ID_COLUMN
    roster = Roster("canvas", path, table, header, columns, id_column)
    col_id = roster.column("ID")
    roster.column("Student")  # required: raises a clear error when absent
    try:
        col_key = roster.column(id_column)
    except LmsError:
        raise LmsError(
            f"{path.name} has no column {id_column!r} for the course's student ids "
            f"(columns: {', '.join(columns[:8])}, ...); name one with --id-column"
        ) from None
    seen: dict[str, int] = {}
    for r, row in enumerate(table.rows):
        if r <= header:
            continue
        cells = [c.strip() for c in row]
        first = cells[0] if cells else ""
        if len(cells) == 1 and not first:
            continue  # a blank line
        if first == "Points Possible":
            roster.points_row = r
            continue
        if len(cells) != len(columns):
            roster.skipped_rows.append((r, f"{len(cells)} field(s) where the header has {len(columns)}"))
            continue
        lms_id = cells[col_id]
        if not lms_id.isdigit():
            roster.skipped_rows.append((r, f"not a student row (no Canvas ID): {first or ','.join(cells[:6])!r}"))
            continue
        if first.lower() in TEST_STUDENTS:
            roster.skipped_rows.append((r, f"Canvas's Test Student ({first})"))
            continue
        key = cells[col_key]
        why = check_student_id(key)
        if why:
            roster.skipped_rows.append(
                (r, f"{first} (Canvas ID {lms_id}): {id_column} {why}; pass --id-column to use another column")
            )
            continue
        if key in seen:
            roster.skipped_rows.append((r, f"{first}: {id_column} {key!r} already used by row {seen[key] + 1}"))
            continue
        seen[key] = r
        first_name, last_name = split_name(first)
        roster.students.append(Student(r, lms_id, first, key, first_name=first_name, last_name=last_name))
    return roster


def assignment_columns(roster: Roster) -> list[str]:
    return [c for c in roster.columns if c not in IDENTITY and _ASSIGNMENT.match(c)]


def find_column(roster: Roster, lesson: str, header: str | None = None) -> int:
    """The column of ``lesson``: ``header`` exactly (with or without its ``(id)``), else found by the lesson id."""
    candidates = assignment_columns(roster)
    if header:
        for c, name in enumerate(roster.columns):
            title = _ASSIGNMENT.match(name)
            if name == header.strip() or (title and title["title"] == header.strip()):
                return c
        raise LmsError(
            f"{roster.path.name} has no column {header!r}; its assignment columns are: "
            f"{', '.join(candidates) or 'none'}"
        )
    token = re.compile(rf"(?<![A-Za-z0-9]){re.escape(lesson)}(?![A-Za-z0-9])", re.I)
    found = [c for c in candidates if token.search(_ASSIGNMENT.match(c)["title"])]
    if len(found) == 1:
        return roster.columns.index(found[0])
    if not found:
        raise LmsError(
            f"{roster.path.name} has no assignment column for lesson {lesson} (none of its assignment "
            f"columns names {lesson!r}: {', '.join(candidates) or 'none'}); "
            "name it with --column 'HEADER', or add the assignment in Canvas and export again"
        )
    raise LmsError(
        f"{roster.path.name} has several columns for lesson {lesson}: {', '.join(found)}; "
        "choose one with --column 'HEADER'"
    )


def points_possible(roster: Roster, col: int) -> float | None:
    if roster.points_row is None:
        return None
    try:
        return float(roster.table.value(roster.points_row, col).strip().replace(",", ""))
    except ValueError:
        return None


# ------------------------------------------------------------------------------- download


def parse_entry(path: str) -> dict:
    """What a zip entry's name says: ``{"lms_id", "name", "late", "file", "order", ...}`` or ``{"error"}``."""
    base = path.rsplit("/", 1)[-1]
    if "/" in path.strip("/"):
        return {"error": "inside a folder: Canvas's download is flat (is this a Canvas download?)"}
    if m := _TEXT.match(base):
        return {
            "error": f"a {'text entry' if m['kind'] == 'text' else 'website URL'} submission, not an uploaded notebook",
            "lms_id": m["uid"],
        }
    if m := _ANON.match(base):
        return {
            "error": "anonymous grading: Canvas hides who submitted (anon_"
            f"{m['anon']}); turn anonymous grading off for the download, or collect it by hand"
        }
    m = _ENTRY.match(base)
    if not m:
        return {"error": "not named <name>_<user id>_<attachment id>_<file> as Canvas names downloads"}
    stem = Path(m["file"]).stem
    suffix = _SUFFIX.search(stem)
    return {
        "lms_id": m["uid"],
        "name": m["name"],
        "late": bool(m["late"]),
        "file": m["file"],
        "attachment_id": m["aid"],
        "order": (int(m["aid"]), int(suffix.group(1)) if suffix else 0),
    }


def feedback_name(student: Student, lesson: str, collected: dict | None) -> tuple[str, str]:
    """(zip entry name, note) of the feedback page for Re-Upload Submissions."""
    name = re.sub(r"[^\w]", "", student.name.lower())
    aid = (collected or {}).get("attachment_id")
    if aid:
        return f"{name}_{student.lms_id}_{aid}_{lesson}_feedback.html", ""
    return (
        f"{name}_{student.lms_id}_{lesson}_feedback.html",
        "no attachment id known (collected elsewhere): attach by hand in SpeedGrader",
    )


FEEDBACK_README = (
    "Canvas: Assignments > {assignment} > Re-Upload Submissions (in the assignment's menu of the "
    "gradebook: 'Re-Upload Submissions'), choose this zip: each {lesson}_feedback.html is attached to that "
    "student's submission as a comment (the numbers in each file name are the student's Canvas user id and "
    "the id of the notebook they uploaded). Files without an attachment id: attach them by hand in SpeedGrader "
    "(the number is the Canvas user id).\n"
)
