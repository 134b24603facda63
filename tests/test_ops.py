"""Tests of :mod:`cnn_course.ops`.

* the numbers the slides compute by hand (and the two slides that print wrong ones);
* a few hundred seeded random configurations against independent implementations:
  SciPy's ``correlate2d`` / ``convolve2d`` and Keras (``keras.ops`` for the bulk, real
  ``Conv2D`` / ``ZeroPadding2D`` / ``MaxPooling2D`` / ``AveragePooling2D`` layers for a
  smaller sample);
* bad input gives a ``ValueError`` in course language; integers stay exact; inputs are
  never modified; translation equivariance of convolution and (limited) invariance of
  max pooling; importing the module does not load TensorFlow.

The slide matrices are copied here from the decks on purpose: the tests must not take
their expected values from the code under test.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import signal

from cnn_course import ops

# ----------------------------------------------------------------- slide matrices
# Deck 000 "Vertical Edge Detection" (also deck 002 "Convolution"): 6×6 image, filter, output.
SIX = np.array(
    [
        [3, 0, 1, 2, 7, 4],
        [1, 5, 8, 9, 3, 1],
        [2, 7, 2, 5, 1, 3],
        [0, 1, 3, 1, 7, 8],
        [4, 2, 1, 6, 2, 8],
        [2, 4, 5, 2, 3, 9],
    ]
)
VERTICAL = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])
SIX_VERTICAL_PRINTED = np.array(
    [[-5, -4, 0, 8], [-10, -2, 2, 3], [0, -2, -4, -7], [-3, -2, -3, -16]]
)
# Deck 000: bright (10) left half, dark (0) right half.
STEP = np.array([[10, 10, 10, 0, 0, 0]] * 6)

# Deck 000 "Strided Convolutions" (deck 002 "Stride"): 7×7 input, 3×3 filter, stride 2.
SEVEN = np.array(
    [
        [2, 3, 7, 4, 6, 2, 9],
        [6, 6, 9, 8, 7, 4, 3],
        [3, 4, 8, 3, 8, 9, 7],
        [7, 8, 3, 6, 6, 3, 4],
        [4, 2, 1, 8, 3, 4, 6],
        [3, 2, 4, 1, 9, 8, 3],
        [0, 1, 3, 9, 2, 1, 4],
    ]
)
SEVEN_FILTER = np.array([[3, 4, 4], [1, 0, 2], [-1, 0, 3]])
SEVEN_PRINTED = np.array([[91, 100, 83], [69, 91, 127], [44, 72, 74]])  # deck 002

# Deck 001 "Convolutional layers": 6×6 image shown zero-padded (8×8), same filter, output.
PADDED_SLIDE_INPUT = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 1, 2, 3, 1, 3, 5, 0],
        [0, 2, 2, 5, 4, 2, 5, 0],
        [0, 0, 6, 9, 6, 2, 2, 0],
        [0, 2, 0, 1, 9, 4, 0, 0],
        [0, 5, 5, 4, 6, 7, 6, 0],
        [0, 6, 1, 3, 7, 1, 5, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
    ]
)
PADDED_SLIDE_PRINTED = np.array(
    [
        [-4, -5, -1, 3, -5, 5],
        [-10, -14, -1, 10, -1, 7],
        [-8, -11, -11, 7, 12, 8],
        [11, -7, -10, 1, 13, 13],
        [-6, 5, -16, -4, 10, 12],
        [-6, 4, -7, -1, 2, 8],
    ]
)

# Deck 000 "Pooling Layer": 4×4, f = 2, s = 2 (the max-pooled result is in the figure).
FOUR = np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]])
# Deck 002 "Pooling layer": the 6×6 image above, f = 2, s = 2.
SIX_MAX_PRINTED = np.array([[5, 9, 7], [7, 5, 8], [4, 6, 9]])
SIX_AVG_PRINTED = np.array([[2.25, 5, 3.75], [2.5, 2.75, 4.75], [3, 3.5, 5.5]])


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
            "the stride must be a positive integer, got 0",
        ),
        (lambda: ops.conv2d(SQUARE, VERTICAL, stride=-2), "positive integer, got -2"),
        (lambda: ops.conv2d(SQUARE, VERTICAL, stride=1.5), "positive integer, got 1.5"),
        (lambda: ops.conv2d(SQUARE, VERTICAL, stride=True), "positive integer, got True"),
        (lambda: ops.conv2d(SQUARE, VERTICAL, padding=-1), "non-negative integer, got -1"),
        (lambda: ops.conv2d(SQUARE, VERTICAL, padding=0.5), "'valid', 'same' or a non-negative"),
        (lambda: ops.conv2d(SQUARE, VERTICAL, padding="full"), "'valid', 'same' or a non-negative"),
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
        (lambda: ops.conv2d([["a", "b"], ["c", "d"]], VERTICAL), "the image must hold numbers"),
        (lambda: ops.convolve2d(SQUARE, np.ones((5, 5))), r"the filter \(5×5\) is larger"),
        (
            lambda: ops.convolve2d(SQUARE, VERTICAL, stride=0),
            "the stride must be a positive integer",
        ),
        (lambda: ops.conv_layer(SIX, VERTICAL, [1, 2]), r"one number per filter.*got shape \(2,\)"),
        (lambda: ops.conv_layer(RGB, np.ones((3, 3, 3, 4)), np.ones(3)), r"expected \(4,\)"),
        (lambda: ops.conv_layer(SIX, VERTICAL, 0, activation="tanh"), "unknown activation 'tanh'"),
        (lambda: ops.conv_layer(SIX, VERTICAL, "x"), "the bias must hold numbers"),
        (
            lambda: ops.max_pool(np.ones((3, 3)), f=4),
            r"the pooling window \(4×4\) is larger than the input \(3×3\)",
        ),
        (
            lambda: ops.avg_pool(np.ones((5, 3, 2)), f=4),
            r"pooling window \(4×4\) is larger than the input \(5×3\)",
        ),
        (
            lambda: ops.max_pool(SIX, f=0),
            "the pooling window size f must be a positive integer, got 0",
        ),
        (lambda: ops.min_pool(SIX, s=0), "the stride must be a positive integer, got 0"),
        (lambda: ops.pool(SIX, mode="median"), "unknown pooling mode 'median'"),
        (lambda: ops.max_pool(np.ones(4)), r"2-D \(H, W\) or 3-D \(H, W, C\)"),
        (lambda: ops.avg_pool(np.ones((0, 0))), "the image is empty"),
        (lambda: ops.zero_pad(SIX, -1), "the padding must be a non-negative integer, got -1"),
        (lambda: ops.zero_pad(np.ones(3), 1), r"2-D \(H, W\) or 3-D \(H, W, C\)"),
        (lambda: ops.shift(SIX, 0.5, 0), "dy must be a whole number of pixels, got 0.5"),
        (lambda: ops.interior(SIX, 3), r"a margin of 3 leaves nothing of a 6×6 array"),
        (lambda: ops.coverage((4, 4), 5), r"the filter \(5×5\) is larger than the input \(4×4\)"),
        (lambda: ops.same_padding_amounts(6, 3, 0), "the stride must be a positive integer"),
    ],
)
def test_bad_input_raises_value_error_in_course_language(call, match):
    with pytest.raises(ValueError, match=match):
        call()


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
