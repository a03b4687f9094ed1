"""Lesson sources -> nbgrader source notebooks.

Every lesson is authored as one percent-format text file, ``grader/sources/<id>.py``, and built
into ``solutions/<id>/<id>.ipynb`` (the instructor source notebook nbgrader releases from). The
text file is what reviewers read and diff; the notebook is derived, committed without outputs.

Cell markers (one per line, starting a new cell)::

    # %% [markdown]                              teaching text, each line prefixed by "# "
    # %%                                         a plain code cell (demos, figures, widgets)
    # %% readonly id=setup                       a locked code cell nbgrader restores before grading
    # %% answer id=relu                          autograded answer cell (grade_id = exercise name)
    # %% tests id=test_relu points=2             autograder test cell, locked
    # %% [markdown] explain id=explain_x points=2    manually graded written answer
    # %% [markdown] readonly id=...              locked markdown

Inside an answer cell the solution sits between ``### BEGIN SOLUTION`` / ``### END SOLUTION``;
inside a test cell the hidden tests sit between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``.
A markdown ``explain`` cell holds the model answer; nbgrader replaces it with "YOUR ANSWER HERE".
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "grader" / "sources"

_MARKER = re.compile(r"^# %%(?:\s+\[(?P<kind>markdown)\])?(?P<rest>.*)$")
_ROLES = {"answer", "tests", "explain", "readonly"}
_OPTIONS = {"id", "points"}


class SourceError(ValueError):
    """A lesson source file that does not follow the cell-marker format."""


def lesson_ids() -> list[str]:
    """Every lesson id with a source file, in course order."""
    return sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.py"))


def check_lesson_ids(lessons: list[str]) -> list[str]:
    """``lessons`` (every lesson when empty); an id without a source raises one line naming the lessons."""
    from grader.course import UnknownLesson

    known = lesson_ids()
    unknown = [lesson for lesson in lessons if not (SOURCES / f"{lesson}.py").is_file()]
    if unknown:
        raise UnknownLesson(f"unknown lesson {', '.join(map(repr, unknown))} (lessons: {', '.join(known)})")
    return list(lessons) or known


def _parse_marker(line: str, where: str) -> tuple[str, str | None, dict]:
    match = _MARKER.match(line)
    cell_type = "markdown" if match.group("kind") else "code"
    role, options = None, {}
    for word in match.group("rest").split():
        if "=" in word:
            key, value = word.split("=", 1)
            if key not in _OPTIONS:
                raise SourceError(
                    f"{where}: unknown option {key!r} in cell marker {line!r} (known: {', '.join(sorted(_OPTIONS))})"
                )
            options[key] = value
        elif word in _ROLES and role is None:
            role = word
        else:
            raise SourceError(f"{where}: unknown word {word!r} in cell marker {line!r}")
    if role in ("answer", "tests") and cell_type != "code":
        raise SourceError(f"{where}: {role} cells are code cells")
    if role == "explain" and cell_type != "markdown":
        raise SourceError(f"{where}: explain cells are markdown cells")
    if role and "id" not in options:
        raise SourceError(f"{where}: a {role} cell needs id=<grade_id>")
    if role == "tests" and not options["id"].startswith("test_"):
        raise SourceError(f"{where}: a tests cell's id starts with test_")
    if role == "explain" and not options["id"].startswith("explain_"):
        raise SourceError(f"{where}: an explain cell's id starts with explain_")
    return cell_type, role, options


def _strip_markdown(lines: list[str], where: str) -> list[str]:
    out = []
    for line in lines:
        if line == "#":
            out.append("")
        elif line.startswith("# "):
            out.append(line[2:])
        else:
            raise SourceError(f"{where}: markdown lines start with '# ', got {line!r}")
    return out


def _check_regions(source: str, region: str, where: str) -> None:
    """``### BEGIN <region>`` / ``### END <region>`` markers come in order, in pairs, never nested."""
    inside = False
    for line in source.splitlines():
        marker = line.strip()
        if marker == f"### BEGIN {region}":
            if inside:
                raise SourceError(f"{where}: unbalanced {region} markers: ### BEGIN {region} inside another one")
            inside = True
        elif marker == f"### END {region}":
            if not inside:
                raise SourceError(
                    f"{where}: unbalanced {region} markers: ### END {region} without a ### BEGIN {region} before it"
                )
            inside = False
    if inside:
        raise SourceError(
            f"{where}: unbalanced {region} markers: ### BEGIN {region} is never ended by ### END {region}"
        )


def _points(options: dict, where: str) -> float:
    try:
        points = float(options.get("points", 1))
    except ValueError:
        raise SourceError(f"{where}: points must be a number, got {options['points']!r}") from None
    if not points >= 0:
        raise SourceError(f"{where}: points must be >= 0, got {points}")
    return points


def _nbgrader_metadata(role: str | None, options: dict, where: str = "<source>") -> dict | None:
    if role is None:
        return None
    meta = {"grade_id": options["id"], "schema_version": 3}
    if role == "answer":
        meta.update(grade=False, solution=True, locked=False)
    elif role == "tests":
        meta.update(grade=True, solution=False, locked=True, points=_points(options, where))
    elif role == "explain":
        meta.update(grade=True, solution=True, locked=False, points=_points(options, where))
    elif role == "readonly":
        meta.update(grade=False, solution=False, locked=True)
    return meta


def parse_source(text: str, name: str = "<source>") -> nbformat.NotebookNode:
    """Build an nbformat v4 notebook from percent-format lesson text."""
    cells: list[tuple[str, str | None, dict, list[str], int]] = []
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        if _MARKER.match(line):
            current = (*_parse_marker(line, f"{name}:{number}"), [], number)
            cells.append(current)
        elif current is None:
            if line.strip():
                raise SourceError(f"{name}:{number}: text before the first '# %%' marker")
        else:
            current[3].append(line)

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    seen: set[str] = set()
    for index, (cell_type, role, options, lines, number) in enumerate(cells):
        where = f"{name}:{number}"
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if cell_type == "markdown":
            lines = _strip_markdown(lines, where)
        source = "\n".join(lines)
        if not source.strip():
            raise SourceError(f"{where}: empty cell")
        meta = _nbgrader_metadata(role, options, where)
        cell_id = options.get("id") or f"cell-{index:03d}"
        if cell_id in seen:
            raise SourceError(f"{where}: duplicate id {cell_id!r}")
        seen.add(cell_id)
        if cell_type == "markdown":
            cell = nbformat.v4.new_markdown_cell(source, id=cell_id)
        else:
            cell = nbformat.v4.new_code_cell(source, id=cell_id)
        if meta:
            cell.metadata["nbgrader"] = meta
        if role == "answer" and "### BEGIN SOLUTION" not in source:
            raise SourceError(f"{where}: answer cell without ### BEGIN SOLUTION")
        _check_regions(source, "SOLUTION", where)
        _check_regions(source, "HIDDEN TESTS", where)
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """Serialise the way every committed notebook is written: 1-space indent, trailing newline."""
    return nbformat.writes(nb, version=4) + "\n"


def build(lesson_id: str) -> Path:
    """Write solutions/<id>/<id>.ipynb from grader/sources/<id>.py; returns the notebook's path."""
    source = SOURCES / f"{lesson_id}.py"
    nb = parse_source(source.read_text(), name=str(source.relative_to(ROOT)))
    target = ROOT / "solutions" / lesson_id / f"{lesson_id}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = dumps(nb)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return target


def strip_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove outputs and execution counts in place (for notebooks edited in JupyterLab)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb
