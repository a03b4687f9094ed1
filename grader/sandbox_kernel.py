"""Launcher of a sandboxed kernel: ``python -m grader.sandbox_kernel -f CONNECTION_FILE [ipykernel args]``.

This is the ``argv`` of the ``nnfs-sandbox`` kernel spec (:func:`grader.sandbox.kernel_spec_dict`):
the grading preprocessor (:mod:`grader.preprocessors.sandboxed_execute`) starts every graded kernel
through it.

It reads the connection file (it must use the ``ipc`` transport: the sandbox has no network), then
replaces itself with ``prlimit ... bwrap ... python -m ipykernel_launcher -f CONNECTION_FILE`` (see
:func:`grader.sandbox.build_command`). The folders to hide are ``NNFS_SANDBOX_HIDE`` plus
:func:`grader.sandbox.default_hidden_paths` (plus the current course's folders when the variable is
not set); the limits come from ``NNFS_SANDBOX_LIMITS`` (JSON) or the ``NNFS_SANDBOX_*`` defaults.
The kernel's working folder is the current directory.
"""

from __future__ import annotations

import json
import os
import sys

from grader import sandbox


def main(argv: list[str]) -> int:
    args = list(argv)
    if args[:1] == ["-f"]:
        args = args[1:]
    if not args:
        print("usage: python -m grader.sandbox_kernel -f CONNECTION_FILE [ipykernel args]", file=sys.stderr)
        return 2
    connection_file, extra = os.path.abspath(args[0]), args[1:]
    try:
        with open(connection_file) as f:
            info = json.load(f)
    except (OSError, ValueError) as err:
        print(f"nnfs-sandbox: cannot read the connection file {connection_file}: {err}", file=sys.stderr)
        return 2
    if info.get("transport") != "ipc":
        print(
            "nnfs-sandbox: the sandboxed kernel has no network; start it with the ipc transport "
            "(grader.preprocessors.SandboxedExecute does)",
            file=sys.stderr,
        )
        return 2
    try:
        sandbox.require()
    except sandbox.SandboxUnavailable as err:
        print(f"nnfs-sandbox: {err}", file=sys.stderr)
        return 3
    socket_dir = os.path.dirname(os.path.abspath(info["ip"]))
    conn_dir = os.path.dirname(connection_file)
    if os.path.realpath(conn_dir) != os.path.realpath(socket_dir):
        print("nnfs-sandbox: the connection file must lie in the ipc socket folder", file=sys.stderr)
        return 2
    given = [p for p in os.environ.get(sandbox.HIDE_ENV, "").split(os.pathsep) if p]
    hide = given + (sandbox.default_hidden_paths() if given else sandbox.course_hidden_paths())
    try:
        lim = json.loads(os.environ[sandbox.LIMITS_ENV])
    except (KeyError, ValueError):
        lim = sandbox.limits()
    kernel = [sandbox.python_executable(), "-m", "ipykernel_launcher", "-f", connection_file, *extra]
    cmd = sandbox.build_command(kernel, workdir=os.getcwd(), socket_dir=socket_dir, hide=hide, limits_=lim)
    env = {**sandbox.kernel_env(), **sandbox.prepare_kernel_dir(socket_dir)}
    # ipykernel prints a connection banner to the real stdout; the notebook never sees it.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    os.execve(cmd[0], cmd, env)
    return 1  # pragma: no cover - execve does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
