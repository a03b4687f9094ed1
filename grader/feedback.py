"""`python -m grader feedback [LESSON] [--student ID]`: feedback HTML, checked, then released.

For each lesson (default: every lesson in ``solutions/`` with autograded submissions):

1. ``nbgrader generate_feedback`` writes ``state/feedback/<student>/<lesson>/<lesson>.html`` from
   the autograded notebooks. The preprocessor list is the configuration's, with
   ``grader.preprocessors.hide_hidden_tests.HideHiddenTestOutput`` inserted before ``ClearHiddenTests``
   when the configuration does not have it yet: hidden tests are removed from the cells *and*
   from the tracebacks of failing hidden asserts.
2. Every page is checked once more for the lesson's hidden-test lines. A page that still shows
   one is deleted (it can be regenerated) and not released; the command then exits with 1.
3. ``nbgrader release_feedback`` puts the clean pages in the exchange, where students fetch them
   with ``nbgrader fetch_feedback`` (or the Assignments panel).
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

from grader import course as course_model
from grader.course import Course, CourseError

OURS = "grader.preprocessors.hide_hidden_tests.HideHiddenTestOutput"
CLEAR = "nbgrader.preprocessors.ClearHiddenTests"
DEFAULT = ["nbgrader.preprocessors.GetGrades", CLEAR, "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]


def _name(item) -> str:
    return item if isinstance(item, str) else f"{item.__module__}.{item.__name__}"


def feedback_preprocessors(course: Course) -> tuple[list[str], bool]:
    """The configured GenerateFeedback.preprocessors with ours before ClearHiddenTests.

    Returns (list, whether the configuration already had ours in the right place). Ours reads the
    hidden block from the cell source, so it must come before ClearHiddenTests, which removes it.
    """
    configured = [_name(p) for p in course.config.GenerateFeedback.get("preprocessors", DEFAULT)]
    if OURS in configured and CLEAR in configured and configured.index(OURS) < configured.index(CLEAR):
        return configured, True
    configured = [p for p in configured if p != OURS]
    if CLEAR not in configured:  # never generate feedback that could show hidden tests
        configured.insert(1 if configured[:1] == [DEFAULT[0]] else 0, CLEAR)
    configured.insert(configured.index(CLEAR), OURS)
    return configured, False


def hidden_lines(notebook: Path) -> set[str]:
    from grader.preprocessors.hide_hidden_tests import hidden_test_lines

    lines: set[str] = set()
    for cell in json.loads(notebook.read_text()).get("cells", []):
        source = cell.get("source", "")
        lines |= hidden_test_lines("".join(source) if isinstance(source, list) else source)
    return lines


def _student_text(notebook: Path) -> str:
    """Everything the student wrote (all cell sources of the submission), or '' if unreadable."""
    try:
        cells = json.loads(notebook.read_text()).get("cells", [])
    except (OSError, ValueError):
        return ""
    return "\n".join(
        "".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "") for c in cells
    )


def autograded_students(course: Course, lesson: str, student: str | None = None) -> list[str]:
    base = course.autograded
    if not base.is_dir():
        return []
    found = sorted(p.name for p in base.iterdir() if (p / lesson).is_dir())
    return [s for s in found if student is None or s == student]


def check_pages(course: Course, lesson: str, students: list[str]) -> tuple[list[Path], dict[Path, list[str]]]:
    """(clean pages, {leaking page: hidden lines it shows}) for a lesson's feedback."""
    from grader.preprocessors.hide_hidden_tests import leaked_lines

    hidden = hidden_lines(course.source_notebook(lesson))
    clean, leaking = [], {}
    for student in students:
        for page in sorted((course.feedback / student / lesson).glob("*.html")):
            allowed = _student_text(course.submitted / student / lesson / f"{page.stem}.ipynb")
            leaks = leaked_lines(page.read_text(errors="replace"), hidden, allowed)
            if leaks:
                leaking[page] = leaks
            else:
                clean.append(page)
    return clean, leaking


def generate(course: Course, lesson: str, student: str | None) -> None:
    """nbgrader's GenerateFeedback, in this process, with the checked preprocessor list.

    In-process because the course config file is loaded after the command line (and would undo a
    ``--GenerateFeedback.preprocessors`` given there); raises on failure.
    """
    import logging

    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    config = copy.deepcopy(course.config)
    config.GenerateFeedback.preprocessors = feedback_preprocessors(course)[0]
    logging.getLogger("traitlets").setLevel(logging.WARNING)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = lesson
    coursedir.student_id = student or "*"
    converter = GenerateFeedback(coursedir=coursedir, config=config)
    converter.force = True
    converter.start()


def feedback(course: Course, lesson: str, student: str | None = None, release: bool = True) -> dict:
    """Generate, check and release one lesson's feedback; returns counts and problems."""
    from grader.release import nbgrader

    students = autograded_students(course, lesson, student)
    result = {
        "lesson": lesson,
        "students": len(students),
        "pages": 0,
        "released": 0,
        "withheld": {},
        "unreleasable": [],
        "errors": [],
    }
    if not students:
        return result
    try:
        generate(course, lesson, student)
    except Exception as err:  # nbgrader reports per-notebook failures with one exception at the end
        result["errors"].append(f"nbgrader generate_feedback {lesson}: {type(err).__name__}: {err}")
    clean, leaking = check_pages(course, lesson, students)
    for page, lines in leaking.items():
        page.unlink()
        result["withheld"][str(course.relative(page))] = lines
    result["pages"] = len(clean) + len(leaking)
    # release_feedback needs timestamp.txt and submission_secret.txt (what collect brings from the
    # exchange): nbgrader stops on the first student without them; release the others one by one.
    stamped = sorted(
        {
            p.parent.parent.name
            for p in clean
            if all((p.parent / f).is_file() for f in ("timestamp.txt", "submission_secret.txt"))
        }
    )
    result["unreleasable"] = sorted({p.parent.parent.name for p in clean} - set(stamped))
    if not release or not stamped:
        return result
    targets = [student] if student else ([None] if not result["unreleasable"] else stamped)
    for target in targets:
        argv = ["release_feedback", lesson] + ([f"--student={target}"] if target else [])
        run = nbgrader(*argv, *course.nbgrader_argv(), cwd=course.root, check=False)
        if run.returncode != 0:
            result["errors"].append(f"nbgrader {' '.join(argv)} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    if not result["errors"]:
        result["released"] = sum(1 for p in clean if p.parent.parent.name in stamped)
    return result


def add_arguments(parser) -> None:
    parser.add_argument("lesson", nargs="?", metavar="LESSON", help="lesson id (default: every lesson)")
    parser.add_argument("--student", metavar="ID", help="only this student")
    parser.add_argument("--no-release", action="store_true", help="generate and check, do not release")
    course_model.add_arguments(parser)


def run(args) -> int:
    try:
        course = Course.from_args(args)
        lessons = course.select_lessons(args.lesson)
    except CourseError as err:
        return course_model.fail("feedback", err)
    _, configured = feedback_preprocessors(course)
    if not configured:
        print(f"feedback: note: the course config lacks {OURS} before {CLEAR}; added for this run")
    status = 0
    for lesson in lessons:
        r = feedback(course, lesson, args.student, release=not args.no_release)
        if not r["students"]:
            print(
                f"feedback {lesson}: no autograded submissions"
                + (f" for {args.student}" if args.student else "")
                + ", skipped"
            )
            continue
        print(
            f"feedback {lesson}: {r['pages']} page(s) for {r['students']} student(s), "
            f"{r['released']} released to {course.exchange}, {len(r['withheld'])} withheld"
        )
        for page, lines in r["withheld"].items():
            status = 1
            print(f"  WITHHELD {page}: shows hidden test line(s) {lines[:3]}; page deleted", file=sys.stderr)
        if r["unreleasable"]:
            print(
                f"  not released (not collected from the exchange: no timestamp.txt/submission_secret.txt): "
                f"{', '.join(r['unreleasable'])}"
            )
        for error in r["errors"]:
            status = 1
            print(f"  ERROR {error}", file=sys.stderr)
    return status
