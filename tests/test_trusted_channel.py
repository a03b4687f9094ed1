"""The data channel of the two-process grader (grader/trusted/channel.py): data crosses, code does not."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from grader.trusted.channel import ChannelError, Decoder, Encoder, decode_error, encode_error, recv, send


def _roundtrip(value, handle=lambda obj: 7, make_handle=lambda hid: ("handle", hid)):
    enc = Encoder(handle)
    data = enc.encode(value)
    a, b = socket.socketpair()
    try:
        send(a, {"value": data}, enc.blobs)
        message, blobs = recv(b)
    finally:
        a.close()
        b.close()
    return Decoder(blobs, make_handle).decode(message["value"])


def test_plain_data_crosses_by_value():
    value = {
        "x": np.arange(6, dtype=np.float32).reshape(2, 3),
        "n": 3,
        "big": 2**80,
        "f": float("nan"),
        "inf": -np.inf,
        "t": (1, [True, None, "s"]),
        4: np.float64(0.5),
        "c": 1 + 2j,
        "b": np.array([True, False]),
        "i8": np.int8(-3),
    }
    out = _roundtrip(value)
    assert type(out["x"]) is np.ndarray and out["x"].dtype == np.float32 and out["x"].shape == (2, 3)
    assert out["x"].tolist() == value["x"].tolist() and out["x"].flags.writeable
    assert out["n"] == 3 and out["big"] == 2**80 and np.isnan(out["f"]) and out["inf"] == -np.inf
    assert out["t"] == (1, [True, None, "s"]) and type(out["t"]) is tuple
    assert type(out[4]) is np.float64 and out[4] == 0.5 and out["c"] == 1 + 2j
    assert out["b"].dtype == bool and type(out["i8"]) is np.int8


def test_generators_cross_with_their_state():
    rng = np.random.default_rng(5)
    twin = _roundtrip(rng)
    assert twin is not rng and twin.standard_normal(3).tolist() == np.random.default_rng(5).standard_normal(3).tolist()


def test_objects_stay_behind_as_handles():
    class Sneaky(np.ndarray):
        def __eq__(self, other):
            return True

    for value in (Sneaky((2,)), np.array([object()]), lambda: 1, object()):
        assert _roundtrip(value) == ("handle", 7)


@pytest.mark.parametrize(
    "bad",
    [
        {"a": ["|O8", [1], 0]},  # object dtype
        {"a": ["<f8", [3], 0]},  # bytes do not match the shape
        {"a": ["<f8", [-1], 0]},
        {"rng": ["Evil", {}]},
        {"pickle": "x"},
        [1, 2],
    ],
)
def test_malformed_or_forbidden_data_is_refused(bad):
    with pytest.raises((ChannelError, TypeError, ValueError)):
        Decoder([b"\0" * 8], lambda hid: hid).decode(bad)


def test_exceptions_cross_as_type_and_message():
    class LinAlgError(ValueError):
        pass

    err = decode_error(encode_error(LinAlgError("singular")))
    assert isinstance(err, ValueError) and type(err).__name__ == "LinAlgError" and str(err) == "singular"
    assert type(decode_error(encode_error(AssertionError("relu: no")))) is AssertionError
    assert type(decode_error({"type": "os.system('x')", "bases": ["NotAThing"], "message": "m"})) is Exception


def _student_side(student_ns):
    """The agent (the student's side of the channel) as the grader boots it, here in this process."""
    import types

    from grader.preprocessors.trusted_execute import TRUSTED_DIR

    module = types.ModuleType("_nnfs_agent_test")
    source = (TRUSTED_DIR / "channel.py").read_text() + "\n\n" + (TRUSTED_DIR / "agent.py").read_text()
    exec(compile(source, "<nnfs agent>", "exec"), module.__dict__)
    module.install(student_ns)
    return module


def _run_cell(tmp_path, student_code, cell):
    """Run ``cell`` on the trusted side with the names that ``student_code`` defines on the other side."""
    import threading

    from grader.trusted import harness

    student_ns = {}
    exec(student_code, student_ns)
    agent = _student_side(student_ns)
    path = str(tmp_path / "channel.sock")
    trusted_ns = {"np": np}
    exec("from nnlib.testing import call, assert_close, assert_true", trusted_ns)
    harness.start(path, trusted_ns, accept_timeout=10)
    server = threading.Thread(target=agent.serve, args=(path,), daemon=True)
    server.start()
    try:
        harness.begin(cell)
        exec(cell, trusted_ns)
    finally:
        harness.end()
        server.join(10)
    return trusted_ns


NUMERICAL_GRADIENT = '''
import numpy as np
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
'''


def test_a_trusted_callback_sees_arguments_the_student_changed_in_place(tmp_path):
    # the test's function reads A itself, not its parameter: while the student's code has nudged x[i],
    # the trusted A must hold the nudged value; afterwards both hold the original values again
    ns = _run_cell(
        tmp_path,
        NUMERICAL_GRADIENT,
        '''
A = np.array([[1.0, -2.0], [0.5, 3.0]])
g = call(numerical_gradient, lambda _ignored: float(np.sum(A ** 3)), A)
assert_close(g, 3 * np.array([[1.0, -2.0], [0.5, 3.0]]) ** 2, rtol=1e-6)
assert_true(np.array_equal(A, [[1.0, -2.0], [0.5, 3.0]]))
''',
    )
    assert ns["g"].shape == (2, 2)


def test_in_place_updates_of_a_list_of_arrays_come_back(tmp_path):
    ns = _run_cell(
        tmp_path,
        '''
def sgd_update(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g
''',
        '''
P = [np.ones(3), np.zeros((2, 2))]
ids = [id(p) for p in P]
call(sgd_update, P, [np.ones(3), np.ones((2, 2))], 0.5)
''',
    )
    assert [id(p) for p in ns["P"]] == ns["ids"]
    assert ns["P"][0].tolist() == [0.5] * 3 and ns["P"][1].tolist() == [[-0.5, -0.5]] * 2


def test_a_generator_that_changes_its_arguments_after_the_call_returned_is_seen(tmp_path):
    # a generator's body runs only when the test iterates it, after call() returned: changes it makes
    # to the caller's arrays must still reach the trusted arrays (so "X unchanged" checks can fail)
    ns = _run_cell(
        tmp_path,
        '''
def minibatches(X, y, batch_size, rng):
    rng.shuffle(X)
    for s in range(0, len(X), batch_size):
        yield X[s:s + batch_size], y[s:s + batch_size]
''',
        '''
X = np.arange(10.0)
batches = list(call(minibatches, X, np.arange(10), 4, np.random.default_rng(0)))
''',
    )
    assert [len(xb) for xb, _ in ns["batches"]] == [4, 4, 2]
    assert not np.array_equal(ns["X"], np.arange(10.0)) and sorted(ns["X"].tolist()) == list(range(10))
    assert np.concatenate([xb for xb, _ in ns["batches"]]).tolist() == ns["X"].tolist()


# ----------------------------------------------------------------------------- nnlib objects by value


def _nnlib_model():
    from nnlib import Linear, ReLU, Sequential

    rng = np.random.default_rng(3)
    return Sequential(Linear(5, 7, rng=rng), ReLU(), Linear(7, 2, rng=rng))


def test_an_nnlib_model_crosses_by_value_with_its_weights_bitwise():
    from nnlib import Linear, Parameter, ReLU, Sequential

    model = _nnlib_model()
    X = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    want = model.forward(X)
    twin = _roundtrip(model)
    assert twin is not model and type(twin) is Sequential and len(twin) == 3
    assert [type(m) for m in twin] == [Linear, ReLU, Linear]
    for a, b in zip(model.parameters(), twin.parameters()):
        assert type(b) is Parameter and b.data.dtype == a.data.dtype and b.data.tobytes() == a.data.tobytes()
        assert b.grad.shape == a.grad.shape and b.data is not a.data
    assert twin.forward(X).tobytes() == want.tobytes()  # same bits
    assert twin[0].in_features == 5 and twin.needs_input_grad is False
    twin.backward(np.ones((4, 2), dtype=np.float32))  # the copy is a working model of its own
    assert np.abs(twin[0].weight.grad).sum() > 0 and np.abs(model[0].weight.grad).sum() == 0


def test_shared_parameters_and_cycles_stay_shared():
    from nnlib import Linear, Sequential

    layer = Linear(3, 3, rng=np.random.default_rng(0))
    model = Sequential(layer, layer)
    model.me = model
    twin = _roundtrip(model)
    assert twin[0] is twin[1] and twin.me is twin and len(twin.parameters()) == 2


def test_a_subclass_or_an_own_class_stays_a_handle():
    from nnlib import Linear, Sequential

    class MySequential(Sequential):
        pass

    class Linear2(Linear):
        pass

    fake = type("Linear", (), {"__module__": "nnlib.modules"})  # names an allowed class, is not it
    for value in (MySequential(), Linear2(2, 2), fake()):
        assert _roundtrip(value) == ("handle", 7)
    inner = Sequential(Linear2(2, 2))  # an allowed container of a student's own layer: that layer is a handle
    twin = _roundtrip(inner)
    assert type(twin) is Sequential and twin._modules == [("handle", 7)]


@pytest.mark.parametrize(
    "bad",
    [
        {"obj": ["os", "system", []], "id": 0},
        {"obj": ["builtins", "eval", []], "id": 0},
        {"obj": ["nnlib.modules", "Module", []], "id": 0},  # the base class is not on the list
        {"obj": ["nnlib.testing", "call", []], "id": 0},
        {"obj": ["nnlib.modules", "Linear.__init__", []], "id": 0},
        {"obj": ["nnlib.modules", "Linear", [["__class__", 1]]], "id": 0},
        {"obj": ["nnlib.modules", "Linear", [["x y", 1]]], "id": 0},
        {"obj": ["nnlib.parameter", "Parameter", [["grad", 1]]], "id": 0},  # slots only: no such slot
        {"obj": ["nnlib.modules", "Linear", "state"], "id": 0},
        {"same": 3},
    ],
)
def test_forged_objects_are_refused(bad):
    import sys

    before = set(sys.modules)
    with pytest.raises(ChannelError):
        Decoder([], lambda hid: hid).decode(bad)
    assert "os" not in set(sys.modules) - before


def test_a_model_the_test_hands_over_is_changed_in_place_by_the_students_code(tmp_path):
    # an nnlib model passed to the student's function crosses by value; what the function changes in
    # its arrays in place comes back into the test's own model (the same objects, new values)
    ns = _run_cell(
        tmp_path,
        '''
def shrink(model, factor):
    for p in model.parameters():
        p.data *= factor
    return len(model)
''',
        '''
from nnlib import Sequential, Linear, ReLU
net = Sequential(Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=1))
W = net[0].weight.data
before = W.copy()
n = call(shrink, net, 0.5)
''',
    )
    assert ns["n"] == 3 and ns["net"][0].weight.data is ns["W"]
    assert np.array_equal(ns["W"], ns["before"] * np.float32(0.5))


def test_a_model_the_student_returns_is_a_trusted_nnlib_model(tmp_path):
    ns = _run_cell(
        tmp_path,
        '''
from nnlib import Sequential, Linear, ReLU
def build(rng):
    return Sequential(Linear(4, 3, rng=rng), ReLU(), Linear(3, 2, rng=rng))
''',
        '''
from nnlib import Sequential, Linear
model = call(build, np.random.default_rng(0))
ok = isinstance(model, Sequential) and isinstance(model[0], Linear)
out = call(model.forward, np.ones((2, 4), dtype=np.float32))
''',
    )
    from nnlib import Linear, ReLU, Sequential

    assert ns["ok"] is True and ns["out"].shape == (2, 2)
    rng = np.random.default_rng(0)
    want = Sequential(Linear(4, 3, rng=rng), ReLU(), Linear(3, 2, rng=rng))
    assert ns["out"].tobytes() == want.forward(np.ones((2, 4), dtype=np.float32)).tobytes()


def test_a_students_subclass_is_a_handle_that_answers_isinstance_as_in_one_process(tmp_path):
    ns = _run_cell(
        tmp_path,
        '''
from nnlib import Sequential, Linear, ReLU
class Net(Sequential):
    def forward(self, x):
        return super().forward(x) * 2
class Own:
    def forward(self, x):
        return x
def build(rng):
    return Net(Linear(4, 3, rng=rng), ReLU())
def own():
    return Own()
''',
        '''
from nnlib import Sequential, Linear, Module
from nnlib.modules import ReLU
model = call(build, np.random.default_rng(0))
checks = [isinstance(model, Sequential), isinstance(model, Module), isinstance(model, Linear),
          isinstance(model[0], Linear), isinstance(call(own), Module), isinstance(call(own), Sequential)]
out = call(model.forward, np.ones((2, 4), dtype=np.float32))
''',
    )
    from grader.trusted.harness import Remote
    from nnlib import Linear, ReLU, Sequential

    assert ns["checks"] == [True, True, False, True, False, False]
    assert type(ns["model"]) is Remote  # the student's class and its forward stay in the student's process
    want = Sequential(Linear(4, 3, rng=np.random.default_rng(0)), ReLU()).forward(np.ones((2, 4), dtype=np.float32))
    assert ns["out"].tobytes() == (want * 2).tobytes()


@pytest.mark.parametrize("kind", [["os", "system"], ["nnlib.modules", "Module"], ["builtins", "int"], "x", [1, 2]])
def test_a_handle_can_only_claim_an_allowed_class(kind):
    with pytest.raises(ChannelError):
        Decoder([], lambda hid: hid, None, lambda hid, cls: (hid, cls)).decode({"h": 3, "k": kind})
    from nnlib import Sequential

    got = Decoder([], lambda hid: hid, None, lambda hid, cls: (hid, cls)).decode(
        {"h": 3, "k": ["nnlib.modules", "Sequential"]}
    )
    assert got == (3, Sequential)


def test_an_nnlib_instance_as_the_answer_is_refused_under_the_own_code_rule(tmp_path):
    # `relu = nnlib.ReLU()` crosses by value; the test's call() finds the exercise name bound to it and
    # refuses nnlib's ReLU.forward for the exercise relu, in the trusted process, as in one process
    with pytest.raises(AssertionError, match="relu: your answer calls nnlib.modules.ReLU.forward"):
        _run_cell(tmp_path, "from nnlib import ReLU\nrelu = ReLU()\n", "call(relu, np.array([-1.0, 2.0]))\n")


# ----------------------------------------------------------------------------- torch (lesson 11)
torch = pytest.importorskip("torch")


def test_torch_tensors_and_models_cross_by_value_bitwise():
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2, bias=False), nn.Sigmoid())
    model[0].weight.grad = torch.full((5, 3), 0.25)
    model.eval()
    X = torch.randn(4, 3)
    extra = {
        "bf16": torch.arange(6, dtype=torch.bfloat16).reshape(2, 3),
        "long": torch.tensor([1, -2, 3]),
        "flag": torch.tensor(True),
        "empty": torch.zeros(0, 4, dtype=torch.float64),
        "leaf": torch.tensor([1.5, 2.5], requires_grad=True),
        "c": torch.tensor([1 + 2j], dtype=torch.complex64),
    }
    twin, out = _roundtrip([model, extra])
    assert twin is not model and type(twin) is nn.Sequential and not twin.training
    assert [type(m) for m in twin] == [nn.Linear, nn.ReLU, nn.Linear, nn.Sigmoid] and twin[2].bias is None
    for a, b in zip(model.parameters(), twin.parameters()):
        assert type(b) is nn.Parameter and b.dtype == a.dtype and b.requires_grad
        assert b.detach().numpy().tobytes() == a.detach().numpy().tobytes()
    assert twin[0].weight.grad.tolist() == [[0.25] * 3] * 5 and twin[2].weight.grad is None
    assert (twin[0].in_features, twin[0].out_features) == (3, 5)
    with torch.no_grad():
        assert twin(X).numpy().tobytes() == model(X).numpy().tobytes()  # the same function, to the bit
    for name, tensor in extra.items():
        got = out[name]
        assert type(got) is torch.Tensor and got.dtype == tensor.dtype and got.shape == tensor.shape, name
        assert torch.equal(got.detach(), tensor.detach()) and got.requires_grad == tensor.requires_grad, name


def test_shared_torch_parameters_stay_shared_and_subclasses_stay_handles():
    from torch import nn

    layer = nn.Linear(2, 2)
    twin = _roundtrip(nn.Sequential(layer, nn.ReLU(), layer))
    assert twin[0] is twin[2] and len(list(twin.parameters())) == 2

    class MyLinear(nn.Linear):
        pass

    hooked = nn.Linear(2, 2)
    hooked.register_forward_hook(lambda *a: None)
    odd = nn.Linear(2, 2)
    odd.fn = lambda x: x  # not plain data
    for value in (MyLinear(2, 2), hooked, odd, nn.Sequential(nn.ReLU(), MyLinear(1, 1)), torch.zeros(2).to_sparse()):
        assert _roundtrip(value) == ("handle", 7)


@pytest.mark.parametrize(
    "bad",
    [
        {"m": ["os", "system", False, [], [], [], [], []], "id": 0},
        {"m": ["torch.nn.modules.module", "Module", False, [], [], [], [], []], "id": 0},
        {"m": ["torch.nn.modules.linear", "LazyLinear", False, [], [], [], [], []], "id": 0},
        {"m": ["torch.nn.modules.linear", "Linear", False, [], [], [], [], [["forward", {"list": [1]}]]], "id": 0},
        {"m": ["torch.nn.modules.linear", "Linear", False, [], [], [], [], [["__class__", 1]]], "id": 0},
        {"m": ["torch.nn.modules.linear", "Linear", False, [], [], [], [], [["_forward_hooks", 1]]], "id": 0},
        {"m": ["torch.nn.modules.linear", "Linear", False, [["weight", 1.0]], [], [], [], []], "id": 0},
        {"m": ["torch.nn.modules.container", "Sequential", False, [], [], [], [["0", {"h": 1}]], []], "id": 0},
        {"m": ["torch.nn.modules.linear", "Linear", False, [["a.b", None]], [], [], [], []], "id": 0},
        {"t": ["object", [1], 0, False, "cpu", False, None], "id": 0},
        {"t": ["float32", [2], 0, False, "cpu", False, None], "id": 0},  # 2 floats, 4 bytes
        {"t": ["float32", [1], 0, False, "meta", False, None], "id": 0},
        {"t": ["int64", [1], 1, True, "cpu", False, None], "id": 0},  # an integer tensor cannot require grad
        {"t": ["float32", [1], 0, False, "cpu", False, 5], "id": 0},
    ],
)
def test_forged_torch_objects_are_refused(bad):
    blobs = [b"\0\0\0\0", b"\0" * 8]
    with pytest.raises(ChannelError):
        Decoder(blobs, lambda hid: hid).decode(bad)


def test_a_torch_model_changed_in_place_by_the_student_comes_back_with_its_gradients(tmp_path):
    ns = _run_cell(
        tmp_path,
        '''
import torch
def step(model, X):
    model.zero_grad()
    model(torch.as_tensor(X)).sum().backward()
    with torch.no_grad():
        model[0].weight.mul_(2.0)
    model[2].bias = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))  # a new parameter
    return len(model)
def idle(model):
    return 0
''',
        '''
import torch
from torch import nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
W = model[0].weight
before = W.detach().clone()
n = call(step, model, np.ones((5, 3), dtype=np.float32))
after = model[0].weight.detach().clone()
grad = model[0].weight.grad.clone()
bias = model[2].bias
call(idle, model)
''',
    )
    assert ns["n"] == 3 and ns["model"][0].weight is ns["W"]  # the test's own parameter, updated in place
    assert torch.equal(ns["after"], ns["before"] * 2)
    assert ns["grad"].abs().sum() > 0  # gradients come back too (a second call would see them)
    assert ns["bias"].dtype == torch.float64 and torch.equal(ns["bias"].detach(), torch.zeros(2, dtype=torch.float64))


def test_torch_global_generator_crosses_with_the_call(tmp_path):
    ns = _run_cell(
        tmp_path,
        "import torch\ndef draw(n):\n    return torch.randperm(n).tolist()\n",
        '''
import torch
torch.manual_seed(3)
first = call(draw, 10)
second = call(draw, 10)
after = torch.rand(1).item()
''',
    )
    torch.manual_seed(3)
    want = [torch.randperm(10).tolist(), torch.randperm(10).tolist(), torch.rand(1).item()]
    assert [ns["first"], ns["second"], ns["after"]] == want


def test_a_torch_availability_patch_reaches_the_students_call_and_nothing_else(tmp_path):
    ns = _run_cell(
        tmp_path,
        '''
import torch
def seen():
    return torch.cuda.is_available(), torch.backends.mps.is_available()
def sneaky():
    import sys
    return torch.cuda.is_available.__qualname__, getattr(torch, "_nnfs_patched", None)
''',
        '''
import torch
real = torch.cuda.is_available, torch.backends.mps.is_available
plain = call(seen)
torch.cuda.is_available = lambda: True
torch.backends.mps.is_available = lambda: "yes"  # any value: the student's side sees a bool
torch.manual_seed = lambda *a: None  # not on the whitelist: never mirrored
patched = call(seen)
torch.cuda.is_available, torch.backends.mps.is_available = real
restored = call(seen)
''',
    )
    import torch as real_torch

    real = (real_torch.cuda.is_available(), real_torch.backends.mps.is_available())
    assert ns["plain"] == real and ns["patched"] == (True, True) and ns["restored"] == real
    # a patch request for anything off the whitelist, or not a boolean, is dropped by the student's side
    from grader.preprocessors.trusted_execute import TRUSTED_DIR

    agent = _student_side({})
    assert agent._patches({"torch.manual_seed": True, "os.system": False, "torch.cuda.is_available": "yes"}) == []
    assert len(agent._patches({"torch.cuda.is_available": False})) == 1
    assert TRUSTED_DIR.is_dir()


def test_isinstance_and_mro_through_a_class_handle(tmp_path):
    ns = _run_cell(
        tmp_path,
        '''
import nnlib.autograd
class Value:
    def __init__(self, data):
        self.data = data
        self.grad = 0.0
    def __mul__(self, other):
        return Value(self.data * (other.data if isinstance(other, Value) else other))
    def bump(self):
        self.grad = self.grad + 1
        self.grad = self.grad + 1
        return self
class Borrowed(nnlib.autograd.Value):
    pass
class Other:
    pass
''',
        '''
from nnlib.testing import counting_subclass
a = call(Value, 2.0)
b = a * 3
checks = [isinstance(Value, type), isinstance(b, Value), isinstance(b, Other), isinstance(3.0, Value),
          issubclass(Borrowed, Value)]
mro = [getattr(k, "__module__", "") for k in Value.__mro__]
borrowed = [getattr(k, "__module__", "") for k in Borrowed.__mro__]
Counting = counting_subclass(Value, "grad")
c = Counting(1.0)
c.bump()
writes = getattr(c, "_writes", 0)
grad = float(c.grad)
''',
    )
    assert ns["checks"] == [True, True, False, False, False]
    assert len(ns["mro"]) == 2 and ns["mro"][1] == "builtins"  # the student's class, then object
    assert ns["borrowed"][1] == "nnlib.autograd"
    assert ns["writes"] == 3 and ns["grad"] == 2.0  # __init__ and two assignments in bump()


def test_counting_subclass_in_one_process():
    from nnlib.testing import counting_subclass

    class Value:
        def __init__(self, data):
            self.data, self.grad = data, 0.0

    counting = counting_subclass(Value)
    v = counting(1.0)
    v.grad += 2.0
    assert issubclass(counting, Value) and v.grad == 2.0 and v._writes == 2


def test_a_torch_model_changed_and_returned_by_the_student_comes_back(tmp_path):
    # the reply's value and its in-place changes name the same object: both decode in one message
    ns = _run_cell(
        tmp_path,
        "import torch\ndef fill(model):\n    with torch.no_grad():\n        model.weight.fill_(0.5)\n    return model\n",
        '''
from torch import nn
layer = nn.Linear(2, 3)
got = call(fill, layer)
''',
    )
    assert torch.equal(ns["layer"].weight.detach(), torch.full((3, 2), 0.5))
    assert torch.equal(ns["got"].weight.detach(), torch.full((3, 2), 0.5))


def test_a_torch_device_crosses_by_value_and_str_of_a_handle_asks_its_owner(tmp_path):
    assert _roundtrip(torch.device("cpu")) == torch.device("cpu")
    with pytest.raises(ChannelError):
        Decoder([], lambda hid: hid).decode({"device": "cuda:0; import os"})
    ns = _run_cell(
        tmp_path,
        "import torch\nclass Named:\n    def __str__(self):\n        return 'mine'\ndef pick():\n    return torch.device('cpu')\n"
        "def named():\n    return Named()\n",
        "where = call(pick)\ntext = str(call(named))\n",
    )
    assert ns["where"] == torch.device("cpu") and str(ns["where"]) == "cpu" and ns["text"] == "mine"


def test_a_tensor_that_shares_an_arguments_memory_shares_the_trusted_arguments_memory(tmp_path):
    # one process: torch.from_numpy(layer.weight.data) makes the torch weight BE the nnlib array, so
    # changing one changes the other; the trusted copies are linked the same way (and only then)
    ns = _run_cell(
        tmp_path,
        '''
import torch
def share(t_layer, n_layer):
    t_layer.weight.data = torch.from_numpy(n_layer.weight.data)
def copy(t_layer, n_layer):
    t_layer.weight.data = torch.from_numpy(n_layer.weight.data.copy())
''',
        '''
import torch
from torch import nn
from nnlib import Linear
shared_t, shared_n = nn.Linear(3, 2), Linear(3, 2, rng=0)
copied_t, copied_n = nn.Linear(3, 2), Linear(3, 2, rng=0)
W = shared_t.weight
call(share, shared_t, shared_n)
call(copy, copied_t, copied_n)
with torch.no_grad():
    shared_t.weight.add_(1.0)
    copied_t.weight.add_(1.0)
''',
    )
    import nnlib

    want = nnlib.Linear(3, 2, rng=0).weight.data
    assert ns["shared_t"].weight is ns["W"] and ns["shared_n"].weight.data.dtype == np.float32
    assert np.array_equal(ns["shared_n"].weight.data, want + np.float32(1))  # linked, as in one process
    assert np.array_equal(ns["copied_n"].weight.data, want)  # a copy stays a copy
    assert torch.equal(ns["copied_t"].weight.detach(), torch.from_numpy(want + np.float32(1)))


def test_the_trusted_kernel_warms_up_with_the_lessons_own_imports():
    """trusted_execute: the modules the lesson's cells import load while the student's cells run."""
    import nbformat

    from grader.preprocessors.trusted_execute import lesson_imports, warm_up_code

    cells = [
        nbformat.v4.new_code_cell("import numpy as np, math\nfrom nnlib.testing import call\n%matplotlib inline\n"),
        nbformat.v4.new_code_cell("def f():\n    import json as j\nx = 1  # import nothing here\nfrom . import z"),
    ]
    assert lesson_imports(cells) == ["numpy", "math", "nnlib.testing", "json"]
    namespace = {}
    exec(warm_up_code(["json", "no_such_module_nnfs"]), namespace)  # a missing module is skipped
    assert set(namespace) == {"__builtins__"}  # nothing left in the trusted namespace
