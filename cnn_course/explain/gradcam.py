"""Grad-CAM (Selvaraju et al. 2017): where in *this* photo did the network see the class?

The decks do not show it, but it answers the question their maximum-response
images leave open: the last 2-D feature maps, weighted by the gradient of the
class logit, give a heat-map over the photo (:func:`grad_cam`), enlarged to the
photo's size by :func:`upsample_heatmap`. The figure is
:func:`cnn_course.viz.explain.show_grad_cam`.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course import _checks
from cnn_course.explain import _model

__all__ = ["grad_cam", "last_conv_layer", "upsample_heatmap"]


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
    _model.model_input(model)
    last = None
    for layer in model.layers:
        if type(layer).__name__ in _model.NOT_FEATURES:
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
        224×224); :func:`upsample_heatmap` brings it to the image's size.

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
    count = _model.n_classes(model)
    if class_index is not None:
        class_index = _model.check_index(
            class_index, "class_index", count, f"the model has {count} classes"
        )
    arr = _model.check_model_image(model, image)
    layer_name = last_conv_layer(model) if layer_name is None else layer_name
    conv = _model.find_layer(model, layer_name)
    if len(tuple(conv.output.shape)) != 4:
        raise ValueError(
            f"Grad-CAM needs a layer with 2-D feature maps (height, width, filters); "
            f"{layer_name!r} has output shape {tuple(conv.output.shape)}"
        )
    tap, to_logits = _model.logits(model)
    grad_model = _model.cached(
        model,
        ("gradcam", layer_name),
        lambda: _model.sub_model(model, [(layer_name, "output"), tap], None),
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


def upsample_heatmap(heatmap: Any, size: int | tuple[int, int]) -> np.ndarray:
    """Enlarge a heat-map (H', W') to ``size`` = (H, W) by bilinear interpolation.

    Half-pixel centres, like the layers' own sampling: each heat-map cell is the
    centre of the image patch it summarises.

    Examples
    --------
    >>> upsample_heatmap(np.eye(2), (4, 4)).round(2)
    array([[1.  , 0.75, 0.25, 0.  ],
           [0.75, 0.62, 0.38, 0.25],
           [0.25, 0.38, 0.62, 0.75],
           [0.  , 0.25, 0.75, 1.  ]], dtype=float32)
    """
    heat = _checks.numeric_array(heatmap, "a heat-map (height, width)", ndim=(2,))
    size = _model.check_size(size)
    return _model.resize(heat.astype(np.float32)[:, :, None], size)[:, :, 0]
