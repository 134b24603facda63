"""Exercises of notebook 06 · ConvNet architectures."""

from __future__ import annotations

import dataclasses
from typing import Any

import keras
import numpy as np

from cnn_course import architectures, shapes, slides
from cnn_course.exercises._core import (
    Env,
    WrongAnswer,
    answer,
    call,
    case_rng,
    exercise,
    expect_int,
    forbid,
    function,
    seeded,
)

__all__ = ["EXERCISES"]

# Keras layers that add no row to the slides' table: they change no activation (dropout,
# a separate activation) or only unroll it (the slides flatten silently).
_NO_ROW = ("InputLayer", "Flatten", "Dropout", "Activation", "ReLU", "Softmax")


def _shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _table_of(model: Any, case: str) -> list[shapes.TableRow]:
    """The per-layer table of the student's model, without the rows the slides do not print."""
    if not isinstance(model, keras.Model):
        kind = type(model).__name__
        raise WrongAnswer(
            f"{case}: `my_lenet5` should return a Keras model (Sequential([...])), got {kind}."
        )
    try:
        rows = shapes.layer_table_from_model(model)
    except (TypeError, ValueError) as err:
        raise WrongAnswer(f"{case}: {err}.") from None
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    kept = [rows[0]]
    for layer, row in zip(layers, rows[1:], strict=True):
        if type(layer).__name__ not in _NO_ROW:
            kept.append(row)
    return kept


def _compare_tables(
    mine: list[shapes.TableRow], slide: list[shapes.TableRow], case: str, whose: str
) -> None:
    """Row by row: activation shape, then number of parameters; the first difference fails.

    ``whose`` names the reference table in the messages: "the slide's" or "the right".
    """
    if len(mine) != len(slide):
        names = ", ".join(row.name for row in mine[1:])
        raise WrongAnswer(
            f"{case}: your network has {len(mine) - 1} layers with a row in the slide's table "
            f"({names}); the slide's has {len(slide) - 1}: two convolutions, two poolings and "
            "three dense layers (Flatten and Dropout add no row)."
        )
    if mine[0].activation_shape != slide[0].activation_shape:
        raise WrongAnswer(
            f"{case}: your model takes inputs of shape {_shape_text(mine[0].activation_shape)}; "
            "build its input from the argument input_shape."
        )
    for number, (got, want) in enumerate(zip(mine[1:], slide[1:], strict=True), start=1):
        what = f"row {number} (your layer {got.name!r})"
        if got.activation_shape != want.activation_shape:
            raise WrongAnswer(
                f"{case}: {what} has the activation shape {_shape_text(got.activation_shape)}, "
                f"{whose} {want.name} has {_shape_text(want.activation_shape)}."
            )
        if got.params != want.params:
            raise WrongAnswer(
                f"{case}: {what} has {got.params:,} parameters, {whose} {want.name} has "
                f"{want.params:,}."
            )


def _lenet_input_shapes(rng: np.random.Generator, count: int) -> list[tuple[int, int, int]]:
    """Input shapes on which LeNet-5's layers still fit: non-square, 1 to 4 channels."""
    found: list[tuple[int, int, int]] = []
    for _ in range(count):
        h, w = (int(v) for v in rng.integers(16, 61, size=2))
        found.append((h, w, int(rng.integers(1, 5))))
    return found


@exercise(
    "implement",
    title="LeNet-5 from the slide's table, in Keras",
    slide="deck 000, ConvNet : example",
    hint="start the model with Input(shape=input_shape) — the argument, not 32×32×3. Read "
    "the table row by row: K filters of f×f is Conv2D(K, f), each pooling halves the height and "
    "width, a Flatten comes before the first Dense layer, and the last layer needs a softmax.",
    hidden=True,
    answers=("my_lenet5",),
)
def ex06_1(env: Env, hidden: bool) -> None:
    build = function(env, "my_lenet5")
    forbid(build, ["lenet5", "lenet5_classic", "LENET5_LAYERS"], "the network")
    rng = case_rng(hidden)
    cases = [slides.LENET5_INPUT_SHAPE]
    if hidden:
        cases += [(28, 28, 1), (16, 16, 1), (40, 24, 3)]  # MNIST, the smallest, non-square
    cases += _lenet_input_shapes(rng, 5 if hidden else 1)
    for input_shape in cases:
        case = f"my_lenet5(input_shape={input_shape})"
        model = call(seeded(build, 0), input_shape, case=case)
        mine = _table_of(model, case)
        if model.name in ("lenet5", "lenet5_classic"):  # when forbid cannot read the source
            raise WrongAnswer(
                "the exercise is to write the network yourself; your function returns the "
                f"course's `models.{model.name}()`."
            )
        if input_shape == slides.LENET5_INPUT_SHAPE:
            slide, whose = list(slides.LENET5_TABLE), "the slide's"  # deck 000's table
        else:
            slide, whose = shapes.layer_table(input_shape, slides.LENET5_LAYERS), "the right"
        _compare_tables(mine, slide, case, whose)
        x = rng.uniform(size=(2, *input_shape)).astype("float32")
        p = keras.ops.convert_to_numpy(model(x))
        if p.shape != (2, 10) or np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1, atol=1e-4):
            raise WrongAnswer(
                f"{case}: the last layer should give 10 probabilities per image (a softmax); "
                f"on two images your model outputs {p.shape[1:]} values per image that are not "
                "probabilities adding up to 1."
            )


@exercise(
    "compute",
    title="AlexNet's first layer with another stride",
    slide="deck 004, AlexNet (Krizhevsky et al, 2012); deck 000, Summary",
    hint="the output width is floor((n + 2p − f) / s) + 1 with n = 227, f = 11, p = 0 and the new "
    "stride; the number of neurons is width × height × the number of filters (96).",
    answers=("my_width", "my_neurons"),
)
def ex06_2(env: Env, hidden: bool) -> None:
    conv1 = dataclasses.replace(slides.ALEXNET_LAYERS[0], s=5)
    row = shapes.layer_table(slides.ALEXNET_INPUT_SHAPE, [conv1])[1]
    expect_int(answer(env, "my_width"), row.activation_shape[1], "the output width")
    expect_int(answer(env, "my_neurons"), row.activation_size, "the number of neurons")


def _vgg16_blocks() -> list[int]:
    """The parameters of VGG-16's five convolution blocks (the convolutions before each pool)."""
    rows = shapes.layer_table(slides.VGG_INPUT_SHAPE, slides.VGG16_LAYERS)
    blocks, params = [], 0
    for layer, row in zip(slides.VGG16_LAYERS, rows[1:], strict=True):
        if isinstance(layer, shapes.Conv):
            params += row.params
        elif isinstance(layer, shapes.Pool):
            blocks.append(params)
            params = 0
    return blocks


@exercise(
    "compute",
    title="the parameters of a VGG-16 block",
    slide="deck 002, VGG-16 ≈ 138 millions de paramètres; deck 000, Summary",
    hint="each 3×3 filter spans all the channels of its input: (3·3·C_in + 1)·K for each of the "
    "three convolutions. The first one reads the 128 channels of block 2; the next two read "
    "256.",
    answers=("my_block3",),
)
def ex06_3(env: Env, hidden: bool) -> None:
    expect_int(answer(env, "my_block3"), _vgg16_blocks()[2], "the number of parameters of block 3")


@exercise(
    "compute",
    title="a stack of 3×3 convolutions against one large filter",
    slide="deck 001, Convolutional layers and stacking; deck 002, Champ réceptif",
    hint="N stacked 3×3 layers see 2N + 1 pixels, so the single layer's filter is (2N+1)×(2N+1). "
    "Without biases a layer with f×f filters, C channels in and C out has f·f·C·C weights.",
    answers=("my_stacked", "my_single"),
)
def ex06_4(env: Env, hidden: bool) -> None:
    stack = shapes.stacked_3x3_vs_single(4, 64, bias=False)
    expect_int(
        answer(env, "my_stacked"),
        stack.stacked_params,
        "the number of weights of the four 3×3 layers",
    )
    expect_int(
        answer(env, "my_single"), stack.single_params, "the number of weights of the single layer"
    )


def _inception_3b() -> tuple[int, int]:
    """Output channels and parameters of GoogLeNet's module (3b), built by the course."""
    inputs = keras.Input((28, 28, 256))
    out = architectures.inception_module(inputs, 128, 128, 192, 32, 96, 64, name="ex06_3b")
    module = keras.Model(inputs, out)
    return int(module.output_shape[-1]), int(module.count_params())


@exercise(
    "compute",
    title="the output and the parameters of an inception module",
    slide="deck 004, GoogLeNet (Szegedy et al, 2014); deck 003, CNN: The Volume Shrinks: 1x1 "
    "Convolution makes sense",
    hint="the four branches are concatenated along the channels: add their numbers of filters. "
    "For the parameters, add (f·f·C_in + 1)·K over the six convolutions; the 3×3 and 5×5 ones "
    "read the output of their 1×1 reduction, not the 256 input channels.",
    answers=("my_channels", "my_params"),
)
def ex06_5(env: Env, hidden: bool) -> None:
    channels, params = _inception_3b()
    expect_int(answer(env, "my_channels"), channels, "the number of output channels")
    expect_int(answer(env, "my_params"), params, "the number of parameters of module (3b)")


EXERCISES = (ex06_1, ex06_2, ex06_3, ex06_4, ex06_5)
