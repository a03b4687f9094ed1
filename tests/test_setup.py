"""`python -m grader setup`: folders, exchange permissions, gradebook registration, idempotence,
and no stray gradebook.db when nbgrader runs from the course root. All on temporary course copies.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from grader_helpers import TINY, run

from grader.notebooks import dumps, parse_source

SETUP = [sys.executable, "-m", "grader", "setup"]


def _course(tmp_path: Path, lessons: int = 1) -> Path:
    from grader.setup import copy_course

    root = copy_course(tmp_path / "course")
    for i in range(lessons):
        name = f"tiny{i}"
        (root / "solutions" / name).mkdir(parents=True)
        (root / "solutions" / name / f"{name}.ipynb").write_text(dumps(parse_source(TINY, f"{name}.py")))
    return root


def _identity(path: Path):
    """Enough to tell whether a file was created or rewritten meanwhile (None when absent)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _cells(root: Path, lesson: str) -> dict:
    from grader.course import Course

    with Course.load(root).gradebook() as gb:
        nb = gb.find_notebook(lesson, lesson)
        return {cell.name: cell.max_score for cell in nb.grade_cells}


@pytest.mark.slow
def test_setup_creates_everything_and_is_idempotent(tmp_path):
    root = _course(tmp_path, lessons=2)
    first = run(SETUP, root).stdout
    assert "2 lessons, 2 new, 2 (re)registered" in first, first
    for folder in ("submitted", "autograded", "feedback", "reports", "student"):
        assert (root / "state" / folder).is_dir()
    exchange = root / "state" / "exchange"
    assert stat.S_IMODE(exchange.stat().st_mode) == 0o1777  # rwx for all, sticky (like /tmp)
    assert "(created, mode 1777)" in first
    assert _cells(root, "tiny0") == {"test_double": 2.0, "test_square": 3.0, "explain_square": 1.0}
    assert not (root / "lessons").exists(), "setup must not write lessons/ (it registers into a scratch folder)"

    # second run: nothing to do, and nbgrader is not even imported (the fast path)
    probe = (
        "import sys; from grader.setup import setup; print(setup()[0]); "
        "print('nbgrader.api imported:', 'nbgrader.api' in sys.modules)"
    )
    second = run([sys.executable, "-c", probe], root).stdout
    assert "2 lessons, 0 new, 0 (re)registered" in second and "(ok, mode 1777)" in second, second
    assert "nbgrader.api imported: False" in second

    # a changed graded cell (points) is re-registered, and only that lesson
    nb = json.loads((root / "solutions" / "tiny1" / "tiny1.ipynb").read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "test_square":
            cell["metadata"]["nbgrader"]["points"] = 4.0
    (root / "solutions" / "tiny1" / "tiny1.ipynb").write_text(json.dumps(nb))
    third = run(SETUP, root).stdout
    assert "2 lessons, 0 new, 1 (re)registered" in third, third
    assert _cells(root, "tiny1")["test_square"] == 4.0

    # a deleted gradebook is made again
    (root / "state" / "gradebook.db").unlink()
    fourth = run(SETUP, root).stdout
    assert "2 lessons, 2 new, 2 (re)registered" in fourth, fourth
    assert _cells(root, "tiny0")["test_double"] == 2.0


def test_exchange_permissions_are_repaired_and_bad_exchange_is_refused(tmp_path, grader_cli):
    root = _course(tmp_path, lessons=0)
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o755)
    os.chmod(exchange, 0o755)
    good = grader_cli("setup", cwd=root, env={"NNFS_EXCHANGE": exchange})
    assert good.returncode == 0, good.stderr
    assert f"exchange {exchange} (fixed, mode 1777)" in good.stdout, good.stdout
    assert stat.S_IMODE(exchange.stat().st_mode) == 0o1777
    assert not (root / "state" / "exchange").exists()  # NNFS_EXCHANGE is honoured
    assert (root / "state" / "submitted").is_dir()  # ...and the course is the one in the current folder

    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    bad = grader_cli("setup", "--course-dir", root, env={"NNFS_EXCHANGE": not_a_folder})
    assert bad.returncode == 1
    assert "exists and is not a folder" in bad.stderr
    assert not_a_folder.read_text() == "x"  # nothing lost


@pytest.mark.slow
def test_nbgrader_from_the_course_root_makes_no_stray_gradebook(tmp_path):
    root = _course(tmp_path, lessons=1)
    tmp_db = Path("/tmp/gradebook.db")  # nbgrader's default URL: sqlite:////tmp/gradebook.db
    tmp_db_before = _identity(tmp_db)
    run(SETUP, root)
    for argv in (
        ["db", "assignment", "list"],
        ["db", "student", "add", "s1"],
        ["generate_assignment", "tiny0", "--force"],
    ):
        run([sys.executable, "-m", "nbgrader", *argv], root)
    found = sorted(p.relative_to(root) for p in root.rglob("gradebook.db"))
    assert found == [Path("state/gradebook.db")], f"gradebooks under the course root: {found}"
    assert _identity(tmp_db) == tmp_db_before, "nbgrader wrote a gradebook in /tmp"
