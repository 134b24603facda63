"""What the layers hold: the first layer's filters and the feature maps, shallow to deep.

Decks 001 and 003 ask "What do the filters learn?": the first-layer filters see raw
pixels, so each can be drawn as a small colour image (:func:`first_layer_filters`);
one filter gives one activation map (:func:`feature_maps`), and the maps shrink and
multiply from the first layers to the last (:func:`shallow_to_deep_layers` picks one
layer per resolution). :func:`unit_gradient` asks Zeiler & Fergus's question of one
real image: which of its pixels drove a unit's strongest response.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course.explain import _model

__all__ = ["feature_maps", "first_layer_filters", "shallow_to_deep_layers", "unit_gradient"]


def first_layer_filters(model: keras.Model, layer: str | None = None) -> np.ndarray:
    """Return the kernel of the first ``Conv2D`` (or of the named layer): (f, f, C, K).

    The filters of the first layer see raw pixels, so each one can be drawn as a
    small f×f image with C colour channels (deck 001/003: AlexNet's 96 filters of
    11×11×3 look like oriented edges and opposing colours; the course's MobileNetV2
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
    _model.check_model(model)
    if layer is None:
        convs = [lay for lay in _model.flat_layers(model) if isinstance(lay, keras.layers.Conv2D)]
        if not convs:
            raise ValueError("the model has no Conv2D layer, so it has no filters to show")
        chosen = convs[0]
    else:
        flat = {lay.name: lay for lay in _model.flat_layers(model)}
        # a layer of a nested model, or else a top-level name (a nested model itself,
        # which has no kernel); find_layer raises with the close matches
        chosen = flat[layer] if layer in flat else _model.find_layer(model, layer)
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
    names = _model.layer_names(layer_names)
    taps = [(_model.find_layer(model, name).name, "output") for name in names]
    arr = _model.check_model_image(model, image)
    extractor = _model.cached(
        model, ("maps", tuple(names)), lambda: _model.sub_model(model, taps, None)
    )
    outputs = extractor(arr[None], training=False)
    if len(names) == 1:
        outputs = [outputs]
    return {
        name: np.asarray(keras.ops.convert_to_numpy(out))[0]
        for name, out in zip(names, outputs, strict=True)
    }


def shallow_to_deep_layers(
    model: keras.Model, size: int | tuple[int, int] = (224, 224)
) -> list[str]:
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
    size : (int, int) or int
        Only for a model that takes images of any size: the image size whose
        feature-map sizes define the stages (``n`` for ``n×n``).

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
    _model.model_input(model)
    size = _model.check_size(size)
    candidates = [
        layer
        for layer in model.layers
        if type(layer).__name__ not in _model.NOT_FEATURES
        and hasattr(layer, "output")
        and len(layer.output.shape) == 4
    ]
    if not candidates:
        raise ValueError("the model has no layer with 2-D feature maps (height, width, filters)")
    shapes = [tuple(layer.output.shape)[1:3] for layer in candidates]
    if any(None in shape for shape in shapes):
        # a model for any image size: rebuild its graph on size×size images to read them
        taps = [(layer.name, "output") for layer in candidates]
        probe = _model.sub_model(model, taps, size)
        shapes = [tuple(tensor.shape)[1:3] for tensor in probe.outputs]
    picked: list[str] = []
    for k, (layer, shape) in enumerate(zip(candidates, shapes, strict=True)):
        if k == 0 or shape != shapes[k - 1]:
            picked.append(layer.name)
        else:
            picked[-1] = layer.name
    return picked


def unit_gradient(
    model: keras.Model, image: Any, layer_name: str, filter_index: int
) -> tuple[tuple[int, int], np.ndarray]:
    """Where a filter of a layer responds most on an image, and which pixels drove that response.

    The unit is the position ``(i, j)`` of the filter's map with the largest activation;
    the answer is the gradient of that one activation with respect to the input image —
    what Zeiler & Fergus's deconvnet projects back to pixel space, up to the way it
    passes through ReLU (Simonyan et al., 2013). It is zero outside the unit's
    receptive field: the unit does not see those pixels.

    Parameters
    ----------
    model : keras.Model
    image : array_like
        One image (H, W, C) in the model's input units.
    layer_name : str
        A convolutional layer (its output is (H', W', K)).
    filter_index : int
        The filter, 0 to K - 1.

    Returns
    -------
    ((int, int), numpy.ndarray)
        The unit's position in the map, and the gradient, shaped like the image.

    Examples
    --------
    A 3×3 convolution: its strongest unit sees a 3×3 patch of the image, nothing else.

    >>> inputs = keras.Input((8, 8, 1))
    >>> conv = keras.layers.Conv2D(1, 3, use_bias=False, name="conv")
    >>> model = keras.Model(inputs, conv(inputs))
    >>> conv.set_weights([np.ones((3, 3, 1, 1))])
    >>> image = np.zeros((8, 8, 1)); image[5, 2] = 1.0
    >>> (i, j), grad = unit_gradient(model, image, "conv", 0)
    >>> (i, j), np.argwhere(grad[..., 0] != 0).min(axis=0).tolist(), int(grad.sum())
    ((3, 0), [3, 0], 9)
    """
    name = _model.find_layer(model, layer_name).name
    arr = _model.check_model_image(model, image)
    extractor = _model.cached(
        model, ("maps", (name,)), lambda: _model.sub_model(model, [(name, "output")], None)
    )
    x = tf.convert_to_tensor(arr[None].astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        maps = extractor(x, training=False)
        if len(maps.shape) != 4:
            raise ValueError(f"layer {name!r} is not convolutional: its output is {maps.shape}")
        index = _model.check_index(
            filter_index,
            "filter_index",
            int(maps.shape[-1]),
            f"layer {name!r} has {int(maps.shape[-1])} filters",
        )
        channel = maps[0, :, :, index]
        flat = int(tf.argmax(tf.reshape(channel, [-1])))
        i, j = divmod(flat, int(channel.shape[1]))
        unit = channel[i, j]
    grad = tape.gradient(unit, x)
    return (i, j), np.asarray(grad[0])
