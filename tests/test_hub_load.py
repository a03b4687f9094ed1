"""40 students' worth of load on the course's JupyterHub (issue 11, item 6), within one 2-core machine.

One hub (:func:`hub_fixtures.class_hub`) with 40 students on the roster, each a real Unix account
(``roster import --create-accounts``). Four of them get a real JupyterLab server started through the
hub's REST API, and one of those runs a lesson in a kernel; the other 36 are students whose work
arrives through nbgrader's exchange: all 40 run ``nbgrader submit`` as their own Unix user
(``runuser``, the configuration a student's server has), started together. Then the instructor's
owner-checked collect must find all 40, each the student's own (every notebook carries a marker
naming its student), none lost, none mixed up. The hub's REST API must keep answering meanwhile.
The latencies and the servers' memory are measured by benchmarks/bench_hub.py (``make bench``);
this test prints what it saw but asserts only correctness.
"""

from __future__ import annotations

import secrets
import statistics
import threading
import time

import pytest
from hub_fixtures import (
    LESSON,
    MARKER,
    as_user,
    class_hub,
    code_cells,
    execute,
    home_of,
    owner,
    place_work,
    processes_of,
    server_rss,
    start_kernel,
    submit_all,
)

pytestmark = pytest.mark.slow

N_STUDENTS = 40
N_SERVERS = 4
RUN = secrets.token_hex(2)  # account names unique to this run (another run of the suite may share the machine)
STUDENTS = {f"nld{RUN}-{i:02d}": f"Load-pw-{i:02d}-x" for i in range(N_STUDENTS)}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    log = tmp_path_factory.mktemp("hub-load") / "hub.log"
    with class_hub(STUDENTS, {}, prefix="nnfs-load-", keep_log=log) as h:
        yield h


def poll_api(hub, users, stop: threading.Event, seen: list) -> None:
    """The hub's REST API, asked again and again while the class works (bounded: 127.0.0.1 only)."""
    i = 0
    while not stop.is_set() and i < 2000:
        user = users[i % len(users)]
        start = time.perf_counter()
        code = hub.api("GET", f"/users/{user}").status_code
        seen.append((code, time.perf_counter() - start))
        i += 1
        time.sleep(0.05)


@pytest.mark.timeout(600)
def test_forty_students_submit_at_once(hub):
    users = list(STUDENTS)
    with_servers = users[:N_SERVERS]
    clock = time.monotonic()

    # ---- real servers through the REST API, started together
    threads = [threading.Thread(target=hub.spawn, args=(u,)) for u in with_servers]
    [t.start() for t in threads]
    [t.join(300) for t in threads]
    for user in with_servers:
        model = hub.api("GET", f"/users/{user}").json()
        assert model["servers"].get("", {}).get("ready"), f"{user}'s server did not start: {model}"
        assert any("jupyterhub.singleuser" in cmd for cmd in processes_of(user)), f"no server process of {user}"
    idle_rss = {u: server_rss(hub, u)[0] for u in with_servers}
    spawned = time.monotonic() - clock

    # ---- every student's work in their home; then 40 submissions at once, a lesson running meanwhile
    for user in users:
        place_work(hub, user)
    worker = with_servers[0]
    headers = hub.token(worker)
    kernel = start_kernel(hub, worker, headers)
    stop, seen = threading.Event(), []
    poller = threading.Thread(target=poll_api, args=(hub, with_servers, stop, seen), daemon=True)
    lesson_errors: list = []
    lesson = threading.Thread(
        target=lambda: lesson_errors.extend(
            execute(hub, worker, headers, kernel, code_cells(hub.root / "solutions" / LESSON / f"{LESSON}.ipynb"))
        ),
        daemon=True,
    )
    clock = time.monotonic()
    poller.start()
    lesson.start()
    procs = submit_all(hub, users)
    results = {user: (p.wait(300), p.stdout.read(), p.stderr.read()) for user, p in zip(users, procs)}
    submitted = time.monotonic() - clock
    lesson.join(300)
    stop.set()
    poller.join(30)
    failed = {u: r[2][-500:] for u, r in results.items() if r[0] != 0}
    assert not failed, f"{len(failed)} submissions failed: {failed}"
    assert not lesson_errors, f"the lesson's cells failed in {worker}'s kernel: {lesson_errors}"
    working_rss = server_rss(hub, worker)[0]

    # ---- the exchange: 40 records, each written by its own student
    records = sorted(hub.inbound.glob(f"*+{LESSON}+*"))
    assert len(records) == N_STUDENTS, f"{len(records)} submissions in the exchange, expected {N_STUDENTS}"
    assert {r.name.split("+")[0] for r in records} == set(users)
    assert all(owner(r) == r.name.split("+")[0] for r in records)

    # ---- collect (owner-checked, as the instructor's commands run on the hub): all 40, none mixed up
    done = hub.grader("collect", LESSON)
    assert f"{N_STUDENTS} student(s) submitted" in done.stdout, done.stdout
    for user in users:
        text = (hub.state / "submitted" / user / LESSON / f"{LESSON}.ipynb").read_text()
        markers = [u for u in users if MARKER.format(user=u) in text]
        assert markers == [user], f"{user}'s collected notebook carries the markers of {markers}"
    codes = [c for c, _ in seen]
    assert codes and set(codes) == {200}, f"the hub's API answered {sorted(set(codes))} under load"
    # a student still cannot see another's work, even under load
    assert as_user(users[1], "ls", str(home_of(users[2]))).returncode != 0

    latencies = sorted(t for _, t in seen)
    print(
        f"\nhub load: {N_SERVERS} servers started together in {spawned:.1f} s; {N_STUDENTS} concurrent "
        f"submissions in {submitted:.1f} s; hub API GET /users/<name> under load: n={len(latencies)}, "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {latencies[int(0.95 * (len(latencies) - 1))] * 1000:.0f} ms; "
        f"server RSS idle {statistics.median(idle_rss.values()) / 2**20:.0f} MiB, working (kernel ran {LESSON}) "
        f"{working_rss / 2**20:.0f} MiB"
    )
