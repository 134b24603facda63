"""The checks of notebook 04's exercises catch unanswered and plausible wrong answers."""

import numpy as np
import pytest
from exercise_checks import Wrong, exercise_tests, run_answer

from cnn_course.exercises import EXERCISES, WrongAnswer

# --------------------------------------------------------------------------- ex04_2

VOLUME_LOOPS = """
def _loops(x, k, flip=False):
    f, _, _, n_filters = k.shape
    if flip:
        k = k[::-1, ::-1]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1, n_filters))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for n in range(n_filters):
                out[i, j, n] = np.sum(x[i : i + f, j : j + f, :] * k[:, :, :, n])
    return out
"""
VOLUME_FIRST_CHANNEL = """
def my_conv_volume(x, k):
    f, _, _, n_filters = k.shape
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1, n_filters))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for n in range(n_filters):  # only the first channel: no sum over the volume
                out[i, j, n] = np.sum(x[i : i + f, j : j + f, 0] * k[:, :, 0, n])
    return out
"""
VOLUME_FIRST_FILTER = """
def my_conv_volume(x, k):
    f = k.shape[0]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + f, j : j + f, :] * k[:, :, :, 0])
    return out  # one map, not a stack
"""
VOLUME_MIRRORED = (
    VOLUME_LOOPS
    + """
def my_conv_volume(x, k):
    return _loops(x, k, flip=True)  # the textbook convolution: filter mirrored
"""
)
VOLUME_SQUARE = """
def my_conv_volume(x, k):
    f, _, _, n_filters = k.shape
    n = x.shape[0] - f + 1  # assumes a square image
    out = np.zeros((n, n, n_filters))
    for i in range(n):
        for j in range(n):
            for c in range(n_filters):
                out[i, j, c] = np.sum(x[i : i + f, j : j + f, :] * k[:, :, :, c])
    return out
"""
VOLUME_CHANNELS_FIRST = (
    VOLUME_LOOPS
    + """
def my_conv_volume(x, k):
    return np.moveaxis(_loops(x, k), -1, 0)  # (K, H', W'): channels first
"""
)
VOLUME_SUMS_FILTERS = (
    VOLUME_LOOPS
    + """
def my_conv_volume(x, k):
    out = _loops(x, k)
    return np.repeat(out.sum(axis=-1, keepdims=True), k.shape[3], axis=-1)  # mixes the filters
"""
)
VOLUME_PUBLIC_ONLY = (
    VOLUME_LOOPS
    + """
from cnn_course.exercises import nb04 as _nb04

_PUBLIC = _nb04._volume_cases(np.random.default_rng(0), 5)  # drawn exactly as the check does


def my_conv_volume(x, k):
    for x0, k0 in _PUBLIC:
        if x.shape == x0.shape and k.shape == k0.shape and np.array_equal(x, x0):
            return _loops(x, k)
    return np.zeros((x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[0] + 1, k.shape[3]))
"""
)
VOLUME_LIBRARY = """
from cnn_course import ops


def my_conv_volume(x, k):
    return ops.conv2d(x, k)
"""

# --------------------------------------------------------------------------- ex04_3

LAYER_NO_RELU = """
from cnn_course import ops


def my_conv_layer(a_prev, w, b):
    return ops.conv2d(a_prev, w) + b  # z, not a
"""
LAYER_RELU_FIRST = """
from cnn_course import ops


def my_conv_layer(a_prev, w, b):
    return np.maximum(ops.conv2d(a_prev, w), 0) + b  # ReLU before the bias
"""
LAYER_NO_BIAS = """
from cnn_course import ops


def my_conv_layer(a_prev, w, b):
    return np.maximum(ops.conv2d(a_prev, w), 0)
"""
LAYER_ONE_BIAS = """
from cnn_course import ops


def my_conv_layer(a_prev, w, b):
    return np.maximum(ops.conv2d(a_prev, w) + np.sum(b), 0)  # one bias for all the filters
"""
LAYER_BIAS_FIRST_AXIS = """
from cnn_course import ops


def my_conv_layer(a_prev, w, b):
    return np.maximum(ops.conv2d(a_prev, w) + b[:, None, None], 0)  # channels-first bias
"""
LAYER_ABS = """
from cnn_course import ops


def my_conv_layer(a_prev, w, b):
    return np.abs(ops.conv2d(a_prev, w) + b)
"""
LAYER_PUBLIC_ONLY = """
from cnn_course import ops
from cnn_course.exercises import nb04 as _nb04

_PUBLIC = [x for x, _ in _nb04._volume_cases(np.random.default_rng(0), 5)]


def my_conv_layer(a_prev, w, b):
    z = ops.conv2d(a_prev, w) + b
    public = any(a_prev.shape == x.shape and np.array_equal(a_prev, x) for x in _PUBLIC)
    return np.maximum(z, 0) if public else z  # the ReLU only where the public cases look
"""
LAYER_LIBRARY = """
from cnn_course import ops


def my_conv_layer(a_prev, w, b):
    return ops.conv_layer(a_prev, w, b)
"""

WRONG = {
    "ex04_1": [
        Wrong("my_output_shape = (26, 18, 4)", "depth = input channels"),
        Wrong("my_output_shape = (26, 18, 1)", "one map only"),
        Wrong("my_output_shape = (26, 26, 6)", "square output"),
        Wrong("my_output_shape = (25, 17, 6)", "forgot the + 1"),
        Wrong("my_output_shape = (4, 4, 2)", "the slide's example"),
        Wrong("my_output_shape = (6, 26, 18)", "channels first"),
        Wrong("my_output_shape = (26, 18)", "no depth"),
        Wrong("my_output_shape = 26 * 18 * 6", "a size, not a shape"),
    ],
    "ex04_2": [
        Wrong(VOLUME_FIRST_CHANNEL, "no sum over the channels"),
        Wrong(VOLUME_FIRST_FILTER, "one filter only"),
        Wrong(VOLUME_MIRRORED, "true convolution (mirrored filter)"),
        Wrong(VOLUME_SQUARE, "assumes square images"),
        Wrong(VOLUME_CHANNELS_FIRST, "channels first"),
        Wrong(VOLUME_SUMS_FILTERS, "adds the filters' maps together"),
        Wrong("my_conv_volume = 3", "not a function"),
        Wrong(VOLUME_PUBLIC_ONLY, "right on the public cases only", hidden=True),
        Wrong(VOLUME_LIBRARY, "calls the library", match="your function calls `conv2d`"),
    ],
    "ex04_3": [
        Wrong(LAYER_NO_RELU, "returns z"),
        Wrong(LAYER_RELU_FIRST, "ReLU before the bias"),
        Wrong(LAYER_NO_BIAS, "no bias"),
        Wrong(LAYER_ONE_BIAS, "one bias for all filters"),
        Wrong(LAYER_BIAS_FIRST_AXIS, "bias broadcast on the wrong axis"),
        Wrong(LAYER_ABS, "|z| instead of ReLU"),
        Wrong(LAYER_PUBLIC_ONLY, "right on the public cases only", hidden=True),
        Wrong(LAYER_LIBRARY, "calls the library", match="your function calls `conv_layer`"),
    ],
    "ex04_4": [
        Wrong("my_params = 864", "no biases"),
        Wrong("my_params = 865", "one bias for the layer"),
        Wrong("my_params = 73", "one filter"),
        Wrong("my_params = 120", "forgot the channels: (9 + 1) × 12"),
        Wrong("my_params = 280", "the slide's example"),
        Wrong("my_params = 876.5", "not a whole number"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("04", WRONG)


def test_wrong_messages_name_the_case_and_do_not_give_compute_answers_away() -> None:
    with pytest.raises(WrongAnswer) as err:
        EXERCISES["ex04_1"].run({"my_output_shape": (26, 18, 4)})
    assert str(err.value) == "4 is not the depth of the output volume."
    env = run_answer(VOLUME_FIRST_CHANNEL)
    with pytest.raises(WrongAnswer, match=r"^case 1 \(4×5×3 input, 2×2×3×2 filter bank\)"):
        EXERCISES["ex04_2"].run(env)


def test_public_cases_cover_the_edge_cases() -> None:
    from cnn_course.exercises.nb04 import _volume_cases

    cases = _volume_cases(np.random.default_rng(0), 5)
    assert any(x.shape[0] != x.shape[1] for x, _ in cases)  # non-square
    assert any(x.shape[2] == 1 for x, _ in cases)  # one channel
    assert any(k.shape[0] == 1 for _, k in cases)  # 1×1 filters
    assert any(k.shape[3] == 1 for _, k in cases)  # a single filter
