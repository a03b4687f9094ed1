"""`python -m grader autograde [LESSON] [--student ID] [--workers N | --scheduler ADDRESS] [--force] [--unsafe]`.

Grades every (student, lesson) submission under the course's submitted folder, one Dask task per
submission (:mod:`grader.distribute`: the task, what it carries, the one gradebook writer):

* no option: an embedded Dask ``LocalCluster`` sized to the machine (``--workers N`` processes, default
  one per CPU core, one thread each), started and stopped by this command;
* ``--scheduler tcp://host:8786`` (or ``NNFS_DASK_SCHEDULER``): the tasks go to a running Dask
  scheduler; its workers need the course's Python environment and bubblewrap, not this machine's
  files.

Each submission is graded by nbgrader's own Autograde converter with the course's preprocessors
(``grader/nbgrader_config.py``: every kernel runs in the bubblewrap sandbox) and gets a status
(:mod:`grader.status`): ``ok``, ``late`` (nbgrader's due date against the submission's timestamp),
``flagged: <reasons>`` (:mod:`grader.flags`), ``failed: <reason>`` (timeout, kernel died, memory
limit, invalid notebook JSON, missing or misnamed notebook, sandbox unavailable, nbgrader error) or
``missing``. A broken submission never stops the others.

Only what changed is graded: a submission whose recorded status carries its current fingerprint
(same files, same lesson version) is skipped, so a second run after three new submissions grades
those three. ``--force`` grades everything again. Results are written as they arrive, so a run that
stops (Ctrl+C, a lost scheduler) keeps what was graded and the next run grades the rest.

Prints one progress bar for the class (students x lessons), the Dask dashboard's address when the
dashboard is available, and a summary at the end. Exit status: 0 when every submission got a
status (whatever it is); 2 when nothing could be graded (no sandbox without --unsafe, unknown
lesson, bad options); 3 when the scheduler was lost (what was graded is kept).
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.course import Course, CourseError
from grader.course import add_arguments as add_course_arguments

# ---------------------------------------------------------------------------------------------
# reading what nbgrader left behind


def classify_failure(text: str) -> str:
    """A short reason from nbgrader's log/traceback of a failed autograde."""
    if "SandboxUnavailable" in text:
        return "sandbox unavailable"
    if "DeadKernelError" in text or "Kernel died" in text:
        return "kernel died (the process exited, crashed or hit a resource limit)"
    if "MemoryError" in text:
        return "memory limit"
    if "CellTimeoutError" in text or "UnresponsiveKernelError" in text or "Timeout waiting" in text:
        return "timeout (a cell ran too long and ignored the interrupt)"
    if "NotJSONError" in text or "does not appear to be JSON" in text:
        return "invalid notebook JSON"
    if (
        "SchemaTooOldError" in text
        or "SchemaTooNewError" in text
        or ("metadata" in text and "nbgrader" in text and "ValidationError" in text)
    ):
        return "nbgrader error: invalid nbgrader cell metadata"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [
        ln
        for ln in lines
        if ln.startswith("[ERROR]") and "There was an error processing" not in ln and "Please see" not in ln
    ]
    exc = [ln for ln in lines if ln.split(":")[0].endswith(("Error", "Exception"))]
    last = (exc or errors or lines or ["unknown error"])[-1]
    return "nbgrader error: " + last.replace("[ERROR] ", "")[:200]


def _cell_name(cell, index: int) -> str:
    grade_id = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
    return grade_id or f"#{index}"


def executed_problems(path: str) -> list[str]:
    """Timeouts, memory errors and broken course imports recorded in an executed notebook's outputs."""
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except Exception:
        return []
    problems = []
    for index, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        names = {o.get("ename") for o in errors}
        locked = bool((cell.get("metadata", {}).get("nbgrader") or {}).get("locked"))
        if locked and names & {"ImportError", "ModuleNotFoundError"}:
            # the course's own code could not import: the grading environment, not the student
            error = next(o for o in errors if o.get("ename") in ("ImportError", "ModuleNotFoundError"))
            problems.append(
                f"environment error in locked cell {_cell_name(cell, index)} "
                f"({error.get('ename')}: {str(error.get('evalue', ''))[:100]})"
            )
        elif "CellTimeoutError" in names:
            problems.append(f"timeout in cell {_cell_name(cell, index)}")
        elif "MemoryError" in names:
            problems.append(f"memory limit in cell {_cell_name(cell, index)}")
    return problems


# ---------------------------------------------------------------------------------------------
# the class


def plan(course: Course, lesson: str | None = None, student: str | None = None):
    """(students, {lesson: [notebook names]}) to grade, from the gradebook and the submitted folder."""
    with course.gradebook() as gb:
        lessons = {a.name: sorted(n.name for n in a.notebooks) for a in gb.assignments}
        students = {s.id for s in gb.students}
    if course.submitted.is_dir():
        students |= {p.name for p in course.submitted.iterdir() if p.is_dir() and not p.name.startswith(".")}
    if lesson is not None:
        if lesson not in lessons:
            raise CourseError(
                f"lesson {lesson!r} is not in the gradebook "
                f"(known: {', '.join(sorted(lessons)) or 'none'}); release it first "
                f"(python -m grader release {lesson})."
            )
        lessons = {lesson: lessons[lesson]}
    if student is not None:
        students = {student}
    return sorted(students), dict(sorted(lessons.items()))


@dataclass
class Run:
    """What one ``autograde`` run did."""

    statuses: list = field(default_factory=list)  # SubmissionStatus of everything recorded this run
    skipped: list = field(default_factory=list)  # (student, lesson) already graded, unchanged
    total: int = 0  # students x lessons
    elapsed: float = 0.0
    cluster: str = ""
    dashboard: str | None = None
    lost: str | None = None  # why the scheduler was lost, if it was
    write_seconds: float = 0.0  # time the one writer spent on the results


@contextlib.contextmanager
def _progress_bar(total: int, enabled: bool):
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc="autograde", unit="nb", file=sys.stderr, dynamic_ncols=True)
    try:
        yield bar
    finally:
        bar.close()


def sandbox_settings(course: Course, unsafe: bool) -> tuple[dict[str, str], list[str]]:
    """(environment for the tasks, instructor-side folders every kernel must not see)."""
    from grader import distribute, sandbox

    env = {k: os.environ[k] for k in distribute.TASK_ENV if k in os.environ}
    if unsafe:
        env[sandbox.UNSAFE_ENV] = "1"
    hide = sandbox.course_hidden_paths(course.config)
    hide += [str(p) for p in (course.state, course.submitted, course.autograded, course.source) if str(p) not in hide]
    return env, hide


def autograde(
    course_dir: Path | str | None = None,
    lesson: str | None = None,
    student: str | None = None,
    workers: int | None = None,
    unsafe: bool = False,
    overrides: list[str] | None = None,
    progress: bool = True,
    scheduler: str | None = None,
    force: bool = False,
    log=None,
) -> Run:
    """Grade the class (or one lesson / one student) on Dask; returns a :class:`Run`.

    Statuses, grades and autograded notebooks are saved as results arrive. Raises
    :class:`grader.sandbox.SandboxUnavailable` when bubblewrap is unusable (here for a LocalCluster,
    on any worker of a scheduler) and not ``unsafe``; :class:`grader.course.CourseError` for an
    unknown lesson. A lost scheduler ends the run early with ``Run.lost`` set. Never changes this
    process's environment (``unsafe`` travels with the tasks).
    """
    from grader import distribute, sandbox
    from grader.distribute import GradebookWriter, GradeResult, Submission
    from grader.status import SubmissionStatus

    log = log or (lambda text: print(text, file=sys.stderr, flush=True))
    started = time.monotonic()
    scheduler = scheduler or os.environ.get(distribute.SCHEDULER_ENV) or None
    if scheduler and workers:
        raise CourseError(
            f"--workers sizes the embedded LocalCluster, but a scheduler is named ({scheduler}, "
            f"by --scheduler or {distribute.SCHEDULER_ENV}): its own workers grade (start more "
            "`dask worker` processes to grow it)"
        )
    course = Course.load(course_dir, overrides)
    if not scheduler:
        ok, why = sandbox.available()
        if not ok and not (unsafe or sandbox.unsafe_allowed()):
            raise sandbox.SandboxUnavailable(sandbox.UNAVAILABLE_HELP.format(why=why))
    if unsafe or sandbox.unsafe_allowed():
        unsafe = True

    students, lessons = plan(course, lesson, student)
    env, hide = sandbox_settings(course, unsafe)
    run = Run(total=len(students) * len(lessons))
    with GradebookWriter(course) as writer:
        packages = {name: distribute.make_package(course, writer.gb, name, env, hide) for name in lessons}
        recorded = {} if force else writer.store.load()
        todo: list[Submission] = []
        missing: list[GradeResult] = []
        for name, package in packages.items():
            for sid in students:
                sub = distribute.read_submission(course, sid, name, package.digest)
                if sub is None:
                    fp = f"missing:{package.digest}"
                    old = recorded.get((sid, name))
                    if old is not None and old.kind == "missing" and old.fingerprint == fp:
                        run.skipped.append((sid, name))
                    else:
                        status = SubmissionStatus(student=sid, lesson=name, kind="missing", fingerprint=fp)
                        missing.append(GradeResult(status=asdict(status), fingerprint=fp))
                    continue
                exists = all(
                    (writer.autograded_folder(sid, name) / f"{nb}.ipynb").is_file() for nb in package.notebooks
                )
                if force or distribute.needs_grading(recorded.get((sid, name)), sub.fingerprint, exists):
                    todo.append(sub)
                else:
                    run.skipped.append((sid, name))

        with _progress_bar(run.total, progress) as bar:

            def record(result: GradeResult) -> None:
                began = time.perf_counter()
                status = writer.write(result)
                run.write_seconds += time.perf_counter() - began
                run.statuses.append(status)
                if bar is not None:
                    bar.set_postfix_str(f"{status.student}/{status.lesson}: {status.label}"[:60])
                    bar.update(1)

            if bar is not None and run.skipped:
                bar.update(len(run.skipped))
            for result in missing:
                record(result)
            if todo:
                try:
                    with distribute.connect(scheduler, workers) as (client, description):
                        run.cluster = description
                        run.dashboard = distribute.dashboard(client)
                        log(
                            f"autograde: {len(todo)} submission(s) to grade on a {description}"
                            + (f"; dashboard: {run.dashboard}" if run.dashboard else "")
                            + (f"; {len(run.skipped)} already graded" if run.skipped else "")
                        )
                        if scheduler:
                            _require_sandbox_on_workers(client, unsafe)
                        distribute.fan_out(client, packages, todo, record)
                except distribute.SchedulerLost as err:
                    run.lost = str(err)
    run.statuses.sort(key=lambda st: (st.lesson, st.student))
    run.elapsed = time.monotonic() - started
    return run


def _require_sandbox_on_workers(client, unsafe: bool) -> None:
    from grader import distribute, sandbox

    found = distribute.probe_workers(client)
    if not found:
        raise distribute.SchedulerLost(
            "the Dask scheduler has no workers: start `dask worker <scheduler address>` on the grading machines"
        )
    broken = {address: why for address, (ok, why) in found.items() if not ok}
    if broken and not unsafe:
        listed = "; ".join(f"{a}: {w}" for a, w in sorted(broken.items()))
        raise sandbox.SandboxUnavailable(sandbox.UNAVAILABLE_HELP.format(why=f"on worker(s) {listed}"))


# ---------------------------------------------------------------------------------------------
# the command


def add_arguments(parser) -> None:
    parser.add_argument("lesson", nargs="?", metavar="LESSON", help="lesson id (default: every lesson)")
    parser.add_argument("--student", metavar="ID", help="only this student (default: everyone)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes of the embedded Dask LocalCluster (default: one per CPU core)",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="grade on a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(default: $NNFS_DASK_SCHEDULER, else an embedded LocalCluster)",
    )
    parser.add_argument(
        "--force", action="store_true", help="grade every submission again, even those graded since they last changed"
    )
    parser.add_argument(
        "--unsafe",
        action="store_true",
        help="grade even where the bubblewrap sandbox is unavailable (student code runs with the worker's rights)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_course_arguments(parser)


def summary(run: Run) -> str:
    """The end-of-run report: counts, failures and flags with their reasons, time."""
    counts: dict[str, int] = {}
    for st in run.statuses:
        counts[st.kind] = counts.get(st.kind, 0) + 1
    kinds = ("ok", "late", "flagged", "failed", "missing")
    lines = [
        f"graded {len(run.statuses)} submission(s): "
        + (", ".join(f"{counts[k]} {k}" for k in kinds if k in counts) or "nothing to do")
    ]
    if run.skipped:
        lines.append(f"already graded (unchanged, skipped): {len(run.skipped)}; --force grades them again")
    if run.lost:
        lines.append(f"STOPPED: {run.lost}")
        left = run.total - len(run.statuses) - len(run.skipped)
        lines.append(
            f"  {len(run.statuses)} result(s) saved; {left} submission(s) not graded: run the same "
            "command again (with a running scheduler) to grade only those"
        )
    rows = [(st.student, st.lesson, st.label) for st in run.statuses if st.kind in ("failed", "flagged", "late")]
    if rows:
        w1 = max(7, *(len(r[0]) for r in rows))
        w2 = max(6, *(len(r[1]) for r in rows))
        lines.append(f"  {'student':<{w1}}  {'lesson':<{w2}}  status")
        lines += [f"  {s:<{w1}}  {le:<{w2}}  {label}" for s, le, label in sorted(rows, key=lambda r: (r[1], r[0]))]
    executed = [st.seconds for st in run.statuses if st.kind != "missing" and st.seconds > 0.05]
    timing = f"time: {run.elapsed:.1f} s" + (f" on a {run.cluster}" if run.cluster else "")
    if executed:
        timing += (
            f"; per notebook: median {statistics.median(executed):.2f} s, "
            f"max {max(executed):.2f} s ({len(executed)} executed)"
        )
    if run.statuses:
        timing += f"; gradebook writes: {1000 * run.write_seconds / len(run.statuses):.0f} ms per result"
    lines.append(timing)
    return "\n".join(lines)


def run(args) -> int:
    from grader.sandbox import SandboxUnavailable

    try:
        result = autograde(
            args.course_dir,
            args.lesson,
            args.student,
            args.workers,
            args.unsafe,
            args.set,
            progress=not args.no_progress,
            scheduler=args.scheduler,
            force=args.force,
        )
    except SandboxUnavailable as err:
        print(f"autograde: {err}", file=sys.stderr)
        return 2
    except CourseError as err:
        print(f"autograde: {err}", file=sys.stderr)
        return 2
    print(summary(result))
    if result.lost:
        print(f"autograde: {result.lost}; what was graded is saved, re-run to grade the rest", file=sys.stderr)
        return 3
    return 0
