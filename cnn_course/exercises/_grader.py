"""``grader.check("ex03_1")`` in a notebook, and the one function that turns a check into a result.

:func:`check_exercise` runs an exercise's check against a set of variables and says what
happened as a :class:`CheckResult`: passed, not answered yet, or wrong with the check's own
message. Grading (:mod:`cnn_course.exercises.grading`) calls it in its own process on a
:class:`~cnn_course.exercises._remote.RemoteEnv` whose answers come from the submission's
sandbox, public and hidden cases; the student's ``grader.check`` calls it on the notebook's
own variables read the same way (:func:`as_graded`), public cases only, at once — so what a
student sees is what the grader will see.

Why not otter-grader's ``Notebook.check`` and ``grade_notebook`` (which the course used
before): otter runs the checks inside the student's kernel, where the submission's code can
replace them, and hands back their result as text that has to be parsed. The course keeps
otter for what it does well, writing the student editions from its solution markers
(:mod:`cnn_course.exercises.editions`).
"""

from __future__ import annotations

import html
import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cnn_course.exercises._core import Exercise, NotAnswered, WrongAnswer
from cnn_course.exercises._registry import notebook_exercises

__all__ = ["GRADING_ENV", "CheckResult", "Grader", "as_graded", "check_exercise"]

#: Set in a submission's sandbox while it is graded: its own ``grader.check`` calls then only
#: say that the grader checks the answer (the checks that count run outside the sandbox).
GRADING_ENV = "CNN_COURSE_GRADING"

Status = Literal["passed", "not yet", "wrong", "graded later"]


@dataclass(frozen=True)
class CheckResult:
    """What a check says: passed, not answered yet, or wrong with the check's message.

    Attributes
    ----------
    exercise : Exercise
    status : {"passed", "not yet", "wrong", "graded later"}
    message : str
        Empty when passed; otherwise what is missing or which case is wrong.
    hidden : bool
        Whether the hidden cases were run (when graded), or only the public ones.

    Examples
    --------
    >>> from cnn_course.exercises import EXERCISES
    >>> CheckResult(EXERCISES["ex03_2"], "passed")
    ✅ Exercise 3.2 (ex03_2): passed
    >>> CheckResult(EXERCISES["ex03_1"], "passed")  # doctest: +NORMALIZE_WHITESPACE
    ✅ Exercise 3.1 (ex03_1): the public cases passed; the hidden cases are run when your
       notebook is graded
    """

    exercise: Exercise
    status: Status
    message: str = ""
    hidden: bool = False

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    def _lines(self) -> list[str]:
        head = f"{self.exercise.label} ({self.exercise.name})"
        if self.status == "passed":
            if self.exercise.has_hidden and not self.hidden:
                return [
                    f"✅ {head}: the public cases passed; the hidden cases are run when your",
                    "   notebook is graded",
                ]
            return [f"✅ {head}: passed"]
        if self.status == "graded later":
            return [f"⏭ {head}: checked by the grader once the notebook has run"]
        if self.status == "not yet":
            return [f"⏳ {head}: {self.message}"]
        return [f"❌ {head}: {self.message}", f"   Hint: {self.exercise.hint}"]

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_html_(self) -> str:
        colour = {"passed": "#2e7d32", "not yet": "#6d6d6d", "wrong": "#c62828"}.get(
            self.status, "#6d6d6d"
        )
        body = "<br>".join(html.escape(line) for line in self._lines())
        return f"<div style='color:{colour}; font-family:monospace'>{body}</div>"


def check_exercise(exercise: Exercise, env: Mapping[str, Any], hidden: bool) -> CheckResult:
    """Run ``exercise``'s public (or hidden) check on ``env``; what it says, as a result.

    A check that fails in an unforeseen way (an answer of a kind no case expected) is a wrong
    answer whose message says what went wrong; the kernel stopping is not an answer and
    propagates (:class:`~cnn_course.exercises._remote.KernelGone`).

    >>> from cnn_course.exercises import EXERCISES
    >>> check_exercise(EXERCISES["ex03_2"], {"my_size": 3}, hidden=False).message
    '3 is not the output size.'
    >>> check_exercise(EXERCISES["ex03_2"], {"my_size": ...}, hidden=False).status
    'not yet'
    """
    try:
        exercise.run(env, hidden)
    except NotAnswered as err:
        return CheckResult(exercise, "not yet", str(err), hidden)
    except WrongAnswer as err:
        return CheckResult(exercise, "wrong", str(err), hidden)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:
        from cnn_course.exercises._remote import KernelGone

        if isinstance(err, KernelGone):
            raise
        return CheckResult(
            exercise,
            "wrong",
            f"the check could not run on your answer ({type(err).__name__}: {err})",
            hidden,
        )
    return CheckResult(exercise, "passed", "", hidden)


def as_graded(env: Mapping[str, Any], folder: str | os.PathLike[str]) -> Mapping[str, Any]:
    """``env`` as the grader reads it: answers through the wire, functions through proxies.

    A student's own check reads the answers the way grading does
    (:mod:`cnn_course.exercises._wire`), so an answer that cannot be graded — a model built
    from a class of the student's own, say — is reported in the notebook already, in the same
    words.
    """
    from cnn_course.exercises._kernel import AnswerServer
    from cnn_course.exercises._remote import LoopbackChannel, RemoteEnv

    return RemoteEnv(
        LoopbackChannel(AnswerServer(env if isinstance(env, dict) else dict(env), folder)), folder
    )


class Grader:
    """The checks of one notebook's exercises: ``grader.check("ex03_1")``.

    Parameters
    ----------
    notebook : str
        The notebook's two digits, ``"03"``.

    Examples
    --------
    >>> grader = Grader("99")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: no exercises for notebook '99'; the notebooks with exercises are ...
    """

    def __init__(self, notebook: str) -> None:
        self.notebook = notebook
        self.exercises = notebook_exercises(notebook)

    def check(self, name: str, env: dict[str, Any] | None = None) -> CheckResult:
        """Check exercise ``name`` against the notebook's variables (or ``env``): public cases."""
        if name not in self.exercises:
            listed = ", ".join(sorted(self.exercises))
            raise ValueError(
                f"notebook {self.notebook} has no exercise {name!r}; its exercises are {listed}"
            )
        if os.environ.get(GRADING_ENV) == "1":
            return CheckResult(self.exercises[name], "graded later")
        if env is None:
            env = sys._getframe(1).f_globals  # the notebook's globals
        with tempfile.TemporaryDirectory(prefix="cnn_course_check_") as folder:
            return check_exercise(self.exercises[name], as_graded(env, folder), hidden=False)

    def __repr__(self) -> str:
        return f"Grader({self.notebook!r}: {', '.join(sorted(self.exercises))})"
