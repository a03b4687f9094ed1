"""The student's side of the channel: runs inside the sandboxed kernel, serves the trusted side.

The sandbox hides ``grader/``, so the grading preprocessor sends this file's text (with
:mod:`grader.trusted.channel` prepended) into the kernel once, as a private module
``_nnfs_agent``; each lesson cell that the trusted side runs is accompanied, in the student's
kernel, by one ``_nnfs_agent.serve(path)`` execution that answers its requests until it says
"end". Nothing here is trusted: a student who tampers with it only changes what data the trusted
side receives, and the trusted side decides every grade from that data.

Requests (``{"op": ...}``): ``describe`` names; ``call`` a handle (under the "own code" rule of
:func:`nnlib.testing.own_code` for the exercises the trusted side names); ``getattr``/``setattr``/
``getitem``/``len``/``iter``/``next``/``binop``/``unary``/``repr``/``asarray``/``bool``/``drop``;
``isinstance``/``issubclass``/``mro`` (a class handle); ``apply`` (one of the nnlib.testing
:data:`HELPERS` on a handle); ``end``. A ``call`` may carry torch's global generator state (set
before the call, sent back after it) and a ``patch`` of :data:`PATCHABLE` availability functions
(booleans, for the duration of the call). While a call runs, the student's code may call back a trusted function (``callback``).
"""

import socket as _socket
import warnings as _warnings

_STATE = {"ns": None, "handles": {}, "next": 1, "sock": None, "tags": {}, "calls": [], "live": {}}


def install(namespace) -> None:
    """Remember the user namespace whose names the trusted side asks for."""
    _STATE["ns"] = namespace


def _handle(obj, tag=None) -> int:
    hid = _STATE["next"]
    _STATE["next"] += 1
    _STATE["handles"][hid] = obj
    if tag:
        _STATE["tags"][hid] = tag
    return hid


def _resolve_reference(module, qualname):
    import importlib

    if module.split(".")[0] not in ("numpy", "math", "nnlib", "builtins"):
        raise ChannelError(f"reference to {module} is not allowed")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


class _Callback:
    """A trusted function handed to student code: calling it asks the trusted side."""

    def __init__(self, hid):
        self._hid = hid

    def __call__(self, *args, **kwargs):
        reply = _rpc({"op": "callback", "h": self._hid}, args, kwargs)
        return reply


def _encoder():
    # never references: a student's `relu = nnlib.relu` must stay a handle to the student's object
    return Encoder(lambda obj: _handle(obj))


def _decoder(blobs):
    return Decoder(blobs, lambda hid: _callback_or_handle(hid), _resolve_reference)


def _callback_or_handle(hid):
    if hid < 0:  # negative ids: objects that live on the trusted side
        return _Callback(-hid)
    try:
        return _STATE["handles"][hid]
    except KeyError:
        raise ChannelError(f"unknown handle {hid}") from None


def _send(message, values=()):
    enc = _encoder()
    message = dict(message)
    if values:
        message["values"] = [enc.encode(v) for v in values]
    send(_STATE["sock"], message, enc.blobs)


def _rpc(message, args, kwargs):
    """A request to the trusted side (a callback); serves nested requests until its reply comes."""
    enc = _encoder()
    message = dict(message, args=[enc.encode(a) for a in args], kwargs={k: enc.encode(v) for k, v in kwargs.items()})
    if _STATE["calls"]:  # the trusted callback sees the arguments as the student's code has left them
        message["changed"] = [[p, enc.encode(a)] for p, a in _changed(_STATE["calls"][-1])]
    send(_STATE["sock"], message, enc.blobs)
    while True:
        reply, blobs = recv(_STATE["sock"])
        if "op" in reply:
            _serve_one(reply, blobs)
            continue
        if "error" in reply:
            raise decode_error(reply["error"])
        return _decoder(blobs).decode(reply.get("value"))


def _arrays(value, path=(), out=None, seen=None):
    """(path, array) of every array in an argument structure (to send back what a call changed).

    The structure includes the attributes of objects that crossed by value (an nnlib model the test
    handed over): their path step is ``[attribute]``."""
    out = [] if out is None else out
    seen = set() if seen is None else seen
    torch = _loaded_torch()
    if type(value) is np.ndarray:
        out.append((path, value, value.tobytes()))
    elif torch is not None and (
        ((type(value) is torch.Tensor or type(value) is torch.nn.Parameter) and tensor_by_value(value))
        or torch_by_value(value)
    ):
        if id(value) not in seen:  # a torch model or tensor: sent back whole when the call changed it
            seen.add(id(value))
            out.append((path, value, _fingerprint(value)))
    elif type(value) in (list, tuple):
        for i, v in enumerate(value):
            _arrays(v, path + (i,), out, seen)
    elif type(value) is dict:
        for k, v in value.items():
            _arrays(v, path + (k,), out, seen)
    elif by_value_name(type(value)) is not None and id(value) not in seen:
        seen.add(id(value))
        for name, v in instance_state(value):
            _arrays(v, path + ([name],), out, seen)
    return out


def _fingerprint(value):
    """What a watched value holds: an array's bytes; a torch object's whole encoding."""
    if type(value) is np.ndarray:
        return value.tobytes()
    try:
        enc = Encoder(lambda obj: 0)
        head = repr(enc.encode(value)).encode()
    except Exception:  # noqa: BLE001 - no longer crossing by value: nothing to send back
        return None
    return head + b"".join(enc.blobs)


def _changed(watched):
    """[path, array] of the watched arrays that changed since the trusted side last saw them."""
    out = []
    for entry in watched:
        path, arr, seen = entry
        now = _fingerprint(arr)
        if now is None:
            continue
        if now != seen:
            out.append([list(path), arr])
            entry[2] = now
    return out


def _synced(enc):
    """Arguments of earlier calls whose results stayed here as handles (a generator, a closure, an
    object) and that student code has changed since: [call id, path, array] for the trusted side."""
    out = []
    for cid, watched in _STATE["live"].items():
        for path, arr in _changed(watched):
            out.append([cid, path, enc.encode(arr)])
    return out


def _aliases(watched):
    """alias(tensor) -> the path of the watched argument array whose memory the tensor is exactly."""
    arrays = {}
    for path, arr, _ in watched:
        if type(arr) is np.ndarray and arr.flags.c_contiguous and arr.size:
            arrays.setdefault((arr.__array_interface__["data"][0], arr.nbytes, arr.dtype.name), list(path))

    def alias(tensor):
        try:
            if tensor.device.type != "cpu" or not tensor.is_contiguous() or not tensor.numel():
                return None
            key = (tensor.data_ptr(), tensor.numel() * tensor.element_size(), str(tensor.dtype).replace("torch.", ""))
        except Exception:  # noqa: BLE001
            return None
        return arrays.get(key)

    return alias if arrays else None


def _patches(requested):
    """[(holder, attribute, replacement)] for the PATCHABLE functions the trusted side pretends."""
    import importlib

    out = []
    if type(requested) is not dict:
        return out
    for path, answer in requested.items():
        if path in PATCHABLE and type(answer) is bool:
            module, attribute = PATCHABLE[path]
            out.append((importlib.import_module(module), attribute, lambda *a, _answer=answer, **k: _answer))
    return out


def _call(fn, args, kwargs, exercises, patches=()):
    from nnlib.testing import own_code

    watched = [list(entry) for entry in _arrays(list(args)) + _arrays(kwargs, ("kw",))]
    _STATE["calls"].append(watched)
    saved = [(holder, attribute, getattr(holder, attribute)) for holder, attribute, _ in patches]
    try:
        for holder, attribute, replacement in patches:
            setattr(holder, attribute, replacement)
        with _warnings.catch_warnings(record=True) as caught:
            _warnings.simplefilter("always")
            with own_code(exercises, fn):
                result = fn(*args, **kwargs)
    finally:
        for holder, attribute, original in reversed(saved):
            setattr(holder, attribute, original)
        _STATE["calls"].pop()
    changed = _changed(watched)
    warned = [[w.category.__name__, str(w.message)[:500]] for w in caught]
    return result, changed, warned, watched


_BINOPS = {
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
}
_UNARY = {"neg", "pos", "abs", "float", "int", "bool", "index"}


def _serve_one(message, blobs):
    op = message.get("op")
    try:
        dec = _decoder(blobs)
        ns = _STATE["ns"]
        if op == "describe":
            found = {}
            for name in message.get("names", []):
                if name in ns:
                    found[name] = ns[name]
            enc = _encoder()
            out = {}
            for name, value in found.items():
                out[name] = enc.encode(value)
            send(_STATE["sock"], {"value": {"dict": [[k, v] for k, v in out.items()]}}, enc.blobs)
            return
        target = _callback_or_handle(int(message["h"])) if "h" in message else None
        tag = _STATE["tags"].get(int(message.get("h", 0)))
        if op == "call":
            args = [dec.decode(a) for a in message.get("args", [])]
            kwargs = {str(k): dec.decode(v) for k, v in message.get("kwargs", {}).items()}
            exercises = [str(e) for e in message.get("exercises", [])] + ([tag] if tag else [])
            torch_rng = dec.decode(message["trng"]) if "trng" in message else None
            if torch_rng is not None:  # the test's torch.manual_seed reaches the student's torch
                import torch

                if type(torch_rng) is not np.ndarray or torch_rng.dtype != np.uint8 or torch_rng.ndim != 1:
                    raise ChannelError("malformed torch generator state")
                torch.set_rng_state(torch.from_numpy(torch_rng))
            result, changed, warned, watched = _call(target, args, kwargs, exercises, _patches(message.get("patch")))
            states = [_jsonable_state(g.bit_generator.state) for g in dec.generators]
            enc = Encoder(lambda obj: _handle(obj, exercises[0] if exercises else None))
            enc.alias = _aliases(watched)
            first = _STATE["next"]
            reply = {
                "value": enc.encode(result),
                "changed": [[p, enc.encode(a)] for p, a in changed],
                "warnings": warned,
                "rng": states,
                "synced": _synced(enc),
            }
            if torch_rng is not None:
                import torch

                reply["trng"] = enc.encode(torch.get_rng_state().numpy())
            if _STATE["next"] != first and watched:  # the result can run student code later
                _STATE["live"][first] = watched
                reply["call"] = first
            send(_STATE["sock"], reply, enc.blobs)
            return
        if op == "getattr":
            name = str(message["name"])
            if name.startswith("__"):
                raise AttributeError(name)
            value = getattr(target, name)
            enc = Encoder(lambda obj: _handle(obj, tag))
            send(_STATE["sock"], {"value": enc.encode(value), "synced": _synced(enc)}, enc.blobs)
            return
        if op == "setattr":
            setattr(target, str(message["name"]), dec.decode(message["value"]))
            result = None
        elif op == "getitem":
            result = target[dec.decode(message["key"])]
        elif op == "len":
            result = len(target)
        elif op == "iter":
            result = iter(target)
        elif op == "next":
            try:
                result = next(target)
            except StopIteration:
                enc = _encoder()
                send(_STATE["sock"], {"stop": True, "synced": _synced(enc)}, enc.blobs)
                return
        elif op == "binop" and message.get("name") in _BINOPS:
            import operator

            name = message["name"]
            other = dec.decode(message["other"])
            if name.startswith("r") and name[1:] in _BINOPS:
                result = getattr(operator, name[1:])(other, target)
            else:
                result = getattr(operator, name)(target, other)
        elif op == "unary" and message.get("name") in _UNARY:
            import operator

            name = message["name"]
            result = {
                "neg": operator.neg,
                "pos": operator.pos,
                "abs": abs,
                "float": float,
                "int": int,
                "bool": bool,
                "index": operator.index,
            }[name](target)
        elif op == "isinstance":
            result = isinstance(dec.decode(message["other"]), target)
        elif op == "issubclass":
            result = issubclass(dec.decode(message["other"]), target)
        elif op == "mro":
            result = [
                [str(getattr(k, "__module__", "")), str(getattr(k, "__qualname__", ""))]
                for k in type.__dict__["__mro__"].__get__(target)
            ]
        elif op == "apply" and message.get("name") in HELPERS:
            import nnlib.testing

            args = [dec.decode(a) for a in message.get("args", [])]
            result = getattr(nnlib.testing, message["name"])(target, *args)
        elif op == "repr":
            result = repr(target)[:2000]
        elif op == "str":
            result = str(target)[:2000]
        elif op == "asarray":
            arr = np.asarray(target)
            if arr.dtype.kind not in ARRAY_KINDS:
                arr = np.asarray(target, dtype=float)
            result = np.array(arr)
        elif op == "drop":
            _STATE["handles"].pop(int(message["h"]), None)
            result = None
        else:
            raise ChannelError(f"unknown request {op!r}")
        enc = Encoder(lambda obj: _handle(obj, tag))
        send(_STATE["sock"], {"value": enc.encode(result), "synced": _synced(enc)}, enc.blobs)
    except (ChannelError, OSError):
        raise
    except BaseException as err:  # noqa: BLE001 - every student error goes back as data
        if isinstance(err, KeyboardInterrupt):
            raise
        send(_STATE["sock"], {"error": encode_error(err)}, [])


def serve(path: str) -> None:
    """Answer the trusted side's requests until it says "end" (one lesson cell)."""
    import time as _time

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    deadline = _time.monotonic() + 30
    while True:  # the trusted side creates the socket when its cell starts
        try:
            sock.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if _time.monotonic() > deadline:
                raise
            _time.sleep(0.002)
    _STATE["sock"] = sock
    _STATE["live"] = {}
    try:
        while True:
            message, blobs = recv(sock)
            if message.get("op") == "end":
                return
            _serve_one(message, blobs)
    except ChannelError:
        return
    finally:
        _STATE["sock"] = None
        sock.close()
