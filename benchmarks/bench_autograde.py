"""Autograding a class: sequential ``nbgrader autograde`` vs ``python -m grader autograde`` on Dask.

Generates a class (default 30 students x lessons 01_linear_algebra, 06_losses, 09_training) with a
mix of submissions, the same for every side:

* correct: the lesson's solution notebook;
* wrong: the released blank notebook, or the solution with every answer's first ``return``
  replaced by ``return None`` (a mutated answer);
* broken: malformed JSON (a truncated file), or an answer cell that kills its kernel (``os._exit``).

Each side grades it in its own temporary course copy (``grader.setup.copy_course``; the
repository's gradebook, exchange and student folders are never touched), in the same run, one
after the other:

* sequential: ``nbgrader autograde <lesson> --force`` for each lesson (one notebook at a time);
* LocalCluster: ``python -m grader autograde --workers W`` (the embedded Dask cluster; its start-up
  is counted);
* external scheduler: ``dask scheduler`` and W ``dask worker`` processes on 127.0.0.1, started
  beforehand (their start-up is not counted), then ``python -m grader autograde --scheduler``.

Every side uses the course configuration, so every kernel runs in the same sandbox. Prints a table
(notebooks, seconds, seconds per notebook, speedup over sequential; targets: >= 1.8x for the
LocalCluster with 2 workers, the external scheduler within 10 % of the LocalCluster), how many
scores agree, and the measured cost of one notebook (median, p95 of the tasks' own times) with the
predicted wall time of 1,000 students x 12 lessons on 8, 32 and 128 workers:

    T(W) = N * mean / W + p95  (N notebooks; the last wave's straggler),  and never below N * write,
    the one writer's time per result on the instructor's side.

    python benchmarks/bench_autograde.py                       # the full class: many minutes
    python benchmarks/bench_autograde.py --students 4 --lessons 00_welcome
    python benchmarks/bench_autograde.py --quick               # 2 students x the first lesson
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET = 1.8
EXTERNAL_WITHIN = 0.10
DEFAULT_LESSONS = ("01_linear_algebra", "06_losses", "09_training")
PREDICT = (1000, 12, (8, 32, 128))
KINDS = ("correct", "wrong_blank", "correct", "wrong_mutated", "correct", "broken_json", "correct", "broken_exit")
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in ("NNFS_DB_URL", "NNFS_EXCHANGE", "NNFS_STATE", "NNFS_DASK_SCHEDULER", "NNFS_ASSIGNMENT_DIR")
}


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
    """Write every submission under the course's submitted folder; returns (student, lesson) -> kind."""
    from grader.course import Course

    submitted = Course.load(course).submitted
    kinds = {}
    for j, lesson in enumerate(lessons):
        solution = json.loads((course / "solutions" / lesson / f"{lesson}.ipynb").read_text())
        released = json.loads((course / "lessons" / lesson / f"{lesson}.ipynb").read_text())
        for i in range(students):
            kind = kind_of(i, j)
            folder = submitted / student_id(i) / lesson
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
    done = _run([sys.executable, "-m", "grader", "setup"], course)
    if done.returncode != 0:
        raise SystemExit(f"bench: setup failed:\n{done.stdout}\n{done.stderr[-2000:]}")
    return course


def scores(course: Path) -> dict[tuple[str, str], float | None]:
    """(student, lesson) -> score, None where nbgrader produced no autograded notebook."""
    from grader.course import Course

    model = Course.load(course)
    out = {}
    with model.gradebook() as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                graded = model.autograded_notebook(submission.student.id, assignment.name).is_file()
                out[(submission.student.id, assignment.name)] = submission.score if graded else None
    return out


def task_seconds(course: Path) -> list[float]:
    """Every executed notebook's own grading time, as its task measured it on the worker."""
    from grader.course import Course
    from grader.status import StatusStore

    store = StatusStore(Course.load(course).gradebook_url)
    try:
        return [st.seconds for st in store.load().values() if st.kind != "missing" and st.seconds > 0.05]
    finally:
        store.close()


def run_sequential(course: Path, lessons: list[str]) -> tuple[float, list[str]]:
    problems = []
    start = time.perf_counter()
    for lesson in lessons:
        done = _run([sys.executable, "-m", "nbgrader", "autograde", lesson, "--force"], course)
        if done.returncode != 0:  # expected with broken submissions: nbgrader reports them at the end
            errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
            problems.append(f"{lesson}: nbgrader exit {done.returncode}, {len(errors)} ERROR line(s)")
    return time.perf_counter() - start, problems


def run_grader(course: Path, options: list[str]) -> tuple[float, str, float]:
    """(seconds, the summary's first line, the writer's seconds per result)."""
    argv = [sys.executable, "-m", "grader", "autograde", "--no-progress", *options]
    start = time.perf_counter()
    done = _run(argv, course)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(argv[2:])} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    summary = next((line for line in done.stdout.splitlines() if line.startswith("graded")), done.stdout.strip())
    write = re.search(r"gradebook writes: (\d+) ms per result", done.stdout)
    return elapsed, summary, (int(write.group(1)) / 1000 if write else 0.0)


class ExternalCluster:
    """``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, started in ``course``."""

    def __init__(self, course: Path, workers: int):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{port}"
        self.log = open(course.parent / f"{course.name}-dask.log", "wb")
        env = {**CLEAN_ENV, "PYTHONPATH": str(course)}
        self.procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-dashboard",
                ],
                cwd=course,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        ]
        for i in range(workers):
            self.procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "distributed.cli.dask_worker",
                        self.address,
                        "--nthreads",
                        "1",
                        "--name",
                        f"bench-{i}",
                        "--no-dashboard",
                        "--local-directory",
                        str(course.parent / f"w{i}"),
                    ],
                    cwd=course,
                    stdout=self.log,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            )
        from distributed import Client

        with Client(self.address, timeout=120) as client:
            client.wait_for_workers(workers, timeout=300)

    def close(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.log.close()


def predict(costs: list[float], write: float) -> tuple[float, float, float, list[tuple[int, float]]]:
    """(median, p95, mean, [(workers, predicted seconds)]) for PREDICT's class."""
    students, lessons, workers = PREDICT
    n = students * lessons
    ordered = sorted(costs)
    median = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]
    mean = statistics.fmean(ordered)
    return median, p95, mean, [(w, max(n * mean / w + p95, n * write)) for w in workers]


def table(rows: list[list[str]]) -> str:
    header = ["mode", "notebooks", "seconds", "s/notebook", "speedup"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def available_lessons() -> list[str]:
    return sorted(
        p.name
        for p in (REPO / "solutions").iterdir()
        if (p / f"{p.name}.ipynb").is_file()
        and (
            (REPO / "lessons" / p.name / f"{p.name}.ipynb").exists()
            or (REPO / "grader" / "sources" / f"{p.name}.py").exists()
        )
    )


def _hms(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30, help="class size (default 30)")
    parser.add_argument(
        "--lessons", default=None, help=f"comma-separated lesson ids (default: {','.join(DEFAULT_LESSONS)})"
    )
    parser.add_argument("--workers", type=int, default=2, help="Dask workers on each Dask side (default 2)")
    parser.add_argument("--quick", action="store_true", help="2 students x the first lesson (a smoke run)")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell (NNFS_CELL_TIMEOUT)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course copies and print where")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    args = parser.parse_args(argv)

    lessons = (
        args.lessons.split(",")
        if args.lessons
        else [lesson for lesson in DEFAULT_LESSONS if lesson in available_lessons()]
    )
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
        sides = {name: base / name for name in ("sequential", "local", "external")}
        for folder in sides.values():
            shutil.copytree(template, folder, symlinks=True)
        n = len(kinds)
        w = args.workers
        print(
            f"class: {students} students x {len(lessons)} lesson(s) = {n} notebooks "
            f"({', '.join(f'{k} {sum(1 for v in kinds.values() if v == k)}' for k in sorted(set(KINDS)))}); "
            f"{w} Dask worker(s); {len(os.sched_getaffinity(0))} CPU core(s), load average "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )

        t_seq, problems = run_sequential(sides["sequential"], lessons)
        print(f"sequential nbgrader autograde: {t_seq:.1f} s", flush=True)
        t_local, summary_local, write_local = run_grader(sides["local"], ["--workers", str(w)])
        print(f"grader autograde, LocalCluster: {t_local:.1f} s ({summary_local})", flush=True)
        cluster = ExternalCluster(sides["external"], w)
        try:
            t_ext, summary_ext, write_ext = run_grader(sides["external"], ["--scheduler", cluster.address])
        finally:
            cluster.close()
        print(f"grader autograde --scheduler: {t_ext:.1f} s ({summary_ext})", flush=True)

        speedup, speedup_ext = t_seq / t_local, t_seq / t_ext
        rows = [
            ["nbgrader autograde (sequential)", n, f"{t_seq:.1f}", f"{t_seq / n:.2f}", "1.00x"],
            [
                f"grader autograde, LocalCluster {w} workers",
                n,
                f"{t_local:.1f}",
                f"{t_local / n:.2f}",
                f"{speedup:.2f}x",
            ],
            [
                f"grader autograde --scheduler, {w} workers",
                n,
                f"{t_ext:.1f}",
                f"{t_ext / n:.2f}",
                f"{speedup_ext:.2f}x",
            ],
        ]
        print()
        print(table(rows))
        off = t_ext / t_local - 1
        print(
            f"target LocalCluster >= {TARGET}x sequential: {'met' if speedup >= TARGET else 'NOT met'}; "
            f"external scheduler within {EXTERNAL_WITHIN:.0%} of LocalCluster: {off:+.1%}, "
            f"{'met' if off <= EXTERNAL_WITHIN else 'NOT met'} (load average now {os.getloadavg()[0]:.1f})"
        )
        a, b, c = scores(sides["sequential"]), scores(sides["local"]), scores(sides["external"])
        graded_all = [k for k in kinds if a.get(k) is not None and b.get(k) is not None and c.get(k) is not None]
        same = sum(1 for k in graded_all if abs(a[k] - b[k]) < 1e-9 and abs(a[k] - c[k]) < 1e-9)
        print(
            f"scores: {same}/{len(graded_all)} submissions graded by all three sides agree; ungraded: "
            f"sequential {sum(1 for k in kinds if a.get(k) is None)}, "
            f"LocalCluster {sum(1 for k in kinds if b.get(k) is None)}, "
            f"scheduler {sum(1 for k in kinds if c.get(k) is None)}"
        )
        for problem in problems:
            print(f"  note: {problem}")

        costs = task_seconds(sides["local"]) + task_seconds(sides["external"])
        write = max(write_local, write_ext)
        result = {
            "notebooks": n,
            "workers": w,
            "sequential_s": t_seq,
            "local_s": t_local,
            "external_s": t_ext,
            "speedup": speedup,
            "external_vs_local": off,
            "agree": same,
            "graded_all": len(graded_all),
        }
        if costs:
            median, p95, mean, predicted = predict(costs, write)
            total = PREDICT[0] * PREDICT[1]
            print(
                f"\nper-notebook cost (each task's own time on its worker, {len(costs)} notebooks): "
                f"median {median:.2f} s, p95 {p95:.2f} s, mean {mean:.2f} s; one writer: {1000 * write:.0f} ms "
                f"per result"
            )
            print(f"predicted wall time, {PREDICT[0]:,} students x {PREDICT[1]} lessons (N = {total:,} notebooks):")
            print(
                f"  T(W) = max(N * mean / W + p95, N * write) = max({total:,} * {mean:.2f} s / W + {p95:.2f} s, "
                f"{total:,} * {write:.3f} s)"
            )
            for workers, seconds in predicted:
                print(f"  {workers:>4} workers: {seconds:,.0f} s ({_hms(seconds)})")
            result.update(
                median_s=median, p95_s=p95, mean_s=mean, write_s=write, predicted={str(k): v for k, v in predicted}
            )
        if args.json:
            print(json.dumps(result))
        if args.keep:
            print(f"kept: {base}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
