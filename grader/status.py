"""Per-submission autograding statuses, stored in the gradebook database (any SQLAlchemy URL).

nbgrader's gradebook records scores but not *why* a submission scored what it did: a kernel that
died, a timeout or a notebook that was not JSON all look like a plain 0. ``python -m grader
autograde`` therefore records one status per (student, lesson) in an extra table,
``nnfs_autograde_status``, next to nbgrader's own tables (SQLite or PostgreSQL alike; plain
SQLAlchemy Core, no database-specific SQL). Student code never reaches it: the sandbox hides the
gradebook's folder and has no network.

A status reads (the ``status`` column of ``python -m grader export``):

* ``ok``                    graded normally
* ``late``                  graded normally, submitted after the due date
* ``flagged: <reasons>``    graded, but the answer cells do something a human should look at
* ``failed: <reason>``      could not be graded as submitted (timeout, kernel died, memory limit,
                            invalid notebook JSON, missing notebook, misnamed notebook,
                            nbgrader error, ...)
* ``missing``               no submission

``failed`` and ``flagged`` take ``; late`` at the end when the submission was also late. Lateness is
nbgrader's own: the submission's ``timestamp.txt`` against the lesson's due date in the gradebook
(``SubmittedAssignment.total_seconds_late``, extensions included).

Each status also records the ``fingerprint`` of what was graded (the lesson's version and the
submission's exact files, :func:`grader.distribute.fingerprint`): the next ``python -m grader
autograde`` skips a submission whose status carries its current fingerprint. The status row is
written after the grades and the autograded folder, so it marks a grading as complete.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone

TABLE = "nnfs_autograde_status"

KINDS = ("ok", "late", "flagged", "failed", "missing")


@dataclass
class SubmissionStatus:
    """The outcome of autograding one (student, lesson)."""

    student: str
    lesson: str
    kind: str  # one of KINDS
    reason: str = ""  # for failed / flagged
    late: bool = False
    seconds_late: float = 0.0
    graded: bool = False  # nbgrader wrote scores for this submission
    flags: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time spent grading it
    graded_at: str = ""
    detail: str = ""  # log excerpt for failures
    fingerprint: str = ""  # what was graded (lesson version + submitted files)
    worker: str = ""  # the Dask worker that graded it

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown status kind {self.kind!r}")
        if self.kind == "ok" and self.late:
            self.kind = "late"
        elif self.kind == "late":
            self.late = True
        if not self.graded_at:
            self.graded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")

    @property
    def label(self) -> str:
        """The one-line status: ``ok``, ``late``, ``missing``, ``failed: ...``, ``flagged: ...``."""
        if self.kind in ("failed", "flagged"):
            text = f"{self.kind}: {self.reason}"
            return text + ("; late" if self.late else "")
        return self.kind

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionStatus:
        """From :func:`dataclasses.asdict` output; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def from_json(cls, text: str) -> SubmissionStatus:
        return cls.from_dict(json.loads(text))


def _engine(db_url: str):
    from sqlalchemy import create_engine

    kwargs = {}
    if db_url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 60}
    return create_engine(db_url, future=True, **kwargs)


def _table(metadata):
    from sqlalchemy import Column, String, Table, Text

    return Table(
        TABLE,
        metadata,
        Column("student", String(128), primary_key=True),
        Column("lesson", String(128), primary_key=True),
        Column("label", String(1024), nullable=False),
        Column("data", Text, nullable=False),
    )


class StatusStore:
    """Read and write statuses in the gradebook database at ``db_url``."""

    def __init__(self, db_url: str):
        from sqlalchemy import MetaData, inspect
        from sqlalchemy.exc import DBAPIError

        self.engine = _engine(db_url)
        self.table = _table(MetaData())
        try:
            self.table.create(self.engine, checkfirst=True)
        except DBAPIError:  # another process created it between the check and the CREATE
            if not inspect(self.engine).has_table(TABLE):
                raise

    def save(self, status: SubmissionStatus) -> None:
        """Insert or replace the status of (student, lesson); re-grading overwrites it."""
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.student == status.student, t.c.lesson == status.lesson))
            conn.execute(
                t.insert().values(
                    student=status.student, lesson=status.lesson, label=status.label[:1024], data=status.to_json()
                )
            )

    def load(self) -> dict[tuple[str, str], SubmissionStatus]:
        """Every recorded status, keyed by (student, lesson)."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execute(select(self.table.c.data)).all()
        out = {}
        for (data,) in rows:
            status = SubmissionStatus.from_json(data)
            out[(status.student, status.lesson)] = status
        return out

    def close(self) -> None:
        self.engine.dispose()
