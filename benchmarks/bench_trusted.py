"""Grading cost of the two-process grader vs the single sandboxed kernel, per notebook.

A class (default 30 students x lessons 04_activations, 08_backprop, 10_digits) whose every
submission is the lesson's solution notebook is graded twice in the same run, in one temporary
course copy (``grader.setup.copy_course``: the repository's state is never touched), through
nbgrader's own API (what formgrader's button calls), one notebook at a time, the two sides
alternating notebook by notebook so that machine load hits both alike:

* single: ``NNFS_TWO_PROCESS=none``: every cell in the one sandboxed kernel (the grader before issue 10);
* two-process: ``NNFS_TWO_PROCESS=all``: the student's cells in the sandboxed kernel, the lesson's
  cells in the trusted kernel (grader/preprocessors/trusted_execute.py).

Prints the median seconds per notebook of each side, per lesson and overall, their ratio
(target <= 1.3x), and whether both sides gave the same scores.

    python benchmarks/bench_trusted.py                    # the full class: long
    python benchmarks/bench_trusted.py --students 2       # a smoke run
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (one BLAS thread; first)
from _common import emit, row

LESSONS = ["04_activations", "08_backprop", "10_digits"]
SIDES = {"single": "none", "two-process": "all"}


def make_class(course: Path, lessons: list[str], students: int) -> list[tuple[str, str]]:
    from grader.course import Course

    submitted = Course.load(course).submitted
    pairs = []
    for lesson in lessons:
        solution = (course / "solutions" / lesson / f"{lesson}.ipynb").read_text()
        for i in range(students):
            folder = submitted / f"student{i:03d}" / lesson
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{lesson}.ipynb").write_text(solution)
            (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
            pairs.append((f"student{i:03d}", lesson))
    return pairs


def measure(students: int, lessons: list[str]) -> tuple[list[dict], dict]:
    import subprocess

    from grader.setup import copy_course

    base = Path(tempfile.mkdtemp(prefix="nnfs-bench-trusted-"))
    course = copy_course(base / "course", lessons)
    done = subprocess.run([sys.executable, "-m", "grader", "setup"], cwd=course, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench: setup failed:\n{done.stdout}\n{done.stderr[-2000:]}")
    pairs = make_class(course, lessons, students)
    os.chdir(course)
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grader.course import Course

    config = Course.load(course).config
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    times = {side: {lesson: [] for lesson in lessons} for side in SIDES}
    scores = {side: {} for side in SIDES}
    for n, (student, lesson) in enumerate(pairs):
        order = list(SIDES) if n % 2 == 0 else list(reversed(SIDES))
        for side in order:
            os.environ["NNFS_TWO_PROCESS"] = SIDES[side]
            start = time.perf_counter()
            result = api.autograde(lesson, student, force=True)
            times[side][lesson].append(time.perf_counter() - start)
            if not result["success"]:
                print(f"bench: {side} failed on {student}/{lesson}:\n{result.get('log', '')[-1500:]}", file=sys.stderr)
            with Course.load(course).gradebook() as gb:
                scores[side][(student, lesson)] = gb.find_submission(lesson, student).score
    rows = []
    for lesson in [*lessons, "all"]:
        pick = (
            (lambda side: [t for ts in times[side].values() for t in ts])
            if lesson == "all"
            else (lambda side, lesson=lesson: times[side][lesson])
        )
        single, two = statistics.median(pick("single")), statistics.median(pick("two-process"))
        ratio = two / single
        rows.append(
            row(
                "trusted grading",
                f"{lesson} ({len(pick('single'))} notebooks)",
                f"{two:.2f} s",
                f"{single:.2f} s",
                f"{ratio:.2f}x",
                "<= 1.3x",
                ratio <= 1.3,
            )
        )
    same = sum(scores["single"][k] == scores["two-process"][k] for k in scores["single"])
    differ = sorted(
        f"{lesson}/{student}: single {scores['single'][(student, lesson)]}, "
        f"two-process {scores['two-process'][(student, lesson)]}"
        for (student, lesson) in scores["single"]
        if scores["single"][(student, lesson)] != scores["two-process"][(student, lesson)]
    )
    return rows, {"same_scores": same, "notebooks": len(pairs), "differ": differ}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--lessons", nargs="+", default=LESSONS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows, agreement = measure(args.students, args.lessons)
    emit(rows, args.json)
    if not args.json:
        print(f"same score on both sides: {agreement['same_scores']} of {agreement['notebooks']} notebooks")
        for line in agreement["differ"]:
            print(f"  differs: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
