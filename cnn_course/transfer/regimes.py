"""The four regimes of transfer learning, the deck's words for them, and their models.

:data:`REGIMES` is the one vocabulary of the package; :func:`transfer_model` builds the
classifier of a regime on the course's MobileNetV2 and :func:`set_regime` changes which of its
layers train; :func:`check_images` explains bad input before anything trains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import keras
import numpy as np

from cnn_course import _checks, pretrained

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = [
    "DECK_ADVICE",
    "FINE_TUNE",
    "LEARNING_RATES",
    "RANDOM_EPOCHS",
    "REGIMES",
    "TRANSFER_LEARNING_TABLE",
    "Regime",
    "check_images",
    "recommended_learning_rate",
    "regime_of",
    "set_regime",
    "trainable_param_count",
    "transfer_model",
]


class Regime(NamedTuple):
    """What a regime trains: the ``(fine_tune, weights)`` of :func:`transfer_model`.

    The regime's decisions are read from it, not from its name: whether the backbone is
    pretrained (then the head trains first, on its own, and BatchNorm stays in inference
    mode), whether a fine-tuning phase follows, whether BatchNorm is recalibrated.

    Examples
    --------
    >>> [(r.pretrained, r.fine_tunes, r.recalibrates) for r in REGIMES.values()]
    [(True, False, False), (True, True, False), (True, True, False), (False, False, True)]
    """

    fine_tune: str
    weights: str | None

    @property
    def pretrained(self) -> bool:
        """ImageNet weights: the head trains first, BatchNorm keeps ImageNet's statistics."""
        return self.weights is not None

    @property
    def fine_tunes(self) -> bool:
        """A second phase trains (part of) the pretrained backbone after the head."""
        return self.pretrained and self.fine_tune != "head"

    @property
    def recalibrates(self) -> bool:
        """Trained from random weights: BatchNorm statistics re-estimated after training."""
        return not self.pretrained

    def trains_layer(self, name: str, is_batchnorm: bool, top_blocks: int = 3) -> bool:
        """Whether the backbone layer ``name`` trains in this regime's last phase.

        From random weights every layer trains, BatchNorm included. A pretrained backbone
        keeps its BatchNorm layers frozen (ImageNet's statistics); ``"head"`` trains none
        of its layers, ``"all"`` every other one, ``"top"`` those of the last
        ``top_blocks`` inverted residual blocks and the final 1x1 convolution ``Conv_1``.

        Examples
        --------
        >>> [REGIMES[r].trains_layer("block_16_project", False) for r in REGIMES]
        [False, True, True, True]
        >>> [REGIMES[r].trains_layer("block_2_project", False) for r in REGIMES]
        [False, False, True, True]
        >>> [REGIMES[r].trains_layer("block_16_project_BN", True) for r in REGIMES]
        [False, False, False, True]
        >>> REGIMES["top"].trains_layer("block_13_expand", False, top_blocks=4)
        True
        """
        if not self.pretrained:
            return True
        if not self.fine_tunes or is_batchnorm:
            return False
        if self.fine_tune == "all":
            return True
        last = range(pretrained.NUM_BLOCKS - top_blocks, pretrained.NUM_BLOCKS)
        return name == "Conv_1" or name.startswith(tuple(f"block_{b}_" for b in last))


REGIMES: dict[str, Regime] = {
    "head": Regime("head", "imagenet"),
    "top": Regime("top", "imagenet"),
    "all": Regime("all", "imagenet"),
    "random": Regime("all", None),
}
"""Regime name -> :class:`Regime`, the ``(fine_tune, weights)`` of :func:`transfer_model`.

``"head"``: only the new classifier head trains, the ImageNet backbone is frozen.
``"top"``: the head, then also the last inverted residual blocks.
``"all"``: the head, then every convolution of the backbone (the ImageNet weights are the
initialisation). ``"random"``: everything from a random initialisation -- no transfer."""

FINE_TUNE = tuple(dict.fromkeys(fine_tune for fine_tune, _ in REGIMES.values()))
"""What ``transfer_model(fine_tune=...)`` accepts: ``("head", "top", "all")``."""

LEARNING_RATES: dict[str, float] = {"head": 0.001, "top": 1e-05, "all": 1e-05, "random": 0.001}
"""Regime name -> Adam learning rate of its last phase (see :func:`recommended_learning_rate`);
``"head"``'s is also that of the head phase of ``"top"`` and ``"all"``. Chosen on validation
images carved from notebook 10's training images (:func:`cnn_course.transfer.tuning.
choose_settings`; docs/benchmarks.md has the candidates and their scores)."""

RANDOM_EPOCHS = 5
"""Epochs of the ``"random"`` regime in notebook 10, chosen on validation images with its
learning rate."""

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
    [0.001, 1e-05, 1e-05, 0.001]
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
    try:
        backbone = model.get_layer("mobilenet_v2")
    except ValueError:
        raise ValueError(
            "set_regime needs a model made by transfer_model (it has no layer 'mobilenet_v2')"
        ) from None
    plan = REGIMES[regime]
    backbone.trainable = plan.fine_tunes or not plan.pretrained
    if backbone.trainable:
        for layer in backbone.layers:
            is_bn = isinstance(layer, keras.layers.BatchNormalization)
            layer.trainable = plan.trains_layer(layer.name, is_bn, top_blocks)
    return model


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
