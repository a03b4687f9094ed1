"""nbgrader preprocessors of the course, one per file (named in grader/nbgrader_config.py).

* :class:`RestoreCellMetadata` (``restore_metadata.py``): every cell's nbgrader role comes from the
  gradebook's copy of the instructor's source, never from the submission;
* :class:`SandboxedExecute` (``sandboxed_execute.py``): nbgrader's Execute with the kernel in the
  bubblewrap sandbox of :mod:`grader.sandbox`;
* :class:`TrustedExecute` (``trusted_execute.py``): the two-process grader: the student's cells in
  the sandboxed kernel, the lesson's own cells in a trusted kernel (:mod:`grader.trusted`);
* :class:`HideHiddenTestOutput` (``hide_hidden_tests.py``): feedback shows no hidden-test line, not
  even inside a failing hidden assert's traceback.

Importing this package does not import nbgrader; each class loads on first use.
"""

from importlib import import_module

_CLASSES = {
    "RestoreCellMetadata": "restore_metadata",
    "SandboxedExecute": "sandboxed_execute",
    "TrustedExecute": "trusted_execute",
    "HideHiddenTestOutput": "hide_hidden_tests",
}

__all__ = sorted(_CLASSES)


def __getattr__(name):
    if name in _CLASSES:
        value = getattr(import_module(f"{__name__}.{_CLASSES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
