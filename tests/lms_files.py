"""Canvas and Moodle files for the tests, written the way Canvas and Moodle write them.

:func:`canvas_gradebook`, :func:`canvas_entry`, :func:`canvas_download`, :func:`moodle_worksheet`,
:func:`moodle_entry` and :func:`moodle_download` (see grader/lms/canvas.py and grader/lms/moodle.py
for the formats): tests/test_lms.py checks the parsers on them, tests/test_lms_roundtrip.py grades a
whole class from them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Person:
    first: str
    last: str
    login: str  # the course's student id (Canvas SIS Login ID, Moodle e-mail local part)
    canvas_id: int
    moodle_id: int

    @property
    def sortable(self) -> str:
        return f"{self.last}, {self.first}"

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{self.login}@uni.example"


def canvas_gradebook(
    people,
    assignments=(("00_welcome", 1201, "5.00"),),
    newline="\n",
    muted_row=True,
    test_student=True,
    extra_identity=False,
) -> bytes:
    """A Canvas "Export Entire Gradebook" CSV."""
    ident = (
        ["Student", "ID", "SIS User ID", "SIS Login ID"] + (["Root Account"] if extra_identity else []) + ["Section"]
    )
    cols = ident + [f"{name} ({aid})" for name, aid, _ in assignments] + ["Current Score", "Final Score"]
    pad = [""] * (len(ident) - 1)
    lines = [",".join(_q(c) for c in cols)]
    if muted_row:
        lines.append(",".join([""] * len(ident) + ["Manual Posting"] * len(assignments) + ["", ""]))
    lines.append(",".join(["    Points Possible"] + pad + [p for _, _, p in assignments] + ["(read only)"] * 2))
    for n, p in enumerate(people):
        row = (
            [p.sortable, str(p.canvas_id), f"U{n:04d}", p.login]
            + (["uni.example"] if extra_identity else [])
            + ["Sec 1"]
        )
        lines.append(",".join(_q(c) for c in row + [""] * len(assignments) + ["", ""]))
    if test_student:
        lines.append(
            ",".join(
                _q(c)
                for c in [
                    "Student, Test",
                    "99999",
                    "",
                    "",
                ]
                + (["uni.example"] if extra_identity else [])
                + ["Sec 1"]
                + [""] * len(assignments)
                + ["", ""]
            )
        )
    return (newline.join(lines) + newline).encode()


def _q(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ',"\n') else value


def canvas_entry(p: Person, attachment_id: int, filename: str, late: bool = False) -> str:
    """The zip entry name Canvas's ContentZipper gives an uploaded file."""
    name = re.sub(r"[^\w]", "", p.sortable.lower())
    return "_".join([name] + (["LATE"] if late else []) + [str(p.canvas_id), str(attachment_id), filename])


def canvas_download(path: Path, files: list[tuple[str, bytes]]) -> Path:
    """A "Download Submissions" zip: (entry name, bytes), every entry stamped with the build time."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2030, 5, 2, 9, 0, 0)), data)
    return path


MOODLE_HEADER = (
    "Identifier,\"Full name\",\"Email address\",Status,Grade,\"Maximum Grade\",\"Grade can be changed\","
    "\"Last modified (submission)\",\"Last modified (grade)\",\"Feedback comments\""
)


def moodle_worksheet(people, submitted: dict[str, str] | None = None, max_grade: str = "100.00") -> bytes:
    """A Moodle "Download grading worksheet" CSV: BOM, PHP fputcsv quoting, \\n line ends."""
    submitted = submitted or {}
    lines = [MOODLE_HEADER]
    for p in people:
        when = submitted.get(p.login)
        status = "Submitted for grading" if when else "No submission"
        lines.append(
            f"\"Participant {p.moodle_id}\",\"{p.full}\",{p.email},\"{status}\",,{max_grade},Yes,"
            f"{_php_q(when or '-')},-,"
        )
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def _php_q(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ' ,"') else value


def moodle_entry(p: Person, filename: str, trailing: bool = True) -> str:
    return f"{p.full.replace('_', ' ')}_{p.moodle_id}_assignsubmission_file{'_' if trailing else ''}/{filename}"


def moodle_download(path: Path, files: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2030, 5, 2, 9, 0, 0)), data)
    return path
