"""Exercises for the lab sessions: instant feedback in the notebook, grading in one command.

Every notebook from 01 to 10 has exercises of three kinds — *compute* (predict a number
before the code computes it), *implement* (write a function, checked on random inputs
against the course's reference) and *experiment* (change a model or a filter and reach a
measured target). A student answers in the cell under the statement and runs the check
under it::

    grader = exercises.Grader("03")     # in the notebook's set-up
    ...
    grader.check("ex03_1")              # ✅ passed / ⏳ not answered yet / ❌ which case, hint

A student's check runs the public cases at once, in the notebook
(:mod:`cnn_course.exercises._grader`). The instructor editions in ``notebooks/`` hold the
solutions, ``make student`` writes the student editions
(:mod:`cnn_course.exercises.editions`) and ``make grade SUBMISSIONS=DIR NOTEBOOK=NN`` grades
a folder of submissions (:mod:`cnn_course.exercises.grading`): each submission runs in a
sandbox and only hands over data; the checks, public and hidden, run in the grader's own
process.

Each notebook's exercises are defined in one module, ``nbNN.py``: a function
``exNN_M(env, hidden)`` decorated with :func:`~cnn_course.exercises._core.exercise`, and
listed in :mod:`cnn_course.exercises._registry`.
"""

from __future__ import annotations

from cnn_course.exercises._core import Exercise, NotAnswered, WrongAnswer
from cnn_course.exercises._grader import CheckResult, Grader, check_exercise
from cnn_course.exercises._registry import EXERCISES, notebook_exercises

__all__ = [
    "EXERCISES",
    "CheckResult",
    "Exercise",
    "Grader",
    "NotAnswered",
    "WrongAnswer",
    "check_exercise",
    "notebook_exercises",
]
