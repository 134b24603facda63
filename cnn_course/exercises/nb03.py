"""Exercises of notebook 03 · Padding and stride."""

from __future__ import annotations

import numpy as np

from cnn_course import ops, shapes
from cnn_course.exercises._core import (
    Env,
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

__all__ = ["EXERCISES"]


@exercise(
    "compute",
    title="predict the output size of a padded, strided convolution",
    slide="deck 000, Summary of convolutions; deck 002, Sommaire des notations",
    hint="floor((n + 2p − f) / s) + 1: add the padding on both sides, subtract the filter, "
    "divide by the stride and round down, then add 1.",
    answers=("my_size",),
)
def ex03_2(env: Env, hidden: bool) -> None:
    expect_int(answer(env, "my_size"), shapes.conv_output_size(37, 5, p=1, s=2), "the output size")


def _random_images(rng: np.random.Generator, count: int) -> list[np.ndarray]:
    """Non-square grayscale and colour images of small integers and floats."""
    images = [np.arange(12).reshape(3, 4)]  # a fixed first case, easy to print
    for k in range(count - 1):
        h, w = (int(v) for v in rng.integers(1, 8, size=2))
        shape = (h, w) if k % 2 else (h, w, int(rng.integers(1, 4)))
        images.append(rng.normal(size=shape) if k % 3 else rng.integers(-9, 10, size=shape))
    return images


@exercise(
    "implement",
    title="zero padding with plain NumPy",
    slide="deck 000, Padding; deck 001, the padded 6×6 example",
    hint="make an array of zeros of shape (H + 2p, W + 2p) — plus the channel axis for a colour "
    "image — with the image's dtype, then copy the image into its middle: rows p to p + H, "
    "columns p to p + W.",
    hidden=True,
    answers=("my_zero_pad",),
)
def ex03_1(env: Env, hidden: bool) -> None:
    pad = function(env, "my_zero_pad")
    forbid(pad, ["pad", "zero_pad", "ZeroPadding2D"], "zero padding")
    rng = case_rng(hidden)
    for number, x in enumerate(_random_images(rng, 25 if hidden else 5), start=1):
        for p in (0, 1, 2) if number == 1 else (int(rng.integers(0, 4)),):
            case = f"case {number} ({shape_text(x)} image, p={p})"
            got = call(pad, x, p, case=case)
            expect_array(got, ops.zero_pad(x, p), case)


@exercise(
    "implement",
    title="the output-size formula as a function",
    slide="deck 000, Strided convolutions and Summary; deck 003, the 7x7 input slides",
    hint="the filter's top-left corner can stand at 0, s, 2s, … as long as the filter still fits "
    "in the padded input of n + 2p pixels: count those places. Integer division (//) rounds down.",
    hidden=True,
    answers=("my_output_size",),
)
def ex03_3(env: Env, hidden: bool) -> None:
    size = function(env, "my_output_size")
    forbid(size, ["conv_output_size", "keras", "Conv2D"], "the formula")
    rng = case_rng(hidden)
    cases = [(7, 3, 0, 2), (7, 3, 0, 3), (6, 1, 0, 1), (5, 2, 0, 4)]  # fits, floors, 1×1, s > f
    for _ in range(40 if hidden else 4):
        f = int(rng.integers(1, 8))
        p, s = int(rng.integers(0, 4)), int(rng.integers(1, 5))
        n = int(rng.integers(max(1, f - 2 * p), 40))
        cases.append((n, f, p, s))
    for n, f, p, s in cases:
        case = f"n={n}, f={f}, p={p}, s={s}"
        got = call(size, n, f, p, s, case=case)
        expect_int(got, shapes.conv_output_size(n, f, p, s), f"the output size for {case}")


@exercise(
    "compute",
    title="the receptive field of a stack of 3×3 convolutions",
    slide="deck 002, Champ réceptif; deck 001, Convolutional layers and stacking",
    hint="each 3×3 layer (stride 1) adds one pixel on every side of what the layer before saw.",
    answers=("my_field",),
)
def ex03_4(env: Env, hidden: bool) -> None:
    field = answer(env, "my_field")
    expect_int(field, shapes.receptive_field([(3, 1)] * 6), "the receptive field of six 3×3 layers")


EXERCISES = (ex03_1, ex03_2, ex03_3, ex03_4)
