"""`python -m grader roster`: import (all or nothing, every bad line with its reason), list, remove
(grades kept), --instructors, and --create-accounts with real Unix accounts (as root)."""

from __future__ import annotations

import json
import os
import pwd
import stat
import subprocess
from pathlib import Path

import pytest

from grader.setup import copy_course

REPO = Path(__file__).resolve().parent.parent
HEADER = "id,first_name,last_name,email\n"


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = copy_course(tmp_path / "course")
    for key in [k for k in os.environ if k.startswith("NNFS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("NNFS_STATE", str(tmp_path / "state"))
    return root, None, tmp_path / "state"


def roster(course, *argv):
    """``python -m grader roster ...`` in this process (the configuration is read per command)."""
    import contextlib
    import io

    from grader.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            ["roster", *argv, "--course-dir", str(course[0])]
            if argv[0] != "remove"
            else ["roster", argv[0], "--course-dir", str(course[0]), *argv[1:]]
        )
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def gradebook_students(state: Path) -> dict:
    from nbgrader.api import Gradebook

    db = state / "gradebook.db"
    if not db.is_file():
        return {}
    with Gradebook(f"sqlite:///{db}", "nn-from-scratch") as gb:
        return {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}


@pytest.mark.slow  # creates a gradebook (nbgrader's migrations): seconds
def test_import_list_remove(course, tmp_path):
    _, _, state = course
    csv = tmp_path / "students.csv"
    csv.write_text(HEADER + "ana,Ana,Lima,ana@uni.example\nbo_2,Bo,Chen,\n")
    done = roster(course, "import", str(csv))
    assert done.returncode == 0, done.stderr
    assert "2 students imported (2 new" in done.stdout
    path = state / "roster.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert set(data["students"]) == {"ana", "bo_2"} and data["course"] == "nn-from-scratch"
    assert gradebook_students(state) == {"ana": ("Ana", "Lima", "ana@uni.example"), "bo_2": ("Bo", "Chen", None)}

    staff = tmp_path / "staff.csv"
    staff.write_text(HEADER + "tina,Tina,Ta,tina@uni.example\nian,Ian,Prof,ian@uni.example\n")
    assert roster(course, "import", str(staff), "--instructors").returncode == 0
    listing = roster(course, "list").stdout
    assert "2 students, 2 instructors/TAs, 0 removed" in listing
    assert any(line.split()[:2] == ["tina", "instructor"] for line in listing.splitlines())
    assert "tina" not in gradebook_students(state)  # instructors are not graded

    # the same file again: nothing new, nothing duplicated
    again = roster(course, "import", str(csv))
    assert again.returncode == 0 and "(0 new" in again.stdout

    # remove: no more login, the gradebook keeps the student (and so their grades)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{state / 'gradebook.db'}", "nn-from-scratch") as gb:
        gb.add_assignment("00_welcome")
        gb.add_submission("00_welcome", "ana")
    gone = roster(course, "remove", "ana")
    assert gone.returncode == 0 and "grades stay" in gone.stdout
    data = json.loads(path.read_text())
    assert "ana" not in data["students"] and data["removed"]["ana"]["was"] == "student"
    assert "ana" in gradebook_students(state)
    with Gradebook(f"sqlite:///{state / 'gradebook.db'}", "nn-from-scratch") as gb:
        assert gb.find_submission("00_welcome", "ana")
    assert roster(course, "remove", "ana").returncode == 2
    from grader.hub.roster import load, role_of

    data = load(state)
    assert [role_of(data, u) for u in ("ana", "bo_2", "tina", "zed")] == [None, "student", "instructor", None]


def test_bad_lines_refused_each_with_its_reason_nothing_imported(course, tmp_path):
    _, _, state = course
    csv = tmp_path / "bad.csv"
    csv.write_text(
        HEADER
        + "\n".join(
            [
                "ana,Ana,Lima,ana@uni.example",  # 2 fine
                "Bob,Bob,Upper,bob@uni.example",  # 3 uppercase
                "ana,Ana,Again,ana2@uni.example",  # 4 duplicate of line 2
                "daemon,Dae,Mon,d@uni.example",  # 5 a system account
                "9lives,Cat,Nine,cat@uni.example",  # 6 starts with a digit
                "carl,Carl,Mail,not-an-email",  # 7 bad e-mail
                "dee,Dee,Short",  # 8 missing a field
                ",No,Id,noid@uni.example",  # 9 empty id
                "root,Root,Root,r@uni.example",  # 10 reserved
                "eve;rm,Eve,X,eve@uni.example",  # 11 shell characters
            ]
        )
        + "\n"
    )
    done = roster(course, "import", str(csv))
    assert done.returncode == 2, done.stdout
    err = done.stderr
    assert "9 line(s) refused, nothing imported" in err
    for expected in (
        "line 3: Bob: bad id",
        "line 4: ana: duplicate: already on line 2",
        "line 5: daemon: 'daemon' is a system account",
        "line 6: 9lives: bad id",
        "line 7: carl: bad e-mail address 'not-an-email'",
        "line 8: 3 fields, the header has 4",
        "line 9: (empty id): empty id",
        "line 10: root: reserved name",
        "line 11: eve;rm: bad id",
    ):
        assert expected in err, f"{expected!r} not in:\n{err}"
    assert "line 2:" not in err
    assert not (state / "roster.json").exists()
    assert gradebook_students(state) == {}


@pytest.mark.slow
def test_bad_header_and_cross_role(course, tmp_path):
    _, _, state = course
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,email\nana,Ana,a@b.cd\n")
    done = roster(course, "import", str(bad))
    assert done.returncode == 2 and "missing: first_name, last_name" in done.stderr and "unknown: name" in done.stderr
    assert "no such file" in roster(course, "import", str(tmp_path / "nope.csv")).stderr
    good = tmp_path / "s.csv"
    good.write_text(HEADER + "ana,Ana,Lima,\n")
    assert roster(course, "import", str(good)).returncode == 0
    both = roster(course, "import", str(good), "--instructors")
    assert both.returncode == 2 and "line 2: ana: already on the roster as a student" in both.stderr
    assert json.loads((state / "roster.json").read_text())["instructors"] == {}


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="creates Unix accounts (root only)")
def test_create_accounts_private_homes_passwords(course, tmp_path):
    users = ["nnfs-rt-ana", "nnfs-rt-bo"]
    for user in users:
        subprocess.run(["userdel", "--remove", user], capture_output=True)
    csv = tmp_path / "s.csv"
    csv.write_text(
        "id,first_name,last_name,email,password\n"
        "nnfs-rt-ana,Ana,Lima,ana@uni.example,S3cret-pass\nnnfs-rt-bo,Bo,Chen,,\n"
    )
    try:
        done = roster(course, "import", str(csv), "--create-accounts")
        assert done.returncode == 0, done.stderr
        assert "2 Unix accounts created" in done.stdout
        for user in users:
            entry = pwd.getpwnam(user)
            assert entry.pw_uid >= 1000
            assert stat.S_IMODE(os.stat(entry.pw_dir).st_mode) == 0o700, f"{entry.pw_dir} is not private"
            assert os.stat(entry.pw_dir).st_uid == entry.pw_uid
        shadow = {line.split(":")[0]: line.split(":")[1] for line in Path("/etc/shadow").read_text().splitlines()}
        assert shadow["nnfs-rt-ana"].startswith("$"), "the password from the file was not set"
        assert shadow["nnfs-rt-bo"].startswith("!"), "no password: the account must be locked"
        # PAM accepts ana's password (what the hub's login does)
        import pamela

        pamela.authenticate("nnfs-rt-ana", "S3cret-pass", service="login")
        with pytest.raises(pamela.PAMError):
            pamela.authenticate("nnfs-rt-ana", "wrong", service="login")
        # an existing account is used as it is
        again = roster(course, "import", str(csv), "--create-accounts")
        assert again.returncode == 0 and "0 Unix accounts created" in again.stdout
    finally:
        for user in users:
            subprocess.run(["userdel", "--remove", user], capture_output=True)
