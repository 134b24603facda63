"""Counting what a classifier got right: class labels, the confusion matrix, results over seeds.

Pure NumPy (part of the course's core): no TensorFlow, no matplotlib. The figure is
:func:`cnn_course.viz.plot_confusion_matrix`, which draws what :func:`confusion_matrix`
counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course import _checks

__all__ = ["SeedSummary", "class_labels", "clearly_better", "confusion_matrix", "summarise_seeds"]


def class_labels(y: ArrayLike, what: str = "the labels") -> NDArray:
    """Integer class labels ``(N,)`` from labels, one-hot rows or predicted scores.

    Parameters
    ----------
    y : array_like
        Class numbers ``(N,)`` (whole-valued floats are accepted), or one-hot labels /
        the model's scores ``(N, classes)``, which are arg-maxed.
    what : str
        How an error message names ``y``.

    Returns
    -------
    numpy.ndarray of int64, shape (N,)

    Examples
    --------
    >>> class_labels([[0.1, 0.9], [0.8, 0.2]]), class_labels([2.0, 0.0])
    (array([1, 0]), array([2, 0]))
    >>> class_labels([0.5])
    Traceback (most recent call last):
    ...
    ValueError: the labels must hold whole class numbers
    """
    arr = np.asarray(y)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold class numbers, got an array of dtype {arr.dtype}")
    if arr.ndim == 2:
        arr = arr.argmax(axis=1)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be labels (N,) or scores (N, classes), got {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{what} must hold whole class numbers")
        arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{what} must hold class numbers >= 0, got {arr.min()}")
    return arr.astype(np.int64)


def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None = None
) -> NDArray:
    """Count how often each true class (row) was predicted as each class (column).

    Parameters
    ----------
    y_true, y_pred : array_like
        Class labels ``(N,)``, or one-hot / scores ``(N, classes)`` (arg-maxed).
    num_classes : int, optional
        Default: the largest label + 1.

    Returns
    -------
    numpy.ndarray of int, shape (num_classes, num_classes)
        The diagonal holds the correct predictions.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0])
    array([[1, 0, 0],
           [0, 1, 1],
           [1, 0, 2]])
    >>> confusion_matrix([0, 1], [0, 1], num_classes=3).shape
    (3, 3)
    """
    true = class_labels(y_true, "y_true")
    pred = class_labels(y_pred, "y_pred")
    if len(true) != len(pred):
        raise ValueError(f"got {len(true)} true labels and {len(pred)} predictions")
    largest = int(max(true.max(initial=-1), pred.max(initial=-1)))
    k = largest + 1 if num_classes is None else _checks.positive_int(num_classes, "num_classes")
    if largest >= k:
        raise ValueError(f"class {largest} found, but num_classes is {k}")
    # NumPy rather than scikit-learn, which the course does not depend on: the pair (t, p)
    # is the flat index t*k + p of a k×k table, so one bincount counts every pair.
    return np.bincount(true * k + pred, minlength=k * k).reshape(k, k)


@dataclass(frozen=True)
class SeedSummary:
    """One measurement repeated with several seeds: every value, their mean and spread.

    Attributes
    ----------
    values : tuple of float
        One per seed, in the order run.
    mean, std : float
        Their mean and sample standard deviation (0 for a single seed).
    low, high : float
        The smallest and the largest value.
    """

    values: tuple[float, ...]
    mean: float
    std: float
    low: float
    high: float

    def __str__(self) -> str:
        seeds = f"{len(self.values)} seed" + ("s" if len(self.values) > 1 else "")
        return f"{self.mean:.4f} ± {self.std:.4f} ({self.low:.4f}–{self.high:.4f}, {seeds})"


def summarise_seeds(values: Sequence[float]) -> SeedSummary:
    """Mean ± sample standard deviation and range of a measurement over seeds.

    Report every seed, the bad ones too: the spread between seeds is the yardstick
    for any difference between two settings (:func:`clearly_better`).

    Examples
    --------
    >>> print(summarise_seeds([0.9907, 0.9902, 0.9898]))
    0.9902 ± 0.0005 (0.9898–0.9907, 3 seeds)
    >>> summarise_seeds([])
    Traceback (most recent call last):
    ...
    ValueError: a summary over seeds needs at least one value
    """
    values = tuple(_checks.real(v, "each value") for v in values)
    if not values:
        raise ValueError("a summary over seeds needs at least one value")
    array = np.array(values, dtype=float)
    std = float(array.std(ddof=1)) if len(array) > 1 else 0.0
    return SeedSummary(values, float(array.mean()), std, float(array.min()), float(array.max()))


def clearly_better(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether ``a`` beats ``b`` on every seed: a's worst value above b's best.

    The course's rule for a verdict: a difference that lies within the spread between
    seeds is no difference. Two settings whose ranges overlap are not ranked. Higher is
    better (accuracies); pass losses negated.

    Examples
    --------
    >>> clearly_better([0.991, 0.992, 0.990], [0.987, 0.989, 0.988])
    True
    >>> clearly_better([0.991, 0.992, 0.988], [0.987, 0.989, 0.988])  # ranges overlap
    False
    """
    a_values, b_values = summarise_seeds(a), summarise_seeds(b)
    return a_values.low > b_values.high
