"""The input checks every module of the course shares (private).

One function per kind of value, each returning the value in its plain Python form or
raising an error that says, in the course's words, what was expected and what came:

* wrong *type* -> :class:`TypeError` (``True`` is not a number of pixels, ``3.0`` is not
  a number of filters, ``"3"`` is not a stride);
* right type, wrong *value* -> :class:`ValueError` (a stride of 0, a padding of -1).

``bool`` is a subclass of ``int`` in Python, so ``isinstance(True, int)`` holds; here a
bool is never an integer and never a real number. NumPy integers and floats are
accepted where Python ones are. The module is pure Python (NumPy only for its scalar
and array types) so that the NumPy core can use it without importing TensorFlow.

Examples
--------
>>> positive_int(3, "the stride")
3
>>> positive_int(True, "the stride")
Traceback (most recent call last):
...
TypeError: the stride must be a whole number, got True (a bool)
>>> non_negative_int(-1, "the padding")
Traceback (most recent call last):
...
ValueError: the padding must be a whole number >= 0, got -1
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "flag",
    "instance",
    "int_pair",
    "integer",
    "is_int",
    "non_negative_int",
    "numeric_array",
    "one_of",
    "positive_int",
    "real",
]


def _kind(value: object) -> str:
    """``True`` -> ``'True (a bool)'``: the value and, for a surprising type, its type."""
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{value!r} ({article} {name})"


def is_int(value: object) -> bool:
    """True for Python and NumPy integers; False for bools, floats (even ``3.0``), strings.

    >>> is_int(3), is_int(np.int64(3)), is_int(True), is_int(3.0), is_int("3")
    (True, True, False, False, False)
    """
    return isinstance(value, Integral) and not isinstance(value, bool | np.bool_)


def integer(
    value: object, what: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """``value`` as an ``int``, checked to be a whole number in ``[minimum, maximum]``.

    Parameters
    ----------
    value : object
        What the caller passed.
    what : str
        How the error message names it ("the stride", "steps").
    minimum, maximum : int, optional
        Inclusive bounds.

    Raises
    ------
    TypeError
        ``value`` is not an integer (bools and floats are not).
    ValueError
        ``value`` is outside the bounds.

    Examples
    --------
    >>> integer(np.int32(7), "n", minimum=1)
    7
    >>> integer(2.0, "the filter size")
    Traceback (most recent call last):
    ...
    TypeError: the filter size must be a whole number, got 2.0 (a float)
    >>> integer(12, "the class", minimum=0, maximum=9)
    Traceback (most recent call last):
    ...
    ValueError: the class must be a whole number from 0 to 9, got 12
    """
    if not is_int(value):
        raise TypeError(f"{what} must be a whole number, got {_kind(value)}")
    number = int(value)  # type: ignore[call-overload]
    too_small = minimum is not None and number < minimum
    too_large = maximum is not None and number > maximum
    if too_small or too_large:
        if minimum is not None and maximum is not None:
            bounds = f"from {minimum} to {maximum}"
        elif minimum is not None:
            bounds = f">= {minimum}"
        else:
            bounds = f"<= {maximum}"
        raise ValueError(f"{what} must be a whole number {bounds}, got {number}")
    return number


def positive_int(value: object, what: str) -> int:
    """A whole number >= 1 (a size, a stride, a number of filters or steps).

    >>> positive_int(0, "the number of filters")
    Traceback (most recent call last):
    ...
    ValueError: the number of filters must be a whole number >= 1, got 0
    """
    return integer(value, what, minimum=1)


def non_negative_int(value: object, what: str) -> int:
    """A whole number >= 0 (a padding, a seed, an index).

    >>> non_negative_int(0, "the padding")
    0
    """
    return integer(value, what, minimum=0)


def int_pair(value: object, what: str, minimum: int = 1) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; a pair ``(3, 5)`` stays; each entry a whole number >= ``minimum``.

    >>> int_pair(3, "the kernel size"), int_pair((3, 5), "the kernel size")
    ((3, 3), (3, 5))
    >>> int_pair((3, 5, 7), "the kernel size")
    Traceback (most recent call last):
    ...
    ValueError: the kernel size must be a whole number or a pair of them, got (3, 5, 7)
    """
    if is_int(value):
        number = integer(value, what, minimum=minimum)
        return number, number
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be a whole number or a pair of them, got {_kind(value)}")
    pair = tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{what} must be a whole number or a pair of them, got {pair!r}")
    return integer(pair[0], what, minimum=minimum), integer(pair[1], what, minimum=minimum)


def real(
    value: object,
    what: str,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    open_low: bool = False,
    open_high: bool = False,
) -> float:
    """``value`` as a finite ``float`` in the interval from ``low`` to ``high``.

    The interval is closed unless ``open_low`` / ``open_high`` say otherwise.

    Examples
    --------
    >>> real(0.5, "the dropout rate", 0.0, 1.0, open_high=True)
    0.5
    >>> real(1, "the dropout rate", 0.0, 1.0, open_high=True)
    Traceback (most recent call last):
    ...
    ValueError: the dropout rate must lie in [0, 1), got 1
    >>> real(float("nan"), "the learning rate")
    Traceback (most recent call last):
    ...
    ValueError: the learning rate must be a finite number, got nan
    >>> real(True, "alpha")
    Traceback (most recent call last):
    ...
    TypeError: alpha must be a number, got True (a bool)
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise TypeError(f"{what} must be a number, got {_kind(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, got {number}")
    below = number < low or (open_low and number == low)
    above = number > high or (open_high and number == high)
    if below or above:
        left = "(" if open_low or low == -math.inf else "["
        right = ")" if open_high or high == math.inf else "]"
        lo = "-∞" if low == -math.inf else f"{low:g}"
        hi = "∞" if high == math.inf else f"{high:g}"
        raise ValueError(f"{what} must lie in {left}{lo}, {hi}{right}, got {number:g}")
    return number


def flag(value: object, what: str) -> bool:
    """``True`` or ``False`` (NumPy bools too); ``0``, ``1`` and strings are refused.

    >>> flag(np.True_, "bias")
    True
    >>> flag(1, "bias")
    Traceback (most recent call last):
    ...
    TypeError: bias must be True or False, got 1 (an int)
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{what} must be True or False, got {_kind(value)}")
    return bool(value)


def instance(value: object, kind: type | tuple[type, ...], expected: str) -> None:
    """Refuse ``value`` unless it is a ``kind`` (``expected`` says what, for the message).

    >>> instance(3, str, "a layer name")
    Traceback (most recent call last):
    ...
    TypeError: expected a layer name, got int
    """
    if not isinstance(value, kind):
        raise TypeError(f"expected {expected}, got {type(value).__name__}")


def one_of(value: object, what: str, choices: Iterable[str]) -> str:
    """One of the strings ``choices`` (compared as given: case matters).

    >>> one_of("max", "the pooling mode", ("max", "avg"))
    'max'
    >>> one_of("mean", "the pooling mode", ("max", "avg"))
    Traceback (most recent call last):
    ...
    ValueError: the pooling mode must be one of 'max', 'avg'; got 'mean'
    """
    options = tuple(choices)
    listed = ", ".join(repr(c) for c in options)
    if not isinstance(value, str):
        raise TypeError(f"{what} must be one of {listed}; got {_kind(value)}")
    if value not in options:
        raise ValueError(f"{what} must be one of {listed}; got {value!r}")
    return value


def numeric_array(a: ArrayLike, what: str, ndim: Iterable[int] | None = None) -> NDArray:
    """``a`` as a non-empty NumPy array of numbers (bool, int, float or complex).

    Parameters
    ----------
    a : array_like
    what : str
        How the error names it ("the image", "the filter").
    ndim : iterable of int, optional
        The numbers of dimensions allowed.

    Examples
    --------
    >>> numeric_array([[1, 2], [3, 4]], "the image", ndim=(2, 3)).shape
    (2, 2)
    >>> numeric_array([1, 2, 3], "the image", ndim=(2, 3))
    Traceback (most recent call last):
    ...
    ValueError: the image must have 2 or 3 dimensions, got shape (3,)
    >>> numeric_array([["a"]], "the image")
    Traceback (most recent call last):
    ...
    TypeError: the image must hold numbers, got an array of dtype <U1
    """
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as err:  # ragged nested lists
        raise ValueError(f"{what} must be an array of numbers: {err}") from None
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"{what} must hold numbers, got an array of dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{what} is empty (shape {arr.shape})")
    if ndim is not None:
        allowed = tuple(ndim)
        if arr.ndim not in allowed:
            listed = " or ".join(map(str, allowed))
            raise ValueError(f"{what} must have {listed} dimensions, got shape {arr.shape}")
    return arr
