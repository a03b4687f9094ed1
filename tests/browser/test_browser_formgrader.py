"""Scenario 4: the instructor opens Formgrader in JupyterLab and sees every lesson listed."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.timeout(300)
def test_instructor_opens_formgrader(course, released, ui, page, steps, readme_screenshot):
    with steps("open JupyterLab, then Nbgrader > Formgrader"):
        ui.open("", workspace="instructor")
        # more room for the table: close the file browser (click its active side tab)
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
        page.locator("#jp-left-stack").wait_for(state="hidden")
        ui.menu("Nbgrader", "nbgrader:open-formgrader")
        frame = page.frame_locator(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe").first
        frame.get_by_text("Manage Assignments").first.wait_for(timeout=60_000)

    with steps("Manage Assignments lists every lesson"):
        table = frame.locator("table").first
        table.wait_for(state="visible", timeout=60_000)
        for lesson in course.lessons:
            frame.locator("td", has_text=lesson).first.wait_for(state="visible", timeout=30_000)
        rows = frame.locator("tbody tr").all_inner_texts()
        listed = sorted({lesson for lesson in course.lessons for r in rows if lesson in r})
        assert listed == course.lessons, f"formgrader lists {listed}, the course has {course.lessons}"
        # scroll the page inside the iframe down to the table (vertically only)
        table.evaluate("t => window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY - 60)")
        readme_screenshot(page, "instructor")
