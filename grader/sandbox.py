"""The sandboxed kernel that runs student code during autograding.

Student code runs with the grader's rights unless something stops it. Every notebook that
nbgrader executes for autograding (our ``python -m grader autograde``, a plain
``nbgrader autograde`` from the course root, formgrader's autograde button) goes through
:class:`SandboxedExecute` (wired in ``grader/nbgrader_config.py``), which starts the kernel as::

    prlimit --as=... --cpu=... --nproc=... --fsize=... --
      bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp
            --tmpfs <every secret folder>  (grader/, solutions/, submitted/, autograded/,
                                            feedback/, the exchange, the gradebook's folder,
                                            the Jupyter runtime folder, $HOME)
            --bind <the submission's working folder> (read-write, the only writable place)
            --bind <a private socket folder>         (the kernel's ipc sockets)
            --unshare-all --die-with-parent --new-session --cap-drop ALL
        python -m ipykernel_launcher -f <connection file>

* no network (``--unshare-all`` includes the network namespace): the kernel talks to nbgrader over
  Unix sockets (jupyter's ``ipc`` transport) in a private folder bound into the sandbox;
* interrupts are sent as messages (``interrupt_mode: message``): a signal to the process group
  would reach bwrap, not the kernel;
* the kernel sees a clean environment (no database URL, no tokens);
* a whole notebook gets ``NNFS_NOTEBOOK_TIMEOUT`` seconds (default 1800) besides the per-cell timeout;
* resource limits: address space (``NNFS_SANDBOX_MEMORY``, default 4G), CPU seconds
  (``NNFS_SANDBOX_CPU``, default 3600), processes (``NNFS_SANDBOX_NPROC``, default 4096), file size
  (``NNFS_SANDBOX_FSIZE``, default 256M).

Where bubblewrap is missing or does not work, :class:`SandboxedExecute` refuses to run student
code unless ``NNFS_UNSAFE=1`` (``python -m grader autograde --unsafe`` sets it).

The kernel spec ``nnfs-sandbox`` (:func:`install_kernelspec`, called by ``python -m grader setup``)
runs ``python -m grader.sandbox_kernel {connection_file}``; the preprocessor does not depend on it
being installed (it builds the same spec in memory).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

KERNEL_NAME = "nnfs-sandbox"
REPO = Path(__file__).resolve().parent.parent

#: Environment variable through which the preprocessor tells the launcher what to hide.
HIDE_ENV = "NNFS_SANDBOX_HIDE"
UNSAFE_ENV = "NNFS_UNSAFE"

#: Variables the kernel inherits; everything else (database URLs, tokens, ...) is dropped.
_KEEP_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "NBGRADER_EXECUTION",
             "MPLBACKEND", "PYTHONHASHSEED", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
             "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")

UNAVAILABLE_HELP = (
    "Autograding runs student code in a bubblewrap sandbox, and the sandbox is unavailable here: {why}. "
    "Install it (as root: apt-get install -y bubblewrap) and retry. To grade WITHOUT a sandbox anyway "
    "(student code then runs with your rights and can read solutions and the gradebook), pass --unsafe "
    "to `python -m grader autograde`, or set NNFS_UNSAFE=1 for plain nbgrader."
)


class SandboxUnavailable(RuntimeError):
    """bubblewrap (or prlimit) is missing or does not work, and NNFS_UNSAFE is not set."""


def _size(text: str) -> int:
    text = str(text).strip().upper()
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def limits() -> dict[str, int]:
    """The prlimit resource limits for a sandboxed kernel (from NNFS_SANDBOX_* or defaults)."""
    return {
        "as": _size(os.environ.get("NNFS_SANDBOX_MEMORY", "4G")),
        "cpu": int(os.environ.get("NNFS_SANDBOX_CPU", "3600")),
        "nproc": int(os.environ.get("NNFS_SANDBOX_NPROC", "4096")),
        "fsize": _size(os.environ.get("NNFS_SANDBOX_FSIZE", "256M")),
    }


def find_tools() -> tuple[str | None, str | None]:
    """Paths of ``bwrap`` and ``prlimit`` (None where missing)."""
    return shutil.which("bwrap"), shutil.which("prlimit")


@lru_cache(maxsize=1)
def _probe() -> tuple[bool, str]:
    bwrap, prlimit = find_tools()
    if not bwrap:
        return False, "bwrap (bubblewrap) is not installed"
    if not prlimit:
        return False, "prlimit (util-linux) is not installed"
    try:
        result = subprocess.run(
            [prlimit, "--nofile=256", "--", bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
             "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "true"],
            capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return False, f"bwrap could not be started ({err})"
    if result.returncode != 0:
        return False, f"bwrap does not work on this machine ({result.stderr.strip() or result.returncode})"
    return True, "bubblewrap works"


def available() -> tuple[bool, str]:
    """(True, "...") when bubblewrap and prlimit work here, else (False, why). Cached per process."""
    return _probe()


def unsafe_allowed() -> bool:
    return os.environ.get(UNSAFE_ENV, "") not in ("", "0", "false", "no")


def require() -> bool:
    """True when kernels will be sandboxed; False when unsandboxed grading was explicitly allowed.

    Raises :class:`SandboxUnavailable` (with one clear message) otherwise.
    """
    ok, why = available()
    if ok:
        return True
    if unsafe_allowed():
        return False
    raise SandboxUnavailable(UNAVAILABLE_HELP.format(why=why))


# --------------------------------------------------------------------------------------------
# What the sandbox hides


def _existing_dirs(paths) -> list[str]:
    out = []
    for p in paths:
        if not p:
            continue
        p = os.path.realpath(p)
        if os.path.isdir(p) and p != "/" and p not in out:
            out.append(p)
    return out


def _sqlite_folder(db_url: str | None) -> str | None:
    if not db_url or not db_url.startswith("sqlite:///"):
        return None
    path = db_url[len("sqlite:///"):].split("?", 1)[0]
    return os.path.dirname(os.path.abspath(path)) if path and path != ":memory:" else None


def course_hidden_paths(coursedir=None, exchange_root: str | None = None) -> list[str]:
    """Folders the kernel must not see, from an nbgrader CourseDirectory (or the defaults)."""
    paths = [REPO / "grader", REPO / "solutions"]
    if coursedir is not None:
        root = coursedir.root
        for name in ("source_directory", "submitted_directory", "autograded_directory",
                     "feedback_directory"):
            value = getattr(coursedir, name, None)
            if value:
                paths.append(os.path.join(root, value))
        paths.append(_sqlite_folder(coursedir.db_url))
    if exchange_root:
        paths.append(exchange_root)
    try:
        from jupyter_core.paths import jupyter_runtime_dir
        paths.append(jupyter_runtime_dir())
    except Exception:  # pragma: no cover - jupyter_core always there with nbgrader
        pass
    paths.append(os.path.expanduser("~"))
    return _existing_dirs(str(p) if p else None for p in paths)


def _needed_paths() -> list[str]:
    """Read-only folders the kernel needs even when they lie inside a hidden folder."""
    needed = [sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    for name in ("nnlib",):
        try:
            import importlib.util
            spec = importlib.util.find_spec(name)
        except Exception:
            spec = None
        if spec and spec.submodule_search_locations:
            needed.extend(spec.submodule_search_locations)
    return _existing_dirs(needed)


SYSTEM_SECRETS = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def notebooks_in(folder: str) -> list[str]:
    """The notebooks in ``folder``: masked in the sandbox (the one being graded holds the hidden tests)."""
    try:
        return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".ipynb"))
    except OSError:
        return []


def build_command(kernel_argv: list[str], *, workdir: str, socket_dir: str, hide: list[str],
                  limits_: dict[str, int] | None = None, mask: list[str] | None = None) -> list[str]:
    """The full ``prlimit ... bwrap ... <kernel_argv>`` command line.

    ``workdir`` (the submission's working folder) and ``socket_dir`` (the kernel's ipc sockets and
    connection file) are the only writable places besides a private ``/tmp``; every folder in
    ``hide`` is covered by an empty tmpfs; every file in ``mask`` (by default the notebooks in
    ``workdir``: nbgrader writes the notebook it is grading there, hidden tests included) reads as
    empty and cannot be written; the interpreter, its packages and nnlib stay readable.
    """
    bwrap, prlimit = find_tools()
    if not bwrap or not prlimit:
        raise SandboxUnavailable(UNAVAILABLE_HELP.format(why="bwrap or prlimit is not installed"))
    lim = limits_ or limits()
    workdir = os.path.realpath(workdir)
    socket_dir = os.path.realpath(socket_dir)
    cmd = [prlimit, f"--as={lim['as']}", f"--cpu={lim['cpu']}", f"--nproc={lim['nproc']}",
           f"--fsize={lim['fsize']}", "--core=0", "--",
           bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    hidden = sorted(set(_existing_dirs(hide)), key=lambda p: p.count("/"))
    for path in hidden:
        if path in ("/tmp", "/dev", "/proc") or _inside(workdir, path) and path == workdir:
            continue
        cmd += ["--tmpfs", path]
    # put back what the kernel needs, when a hidden folder or the private /tmp covers it (a course
    # or a virtual environment checked out under /tmp, as in a CI clone)
    covering = [*hidden, "/tmp"]
    for path in _needed_paths():
        if any(_inside(path, h) for h in covering):
            cmd += ["--ro-bind", path, path]
    cmd += ["--bind", workdir, workdir, "--bind", socket_dir, socket_dir]
    # every file in mask, and the system's password hashes (grading often runs as root), read as empty
    masked = [p for p in (notebooks_in(workdir) if mask is None else mask) if os.path.isfile(p)]
    masked += [p for p in SYSTEM_SECRETS if os.path.isfile(p)]
    if masked:
        empty = os.path.join(socket_dir, "empty")
        with open(empty, "w"):
            pass
        for path in masked:
            cmd += ["--ro-bind", empty, os.path.realpath(path)]
    cmd += ["--chdir", workdir,
            "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp", "--", *kernel_argv]
    return cmd


def kernel_env(environ=None) -> dict[str, str]:
    """The clean environment a sandboxed kernel gets."""
    environ = os.environ if environ is None else environ
    env = {k: v for k, v in environ.items() if k in _KEEP_ENV or k.startswith("LC_")}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    threads = environ.get("NNFS_KERNEL_THREADS", "1")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env.setdefault(name, threads)
    env.setdefault("MPLBACKEND", "agg")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


_MPL_CACHE: list = []


def matplotlib_cache() -> str | None:
    """A folder holding matplotlib's font cache (fontlist-*.json) to seed every kernel with.

    Without it every sandboxed kernel (a fresh, empty HOME) rebuilds the font cache on its first
    plot: about a second per notebook, and a warning on stderr when it takes long. The user's own
    cache is used when there is one; otherwise one is built once, outside the sandbox, under
    ``~/.cache/nnfs-sandbox/matplotlib``. None when matplotlib is not installed.
    """
    if _MPL_CACHE:
        return _MPL_CACHE[0]
    home = os.path.expanduser("~")
    candidates = [os.environ.get("MPLCONFIGDIR"),
                  os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "matplotlib"),
                  os.path.join(home, ".cache", "nnfs-sandbox", "matplotlib")]
    found = None
    for folder in candidates:
        if folder and os.path.isdir(folder) and any(n.startswith("fontlist-") for n in os.listdir(folder)):
            found = folder
            break
    if found is None:
        target = candidates[-1]
        try:
            os.makedirs(target, exist_ok=True)
            subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], timeout=120,
                           env={**os.environ, "MPLCONFIGDIR": target}, capture_output=True)
            if any(n.startswith("fontlist-") for n in os.listdir(target)):
                found = target
        except (OSError, subprocess.TimeoutExpired):
            found = None
    _MPL_CACHE.append(found)
    return found


def prepare_kernel_dir(socket_dir: str) -> dict[str, str]:
    """Seed the kernel's private folder (bound read-write) and return the env entries pointing at it."""
    env = {}
    source = matplotlib_cache()
    if source:
        target = os.path.join(socket_dir, "matplotlib")
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(source):
            if name.startswith("fontlist-") and name.endswith(".json"):
                try:
                    shutil.copyfile(os.path.join(source, name), os.path.join(target, name))
                except OSError:
                    pass
        env["MPLCONFIGDIR"] = target
    return env


# --------------------------------------------------------------------------------------------
# The kernel spec


def kernel_spec_dict(python: str | None = None) -> dict:
    return {
        "argv": [python or sys.executable, "-m", "grader.sandbox_kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (nnfs sandbox)",
        "language": "python",
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }


def install_kernelspec(prefix: str = sys.prefix) -> Path:
    """Install the ``nnfs-sandbox`` kernel spec into ``<prefix>/share/jupyter/kernels``; returns its folder.

    Idempotent. The spec's argv uses the interpreter of ``prefix`` when it has one (a venv's
    ``bin/python``), else this interpreter.
    """
    prefix_python = Path(prefix) / "bin" / "python"
    python = str(prefix_python) if prefix_python.exists() else sys.executable
    folder = Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(kernel_spec_dict(python), indent=1) + "\n"
    target = folder / "kernel.json"
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return folder


# --------------------------------------------------------------------------------------------
# The nbgrader preprocessor

def _make_preprocessor():
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.util import run_sync
    from nbgrader.preprocessors import Execute

    class SandboxedExecute(Execute):
        """nbgrader's Execute, with every kernel started in the bubblewrap sandbox.

        Replaces ``Execute`` in ``c.Autograde.autograde_preprocessors``. The course folders to hide
        come from the same configuration (``CourseDirectory``, ``Exchange.root``).
        """

        def preprocess(self, nb, resources, *args, **kwargs):
            # Nothing in a sandboxed kernel is worth a graceful shutdown: kill it when done.
            self.shutdown_kernel = "immediate"
            # A whole notebook gets NNFS_NOTEBOOK_TIMEOUT seconds (default 1800): many cells that each
            # sleep just under the cell timeout cannot hold a worker for hours.
            self._deadline = None   # set when the first cell runs (kernel start-up does not count)
            self._sandboxed = require()
            if not self._sandboxed:
                self.log.warning("NNFS_UNSAFE is set and the sandbox is unavailable: "
                                 "running student code WITHOUT a sandbox")
            return super().preprocess(nb, resources, *args, **kwargs)

        def _hidden(self) -> list[str]:
            coursedir = exchange_root = None
            try:
                from nbgrader.coursedir import CourseDirectory
                coursedir = CourseDirectory(config=self.config)
            except Exception as err:  # a broken config must not open the sandbox
                self.log.warning("sandbox: could not read the course directory config (%s)", err)
            try:
                exchange_root = self.config.Exchange.root if "root" in self.config.Exchange else None
            except Exception:
                exchange_root = None
            hide = course_hidden_paths(coursedir, exchange_root)
            extra = os.environ.get(HIDE_ENV, "")
            hide += [p for p in extra.split(os.pathsep) if p]
            return hide

        def _get_timeout(self, cell):
            timeout = super()._get_timeout(cell)
            if getattr(self, "_deadline", None) is None:
                self._deadline = time.monotonic() + float(os.environ.get("NNFS_NOTEBOOK_TIMEOUT", "1800"))
            left = max(1, int(self._deadline - time.monotonic()))
            return left if timeout is None else min(timeout, left)

        def create_kernel_manager(self):
            if not getattr(self, "_sandboxed", True):
                self.kernel_name = "python3"
                return super().create_kernel_manager()
            self.kernel_name = KERNEL_NAME
            self._socket_dir = tempfile.mkdtemp(prefix="nnfs-kernel-")
            km = AsyncKernelManager(kernel_name=KERNEL_NAME, config=self.config)
            km._kernel_spec = KernelSpec(resource_dir="", **kernel_spec_dict())
            km.transport = "ipc"
            km.connection_file = os.path.join(self._socket_dir, "kernel.json")
            km.ip = os.path.join(self._socket_dir, "k")
            self.km = km
            return km

        async def async_start_new_kernel(self, **kwargs):
            if getattr(self, "_sandboxed", False):
                # The full prlimit+bwrap command goes straight into this kernel's spec: the same
                # command grader.sandbox_kernel builds, without starting one more Python per notebook.
                workdir = kwargs.get("cwd") or self.resources.get("metadata", {}).get("path") or os.getcwd()
                kwargs["cwd"] = workdir
                kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
                argv = build_command(kernel, workdir=workdir, socket_dir=self._socket_dir, hide=self._hidden())
                spec = {**kernel_spec_dict(), "argv": argv}
                self.km._kernel_spec = KernelSpec(resource_dir="", **spec)
                kwargs["env"] = {**kernel_env(), **prepare_kernel_dir(self._socket_dir)}
                kwargs["stdout"] = subprocess.DEVNULL   # ipykernel's connection banner
            return await super().async_start_new_kernel(**kwargs)

        async def _async_cleanup_kernel(self):
            try:
                await super()._async_cleanup_kernel()
            finally:
                folder = getattr(self, "_socket_dir", None)
                if folder:
                    shutil.rmtree(folder, ignore_errors=True)
                    self._socket_dir = None

        # nbclient binds the sync wrapper to its own coroutine at class creation: rebind it here.
        _cleanup_kernel = run_sync(_async_cleanup_kernel)

    return SandboxedExecute


def _make_restore_metadata():
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import NbGraderPreprocessor

    class RestoreCellMetadata(NbGraderPreprocessor):
        """Put every cell's nbgrader role back as the instructor's source has it, before grading.

        nbgrader's OverwriteCells restores locked sources and the points of cells that still say
        they are grade cells, but trusts the submitted ``grade``/``solution``/``task`` flags: a
        student who marks an answer cell as a grade cell makes the whole autograde crash, one who
        unmarks a failing test cell leaves it unscored. This preprocessor (in
        ``c.Autograde.sanitize_preprocessors``, before OverwriteCells) sets grade, solution, task,
        locked and points from the gradebook's source cells, and drops the nbgrader metadata of
        cells the source does not have (a student's own "bonus" cell is then an ordinary cell).
        """

        def preprocess(self, nb, resources):
            notebook_id = resources["nbgrader"]["notebook"]
            assignment_id = resources["nbgrader"]["assignment"]
            with Gradebook(resources["nbgrader"]["db_url"]) as gb:
                try:
                    source_nb = gb.find_notebook(notebook_id, assignment_id)
                except MissingEntry:
                    return nb, resources
                sources = {c.name: c for c in source_nb.source_cells}
                grades = {c.name: float(c.max_score) for c in source_nb.grade_cells}
                solutions = {c.name for c in source_nb.solution_cells}
                tasks = {c.name: float(c.max_score) for c in source_nb.task_cells}
                for cell in nb.cells:
                    meta = cell.metadata.get("nbgrader")
                    if not isinstance(meta, dict):
                        if "nbgrader" in cell.metadata:
                            del cell.metadata["nbgrader"]
                        continue
                    name = meta.get("grade_id")
                    if name not in sources:
                        if name is not None or any(meta.get(k) for k in ("grade", "solution", "task", "locked")):
                            self.log.warning("Dropping nbgrader metadata of a cell the source does not have (%r)", name)
                            del cell.metadata["nbgrader"]
                        continue
                    src = sources[name]
                    meta["schema_version"] = 3
                    meta["grade"] = name in grades
                    meta["solution"] = name in solutions
                    meta["locked"] = bool(src.locked)
                    if name in tasks:
                        meta["task"] = True
                        meta["points"] = tasks[name]
                    else:
                        meta.pop("task", None)
                    if name in grades:
                        meta["points"] = grades[name]
                    elif name not in tasks:
                        meta.pop("points", None)
            return nb, resources

    return RestoreCellMetadata


def __getattr__(name):
    # nbgrader is imported only when a preprocessor is asked for (keeps `python -m grader` quick).
    makers = {"SandboxedExecute": _make_preprocessor, "RestoreCellMetadata": _make_restore_metadata}
    if name in makers:
        cls = makers[name]()
        globals()[name] = cls
        return cls
    raise AttributeError(name)
