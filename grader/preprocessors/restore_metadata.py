"""RestoreCellMetadata: every cell's nbgrader role is the instructor's, whatever the submission says."""

from __future__ import annotations

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor


class RestoreCellMetadata(NbGraderPreprocessor):
    """Put every cell's nbgrader role back as the instructor's source has it, before grading.

    nbgrader's OverwriteCells restores locked sources and the points of cells that still say
    they are grade cells, but trusts the submitted ``grade``/``solution``/``task`` flags: a
    student who marks an answer cell as a grade cell makes the whole autograde crash, one who
    unmarks a failing test cell leaves it unscored. This preprocessor (in
    ``c.Autograde.sanitize_preprocessors``, before OverwriteCells) sets grade, solution, task,
    locked and points from the gradebook's source cells, and drops the nbgrader metadata of
    cells the source does not have (a student's own "bonus" cell is then an ordinary cell).
    """

    def preprocess(self, nb, resources):
        notebook_id = resources["nbgrader"]["notebook"]
        assignment_id = resources["nbgrader"]["assignment"]
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            try:
                source_nb = gb.find_notebook(notebook_id, assignment_id)
            except MissingEntry:
                return nb, resources
            sources = {c.name: c for c in source_nb.source_cells}
            grades = {c.name: float(c.max_score) for c in source_nb.grade_cells}
            solutions = {c.name for c in source_nb.solution_cells}
            tasks = {c.name: float(c.max_score) for c in source_nb.task_cells}
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader")
                if not isinstance(meta, dict):
                    if "nbgrader" in cell.metadata:
                        del cell.metadata["nbgrader"]
                    continue
                name = meta.get("grade_id")
                if name not in sources:
                    if name is not None or any(meta.get(k) for k in ("grade", "solution", "task", "locked")):
                        self.log.warning("Dropping nbgrader metadata of a cell the source does not have (%r)", name)
                        del cell.metadata["nbgrader"]
                    continue
                src = sources[name]
                meta["schema_version"] = 3
                meta["grade"] = name in grades
                meta["solution"] = name in solutions
                meta["locked"] = bool(src.locked)
                if name in tasks:
                    meta["task"] = True
                    meta["points"] = tasks[name]
                else:
                    meta.pop("task", None)
                if name in grades:
                    meta["points"] = grades[name]
                elif name not in tasks:
                    meta.pop("points", None)
        return nb, resources
