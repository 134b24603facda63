"""Tests of cnn_course._format: numbers and sizes written the way the slides write them."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course._format import format_number, size_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "3"),
        (np.int64(-16), "-16"),
        (5.0, "5"),
        (2.25, "2.25"),
        (np.float32(3.75), "3.75"),
        (2 / 3, "0.667"),
        (-0.0, "0"),
        (1e-4, "0.0001"),
    ],
)
def test_format_number_writes_numbers_like_the_slides(value, text):
    assert format_number(value) == text


def test_format_number_takes_an_explicit_format():
    assert format_number(0.5, fmt=".2f") == "0.50"
    assert format_number(float("nan")) == "nan" and format_number(float("inf")) == "inf"


def test_size_text():
    assert size_text(6, 4) == "6×4"
