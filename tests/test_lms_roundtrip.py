"""A 20-student class through Canvas and Moodle files: download zip -> zip_collect -> autograde -> LMS CSV.

One course with lessons 00_welcome (handed in through Canvas) and 01_linear_algebra (through
Moodle). Each download holds correct, wrong, broken (not JSON), late, renamed (``Untitled.ipynb``,
a renamed cell), flagged, resubmitted and misdirected (``.py``, ``.zip``, the other lesson)
submissions, a file from someone not on the roster, and students with nothing. Everything runs
for real: nbgrader's zip_collect with our plugins, ``python -m grader autograde`` (sandboxed),
``python -m grader feedback``, and the filled Canvas and Moodle files are compared byte for byte
with tests/golden/ (``NNFS_UPDATE_GOLDEN=1`` rewrites them after a deliberate lesson change).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import zipfile
from pathlib import Path

import pytest
from grader_helpers import REPO, filled, make_course, run_grader
from lms_files import (
    Person,
    canvas_download,
    canvas_entry,
    canvas_gradebook,
    moodle_entry,
    moodle_worksheet,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
DUE = "2030-05-01 23:59:00 UTC"

FIRST = [
    "Ana",
    "Seán",
    "Mary Jane",
    "Li",
    "Zoë",
    "Jean-Luc",
    "Ngozi",
    "Åsa",
    "Pat",
    "Renée",
    "Omar",
    "Kiri",
    "Chloé",
    "Dmitri",
    "Aoife",
    "Yuki",
    "Björn",
    "Priya",
    "Tomás",
    "Grace",
]
LAST = [
    "García",
    "O'Brien",
    "van der Berg",
    "Wei",
    "Müller",
    "Picard",
    "Okafor",
    "Ek",
    "Smith",
    "D'Arcy",
    "Haddad",
    "Tane",
    "Lefèvre",
    "Ivanov",
    "Ní Bhriain",
    "Sato",
    "Lund",
    "Nair",
    "Núñez",
    "Hopper",
]
CLASS = [Person(first, last, f"s{n:02d}", 31000 + n, 7700100 + n) for n, (first, last) in enumerate(zip(FIRST, LAST))]
STRANGER = Person("Not", "Enrolled", "gone", 39999, 7709999)


def cases(lesson: str):
    spec = importlib.util.spec_from_file_location(f"cases_{lesson}", REPO / "tests" / "lesson_cases" / f"{lesson}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CORRECT, module.WRONG


def answers(lesson: str, variant: int = 0, wrong: set[str] = frozenset()) -> dict[str, str]:
    correct, bad = cases(lesson)
    return {ex: (bad[ex][0][0] if ex in wrong else correct[ex][variant % len(correct[ex])]) for ex in correct}


def nb_bytes(
    course, lesson: str, answer: dict[str, str], rename: dict[str, str] | None = None, extra: str = ""
) -> bytes:
    nb = filled(course.release(lesson), answer)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if extra and meta.get("grade_id") in answer:
            cell["source"] = extra + cell["source"]
            extra = ""
        if rename and meta.get("grade_id") in rename:
            meta["grade_id"] = rename[meta["grade_id"]]
    return json.dumps(nb, indent=1).encode()


def zipped(name: str, data: bytes) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(name, data)
    return buffer.getvalue()


def canvas_class(course, tmp: Path) -> tuple[Path, Path]:
    L = "00_welcome"
    ok = lambda v=0: nb_bytes(course, L, answers(L, v))  # noqa: E731
    c = CLASS
    files = [(canvas_entry(c[i], 1000 + i, f"{L}.ipynb"), ok(i)) for i in range(3)]  # correct (3-5: nothing)
    files += [
        (
            canvas_entry(c[i], 1000 + i, f"{L}.ipynb"),
            nb_bytes(course, L, {"count_positive": cases(L)[1]["count_positive"][i - 6][0]}),
        )
        for i in (6, 7, 8)
    ]  # wrong
    files += [
        (canvas_entry(c[9], 1009, f"{L}.ipynb"), b'{"cells": [ broken'),  # broken
        (canvas_entry(c[10], 1010, f"{L}.ipynb", late=True), ok()),  # late
        (canvas_entry(c[11], 1011, "Untitled.ipynb"), ok(1)),  # renamed file
        (
            canvas_entry(c[12], 1012, f"{L}.ipynb"),
            nb_bytes(course, L, answers(L), rename={"count_positive": "my_count"}),
        ),
        (canvas_entry(c[13], 1013, "count_positive.py"), b"def count_positive(x):\n    return 0\n"),
        (canvas_entry(c[14], 1014, f"{L}.ipynb"), nb_bytes(course, "01_linear_algebra", answers("01_linear_algebra"))),
        (canvas_entry(c[15], 1015, f"{L}.ipynb"), nb_bytes(course, L, answers(L, wrong={"count_positive"}))),
        (canvas_entry(c[15], 1115, f"{L}-1.ipynb"), ok(2)),  # resubmitted: newest
        (canvas_entry(c[16], 1016, f"{L}.ipynb"), nb_bytes(course, L, answers(L), extra="import gc\n")),  # flagged
        (canvas_entry(c[17], 1017, f"{L}.zip"), zipped(f"{L}.ipynb", ok())),
        (canvas_entry(STRANGER, 1099, f"{L}.ipynb"), ok()),  # not on the roster
    ]  # 18, 19: nothing
    roster = tmp / "canvas-gradebook.csv"
    roster.write_bytes(
        canvas_gradebook(CLASS, assignments=((L, 5501, "10.00"), ("Quiz 1", 5502, "5.00")), newline="\r\n")
    )
    return canvas_download(tmp / "canvas-submissions.zip", files), roster


def moodle_class(course, tmp: Path) -> tuple[Path, Path]:
    L = "01_linear_algebra"
    ok = lambda v=0: nb_bytes(course, L, answers(L, v))  # noqa: E731
    c = CLASS
    on_time, late = "Friday, 1 May 2030, 10:00 AM", "Saturday, 2 May 2030, 8:30 AM"
    files = [
        (moodle_entry(c[i], f"{L}.ipynb", trailing=i % 2 == 0), ok(i)) for i in range(3)
    ]  # correct (3, 4: nothing)
    files += [
        (moodle_entry(c[5], f"{L}.ipynb"), nb_bytes(course, L, answers(L, wrong=set(cases(L)[0])))),  # all wrong
        (moodle_entry(c[6], f"{L}.ipynb"), nb_bytes(course, L, answers(L, wrong={"dot"}))),  # one wrong
        (moodle_entry(c[7], f"{L}.ipynb"), b"not a notebook at all"),  # broken
        (moodle_entry(c[8], f"{L}.ipynb"), ok(1)),  # late
        (moodle_entry(c[9], "Untitled.ipynb", trailing=False), ok(2)),  # renamed file
        (moodle_entry(c[10], f"{L}.ipynb"), nb_bytes(course, L, answers(L), extra="import builtins\n")),  # flagged
        (moodle_entry(c[11], f"{L}.ipynb"), nb_bytes(course, L, answers(L, wrong={"matmul"}))),
        (moodle_entry(c[11], f"{L} (1).ipynb"), ok(3)),  # two files
        (moodle_entry(c[12], "linear.py"), b"def linear(x, W, b):\n    return x\n"),
        (moodle_entry(c[13], f"{L}.ipynb"), nb_bytes(course, "00_welcome", answers("00_welcome"))),  # wrong lesson
        (moodle_entry(STRANGER, f"{L}.ipynb"), ok()),
    ]  # 14-19: nothing
    times = {p.login: on_time for p in c[:14] if p not in c[3:5]}
    times[c[8].login] = late
    worksheet = tmp / "moodle-worksheet.csv"
    worksheet.write_bytes(moodle_worksheet(CLASS, times, max_grade="100.00"))
    path = tmp / "moodle-submissions.zip"
    with zipfile.ZipFile(path, "w") as zf:  # the second file of c[11] is the newer one
        for name, data in files:
            stamp = (2030, 5, 1, 9, 30, 0) if name.endswith("(1).ipynb") else (2030, 5, 1, 9, 0, 0)
            zf.writestr(zipfile.ZipInfo(name, date_time=stamp), data)
    return path, worksheet


def report_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def check_golden(produced: Path, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("NNFS_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(produced.read_bytes())
    assert golden.is_file(), f"no golden file {golden}: run with NNFS_UPDATE_GOLDEN=1 once and review it"
    assert produced.read_bytes() == golden.read_bytes(), (
        f"{produced} differs from {golden}:\n{produced.read_text(encoding='utf-8-sig')}"
    )


@pytest.mark.slow
@pytest.mark.sandbox
def test_canvas_and_moodle_class_round_trip(tmp_path):
    sources = {
        lesson: (REPO / "grader" / "sources" / f"{lesson}.py").read_text()
        for lesson in ("00_welcome", "01_linear_algebra")
    }
    course = make_course(tmp_path / "course", sources, duedates={lesson: DUE for lesson in sources})
    canvas_zip, canvas_roster = canvas_class(course, tmp_path)
    moodle_zip, moodle_roster = moodle_class(course, tmp_path)
    originals = {p: p.read_bytes() for p in (canvas_zip, canvas_roster, moodle_zip, moodle_roster)}
    from grader.course import Course

    state = Course.load(course.root).state  # the test course's runtime folder

    def grader(*argv, timeout=300):
        return run_grader(course, *argv, timeout=timeout)

    # ---- collect through nbgrader's zip_collect
    got = grader(
        "collect", "00_welcome", "--from-zip", str(canvas_zip), "--lms", "canvas", "--roster", str(canvas_roster)
    )
    assert got.returncode == 0, got.stderr + got.stdout
    assert (
        "collect 00_welcome from canvas-submissions.zip (canvas): 11 matched, 1 late, 6 skipped, 1 unmatched, "
        "5 missing" in got.stdout
    ), got.stdout
    got = grader(
        "collect",
        "01_linear_algebra",
        "--from-zip",
        str(moodle_zip),
        "--lms",
        "moodle",
        "--roster",
        str(moodle_roster),
        "--timezone",
        "UTC",
    )
    assert got.returncode == 0, got.stderr + got.stdout
    assert "9 matched, 1 late, 3 skipped, 1 unmatched, 8 missing" in got.stdout, got.stdout

    submitted = Course.load(course.root).submitted
    assert sorted(p.name for p in submitted.iterdir() if (p / "00_welcome" / "00_welcome.ipynb").is_file()) == [
        f"s{n:02d}" for n in (0, 1, 2, 6, 7, 8, 9, 10, 11, 12, 15, 16)
    ]
    assert (submitted / "s10" / "00_welcome" / "timestamp.txt").read_text().startswith("2030-05-01 23:59:01")
    assert (submitted / "s08" / "01_linear_algebra" / "timestamp.txt").read_text().startswith("2030-05-02 08:30:00")
    assert (submitted / "s01" / "01_linear_algebra" / "timestamp.txt").read_text().startswith("2030-05-01 10:00:00")
    newest = json.loads((submitted / "s15" / "00_welcome" / "00_welcome.ipynb").read_text())
    assert any(cases("00_welcome")[0]["count_positive"][2] in "".join(c["source"]) for c in newest["cells"])

    # ---- autograde for real (sandboxed), then feedback pages
    got = grader("autograde", "--workers", "2", timeout=600)
    assert got.returncode == 0, got.stderr[-3000:] + got.stdout[-2000:]
    got = grader("feedback", "01_linear_algebra", "--no-release")
    assert got.returncode == 0, got.stderr[-3000:] + got.stdout[-2000:]

    # ---- grades back, byte for byte
    canvas_out, moodle_out = tmp_path / "canvas-import.csv", tmp_path / "moodle-import.csv"
    got = grader("export", "00_welcome", "--lms", "canvas", "--roster", str(canvas_roster), "--out", str(canvas_out))
    assert got.returncode == 0, got.stderr + got.stdout
    assert "failed    s09: left blank (not a 0)" in got.stdout and "flagged   s16: written" in got.stdout, got.stdout
    check_golden(canvas_out, "lms_canvas_00_welcome.csv")
    feedback_zip = tmp_path / "moodle-feedback.zip"
    got = grader(
        "export",
        "01_linear_algebra",
        "--lms",
        "moodle",
        "--roster",
        str(moodle_roster),
        "--out",
        str(moodle_out),
        "--feedback-zip",
        str(feedback_zip),
    )
    assert got.returncode == 0, got.stderr + got.stdout
    assert "failed    s07: left blank (not a 0)" in got.stdout and "flagged   s10: written" in got.stdout, got.stdout
    check_golden(moodle_out, "lms_moodle_01_linear_algebra.csv")
    with zipfile.ZipFile(feedback_zip) as zf:
        names = zf.namelist()
    assert "Ana García_7700100_assignsubmission_file_/01_linear_algebra_feedback.html" in names
    assert len(names) == 9 and not any(n.startswith("Åsa") for n in names)  # s07 failed: no page

    # ---- the LMS's own files are untouched; the collect reports say what happened to every file
    assert all(p.read_bytes() == data for p, data in originals.items())
    rows = report_rows(state / "reports" / "00_welcome-collect-canvas.csv")
    by_student = {}
    for row in rows:
        by_student.setdefault(row["student_id"] or row["lms_id"], []).append(row["outcome"])
    assert by_student["s15"] == ["matched", "skipped"] and by_student["s17"] == ["skipped"]
    assert by_student["39999"] == ["unmatched"] and by_student["s18"] == ["missing"]
    with zipfile.ZipFile(canvas_zip) as zf:  # one line per zip entry and per unused roster row (muted, Test Student)
        assert sum(1 for r in rows if r["file"]) == len(zf.namelist()) + 2
