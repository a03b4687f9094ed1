"""`python -m grader lab [--instructor] [--port 8888] [--no-browser]`: JupyterLab on the lessons.

What it does, and why (``make lab`` runs ``python -m grader setup`` first):

- **Students see student tools only**: the Assignments panel (Fetch, Submit, Fetch Feedback) and
  Validate. Formgrader, the course list and "Create Assignment" are switched off (their JupyterLab
  plugins through ``labconfig/page_config.json``, their server extensions through
  ``jupyter_server_config.json``, both in a course-local config folder under ``state/lab/``).
  ``--instructor`` (``make instructor``) starts the same server with every nbgrader tool.
- JupyterLab runs **from the course root** (working directory and ``ServerApp.root_dir``): nbgrader's
  server extensions (Validate, Assignments, Formgrader) read ``nbgrader_config.py`` from the
  server's working directory, and Formgrader needs the course root inside the server root.
- The course root and the role's config folder are put on ``JUPYTER_CONFIG_PATH``: the Assignments
  panel changes into ``Exchange.assignment_dir`` (``state/student/``, where Fetch puts a student's
  copies) and reloads the configuration *there*; without it, Fetch and Submit would use nbgrader's
  default exchange instead of the course's.
- It opens on ``lessons/00_welcome/00_welcome.ipynb`` (the file browser shows ``lessons/``).
- The "Jupyter news" question is answered once for the course: a course-local
  ``overrides.json`` (``LabApp.app_settings_dir`` = ``state/lab/settings``) turns news
  and update checks off, without touching the student's own JupyterLab settings.
- Idempotent: when a JupyterLab for this course is already running, it prints that one's address
  (and opens it unless ``--no-browser``) instead of starting a second server.
- The server listens on 127.0.0.1 only, with a random token printed in the address.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

from grader import course as course_model
from grader.course import Course, CourseError

FIRST_LESSON = "00_welcome"
HOST = "127.0.0.1"
ROLES = ("student", "instructor")

# JupyterLab setting defaults for the course (plugin id -> settings): no news or update popups.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}

#: What a student's JupyterLab leaves out: nbgrader's instructor plugins and server extensions.
INSTRUCTOR_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` only when it changed (a running server may be reading it)."""
    if not path.is_file() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def write_lab_settings(course: Course) -> Path:
    """Write the course's JupyterLab ``overrides.json``; returns its folder."""
    folder = course.lab_state / "settings"
    _write(folder / "overrides.json", json.dumps(LAB_OVERRIDES, indent=2) + "\n")
    return folder


def write_role_config(course: Course, role: str) -> Path:
    """The Jupyter config folder of ``role``: which nbgrader tools its JupyterLab shows."""
    if role not in ROLES:
        raise CourseError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    folder = course.lab_state / role
    student = role == "student"
    disabled = {plugin: True for plugin in INSTRUCTOR_PLUGINS} if student else {}
    extensions = {name: not student for name in INSTRUCTOR_SERVER_EXTENSIONS}
    _write(folder / "labconfig" / "page_config.json", json.dumps({"disabledExtensions": disabled}, indent=2) + "\n")
    _write(
        folder / "jupyter_server_config.json",
        json.dumps({"ServerApp": {"jpserver_extensions": extensions}}, indent=2) + "\n",
    )
    return folder


def default_url(course: Course) -> str:
    """The page JupyterLab opens on: the first lesson, else the lessons folder, else the root."""
    if course.release_notebook(FIRST_LESSON).is_file():
        return f"/lab/tree/{course.relative(course.release_notebook(FIRST_LESSON))}"
    if course.release.is_dir():
        return f"/lab/tree/{course.relative(course.release)}"
    return "/lab"


def server_env(course: Course, role: str = "student", base: dict | None = None) -> dict:
    """The environment JupyterLab runs in: the role's config folder, then the course root, first
    on JUPYTER_CONFIG_PATH."""
    env = dict(os.environ if base is None else base)
    first = [str(write_role_config(course, role)), str(course.root)]
    paths = [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p and p not in first]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(first + paths)
    # nbgrader runs `alembic` (and kernels run tools) from PATH: this environment's scripts first.
    bindir = os.path.dirname(sys.executable)
    if bindir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


def server_command(course: Course, port: int = 8888, open_browser: bool = False) -> list[str]:
    """The `jupyter lab` command line for ``course`` (token comes from JUPYTER_TOKEN)."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={course.root}",
        f"--ServerApp.default_url={default_url(course)}",
        f"--ServerApp.open_browser={open_browser}",
        f"--LabApp.app_settings_dir={write_lab_settings(course)}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ] + (["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])


def prepare(course: Course) -> Path:
    """Create the student's assignment folder (the Assignments panel changes into it)."""
    course.assignment_dir.mkdir(parents=True, exist_ok=True)
    write_lab_settings(course)
    return course.assignment_dir


def running_server(course: Course) -> dict | None:
    """A JupyterLab already serving this course root (from Jupyter's runtime files), if any."""
    from jupyter_server.serverapp import list_running_servers

    for info in list_running_servers():
        if os.path.realpath(info.get("root_dir", "")) == os.path.realpath(course.root):
            if _answers(f"{info['url'].rstrip('/')}/api/status", info.get("token", "")):
                return info
    return None


def _answers(url: str, token: str, timeout: float = 2.0) -> bool:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def free_port(preferred: int, tries: int = 50) -> int:
    """``preferred`` when nothing listens there, else the next free port above it."""
    for port in range(preferred, preferred + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {preferred}..{preferred + tries - 1}")


def wait_ready(process: subprocess.Popen, base_url: str, token: str, timeout: float = 120.0) -> bool:
    """Poll /api/status until the server answers; False when it exits or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if _answers(f"{base_url}/api/status", token, timeout=1.0):
            return True
        time.sleep(0.2)  # polling interval, not a wait for an event we could observe otherwise
    return False


def banner(url: str, role: str = "student") -> str:
    line = "=" * min(max(len(url), 40), 100)
    return (
        f"\n{line}\n JupyterLab for nn-from-scratch ({role}) is running. Open this address in your browser:\n\n"
        f" {url}\n\n Stop it with Ctrl+C in this terminal.\n{line}\n"
    )


def add_arguments(parser) -> None:
    parser.add_argument(
        "--port", type=int, default=8888, help="port to listen on (the next free one when taken; default 8888)"
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    parser.add_argument(
        "--instructor",
        action="store_true",
        help="with the instructor's tools (Formgrader, Create Assignment, course list)",
    )
    course_model.add_arguments(parser)


def run(args) -> int:
    try:
        course = Course.from_args(args)
    except CourseError as err:
        return course_model.fail("lab", err)
    role = "instructor" if args.instructor else "student"
    prepare(course)
    path = default_url(course)

    existing = running_server(course)
    if existing is not None:
        url = f"{existing['url'].rstrip('/')}{path}?token={existing.get('token', '')}"
        print(
            banner(url)
            .replace("is running.", f"is already running (process {existing.get('pid')}).")
            .replace("Ctrl+C in this terminal", "Ctrl+C in the terminal that started it")
        )
        if not args.no_browser:
            webbrowser.open(url)
        return 0

    port = free_port(args.port)
    if port != args.port:
        print(f"lab: port {args.port} is taken, using {port}")
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    env = server_env(course, role)
    env["JUPYTER_TOKEN"] = token
    command = server_command(course, port=port, open_browser=False)
    base_url = f"http://{HOST}:{port}"
    url = f"{base_url}{path}?token={token}"

    # Its own session: Ctrl+C here stops it cleanly with SIGTERM, without Jupyter's y/n prompt.
    process = subprocess.Popen(command, cwd=course.root, env=env, start_new_session=True)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # `kill <this pid>` stops the server too
    try:
        if not wait_ready(process, base_url, token):
            print("lab: JupyterLab did not start; see its messages above", file=sys.stderr)
            return 1
        print(banner(url, role), flush=True)
        if not args.no_browser:
            webbrowser.open(url)
        return process.wait()
    except KeyboardInterrupt:
        print("\nlab: stopping JupyterLab", flush=True)
        return 0
    finally:
        _stop(process)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
