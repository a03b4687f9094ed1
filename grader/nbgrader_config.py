"""The one nbgrader configuration of the course (loaded by the root nbgrader_config.py stub).

Embedded defaults: every runtime folder under one ignored folder, ``state/`` at the course root
(SQLite gradebook, local exchange, submitted / autograded / feedback, the students' fetched copies,
reports, JupyterLab settings, grades.csv). ``grader/course.py`` reads everything from here.
Deployment settings (state folder, course id, gradebook, exchange, where Fetch puts lessons) come
from an NNFS_* environment variable, else a system- or user-level nbgrader_config.py on the Jupyter
config path (/etc/jupyter on a JupyterHub server, ~/.jupyter), else the embedded default:
  NNFS_STATE         the runtime folder                 (default <repo>/state)
  NNFS_COURSE_ID     course id                          (default nn-from-scratch)
  NNFS_DB_URL        gradebook URL, e.g. postgresql://  (default sqlite:///<state>/gradebook.db)
  NNFS_EXCHANGE      exchange root                      (default <state>/exchange)
  NNFS_ASSIGNMENT_DIR  where a student's Fetch puts lessons (default <state>/student; relative: from the root)
  NNFS_CELL_TIMEOUT  seconds per cell when executing     (default 120)
Autograding sandbox (grader/sandbox.py):
  NNFS_UNSAFE=1        grade WITHOUT the sandbox where bubblewrap is unavailable (otherwise refused)
  NNFS_NOTEBOOK_TIMEOUT  seconds for a whole notebook       (default 1800)
  NNFS_SANDBOX_MEMORY  address-space limit of a kernel    (default 4G)
  NNFS_SANDBOX_CPU     CPU seconds of a kernel            (default 3600)
  NNFS_SANDBOX_NPROC   processes (per user, as prlimit)   (default 4096)
  NNFS_SANDBOX_FSIZE   largest file a kernel may write    (default 256M)
  NNFS_SANDBOX_HIDE    extra folders to hide, os.pathsep-separated
"""

import os
import sys

c = get_config()  # noqa: F821

# nbgrader runs `alembic` from PATH when it creates a gradebook: make the environment's own
# scripts findable even when nbgrader is started as .venv/bin/nbgrader without activating it.
_BIN = os.path.dirname(sys.executable)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OUTER_GUARD = "_NNFS_READING_OUTER_CONFIG"


def _outer_config():
    """What the Jupyter config path's own nbgrader_config.py files set (system, environment, user:
    ``jupyter --paths``), merged the way nbgrader merges them; this course's stub is skipped."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    merged = Config()
    if os.environ.get(_OUTER_GUARD):  # an outer config that loads a course config: no recursion
        return merged
    here = os.path.realpath(os.path.join(ROOT, "nbgrader_config.py"))
    os.environ[_OUTER_GUARD] = "1"
    try:
        for folder in reversed(jupyter_config_path()):
            path = os.path.join(folder, "nbgrader_config.py")
            if os.path.isfile(path) and os.path.realpath(path) != here:
                merged.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
    finally:
        del os.environ[_OUTER_GUARD]
    return merged


_OUTER = _outer_config()


def deployment(section, name, env, default):
    """A deployment setting: the NNFS_* variable, else a system- or user-level nbgrader_config.py
    (e.g. /etc/jupyter on a JupyterHub server, ~/.jupyter for one instructor), else ``default``.
    So nbgrader itself and every ``python -m grader`` command agree on it, wherever it is set."""
    if os.environ.get(env):
        return os.environ[env]
    if section in _OUTER and name in _OUTER[section]:
        return _OUTER[section][name]
    return default


STATE = os.path.join(ROOT, deployment("NNFS", "state_dir", "NNFS_STATE", "state"))

# Not an nbgrader setting: the course's own runtime folder (grader/course.py reads it).
c.NNFS.state_dir = STATE

c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = deployment("CourseDirectory", "course_id", "NNFS_COURSE_ID", "nn-from-scratch")
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
c.CourseDirectory.submitted_directory = os.path.join(STATE, "submitted")
c.CourseDirectory.autograded_directory = os.path.join(STATE, "autograded")
c.CourseDirectory.feedback_directory = os.path.join(STATE, "feedback")
c.CourseDirectory.db_url = deployment(
    "CourseDirectory", "db_url", "NNFS_DB_URL", "sqlite:///" + os.path.join(STATE, "gradebook.db")
)

# SQLAlchemy 2.1 maps a plain postgresql:// URL to the psycopg 3 driver; the course installs
# psycopg2 (psycopg2-binary): name it explicitly unless psycopg 3 is there.
if c.CourseDirectory.db_url.startswith("postgresql://"):
    import importlib.util

    if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2") is not None:
        c.CourseDirectory.db_url = "postgresql+psycopg2://" + c.CourseDirectory.db_url[len("postgresql://") :]

c.Exchange.root = deployment("Exchange", "root", "NNFS_EXCHANGE", os.path.join(STATE, "exchange"))

# A student who deletes a test cell must not keep the points of the others.
c.OverwriteCells.add_missing_cells = True

# Feedback never shows hidden tests: neither their source (ClearHiddenTests) nor their lines inside
# a failing cell's traceback (HideHiddenTestOutput, which must run first). This list is what
# `python -m grader feedback` and formgrader's feedback button both use.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "grader.preprocessors.hide_hidden_tests.HideHiddenTestOutput",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Per-cell time limit when nbgrader executes a notebook (validate, autograde).
c.Execute.timeout = int(os.environ.get("NNFS_CELL_TIMEOUT", "120"))
c.Execute.interrupt_on_timeout = True

# Where the Assignments panel (a student's Fetch) puts fetched lessons and feedback. Absolute, since
# the panel changes into it; a relative NNFS_ASSIGNMENT_DIR is taken from the course root.
c.Exchange.assignment_dir = os.path.join(
    ROOT, deployment("Exchange", "assignment_dir", "NNFS_ASSIGNMENT_DIR", os.path.join(STATE, "student"))
)

# Before grading, every cell's nbgrader role (grade/solution/locked/points) is restored from the
# gradebook: edited cell metadata never changes what is graded or how much it is worth.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "grader.preprocessors.RestoreCellMetadata",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Autograding runs every kernel in the bubblewrap sandbox (grader/sandbox.py): our CLI, plain
# `nbgrader autograde` and formgrader's button all build their preprocessors from this list,
# nbgrader's own with Execute replaced. TrustedExecute runs the student's cells in the sandboxed
# kernel and, for the lessons in grader/trusted/policy.py (NNFS_TWO_PROCESS overrides), the lesson's
# own cells (setup, tests, hidden tests) in a trusted kernel; other lessons run in the sandboxed
# kernel alone. Validate (students) keeps nbgrader's plain Execute.
c.Autograde.autograde_preprocessors = [
    "grader.preprocessors.TrustedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
