"""Tests of :mod:`cnn_course.ops`.

* the numbers the slides compute by hand (and the two slides that print wrong ones);
* a few hundred seeded random configurations against independent implementations:
  SciPy's ``correlate2d`` / ``convolve2d`` and Keras (``keras.ops`` for the bulk, real
  ``Conv2D`` / ``ZeroPadding2D`` / ``MaxPooling2D`` / ``AveragePooling2D`` layers for a
  smaller sample);
* bad input gives a ``ValueError`` in course language; integers stay exact; inputs are
  never modified; translation equivariance of convolution and (limited) invariance of
  max pooling; importing the module does not load TensorFlow.

The slide matrices come from :mod:`cnn_course.slides`, which tests/test_slides.py checks
against the decks' text; what ops computes from them is checked here against the printed
values, SciPy, Keras and plain loops.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
import whole_numbers
from scipy import signal

from cnn_course import ops, shapes, slides

# ----------------------------------------------------------------- slide matrices
# Writable copies of the read-only constants of cnn_course.slides.
SIX = np.array(slides.IMAGE_6X6)  # deck 000 "Vertical Edge Detection", deck 002
VERTICAL = np.array(slides.VERTICAL_EDGE_FILTER)
SIX_VERTICAL_PRINTED = np.array(slides.IMAGE_6X6_EDGES)
STEP = np.array(slides.STEP_IMAGE_6X6)  # bright (10) left half, dark (0) right half
SEVEN = np.array(slides.STRIDE_IMAGE_7X7)  # deck 000 "Strided Convolutions", deck 002
SEVEN_FILTER = np.array(slides.STRIDE_FILTER)
SEVEN_PRINTED = np.array(slides.STRIDE_OUTPUT_PRINTED)  # deck 002, two entries wrong
PADDED_SLIDE_INPUT = np.array(slides.PADDED_IMAGE_8X8)  # deck 001, shown zero-padded
PADDED_SLIDE_PRINTED = np.array(slides.PADDED_OUTPUT_PRINTED)  # two entries wrong
FOUR = np.array(slides.POOL_IMAGE_4X4)  # deck 000 "Pooling Layer"
SIX_MAX_PRINTED = np.array(slides.POOL_MAX_3X3)  # deck 002 "Pooling layer"
SIX_AVG_PRINTED = np.array(slides.POOL_AVG_3X3)


# ----------------------------------------------------------------- slide numbers


def test_vertical_edge_slide():
    out = ops.conv2d(SIX, VERTICAL)
    np.testing.assert_array_equal(out, SIX_VERTICAL_PRINTED)
    assert out.dtype.kind == "i"
    # the slide's first entry, written out as element-wise products and a sum
    assert out[0, 0] == 3 * 1 + 1 * 1 + 2 * 1 + 0 + 0 + 0 + 1 * -1 + 8 * -1 + 2 * -1 == -5


def test_step_image_edge_down_the_middle():
    out = ops.conv2d(STEP, VERTICAL)
    assert out.shape == (4, 4)
    assert all(row == [0, 30, 30, 0] for row in out.tolist())


def test_strided_slide_and_its_misprints():
    out = ops.conv2d(SEVEN, SEVEN_FILTER, stride=2)
    assert out.shape == (3, 3)  # floor((7 + 0 - 3) / 2) + 1
    np.testing.assert_array_equal(out, [[91, 100, 88], [69, 91, 117], [44, 72, 74]])
    wrong = np.argwhere(out != SEVEN_PRINTED).tolist()
    assert wrong == [[0, 2], [1, 2]]
    assert SEVEN_PRINTED[0, 2] == 83 and out[0, 2] == 88
    assert SEVEN_PRINTED[1, 2] == 127 and out[1, 2] == 117
    # the 88 by hand: window rows 0-2, columns 4-6
    assert (SEVEN[0:3, 4:7] * SEVEN_FILTER).sum() == 88


def test_padded_slide_and_its_misprints():
    image = PADDED_SLIDE_INPUT[1:-1, 1:-1]
    np.testing.assert_array_equal(ops.zero_pad(image, 1), PADDED_SLIDE_INPUT)
    out = ops.conv2d(image, VERTICAL, padding=1)
    assert out.shape == (6, 6)  # 6 + 2 * 1 - 3 + 1
    np.testing.assert_array_equal(out, ops.conv2d(image, VERTICAL, padding="same"))
    # Exactly two printed entries are wrong: row 4 starts with -11 (a sign lost), and
    # row 5 has 11 where 10 is printed.
    assert np.argwhere(out != PADDED_SLIDE_PRINTED).tolist() == [[3, 0], [4, 4]]
    assert (out[3, 0], PADDED_SLIDE_PRINTED[3, 0]) == (-11, 11)
    assert (out[4, 4], PADDED_SLIDE_PRINTED[4, 4]) == (11, 10)
    assert (PADDED_SLIDE_INPUT[3:6, 0:3] * VERTICAL).sum() == -11
    assert (PADDED_SLIDE_INPUT[4:7, 4:7] * VERTICAL).sum() == 11


def test_pooling_slides():
    np.testing.assert_array_equal(ops.max_pool(FOUR), [[9, 2], [6, 3]])
    np.testing.assert_array_equal(ops.max_pool(SIX), SIX_MAX_PRINTED)
    np.testing.assert_array_equal(ops.avg_pool(SIX), SIX_AVG_PRINTED)
    np.testing.assert_array_equal(ops.pool(SIX, mode="average"), SIX_AVG_PRINTED)
    assert ops.max_pool(SIX).dtype == SIX.dtype
    assert ops.avg_pool(SIX).dtype == np.float64
    # (6, 6, 2) -> (3, 3, 2): each channel on its own
    two = np.stack([SIX, SIX.T], axis=-1)
    assert ops.max_pool(two).shape == ops.avg_pool(two).shape == (3, 3, 2)
    np.testing.assert_array_equal(ops.max_pool(two)[:, :, 0], SIX_MAX_PRINTED)
    np.testing.assert_array_equal(ops.max_pool(two)[:, :, 1], SIX_MAX_PRINTED.T)
    np.testing.assert_array_equal(ops.avg_pool(two)[:, :, 0], SIX_AVG_PRINTED)
    np.testing.assert_array_equal(ops.avg_pool(two)[:, :, 1], SIX_AVG_PRINTED.T)


def test_volume_and_filter_bank_shapes_from_the_slides():
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 10, (6, 6, 3))
    one = ops.conv2d(rgb, rng.integers(-1, 2, (3, 3, 3)))
    assert one.shape == (4, 4)  # 6×6×3 * 3×3×3 -> 4×4
    bank = rng.integers(-1, 2, (3, 3, 3, 2))
    out = ops.conv2d(rgb, bank)
    assert out.shape == (4, 4, 2)  # two filters stacked
    for j in range(2):
        np.testing.assert_array_equal(out[:, :, j], ops.conv2d(rgb, bank[:, :, :, j]))
    # 39×39×3 -> 37×37×10 (deck 000 ConvNet), 2-D image with an (f, f, 1, K) bank
    assert ops.conv2d(np.zeros((39, 39, 3)), np.zeros((3, 3, 3, 10))).shape == (37, 37, 10)
    assert ops.conv2d(np.zeros((28, 28)), np.zeros((5, 5, 1, 3))).shape == (24, 24, 3)


def test_stride_that_does_not_fit_drops_the_last_column():
    # deck 003: 3×3 filter, stride 3 on 7×7 "doesn't fit"; Keras floors to 2×2
    assert ops.conv2d(SEVEN, SEVEN_FILTER, stride=3).shape == (2, 2)
    cov = ops.coverage((7, 7), 3, stride=3)
    assert np.argwhere(cov.sum(axis=0) == 0).ravel().tolist() == [6]
    assert np.argwhere(cov.sum(axis=1) == 0).ravel().tolist() == [6]
    # changing a pixel that is never seen does not change the output
    changed = SEVEN.copy()
    changed[:, 6] += 100
    np.testing.assert_array_equal(
        ops.conv2d(changed, SEVEN_FILTER, stride=3), ops.conv2d(SEVEN, SEVEN_FILTER, stride=3)
    )


def test_conv_layer_bias_and_relu():
    z = ops.conv2d(SIX, VERTICAL) + 1
    a = ops.conv_layer(SIX, VERTICAL, 1)
    np.testing.assert_array_equal(a, np.where(z > 0, z, 0))
    assert a.dtype == np.float64
    np.testing.assert_array_equal(ops.conv_layer(SIX, VERTICAL, 1, activation="linear"), z)
    np.testing.assert_array_equal(ops.conv_layer(SIX, VERTICAL, 1, activation=None), z)
    np.testing.assert_array_equal(ops.conv_layer(SIX, VERTICAL, 1, activation=np.tanh), np.tanh(z))
    bank = np.stack([VERTICAL, VERTICAL.T], axis=-1)[:, :, None, :]  # (3, 3, 1, 2)
    out = ops.conv_layer(SIX, bank, [0, -100])
    assert out.shape == (4, 4, 2)
    np.testing.assert_array_equal(out[:, :, 0], np.maximum(SIX_VERTICAL_PRINTED, 0))
    assert not out[:, :, 1].any()  # every horizontal-edge response is below 100


def test_true_convolution_flips_the_filter():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 10, (7, 8, 2))
    k = rng.integers(-3, 4, (3, 2, 2, 3))
    np.testing.assert_array_equal(ops.convolve2d(x, k), ops.conv2d(x, k[::-1, ::-1]))
    # a filter symmetric under the double mirroring gives the same result both ways
    sym = np.array([[1, 2, 1], [0, 5, 0], [1, 2, 1]])
    np.testing.assert_array_equal(ops.convolve2d(SIX, sym), ops.conv2d(SIX, sym))
    # the vertical-edge filter is antisymmetric: convolution flips the sign
    np.testing.assert_array_equal(ops.convolve2d(SIX, VERTICAL), -SIX_VERTICAL_PRINTED)


def test_coverage_against_scipy_and_the_corner_remark():
    cov = ops.coverage((6, 6), 3)
    assert cov[0, 0] == 1 and cov[2:4, 2:4].tolist() == [[9, 9], [9, 9]]
    rng = np.random.default_rng(5)
    for _ in range(40):
        h, w, f = (int(v) for v in rng.integers(1, 9, 3))
        s, p = int(rng.integers(1, 4)), int(rng.integers(0, 3))
        if f > min(h, w) + 2 * p:
            continue
        out_h, out_w = (h + 2 * p - f) // s + 1, (w + 2 * p - f) // s + 1
        starts = np.zeros((h + 2 * p - f + 1, w + 2 * p - f + 1))
        starts[: out_h * s : s, : out_w * s : s] = 1  # top-left corner of every window
        expected = signal.convolve2d(starts, np.ones((f, f)))[p : p + h, p : p + w]
        np.testing.assert_array_equal(ops.coverage((h, w), f, s, p), expected)


# ----------------------------------------------------------------- one step, unseen pixels


def test_step_products_reproduces_the_slide_sum():
    text, value = ops.step_products(SIX, VERTICAL, 0, 0)
    assert text == "3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×-1 + 8×-1 + 2×-1 = -5"
    assert text.endswith("= -5")
    assert value == -5


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 1), (2, 0), (3, 1)])
def test_step_products_value_and_text_agree_with_scipy(stride, padding):
    expected = signal.correlate2d(np.pad(SIX, padding), VERTICAL, mode="valid")[::stride, ::stride]
    for (i, j), reference in np.ndenumerate(expected):
        text, value = ops.step_products(SIX, VERTICAL, i, j, stride=stride, padding=padding)
        assert value == reference
        terms, total = text.split(" = ")
        products = [a * b for a, b in (map(int, t.split("×")) for t in terms.split(" + "))]
        assert len(products) == 9
        assert sum(products) == int(total) == reference


def test_step_products_gives_the_corrected_stride_example():
    # the slides print 83 and 127 for these two values
    assert ops.step_products(SEVEN, SEVEN_FILTER, 0, 2, stride=2)[1] == 88
    assert ops.step_products(SEVEN, SEVEN_FILTER, 1, 2, stride=2)[1] == 117


def test_step_products_over_a_volume_sums_every_channel():
    rng = np.random.default_rng(1)
    x, k = rng.integers(-5, 6, (5, 5, 3)), rng.integers(-2, 3, (3, 3, 3))
    text, value = ops.step_products(x, k, 1, 2)
    expected = sum(signal.correlate2d(x[:, :, c], k[:, :, c], mode="valid")[1, 2] for c in range(3))
    assert value == expected
    assert text.count("×") == 27


def test_step_products_rejects_positions_outside_the_output_and_filter_banks():
    with pytest.raises(ValueError, match=r"\(4, 0\) is outside the 4×4 output"):
        ops.step_products(SIX, VERTICAL, 4, 0)
    with pytest.raises(ValueError, match="pick one"):
        ops.step_products(SIX[:, :, None], np.ones((3, 3, 1, 2)), 0, 0)
    with pytest.raises(ValueError, match="larger than"):
        ops.step_products(SIX[:2, :2], VERTICAL, 0, 0)


def unseen_by_loop(n, f, p, s):
    """Independent reference for unseen_pixels: walk every window position."""
    seen = np.zeros((n + 2 * p, n + 2 * p), dtype=bool)
    top = 0
    while top + f <= n + 2 * p:
        left = 0
        while left + f <= n + 2 * p:
            seen[top : top + f, left : left + f] = True
            left += s
        top += s
    return ~seen[p : p + n, p : p + n]


def test_unseen_pixels_marks_the_dropped_row_and_column():
    mask = ops.unseen_pixels(7, 3, 0, 3)
    expected = np.zeros((7, 7), dtype=bool)
    expected[-1, :] = expected[:, -1] = True
    assert np.array_equal(mask, expected)
    assert not ops.unseen_pixels(7, 3, 0, 2).any()


def test_unseen_pixels_agrees_with_a_loop():
    for n, f, p, s in itertools.product((5, 7, 8), (1, 2, 3, 5), (0, 1), (1, 2, 3, 4)):
        expected = unseen_by_loop(n, f, p, s)
        assert np.array_equal(ops.unseen_pixels(n, f, p, s), expected), (n, f, p, s)


@pytest.mark.parametrize(
    ("n", "f", "s", "words"),
    [
        (7, 3, 3, "the last row and column (13 pixels) are never seen"),
        (8, 3, 3, "the last 2 rows and columns (28 pixels) are never seen"),
        (5, 1, 2, "rows and columns 1, 3 (16 pixels) are never seen"),
        (7, 3, 2, "every pixel is seen"),
    ],
)
def test_describe_unseen_says_which_pixels_a_stride_skips(n, f, s, words):
    mask = ops.unseen_pixels(n, f, s=s)
    assert ops.describe_unseen(mask) == words
    if mask.any():  # the count in the words is the loop's
        assert f"({int(unseen_by_loop(n, f, 0, s).sum())} pixels)" in words


def test_conv2d_pads_as_shapes_padding_amounts_says():
    rng = np.random.default_rng(12)
    for _ in range(30):
        h, w, f, s = (int(v) for v in rng.integers(1, 9, 4))
        x = rng.integers(0, 9, (h, w))
        k = rng.integers(-2, 3, (min(f, h), min(f, w)))
        (top, bottom), (left, right) = shapes.padding_amounts("same", x.shape, k.shape, s)
        padded = np.pad(x, ((top, bottom), (left, right)))
        np.testing.assert_array_equal(
            ops.conv2d(x, k, stride=s, padding="same"), ops.conv2d(padded, k, stride=s)
        )
    assert shapes.padding_amounts("valid", (6, 6), (3, 3)) == ((0, 0), (0, 0))
    assert not hasattr(ops, "same_padding_amounts")  # one formula, one home: shapes


def pool_choices_by_loop(x, f, s, mode):
    """Independent reference for pool_choices: visit every window and mark its extremes."""
    chosen = np.zeros(x.shape, dtype=bool)
    pick = np.max if mode == "max" else np.min
    for top in range(0, x.shape[0] - f + 1, s):
        for left in range(0, x.shape[1] - f + 1, s):
            window = x[top : top + f, left : left + f]
            chosen[top : top + f, left : left + f] |= window == pick(window, axis=(0, 1))
    return chosen


@pytest.mark.parametrize("mode", ["max", "min"])
def test_pool_choices_agrees_with_a_loop(mode):
    rng = np.random.default_rng(13)
    for _ in range(60):
        f, s = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        shape = tuple(int(v) for v in rng.integers(f, 9, 2)) + (
            (int(rng.integers(1, 3)),) if rng.random() < 0.3 else ()
        )
        x = rng.integers(0, 4, shape)  # few values: ties happen
        np.testing.assert_array_equal(
            ops.pool_choices(x, f, s, mode), pool_choices_by_loop(x, f, s, mode)
        )
    chosen = ops.pool_choices(FOUR)
    assert sorted(FOUR[chosen].tolist()) == sorted(ops.max_pool(FOUR).ravel().tolist())
    with pytest.raises(ValueError, match="only max and min pooling choose a pixel"):
        ops.pool_choices(FOUR, mode="avg")


# ----------------------------------------------------------------- random vs SciPy


def _random_case(rng: np.random.Generator, integer: bool) -> dict:
    """One random (image, filter, stride, padding) configuration that is valid."""
    kernel_ndim = int(rng.choice([2, 3, 4]))
    channels = 1 if kernel_ndim == 2 else int(rng.integers(1, 5))
    image_2d = kernel_ndim == 2 or (channels == 1 and rng.random() < 0.5)
    f_h = int(rng.integers(1, 6))
    f_w = f_h if rng.random() < 0.7 else int(rng.integers(1, 6))
    stride, pad = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    h = int(rng.integers(max(f_h - 2 * pad, 1), 13))
    w = int(rng.integers(max(f_w - 2 * pad, 1), 13))
    n_filters = int(rng.integers(1, 4))
    kernel_shape = {2: (f_h, f_w), 3: (f_h, f_w, channels), 4: (f_h, f_w, channels, n_filters)}
    image_shape = (h, w) if image_2d else (h, w, channels)
    if integer:
        x = rng.integers(-9, 10, image_shape)
        k = rng.integers(-5, 6, kernel_shape[kernel_ndim])
    else:
        x = rng.normal(size=image_shape)
        k = rng.normal(size=kernel_shape[kernel_ndim])
    return {"x": x, "k": k, "stride": stride, "padding": pad}


def _scipy_reference(x, k, stride, padding, flip=False):
    """Sum over channels of SciPy's 2-D correlation (or convolution), then stride."""
    volume = x if x.ndim == 3 else x[:, :, None]
    bank = k.reshape(k.shape[:2] + (volume.shape[2], -1))
    padded = np.pad(volume, ((padding, padding), (padding, padding), (0, 0)))
    scipy_op = signal.convolve2d if flip else signal.correlate2d
    maps = [
        sum(
            scipy_op(padded[:, :, c], bank[:, :, c, j], mode="valid")
            for c in range(volume.shape[2])
        )
        for j in range(bank.shape[3])
    ]
    out = np.stack(maps, axis=-1)[::stride, ::stride]
    return out if k.ndim == 4 else out[:, :, 0]


@pytest.mark.parametrize("integer", [True, False], ids=["int", "float"])
@pytest.mark.parametrize("flip", [False, True], ids=["correlate", "convolve"])
def test_random_configurations_against_scipy(integer, flip):
    rng = np.random.default_rng(2024 + 2 * integer + flip)
    op = ops.convolve2d if flip else ops.conv2d
    for trial in range(150):
        case = _random_case(rng, integer)
        got = op(**case)
        expected = _scipy_reference(case["x"], case["k"], case["stride"], case["padding"], flip)
        info = (
            f"trial {trial}: x{case['x'].shape} k{case['k'].shape} "
            f"s={case['stride']} p={case['padding']}"
        )
        assert got.shape == expected.shape, info
        if integer:
            assert got.dtype == np.int64, info
            np.testing.assert_array_equal(got, expected, err_msg=info)
        else:
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=info)


# ----------------------------------------------------------------- random vs Keras


@pytest.fixture(scope="module")
def keras():
    import keras

    return keras


def _as_bank(x, k):
    """Keras wants a batch of channels-last images and an (fh, fw, C, K) kernel."""
    volume = x if x.ndim == 3 else x[:, :, None]
    bank = k.reshape(k.shape[:2] + (volume.shape[2], -1))
    return volume[None].astype(np.float64), bank.astype(np.float64)


def _squeeze_like(keras_out, k):
    out = np.asarray(keras_out)[0]
    return out if k.ndim == 4 else out[:, :, 0]


def test_random_configurations_against_keras_ops(keras):
    rng = np.random.default_rng(7)
    for trial in range(160):
        integer = trial % 2 == 0
        case = _random_case(rng, integer)
        x, k, s, p = case["x"], case["k"], case["stride"], case["padding"]
        batch, bank = _as_bank(x, k)
        info = f"trial {trial}: x{x.shape} k{k.shape} s={s} p={p}"
        padded = np.pad(batch, ((0, 0), (p, p), (p, p), (0, 0)))
        explicit = _squeeze_like(keras.ops.conv(padded, bank, strides=s, padding="valid"), k)
        same = _squeeze_like(keras.ops.conv(batch, bank, strides=s, padding="same"), k)
        ours, ours_same = ops.conv2d(x, k, s, p), ops.conv2d(x, k, s, "same")
        if integer:  # float64 sums of small integers are exact
            np.testing.assert_array_equal(ours, explicit, err_msg=info)
            np.testing.assert_array_equal(ours_same, same, err_msg=info)
        else:
            np.testing.assert_allclose(ours, explicit, rtol=1e-12, atol=1e-12, err_msg=info)
            np.testing.assert_allclose(ours_same, same, rtol=1e-12, atol=1e-12, err_msg=info)


def test_random_pooling_against_keras_ops(keras):
    rng = np.random.default_rng(8)
    for trial in range(160):
        f, s = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        shape = tuple(int(n) for n in rng.integers(f, 12, 2))
        if trial % 3:
            shape += (int(rng.integers(1, 4)),)
        integer = trial % 2 == 0
        # Keras computes pooling in float32: integers and float32 values compare exactly
        x = rng.integers(-50, 50, shape) if integer else rng.normal(size=shape).astype(np.float32)
        batch = (x if x.ndim == 3 else x[:, :, None])[None].astype(np.float32)
        info = f"trial {trial}: x{shape} f={f} s={s}"

        def keras_pool(fn, batch=batch, f=f, s=s, ndim=x.ndim):
            out = np.asarray(fn(batch, pool_size=f, strides=s, padding="valid"))[0]
            return out if ndim == 3 else out[:, :, 0]

        maxed, averaged = ops.max_pool(x, f, s), ops.avg_pool(x, f, s)
        assert maxed.dtype == x.dtype and averaged.dtype.kind == "f", info
        np.testing.assert_array_equal(maxed, keras_pool(keras.ops.max_pool), err_msg=info)
        np.testing.assert_array_equal(
            ops.min_pool(x, f, s), -keras_pool(keras.ops.max_pool, -batch)
        )
        np.testing.assert_allclose(
            averaged, keras_pool(keras.ops.average_pool), rtol=1e-5, atol=1e-5, err_msg=info
        )


def test_sample_against_real_keras_layers(keras):
    """A smaller sample through real layers: ZeroPadding2D + Conv2D("valid"), Conv2D("same"),
    Conv2D with bias and ReLU, MaxPooling2D and AveragePooling2D."""
    layers = keras.layers
    rng = np.random.default_rng(9)
    for trial in range(12):
        case = _random_case(rng, integer=trial % 2 == 0)
        x, k, s, p = case["x"], case["k"], case["stride"], case["padding"]
        batch, bank = _as_bank(x, k)
        n_filters = bank.shape[3]
        info = f"trial {trial}: x{x.shape} k{k.shape} s={s} p={p}"

        explicit = keras.Sequential(
            [
                keras.Input(batch.shape[1:], dtype="float64"),
                layers.ZeroPadding2D(p, dtype="float64"),
                layers.Conv2D(
                    n_filters, bank.shape[:2], strides=s, use_bias=False, dtype="float64"
                ),
            ]
        )
        explicit.layers[-1].set_weights([bank])
        np.testing.assert_allclose(
            ops.conv2d(x, k, s, p), _squeeze_like(explicit(batch), k), rtol=1e-12, atol=1e-12
        )

        same = layers.Conv2D(
            n_filters, bank.shape[:2], strides=s, padding="same", use_bias=False, dtype="float64"
        )
        same.build(batch.shape)
        same.set_weights([bank])
        np.testing.assert_allclose(
            ops.conv2d(x, k, s, "same"), _squeeze_like(same(batch), k), rtol=1e-12, atol=1e-12
        )

        bias = rng.normal(size=n_filters)
        layer = layers.Conv2D(
            n_filters, bank.shape[:2], s, "same", activation="relu", dtype="float64"
        )
        layer.build(batch.shape)
        layer.set_weights([bank, bias])
        b = bias if k.ndim == 4 else bias[0]
        got = ops.conv_layer(x, k, b, stride=s, padding="same", activation="relu")
        np.testing.assert_allclose(got, _squeeze_like(layer(batch), k), atol=1e-12, err_msg=info)

        f = int(rng.integers(1, min(batch.shape[1:3]) + 1))
        pool_s = int(rng.integers(1, 4))
        x32 = batch.astype(np.float32)
        for ours, layer in (
            (ops.max_pool, layers.MaxPooling2D(f, pool_s)),
            (ops.avg_pool, layers.AveragePooling2D(f, pool_s)),
        ):
            expected = np.asarray(layer(x32))[0]
            np.testing.assert_allclose(
                ours(x32[0], f, pool_s), expected, rtol=1e-5, atol=1e-6, err_msg=info
            )


# ----------------------------------------------------------------- bad input

SQUARE = np.ones((4, 4))
RGB = np.ones((6, 6, 3))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: ops.conv2d(SQUARE, np.ones((5, 5))),
            r"the filter \(5×5\) is larger than the input \(4×4\)",
        ),
        (
            lambda: ops.conv2d(np.ones((2, 2)), np.ones((5, 5)), padding=1),
            r"the filter \(5×5\) is larger than the padded input \(4×4\)",
        ),
        (lambda: ops.conv2d(SQUARE, np.ones((5, 3))), r"the filter \(5×3\) is larger"),
        (
            lambda: ops.conv2d(SQUARE, VERTICAL, stride=0),
            "the stride must be a whole number >= 1, got 0",
        ),
        (lambda: ops.conv2d(SQUARE, VERTICAL, stride=-2), ">= 1, got -2"),
        (lambda: ops.conv2d(SQUARE, VERTICAL, padding=-1), "the padding must be .* >= 0, got -1"),
        (lambda: ops.conv2d(SQUARE, VERTICAL, padding="full"), "'valid', 'same' or a whole number"),
        (
            lambda: ops.conv2d(RGB, np.ones((3, 3, 2))),
            r"the number of channels in the image \(3\) must match the number of channels "
            r"in the filter \(2\)",
        ),
        (lambda: ops.conv2d(RGB, np.ones((3, 3, 4, 8))), r"image \(3\) must match .* filter \(4\)"),
        (lambda: ops.conv2d(SQUARE, np.ones((3, 3, 3))), r"image \(1\) must match .* filter \(3\)"),
        (lambda: ops.conv2d(RGB, VERTICAL), r"a 2-D \(f, f\) filter needs a 2-D \(H, W\) image"),
        (
            lambda: ops.conv2d(np.ones(5), VERTICAL),
            r"2-D \(H, W\) or 3-D \(H, W, C\) array, got shape \(5,\)",
        ),
        (lambda: ops.conv2d(np.ones((1, 6, 6, 3)), VERTICAL), r"got shape \(1, 6, 6, 3\)"),
        (lambda: ops.conv2d(SQUARE, np.ones(3)), r"\(f, f\), \(f, f, C\) or \(f, f, C, K\)"),
        (lambda: ops.conv2d(SQUARE, np.ones((1,) * 5)), r"filter must have shape"),
        (lambda: ops.conv2d(np.ones((0, 4)), VERTICAL), r"the image is empty \(shape \(0, 4\)\)"),
        (lambda: ops.conv2d(SQUARE, np.ones((0, 3))), "the filter is empty"),
        (lambda: ops.convolve2d(SQUARE, np.ones((5, 5))), r"the filter \(5×5\) is larger"),
        (lambda: ops.convolve2d(SQUARE, VERTICAL, stride=0), "the stride must be a whole number"),
        (lambda: ops.conv_layer(SIX, VERTICAL, [1, 2]), r"one number per filter.*got shape \(2,\)"),
        (lambda: ops.conv_layer(RGB, np.ones((3, 3, 3, 4)), np.ones(3)), r"expected \(4,\)"),
        (lambda: ops.conv_layer(SIX, VERTICAL, 0, activation="tanh"), "unknown activation 'tanh'"),
        (
            lambda: ops.max_pool(np.ones((3, 3)), f=4),
            r"the pooling window \(4×4\) is larger than the input \(3×3\)",
        ),
        (
            lambda: ops.avg_pool(np.ones((5, 3, 2)), f=4),
            r"pooling window \(4×4\) is larger than the input \(5×3\)",
        ),
        (lambda: ops.max_pool(SIX, f=0), "the pooling window size f must be a whole number >= 1"),
        (lambda: ops.min_pool(SIX, s=0), "the stride must be a whole number >= 1, got 0"),
        (
            lambda: ops.pool(SIX, mode="median"),
            "the pooling mode must be one of 'max', 'avg', 'average', 'min'; got 'median'",
        ),
        (lambda: ops.max_pool(np.ones(4)), r"2-D \(H, W\) or 3-D \(H, W, C\)"),
        (lambda: ops.avg_pool(np.ones((0, 0))), "the image is empty"),
        (lambda: ops.zero_pad(SIX, -1), "the padding must be a whole number >= 0, got -1"),
        (lambda: ops.zero_pad(np.ones(3), 1), r"2-D \(H, W\) or 3-D \(H, W, C\)"),
        (lambda: ops.interior(SIX, 3), r"a margin of 3 leaves nothing of a 6×6 array"),
        (lambda: ops.coverage((4, 4), 5), r"the filter \(5×5\) is larger than the input \(4×4\)"),
        (lambda: ops.coverage((4, 4, 1), 3), r"the shape must be \(H, W\)"),
        (
            lambda: ops.step_products(SIX, VERTICAL, 4, 0),
            r"the output position \(4, 0\) is outside the 4×4 output",
        ),
        (lambda: ops.step_products(SIX, VERTICAL, 0, -1), r"\(0, -1\) is outside"),
        (lambda: ops.step_products(SIX, np.ones((3, 3, 1, 2)), 0, 0), "pick one with kernel"),
        (lambda: ops.unseen_pixels(4, 5), r"the filter \(5×5\) is larger than the input"),
        (lambda: ops.unseen_pixels(7, 3, p=-1), "the padding must be a whole number >= 0"),
        (lambda: ops.describe_unseen(np.zeros(4, bool)), "must have 2 dimensions"),
    ],
)
def test_bad_values_raise_value_error_in_course_language(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: ops.conv2d(SQUARE, VERTICAL, stride=1.5), "the stride must be a whole number"),
        (lambda: ops.conv2d(SQUARE, VERTICAL, padding=0.5), "'valid', 'same' or a whole number"),
        (lambda: ops.conv2d([["a", "b"], ["c", "d"]], VERTICAL), "the image must hold numbers"),
        (lambda: ops.conv_layer(SIX, VERTICAL, "x"), "the bias must hold numbers"),
        (lambda: ops.pool(SIX, mode=2), "the pooling mode must be one of"),
        (lambda: ops.shift(SIX, 0.5, 0), r"dy \(pixels down\) must be a whole number, got 0.5"),
    ],
)
def test_wrong_types_raise_type_error_in_course_language(call, match):
    with pytest.raises(TypeError, match=match):
        call()


# Every integer parameter of every public function, with valid values for the others:
# True, False and 3.0 must each be refused with a TypeError that names the parameter.
INTEGER_PARAMETERS = [
    ("conv2d", {"x": SQUARE, "k": VERTICAL}, "stride", "the stride"),
    ("conv2d", {"x": SQUARE, "k": VERTICAL}, "padding", "the padding"),
    ("convolve2d", {"x": SQUARE, "k": VERTICAL}, "stride", "the stride"),
    ("convolve2d", {"x": SQUARE, "k": VERTICAL}, "padding", "the padding"),
    ("conv_layer", {"x": SQUARE, "w": VERTICAL, "b": 0}, "stride", "the stride"),
    ("conv_layer", {"x": SQUARE, "w": VERTICAL, "b": 0}, "padding", "the padding"),
    ("zero_pad", {"x": SQUARE}, "p", "the padding"),
    ("pool", {"x": SIX}, "f", "the pooling window size"),
    ("pool", {"x": SIX}, "s", "the stride"),
    ("max_pool", {"x": SIX}, "f", "the pooling window size"),
    ("max_pool", {"x": SIX}, "s", "the stride"),
    ("avg_pool", {"x": SIX}, "f", "the pooling window size"),
    ("avg_pool", {"x": SIX}, "s", "the stride"),
    ("min_pool", {"x": SIX}, "f", "the pooling window size"),
    ("min_pool", {"x": SIX}, "s", "the stride"),
    ("pool_choices", {"x": SIX}, "f", "the pooling window size"),
    ("pool_choices", {"x": SIX}, "s", "the stride"),
    ("shift", {"x": SIX, "dy": 1, "dx": 1}, "dy", "dy"),
    ("shift", {"x": SIX, "dy": 1, "dx": 1}, "dx", "dx"),
    ("interior", {"x": SIX, "margin": 1}, "margin", "the margin"),
    ("coverage", {"shape": (6, 6), "f": 3}, "f", "the filter size"),
    ("coverage", {"shape": (6, 6), "f": 3}, "stride", "the stride"),
    ("coverage", {"shape": (6, 6), "f": 3}, "padding", "the padding"),
    ("step_products", {"image": SIX, "kernel": VERTICAL, "i": 0, "j": 0}, "i", "the output row"),
    ("step_products", {"image": SIX, "kernel": VERTICAL, "i": 0, "j": 0}, "j", "the output col"),
    ("step_products", {"image": SIX, "kernel": VERTICAL, "i": 0, "j": 0}, "stride", "the stride"),
    (
        "step_products",
        {"image": SIX, "kernel": VERTICAL, "i": 0, "j": 0},
        "padding",
        "the padding",
    ),
    ("unseen_pixels", {"n": 7, "f": 3}, "n", "the input size"),
    ("unseen_pixels", {"n": 7, "f": 3}, "f", "the filter size"),
    ("unseen_pixels", {"n": 7, "f": 3}, "p", "the padding"),
    ("unseen_pixels", {"n": 7, "f": 3}, "s", "the stride"),
]


test_integer_parameters_refuse_bools_and_floats, test_every_integer_parameter_is_listed = (
    whole_numbers.refusal_tests(ops, INTEGER_PARAMETERS)
)


# ----------------------------------------------------------------- dtypes, purity


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.int64, bool])
def test_integers_stay_exact_and_integer(dtype):
    # the largest value of the small types (255, 127, 32767) would wrap around if the sums
    # were kept in that type; 10 000 keeps int32/int64 results exact and comparable
    top = 1 if dtype is bool else min(int(np.iinfo(dtype).max), 10_000)
    x = np.full((5, 5, 2), top, dtype=dtype)
    k = np.full((3, 3, 2, 2), top, dtype=dtype)
    out = ops.conv2d(x, k)
    assert out.dtype == np.int64  # computed in int64: no uint8 wrap-around
    assert (out == 18 * int(top) ** 2).all()
    assert ops.convolve2d(x[:, :, 0], k[:, :, 0, 0]).dtype == np.int64
    assert ops.max_pool(x).dtype == x.dtype and ops.min_pool(x).dtype == x.dtype
    assert ops.avg_pool(x).dtype == np.float64
    assert ops.zero_pad(x, 1).dtype == x.dtype and ops.shift(x, 1, 1).dtype == x.dtype
    assert ops.relu(np.array([-1, 2])).dtype.kind == "i"


def test_float32_stays_float32():
    x = np.ones((5, 5), np.float32)
    assert ops.conv2d(x, np.ones((3, 3), np.float32)).dtype == np.float32
    assert ops.avg_pool(x).dtype == np.float32
    assert ops.conv_layer(x, np.ones((3, 3), np.float32), np.float32(1)).dtype == np.float32


def test_inputs_are_not_modified():
    rng = np.random.default_rng(11)
    x = rng.integers(-5, 5, (8, 8, 3))
    k = rng.integers(-2, 3, (3, 3, 3, 2))
    b = np.array([1, -1])
    originals = [a.copy() for a in (x, k, b)]
    for a in (x, k, b):
        a.setflags(write=False)  # any in-place write would raise
    ops.conv2d(x, k, 2, 1)
    ops.convolve2d(x, k, padding="same")
    ops.conv_layer(x, k, b)
    ops.zero_pad(x, 2)
    ops.shift(x, 1, -1)
    ops.interior(x, 1)
    for mode in ("max", "avg", "min"):
        ops.pool(x, 3, 1, mode)
    for a, original in zip((x, k, b), originals, strict=True):
        np.testing.assert_array_equal(a, original)


def test_pooling_returns_independent_arrays():
    x = SIX.copy()
    out = ops.max_pool(x)
    out[:] = -1  # writing into the result must not touch the image
    np.testing.assert_array_equal(x, SIX)


# ----------------------------------------------------------------- equivariance / invariance


def test_shift_moves_content_and_fills_zeros():
    x = np.arange(1, 10).reshape(3, 3)
    np.testing.assert_array_equal(ops.shift(x, 0, 0), x)
    np.testing.assert_array_equal(ops.shift(x, -1, 1), [[0, 4, 5], [0, 7, 8], [0, 0, 0]])
    assert not ops.shift(x, 3, 0).any() and not ops.shift(x, 0, -7).any()
    rgb = np.stack([x, 10 * x], axis=-1)
    np.testing.assert_array_equal(ops.shift(rgb, 1, 1)[:, :, 1], 10 * ops.shift(x, 1, 1))


@pytest.mark.parametrize("dy, dx", [(1, 0), (0, 2), (-1, 3), (2, -2), (-3, -1)])
def test_convolution_is_equivariant_to_translation_away_from_borders(dy, dx):
    rng = np.random.default_rng(12)
    x = rng.integers(1, 10, (20, 22, 2))
    k = rng.integers(-3, 4, (3, 3, 2, 2))
    margin = max(abs(dy), abs(dx))

    shifted_then_conv = ops.conv2d(ops.shift(x, dy, dx), k)
    conv_then_shifted = ops.shift(ops.conv2d(x, k), dy, dx)
    np.testing.assert_array_equal(
        ops.interior(shifted_then_conv, margin), ops.interior(conv_then_shifted, margin)
    )
    assert not np.array_equal(shifted_then_conv, conv_then_shifted)  # the border differs

    # "same" padding: the zeros of the padding add p = 1 to the margin
    same_a = ops.conv2d(ops.shift(x, dy, dx), k, padding="same")
    same_b = ops.shift(ops.conv2d(x, k, padding="same"), dy, dx)
    np.testing.assert_array_equal(
        ops.interior(same_a, margin + 1), ops.interior(same_b, margin + 1)
    )

    # stride 2: only shifts by a multiple of the stride commute (shifting the output by half)
    strided_a = ops.conv2d(ops.shift(x, 2 * dy, 2 * dx), k, stride=2)
    strided_b = ops.shift(ops.conv2d(x, k, stride=2), dy, dx)
    np.testing.assert_array_equal(ops.interior(strided_a, margin), ops.interior(strided_b, margin))


def test_max_pooling_is_only_slightly_invariant_to_a_one_pixel_shift():
    # a bright pixel that stays inside its 2×2 window: the pooled map does not change
    inside = np.zeros((4, 4), dtype=int)
    inside[0, 0] = 9
    np.testing.assert_array_equal(ops.max_pool(ops.shift(inside, 0, 1)), ops.max_pool(inside))
    np.testing.assert_array_equal(ops.max_pool(ops.shift(inside, 1, 1)), ops.max_pool(inside))
    # the same shift carries a bright pixel across a window boundary: invariance breaks
    across = np.zeros((4, 4), dtype=int)
    across[0, 1] = 9
    assert ops.max_pool(across).tolist() == [[9, 0], [0, 0]]
    assert ops.max_pool(ops.shift(across, 0, 1)).tolist() == [[0, 9], [0, 0]]
    # inside one window average pooling does not move either: the window's sum is the same
    np.testing.assert_array_equal(ops.avg_pool(ops.shift(inside, 0, 1)), ops.avg_pool(inside))


# ----------------------------------------------------------------- import hygiene


def test_import_does_not_load_tensorflow_or_keras():
    code = (
        "import sys, cnn_course.ops\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tensorflow', 'keras', 'scipy', 'torch', 'jax'))\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
