"""`python -m grader lab` (what `make lab` runs after setup), without a browser.

It starts JupyterLab on the course, prints an address that opens 00_welcome, applies the course's
no-news settings, makes the student folder Fetch needs; a second run while it is up does not start
another server but prints the same address; stopping it (SIGTERM to its process) stops the server.
"""

from __future__ import annotations

import json
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow

URL = re.compile(r"(http://127\.0\.0\.1:(\d+))(/lab/tree/lessons/00_welcome/00_welcome\.ipynb)\?token=(\w+)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _lines(process) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, pattern: re.Pattern, seen: list, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if match := pattern.search(line):
            return match
    raise AssertionError(f"no {pattern.pattern!r} in the output:\n{''.join(seen)[-4000:]}")


def _get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


@pytest.mark.timeout(300)
def test_lab_command_starts_once_and_stops(course, tmp_path):
    root = tmp_path / "course"  # its own copy: the session's JupyterLab serves course.root
    shutil.copytree(course.root, root, ignore=shutil.ignore_patterns("state"))
    env = {
        **course.env,
        "NNFS_EXCHANGE": str(root / "state" / "exchange"),
        "NNFS_DB_URL": f"sqlite:///{root / 'state' / 'gradebook.db'}",
        "NNFS_ASSIGNMENT_DIR": str(root / "state" / "student"),
    }
    port = _free_port()
    command = [sys.executable, "-m", "grader", "lab", "--no-browser", "--port", str(port), "--course-dir", str(root)]

    first = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    try:
        lines = _lines(first)
        url = _wait_for(lines, URL, seen, timeout=120)
        base, token = url[1], url[4]
        assert int(url[2]) == port

        status, page = _get(url[0], token)
        assert status == 200 and b"JupyterLab" in page
        status, body = _get(f"{base}/api/contents/lessons?content=1", token)
        assert "00_welcome" in {item["name"] for item in json.loads(body)["content"]}
        overrides = json.loads((root / "state" / "lab" / "settings" / "overrides.json").read_text())
        assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
        assert (root / "state" / "student").is_dir(), "the student folder Fetch changes into is missing"

        started = time.monotonic()
        second = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "already running" in second.stdout, second.stdout
        again = URL.search(second.stdout)
        assert again and again[0] == url[0], f"second run printed another address:\n{second.stdout}"
        print(f"second `grader lab`: {time.monotonic() - started:.1f} s")
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGTERM)
        code = first.wait(timeout=60)
    assert code == 0, "".join(seen)[-3000:]
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        _get(f"{base}/api/status", token)
