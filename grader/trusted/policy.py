"""Which lessons are graded by the two-process grader (the others by the single sandboxed kernel).

The two-process grader (:class:`grader.preprocessors.TrustedExecute`) must give every correct
answer of ``tests/lesson_cases`` full marks before a lesson is switched on here; a lesson whose
tests hand objects across in ways the data channel does not carry yet stays on the single-process
sandbox (still sandboxed, still scored by nbgrader, but the test cells then share the student's
process). ``NNFS_TWO_PROCESS`` overrides the list: ``all``, ``none``, or comma-separated lesson ids.

``11_pytorch`` is on since torch crosses the channel (tensors and ``torch.nn`` models by value, in-place
changes synced back, torch's global generator travelling with each call, the two availability
functions ``pick_device``'s test replaces mirrored as booleans, ``isinstance``/``__mro__`` through a
handle to the student's ``Value`` class); its work check counts through ``nnlib.testing.counting_subclass``,
which makes the counting subclass where ``backward`` runs.
"""

from __future__ import annotations

import os

#: lessons graded with the lesson's cells in a trusted process (every variant proven: tests/trusted_sweep.py)
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
        "11_pytorch",
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
