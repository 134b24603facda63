"""Exercises of notebook 02 · Convolution and edge detection."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from cnn_course import kernels, ops, slides
from cnn_course.exercises._core import (
    Env,
    WrongAnswer,
    answer,
    call,
    case_rng,
    exercise,
    expect_array,
    expect_int,
    forbid,
    function,
    shape_text,
)

__all__ = ["EXERCISES", "HAND_IMAGE", "diagonal_edge_scores", "step_edges"]

HAND_IMAGE = np.array(
    [
        [2, 0, 1, 3, 1, 4],
        [1, 4, 2, 0, 5, 2],
        [3, 1, 0, 2, 2, 0],
        [0, 2, 5, 1, 3, 1],
        [4, 1, 2, 0, 1, 3],
    ]
)
"""Exercise 2.1's 5×6 image (not one of the slides')."""


@exercise(
    "compute",
    title="one output value by hand",
    slide="deck 000, Vertical Edge Detection (the worked sum); deck 002, Convolution",
    hint="the window of output[1, 2] is rows 1 to 3 and columns 2 to 4 of the image (counting "
    "from 0). Multiply each pixel by the filter value on top of it — no flipping — and add the "
    "nine products; the middle row of this filter is all zeros.",
    answers=("my_value",),
)
def ex02_1(env: Env, hidden: bool) -> None:
    expected = ops.conv2d(HAND_IMAGE, kernels.sobel_horizontal())[1, 2]
    expect_int(answer(env, "my_value"), int(expected), "output[1, 2]")


# --------------------------------------------------------------------------- my_conv2d

_CONV_FORBIDDEN = [
    "conv2d",
    "convolve",
    "convolve2d",
    "correlate",
    "correlate2d",
    "fftconvolve",
    "oaconvolve",
    "filter2D",
    "sliding_window_view",
    "as_strided",
    "step_products",
    "keras_conv2d",
    "Conv2D",
    "scipy",
    "signal",
    "ndimage",
    "keras",
    "tensorflow",
    "torch",
]


def _conv_cases(rng: np.random.Generator, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Images and square filters: the slide's, non-square images, 1×1, as large as the image."""
    cases = [
        (slides.IMAGE_6X6, kernels.vertical_edge()),  # the slide: the student can compare
        (np.arange(12).reshape(3, 4), np.array([[2]])),  # non-square image, 1×1 filter
        (rng.integers(-9, 10, size=(4, 7)), rng.integers(-3, 4, size=(4, 4))),  # f = H: one row
    ]
    for k in range(count):
        h, w = (int(v) for v in rng.integers(1, 10, size=2))
        f = int(rng.integers(1, min(h, w) + 1))
        if k % 2:
            cases.append((rng.normal(size=(h, w)), rng.normal(size=(f, f))))
        else:
            cases.append((rng.integers(0, 10, size=(h, w)), rng.integers(-2, 3, size=(f, f))))
    return cases


def _expect_on_conv_cases(
    f: Callable[..., Any], reference: Callable[[np.ndarray, np.ndarray], np.ndarray], hidden: bool
) -> None:
    """The student's ``f(x, k)`` on every one of :func:`_conv_cases` must give ``reference``'s."""
    rng = case_rng(hidden)
    for number, (x, k) in enumerate(_conv_cases(rng, 30 if hidden else 3), start=1):
        case = f"case {number} ({shape_text(x)} image, {shape_text(k)} filter)"
        got = call(f, x, k, case=case)
        expect_array(got, reference(x, k), case)


@exercise(
    "implement",
    title="cross-correlation with plain loops",
    slide="deck 000, Vertical Edge Detection (shift the filter one step to the right); "
    "deck 004, Convolution",
    hint="the output has H − f + 1 rows and W − f + 1 columns (H and W can differ). Loop over "
    "the output positions (i, j); the window is x[i : i + f, j : j + f]; the output value is the "
    "sum of window * k.",
    hidden=True,
    answers=("my_conv2d",),
)
def ex02_2(env: Env, hidden: bool) -> None:
    conv = function(env, "my_conv2d")
    forbid(conv, _CONV_FORBIDDEN, "the convolution")
    _expect_on_conv_cases(conv, ops.conv2d, hidden)


# --------------------------------------------------------------------------- a 45° filter

#: Thresholds of exercise 2.3 (responses of the filter scaled to length 1).
SYNTHETIC_OVER_VH = 1.2  # 45° edge vs vertical and horizontal step edges
PHOTO_OVER_VH = 1.3  # 45° edges vs vertical and horizontal edges of the photo
MAX_135 = 0.3  # 135° edges, relative to 45° edges (synthetic and photo)
MAX_FLAT = 0.2  # a flat image, relative to the 45° step edge
PHOTO = "camera"


def step_edges(n: int = 16) -> dict[str, np.ndarray]:
    """Exercise 2.3's test images: 0/1 step edges in four directions and a flat image, n×n.

    >>> step_edges(4)["45°"]  # bright top-left: the edge runs like /
    array([[1., 1., 1., 1.],
           [1., 1., 1., 0.],
           [1., 1., 0., 0.],
           [1., 0., 0., 0.]])
    >>> list(step_edges(4))
    ['vertical', 'horizontal', '45°', '135°', 'flat']
    """
    r, c = np.mgrid[:n, :n]
    return {
        "vertical": (c < n // 2).astype(float),
        "horizontal": (r < n // 2).astype(float),
        "45°": (r + c < n).astype(float),  # bright top-left, the edge runs like /
        "135°": (c > r).astype(float),  # bright top-right, the edge runs like \
        "flat": np.ones((n, n)),
    }


@lru_cache(maxsize=1)
def _photo_edges(name: str = PHOTO) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The photo, its Sobel edge strength, and its strongest edge pixels by direction.

    Strongest: the top 10 % of the Sobel gradient magnitude. Direction: the gradient's
    angle, within 10° of vertical, horizontal, 45° or 135° edges.
    """
    from cnn_course import data

    photo = data.load_sample_gray(name)
    gx = ops.conv2d(photo, kernels.sobel_vertical())
    gy = ops.conv2d(photo, kernels.sobel_horizontal())
    strength = np.hypot(gx, gy)
    # the gradient (gx, gy) points across the edge: 0° is a vertical edge, 45° an edge like /
    angle = np.degrees(np.arctan2(gy, gx)) % 180
    strong = strength >= np.quantile(strength, 0.9)
    groups = {}
    for name_, centre in (("vertical", 0), ("45°", 45), ("horizontal", 90), ("135°", 135)):
        off = np.abs((angle - centre + 90) % 180 - 90)
        groups[name_] = strong & (off <= 10)
    return photo, strength, groups


def diagonal_edge_scores(k: np.ndarray) -> tuple[dict[str, float], dict[str, float]]:
    """What exercise 2.3 measures for a 3×3 filter ``k`` (scaled to length 1 first).

    Returns
    -------
    synthetic : dict
        The largest ``|output|`` on 16×16 step edges (0 on one side, 1 on the other):
        ``"vertical"``, ``"horizontal"``, ``"45°"`` (like /), ``"135°"`` (like \\) and on
        a ``"flat"`` image of ones.
    photo : dict
        On the cameraman photo, at its strongest edge pixels grouped by direction (found
        with the Sobel filters): the mean of ``|output|`` divided by the Sobel edge
        strength, for ``"vertical"``, ``"horizontal"``, ``"45°"`` and ``"135°"`` edges.

    Examples
    --------
    >>> synthetic, photo = diagonal_edge_scores(kernels.sobel_vertical())
    >>> synthetic["horizontal"], round(synthetic["vertical"] / synthetic["45°"], 2)
    (0.0, 1.33)
    >>> round(photo["vertical"] / photo["45°"], 2)
    1.41
    """
    unit = np.asarray(k, dtype=np.float64) / np.linalg.norm(k)
    synthetic = {name: float(np.abs(ops.conv2d(x, unit)).max()) for name, x in step_edges().items()}
    photo, strength, groups = _photo_edges()
    response = np.abs(ops.conv2d(photo, unit))
    per_strength = {
        name: float((response[mask] / strength[mask]).mean()) for name, mask in groups.items()
    }
    return synthetic, per_strength


def _three_by_three(value: object) -> np.ndarray:
    try:
        k = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"`my_diagonal` should be a 3×3 array of numbers, got {type(value).__name__}."
        ) from None
    if k.size == 9 and k.squeeze().shape == (3, 3):
        k = k.reshape(3, 3)  # a (3, 3, 1, 1) Keras kernel is fine
    if k.shape != (3, 3):
        raise WrongAnswer(f"`my_diagonal` should be a 3×3 filter, got an array of shape {k.shape}.")
    if not np.all(np.isfinite(k)):
        raise WrongAnswer("`my_diagonal` holds a NaN or an infinite value.")
    if not np.any(k):
        raise WrongAnswer("your filter is all zeros: it answers nothing, edges or not.")
    return k


@exercise(
    "experiment",
    title="design a filter that finds 45° edges",
    slide="deck 000, Vertical Edge Detection (various vertical edge filters); deck 000, "
    "Learning to Detect Edges",
    hint="an edge like / separates the window's top-left from its bottom-right. Give the pixels "
    "on one side of that diagonal positive weights, those on the other side negative ones, zero "
    "on the diagonal itself, so that the weights add up to 0 — as the vertical filters do with "
    "the left and right columns. The message says which measurement to improve.",
    answers=("my_diagonal",),
)
def ex02_3(env: Env, hidden: bool) -> None:
    k = _three_by_three(answer(env, "my_diagonal"))
    synthetic, photo = diagonal_edge_scores(k)
    d45 = synthetic["45°"]
    if d45 <= 1e-9 * max(synthetic.values()) or photo["45°"] == 0:
        if synthetic["135°"] > d45:
            raise WrongAnswer(
                "your filter answers the 135° edge (\\) and not the 45° edge (/) at all: it finds "
                "the other diagonal. An edge like / runs from the bottom-left to the top-right."
            )
        raise WrongAnswer("your filter does not answer the 45° step edge (/) at all.")
    if synthetic["flat"] > MAX_FLAT * d45:
        raise WrongAnswer(
            f"on a flat image (no edge at all) your filter answers {synthetic['flat'] / d45:.2f} "
            f"times as strongly as on the 45° edge; it should be at most {MAX_FLAT}: make the "
            f"weights add up to (about) 0."
        )
    # the filter for the other diagonal says so, whatever the measurement that fails first
    other = (
        " — your filter finds the other diagonal: an edge like / runs from the bottom-left to the "
        "top-right"
        if synthetic["135°"] > d45
        else ""
    )
    for direction in ("vertical", "horizontal"):
        ratio = d45 / synthetic[direction] if synthetic[direction] else np.inf
        if ratio < SYNTHETIC_OVER_VH:
            raise WrongAnswer(
                f"on the synthetic step edges your filter answers the 45° edge only {ratio:.2f} "
                f"times as strongly as the {direction} edge; it should be at least "
                f"{SYNTHETIC_OVER_VH}{other}."
            )
    if synthetic["135°"] > MAX_135 * d45:
        raise WrongAnswer(
            f"on the synthetic step edges your filter answers the 135° edge (\\) "
            f"{synthetic['135°'] / d45:.2f} times as strongly as the 45° edge (/); it should be "
            f"at most {MAX_135}{other}."
        )
    p45 = photo["45°"]
    for direction in ("vertical", "horizontal"):
        ratio = p45 / photo[direction] if photo[direction] else np.inf
        if ratio < PHOTO_OVER_VH:
            raise WrongAnswer(
                f"on the cameraman photo your filter answers its 45° edges only {ratio:.2f} times "
                f"as strongly as its {direction} edges (per unit of edge strength); it should be "
                f"at least {PHOTO_OVER_VH}."
            )
    if photo["135°"] > MAX_135 * p45:
        raise WrongAnswer(
            f"on the cameraman photo your filter answers its 135° edges {photo['135°'] / p45:.2f} "
            f"times as strongly as its 45° edges; it should be at most {MAX_135}."
        )


# --------------------------------------------------------------------------- my_convolve2d


@exercise(
    "implement",
    title="the textbook convolution from the cross-correlation",
    slide="deck 000, Summary (remarks 2 and 3); deck 003, the convolution formula f[x,y] * g[x,y]",
    hint="the textbook convolution is the cross-correlation with the filter mirrored on both "
    "axes: top becomes bottom AND left becomes right (that is not the transpose). For an edge "
    "filter mirroring only changes the sign, but not for other filters.",
    hidden=True,
    answers=("my_convolve2d",),
)
def ex02_4(env: Env, hidden: bool) -> None:
    convolve = function(env, "my_convolve2d")
    forbid(
        convolve,
        ["convolve", "convolve2d", "fftconvolve", "oaconvolve", "scipy", "signal", "keras"],
        "the textbook convolution",
    )
    _expect_on_conv_cases(convolve, ops.convolve2d, hidden)


EXERCISES = (ex02_1, ex02_2, ex02_3, ex02_4)
