"""`python -m grader check NOTEBOOK` (students): the per-exercise table and the exit status."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from grader_helpers import CORRECT, PYTHON, REPO, SOURCE, WRONG, grader_env

from grader.notebooks import dumps, parse_source

NOT_ATTEMPTED = {
    "square": "def square(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
    "count_positive": "def count_positive(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
}


def _student_notebook(tmp_path, answers: dict, name="ex.ipynb"):
    """The lesson as a student has it: answers filled in, hidden tests removed."""
    nb = parse_source(SOURCE)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        if grade_id == "explain_square":
            cell.source = "YOUR ANSWER HERE"
        if "### BEGIN HIDDEN TESTS" in cell.source:
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0].rstrip()
    path = tmp_path / name
    path.write_text(dumps(nb))
    return path


def _check(path):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = subprocess.run(
        [PYTHON, "-m", "grader", "check", str(path), "--timeout", "30"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=grader_env(),
        timeout=180,
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "check changed the notebook file"
    return result


def _table(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("exercise"))
    end = lines.index("", start)
    return [line.rstrip() for line in lines[start:end]]


@pytest.mark.slow
def test_all_passing(tmp_path):
    result = _check(_student_notebook(tmp_path, CORRECT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _table(result.stdout) == [
        "exercise        points  status",
        "--------------  ------  ----------------------------------------",
        "square               2  passed",
        "count_positive       3  passed",
        "explain_square       2  written answer not written yet (graded by hand)",
    ]
    assert "2 of 2 exercises pass their visible tests (5 of 5 points at stake)." in result.stdout
    assert "Hidden tests run when your notebook is graded: they may still fail" in result.stdout


@pytest.mark.slow
def test_failing_and_not_attempted(tmp_path):
    answers = {"square": NOT_ATTEMPTED["square"], "count_positive": WRONG["count_positive"]}
    result = _check(_student_notebook(tmp_path, answers))
    assert result.returncode == 1
    assert _table(result.stdout)[2:] == [
        "square               2  not attempted",
        "count_positive       3  failed: your result: expected 2, got 3 / Hint: count entries > 0",
        "explain_square       2  written answer not written yet (graded by hand)",
    ]
    assert "0 of 2 exercises pass their visible tests (0 of 5 points at stake)." in result.stdout


@pytest.mark.slow
def test_not_attempted_only(tmp_path):
    result = _check(_student_notebook(tmp_path, {**CORRECT, "square": NOT_ATTEMPTED["square"]}))
    assert result.returncode == 1
    assert _table(result.stdout)[2:4] == ["square               2  not attempted", "count_positive       3  passed"]


def test_unreadable_notebook(tmp_path, grader_cli):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{ not json")
    result = grader_cli("check", bad, cwd=REPO)
    assert result.returncode == 2
    assert "is not a readable notebook" in result.stderr
    missing = grader_cli("check", tmp_path / "nope.ipynb", cwd=REPO)
    assert missing.returncode == 2 and "no notebook at" in missing.stderr
