"""grader/course.py: one configuration loader for every command, the same answers nbgrader gives.

A user-level ``nbgrader_config.py`` (``$JUPYTER_CONFIG_DIR``, as ``~/.jupyter`` on an instructor's
machine or ``/etc/jupyter`` on a server) that moves the exchange, the gradebook and the course id
is honoured by every ``python -m grader`` command and by plain ``nbgrader`` alike: none of them
falls back to the course's embedded defaults under ``state/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course import Course, CourseError, UnknownLesson


@pytest.fixture
def course_and_user(tmp_path, monkeypatch):
    from grader.setup import copy_course

    for name in ("NNFS_DB_URL", "NNFS_EXCHANGE", "NNFS_STATE", "NNFS_ASSIGNMENT_DIR", "NNFS_COURSE_ID"):
        monkeypatch.delenv(name, raising=False)
    root = copy_course(tmp_path / "course", lessons=["00_welcome"])
    user = tmp_path / "user-config"
    user.mkdir()
    (user / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.Exchange.root = {str(tmp_path / 'exchange-of-the-user')!r}\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(tmp_path / 'gradebook-of-the-user.db')!r}\n"
        "c.CourseDirectory.course_id = 'course-of-the-user'\n"
    )
    return root, user, tmp_path


def test_the_course_model_reads_the_configuration_as_nbgrader_does(course_and_user, monkeypatch):
    root, user, tmp = course_and_user
    plain = Course.load(root)
    assert plain.exchange == root / "state" / "exchange" and plain.course_id == "nn-from-scratch"
    assert plain.gradebook_url == f"sqlite:///{root / 'state' / 'gradebook.db'}"
    assert plain.lessons() == ["00_welcome"] and plain.state == root / "state"
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user))
    moved = Course.load(root)
    assert moved.exchange == tmp / "exchange-of-the-user"
    assert moved.gradebook_url == f"sqlite:///{tmp / 'gradebook-of-the-user.db'}"
    assert moved.course_id == "course-of-the-user"
    # an NNFS_* variable still wins over the user-level file, and --set over both
    monkeypatch.setenv("NNFS_COURSE_ID", "from-the-environment")
    assert Course.load(root).course_id == "from-the-environment"
    assert Course.load(root, ["CourseDirectory.course_id=from-the-command-line"]).course_id == "from-the-command-line"
    with pytest.raises(UnknownLesson, match="unknown lesson 'nope' \\(lessons: 00_welcome\\)"):
        moved.check_lesson("nope")
    with pytest.raises(CourseError, match="not a course folder"):
        Course.load(tmp)


@pytest.mark.slow
def test_a_user_level_config_is_honoured_by_every_command_alike(course_and_user, grader_cli):
    root, user, tmp = course_and_user
    env = {"JUPYTER_CONFIG_DIR": str(user)}
    exchange, gradebook = tmp / "exchange-of-the-user", tmp / "gradebook-of-the-user.db"

    setup = grader_cli("setup", cwd=root, env=env)
    assert setup.returncode == 0, setup.stderr
    assert exchange.is_dir() and gradebook.is_file()
    assert not (root / "state" / "exchange").exists() and not (root / "state" / "gradebook.db").exists()

    release = grader_cli("release", "00_welcome", cwd=root, env=env)
    assert release.returncode == 0, release.stderr
    assert (exchange / "course-of-the-user" / "outbound" / "00_welcome" / "00_welcome.ipynb").is_file()

    # plain nbgrader, started in the course folder, sees the same exchange and course
    listed = subprocess.run(
        [sys.executable, "-m", "nbgrader", "list"], cwd=root, capture_output=True, text=True, env={**os.environ, **env}
    )
    assert "course-of-the-user 00_welcome" in listed.stdout + listed.stderr, listed.stdout + listed.stderr

    collect = grader_cli("collect", "00_welcome", cwd=root, env=env)
    assert collect.returncode == 0 and f"no submissions in {exchange}" in collect.stdout, collect.stdout
    export = grader_cli("export", "--output", str(tmp / "grades.csv"), cwd=root, env=env)
    assert export.returncode == 0, export.stderr
    for command in ("report", "feedback"):
        result = grader_cli(command, "00_welcome", cwd=root, env=env)
        assert result.returncode == 0, (command, result.stderr)
    assert not (root / "state" / "gradebook.db").exists(), "a command fell back to the embedded gradebook"
    assert not (root / "state" / "exchange").exists(), "a command fell back to the embedded exchange"
    assert Path(exchange).is_dir()
