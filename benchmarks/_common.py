"""Shared plumbing of the benchmarks: one BLAS thread, result rows, the printed table.

Import this module FIRST in a benchmark script (before NumPy or torch): it pins OpenMP, OpenBLAS
and MKL to one thread, which only takes effect if it happens before those libraries load.

A benchmark produces rows (dicts) with the keys of :data:`COLUMNS`; ``--json`` prints them as one
JSON list (what ``run.py`` collects), otherwise they are printed as a table.
"""

import json
import os
import sys
from pathlib import Path

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
for _var in THREAD_VARS:
    os.environ[_var] = "1"

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from a checkout without installing nnlib
    sys.path.insert(0, str(REPO))

COLUMNS = ("benchmark", "case", "measured", "reference", "result", "target", "status")


def row(benchmark, case, measured, reference, result, target="", passed=None):
    """One table row; ``passed`` None means there is no target to meet."""
    status = "" if passed is None else ("PASS" if passed else "MISS")
    return dict(zip(COLUMNS, (benchmark, case, measured, reference, result, target, status)))


def format_table(rows):
    """The rows as an aligned plain-text table."""
    header = dict(zip(COLUMNS, COLUMNS))
    widths = {c: max(len(str(r[c])) for r in [header, *rows]) for c in COLUMNS}
    lines = []
    for i, r in enumerate([header, *rows]):
        lines.append("  ".join(str(r[c]).ljust(widths[c]) for c in COLUMNS).rstrip())
        if i == 0:
            lines.append("  ".join("-" * widths[c] for c in COLUMNS))
    return "\n".join(lines)


def emit(rows, as_json):
    """Print the rows: JSON for run.py, a table for a person."""
    if as_json:
        print(json.dumps(rows))
    else:
        print(format_table(rows))


def cli(measure, description, argv=None):
    """The command line every training benchmark shares: sizes in, a table (or JSON rows) out."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--batches", type=int, nargs="+", default=[32, 128, 512])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON (for run.py)")
    args = parser.parse_args(argv)
    emit(measure(args.samples, args.batches, args.repeats), args.json)
