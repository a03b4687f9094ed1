"""Which lessons are graded by the two-process grader (the others by the single sandboxed kernel).

The two-process grader (:class:`grader.preprocessors.TrustedExecute`) must give every correct
answer of ``tests/lesson_cases`` full marks before a lesson is switched on here; a lesson whose
tests hand objects across in ways the data channel does not carry yet stays on the single-process
sandbox (still sandboxed, still scored by nbgrader, but the test cells then share the student's
process). ``NNFS_TWO_PROCESS`` overrides the list: ``all``, ``none``, or comma-separated lesson ids.

Still off: ``11_pytorch``. Its tests subclass the student's own ``Value`` class inside the test cell
(``class _CountingValue(Value)``, counting the writes the student's ``backward`` makes), read
``Value.__mro__``, monkeypatch ``torch.cuda.is_available`` for ``pick_device`` in the test's own
process, hand torch models to the student's functions to be changed in place, and seed torch's
global generator that the student's ``train_torch`` draws from; none of these crosses the data
channel yet (torch tensors and modules do not cross by value).
"""

from __future__ import annotations

import os

#: lessons graded with the lesson's cells in a trusted process (measured: tests/test_trusted_grading.py)
TRUSTED_LESSONS = frozenset(
    {
        "00_welcome",
        "01_linear_algebra",
        "02_neuron",
        "03_layers",
        "04_activations",
        "05_universal_approximation",
        "06_losses",
        "07_initialization",
        "08_backprop",
        "09_training",
        "10_digits",
        "ex",
        "envfail",  # the test suite's small lessons (tests/grader_helpers.py)
    }
)


def two_process(lesson: str, environ=None) -> bool:
    """True when ``lesson`` is graded by the two-process grader."""
    environ = os.environ if environ is None else environ
    setting = environ.get("NNFS_TWO_PROCESS", "").strip()
    if setting == "all":
        return True
    if setting == "none":
        return False
    if setting:
        return lesson in {s.strip() for s in setting.split(",")}
    return lesson in TRUSTED_LESSONS
