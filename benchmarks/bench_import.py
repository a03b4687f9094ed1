"""Time of ``import nnlib`` in a fresh interpreter (best of several), and what it pulls in.

Each measurement starts a new Python process and times only the import statement itself
(``time.perf_counter`` around it), so interpreter start-up is excluded. Also shown: the first use
of the core API (``from nnlib import Linear, Sequential, fit``, which loads the NumPy modules on
demand), and a check that neither import loads torch, matplotlib, scikit-learn or ipywidgets.

    python benchmarks/bench_import.py [--repeats 7] [--json]
"""

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import _common  # noqa: F401

TARGET_S = 0.3
HEAVY = ("torch", "matplotlib", "sklearn", "ipywidgets", "scipy")

_PROBE = """
import json, sys, time
t0 = time.perf_counter()
import nnlib
t1 = time.perf_counter()
{use}
t2 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "use": t2 - t1,
                  "heavy": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def probe(use="pass"):
    """One fresh-interpreter measurement: seconds for ``import nnlib``, for ``use``, heavy modules seen."""
    code = _PROBE.format(use=use, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=str(_common.REPO)
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(repeats=7):
    bare = [probe() for _ in range(repeats)]
    used = [probe("from nnlib import Linear, Sequential, CrossEntropyLoss, SGD, fit") for _ in range(repeats)]
    best = min(r["import"] for r in bare)
    heavy = sorted(set().union(*(r["heavy"] for r in bare + used)))
    return [
        _common.row(
            "import time (fresh process)",
            "import nnlib",
            f"{best * 1e3:.1f} ms",
            f"best of {repeats}",
            f"{best:.3f} s",
            f"< {TARGET_S} s",
            best < TARGET_S,
        ),
        _common.row(
            "import time (fresh process)",
            "+ first use: Linear, Sequential, fit",
            f"{min(r['use'] for r in used) * 1e3:.1f} ms",
            f"best of {repeats}",
            "",
            "",
            None,
        ),
        _common.row(
            "import time (fresh process)",
            "heavy modules loaded",
            ", ".join(heavy) or "none",
            ", ".join(HEAVY),
            "",
            "none",
            not heavy,
        ),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--samples", type=int, default=None, help="ignored (accepted for run.py)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON (for run.py)")
    args = parser.parse_args(argv)
    _common.emit(measure(args.repeats), args.json)


if __name__ == "__main__":
    main()
