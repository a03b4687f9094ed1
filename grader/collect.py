"""`python -m grader collect [LESSON] [--student ID]`: nbgrader collect from the exchange.

Collects every lesson of ``solutions/`` (or the one named) into the course's submitted folder
(``state/submitted/<student>/<lesson>/``) with nbgrader's own ``collect --update`` (a newer
submission replaces an older one; an unchanged one is left as it is), then prints one line per
lesson: how many submissions the exchange holds, how many are new or updated, and for whom.
"""

from __future__ import annotations

import sys

from grader import course as course_model
from grader.course import Course, CourseError


def submitted(course: Course, lesson: str) -> dict[str, str]:
    """student -> timestamp of their collected submission of ``lesson``."""
    found = {}
    for student, folder in course.submissions(lesson).items():
        stamp = folder / "timestamp.txt"
        found[student] = stamp.read_text().strip() if stamp.is_file() else ""
    return found


def inbound(course: Course, lesson: str, student: str | None = None) -> set[str]:
    """Students with at least one submission of ``lesson`` in the exchange's inbound folder."""
    folder = course.exchange / course.course_id / "inbound"
    if not folder.is_dir():
        return set()
    # nbgrader names them <student>+<lesson>+<timestamp>[+<random>]
    names = set()
    for entry in folder.iterdir():
        parts = entry.name.split("+")
        if len(parts) >= 3 and parts[1] == lesson and (student is None or parts[0] == student):
            names.add(parts[0])
    return names


def collect(course: Course, lesson: str, student: str | None = None) -> dict:
    """Collect one lesson; returns what changed."""
    from grader.release import nbgrader

    waiting = inbound(course, lesson, student)
    before = submitted(course, lesson)
    result = {"lesson": lesson, "in_exchange": sorted(waiting), "new": [], "updated": [], "error": None}
    if not waiting:
        return result
    argv = ["collect", lesson, "--update"] + ([f"--student={student}"] if student else [])
    run = nbgrader(*argv, *course.nbgrader_argv(), cwd=course.root, check=False)
    if run.returncode != 0:
        lines = [line for line in run.stderr.splitlines() if "ERROR" in line or "Error" in line]
        result["error"] = "\n".join(lines[-5:]) or run.stderr[-2000:]
    after = submitted(course, lesson)
    result["new"] = sorted(s for s in after if s not in before)
    result["updated"] = sorted(s for s in after if s in before and after[s] != before[s])
    return result


def add_arguments(parser) -> None:
    parser.add_argument("lesson", nargs="?", metavar="LESSON", help="lesson id (default: every lesson)")
    parser.add_argument("--student", metavar="ID", help="only this student")
    lms = parser.add_argument_group("from an LMS download (a class without a server; see grader/lms/)")
    lms.add_argument("--from-zip", metavar="FILE", help="the LMS's bulk download of LESSON's submissions (a zip)")
    lms.add_argument("--lms", choices=("canvas", "moodle"), help="which LMS made the zip and the roster")
    lms.add_argument(
        "--roster", metavar="FILE", help="Canvas: the gradebook CSV export; Moodle: the assignment's grading worksheet"
    )
    lms.add_argument(
        "--id-column",
        metavar="HEADER",
        default=None,
        help="roster column holding the course's student ids (default: Canvas 'SIS Login ID', "
        "Moodle the local part of 'Email address')",
    )
    lms.add_argument(
        "--timezone",
        metavar="TZ",
        default=None,
        help="time zone of the roster's times (Moodle's 'Last modified'; default: this computer's)",
    )
    course_model.add_arguments(parser)


def _names(students: list[str], limit: int = 8) -> str:
    shown = ", ".join(students[:limit])
    return shown + (f" and {len(students) - limit} more" if len(students) > limit else "")


def run(args) -> int:
    try:
        course = Course.from_args(args)
        lessons = course.select_lessons(args.lesson)
    except CourseError as err:
        return course_model.fail("collect", err)
    if args.from_zip or args.lms or args.roster:
        if not (args.lesson and args.from_zip and args.lms and args.roster):
            return course_model.fail(
                "collect",
                CourseError(
                    "collecting from an LMS needs LESSON, --from-zip FILE, --lms canvas|moodle and --roster FILE"
                ),
            )
        from grader.lms import collect as lms_collect

        return lms_collect.run(course, args)
    status, total = 0, 0
    for lesson in lessons:
        r = collect(course, lesson, args.student)
        if r["error"]:
            status = 1
            print(f"collect {lesson}: FAILED: {r['error']}", file=sys.stderr)
        if not r["in_exchange"]:
            if args.lesson:
                print(
                    f"collect {lesson}: no submissions in {course.exchange}"
                    + (f" from {args.student}" if args.student else "")
                )
            continue
        total += len(r["new"]) + len(r["updated"])
        line = (
            f"collect {lesson}: {len(r['in_exchange'])} student(s) submitted, "
            f"{len(r['new'])} new, {len(r['updated'])} updated"
        )
        changed = r["new"] + r["updated"]
        print(line + (f" ({_names(changed)})" if changed else ""))
    print(f"collect: {total} submission(s) new or updated in {course.relative(course.submitted)}")
    return status
