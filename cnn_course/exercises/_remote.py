"""The grader's side: a check's ``env`` whose answers come from the submission's kernel (private).

A check reads a student's answer with ``answer(env, name)`` and calls a student's function
with ``call(f, ...)`` (:mod:`cnn_course.exercises._core`). When grading, ``env`` is a
:class:`RemoteEnv`: reading a name asks the kernel (:mod:`cnn_course.exercises._kernel`) for
its value *as data*, and a function is a :class:`RemoteFunction`, a proxy that sends the
inputs the check chose to the kernel and decodes what comes back. The checks, the course's
references they compare with and the hidden inputs stay in this process, which never runs
the submission's code; so the same checks grade in a notebook and here, unchanged.

Examples
--------
The kernel can be in this process (:class:`LoopbackChannel`), as the tests of every exercise
use it; grading puts it in a sandbox (:class:`PipeChannel`):

>>> import tempfile
>>> from cnn_course.exercises._kernel import AnswerServer
>>> folder = tempfile.mkdtemp()
>>> def twice(x):
...     return 2 * x
>>> env = RemoteEnv(LoopbackChannel(AnswerServer({"n": 14, "twice": twice}, folder)), folder)
>>> env["n"], "m" in env
(14, False)
>>> env["twice"](np.arange(3))
array([0, 2, 4])
>>> env["twice"](None)
Traceback (most recent call last):
...
cnn_course.exercises._remote.TypeError: unsupported operand type(s) for *: 'int' and 'NoneType'
"""

from __future__ import annotations

import json
import os
import selectors
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np  # noqa: F401  (the doctest's arrays)

from cnn_course.exercises import _wire

__all__ = [
    "Channel",
    "KernelGone",
    "LoopbackChannel",
    "PipeChannel",
    "RemoteEnv",
    "RemoteError",
    "RemoteFunction",
]


class KernelGone(RuntimeError):
    """The submission's kernel stopped (it exited, crashed or ran out of time)."""


class RemoteError(Exception):
    """An error the student's function raised in the kernel.

    Its class is named after the kernel's (``TypeError``, ``ValueError``, …) so that a check's
    message reads as it does in the notebook: "your function raised TypeError: …".
    """


_ERRORS: dict[str, type[RemoteError]] = {}


def remote_error(kind: str, message: str) -> RemoteError:
    """A :class:`RemoteError` whose class has the name ``kind`` (an identifier, or ``Error``)."""
    name = kind if kind.isidentifier() and len(kind) <= 60 else "Error"
    if name not in _ERRORS:
        _ERRORS[name] = type(name, (RemoteError,), {"__module__": __name__})
    return _ERRORS[name](message)


class Channel(Protocol):
    """How requests reach the kernel: ``ask(request)`` returns its answer."""

    def ask(self, request: dict[str, Any]) -> dict[str, Any]: ...


class LoopbackChannel:
    """A kernel in this process: every message still goes through JSON, as through a pipe."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        answer = self.server.handle(json.loads(json.dumps(request)))
        return json.loads(json.dumps(answer))


class PipeChannel:
    """A kernel in another process, reached through two pipes, with a deadline.

    Parameters
    ----------
    write_fd, read_fd : int
        This side's ends of the request and answer pipes.
    deadline : float
        ``time.monotonic()`` after which the kernel is taken as gone.
    """

    def __init__(self, write_fd: int, read_fd: int, deadline: float) -> None:
        self.write_fd = write_fd
        self.read_fd = read_fd
        self.deadline = deadline
        self._selector = selectors.DefaultSelector()
        self._selector.register(read_fd, selectors.EVENT_READ)

    def _read(self, n: int) -> bytes:
        chunks, left = [], n
        while left:
            wait = self.deadline - time.monotonic()
            if wait <= 0 or not self._selector.select(timeout=wait):
                raise KernelGone("the time limit")
            chunk = os.read(self.read_fd, min(left, 1 << 20))
            if not chunk:
                raise KernelGone("the kernel stopped")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def receive(self) -> dict[str, Any]:
        """The next message from the kernel."""
        return _wire.read_message(self._read)

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        try:
            _wire.write_message(self.write_fd, request)
        except (BrokenPipeError, OSError):
            raise KernelGone("the kernel stopped") from None
        return self.receive()

    def close(self) -> None:
        self._selector.close()


class RemoteFunction:
    """A student's function, run in the kernel on the inputs the grader sends.

    Attributes
    ----------
    __name__ : str
        The function's name in the notebook.
    source : str or None
        Its source, as the kernel read it (what ``forbid`` inspects).
    """

    def __init__(self, env: RemoteEnv, entry: dict[str, Any]) -> None:
        self._env = env
        self._ref = entry.get("ref")
        self.__name__ = str(entry.get("name", "function"))
        source = entry.get("source")
        self.source = source if isinstance(source, str) else None
        self._seed: int | None = None

    def seeded(self, seed: int) -> RemoteFunction:
        """The same function, called after seeding the kernel's random generators with ``seed``."""
        twin = RemoteFunction(self._env, {"ref": self._ref, "name": self.__name__})
        twin.source, twin._seed = self.source, seed
        return twin

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        folder = self._env.folder
        request = {
            "op": "call",
            "ref": self._ref,
            "args": _wire.encode(list(args), folder),
            "kwargs": _wire.encode(dict(kwargs), folder),
            "seed": self._seed,
        }
        answer = self._env.channel.ask(request)
        if not answer.get("ok"):
            error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
            raise remote_error(str(error.get("type", "Error")), str(error.get("message", "")))
        return self._env.decode(answer.get("value"))

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"


class RemoteEnv(Mapping[str, Any]):
    """The notebook's variables, as a check reads them, fetched from the kernel as data.

    Each name is fetched once; a value that does not decode raises
    :class:`~cnn_course.exercises._wire.WireError` when the check reads it.
    """

    def __init__(self, channel: Channel, folder: str | os.PathLike[str]) -> None:
        self.channel = channel
        self.folder = Path(folder)
        self._values: dict[str, Any] = {}
        self._missing: set[str] = set()
        self._unreadable: dict[str, _wire.WireError] = {}

    def decode(self, data: Any) -> Any:
        return _wire.decode(data, self.folder, lambda entry: RemoteFunction(self, entry))

    def _fetch(self, name: str) -> None:
        if name in self._values or name in self._missing or name in self._unreadable:
            return
        answer = self.channel.ask({"op": "get", "name": name})
        if answer.get("missing") is True:
            self._missing.add(name)
            return
        try:
            self._values[name] = self.decode(answer.get("value"))
        except _wire.WireError as err:  # there, but not readable: said when it is read
            self._unreadable[name] = err

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        self._fetch(name)
        return name in self._values or name in self._unreadable

    def __getitem__(self, name: str) -> Any:
        if name not in self:
            raise KeyError(name)
        if name in self._unreadable:
            raise self._unreadable[name]
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
