"""`import nnlib` is light: no torch, matplotlib, scikit-learn or SciPy, and fast (functional requirement)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "matplotlib", "sklearn", "scipy")

PROBE = """
import json, sys, time
t0 = time.perf_counter()
import nnlib
elapsed = time.perf_counter() - t0
print(json.dumps({"elapsed": elapsed, "modules": sorted(m for m in sys.modules if m.split('.')[0] in HEAVY)}))
""".replace("HEAVY)", repr(HEAVY) + ")")


def _probe(code):
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_nnlib_loads_no_heavy_package():
    result = _probe(PROBE)
    assert result["modules"] == [], f"import nnlib loaded {result['modules']}"


def test_core_submodules_load_no_heavy_package():
    code = PROBE.replace(
        "import nnlib\n",
        "import nnlib\nfrom nnlib import (Linear, ReLU, Sequential, SGD, Adam, "
        "CrossEntropyLoss, MSELoss, check_module, he_normal, softmax, gelu)\n"
        "gelu([0.5]); net = Sequential(Linear(2, 2), ReLU(), Linear(2, 2))\n"
        "for opt in (SGD(net.parameters(), lr=0.1), Adam(net.parameters())):\n"
        "    loss = CrossEntropyLoss(); loss.forward(net([[1.0, 2.0]]), [1])\n"
        "    net.backward(loss.backward()); opt.step()\n",
    )
    result = _probe(code)
    assert result["modules"] == [], f"nnlib's core loaded {result['modules']}"


# nnlib's own NumPy core, with numpy already loaded (numpy's import time is not ours to assert:
# it alone nears 0.3 s on a busy machine)
CORE = PROBE.replace("import json, sys, time\n", "import json, sys, time\nimport numpy\n").replace(
    "import nnlib\n", "import nnlib\nfrom nnlib import Linear, SGD, CrossEntropyLoss, check_module, softmax\n"
)


def test_import_nnlib_is_fast():
    # min of 3 fresh interpreters each
    elapsed = min(_probe(PROBE)["elapsed"] for _ in range(3))
    assert elapsed < 0.3, f"import nnlib took {elapsed:.3f} s (limit 0.3 s)"
    elapsed = min(_probe(CORE)["elapsed"] for _ in range(3))
    assert elapsed < 0.3, f"loading nnlib's core modules took {elapsed:.3f} s (limit 0.3 s)"


def test_public_names_resolve():
    import nnlib

    for name in (
        "step",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "gelu",
        "silu",
        "softmax",
        "log_softmax",
        "sigmoid_grad",
        "tanh_grad",
        "relu_grad",
        "leaky_relu_grad",
        "gelu_grad",
        "silu_grad",
        "mse",
        "mse_grad",
        "binary_cross_entropy",
        "cross_entropy",
        "cross_entropy_from_logits",
        "linear",
        "linear_backward",
        "relu_backward",
        "sigmoid_backward",
        "softmax_cross_entropy_backward",
        "Parameter",
        "Module",
        "Linear",
        "ReLU",
        "LeakyReLU",
        "Sigmoid",
        "Tanh",
        "GELU",
        "SiLU",
        "Sequential",
        "MSELoss",
        "CrossEntropyLoss",
        "SGD",
        "Adam",
        "xavier_uniform",
        "xavier_normal",
        "he_uniform",
        "he_normal",
        "numerical_gradient",
        "relative_error",
        "check_module",
    ):
        assert callable(getattr(nnlib, name)), name
    with pytest.raises(AttributeError):
        nnlib.no_such_name  # noqa: B018
