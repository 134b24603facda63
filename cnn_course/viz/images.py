"""Images in grids: filters, feature maps, photos side by side, digits with their labels.

What a trained network holds, drawn as pictures: filters (:func:`show_kernels`), feature
maps (:func:`show_feature_maps`), images before and after a filter (:func:`side_by_side`)
and images with their true and predicted labels (:func:`show_images`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from cnn_course import _checks
from cnn_course.metrics import class_labels
from cnn_course.viz._style import (
    CELL_INCHES,
    FEATURE_CMAP,
    IMAGE_CMAP,
    WRONG_COLOR,
    _as_image,
    _grid_axes,
    _imshow,
    _titles,
    course_style,
)
from cnn_course.viz.matrices import show_matrix

__all__ = ["show_feature_maps", "show_images", "show_kernels", "side_by_side"]


def _how_many(available: int, limit: int | None, what: str) -> int:
    """All ``available`` panels, or only the first ``limit`` of them."""
    return available if limit is None else min(_checks.positive_int(limit, what), available)


def _kernel_images(kernels: Any, channel: int | None) -> list[NDArray]:
    """Filters as images: 2-D arrays (grayscale) or per-filter min–max normalised RGB."""
    if not isinstance(kernels, np.ndarray) and isinstance(kernels, Sequence):
        return [_as_image(k, "filter") for k in kernels]
    bank = np.asarray(kernels)
    if bank.ndim == 2:
        return [bank]
    if bank.ndim == 3:  # (f, f, K): K single-channel filters
        return [bank[:, :, k] for k in range(bank.shape[2])]
    if bank.ndim != 4:
        raise ValueError(
            f"filters must be a list of 2-D arrays or an (f, f, K) or (f, f, C, K) array, "
            f"got shape {bank.shape}"
        )
    n_channels = bank.shape[2]
    if channel is not None:
        channel = _checks.integer(channel, "channel", minimum=0, maximum=n_channels - 1)
        return [bank[:, :, channel, k] for k in range(bank.shape[3])]
    if n_channels == 1:
        return [bank[:, :, 0, k] for k in range(bank.shape[3])]
    if n_channels == 3:  # like AlexNet's first layer: each filter stretched to [0, 1]
        low = bank.min(axis=(0, 1, 2), keepdims=True)
        span = np.ptp(bank, axis=(0, 1, 2), keepdims=True)
        rgb = np.where(span > 0, (bank - low) / np.where(span > 0, span, 1), 0.5)
        return [rgb[:, :, :, k] for k in range(bank.shape[3])]
    raise ValueError(
        f"filters with {n_channels} input channels cannot be drawn as images; pass "
        f"channel=0..{n_channels - 1} to draw one input channel of every filter"
    )


@course_style
def show_kernels(
    kernels: Any,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    *,
    annotate: bool = False,
    channel: int | None = None,
    cmap: str = IMAGE_CMAP,
) -> Figure:
    """Draw a grid of filters.

    Parameters
    ----------
    kernels : list of 2-D arrays, or array of shape (f, f), (f, f, K) or (f, f, C, K)
        The filters; ``(f, f, C, K)`` is a Keras ``Conv2D`` kernel
        (``layer.get_weights()[0]``). With ``C = 3`` each filter is drawn in colour after
        a min–max normalisation of its own, like AlexNet's first-layer filters; with
        ``C = 1`` in grayscale; otherwise pick an input ``channel``.
    titles : sequence of str, optional
        One per filter; default the filter index.
    ncols : int, default 8
        Filters per row.
    annotate : bool, default False
        Draw each (2-D) filter with its numbers, like the slides' Sobel and Scharr.
    channel : int, optional
        Input channel to draw for an ``(f, f, C, K)`` bank.
    cmap : str, default "gray"
        Colour map of single-channel filters when not annotated.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per filter.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = show_kernels(np.random.default_rng(0).normal(size=(3, 3, 3, 10)))
    >>> len(fig.axes), fig.axes[0].images[0].get_array().shape
    (10, (3, 3, 3))
    >>> plt.close(fig)
    """
    images = _kernel_images(kernels, channel)
    names = _titles(titles, len(images), str)
    side = max(image.shape[0] for image in images)
    panel = (side * CELL_INCHES + 0.2, side * CELL_INCHES + 0.45) if annotate else (1.0, 1.2)
    fig, axes = _grid_axes(len(images), ncols, panel)
    for ax, image, name in zip(axes, images, names, strict=True):
        if annotate:
            show_matrix(image, ax=ax, title=name)
        else:
            _imshow(ax, image, cmap, name)
    return fig


@course_style
def show_feature_maps(
    maps: ArrayLike,
    ncols: int = 8,
    titles: Sequence[str] | None = None,
    max_maps: int | None = None,
    cmap: str = FEATURE_CMAP,
) -> Figure:
    """Draw the channels of an activation as a grid of images.

    Parameters
    ----------
    maps : array_like, shape (H, W, K) or (1, H, W, K)
        One activation (e.g. ``model.predict(x[:1])`` of a convolutional layer).
    ncols : int, default 8
    titles : sequence of str, optional
        One per drawn map; default the channel index.
    max_maps : int, optional
        Draw only the first ``max_maps`` channels.
    cmap : str, default "viridis"

    Returns
    -------
    matplotlib.figure.Figure
        One axes per drawn map.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = show_feature_maps(np.zeros((1, 26, 26, 32)), max_maps=16)
    >>> len(fig.axes), fig.axes[-1].get_title()
    (16, '15')
    >>> plt.close(fig)
    """
    arr = _checks.numeric_array(maps, "the feature maps")
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 3:
        raise ValueError(
            f"feature maps must have shape (H, W, K) or (1, H, W, K), got {np.shape(maps)}"
        )
    count = _how_many(arr.shape[2], max_maps, "max_maps")
    names = _titles(titles, count, str)
    fig, axes = _grid_axes(count, ncols, (1.1, 1.25))
    for k, (ax, name) in enumerate(zip(axes, names, strict=True)):
        _imshow(ax, arr[:, :, k], cmap, name)
    return fig


@course_style
def side_by_side(
    images: Sequence[ArrayLike], titles: Sequence[str] | None = None, cmap: str = IMAGE_CMAP
) -> Figure:
    """Draw images next to each other, e.g. a photo before and after a filter.

    Parameters
    ----------
    images : sequence of array_like, each (H, W), (H, W, 1) or (H, W, 3)
    titles : sequence of str, optional
    cmap : str, default "gray"
        Colour map of the grayscale images (each scaled to its own range).

    Returns
    -------
    matplotlib.figure.Figure
        One axes per image.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = side_by_side([np.eye(5), -np.eye(5)], titles=["before", "after"])
    >>> [ax.get_title() for ax in fig.axes]
    ['before', 'after']
    >>> plt.close(fig)
    """
    arrays = [_as_image(image) for image in images]
    names = _titles(titles, len(arrays), lambda k: "")
    fig, axes = _grid_axes(len(arrays), len(arrays), (3.0, 3.2))
    for ax, image, name in zip(axes, arrays, names, strict=True):
        _imshow(ax, image, cmap, name)
    return fig


@course_style
def show_images(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    predictions: ArrayLike | None = None,
    ncols: int = 10,
    class_names: Sequence[str] | None = None,
    max_images: int | None = None,
    cmap: str = IMAGE_CMAP,
) -> Figure:
    """Draw a grid of images (e.g. digits) with their true and predicted labels.

    Parameters
    ----------
    images : array_like, shape (N, H, W), (N, H, W, 1) or (N, H, W, 3)
    labels : array_like, optional
        True classes: labels ``(N,)`` or one-hot ``(N, classes)``.
    predictions : array_like, optional
        Predicted classes, or the model's scores ``(N, classes)`` (arg-maxed). A wrong
        prediction's title is red.
    ncols : int, default 10
    class_names : sequence of str, optional
        Names of the classes (default: the class numbers).
    max_images : int, optional
        Draw only the first ``max_images``.
    cmap : str, default "gray"

    Returns
    -------
    matplotlib.figure.Figure
        One axes per image.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = show_images(np.zeros((3, 28, 28)), labels=[7, 2, 1], predictions=[7, 2, 8])
    >>> [ax.get_title() for ax in fig.axes]
    ['true 7\\npred 7', 'true 2\\npred 2', 'true 1\\npred 8']
    >>> fig.axes[2].title.get_color() == WRONG_COLOR
    True
    >>> plt.close(fig)
    """
    arr = _checks.numeric_array(images, "the images")
    if arr.ndim not in (3, 4):
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, C), got {arr.shape}")
    count = _how_many(len(arr), max_images, "max_images")
    true = None if labels is None else class_labels(labels, "the labels")
    pred = None if predictions is None else class_labels(predictions, "the predictions")
    for name, values in (("labels", true), ("predictions", pred)):
        if values is not None and len(values) != len(arr):
            raise ValueError(f"got {len(values)} {name} for {len(arr)} images")

    def name(c: int) -> str:
        return str(class_names[c]) if class_names is not None else str(c)

    fig, axes = _grid_axes(count, ncols, (0.9, 1.15 if pred is not None else 1.0))
    for k, ax in enumerate(axes):
        parts = []
        if true is not None:
            parts.append(f"true {name(true[k])}" if pred is not None else name(true[k]))
        if pred is not None:
            parts.append(f"pred {name(pred[k])}")
        _imshow(ax, _as_image(arr[k]), cmap, "\n".join(parts))
        if true is not None and pred is not None and true[k] != pred[k]:
            ax.title.set_color(WRONG_COLOR)
    return fig
