"""Transfer learning with the course's pretrained MobileNetV2: which layers to retrain.

Deck 002 (section *IV/ Transfer learning*) advises, by dataset size and by how far the
new domain is from ImageNet: retrain only the new classifier head, also retrain the
last layers, use the ImageNet weights as the initialisation of a full training, or
train from a random initialisation. Those are the four *regimes* of this module
(:data:`REGIMES`), one vocabulary for everything below:

- :func:`transfer_model` builds the classifier of a regime on top of
  :func:`cnn_course.pretrained.imagenet_backbone`; :func:`set_regime` changes which of
  its layers train;
- :func:`fit_regime` trains it the way practitioners do (the Keras transfer-learning
  guide): the new head first with the backbone frozen, **then** the last blocks or the
  whole backbone at a small learning rate, BatchNorm kept in inference mode;
  a random initialisation trains everything and re-estimates its BatchNorm statistics
  (:func:`recalibrate_batchnorm`);
- :func:`extract_features` and :func:`fit_head_on_features` -- "fast feature extraction"
  (Chollet, *Deep Learning with Python*, ch. 8): the frozen backbone runs once per image,
  not once per image and epoch; :func:`time_feature_extraction` measures the gain;
- :data:`DECK_ADVICE` and :data:`TRANSFER_LEARNING_TABLE` map the deck's words to the regimes;
  :func:`transfer_experiment` (notebook 10) trains one model per regime and training set, so
  the advice can be checked against measurements instead of taken on trust.

Keras (and so TensorFlow) is imported when a model is built, not when this module is
imported.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cnn_course import _checks, _lazy, pretrained, runtime

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = [
    "DECK_ADVICE",
    "FEATURE_BATCH_PIXELS",
    "FINE_TUNE",
    "LEARNING_RATES",
    "REGIMES",
    "TRANSFER_LEARNING_TABLE",
    "FeatureExtractionTiming",
    "TransferRun",
    "check_images",
    "extract_features",
    "fit_head_on_features",
    "fit_regime",
    "recalibrate_batchnorm",
    "recommended_learning_rate",
    "regime_of",
    "set_regime",
    "time_feature_extraction",
    "trainable_param_count",
    "transfer_experiment",
    "transfer_model",
]

REGIMES: dict[str, tuple[str, str | None]] = {
    "head": ("head", "imagenet"),
    "top": ("top", "imagenet"),
    "all": ("all", "imagenet"),
    "random": ("all", None),
}
"""Regime name -> ``(fine_tune, weights)`` of :func:`transfer_model`.

``"head"``: only the new classifier head trains, the ImageNet backbone is frozen.
``"top"``: the head, then also the last inverted residual blocks.
``"all"``: the head, then every convolution of the backbone (the ImageNet weights are the
initialisation). ``"random"``: everything from a random initialisation -- no transfer."""

FINE_TUNE = tuple(dict.fromkeys(fine_tune for fine_tune, _ in REGIMES.values()))
"""What ``transfer_model(fine_tune=...)`` accepts: ``("head", "top", "all")``."""

LEARNING_RATES: dict[str, float] = {"head": 1e-3, "top": 1e-4, "all": 1e-5, "random": 1e-3}
"""Regime name -> Adam learning rate of its last phase (see :func:`recommended_learning_rate`)."""

DECK_ADVICE: dict[str, tuple[str, str]] = {
    "Transfer learning avec peu de données": ("ne conservez que la dernière couche", "head"),
    "Transfer learning avec plus de données": ("ne conservez que les dernières couches", "top"),
    "Transfer learning avec beaucoup de données": ("(a figure: the whole network)", "all"),
}
"""Deck 002's three slides: title -> (its words, the regime that implements them).

Read literally, « ne conservez que la dernière couche » says *keep only the last layer*;
the figure and the practice mean the opposite split: keep (freeze) every pretrained layer
and **retrain** only the last one, the new head (see :data:`cnn_course.slides.REMARKS`).
« les dernières couches » -- plural -- is more than the head: the last blocks too (``"top"``).
"""

TRANSFER_LEARNING_TABLE: dict[tuple[str, str], tuple[str, str]] = {
    ("small", "imagenet"): ("Les dernières couches", "top"),
    ("small", "different"): ("Collecter plus de données", "head"),
    ("large", "imagenet"): ("Utiliser comme initialisation", "all"),
    ("large", "different"): ("Initialisation aléatoire", "random"),
}
"""Deck 002's « A retenir » table: (dataset size, domain) -> (slide text, regime).

« Les dernières couches » (small data, close to ImageNet) is the plural of the slide
*Transfer learning avec plus de données*: the last layers are retrained, not only the head,
so its regime is ``"top"``. With little data far from ImageNet the slide's advice is to
collect more data; until then the frozen backbone (``"head"``) is the regime that overfits
least.
"""


def regime_of(fine_tune: str | None = None, weights: str | None = "imagenet") -> str:
    """The :data:`REGIMES` name of a :func:`transfer_model` call, checking its arguments.

    ``fine_tune=None`` means ``"head"`` with ImageNet weights and ``"all"`` without.

    Examples
    --------
    >>> regime_of("top"), regime_of(weights=None), regime_of("all", None)
    ('top', 'random', 'random')
    >>> regime_of("head", weights=None)
    Traceback (most recent call last):
    ...
    ValueError: a randomly initialised backbone (weights=None) has nothing worth freezing: \
use fine_tune="all" with weights=None, not fine_tune='head'
    """
    if weights is not None and not isinstance(weights, str):
        raise TypeError(f'weights must be "imagenet" or None, got {weights!r}')
    if weights not in ("imagenet", None):
        raise ValueError(f'weights must be "imagenet" or None, got {weights!r}')
    if fine_tune is None:
        fine_tune = "head" if weights == "imagenet" else "all"
    fine_tune = _checks.one_of(fine_tune, "fine_tune", FINE_TUNE)
    for name, regime in REGIMES.items():
        if regime == (fine_tune, weights):
            return name
    raise ValueError(
        f"a randomly initialised backbone (weights=None) has nothing worth freezing: "
        f'use fine_tune="all" with weights=None, not fine_tune={fine_tune!r}'
    )


def _regime_name(regime: Any) -> str:
    """``regime`` checked to be a :data:`REGIMES` name."""
    choices = ", ".join(map(repr, REGIMES))
    if not isinstance(regime, str):
        raise TypeError(f"a regime is one of the names {choices}; got {regime!r}")
    if regime not in REGIMES:
        raise ValueError(f"unknown regime {regime!r}; choose from {choices}")
    return regime


def recommended_learning_rate(
    fine_tune: str | None = None, weights: str | None = "imagenet"
) -> float:
    """A learning rate for Adam that suits each transfer-learning regime.

    A new head (or a random-init model) can learn fast; once pretrained layers are
    trained too -- after the head, see :func:`fit_regime` -- a small learning rate only
    adjusts their ImageNet features instead of overwriting them.

    Examples
    --------
    >>> [recommended_learning_rate(fine_tune, weights) for fine_tune, weights in REGIMES.values()]
    [0.001, 0.0001, 1e-05, 0.001]
    """
    return LEARNING_RATES[regime_of(fine_tune, weights)]


def trainable_param_count(model: keras.Model) -> int:
    """The number of trainable parameters (what ``model.summary()`` calls "Trainable params")."""
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def _image_shape(input_shape: Any) -> tuple[int, int, int]:
    """``(height, width, channels)`` of the images a transfer model takes: 1 or 3 channels."""
    if isinstance(input_shape, str) or not hasattr(input_shape, "__len__"):
        raise TypeError(f"the input shape must be (height, width, channels), got {input_shape!r}")
    if len(input_shape) != 3:
        hint = (
            " -- grayscale images (height, width) need a channel axis: (height, width, 1)"
            if len(input_shape) == 2
            else ""
        )
        raise ValueError(
            f"the input shape must be (height, width, channels), got {tuple(input_shape)!r}{hint}"
        )
    height, width, channels = (
        _checks.positive_int(n, "each number of the input shape") for n in input_shape
    )
    if channels not in (1, 3):
        raise ValueError(
            f"the images must have 3 channels (RGB) or 1 (grayscale, copied into R, G and B "
            f"by the model), got {channels}"
        )
    return height, width, channels


def transfer_model(
    num_classes: int,
    fine_tune: str | None = None,
    weights: str | None = "imagenet",
    input_shape: tuple[int, int, int] = (96, 96, 3),
    dropout: float = 0.2,
    top_blocks: int = 3,
    resize_to: int | None = None,
) -> keras.Model:
    """MobileNetV2 with a new classifier for ``num_classes`` classes (transfer learning).

    The model is: input -> [resize] -> [gray to RGB] -> MobileNetV2 backbone
    (layer ``mobilenet_v2``) -> ``GlobalAveragePooling2D`` (``avg_pool``) -> ``Dropout``
    -> ``Dense(num_classes, softmax)`` (``predictions``). What trains is set by
    :func:`set_regime`:

    ``"head"``
        only the new dense layer; the backbone is frozen.
    ``"top"``
        also the convolutions of the last ``top_blocks`` inverted residual blocks and
        the final 1x1 convolution ``Conv_1``.
    ``"all"``
        every convolution of the backbone, starting from the ImageNet weights.
    ``weights=None``
        a random backbone, everything trained, BatchNorm included: the baseline
        without transfer (regime ``"random"``).

    With ImageNet weights the backbone is always called with ``training=False``: its
    BatchNorm layers stay in inference mode and keep ImageNet's statistics, whatever
    trains (the Keras transfer-learning guide). Train with :func:`fit_regime`, which
    trains the head first; or compile it yourself with
    ``keras.optimizers.Adam(recommended_learning_rate(fine_tune, weights))``.

    Parameters
    ----------
    num_classes : int
        Number of classes (at least 2).
    fine_tune : {"head", "top", "all"}, optional
        Default ``"head"`` with ImageNet weights, ``"all"`` with ``weights=None``.
    weights : "imagenet" or None
    input_shape : tuple
        ``(height, width, channels)`` of the images, pixel values in [0, 255];
        channels 3 (RGB) or 1 (grayscale, e.g. MNIST ``(28, 28, 1)``: the model
        copies the gray into R, G and B with a ``Concatenate`` layer ``gray_to_rgb``).
    dropout : float
        Dropout rate before the new dense layer, in [0, 1).
    top_blocks : int
        With ``"top"``: how many of the 17 inverted residual blocks to retrain.
    resize_to : int, optional
        Resize the images to ``resize_to`` x ``resize_to`` inside the model (layer
        ``resize``); at least 32, MobileNetV2's minimum. By default images smaller
        than 32x32 are resized to 32x32 and others are left alone.

    Returns
    -------
    keras.Model
        Uncompiled.

    Raises
    ------
    ValueError
        Fewer than 2 classes, an unknown ``fine_tune``, a shape that is not
        (height, width, 1 or 3), ``resize_to`` below 32.

    Examples
    --------
    MNIST-sized grayscale digits, only the new dense layer trained:

    >>> model = transfer_model(10, "head", input_shape=(28, 28, 1))
    >>> model.get_layer("mobilenet_v2").input.shape  # resized to 32x32, gray copied to RGB
    (None, 32, 32, 3)
    >>> trainable_param_count(model), 1280 * 10 + 10
    (12810, 12810)
    """
    regime = regime_of(fine_tune, weights)
    _, weights = REGIMES[regime]
    num_classes = _checks.integer(num_classes, "num_classes (the number of classes)", minimum=2)
    dropout = _checks.real(dropout, "the dropout rate", 0.0, 1.0, open_high=True)
    top_blocks = _checks.integer(top_blocks, "top_blocks", 1, pretrained.NUM_BLOCKS)
    height, width, channels = shape = _image_shape(input_shape)
    if resize_to is not None:
        side = _checks.positive_int(resize_to, "resize_to")
        size = (side, side)
    else:
        size = (max(height, pretrained.MIN_SIZE), max(width, pretrained.MIN_SIZE))
    backbone_shape = pretrained.check_input_shape((*size, 3))

    keras = _lazy.keras()
    layers = keras.layers
    if weights == "imagenet":
        backbone = pretrained.imagenet_backbone(include_top=False, input_shape=backbone_shape)
    else:
        backbone = pretrained.mobilenet_v2(include_top=False, input_shape=backbone_shape)

    inputs = keras.Input(shape=shape, name="image")
    x = inputs
    if (height, width) != size:
        x = layers.Resizing(*size, interpolation="bilinear", name="resize")(x)
    if channels == 1:
        x = layers.Concatenate(name="gray_to_rgb")([x, x, x])
    # Pretrained: training=False keeps every BatchNorm in inference mode, even when the
    # backbone's convolutions are fine-tuned. Random: BatchNorm must learn its statistics.
    x = backbone(x, training=False) if weights == "imagenet" else backbone(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs, outputs, name=f"transfer_{regime}")
    set_regime(model, regime, top_blocks)
    return model


def set_regime(model: keras.Model, regime: str, top_blocks: int = 3) -> keras.Model:
    """Make the layers of a :func:`transfer_model` that ``regime`` trains trainable, the rest not.

    ``"head"`` freezes the whole backbone; ``"top"`` unfreezes the convolutions of the
    last ``top_blocks`` blocks and ``Conv_1``; ``"all"`` every convolution; ``"random"``
    every layer. With a pretrained backbone the BatchNorm layers stay frozen (and in
    inference mode). Recompile the model afterwards: Keras reads ``trainable`` when it
    compiles.

    Returns
    -------
    keras.Model
        The same model, changed in place.
    """
    regime = _regime_name(regime)
    top_blocks = _checks.integer(top_blocks, "top_blocks", 1, pretrained.NUM_BLOCKS)
    keras = _lazy.keras()
    try:
        backbone = model.get_layer("mobilenet_v2")
    except ValueError:
        raise ValueError(
            "set_regime needs a model made by transfer_model (it has no layer 'mobilenet_v2')"
        ) from None
    if regime == "head":
        backbone.trainable = False
        return model
    backbone.trainable = True
    if regime == "random":
        return model
    retrained = tuple(
        f"block_{b}_" for b in range(pretrained.NUM_BLOCKS - top_blocks, pretrained.NUM_BLOCKS)
    )
    for layer in backbone.layers:
        in_top = layer.name.startswith(retrained) or layer.name == "Conv_1"
        is_bn = isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = not is_bn and (regime == "all" or in_top)
    return model


# --------------------------------------------------------------------------------------
# Training: head first, then fine-tune; fast feature extraction
# --------------------------------------------------------------------------------------
def check_images(
    x: Any, y: Any, what: str = "training set", num_classes: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, height, width, 1 or 3) and N integer labels, checked for a transfer model.

    Grayscale images without a channel axis (N, height, width) are refused with the fix
    (``x[..., None]``); the model itself copies one gray channel into R, G and B.

    Examples
    --------
    >>> check_images(np.zeros((2, 28, 28)), np.array([0, 1]))
    Traceback (most recent call last):
    ...
    ValueError: the training set's images have the shape (2, 28, 28): grayscale images need \
a channel axis, (N, height, width, 1) -- write x[..., None]; the model copies the gray into R, \
G and B
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 3:
        raise ValueError(
            f"the {what}'s images have the shape {x.shape}: grayscale images need a channel "
            "axis, (N, height, width, 1) -- write x[..., None]; the model copies the gray into "
            "R, G and B"
        )
    if x.ndim != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(
            f"the {what}'s images must have the shape (N, height, width, channels) with 1 "
            f"(grayscale) or 3 (RGB) channels, got {x.shape}"
        )
    if y.ndim != 1 or len(x) != len(y) or len(x) == 0:
        raise ValueError(
            f"the {what} must have one integer label per image: got {len(x)} images and "
            f"labels of shape {y.shape}"
        )
    if y.dtype.kind not in "iu":
        raise TypeError(f"the {what}'s labels must be integers (class numbers), got {y.dtype}")
    if num_classes is not None and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"the {what}'s labels must lie in 0..{num_classes - 1} for {num_classes} classes, "
            f"got labels from {y.min()} to {y.max()}"
        )
    return x, y


@dataclass
class _Compiled:
    """What :func:`_compile` needs to give a model a fresh optimizer without compiling it again."""

    optimizer: Any
    learning_rate: float
    trainable: tuple[int, ...]
    """``id`` of every trainable variable when the training step was traced."""
    initial: list[np.ndarray]
    """The optimizer's variables before its first step (zero moments, step 0)."""


_COMPILED: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()
"""Per model, the last compilation by :func:`_compile` (weak: a model that goes away is dropped)."""


def _compile(model: keras.Model, learning_rate: float, steps_per_execution: int = 1) -> None:
    """Compile for Adam at ``learning_rate``, or reset the optimizer if that is already done.

    Training MobileNetV2 on a few hundred images costs less than building its training
    step: Keras traces it at the first ``fit`` after every ``compile`` (16 s for the
    ``"random"`` regime on a 2-core CPU, against 6 s for ten epochs on 200 images). When
    the same model is compiled again the same way (same rate, same trainable variables),
    putting the optimizer's variables back to their initial values (zero moments, step 0)
    is exactly a fresh Adam, and the traced step is kept. ``steps_per_execution`` as in
    ``keras.Model.compile`` (it changes the time of a fit, not its numbers).
    """
    keras = _lazy.keras()
    trainable = tuple(id(v) for v in model.trainable_variables)
    done = _COMPILED.get(model)
    if (
        done is not None
        and model.optimizer is done.optimizer
        and done.learning_rate == learning_rate
        and done.trainable == trainable
        and model.steps_per_execution == steps_per_execution
    ):
        for variable, value in zip(done.optimizer.variables, done.initial, strict=True):
            variable.assign(value)
        return
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    model.optimizer.build(model.trainable_variables)
    initial = [keras.ops.convert_to_numpy(v) for v in model.optimizer.variables]
    _COMPILED[model] = _Compiled(model.optimizer, learning_rate, trainable, initial)


FEATURE_BATCH_PIXELS = 1 << 20
"""Default batch of :func:`extract_features`, in pixels at the backbone's input: 1 024
images of 32×32, 20 of 224×224 -- a batch's activations stay within a laptop's memory."""


def extract_features(model: keras.Model, x: Any, batch_size: int | None = None) -> np.ndarray:
    """The pooled backbone features (N, 1280) of a :func:`transfer_model` for images ``x``.

    What the new head reads: the images through the frozen backbone (in inference mode)
    and the global average pooling. Computed once, they replace the backbone in every
    epoch of the head's training (:func:`fit_head_on_features`). ``batch_size``: images
    per call (default: :data:`FEATURE_BATCH_PIXELS` worth of them).
    """
    keras = _lazy.keras()
    if batch_size is None:
        height, width = model.get_layer("mobilenet_v2").input.shape[1:3]
        batch_size = max(1, FEATURE_BATCH_PIXELS // (height * width))
    batch_size = _checks.positive_int(batch_size, "batch_size")
    features = keras.Model(model.input, model.get_layer("avg_pool").output)
    x = np.asarray(x, dtype=np.float32)
    # Called batch by batch rather than with predict(): a single pass needs no traced function,
    # and few large batches keep the per-call cost of running 150 layers one by one small.
    return np.concatenate(
        [
            keras.ops.convert_to_numpy(features(x[start : start + batch_size], training=False))
            for start in range(0, len(x), batch_size)
        ]
    )


def _head(model: keras.Model) -> keras.Model:
    """The model's own dropout and dense layers on pooled features (shared, not copied)."""
    keras = _lazy.keras()
    features = keras.Input(shape=(model.get_layer("avg_pool").output.shape[-1],), name="features")
    x = model.get_layer("dropout")(features)
    return keras.Model(features, model.get_layer("predictions")(x), name="head")


def fit_head_on_features(
    model: keras.Model, features: Any, y: Any, epochs: int, batch_size: int = 32, seed: int = 0
) -> Any:
    """Train the head of a :func:`transfer_model` on pre-computed :func:`extract_features`.

    The head's layers are the model's own, so the full model is trained too: it
    classifies images as if it had been fitted on them with the backbone frozen.
    The features stream from one endless shuffled ``tf.data`` pipeline with autotuning
    off: with a head this small, the few tenths of a second Keras otherwise spends
    setting up and tearing down an input pipeline at every epoch would be most of the
    time. Returns the ``History``.
    """
    tf = _lazy.tensorflow()
    epochs = _checks.positive_int(epochs, "epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size")
    features, y = np.asarray(features, dtype=np.float32), np.asarray(y)
    options = tf.data.Options()
    options.autotune.enabled = False
    dataset = (
        tf.data.Dataset.from_tensor_slices((features, y))
        .shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(batch_size)
        .with_options(options)
    )
    head = _head(model)
    steps = -(-len(y) // batch_size)  # ceil: every feature vector once per epoch
    # A step of this head is a few microseconds of arithmetic and a millisecond of Keras around
    # it: a whole epoch per call into TensorFlow.
    _compile(head, LEARNING_RATES["head"], steps_per_execution=steps)
    return head.fit(dataset, epochs=epochs, steps_per_epoch=steps, shuffle=False, verbose=0)


def recalibrate_batchnorm(
    model: keras.Model, x: Any, batch_size: int = 128, seed: int = 0
) -> keras.Model:
    """Re-estimate every BatchNorm layer's moving mean and variance with the final weights.

    During training a BatchNorm layer normalises with the statistics of each batch and
    keeps a *moving average* of them for inference. After a short training from random
    weights those averages trail far behind the weights, which moved a lot at every step:
    inference then normalises with the wrong numbers, and a network that fits its training
    batches can predict one class for everything. Running the training images through the
    trained network once in training mode, with each layer's momentum set so that the
    moving statistics become the plain average over those batches ("precise BatchNorm",
    Wu & Johnson 2021), gives inference the statistics of the final network. No weight is
    learned.
    """
    keras = _lazy.keras()
    batch_size = _checks.positive_int(batch_size, "batch_size")
    x = np.asarray(x)
    order = np.random.default_rng(seed).permutation(len(x))  # batches that mix the classes
    norms = [
        layer for layer in _all_layers(model) if isinstance(layer, keras.layers.BatchNormalization)
    ]
    momentum = [layer.momentum for layer in norms]
    try:
        for k, start in enumerate(range(0, len(x), batch_size)):
            for layer in norms:  # moving = average of the k + 1 batches seen so far
                layer.momentum = k / (k + 1)
            model(x[order[start : start + batch_size]].astype(np.float32), training=True)
    finally:
        for layer, value in zip(norms, momentum, strict=True):
            layer.momentum = value
    return model


def _all_layers(layer: Any) -> list[Any]:
    found = [layer]
    for inner in getattr(layer, "layers", ()):
        found += _all_layers(inner)
    return found


def fit_regime(
    model: keras.Model,
    regime: str,
    x: Any,
    y: Any,
    *,
    epochs: int = 10,
    fine_tune_epochs: int = 3,
    batch_size: int = 32,
    top_blocks: int = 3,
    features: Any = None,
) -> keras.Model:
    """Train a :func:`transfer_model` the way practitioners do for its regime.

    ``"head"``, ``"top"``, ``"all"``: first the new head alone, backbone frozen, at
    learning rate 1e-3 for ``epochs``; then (``"top"``, ``"all"``) the last blocks or
    every convolution as well, at :data:`LEARNING_RATES` of the regime (1e-4, 1e-5) for
    ``fine_tune_epochs``: the head's first, large gradients never reach the pretrained
    layers, which are only adjusted. BatchNorm stays in inference mode throughout.
    ``"random"``: everything for ``epochs`` at 1e-3, then :func:`recalibrate_batchnorm`.

    Parameters
    ----------
    model : keras.Model
        From :func:`transfer_model` (built for the same regime).
    regime : str
        A :data:`REGIMES` name.
    x, y : array_like
        Training images (N, H, W, C) as the model takes them, and integer labels.
    epochs, fine_tune_epochs, batch_size, top_blocks : int
    features : array_like, optional
        ``extract_features(model, x)``: the head phase then trains on them (fast feature
        extraction) instead of running the frozen backbone at every epoch.

    Returns
    -------
    keras.Model
        The same model, trained.
    """
    regime = _regime_name(regime)
    epochs = _checks.positive_int(epochs, "epochs")
    fine_tune_epochs = _checks.non_negative_int(fine_tune_epochs, "fine_tune_epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size")
    x, y = check_images(x, y, "training set", model.output.shape[-1])
    if regime == "random":
        _compile(model, LEARNING_RATES["random"])
        model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
        return recalibrate_batchnorm(model, x)
    set_regime(model, "head")
    if features is None:
        _compile(model, LEARNING_RATES["head"])
        model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
    else:
        fit_head_on_features(model, features, y, epochs, batch_size)
    if regime != "head" and fine_tune_epochs:
        set_regime(model, regime, top_blocks)
        _compile(model, LEARNING_RATES[regime])
        model.fit(x, y, batch_size=batch_size, epochs=fine_tune_epochs, verbose=0)
    return model


def _accuracy(probabilities: Any, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(np.asarray(probabilities), axis=-1) == y))


def _head_accuracy(model: keras.Model, features: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of the model's head on pooled features, in NumPy (dropout is off at inference).

    The most probable class is the largest logit ``features @ kernel + bias``: the softmax
    does not change the order. (NumPy: a Keras ``predict`` would trace a new function.)
    """
    keras = _lazy.keras()
    dense = model.get_layer("predictions")
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in (dense.kernel, dense.bias))
    return _accuracy(np.asarray(features) @ kernel + bias, y)


@dataclass(frozen=True)
class FeatureExtractionTiming:
    """The frozen-backbone regime trained two ways on the same data.

    Made by :func:`time_feature_extraction`.
    """

    plain_seconds: float
    """Fitting the whole model on the images (the backbone runs at every epoch) and scoring it."""
    fast_seconds: float
    """Extracting the features once, fitting the head on them and scoring it."""
    plain_accuracy: float
    fast_accuracy: float

    @property
    def ratio(self) -> float:
        """``fast_seconds / plain_seconds``."""
        return self.fast_seconds / self.plain_seconds


def time_feature_extraction(
    train_set: tuple[Any, Any],
    test_set: tuple[Any, Any],
    num_classes: int,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    resize_to: int | None = 32,
    seed: int = 0,
) -> FeatureExtractionTiming:
    """Train the ``"head"`` regime twice, plainly and by fast feature extraction; time both.

    Both models start from the same seed (so the same head weights), train for
    ``epochs`` on the same images and are scored on the same test images. The timed
    part is the training and the scoring, not the building of the models.
    """
    x, y = check_images(*train_set, "training set", num_classes)
    x_test, y_test = check_images(*test_set, "test set", num_classes)
    epochs = _checks.positive_int(epochs, "epochs")
    results = {}
    for fast in (False, True):
        runtime.seed_everything(seed)
        model = transfer_model(num_classes, "head", input_shape=x.shape[1:], resize_to=resize_to)
        start = time.perf_counter()
        if fast:  # the backbone runs once over the training and test images, in one call
            features = extract_features(model, np.concatenate([x, x_test]))
            fit_head_on_features(model, features[: len(x)], y, epochs, batch_size)
            accuracy = _head_accuracy(model, features[len(x) :], y_test)
        else:
            _compile(model, LEARNING_RATES["head"])
            model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
            accuracy = _accuracy(model.predict(x_test, batch_size=256, verbose=0), y_test)
        results[fast] = (time.perf_counter() - start, accuracy)
    return FeatureExtractionTiming(
        plain_seconds=results[False][0],
        fast_seconds=results[True][0],
        plain_accuracy=results[False][1],
        fast_accuracy=results[True][1],
    )


# --------------------------------------------------------------------------------------
# The experiment of notebook 10
# --------------------------------------------------------------------------------------
class _FreshModel:
    """One model trained from the same starting point again and again, built only once.

    :func:`transfer_experiment` trains a model per training set and regime. Building a
    MobileNetV2 costs a second or two, and tracing its training and prediction steps
    (:func:`_compile`) far more; training sets with the same image shape therefore share
    one model per regime, whose every variable -- weights, BatchNorm statistics, the
    dropout layer's random state -- is put back to what it was when it was built, before
    each training. It is the model a fresh build from the same seed would give.
    """

    def __init__(self, model: keras.Model) -> None:
        keras = _lazy.keras()
        self.model = model
        self._initial = [keras.ops.convert_to_numpy(v) for v in model.variables]

    def restart(self, seed: int) -> keras.Model:
        """The model with its initial variables, the random generators seeded with ``seed``."""
        for variable, value in zip(self.model.variables, self._initial, strict=True):
            variable.assign(value)
        runtime.seed_everything(seed)
        return self.model


@dataclass(frozen=True)
class TransferRun:
    """One trained model of :func:`transfer_experiment`."""

    train_set: str
    regime: str
    train_images: int
    train_accuracy: float
    """Accuracy on the training images, the trained model in inference mode."""
    test_accuracy: float
    seconds: float
    """Wall time of building, training and scoring the model."""
    uncalibrated_test_accuracy: float | None = None
    """``"random"`` only: the test accuracy before :func:`recalibrate_batchnorm`."""


def transfer_experiment(
    train_sets: Mapping[str, tuple[Any, Any]],
    test_set: tuple[Any, Any],
    regimes: Sequence[str] = tuple(REGIMES),
    *,
    num_classes: int = 10,
    epochs: int = 10,
    fine_tune_epochs: int = 3,
    random_epochs: int | None = None,
    batch_size: int = 32,
    resize_to: int | None = 32,
    seed: int = 0,
    progress: bool = True,
    verbose: bool = True,
) -> dict[tuple[str, str], TransferRun]:
    """Train one model per training set × regime (:func:`fit_regime`); score each on the test set.

    Every model starts from the same seed. The head phase of the pretrained regimes trains
    on features extracted once per training set (:func:`extract_features`: the same
    backbone, the same features for ``"head"``, ``"top"`` and ``"all"``).

    Parameters
    ----------
    train_sets : mapping
        Name -> ``(images, labels)``; images (N, H, W, 1 or 3), pixel values 0..255.
    test_set : (images, labels)
        The images no model trains on.
    regimes : sequence of str
        Names from :data:`REGIMES` (default: all four).
    num_classes : int
    epochs : int
        Epochs of the head (pretrained regimes).
    fine_tune_epochs : int
        Epochs of the second phase of ``"top"`` and ``"all"``.
    random_epochs : int, optional
        Epochs of ``"random"`` (default ``epochs``).
    batch_size : int
    resize_to : int, optional
        Side the images are resized to inside the model (MobileNetV2 needs ≥ 32).
    seed : int
        Seeds every model (:func:`cnn_course.runtime.seed_everything`).
    progress : bool
        A progress bar, one step per trained model.
    verbose : bool
        Print one line per model as it finishes.

    Returns
    -------
    dict
        ``(train set name, regime) -> TransferRun``, in training order.

    Raises
    ------
    ValueError
        For an unknown regime, fewer than 2 classes, an empty or ill-shaped data set,
        images and labels of different lengths, labels outside 0..num_classes-1,
        training and test images of different shapes, or epochs < 1.

    Examples
    --------
    >>> transfer_experiment({"tiny": (np.zeros((4, 32, 32, 3)), np.arange(4))},
    ...                     (np.zeros((2, 32, 32, 3)), np.arange(2)), regimes=["head", "best"])
    Traceback (most recent call last):
    ...
    ValueError: unknown regime 'best'; choose from 'head', 'top', 'all', 'random'
    """
    if isinstance(regimes, str):
        regimes = [regimes]
    if not regimes:
        raise ValueError(f"give at least one regime: {', '.join(map(repr, REGIMES))}")
    regimes = [_regime_name(r) for r in regimes]
    if not train_sets:
        raise ValueError("give at least one training set: {name: (images, labels)}")
    num_classes = _checks.integer(num_classes, "num_classes (the number of classes)", minimum=2)
    epochs = _checks.positive_int(epochs, "epochs")
    fine_tune_epochs = _checks.non_negative_int(fine_tune_epochs, "fine_tune_epochs")
    random_epochs = epochs if random_epochs is None else random_epochs
    random_epochs = _checks.positive_int(random_epochs, "random_epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size")
    if resize_to is not None:
        resize_to = _checks.positive_int(resize_to, "resize_to")
    seed = _checks.non_negative_int(seed, "seed")
    x_test, y_test = check_images(*test_set, "test set", num_classes)
    sets = {}
    for name, (x, y) in train_sets.items():
        x, y = check_images(x, y, f"training set {name!r}", num_classes)
        if x.shape[1:] != x_test.shape[1:]:
            raise ValueError(
                f"the training set {name!r} has images of shape {x.shape[1:]} and the test set "
                f"{x_test.shape[1:]}: a model takes one image shape (convert grayscale to RGB "
                "with np.repeat(x, 3, axis=-1), or RGB to gray, so that they match)"
            )
        if len(np.unique(y)) < 2:
            raise ValueError(
                f"the training set {name!r} has a single class ({y[0]}): a classifier needs "
                "examples of at least 2 classes"
            )
        sets[name] = (x, y)

    results: dict[tuple[str, str], TransferRun] = {}
    total = len(sets) * len(regimes)
    test_features = None
    fresh: dict[tuple[str, tuple[int, ...]], _FreshModel] = {}
    with (
        runtime.progress_bar(total, "transfer learning", enabled=progress) as bar,
        runtime.quiet_tensorflow(),  # a new model per regime retraces Keras' functions: expected
    ):
        for name, (x, y) in sets.items():
            features = None
            for regime in regimes:
                bar.set_postfix_str(f"{name}, {regime}")
                start = time.perf_counter()
                key = (regime, x.shape[1:])
                if key not in fresh:  # built once per regime and image shape, see _FreshModel
                    runtime.seed_everything(seed)
                    fine_tune, weights = REGIMES[regime]
                    fresh[key] = _FreshModel(
                        transfer_model(
                            num_classes,
                            fine_tune,
                            weights,
                            input_shape=x.shape[1:],
                            resize_to=resize_to,
                        )
                    )
                model = fresh[key].restart(seed)
                uncalibrated = None
                if regime == "random":
                    _compile(model, LEARNING_RATES["random"])
                    model.fit(x, y, batch_size=batch_size, epochs=random_epochs, verbose=0)
                    uncalibrated = _accuracy(model.predict(x_test, 256, verbose=0), y_test)
                    recalibrate_batchnorm(model, x, seed=seed)
                elif features is None:  # the same ImageNet backbone for every pretrained regime
                    if test_features is None:
                        both = extract_features(model, np.concatenate([x, x_test]))
                        features, test_features = both[: len(x)], both[len(x) :]
                    else:
                        features = extract_features(model, x)
                if regime != "random":
                    fit_regime(
                        model,
                        regime,
                        x,
                        y,
                        epochs=epochs,
                        fine_tune_epochs=fine_tune_epochs,
                        batch_size=batch_size,
                        features=features,
                    )
                if regime == "head":  # scored on the features: no pass through the backbone
                    train_accuracy = _head_accuracy(model, features, y)
                    test_accuracy = _head_accuracy(model, test_features, y_test)
                else:  # one pass over the training and test images
                    probabilities = model.predict(np.concatenate([x, x_test]), 256, verbose=0)
                    train_accuracy = _accuracy(probabilities[: len(x)], y)
                    test_accuracy = _accuracy(probabilities[len(x) :], y_test)
                run = TransferRun(
                    train_set=name,
                    regime=regime,
                    train_images=len(x),
                    train_accuracy=train_accuracy,
                    test_accuracy=test_accuracy,
                    seconds=time.perf_counter() - start,
                    uncalibrated_test_accuracy=uncalibrated,
                )
                results[name, regime] = run
                bar.update(1)
                if verbose:
                    print(
                        f"{name:>6} {regime:>6}: train accuracy {run.train_accuracy:.3f}, "
                        f"test accuracy {run.test_accuracy:.3f} ({run.seconds:.0f} s)"
                    )
    return results
