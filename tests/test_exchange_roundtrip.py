"""The whole exchange round trip on one machine, instructor and student as different Unix users.

release -> (student) fetch_assignment -> answer -> submit -> (instructor) collect -> autograde
-> feedback (generate + release) -> (student) fetch_feedback, through a temporary exchange and a
temporary course copy (the repository's gradebook and exchange are never touched).

Run as root, the student is the Unix user ``nnfs-student`` (created when absent, as a system user
without a login shell) and the student id is that user name. Not as root, the student commands
run as the current user (one machine, one user: the exchange's mechanics are the same, only the
permission checks are not exercised).

How the student runs nbgrader: the course venv's interpreter lives under /root (mode 700), which
other users cannot execute. Rather than opening /root up, the student runs the system Python
(``/usr/bin/python3``, same minor version as the venv) with ``PYTHONPATH`` set to the venv's
site-packages (world-readable): the same nbgrader 0.9.6, nothing installed, nothing chmod'ed.
The test skips, saying why, when that Python is missing or of another version.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
from grader_helpers import HIDDEN_MARKERS, answered, autograde, ensure_system_user, page_text, run, tiny_course

pytestmark = pytest.mark.slow

STUDENT_USER = "nnfs-student"
SYSTEM_PYTHON = Path("/usr/bin/python3")
COURSE_ID = "nn-from-scratch"


def _student_python() -> str:
    """An interpreter the student user can execute, with this venv's packages importable."""
    if os.geteuid() != 0:
        return sys.executable
    if not SYSTEM_PYTHON.exists():
        pytest.skip(f"{SYSTEM_PYTHON} is missing: no interpreter another user can run (the venv's is under /root)")
    version = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    ).stdout.strip()
    if version != str(tuple(sys.version_info[:2])):
        pytest.skip(
            f"{SYSTEM_PYTHON} is Python {version}, the venv {sys.version_info[:2]}: "
            "its compiled packages would not load"
        )
    return str(SYSTEM_PYTHON)


def _ensure_student_user() -> str:
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    ensure_system_user(STUDENT_USER, "to act as the student")
    if shutil.which("runuser") is None:
        pytest.skip("runuser is missing: cannot run commands as the student")
    return STUDENT_USER


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Course copy (instructor, private), exchange and student home (reachable by the student)."""
    student = _ensure_student_user()
    python = _student_python()
    site = Path(sysconfig.get_paths()["purelib"])
    if (
        os.geteuid() == 0
        and subprocess.run(
            ["runuser", "-u", student, "--", "test", "-r", str(site / "nbgrader" / "__init__.py")]
        ).returncode
        != 0
    ):
        pytest.skip(
            f"{student} cannot read the venv's packages in {site} (a parent folder is not "
            "world-readable): the student could not run nbgrader"
        )
    shared = Path(tempfile.mkdtemp(prefix="nnfs-roundtrip-", dir="/tmp"))
    try:
        shared.chmod(0o755)
        home = shared / "home"
        home.mkdir()
        if os.geteuid() == 0:
            entry = pwd.getpwnam(student)
            os.chown(home, entry.pw_uid, entry.pw_gid)
        exchange = shared / "exchange"  # created by `grader setup`, mode 1777
        env = {"NNFS_EXCHANGE": str(exchange)}
        course = tiny_course(tmp_path_factory.mktemp("roundtrip") / "course", env=env, release=True)
        yield {"course": course, "exchange": exchange, "home": home, "student": student, "python": python, "env": env}
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def as_student(w, *argv, check=True):
    """Run nbgrader as the student, in the student's home, with nothing of the instructor's env."""
    site = sysconfig.get_paths()["purelib"]
    env = {"HOME": str(w["home"]), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": site}
    command = [w["python"], "-m", "nbgrader", *argv, f"--course={COURSE_ID}", f"--Exchange.root={w['exchange']}"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", w["student"], "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command]
        environ = None
    else:
        environ = {**os.environ, **env}
    result = subprocess.run(command, cwd=w["home"], capture_output=True, text=True, env=environ, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(
            f"student: nbgrader {' '.join(argv)} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    return result


def test_round_trip(world):
    w = world
    course, exchange, home, student = w["course"], w["exchange"], w["home"], w["student"]
    py = sys.executable

    # the exchange root, as setup made it: world-writable with the sticky bit
    assert exchange.is_dir() and (exchange.stat().st_mode & 0o7777) == 0o1777

    # 1. the instructor released the lesson (`python -m grader release tiny`, in tiny_course)
    released = exchange / COURSE_ID / "outbound" / "tiny" / "tiny.ipynb"
    assert released.is_file(), "release did not put the lesson in the exchange"

    # 2. student fetches (as another user) and answers: double right, square failing a hidden test
    as_student(w, "fetch_assignment", "tiny")
    fetched = home / "tiny" / "tiny.ipynb"
    assert fetched.is_file(), "fetch_assignment did not bring the notebook"
    if os.geteuid() == 0:
        assert fetched.stat().st_uid == pwd.getpwnam(student).pw_uid
    text = json.dumps(answered(fetched, "hidden_fail"))
    if os.geteuid() == 0:  # the answer is written by the student too
        subprocess.run(
            ["runuser", "-u", student, "--", "tee", str(fetched)],
            input=text,
            text=True,
            capture_output=True,
            check=True,
        )
    else:
        fetched.write_text(text)

    # 3. student submits
    as_student(w, "submit", "tiny")
    inbound = list((exchange / COURSE_ID / "inbound").glob(f"{student}+tiny+*"))
    assert len(inbound) == 1, f"expected one submission in the inbound folder, found {inbound}"
    assert (inbound[0] / "tiny.ipynb").is_file()

    # 4. instructor collects
    out = run([py, "-m", "grader", "collect", "tiny"], course, w["env"]).stdout
    assert "1 student(s) submitted, 1 new, 0 updated" in out, out
    from grader.course import Course

    model = Course.load(course)
    submitted = model.submitted / student / "tiny"
    assert (submitted / "tiny.ipynb").is_file() and (submitted / "timestamp.txt").is_file()

    # 5. autograde, scores in the gradebook
    autograde(course, env=w["env"])
    assert model.autograded_notebook(student, "tiny").is_file()
    with model.gradebook() as gb:
        submission = gb.find_submission("tiny", student)
        assert submission.score == pytest.approx(2.0)  # double 2/2, square 0/3, explain not graded yet
        assert submission.max_score == pytest.approx(6.0)

    # 6. feedback generated and released
    out = run([py, "-m", "grader", "feedback", "tiny"], course, w["env"]).stdout
    assert "1 released" in out and "0 withheld" in out, out
    page = model.feedback / student / "tiny" / "tiny.html"
    assert page.is_file()
    assert list((exchange / COURSE_ID / "feedback").glob("*.html")), "no feedback in the exchange"

    # 7. student fetches the feedback
    as_student(w, "fetch_feedback", "tiny")
    pages = list((home / "tiny" / "feedback").glob("*/tiny.html"))
    assert len(pages) == 1, f"fetched feedback: {pages}"
    text = page_text(pages[0])
    assert re.search(r"Score:\s*2(\.0)?\s*/\s*6(\.0)?", text), "the feedback does not show the score"
    for marker in HIDDEN_MARKERS:
        assert marker not in text, f"the student's feedback shows hidden test text {marker!r}"
    assert "square of a larger number is wrong" in text  # the hint of the failing hidden test
