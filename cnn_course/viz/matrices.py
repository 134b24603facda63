"""Matrices drawn like the slides: a number in every cell, windows sliding over them.

The slides draw small matrices with a number in every cell — the 6×6 image, the 3×3
filter, the 4×4 output — and slide a window over them. :func:`show_matrix` draws one
such matrix; :func:`show_convolution`, :func:`show_pooling` and
:func:`show_stride_windows` put several together the way the slides do. What they
compute (the sums, the pooled values, the pixels a stride never sees) comes from
:mod:`cnn_course.ops` and :mod:`cnn_course.shapes`; this module only draws.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike, NDArray

from cnn_course import _checks, ops, shapes
from cnn_course._format import format_number, size_text
from cnn_course.viz._style import (
    CELL_INCHES,
    GRID_COLOR,
    HIGHLIGHT_COLOR,
    MATRIX_CMAP,
    MAX_HEIGHT,
    MAX_WIDTH,
    PADDING_COLOR,
    SIGNED_CMAP,
    UNSEEN_COLOR,
    course_style,
)

__all__ = ["show_convolution", "show_matrix", "show_pooling", "show_stride_windows"]


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


def _as_matrix(m: ArrayLike, what: str = "matrix") -> NDArray:
    """A 2-D numeric array; a trailing channel axis of length 1 is dropped."""
    arr = _checks.numeric_array(m, f"the {what}", ndim=(2, 3))
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim != 2:
        raise ValueError(f"the {what} must be a 2-D array (H, W), got shape {arr.shape}")
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
    if len(highlight) == 4 and all(_checks.is_int(v) for v in highlight):
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
        Format of the numbers (e.g. ``".1f"``); default :func:`cnn_course._format.format_number`.
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
        (the rest left blank) and the products-and-sum of
        :func:`cnn_course.ops.step_products` is written below. Default: the whole
        output, no window.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes (input, filter, output); the operators and the sum are figure texts.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnn_course import slides
    >>> fig = show_convolution(slides.IMAGE_6X6, slides.VERTICAL_EDGE_FILTER, step=0)
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
        raise ValueError(f"show_convolution draws square f×f filters, got {size_text(*k.shape)}")
    f = k.shape[0]
    pads = shapes.padding_amounts(padding, x.shape, k.shape, stride)
    (top, _), (left, _) = pads
    padded = np.pad(x, pads)
    inside = (slice(top, top + x.shape[0]), slice(left, left + x.shape[1]))
    is_padding = np.ones(padded.shape, dtype=bool)
    is_padding[inside] = False
    never_seen = np.zeros(padded.shape, dtype=bool)
    never_seen[inside] = ops.coverage(x.shape, f, stride=stride, padding=padding) == 0

    n_out = out.size
    footer, in_window, out_cell, hidden = None, None, None, None
    if step is not None:
        step = _checks.integer(step, "the step", minimum=0, maximum=n_out - 1)
        i, j = divmod(step, out.shape[1])
        text, _ = ops.step_products(x, k, i, j, stride=stride, padding=padding)
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
        title=f"input {size_text(*x.shape)}{pad_note}",
        shade=is_padding,
        hatch=never_seen,
        highlight=in_window,
    )
    show_matrix(k, ax=ax_k, title=f"filter {size_text(*k.shape)}{stride_note}")
    show_matrix(
        out, ax=ax_out, title=f"output {size_text(*out.shape)}", hide=hidden, highlight=out_cell
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
    >>> from cnn_course import slides
    >>> fig = show_pooling(slides.POOL_IMAGE_4X4)
    >>> [t.get_text() for t in fig.axes[1].texts]
    ['9', '2', '6', '3']
    >>> plt.close(fig)
    """
    m = _as_matrix(x, "input")
    out = ops.pool(m, f, s, mode)  # validates f, s and mode
    oh, ow = out.shape
    edges, fills = _window_colors(out.size)
    out_colors = fills.reshape(oh, ow, 4)

    bold = ops.pool_choices(m, f, s, mode) if mode in ("max", "min") else None

    in_colors = None
    if s >= f:  # disjoint windows: fill each with the colour of its output cell
        in_colors = np.ones((*m.shape, 4))
        for i, j in np.ndindex(oh, ow):
            in_colors[i * s : i * s + f, j * s : j * s + f] = out_colors[i, j]
    label = {"avg": "average", "average": "average"}.get(mode, mode)
    fig, (ax_in, ax_out) = _equation_figure(
        [m.shape, out.shape], ["→"], suptitle=f"{label} pooling, f = {f}, s = {s}"
    )
    show_matrix(
        m,
        ax=ax_in,
        title=f"input {size_text(*m.shape)}",
        colors=in_colors,
        bold=bold,
        hatch=ops.coverage(m.shape, f, stride=s) == 0,
    )
    if in_colors is None:
        for (i, j), color in zip(np.ndindex(oh, ow), edges, strict=True):
            _outline(ax_in, i * s, j * s, f, f, color=color, linewidth=2, inset=0.08, gid="window")
    show_matrix(out, ax=ax_out, title=f"output {size_text(oh, ow)}", colors=out_colors)
    return fig


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
    out, reason = shapes.output_size_or_reason(n, f, p, s)
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
        never_seen[p : p + n, p : p + n] = ops.unseen_pixels(n, f, p, s)
        detail = ops.describe_unseen(never_seen[p : p + n, p : p + n])
        heading += f" → output {size_text(out, out)}"
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


@course_style
def show_window_positions(n: int, f: int, p: int = 0, s: int = 1) -> Figure:
    """Draw every position of an ``f×f`` window on an ``n×n`` input, padding ``p``, stride ``s``.

    One panel per output value, in reading order, like the frames of deck 004's
    "Padding (P=1), strides (S=2)" animation: the padded input with its zero padding in
    grey and the window outlined; each panel's title names the output value it computes
    and how many of the window's cells are real pixels (the rest is padding). The number
    of panels is the output size squared, from :func:`cnn_course.shapes.conv_output_size`.

    Parameters
    ----------
    n, f, p, s : int
        Input size, filter size, padding and stride.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = show_window_positions(5, 3, p=1, s=2)
    >>> len(fig.axes), fig.axes[0].get_title()
    (9, 'output[0, 0]: 4 pixels')
    >>> print(fig.get_suptitle())
    n=5, f=3, p=1, s=2 → output 3×3
    >>> plt.close(fig)
    """
    out = shapes.conv_output_size(n, f, p, s)
    size = n + 2 * p
    is_padding = np.ones((size, size), dtype=bool)
    is_padding[p : p + n, p : p + n] = False
    cell = min(0.22, MAX_WIDTH / (out * (size + 1)))
    fig, axes = plt.subplots(
        out,
        out,
        figsize=(out * (size * cell + 0.3), out * (size * cell + 0.5)),
        layout="constrained",
        squeeze=False,
    )
    for i in range(out):
        for j in range(out):
            ax = axes[i, j]
            show_matrix(
                np.zeros((size, size)),
                ax=ax,
                annotate=False,
                colors=np.ones((size, size, 4)),
                shade=is_padding,
            )
            _outline(ax, i * s, j * s, f, f, gid="window")
            window = ~is_padding[i * s : i * s + f, j * s : j * s + f]
            ax.set_title(f"output[{i}, {j}]: {int(window.sum())} pixels", fontsize="small")
    fig.suptitle(f"n={n}, f={f}, p={p}, s={s} → output {size_text(out, out)}")
    return fig
