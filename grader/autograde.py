"""`python -m grader autograde [LESSON] [--student ID] [--workers N] [--unsafe]`: grade submissions in parallel.

Every (student, lesson) submission under the course's submitted folder is graded by nbgrader's own
Autograde converter (the preprocessors of ``grader/nbgrader_config.py``: every kernel runs in the
bubblewrap sandbox), each in a worker process (default: one per CPU core). Gradebook writes are
made safe for concurrent workers by a busy timeout on SQLite and by re-grading a submission whose
database write still lost the race (any other database works through nbgrader's own SQLAlchemy
code, unchanged).

Each submission gets a status (see :mod:`grader.status`) stored in the gradebook database:
``ok``, ``late``, ``flagged: <reasons>`` (:mod:`grader.flags`), ``failed: <reason>`` (timeout,
kernel died, memory limit, invalid notebook JSON, missing notebook, misnamed notebook, sandbox
unavailable, nbgrader error) or ``missing``. A broken submission never stops the others.
Re-grading is idempotent: it always replaces the previous grades and status (nbgrader ``--force``).

The course is the folder holding ``nbgrader_config.py``: ``--course-dir``, else the current folder
when it has one, else the repository root. Extra nbgrader options: ``--set Execute.timeout=10``. Exit status: 0 when every submission got a status (whatever it
is), 2 when nothing could be graded (no sandbox without --unsafe, unknown lesson, no gradebook).
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# configuration


def course_dir(path: str | None = None) -> Path:
    """The course folder: ``path``, else the current folder if it has nbgrader_config.py, else the repo."""
    if path:
        return Path(path).resolve()
    cwd = Path.cwd()
    return cwd if (cwd / "nbgrader_config.py").exists() else REPO


def load_config(course: Path, overrides: list[str] | None = None):
    """The traitlets Config nbgrader would use from ``course`` (its nbgrader_config.py + overrides)."""
    from traitlets.config import Config
    from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

    config = Config()
    try:
        from jupyter_core.paths import jupyter_config_path
        folders = list(reversed(jupyter_config_path()))
    except Exception:  # pragma: no cover
        folders = []
    for folder in [*folders, str(course)]:
        if os.path.exists(os.path.join(folder, "nbgrader_config.py")):
            loader = PyFileConfigLoader("nbgrader_config.py", path=folder)
            config.merge(loader.load_config())
    if overrides:
        config.merge(KVArgParseConfigLoader(list(overrides)).load_config())
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(course)
    return config


def make_coursedir(config):
    from nbgrader.coursedir import CourseDirectory
    return CourseDirectory(config=config)


def _worker_db_url(db_url: str) -> str:
    """SQLite: wait up to 60 s for a lock instead of failing at once (other URLs unchanged)."""
    if db_url.startswith("sqlite:") and "timeout=" not in db_url:
        return db_url + ("&" if "?" in db_url else "?") + "timeout=60"
    return db_url


# ---------------------------------------------------------------------------------------------
# one submission

_STATE: dict = {}


def _init_worker(course: str, overrides: list[str], env: dict) -> None:
    import warnings
    os.environ.update(env)
    # nbgrader's own submission code trips SQLAlchemy autoflush warnings: noise on the progress bar
    warnings.filterwarnings("ignore", message=".*not in session.*")
    config = load_config(Path(course), overrides)
    coursedir = make_coursedir(config)
    coursedir.db_url = _worker_db_url(coursedir.db_url)
    config.CourseDirectory.db_url = coursedir.db_url
    _STATE.update(config=config, coursedir=coursedir)


def _notebook_path(coursedir, folder_kind: str, student: str, lesson: str, notebook: str) -> str:
    folder = coursedir.format_path(getattr(coursedir, folder_kind), student, lesson)
    return os.path.join(folder, f"{notebook}.ipynb")


def _classify_failure(text: str) -> str:
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
    if "SchemaTooOldError" in text or "SchemaTooNewError" in text or "metadata" in text and "nbgrader" in text and "ValidationError" in text:
        return "nbgrader error: invalid nbgrader cell metadata"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("[ERROR]") and "There was an error processing" not in ln
              and "Please see" not in ln and "There was an error processing assignment" not in ln]
    exc = [ln for ln in lines if ln.split(":")[0].endswith(("Error", "Exception"))]
    last = (exc or errors or lines or ["unknown error"])[-1]
    return "nbgrader error: " + last.replace("[ERROR] ", "")[:200]


def _cell_name(cell, index: int) -> str:
    grade_id = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
    return grade_id or f"#{index}"


def _remove_stale(coursedir, student: str, lesson: str) -> None:
    """Drop an earlier autograded copy, so a re-grade ends as a first grade would (idempotent)."""
    import shutil
    folder = coursedir.format_path(coursedir.autograded_directory, student, lesson)
    if os.path.isdir(folder):
        shutil.rmtree(folder, ignore_errors=True)


def _executed_problems(path: str) -> list[str]:
    """Timeouts and memory errors recorded in the executed notebook's outputs."""
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
            problems.append(f"environment error in locked cell {_cell_name(cell, index)} "
                            f"({error.get('ename')}: {str(error.get('evalue', ''))[:100]})")
        elif "CellTimeoutError" in names:
            problems.append(f"timeout in cell {_cell_name(cell, index)}")
        elif "MemoryError" in names:
            problems.append(f"memory limit in cell {_cell_name(cell, index)}")
    return problems


def grade_one(student: str, lesson: str, notebooks: list[str], duedate=None) -> dict:
    """Autograde one submission in this (worker) process; returns a SubmissionStatus as a dict.

    ``notebooks``: the lesson's notebook names in the gradebook; ``duedate``: the lesson's due
    date (naive UTC datetime, as nbgrader stores it) or None.
    """
    from dataclasses import asdict
    from nbgrader.converters import Autograde
    from nbgrader.utils import capture_log

    from grader import flags
    from grader.status import SubmissionStatus

    coursedir, config = _STATE["coursedir"], _STATE["config"]
    start = time.monotonic()

    def done(kind: str, reason: str = "", **extra) -> dict:
        status = SubmissionStatus(student=student, lesson=lesson, kind=kind, reason=reason,
                                  seconds=round(time.monotonic() - start, 3), **extra)
        return asdict(status)

    folder = coursedir.format_path(coursedir.submitted_directory, student, lesson)
    if not os.path.isdir(folder):
        _remove_stale(coursedir, student, lesson)
        return done("missing")

    # the notebooks themselves: present, named right, valid JSON
    present = sorted(p.name for p in Path(folder).glob("*.ipynb"))
    expected = [f"{n}.ipynb" for n in notebooks]
    missing = [e for e in expected if e not in present]
    if missing:
        others = [p for p in present if p not in expected]
        _remove_stale(coursedir, student, lesson)
        if others:
            return done("failed", f"misnamed notebook (submitted {', '.join(others)}; expected {', '.join(missing)})")
        return done("failed", f"missing notebook ({', '.join(missing)} not in the submission)")
    for name in expected:
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                nb = json.load(f)
            if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
                raise ValueError("not a notebook: no list of cells")
        except Exception as err:
            _remove_stale(coursedir, student, lesson)
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            return done("failed", f"invalid notebook JSON ({name}: {type(err).__name__}: {first[:120]})")

    # grade with nbgrader, retrying when a concurrent gradebook write won the race
    result: dict = {}
    for attempt in range(6):
        coursedir.assignment_id, coursedir.student_id = lesson, student
        app = Autograde(coursedir=coursedir, config=config)
        app.force = True
        app.create_student = True
        result = capture_log(app)
        text = (result.get("log") or "") + (result.get("error") or "")
        if result["success"] or "database is locked" not in text:
            break
        time.sleep(random.uniform(0.2, 1.0) * (attempt + 1))
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")

    # late, as nbgrader counts it: the submission's timestamp against the lesson's due date
    seconds_late = 0.0
    timestamp = coursedir.get_existing_timestamp(folder)
    if timestamp is not None and duedate is not None:
        seconds_late = max(0.0, (timestamp - duedate).total_seconds())
    late = seconds_late > 0

    flag_reasons: list[str] = []
    for name in notebooks:
        source = os.path.join(coursedir.format_path(coursedir.source_directory, ".", lesson), f"{name}.ipynb")
        try:
            flag_reasons += flags.analyze_notebook(os.path.join(folder, f"{name}.ipynb"),
                                                   source if os.path.exists(source) else None)
        except Exception as err:  # a notebook we cannot analyse is itself suspicious
            flag_reasons.append(f"{name}: could not be analysed ({type(err).__name__})")

    common = dict(late=late, seconds_late=seconds_late, flags=flag_reasons)
    if not result["success"]:
        detail = text.strip()[-3000:]
        return done("failed", _classify_failure(text), graded=False, detail=detail, **common)
    problems: list[str] = []
    for name in notebooks:
        problems += _executed_problems(_notebook_path(coursedir, "autograded_directory", student, lesson, name))
    if problems:
        reason = problems[0] if len(problems) == 1 else f"{problems[0]} (+{len(problems) - 1} more)"
        if "memory" in problems[0]:
            reason = reason.replace("memory limit in", "memory limit (MemoryError) in")
        return done("failed", reason, graded=True, **common)
    if flag_reasons:
        return done("flagged", "; ".join(flag_reasons), graded=True, **common)
    return done("ok", graded=True, **common)


def _grade_job(job):
    student, lesson, notebooks, duedate = job
    try:
        return grade_one(student, lesson, notebooks, duedate)
    except Exception as err:  # never lose a submission to a grader bug
        import traceback
        from dataclasses import asdict
        from grader.status import SubmissionStatus
        return asdict(SubmissionStatus(student=student, lesson=lesson, kind="failed",
                                       reason=f"grader error: {type(err).__name__}: {err}"[:300],
                                       detail=traceback.format_exc()[-3000:]))


# ---------------------------------------------------------------------------------------------
# the class


def plan(coursedir, lesson: str | None = None, student: str | None = None):
    """(students, {lesson: [notebook names]}) to grade, from the gradebook and the submitted folder."""
    from nbgrader.api import Gradebook

    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        lessons = {a.name: sorted(n.name for n in a.notebooks) for a in gb.assignments}
        students = {s.id for s in gb.students}
    submitted = Path(coursedir.root) / coursedir.submitted_directory
    if submitted.is_dir():
        students |= {p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")}
    if lesson is not None:
        if lesson not in lessons:
            raise SystemExit(f"autograde: lesson {lesson!r} is not in the gradebook "
                             f"(known: {', '.join(sorted(lessons)) or 'none'}); release it first "
                             f"(python -m grader release {lesson}).")
        lessons = {lesson: lessons[lesson]}
    if student is not None:
        students = {student}
    return sorted(students), dict(sorted(lessons.items()))


def autograde(course: Path | str | None = None, lesson: str | None = None, student: str | None = None,
              workers: int | None = None, unsafe: bool = False, overrides: list[str] | None = None,
              progress: bool = True) -> list:
    """Grade the class (or one lesson / one student); returns the SubmissionStatus list.

    Statuses are saved in the gradebook database as they arrive (:class:`grader.status.StatusStore`).
    Raises :class:`grader.sandbox.SandboxUnavailable` when bubblewrap is unusable and not ``unsafe``.
    """
    from nbgrader.api import Gradebook

    from grader import sandbox
    from grader.status import StatusStore, SubmissionStatus

    course = course_dir(str(course) if course else None)
    overrides = list(overrides or [])
    env = {}
    if unsafe:
        env[sandbox.UNSAFE_ENV] = "1"
        os.environ[sandbox.UNSAFE_ENV] = "1"
    sandbox.require()

    config = load_config(course, overrides)
    coursedir = make_coursedir(config)
    students, lessons = plan(coursedir, lesson, student)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:  # created here, not raced for by workers
        for sid in students:
            gb.update_or_create_student(sid)
        duedates = {name: gb.find_assignment(name).duedate for name in lessons}
    store = StatusStore(coursedir.db_url)

    jobs = [(s, l, nbs, duedates[l]) for l, nbs in lessons.items() for s in students]
    n = len(jobs)
    workers = max(1, min(workers or len(os.sched_getaffinity(0)), n or 1))
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=n, desc="autograde", unit="nb", file=sys.stderr, dynamic_ncols=True)
    statuses: list[SubmissionStatus] = []

    def record(data: dict) -> None:
        status = SubmissionStatus(**data)
        store.save(status)
        statuses.append(status)
        if bar is not None:
            bar.set_postfix_str(f"{status.student}/{status.lesson}: {status.label}"[:60])
            bar.update(1)

    try:
        if workers == 1:
            _init_worker(str(course), overrides, env)
            for job in jobs:
                record(_grade_job(job))
        else:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor, as_completed

            import nbgrader.converters  # noqa: F401  imported once, inherited by the forked workers
            ctx = mp.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                     initargs=(str(course), overrides, env)) as pool:
                futures = {pool.submit(_grade_job, job): job for job in jobs}
                for future in as_completed(futures):
                    try:
                        record(future.result())
                    except Exception as err:  # a worker process died
                        s, l = futures[future][:2]
                        record(dict(student=s, lesson=l, kind="failed",
                                    reason=f"grader error: worker died ({type(err).__name__})"))
    finally:
        if bar is not None:
            bar.close()
        store.close()
    statuses.sort(key=lambda st: (st.lesson, st.student))
    return statuses


def add_arguments(parser) -> None:
    parser.add_argument("lesson", nargs="?", metavar="LESSON", help="lesson id (default: every lesson)")
    parser.add_argument("--student", metavar="ID", help="only this student (default: everyone)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="parallel worker processes (default: one per CPU core)")
    parser.add_argument("--unsafe", action="store_true",
                        help="grade even where the bubblewrap sandbox is unavailable (student code runs with your rights)")
    parser.add_argument("--course-dir", metavar="PATH", default=None,
                        help="folder with the course's nbgrader_config.py (default: here, else the repository)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--set", dest="nbgrader_options", action="append", default=[], metavar="Class.trait=value",
                        help="extra nbgrader configuration, e.g. --set Execute.timeout=10 (repeatable)")


def run(args) -> int:
    from grader.sandbox import SandboxUnavailable
    started = time.monotonic()
    try:
        options = ["--" + o.lstrip("-") for o in args.nbgrader_options]
        statuses = autograde(args.course_dir, args.lesson, args.student, args.workers, args.unsafe,
                             options, progress=not args.no_progress)
    except SandboxUnavailable as err:
        print(f"autograde: {err}", file=sys.stderr)
        return 2
    except SystemExit as err:
        print(err, file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started
    executed = sum(1 for st in statuses if st.kind != "missing" and st.seconds > 0.05)
    workers = max(1, min(args.workers or len(os.sched_getaffinity(0)), len(statuses)))
    print(f"autograde: {len(statuses)} submission(s) in {elapsed:.1f} s with {workers} worker(s)"
          + (f", {elapsed / executed:.2f} s per executed notebook" if executed else ""), file=sys.stderr)
    counts: dict[str, int] = {}
    for st in statuses:
        counts[st.kind] = counts.get(st.kind, 0) + 1
    print(f"graded {len(statuses)} submission(s): "
          + ", ".join(f"{counts[k]} {k}" for k in ("ok", "late", "flagged", "failed", "missing") if k in counts))
    for st in statuses:
        if st.kind in ("failed", "flagged") or st.late:
            print(f"  {st.student:<16} {st.lesson:<24} {st.label}")
    return 0
