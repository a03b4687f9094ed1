"""The course's JupyterHub (``make hub``): settings shared with the Zero-to-JupyterHub values, and
(slow, root) a real hub with real Unix accounts: PAM logins for the roster only, isolation between
students, the course service closed to students, owner-checked collect, a failed start explained,
and a restart mid-class with every submission and grade intact.

Everything runs on a temporary copy of the course (its own state, exchange and gradebook) and
accounts named ``nnfs-hub-*``, removed afterwards; the hub binds 127.0.0.1 on a free port
(:func:`hub_fixtures.class_hub`, shared with the browser and load tests).
"""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hub_fixtures import LESSON, as_user, class_hub, processes_of, student_nbgrader

REPO = Path(__file__).resolve().parent.parent
STUDENTS = {"nnfs-hub-ana": "Ana-pw-4471", "nnfs-hub-bo": "Bo-pw-9921"}
INSTRUCTOR = ("nnfs-hub-ian", "Ian-pw-1188")
NO_ACCOUNT = "nnfs-hub-ghost"


# ------------------------------------------------------------------------------------ fast: the values file


def test_z2jh_values_agree_with_make_hub(tmp_path):
    yaml = pytest.importorskip("yaml")
    from traitlets.config import Config

    from grader.course import Course
    from grader.hub import deploy
    from grader.setup import copy_course

    course = Course.load(copy_course(tmp_path / "course"))
    c = Config()
    prepared = {"python": sys.executable, "grader": "root", "proxy_token": "x", "admin_token": "y", "configs": {}}
    s = deploy.configure(c, course, prepared=prepared)
    values = yaml.safe_load((REPO / "grader" / "hub" / "z2jh-values.yaml").read_text())

    cid = course.course_id
    assert s["course_id"] == cid == "nn-from-scratch"
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    for group in s["groups"].values():
        assert roles[group]["groups"] == [group]
        assert values["hub"]["loadRoles"][group]["groups"] == [group]
        assert sorted(values["hub"]["loadRoles"][group]["scopes"]) == sorted(roles[group]["scopes"])
    service_role = f"course-service-{cid}"
    assert values["hub"]["loadRoles"][service_role]["scopes"] == roles[service_role]["scopes"]
    assert cid in values["hub"]["services"] and cid in {svc["name"] for svc in c.JupyterHub.services}
    assert values["hub"]["config"]["Authenticator"]["manage_groups"] is c.Authenticator.manage_groups is True
    assert values["hub"]["config"]["JupyterHub"]["cleanup_servers"] is c.JupyterHub.cleanup_servers is False
    # the students' servers: the same variables (the exchange path is the shared volume's mount)
    env = values["singleuser"]["extraEnv"]
    assert set(env) == set(s["student_env"]) and env["NNFS_COURSE_ID"] == c.Spawner.environment["NNFS_COURSE_ID"]
    mounts = {m["mountPath"] for m in values["singleuser"]["storage"]["extraVolumeMounts"]}
    assert env["NNFS_EXCHANGE"] in mounts
    # the culler
    culler = next(svc for svc in c.JupyterHub.services if svc["name"] == "idle-culler")
    assert f"--timeout={values['cull']['timeout']}" in culler["command"]
    assert values["cull"]["timeout"] == s["cull_timeout"]
    # students never see formgrader's frame-ancestors exception; the course service does
    assert "Content-Security-Policy" not in json.dumps(c.Spawner.environment)
    service = next(svc for svc in c.JupyterHub.services if svc["name"] == cid)
    assert service["environment"]["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0].endswith("course-service")


def test_roster_decides_role_and_group(tmp_path):
    from grader.hub import roster
    from grader.hub.auth import RosterPAMAuthenticator

    roster.save(tmp_path, {"course": "c1", "students": {"ana": {}}, "instructors": {"ian": {}}, "removed": {}})
    auth = RosterPAMAuthenticator(state_dir=str(tmp_path), course_id="c1")
    assert auth.check_allowed("ana") and auth.check_allowed("ian") and not auth.check_allowed("eve")


# ------------------------------------------------------------------------------------ slow: a real hub


@pytest.fixture(scope="module")
def hub():
    # the students' and the instructor's accounts come from the roster import; the ghost is on the
    # roster without an account (a failed start); eve is made and removed by a test
    with class_hub(STUDENTS, dict([INSTRUCTOR]), without_account=[NO_ACCOUNT], extra_accounts=["nnfs-hub-eve"]) as h:
        yield h


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_logins_roles_and_isolation(hub):
    ana, bo = list(STUDENTS)
    # PAM, the roster: right password in, wrong password and strangers out
    _, reply = hub.login(ana, STUDENTS[ana])
    assert reply.status_code == 302, reply.text[:500]
    assert hub.login(ana, "wrong")[1].status_code == 403
    subprocess.run(["useradd", "--create-home", "nnfs-hub-eve"], capture_output=True)
    try:
        subprocess.run(["chpasswd"], input="nnfs-hub-eve:Eve-pw-5555\n", text=True, check=True)
        assert hub.login("nnfs-hub-eve", "Eve-pw-5555")[1].status_code == 403, "an account off the roster got in"
    finally:
        subprocess.run(["userdel", "--remove", "nnfs-hub-eve"], capture_output=True)
    hub.login(bo, STUDENTS[bo])
    hub.login(*INSTRUCTOR)
    users = {u["name"]: u for u in hub.api("GET", "/users").json()}
    assert users[ana]["groups"] == ["nbgrader-nn-from-scratch"]
    assert users[INSTRUCTOR[0]]["groups"] == ["formgrade-nn-from-scratch"]

    # each student's server runs as that student, in a private home
    model = hub.spawn(ana)
    assert model["servers"][""]["ready"], model
    assert "singleuser" in " ".join(processes_of(ana)), f"no server process of {ana}: {processes_of(ana)}"
    home = Path(pwd.getpwnam(ana).pw_dir)
    assert (home.stat().st_mode & 0o777) == 0o700

    # fetch and submit as the students themselves (nbgrader's exchange commands, their accounts)
    for user in (ana, bo):
        done = student_nbgrader(hub, user, "fetch_assignment", LESSON)
        assert done.returncode == 0, done.stderr[-2000:]
        done = student_nbgrader(hub, user, "submit", LESSON)
        assert done.returncode == 0, done.stderr[-2000:]
    fetched = home / LESSON / f"{LESSON}.ipynb"
    assert fetched.is_file()

    # files: another student's home and fetched lesson, submissions, feedback, solutions, the
    # gradebook, the course service's files, the hub's secrets
    state = hub.state
    inbound = state / "exchange" / "nn-from-scratch" / "inbound"
    assert next(inbound.glob(f"{ana}+{LESSON}+*"))
    private = [
        fetched,
        home,
        inbound,
        hub.root / "solutions" / LESSON / f"{LESSON}.ipynb",
        state / "gradebook.db",
        state / "submitted",
        state / "autograded",
        state / "feedback",
        state / "grader-home",
        state / "hub" / "jupyterhub_cookie_secret",
        state / "hub" / "proxy_token",
        state / "hub" / "admin_token",
        state / "roster.json",
    ]
    for path in private:
        test = "-r" if path.is_file() else "-x"
        probe = as_user(bo, "test", test, str(path))
        listing = as_user(bo, "ls", str(path)) if path.is_dir() else probe
        assert probe.returncode != 0 or listing.returncode != 0, f"{bo} can read {path}"
    assert as_user(bo, "cat", str(fetched)).returncode != 0
    for secret in ("jupyterhub_cookie_secret", "proxy_token", "admin_token"):
        path = state / "hub" / secret
        assert (path.stat().st_mode & 0o777) == 0o600 and path.stat().st_uid == 0, secret

    # HTTP: the course service (formgrader), the admin API, another student's server: 403
    token = hub.token(ana)
    import requests

    for url in (
        f"{hub.base}/services/nn-from-scratch/formgrader",
        f"{hub.base}/services/nn-from-scratch/api/contents",
        f"{hub.base}/hub/api/users",
        f"{hub.base}/hub/api/users/{bo}",
        f"{hub.base}/hub/api/groups",
    ):
        code = requests.get(url, headers=token, allow_redirects=False, timeout=30).status_code
        assert code in (403, 404), f"{ana} reached {url} ({code})"
    assert requests.post(f"{hub.base}/hub/api/users/{bo}/server", headers=token, timeout=30).status_code in (403, 404)
    # the instructor reaches formgrader, which may be framed by the same origin (#1870); students' servers may not
    itoken = hub.token(INSTRUCTOR[0])
    reply = requests.get(f"{hub.base}/services/nn-from-scratch/formgrader", headers=itoken, timeout=60)
    assert reply.status_code == 200 and "frame-ancestors 'self'" in reply.headers.get("Content-Security-Policy", "")
    reply = requests.get(f"{hub.base}/user/{ana}/api/status", headers=token, timeout=60)
    assert reply.status_code == 200 and "frame-ancestors 'none'" in reply.headers.get("Content-Security-Policy", "")

    # submitting as someone else: Ana writes a "bo" submission; collect refuses it, keeps Bo's own
    forged = inbound / f"{bo}+{LESSON}+2999-01-01 00:00:00.000000 UTC+forged"
    made = as_user(ana, "mkdir", str(forged))
    assert made.returncode == 0, made.stderr  # the inbound folder is writable by every student
    as_user(ana, "cp", str(fetched), str(forged / f"{LESSON}.ipynb"))
    as_user(ana, "sh", "-c", f"echo '2999-01-01 00:00:00.000000 UTC' > '{forged}/timestamp.txt'")
    hub.grader("collect", LESSON)
    stamp = (state / "submitted" / bo / LESSON / "timestamp.txt").read_text()
    assert not stamp.startswith("2999"), "collect took Ana's forged submission as Bo's"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_failed_start_shows_a_message(hub):
    # on the roster, an account whose home folder is gone: the hub says why instead of spinning
    subprocess.run(["useradd", "--no-create-home", "--home-dir", f"/home/{NO_ACCOUNT}", NO_ACCOUNT], check=True)
    made = hub.api("POST", f"/users/{NO_ACCOUNT}")
    assert made.status_code in (201, 409), made.text
    hub.api("POST", f"/users/{NO_ACCOUNT}/server")
    time.sleep(1)
    progress = hub.api("GET", f"/users/{NO_ACCOUNT}/server/progress", stream=True)
    text = progress.text if progress.status_code == 200 else ""
    model = hub.api("GET", f"/users/{NO_ACCOUNT}").json()
    assert not model.get("servers"), model
    log = hub.log.read_text()
    message = f"your home folder /home/{NO_ACCOUNT} is missing or not yours"
    assert message in log or message in text, (text[-2000:], log[-3000:])


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_restart_mid_class_keeps_submissions_and_grades(hub):
    ana = next(iter(STUDENTS))
    from nbgrader.api import Gradebook

    db = f"sqlite:///{hub.state / 'gradebook.db'}"
    hub.grader("collect", LESSON)
    with Gradebook(db, "nn-from-scratch") as gb:
        gb.update_or_create_student(ana)
    before = sorted(p.name for p in (hub.state / "exchange" / "nn-from-scratch" / "inbound").iterdir())
    submitted_before = sorted(str(p.relative_to(hub.state)) for p in (hub.state / "submitted").rglob("*.ipynb"))
    assert submitted_before
    hub.stop()
    hub.start()
    after = sorted(p.name for p in (hub.state / "exchange" / "nn-from-scratch" / "inbound").iterdir())
    assert after == before
    assert sorted(str(p.relative_to(hub.state)) for p in (hub.state / "submitted").rglob("*.ipynb")) == submitted_before
    with Gradebook(db, "nn-from-scratch") as gb:
        assert ana in {s.id for s in gb.students}
    # the student's server kept running through the restart and the hub knows it again
    model = hub.api("GET", f"/users/{ana}").json()
    assert model["servers"].get("", {}).get("ready"), model
    # a new submission after the restart is collected like any other
    assert student_nbgrader(hub, ana, "submit", LESSON).returncode == 0
    hub.grader("collect", LESSON)
