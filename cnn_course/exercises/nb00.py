"""Exercises of notebook 00 · Getting started: one warm-up that shows how exercises work."""

from __future__ import annotations

from cnn_course import kernels, ops, slides
from cnn_course.exercises._core import Env, answer, exercise, expect_int

__all__ = ["EXERCISES"]


@exercise(
    "compute",
    title="one output value of the slide's image with the horizontal-edge filter",
    slide="deck 000, Convolution Operation — Vertical Edge Detection; deck 002, Convolution",
    hint="put the filter's top-left corner on row 1, column 2 of the image (counting from 0): "
    "the window is rows 1 to 3 and columns 2 to 4. Multiply each of its nine pixels by the "
    "filter value on top of it and add the nine products — the middle row counts 0 times.",
    answers=("my_value",),
)
def ex00_1(env: Env, hidden: bool) -> None:
    value = answer(env, "my_value")
    expected = ops.conv2d(slides.IMAGE_6X6, kernels.horizontal_edge())[1, 2]
    expect_int(
        value, int(expected), "output[1, 2] of the 6×6 image with the horizontal-edge filter"
    )


EXERCISES = (ex00_1,)
