"""Overfitting on a small training set, and what helps: one experiment, one table.

The slide's MNIST convnet reaches 0.99 on 60 000 training images. On a few hundred or a
thousand it learns its training images by heart: the training accuracy reaches 1 while the
accuracy on held-out images stops well below, and the validation loss turns back up. The
classic remedies — dropout, data augmentation, weight decay, batch normalisation, early
stopping — are each a change of one or two lines to the same network
(:func:`regularised_convnet`) or to its fit (:func:`fit_variant`), so they can be measured on
the same data (:func:`small_mnist`) with the same seeds and gathered in one table
(:func:`compare`, :func:`format_results`), over several seeds (:func:`format_seeds`), and
ranked on the validation digits only where one variant's worst seed beats the other's best
(:func:`verdict`). Each variant's setting (dropout rate, augmentation strength, L2 factor,
AdamW decay, BatchNorm momentum) was chosen among :data:`CANDIDATES` on the validation
digits with :func:`choose`; the runs, every seed, are in ``docs/benchmarks.md``.
Chollet, *Deep Learning with Python*, ch. 8 runs the
same experiment on cats and dogs; Géron, *Hands-On Machine Learning*, ch. 11 and 14 covers
the techniques.

Every variant trains with Adam at Keras' default rate (``1e-3``, as on the slide; ``adamw``:
AdamW at the same rate) for the same
number of epochs (:data:`SETTING`, :data:`QUICK_SETTING` in quick mode) through the course's
``tf.data`` pipeline (:func:`cnn_course.train.training_dataset`). The training accuracy in the
table is measured after training in inference mode (dropout off, no augmentation), like the
validation and test accuracies, so the three are comparable.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import keras
import numpy as np

from cnn_course import _checks, slides
from cnn_course.data import load_mnist, subset
from cnn_course.metrics import clearly_better, summarise_seeds
from cnn_course.runtime import quick_mode
from cnn_course.train import (
    check_mnist,
    evaluate,
    steps_per_call,
    training_dataset,
    validation_dataset,
)

__all__ = [
    "ADAMW_WEIGHT_DECAY",
    "AUGMENTATION",
    "BATCH_NORM_MOMENTUM",
    "CANDIDATES",
    "DROPOUT_RATE",
    "L2_FACTOR",
    "QUICK_SETTING",
    "SETTING",
    "VARIANTS",
    "Result",
    "Setting",
    "SmallData",
    "augmentation",
    "choose",
    "compare",
    "describe",
    "early_stopping_callbacks",
    "fit_variant",
    "format_results",
    "format_seeds",
    "optimizer",
    "regularised_convnet",
    "run_variant",
    "score",
    "setting",
    "small_mnist",
    "spread",
    "stopping_epoch",
    "verdict",
]

VARIANTS: Mapping[str, str] = MappingProxyType(
    {
        "baseline": "the slide's convnet without its dropout",
        "dropout": "Dropout(0.5) before the dense layer, as on the slide",
        "augmentation": "random rotations, shifts and zooms of the training images",
        "l2": "an L2 penalty on every kernel, added to the loss (kernel_regularizer), with Adam",
        "adamw": "AdamW: weight decay decoupled from the gradient (Loshchilov & Hutter 2019)",
        "batch_norm": "BatchNormalization after each convolution",
        "early_stopping": "EarlyStopping + ModelCheckpoint on the validation loss",
    }
)
"""The variants :func:`compare` measures, in table order, with what each changes."""

#: The settings tried for each variant, chosen on the validation digits by :func:`choose`
#: (highest mean validation accuracy over the seeds; a candidate within the spread between
#: seeds of the best is no worse, and then the first listed — the value fixed beforehand —
#: is kept). Augmentation: (rotation, translation, zoom) factors. The runs are in
#: ``docs/benchmarks.md``.
CANDIDATES: Mapping[str, tuple[Any, ...]] = MappingProxyType(
    {
        "dropout": (0.5, 0.25),
        "augmentation": ((0.03, 0.1, 0.1), (0.06, 0.15, 0.15)),
        "l2": (1e-3, 1e-4, 1e-2),
        "adamw": (1.0, 0.1, 10.0),
        "batch_norm": (0.9, 0.99),
    }
)

#: The ``dropout`` variant's rate: the slide's ``Dropout(0.5)`` (deck 001, as in
#: :func:`cnn_course.models.mnist_convnet`).
DROPOUT_RATE = slides.MNIST_DROPOUT_RATE
#: The ``batch_norm`` variant's running-statistics momentum (Keras' default is 0.99). On
#: 1 000 digits 0.9 and 0.99 score the same on validation; in quick mode (500 digits, 10-12
#: epochs of 16 steps) 0.99 left 15 % of the initial mean 0 and variance 1 in the running
#: statistics used at inference: 0.15 accuracy at inference after 0.95 in training.
BATCH_NORM_MOMENTUM = 0.9
#: The ``l2`` variant's penalty factor: ``loss += L2_FACTOR · Σ w²`` over the kernels.
L2_FACTOR = 1e-3
#: The ``adamw`` variant's decoupled decay: after each step AdamW shrinks every weight
#: by ``learning_rate · ADAMW_WEIGHT_DECAY`` of itself (``keras.optimizers.AdamW``).
ADAMW_WEIGHT_DECAY = 1.0
#: The ``augmentation`` variant's random transforms (Keras preprocessing-layer factors):
#: rotation ±0.03 of a turn (about ±11°), shifts up to 10 % of the size, zoom up to ±10 %.
AUGMENTATION: Mapping[str, float] = MappingProxyType(
    {"rotation": 0.03, "translation": 0.1, "zoom": 0.1}
)


@dataclasses.dataclass(frozen=True)
class Setting:
    """The sizes and training lengths of the experiment.

    Attributes
    ----------
    train_size : int
        Training images (a class-balanced subset of the 60 000).
    validation_size : int
        Held-out images from the rest of the training set, scored after every epoch.
    epochs : int
        Epochs of every variant (early stopping may stop sooner).
    batch_size : int
        Images per step.
    patience : int
        Epochs without a better validation loss before early stopping stops.

    Examples
    --------
    >>> Setting(train_size=1000, validation_size=2000, epochs=30).batch_size
    32
    >>> Setting(train_size=0, validation_size=2000, epochs=30)
    Traceback (most recent call last):
    ...
    ValueError: the training-set size must be a whole number >= 1, got 0
    """

    train_size: int
    validation_size: int
    epochs: int
    batch_size: int = 32
    patience: int = 5

    def __post_init__(self) -> None:
        _checks.positive_int(self.train_size, "the training-set size")
        _checks.positive_int(self.validation_size, "the validation-set size")
        _checks.positive_int(self.epochs, "the number of epochs")
        _checks.positive_int(self.batch_size, "the batch size")
        _checks.positive_int(self.patience, "the patience")


SETTING = Setting(train_size=1000, validation_size=2000, epochs=30)
"""Full mode: 1 000 training images (100 per digit), 30 epochs."""
QUICK_SETTING = Setting(train_size=500, validation_size=500, epochs=10, patience=3)
"""Quick mode: 500 training images, 10 epochs."""


def setting() -> Setting:
    """:data:`SETTING`, or :data:`QUICK_SETTING` in quick mode.

    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CNN_COURSE_QUICK": "1"}):
    ...     setting().train_size
    500
    """
    return QUICK_SETTING if quick_mode() else SETTING


@dataclasses.dataclass(frozen=True)
class SmallData:
    """A small training set, a validation set and the test set, as uint8 images and labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def small_mnist(
    train_size: int, validation_size: int, seed: int = 0, arrays: Any = None
) -> SmallData:
    """A class-balanced MNIST training subset, a disjoint validation subset, the test set.

    Both subsets come from the 60 000 training images and never share an image; the
    10 000 test images stay whole (the final, untouched score).

    Parameters
    ----------
    train_size, validation_size : int
        How many images in each (together at most 60 000).
    seed : int
        Seed of the draws: the same seed gives the same images.
    arrays : ((x_train, y_train), (x_test, y_test)), optional
        Another data set of 28×28 uint8 images with labels 0–9 (e.g.
        :func:`cnn_course.data.load_fashion_mnist`'s result); default MNIST.

    Returns
    -------
    SmallData

    Raises
    ------
    TypeError, ValueError
        If a size is not a whole number >= 1 or both do not fit in the training set.

    Examples
    --------
    >>> data = small_mnist(1000, 2000)
    >>> data.x_train.shape, np.bincount(data.y_train).tolist()[:3], data.x_val.shape
    ((1000, 28, 28), [99, 112, 99], (2000, 28, 28))
    >>> small_mnist(50_000, 20_000)
    Traceback (most recent call last):
    ...
    ValueError: the training and validation images come from the 60000 training images: \
50000 + 20000 is too many
    """
    train_size = _checks.positive_int(train_size, "the training-set size")
    validation_size = _checks.positive_int(validation_size, "the validation-set size")
    seed = _checks.non_negative_int(seed, "the seed")
    try:
        (x, y), (x_test, y_test) = load_mnist() if arrays is None else arrays
    except (TypeError, ValueError):
        raise TypeError(
            "arrays must be ((x_train, y_train), (x_test, y_test)), as load_mnist() returns them"
        ) from None
    x, y = check_mnist(x, y, "training")
    x_test, y_test = check_mnist(x_test, y_test, "test")
    if train_size + validation_size > len(y):
        raise ValueError(
            f"the training and validation images come from the {len(y)} training images: "
            f"{train_size} + {validation_size} is too many"
        )
    # draw indices, so that the validation images are drawn from the images left over
    index = np.arange(len(y))
    train_index, _ = subset(index, y, train_size, seed=seed)
    rest = np.setdiff1d(index, train_index)
    val_index, _ = subset(rest, y[rest], validation_size, seed=seed)
    return SmallData(x[train_index], y[train_index], x[val_index], y[val_index], x_test, y_test)


def augmentation(
    rotation: float = AUGMENTATION["rotation"],
    translation: float = AUGMENTATION["translation"],
    zoom: float = AUGMENTATION["zoom"],
    seed: int = 0,
) -> keras.Sequential:
    """Keras preprocessing layers that move, turn and zoom each training image at random.

    Active only while training (``fit``); at inference (``predict``, ``evaluate``) they pass
    the images through unchanged. No flips: a mirrored 2 is no digit, and a 6 turned upside
    down is a 9. The empty border they create is filled with zeros, MNIST's black background.

    Parameters
    ----------
    rotation : float
        Largest rotation, in fractions of a full turn (0.03 ≈ 11°).
    translation : float
        Largest shift, as a fraction of the height and of the width.
    zoom : float
        Largest zoom in or out, as a fraction of the size.
    seed : int
        Seeds the random transforms.

    Examples
    --------
    >>> layers = augmentation()
    >>> [layer.__class__.__name__ for layer in layers.layers]
    ['RandomRotation', 'RandomTranslation', 'RandomZoom']
    >>> image = np.zeros((1, 28, 28, 1), np.float32)
    >>> bool((layers(image, training=False) == image).numpy().all())  # inference: unchanged
    True
    >>> augmentation(rotation=-0.1)
    Traceback (most recent call last):
    ...
    ValueError: the rotation factor must lie in [0, 0.5], got -0.1
    """
    rotation = _checks.real(rotation, "the rotation factor", 0.0, 0.5)
    translation = _checks.real(translation, "the translation factor", 0.0, 1.0)
    zoom = _checks.real(zoom, "the zoom factor", 0.0, 1.0, open_high=True)
    seed = _checks.non_negative_int(seed, "the seed")
    layers = keras.layers
    fill = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            layers.RandomRotation(rotation, seed=seed, **fill),
            layers.RandomTranslation(translation, translation, seed=seed + 1, **fill),
            layers.RandomZoom(zoom, zoom, seed=seed + 2, **fill),
        ],
        name="augmentation",
    )


def _value(variant: str, value: Any) -> Any:
    """The variant's setting: ``value``, or the chosen default when ``None``."""
    defaults = {
        "dropout": DROPOUT_RATE,
        "augmentation": tuple(AUGMENTATION.values()),
        "l2": L2_FACTOR,
        "adamw": ADAMW_WEIGHT_DECAY,
        "batch_norm": BATCH_NORM_MOMENTUM,
    }
    if value is None:
        return defaults.get(variant)
    if variant not in defaults:
        raise ValueError(f"the variant {variant!r} has no setting to change, got {value!r}")
    if variant == "augmentation":
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 3:
            raise TypeError("the augmentation setting must be (rotation, translation, zoom)")
        return tuple(_checks.real(v, "each augmentation factor", 0.0, 0.5) for v in value)
    high = {"dropout": 1.0, "batch_norm": 1.0}.get(variant, math.inf)
    return _checks.real(value, f"the {variant} setting", 0.0, high, open_high=True)


def regularised_convnet(variant: str = "baseline", seed: int = 0, value: Any = None) -> keras.Model:
    """The slide's MNIST convnet (deck 001), changed by one regulariser (:data:`VARIANTS`).

    ``baseline`` is the slide's network without its dropout: conv 32 3×3 → pool → conv 64
    3×3 → pool → flatten → dense 10 softmax (34 826 parameters). ``adamw`` and
    ``early_stopping`` are the same network (they change the fit, not the model).

    Parameters
    ----------
    variant : str
        One of :data:`VARIANTS`.
    seed : int
        Seeds the initial weights (and the augmentation).
    value : optional
        The variant's setting, one of :data:`CANDIDATES` (default the chosen one:
        :data:`DROPOUT_RATE`, :data:`AUGMENTATION`, :data:`L2_FACTOR`,
        :data:`BATCH_NORM_MOMENTUM`).

    Returns
    -------
    keras.Model
        Uncompiled; takes float32 images (N, 28, 28, 1) in [0, 1].

    Examples
    --------
    >>> counts = {v: regularised_convnet(v).count_params() for v in VARIANTS}
    >>> counts["baseline"] == counts["dropout"] == counts["augmentation"] == 34_826
    True
    >>> counts["batch_norm"] - counts["baseline"]  # 4 per channel (32 + 64), minus the biases
    288
    >>> regularised_convnet("dropout", value=0.25).get_layer("dropout").rate
    0.25
    >>> regularised_convnet("mixup")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: the variant must be one of 'baseline', 'dropout', ...; got 'mixup'
    """
    variant = _checks.one_of(variant, "the variant", VARIANTS)
    seed = _checks.non_negative_int(seed, "the seed")
    value = _value(variant, value)
    layers = keras.layers
    keras.utils.set_random_seed(seed)
    penalty = keras.regularizers.L2(value) if variant == "l2" else None
    norm = variant == "batch_norm"

    def conv(filters: int, name: str) -> list[Any]:
        if not norm:
            return [
                layers.Conv2D(filters, 3, activation="relu", kernel_regularizer=penalty, name=name)
            ]
        # BatchNormalization between the convolution and its ReLU; its shift replaces the bias.
        return [
            layers.Conv2D(filters, 3, use_bias=False, name=name),
            layers.BatchNormalization(momentum=value, name=f"{name}_bn"),
            layers.Activation("relu", name=f"{name}_relu"),
        ]

    stack: list[Any] = [keras.Input(shape=slides.MNIST_INPUT_SHAPE, name="image")]
    if variant == "augmentation":
        rotation, translation, zoom = value
        stack.append(augmentation(rotation, translation, zoom, seed=seed))
    stack += [
        *conv(32, "conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        *conv(64, "conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Flatten(name="flatten"),
    ]
    if variant == "dropout":
        stack.append(layers.Dropout(value, seed=seed, name="dropout"))
    stack.append(
        layers.Dense(
            slides.MNIST_NUM_CLASSES,
            activation="softmax",
            kernel_regularizer=penalty,
            name="predictions",
        )
    )
    return keras.Sequential(stack, name=variant)


#: Layer settings :func:`describe` leaves out: names, seeds and dtypes say nothing of the
#: network a layer computes.
_IGNORED = frozenset({"name", "seed", "dtype", "trainable", "dtype_policy"})


def _plain(config: Any) -> Any:
    """A layer's config without names, seeds and dtypes, recursively."""
    if isinstance(config, Mapping):
        return {k: _plain(v) for k, v in config.items() if k not in _IGNORED}
    if isinstance(config, list | tuple):
        return [_plain(v) for v in config]
    return config


def describe(model: keras.Model) -> list[tuple[str, dict[str, Any]]]:
    """Each layer of ``model`` as (class name, settings), nested models flattened.

    Two models with the same description compute the same function of their weights:
    names, seeds and dtypes are left out. It lets a network written out layer by layer be
    compared with :func:`regularised_convnet`'s.

    Examples
    --------
    >>> import keras
    >>> mine = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
    ...                          keras.layers.Dropout(0.5)])
    >>> [kind for kind, _ in describe(mine)], describe(mine)[1][1]["rate"]
    (['Flatten', 'Dropout'], 0.5)
    """
    _checks.instance(model, keras.Model, "a Keras model")
    found: list[tuple[str, dict[str, Any]]] = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += describe(layer)
        else:
            found.append((type(layer).__name__, _plain(layer.get_config())))
    return found


def stopping_epoch(val_losses: Sequence[float], patience: int) -> tuple[int, int]:
    """When early stopping stops, and which epoch's weights it keeps: ``(stop, best)``.

    The rule of :class:`keras.callbacks.EarlyStopping` (``monitor="val_loss"``,
    ``min_delta=0``): after every epoch, if the validation loss is lower than every earlier
    one, that epoch becomes the best; otherwise a counter grows, and training stops after the
    epoch where ``patience`` epochs in a row have not improved on the best. The best epoch is
    the one :class:`keras.callbacks.ModelCheckpoint` (``save_best_only=True``) saved last.
    Epochs count from 1, as Keras prints them.

    Parameters
    ----------
    val_losses : sequence of float
        The validation loss after each epoch the fit would run (at most ``epochs`` values).
    patience : int
        Epochs without improvement before stopping.

    Returns
    -------
    (int, int)
        The last epoch trained and the best epoch.

    Examples
    --------
    >>> stopping_epoch([0.5, 0.3, 0.25, 0.26, 0.27, 0.24, 0.3, 0.31, 0.33, 0.4], patience=3)
    (9, 6)
    >>> stopping_epoch([0.5, 0.4, 0.3], patience=3)  # never stops early: all epochs run
    (3, 3)
    >>> stopping_epoch([], patience=3)
    Traceback (most recent call last):
    ...
    ValueError: the validation losses must be a non-empty list of numbers, one per epoch
    """
    patience = _checks.positive_int(patience, "the patience")
    if isinstance(val_losses, str) or not isinstance(val_losses, Sequence | np.ndarray):
        raise TypeError("the validation losses must be a list of numbers, one per epoch")
    losses = [_checks.real(v, "each validation loss") for v in val_losses]
    if not losses:
        raise ValueError("the validation losses must be a non-empty list of numbers, one per epoch")
    best, wait = 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if best == 0 or loss < losses[best - 1]:
            best, wait = epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best
    return len(losses), best


@dataclasses.dataclass(frozen=True)
class Result:
    """One row of the table: a variant's accuracies after training.

    ``gap`` is the training minus the validation accuracy; ``epochs`` the epochs trained
    and ``best_epoch`` the epoch whose weights the model kept (the last one, except with
    early stopping).
    """

    variant: str
    train_accuracy: float
    val_accuracy: float
    test_accuracy: float
    epochs: int
    best_epoch: int
    history: Mapping[str, list[float]] = dataclasses.field(repr=False, compare=False)

    @property
    def gap(self) -> float:
        """Training accuracy minus validation accuracy: how much was learned by heart."""
        return self.train_accuracy - self.val_accuracy


def _small_data(data: object) -> SmallData:
    if not isinstance(data, SmallData):
        raise TypeError(
            f"the data must be what generalisation.small_mnist() returns, got {type(data).__name__}"
        )
    return data


def optimizer(weight_decay: float | None = None) -> keras.optimizers.Optimizer:
    """Adam at 1e-3 (the slide's optimizer), or AdamW with a decoupled ``weight_decay``.

    Adam with an L2 penalty in the loss (the ``l2`` variant) is not weight decay: Adam
    divides each gradient, the penalty's too, by the root of its running mean square, so
    weights with large gradients are hardly pulled towards zero. AdamW (Loshchilov &
    Hutter 2019) leaves the penalty out of the gradient and shrinks every weight after each
    step by ``learning_rate · weight_decay`` of itself.

    Examples
    --------
    >>> type(optimizer()).__name__, round(float(optimizer().learning_rate), 6)
    ('Adam', 0.001)
    >>> type(optimizer(1.0)).__name__, optimizer(1.0).weight_decay
    ('AdamW', 1.0)
    """
    if weight_decay is None:
        return keras.optimizers.Adam(learning_rate=1e-3)
    weight_decay = _checks.real(weight_decay, "the weight decay", 0.0, open_low=True)
    return keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=weight_decay)


def early_stopping_callbacks(path: str, patience: int) -> list[Any]:
    """``EarlyStopping`` and ``ModelCheckpoint`` on the validation loss, as ``fit`` takes them.

    The first stops the fit once the validation loss has not improved for ``patience``
    epochs; the second saves the weights to ``path`` (ending in ``.weights.h5``) each time
    the validation loss reaches a new low. Load them back after the fit.

    Examples
    --------
    >>> [type(c).__name__ for c in early_stopping_callbacks("best.weights.h5", 5)]
    ['EarlyStopping', 'ModelCheckpoint']
    """
    patience = _checks.positive_int(patience, "the patience")
    return [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience),
        keras.callbacks.ModelCheckpoint(
            path, monitor="val_loss", save_best_only=True, save_weights_only=True
        ),
    ]


def score(
    model: keras.Model,
    data: SmallData,
    history: Mapping[str, Sequence[float]],
    *,
    patience: int | None = None,
) -> Result:
    """The table row of a trained ``model``: its three accuracies, measured at inference.

    Parameters
    ----------
    model : keras.Model
        Trained (with early stopping: with the best epoch's weights loaded back).
    data : SmallData
        :func:`small_mnist`'s result.
    history : mapping
        ``model.fit(...).history``.
    patience : int, optional
        The early-stopping patience, if the fit stopped early: the kept epoch is then
        :func:`stopping_epoch`'s best one; otherwise the last.

    Returns
    -------
    Result
    """
    data = _small_data(data)
    epochs = len(history["loss"])
    best = epochs if patience is None else stopping_epoch(history["val_loss"], patience)[1]
    return Result(
        variant=model.name,
        train_accuracy=evaluate(model, data.x_train, data.y_train),
        val_accuracy=evaluate(model, data.x_val, data.y_val),
        test_accuracy=evaluate(model, data.x_test, data.y_test),
        epochs=epochs,
        best_epoch=best,
        history=MappingProxyType({k: list(map(float, v)) for k, v in history.items()}),
    )


def fit_variant(
    model: keras.Model,
    data: SmallData,
    *,
    early_stopping: bool = False,
    weight_decay: float | None = None,
    run_setting: Setting | None = None,
    seed: int = 0,
    curves: bool = True,
    verbose: str | int = 0,
) -> Result:
    """Compile and train ``model`` on ``data``'s small training set; score it on all three sets.

    Adam at 1e-3 (the slide's optimizer; AdamW with ``weight_decay``, :func:`optimizer`),
    sparse categorical cross-entropy, the validation set scored after every epoch. With
    ``early_stopping``, :func:`early_stopping_callbacks` stop once the validation loss has
    not improved for ``patience`` epochs and keep the weights of the best epoch, which are
    loaded back before scoring. Several steps run per call into TensorFlow
    (``steps_per_execution``): it changes no number, only the time.

    Parameters
    ----------
    model : keras.Model
        E.g. :func:`regularised_convnet`'s result; trained in place.
    data : SmallData
        :func:`small_mnist`'s result.
    early_stopping : bool
        Stop early and restore the best epoch's weights.
    weight_decay : float, optional
        Train with AdamW and this decoupled decay instead of Adam.
    run_setting : Setting, optional
        Epochs, batch size, patience (default :func:`setting`).
    seed : int
        Seeds the shuffling.
    curves : bool
        Score the validation digits after every epoch (the curves, and what early stopping
        watches). ``False`` scores them once, after training: the same model and numbers
        (scoring draws no random number), no validation curves, a third less time.
    verbose : "auto", 0, 1 or 2
        As in ``keras.Model.fit``.

    Returns
    -------
    Result
    """
    data = _small_data(data)
    early_stopping = _checks.flag(early_stopping, "early_stopping")
    if not _checks.flag(curves, "curves") and early_stopping:
        raise ValueError("early stopping watches the validation loss: it needs curves=True")
    run = setting() if run_setting is None else run_setting
    _checks.instance(run, Setting, "a generalisation.Setting")
    seed = _checks.non_negative_int(seed, "the seed")
    _checks.instance(model, keras.Model, "a Keras model (e.g. regularised_convnet())")
    steps = math.ceil(len(data.y_train) / run.batch_size)
    model.compile(
        optimizer=optimizer(weight_decay),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_call(steps, 16),
    )
    with tempfile.TemporaryDirectory() as folder:
        best = os.path.join(folder, "best.weights.h5")
        callbacks = early_stopping_callbacks(best, run.patience) if early_stopping else []
        history = model.fit(
            training_dataset(data.x_train, data.y_train, run.batch_size, seed),
            steps_per_epoch=steps,
            epochs=run.epochs,
            validation_data=validation_dataset(data.x_val, data.y_val) if curves else None,
            callbacks=callbacks,
            shuffle=False,  # the pipeline shuffles
            verbose=verbose,
        ).history
        if early_stopping:
            model.load_weights(best)
    return score(model, data, history, patience=run.patience if early_stopping else None)


def run_variant(
    variant: str,
    data: SmallData,
    *,
    value: Any = None,
    run_setting: Setting | None = None,
    seed: int = 0,
    curves: bool = True,
    verbose: str | int = 0,
) -> Result:
    """Build one variant (:func:`regularised_convnet`) and train it (:func:`fit_variant`).

    ``value`` is the variant's setting (one of :data:`CANDIDATES`; default the chosen one):
    for ``adamw`` the decoupled decay of the fit, for the others a setting of the model.
    ``curves`` as in :func:`fit_variant` (early stopping always scores every epoch).
    """
    variant = _checks.one_of(variant, "the variant", VARIANTS)
    model_value = None if variant == "adamw" else value
    return fit_variant(
        regularised_convnet(variant, seed, model_value),
        data,
        early_stopping=variant == "early_stopping",
        weight_decay=_value("adamw", value) if variant == "adamw" else None,
        run_setting=run_setting,
        seed=seed,
        curves=curves or variant == "early_stopping",
        verbose=verbose,
    )


def compare(
    data: SmallData,
    variants: Sequence[str] = tuple(VARIANTS),
    *,
    run_setting: Setting | None = None,
    seed: int = 0,
    curves: bool = True,
    verbose: str | int = 0,
) -> list[Result]:
    """Train every variant from the same seed on the same data; one :class:`Result` each.

    Parameters
    ----------
    data : SmallData
        :func:`small_mnist`'s result.
    variants : sequence of str
        Names from :data:`VARIANTS` (default all, in table order).
    run_setting : Setting, optional
        Default :func:`setting`.
    seed : int
        Seeds the initial weights, the augmentation, dropout and the shuffling.
    curves : bool
        As in :func:`fit_variant`: ``False`` scores the validation digits once, after
        training (early stopping still scores them every epoch).
    verbose : "auto", 0, 1 or 2
        As in ``keras.Model.fit``.

    Returns
    -------
    list of Result
    """
    data = _small_data(data)
    if isinstance(variants, str):
        raise TypeError("variants must be a list of variant names, e.g. ['baseline', 'dropout']")
    names = [_checks.one_of(v, "each variant", VARIANTS) for v in variants]
    if not names:
        raise ValueError("there are no variants to compare")
    return [
        run_variant(name, data, run_setting=run_setting, seed=seed, curves=curves, verbose=verbose)
        for name in names
    ]


def spread(values: Sequence[float]) -> float:
    """The spread between seeds: the largest value minus the smallest.

    >>> round(spread([0.949, 0.9505, 0.946]), 4)
    0.0045
    >>> spread([])
    Traceback (most recent call last):
    ...
    ValueError: the values must be a non-empty list of numbers, one per seed
    """
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError("the values must be a list of numbers, one per seed")
    numbers = [_checks.real(v, "each value") for v in values]
    if not numbers:
        raise ValueError("the values must be a non-empty list of numbers, one per seed")
    return summarise_seeds(numbers).spread


def verdict(a: Sequence[float], b: Sequence[float]) -> int:
    """Does ``a`` beat ``b``? ``1`` yes, ``-1`` no (``b`` beats ``a``), ``0`` not ranked.

    ``a`` and ``b`` hold one measurement per seed (e.g. validation accuracies). One is
    ranked above the other only if its worst seed is above the other's best seed
    (:func:`cnn_course.metrics.clearly_better`, the rule every notebook uses): a difference
    within the spread between seeds is no difference. With a single seed nothing is
    ranked: the spread is not measured.

    Examples
    --------
    >>> verdict([0.965, 0.966, 0.962], [0.949, 0.9505, 0.946])  # 0.962 above 0.9505
    1
    >>> verdict([0.960, 0.9585, 0.955], [0.959, 0.965, 0.961])  # the ranges overlap
    0
    >>> verdict([0.95], [0.96])  # one seed: no spread measured
    0
    """
    spread(a), spread(b)  # refuses what is not a list of numbers
    if len(a) < 2 or len(b) < 2:
        return 0
    if clearly_better(a, b):
        return 1
    return -1 if clearly_better(b, a) else 0


def choose(val_accuracies: Mapping[Any, Sequence[float]]) -> Any:
    """The setting to keep among candidates, from their validation accuracies only.

    The candidate with the highest mean, unless an earlier-listed candidate is not ranked
    below it (:func:`verdict`): then the earlier one (the value fixed beforehand comes first
    in :data:`CANDIDATES`) is kept.

    Examples
    --------
    >>> choose({1e-3: [0.947, 0.944, 0.948], 1e-4: [0.950, 0.946, 0.951], 1e-2: [0.93, 0.94, 0.93]})
    0.001
    >>> choose({0.5: [0.950, 0.951, 0.950], 0.25: [0.960, 0.961, 0.959]})
    0.25
    """
    if not isinstance(val_accuracies, Mapping) or not val_accuracies:
        raise TypeError("val_accuracies must be a non-empty dict {setting: [accuracy per seed]}")
    best = max(val_accuracies, key=lambda k: float(np.mean(val_accuracies[k])))
    for candidate, values in val_accuracies.items():
        if candidate == best or verdict(val_accuracies[best], values) == 0:
            return candidate
    return best  # pragma: no cover - the loop reaches best


def format_results(results: Sequence[Result]) -> str:
    """The one table: variant, train / validation / test accuracy, gap, epochs.

    Examples
    --------
    >>> row = Result("dropout", 1.0, 0.9512, 0.95, 30, 30, {})
    >>> print(format_results([row]))
    variant         train acc  val acc  test acc    gap  epochs
    dropout            1.0000   0.9512    0.9500  0.049      30
    >>> print(format_results([Result("early_stopping", 0.99, 0.95, 0.949, 17, 12, {})]))
    variant         train acc  val acc  test acc    gap  epochs
    early_stopping     0.9900   0.9500    0.9490  0.040  12 (of 17)
    """
    if isinstance(results, Result) or not all(isinstance(r, Result) for r in results):
        raise TypeError("format_results takes a list of Result rows, as compare() returns")
    lines = [f"{'variant':<15} {'train acc':>9} {'val acc':>8} {'test acc':>9} {'gap':>6}  epochs"]
    for r in results:
        epochs = str(r.epochs) if r.best_epoch == r.epochs else f"{r.best_epoch} (of {r.epochs})"
        lines.append(
            f"{r.variant:<15} {r.train_accuracy:>9.4f} {r.val_accuracy:>8.4f} "
            f"{r.test_accuracy:>9.4f} {r.gap:>6.3f}  {epochs:>6}"
        )
    return "\n".join(lines)


def format_seeds(tables: Mapping[int, Sequence[Result]]) -> str:
    """Every variant over several seeds: validation and test accuracy, mean, spread, each seed.

    ``tables`` maps each seed to its table (:func:`compare`'s list). The spread is the
    largest value minus the smallest (:func:`spread`).

    Examples
    --------
    >>> rows = {0: [Result("dropout", 1.0, 0.96, 0.958, 30, 30, {})],
    ...         1: [Result("dropout", 1.0, 0.9585, 0.9558, 30, 30, {})]}
    >>> print(format_seeds(rows))
    variant         val acc: mean  spread  seeds 0, 1     test acc: mean  spread  gap
    dropout                0.9592  0.0015  0.9600 0.9585          0.9569  0.0022  0.041
    """
    if not isinstance(tables, Mapping) or not tables:
        raise TypeError("tables must be a non-empty dict {seed: list of Result rows}")
    seeds = list(tables)
    names = [r.variant for r in tables[seeds[0]]]
    rows = {seed: {r.variant: r for r in table} for seed, table in tables.items()}
    if any(set(row) != set(names) for row in rows.values()):
        raise ValueError("every seed's table must hold the same variants")
    head = f"seeds {', '.join(map(str, seeds))}"
    width = max(len(head), 7 * len(seeds) - 1)
    lines = [
        f"{'variant':<15} {'val acc: mean':>13}  spread  {head:<{width}}  "
        f"{'test acc: mean':>14}  spread  gap"
    ]
    for name in names:
        val = [rows[seed][name].val_accuracy for seed in seeds]
        test = [rows[seed][name].test_accuracy for seed in seeds]
        gap = float(np.mean([rows[seed][name].gap for seed in seeds]))
        each = " ".join(f"{v:.4f}" for v in val)
        lines.append(
            f"{name:<15} {np.mean(val):>13.4f}  {spread(val):.4f}  {each:<{width}}  "
            f"{np.mean(test):>14.4f}  {spread(test):.4f}  {gap:.3f}"
        )
    return "\n".join(lines)
