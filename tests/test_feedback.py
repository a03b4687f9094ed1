"""Feedback HTML never shows hidden tests: not in the cells, not in a failing hidden assert's traceback.

Unit tests of grader/preprocessors/hide_hidden_tests.py on a real IPython traceback, then the whole
`python -m grader feedback` on a tiny course (a temporary copy: the repository's gradebook and
exchange are never touched), autograded for three students.

The tiny course (TINY, tiny_course, place_submission, autograde) lives in grader_helpers.py.
"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest
from grader_helpers import HIDDEN_MARKERS, autograde, page_text, place_submission, run, tiny_course

from grader.course import Course
from grader.notebooks import ROOT
from grader.preprocessors.hide_hidden_tests import (
    NOTICE,
    HideHiddenTestOutput,
    hidden_test_lines,
    leaked_lines,
    scrub_text,
)

# --------------------------------------------------------------------------------------------
# Unit tests: the preprocessor on a real traceback (IPython 8, as nbgrader's autograde stores it)

TRACEBACK = [
    "\x1b[31m---------------------------------------------------------------------------\x1b[39m",
    "\x1b[31mAssertionError\x1b[39m                            Traceback (most recent call last)",
    "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line 3\x1b[39m\n"
    "\x1b[32m      1\x1b[39m \x1b[38;5;28;01massert\x1b[39;00m double(\x1b[32m2\x1b[39m) == \x1b[32m4\x1b[39m, "
    "\x1b[33m\"double(2) should be 4\"\x1b[39m\n"
    "\x1b[32m      2\x1b[39m \x1b[38;5;66;03m### BEGIN HIDDEN TESTS\x1b[39;00m\n"
    "\x1b[32m----> \x1b[39m\x1b[32m3\x1b[39m \x1b[38;5;28;01massert\x1b[39;00m double(\x1b[32m21\x1b[39m) == "
    "\x1b[32m42\x1b[39m, \x1b[33m\"double(21) is wrong\"\x1b[39m\n"
    "\x1b[32m      4\x1b[39m \x1b[38;5;66;03m### END HIDDEN TESTS\x1b[39;00m\n",
    "\x1b[31mAssertionError\x1b[39m: double(21) is wrong",
]
SOURCE = (
    'assert double(2) == 4, "double(2) should be 4"\n### BEGIN HIDDEN TESTS\n'
    'assert double(21) == 42, "double(21) is wrong"\n### END HIDDEN TESTS'
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _cell(source, outputs):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_double", "points": 1}
    return cell


def test_hidden_test_lines_include_markers_and_body_only():
    assert hidden_test_lines(SOURCE) == {
        "### BEGIN HIDDEN TESTS",
        "### END HIDDEN TESTS",
        'assert double(21) == 42, "double(21) is wrong"',
    }
    assert hidden_test_lines("assert True\n") == set()


def test_preprocessor_removes_hidden_lines_from_traceback_and_keeps_the_rest():
    error = {"output_type": "error", "ename": "AssertionError", "evalue": "double(21) is wrong", "traceback": TRACEBACK}
    stream = {
        "output_type": "stream",
        "name": "stdout",
        "text": "checking\nassert double(21) == 42, \"double(21) is wrong\"\n",
    }
    nb = nbformat.v4.new_notebook(cells=[_cell(SOURCE, [error, stream])])
    nb, _ = HideHiddenTestOutput()(nb, {})
    out = nb.cells[0].outputs
    text = ANSI.sub("", "\n".join(out[0].traceback))
    assert "double(21) == 42" not in text and "HIDDEN TESTS" not in text
    assert 'assert double(2) == 4, "double(2) should be 4"' in text  # the visible line stays
    assert NOTICE.strip() in text
    assert text.count(NOTICE.strip()) == 1  # one notice per frame, not per line
    assert "AssertionError: double(21) is wrong" in text  # the hint message stays
    assert out[1].text == "checking\n" + NOTICE + "\n"
    assert nb.cells[0].source == SOURCE  # the source is ClearHiddenTests' job, untouched here


def test_preprocessor_leaves_cells_without_hidden_tests_alone():
    error = {"output_type": "error", "ename": "AssertionError", "evalue": "x", "traceback": TRACEBACK}
    nb = nbformat.v4.new_notebook(cells=[_cell("assert double(2) == 4", [error])])
    nb, _ = HideHiddenTestOutput()(nb, {})
    assert nb.cells[0].outputs[0].traceback == TRACEBACK


def test_short_hidden_lines_only_match_whole_context_lines():
    hidden = {")", "### BEGIN HIDDEN TESTS"}
    text, removed = scrub_text("f(1,\n  2\n)\n      5 )\n", hidden)
    assert removed
    assert text.startswith("f(1,\n  2\n")  # the student's own ")" line also goes (exact match)...
    kept, removed = scrub_text("print(f(x))  # done", hidden)
    assert not removed and kept == "print(f(x))  # done"  # ...but never a line that merely contains ")"


def test_leaked_lines_finds_hidden_lines_in_html_but_not_the_students_own():
    hidden = {"### BEGIN HIDDEN TESTS", "assert square(7) == 49, 'wrong'", "x = 1"}
    page = "<pre><span>assert</span> square(7) <span>==</span> 49, &#39;wrong&#39;</pre>"
    assert leaked_lines(page, hidden) == ["assert square(7) == 49, 'wrong'"]
    assert leaked_lines(page, hidden, allowed_text="assert square(7) == 49, 'wrong'") == []
    assert leaked_lines("<p>x = 1</p>", hidden) == []  # too short to tell anything
    assert leaked_lines("<p>### BEGIN HIDDEN TESTS</p>", hidden) == ["### BEGIN HIDDEN TESTS"]


def test_configured_list_gets_ours_before_clear_hidden_tests():
    from traitlets.config import Config

    import grader.feedback as fb

    names, _ = fb.feedback_preprocessors(Course.load(ROOT))
    assert names.index(fb.OURS) < names.index(fb.CLEAR)
    assert names[0] == "nbgrader.preprocessors.GetGrades"
    grades = "nbgrader.preprocessors.GetGrades"
    cases = [
        ([grades, fb.CLEAR], [grades, fb.OURS, fb.CLEAR], False),
        ([grades, fb.CLEAR, fb.OURS], [grades, fb.OURS, fb.CLEAR], False),  # too late: moved
        ([grades], [grades, fb.OURS, fb.CLEAR], False),  # ClearHiddenTests is never left out
        ([grades, fb.OURS, fb.CLEAR], [grades, fb.OURS, fb.CLEAR], True),
    ]
    for configured, expected, had in cases:
        config = Config()
        config.GenerateFeedback.preprocessors = configured
        assert fb.feedback_preprocessors(Course(ROOT, config)) == (expected, had), configured


# --------------------------------------------------------------------------------------------
# The whole command on a tiny course


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """The tiny course with three students autograded (sandboxed) by ``python -m grader autograde``."""
    course = tiny_course(tmp_path_factory.mktemp("feedback") / "course")
    for kind in ("right", "hidden_fail", "blank"):
        place_submission(course, kind, kind)
    autograde(course)
    return course


@pytest.mark.slow
@pytest.mark.sandbox
def test_feedback_pages_show_scores_and_no_hidden_tests(graded_course):
    result = run([sys.executable, "-m", "grader", "feedback", "tiny", "--no-release"], graded_course)
    assert "3 page(s) for 3 student(s)" in result.stdout, result.stdout
    assert "0 withheld" in result.stdout
    pages = {
        kind: graded_course / "state" / "feedback" / kind / "tiny" / "tiny.html"
        for kind in ("right", "hidden_fail", "blank")
    }
    for kind, page in pages.items():
        assert page.is_file(), f"no feedback page for {kind}"
        text = page_text(page)
        for marker in HIDDEN_MARKERS:
            assert marker not in text, f"{kind}'s feedback shows hidden test text {marker!r}"
        assert 'assert square(2) == 4, "square(2) should be 4"' in text  # visible tests are shown
    hidden_fail = page_text(pages["hidden_fail"])
    assert "square of a larger number is wrong" in hidden_fail  # the failing hidden assert's hint
    assert NOTICE.strip() in hidden_fail
    assert re.search(r"Score:\s*2(\.0)?\s*/\s*6(\.0)?", hidden_fail), "total score missing"
    assert re.search(r"Score:\s*5(\.0)?\s*/\s*6(\.0)?", page_text(pages["right"]))
    assert "NotImplementedError" in page_text(pages["blank"])


@pytest.mark.slow
@pytest.mark.sandbox
def test_plain_nbgrader_feedback_leaks_unless_the_config_has_our_preprocessor(graded_course):
    """Why the preprocessor exists: nbgrader's ClearHiddenTests alone leaves the traceback.

    Plain ``nbgrader generate_feedback`` with the course configuration shows no hidden test (the
    configuration lists ours); with nbgrader's default preprocessors it shows the failing hidden
    assert in the traceback.
    """
    import grader.feedback as fb

    _, configured = fb.feedback_preprocessors(Course.load(graded_course))
    assert configured, f"the course configuration lacks {fb.OURS} before {fb.CLEAR}"
    page = graded_course / "state" / "feedback" / "hidden_fail" / "tiny" / "tiny.html"
    plain = [sys.executable, "-m", "nbgrader", "generate_feedback", "tiny", "--force", "--student=hidden_fail"]
    run(plain, graded_course)
    assert "square(7)" not in page_text(page)
    run(plain + [f"--GenerateFeedback.preprocessors={name}" for name in fb.DEFAULT], graded_course)
    assert "square(7)" in page_text(page), "nbgrader's default preprocessors no longer leak: is ours still needed?"


def test_unknown_lesson_is_refused(grader_cli):
    result = grader_cli("feedback", "no_such_lesson", cwd=ROOT)
    assert result.returncode == 2
    assert "unknown lesson 'no_such_lesson'" in result.stderr
