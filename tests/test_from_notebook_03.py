"""Cross-checks of the package that notebook 03 made inline; they re-check, the notebook
teaches (issue 23 §5)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from cnn_course import ops, slides
from cnn_course.layers import keras_conv2d


def test_deck_001_padding_1_is_zero_pad_then_a_valid_convolution():
    # notebook 03, section 2: deck 001's padded 6×6 example
    image, vertical = slides.PADDED_IMAGE_6X6, slides.PADDED_FILTER
    padded_out = ops.conv2d(ops.zero_pad(image, 1), vertical)
    assert padded_out.shape == (6, 6)
    assert np.array_equal(ops.conv2d(image, vertical, padding=1), padded_out)


def test_keras_same_computes_deck_001_padded_example():
    image, vertical = slides.PADDED_IMAGE_6X6, slides.PADDED_FILTER
    padded_out = ops.conv2d(ops.zero_pad(image, 1), vertical)
    keras_same = keras_conv2d(image, vertical, padding="same")
    assert keras_same.shape == (6, 6)
    assert np.array_equal(keras_same, padded_out)  # small integers: float32 is exact


def uses_by_gradient(n, f, strides=1, padding="valid"):
    """d(sum of outputs)/d(pixel) of an all-ones f×f Conv2D = how many outputs read the pixel
    (the helper of notebook 03, section 1)."""
    conv = keras.layers.Conv2D(
        1, f, strides=strides, padding=padding, use_bias=False, kernel_initializer="ones"
    )
    x = tf.constant(np.random.default_rng(0).normal(size=(1, n, n, 1)), dtype="float32")
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(conv(x))
    return tape.gradient(total, x).numpy()[0, :, :, 0]


def test_coverage_with_a_stride_that_does_not_fit_is_what_a_keras_gradient_counts():
    # notebook 03, section 3: 7×7 input, 3×3 filter, stride 3 (deck 003's "doesn't fit")
    coverage = ops.coverage((7, 7), 3, stride=3)
    assert np.array_equal(uses_by_gradient(7, 3, strides=3), coverage)
    assert coverage[:6, :6].min() == 1 and not coverage[6, :].any() and not coverage[:, 6].any()
