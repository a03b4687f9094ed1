"""benchmarks/bench_trusted.py runs end to end on a tiny class and prints its comparison rows."""

from __future__ import annotations

import subprocess
import sys

import pytest
from grader_helpers import REPO, bwrap_works

ok, why = bwrap_works()


@pytest.mark.slow
@pytest.mark.skipif(not ok, reason=f"bubblewrap sandbox unavailable: {why}")
def test_bench_trusted_smoke():
    done = subprocess.run(
        [sys.executable, "bench_trusted.py", "--students", "1", "--lessons", "00_welcome"],
        cwd=REPO / "benchmarks",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "00_welcome (1 notebooks)" in done.stdout and "<= 1.3x" in done.stdout
    assert "same score on both sides: 1 of 1 notebooks" in done.stdout
