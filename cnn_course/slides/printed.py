"""What the decks print: every matrix, table and number, each citing its deck and slide.

Matrices are read-only NumPy arrays; tables are tuples of frozen dataclasses; a value a
deck prints wrong is kept under a ``*_PRINTED`` name next to the correct one (the
explanations are in :mod:`cnn_course.slides.errata`). Import the names from
:mod:`cnn_course.slides`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course.kernels import vertical_edge
from cnn_course.shapes import Conv, Dense, Flatten, GlobalAvgPool, LayerSpec, Pool, TableRow

__all__ = [
    "FC_TO_CONV_EXAMPLE",
    "ALEXNET_INPUT_SHAPE",
    "ALEXNET_INPUT_SIZE",
    "ALEXNET_LAYERS",
    "ALEXNET_NEURONS",
    "ALEXNET_NEURONS_PRINTED",
    "ALEXNET_PARAMS_APPROX",
    "CONVNET_39_FLATTEN",
    "CONVNET_39_INPUT_SHAPE",
    "CONVNET_39_LAYERS",
    "CONVNET_39_SHAPES",
    "CONV_NEURONS_GRID",
    "CONV_NEURONS_PER_REGION",
    "CONV_NEURONS_REGION",
    "DECKS",
    "DECK_000",
    "DECK_001",
    "DECK_002",
    "DECK_003",
    "DECK_004",
    "FCN_GAP_LAYERS",
    "FCN_GAP_PARAMS",
    "FCN_TEST_ACCURACY",
    "FCN_TEST_LOSS",
    "FC_1000_ON_1000X1000X3",
    "FC_1000_ON_200X200X3",
    "FC_1000_ON_MEGAPIXEL",
    "FC_4096_ON_7X7X512_PARAMS",
    "FEATURES_1000X1000X3",
    "FEATURES_64X64X3",
    "FEATURES_64X64X3_PRINTED",
    "IMAGE_6X6",
    "IMAGE_6X6_EDGES",
    "KERAS_APPLICATIONS",
    "KerasApplication",
    "LENET1_PAPER_CONNECTIONS",
    "LENET1_PAPER_PARAMS",
    "LENET5_FR_LAYERS",
    "LENET5_FR_TABLE_PRINTED",
    "LENET5_INPUT_SHAPE",
    "LENET5_LAYERS",
    "LENET5_PAPER_LAYER_PARAMS",
    "LENET5_PAPER_PARAMS",
    "LENET5_PAPER_RBF_PARAMS",
    "LENET5_PARAMS_APPROX",
    "LENET5_TABLE",
    "LENET_FC3_AS_CONV",
    "MNIST_CONVNET_LAYERS",
    "MNIST_CONVNET_PARAMS",
    "MNIST_CONVNET_TEST_ACCURACY",
    "MNIST_CONVNET_TEST_LOSS",
    "MNIST_FC_100_PARAMS",
    "MNIST_INPUT_SHAPE",
    "MNIST_LRF_NET_LAYERS",
    "MNIST_LRF_NET_SHAPES",
    "MNIST_LRF_PARAMS",
    "MNIST_DROPOUT_RATE",
    "MNIST_NUM_CLASSES",
    "OUTPUT_SIZE_EXAMPLES",
    "OutputSizeExample",
    "PADDED_FILTER",
    "PADDED_IMAGE_6X6",
    "PADDED_IMAGE_8X8",
    "PADDED_OUTPUT",
    "PADDED_OUTPUT_PRINTED",
    "POOL_AVG_3X3",
    "POOL_IMAGE_4X4",
    "POOL_MAX_2X2",
    "POOL_MAX_3X3",
    "RESNET_FIGURE_GFLOPS",
    "RESNET_FIGURE_PARAMETER_LAYERS",
    "RGB_LRF_5_MAPS_PARAMS",
    "STEP_IMAGE_6X6",
    "STEP_IMAGE_EDGES",
    "STRIDE_FILTER",
    "STRIDE_IMAGE_7X7",
    "STRIDE_OUTPUT",
    "STRIDE_OUTPUT_PRINTED",
    "TEN_3X3X3_FILTERS_PARAMS",
    "TEN_5X5X3_FILTERS_OUTPUT_SHAPE",
    "TEN_5X5X3_FILTERS_PARAMS",
    "VERTICAL_EDGE_FILTER",
    "VGG16_LAYERS",
    "VGG16_PARAMS_APPROX",
    "VGG19_LAYERS",
    "VGG_INPUT_SHAPE",
    "WHY_CONV_FC_WEIGHTS",
    "WHY_CONV_PARAMS",
    "WHY_CONV_PARAMS_PRINTED",
]


# --------------------------------------------------------------------------- the decks

DECK_000 = "000_eb99e285c495a795.txt"
DECK_001 = "001_4e0eedb3ee9c0e2f.txt"
DECK_002 = "002_b567f4beb711858b.txt"
DECK_003 = "003_8dffae983764f429.txt"
DECK_004 = "004_86a2bcd246fc6398.txt"

#: Deck file -> title. Read-only.
DECKS = MappingProxyType(
    {
        DECK_000: "Deep Learning 3/ Convolutional Neural Networks (English)",
        DECK_001: "Deep Learning: Convolutional Neural Networks (English)",
        DECK_002: "Convolutional Neural Network — Deep learning par la pratique (French)",
        DECK_003: "Convolutional Neural Networks lecture (English)",
        DECK_004: "Deep Learning, Lecture 3: Convolutional networks (English)",
    }
)


def _frozen(rows: ArrayLike, dtype: type = np.int64) -> NDArray:
    """A read-only array: the slides' numbers must not be changed by accident."""
    array = np.array(rows, dtype=dtype)
    array.flags.writeable = False
    return array


# --------------------------------------------------------------------------- convolution

#: The 6×6 grayscale image of deck 000 "Convolution Operation — Vertical Edge Detection"
#: (also deck 002 "Convolution" and the pooling slides of deck 002).
IMAGE_6X6 = _frozen(
    [
        [3, 0, 1, 2, 7, 4],
        [1, 5, 8, 9, 3, 1],
        [2, 7, 2, 5, 1, 3],
        [0, 1, 3, 1, 7, 8],
        [4, 2, 1, 6, 2, 8],
        [2, 4, 5, 2, 3, 9],
    ]
)

#: The 3×3 vertical edge filter ``[[1, 0, -1]] × 3`` of deck 000 / 001 / 002
#: (= :func:`cnn_course.kernels.vertical_edge`).
VERTICAL_EDGE_FILTER = _frozen(vertical_edge())

#: ``IMAGE_6X6 ∗ VERTICAL_EDGE_FILTER`` (4×4), deck 000 "Vertical Edge Detection" and
#: deck 002 "Convolution". The first value is deck 000's worked sum
#: ``3·1 + 1·1 + 2·1 + 0·0 + 5·0 + 7·0 + 1·(-1) + 8·(-1) + 2·(-1) = -5``.
IMAGE_6X6_EDGES = _frozen(
    [
        [-5, -4, 0, 8],
        [-10, -2, 2, 3],
        [0, -2, -4, -7],
        [-3, -2, -3, -16],
    ]
)

#: The 6×6 step image (10 on the left half, 0 on the right), deck 000 "Vertical Edge
#: Detection": "a vertical edge is detected down the middle of the image".
STEP_IMAGE_6X6 = _frozen([[10, 10, 10, 0, 0, 0]] * 6)

#: ``STEP_IMAGE_6X6 ∗ VERTICAL_EDGE_FILTER`` (4×4): rows ``0 30 30 0``. Shown in the
#: slide's figure (the extracted text keeps only its size, 4×4).
STEP_IMAGE_EDGES = _frozen([[0, 30, 30, 0]] * 4)

# --------------------------------------------------------------------------- stride

#: The 7×7 input of the stride-2 example: deck 000 "Stride — Strided Convolutions" and
#: deck 002 "Stride".
STRIDE_IMAGE_7X7 = _frozen(
    [
        [2, 3, 7, 4, 6, 2, 9],
        [6, 6, 9, 8, 7, 4, 3],
        [3, 4, 8, 3, 8, 9, 7],
        [7, 8, 3, 6, 6, 3, 4],
        [4, 2, 1, 8, 3, 4, 6],
        [3, 2, 4, 1, 9, 8, 3],
        [0, 1, 3, 9, 2, 1, 4],
    ]
)

#: The 3×3 filter of the stride-2 example (deck 000 and deck 002 "Stride").
STRIDE_FILTER = _frozen([[3, 4, 4], [1, 0, 2], [-1, 0, 3]])

#: The output deck 002 "Stride" prints for ``STRIDE_IMAGE_7X7 ∗ STRIDE_FILTER`` with
#: stride 2. Two entries are wrong (83 and 127, see :data:`ERRATA`). Deck 000 shows the
#: same example being filled in; its extracted text keeps only 91 and 100.
STRIDE_OUTPUT_PRINTED = _frozen([[91, 100, 83], [69, 91, 127], [44, 72, 74]])

#: The correct stride-2 output: ``floor((7 - 3) / 2) + 1 = 3`` per side.
STRIDE_OUTPUT = _frozen([[91, 100, 88], [69, 91, 117], [44, 72, 74]])

# --------------------------------------------------------------------------- padding

#: The unpadded 6×6 image of deck 001 "Convolutional layers" ("Input: 6x6 image").
PADDED_IMAGE_6X6 = _frozen(
    [
        [1, 2, 3, 1, 3, 5],
        [2, 2, 5, 4, 2, 5],
        [0, 6, 9, 6, 2, 2],
        [2, 0, 1, 9, 4, 0],
        [5, 5, 4, 6, 7, 6],
        [6, 1, 3, 7, 1, 5],
    ]
)

#: The same image as the slide prints it, with one pixel of zero padding (8×8).
PADDED_IMAGE_8X8 = _frozen(np.pad(PADDED_IMAGE_6X6, 1))

#: The filter of the padded example (deck 001): the vertical edge filter.
PADDED_FILTER = _frozen(vertical_edge())

#: The 6×6 output deck 001 "Convolutional layers" prints ("Output: 6x6 activations").
#: Two entries differ from the computation: row 5 has 10 where 11 is right (see
#: :data:`ERRATA`), and row 4 starts with 11 instead of -11, most likely a minus sign lost in
#: the conversion to text (an ``as_extracted`` entry of :data:`REMARKS`).
PADDED_OUTPUT_PRINTED = _frozen(
    [
        [-4, -5, -1, 3, -5, 5],
        [-10, -14, -1, 10, -1, 7],
        [-8, -11, -11, 7, 12, 8],
        [11, -7, -10, 1, 13, 13],
        [-6, 5, -16, -4, 10, 12],
        [-6, 4, -7, -1, 2, 8],
    ]
)

#: The correct output of the padded example: ``PADDED_IMAGE_8X8 ∗ PADDED_FILTER``.
PADDED_OUTPUT = _frozen(
    [
        [-4, -5, -1, 3, -5, 5],
        [-10, -14, -1, 10, -1, 7],
        [-8, -11, -11, 7, 12, 8],
        [-11, -7, -10, 1, 13, 13],
        [-6, 5, -16, -4, 11, 12],
        [-6, 4, -7, -1, 2, 8],
    ]
)

# --------------------------------------------------------------------------- pooling

#: The 4×4 input of deck 000 "Pooling Layer" (f = 2, s = 2).
POOL_IMAGE_4X4 = _frozen([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]])

#: Max pooling of ``POOL_IMAGE_4X4`` (2×2 windows, stride 2); in deck 000's figure.
POOL_MAX_2X2 = _frozen([[9, 2], [6, 3]])

#: Max pooling of ``IMAGE_6X6`` (f = 2, s = 2), deck 002 "Pooling layer: Max pooling".
POOL_MAX_3X3 = _frozen([[5, 9, 7], [7, 5, 8], [4, 6, 9]])

#: Average pooling of ``IMAGE_6X6`` (f = 2, s = 2), deck 002 "Pooling layer: Average
#: pooling".
POOL_AVG_3X3 = _frozen(
    [[2.25, 5.0, 3.75], [2.5, 2.75, 4.75], [3.0, 3.5, 5.5]],
    dtype=np.float64,
)

# --------------------------------------------------------------------------- output sizes


@dataclass(frozen=True)
class OutputSizeExample:
    """An output-size calculation a slide does: ``n×n`` input, ``f×f`` filter, ``p``, ``s``.

    ``printed`` is the size the slide gives — an int, or the slide's words when it gives
    none (deck 003's "doesn't fit").
    """

    deck: str
    slide: str
    n: int
    f: int
    p: int
    s: int
    printed: int | str


#: Every output-size calculation of the decks (check them with
#: :func:`cnn_course.shapes.conv_output_size`).
OUTPUT_SIZE_EXAMPLES: tuple[OutputSizeExample, ...] = (
    OutputSizeExample(DECK_000, "Learning to Detect Edges", 6, 3, 0, 1, 4),
    OutputSizeExample(DECK_000, "Padding", 6, 3, 1, 1, 6),
    OutputSizeExample(DECK_000, "Summary (stride)", 7, 3, 0, 2, 3),
    OutputSizeExample(DECK_000, "Convolutional Neural Network", 39, 3, 0, 1, 37),
    OutputSizeExample(DECK_000, "Convolutional Neural Network", 37, 5, 0, 2, 17),
    OutputSizeExample(DECK_000, "Convolutional Neural Network", 17, 5, 0, 2, 7),
    OutputSizeExample(DECK_001, "Minimizing the number of parameters: LRF's", 28, 5, 0, 1, 24),
    OutputSizeExample(DECK_002, "Padding", 6, 3, 1, 1, 6),
    OutputSizeExample(DECK_003, "7x7 input, 3x3 filter", 7, 3, 0, 1, 5),
    OutputSizeExample(DECK_003, "7x7 input, 3x3 filter applied with stride 2", 7, 3, 0, 2, 3),
    OutputSizeExample(
        DECK_003, "7x7 input, 3x3 filter applied with stride 3?", 7, 3, 0, 3, "doesn't fit"
    ),
    OutputSizeExample(DECK_003, "Zero-pad is most common in practice", 7, 3, 1, 1, 7),
    OutputSizeExample(DECK_003, "CNN: The Volume Shrinks", 32, 5, 0, 1, 28),
    OutputSizeExample(DECK_003, "CNN: The Volume Shrinks", 28, 5, 0, 1, 24),
    OutputSizeExample(DECK_003, "CNN: The Volume Shrinks, Example", 32, 5, 2, 1, 32),
    # deck 004 "Convolution": the sizes are those of its two animations, lost in extraction
    # (Dumoulin & Visin's "no padding, no strides" and "padding, strides" frames).
    OutputSizeExample(DECK_004, "Convolution: No padding (P=0), no strides (S=1)", 4, 3, 0, 1, 2),
    OutputSizeExample(DECK_004, "Convolution: Padding (P=1), strides (S=2)", 5, 3, 1, 2, 3),
)

# --------------------------------------------------------------------------- parameter counts

#: Values in a 64×64×3 image: 12 288 (deck 002 "Nombre de caractéristiques").
FEATURES_64X64X3 = 12_288
#: What deck 000 "Challenges in Deep Learning for Computer Vision" prints for
#: ``64 × 64 × 3`` — a typo (see :data:`ERRATA`).
FEATURES_64X64X3_PRINTED = 12_228
#: Values in a 1000×1000×3 image: "3 million" (deck 000; deck 002 "3 millions").
FEATURES_1000X1000X3 = 3_000_000
#: Weights of a 1 000-unit dense layer on a 1000×1000×3 image, ``W[1]: (1000, 3M)``:
#: "3 billion parameters" (deck 000; deck 002 "3 milliards"). Biases not counted.
FC_1000_ON_1000X1000X3 = 3_000_000_000
#: ``200 × 200 × 3 × 1000 = 120 M`` weights (deck 004 "Motivation"). Biases not counted.
FC_1000_ON_200X200X3 = 120_000_000
#: ``10^6 × 10^3 = 10^9`` weights for one-megapixel photographs and 1 000 hidden units
#: (deck 001 "Images and FC neural networks"). Biases not counted.
FC_1000_ON_MEGAPIXEL = 10**9
#: A 100-unit dense layer on MNIST: ``784 × 100 + 100 = 78 500`` (deck 001 "Minimizing
#: the number of parameters: LRF's").
MNIST_FC_100_PARAMS = 78_500
#: A locally connected layer, 5×5 fields on 28×28 MNIST, one map:
#: ``25 × 24 × 24 + 24 × 24 = 14 976`` (deck 001, same slide).
MNIST_LRF_PARAMS = 14_976
#: The same on RGB with 5 maps: ``25 × 3 × 5 × 24 × 24 + 24 × 24 × 5 = 218 880``
#: (deck 001 "Minimizing the number of parameters: LRF's").
RGB_LRF_5_MAPS_PARAMS = 218_880
#: Ten 3×3×3 filters: 27 weights + bias = 28, × 10 = 280 (deck 000 "Number of parameters
#: in one layer").
TEN_3X3X3_FILTERS_PARAMS = 280
#: Ten 5×5 filters, stride 1, pad 2 on 32×32×3: ``(5·5·3 + 1) × 10 = 760`` parameters
#: (deck 003 "CNN: The Volume Shrinks, Example") ...
TEN_5X5X3_FILTERS_PARAMS = 760
#: ... and an output volume of 32×32×10.
TEN_5X5X3_FILTERS_OUTPUT_SHAPE = (32, 32, 10)
#: Deck 003 "Convolution Layer - neurons": "CONV Layers consists of neurons arranged into a
#: 3D Grid (28x28x6)" — six 5×5×3 filters on the 32×32×3 image of the deck's figures (the
#: input size is in the lost figure; 32 - 5 + 1 = 28) ...
CONV_NEURONS_GRID = (28, 28, 6)
#: ... and "There will be 6 different neurons looking at the same region in the input
#: volume": the depth column of 6 neurons over one 5×5×3 region.
CONV_NEURONS_PER_REGION = 6
CONV_NEURONS_REGION = (5, 5, 3)
#: What deck 002 "Pourquoi des convolutions ?" prints for six 5×5 filters on the
#: 32×32×3 input: ``25 + 1 = 26, × 6 = 156`` — the 3 input channels are forgotten.
WHY_CONV_PARAMS_PRINTED = 156
#: The correct count for that layer, ``(5·5·3 + 1) × 6 = 456`` (deck 000's LeNet conv1).
WHY_CONV_PARAMS = 456
#: A dense layer from the 3 072 inputs to the 4 704 outputs of that layer:
#: ``3 072 × 4 704 = 14 450 688`` weights, "≈ 14 000 000" (deck 002).
WHY_CONV_FC_WEIGHTS = 14_450_688
#: A 4 096-unit FC layer on a 7×7×512 volume and the equivalent CONV layer with F = 7,
#: K = 4096 (output 1×1×4096) have the same ``7·7·512·4096 + 4096`` parameters
#: (deck 001 "Fully Convolutional Networks").
FC_4096_ON_7X7X512_PARAMS = 102_764_544
#: LeNet's FC3 written as a convolution: "F: 5; K: 120" on the 5×5×16 volume (deck 001).
LENET_FC3_AS_CONV = Conv(120, 5, name="FC3 as conv (F=5, K=120)")
#: "LeNet-5 ≈ 60k paramètres" (deck 002).
LENET5_PARAMS_APPROX = 60_000
#: LeNet-5's trainable parameters, layer by layer, in the paper whose figure deck 004 shows
#: (LeCun, Bottou, Bengio & Haffner 1998, section II.B): C1, S2 (a coefficient and a bias per
#: map), C3 (partial connections, its Table I), S4, C5, F6.
LENET5_PAPER_LAYER_PARAMS: tuple[tuple[str, int], ...] = (
    ("C1", 156),
    ("S2", 12),
    ("C3", 1_516),
    ("S4", 32),
    ("C5", 48_120),
    ("F6", 10_164),
)
#: Their sum: the paper's 60 000 trainable parameters. The 10 RBF output units' 84 × 10
#: weights (:data:`LENET5_PAPER_RBF_PARAMS`) were set by hand to ±1 and kept fixed.
LENET5_PAPER_PARAMS = 60_000
#: The fixed parameters of LeNet-5's RBF output layer: 84 inputs × 10 units, no bias.
LENET5_PAPER_RBF_PARAMS = 840
#: LeNet-1, which deck 004 dates "(LeCun et al, 1993)": LeCun et al., "Handwritten digit
#: recognition with a back-propagation network", NIPS 2 (1989, published 1990), p. 402: "4635
#: units, 98442 connections, and 2578 independent parameters" (H3 reads 20 of the 48 possible
#: H2 maps, and the subsampling maps have a coefficient and a bias each).
LENET1_PAPER_PARAMS = 2_578
#: LeNet-1's connections in the same paper (a connection is a multiply-add, biases included).
LENET1_PAPER_CONNECTIONS = 98_442
#: "AlexNet ≈ 60 millions de paramètres" (deck 002).
ALEXNET_PARAMS_APPROX = 60_000_000
#: "VGG-16 ≈ 138 millions de paramètres" (deck 002).
VGG16_PARAMS_APPROX = 138_000_000

# --------------------------------------------------------------------------- networks

#: Input of the LeNet-5-style network of deck 000 / deck 002.
LENET5_INPUT_SHAPE = (32, 32, 3)

#: The LeNet-5-style network of deck 000 "ConvNet: Example" (6 and 16 filters), as a
#: spec for :func:`cnn_course.shapes.layer_table`; it reproduces :data:`LENET5_TABLE`.
LENET5_LAYERS: tuple[LayerSpec, ...] = (
    Conv(6, 5),
    Pool(),
    Conv(16, 5),
    Pool(),
    Dense(120),
    Dense(84),
    Dense(10, name="softmax"),
)

#: The table deck 000 "ConvNet : example" prints (all numbers consistent).
LENET5_TABLE: tuple[TableRow, ...] = (
    TableRow("Input", (32, 32, 3), 3_072, 0),
    TableRow("conv1 (f=5, s=1)", (28, 28, 6), 4_704, 456),
    TableRow("pool1", (14, 14, 6), 1_176, 0),
    TableRow("conv2 (f=5, s=1)", (10, 10, 16), 1_600, 2_416),
    TableRow("pool2", (5, 5, 16), 400, 0),
    TableRow("FC3", (120, 1), 120, 48_120),
    TableRow("FC4", (84, 1), 84, 10_164),
    TableRow("softmax", (10, 1), 10, 850),
)

#: The table deck 002 "LeNet-5" prints, as printed. Six cells differ from the computation:
#: five are wrong (see :data:`ERRATA`), and CONV2's shape (10, 10, 46) is most likely a 16
#: misread in the conversion to text (an ``as_extracted`` entry of :data:`REMARKS`);
#: ``layer_table(LENET5_INPUT_SHAPE, LENET5_FR_LAYERS)`` gives the correct ones.
LENET5_FR_TABLE_PRINTED: tuple[TableRow, ...] = (
    TableRow("Input", (32, 32, 3), 3_072, 0),
    TableRow("CONV1 (f=5, s=1)", (28, 28, 8), 6_272, 208),
    TableRow("POOL1", (14, 14, 8), 1_568, 0),
    TableRow("CONV2 (f=5, s=1)", (10, 10, 46), 1_600, 416),
    TableRow("POOL2", (5, 5, 16), 400, 0),
    TableRow("FC3", (120, 1), 120, 48_001),
    TableRow("FC4", (84, 1), 84, 10_081),
    TableRow("Softmax", (10, 1), 10, 841),
)

#: The network deck 002's table describes: deck 000's LeNet-5 (:data:`LENET5_LAYERS`) with
#: 8 filters in CONV1 (the table's shape and size say so), each layer named as the table
#: names its row.
LENET5_FR_LAYERS: tuple[LayerSpec, ...] = tuple(
    replace(layer, name=row.name)
    for layer, row in zip(
        (replace(LENET5_LAYERS[0], filters=8), *LENET5_LAYERS[1:]),
        LENET5_FR_TABLE_PRINTED[1:],
        strict=True,
    )
)

#: Input of the ConvNet of deck 000 "Convolutional Neural Network".
CONVNET_39_INPUT_SHAPE = (39, 39, 3)
#: That ConvNet: 10 filters 3×3 s=1, 20 filters 5×5 s=2, 40 filters 5×5 s=2, then
#: "unrolling into a vector". The filter sizes and strides are in the slide's figure.
CONVNET_39_LAYERS: tuple[LayerSpec, ...] = (
    Conv(10, 3),
    Conv(20, 5, s=2),
    Conv(40, 5, s=2),
    Flatten(),
)
#: The activation shapes the slide prints: 39×39×3, 37×37×10, 17×17×20, 7×7×40.
CONVNET_39_SHAPES = ((39, 39, 3), (37, 37, 10), (17, 17, 20), (7, 7, 40))
#: The unrolled vector fed to the softmax: 7 × 7 × 40 = 1 960.
CONVNET_39_FLATTEN = 1_960

#: Input of the MNIST networks of deck 001.
MNIST_INPUT_SHAPE = (28, 28, 1)
#: Deck 001's ``num_classes = 10``: the ten digits (and, in the course, Fashion-MNIST's ten
#: kinds of clothing).
MNIST_NUM_CLASSES = 10
#: Deck 001 "Convolutional layers in Keras": ``Dropout(0.5)`` before the softmax layer.
MNIST_DROPOUT_RATE = 0.5
#: Deck 001 "Convolutional layers": 28×28 input, 5×5 receptive fields, 3 feature maps,
#: 2×2 max pooling.
MNIST_LRF_NET_LAYERS: tuple[LayerSpec, ...] = (Conv(3, 5), Pool())
#: The sizes the slide prints, channels first as written: 3×24×24 then 3×12×12.
MNIST_LRF_NET_SHAPES = ((3, 24, 24), (3, 12, 12))
# The two convolution + pooling blocks both MNIST networks of deck 001 start with.
_MNIST_CONV_BLOCKS: tuple[LayerSpec, ...] = (Conv(32, 3), Pool(), Conv(64, 3), Pool())
#: Deck 001 "Convolutional layers in Keras" (its ``Dropout(0.5)`` changes no shape or
#: count, so it is left out of the spec).
MNIST_CONVNET_LAYERS: tuple[LayerSpec, ...] = (
    *_MNIST_CONV_BLOCKS,
    Flatten(),
    Dense(10, name="softmax"),
)
#: Total parameters ``model.summary()`` reports for that code (the slide's screenshot of
#: the summary was lost in extraction).
MNIST_CONVNET_PARAMS = 34_826
#: The test loss and accuracy deck 001 prints for it.
MNIST_CONVNET_TEST_LOSS = 0.02760012447834015
MNIST_CONVNET_TEST_ACCURACY = 0.9900000095367432
#: Deck 001 "Fully Convolutional Networks": the dense head replaced by a 1×1 convolution
#: with one filter per class and global average pooling.
FCN_GAP_LAYERS: tuple[LayerSpec, ...] = (
    *_MNIST_CONV_BLOCKS,
    Conv(128, 3),
    Conv(10, 1),
    GlobalAvgPool(),
)
#: Total parameters of that model (``model.summary()``; screenshot lost in extraction).
FCN_GAP_PARAMS = 93_962
#: The test loss and accuracy deck 001 prints for it.
FCN_TEST_LOSS = 0.0505051426589489
FCN_TEST_ACCURACY = 0.9909999966621399


def _vgg(convs_per_block: tuple[int, ...]) -> tuple[LayerSpec, ...]:
    layers: list[LayerSpec] = []
    for n_convs, filters in zip(convs_per_block, (64, 128, 256, 512, 512), strict=True):
        layers += [Conv(filters, 3, p=1)] * n_convs + [Pool()]
    return (*layers, Flatten(), Dense(4096), Dense(4096), Dense(1000))


#: Input of VGG-16/19 (224×224×3).
#: Deck 001 "FC -> CONV conversion": an FC layer with K = 4096 looking at a 7×7×512 volume
#: is a CONV layer with F = 7, K = 4096: (height, width, channels, units).
FC_TO_CONV_EXAMPLE = (7, 7, 512, 4096)
VGG_INPUT_SHAPE = (224, 224, 3)
#: VGG-16 (deck 002 "VGG-16 ≈ 138 millions"; deck 004's table: 138,357,544, depth 23).
VGG16_LAYERS = _vgg((2, 2, 3, 3, 3))
#: VGG-19 (deck 004's table: 143,667,240 parameters, depth 26).
VGG19_LAYERS = _vgg((2, 2, 4, 4, 4))

#: Deck 003 "A Common Architecture: ResNet", the ResNet paper's figure 3 caption: "the VGG-19
#: model (19.6 billion FLOPs)", "a plain network with 34 parameter layers (3.6 billion FLOPs)"
#: and "a residual network with 34 parameter layers (3.6 billion FLOPs)". The paper's FLOPs
#: are multiply-adds for one 224×224 image, in billions.
RESNET_FIGURE_GFLOPS = MappingProxyType({"VGG-19": 19.6, "plain-34": 3.6, "ResNet-34": 3.6})
RESNET_FIGURE_PARAMETER_LAYERS = 34

#: AlexNet's input, 227×227×3: the size its layer shapes need (see :data:`ERRATA`).
ALEXNET_INPUT_SHAPE = (227, 227, 3)
#: "The network's input is 150,528-dimensional" (= 224 × 224 × 3), deck 004's AlexNet
#: caption, quoting Krizhevsky et al. (2012).
ALEXNET_INPUT_SIZE = 150_528
#: AlexNet without the two-GPU split (96, 256, 384, 384, 256 filters; 4096, 4096, 1000
#: units) — about 62 M parameters ("≈ 60 millions", deck 002).
ALEXNET_LAYERS: tuple[LayerSpec, ...] = (
    Conv(96, 11, s=4),
    Pool(3, 2),
    Conv(256, 5, p=2),
    Pool(3, 2),
    Conv(384, 3, p=1),
    Conv(384, 3, p=1),
    Conv(256, 3, p=1),
    Pool(3, 2),
    Dense(4096),
    Dense(4096),
    Dense(1000),
)
#: "the number of neurons in the network's remaining layers is given by
#: 253,440–186,624–64,896–64,896–43,264–4096–4096–1000" (deck 004, the AlexNet caption).
ALEXNET_NEURONS_PRINTED = (253_440, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000)
#: The same with the first layer corrected: 55 × 55 × 96 = 290 400.
ALEXNET_NEURONS = (290_400, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000)


@dataclass(frozen=True)
class KerasApplication:
    """One row of deck 004's ``keras.applications`` table ("Object recognition")."""

    model: str
    size_mb: int
    top1: float
    top5: float
    parameters: int
    depth: int


#: Deck 004 "Object recognition": the ``keras.applications`` table as printed (it dates
#: from the Keras 2.1 documentation; see :data:`REMARKS`). The parameter counts are
#: those of ``keras.applications.<Model>(weights=None)`` today.
KERAS_APPLICATIONS: tuple[KerasApplication, ...] = (
    KerasApplication("Xception", 88, 0.790, 0.945, 22_910_480, 126),
    KerasApplication("VGG16", 528, 0.715, 0.901, 138_357_544, 23),
    KerasApplication("VGG19", 549, 0.727, 0.910, 143_667_240, 26),
    KerasApplication("ResNet50", 99, 0.759, 0.929, 25_636_712, 168),
    KerasApplication("InceptionV3", 92, 0.788, 0.944, 23_851_784, 159),
    KerasApplication("InceptionResNetV2", 215, 0.804, 0.953, 55_873_736, 572),
    KerasApplication("MobileNet", 17, 0.665, 0.871, 4_253_864, 88),
    KerasApplication("DenseNet121", 33, 0.745, 0.918, 8_062_504, 121),
    KerasApplication("DenseNet169", 57, 0.759, 0.928, 14_307_880, 169),
    KerasApplication("DenseNet201", 80, 0.770, 0.933, 20_242_984, 201),
)
