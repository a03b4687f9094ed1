"""Reading an LMS bulk download: which file is whose, which one to grade, and why the others are not.

:func:`plan` looks at every entry of a Canvas or Moodle submissions zip without extracting
anything to disk and returns a :class:`Plan`: one :class:`Item` per zip entry (and one per roster
student with nothing in the zip), each with an outcome and a reason:

* ``matched`` / ``late``  the notebook that will be graded for that student (late: the LMS says so,
  or its submission time is after the lesson's due date);
* ``skipped``             not graded, and why: a ``.py`` or a ``.zip`` instead of the notebook, a
  notebook of another lesson, a new notebook with no lesson cells (``Untitled.ipynb``), an older
  upload superseded by a newer one, a damaged entry, a system file;
* ``unmatched``           a file whose LMS id is not a student of the roster, or whose name is not
  the LMS's naming;
* ``missing``             a roster student with no file in the download.

A notebook that is not valid JSON is still collected: autograde then records it as ``failed``
(never as an honest zero).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from grader.lms import module
from grader.lms.roster import LmsError, Roster, Student

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass
class Item:
    entry: str  # the zip entry's name
    outcome: str  # matched, late, skipped, unmatched, missing
    detail: str = ""
    lms_id: str = ""
    student: Student | None = None
    file: str = ""  # the uploaded file's own name
    late: bool = False
    order: tuple = ()
    timestamp: datetime | None = None
    attachment_id: str = ""

    @property
    def student_id(self) -> str:
        return self.student.student_id if self.student else ""

    def row(self) -> dict:
        return {
            "outcome": self.outcome,
            "student_id": self.student_id,
            "lms_id": self.lms_id,
            "name": self.student.name if self.student else "",
            "file": self.entry,
            "detail": self.detail,
            "submitted_at": self.timestamp.isoformat(sep=" ") if self.timestamp else "",
        }


@dataclass
class Plan:
    lesson: str
    lms: str
    zip_path: Path
    items: list[Item] = field(default_factory=list)

    @property
    def chosen(self) -> dict[str, Item]:
        return {i.student_id: i for i in self.items if i.outcome in ("matched", "late")}

    def count(self, outcome: str) -> int:
        return sum(1 for i in self.items if i.outcome == outcome)


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as the LMS wrote it (UTF-8 names without the UTF-8 flag are read as UTF-8)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def open_zip(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise LmsError(f"no download at {path}")
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile as err:
        raise LmsError(f"{path.name} is not a zip file or is damaged ({err}): download it from the LMS again") from None
    except OSError as err:
        raise LmsError(f"cannot read {path}: {err}") from None


def grade_ids(nb: dict) -> set[str]:
    ids = set()
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        meta = (cell.get("metadata") or {}).get("nbgrader") if isinstance(cell, dict) else None
        if isinstance(meta, dict) and meta.get("grade_id"):
            ids.add(str(meta["grade_id"]))
    return ids


def which_lesson(data: bytes, lesson: str, lessons: dict[str, set[str]]) -> tuple[bool, str]:
    """(collect it?, note) for a notebook's bytes, judged by its nbgrader cell ids."""
    try:
        nb = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return True, f"not valid notebook JSON ({type(err).__name__}): collected; autograde will mark it failed"
    found = grade_ids(nb)
    expected = lessons.get(lesson, set())
    # ids several lessons share (every lesson has a "setup" cell) say nothing about which lesson it is
    shared = {i for other, ids in lessons.items() if other != lesson for i in ids & expected}
    own = expected - shared
    if found & own or (not own and found & expected):
        lost = sorted(own - found)
        if lost:
            return True, (
                f"{len(lost)} graded cell(s) of {lesson} renamed or deleted ({', '.join(lost[:4])}"
                f"{', ...' if len(lost) > 4 else ''}): grading restores them, they may score 0"
            )
        return True, ""
    others = sorted(
        (
            (len(found & (ids - expected)), other)
            for other, ids in lessons.items()
            if other != lesson and found & (ids - expected)
        ),
        reverse=True,
    )
    if others:
        return False, f"a notebook of lesson {others[0][1]}, not {lesson}: ask the student to upload {lesson}.ipynb"
    if not found:
        return False, (
            f"not a lesson notebook (no graded cells: a new notebook such as Untitled.ipynb?): ask the "
            f"student to upload {lesson}.ipynb"
        )
    return False, f"none of its graded cells belong to {lesson}: ask the student to upload {lesson}.ipynb"


def _skip_by_type(file: str, lesson: str) -> str | None:
    base = file.rsplit("/", 1)[-1]
    lower = base.lower()
    if lower.endswith(".ipynb"):
        return None
    if lower.endswith(".py"):
        return f"a Python script ({base}), not the notebook: ask the student to upload {lesson}.ipynb"
    if lower.endswith((".zip", ".gz", ".tgz", ".7z", ".rar")):
        return f"an archive ({base}), not the notebook: ask the student to upload {lesson}.ipynb itself, not zipped"
    ext = Path(base).suffix or "(no extension)"
    return f"a {ext} file ({base}), not a notebook: ask the student to upload {lesson}.ipynb"


def plan(
    zip_path: Path | str,
    lms: str,
    roster: Roster,
    lesson: str,
    lessons: dict[str, set[str]],
    duedate: datetime | None = None,
    tz: str | None = None,
) -> Plan:
    """Decide, for every entry of the download, whose it is and whether it is graded."""
    zip_path = Path(zip_path)
    lms_module = module(lms)
    result = Plan(lesson, lms, zip_path)
    by_lms = roster.by_lms_id()
    candidates: dict[str, list[Item]] = {}
    with open_zip(zip_path) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if not infos:
            raise LmsError(f"{zip_path.name} holds no files: is it the right download?")
        for info in infos:
            name = entry_name(info)
            base = name.rsplit("/", 1)[-1]
            if name.startswith("__MACOSX/") or base in SYSTEM_FILES or base.startswith("._"):
                result.items.append(Item(name, "skipped", "a system file added by the computer that made the zip"))
                continue
            parsed = lms_module.parse_entry(name)
            lms_id = parsed.get("lms_id", "")
            student = by_lms.get(lms_id)
            if "error" in parsed:
                result.items.append(Item(name, "skipped" if student else "unmatched", parsed["error"], lms_id, student))
                continue
            if student is None:
                result.items.append(
                    Item(
                        name,
                        "unmatched",
                        f"{lms_module.NAME} id {lms_id} ({parsed.get('name', '')}) is not a student of "
                        f"{roster.path.name} (dropped the course, or an older roster?)",
                        lms_id,
                    )
                )
                continue
            # Canvas: attachment id and -N suffix; Moodle: the file times in the zip
            order = parsed.get("order") or tuple(info.date_time)
            item = Item(
                name,
                "matched",
                lms_id=lms_id,
                student=student,
                file=parsed["file"],
                late=parsed.get("late", False),
                order=order,
                attachment_id=parsed.get("attachment_id", ""),
            )
            why = _skip_by_type(parsed["file"], lesson)
            if why is None and info.file_size > MAX_NOTEBOOK_BYTES:
                why = (
                    f"{info.file_size / 2**20:.0f} MB: larger than any lesson notebook ({MAX_NOTEBOOK_BYTES >> 20} MB)"
                )
            if why is None:
                try:
                    data = archive.read(info)
                except (zipfile.BadZipFile, OSError, EOFError) as err:  # CRC error, truncated entry
                    why = f"damaged inside the zip ({err}): download it from the LMS again"
                else:
                    ok, note = which_lesson(data, lesson, lessons)
                    if not ok:
                        why = note
                    item.detail = note
            if why:
                item.outcome, item.detail = "skipped", why
                result.items.append(item)
                continue
            item.timestamp = _timestamp(lms, roster, student, item, info, duedate, tz)
            if duedate is not None and item.timestamp is not None and item.timestamp > duedate:
                item.late = True
            candidates.setdefault(student.student_id, []).append(item)
            result.items.append(item)
    for items in candidates.values():
        items.sort(key=lambda i: (i.order, Path(i.file).name == f"{lesson}.ipynb", i.entry))
        newest = items[-1]
        for older in items[:-1]:
            older.outcome = "skipped"
            older.detail = (
                f"superseded: {Path(newest.file).name} is {'a newer upload' if older.order != newest.order else 'graded instead'}"
                f" (one notebook per student is graded)"
            )
        if newest.late:
            newest.outcome = "late"
            note = "late: " + ("the LMS marked it LATE" if lms == "canvas" else "submitted after the lesson's due date")
            newest.detail = note + (f"; {newest.detail}" if newest.detail else "")
        if len(items) > 1:
            extra = f"{len(items)} notebooks from this student: graded the newest"
            newest.detail = extra + (f"; {newest.detail}" if newest.detail else "")
    chosen = {i.student_id for i in result.items if i.outcome in ("matched", "late")}
    tried = {i.student_id for i in result.items if i.student}
    for student in roster.students:
        if student.student_id not in chosen and student.student_id not in tried:
            result.items.append(Item("", "missing", "no file in the download", student.lms_id, student))
    return result


def _timestamp(
    lms: str,
    roster: Roster,
    student: Student,
    item: Item,
    info: zipfile.ZipInfo,
    duedate: datetime | None,
    tz: str | None,
) -> datetime:
    """The submission time nbgrader records (timestamp.txt), which its late penalties use."""
    if lms == "moodle":
        from grader.lms import moodle

        when = moodle.submitted_at(roster, student, tz)
        if when is not None:
            return when
    zipped = datetime(*info.date_time)
    if tz:
        from dateutil.tz import gettz

        zipped = zipped.replace(tzinfo=gettz(tz)).astimezone(timezone.utc)
    else:
        zipped = zipped.astimezone(timezone.utc)
    if lms == "canvas" and duedate is not None:
        # Canvas's download has no submission times (every entry carries the zip's build time): an
        # upload Canvas did not mark LATE was on time; a LATE one is recorded just after the due date.
        return duedate + timedelta(seconds=1) if item.late else min(duedate, zipped)
    return zipped
