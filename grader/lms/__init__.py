"""Classes without a server: submissions in and grades out through Canvas and Moodle, as files.

One module per job:

* :mod:`grader.lms.csvfile`   a CSV edited in place (every other byte kept: BOM, quoting, line endings)
* :mod:`grader.lms.roster`    the LMS's own export as the roster (students, LMS ids, course ids)
* :mod:`grader.lms.canvas`    Canvas's gradebook export and "Download Submissions" naming
* :mod:`grader.lms.moodle`    Moodle's grading worksheet and "Download all submissions" naming
* :mod:`grader.lms.download`  reading an LMS zip: which file is whose, which to grade, why others are skipped
* :mod:`grader.lms.plugins`   the nbgrader ``zip_collect`` extractor and collector plugins
* :mod:`grader.lms.collect`   ``python -m grader collect LESSON --from-zip ... --lms ... --roster ...``
* :mod:`grader.lms.grades`    ``python -m grader export LESSON --lms ... --roster ... --out ...``
* :mod:`grader.lms.feedback`  feedback pages packed the way each LMS takes files back

Nothing here talks to an LMS over the network: files in, files out.
"""

from __future__ import annotations

import importlib

LMS = ("canvas", "moodle")


def module(lms: str):
    """grader.lms.canvas or grader.lms.moodle."""
    from grader.lms.roster import LmsError

    if lms not in LMS:
        raise LmsError(f"unknown LMS {lms!r} (choose {' or '.join(LMS)})")
    return importlib.import_module(f"grader.lms.{lms}")
