"""Shared pytest fixtures and configuration (markers live in pyproject.toml).

- ``tests/`` and the repository root are importable, so test modules can ``import lesson_harness``
  and ``import grader`` however pytest is started.
- :func:`grader_cli`: ``python -m grader ...`` run in this process (no interpreter start, no second
  import of nbgrader): what the quick tests of a command's output and exit status use. The slow
  tests that need a real kernel keep their subprocess (``grader_helpers.run_grader``).
- nbgrader asks ``alembic heads`` (a subprocess that imports nbgrader again, seconds of CPU) for
  every gradebook it creates; the answer cannot change during a test run, so it is asked once.
- A run of the suite must not leave a gradebook anywhere in the repository outside ``state/``:
  checked once, at the end of the session, against what was there when it started.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

for path in (str(ROOT), str(TESTS)):
    if path not in sys.path:
        sys.path.insert(0, path)

from grader_helpers import COURSE_ENV, stray_gradebooks  # noqa: E402  (tests/ is importable from here on)

# --------------------------------------------------------------------------------------------
# python -m grader, in this process


@dataclass
class CliResult:
    """What ``subprocess.run(..., capture_output=True, text=True)`` would have returned."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def grader_cli(monkeypatch, capsys):
    """``grader_cli(*argv, cwd=None, env=None)`` -> :class:`CliResult` of ``python -m grader ARGV``.

    Runs ``grader.__main__.main`` here, from ``cwd`` (the command finds its course there, as from
    a shell), with the course environment variables (``COURSE_ENV``) removed and ``env`` added for
    this call only. Argument errors (argparse's SystemExit) come back as their exit status.
    """
    from grader.__main__ import main

    for name in COURSE_ENV:
        monkeypatch.delenv(name, raising=False)

    def run(*argv, cwd: str | os.PathLike | None = None, env: dict | None = None) -> CliResult:
        capsys.readouterr()  # start from empty buffers
        with monkeypatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            for name, value in (env or {}).items():
                patch.setenv(name, str(value))
            try:
                code = main([str(a) for a in argv])
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
        out = capsys.readouterr()
        return CliResult(int(code or 0), out.out, out.err)

    return run


# --------------------------------------------------------------------------------------------
# `make test` runs the suite on pytest-xdist workers (``-n 2 --dist loadgroup``): every test file
# is one group (its module fixtures: a class graded once, a hub, a cluster are made once), the
# browser tests are one group (one JupyterLab and one Chromium for all), and the longest groups are
# handed out first so that the two workers finish together.

#: groups that take minutes (measured in a full run), longest first; the others follow in file order
LONG_GROUPS = (
    "test_lessons.py",  # the variants harness of every lesson
    "test_class_autograde.py",  # the class autograded once, every lesson
    "browser",
    "test_lms_roundtrip.py",
    "test_hub_load.py",
    "test_hostile.py",
    "test_distribute_cluster.py",
    "test_bench_autograde_smoke.py",
    "test_postgres.py",
    "test_hub.py",
    "test_autograde.py",
)


def xdist_group(item) -> str:
    path = Path(str(item.fspath))
    return "browser" if path.parent.name == "browser" else path.name


def pytest_itemcollected(item):
    # marked as each test is collected: before xdist's pytest_collection_modifyitems reads the marks
    item.add_marker(pytest.mark.xdist_group(xdist_group(item)))


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(LONG_GROUPS)}
    items.sort(key=lambda item: rank.get(xdist_group(item), len(LONG_GROUPS)))  # stable: file order kept


def pytest_collection_finish(session):
    """On an xdist worker under --dist loadgroup: every test must carry its group, or the suite's
    module fixtures (a class graded once, a hub) would run once per worker (see constraints.txt)."""
    if getattr(session.config.option, "loadgroup", False) and any("@" not in i.nodeid for i in session.items):
        raise pytest.UsageError("pytest-xdist did not apply the test groups (tests/conftest.py): pytest>=9?")


# --------------------------------------------------------------------------------------------
# nbgrader's alembic head: asked once per run


@pytest.fixture(autouse=True)
def _alembic_head_asked_once():
    """Once nbgrader.api is loaded, its ``get_alembic_version`` (a subprocess) is memoised.

    Only a test that already imported nbgrader pays for the check (``sys.modules``); the first
    gradebook of the run is stamped by the real subprocess, the later ones with its answer.
    """
    api = sys.modules.get("nbgrader.api")
    if api is not None and not hasattr(api.get_alembic_version, "cache_info"):
        api.get_alembic_version = functools.cache(api.get_alembic_version)
    yield


# --------------------------------------------------------------------------------------------
# no stray gradebook left in the repository


@pytest.fixture(autouse=True, scope="session")
def _no_stray_gradebook():
    """Fails the session's last teardown when the run left a new gradebook outside ``state/``."""
    before = stray_gradebooks()
    yield
    new = stray_gradebooks() - before
    assert not new, f"the test run left gradebooks in the repository outside state/: {sorted(map(str, new))}"


# --------------------------------------------------------------------------------------------
# heavy lesson runs: once per test run, shared

HARNESS_WORKERS = 2
HEAVY_LESSONS = ("10_digits", "09_training", "11_pytorch")  # they train networks: scheduled first


class _HarnessRuns(dict):
    """("variants", lesson) -> Future of ``lesson_harness.check_lesson(lesson)``; a missing key is submitted."""

    def __init__(self, pool):
        super().__init__()
        self.pool = pool

    def __missing__(self, key):
        import lesson_harness

        mode, lesson = key
        if mode != "variants":
            raise KeyError(key)
        self[key] = future = self.pool.submit(lesson_harness.check_lesson, lesson)
        return future


def _lessons_needed(session) -> list[str]:
    """The lessons whose harness run a selected test names through its ``lesson`` parameter."""
    from grader.notebooks import lesson_ids

    lessons = lesson_ids()
    needed = set()
    for item in session.items:
        fixtures = getattr(item, "fixturenames", ())
        if "harness_futures" in fixtures and hasattr(item, "callspec"):
            needed.add(item.callspec.params.get("lesson"))
    return [lesson for lesson in lessons if lesson in needed]


@pytest.fixture(scope="session")
def harness_futures(request):
    """The variants harness (one kernel per lesson: the solution top to bottom, then every variant), run at
    most once per lesson per test run and shared by every test that reads it (test_lessons' harness).

    The runs every selected ``lesson``-parametrized test needs start at once in the background, two
    kernels at a time, the training-heavy lessons first; any other lesson starts when first asked for:
    ``harness_futures[("variants", "10_digits")].result()`` is its ``LessonReport``.
    """
    import concurrent.futures
    import multiprocessing

    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=HARNESS_WORKERS, mp_context=multiprocessing.get_context("spawn")
    )
    runs = _HarnessRuns(pool)
    for lesson in sorted(_lessons_needed(request.session), key=lambda lesson: lesson not in HEAVY_LESSONS):
        runs[("variants", lesson)]  # noqa: B018  (submits it)
    yield runs
    pool.shutdown(wait=False, cancel_futures=True)
