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
        if self._reference is not None:
            ref = self._reference(value)
            if ref is not None:
                return {"ref": ref}
        kind = by_value_base(kind)
        return {"h": self._handle(value), "k": list(kind)} if kind else {"h": self._handle(value)}

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
    import importlib

    if type(module) is not str or type(qualname) is not str or qualname not in BY_VALUE.get(module, ()):
        raise ChannelError(f"{module}:{qualname} may not cross the channel by value")
    cls = getattr(importlib.import_module(module), qualname, None)
    if not isinstance(cls, type) or by_value_name(cls) != (module, qualname):
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
        if key == "same":
            try:
                return self._objects[value]
            except (KeyError, TypeError):
                raise ChannelError("reference to an object not sent before") from None
        if key == "h":
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
