"""nbgrader's collect, refusing submissions that another account wrote.

The inbound folder is writable by every student (mode 2733: they cannot list it), so Alice can
create ``bob+00_welcome+<a later time>``; nbgrader's own collect only *warns* that the owner is not
the student it claims to be, and takes it as Bob's latest submission. This one skips it (and says
so), so nobody can submit as someone else. The hub's course configuration selects it
(``ExchangeFactory.collect``).
"""
from __future__ import annotations

import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect


class OwnerCheckedCollect(ExchangeCollect):
    def init_src(self):
        super().init_src()
        kept = []
        for rec in self.src_records:
            path = os.path.join(self.inbound_path, rec["filename"])
            try:
                owner = pwd.getpwuid(os.stat(path).st_uid).pw_name
            except KeyError:
                owner = "an unknown account"
            if owner != rec["username"]:
                self.log.error("refused %s: it claims to be %s's submission but %s wrote it",
                               rec["filename"], rec["username"], owner)
                continue
            kept.append(rec)
        self.src_records = kept
