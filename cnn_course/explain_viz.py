"""Figures for :mod:`cnn_course.explain`: what a convnet sees, drawn.

Each function takes the NumPy arrays that :mod:`cnn_course.explain` returns and
returns a :class:`~matplotlib.figure.Figure` (never calls ``plt.show()``):

- :func:`show_first_layer_filters` -- the first layer's filters as small colour
  images (deck 001/003, "What do the filters learn?");
- :func:`show_feature_maps_by_depth` -- one row per layer, shallow to deep, the
  first channels of each;
- :func:`show_maximum_responses` -- the maximum-response images, layers × filters
  (deck 004, "Maximum response samples");
- :func:`plot_ascent` -- the objective along the gradient ascent;
- :func:`show_grad_cam` -- photo, Grad-CAM heat-map and the two blended;
- :func:`show_deep_dream` -- a photo before and after Deep Dream.

Like :mod:`cnn_course.viz`, only matplotlib and NumPy are imported: nothing here
needs TensorFlow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnn_course import viz

# viz's decorator applies the course's font sizes while a figure is drawn and puts
# back exactly those settings (see its docstring for why not plt.rc_context).
course_style = viz.course_style

__all__ = [
    "plot_ascent",
    "show_deep_dream",
    "show_feature_maps_by_depth",
    "show_first_layer_filters",
    "show_grad_cam",
    "show_maximum_responses",
]

PANEL = 1.1
"""Side of one small image (filter, feature map, maximum response), in inches."""


def show_first_layer_filters(kernel: Any, ncols: int = 8, title: str | None = None) -> Figure:
    """Draw a first-layer filter bank (f, f, 3, K) as K small colour images.

    Each filter is stretched to [0, 1] on its own (see :func:`cnn_course.viz.show_kernels`),
    so the oriented edges and opposing colours the lecture describes stand out.

    Parameters
    ----------
    kernel : array_like, shape (f, f, C, K)
        E.g. :func:`cnn_course.explain.first_layer_filters`.
    ncols : int
    title : str, optional
        Default: "K filters of f×f×C".

    Examples
    --------
    >>> fig = show_first_layer_filters(np.random.default_rng(0).normal(size=(3, 3, 3, 32)))
    >>> len(fig.axes), fig.get_suptitle()
    (32, '32 filters of 3×3×3')
    >>> plt.close(fig)
    """
    bank = np.asarray(kernel)
    if bank.ndim != 4:
        raise ValueError(f"a filter bank has shape (f, f, C, K), got {bank.shape}")
    fig = viz.show_kernels(bank, ncols=ncols)
    f_h, f_w, channels, count = bank.shape
    fig.suptitle(title or f"{count} filters of {f_h}×{f_w}×{channels}")
    return fig


@course_style
def show_feature_maps_by_depth(
    maps: Mapping[str, Any], channels: int = 8, cmap: str = viz.FEATURE_CMAP
) -> Figure:
    """Draw feature maps from shallow to deep: one row per layer, its first ``channels`` maps.

    Parameters
    ----------
    maps : dict
        Layer name -> activation (H, W, K), in order (e.g.
        :func:`cnn_course.explain.feature_maps`).
    channels : int
        Maps per row.
    cmap : str

    Examples
    --------
    >>> maps = {"conv1": np.zeros((32, 32, 16)), "conv2": np.ones((8, 8, 4))}
    >>> fig = show_feature_maps_by_depth(maps, channels=6)
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (12, 'conv1\\n32×32×16')
    >>> plt.close(fig)
    """
    if not maps:
        raise ValueError("there are no feature maps to draw")
    if isinstance(channels, bool) or not isinstance(channels, int) or channels < 1:
        raise ValueError(f"channels must be a positive whole number, got {channels!r}")
    arrays = {}
    for name, act in maps.items():
        arr = np.asarray(act)
        if arr.ndim != 3:
            raise ValueError(f"the feature maps of {name!r} must be (H, W, K), got {arr.shape}")
        arrays[name] = arr
    fig, grid = plt.subplots(
        len(arrays),
        channels,
        figsize=(min(viz.MAX_WIDTH, channels * PANEL + 0.8), len(arrays) * PANEL),
        squeeze=False,
        layout="constrained",
    )
    for row, (name, arr) in zip(grid, arrays.items(), strict=True):
        height, width, count = arr.shape
        for k, ax in enumerate(row):
            ax.set_xticks([])
            ax.set_yticks([])
            if k < count:
                ax.imshow(arr[:, :, k], cmap=cmap, interpolation="nearest")
            else:
                ax.set_frame_on(False)
        row[0].set_ylabel(f"{name}\n{height}×{width}×{count}", rotation=0, ha="right", va="center")
    return fig


@course_style
def show_maximum_responses(
    responses: Mapping[str, Any], filter_indices: Sequence[int] | None = None
) -> Figure:
    """Draw maximum-response images: one row per layer, one column per filter.

    Parameters
    ----------
    responses : dict
        Layer name -> images (N, H, W, C), shallow to deep (e.g.
        :func:`cnn_course.explain.maximum_responses`).
    filter_indices : sequence of int, optional
        The filter number of each column, for the titles.

    Examples
    --------
    >>> images = np.zeros((3, 16, 16, 3), np.uint8)
    >>> fig = show_maximum_responses({"conv1": images, "conv2": images}, [0, 5, 7])
    >>> len(fig.axes), fig.axes[1].get_title(), fig.axes[3].get_ylabel()
    (6, 'filter 5', 'conv2')
    >>> plt.close(fig)
    """
    if not responses:
        raise ValueError("there are no images to draw")
    rows = {name: np.asarray(images) for name, images in responses.items()}
    counts = {len(images) for images in rows.values()}
    if len(counts) != 1 or any(images.ndim != 4 for images in rows.values()):
        raise ValueError("each layer needs the same number of images, as (N, H, W, C)")
    count = counts.pop()
    labels = list(range(count)) if filter_indices is None else list(filter_indices)
    if len(labels) != count:
        raise ValueError(f"got {len(labels)} filter indices for {count} images per layer")
    fig, grid = plt.subplots(
        len(rows),
        count,
        figsize=(min(viz.MAX_WIDTH, count * 1.4 + 0.8), len(rows) * 1.4),
        squeeze=False,
        layout="constrained",
    )
    for r, (row, (name, images)) in enumerate(zip(grid, rows.items(), strict=True)):
        for ax, image, label in zip(row, images, labels, strict=True):
            ax.imshow(image[:, :, 0] if image.shape[2] == 1 else image, cmap="gray")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(f"filter {label}")
        row[0].set_ylabel(name, rotation=0, ha="right", va="center")
    return fig


@course_style
def plot_ascent(histories: Any, ylabel: str = "objective") -> Figure:
    """Plot the objective along the gradient ascent (it should go up).

    Parameters
    ----------
    histories : array_like or dict
        One history, or name -> history (several curves).
    ylabel : str

    Examples
    --------
    >>> fig = plot_ascent({"filter 0": [0.1, 0.5, 0.9], "filter 1": [0.2, 0.3, 0.4]})
    >>> len(fig.axes[0].lines), fig.axes[0].get_xlabel()
    (2, 'step')
    >>> plt.close(fig)
    """
    curves = dict(histories) if isinstance(histories, Mapping) else {"": histories}
    fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
    for name, values in curves.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"a history is one value per step, got shape {values.shape}")
        ax.plot(np.arange(1, len(values) + 1), values, label=name or None)
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    if any(curves):
        ax.legend()
    return fig


@course_style
def show_grad_cam(
    image: Any,
    heatmap: Any,
    alpha: float = 0.4,
    cmap: str = "jet",
    title: str | None = None,
) -> Figure:
    """Draw the photo, its Grad-CAM heat-map (at the layer's resolution) and both blended.

    Parameters
    ----------
    image : array_like
        (H, W, 3), ``uint8`` or float in [0, 255]: the image the model saw.
    heatmap : array_like
        (H', W') in [0, 1] from :func:`cnn_course.explain.grad_cam`.
    alpha : float
        Weight of the heat-map colour in the blend.
    cmap : str
    title : str, optional
        Title of the figure (e.g. the class).

    Examples
    --------
    >>> fig = show_grad_cam(np.zeros((32, 32, 3), np.uint8), np.eye(4), title="cat")
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['image', 'Grad-CAM 4×4', 'overlay']
    >>> plt.close(fig)
    """
    # grad_cam_overlay needs TensorFlow (resizing): import it only when drawing.
    from cnn_course.explain import grad_cam_overlay

    heat = np.asarray(heatmap, dtype=float)
    overlay = grad_cam_overlay(image, heat, alpha=alpha, cmap=cmap)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.3), layout="constrained")
    axes[0].imshow(np.asarray(image).astype(np.uint8))
    axes[0].set_title("image")
    shown = axes[1].imshow(heat, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    axes[1].set_title(f"Grad-CAM {heat.shape[0]}×{heat.shape[1]}")
    fig.colorbar(shown, ax=axes[1], shrink=0.8)
    axes[2].imshow(overlay)
    axes[2].set_title("overlay")
    for ax in axes:
        ax.set_axis_off()
    if title:
        fig.suptitle(title)
    return fig


def show_deep_dream(
    before: Any, after: Any, titles: Sequence[str] = ("before", "after Deep Dream")
) -> Figure:
    """Draw a photo and its Deep Dream side by side.

    Examples
    --------
    >>> fig = show_deep_dream(np.zeros((8, 8, 3), np.uint8), np.ones((8, 8, 3), np.uint8))
    >>> [ax.get_title() for ax in fig.axes]
    ['before', 'after Deep Dream']
    >>> plt.close(fig)
    """
    first, second = np.asarray(before), np.asarray(after)
    if first.shape != second.shape:
        raise ValueError(
            f"the two images must have the same shape, got {first.shape} and {second.shape}"
        )
    return viz.side_by_side([first, second], titles=titles)
