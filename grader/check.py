"""`python -m grader check (NOTEBOOK | --lesson ID)` (students; `make check LESSON=03_layers`).

``--lesson ID`` checks the student's fetched copy (``state/student/<id>/<id>.ipynb``) when there is
one, else the release ``lessons/<id>/<id>.ipynb``.

Runs the notebook top to bottom in a clean kernel (its own kernel, ``python3`` by default; no
sandbox: it is your own code on your own machine), without changing the file, and prints one row
per exercise::

    exercise        status                                              points
    relu            passed                                              2
    sigmoid         failed: sigmoid(z): 1 of 3 value(s) differ ...      2
    softmax         not attempted                                       3

An exercise is ``not attempted`` while its answer still raises NotImplementedError; ``failed``
shows the first lines of the test's message (what was expected, and a hint). Only the visible
tests are in your copy: the hidden tests run when the notebook is graded, and may still fail.

Exit status: 0 when every visible test passes, 1 when any fails or is not attempted, 2 when the
notebook cannot be read or run. ``--timeout`` sets the per-cell limit (default NNFS_CELL_TIMEOUT or 120 s).
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from grader import course as course_model
from grader.course import Course, CourseError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Result:
    exercise: str
    status: str  # "passed", "failed: ...", "not attempted", "not run: ..."
    points: float
    kind: str = "test"  # "test" (autograded) or "written" (graded by hand)

    @property
    def ok(self) -> bool:
        return self.kind == "written" or self.status == "passed"


def _nbgrader(cell) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


def _errors(cell) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _stderr(cell) -> str:
    return "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )


def _first_lines(text: str, n: int = 3, width: int = 100) -> str:
    lines = [ln.rstrip() for ln in _ANSI.sub("", text).strip().splitlines() if ln.strip()]
    short = " / ".join(lines[:n])
    return short if len(short) <= width * n else short[: width * n - 3] + "..."


def execute(path: Path, timeout: int | None = None, kernel_name: str | None = None):
    """The notebook at ``path`` executed in memory (the file is not written)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(str(path), as_version=4)
    timeout = timeout or int(os.environ.get("NNFS_CELL_TIMEOUT", "120"))
    name = kernel_name or (nb.metadata.get("kernelspec") or {}).get("name") or "python3"
    # Unix sockets in a private folder rather than TCP on localhost (quieter and private).
    import shutil
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    sockets = tempfile.mkdtemp(prefix="nnfs-check-")
    km = AsyncKernelManager(
        kernel_name=name,
        transport="ipc",
        ip=os.path.join(sockets, "k"),
        connection_file=os.path.join(sockets, "kernel.json"),
    )
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        kernel_name=name,
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": "CellTimeoutError",
            "evalue": f"the cell ran longer than {timeout} s",
            "traceback": [f"CellTimeoutError: the cell ran longer than {timeout} s"],
        },
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    died = None
    try:
        client.execute()
    except DeadKernelError as err:
        died = f"the kernel died ({err})"
    except Exception as err:  # a cell that would not stop, or a kernel that would not start
        died = f"{type(err).__name__}: {_first_lines(str(err), 1)}"
    finally:
        try:
            from jupyter_core.utils import run_sync

            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:
            pass
        shutil.rmtree(sockets, ignore_errors=True)
    return nb, died


def results(nb, died: str | None = None) -> list[Result]:
    """Per-exercise results from an executed notebook."""
    answers = {}
    out: list[Result] = []
    executed_any = False
    for cell in nb.cells:
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id")
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            executed_any = True
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade") and grade_id:
            answers[grade_id] = cell
        elif cell.cell_type == "code" and meta.get("grade") and not meta.get("solution") and grade_id:
            name = grade_id[5:] if grade_id.startswith("test_") else grade_id
            points = float(meta.get("points", 0) or 0)
            errors = _errors(cell)
            answer_errors = _errors(answers.get(name, {}))
            enames = {e.get("ename") for e in errors + answer_errors}
            if "NotImplementedError" in enames:
                status = "not attempted"
            elif errors:
                e = errors[0]
                ename = e.get("ename", "Error")
                message = _first_lines(e.get("evalue", ""))
                status = f"failed: {message}" if ename == "AssertionError" else f"failed: {ename}: {message}"
            elif cell.get("execution_count") is None and not cell.get("outputs"):
                status = f"not run: {died}" if died else "not run"
            elif _stderr(cell):
                status = "failed: wrote to stderr (a graded test cell that writes to stderr scores 0): " + _first_lines(
                    _stderr(cell), 1
                )
            else:
                status = "passed"
            out.append(Result(name, status, points))
        elif cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution") and grade_id:
            answered = "YOUR ANSWER HERE" not in cell.source and cell.source.strip() != ""
            out.append(
                Result(
                    grade_id,
                    "written answer (graded by hand)"
                    if answered
                    else "written answer not written yet (graded by hand)",
                    float(meta.get("points", 0) or 0),
                    kind="written",
                )
            )
    if died and not executed_any:
        for r in out:
            if r.kind == "test":
                r.status = f"not run: {died}"
    return out


def table(rows: list[Result]) -> str:
    width = max([len("exercise")] + [len(r.exercise) for r in rows])
    lines = [f"{'exercise':<{width}}  {'points':>6}  status", f"{'-' * width}  {'-' * 6}  {'-' * 40}"]
    for r in rows:
        status = textwrap.shorten(r.status, 160, placeholder="...")
        lines.append(f"{r.exercise:<{width}}  {r.points:>6g}  {status}")
    return "\n".join(lines)


def add_arguments(parser) -> None:
    parser.add_argument(
        "notebook", nargs="?", help="path to your lesson notebook, e.g. lessons/03_layers/03_layers.ipynb"
    )
    parser.add_argument("--lesson", metavar="ID", help="your copy of this lesson (fetched copy, else the release)")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell (default 120)")
    course_model.add_arguments(parser)


def run(args) -> int:
    if bool(args.notebook) == bool(args.lesson):
        print("check: give a notebook path or --lesson ID (one of them)", file=sys.stderr)
        return 2
    if args.lesson:
        try:
            path = Course.from_args(args).student_copy(args.lesson)
        except CourseError as err:
            return course_model.fail("check", err)
        print(f"checking {path}")
    else:
        path = Path(args.notebook)
    if not path.is_file():
        print(f"check: no notebook at {path}", file=sys.stderr)
        return 2
    try:
        import nbformat

        nbformat.read(str(path), as_version=4)
    except Exception as err:
        print(
            f"check: {path} is not a readable notebook ({type(err).__name__}: {_first_lines(str(err), 1)})",
            file=sys.stderr,
        )
        return 2
    print(f"Running {path} in a fresh kernel (your file is not changed)...", flush=True)
    nb, died = execute(path, args.timeout)
    rows = results(nb, died)
    tests = [r for r in rows if r.kind == "test"]
    if not tests:
        print("check: this notebook has no autograded tests", file=sys.stderr)
        return 2
    print(table(rows))
    passed = [r for r in tests if r.status == "passed"]
    print()
    if died:
        print(f"The notebook stopped early: {died}.")
    print(
        f"{len(passed)} of {len(tests)} exercises pass their visible tests "
        f"({sum(r.points for r in passed):g} of {sum(r.points for r in tests):g} points at stake)."
    )
    print("Hidden tests run when your notebook is graded: they may still fail, so test edge cases too.")
    return 0 if len(passed) == len(tests) else 1
