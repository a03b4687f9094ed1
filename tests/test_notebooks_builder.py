"""Unit tests of grader/notebooks.py: percent-format lesson sources -> nbgrader source notebooks."""

from __future__ import annotations

import json

import nbformat
import pytest

from grader import notebooks
from grader.notebooks import SourceError, dumps, parse_source, strip_outputs

GOOD = """\
# %% [markdown]
# # Title
#
# Some *text*.

# %%
import numpy as np

# %% readonly id=setup
from nnlib.testing import assert_close

# %% answer id=relu
def relu(z):
    ### BEGIN SOLUTION
    return np.maximum(z, 0)
    ### END SOLUTION

# %% tests id=test_relu points=3
assert_close(relu(np.array([-1.0, 2.0])), [0.0, 2.0])
### BEGIN HIDDEN TESTS
assert_close(relu(np.array([0.0])), [0.0])
### END HIDDEN TESTS

# %% [markdown] explain id=explain_relu points=2
# ReLU keeps positives.

# %% [markdown] readonly id=rules
# Do not edit this cell.
"""


def cells_by_id(nb):
    return {c.id: c for c in nb.cells}


def test_parses_every_kind_of_cell():
    nb = parse_source(GOOD)
    assert [(c.cell_type, c.id) for c in nb.cells] == [
        ("markdown", "cell-000"),
        ("code", "cell-001"),
        ("code", "setup"),
        ("code", "relu"),
        ("code", "test_relu"),
        ("markdown", "explain_relu"),
        ("markdown", "rules"),
    ]
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_markdown_prefix_is_stripped_and_blank_comment_lines_become_blank_lines():
    nb = parse_source(GOOD)
    assert nb.cells[0].source == "# Title\n\nSome *text*."


def test_surrounding_blank_lines_are_trimmed_and_code_kept_verbatim():
    nb = cells_by_id(parse_source(GOOD))
    assert nb["relu"].source == (
        "def relu(z):\n    ### BEGIN SOLUTION\n    return np.maximum(z, 0)\n    ### END SOLUTION"
    )
    assert nb["cell-001"].source == "import numpy as np"


def test_plain_cells_carry_no_nbgrader_metadata():
    nb = parse_source(GOOD)
    assert "nbgrader" not in nb.cells[0].metadata
    assert "nbgrader" not in nb.cells[1].metadata


@pytest.mark.parametrize(
    "cell_id, expected",
    [
        ("setup", {"grade_id": "setup", "grade": False, "solution": False, "locked": True}),
        ("relu", {"grade_id": "relu", "grade": False, "solution": True, "locked": False}),
        ("test_relu", {"grade_id": "test_relu", "grade": True, "solution": False, "locked": True, "points": 3.0}),
        ("explain_relu", {"grade_id": "explain_relu", "grade": True, "solution": True, "locked": False, "points": 2.0}),
        ("rules", {"grade_id": "rules", "grade": False, "solution": False, "locked": True}),
    ],
)
def test_nbgrader_metadata(cell_id, expected):
    meta = dict(cells_by_id(parse_source(GOOD))[cell_id].metadata["nbgrader"])
    assert meta == {**expected, "schema_version": 3}


def test_points_default_to_one():
    nb = parse_source("# %% tests id=test_x\nassert True\n")
    assert nb.cells[0].metadata["nbgrader"]["points"] == 1.0
    nb = parse_source("# %% [markdown] explain id=explain_x\n# why\n")
    assert nb.cells[0].metadata["nbgrader"]["points"] == 1.0


def test_nbgrader_accepts_the_metadata():
    """nbgrader's own metadata checks and cell classification agree with the builder."""
    from nbgrader import utils

    nb = cells_by_id(parse_source(GOOD))
    assert utils.is_solution(nb["relu"]) and not utils.is_grade(nb["relu"])
    assert utils.is_grade(nb["test_relu"]) and not utils.is_solution(nb["test_relu"])
    assert utils.is_grade(nb["explain_relu"]) and utils.is_solution(nb["explain_relu"])
    assert utils.is_locked(nb["setup"]) and utils.is_locked(nb["test_relu"])


@pytest.mark.parametrize(
    "text, message",
    [
        ("# %% answer\ndef f():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\n", "needs id="),
        ("# %% tests\nassert True\n", "needs id="),
        ("# %% [markdown] explain\n# text\n", "needs id="),
        ("# %% readonly\nx = 1\n", "needs id="),
        ("# %% answr id=f\nx = 1\n", "unknown word 'answr'"),
        ("# %% answer tests id=f\nx = 1\n", "unknown word 'tests'"),
        ("# %% tests id=test_f\n### BEGIN HIDDEN TESTS\nassert True\n", "unbalanced HIDDEN TESTS"),
        ("# %% tests id=test_f\nassert True\n### END HIDDEN TESTS\n", "unbalanced HIDDEN TESTS"),
        ("# %% answer id=f\ndef f():\n    return 1\n", "without ### BEGIN SOLUTION"),
        ("# %% tests id=f\nassert True\n", "starts with test_"),
        ("# %% [markdown] explain id=why\n# text\n", "starts with explain_"),
        ("# %% [markdown] answer id=f\n# text\n", "answer cells are code cells"),
        ("# %% [markdown] tests id=test_f\n# text\n", "tests cells are code cells"),
        ("# %% explain id=explain_f\nx = 1\n", "explain cells are markdown cells"),
        ("x = 1\n# %%\ny = 2\n", "text before the first"),
        ("# %%\n\n\n# %%\nx = 1\n", "empty cell"),
        ("# %% [markdown]\nno hash prefix\n", "markdown lines start with '# '"),
        ("# %% readonly id=a\nx = 1\n# %% readonly id=a\ny = 2\n", "duplicate id 'a'"),
    ],
    ids=[
        "answer-no-id",
        "tests-no-id",
        "explain-no-id",
        "readonly-no-id",
        "unknown-word",
        "two-roles",
        "hidden-begin-only",
        "hidden-end-only",
        "answer-without-solution",
        "tests-id-prefix",
        "explain-id-prefix",
        "markdown-answer",
        "markdown-tests",
        "code-explain",
        "text-before-marker",
        "empty-cell",
        "markdown-without-hash",
        "duplicate-id",
    ],
)
def test_malformed_sources_are_rejected(text, message):
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_source(text, name="lesson.py")


@pytest.mark.parametrize(
    "text",
    [
        # an answer cell whose solution never ends: nbgrader's ClearSolutions refuses it at release time
        "# %% answer id=f\ndef f():\n    ### BEGIN SOLUTION\n    return 1\n",
        # hidden-test markers in the wrong order: counts match, the block is inside out
        "# %% tests id=test_f\n### END HIDDEN TESTS\nassert True\n### BEGIN HIDDEN TESTS\n",
        # points that are not a number: a bare ValueError without file and line
        "# %% tests id=test_f points=two\nassert True\n",
        # a misspelt option (point=, not points=) would silently leave the cell worth 1 point
        "# %% tests id=test_f point=2\nassert True\n",
    ],
    ids=["solution-never-ends", "hidden-tests-inside-out", "points-not-a-number", "misspelt-option"],
)
def test_malformed_regions_and_points_are_caught(text):
    with pytest.raises(SourceError, match=r"^lesson\.py:1: "):
        parse_source(text, name="lesson.py")


def test_errors_name_the_file_and_line():
    text = "# %% [markdown]\n# hi\n# %% answer id=f\ndef f():\n    return 1\n"
    with pytest.raises(SourceError, match=r"^99_x\.py:3: "):
        parse_source(text, name="99_x.py")
    with pytest.raises(SourceError, match=r"^99_x\.py:2: unknown word"):
        parse_source("# %%\n# %% answre id=f\nx\n", name="99_x.py")


def test_source_error_is_a_value_error():
    assert issubclass(SourceError, ValueError)


def test_balanced_hidden_tests_and_plain_tests_are_fine():
    parse_source("# %% tests id=test_f\nassert True\n")
    parse_source("# %% tests id=test_f\nassert True\n### BEGIN HIDDEN TESTS\nassert 1\n### END HIDDEN TESTS\n")


def test_output_is_deterministic():
    first, second = dumps(parse_source(GOOD)), dumps(parse_source(GOOD))
    assert first == second
    assert first.endswith("}\n") and not first.endswith("\n\n")
    data = json.loads(first)
    assert data["nbformat"] == 4
    assert all(
        c.get("outputs", []) == [] and c.get("execution_count") is None
        for c in data["cells"]
        if c["cell_type"] == "code"
    )
    # ids come from the source, so an unrelated edit elsewhere does not renumber named cells
    edited = GOOD.replace("Some *text*.", "Other text.")
    assert [c.id for c in parse_source(edited).cells] == [c.id for c in parse_source(GOOD).cells]


def test_dumps_round_trips_through_nbformat():
    text = dumps(parse_source(GOOD))
    again = nbformat.reads(text, as_version=4)
    assert dumps(again) == text


@pytest.fixture
def sandbox_course(tmp_path, monkeypatch):
    """grader.notebooks pointed at a temporary course root with one lesson source."""
    (tmp_path / "grader" / "sources").mkdir(parents=True)
    (tmp_path / "grader" / "sources" / "99_demo.py").write_text(GOOD)
    (tmp_path / "grader" / "sources" / "01_other.py").write_text("# %%\nx = 1\n")
    (tmp_path / "grader" / "sources" / "notes.py").write_text("not a lesson")
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    monkeypatch.setattr(notebooks, "SOURCES", tmp_path / "grader" / "sources")
    return tmp_path


def test_lesson_ids_are_the_numbered_sources_in_order(sandbox_course):
    assert notebooks.lesson_ids() == ["01_other", "99_demo"]


def test_build_writes_the_solution_notebook_and_is_idempotent(sandbox_course):
    path = notebooks.build("99_demo")
    assert path == sandbox_course / "solutions" / "99_demo" / "99_demo.ipynb"
    text = path.read_text()
    assert text == dumps(parse_source(GOOD))
    mtime = path.stat().st_mtime_ns
    assert notebooks.build("99_demo") == path
    assert path.read_text() == text
    assert path.stat().st_mtime_ns == mtime, "an unchanged source must not rewrite the notebook"


def test_build_rewrites_after_a_source_edit(sandbox_course):
    path = notebooks.build("99_demo")
    (sandbox_course / "grader" / "sources" / "99_demo.py").write_text(GOOD.replace("Title", "New title"))
    notebooks.build("99_demo")
    assert "New title" in path.read_text()


def test_build_names_the_source_file_in_errors(sandbox_course):
    (sandbox_course / "grader" / "sources" / "02_bad.py").write_text("# %% answer id=f\nx = 1\n")
    with pytest.raises(SourceError, match=r"grader/sources/02_bad\.py:1"):
        notebooks.build("02_bad")
    assert not (sandbox_course / "solutions" / "02_bad" / "02_bad.ipynb").exists()


def test_strip_outputs():
    nb = parse_source(GOOD)
    code = nb.cells[1]
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    code.execution_count = 7
    assert strip_outputs(nb) is nb
    assert code.outputs == [] and code.execution_count is None
    assert dumps(nb) == dumps(parse_source(GOOD))


def test_every_committed_source_parses():
    """The real lesson sources follow the format (and their ids are unique per lesson)."""
    for lesson in notebooks.lesson_ids():
        source = notebooks.SOURCES / f"{lesson}.py"
        nb = parse_source(source.read_text(), name=str(source))
        assert nb.cells, lesson
