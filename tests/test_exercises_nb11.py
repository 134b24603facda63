"""The checks of notebook 11's exercises catch unanswered and plausible wrong answers."""

import numpy as np
import pytest
from exercise_checks import Wrong, exercise_tests

from cnn_course import pretrained
from cnn_course.exercises import EXERCISES, NotAnswered, WrongAnswer, nb11

# --------------------------------------------------------------------------- ex11_2


def _step(gradient: str, update: str = "x + step_size * g") -> str:
    """An ascent step whose objective's gradient ends in ``gradient`` lines, then ``update``."""
    return f"""
import tensorflow as tf


def my_ascent_step(model, x, filter_index, step_size):
    x = tf.convert_to_tensor(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        maps = model(x, training=False)
        objective = tf.reduce_mean(maps[..., filter_index])
    g = tape.gradient(objective, x)
{gradient}
    return ({update}).numpy()
"""


RMS = "    g = g / (tf.sqrt(tf.reduce_mean(tf.square(g))) + 1e-8)"
STEP_DESCENT = _step(RMS, "x - step_size * g")
STEP_RAW = _step("    pass  # no normalisation")
STEP_L2 = _step("    g = g / (tf.norm(g) + 1e-8)  # the L2 norm, not the root mean square")
STEP_MAX = _step("    g = g / (tf.reduce_max(tf.abs(g)) + 1e-8)")
STEP_SIGN = _step("    g = tf.sign(g)")
STEP_NO_X = _step(RMS, "step_size * g")
STEP_NO_SIZE = _step(RMS, "x + g")
STEP_NO_EPSILON = _step("    g = g / tf.sqrt(tf.reduce_mean(tf.square(g)))")
STEP_NORM_OBJECTIVE = """
import tensorflow as tf


def my_ascent_step(model, x, filter_index, step_size):
    x = tf.convert_to_tensor(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        objective = tf.norm(model(x)[..., filter_index])  # the norm rewards negative responses
    g = tape.gradient(objective, x)
    g = g / (tf.sqrt(tf.reduce_mean(tf.square(g))) + 1e-8)
    return (x + step_size * g).numpy()
"""
STEP_ALL_FILTERS = """
import tensorflow as tf


def my_ascent_step(model, x, filter_index, step_size):
    x = tf.convert_to_tensor(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        objective = tf.reduce_mean(model(x))  # every filter
    g = tape.gradient(objective, x)
    g = g / (tf.sqrt(tf.reduce_mean(tf.square(g))) + 1e-8)
    return (x + step_size * g).numpy()
"""
STEP_SQUEEZED = _step(RMS, "(x + step_size * g)[0]")
STEP_LIBRARY = """
from cnn_course.explain.ascent import ascent_step


def my_ascent_step(model, x, filter_index, step_size):
    return ascent_step(model, None)
"""

# --------------------------------------------------------------------------- ex11_3

ASCENT = """
from cnn_course import explain, pretrained

net = pretrained.imagenet_backbone(input_shape=(None, None, 3))
image, _ = explain.maximum_response(
    net, "block_4_expand", 7, size={size}, seed=0, progress=False{settings}
)
my_image = {image}
"""
NOTEBOOK_QUICK = ASCENT.format(size=(64, 64), settings=", steps=12", image="image")
NOTEBOOK_FULL = ASCENT.format(size=(64, 64), settings=", steps=40", image="image")
NO_BLUR_ONLY = ASCENT.format(size=(64, 64), settings=", steps=40, blur_sigma=0", image="image")
WRONG_FILTER = """
from cnn_course import explain, pretrained

net = pretrained.imagenet_backbone(input_shape=(None, None, 3))
image, _ = explain.maximum_response(
    net, "block_4_expand", 19, size=(64, 64), steps=40, step_size=0.1, jitter=0, blur_sigma=0,
    seed=0, progress=False,
)
my_image = image  # another filter's best image
"""
SOLUTION_AT_96 = ASCENT.format(
    size=(96, 96), settings=", steps=40, step_size=0.1, jitter=0, blur_sigma=0", image="image"
)
SCALED = ASCENT.format(
    size=(64, 64), settings=", steps=40, step_size=0.1, jitter=0, blur_sigma=0", image="image / 255"
)
NOISE = "my_image = 255 * np.random.default_rng(0).random((64, 64, 3))"
UNCLIPPED = """
noise = 255 * np.random.default_rng(0).random((64, 64, 3))
my_image = 4 * noise - 300  # pixel values far outside [0, 255]
"""

WRONG = {
    "ex11_1": [
        Wrong("my_alexnet_weights = 23296\nmy_mobilenet_weights = 864", "the deck's 64 filters"),
        Wrong("my_alexnet_weights = 34848\nmy_mobilenet_weights = 864", "forgets the biases"),
        Wrong("my_alexnet_weights = 34944\nmy_mobilenet_weights = 896", "adds biases to Conv1"),
        Wrong("my_alexnet_weights = 34944\nmy_mobilenet_weights = 27", "one filter"),
        Wrong("my_alexnet_weights = 11616\nmy_mobilenet_weights = 288", "forgets the channels"),
        Wrong(
            "my_alexnet_weights = 34944\nmy_mobilenet_weights = ...", "half", verdict=NotAnswered
        ),
    ],
    "ex11_2": [
        Wrong(STEP_DESCENT, "down the gradient"),
        Wrong(STEP_RAW, "no normalisation"),
        Wrong(STEP_L2, "divides by the L2 norm"),
        Wrong(STEP_MAX, "divides by the largest entry"),
        Wrong(STEP_SIGN, "the sign of the gradient"),
        Wrong(STEP_NO_X, "returns the step, not the new x"),
        Wrong(STEP_NO_SIZE, "ignores step_size"),
        Wrong(STEP_NORM_OBJECTIVE, "the norm of the map instead of its mean"),
        Wrong(STEP_ALL_FILTERS, "the mean of every filter"),
        Wrong(STEP_SQUEEZED, "drops the batch axis"),
        Wrong(STEP_NO_EPSILON, "no 1e-8: a silent filter gives nan", hidden=True),
        Wrong("my_ascent_step = 0.1", "not a function"),
        Wrong(STEP_LIBRARY, "calls the library", match="your function calls `ascent_step`"),
    ],
    "ex11_3": [
        Wrong(NOISE, "the noise image itself"),
        Wrong(NOTEBOOK_QUICK, "the notebook's quick-mode settings"),
        Wrong(NOTEBOOK_FULL, "the notebook's settings, 40 steps"),
        Wrong(NO_BLUR_ONLY, "no blur, but the jitter and the small steps"),
        Wrong(WRONG_FILTER, "another filter's image"),
        Wrong(SOLUTION_AT_96, "96×96 instead of 64×64"),
        Wrong(SCALED, "pixel values scaled to [0, 1]"),
        Wrong(UNCLIPPED, "pixel values outside [0, 255]"),
        Wrong("my_image = 'a magpie'", "not an image"),
    ],
    "ex11_4": [
        Wrong("my_heatmap_shape = (7, 11)\nmy_alphas = 1280", "n / 32 rounded down"),
        Wrong("my_heatmap_shape = (7.8125, 11.875)\nmy_alphas = 1280", "n / 32"),
        Wrong("my_heatmap_shape = (12, 8)\nmy_alphas = 1280", "width and height swapped"),
        Wrong("my_heatmap_shape = (16, 24)\nmy_alphas = 1280", "four halvings"),
        Wrong("my_heatmap_shape = (8, 12)\nmy_alphas = 1000", "one per class"),
        Wrong("my_heatmap_shape = (8, 12)\nmy_alphas = 96", "the number of pixels"),
        Wrong("my_heatmap_shape = (8, 12, 1280)\nmy_alphas = 1280", "three numbers"),
        Wrong("my_heatmap_shape = '8×12'\nmy_alphas = 1280", "a string"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("11", WRONG)


# --------------------------------------------------------------------------- beyond the four tests


def test_compute_messages_do_not_give_the_answer_away() -> None:
    with pytest.raises(WrongAnswer) as err:
        EXERCISES["ex11_4"].run({"my_heatmap_shape": (7, 11), "my_alphas": 1280})
    assert str(err.value) == "7 is not the height of the heat-map."
    with pytest.raises(WrongAnswer) as err:
        EXERCISES["ex11_1"].run({"my_alexnet_weights": 23296, "my_mobilenet_weights": 864})
    assert "34944" not in str(err.value) and "34 944" not in str(err.value)


def test_the_heatmap_reference_is_the_size_grad_cam_returns() -> None:
    """The check's reference is what explain.grad_cam really returns for a 250×380 photo."""
    from cnn_course import explain

    model = pretrained.mobilenet_v2(input_shape=(None, None, 3))
    photo = np.random.default_rng(0).uniform(0, 255, size=(*nb11.GRADCAM_PHOTO, 3))
    heat = explain.grad_cam(model, photo.astype("float32"), class_index=0)
    assert heat.shape == nb11.gradcam_map_shape(*nb11.GRADCAM_PHOTO)[:2]
    assert nb11.gradcam_map_shape(300, 451)[:2] == (10, 15)  # the notebook's photo


def test_public_ascent_cases_cover_the_edge_cases() -> None:
    cases = nb11._ascent_cases(np.random.default_rng(0), 4)
    kernels = [layer.kernel.shape for model, *_ in cases for layer in model.layers[1:]]
    strides = [layer.strides for model, *_ in cases for layer in model.layers[1:]]
    assert any(k[:2] == (1, 1) for k in kernels)  # 1×1 filters
    assert any(s[0] > k[0] for s, k in zip(strides, kernels, strict=True))  # stride > filter
    assert any(x.shape[1] != x.shape[2] for _, x, *_ in cases)  # non-square
    assert {x.shape[-1] for _, x, *_ in cases} >= {1, 3}  # grayscale and colour
    assert any(len(model.layers) > 2 for model, *_ in cases)  # two layers


def test_the_experiment_target_is_out_of_reach_of_the_notebooks_settings() -> None:
    """The target asks for a change: the notebook's settings give well under 2.5 times."""
    noise = nb11.filter_response(nb11.noise_image())
    assert noise > 0.5  # a filter that already responds to noise: "times as much" is meaningful
    from cnn_course import explain

    net = pretrained.imagenet_backbone(input_shape=(None, None, 3))
    for steps in (12, 40):
        image, _ = explain.maximum_response(
            net,
            nb11.ASCENT_LAYER,
            nb11.ASCENT_FILTER,
            size=nb11.ASCENT_SIZE,
            steps=steps,
            progress=False,
        )
        assert nb11.filter_response(image.astype("float32")) < 0.8 * nb11.ASCENT_TARGET * noise
