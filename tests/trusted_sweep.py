"""Every variant of a lesson through the two-process grader and real ``nbgrader autograde``.

The proof a lesson needs before it is switched on in ``grader/trusted/policy.py`` (and that
``make lesson LESSON=<id>`` repeats for a lesson that is on): in a temporary course, one notebook
per variant of ``tests/lesson_cases/<id>.py`` (the solution with that one exercise replaced),
plus the solution and the blank release, graded by plain ``nbgrader autograde`` (what formgrader's
button runs) with the lesson's cells in the trusted kernel:

* the solution gets full marks, the blank release 0 on every test cell;
* every CORRECT variant gets exactly the solution's marks;
* every WRONG variant loses exactly the points of its own test cell (plus the cells its
  ``ALSO_FAILS`` entry names) and nothing else.

The test suite grades two rounds of CORRECT variants and one WRONG variant per lesson
(``tests/test_lessons.py``, class autograding); this script grades them all.

    python tests/trusted_sweep.py 08_backprop                  # every variant (minutes)
    python tests/trusted_sweep.py 08_backprop --exercise relu_backward --kind wrong
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

import lesson_harness  # noqa: E402
from grader_helpers import REPO, grader_env, make_course, nbgrader, submit  # noqa: E402


def _grades(course, lesson: str, student: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, "nnfs-sweep") as gb:
        sub = gb.find_submission_notebook(lesson, lesson, student)
        return {g.name: (g.auto_score, g.max_score) for g in sub.grades if g.name.startswith("test_")}


def sweep(lesson: str, exercises=None, kinds=("correct", "wrong"), out=print) -> int:
    """Grade the variants; print one line per notebook; return the number of wrong verdicts."""
    cases = lesson_harness.load_variants(lesson)
    if cases is None:
        raise SystemExit(f"tests/lesson_cases/{lesson}.py is missing")
    also = getattr(cases, "ALSO_FAILS", {}) or {}
    course = make_course(
        Path(tempfile.mkdtemp(prefix="nnfs-sweep-")) / "course",
        {lesson: (REPO / "grader" / "sources" / f"{lesson}.py").read_text()},
    )
    solution_nb = json.loads(course.path("source", lesson, f"{lesson}.ipynb").read_text())
    solutions = {
        c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
        for c in solution_nb["cells"]
        if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }
    submit(course, "solution", lesson, answers=solutions)
    submit(course, "blank", lesson, answers={})
    expected = {}  # student -> the test ids that must lose their points
    for kind in kinds:
        table = cases.CORRECT if kind == "correct" else cases.WRONG
        for exercise, variants in table.items():
            if exercises and exercise not in exercises or exercise not in solutions:
                continue
            for i, variant in enumerate(variants):
                code = variant[0] if isinstance(variant, (tuple, list)) else variant
                student = f"{kind}_{exercise}_{i}"
                submit(course, student, lesson, answers={**solutions, exercise: code})
                lose = () if kind == "correct" else (f"test_{exercise}", *also.get(exercise, ()))
                expected[student] = lose
    # this lesson on the two-process grader (switched on or not), the course's own limits
    env = grader_env(
        NNFS_SANDBOX_MEMORY="4G", NNFS_CELL_TIMEOUT="120", NNFS_TWO_PROCESS=lesson, **lesson_harness.thread_env(1)
    )
    start = time.perf_counter()
    result = nbgrader(course, "autograde", lesson, check=False, env=env)
    out(f"{lesson}: nbgrader autograde of {len(expected) + 2} notebooks, {time.perf_counter() - start:.0f} s")
    if result.returncode != 0:
        out(result.stderr[-4000:])
        return 1
    full = _grades(course, lesson, "solution")
    bad = 0
    if not full or any(score != top for score, top in full.values()):
        out(f"BAD  solution: {full}")
        bad += 1
    blank = _grades(course, lesson, "blank")
    if any(score != 0 for score, _ in blank.values()):
        out(f"BAD  blank: {blank}")
        bad += 1
    wrong_verdicts = 0
    for student, lose in expected.items():
        got = _grades(course, lesson, student)
        want = {name: (0.0 if name in lose else top, top) for name, (_, top) in full.items()}
        ok = got == want
        wrong_verdicts += not ok
        diff = {n: got.get(n, (None,))[0] for n in want if got.get(n) != want[n]}
        out(f"{'ok ' if ok else 'BAD'}  {student}" + ("" if ok else f": expected {lose or 'full marks'}, got {diff}"))
    out(f"{lesson}: {len(expected) - wrong_verdicts} of {len(expected)} variants scored as expected")
    return bad + wrong_verdicts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson")
    parser.add_argument("--exercise", action="append", help="only this exercise's variants (repeatable)")
    parser.add_argument("--kind", choices=("correct", "wrong"), action="append", help="only CORRECT or WRONG")
    args = parser.parse_args(argv)
    return 1 if sweep(args.lesson, args.exercise, tuple(args.kind or ("correct", "wrong"))) else 0


if __name__ == "__main__":
    sys.exit(main())
