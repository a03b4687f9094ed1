"""Static checks of submitted code cells: things an honest answer never does.

:func:`analyze_notebook` parses (never runs) every code cell a student wrote or changed, i.e. every
code cell whose text is not exactly a cell of the instructor's source notebook (locked cells are
skipped: nbgrader restores their text before running them), and returns short
reasons such as ``"cell relu: assigns np.allclose (attribute of the imported module np)"``.
Autograding marks such submissions ``flagged: <reasons>`` for a human to look at; a flag is a second
line for review and never changes a score: the score is what nbgrader computed from the test cells,
which (with the two-process grader, :mod:`grader.preprocessors.trusted_execute`) ran in a trusted
kernel that the student's code cannot reach, so a zero computed there stays a zero.

Flagged:

* assigning to (or deleting, or ``setattr`` on) attributes of imported modules and library objects
  (``np.allclose = ...``, ``nnlib.testing._abs = ...``, ``Linear.forward = ...``);
* rebinding a name that the locked cells imported (``assert_close = lambda *a, **k: None``);
* defining comparison / conversion hooks that fool naive checks (``__eq__``, ``__ne__``,
  ``__bool__``, ``__array__``, ``__array_ufunc__``, ``__array_function__``, ``__array_interface__``,
  ``__instancecheck__``, ``__subclasscheck__``);
* touching ``sys.modules``, ``gc``, ``builtins`` / ``__builtins__``, ``importlib.reload``,
  ``ctypes``, ``signal``, ``inspect`` frames, process control (``os.system``, ``os._exit``,
  ``subprocess``, ``os.kill``, ...), ``exec``/``eval``/``compile``/``__import__``;
* ``open()`` (and ``os``/``shutil``/``pathlib`` file functions) on absolute paths or on paths
  that leave the working folder (``..``);
* ``get_ipython()`` (IPython hooks can inject output into test cells);
* nbgrader cell metadata edited (grade/solution/locked/points/cell type changed, or nbgrader
  metadata on a cell the lesson does not have): grading restores the roles
  (:class:`grader.preprocessors.RestoreCellMetadata`), the attempt is flagged;
* code that does not parse is not flagged (it fails on its own).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

HOOKS = {
    "__eq__",
    "__ne__",
    "__bool__",
    "__array__",
    "__array_ufunc__",
    "__array_function__",
    "__array_interface__",
    "__array_priority__",
    "__instancecheck__",
    "__subclasscheck__",
}
FORBIDDEN_MODULES = {
    "ctypes": "imports ctypes",
    "gc": "imports gc",
    "builtins": "imports builtins",
    "subprocess": "imports subprocess",
    "signal": "imports signal",
    "importlib": "imports importlib",
    "pty": "imports pty",
    "multiprocessing": "imports multiprocessing",
    "socket": "imports socket",
    "inspect": "imports inspect",
    "sqlite3": "imports sqlite3",
    "_thread": "imports _thread",
}
PROCESS_CALLS = {
    "system",
    "popen",
    "_exit",
    "kill",
    "killpg",
    "fork",
    "forkpty",
    "abort",
    "execv",
    "execve",
    "execl",
    "execle",
    "execlp",
    "execlpe",
    "execvp",
    "execvpe",
    "spawnl",
    "spawnle",
    "spawnlp",
    "spawnlpe",
    "spawnv",
    "spawnve",
    "spawnvp",
    "spawnvpe",
    "posix_spawn",
    "posix_spawnp",
    "setrlimit",
}
FILE_CALLS = {
    "open",
    "remove",
    "unlink",
    "rename",
    "replace",
    "rmdir",
    "removedirs",
    "makedirs",
    "mkdir",
    "listdir",
    "scandir",
    "walk",
    "chmod",
    "chown",
    "symlink",
    "link",
    "rmtree",
    "copy",
    "copyfile",
    "copy2",
    "copytree",
    "move",
    "Path",
    "load",
    "loadtxt",
    "save",
    "savetxt",
    "fromfile",
    "genfromtxt",
    "read_text",
    "write_text",
    "glob",
}
DYNAMIC = {
    "exec": "calls exec()",
    "eval": "calls eval()",
    "compile": "calls compile()",
    "__import__": "calls __import__()",
    "globals": "uses globals()",
    "vars": "uses vars()",
    "get_ipython": "uses get_ipython() (IPython hooks)",
    "setattr": None,
    "delattr": None,
}
BUILTIN_NAMES = {"__builtins__", "builtins"}
# Library names a student may use without importing them in the same cell.
LIBRARY_NAMES = {
    "np",
    "numpy",
    "nnlib",
    "torch",
    "math",
    "sys",
    "os",
    "random",
    "scipy",
    "plt",
    "matplotlib",
    "testing",
}


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
        parts.append("__import__()")
        return ".".join(reversed(parts))
    return None


def _root(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _suspicious_path(node, consts: dict | None = None) -> str | None:
    """The literal path when it is absolute or climbs out of the working folder."""
    if isinstance(node, ast.Name) and consts and node.id in consts:
        text = consts[node.id]
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    else:
        return None
    parts = text.replace("\\", "/").split("/")
    if text.startswith(("/", "~", "\\")) or ".." in parts:
        return text
    return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, protected: dict[str, str]):
        self.protected = protected  # names bound by the locked cells -> what they were bound to
        self.imported: dict[str, str] = {}
        self.consts: dict[str, str] = {}  # name -> string literal last assigned to it
        self.reasons: list[str] = []

    def flag(self, text: str) -> None:
        if text not in self.reasons:
            self.reasons.append(text)

    # imports -------------------------------------------------------------------------------
    def _import(self, module: str, alias: str) -> None:
        top = module.split(".")[0]
        if top in FORBIDDEN_MODULES:
            self.flag(FORBIDDEN_MODULES[top])
        self.imported[alias] = module
        if alias in self.protected and self.protected[alias] != module:
            self.flag(f"rebinds {alias}, which the locked cells imported, to {module}")

    def visit_Import(self, node):
        for a in node.names:
            if a.asname:
                self._import(a.name, a.asname)
            else:
                self._import(a.name.split(".")[0], a.name.split(".")[0])
                top = a.name.split(".")[0]
                if a.name.split(".")[0] != a.name and top in FORBIDDEN_MODULES:
                    self.flag(FORBIDDEN_MODULES[top])
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        top = module.split(".")[0]
        if top in FORBIDDEN_MODULES:
            self.flag(FORBIDDEN_MODULES[top])
        for a in node.names:
            name = a.asname or a.name
            if module == "importlib" and a.name == "reload":
                self.flag("uses importlib.reload")
            if module == "os" and a.name in PROCESS_CALLS:
                self.flag(f"imports os.{a.name}")
            if module == "sys" and a.name == "modules":
                self.flag("touches sys.modules")
            self._import(f"{module}.{a.name}", name)
        self.generic_visit(node)

    # assignments -----------------------------------------------------------------------------
    def _is_library(self, root: str | None) -> bool:
        return bool(root) and (root in self.imported or root in LIBRARY_NAMES or root in self.protected)

    def _target(self, target, verb: str) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                self._target(t, verb)
            return
        if isinstance(target, ast.Starred):
            self._target(target.value, verb)
            return
        if isinstance(target, ast.Attribute):
            root = _root(target)
            name = _dotted(target) or f"...{target.attr}"
            if target.attr in HOOKS:
                self.flag(f"{verb} {name} (a comparison/conversion hook)")
            elif root in BUILTIN_NAMES:
                self.flag(f"{verb} {name} (builtins)")
            elif self._is_library(root):
                what = self.imported.get(root) or self.protected.get(root) or root
                self.flag(f"{verb} {name} (attribute of the imported {what})")
        elif isinstance(target, ast.Subscript):
            root = _root(target)
            dotted = _dotted(target.value) or ""
            if root in BUILTIN_NAMES or dotted.endswith("__dict__") and self._is_library(root):
                self.flag(f"{verb} an item of {dotted or root}")
        elif isinstance(target, ast.Name):
            if target.id in BUILTIN_NAMES:
                self.flag(f"{verb} {target.id}")
            elif target.id in self.protected and not target.id.startswith("_") and verb != "deletes":
                self.flag(f"rebinds {target.id}, which the locked cells imported")
            elif target.id in self.protected and verb == "deletes":
                self.flag(f"deletes {target.id}, which the locked cells imported")

    def visit_Assign(self, node):
        for t in node.targets:
            self._target(t, "assigns")
            if isinstance(t, ast.Name):
                if isinstance(node.value, (ast.Constant, ast.JoinedStr)):
                    value = node.value
                    text = (
                        value.value
                        if isinstance(value, ast.Constant)
                        else "".join(
                            v.value for v in value.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                        )
                    )
                    if isinstance(text, str):
                        self.consts[t.id] = text
                else:
                    self.consts.pop(t.id, None)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def visit_Delete(self, node):
        for t in node.targets:
            self._target(t, "deletes")
        self.generic_visit(node)

    def visit_NamedExpr(self, node):
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def _defines(self, name: str) -> None:
        if name in self.protected:
            self.flag(f"redefines {name}, which the locked cells imported")

    def visit_FunctionDef(self, node):
        if node.name in HOOKS:
            self.flag(f"defines {node.name} (a comparison/conversion hook)")
        self._defines(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._defines(node.name)
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    if isinstance(t, ast.Name) and t.id in HOOKS:
                        self.flag(f"defines {t.id} (a comparison/conversion hook)")
        self.generic_visit(node)

    def visit_Global(self, node):
        for name in node.names:
            if name in self.protected:
                self.flag(f"declares global {name}, which the locked cells imported")
        self.generic_visit(node)

    # uses ------------------------------------------------------------------------------------
    def visit_Name(self, node):
        if node.id in BUILTIN_NAMES:
            self.flag(f"uses {node.id}")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        dotted = _dotted(node) or ""
        root = _root(node)
        module = self.imported.get(root, root) if root else ""
        full = dotted.replace(root, module, 1) if root and module else dotted
        if full.startswith("sys.modules") or full == "sys.modules":
            self.flag("touches sys.modules")
        elif full.startswith(("sys._getframe", "sys.settrace", "sys.setprofile")):
            self.flag(f"uses {full.split('(')[0]}")
        elif full in ("importlib.reload", "imp.reload"):
            self.flag("uses importlib.reload")
        elif full.startswith("gc."):
            self.flag("uses gc")
        elif full.startswith("ctypes"):
            self.flag("uses ctypes")
        elif full.startswith("os.") and node.attr in PROCESS_CALLS:
            self.flag(f"uses os.{node.attr}")
        elif full.startswith("subprocess."):
            self.flag("uses subprocess")
        elif full.startswith("signal."):
            self.flag("uses signal")
        if node.attr in (
            "__dict__",
            "__globals__",
            "__code__",
            "__closure__",
            "__builtins__",
            "__subclasses__",
            "f_globals",
            "f_locals",
            "f_back",
        ):
            self.flag(f"uses .{node.attr}")
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (func.attr if isinstance(func, ast.Attribute) else None)
        if isinstance(func, ast.Name) and func.id in DYNAMIC and DYNAMIC[func.id]:
            self.flag(DYNAMIC[func.id])
        if isinstance(func, ast.Name) and func.id in ("setattr", "delattr") and node.args:
            target = node.args[0]
            root = _root(target) if isinstance(target, (ast.Name, ast.Attribute)) else None
            attr = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else None
            if attr in HOOKS:
                self.flag(f"calls {func.id} on {attr} (a comparison/conversion hook)")
            elif root in BUILTIN_NAMES or self._is_library(root):
                self.flag(f"calls {func.id}() on {_dotted(target) or root} (an imported module or object)")
        if name in FILE_CALLS:
            for arg in list(node.args[:2]) + [
                k.value for k in node.keywords if k.arg in ("file", "path", "src", "dst", "fname")
            ]:
                path = _suspicious_path(arg, self.consts)
                if path is not None:
                    self.flag(f"{name}() of a path outside the working folder: {path!r}")
        self.generic_visit(node)


def protected_names(cells_source: list[str]) -> dict[str, str]:
    """Names that the instructor's locked cells bind by import (name -> module/object imported)."""
    out: dict[str, str] = {}
    for source in cells_source:
        try:
            tree = ast.parse(_strip_magics(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                for a in node.names:
                    if a.name != "*":
                        out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _strip_magics(source: str) -> str:
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or stripped.endswith("?"):
            lines.append(line[: len(line) - len(stripped)] + "pass")
        else:
            lines.append(line)
    return "\n".join(lines)


def analyze_source(source: str, protected: dict[str, str] | None = None) -> list[str]:
    """Reasons to flag one cell's code (empty when nothing suspicious, or when it does not parse)."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return []
    visitor = _Visitor(dict(protected or {}))
    visitor.visit(tree)
    return visitor.reasons


def _cells(nb) -> list[dict]:
    return [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]


def _text(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _is_locked_source_cell(cell) -> bool:
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    return bool(meta.get("locked") or (meta.get("grade") and not meta.get("solution")))


_ROLE_KEYS = ("grade", "solution", "locked", "task", "points")


def _role(cell) -> dict:
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    role = {k: meta.get(k) for k in _ROLE_KEYS if meta.get(k) not in (None, False)}
    if "points" in role:
        role["points"] = float(role["points"])
    role["cell_type"] = cell.get("cell_type")
    return role


def metadata_changes(submitted: dict, source: dict) -> list[str]:
    """nbgrader roles edited in the submission (grading restores them; the attempt is flagged)."""
    roles = {}
    for cell in source.get("cells", []):
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if grade_id:
            roles[grade_id] = _role(cell)
    reasons = []
    for cell in submitted.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader")
        if not isinstance(meta, dict) or not meta:
            continue
        grade_id = meta.get("grade_id")
        if grade_id not in roles:
            if grade_id or any(meta.get(k) for k in ("grade", "solution", "locked", "task")):
                reasons.append(f"cell {grade_id or '?'}: nbgrader metadata on a cell the lesson does not have")
            continue
        mine, theirs = _role(cell), roles[grade_id]
        changed = [
            f"{k} {theirs.get(k)!r} -> {mine.get(k)!r}"
            for k in (*_ROLE_KEYS, "cell_type")
            if mine.get(k) != theirs.get(k)
        ]
        if changed:
            reasons.append(f"cell {grade_id}: nbgrader metadata edited ({', '.join(changed)})")
    return reasons


def analyze_notebook(submitted, source=None) -> list[str]:
    """Reasons to flag a submission, as ``"cell <grade_id or #n>: <reason>"`` strings.

    ``submitted`` and ``source`` are notebook dicts or paths; ``source`` is the instructor's
    notebook (solutions/<id>/<id>.ipynb). Cells identical to a source cell are not analysed;
    names imported by the source's locked cells are protected.
    """

    def load(nb):
        if nb is None or isinstance(nb, dict):
            return nb
        return json.loads(Path(nb).read_text())

    sub, src = load(submitted), load(source)
    source_texts = {_text(c).strip() for c in _cells(src)} if src else set()
    # nbgrader puts the instructor's text back into locked cells (tests, setup) before running
    # them: whatever a submission has there never runs.
    locked_ids = (
        {
            ((c.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
            for c in _cells(src)
            if _is_locked_source_cell(c)
        }
        if src
        else set()
    )
    locked_ids.discard(None)
    protected = protected_names([_text(c) for c in _cells(src) if _is_locked_source_cell(c)]) if src else {}
    reasons: list[str] = []
    for index, cell in enumerate(_cells(sub or {}), start=1):
        text = _text(cell)
        if text.strip() in source_texts:
            continue
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if grade_id in locked_ids:
            continue
        where = f"cell {grade_id}" if grade_id else f"code cell #{index}"
        for reason in analyze_source(text, protected):
            item = f"{where}: {reason}"
            if item not in reasons:
                reasons.append(item)
    if src:
        reasons += metadata_changes(sub or {}, src)
    return reasons
