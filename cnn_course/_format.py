"""How the course writes numbers and sizes in text (private).

The slides write integers as integers and other values compactly; figures, widgets and
error messages all write numbers this one way. Re-exported as
:func:`format_number`.
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

import numpy as np

__all__ = ["format_number", "size_text"]


def format_number(value: Any, fmt: str | None = None) -> str:
    """Write a number the way the slides do: integers as integers, floats compactly.

    Parameters
    ----------
    value : number
        Python or NumPy number.
    fmt : str, optional
        A format specification (``".2f"``) that overrides the automatic format.

    Examples
    --------
    >>> format_number(3), format_number(-5.0), format_number(2.25), format_number(1 / 3)
    ('3', '-5', '2.25', '0.333')
    >>> format_number(0.000123), format_number(0.5, fmt=".2f"), format_number(float("nan"))
    ('0.00012', '0.50', 'nan')
    """
    if fmt is not None:
        return format(value, fmt)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Integral):
        return str(int(value))
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    if number.is_integer():
        return str(int(number))
    if abs(number) < 0.01:
        return f"{number:.2g}"
    return np.format_float_positional(number, precision=3, trim="-")


def size_text(h: int, w: int) -> str:
    """A height and width the way the slides write them.

    >>> size_text(6, 6)
    '6×6'
    """
    return f"{h}×{w}"
