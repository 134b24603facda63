"""The checks of notebook 02's exercises catch unanswered and plausible wrong answers."""

import numpy as np
import pytest
from exercise_checks import Wrong, exercise_tests

from cnn_course import kernels
from cnn_course.exercises import EXERCISES, NotAnswered, WrongAnswer
from cnn_course.exercises.nb02 import (
    MAX_135,
    MAX_FLAT,
    PHOTO_OVER_VH,
    SYNTHETIC_OVER_VH,
    diagonal_edge_scores,
)

# --------------------------------------------------------------------------- my_conv2d

CONV_SQUARE_ONLY = """
def my_conv2d(x, k):
    n, f = x.shape[0], k.shape[0]  # assumes a square image
    out = np.zeros((n - f + 1, n - f + 1))
    for i in range(n - f + 1):
        for j in range(n - f + 1):
            out[i, j] = np.sum(x[i : i + f, j : j + f] * k)
    return out
"""
CONV_FLIPPED = """
def my_conv2d(x, k):
    f = k.shape[0]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + f, j : j + f] * k[::-1, ::-1])  # the textbook one
    return out
"""
CONV_OFF_BY_ONE = """
def my_conv2d(x, k):
    f = k.shape[0]
    out = np.zeros((x.shape[0] - f, x.shape[1] - f))  # misses the last row and column
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + f, j : j + f] * k)
    return out
"""
CONV_SAME_SIZE = """
def my_conv2d(x, k):
    f = k.shape[0]
    out = np.zeros(x.shape)  # keeps the input's size: zeros where the filter does not fit
    for i in range(x.shape[0] - f + 1):
        for j in range(x.shape[1] - f + 1):
            out[i, j] = np.sum(x[i : i + f, j : j + f] * k)
    return out
"""
CONV_SWAPPED = """
def my_conv2d(x, k):
    f = k.shape[0]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[j : j + f, i : i + f] * k)  # rows and columns swapped
    return out
"""
CONV_INTEGER = """
def my_conv2d(x, k):
    f = k.shape[0]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1), dtype=int)  # truncates floats
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + f, j : j + f] * k)
    return out
"""
CONV_NO_RETURN = """
def my_conv2d(x, k):
    f = k.shape[0]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + f, j : j + f] * k)
"""
CONV_SCIPY = """
from scipy import signal


def my_conv2d(x, k):
    return signal.correlate2d(x, k, mode="valid")
"""
CONV_WINDOWS = """
def my_conv2d(x, k):
    windows = np.lib.stride_tricks.sliding_window_view(x, k.shape)
    return np.einsum("ijab,ab->ij", windows, k)
"""

# --------------------------------------------------------------------------- my_convolve2d

FLIP_HEAD = "from cnn_course import ops\n\n\ndef my_convolve2d(x, k):\n"
CONVOLVE_NEGATED = FLIP_HEAD + "    return -ops.conv2d(x, k)  # right for edge filters only\n"
CONVOLVE_ROWS = FLIP_HEAD + "    return ops.conv2d(x, k[::-1])  # top-bottom only\n"
CONVOLVE_COLUMNS = FLIP_HEAD + "    return ops.conv2d(x, k[:, ::-1])  # left-right only\n"
CONVOLVE_TRANSPOSED = FLIP_HEAD + "    return ops.conv2d(x, k.T)\n"
CONVOLVE_ROT90 = FLIP_HEAD + "    return ops.conv2d(x, np.rot90(k))  # a quarter turn\n"
CONVOLVE_UNFLIPPED = FLIP_HEAD + "    return ops.conv2d(x, k)\n"
CONVOLVE_SCIPY = """
from scipy import signal


def my_convolve2d(x, k):
    return signal.convolve2d(x, k, mode="valid")
"""


def _filter(k) -> str:
    return f"my_diagonal = np.array({np.asarray(k).tolist()})"


PHOTO_FAILS = [[1, 2, 1], [-1, 3, -3], [1, -2, -2]]  # fine on the step edges only
RANDOM_FILTER = _filter(np.random.default_rng(0).normal(size=(3, 3)).round(3))
ZERO_MEAN_RANDOM = _filter(
    (lambda k: k - k.mean())(np.random.default_rng(1).normal(size=(3, 3))).round(3)
)

WRONG = {
    "ex02_1": [
        Wrong("my_value = 0", "zero"),
        Wrong("my_value = 3", "the filter flipped (the textbook convolution)"),
        Wrong("my_value = -2", "output[2, 1]: rows and columns swapped"),
        Wrong("my_value = 2", "output[0, 1]: row 2, column 3 counted from 1 as indices"),
        Wrong("my_value = -5", "output[1, 1]"),
        Wrong("my_value = 7", "the top row only"),
        Wrong("my_value = '-3'", "a string"),
    ],
    "ex02_2": [
        Wrong(CONV_SQUARE_ONLY, "assumes a square image"),
        Wrong(CONV_FLIPPED, "flips the filter"),
        Wrong(CONV_OFF_BY_ONE, "n - f outputs instead of n - f + 1"),
        Wrong(CONV_SAME_SIZE, "keeps the input's size"),
        Wrong(CONV_SWAPPED, "rows and columns of the window swapped"),
        Wrong(CONV_INTEGER, "an integer output truncates float images"),
        Wrong(CONV_NO_RETURN, "forgets to return", verdict=NotAnswered),
        Wrong("my_conv2d = 3", "not a function"),
        Wrong(CONV_SCIPY, "calls the library", match="your function calls `correlate2d`"),
        Wrong(CONV_WINDOWS, "calls the library", match="your function calls `sliding_window_view`"),
    ],
    "ex02_3": [
        Wrong("my_diagonal = np.zeros((3, 3))", "all zeros"),
        Wrong(_filter(kernels.identity()), "the identity: answers brightness, not edges"),
        Wrong(_filter(kernels.sobel_vertical()), "the vertical Sobel filter"),
        Wrong(_filter(kernels.sobel_horizontal()), "the horizontal Sobel filter"),
        Wrong(_filter(kernels.vertical_edge()), "the slide's vertical-edge filter"),
        Wrong(_filter(kernels.laplacian()), "the Laplacian: every direction"),
        Wrong(_filter(kernels.sharpen()), "sharpen: brightness and every direction"),
        Wrong(_filter(kernels.box_blur()), "a blur"),
        Wrong(_filter([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]]), "the other diagonal (135°)"),
        Wrong(
            _filter(kernels.sobel_vertical() - kernels.sobel_horizontal()),
            "Sobel vertical minus horizontal: the other diagonal",
        ),
        Wrong(_filter([[-1, -1, 2], [-1, 2, -1], [2, -1, -1]]), "a 45° line, not edge, detector"),
        Wrong(_filter([[2, 1, 0], [1, 0, -1], [0, -1, -2]]) + " + 1", "answers a flat image"),
        Wrong(_filter([[1, 0], [0, -1]]), "2×2 (Roberts), not 3×3"),
        Wrong(_filter([[1, 0, 0], [0, 0, 0], [0, 0, -1]]), "two corners: as strong on vertical"),
        Wrong(_filter(PHOTO_FAILS), "passes the step edges, not the photo"),
        Wrong(RANDOM_FILTER, "random weights"),
        Wrong(ZERO_MEAN_RANDOM, "random weights that add up to 0"),
        Wrong("my_diagonal = np.full((3, 3), np.nan)", "not numbers"),
        Wrong("my_diagonal = 'diagonal'", "a string"),
    ],
    "ex02_4": [
        Wrong(CONVOLVE_NEGATED, "minus the cross-correlation: right for edge filters only"),
        Wrong(CONVOLVE_ROWS, "mirrors top-bottom only"),
        Wrong(CONVOLVE_COLUMNS, "mirrors left-right only"),
        Wrong(CONVOLVE_TRANSPOSED, "transposes instead of mirroring"),
        Wrong(CONVOLVE_ROT90, "a quarter turn instead of a half turn"),
        Wrong(CONVOLVE_UNFLIPPED, "the cross-correlation itself"),
        Wrong(CONVOLVE_SCIPY, "calls the library", match="your function calls `convolve2d`"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("02", WRONG)


# --------------------------------------------------------------------------- the 45° experiment

GOOD_DIAGONALS = [
    [[2, 1, 0], [1, 0, -1], [0, -1, -2]],  # Sobel turned by 45°
    [[1, 1, 0], [1, 0, -1], [0, -1, -1]],  # Prewitt turned by 45° (= Sobel v + Sobel h, halved)
    [[0, 1, 0], [1, 0, -1], [0, -1, 0]],  # the four neighbours of the centre
    [[3, 10, 0], [10, 0, -10], [0, -10, -3]],  # Scharr-like weights
]


@pytest.mark.parametrize("k", GOOD_DIAGONALS)
@pytest.mark.parametrize("scale", [1, -0.01, 250])
def test_any_good_45_degree_filter_passes_at_any_scale_and_sign(k, scale) -> None:
    EXERCISES["ex02_3"].run({"my_diagonal": scale * np.array(k)})


def test_a_keras_kernel_shape_is_accepted() -> None:
    k = np.array(GOOD_DIAGONALS[0], dtype="float32").reshape(3, 3, 1, 1)
    EXERCISES["ex02_3"].run({"my_diagonal": k})


def test_wrong_filters_are_told_which_measurement_failed() -> None:
    def message(k) -> str:
        with pytest.raises(WrongAnswer) as info:
            EXERCISES["ex02_3"].run({"my_diagonal": np.array(k)})
        return str(info.value)

    assert "the vertical edge" in message(kernels.sobel_vertical())
    assert "the other diagonal" in message([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]])
    assert "the other diagonal" in message(np.array([[0.01, 1, 0], [-1, 0, 1], [0, -1, -0.01]]))
    assert "135° edge" in message(kernels.laplacian())
    assert "flat image" in message(kernels.identity())
    assert "all zeros" in message(np.zeros((3, 3)))
    assert "3×3 filter" in message([[1, 0], [0, -1]])
    assert "cameraman" in message(PHOTO_FAILS)  # the step edges alone would let it pass
    assert "synthetic" in message([[1, 0, 0], [0, 0, 0], [0, 0, -1]])  # the photo alone would


def test_random_filters_almost_never_pass() -> None:
    rng = np.random.default_rng(2)
    passed = 0
    for _ in range(200):
        k = rng.normal(size=(3, 3))
        synthetic, photo = diagonal_edge_scores(k)
        d45, p45 = synthetic["45°"], photo["45°"]
        passed += (
            synthetic["flat"] <= MAX_FLAT * d45
            and d45 >= SYNTHETIC_OVER_VH * max(synthetic["vertical"], synthetic["horizontal"])
            and synthetic["135°"] <= MAX_135 * d45
            and p45 >= PHOTO_OVER_VH * max(photo["vertical"], photo["horizontal"])
            and photo["135°"] <= MAX_135 * p45
        )
    assert passed <= 2, passed
