"""The grading task and its fan-out on Dask: one task per (student, lesson) submission.

``python -m grader autograde`` (:mod:`grader.autograde`) plans the class, and this module grades it
on a Dask cluster: an embedded ``LocalCluster`` sized to the machine (the default, nothing to
start by hand), or any running scheduler (``--scheduler tcp://host:8786`` or
``NNFS_DASK_SCHEDULER``): machines started by hand, a Slurm/PBS allocation through
``dask-jobqueue``, Kubernetes through ``dask-kubernetes``.

Design: workers share NO filesystem and no database with the instructor
-----------------------------------------------------------------------

A worker needs only the course's Python environment (this repository's ``grader`` and ``nnlib``
with their dependencies), bubblewrap, and network access to the scheduler. Everything else travels
as bytes through Dask:

* :class:`LessonPackage`, one per lesson and version, submitted once as a tiny task of its own (so
  the scheduler can recompute it on another worker when the worker holding it dies): the lesson's
  source folder (the instructor notebook and any supporting files), its records from the real
  gradebook (notebooks; grade, solution, task and source cells with their points, checksums and
  sources; the due date), the course's nbgrader configuration as plain data (the preprocessor
  lists included: the sandbox and the trusted grader come from the worker's own code, configured
  by the instructor's ``nbgrader_config.py``), and the sandbox's environment (limits, timeouts,
  ``NNFS_UNSAFE`` for ``--unsafe`` runs).
* :class:`Submission`, one per task: the student's submitted folder (notebooks, ``timestamp.txt``
  and any other file) as bytes, and its fingerprint.

The task, :func:`grade_submission`, runs on the worker in a *scratch course* of its own
(``<worker local directory>/nnfs-grading/<lesson>-<digest>/``): the source files written out, a
private SQLite gradebook created from the carried records, the submission written under
``submitted/<student>/<lesson>/``. There it runs nbgrader's own ``Autograde`` converter exactly as
``nbgrader autograde`` would (the course's sanitize and autograde preprocessors: every kernel
sandboxed, cell metadata restored from the gradebook records, late penalties), looks for flags
and execution problems, and returns a :class:`GradeResult`: the status, the autograded folder as
bytes, every grade cell's automatic score and every comment nbgrader wrote, the late penalty, the
submission's timestamp and seconds late (nbgrader's own ``total_seconds_late`` against the carried
due date). The scratch copy of the submission is removed afterwards; every scratch course is hidden
from the sandboxed kernel, so one student's kernel never sees another's files.

The instructor's process is the ONE writer of the real gradebook (SQLite or PostgreSQL):
:class:`GradebookWriter` takes results as they arrive and, for each, (1) upserts the submission and
its grades and comments with nbgrader's Gradebook API (``update_or_create_submission``, then the
scores on the existing rows: a task that ran twice writes the same rows again, never new ones),
(2) replaces ``autograded/<student>/<lesson>/`` atomically, then (3) saves the status row
(:mod:`grader.status`) holding the submission's fingerprint: the commit marker, written last. A
submission whose status row carries its current fingerprint is *already graded* and is skipped by
the next run; one whose row is missing or stale (new submission, new lesson version, a run that
stopped half-way, a failure of the grading machinery rather than of the submission) is graded
again. Every write retries on a busy SQLite database or a concurrent insert from another program
writing the same gradebook (formgrader, a second run on another lesson).

Faults: a worker that dies mid-grading (SIGKILL included) takes no result with it: the scheduler
runs its tasks again elsewhere, and since results are written by the instructor side only when a
task completes, and written idempotently, every submission ends graded exactly once. The dead
worker's sandboxed kernel dies with it (``bwrap --die-with-parent``: bubblewrap and everything in
its PID namespace are killed when the worker process goes). A scheduler that disappears cancels
every pending task: :func:`fan_out` raises :class:`SchedulerLost` after the results already
received were written; the next run grades only what is missing.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import hashlib
import json
import os
import random
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Environment variables of the instructor's process that configure the sandbox: sent with each
#: lesson and set on the worker for the duration of a task (then restored).
TASK_ENV = (
    "NNFS_UNSAFE",
    "NNFS_NOTEBOOK_TIMEOUT",
    "NNFS_SANDBOX_MEMORY",
    "NNFS_SANDBOX_CPU",
    "NNFS_SANDBOX_NPROC",
    "NNFS_SANDBOX_FSIZE",
    "NNFS_KERNEL_THREADS",
)
SCHEDULER_ENV = "NNFS_DASK_SCHEDULER"
#: The largest submission (all its files) a task carries.
MAX_SUBMISSION_BYTES = int(os.environ.get("NNFS_MAX_SUBMISSION_BYTES", str(64 * 2**20)))
#: Failure reasons caused by the grading machinery, not by the submission: graded again next run.
RETRY_REASONS = ("grader error", "sandbox unavailable", "environment error", "worker died")
#: nbgrader settings that name places on the instructor's machine: replaced in the scratch course.
_PLACES = {
    "CourseDirectory": (
        "root",
        "source_directory",
        "release_directory",
        "submitted_directory",
        "autograded_directory",
        "feedback_directory",
        "solution_directory",
        "db_url",
        "student_id",
        "assignment_id",
        "notebook_id",
    ),
    "Exchange": ("root", "assignment_dir", "cache"),
}


class SchedulerLost(RuntimeError):
    """The Dask scheduler went away while grading; what was received before is saved."""


# ---------------------------------------------------------------------------------------------
# what travels


@dataclass
class LessonPackage:
    """Everything a worker needs to grade any submission of one lesson (one version of it)."""

    lesson: str
    course_id: str
    notebooks: list[str]
    records: dict  # the lesson's gradebook records (see lesson_records)
    source_files: dict[str, bytes]  # the lesson's source folder, relative path -> bytes
    config: dict  # the course's nbgrader configuration, as plain data
    env: dict[str, str] = field(default_factory=dict)
    hide: list[str] = field(default_factory=list)  # instructor-side folders the kernel must not see
    digest: str = ""  # the lesson's version: its records and source files

    def __post_init__(self):
        if not self.digest:  # the configuration is not part of it: after changing how grading works
            self.digest = _digest(
                json.dumps(  # (timeouts, preprocessors), `autograde --force`
                    [
                        self.lesson,
                        self.course_id,
                        self.notebooks,
                        self.records,
                        {k: _b64(v) for k, v in sorted(self.source_files.items())},
                    ],
                    sort_keys=True,
                    default=str,
                )
            )


@dataclass
class Submission:
    """One student's submitted folder for one lesson, as bytes."""

    student: str
    lesson: str
    files: dict[str, bytes]
    fingerprint: str = ""


@dataclass
class GradeResult:
    """What a task returns: the status and everything the instructor side writes."""

    status: dict  # a grader.status.SubmissionStatus as a dict
    fingerprint: str = ""
    timestamp: str | None = None  # the submission's time (naive UTC, ISO), nbgrader's
    notebooks: dict = field(default_factory=dict)  # name -> {"grades", "comments", "late_penalty"}
    files: dict[str, bytes] = field(default_factory=dict)  # the autograded folder
    worker: str = ""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def _ignored(relpath: str, ignore: list[str]) -> bool:
    return any(fnmatch.fnmatch(part, pattern) for part in Path(relpath).parts for pattern in ignore)


def read_folder(folder: Path, ignore: list[str] = (), limit: int | None = None) -> dict[str, bytes]:
    """Every regular file under ``folder`` (symbolic links skipped), relative path -> bytes."""
    out: dict[str, bytes] = {}
    total = 0
    for path in sorted(Path(folder).rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink() or not path.is_file() or _ignored(rel, list(ignore)):
            continue
        data = path.read_bytes()
        total += len(data)
        if limit is not None and total > limit:
            raise ValueError(f"submission larger than {limit // 2**20} MiB")
        out[rel] = data
    return out


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    folder = Path(folder)
    for rel, data in files.items():
        target = (folder / rel).resolve()
        if not target.is_relative_to(folder.resolve()):
            raise ValueError(f"refusing to write outside {folder}: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def fingerprint(package_digest: str, files: dict[str, bytes]) -> str:
    """What identifies one grading: the lesson's version and the submission's exact files."""
    h = hashlib.sha256(package_digest.encode())
    for rel in sorted(files):
        h.update(b"\0" + rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
    return h.hexdigest()


def plain_config(config) -> dict:
    """A traitlets Config as nested plain dicts (picklable, comparable)."""
    out = {}
    for key, value in config.items():
        out[key] = plain_config(value) if isinstance(value, dict) else value
    return out


def lesson_records(gb, lesson: str) -> dict:
    """The lesson's records in the real gradebook: notebooks, cells, points, due date."""
    assignment = gb.find_assignment(lesson)
    notebooks = []
    for nb in sorted(assignment.notebooks, key=lambda n: n.name):
        notebooks.append(
            {
                "name": nb.name,
                "grade_cells": sorted(
                    (
                        {"name": c.name, "max_score": float(c.max_score), "cell_type": c.cell_type}
                        for c in nb.grade_cells
                    ),
                    key=lambda c: c["name"],
                ),
                "solution_cells": sorted(c.name for c in nb.solution_cells),
                "task_cells": sorted(
                    (
                        {"name": c.name, "max_score": float(c.max_score), "cell_type": c.cell_type}
                        for c in nb.task_cells
                    ),
                    key=lambda c: c["name"],
                ),
                "source_cells": sorted(
                    (
                        {
                            "name": c.name,
                            "cell_type": c.cell_type,
                            "locked": bool(c.locked),
                            "source": c.source,
                            "checksum": c.checksum,
                        }
                        for c in nb.source_cells
                    ),
                    key=lambda c: c["name"],
                ),
            }
        )
    duedate = assignment.duedate.isoformat() if assignment.duedate is not None else None
    return {"duedate": duedate, "notebooks": notebooks}


def make_package(
    course, gb, lesson: str, env: dict[str, str] | None = None, hide: list[str] | None = None
) -> LessonPackage:
    """The :class:`LessonPackage` of ``lesson`` from the course (grader.course.Course) and its gradebook."""
    records = lesson_records(gb, lesson)
    coursedir = course.coursedir()
    source = Path(coursedir.format_path(coursedir.source_directory, ".", lesson))
    files = read_folder(source, coursedir.ignore) if source.is_dir() else {}
    config = plain_config(course.config)
    for section, names in _PLACES.items():
        for name in names:
            config.get(section, {}).pop(name, None)
    return LessonPackage(
        lesson=lesson,
        course_id=course.course_id,
        notebooks=[nb["name"] for nb in records["notebooks"]],
        records=records,
        source_files=files,
        config=config,
        env=dict(env or {}),
        hide=list(hide or []),
    )


def read_submission(course, student: str, lesson: str, package_digest: str) -> Submission | None:
    """The submitted folder of (student, lesson) as a :class:`Submission`; None when there is none."""
    coursedir = course.coursedir()
    folder = Path(coursedir.format_path(coursedir.submitted_directory, student, lesson))
    if not folder.is_dir():
        return None
    try:
        files = read_folder(folder, coursedir.ignore, MAX_SUBMISSION_BYTES)
    except ValueError as err:  # too large: the task reports it without carrying the files
        files = {".nnfs-too-large": str(err).encode()}
    return Submission(student, lesson, files, fingerprint(package_digest, files))


# ---------------------------------------------------------------------------------------------
# the task, on a worker

_LOCK = threading.Lock()  # one grading at a time per worker process (nbgrader is not thread-safe)
_SCRATCH: dict[str, Path] = {}  # package digest -> its scratch course in this process
_ALEMBIC_HEAD: list[str] = []


def scratch_base() -> Path:
    """This process's scratch folder: in the Dask worker's local directory when there is one."""
    if "base" not in _SCRATCH:
        parent = None
        try:
            from distributed import get_worker

            parent = get_worker().local_directory
        except (ImportError, ValueError):
            pass
        _SCRATCH["base"] = Path(tempfile.mkdtemp(prefix="nnfs-grading-", dir=parent))
    return _SCRATCH["base"]


def _alembic_head() -> str:
    """nbgrader's gradebook schema version, read in-process (nbgrader itself runs `alembic heads`)."""
    if not _ALEMBIC_HEAD:
        try:
            import nbgrader
            from alembic.script import ScriptDirectory

            head = ScriptDirectory(os.path.join(os.path.dirname(nbgrader.__file__), "alembic")).get_current_head()
        except Exception:  # the version only labels the scratch database
            head = "unknown"
        _ALEMBIC_HEAD.append(head or "unknown")
    return _ALEMBIC_HEAD[0]


def _scratch_config(package: LessonPackage, root: Path):
    from traitlets.config import Config

    config = Config(json.loads(json.dumps(package.config, default=str)))
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = package.course_id
    for name in ("source", "release", "submitted", "autograded", "feedback"):
        setattr(config.CourseDirectory, f"{name}_directory", name)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.Exchange.root = str(root / "exchange")
    config.NNFS.state_dir = str(root)
    return config


def _scratch_course(package: LessonPackage) -> Path:
    """The scratch course of ``package`` in this process: created on first use, reused after."""
    root = _SCRATCH.get(package.digest)
    if root is not None and (root / "gradebook.db").is_file():
        return root
    root = scratch_base() / f"{package.lesson}-{package.digest[:16]}"
    shutil.rmtree(root, ignore_errors=True)
    write_folder(root / "source" / package.lesson, package.source_files)
    _create_gradebook(root / "gradebook.db", package)
    _SCRATCH[package.digest] = root
    return root


def _create_gradebook(path: Path, package: LessonPackage) -> None:
    """A SQLite gradebook holding the lesson exactly as the real gradebook records it."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{path}", future=True)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:  # stamped here: nbgrader would run the `alembic` command for it
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": _alembic_head()})
    engine.dispose()
    with Gradebook(f"sqlite:///{path}", package.course_id) as gb:
        register_lesson(gb, package.lesson, package.records)


def register_lesson(gb, lesson: str, records: dict) -> None:
    """Put the lesson's records (:func:`lesson_records`) into the gradebook ``gb``."""
    gb.update_or_create_assignment(lesson, duedate=records.get("duedate"))
    for nb in records["notebooks"]:
        gb.update_or_create_notebook(nb["name"], lesson)
        for cell in nb["grade_cells"]:
            gb.update_or_create_grade_cell(
                cell["name"], nb["name"], lesson, max_score=cell["max_score"], cell_type=cell["cell_type"]
            )
        for name in nb["solution_cells"]:
            gb.update_or_create_solution_cell(name, nb["name"], lesson)
        for cell in nb["task_cells"]:
            gb.update_or_create_task_cell(
                cell["name"], nb["name"], lesson, max_score=cell["max_score"], cell_type=cell["cell_type"]
            )
        for cell in nb["source_cells"]:
            gb.update_or_create_source_cell(
                cell["name"],
                nb["name"],
                lesson,
                cell_type=cell["cell_type"],
                locked=cell["locked"],
                source=cell["source"],
                checksum=cell["checksum"],
            )


@contextlib.contextmanager
def task_environment(env: dict[str, str], hide: list[str]):
    """Set the task's variables (the sandbox's settings, the folders to hide) and restore them after."""
    from grader import sandbox

    hidden = [p for p in os.environ.get(sandbox.HIDE_ENV, "").split(os.pathsep) if p]
    wanted = {k: v for k, v in env.items() if k in TASK_ENV}
    wanted[sandbox.HIDE_ENV] = os.pathsep.join([*hidden, *hide, str(scratch_base())])
    names = set(TASK_ENV) | {sandbox.HIDE_ENV}
    saved = {k: os.environ.get(k) for k in names}
    try:
        for name in names:
            if name in wanted:
                os.environ[name] = wanted[name]
            else:
                os.environ.pop(name, None)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def grade_submission(package: LessonPackage, submission: Submission) -> GradeResult:
    """THE grading task: grade one submission in this process's scratch course; never raises."""
    import warnings

    start = time.monotonic()
    # nbgrader's own submission code trips SQLAlchemy autoflush warnings: noise, not news
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        with _LOCK, task_environment(package.env, package.hide):
            result = _grade(package, submission, start)
    except Exception as err:  # never lose a submission to a grader bug: report it (graded again next run)
        import traceback

        from grader.status import SubmissionStatus

        status = SubmissionStatus(
            student=submission.student,
            lesson=submission.lesson,
            kind="failed",
            reason=f"grader error: {type(err).__name__}: {err}"[:300],
            seconds=round(time.monotonic() - start, 3),
            detail=traceback.format_exc()[-3000:],
        )
        result = GradeResult(status=asdict(status))
    result.fingerprint = submission.fingerprint
    result.status["fingerprint"] = submission.fingerprint
    result.worker = result.status["worker"] = _worker_name()
    return result


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def _grade(package: LessonPackage, submission: Submission, start: float) -> GradeResult:
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    from grader import flags
    from grader.autograde import classify_failure, executed_problems
    from grader.status import SubmissionStatus

    student, lesson = submission.student, submission.lesson

    def done(kind: str, reason: str = "", **extra) -> GradeResult:
        status = SubmissionStatus(
            student=student,
            lesson=lesson,
            kind=kind,
            reason=reason,
            seconds=round(time.monotonic() - start, 3),
            **extra,
        )
        return GradeResult(status=asdict(status))

    if ".nnfs-too-large" in submission.files:
        return done("failed", submission.files[".nnfs-too-large"].decode())
    root = _scratch_course(package)
    submitted = root / "submitted" / student / lesson
    autograded = root / "autograded" / student / lesson
    for folder in (root / "submitted" / student, root / "autograded" / student):
        shutil.rmtree(folder, ignore_errors=True)
    write_folder(submitted, submission.files)
    try:
        # the notebooks themselves: present, named right, valid JSON
        notebooks = package.notebooks
        present = sorted(p.name for p in submitted.glob("*.ipynb"))
        expected = [f"{n}.ipynb" for n in notebooks]
        missing = [e for e in expected if e not in present]
        if missing:
            others = [p for p in present if p not in expected]
            if others:
                return done(
                    "failed", f"misnamed notebook (submitted {', '.join(others)}; expected {', '.join(missing)})"
                )
            return done("failed", f"missing notebook ({', '.join(missing)} not in the submission)")
        for name in expected:
            try:
                nb = json.loads((submitted / name).read_text(encoding="utf-8"))
                if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
                    raise ValueError("not a notebook: no list of cells")
            except Exception as err:
                first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                return done("failed", f"invalid notebook JSON ({name}: {type(err).__name__}: {first[:120]})")

        config = _scratch_config(package, root)
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id, coursedir.student_id = lesson, student
        app = Autograde(coursedir=coursedir, config=config)
        app.force = True
        app.create_student = True
        outcome = capture_log(app)
        text = (outcome.get("log") or "") + "\n" + (outcome.get("error") or "")

        # what nbgrader recorded: timestamp, lateness (its own rule, with the carried due date), scores
        timestamp, seconds_late, per_notebook = None, 0.0, {}
        with Gradebook(config.CourseDirectory.db_url, package.course_id) as gb:
            try:
                sub = gb.find_submission(lesson, student)
            except MissingEntry:
                sub = None
            if sub is not None:
                timestamp = sub.timestamp.isoformat() if sub.timestamp is not None else None
                seconds_late = float(sub.total_seconds_late or 0.0)
                for snb in sub.notebooks:
                    per_notebook[snb.name] = {
                        "grades": {g.name: g.auto_score for g in snb.grades},
                        "comments": {c.name: c.auto_comment for c in snb.comments},
                        "late_penalty": snb.late_submission_penalty,
                    }
                gb.remove_submission(lesson, student)  # the scratch gradebook keeps nothing
        late = seconds_late > 0

        flag_reasons: list[str] = []
        for name in notebooks:
            source = root / "source" / lesson / f"{name}.ipynb"
            try:
                flag_reasons += flags.analyze_notebook(
                    str(submitted / f"{name}.ipynb"), str(source) if source.exists() else None
                )
            except Exception as err:  # a notebook we cannot analyse is itself suspicious
                flag_reasons.append(f"{name}: could not be analysed ({type(err).__name__})")

        common = dict(late=late, seconds_late=seconds_late, flags=flag_reasons)
        if not outcome["success"]:
            result = done("failed", classify_failure(text), graded=False, detail=text.strip()[-3000:], **common)
            result.timestamp = timestamp
            return result
        files = read_folder(autograded) if autograded.is_dir() else {}
        problems: list[str] = []
        for name in notebooks:
            problems += executed_problems(str(autograded / f"{name}.ipynb"))
        if problems:
            reason = problems[0] if len(problems) == 1 else f"{problems[0]} (+{len(problems) - 1} more)"
            if "memory" in problems[0]:
                reason = reason.replace("memory limit in", "memory limit (MemoryError) in")
            result = done("failed", reason, graded=True, **common)
        elif flag_reasons:
            result = done("flagged", "; ".join(flag_reasons), graded=True, **common)
        else:
            result = done("late" if late else "ok", graded=True, **common)
        result.timestamp, result.notebooks, result.files = timestamp, per_notebook, files
        return result
    finally:
        for folder in (root / "submitted" / student, root / "autograded" / student):
            shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# the one writer, on the instructor's side


def with_busy_timeout(db_url: str, seconds: int = 60) -> str:
    """SQLite: wait up to ``seconds`` for a lock instead of failing at once (other URLs unchanged)."""
    if db_url.startswith("sqlite:") and "timeout=" not in db_url:
        return db_url + ("&" if "?" in db_url else "?") + f"timeout={seconds}"
    return db_url


def _retrying(action, attempts: int = 8):
    """Run ``action()``; on a busy database or a concurrent insert, roll back (it does) and retry.

    nbgrader's Gradebook rolls back and re-raises a concurrent insert's IntegrityError as its own
    ``InvalidEntry`` (two writers creating the same submission row at once, seen on PostgreSQL).
    """
    from nbgrader.api import InvalidEntry
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(attempts):
        try:
            return action()
        except (OperationalError, IntegrityError, InvalidEntry):
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))


class GradebookWriter:
    """Writes results into the real gradebook, the autograded folder and the status table."""

    def __init__(self, course):
        import warnings

        from nbgrader.api import Gradebook

        from grader.status import StatusStore

        warnings.filterwarnings("ignore", message=".*not in session.*")
        self.course = course
        self.coursedir = course.coursedir()
        self.db_url = with_busy_timeout(course.gradebook_url)
        self.gb = Gradebook(self.db_url, course.course_id)
        self.store = StatusStore(course.gradebook_url)

    def close(self) -> None:
        self.gb.close()
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def autograded_folder(self, student: str, lesson: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.autograded_directory, student, lesson))

    def write(self, result: GradeResult):
        """Write one result (idempotent: writing it twice leaves the same rows and files)."""
        from grader.status import SubmissionStatus

        status = SubmissionStatus.from_dict(result.status)
        if status.kind == "missing":  # a student of the class all the same (export lists them)
            _retrying(lambda: self._add_student(status.student))
        else:
            _retrying(lambda: self._write_grades(status, result))
        self._replace_folder(status.student, status.lesson, result.files if status.graded else None)
        _retrying(lambda: self.store.save(status))
        return status

    def _add_student(self, student: str) -> None:
        try:
            self.gb.update_or_create_student(student)
        except Exception:
            self.gb.db.rollback()
            raise

    def _write_grades(self, status, result: GradeResult) -> None:
        from nbgrader.api import MissingEntry

        gb = self.gb
        try:
            gb.update_or_create_student(status.student)
            if status.graded:
                kwargs = {"timestamp": result.timestamp} if result.timestamp else {}
                sub = gb.update_or_create_submission(status.lesson, status.student, **kwargs)
            else:  # not gradable as submitted: no scores, and none left over from an earlier version
                try:
                    sub = gb.find_submission(status.lesson, status.student)
                except MissingEntry:
                    gb.db.commit()
                    return
            for snb in sub.notebooks:
                data = result.notebooks.get(snb.name) if status.graded else None
                grades = (data or {}).get("grades", {})
                comments = (data or {}).get("comments", {})
                for grade in snb.grades:
                    # as nbgrader's SaveAutoGrades: a manual grade or no automatic score needs a human
                    grade.auto_score = grades.get(grade.name)
                    grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
                for comment in snb.comments:
                    comment.auto_comment = comments.get(comment.name)
                snb.late_submission_penalty = (data or {}).get("late_penalty")
            gb.db.commit()
        except Exception:
            gb.db.rollback()
            raise

    def _replace_folder(self, student: str, lesson: str, files: dict[str, bytes] | None) -> None:
        """autograded/<student>/<lesson> := files (None: removed), swapped in at once."""
        target = self.autograded_folder(student, lesson)
        old = target.with_name(f".{lesson}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        new = None
        if files:
            target.parent.mkdir(parents=True, exist_ok=True)
            new = Path(tempfile.mkdtemp(prefix=f".{lesson}.new-", dir=target.parent))
            write_folder(new, files)
            os.chmod(new, 0o755)
        if target.exists():
            os.replace(target, old)
        if new is not None:
            os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# the cluster


def local_workers() -> int:
    return len(os.sched_getaffinity(0))


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, timeout: float = 30):
    """A Dask client: to ``scheduler`` (an address), else to a new LocalCluster of ``workers``
    processes (default: one per CPU core), one thread each. Yields (client, description)."""
    import logging

    from distributed import Client, LocalCluster

    # Dask logs every lost connection with a traceback; what matters reaches the caller as an exception
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as err:
            raise SchedulerLost(
                f"cannot reach the Dask scheduler at {scheduler} ({type(err).__name__}: {err}); "
                f"is `dask scheduler` running there?"
            ) from err
        try:
            n = (
                len(client.scheduler_info(n_workers=-1)["workers"])
                if _takes_n_workers(client)
                else len(client.scheduler_info()["workers"])
            )
            yield client, f"scheduler {scheduler} ({n} worker(s) now)"
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=5)
        return
    n = max(1, workers or local_workers())
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0" if _has_dashboard() else None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    try:
        yield client, f"LocalCluster of {n} worker process(es)"
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=10)
        with contextlib.suppress(Exception):
            cluster.close(timeout=20)


def _takes_n_workers(client) -> bool:
    import inspect

    return "n_workers" in inspect.signature(client.scheduler_info).parameters


def _has_dashboard() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def dashboard(client) -> str | None:
    """The dashboard's address, when the scheduler serves one."""
    try:
        info = client.scheduler_info()
        # the scheduler's HTTP server always runs; its dashboard pages need bokeh on the scheduler
        if "dashboard" not in info.get("services", {}) or not client.run_on_scheduler(_has_dashboard):
            return None
        return client.dashboard_link
    except Exception:
        return None


def probe_workers(client) -> dict[str, tuple[bool, str]]:
    """worker address -> (bubblewrap works there, why)."""
    from grader import sandbox

    return client.run(sandbox.available)


def fan_out(client, packages: dict[str, LessonPackage], submissions: list[Submission], on_result) -> None:
    """Grade every submission on the cluster; ``on_result(GradeResult)`` as each one completes.

    Raises :class:`SchedulerLost` when the scheduler goes away (results received before were
    passed to ``on_result``).
    """
    from distributed import as_completed
    from distributed.client import FutureCancelledError

    lesson_futures = {
        name: client.submit(_identity, pkg, key=f"lesson-{name}-{pkg.digest[:16]}", pure=False)
        for name, pkg in packages.items()
        if any(s.lesson == name for s in submissions)
    }
    futures = {}
    for sub in submissions:
        key = f"grade-{sub.lesson}-{sub.student}-{sub.fingerprint[:12]}"
        future = client.submit(grade_submission, lesson_futures[sub.lesson], sub, key=key, pure=False)
        futures[future] = sub
    try:
        for future in as_completed(futures):
            sub = futures[future]
            try:
                result = future.result()
            except (FutureCancelledError, *_cancelled_errors()) as err:
                raise SchedulerLost(_lost_message(client, err)) from err
            except Exception as err:  # e.g. KilledWorker: the task killed workers again and again
                on_result(_infrastructure_failure(sub, err))
                continue
            on_result(result)
    finally:
        with contextlib.suppress(Exception):
            client.cancel(list(futures) + list(lesson_futures.values()))


def _cancelled_errors() -> tuple[type, ...]:
    import asyncio
    import concurrent.futures

    return (asyncio.CancelledError, concurrent.futures.CancelledError)


def _lost_message(client, err) -> str:
    address = getattr(client.scheduler, "address", None) or "?"
    return f"lost the connection to the Dask scheduler ({address}): {getattr(err, 'msg', '') or err}"


def _identity(package: LessonPackage) -> LessonPackage:
    return package


def _infrastructure_failure(sub: Submission, err: Exception) -> GradeResult:
    from grader.status import SubmissionStatus

    name = type(err).__name__
    reason = (
        "grader error: worker died while grading it, again and again"
        if name == "KilledWorker"
        else f"grader error: {name}: {err}"
    )
    status = SubmissionStatus(student=sub.student, lesson=sub.lesson, kind="failed", reason=reason[:300])
    return GradeResult(status=asdict(status), fingerprint=sub.fingerprint)


def needs_grading(status, fingerprint_: str, autograded_exists: bool) -> bool:
    """Whether a submission must be graded (again), given its recorded status (or None)."""
    if status is None or getattr(status, "fingerprint", "") != fingerprint_:
        return True
    if status.kind == "failed" and status.reason.startswith(RETRY_REASONS):
        return True
    return status.graded and not autograded_exists


__all__ = [
    "LessonPackage",
    "Submission",
    "GradeResult",
    "SchedulerLost",
    "GradebookWriter",
    "connect",
    "fan_out",
    "grade_submission",
    "make_package",
    "read_submission",
    "fingerprint",
    "needs_grading",
    "dashboard",
    "probe_workers",
    "local_workers",
    "task_environment",
]
