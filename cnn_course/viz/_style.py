"""The course look, shared by every figure module (private).

One look for the whole course: the colours and sizes are the constants below, and the
font sizes of :data:`COURSE_RC` are applied only while a figure is drawn (the
:func:`course_style` decorator) — importing or calling a figure function leaves
matplotlib's global settings as they were. The helpers here are the ones several figure
modules share: a grid of axes, its titles, an image drawn without axes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from cnn_course import _checks

__all__ = [
    "CELL_INCHES",
    "COURSE_RC",
    "FEATURE_CMAP",
    "GRID_COLOR",
    "HIGHLIGHT_COLOR",
    "IMAGE_CMAP",
    "MATRIX_CMAP",
    "MAX_HEIGHT",
    "MAX_WIDTH",
    "PADDING_COLOR",
    "SIGNED_CMAP",
    "UNSEEN_COLOR",
    "WRONG_COLOR",
    "course_style",
]

MATRIX_CMAP = "Blues"
"""Colour map of matrices whose entries are all >= 0 (images, counts)."""
SIGNED_CMAP = "RdBu_r"
"""Colour map of matrices with negative entries (filters, outputs), centred on 0."""
IMAGE_CMAP = "gray"
"""Colour map of grayscale images and single-channel filters."""
FEATURE_CMAP = "viridis"
"""Colour map of feature maps."""
HIGHLIGHT_COLOR = "#d62728"
"""Outline of the current window (red)."""
WRONG_COLOR = "#d62728"
"""Title colour of a wrong prediction."""
PADDING_COLOR = "#dcdcdc"
"""Fill of zero-padding cells (light grey)."""
UNSEEN_COLOR = "#d62728"
"""Hatching of the pixels no window ever covers."""
GRID_COLOR = "#4d4d4d"
"""Lines between the cells of a matrix."""
CELL_INCHES = 0.38
"""Side of one matrix cell in a new figure (smaller when the matrix is large)."""
MAX_WIDTH = 9.0
"""Widest figure, in inches, so that notebooks read well on GitHub and Colab."""
MAX_HEIGHT = 6.0
"""Tallest matrix figure, in inches."""

COURSE_RC: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 11,
    "axes.titlepad": 4,
    "hatch.linewidth": 0.8,
}
"""matplotlib settings applied (only) while the course's figures are drawn."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def course_style(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Draw with the settings of :data:`COURSE_RC`, then put back exactly those settings.

    Not ``plt.rc_context``: that restores *every* setting on exit, and when the first
    figure of a Jupyter kernel is drawn inside it, it would also undo the
    ``interactive = True`` that loading the inline backend sets — after which no figure
    would show up at the end of a cell any more.

    Examples
    --------
    >>> before = plt.rcParams["font.size"]
    >>> course_style(lambda: plt.rcParams["font.size"])() == COURSE_RC["font.size"]
    True
    >>> plt.rcParams["font.size"] == before
    True
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        saved = {key: plt.rcParams[key] for key in COURSE_RC}
        plt.rcParams.update(COURSE_RC)
        try:
            return func(*args, **kwargs)
        finally:
            plt.rcParams.update(saved)

    return wrapper


def _grid_axes(n: int, ncols: int, panel: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    """A figure with ``n`` axes in rows of ``ncols`` (the unused slots removed).

    ``panel`` is the (width, height) of one axes in inches; the whole figure is scaled
    down to :data:`MAX_WIDTH` when the row would be wider.
    """
    if n < 1:
        raise ValueError("there is nothing to draw (no images)")
    ncols = min(_checks.positive_int(ncols, "ncols (images per row)"), n)
    nrows = math.ceil(n / ncols)
    scale = min(1.0, MAX_WIDTH / (ncols * panel[0]))
    fig, grid = plt.subplots(
        nrows,
        ncols,
        figsize=(ncols * panel[0] * scale, nrows * panel[1] * scale),
        layout="constrained",
        squeeze=False,
    )
    axes = list(grid.ravel())
    for ax in axes[n:]:
        ax.remove()
    return fig, axes[:n]


def _titles(titles: Sequence[str] | None, n: int, default: Callable[[int], str]) -> list[str]:
    """``n`` titles: the given ones (checked to be ``n``) or ``default(k)`` for each."""
    if titles is None:
        return [default(k) for k in range(n)]
    titles = list(titles)
    if len(titles) != n:
        raise ValueError(f"got {len(titles)} titles for {n} images")
    return [str(t) for t in titles]


def _imshow(ax: Axes, image: NDArray, cmap: str, title: str | None = None) -> None:
    """An image without axes: grayscale with ``cmap``, RGB as it is."""
    ax.imshow(image, cmap=cmap if image.ndim == 2 else None, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def _as_image(image: ArrayLike, what: str = "image") -> NDArray:
    """An image to draw: (H, W) or (H, W, 3|4); a channel axis of length 1 is dropped."""
    arr = _checks.numeric_array(image, f"the {what}", ndim=(2, 3))
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] not in (3, 4):
        raise ValueError(f"the {what} must be (H, W), (H, W, 1) or (H, W, 3), got {arr.shape}")
    return arr
