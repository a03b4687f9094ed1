"""`python -m grader build [ID ...]`: lesson sources -> solutions/<id>/<id>.ipynb (no outputs)."""

from __future__ import annotations

from grader import course as course_model
from grader.course import CourseError
from grader.notebooks import ROOT, build, check_lesson_ids


def add_arguments(parser) -> None:
    parser.add_argument("lessons", nargs="*", metavar="ID", help="lesson ids (default: all)")


def run(args) -> int:
    try:
        lessons = check_lesson_ids(args.lessons)
    except CourseError as err:
        return course_model.fail("build", err)
    for lesson in lessons:
        print(f"built {build(lesson).relative_to(ROOT)}")
    return 0
