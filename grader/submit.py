"""`python -m grader submit LESSON` (students; `make submit LESSON=03_layers`): one file to upload.

For a class without a server, where work is handed in through the school's LMS (Canvas, Moodle):

1. takes your copy of the lesson: your fetched copy (``<assignment_dir>/<id>/<id>.ipynb``) when
   there is one, else ``lessons/<id>/<id>.ipynb``;
2. warns when graded cells were renamed or deleted, or locked cells (instructions, setup, tests)
   edited, compared with the released lesson: grading restores those, which may cost points;
3. runs the visible tests in a fresh kernel like ``make check`` and says what fails (handing in is
   still allowed);
4. copies the notebook, byte for byte, to ``state/to-upload/<id>.ipynb`` and writes a receipt beside
   it (``<id>.receipt.txt``: time, SHA-256, visible-test summary, warnings), and prints both paths.

Upload that one file to the lesson's assignment in your LMS. The receipt's SHA-256 identifies
exactly what you handed in (``sha256sum state/to-upload/<id>.ipynb``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

from grader import course as course_model
from grader.course import Course, CourseError


def student_copy(course: Course, lesson: str) -> Path:
    fetched = course.assignment_dir / lesson / f"{lesson}.ipynb"
    return fetched if fetched.is_file() else course.release_notebook(lesson)


def _cells(nb: dict) -> dict[str, dict]:
    out = {}
    for cell in nb.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if meta.get("grade_id"):
            out[str(meta["grade_id"])] = cell
    return out


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def structure_warnings(student_nb: dict, release_nb: dict) -> list[str]:
    """What grading will restore: renamed/deleted graded cells, edited locked cells."""
    mine, theirs = _cells(student_nb), _cells(release_nb)
    warnings = []
    for grade_id, cell in theirs.items():
        meta = cell["metadata"]["nbgrader"]
        if grade_id not in mine:
            kind = (
                "test cell"
                if meta.get("grade") and not meta.get("solution")
                else "answer cell"
                if meta.get("solution")
                else "locked cell"
            )
            warnings.append(
                f"{kind} {grade_id!r} is missing (deleted, or renamed): grading puts the original back; "
                + (
                    "your answer in a renamed cell is not graded"
                    if kind == "answer cell"
                    else "its points are still at stake"
                )
            )
        elif meta.get("locked") or (meta.get("grade") and not meta.get("solution")):
            if _source(mine[grade_id]).strip() != _source(cell).strip():
                warnings.append(f"locked cell {grade_id!r} was edited: grading restores the original text")
    extra = sorted(set(mine) - set(theirs))
    if extra:
        warnings.append(
            f"cell id(s) the lesson does not have: {', '.join(extra)} (renamed cells? they are not "
            "graded as the lesson's cells)"
        )
    return warnings


def add_arguments(parser) -> None:
    parser.add_argument("lesson", metavar="LESSON", help="lesson id, e.g. 03_layers")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell when running the tests")
    parser.add_argument("--no-run", action="store_true", help="do not run the visible tests (just package the file)")
    course_model.add_arguments(parser)


def run(args) -> int:
    from grader import check

    try:
        course = Course.from_args(args)
        lesson = course.check_lesson(args.lesson)
    except CourseError as err:
        return course_model.fail("submit", err)
    path = student_copy(course, lesson)
    if not path.is_file():
        return course_model.fail("submit", CourseError(f"no notebook for {lesson} at {path}"))
    data = path.read_bytes()
    try:
        nb = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return course_model.fail(
            "submit",
            CourseError(
                f"{path} is not a readable notebook ({type(err).__name__}: {err}); open it in JupyterLab, fix or "
                "re-download it, save, and try again"
            ),
        )
    print(f"submit {lesson}: your notebook is {path}")
    warnings = []
    release = course.release_notebook(lesson)
    if release.is_file() and release.resolve() != path.resolve():
        warnings = structure_warnings(nb, json.loads(release.read_text(encoding="utf-8")))
    for w in warnings:
        print(f"  WARNING: {w}")
    if warnings:
        print("  (these may cost points; to undo, copy your answers into a fresh copy of the lesson)")
    summary = "not run (--no-run)"
    if not args.no_run:
        print("Running the visible tests in a fresh kernel (your file is not changed)...", flush=True)
        executed, died = check.execute(path, args.timeout)
        rows = check.results(executed, died)
        tests = [r for r in rows if r.kind == "test"]
        print(check.table(rows))
        passed = [r for r in tests if r.status == "passed"]
        summary = (
            f"{len(passed)} of {len(tests)} exercises pass their visible tests "
            f"({sum(r.points for r in passed):g} of {sum(r.points for r in tests):g} points)"
        )
        if died:
            summary += f"; the notebook stopped early: {died}"
        print(summary + ("" if len(passed) == len(tests) else ": you may still hand it in, and hand in again later"))
    out_dir = course.state / "to-upload"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = (out_dir / f"{lesson}.ipynb").resolve()
    shutil.copyfile(path, target)
    digest = hashlib.sha256(data).hexdigest()
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    receipt = target.with_name(f"{lesson}.receipt.txt")
    receipt.write_text(
        "\n".join(
            [
                f"lesson:        {lesson}",
                f"file:          {target}",
                f"from:          {path.resolve()}",
                f"packed at:     {when}",
                f"sha256:        {digest}",
                f"size:          {len(data)} bytes",
                f"visible tests: {summary}",
                *[f"warning:       {w}" for w in warnings],
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    print()
    print(f"Upload this ONE file to the {lesson} assignment in your LMS (Canvas, Moodle):")
    print(f"  {target}")
    print(f"receipt (keep it): {receipt}")
    print(f"  sha256 {digest}  packed {when}")
    return 0
