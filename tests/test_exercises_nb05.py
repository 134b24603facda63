"""The checks of notebook 05's exercises catch unanswered and plausible wrong answers."""

import numpy as np
import pytest
from exercise_checks import Wrong, exercise_cells, exercise_tests

from cnn_course import shapes
from cnn_course.exercises import EXERCISES, NotAnswered, WrongAnswer, nb05

# --------------------------------------------------------------------------- ex05_1

MAX_RIGHT = "my_max_pooled = np.array([[8, 7, 6], [6, 9, 5]])\n"
AVG_RIGHT = "my_avg_pooled = np.array([[4, 3.25, 2.5], [2.5, 4.25, 3.25]])\n"

# --------------------------------------------------------------------------- ex05_2

POOL_CEIL = """
def my_pool(x, f, s, mode):
    n_h = -(-(x.shape[0] - f) // s) + 1  # rounds up: keeps a partial window at the edge
    n_w = -(-(x.shape[1] - f) // s) + 1
    out = np.zeros((n_h, n_w, x.shape[2]))
    for i in range(n_h):
        for j in range(n_w):
            window = x[i * s : i * s + f, j * s : j * s + f, :]
            out[i, j] = window.max(axis=(0, 1)) if mode == "max" else window.mean(axis=(0, 1))
    return out
"""
POOL_STRIDE_IS_WINDOW = """
def my_pool(x, f, s, mode):
    s = f  # ignores the stride
    n_h, n_w = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1
    out = np.zeros((n_h, n_w, x.shape[2]))
    for i in range(n_h):
        for j in range(n_w):
            window = x[i * s : i * s + f, j * s : j * s + f, :]
            out[i, j] = window.max(axis=(0, 1)) if mode == "max" else window.mean(axis=(0, 1))
    return out
"""
POOL_MIXES_CHANNELS = """
def my_pool(x, f, s, mode):
    n_h, n_w = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1
    out = np.zeros((n_h, n_w, x.shape[2]))
    for i in range(n_h):
        for j in range(n_w):
            window = x[i * s : i * s + f, j * s : j * s + f, :]
            out[i, j] = window.max() if mode == "max" else window.mean()  # over all channels
    return out
"""
POOL_SUM = """
def my_pool(x, f, s, mode):
    n_h, n_w = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1
    out = np.zeros((n_h, n_w, x.shape[2]))
    for i in range(n_h):
        for j in range(n_w):
            window = x[i * s : i * s + f, j * s : j * s + f, :]
            out[i, j] = window.max(axis=(0, 1)) if mode == "max" else window.sum(axis=(0, 1))
    return out
"""
POOL_ALWAYS_MAX = """
def my_pool(x, f, s, mode):
    n_h, n_w = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1
    out = np.zeros((n_h, n_w, x.shape[2]))
    for i in range(n_h):
        for j in range(n_w):
            out[i, j] = x[i * s : i * s + f, j * s : j * s + f, :].max(axis=(0, 1))
    return out
"""
POOL_SWAPS_AXES = """
def my_pool(x, f, s, mode):
    n = (x.shape[1] - f) // s + 1  # the width for both axes
    out = np.zeros((n, n, x.shape[2]))
    for i in range(n):
        for j in range(n):
            window = x[i * s : i * s + f, j * s : j * s + f, :]
            out[i, j] = window.max(axis=(0, 1)) if mode == "max" else window.mean(axis=(0, 1))
    return out
"""
POOL_ONE_CHANNEL = """
def my_pool(x, f, s, mode):
    n_h, n_w = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1
    out = np.zeros((n_h, n_w))
    for i in range(n_h):
        for j in range(n_w):
            window = x[i * s : i * s + f, j * s : j * s + f, 0]
            out[i, j] = window.max() if mode == "max" else window.mean()
    return out  # drops the channel axis
"""
POOL_PUBLIC_ONLY = """
from cnn_course.exercises import nb05 as _nb05

_PUBLIC = [x for x, *_ in _nb05._pool_cases(np.random.default_rng(0), 5)]


def my_pool(x, f, s, mode):
    n_h, n_w = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1
    out = np.zeros((n_h, n_w, x.shape[2]))
    public = any(x.shape == x0.shape and np.array_equal(x, x0) for x0 in _PUBLIC)
    for i in range(n_h):
        for j in range(n_w):
            window = x[i * s : i * s + f, j * s : j * s + f, :]
            if mode == "max" or not public:  # average pooling only where the public cases look
                out[i, j] = window.max(axis=(0, 1))
            else:
                out[i, j] = window.mean(axis=(0, 1))
    return out
"""
POOL_LIBRARY = """
from cnn_course import ops


def my_pool(x, f, s, mode):
    return ops.max_pool(x, f, s) if mode == 'max' else ops.avg_pool(x, f, s)
"""

WRONG = {
    "ex05_1": [
        Wrong(MAX_RIGHT + "my_avg_pooled = ...", "average not answered", verdict=NotAnswered),
        Wrong(MAX_RIGHT + "my_avg_pooled = np.array([[4, 3, 2], [2, 4, 3]])", "integer division"),
        Wrong(
            "my_max_pooled = np.array([[4, 3.25, 2.5], [2.5, 4.25, 3.25]])\n"
            "my_avg_pooled = np.array([[8, 7, 6], [6, 9, 5]])",
            "max and average swapped",
        ),
        Wrong("my_max_pooled = np.array([[8, 6], [7, 9], [6, 5]])\n" + AVG_RIGHT, "transposed"),
        Wrong(
            "my_max_pooled = np.array([[5, 9, 7], [7, 5, 8], [4, 6, 9]])\n" + AVG_RIGHT,
            "the slide's matrix",
        ),
        Wrong("my_max_pooled = np.array([[8, 7, 6], [6, 9, 4]])\n" + AVG_RIGHT, "a slip"),
        Wrong("my_max_pooled = 'eight'\n" + AVG_RIGHT, "not a matrix"),
    ],
    "ex05_2": [
        Wrong(POOL_CEIL, "keeps partial windows (rounds up)"),
        Wrong(POOL_STRIDE_IS_WINDOW, "ignores the stride"),
        Wrong(POOL_MIXES_CHANNELS, "pools across the channels"),
        Wrong(POOL_SUM, "sum instead of the average"),
        Wrong(POOL_ALWAYS_MAX, "ignores the mode"),
        Wrong(POOL_SWAPS_AXES, "assumes a square input"),
        Wrong(POOL_ONE_CHANNEL, "drops the channel axis"),
        Wrong(POOL_PUBLIC_ONLY, "right on the public cases only", hidden=True),
        Wrong(POOL_LIBRARY, "calls the library", match="your function calls `max_pool`"),
    ],
    "ex05_3": [
        Wrong("my_pooled_shape = (24.5, 18, 16)", "no floor"),
        Wrong("my_pooled_shape = (25, 18, 16)", "rounds up (or a 2×2 window)"),
        Wrong("my_pooled_shape = (25, 19, 16)", "padding='same'"),
        Wrong("my_pooled_shape = (24, 18, 1)", "depth 1"),
        Wrong("my_pooled_shape = (16, 12, 16)", "stride = window (3)"),
        Wrong("my_pooled_shape = (24, 24, 16)", "square output"),
        Wrong("my_pooled_shape = '24×18×16'", "a string"),
    ],
    "ex05_4": [
        Wrong("my_pooling = (2, 2)", "the notebook's pooling: about 19 %"),
        Wrong("my_pooling = (5, 2)", "48 %: just short of the target"),
        Wrong("my_pooling = (26, 26)", "global max pooling: 1×1"),
        Wrong("my_pooling = (13, 13)", "2×2 maps"),
        Wrong("my_pooling = (8, 1)", "66 %, but the maps are 19×19: not halved"),
        Wrong("my_pooling = (1, 2)", "subsampling: no invariance"),
        Wrong("my_pooling = (6.0, 2)", "not whole numbers"),
        Wrong("my_pooling = (30, 2)", "a window larger than the maps"),
        Wrong("my_pooling = 6", "one number"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("05", WRONG)


# --------------------------------------------------------------------------- beyond the four tests


def test_the_statement_prints_the_checked_matrix() -> None:
    statement = exercise_cells("05")["ex05_1"]["statement"].source
    for row in nb05.POOL_MATRIX:
        assert "  ".join(map(str, row)) in statement


def test_compute_messages_do_not_give_the_answer_away() -> None:
    with pytest.raises(WrongAnswer) as err:
        EXERCISES["ex05_1"].run({"my_max_pooled": [[8, 7, 6], [6, 9, 4]], "my_avg_pooled": 0})
    message = str(err.value)
    assert message == (
        "1 of the 6 entries of your max-pooled matrix is wrong: (row, column) (1, 2)."
    )
    with pytest.raises(WrongAnswer, match="not its shape"):
        EXERCISES["ex05_1"].run({"my_max_pooled": [[8, 7], [6, 9]], "my_avg_pooled": 0})
    with pytest.raises(WrongAnswer) as err:
        EXERCISES["ex05_3"].run({"my_pooled_shape": (25, 18, 16)})
    assert str(err.value) == "25 is not the height of the pooled volume."


def test_public_pool_cases_cover_the_edge_cases() -> None:
    cases = nb05._pool_cases(np.random.default_rng(0), 5)
    assert any(x.shape[0] != x.shape[1] for x, *_ in cases)  # non-square
    assert any(x.shape[2] > 1 for x, *_ in cases)  # channels
    assert any(f == 1 for _, f, _, _ in cases)  # f = 1
    assert any(s > f for _, f, s, _ in cases)  # stride larger than the window
    assert any((x.shape[0] - f) % s for x, f, s, _ in cases)  # windows that do not tile
    assert {mode for *_, mode in cases} == {"max", "avg"}


def test_the_experiment_measures_what_the_notebook_measures() -> None:
    """The 2×2 pooling keeps about a fifth (as the notebook prints), no pooling almost nothing;
    the window, not the stride, buys the invariance; within the size limits only windows of
    6 to 8 with stride 2, or of 14 to 17 with stride 1, reach the target."""
    assert 0.15 < nb05.unchanged_fraction(2, 2) < 0.25
    assert nb05.unchanged_fraction(1, 1) < 0.02
    assert abs(nb05.unchanged_fraction(6, 1) - nb05.unchanged_fraction(6, 2)) < 0.02
    low, high = nb05.SIZE_RANGE
    passing = [
        (f, s)
        for f in range(1, 27)
        for s in range(1, 27)
        if low <= shapes.pool_output_size(26, f, s) <= high
        and nb05.unchanged_fraction(f, s) >= nb05.TARGET_UNCHANGED
    ]
    assert passing == [(6, 2), (7, 2), (8, 2), (14, 1), (15, 1), (16, 1), (17, 1)]
