"""Exercises of notebook 08 · Generalisation: overfitting on a small training set."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from cnn_course import generalisation, runtime, slides, train
from cnn_course.data import load_mnist
from cnn_course.exercises._core import (
    Env,
    WrongAnswer,
    answer,
    exercise,
    expect_int,
    quiet_tensorflow,
)

__all__ = [
    "EXERCISES",
    "STOPPING_LOSSES",
    "STOPPING_PATIENCE",
    "VAL_TARGET",
    "VAL_TARGET_QUICK",
]

#: Exercise 8.3: the validation losses of a run (epoch 1, 2, …) and the patience.
STOPPING_LOSSES = (0.62, 0.35, 0.27, 0.24, 0.25, 0.23, 0.26, 0.24, 0.28, 0.29, 0.31, 0.22)
STOPPING_PATIENCE = 4

#: Exercise 8.4: the validation accuracy to reach on the notebook's 1 000 training images
#: (mean over seeds 0-2: the baseline 0.9488, augmentation 0.9652; docs/benchmarks.md) ...
VAL_TARGET = 0.96
#: ... and on quick mode's 500 (baseline 0.898, augmentation 0.922 with seed 0).
VAL_TARGET_QUICK = 0.91


@exercise(
    "compute",
    title="the weights of Dropout and of BatchNormalization",
    slide="deck 001, Convolutional layers in Keras (Dropout(0.5))",
    hint="Dropout multiplies each input by 0 or by 1/(1 − rate) at random: nothing in it is "
    "learned. BatchNormalization keeps four numbers per channel (a scale γ and a shift β, "
    "learned; a running mean and a running variance, measured).",
    answers=("my_dropout_params", "my_batchnorm_params"),
)
def ex08_1(env: Env, hidden: bool) -> None:
    with quiet_tensorflow():
        dropout = keras.layers.Dropout(generalisation.DROPOUT_RATE)
        dropout.build((None, 1600))
        norm = keras.layers.BatchNormalization()
        norm.build((None, 11, 11, 64))
    expect_int(answer(env, "my_dropout_params"), dropout.count_params(), "the weights of Dropout")
    expect_int(
        answer(env, "my_batchnorm_params"),
        norm.count_params(),
        "the numbers BatchNormalization keeps after conv2 (64 channels)",
    )


@exercise(
    "compute",
    title="when early stopping stops",
    slide="deck 001, Convolutional layers in Keras",
    hint="go through the losses epoch by epoch: an epoch is the new best if its loss is below "
    "every earlier one; count the epochs since the last best, and stop after the epoch where "
    "that count reaches the patience. The kept weights are the best epoch's.",
    answers=("my_stop_epoch", "my_best_epoch"),
)
def ex08_3(env: Env, hidden: bool) -> None:
    stop, best = generalisation.stopping_epoch(STOPPING_LOSSES, STOPPING_PATIENCE)
    expect_int(answer(env, "my_stop_epoch"), stop, "the last epoch trained")
    expect_int(answer(env, "my_best_epoch"), best, "the epoch whose weights are kept")


def _layers(model: Any) -> list[Any]:
    """Every layer inside ``model``, nested models included."""
    found = []
    for layer in getattr(model, "layers", []):
        found.append(layer)
        found.extend(_layers(layer))
    return found


@exercise(
    "implement",
    title="the augmentation pipeline",
    slide="deck 001, Convolutional layers in Keras",
    hint="keras.Sequential([layers.RandomRotation(...), layers.RandomTranslation(...), "
    "layers.RandomZoom(...)]) with small factors (a few hundredths of a turn, a tenth of the "
    "size) and fill_mode='constant': no flips, and nothing that turns a 6 into a 9.",
    answers=("my_augmentation",),
)
def ex08_2(env: Env, hidden: bool) -> None:
    pipeline = answer(env, "my_augmentation")
    if not isinstance(pipeline, keras.layers.Layer):
        raise WrongAnswer(
            "`my_augmentation` should be Keras layers (keras.Sequential([...])), "
            f"got {type(pipeline).__name__}."
        )
    layers = _layers(pipeline) or [pipeline]
    names = [layer.__class__.__name__ for layer in layers]
    if "RandomFlip" in names:
        raise WrongAnswer(
            "`my_augmentation` flips images: a mirrored 2, 3 or 7 is no digit any more. "
            "Leave RandomFlip out."
        )
    for layer in layers:
        if layer.__class__.__name__ == "RandomRotation":
            factor = np.abs(np.asarray(layer.factor, dtype=float)).max()
            if factor > 0.1:
                raise WrongAnswer(
                    f"`my_augmentation` rotates by up to {factor:g} of a full turn "
                    f"({factor * 360:.0f}°): a 6 turned that far reads as a 9. Stay within "
                    "about ±0.05 (18°)."
                )
    kinds = {"RandomRotation", "RandomTranslation", "RandomZoom"} & set(names)
    if len(kinds) < 2:
        raise WrongAnswer(
            f"`my_augmentation` uses {sorted(kinds) or 'none'} of RandomRotation, "
            "RandomTranslation and RandomZoom; use at least two of them."
        )
    _, (x_test, _) = load_mnist()
    count = 64 if hidden else 16
    images = (x_test[:count, ..., np.newaxis] / 255.0).astype(np.float32)
    with quiet_tensorflow():
        try:
            kept = np.asarray(pipeline(images, training=False))
            moved = np.asarray(pipeline(images, training=True))
        except Exception as err:  # the student's layers: any error is an answer to report
            raise WrongAnswer(
                f"`my_augmentation` cannot transform a batch of digits: {err}"
            ) from None
    if moved.shape != images.shape:
        raise WrongAnswer(
            f"`my_augmentation` turns {count} images of 28×28×1 into shape {moved.shape}: "
            "augmentation must keep the size."
        )
    if not np.allclose(kept, images, atol=1e-6):
        raise WrongAnswer(
            "`my_augmentation` changes the images at inference (training=False): "
            "use the Random… preprocessing layers, which pass images through unchanged then."
        )
    changed = np.abs(moved - images).reshape(count, -1).max(axis=1) > 0.05
    if changed.mean() < 0.9:
        raise WrongAnswer(
            f"`my_augmentation` left {int((~changed).sum())} of {count} digits unchanged while "
            "training: its factors are too small (or zero)."
        )
    if np.abs(moved.sum(axis=(1, 2, 3)) / images.sum(axis=(1, 2, 3)) - 1).max() > 0.6:
        raise WrongAnswer(
            "`my_augmentation` adds or removes too much ink (more than 60 % for some digit): "
            "its zoom or shift is too large, or the border is not filled with black "
            "(fill_mode='constant')."
        )


def _validation_accuracy(model: Any) -> float:
    run = generalisation.setting()
    data = generalisation.small_mnist(run.train_size, run.validation_size)
    with quiet_tensorflow():
        return float(train.evaluate(model, data.x_val, data.y_val))


@exercise(
    "experiment",
    title="a validation target on 1 000 images",
    slide="deck 001, Convolutional layers in Keras",
    hint="start from generalisation.regularised_convnet(...) with the variant that helped most "
    "in the table, or combine two (augmentation and dropout: add layers.Dropout(0.5) to a "
    "model that starts with generalisation.augmentation()), then train it with "
    "generalisation.fit_variant(model, data).",
    answers=("my_model",),
)
def ex08_4(env: Env, hidden: bool) -> None:
    model = answer(env, "my_model")
    if not isinstance(model, keras.Model):
        raise WrongAnswer(
            f"`my_model` should be a trained Keras model, got {type(model).__name__}."
        )
    try:
        shape = tuple(model.input_shape[1:])
    except (AttributeError, ValueError):
        shape = ()
    if shape != slides.MNIST_INPUT_SHAPE:
        raise WrongAnswer(
            f"`my_model` takes inputs of shape {shape or 'unknown'}; it should take "
            "28×28×1 digits: keras.Input(shape=(28, 28, 1))."
        )
    try:
        accuracy = _validation_accuracy(model)
    except Exception as err:  # the student's model: any error is an answer to report
        raise WrongAnswer(f"`my_model` cannot classify the validation digits: {err}") from None
    quick = runtime.quick_mode()
    target = VAL_TARGET_QUICK if quick else VAL_TARGET
    size = generalisation.setting().train_size
    if not accuracy >= target:
        raise WrongAnswer(
            f"`my_model` classifies {accuracy:.2%} of the validation digits correctly; the target "
            f"after training on {size:,} images is {target:.0%}."
        )


EXERCISES = (ex08_1, ex08_2, ex08_3, ex08_4)
