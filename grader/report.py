"""`python -m grader report [LESSON]`: per-exercise class statistics of autograded lessons.

For every autograder test cell (``test_<exercise>``) of a lesson: how many submissions got full
points (passed), some (partial), none (failed) or were never graded (autograding did not reach
them), from the gradebook; and the most common failure messages, from the autograded notebooks:
the first line of the cell's error (``AssertionError: <its message>``; other exceptions by name,
e.g. ``NotImplementedError``).

Printed as a table, and saved under ``state/reports/``: ``<lesson>.csv`` (one row per
exercise) and ``<lesson>.png`` (pass rates per exercise, partial and failed stacked on top).
Default: every lesson of ``solutions/`` that has submissions in the gradebook.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from grader import course as course_model
from grader.course import Course, CourseError

TOP_FAILURES = 3
FIELDS = [
    "lesson",
    "exercise",
    "test_cell",
    "points",
    "submissions",
    "passed",
    "partial",
    "failed",
    "ungraded",
    "pass_rate",
    "mean_score",
    "top_failures",
]


def failure_message(outputs: list[dict]) -> str | None:
    """The first line of a cell's error output, as the report counts it (None when no error)."""
    for output in outputs:
        if output.get("output_type") != "error":
            continue
        name = output.get("ename") or "Error"
        value = (output.get("evalue") or "").strip()
        first = value.splitlines()[0].strip() if value else ""
        return f"{name}: {first}" if first else name
    return None


def _notebook_failures(path: Path) -> dict[str, str]:
    """grade_id -> failure message for every failing cell of an autograded notebook."""
    try:
        nb = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    failures = {}
    for cell in nb.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        message = failure_message(cell.get("outputs", [])) if grade_id else None
        if message:
            failures[grade_id] = message
    return failures


def lesson_stats(course: Course, lesson: str) -> list[dict]:
    """One row per autograder test cell of ``lesson`` (course order); [] without submissions."""
    from nbgrader.api import MissingEntry

    rows = []
    with course.gradebook() as gb:
        try:
            assignment = gb.find_assignment(lesson)
        except MissingEntry:
            return []
        for notebook in assignment.notebooks:
            tests = [cell for cell in notebook.grade_cells if cell.cell_type == "code"]
            order = {cell.name: i for i, cell in enumerate(notebook.source_cells)}
            tests.sort(key=lambda cell: order.get(cell.name, len(order)))
            stats = {
                cell.name: {"points": float(cell.max_score), "scores": [], "failures": Counter()} for cell in tests
            }
            for submitted in notebook.submissions:
                student = submitted.student.id
                failures = _notebook_failures(course.autograded / student / lesson / f"{notebook.name}.ipynb")
                for grade in submitted.grades:
                    if grade.name not in stats:
                        continue
                    score = grade.manual_score if grade.manual_score is not None else grade.auto_score
                    stats[grade.name]["scores"].append(score)
                    if score is not None and score < stats[grade.name]["points"] and grade.name in failures:
                        stats[grade.name]["failures"][failures[grade.name]] += 1
            for cell in tests:
                s = stats[cell.name]
                graded = [x for x in s["scores"] if x is not None]
                full = s["points"]
                row = {
                    "lesson": lesson,
                    "exercise": cell.name[len("test_") :] if cell.name.startswith("test_") else cell.name,
                    "test_cell": cell.name,
                    "points": full,
                    "submissions": len(s["scores"]),
                    "passed": sum(1 for x in graded if x >= full),
                    "partial": sum(1 for x in graded if 0 < x < full),
                    "failed": sum(1 for x in graded if x <= 0),
                    "ungraded": len(s["scores"]) - len(graded),
                    "pass_rate": (sum(1 for x in graded if x >= full) / len(s["scores"])) if s["scores"] else 0.0,
                    "mean_score": (sum(graded) / len(s["scores"])) if s["scores"] else 0.0,
                    "failures": s["failures"].most_common(TOP_FAILURES),
                }
                if row["submissions"]:
                    rows.append(row)
    return rows


def _top(failures: list[tuple[str, int]]) -> str:
    return "; ".join(f"{message} (x{count})" for message, count in failures)


def format_table(rows: list[dict]) -> str:
    headers = ["exercise", "pts", "n", "passed", "partial", "failed", "ungraded", "pass rate", "most common failures"]
    body = [
        [
            r["exercise"],
            f"{r['points']:g}",
            str(r["submissions"]),
            str(r["passed"]),
            str(r["partial"]),
            str(r["failed"]),
            str(r["ungraded"]),
            f"{100 * r['pass_rate']:.0f}%",
            _top(r["failures"]) or "-",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in body)) for i, h in enumerate(headers[:-1])]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers[:-1], widths)) + "  " + headers[-1]]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(headers[-1]))
    for line in body:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(line[:-1], widths)) + "  " + line[-1])
    return "\n".join(lines)


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {
                    **{k: r[k] for k in FIELDS if k in r},
                    "pass_rate": f"{r['pass_rate']:.4f}",
                    "mean_score": f"{r['mean_score']:.4f}",
                    "top_failures": _top(r["failures"]),
                }
            )


def write_figure(rows: list[dict], lesson: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["exercise"] for r in rows]
    n = [max(r["submissions"], 1) for r in rows]
    passed = [100 * r["passed"] / k for r, k in zip(rows, n)]
    partial = [100 * r["partial"] / k for r, k in zip(rows, n)]
    failed = [100 * (r["failed"] + r["ungraded"]) / k for r, k in zip(rows, n)]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.7 * len(rows) + 2), 4.2), layout="constrained")
    x = range(len(rows))
    ax.bar(x, passed, width=0.6, color="#2a9d3f", label="passed")
    ax.bar(x, partial, width=0.6, bottom=passed, color="#f0a202", label="partial")
    ax.bar(
        x,
        failed,
        width=0.6,
        bottom=[a + b for a, b in zip(passed, partial)],
        color="#d1495b",
        alpha=0.35,
        label="failed / not graded",
    )
    for i, value in enumerate(passed):
        ax.text(i, min(value, 92) + 2, f"{value:.0f}%", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(list(x), names, rotation=35, ha="right")
    ax.set_xlim(-0.7, len(rows) - 0.3)
    ax.set_ylim(0, 116)  # room for the legend above the bars
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("submissions (%)")
    ax.set_title(f"{lesson}: pass rate per exercise ({rows[0]['submissions'] if rows else 0} submissions)")
    ax.legend(loc="upper center", ncol=3, fontsize=8, frameon=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report(course: Course, lesson: str) -> tuple[list[dict], Path | None, Path | None]:
    """Statistics of one lesson, written to state/reports/<lesson>.{csv,png}; (rows, csv, png)."""
    rows = lesson_stats(course, lesson)
    if not rows:
        return rows, None, None
    out = course.reports
    csv_path, png_path = out / f"{lesson}.csv", out / f"{lesson}.png"
    write_csv(rows, csv_path)
    write_figure(rows, lesson, png_path)
    return rows, csv_path, png_path


def add_arguments(parser) -> None:
    parser.add_argument(
        "lesson", nargs="?", metavar="LESSON", help="lesson id (default: every lesson with submissions)"
    )
    course_model.add_arguments(parser)


def run(args) -> int:
    try:
        course = Course.from_args(args)
        lessons = course.select_lessons(args.lesson)
    except CourseError as err:
        return course_model.fail("report", err)
    reported = 0
    for lesson in lessons:
        rows, csv_path, png_path = report(course, lesson)
        if not rows:
            if args.lesson:
                print(f"report {lesson}: no submissions in the gradebook yet (collect and autograde first)")
            continue
        reported += 1
        print(f"\n{lesson}: {rows[0]['submissions']} submission(s)")
        print(format_table(rows))
        print(f"saved {course.relative(csv_path)} and {course.relative(png_path)}")
    if not args.lesson and not reported:
        print("report: no lesson has submissions in the gradebook yet (collect and autograde first)")
    return 0
