"""nbgrader ``zip_collect`` plugins for an LMS download that :mod:`grader.lms.download` has planned.

``python -m grader collect LESSON --from-zip ... --lms ...`` puts the LMS's zip and its plan
(``plan.json``: which zip entry is whose notebook, and its submission time) into zip_collect's
archive folder, then runs nbgrader's own ``zip_collect`` with these two plugins::

    nbgrader zip_collect LESSON --force \\
        --ZipCollectApp.downloaded_directory=<state>/lms/<lms> \\
        --extractor=grader.lms.plugins.PlannedExtractor \\
        --collector=grader.lms.plugins.PlannedCollector

* :class:`PlannedExtractor` extracts only the planned entries, each to
  ``extracted/<student id>/<lesson>.ipynb`` (never a path taken from the zip: no zip-slip, and a
  student's ``Untitled.ipynb`` or ``03_layers-2.ipynb`` arrives under the lesson's name);
* :class:`PlannedCollector` is nbgrader's FileNameCollectorPlugin with a ``named_regexp`` for that
  layout, adding the LMS submission time from the plan; nbgrader copies each notebook into
  ``submitted/<student>/<lesson>/`` and writes that time into ``timestamp.txt`` (late penalties then
  follow the lesson's due date in the gradebook).
"""

from __future__ import annotations

import json
import os
import zipfile

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin
from traitlets import Unicode

PLAN = "plan.json"


def _load_plan(archive_path: str) -> dict:
    with open(os.path.join(archive_path, PLAN), encoding="utf-8") as fh:
        return json.load(fh)


class PlannedExtractor(ExtractorPlugin):
    """Extract the planned entries of the LMS zip in the archive folder (nothing else)."""

    def extract(self, archive_path: str, extracted_path: str) -> None:
        plan = _load_plan(archive_path)
        with zipfile.ZipFile(os.path.join(archive_path, plan["zip"])) as archive:
            names = {info.filename: info for info in archive.infolist()}
            for item in plan["items"]:
                target = os.path.join(extracted_path, item["student_id"], plan["notebook"])
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with archive.open(names[item["raw_entry"]]) as src, open(target, "wb") as dst:
                    dst.write(src.read())
                self.log.info("Extracted %s -> %s", item["entry"], target)


class PlannedCollector(FileNameCollectorPlugin):
    """``extracted/<student id>/<notebook>.ipynb`` -> that student, with the LMS's submission time."""

    named_regexp = Unicode(
        r".*/extracted/(?P<student_id>[^/]+)/(?P<file_id>[^/]+\.ipynb)$",
        help="matches the layout PlannedExtractor writes",
    ).tag(config=True)

    def collect(self, submitted_file: str):
        info = super().collect(submitted_file)
        if not info:
            return None
        archive = os.path.join(
            os.path.dirname(os.path.dirname(os.path.dirname(submitted_file))), self.parent.archive_directory
        )
        times = {i["student_id"]: i["timestamp"] for i in _load_plan(archive)["items"]}
        if times.get(info["student_id"]):
            info["timestamp"] = times[info["student_id"]]
        return info
