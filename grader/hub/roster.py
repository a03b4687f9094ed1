"""The class roster of a hub deployment: who may log in, as a student or as an instructor/TA.

One JSON file, ``<state>/roster.json`` (root-owned, mode 0600), written only by
``python -m grader roster`` and read by the hub on every login (:mod:`grader.hub.auth`), so a
student added or removed while the hub runs is let in or kept out at the next login::

    {"course": "nn-from-scratch",
     "students":    {"ana": {"first_name": "Ana", "last_name": "Lima", "email": "ana@x.org"}},
     "instructors": {"tom": {...}},
     "removed":     {"bob": {...}}}          # removed students: their grades stay in the gradebook

Students are also registered in the gradebook (nbgrader's ``Student``: id, names, email);
``remove`` never deletes them there, it only takes them off the roster (no more logins).

Importing is all or nothing: every line is checked first (header, id syntax, duplicates, an id
that is already on the other list, an e-mail address, a system account), every problem is
reported with its line number and reason, and nothing is written unless there is none. Unix
accounts made by ``--create-accounts`` are removed again when a later step fails.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

#: A Unix user name that is also a safe nbgrader student id, hub user name and folder name.
ID_PATTERN = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
REQUIRED = ("id", "first_name", "last_name", "email")
OPTIONAL = ("password",)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Accounts below this uid are system accounts: never a student or instructor.
FIRST_LOGIN_UID = 1000
RESERVED = {"root", "admin", "jupyterhub", "nobody"}


class RosterError(RuntimeError):
    """A roster problem; ``problems`` holds one ``line N: id: reason`` string per refused line."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Person:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    password: str = field(default="", repr=False)
    line: int = 0

    def record(self) -> dict:
        return {"first_name": self.first_name, "last_name": self.last_name, "email": self.email}


def roster_path(state: Path) -> Path:
    return Path(state) / "roster.json"


def load(state: Path, course_id: str = "") -> dict:
    """The roster (an empty one when there is no file yet)."""
    path = roster_path(state)
    data = json.loads(path.read_text()) if path.is_file() else {}
    data.setdefault("course", course_id)
    for key in ("students", "instructors", "removed"):
        data.setdefault(key, {})
    return data


def save(state: Path, data: dict) -> Path:
    """Write the roster atomically, readable by its owner only (it lists people's e-mail addresses)."""
    path = roster_path(state)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(tmp, path)
    return path


def role_of(data: dict, user: str) -> str | None:
    """ "student", "instructor" or None (not on the roster: no login)."""
    if user in data.get("instructors", {}):
        return "instructor"
    if user in data.get("students", {}):
        return "student"
    return None


# ------------------------------------------------------------------------------------- reading


def read_csv(path: Path) -> tuple[list[Person], list[str]]:
    """The people of a roster CSV and the problems found (``line N: ...``); nothing is applied."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise RosterError(f"{path}: not UTF-8 text ({err})") from err
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise RosterError(f"{path}: empty file (expected the header {','.join(REQUIRED)}[,password])")
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if missing or unknown:
        raise RosterError(
            f"{path}: line 1: the header must be {','.join(REQUIRED)} with an optional "
            f"password column"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    people, problems, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(header):
            problems.append(f"line {number}: {len(row)} fields, the header has {len(header)}")
            continue
        values = {name: cell.strip() for name, cell in zip(header, row)}
        person = Person(
            id=values["id"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            email=values["email"],
            password=values.get("password", ""),
            line=number,
        )
        reason = check_id(person.id)
        if reason is None and person.id in seen:
            reason = f"duplicate: already on line {seen[person.id]}"
        if reason is None and person.email and not EMAIL.match(person.email):
            reason = f"bad e-mail address {person.email!r}"
        if reason:
            problems.append(f"line {number}: {person.id or '(empty id)'}: {reason}")
        else:
            seen[person.id] = number
            people.append(person)
    return people, problems


def check_id(user: str) -> str | None:
    """Why ``user`` cannot be a course account, or None."""
    if not user:
        return "empty id"
    if not ID_PATTERN.match(user):
        return (
            "bad id: use 1 to 32 lowercase letters, digits, '_' or '-', starting with a letter "
            "or '_' (it becomes a Unix user name)"
        )
    if user in RESERVED:
        return f"reserved name {user!r}"
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return None
    if entry.pw_uid < FIRST_LOGIN_UID:
        return f"{user!r} is a system account (uid {entry.pw_uid})"
    return None


# ------------------------------------------------------------------------------------- accounts


def account_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def create_account(person: Person) -> None:
    """A login account with a private home (0700); the password from the roster, else a locked one
    (single sign-on: the hub authenticates, the account only runs the student's server)."""
    made = subprocess.run(
        [
            "useradd",
            "--create-home",
            "--shell",
            "/bin/bash",
            "-K",
            "HOME_MODE=0700",
            "--comment",
            f"{person.first_name} {person.last_name}".strip() or person.id,
            person.id,
        ],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise RosterError(f"line {person.line}: {person.id}: useradd failed: {made.stderr.strip()}")
    home = Path(pwd.getpwnam(person.id).pw_dir)
    if home.is_dir():
        os.chmod(home, 0o700)  # older useradd ignore HOME_MODE
    if person.password:
        result = subprocess.run(["chpasswd"], input=f"{person.id}:{person.password}\n", capture_output=True, text=True)
        if result.returncode != 0:
            raise RosterError(f"line {person.line}: {person.id}: chpasswd failed: {result.stderr.strip()}")
    else:
        subprocess.run(["passwd", "--lock", person.id], capture_output=True, text=True, check=False)


def delete_account(user: str) -> None:
    subprocess.run(["userdel", "--remove", user], capture_output=True, text=True, check=False)


# ------------------------------------------------------------------------------------- import


def plan_import(data: dict, people: list[Person], instructors: bool) -> list[str]:
    """Problems of importing ``people`` into ``data`` as students (or instructors)."""
    problems = []
    other = "students" if instructors else "instructors"
    for person in people:
        if person.id in data[other]:
            problems.append(
                f"line {person.line}: {person.id}: already on the roster as "
                f"{'a student' if other == 'students' else 'an instructor'}"
            )
    return problems


def import_people(
    state: Path, course, csv_path: Path, instructors: bool = False, create_accounts: bool = False
) -> dict:
    """Validate the whole file, then apply it; returns what was done. Raises :class:`RosterError`
    (with every problem) and changes nothing when any line is refused."""
    people, problems = read_csv(csv_path)
    data = load(state, course.course_id)
    problems += plan_import(data, people, instructors)
    if create_accounts and os.geteuid() != 0:
        raise RosterError("--create-accounts needs root (useradd)")
    if problems:
        raise RosterError(f"{csv_path}: {len(problems)} line(s) refused, nothing imported", problems)
    if not people:
        raise RosterError(f"{csv_path}: no one to import")

    created: list[str] = []
    try:
        if create_accounts:
            for person in people:
                if not account_exists(person.id):
                    create_account(person)
                    created.append(person.id)
        if not instructors:
            register_students(course, people)
    except Exception:
        for user in created:
            delete_account(user)
        raise
    key = "instructors" if instructors else "students"
    added = [p.id for p in people if p.id not in data[key]]
    for person in people:
        data[key][person.id] = person.record()
        data["removed"].pop(person.id, None)
    save(state, data)
    return {"role": key, "imported": [p.id for p in people], "new": added, "accounts_created": created}


def register_students(course, people: list[Person]) -> None:
    """Every student in the gradebook (nbgrader's Student table), names and e-mail updated."""
    course.state.mkdir(parents=True, exist_ok=True)  # a first SQLite gradebook lives there
    with course.gradebook() as gb:
        for person in people:
            gb.update_or_create_student(
                person.id,
                first_name=person.first_name or None,
                last_name=person.last_name or None,
                email=person.email or None,
            )


def remove(state: Path, course_id: str, user: str) -> str:
    """Take ``user`` off the roster (no more logins); the gradebook and their grades stay."""
    data = load(state, course_id)
    for key in ("students", "instructors"):
        if user in data[key]:
            data["removed"][user] = {**data[key].pop(user), "was": key[:-1]}
            save(state, data)
            return key[:-1]
    raise RosterError(f"{user} is not on the roster (see: python -m grader roster list)")
