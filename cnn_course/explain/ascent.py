"""Gradient ascent on the input: maximum response samples and class maximisation (deck 004).

Instead of changing the weights to lower a loss, change the *image* to raise an
activation: the image a filter responds to most (:func:`maximum_response`, deck
004's "Maximum response samples"), or the image the classifier scores highest
for a class (:func:`class_maximisation`, deck 004's "magpie"). The same ascent
step drives Deep Dream (:mod:`cnn_course.explain.dream`).

Every gradient loop runs one :func:`tf.function` step with a fixed input shape,
traced once per (model, layer, image size) and reused for every filter, class and
step.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course import _checks
from cnn_course.explain import _model
from cnn_course.explain._model import PIXEL_RANGE, InputRange
from cnn_course.runtime import progress_bar

__all__ = ["class_maximisation", "maximum_response", "maximum_responses"]


# --------------------------------------------------------------------------------------
# The ascent step, shared with Deep Dream
# --------------------------------------------------------------------------------------
def ascent_step(extractor: keras.Model, objective: Callable[[Any, Any], Any]) -> Any:
    """One ascent step ``x ← clip(x + γ g/rms(g))`` at a jittered position, as a tf.function.

    The input spec is the extractor's input shape (fixed, or ``None`` sides for Deep
    Dream's octaves): the step is traced once and reused for every step, filter and
    class. ``which`` (a filter or class index) is a tensor for the same reason.
    """
    shape = (1, *tuple(extractor.inputs[0].shape)[1:])

    @tf.function(
        input_signature=[
            tf.TensorSpec(shape, tf.float32),  # x
            tf.TensorSpec((2,), tf.int32),  # jitter shift (rows, columns)
            tf.TensorSpec((), tf.int32),  # which filter or class
            tf.TensorSpec((), tf.float32),  # step γ in pixel units
            tf.TensorSpec((), tf.float32),  # L2 decay
            tf.TensorSpec((2,), tf.float32),  # input range (low, high)
        ]
    )
    def step(x, shift, which, gamma, decay, bounds):
        jittered = tf.roll(x, shift, axis=[1, 2])
        with tf.GradientTape() as tape:
            tape.watch(jittered)
            loss = objective(extractor(jittered, training=False), which)
        grad = tf.roll(tape.gradient(loss, jittered), -shift, axis=[1, 2])
        # Normalised gradient: every step moves the pixels by γ (root mean square),
        # however large the activation's gradient is at this layer.
        grad = grad / (tf.sqrt(tf.reduce_mean(tf.square(grad))) + 1e-8)
        middle = 0.5 * (bounds[0] + bounds[1])
        x = middle + (1.0 - decay) * (x + gamma * grad - middle)
        return tf.clip_by_value(x, bounds[0], bounds[1]), loss

    return step


def _blur(x: tf.Tensor, sigma: float) -> tf.Tensor:
    import skimage.filters

    blurred = skimage.filters.gaussian(
        x.numpy()[0], sigma=sigma, channel_axis=-1, preserve_range=True, mode="reflect"
    )
    return tf.constant(blurred[None], dtype=tf.float32)


def ascend(
    step: Any,
    x: np.ndarray,
    which: int,
    *,
    steps: int,
    step_size: float,
    jitter: int,
    decay: float,
    blur_sigma: float,
    blur_every: int,
    input_range: InputRange,
    rng: np.random.Generator,
    bar: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Run ``steps`` ascent steps from ``x``; return the image and the objective per step.

    ``bar`` (a :func:`~cnn_course.runtime.progress_bar`) advances by one per step.
    """
    low, high = input_range
    gamma = tf.constant(step_size * (high - low), tf.float32)
    decay_t = tf.constant(decay, tf.float32)
    bounds = tf.constant([low, high], tf.float32)
    which_t = tf.constant(which, tf.int32)
    x_t = tf.constant(x[None], tf.float32)
    history = np.empty(steps, dtype=np.float64)
    for t in range(steps):
        shift = rng.integers(-jitter, jitter + 1, size=2) if jitter else np.zeros(2, int)
        x_t, loss = step(x_t, tf.constant(shift, tf.int32), which_t, gamma, decay_t, bounds)
        history[t] = float(loss)
        if bar is not None:
            bar.update(1)
        if blur_sigma > 0 and (t + 1) % blur_every == 0 and t + 1 < steps:
            x_t = _blur(x_t, blur_sigma)
    return x_t.numpy()[0], history


def check_step_settings(
    steps: Any, step_size: Any, jitter: Any, input_range: Any, steps_name: str = "steps"
) -> dict:
    """The settings every ascent has (Deep Dream too), checked."""
    return {
        "steps": _checks.positive_int(steps, steps_name),
        "step_size": _checks.real(step_size, "step_size", 0.0, open_low=True),
        "jitter": _checks.non_negative_int(jitter, "jitter"),
        "input_range": _model.check_range(input_range),
    }


def _check_ascent(
    steps: Any,
    step_size: Any,
    jitter: Any,
    decay: Any,
    blur_sigma: Any,
    blur_every: Any,
    input_range: Any,
    seed: Any,
) -> dict[str, Any]:
    _checks.non_negative_int(seed, "seed")
    return {
        **check_step_settings(steps, step_size, jitter, input_range),
        "decay": _checks.real(decay, "decay", 0.0, 0.5),
        "blur_sigma": _checks.real(blur_sigma, "blur_sigma", 0.0),
        "blur_every": _checks.positive_int(blur_every, "blur_every"),
    }


def _start_image(
    size: tuple[int, int], channels: int, input_range: InputRange, rng: np.random.Generator
) -> np.ndarray:
    """x₀ ~ U[0, 1] per pixel and channel, stretched to the model's input range."""
    low, high = input_range
    return (low + (high - low) * rng.random((*size, channels))).astype(np.float32)


def _filter_objective(kind: str) -> Callable[[Any, Any], Any]:
    if kind == "mean":
        return lambda act, d: tf.reduce_mean(tf.gather(act, d, axis=-1))
    # ‖h‖₂ with a floor under the square root: tf.norm's gradient at h = 0 is NaN
    return lambda act, d: tf.sqrt(
        tf.maximum(tf.reduce_sum(tf.square(tf.gather(act, d, axis=-1))), 1e-24)
    )


# --------------------------------------------------------------------------------------
# Maximum response samples
# --------------------------------------------------------------------------------------
def maximum_response(
    model: keras.Model,
    layer_name: str,
    filter_index: int,
    size: int | tuple[int, int] = (128, 128),
    steps: int = 40,
    step_size: float = 0.05,
    seed: int = 0,
    *,
    objective: str = "mean",
    jitter: int = 2,
    decay: float = 0.0,
    blur_sigma: float = 0.5,
    blur_every: int = 4,
    input_range: tuple[float, float] = PIXEL_RANGE,
    progress: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Find an input that makes one filter respond strongly, by gradient ascent (deck 004).

    The deck's recipe, for filter ``d`` of layer ``ℓ``::

        L(x) = ‖h_ℓ,d(x)‖₂          x₀ ~ U[0, 1]^(H×W×C)          x ← x + γ ∇ₓL(x)

    with the usual regularisers that keep the image natural-looking: each step
    looks at the image shifted by a random ``jitter`` of a few pixels, moves
    every pixel by ``γ = step_size`` (as a fraction of the input range, root mean
    square -- the gradient is normalised), optionally pulls it back to grey by an
    L2 ``decay`` and blurs it slightly every ``blur_every`` steps; pixel values
    stay inside ``input_range``.

    Which objective? ``objective="norm"`` is the deck's ``‖h_ℓ,d(x)‖₂``. It has a
    catch on a layer taken before its ReLU (a ``Conv2D`` + ``BatchNormalization``
    layer, as in MobileNetV2): a large *negative* response has a large norm too,
    so the ascent may draw the opposite of what the filter detects. The default
    ``"mean"``, the mean of ``h_ℓ,d(x)`` over its feature map, only grows when the
    filter responds *positively* -- what "the filter detects this" means. After a
    ReLU both agree (the activations are ≥ 0). With a normalised gradient the
    square ``‖h‖²`` would give exactly the same images as ``‖h‖``: only the
    direction of the gradient matters.

    Pick a layer before its activation (e.g. MobileNetV2's ``block_3_expand``, not
    ``block_3_expand_relu``): behind a ReLU a filter that is silent on the noise
    x₀ has zero gradient and the ascent cannot start.

    Parameters
    ----------
    model : keras.Model
        Any single-input functional model.
    layer_name : str
        The layer ``ℓ``.
    filter_index : int
        The filter ``d``: a channel of the layer's output (a unit for a dense layer).
    size : (int, int) or int
        Height and width of the image (``n`` for ``n×n``). A convolutional layer
        works at any size, even if the model was built for another one.
    steps : int
        Number of gradient-ascent steps.
    step_size : float
        ``γ`` as a fraction of the input range per step.
    seed : int
        Seeds x₀ and the jitter: the same call gives the same image. x₀ is
        ``numpy.random.default_rng(seed).random((height, width, C))`` stretched to
        ``input_range``.
    objective : {"mean", "norm"}
        What to maximise (see above).
    jitter : int
        Largest random shift, in pixels, for each step (0: none).
    decay : float
        L2 decay: each step ``x ← mid + (1 - decay)(x - mid)``, ``mid`` the grey in the
        middle of the input range (0: none).
    blur_sigma : float
        Gaussian blur (``skimage.filters.gaussian``) of the image every ``blur_every``
        steps, in pixels (0: none). Blurring removes the high-frequency patterns the
        ascent otherwise fills the image with.
    blur_every : int
    input_range : (float, float)
        The pixel values the model expects: ``(0, 255)`` for the course's MobileNetV2.
    progress : bool
        Show a progress bar of the steps (it disappears when done).

    Returns
    -------
    image : np.ndarray
        ``uint8`` (height, width, C): the input range mapped to 0..255.
    history : np.ndarray
        The objective at each step (at the jittered image the step looked at).

    Examples
    --------
    A 3×3 vertical-edge detector: the image it likes most has bright columns left
    of dark ones.

    >>> inputs = keras.Input((None, None, 1))
    >>> conv = keras.layers.Conv2D(1, 3, use_bias=False, name="edge")
    >>> model = keras.Model(inputs, conv(inputs))
    >>> conv.set_weights([np.array([[1, 0, -1]] * 3, "float32").reshape(3, 3, 1, 1)])
    >>> image, history = maximum_response(model, "edge", 0, size=(12, 12), steps=20,
    ...                                   input_range=(0, 1), blur_sigma=0, jitter=0)
    >>> image.shape, image.dtype, bool(history[-1] > 10 * abs(history[0]))
    ((12, 12, 1), dtype('uint8'), True)
    """
    opts = _check_ascent(steps, step_size, jitter, decay, blur_sigma, blur_every, input_range, seed)
    objective = _checks.one_of(objective, "objective", ("mean", "norm"))
    size = _model.check_size(size)
    _, (_, _, channels) = _model.model_input(model)
    layer = _model.find_layer(model, layer_name)
    n_filters = tuple(layer.output.shape)[-1]
    index = _model.check_index(
        filter_index, "filter_index", n_filters, f"layer {layer_name!r} has {n_filters} filters"
    )

    def build() -> Any:
        extractor = _model.sub_model(model, [(layer_name, "output")], size)
        return ascent_step(extractor, _filter_objective(objective))

    step = _model.cached(model, ("filter", layer_name, size, objective), build)
    rng = np.random.default_rng(seed)
    x0 = _start_image(size, channels, opts["input_range"], rng)
    desc = f"{layer_name}, filter {index}"
    with progress_bar(opts["steps"], desc, enabled=progress, leave=False) as bar:
        x, history = ascend(step, x0, index, rng=rng, bar=bar, **opts)
    if len(history) > 1 and np.ptp(history) == 0:
        warnings.warn(
            f"filter {index} of layer {layer_name!r} gave {history[0]:g} at every step: its "
            f"gradient is zero, so the image did not move. A filter behind a ReLU that "
            f"the start image leaves silent cannot be woken up: choose the layer before "
            f"its activation (model.summary() lists the layers in order)",
            RuntimeWarning,
            stacklevel=2,
        )
    return _model.to_uint8(x, opts["input_range"]), history


def maximum_responses(
    model: keras.Model,
    layer_names: str | Sequence[str],
    filter_indices: Sequence[int],
    **kwargs: Any,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """:func:`maximum_response` for several layers × filters (deck 004's grid, VGG16 1-1 ... 5-1).

    Each layer's gradient step is traced once and reused for all its filters.

    Parameters
    ----------
    model : keras.Model
    layer_names : str or sequence of str
        The layers, shallow to deep.
    filter_indices : sequence of int
        The same filters for every layer (each must exist in every layer).
    **kwargs
        Passed on to :func:`maximum_response` (``size``, ``steps``, ``seed``,
        ``progress``, ...). One progress bar counts the layer × filter images.

    Returns
    -------
    images : dict
        Layer name -> ``uint8`` (len(filter_indices), H, W, C).
    histories : dict
        Layer name -> (len(filter_indices), steps).

    Examples
    --------
    >>> keras.utils.set_random_seed(0)
    >>> inputs = keras.Input((None, None, 3))
    >>> x = keras.layers.Conv2D(4, 3, name="conv1")(inputs)
    >>> x = keras.layers.Conv2D(4, 3, name="conv2")(x)
    >>> images, histories = maximum_responses(keras.Model(inputs, x), ["conv1", "conv2"],
    ...                                       [0, 3], size=(16, 16), steps=5)
    >>> images["conv2"].shape, histories["conv1"].shape
    ((2, 16, 16, 3), (2, 5))
    """
    names = _model.layer_names(layer_names)
    indices = list(filter_indices)
    if not indices:
        raise ValueError("give at least one filter index")
    for d in indices:  # all of them before the first long ascent
        _checks.non_negative_int(d, "a filter index")
    images: dict[str, np.ndarray] = {}
    histories: dict[str, np.ndarray] = {}
    progress = kwargs.pop("progress", True)
    total = len(names) * len(indices)
    with progress_bar(total, "maximum responses", enabled=progress) as bar:
        for name in names:
            results = []
            for d in indices:
                results.append(maximum_response(model, name, d, progress=False, **kwargs))
                bar.update(1)
            images[name] = np.stack([image for image, _ in results])
            histories[name] = np.stack([history for _, history in results])
    return images, histories


# --------------------------------------------------------------------------------------
# Class maximisation
# --------------------------------------------------------------------------------------
def class_maximisation(
    model: keras.Model,
    class_index: int,
    size: int | tuple[int, int] | None = None,
    steps: int = 60,
    step_size: float = 0.03,
    seed: int = 0,
    *,
    jitter: int = 4,
    decay: float = 0.01,
    blur_sigma: float = 0.5,
    blur_every: int = 4,
    input_range: tuple[float, float] = PIXEL_RANGE,
    progress: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Build an image the classifier scores as ``class_index`` (deck 004's "magpie").

    Gradient ascent on the input, as :func:`maximum_response`, on the class's
    *logit* -- its score before the softmax. (Maximising the probability instead
    also rewards making every other class less likely.) When the last layer is a
    ``Dense`` with ``activation="softmax"``, the logits are computed from that
    layer's input features and its own kernel and bias; when the last layer is a
    separate softmax, its input is used; a linear last layer already gives logits.

    Parameters
    ----------
    model : keras.Model
        A classifier: output (batch, classes).
    class_index : int
        The class to draw (e.g. 18, "magpie", in ImageNet).
    size : (int, int) or int, optional
        Image size; default the model's own input size (224×224 if it takes any
        size). Other sizes work if the model ends with global pooling.
    steps, step_size, seed, jitter, decay, blur_sigma, blur_every, input_range
        As in :func:`maximum_response`; the L2 ``decay`` is on by default (it keeps
        the image from saturating, Simonyan et al. 2013).
    progress : bool
        Show a progress bar of the steps.

    Returns
    -------
    image : np.ndarray
        ``uint8`` (height, width, C).
    history : np.ndarray
        The logit of the class at each step.

    Examples
    --------
    >>> keras.utils.set_random_seed(0)
    >>> inputs = keras.Input((16, 16, 3))
    >>> x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    >>> x = keras.layers.GlobalAveragePooling2D()(x)
    >>> model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
    >>> image, logits = class_maximisation(model, 2, steps=15, input_range=(0, 1))
    >>> image.shape, bool(logits[-1] > logits[0])
    ((16, 16, 3), True)
    """
    opts = _check_ascent(steps, step_size, jitter, decay, blur_sigma, blur_every, input_range, seed)
    _, (height, width, channels) = _model.model_input(model)
    count = _model.n_classes(model)
    index = _model.check_index(class_index, "class_index", count, f"the model has {count} classes")
    size = _model.check_size((height or 224, width or 224) if size is None else size)
    tap, to_logits = _model.logits(model)

    def build() -> Any:
        extractor = _model.sub_model(model, [tap], size)
        return ascent_step(extractor, lambda out, c: tf.gather(to_logits(out), c, axis=-1)[0])

    step = _model.cached(model, ("class", size), build)
    rng = np.random.default_rng(seed)
    x0 = _start_image(size, channels, opts["input_range"], rng)
    with progress_bar(opts["steps"], f"class {index}", enabled=progress) as bar:
        x, history = ascend(step, x0, index, rng=rng, bar=bar, **opts)
    return _model.to_uint8(x, opts["input_range"]), history
