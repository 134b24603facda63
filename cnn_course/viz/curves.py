"""Curves and counts of training: the loss and accuracy per epoch, the confusion matrix.

:func:`plot_history` draws what ``model.fit`` returns; :func:`plot_confusion_matrix`
draws the counts of :func:`cnn_course.metrics.confusion_matrix`. Keras ``History``
objects are read through their plain ``.history`` attribute: no TensorFlow here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

from cnn_course._checks import positive_int
from cnn_course.metrics import confusion_matrix
from cnn_course.viz._style import MATRIX_CMAP, course_style
from cnn_course.viz.matrices import show_matrix

__all__ = ["plot_confusion_matrix", "plot_history", "plot_learning_rates", "plot_runs"]


def _per_epoch(ax: Any, title: str) -> None:
    """Title an axes of per-epoch values: whole epochs on the x axis, a light grid."""
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)


@course_style
def plot_history(history: Any, metrics: str | Sequence[str] = ("loss", "accuracy")) -> Figure:
    """Training curves: each metric on the training and (when present) validation data.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        What ``model.fit`` returns, or its ``.history`` dict (``{"loss": [...],
        "val_loss": [...], ...}``).
    metrics : str or sequence of str, default ("loss", "accuracy")

    Returns
    -------
    matplotlib.figure.Figure
        One axes per metric, x axis in epochs from 1.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_history({"loss": [0.5, 0.3], "val_loss": [0.4, 0.35],
    ...                     "accuracy": [0.8, 0.9], "val_accuracy": [0.85, 0.88]})
    >>> [ax.get_title() for ax in fig.axes], len(fig.axes[0].lines)
    (['loss', 'accuracy'], 2)
    >>> plt.close(fig)
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError("history must be a Keras History or a dict of metric lists")
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    missing = [m for m in names if m not in logs]
    if missing or not names:
        raise ValueError(
            f"the history has no {', '.join(map(repr, missing)) or 'metric to plot'}; "
            f"it has: {', '.join(logs)}"
        )
    fig, grid = plt.subplots(
        1, len(names), figsize=(3.3 * len(names), 2.6), layout="constrained", squeeze=False
    )
    for ax, metric in zip(grid[0], names, strict=True):
        for key, label in ((metric, "training"), (f"val_{metric}", "validation")):
            if key in logs:
                values = np.asarray(logs[key], dtype=float)
                ax.plot(
                    np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=label
                )
        _per_epoch(ax, metric)
        ax.legend()
    return fig


@course_style
def plot_runs(
    runs: Mapping[str, Any], metrics: str | Sequence[str] = ("val_loss", "val_accuracy")
) -> Figure:
    """One or more metrics of several fits, one line per fit: how the runs compare.

    Parameters
    ----------
    runs : mapping of str to History or dict
        A label and what ``model.fit`` returned (or its ``.history`` dict).
    metrics : str or sequence of str, default ("val_loss", "val_accuracy")
        The metrics to draw, one axes each (losses on a log scale).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_runs({"a": {"val_loss": [0.5, 0.4]}, "b": {"val_loss": [0.6, 0.3, 0.2]}},
    ...                 "val_loss")
    >>> [len(line.get_xdata()) for line in fig.axes[0].lines]
    [2, 3]
    >>> plt.close(fig)
    >>> plot_runs({"a": {"loss": [0.5]}}, "val_loss")
    Traceback (most recent call last):
    ...
    ValueError: the run 'a' has no 'val_loss'; it has: loss
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a dict {label: Keras History or dict of metric lists}")
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    logs = {}
    for label, history in runs.items():
        log = getattr(history, "history", history)
        if not isinstance(log, Mapping):
            raise TypeError(f"the run {label!r} must be a Keras History or a dict of metric lists")
        missing = [m for m in names if m not in log]
        if missing:
            raise ValueError(
                f"the run {label!r} has no {', '.join(map(repr, missing))}; "
                f"it has: {', '.join(log)}"
            )
        logs[label] = log
    fig, grid = plt.subplots(
        1, len(names), figsize=(4.2 * len(names), 2.8), layout="constrained", squeeze=False
    )
    for ax, metric in zip(grid[0], names, strict=True):
        for label, log in logs.items():
            values = np.asarray(log[metric], dtype=float)
            ax.plot(np.arange(1, len(values) + 1), values, label=str(label))
        if "loss" in metric:  # losses span decades: a log scale shows the late rises
            ax.set_yscale("log")
        _per_epoch(ax, metric.replace("val_", "validation "))
    grid[0][-1].legend(fontsize="small")
    return fig


@course_style
def plot_learning_rates(
    rates: Mapping[str, ArrayLike], steps_per_epoch: int | None = None
) -> Figure:
    """Learning-rate schedules, one line each: the rate at every optimizer step.

    Parameters
    ----------
    rates : mapping of str to array_like
        A label and the rate at each step (e.g. :func:`cnn_course.train.learning_rates`).
    steps_per_epoch : int, optional
        If given, the x axis counts epochs (step / steps per epoch) instead of steps.

    Returns
    -------
    matplotlib.figure.Figure
        One axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_learning_rates({"constant": [1e-3] * 10, "warm-up": np.linspace(0, 8e-3, 10)},
    ...                           steps_per_epoch=5)
    >>> ax = fig.axes[0]
    >>> len(ax.lines), ax.get_xlabel(), float(ax.lines[0].get_xdata()[-1])
    (2, 'epoch', 1.8)
    >>> plot_learning_rates({"oops": []})
    Traceback (most recent call last):
    ...
    ValueError: the learning rates of 'oops' must be a non-empty list of numbers, one per step
    """
    if not isinstance(rates, Mapping) or not rates:
        raise TypeError("rates must be a dict {label: learning rate at each step}")
    if steps_per_epoch is not None:
        steps_per_epoch = positive_int(steps_per_epoch, "the steps per epoch")
    _, ax = plt.subplots(figsize=(5.0, 2.6), layout="constrained")
    for label, values in rates.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or len(values) == 0:
            raise ValueError(
                f"the learning rates of {label!r} must be a non-empty list of numbers, one per step"
            )
        steps = np.arange(len(values), dtype=float)
        ax.plot(steps / steps_per_epoch if steps_per_epoch else steps, values, label=str(label))
    ax.set_xlabel("epoch" if steps_per_epoch else "optimizer step")
    ax.set_ylabel("learning rate")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax.figure


@course_style
def plot_confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, class_names: Sequence[str] | None = None
) -> Figure:
    """Draw the confusion matrix (true class down, predicted class across) with counts.

    Parameters
    ----------
    y_true, y_pred : array_like
        As in :func:`cnn_course.metrics.confusion_matrix`.
    class_names : sequence of str, optional
        Axis labels (default the class numbers); also fixes the number of classes.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; the title gives the accuracy.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], class_names=["a", "b", "c"])
    >>> fig.axes[0].get_title()
    'accuracy 0.750 (3 of 4)'
    >>> plt.close(fig)
    """
    counts = confusion_matrix(y_true, y_pred, None if class_names is None else len(class_names))
    k = counts.shape[0]
    names = [str(c) for c in class_names] if class_names is not None else list(map(str, range(k)))
    cell = min(0.36, 5.0 / k)
    _, ax = plt.subplots(figsize=(k * cell + 1.4, k * cell + 1.2), layout="constrained")
    show_matrix(counts, ax=ax, cmap=MATRIX_CMAP)
    long_names = max(map(len, names)) > 2
    ax.set_xticks(
        range(k), names, rotation=45 if long_names else 0, ha="right" if long_names else "center"
    )
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    correct, total = int(np.trace(counts)), int(counts.sum())
    ax.set_title(f"accuracy {correct / max(total, 1):.3f} ({correct} of {total})")
    return ax.figure
