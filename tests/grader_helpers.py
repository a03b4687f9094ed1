"""Shared helpers for the grader's tests: a small nbgrader course in a temporary folder, a fake class.

    course = make_course(tmp_path)                     # lesson "ex" (SOURCE below), gradebook, release
    submit(course, "alice", "ex", answers=CORRECT)     # fill the released notebook's answer cells
    result = run_grader(course, "autograde", "--workers", "2")

The course root gets its own ``nbgrader_config.py`` that loads the repository's
``grader/nbgrader_config.py`` (so autograding is sandboxed exactly as in the real course) and only
moves the folders and the gradebook into the temporary root. Cell timeouts are short
(``NNFS_CELL_TIMEOUT``, default here 8 s) and the sandbox memory limit small (1 GiB).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from grader.notebooks import dumps, parse_source  # noqa: E402

PYTHON = sys.executable
#: The course settings a test must not inherit from the developer's environment.
COURSE_ENV = ("NNFS_DB_URL", "NNFS_EXCHANGE", "NNFS_STATE", "NNFS_ASSIGNMENT_DIR", "NNFS_COURSE_ID", "NNFS_UNSAFE")

#: A small lesson: two autograded exercises (2 + 3 points) and one written answer (2 points).
SOURCE = '''\
# %% [markdown]
# # A tiny lesson
# %% readonly id=setup
import numpy as np
from nnlib.testing import assert_close, assert_equal, call
# %% answer id=square
def square(x):
    """Each entry squared, as floats."""
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=float) ** 2
    ### END SOLUTION
# %% tests id=test_square points=2
assert_close(call(square, [1.0, 2.0]), [1.0, 4.0], hint="square each entry")
### BEGIN HIDDEN TESTS
assert_close(call(square, [-3.0, 0.5]), [9.0, 0.25], hint="negative entries too")
### END HIDDEN TESTS
# %% answer id=count_positive
def count_positive(x):
    """Number of strictly positive entries."""
    ### BEGIN SOLUTION
    return int((np.asarray(x) > 0).sum())
    ### END SOLUTION
# %% tests id=test_count_positive points=3
assert_equal(call(count_positive, [1, -1, 2]), 2, hint="count entries > 0")
### BEGIN HIDDEN TESTS
assert_equal(call(count_positive, [0, 0, 0]), 0, hint="zero is not positive")
### END HIDDEN TESTS
# %% [markdown] explain id=explain_square points=2
# Squaring keeps every entry non-negative.
'''

MAX_SCORE = 7.0

CORRECT = {
    "square": "def square(x):\n    return np.asarray(x, dtype=float) ** 2",
    "count_positive": "def count_positive(x):\n    return sum(1 for v in np.ravel(x) if v > 0)",
}
#: square right (2 points), count_positive counts >= 0: passes the visible test, fails the hidden one.
HALF = {
    "square": "def square(x):\n    return np.asarray(x, dtype=float) ** 2",
    "count_positive": "def count_positive(x):\n    return int((np.asarray(x) >= 0).sum())",
}
WRONG = {
    "square": "def square(x):\n    return np.asarray(x, dtype=float) * 2",
    "count_positive": "def count_positive(x):\n    return len(x)",
}


@dataclass
class Course:
    root: Path
    lessons: list[str]

    @property
    def db_url(self) -> str:
        return "sqlite:///" + str(self.root / "gradebook.db")

    def path(self, *parts) -> Path:
        return self.root.joinpath(*parts)

    def release(self, lesson: str) -> Path:
        return self.root / "release" / lesson / f"{lesson}.ipynb"

    def submitted(self, student: str, lesson: str) -> Path:
        return self.root / "submitted" / student / lesson / f"{lesson}.ipynb"

    def autograded(self, student: str, lesson: str) -> Path:
        return self.root / "autograded" / student / lesson / f"{lesson}.ipynb"


CONFIG = '''\
# Test course: the real course configuration, with every folder inside this temporary root.
import os
c = get_config()  # noqa: F821
load_subconfig({config!r})  # noqa: F821
HERE = {root!r}
c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = "nnfs-test"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
c.Exchange.root = os.path.join(HERE, "exchange")
c.Exchange.assignment_dir = os.path.join(HERE, "student")
c.NNFS.state_dir = HERE
c.Execute.timeout = int(os.environ.get("NNFS_CELL_TIMEOUT", "8"))
'''


def course_skeleton(root: Path, lessons: list[str]) -> None:
    """The course configuration (stub + grader/nbgrader_config.py) and solutions/ under ``root``.

    grader/nbgrader_config.py derives the course root, the gradebook and every folder from its
    own location, so the copy makes a self-contained course in ``root``.
    """
    (root / "grader").mkdir(parents=True, exist_ok=True)
    (root / "state").mkdir(exist_ok=True)  # the SQLite gradebook's folder (grader setup would make it)
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copy2(REPO / "grader" / "nbgrader_config.py", root / "grader" / "nbgrader_config.py")
    for lesson in lessons:
        if (REPO / "solutions" / lesson).is_dir():  # a missing one fails its own tests, not everyone's
            shutil.copytree(REPO / "solutions" / lesson, root / "solutions" / lesson, dirs_exist_ok=True)


def grader_env(**extra) -> dict:
    """Environment for grader subprocesses: short timeouts, a small memory limit, the repo importable."""
    env = dict(os.environ)
    env.setdefault("NNFS_CELL_TIMEOUT", "8")
    env.setdefault("NNFS_SANDBOX_MEMORY", "1G")
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("NNFS_DB_URL", None)
    env.pop("NNFS_UNSAFE", None)
    env.update(extra)
    return env


def nbgrader(course: Course, *argv: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PYTHON, "-m", "nbgrader", *argv], cwd=course.root, capture_output=True, text=True, env=env or grader_env()
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(argv)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def make_course(tmp: Path, lessons: dict[str, str] | None = None, duedates: dict[str, str] | None = None) -> Course:
    """A course in ``tmp`` with the given lesson sources (default: lesson ``ex`` = SOURCE), released."""
    lessons = lessons or {"ex": SOURCE}
    root = Path(tmp).resolve()
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        CONFIG.format(config=str(REPO / "grader" / "nbgrader_config.py"), root=str(root))
    )
    course = Course(root, sorted(lessons))
    api = nbgrader_api(course)
    for lesson, text in lessons.items():
        nb = parse_source(text, name=lesson)
        target = root / "source" / lesson / f"{lesson}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dumps(nb))
        if duedates and lesson in duedates:
            from nbgrader.api import Gradebook

            with Gradebook(course.db_url, "nnfs-test") as gb:
                gb.update_or_create_assignment(lesson, duedate=duedates[lesson])
        result = api.generate_assignment(lesson, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(
                f"generate_assignment {lesson} failed:\n{result.get('log', '')}\n{result.get('error', '')}"
            )
    return course


def nbgrader_api(course: Course):
    """nbgrader's API (what formgrader uses) on the course, in this process, with the course's config."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grader.course import load_config

    config = load_config(course.root)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def filled(release_nb: Path | dict, answers: dict[str, str]) -> dict:
    """The released notebook (as a dict) with the answer cells' sources replaced."""
    nb = (
        json.loads(Path(release_nb).read_text())
        if not isinstance(release_nb, dict)
        else json.loads(json.dumps(release_nb))
    )
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    return nb


def submit(
    course: Course,
    student: str,
    lesson: str = "ex",
    answers: dict[str, str] | None = None,
    *,
    notebook: dict | None = None,
    text: str | None = None,
    filename: str | None = None,
    timestamp: str = "2030-01-01 10:00:00.000000 UTC",
) -> Path:
    """Put a submission in submitted/<student>/<lesson>/: answers, a whole notebook dict, or raw text."""
    folder = course.root / "submitted" / student / lesson
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if text is None:
        nb = notebook if notebook is not None else filled(course.release(lesson), answers or {})
        text = json.dumps(nb, indent=1)
    path = folder / (filename or f"{lesson}.ipynb")
    path.write_text(text)
    (folder / "timestamp.txt").write_text(timestamp)
    return path


def run_grader(
    course: Course, *argv: str, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``python -m grader <argv>`` run from the course root."""
    return subprocess.run(
        [PYTHON, "-m", "grader", *argv],
        cwd=course.root,
        capture_output=True,
        text=True,
        env=env or grader_env(),
        timeout=timeout,
    )


def scores(course: Course, lesson: str = "ex") -> dict[str, float]:
    """Total score per student of ``lesson`` from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, "nnfs-test") as gb:
        out = {}
        for student in gb.students:
            try:
                out[student.id] = gb.find_submission(lesson, student.id).score
            except Exception:
                pass
        return out


def statuses(course: Course) -> dict[tuple[str, str], str]:
    """(student, lesson) -> status label recorded by the autograder."""
    from grader.status import StatusStore

    store = StatusStore(course.db_url)
    try:
        return {key: st.label for key, st in store.load().items()}
    finally:
        store.close()


def bwrap_works() -> tuple[bool, str]:
    from grader import sandbox

    return sandbox.available()


def ensure_system_user(name: str, purpose: str) -> str:
    """The system user ``name``, created (as root) when absent; skips the test saying why when it cannot be."""
    import pwd

    import pytest

    try:
        pwd.getpwnam(name)
    except KeyError:
        made = subprocess.run(
            ["useradd", "--system", "--shell", "/usr/sbin/nologin", name], capture_output=True, text=True
        )
        if made.returncode != 0:
            pytest.skip(f"cannot create the user {name} {purpose}: {made.stderr.strip()}")
    return name


# --------------------------------------------------------------------------------------------
# A tiny lesson in a copy of the real course (grader.setup.copy_course): test_feedback, test_report,
# test_setup, test_postgres and test_exchange_roundtrip

TINY = '''# %% [markdown]
# # Tiny lesson
# %% answer id=double
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
# %% tests id=test_double points=2
assert double(2) == 4, "double(2) should be 4: multiply by two"
### BEGIN HIDDEN TESTS
assert double(-21) == -42, "double of a negative number is wrong"
### END HIDDEN TESTS
# %% answer id=square
def square(x):
    ### BEGIN SOLUTION
    return x * x
    ### END SOLUTION
# %% tests id=test_square points=3
assert square(2) == 4, "square(2) should be 4"
### BEGIN HIDDEN TESTS
assert square(7) == 49, "square of a larger number is wrong"
assert square(-3) == 9, "square of a negative number is wrong"
### END HIDDEN TESTS
# %% [markdown] explain id=explain_square points=1
# Squaring multiplies a number by itself.
'''
HIDDEN_MARKERS = ("square(7)", "square(-3)", "double(-21)", "BEGIN HIDDEN", "END HIDDEN")

# Answers: (double body, square body); None keeps the released "raise NotImplementedError()".
ANSWERS = {
    "right": ("def double(x):\n    return x + x\n", "def square(x):\n    return x ** 2\n"),
    # passes square's visible test, fails its first hidden assert
    "hidden_fail": ("def double(x):\n    return 2 * x\n", "def square(x):\n    return 4 if x == 2 else x\n"),
    # fails double's visible assert; square right
    "visible_fail": ("def double(x):\n    return x * 3\n", "def square(x):\n    return x * x\n"),
    "blank": (None, None),
}
# points per answer kind: test_double 2, test_square 3 (explain_square is graded by hand)
EXPECTED = {"right": 5.0, "hidden_fail": 2.0, "visible_fail": 3.0, "blank": 0.0}
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in ("NNFS_DB_URL", "NNFS_EXCHANGE", "NNFS_STATE", "NNFS_ASSIGNMENT_DIR", "NNFS_COURSE_ID")
}


def run(argv, cwd, env=None, check=True, timeout=600):
    """Run a command in a course copy; on failure show its output."""
    result = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**CLEAN_ENV, **(env or {})}
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, argv))} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        )
    return result


def tiny_course(dest: Path, env: dict | None = None, release: bool = False) -> Path:
    """A course copy at dest with the tiny lesson: set up and generated (lessons/tiny exists)."""
    from grader.setup import copy_course

    copy_course(dest)
    # setup before the lesson exists: folders and exchange, nothing to register (quick); then
    # release's generate_assignment registers the lesson (no second generate by setup)
    run([sys.executable, "-m", "grader", "setup"], dest, env)
    (dest / "grader" / "sources" / "tiny.py").write_text(TINY)
    target = dest / "solutions" / "tiny" / "tiny.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(parse_source(TINY, "tiny.py")))
    run([sys.executable, "-m", "grader", "release", "tiny"] + ([] if release else ["--no-exchange"]), dest, env)
    return dest


def answered(released: Path, kind: str) -> dict:
    """The released notebook with the answer cells of ``kind`` filled in (as JSON)."""
    nb = json.loads(released.read_text())
    bodies = dict(zip(("double", "square"), ANSWERS[kind]))
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if bodies.get(grade_id):
            cell["source"] = bodies[grade_id]
    return nb


def place_submission(course: Path, student: str, kind: str, lesson: str = "tiny") -> Path:
    """Put a submission where collect would: <state>/submitted/<student>/<lesson>/."""
    from grader.course import Course

    folder = Course.load(course).submitted / student / lesson
    folder.mkdir(parents=True, exist_ok=True)
    nb = answered(course / "lessons" / lesson / f"{lesson}.ipynb", kind)
    (folder / f"{lesson}.ipynb").write_text(json.dumps(nb))
    (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
    return folder


def autograde(course: Path, lesson: str = "tiny", env: dict | None = None):
    """``python -m grader autograde LESSON`` in the course copy."""
    return run([sys.executable, "-m", "grader", "autograde", lesson], course, env)


def page_text(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


# no stray gradebook left in the repository (conftest.py checks it at the end of every session)

_PRUNE = {".git", ".venv", "node_modules", "state", "__pycache__", ".hypothesis", ".pytest_cache", ".ruff_cache"}


def stray_gradebooks(root: Path = REPO) -> set[Path]:
    """Every ``gradebook.db`` under ``root`` outside ``state/`` (and the venv, .git and caches)."""
    found = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _PRUNE]
        if "gradebook.db" in files:
            found.add(Path(folder) / "gradebook.db")
    return found
