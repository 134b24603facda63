"""Tests of cnn_course.models: slide parameter counts, FCN on any canvas, FC ↔ CONV, big nets."""

from __future__ import annotations

import functools
import gc
import math
import warnings

import keras
import numpy as np
import pytest

from cnn_course import architectures, models, slides
from cnn_course.shapes import (
    Conv,
    Dense,
    Flatten,
    GlobalAvgPool,
    Pool,
    conv_params,
    dense_params,
    layer_table,
    layer_table_from_model,
    transposed_conv_output_size,
)


def _shapes_and_params(rows):
    """(activation shape, #params) per row: the layer names of spec and model differ."""
    return [(row.activation_shape, row.params) for row in rows]


def test_mnist_convnet_matches_the_slide_and_the_shapes_table():
    model = models.mnist_convnet()
    assert model.count_params() == 34_826
    spec = layer_table(
        (28, 28, 1),
        [Conv(32, 3), Pool(), Conv(64, 3), Pool(), Flatten(), Dense(10)],
    )
    rows = [r for r in layer_table_from_model(model) if r.name != "dropout"]
    assert _shapes_and_params(rows) == _shapes_and_params(spec)
    assert model.get_layer("dropout").rate == 0.5
    assert model.get_layer("predictions").activation is keras.activations.softmax


def test_fcn_gap_matches_the_slide_and_the_shapes_table():
    model = models.fcn_gap()
    assert model.count_params() == 93_962
    assert not any(isinstance(layer, keras.layers.Dense) for layer in model.layers)
    spec = layer_table(
        (28, 28, 1),
        [Conv(32, 3), Pool(), Conv(64, 3), Pool(), Conv(128, 3), Conv(10, 1), GlobalAvgPool()],
    )
    assert _shapes_and_params(layer_table_from_model(model)) == _shapes_and_params(spec)
    assert model.get_layer("class_map").kernel.shape == (1, 1, 128, 10)


@pytest.mark.parametrize(("height", "width", "map_shape"), [(28, 28, (3, 3)), (84, 112, (17, 24))])
def test_fcn_on_any_canvas(height, width, map_shape):
    model = models.fcn_gap((None, None, 1))
    canvas = np.random.default_rng(0).random((2, height, width, 1), dtype=np.float32)
    probabilities = model.predict(canvas, verbose=0)
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. Keras' "structure of `inputs` doesn't match"
        class_map = models.fcn_class_map(model)(canvas).numpy()
    assert class_map.shape == (2, *map_shape, 10)
    # Global average pooling of the class map is the prediction.
    np.testing.assert_allclose(class_map.mean(axis=(1, 2)), probabilities, atol=1e-6)


@pytest.mark.parametrize(("softmax_first", "num_classes"), [(True, 11), (False, 10)])
def test_fcn_class_map_on_any_size_keeps_the_models_classes_and_order(softmax_first, num_classes):
    fixed = models.fcn_gap(softmax_first=softmax_first, num_classes=num_classes)
    digit = np.random.default_rng(2).random((1, 28, 28, 1), dtype=np.float32)
    own = models.fcn_class_map(fixed)(digit).numpy()
    any_size = models.fcn_class_map(fixed, input_shape=(None, None, 1))(digit).numpy()
    assert any_size.shape == (1, 3, 3, num_classes)
    np.testing.assert_allclose(any_size, own, atol=1e-6)  # probabilities, or scores, as before


def test_fcn_class_map_reuses_weights_of_a_fixed_size_model():
    fixed = models.fcn_gap()
    digit = np.random.default_rng(1).random((1, 28, 28, 1), dtype=np.float32)
    any_size = models.fcn_class_map(fixed, input_shape=(None, None, 1))
    np.testing.assert_allclose(
        any_size(digit).numpy().mean(axis=(1, 2)), fixed(digit).numpy(), atol=1e-6
    )
    with pytest.raises(ValueError, match="no layer named 'class_map'"):
        models.fcn_class_map(models.mnist_convnet())


def test_lenet5_table_of_deck_000():
    model = models.lenet5()
    assert model.count_params() == 62_006
    rows = layer_table_from_model(model)
    # The English deck's table, row by row (flatten is implicit on the slide).
    assert [
        (r.activation_shape, r.activation_size, r.params) for r in rows if r.name != "flatten"
    ] == [
        ((32, 32, 3), 3072, 0),
        ((28, 28, 6), 4704, 456),
        ((14, 14, 6), 1176, 0),
        ((10, 10, 16), 1600, 2416),
        ((5, 5, 16), 400, 0),
        ((120, 1), 120, 48120),
        ((84, 1), 84, 10164),
        ((10, 1), 10, 850),
    ]
    spec = layer_table(
        (32, 32, 3),
        [Conv(6, 5), Pool(), Conv(16, 5), Pool(), Flatten(), Dense(120), Dense(84), Dense(10)],
    )
    assert _shapes_and_params(rows) == _shapes_and_params(spec)
    assert isinstance(model.get_layer("pool1"), keras.layers.MaxPooling2D)


def test_lenet5_classic():
    model = models.lenet5_classic()
    assert model.count_params() == 61_706
    assert model.count_params() == conv_params(5, 1, 6) + conv_params(5, 6, 16) + conv_params(
        5, 16, 120
    ) + dense_params(120, 84) + dense_params(84, 10)
    assert isinstance(model.get_layer("S2"), keras.layers.AveragePooling2D)
    assert model.get_layer("C5").output.shape[1:] == (1, 1, 120)
    assert model.get_layer("C1").activation is keras.activations.tanh
    # C5, a Conv2D, holds 78 % of the parameters; the dense layers F6 and output 18 %
    assert round(model.get_layer("C5").count_params() / model.count_params(), 2) == 0.78
    assert round(architectures.dense_share(model), 3) == 0.178 == round(11_014 / 61_706, 3)
    assert round(architectures.dense_share(models.lenet5()), 3) == 0.954  # FC3 is a Dense


def test_dense_share_refuses_a_model_without_parameters():
    empty = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])
    with pytest.raises(ValueError, match="has no parameters"):
        architectures.dense_share(empty)


def test_lenet5_paper_count_is_60000_trainable():
    """LeCun et al. 1998: 60 000 trainable parameters; the 840 RBF weights were fixed."""
    per_layer = dict(slides.LENET5_PAPER_LAYER_PARAMS)
    assert per_layer == {
        "C1": 156, "S2": 12, "C3": 1_516, "S4": 32, "C5": 48_120, "F6": 10_164,
    }  # fmt: skip
    assert sum(per_layer.values()) == slides.LENET5_PAPER_PARAMS == 60_000
    c3_inputs = [3] * 6 + [4] * 9 + [6]  # Table I
    assert per_layer["C3"] == sum(conv_params(5, n, 1) for n in c3_inputs)
    assert per_layer["C1"] == conv_params(5, 1, 6) and per_layer["C5"] == conv_params(5, 16, 120)
    assert per_layer["F6"] == dense_params(120, 84)
    assert slides.LENET5_PAPER_RBF_PARAMS == dense_params(84, 10, bias=False) == 840
    assert slides.LENET5_PAPER_PARAMS + slides.LENET5_PAPER_RBF_PARAMS == 60_840
    # LeNet-1 (NIPS 2, 1990): H1 104, H2 8, H3 20 kernels + 12 biases, H4 24, output 1 930
    paper_h3 = 20 * 25 + 12
    assert conv_params(5, 1, 4) + 8 + paper_h3 + 24 + dense_params(192, 10) == 2_578
    assert slides.LENET1_PAPER_PARAMS == 2_578
    connections = 24 * 24 * 4 * 26 + 12 * 12 * 4 * 5 + 8 * 8 * paper_h3 + 4 * 4 * 12 * 5 + 1930
    assert connections == slides.LENET1_PAPER_CONNECTIONS == 98_442


def test_lenet1():
    model = models.lenet1()
    rows = layer_table_from_model(model)
    spec = layer_table(
        slides.MNIST_INPUT_SHAPE, [Conv(4, 5), Pool(), Conv(12, 5), Pool(), Flatten(), Dense(10)]
    )
    assert _shapes_and_params(rows) == _shapes_and_params(spec)
    assert (
        model.count_params()
        == 3_246
        == conv_params(5, 1, 4) + conv_params(5, 4, 12) + dense_params(4 * 4 * 12, 10)
    )
    assert round(architectures.dense_share(model), 3) == round(1_930 / 3_246, 3) == 0.595
    assert isinstance(model.get_layer("S1"), keras.layers.AveragePooling2D)
    assert model.get_layer("H3").activation is keras.activations.tanh


def test_linear_classifier_scores_are_template_dot_products():
    model = models.linear_classifier()
    rng = np.random.default_rng(0)
    layer = model.get_layer("templates")
    layer.set_weights([rng.normal(size=(784, 10)).astype("float32"), np.zeros(10, "float32")])
    images = rng.random((3, 28, 28, 1)).astype("float32")
    templates = layer.get_weights()[0].T.reshape(10, 28, 28)
    scores = np.einsum("nhw,khw->nk", images[..., 0], templates)
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(keras.ops.convert_to_numpy(model(images)), expected, atol=1e-5)


def test_fcn_softmax_after_gap_averages_scores_not_probabilities():
    slide, usual = models.fcn_gap(), models.fcn_gap(softmax_first=False)
    assert usual.name == "fcn_gap_then_softmax" and usual.count_params() == slide.count_params()
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=w.shape).astype("float32") * 0.3 for w in slide.get_weights()]
    slide.set_weights(weights)
    usual.set_weights(weights)
    images = rng.random((2, 28, 28, 1)).astype("float32")
    scores = keras.Model(usual.inputs[0], usual.get_layer("class_map").output)(images)
    scores = keras.ops.convert_to_numpy(scores).astype("float64")  # (2, 3, 3, 10)
    assert scores.std(axis=(1, 2)).mean() > 0.5  # the positions disagree: the order matters

    def softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    got_slide = keras.ops.convert_to_numpy(slide(images))
    got_usual = keras.ops.convert_to_numpy(usual(images))
    assert np.allclose(got_slide, softmax(scores).mean(axis=(1, 2)), atol=1e-5)
    assert np.allclose(got_usual, softmax(scores.mean(axis=(1, 2))), atol=1e-5)
    assert not np.allclose(got_slide, got_usual, atol=1e-3)
    with pytest.raises(TypeError, match="softmax_first must be True or False"):
        models.fcn_gap(softmax_first=1)


def _dense_on_volume(shape, units, activation, seed):
    dense = keras.layers.Dense(units, activation=activation)
    dense.build((None, int(np.prod(shape))))
    rng = np.random.default_rng(seed)
    scale = 1 / np.sqrt(np.prod(shape))  # outputs of order 1, like a Glorot-initialised layer
    dense.set_weights(
        [(rng.normal(size=w.shape) * scale).astype("float32") for w in dense.get_weights()]
    )
    return dense


@pytest.mark.parametrize(
    ("shape", "units", "activation"), [((3, 4, 2), 5, "relu"), ((5, 5, 16), 7, None)]
)
def test_dense_to_conv_gives_identical_outputs(shape, units, activation):
    dense = _dense_on_volume(shape, units, activation, seed=2)
    conv = models.dense_to_conv(dense, shape)
    assert conv.kernel_size == shape[:2] and conv.filters == units
    assert conv.count_params() == dense.count_params() == conv_params(shape[:2], shape[2], units)
    x = np.random.default_rng(3).normal(size=(4, *shape)).astype("float32")
    expected = dense(x.reshape(4, -1)).numpy()
    out = conv(x).numpy()
    assert out.shape == (4, 1, 1, units)
    np.testing.assert_allclose(out[:, 0, 0, :], expected, atol=1e-5)

    # ... and back: the conv as a dense layer on the flattened volume.
    back = models.conv_to_dense(conv)
    np.testing.assert_allclose(back(x.reshape(4, -1)).numpy(), expected, atol=1e-5)


def test_converted_conv_slides_over_a_larger_input():
    shape = (3, 3, 2)
    dense = _dense_on_volume(shape, 4, None, seed=4)
    conv = models.dense_to_conv(dense, shape)
    big = np.random.default_rng(5).normal(size=(1, 5, 6, 2)).astype("float32")
    out = conv(big).numpy()
    assert out.shape == (1, 3, 4, 4)
    # Each output position is the dense layer applied to the 3×3×2 window there.
    for i in range(3):
        for j in range(4):
            window = big[:, i : i + 3, j : j + 3, :].reshape(1, -1)
            np.testing.assert_allclose(out[:, i, j, :], dense(window).numpy(), atol=1e-5)


def test_dense_conv_bad_inputs():
    dense = _dense_on_volume((2, 2, 3), 4, None, seed=6)
    with pytest.raises(ValueError, match=r"takes 12 inputs, but a flattened 3×3×3 volume has 27"):
        models.dense_to_conv(dense, (3, 3, 3))
    with pytest.raises(ValueError, match=r"three sizes \(height, width, channels\)"):
        models.dense_to_conv(dense, (12,))
    with pytest.raises(ValueError, match="no weights yet"):
        models.dense_to_conv(keras.layers.Dense(3), (1, 1, 3))
    with pytest.raises(ValueError, match="no weights yet"):
        models.conv_to_dense(keras.layers.Conv2D(3, 2))
    with pytest.raises(TypeError, match="expected a keras.layers.Conv2D"):
        models.conv_to_dense(dense)
    with pytest.raises(TypeError, match="expected a keras.layers.Dense"):
        models.dense_to_conv(keras.layers.Conv2D(3, 2), (1, 1, 3))


def _free():
    """Drop big models at once (VGG-16 holds 550 MB of weights)."""
    keras.backend.clear_session()
    gc.collect()


def test_vgg16_own_build_matches_keras_applications():
    ours = architectures.vgg16()
    ours_layers = [(layer.name, layer.count_params()) for layer in ours.layers]
    assert ours.count_params() == 138_357_544
    assert ours.get_layer("fc1").count_params() == dense_params(7 * 7 * 512, 4096)
    assert round(architectures.dense_share(ours), 3) == 0.894  # fc1, fc2, predictions
    del ours
    _free()
    reference = keras.applications.VGG16(weights=None, include_top=True)
    assert reference.count_params() == 138_357_544
    assert ours_layers == [(layer.name, layer.count_params()) for layer in reference.layers[1:]]
    del reference
    _free()


def test_resnet50_and_alexnet_counts():
    resnet = architectures.resnet50()
    assert resnet.count_params() == 25_636_712
    kinds = (keras.layers.Conv2D, keras.layers.Dense)
    assert sum(isinstance(layer, kinds) for layer in resnet.layers) == 54
    # the parameters sit in the convolutions: the one dense layer holds 8 %
    assert architectures.dense_share(resnet) == dense_params(2048, 1000) / 25_636_712
    assert round(architectures.dense_share(resnet), 3) == 0.080
    del resnet
    _free()
    alexnet = architectures.alexnet()
    assert alexnet.count_params() == 62_378_344
    # the slides' layer spec counts the same parameters as the Keras model (notebook 06)
    spec_rows = layer_table(slides.ALEXNET_INPUT_SHAPE, slides.ALEXNET_LAYERS)
    assert sum(r.params for r in spec_rows) == 62_378_344
    # dense share = what its fc6, fc7, fc8 hold over the total
    fc = [r for r in layer_table_from_model(alexnet) if r.name.startswith("fc")]
    assert [r.name for r in fc] == ["fc6", "fc7", "fc8"]
    assert architectures.dense_share(alexnet) == sum(r.params for r in fc) / 62_378_344
    assert round(architectures.dense_share(alexnet), 3) == 0.940
    del alexnet
    _free()
    two_towers = architectures.alexnet(two_towers=True)
    assert two_towers.count_params() == 60_965_224
    assert two_towers.get_layer("conv2").count_params() == conv_params(5, 48, 256)
    assert two_towers.get_layer("pool5").output.shape[1:] == (6, 6, 256)


def _multiply_adds(model):
    return sum(row.flops for row in layer_table_from_model(model))


def test_vgg19_and_resnet34_reproduce_the_resnet_figure_flops():
    """Deck 003's figure: VGG-19 19.6 billion FLOPs, the 34-layer nets 3.6 billion."""
    vgg19 = architectures.vgg19()
    assert vgg19.count_params() == 143_667_240  # deck 004's table, keras.applications.VGG19
    assert _multiply_adds(vgg19) == 19_632_062_464
    del vgg19
    _free()
    kinds = (keras.layers.Conv2D, keras.layers.Dense)
    flops = {}
    for shortcut in architectures.SHORTCUTS:
        net = architectures.resnet34(shortcut)
        assert (
            sum(isinstance(layer, kinds) and "proj" not in layer.name for layer in net.layers)
            == slides.RESNET_FIGURE_PARAMETER_LAYERS
        )
        flops[shortcut] = _multiply_adds(net)
        if shortcut == "zero_pad":  # the one dense layer holds 2.4 % of the parameters
            assert round(architectures.dense_share(net), 3) == 0.024
            assert architectures.dense_share(net) == dense_params(512, 1000) / net.count_params()
        if shortcut == "projection":  # torchvision's resnet34 counts 21 797 672 learned parameters
            trainable = sum(math.prod(w.shape) for w in net.trainable_weights)
            assert trainable == 21_797_672
        del net
        _free()
    assert flops["zero_pad"] == flops["none"] == 3_644_493_824
    assert flops["projection"] - flops["none"] == 19_267_584
    assert round(19_632_062_464 / 1e9, 1) == slides.RESNET_FIGURE_GFLOPS["VGG-19"]
    assert round(flops["none"] / 1e9, 1) == slides.RESNET_FIGURE_GFLOPS["plain-34"]
    assert round(flops["zero_pad"] / 1e9, 1) == slides.RESNET_FIGURE_GFLOPS["ResNet-34"]


def test_zero_padding_shortcut_is_the_subsampled_input_with_zero_channels():
    x = keras.Input((8, 8, 4))
    block = keras.Model(
        x, architectures.residual_block(x, 8, stride=2, shortcut="zero_pad", name="b")
    )
    path = keras.Model(x, block.get_layer("b_channels_back").output)
    image = np.random.default_rng(0).random((2, 8, 8, 4)).astype("float32")
    expected = np.concatenate([image[:, ::2, ::2], np.zeros((2, 4, 4, 4))], axis=-1)
    assert np.array_equal(keras.ops.convert_to_numpy(path(image)), expected)
    plain = keras.Model(x, architectures.residual_block(x, 4, shortcut="none", name="p"))
    assert not any(layer.name.endswith("_add") for layer in plain.layers)
    with pytest.raises(ValueError, match="cannot reduce 4 channels to 2"):
        architectures.residual_block(x, 2, shortcut="zero_pad")
    with pytest.raises(ValueError, match="the shortcut must be one of"):
        architectures.resnet34("identity")


def test_residual_block_and_inception_module_shapes():
    x = keras.Input((16, 16, 8))
    down = keras.Model(x, architectures.residual_block(x, 16, stride=2, name="down"))
    assert down.output_shape == (None, 8, 8, 16)
    assert "down_proj" in [layer.name for layer in down.layers]
    same = keras.Model(x, architectures.residual_block(x, 8, name="same"))
    assert "same_proj" not in [layer.name for layer in same.layers]
    inception = keras.Model(x, architectures.inception_module(x, 4, 2, 6, 1, 3, 5, name="inc"))
    assert inception.output_shape == (None, 16, 16, 4 + 6 + 3 + 5)
    assert architectures.topological_depth(inception) == 4  # input, reduce, 3×3 conv, concat


def test_applications_table_reproduces_the_deck_for_two_models(capsys):
    # All ten take ~25 s of CPU: two are enough to check both readings of "depth".
    rows = {r["model"]: r for r in architectures.applications_table(["InceptionV3", "DenseNet121"])}
    assert "2/2" in capsys.readouterr().err  # a progress bar, one step per model
    deck = {app.model: app for app in slides.KERAS_APPLICATIONS}
    for name, row in rows.items():
        assert row["params"] == row["deck_params"] == deck[name].parameters
    # The deck's depth is the topological depth (longest chain of layers) ...
    assert rows["InceptionV3"]["topological_depth"] == rows["InceptionV3"]["deck_depth"] == 159
    # ... except for DenseNets, where it is the number in the name (conv + dense layers).
    assert rows["DenseNet121"]["weight_layers"] == rows["DenseNet121"]["deck_depth"] == 121
    assert rows["DenseNet121"]["topological_depth"] > 121
    # Today's keras.io "depth" counts layers with parameters, batch norm included.
    assert rows["DenseNet121"]["layers_with_weights"] == 121 + 121  # 120 conv + dense, 121 BN
    with pytest.raises(ValueError, match="not in deck 004's table"):
        architectures.applications_table(["AlexNet"])


def test_format_applications_table_right_aligns_every_column():
    text = architectures.format_applications_table(
        [{"model": "VGG16", "depth": 23}, {"model": "DenseNet121", "depth": 121}]
    )
    assert text.splitlines() == [
        "      model  depth",
        "      VGG16     23",
        "DenseNet121    121",
    ]
    assert architectures.format_applications_table([]) == ""


# ----------------------------------------------------------------- whole numbers only

NOT_WHOLE_NUMBERS = [True, False, 3.0]


def _inception(**bad):
    x = keras.Input((8, 8, 4))
    sizes = {"f1": 2, "f3_reduce": 2, "f3": 2, "f5_reduce": 2, "f5": 2, "pool_proj": 2}
    return architectures.inception_module(x, **{**sizes, **bad})


def _inception_with(name, value):
    return _inception(**{name: value})


def _residual(**bad):
    return architectures.residual_block(keras.Input((8, 8, 4)), **{"filters": 4, **bad})


INTEGER_PARAMETERS = {
    "mnist_convnet input_shape": lambda v: models.mnist_convnet((28, v, 1)),
    "fcn_gap input_shape": lambda v: models.fcn_gap((None, None, v)),
    "fcn_gap num_classes": lambda v: models.fcn_gap(num_classes=v),
    "fcn_class_map input_shape": lambda v: models.fcn_class_map(models.fcn_gap(), (v, 28, 1)),
    "lenet5 input_shape": lambda v: models.lenet5((v, 32, 3)),
    "dense_to_conv input_shape": lambda v: models.dense_to_conv(
        _dense_on_volume((1, 1, 3), 2, None, seed=0), (1, v, 3)
    ),
    "localiser input_shape": lambda v: models.localiser((64, v, 1)),
    "localiser num_classes": lambda v: models.localiser(num_classes=v),
    "small_unet input_shape": lambda v: models.small_unet((None, None, v)),
    "small_unet num_classes": lambda v: models.small_unet(num_classes=v),
    "small_unet filters": lambda v: models.small_unet(filters=v),
    "alexnet num_classes": lambda v: architectures.alexnet(num_classes=v),
    "vgg16 num_classes": lambda v: architectures.vgg16(num_classes=v),
    "vgg19 num_classes": lambda v: architectures.vgg19(num_classes=v),
    "resnet34 num_classes": lambda v: architectures.resnet34(num_classes=v),
    "residual_block filters": lambda v: _residual(filters=v),
    "residual_block stride": lambda v: _residual(stride=v),
    **{
        f"inception_module {name}": functools.partial(_inception_with, name)
        for name in ("f1", "f3_reduce", "f3", "f5_reduce", "f5", "pool_proj")
    },
}


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS, ids=repr)
@pytest.mark.parametrize("parameter", sorted(INTEGER_PARAMETERS))
def test_integer_parameters_refuse_bools_and_floats(parameter, value):
    with pytest.raises(TypeError, match=rf"must be a whole number, got {value!r} \(a"):
        INTEGER_PARAMETERS[parameter](value)


def test_shapes_and_counts_out_of_range_are_value_errors():
    with pytest.raises(ValueError, match="number of classes must be a whole number >= 1, got 0"):
        architectures.alexnet(num_classes=0)
    with pytest.raises(ValueError, match="number of classes must be a whole number >= 1, got 0"):
        models.fcn_gap(num_classes=0)
    with pytest.raises(
        ValueError, match="each size in the input shape must be a whole number >= 1"
    ):
        models.mnist_convnet((28, 0, 1))
    with pytest.raises(TypeError, match="must be a whole number, got None"):
        models.mnist_convnet((None, None, 1))  # only the FCN takes any size
    with pytest.raises(TypeError, match="must be True or False"):
        architectures.alexnet(two_towers=1)


# --------------------------------------------------------------------------- beyond classification


def test_localiser_has_a_class_head_and_a_box_head_on_one_trunk():
    model = models.localiser()
    counts = {layer.name: layer.count_params() for layer in model.layers if layer.weights}
    assert counts == {
        "conv1": conv_params(3, 1, 16),
        "conv2": conv_params(3, 16, 32),
        "conv3": conv_params(3, 32, 64),
        "shared": dense_params(8 * 8 * 64, 64),
        "class": dense_params(64, 10),
        "box": dense_params(64, 4),
    }
    out = model(np.random.default_rng(0).random((3, 64, 64, 1)).astype("float32"))
    probs, box = (keras.ops.convert_to_numpy(out[k]) for k in ("class", "box"))
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    assert box.shape == (3, 4) and ((box > 0) & (box < 1)).all()  # fractions of the side


def test_small_unet_upsamples_back_to_the_input_size_with_its_skips():
    unet = models.small_unet((None, None, 1), filters=4)
    for h, w in [(64, 64), (32, 48), (4, 8)]:
        out = unet(np.zeros((1, h, w, 1), np.float32))
        assert tuple(out.shape) == (1, h, w, 11)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(out).sum(-1), 1, rtol=1e-5)
    fixed = models.small_unet(filters=4)
    for level, side in ((2, 16), (1, 32)):  # a 2×2, stride-2 transposed convolution doubles
        up = fixed.get_layer(f"up{level}")
        assert up.output.shape[1] == transposed_conv_output_size(side, 2, 2, "valid") == 2 * side
        assert fixed.get_layer(f"skip{level}").output.shape[-1] == 2 * 4 * level
    assert "skip1" not in [layer.name for layer in models.small_unet(skips=False).layers]
    with pytest.raises(ValueError, match="three sizes"):
        models.small_unet((64, 64))
