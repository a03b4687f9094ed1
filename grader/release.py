"""`python -m grader release [ID ...]`: sources -> solutions -> lessons, then to the exchange.

``lessons/<id>/<id>.ipynb`` is always exactly what nbgrader's own ``generate_assignment`` makes
from ``solutions/<id>/`` (the suite regenerates and compares). ``--no-exchange`` stops after
regenerating ``lessons/`` (what a course author runs after editing a source).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grader.notebooks import ROOT, build, lesson_ids


def nbgrader(*argv: str, cwd: Path = ROOT, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run an nbgrader command with this environment's nbgrader, from the course root."""
    command = [sys.executable, "-m", "nbgrader", *argv]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise RuntimeError(f"`nbgrader {' '.join(argv)}` failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def generate(lesson: str, root: Path = ROOT, db: bool = True) -> Path:
    """Regenerate lessons/<id>/ from solutions/<id>/ with nbgrader generate_assignment."""
    argv = ["generate_assignment", lesson, "--force", f"--CourseDirectory.root={root}"]
    if not db:
        argv.append("--no-db")
    result = nbgrader(*argv, cwd=root)
    if "ERROR" in result.stderr:
        raise RuntimeError(f"generate_assignment {lesson} reported errors:\n{result.stderr[-4000:]}")
    return root / "lessons" / lesson / f"{lesson}.ipynb"


def release_to_exchange(lesson: str) -> None:
    Path(_exchange_root()).mkdir(parents=True, exist_ok=True)
    nbgrader("release_assignment", lesson, "--force")


def _exchange_root() -> str:
    return os.environ.get("NNFS_EXCHANGE", str(ROOT / "grader" / "exchange"))


def add_arguments(parser) -> None:
    parser.add_argument("lessons", nargs="*", metavar="ID", help="lesson ids (default: all)")
    parser.add_argument("--no-exchange", action="store_true",
                        help="only rebuild solutions/ and lessons/, do not release to the exchange")


def run(args) -> int:
    for lesson in args.lessons or lesson_ids():
        build(lesson)
        path = generate(lesson)
        print(f"generated {path.relative_to(ROOT)}")
        if not args.no_exchange:
            release_to_exchange(lesson)
            print(f"released {lesson} to {_exchange_root()}")
    return 0
