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
    value = {"x": np.arange(6, dtype=np.float32).reshape(2, 3), "n": 3, "big": 2 ** 80, "f": float("nan"),
             "inf": -np.inf, "t": (1, [True, None, "s"]), 4: np.float64(0.5), "c": 1 + 2j,
             "b": np.array([True, False]), "i8": np.int8(-3)}
    out = _roundtrip(value)
    assert type(out["x"]) is np.ndarray and out["x"].dtype == np.float32 and out["x"].shape == (2, 3)
    assert out["x"].tolist() == value["x"].tolist() and out["x"].flags.writeable
    assert out["n"] == 3 and out["big"] == 2 ** 80 and np.isnan(out["f"]) and out["inf"] == -np.inf
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


@pytest.mark.parametrize("bad", [
    {"a": ["|O8", [1], 0]},                 # object dtype
    {"a": ["<f8", [3], 0]},                 # bytes do not match the shape
    {"a": ["<f8", [-1], 0]},
    {"rng": ["Evil", {}]},
    {"pickle": "x"},
    [1, 2],
])
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
