"""Exercises for the lab sessions: instant feedback in the notebook, grading in one command.

Every notebook from 01 to 10 has exercises of three kinds — *compute* (predict a number
before the code computes it), *implement* (write a function, checked on random inputs
against the course's reference) and *experiment* (change a model or a filter and reach a
measured target). A student answers in the cell under the statement and runs the check
under it::

    grader = exercises.Grader("03")     # in the notebook's set-up
    ...
    grader.check("ex03_1")              # ✅ passed / ⏳ not answered yet / ❌ which case, hint

The checks run through otter-grader (:mod:`cnn_course.exercises._otter`); the instructor
editions in ``notebooks/`` hold the solutions, ``make student`` writes the student
editions (:mod:`cnn_course.exercises.editions`) and ``make grade SUBMISSIONS=DIR`` grades
a folder of submissions (:mod:`cnn_course.exercises.grading`).

Each notebook's exercises are defined in one module, ``nbNN.py``: a function
``exNN_M(env, hidden)`` decorated with :func:`~cnn_course.exercises._core.exercise`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from cnn_course.exercises import (
    nb00,
    nb01,
    nb02,
    nb03,
    nb04,
    nb05,
    nb06,
    nb07,
    nb08,
    nb09,
    nb10,
    nb11,
)
from cnn_course.exercises._core import Exercise, NotAnswered, WrongAnswer
from cnn_course.exercises._otter import CheckResult, Grader

__all__ = [
    "EXERCISES",
    "CheckResult",
    "Exercise",
    "Grader",
    "NotAnswered",
    "WrongAnswer",
    "run_check",
]

_MODULES = (nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11)

#: Every exercise of the course by name (``"ex03_1"``), in notebook order.
EXERCISES: Mapping[str, Exercise] = MappingProxyType(
    {ex.name: ex for module in _MODULES for ex in module.EXERCISES}
)


def run_check(name: str, env: Mapping[str, Any], hidden: bool = False) -> None:
    """Run exercise ``name``'s public (or hidden) check against the variables ``env``.

    This is what otter's test files call; it raises
    :class:`~cnn_course.exercises.NotAnswered` or :class:`~cnn_course.exercises.WrongAnswer`.
    """
    try:
        exercise = EXERCISES[name]
    except KeyError:
        raise ValueError(f"there is no exercise {name!r}") from None
    exercise.run(env, hidden)
