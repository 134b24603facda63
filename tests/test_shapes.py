"""Tests of cnn_course.shapes: formulas against brute force, against real Keras layers,
the slide numbers, and the errors students get for bad input."""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys

import numpy as np
import pytest
import whole_numbers

from cnn_course import shapes
from cnn_course.shapes import (
    Conv,
    Dense,
    Flatten,
    GlobalAvgPool,
    Pool,
    TableRow,
    activation_memory,
    conv_flops,
    conv_output_size,
    conv_params,
    dense_flops,
    dense_params,
    fc_params_for_image,
    format_table,
    keras_same_output_size,
    keras_same_padding,
    layer_table,
    layer_table_from_model,
    locally_connected_params,
    memory_text,
    output_size_or_reason,
    padding_amounts,
    pool_output_size,
    receptive_field,
    same_padding,
    stacked_3x3_vs_single,
    transposed_conv_output_size,
)

N_RANDOM = 300  # random layer configurations compared with Keras


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def window_starts(n: int, f: int, p: int, s: int) -> list[int]:
    """Independent oracle: the positions where an f-wide window fits in the padded input,
    found by sliding it one stride at a time."""
    starts, i = [], 0
    while i + f <= n + 2 * p:
        starts.append(i)
        i += s
    return starts


def random_configs(seed: int, count: int = N_RANDOM):
    """Seeded (n, f, p, s) with the filter fitting in the padded input."""
    rng = random.Random(seed)
    for _ in range(count):
        n = rng.randint(1, 64)
        p = rng.randint(0, 3)
        f = rng.randint(1, min(11, n + 2 * p))
        s = rng.randint(1, 5)
        yield n, f, p, s


# --------------------------------------------------------------------------- output sizes


def test_conv_output_size_matches_sliding_the_window():
    for n, p, s in itertools.product(range(1, 13), range(4), range(1, 6)):
        for f in range(1, n + 2 * p + 1):
            assert conv_output_size(n, f, p, s) == len(window_starts(n, f, p, s))
            assert pool_output_size(n, f, s, p) == len(window_starts(n, f, p, s))


@pytest.mark.parametrize(
    ("n", "f", "p", "s", "expected"),
    [
        (6, 3, 0, 1, 4),  # deck 000: 6 - 3 + 1 = 4
        (6, 3, 1, 1, 6),  # deck 000: p = 1 keeps 6×6
        (7, 3, 0, 2, 3),  # deck 000: (7 + 0 - 3)/2 + 1 = 3
        (7, 3, 0, 3, 2),  # deck 003's "doesn't fit": floor(2.33) = 2
        (32, 5, 2, 1, 32),  # deck 003: (32 + 2·2 - 5)/1 + 1 = 32
        (39, 3, 0, 1, 37),  # deck 000's ConvNet
        (37, 5, 0, 2, 17),
        (17, 5, 0, 2, 7),
        (28, 5, 0, 1, 24),  # deck 001: 24×24 hidden neurons
    ],
)
def test_conv_output_size_slide_numbers(n, f, p, s, expected):
    assert conv_output_size(n, f, p=p, s=s) == expected


def test_pool_output_size_defaults_halve():
    assert [pool_output_size(n) for n in (4, 6, 28, 10, 5)] == [2, 3, 14, 5, 2]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, 3), "the input size must be a whole number >= 1, got 0"),
        ((-6, 3), "the input size must be a whole number >= 1, got -6"),
        ((6, 0), "the filter size must be a whole number >= 1, got 0"),
        ((6, 3, -1), "the padding must be a whole number >= 0, got -1"),
        ((6, 3, 0, 0), "the stride must be a whole number >= 1, got 0"),
        ((4, 5), r"the filter \(5×5\) is larger than the padded input \(4×4\)"),
        ((2, 7, 2), r"the filter \(7×7\) is larger than the padded input \(6×6\)"),
    ],
)
def test_conv_output_size_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        conv_output_size(*args)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((6.0, 3), r"the input size must be a whole number, got 6\.0 \(a float\)"),
        ((6, 2.5), r"the filter size must be a whole number, got 2\.5"),
        ((6, 3, 0.5), r"the padding must be a whole number, got 0\.5"),
        ((6, 3, 0, True), r"the stride must be a whole number, got True \(a bool\)"),
        ((6, 3, 0, "2"), "the stride must be a whole number, got '2' \\(a str\\)"),
    ],
)
def test_conv_output_size_wrong_types(args, match):
    with pytest.raises(TypeError, match=match):
        conv_output_size(*args)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((2, 3), r"the pooling window \(3×3\) is larger than the padded input \(2×2\)"),
        ((4, 0), "the pooling window size must be a whole number >= 1, got 0"),
        ((4, 2, 0), "the stride must be a whole number >= 1, got 0"),
        ((4, 2, 2, -1), "the padding must be a whole number >= 0, got -1"),
    ],
)
def test_pool_output_size_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        pool_output_size(*args)


def test_numpy_integers_are_accepted():
    assert conv_output_size(np.int64(7), np.int32(3), np.int8(0), np.uint8(2)) == 3


# --------------------------------------------------------------------------- padding


def test_output_size_or_reason_answers_instead_of_raising_when_the_filter_is_too_big():
    assert output_size_or_reason(7, 3, 0, 2) == (3, None)
    out, reason = output_size_or_reason(4, 5)
    assert out is None and "(5×5) is larger than the padded input (4×4)" in reason
    with pytest.raises(ValueError, match="padding"):
        output_size_or_reason(7, 3, -1, 1)
    for n, f, p, s in [(6, 3, 0, 1), (7, 3, 0, 3), (32, 5, 2, 1), (5, 5, 0, 2)]:
        assert output_size_or_reason(n, f, p, s) == (conv_output_size(n, f, p, s), None)


@pytest.mark.parametrize("f", [1, 3, 5, 7, 9, 11])
def test_same_padding_keeps_the_size(f):
    p = same_padding(f)
    assert 2 * p == f - 1
    for n in range(f, 40):
        assert conv_output_size(n, f, p=p) == n


@pytest.mark.parametrize("f", [2, 4, 6])
def test_same_padding_even_filter_explains_keras(f):
    before, after = keras_same_padding(20, f)
    assert (before, after) == ((f - 1) // 2, (f - 1) // 2 + 1)  # the extra zero at the end
    with pytest.raises(ValueError, match=r"symmetric only for an odd filter size") as info:
        same_padding(f)
    assert f"pads {before} on the top/left and {after} on the bottom/right" in str(info.value)


def test_same_padding_bad_input():
    with pytest.raises(ValueError, match="the filter size must be a whole number >= 1, got 0"):
        same_padding(0)


def test_keras_same_output_size_is_ceil():
    for n, s in itertools.product(range(1, 50), range(1, 7)):
        assert keras_same_output_size(n, s) == math.ceil(n / s)
    with pytest.raises(ValueError, match="the stride must be a whole number >= 1, got 0"):
        keras_same_output_size(5, 0)


def test_padding_amounts_per_axis():
    assert padding_amounts("valid", (6, 6), (3, 3)) == ((0, 0), (0, 0))
    assert padding_amounts(2, (6, 6, 3), (3, 3, 3)) == ((2, 2), (2, 2))
    assert padding_amounts("SAME", (6, 7), (4, 4), 2) == (
        keras_same_padding(6, 4, 2),
        keras_same_padding(7, 4, 2),
    )
    with pytest.raises(ValueError, match="'valid', 'same' or a whole number, got 'full'"):
        padding_amounts("full", (6, 6), (3, 3))
    with pytest.raises(ValueError, match="the padding must be a whole number >= 0, got -1"):
        padding_amounts(-1, (6, 6), (3, 3))


def test_keras_same_padding_gives_the_same_output_size():
    for n, f, s in itertools.product(range(1, 25), range(1, 8), range(1, 5)):
        before, after = keras_same_padding(n, f, s)
        assert 0 <= after - before <= 1
        assert (n + before + after - f) // s + 1 == keras_same_output_size(n, s)


# --------------------------------------------------------------------------- parameters


def test_conv_params_slide_numbers():
    assert conv_params(3, 3, 10) == 280  # deck 000
    assert conv_params(5, 3, 10) == 760  # deck 003
    assert conv_params(5, 3, 6) == 456  # deck 000 LeNet conv1
    assert conv_params(5, 6, 16) == 2_416  # deck 000 LeNet conv2
    assert conv_params((3, 3), 3, 10, bias=False) == 270


def test_dense_params_slide_numbers():
    assert dense_params(400, 120) == 48_120
    assert dense_params(120, 84) == 10_164
    assert dense_params(84, 10) == 850
    assert dense_params(784, 100) == 78_500  # deck 001
    assert dense_params(784, 100, bias=False) == 78_400


def test_fc_params_for_image_counts_weights_only_on_the_slides():
    # The headline numbers are exact only without biases.
    assert fc_params_for_image(64, 64, 3, 1, bias=False) == 12_288
    assert fc_params_for_image(1000, 1000, 3, 1000, bias=False) == 3 * 10**9
    assert fc_params_for_image(1000, 1000, 3, 1000) == 3 * 10**9 + 1000
    assert fc_params_for_image(200, 200, 3, 1000, bias=False) == 120 * 10**6
    assert fc_params_for_image(1000, 1000, 1, 1000, bias=False) == 10**9
    assert fc_params_for_image(28, 28, 1, 100) == 78_500


def locally_connected_oracle(n, f, c_in, c_out, s, p):
    """Independent count: build the 0/1 connection matrix of a dense layer restricted to
    local receptive fields (one row per output unit) and count its ones, plus one bias per
    unit."""
    side = n + 2 * p
    starts = window_starts(n, f, p, s)
    inside = np.zeros((len(starts), len(starts), side, side), dtype=bool)
    for a, i in enumerate(starts):
        for b, j in enumerate(starts):
            inside[a, b, i : i + f, j : j + f] = True
    per_map = int(inside.sum()) * c_in  # each pixel of the window has c_in channels
    units = len(starts) ** 2 * c_out
    return per_map * c_out + units


@pytest.mark.parametrize(
    ("n", "f", "c_in", "c_out", "s", "p"),
    [(28, 5, 1, 1, 1, 0), (28, 5, 3, 5, 1, 0), (10, 3, 2, 4, 2, 1), (9, 4, 1, 2, 3, 2)],
)
def test_locally_connected_params_against_connection_matrix(n, f, c_in, c_out, s, p):
    expected = locally_connected_oracle(n, f, c_in, c_out, s, p)
    assert locally_connected_params(n, f, c_in=c_in, c_out=c_out, s=s, p=p) == expected


def test_locally_connected_params_slide_numbers():
    assert locally_connected_params(28, 5) == 25 * 24 * 24 + 24 * 24 == 14_976
    assert locally_connected_params(28, 5, c_in=3, c_out=5) == 218_880
    assert locally_connected_params(28, 5, bias=False) == 14_400


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: conv_params(0, 3, 10), "the filter size must be a whole number >= 1, got 0"),
        (lambda: conv_params((3, 0), 3, 10), "the filter size must be a whole number >= 1"),
        (lambda: conv_params((3, 3, 3), 3, 10), "a whole number or a pair of them"),
        (lambda: conv_params(3, 0, 10), "the number of input channels must be a whole number"),
        (lambda: conv_params(3, 3, -1), "the number of filters must be a whole number >= 1"),
        (lambda: dense_params(0, 10), "the number of inputs must be a whole number >= 1"),
        (lambda: dense_params(10, 0), "the number of units must be a whole number >= 1"),
        (lambda: fc_params_for_image(64, 64, 0, 10), "the number of channels must be"),
        (lambda: locally_connected_params(4, 5), r"the filter \(5×5\) is larger"),
        (lambda: locally_connected_params(28, 5, c_out=0), "the number of feature maps"),
    ],
)
def test_parameter_counts_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bias_must_be_a_flag():
    with pytest.raises(TypeError, match="bias must be True or False, got 'yes'"):
        conv_params(3, 3, 10, bias="yes")
    with pytest.raises(TypeError, match="bias must be True or False, got 1"):
        dense_params(3, 10, bias=1)


# --------------------------------------------------------------------------- receptive field


def receptive_field_oracle(layers):
    """Independent oracle: follow output unit 0 back through the stack (1-D) and collect
    the input positions it depends on."""
    positions = {0}
    for f, s in reversed(layers):
        positions = {i * s + k for i in positions for k in range(f)}
    return max(positions) - min(positions) + 1


def test_receptive_field_of_stacked_3x3_is_2n_plus_1():
    for n in range(0, 10):
        assert receptive_field([(3, 1)] * n) == 2 * n + 1  # deck 002 "Champ réceptif"


def test_receptive_field_random_stacks_against_oracle():
    rng = random.Random(3)
    for _ in range(200):
        layers = [(rng.randint(1, 7), rng.randint(1, 3)) for _ in range(rng.randint(1, 5))]
        assert receptive_field(layers) == receptive_field_oracle(layers)


def test_receptive_field_accepts_specs():
    assert receptive_field([Conv(6, 5), Pool(), Conv(16, 5), Pool()]) == receptive_field_oracle(
        [(5, 1), (2, 2), (5, 1), (2, 2)]
    )


@pytest.mark.parametrize(
    ("layers", "match"),
    [
        ([(3, 1), (3, 0)], "the stride of layer 2 must be a whole number >= 1, got 0"),
        ([(0, 1)], "the filter size of layer 1 must be a whole number >= 1"),
    ],
)
def test_receptive_field_bad_input(layers, match):
    with pytest.raises(ValueError, match=match):
        receptive_field(layers)


@pytest.mark.parametrize("layers", [[3], [Dense(3)], [(3.0, 1)]])
def test_receptive_field_wrong_types(layers):
    with pytest.raises(TypeError, match="layer 1 of the stack must be|of layer 1 must be"):
        receptive_field(layers)


def test_stacked_3x3_vs_single(keras):
    channels = 4
    for n_layers in (1, 2, 3):
        cmp = stacked_3x3_vs_single(n_layers, channels)
        side = 2 * n_layers + 1
        stack = keras.Sequential(
            [keras.Input((16, 16, channels))]
            + [keras.layers.Conv2D(channels, 3) for _ in range(n_layers)]
        )
        single = keras.Sequential(
            [keras.Input((16, 16, channels)), keras.layers.Conv2D(channels, side)]
        )
        assert cmp.receptive_field == side
        assert stack.output_shape == single.output_shape  # same field of view
        assert cmp.stacked_params == stack.count_params()
        assert cmp.single_params == single.count_params()
    vgg = stacked_3x3_vs_single(3, 64, bias=False)  # the VGG paper: 27 C² vs 49 C²
    assert (vgg.stacked_params, vgg.single_params) == (27 * 64**2, 49 * 64**2)
    with pytest.raises(ValueError, match="the number of stacked layers must be a whole number"):
        stacked_3x3_vs_single(0, 3)


# --------------------------------------------------------------------------- transposed convolution


def test_transposed_conv_undoes_the_convolutions_size():
    """A convolution takes m pixels to n; the transposed one, with the rows the stride skipped
    given back as output padding, takes n back to m — for every small configuration."""
    for m, p, s in itertools.product(range(1, 15), range(3), range(1, 5)):
        for f in range(1, m + 2 * p + 1):
            n = conv_output_size(m, f, p=p, s=s)
            skipped = (m + 2 * p - f) % s
            assert transposed_conv_output_size(n, f, s, p, output_padding=skipped) == m
            if skipped == 0:
                assert transposed_conv_output_size(n, f, s, p) == m


def test_transposed_conv_keras_names_are_p0_and_half_the_filter():
    rng = random.Random(8)
    for _ in range(N_RANDOM):
        n, f, s = rng.randint(1, 30), rng.randint(1, 7), rng.randint(1, 4)
        op = rng.randrange(s)
        assert transposed_conv_output_size(n, f, s, "valid", op) == (n - 1) * s + f + op
        if (n - 1) * s + f % 2 + op >= 1:
            assert transposed_conv_output_size(n, f, s, "same", op) == transposed_conv_output_size(
                n, f, s, f // 2, op
            )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 4, "f": 3, "s": 2, "output_padding": 2}, ValueError, "smaller than the stride"),
        ({"n": 4, "f": 3, "output_padding": 1}, ValueError, r"smaller than the stride \(1\)"),
        ({"n": 1, "f": 1, "padding": 1}, ValueError, "leaves no output"),
        ({"n": 4, "f": 3, "padding": "full"}, ValueError, "'valid', 'same' or a whole number"),
        ({"n": 4, "f": 3, "padding": -1}, ValueError, "the padding must be"),
        ({"n": 0, "f": 3}, ValueError, "the input size must be"),
        ({"n": 4, "f": 3, "padding": None}, TypeError, "'valid', 'same' or a whole number"),
    ],
)
def test_transposed_conv_output_size_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        transposed_conv_output_size(**kwargs)


def test_transposed_conv_output_size_against_keras(keras):
    """Keras' Conv2DTranspose on random configurations: compute_output_shape for 300 of them,
    and a real forward pass on a few, padding "valid" and "same", output_padding None or not."""
    rng = random.Random(9)
    for i in range(N_RANDOM):
        n, f, s = rng.randint(1, 40), rng.randint(1, 7), rng.randint(1, 4)
        padding = rng.choice(["valid", "same"])
        op = None if rng.random() < 0.4 else rng.randrange(s)
        layer = keras.layers.Conv2DTranspose(2, f, strides=s, padding=padding, output_padding=op)
        expected = transposed_conv_output_size(n, f, s, padding, op)
        assert tuple(layer.compute_output_shape((None, n, n, 1))) == (
            None,
            expected,
            expected,
            2,
        ), (
            n,
            f,
            s,
            padding,
            op,
        )
        # TensorFlow's oneDNN kernel refuses "same" with an even filter and output_padding=0
        # (an error, not a wrong size): those are compared on compute_output_shape only
        refused = padding == "same" and f % 2 == 0 and op == 0
        if i < 40 and not refused:
            out = layer(np.zeros((1, n, n, 1), np.float32))
            assert tuple(out.shape) == (1, expected, expected, 2), (n, f, s, padding, op)


# --------------------------------------------------------------------------- against Keras


def test_conv_against_keras_valid_and_explicit_padding(keras):
    layers = keras.layers
    rng = random.Random(0)
    for n, f, p, s in random_configs(seed=1):
        c_in, c_out = rng.randint(1, 4), rng.randint(1, 8)
        conv = layers.Conv2D(c_out, f, strides=s, padding="valid")
        padded = layers.ZeroPadding2D(p).compute_output_shape((None, n, n, c_in))
        out = conv.compute_output_shape(padded)
        expected = conv_output_size(n, f, p=p, s=s)
        assert out == (None, expected, expected, c_out), (n, f, p, s)


def test_conv_params_against_keras(keras):
    rng = random.Random(2)
    for _ in range(N_RANDOM):
        fh, fw = rng.randint(1, 7), rng.randint(1, 7)
        c_in, c_out, bias = rng.randint(1, 6), rng.randint(1, 9), rng.random() < 0.5
        layer = keras.layers.Conv2D(c_out, (fh, fw), use_bias=bias)
        layer.build((None, 8, 8, c_in))
        f = fh if fh == fw else (fh, fw)
        assert conv_params(f, c_in, c_out, bias=bias) == layer.count_params()


@pytest.mark.parametrize("pool_class", ["MaxPooling2D", "AveragePooling2D"])
def test_pool_output_size_against_keras(keras, pool_class):
    for n, f, p, s in random_configs(seed=3):
        pool = getattr(keras.layers, pool_class)(pool_size=f, strides=s, padding="valid")
        padded = keras.layers.ZeroPadding2D(p).compute_output_shape((None, n, n, 2))
        out = pool.compute_output_shape(padded)
        expected = pool_output_size(n, f, s, p)
        assert out == (None, expected, expected, 2), (n, f, p, s)
        assert pool.count_params() == 0


def test_same_padding_against_keras(keras):
    rng = random.Random(4)
    for _ in range(N_RANDOM):
        n, f, s = rng.randint(1, 64), rng.randint(1, 9), rng.randint(1, 5)
        conv = keras.layers.Conv2D(3, f, strides=s, padding="same")
        pool = keras.layers.MaxPooling2D(f, strides=s, padding="same")
        expected = keras_same_output_size(n, s)
        assert conv.compute_output_shape((None, n, n, 1)) == (None, expected, expected, 3)
        assert pool.compute_output_shape((None, n, n, 1)) == (None, expected, expected, 1)


@pytest.mark.parametrize(("n", "f", "s"), [(6, 3, 1), (6, 4, 1), (7, 3, 2), (6, 3, 2), (9, 2, 3)])
def test_keras_same_padding_reproduces_keras_numbers(keras, n, f, s):
    """padding="same" equals explicit (before, after) zero padding + "valid", value by value."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, n, n, 2)).astype("float32")
    same = keras.layers.Conv2D(3, f, strides=s, padding="same")
    same.build(x.shape)
    valid = keras.layers.Conv2D(3, f, strides=s, padding="valid")
    valid.build((None, None, None, 2))
    valid.set_weights(same.get_weights())
    pad = keras_same_padding(n, f, s)
    padded = keras.layers.ZeroPadding2D((pad, pad))(x)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(valid(padded)),
        keras.ops.convert_to_numpy(same(x)),
        rtol=1e-5,
        atol=1e-5,
    )


def test_dense_params_against_keras(keras):
    rng = random.Random(6)
    for _ in range(N_RANDOM):
        n_in, n_out, bias = rng.randint(1, 500), rng.randint(1, 50), rng.random() < 0.5
        layer = keras.layers.Dense(n_out, use_bias=bias)
        layer.build((None, n_in))
        assert dense_params(n_in, n_out, bias=bias) == layer.count_params()


# --------------------------------------------------------------------------- layer tables

LENET_SPEC = [
    Conv(6, 5, name="conv1"),
    Pool(name="pool1"),
    Conv(16, 5, name="conv2"),
    Pool(name="pool2"),
    Flatten(name="flatten"),
    Dense(120, name="FC3"),
    Dense(84, name="FC4"),
    Dense(10, name="softmax"),
]


def keras_lenet(keras, build_with_input: bool = True):
    layers = keras.layers
    stack = [
        layers.Conv2D(6, 5, activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(16, 5, activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(120, activation="relu", name="FC3"),
        layers.Dense(84, activation="relu", name="FC4"),
        layers.Dense(10, activation="softmax", name="softmax"),
    ]
    if build_with_input:
        return keras.Sequential([keras.Input((32, 32, 3)), *stack])
    model = keras.Sequential(stack)
    model.build((None, 32, 32, 3))
    return model


def test_layer_table_reproduces_the_english_lenet_slide():
    rows = layer_table(
        (32, 32, 3),
        [Conv(6, 5), Pool(), Conv(16, 5), Pool(), Dense(120), Dense(84), Dense(10, name="softmax")],
    )
    assert [(r.name, r.activation_shape, r.activation_size, r.params) for r in rows] == [
        ("Input", (32, 32, 3), 3_072, 0),
        ("conv1 (f=5, s=1)", (28, 28, 6), 4_704, 456),
        ("pool1", (14, 14, 6), 1_176, 0),
        ("conv2 (f=5, s=1)", (10, 10, 16), 1_600, 2_416),
        ("pool2", (5, 5, 16), 400, 0),
        ("FC3", (120, 1), 120, 48_120),
        ("FC4", (84, 1), 84, 10_164),
        ("softmax", (10, 1), 10, 850),
    ]


@pytest.mark.parametrize("build_with_input", [True, False])
def test_layer_table_from_model_equals_spec(keras, build_with_input):
    model = keras_lenet(keras, build_with_input)
    from_model = layer_table_from_model(model)
    assert from_model == layer_table((32, 32, 3), LENET_SPEC)
    assert sum(r.params for r in from_model) == model.count_params()


def test_layer_table_from_functional_model_and_gap(keras):
    layers = keras.layers
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(8, 3, strides=2, padding="valid", name="c")(inputs)
    x = layers.AveragePooling2D(2, name="p")(x)
    x = layers.Conv2D(10, 1, name="head")(x)
    outputs = layers.GlobalAveragePooling2D(name="gap")(x)
    model = keras.Model(inputs, outputs)
    spec = [Conv(8, 3, s=2, name="c"), Pool(mode="avg", name="p"), Conv(10, 1, name="head")]
    spec.append(GlobalAvgPool(name="gap"))
    assert layer_table_from_model(model) == layer_table((28, 28, 1), spec)


def test_layer_table_from_model_errors(keras):
    with pytest.raises(TypeError, match="expected a Keras model, got list"):
        layer_table_from_model([])
    unbuilt = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="is not built: start it with keras.Input"):
        layer_table_from_model(unbuilt)
    variable = keras.Sequential([keras.Input((None, None, 1)), keras.layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match="unknown size"):
        layer_table_from_model(variable)


def test_layer_table_shapes_non_square_padding_and_default_names():
    rows = layer_table((30, 20, 2), [Conv(4, 3, s=2, p=1), Pool(3, 1), GlobalAvgPool()])
    assert [r.name for r in rows] == ["Input", "conv1 (f=3, s=2, p=1)", "pool1", "global_avg_pool"]
    assert [r.activation_shape for r in rows] == [(30, 20, 2), (15, 10, 4), (13, 8, 4), (4, 1)]
    assert [r.params for r in rows] == [0, conv_params(3, 2, 4), 0, 0]
    assert all(r.activation_size == math.prod(r.activation_shape) for r in rows)


@pytest.mark.parametrize(
    ("input_shape", "layers", "match"),
    [
        ((32, 32), [], r"the input shape must be \(height, width, channels\)"),
        ((32, 32, 0), [], "the number of input channels must be a whole number >= 1, got 0"),
        ((4, 4, 1), [Conv(2, 5)], r"conv1 \(f=5, s=1\): the filter \(5×5\) is larger"),
        ((8, 3, 1), [Conv(2, 5)], r"the padded input \(8×3\)"),
        ((8, 8, 1), [Pool(3, 3), Pool(3)], r"pool1: the pooling window \(3×3\) is larger"),
        ((8, 8, 1), [Dense(4), Conv(2, 1)], r"conv2 \(f=1, s=1\) needs an image-shaped"),
        ((8, 8, 1), [Flatten(), Pool()], "a pooling window layer cannot follow a Flatten"),
        ((8, 8, 1), [Dense(4), GlobalAvgPool()], "global_avg_pool needs an image-shaped"),
    ],
)
def test_layer_table_bad_specs(input_shape, layers, match):
    with pytest.raises(ValueError, match=match):
        layer_table(input_shape, layers)


@pytest.mark.parametrize(
    ("input_shape", "layers", "match"),
    [
        ((8, 8, 1), ["relu"], r"layer 1 is not a layer spec \(Conv, Pool, Flatten"),
        ("32x32x3", [], r"the input shape must be a tuple \(height, width, channels\)"),
        ((8.0, 8, 1), [], "the input height must be a whole number, got 8.0"),
    ],
)
def test_layer_table_wrong_types(input_shape, layers, match):
    with pytest.raises(TypeError, match=match):
        layer_table(input_shape, layers)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Conv(0, 3), "the number of filters must be a whole number >= 1, got 0"),
        (lambda: Conv(8, 3, s=0), "the stride must be a whole number >= 1, got 0"),
        (lambda: Conv(8, 3, p=-1), "the padding must be a whole number >= 0, got -1"),
        (lambda: Conv(8, 3, name=""), "a layer name must not be empty"),
        (lambda: Pool(mode="sum"), "the pooling mode must be one of 'max', 'avg'"),
        (lambda: Pool(f=0), "the pooling window size must be a whole number >= 1"),
    ],
)
def test_layer_specs_bad_values(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Dense(2.5), r"the number of units must be a whole number, got 2\.5"),
        (lambda: Conv(8, 3, name=3), "a layer name must be a string or None, got 3"),
        (lambda: Pool(mode=None), "the pooling mode must be one of"),
    ],
)
def test_layer_specs_wrong_types(make, match):
    with pytest.raises(TypeError, match=match):
        make()


def test_format_table_layout_and_separators():
    rows = [TableRow("Input", (32, 32, 3), 3072, 0), TableRow("FC3", (120, 1), 120, 48120)]
    text = format_table(rows, thousands=" ", total=True)
    lines = text.splitlines()
    header = [cell.strip() for cell in lines[0].split("  ") if cell.strip()]
    assert header == ["Activation shape", "Activation size", "# parameters"]
    assert lines[1].split() == ["Input", "(32,", "32,", "3)", "3", "072", "0"]
    assert lines[2].split() == ["FC3", "(120,", "1)", "120", "48", "120"]
    assert lines[3].split() == ["Total", "48", "120"]
    assert len({len(line) for line in lines[1:3]}) == 1  # numbers right-aligned
    assert "48,120" in format_table(rows)
    with pytest.raises(TypeError, match="format_table expects TableRow objects"):
        format_table([("Input", (1, 1, 1), 1, 0)])


# --------------------------------------------------------------------------- compute cost


def test_conv_flops_is_one_multiply_add_per_weight_and_output_position():
    # Géron's worked example: 200 5×5 filters, 150×100 RGB, "same": 225 million
    assert conv_flops(5, 3, 200, (150, 100)) == 225_000_000
    assert conv_flops(5, 3, 200, (150, 100)) == 150 * 100 * conv_params(5, 3, 200, bias=False)
    assert conv_flops((1, 7), 4, 2, 3) == 3 * 3 * 2 * 7 * 4
    assert conv_flops(3, 96, 256, 27, groups=2) * 2 == conv_flops(3, 96, 256, 27)
    assert conv_flops(3, 8, 8, 5, groups=8) == 5 * 5 * 8 * 9  # depthwise
    with pytest.raises(ValueError, match="groups=3 must divide"):
        conv_flops(3, 4, 6, 10, groups=3)
    with pytest.raises(ValueError, match="the output size must be a whole number >= 1"):
        conv_flops(3, 4, 6, 0)


def test_dense_flops_and_activation_memory():
    assert dense_flops(400, 120) == 48_000 == dense_params(400, 120, bias=False)
    assert activation_memory(200 * 150 * 100) == 12_000_000  # Géron: 12 MB per image
    assert activation_memory(10, bytes_per_value=2) == 20
    assert activation_memory(0) == 0
    with pytest.raises(ValueError, match="the activation size must be a whole number >= 0"):
        activation_memory(-1)


def test_memory_text():
    assert [memory_text(n) for n in (0, 999, 1000, 1_234_567, 58_000_000_000)] == [
        "0 B",
        "999 B",
        "1 kB",
        "1.23 MB",
        "58 GB",
    ]


def test_layer_table_flops_and_memory_of_lenet():
    rows = layer_table((32, 32, 3), LENET_SPEC)
    assert [r.flops for r in rows] == [
        0,
        28 * 28 * 6 * 75,
        0,
        10 * 10 * 16 * 150,
        0,
        0,
        400 * 120,
        120 * 84,
        84 * 10,
    ]
    assert [r.memory for r in rows] == [4 * r.activation_size for r in rows]
    # the cost columns do not take part in ==: the slide's printed table has none
    assert rows[1] == TableRow(rows[1].name, (28, 28, 6), 4_704, 456)
    assert TableRow("x", (1, 1), 1, 0).flops is None
    with pytest.raises(ValueError, match="the number of multiply-adds must be"):
        TableRow("x", (1, 1), 1, 0, flops=-1)


@pytest.mark.parametrize("build_with_input", [True, False])
def test_layer_table_from_model_has_the_spec_flops(keras, build_with_input):
    from_model = layer_table_from_model(keras_lenet(keras, build_with_input))
    assert [r.flops for r in from_model] == [r.flops for r in layer_table((32, 32, 3), LENET_SPEC)]


def test_layer_table_from_model_flops_of_other_layers(keras):
    from cnn_course.layers import LocallyConnected2D

    layers = keras.layers
    inputs = keras.Input((12, 10, 4))
    x = layers.Conv2D(8, 3, groups=2, name="grouped")(inputs)  # 10×8×8
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", name="depthwise")(x)
    x = layers.SeparableConv2D(6, 3, name="separable")(x)  # 8×6×6
    x = LocallyConnected2D(2, 3, name="lc")(x)  # 6×4×2
    x = layers.Dense(5, name="per_pixel")(x)  # a dense layer on every position
    x = layers.Embedding(3, 2, name="unknown")(x)
    model = keras.Model(inputs, x)
    flops = {r.name: r.flops for r in layer_table_from_model(model)}
    assert flops["grouped"] == conv_flops(3, 4, 8, (10, 8), groups=2) == 10 * 8 * 8 * 9 * 2
    assert flops["bn"] == 0
    assert flops["depthwise"] == conv_flops(3, 8, 16, (10, 8), groups=8) == 10 * 8 * 16 * 9
    assert flops["separable"] == 8 * 6 * 16 * 9 + 8 * 6 * 6 * 16
    assert flops["lc"] == conv_flops(3, 6, 2, (6, 4))  # no sharing, but as many multiply-adds
    assert flops["per_pixel"] == 6 * 4 * dense_flops(2, 5)
    assert flops["unknown"] is None
    text = format_table(layer_table_from_model(model), total=True, cost=True)
    assert text.splitlines()[-1].split()[2:4] == [f"{sum(f for f in flops.values() if f):,}", "+"]
    assert "?" in text.splitlines()[-2]


def test_format_table_with_cost_columns():
    rows = layer_table((28, 28, 1), [Conv(3, 5), Pool()])
    lines = format_table(rows, total=True, cost=True).splitlines()
    header = [cell.strip() for cell in lines[0].split("  ") if cell.strip()]
    assert header[-2:] == ["Multiply-adds", "Memory"]
    assert lines[2].split()[-3:] == ["43,200", "6.91", "kB"]
    assert lines[-1].split()[-3:] == ["43,200", "11.8", "kB"]
    assert format_table(rows) == format_table(rows, cost=False)
    with pytest.raises(TypeError, match="cost must be True or False"):
        format_table(rows, cost=1)


# --------------------------------------------------------------------------- whole numbers

# Every integer parameter of every public function and spec, with valid values for the
# others: True, False and 3.0 must each be refused with a TypeError that names it.
INTEGER_PARAMETERS = [
    *[
        ("conv_output_size", {"n": 7, "f": 3}, k, w)
        for k, w in [
            ("n", "the input size"),
            ("f", "the filter size"),
            ("p", "the padding"),
            ("s", "the stride"),
        ]
    ],
    *[
        ("output_size_or_reason", {"n": 7, "f": 3}, k, w)
        for k, w in [
            ("n", "the input size"),
            ("f", "the filter size"),
            ("p", "the padding"),
            ("s", "the stride"),
        ]
    ],
    *[
        ("pool_output_size", {"n": 8}, k, w)
        for k, w in [
            ("n", "the input size"),
            ("f", "the pooling window size"),
            ("s", "the stride"),
            ("p", "the padding"),
        ]
    ],
    ("same_padding", {"f": 3}, "f", "the filter size"),
    *[
        ("padding_amounts", {"padding": 1, "shape": (6, 6), "kernel_shape": (3, 3)}, k, w)
        for k, w in [("padding", "the padding"), ("stride", "the stride")]
    ],
    ("keras_same_output_size", {"n": 7}, "n", "the input size"),
    ("keras_same_output_size", {"n": 7}, "s", "the stride"),
    *[
        ("keras_same_padding", {"n": 7, "f": 3}, k, w)
        for k, w in [("n", "the input size"), ("f", "the filter size"), ("s", "the stride")]
    ],
    *[
        ("conv_params", {"f": 3, "c_in": 3, "c_out": 8}, k, w)
        for k, w in [
            ("f", "the filter size"),
            ("c_in", "the number of input channels"),
            ("c_out", "the number of filters"),
        ]
    ],
    ("dense_params", {"n_in": 4, "n_out": 2}, "n_in", "the number of inputs"),
    ("dense_params", {"n_in": 4, "n_out": 2}, "n_out", "the number of units"),
    *[
        ("fc_params_for_image", {"h": 4, "w": 4, "c": 3, "units": 2}, k, w)
        for k, w in [
            ("h", "the image height"),
            ("w", "the image width"),
            ("c", "the number of channels"),
            ("units", "the number of units"),
        ]
    ],
    *[
        ("locally_connected_params", {"n": 8, "f": 3}, k, w)
        for k, w in [
            ("n", "the input size"),
            ("f", "the filter size"),
            ("c_in", "the number of input"),
            ("c_out", "the number of feature maps"),
            ("s", "the stride"),
            ("p", "the padding"),
        ]
    ],
    *[
        ("transposed_conv_output_size", {"n": 4, "f": 3, "s": 2}, k, w)
        for k, w in [
            ("n", "the input size"),
            ("f", "the filter size"),
            ("s", "the stride"),
            ("padding", "the padding"),
            ("output_padding", "the output padding"),
        ]
    ],
    ("stacked_3x3_vs_single", {"n_layers": 2, "channels": 4}, "n_layers", "the number of"),
    ("stacked_3x3_vs_single", {"n_layers": 2, "channels": 4}, "channels", "the number of"),
    *[
        ("Conv", {"filters": 8, "f": 3}, k, w)
        for k, w in [
            ("filters", "the number of filters"),
            ("f", "the filter size"),
            ("s", "the stride"),
            ("p", "the padding"),
        ]
    ],
    *[
        ("Pool", {}, k, w)
        for k, w in [("f", "the pooling window size"), ("s", "the stride"), ("p", "the padding")]
    ],
    ("Dense", {"units": 4}, "units", "the number of units"),
    *[
        ("conv_flops", {"f": 3, "c_in": 2, "c_out": 4, "out_size": 5}, k, w)
        for k, w in [
            ("f", "the filter size"),
            ("c_in", "the number of input channels"),
            ("c_out", "the number of filters"),
            ("out_size", "the output size"),
            ("groups", "the number of groups"),
        ]
    ],
    ("dense_flops", {"n_in": 3, "n_out": 4}, "n_in", "the number of inputs"),
    ("dense_flops", {"n_in": 3, "n_out": 4}, "n_out", "the number of units"),
    ("activation_memory", {"size": 3}, "size", "the activation size"),
    ("activation_memory", {"size": 3}, "bytes_per_value", "the bytes per value"),
    ("memory_text", {"nbytes": 3}, "nbytes", "the number of bytes"),
    *[
        (
            "TableRow",
            {"name": "FC3", "activation_shape": (120, 1), "activation_size": 120, "params": 0},
            k,
            w,
        )
        for k, w in [
            ("activation_size", "the activation size"),
            ("params", "the number of parameters"),
        ]
    ],
]


test_integer_parameters_refuse_bools_and_floats, test_every_integer_parameter_is_listed = (
    whole_numbers.refusal_tests(shapes, INTEGER_PARAMETERS)
)


@pytest.mark.parametrize("bad", [True, False, 3.0], ids=["True", "False", "3.0"])
def test_shapes_and_stacks_refuse_bools_and_floats(bad):
    with pytest.raises(TypeError, match="the input height must be a whole number"):
        layer_table((bad, 8, 1), [])
    with pytest.raises(TypeError, match="the stride of layer 1 must be a whole number"):
        receptive_field([(3, bad)])
    with pytest.raises(TypeError, match="the filter size must be a whole number"):
        conv_params((3, bad), 3, 8)


# --------------------------------------------------------------------------- import hygiene


def test_pure_modules_do_not_import_tensorflow_or_keras():
    code = (
        "import sys, cnn_course.shapes, cnn_course.kernels, cnn_course.slides\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"


def test_public_names_exist():
    for name in shapes.__all__:
        assert hasattr(shapes, name), name
