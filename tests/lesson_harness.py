#!/usr/bin/env python
"""Lesson QA harness: does every lesson's test cell accept right answers and reject wrong ones?

Two modes, both one fresh kernel per lesson (nbclient, errors allowed, a time limit per cell):

* **variants** (default): run ``solutions/<id>/<id>.ipynb`` top to bottom, then, in the same
  kernel, for every variant of ``tests/lesson_cases/<id>.py``: run the variant's answer-cell
  source, run the exercise's test cell (and, for a WRONG variant, the test cells its exercise
  lists in ``ALSO_FAILS``), record pass/fail, the error's first line and anything written to
  stderr, then re-run the solution's answer cell to restore it. A test cell "passes" exactly when
  nbgrader would give it full marks (no error output, nothing on stderr, no partial-credit value).
  Problems: a solution cell that errors or writes to stderr, a solution test cell that does not
  pass, a CORRECT variant that does not pass, a WRONG variant that passes its own test cell (or an
  ``ALSO_FAILS`` cell), a WRONG variant that fails only by writing to stderr (COURSE_SPEC: a
  warning is never how a test fails), malformed variants files, and exercises without any WRONG
  variant (a test never shown to fail). A WRONG variant is first run against the VISIBLE part of
  its test cell (what the student's release shows): it must fail there already, unless it is
  marked hidden-only (below); only then is the whole cell run. So this one pass also proves
  COURSE_SPEC's "Visible tests cover every kind of requirement" on every variant, at no extra
  kernel cost; and the release's test cells must equal the solution's visible parts.

* **release** (``--release``): run ``lessons/<id>/<id>.ipynb`` as a student receives it. The kernel
  must survive, no test cell may pass on the blank notebook, and no cell other than test and
  answer cells may raise anything but ``NotImplementedError`` (demos degrade gracefully).

* **visible** (``--visible``): the same measurement on its own (for a course author's quick look).
  Run the solution notebook with every test cell cut to its *visible* part (the source without its
  ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` block, exactly what the student's release
  notebook shows), then every variant against the visible part of its own test cell only. A WRONG
  variant must fail the visible tests, unless the variants file marks it hidden-only (below); a
  CORRECT variant must pass them. Problems: everything the variants mode reports about the
  solution run, a WRONG variant that passes the visible tests without a hidden-only mark, a
  hidden-only variant that fails the visible tests after all (a stale mark: remove it), and a
  release test cell that differs from the solution's visible part (run ``grader release``).

Usage::

    .venv/bin/python tests/lesson_harness.py 04_activations
    .venv/bin/python tests/lesson_harness.py 04_activations --exercise relu --exercise softmax
    .venv/bin/python tests/lesson_harness.py 04_activations --release
    .venv/bin/python tests/lesson_harness.py 04_activations --visible
    .venv/bin/python tests/lesson_harness.py --all [--release] [--others]

Kernels run with one BLAS/OpenMP thread (``--threads``, see DEFAULT_THREADS) and in a scratch copy
of the lesson folder. ``--others`` also runs every other test cell after each variant: those in ``ALSO_FAILS`` must fail,
all the rest must still pass (what autograding a student with that one mistake will show).
The exit status is non-zero when any checked lesson has a problem.

Variants files (``tests/lesson_cases/<id>.py``) define ``CORRECT = {exercise: [answer_source, ...]}``,
``WRONG = {exercise: [(answer_source, what_mistake_it_models), ...]}`` and optionally
``ALSO_FAILS = {exercise: [test_id, ...]}``. A WRONG entry may carry a third element
``"hidden-only: <reason>"``: the variant differs from a right answer only in values that a hidden
test must keep secret (hard-coding, a value the student must not be shown), so it is expected to
pass the visible tests and to fail the full test cell; the reason is printed in every report. Use
it sparingly: a requirement the student cannot see is not a hidden-only reason.

From Python (the per-lesson test suite uses this)::

    from lesson_harness import check_lesson, check_release, check_visible
    report = check_lesson("04_activations")
    assert report.ok, report.format()
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "lesson_cases"
DEFAULT_TIMEOUT = 120
# BLAS/OpenMP threads per kernel. One: on a busy 2-core machine multi-threaded OpenBLAS (and torch)
# spin-wait and run small training loops 5-10x slower (10_digits' test: 7 s vs 54 s), which turns
# correct answers into cell timeouts. None keeps the environment's own setting.
DEFAULT_THREADS = 1
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)

if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))


# ----------------------------------------------------------------------------- notebook helpers


def thread_env(threads: int) -> dict:
    """Environment variables that cap BLAS/OpenMP (and torch's intra-op) threads at ``threads``."""
    return {name: str(threads) for name in THREAD_VARS}


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_answer_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("solution")) and not meta.get("grade")


def is_test_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def solution_path(lesson_id: str, root: Path = ROOT) -> Path:
    return root / "solutions" / lesson_id / f"{lesson_id}.ipynb"


def release_path(lesson_id: str, root: Path = ROOT) -> Path:
    return root / "lessons" / lesson_id / f"{lesson_id}.ipynb"


HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
HIDDEN_ONLY = "hidden-only:"


def split_test_source(source: str) -> tuple[str, str]:
    """(visible, hidden) parts of a test cell's source.

    Visible: every line outside the ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` blocks, as
    nbgrader's release keeps it (the marker lines go too). Hidden: the lines inside the blocks. A
    block without its END marker runs to the end of the cell.
    """
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        mark = line.strip()
        if mark == HIDDEN_BEGIN:
            inside = True
        elif mark == HIDDEN_END:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
    return "\n".join(visible).rstrip() + ("\n" if visible else ""), "\n".join(hidden) + ("\n" if hidden else "")


def visible_part(source: str) -> str:
    """The part of a test cell the student sees in the release notebook (see split_test_source)."""
    return split_test_source(source)[0]


def hidden_only_reason(item) -> str:
    """The reason of a WRONG entry marked ``"hidden-only: <reason>"`` (third element), else ""."""
    if (
        isinstance(item, (tuple, list))
        and len(item) == 3
        and isinstance(item[2], str)
        and item[2].startswith(HIDDEN_ONLY)
    ):
        return item[2][len(HIDDEN_ONLY) :].strip()
    return ""


def available_lessons(root: Path = ROOT) -> list[str]:
    return sorted(p.stem for p in (root / "grader" / "sources").glob("[0-9][0-9]_*.py"))


def load_variants(lesson_id: str, cases_dir: Path = CASES):
    """The variants module ``tests/lesson_cases/<id>.py`` (loaded from its path), or None."""
    path = cases_dir / f"{lesson_id}.py"
    if not path.exists():
        return None
    name = f"_lesson_cases_{lesson_id}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nbgrader_passes(cell) -> tuple[bool, float, float]:
    """(full marks?, score, max) as nbgrader's own determine_grade scores an executed test cell."""
    from nbgrader.utils import determine_grade

    probe = copy.deepcopy(cell)
    meta = probe.metadata.setdefault("nbgrader", {})
    meta.update(grade=True, solution=False)
    meta.setdefault("points", 1.0)
    meta.setdefault("grade_id", "probe")
    try:
        score, max_points = determine_grade(probe)
    except Exception:  # a malformed partial-credit output: nbgrader would choke too
        return False, 0.0, float(meta["points"])
    return score is not None and float(score) >= float(max_points), float(score or 0.0), float(max_points)


# ----------------------------------------------------------------------------- results


@dataclass
class CellRun:
    """One executed cell: what it was, how it ended."""

    label: str
    role: str  # "answer", "tests", "code", "variant", "restore"
    grade_id: str | None = None
    error: str = ""  # "Ename: first line of the message", "" when none
    ename: str = ""
    stderr: str = ""
    seconds: float = 0.0
    passed: bool = True  # for test cells: full marks as nbgrader scores them
    died: bool = False

    @property
    def failed_by_error(self) -> bool:
        return bool(self.error)


@dataclass
class VariantResult:
    exercise: str
    kind: str  # "CORRECT" or "WRONG"
    index: int
    note: str  # the mistake a WRONG variant models
    answer: CellRun | None = None
    own: CellRun | None = None
    others: dict = field(default_factory=dict)  # test id -> CellRun
    expected_fail: tuple = ()  # test ids that must fail besides the own one (WRONG: ALSO_FAILS)
    hidden_only: str = ""  # WRONG marked "hidden-only: <reason>": the reason
    problems: list = field(default_factory=list)
    source: str = field(default="", repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class LessonReport:
    lesson_id: str
    mode: str  # "variants", "release" or "visible"
    notebook: str
    cells: list = field(default_factory=list)  # CellRun for the notebook's own cells
    variants: list = field(default_factory=list)  # VariantResult
    problems: list = field(default_factory=list)  # lesson-level problems (strings)
    warnings: list = field(default_factory=list)
    seconds: float = 0.0
    kernel_starts: int = 0

    @property
    def all_problems(self) -> list[str]:
        out = list(self.problems)
        for v in self.variants:
            out += [f"{v.kind} {v.exercise}#{v.index}: {p}" for p in v.problems]
        return out

    @property
    def ok(self) -> bool:
        return not self.all_problems

    def test_cell_seconds(self) -> dict:
        """Seconds each test cell took in the notebook's own run (grade_id -> seconds)."""
        return {c.grade_id: c.seconds for c in self.cells if c.role == "tests"}

    def format(self) -> str:
        lines = [
            f"== {self.lesson_id} [{self.mode}] {self.notebook}  "
            f"({self.seconds:.1f} s, {self.kernel_starts} kernel start(s))"
        ]
        lines.append(
            _table(
                ["cell", "role", "time", "result", "detail"],
                [
                    [
                        c.label,
                        c.role,
                        f"{c.seconds:.2f}",
                        _cell_result(c, self.mode),
                        _short(c.error or (("stderr: " + c.stderr) if c.stderr else "")),
                    ]
                    for c in self.cells
                    if c.role in ("answer", "tests") or c.error or c.stderr or c.died
                ],
            )
        )
        if self.variants:
            rows = []
            for v in self.variants:
                want = "pass" if v.kind == "CORRECT" or (v.hidden_only and self.mode == "visible") else "fail"
                got = "-" if v.own is None else ("pass" if v.own.passed else "fail")
                detail = ""
                if v.own is not None and not v.own.passed:
                    detail = v.own.error or ("stderr: " + v.own.stderr if v.own.stderr else "no full marks")
                if v.others:
                    detail += (
                        "  [" + ", ".join(f"{t}:{'pass' if r.passed else 'fail'}" for t, r in v.others.items()) + "]"
                    )
                note = (f"[hidden-only: {v.hidden_only}] " if v.hidden_only else "") + v.note
                rows.append(
                    [
                        v.exercise,
                        v.kind,
                        str(v.index),
                        want,
                        got,
                        "ok" if v.ok else "PROBLEM",
                        _short(note, 40),
                        _short(detail, 70),
                    ]
                )
            lines.append(_table(["exercise", "kind", "#", "want", "got", "status", "models", "test said"], rows))
        for w in self.warnings:
            lines.append(f"warning: {w}")
        problems = self.all_problems
        for p in problems:
            lines.append(f"PROBLEM: {p}")
        lines.append(f"{self.lesson_id} [{self.mode}]: " + ("OK" if not problems else f"{len(problems)} problem(s)"))
        return "\n".join(lines)


def _cell_result(c: CellRun, mode: str) -> str:
    if c.died:
        return "KERNEL DIED"
    if c.role == "tests":
        return "pass" if c.passed else "fail"
    if c.error:
        return c.ename or "error"
    return "stderr" if c.stderr else "ok"


def _short(text: str, width: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _table(header: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return ""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*r) for r in rows]
    return "\n".join(line.rstrip() for line in out)


# ----------------------------------------------------------------------------- execution


class _Kernel:
    """One nbclient kernel that executes cells one at a time and survives nothing silently."""

    def __init__(self, path: Path, timeout: int, threads: int | None = DEFAULT_THREADS):
        from nbclient import NotebookClient
        from traitlets.config import Config

        # The notebook runs in a scratch copy of its folder: whatever it writes stays out of the repo.
        self._workdir = tempfile.TemporaryDirectory(prefix=f"harness-{path.stem}-")
        shutil.copytree(path.parent, self._workdir.name, dirs_exist_ok=True)
        config = Config()
        config.KernelManager.transport = "ipc"  # local sockets: no "running over TCP" warning
        config.KernelManager.ip = str(Path(self._workdir.name) / "kernel-ipc")
        self.nb = nbformat.v4.new_notebook()
        self.nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
        self.client = NotebookClient(
            self.nb,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={
                "ename": "CellTimeoutError",
                "evalue": f"cell ran longer than {timeout} s",
                "traceback": [f"CellTimeoutError: cell ran longer than {timeout} s"],
            },
            resources={"metadata": {"path": self._workdir.name}},
            record_timing=False,
            config=config,
        )
        self.timeout = timeout
        self.env = dict(os.environ)
        if threads:
            self.env.update(thread_env(threads))
        self._ctx = None

    def start(self) -> None:
        self._ctx = self.client.setup_kernel(env=self.env)
        self._ctx.__enter__()

    def stop(self) -> None:
        if self._ctx is not None:
            try:
                self._ctx.__exit__(None, None, None)
            except Exception:
                pass
            self._ctx = None
        self._workdir.cleanup()

    def run(self, source: str, label: str, role: str, gid: str | None = None) -> tuple[CellRun, object]:
        from nbclient.exceptions import DeadKernelError

        cell = nbformat.v4.new_code_cell(source)
        if gid and role == "tests":
            cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": gid, "points": 1.0}
        self.nb.cells.append(cell)
        index = len(self.nb.cells) - 1
        run = CellRun(label=label, role=role, grade_id=gid)
        start = time.monotonic()
        try:
            reply = self.client.execute_cell(cell, index)
        except DeadKernelError as err:
            run.died, run.error, run.ename, run.passed = True, f"DeadKernelError: {err}", "DeadKernelError", False
            run.seconds = time.monotonic() - start
            return run, cell
        run.seconds = time.monotonic() - start
        _read_outputs(cell, run)
        status = ((reply or {}).get("content") or {}).get("status", "ok") if isinstance(reply, dict) else "ok"
        if status == "error" and not run.error:
            content = reply.get("content", {})
            run.ename = content.get("ename", "Error")
            run.error = f"{run.ename}: {(str(content.get('evalue', '')).splitlines() or [''])[0]}"
            cell.outputs.append(
                nbformat.v4.new_output("error", ename=run.ename, evalue=str(content.get("evalue", "")), traceback=[])
            )
        if run.seconds >= self.timeout and run.ename in ("KeyboardInterrupt", "CellTimeoutError", "Error"):
            run.ename, run.error = (
                "CellTimeoutError",
                f"CellTimeoutError: ran longer than {self.timeout} s (interrupted)",
            )
        run.stderr = run.stderr.strip()
        run.passed = nbgrader_passes(cell)[0] if role == "tests" else not (run.error or run.stderr)
        return run, cell


def _read_outputs(cell, run: CellRun) -> CellRun:
    """Fill ``run.error``/``ename`` (the first error output) and ``run.stderr`` from a cell's outputs."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error" and not run.error:
            first = (str(out.get("evalue", "")).strip().splitlines() or [""])[0]
            run.ename = out.get("ename", "Error")
            run.error = f"{run.ename}: {first}".rstrip(": ")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            text = out.get("text", "")
            run.stderr += "".join(text) if isinstance(text, list) else text
    return run


def runs_from_executed(nb) -> list[CellRun]:
    """CellRuns read back from a notebook executed elsewhere (e.g. nbgrader's autograded copy)."""
    runs = []
    for label, role, gid, _src, cell in _notebook_cells(nb, with_cells=True):
        run = _read_outputs(cell, CellRun(label=label, role=role, grade_id=gid))
        run.stderr = run.stderr.strip()
        run.passed = nbgrader_passes(cell)[0] if role == "tests" else not (run.error or run.stderr)
        runs.append(run)
    return runs


def _notebook_cells(nb, with_cells: bool = False) -> list[tuple]:
    """(label, role, grade_id, source[, cell]) for every code cell of a notebook."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        gid = grade_id(cell)
        role = "answer" if is_answer_cell(cell) else "tests" if is_test_cell(cell) else "code"
        label = gid or cell.get("id") or f"cell {i}"
        out.append((label, role, gid, cell.source, cell) if with_cells else (label, role, gid, cell.source))
    return out


def wrong_entry_ok(item) -> bool:
    """A well-formed WRONG entry: (source, note) or (source, note, "hidden-only: <non-empty reason>")."""
    if not (isinstance(item, (tuple, list)) and len(item) in (2, 3) and all(isinstance(s, str) for s in item)):
        return False
    return len(item) == 2 or bool(hidden_only_reason(item))


def _validate_variants(
    module, exercises: set[str], graded: set[str], tests: set[str], report: LessonReport, only
) -> tuple[dict, dict, dict]:
    correct = getattr(module, "CORRECT", None)
    wrong = getattr(module, "WRONG", None)
    also = getattr(module, "ALSO_FAILS", {}) or {}
    if not isinstance(correct, dict) or not isinstance(wrong, dict):
        report.problems.append("variants file must define dicts CORRECT and WRONG")
        return {}, {}, {}
    for name in sorted(set(correct) | set(wrong) | set(also)):
        if name not in exercises:
            report.problems.append(
                f"variants name {name!r} is not an exercise of the notebook "
                f"(answer cells: {', '.join(sorted(exercises))})"
            )
    for name, ids in also.items():
        for t in ids:
            if t not in tests:
                report.problems.append(f"ALSO_FAILS[{name!r}] names {t!r}, not a test cell of the notebook")
    for name, items in wrong.items():
        for i, item in enumerate(items):
            if not wrong_entry_ok(item):
                report.problems.append(
                    f"WRONG[{name!r}][{i}] must be (answer_cell_source, what_mistake_it_models) "
                    f"or (answer_cell_source, what_mistake_it_models, \"hidden-only: <reason>\")"
                )
    for name, items in correct.items():
        for i, item in enumerate(items):
            if not isinstance(item, str):
                report.problems.append(f"CORRECT[{name!r}][{i}] must be an answer-cell source string")
    checked = [e for e in sorted(graded) if only is None or e in only]
    for name in checked:
        if not wrong.get(name):
            report.problems.append(
                f"coverage: exercise {name!r} has no WRONG variant (nothing shows its test can fail)"
            )
        if not correct.get(name):
            report.warnings.append(
                f"exercise {name!r} has no CORRECT variant (only the solution shows its test passes)"
            )
    return correct, wrong, also


def check_lesson(
    lesson_id: str,
    exercises: list[str] | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    others: bool = False,
    root: Path = ROOT,
    cases_dir: Path = CASES,
    threads: int | None = DEFAULT_THREADS,
) -> LessonReport:
    """Run the solution notebook and every variant of the lesson in one kernel; see the module doc."""
    return _check_variants(lesson_id, "variants", exercises, timeout, others, root, cases_dir, threads)


def check_visible(
    lesson_id: str,
    exercises: list[str] | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    root: Path = ROOT,
    cases_dir: Path = CASES,
    threads: int | None = DEFAULT_THREADS,
) -> LessonReport:
    """Every variant against the VISIBLE part of its test cell only, in one kernel; see the module doc."""
    return _check_variants(lesson_id, "visible", exercises, timeout, False, root, cases_dir, threads)


def _check_variants(
    lesson_id: str,
    mode: str,
    exercises: list[str] | None,
    timeout: int,
    others: bool,
    root: Path,
    cases_dir: Path,
    threads: int | None,
) -> LessonReport:
    """The variants and visible modes: one kernel, the solution notebook, then every variant."""
    started = time.monotonic()
    path = solution_path(lesson_id, root)
    report = LessonReport(lesson_id, mode, str(path.relative_to(root)) if path.is_relative_to(root) else str(path))
    if not path.exists():
        report.problems.append(f"{report.notebook} does not exist")
        return report
    nb = nbformat.read(path, as_version=4)
    cells = _notebook_cells(nb)
    if mode == "visible":  # the solution notebook as the release shows its tests: hidden blocks removed
        cells = [(label, role, gid, visible_part(src) if role == "tests" else src) for label, role, gid, src in cells]
    # the release's test cells must be exactly the visible parts the variants are judged against
    _compare_release_tests(
        lesson_id,
        [(label, role, gid, visible_part(src) if role == "tests" else src) for label, role, gid, src in cells],
        root,
        report,
    )
    answers = {gid: src for _, role, gid, src in cells if role == "answer" and gid}
    tests = {gid: src for _, role, gid, src in cells if role == "tests" and gid}
    only = set(exercises) if exercises else None
    if only:
        for name in sorted(only - set(answers)):
            report.problems.append(f"--exercise {name!r}: no answer cell with that grade_id")
    for name in answers:
        if f"test_{name}" not in tests:  # an ungraded exercise: allowed, nothing to check
            report.warnings.append(f"answer cell {name!r} has no test cell 'test_{name}' (ungraded exercise)")

    try:
        module = load_variants(lesson_id, cases_dir)
    except Exception as err:  # a syntax error in the variants file is the author's to see
        module = None
        report.problems.append(f"tests/lesson_cases/{lesson_id}.py does not import: {type(err).__name__}: {err}")
    else:
        if module is None:
            report.problems.append(f"tests/lesson_cases/{lesson_id}.py is missing")
    graded = {name for name in answers if f"test_{name}" in tests}
    correct, wrong, also = (
        ({}, {}, {}) if module is None else _validate_variants(module, set(answers), graded, set(tests), report, only)
    )

    plan: list[VariantResult] = []
    for name in answers:
        if only is not None and name not in only:
            continue
        for i, src in enumerate(correct.get(name, []) or []):
            if isinstance(src, str):
                plan.append(VariantResult(name, "CORRECT", i, "", expected_fail=(), source=src))
        for i, item in enumerate(wrong.get(name, []) or []):
            if wrong_entry_ok(item):
                plan.append(
                    VariantResult(
                        name,
                        "WRONG",
                        i,
                        str(item[1]),
                        source=str(item[0]),
                        expected_fail=() if mode == "visible" else tuple(t for t in also.get(name, []) if t in tests),
                        hidden_only=hidden_only_reason(item),
                    )
                )

    def run_notebook(kernel: _Kernel, record: bool) -> bool:
        for label, role, gid, src in cells:
            run, _ = kernel.run(src, label, role, gid)
            if record:
                report.cells.append(run)
            if run.died:
                return False
        return True

    kernel = _Kernel(path, timeout, threads)
    kernel.start()
    report.kernel_starts = 1
    try:
        alive = run_notebook(kernel, record=True)
        for run in report.cells:
            where = f"solution cell {run.label} ({run.role})"
            if run.died:
                report.problems.append(f"{where}: the kernel died")
            elif run.error:
                report.problems.append(f"{where} raised {run.error}")
            elif run.stderr:
                report.problems.append(f"{where} wrote to stderr: {_short(run.stderr, 160)}")
            if run.role == "tests" and not run.passed and not run.error and not run.stderr and not run.died:
                report.problems.append(f"{where} does not get full marks from nbgrader (partial-credit output?)")
        if not alive:
            report.problems.append("variants not checked: the solution notebook kills the kernel")
            plan = []
        for v in plan:
            if not alive:  # the previous variant killed the kernel: a fresh one, replay the solution
                kernel.stop()
                kernel = _Kernel(path, timeout, threads)
                kernel.start()
                report.kernel_starts += 1
                if not run_notebook(kernel, record=False):
                    v.problems.append("could not restore the solution in a fresh kernel")
                    break
                alive = True
            alive = _run_variant(kernel, v, v.source, answers, tests, others, visible_first=mode == "variants")
            if mode == "visible":
                _judge_visible(v)
    finally:
        kernel.stop()
    report.variants = plan
    hidden_only = [v for v in plan if v.kind == "WRONG" and v.hidden_only]
    for v in hidden_only:
        report.warnings.append(f"WRONG {v.exercise}#{v.index} ({v.note}) is hidden-only: {v.hidden_only}")
    report.seconds = time.monotonic() - started
    return report


def _compare_release_tests(lesson_id: str, cells: list, root: Path, report: LessonReport) -> None:
    """Problems where the committed release's test cells differ from the solution's visible parts."""
    path = release_path(lesson_id, root)
    if not path.exists():
        report.problems.append(f"{path.name}: no release notebook to compare the visible tests with")
        return
    released = {
        gid: src for _, role, gid, src in _notebook_cells(nbformat.read(path, as_version=4)) if role == "tests" and gid
    }
    for _, role, gid, src in cells:
        if role != "tests" or not gid:
            continue
        if gid not in released:
            report.problems.append(
                f"release has no test cell {gid}: run `python -m grader release {lesson_id} --no-exchange`"
            )
        elif released[gid].strip() != src.strip():
            report.problems.append(
                f"release test cell {gid} differs from the solution's visible part: "
                f"run `python -m grader release {lesson_id} --no-exchange`"
            )


def _judge_visible(v: VariantResult) -> None:
    """Visible mode: a hidden-only WRONG variant must PASS the visible tests (and no other check applies)."""
    if v.kind != "WRONG" or v.own is None:
        return
    own = f"test_{v.exercise}"
    passes = f"a wrong answer passes {own}"
    if not v.hidden_only:  # say which part it passes
        v.problems = [p.replace(passes, f"a wrong answer passes the VISIBLE part of {own}", 1) for p in v.problems]
        return
    v.problems = [p for p in v.problems if not p.startswith(passes)]
    if not v.own.passed:
        v.problems.append(
            f"marked hidden-only ({v.hidden_only}) but fails the visible part of {own} "
            f"({v.own.error or 'stderr'}): remove the mark"
        )


def _run_variant(
    kernel: _Kernel,
    v: VariantResult,
    source: str,
    answers: dict,
    tests: dict,
    others: bool,
    visible_first: bool = False,
) -> bool:
    name, own_id = v.exercise, f"test_{v.exercise}"
    v.answer, _ = kernel.run(source, f"{v.kind} {name}#{v.index}", "variant")
    if v.answer.died:
        v.problems.append("the variant's answer cell killed the kernel")
        return False
    if v.answer.error:
        msg = f"the variant's answer cell itself raised {v.answer.error}"
        if v.kind == "CORRECT":
            v.problems.append(msg)
    if own_id in tests:
        full = tests[own_id]
        visible = visible_part(full)
        if v.kind == "WRONG" and visible_first and visible.strip() != full.strip():
            # The student's release shows only the visible part: a wrong answer must fail there
            # already. When it does, the whole cell fails too (the visible part is its prefix).
            v.own, _ = kernel.run(visible, f"{own_id} (visible part)", "tests", own_id)
            if v.own.died:
                v.problems.append(f"{own_id}: the kernel died")
                return False
            if v.own.passed and not v.hidden_only:
                v.problems.append(
                    f"a wrong answer passes the VISIBLE part of {own_id} (models: {v.note}); "
                    "make a visible test catch it, or mark the variant hidden-only with the reason"
                )
            elif not v.own.passed and v.hidden_only:
                v.problems.append(
                    f"marked hidden-only ({v.hidden_only}) but fails the visible part of {own_id}: remove the mark"
                )
            if v.own.passed:
                v.own, _ = kernel.run(full, own_id, "tests", own_id)
        else:
            v.own, _ = kernel.run(full, own_id, "tests", own_id)
        if v.own.died:
            v.problems.append(f"{own_id}: the kernel died")
            return False
    extra = [t for t in tests if t != own_id] if others else list(v.expected_fail)
    for t in extra:
        run, _ = kernel.run(tests[t], t, "tests", t)
        v.others[t] = run
        if run.died:
            v.problems.append(f"{t}: the kernel died")
            return False
    restore, _ = kernel.run(answers[name], f"restore {name}", "restore")
    if restore.died or restore.error:
        v.problems.append(f"restoring the solution's {name} failed: {restore.error or 'kernel died'}")
        return not restore.died

    if v.own is not None:
        if v.kind == "CORRECT" and not v.own.passed:
            why = v.own.error or (f"wrote to stderr: {_short(v.own.stderr, 120)}" if v.own.stderr else "no full marks")
            v.problems.append(f"a correct answer fails {own_id}: {why}")
        if v.kind == "WRONG":
            if v.own.passed:
                v.problems.append(f"a wrong answer passes {own_id} (models: {v.note})")
            elif not v.own.error and v.own.stderr:
                v.problems.append(
                    f"fails {own_id} only by writing to stderr (a warning is never how a test "
                    f"fails): {_short(v.own.stderr, 120)}"
                )
    for t, run in v.others.items():
        must_fail = v.kind == "WRONG" and t in v.expected_fail
        if must_fail and run.passed:
            v.problems.append(f"ALSO_FAILS lists {t}, but it passes")
        elif not must_fail and not run.passed:
            v.problems.append(
                f"{t} fails too ({run.error or 'stderr: ' + _short(run.stderr, 80)}); "
                f"list it in ALSO_FAILS[{name!r}] if that is intended"
            )
    return True


def check_release(
    lesson_id: str, timeout: int = DEFAULT_TIMEOUT, root: Path = ROOT, threads: int | None = DEFAULT_THREADS
) -> LessonReport:
    """Run the released (blank) notebook top to bottom; see the module doc for what is checked."""
    started = time.monotonic()
    path = release_path(lesson_id, root)
    report = LessonReport(lesson_id, "release", str(path.relative_to(root)) if path.is_relative_to(root) else str(path))
    if not path.exists():
        report.problems.append(f"{report.notebook} does not exist")
        return report
    nb = nbformat.read(path, as_version=4)
    kernel = _Kernel(path, timeout, threads)
    kernel.start()
    report.kernel_starts = 1
    try:
        for label, role, gid, src in _notebook_cells(nb):
            run, _ = kernel.run(src, label, role, gid)
            report.cells.append(run)
            if run.died:
                report.problems.append(f"{label} ({role}): the kernel died on the blank notebook")
                break
    finally:
        kernel.stop()
    judge_release(report)
    report.seconds = time.monotonic() - started
    return report


def judge_release(report: LessonReport) -> LessonReport:
    """Add the release-mode problems of ``report.cells`` (a blank notebook's executed cells)."""
    tests = [c for c in report.cells if c.role == "tests"]
    if not tests:
        report.problems.append("the released notebook has no test cells")
    for run in report.cells:
        if run.role == "tests" and run.passed and not run.died:
            report.problems.append(
                f"{run.label} passes on the blank notebook (a test that a blank passes proves nothing)"
            )
        elif run.role == "code" and run.error and run.ename != "NotImplementedError":
            report.problems.append(
                f"demo cell {run.label} raises {run.error} on the blank notebook "
                f"(only NotImplementedError may escape; degrade gracefully)"
            )
        elif run.role == "answer" and run.error and run.ename != "NotImplementedError":
            report.warnings.append(f"blank answer cell {run.label} raises {run.error}")
        if run.role == "code" and run.stderr and not run.error:
            report.warnings.append(f"demo cell {run.label} writes to stderr on the blank: {_short(run.stderr, 100)}")
    return report


# ----------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", metavar="ID", help="lesson ids, e.g. 04_activations")
    parser.add_argument("--all", action="store_true", help="every lesson with a source in grader/sources")
    parser.add_argument(
        "--exercise", action="append", metavar="NAME", help="only these exercises' variants (repeatable)"
    )
    parser.add_argument("--release", action="store_true", help="run the released blank notebook instead")
    parser.add_argument(
        "--visible",
        action="store_true",
        help="every variant against the VISIBLE part of its test cell (what the release shows)",
    )
    parser.add_argument("--both", action="store_true", help="variants and release checks")
    parser.add_argument(
        "--others",
        action="store_true",
        help="after each variant also run every other test cell (ALSO_FAILS ones must fail, the rest pass)",
    )
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell (default %(default)s)")
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help="BLAS/OpenMP threads per kernel (default %(default)s; 0 keeps the environment's)",
    )
    parser.add_argument(
        "--findings",
        action="store_true",
        help="also write the report to /tmp/harness_findings_<id>.txt when there are problems",
    )
    args = parser.parse_args(argv)
    lessons = available_lessons() if args.all else args.lessons
    if not lessons:
        parser.error("give lesson ids or --all")
    status = 0
    for lesson in lessons:
        reports = []
        if args.visible:
            reports.append(check_visible(lesson, args.exercise, timeout=args.timeout, threads=args.threads or None))
        if (not args.release and not args.visible) or args.both:
            reports.append(
                check_lesson(
                    lesson, args.exercise, timeout=args.timeout, others=args.others, threads=args.threads or None
                )
            )
        if args.release or args.both:
            reports.append(check_release(lesson, timeout=args.timeout, threads=args.threads or None))
        for report in reports:
            text = report.format()
            print(text, flush=True)
            print()
            if not report.ok:
                status = 1
                if args.findings:
                    Path(f"/tmp/harness_findings_{lesson}.txt").write_text(text + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
