"""`python -m grader setup`: prepare the local course (idempotent, fast on a second run).

- the runtime folder ``state/`` (``c.NNFS.state_dir``) and its working folders (submitted,
  autograded, feedback, reports, the students' fetched copies);
- the exchange root (``Exchange.root``), world-writable with the sticky bit like ``/tmp``
  (mode 1777), so that every student account can submit and no one can delete another's files;
- the gradebook (``CourseDirectory.db_url``, SQLite under ``state/`` unless ``NNFS_DB_URL`` says
  otherwise) with every lesson of ``solutions/`` registered as an assignment; a lesson whose
  notebook or graded cells are missing from the gradebook (or differ from ``solutions/``) is
  registered with nbgrader's own ``generate_assignment`` into a throw-away folder, so that
  ``lessons/`` is never touched and autograding works right after setup.

Every value comes from the course model (:mod:`grader.course`), which reads the configuration the
way nbgrader reads it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from grader import course as course_model
from grader.course import REPO, Course, CourseError

EXCHANGE_MODE = 0o1777  # rwx for everyone, sticky: like /tmp (see nbgrader's exchange docs)


class SetupError(CourseError):
    """Something setup cannot fix by itself; the message says what to do."""


def make_work_dirs(course: Course) -> list[Path]:
    """Create the runtime folders that are missing; returns those it created."""
    created = []
    for path in (
        course.state,
        course.submitted,
        course.autograded,
        course.feedback,
        course.reports,
        course.assignment_dir,
    ):
        if not path.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            created.append(path)
    return created


def ensure_exchange(root: Path) -> str:
    """Create the exchange root with mode 1777; returns 'created', 'fixed' or 'ok'."""
    state = "ok"
    if not root.exists():
        root.mkdir(parents=True)
        state = "created"
    elif not root.is_dir():
        raise SetupError(f"the exchange root {root} exists and is not a folder")
    mode = stat.S_IMODE(root.stat().st_mode)
    if mode != EXCHANGE_MODE:
        try:
            os.chmod(root, EXCHANGE_MODE)  # mkdir's mode is masked by the umask: set it explicitly
        except PermissionError as err:
            raise SetupError(
                f"the exchange root {root} has mode {mode:o}, it needs {EXCHANGE_MODE:o} so that every "
                f"student can submit; its owner (or root) should run: chmod 1777 {root}"
            ) from err
        state = state if state == "created" else "fixed"
    return state


def _graded_cells(notebook: Path) -> dict[str, float | None]:
    """grade_id -> points (None for ungraded solution/locked cells) of a source notebook."""
    nb = json.loads(notebook.read_text())
    cells = {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if "grade_id" in meta and (meta.get("grade") or meta.get("solution") or meta.get("locked")):
            cells[meta["grade_id"]] = float(meta["points"]) if meta.get("grade") else None
    return cells


def _registered_cells(gb, lesson: str, notebook: str) -> dict[str, float | None] | None:
    from nbgrader.api import MissingEntry

    try:
        nb = gb.find_notebook(notebook, lesson)
    except MissingEntry:
        return None
    cells = {cell.name: None for cell in nb.source_cells}
    cells.update({cell.name: float(cell.max_score) for cell in nb.grade_cells})
    return cells


def _stamp_path(course: Course) -> Path:
    # records what the last setup registered, and where
    return course.state / "gradebook.setup-stamp"


def _fingerprint(course: Course, lessons: list[str]) -> str:
    cells = {lesson: _graded_cells(course.source_notebook(lesson)) for lesson in lessons}
    text = json.dumps({"db": course.gradebook_url, "course": course.course_id, "cells": cells}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _db_present(db_url: str) -> bool:
    if db_url.startswith("sqlite:///"):
        return Path(db_url[len("sqlite:///") :]).is_file()
    return True  # a server database: trust the stamp (a wiped server is re-registered by `release`)


def register_lessons(course: Course, lessons: list[str]) -> tuple[list[str], list[str]]:
    """Register every lesson as an assignment; returns (new assignments, (re)registered notebooks).

    Skips the gradebook entirely (nbgrader's import alone takes a second) when the stamp says the
    same lessons with the same graded cells were registered in the same database already.
    """
    stamp, fingerprint = _stamp_path(course), _fingerprint(course, lessons)
    if _db_present(course.gradebook_url) and stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return [], []
    new, stale = [], []
    with course.gradebook() as gb:
        known = {a.name for a in gb.assignments}
        for lesson in lessons:
            if lesson not in known:
                gb.update_or_create_assignment(lesson)
                new.append(lesson)
            if _registered_cells(gb, lesson, lesson) != _graded_cells(course.source_notebook(lesson)):
                stale.append(lesson)
    if stale:
        _generate_into_db(course, stale)
    stamp.write_text(fingerprint + "\n")
    return new, stale


def _generate_into_db(course: Course, lessons: list[str]) -> None:
    """Record notebooks and graded cells with nbgrader's generate_assignment, output thrown away.

    In this process (one nbgrader start-up for all lessons, not one per lesson), with the course
    configuration and the release folder moved to a scratch folder.
    """
    import logging

    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    logging.getLogger("traitlets").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="nnfs-setup-") as scratch:
        for lesson in lessons:
            config = copy.deepcopy(course.config)
            config.CourseDirectory.release_directory = scratch
            coursedir = CourseDirectory(config=config)
            coursedir.assignment_id = lesson
            converter = GenerateAssignment(coursedir=coursedir, config=config)
            converter.force = True
            try:
                converter.start()
            except Exception as err:  # nbgrader raises one exception after logging the details
                raise SetupError(
                    f"could not register {lesson} in the gradebook (nbgrader "
                    f"generate_assignment failed: {type(err).__name__}: {err})"
                ) from err


def check_db_driver(db_url: str) -> None:
    """A clear message instead of SQLAlchemy's ModuleNotFoundError for a missing database driver."""
    from importlib.util import find_spec

    scheme = db_url.split(":", 1)[0]
    if scheme in ("postgresql", "postgres"):
        if find_spec("psycopg") is None:  # SQLAlchemy 2.1's default driver for postgresql://
            hint = (
                f"write it postgresql+psycopg2://{db_url.split('://', 1)[-1]}"
                if find_spec("psycopg2")
                else "install psycopg2-binary (the test extra)"
            )
            raise SetupError(f"the gradebook URL {db_url} needs the psycopg driver, which is not installed: {hint}")
    elif scheme == "postgresql+psycopg2" and find_spec("psycopg2") is None:
        raise SetupError(f"the gradebook URL {db_url} needs psycopg2: install psycopg2-binary")


def setup(course: Course | None = None) -> list[str]:
    """Prepare ``course`` (default: the course found from here); returns the lines to print."""
    course = course or Course.load()
    check_db_driver(course.gradebook_url)
    created = make_work_dirs(course)
    exchange = ensure_exchange(course.exchange)
    lessons = course.lessons()
    new, registered = register_lessons(course, lessons)
    line = (
        f"setup: gradebook {course.gradebook_url} ({len(lessons)} lessons, {len(new)} new, "
        f"{len(registered)} (re)registered); exchange {course.exchange} ({exchange}, mode 1777)"
    )
    if created:
        line += f"; created {', '.join(str(course.relative(p)) for p in created)}"
    return [line]


def copy_course(dest: Path, lessons=(), root: Path = REPO) -> Path:
    """A self-contained copy of the course at ``dest`` for trials, tests and benchmarks.

    Holds the grader package, the configuration and the named lessons' ``solutions/`` and
    ``lessons/`` folders; no runtime state (gradebook, exchange, student work). Commands started
    with ``cwd=dest`` (``python -m grader ...``, ``python -m nbgrader ...``) import this copy of
    ``grader`` and work on ``dest`` only (unset NNFS_DB_URL / NNFS_EXCHANGE / NNFS_STATE, or point
    them at the copy, to keep them off the real course).
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        root / "grader",
        dest / "grader",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", "screenshots", "sources"),
    )
    (dest / "grader" / "sources").mkdir(exist_ok=True)
    shutil.copy2(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    for lesson in lessons:
        if not (root / "solutions" / lesson).is_dir():
            raise SetupError(f"no lesson {lesson} in {root / 'solutions'}")
        for folder in ("solutions", "lessons"):
            if (root / folder / lesson).is_dir():
                shutil.copytree(root / folder / lesson, dest / folder / lesson, dirs_exist_ok=True)
        source = root / "grader" / "sources" / f"{lesson}.py"
        if source.is_file():
            shutil.copy2(source, dest / "grader" / "sources" / source.name)
    return dest


def add_arguments(parser) -> None:
    course_model.add_arguments(parser)


def run(args) -> int:
    try:
        lines = setup(Course.from_args(args))
    except CourseError as err:
        print(f"setup failed: {err}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0
