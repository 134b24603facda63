"""Figures of the course: matrices drawn like the slides, filters, feature maps, curves.

The slides draw small matrices with a number in every cell — the 6×6 image, the 3×3
filter, the 4×4 output — and slide a window over them. :func:`show_matrix` draws one
such matrix; :func:`show_convolution`, :func:`show_pooling` and
:func:`show_stride_windows` put several together the way the slides do. The other
functions draw what a trained network holds: filters (:func:`show_kernels`), feature maps
(:func:`show_feature_maps`), images with their predicted labels (:func:`show_images`),
training curves (:func:`plot_history`) and a confusion matrix
(:func:`plot_confusion_matrix`).

Conventions
-----------
* Every function returns what it drew: the :class:`~matplotlib.axes.Axes` for the two
  functions that can draw into an ``ax`` you pass (:func:`show_matrix`,
  :func:`show_stride_windows`), the :class:`~matplotlib.figure.Figure` for all others.
  None calls ``plt.show()``. In a notebook the figure appears at the end of the cell;
  assign the result (``fig = show_pooling(x)``) or end the line with ``;`` so that it is
  not displayed a second time as the cell's value.
* One look for the whole course: the colours and sizes are the constants below, and the
  font sizes of :data:`COURSE_RC` are applied only while a figure is drawn — importing
  or calling this module leaves matplotlib's global settings as they were.
* Numbers are written as the slides write them: integers as integers, other values
  compactly (``2.25``, ``0.333``), see :func:`format_number`.

Only matplotlib and NumPy are imported here; TensorFlow is never needed (Keras
``History`` objects and tensors are read through their plain attributes / NumPy).
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Integral
from typing import Any, ParamSpec, TypeVar

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from cnn_course import ops

__all__ = [
    "COURSE_RC",
    "confusion_matrix",
    "describe_unseen",
    "format_number",
    "output_size_or_reason",
    "plot_confusion_matrix",
    "plot_history",
    "show_convolution",
    "show_feature_maps",
    "show_images",
    "show_kernels",
    "show_matrix",
    "show_pooling",
    "show_stride_windows",
    "side_by_side",
    "step_products",
    "unseen_pixels",
]

# --------------------------------------------------------------------------- course look

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


def _window_colors(n: int) -> tuple[NDArray, NDArray]:
    """Colours of ``n`` windows: ``(edges, fills)``, shape (n, 4) each.

    The edges are matplotlib's ``tab10`` colours (cycling after ten windows); the fills
    are the same colours mixed with 60 % white, light enough to write numbers on.
    """
    base = matplotlib.colormaps["tab10"].colors  # type: ignore[attr-defined]
    edges = np.array([to_rgba(base[k % len(base)]) for k in range(n)]).reshape(n, 4)
    fills = 0.6 + 0.4 * edges
    fills[:, 3] = 1.0
    return edges, fills


# --------------------------------------------------------------------------- numbers


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


def _size(h: int, w: int) -> str:
    return f"{h}×{w}"


# --------------------------------------------------------------------------- matrices


def _as_matrix(m: ArrayLike, what: str = "matrix") -> NDArray:
    """A 2-D numeric array; a trailing channel axis of length 1 is dropped."""
    arr = np.asarray(m)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"the {what} must be a non-empty 2-D array, got shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"the {what} must hold numbers, got an array of dtype {arr.dtype}")
    return arr


def _cell_mask(
    cells: ArrayLike | Iterable[tuple[int, int]] | None, shape: tuple[int, int]
) -> NDArray:
    """A boolean mask of ``shape`` from a boolean array or from (row, col) pairs."""
    mask = np.zeros(shape, dtype=bool)
    if cells is None:
        return mask
    arr = np.asarray(cells)
    if arr.dtype == bool:
        if arr.shape != shape:
            raise ValueError(f"a cell mask must have the matrix's shape {shape}, got {arr.shape}")
        return arr.copy()
    pairs = arr.reshape(-1, 2) if arr.size else np.empty((0, 2), dtype=int)
    mask[pairs[:, 0], pairs[:, 1]] = True
    return mask


def _as_windows(highlight: Any) -> list[tuple[int, int, int, int]]:
    """``(row, col, h, w)`` or a sequence of them -> a list of windows."""
    if highlight is None:
        return []
    if len(highlight) == 4 and all(isinstance(v, Integral) for v in highlight):
        return [tuple(int(v) for v in highlight)]  # type: ignore[list-item]
    windows = [tuple(int(v) for v in window) for window in highlight]
    if any(len(window) != 4 for window in windows):
        raise ValueError("a highlighted window is (row, col, height, width)")
    return windows  # type: ignore[return-value]


def _cell_colors(m: NDArray, cmap: str | None, vmin: float | None, vmax: float | None) -> NDArray:
    """RGBA colour of every cell.

    By default (``cmap=None``) the course's maps are used in a lighter band, so that the
    numbers stay the main thing: ``"Blues"`` for matrices >= 0, ``"RdBu_r"`` centred on
    0 when there are negative entries. An explicit ``cmap`` is used over its full range.
    """
    values = m.astype(float)
    finite = values[np.isfinite(values)]
    band = (0.0, 1.0)
    if cmap is None:
        signed = finite.size > 0 and finite.min() < 0
        cmap, band = (SIGNED_CMAP, (0.15, 0.85)) if signed else (MATRIX_CMAP, (0.0, 0.75))
        if signed and vmin is None and vmax is None:
            vmax = float(np.abs(finite).max())
            vmin = -vmax
    if finite.size:
        vmin = float(finite.min()) if vmin is None else vmin
        vmax = float(finite.max()) if vmax is None else vmax
    scaled = Normalize(vmin=vmin, vmax=vmax, clip=True)(np.nan_to_num(values))
    rgba = matplotlib.colormaps[cmap](band[0] + (band[1] - band[0]) * np.asarray(scaled))
    return np.asarray(rgba, dtype=float)


def _text_color(rgba: Sequence[float]) -> str:
    """Black on light cells, white on dark ones (relative luminance)."""
    r, g, b = rgba[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def _cell_inches(ax: Axes, shape: tuple[int, int]) -> float:
    """Side of one cell of a matrix drawn in ``ax`` (before layout: an estimate)."""
    fig_w, fig_h = ax.figure.get_size_inches()
    box = ax.get_position()
    return min(box.width * fig_w / shape[1], box.height * fig_h / shape[0])


def _auto_fontsize(cell: float, labels: Iterable[str]) -> float:
    """Largest font (points, at most 11) that fits the longest number in a cell."""
    points = cell * 72
    longest = max((len(label) for label in labels), default=1)
    return min(11.0, 0.45 * points, 0.85 * points / (0.6 * max(longest, 1)))


def _new_matrix_axes(
    shape: tuple[int, int], cell: float = CELL_INCHES, min_width: float = 0.0
) -> Axes:
    rows, cols = shape
    cell = min(cell, MAX_WIDTH / cols, MAX_HEIGHT / rows)
    width = max(cols * cell + 0.3, min_width)
    _, ax = plt.subplots(figsize=(width, rows * cell + 0.7), layout="constrained")
    return ax


def _outline(
    ax: Axes,
    row: float,
    col: float,
    h: float,
    w: float,
    color: Any = HIGHLIGHT_COLOR,
    linewidth: float = 2.5,
    inset: float = 0.0,
    gid: str = "highlight",
) -> Rectangle:
    """Outline the ``h×w`` block of cells whose top-left cell is (row, col)."""
    rect = Rectangle(
        (col - 0.5 + inset, row - 0.5 + inset),
        w - 2 * inset,
        h - 2 * inset,
        fill=False,
        edgecolor=color,
        linewidth=linewidth,
        zorder=4,
        gid=gid,
    )
    ax.add_patch(rect)
    return rect


def _hatch_cells(ax: Axes, mask: NDArray) -> None:
    """Hatch the cells of ``mask`` (pixels that no window covers)."""
    for i, j in zip(*np.nonzero(mask), strict=True):
        ax.add_patch(
            Rectangle(
                (j - 0.5, i - 0.5),
                1,
                1,
                fill=False,
                hatch="///",
                edgecolor=UNSEEN_COLOR,
                linewidth=0,
                zorder=3,
                gid="unseen",
            )
        )


@course_style
def show_matrix(
    m: ArrayLike,
    ax: Axes | None = None,
    title: str | None = None,
    highlight: Any = None,
    fmt: str | None = None,
    cmap: str | None = None,
    fontsize: float | None = None,
    *,
    shade: Any = None,
    hatch: Any = None,
    hide: Any = None,
    bold: Any = None,
    colors: ArrayLike | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    annotate: bool | None = None,
) -> Axes:
    """Draw a 2-D matrix like the slides: a grid with the number written in every cell.

    Parameters
    ----------
    m : array_like, shape (H, W)
        The matrix (a trailing channel axis of length 1 is dropped).
    ax : matplotlib Axes, optional
        Where to draw; a new figure sized for the matrix otherwise.
    title : str, optional
        Axes title.
    highlight : (row, col, h, w) or sequence of them, optional
        Window(s) to outline in red — the current position of the filter.
    fmt : str, optional
        Format of the numbers (e.g. ``".1f"``); default :func:`format_number`.
    cmap : str, optional
        Colour map; default ``"Blues"``, or ``"RdBu_r"`` centred on 0 when the matrix
        has negative entries.
    fontsize : float, optional
        Size of the numbers; default: as large as fits the cells.
    shade : bool array or (row, col) pairs, optional
        Cells drawn greyed out, e.g. zero padding (their number is written in grey).
    hatch : bool array or (row, col) pairs, optional
        Cells hatched in red, e.g. pixels a stride never sees.
    hide : bool array or (row, col) pairs, optional
        Cells left blank (no colour, no number), e.g. outputs not yet computed.
    bold : bool array or (row, col) pairs, optional
        Cells whose number is written in bold, e.g. the maximum of a pooling window.
    colors : array_like, shape (H, W, 4), optional
        Explicit RGBA colour of every cell, instead of ``cmap``.
    vmin, vmax : float, optional
        Range of the colour map.
    annotate : bool, optional
        Write the numbers; default: when they fit (cells of at least ~5 points).

    Returns
    -------
    matplotlib.axes.Axes
        The axes; the numbers are its ``ax.texts``, in row-major order, and the
        outlines its patches with gid ``"highlight"``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = show_matrix([[1, 3, 2, 1], [2, 9, 1, 1]], highlight=(0, 0, 2, 2))
    >>> [t.get_text() for t in ax.texts]
    ['1', '3', '2', '1', '2', '9', '1', '1']
    >>> [p.get_xy() for p in ax.patches if p.get_gid() == "highlight"]
    [(-0.5, -0.5)]
    >>> plt.close(ax.figure)
    """
    mat = _as_matrix(m)
    shape = mat.shape
    if ax is None:
        ax = _new_matrix_axes(shape)
    if colors is None:
        rgba = _cell_colors(mat, cmap, vmin, vmax)
    else:
        rgba = np.array(colors, dtype=float)
        if rgba.shape != (*shape, 4):
            raise ValueError(f"colors must have shape {(*shape, 4)}, got {rgba.shape}")
    shaded = _cell_mask(shade, shape)
    hidden = _cell_mask(hide, shape)
    rgba[shaded] = to_rgba(PADDING_COLOR)
    rgba[hidden] = (1.0, 1.0, 1.0, 1.0)

    ax.imshow(rgba, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if max(shape) <= 40:  # beyond that the lines would hide the cells
        ax.set_xticks(np.arange(-0.5, shape[1]), minor=True)
        ax.set_yticks(np.arange(-0.5, shape[0]), minor=True)
        ax.grid(which="minor", color=GRID_COLOR, linewidth=0.8)
    ax.tick_params(which="both", length=0)

    labels = {(i, j): format_number(v, fmt) for (i, j), v in np.ndenumerate(mat)}
    size = fontsize or _auto_fontsize(_cell_inches(ax, shape), labels.values())
    if annotate or (annotate is None and size >= 5):
        heavy = _cell_mask(bold, shape)
        for (i, j), label in labels.items():
            if hidden[i, j]:
                continue
            ax.text(
                j,
                i,
                label,
                ha="center",
                va="center",
                fontsize=max(size, 4),
                color="#707070" if shaded[i, j] else _text_color(rgba[i, j]),
                fontweight="bold" if heavy[i, j] else "normal",
                gid="value",
            )
    _hatch_cells(ax, _cell_mask(hatch, shape))
    for row, col, h, w in _as_windows(highlight):
        _outline(ax, row, col, h, w)
    if title is not None:
        ax.set_title(title)
    return ax


def _equation_figure(
    shapes: Sequence[tuple[int, int]],
    operators: Sequence[str],
    footer: str | None = None,
    suptitle: str | None = None,
) -> tuple[Figure, list[Axes]]:
    """Matrices side by side with an operator between them (``A ∗ B = C``).

    Cells have the same size in every panel (up to small filters next to large images);
    the width ratios of a fixed grid (no automatic layout) make that exact, and put each
    operator half-way between panels.
    """
    # Panel widths in cells of the largest matrix; a small filter next to a large image
    # is enlarged to a fifth of it so that it stays visible.
    widest = max(c for _, c in shapes)
    panels = [max(c, 0.2 * widest) for _, c in shapes]
    gap = max(1.4, 0.08 * widest)  # width of an operator column
    total_cols = sum(panels) + gap * len(operators)
    rows = max(r for r, _ in shapes)
    cell = min(CELL_INCHES, MAX_WIDTH / total_cols, MAX_HEIGHT / rows)
    width = total_cols * cell + 0.3
    lines = footer.splitlines() if footer else []
    if footer:
        chars = int(width * 72 / (0.55 * 9))
        lines = textwrap.wrap(footer, chars, break_on_hyphens=False)
    top = 0.4 + (0.3 if suptitle else 0.0)
    bottom = 0.15 + 0.2 * len(lines)
    height = rows * cell + top + bottom

    fig = plt.figure(figsize=(width, height))
    ratios: list[float] = []
    for k, cols in enumerate(panels):
        ratios += [cols] if k == 0 else [gap, cols]
    grid = fig.add_gridspec(
        1,
        len(ratios),
        width_ratios=ratios,
        left=0.15 / width,
        right=1 - 0.15 / width,
        bottom=bottom / height,
        top=1 - top / height,
        wspace=0,
    )
    axes = [fig.add_subplot(grid[0, 2 * k]) for k in range(len(shapes))]
    for k, op in enumerate(operators):
        box = grid[0, 2 * k + 1].get_position(fig)
        fig.text(
            (box.x0 + box.x1) / 2,
            (box.y0 + box.y1) / 2,
            op,
            ha="center",
            va="center",
            fontsize=16,
            gid="operator",
        )
    if lines:
        fig.text(
            0.5,
            (0.1 + 0.1 * len(lines)) / height,
            "\n".join(lines),
            ha="center",
            va="center",
            gid="footer",
        )
    if suptitle:
        fig.suptitle(suptitle, y=1 - 0.12 / height, va="top")
    return fig, axes


# --------------------------------------------------------------------------- convolution


def _padding_amounts(
    padding: int | str, shape: tuple[int, ...], kernel_shape: tuple[int, ...], stride: int
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Zeros before/after the rows and the columns, as :func:`cnn_course.ops.conv2d` pads."""
    if isinstance(padding, str):
        if padding.lower() == "same":
            return (
                ops.same_padding_amounts(shape[0], kernel_shape[0], stride),
                ops.same_padding_amounts(shape[1], kernel_shape[1], stride),
            )
        return (0, 0), (0, 0)  # "valid" (anything else was rejected by ops.conv2d)
    return (int(padding), int(padding)), (int(padding), int(padding))


def _pad(x: NDArray, pads: tuple[tuple[int, int], tuple[int, int]]) -> NDArray:
    return np.pad(x, pads + ((0, 0),) * (x.ndim - 2))


def step_products(
    image: ArrayLike,
    kernel: ArrayLike,
    i: int,
    j: int,
    stride: int = 1,
    padding: int | str = 0,
    fmt: str | None = None,
) -> tuple[str, int | float]:
    """The products-and-sum the slide writes for output position ``(i, j)``.

    The filter sits on the window whose top-left pixel is ``(i·s, j·s)`` of the padded
    image; each pixel is multiplied by the filter entry on top of it and everything is
    added up. The products are listed column by column, as the slide does.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
    kernel : array_like, shape (f, f) or (f, f, C)
        One filter (for a filter bank pick one, ``kernel[..., k]``).
    i, j : int
        Row and column of the output value.
    stride, padding
        As in :func:`cnn_course.ops.conv2d`.
    fmt : str, optional
        Number format (default :func:`format_number`).

    Returns
    -------
    (text, value)
        The sum written out, and its value (equal to ``conv2d(image, kernel)[i, j]``).

    Examples
    --------
    The slide's first window of the 6×6 image under the vertical-edge filter:

    >>> image = [[3, 0, 1, 2, 7, 4],
    ...          [1, 5, 8, 9, 3, 1],
    ...          [2, 7, 2, 5, 1, 3],
    ...          [0, 1, 3, 1, 7, 8],
    ...          [4, 2, 1, 6, 2, 8],
    ...          [2, 4, 5, 2, 3, 9]]
    >>> vertical = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
    >>> text, value = step_products(image, vertical, 0, 0)
    >>> print(text)
    3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×-1 + 8×-1 + 2×-1 = -5
    >>> value
    -5

    The stride-2 example, top-right value: the slides print 83, the sum is 88.

    >>> x7 = [[2, 3, 7, 4, 6, 2, 9], [6, 6, 9, 8, 7, 4, 3], [3, 4, 8, 3, 8, 9, 7],
    ...       [7, 8, 3, 6, 6, 3, 4], [4, 2, 1, 8, 3, 4, 6], [3, 2, 4, 1, 9, 8, 3],
    ...       [0, 1, 3, 9, 2, 1, 4]]
    >>> print(step_products(x7, [[3, 4, 4], [1, 0, 2], [-1, 0, 3]], 0, 2, stride=2)[0])
    6×3 + 7×1 + 8×-1 + 2×4 + 4×0 + 9×0 + 9×4 + 3×2 + 7×3 = 88
    """
    x = np.asarray(image)
    k = np.asarray(kernel)
    if k.ndim == 4:
        raise ValueError(
            f"step_products follows one filter; the filter bank of shape {k.shape} holds "
            f"{k.shape[3]}: pick one with kernel[..., k]"
        )
    out_shape = ops.conv2d(x, k, stride=stride, padding=padding).shape  # validates all
    if not (0 <= i < out_shape[0] and 0 <= j < out_shape[1]):
        raise ValueError(
            f"the output position ({i}, {j}) is outside the {_size(*out_shape[:2])} output"
        )
    padded = _pad(x, _padding_amounts(padding, x.shape, k.shape, stride))
    window = padded[i * stride : i * stride + k.shape[0], j * stride : j * stride + k.shape[1]]
    # .T reverses every axis, so ravel() lists the products column by column like the slide
    pixels, weights = window.T.ravel(), k.T.ravel()
    exact = np.int64 if x.dtype.kind in "biu" and k.dtype.kind in "biu" else np.float64
    value = (pixels.astype(exact) * weights.astype(exact)).sum().item()
    terms = " + ".join(
        f"{format_number(a, fmt)}×{format_number(b, fmt)}"
        for a, b in zip(pixels, weights, strict=True)
    )
    return f"{terms} = {format_number(value, fmt)}", value


@course_style
def show_convolution(
    image: ArrayLike,
    kernel: ArrayLike,
    stride: int = 1,
    padding: int | str = 0,
    step: int | None = None,
) -> Figure:
    """Draw ``input ∗ filter = output`` like the slide, at one step of the sliding window.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (f, f)
    stride, padding
        As in :func:`cnn_course.ops.conv2d`; zero padding is drawn in grey and the
        pixels a stride never sees are hatched in red.
    step : int, optional
        Which output value is being computed, counted row by row from 0. The window is
        outlined on the input, the output is filled up to and including that value
        (the rest left blank) and the products-and-sum of :func:`step_products` is
        written below. Default: the whole output, no window.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes (input, filter, output); the operators and the sum are figure texts.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> image = np.array([[3, 0, 1, 2, 7, 4], [1, 5, 8, 9, 3, 1], [2, 7, 2, 5, 1, 3],
    ...                   [0, 1, 3, 1, 7, 8], [4, 2, 1, 6, 2, 8], [2, 4, 5, 2, 3, 9]])
    >>> fig = show_convolution(image, [[1, 0, -1]] * 3, step=0)
    >>> [ax.get_title() for ax in fig.axes]
    ['input 6×6', 'filter 3×3', 'output 4×4']
    >>> [t.get_text() for t in fig.axes[2].texts]   # only the first value is computed
    ['-5']
    >>> plt.close(fig)
    """
    x = _as_matrix(image, "image")
    k = _as_matrix(kernel, "filter")
    out = ops.conv2d(x, k, stride=stride, padding=padding)  # validates everything
    if k.shape[0] != k.shape[1]:
        raise ValueError(f"show_convolution draws square f×f filters, got {_size(*k.shape)}")
    f = k.shape[0]
    pads = _padding_amounts(padding, x.shape, k.shape, stride)
    (top, _), (left, _) = pads
    padded = _pad(x, pads)
    inside = (slice(top, top + x.shape[0]), slice(left, left + x.shape[1]))
    is_padding = np.ones(padded.shape, dtype=bool)
    is_padding[inside] = False
    never_seen = np.zeros(padded.shape, dtype=bool)
    never_seen[inside] = ops.coverage(x.shape, f, stride=stride, padding=padding) == 0

    n_out = out.size
    footer, in_window, out_cell, hidden = None, None, None, None
    if step is not None:
        if not isinstance(step, Integral) or not 0 <= step < n_out:
            raise ValueError(f"the step must be an integer from 0 to {n_out - 1}, got {step!r}")
        i, j = divmod(int(step), out.shape[1])
        text, _ = step_products(x, k, i, j, stride=stride, padding=padding)
        footer = f"output[{i}, {j}] = {text}"
        in_window, out_cell = (i * stride, j * stride, f, f), (i, j, 1, 1)
        hidden = np.arange(n_out).reshape(out.shape) > step

    fig, (ax_in, ax_k, ax_out) = _equation_figure(
        [padded.shape, k.shape, out.shape], ["∗", "="], footer=footer
    )
    pad_note = f", padding {padding}" if padded.shape != x.shape else ""
    stride_note = f", stride {stride}" if stride != 1 else ""
    show_matrix(
        padded,
        ax=ax_in,
        title=f"input {_size(*x.shape)}{pad_note}",
        shade=is_padding,
        hatch=never_seen,
        highlight=in_window,
    )
    show_matrix(k, ax=ax_k, title=f"filter {_size(*k.shape)}{stride_note}")
    show_matrix(
        out, ax=ax_out, title=f"output {_size(*out.shape)}", hide=hidden, highlight=out_cell
    )
    return fig


# --------------------------------------------------------------------------- pooling and stride


@course_style
def show_pooling(x: ArrayLike, f: int = 2, s: int = 2, mode: str = "max") -> Figure:
    """Draw pooling like the slide: the input with its windows coloured, and the output.

    Each output cell has the colour of the window it summarises. For max and min
    pooling the chosen value of every window is written in bold. Windows that overlap
    (``s < f``) are outlined instead of filled; pixels no window covers are hatched.

    Parameters
    ----------
    x : array_like, shape (H, W)
    f, s : int
        Window size and stride.
    mode : {"max", "avg", "min"}
        As in :func:`cnn_course.ops.pool`.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: input and output.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = show_pooling([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]])
    >>> [t.get_text() for t in fig.axes[1].texts]
    ['9', '2', '6', '3']
    >>> plt.close(fig)
    """
    m = _as_matrix(x, "input")
    out = ops.pool(m, f, s, mode)  # validates f, s and mode
    oh, ow = out.shape
    edges, fills = _window_colors(out.size)
    out_colors = fills.reshape(oh, ow, 4)

    # windows[i, j] is the f×f block under output (i, j); which of its cells are chosen
    windows = sliding_window_view(m, (f, f))[::s, ::s]
    rows = np.arange(oh)[:, None, None, None] * s + np.arange(f)[None, None, :, None]
    cols = np.arange(ow)[None, :, None, None] * s + np.arange(f)[None, None, None, :]
    rows, cols = np.broadcast_to(rows, windows.shape), np.broadcast_to(cols, windows.shape)
    bold = np.zeros(m.shape, dtype=bool)
    if mode in ("max", "min"):
        chosen = windows == out[:, :, None, None]
        bold[rows[chosen], cols[chosen]] = True

    in_colors = None
    if s >= f:  # disjoint windows: fill each with its colour
        in_colors = np.ones((*m.shape, 4))
        in_colors[rows, cols] = out_colors[:, :, None, None, :]
    label = {"avg": "average", "average": "average"}.get(mode, mode)
    fig, (ax_in, ax_out) = _equation_figure(
        [m.shape, out.shape], ["→"], suptitle=f"{label} pooling, f = {f}, s = {s}"
    )
    show_matrix(
        m,
        ax=ax_in,
        title=f"input {_size(*m.shape)}",
        colors=in_colors,
        bold=bold,
        hatch=ops.coverage(m.shape, f, stride=s) == 0,
    )
    if in_colors is None:
        for (i, j), color in zip(np.ndindex(oh, ow), edges, strict=True):
            _outline(ax_in, i * s, j * s, f, f, color=color, linewidth=2, inset=0.08, gid="window")
    show_matrix(out, ax=ax_out, title=f"output {_size(oh, ow)}", colors=out_colors)
    return fig


def unseen_pixels(n: int, f: int, p: int = 0, s: int = 1) -> NDArray:
    """Mask of the pixels of an ``n×n`` input that no filter position ever covers.

    Keras floors ``(n + 2p - f) / s + 1``: when the stride does not land exactly on the
    last column, the last rows and columns are silently dropped (and a stride larger
    than the filter skips pixels in between).

    Parameters
    ----------
    n, f, p, s : int
        Input size, filter size, padding and stride.

    Returns
    -------
    numpy.ndarray of bool, shape (n, n)

    Examples
    --------
    7×7 input, 3×3 filter, stride 3: floor(4 / 3) + 1 = 2 positions, the last row and
    column are never seen; with stride 2 the filter fits exactly.

    >>> unseen_pixels(7, 3, s=3).astype(int)[-2:]
    array([[0, 0, 0, 0, 0, 0, 1],
           [1, 1, 1, 1, 1, 1, 1]])
    >>> int(unseen_pixels(7, 3, s=3).sum()), bool(unseen_pixels(7, 3, s=2).any())
    (13, False)
    """
    return ops.coverage((n, n), f, stride=s, padding=p) == 0


def output_size_or_reason(n: int, f: int, p: int = 0, s: int = 1) -> tuple[int | None, str | None]:
    """Output size of a convolution, or ``None`` and the reason when the filter does not fit.

    Like :func:`cnn_course.shapes.conv_output_size`, but a filter larger than the padded
    input is an answer (for a picture or a calculator) rather than an error. Any other
    bad value (a zero stride, a negative padding) still raises its ``ValueError``.

    Examples
    --------
    >>> output_size_or_reason(7, 3, s=3)
    (2, None)
    >>> output_size_or_reason(4, 5)
    (None, 'the filter (5×5) is larger than the padded input (4×4)')
    """
    from cnn_course import shapes

    try:
        return shapes.conv_output_size(n, f, p, s), None
    except ValueError as err:
        shapes.conv_output_size(n, 1, p, s)  # a bad n, p or s raises in the course's words
        if isinstance(f, Integral) and f > n + 2 * p:
            return None, str(err)
        raise


@course_style
def show_stride_windows(n: int, f: int, p: int = 0, s: int = 1, ax: Axes | None = None) -> Axes:
    """Draw where an ``f×f`` filter lands on an ``n×n`` input with padding ``p``, stride ``s``.

    The positions along the first row and the first column of the output are outlined
    (in different colours), zero padding is grey and the pixels that no window covers
    are hatched in red. The title gives the output size. A filter larger than the padded
    input is not an error here: the title says so.

    Parameters
    ----------
    n, f, p, s : int
        Input size, filter size, padding and stride.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = show_stride_windows(7, 3, s=3)
    >>> print(ax.get_title())
    n=7, f=3, p=0, s=3 → output 2×2
    the last row and column (13 pixels) are never seen
    >>> sum(patch.get_gid() == "unseen" for patch in ax.patches)
    13
    >>> plt.close(ax.figure)
    """
    out, reason = output_size_or_reason(n, f, p, s)
    size = n + 2 * p
    if ax is None:
        ax = _new_matrix_axes((size, size), cell=0.3, min_width=3.8)
    is_padding = np.ones((size, size), dtype=bool)
    is_padding[p : p + n, p : p + n] = False
    never_seen = np.zeros((size, size), dtype=bool)
    heading = f"n={n}, f={f}, p={p}, s={s}"
    if out is None:
        out, detail = 0, str(reason)
    else:
        never_seen[p : p + n, p : p + n] = unseen_pixels(n, f, p, s)
        detail = describe_unseen(never_seen[p : p + n, p : p + n])
        heading += f" → output {_size(out, out)}"
    show_matrix(
        np.zeros((size, size)),
        ax=ax,
        annotate=False,
        colors=np.ones((size, size, 4)),
        shade=is_padding,
        hatch=never_seen,
    )
    colors, _ = _window_colors(2 * out)
    for k in range(out):  # first output row, then first output column
        inset = 0.06 + 0.08 * (k % 3)
        _outline(ax, 0, k * s, f, f, color=colors[k], linewidth=2, inset=inset, gid="window")
        if k:
            _outline(
                ax, k * s, 0, f, f, color=colors[out + k], linewidth=2, inset=inset, gid="window"
            )
    ax.set_title("\n".join([heading, *textwrap.wrap(detail, 50)]))
    return ax


def describe_unseen(mask: ArrayLike) -> str:
    """Say in words which pixels a stride never sees (``mask`` from :func:`unseen_pixels`).

    Examples
    --------
    >>> describe_unseen(unseen_pixels(7, 3, s=3))
    'the last row and column (13 pixels) are never seen'
    >>> describe_unseen(unseen_pixels(8, 3, s=3))
    'the last 2 rows and columns (28 pixels) are never seen'
    >>> describe_unseen(unseen_pixels(5, 1, s=2))
    'rows and columns 1, 3 (16 pixels) are never seen'
    >>> describe_unseen(unseen_pixels(7, 3, s=2))
    'every pixel is seen'
    """
    mask = np.asarray(mask, dtype=bool)
    rows = np.flatnonzero(mask.all(axis=1))
    if not mask.any():
        return "every pixel is seen"
    n = mask.shape[0]
    pixels = int(mask.sum())
    if rows.tolist() == list(range(n - len(rows), n)):
        which = (
            "the last row and column"
            if len(rows) == 1
            else f"the last {len(rows)} rows and columns"
        )
    else:
        which = f"rows and columns {', '.join(map(str, rows))}"
    return f"{which} ({pixels} pixels) are never seen"


# --------------------------------------------------------------------------- image grids


def _grid_axes(n: int, ncols: int, panel: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    """A figure with ``n`` axes in rows of ``ncols`` (the unused slots removed)."""
    if n < 1:
        raise ValueError("there is nothing to draw (no images)")
    if not isinstance(ncols, Integral) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    ncols = min(int(ncols), n)
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
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise ValueError(f"the {what} must be (H, W), (H, W, 1) or (H, W, 3), got {arr.shape}")
    return arr


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
        if not 0 <= channel < n_channels:
            raise ValueError(f"channel must be from 0 to {n_channels - 1}, got {channel}")
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
    arr = np.asarray(maps)
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 3:
        raise ValueError(
            f"feature maps must have shape (H, W, K) or (1, H, W, K), got {np.shape(maps)}"
        )
    count = arr.shape[2] if max_maps is None else min(int(max_maps), arr.shape[2])
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


def _as_labels(y: ArrayLike, what: str) -> NDArray:
    """Integer class labels from labels, one-hot rows or predicted probabilities."""
    arr = np.asarray(y)
    if arr.ndim == 2:
        arr = arr.argmax(axis=1)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be labels (N,) or scores (N, classes), got {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{what} must hold whole class numbers")
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{what} must hold class numbers, got dtype {arr.dtype}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{what} must hold class numbers >= 0, got {arr.min()}")
    return arr.astype(np.int64)


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
    arr = np.asarray(images)
    if arr.ndim not in (3, 4):
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, C), got {arr.shape}")
    count = len(arr) if max_images is None else min(int(max_images), len(arr))
    true = None if labels is None else _as_labels(labels, "labels")
    pred = None if predictions is None else _as_labels(predictions, "predictions")
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


# --------------------------------------------------------------------------- training


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
        raise ValueError("history must be a Keras History or a dict of metric lists")
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
        ax.set_title(metric)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


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

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0])
    array([[1, 0, 0],
           [0, 1, 1],
           [1, 0, 2]])
    """
    true = _as_labels(y_true, "y_true")
    pred = _as_labels(y_pred, "y_pred")
    if len(true) != len(pred):
        raise ValueError(f"got {len(true)} true labels and {len(pred)} predictions")
    largest = int(max(true.max(initial=-1), pred.max(initial=-1)))
    k = largest + 1 if num_classes is None else int(num_classes)
    if largest >= k:
        raise ValueError(f"class {largest} found, but num_classes is {k}")
    # one pass: the pair (t, p) is the flat index t*k + p of a k×k table
    return np.bincount(true * k + pred, minlength=k * k).reshape(k, k)


@course_style
def plot_confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, class_names: Sequence[str] | None = None
) -> Figure:
    """Draw the confusion matrix (true class down, predicted class across) with counts.

    Parameters
    ----------
    y_true, y_pred : array_like
        As in :func:`confusion_matrix`.
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
