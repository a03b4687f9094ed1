"""A class on one server: the course's JupyterHub (``make hub``, ``python -m grader hub``).

- :mod:`grader.hub.deploy`: accounts, modes, secrets, the course environment, the hub's settings;
- ``jupyterhub_config.py``: the hub's config file (calls :func:`grader.hub.deploy.configure`);
- :mod:`grader.hub.auth`: PAM logins for the roster only, with their nbgrader group;
- :mod:`grader.hub.roster`: who may log in (``python -m grader roster``);
- :mod:`grader.hub.exchange`: collect that refuses a submission written by another account;
- ``install.sh`` (system packages), ``nnfs-hub.service`` (systemd), ``z2jh-values.yaml`` (Kubernetes).

``python -m grader hub`` runs JupyterHub in the foreground (Ctrl+C stops it and the proxy).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG_FILE = HERE / "jupyterhub_config.py"


def add_arguments(parser) -> None:
    from grader import course as course_model

    parser.add_argument(
        "--ip",
        default=os.environ.get("NNFS_HUB_IP", "127.0.0.1"),
        help="address to listen on (default 127.0.0.1; 0.0.0.0 for everyone: use HTTPS)",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("NNFS_HUB_PORT", "8000")))
    parser.add_argument(
        "--ssl-cert",
        default=os.environ.get("NNFS_HUB_SSL_CERT"),
        metavar="PEM",
        help="HTTPS: the certificate (full chain) the instructor provides",
    )
    parser.add_argument(
        "--ssl-key", default=os.environ.get("NNFS_HUB_SSL_KEY"), metavar="PEM", help="HTTPS: its private key"
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="prepare accounts, modes, secrets and the course environment, then exit",
    )
    course_model.add_arguments(parser)


def hub_environment(
    course_root: Path, ip: str, port: int, ssl_cert=None, ssl_key=None, base: dict | None = None
) -> dict:
    env = dict(os.environ if base is None else base)
    env.update({"NNFS_HUB_COURSE": str(course_root), "NNFS_HUB_IP": ip, "NNFS_HUB_PORT": str(port)})
    if ssl_cert:
        env.update({"NNFS_HUB_SSL_CERT": str(ssl_cert), "NNFS_HUB_SSL_KEY": str(ssl_key)})
    bindir = os.path.dirname(sys.executable)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    return env


def command() -> list[str]:
    return [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG_FILE)]


def run(args) -> int:
    from grader import course as course_model
    from grader.course import Course, CourseError
    from grader.hub import deploy

    try:
        course = Course.from_args(args)
        if bool(args.ssl_cert) != bool(args.ssl_key):
            raise deploy.HubError("HTTPS needs both --ssl-cert and --ssl-key")
        if os.geteuid() != 0:
            raise deploy.HubError("run it as root (it starts each student's JupyterLab as that student): sudo make hub")
        if not shutil.which("configurable-http-proxy"):
            raise deploy.HubError("configurable-http-proxy is missing: bash grader/hub/install.sh (make hub runs it)")
        if args.prepare_only:
            prepared = deploy.prepare(course)
            print(
                f"hub: prepared {course.course_id}: course environment {prepared['python']}, grader account "
                f"{prepared['grader']}, secrets in {deploy.hub_dir(course)} (0600)"
            )
            return 0
    except (CourseError, deploy.HubError) as err:
        return course_model.fail("hub", err)
    scheme = "https" if args.ssl_cert else "http"
    print(f"hub: JupyterHub for {course.course_id} on {scheme}://{args.ip}:{args.port}/ (Ctrl+C stops it)", flush=True)
    hub = deploy.hub_dir(course)
    hub.mkdir(parents=True, exist_ok=True)
    os.chdir(hub)
    env = hub_environment(course.root, args.ip, args.port, args.ssl_cert, args.ssl_key)
    os.execvpe(sys.executable, command(), env)
    return 0  # not reached
