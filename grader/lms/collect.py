"""``python -m grader collect LESSON --from-zip FILE --lms canvas|moodle --roster FILE``.

1. read the roster (the LMS's own export) and plan the download (:mod:`grader.lms.download`);
2. copy the zip and the plan into zip_collect's archive folder, ``<state>/lms/<lms>/<lesson>/archive/``;
3. run nbgrader's own ``zip_collect`` with :mod:`grader.lms.plugins` (notebooks land in the
   course's submitted folder, each with a ``timestamp.txt`` holding the LMS submission time);
4. register every roster student in the gradebook (name, email, LMS id);
5. print the collect report and save it as ``<state>/reports/<lesson>-collect-<lms>.csv``, and
   record what was collected (``<state>/lms/<lms>/<lesson>/collected.json``: the feedback zip
   needs Canvas's attachment ids).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

from grader.lms import download, module
from grader.lms.roster import LmsError, read_roster

REPORT_FIELDS = ["outcome", "student_id", "lms_id", "name", "file", "submitted_at", "detail"]
OUTCOMES = ("matched", "late", "skipped", "unmatched", "missing")


def work_dir(course, lms: str, lesson: str) -> Path:
    return course.state / "lms" / lms / lesson


def report_path(course, lms: str, lesson: str) -> Path:
    return course.reports / f"{lesson}-collect-{lms}.csv"


def lesson_cells(course) -> dict[str, set[str]]:
    """lesson -> the grade ids of its released notebook (how a notebook's lesson is recognised)."""
    out = {}
    for lesson in course.lessons():
        path = course.release_notebook(lesson)
        if not path.is_file():
            path = course.source_notebook(lesson)
        try:
            out[lesson] = download.grade_ids(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return out


def duedate(course, lesson: str) -> datetime | None:
    from nbgrader.api import MissingEntry

    if course.gradebook_url.startswith("sqlite:///") and not Path(course.gradebook_url[10:]).is_file():
        return None
    with course.gradebook() as gb:
        try:
            due = gb.find_assignment(lesson).duedate
        except MissingEntry:
            return None
    return due.replace(tzinfo=timezone.utc) if due is not None and due.tzinfo is None else due


def _zip_collect(course, lesson: str, lms: str, folder: Path) -> tuple[int, str]:
    from grader.release import nbgrader

    downloaded = os.path.relpath(folder.parent.parent, course.course_root)
    argv = [
        "zip_collect",
        lesson,
        "--force",
        f"--ZipCollectApp.downloaded_directory={downloaded}",
        f"--ZipCollectApp.collect_directory_structure={os.path.join('{downloaded}', lms, '{assignment_id}', '{collect_step}')}",
        "--extractor=grader.lms.plugins.PlannedExtractor",
        "--collector=grader.lms.plugins.PlannedCollector",
        *course.nbgrader_argv(),
    ]
    run = nbgrader(*argv, cwd=course.root, check=False)
    return run.returncode, run.stderr


def register_students(course, roster) -> None:
    with course.gradebook() as gb:
        for s in roster.students:
            gb.update_or_create_student(
                s.student_id,
                first_name=s.first_name or None,
                last_name=s.last_name or None,
                email=s.email or None,
                lms_user_id=s.lms_id,
            )


def collect(
    course,
    lesson: str,
    zip_path: Path,
    lms: str,
    roster_path: Path,
    id_column: str | None = None,
    tz: str | None = None,
) -> download.Plan:
    module(lms)
    course.check_lesson(lesson)
    roster = read_roster(roster_path, lms, id_column)
    if not roster.students:
        reasons = "; ".join(why for _, why in roster.skipped_rows[:3])
        raise LmsError(f"{roster_path.name} lists no usable student" + (f" ({reasons})" if reasons else ""))
    cells = lesson_cells(course)
    the_plan = download.plan(zip_path, lms, roster, lesson, cells, duedate(course, lesson), tz)
    folder = work_dir(course, lms, lesson)
    archive = folder / "archive"
    if archive.exists():
        shutil.rmtree(archive)
    archive.mkdir(parents=True)
    shutil.copyfile(zip_path, archive / "download.zip")
    chosen = the_plan.chosen
    raw = {}
    with download.open_zip(zip_path) as zf:
        for info in zf.infolist():
            raw[download.entry_name(info)] = info.filename
    plan_json = {
        "zip": "download.zip",
        "notebook": f"{lesson}.ipynb",
        "items": [
            {
                "student_id": sid,
                "entry": item.entry,
                "raw_entry": raw[item.entry],
                "timestamp": item.timestamp.isoformat(sep=" ") if item.timestamp else "",
            }
            for sid, item in sorted(chosen.items())
        ],
    }
    (archive / download_plan_name()).write_text(json.dumps(plan_json, indent=1, ensure_ascii=False), encoding="utf-8")
    register_students(course, roster)
    if chosen:
        code, log = _zip_collect(course, lesson, lms, folder)
        for sid, item in chosen.items():
            if not course.submitted_notebook(sid, lesson).is_file():
                item.outcome = "skipped"
                item.detail = "nbgrader zip_collect did not collect it: " + _last_error(log, code)
    collected = {
        sid: {
            "lms_id": i.lms_id,
            "attachment_id": i.attachment_id,
            "entry": i.entry,
            "late": i.late,
            "submitted_at": i.timestamp.isoformat() if i.timestamp else "",
        }
        for sid, i in the_plan.chosen.items()
    }
    (folder / "collected.json").write_text(json.dumps(collected, indent=1, ensure_ascii=False), encoding="utf-8")
    for r, why in roster.skipped_rows:
        the_plan.items.append(
            download.Item(f"{roster_path.name} row {r + 1}", "skipped", "roster row not used: " + why)
        )
    write_report(the_plan, report_path(course, lms, lesson))
    return the_plan


def download_plan_name() -> str:
    from grader.lms.plugins import PLAN

    return PLAN


def _last_error(log: str, code: int) -> str:
    lines = [ln.strip() for ln in log.splitlines() if "ERROR" in ln or "Error" in ln or "WARNING" in ln]
    return (lines[-1] if lines else f"exit status {code}")[:300]


def write_report(the_plan: download.Plan, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    order = {o: n for n, o in enumerate(OUTCOMES)}
    for item in sorted(the_plan.items, key=lambda i: (order.get(i.outcome, 9), i.student_id, i.entry)):
        writer.writerow(item.row())
    path.write_text(buffer.getvalue(), encoding="utf-8")


def summary(the_plan: download.Plan, course=None) -> str:
    counts = ", ".join(f"{the_plan.count(o)} {o}" for o in OUTCOMES)
    lines = [f"collect {the_plan.lesson} from {the_plan.zip_path.name} ({the_plan.lms}): {counts}"]
    for outcome in ("late", "skipped", "unmatched", "missing"):
        for item in the_plan.items:
            if item.outcome != outcome:
                continue
            who = item.student_id or (f"{the_plan.lms} id {item.lms_id}" if item.lms_id else "?")
            what = f" {item.entry}" if item.entry else ""
            lines.append(f"  {outcome:<9} {who}:{what}: {item.detail}")
    return "\n".join(lines)


def run(course, args) -> int:
    try:
        the_plan = collect(
            course, args.lesson, Path(args.from_zip), args.lms, Path(args.roster), args.id_column, args.timezone
        )
    except LmsError as err:
        print(f"collect: {err}", file=sys.stderr)
        return 2
    print(summary(the_plan))
    graded = len(the_plan.chosen)
    print(
        f"collect: {graded} notebook(s) in {course.relative(course.submitted)}; report saved to "
        f"{course.relative(report_path(course, args.lms, args.lesson))}"
    )
    return 0
