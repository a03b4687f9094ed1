"""`python -m grader lab [--port 8888] [--no-browser]`: JupyterLab on the lessons, nbgrader's panels working.

What it does, and why (``make lab`` runs ``python -m grader setup`` first):

- JupyterLab runs **from the course root** (working directory and ``ServerApp.root_dir``): nbgrader's
  server extensions (Validate, Assignments, Formgrader) read ``nbgrader_config.py`` from the
  server's working directory, and Formgrader needs the course root inside the server root.
- The course root is also put on ``JUPYTER_CONFIG_PATH``: the Assignments panel changes into
  ``Exchange.assignment_dir`` (``grader/student/``, where Fetch puts a student's copies) and
  reloads the configuration *there*; without it, Fetch and Submit would use nbgrader's default
  exchange instead of the course's.
- It opens on ``lessons/00_welcome/00_welcome.ipynb`` (the file browser shows ``lessons/``).
- The "Jupyter news" question is answered once for the course: a course-local
  ``overrides.json`` (``LabApp.app_settings_dir`` = ``grader/.lab/settings``) turns news
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

from grader.notebooks import ROOT

FIRST_LESSON = "00_welcome"
HOST = "127.0.0.1"

# JupyterLab setting defaults for the course (plugin id -> settings): no news or update popups.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def assignment_dir(root: Path = ROOT) -> Path:
    """``Exchange.assignment_dir`` as the course configuration sets it (where Fetch puts lessons)."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return Path(root, config.Exchange.get("assignment_dir", "."))


def settings_dir(root: Path = ROOT) -> Path:
    return Path(root) / "grader" / ".lab" / "settings"


def write_lab_settings(root: Path = ROOT) -> Path:
    """Write the course's JupyterLab ``overrides.json`` (only when it changed); returns its folder."""
    folder = settings_dir(root)
    path = folder / "overrides.json"
    text = json.dumps(LAB_OVERRIDES, indent=2) + "\n"
    if not path.is_file() or path.read_text() != text:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def default_url(root: Path = ROOT) -> str:
    """The page JupyterLab opens on: the first lesson, else the lessons folder, else the root."""
    first = Path(root) / "lessons" / FIRST_LESSON / f"{FIRST_LESSON}.ipynb"
    if first.is_file():
        return f"/lab/tree/lessons/{FIRST_LESSON}/{FIRST_LESSON}.ipynb"
    if (Path(root) / "lessons").is_dir():
        return "/lab/tree/lessons"
    return "/lab"


def server_env(root: Path = ROOT, base: dict | None = None) -> dict:
    """The environment JupyterLab runs in: the course root first on JUPYTER_CONFIG_PATH."""
    env = dict(os.environ if base is None else base)
    paths = [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(root)] + [p for p in paths if p != str(root)])
    # nbgrader runs `alembic` (and kernels run tools) from PATH: this environment's scripts first.
    bindir = os.path.dirname(sys.executable)
    if bindir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


def server_command(root: Path = ROOT, port: int = 8888, open_browser: bool = False) -> list[str]:
    """The `jupyter lab` command line for the course at ``root`` (token comes from JUPYTER_TOKEN)."""
    root = Path(root)
    return [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.default_url={default_url(root)}",
        f"--ServerApp.open_browser={open_browser}",
        f"--LabApp.app_settings_dir={write_lab_settings(root)}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ] + (["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])


def prepare(root: Path = ROOT) -> Path:
    """Create the student's assignment folder (the Assignments panel changes into it)."""
    folder = assignment_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    write_lab_settings(root)
    return folder


def running_server(root: Path = ROOT) -> dict | None:
    """A JupyterLab already serving this course root (from Jupyter's runtime files), if any."""
    from jupyter_server.serverapp import list_running_servers

    for info in list_running_servers():
        if os.path.realpath(info.get("root_dir", "")) == os.path.realpath(root):
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


def banner(url: str) -> str:
    line = "=" * min(max(len(url), 40), 100)
    return (f"\n{line}\n JupyterLab for nn-from-scratch is running. Open this address in your browser:\n\n"
            f" {url}\n\n Stop it with Ctrl+C in this terminal.\n{line}\n")


def course_root(path: str | None = None) -> Path:
    """``path``, else the current folder when it holds nbgrader_config.py, else the repository."""
    if path:
        return Path(path).resolve()
    cwd = Path.cwd()
    return cwd if (cwd / "nbgrader_config.py").exists() else ROOT


def add_arguments(parser) -> None:
    parser.add_argument("--port", type=int, default=8888,
                        help="port to listen on (the next free one when taken; default 8888)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    parser.add_argument("--course-dir", metavar="PATH", default=None,
                        help="the course folder (default: the current folder if it has nbgrader_config.py, "
                             "else the repository)")


def run(args) -> int:
    root = course_root(getattr(args, "course_dir", None))
    prepare(root)
    path = default_url(root)

    existing = running_server(root)
    if existing is not None:
        url = f"{existing['url'].rstrip('/')}{path}?token={existing.get('token', '')}"
        print(banner(url).replace("is running.", f"is already running (process {existing.get('pid')}).")
              .replace("Ctrl+C in this terminal", "Ctrl+C in the terminal that started it"))
        if not args.no_browser:
            webbrowser.open(url)
        return 0

    port = free_port(args.port)
    if port != args.port:
        print(f"lab: port {args.port} is taken, using {port}")
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    env = server_env(root)
    env["JUPYTER_TOKEN"] = token
    command = server_command(root, port=port, open_browser=False)
    base_url = f"http://{HOST}:{port}"
    url = f"{base_url}{path}?token={token}"

    # Its own session: Ctrl+C here stops it cleanly with SIGTERM, without Jupyter's y/n prompt.
    process = subprocess.Popen(command, cwd=root, env=env, start_new_session=True)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # `kill <this pid>` stops the server too
    try:
        if not wait_ready(process, base_url, token):
            print("lab: JupyterLab did not start; see its messages above", file=sys.stderr)
            return 1
        print(banner(url), flush=True)
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
