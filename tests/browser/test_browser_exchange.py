"""Scenarios 2 and 3: the whole exchange loop, as a student in the browser and as an instructor.

2. Student: the Assignments panel lists the released lessons; Fetch 00_welcome; open it; Validate
   before answering shows the failure; answer ``count_positive`` in the editor; Validate passes;
   Submit; the submission is in the exchange.
3. Instructor: ``python -m grader collect`` / ``autograde`` / ``feedback`` on that submission.
   Student: Fetch Feedback in the panel, open the feedback HTML: the score is there, the hidden
   tests are not.

Run in this order (scenario 3 grades scenario 2's submission, and skips without it).
"""

from __future__ import annotations

import json
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "00_welcome"
ANSWER = '''def count_positive(x):
    """Number of strictly positive entries of x."""
    return int(np.sum(np.asarray(x, dtype=float) > 0))
'''

WRITTEN = (
    "An input with zeros such as [0, 0, 1] catches a function that uses >= instead of >; "
    "a 2-D array catches a loop over rows instead of entries."
)

_submission: dict = {}


def open_assignments(page, ui):
    """Nbgrader > Assignment List; returns the panel once the released list has loaded."""
    ui.menu("Nbgrader", "nbgrader:open-assignment-list")
    panel = page.locator("#released_assignments_list")
    panel.wait_for(state="visible", timeout=30_000)
    page.locator("#released_assignments_list_loading").wait_for(state="hidden", timeout=60_000)
    return panel


def row(page, list_id: str, lesson: str):
    return page.locator(f"#{list_id} .list_item", has=page.locator(".item_name", has_text=lesson)).first


def hidden_and_visible_test_lines(notebook_path, grade_id: str) -> tuple[list[str], list[str]]:
    """The solution's test cell for ``grade_id``: (hidden test lines, visible test lines)."""
    nb = json.loads(notebook_path.read_text())
    cell = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)
    source = "".join(cell["source"])
    before, hidden = source.split("### BEGIN HIDDEN TESTS", 1)
    hidden = hidden.split("### END HIDDEN TESTS", 1)[0]
    keep = lambda text: [ln.strip() for ln in text.splitlines() if len(ln.strip()) >= 20]  # noqa: E731
    visible = keep(before)
    return [ln for ln in keep(hidden) if ln not in visible], visible  # a line in both is not a leak


@pytest.mark.timeout(600)
def test_student_fetches_validates_and_submits(course, released, lab_server, ui, page, steps):
    with steps("open JupyterLab and the Assignments panel: every released lesson is listed"):
        ui.open("", workspace="student")
        open_assignments(page, ui)
        for lesson in released:
            row(page, "released_assignments_list", lesson).wait_for(state="visible")

    with steps(f"Fetch {LESSON}: it moves to the downloaded list"):
        row(page, "released_assignments_list", LESSON).get_by_role("button", name="Fetch").click()
        fetched = row(page, "fetched_assignments_list", LESSON)
        fetched.wait_for(state="visible", timeout=60_000)
        notebook = course.student_dir / LESSON / f"{LESSON}.ipynb"
        assert notebook.is_file(), f"Fetch did not write {notebook}"

    with steps("open the fetched notebook from the panel"):
        fetched.locator("a.assignment-notebooks-link").click()
        link = page.locator("#fetched_assignments_list a:not(.assignment-notebooks-link)", has_text=LESSON).first
        link.wait_for(state="visible")
        link.click()
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible", timeout=60_000)
        page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current", has_text=f"{LESSON}.ipynb").wait_for()
        ui.wait_kernel_idle(timeout=90_000)

    with steps("Validate before answering shows the unanswered exercise failing"):
        text = ui.validate()
        assert "Success" not in text, f"an unanswered lesson validated:\n{text}"
        assert "NotImplementedError" in text or "failed" in text.lower(), f"no failure shown:\n{text}"

    with steps("answer count_positive in the editor and save"):
        page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell",
            has=page.locator(".cm-content", has_text="def count_positive"),
        ).first.scroll_into_view_if_needed()
        ui.replace_cell_text("def count_positive", ANSWER)
        ui.save()
        saved = json.loads(notebook.read_text())
        assert any("np.sum(np.asarray(x, dtype=float) > 0)" in "".join(c["source"]) for c in saved["cells"]), (
            "the answer did not reach the saved notebook"
        )

    with steps("write the answer to the written question (a markdown cell)"):
        ui.answer_markdown("YOUR ANSWER HERE", WRITTEN)
        ui.save()

    with steps("Validate now passes"):
        text = ui.validate()
        assert "Success! Your notebook passes all the tests." in text, f"Validate did not pass:\n{text}"

    with steps("Submit from the Assignments panel: it shows in the submitted list and in the exchange"):
        inbound = course.exchange / "nn-from-scratch" / "inbound"
        before = set(inbound.iterdir()) if inbound.is_dir() else set()
        panel_tab = page.locator(".lm-TabBar-tab", has_text="Assignments").first
        panel_tab.click()
        row(page, "fetched_assignments_list", LESSON).get_by_role("button", name="Submit").click()
        row(page, "submitted_assignments_list", LESSON).wait_for(state="visible", timeout=60_000)
        new = [p for p in inbound.iterdir() if p not in before and f"+{LESSON}+" in p.name]
        assert len(new) == 1, f"expected one new submission in {inbound}, found {new}"
        submitted = new[0] / f"{LESSON}.ipynb"
        assert submitted.is_file(), f"{submitted} missing"
        assert "np.sum(np.asarray(x, dtype=float) > 0)" in submitted.read_text()
        _submission.update(student=new[0].name.split("+")[0], path=new[0])


@pytest.mark.timeout(900)
def test_instructor_grades_and_student_reads_feedback(course, lab_server, ui, page, steps):
    if not _submission:
        pytest.skip("needs the submission made by test_student_fetches_validates_and_submits (run it first)")
    student = _submission["student"]

    with steps("instructor: collect, autograde and release feedback with the project's grader"):
        course.grader("collect", LESSON)
        course.grader("autograde", LESSON)
        course.grader("feedback", LESSON)
        from nbgrader.api import Gradebook

        with Gradebook(course.env["NNFS_DB_URL"], "nn-from-scratch") as gb:
            submission = gb.find_submission(LESSON, student)
            score, max_score = submission.score, submission.max_score
            count_cell = gb.find_grade("test_count_positive", LESSON, LESSON, student)
            assert count_cell.score == count_cell.max_score > 0, (
                f"the correct count_positive did not get its points: {count_cell.score}/{count_cell.max_score}"
            )
        outbound = course.exchange / "nn-from-scratch" / "feedback"
        assert outbound.is_dir() and any(outbound.iterdir()), f"no feedback released in {outbound}"

    with steps("student: Fetch Feedback in the Assignments panel"):
        ui.open("", workspace="feedback")
        open_assignments(page, ui)
        submitted = row(page, "submitted_assignments_list", LESSON)
        submitted.wait_for(state="visible")
        submitted.get_by_role("button", name="Fetch Feedback").click()
        view = page.locator("#submitted_assignments_list a", has_text="view feedback").first
        view.wait_for(state="visible", timeout=60_000)

    with steps("open the feedback HTML: the score is shown, the hidden tests are not"):
        view.click()  # the file browser goes to the feedback folder
        item = page.locator(".jp-DirListing-item", has_text=f"{LESSON}.html").first
        item.wait_for(state="visible", timeout=30_000)
        item.dblclick()
        frame = page.frame_locator(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe").first
        body = frame.locator("body")
        body.wait_for(state="visible", timeout=30_000)
        frame.get_by_text(re.compile(r"Score:")).first.wait_for(timeout=30_000)
        text = body.inner_text()
        shown = re.search(rf"{LESSON}\s*\(Score:\s*([\d.]+)\s*/\s*([\d.]+)\)", text)
        assert shown, f"no overall score in the feedback page:\n{text[:1500]}"
        assert (float(shown[1]), float(shown[2])) == (pytest.approx(score), pytest.approx(max_score)), (
            f"page says {shown[0]}, gradebook says {score}/{max_score}"
        )
        hidden, visible = hidden_and_visible_test_lines(
            course.root / "solutions" / LESSON / f"{LESSON}.ipynb", "test_count_positive"
        )
        assert hidden and visible
        compact = re.sub(r"\s+", "", text)
        assert any(re.sub(r"\s+", "", line) in compact for line in visible), (
            "the visible tests are not shown either: the page text cannot be checked"
        )
        leaked = [line for line in hidden if re.sub(r"\s+", "", line) in compact]
        assert not leaked, f"hidden tests visible in the feedback: {leaked}"
        assert "BEGIN HIDDEN TESTS" not in text
