"""Training the slide models on MNIST: the course recipe, the keras.io reference, evaluation.

:func:`fit_course_recipe` compiles and trains a model in place on the uint8 images that
:func:`cnn_course.data.load_mnist` returns, and reaches the slides' test accuracy
(:data:`cnn_course.slides.MNIST_CONVNET_TEST_ACCURACY` for
:func:`~cnn_course.models.mnist_convnet`, :data:`cnn_course.slides.FCN_TEST_ACCURACY` for
:func:`~cnn_course.models.fcn_gap`) in a fraction of the time of the keras.io recipe the
slides copied, :func:`fit_reference_recipe` (``python -m cnn_course.bench`` times both).
Why it is fast on a CPU, one line each:

* **fewer epochs, each worth more**: Adam with a short warm-up and a cosine decay of the
  learning rate (a "one-cycle" schedule, :func:`learning_rate_schedule`) at a high peak;
* **no stalls**: one endless ``tf.data`` pipeline (``.repeat()`` + ``steps_per_epoch``)
  without autotuning, so Keras keeps one iterator and never waits to tear one down;
* **no validation pass** unless ``validation_data`` is given (the notebooks hold 12 000
  training images out, :data:`VALIDATION_SIZE`, to watch and to choose settings on; the
  10 000 test images are scored once, at the end);
* **no float copy of the data**: pixels are scaled to [0, 1] per batch in the pipeline.

The measurements behind every choice (recipes tried, seeds, times) are in
``docs/benchmarks.md``, with the commands that produced them.

Quick mode (:func:`cnn_course.runtime.quick_mode`) trains on a class-balanced subset, so
the notebooks run in seconds under the tests.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Mapping, Sequence
from numbers import Real
from types import MappingProxyType
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course import _checks, runtime, slides
from cnn_course.data import subset
from cnn_course.metrics import clearly_better, summarise_seeds
from cnn_course.runtime import quick_mode

__all__ = [
    "QUICK_RECIPE",
    "RECIPES",
    "REFERENCE",
    "VALIDATION_SIZE",
    "Recipe",
    "Trial",
    "check_mnist",
    "choose_recipe",
    "evaluate",
    "fit_course_recipe",
    "fit_reference_recipe",
    "format_trials",
    "learning_rate_schedule",
    "learning_rates",
    "recipe_for",
    "recipe_trials",
    "scale_images",
    "steps_per_call",
    "training_dataset",
    "validation_dataset",
]


@dataclasses.dataclass(frozen=True)
class Recipe:
    """The hyper-parameters of one course recipe (Adam, warm-up + cosine decay).

    Attributes
    ----------
    epochs : int
        Passes over the training set.
    batch_size : int
        Images per step (the global batch, split across devices under a strategy).
    peak_learning_rate : float
        Adam's learning rate at the end of the warm-up.
    warmup_fraction : float
        Share of the steps spent raising the rate linearly from ``peak / 25``.
    final_fraction : float
        The cosine decay ends at ``final_fraction × peak``.
    train_size : int or None
        Train on a class-balanced subset of this size (quick mode), else on everything.
    steps_per_execution : int
        At most this many training steps per call into TensorFlow (``compile``'s
        ``steps_per_execution``; the recipe uses :func:`steps_per_call` of it: 1 under a
        strategy with several replicas). It changes no number, only the time:
        each call costs a few milliseconds of Python, which at batch 64 on a 2-core CPU
        is a fifth of a step (``docs/benchmarks.md``).

    Examples
    --------
    >>> Recipe(epochs=3, batch_size=64).peak_learning_rate
    0.008
    >>> Recipe(epochs=3.0, batch_size=64)
    Traceback (most recent call last):
    ...
    TypeError: the number of epochs must be a whole number, got 3.0 (a float)
    """

    epochs: int
    batch_size: int
    peak_learning_rate: float = 8e-3
    warmup_fraction: float = 0.05
    final_fraction: float = 0.0
    train_size: int | None = None
    steps_per_execution: int = 16

    def __post_init__(self) -> None:
        _checks.positive_int(self.epochs, "the number of epochs")
        _checks.positive_int(self.batch_size, "the batch size")
        _checks.real(self.peak_learning_rate, "the peak learning rate", 0.0, open_low=True)
        _checks.real(self.warmup_fraction, "the warm-up fraction", 0.0, 1.0, open_high=True)
        _checks.real(self.final_fraction, "the final fraction", 0.0, 1.0)
        if self.train_size is not None:
            _checks.positive_int(self.train_size, "the training-set size")
        _checks.positive_int(self.steps_per_execution, "the steps per execution")


RECIPES: Mapping[str, Recipe] = MappingProxyType(
    {
        "mnist_convnet": Recipe(epochs=3, batch_size=64, peak_learning_rate=8e-3),
        "fcn_gap": Recipe(epochs=8, batch_size=128, peak_learning_rate=6e-3, warmup_fraction=0.2),
    }
)
"""Default recipe per model name; other models get ``RECIPES["mnist_convnet"]``.

Chosen on the :data:`VALIDATION_SIZE` held-out training images, never on the test set
(:func:`choose_recipe` over three seeds; ``scripts/choose_recipes.py`` re-runs the choice).
The candidates, every seed's validation accuracy, and the test accuracies of the chosen
recipes are in ``docs/benchmarks.md``.
"""

QUICK_RECIPE = Recipe(epochs=3, batch_size=64, train_size=4000)
"""Quick mode: 4 000 training images (balanced), 3 epochs, whatever the model."""

REFERENCE: Mapping[str, Any] = MappingProxyType(
    {"batch_size": 128, "epochs": 15, "validation_split": 0.1, "learning_rate": 1e-3}
)
"""The keras.io "Simple MNIST convnet" recipe the slides copied (Adam at a constant rate)."""


def recipe_for(model: keras.Model | str) -> Recipe:
    """The default recipe for a model (or a model name), quick mode included.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CNN_COURSE_QUICK": "0"}):
    ...     recipe_for("fcn_gap").epochs > recipe_for("mnist_convnet").epochs
    True
    >>> with mock.patch.dict(os.environ, {"CNN_COURSE_QUICK": "1"}):
    ...     recipe_for("mnist_convnet").train_size
    4000
    """
    name = model if isinstance(model, str) else getattr(model, "name", None)
    if not isinstance(name, str):
        raise TypeError(f"expected a Keras model or a model name, got {type(model).__name__}")
    if quick_mode():
        return QUICK_RECIPE
    return RECIPES.get(name, RECIPES["mnist_convnet"])


# --------------------------------------------------------------------------------------
# Checking and preparing the data
# --------------------------------------------------------------------------------------


def check_mnist(x: Any, y: Any, what: str = "training") -> tuple[np.ndarray, np.ndarray]:
    """Check images and labels as :func:`cnn_course.data.load_mnist` returns them.

    Parameters
    ----------
    x : array of uint8, shape (N, 28, 28) (or (N, 28, 28, 1))
        Raw pixels 0–255.
    y : array of int, shape (N,)
        Digit labels 0–9.
    what : str
        ``"training"``, ``"test"`` or ``"validation"``, for the error messages.

    Returns
    -------
    (x, y)
        ``x`` with shape (N, 28, 28), ``y`` as int64.

    Raises
    ------
    TypeError
        If the pixels are not uint8 or the labels not integers.
    ValueError
        If a shape, a length or a label is wrong; the message says which, in the
        course's words.

    Examples
    --------
    >>> x, y = check_mnist(np.zeros((2, 28, 28), np.uint8), [3, 7])
    >>> x.shape, y.tolist()
    ((2, 28, 28), [3, 7])
    >>> check_mnist(np.zeros((2, 28, 28)), [3, 7])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: the training images must be uint8 pixels (0 to 255) ..., got float64; ...
    >>> check_mnist(np.zeros((2, 28, 28), np.uint8), [3, 10])
    Traceback (most recent call last):
    ...
    ValueError: the training labels must be digits from 0 to 9, got values from 3 to 10
    """
    x = np.asarray(x)
    y = np.asarray(y)
    image_size = slides.MNIST_INPUT_SHAPE[:2]
    classes = slides.MNIST_NUM_CLASSES
    if x.dtype != np.uint8:
        raise TypeError(
            f"the {what} images must be uint8 pixels (0 to 255) as load_mnist() returns "
            f"them, got {x.dtype}; pass the raw images: the recipe scales them to [0, 1] itself"
        )
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[1:] != image_size:
        raise ValueError(
            f"the {what} images must have shape (number of images, 28, 28), got {x.shape}"
        )
    if len(x) == 0:
        raise ValueError(f"there are no {what} images")
    if y.ndim == 2 and y.shape[1] == classes:
        raise ValueError(
            f"the {what} labels must be one integer digit per image, not one-hot "
            f"vectors of shape {y.shape}; use y.argmax(axis=1)"
        )
    if y.ndim != 1:
        raise ValueError(f"the {what} labels must be one digit per image, got shape {y.shape}")
    if len(y) != len(x):
        raise ValueError(
            f"there must be one label per image: {len(x)} {what} images but {len(y)} labels"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"the {what} labels must be integers 0 to 9, got {y.dtype}")
    if y.min() < 0 or y.max() >= classes:
        raise ValueError(
            f"the {what} labels must be digits from 0 to 9, got values from {y.min()} to {y.max()}"
        )
    return x, y.astype(np.int64)


def scale_images(x: np.ndarray) -> np.ndarray:
    """uint8 images (N, 28, 28) → float32 (N, 28, 28, 1) in [0, 1]: what the models take.

    Examples
    --------
    >>> out = scale_images(np.full((1, 28, 28), 255, np.uint8))
    >>> out.shape, out.dtype, float(out.max())
    ((1, 28, 28, 1), dtype('float32'), 1.0)
    """
    return (np.asarray(x, dtype=np.float32) / 255.0)[..., np.newaxis]


def _check_model(model: Any) -> None:
    """A Keras model that takes 28×28×1 images and outputs 10 class probabilities."""
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"expected a Keras model (e.g. cnn_course.models.mnist_convnet()), "
            f"got {type(model).__name__}"
        )
    shape = tuple(model.input_shape[1:])
    fits = len(shape) == 3 and all(
        want is None or want == have
        for want, have in zip(shape, slides.MNIST_INPUT_SHAPE, strict=True)
    )
    if not fits:
        raise ValueError(
            f"the model takes inputs of shape {shape}, but MNIST images are 28×28×1: "
            "build it with input_shape=(28, 28, 1)"
        )
    if model.output_shape[-1] != slides.MNIST_NUM_CLASSES:
        raise ValueError(
            f"the model must output {slides.MNIST_NUM_CLASSES} class probabilities, "
            f"its output has shape {model.output_shape}"
        )


def _prepared(model: Any, x: Any, y: Any, seed: object) -> tuple[np.ndarray, np.ndarray]:
    """What both recipes do first: check the model and the data, seed Keras."""
    _check_model(model)
    x, y = check_mnist(x, y, "training")
    keras.utils.set_random_seed(_checks.non_negative_int(seed, "the seed"))
    return x, y


def _without_autotune(dataset: Any) -> Any:
    """``dataset`` with tf.data autotuning off.

    Keras drops its iterator at the end of ``fit`` (and of every validation pass); an
    autotuned pipeline then waits for its autotune thread (measured in docs/benchmarks.md).
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def training_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int = 0) -> Any:
    """The course recipe's input pipeline: endless, shuffled, batched, scaled per batch.

    A ``tf.data.Dataset`` of ``(images, labels)`` batches: float32 images (B, 28, 28, 1)
    in [0, 1] and int64 labels. It never ends (``.repeat()``), so ``fit`` needs
    ``steps_per_epoch = ceil(N / batch_size)`` to know where an epoch stops; in return
    Keras keeps one iterator for the whole fit and never waits to tear one down. The
    pixels stay uint8 until a batch is drawn (no float copy of the data set), and
    autotuning is off (a fixed ``prefetch(2)`` is all a cheap scaling needs).

    Parameters
    ----------
    x : numpy.ndarray of uint8, shape (N, 28, 28)
        Images as :func:`cnn_course.data.load_mnist` (or ``load_fashion_mnist``) returns them.
    y : numpy.ndarray of int, shape (N,)
        Their labels 0–9.
    batch_size : int
        Images per batch.
    seed : int
        Seeds the shuffling (a new order every epoch, the same orders every run).

    Returns
    -------
    tf.data.Dataset

    Raises
    ------
    TypeError, ValueError
        As :func:`check_mnist`, or if the batch size or the seed is not a whole number
        (>= 1, >= 0).

    Examples
    --------
    >>> x, y = np.full((5, 28, 28), 255, np.uint8), np.arange(5)
    >>> images, labels = next(iter(training_dataset(x, y, batch_size=4)))
    >>> tuple(images.shape), images.dtype.name, float(images.numpy().max())
    ((4, 28, 28, 1), 'float32', 1.0)
    >>> batches = training_dataset(x, y, batch_size=4).take(3)  # it never ends: take(3)
    >>> [int(labels.shape[0]) for _, labels in batches]
    [4, 4, 4]
    """
    x, y = check_mnist(x, y, "training")
    batch_size = _checks.positive_int(batch_size, "the batch size")
    seed = _checks.non_negative_int(seed, "the seed")

    def scale(images: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        return tf.cast(images, tf.float32)[..., tf.newaxis] / 255.0, labels

    return _without_autotune(
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        # One endless stream: Keras keeps its iterator across epochs (no end-of-epoch stall).
        .repeat()
        .batch(batch_size)
        .map(scale)  # per batch: vectorised and cheap
        .prefetch(2)  # a fixed prefetch is all it needs: scaling a batch is cheap
    )


def validation_dataset(x: np.ndarray, y: np.ndarray, batch_size: int = 1000) -> Any:
    """A finite pipeline of held-out images for ``fit(validation_data=...)``.

    Scaled to [0, 1] once, in order, batches of ``batch_size``, autotuning off (Keras
    builds a new iterator for it at every epoch's validation pass).

    Examples
    --------
    >>> x, y = np.zeros((2500, 28, 28), np.uint8), np.zeros(2500, int)
    >>> [int(labels.shape[0]) for _, labels in validation_dataset(x, y)]
    [1000, 1000, 500]
    """
    x, y = check_mnist(x, y, "validation")
    batch_size = _checks.positive_int(batch_size, "the batch size")
    return _without_autotune(
        tf.data.Dataset.from_tensor_slices((scale_images(x), y)).batch(batch_size)
    )


def _recipe(value: object) -> Recipe:
    if not isinstance(value, Recipe):
        raise TypeError(f"the recipe must be a train.Recipe, got {type(value).__name__}")
    return value


def learning_rate_schedule(recipe: Recipe, total_steps: int) -> Any:
    """Linear warm-up from ``peak / 25`` to the peak, then cosine decay: a one-cycle schedule.

    Keras' :class:`~keras.optimizers.schedules.CosineDecay` with ``warmup_target``.

    Parameters
    ----------
    recipe : Recipe
        Gives the peak rate, the warm-up share and the final fraction.
    total_steps : int
        Optimizer steps of the whole fit (epochs × steps per epoch).

    Examples
    --------
    >>> recipe = Recipe(epochs=1, batch_size=1, peak_learning_rate=5e-3, warmup_fraction=0.2)
    >>> schedule = learning_rate_schedule(recipe, total_steps=100)
    >>> [round(float(schedule(step)), 5) for step in (0, 10, 20, 60, 100)]
    [0.0002, 0.0026, 0.005, 0.0025, 0.0]
    """
    recipe = _recipe(recipe)
    total_steps = _checks.positive_int(total_steps, "the number of steps")
    warmup = int(round(total_steps * recipe.warmup_fraction))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=recipe.peak_learning_rate / 25,
        decay_steps=max(total_steps - warmup, 1),
        alpha=recipe.final_fraction,
        warmup_target=recipe.peak_learning_rate,
        warmup_steps=warmup,
    )


def learning_rates(schedule: Any, total_steps: int) -> np.ndarray:
    """The learning rate a schedule gives at every optimizer step ``0 … total_steps − 1``.

    What to draw to see a schedule (``viz.plot_learning_rate``); a constant rate (a float,
    as in ``Adam(learning_rate=1e-3)``) gives a flat line.

    Parameters
    ----------
    schedule : keras.optimizers.schedules.LearningRateSchedule or float
        E.g. :func:`learning_rate_schedule`'s result.
    total_steps : int
        Steps of the fit.

    Returns
    -------
    numpy.ndarray of float64, shape (total_steps,)

    Examples
    --------
    >>> recipe = Recipe(epochs=1, batch_size=1, peak_learning_rate=5e-3, warmup_fraction=0.2)
    >>> rates = learning_rates(learning_rate_schedule(recipe, 100), 100)
    >>> rates.shape, int(rates.argmax()), round(float(rates.max()), 5)
    ((100,), 20, 0.005)
    >>> learning_rates(1e-3, 3).tolist()
    [0.001, 0.001, 0.001]
    """
    total_steps = _checks.positive_int(total_steps, "the number of steps")
    if isinstance(schedule, Real) and not isinstance(schedule, bool | np.bool_):
        rate = _checks.real(schedule, "the learning rate", 0.0, open_low=True)
        return np.full(total_steps, rate)
    if not callable(schedule):
        raise TypeError(
            "the schedule must be a Keras learning-rate schedule or a number, "
            f"got {type(schedule).__name__}"
        )
    # Keras schedules take one step at a time (a warm-up is a `cond`): one traced call per step
    rate_at = tf.function(schedule, autograph=False)
    return np.array([float(rate_at(tf.constant(step))) for step in range(total_steps)])


def steps_per_call(steps_per_epoch: int, at_most: int, replicas: int = 1) -> int:
    """The most training steps per call, up to ``at_most``, that divide an epoch exactly.

    Keras runs ``steps_per_execution`` batches per call and does not cut the last call of
    an epoch short: with 938 steps per epoch and 16 per call it would run 59 × 16 = 944.
    A divisor of the epoch keeps every epoch exactly ``steps_per_epoch`` steps long.

    With ``replicas`` > 1 (a strategy that splits the batches over several devices,
    ``strategy.num_replicas_in_sync``) it is 1: Keras 3.15 with TensorFlow 2.21 fails to
    run several steps per call under a ``MirroredStrategy`` ("You must feed a value for
    placeholder tensor ..."; tests/test_runtime.py trains over two logical CPUs).

    Examples
    --------
    >>> steps_per_call(938, 16)  # 938 = 14 × 67: 60 000 digits in batches of 64
    14
    >>> steps_per_call(750, 16)  # 750 = 15 × 50: the 48 000 the course trains on
    15
    >>> steps_per_call(469, 16)  # 469 = 7 × 67: batches of 128
    7
    >>> steps_per_call(10, 16)  # a whole epoch per call
    10
    >>> steps_per_call(938, 16, replicas=2)  # several devices: one step per call
    1
    >>> steps_per_call(0, 16)
    Traceback (most recent call last):
    ...
    ValueError: the steps per epoch must be a whole number >= 1, got 0
    """
    steps_per_epoch = _checks.positive_int(steps_per_epoch, "the steps per epoch")
    at_most = _checks.positive_int(at_most, "the steps per call")
    if _checks.positive_int(replicas, "the number of replicas") > 1:
        return 1
    return max(d for d in range(1, min(at_most, steps_per_epoch) + 1) if steps_per_epoch % d == 0)


# --------------------------------------------------------------------------------------
# The recipes
# --------------------------------------------------------------------------------------


def fit_course_recipe(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    recipe: Recipe | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    verbose: str | int = "auto",
    seed: int = 0,
    checkpoint_dir: str | os.PathLike[str] | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> keras.callbacks.History:
    """Compile and train an MNIST model in place with the course's fast recipe.

    Takes the raw data exactly as :func:`cnn_course.data.load_mnist` returns it,
    scales it to [0, 1], compiles the model (Adam with a warm-up + cosine learning
    rate, sparse categorical cross-entropy, accuracy) and fits it with a Keras
    progress bar. Defaults per model are in :data:`RECIPES` (``fcn_gap`` gets more
    epochs: it needs them for 0.9909); in quick mode :data:`QUICK_RECIPE` applies.

    To train under a distribution strategy (:func:`cnn_course.runtime.strategy`),
    build the model inside ``strategy().scope()``; the recipe compiles it in the same
    scope.

    Parameters
    ----------
    model : keras.Model
        Takes (N, 28, 28, 1) floats and outputs 10 probabilities, e.g.
        :func:`~cnn_course.models.mnist_convnet` or :func:`~cnn_course.models.fcn_gap`.
    x_train : numpy.ndarray of uint8, shape (N, 28, 28)
        Training images, pixels 0–255.
    y_train : numpy.ndarray of int, shape (N,)
        Their labels 0–9.
    recipe : Recipe, optional
        The hyper-parameters (default: :func:`recipe_for` the model, quick mode included).
    epochs, batch_size : int, optional
        Override the recipe's values.
    validation_data : (x, y), optional
        uint8 images and labels to evaluate after each epoch (e.g. held-out
        training images; keep the test set for the end).
    verbose : "auto", 0, 1 or 2
        As in ``keras.Model.fit``: ``"auto"`` shows a progress bar.
    seed : int
        Seeds the shuffling, dropout and the quick-mode subset
        (:func:`keras.utils.set_random_seed`). Seed before building the model too
        (:func:`cnn_course.runtime.seed_everything`) for a fully repeatable run.
    checkpoint_dir : str or Path, optional
        Back up the training state there after every epoch
        (:class:`keras.callbacks.BackupAndRestore`): if the run is interrupted,
        calling the recipe again with the same directory (and a model built the
        same way) resumes at the epoch where it stopped. The backup is deleted when
        training finishes.
    callbacks : sequence of keras.callbacks.Callback
        Extra callbacks for ``fit``.

    Returns
    -------
    keras.callbacks.History
        ``history.history["accuracy"]`` etc.; ``history.epoch`` lists the epochs
        run in this call (after a resume, it starts at the restored epoch).

    Raises
    ------
    TypeError
        If the model is not a Keras model, the images are not uint8, the labels not
        integers, or an option that counts something is not a whole number.
    ValueError
        If the images, labels or the model do not fit MNIST (shape, label range,
        length mismatch, input shape) or a count is below 1.
    """
    x_train, y_train = _prepared(model, x_train, y_train, seed)
    recipe = recipe_for(model) if recipe is None else _recipe(recipe)
    epochs = _checks.positive_int(
        recipe.epochs if epochs is None else epochs, "the number of epochs"
    )
    batch_size = _checks.positive_int(
        recipe.batch_size if batch_size is None else batch_size, "the batch size"
    )
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("validation_data must be a pair (images, labels)")
        x_val, y_val = check_mnist(*validation_data, what="validation")
        validation_data = validation_dataset(x_val, y_val)
    if recipe.train_size is not None and recipe.train_size < len(y_train):
        x_train, y_train = subset(x_train, y_train, recipe.train_size, seed=seed)

    steps_per_epoch = math.ceil(len(y_train) / batch_size)
    schedule = learning_rate_schedule(recipe, steps_per_epoch * epochs)
    steps_per_execution = steps_per_call(
        steps_per_epoch,
        recipe.steps_per_execution,
        replicas=model.distribute_strategy.num_replicas_in_sync,
    )
    with model.distribute_strategy.scope():
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=schedule),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
            steps_per_execution=steps_per_execution,
        )
    all_callbacks = list(callbacks)
    if checkpoint_dir is not None:
        all_callbacks.append(keras.callbacks.BackupAndRestore(backup_dir=os.fspath(checkpoint_dir)))
    return model.fit(
        training_dataset(x_train, y_train, batch_size, seed),
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        validation_data=validation_data,
        shuffle=False,  # the pipeline shuffles
        verbose=verbose,
        callbacks=all_callbacks,
    )


def fit_reference_recipe(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    epochs: int = REFERENCE["epochs"],
    verbose: str | int = "auto",
    seed: int = 0,
) -> keras.callbacks.History:
    """Compile and train a model with the keras.io "Simple MNIST convnet" recipe the slides ran.

    Scale to [0, 1], one-hot labels, Adam at Keras' default learning rate,
    categorical cross-entropy, batch 128, 15 epochs, 10 % of the training images
    held out for validation — from NumPy arrays, as on keras.io (:data:`REFERENCE`).
    It is the benchmark's yardstick, so it stays exactly that procedure (NumPy
    arrays and all) rather than a :class:`Recipe` run through the course's pipeline:
    the pipeline is part of what the course recipe saves.

    Parameters
    ----------
    model : keras.Model
        Trained in place.
    x_train, y_train : numpy.ndarray
        As :func:`cnn_course.data.load_mnist` returns them.
    epochs : int
        15 on keras.io; fewer for a smoke test.
    verbose : "auto", 0, 1 or 2
        As in ``keras.Model.fit``.
    seed : int
        Passed to :func:`keras.utils.set_random_seed`.

    Raises
    ------
    TypeError, ValueError
        As :func:`fit_course_recipe`.
    """
    x_train, y_train = _prepared(model, x_train, y_train, seed)
    epochs = _checks.positive_int(epochs, "the number of epochs")
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=REFERENCE["learning_rate"]),
        metrics=["accuracy"],
    )
    return model.fit(
        scale_images(x_train),
        keras.utils.to_categorical(y_train, slides.MNIST_NUM_CLASSES),
        batch_size=REFERENCE["batch_size"],
        epochs=epochs,
        validation_split=REFERENCE["validation_split"],
        verbose=verbose,
    )


def evaluate(model: keras.Model, x_test: np.ndarray, y_test: np.ndarray) -> float:
    """Test accuracy of a model on uint8 MNIST images, with the recipe's preprocessing.

    Works on compiled and uncompiled models (it predicts and compares the arg-max
    with the labels).

    Parameters
    ----------
    model : keras.Model
        A model trained by :func:`fit_course_recipe` (or any 28×28×1 → 10 model).
    x_test : numpy.ndarray of uint8, shape (N, 28, 28)
    y_test : numpy.ndarray of int, shape (N,)

    Returns
    -------
    float
        The share of images whose most probable class is the label.
    """
    _check_model(model)
    x_test, y_test = check_mnist(x_test, y_test, "test")
    probabilities = model.predict(scale_images(x_test), batch_size=1000, verbose=0)
    return float(np.mean(np.argmax(probabilities, axis=-1) == y_test))


VALIDATION_SIZE = 12_000
"""Training images held out (class-balanced, :func:`cnn_course.data.split_validation` with
seed 0) to choose the recipes on: the 48 000 others train, the test images are scored once.

A fifth of the training set, the usual 80/20 split; 48 000 images also make whole epochs
of 750 batches of 64 (375 of 128), which 15 steps per call divide (:func:`steps_per_call`)."""


@dataclasses.dataclass(frozen=True)
class Trial:
    """One candidate recipe trained from one seed and scored on the validation images."""

    name: str
    seed: int
    validation_accuracy: float
    images: int
    seconds: float


def recipe_trials(
    build: Any,
    candidates: Mapping[str, Recipe],
    fit_data: tuple[np.ndarray, np.ndarray],
    validation_data: tuple[np.ndarray, np.ndarray],
    seeds: Sequence[int] = (0, 1, 2),
    verbose: str | int = 0,
) -> list[Trial]:
    """Train a fresh model per candidate recipe and seed; score each on validation images.

    The test images play no part: they are scored once, with the recipe
    :func:`choose_recipe` picks. ``docs/benchmarks.md`` has the trials behind
    :data:`RECIPES`.

    Parameters
    ----------
    build : callable
        Returns a fresh model (e.g. :func:`cnn_course.models.mnist_convnet`); called after
        :func:`cnn_course.runtime.seed_everything` with each seed.
    candidates : mapping of str to Recipe
        The recipes to compare, by name.
    fit_data, validation_data : (images, labels)
        uint8 MNIST images and labels: the images to train on and the held-out ones.
    seeds : sequence of int
        Every candidate runs once per seed.
    verbose : "auto", 0, 1 or 2
        As in ``keras.Model.fit``.
    """
    if not candidates:
        raise ValueError("recipe_trials needs at least one candidate recipe")
    seeds = [_checks.non_negative_int(seed, "each seed") for seed in seeds]
    x_val, y_val = check_mnist(*validation_data, what="validation")
    trials = []
    for name, recipe in candidates.items():
        recipe = _recipe(recipe)
        for seed in seeds:
            runtime.seed_everything(seed)
            model = build()
            start = time.perf_counter()
            fit_course_recipe(model, *fit_data, recipe=recipe, seed=seed, verbose=verbose)
            seconds = time.perf_counter() - start
            accuracy = evaluate(model, x_val, y_val)
            images = recipe.epochs * len(fit_data[1])
            trials.append(Trial(name, seed, accuracy, images, seconds))
    return trials


def _by_name(trials: Sequence[Trial]) -> dict[str, list[Trial]]:
    groups: dict[str, list[Trial]] = {}
    for trial in trials:
        groups.setdefault(trial.name, []).append(trial)
    return groups


def choose_recipe(trials: Sequence[Trial]) -> str:
    """The cheapest candidate whose results overlap the best one's.

    The best mean validation accuracy sets the bar. A candidate is as good unless the
    best one's *worst* seed beats its *best* seed (:func:`cnn_course.metrics.clearly_better`):
    a difference within the spread between seeds is no difference. Of the candidates as good
    as the best, the one that shows the network the fewest images wins (ties: the higher
    mean).

    Examples
    --------
    >>> trials = [Trial("2 ep", s, a, 100, 1.0) for s, a in enumerate([0.990, 0.991, 0.989])]
    >>> trials += [Trial("3 ep", s, a, 150, 1.5) for s, a in enumerate([0.991, 0.992, 0.990])]
    >>> choose_recipe(trials)  # 3 epochs: higher on average, ranges overlap
    '2 ep'
    >>> trials += [Trial("4 ep", s, a, 200, 2.0) for s, a in enumerate([0.994, 0.995, 0.994])]
    >>> choose_recipe(trials)
    '4 ep'
    """
    groups = _by_name(trials)
    if not groups:
        raise ValueError("choose_recipe needs at least one trial")
    accuracies = {name: [t.validation_accuracy for t in group] for name, group in groups.items()}
    means = {name: summarise_seeds(values).mean for name, values in accuracies.items()}
    best = max(means, key=means.__getitem__)
    as_good = [name for name in groups if not clearly_better(accuracies[best], accuracies[name])]
    return min(as_good, key=lambda name: (groups[name][0].images, -means[name]))


def format_trials(trials: Sequence[Trial]) -> str:
    """One row per candidate: images seen, validation accuracy per seed, mean ± std.

    Examples
    --------
    >>> print(format_trials([Trial("2 ep", 0, 0.9901, 100_000, 16.0),
    ...                      Trial("2 ep", 1, 0.9895, 100_000, 16.5)]))
    recipe  images   seed 0  seed 1  mean ± std       time
    2 ep    100,000  0.9901  0.9895  0.9898 ± 0.0004  16 s
    """
    groups = _by_name(trials)
    seeds = sorted({t.seed for t in trials})
    width = max([len("recipe"), *map(len, groups)])
    header = f"{'recipe':<{width}}  images   " + "  ".join(f"seed {s}" for s in seeds)
    lines = [header + "  mean ± std       time"]
    for name, group in groups.items():
        values = {t.seed: t.validation_accuracy for t in group}
        cells = "  ".join(f"{values[s]:.4f}" if s in values else "     —" for s in seeds)
        summary = summarise_seeds(list(values.values()))
        seconds = sum(t.seconds for t in group) / len(group)
        lines.append(
            f"{name:<{width}}  {group[0].images:<7,}  {cells}"
            f"  {summary.mean:.4f} ± {summary.std:.4f}  {seconds:.0f} s"
        )
    return "\n".join(lines)
