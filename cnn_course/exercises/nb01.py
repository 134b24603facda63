"""Exercises of notebook 01 · Why convolutions?"""

from __future__ import annotations

import numpy as np

from cnn_course import shapes
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
)

__all__ = ["EXERCISES"]


@exercise(
    "compute",
    title="the parameters of a dense layer on a 150×200 colour photo",
    slide="deck 000, Challenges in Deep Learning for Computer Vision; deck 004, Motivation",
    hint="flatten the photo: rows × columns × 3 colour values is the number of inputs. Every "
    "unit has one weight per input, plus its own bias.",
    answers=("my_params",),
)
def ex01_1(env: Env, hidden: bool) -> None:
    expected = shapes.fc_params_for_image(150, 200, 3, 500)
    expect_int(answer(env, "my_params"), expected, "the number of parameters of that layer")


@exercise(
    "implement",
    title="the parameters of a locally connected layer",
    slide="deck 001, Minimizing the number of parameters: LRF's; deck 004, Locally connected layer",
    hint="first count the positions: an f×f field fits at n − f + 1 places across and as many "
    "down. Each position has c_out units; each unit has its own f×f×c_in weights and its own "
    "bias. Check your function on the slide's two examples (14 976 and 218 880).",
    hidden=True,
    answers=("my_locally_connected_params",),
)
def ex01_2(env: Env, hidden: bool) -> None:
    count = function(env, "my_locally_connected_params")
    forbid(
        count,
        ["locally_connected_params", "LocallyConnected2D", "count_params", "keras"],
        "the parameter count",
    )
    rng = case_rng(hidden)
    # the slide's two examples, 1×1 fields, a field as large as the image (one position)
    cases = [(28, 5, 1, 1), (28, 5, 3, 5), (7, 1, 2, 4), (6, 6, 3, 2)]
    for _ in range(30 if hidden else 3):
        n = int(rng.integers(1, 65))
        f = int(rng.integers(1, n + 1))
        cases.append((n, f, int(rng.integers(1, 5)), int(rng.integers(1, 9))))
    for n, f, c_in, c_out in cases:
        case = f"n={n}, f={f}, c_in={c_in}, c_out={c_out}"
        got = call(count, n, f, c_in, c_out, case=case)
        expected = shapes.locally_connected_params(n, f, c_in=c_in, c_out=c_out)
        expect_int(got, expected, f"the number of parameters for {case}")


@exercise(
    "compute",
    title="how many times more parameters without weight sharing",
    slide="deck 001, From LRF's to convolutional layers; deck 004, Convolutional layer",
    hint="the convolution has one set of filters and biases; the locally connected layer has "
    "its own copy of them at every position the field can take. Count the positions.",
    answers=("my_times",),
)
def ex01_3(env: Env, hidden: bool) -> None:
    local = shapes.locally_connected_params(64, 7, c_in=3, c_out=8)
    shared = shapes.conv_params(7, 3, 8)
    expect_int(
        answer(env, "my_times"),
        local // shared,
        "how many times more parameters the locally connected layer has",
    )


@exercise(
    "compute",
    title="the nonzero entries of a convolution's dense matrix",
    slide="deck 000, Why Convolutions? (sparsity of connections); deck 001, Fully Convolutional "
    "Networks",
    hint="one row of the matrix per output value, and each row holds the filter's weights — "
    "nothing else. How many output values does a 5×5 filter give on a 20×30 image?",
    answers=("my_nonzero",),
)
def ex01_4(env: Env, hidden: bool) -> None:
    from cnn_course.layers import dense_matrix_of_conv

    matrix = dense_matrix_of_conv(np.ones((5, 5)), (20, 30))
    expect_int(
        answer(env, "my_nonzero"),
        int(np.count_nonzero(matrix)),
        "the number of nonzero entries",
    )


def _dense_cases(rng: np.random.Generator, count: int) -> list[tuple[np.ndarray, tuple[int, int]]]:
    """Filters and image shapes: the notebook's example, 1×1, as tall as the image, non-square."""
    cases = [
        (np.arange(1, 10).reshape(3, 3), (6, 6)),  # the notebook's 16×36 matrix
        (np.array([[2.5]]), (2, 3)),  # a 1×1 filter
        (np.arange(1, 5).reshape(2, 2), (2, 5)),  # as tall as the image: one row of outputs
    ]
    for k in range(count):
        h, w = (int(v) for v in rng.integers(1, 8, size=2))
        f = int(rng.integers(1, min(h, w) + 1))
        weights = rng.normal(size=(f, f)) if k % 2 else rng.integers(1, 10, size=(f, f))
        cases.append((weights, (h, w)))
    return cases


@exercise(
    "implement",
    title="a convolution written as a dense matrix",
    slide="deck 001, Fully Convolutional Networks; deck 000, Why Convolutions?",
    hint="start from a matrix of zeros (floats, or the filter's dtype). Row i·W_out + j is "
    "output (i, j): the filter's weight k[a, b] goes in the column of the pixel under it, "
    "(i + a, j + b). Pixel (r, c) of an H×W image is column r·W + c — W is the image's width, "
    "not the output's (W_out = W − f + 1).",
    hidden=True,
    answers=("my_dense_matrix",),
)
def ex01_5(env: Env, hidden: bool) -> None:
    from cnn_course.layers import dense_matrix_of_conv

    build = function(env, "my_dense_matrix")
    forbid(
        build,
        [
            "dense_matrix_of_conv",
            "conv2d",
            "convolve",
            "convolve2d",
            "correlate",
            "correlate2d",
            "sliding_window_view",
            "step_products",
            "scipy",
            "keras",
        ],
        "the dense matrix",
    )
    rng = case_rng(hidden)
    for number, (k, shape) in enumerate(_dense_cases(rng, 30 if hidden else 3), start=1):
        f = k.shape[0]
        case = f"case {number} ({f}×{f} filter, {shape[0]}×{shape[1]} image)"
        got = call(build, k, shape, case=case)
        expect_array(got, dense_matrix_of_conv(k, shape), case)


EXERCISES = (ex01_1, ex01_2, ex01_3, ex01_4, ex01_5)
