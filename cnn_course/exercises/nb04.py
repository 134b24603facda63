"""Exercises of notebook 04 · Convolution over volume."""

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
    expect_shape,
    forbid,
    function,
    shape_text,
)

__all__ = ["EXERCISES"]

#: What a convolution over volume must not call: the course's reference, Keras, SciPy.
_CONVOLUTIONS = [
    "conv2d",
    "convolve2d",
    "conv_layer",
    "Conv2D",
    "keras",
    "tensorflow",
    "correlate",
    "correlate2d",
    "convolve",
    "fftconvolve",
    "sliding_window_view",
]


# --------------------------------------------------------------------------- ex04_1


@exercise(
    "compute",
    title="predict the output volume of a bank of filters",
    slide="deck 000, Multiple Filters; deck 002, Plusieurs filtres",
    hint="each filter spans all the input channels and gives ONE map of (n_H − f + 1) × "
    "(n_W − f + 1); the maps of all the filters are stacked, so the depth is the number of "
    "filters, not the number of input channels.",
    answers=("my_output_shape",),
)
def ex04_1(env: Env, hidden: bool) -> None:
    got = answer(env, "my_output_shape")
    expected = (shapes.conv_output_size(30, 5), shapes.conv_output_size(22, 5), 6)
    expect_shape(got, expected, ("the height", "the width", "the depth"), "output volume")


# --------------------------------------------------------------------------- ex04_2 and ex04_3


def _volume_cases(rng: np.random.Generator, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(image, filter bank) pairs: non-square, 1 channel, 1×1 filters, 1 filter, floats.

    The first four are fixed: a small integer RGB image with two 2×2×3 filters, a
    single-channel image, 1×1 filters, a single filter; the others are random.
    """
    cases = [
        (np.arange(60).reshape(4, 5, 3) % 7, np.arange(24).reshape(2, 2, 3, 2) % 5 - 2),
        (np.arange(42).reshape(7, 6, 1) % 4, np.array([1, 0, -1] * 3).reshape(3, 3, 1, 1)),
        (rng.integers(-5, 6, size=(3, 5, 4)), rng.integers(-3, 4, size=(1, 1, 4, 3))),
        (rng.normal(size=(6, 4, 2)), rng.normal(size=(3, 3, 2, 1))),
    ]
    for k in range(count - len(cases)):
        h, w = (int(v) for v in rng.integers(1, 9, size=2))
        f = int(rng.integers(1, min(h, w, 4) + 1))
        c, n_filters = (int(v) for v in rng.integers(1, 5, size=2))
        if k % 3:
            x, bank = rng.normal(size=(h, w, c)), rng.normal(size=(f, f, c, n_filters))
        else:
            x = rng.integers(0, 10, size=(h, w, c))
            bank = rng.integers(-2, 3, size=(f, f, c, n_filters))
        cases.append((x, bank))
    return cases


@exercise(
    "implement",
    title="convolution over volume with a bank of filters",
    slide="deck 000, Convolutions on RGB Images and Multiple Filters; deck 004, Convolution",
    hint="make an output of zeros of shape (H − f + 1, W − f + 1, K); for every position (i, j) "
    "take the f×f×C cube x[i:i + f, j:j + f, :] and, for every filter n, put the sum of "
    "cube * k[:, :, :, n] — all f·f·C products — in out[i, j, n].",
    hidden=True,
    answers=("my_conv_volume",),
)
def ex04_2(env: Env, hidden: bool) -> None:
    conv = function(env, "my_conv_volume")
    forbid(conv, _CONVOLUTIONS, "convolution over volume")
    rng = case_rng(hidden)
    for number, (x, bank) in enumerate(_volume_cases(rng, 30 if hidden else 5), start=1):
        case = f"case {number} ({shape_text(x)} input, {shape_text(bank)} filter bank)"
        got = call(conv, x, bank, case=case)
        expect_array(got, ops.conv2d(x, bank), case)


@exercise(
    "implement",
    title="the forward pass of a convolutional layer",
    slide="deck 000, Convolutional Layer; deck 002, Sommaire des notations",
    hint="z = ops.conv2d(a_prev, w) has one map per filter, shape (H', W', K); add b[n] to "
    "every value of map n (b has shape (K,), which NumPy broadcasts along the last axis), "
    "then set the negative values of z to 0 (np.maximum).",
    hidden=True,
    answers=("my_conv_layer",),
)
def ex04_3(env: Env, hidden: bool) -> None:
    layer = function(env, "my_conv_layer")
    forbid(layer, ["conv_layer", "relu", "Conv2D", "keras", "tensorflow"], "the layer")
    rng = case_rng(hidden)
    cases = _volume_cases(rng, 30 if hidden else 5)
    for number, (x, bank) in enumerate(cases, start=1):
        n_filters = bank.shape[3]
        # the first case's biases are fixed: one negative, one positive, so ReLU matters
        b = np.array([-3.0, 2.0]) if number == 1 else rng.normal(scale=2.0, size=n_filters)
        case = (
            f"case {number} ({shape_text(x)} input, {shape_text(bank)} weights, "
            f"bias {np.round(b, 2).tolist()})"
        )
        got = call(layer, x, bank, b, case=case)
        expect_array(got, ops.conv_layer(x, bank, b, activation="relu"), case)


# --------------------------------------------------------------------------- ex04_4


@exercise(
    "compute",
    title="count the parameters of a convolutional layer",
    slide="deck 000, Number of parameters in one layer; deck 003, CNN: The Volume Shrinks, Example",
    hint="one filter has f·f·n_c weights (it spans every input channel) plus 1 bias; multiply by "
    "the number of filters. The image size, the stride and the padding do not matter.",
    answers=("my_params",),
)
def ex04_4(env: Env, hidden: bool) -> None:
    got = answer(env, "my_params")
    expect_int(got, shapes.conv_params(3, 8, 12), "the number of parameters of the layer")


EXERCISES = (ex04_1, ex04_2, ex04_3, ex04_4)
