"""What does a convnet see? Filters, feature maps, maximum response, Deep Dream, Grad-CAM.

The last part of the lecture (seeds 001, 003, 004) opens trained networks up:

- "What do the filters learn?" -- the first-layer filters are small images
  (AlexNet: 64 filters of 3×11×11; here MobileNetV2: 32 filters of 3×3×3) that
  look like oriented edges and opposing colours: :func:`first_layer_filters`;
- one filter gives one activation map: :func:`feature_maps` of layers picked
  from shallow to deep by :func:`shallow_to_deep_layers`;
- "Maximum response samples": the input that excites filter ``d`` of layer
  ``ℓ`` most, found by gradient ascent on the input (:func:`maximum_response`);
- "What if we build images that maximize the activation of a chosen class
  output?" (the "magpie"): :func:`class_maximisation`;
- "Deep Dream": jitter the image, enhance some layer activation at several
  scales, zoom in, repeat: :func:`deep_dream` and :func:`deep_dream_frames`;
- Grad-CAM (Selvaraju et al. 2017), which the decks do not show but which
  answers "where in *this* photo did the network see the class?":
  :func:`grad_cam`, :func:`upsample_heatmap`, :func:`grad_cam_overlay`.

Every function works for any single-input Keras functional model and a layer
name (``model.summary()`` lists the names), returns NumPy arrays and is
seeded. The gradient loops run one :func:`tf.function` step with a fixed input
shape, traced once per (model, layer, image size) and reused for every filter,
class and step.

Images are given in the units the model expects: ``input_range`` is
``(0, 255)`` for the course's MobileNetV2 (which normalises its input itself);
pass e.g. ``(0, 1)`` for a model trained on images scaled to [0, 1]. The images
these functions make are returned as ``uint8`` RGB, ready for ``imshow``.

This module imports TensorFlow and Keras; ``import cnn_course`` does not.
"""

from __future__ import annotations

import difflib
import warnings
import weakref
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course.data import as_float_pixels
from cnn_course.runtime import progress_bar

__all__ = [
    "class_maximisation",
    "deep_dream",
    "deep_dream_frames",
    "feature_maps",
    "find_layer",
    "first_layer_filters",
    "grad_cam",
    "grad_cam_overlay",
    "last_conv_layer",
    "maximum_response",
    "maximum_responses",
    "shallow_to_deep_layers",
    "upsample_heatmap",
]

InputRange = tuple[float, float]

# Layers that move pixels around without computing features: they are never
# "the" layer to look at (shallow_to_deep_layers, last_conv_layer).
_NOT_FEATURES = (
    "InputLayer",
    "ZeroPadding2D",
    "Cropping2D",
    "Normalization",
    "Rescaling",
    "Resizing",
    "CenterCrop",
    "Dropout",
    "SpatialDropout2D",
)


# --------------------------------------------------------------------------------------
# Checking what the student passes in
# --------------------------------------------------------------------------------------
def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


def _check_real(
    name: str, value: Any, low: float, high: float = np.inf, *, open_low: bool = False
) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if value < low or value > high or (open_low and value == low):
        bracket = "(" if open_low else "["
        upper = "∞)" if high == np.inf else f"{high:g}]"
        raise ValueError(f"{name} must lie in {bracket}{low:g}, {upper}, got {value:g}")
    return float(value)


def _check_range(input_range: Any) -> InputRange:
    try:
        low, high = (float(v) for v in input_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"input_range must be two numbers (lowest, highest pixel value the model "
            f"expects), e.g. (0, 255) or (0, 1); got {input_range!r}"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            f"input_range must be (lowest, highest) with lowest < highest, got {input_range!r}"
        )
    return low, high


def _check_size(size: Any, what: str = "size") -> tuple[int, int]:
    try:
        height, width = size
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be (height, width), got {size!r}") from None
    return _check_int(f"the {what} height", height, 1), _check_int(f"the {what} width", width, 1)


def _model_input(model: Any) -> tuple[Any, tuple[int | None, int | None, int]]:
    """The model's one image input and its (height, width, channels)."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"expected a Keras model, got {type(model).__name__}")
    inputs = model.inputs
    if inputs is None or len(inputs) != 1:
        raise ValueError(
            "these tools need a functional model with exactly one image input "
            "(keras.Input(shape=(height, width, channels))); for a Sequential model, "
            "give it an Input first"
        )
    shape = tuple(inputs[0].shape)
    if len(shape) != 4:
        raise ValueError(
            f"the model's input must be images (batch, height, width, channels), "
            f"got input shape {shape}"
        )
    return inputs[0], shape[1:]


def _all_layer_names(model: keras.Model) -> list[str]:
    return [layer.name for layer in model.layers]


def find_layer(model: keras.Model, name: str) -> keras.layers.Layer:
    """Return the layer called ``name``, or say which names come close.

    Parameters
    ----------
    model : keras.Model
    name : str
        A name that ``model.summary()`` lists.

    Raises
    ------
    ValueError
        If there is no such layer; the message lists the closest names.

    Examples
    --------
    >>> inputs = keras.Input((8, 8, 1))
    >>> model = keras.Model(inputs, keras.layers.Conv2D(2, 3, name="conv1")(inputs))
    >>> find_layer(model, "conv1").name
    'conv1'
    >>> find_layer(model, "conv_1")
    Traceback (most recent call last):
    ...
    ValueError: the model has no layer called 'conv_1'; did you mean 'conv1'? ...
    """
    if not isinstance(name, str):
        raise ValueError(f"a layer name must be a string, got {name!r}")
    names = _all_layer_names(model)
    if name in names:
        return model.get_layer(name)
    close = difflib.get_close_matches(name, names, n=4, cutoff=0.5)
    if close:
        hint = "did you mean " + " or ".join(repr(n) for n in close) + "?"
    else:
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        hint = f"its layers are {shown}"
    raise ValueError(
        f"the model has no layer called {name!r}; {hint} (model.summary() lists every name)"
    )


def _as_image(image: Any, channels: int, what: str = "image") -> np.ndarray:
    """One image (H, W, C) as float32, checked."""
    arr = np.asarray(image)
    if arr.ndim == 4:
        raise ValueError(
            f"give one {what} of shape (height, width, channels), got a batch of shape "
            f"{arr.shape}; take image[0]"
        )
    if arr.ndim == 2 and channels == 1:
        arr = arr[:, :, None]
    if arr.ndim != 3:
        raise ValueError(f"the {what} must have shape (height, width, channels), got {arr.shape}")
    if arr.shape[2] != channels:
        raise ValueError(
            f"the number of channels in the {what} ({arr.shape[2]}) must match the number "
            f"of channels the model expects ({channels})"
        )
    return as_float_pixels(arr, what)


def _check_model_image(model: keras.Model, image: Any) -> np.ndarray:
    """The image, checked against the model's input shape (fixed sides must match)."""
    _, (height, width, channels) = _model_input(model)
    arr = _as_image(image, channels)
    for got, want, side in ((arr.shape[0], height, "height"), (arr.shape[1], width, "width")):
        if want is not None and got != want:
            raise ValueError(
                f"the model takes {height}×{width} images but the image is "
                f"{arr.shape[0]}×{arr.shape[1]} ({side} {got} ≠ {want}); resize or crop it "
                f"first (e.g. cnn_course.imagenet.imagenet_preprocess for the ImageNet model)"
            )
    return arr


def _to_uint8(x: np.ndarray, input_range: InputRange) -> np.ndarray:
    low, high = input_range
    scaled = (np.asarray(x, dtype=np.float64) - low) / (high - low)
    return np.clip(np.rint(scaled * 255.0), 0, 255).astype(np.uint8)


def _check_values_in_range(image: np.ndarray, input_range: InputRange) -> np.ndarray:
    """Check the image's values against the model's input range."""
    low, high = input_range
    tolerance = 1e-3 * (high - low)
    if image.min() < low - tolerance or image.max() > high + tolerance:
        raise ValueError(
            f"the image's pixel values ({image.min():g} to {image.max():g}) lie outside the "
            f"model's input range [{low:g}, {high:g}]; pass input_range= to say what the "
            f"model expects"
        )
    return image


# --------------------------------------------------------------------------------------
# Models that return inner activations (built once per model, cached)
# --------------------------------------------------------------------------------------
# model -> {key: value}; the entries die with the model (weak keys).
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cached(model: keras.Model, key: tuple, build: Callable[[], Any]) -> Any:
    try:
        store = _CACHE.setdefault(model, {})
    except TypeError:  # pragma: no cover - a model that cannot be weakly referenced
        return build()
    if key not in store:
        store[key] = build()
    return store[key]


Tap = tuple[str, str]
"""A tensor of a model's graph: (layer name, ``"output"`` or ``"input"``)."""


def _sub_model(
    model: keras.Model, taps: Sequence[Tap], size: tuple[int | None, int | None] | None
) -> keras.Model:
    """A model from the image input to the tapped tensors of ``model``'s graph.

    ``size=None`` keeps the model's own input shape. Another size -- or ``(None, None)``
    for any size -- rebuilds the same graph on a new input, sharing the layers (and so
    the weights): a model built for 224×224 images refuses 128×128 ones, although its
    convolutions do not care.
    """
    inputs, (height, width, channels) = _model_input(model)
    layers = [model.get_layer(name) for name, _ in taps]
    if any(isinstance(layer, keras.Model) for layer in layers):
        return _sub_model_through_clone(model, taps, size)
    outputs = [getattr(layer, where) for layer, (_, where) in zip(layers, taps, strict=True)]
    sub = keras.Model(inputs, outputs[0] if len(outputs) == 1 else outputs)
    if size is None or tuple(size) == (height, width):
        return sub
    try:
        return keras.models.clone_model(
            sub, input_tensors=keras.Input(shape=(*size, channels)), clone_function=lambda x: x
        )
    except Exception as err:  # a Flatten + Dense needs the training size
        raise ValueError(
            f"this part of the model only works on {height}×{width} images (it is not "
            f"purely convolutional), not {size[0]}×{size[1]}; pass size=({height}, {width})"
        ) from err


def _sub_model_through_clone(
    model: keras.Model, taps: Sequence[Tap], size: tuple[int | None, int | None] | None
) -> keras.Model:
    """:func:`_sub_model` when a tapped layer is a nested model (a pretrained backbone).

    A nested model's ``.output`` is the output of its own inner graph, not of its call
    in the outer model. So the whole outer graph is called again on a new input
    (``clone_model`` sharing the layers) and the tapped tensors are caught as they
    are made.
    """
    _, (height, width, channels) = _model_input(model)
    wanted = {name for name, _ in taps}
    caught: dict[Tap, Any] = {}

    def call(layer: Any, *args: Any, **kwargs: Any) -> Any:
        out = layer(*args, **kwargs)
        if layer.name in wanted:
            caught[(layer.name, "input")] = args[0]
            caught[(layer.name, "output")] = out
        return out

    new_input = keras.Input(shape=(*((height, width) if size is None else size), channels))
    try:
        keras.models.clone_model(
            model, input_tensors=new_input, clone_function=lambda x: x, call_function=call
        )
    except Exception as err:
        raise ValueError(
            f"this model only works on {height}×{width} images, not {size[0]}×{size[1]}; "
            f"pass size=({height}, {width})"
        ) from err
    outputs = [caught[tap] for tap in taps]
    return keras.Model(new_input, outputs[0] if len(outputs) == 1 else outputs)


def _logits(model: keras.Model) -> tuple[Tap, Callable[[Any], Any]]:
    """The tensor to tap and the function that turns it into class scores (logits).

    Class maximisation and Grad-CAM need the score *before* the softmax: the softmax
    can grow one probability by shrinking the others, the logit only by finding
    more evidence for the class. Three cases:

    - the last layer is a ``Dense`` with ``activation="softmax"`` (or sigmoid): the
      logits are ``features @ kernel + bias`` of its input features, computed here
      with the layer's own weights;
    - the last layer is an ``Activation``/``Softmax`` layer: its input;
    - the last layer is linear: its output already is the logits.
    """
    last = model.layers[-1]
    activation = getattr(last, "activation", None)
    if isinstance(last, keras.layers.Dense) and activation not in (
        None,
        keras.activations.linear,
    ):

        def dense_logits(features: Any) -> Any:
            logits = tf.matmul(features, last.kernel)
            return logits + last.bias if last.use_bias else logits

        return (last.name, "input"), dense_logits
    if isinstance(last, (keras.layers.Activation, keras.layers.Softmax)):
        return (last.name, "input"), tf.identity
    return (last.name, "output"), tf.identity


def _n_classes(model: keras.Model) -> int:
    shape = tuple(model.outputs[0].shape)
    if len(shape) != 2:
        raise ValueError(
            f"class maximisation and Grad-CAM need a classifier whose output is one score "
            f"per class (batch, classes), got output shape {shape}"
        )
    return int(shape[1])


# --------------------------------------------------------------------------------------
# Filters and feature maps
# --------------------------------------------------------------------------------------
def _flat_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The layers in order, with the layers of nested models (e.g. a backbone) inlined."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(_flat_layers(layer))
        else:
            found.append(layer)
    return found


def first_layer_filters(model: keras.Model, layer: str | None = None) -> np.ndarray:
    """Return the kernel of the first ``Conv2D`` (or of the named layer): (f, f, C, K).

    The filters of the first layer see raw pixels, so each one can be drawn as a
    small f×f image with C colour channels (deck 001/003: AlexNet's 64 filters of
    3×11×11 look like oriented edges and opposing colours; the course's MobileNetV2
    has 32 filters of 3×3×3). Nested models (a pretrained backbone inside a
    transfer-learning model) are searched too.

    Parameters
    ----------
    model : keras.Model
    layer : str, optional
        A layer with a 4-D kernel (``Conv2D``, ``DepthwiseConv2D``); default the
        first ``Conv2D``.

    Returns
    -------
    np.ndarray
        float32 (f, f, C, K): height, width, input channels, number of filters
        (``layer.kernel``, the same array as ``layer.get_weights()[0]``).

    Examples
    --------
    >>> inputs = keras.Input((32, 32, 3))
    >>> x = keras.layers.Conv2D(8, 5, name="conv1")(inputs)
    >>> x = keras.layers.Conv2D(16, 3, name="conv2")(x)
    >>> first_layer_filters(keras.Model(inputs, x)).shape
    (5, 5, 3, 8)
    >>> first_layer_filters(keras.Model(inputs, x), "conv2").shape
    (3, 3, 8, 16)
    """
    if layer is None:
        convs = [lay for lay in _flat_layers(model) if isinstance(lay, keras.layers.Conv2D)]
        if not convs:
            raise ValueError("the model has no Conv2D layer, so it has no filters to show")
        chosen = convs[0]
    else:
        flat = {lay.name: lay for lay in _flat_layers(model)}
        # a layer of a nested model, or else a top-level name (a nested model itself,
        # which has no kernel); find_layer raises with the close matches
        chosen = flat[layer] if layer in flat else find_layer(model, layer)
    kernel = getattr(chosen, "kernel", None)
    if kernel is None or len(kernel.shape) != 4:
        raise ValueError(
            f"layer {chosen.name!r} ({type(chosen).__name__}) has no (f, f, C, K) filters; "
            f"choose a Conv2D layer"
        )
    return np.asarray(keras.ops.convert_to_numpy(kernel), dtype=np.float32)


def feature_maps(
    model: keras.Model, image: Any, layer_names: str | Sequence[str]
) -> dict[str, np.ndarray]:
    """Return the activations of the named layers for one image.

    One forward pass of a model whose outputs are the named layers' outputs
    (``keras.Model(model.input, [layer.output, ...])``).

    Parameters
    ----------
    model : keras.Model
    image : array_like
        One image (H, W, C) as the model takes it (same size if the model's input
        size is fixed; pixel values in the model's input units).
    layer_names : str or sequence of str
        Layer names, e.g. from :func:`shallow_to_deep_layers`.

    Returns
    -------
    dict
        name -> activation without the batch axis: (H', W', K) for a convolutional
        layer (one map per filter), (units,) for a dense layer.

    Examples
    --------
    >>> inputs = keras.Input((32, 32, 3))
    >>> x = keras.layers.Conv2D(8, 3, name="conv1")(inputs)
    >>> x = keras.layers.MaxPooling2D(name="pool1")(x)
    >>> maps = feature_maps(keras.Model(inputs, x), np.zeros((32, 32, 3)), ["conv1", "pool1"])
    >>> {name: m.shape for name, m in maps.items()}
    {'conv1': (30, 30, 8), 'pool1': (15, 15, 8)}
    """
    names = [layer_names] if isinstance(layer_names, str) else list(layer_names)
    if not names:
        raise ValueError("give at least one layer name")
    taps = [(find_layer(model, name).name, "output") for name in names]
    arr = _check_model_image(model, image)
    extractor = _cached(model, ("maps", tuple(names)), lambda: _sub_model(model, taps, None))
    outputs = extractor(arr[None], training=False)
    if len(names) == 1:
        outputs = [outputs]
    return {
        name: np.asarray(keras.ops.convert_to_numpy(out))[0]
        for name, out in zip(names, outputs, strict=True)
    }


def shallow_to_deep_layers(model: keras.Model, size: tuple[int, int] = (224, 224)) -> list[str]:
    """Pick one layer per resolution stage, from the first to the last.

    The activations are grouped by their spatial size (every stride-2 convolution
    or pooling starts a new stage); the last feature layer of each stage is kept,
    i.e. the activation just before the network halves the resolution. Layers that
    only move pixels (padding, normalisation of the input, resizing, dropout) are
    skipped. For the course's MobileNetV2 at 224×224 this gives
    ``block_1_expand_relu`` (112×112), ``block_3_expand_relu`` (56×56),
    ``block_6_expand_relu`` (28×28), ``block_13_expand_relu`` (14×14) -- the four
    layers the TensorFlow segmentation (U-Net) tutorial takes from MobileNetV2 --
    and ``out_relu`` (7×7).

    Parameters
    ----------
    model : keras.Model
    size : (int, int)
        Only for a model that takes images of any size: the image size whose
        feature-map sizes define the stages.

    Returns
    -------
    list of str

    Examples
    --------
    >>> inputs = keras.Input((32, 32, 3))
    >>> x = keras.layers.Conv2D(8, 3, padding="same", name="conv1")(inputs)
    >>> x = keras.layers.Conv2D(8, 3, padding="same", name="conv2")(x)
    >>> x = keras.layers.MaxPooling2D(name="pool1")(x)
    >>> x = keras.layers.Conv2D(16, 3, padding="same", name="conv3")(x)
    >>> x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    >>> shallow_to_deep_layers(keras.Model(inputs, x))
    ['conv2', 'conv3']
    """
    _model_input(model)
    candidates = [
        layer
        for layer in model.layers
        if type(layer).__name__ not in _NOT_FEATURES
        and hasattr(layer, "output")
        and len(layer.output.shape) == 4
    ]
    if not candidates:
        raise ValueError("the model has no layer with 2-D feature maps (height, width, filters)")
    shapes = [tuple(layer.output.shape)[1:3] for layer in candidates]
    if any(None in shape for shape in shapes):
        # a model for any image size: rebuild its graph on size×size images to read them
        taps = [(layer.name, "output") for layer in candidates]
        probe = _sub_model(model, taps, _check_size(size))
        shapes = [tuple(tensor.shape)[1:3] for tensor in probe.outputs]
    picked: list[str] = []
    for k, (layer, shape) in enumerate(zip(candidates, shapes, strict=True)):
        if k == 0 or shape != shapes[k - 1]:
            picked.append(layer.name)
        else:
            picked[-1] = layer.name
    return picked


# --------------------------------------------------------------------------------------
# Gradient ascent on the input
# --------------------------------------------------------------------------------------
def _make_step(extractor: keras.Model, objective: Callable[[Any, Any], Any]) -> Any:
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


def _ascend(
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


def _check_ascent(
    steps: Any,
    step_size: Any,
    jitter: Any,
    decay: Any,
    blur_sigma: Any,
    blur_every: Any,
    input_range: Any,
) -> dict[str, Any]:
    return {
        "steps": _check_int("steps", steps, 1),
        "step_size": _check_real("step_size", step_size, 0.0, open_low=True),
        "jitter": _check_int("jitter", jitter, 0),
        "decay": _check_real("decay", decay, 0.0, 0.5),
        "blur_sigma": _check_real("blur_sigma", blur_sigma, 0.0),
        "blur_every": _check_int("blur_every", blur_every, 1),
        "input_range": _check_range(input_range),
    }


def _start_image(
    size: tuple[int, int], channels: int, input_range: InputRange, rng: np.random.Generator
) -> np.ndarray:
    """x₀ ~ U[0, 1] per pixel and channel, stretched to the model's input range."""
    low, high = input_range
    return (low + (high - low) * rng.random((*size, channels))).astype(np.float32)


_OBJECTIVES = ("mean", "norm")


def _filter_objective(kind: str) -> Callable[[Any, Any], Any]:
    if kind == "mean":
        return lambda act, d: tf.reduce_mean(tf.gather(act, d, axis=-1))
    # ‖h‖₂ with a floor under the square root: tf.norm's gradient at h = 0 is NaN
    return lambda act, d: tf.sqrt(
        tf.maximum(tf.reduce_sum(tf.square(tf.gather(act, d, axis=-1))), 1e-24)
    )


def maximum_response(
    model: keras.Model,
    layer_name: str,
    filter_index: int,
    size: tuple[int, int] = (128, 128),
    steps: int = 40,
    step_size: float = 0.05,
    seed: int = 0,
    *,
    objective: str = "mean",
    jitter: int = 2,
    decay: float = 0.0,
    blur_sigma: float = 0.5,
    blur_every: int = 4,
    input_range: tuple[float, float] = (0.0, 255.0),
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
    size : (int, int)
        Height and width of the image. A convolutional layer works at any size, even
        if the model was built for another one.
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
    opts = _check_ascent(steps, step_size, jitter, decay, blur_sigma, blur_every, input_range)
    if objective not in _OBJECTIVES:
        raise ValueError(f"objective must be 'mean' or 'norm', got {objective!r}")
    _, (_, _, channels) = _model_input(model)
    layer = find_layer(model, layer_name)
    n_filters = tuple(layer.output.shape)[-1]
    index = _check_int("filter_index", filter_index, 0)
    if index >= n_filters:
        raise ValueError(
            f"layer {layer_name!r} has {n_filters} filters (0 to {n_filters - 1}); "
            f"filter_index {index} does not exist"
        )
    size = _check_size(size)
    _check_int("seed", seed, 0)

    def build() -> Any:
        extractor = _sub_model(model, [(layer_name, "output")], size)
        return _make_step(extractor, _filter_objective(objective))

    step = _cached(model, ("filter", layer_name, size, objective), build)
    rng = np.random.default_rng(seed)
    x0 = _start_image(size, channels, opts["input_range"], rng)
    desc = f"{layer_name}, filter {index}"
    with progress_bar(opts["steps"], desc, enabled=progress, leave=False) as bar:
        x, history = _ascend(step, x0, index, rng=rng, bar=bar, **opts)
    if len(history) > 1 and np.ptp(history) == 0:
        warnings.warn(
            f"filter {index} of layer {layer_name!r} gave {history[0]:g} at every step: its "
            f"gradient is zero, so the image did not move. A filter behind a ReLU that "
            f"the start image leaves silent cannot be woken up: choose the layer before "
            f"its activation (model.summary() lists the layers in order)",
            RuntimeWarning,
            stacklevel=2,
        )
    return _to_uint8(x, opts["input_range"]), history


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
    names = [layer_names] if isinstance(layer_names, str) else list(layer_names)
    indices = list(filter_indices)
    if not names or not indices:
        raise ValueError("give at least one layer name and one filter index")
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


def class_maximisation(
    model: keras.Model,
    class_index: int,
    size: tuple[int, int] | None = None,
    steps: int = 60,
    step_size: float = 0.03,
    seed: int = 0,
    *,
    jitter: int = 4,
    decay: float = 0.01,
    blur_sigma: float = 0.5,
    blur_every: int = 4,
    input_range: tuple[float, float] = (0.0, 255.0),
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
    size : (int, int), optional
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
    opts = _check_ascent(steps, step_size, jitter, decay, blur_sigma, blur_every, input_range)
    _, (height, width, channels) = _model_input(model)
    n_classes = _n_classes(model)
    index = _check_int("class_index", class_index, 0)
    if index >= n_classes:
        raise ValueError(
            f"the model has {n_classes} classes (0 to {n_classes - 1}); "
            f"class_index {index} does not exist"
        )
    if size is None:
        size = (height or 224, width or 224)
    size = _check_size(size)
    _check_int("seed", seed, 0)
    tap, to_logits = _logits(model)

    def build() -> Any:
        extractor = _sub_model(model, [tap], size)
        return _make_step(extractor, lambda out, c: tf.gather(to_logits(out), c, axis=-1)[0])

    step = _cached(model, ("class", size), build)
    rng = np.random.default_rng(seed)
    x0 = _start_image(size, channels, opts["input_range"], rng)
    with progress_bar(opts["steps"], f"class {index}", enabled=progress) as bar:
        x, history = _ascend(step, x0, index, rng=rng, bar=bar, **opts)
    return _to_uint8(x, opts["input_range"]), history


# --------------------------------------------------------------------------------------
# Deep Dream
# --------------------------------------------------------------------------------------
def _dream_weights(layer_names: str | Sequence[str] | Mapping[str, float]) -> dict[str, float]:
    if isinstance(layer_names, str):
        return {layer_names: 1.0}
    if isinstance(layer_names, Mapping):
        weights = {
            str(k): _check_real(f"the weight of {k!r}", v, 0.0) for k, v in layer_names.items()
        }
    else:
        weights = {str(name): 1.0 for name in layer_names}
    if not weights:
        raise ValueError("give at least one layer to enhance")
    return weights


def _resize(x: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    resized = tf.image.resize(x, shape, method="bilinear", antialias=True)
    return resized.numpy().astype(np.float32)


def _zoom(x: np.ndarray, zoom: float) -> np.ndarray:
    """Crop the centre 1/zoom of the image and blow it up to the full size again."""
    height, width = x.shape[:2]
    crop_h, crop_w = max(1, round(height / zoom)), max(1, round(width / zoom))
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return _resize(x[top : top + crop_h, left : left + crop_w], (height, width))


def _octave_shapes(height: int, width: int, octaves: int, scale: float) -> list[tuple[int, int]]:
    return [
        (max(1, round(height / scale**k)), max(1, round(width / scale**k)))
        for k in range(octaves - 1, -1, -1)
    ]


def deep_dream_frames(
    model: keras.Model,
    image: Any,
    layer_names: str | Sequence[str] | Mapping[str, float],
    frames: int = 3,
    zoom: float = 1.05,
    octaves: int = 3,
    octave_scale: float = 1.4,
    steps_per_octave: int = 10,
    step_size: float = 0.01,
    jitter: int = 8,
    seed: int = 0,
    *,
    input_range: tuple[float, float] = (0.0, 255.0),
    progress: bool = True,
) -> np.ndarray:
    """Deep Dream as deck 004 tells it, frame after frame: dream, zoom in, repeat.

    "Start from an image xₜ, offset the image by a random jitter, enhance some
    layer activation at multiple scales, zoom in, repeat on the produced image
    xₜ₊₁." Frame 0 is the dreamt input image; every next frame dreams on the
    previous one zoomed in by ``zoom`` (its centre 1/zoom cropped and enlarged).

    Parameters
    ----------
    model, image, layer_names, octaves, octave_scale, steps_per_octave, step_size,
    jitter, seed, input_range
        As in :func:`deep_dream`.
    frames : int
        Number of frames.
    zoom : float
        Zoom factor between frames (≥ 1; 1 keeps dreaming on the same view).
    progress : bool
        Show a progress bar of the ascent steps (frames × octaves × steps).

    Returns
    -------
    np.ndarray
        ``uint8`` (frames, H, W, C).
    """
    frames = _check_int("frames", frames, 1)
    zoom = _check_real("zoom", zoom, 1.0)
    octaves = _check_int("octaves", octaves, 1)
    octave_scale = _check_real("octave_scale", octave_scale, 1.0, open_low=True)
    opts = {
        "steps": _check_int("steps_per_octave", steps_per_octave, 1),
        "step_size": _check_real("step_size", step_size, 0.0, open_low=True),
        "jitter": _check_int("jitter", jitter, 0),
        "input_range": _check_range(input_range),
    }
    weights = _dream_weights(layer_names)
    _check_int("seed", seed, 0)
    taps = [(find_layer(model, name).name, "output") for name in weights]
    arr = _as_image(image, _model_input(model)[1][2])
    _check_values_in_range(arr, opts["input_range"])
    height, width = arr.shape[:2]
    shapes = _octave_shapes(height, width, octaves, octave_scale)
    if min(shapes[0]) < 8:
        raise ValueError(
            f"the smallest octave would be {shapes[0][0]}×{shapes[0][1]} pixels: use fewer "
            f"octaves or a smaller octave_scale for a {height}×{width} image"
        )
    names = tuple(weights)
    factors = tuple(weights.values())

    def objective(acts: Any, _: Any) -> Any:
        # Σ_ℓ w_ℓ mean(h_ℓ²): the squared L2 norm of each layer's activation divided by
        # its size, so that a large early layer does not drown a small deep one.
        acts = acts if isinstance(acts, (list, tuple)) else [acts]
        return tf.add_n(
            [w * tf.reduce_mean(tf.square(a)) for w, a in zip(factors, acts, strict=True)]
        )

    def build() -> Any:
        return _make_step(_sub_model(model, taps, (None, None)), objective)

    step = _cached(model, ("dream", names, factors), build)
    rng = np.random.default_rng(seed)
    out = np.empty((frames, height, width, arr.shape[2]), dtype=np.uint8)
    current = arr
    total = frames * len(shapes) * opts["steps"]
    with progress_bar(total, "Deep Dream", enabled=progress) as bar:
        for f in range(frames):
            if f:
                current = _zoom(current, zoom)
            current = _dream_octaves(current, step, shapes, rng, opts, bar)
            out[f] = _to_uint8(current, opts["input_range"])
    return out


def _dream_octaves(
    original: np.ndarray,
    step: Any,
    shapes: list[tuple[int, int]],
    rng: np.random.Generator,
    opts: dict[str, Any],
    bar: Any = None,
) -> np.ndarray:
    """Ascend at each octave, smallest first, re-injecting the detail lost by shrinking."""
    shrunk = _resize(original, shapes[0])
    x = shrunk
    for shape in shapes:
        x = _resize(x, shape)
        x, _ = _ascend(
            step, x, 0, rng=rng, decay=0.0, blur_sigma=0.0, blur_every=1, bar=bar, **opts
        )
        # The image was dreamt from a blurry small copy: add back the detail of the
        # original at this size that the shrinking destroyed.
        x = x + (_resize(original, shape) - _resize(shrunk, shape))
        low, high = opts["input_range"]
        x = np.clip(x, low, high)
        shrunk = _resize(original, shape)
    return x


def deep_dream(
    model: keras.Model,
    image: Any,
    layer_names: str | Sequence[str] | Mapping[str, float],
    octaves: int = 3,
    octave_scale: float = 1.4,
    steps_per_octave: int = 10,
    step_size: float = 0.01,
    jitter: int = 8,
    zoom: float = 1.0,
    seed: int = 0,
    *,
    input_range: tuple[float, float] = (0.0, 255.0),
    progress: bool = True,
) -> np.ndarray:
    """Deep Dream (deck 004): enhance what some layers see in a photo, at several scales.

    At each octave -- the image shrunk by ``octave_scale``, ``octaves - 1`` times,
    then enlarged step by step back to full size -- ``steps_per_octave`` gradient
    ascent steps raise ``Σ_ℓ w_ℓ mean(h_ℓ(x)²)`` (the squared L2 norm of each layer's
    activation per unit), each at the image shifted by a random ``jitter``; the
    details lost by shrinking are added back at each octave. Early layers dream
    strokes and textures, deep layers eyes, fur and animal faces.

    Parameters
    ----------
    model : keras.Model
    image : array_like
        One image (H, W, C) in the model's input units (``uint8`` for the course's
        MobileNetV2), any size if the chosen layers are convolutional.
    layer_names : str, sequence of str or dict
        The layers to enhance; a dict gives each layer a weight ``w_ℓ``.
    octaves : int
        Number of scales.
    octave_scale : float
        Size ratio between two octaves (> 1).
    steps_per_octave : int
    step_size : float
        ``γ`` as a fraction of the input range per step (the gradient is normalised).
    jitter : int
        Largest random shift in pixels at each step.
    zoom : float
        ≥ 1: the image is then zoomed in by this factor (its centre 1/zoom enlarged to
        the full size) and dreamt on again -- one frame of :func:`deep_dream_frames`.
        1 (default): no zoom, one dream.
    seed : int
    input_range : (float, float)
    progress : bool
        Show a progress bar of the ascent steps.

    Returns
    -------
    np.ndarray
        ``uint8``, the same shape as ``image``.

    Examples
    --------
    >>> keras.utils.set_random_seed(0)
    >>> inputs = keras.Input((None, None, 3))
    >>> x = keras.layers.Conv2D(4, 3, padding="same", name="conv1")(inputs)
    >>> model = keras.Model(inputs, x)
    >>> photo = np.random.default_rng(0).integers(0, 256, (40, 48, 3), dtype=np.uint8)
    >>> deep_dream(model, photo, "conv1", octaves=2, steps_per_octave=5).shape
    (40, 48, 3)
    """
    frames = 1 if zoom == 1 else 2
    out = deep_dream_frames(
        model,
        image,
        layer_names,
        frames=frames,
        zoom=zoom,
        octaves=octaves,
        octave_scale=octave_scale,
        steps_per_octave=steps_per_octave,
        step_size=step_size,
        jitter=jitter,
        seed=seed,
        input_range=input_range,
        progress=progress,
    )
    return out[-1]


# --------------------------------------------------------------------------------------
# Grad-CAM
# --------------------------------------------------------------------------------------
def last_conv_layer(model: keras.Model) -> str:
    """The name of the last layer with a 2-D feature map (H, W, K) before the pooling.

    Grad-CAM looks there: the last place where the network still knows *where*
    things are. Layers that only move pixels (padding, dropout) are skipped.

    Examples
    --------
    >>> inputs = keras.Input((32, 32, 3))
    >>> x = keras.layers.Conv2D(8, 3, activation="relu", name="conv1")(inputs)
    >>> x = keras.layers.Conv2D(8, 3, activation="relu", name="conv2")(x)
    >>> x = keras.layers.GlobalAveragePooling2D()(x)
    >>> last_conv_layer(keras.Model(inputs, keras.layers.Dense(2)(x)))
    'conv2'
    """
    _model_input(model)
    last = None
    for layer in model.layers:
        if type(layer).__name__ in _NOT_FEATURES:
            continue
        shape = tuple(layer.output.shape)
        if len(shape) == 4:
            last = layer.name
        elif last is not None:
            break
    if last is None:
        raise ValueError("the model has no layer with 2-D feature maps (height, width, filters)")
    return last


def grad_cam(
    model: keras.Model,
    image: Any,
    class_index: int | None = None,
    layer_name: str | None = None,
) -> np.ndarray:
    """Grad-CAM: where in the image did the model find evidence for a class?

    With ``A^k`` the feature maps of a convolutional layer and ``y^c`` the logit of
    class ``c`` (Selvaraju et al. 2017)::

        α_k = mean over (i, j) of ∂y^c / ∂A^k_ij       heat-map = ReLU(Σ_k α_k A^k)

    scaled to [0, 1] by its maximum (all zeros if nothing speaks for the class).

    Parameters
    ----------
    model : keras.Model
        A classifier (output: batch, classes).
    image : array_like
        One image as the model takes it (e.g. ``imagenet_preprocess(photo)``: 224×224).
    class_index : int, optional
        Default: the class the model predicts.
    layer_name : str, optional
        Default: :func:`last_conv_layer`.

    Returns
    -------
    np.ndarray
        float32 (H', W') in [0, 1] at the layer's resolution (7×7 for MobileNetV2 at
        224×224); :func:`upsample_heatmap` and :func:`grad_cam_overlay` bring it to
        the image's size.

    Examples
    --------
    >>> keras.utils.set_random_seed(0)
    >>> inputs = keras.Input((16, 16, 3))
    >>> x = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(inputs)
    >>> x = keras.layers.GlobalAveragePooling2D()(x)
    >>> model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
    >>> heat = grad_cam(model, np.random.default_rng(0).random((16, 16, 3)))
    >>> heat.shape, bool(0 <= heat.min() and heat.max() <= 1)
    ((8, 8), True)
    """
    n_classes = _n_classes(model)
    arr = _check_model_image(model, image)
    layer_name = last_conv_layer(model) if layer_name is None else layer_name
    conv = find_layer(model, layer_name)
    if len(tuple(conv.output.shape)) != 4:
        raise ValueError(
            f"Grad-CAM needs a layer with 2-D feature maps (height, width, filters); "
            f"{layer_name!r} has output shape {tuple(conv.output.shape)}"
        )
    if class_index is not None:
        class_index = _check_int("class_index", class_index, 0)
        if class_index >= n_classes:
            raise ValueError(
                f"the model has {n_classes} classes (0 to {n_classes - 1}); "
                f"class_index {class_index} does not exist"
            )
    tap, to_logits = _logits(model)
    grad_model = _cached(
        model,
        ("gradcam", layer_name),
        lambda: _sub_model(model, [(layer_name, "output"), tap], None),
    )
    x = tf.constant(arr[None])
    with tf.GradientTape() as tape:
        maps, out = grad_model(x, training=False)
        logits = to_logits(out)
        c = int(tf.argmax(logits[0])) if class_index is None else class_index
        score = logits[0, c]
    grads = tape.gradient(score, maps)
    alpha = tf.reduce_mean(grads, axis=(1, 2))  # (1, K): one weight per feature map
    heat = tf.nn.relu(tf.einsum("bijk,bk->bij", maps, alpha))[0].numpy()
    top = heat.max()
    return (heat / top if top > 0 else np.zeros_like(heat)).astype(np.float32)


def upsample_heatmap(heatmap: Any, size: tuple[int, int]) -> np.ndarray:
    """Enlarge a heat-map (H', W') to ``size`` = (H, W) by bilinear interpolation.

    Examples
    --------
    >>> upsample_heatmap(np.eye(2), (4, 4)).round(2)
    array([[1.  , 0.75, 0.25, 0.  ],
           [0.75, 0.62, 0.38, 0.25],
           [0.25, 0.38, 0.62, 0.75],
           [0.  , 0.25, 0.75, 1.  ]], dtype=float32)
    """
    heat = np.asarray(heatmap, dtype=np.float32)
    if heat.ndim != 2:
        raise ValueError(f"a heat-map has shape (height, width), got {heat.shape}")
    size = _check_size(size)
    # Half-pixel centres (like the layers' own sampling): each heat-map cell is the
    # centre of the image patch it summarises.
    return _resize(heat[:, :, None], size)[:, :, 0]


def grad_cam_overlay(image: Any, heatmap: Any, alpha: float = 0.4, cmap: str = "jet") -> np.ndarray:
    """Blend a heat-map, coloured with ``cmap`` and enlarged to the image, over the image.

    Parameters
    ----------
    image : array_like
        (H, W, 3) ``uint8`` or float in [0, 255] (grayscale (H, W) is accepted).
    heatmap : array_like
        (H', W') in [0, 1], e.g. from :func:`grad_cam`.
    alpha : float
        Weight of the heat-map's colour (0: image only, 1: heat-map only).
    cmap : str
        A matplotlib colour map.

    Returns
    -------
    np.ndarray
        float32 (H, W, 3) in [0, 1].

    Examples
    --------
    >>> overlay = grad_cam_overlay(np.zeros((32, 48, 3), np.uint8), np.ones((4, 6)), alpha=1)
    >>> overlay.shape, overlay[0, 0].round(2).tolist()
    ((32, 48, 3), [0.5, 0.0, 0.0])
    """
    import matplotlib

    rgb = np.asarray(image)
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"the image must have shape (height, width, 3), got {rgb.shape}")
    alpha = _check_real("alpha", alpha, 0.0, 1.0)
    rgb = rgb.astype(np.float32) / 255.0
    heat = np.clip(upsample_heatmap(heatmap, rgb.shape[:2]), 0.0, 1.0)
    colour = matplotlib.colormaps[cmap](heat)[:, :, :3].astype(np.float32)
    return np.clip((1 - alpha) * rgb + alpha * colour, 0.0, 1.0)
