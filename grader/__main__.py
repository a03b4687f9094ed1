"""`python -m grader <command>`: the course's grading tools, one module per command.

Each command lives in ``grader/<command>.py`` and provides ``add_arguments(parser)`` and
``run(args) -> int``; this file only dispatches. Modules import nbgrader lazily so that
``python -m grader --help`` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "setup": "prepare the local course: the state folder, gradebook and exchange",
    "lab": "start JupyterLab on the lessons (--instructor: with formgrader and assignment creation)",
    "build": "build solutions/<id>/<id>.ipynb from grader/sources/<id>.py",
    "release": "regenerate lessons/ from solutions/ and release them to the exchange",
    "collect": "collect submissions from the exchange",
    "autograde": "autograde what is new on Dask (LocalCluster, or --scheduler), each kernel sandboxed",
    "feedback": "generate feedback HTML (no hidden tests) and release it",
    "export": "write a CSV of scores with a status column",
    "report": "per-exercise class statistics as a table and a figure",
    "check": "(students) run a notebook's visible tests and print a per-exercise table",
    "submit": "(students, no server) check a lesson and write the one file to upload to Canvas/Moodle",
    "roster": "(hub) import, list or remove the students and instructors who may log in",
    "hub": "(hub, as root) run the course's JupyterHub: accounts, roles, exchange, formgrader service",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="command")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"grader.{name}")
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
