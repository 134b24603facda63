"""What crosses between a submission's kernel and the grader: data in safe formats only (private).

A graded submission runs in a sandbox (:mod:`cnn_course.exercises._sandbox`); the checks run in
the grader's own process, which never runs the submission's code. Between the two travel
*messages*: JSON objects, each framed by its length. A value is written as JSON, with a few
tagged forms for what JSON has no word for:

========================  =================================================================
``{"t": "tuple", ...}``   a tuple (``"list"`` and ``"dict"`` likewise), items encoded in turn
``{"t": "ellipsis"}``     the ``...`` of an unanswered exercise
``{"t": "array", ...}``   a NumPy array (or a NumPy scalar), as ``.npy`` bytes in base64, read
                          back with ``allow_pickle=False``
``{"t": "keras", ...}``   a Keras model or layer, saved as a ``.keras`` file in the exchange
                          folder and loaded with ``safe_mode=True``
``{"t": "function"...}``  a function of the student's: its name, its source and a number that
                          the grader uses to ask the kernel to call it on inputs it chooses
``{"t": "other", ...}``   anything else: only its type's name crosses
========================  =================================================================

Nothing is ever pickled. Decoding checks every form and its size; what does not decode is a
:class:`WireError`, which the checks report as a wrong answer in plain words.

Examples
--------
>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> value = (1, 2.5, "x", None, ..., [True], {"k": np.arange(3)})
>>> back = decode(json.loads(json.dumps(encode(value, folder))), folder)
>>> back[:6], back[6]["k"]
((1, 2.5, 'x', None, Ellipsis, [True]), array([0, 1, 2]))
>>> class Evil:
...     def __reduce__(self):
...         return (print, ("pwned",))
>>> decode(encode(Evil(), folder), folder)
Unreadable('Evil')
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import os
import stat
import struct
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np

__all__ = [
    "MAX_MESSAGE",
    "Unreadable",
    "WireError",
    "decode",
    "encode",
    "read_message",
    "write_message",
]

#: The largest message either side reads, in bytes (a message's arrays included).
MAX_MESSAGE = 256 * 2**20
#: The largest ``.keras`` file the grader loads, in bytes.
MAX_MODEL_FILE = 512 * 2**20
#: How deep tuples, lists and dicts may nest in an answer.
MAX_DEPTH = 20
#: The longest source of a function that is sent (longer sources are cut).
MAX_SOURCE = 100_000

_HEADER = struct.Struct(">Q")
_PRIMITIVES = (type(None), bool, int, float, str)
_files = itertools.count(1)


class WireError(ValueError):
    """A message or a value that does not decode: what the submission sent is not readable."""


class Unreadable:
    """An answer the grader cannot read (an object of the student's own class, say).

    Only the name of its type crossed; checks see a value that is not a number, not an array
    and not a function, and say so.
    """

    def __init__(self, type_name: str, why: str = "") -> None:
        self.type_name = type_name
        self.why = why

    def __repr__(self) -> str:
        return f"Unreadable({self.type_name!r})"


# --------------------------------------------------------------------------- framing


def write_message(fd: int, message: dict[str, Any]) -> None:
    """Write ``message`` as JSON, framed by its length, to the file descriptor ``fd``."""
    body = json.dumps(message, allow_nan=True).encode("utf-8")
    if len(body) > MAX_MESSAGE:
        raise WireError(f"a message of {len(body):,} bytes is larger than {MAX_MESSAGE:,}")
    data = _HEADER.pack(len(body)) + body
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_message(read: Callable[[int], bytes]) -> dict[str, Any]:
    """Read one framed message with ``read(n)`` (which returns exactly ``n`` bytes or raises)."""
    (size,) = _HEADER.unpack(read(_HEADER.size))
    if size > MAX_MESSAGE:
        raise WireError(f"a message of {size:,} bytes is larger than {MAX_MESSAGE:,}")
    try:
        message = json.loads(read(size).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise WireError(f"a message is not JSON ({type(err).__name__})") from None
    if not isinstance(message, dict):
        raise WireError("a message is not a JSON object")
    return message


# --------------------------------------------------------------------------- encoding


def _keras_module() -> Any:
    """Keras if this process has imported it (a value can only be a Keras object then)."""
    return sys.modules.get("keras")


def _save_keras(value: Any, folder: str | os.PathLike[str]) -> dict[str, Any]:
    keras = _keras_module()
    name = f"value_{os.getpid()}_{next(_files)}.keras"
    is_layer = not isinstance(value, keras.Model)
    model = keras.Sequential([value]) if is_layer else value
    with warnings.catch_warnings():  # "a model that has not yet been built": the check says
        warnings.simplefilter("ignore")
        model.save(Path(folder) / name)
    return {"t": "keras", "file": name, "layer": is_layer}


def encode(
    value: Any,
    folder: str | os.PathLike[str],
    functions: Callable[[Any], dict[str, Any]] | None = None,
    depth: int = 0,
) -> Any:
    """``value`` as JSON-ready data; Keras objects are saved into ``folder``.

    ``functions(f)`` encodes a function (the kernel gives it a number to call it by); without
    it a function is :class:`Unreadable`. Every other object the grader cannot read becomes
    ``{"t": "other", "type": ...}``: this side never pickles anything.
    """
    if depth > MAX_DEPTH:
        return {"t": "other", "type": type(value).__name__, "why": "nested too deeply"}
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if type(value) in _PRIMITIVES:
        return value
    keras = _keras_module()
    if keras is not None and isinstance(value, keras.layers.Layer):
        try:
            return _save_keras(value, folder)
        except Exception as err:  # a model Keras cannot save: say why, send nothing
            why = f"Keras cannot save it as a .keras file ({type(err).__name__}: {err})"
            return {"t": "other", "type": type(value).__name__, "why": why[:500]}
    if isinstance(value, np.ndarray | np.generic):
        return _encode_array(value)
    if isinstance(value, tuple | list):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {"t": kind, "v": [encode(v, folder, functions, depth + 1) for v in value]}
    if isinstance(value, dict):
        items = [
            [encode(k, folder, functions, depth + 1), encode(v, folder, functions, depth + 1)]
            for k, v in value.items()
        ]
        return {"t": "dict", "v": items}
    if isinstance(value, bool | int | float | str):  # a subclass: its plain value only
        for kind in (bool, int, float, str):
            if isinstance(value, kind):
                return kind(value)
    if callable(value) and not isinstance(value, type):
        if functions is not None:
            return functions(value)
        return {"t": "other", "type": type(value).__name__}
    if hasattr(value, "__array__"):  # a TensorFlow tensor or variable, say
        try:
            return _encode_array(np.asarray(value))
        except Exception:  # not convertible after all: it is another object
            pass
    return {"t": "other", "type": type(value).__name__}


def _encode_array(value: np.ndarray | np.generic) -> dict[str, Any]:
    buffer = io.BytesIO()
    try:
        np.save(buffer, np.asarray(value), allow_pickle=False)
    except ValueError:  # an array of Python objects: not data
        return {"t": "other", "type": "object array"}
    return {
        "t": "array",
        "npy": base64.b64encode(buffer.getvalue()).decode("ascii"),
        "scalar": isinstance(value, np.generic),
    }


# --------------------------------------------------------------------------- decoding


def decode(
    data: Any,
    folder: str | os.PathLike[str],
    functions: Callable[[dict[str, Any]], Any] | None = None,
    depth: int = 0,
) -> Any:
    """The value ``data`` stands for (:func:`encode`'s inverse); :class:`WireError` if unreadable.

    ``functions(entry)`` turns a function entry into something callable (on the grader's side,
    a proxy that asks the kernel to run it).
    """
    if depth > MAX_DEPTH:
        raise WireError("the answer is nested too deeply")
    if type(data) in _PRIMITIVES:
        return data
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise WireError(f"a value of the wrong form ({type(data).__name__})")
    tag = data["t"]
    if tag == "ellipsis":
        return Ellipsis
    if tag in ("tuple", "list"):
        items = data.get("v")
        if not isinstance(items, list):
            raise WireError(f"a {tag} without items")
        values = [decode(v, folder, functions, depth + 1) for v in items]
        return tuple(values) if tag == "tuple" else values
    if tag == "dict":
        items = data.get("v")
        if not isinstance(items, list) or not all(
            isinstance(i, list) and len(i) == 2 for i in items
        ):
            raise WireError("a dict without items")
        out = {}
        for k, v in items:
            key = decode(k, folder, functions, depth + 1)
            try:
                out[key] = decode(v, folder, functions, depth + 1)
            except TypeError:  # an unhashable key
                raise WireError("a dict whose key is not a number or a string") from None
        return out
    if tag == "array":
        return _decode_array(data)
    if tag == "keras":
        return _load_keras(data, folder)
    if tag == "function":
        if functions is None:
            raise WireError("a function where data was expected")
        return functions(data)
    if tag == "other":
        return Unreadable(str(data.get("type", "?"))[:100], str(data.get("why", ""))[:600])
    raise WireError(f"a value of an unknown form ({tag[:40]!r})")


def _decode_array(data: dict[str, Any]) -> Any:
    text = data.get("npy")
    if not isinstance(text, str):
        raise WireError("an array without data")
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as err:  # malformed bytes of any kind: not an array
        raise WireError(f"an array that does not read back ({type(err).__name__})") from None
    if not isinstance(array, np.ndarray) or array.dtype.hasobject:
        raise WireError("an array that does not read back")
    if data.get("scalar") is True and array.shape == ():
        return array[()]
    return array


def _load_keras(data: dict[str, Any], folder: str | os.PathLike[str]) -> Any:
    name = data.get("file")
    if not isinstance(name, str) or Path(name).name != name or not name.endswith(".keras"):
        raise WireError("a model file with a wrong name")
    path = Path(folder) / name
    try:  # a regular file inside the folder, not a link to somewhere else
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        raise WireError("a model file that is not there") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise WireError("a model file that is not a file")
        content = fh.read(MAX_MODEL_FILE + 1)
    if len(content) > MAX_MODEL_FILE:
        raise WireError(f"a model file larger than {MAX_MODEL_FILE // 2**20} MB")

    # loaded from a private copy: the folder is the submission's, which could swap the file
    with tempfile.TemporaryDirectory(prefix="cnn_course_model_") as private:
        copy = Path(private) / "answer.keras"
        copy.write_bytes(content)
        try:
            model = keras.saving.load_model(copy, safe_mode=True, compile=True)
        except Exception as err:  # safe mode refused it, or the file is broken
            raise WireError(
                "the Keras model does not load in safe mode "
                f"({type(err).__name__}: {str(err)[:300]}); build it from Keras' own layers, "
                "without Lambda layers or classes of your own"
            ) from None
    if data.get("layer") is True:
        inner = getattr(model, "layers", [])
        if len(inner) != 1:
            raise WireError("a Keras layer that does not read back")
        return inner[0]
    return model
