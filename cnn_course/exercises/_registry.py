"""Every exercise of the course, in one place that everything else reads (private).

A notebook's exercises are defined in its module ``nbNN.py`` (a tuple ``EXERCISES``);
registering a new notebook's exercises is adding its module to :data:`_MODULES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

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
    nb12,
)
from cnn_course.exercises._core import Exercise

__all__ = ["EXERCISES", "notebook_exercises"]

_MODULES = (nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11, nb12)

#: Every exercise of the course by name (``"ex03_1"``), in notebook order.
EXERCISES: Mapping[str, Exercise] = MappingProxyType(
    {ex.name: ex for module in _MODULES for ex in module.EXERCISES}
)


def notebook_exercises(notebook: str) -> dict[str, Exercise]:
    """The exercises of notebook ``notebook`` (two digits) by name; ``ValueError`` if none.

    >>> sorted(notebook_exercises("03"))
    ['ex03_1', 'ex03_2', 'ex03_3', 'ex03_4']
    >>> notebook_exercises("99")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: no exercises for notebook '99'; the notebooks with exercises are 00, 01, ...
    """
    mine = {name: ex for name, ex in EXERCISES.items() if ex.notebook == notebook}
    if not mine:
        known = sorted({ex.notebook for ex in EXERCISES.values()})
        raise ValueError(
            f"no exercises for notebook {notebook!r}; the notebooks with exercises are "
            + ", ".join(known)
        )
    return mine
