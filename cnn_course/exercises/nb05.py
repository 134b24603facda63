"""Exercises of notebook 05 · Pooling and invariance."""

from __future__ import annotations

import functools
from numbers import Integral
from typing import Any

import numpy as np

from cnn_course import data, kernels, ops, shapes
from cnn_course.exercises._core import (
    Env,
    WrongAnswer,
    answer,
    call,
    case_rng,
    exercise,
    expect_array,
    expect_matrix,
    expect_shape,
    forbid,
    function,
    shape_text,
)

__all__ = ["EXERCISES"]

#: The matrix of Exercise 5.1 (the notebook's statement prints it).
POOL_MATRIX = np.array(
    [
        [4, 1, 0, 7, 2, 2],
        [3, 8, 5, 1, 6, 0],
        [2, 2, 9, 3, 1, 4],
        [6, 0, 1, 4, 5, 3],
    ]
)


# --------------------------------------------------------------------------- ex05_1


@exercise(
    "compute",
    title="max and average pooling by hand",
    slide="deck 002, Pooling layer: Max pooling and Pooling layer: Average pooling; "
    "deck 000, Pooling Layer",
    hint="cut the matrix into 2×2 blocks (f = 2, s = 2: the windows do not overlap); each block "
    "gives one entry, at the block's place: its largest value for max pooling, the sum of its "
    "four values divided by 4 for average pooling.",
    answers=("my_max_pooled", "my_avg_pooled"),
)
def ex05_1(env: Env, hidden: bool) -> None:
    max_pooled = answer(env, "my_max_pooled")
    avg_pooled = answer(env, "my_avg_pooled")
    expect_matrix(max_pooled, ops.max_pool(POOL_MATRIX, f=2, s=2), "max-pooled matrix")
    expect_matrix(avg_pooled, ops.avg_pool(POOL_MATRIX, f=2, s=2), "average-pooled matrix")


# --------------------------------------------------------------------------- ex05_2

PoolCase = tuple[np.ndarray, int, int, str]


def _pool_cases(rng: np.random.Generator, count: int) -> list[PoolCase]:
    """(x, f, s, mode): channels, f = 1, stride larger than the window, windows that do
    not tile the input (the last rows/columns are dropped), overlapping windows.

    The first five are fixed; the others are random, non-square, with 1 to 4 channels.
    """
    cases: list[PoolCase] = [
        (np.arange(24).reshape(4, 6, 1) * 7 % 11, 2, 2, "max"),
        (np.arange(70).reshape(7, 5, 2) % 9, 2, 2, "avg"),  # 7×5: row 6 and column 4 dropped
        (rng.normal(size=(5, 6, 3)), 1, 1, "max"),  # f = 1: nothing changes
        (rng.integers(0, 10, size=(8, 7, 2)), 2, 3, "max"),  # stride larger than the window
        (rng.normal(size=(7, 9, 1)), 3, 2, "avg"),  # overlapping windows
    ]
    for k in range(count - len(cases)):
        h, w = (int(v) for v in rng.integers(1, 10, size=2))
        f = int(rng.integers(1, min(h, w, 4) + 1))
        s = int(rng.integers(1, 6))
        c = int(rng.integers(1, 5))
        mode = "max" if k % 2 else "avg"
        x = rng.normal(size=(h, w, c)) if k % 3 else rng.integers(-9, 10, size=(h, w, c))
        cases.append((x, f, s, mode))
    return cases


@exercise(
    "implement",
    title="max and average pooling with loops",
    slide="deck 000, Pooling Layer; deck 003, Pooling Layer; deck 004, Pooling",
    hint="the output has floor((H − f) / s) + 1 rows, floor((W − f) / s) + 1 columns and C "
    "channels; output (i, j, c) summarises the window x[i·s : i·s + f, j·s : j·s + f, c] — "
    "one channel at a time, never mixing channels.",
    hidden=True,
    answers=("my_pool",),
)
def ex05_2(env: Env, hidden: bool) -> None:
    pool = function(env, "my_pool")
    banned = ["pool", "max_pool", "avg_pool", "min_pool", "MaxPooling2D", "AveragePooling2D"]
    banned += ["keras", "tensorflow", "sliding_window_view", "block_reduce", "maximum_filter"]
    forbid(pool, banned, "pooling")
    rng = case_rng(hidden)
    for number, (x, f, s, mode) in enumerate(_pool_cases(rng, 30 if hidden else 5), start=1):
        case = f"case {number} ({shape_text(x)} input, f={f}, s={s}, mode={mode!r})"
        got = call(pool, x, f, s, mode, case=case)
        right = ops.max_pool(x, f, s) if mode == "max" else ops.avg_pool(x, f, s)
        expect_array(got, right, case)


# --------------------------------------------------------------------------- ex05_3


@exercise(
    "compute",
    title="predict the output volume of a pooling layer",
    slide="deck 003, Pooling Layer; deck 000, Pooling Layer",
    hint="W2 = floor((W1 − F) / S) + 1 for the height and for the width separately (round "
    "down when the windows do not tile the input), and pooling works on each channel on its "
    "own, so the depth does not change.",
    answers=("my_pooled_shape",),
)
def ex05_3(env: Env, hidden: bool) -> None:
    got = answer(env, "my_pooled_shape")
    expected = (shapes.pool_output_size(50, f=3, s=2), shapes.pool_output_size(37, f=3, s=2), 16)
    expect_shape(got, expected, ("the height", "the width", "the depth"), "pooled volume")


# --------------------------------------------------------------------------- ex05_4

#: The one-pixel shifts of the experiment (right, left, down, up), as in the notebook.
SHIFTS = ((0, 1), (0, -1), (1, 0), (-1, 0))
#: How many MNIST test digits the experiment measures on.
N_DIGITS = 500
#: Target: at least this fraction of the active pooled values survive a shift unchanged ...
TARGET_UNCHANGED = 0.5
#: ... while the pooled map is at most 13×13 (at least halved) and at least 10×10.
SIZE_RANGE = (10, 13)


@functools.lru_cache(maxsize=1)
def edge_maps() -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """The notebook's first layer — four Sobel filters and ReLU — on MNIST test digits.

    Returns the feature maps of the first :data:`N_DIGITS` digits and of the same digits
    shifted by each of :data:`SHIFTS`, every digit's four maps side by side along the
    channel axis: ``(26, 26, 4 · N_DIGITS)`` each, so that one pooling call pools them all
    (pooling works on each channel on its own).
    """
    (_, _), (x_test, _) = data.load_mnist()
    digits = x_test[:N_DIGITS].astype(np.int64)
    sobel = kernels.sobel_vertical()
    bank = np.stack([sobel, -sobel, sobel.T, -sobel.T], axis=-1)[:, :, np.newaxis, :]

    def maps(images: Any) -> np.ndarray:
        layer = [ops.relu(ops.conv2d(d[:, :, np.newaxis], bank)) for d in images]
        return np.concatenate(layer, axis=-1).astype(np.int32)

    moved = tuple(maps(ops.shift(d, dy, dx) for d in digits) for dy, dx in SHIFTS)
    return maps(digits), moved


def unchanged_fraction(f: int, s: int) -> float:
    """Fraction of the active max-pooled values that a one-pixel shift leaves unchanged.

    Active: non-zero before or after the shift (the empty background would count as
    unchanged for free), summed over the four shifts of :data:`SHIFTS`, as in the notebook.
    """
    before, moved = edge_maps()
    pooled = ops.max_pool(before, f, s)
    same = active = 0
    for after in moved:
        shifted = ops.max_pool(after, f, s)
        is_active = (pooled != 0) | (shifted != 0)
        same += int(np.sum((pooled == shifted) & is_active))
        active += int(np.sum(is_active))
    return same / active


def _whole(value: Any, what: str) -> int:
    if isinstance(value, np.integer | Integral) and not isinstance(value, bool | np.bool_):
        return int(value)
    raise WrongAnswer(f"{what} should be a whole number, got {value!r}.")


@exercise(
    "experiment",
    title="buy invariance with max pooling",
    slide="deck 004, Invariance; deck 002, Comment maintenir l'invariance en translation ?",
    hint="measure the fraction for several windows f and strides s (loop over both and print "
    "the fraction and the output size): which of the two makes the pooled values survive a "
    "one-pixel shift, and which one only sets the size of the pooled map?",
    answers=("my_pooling",),
)
def ex05_4(env: Env, hidden: bool) -> None:
    choice = answer(env, "my_pooling")
    if not isinstance(choice, tuple | list) or len(choice) != 2:
        raise WrongAnswer(f"write your choice as (f, s), e.g. (2, 2); got {choice!r}.")
    f = _whole(choice[0], "the window size f")
    s = _whole(choice[1], "the stride s")
    if not (1 <= f <= 26 and s >= 1):
        raise WrongAnswer(
            f"the window must fit in the 26×26 maps and the stride be ≥ 1: f={f}, s={s}."
        )
    size = shapes.pool_output_size(26, f, s)
    low, high = SIZE_RANGE
    if not low <= size <= high:
        raise WrongAnswer(
            f"with f={f}, s={s} the pooled maps are {size}×{size}; they must be at most "
            f"{high}×{high} (at least halved) and at least {low}×{low}."
        )
    fraction = unchanged_fraction(f, s)
    if fraction < TARGET_UNCHANGED:
        raise WrongAnswer(
            f"with f={f}, s={s} (pooled maps {size}×{size}) {fraction:.1%} of the active values "
            f"survive a one-pixel shift unchanged; the target is at least {TARGET_UNCHANGED:.0%}."
        )


EXERCISES = (ex05_1, ex05_2, ex05_3, ex05_4)
