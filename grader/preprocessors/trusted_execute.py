"""TrustedExecute: the student's cells in the sandboxed kernel, the lesson's own cells in a trusted one.

Named in ``c.Autograde.autograde_preprocessors`` in place of nbgrader's Execute, so every way of
autograding (``python -m grader autograde``, plain ``nbgrader autograde``, formgrader's button)
goes through it. For a lesson switched on in :mod:`grader.trusted.policy`:

* the student's notebook runs top to bottom in the sandboxed kernel (:class:`SandboxedExecute`),
  except its autograder test cells, which never run there;
* the instructor's source notebook (``<source>/<lesson>/<lesson>.ipynb``: setup and other locked
  cells, test cells with their hidden tests) runs in a second, trusted kernel, in the instructor's
  order and text: each lesson cell runs as soon as every answer cell before it in the instructor's
  notebook has run in the student's kernel (wherever the student moved or copied cells);
* while a lesson cell runs, the student's kernel serves its requests over the data channel of
  :mod:`grader.trusted` (``_nnfs_agent.serve``), and nothing else;
* the outputs of each test cell in the notebook that nbgrader scores are the trusted kernel's.

Other lessons are executed exactly as :class:`SandboxedExecute` does.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.util import run_sync

from grader import sandbox
from grader.preprocessors.sandboxed_execute import SandboxedExecute
from grader.trusted import policy

TRUSTED_DIR = Path(__file__).resolve().parent.parent / "trusted"


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell) -> bool:
    meta = _meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def agent_source() -> str:
    """The student's side of the channel, as one block of code for the sandboxed kernel."""
    channel = (TRUSTED_DIR / "channel.py").read_text()
    agent = (TRUSTED_DIR / "agent.py").read_text()
    module = channel + "\n\n" + agent
    return (
        "def _nnfs_boot(source):\n"
        "    import sys, types\n"
        "    module = types.ModuleType('_nnfs_agent')\n"
        "    exec(compile(source, '<nnfs agent>', 'exec'), module.__dict__)\n"
        "    module.install(get_ipython().user_ns)\n"
        "    sys.modules['_nnfs_agent'] = module\n"
        f"_nnfs_boot({module!r})\n"
        "del _nnfs_boot\n"
    )


_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?"
    r"(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?)*))",
    re.M,
)


def lesson_imports(cells) -> list[str]:
    """The absolute module names that the import statements of ``cells`` (the lesson's own) name."""
    names: list[str] = []
    for cell in cells:
        for match in _IMPORT.finditer(cell.source):
            found = [match.group(1)] if match.group(1) else [p.split()[0] for p in match.group(2).split(",")]
            names.extend(name for name in found if name not in names)
    return names


def warm_up_code(modules: list[str]) -> str:
    """Code that imports ``modules`` (each one that fails is skipped: the lesson cell will say why)."""
    return (
        "def _nnfs_warm(names):\n"
        "    import importlib\n"
        "    for name in names:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except Exception:\n"
        "            pass\n"
        f"_nnfs_warm({modules!r})\n"
        "del _nnfs_warm\n"
    )


class TrustedExecute(SandboxedExecute):
    """Two processes per graded notebook (see the module docstring)."""

    def preprocess(self, nb, resources, *args, **kwargs):
        # Output that trails a cell's reply may wait behind the other kernel on a busy machine:
        # wait for it longer than nbclient's 4 s (the cell's own timeout still bounds the cell).
        self.iopub_timeout = max(self.iopub_timeout or 0, 30)
        self._plan = None
        lesson = (resources or {}).get("nbgrader", {}).get("assignment")
        notebook = (resources or {}).get("nbgrader", {}).get("notebook")
        if lesson and notebook and policy.two_process(lesson):
            source = self._source_notebook(lesson, notebook)
            if source is not None:
                self._plan = self._make_plan(source)
        try:
            return super().preprocess(nb, resources, *args, **kwargs)
        finally:
            trusted = getattr(self, "_trusted", None)
            if trusted is not None:
                try:
                    run_sync(trusted._async_cleanup_kernel)()
                except Exception:  # noqa: BLE001 - the kernel is gone either way
                    pass
                self._trusted = None
                shutil.rmtree(getattr(self, "_trusted_dir", "") or "/nonexistent", ignore_errors=True)

    # ------------------------------------------------------------------ the instructor's notebook

    def _source_notebook(self, lesson: str, notebook: str):
        from grader.course import Course

        try:
            root = Path(self.config.CourseDirectory.get("root", os.getcwd()))
            path = Course(root=root, config=self.config).source / lesson / f"{notebook}.ipynb"
            return nbformat.read(str(path), as_version=4)
        except Exception as err:  # noqa: BLE001
            self.log.warning(
                "two-process grading: cannot read the instructor's notebook of %s (%s); "
                "grading in one sandboxed kernel",
                lesson,
                err,
            )
            return None

    def _make_plan(self, source) -> list:
        """[("answer", grade_id) | ("run", cell)] in the instructor's order."""
        plan = []
        for cell in source.cells:
            meta = _meta(cell)
            if cell.cell_type != "code":
                continue
            if meta.get("solution"):
                plan.append(("answer", meta.get("grade_id")))
            elif is_test_cell(cell) or meta.get("locked"):
                plan.append(("run", cell))
        return plan

    async def async_start_new_kernel(self, **kwargs):
        if getattr(self, "_plan", None) is None:
            return await super().async_start_new_kernel(**kwargs)
        # both kernels start at once: the trusted one costs no extra wall time here
        await asyncio.gather(super().async_start_new_kernel(**kwargs), self._ensure_trusted())

    start_new_kernel = run_sync(async_start_new_kernel)

    # ------------------------------------------------------------------ the walk

    def preprocess_cell(self, cell, resources, index):
        if self._plan is None:
            return super().preprocess_cell(cell, resources, index)
        if index == 0:
            self._done_answers = set()
            self._pointer = 0
            self._cell_no = 0
            self._targets = {_meta(c).get("grade_id"): c for c in self.nb.cells if is_test_cell(c)}
            self._agent_ready = False
        if not is_test_cell(cell):
            cell, resources = super().preprocess_cell(cell, resources, index)
            grade_id = _meta(cell).get("grade_id")
            if _meta(cell).get("solution") and grade_id:
                self._done_answers.add(grade_id)
        self._advance(final=index == len(self.nb.cells) - 1)
        return cell, self.resources

    def _advance(self, final: bool) -> None:
        while self._pointer < len(self._plan):
            kind, item = self._plan[self._pointer]
            if kind == "answer":
                if item not in self._done_answers and not final:
                    return
                self._pointer += 1
                continue
            run_sync(self._run_lesson_cell)(item)
            self._pointer += 1

    # ------------------------------------------------------------------ one lesson cell, two kernels

    async def _ensure_trusted(self):
        if getattr(self, "_trusted", None) is not None:
            return self._trusted
        trusted_nb = nbformat.v4.new_notebook()
        trusted_nb.cells = [nbformat.v4.new_code_cell("")]  # nbclient writes each executed cell back at index 0
        client = NotebookClient(
            trusted_nb,
            timeout=self.timeout,
            allow_errors=True,
            kernel_name="python3",
            interrupt_on_timeout=True,
            shutdown_kernel="immediate",
            error_on_timeout=self.error_on_timeout,
            resources={"metadata": {"path": self.workdir()}},
        )
        env = {**sandbox.kernel_env(), "PYTHONPATH": str(sandbox.REPO)}
        client.km = client.create_kernel_manager()
        # ipc sockets in a private folder outside the student's sandbox (whose /tmp is its own tmpfs)
        self._trusted_dir = tempfile.mkdtemp(prefix="nnfs-trusted-")
        client.km.transport = "ipc"
        client.km.ip = os.path.join(self._trusted_dir, "k")
        client.km.connection_file = os.path.join(self._trusted_dir, "kernel.json")
        await client.async_start_new_kernel(env=env, cwd=self.workdir())
        await client.async_start_new_kernel_client()
        self._trusted = client
        boot = nbformat.v4.new_code_cell("import grader.trusted.harness as _nnfs_trusted")
        await client.async_execute_cell(boot, 0)
        if any(o.get("output_type") == "error" for o in boot.outputs):
            raise RuntimeError(
                "the trusted kernel could not import grader.trusted.harness: " + json.dumps(boot.outputs)[:2000]
            )
        # The modules the lesson's cells import (numpy, matplotlib, nnlib, torch ...) load now, while
        # the student's kernel runs the student's cells: sent without waiting (the first lesson cell
        # queues behind it in the trusted kernel; nbclient ignores replies to other requests).
        modules = lesson_imports(cell for kind, cell in self._plan or () if kind == "run")
        if modules:
            client.kc.execute(warm_up_code(modules), silent=True, store_history=False)
        return client

    async def _student(self, code: str):
        """Run grader code (not a notebook cell) in the student's kernel; its outputs are dropped."""
        cell = nbformat.v4.new_code_cell(code)
        slot = self.nb.cells[0]  # nbclient writes the executed cell back into the notebook
        try:
            await self.async_execute_cell(cell, 0, store_history=False)
        except Exception:  # noqa: BLE001 - a dead or hung student kernel: the lesson cell fails on its own
            pass
        finally:
            self.nb.cells[0] = slot
        return cell

    async def _run_lesson_cell(self, source_cell) -> None:
        trusted = await self._ensure_trusted()
        if not self._agent_ready:
            await self._student(agent_source())
            self._agent_ready = True
        self._cell_no += 1
        folder = getattr(self, "_socket_dir", None) or self._trusted_dir  # unsandboxed (--unsafe): the private one
        path = os.path.join(folder, f"c{self._cell_no}")
        cell = nbformat.v4.new_code_cell(source_cell.source)
        cell.metadata = json.loads(json.dumps(source_cell.metadata))

        serve = asyncio.ensure_future(
            self._student(f"import sys as _s\n_s.modules['_nnfs_agent'].serve({path!r})\ndel _s")
        )

        async def lesson_side():
            begin = nbformat.v4.new_code_cell(
                f"_nnfs_trusted.start({path!r}, get_ipython().user_ns, 30)\n_nnfs_trusted.begin({source_cell.source!r})"
            )
            await trusted.async_execute_cell(begin, 0, store_history=False)
            errors = [o for o in begin.outputs if o.get("output_type") == "error"]
            if errors:
                cell.outputs = errors
            else:
                await trusted.async_execute_cell(cell, 0)
            await trusted.async_execute_cell(nbformat.v4.new_code_cell("_nnfs_trusted.end()"), 0, store_history=False)

        lesson = asyncio.ensure_future(lesson_side())
        done, _ = await asyncio.wait({serve, lesson}, return_when=asyncio.FIRST_COMPLETED)
        if serve in done and not lesson.done():
            # the student's side ended without serving (it died or was tampered with): wake the
            # trusted side up if it is still waiting for a connection
            self._poke(path)
        await lesson
        await serve
        target = self._targets.get(_meta(source_cell).get("grade_id"))
        if target is not None:
            target.outputs = cell.outputs
            target.execution_count = cell.get("execution_count")

    @staticmethod
    def _poke(path: str) -> None:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(1)
            s.connect(path)
            s.close()
        except OSError:
            pass
