"""Tests of cnn_course.slides: every constant recomputed independently (explicit loops,
SciPy, scikit-image, real Keras layers — never cnn_course.ops), and every erratum's
correct value verified."""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable

import numpy as np
import pytest
from scipy.signal import convolve2d, correlate2d

from cnn_course import slides
from cnn_course.shapes import (
    conv_output_size,
    conv_params,
    dense_params,
    layer_table,
    locally_connected_params,
)

QUICK = os.environ.get("CNN_COURSE_QUICK", "0") == "1"


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


# --------------------------------------------------------------------------- oracles


def loop_conv(image, kernel, stride=1):
    """Deep-learning convolution (cross-correlation) written as the slide does it: place
    the filter, multiply element-wise, add up, shift by the stride."""
    image, kernel = np.asarray(image), np.asarray(kernel)
    f = kernel.shape[0]
    steps = range(0, image.shape[0] - f + 1, stride)
    return np.array([[(image[i : i + f, j : j + f] * kernel).sum() for j in steps] for i in steps])


def loop_pool(image, f=2, s=2, reduce=np.max):
    steps = range(0, image.shape[0] - f + 1, s)
    return np.array([[reduce(image[i : i + f, j : j + f]) for j in steps] for i in steps])


def pool_as_deck_004_prints(x, h, w, reduce=max):
    """Deck 004's pooling formula taken literally: o[j,i] = max x[r·j + n, s·i + m]."""
    r, s = x.shape[0] // h, x.shape[1] // w
    return np.array(
        [
            [reduce(x[r * j + n][s * i + m] for n in range(h) for m in range(w)) for i in range(s)]
            for j in range(r)
        ]
    )


def pool_with_corrected_formula(x, h, w, reduce=max):
    r, s = x.shape[0] // h, x.shape[1] // w
    return np.array(
        [
            [reduce(x[h * j + n][w * i + m] for n in range(h) for m in range(w)) for i in range(s)]
            for j in range(r)
        ]
    )


def keras_model(keras, input_shape, layers):
    return keras.Sequential([keras.Input(input_shape), *layers])


def keras_lenet(keras, filters=(6, 16)):
    L = keras.layers
    return keras_model(
        keras,
        slides.LENET5_INPUT_SHAPE,
        [
            L.Conv2D(filters[0], 5, activation="relu"),
            L.MaxPooling2D(2),
            L.Conv2D(filters[1], 5, activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(120, activation="relu"),
            L.Dense(84, activation="relu"),
            L.Dense(10, activation="softmax"),
        ],
    )


def keras_rows(model):
    """(shape, params) per layer of a Keras model, flatten rows dropped (the slide's table
    flattens implicitly)."""
    rows = []
    for layer in model.layers:
        if type(layer).__name__ == "Flatten":
            continue
        shape = tuple(layer.output.shape[1:])
        rows.append((shape if len(shape) == 3 else (shape[0], 1), layer.count_params()))
    return rows


# --------------------------------------------------------------------------- read-only data


ARRAYS = {name: value for name, value in vars(slides).items() if isinstance(value, np.ndarray)}


def test_there_are_many_slide_matrices():
    assert len(ARRAYS) >= 18


@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_matrices_are_read_only(name):
    array = ARRAYS[name]
    assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        array[(0,) * array.ndim] = 42


def test_decks_mapping_is_read_only():
    assert len(slides.DECKS) == 5
    with pytest.raises(TypeError):
        slides.DECKS["005"] = "another deck"  # type: ignore[index]


# --------------------------------------------------------------------------- convolutions


def test_vertical_edge_example():
    """Deck 000 / 002: 6×6 ∗ 3×3 -> 4×4, first value the slide's worked sum."""
    image, kernel = slides.IMAGE_6X6, slides.VERTICAL_EDGE_FILTER
    np.testing.assert_array_equal(kernel, [[1, 0, -1]] * 3)
    worked = 3 * 1 + 1 * 1 + 2 * 1 + 0 * 0 + 5 * 0 + 7 * 0 + 1 * -1 + 8 * -1 + 2 * -1
    assert slides.IMAGE_6X6_EDGES[0, 0] == worked == -5
    np.testing.assert_array_equal(slides.IMAGE_6X6_EDGES, correlate2d(image, kernel, "valid"))
    np.testing.assert_array_equal(slides.IMAGE_6X6_EDGES, loop_conv(image, kernel))


def test_step_image_edge_down_the_middle():
    np.testing.assert_array_equal(slides.STEP_IMAGE_6X6[:, :3], 10)
    np.testing.assert_array_equal(slides.STEP_IMAGE_6X6[:, 3:], 0)
    np.testing.assert_array_equal(
        slides.STEP_IMAGE_EDGES,
        correlate2d(slides.STEP_IMAGE_6X6, slides.VERTICAL_EDGE_FILTER, "valid"),
    )


def test_stride_example():
    correct = loop_conv(slides.STRIDE_IMAGE_7X7, slides.STRIDE_FILTER, stride=2)
    assert correct.shape == (3, 3) == (conv_output_size(7, 3, s=2),) * 2
    np.testing.assert_array_equal(slides.STRIDE_OUTPUT, correct)
    full = correlate2d(slides.STRIDE_IMAGE_7X7, slides.STRIDE_FILTER, "valid")
    np.testing.assert_array_equal(slides.STRIDE_OUTPUT, full[::2, ::2])
    wrong = np.argwhere(slides.STRIDE_OUTPUT_PRINTED != correct)
    assert wrong.tolist() == [[0, 2], [1, 2]]


def test_padded_example():
    image = slides.PADDED_IMAGE_6X6
    np.testing.assert_array_equal(slides.PADDED_IMAGE_8X8, np.pad(image, 1))
    correct = correlate2d(image, slides.PADDED_FILTER, mode="same")  # zero padding of 1
    np.testing.assert_array_equal(correct, loop_conv(np.pad(image, 1), slides.PADDED_FILTER))
    np.testing.assert_array_equal(slides.PADDED_OUTPUT, correct)
    assert np.argwhere(slides.PADDED_OUTPUT_PRINTED != correct).tolist() == [[3, 0], [4, 4]]
    # The printed matrix is not the true (mirrored) convolution either.
    flipped = convolve2d(image, slides.PADDED_FILTER, mode="same")
    assert (slides.PADDED_OUTPUT_PRINTED != flipped).sum() > 2


# --------------------------------------------------------------------------- pooling


def test_pooling_examples():
    np.testing.assert_array_equal(slides.POOL_MAX_2X2, loop_pool(slides.POOL_IMAGE_4X4))
    np.testing.assert_array_equal(slides.POOL_MAX_3X3, loop_pool(slides.IMAGE_6X6))
    np.testing.assert_array_equal(slides.POOL_AVG_3X3, loop_pool(slides.IMAGE_6X6, reduce=np.mean))
    measure = pytest.importorskip("skimage.measure")
    np.testing.assert_array_equal(
        slides.POOL_MAX_3X3, measure.block_reduce(slides.IMAGE_6X6, (2, 2), np.max)
    )
    np.testing.assert_allclose(
        slides.POOL_AVG_3X3, measure.block_reduce(slides.IMAGE_6X6, (2, 2), np.mean)
    )


def test_pooling_against_keras(keras):
    x = np.asarray(slides.IMAGE_6X6, dtype="float32")[None, :, :, None]
    max_out = keras.layers.MaxPooling2D(2)(x)
    avg_out = keras.layers.AveragePooling2D(2)(x)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(max_out)[0, :, :, 0], slides.POOL_MAX_3X3
    )
    np.testing.assert_allclose(keras.ops.convert_to_numpy(avg_out)[0, :, :, 0], slides.POOL_AVG_3X3)


# --------------------------------------------------------------------------- output sizes


@pytest.mark.parametrize(
    "example", slides.OUTPUT_SIZE_EXAMPLES, ids=lambda e: f"{e.deck[:3]}-{e.n}-{e.f}-{e.p}-{e.s}"
)
def test_output_size_examples(example):
    n, f, p, s = example.n, example.f, example.p, example.s
    positions = len(range(0, n + 2 * p - f + 1, s))  # where the window fits, one stride apart
    assert conv_output_size(n, f, p=p, s=s) == positions
    if isinstance(example.printed, int):
        assert example.printed == positions
    else:  # "doesn't fit": the stride does not tile the input exactly
        assert (n + 2 * p - f) % s != 0


def test_output_size_examples_cover_every_deck_with_sizes():
    assert {e.deck for e in slides.OUTPUT_SIZE_EXAMPLES} >= {
        slides.DECK_000,
        slides.DECK_001,
        slides.DECK_002,
        slides.DECK_003,
        slides.DECK_004,
    }


# --------------------------------------------------------------------------- parameter counts


def test_feature_counts():
    assert slides.FEATURES_64X64X3 == 64 * 64 * 3
    assert slides.FEATURES_64X64X3_PRINTED != 64 * 64 * 3
    assert slides.FEATURES_1000X1000X3 == 1000 * 1000 * 3


def test_dense_layers_on_images_count_weights_only():
    assert slides.FC_1000_ON_1000X1000X3 == 1000 * 1000 * 3 * 1000
    assert slides.FC_1000_ON_200X200X3 == 200 * 200 * 3 * 1000
    assert slides.FC_1000_ON_MEGAPIXEL == 10**6 * 10**3


def test_mnist_dense_layer(keras):
    layer = keras.layers.Dense(100)
    layer.build((None, 28 * 28))
    assert slides.MNIST_FC_100_PARAMS == layer.count_params() == 784 * 100 + 100


def test_locally_connected_counts():
    positions = len(range(0, 28 - 5 + 1))  # 24 positions per side
    assert slides.MNIST_LRF_PARAMS == 5 * 5 * positions**2 + positions**2
    assert slides.RGB_LRF_5_MAPS_PARAMS == 5 * 5 * 3 * 5 * positions**2 + positions**2 * 5
    assert slides.MNIST_LRF_PARAMS == locally_connected_params(28, 5)
    assert slides.RGB_LRF_5_MAPS_PARAMS == locally_connected_params(28, 5, c_in=3, c_out=5)


def test_conv_layer_counts(keras):
    layer = keras.layers.Conv2D(10, 3)
    layer.build((None, 6, 6, 3))
    assert slides.TEN_3X3X3_FILTERS_PARAMS == layer.count_params()
    model = keras_model(keras, (32, 32, 3), [keras.layers.Conv2D(10, 5, padding="same")])
    assert slides.TEN_5X5X3_FILTERS_PARAMS == model.count_params()
    assert slides.TEN_5X5X3_FILTERS_OUTPUT_SHAPE == tuple(model.output_shape[1:])


def test_why_convolutions(keras):
    layer = keras.layers.Conv2D(6, 5)
    layer.build((None, 32, 32, 3))
    assert slides.WHY_CONV_PARAMS == layer.count_params()
    assert slides.WHY_CONV_PARAMS_PRINTED == (5 * 5 + 1) * 6  # the 3 channels forgotten
    out = layer.compute_output_shape((None, 32, 32, 3))
    assert slides.WHY_CONV_FC_WEIGHTS == (32 * 32 * 3) * math.prod(out[1:]) == 3072 * 4704
    assert round(slides.WHY_CONV_FC_WEIGHTS, -6) == 14_000_000


def test_fc_to_conv_equivalence(keras):
    conv = keras.layers.Conv2D(4096, 7)
    assert conv.compute_output_shape((None, 7, 7, 512)) == (None, 1, 1, 4096)
    assert slides.FC_4096_ON_7X7X512_PARAMS == 7 * 7 * 512 * 4096 + 4096
    assert conv_params(7, 512, 4096) == dense_params(7 * 7 * 512, 4096)
    lenet_fc3 = layer_table((5, 5, 16), [slides.LENET_FC3_AS_CONV])[-1]
    assert lenet_fc3.activation_shape == (1, 1, 120)
    assert lenet_fc3.params == 5 * 5 * 16 * 120 + 120  # = LeNet's FC3


# --------------------------------------------------------------------------- networks


def test_english_lenet_table_is_reproduced():
    assert tuple(layer_table(slides.LENET5_INPUT_SHAPE, slides.LENET5_LAYERS)) == (
        slides.LENET5_TABLE
    )


def test_english_lenet_table_against_keras(keras):
    expected = [(r.activation_shape, r.params) for r in slides.LENET5_TABLE[1:]]
    assert keras_rows(keras_lenet(keras)) == expected
    total = sum(r.params for r in slides.LENET5_TABLE)
    assert abs(total - slides.LENET5_PARAMS_APPROX) / slides.LENET5_PARAMS_APPROX < 0.05


def test_french_lenet_table_wrong_cells_are_exactly_the_errata():
    computed = layer_table(slides.LENET5_INPUT_SHAPE, slides.LENET5_FR_LAYERS)
    printed = slides.LENET5_FR_TABLE_PRINTED
    assert [r.name for r in computed] == [r.name for r in printed]
    differences = set()
    for right, shown in zip(computed, printed, strict=True):
        for field in ("activation_shape", "activation_size", "params"):
            if getattr(right, field) != getattr(shown, field):
                differences.add((right.name, field, getattr(shown, field), getattr(right, field)))
    errata = {e for e in slides.errata_for("002") if e.slide == "LeNet-5"}
    extracted = {r for r in slides.REMARKS if r.as_extracted and r.slide == "LeNet-5"}
    assert (len(errata), len(extracted), len(differences)) == (5, 1, 6)
    assert {(e.printed, e.correct) for e in errata | extracted} == {
        (d[2], d[3]) for d in differences
    }


def test_french_lenet_against_keras(keras):
    rows = keras_rows(keras_lenet(keras, filters=(8, 16)))
    computed = layer_table(slides.LENET5_INPUT_SHAPE, slides.LENET5_FR_LAYERS)[1:]
    assert rows == [(r.activation_shape, r.params) for r in computed]


def test_convnet_39(keras):
    rows = layer_table(slides.CONVNET_39_INPUT_SHAPE, slides.CONVNET_39_LAYERS)
    assert tuple(r.activation_shape for r in rows[:-1]) == slides.CONVNET_39_SHAPES
    assert rows[-1].activation_size == slides.CONVNET_39_FLATTEN == 7 * 7 * 40
    L = keras.layers
    model = keras_model(
        keras,
        slides.CONVNET_39_INPUT_SHAPE,
        [L.Conv2D(10, 3), L.Conv2D(20, 5, strides=2), L.Conv2D(40, 5, strides=2), L.Flatten()],
    )
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert shapes[:-1] == list(slides.CONVNET_39_SHAPES[1:])
    assert shapes[-1] == (slides.CONVNET_39_FLATTEN,)


def test_conv_neurons_depth_column(keras):
    """Deck 003: six 5×5×3 filters on 32×32×3 — a 28×28×6 grid, 6 neurons per region."""
    layer = keras.layers.Conv2D(slides.CONV_NEURONS_PER_REGION, slides.CONV_NEURONS_REGION[:2])
    x = np.random.default_rng(0).normal(size=(1, 32, 32, 3)).astype("float32")
    out = np.asarray(layer(x))
    assert out.shape[1:] == slides.CONV_NEURONS_GRID
    kernel, bias = (np.asarray(w) for w in layer.get_weights())
    assert kernel.shape[:3] == slides.CONV_NEURONS_REGION
    j, i = 7, 19  # the column at (7, 19) reads x[7:12, 19:24, :] and nothing else
    region = x[0, j : j + 5, i : i + 5, :]
    column = np.einsum("hwc,hwcd->d", region, kernel) + bias
    assert np.allclose(out[0, j, i], column, atol=1e-5)


def test_mnist_lrf_net_shapes():
    rows = layer_table(slides.MNIST_INPUT_SHAPE, slides.MNIST_LRF_NET_LAYERS)[1:]
    channels_first = tuple((c, h, w) for h, w, c in (r.activation_shape for r in rows))
    assert channels_first == slides.MNIST_LRF_NET_SHAPES


def test_deck_001_keras_models(keras):
    """The two Keras models of deck 001, written exactly as on the slides."""
    L = keras.layers

    def conv_blocks():
        """The two convolution + pooling blocks both models start with (new layers each time)."""
        return [
            L.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            L.MaxPooling2D(pool_size=(2, 2)),
            L.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            L.MaxPooling2D(pool_size=(2, 2)),
        ]

    convnet = keras_model(
        keras,
        slides.MNIST_INPUT_SHAPE,
        [
            *conv_blocks(),
            L.Flatten(),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ],
    )
    fcn = keras_model(
        keras,
        slides.MNIST_INPUT_SHAPE,
        [
            *conv_blocks(),
            L.Conv2D(128, kernel_size=(3, 3), activation="relu"),
            L.Conv2D(10, kernel_size=(1, 1), activation="softmax"),
            L.GlobalAveragePooling2D(),
        ],
    )
    for model, spec, total in [
        (convnet, slides.MNIST_CONVNET_LAYERS, slides.MNIST_CONVNET_PARAMS),
        (fcn, slides.FCN_GAP_LAYERS, slides.FCN_GAP_PARAMS),
    ]:
        rows = layer_table(slides.MNIST_INPUT_SHAPE, spec)
        assert model.count_params() == total == sum(r.params for r in rows)
        assert tuple(model.output_shape[1:]) == (10,) and rows[-1].activation_shape == (10, 1)
    assert 0.99 <= slides.MNIST_CONVNET_TEST_ACCURACY < slides.FCN_TEST_ACCURACY < 1


@pytest.mark.parametrize(("name", "spec"), [("VGG16", "VGG16_LAYERS"), ("VGG19", "VGG19_LAYERS")])
def test_vgg_specs_match_the_keras_applications_table(name, spec):
    """VGG is too big to build in a test (~550 MB); its spec gives the table's numbers."""
    row = next(r for r in slides.KERAS_APPLICATIONS if r.model == name)
    table = layer_table(slides.VGG_INPUT_SHAPE, getattr(slides, spec))
    assert sum(r.params for r in table) == row.parameters
    assert len(table) == row.depth  # Keras layers, input included


def test_vgg16_and_alexnet_are_about_the_announced_size():
    vgg16 = sum(r.params for r in layer_table(slides.VGG_INPUT_SHAPE, slides.VGG16_LAYERS))
    alexnet = sum(r.params for r in layer_table(slides.ALEXNET_INPUT_SHAPE, slides.ALEXNET_LAYERS))
    assert abs(vgg16 - slides.VGG16_PARAMS_APPROX) / slides.VGG16_PARAMS_APPROX < 0.01
    assert abs(alexnet - slides.ALEXNET_PARAMS_APPROX) / slides.ALEXNET_PARAMS_APPROX < 0.05


def test_alexnet_neurons(keras):
    rows = layer_table(slides.ALEXNET_INPUT_SHAPE, slides.ALEXNET_LAYERS)
    sizes = tuple(r.activation_size for r in rows if r.name.startswith(("conv", "FC")))
    assert sizes == slides.ALEXNET_NEURONS
    assert slides.ALEXNET_INPUT_SIZE == 224 * 224 * 3
    first = keras.layers.Conv2D(96, 11, strides=4).compute_output_shape((None, 227, 227, 3))
    assert math.prod(first[1:]) == slides.ALEXNET_NEURONS[0]
    wrong = [
        i
        for i, (a, b) in enumerate(zip(slides.ALEXNET_NEURONS_PRINTED, sizes, strict=True))
        if a != b
    ]
    assert wrong == [0]


def test_keras_applications_sizes_are_float32_weights():
    for row in slides.KERAS_APPLICATIONS:
        weights_mib = row.parameters * 4 / 2**20
        assert weights_mib <= row.size_mb <= 1.08 * weights_mib + 1, row.model
        assert 0 < row.top1 < row.top5 < 1


CHEAP_APPLICATIONS = ["MobileNet"]  # ~1 s to build on an idle CPU
HEAVY_APPLICATIONS = [
    "Xception",
    "ResNet50",
    "InceptionV3",
    "InceptionResNetV2",
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
]


@pytest.mark.parametrize(
    "name",
    CHEAP_APPLICATIONS
    + [
        pytest.param(n, marks=pytest.mark.skipif(QUICK, reason="slow to build; full mode only"))
        for n in HEAVY_APPLICATIONS
    ],
)
def test_keras_applications_parameters(keras, name):
    row = next(r for r in slides.KERAS_APPLICATIONS if r.model == name)
    model = getattr(keras.applications, name)(weights=None)
    try:
        assert model.count_params() == row.parameters
    finally:
        del model
        keras.backend.clear_session()


# --------------------------------------------------------------------------- errata


def check_features():
    return 64 * 64 * 3


def check_stride(i, j):
    return lambda: int(loop_conv(slides.STRIDE_IMAGE_7X7, slides.STRIDE_FILTER, stride=2)[i, j])


def check_padded(i, j):
    return lambda: int(
        correlate2d(np.pad(slides.PADDED_IMAGE_6X6, 1), slides.PADDED_FILTER, "valid")[i, j]
    )


@functools.cache
def french_lenet_in_keras():
    import keras

    return keras_lenet(keras, filters=(8, 16))


def keras_fr_lenet_row(index, what):
    def check():
        layer = french_lenet_in_keras().layers[index]
        return tuple(layer.output.shape[1:]) if what == "shape" else layer.count_params()

    return check


def check_why_conv():
    import keras

    layer = keras.layers.Conv2D(6, 5)
    layer.build((None, 32, 32, 3))
    return layer.count_params()


def check_stride3():
    import keras

    out = keras.layers.Conv2D(1, 3, strides=3).compute_output_shape((None, 7, 7, 1))
    return out[1]


def check_pool_formula():
    """Literal slide formula fails on the 6×6 example; the corrected one matches."""
    with pytest.raises(IndexError):
        pool_as_deck_004_prints(np.asarray(slides.IMAGE_6X6), 2, 2)
    assert (
        pool_with_corrected_formula(np.asarray(slides.IMAGE_6X6), 2, 2) == slides.POOL_MAX_3X3
    ).all()
    image4 = np.asarray(slides.POOL_IMAGE_4X4)  # r = h = 2: the printed index happens to work
    assert (pool_as_deck_004_prints(image4, 2, 2) == slides.POOL_MAX_2X2).all()
    return "o[c,j,i] = max_{n<h,m<w} x[c, h·j+n, w·i+m]"


def check_conv_bias():
    import keras

    layer = keras.layers.Conv2D(4, 3)
    layer.build((None, 6, 6, 2))
    assert tuple(layer.bias.shape) == (4,)  # one bias per kernel, not one per position
    assert layer.count_params() == conv_params(3, 2, 4)
    return "o[j,i] = b + Σ_c (x_c ⋆ u_c)[j,i]"


def check_alexnet():
    import keras

    out = keras.layers.Conv2D(96, 11, strides=4).compute_output_shape((None, 227, 227, 3))
    assert conv_output_size(224, 11, s=4) == 54  # the caption's 224 does not give 55
    return math.prod(out[1:])


#: One independent check per erratum key (a new erratum without a check fails the test).
ERRATA_CHECKS: dict[str, Callable[[], object]] = {
    "features-64x64x3": check_features,
    "stride2-output-0-2": check_stride(0, 2),
    "stride2-output-1-2": check_stride(1, 2),
    "padded-output-3-0": check_padded(3, 0),
    "padded-output-4-4": check_padded(4, 4),
    "lenet-fr-conv1-params": keras_fr_lenet_row(0, "params"),
    "lenet-fr-conv2-shape": keras_fr_lenet_row(2, "shape"),
    "lenet-fr-conv2-params": keras_fr_lenet_row(2, "params"),
    "lenet-fr-fc3-params": keras_fr_lenet_row(5, "params"),
    "lenet-fr-fc4-params": keras_fr_lenet_row(6, "params"),
    "lenet-fr-softmax-params": keras_fr_lenet_row(7, "params"),
    "why-conv-params": check_why_conv,
    "pool-formula-index": check_pool_formula,
    "alexnet-first-layer-neurons": check_alexnet,
}


#: The values wrong only in the deck's text: remarks of the "as extracted" kind, not errata.
AS_EXTRACTED = tuple(r for r in slides.REMARKS if r.as_extracted)


def test_every_erratum_has_a_check_and_unique_key():
    keys = [e.key for e in slides.ERRATA + slides.REMARKS]
    assert len(keys) == len(set(keys))
    assert sorted(e.key for e in slides.ERRATA + AS_EXTRACTED) == sorted(ERRATA_CHECKS)


def test_extraction_artefacts_are_as_extracted_remarks_not_errata():
    """Deck 001's "11" for -11 and deck 002's CONV2 "(10, 10, 46)" (issue 20)."""
    assert {r.key for r in AS_EXTRACTED} == {"padded-output-3-0", "lenet-fr-conv2-shape"}
    assert not {r.key for r in AS_EXTRACTED} & {e.key for e in slides.ERRATA}
    assert not any(e.as_extracted for e in slides.ERRATA)
    by_key = {r.key: r for r in AS_EXTRACTED}
    assert (by_key["padded-output-3-0"].printed, by_key["padded-output-3-0"].correct) == (11, -11)
    assert by_key["lenet-fr-conv2-shape"].printed == (10, 10, 46)
    assert str(by_key["padded-output-3-0"]).endswith("as extracted 11, correct -11")
    page = slides.errata_markdown()
    errata_part, remarks_part = page.split("## Remarks")
    for remark in AS_EXTRACTED:
        assert remark.what not in errata_part
        (row,) = [line for line in remarks_part.splitlines() if remark.what in line]
        assert f"`{remark.printed}` | `{remark.correct}` | *As extracted.*" in row


def _unchanged_by_one_pixel_shifts(keras, padding, poolings):
    """Fraction of active Sobel-edge values of 300 MNIST digits a 1-pixel shift leaves equal."""
    from cnn_course import data, kernels, ops

    (_, _), (x, _) = data.load_mnist()
    digits = x[:300, :, :, np.newaxis].astype("float32")
    sobel = kernels.sobel_vertical()
    bank = np.stack([sobel, -sobel, sobel.T, -sobel.T], axis=-1)[:, :, np.newaxis, :]
    layers = [keras.layers.Conv2D(4, 3, padding=padding, use_bias=False, activation="relu")]
    layers += [keras.layers.MaxPooling2D(2) for _ in range(poolings)]
    net = keras.Sequential([keras.Input((28, 28, 1)), *layers])
    net.layers[0].set_weights([bank.astype("float32")])
    before = np.asarray(net(digits))
    same = active = 0
    for dy, dx in [(0, 1), (0, -1), (1, 0), (-1, 0)]:
        after = np.asarray(net(np.stack([ops.shift(d, dy, dx) for d in digits])))
        is_active = (before != 0) | (after != 0)
        same += np.sum((before == after) & is_active)
        active += np.sum(is_active)
    return same / active


def check_padding_invariance(keras):
    """Padding adds no invariance: about 1 % unchanged with or without it; and its zeros
    act as an edge at the border of an image that is not black there."""
    valid = _unchanged_by_one_pixel_shifts(keras, "valid", 0)
    same = _unchanged_by_one_pixel_shifts(keras, "same", 0)
    assert valid < 0.03 and same < 0.03 and abs(valid - same) < 0.01
    grey = np.full((1, 12, 12, 1), 0.5, dtype="float32")
    vertical = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype="float32")
    bank = np.stack([vertical, -vertical, vertical.T, -vertical.T], axis=-1)[:, :, None, :]
    fired = {}
    for padding in ("valid", "same"):
        conv = keras.layers.Conv2D(4, 3, padding=padding, use_bias=False, activation="relu")
        conv.build((None, 12, 12, 1))
        conv.set_weights([bank])
        fired[padding] = np.asarray(conv(grey))[0].max(axis=-1) > 0
    border = np.pad(np.zeros((10, 10), dtype=bool), 1, constant_values=True)
    assert not fired["valid"].any() and np.array_equal(fired["same"], border)


def check_pooling_invariance(keras):
    """Pooling adds some: about a fifth after one 2×2 max pooling, two fifths after two."""
    for padding in ("valid", "same"):
        one = _unchanged_by_one_pixel_shifts(keras, padding, 1)
        two = _unchanged_by_one_pixel_shifts(keras, padding, 2)
        assert 0.14 < one < 0.25 and 0.3 < two < 0.5, (padding, one, two)


def check_storage(keras):
    """The 576 × 784 matrix of deck 001's 5×5 convolution on 28×28, and its arithmetic."""
    from cnn_course.layers import dense_matrix_of_conv

    kernel = np.arange(1, 26).reshape(5, 5)
    matrix = dense_matrix_of_conv(kernel, (28, 28))
    assert matrix.shape == (576, 784) and matrix.size == 451_584
    assert np.count_nonzero(matrix) == 576 * 25 == 14_400
    x = np.random.default_rng(0).integers(0, 256, (28, 28))
    assert np.array_equal(matrix @ x.ravel(), correlate2d(x, kernel, "valid").ravel())


#: One independent check per remark whose correct value can be computed: it returns the
#: correct value, or asserts what the remark says and returns None.
REMARK_CHECKS: dict[str, Callable] = {
    "stride3-doesnt-fit": lambda keras: check_stride3(),
    "conv-bias-shared": lambda keras: check_conv_bias(),
    "padding-translational-invariance": check_padding_invariance,
    "pooling-translational-invariance": check_pooling_invariance,
    "storage-not-complexity": check_storage,
}


@pytest.mark.parametrize("key", sorted(REMARK_CHECKS))
def test_remark_checked(keras, key):
    remark = next(r for r in slides.REMARKS if r.key == key)
    result = REMARK_CHECKS[key](keras)
    assert result is None or result == remark.correct


@pytest.mark.parametrize("erratum", slides.ERRATA + AS_EXTRACTED, ids=lambda e: e.key)
def test_erratum_correct_value(keras, erratum):
    assert erratum.deck in slides.DECKS
    assert erratum.printed != erratum.correct
    assert ERRATA_CHECKS[erratum.key]() == erratum.correct
    assert erratum.explanation and erratum.slide and erratum.what


def test_errata_match_the_printed_constants():
    by_key = {e.key: e for e in slides.ERRATA + AS_EXTRACTED}
    assert by_key["features-64x64x3"].printed == slides.FEATURES_64X64X3_PRINTED
    for i, j in [(0, 2), (1, 2)]:
        erratum = by_key[f"stride2-output-{i}-{j}"]
        assert erratum.printed == slides.STRIDE_OUTPUT_PRINTED[i, j]
        assert erratum.correct == slides.STRIDE_OUTPUT[i, j]
    for i, j in [(3, 0), (4, 4)]:
        erratum = by_key[f"padded-output-{i}-{j}"]
        assert erratum.printed == slides.PADDED_OUTPUT_PRINTED[i, j]
        assert erratum.correct == slides.PADDED_OUTPUT[i, j]
    assert by_key["why-conv-params"].printed == slides.WHY_CONV_PARAMS_PRINTED
    assert by_key["why-conv-params"].correct == slides.WHY_CONV_PARAMS
    assert by_key["alexnet-first-layer-neurons"].printed == slides.ALEXNET_NEURONS_PRINTED[0]
    assert by_key["alexnet-first-layer-neurons"].correct == slides.ALEXNET_NEURONS[0]


def test_stride3_never_sees_the_last_row_and_column():
    """Keras floors: a 3×3 window with stride 3 on 7×7 reads rows/columns 0-5 only."""
    seen = np.zeros((7, 7), dtype=bool)
    for i in range(0, 7 - 3 + 1, 3):
        for j in range(0, 7 - 3 + 1, 3):
            seen[i : i + 3, j : j + 3] = True
    assert np.argwhere(~seen.any(axis=1)).ravel().tolist() == [6]
    assert np.argwhere(~seen.any(axis=0)).ravel().tolist() == [6]


def test_remarks(keras):
    assert all(r.deck in slides.DECKS and r.printed != r.correct for r in slides.REMARKS)
    pool = keras.layers.MaxPooling2D(2)  # "pooling layer needs 2 hyperparameters", 0 params
    pool.build((None, 4, 4, 1))
    assert pool.count_params() == 0


def test_errata_for():
    assert {e.key for e in slides.errata_for("001")} == {"padded-output-4-4"}
    assert slides.errata_for(slides.DECK_000) == slides.errata_for("000")
    assert sum(len(slides.errata_for(d)) for d in slides.DECKS) == len(slides.ERRATA)
    with pytest.raises(ValueError, match="unknown deck '007'; the decks are 000, 001"):
        slides.errata_for("007")
    with pytest.raises(TypeError, match='the deck must be a string such as "002", got 2'):
        slides.errata_for(2)  # type: ignore[arg-type]


def test_erratum_str_names_deck_slide_and_values():
    text = str(slides.ERRATA[0])
    assert text.startswith('deck 000, slide "Challenges')
    assert "printed 12228, correct 12288" in text


# --------------------------------------------------------------------------- errata page

ERRATA_PAGE = os.path.join(os.path.dirname(__file__), os.pardir, "docs", "errata.md")


def test_errata_page_is_up_to_date():
    with open(ERRATA_PAGE, encoding="utf-8") as page:
        assert page.read() == slides.errata_markdown(), (
            'docs/errata.md is stale; write it again with: python -c "from cnn_course import '
            "slides; print(slides.errata_markdown(), end='')\" > docs/errata.md"
        )


def test_errata_page_has_one_row_of_six_cells_per_entry():
    lines = slides.errata_markdown().splitlines()
    rows = [line for line in lines if line.startswith("| 00")]
    assert len(rows) == len(slides.ERRATA) + len(slides.REMARKS)
    for entry, row in zip(slides.ERRATA + slides.REMARKS, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[:3] == [entry.deck[:3], entry.slide, entry.what]
        assert cells[3:5] == [f"`{entry.printed}`", f"`{entry.correct}`"]
    assert lines.index(f"## Errata ({len(slides.ERRATA)})") < lines.index(
        f"## Remarks ({len(slides.REMARKS)})"
    )
    # a pipe inside a cell is escaped, so that it cannot split the row
    odd = slides.Erratum(slides.DECK_000, "a | b", "w", "x|y", 1, "e", "odd")
    (row,) = slides.errata._errata_table((odd,))[2:]
    assert row == "| 000 | a \\| b | w | `x\\|y` | `1` | e |"


def test_fcn_remark_is_the_slide_model(keras):
    """Deck 001's FCN: softmax in the 1×1 convolution, then global average pooling."""
    remark = next(r for r in slides.REMARKS if r.key == "fcn-softmax-before-gap")
    from cnn_course import models

    fcn = models.fcn_gap()
    assert fcn.get_layer("class_map").activation.__name__ == "softmax"
    assert isinstance(fcn.layers[-1], keras.layers.GlobalAveragePooling2D)
    assert remark.deck == slides.DECK_001 and "softmax" in remark.printed
