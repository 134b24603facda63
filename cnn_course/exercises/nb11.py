"""Exercises of notebook 11 · What convnets learn."""

from __future__ import annotations

import functools
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course import pretrained, shapes, slides
from cnn_course.exercises._core import (
    Env,
    WrongAnswer,
    answer,
    call,
    case_rng,
    describe_array,
    exercise,
    expect_array,
    expect_int,
    forbid,
    function,
    quiet_tensorflow,
    shape_text,
)

__all__ = ["EXERCISES"]


# --------------------------------------------------------------------------- ex11_1


@functools.cache
def mobilenet_conv1_weights() -> int:
    """The weights of the first layer (``Conv1``) of the course's MobileNetV2, counted by Keras."""
    model = pretrained.mobilenet_v2(include_top=False, input_shape=(32, 32, 3))
    return int(model.get_layer("Conv1").count_params())


@exercise(
    "compute",
    title="the weights of a first layer, AlexNet's and MobileNetV2's",
    slide="deck 003, What do the filters learn? – Multiple Layers; deck 000, Number of "
    "parameters in one layer",
    hint="a layer of K filters of f×f×C has f·f·C weights per filter, plus one bias per filter "
    "when it has biases: (f·f·C + 1)·K. MobileNetV2's Conv1 has no biases (a BatchNorm layer "
    "follows it and adds its own offset).",
    answers=("my_alexnet_weights", "my_mobilenet_weights"),
)
def ex11_1(env: Env, hidden: bool) -> None:
    alexnet = answer(env, "my_alexnet_weights")
    mobilenet = answer(env, "my_mobilenet_weights")
    conv1 = slides.ALEXNET_LAYERS[0]  # 96 filters of 11×11 on the 3 colour channels
    expect_int(
        alexnet,
        shapes.conv_params(conv1.f, slides.ALEXNET_INPUT_SHAPE[-1], conv1.filters),
        "the number of weights of AlexNet's first layer (96 filters, with biases)",
    )
    expect_int(
        mobilenet,
        mobilenet_conv1_weights(),
        "the number of weights of MobileNetV2's first layer (Conv1)",
    )


# --------------------------------------------------------------------------- ex11_2

AscentCase = tuple[Any, np.ndarray, int, float, str]


def _conv(keras: Any, filters: int, f: int, seed: int, **kwargs: Any) -> Any:
    init = keras.initializers.GlorotUniform(seed=seed)
    return keras.layers.Conv2D(filters, f, kernel_initializer=init, **kwargs)


def _tiny_model(
    keras: Any,
    shape: tuple[int, int, int],
    layers: list[tuple[int, int, int, str | None]],
    seed: int,
    bias: float = 0.0,
) -> Any:
    """A small random conv model: each layer is (filters, f, stride, activation)."""
    inputs = keras.Input(shape)
    x = inputs
    for k, (filters, f, s, activation) in enumerate(layers):
        last = k == len(layers) - 1
        x = _conv(
            keras,
            filters,
            f,
            seed + k,
            strides=s,
            activation=activation,
            bias_initializer=keras.initializers.Constant(bias if last else 0.0),
        )(x)
    return keras.Model(inputs, x)


def _ascent_cases(rng: np.random.Generator, count: int) -> list[AscentCase]:
    """(model, x, filter_index, step_size, description): tiny random conv models.

    The first cases are fixed: a 3×3 layer on a non-square colour image, a 1×1 filter,
    a stride larger than the filter, two layers with a ReLU between them. The others are
    random; with ``count`` above 8 the last one is a filter that is silent everywhere
    (a ReLU after a large negative bias: its gradient is zero).
    """
    fixed = [
        ((6, 8, 3), [(4, 3, 1, None)], 2, 0.1, "3×3 filters"),
        ((5, 5, 1), [(2, 1, 1, None)], 1, 0.5, "1×1 filters"),
        ((9, 7, 2), [(3, 2, 3, None)], 0, 1.0, "2×2 filters, stride 3"),
        ((8, 10, 3), [(6, 3, 1, "relu"), (5, 3, 1, None)], 4, 0.05, "two layers, ReLU between"),
    ]
    specs: list[tuple[Any, ...]] = list(fixed)
    for _ in range(count - len(fixed) - (1 if count > 8 else 0)):
        h, w = (int(v) for v in rng.integers(3, 13, size=2))
        c = int(rng.integers(1, 5))
        f = int(rng.integers(1, min(h, w, 3) + 1))
        s = int(rng.integers(1, 4))
        filters = int(rng.integers(1, 7))
        layers = [(filters, f, s, None)]
        if rng.random() < 0.4 and (h - f) // s + 1 >= 2 and (w - f) // s + 1 >= 2:
            layers = [(int(rng.integers(2, 6)), f, s, "tanh"), (filters, 2, 1, None)]
        step = float(np.round(10 ** rng.uniform(-2, 0.5), 3))
        specs.append(((h, w, c), layers, int(rng.integers(0, filters)), step, "random"))
    if count > 8:
        specs.append(((7, 6, 3), [(3, 3, 1, "relu")], 1, 0.2, "a filter silent everywhere"))
    cases: list[AscentCase] = []
    for k, (shape, layers, d, step, what) in enumerate(specs):
        silent = what.startswith("a filter silent")
        model = _tiny_model(keras, shape, layers, seed=100 + 7 * k, bias=-1e3 if silent else 0.0)
        x = rng.random((1, *shape)).astype(np.float32)
        cases.append((model, x, d, step, what))
    return cases


def _filter_mean(model: Any, x: np.ndarray, d: int) -> float:
    maps = keras.ops.convert_to_numpy(model(x, training=False))
    return float(np.mean(maps[..., d]))


def reference_ascent_step(model: Any, x: np.ndarray, d: int, step_size: float) -> np.ndarray:
    """The course's ascent step (:func:`cnn_course.explain.ascent.ascent_step`) on the mean of
    feature map ``d``, without jitter, decay or clipping."""

    from cnn_course.explain.ascent import ascent_step

    step = ascent_step(model, lambda act, which: tf.reduce_mean(tf.gather(act, which, axis=-1)))
    with quiet_tensorflow():  # every case is a new model: TensorFlow's "retracing" warning
        out, _ = step(
            tf.constant(x, tf.float32),
            tf.zeros(2, tf.int32),  # no jitter
            tf.constant(d, tf.int32),
            tf.constant(step_size, tf.float32),
            tf.constant(0.0, tf.float32),  # no decay
            tf.constant([-1e6, 1e6], tf.float32),  # no clipping
        )
    return out.numpy()


def _as_array(got: Any, case: str) -> np.ndarray:
    try:
        return np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"{case}: your function should return an array (the new x), got {type(got).__name__}."
        ) from None


@exercise(
    "implement",
    title="one step of gradient ascent on the input",
    slide="deck 004, Maximum response samples",
    hint="watch x with tf.GradientTape (tape.watch), compute the feature maps model(x) and the "
    "mean of map filter_index inside the tape, take tape.gradient of that mean with respect to "
    "x, divide it by the square root of the mean of its squares plus 1e-8, and add step_size "
    "times the result to x (up the gradient).",
    hidden=True,
    answers=("my_ascent_step",),
)
def ex11_2(env: Env, hidden: bool) -> None:
    step = function(env, "my_ascent_step")
    banned = ["maximum_response", "maximum_responses", "ascent_step", "ascend"]
    forbid(step, banned + ["class_maximisation", "deep_dream", "explain"], "the ascent step")
    rng = case_rng(hidden)
    for number, (model, x, d, step_size, what) in enumerate(
        _ascent_cases(rng, 12 if hidden else 4), start=1
    ):
        case = (
            f"case {number} ({what}, input {shape_text(x)}, "
            f"filter_index={d}, step_size={step_size})"
        )
        got = _as_array(call(functools.partial(step, model), x, d, step_size, case=case), case)
        right = reference_ascent_step(model, x, d, step_size)
        if got.shape != right.shape:
            raise WrongAnswer(
                f"{case}: your function returns {describe_array(got)}; the new x has the shape "
                f"of x, ({', '.join(map(str, right.shape))})."
            )
        if np.all(np.isfinite(got)):
            before = _filter_mean(model, x, d)
            after = _filter_mean(model, got.astype(np.float32), d)
            best = _filter_mean(model, right, d)
            if best > before and after <= before:
                raise WrongAnswer(
                    f"{case}: your step takes filter {d}'s mean activation from {before:.4g} "
                    f"to {after:.4g}; a step of gradient ascent raises it."
                )
        scale = 1.0 + step_size + float(np.max(np.abs(right)))
        expect_array(got, right, case, rtol=1e-4, atol=1e-5 * scale)


# --------------------------------------------------------------------------- ex11_3

#: The filter of the experiment: filter 7 of ``block_4_expand`` (MobileNetV2, 28×28 stage).
ASCENT_LAYER, ASCENT_FILTER = "block_4_expand", 7
#: The image's size.
ASCENT_SIZE = (64, 64)
#: Target: the filter's mean activation at least this many times the noise image's.
ASCENT_TARGET = 2.5


@functools.cache
def _any_size_network() -> Any:
    return pretrained.imagenet_backbone(input_shape=(None, None, 3))


def noise_image() -> np.ndarray:
    """The noise image gradient ascent starts from: U[0, 255] per pixel, seed 0.

    The same as :func:`cnn_course.explain.maximum_response`'s start image with ``seed=0``.
    """
    return (255.0 * np.random.default_rng(0).random((*ASCENT_SIZE, 3))).astype(np.float32)


def filter_response(image: np.ndarray) -> float:
    """Mean activation of filter :data:`ASCENT_FILTER` of :data:`ASCENT_LAYER` on ``image``."""
    from cnn_course import explain

    maps = explain.feature_maps(_any_size_network(), image, [ASCENT_LAYER])[ASCENT_LAYER]
    return float(np.mean(maps[..., ASCENT_FILTER]))


def _checked_image(value: Any) -> np.ndarray:
    """The student's image as float32 (64, 64, 3) with pixel values in [0, 255]."""
    try:
        image = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"`my_image` should be an image (an array of pixel values), got {type(value).__name__}."
        ) from None
    height, width = ASCENT_SIZE
    if image.shape != (height, width, 3):
        raise WrongAnswer(
            f"`my_image` is {describe_array(image)}; it should be a {height}×{width} colour "
            f"image, an array of shape ({height}, {width}, 3)."
        )
    if not np.all(np.isfinite(image)):
        raise WrongAnswer("`my_image` has values that are not finite numbers (nan or inf).")
    low, high = float(image.min()), float(image.max())
    if low < 0 or high > 255:
        raise WrongAnswer(
            f"the pixel values of `my_image` go from {low:.4g} to {high:.4g}; the network takes "
            "values in [0, 255]: keep every pixel inside (np.clip) after each step."
        )
    if high <= 1 and high > 0:
        raise WrongAnswer(
            "the pixel values of `my_image` all lie in [0, 1]; the network takes values in "
            "[0, 255] (multiply by 255)."
        )
    return image.astype(np.float32)


@exercise(
    "experiment",
    title="make a filter respond 2.5 times as much as to noise",
    slide="deck 004, Maximum response samples",
    hint="measure before you change: print the filter's mean activation (explain.feature_maps) "
    "for the image the notebook's settings give, then change one setting at a time — the "
    "number of steps, the step size, and the two regularisers (blur_sigma, jitter) that keep "
    "the images readable but hold the activation back.",
    answers=("my_image",),
)
def ex11_3(env: Env, hidden: bool) -> None:
    image = _checked_image(answer(env, "my_image"))
    noise, mine = filter_response(noise_image()), filter_response(image)
    if mine < ASCENT_TARGET * noise:
        raise WrongAnswer(
            f"filter {ASCENT_FILTER} of {ASCENT_LAYER} responds to your image with a mean "
            f"activation of {mine:.3f}, to the noise image with {noise:.3f}: {mine / noise:.2f} "
            f"times as much; the target is {ASCENT_TARGET:g} times."
        )


# --------------------------------------------------------------------------- ex11_4

#: The photo of Exercise 11.4: height × width.
GRADCAM_PHOTO = (250, 380)


@functools.cache
def gradcam_map_shape(height: int, width: int) -> tuple[int, int, int]:
    """(H', W', K) of the layer Grad-CAM uses in MobileNetV2 for a ``height×width`` photo."""
    from cnn_course import explain

    model = pretrained.mobilenet_v2(input_shape=(height, width, 3))
    shape = model.get_layer(explain.last_conv_layer(model)).output.shape
    return int(shape[1]), int(shape[2]), int(shape[3])


def _pair(value: Any, what: str) -> tuple[Any, Any]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise WrongAnswer(f"write {what} as (height, width), e.g. (5, 9); got {value!r}.")
    return value[0], value[1]


@exercise(
    "compute",
    title="the size of a Grad-CAM heat-map",
    slide="deck 000, Strided Convolutions; deck 003, CNN: The Volume Shrinks",
    hint="each of the five stride-2 layers pads 1 pixel on every side and slides a 3×3 window: "
    "n becomes floor((n + 2 − 3) / 2) + 1, which is n / 2 rounded up. Apply it five times to "
    "the height, five times to the width. Grad-CAM has one weight α_k per feature map of the "
    "layer it looks at.",
    answers=("my_heatmap_shape", "my_alphas"),
)
def ex11_4(env: Env, hidden: bool) -> None:
    heatmap = answer(env, "my_heatmap_shape")
    alphas = answer(env, "my_alphas")
    height, width, maps = gradcam_map_shape(*GRADCAM_PHOTO)
    got_height, got_width = _pair(heatmap, "the heat-map's shape")
    expect_int(got_height, height, "the height of the heat-map")
    expect_int(got_width, width, "the width of the heat-map")
    expect_int(alphas, maps, "the number of weights α_k")


EXERCISES = (ex11_1, ex11_2, ex11_3, ex11_4)
