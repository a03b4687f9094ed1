"""Autograding a class: plain sequential ``nbgrader autograde`` vs ``python -m grader autograde --workers N``.

Generates a class (default 30 students x every lesson in ``solutions/``, up to 12) with a mix of
submissions, the same for both sides:

* correct: the lesson's solution notebook;
* wrong: the released blank notebook, or the solution with every answer's first ``return``
  replaced by ``return None`` (a mutated answer);
* broken: malformed JSON (a truncated file), or an answer cell that kills its kernel (``os._exit``).

Both sides grade it in their own temporary course copy (made by ``grader.setup.copy_course``; the
repository's gradebook, exchange and student folders are never touched), in the same run, one
after the other:

* sequential: ``nbgrader autograde <lesson> --force`` for each lesson (nbgrader grades the students
  one after another);
* parallel: ``python -m grader autograde --workers <cores>`` (all lessons, all students).

Both use the course configuration, so both run every kernel in the same sandbox. Then prints a
table (notebooks, seconds, seconds per notebook, speedup; target >= 1.8x) and how many
submissions got the same score on both sides.

    python benchmarks/bench_autograde.py                      # the full class: many minutes
    python benchmarks/bench_autograde.py --students 6 --lessons 00_welcome,06_losses
    python benchmarks/bench_autograde.py --quick              # 2 students x 1 small lesson
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET = 1.8
KINDS = ("correct", "wrong_blank", "correct", "wrong_mutated", "correct", "broken_json", "correct", "broken_exit")
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("NNFS_DB_URL", "NNFS_EXCHANGE")}


def kind_of(student: int, lesson: int) -> str:
    """Submission kind of one (student, lesson): half correct, a quarter wrong, a quarter broken."""
    return KINDS[(student + 3 * lesson) % len(KINDS)]


def _cells(nb: dict):
    for cell in nb["cells"]:
        yield cell, cell.get("metadata", {}).get("nbgrader", {})


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def mutate(solution: dict) -> dict:
    """The solution with each answer cell's first ``return <x>`` made ``return None``."""
    nb = json.loads(json.dumps(solution))
    for cell, meta in _cells(nb):
        if meta.get("solution") and cell["cell_type"] == "code":
            cell["source"] = re.sub(r"(?m)^(\s*)return\b.*$", r"\1return None  # mutated", _source(cell), count=1)
    return nb


def killer(released: dict) -> dict:
    """The released notebook whose first answer cell ends its kernel (os._exit)."""
    nb = json.loads(json.dumps(released))
    for cell, meta in _cells(nb):
        if meta.get("solution") and cell["cell_type"] == "code":
            cell["source"] = "import os\nos._exit(3)\n"
            break
    return nb


def submission_text(kind: str, solution: dict, released: dict) -> str:
    if kind == "correct":
        return json.dumps(solution)
    if kind == "wrong_blank":
        return json.dumps(released)
    if kind == "wrong_mutated":
        return json.dumps(mutate(solution))
    if kind == "broken_exit":
        return json.dumps(killer(released))
    if kind == "broken_json":
        text = json.dumps(released)
        return text[: len(text) // 2]
    raise ValueError(f"unknown submission kind {kind!r}")


def student_id(i: int) -> str:
    return f"student{i:03d}"


def make_class(course: Path, lessons: list[str], students: int) -> dict[tuple[str, str], str]:
    """Write every submission under course/grader/submitted; returns (student, lesson) -> kind."""
    kinds = {}
    for j, lesson in enumerate(lessons):
        solution = json.loads((course / "solutions" / lesson / f"{lesson}.ipynb").read_text())
        released = json.loads((course / "lessons" / lesson / f"{lesson}.ipynb").read_text())
        for i in range(students):
            kind = kind_of(i, j)
            folder = course / "grader" / "submitted" / student_id(i) / lesson
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{lesson}.ipynb").write_text(submission_text(kind, solution, released))
            (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
            kinds[(student_id(i), lesson)] = kind
    return kinds


def _run(argv, cwd, timeout=None):
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=CLEAN_ENV, timeout=timeout)


def prepare(base: Path, lessons: list[str]) -> Path:
    """A set-up course copy with the lessons released (lessons/) and registered in its gradebook."""
    from grader.setup import copy_course

    course = copy_course(base / "template", lessons)
    for lesson in lessons:
        if not (course / "lessons" / lesson / f"{lesson}.ipynb").exists():
            done = _run([sys.executable, "-m", "grader", "release", lesson, "--no-exchange"], course)
            if done.returncode != 0:
                raise SystemExit(f"bench: cannot release {lesson}:\n{done.stderr[-2000:]}")
    done = _run([sys.executable, "-m", "grader", "setup", "--no-kernel"], course)
    if done.returncode != 0:
        raise SystemExit(f"bench: setup failed:\n{done.stdout}\n{done.stderr[-2000:]}")
    return course


def scores(course: Path) -> dict[tuple[str, str], float | None]:
    from nbgrader.api import Gradebook

    from grader.setup import settings

    cfg = settings(course)
    out = {}
    with Gradebook(cfg["db_url"], cfg["course_id"]) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                graded = (course / "grader" / "autograded" / submission.student.id / assignment.name).is_dir()
                out[(submission.student.id, assignment.name)] = submission.score if graded else None
    return out


def run_sequential(course: Path, lessons: list[str], extra: list[str]) -> tuple[float, list[str]]:
    problems = []
    start = time.perf_counter()
    for lesson in lessons:
        done = _run([sys.executable, "-m", "nbgrader", "autograde", lesson, "--force", *extra], course)
        if done.returncode != 0:  # expected with broken submissions: nbgrader reports them at the end
            errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
            problems.append(f"{lesson}: nbgrader exit {done.returncode}, {len(errors)} ERROR line(s)")
    return time.perf_counter() - start, problems


def run_parallel(course: Path, workers: int, extra: list[str]) -> tuple[float, str]:
    argv = [sys.executable, "-m", "grader", "autograde", "--workers", str(workers), "--no-progress"]
    argv += [f"--set={option.lstrip('-')}" for option in extra]
    start = time.perf_counter()
    done = _run(argv, course)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench: python -m grader autograde failed ({done.returncode}):\n"
                         f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    summary = next((line for line in done.stdout.splitlines() if line.startswith("graded")), done.stdout.strip())
    return elapsed, summary


def table(rows: list[list[str]]) -> str:
    header = ["mode", "notebooks", "seconds", "s/notebook", "speedup"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def available_lessons() -> list[str]:
    from grader.setup import solution_lessons

    return [lesson for lesson in solution_lessons(REPO / "solutions")
            if (REPO / "lessons" / lesson / f"{lesson}.ipynb").exists()
            or (REPO / "grader" / "sources" / f"{lesson}.py").exists()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30, help="class size (default 30)")
    parser.add_argument("--lessons", default=None, help="comma-separated lesson ids (default: every lesson, up to 12)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)),
                        help="parallel workers (default: the CPU cores available)")
    parser.add_argument("--quick", action="store_true", help="2 students x the first lesson (a smoke run)")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell (NNFS_CELL_TIMEOUT)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course copies and print where")
    parser.add_argument("--json", action="store_true", help="also print the rows as one JSON line")
    args = parser.parse_args(argv)

    lessons = args.lessons.split(",") if args.lessons else available_lessons()[:12]
    students = args.students
    if args.quick:
        students = 2 if args.students == 30 else args.students
        lessons = lessons[:1]
    unknown = [lesson for lesson in lessons if not (REPO / "solutions" / lesson / f"{lesson}.ipynb").exists()]
    if not lessons or unknown:
        print(f"bench: no such lesson(s) {unknown or '(none found)'} in {REPO / 'solutions'}", file=sys.stderr)
        return 2
    if args.timeout:
        CLEAN_ENV["NNFS_CELL_TIMEOUT"] = str(args.timeout)

    base = Path(tempfile.mkdtemp(prefix="nnfs-bench-autograde-"))
    try:
        template = prepare(base, lessons)
        kinds = make_class(template, lessons, students)
        seq = base / "sequential"
        par = base / "parallel"
        shutil.copytree(template, seq, symlinks=True)
        shutil.copytree(template, par, symlinks=True)
        n = len(kinds)
        print(f"class: {students} students x {len(lessons)} lesson(s) = {n} notebooks "
              f"({', '.join(f'{k} {sum(1 for v in kinds.values() if v == k)}' for k in sorted(set(KINDS)))}); "
              f"{args.workers} worker(s), load average {os.getloadavg()[0]:.1f}", flush=True)

        t_seq, problems = run_sequential(seq, lessons, [])
        print(f"sequential nbgrader autograde: {t_seq:.1f} s", flush=True)
        t_par, summary = run_parallel(par, args.workers, [])
        print(f"python -m grader autograde: {t_par:.1f} s ({summary})", flush=True)

        speedup = t_seq / t_par if t_par > 0 else float("nan")
        rows = [["nbgrader autograde (sequential)", n, f"{t_seq:.1f}", f"{t_seq / n:.2f}", "1.00x"],
                [f"grader autograde --workers {args.workers}", n, f"{t_par:.1f}", f"{t_par / n:.2f}", f"{speedup:.2f}x"]]
        print()
        print(table(rows))
        print(f"target >= {TARGET}x: {'met' if speedup >= TARGET else 'NOT met'} "
              f"(load average now {os.getloadavg()[0]:.1f})")
        a, b = scores(seq), scores(par)
        graded_both = [k for k in kinds if a.get(k) is not None and b.get(k) is not None]
        same = sum(1 for k in graded_both if abs(a[k] - b[k]) < 1e-9)
        print(f"scores: {same}/{len(graded_both)} submissions graded by both sides agree; "
              f"ungraded: sequential {sum(1 for k in kinds if a.get(k) is None)}, "
              f"parallel {sum(1 for k in kinds if b.get(k) is None)}")
        for problem in problems:
            print(f"  note: {problem}")
        if args.json:
            print(json.dumps({"notebooks": n, "sequential_s": t_seq, "parallel_s": t_par, "speedup": speedup,
                              "workers": args.workers, "agree": same, "graded_both": len(graded_both)}))
        if args.keep:
            print(f"kept: {base}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
