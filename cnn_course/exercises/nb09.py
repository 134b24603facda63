"""Exercises of notebook 09 · Fully convolutional networks."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from cnn_course import models, ops, shapes, slides
from cnn_course.exercises._core import (
    Env,
    WrongAnswer,
    answer,
    call,
    case_rng,
    exercise,
    expect_array,
    expect_int,
    forbid,
    function,
    shape_text,
)

__all__ = ["EXERCISES"]


def _dense_cases(rng: np.random.Generator, count: int) -> list[tuple[int, int, int, int]]:
    """``(h, w, c, units)``: LeNet's FC3, then edge cases, then random non-square volumes."""
    fc3 = slides.LENET_FC3_AS_CONV  # deck 001's "F: 5; K: 120" on LeNet's 5×5×16 volume
    cases = [
        (fc3.f, fc3.f, 16, fc3.filters),
        (2, 3, 2, 3),  # non-square
    ]
    if count > 2:
        cases += [(1, 1, 7, 4), (3, 2, 1, 1), (4, 4, 3, 5)]  # a 1×1 conv, one channel and unit
    for _ in range(count):
        h, w = (int(v) for v in rng.integers(1, 7, size=2))
        cases.append((h, w, int(rng.integers(1, 6)), int(rng.integers(1, 9))))
    return cases


def _reference_conv(kernel: np.ndarray, bias: np.ndarray, h: int, w: int, c: int) -> list:
    """The kernel and bias :func:`cnn_course.models.dense_to_conv` makes of this dense layer."""
    dense = keras.layers.Dense(kernel.shape[1])
    dense.build((None, h * w * c))
    dense.set_weights([kernel, bias])
    return models.dense_to_conv(dense, (h, w, c)).get_weights()


@exercise(
    "implement",
    title="a dense layer's weights as a convolution's",
    slide="deck 001, Fully Convolutional Networks (F = 7, K = 4096; F: 5; K: 120)",
    hint="Flatten reads an h×w×c volume row by row, the channels fastest — NumPy's own (C) "
    "order: row i of the dense kernel weighs the i-th value of that reading. Check which axes "
    "your reshape produces, in which order, and that you return the bias too.",
    hidden=True,
    answers=("my_dense_to_conv",),
)
def ex09_1(env: Env, hidden: bool) -> None:
    convert = function(env, "my_dense_to_conv")
    forbid(convert, ["dense_to_conv", "conv_to_dense"], "the conversion")
    rng = case_rng(hidden)
    for h, w, c, units in _dense_cases(rng, 20 if hidden else 2):
        case = f"a dense layer of {units} units on a flattened {h}×{w}×{c} volume"
        kernel = rng.normal(size=(h * w * c, units)).astype("float32")
        bias = rng.normal(size=units).astype("float32")
        got = call(convert, kernel, bias, h, w, c, case=case)
        if not (isinstance(got, tuple | list) and len(got) == 2):
            raise WrongAnswer(
                f"{case}: your function should return two arrays, the convolution's kernel "
                "(h, w, c, units) and its bias (units,): `return conv_kernel, conv_bias`."
            )
        right_kernel, right_bias = _reference_conv(kernel, bias, h, w, c)
        expect_array(got[0], right_kernel, f"{case}, the kernel", rtol=1e-6, atol=0)
        expect_array(got[1], right_bias, f"{case}, the bias", rtol=1e-6, atol=0)


@exercise(
    "compute",
    title="the receptive field of a class-map location",
    slide="deck 002, Champ réceptif; deck 001, Fully Convolutional Networks",
    hint="go through the layers in order and keep the product of the strides below each one: a "
    "layer with an f×f window adds (f − 1) × that product to the field. After the two poolings "
    "the product is 4.",
    answers=("my_field",),
)
def ex09_2(env: Env, hidden: bool) -> None:
    up_to_class_map = list(slides.FCN_GAP_LAYERS[:6])
    up_to_class_map[4] = dataclasses.replace(up_to_class_map[4], f=5)  # conv3: 5×5
    expect_int(
        answer(env, "my_field"),
        shapes.receptive_field(up_to_class_map),
        "the receptive field of a class-map location of that network",
    )


@exercise(
    "compute",
    title="the class map of a bigger canvas",
    slide="deck 001, Fully Convolutional Networks (slide the original ConvNet … in a single "
    "forward pass)",
    hint="follow the height and the width separately: each 3×3 convolution takes 2 away, each "
    "2×2 pooling halves and rounds down, the 1×1 convolution keeps the size. Or count the "
    "18×18 windows that fit 4 pixels apart: floor((n − 18)/4) + 1.",
    answers=("my_rows", "my_cols"),
)
def ex09_3(env: Env, hidden: bool) -> None:
    rows = shapes.layer_table((100, 172, 1), slides.FCN_GAP_LAYERS)
    class_map = rows[-2].activation_shape  # the row before global average pooling
    expect_int(answer(env, "my_rows"), class_map[0], "the number of rows of the class map")
    expect_int(answer(env, "my_cols"), class_map[1], "the number of columns of the class map")


def _class_maps(rng: np.random.Generator, count: int) -> list[tuple[np.ndarray, int]]:
    """``(class_map, k)``: small maps (non-square, 1 to 10 channels) and window sizes."""
    first = np.arange(24, dtype=float).reshape(3, 4, 2)
    cases = [(first, 2), (first, 1), (first, 3)]  # 1×1 windows: nothing to average; 3 = height
    for _ in range(count):
        h, w = (int(v) for v in rng.integers(1, 9, size=2))
        c = int(rng.choice([1, 3, 10]))
        k = int(rng.integers(1, min(h, w) + 1))
        cases.append((rng.random((h, w, c)), k))
    return cases


@exercise(
    "implement",
    title="the prediction of every window from one class map",
    slide="deck 001, Fully Convolutional Networks (slide the original ConvNet … in a single "
    "forward pass)",
    hint="the output has (H − k + 1) × (W − k + 1) locations; at location (i, j) take "
    "class_map[i : i + k, j : j + k] and average it over its two first axes (mean(axis=(0, 1))), "
    "which keeps one value per class.",
    hidden=True,
    answers=("my_window_average",),
)
def ex09_4(env: Env, hidden: bool) -> None:
    average = function(env, "my_window_average")
    banned = ["sliding_window_view", "avg_pool", "pool", "AveragePooling2D", "uniform_filter"]
    forbid(average, banned, "the window averages")
    rng = case_rng(hidden)
    for number, (class_map, k) in enumerate(_class_maps(rng, 25 if hidden else 3), start=1):
        case = f"case {number} ({shape_text(class_map)} class map, k={k})"
        got = call(average, class_map, k, case=case)
        expect_array(got, ops.avg_pool(class_map, f=k, s=1), case)


EXERCISES = (ex09_1, ex09_2, ex09_3, ex09_4)
