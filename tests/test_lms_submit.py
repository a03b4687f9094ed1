"""`python -m grader submit LESSON`: the one file a student uploads to the LMS, its receipt, its warnings."""

from __future__ import annotations

import hashlib
import json

import pytest
from grader_helpers import CORRECT, filled, make_course, run_grader


@pytest.mark.slow
def test_submit_release_copy_runs_tests_and_writes_file_and_receipt(tmp_path):
    course = make_course(tmp_path / "course")
    got = run_grader(course, "submit", "ex", timeout=120)
    assert got.returncode == 0, got.stderr + got.stdout
    target = course.root / "to-upload" / "ex.ipynb"
    assert str(target) in got.stdout and "Upload this ONE file to the ex assignment" in got.stdout
    assert target.read_bytes() == course.release("ex").read_bytes()
    receipt = (course.root / "to-upload" / "ex.receipt.txt").read_text()
    assert f"sha256:        {hashlib.sha256(target.read_bytes()).hexdigest()}" in receipt
    assert "visible tests: 0 of 2 exercises pass their visible tests (0 of 5 points)" in receipt
    assert "not attempted" in got.stdout and "WARNING" not in got.stdout


def test_submit_prefers_fetched_copy_and_warns_about_renamed_deleted_and_edited_cells(tmp_path, grader_cli):
    course = make_course(tmp_path / "course")
    nb = filled(course.release("ex"), CORRECT)
    cells = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == "test_count_positive":
            continue  # deleted test cell
        if meta.get("grade_id") == "square":
            meta["grade_id"] = "my_square"  # renamed answer cell
        if meta.get("grade_id") == "test_square":
            cell["source"] = "pass"  # edited locked test cell
        cells.append(cell)
    nb["cells"] = cells
    fetched = course.root / "student" / "ex" / "ex.ipynb"
    fetched.parent.mkdir(parents=True)
    fetched.write_text(json.dumps(nb))
    got = grader_cli("submit", "ex", "--no-run", cwd=course.root)
    assert got.returncode == 0, got.stderr + got.stdout
    assert f"your notebook is {fetched}" in got.stdout
    assert "test cell 'test_count_positive' is missing" in got.stdout
    assert "answer cell 'square' is missing" in got.stdout and "my_square" in got.stdout
    assert "locked cell 'test_square' was edited" in got.stdout
    assert (course.root / "to-upload" / "ex.ipynb").read_bytes() == fetched.read_bytes()
    assert (
        "warning:       test cell 'test_count_positive'" in (course.root / "to-upload" / "ex.receipt.txt").read_text()
    )


def test_submit_unreadable_notebook_is_a_clear_error(tmp_path, grader_cli):
    course = make_course(tmp_path / "course")
    fetched = course.root / "student" / "ex" / "ex.ipynb"
    fetched.parent.mkdir(parents=True)
    fetched.write_text("{ not json")
    got = grader_cli("submit", "ex", cwd=course.root)
    assert got.returncode == 2 and "is not a readable notebook" in got.stderr
    assert not (course.root / "to-upload").exists()
    unknown = grader_cli("submit", "nope", cwd=course.root)
    assert unknown.returncode != 0 and "unknown lesson 'nope'" in unknown.stderr
