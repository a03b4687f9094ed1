"""Scenario 4: the instructor's JupyterLab (`make instructor`) shows Formgrader with every lesson;
the student's (`make lab`) shows the Assignments panel and Validate, and no instructor tool."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from conftest import VIEWPORT, LabUI, Steps

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def instructor_page(browser, instructor_server):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()
    instructor_server.shutdown_kernels()


@pytest.mark.timeout(300)
def test_instructor_opens_formgrader(course, released, instructor_server, instructor_page, tmp_path, readme_screenshot):
    page, ui = instructor_page, LabUI(instructor_page, instructor_server)
    steps = Steps(page, tmp_path, instructor_server)
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
    steps.last()


def _status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.timeout(300)
def test_student_lab_shows_student_tools_only(lab_server, ui, page, steps):
    with steps("the student's Nbgrader menu: Assignment List, no Formgrader or Create Assignment"):
        ui.open("", workspace="student-tools")
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
        page.locator(".lm-Menu-item[data-command='nbgrader:open-assignment-list']").first.wait_for(state="visible")
        commands = page.locator(".lm-Menu-content .lm-Menu-item").evaluate_all(
            "items => items.filter(i => i.offsetParent !== null && getComputedStyle(i).display !== 'none')"
            ".map(i => i.getAttribute('data-command'))"
        )
        assert "nbgrader:open-assignment-list" in commands, commands
        for hidden in ("nbgrader:open-formgrader", "nbgrader:open-create-assignment", "nbgrader:open-course-list"):
            assert hidden not in commands, f"a student's menu offers {hidden}: {commands}"
        page.keyboard.press("Escape")

    with steps("formgrader's pages are not served to a student; the Assignments API is"):
        assert _status(f"{lab_server.url}/formgrader", lab_server.token) == 404
        assert _status(f"{lab_server.url}/assignments?course_id=nn-from-scratch", lab_server.token) == 200
