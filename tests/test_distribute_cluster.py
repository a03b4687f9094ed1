"""Autograding through a running Dask scheduler, with no filesystem shared with the workers, and its faults.

A real ``dask scheduler`` and real ``dask worker`` processes on 127.0.0.1, the workers running as a
separate Unix user (``nnfs-dask``, created when absent) that cannot read the course folder (mode
0700, owned by root): everything a task needs travels through Dask as bytes
(:mod:`grader.distribute`).

Where the course's Python interpreter lies in a folder that user cannot enter (a pyenv under
``/root``, mode 0700), each worker starts in a private mount namespace in which that folder is an
empty tmpfs holding only the interpreter's tree, bound back read-only: the worker sees the Python
environment, as on a worker machine where it is installed, and nothing else of that folder.

* the class is graded by the external workers (statuses, scores, late, autograded notebooks back
  on the instructor's side);
* a worker SIGKILLed while its kernel runs: its task runs again on the other worker, every
  submission is graded exactly once, and the dead worker's kernels are gone;
* the scheduler SIGKILLed mid-run: autograde stops (exit 3) with a clear message, keeps what was
  graded; with a new scheduler, a re-run grades only the rest.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from grader_helpers import (
    CORRECT,
    HALF,
    WRONG,
    bwrap_works,
    ensure_system_user,
    grader_env,
    make_course,
    run_grader,
    submit,
)

ok, why = bwrap_works()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ok, reason=f"bubblewrap sandbox unavailable: {why}"),
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the workers as another user"),
]

WORKER_USER = "nnfs-dask"
DUE = "2030-06-01 00:00:00 UTC"
LATE = "2030-06-01 01:00:00.000000 UTC"
# an answer that keeps its kernel busy for a while: long enough to kill things mid-grading
SLOW = {
    "square": "import time\ntime.sleep(6)\ndef square(x):\n    return np.asarray(x, dtype=float) ** 2",
    "count_positive": CORRECT["count_positive"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def blocked_folder(path: Path, uid: int, gid: int) -> Path | None:
    """The outermost folder on ``path`` that user ``uid`` cannot enter, or None."""
    current = Path("/")
    for part in path.parts[1:]:
        current = current / part
        st = current.stat()
        if st.st_uid == uid:
            allowed = st.st_mode & 0o100
        elif st.st_gid == gid:
            allowed = st.st_mode & 0o010
        else:
            allowed = st.st_mode & 0o001
        if not allowed:
            return current
    return None


class Cluster:
    """A dask scheduler (as root) and dask workers (as WORKER_USER) started as separate processes."""

    def __init__(self, base: Path):
        self.base = base
        self.user = pwd.getpwnam(WORKER_USER)
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}
        self.home = base / "worker-home"
        self.home.mkdir(parents=True, exist_ok=True)
        os.chown(self.home, self.user.pw_uid, self.user.pw_gid)
        self.logs: list[Path] = []

    def _log(self, name: str):
        path = self.base / f"{name}.log"
        self.logs.append(path)
        return open(path, "ab")

    def start_scheduler(self) -> None:
        argv = [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--no-dashboard",
        ]
        self.scheduler = subprocess.Popen(argv, stdout=self._log("scheduler"), stderr=subprocess.STDOUT)

    def worker_argv(self, name: str) -> list[str]:
        local = self.home / name
        local.mkdir(exist_ok=True)
        os.chown(local, self.user.pw_uid, self.user.pw_gid)
        worker = [
            sys.executable,
            "-m",
            "distributed.cli.dask_worker",
            self.address,
            "--no-nanny",
            "--nthreads",
            "1",
            "--name",
            name,
            "--local-directory",
            str(local),
            "--no-dashboard",
        ]
        as_user = [
            "setpriv",
            f"--reuid={self.user.pw_uid}",
            f"--regid={self.user.pw_gid}",
            "--clear-groups",
            "--",
            *worker,
        ]
        interpreter = Path(os.path.realpath(sys.executable))
        blocked = blocked_folder(interpreter, self.user.pw_uid, self.user.pw_gid)
        if blocked is None:
            return as_user
        keep = blocked / interpreter.relative_to(blocked).parts[0]  # e.g. /root/.pyenv
        mountpoint = self.base / "keep"
        mountpoint.mkdir(exist_ok=True)
        script = (
            'mount --bind "$1" "$2" && mount -t tmpfs -o mode=755 tmpfs "$3" && mkdir -p "$1" '
            '&& mount --bind -o ro "$2" "$1" && shift 3 && exec "$@"'
        )
        return [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            script,
            "sh",
            str(keep),
            str(mountpoint),
            str(blocked),
            *as_user,
        ]

    def start_worker(self, name: str) -> subprocess.Popen:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home), "LANG": "C.UTF-8"}
        proc = subprocess.Popen(
            self.worker_argv(name), stdout=self._log(name), stderr=subprocess.STDOUT, env=env, cwd=str(self.home)
        )
        self.workers[name] = proc
        return proc

    def as_worker_user(self, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}", "--clear-groups", "--", *argv],
            capture_output=True,
            text=True,
        )

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=60)

    def wait_for_workers(self, n: int, timeout: float = 180) -> dict[str, int]:
        """worker address -> pid, once ``n`` workers are connected."""
        with self.client() as client:
            try:
                client.wait_for_workers(n, timeout=timeout)
            except Exception:
                raise AssertionError("workers did not connect:\n" + self.log_tail()) from None
            return client.run(os.getpid)

    def log_tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in self.logs if p.exists())

    def kill_scheduler(self) -> None:
        self.scheduler.send_signal(signal.SIGKILL)
        self.scheduler.wait(30)

    def stop(self) -> None:
        for proc in [*self.workers.values(), self.scheduler]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in [*self.workers.values(), self.scheduler]:
            if proc is not None:
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def statuses(course):
    from grader.status import StatusStore

    store = StatusStore(course.db_url)
    try:
        return store.load()
    finally:
        store.close()


def submission_rows(course) -> list[tuple[str, str]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(course.db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT student.id, assignment.name FROM submitted_assignment "
                "JOIN student ON student.id = submitted_assignment.student_id "
                "JOIN assignment ON assignment.id = submitted_assignment.assignment_id"
            )
        ).all()
        dup = conn.execute(text("SELECT COUNT(*) - COUNT(DISTINCT cell_id || notebook_id) FROM grade")).scalar()
    engine.dispose()
    assert dup == 0, "duplicate grade rows"
    return sorted(tuple(r) for r in rows)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from grader_helpers import SOURCE

    ensure_system_user(WORKER_USER, "to run the Dask workers")
    root = tmp_path_factory.mktemp("dask") / "course"
    course = make_course(root, {"ex": SOURCE}, duedates={"ex": DUE})
    os.chmod(course.root, 0o700)
    return course


def cluster_folder() -> Path:
    """A folder the workers' user can enter (pytest's temporary folders are private to root)."""
    base = Path(tempfile.mkdtemp(prefix="nnfs-dask-", dir="/tmp"))
    os.chmod(base, 0o755)
    return base


@pytest.fixture(scope="module")
def cluster(course):
    base = cluster_folder()
    cluster = Cluster(base)
    cluster.start_scheduler()
    for name in ("w1", "w2"):
        cluster.start_worker(name)
    try:
        cluster.pids = cluster.wait_for_workers(2)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_external_workers_grade_without_the_course_folder(course, cluster):
    # the workers' user cannot even list the course folder
    denied = cluster.as_worker_user("ls", str(course.root))
    assert denied.returncode != 0 and "Permission denied" in denied.stderr, denied
    uids = {int(Path(f"/proc/{pid}/status").read_text().split("Uid:")[1].split()[0]) for pid in cluster.pids.values()}
    assert uids == {cluster.user.pw_uid}

    submit(course, "alice", "ex", CORRECT)  # 2030-01-01: on time
    submit(course, "bob", "ex", WRONG)
    submit(course, "carol", "ex", HALF, timestamp=LATE)
    submit(course, "dave", "ex", text='{"cells": [ not json')
    (course.path("submitted", "erin")).mkdir(parents=True)
    result = run_grader(course, "autograde", "--scheduler", cluster.address, "--no-progress", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:] + cluster.log_tail()
    assert result.stdout.startswith("graded 5 submission(s): 2 ok, 1 late, 1 failed, 1 missing"), result.stdout
    assert f"scheduler {cluster.address}" in result.stdout
    recorded = statuses(course)
    labels = {s: recorded[(s, "ex")].label for s in ("alice", "bob", "carol", "dave", "erin")}
    assert labels["dave"].startswith("failed: invalid notebook JSON"), labels
    assert {k: v for k, v in labels.items() if k != "dave"} == {
        "alice": "ok",
        "bob": "ok",
        "carol": "late",
        "erin": "missing",
    }
    graded_by = {recorded[(s, "ex")].worker for s in ("alice", "bob", "carol")}
    assert graded_by <= set(cluster.pids), graded_by  # only the external workers graded
    from grader_helpers import scores

    assert scores(course) == {"alice": 5.0, "bob": 0.0, "carol": 2.0}
    assert course.autograded("alice", "ex").is_file()  # written back by the instructor's side
    assert submission_rows(course) == [("alice", "ex"), ("bob", "ex"), ("carol", "ex")]


def test_a_killed_worker_loses_nothing(course, cluster):
    students = ["k1", "k2", "k3", "k4"]
    for student in students:
        submit(course, student, "ex", SLOW)
    before = submission_rows(course)
    grading = subprocess.Popen(
        [sys.executable, "-m", "grader", "autograde", "--scheduler", cluster.address, "--no-progress"],
        cwd=course.root,
        env=grader_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # wait until a worker runs a sandboxed kernel (bwrap below the worker process), then kill it
        victim, kernels = None, set()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and victim is None:
            for address, pid in cluster.pids.items():
                below = descendants(pid)
                if any(Path(f"/proc/{p}/comm").read_text().strip() == "bwrap" for p in alive(below)):
                    victim, kernels = address, below
                    break
            time.sleep(0.2)
        assert victim is not None, "no kernel started on the workers"
        time.sleep(1.0)
        kernels = alive(kernels | descendants(cluster.pids[victim]))
        os.kill(cluster.pids[victim], signal.SIGKILL)
        out, err = grading.communicate(timeout=400)
    finally:
        if grading.poll() is None:
            grading.kill()
    assert grading.returncode == 0, out + err[-3000:] + cluster.log_tail()
    assert out.startswith("graded 4 submission(s): 4 ok"), out
    recorded = statuses(course)
    assert {recorded[(s, "ex")].label for s in students} == {"ok"}
    survivor = next(a for a in cluster.pids if a != victim)
    assert {recorded[(s, "ex")].worker for s in students} <= {victim, survivor}
    assert any(recorded[(s, "ex")].worker == survivor for s in students)
    from grader_helpers import scores

    assert all(scores(course)[s] == 5.0 for s in students)
    assert submission_rows(course) == sorted({*before, *((s, "ex") for s in students)})  # once each
    # the dead worker's kernels died with it (bwrap --die-with-parent; ipykernel's parent poller)
    deadline = time.monotonic() + 15
    while alive(kernels) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(kernels), [Path(f"/proc/{p}/cmdline").read_bytes()[:120] for p in alive(kernels)]


def test_a_lost_scheduler_stops_cleanly_and_the_rerun_grades_the_rest(course):
    # a scheduler of its own (this one gets killed) with one worker
    base = cluster_folder()
    own = Cluster(base)
    own.start_scheduler()
    own.start_worker("solo")
    try:
        own.wait_for_workers(1)
        students = ["s1", "s2", "s3"]
        for student in students:
            submit(course, student, "ex", SLOW)
        known = set(statuses(course))
        grading = subprocess.Popen(
            [sys.executable, "-m", "grader", "autograde", "--scheduler", own.address, "--no-progress"],
            cwd=course.root,
            env=grader_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not (set(statuses(course)) - known):
            time.sleep(0.3)
        own.kill_scheduler()
        out, err = grading.communicate(timeout=120)
        assert grading.returncode == 3, out + err
        assert "lost the connection to the Dask scheduler" in err and "re-run" in err, err
        assert "STOPPED" in out
        done = {s for s in students if (s, "ex") in statuses(course)}
        assert 1 <= len(done) < len(students), (done, out)

        own.start_scheduler()  # the same address again, and a worker (a
        own.start_worker("solo-again")  # worker without its scheduler stops)
        own.wait_for_workers(1)
        rerun = run_grader(course, "autograde", "--scheduler", own.address, "--no-progress", timeout=400)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr[-3000:]
        left = len(students) - len(done)
        assert rerun.stdout.startswith(f"graded {left} submission(s): {left} ok"), rerun.stdout
        recorded = statuses(course)
        assert {recorded[(s, "ex")].label for s in students} == {"ok"}
        assert submission_rows(course).count(("s1", "ex")) == 1
    finally:
        own.stop()
        shutil.rmtree(base, ignore_errors=True)
