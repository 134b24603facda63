"""The submission's side of grading: run the notebook, then answer the grader with data (private).

``python -m cnn_course.exercises._kernel NOTEBOOK IN_FD OUT_FD`` runs inside the sandbox
(:mod:`cnn_course.exercises._sandbox`). It runs the notebook's code cells from top to bottom
in an IPython shell — a cell that raises is reported and the next one runs, as when a student
runs every cell — then answers the grader's requests on the two file descriptors:

* ``{"op": "get", "name": N}``: the value of the notebook's variable ``N``, encoded by
  :mod:`cnn_course.exercises._wire` (a function is given a number);
* ``{"op": "call", "ref": R, "args": [...], "kwargs": {...}, "seed": S}``: call function ``R``
  on the arguments the grader chose (seeding the random generators with ``S`` first, when
  given) and send back what it returns, or the error it raised;
* ``{"op": "bye"}``: stop.

Everything here runs next to the submission's code, which can replace any of it: nothing
this process says is trusted. It only *produces data*; the grader's own process decides.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from cnn_course.exercises import _wire

__all__ = ["AnswerServer", "main", "run_notebook"]

#: Where the values exchanged as files (Keras models) go, inside the scratch folder.
EXCHANGE = "exchange"


class AnswerServer:
    """Answers the grader's requests about the variables of ``namespace``.

    Parameters
    ----------
    namespace : dict
        The notebook's global variables.
    folder : path
        The exchange folder: Keras models are saved there, and read from there.
    """

    def __init__(self, namespace: dict[str, Any], folder: str | os.PathLike[str]) -> None:
        self.namespace = namespace
        self.folder = Path(folder)
        self._functions: list[Any] = []

    def _function(self, f: Any) -> dict[str, Any]:
        self._functions.append(f)
        try:
            source = inspect.getsource(f)[: _wire.MAX_SOURCE]
        except (OSError, TypeError):
            source = None
        name = getattr(f, "__name__", type(f).__name__)
        return {"t": "function", "ref": len(self._functions) - 1, "name": str(name)[:100],
                "source": source}  # fmt: skip

    def encode(self, value: Any) -> Any:
        return _wire.encode(value, self.folder, self._function)

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """The answer to one request (never raises for what the student's code does)."""
        op = request.get("op")
        if op == "get":
            name = request.get("name")
            if not isinstance(name, str) or name not in self.namespace:
                return {"ok": True, "missing": True}
            return {"ok": True, "value": self.encode(self.namespace[name])}
        if op == "call":
            return self._call(request)
        return {"ok": False, "error": {"type": "ProtocolError", "message": f"unknown op {op!r}"}}

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        ref = request.get("ref")
        if not isinstance(ref, int) or not 0 <= ref < len(self._functions):
            return {"ok": False, "error": {"type": "ProtocolError", "message": "no such function"}}
        args = _wire.decode(request.get("args", {"t": "list", "v": []}), self.folder)
        kwargs = _wire.decode(request.get("kwargs", {"t": "dict", "v": []}), self.folder)
        seed = request.get("seed")
        try:
            if isinstance(seed, int):
                from cnn_course import runtime

                runtime.seed_everything(seed)
            result = self._functions[ref](*args, **kwargs)
        except Exception as err:  # the student's code: its error is the answer
            return {
                "ok": False,
                "error": {"type": type(err).__name__, "message": str(err)[:2000]},
            }
        return {"ok": True, "value": self.encode(result)}


def run_notebook(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Run the notebook's code cells in an IPython shell; return its global variables."""
    from IPython.core.interactiveshell import InteractiveShell

    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    shell = InteractiveShell.instance()
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(line) for line in source)
        if not isinstance(source, str):
            continue
        result = shell.run_cell(source, store_history=True, silent=False)
        if not result.success:
            print(f"[cell {number} raised an error; the next cells still run]", file=sys.stderr)
    return shell.user_ns


def _reader(fd: int):
    def read(n: int) -> bytes:
        chunks, left = [], n
        while left:
            chunk = os.read(fd, left)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    return read


def main(argv: list[str] | None = None) -> int:
    """Run the notebook, say so, then answer requests until ``bye`` or the end of input."""
    notebook, in_fd, out_fd = (argv if argv is not None else sys.argv[1:])[:3]
    requests, answers = int(in_fd), int(out_fd)
    folder = Path.cwd() / EXCHANGE
    folder.mkdir(exist_ok=True)
    namespace = run_notebook(notebook)
    server = AnswerServer(namespace, folder)
    _wire.write_message(answers, {"ready": True})
    read = _reader(requests)
    while True:
        try:
            request = _wire.read_message(read)
        except EOFError:
            return 0
        if request.get("op") == "bye":
            return 0
        try:
            answer = server.handle(request)
        except Exception as err:  # a request this side cannot serve
            traceback.print_exc()
            answer = {"ok": False, "error": {"type": "ProtocolError", "message": str(err)[:500]}}
        _wire.write_message(answers, answer)


if __name__ == "__main__":
    raise SystemExit(main())
