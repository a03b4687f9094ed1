"""The bubblewrap policy of autograding, and the command that starts a sandboxed kernel.

No nbgrader here: the nbgrader side (the Execute preprocessor that starts every graded kernel
through this module) lives in :mod:`grader.preprocessors.sandboxed_execute`. A graded kernel is
started by the kernel spec :func:`kernel_spec_dict` (``python -m grader.sandbox_kernel -f
{connection_file}``), which replaces itself with::

    prlimit --as=... --cpu=... --nproc=... --fsize=... --core=0 --
      bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp
            --tmpfs <every secret folder>  (the course's state folder: gradebook, exchange,
                                            submitted, autograded, feedback; solutions/, grader/
                                            with the lesson sources, the Jupyter runtime folder, $HOME)
            --bind <the submission's working folder> (read-write, the only writable place)
            --bind <a private socket folder>         (the kernel's ipc sockets)
            --unshare-all --die-with-parent --new-session --cap-drop ALL
        <python> -m ipykernel_launcher -f <connection file>

* ``<python>`` is this interpreter with its folder resolved (a virtual environment reached through
  a symlink that the sandbox hides, e.g. one under ``/tmp``, still starts);
* no network (``--unshare-all`` includes the network namespace): the kernel talks to nbgrader over
  Unix sockets (jupyter's ``ipc`` transport) in a private folder bound into the sandbox;
* interrupts are sent as messages (``interrupt_mode: message``): a signal to the process group
  would reach bwrap, not the kernel;
* the kernel sees a clean environment (no database URL, no tokens);
* resource limits: address space (``NNFS_SANDBOX_MEMORY``, default 4G), CPU seconds
  (``NNFS_SANDBOX_CPU``, default 3600), processes (``NNFS_SANDBOX_NPROC``, default 4096), file size
  (``NNFS_SANDBOX_FSIZE``, default 256M).

The launcher reads what to hide from ``NNFS_SANDBOX_HIDE`` and the limits from
``NNFS_SANDBOX_LIMITS`` (both set by the preprocessor) and always adds :func:`course_hidden_paths`.
The spec is built in memory for every graded notebook; nothing is installed.

Where bubblewrap is missing or does not work, :func:`require` refuses unless ``NNFS_UNSAFE=1``
(``python -m grader autograde --unsafe`` sets it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

KERNEL_NAME = "nnfs-sandbox"
REPO = Path(__file__).resolve().parent.parent

#: Environment variable through which the preprocessor tells the launcher what to hide.
HIDE_ENV = "NNFS_SANDBOX_HIDE"
UNSAFE_ENV = "NNFS_UNSAFE"
LIMITS_ENV = "NNFS_SANDBOX_LIMITS"

#: Variables the kernel inherits; everything else (database URLs, tokens, ...) is dropped.
_KEEP_ENV = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TERM",
    "NBGRADER_EXECUTION",
    "MPLBACKEND",
    "PYTHONHASHSEED",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

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
            [
                prlimit,
                "--nofile=256",
                "--",
                bwrap,
                "--ro-bind",
                "/",
                "/",
                "--dev",
                "/dev",
                "--proc",
                "/proc",
                "--unshare-all",
                "--die-with-parent",
                "--new-session",
                "--cap-drop",
                "ALL",
                "true",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
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
    path = db_url[len("sqlite:///") :].split("?", 1)[0]
    return os.path.dirname(os.path.abspath(path)) if path and path != ":memory:" else None


def course_hidden_paths(config=None) -> list[str]:
    """Folders a graded kernel must not see, from the course configuration (a traitlets Config).

    The course's state folder (``c.NNFS.state_dir``: gradebook, exchange, submitted, autograded,
    feedback, fetched copies, reports), each of those folders where the configuration moves it
    elsewhere, ``solutions/``, the repository's ``grader/`` (lesson sources included), the Jupyter
    runtime folder and ``$HOME``. The submission's own working folder is bound back by
    :func:`build_command`. ``config=None`` loads the configuration of the current course folder.
    """
    paths: list = list(default_hidden_paths())
    files: list = []
    try:
        from grader.course import Course, course_root, load_config

        if config is None:
            root = course_root()
            config = load_config(root)
        else:
            root = Path(config.CourseDirectory.get("root", os.getcwd())) if "CourseDirectory" in config else Path.cwd()
        course = Course(root=Path(root), config=config)
        paths += [course.state, course.source, course.submitted, course.autograded, course.feedback, course.exchange]
        db_folder = _sqlite_folder(course.gradebook_url)
        if db_folder and os.path.realpath(db_folder) not in (os.path.realpath(course.course_root), str(REPO)):
            paths.append(db_folder)
        elif db_folder:
            files.append(course.gradebook_url[len("sqlite:///") :].split("?", 1)[0])  # masked: reads as empty
        if course.assignment_dir != course.course_root:
            paths.append(course.assignment_dir)
    except Exception:  # a broken configuration hides the defaults; it never opens the sandbox
        paths.append(REPO / "state")
    return _existing_dirs(str(p) if p else None for p in paths) + [
        os.path.realpath(f) for f in files if os.path.isfile(f)
    ]


def default_hidden_paths() -> list[str]:
    """What is hidden whatever the configuration says: grader/ (lesson sources), solutions/, state/,
    the Jupyter runtime folder and ``$HOME``."""
    paths: list = [REPO / "grader", REPO / "solutions", REPO / "state"]
    try:
        from jupyter_core.paths import jupyter_runtime_dir

        paths.append(jupyter_runtime_dir())
    except Exception:  # pragma: no cover - jupyter_core always there with nbgrader
        pass
    paths.append(os.path.expanduser("~"))
    return _existing_dirs(str(p) for p in paths)


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


def build_command(
    kernel_argv: list[str],
    *,
    workdir: str,
    socket_dir: str,
    hide: list[str],
    limits_: dict[str, int] | None = None,
    mask: list[str] | None = None,
) -> list[str]:
    """The full ``prlimit ... bwrap ... <kernel_argv>`` command line.

    ``workdir`` (the submission's working folder) and ``socket_dir`` (the kernel's ipc sockets and
    connection file) are the only writable places besides a private ``/tmp``; every folder in
    ``hide`` is covered by an empty tmpfs (a file in ``hide`` reads as empty); every file in ``mask`` (by default the notebooks in
    ``workdir``: nbgrader writes the notebook it is grading there, hidden tests included) reads as
    empty and cannot be written; the interpreter, its packages and nnlib stay readable.
    """
    bwrap, prlimit = find_tools()
    if not bwrap or not prlimit:
        raise SandboxUnavailable(UNAVAILABLE_HELP.format(why="bwrap or prlimit is not installed"))
    lim = limits_ or limits()
    workdir = os.path.realpath(workdir)
    socket_dir = os.path.realpath(socket_dir)
    cmd = [
        prlimit,
        f"--as={lim['as']}",
        f"--cpu={lim['cpu']}",
        f"--nproc={lim['nproc']}",
        f"--fsize={lim['fsize']}",
        "--core=0",
        "--",
        bwrap,
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",
    ]
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
    masked += [p for p in hide if p and os.path.isfile(p)]  # files named in hide (a gradebook beside the course)
    if masked:
        empty = os.path.join(socket_dir, "empty")
        with open(empty, "w"):
            pass
        for path in masked:
            cmd += ["--ro-bind", empty, os.path.realpath(path)]
    cmd += [
        "--chdir",
        workdir,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "TMPDIR",
        "/tmp",
        "--",
        *kernel_argv,
    ]
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
    candidates = [
        os.environ.get("MPLCONFIGDIR"),
        os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "matplotlib"),
        os.path.join(home, ".cache", "nnfs-sandbox", "matplotlib"),
    ]
    found = None
    for folder in candidates:
        if folder and os.path.isdir(folder) and any(n.startswith("fontlist-") for n in os.listdir(folder)):
            found = folder
            break
    if found is None:
        target = candidates[-1]
        try:
            os.makedirs(target, exist_ok=True)
            subprocess.run(
                [sys.executable, "-c", "import matplotlib.font_manager"],
                timeout=120,
                env={**os.environ, "MPLCONFIGDIR": target},
                capture_output=True,
            )
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
# The kernel spec (built in memory by the grading preprocessor)


def python_executable() -> str:
    """This interpreter, its folder resolved through symlinks (the file name kept: a venv's
    ``bin/python`` is itself a link to the base interpreter, and the venv is found from its folder)."""
    exe = sys.executable or "python3"
    return os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(exe))), os.path.basename(exe))


def kernel_spec_dict(python: str | None = None) -> dict:
    """The ``nnfs-sandbox`` kernel spec: the launcher :mod:`grader.sandbox_kernel`."""
    return {
        "argv": [python or python_executable(), "-m", "grader.sandbox_kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (nnfs sandbox)",
        "language": "python",
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }


def launcher_env(hide: list[str], limits_: dict[str, int] | None = None, environ=None) -> dict[str, str]:
    """The environment for the launcher: the kernel's clean one plus what to hide and the limits.

    The launcher strips ``NNFS_*`` again before the kernel starts (see :func:`kernel_env`).
    """
    env = kernel_env(environ)
    env[HIDE_ENV] = os.pathsep.join(hide)
    env[LIMITS_ENV] = json.dumps(limits_ or limits())
    pythonpath = str(REPO)
    env["PYTHONPATH"] = pythonpath  # the launcher imports grader.sandbox (outside the sandbox)
    return env
