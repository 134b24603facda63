"""Transfer learning with the course's pretrained MobileNetV2: which layers to retrain.

Deck 002 (« A retenir ») advises, by dataset size and by how far the new domain is
from ImageNet: retrain only the new classifier head, also retrain the last layers,
fine-tune everything from the ImageNet weights, or train from a random
initialisation. Those are the four *regimes* of this module (:data:`REGIMES`), one
vocabulary for everything below:

- :func:`transfer_model` builds the classifier of a regime on top of
  :func:`cnn_course.pretrained.imagenet_backbone`, and
  :func:`recommended_learning_rate` says how fast it may learn;
- :data:`TRANSFER_LEARNING_TABLE` maps the deck's 2×2 table to the regimes;
- :func:`transfer_experiment` (notebook 10) trains one model per regime and training
  set and scores it on one test set, so the advice can be checked against
  measurements instead of taken on trust.

Keras (and so TensorFlow) is imported when a model is built, not when this module is
imported.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cnn_course import _checks, _lazy, pretrained, runtime

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = [
    "FINE_TUNE",
    "LEARNING_RATES",
    "REGIMES",
    "TRANSFER_LEARNING_TABLE",
    "TransferRun",
    "recommended_learning_rate",
    "regime_of",
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
"""Regime name -> ``(fine_tune, weights)`` of :func:`transfer_model`: only the new head,
also the last blocks, everything from the ImageNet weights, and everything from a random
initialisation (the baseline without transfer)."""

FINE_TUNE = tuple(dict.fromkeys(fine_tune for fine_tune, _ in REGIMES.values()))
"""What ``transfer_model(fine_tune=...)`` accepts: ``("head", "top", "all")``."""

LEARNING_RATES: dict[str, float] = {"head": 1e-3, "top": 1e-4, "all": 1e-5, "random": 1e-3}
"""Regime name -> Adam learning rate (see :func:`recommended_learning_rate`)."""

TRANSFER_LEARNING_TABLE: dict[tuple[str, str], tuple[str, str]] = {
    ("small", "imagenet"): ("Les dernières couches", "head"),
    ("small", "different"): ("Collecter plus de données", "head"),
    ("large", "imagenet"): ("Utiliser comme initialisation", "all"),
    ("large", "different"): ("Initialisation aléatoire", "random"),
}
"""The lecture's « A retenir » table (deck 002): (dataset size, domain) -> (slide text, regime).

The regime is the :data:`REGIMES` entry that implements the advice; with a small
dataset far from ImageNet the slide's advice is to collect more data -- until then, a
frozen backbone (``"head"``) is the only regime that will not overfit. With more data
close to ImageNet, ``"top"`` sits between ``"head"`` and ``"all"`` (the slide
"Transfer learning avec plus de données": retrain the last layers).
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


def recommended_learning_rate(
    fine_tune: str | None = None, weights: str | None = "imagenet"
) -> float:
    """A learning rate for Adam that suits each transfer-learning regime.

    Training only the new head (or a random-init model) can go fast; once
    pretrained layers are trained too, a small learning rate keeps their
    ImageNet features from being wiped out by the first, large gradients of
    the untrained head.

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
        raise ValueError(
            f"the input shape must be (height, width, channels), got {tuple(input_shape)!r}"
        )
    height, width, channels = (
        _checks.positive_int(n, "each number of the input shape") for n in input_shape
    )
    if channels not in (1, 3):
        raise ValueError(f"the images must have 3 channels (RGB) or 1 (grayscale), got {channels}")
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
    (layer ``mobilenet_v2``) -> ``GlobalAveragePooling2D`` -> ``Dropout`` ->
    ``Dense(num_classes, softmax)``. What is trained follows the lecture:

    ``"head"`` (little data)
        only the new dense layer; the backbone is frozen (``trainable=False``)
        and called with ``training=False``, so its BatchNorm layers keep using
        their ImageNet statistics.
    ``"top"`` (more data)
        also the convolutions of the last ``top_blocks`` inverted residual
        blocks and the final 1x1 convolution ``Conv_1``; every BatchNorm layer
        stays frozen, in inference mode.
    ``"all"`` (lots of data)
        everything, starting from the ImageNet weights ("use as
        initialisation"); the BatchNorm layers adapt to the new data.
    ``weights=None``
        a random backbone, everything trained: the baseline without transfer
        (regime ``"random"``).

    The model is uncompiled; compile it with e.g.
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
        copies the gray into R, G and B with a ``Concatenate`` layer
        ``gray_to_rgb``).
    dropout : float
        Dropout rate before the new dense layer, in [0, 1).
    top_blocks : int
        With ``"top"``: how many of the 17 inverted residual blocks to retrain.
    resize_to : int, optional
        Resize the images to ``resize_to`` x ``resize_to`` inside the model
        (layer ``resize``). By default images smaller than 32x32 (MobileNetV2's
        minimum) are resized to 32x32 and others are left alone; larger sizes
        (e.g. 96) give the ImageNet features more to work with but cost more.

    Returns
    -------
    keras.Model

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
    fine_tune, weights = REGIMES[regime]
    num_classes = _checks.integer(num_classes, "num_classes", minimum=2)
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

    if fine_tune == "head":
        backbone.trainable = False
    elif fine_tune == "top":
        blocks = range(pretrained.NUM_BLOCKS - top_blocks, pretrained.NUM_BLOCKS)
        retrained = tuple(f"block_{b}_" for b in blocks)
        backbone.trainable = True
        for layer in backbone.layers:
            is_bn = isinstance(layer, layers.BatchNormalization)
            layer.trainable = not is_bn and (
                layer.name.startswith(retrained) or layer.name == "Conv_1"
            )
    else:
        backbone.trainable = True

    inputs = keras.Input(shape=shape, name="image")
    x = inputs
    if (height, width) != size:
        x = layers.Resizing(*size, interpolation="bilinear", name="resize")(x)
    if channels == 1:
        x = layers.Concatenate(name="gray_to_rgb")([x, x, x])
    # "head" and "top": training=False keeps every BatchNorm in inference mode.
    x = backbone(x, training=False) if fine_tune in ("head", "top") else backbone(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    suffix = "random" if weights is None else fine_tune
    return keras.Model(inputs, outputs, name=f"transfer_{suffix}")


# --------------------------------------------------------------------------------------
# The experiment of notebook 10
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TransferRun:
    """One trained model of :func:`transfer_experiment`."""

    train_set: str
    regime: str
    train_images: int
    train_accuracy: float
    """Accuracy on the training images over the last epoch (dropout on)."""
    test_accuracy: float
    seconds: float
    """Wall time of building, training and scoring the model."""


def _check_xy(x: Any, y: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 4 or y.ndim != 1 or len(x) != len(y) or len(x) == 0:
        raise ValueError(
            f"the {what} must be images of shape (N, height, width, channels) and N integer "
            f"labels, got images {x.shape} and labels {y.shape}"
        )
    return x, y


def transfer_experiment(
    train_sets: Mapping[str, tuple[Any, Any]],
    test_set: tuple[Any, Any],
    regimes: Sequence[str] = tuple(REGIMES),
    *,
    num_classes: int = 10,
    epochs: int = 5,
    batch_size: int = 32,
    resize_to: int | None = 32,
    seed: int = 0,
    progress: bool = True,
    verbose: bool = True,
) -> dict[tuple[str, str], TransferRun]:
    """Train one model per training set × regime and score each on the test set.

    Every model starts from the same seed, is compiled with Adam at
    :func:`recommended_learning_rate` for its regime (small when pretrained layers
    are trained, so the first large gradients of the new head do not wipe out their
    ImageNet features) and trains for ``epochs``.

    Parameters
    ----------
    train_sets : mapping
        Name -> ``(images, labels)``; images (N, H, W, C) as the model takes them
        (for the course's MobileNetV2: pixel values 0..255, 1 or 3 channels).
    test_set : (images, labels)
        The images no model trains on.
    regimes : sequence of str
        Names from :data:`REGIMES` (default: all four).
    num_classes : int
    epochs, batch_size : int
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
        For an unknown regime, an empty or ill-shaped data set, or epochs < 1.

    Examples
    --------
    >>> transfer_experiment({"tiny": (np.zeros((4, 32, 32, 3)), np.arange(4))},
    ...                     (np.zeros((2, 32, 32, 3)), np.arange(2)), regimes=["head", "best"])
    Traceback (most recent call last):
    ...
    ValueError: unknown regime 'best'; choose from 'head', 'top', 'all', 'random'
    """
    choices = ", ".join(map(repr, REGIMES))
    if not regimes:
        raise ValueError(f"give at least one regime: {choices}")
    unknown = [r for r in regimes if r not in REGIMES]
    if unknown:
        raise ValueError(f"unknown regime {unknown[0]!r}; choose from {choices}")
    if not train_sets:
        raise ValueError("give at least one training set: {name: (images, labels)}")
    num_classes = _checks.integer(num_classes, "num_classes", minimum=2)
    epochs = _checks.positive_int(epochs, "epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size")
    if resize_to is not None:
        resize_to = _checks.positive_int(resize_to, "resize_to")
    seed = _checks.non_negative_int(seed, "seed")
    sets = {name: _check_xy(x, y, f"training set {name!r}") for name, (x, y) in train_sets.items()}
    x_test, y_test = _check_xy(*test_set, "test set")
    keras = _lazy.keras()

    results: dict[tuple[str, str], TransferRun] = {}
    total = len(sets) * len(regimes)
    with runtime.progress_bar(total, "transfer learning", enabled=progress) as bar:
        for name, (x, y) in sets.items():
            for regime in regimes:
                fine_tune, weights = REGIMES[regime]
                bar.set_postfix_str(f"{name}, {regime}")
                start = time.perf_counter()
                runtime.seed_everything(seed)
                model = transfer_model(
                    num_classes,
                    fine_tune,
                    weights=weights,
                    input_shape=x.shape[1:],
                    resize_to=resize_to,
                )
                model.compile(
                    optimizer=keras.optimizers.Adam(LEARNING_RATES[regime]),
                    loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"],
                )
                history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
                _, test_accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
                run = TransferRun(
                    train_set=name,
                    regime=regime,
                    train_images=len(x),
                    train_accuracy=float(history.history["accuracy"][-1]),
                    test_accuracy=float(test_accuracy),
                    seconds=time.perf_counter() - start,
                )
                results[name, regime] = run
                bar.update(1)
                if verbose:
                    print(
                        f"{name:>6} {regime:>6}: train accuracy {run.train_accuracy:.3f}, "
                        f"test accuracy {run.test_accuracy:.3f} ({run.seconds:.0f} s)"
                    )
    return results
