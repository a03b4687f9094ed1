"""The whole class loop on the course's JupyterHub, in headless Chromium, through the hub's own login
page (issue 11, item 5).

One hub for the module (:func:`hub_fixtures.class_hub`: a temporary course copy, its roster imported
with ``python -m grader roster import --create-accounts`` for 3 students and 1 instructor with
passwords, ``python -m grader hub`` on 127.0.0.1); the students work one after the other, each in a
fresh browser context:

- every student logs in on /hub/login (PAM), fetches 00_welcome in the Assignments panel, answers
  ``count_positive`` in the editor and the written question, validates and submits; Ana submits twice
  (first a wrong answer, then the right one), Cy submits after the due date set on the lesson;
- the instructor logs in (next = the course service), opens Nbgrader > Formgrader in the course
  service's JupyterLab: its panel renders (nbgrader #1870), and grades the ``explain_`` answers by hand
  in Manual Grading; collect and autograde run meanwhile as root with the hub's course configuration
  (the project's own commands: owner-checked collect, Dask, the bubblewrap sandbox);
- ``python -m grader feedback`` releases feedback; each student presses Fetch Feedback and reads
  their own page with their own score (2, 1.5 and 1 of 2), Cy's submission is ``late``.

Ana's server is started by her login (the hub's spawn page); while a student works, the next one's
server is started through the REST API, as a class's servers would be running already.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
import secrets
import threading
import time

import hub_fixtures
import pytest
from conftest import VIEWPORT, LabUI, Steps

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = hub_fixtures.LESSON
COURSE = hub_fixtures.COURSE_ID
# account names unique to this run: another run of the suite on the machine (CI) uses its own
RUN = secrets.token_hex(2)
STUDENTS = {f"nbh{RUN}-ana": "Ana-pw-4471", f"nbh{RUN}-bo": "Bo-pw-9921", f"nbh{RUN}-cy": "Cy-pw-3317"}
ANA, BO, CY = STUDENTS
INSTRUCTOR = (f"nbh{RUN}-ian", "Ian-pw-1188")
EXPLAIN = "explain_hidden_tests"
OFF_MACHINE = re.compile(r"^(?!https?://127\.0\.0\.1[:/]|wss?://127\.0\.0\.1[:/]|data:|blob:|about:)")

RIGHT = '''def count_positive(x):
    """Number of strictly positive entries of x."""
    return int(np.sum(np.asarray(x, dtype=float) > 0))  # marker:{user}
'''
WRONG = '''def count_positive(x):
    return int(np.sum(np.asarray(x, dtype=float) >= 0))  # first try:{user}
'''
WRITTEN = "Zeros catch >= instead of >, and a 2-D array catches a loop over rows: {user}."
#: hand-given points for the written answer, and the total each student must read in the feedback
MANUAL = {ANA: 1.0, BO: 0.5, CY: 0.0}
TOTAL = {ANA: 2.0, BO: 1.5, CY: 1.0}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    log = tmp_path_factory.mktemp("hub-log") / "hub.log"
    with hub_fixtures.class_hub(STUDENTS, dict([INSTRUCTOR]), prefix="nnfs-bhub-", keep_log=log) as h:
        yield h


def row(page, list_id: str, lesson: str = LESSON):
    return page.locator(f"#{list_id} .list_item", has=page.locator(".item_name", has_text=lesson)).first


def login(browser, hub, user: str, password: str, next_path: str = ""):
    """A fresh context; the hub's login form; returns the page once JupyterLab shows."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    # 127.0.0.1 only: formgrader's submission page asks a CDN for MathJax, and its grading code starts
    # on the window's load event, which an unanswered request would hold back for minutes
    context.route(OFF_MACHINE, lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{hub.base}/hub/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    target = next_path or f"/user/{user}/lab"
    page.wait_for_url(f"**{target}**", timeout=180_000)  # the first login spawns the server
    page.locator("#jp-main-dock-panel").wait_for(state="visible", timeout=90_000)
    return page


def open_assignments(page) -> None:
    LabUI(page, None).menu("Nbgrader", "nbgrader:open-assignment-list")
    page.locator("#released_assignments_list").wait_for(state="visible")
    page.locator("#released_assignments_list_loading").wait_for(state="hidden", timeout=60_000)


def answer(page, ui: LabUI, text: str) -> None:
    page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell",
        has=page.locator(".cm-content", has_text="def count_positive"),
    ).first.scroll_into_view_if_needed()
    ui.replace_cell_text("def count_positive", text)


def write_explanation(page, index: int, text: str) -> None:
    """The written answer: markdown cell ``index`` (JupyterLab renders markdown only once it is on
    screen, so scroll to it first), double-click, type, render."""
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    shown = cell.locator(".jp-MarkdownOutput", has_text="YOUR ANSWER HERE")
    shown.wait_for(state="visible")
    shown.dblclick()
    editor = cell.locator(".cm-content")
    editor.wait_for(state="visible")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-MarkdownOutput", has_text=text[:30]).wait_for(state="visible")


def submit(page, hub, user: str) -> str:
    """Submit in the Assignments panel; returns the new inbound record's name."""
    before = {p.name for p in hub.inbound.glob(f"{user}+{LESSON}+*")}
    page.locator(".lm-TabBar-tab", has_text="Assignments").first.click()
    button = row(page, "fetched_assignments_list").get_by_role("button", name="Submit")
    button.click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        new = {p.name for p in hub.inbound.glob(f"{user}+{LESSON}+*")} - before
        if new:
            row(page, "submitted_assignments_list").wait_for(state="visible")
            return new.pop()
        time.sleep(0.2)
    raise AssertionError(f"no new submission of {user} in {hub.inbound}")


def explain_index(notebook: dict) -> int:
    return next(
        i
        for i, c in enumerate(notebook["cells"])
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == EXPLAIN
    )


def student_works(browser, hub, user: str, shots, wrong_first: bool = False):
    """Login, Fetch, answer, Validate, Submit (twice when ``wrong_first``); returns (page, records)."""
    page = login(browser, hub, user, STUDENTS[user])
    steps = Steps(page, shots, hub)
    ui = LabUI(page, None)
    records = []
    with steps(f"{user}: Fetch {LESSON} in the Assignments panel, open it"):
        open_assignments(page)
        row(page, "released_assignments_list").get_by_role("button", name="Fetch").click()
        fetched = row(page, "fetched_assignments_list")
        fetched.wait_for(state="visible", timeout=60_000)
        fetched.locator("a.assignment-notebooks-link").click()
        link = page.locator("#fetched_assignments_list a:not(.assignment-notebooks-link)", has_text=LESSON).first
        link.wait_for(state="visible")
        link.click()
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible", timeout=60_000)
        ui.wait_kernel_idle(timeout=120_000)
        home_copy = hub_fixtures.home_of(user) / LESSON / f"{LESSON}.ipynb"
        notebook = json.loads(home_copy.read_text())  # in the student's own home
    if wrong_first:
        with steps(f"{user}: a first, wrong answer, saved and submitted"):
            answer(page, ui, WRONG.format(user=user))
            ui.save()
            records.append(submit(page, hub, user))
            page.locator(".lm-TabBar-tab", has_text=f"{LESSON}.ipynb").first.click()
    with steps(f"{user}: the right answer and the written one; Validate passes"):
        answer(page, ui, RIGHT.format(user=user))
        write_explanation(page, explain_index(notebook), WRITTEN.format(user=user))
        ui.save()
        text = ui.validate()
        assert "Success! Your notebook passes all the tests." in text, f"Validate did not pass:\n{text}"
    with steps(f"{user}: Submit"):
        records.append(submit(page, hub, user))
    return page, records


def grade_by_hand(frame, hub, user: str, points: float) -> None:
    """Manual Grading > 00_welcome > 00_welcome > the student's submission: the written answer's score,
    typed once formgrader has loaded the submission's grades (before that, its first render would
    clear the input), saved when the input changes (Tab), checked in the gradebook."""
    frame.locator("a.name-hidden", has_text="Submission #").first.wait_for(state="visible", timeout=60_000)
    frame.locator("#toggle_names").click()
    first = user.rsplit("-", 1)[-1].title()
    frame.locator("a.name-shown", has_text=f"Test, {first}").first.click()
    score = frame.locator(f"input.score#{EXPLAIN}")
    score.wait_for(state="visible", timeout=60_000)
    frame.get_by_text(WRITTEN.format(user=user)[:40]).first.wait_for()  # this student's own answer
    # formgrader's grade view marks the input once the grades are loaded (it starts on window load)
    with contextlib.suppress(Exception):
        frame.locator(f"input.score.needs_manual_grade#{EXPLAIN}").wait_for(state="visible", timeout=30_000)
    for _ in range(3):
        score.fill(f"{points:g}")
        score.press("Tab")  # formgrader saves a score when its input changes
        try:
            wait_for(lambda: manual_score(hub, user) == points, f"{user}'s manual score {points} saved", 20)
            return
        except AssertionError:
            score.fill("")
    raise AssertionError(f"formgrader did not save {user}'s manual score {points}")


def manual_score(hub, user: str):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.state / 'gradebook.db'}", COURSE) as gb:
        return gb.find_grade(EXPLAIN, LESSON, LESSON, user).manual_score


def wait_for(predicate, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.timeout(900)
def test_class_loop_through_the_hub(hub, browser, tmp_path):
    timings: dict[str, float] = {"hub ready": hub.timings["ready"]}
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        timings[name] = time.monotonic() - clock
        clock = time.monotonic()

    def spawn_in_background(user: str) -> threading.Thread:
        thread = threading.Thread(target=hub.spawn, args=(user,), daemon=True)
        thread.start()
        return thread

    # ---- students -----------------------------------------------------------------------------
    pages, records = {}, {}
    pages[ANA], records[ANA] = student_works(browser, hub, ANA, tmp_path, wrong_first=True)
    lap("ana: login (spawn), fetch, submit, answer, validate, submit")
    ahead = spawn_in_background(BO)
    ahead.join(180)
    pages[BO], records[BO] = student_works(browser, hub, BO, tmp_path)
    ahead = spawn_in_background(CY)
    lap("bo")
    # the due date passes: Cy submits late
    from nbgrader.api import Gradebook

    due = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    with Gradebook(f"sqlite:///{hub.state / 'gradebook.db'}", COURSE) as gb:
        gb.update_or_create_assignment(LESSON, duedate=due)
    time.sleep(0.05)
    ahead.join(180)
    pages[CY], records[CY] = student_works(browser, hub, CY, tmp_path)
    lap("cy")
    assert len(records[ANA]) == 2 and records[ANA][0] != records[ANA][1]
    for user in STUDENTS:
        owners = {hub_fixtures.owner(hub.inbound / name) for name in records[user]}
        assert owners == {user}, f"{user}'s submissions were written by {owners}"

    # ---- collect and autograde (root, the hub's course configuration) while the instructor logs in
    graded: dict = {}

    def grade() -> None:
        try:
            graded["collect"] = hub.grader("collect", LESSON)
            graded["autograde"] = hub.grader("autograde", LESSON, "--no-progress")
        except BaseException as err:  # reported in the test's thread
            graded["error"] = err

    grading = threading.Thread(target=grade, daemon=True)
    grading.start()

    page = login(browser, hub, *INSTRUCTOR, next_path=f"/services/{COURSE}/lab")
    steps = Steps(page, tmp_path, hub)
    with steps("instructor: Nbgrader > Formgrader in the course service: the panel renders (#1870)"):
        LabUI(page, None).menu("Nbgrader", "nbgrader:open-formgrader")
        frame = page.frame_locator(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe").first
        frame.get_by_text("Manage Assignments").first.wait_for(timeout=60_000)
        frame.locator("td", has_text=LESSON).first.wait_for(state="visible", timeout=60_000)
        steps.shot("formgrader-in-the-hub")
    lap("instructor: login, formgrader shows")

    with steps("collect and autograde: every student's latest submission, scored"):
        grading.join(600)
        assert not grading.is_alive(), "collect + autograde did not finish in 10 minutes"
        if "error" in graded:
            raise graded["error"]
        for user in STUDENTS:
            collected = hub.state / "submitted" / user / LESSON / f"{LESSON}.ipynb"
            text = collected.read_text()
            assert f"marker:{user}" in text, f"{user}'s collected notebook is not their latest own one"
            assert not any(f"marker:{other}" in text for other in STUDENTS if other != user)
        assert "first try" not in (hub.state / "submitted" / ANA / LESSON / f"{LESSON}.ipynb").read_text()
    lap("collect + autograde (after the instructor's login)")

    with steps("instructor: Manual Grading, the written answers by hand"):
        frame.get_by_role("link", name="Manual Grading").first.click()
        frame.locator("a", has_text=LESSON).first.click()
        for user, points in MANUAL.items():
            frame.locator("td a", has_text=LESSON).first.click()  # the notebook's submissions
            grade_by_hand(frame, hub, user, points)
            frame.locator(".breadcrumb a", has_text=LESSON).first.click()  # back to the assignment
        steps.shot("manual-grading")
    lap("manual grading x3")

    with steps("scores in the gradebook; Cy's submission is late"):
        with Gradebook(f"sqlite:///{hub.state / 'gradebook.db'}", COURSE) as gb:
            for user in STUDENTS:
                sub = gb.find_submission(LESSON, user)
                assert (sub.score, sub.max_score) == (TOTAL[user], 2.0), (user, sub.score, sub.max_score)
                assert (sub.total_seconds_late > 0) == (user == CY), (user, sub.total_seconds_late)
        hub.grader("export")
        statuses = {
            line.split(",")[0]: line.rsplit(",", 1)[-1]
            for line in (hub.state / "grades.csv").read_text().splitlines()[1:]
            if f",{LESSON}," in line
        }
        assert statuses == {ANA: "ok", BO: "ok", CY: "late"}, statuses

    with steps("release feedback"):
        hub.grader("feedback", LESSON)
    lap("export + feedback")

    # ---- each student reads their own feedback ----------------------------------------------------
    for user in STUDENTS:
        page = pages[user]
        steps = Steps(page, tmp_path, hub)
        with steps(f"{user}: Fetch Feedback, open it: their own score"):
            page.reload()
            page.locator("#jp-main-dock-panel").wait_for(state="visible", timeout=60_000)
            open_assignments(page)
            row(page, "submitted_assignments_list").get_by_role("button", name="Fetch Feedback").click()
            view = page.locator("#submitted_assignments_list a", has_text="view feedback").first
            view.wait_for(state="visible", timeout=60_000)
            view.click()
            item = page.locator(".jp-DirListing-item", has_text=f"{LESSON}.html").first
            item.wait_for(state="visible", timeout=30_000)
            item.dblclick()
            frame = page.frame_locator(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe").first
            frame.get_by_text(re.compile(r"Score:")).first.wait_for(timeout=30_000)
            text = frame.locator("body").inner_text()
            shown = re.search(rf"{LESSON}\s*\(Score:\s*([\d.]+)\s*/\s*([\d.]+)\)", text)
            assert shown and (float(shown[1]), float(shown[2])) == (TOTAL[user], 2.0), (user, text[:300])
            assert f"marker:{user}" in text and WRITTEN.format(user=user)[:40] in text, f"not {user}'s own page"
            assert not any(f"marker:{other}" in text for other in STUDENTS if other != user)
            pages_fetched = [
                p
                for p in (hub_fixtures.home_of(user) / LESSON / "feedback").rglob("*.html")
                if ".ipynb_checkpoints" not in p.parts
            ]  # JupyterLab's copy of the opened page
            assert len(pages_fetched) == 1, pages_fetched
        page.context.close()
    lap("feedback read x3")
    print("\nhub class loop, seconds per phase:", json.dumps({k: round(v, 1) for k, v in timings.items()}))
