"""The sandboxed kernel (grader/sandbox.py): it runs, timeouts interrupt it, it sees no secrets,
writes only its own folder, has no network and no inherited secrets; every way of autograding uses it.
(A loop that ignores the interrupt is in test_hostile.py: the whole submission then fails as a timeout.)"""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import nbformat
import pytest
from grader_helpers import (
    CORRECT,
    PYTHON,
    REPO,
    bwrap_works,
    grader_env,
    make_course,
    nbgrader,
    nbgrader_api,
    run_grader,
    submit,
)
from traitlets.config import Config

from grader import sandbox

ok, why = bwrap_works()
needs_bwrap = pytest.mark.skipif(not ok, reason=f"bubblewrap sandbox unavailable: {why}")


def _run(tmp_path, sources: list[str], timeout: int = 5, secret: Path | None = None):
    """Execute code cells with SandboxedExecute in tmp_path/work; returns the cells' outputs."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    c = Config()
    c.Execute.timeout = timeout
    if secret is not None:
        c.CourseDirectory.root = str(secret)
        c.CourseDirectory.db_url = "sqlite:///" + str(secret / "db" / "gradebook.db")
        c.CourseDirectory.source_directory = "source"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    from grader.preprocessors import SandboxedExecute

    pp = SandboxedExecute(config=c)
    error = None
    try:
        pp.preprocess(nb, {"metadata": {"path": str(work)}})
    except Exception as err:  # noqa: BLE001 - the test inspects it
        error = err
    out = []
    for cell in nb.cells:
        texts = []
        for o in cell.outputs:
            if o.output_type == "stream":
                texts.append(o.text)
            elif o.output_type == "error":
                texts.append(f"!{o.ename}")
            elif "data" in o:
                texts.append(o.data.get("text/plain", ""))
        out.append("".join(texts))
    return out, error, work


def test_build_command_shape(tmp_path):
    if not all(sandbox.find_tools()):
        pytest.skip(f"bubblewrap sandbox unavailable: {why}")
    hidden = tmp_path / "secret"
    hidden.mkdir()
    work = hidden / "student" / "work"
    work.mkdir(parents=True)
    cmd = sandbox.build_command(
        ["python", "-m", "ipykernel_launcher"],
        workdir=str(work),
        socket_dir=str(tmp_path),
        hide=[str(hidden)],
        limits_={"as": 2 << 30, "cpu": 60, "nproc": 100, "fsize": 1 << 20},
    )
    text = " ".join(cmd)
    assert cmd[0].endswith("prlimit") and f"--as={2 << 30}" in cmd and "--cpu=60" in cmd and "--nproc=100" in cmd
    assert "--ro-bind / /" in text and "--unshare-all" in cmd and "--die-with-parent" in cmd
    assert "--new-session" in cmd and "--cap-drop ALL" in text
    # the secret folder is covered, then only the working folder is bound back, read-write
    assert text.index(f"--tmpfs {hidden.resolve()}") < text.index(f"--bind {work.resolve()} {work.resolve()}")
    assert cmd[-3:] == ["python", "-m", "ipykernel_launcher"]


def test_kernel_spec_uses_the_launcher():
    spec = sandbox.kernel_spec_dict()
    assert spec["interrupt_mode"] == "message"
    assert spec["argv"][1:] == ["-m", "grader.sandbox_kernel", "-f", "{connection_file}"]


def test_policy_module_does_not_import_nbgrader():
    """grader/sandbox.py is the policy and the command builder only; nbgrader lives in grader/preprocessors."""
    code = "import sys, grader.sandbox, grader.sandbox_kernel, grader.preprocessors; print('nbgrader' in sys.modules)"
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


def test_interpreter_path_is_resolved(tmp_path, monkeypatch):
    """A venv reached through a symlink (one the sandbox may hide) is launched by its real folder."""
    real = tmp_path / "real" / "bin"
    real.mkdir(parents=True)
    (real / "python").symlink_to(PYTHON)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.setattr(sandbox.sys, "executable", str(tmp_path / "link" / "bin" / "python"))
    assert sandbox.python_executable() == str(real.resolve() / "python")
    assert sandbox.kernel_spec_dict()["argv"][0] == str(real.resolve() / "python")


def test_hidden_paths_follow_the_course_configuration(tmp_path):
    """The state folder, solutions, grader/ (lesson sources) and the gradebook's folder are hidden."""
    state = tmp_path / "state"
    (state / "submitted").mkdir(parents=True)
    (tmp_path / "db").mkdir()
    c = Config()
    c.CourseDirectory.root = str(tmp_path)
    c.CourseDirectory.db_url = "sqlite:///" + str(tmp_path / "db" / "gradebook.db")
    c.NNFS.state_dir = str(state)
    hidden = sandbox.course_hidden_paths(c)
    for path in (state, tmp_path / "db", REPO / "grader", REPO / "solutions"):
        assert str(path.resolve()) in hidden, (path, hidden)


def test_unavailable_refuses_unless_unsafe(monkeypatch):
    monkeypatch.setattr(sandbox, "_probe", lambda: (False, "bwrap (bubblewrap) is not installed"))
    monkeypatch.delenv("NNFS_UNSAFE", raising=False)
    with pytest.raises(sandbox.SandboxUnavailable, match="--unsafe"):
        sandbox.require()
    monkeypatch.setenv("NNFS_UNSAFE", "1")
    assert sandbox.require() is False


def test_cli_refuses_without_bwrap(tmp_path):
    from grader_helpers import CONFIG, Course

    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        CONFIG.format(config=str(REPO / "grader" / "nbgrader_config.py"), root=str(root))
    )
    course = Course(root, ["ex"])
    env = grader_env(PATH=str(Path(PYTHON).parent))  # no /usr/bin: no bwrap, no prlimit
    result = run_grader(course, "autograde", "--no-progress", env=env)
    assert result.returncode == 2
    assert "sandbox is unavailable here: bwrap (bubblewrap) is not installed" in result.stderr
    assert "--unsafe" in result.stderr
    assert not course.autograded("alice", "ex").exists()


@needs_bwrap
def test_kernel_runs_in_its_folder_and_writes_only_there(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "graded.ipynb").write_text("hidden tests")
    out, error, work = _run(
        tmp_path,
        [
            "import os; print(os.getcwd())",
            "open('result.txt', 'w').write('42'); print('wrote')",
            "print(repr(open('graded.ipynb').read()))\ntry:\n    open('graded.ipynb', 'w')\nexcept OSError as e:\n    print(e.errno)",
            f"try:\n    open({str(REPO / 'evil.txt')!r}, 'w'); print('private')\nexcept OSError as e:\n    print(e.errno)",
            f"try:\n    open({str(tmp_path / 'evil.txt')!r}, 'w').write('x'); print('tmpfs')\nexcept OSError as e:\n    print(e.errno)",
        ],
    )
    assert error is None
    assert out[0].strip() == str(work.resolve())
    assert out[1].strip() == "wrote" and (work / "result.txt").read_text() == "42"
    assert out[2].split() == ["''", "30"]  # the notebook being graded: empty, read-only
    assert (work / "graded.ipynb").read_text() == "hidden tests"
    # EROFS: the rest of the disk is read-only (a checkout under /tmp sits in the private tmpfs instead)
    assert out[3].strip() == ("private" if str(REPO.resolve()).startswith("/tmp/") else "30")
    assert not (REPO / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()
    assert out[4].strip() == "tmpfs"  # tmp_path is under /tmp: a private tmpfs


@needs_bwrap
def test_kernel_cannot_read_course_secrets(tmp_path, monkeypatch):
    secret = tmp_path / "course"
    (secret / "source" / "ex").mkdir(parents=True)
    (secret / "source" / "ex" / "ex.ipynb").write_text("hidden tests")
    (secret / "db").mkdir()
    (secret / "db" / "gradebook.db").write_text("grades")
    monkeypatch.setenv("NNFS_DB_URL", "postgresql://user:password@db/grades")
    probe = "\n".join(
        [
            "import os",
            "def look(p):",
            "    try:",
            "        return sorted(os.listdir(p)) if os.path.isdir(p) else open(p).read()",
            "    except OSError as e:",
            "        return type(e).__name__",
            f"print(look({str(secret / 'source' / 'ex' / 'ex.ipynb')!r}))",
            f"print(look({str(secret / 'db' / 'gradebook.db')!r}))",
            f"print(look({str(REPO / 'solutions')!r}), look({str(REPO / 'grader')!r}))",
            "print(sorted(k for k in os.environ if 'DB' in k or 'NNFS' in k))",
            "print(repr(look('/etc/shadow')) if os.path.exists('/etc/shadow') else repr(''))",
        ]
    )
    out, error, _ = _run(tmp_path, [probe], secret=secret)
    assert error is None
    assert out[0].splitlines() == ["FileNotFoundError", "FileNotFoundError", "[] []", "[]", "''"]


@needs_bwrap
def test_timeout_interrupts_and_the_next_cell_runs(tmp_path):
    out, error, _ = _run(tmp_path, ["while True:\n    pass", "print('after')"], timeout=3)
    assert error is None
    assert "!CellTimeoutError" in out[0]
    assert out[1] == "after\n"


@needs_bwrap
def test_notebook_deadline(tmp_path, monkeypatch):
    """NNFS_NOTEBOOK_TIMEOUT bounds the whole notebook, not only each cell."""
    monkeypatch.setenv("NNFS_NOTEBOOK_TIMEOUT", "4")
    out, error, _ = _run(
        tmp_path, ["import time; time.sleep(2); print('one')", "time.sleep(8); print('two')"], timeout=20
    )
    assert error is None
    assert out[0] == "one\n"  # well within both limits
    assert "!CellTimeoutError" in out[1] and "two" not in out[1]  # cut at the notebook's deadline, not at 20 s

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    code = (
        f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2); print('connected')\n"
        f"except OSError as e:\n    print('refused')"
    )
    out, error, _ = _run(tmp_path, [code])
    server.setblocking(False)
    try:
        conn, _ = server.accept()  # a connection would be waiting in the backlog
        conn.close()
        reached = True
    except BlockingIOError:
        reached = False
    finally:
        server.close()
    assert error is None and out[0] == "refused\n"
    assert reached is False


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("sandbox") / "course")


@needs_bwrap
def test_every_autograde_path_is_sandboxed(course):
    """Plain `nbgrader autograde` and the API formgrader's button uses both read the course config."""
    reader = "\n".join(
        [
            "import json, os",
            f"p = {str(course.path('source', 'ex', 'ex.ipynb'))!r}",
            "json.dump(os.path.exists(p), open('seen.json', 'w'))",
            CORRECT["square"],
        ]
    )
    submit(course, "plain", answers={"square": reader, "count_positive": CORRECT["count_positive"]})
    submit(course, "button", answers={"square": reader, "count_positive": CORRECT["count_positive"]})
    nbgrader(course, "autograde", "ex", "--student", "plain")
    assert json.loads(course.autograded("plain", "ex").with_name("seen.json").read_text()) is False

    result = nbgrader_api(course).autograde("ex", "button")  # formgrader's autograde button
    assert result["success"], result.get("log", "")[-3000:]
    assert json.loads(course.autograded("button", "ex").with_name("seen.json").read_text()) is False


def test_nbgrader_refuses_without_bwrap_unless_unsafe(course, monkeypatch):
    """Through nbgrader itself (formgrader's API): no sandbox, no grading; NNFS_UNSAFE=1 grades unsandboxed."""
    monkeypatch.setattr(sandbox, "_probe", lambda: (False, "bwrap (bubblewrap) is not installed"))
    monkeypatch.delenv("NNFS_UNSAFE", raising=False)
    reader = "\n".join(
        [
            "import json, os",
            f"p = {str(course.path('source', 'ex', 'ex.ipynb'))!r}",
            "json.dump(os.path.exists(p), open('seen.json', 'w'))",
            CORRECT["square"],
        ]
    )
    submit(course, "nobwrap", answers={"square": reader, "count_positive": CORRECT["count_positive"]})
    result = nbgrader_api(course).autograde("ex", "nobwrap")
    assert not result["success"]
    assert "sandbox is unavailable here: bwrap (bubblewrap) is not installed" in result["log"]
    assert not course.autograded("nobwrap", "ex").exists()
    monkeypatch.setenv("NNFS_UNSAFE", "1")
    result = nbgrader_api(course).autograde("ex", "nobwrap")
    assert result["success"], result.get("log", "")[-3000:]
    assert "WITHOUT a sandbox" in result["log"]
    assert json.loads(course.autograded("nobwrap", "ex").with_name("seen.json").read_text()) is True


@needs_bwrap
def test_installed_kernelspec_launcher_runs_sandboxed(tmp_path):
    """The launcher every graded kernel starts through (grader.sandbox_kernel) gives a working, sandboxed kernel."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import KernelManager

    sockets = tmp_path / "sockets"
    sockets.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    km = KernelManager(
        kernel_name=sandbox.KERNEL_NAME,
        transport="ipc",
        ip=str(sockets / "k"),
        connection_file=str(sockets / "kernel.json"),
    )
    km._kernel_spec = KernelSpec(resource_dir="", **sandbox.kernel_spec_dict())
    km.start_kernel(cwd=str(work), env=sandbox.kernel_env())
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        outputs = []
        code = f"import os; print(os.getcwd(), os.listdir({str(REPO / 'solutions')!r}), os.environ.get('NNFS_DB_URL'))"
        kc.execute_interactive(code, timeout=30, output_hook=lambda m: outputs.append(m["content"].get("text", "")))
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    assert "".join(outputs).strip() == f"{work.resolve()} [] None"


def test_launcher_refuses_tcp(tmp_path):
    from grader import sandbox_kernel

    conn = tmp_path / "kernel.json"
    conn.write_text(json.dumps({"transport": "tcp", "ip": "127.0.0.1"}))
    assert sandbox_kernel.main(["-f", str(conn)]) == 2
