"""The narrow channel between the trusted lesson process and the student's sandboxed kernel.

It carries DATA only, never pickles: one message is a 4-byte length, a JSON header, then the raw
bytes of the arrays it holds. What a value may be:

* ``None``, ``bool``, ``int``, ``float`` (NaN and infinities included), ``complex``, ``str``;
* a NumPy array of a numeric or bool dtype, exactly ``np.ndarray`` (no subclass, no object dtype):
  dtype, shape and bytes; a NumPy scalar the same way (it comes back as a NumPy scalar);
* tuples, lists and dicts (string or int keys) of values;
* a ``np.random.Generator``: its bit generator's name and state (the other side gets its own
  generator in that state, and the state is synchronised back after a call);
* a *handle* (``{"h": id}``): an object that stays in the process that owns it; the other side
  reaches it only through requests (call, attribute, item, operator) on this channel; an object
  whose class inherits from a class of :data:`BY_VALUE` (a student's ``class Net(Sequential)``)
  names that class too (``"k": [module, qualname]``), for ``isinstance`` on the other side;
* a *reference* to a library callable (``{"ref": [module, qualname]}``, e.g. ``numpy:sin``) that
  the other side looks up in its own copy of that module;
* an object whose type is EXACTLY one of the course library's classes in :data:`BY_VALUE` (an
  ``nnlib`` ``Sequential``, ``Linear``, ``ReLU``, a loss, a ``Parameter``): by value, as
  ``{"obj": [module, qualname, [[attribute, value], ...]], "id": n}``, its instance attributes
  (``__dict__`` and ``__slots__``) encoded by these same rules (what is not data among them stays a
  handle); the other side builds an instance of ITS OWN copy of that class (``object.__new__`` and
  the attributes, no constructor, no other code) and refuses any class not in :data:`BY_VALUE`.
  ``{"same": n}`` is an object already sent in the same message (shared parameters, cycles). A
  subclass, or any other class, stays a handle.
* a ``torch.Tensor`` or ``torch.nn.Parameter`` (exactly those types, strided, of a dtype in
  :data:`TORCH_DTYPES`): ``{"t": [dtype, shape, blob, requires_grad, device, is_parameter, grad],
  "id": n}``, rebuilt from the receiving side's own torch (the bytes, no code);
* a ``torch.nn`` module of a class in :data:`TORCH_MODULES` (exactly that class, no hooks, plain
  attributes only, every submodule by value too): ``{"m": [module, qualname, training, parameters,
  buffers, non-persistent buffer names, submodules, attributes], "id": n}``; the receiving side
  builds an instance of its own torch's class (``nn.Module.__init__`` and the state, nothing else);
* a ``torch.device``: ``{"device": "cuda:0"}``;
* a class stays a handle marked ``"c"`` (so that ``isinstance(Value, type)`` answers as in one
  process; ``isinstance(x, Value)`` is then asked of the side that owns the class).

Exceptions travel as the names of their builtin base classes and their message. This module is
plain Python + NumPy: the student's side runs the same source text (its kernel cannot import
``grader``, which the sandbox hides).
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np

MAX_MESSAGE = 1 << 31
ARRAY_KINDS = "biufc"  # bool, signed, unsigned, float, complex
_HEADER = struct.Struct("!II")  # JSON length, number of blobs


#: the classes that cross by value (module -> class names): the ONE list both sides read
BY_VALUE = {
    "nnlib.modules": ("Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "Sequential"),
    "nnlib.losses": ("MSELoss", "CrossEntropyLoss"),
    "nnlib.regularization": ("Dropout",),
    "nnlib.parameter": ("Parameter",),
}


#: torch.nn modules that cross by value (module -> class names), rebuilt from the receiver's own torch
TORCH_MODULES = {
    "torch.nn.modules.container": ("Sequential", "ModuleList", "ModuleDict"),
    "torch.nn.modules.linear": ("Linear", "Identity"),
    "torch.nn.modules.activation": (
        "ReLU",
        "LeakyReLU",
        "Sigmoid",
        "Tanh",
        "GELU",
        "SiLU",
        "ELU",
        "Softmax",
        "LogSoftmax",
    ),
    "torch.nn.modules.flatten": ("Flatten",),
    "torch.nn.modules.dropout": ("Dropout",),
    "torch.nn.modules.loss": ("CrossEntropyLoss", "MSELoss", "NLLLoss", "BCEWithLogitsLoss"),
}
#: tensor dtypes that cross by value (``torch.<name>``)
TORCH_DTYPES = (
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
#: functions of ``torch`` that the trusted side may ask the student's side to pretend for one call
#: (a test that replaces ``torch.cuda.is_available`` in its own process): path -> (module, attribute)
PATCHABLE = {
    "torch.cuda.is_available": ("torch.cuda", "is_available"),
    "torch.backends.mps.is_available": ("torch.backends.mps", "is_available"),
}
#: helpers of nnlib.testing that run on the side owning their argument (``__nnfs_apply__``)
HELPERS = ("counting_subclass",)
_MODULE_STATE = ("_parameters", "_buffers", "_modules", "_non_persistent_buffers_set", "training")


class ChannelError(RuntimeError):
    """The other side broke the protocol, or went away."""


def send(sock, message: dict, blobs: list) -> None:
    head = json.dumps(message, allow_nan=True).encode()
    parts = [_HEADER.pack(len(head), len(blobs)), head]
    for blob in blobs:
        parts.append(struct.pack("!Q", len(blob)))
        parts.append(blob)
    sock.sendall(b"".join(parts))


def _recv_exact(sock, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise ChannelError("the other side closed the channel")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv(sock) -> tuple[dict, list]:
    size, count = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    if size > MAX_MESSAGE or count > 1_000_000:
        raise ChannelError("message too large")
    try:
        message = json.loads(_recv_exact(sock, size))
    except ValueError as err:
        raise ChannelError(f"malformed message: {err}") from None
    if not isinstance(message, dict):
        raise ChannelError("malformed message: not an object")
    blobs = []
    for _ in range(count):
        (length,) = struct.unpack("!Q", _recv_exact(sock, 8))
        if length > MAX_MESSAGE:
            raise ChannelError("array too large")
        blobs.append(_recv_exact(sock, length))
    return message, blobs


class Encoder:
    """Turns a value into JSON-able data plus blobs; ``handle(obj)`` decides what stays behind."""

    def __init__(self, handle, reference=None):
        self.blobs: list = []
        self._handle = handle
        self._reference = reference
        self._objects: dict = {}  # id(object sent by value) -> its number in this message
        self._keep: list = []  # those objects, alive until the message is sent (their ids stay theirs)
        #: alias(tensor) -> the path of an argument array whose memory the tensor IS, or None (a
        #: student's ``torch.from_numpy(layer.weight.data)``: the trusted side links its own copies)
        self.alias = None

    def encode(self, value, depth: int = 0):
        if depth > 64:
            raise ChannelError("value nested too deeply")
        kind = type(value)
        if value is None or kind is bool or kind is str:
            return value
        if kind is int:
            return value if abs(value) < (1 << 53) else {"int": str(value)}
        if kind is float:
            return value if math.isfinite(value) else {"float": repr(value)}
        if kind is complex:
            return {"complex": [repr(value.real), repr(value.imag)]}
        if kind is np.ndarray and value.dtype.kind in ARRAY_KINDS and value.dtype.fields is None:
            return self._array(value)
        if isinstance(value, np.generic) and type(value).__module__ == "numpy" and value.dtype.kind in ARRAY_KINDS:
            return {**self._array(np.asarray(value)), "scalar": True}
        if kind is tuple or kind is list:
            return {"tuple" if kind is tuple else "list": [self.encode(v, depth + 1) for v in value]}
        if kind is dict and all(type(k) in (str, int) for k in value):
            return {"dict": [[self.encode(k), self.encode(v, depth + 1)] for k, v in value.items()]}
        if kind is np.random.Generator:
            return {"rng": [type(value.bit_generator).__name__, _jsonable_state(value.bit_generator.state)]}
        name = by_value_name(kind)
        if name is not None:
            return self._object(value, name, depth)
        torch = _loaded_torch()
        if torch is not None:
            if (kind is torch.Tensor or kind is torch.nn.Parameter) and tensor_by_value(value):
                return self._tensor(value, depth)
            if torch_by_value(value):
                return self._module(value, depth)
            if kind is torch.device:
                return {"device": str(value)}
        if self._reference is not None:
            ref = self._reference(value)
            if ref is not None:
                return {"ref": ref}
        if issubclass(kind, type):  # a class: the other side may ask isinstance through it
            return {"h": self._handle(value), "c": 1}
        kind = by_value_base(kind)
        return {"h": self._handle(value), "k": list(kind)} if kind else {"h": self._handle(value)}

    def _tensor(self, value, depth):
        number = self._objects.get(id(value))
        if number is not None:
            return {"same": number}
        torch = _loaded_torch()
        number = len(self._objects)
        self._objects[id(value)] = number
        self._keep.append(value)
        data = value.detach().to("cpu").contiguous()
        raw = data.reshape(-1).view(torch.uint8).numpy().tobytes() if data.numel() else b""
        self.blobs.append(raw)
        index = len(self.blobs) - 1
        grad = value.grad if value.is_leaf else None
        fields = [
            str(value.dtype).replace("torch.", ""),
            list(value.shape),
            index,
            bool(value.requires_grad),
            str(value.device),
            type(value) is torch.nn.Parameter,
            self.encode(grad, depth + 1),
        ]
        path = self.alias(value) if self.alias is not None else None
        if path is not None:
            fields.append(list(path))
        return {"t": fields, "id": number}

    def _module(self, value, depth):
        number = self._objects.get(id(value))
        if number is not None:
            return {"same": number}
        number = len(self._objects)
        self._objects[id(value)] = number
        self._keep.append(value)
        state = object.__getattribute__(value, "__dict__")
        module, qualname = torch_module_name(type(value))

        def items(name):
            return [[k, self.encode(v, depth + 1)] for k, v in state[name].items()]

        attributes = [[k, self.encode(v, depth + 1)] for k, v in state.items() if k not in _module_internals()]
        return {
            "m": [
                module,
                qualname,
                bool(state["training"]),
                items("_parameters"),
                items("_buffers"),
                sorted(state["_non_persistent_buffers_set"]),
                items("_modules"),
                attributes,
            ],
            "id": number,
        }

    def _object(self, value, name, depth):
        number = self._objects.get(id(value))
        if number is not None:
            return {"same": number}
        number = len(self._objects)
        self._objects[id(value)] = number
        self._keep.append(value)
        state = [[key, self.encode(item, depth + 1)] for key, item in instance_state(value)]
        return {"obj": [name[0], name[1], state], "id": number}

    def _array(self, value):
        arr = value if value.flags.c_contiguous else value.copy(order="C")
        self.blobs.append(arr.tobytes())
        return {"a": [arr.dtype.str, list(arr.shape), len(self.blobs) - 1]}


def by_value_name(kind):
    """``(module, qualname)`` when ``kind`` is exactly a class of :data:`BY_VALUE` (as this process
    has it imported), else None. Never imports anything."""
    import sys

    try:
        module = kind.__dict__.get("__module__") if isinstance(kind, type) else None
        qualname = type.__dict__["__qualname__"].__get__(kind) if isinstance(kind, type) else None
    except Exception:  # noqa: BLE001
        return None
    if type(module) is not str or qualname not in BY_VALUE.get(module, ()):
        return None
    home = sys.modules.get(module)
    if home is None or home.__dict__.get(qualname) is not kind:
        return None
    return module, qualname


def _loaded_torch():
    """This process's torch when it is already imported (never imports it)."""
    import sys

    torch = sys.modules.get("torch")
    return torch if torch is not None and hasattr(torch, "Tensor") and hasattr(torch, "nn") else None


def tensor_by_value(value) -> bool:
    """True for a tensor that crosses by value (strided, an allowed dtype, on cpu/cuda/mps)."""
    torch = _loaded_torch()
    try:
        return (
            value.layout == torch.strided
            and not value.is_quantized
            and not getattr(value, "is_nested", False)
            and str(value.dtype).replace("torch.", "") in TORCH_DTYPES
            and value.device.type in ("cpu", "cuda", "mps")
            and (not value.is_leaf or value.grad is None or type(value.grad) is torch.Tensor)
        )
    except Exception:  # noqa: BLE001
        return False


def torch_module_name(kind):
    """``(module, qualname)`` when ``kind`` is exactly a class of :data:`TORCH_MODULES` (as this
    process's torch has it), else None."""
    import sys

    try:
        module = kind.__dict__.get("__module__") if isinstance(kind, type) else None
        qualname = type.__dict__["__qualname__"].__get__(kind) if isinstance(kind, type) else None
    except Exception:  # noqa: BLE001
        return None
    if type(module) is not str or qualname not in TORCH_MODULES.get(module, ()):
        return None
    home = sys.modules.get(module)
    if home is None or home.__dict__.get(qualname) is not kind:
        return None
    return module, qualname


_INTERNALS = []


def _module_internals():
    """The attribute names ``nn.Module.__init__`` creates (state and hook tables)."""
    if not _INTERNALS:
        torch = _loaded_torch()
        _INTERNALS.append(frozenset(object.__getattribute__(torch.nn.Module(), "__dict__")))
    return _INTERNALS[0]


def _plain(value, depth=0) -> bool:
    """Plain data a module's attribute may hold when the module crosses by value."""
    if value is None or type(value) in (bool, int, float, str):
        return True
    if type(value) is tuple and depth < 4:
        return all(_plain(v, depth + 1) for v in value)
    return False


def torch_by_value(value, depth=0) -> bool:
    """True for a torch module that crosses by value: its class in :data:`TORCH_MODULES`, no hooks,
    parameters and buffers that are tensors crossing by value, plain attributes, every submodule too."""
    torch = _loaded_torch()
    if torch is None or depth > 32 or torch_module_name(type(value)) is None:
        return False
    try:
        state = object.__getattribute__(value, "__dict__")
        internals = _module_internals()
        for name in internals:
            if name in _MODULE_STATE or name == "_is_full_backward_hook":
                continue
            if state.get(name):  # a hook: the module stays behind, with its hooks
                return False
        if any(name not in state for name in _MODULE_STATE) or type(state["training"]) is not bool:
            return False
        for name in ("_parameters", "_buffers", "_modules"):
            if type(state[name]) is not dict or not all(type(k) is str for k in state[name]):
                return False
        for p in state["_parameters"].values():
            if p is not None and (type(p) is not torch.nn.Parameter or not tensor_by_value(p)):
                return False
        for b in state["_buffers"].values():
            if b is not None and (type(b) is not torch.Tensor or not tensor_by_value(b)):
                return False
        if type(state["_non_persistent_buffers_set"]) is not set:
            return False
        for key, item in state.items():
            if key not in internals and (type(key) is not str or not _plain(item)):
                return False
        return all(m is None or torch_by_value(m, depth + 1) for m in state["_modules"].values())
    except Exception:  # noqa: BLE001
        return False


def _device_name(name: str) -> bool:
    """``cpu``, ``cuda``, ``mps``, optionally with ``:index``."""
    kind, _, index = name.partition(":")
    return (
        kind in ("cpu", "cuda", "mps") and len(name) <= 12 and (not index or index.isdigit()) and name.count(":") <= 1
    )


def torch_class(module, qualname):
    """The torch module class :data:`TORCH_MODULES` allows under this name, from this process's torch."""
    return _allowed_class(TORCH_MODULES, torch_module_name, module, qualname)


def by_value_base(kind):
    """``(module, qualname)`` of the first :data:`BY_VALUE` class among ``kind``'s bases (a student's
    subclass of ``Sequential``), or None: sent with the handle so that ``isinstance`` on the other
    side answers as it would in one process (an object can only claim the classes it inherits)."""
    try:
        mro = type.__dict__["__mro__"].__get__(kind)
    except Exception:  # noqa: BLE001
        return None
    for base in mro[1:]:
        name = by_value_name(base)
        if name is not None:
            return name
    return None


def _slots(cls):
    """{name: slot descriptor} of the ``__slots__`` that ``cls`` and its bases declare."""
    out = {}
    for base in reversed(cls.__mro__):
        names = base.__dict__.get("__slots__", ())
        for name in (names,) if isinstance(names, str) else names:
            if name not in ("__dict__", "__weakref__") and name in base.__dict__:
                out[name] = base.__dict__[name]
    return out


def instance_state(value):
    """[(attribute, value)] of an object of a :data:`BY_VALUE` class: its slots, then its ``__dict__``."""
    out = []
    for name, slot in _slots(type(value)).items():
        try:
            out.append((name, slot.__get__(value, type(value))))
        except AttributeError:  # an empty slot
            continue
    try:
        attributes = object.__getattribute__(value, "__dict__")
    except AttributeError:
        attributes = {}
    for name, item in list(attributes.items()):
        if type(name) is str:
            out.append((name, item))
    return out


def by_value_class(module, qualname):
    """The class :data:`BY_VALUE` allows under this name, from this process's own copy of its module."""
    return _allowed_class(BY_VALUE, by_value_name, module, qualname)


def _allowed_class(table, name_of, module, qualname):
    """The class ``table`` (module -> class names) allows under this name, imported here; ``name_of``
    must name it back exactly (no look-alike); anything else is refused before any import."""
    import importlib

    if type(module) is not str or type(qualname) is not str or qualname not in table.get(module, ()):
        raise ChannelError(f"{module}:{qualname} may not cross the channel by value")
    cls = getattr(importlib.import_module(module), qualname, None)
    if not isinstance(cls, type) or name_of(cls) != (module, qualname):
        raise ChannelError(f"{module}:{qualname} is not the class it should be")
    return cls


def _jsonable_state(state):
    if isinstance(state, dict):
        return {k: _jsonable_state(v) for k, v in state.items()}
    if isinstance(state, (int, str, float)) or state is None:
        return {"int": str(state)} if type(state) is int else state
    if isinstance(state, np.ndarray):
        return {"list": [int(x) for x in state.ravel()], "dtype": state.dtype.str, "shape": list(state.shape)}
    raise ChannelError("generator state is not plain data")


def _state_from(data):
    if isinstance(data, dict) and "int" in data and len(data) == 1:
        return int(data["int"])
    if isinstance(data, dict) and "list" in data and "dtype" in data:
        return np.array(data["list"], dtype=np.dtype(data["dtype"])).reshape(data["shape"])
    if isinstance(data, dict):
        return {str(k): _state_from(v) for k, v in data.items()}
    return data


BIT_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")


class Decoder:
    """The inverse of :class:`Encoder`; ``handle(id)`` and ``reference(ref)`` build what they name."""

    def __init__(self, blobs, handle, reference=None, kind=None):
        self.blobs = blobs
        self._handle = handle
        self._reference = reference
        self._kind = kind  # kind(id, cls): a handle to an object of a subclass of a BY_VALUE class
        self.generators: list = []  # (path-less) generators decoded, for syncing their state back
        #: alias(path) -> the receiver's own array at that argument path, or None (see Encoder.alias)
        self.alias = None
        self.aliased: list = []  # tensors decoded as views of such arrays
        self._objects: dict = {}  # number -> object decoded by value in this message

    def decode(self, data, depth: int = 0):
        if depth > 64:
            raise ChannelError("value nested too deeply")
        if data is None or type(data) in (bool, str, int, float):
            return data
        if type(data) is not dict or len(data) not in (1, 2):
            raise ChannelError(f"unexpected value {type(data).__name__}")
        if "obj" in data:
            return self._object(data, depth)
        if "t" in data:
            return self._tensor(data, depth)
        if "m" in data:
            return self._module(data, depth)
        if "a" in data:
            dtype_str, shape, index = data["a"]
            dtype = np.dtype(str(dtype_str))
            if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
                raise ChannelError(f"dtype {dtype} is not allowed")
            if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)) or len(shape) > 32:
                raise ChannelError("bad array shape")
            blob = self.blobs[int(index)]
            if len(blob) != dtype.itemsize * math.prod(shape):
                raise ChannelError("array bytes do not match its shape")
            arr = np.frombuffer(blob, dtype=dtype).reshape(shape).copy()
            return arr[()] if data.get("scalar") else arr
        key = next(iter(data))
        value = data[key]
        if key == "int":
            return int(str(value))
        if key == "float":
            return float(str(value))
        if key == "complex":
            return complex(float(value[0]), float(value[1]))
        if key in ("tuple", "list"):
            items = [self.decode(v, depth + 1) for v in value]
            return tuple(items) if key == "tuple" else items
        if key == "dict":
            out = {}
            for k, v in value:
                k = self.decode(k)
                if type(k) not in (str, int):
                    raise ChannelError("bad dict key")
                out[k] = self.decode(v, depth + 1)
            return out
        if key == "rng":
            name, state = value
            if name not in BIT_GENERATORS:
                raise ChannelError(f"bit generator {name!r} is not allowed")
            bitgen = getattr(np.random, name)()
            bitgen.state = _state_from(state)
            rng = np.random.Generator(bitgen)
            self.generators.append(rng)
            return rng
        if key == "device":
            import importlib

            if type(value) is not str or not _device_name(value):
                raise ChannelError("bad device")
            return importlib.import_module("torch").device(value)
        if key == "same":
            try:
                return self._objects[value]
            except (KeyError, TypeError):
                raise ChannelError("reference to an object not sent before") from None
        if key == "h":
            if "c" in data and self._kind is not None:
                return self._kind(int(value), type)
            if "k" in data and self._kind is not None:
                kind = data["k"]
                if type(kind) is not list or len(kind) != 2:
                    raise ChannelError("malformed handle")
                return self._kind(int(value), by_value_class(*kind))
            return self._handle(int(value))
        if key == "ref" and self._reference is not None:
            module, qualname = value
            return self._reference(str(module), str(qualname))
        raise ChannelError(f"unexpected value kind {key!r}")

    def _number(self, data, key):
        number = data.get("id")
        if type(number) is not int or number in self._objects or type(data[key]) is not list:
            raise ChannelError("malformed object")
        return number

    def _tensor(self, data, depth):
        import importlib

        number = self._number(data, "t")
        fields = data["t"]
        path = fields[7] if len(fields) == 8 else None
        try:
            name, shape, index, requires_grad, device, parameter, grad = fields[:7] if len(fields) == 8 else fields
        except ValueError:
            raise ChannelError("malformed tensor") from None
        if type(name) is not str or name not in TORCH_DTYPES:
            raise ChannelError(f"tensor dtype {str(name)[:40]!r} is not allowed")
        if not (type(shape) is list and len(shape) <= 32 and all(type(n) is int and n >= 0 for n in shape)):
            raise ChannelError("bad tensor shape")
        if type(requires_grad) is not bool or type(parameter) is not bool or type(index) is not int:
            raise ChannelError("malformed tensor")
        if type(device) is not str or not _device_name(device):
            raise ChannelError("bad tensor device")
        torch = importlib.import_module("torch")
        dtype = getattr(torch, name)
        if not 0 <= index < len(self.blobs):
            raise ChannelError("malformed tensor")
        blob = self.blobs[index]
        count = math.prod(shape)
        if len(blob) != torch.empty((), dtype=dtype).element_size() * count:
            raise ChannelError("tensor bytes do not match its shape")
        shared = self._shared(path, name, shape, blob) if path is not None and device == "cpu" else None
        if shared is not None:
            tensor = torch.from_numpy(shared).reshape(shape)
        elif count:
            tensor = torch.frombuffer(bytearray(blob), dtype=torch.uint8).view(dtype).reshape(shape)
        else:
            tensor = torch.empty(shape, dtype=dtype)
        if device != "cpu":
            tensor = tensor.to(device)
        try:
            if parameter:
                tensor = torch.nn.Parameter(tensor, requires_grad=requires_grad)
            elif requires_grad:
                tensor.requires_grad_(True)
        except RuntimeError as err:
            raise ChannelError(f"malformed tensor: {err}") from None
        self._objects[number] = tensor
        if shared is not None:
            self.aliased.append(tensor)
        gradient = self.decode(grad, depth + 1)
        if gradient is not None:
            if type(gradient) is not torch.Tensor or gradient.shape != tensor.shape or gradient.dtype != tensor.dtype:
                raise ChannelError("a tensor's grad must be a tensor of its shape and dtype")
            tensor.grad = gradient
        return tensor

    def _shared(self, path, name, shape, blob):
        """The receiver's own argument array at ``path`` when the tensor is exactly its memory."""
        if self.alias is None or type(path) is not list or len(path) > 64:
            return None
        if not all(type(k) in (int, str) or (type(k) is list and len(k) == 1 and type(k[0]) is str) for k in path):
            raise ChannelError("malformed tensor alias")
        arr = self.alias(path)
        if (
            type(arr) is not np.ndarray
            or arr.dtype.name != name
            or not arr.flags.c_contiguous
            or not arr.flags.writeable
            or arr.size != math.prod(shape)
            or arr.tobytes() != blob
        ):
            return None
        return arr

    def _module(self, data, depth):
        import importlib

        number = self._number(data, "m")
        try:
            module, qualname, training, parameters, buffers, transient, children, attributes = data["m"]
        except ValueError:
            raise ChannelError("malformed module") from None
        cls = torch_class(module, qualname)
        torch = importlib.import_module("torch")
        obj = object.__new__(cls)
        torch.nn.Module.__init__(obj)
        self._objects[number] = obj
        if type(training) is not bool:
            raise ChannelError("malformed module")
        obj.training = training

        def entries(items):
            if type(items) is not list:
                raise ChannelError("malformed module state")
            for entry in items:
                if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str:
                    raise ChannelError("malformed module state")
                if not entry[0] or "." in entry[0] or len(entry[0]) > 200:
                    raise ChannelError(f"name {entry[0][:50]!r} is not allowed")
                yield entry[0], self.decode(entry[1], depth + 1)

        for name, value in entries(parameters):
            if value is not None and type(value) is not torch.nn.Parameter:
                raise ChannelError("a module's parameter must be a Parameter")
            obj._parameters[name] = value
        for name, value in entries(buffers):
            if value is not None and type(value) is not torch.Tensor:
                raise ChannelError("a module's buffer must be a tensor")
            obj._buffers[name] = value
        if type(transient) is not list or not all(type(n) is str and n in obj._buffers for n in transient):
            raise ChannelError("malformed module state")
        obj._non_persistent_buffers_set.update(transient)
        for name, value in entries(children):
            if value is not None and torch_module_name(type(value)) is None:
                raise ChannelError("a submodule must cross by value too")
            obj._modules[name] = value
        internals = _module_internals()
        state = object.__getattribute__(obj, "__dict__")
        for name, value in entries(attributes):
            if not name.isidentifier() or name.startswith("__") or name in internals:
                raise ChannelError(f"attribute {name[:50]!r} is not allowed")
            if not _plain(value) or name in obj._parameters or name in obj._buffers or name in obj._modules:
                raise ChannelError(f"attribute {name[:50]!r} is not plain data")
            state[name] = value
        return obj

    def _object(self, data, depth):
        try:
            (module, qualname, state), number = data["obj"], data["id"]
        except (KeyError, TypeError, ValueError):
            raise ChannelError("malformed object") from None
        if type(number) is not int or number in self._objects or type(state) is not list:
            raise ChannelError("malformed object")
        cls = by_value_class(module, qualname)
        obj = object.__new__(cls)
        self._objects[number] = obj
        slots = _slots(cls)
        try:
            attributes = object.__getattribute__(obj, "__dict__")
        except AttributeError:  # a class with __slots__ only
            attributes = None
        for entry in state:
            if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str:
                raise ChannelError("malformed object state")
            name = entry[0]
            if not name.isidentifier() or name.startswith("__"):
                raise ChannelError(f"attribute {name[:50]!r} is not allowed")
            item = self.decode(entry[1], depth + 1)
            if name in slots:
                slots[name].__set__(obj, item)
            elif attributes is not None:
                attributes[name] = item
            else:
                raise ChannelError(f"{qualname} has no attribute {name!r}")
        return obj


def encode_error(err: BaseException) -> dict:

    bases = [c.__name__ for c in type(err).__mro__ if c.__module__ == "builtins" and issubclass(c, BaseException)]
    return {"type": type(err).__name__, "bases": bases, "message": str(err)[:4000]}


def decode_error(data) -> BaseException:
    import builtins

    if not isinstance(data, dict):
        return RuntimeError("the student's kernel sent a malformed error")
    name = str(data.get("type", "Exception"))[:100]
    message = str(data.get("message", ""))[:4000]
    base = Exception
    for candidate in data.get("bases", []) or []:
        cls = getattr(builtins, str(candidate), None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            base = cls
            break
    if base.__name__ == name or not name.isidentifier():
        return base(message)
    return type(name, (base,), {"__module__": "student"})(message)
