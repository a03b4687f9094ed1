"""Everything ``make hub`` prepares and configures, in one place (the hub's config file only calls
:func:`configure`).

Layout on the server (every path from the course model, :mod:`grader.course`)::

    <state>/                 0711 grader account: traversable, not listable
      gradebook.db           0600 grader account (or PostgreSQL: NNFS_DB_URL)
      submitted/ autograded/ feedback/ reports/     0700 grader account
      exchange/              1777 nbgrader's exchange (nbgrader sets its own modes inside)
      roster.json            0600 root (python -m grader roster)
      hub/                   0700 root: jupyterhub.sqlite, cookie secret, proxy token, admin token (0600)
      hub-config/            0755 root: what each role's JupyterLab reads (students: course id,
                             exchange, assignment_dir = their home; the course service: formgrader
                             with frame-ancestors 'self' so its panel shows, see below)
      grader-home/           0700 the grader account's home
    <course>/solutions/      0700 grader account (hidden tests and answers)
    <course>/grader/sources/, tests/lesson_cases/, .git/      0700 root (answers too)

Students' servers run the **course environment**: the venv's own interpreter when every account may
run it, else a small bridge environment (``/opt/nnfs/<course>``: a venv whose ``.pth`` adds the course
venv's site-packages, ``share/jupyter`` and ``etc/jupyter`` linked, on ``/opt/nnfs/python-<version>``,
a copy of the course venv's own interpreter: the same patch release), because a venv made from
``/root/.pyenv`` (mode 0700 /root) cannot be run by anyone else and opening /root up is not an option.

nbgrader #1870 (formgrader's panel blank under JupyterHub >= 4.1): JupyterHub's single-user
extension sends ``Content-Security-Policy: frame-ancestors 'none'`` unless the server sets its own,
and formgrader's JupyterLab panel is an iframe of the same server: the browser refuses to draw it.
Only the course service (instructors only, through the ``formgrade-<course>`` group) sets
``frame-ancestors 'self'``; students' servers keep ``'none'``.
"""

from __future__ import annotations

import json
import os
import platform
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

from grader import lab
from grader.course import Course
from grader.hub import roster

HUB_DIR = "hub"
CONFIG_DIR = "hub-config"
DEFAULT_CULL_TIMEOUT = 3600
COURSE_ENV_ROOT = Path(os.environ.get("NNFS_HUB_ENV_ROOT", "/opt/nnfs"))
CSP_COURSE_SERVICE = "frame-ancestors 'self'"


class HubError(RuntimeError):
    """A deployment problem; the message says what to do."""


def grader_account(course: Course) -> str:
    """The Unix account that runs formgrader and owns the grading state: ``grader-<course>``."""
    return f"grader-{course.course_id}"[:32]


def groups(course: Course) -> dict[str, str]:
    return {"students": f"nbgrader-{course.course_id}", "instructors": f"formgrade-{course.course_id}"}


def hub_dir(course: Course) -> Path:
    return course.state / HUB_DIR


def config_dir(course: Course, role: str) -> Path:
    return course.state / CONFIG_DIR / role


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------- secrets


def secret_file(path: Path, nbytes: int = 32) -> str:
    """A secret generated once (hex), kept in ``path`` readable by root only (0600)."""
    if path.is_file():
        os.chmod(path, 0o600)
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value + "\n")
    return value


# ------------------------------------------------------------------------------- accounts


def ensure_grader_account(course: Course) -> pwd.struct_passwd:
    name = grader_account(course)
    home = course.state / "grader-home"
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        made = subprocess.run(
            [
                "useradd",
                "--system",
                "--shell",
                "/usr/sbin/nologin",
                "--home-dir",
                str(home),
                "--comment",
                f"nbgrader course service {course.course_id}",
                name,
            ],
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            raise HubError(f"cannot create the grader account {name}: {made.stderr.strip()}") from None
        entry = pwd.getpwnam(name)
    home = Path(entry.pw_dir)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o700)
    return entry


def _own(path: Path, entry, mode: int | None = None, recursive: bool = False) -> None:
    if not path.exists():
        return
    paths = [path]
    if recursive and path.is_dir():
        paths += [p for p in path.rglob("*") if not p.is_symlink()]
    for p in paths:
        os.chown(p, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    if mode is not None:
        os.chmod(path, mode)


def secure_course(course: Course, grader) -> None:
    """Modes and owners of the course folders (see the module docstring)."""
    from grader.setup import ensure_exchange, make_work_dirs

    make_work_dirs(course)
    ensure_exchange(course.exchange)
    state = course.state
    _own(state, grader, 0o711)
    for folder in (course.submitted, course.autograded, course.feedback, course.reports):
        _own(folder, grader, 0o700, recursive=True)
    db = Path(course.gradebook_url[len("sqlite:///") :]) if course.gradebook_url.startswith("sqlite:///") else None
    if db is not None:
        if db.exists():
            _own(db, grader, 0o600)
        for extra in (
            db.with_name(db.name + "-journal"),
            db.with_name(db.name + "-wal"),
            state / "gradebook.setup-stamp",
        ):
            _own(extra, grader)
    _own(course.source, grader, 0o700, recursive=True)  # solutions/
    _own(course.release, grader, 0o755, recursive=True)  # lessons/ (formgrader regenerates them)
    for private in (
        course.root / "grader" / "sources",
        course.root / "tests" / "lesson_cases",
        course.root / ".git",
        state / "student",
        state / "to-upload",
        state / "lab" / "instructor",
    ):
        if private.exists():
            os.chmod(private, 0o700)
    for public in (state / "lab", state / "lab" / "settings", state / "lab" / "student"):
        if public.exists():
            os.chmod(public, 0o755)
    hub = hub_dir(course)
    hub.mkdir(exist_ok=True)
    os.chown(hub, 0, 0)
    os.chmod(hub, 0o700)
    roster_file = roster.roster_path(state)
    if roster_file.exists():
        os.chown(roster_file, 0, 0)
        os.chmod(roster_file, 0o600)


# ------------------------------------------------------------------------------- the course environment


def runnable_by_others(python: str, env: dict | None = None) -> bool:
    """Whether an unprivileged account (nobody) can start ``python`` and import nbgrader with it."""
    if os.geteuid() != 0:
        return True
    extra = [f"{k}={v}" for k, v in (env or {}).items()]
    check = subprocess.run(
        ["runuser", "-u", "nobody", "--", "env", *extra, python, "-c", "import nbgrader, jupyterhub"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    return check.returncode == 0


def _interpreter_copy() -> Path:
    """Where the copy of this interpreter lives that every account may run."""
    return COURSE_ENV_ROOT / f"python-{platform.python_version()}"


def interpreter_env(python: str) -> dict:
    """What a copied interpreter needs in its environment (and its children's: kernels, nbgrader):
    ``LD_LIBRARY_PATH`` to its own ``libpython`` (a shared build's RUNPATH points into the original
    prefix, which other accounts cannot read). Empty for any other interpreter."""
    copy = _interpreter_copy()
    if Path(python).resolve().is_relative_to(copy.resolve()) or _venv_home(Path(python)) == copy / "bin":
        if sysconfig.get_config_var("Py_ENABLE_SHARED"):
            return {"LD_LIBRARY_PATH": str(copy / "lib")}
    return {}


def _venv_home(python: Path) -> Path | None:
    cfg = python.parent.parent / "pyvenv.cfg"
    if not cfg.is_file():
        return None
    for line in cfg.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return Path(value.strip())
    return None


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst)  # same file system: instant, no space
    except OSError:
        shutil.copy2(src, dst)
    return dst


def runnable_interpreter() -> Path:
    """A copy of this very interpreter (same version, same build) under COURSE_ENV_ROOT, readable by
    every account: its binary, ``libpython`` and standard library (without site-packages and the
    test suite), hard-linked where the file system allows. Kept until the original changes."""
    base = Path(sys.base_prefix)
    minor = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    target = _interpreter_copy()
    exe = target / "bin" / minor
    stamp = target / ".nnfs-copy-of"
    source_exe = base / "bin" / minor
    if not source_exe.is_file():
        raise HubError(f"cannot find this Python's interpreter {source_exe} to make a copy other accounts can run")
    identity = f"{base} {source_exe.stat().st_mtime_ns}"
    if exe.is_file() and stamp.is_file() and stamp.read_text().strip() == identity:
        return exe
    shutil.rmtree(target, ignore_errors=True)
    (target / "bin").mkdir(parents=True)
    shutil.copy2(source_exe, exe)
    (target / "bin" / "python3").symlink_to(minor)
    lib = target / "lib"
    lib.mkdir()
    for shared in base.glob("lib/libpython*.so*"):
        if shared.is_symlink():
            (lib / shared.name).symlink_to(os.readlink(shared))
        else:
            shutil.copy2(shared, lib / shared.name)
    top = base / "lib" / minor
    skip = {"site-packages", "test", "idlelib", "turtledemo"}
    shutil.copytree(
        top,
        lib / minor,
        symlinks=True,
        copy_function=_link_or_copy,
        ignore=lambda folder, names: [n for n in names if Path(folder) == top and n in skip],
    )
    (lib / minor / "site-packages").mkdir()
    stamp.write_text(identity + "\n")
    for path in [*target.rglob("*"), target]:
        if not path.is_symlink():
            os.chmod(path, os.stat(path).st_mode | (0o555 if path.is_dir() or os.access(path, os.X_OK) else 0o444))
    return exe


def course_python(course: Course) -> str:
    """The interpreter every account's server runs (see the module docstring).

    The course venv's own Python when every account can run it; else a bridge venv
    (``COURSE_ENV_ROOT/<course>``) on a copy of *the same* interpreter (:func:`runnable_interpreter`),
    whose ``.pth`` adds the course venv's site-packages. Not a system Python of the same minor
    version: packages of the course venv may need the exact patch release (soupsieve 4's possessive
    regular expressions fail on Debian's 3.11.2, and with them formgrader's Manual Grading pages).
    """
    if runnable_by_others(sys.executable):
        return sys.executable
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    base = runnable_interpreter()
    env = COURSE_ENV_ROOT / course.course_id
    python = env / "bin" / "python"
    if env.exists() and _venv_home(python) != base.parent:
        shutil.rmtree(env)  # a bridge on another interpreter (an older make hub): made again
    if not python.exists():
        env.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(base), "-m", "venv", "--without-pip", str(env)], check=True, capture_output=True)
    site = Path(sysconfig.get_paths()["purelib"])
    bridge_site = env / "lib" / f"python{version}" / "site-packages"
    # a .pth runs its import lines: the course's packages, and a loud word if the interpreter started
    # without LD_LIBRARY_PATH and so picked up another libpython (another patch release)
    want = tuple(sys.version_info[:3])
    (bridge_site / "nnfs-course.pth").write_text(
        f"import site; site.addsitedir({str(site)!r})\n"
        f"import sys; sys.version_info[:3] == {want!r} or sys.stderr.write('nnfs: this Python is %s, the course "
        f"needs {platform.python_version()}: set {interpreter_env(str(python))}\\n' % sys.version.split()[0])\n"
    )
    for name in ("share", "etc"):
        link, target = env / name, Path(sys.prefix) / name
        if link.is_symlink() and os.readlink(link) == str(target):
            continue
        if link.exists() or link.is_symlink():
            shutil.rmtree(link) if link.is_dir() and not link.is_symlink() else link.unlink()
        link.symlink_to(target)
    for path in [env, *env.parents][:-1]:
        if path == Path("/"):
            break
        os.chmod(path, os.stat(path).st_mode | 0o755)
    if not runnable_by_others(str(python), interpreter_env(str(python))):
        raise HubError(
            f"the course environment {env} does not work for other accounts: can nobody read "
            f"{site}? (every folder above it must be world-traversable)"
        )
    return str(python)


# ------------------------------------------------------------------------------- role configuration


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def write_role_configs(course: Course) -> dict[str, Path]:
    """Config folders: ``student`` (nbgrader settings of a student's server) and ``course-service``."""
    student = config_dir(course, "student")
    student.mkdir(parents=True, exist_ok=True)
    (student / "nbgrader_config.py").write_text(
        "# Written by `python -m grader hub`: what a student's server needs of the course (nothing private).\n"
        "import os\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {course.course_id!r}\n"
        f"c.Exchange.root = {str(course.exchange)!r}\n"
        "c.Exchange.assignment_dir = os.path.expanduser('~')\n"
        f"c.Execute.timeout = {course.cell_timeout}\n"
    )
    service = config_dir(course, "course-service")
    _write_json(
        service / "jupyter_server_config.json",
        {
            "ServerApp": {
                "jpserver_extensions": {name: True for name in lab.INSTRUCTOR_SERVER_EXTENSIONS},
                # nbgrader #1870: formgrader's panel is an iframe of this very server
                "tornado_settings": {"headers": {"Content-Security-Policy": CSP_COURSE_SERVICE}},
            }
        },
    )
    _write_json(service / "labconfig" / "page_config.json", {"disabledExtensions": {}})
    # Collect takes a submission only from the account that owns it (nbgrader only warns).
    hubwide = course.state / CONFIG_DIR / "course"
    hubwide.mkdir(parents=True, exist_ok=True)
    (hubwide / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\nc.ExchangeFactory.collect = 'grader.hub.exchange.OwnerCheckedCollect'\n"
    )
    for path in [course.state / CONFIG_DIR, student, service, service / "labconfig", hubwide]:
        os.chmod(path, 0o755)
    return {"student": student, "course-service": service, "course": hubwide}


def student_config_path(course: Course) -> str:
    return os.pathsep.join([str(lab.write_role_config(course, "student")), str(config_dir(course, "student"))])


def service_config_path(course: Course) -> str:
    return os.pathsep.join(
        [str(config_dir(course, "course-service")), str(course.root), str(course.state / CONFIG_DIR / "course")]
    )


# ------------------------------------------------------------------------------- prepare + configure


def settings(course: Course) -> dict:
    """Everything configure() and the Zero-to-JupyterHub values must agree on (tests compare them)."""
    g = groups(course)
    return {
        "course_id": course.course_id,
        "groups": g,
        "grader_account": grader_account(course),
        "cull_timeout": int(os.environ.get("NNFS_HUB_CULL_TIMEOUT", DEFAULT_CULL_TIMEOUT)),
        "exchange": str(course.exchange),
        "student_env": {"NNFS_COURSE_ID": course.course_id, "NNFS_EXCHANGE": str(course.exchange)},
    }


def prepare(course: Course) -> dict:
    """Accounts, modes, secrets, config folders, the course environment; returns what configure() needs."""
    if os.geteuid() != 0:
        raise HubError("the hub runs as root (it starts each student's server as that student): sudo make hub")
    if not shutil.which("configurable-http-proxy"):
        raise HubError("configurable-http-proxy is missing: run grader/hub/install.sh (make hub does)")
    from grader.setup import setup

    grader = ensure_grader_account(course)
    setup(course)
    secure_course(course, grader)
    configs = write_role_configs(course)
    python = course_python(course)
    hub = hub_dir(course)
    return {
        "python": python,
        "grader": grader.pw_name,
        "proxy_token": secret_file(hub / "proxy_token"),
        "admin_token": secret_file(hub / "admin_token"),
        "configs": {k: str(v) for k, v in configs.items()},
    }


def configure(c, course: Course, ip: str = "127.0.0.1", port: int = 8000, prepared: dict | None = None) -> dict:
    """Fill the JupyterHub config object ``c`` for ``course``; returns the settings used."""
    prepared = prepared or prepare(course)
    s = settings(course)
    g = s["groups"]
    hub = hub_dir(course)
    python = prepared["python"]
    service_port = int(os.environ.get("NNFS_HUB_SERVICE_PORT") or free_port())
    path_env = f"{Path(python).parent}:/usr/local/bin:/usr/bin:/bin"
    python_env = interpreter_env(python)  # LD_LIBRARY_PATH of a copied interpreter
    nnfs_env = {k: v for k, v in os.environ.items() if k.startswith("NNFS_") and not k.startswith("NNFS_HUB")}
    nnfs_env.update(
        {
            "NNFS_STATE": str(course.state),
            "NNFS_COURSE_ID": course.course_id,
            "NNFS_EXCHANGE": str(course.exchange),
            "NNFS_DB_URL": course.gradebook_url,
        }
    )

    c.JupyterHub.ip = ip
    c.JupyterHub.port = port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = int(os.environ.get("NNFS_HUB_API_PORT") or free_port())
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('NNFS_HUB_PROXY_API_PORT') or free_port()}"
    c.ConfigurableHTTPProxy.auth_token = prepared["proxy_token"]
    node_path_for_debian_proxy()
    c.ConfigurableHTTPProxy.pid_file = str(hub / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{hub / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(hub / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = False  # a restarted hub finds the running servers again
    c.JupyterHub.cleanup_proxy = True
    if os.environ.get("NNFS_HUB_SSL_CERT"):
        c.JupyterHub.ssl_cert = os.environ["NNFS_HUB_SSL_CERT"]
        c.JupyterHub.ssl_key = os.environ["NNFS_HUB_SSL_KEY"]

    c.JupyterHub.authenticator_class = "grader.hub.auth.RosterPAMAuthenticator"
    c.RosterPAMAuthenticator.state_dir = str(course.state)
    c.RosterPAMAuthenticator.course_id = course.course_id
    c.Authenticator.manage_groups = True
    c.PAMAuthenticator.open_sessions = False

    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
    c.Spawner.cmd = [python, "-m", "jupyterhub.singleuser"]
    c.Spawner.args = [
        f"--LabApp.app_settings_dir={lab.write_lab_settings(course)}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    c.Spawner.default_url = "/lab"
    c.Spawner.notebook_dir = "~"
    c.Spawner.environment = {
        "PATH": path_env,
        **python_env,
        **s["student_env"],
        "JUPYTER_CONFIG_PATH": student_config_path(course),
    }
    c.Spawner.start_timeout = 90
    c.Spawner.http_timeout = 60
    c.Spawner.pre_spawn_hook = _pre_spawn_hook(course)

    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={s['cull_timeout']}"],
        },
        {
            "name": course.course_id,
            "url": f"http://127.0.0.1:{service_port}",
            "command": [
                python,
                "-m",
                "jupyterhub.singleuser",
                f"--ServerApp.root_dir={course.root}",
                f"--LabApp.app_settings_dir={lab.write_lab_settings(course)}",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            "user": prepared["grader"],
            "cwd": str(course.root),
            "oauth_no_confirm": True,
            "environment": {
                "JUPYTERHUB_DEFAULT_URL": "/lab",
                "PATH": path_env,
                **python_env,
                "JUPYTER_CONFIG_PATH": service_config_path(course),
                **nnfs_env,
                "HOME": pwd.getpwnam(prepared["grader"]).pw_dir,
            },
        },
        {"name": "nnfs-admin", "api_token": prepared["admin_token"]},
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "services": ["idle-culler"],
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        },
        {
            "name": g["instructors"],
            "groups": [g["instructors"]],
            "scopes": [f"access:services!service={course.course_id}", "self"],
        },
        {"name": g["students"], "groups": [g["students"]], "scopes": ["self"]},
        {
            "name": f"course-service-{course.course_id}",
            "services": [course.course_id],
            "scopes": ["list:users", "read:users", "read:groups", "list:groups"],
        },
        {"name": "admin", "services": ["nnfs-admin"]},
    ]
    return s


def node_path_for_debian_proxy() -> None:
    """Debian's node-configurable-http-proxy keeps its modules in /usr/share/nodejs, which a Node.js
    from elsewhere (NodeSource) does not search: add it to NODE_PATH (the proxy inherits it)."""
    debian = "/usr/share/nodejs"
    paths = [p for p in os.environ.get("NODE_PATH", "").split(os.pathsep) if p]
    if os.path.isdir(debian) and debian not in paths:
        os.environ["NODE_PATH"] = os.pathsep.join(paths + [debian])


def _pre_spawn_hook(course: Course):
    state = course.state

    def hook(spawner):
        name = spawner.user.name
        role = roster.role_of(roster.load(state), name)
        if role is None:
            raise HubError(f"{name} is not on the class roster any more: ask your instructor")
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            raise HubError(
                f"there is no Unix account {name!r} on this server, so your JupyterLab cannot "
                f"start: ask your instructor to run `python -m grader roster import ... "
                f"--create-accounts`"
            ) from None
        home = Path(entry.pw_dir)
        if not home.is_dir() or home.stat().st_uid != entry.pw_uid:
            raise HubError(
                f"your home folder {home} is missing or not yours, so your JupyterLab cannot start: ask your instructor"
            )
        if stat.S_IMODE(home.stat().st_mode) & 0o077:
            os.chmod(home, 0o700)  # private: another student must not read your work
        spawner.environment = {**spawner.environment, "HOME": str(home)}

    return hook


def group_members(course: Course) -> dict[str, list[str]]:
    data = roster.load(course.state)
    g = groups(course)
    return {g["students"]: sorted(data["students"]), g["instructors"]: sorted(data["instructors"])}
