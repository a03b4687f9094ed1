"""`python -m grader release [ID ...]`: sources -> solutions -> lessons, then to the exchange.

``lessons/<id>/<id>.ipynb`` is always exactly what nbgrader's own ``generate_assignment`` makes
from ``solutions/<id>/`` (the suite regenerates and compares). ``--no-exchange`` stops after
regenerating ``lessons/`` (what a course author runs after editing a source). The exchange is the
course configuration's ``Exchange.root`` (:mod:`grader.course`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grader import course as course_model
from grader.course import Course, CourseError
from grader.notebooks import build, check_lesson_ids


def nbgrader(*argv: str, cwd: Path, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run an nbgrader command with this environment's nbgrader, from the course root ``cwd``."""
    command = [sys.executable, "-m", "nbgrader", *argv]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise RuntimeError(f"`nbgrader {' '.join(argv)}` failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def generate(course: Course, lesson: str, db: bool = True) -> Path:
    """Regenerate ``lessons/<id>/`` from ``solutions/<id>/`` with nbgrader generate_assignment."""
    argv = ["generate_assignment", lesson, "--force", *course.nbgrader_argv()]
    if not db:
        argv.append("--no-db")
    result = nbgrader(*argv, cwd=course.root)
    if "ERROR" in result.stderr:
        raise RuntimeError(f"generate_assignment {lesson} reported errors:\n{result.stderr[-4000:]}")
    return course.release_notebook(lesson)


def release_to_exchange(course: Course, lesson: str) -> None:
    course.exchange.mkdir(parents=True, exist_ok=True)
    nbgrader("release_assignment", lesson, "--force", *course.nbgrader_argv(), cwd=course.root)


def add_arguments(parser) -> None:
    parser.add_argument("lessons", nargs="*", metavar="ID", help="lesson ids (default: all)")
    parser.add_argument(
        "--no-exchange",
        action="store_true",
        help="only rebuild solutions/ and lessons/, do not release to the exchange",
    )
    course_model.add_arguments(parser)


def run(args) -> int:
    try:
        course = Course.from_args(args)
        lessons = check_lesson_ids(args.lessons)
    except CourseError as err:
        return course_model.fail("release", err)
    from grader.setup import make_work_dirs

    make_work_dirs(course)  # the SQLite gradebook's folder (state/) must exist before nbgrader opens it
    for lesson in lessons:
        build(lesson)
        path = generate(course, lesson)
        print(f"generated {course.relative(path)}")
        if not args.no_exchange:
            release_to_exchange(course, lesson)
            print(f"released {lesson} to {course.exchange}")
    return 0
