"""Cross-checks of the package that notebook 04 made inline; they re-check, the notebook
teaches (issue 23 §5)."""

from __future__ import annotations

import keras

from cnn_course import shapes, slides


def test_convnet_39_keras_layers_have_the_formula_tables_shapes_and_counts():
    # notebook 04, last section: deck 000's 39×39×3 -> 37×37×10 -> 17×17×20 -> 7×7×40 ConvNet
    n_classes = 2
    spec = (*slides.CONVNET_39_LAYERS, shapes.Dense(n_classes, name="softmax"))
    table = shapes.layer_table(slides.CONVNET_39_INPUT_SHAPE, spec)
    convnet = keras.Sequential(
        [
            keras.Input(shape=(39, 39, 3), name="image"),
            keras.layers.Conv2D(10, 3, strides=1, activation="relu", name="conv1"),
            keras.layers.Conv2D(20, 5, strides=2, activation="relu", name="conv2"),
            keras.layers.Conv2D(40, 5, strides=2, activation="relu", name="conv3"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(n_classes, activation="softmax", name="softmax"),
        ],
        name="convnet_39",
    )
    assert len(convnet.layers) == len(table) - 1  # the table's first row is the input
    for layer, row in zip(convnet.layers, table[1:], strict=True):
        assert tuple(layer.output.shape[1:]) == row.activation_shape[: len(layer.output.shape) - 1]
        assert layer.count_params() == row.params
    assert convnet.count_params() == sum(r.params for r in table) == 29_262
