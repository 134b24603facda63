"""Sizes and parameter counts of convolutional networks, the way the lecture computes them.

Everything the slides compute by hand about a layer — how big its output is, how many
zeros "same" padding adds, how many parameters it learns, how far its receptive field
reaches — and the per-layer table the slides print (activation shape, activation size,
number of parameters), built either from a small layer *spec* or from a real Keras model
so the two can be compared. Every name is importable from here (``shapes.conv_params``);
they live in two modules:

* :mod:`cnn_course.shapes.sizes` — one layer: output sizes (a transposed convolution's
  too, :func:`transposed_conv_output_size`), padding, parameter counts,
  compute cost (:func:`conv_flops`, :func:`dense_flops`, :func:`activation_memory`);
* :mod:`cnn_course.shapes.stacks` — a stack of layers: layer specs, the per-layer table
  (:func:`layer_table`, :func:`layer_table_from_model`, :func:`format_table`, whose
  ``cost=True`` adds multiply-adds and activation memory), the receptive field.

Conventions (the slides', and Keras' ``"valid"`` padding)
---------------------------------------------------------
* Output size of a convolution or pooling window: ``floor((n + 2p - f) / s) + 1``.
  When the stride "does not fit", the fraction is rounded *down* and the last
  rows/columns of the input are never read (deck 000, "Summary"; Keras does the same).
* Parameters of a convolution: ``(f·f·c_in + 1)·c_out`` — one bias per filter.
* Parameters of a dense layer: ``(n_in + 1)·n_out``. A dense activation is written as a
  column ``(units, 1)``, as on the slides.
* Pooling, flattening and global average pooling learn nothing: 0 parameters.
* Compute cost in multiply-adds, the ResNet paper's "FLOPs": ``out_h·out_w·f·f·c_in·c_out``
  for a convolution, ``n_in·n_out`` for a dense layer; activation memory: 4 bytes per
  value in float32.

Part of the TensorFlow-free core: exact integer arithmetic in pure Python; even
:func:`layer_table_from_model` only reads the attributes of the model it is given.

Examples
--------
The English deck's LeNet-5-style table (deck 000, "ConvNet : example"):

>>> from cnn_course import slides
>>> rows = layer_table(slides.LENET5_INPUT_SHAPE, slides.LENET5_LAYERS)
>>> print(format_table(rows))
                  Activation shape  Activation size  # parameters
Input             (32, 32, 3)                 3,072             0
conv1 (f=5, s=1)  (28, 28, 6)                 4,704           456
pool1             (14, 14, 6)                 1,176             0
conv2 (f=5, s=1)  (10, 10, 16)                1,600         2,416
pool2             (5, 5, 16)                    400             0
FC3               (120, 1)                      120        48,120
FC4               (84, 1)                        84        10,164
softmax           (10, 1)                        10           850
"""

from __future__ import annotations

from cnn_course.shapes.sizes import (
    BYTES_PER_VALUE,
    POOL_MODES,
    activation_memory,
    conv_flops,
    conv_output_size,
    conv_params,
    dense_flops,
    dense_params,
    fc_params_for_image,
    keras_same_output_size,
    keras_same_padding,
    locally_connected_params,
    output_size_or_reason,
    padding_amounts,
    pool_output_size,
    same_padding,
    transposed_conv_output_size,
)
from cnn_course.shapes.stacks import (
    Conv,
    Dense,
    Flatten,
    GlobalAvgPool,
    LayerSpec,
    Pool,
    StackComparison,
    TableRow,
    format_table,
    layer_table,
    layer_table_from_model,
    memory_text,
    receptive_field,
    stacked_3x3_vs_single,
)

__all__ = [
    "BYTES_PER_VALUE",
    "POOL_MODES",
    "Conv",
    "Dense",
    "Flatten",
    "GlobalAvgPool",
    "LayerSpec",
    "Pool",
    "StackComparison",
    "TableRow",
    "activation_memory",
    "conv_flops",
    "conv_output_size",
    "conv_params",
    "dense_flops",
    "dense_params",
    "fc_params_for_image",
    "format_table",
    "keras_same_output_size",
    "keras_same_padding",
    "layer_table",
    "layer_table_from_model",
    "locally_connected_params",
    "memory_text",
    "output_size_or_reason",
    "padding_amounts",
    "pool_output_size",
    "receptive_field",
    "same_padding",
    "stacked_3x3_vs_single",
    "transposed_conv_output_size",
]
