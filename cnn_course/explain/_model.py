"""The model plumbing the explanation tools share (private).

Checking the model and the image a student passes in, finding a layer by name,
building the sub-models that return inner activations (once per model: cached),
and reading a classifier's scores before its softmax (the logits).
"""

from __future__ import annotations

import difflib
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course import _checks
from cnn_course.data import as_float_pixels

__all__ = [  # what the other explanation modules use; the rest starts with _
    "NOT_FEATURES",
    "PIXEL_RANGE",
    "InputRange",
    "as_image",
    "cached",
    "check_index",
    "check_model",
    "check_model_image",
    "check_range",
    "check_size",
    "check_values_in_range",
    "find_layer",
    "flat_layers",
    "from_uint8",
    "layer_names",
    "logits",
    "model_input",
    "n_classes",
    "resize",
    "sub_model",
    "to_uint8",
]

InputRange = tuple[float, float]

PIXEL_RANGE: InputRange = (0.0, 255.0)
"""The default ``input_range``: pixel values 0..255, what the course's MobileNetV2 takes."""

_Tap = tuple[str, str]
"""A tensor of a model's graph: (layer name, ``"output"`` or ``"input"``)."""

# Layers that move pixels around without computing features: they are never
# "the" layer to look at (shallow_to_deep_layers, last_conv_layer).
NOT_FEATURES = (
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
def check_range(input_range: Any) -> InputRange:
    """``input_range`` as (lowest, highest) pixel value, two finite numbers, lowest < highest.

    >>> check_range((0, 255))
    (0.0, 255.0)
    >>> check_range((1, 0))
    Traceback (most recent call last):
    ...
    ValueError: input_range must be (lowest, highest) with lowest < highest, got (1, 0)
    """
    try:
        low, high = input_range
    except (TypeError, ValueError):
        raise TypeError(
            f"input_range must be two numbers (lowest, highest pixel value the model "
            f"expects), e.g. (0, 255) or (0, 1); got {input_range!r}"
        ) from None
    low = _checks.real(low, "the lowest value of input_range")
    high = _checks.real(high, "the highest value of input_range")
    if not low < high:
        raise ValueError(
            f"input_range must be (lowest, highest) with lowest < highest, got {input_range!r}"
        )
    return low, high


def check_size(size: Any) -> tuple[int, int]:
    """An image size: ``(height, width)``, or one whole number ``n`` for ``n×n``.

    >>> check_size(224), check_size((96, 128))
    ((224, 224), (96, 128))
    """
    return _checks.int_pair(size, "the size (height, width)")


def check_model(model: Any) -> keras.Model:
    """A Keras model, or a TypeError that says what came instead."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"expected a Keras model, got {type(model).__name__}")
    return model


def model_input(model: Any) -> tuple[Any, tuple[int | None, int | None, int]]:
    """The model's one image input and its (height, width, channels)."""
    inputs = check_model(model).inputs
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
        raise TypeError(f"a layer name must be a string, got {name!r}")
    names = [layer.name for layer in check_model(model).layers]
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


def layer_names(names: str | Sequence[str], what: str = "layer name") -> list[str]:
    """One name or several as a non-empty list."""
    listed = [names] if isinstance(names, str) else list(names)
    if not listed:
        raise ValueError(f"give at least one {what}")
    return listed


def as_image(image: Any, channels: int, what: str = "image") -> np.ndarray:
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


def check_model_image(model: keras.Model, image: Any) -> np.ndarray:
    """The image, checked against the model's input shape (fixed sides must match)."""
    _, (height, width, channels) = model_input(model)
    arr = as_image(image, channels)
    for got, want, side in ((arr.shape[0], height, "height"), (arr.shape[1], width, "width")):
        if want is not None and got != want:
            raise ValueError(
                f"the model takes {height}×{width} images but the image is "
                f"{arr.shape[0]}×{arr.shape[1]} ({side} {got} ≠ {want}); resize or crop it "
                f"first (e.g. cnn_course.pretrained.imagenet_preprocess for the ImageNet model)"
            )
    return arr


def check_values_in_range(image: np.ndarray, input_range: InputRange) -> np.ndarray:
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


def check_index(value: Any, what: str, count: int, of: str) -> int:
    """A filter or class number from 0 to ``count - 1``; ``of`` says what there are.

    >>> check_index(16, "filter_index", 16, "layer 'conv2' has 16 filters")
    Traceback (most recent call last):
    ...
    ValueError: layer 'conv2' has 16 filters (0 to 15); filter_index 16 does not exist
    """
    index = _checks.non_negative_int(value, what)
    if index >= count:
        raise ValueError(f"{of} (0 to {count - 1}); {what} {index} does not exist")
    return index


def to_uint8(x: np.ndarray, input_range: InputRange) -> np.ndarray:
    """Pixel values in ``input_range`` mapped to 0..255, as ``uint8``."""
    low, high = input_range
    scaled = (np.asarray(x, dtype=np.float64) - low) / (high - low)
    return np.clip(np.rint(scaled * 255.0), 0, 255).astype(np.uint8)


def from_uint8(image: np.ndarray, input_range: InputRange) -> np.ndarray:
    """The inverse of :func:`to_uint8`: 0..255 back to ``input_range``, as float32.

    >>> from_uint8(to_uint8(np.array([0.0, 0.5, 1.0]), (0, 1)), (0, 1))
    array([0.       , 0.5019608, 1.       ], dtype=float32)
    """
    low, high = input_range
    return (low + np.asarray(image, dtype=np.float64) / 255.0 * (high - low)).astype(np.float32)


def resize(x: Any, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize (antialiased when shrinking) of (H, W, C) to ``shape``, float32.

    Half-pixel centres, like the layers' own sampling: each pixel of a small map is
    the centre of the patch it summarises.
    """
    resized = tf.image.resize(x, shape, method="bilinear", antialias=True)
    return resized.numpy().astype(np.float32)


# --------------------------------------------------------------------------------------
# Models that return inner activations (built once per model, cached)
# --------------------------------------------------------------------------------------
# model -> {key: sub-model or traced step}. Weak keys, not functools.cache: the entries
# must die with the student's model (a notebook builds many), and a Keras model is not
# hashable by value anyway.
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cached(model: keras.Model, key: tuple, build: Callable[[], Any]) -> Any:
    """``build()`` once per (model, key); later calls return the same object."""
    try:
        store = _CACHE.setdefault(model, {})
    except TypeError:  # pragma: no cover - a model that cannot be weakly referenced
        return build()
    if key not in store:
        store[key] = build()
    return store[key]


def sub_model(
    model: keras.Model, taps: Sequence[_Tap], size: tuple[int | None, int | None] | None
) -> keras.Model:
    """A model from the image input to the tapped tensors of ``model``'s graph.

    ``size=None`` keeps the model's own input shape. Another size -- or ``(None, None)``
    for any size -- rebuilds the same graph on a new input, sharing the layers (and so
    the weights): a model built for 224×224 images refuses 128×128 ones, although its
    convolutions do not care.
    """
    inputs, (height, width, channels) = model_input(model)
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
    model: keras.Model, taps: Sequence[_Tap], size: tuple[int | None, int | None] | None
) -> keras.Model:
    """:func:`sub_model` when a tapped layer is a nested model (a pretrained backbone).

    A nested model's ``.output`` is the output of its own inner graph, not of its call
    in the outer model. So the whole outer graph is called again on a new input
    (``clone_model`` sharing the layers) and the tapped tensors are caught as they
    are made.
    """
    _, (height, width, channels) = model_input(model)
    wanted = {name for name, _ in taps}
    caught: dict[_Tap, Any] = {}

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


def flat_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The layers in order, with the layers of nested models (e.g. a backbone) inlined."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(flat_layers(layer))
        else:
            found.append(layer)
    return found


# --------------------------------------------------------------------------------------
# Class scores before the softmax
# --------------------------------------------------------------------------------------
def logits(model: keras.Model) -> tuple[_Tap, Callable[[Any], Any]]:
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
            scores = tf.matmul(features, last.kernel)
            return scores + last.bias if last.use_bias else scores

        return (last.name, "input"), dense_logits
    if isinstance(last, (keras.layers.Activation, keras.layers.Softmax)):
        return (last.name, "input"), tf.identity
    return (last.name, "output"), tf.identity


def n_classes(model: keras.Model) -> int:
    """The number of classes of a classifier (output: batch, classes)."""
    shape = tuple(model.outputs[0].shape)
    if len(shape) != 2:
        raise ValueError(
            f"class maximisation and Grad-CAM need a classifier whose output is one score "
            f"per class (batch, classes), got output shape {shape}"
        )
    return int(shape[1])
