"""The gradebook on a REAL PostgreSQL server: setup, parallel autograde, export and report.

Starts a private PostgreSQL (initdb into a temporary folder, listening only on a Unix socket in
that folder, no TCP), creates a database, points the course at it with
``NNFS_DB_URL=postgresql://...`` and grades a small class of a temporary course copy through
``python -m grader autograde --workers 2``; scores are checked through nbgrader's Gradebook API,
``python -m grader export`` and ``python -m grader report``. The server is stopped and its folder
removed in a finalizer.

PostgreSQL refuses to run as root: as root, the server runs as the system user ``nnfs-pg``
(created when absent, no login shell) which owns the temporary folder. Skips, saying why, where
the PostgreSQL binaries, psycopg2 or a working server are not available.
"""
from __future__ import annotations

import csv
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader_helpers import ensure_system_user

from grader_helpers import EXPECTED, autograde, place_submission, run, tiny_course

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PG_USER = "nnfs-pg"


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", PG_USER, "--", *argv] if os.geteuid() == 0 else argv


@pytest.fixture(scope="module")
def postgres_url():
    pytest.importorskip("psycopg2", reason="psycopg2 is not installed (pip install psycopg2-binary)")
    import psycopg2

    bindir = _bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl; `make system-deps` installs it as root)")
    if os.geteuid() == 0:
        ensure_system_user(PG_USER, "to run PostgreSQL as non-root")
    # short path: a Unix socket path must stay under ~107 characters
    base = Path(tempfile.mkdtemp(prefix="nnfs-pg-", dir="/tmp"))
    data, log = base / "data", base / "server.log"
    if os.geteuid() == 0:
        entry = pwd.getpwnam(PG_USER)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    started = False
    try:
        init = subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-A", "trust",
                                               "-U", "nnfs", "-E", "UTF8", "--no-sync", "--no-instructions"]),
                              capture_output=True, text=True, timeout=180)
        if init.returncode != 0:
            pytest.skip(f"initdb failed ({init.returncode}): {init.stderr.strip()[-800:]}")
        options = f"-k {base} -c listen_addresses='' -F"
        start = subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                                                "-l", str(log), "-w", "-t", "60", "start"]),
                               capture_output=True, text=True, timeout=120)
        if start.returncode != 0:
            tail = log.read_text()[-800:] if log.exists() else ""
            pytest.skip(f"PostgreSQL did not start ({start.returncode}): {start.stderr.strip()[-400:]} {tail}")
        started = True
        admin = psycopg2.connect(dbname="postgres", user="nnfs", host=str(base))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("CREATE DATABASE nnfs_grades")
        admin.close()
        # +psycopg2: SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, which is not installed
        yield f"postgresql+psycopg2://nnfs@/nnfs_grades?host={base}"
    finally:
        if started:
            subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                           capture_output=True, text=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def test_autograde_export_and_report_on_postgres(postgres_url, tmp_path):
    env = {"NNFS_DB_URL": postgres_url}
    course = tiny_course(tmp_path / "course", env=env)
    kinds = ["right", "hidden_fail", "visible_fail", "blank"]
    for kind in kinds:
        place_submission(course, kind, kind)
    broken = course / "grader" / "submitted" / "broken" / "tiny"
    broken.mkdir(parents=True)
    (broken / "tiny.ipynb").write_text('{"cells": [ this is not JSON')
    (broken / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")

    if (course / "grader" / "autograde.py").exists():
        run([sys.executable, "-m", "grader", "autograde", "tiny", "--workers", "2", "--no-progress"], course, env)
    else:
        autograde(course, env=env)

    # nothing went to SQLite: the gradebook is the server's
    assert not list(course.rglob("gradebook.db")), "a SQLite gradebook was created despite NNFS_DB_URL"

    from nbgrader.api import Gradebook
    with Gradebook(postgres_url, "nn-from-scratch") as gb:
        assert [a.name for a in gb.assignments] == ["tiny"]
        scores = {kind: gb.find_submission("tiny", kind).score for kind in kinds}
        assert scores == pytest.approx(EXPECTED)
        assert gb.find_submission("tiny", "right").max_score == pytest.approx(6.0)

    if (course / "grader" / "export.py").exists():
        out = tmp_path / "grades.csv"
        run([sys.executable, "-m", "grader", "export", "--output", str(out)], course, env)
        with out.open() as fh:
            rows = {r["student_id"]: r for r in csv.DictReader(fh) if r["lesson"] == "tiny"}
        for kind in kinds:
            assert float(rows[kind]["score"]) == pytest.approx(EXPECTED[kind]), rows[kind]
            assert rows[kind]["status"] in ("ok", "late"), rows[kind]
        assert rows["broken"]["status"].startswith("failed"), rows["broken"]
        assert rows["broken"]["score"] == "", "an ungradable submission must not read as a zero"

    report = run([sys.executable, "-m", "grader", "report", "tiny"], course, env).stdout
    lines = report.splitlines()
    double = next(line for line in lines if line.startswith("double "))
    square = next(line for line in lines if line.startswith("square "))
    # double: right, hidden_fail and blank... see EXPECTED: double passes for right, hidden_fail
    assert double.split()[:6] == ["double", "2", "4", "2", "0", "2"], report
    assert square.split()[:6] == ["square", "3", "4", "2", "0", "2"], report
    assert "AssertionError: double(2) should be 4: multiply by two (x1)" in double
    assert "AssertionError: square of a larger number is wrong (x1)" in square
