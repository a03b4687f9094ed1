"""The gradebook on a REAL PostgreSQL server: setup, autograde on Dask, export, report, concurrent writes.

Starts a private PostgreSQL (initdb into a temporary folder, listening only on a Unix socket in
that folder, no TCP), creates a database, points the course at it with
``NNFS_DB_URL=postgresql://...`` and grades a small class of a temporary course copy through
``python -m grader autograde --workers 2`` (a Dask LocalCluster; the instructor's process writes the
gradebook); scores are checked through nbgrader's Gradebook API, ``python -m grader export`` and
``python -m grader report``. Then many grading results are written at once, each twice, by four
processes into one PostgreSQL gradebook: one row per submission, the right scores. The server is
stopped and its folder removed in a finalizer.

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
from grader_helpers import EXPECTED, ensure_system_user, place_submission, run, tiny_course

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
        init = subprocess.run(
            _as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "nnfs",
                    "-E",
                    "UTF8",
                    "--no-sync",
                    "--no-instructions",
                ]
            ),
            capture_output=True,
            text=True,
            timeout=180,
        )
        if init.returncode != 0:
            pytest.skip(f"initdb failed ({init.returncode}): {init.stderr.strip()[-800:]}")
        options = f"-k {base} -c listen_addresses='' -F"
        start = subprocess.run(
            _as_server_user(
                [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"]
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
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
            subprocess.run(
                _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                capture_output=True,
                text=True,
                timeout=120,
            )
        shutil.rmtree(base, ignore_errors=True)


def test_autograde_export_and_report_on_postgres(postgres_url, tmp_path):
    env = {"NNFS_DB_URL": postgres_url}
    course = tiny_course(tmp_path / "course", env=env)
    kinds = ["right", "hidden_fail", "visible_fail", "blank"]
    for kind in kinds:
        place_submission(course, kind, kind)
    from grader.course import Course

    broken = Course.load(course).submitted / "broken" / "tiny"
    broken.mkdir(parents=True)
    (broken / "tiny.ipynb").write_text('{"cells": [ this is not JSON')
    (broken / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")

    run([sys.executable, "-m", "grader", "autograde", "tiny", "--workers", "2", "--no-progress"], course, env)

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


# ---------------------------------------------------------------------------------------------
# many tasks finishing at once: concurrent writers on one PostgreSQL gradebook


def _write_all(args):
    root, overrides, results = args
    from grader import distribute
    from grader.course import Course

    with distribute.GradebookWriter(Course.load(root, overrides)) as writer:
        for result in results:
            writer.write(result)


def test_many_results_written_at_once_on_postgres(postgres_url, tmp_path):
    """24 results, each written twice (a task that ran twice), by 4 processes started together."""
    import multiprocessing
    from dataclasses import replace

    import psycopg2
    from grader_helpers import CORRECT, HALF, WRONG, bwrap_works, make_course, submit
    from nbgrader.api import Gradebook
    from sqlalchemy import create_engine, text

    from grader import distribute
    from grader.autograde import sandbox_settings
    from grader.course import Course

    if not bwrap_works()[0]:
        pytest.skip("bubblewrap sandbox unavailable")
    course = make_course(tmp_path / "course")
    for student, answers in (("alice", CORRECT), ("bob", WRONG), ("carol", HALF)):
        submit(course, student, "ex", answers)
    model = Course.load(course.root)
    with model.gradebook() as gb:
        package = distribute.make_package(model, gb, "ex", *sandbox_settings(model, unsafe=False))
    results = [
        distribute.grade_submission(package, distribute.read_submission(model, s, "ex", package.digest))
        for s in ("alice", "bob", "carol")
    ]
    assert [r.status["kind"] for r in results] == ["ok", "ok", "ok"], [r.status for r in results]

    host = postgres_url.split("host=", 1)[1]
    admin = psycopg2.connect(dbname="postgres", user="nnfs", host=host)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("CREATE DATABASE nnfs_burst")
    admin.close()
    url = postgres_url.replace("/nnfs_grades?", "/nnfs_burst?")
    with Gradebook(url, "nnfs-test") as gb:
        distribute.register_lesson(gb, "ex", package.records)

    burst = [replace(results[i % 3], status={**results[i % 3].status, "student": f"s{i:03d}"}) for i in range(24)]
    shares = [burst[i::4] + burst[(i + 1) % 4 :: 4] for i in range(4)]  # every result twice
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_write_all, [(str(course.root), [f"CourseDirectory.db_url={url}"], share) for share in shares])

    with Gradebook(url, "nnfs-test") as gb:
        got = {s.student.id: s.score for s in gb.find_assignment("ex").submissions}
    assert got == {f"s{i:03d}": (5.0, 0.0, 2.0)[i % 3] for i in range(24)}
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM submitted_assignment")).scalar() == 24
        assert (
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM (SELECT cell_id, notebook_id FROM grade "
                    "GROUP BY cell_id, notebook_id HAVING COUNT(*) > 1) d"
                )
            ).scalar()
            == 0
        )
        assert conn.execute(text("SELECT COUNT(*) FROM nnfs_autograde_status")).scalar() == 24
    engine.dispose()
