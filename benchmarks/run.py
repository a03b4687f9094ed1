"""Run every benchmark and print one table (what ``make bench`` calls).

Each benchmark runs in its own process with OMP/OpenBLAS/MKL pinned to one thread and reports
rows as JSON; this script prints them together, with the machine's load so that a reader can
judge how quiet the measurement was. Timings are reported, never asserted.

    python benchmarks/run.py [--samples 60000] [--repeats 3] [--only nnlib_vs_torch gemm_share import]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import _common

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("nnlib_vs_torch", "gemm_share", "import")


def run_one(name, samples, repeats):
    """Rows of ``benchmarks/bench_<name>.py`` (run in a fresh single-threaded process)."""
    cmd = [sys.executable, str(HERE / f"bench_{name}.py"), "--json"]
    if name != "import":
        cmd += ["--samples", str(samples), "--repeats", str(repeats)]
    env = dict(os.environ, **{var: "1" for var in _common.THREAD_VARS})
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(_common.REPO))
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return [_common.row(f"bench_{name}.py", "FAILED", message[:80], "", "", "", False)]
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60000, help="training samples per epoch (default 60000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per case; the best is kept")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    args = parser.parse_args(argv)

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(
        f"nnlib benchmarks: Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {load}, BLAS threads = 1"
    )
    start = time.perf_counter()
    rows = []
    for name in args.only:
        rows += run_one(name, args.samples, args.repeats)
    print(_common.format_table(rows))
    missed = sum(r["status"] == "MISS" for r in rows)
    failed = sum(r["case"] == "FAILED" for r in rows)
    print(
        f"{len(rows)} rows, {missed} target(s) missed, {failed} benchmark(s) failed, "
        f"{time.perf_counter() - start:.0f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
