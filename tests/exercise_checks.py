"""Testing the exercise checks themselves: shared by tests/test_exercises_nbNN.py.

A check that passes on an unanswered exercise or on a plausible wrong answer is a defect.
For every exercise of a notebook, :func:`exercise_tests` makes four tests:

* the instructor's answer cell (the solution) passes the public and the hidden check;
* the student edition's answer cell (the ``...`` otter's markers leave) is "not answered
  yet" for both;
* every plausible wrong answer listed for it fails (as :class:`WrongAnswer`, or
  :class:`NotAnswered` where that is the honest verdict; with a message matching its
  ``match`` where it has one) — the public check, or the hidden one for an answer written
  to pass the public cases only;
* every exercise has at least two wrong answers listed.

Each check runs as the grader (and a student's own ``grader.check``) runs it — the answers
fetched through :mod:`cnn_course.exercises._wire` (JSON, ``.npy``, ``.keras`` in safe mode)
and the functions called through proxies (:class:`~cnn_course.exercises._remote.RemoteEnv`,
here on a kernel in the same process) — and once more directly on the answer cell's
variables: both must give the same verdict and message, so reading answers as data changes no
grade. An answer marked ``crosses=False`` cannot be read as data (a class of the student's
own); the graded check must then say so.

Answer cells run in a fresh namespace holding ``np`` and whatever ``setup`` code the
test file gives for that exercise (an experiment needs a model or data), so answer cells
must not depend on the rest of the notebook — the same rule that lets a student edition
run with nothing answered. Their source can be read back, as a notebook cell's can, so the
checks' ``forbid`` sees an answer that calls the library function it replaces.
"""

from __future__ import annotations

import itertools
import linecache
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest

from cnn_course.exercises import EXERCISES, CheckResult, NotAnswered, WrongAnswer, check_exercise
from cnn_course.exercises._grader import as_graded
from cnn_course.exercises.editions import strip_solutions

_CELLS = itertools.count(1)
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong answer: the code a student might write in the answer cell.

    ``hidden=True``: it is written to pass the public cases (e.g. hard-coded), so only
    the hidden check must catch it. ``verdict``: the error it must raise. ``match``: a
    regular expression its message must match (``pytest.raises(..., match=...)``) in
    each check that must fail, e.g. ``"your function calls `conv2d`"``.
    """

    code: str
    why: str
    hidden: bool = False
    verdict: type[AssertionError] = WrongAnswer
    match: str | None = None
    crosses: bool = True


def notebook_path(number: str) -> Path:
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    return path


def exercise_cells(number: str) -> dict[str, dict[str, Any]]:
    """``{name: {"statement": cell, "answer": cell, "check": cell}}`` from the notebook.

    The answer cell is the code cell before ``grader.check("name")`` (skipping the
    Markdown ``solution`` notes); the statement is the Markdown cell before the answer.
    """
    nb = nbformat.read(notebook_path(number), as_version=4)
    found: dict[str, dict[str, Any]] = {}
    for i, cell in enumerate(nb.cells):
        source = cell.source.strip()
        if cell.cell_type != "code" or not source.startswith("grader.check("):
            continue
        name = source.split('"')[1]
        j = i - 1
        while nb.cells[j].cell_type != "code":
            j -= 1
        k = j - 1
        while nb.cells[k].cell_type != "markdown":
            k -= 1
        found[name] = {"statement": nb.cells[k], "answer": nb.cells[j], "check": cell}
    return found


def run_answer(source: str, setup: str = "") -> dict[str, Any]:
    """Run an answer cell after ``setup`` in a fresh namespace; return the namespace.

    The cell's source is registered with :mod:`linecache` under a name of its own, as
    IPython does for a notebook cell, so that ``inspect.getsource`` (and with it the
    checks' ``forbid``) can read the functions it defines.
    """
    env: dict[str, Any] = {"__name__": "__answer__"}
    exec(compile("import numpy as np\n" + setup, "<setup>", "exec"), env)
    filename = f"<answer cell {next(_CELLS)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), env)
    return env


def graded_env(env: dict[str, Any]) -> Any:
    """``env`` as the grader sees it: every answer through the wire, functions by proxy."""
    return as_graded(env, tempfile.mkdtemp(prefix="cnn_course_wire_"))


#: What a graded check says of an answer that cannot cross as data.
NOT_DATA = r"could not be read|cannot be graded|cannot be read"


def _same_names(message: str) -> str:
    """Keras numbers the layers it names (``conv2d_3``) per process: the number aside."""
    return re.sub(r"\b([a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*)_\d+\b", r"\1", message)


def check_both_ways(
    name: str, env: dict[str, Any], hidden: bool, crosses: bool = True, direct: bool = True
) -> CheckResult:
    """Exercise ``name``'s check on ``env`` as graded; the same result when run directly.

    ``crosses=False``: the answer is not data, and the graded check must say so.
    ``direct=False``: the graded check only (one whose run trains the student's model).
    """
    graded = check_exercise(EXERCISES[name], graded_env(env), hidden)
    if not crosses:
        assert graded.status == "wrong" and re.search(NOT_DATA, graded.message), graded
        return graded
    if direct:
        here = check_exercise(EXERCISES[name], env, hidden)
        same = (graded.status, _same_names(graded.message)) == (
            here.status,
            _same_names(here.message),
        )
        assert same, (
            f"{name}: graded, the check says {graded.status}: {graded.message!r}; "
            f"run directly, {here.status}: {here.message!r}"
        )
    return graded


_VERDICTS = {WrongAnswer: "wrong", NotAnswered: "not yet"}


def expect_verdict(result: CheckResult, answer: Wrong) -> None:
    """The check found ``answer`` wrong (or not answered) as expected, with the right words."""
    assert result.status == _VERDICTS[answer.verdict], (answer.why, result)
    if answer.match is not None:
        assert re.search(answer.match, result.message), (answer.why, answer.match, result.message)


def exercise_tests(
    number: str,
    wrong: Mapping[str, Sequence[Wrong]],
    setup: Mapping[str, str] | None = None,
    solution_runs_in_notebook: Sequence[str] = (),
    graded_only: Sequence[str] = (),
) -> tuple[Any, ...]:
    """The four tests of notebook ``number``'s exercises (assign them to ``test_*`` names).

    ``solution_runs_in_notebook``: exercises whose solution needs the notebook's own state
    (a trained model); their solution is checked by running the instructor notebook
    (its saved check output is compared) and by grading it, not here.
    ``graded_only``: exercises whose check trains the student's model; they run as graded
    only, not a second time directly.
    """
    setup = setup or {}
    names = [name for name, ex in EXERCISES.items() if ex.notebook == number]
    cells = exercise_cells(number)

    @pytest.mark.parametrize("name", [n for n in names if n not in solution_runs_in_notebook])
    def test_solution_passes(name: str) -> None:
        env = run_answer(cells[name]["answer"].source, setup.get(name, ""))
        for hidden in (False, True):
            result = check_both_ways(name, env, hidden, direct=name not in graded_only)
            assert result.passed, result

    @pytest.mark.parametrize("name", names)
    def test_unanswered_is_not_yet(name: str) -> None:
        student = strip_solutions(cells[name]["answer"].source)
        assert student != cells[name]["answer"].source, "the answer cell has no solution markers"
        env = run_answer(student, setup.get(name, ""))
        for hidden in (False, True):
            result = check_both_ways(name, env, hidden, direct=name not in graded_only)
            assert result.status == "not yet", result

    cases = [(name, k) for name in names for k in range(len(wrong.get(name, ())))]

    @pytest.mark.parametrize(("name", "k"), cases)
    def test_wrong_answer_fails(name: str, k: int) -> None:
        answer = wrong[name][k]
        env = run_answer(answer.code, setup.get(name, ""))
        direct = name not in graded_only
        public = check_both_ways(name, env, False, answer.crosses, direct)
        if not answer.crosses:
            return  # said: it cannot be graded
        if not answer.hidden:
            expect_verdict(public, answer)
        else:
            assert public.passed, (answer.why, public)  # written to pass the public cases
        expect_verdict(check_both_ways(name, env, True, answer.crosses, direct), answer)

    def test_every_exercise_has_wrong_answers() -> None:
        assert set(wrong) <= set(names), set(wrong) - set(names)
        thin = [name for name in names if len(wrong.get(name, ())) < 2]
        assert not thin, f"list at least two plausible wrong answers for {thin}"

    return (
        test_solution_passes,
        test_unanswered_is_not_yet,
        test_wrong_answer_fails,
        test_every_exercise_has_wrong_answers,
    )
