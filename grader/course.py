"""The one course model: the configuration loaded as nbgrader loads it, and every "where is X".

Every ``python -m grader`` command asks this module where the gradebook, the exchange, the
submitted / autograded / feedback folders, the students' fetched copies and the reports are, and
which lessons and students there are. It loads the configuration the way nbgrader's own
applications do, so a command of ours and a plain ``nbgrader`` command started in the same place
always agree:

1. the ``nbgrader_config.py`` of every Jupyter config folder (``jupyter --paths``: system, then the
   environment's, then the user's ``~/.jupyter`` or ``$JUPYTER_CONFIG_DIR``; later ones win);
2. the course folder's ``nbgrader_config.py`` (nbgrader reads the current folder's last, and our
   commands run as if started in the course folder);
3. ``--set Section.trait=value`` overrides from the command line.

The course folder is ``--course-dir``, else the current folder when it holds
``nbgrader_config.py``, else this repository.

Runtime state lives apart from code, under one folder: ``state/`` in the course folder by default
(``NNFS_STATE`` moves it). The configuration names it (``c.NNFS.state_dir``), so the sandbox hides
exactly it, ``make clean`` removes exactly it, and ``.gitignore`` has one line for it.

    course = Course.load()                 # or Course.load("/path/to/course", ["Exchange.root=/srv/x"])
    course.exchange, course.gradebook_url, course.lessons(), course.submitted_notebook("ana", "03_layers")
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG_FILE = "nbgrader_config.py"


class CourseError(RuntimeError):
    """A problem with the course's configuration or an argument; the message says what to do."""


class UnknownLesson(CourseError):
    """A lesson id that the course does not have."""


def course_root(path: str | os.PathLike | None = None) -> Path:
    """The course folder: ``path``, else the current folder when it holds nbgrader_config.py, else the repository."""
    if path:
        root = Path(path).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise CourseError(f"{root} is not a course folder (it has no {CONFIG_FILE})")
        return root
    cwd = Path.cwd()
    return cwd if (cwd / CONFIG_FILE).is_file() else REPO


def config_folders(root: Path) -> list[str]:
    """The folders whose nbgrader_config.py is read, lowest priority first (nbgrader's order)."""
    from jupyter_core.paths import jupyter_config_path

    folders = list(reversed(jupyter_config_path()))
    return [f for f in folders if os.path.abspath(f) != str(root)] + [str(root)]


def load_config(root: Path, overrides: list[str] | None = None):
    """The traitlets Config an nbgrader command started in ``root`` would use (plus ``overrides``)."""
    from traitlets.config import Config
    from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

    config = Config()
    for folder in config_folders(root):
        if os.path.isfile(os.path.join(folder, CONFIG_FILE)):
            config.merge(PyFileConfigLoader(CONFIG_FILE, path=folder).load_config())
    if overrides:
        argv = [o if o.startswith("--") else f"--{o}" for o in overrides]
        config.merge(KVArgParseConfigLoader(argv).load_config())
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(root)
    return config


@dataclass
class Course:
    """A loaded course: its folder, its configuration, and the answers to "where is X"."""

    root: Path
    config: object
    overrides: list[str] = field(default_factory=list)

    # ----------------------------------------------------------------------------- loading

    @classmethod
    def load(cls, course_dir: str | os.PathLike | None = None, overrides: list[str] | None = None) -> Course:
        root = course_root(course_dir)
        return cls(root=root, config=load_config(root, overrides), overrides=list(overrides or []))

    @classmethod
    def from_args(cls, args) -> Course:
        """The course named by the shared command-line options (see :func:`add_arguments`)."""
        return cls.load(getattr(args, "course_dir", None), getattr(args, "set", None))

    def coursedir(self, **traits):
        """nbgrader's own CourseDirectory for this configuration (``traits`` set on it)."""
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        for name, value in traits.items():
            setattr(coursedir, name, value)
        return coursedir

    # ----------------------------------------------------------------------------- settings

    def _get(self, section: str, name: str, default):
        value = self.config[section].get(name, default) if section in self.config else default
        return value

    @property
    def course_root(self) -> Path:
        """``CourseDirectory.root`` (normally the course folder itself)."""
        return Path(self._get("CourseDirectory", "root", str(self.root)))

    def _folder(self, trait: str, default: str) -> Path:
        return self.course_root / self._get("CourseDirectory", trait, default)

    @property
    def course_id(self) -> str:
        return self._get("CourseDirectory", "course_id", "default_course")

    @property
    def gradebook_url(self) -> str:
        return self._get("CourseDirectory", "db_url", f"sqlite:///{self.course_root / 'gradebook.db'}")

    @property
    def exchange(self) -> Path:
        """The exchange root (``Exchange.root``)."""
        return Path(self._get("Exchange", "root", "/usr/local/share/nbgrader/exchange"))

    @property
    def source(self) -> Path:
        return self._folder("source_directory", "source")

    @property
    def release(self) -> Path:
        return self._folder("release_directory", "release")

    @property
    def submitted(self) -> Path:
        return self._folder("submitted_directory", "submitted")

    @property
    def autograded(self) -> Path:
        return self._folder("autograded_directory", "autograded")

    @property
    def feedback(self) -> Path:
        return self._folder("feedback_directory", "feedback")

    @property
    def state(self) -> Path:
        """The one folder of runtime state (``c.NNFS.state_dir``)."""
        return Path(self._get("NNFS", "state_dir", str(self.course_root / "state")))

    @property
    def assignment_dir(self) -> Path:
        """Where a student's Fetch puts lessons and feedback (``Exchange.assignment_dir``)."""
        return self.course_root / self._get("Exchange", "assignment_dir", ".")

    @property
    def reports(self) -> Path:
        return self.state / "reports"

    @property
    def lab_state(self) -> Path:
        """JupyterLab settings of ``make lab`` (news popup off)."""
        return self.state / "lab"

    @property
    def grades_csv(self) -> Path:
        return self.state / "grades.csv"

    @property
    def sources(self) -> Path:
        """The folder of the lessons' percent-format sources."""
        return REPO / "grader" / "sources"

    @property
    def cell_timeout(self) -> int:
        return int(self._get("Execute", "timeout", 120))

    # ----------------------------------------------------------------------------- lessons

    def lessons(self) -> list[str]:
        """Lesson ids with an instructor notebook: ``<source>/<id>/<id>.ipynb``."""
        if not self.source.is_dir():
            return []
        return sorted(p.name for p in self.source.iterdir() if (p / f"{p.name}.ipynb").is_file())

    def check_lesson(self, lesson: str) -> str:
        """``lesson`` itself, or :class:`UnknownLesson` with a one-line message naming the known ones."""
        known = self.lessons()
        if lesson not in known:
            raise UnknownLesson(f"unknown lesson {lesson!r} (lessons: {', '.join(known) or 'none'})")
        return lesson

    def select_lessons(self, lesson: str | None = None) -> list[str]:
        """``[lesson]`` (checked) or every lesson."""
        return [self.check_lesson(lesson)] if lesson else self.lessons()

    def source_notebook(self, lesson: str) -> Path:
        return self.source / lesson / f"{lesson}.ipynb"

    def release_notebook(self, lesson: str) -> Path:
        return self.release / lesson / f"{lesson}.ipynb"

    def fetched_notebook(self, lesson: str) -> Path:
        """A student's fetched copy of ``lesson`` (Assignments panel > Fetch)."""
        return self.assignment_dir / lesson / f"{lesson}.ipynb"

    def student_copy(self, lesson: str) -> Path:
        """The notebook a student works on: their fetched copy when there is one, else the release."""
        fetched = self.fetched_notebook(self.check_lesson(lesson))
        return fetched if fetched.is_file() else self.release_notebook(lesson)

    # ----------------------------------------------------------------------------- students

    def submitted_notebook(self, student: str, lesson: str) -> Path:
        return self.submitted / student / lesson / f"{lesson}.ipynb"

    def autograded_notebook(self, student: str, lesson: str) -> Path:
        return self.autograded / student / lesson / f"{lesson}.ipynb"

    def submissions(self, lesson: str) -> dict[str, Path]:
        """student id -> their collected folder for ``lesson`` (under ``submitted``)."""
        if not self.submitted.is_dir():
            return {}
        return {p.name: p / lesson for p in sorted(self.submitted.iterdir()) if (p / lesson).is_dir()}

    def students(self) -> list[str]:
        """Student ids known to the gradebook (empty when there is no gradebook yet)."""
        if self.gradebook_url.startswith("sqlite:///") and not Path(self.gradebook_url[10:]).is_file():
            return []
        from nbgrader.api import Gradebook

        with Gradebook(self.gradebook_url, self.course_id) as gb:
            return sorted(s.id for s in gb.students)

    def gradebook(self):
        """nbgrader's Gradebook for this course (a context manager)."""
        from nbgrader.api import Gradebook

        return Gradebook(self.gradebook_url, self.course_id)

    # ----------------------------------------------------------------------------- subprocesses

    def nbgrader_argv(self) -> list[str]:
        """Command-line options that give a plain ``nbgrader`` subprocess this course's overrides."""
        return [o if o.startswith("--") else f"--{o}" for o in self.overrides]

    def relative(self, path: Path) -> Path:
        """``path`` relative to the course folder when it is inside it (for messages)."""
        path = Path(path)
        return path.relative_to(self.root) if path.is_relative_to(self.root) else path


def add_arguments(parser) -> None:
    """The options every command shares: ``--course-dir`` and ``--set``."""
    parser.add_argument(
        "--course-dir",
        metavar="PATH",
        default=None,
        help="the course folder (default: the current folder if it has nbgrader_config.py, else the repository)",
    )
    parser.add_argument(
        "--set",
        metavar="SECTION.TRAIT=VALUE",
        action="append",
        default=[],
        help="override an nbgrader setting, e.g. --set Execute.timeout=30 (repeatable)",
    )


def fail(command: str, err: Exception) -> int:
    """Print ``command: message`` on stderr and return the exit status 2 (bad input / configuration)."""
    print(f"{command}: {err}", file=sys.stderr)
    return 2
