"""The LMS's own export is the class roster: who is in the class, their LMS id and course id.

No extra roster to keep: Canvas's gradebook CSV export and Moodle's grading worksheet already list
every student with the id the LMS puts into its submission downloads (Canvas: the numeric user
``ID``; Moodle: the participant number of ``Participant 1234567``). The course's own student id
(the nbgrader student id: folder names, the gradebook) comes from a column the instructor names:
by default Canvas's ``SIS Login ID`` and, for Moodle, the local part of ``Email address``.

:func:`read_roster` returns a :class:`Roster`: its students, the parsed :class:`~grader.lms.csvfile.CsvFile`
(so the grades can be written back into the same bytes), and the rows it could not use, each with
the reason (nothing is dropped silently).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.lms.csvfile import CsvError, CsvFile

#: characters a course student id may hold (it becomes a folder name and a gradebook key)
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")


class LmsError(RuntimeError):
    """Bad LMS input (roster, download, column); the message says what is wrong and what to do."""


@dataclass
class Student:
    row: int  # row index in the CSV file (0-based, header included)
    lms_id: str  # Canvas user ID, Moodle participant number
    name: str  # as the LMS shows it ("Doe, Jane" in Canvas, "Jane Doe" in Moodle)
    student_id: str  # the course's (nbgrader's) student id
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Roster:
    lms: str
    path: Path
    table: CsvFile
    header_row: int
    columns: list[str]
    id_column: str
    students: list[Student] = field(default_factory=list)
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, why)
    points_row: int | None = None  # Canvas "Points Possible"

    def by_lms_id(self) -> dict[str, Student]:
        return {s.lms_id: s for s in self.students}

    def by_student_id(self) -> dict[str, Student]:
        return {s.student_id: s for s in self.students}

    def column(self, header: str) -> int:
        try:
            return self.columns.index(header)
        except ValueError:
            raise LmsError(f"{self.path.name} has no column {header!r} (columns: {', '.join(self.columns)})") from None


def check_student_id(value: str) -> str | None:
    """Why ``value`` cannot be a course student id, or None when it can."""
    if not value:
        return "empty"
    if not _ID_OK.match(value):
        return f"{value!r} has characters a student id cannot hold (letters, digits, . _ @ - only)"
    return None


def read_roster(path: str | Path, lms: str, id_column: str | None = None) -> Roster:
    """The roster in ``path``, a Canvas gradebook export or a Moodle grading worksheet."""
    from grader.lms import module

    path = Path(path)
    if not path.is_file():
        raise LmsError(f"no roster file at {path}")
    try:
        table = CsvFile.read(path)
    except CsvError as err:
        raise LmsError(str(err)) from None
    return module(lms).read_roster(path, table, id_column)


def split_name(full: str) -> tuple[str, str]:
    """(first, last) from "Last, First" or "First Last"."""
    full = full.strip()
    if "," in full:
        last, first = (p.strip() for p in full.split(",", 1))
        return first, last
    parts = full.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (full, "")
