"""A real JupyterLab in headless Chromium, on a throw-away copy of the course.

Session fixtures:
- ``course``: a temporary copy of the course (config, grader package, lesson sources, solutions,
  lessons) with its own gradebook, exchange and student folder (``NNFS_*`` variables point there);
  the repository's own gradebook, exchange and settings are never touched.
- ``released``: every lesson released to that exchange with ``python -m grader release``.
- ``lab_server``: JupyterLab started the way ``make lab`` starts it (``grader.lab.server_command``),
  on 127.0.0.1, a free port, a random token, temporary Jupyter/IPython/Matplotlib folders; stopped
  by its process id.
- ``browser``: headless Chromium (Debian's ``chromium``; Playwright's own download is not used).

Function fixtures: ``page`` (a fresh browser context, 1280x800) and ``steps`` (named steps that
attach a screenshot path to any failure, and a screenshot of the last step).

Browser recipes (selectors, what "kernel ready" means) follow tests/browser notes proven here:
no fixed sleeps, every wait is for something a person would see.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COURSE_ID = "nn-from-scratch"
SCREENSHOTS = REPO / "grader" / "screenshots"
KERNEL_NAME = "Python 3 (ipykernel)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 800}

# What the course copy leaves out: every piece of grading state and local settings.
_STATE = {"screenshots", "__pycache__"}

_timings: list[tuple[str, float]] = []


def lesson_ids() -> list[str]:
    """Lessons with a solution notebook in the repository, in course order."""
    root = REPO / "solutions"
    return sorted(p.name for p in root.glob("[0-9][0-9]_*") if (p / f"{p.name}.ipynb").is_file())


# --------------------------------------------------------------------------------------------
# skipping, timing
# --------------------------------------------------------------------------------------------


def _browser_unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    if not shutil.which("chromium"):
        return "chromium is not installed (make system-deps, or apt-get install chromium)"
    return None


def pytest_generate_tests(metafunc):
    if "lesson" in metafunc.fixturenames:
        metafunc.parametrize("lesson", lesson_ids())


def pytest_collection_modifyitems(config, items):
    reason = _browser_unavailable()
    for item in items:
        if reason and item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=f"browser test: {reason}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    start = time.perf_counter()
    yield
    if item.get_closest_marker("browser"):
        _timings.append((item.nodeid.split("::", 1)[-1], time.perf_counter() - start))


def pytest_terminal_summary(terminalreporter):
    if _timings:
        terminalreporter.section("browser scenarios: wall time")
        for name, seconds in _timings:
            terminalreporter.write_line(f"{seconds:8.1f} s  {name}")
        terminalreporter.write_line(f"{sum(s for _, s in _timings):8.1f} s  total")


# --------------------------------------------------------------------------------------------
# the course copy and its commands
# --------------------------------------------------------------------------------------------


class Course:
    """A temporary course: root folder, the environment every command runs in, command runners."""

    def __init__(self, root: Path, env: dict, log_dir: Path):
        self.root = root
        self.env = env
        self.log_dir = log_dir
        self.exchange = Path(env["NNFS_EXCHANGE"])
        self.student_dir = Path(env["NNFS_ASSIGNMENT_DIR"])
        self.lessons = sorted(
            p.name for p in (root / "lessons").glob("[0-9][0-9]_*") if (p / f"{p.name}.ipynb").is_file()
        )

    def run(self, *argv: str, timeout: float = 900) -> subprocess.CompletedProcess:
        """Run a command in the course root with the course's environment; fail loudly."""
        result = subprocess.run(
            list(argv), cwd=self.root, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        name = "_".join(a.replace("/", "-") for a in argv[1:4] if not a.startswith("-"))[:80]
        (self.log_dir / f"{name}.log").write_text(f"$ {' '.join(argv)}\n{result.stdout}\n{result.stderr}")
        if result.returncode != 0:
            raise AssertionError(
                f"`{' '.join(argv[1:])}` failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
            )
        return result

    def grader(self, command: str, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        """``python -m grader <command> ...``: the project's own instructor commands."""
        return self.run(sys.executable, "-m", "grader", command, *args, timeout=timeout)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Course:
    base = tmp_path_factory.mktemp("browser-course")
    root = base / "course"
    root.mkdir()
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    ignore = shutil.ignore_patterns(*_STATE, "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(REPO / "grader", root / "grader", ignore=ignore)
    for folder in ("solutions", "lessons"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder, ignore=ignore)

    home = base / "home"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NNFS_", "JUPYTER", "JPY_", "IPYTHONDIR", "MPLCONFIGDIR"))
    }
    env.update(
        {
            "NNFS_EXCHANGE": str(root / "state" / "exchange"),
            "NNFS_DB_URL": f"sqlite:///{root / 'state' / 'gradebook.db'}",
            "NNFS_ASSIGNMENT_DIR": str(root / "state" / "student"),
            "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
            "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
            # kernel specs and lab extensions stay findable: they live in the venv's share/jupyter
            "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "MPLCONFIGDIR": str(home / "matplotlib"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    for key in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
    ):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    logs = base / "logs"
    logs.mkdir()

    # `python -m grader release` (the `released` fixture) registers the lessons in this gradebook and
    # creates the exchange: the slower `grader setup` would register them a second time.
    return Course(root, env, logs)


@pytest.fixture(scope="session")
def released(course) -> list[str]:
    """Every lesson released to the course copy's exchange with the project's release command."""
    course.run(sys.executable, "-m", "grader", "release", *course.lessons, timeout=1200)
    outbound = course.exchange / COURSE_ID / "outbound"
    missing = [lesson for lesson in course.lessons if not (outbound / lesson / f"{lesson}.ipynb").is_file()]
    assert not missing, f"`python -m grader release` did not put {missing} in {outbound}"
    return course.lessons


# --------------------------------------------------------------------------------------------
# JupyterLab
# --------------------------------------------------------------------------------------------


class LabServer:
    def __init__(self, url: str, token: str, root: Path, process: subprocess.Popen, log: Path):
        self.url, self.token, self.root, self.process, self.log = url, token, root, process, log

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def page_url(self, path: str, workspace: str) -> str:
        """A lab URL that opens ``path`` in its own named workspace (no ?reset: see the notes)."""
        tree = f"/tree/{path}" if path else ""
        return f"{self.url}/lab/workspaces/{workspace}{tree}?token={self.token}"

    def shutdown_kernels(self) -> None:
        for kernel in self.api("/api/kernels"):
            with contextlib.suppress(urllib.error.URLError):
                self.api(f"/api/kernels/{kernel['id']}", method="DELETE")

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


@contextlib.contextmanager
def _lab(course, role: str):
    """JupyterLab for ``role`` ("student" or "instructor"), started the way `make lab` /
    `make instructor` start it."""
    from grader import lab
    from grader.course import Course as CourseModel

    env = dict(course.env)
    model = CourseModel.load(course.root)
    port, token = _free_port(), secrets.token_hex(16)
    env = lab.server_env(model, role, base=env)
    env["JUPYTER_TOKEN"] = token
    lab.prepare(model)
    log = course.log_dir / f"jupyterlab-{role}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            lab.server_command(model, port=port, open_browser=False),
            cwd=course.root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabServer(f"http://127.0.0.1:{port}", token, course.root, process, log)
    try:
        if not lab.wait_ready(process, server.url, token, timeout=120):
            raise AssertionError(f"JupyterLab did not start:\n{server.log_tail()}")
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def lab_server(course) -> LabServer:
    """A student's JupyterLab (`make lab`): Assignments and Validate, no instructor tools."""
    with _lab(course, "student") as server:
        yield server


@pytest.fixture(scope="session")
def instructor_server(course) -> LabServer:
    """An instructor's JupyterLab (`make instructor`): Formgrader and the other nbgrader tools."""
    with _lab(course, "instructor") as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, lab_server):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()
    lab_server.shutdown_kernels()


# --------------------------------------------------------------------------------------------
# steps with screenshots
# --------------------------------------------------------------------------------------------


class Steps:
    """``with steps("validate shows the failure"):`` ... a failure names the step and its screenshot."""

    def __init__(self, page, folder: Path, server: LabServer):
        self.page, self.folder, self.server = page, folder, server
        self.count = 0
        self.current = "start"

    @contextlib.contextmanager
    def __call__(self, name: str, page=None):
        self.count += 1
        self.current = name
        target = page or self.page
        try:
            yield
        except Exception as err:
            shot = self.shot(f"FAILED-{self.count:02d}", target)
            raise AssertionError(
                f"step {self.count} '{name}' failed: {err}\nscreenshot: {shot}\n"
                f"JupyterLab log (tail): {self.server.log}\n{self.server.log_tail(1500)}"
            ) from err

    def shot(self, name: str, page=None) -> Path:
        path = self.folder / f"{name}.png"
        with contextlib.suppress(Exception):
            (page or self.page).screenshot(path=str(path))
        return path

    def last(self, page=None) -> Path:
        """Screenshot of the scenario's last step, saved under the test's tmp folder."""
        return self.shot(f"last-{self.count:02d}-{_slug(self.current)}", page)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:60]


@pytest.fixture
def steps(page, tmp_path, lab_server):
    s = Steps(page, tmp_path, lab_server)
    yield s
    s.last()


@pytest.fixture
def readme_screenshot():
    return save_readme_screenshot


def save_readme_screenshot(page, name: str, clip: dict | None = None) -> Path | None:
    """grader/screenshots/<name>.png when NNFS_UPDATE_SCREENSHOTS=1: a small palette PNG."""
    if os.environ.get("NNFS_UPDATE_SCREENSHOTS") != "1":
        return None
    from PIL import Image

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    raw = SCREENSHOTS / f".{name}.raw.png"
    page.screenshot(path=str(raw), clip=clip)
    image = Image.open(raw).convert("RGB")
    path = SCREENSHOTS / f"{name}.png"
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    raw.unlink()
    assert path.stat().st_size < 200_000, f"{path} is {path.stat().st_size} bytes, over 200 KB"
    return path


# --------------------------------------------------------------------------------------------
# what a person does in JupyterLab
# --------------------------------------------------------------------------------------------

_CELL_STATE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const state = {blank: 0, busy: 0, done: 0, errors: 0};
  for (const cell of panel.querySelectorAll('.jp-CodeCell')) {
    const source = (cell.querySelector('.cm-content') || {}).innerText || '';
    const prompt = ((cell.querySelector('.jp-InputPrompt') || {}).innerText || '').trim();
    if (!source.trim()) continue;
    if (prompt === '[*]:') state.busy++;
    else if (/^\\[\\d+\\]:$/.test(prompt)) state.done++;
    else state.blank++;
  }
  for (const out of panel.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")) {
    if (/Traceback|Error\\b.*Traceback|^\\s*\\w*(Error|Exception)\\b/m.test(out.innerText)) state.errors++;
  }
  return state;
}"""


class LabUI:
    """The few gestures the scenarios need, each waiting for what a person would see."""

    def __init__(self, page, server: LabServer):
        self.page, self.server = page, server

    # ---- opening -----------------------------------------------------------------------
    def open(self, path: str = "", workspace: str = "test") -> None:
        self.page.goto(self.server.page_url(path, workspace))
        self.page.locator("#jp-main-dock-panel").wait_for(state="visible", timeout=60_000)

    def open_notebook(self, path: str, workspace: str) -> None:
        self.open(path, workspace)
        self.page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible", timeout=60_000)
        self.wait_kernel_idle(timeout=90_000)

    def wait_kernel_idle(self, timeout: float = 60_000) -> None:
        """Kernel really ready: the status bar names the kernel and says Idle, and so does the indicator."""
        self.page.wait_for_function(
            """(name) => {
                const bar = document.querySelector('#jp-main-statusbar');
                const text = bar ? bar.innerText.replace(/\\s+/g, ' ') : '';
                const ind = document.querySelector(
                    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status="idle"]')
                    || document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]');
                return text.includes(name + ' | Idle') && !!ind;
            }""",
            arg=KERNEL_NAME,
            timeout=timeout,
        )

    def menu(self, menu: str, command: str) -> None:
        self.page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
        item = self.page.locator(f".lm-Menu-item[data-command='{command}']").first
        item.wait_for(state="visible")
        item.click()

    # ---- running -----------------------------------------------------------------------
    def cell_state(self) -> dict:
        return self.page.evaluate(_CELL_STATE_JS)

    def run_all(self, timeout: float = 300_000) -> dict:
        """Run > Run All Cells; returns the cell counts once nothing is queued or running."""
        self.menu("Run", "runmenu:run-all")
        self.page.wait_for_function(
            f"() => {{ const s = ({_CELL_STATE_JS})(); return s && s.busy === 0 && (s.blank === 0 || s.errors > 0); }}",
            timeout=timeout,
            polling=250,
        )
        self.wait_kernel_idle(timeout=timeout)
        return self.cell_state()

    def error_texts(self) -> list[str]:
        outs = self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        return [
            t
            for t in outs.all_inner_texts()
            if "Traceback" in t
            or any(line.split(":")[0].strip().endswith(("Error", "Exception")) for line in t.splitlines())
        ]

    # ---- editing -----------------------------------------------------------------------
    def replace_cell_text(self, contains: str, text: str) -> None:
        """Click into the code cell whose text contains ``contains`` and replace all of it."""
        cell = self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell",
            has=self.page.locator(".cm-content", has_text=contains),
        ).first
        editor = cell.locator(".cm-content")
        editor.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(text)
        self.page.keyboard.press("Escape")
        cell.locator(".cm-content", has_text=text.splitlines()[0]).wait_for()

    def answer_markdown(self, placeholder: str, text: str) -> None:
        """Double-click the markdown cell that shows only ``placeholder``, replace its text, render it."""
        # JupyterLab renders only the cells near the viewport (windowed notebook): scroll down a
        # screen at a time until the cell is in the page.
        marker = "data-nnfs-placeholder"
        self.page.evaluate(
            """() => { const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                       const scroller = panel.querySelector('.jp-WindowedPanel-outer') || panel.querySelector('.jp-Notebook');
                       scroller.scrollTop = 0; }"""
        )
        found = False
        for _ in range(200):
            found = self.page.evaluate(
                """([placeholder, marker]) => {
                   const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                   const cell = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].find(c =>
                       c.classList.contains('jp-MarkdownCell') &&
                       (c.querySelector('.jp-MarkdownOutput') || {innerText: ''}).innerText.trim() === placeholder);
                   if (cell) { cell.setAttribute(marker, '1'); return true; }
                   const scroller = panel.querySelector('.jp-WindowedPanel-outer') || panel.querySelector('.jp-Notebook');
                   const before = scroller.scrollTop;
                   scroller.scrollTop = before + scroller.clientHeight * 0.8;
                   return scroller.scrollTop === before ? null : false;
                }""",
                [placeholder, marker],
            )
            if found is not False:
                break
            self.page.wait_for_timeout(100)  # let the windowed notebook render the newly visible cells
        assert found, f"no markdown cell showing just {placeholder!r}"
        cell = self.page.locator(f".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell[{marker}]").first
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-MarkdownOutput").dblclick()
        editor = cell.locator(".cm-content")
        editor.wait_for(state="visible")
        editor.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(text)
        self.page.keyboard.press("Shift+Enter")
        cell.locator(".jp-MarkdownOutput", has_text=text[:40]).wait_for(state="visible")

    def save(self) -> None:
        self.page.keyboard.press("Control+S")
        # the tab loses its "unsaved" dot once the file is written
        self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current.jp-mod-dirty").wait_for(
            state="detached", timeout=30_000
        )

    # ---- nbgrader -----------------------------------------------------------------------
    def validate(self) -> str:
        """Press Validate in the notebook toolbar; returns the dialog's text (dialog closed after)."""
        toolbar = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar")
        toolbar.get_by_role("button", name="Validate").click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(state="visible", timeout=180_000)
        body = dialog.locator(".jp-Dialog-content")
        body.wait_for(state="visible")
        text = body.inner_text()
        dialog.locator(".jp-Dialog-button").last.click()
        dialog.wait_for(state="detached")
        return text


@pytest.fixture
def ui(page, lab_server) -> LabUI:
    return LabUI(page, lab_server)
