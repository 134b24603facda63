"""Exercises of notebook 10 · Transfer learning."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import keras
import numpy as np

from cnn_course import data, pretrained, runtime, shapes, transfer
from cnn_course.exercises._core import (
    Env,
    NotAnswered,
    WrongAnswer,
    answer,
    call,
    case_rng,
    describe_array,
    exercise,
    expect_array,
    expect_int,
    forbid,
    function,
    quiet_tensorflow,
    seeded,
    shape_text,
)

__all__ = ["EXERCISES"]


# --------------------------------------------------------------------------- ex10_1

CropCase = tuple[np.ndarray, int]


def _crop_cases(rng: np.random.Generator, count: int) -> list[CropCase]:
    """(image, size): grayscale and colour, tall, wide and square, crops of 1 pixel and of the
    whole shorter side, and margins H − size of every remainder modulo 4 (so that rounding
    half to even, rounding half up and rounding down all give different corners somewhere).
    """
    cases: list[CropCase] = [
        (np.arange(30).reshape(5, 6), 3),  # left = round(1.5) = 2
        (rng.integers(0, 256, size=(7, 4, 3)).astype(np.uint8), 4),  # tall: top round(1.5)
        (rng.integers(0, 256, size=(8, 13)), 8),  # wide, whole height: left = round(2.5) = 2
        (rng.normal(size=(9, 12, 3)), 1),  # a single pixel: top 4, left round(5.5) = 6
        (rng.random(size=(10, 10, 4)), 9),  # square, 4 channels: round(0.5) = 0
    ]
    for k in range(count - len(cases)):
        h, w = (int(v) for v in rng.integers(1, 41, size=2))
        size = int(rng.integers(1, min(h, w) + 1))
        shape = (h, w) if k % 3 == 0 else (h, w, int(rng.integers(1, 5)))
        image = rng.integers(0, 256, size=shape).astype(np.uint8) if k % 2 else rng.random(shape)
        cases.append((image, size))
    return cases


@exercise(
    "implement",
    title="the centre crop of a photo",
    slide="deck 004, Object recognition",
    hint="the margin left over is H − size rows and W − size columns; the crop starts at half "
    "of each, rounded with Python's round() (1.5 and 2.5 both give 2), and is size rows and "
    "size columns long: image[top : top + size, left : left + size].",
    hidden=True,
    answers=("my_center_crop",),
)
def ex10_1(env: Env, hidden: bool) -> None:
    crop = function(env, "my_center_crop")
    banned = ["center_crop", "CenterCrop", "central_crop", "imagenet_preprocess"]
    forbid(crop, banned + ["crop_to_bounding_box", "resize_with_crop_or_pad"], "the centre crop")
    rng = case_rng(hidden)
    for number, (image, size) in enumerate(_crop_cases(rng, 30 if hidden else 5), start=1):
        case = f"case {number} ({shape_text(image)} image, size={size})"
        got = call(crop, image, size, case=case)
        expect_array(got, pretrained.center_crop(image, size), case)


# --------------------------------------------------------------------------- ex10_2

#: The new task of Exercise 10.2: 37 classes (the breeds of the Oxford-IIIT pets, say).
NEW_CLASSES = 37


@exercise(
    "compute",
    title="the size of a new classification head",
    slide="deck 002, Transfer learning avec peu de données",
    hint="global average pooling keeps one number per feature map, whatever the map's height "
    "and width; a Dense layer has one weight per (input, class) pair plus one bias per class.",
    answers=("my_features", "my_head_params"),
)
def ex10_2(env: Env, hidden: bool) -> None:
    features = answer(env, "my_features")
    head = answer(env, "my_head_params")
    expect_int(features, pretrained.LAST_CHANNELS, "the number of features the Dense layer reads")
    expect_int(
        head,
        shapes.dense_params(pretrained.LAST_CHANNELS, NEW_CLASSES),
        f"the number of trainable parameters of the head for {NEW_CLASSES} classes",
    )


# --------------------------------------------------------------------------- ex10_3

HeadCase = tuple[tuple[int, int, int], int, int]


def stand_in_backbone(input_shape: tuple[int, int, int], channels: int, seed: int) -> Any:
    """A small pretend-pretrained backbone: conv, BatchNorm, ReLU, conv, ReLU (a few hundred
    weights instead of MobileNetV2's 2.3 million), with moving statistics of its own so that
    BatchNorm in training mode and in inference mode differ."""
    layers = keras.layers
    init = keras.initializers
    inputs = keras.Input(input_shape, name="image")
    x = layers.Conv2D(
        6, 3, strides=2, padding="same", kernel_initializer=init.GlorotUniform(seed), name="conv1"
    )(inputs)
    bn = layers.BatchNormalization(name="bn1")
    x = bn(x)
    x = layers.ReLU(name="relu1")(x)
    x = layers.Conv2D(
        channels, 3, padding="same", kernel_initializer=init.GlorotUniform(seed + 1), name="conv2"
    )(x)
    x = layers.ReLU(name="relu2")(x)
    model = keras.Model(inputs, x, name="stand_in_backbone")
    rng = np.random.default_rng(seed)
    gamma, beta, mean, variance = (w.shape for w in bn.get_weights())
    bn.set_weights(
        [
            rng.uniform(0.5, 1.5, gamma),
            rng.normal(0.0, 0.5, beta),
            rng.normal(0.0, 20.0, mean),
            rng.uniform(50.0, 500.0, variance),
        ]
    )
    return model


def _head_cases(hidden: bool) -> list[HeadCase]:
    """(input shape, backbone channels, classes): colour and grayscale, non-square images."""
    cases: list[HeadCase] = [((32, 32, 3), 16, 5)]
    if hidden:
        cases += [((24, 40, 3), 8, 2), ((28, 28, 1), 32, 10), ((36, 20, 3), 12, NEW_CLASSES)]
    return cases


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def reference_head(backbone: Any, kernel: np.ndarray, bias: np.ndarray, x: np.ndarray) -> Any:
    """What backbone (in inference mode) + global average pooling + Dense softmax output."""
    maps = np.asarray(keras.ops.convert_to_numpy(backbone(x, training=False)), dtype=np.float64)
    return _softmax(maps.mean(axis=(1, 2)) @ kernel + bias)


@exercise(
    "implement",
    title="a frozen backbone with a new head",
    slide="deck 002, Transfer learning avec peu de données; deck 002, A retenir",
    hint="freeze the given backbone first (its trainable attribute), then build a functional "
    "model: a keras.Input with the backbone's input shape, the backbone called on it with "
    "training=False, a layer that pools each feature map to one number, a Dense layer with one "
    "softmax unit per class; return keras.Model(inputs, outputs).",
    hidden=True,
    answers=("my_transfer_model",),
)
def ex10_3(env: Env, hidden: bool) -> None:
    build = function(env, "my_transfer_model")
    banned = ["transfer_model", "imagenet_backbone", "mobilenet_v2", "MobileNetV2"]
    forbid(build, banned + ["clone_model"], "the transfer model")
    rng = case_rng(hidden)
    for number, (shape, channels, classes) in enumerate(_head_cases(hidden), start=1):
        backbone = stand_in_backbone(shape, channels, seed=10 * number + (5 if hidden else 0))
        case = (
            f"case {number} (a backbone taking {shape_text(shape)} images with "
            f"{channels} feature maps, num_classes={classes})"
        )
        model = call(functools.partial(seeded(build, number), backbone), classes, case=case)
        if not isinstance(model, keras.Model):
            raise WrongAnswer(
                f"{case}: your function should return a Keras model (keras.Model(inputs, "
                f"outputs)), got {type(model).__name__}."
            )
        _expect_frozen_backbone(model, backbone, case)
        x = rng.uniform(0, 255, size=(2, *shape)).astype(np.float32)
        try:
            out = np.asarray(keras.ops.convert_to_numpy(model(x, training=False)))
        except Exception as err:  # the student's model: any error is an answer to report
            raise WrongAnswer(
                f"{case}: your model fails on two images of shape {shape}: "
                f"{type(err).__name__}: {err}"
            ) from None
        if out.shape != (2, classes):
            raise WrongAnswer(
                f"{case}: for two images your model outputs {describe_array(out)}; a classifier "
                f"gives {classes} numbers per image, an array of shape (2, {classes})."
            )
        if np.any(out < 0) or not np.allclose(out.sum(axis=-1), 1.0, atol=1e-4):
            raise WrongAnswer(
                f"{case}: for each image your model's {classes} outputs should be probabilities "
                f"adding up to 1; for the first image they add up to {out[0].sum():.4g}."
            )
        count, right = transfer.trainable_param_count(model), shapes.dense_params(channels, classes)
        if count != right:
            raise WrongAnswer(
                f"{case}: your model trains {count:,} parameters; the new head, a Dense layer on "
                f"the {channels} pooled features, has {right:,}."
            )
        kernel, bias = _dense_weights(model, channels, classes, case)
        expect_array(
            out,
            reference_head(backbone, kernel, bias, x),
            f"{case}, the class probabilities of two random images",
            rtol=1e-4,
            atol=1e-6,
        )


def _expect_frozen_backbone(model: Any, backbone: Any, case: str) -> None:
    """The student's model holds the given backbone's layers, with their weights, frozen.

    Layers are matched by name and weights by value (not by identity: when graded, the model
    comes back from the student's process as a ``.keras`` file).
    """
    mine = {layer.name: layer for layer in _all_layers(model) if layer is not model}
    trainable = {id(w) for w in model.trainable_weights}
    for given in backbone.layers:
        if not given.weights:
            continue
        layer = mine.get(given.name)
        same = (
            layer is not None
            and len(layer.weights) == len(given.weights)
            and all(
                tuple(a.shape) == tuple(b.shape)
                and np.array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
                for a, b in zip(layer.weights, given.weights, strict=True)
            )
        )
        if not same:
            raise WrongAnswer(
                f"{case}: your model does not contain the backbone it was given (its layer "
                f"{given.name!r} with its weights is not in your model): call `backbone` itself "
                "on the inputs, do not build or copy another network."
            )
        thawed = [w.path for w in layer.weights if id(w) in trainable]
        if thawed:
            raise WrongAnswer(
                f"{case}: the backbone's weights are still trainable ({thawed[0]}, …): freeze "
                "the backbone so that only the new head learns."
            )


def _dense_weights(model: Any, channels: int, classes: int, case: str) -> tuple[Any, Any]:
    """The trainable kernel (channels, classes) and bias (classes,) of the student's head."""
    found = {tuple(w.shape): keras.ops.convert_to_numpy(w) for w in model.trainable_weights}
    if (channels, classes) not in found or (classes,) not in found:
        raise WrongAnswer(
            f"{case}: the trainable weights of your model should be one Dense layer's kernel "
            f"({channels}, {classes}) and bias ({classes},), got "
            + ", ".join(str(shape) for shape in found)
            + "."
        )
    return found[channels, classes].astype(np.float64), found[classes,].astype(np.float64)


# --------------------------------------------------------------------------- ex10_4

#: Test images the fine-tuned model is measured on (seed 1, as the notebook's test subset).
N_TEST = 1000
#: Epochs of the head-only baseline (the statement's 20 epochs at learning rate 1e-3).
BASELINE_EPOCHS = 20
#: Adam's learning rate for the baseline's head.
BASELINE_LEARNING_RATE = 1e-3
#: The fine-tuned model must beat the head-only one by this much test accuracy.
MARGIN = 0.02
#: Side the baseline resizes the 28×28 images to (the notebook's ``RESIZE``).
BASELINE_RESIZE = 32


def train_size() -> int:
    """The notebook's small training set: 100 images in quick mode, 200 in full mode."""
    return 100 if runtime.quick_mode() else 200


@functools.cache
def fashion_sets(n_train: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The small training set and the test images, as the notebook draws them: (N, 28, 28, 1)."""
    (x_all, y_all), (x_test_all, y_test_all) = data.load_fashion_mnist()
    x, y = data.subset(x_all, y_all, n_train, seed=0)
    x_test, y_test = data.subset(x_test_all, y_test_all, N_TEST, seed=1)
    return x[..., None], y, x_test[..., None], y_test


@functools.cache
def head_only_accuracy(n_train: int) -> float:
    """Test accuracy of the head-only regime on the same images, measured by the course."""
    x, y, x_test, y_test = fashion_sets(n_train)
    with quiet_tensorflow():
        runs = transfer.transfer_experiment(
            {"small": (x, y)},
            (x_test, y_test),
            ["head"],
            epochs=BASELINE_EPOCHS,
            learning_rates={"head": BASELINE_LEARNING_RATE},
            batch_size=32,
            resize_to=BASELINE_RESIZE,
            seed=0,
            progress=False,
            verbose=False,
        )
    return runs["small", "head"].test_accuracy


@functools.cache
def _imagenet_kernels() -> dict[str, np.ndarray]:
    backbone = pretrained.imagenet_backbone(include_top=False, input_shape=(32, 32, 3))
    return {
        layer.name: keras.ops.convert_to_numpy(layer.kernel)
        for layer in backbone.layers
        if hasattr(layer, "kernel")
    }


def _all_layers(layer: Any) -> Iterator[Any]:
    yield layer
    for inner in getattr(layer, "layers", ()):
        yield from _all_layers(inner)


def _changed_convolutions(model: Any) -> list[str] | None:
    """Names of the MobileNetV2 convolutions whose kernel is no longer ImageNet's.

    ``None`` if the model has no MobileNetV2 (no layer ``Conv1`` with a kernel).
    """
    layers = {layer.name: layer for layer in _all_layers(model)}
    if not hasattr(layers.get("Conv1"), "kernel") or "out_relu" not in layers:
        return None
    reference = _imagenet_kernels()
    changed = []
    for name, kernel in reference.items():
        layer = layers.get(name)
        if layer is None or not hasattr(layer, "kernel"):
            continue
        mine = keras.ops.convert_to_numpy(layer.kernel)
        if mine.shape != kernel.shape or not np.array_equal(mine, kernel):
            changed.append(name)
    return changed


@functools.lru_cache(maxsize=4)
def _fine_tuned_accuracy(fine_tune: Callable[..., Any], n_train: int) -> float | AssertionError:
    """Train the student's model once; its test accuracy, or the error that stops it."""
    try:
        with quiet_tensorflow():
            return _measure(fine_tune, n_train)
    except (NotAnswered, WrongAnswer) as err:
        return err


def _measure(fine_tune: Callable[..., Any], n_train: int) -> float:
    x, y, x_test, y_test = fashion_sets(n_train)
    case = f"my_fine_tune on the {n_train} training images"
    model = call(seeded(fine_tune, 0), x, y, case=case)
    if not isinstance(model, keras.Model):
        raise WrongAnswer(
            f"{case}: your function should return the trained Keras model, got "
            f"{type(model).__name__}."
        )
    changed = _changed_convolutions(model)
    if changed is None:
        raise WrongAnswer(
            "your model is not built on the course's pretrained MobileNetV2 (it has no layers "
            "Conv1 … out_relu): start from transfer.transfer_model(10, ...) or "
            "pretrained.imagenet_backbone(include_top=False, ...)."
        )
    if not changed:
        raise WrongAnswer(
            "every convolution of your MobileNetV2 still holds its ImageNet weights: only the "
            "head was trained. Fine-tuning also trains some of the backbone's layers (make "
            "them trainable, recompile, and train at a small learning rate)."
        )
    try:
        probs = np.asarray(model.predict(x_test, batch_size=256, verbose=0))
    except Exception as err:  # the student's model: any error is an answer to report
        raise WrongAnswer(
            f"your model fails on the test images (shape {x_test.shape[1:]}, pixel values "
            f"0–255): {type(err).__name__}: {err}"
        ) from None
    if probs.shape != (len(x_test), 10):
        raise WrongAnswer(
            f"for {len(x_test)} test images your model outputs {describe_array(probs)}; it "
            f"should give 10 class probabilities per image, an array of shape ({len(x_test)}, "
            "10)."
        )
    return float(np.mean(np.argmax(probs, axis=-1) == y_test))


@exercise(
    "experiment",
    title="fine-tune, and beat the head-only model",
    slide="deck 002, Transfer learning avec plus de données; deck 002, A retenir",
    hint="train the head first (only the new Dense layer, learning rate 1e-3, about ten "
    "epochs), then make the backbone's convolutions trainable — keep its BatchNorm layers "
    "frozen — recompile with a learning rate ten times smaller and train a few more epochs.",
    answers=("my_fine_tune",),
)
def ex10_4(env: Env, hidden: bool) -> None:
    fine_tune = function(env, "my_fine_tune")
    n_train = train_size()
    result = _fine_tuned_accuracy(fine_tune, n_train)
    if isinstance(result, AssertionError):
        raise result
    baseline = head_only_accuracy(n_train)
    if result < baseline + MARGIN:
        raise WrongAnswer(
            f"your fine-tuned model classifies {result:.1%} of the {N_TEST} test images "
            f"correctly; the head-only model, trained on the same {n_train} images for "
            f"{BASELINE_EPOCHS} epochs, {baseline:.1%}. The target is "
            f"{100 * MARGIN:.0f} points more than the head-only model."
        )


EXERCISES = (ex10_1, ex10_2, ex10_3, ex10_4)
