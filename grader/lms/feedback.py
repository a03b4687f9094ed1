"""Feedback pages packed the way each LMS takes files back.

``python -m grader export LESSON --lms moodle|canvas --roster FILE --feedback-zip OUT.zip`` packs
every student's feedback page (``<feedback>/<student>/<lesson>/<lesson>.html``, written by
``python -m grader feedback LESSON``) into one zip:

* Moodle (*Upload multiple feedback files in a zip*): ``<Full name>_<participant id>_assignsubmission_file_/<lesson>_feedback.html``;
* Canvas (*Re-Upload Submissions*): ``<name>_<user id>_<attachment id>_<lesson>_feedback.html``,
  the attachment id of the notebook the student uploaded (recorded when it was collected).

How to upload it is printed and written beside the zip (``OUT-README.txt``).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from grader.lms import module
from grader.lms.roster import LmsError, read_roster


def pack(course, lesson: str, lms: str, roster_path: Path, out: Path, id_column: str | None = None) -> str:
    lms_module = module(lms)
    course.check_lesson(lesson)
    roster = read_roster(roster_path, lms, id_column)
    manifest = course.state / "lms" / lms / lesson / "collected.json"
    collected = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    packed, absent, notes = [], [], []
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for student in roster.students:
            page = course.feedback / student.student_id / lesson / f"{lesson}.html"
            if not page.is_file():
                absent.append(student.student_id)
                continue
            name, note = lms_module.feedback_name(student, lesson, collected.get(student.student_id))
            zf.write(page, name)
            packed.append(student.student_id)
            if note:
                notes.append(f"{student.student_id}: {note}")
    if not packed:
        out.unlink()
        raise LmsError(
            f"no feedback page for {lesson} under {course.relative(course.feedback)}: run "
            f"`python -m grader feedback {lesson}` after autograding"
        )
    readme = lms_module.FEEDBACK_README.format(lesson=lesson, assignment=lesson)
    out.with_name(out.stem + "-README.txt").write_text(readme, encoding="utf-8")
    lines = [f"feedback {lesson} -> {out} ({lms}): {len(packed)} page(s)"]
    if absent:
        lines.append(f"  no feedback page (not graded, or no submission): {', '.join(absent)}")
    lines += [f"  {n}" for n in notes]
    lines.append("  upload: " + readme.strip())
    return "\n".join(lines)
