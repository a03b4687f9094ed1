"""Hostile submissions, graded together in ONE sandboxed `python -m grader autograde` run.

Each case asserts its exact outcome: score, status, nothing read, nothing written, and that the
honest students graded alongside are unaffected. The course is a temporary copy of the real
configuration (tests/grader_helpers.py); cells time out after 8 s and kernels get 1 GiB.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3

import pytest
from grader_helpers import (
    CORRECT,
    MAX_SCORE,
    REPO,
    SOURCE,
    WRONG,
    bwrap_works,
    filled,
    make_course,
    run_grader,
    scores,
    statuses,
    submit,
)

ok, why = bwrap_works()

SQUARE_OK = CORRECT["square"]
COUNT_OK = CORRECT["count_positive"]


def _reader_code(course) -> str:
    """Tries to read everything secret; records what it managed in found.json (its own folder)."""
    targets = [
        str(course.path("source", "ex", "ex.ipynb")),  # solutions with hidden tests
        str(course.path("gradebook.db")),
        str(course.path("submitted", "honest", "ex", "ex.ipynb")),  # another student's work
        str(course.path("nbgrader_config.py")),
        str(REPO / "grader" / "nbgrader_config.py"),
        str(REPO / "grader" / "sources"),
        str(REPO / "solutions"),
        os.path.expanduser("~/.local/share/jupyter/runtime"),
    ]
    lines = ["import json, os", "found = {}"]
    for t in targets:
        lines += [
            "try:",
            f"    p = {t!r}",
            "    found[p] = os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(40).decode('latin1')",
            "except Exception as e:",
            "    found[p] = 'ERR ' + type(e).__name__",
            "",
        ]
    lines += [
        "found['own notebook'] = open('ex.ipynb').read()   # nbgrader's copy, hidden tests included",
        "import os as _os",
        "found['env'] = sorted(k for k in _os.environ if 'DB' in k or 'TOKEN' in k or 'NNFS' in k)",
        "json.dump(found, open('found.json', 'w'))",
        SQUARE_OK,
    ]
    return "\n".join(lines)


def _writer_code(course) -> str:
    gradebook = str(course.path("gradebook.db"))
    targets = [
        str(course.path("source", "ex", "ex.ipynb")),
        str(course.path("evil.txt")),
        str(REPO / "grader" / "evil.txt"),
        str(course.path("submitted", "honest", "ex", "evil.txt")),
        "/usr/evil.txt",
    ]  # outside every course folder: read-only in the sandbox on any machine
    return "\n".join(
        [
            "import sqlite3, json",
            "wrote = {}",
            "try:",
            f"    db = sqlite3.connect({gradebook!r})",
            "    db.execute(\"UPDATE grade SET auto_score = 37, manual_score = 37, extra_credit = 30\")",
            "    db.commit()",
            "    wrote['db'] = [r for r in db.execute('select count(*) from grade')]",
            "except Exception as e:",
            "    wrote['db'] = 'ERR ' + type(e).__name__",
            *[
                f"try:\n    open({t!r}, 'w').write('pwned')\n    wrote[{t!r}] = 'written'\n"
                f"except Exception as e:\n    wrote[{t!r}] = 'ERR ' + type(e).__name__"
                for t in targets
            ],
            "json.dump(wrote, open('wrote.json', 'w'), default=str)",
            SQUARE_OK,
        ]
    )


def _extra_credit_code(course) -> str:
    """Gives itself manual points and extra credit straight in the gradebook, through SQLAlchemy."""
    return "\n".join(
        [
            "import json",
            "try:",
            "    from sqlalchemy import create_engine, text",
            f"    engine = create_engine('sqlite:///{course.path('gradebook.db')}')",
            "    with engine.begin() as conn:",
            "        conn.execute(text('UPDATE grade SET manual_score = 100, extra_credit = 100'))",
            "    result = 'committed'",
            "except Exception as e:",
            "    result = 'ERR ' + type(e).__name__",
            "json.dump(result, open('manual.json', 'w'))",
            SQUARE_OK,
        ]
    )


MONKEYPATCH = """\
import numpy as np
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
class Anything:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
def square(x):
    return Anything()
"""

COUNT_ANYTHING = "def count_positive(x):\n    return Anything()"

LOOP = """\
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
"""

MEMORY_BOMB = (
    SQUARE_OK
    + """
hog = [bytearray(10**8) for _ in range(200)]
"""
)


def _metadata_notebook(course) -> dict:
    nb = filled(course.release("ex"), {"square": SQUARE_OK, "count_positive": WRONG["count_positive"]})
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == "test_count_positive":
            meta["points"] = 100.0  # worth more
            meta["grade"] = False  # and not graded at all (a failing test)
        if meta.get("grade_id") == "count_positive":
            meta.update(grade=True, points=50.0)  # an answer cell that scores itself
        if meta.get("grade_id") == "explain_square":
            meta.update(solution=False, points=100.0)
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "bonus",
            "outputs": [],
            "metadata": {
                "nbgrader": {
                    "grade": True,
                    "grade_id": "bonus",
                    "locked": False,
                    "points": 100.0,
                    "schema_version": 3,
                    "solution": False,
                }
            },
            "source": "# my bonus points\nassert True",
        }
    )
    # at run time, rewrite its own notebook file with more points (nbgrader writes its own copy)
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "rewrite",
            "outputs": [],
            "metadata": {},
            "source": "import json\nnb = json.load(open('ex.ipynb')) if False else None\n"
            "open('ex.ipynb', 'w').write('{}')",
        }
    )
    return nb


def _deleted_test_notebook(course) -> dict:
    nb = filled(course.release("ex"), {"square": SQUARE_OK, "count_positive": WRONG["count_positive"]})
    nb["cells"] = [
        c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "test_count_positive"
    ]
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not ok:
        pytest.skip(f"bubblewrap sandbox unavailable: {why}")
    tmp = tmp_path_factory.mktemp("hostile")
    broken_env = SOURCE.replace("import numpy as np\n", "import numpy as np\nimport no_such_module_nnfs\n", 1)
    course = make_course(
        tmp / "course", {"ex": SOURCE, "envfail": broken_env}, duedates={"ex": "2030-06-01 00:00:00 UTC"}
    )
    submit(course, "honest", answers=CORRECT)
    submit(course, "honest", "envfail", answers=CORRECT)  # a lesson whose own setup cannot import
    submit(course, "wrong", answers=WRONG)
    submit(course, "late", answers=CORRECT, timestamp="2030-06-02 09:00:00.000000 UTC")
    submit(course, "reader", answers={"square": _reader_code(course), "count_positive": COUNT_OK})
    submit(course, "writer", answers={"square": _writer_code(course), "count_positive": WRONG["count_positive"]})
    submit(course, "manual", answers={"square": _extra_credit_code(course), "count_positive": COUNT_OK})
    submit(course, "exiter", answers={"square": "import os\nos._exit(1)", "count_positive": COUNT_OK})
    submit(course, "looper", answers={"square": LOOP, "count_positive": COUNT_OK})
    submit(course, "bomb", answers={"square": MEMORY_BOMB, "count_positive": COUNT_OK})
    submit(course, "patcher", answers={"square": MONKEYPATCH, "count_positive": COUNT_ANYTHING})
    submit(course, "badjson", text='{"cells": [ this is not json')
    submit(course, "misnamed", answers=CORRECT, filename="ex-Copy1.ipynb")
    submit(course, "nonb", text="just a text file", filename="notes.txt")
    submit(course, "deleter", notebook=_deleted_test_notebook(course))
    submit(course, "metadata", notebook=_metadata_notebook(course))
    (course.path("submitted", "absent")).mkdir(parents=True)  # a student folder without this lesson
    gradebook_before = course.path("gradebook.db").stat().st_size
    result = run_grader(course, "autograde", "--workers", "2", "--no-progress", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    export = run_grader(course, "export", "--output", "-")
    assert export.returncode == 0, export.stderr
    all_rows = list(csv.DictReader(io.StringIO(export.stdout)))
    rows = {r["student_id"]: r for r in all_rows if r["lesson"] == "ex"}
    rows["envfail"] = {r["student_id"]: r for r in all_rows if r["lesson"] == "envfail"}
    return course, result, rows, statuses(course), scores(course), gradebook_before


def _row(graded, student):
    return graded[2][student]


@pytest.mark.slow
def test_honest_and_wrong_are_graded_normally(graded):
    assert _row(graded, "honest") == {
        "student_id": "honest",
        "lesson": "ex",
        "score": "5",
        "max_score": "7",
        "status": "ok",
    }
    assert _row(graded, "wrong") == {
        "student_id": "wrong",
        "lesson": "ex",
        "score": "0",
        "max_score": "7",
        "status": "ok",
    }
    assert MAX_SCORE == 7.0


@pytest.mark.slow
def test_late_submission_is_late(graded):
    assert _row(graded, "late")["status"] == "late"
    assert _row(graded, "late")["score"] == "5"


@pytest.mark.slow
def test_reading_secrets_reads_nothing(graded):
    course = graded[0]
    found = json.loads(course.autograded("reader", "ex").with_name("found.json").read_text())
    env = found.pop("env")
    assert env == []  # no database URL, no tokens, no NNFS_* settings
    assert found.pop("own notebook") == ""  # the notebook being graded reads as empty
    for path, value in found.items():
        # every secret folder is an empty tmpfs: files are missing, folders are empty; a gradebook
        # beside the course (this test course's) is masked: it reads as empty
        assert value in ("ERR FileNotFoundError", []) or (path.endswith("gradebook.db") and value == ""), (path, value)
    row = _row(graded, "reader")
    assert row["score"] == "5"  # its answers are right: graded normally
    assert row["status"].startswith("flagged: cell square: listdir() of a path outside the working folder: ")
    assert "cell square: open() of a path outside the working folder: " in row["status"]


@pytest.mark.slow
def test_writing_outside_changes_nothing(graded):
    course = graded[0]
    wrote = json.loads(course.autograded("writer", "ex").with_name("wrote.json").read_text())
    # the gradebook path is an empty tmpfs inside the sandbox: sqlite makes a throwaway file there
    assert wrote["db"] == "ERR OperationalError"
    # secret folders are empty tmpfs mounts: writes land in memory and vanish with the kernel;
    # everything else is read-only
    assert wrote == {
        "db": "ERR OperationalError",
        str(course.path("source", "ex", "ex.ipynb")): "ERR FileNotFoundError",
        str(course.path("evil.txt")): "written",
        str(REPO / "grader" / "evil.txt"): "written",
        str(course.path("submitted", "honest", "ex", "evil.txt")): "ERR FileNotFoundError",
        "/usr/evil.txt": "ERR OSError",
    }
    for path in wrote:
        assert path == "db" or not os.path.exists(path) or open(path).read() != "pwned", path
    assert json.loads(course.path("source", "ex", "ex.ipynb").read_text())["cells"]  # the real source is intact
    db = sqlite3.connect(course.path("gradebook.db"))
    assert db.execute(
        "select count(*) from grade where auto_score = 37 or manual_score = 37 or extra_credit = 30"
    ).fetchone() == (0,)
    row = _row(graded, "writer")
    assert row["score"] == "2"  # square right, count_positive wrong
    assert row["status"].startswith("flagged: cell square: imports sqlite3")


@pytest.mark.slow
def test_raising_own_manual_score_or_extra_credit_has_no_effect(graded):
    course = graded[0]
    # the gradebook's folder is an empty tmpfs in the sandbox: no such table
    assert json.loads(course.autograded("manual", "ex").with_name("manual.json").read_text()) == "ERR OperationalError"
    from nbgrader.api import Gradebook

    with Gradebook(graded[0].db_url, "nnfs-test") as gb:
        sub = gb.find_submission_notebook("ex", "ex", "manual")
        grades = {g.name: (g.manual_score, g.extra_credit, g.needs_manual_grade) for g in sub.grades}
        # the written answer was left blank: nbgrader scores it 0 itself; nobody graded anything by hand
        assert grades["explain_square"] == (None, None, False)
        assert all(g.manual_score is None and not g.extra_credit for g in sub.grades)
        assert sub.score == 5.0
        assert gb.find_submission("ex", "manual").score == 5.0
    assert _row(graded, "manual")["score"] == "5"


@pytest.mark.slow
def test_os_exit_fails_loudly(graded):
    assert _row(graded, "exiter") == {
        "student_id": "exiter",
        "lesson": "ex",
        "score": "",
        "max_score": "7",
        "status": "failed: kernel died (the process exited, crashed or hit a resource limit)",
    }


@pytest.mark.slow
def test_interrupt_proof_loop_times_out(graded):
    assert _row(graded, "looper") == {
        "student_id": "looper",
        "lesson": "ex",
        "score": "",
        "max_score": "7",
        "status": "failed: timeout (a cell ran too long and ignored the interrupt)",
    }


@pytest.mark.slow
def test_memory_bomb_hits_the_limit(graded):
    row = _row(graded, "bomb")
    assert row["status"] == "failed: memory limit (MemoryError) in cell square"
    assert row["score"] == "5"  # the kernel survived: both answers still graded


@pytest.mark.slow
def test_invalid_json_missing_and_misnamed_notebooks(graded):
    assert _row(graded, "badjson")["score"] == ""
    assert _row(graded, "badjson")["status"].startswith("failed: invalid notebook JSON (ex.ipynb: ")
    assert _row(graded, "nonb") == {
        "student_id": "nonb",
        "lesson": "ex",
        "score": "",
        "max_score": "7",
        "status": "failed: missing notebook (ex.ipynb not in the submission)",
    }
    assert _row(graded, "misnamed") == {
        "student_id": "misnamed",
        "lesson": "ex",
        "score": "",
        "max_score": "7",
        "status": "failed: misnamed notebook (submitted ex-Copy1.ipynb; expected ex.ipynb)",
    }
    assert _row(graded, "absent") == {
        "student_id": "absent",
        "lesson": "ex",
        "score": "0",
        "max_score": "7",
        "status": "missing",
    }


@pytest.mark.slow
def test_deleted_test_cell_is_restored(graded):
    course = graded[0]
    nb = json.loads(course.autograded("deleter", "ex").read_text())
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in nb["cells"]]
    assert "test_count_positive" in ids
    assert _row(graded, "deleter") == {
        "student_id": "deleter",
        "lesson": "ex",
        "score": "2",
        "max_score": "7",
        "status": "ok",
    }


@pytest.mark.slow
def test_monkeypatch_and_always_equal_earn_nothing(graded):
    row = _row(graded, "patcher")
    assert row["score"] == "0"
    assert row["status"] == (
        "flagged: cell square: assigns np.allclose (attribute of the imported numpy); "
        "cell square: assigns np.array_equal (attribute of the imported numpy); "
        "cell square: defines __eq__ (a comparison/conversion hook); "
        "cell square: defines __ne__ (a comparison/conversion hook)"
    )


@pytest.mark.slow
def test_edited_metadata_changes_nothing(graded):
    course = graded[0]
    row = _row(graded, "metadata")
    assert row["score"] == "2"  # square right; count_positive's test still counts, 3 points
    assert row["status"].startswith("flagged: ")
    assert "cell test_count_positive: nbgrader metadata edited" in row["status"]
    assert "cell bonus: nbgrader metadata on a cell the lesson does not have" in row["status"]
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, "nnfs-test") as gb:
        assert gb.find_submission("ex", "metadata").max_score == 7.0
        sub = gb.find_submission_notebook("ex", "ex", "metadata")
        assert {g.name: g.max_score for g in sub.grades} == {
            "test_square": 2.0,
            "test_count_positive": 3.0,
            "explain_square": 2.0,
        }
        assert {g.name: g.auto_score for g in sub.grades} == {
            "test_square": 2.0,
            "test_count_positive": 0.0,
            "explain_square": 0.0,
        }  # left blank


@pytest.mark.slow
def test_environment_errors_are_not_silent(graded):
    """A locked cell that cannot import (the course's environment, not the student) fails loudly."""
    envfail = graded[2]["envfail"]
    assert envfail["honest"] == {
        "student_id": "honest",
        "lesson": "envfail",
        "score": "0",
        "max_score": "7",
        "status": "failed: environment error in locked cell setup "
        "(ModuleNotFoundError: No module named 'no_such_module_nnfs')",
    }
    assert {r["status"] for s, r in envfail.items() if s != "honest"} == {"missing"}


@pytest.mark.slow
def test_every_status_recorded_and_nothing_else_touched(graded):
    course, result, rows, recorded, gb_scores, _ = graded
    rows = {k: v for k, v in rows.items() if k != "envfail"}
    assert set(rows) == {
        "honest",
        "wrong",
        "late",
        "reader",
        "writer",
        "manual",
        "exiter",
        "looper",
        "bomb",
        "patcher",
        "badjson",
        "misnamed",
        "nonb",
        "deleter",
        "metadata",
        "absent",
    }
    assert {s for (s, lesson) in recorded if lesson == "ex"} == set(rows)
    assert not course.path("evil.txt").exists()
    assert not (REPO / "grader" / "evil.txt").exists()
    assert "graded 32 submission(s)" in result.stdout


# ---------------------------------------------------------------------------------------------
# Tampering with the kernel that runs the tests (issue 10). Every attack pairs a WRONG square with
# a trick that made it pass when the test cells ran in the student's own kernel; with the two-process
# grader (grader/preprocessors/trusted_execute.py) the test cells run in a trusted kernel, so each
# scores 0 on test_square. count_positive is right in every one of them.

WRONG_SQUARE = WRONG["square"]

ATTACKS = {
    # IPython's own hooks
    "custom_exc": "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n" + WRONG_SQUARE,
    "ast_transformer": (
        "import ast\n"
        "class Quiet(ast.NodeTransformer):\n"
        "    def visit_Assert(self, node):\n        return None\n"
        "    def visit_Call(self, node):\n"
        "        if getattr(node.func, 'id', '').startswith('assert_'):\n"
        "            return ast.Constant(None)\n"
        "        return self.generic_visit(node)\n"
        "get_ipython().ast_transformers.append(Quiet())\n" + WRONG_SQUARE
    ),
    "input_transformer": (
        "def _blank_tests(lines):\n"
        "    return ['pass\\n'] if any('assert_' in l for l in lines) else lines\n"
        "get_ipython().input_transformers_cleanup.append(_blank_tests)\n" + WRONG_SQUARE
    ),
    "run_cell_events": (
        "def _forget(result):\n    result.error_in_exec = None\n    result.error_before_exec = None\n"
        "get_ipython().events.register('post_run_cell', _forget)\n"
        "get_ipython().events.register('pre_run_cell', lambda info: None)\n" + WRONG_SQUARE
    ),
    "display_hook": (
        "import sys\n"
        "get_ipython().showtraceback = lambda *a, **k: None\n"
        "sys.excepthook = lambda *a: None\n"
        "get_ipython().displayhook.write_output_prompt = lambda *a, **k: None\n" + WRONG_SQUARE
    ),
    # the process itself
    "settrace": (
        "import sys\n"
        "def _tracer(frame, event, arg):\n"
        "    if event == 'call' and frame.f_code.co_name.startswith('assert_'):\n"
        "        frame.f_globals['_builtin_isinstance'] = lambda *a: True\n"
        "    return None\n"
        "sys.settrace(_tracer)\nsys.setprofile(lambda *a: None)\n" + WRONG_SQUARE
    ),
    "thread": (
        "import threading, time\n"
        "def _keep_patching():\n"
        "    while True:\n"
        "        globals()['assert_close'] = lambda *a, **k: None\n"
        "        time.sleep(0.001)\n"
        "threading.Thread(target=_keep_patching, daemon=True).start()\n" + WRONG_SQUARE
    ),
    "message_sender": (
        "_kernel = get_ipython().kernel\n"
        "_send = _kernel.session.send\n"
        "def _quiet_send(stream, msg_or_type, content=None, *a, **k):\n"
        "    kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get('msg_type')\n"
        "    if kind == 'error':\n        return None\n"
        "    if kind == 'execute_reply' and isinstance(content, dict) and content.get('status') == 'error':\n"
        "        content = {'status': 'ok', 'execution_count': content.get('execution_count'), 'user_expressions': {}, 'payload': []}\n"
        "    return _send(stream, msg_or_type, content, *a, **k)\n"
        "_kernel.session.send = _quiet_send\n" + WRONG_SQUARE
    ),
    # the tests' own tools
    "helpers_rebound": "assert_close = lambda *a, **k: None\ncall = lambda f, *a, **k: [1.0, 4.0]\n" + WRONG_SQUARE,
    "helpers_code_swapped": "assert_close.__code__ = (lambda *a, **k: None).__code__\n" + WRONG_SQUARE,
    "private_alias": (
        "import nnlib.testing as _t\n"
        "_t._abs = lambda x: x * 0\n_t._broadcast_arrays = lambda a, b: (b, b)\n" + WRONG_SQUARE
    ),
    "numpy_constructors": (
        "import numpy\n_orig = numpy.asarray\n"
        "def _cooked(x, *a, **k):\n    return _orig(x, *a, **k) / 2\n"
        "numpy.asarray = _cooked\nnumpy.array = lambda x, *a, **k: _orig(x, *a, **k)\n" + WRONG_SQUARE
    ),
}


def _with_cells(course, extra_after: dict[str, list[str]], answers: dict[str, str], move_tests_first: bool = False):
    nb = filled(course.release("ex"), answers)
    cells = []
    for cell in nb["cells"]:
        cells.append(cell)
        for source in extra_after.get(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"), []):
            cells.append(
                {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
            )
    if move_tests_first:
        tests = [c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").startswith("test_")]
        cells = tests + [c for c in cells if c not in tests]
    nb["cells"] = cells
    return nb


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    if not ok:
        pytest.skip(f"bubblewrap sandbox unavailable: {why}")
    from grader_helpers import nbgrader

    course = make_course(tmp_path_factory.mktemp("attacks") / "course")
    submit(course, "honest", answers=CORRECT)
    submit(course, "wrong", answers=WRONG)
    for name, code in ATTACKS.items():
        submit(course, name, answers={"square": code, "count_positive": COUNT_OK})
    # an IPython extension written and loaded through magics (the static checks skip magic cells)
    ext = (
        "%%writefile nnfs_quiet_ext.py\n"
        "def load_ipython_extension(ip):\n"
        "    ip.set_custom_exc((BaseException,), lambda *a, **k: None)\n"
        "    ip.showtraceback = lambda *a, **k: None\n"
    )
    submit(
        course,
        "extension",
        notebook=_with_cells(
            course, {"square": [ext, "%load_ext nnfs_quiet_ext"]}, {"square": WRONG_SQUARE, "count_positive": COUNT_OK}
        ),
    )
    # the notebook's shape: test cells moved before the setup cell; a cell after the setup rebinding the helpers
    submit(
        course,
        "tests_first",
        notebook=_with_cells(course, {}, {"square": WRONG_SQUARE, "count_positive": COUNT_OK}, move_tests_first=True),
    )
    rebind = "def assert_close(*a, **k):\n    pass\ndef assert_equal(*a, **k):\n    pass"
    submit(
        course,
        "rebind_cell",
        notebook=_with_cells(course, {"setup": [rebind]}, {"square": WRONG_SQUARE, "count_positive": COUNT_OK}),
    )
    result = nbgrader(course, "autograde", "ex", check=False)  # plain nbgrader, as formgrader's button
    assert result.returncode == 0, result.stderr[-4000:]
    from nbgrader.api import Gradebook

    grades = {}
    with Gradebook(course.db_url, "nnfs-test") as gb:
        for student in gb.students:
            sub = gb.find_submission_notebook("ex", "ex", student.id)
            grades[student.id] = {g.name: g.auto_score for g in sub.grades if g.name.startswith("test_")}
    return course, grades


@pytest.mark.slow
@pytest.mark.parametrize("attack", [*ATTACKS, "extension", "tests_first", "rebind_cell"])
def test_tampering_with_the_kernel_earns_nothing(attacked, attack):
    _, grades = attacked
    assert grades[attack]["test_square"] == 0.0, grades[attack]
    assert grades["honest"] == {"test_square": 2.0, "test_count_positive": 3.0}  # same run, untouched
    assert grades["wrong"] == {"test_square": 0.0, "test_count_positive": 0.0}


@pytest.mark.slow
@pytest.mark.parametrize(
    "attack",
    [
        "custom_exc",
        "ast_transformer",
        "input_transformer",
        "run_cell_events",
        "display_hook",
        "settrace",
        "thread",
        "message_sender",
        "helpers_rebound",
        "helpers_code_swapped",
        "private_alias",
        "numpy_constructors",
        "extension",
        "tests_first",
        "rebind_cell",
    ],
)
def test_the_honest_part_of_a_tampered_notebook_still_counts(attacked, attack):
    """count_positive is right in every attack: its 3 points stay (the trick only costs the trickster)."""
    _, grades = attacked
    assert grades[attack]["test_count_positive"] == 3.0, grades[attack]


# ---------------------------------------------------------------------------------------------
# The static flags alone (no kernel): tricks that nnlib.testing alone would not stop are flagged.


@pytest.mark.parametrize(
    "code, reason",
    [
        # np.broadcast_arrays is looked up at call time by assert_close: (b, b) makes anything pass
        (
            "import numpy as np\nnp.broadcast_arrays = lambda a, b: (b, b)",
            "assigns np.broadcast_arrays (attribute of the imported numpy)",
        ),
        # nnlib.testing's own module globals are looked up at call time too
        (
            "import nnlib.testing as t\nt._abs = lambda x: x * 0",
            "assigns t._abs (attribute of the imported nnlib.testing)",
        ),
        ("import builtins\nbuiltins.bool = lambda x: True", "imports builtins"),
        ("__builtins__.bool = lambda x: True", "assigns __builtins__.bool (builtins)"),
        ("assert_close = lambda *a, **k: None", "rebinds assert_close, which the locked cells imported"),
        ("def call(f, *a, **k):\n    return 0", "redefines call, which the locked cells imported"),
        ("setattr(np, 'allclose', lambda *a: True)", "calls setattr() on np (an imported module or object)"),
        ("import sys\nsys.modules['nnlib.testing'] = None", "touches sys.modules"),
        ("import importlib, nnlib\nimportlib.reload(nnlib)", "uses importlib.reload"),
        ("import gc\ngc.get_objects()", "imports gc"),
        ("import ctypes", "imports ctypes"),
        ("import os\nos.system('ls /')", "uses os.system"),
        ("import subprocess\nsubprocess.run(['ls'])", "imports subprocess"),
        (
            "data = open('../../other/ex.ipynb').read()",
            "open() of a path outside the working folder: '../../other/ex.ipynb'",
        ),
        ("get_ipython().events.register('post_run_cell', print)", "uses get_ipython() (IPython hooks)"),
        ("class Z(float):\n    __eq__ = lambda s, o: True", "defines __eq__ (a comparison/conversion hook)"),
    ],
)
def test_static_flags(code, reason):
    from grader.flags import analyze_source

    protected = {"np": "numpy", "assert_close": "nnlib.testing.assert_close", "call": "nnlib.testing.call"}
    assert reason in analyze_source(code, protected)


def test_honest_code_is_not_flagged():
    from grader.flags import analyze_source

    honest = """\
import numpy as np
from nnlib.testing import assert_close
class Dense:
    def __init__(self, n_in, n_out, rng):
        self.weight = 0.01 * rng.standard_normal((n_out, n_in))
        self.bias = np.zeros(n_out)
    def forward(self, X):
        return X @ self.weight.T + self.bias
def relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.0)
with open('notes.txt', 'w') as f:
    f.write('ok')
"""
    assert analyze_source(honest, {"np": "numpy", "assert_close": "nnlib.testing.assert_close"}) == []
