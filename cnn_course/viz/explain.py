"""Figures for :mod:`cnn_course.explain`: what a convnet sees, drawn.

Each function takes the NumPy arrays that :mod:`cnn_course.explain` returns and
returns what it drew (never calls ``plt.show()``):

- :func:`show_first_layer_filters` -- the first layer's filters as small colour
  images (deck 001/003, "What do the filters learn?");
- :func:`show_feature_maps_by_depth` -- one row per layer, shallow to deep, the
  first channels of each;
- :func:`show_maximum_responses` -- the maximum-response images, layers × filters
  (deck 004, "Maximum response samples");
- :func:`plot_ascent` -- the objective along the gradient ascent;
- :func:`grad_cam_overlay` and :func:`show_grad_cam` -- a Grad-CAM heat-map over
  its photo;
- :func:`show_deep_dream` -- a photo before and after Deep Dream.

Only matplotlib and NumPy: drawing these needs neither TensorFlow nor
:mod:`cnn_course.explain`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cnn_course import _checks
from cnn_course.viz._style import FEATURE_CMAP, _grid_axes, _imshow, course_style
from cnn_course.viz.images import show_kernels, side_by_side

__all__ = [
    "grad_cam_overlay",
    "plot_ascent",
    "show_deep_dream",
    "show_feature_maps_by_depth",
    "show_first_layer_filters",
    "show_grad_cam",
    "show_maximum_responses",
]

PANEL = 1.1
"""Side of one small image (filter, feature map, maximum response), in inches."""


def _row_label(ax: Axes, text: str) -> None:
    """A row's name left of its first image (the axes are off, the label stays)."""
    ax.set_axis_on()
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_ylabel(text, rotation=0, ha="right", va="center")


def show_first_layer_filters(kernel: Any, ncols: int = 8, title: str | None = None) -> Figure:
    """Draw a first-layer filter bank (f, f, 3, K) as K small colour images.

    Each filter is stretched to [0, 1] on its own (see :func:`cnn_course.viz.show_kernels`),
    so the oriented edges and opposing colours the lecture describes stand out.

    Parameters
    ----------
    kernel : array_like, shape (f, f, C, K)
        E.g. :func:`cnn_course.explain.first_layer_filters`.
    ncols : int
        Filters per row.
    title : str, optional
        Default: "K filters of f×f×C".

    Examples
    --------
    >>> fig = show_first_layer_filters(np.random.default_rng(0).normal(size=(3, 3, 3, 32)))
    >>> len(fig.axes), fig.get_suptitle()
    (32, '32 filters of 3×3×3')
    >>> plt.close(fig)
    """
    bank = _checks.numeric_array(kernel, "a filter bank (f, f, C, K)", ndim=(4,))
    fig = show_kernels(bank, ncols=_checks.positive_int(ncols, "ncols"))
    f_h, f_w, channels, count = bank.shape
    fig.suptitle(title or f"{count} filters of {f_h}×{f_w}×{channels}")
    return fig


def _rows(arrays: Mapping[str, Any], what: str, ndim: int) -> dict[str, np.ndarray]:
    """Layer name -> array, each checked to have ``ndim`` dimensions."""
    if not arrays:
        raise ValueError(f"there are no {what} to draw")
    return {
        name: _checks.numeric_array(arr, f"the {what} of {name!r}", ndim=(ndim,))
        for name, arr in arrays.items()
    }


@course_style
def show_feature_maps_by_depth(
    maps: Mapping[str, Any], channels: int = 8, cmap: str = FEATURE_CMAP
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
    channels = _checks.positive_int(channels, "channels (maps per row)")
    arrays = _rows(maps, "feature maps (H, W, K)", 3)
    fig, axes = _grid_axes(len(arrays) * channels, channels, (PANEL, PANEL))
    for r, (name, arr) in enumerate(arrays.items()):
        row = axes[r * channels : (r + 1) * channels]
        height, width, count = arr.shape
        for k, ax in enumerate(row):
            if k < count:
                _imshow(ax, arr[:, :, k], cmap)
            else:
                ax.set_axis_off()
        _row_label(row[0], f"{name}\n{height}×{width}×{count}")
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
    rows = _rows(responses, "images (N, H, W, C)", 4)
    counts = {len(images) for images in rows.values()}
    if len(counts) != 1:
        raise ValueError("each layer needs the same number of images, as (N, H, W, C)")
    count = counts.pop()
    labels = list(range(count)) if filter_indices is None else list(filter_indices)
    if len(labels) != count:
        raise ValueError(f"got {len(labels)} filter indices for {count} images per layer")
    fig, axes = _grid_axes(len(rows) * count, count, (1.4, 1.4))
    for r, (name, images) in enumerate(rows.items()):
        row = axes[r * count : (r + 1) * count]
        for ax, image, label in zip(row, images, labels, strict=True):
            title = f"filter {label}" if r == 0 else None
            _imshow(ax, image[:, :, 0] if image.shape[2] == 1 else image, "gray", title)
        _row_label(row[0], name)
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
        values = _checks.numeric_array(values, "a history (one value per step)", ndim=(1,))
        ax.plot(np.arange(1, len(values) + 1), values, label=name or None)
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    if any(curves):
        ax.legend()
    return fig


def _photo(image: Any) -> np.ndarray:
    """An RGB photo (H, W, 3) as uint8; grayscale (H, W) is copied to R, G and B."""
    rgb = _checks.numeric_array(image, "the image", ndim=(2, 3))
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    if rgb.shape[2] != 3:
        raise ValueError(f"the image must have shape (height, width, 3), got {rgb.shape}")
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _heatmap(heatmap: Any) -> np.ndarray:
    return _checks.numeric_array(heatmap, "a heat-map (height, width)", ndim=(2,)).astype(float)


def grad_cam_overlay(
    image: Any, heatmap: Any, alpha: float = 0.4, cmap: str = "jet", ax: Axes | None = None
) -> Axes:
    """Draw a heat-map, coloured with ``cmap``, over the image it explains.

    The heat-map is stretched over the whole photo with bilinear smoothing, each of
    its cells centred on the patch of the photo it summarises (matplotlib resamples
    it while drawing; :func:`cnn_course.explain.upsample_heatmap` gives the same
    enlargement as an array, for computing with it).

    Parameters
    ----------
    image : array_like
        (H, W, 3) ``uint8`` or float in [0, 255] (grayscale (H, W) is accepted).
    heatmap : array_like
        (H', W') in [0, 1], e.g. from :func:`cnn_course.explain.grad_cam`.
    alpha : float
        Opacity of the heat-map's colour (0: image only, 1: heat-map only).
    cmap : str
        A matplotlib colour map.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = grad_cam_overlay(np.zeros((32, 48, 3), np.uint8), np.ones((4, 6)), alpha=0.5)
    >>> heat = ax.images[1]  # drawn over the photo, edge to edge
    >>> heat.get_extent(), heat.get_alpha(), heat.get_interpolation()
    ([-0.5, 47.5, 31.5, -0.5], 0.5, 'bilinear')
    >>> plt.close(ax.figure)
    """
    rgb, heat = _photo(image), _heatmap(heatmap)
    alpha = _checks.real(alpha, "alpha", 0.0, 1.0)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4 * rgb.shape[0] / rgb.shape[1]), layout="constrained")
    height, width = rgb.shape[:2]
    ax.imshow(rgb)
    ax.imshow(
        heat,
        cmap=cmap,
        vmin=0,
        vmax=1,
        alpha=alpha,
        interpolation="bilinear",
        interpolation_stage="data",  # colour the smoothed heat, as upsample_heatmap would
        extent=(-0.5, width - 0.5, height - 0.5, -0.5),
    )
    ax.set_axis_off()
    return ax


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
        Opacity of the heat-map colour in the blend.
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
    rgb, heat = _photo(image), _heatmap(heatmap)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.3), layout="constrained")
    _imshow(axes[0], rgb, "gray", "image")
    shown = axes[1].imshow(heat, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    axes[1].set_title(f"Grad-CAM {heat.shape[0]}×{heat.shape[1]}")
    axes[1].set_axis_off()
    fig.colorbar(shown, ax=axes[1], shrink=0.8)
    grad_cam_overlay(rgb, heat, alpha=alpha, cmap=cmap, ax=axes[2])
    axes[2].set_title("overlay")
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
    return side_by_side([first, second], titles=titles)
