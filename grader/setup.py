"""`python -m grader setup`: prepare the local course (idempotent, fast on a second run).

- the working folders under ``grader/`` (submitted, autograded, feedback, reports);
- the exchange root (``Exchange.root``), world-writable with the sticky bit like ``/tmp``
  (mode 1777), so that every student account can submit and no one can delete another's files;
- the gradebook (``CourseDirectory.db_url``, SQLite under ``grader/`` unless ``NNFS_DB_URL`` says
  otherwise) with every lesson of ``solutions/`` registered as an assignment; a lesson whose
  notebook or graded cells are missing from the gradebook (or differ from ``solutions/``) is
  registered with nbgrader's own ``generate_assignment`` into a throw-away folder, so that
  ``lessons/`` is never touched and autograding works right after setup;
- the sandboxed kernel spec, via ``grader.sandbox.install_kernelspec()``.

Every value comes from the course configuration (``nbgrader_config.py`` at the course root,
which loads ``grader/nbgrader_config.py``), read the way nbgrader reads it.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # not from grader.notebooks: nbformat costs a second

WORK_DIRS = ("submitted", "autograded", "feedback", "reports")
EXCHANGE_MODE = 0o1777  # rwx for everyone, sticky: like /tmp (see nbgrader's exchange docs)


def course_root(path: str | Path | None = None) -> Path:
    """The course folder: ``path``, else the current folder when it holds nbgrader_config.py, else
    the repository (the same rule as ``python -m grader autograde``)."""
    if path:
        return Path(path).resolve()
    cwd = Path.cwd()
    return cwd if (cwd / "nbgrader_config.py").exists() else ROOT


def add_course_dir_argument(parser) -> None:
    parser.add_argument("--course-dir", metavar="PATH", default=None,
                        help="the course folder (default: the current folder if it has nbgrader_config.py, "
                             "else the repository)")


class SetupError(RuntimeError):
    """Something setup cannot fix by itself; the message says what to do."""


def course_config(root: Path = ROOT):
    """The traitlets Config of the course, loaded from ``<root>/nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root) / "nbgrader_config.py"
    if not path.exists():
        raise SetupError(f"no nbgrader_config.py at the course root {root}")
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def settings(root: Path = ROOT) -> dict:
    """db_url, exchange root, course id and the folders, as the configuration sets them."""
    config = course_config(root)
    course_root = Path(config.CourseDirectory.get("root", str(root)))

    def folder(name: str, default: str) -> Path:
        return course_root / config.CourseDirectory.get(name, default)

    return {
        "root": course_root,
        "db_url": config.CourseDirectory.get("db_url", f"sqlite:///{course_root / 'gradebook.db'}"),
        "course_id": config.CourseDirectory.get("course_id", "default_course"),
        "exchange": Path(config.Exchange.get("root", "/usr/local/share/nbgrader/exchange")),
        "source": folder("source_directory", "source"),
        "release": folder("release_directory", "release"),
        "submitted": folder("submitted_directory", "submitted"),
        "autograded": folder("autograded_directory", "autograded"),
        "feedback": folder("feedback_directory", "feedback"),
    }


def solution_lessons(source: Path) -> list[str]:
    """Lesson ids with a source notebook: solutions/<id>/<id>.ipynb."""
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def selected_lessons(command: str, lesson: str | None, source: Path) -> list[str] | None:
    """``[lesson]`` or every lesson in ``source``; None (after saying why on stderr) for an unknown id."""
    known = solution_lessons(source)
    if lesson and lesson not in known:
        print(f"{command}: unknown lesson {lesson} (lessons: {', '.join(known)})", file=sys.stderr)
        return None
    return [lesson] if lesson else known


def make_work_dirs(cfg: dict) -> list[Path]:
    created = []
    grader_dir = cfg["root"] / "grader"
    targets = [cfg["submitted"], cfg["autograded"], cfg["feedback"], grader_dir / "reports"]
    for path in targets:
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
                f"student can submit; its owner (or root) should run: chmod 1777 {root}") from err
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


def _stamp_path(cfg: dict) -> Path:
    # matches .gitignore's grader/gradebook.db*; records what the last setup registered, and where
    return cfg["root"] / "grader" / "gradebook.db.setup-stamp"


def _fingerprint(cfg: dict, lessons: list[str]) -> str:
    cells = {lesson: _graded_cells(cfg["source"] / lesson / f"{lesson}.ipynb") for lesson in lessons}
    text = json.dumps({"db": cfg["db_url"], "course": cfg["course_id"], "cells": cells}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _db_present(db_url: str) -> bool:
    if db_url.startswith("sqlite:///"):
        return Path(db_url[len("sqlite:///"):]).is_file()
    return True  # a server database: trust the stamp (a wiped server is re-registered by `release`)


def register_lessons(cfg: dict, lessons: list[str]) -> tuple[list[str], list[str]]:
    """Register every lesson as an assignment; returns (new assignments, (re)registered notebooks).

    Skips the gradebook entirely (nbgrader's import alone takes a second) when the stamp says the
    same lessons with the same graded cells were registered in the same database already.
    """
    stamp, fingerprint = _stamp_path(cfg), _fingerprint(cfg, lessons)
    if _db_present(cfg["db_url"]) and stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return [], []
    from nbgrader.api import Gradebook

    new, stale = [], []
    with Gradebook(cfg["db_url"], cfg["course_id"]) as gb:
        known = {a.name for a in gb.assignments}
        for lesson in lessons:
            if lesson not in known:
                gb.update_or_create_assignment(lesson)
                new.append(lesson)
            notebook = cfg["source"] / lesson / f"{lesson}.ipynb"
            if _registered_cells(gb, lesson, lesson) != _graded_cells(notebook):
                stale.append(lesson)
    if stale:
        _generate_into_db(cfg, stale)
    stamp.write_text(fingerprint + "\n")
    return new, stale


def _generate_into_db(cfg: dict, lessons: list[str]) -> None:
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
            config = course_config(cfg["root"])
            config.CourseDirectory.release_directory = scratch
            coursedir = CourseDirectory(config=config)
            coursedir.assignment_id = lesson
            converter = GenerateAssignment(coursedir=coursedir, config=config)
            converter.force = True
            try:
                converter.start()
            except Exception as err:  # nbgrader raises one exception after logging the details
                raise SetupError(f"could not register {lesson} in the gradebook (nbgrader "
                                 f"generate_assignment failed: {type(err).__name__}: {err})") from err


def install_sandbox_kernel() -> str:
    """Install the sandboxed kernel spec when grader/sandbox.py provides it."""
    try:
        sandbox = importlib.import_module("grader.sandbox")
    except ModuleNotFoundError as err:
        if err.name != "grader.sandbox":
            raise
        return "sandbox kernel: skipped (grader/sandbox.py is not there yet)"
    installer = getattr(sandbox, "install_kernelspec", None)
    if installer is None:
        return "sandbox kernel: skipped (grader.sandbox has no install_kernelspec())"
    return f"sandbox kernel: {installer(prefix=sys.prefix)}"


def check_db_driver(db_url: str) -> None:
    """A clear message instead of SQLAlchemy's ModuleNotFoundError for a missing database driver."""
    from importlib.util import find_spec

    scheme = db_url.split(":", 1)[0]
    if scheme in ("postgresql", "postgres"):
        if find_spec("psycopg") is None:  # SQLAlchemy 2.1's default driver for postgresql://
            hint = (f"write it postgresql+psycopg2://{db_url.split('://', 1)[-1]}"
                    if find_spec("psycopg2") else "install psycopg2-binary (the test extra)")
            raise SetupError(f"the gradebook URL {db_url} needs the psycopg driver, which is not "
                             f"installed: {hint}")
    elif scheme == "postgresql+psycopg2" and find_spec("psycopg2") is None:
        raise SetupError(f"the gradebook URL {db_url} needs psycopg2: install psycopg2-binary")


def setup(root: Path = ROOT, kernel: bool = True) -> list[str]:
    """Prepare the course at ``root``; returns the lines to print."""
    cfg = settings(root)
    check_db_driver(cfg["db_url"])
    created = make_work_dirs(cfg)
    exchange = ensure_exchange(cfg["exchange"])
    lessons = solution_lessons(cfg["source"])
    new, registered = register_lessons(cfg, lessons)
    first = (f"setup: gradebook {cfg['db_url']} ({len(lessons)} lessons, {len(new)} new, "
             f"{len(registered)} (re)registered); exchange {cfg['exchange']} ({exchange}, mode 1777)")
    if created:
        first += f"; created {', '.join(str(p.relative_to(cfg['root'])) for p in created)}"
    lines = [first]
    if kernel:
        lines.append(install_sandbox_kernel())
    return lines


def copy_course(dest: Path, lessons=(), root: Path = ROOT) -> Path:
    """A self-contained copy of the course at ``dest`` for trials, tests and benchmarks.

    Holds the grader package (its ``*.py``), the configuration and the named lessons'
    ``solutions/`` and ``lessons/`` folders; no gradebook, exchange or student work. Commands
    started with ``cwd=dest`` (``python -m grader ...``, ``python -m nbgrader ...``) import this
    copy of ``grader`` and work on ``dest`` only (unset NNFS_DB_URL / NNFS_EXCHANGE, or point them
    at the copy, to keep them off the real course).
    """
    dest = Path(dest)
    (dest / "grader" / "sources").mkdir(parents=True, exist_ok=True)
    for module in (root / "grader").glob("*.py"):
        shutil.copy2(module, dest / "grader" / module.name)
    shutil.copy2(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    for lesson in lessons:
        for folder in ("solutions", "lessons"):
            if (root / folder / lesson).is_dir():
                shutil.copytree(root / folder / lesson, dest / folder / lesson, dirs_exist_ok=True)
        if not (root / "solutions" / lesson).is_dir():
            raise SetupError(f"no lesson {lesson} in {root / 'solutions'}")
        source = root / "grader" / "sources" / f"{lesson}.py"
        if source.is_file():
            shutil.copy2(source, dest / "grader" / "sources" / source.name)
    return dest


def add_arguments(parser) -> None:
    parser.add_argument("--no-kernel", action="store_true", help="do not install the sandbox kernel spec")
    add_course_dir_argument(parser)


def run(args) -> int:
    try:
        lines = setup(course_root(args.course_dir), kernel=not args.no_kernel)
    except SetupError as err:
        print(f"setup failed: {err}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0
