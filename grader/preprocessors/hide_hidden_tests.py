"""Preprocessors for feedback HTML: what nbgrader's ClearHiddenTests leaves behind.

``ClearHiddenTests`` removes the ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` block from a
test cell's *source*, but not from its *outputs*: when a hidden assert fails, IPython's traceback
prints the failing line and the lines around it, so the feedback would show the hidden test anyway.
``HideHiddenTestOutput`` runs before ``ClearHiddenTests`` (while the hidden block is still in the
source), and removes every hidden source line from that cell's outputs: traceback frames, streams
and plain-text results. The exception's type and message stay (the course's assertion messages
are written as hints); where lines were removed, one line says so.

Also ``hidden_test_lines`` and ``leaked_lines``: used by ``python -m grader feedback`` to check the
generated HTML once more before anything is released to students.
"""

from __future__ import annotations

import html
import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
NOTICE = "    (hidden test lines are not shown)"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# A source line inside an IPython traceback frame: "      1 code", "----> 3 code", "---> 12 code".
_CONTEXT = re.compile(r"^\s*(?:-*>)?\s*\d+\s?(?P<code>.*)$")
# Substring matches are only trusted for lines this long (a short line such as ")" is too common).
_MIN_SUBSTRING = 16


def hidden_test_lines(source: str) -> set[str]:
    """The stripped, non-empty lines of every hidden-test block of a cell's source (markers included)."""
    lines, inside = set(), False
    for line in source.splitlines():
        text = line.strip()
        if text.startswith(BEGIN):
            inside = True
            lines.add(text)
            continue
        if text.startswith(END):
            inside = False
            lines.add(text)
            continue
        if inside and text:
            lines.add(text)
    return lines


def _is_hidden(line: str, hidden: set[str]) -> bool:
    plain = _ANSI.sub("", line).rstrip()
    candidates = {plain.strip()}
    match = _CONTEXT.match(plain)
    if match:
        candidates.add(match.group("code").strip())
    if candidates & hidden:
        return True
    return any(len(h) >= _MIN_SUBSTRING and h in plain for h in hidden)


def scrub_text(text: str, hidden: set[str]) -> tuple[str, bool]:
    """Remove hidden lines from a block of text; returns (text, whether anything was removed)."""
    out, removed, noted = [], False, False
    for line in text.split("\n"):
        if _is_hidden(line, hidden):
            removed = True
            if not noted:
                out.append(NOTICE)
                noted = True
            continue
        out.append(line)
    return "\n".join(out), removed


class HideHiddenTestOutput(Preprocessor):
    """Remove hidden-test source lines from the outputs of the cells that hold hidden tests.

    Must run before ``nbgrader.preprocessors.ClearHiddenTests`` in ``GenerateFeedback.preprocessors``.
    """

    enabled = Bool(True, help="on by default, like nbgrader's own preprocessors").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or BEGIN not in cell.source:
            return cell, resources
        hidden = hidden_test_lines(cell.source)
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                cleaned = []
                for frame in output.get("traceback", []):
                    text, _ = scrub_text(frame, hidden)
                    cleaned.append(text)
                output["traceback"] = cleaned
                output["evalue"], _ = scrub_text(output.get("evalue", ""), hidden)
            elif kind == "stream":
                output["text"], _ = scrub_text(output.get("text", ""), hidden)
            elif kind in ("execute_result", "display_data"):
                data = output.get("data", {})
                for mime in ("text/plain", "text/html", "text/markdown"):
                    if isinstance(data.get(mime), str):
                        data[mime], _ = scrub_text(data[mime], hidden)
        return cell, resources


def leaked_lines(feedback_html: str, hidden: set[str], allowed_text: str = "") -> list[str]:
    """Hidden lines that appear in a feedback page (its text, unescaped, ANSI removed).

    ``allowed_text`` is what the student wrote themselves: a hidden line that also appears there
    (a student who happened to write the same line) is not a leak. Lines shorter than 8
    characters (``)``, ``else:``) are too common to tell anything and are not checked.
    """
    page = html.unescape(re.sub(r"<[^>]+>", "", feedback_html))
    leaks = []
    for line in sorted(hidden):
        if line.startswith(("### BEGIN", "### END")):
            if line in page:
                leaks.append(line)
            continue
        if len(line) >= 8 and line in page and line not in allowed_text:
            leaks.append(line)
    return leaks
