"""Tests of :mod:`cnn_course.explain` (and its figures, :mod:`cnn_course.viz.explain`).

* filters and feature maps against the Keras layers themselves and against SciPy;
* gradient ascent checked from outside: the activation it claims to raise is measured
  again with an independent forward pass, and on models whose weights are set by hand
  (a known edge / colour-opponent detector, class evidence in one quadrant) the
  result must be the known answer: the detector's pattern, the right quadrant;
* bad input gives a TypeError (wrong type) or ValueError (wrong value) in course language;
* if the bundled ImageNet weights are there, a few cheap checks on the real MobileNetV2
  (maximum response of an early layer, Grad-CAM of the cat photo).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import signal
from skimage.transform import resize

keras = pytest.importorskip("keras")

from cnn_course import explain  # noqa: E402  (after the importorskip)
from cnn_course.data import data_dir, load_sample_image  # noqa: E402
from cnn_course.viz import explain as explain_viz  # noqa: E402

SIZE = 32
N_CLASSES = 4


def _tiny_cnn(head: str = "dense_softmax") -> keras.Model:
    """A seeded 3-stage convnet on 32×32×3 with explicit layer names.

    ``head`` says how the class scores are produced: one ``Dense`` with a softmax,
    a linear ``Dense`` followed by a ``Softmax`` layer, or a linear ``Dense`` (logits).
    """
    keras.utils.set_random_seed(0)
    layers = keras.layers
    inputs = keras.Input((SIZE, SIZE, 3), name="image")
    x = inputs
    for stage, filters in enumerate((8, 16, 16), start=1):
        if stage > 1:
            x = layers.MaxPooling2D(name=f"pool{stage - 1}")(x)
        x = layers.Conv2D(filters, 3, padding="same", name=f"conv{stage}")(x)
        x = layers.Activation("relu", name=f"relu{stage}")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    if head == "dense_softmax":
        outputs = layers.Dense(N_CLASSES, activation="softmax", name="predictions")(x)
    elif head == "softmax_layer":
        x = layers.Dense(N_CLASSES, name="logits")(x)
        outputs = layers.Softmax(name="predictions")(x)
    else:
        outputs = layers.Dense(N_CLASSES, name="predictions")(x)
    return keras.Model(inputs, outputs, name=f"tiny_{head}")


@pytest.fixture(scope="module")
def tiny() -> keras.Model:
    return _tiny_cnn()


def _noise(shape: tuple[int, ...], seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).random(shape).astype(np.float32)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


# --------------------------------------------------------------------------------------
# Filters and feature maps
# --------------------------------------------------------------------------------------
def test_first_layer_filters_are_the_first_conv_kernel(tiny):
    kernel = explain.first_layer_filters(tiny)
    np.testing.assert_array_equal(kernel, tiny.get_layer("conv1").get_weights()[0])
    assert kernel.shape == (3, 3, 3, 8)
    assert explain.first_layer_filters(tiny, "conv3").shape == (3, 3, 16, 16)


def test_first_layer_filters_looks_inside_a_nested_backbone(tiny):
    # a transfer-learning model: the pretrained network is one layer of the outer model
    inputs = keras.Input((SIZE, SIZE, 3))
    outer = keras.Model(inputs, keras.layers.Dense(2)(tiny(inputs)))
    np.testing.assert_array_equal(
        explain.first_layer_filters(outer), tiny.get_layer("conv1").get_weights()[0]
    )


def test_feature_maps_shapes_are_the_keras_layer_output_shapes(tiny):
    names = [layer.name for layer in tiny.layers[1:]]
    maps = explain.feature_maps(tiny, _noise((SIZE, SIZE, 3)), names)
    assert list(maps) == names
    for name in names:
        assert maps[name].shape == tuple(tiny.get_layer(name).output.shape)[1:], name
    assert maps["predictions"].sum() == pytest.approx(1.0, abs=1e-5)


def test_feature_maps_of_the_first_conv_match_scipy(tiny):
    image = _noise((SIZE, SIZE, 3))
    kernel, bias = tiny.get_layer("conv1").get_weights()
    expected = np.stack(
        [
            sum(
                signal.correlate2d(image[:, :, c], kernel[:, :, c, k], mode="same")
                for c in range(3)
            )
            + bias[k]
            for k in range(kernel.shape[3])
        ],
        axis=-1,
    )
    maps = explain.feature_maps(tiny, image, "conv1")
    np.testing.assert_allclose(maps["conv1"], expected, atol=1e-5)


def test_unit_gradient_of_a_first_layer_unit_is_its_filter_placed_on_its_patch(tiny):
    image = _noise((SIZE, SIZE, 3), seed=3)
    maps = explain.feature_maps(tiny, image, "conv1")["conv1"]
    kernel = tiny.get_layer("conv1").get_weights()[0]
    for k in (0, 5):
        (i, j), grad = explain.unit_gradient(tiny, image, "conv1", k)
        assert (i, j) == np.unravel_index(np.argmax(maps[..., k]), maps.shape[:2])
        assert grad.shape == image.shape
        # "same" padding: output (i, j) reads pixels i-1..i+1, j-1..j+1 with the filter's weights
        expected = np.zeros_like(image)
        padded = np.pad(expected, ((1, 1), (1, 1), (0, 0)))
        padded[i : i + 3, j : j + 3] = kernel[:, :, :, k]
        expected = padded[1:-1, 1:-1]
        np.testing.assert_allclose(grad, expected, atol=1e-6)


def test_unit_gradient_is_zero_outside_the_receptive_field(tiny):
    image = _noise((SIZE, SIZE, 3), seed=4)
    (i, j), grad = explain.unit_gradient(tiny, image, "relu3", 2)
    rows, cols = np.nonzero(np.abs(grad).sum(axis=-1))
    assert rows.size > 0
    # conv3 sees 18×18 pixels (3×3 convolutions and two 2×2 poolings), its units are 4 apart
    assert rows.max() - rows.min() < 18 and cols.max() - cols.min() < 18
    assert rows.min() <= 4 * i + 2 <= rows.max() and cols.min() <= 4 * j + 2 <= cols.max()
    with pytest.raises(ValueError, match="is not convolutional"):
        explain.unit_gradient(tiny, image, "gap", 0)
    with pytest.raises(ValueError, match="has 16 filters"):
        explain.unit_gradient(tiny, image, "relu3", 16)


def test_shallow_to_deep_layers_takes_the_last_layer_of_each_resolution(tiny):
    names = explain.shallow_to_deep_layers(tiny)
    assert names == ["relu1", "relu2", "relu3"]  # each just before a pooling / the GAP
    sizes = [tuple(tiny.get_layer(n).output.shape)[1] for n in names]
    assert sizes == [32, 16, 8]


def test_shallow_to_deep_layers_of_a_model_for_any_image_size(tiny):
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(4, 3, padding="same", name="a")(inputs)
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same", name="b")(x)
    x = keras.layers.Conv2D(4, 3, padding="same", name="c")(x)
    x = keras.layers.MaxPooling2D(name="d")(x)
    model = keras.Model(inputs, x)
    assert explain.shallow_to_deep_layers(model) == ["a", "c", "d"]
    assert explain.shallow_to_deep_layers(model, size=224) == ["a", "c", "d"]  # 224×224
    with pytest.raises(ValueError, match=r"size \(height, width\) must be a whole number or a"):
        explain.shallow_to_deep_layers(model, size=(224, 224, 3))


def test_last_conv_layer_is_the_last_feature_map_before_the_pooling(tiny):
    assert explain.last_conv_layer(tiny) == "relu3"


# --------------------------------------------------------------------------------------
# Maximum response
# --------------------------------------------------------------------------------------
def _mean_activation(model: keras.Model, layer: str, image: np.ndarray) -> np.ndarray:
    """The mean over the feature map of every filter of ``layer``: a plain forward pass."""
    return explain.feature_maps(model, image, layer)[layer].mean(axis=(0, 1))


def test_maximum_response_goes_far_beyond_what_random_images_give(tiny):
    # every filter of conv2 (before its ReLU), measured again by an independent forward
    # pass: far outside the spread of the same filter's response to random images
    noise = np.array(
        [_mean_activation(tiny, "conv2", _noise((SIZE, SIZE, 3), s)) for s in range(8)]
    )
    for d in range(0, 16, 3):
        image, history = explain.maximum_response(
            tiny, "conv2", d, size=(SIZE, SIZE), steps=30, input_range=(0, 1)
        )
        assert image.shape == (SIZE, SIZE, 3) and image.dtype == np.uint8
        after = _mean_activation(tiny, "conv2", image / 255.0)[d]
        assert after > noise[:, d].mean() + 10 * noise[:, d].std(), d
        assert after == pytest.approx(history[-1], abs=0.2 * abs(after - history[0]))


def test_maximum_response_wakes_up_a_filter_that_random_images_leave_silent(tiny):
    noise = np.array(
        [_mean_activation(tiny, "relu2", _noise((SIZE, SIZE, 3), s)) for s in range(8)]
    )
    mean = noise.mean(axis=0)
    # the filter random images excite least -- but not one they leave at exactly 0: behind
    # a ReLU that filter has no gradient, and the ascent cannot start (see the next test)
    quiet = int(np.argmin(np.where(mean > 0, mean, np.inf)))
    image, history = explain.maximum_response(
        tiny, "relu2", quiet, size=(SIZE, SIZE), steps=30, input_range=(0, 1)
    )
    after = _mean_activation(tiny, "relu2", image / 255.0)[quiet]
    assert after > 10 * noise[:, quiet].mean()
    assert history[-1] > 10 * history[0]


@pytest.mark.parametrize("objective", ["mean", "norm"])
def test_maximum_response_warns_when_the_filter_is_silent(objective):
    # all weights negative on an image in [0, 1]: the ReLU output is 0 everywhere
    model = _detector(-np.ones((3, 3, 1)), relu=True)
    with pytest.warns(RuntimeWarning, match="gradient is zero, so the image did not move"):
        image, history = explain.maximum_response(
            model,
            "detector_relu",
            0,
            size=(8, 8),
            steps=3,
            input_range=(0, 1),
            objective=objective,
            blur_sigma=0,
        )
    np.testing.assert_allclose(history, 0, atol=1e-9)
    start = np.random.default_rng(0).random((8, 8, 1))  # x₀, documented
    np.testing.assert_array_equal(image, np.rint(255 * start))  # not NaN: x₀ unchanged


def test_maximum_response_deck_objective_and_default_size(tiny):
    image, history = explain.maximum_response(
        tiny, "relu1", 0, steps=15, objective="norm", input_range=(0, 1)
    )
    assert image.shape == (128, 128, 3)  # any size: the convolutions do not care
    assert history.shape == (15,)
    assert history[-1] > 3 * history[0]
    assert np.mean(np.diff(history) > 0) > 0.7  # it climbs (jitter makes it a bit noisy)


def test_maximum_response_is_seeded(tiny):
    kwargs = {"size": (16, 16), "steps": 5, "input_range": (0, 1)}
    first, _ = explain.maximum_response(tiny, "conv1", 2, seed=3, **kwargs)
    again, _ = explain.maximum_response(tiny, "conv1", 2, seed=3, **kwargs)
    other, _ = explain.maximum_response(tiny, "conv1", 2, seed=4, **kwargs)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def _detector(kernel: np.ndarray, relu: bool = False) -> keras.Model:
    """One hand-set convolution (no bias) on images of any size: a known pattern detector."""
    f, _, channels = kernel.shape
    inputs = keras.Input((None, None, channels))
    conv = keras.layers.Conv2D(1, f, use_bias=False, name="detector")
    x = conv(inputs)
    if relu:
        x = keras.layers.ReLU(name="detector_relu")(x)
    conv.set_weights([kernel[:, :, :, None].astype(np.float32)])
    return keras.Model(inputs, x)


# An oriented edge in opposing colours, like AlexNet's first-layer filters: red on
# the left against green on the right (a vertical red/green edge).
EDGE = np.zeros((7, 7, 3))
EDGE[:, :3, 0], EDGE[:, 4:, 0] = 1.0, -1.0
EDGE[:, :, 1] = -EDGE[:, :, 0]


def test_maximum_response_draws_the_pattern_a_hand_set_filter_detects():
    # a 7×7 image under a 7×7 filter: one output, the filter's dot product with the
    # image, whose gradient is the filter itself. The ascent must draw the filter's
    # own pattern: right sign (ascent, not descent), rows and columns not swapped,
    # colour channels in place.
    model = _detector(EDGE)
    image, _ = explain.maximum_response(
        model, "detector", 0, size=(7, 7), input_range=(0, 1), jitter=0, decay=0.05
    )
    assert _corr(image, EDGE) > 0.9
    assert abs(_corr(image, EDGE.transpose(1, 0, 2))) < 0.1  # not the horizontal edge
    # red high where the filter wants red, green high where it wants green ...
    assert image[:, :3, 0].mean() > 200 and image[:, 4:, 0].mean() < 55
    assert image[:, :3, 1].mean() < 55 and image[:, 4:, 1].mean() > 200
    # ... and the L2 decay fades what the filter ignores (blue) to the middle grey
    assert abs(image[:, :, 2].mean() - 127.5) < 5 and image[:, :, 2].std() < 10


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
def test_maximum_response_of_an_edge_detector_is_made_of_edges(orientation):
    # on a larger image, a ReLU'd 3×3 edge detector is best served by many edges of its
    # orientation: stripes. Vertical stripes: the grey changes from column to column,
    # hardly from row to row (with the default jitter and blur).
    vertical = np.array([[1.0, 0.0, -1.0]] * 3)[:, :, None]
    kernel = vertical if orientation == "vertical" else vertical.transpose(1, 0, 2)
    model = _detector(kernel, relu=True)
    image, history = explain.maximum_response(
        model, "detector_relu", 0, size=(24, 24), input_range=(0, 1)
    )
    gray = image[:, :, 0].astype(float)
    across_columns = np.mean(np.diff(gray, axis=1) ** 2)
    across_rows = np.mean(np.diff(gray, axis=0) ** 2)
    if orientation == "vertical":
        assert across_columns > 3 * across_rows
    else:
        assert across_rows > 3 * across_columns
    assert history[-1] > 3 * history[0]


def test_maximum_responses_grid_and_figure(tiny):
    images, histories = explain.maximum_responses(
        tiny, ["conv1", "conv3"], [0, 5], size=(16, 16), steps=4, input_range=(0, 1)
    )
    assert images["conv3"].shape == (2, 16, 16, 3) and histories["conv1"].shape == (2, 4)
    single, _ = explain.maximum_response(
        tiny, "conv3", 5, size=(16, 16), steps=4, input_range=(0, 1)
    )
    np.testing.assert_array_equal(images["conv3"][1], single)
    fig = explain_viz.show_maximum_responses(images, [0, 5])
    assert len(fig.axes) == 4 and fig.axes[2].get_ylabel() == "conv3"
    plt.close(fig)


def test_long_ascents_show_one_progress_bar_on_stderr_unless_asked_not_to(tiny, capsys):
    explain.maximum_responses(tiny, ["conv1", "conv3"], [0, 5], size=(16, 16), steps=3)
    err = capsys.readouterr().err
    assert "maximum responses" in err and "4/4" in err  # one bar over 2 layers × 2 filters
    assert "filter 5" not in err  # the per-image bars are switched off inside the grid
    explain.class_maximisation(tiny, 1, steps=5, input_range=(0, 1))
    assert "class 1" in capsys.readouterr().err
    photo = (255 * _noise((SIZE, SIZE, 3), seed=3)).astype(np.uint8)
    explain.deep_dream_frames(tiny, photo, "relu2", frames=2, octaves=2, steps_per_octave=3)
    err = capsys.readouterr().err
    assert err.count("Deep Dream") >= 2 and "6/6" in err  # per frame: 2 octaves × 3 steps
    explain.deep_dream(tiny, photo, "relu2", octaves=2, steps_per_octave=3, zoom=1.1)
    assert "12/12" in capsys.readouterr().err  # dream, zoom, dream again: one bar
    explain.deep_dream(tiny, photo, "relu2", octaves=2, steps_per_octave=3, progress=False)
    explain.maximum_responses(tiny, "conv1", [0], size=(16, 16), steps=2, progress=False)
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------
# Class maximisation
# --------------------------------------------------------------------------------------
def _logits_by_hand(model: keras.Model, image: np.ndarray) -> np.ndarray:
    """Class scores before the softmax, from the GAP features and the dense weights."""
    features = explain.feature_maps(model, image, "gap")["gap"]
    names = [layer.name for layer in model.layers]
    dense = model.get_layer("logits" if "logits" in names else "predictions")
    kernel, bias = dense.get_weights()
    return features @ kernel + bias


def test_class_maximisation_raises_the_class_logit():
    images = {}
    for head in ("dense_softmax", "softmax_layer", "linear"):
        model = _tiny_cnn(head)  # the same seeded weights, three ways to end
        image, history = explain.class_maximisation(model, 2, steps=25, input_range=(0, 1))
        assert image.shape == (SIZE, SIZE, 3) and image.dtype == np.uint8
        # x₀ is documented: U[0, 1] from numpy's default_rng(seed), stretched to the range
        start = np.random.default_rng(0).random((SIZE, SIZE, 3)).astype(np.float32)
        before, after = _logits_by_hand(model, start), _logits_by_hand(model, image / 255.0)
        noise = np.array([_logits_by_hand(model, _noise((SIZE, SIZE, 3), s)) for s in range(8)])
        assert after[2] > before[2] + 10 * noise[:, 2].std()
        assert np.argmax(after) == 2
        assert history[-1] > history[0] + 10 * noise[:, 2].std()
        images[head] = image
    # the softmax is never what is maximised: the three heads give the same image
    np.testing.assert_array_equal(images["dense_softmax"], images["linear"])
    np.testing.assert_array_equal(images["softmax_layer"], images["linear"])


def test_class_maximisation_history_starts_at_the_logit_of_the_start_image(tiny):
    _, history = explain.class_maximisation(tiny, 1, steps=1, jitter=0, input_range=(0, 1))
    start = np.random.default_rng(0).random((SIZE, SIZE, 3)).astype(np.float32)
    assert history[0] == pytest.approx(_logits_by_hand(tiny, start)[1], abs=1e-5)


# --------------------------------------------------------------------------------------
# Deep Dream
# --------------------------------------------------------------------------------------
def test_deep_dream_raises_the_activation_norm_and_keeps_shape_and_dtype(tiny):
    photo = (255 * _noise((SIZE, SIZE, 3), seed=7)).astype(np.uint8)
    dream = explain.deep_dream(tiny, photo, ["relu2", "relu3"], octaves=2, steps_per_octave=8)
    assert dream.shape == photo.shape and dream.dtype == np.uint8
    before = explain.feature_maps(tiny, photo, ["relu2", "relu3"])
    after = explain.feature_maps(tiny, dream.astype(np.float32), ["relu2", "relu3"])
    for name in ("relu2", "relu3"):
        assert np.linalg.norm(after[name]) > 1.1 * np.linalg.norm(before[name]), name


def test_deep_dream_works_at_any_image_size_and_zooms_frame_after_frame(tiny):
    photo = (255 * _noise((40, 52, 3), seed=8)).astype(np.uint8)  # not the model's 32×32
    frames = explain.deep_dream_frames(
        tiny, photo, {"relu2": 1.0}, frames=2, zoom=1.2, octaves=2, steps_per_octave=3
    )
    assert frames.shape == (2, 40, 52, 3) and frames.dtype == np.uint8
    zoomed = explain.deep_dream(
        tiny, photo, {"relu2": 1.0}, zoom=1.2, octaves=2, steps_per_octave=3
    )
    np.testing.assert_array_equal(zoomed, frames[-1])  # one zoom = the second frame
    fig = explain_viz.show_deep_dream(photo, zoomed)
    assert [ax.get_title() for ax in fig.axes] == ["before", "after Deep Dream"]
    plt.close(fig)


# --------------------------------------------------------------------------------------
# Grad-CAM
# --------------------------------------------------------------------------------------
PLUS = np.array([[-1, 2, -1], [2, 2, 2], [-1, 2, -1]], dtype=float)
CROSS = np.array([[2, -1, 2], [-1, 2, -1], [2, -1, 2]], dtype=float)


def _quadrant_classifier(head: str) -> keras.Model:
    """Class 0 = "there is a plus", class 1 = "there is an x", by hand-set weights.

    conv: two zero-mean 3×3 detectors (a plus, an x) with a threshold (bias), ReLU,
    2×2 max pooling to 8×8, global average pooling, then a dense layer that gives
    each class the evidence of its own detector.
    """
    layers = keras.layers
    inputs = keras.Input((16, 16, 1))
    conv = layers.Conv2D(2, 3, padding="same", name="detect")
    x = layers.ReLU(name="detect_relu")(conv(inputs))
    x = layers.MaxPooling2D(name="pool")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    dense = layers.Dense(2, activation="softmax" if head == "dense_softmax" else None)
    outputs = dense(x)
    if head == "softmax_layer":
        outputs = layers.Softmax()(outputs)
    kernels = np.stack([PLUS - PLUS.mean(), CROSS - CROSS.mean()], axis=-1)[:, :, None, :]
    conv.set_weights([kernels.astype(np.float32), np.full(2, -4.0, np.float32)])
    dense.set_weights([np.array([[20.0, 0.0], [0.0, 20.0]], np.float32), np.zeros(2, np.float32)])
    return keras.Model(inputs, outputs)


def _two_patterns() -> np.ndarray:
    image = np.zeros((16, 16, 1), np.float32)
    image[2:5, 2:5, 0] = PLUS > 0  # a plus in the top-left quadrant
    image[10:13, 11:14, 0] = CROSS > 0  # an x in the bottom-right quadrant
    return image


@pytest.mark.parametrize("head", ["dense_softmax", "softmax_layer", "linear"])
def test_grad_cam_finds_the_class_evidence_in_its_quadrant(head):
    model = _quadrant_classifier(head)
    for class_index, quadrant in ((0, (0, 0)), (1, (1, 1))):  # plus top-left, x bottom-right
        heat = explain.grad_cam(model, _two_patterns(), class_index)
        assert heat.shape == (8, 8)  # the resolution of the last feature map (after pooling)
        assert heat.max() == pytest.approx(1.0) and heat.min() >= 0
        row, col = np.unravel_index(np.argmax(heat), heat.shape)
        assert (row // 4, col // 4) == quadrant
        top, left = 4 * quadrant[0], 4 * quadrant[1]
        assert heat[top : top + 4, left : left + 4].sum() > 0.9 * heat.sum()


def test_grad_cam_uses_the_predicted_class_by_default():
    model = _quadrant_classifier("dense_softmax")
    image = _two_patterns()
    image[10:13, 11:14, 0] = 0  # only the plus is left: class 0 is predicted
    assert keras.ops.convert_to_numpy(model(image[None])).argmax() == 0
    np.testing.assert_array_equal(explain.grad_cam(model, image), explain.grad_cam(model, image, 0))
    # no evidence for the x anywhere: an all-zero map, not a division by zero
    np.testing.assert_array_equal(explain.grad_cam(model, image, 1), np.zeros((8, 8)))


def test_grad_cam_through_a_nested_backbone_equals_the_flat_model(tiny):
    # a transfer-learning model: the convnet is one layer of the outer model; Grad-CAM
    # on that layer's output must be Grad-CAM on the same maps in a flat model
    backbone = keras.Model(tiny.input, tiny.get_layer("relu3").output, name="backbone")
    heads = [keras.layers.Dense(3, activation="softmax") for _ in range(2)]
    inputs = keras.Input((SIZE, SIZE, 3))
    gap = keras.layers.GlobalAveragePooling2D()
    nested = keras.Model(inputs, heads[0](gap(backbone(inputs))))
    heads[1].build((None, 16))
    heads[1].set_weights(heads[0].get_weights())
    flat_gap = keras.layers.GlobalAveragePooling2D()(tiny.get_layer("relu3").output)
    flat = keras.Model(tiny.input, heads[1](flat_gap))
    assert explain.last_conv_layer(nested) == "backbone"
    image = _noise((SIZE, SIZE, 3))
    heats = [explain.grad_cam(nested, image, c) for c in range(3)]
    assert max(heat.max() for heat in heats) == pytest.approx(1.0)  # not all-zero maps
    for c, heat in enumerate(heats):
        np.testing.assert_allclose(heat, explain.grad_cam(flat, image, c), atol=1e-5)
    np.testing.assert_array_equal(
        explain.first_layer_filters(nested), tiny.get_layer("conv1").kernel
    )
    maps = explain.feature_maps(nested, image, "backbone")["backbone"]
    np.testing.assert_allclose(maps, explain.feature_maps(tiny, image, "relu3")["relu3"], atol=1e-6)


def test_upsample_heatmap_is_bilinear_with_half_pixel_centres():
    heat = _noise((7, 7))
    expected = resize(heat, (224, 224), order=1, mode="edge", anti_aliasing=False)
    np.testing.assert_allclose(explain.upsample_heatmap(heat, (224, 224)), expected, atol=1e-5)


def test_grad_cam_overlay_draws_the_heat_map_over_the_whole_photo():
    image = (255 * _noise((32, 48, 3))).astype(np.uint8)
    heat = _noise((4, 6), seed=2)
    ax = explain_viz.grad_cam_overlay(image, heat, alpha=0.3)
    photo, drawn = ax.images
    np.testing.assert_array_equal(photo.get_array(), image)
    np.testing.assert_array_equal(drawn.get_array(), heat)
    assert list(drawn.get_extent()) == [-0.5, 47.5, 31.5, -0.5]  # edge to edge, half-pixel
    assert drawn.get_alpha() == 0.3 and drawn.get_cmap().name == "jet"
    assert drawn.get_interpolation() == "bilinear" and drawn.norm.vmin == 0 and drawn.norm.vmax == 1
    plt.close(ax.figure)
    # rendered: with alpha 1 a uniform heat of 1 is the colour map's top colour everywhere
    ax = explain_viz.grad_cam_overlay(image, np.ones((4, 6)), alpha=1)
    ax.figure.canvas.draw()
    pixels = np.asarray(ax.figure.canvas.buffer_rgba())[..., :3] / 255.0
    top = np.array(plt.get_cmap("jet")(1.0)[:3])
    assert np.mean(np.all(np.abs(pixels - top) < 0.02, axis=-1)) > 0.5  # most of the figure
    plt.close(ax.figure)
    fig = explain_viz.show_grad_cam(image, heat)
    assert fig.axes[1].get_title() == "Grad-CAM 4×6"
    plt.close(fig)


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------
def test_filter_and_feature_map_figures(tiny):
    fig = explain_viz.show_first_layer_filters(explain.first_layer_filters(tiny))
    assert len(fig.axes) == 8 and fig.get_suptitle() == "8 filters of 3×3×3"
    plt.close(fig)
    names = explain.shallow_to_deep_layers(tiny)
    maps = explain.feature_maps(tiny, _noise((SIZE, SIZE, 3)), names)
    fig = explain_viz.show_feature_maps_by_depth(maps, channels=4)
    assert len(fig.axes) == 12
    assert [fig.axes[4 * r].get_ylabel() for r in range(3)] == [
        "relu1\n32×32×8",
        "relu2\n16×16×16",
        "relu3\n8×8×16",
    ]
    plt.close(fig)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------
def test_unknown_layer_names_list_the_close_ones(tiny):
    with pytest.raises(ValueError, match=r"no layer called 'conv_2'; did you mean 'conv2'"):
        explain.feature_maps(tiny, _noise((SIZE, SIZE, 3)), ["conv_2"])
    with pytest.raises(ValueError, match="no layer called 'block_3_expand'; its layers are"):
        explain.maximum_response(tiny, "block_3_expand", 0)
    with pytest.raises(ValueError, match="no layer called 'relu9'"):
        explain.deep_dream(tiny, np.zeros((SIZE, SIZE, 3), np.uint8), "relu9")
    with pytest.raises(TypeError, match="a layer name must be a string"):
        explain.find_layer(tiny, 3)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((1, SIZE, SIZE, 3)), r"give one image .* got a batch"),
        (np.zeros((SIZE, SIZE, 1)), r"channels in the image \(1\) must match .* \(3\)"),
        (np.zeros((SIZE, 24, 3)), r"takes 32×32 images but the image is 32×24"),
        (np.full((SIZE, SIZE, 3), np.nan), "NaN"),
        (np.zeros((SIZE, SIZE)), r"shape \(height, width, channels\)"),
    ],
)
def test_wrong_images_are_refused(tiny, image, message):
    with pytest.raises(ValueError, match=message):
        explain.grad_cam(tiny, image)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filter_index": 8}, r"'conv1' has 8 filters \(0 to 7\); filter_index 8 does not"),
        ({"filter_index": -1}, "filter_index must be a whole number >= 0"),
        ({"steps": 0}, "steps must be a whole number >= 1"),
        ({"step_size": 0}, r"step_size must lie in \(0, ∞\)"),
        ({"decay": 0.9}, r"decay must lie in \[0, 0.5\]"),
        ({"input_range": (1, 0)}, "lowest < highest"),
        ({"objective": "max"}, "objective must be one of 'mean', 'norm'"),
        ({"size": (16,)}, r"size \(height, width\) must be a whole number or a pair"),
    ],
)
def test_bad_ascent_parameters_are_refused(tiny, kwargs, message):
    arguments = {"layer_name": "conv1", "filter_index": 0, **kwargs}
    with pytest.raises(ValueError, match=message):
        explain.maximum_response(tiny, **arguments)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jitter": 1.5}, "jitter must be a whole number, got 1.5"),
        ({"step_size": "big"}, "step_size must be a number"),
        ({"input_range": 255}, "input_range must be two numbers"),
        ({"objective": None}, "objective must be one of 'mean', 'norm'"),
        ({"layer_name": None}, "a layer name must be a string"),
    ],
)
def test_ascent_parameters_of_the_wrong_type_are_refused(tiny, kwargs, message):
    arguments = {"layer_name": "conv1", "filter_index": 0, **kwargs}
    with pytest.raises(TypeError, match=message):
        explain.maximum_response(tiny, **arguments)


def test_other_bad_parameters_are_refused(tiny):
    photo = np.zeros((SIZE, SIZE, 3), np.uint8)
    with pytest.raises(ValueError, match=r"4 classes \(0 to 3\); class_index 4 does not exist"):
        explain.class_maximisation(tiny, 4)
    with pytest.raises(ValueError, match=r"4 classes \(0 to 3\); class_index 9"):
        explain.grad_cam(tiny, photo, 9)
    with pytest.raises(ValueError, match=r"Grad-CAM needs a layer with 2-D feature maps"):
        explain.grad_cam(tiny, photo, layer_name="gap")
    with pytest.raises(ValueError, match="smallest octave would be 4×4"):
        explain.deep_dream(tiny, photo, "relu2", octaves=4, octave_scale=2)
    with pytest.raises(ValueError, match=r"octave_scale must lie in \(1, ∞\)"):
        explain.deep_dream(tiny, photo, "relu2", octave_scale=1)
    with pytest.raises(ValueError, match=r"outside the model's input range \[0, 1\]"):
        explain.deep_dream(tiny, photo + 200, "relu2", input_range=(0, 1))
    with pytest.raises(ValueError, match=r"'gap' \(GlobalAveragePooling2D\) has no \(f, f, C, K\)"):
        explain.first_layer_filters(tiny, "gap")
    with pytest.raises(ValueError, match="one score per class"):
        explain.class_maximisation(keras.Model(tiny.input, tiny.get_layer("relu3").output), 0)
    with pytest.raises(TypeError, match="expected a Keras model, got ndarray"):
        explain.feature_maps(photo, photo, "conv1")
    with pytest.raises(ValueError, match="exactly one image input"):
        a, b = keras.Input((8, 8, 3)), keras.Input((8, 8, 3))
        explain.last_conv_layer(keras.Model([a, b], keras.layers.Add()([a, b])))
    with pytest.raises(ValueError, match="only works on 32×32 images"):
        flat = keras.layers.Flatten()(tiny.get_layer("relu3").output)
        dense = keras.layers.Dense(2, name="dense_on_flat")(flat)
        explain.maximum_response(keras.Model(tiny.input, dense), "dense_on_flat", 0)


# --------------------------------------------------------------------------------------
# The real ImageNet MobileNetV2 (bundled weights)
# --------------------------------------------------------------------------------------
needs_weights = pytest.mark.skipif(
    not (data_dir() / "mobilenet_v2_imagenet.weights.h5").is_file(),
    reason="the bundled MobileNetV2 ImageNet weights are not there",
)
CAT_CLASSES = range(281, 286)  # tabby, tiger cat, Persian, Siamese, Egyptian cat


@pytest.fixture(scope="module")
def mobilenet():
    from cnn_course.pretrained import imagenet_backbone

    return imagenet_backbone(input_shape=(None, None, 3))  # any image size


@needs_weights
def test_mobilenet_first_filters_and_early_maximum_responses(mobilenet):
    assert explain.first_layer_filters(mobilenet).shape == (3, 3, 3, 32)
    # a model for any size: the stages are read at 224×224
    assert explain.shallow_to_deep_layers(mobilenet) == [
        "block_1_expand_relu",
        "block_3_expand_relu",
        "block_6_expand_relu",
        "block_13_expand_relu",
        "out_relu",
    ]
    layer = "block_1_expand"  # an early 1×1 convolution, before its BatchNorm and ReLU6
    noise = np.array(
        [_mean_activation(mobilenet, layer, 255 * _noise((64, 64, 3), s)) for s in range(4)]
    )
    for d in (0, 3, 5):
        image, history = explain.maximum_response(mobilenet, layer, d, size=(64, 64), steps=20)
        after = _mean_activation(mobilenet, layer, image)[d]
        assert after > noise[:, d].mean() + 20 * noise[:, d].std(), d
        assert history[-1] > history[0]


@needs_weights
def test_mobilenet_grad_cam_looks_at_the_cat(mobilenet):
    import tensorflow as tf

    cat = load_sample_image("chelsea")  # 300×451: the cat in the middle, background at the sides
    photo = tf.image.resize(cat, (224, 336), antialias=True).numpy()
    scores = keras.ops.convert_to_numpy(mobilenet(photo[None], training=False))[0]
    assert scores.argmax() in CAT_CLASSES
    heat = explain.grad_cam(mobilenet, photo)
    assert heat.shape == (7, 11)  # 224×336 / 32
    big = explain.upsample_heatmap(heat, (224, 336))
    centre = big[:, 336 // 4 : 3 * 336 // 4].sum() / big.sum()  # the middle half of the width
    assert centre > 0.6
    row, col = np.unravel_index(heat.argmax(), heat.shape)
    assert 2 <= col <= 8  # the hottest cell is on the cat, not on the background at the sides


@needs_weights
def test_mobilenet_class_maximisation_makes_a_magpie(mobilenet):
    # deck 004: "The left image is predicted with 99.9% confidence as a magpie."
    # 60 steps as in notebook 11: at 30 the uint8 image is a peacock or a magpie depending on
    # the CPU's floating-point order (seen: 0.10 for magpie on one AMD EPYC, > 0.5 on another)
    magpie = 18
    image, history = explain.class_maximisation(mobilenet, magpie, steps=60, step_size=0.03)
    assert image.shape == (224, 224, 3)
    probs = keras.ops.convert_to_numpy(mobilenet(image[None].astype("float32"), training=False))
    assert probs[0].argmax() == magpie and probs[0, magpie] > 0.5
    assert history[-1] > history[0] + 10


# --------------------------------------------------------------------------------------
# Integers are whole numbers: True, False and 3.0 are refused (before any ascent runs)
# --------------------------------------------------------------------------------------
PHOTO = np.zeros((SIZE, SIZE, 3), np.uint8)


@pytest.mark.parametrize("value", [True, False, 3.0])
@pytest.mark.parametrize(
    ("call", "what"),
    [
        (lambda m, v: explain.maximum_response(m, "conv1", v), "filter_index"),
        (lambda m, v: explain.maximum_response(m, "conv1", 0, size=v), "size"),
        (lambda m, v: explain.maximum_response(m, "conv1", 0, size=(v, 16)), "size"),
        (lambda m, v: explain.maximum_response(m, "conv1", 0, steps=v), "steps"),
        (lambda m, v: explain.maximum_response(m, "conv1", 0, seed=v), "seed"),
        (lambda m, v: explain.maximum_response(m, "conv1", 0, jitter=v), "jitter"),
        (lambda m, v: explain.maximum_response(m, "conv1", 0, blur_every=v), "blur_every"),
        (lambda m, v: explain.maximum_responses(m, "conv1", [0, v]), "filter index"),
        (lambda m, v: explain.class_maximisation(m, v), "class_index"),
        (lambda m, v: explain.class_maximisation(m, 0, size=(16, v)), "size"),
        (lambda m, v: explain.class_maximisation(m, 0, steps=v), "steps"),
        (lambda m, v: explain.class_maximisation(m, 0, seed=v), "seed"),
        (lambda m, v: explain.class_maximisation(m, 0, jitter=v), "jitter"),
        (lambda m, v: explain.class_maximisation(m, 0, blur_every=v), "blur_every"),
        (lambda m, v: explain.deep_dream(m, PHOTO, "relu1", octaves=v), "octaves"),
        (
            lambda m, v: explain.deep_dream(m, PHOTO, "relu1", steps_per_octave=v),
            "steps_per_octave",
        ),
        (lambda m, v: explain.deep_dream(m, PHOTO, "relu1", jitter=v), "jitter"),
        (lambda m, v: explain.deep_dream(m, PHOTO, "relu1", seed=v), "seed"),
        (lambda m, v: explain.deep_dream_frames(m, PHOTO, "relu1", frames=v), "frames"),
        (lambda m, v: explain.grad_cam(m, PHOTO, v), "class_index"),
        (lambda m, v: explain.upsample_heatmap(np.eye(2), (v, 4)), "size"),
        (lambda m, v: explain.shallow_to_deep_layers(m, size=v), "size"),
        (lambda m, v: explain_viz.show_first_layer_filters(np.zeros((3, 3, 3, 4)), v), "ncols"),
        (
            lambda m, v: explain_viz.show_feature_maps_by_depth({"a": np.zeros((4, 4, 2))}, v),
            "channels",
        ),
    ],
)
def test_integer_parameters_refuse_bools_and_floats(tiny, call, what, value):
    with pytest.raises(TypeError, match=f"{what}.* must be a whole number"):
        call(tiny, value)
