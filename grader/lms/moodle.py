"""Moodle: the assignment's grading worksheet (roster and grades back) and "Download all submissions".

Grading worksheet (*Assignment > View all submissions > Grading action: Download grading
worksheet*; UTF-8 with a byte-order mark)::

    Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",
        "Last modified (submission)","Last modified (grade)","Feedback comments"
    "Participant 1234567","Ana García",ana.garcia@example.edu,"Submitted for grading",,100.00,Yes,
        "Tuesday, 5 March 2024, 3:12 PM",-,

Sites may add identity columns (``ID number``, ``Username``, ...) after ``Email address``;
columns are found by name. Uploading the worksheet back (*Upload grading worksheet*) matches rows
by ``Identifier`` and takes ``Grade`` and ``Feedback comments``.

Download all submissions: one folder per participant and submission plugin,
``<Full name>_<participant id>_assignsubmission_file_/`` (older Moodle) or without the final ``_``
(newer), holding the uploaded files under their own names; with "download submissions in folders"
off, the files are flat, ``<Full name>_<participant id>_assignsubmission_file_<file name>``.
Underscores in names are replaced by spaces, so the participant id is the first all-digit part.
The submission time is the worksheet's ``Last modified (submission)``, in the downloading user's
time zone (``--timezone``).

Feedback files go back through *Upload multiple feedback files in a zip*: Moodle reads the
participant id from the same folder naming and attaches each file to that participant's feedback.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from grader.lms.csvfile import CsvFile
from grader.lms.roster import LmsError, Roster, Student, check_student_id, split_name

NAME = "Moodle"
DEFAULT_ID_COLUMN = "Email address"
REQUIRED = ("Identifier", "Full name", "Grade")

_PARTICIPANT = re.compile(r"(\d+)\s*$")
_FOLDER = re.compile(
    r"^(?P<name>.*?)_(?P<pid>\d+)_assign(?P<kind>submission|feedback)_(?P<plugin>[a-z]+)(?P<rest>_.*)?$", re.S
)


# ------------------------------------------------------------------------------- roster


def read_roster(path: Path, table: CsvFile, id_column: str | None = None) -> Roster:
    if not table.rows:
        raise LmsError(f"{path.name} is empty")
    columns = [c.strip() for c in table.rows[0]]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise LmsError(
            f"{path.name} is not a Moodle grading worksheet: no column(s) {', '.join(map(repr, missing))} "
            f"(found: {', '.join(columns[:8])}). In Moodle: Assignment > View all submissions > "
            "Grading action > Download grading worksheet (English column names)"
        )
    local_part = id_column is None
    id_column = id_column or DEFAULT_ID_COLUMN
    roster = Roster("moodle", path, table, 0, columns, id_column)
    col_ident, col_name = roster.column("Identifier"), roster.column("Full name")
    col_email = columns.index("Email address") if "Email address" in columns else None
    try:
        col_key = roster.column(id_column)
    except LmsError:
        raise LmsError(
            f"{path.name} has no column {id_column!r} for the course's student ids "
            f"(columns: {', '.join(columns)}); name one with --id-column"
        ) from None
    seen: dict[str, int] = {}
    for r, row in enumerate(table.rows[1:], start=1):
        cells = [c.strip() for c in row]
        if len(cells) == 1 and not cells[0]:
            continue
        if len(cells) != len(columns):
            roster.skipped_rows.append((r, f"{len(cells)} field(s) where the header has {len(columns)}"))
            continue
        m = _PARTICIPANT.search(cells[col_ident])
        if not m:
            roster.skipped_rows.append((r, f"Identifier {cells[col_ident]!r} is not 'Participant <number>'"))
            continue
        key = cells[col_key]
        if local_part:
            key = key.split("@", 1)[0]
        why = check_student_id(key)
        name = cells[col_name]
        if why:
            roster.skipped_rows.append(
                (r, f"{name} ({cells[col_ident]}): {id_column} {why}; pass --id-column to use another column")
            )
            continue
        if key in seen:
            roster.skipped_rows.append((r, f"{name}: student id {key!r} already used by row {seen[key] + 1}"))
            continue
        seen[key] = r
        first, last = split_name(name)
        roster.students.append(
            Student(
                r,
                m.group(1),
                name,
                key,
                email=cells[col_email] if col_email is not None else "",
                first_name=first,
                last_name=last,
            )
        )
    return roster


def submitted_at(roster: Roster, student: Student, tz: str | None = None) -> datetime | None:
    """``Last modified (submission)`` as an aware datetime (None when '-' or absent)."""
    if "Last modified (submission)" not in roster.columns:
        return None
    text = roster.table.value(student.row, roster.columns.index("Last modified (submission)")).strip()
    if not text or text == "-":
        return None
    return parse_time(text, tz)


def parse_time(text: str, tz: str | None = None) -> datetime:
    from dateutil import parser as dateparser
    from dateutil.tz import gettz

    try:
        when = dateparser.parse(text)
    except (ValueError, OverflowError):
        raise LmsError(f"cannot read the time {text!r} (Moodle's 'Last modified (submission)')") from None
    if when.tzinfo is None:
        zone = gettz(tz) if tz else None
        if tz and zone is None:
            raise LmsError(f"unknown time zone {tz!r} (use a name like Europe/Madrid or UTC)")
        when = when.replace(tzinfo=zone) if zone else when.astimezone()
    return when.astimezone(timezone.utc)


def max_grade(roster: Roster, student: Student) -> float | None:
    if "Maximum Grade" not in roster.columns:
        return None
    try:
        return float(roster.table.value(student.row, roster.columns.index("Maximum Grade")).strip().replace(",", ""))
    except ValueError:
        return None


# ------------------------------------------------------------------------------- download


def parse_entry(path: str) -> dict:
    """What a zip entry's path says: ``{"lms_id", "name", "file", "order"}`` or ``{"error"}``."""
    parts = path.strip("/").split("/")
    top, inner = parts[0], "/".join(parts[1:])
    m = _FOLDER.match(top)
    if not m:
        return {
            "error": "not in a '<Full name>_<participant id>_assignsubmission_file_' folder as Moodle names "
            "downloads (is this a Moodle download?)"
        }
    rest = (m["rest"] or "")[1:]  # after the "_" that ends the folder prefix
    if inner and rest:
        return {"error": f"unexpected folder name {top!r}"}
    file = inner or rest
    if m["plugin"] != "file" or m["kind"] != "submission":
        return {
            "error": f"a '{m['kind']}_{m['plugin']}' entry (online text or comments), not an uploaded file",
            "lms_id": m["pid"],
        }
    if not file:
        return {"error": "an empty submission folder", "lms_id": m["pid"]}
    return {"lms_id": m["pid"], "name": m["name"], "late": False, "file": file, "order": ()}


def feedback_name(student: Student, lesson: str, collected: dict | None) -> tuple[str, str]:
    name = re.sub(r"[\\/:*?\"<>|_]", " ", student.name).strip() or "Participant"
    return f"{name}_{student.lms_id}_assignsubmission_file_/{lesson}_feedback.html", ""


FEEDBACK_README = (
    "Moodle: Assignment > View all submissions > Grading action: 'Upload multiple feedback files in a zip' "
    "(feedback type 'Feedback files' must be on), choose this zip: each folder's {lesson}_feedback.html "
    "becomes that participant's feedback file.\n"
)
