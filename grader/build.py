"""`python -m grader build [ID ...]`: lesson sources -> solutions/<id>/<id>.ipynb (no outputs)."""
from __future__ import annotations

from grader.notebooks import ROOT, build, lesson_ids


def add_arguments(parser) -> None:
    parser.add_argument("lessons", nargs="*", metavar="ID", help="lesson ids (default: all)")


def run(args) -> int:
    for lesson in args.lessons or lesson_ids():
        print(f"built {build(lesson).relative_to(ROOT)}")
    return 0
