"""The trusted side: runs in the lesson's own kernel during grading, never in the student's.

The grading preprocessor (:mod:`grader.preprocessors.trusted_execute`) runs the instructor's locked
cells and test cells (hidden tests included) here, in the instructor's order and text. Before each
cell, :func:`begin` accepts the student kernel's connection and binds every name the cell reads but
the lesson did not define (``relu``, ``Dense``, ...) to what the student's kernel holds under that
name: plain data by value, anything else as a :class:`Remote` handle whose calls, attributes, items
and operators go back over the channel (:mod:`grader.trusted.channel`). :func:`end` closes the cell.

A ``Remote`` passed to :func:`nnlib.testing.call` is called through :meth:`Remote.__nnfs_call__`:
the exercise names travel with the call and the student's kernel applies the "own code" rule there;
arrays the call modified and generators it drew from are synchronised back into the trusted
arguments (so in-place updates and "input unchanged" checks see what happened), warnings come back
as data. Nothing the student's process sends is executed or unpickled here.

torch: tensors and ``torch.nn`` models cross by value both ways (a model the test hands to the
student's function and that the function changes in place, ``.to(device)`` and gradients included,
is brought up to date here after the call); torch's global generator state travels with every call
(``torch.manual_seed`` in a test seeds what the student's code draws) and comes back; a test that
replaces ``torch.cuda.is_available`` or ``torch.backends.mps.is_available`` in this process has the
student's call see the same answers (:data:`grader.trusted.channel.PATCHABLE`, booleans only).
A handle to a class answers ``isinstance``/``issubclass``/``__mro__`` by asking the student's side,
which can only mislead checks about its own class.
"""

from __future__ import annotations

import ast
import builtins
import os
import socket
import warnings as _warnings

import numpy as np

from grader.trusted.channel import ChannelError, Decoder, Encoder, decode_error, recv, send

_STATE = {
    "listener": None,
    "sock": None,
    "bound": set(),
    "callbacks": {},
    "next_cb": 1,
    "ns": None,
    "timeout": 60.0,
    "calls": [],
    "live": {},
}
_REFERENCE_ROOTS = ("numpy", "math", "nnlib", "builtins")


def start(path: str, namespace: dict, accept_timeout: float = 60.0) -> None:
    """Listen on ``path`` (a Unix socket in the student kernel's private folder), for one cell."""
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(1)
    _STATE.update(listener=listener, ns=namespace, timeout=accept_timeout)


def _free_names(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    loaded, stored = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                loaded.append(node.id)
            else:
                stored.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            stored.add(node.name)
        elif isinstance(node, ast.alias):
            stored.add((node.asname or node.name).split(".")[0])
    out = []
    for name in loaded:
        if name not in stored and name not in out and not hasattr(builtins, name):
            out.append(name)
    return out


def begin(source: str) -> None:
    """Start a lesson cell: connect to the student's kernel, bind the names the cell needs from it."""
    ns = _STATE["ns"]
    listener = _STATE["listener"]
    listener.settimeout(_STATE["timeout"])
    try:
        sock, _ = listener.accept()
    except TimeoutError:
        raise RuntimeError(
            "the student's kernel did not answer the grader (it died, hung, or was tampered with)"
        ) from None
    finally:
        listener.close()
        _STATE["listener"] = None
    sock.settimeout(None)
    _STATE["sock"] = sock
    _STATE["live"] = {}
    for name in list(_STATE["bound"]):  # a name bound for an earlier cell is looked up again
        if isinstance(ns.get(name), Remote) or name in _STATE["bound"]:
            ns.pop(name, None)
    _STATE["bound"].clear()
    own = set(ns)
    wanted = [n for n in _free_names(source) if n not in own]
    if not wanted:
        return
    found = _request({"op": "describe", "names": wanted})
    for name, value in found.items():
        ns[name] = value
        _STATE["bound"].add(name)


def end() -> None:
    sock = _STATE.pop("sock", None)
    _STATE["sock"] = None
    if sock is not None:
        try:
            send(sock, {"op": "end"}, [])
        except OSError:
            pass
        sock.close()


# ----------------------------------------------------------------------------- requests


def _reference(obj):
    if isinstance(obj, Remote):
        return None
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__name__", None)
    if module.split(".")[0] in _REFERENCE_ROOTS and name and callable(obj):
        import sys

        base = sys.modules.get(module)
        if base is not None and getattr(base, name, None) is obj:
            return [module, name]
        if getattr(np, name, None) is obj:
            return ["numpy", name]
    return None


def _trusted_handle(obj) -> int:
    if isinstance(obj, Remote):
        return object.__getattribute__(obj, "_hid")
    if not callable(obj):
        raise TypeError(f"a {type(obj).__name__} cannot be handed to the student's code by the grader")
    cid = _STATE["next_cb"]
    _STATE["next_cb"] += 1
    _STATE["callbacks"][cid] = obj
    return -cid


class _Enc(Encoder):
    def __init__(self):
        super().__init__(_trusted_handle, _reference)
        self.generators = []

    def encode(self, value, depth=0):
        if type(value) is np.random.Generator:
            self.generators.append(value)
        return super().encode(value, depth)


def _decoder(blobs):
    return Decoder(blobs, lambda hid: Remote(hid), None, lambda hid, cls: Remote(hid, cls))


def _torch():
    import sys

    return sys.modules.get("torch")


def _patched():
    """{path: answer} for the PATCHABLE torch functions that this (trusted) process has replaced."""
    import importlib

    from grader.trusted.channel import PATCHABLE

    out = {}
    if _torch() is None:
        return out
    for path, (module, attribute) in PATCHABLE.items():
        try:
            current = getattr(importlib.import_module(module), attribute)
        except Exception:  # noqa: BLE001
            continue
        if getattr(current, "__module__", None) == module and getattr(current, "__qualname__", None) == attribute:
            continue  # torch's own function
        out[path] = bool(current())
    return out


def _request(message: dict, encoder: _Enc | None = None, full: bool = False):
    sock = _STATE["sock"]
    if sock is None:
        raise RuntimeError("no lesson cell is running (grader.trusted.harness.begin was not called)")
    send(sock, message, encoder.blobs if encoder else [])
    while True:
        try:
            reply, blobs = recv(sock)
        except (ChannelError, OSError) as err:
            raise RuntimeError(f"the student's kernel stopped answering ({err})") from None
        if reply.get("op") == "callback":
            _serve_callback(reply, blobs)
            continue
        if reply.get("synced"):
            # student code that runs after its call returned (a generator's body, a returned closure)
            # changed that call's arguments in place: the trusted arguments change the same way
            dec = _decoder(blobs)
            for cid, path, arr in reply["synced"]:
                if type(cid) is int and cid in _STATE["live"]:
                    args_, kwargs_ = _STATE["live"][cid]
                    _apply_changes(args_, kwargs_, [(path, dec.decode(arr))], [], [])
        if "error" in reply:
            raise decode_error(reply["error"])
        if reply.get("stop"):
            raise StopIteration
        dec = _decoder(blobs)  # one decoder: "changed" may refer to objects sent in "value" ({"same": n})
        if full and _STATE["calls"]:
            dec.alias = lambda path: _at_path(*_STATE["calls"][-1], path)
        value = dec.decode(reply.get("value"))
        if full:
            changed = [(path, dec.decode(arr)) for path, arr in reply.get("changed", [])]
            if "trng" in reply:
                _STATE["trng"] = _decoder(blobs).decode(reply["trng"])
            cid = reply.get("call")
            _STATE["aliased"] = dec.aliased
            return value, changed, reply.get("warnings", []), reply.get("rng", []), (cid if type(cid) is int else None)
        return value


def _serve_callback(message, blobs):
    sock = _STATE["sock"]
    try:
        fn = _STATE["callbacks"][int(message["h"])]
        dec = _decoder(blobs)
        if _STATE["calls"] and message.get("changed"):
            # the student's code changed an argument in place before calling back: a trusted callback
            # that reads that array itself (not through its parameters) must see the change
            args_, kwargs_ = _STATE["calls"][-1]
            _apply_changes(args_, kwargs_, [(path, dec.decode(arr)) for path, arr in message["changed"]], [], [])
        args = [dec.decode(a) for a in message.get("args", [])]
        kwargs = {str(k): dec.decode(v) for k, v in message.get("kwargs", {}).items()}
        result = fn(*args, **kwargs)
        enc = _Enc()
        send(sock, {"value": enc.encode(result)}, enc.blobs)
    except (ChannelError, OSError):
        raise
    except Exception as err:  # noqa: BLE001 - goes back to the student's code as its exception
        from grader.trusted.channel import encode_error

        send(sock, {"error": encode_error(err)}, [])


def _attribute(obj, name):
    """An attribute of an object of the channel's by-value classes (a path step ``[name]``)."""
    from grader.trusted.channel import by_value_name, instance_state

    if by_value_name(type(obj)) is None:
        raise TypeError("not an object that crossed by value")
    for key, value in instance_state(obj):
        if key == name:
            return value
    raise AttributeError(name)


def _at_path(args, kwargs, path):
    """The trusted argument object at a path of the channel (``["kw", name]``, indices, ``[attribute]``)."""
    if not path:
        return None
    holder = kwargs if path[0] == "kw" else args
    keys = path[1:] if path[0] == "kw" else path
    try:
        target = holder
        for key in keys:
            target = _attribute(target, key[0]) if type(key) is list and len(key) == 1 else target[key]
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return target


def _update_tensor(target, new) -> bool:
    """Make the trusted tensor ``target`` hold what the student's copy ``new`` holds, in place when it can."""
    torch = _torch()
    if any(new is t for t in _STATE.get("aliased", ())) and type(new) is type(target):
        # the student's tensor IS an argument's array (torch.from_numpy): so is the trusted one now
        target.data = new.data
        if target.is_leaf:
            target.grad = new.grad
        return True
    if (
        type(new) is not type(target)
        or target.shape != new.shape
        or target.dtype != new.dtype
        or target.device != new.device
        or target.requires_grad != new.requires_grad
    ):
        return False
    with torch.no_grad():
        target.copy_(new)
    if target.is_leaf:
        target.grad = new.grad
    return True


def _update_module(target, new) -> None:
    """Bring the trusted torch module ``target`` up to date with the student's copy ``new`` (same class)."""
    from grader.trusted.channel import _module_internals

    mine, theirs = object.__getattribute__(target, "__dict__"), object.__getattribute__(new, "__dict__")
    mine["training"] = theirs["training"]
    for table in ("_parameters", "_buffers"):
        old, fresh = mine[table], theirs[table]
        for name in [n for n in old if n not in fresh]:
            del old[name]
        for name, tensor in fresh.items():
            current = old.get(name)
            if current is None or tensor is None or not _update_tensor(current, tensor):
                old[name] = tensor
    mine["_non_persistent_buffers_set"] = set(theirs["_non_persistent_buffers_set"])
    old, fresh = mine["_modules"], theirs["_modules"]
    for name in [n for n in old if n not in fresh]:
        del old[name]
    for name, module in fresh.items():
        current = old.get(name)
        if current is not None and module is not None and type(current) is type(module):
            _update_module(current, module)
        else:
            old[name] = module
    internals = _module_internals()
    for name in [n for n in mine if n not in internals and n not in theirs]:
        del mine[name]
    for name, value in theirs.items():
        if name not in internals:
            mine[name] = value


def _apply_changes(args, kwargs, changed, generators, states):
    from grader.trusted.channel import _state_from, torch_module_name

    for path, new in changed:
        target = _at_path(args, kwargs, path)
        if target is None:
            continue
        if (
            type(target) is np.ndarray
            and type(new) is np.ndarray
            and target.shape == new.shape
            and target.flags.writeable
        ):
            target[...] = new
        elif _torch() is not None and torch_module_name(type(target)) is not None and type(new) is type(target):
            _update_module(target, new)
        elif _torch() is not None and isinstance(target, _torch().Tensor) and isinstance(new, _torch().Tensor):
            if not _update_tensor(target, new) and target.shape == new.shape and target.dtype == new.dtype:
                with _torch().no_grad():
                    target.copy_(new)
    for rng, state in zip(generators, states):
        try:
            rng.bit_generator.state = _state_from(state)
        except Exception:  # noqa: BLE001 - a malformed state leaves the generator as it was
            pass


_WARNINGS = {
    name: getattr(builtins, name)
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), type) and issubclass(getattr(builtins, name), Warning)
}


class Remote:
    """An object that lives in the student's kernel; every use is a request over the channel."""

    __slots__ = ("_hid", "_kind")

    def __init__(self, hid: int, kind: type | None = None):
        object.__setattr__(self, "_hid", hid)
        object.__setattr__(self, "_kind", kind)

    @property
    def __class__(self):
        # ``isinstance(obj, Sequential)`` for a student's subclass of an nnlib class answers as in one
        # process: the channel names the nnlib class it inherits from (never anything else)
        kind = object.__getattribute__(self, "_kind")
        return Remote if kind is None else kind

    def _req(self, op, **fields):
        enc = _Enc()
        message = {"op": op, "h": object.__getattribute__(self, "_hid")}
        for key, value in fields.items():
            message[key] = enc.encode(value) if key in ("value", "key", "other") else value
        return _request(message, enc)

    def __nnfs_call__(self, args, kwargs, *, exercises=(), warnings="ignore", hint=""):
        enc = _Enc()
        message = {
            "op": "call",
            "h": object.__getattribute__(self, "_hid"),
            "exercises": list(exercises),
            "args": [enc.encode(a) for a in args],
            "kwargs": {k: enc.encode(v) for k, v in kwargs.items()},
        }
        torch = _torch()
        if torch is not None:  # one global generator, as in one process
            message["trng"] = enc.encode(torch.get_rng_state().numpy())
            patch = _patched()
            if patch:
                message["patch"] = patch
        args = list(args)
        _STATE["calls"].append((args, kwargs))
        _STATE["trng"] = None
        try:
            value, changed, warned, states, cid = _request(message, enc, full=True)
            if cid is not None:
                _STATE["live"][cid] = (args, kwargs)
            _apply_changes(args, kwargs, changed, enc.generators, states)
        finally:
            _STATE["calls"].pop()
            _STATE["aliased"] = ()
        state = _STATE.pop("trng", None)
        if torch is not None and type(state) is np.ndarray and state.dtype == np.uint8 and state.ndim == 1:
            try:
                torch.set_rng_state(torch.from_numpy(state.copy()))
            except Exception:  # noqa: BLE001 - a malformed state leaves the generator as it was
                pass
        if warnings == "fail" and warned:
            from nnlib.testing import _message

            category, text = warned[0]
            raise AssertionError(_message("your function", f"emitted a warning: {category}: {text}", hint))
        for category, text in warned if warnings != "ignore" else ():
            _warnings.warn(str(text), _WARNINGS.get(str(category), UserWarning), stacklevel=2)
        return value

    def __call__(self, *args, **kwargs):
        return self.__nnfs_call__(args, kwargs)

    def __getattr__(self, name):
        if name == "__mro__" and object.__getattribute__(self, "_kind") is type:
            import types

            names = self._req("mro")
            return tuple(
                types.SimpleNamespace(__module__=str(m), __qualname__=str(q), __name__=str(q).split(".")[-1])
                for m, q in names
            )
        if name.startswith("__"):
            raise AttributeError(name)
        return self._req("getattr", name=name)

    def __instancecheck__(self, instance):
        # isinstance(x, cls) for a handle cls asks its owner (Python looks this up on type(cls))
        try:
            return bool(self._req("isinstance", other=instance))
        except (TypeError, ChannelError):
            return False

    def __subclasscheck__(self, subclass):
        try:
            return bool(self._req("issubclass", other=subclass))
        except (TypeError, ChannelError):
            return False

    def __nnfs_apply__(self, name, *args):
        """An nnlib.testing helper (channel.HELPERS) applied to this handle where its object lives."""
        enc = _Enc()
        message = {
            "op": "apply",
            "h": object.__getattribute__(self, "_hid"),
            "name": name,
            "args": [enc.encode(a) for a in args],
        }
        return _request(message, enc)

    def __setattr__(self, name, value):
        self._req("setattr", name=name, value=value)

    def __getitem__(self, key):
        return self._req("getitem", key=key)

    def __len__(self):
        return int(self._req("len"))

    def __iter__(self):
        it = self._req("iter")
        return it if isinstance(it, Remote) else iter(it)

    def __next__(self):
        return self._req("next")

    def __repr__(self):
        try:
            return f"<student object {self._req('repr')}>"
        except Exception:  # noqa: BLE001
            return "<student object>"

    def __str__(self):
        text = self._req("str")
        return text if type(text) is str else repr(self)

    def __array__(self, dtype=None, copy=None):
        arr = self._req("asarray")
        if type(arr) is not np.ndarray:
            arr = np.asarray(arr)
        return arr.astype(dtype) if dtype is not None else arr

    def __bool__(self):
        return bool(self._req("unary", name="bool"))

    def __float__(self):
        return float(self._req("unary", name="float"))

    def __int__(self):
        return int(self._req("unary", name="int"))

    def __index__(self):
        return int(self._req("unary", name="index"))

    def __neg__(self):
        return self._req("unary", name="neg")

    def __pos__(self):
        return self._req("unary", name="pos")

    def __abs__(self):
        return self._req("unary", name="abs")


def _binop(name):
    def method(self, other):
        return self._req("binop", name=name, other=other)

    method.__name__ = f"__{name}__"
    return method


for _name in (
    "add",
    "sub",
    "mul",
    "truediv",
    "floordiv",
    "pow",
    "matmul",
    "mod",
    "radd",
    "rsub",
    "rmul",
    "rtruediv",
    "rfloordiv",
    "rpow",
    "rmatmul",
    "rmod",
    "lt",
    "le",
    "gt",
    "ge",
    "eq",
    "ne",
):
    setattr(Remote, f"__{_name}__", _binop(_name))
Remote.__hash__ = lambda self: hash(("remote", object.__getattribute__(self, "_hid")))
