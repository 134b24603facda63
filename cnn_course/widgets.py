"""Interactive figures for the notebooks (ipywidgets), with a static fallback.

Three small tools let a student change what the slides fix:

* :func:`convolution_stepper` — slide the filter over the image one output value at a
  time (slider and play button), with the products-and-sum of every step;
* :func:`output_size_calculator` — sliders for ``n``, ``f``, ``p`` and ``s``: the output
  size ``floor((n + 2p - f) / s) + 1``, Keras' ``"same"`` size and the pixels a stride
  never sees;
* :func:`filter_explorer` — pick a named filter and see the image before and after.

Each returns an ``ipywidgets`` box when widgets can be shown (inside a Jupyter kernel:
JupyterLab, Notebook, VS Code, Colab). Elsewhere — ipywidgets not installed, a plain
Python script, or ``interactive=False`` — it prints a one-line note and returns the
static :class:`~matplotlib.figure.Figure` for the starting values, so a notebook still
shows something meaningful (e.g. on GitHub). Put the call last in its cell.

The numbers come from the NumPy core (:mod:`cnn_course.ops`, :mod:`cnn_course.shapes`)
and the pictures from :mod:`cnn_course.viz`; what is left here is putting them into
words — :func:`convolution_step_text`, :func:`calculator_summary`,
:func:`filter_caption`, pure functions that the callbacks call and the tests check — and
the widgets themselves.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course import _checks, ops, shapes, viz
from cnn_course._format import format_number, size_text

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.figure import Figure

__all__ = [
    "calculator_summary",
    "convolution_step_text",
    "convolution_stepper",
    "filter_caption",
    "filter_explorer",
    "output_size_calculator",
]


# --------------------------------------------------------------------------- plumbing


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (a front end that can draw widgets may be attached)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _widgets(interactive: bool | None) -> tuple[ModuleType | None, str]:
    """The ``ipywidgets`` module to build with, or ``None`` and why not.

    ``interactive=None`` builds widgets only inside a Jupyter kernel; ``True`` builds them
    wherever ipywidgets imports (the tests use this); ``False`` never does.
    """
    if interactive is not None and not _checks.flag(interactive, "interactive"):
        return None, "interactive=False"
    try:
        import ipywidgets
    except ImportError:
        return None, "ipywidgets is not installed"
    if interactive is None and not _in_kernel():
        return None, "widgets need a Jupyter notebook"
    return ipywidgets, ""


def _static(fig: Figure, reason: str) -> Figure:
    """The fallback: say so in one line and hand back the figure for the starting values.

    The figure is released from pyplot so that a notebook shows it once, as the cell's
    value, and not a second time when the cell ends.
    """
    print(f"Static figure ({reason}); run the notebook in JupyterLab or Colab to interact.")
    plt.close(fig)
    return fig


def _png(fig: Figure) -> bytes:
    """The figure as PNG bytes (then released from pyplot)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    plt.close(fig)
    return buffer.getvalue()


def _show_in(picture: ipywidgets.Image, fig: Figure) -> None:
    """Show ``fig`` in the ``picture`` widget, replacing what it showed.

    An ``Image`` widget holding PNG bytes, not an ``Output`` widget capturing ``display``:
    the capture of an ``Output`` widget made notebook runs outside a browser (nbclient with
    ipykernel 7) hang now and then — 3 of 12 runs of notebook 02 when four ran at once;
    0 of 12 with the figure passed as bytes.
    """
    picture.value = _png(fig)


def _as_html(text: str) -> str:
    """Plain text as monospaced HTML, one line per line."""
    lines = html.escape(text).splitlines()
    return "<pre style='margin:0; white-space:pre-wrap'>" + "\n".join(lines) + "</pre>"


# --------------------------------------------------------------------------- convolution stepper


def convolution_step_text(
    image: ArrayLike, kernel: ArrayLike, step: int, stride: int = 1, padding: int | str = 0
) -> str:
    """Caption of one step of the sliding filter: where it is and the sum it computes.

    Parameters
    ----------
    image, kernel, stride, padding
        As in :func:`cnn_course.ops.conv2d` (one 2-D filter).
    step : int
        Output value being computed, counted row by row from 0.

    Examples
    --------
    >>> from cnn_course import slides
    >>> image, vertical = slides.IMAGE_6X6, slides.VERTICAL_EDGE_FILTER
    >>> print(convolution_step_text(image, vertical, 0))
    step 1 of 16: output[0, 0] = 3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×-1 + 8×-1 + 2×-1 = -5
    >>> print(convolution_step_text(image, vertical, 15))
    step 16 of 16: output[3, 3] = 1×1 + 6×1 + 2×1 + 7×0 + 2×0 + 3×0 + 8×-1 + 8×-1 + 9×-1 = -16
    """
    out_shape = ops.conv2d(image, kernel, stride=stride, padding=padding).shape
    total = out_shape[0] * out_shape[1]
    step = _checks.integer(step, "the step", minimum=0, maximum=total - 1)
    i, j = divmod(step, out_shape[1])
    text, _ = ops.step_products(image, kernel, i, j, stride=stride, padding=padding)
    return f"step {step + 1} of {total}: output[{i}, {j}] = {text}"


def convolution_stepper(
    image: ArrayLike,
    kernel: ArrayLike,
    stride: int = 1,
    padding: int | str = 0,
    interactive: bool | None = None,
) -> ipywidgets.VBox | Figure:
    """Slide a filter over an image one output value at a time.

    A slider (and a play button) chooses the step; the figure is
    :func:`cnn_course.viz.show_convolution` at that step and the caption is
    :func:`convolution_step_text`.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (f, f)
    stride, padding
        As in :func:`cnn_course.ops.conv2d`.
    interactive : bool, optional
        ``None`` (default): widgets inside a Jupyter kernel, a static figure elsewhere;
        ``True``: widgets whenever ipywidgets is installed; ``False``: static figure.

    Returns
    -------
    ipywidgets.VBox or matplotlib.figure.Figure
        ``VBox([HBox([play, slider]), caption, output])``, or the figure of step 0.
    """
    x, k = np.asarray(image), np.asarray(kernel)
    out = ops.conv2d(x, k, stride=stride, padding=padding)  # bad input fails here, early
    w, reason = _widgets(interactive)
    if w is None:
        return _static(viz.show_convolution(x, k, stride, padding, step=0), reason)

    last = out.shape[0] * out.shape[1] - 1
    slider = w.IntSlider(value=0, min=0, max=last, description="step", continuous_update=False)
    play = w.Play(value=0, min=0, max=last, interval=900, description="play")
    w.jslink((play, "value"), (slider, "value"))
    caption = w.HTML()
    output = w.Image(format="png")

    def update(change: Any = None) -> None:
        step = slider.value
        caption.value = _as_html(convolution_step_text(x, k, step, stride, padding))
        _show_in(output, viz.show_convolution(x, k, stride, padding, step=step))

    slider.observe(update, names="value")
    update()
    return w.VBox([w.HBox([play, slider]), caption, output])


# --------------------------------------------------------------------------- output size


def calculator_summary(n: int, f: int, p: int = 0, s: int = 1) -> dict[str, Any]:
    """Everything the output-size calculator says about ``n``, ``f``, ``p``, ``s``.

    Parameters
    ----------
    n, f, p, s : int
        As in :func:`cnn_course.shapes.conv_output_size`.

    Returns
    -------
    dict
        ``output_size`` (int, or None when the filter does not fit), ``fits`` (bool),
        ``formula`` (the formula with the numbers), ``same_output_size`` and
        ``same_formula`` (Keras ``padding="same"``: ``ceil(n / s)``), ``rows_dropped``
        (rows — and as many columns — of the input never seen), ``pixels_dropped``,
        ``message`` (the verdict in words).

    Raises
    ------
    TypeError
        For a value that is not a whole number.
    ValueError
        For values that make no sense at all (``n < 1``, ``s < 1``, ``p < 0``...). A
        filter larger than the padded input is not an error: ``fits`` is False.

    Examples
    --------
    The deck 003 example: a 3×3 filter with stride 3 on a 7×7 input.

    >>> summary = calculator_summary(7, 3, 0, 3)
    >>> summary["output_size"], summary["same_output_size"], summary["pixels_dropped"]
    (2, 3, 13)
    >>> print(summary["formula"])
    output = floor((n + 2p − f)/s) + 1 = floor((7 + 2×0 − 3)/3) + 1 = floor(1.333) + 1 = 2
    >>> print(summary["message"])  # doctest: +NORMALIZE_WHITESPACE
    (7 + 2×0 − 3)/3 = 1.333 is not a whole number: Keras rounds it down.
    Warning: the last row and column (13 pixels) are never seen.
    >>> calculator_summary(4, 5)["fits"], calculator_summary(4, 5)["message"]
    (False, 'the filter (5×5) is larger than the padded input (4×4): there is no output.')
    """
    out, reason = shapes.output_size_or_reason(n, f, p, s)  # checks n, f, p and s
    same = shapes.keras_same_output_size(n, s)
    ratio = (n + 2 * p - f) / s  # the fraction the formula's floor() rounds, for the caption
    formula = f"output = floor((n + 2p − f)/s) + 1 = floor(({n} + 2×{p} − {f})/{s}) + 1"
    summary: dict[str, Any] = {
        "output_size": out,
        "fits": out is not None,
        "same_output_size": same,
        "same_formula": f'Keras padding="same": output = ceil(n/s) = ceil({n}/{s}) = {same}',
        "rows_dropped": 0,
        "pixels_dropped": 0,
    }
    if out is None:
        summary["formula"] = f"{formula}: the filter does not fit"
        summary["message"] = f"{reason}: there is no output."
        return summary

    summary["formula"] = f"{formula} = floor({format_number(ratio)}) + 1 = {out}"
    unseen = ops.unseen_pixels(n, f, p, s)
    summary["rows_dropped"] = int(unseen.all(axis=1).sum())
    summary["pixels_dropped"] = int(unseen.sum())
    parts = []
    if not float(ratio).is_integer():
        parts.append(
            f"({n} + 2×{p} − {f})/{s} = {format_number(ratio)} is not a whole number: "
            "Keras rounds it down."
        )
    if unseen.any():
        parts.append(f"Warning: {ops.describe_unseen(unseen)}.")
    elif parts:
        parts.append("Only zero padding is skipped: every pixel of the image is seen.")
    else:
        parts.append("The filter fits exactly: every pixel is seen.")
    summary["message"] = " ".join(parts)
    return summary


def _summary_text(summary: Mapping[str, Any]) -> str:
    return "\n".join([summary["formula"], summary["same_formula"], summary["message"]])


def output_size_calculator(
    n: int = 7, f: int = 3, p: int = 0, s: int = 1, interactive: bool | None = None
) -> ipywidgets.VBox | Figure:
    """Sliders for input size, filter size, padding and stride, and what they give.

    Shows :func:`calculator_summary` (the formula with the numbers, Keras' ``"same"``
    size, a warning when the filter does not fit or pixels are dropped) and the picture
    of :func:`cnn_course.viz.show_stride_windows`.

    Parameters
    ----------
    n, f, p, s : int
        Starting values (deck 003's 7×7 input and 3×3 filter by default).
    interactive : bool, optional
        As in :func:`convolution_stepper`.

    Returns
    -------
    ipywidgets.VBox or matplotlib.figure.Figure
        ``VBox([HBox([n, f, p, s sliders]), caption, output])``, or the static figure
        (the summary is printed).
    """
    summary = calculator_summary(n, f, p, s)  # bad input fails here, early
    w, reason = _widgets(interactive)
    if w is None:
        fig = viz.show_stride_windows(n, f, p, s).figure
        print(_summary_text(summary))
        return _static(fig, reason)

    def slider(name: str, value: int, low: int, high: int) -> Any:
        return w.IntSlider(
            value=value,
            min=low,
            max=max(high, value),
            description=name,
            continuous_update=False,
            layout=w.Layout(width="220px"),
            style={"description_width": "20px"},
        )

    sliders = [slider("n", n, 1, 32), slider("f", f, 1, 11), slider("p", p, 0, 5)]
    sliders.append(slider("s", s, 1, 6))
    caption = w.HTML()
    output = w.Image(format="png")

    def update(change: Any = None) -> None:
        values = [control.value for control in sliders]
        caption.value = _as_html(_summary_text(calculator_summary(*values)))
        _show_in(output, viz.show_stride_windows(*values).figure)

    for control in sliders:
        control.observe(update, names="value")
    update()
    return w.VBox([w.HBox(sliders), caption, output])


# --------------------------------------------------------------------------- filter explorer


def filter_caption(name: str, kernel: ArrayLike, response: ArrayLike) -> str:
    """One line about a filter and what it made of the image.

    Examples
    --------
    >>> from cnn_course import slides
    >>> vertical = slides.VERTICAL_EDGE_FILTER
    >>> filter_caption("vertical edge", vertical, ops.conv2d(slides.STEP_IMAGE_6X6, vertical))
    'vertical edge: 3×3 filter [[1, 0, -1], [1, 0, -1], [1, 0, -1]]; output 4×4, values 0 to 30'
    """
    k = _checks.numeric_array(kernel, "the filter", ndim=(2,))
    r = _checks.numeric_array(response, "the filtered image", ndim=(2,))
    rows = ", ".join("[" + ", ".join(format_number(v) for v in row) + "]" for row in k)
    return (
        f"{name}: {size_text(*k.shape)} filter [{rows}]; output {size_text(*r.shape)}, values "
        f"{format_number(r.min())} to {format_number(r.max())}"
    )


def _filter_figure(image: NDArray, name: str, response: NDArray) -> Figure:
    return viz.side_by_side([image, response], titles=["image", f"{name} filter"])


def filter_explorer(
    image: ArrayLike,
    kernels: Mapping[str, ArrayLike],
    interactive: bool | None = None,
) -> ipywidgets.VBox | Figure:
    """Choose a named filter from a menu and see the image before and after it.

    Parameters
    ----------
    image : array_like, shape (H, W)
        A grayscale image (e.g. ``cnn_course.data.load_sample_gray(...)``).
    kernels : mapping of str to array_like
        Named 2-D filters, e.g. ``{"Sobel": ..., "Scharr": ...}``.
    interactive : bool, optional
        As in :func:`convolution_stepper`.

    Returns
    -------
    ipywidgets.VBox or matplotlib.figure.Figure
        ``VBox([dropdown, caption, output])``, or the figure for the first filter.
    """
    if not kernels:
        raise ValueError("give at least one filter, e.g. {'vertical edge': [[1, 0, -1]] * 3}")
    x = np.asarray(image)
    names = list(kernels)
    first = ops.conv2d(x, kernels[names[0]])  # bad input fails here, early
    w, reason = _widgets(interactive)
    if w is None:
        return _static(_filter_figure(x, names[0], first), reason)

    menu = w.Dropdown(options=names, value=names[0], description="filter")
    caption = w.HTML()
    output = w.Image(format="png")

    def update(change: Any = None) -> None:
        name = menu.value
        response = ops.conv2d(x, kernels[name])
        caption.value = _as_html(filter_caption(name, kernels[name], response))
        _show_in(output, _filter_figure(x, name, response))

    menu.observe(update, names="value")
    update()
    return w.VBox([menu, caption, output])
