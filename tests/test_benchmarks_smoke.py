"""The benchmarks run end to end on a tiny problem and print their table (timings are not checked)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench_modules():
    sys.path.insert(0, str(BENCH))
    try:
        import _common
        import bench_gemm_share

        yield _common, bench_gemm_share
    finally:
        sys.path.remove(str(BENCH))


def test_flop_count_of_the_training_loop(bench_modules):
    _, gemm = bench_modules
    forward = 2 * (784 * 256 + 256 * 128 + 128 * 10)
    assert gemm.flops_per_sample() == 2 * forward + 2 * (256 * 128 + 128 * 10) == 1_007_104
    assert gemm.flops_per_sample((4, 3, 2)) == 2 * (12 + 6) * 2 + 2 * 6


def test_table_format(bench_modules):
    common, _ = bench_modules
    rows = [
        common.row("b", "case one", "1 s", "2 s", "0.50x", "<= 0.85x", True),
        common.row("longer name", "c", "", "", "", "", None),
    ]
    lines = common.format_table(rows).splitlines()
    assert lines[0].split() == list(common.COLUMNS)
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].endswith("PASS") and lines[3].rstrip().endswith("c")
    assert lines[2].index("case one") == len(lines[3]) - 1 == lines[0].index("case")
    assert common.row("b", "c", "", "", "", "", False)["status"] == "MISS"


@pytest.mark.slow
def test_run_py_prints_one_table_for_a_tiny_run(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--samples", "2000", "--repeats", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "BLAS threads = 1" in out
    header = out.splitlines()[1].split()
    assert header == ["benchmark", "case", "measured", "reference", "result", "target", "status"]
    for batch in (32, 128, 512):
        assert re.search(rf"nnlib vs torch.*batch {batch}, 2000 samples.*nnlib [\d.]+ s.*torch [\d.]+ s.*[\d.]+x", out)
        assert re.search(
            rf"GEMM share of nnlib.fit\s+batch {batch}, 2000 samples.*GFLOP/s.*\d+ %.*>= 75 %\s+(PASS|MISS)", out
        )
    assert re.search(r"<= 0.70x\s+(PASS|MISS)", out) and re.search(r"<= 0.85x\s+(PASS|MISS)", out)
    assert re.search(r"float32 GEMM peak.*[\d.]+ GFLOP/s", out)
    assert re.search(r"import nnlib\s+[\d.]+ ms.*< 0.3 s\s+(PASS|MISS)", out)
    assert "FAILED" not in out
    assert re.search(r"13 rows, \d+ target\(s\) missed, 0 benchmark\(s\) failed", out)
