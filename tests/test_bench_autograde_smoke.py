"""benchmarks/bench_autograde.py: its class generator, and one end-to-end --quick run (no timing asserts)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from grader.notebooks import ROOT

BENCH = ROOT / "benchmarks" / "bench_autograde.py"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH.parent))
    try:
        import bench_autograde

        yield bench_autograde
    finally:
        sys.path.remove(str(BENCH.parent))


SOLUTION = {
    "cells": [
        {
            "cell_type": "code",
            "source": "def f(x):\n    ### BEGIN SOLUTION\n    y = x\n    return 2 * y\n    ### END SOLUTION",
            "metadata": {"nbgrader": {"solution": True, "grade_id": "f"}},
            "outputs": [],
        },
        {
            "cell_type": "code",
            "source": "assert f(1) == 2",
            "metadata": {"nbgrader": {"grade": True, "grade_id": "test_f"}},
            "outputs": [],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_the_class_mixes_correct_wrong_and_broken(bench):
    counts = Counter(bench.kind_of(i, j) for i in range(30) for j in range(12))
    assert counts["correct"] == 180  # half
    assert 85 <= counts["wrong_blank"] + counts["wrong_mutated"] <= 95  # about a quarter
    assert 85 <= counts["broken_json"] + counts["broken_exit"] <= 95
    assert {bench.kind_of(i, 0) for i in range(8)} == set(bench.KINDS)  # every kind in one lesson


def test_submission_kinds(bench):
    released = json.loads(json.dumps(SOLUTION))
    released["cells"][0]["source"] = "def f(x):\n    raise NotImplementedError()"
    mutated = json.loads(bench.submission_text("wrong_mutated", SOLUTION, released))
    assert "return None  # mutated" in mutated["cells"][0]["source"]
    assert "return 2 * y" not in mutated["cells"][0]["source"]
    assert mutated["cells"][1]["source"] == "assert f(1) == 2"  # tests untouched
    assert json.loads(bench.submission_text("correct", SOLUTION, released)) == SOLUTION
    assert json.loads(bench.submission_text("wrong_blank", SOLUTION, released)) == released
    assert "os._exit" in json.loads(bench.submission_text("broken_exit", SOLUTION, released))["cells"][0]["source"]
    with pytest.raises(ValueError):
        json.loads(bench.submission_text("broken_json", SOLUTION, released))
    with pytest.raises(ValueError, match="unknown submission kind"):
        bench.submission_text("nope", SOLUTION, released)


@pytest.mark.slow
def test_quick_run_prints_the_table(bench):
    lessons = bench.available_lessons()
    if not lessons:
        pytest.skip("no lesson in solutions/ yet")
    from grader import sandbox

    if not sandbox.available()[0]:
        pytest.skip("bubblewrap sandbox unavailable")
    lesson = "00_welcome" if "00_welcome" in lessons else lessons[0]
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--quick",
            "--students",
            "2",
            "--lessons",
            lesson,
            "--workers",
            "2",
            "--json",
            "--keep",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "class: 2 students x 1 lesson(s) = 2 notebooks" in out, out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("mode"))
    assert lines[header].split() == ["mode", "notebooks", "seconds", "s/notebook", "speedup"]
    assert lines[header + 2].startswith("nbgrader autograde (sequential)") and " 2 " in lines[header + 2]
    assert lines[header + 3].startswith("grader autograde, LocalCluster 2 workers")
    assert lines[header + 4].startswith("grader autograde --scheduler, 2 workers")
    assert "T(W) = max(N * mean / W + p95, N * write)" in out
    assert [line.split()[0] for line in lines if line.strip().endswith(")") and "workers:" in line] == [
        "8",
        "32",
        "128",
    ]
    result = json.loads(next(line for line in lines if line.startswith("{")))
    assert result["notebooks"] == 2 and min(result["sequential_s"], result["local_s"], result["external_s"]) > 0
    assert result["graded_all"] == 2 and result["agree"] == 2, out  # student000 correct, student001 blank
    assert 0 < result["median_s"] <= result["p95_s"]
    kept = Path(next(line for line in lines if line.startswith("kept: ")).split("kept: ", 1)[1])
    try:
        from grader.course import Course

        # every side graded in its own copy...
        for side in ("sequential", "local", "external"):
            assert sorted(p.name for p in Course.load(kept / side).autograded.iterdir()) == [
                "student000",
                "student001",
            ], side
        # ...and nothing reached the repository's gradebook or folders (colleagues may use them
        # meanwhile, so look for the benchmark's own students rather than at timestamps)
        repo = Course.load(ROOT)
        assert not (repo.autograded / "student000").exists()
        assert not (repo.submitted / "student000").exists()
        if repo.gradebook_url.startswith("sqlite:///") and Path(repo.gradebook_url[10:]).exists():
            assert "student000" not in repo.students() and "student001" not in repo.students()
    finally:
        shutil.rmtree(kept, ignore_errors=True)
