"""nbgrader's collect, refusing submissions that another account wrote.

The inbound folder is writable by every student (mode 2733: they cannot list it), so Alice can
create ``bob+00_welcome+<a later time>``; nbgrader's own collect only *warns* that the owner is not
the student it claims to be, and takes it as Bob's latest submission. This one skips it (and says
so), so nobody can submit as someone else. The hub's course configuration selects it
(``ExchangeFactory.collect``).
"""

from __future__ import annotations

import glob
import os
import pwd

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import check_mode


class OwnerCheckedCollect(ExchangeCollect):
    def init_src(self):
        """nbgrader's own init_src (0.9.6), with the forged records dropped before the latest
        submission of each student is chosen."""
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = []
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            try:
                owner = pwd.getpwuid(os.stat(path).st_uid).pw_name
            except KeyError:
                owner = "an unknown account"
            if owner != record["username"]:
                self.log.error(
                    "refused %s: it claims to be %s's submission but %s wrote it",
                    os.path.basename(path),
                    record["username"],
                    owner,
                )
                continue
            records.append(record)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for group in groupby(records, lambda item: item["username"]).values():
            ordered = self._sort_by_timestamp(group)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in ordered if r["timestamp"] <= self.duedate]
                ordered = on_time or ordered
            self.src_records.append(ordered[0])
