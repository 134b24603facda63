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

    @property
    def spread(self) -> float:
        """The range between seeds, ``high - low``: how far the seed alone moves the value.

        >>> round(summarise_seeds([0.949, 0.9505, 0.946]).spread, 4)
        0.0045
        """
        return self.high - self.low

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
    """Whether ``a`` is clearly higher than ``b``: a's worst seed above b's best seed.

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


# --------------------------------------------------------------------------- boxes


def _boxes(boxes: ArrayLike, what: str) -> NDArray:
    """``boxes`` as float64 ``(..., 4)`` with ``bottom >= top`` and ``right >= left``."""
    arr = _checks.numeric_array(boxes, what).astype(np.float64)
    if arr.ndim == 0 or arr.shape[-1] != 4:
        raise ValueError(f"{what} must be boxes (top, left, bottom, right), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{what} contain NaN or infinite values")
    if np.any(arr[..., 2] < arr[..., 0]) or np.any(arr[..., 3] < arr[..., 1]):
        raise ValueError(f"{what} must have bottom >= top and right >= left")
    return arr


def _box_list(boxes: ArrayLike, what: str) -> NDArray:
    """``boxes`` as float64 ``(N, 4)``; an empty list is ``(0, 4)``."""
    return np.zeros((0, 4)) if np.size(boxes) == 0 else _boxes(boxes, what).reshape(-1, 4)


def _values(values: ArrayLike, what: str) -> NDArray:
    """``values`` as a flat array of numbers (possibly empty)."""
    arr = np.asarray(values)
    if arr.size and arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold numbers, got an array of dtype {arr.dtype}")
    return arr.reshape(-1)


def box_iou(boxes_a: ArrayLike, boxes_b: ArrayLike) -> NDArray:
    """Intersection over union of boxes: the area they share over the area they cover.

    ``IoU = |A ∩ B| / |A ∪ B| = |A ∩ B| / (|A| + |B| - |A ∩ B|)``: 1 for the same box,
    0 for boxes that do not overlap (or only touch). Two boxes of zero area have IoU 0.

    Parameters
    ----------
    boxes_a, boxes_b : array_like, shape (..., 4)
        Boxes ``(top, left, bottom, right)``; the leading axes broadcast as NumPy's do,
        so ``box_iou(a[:, None], b[None])`` is the (N, M) table of every pair.

    Returns
    -------
    numpy.ndarray of float64, the broadcast leading shape (a 0-d array for two boxes)

    Examples
    --------
    >>> float(box_iou([0, 0, 10, 10], [0, 5, 10, 15]))   # 50 shared of 150 covered
    0.3333333333333333
    >>> box_iou([[0, 0, 2, 2], [0, 0, 4, 4]], [0, 0, 2, 2])
    array([1.  , 0.25])
    >>> float(box_iou([0, 0, 2, 2], [2, 2, 4, 4]))        # touching corners: no overlap
    0.0
    >>> box_iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 1, 1]]).round(3)  # broadcast: 1 vs 2
    array([0.143, 0.25 ])
    """
    a, b = _boxes(boxes_a, "boxes_a"), _boxes(boxes_b, "boxes_b")
    top = np.maximum(a[..., 0], b[..., 0])
    left = np.maximum(a[..., 1], b[..., 1])
    bottom = np.minimum(a[..., 2], b[..., 2])
    right = np.minimum(a[..., 3], b[..., 3])
    inter = np.clip(bottom - top, 0, None) * np.clip(right - left, 0, None)
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a + area_b - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def non_max_suppression(boxes: ArrayLike, scores: ArrayLike, iou_threshold: float = 0.5) -> NDArray:
    """Greedy non-max suppression: keep the best box, drop those overlapping it, repeat.

    The boxes are taken from the highest score down (equal scores in their given order);
    a box is kept unless its IoU with a box already kept is *above* ``iou_threshold``.

    Parameters
    ----------
    boxes : array_like, shape (N, 4)
        ``(top, left, bottom, right)``.
    scores : array_like, shape (N,)
    iou_threshold : float, default 0.5
        In [0, 1].

    Returns
    -------
    numpy.ndarray of int64, shape (K,)
        The indices of the kept boxes, highest score first.

    Examples
    --------
    >>> boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [0, 20, 10, 30], [0, 2, 10, 12]]
    >>> non_max_suppression(boxes, [0.9, 0.8, 0.7, 0.95])   # 3 covers 0 and 1 (IoU 0.67, 0.68)
    array([3, 2])
    >>> non_max_suppression(boxes, [0.9, 0.8, 0.7, 0.95], iou_threshold=0.7)  # none above 0.7
    array([3, 0, 1, 2])
    >>> non_max_suppression(np.zeros((0, 4)), [])
    array([], dtype=int64)
    """
    b = _box_list(boxes, "boxes")
    s = _values(scores, "scores").astype(np.float64)
    if len(s) != len(b):
        raise ValueError(f"got {len(b)} boxes and {len(s)} scores")
    threshold = _checks.real(iou_threshold, "iou_threshold", 0.0, 1.0)
    order = np.argsort(-s, kind="stable")
    kept: list[int] = []
    for i in order:
        if not kept or box_iou(b[kept], b[i]).max() <= threshold:
            kept.append(int(i))
    return np.array(kept, dtype=np.int64)


def detection_counts(
    boxes: ArrayLike,
    scores: ArrayLike,
    classes: ArrayLike,
    true_boxes: ArrayLike,
    true_classes: ArrayLike,
    iou_threshold: float = 0.5,
) -> tuple[int, int, int]:
    """True positives, false positives and missed objects of one image's detections.

    The detections are matched from the highest score down (PASCAL VOC's rule): a
    detection is a true positive when it has the class of a true object not matched yet
    and overlaps it with an IoU of at least ``iou_threshold`` (the best such object);
    otherwise — a second box on a found object, a wrong class, a box on nothing — it is
    a false positive. The true objects left unmatched are missed (false negatives).
    Precision is ``tp / (tp + fp)``, recall ``tp / (tp + fn)``.

    Parameters
    ----------
    boxes, scores, classes : array_like, shapes (N, 4), (N,), (N,)
        The detections.
    true_boxes, true_classes : array_like, shapes (M, 4), (M,)
        The objects really there.
    iou_threshold : float, default 0.5

    Returns
    -------
    (tp, fp, fn) : tuple of int

    Examples
    --------
    >>> truth, labels = [[0, 0, 10, 10], [0, 20, 10, 30]], [3, 7]
    >>> found = [[0, 1, 10, 11], [0, 0, 10, 9], [0, 20, 10, 30]]
    >>> detection_counts(found, [0.9, 0.8, 0.6], [3, 3, 1], truth, labels)  # 2nd box: twice
    (1, 2, 1)
    """
    b, t = _box_list(boxes, "boxes"), _box_list(true_boxes, "true_boxes")
    s = _values(scores, "scores")
    c, tc = _values(classes, "classes"), _values(true_classes, "true_classes")
    if not len(b) == len(s) == len(c):
        raise ValueError(f"got {len(b)} boxes, {len(s)} scores and {len(c)} classes")
    if len(t) != len(tc):
        raise ValueError(f"got {len(t)} true boxes and {len(tc)} true classes")
    threshold = _checks.real(iou_threshold, "iou_threshold", 0.0, 1.0)
    matched = np.zeros(len(t), dtype=bool)
    tp = 0
    for i in np.argsort(-s, kind="stable"):
        ious = box_iou(t, b[i]) if len(t) else np.zeros(0)
        ious = np.where((tc == c[i]) & ~matched, ious, -1.0)
        if len(ious) and ious.max() >= threshold:
            matched[int(ious.argmax())] = True
            tp += 1
    return tp, len(b) - tp, len(t) - tp


# --------------------------------------------------------------------------- masks


def iou_per_class(y_true: ArrayLike, y_pred: ArrayLike, num_classes: int) -> NDArray:
    """Intersection over union of each class's pixels (a segmentation's score, class by class).

    For class ``k``: the pixels both label ``k`` over the pixels either labels ``k``.
    A class neither labels anywhere has no IoU (NaN), so ``np.nanmean`` of the result is
    the *mean IoU* over the classes present.

    Parameters
    ----------
    y_true, y_pred : array_like of int, same shape
        Class numbers per pixel (any shape: one mask or a batch of them).
    num_classes : int

    Returns
    -------
    numpy.ndarray of float64, shape (num_classes,)

    Examples
    --------
    >>> truth = np.array([[0, 0, 1, 1], [0, 0, 1, 1]])
    >>> guess = np.array([[0, 0, 0, 1], [0, 0, 1, 1]])
    >>> iou_per_class(truth, guess, 3)    # class 0: 4 of 5; class 1: 3 of 4; class 2: nowhere
    array([0.8 , 0.75,  nan])
    """
    k = _checks.positive_int(num_classes, "num_classes")
    true = np.asarray(y_true)
    pred = np.asarray(y_pred)
    if true.shape != pred.shape:
        raise ValueError(f"y_true {true.shape} and y_pred {pred.shape} must have the same shape")
    counts = confusion_matrix(true.reshape(-1), pred.reshape(-1), num_classes=k)
    inter = np.diag(counts).astype(np.float64)
    union = counts.sum(axis=0) + counts.sum(axis=1) - inter
    return np.divide(inter, union, out=np.full(k, np.nan), where=union > 0)
