"""Capstone (lesson 10_digits): the reference `train_digits` clears the bar the lesson states, on every seed.

The solution's own code is taken from ``solutions/10_digits/10_digits.ipynb`` (the locked setup cell and the
``train_digits`` answer cell), executed in-process, trained with three seeds and scored on the fixed
held-out test set (the last 100 images of every digit of ``load_mnist_subset()``). The bar is read from the
notebook's test cell and must be the one its text announces.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "solutions" / "10_digits" / "10_digits.ipynb"
SEEDS = (0, 1, 2)
TIME_LIMIT_S = 60.0  # the lesson's promise for one graded training run


def _cells():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    by_id = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            by_id[grade_id] = cell
    return nb, by_id


def _code(source: str) -> str:
    """Cell source without IPython magics (``%matplotlib inline``)."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))


@pytest.fixture(scope="module")
def capstone():
    import matplotlib

    matplotlib.use("Agg")
    from threadpoolctl import threadpool_limits

    nb, cells = _cells()
    namespace: dict = {"__name__": "capstone_solution"}
    # the setup cell limits BLAS to one thread for its kernel; here that must not outlive this fixture
    with threadpool_limits(limits=None):
        exec(compile(_code(cells["setup"].source), "10_digits:setup", "exec"), namespace)
    exec(compile(cells["train_digits"].source, "10_digits:train_digits", "exec"), namespace)
    bars = re.findall(r"acc >= (0\.\d+)", cells["test_train_digits"].source)
    assert bars, "the train_digits test cell states no accuracy bar"
    bar = float(bars[0])
    assert all(float(b) == bar for b in bars), f"the test cell uses several bars: {bars}"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert f"accuracy ≥ {bars[0]}" in text, f"the lesson text does not announce the bar {bar}"
    limits = re.findall(r"elapsed < (\d+)", cells["test_train_digits"].source)
    assert limits and all(float(t) == TIME_LIMIT_S for t in limits), (
        f"the train_digits test cell's time limits {limits} differ from the lesson's {TIME_LIMIT_S:g} s"
    )
    assert f"under **{TIME_LIMIT_S:g} s**" in text, f"the lesson text does not state the {TIME_LIMIT_S:g} s limit"
    quoted = re.search(r"held-out accuracy \*\*([0-9., ]+)\*\*", text)
    assert quoted, "the lesson text quotes no measured accuracies for the reference solution"
    measured = [float(v) for v in quoted.group(1).split(",")]
    _, _, X_test, y_test = namespace["digits_split"]()
    return namespace["train_digits"], bar, X_test, y_test, measured


def test_held_out_split_is_fixed_and_balanced(capstone):
    _, _, X_test, y_test, _ = capstone
    assert X_test.shape == (1000, 784)
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_train_digits_clears_the_bar(capstone, seed):
    train_digits, bar, X_test, y_test, measured = capstone
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    with threadpool_limits(limits=1):  # single-threaded BLAS, as the lesson and the sandboxed grader run it
        model = train_digits(np.random.default_rng(seed))
    elapsed = time.perf_counter() - start
    accuracy = float(np.mean(np.asarray(model.forward(X_test)).argmax(axis=1) == y_test))
    assert accuracy >= bar, f"seed {seed}: held-out accuracy {accuracy:.3f} below the lesson's bar {bar}"
    assert abs(accuracy - measured[seed]) <= 0.003, (
        f"seed {seed}: held-out accuracy {accuracy:.3f}, the lesson text quotes {measured[seed]:.3f}"
    )
    assert elapsed < TIME_LIMIT_S, f"seed {seed}: training took {elapsed:.1f} s (limit {TIME_LIMIT_S} s)"
