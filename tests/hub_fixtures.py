"""A real course JupyterHub for the tests (tests/test_hub.py, tests/test_hub_load.py,
tests/browser/test_browser_hub.py) and benchmarks/bench_hub.py.

:func:`class_hub` prepares a temporary copy of the course (its own state, exchange and SQLite
gradebook under ``/tmp/nnfs-hub-*``), imports a roster with ``python -m grader roster import``
(students and instructors, their Unix accounts made by ``--create-accounts`` with the passwords
of the file), releases the lessons with ``python -m grader release`` and starts ``python -m grader
hub`` on 127.0.0.1 (a free port). On exit it stops every server and the hub, removes the accounts
it made and the temporary folder. The hub, its course service and every student server are real
processes: nothing is mocked.

Helpers: :class:`Hub` (HTTP: login form, REST API, spawn), :func:`as_user` (a command as a Unix
user, ``runuser``), :func:`student_nbgrader` (nbgrader's exchange commands as a student, with the
configuration a student's server has), :func:`processes_of`, :func:`tree_rss`.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LESSON = "00_welcome"
COURSE_ID = "nn-from-scratch"


def need_root() -> None:
    """Skip unless a real hub can run here: root, the proxy, runuser/useradd, JupyterHub."""
    if os.geteuid() != 0:
        pytest.skip("a real hub runs as root (PAM, one Unix account per student)")
    for tool in ("configurable-http-proxy", "runuser", "useradd"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is missing (bash grader/hub/install.sh)")
    pytest.importorskip("jupyterhub")


def clean_env() -> dict:
    """This process's environment without the course's own settings (NNFS_*, JUPYTER*)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("NNFS_", "JUPYTER", "JPY_"))}


class Hub:
    """A running hub on a course copy; ``start``/``stop`` (the restart test stops and starts it)."""

    def __init__(self, root: Path, port: int, cull_timeout: int = 3600):
        self.root, self.port = root, port
        self.base = f"http://127.0.0.1:{port}"
        self.process = None
        self.log = root.parent / "hub.log"
        self.cull_timeout = cull_timeout
        self.timings: dict[str, float] = {}

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def inbound(self) -> Path:
        return self.state / "exchange" / COURSE_ID / "inbound"

    def env(self) -> dict:
        env = clean_env()
        env["NNFS_HUB_CULL_TIMEOUT"] = str(self.cull_timeout)
        return env

    def start(self, timeout: float = 240) -> None:
        import requests

        begin = time.monotonic()
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "grader", "hub", "--course-dir", str(self.root), "--port", str(self.port)],
                cwd=self.root,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the hub exited:\n{self.log_tail()}"
            try:
                if requests.get(f"{self.base}/hub/api/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)
        else:
            raise AssertionError(f"the hub did not answer:\n{self.log_tail()}")
        self.admin = {"Authorization": f"token {(self.state / 'hub' / 'admin_token').read_text().strip()}"}
        self.timings["hub start"] = time.monotonic() - begin

    def stop(self, grace: float = 60) -> list[int]:
        """SIGTERM the hub (students' servers keep running: ``cleanup_servers = False``); SIGKILL after
        ``grace`` seconds. Returns the process ids that were the hub's tree (proxy, services, servers)."""
        tree = []
        if self.process and self.process.poll() is None:
            tree = [p for p in tree_pids(self.process.pid) if p != self.process.pid]
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return tree

    def shutdown(self, users) -> None:
        """The end of a test: every server of ``users`` stopped, the hub stopped, and whatever of its
        process tree outlived it (the proxy and the services run in sessions of their own; JupyterHub
        6's shutdown sometimes waits a minute on the idle culler) killed by process id."""
        self.stop_servers(users)
        for pid in self.stop(grace=20):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    # ---- HTTP
    def login(self, user: str, password: str):
        """The hub's login form, as a browser posts it: (session, reply)."""
        import requests

        session = requests.Session()
        session.get(f"{self.base}/hub/login", timeout=60)
        reply = session.post(
            f"{self.base}/hub/login",
            allow_redirects=False,
            timeout=60,
            data={"username": user, "password": password, "_xsrf": session.cookies.get("_xsrf")},
        )
        return session, reply

    def api(self, method: str, path: str, token_headers=None, **kw):
        import requests

        kw.setdefault("timeout", 60)
        return requests.request(method, f"{self.base}/hub/api{path}", headers=token_headers or self.admin, **kw)

    def token(self, user: str) -> dict:
        self.ensure_user(user)
        reply = self.api("POST", f"/users/{user}/tokens", json={"note": "test", "expires_in": 3600})
        assert reply.status_code == 201, reply.text
        return {"Authorization": f"token {reply.json()['token']}"}

    def ensure_user(self, user: str) -> None:
        made = self.api("POST", f"/users/{user}")
        assert made.status_code in (201, 409), made.text

    def spawn(self, user: str, timeout: float = 180) -> dict:
        """Start ``user``'s server through the REST API; the user model once ready (or given up)."""
        self.ensure_user(user)
        reply = self.api("POST", f"/users/{user}/server")
        assert reply.status_code in (201, 202, 400), reply.text
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}").json()
            server = model["servers"].get("")
            if server and server.get("ready"):
                return model
            if not server and not model.get("pending") and reply.status_code != 400:
                break
            time.sleep(0.5)
        return self.api("GET", f"/users/{user}").json()

    def stop_servers(self, users, timeout: float = 60) -> None:
        """Stop the servers of ``users`` and wait until the hub has none of them left."""
        if not self.process or self.process.poll() is not None:
            return
        for user in users:
            with contextlib.suppress(Exception):
                self.api("DELETE", f"/users/{user}/server")
        deadline = time.monotonic() + timeout
        for user in users:
            while time.monotonic() < deadline:
                try:
                    reply = self.api("GET", f"/users/{user}")
                except Exception:
                    break
                if reply.status_code != 200 or not reply.json().get("servers"):
                    break
                time.sleep(0.3)

    def server_pid(self, user: str) -> int | None:
        """The process id of ``user``'s single-user server (from the hub's state)."""
        model = self.api("GET", f"/users/{user}", params={"include_stopped_servers": "0"}).json()
        server = (model.get("servers") or {}).get("")
        state = (server or {}).get("state") or {}
        if state.get("pid"):
            return int(state["pid"])
        found = [pid for pid, cmd in processes_of(user, with_pid=True) if "jupyterhub.singleuser" in cmd]
        return found[0] if found else None


# ------------------------------------------------------------------------------------ processes and accounts


def processes_of(user: str, with_pid: bool = False) -> list:
    """Command lines of ``user``'s processes (from /proc); ``(pid, cmdline)`` with ``with_pid``."""
    uid, found = pwd.getpwnam(user).pw_uid, []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    found.append((int(entry.name), cmd) if with_pid else cmd)
            except OSError:
                continue
    return found


def tree_pids(pid: int) -> list[int]:
    """``pid`` and every descendant (from /proc/*/stat parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_rss(pid: int) -> tuple[int, int]:
    """(bytes of resident memory, process count) of ``pid`` and its descendants (VmRSS summed)."""
    total = count = 0
    for p in tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    count += 1
                    break
        except OSError:
            continue
    return total, count


def home_of(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def owner(path: Path) -> str:
    """The account that owns ``path``."""
    return pwd.getpwuid(path.stat().st_uid).pw_name


def as_user(
    user: str,
    *argv: str,
    cwd: str | None = None,
    env: dict | None = None,
    input: str | None = None,
    timeout: float = 300,
):
    """``argv`` as ``user`` (runuser), in a clean environment (HOME, PATH, LANG, USER and ``env``)."""
    home = pwd.getpwnam(user).pw_dir
    base = {"HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "USER": user, **(env or {})}
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in base.items()), *argv],
        cwd=cwd or home,
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
    )


def course_env_python(course_id: str = COURSE_ID) -> str:
    """The interpreter every account can run (the hub's course environment), else this one."""
    python = Path("/opt/nnfs") / course_id / "bin" / "python"
    return str(python) if python.exists() else sys.executable


def student_command(hub: Hub, *argv: str) -> tuple[list[str], dict]:
    """(argv, env) of ``python -m nbgrader ARGV`` the way a student's server runs nbgrader."""
    from grader.course import Course
    from grader.hub import deploy

    course = Course.load(hub.root)
    python = course_env_python(course.course_id)
    return (
        [python, "-m", "nbgrader", *argv],
        {"JUPYTER_CONFIG_PATH": deploy.student_config_path(course), **deploy.interpreter_env(python)},
    )


def student_nbgrader(hub: Hub, user: str, *argv: str, timeout: float = 300):
    command, env = student_command(hub, *argv)
    return as_user(user, *command, env=env, timeout=timeout)


def kill_processes_of(user: str) -> None:
    """SIGKILL every process left of ``user`` (an account this module made), by process id."""
    try:
        pids = [pid for pid, _ in processes_of(user, with_pid=True)]
    except KeyError:
        return
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def remove_accounts(users) -> None:
    for user in users:
        kill_processes_of(user)
        subprocess.run(["userdel", "--remove", user], capture_output=True)


def roster_csv(path: Path, people: dict[str, str | None]) -> Path:
    """A roster file (``id,first_name,last_name,email,password``) of ``people`` (id -> password)."""
    lines = ["id,first_name,last_name,email,password"]
    for user, password in people.items():
        first = user.rsplit("-", 1)[-1].title()
        lines.append(f"{user},{first},Test,{user}@uni.example,{password or ''}")
    path.write_text("\n".join(lines) + "\n")
    return path


# ------------------------------------------------------------------------------------ students' work

MARKER = "# marker:{user}"


def place_work(hub, user: str) -> None:
    """``user``'s copy of the lesson (what Fetch puts in their home) with their answer and marker."""
    released = hub.state / "exchange" / "nn-from-scratch" / "outbound" / LESSON / f"{LESSON}.ipynb"
    nb = json.loads(released.read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "count_positive":
            cell["source"] = (
                "def count_positive(x):\n"
                "    return int(np.sum(np.asarray(x, dtype=float) > 0))  " + MARKER.format(user=user)
            )
    folder = home_of(user) / LESSON
    folder.mkdir(exist_ok=True)
    (folder / f"{LESSON}.ipynb").write_text(json.dumps(nb))
    shutil.chown(folder, user, user)
    shutil.chown(folder / f"{LESSON}.ipynb", user, user)


def submit_all(hub, users) -> list[subprocess.Popen]:
    """``nbgrader submit`` as every student at once (their own accounts, a student server's settings)."""
    command, env = student_command(hub, "submit", LESSON)
    procs = []
    for user in users:
        home = str(home_of(user))
        base = {"HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "USER": user, **env}
        procs.append(
            subprocess.Popen(
                ["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in base.items()), *command],
                cwd=home,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    return procs


# ------------------------------------------------------------------------------------ a kernel in a server


def code_cells(notebook: Path) -> list[str]:
    """The code cells of ``notebook`` (a lesson's solution: what a student who did the work runs)."""
    nb = json.loads(Path(notebook).read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def start_kernel(hub: Hub, user: str, headers: dict) -> str:
    """A Python kernel in ``user``'s running server (the server's REST API, through the proxy)."""
    import requests

    reply = requests.post(f"{hub.base}/user/{user}/api/kernels", json={"name": "python3"}, headers=headers, timeout=120)
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def execute(hub: Hub, user: str, headers: dict, kernel: str, cells: list[str], timeout: float = 300) -> list[str]:
    """Run ``cells`` one after the other in ``kernel`` over the server's kernel websocket (the channel
    JupyterLab uses); returns the errors (``ename: evalue``) they raised."""
    import asyncio
    import uuid

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{kernel}/channels"

    async def run() -> list[str]:
        conn = await websocket_connect(HTTPRequest(url, headers=headers, request_timeout=120))
        session, errors = uuid.uuid4().hex, []
        try:
            for code in cells:
                msg_id = uuid.uuid4().hex
                conn.write_message(
                    json.dumps(
                        {
                            "header": {
                                "msg_id": msg_id,
                                "username": user,
                                "session": session,
                                "msg_type": "execute_request",
                                "version": "5.3",
                            },
                            "parent_header": {},
                            "metadata": {},
                            "channel": "shell",
                            "buffers": [],
                            "content": {
                                "code": code,
                                "silent": False,
                                "store_history": False,
                                "user_expressions": {},
                                "allow_stdin": False,
                                "stop_on_error": True,
                            },
                        }
                    )
                )
                while True:
                    raw = await asyncio.wait_for(conn.read_message(), timeout)
                    if raw is None:
                        raise AssertionError(f"{user}'s kernel channel closed")
                    if isinstance(raw, bytes):
                        continue
                    msg = json.loads(raw)
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "error":
                        errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
                    if msg["msg_type"] == "execute_reply":
                        break
        finally:
            conn.close()
        return errors

    return asyncio.run(run())


def server_rss(hub: Hub, user: str) -> tuple[int, int]:
    """(resident bytes, processes) of ``user``'s server and everything it started (kernels)."""
    pid = hub.server_pid(user)
    assert pid, f"no server process of {user}"
    return tree_rss(pid)


# ------------------------------------------------------------------------------------ the hub


@contextlib.contextmanager
def class_hub(
    students: dict[str, str | None],
    instructors: dict[str, str],
    *,
    without_account=(),
    lessons=(LESSON,),
    extra_accounts=(),
    cull_timeout: int = 3600,
    prefix: str = "nnfs-hub-",
    keep_log: Path | None = None,
):
    """A running hub for a class (see the module docstring); yields :class:`Hub`.

    ``students``/``instructors``: id -> password; their accounts come from ``roster import
    --create-accounts``. ``without_account``: students put on the roster without a Unix account.
    ``extra_accounts``: other names to remove at the end (accounts a test makes itself).
    ``keep_log``: where to copy the hub's log (it is removed with the course copy).
    """
    need_root()
    from grader.lab import free_port
    from grader.setup import copy_course

    everyone = [*students, *instructors, *without_account, *extra_accounts]
    remove_accounts(everyone)
    timings: dict[str, float] = {}
    begin = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    base.chmod(0o755)
    hub = None
    try:
        root = copy_course(base / "course", list(lessons))
        env = clean_env()
        # instructor commands on the hub read the hub's course-wide settings (owner-checked collect)
        env["JUPYTER_CONFIG_PATH"] = str(root / "state" / "hub-config" / "course")

        def grader(*argv, timeout: float = 600, check: bool = True):
            done = subprocess.run(
                [sys.executable, "-m", "grader", *argv, "--course-dir", str(root)],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            if check:
                assert done.returncode == 0, f"grader {argv}: {done.stdout}\n{done.stderr}"
            return done

        staff = roster_csv(base / "staff.csv", instructors)
        roster = roster_csv(base / "students.csv", students)
        grader("roster", "import", str(roster), "--create-accounts")
        if without_account:
            grader("roster", "import", str(roster_csv(base / "no-account.csv", dict.fromkeys(without_account))))
        if instructors:
            grader("roster", "import", str(staff), "--instructors", "--create-accounts")
        timings["roster import"] = time.monotonic() - begin
        mark = time.monotonic()
        grader("release", *lessons)
        timings["release"] = time.monotonic() - mark
        hub = Hub(root, free_port(18000), cull_timeout=cull_timeout)
        hub.grader, hub.base_dir, hub.env_for_grader = grader, base, env
        hub.students, hub.instructors = dict(students), dict(instructors)
        hub.start()
        hub.timings = {**timings, **hub.timings, "ready": time.monotonic() - begin}
        yield hub
    finally:
        if hub is not None:
            # servers outlive the hub by design (cleanup_servers = False): stop them first
            hub.shutdown([*students, *instructors, *without_account])
            if keep_log is not None and hub.log.exists():
                shutil.copy(hub.log, keep_log)
        remove_accounts(everyone)
        shutil.rmtree(base, ignore_errors=True)
