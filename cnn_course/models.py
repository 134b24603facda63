"""The models of the slides, as uncompiled Keras models with explicit layer names.

* :func:`mnist_convnet` — the Keras MNIST convnet of deck 001 (34 826 parameters,
  test accuracy 0.99).
* :func:`fcn_gap` and :func:`fcn_class_map` — the fully convolutional version of
  deck 001: a 1×1 convolution gives a class map and global average pooling turns
  it into one prediction per image (93 962 parameters, test accuracy 0.9909); with
  ``input_shape=(None, None, 1)`` it accepts a canvas of any size.
* :func:`lenet5` — the LeNet-5-style table of deck 000 (62 006 parameters), and
  :func:`lenet5_classic` — LeNet-5 as in LeCun et al. (1998) (61 706 parameters).
* :func:`dense_to_conv` and :func:`conv_to_dense` — the FC ↔ CONV equivalence of
  deck 001, with the weights carried over.
* Famous architectures, without weights, to count and inspect: :func:`alexnet`,
  :func:`vgg16`, :func:`resnet50`, the building blocks :func:`residual_block` and
  :func:`inception_module`, and :func:`applications_table` — the keras.applications
  table of deck 004 recomputed.

Keras is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cnn_course.runtime import progress_bar

if TYPE_CHECKING:
    import keras

NUM_CLASSES = 10
"""Ten digits: the output size of the MNIST models."""

MNIST_SHAPE = (28, 28, 1)
"""One MNIST image as the models see it: 28×28 pixels, one channel, floats in [0, 1]."""


def _keras() -> Any:
    import keras

    return keras


def mnist_convnet(input_shape: Sequence[int] = MNIST_SHAPE) -> keras.Model:
    """The Keras MNIST convnet of deck 001 ("Convolutional layers in Keras").

    Conv 32 3×3 ReLU → max pool 2 → conv 64 3×3 ReLU → max pool 2 → flatten →
    dropout 0.5 → dense 10 softmax, exactly as on the slide (the keras.io "Simple
    MNIST convnet" example). The slide reports a test accuracy of 0.99; see
    :func:`cnn_course.train.course_recipe`.

    Parameters
    ----------
    input_shape : tuple of int
        ``(28, 28, 1)``: the images are float32 in [0, 1] with a channel axis.

    Returns
    -------
    keras.Model
        Uncompiled; layers ``conv1, pool1, conv2, pool2, flatten, dropout, predictions``.

    Examples
    --------
    >>> model = mnist_convnet()
    >>> model.count_params()
    34826
    >>> [(layer.name, layer.count_params()) for layer in model.layers if layer.weights]
    [('conv1', 320), ('conv2', 18496), ('predictions', 16010)]
    >>> model.output_shape
    (None, 10)
    """
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=tuple(input_shape), name="image"),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu", name="conv1"),
            layers.MaxPooling2D(pool_size=(2, 2), name="pool1"),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu", name="conv2"),
            layers.MaxPooling2D(pool_size=(2, 2), name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dropout(0.5, name="dropout"),
            # float32 output even under a mixed_float16 policy (Keras' advice for softmax)
            layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32", name="predictions"),
        ],
        name="mnist_convnet",
    )


def fcn_gap(input_shape: Sequence[int | None] = MNIST_SHAPE) -> keras.Model:
    """The fully convolutional MNIST net of deck 001: 1×1 convolution + global average pooling.

    Conv 32 3×3 ReLU → max pool 2 → conv 64 3×3 ReLU → max pool 2 → conv 128 3×3
    ReLU → conv 10 1×1 softmax (the *class map*: one probability vector per
    location) → global average pooling. There is no dense layer, so nothing fixes
    the input size: with ``input_shape=(None, None, 1)`` the same weights run on a
    canvas of any size (at least 28×28) and :func:`fcn_class_map` shows where each
    digit is found. The slide reports a test accuracy of 0.9909.

    Parameters
    ----------
    input_shape : tuple
        ``(28, 28, 1)`` (default) or ``(None, None, 1)`` for any canvas size.

    Returns
    -------
    keras.Model
        Uncompiled; layers ``conv1, pool1, conv2, pool2, conv3, class_map, gap``.

    Examples
    --------
    >>> model = fcn_gap()
    >>> model.count_params()
    93962
    >>> [(layer.name, layer.count_params()) for layer in model.layers if layer.weights]
    [('conv1', 320), ('conv2', 18496), ('conv3', 73856), ('class_map', 1290)]
    >>> model.get_layer("class_map").output.shape
    (None, 3, 3, 10)
    >>> fcn_gap((None, None, 1)).count_params()   # same weights, any canvas
    93962
    """
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=tuple(input_shape), name="image"),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu", name="conv1"),
            layers.MaxPooling2D(pool_size=(2, 2), name="pool1"),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu", name="conv2"),
            layers.MaxPooling2D(pool_size=(2, 2), name="pool2"),
            layers.Conv2D(128, kernel_size=(3, 3), activation="relu", name="conv3"),
            # float32 softmax and output even under a mixed_float16 policy (Keras' advice)
            layers.Conv2D(
                NUM_CLASSES,
                kernel_size=(1, 1),
                activation="softmax",
                dtype="float32",
                name="class_map",
            ),
            layers.GlobalAveragePooling2D(dtype="float32", name="gap"),
        ],
        name="fcn_gap",
    )


def fcn_class_map(
    model: keras.Model, input_shape: Sequence[int | None] | None = None
) -> keras.Model:
    """The per-location class map of an FCN: the output of its ``class_map`` layer.

    Every location of the class map holds the softmax probabilities of the ten
    digits for the 28×28-ish window of the input it sees; global average pooling
    averages them into the FCN's prediction. On a large canvas with several digits
    the map shows where each one is.

    Parameters
    ----------
    model : keras.Model
        A model from :func:`fcn_gap` (trained or not); its weights are shared, not copied.
    input_shape : tuple, optional
        Run the map on another input size, e.g. ``(None, None, 1)``: a new model is
        built for that size and the weights of ``model`` are copied into it.

    Returns
    -------
    keras.Model
        Image(s) ``(N, H, W, 1)`` → class map ``(N, H', W', 10)``.

    Raises
    ------
    ValueError
        If ``model`` has no layer named ``class_map``.

    Examples
    --------
    >>> fcn = fcn_gap((None, None, 1))
    >>> class_map = fcn_class_map(fcn)
    >>> class_map.compute_output_shape((1, 84, 112, 1))
    (1, 17, 24, 10)
    >>> fcn_class_map(fcn_gap(), input_shape=(None, None, 1)).output_shape
    (None, None, None, 10)
    """
    keras = _keras()
    names = [layer.name for layer in model.layers]
    if "class_map" not in names:
        raise ValueError(
            f"the model has no layer named 'class_map' (its layers are {names}); "
            "build it with cnn_course.models.fcn_gap()"
        )
    if input_shape is not None:
        resized = fcn_gap(input_shape)
        resized.set_weights(model.get_weights())
        model = resized
    return keras.Model(model.inputs[0], model.get_layer("class_map").output, name="fcn_class_map")


def lenet5(input_shape: Sequence[int] = (32, 32, 3)) -> keras.Model:
    """The "ConvNet inspired by LeNet-5" table of deck 000 (62 006 parameters).

    conv1 6 5×5 → pool1 → conv2 16 5×5 → pool2 → FC3 120 → FC4 84 → softmax 10 on
    a 32×32×3 input, with ReLU activations. Deck 000 lists max *or* average as a
    hyper-parameter of pooling; this model uses **2×2 max pooling, stride 2**
    (pooling has no parameters, so the count is the same either way). Per layer:
    456, 2 416, 48 120, 10 164, 850 — the English deck's numbers. (The French
    deck 002 prints the same table with inconsistent entries: 8 filters and 208
    parameters for CONV1, (10, 10, 46), FC3 48 001, …)

    Parameters
    ----------
    input_shape : tuple of int
        ``(32, 32, 3)`` as in the table.

    Returns
    -------
    keras.Model
        Uncompiled; layers ``conv1, pool1, conv2, pool2, flatten, fc3, fc4, softmax``.

    Examples
    --------
    >>> model = lenet5()
    >>> model.count_params()
    62006
    >>> [(layer.name, layer.output.shape[1:], layer.count_params()) for layer in model.layers]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('conv1', (28, 28, 6), 456), ('pool1', (14, 14, 6), 0), ('conv2', (10, 10, 16), 2416),
     ('pool2', (5, 5, 16), 0), ('flatten', (400,), 0), ('fc3', (120,), 48120),
     ('fc4', (84,), 10164), ('softmax', (10,), 850)]
    """
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=tuple(input_shape), name="image"),
            layers.Conv2D(6, kernel_size=5, activation="relu", name="conv1"),
            layers.MaxPooling2D(pool_size=2, strides=2, name="pool1"),
            layers.Conv2D(16, kernel_size=5, activation="relu", name="conv2"),
            layers.MaxPooling2D(pool_size=2, strides=2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(120, activation="relu", name="fc3"),
            layers.Dense(84, activation="relu", name="fc4"),
            layers.Dense(NUM_CLASSES, activation="softmax", name="softmax"),
        ],
        name="lenet5",
    )


def lenet5_classic() -> keras.Model:
    """LeNet-5 as in LeCun, Bottou, Bengio & Haffner (1998), on 32×32×1 digits.

    C1 conv 6 5×5 → S2 2×2 average pooling → C3 conv 16 5×5 → S4 average pooling →
    C5 conv 120 5×5 → F6 dense 84 → output dense 10, with tanh activations. C5 is a
    5×5 convolution on a 5×5 input: the FC ↔ CONV equivalence of deck 001 ("F: 5;
    K: 120"), so its output is 1×1×120.

    Simplifications, all documented in the paper's terms:

    * **C3 is fully connected** to the six S2 maps (2 416 parameters). The paper
      connects each C3 map to only 3, 4 or 6 of them (its Table I) to break
      symmetry and save weights: 1 516 parameters, 61 706 − 900 = 60 806 in total.
    * **S2 and S4 are plain average pooling** (0 parameters). In the paper each
      subsampling map multiplies the 2×2 sum by a trainable coefficient and adds a
      trainable bias (2 parameters per map: S2 has 12, S4 has 32).
    * **The output is a softmax dense layer** (850 parameters) instead of the
      paper's 10 Euclidean RBF units on F6 (84 × 10 = 840 fixed-then-trained
      parameters, no bias); tanh is ``tanh(a)``, not ``1.7159 tanh(2a/3)``.

    Returns
    -------
    keras.Model
        Uncompiled; layers ``C1, S2, C3, S4, C5, flatten, F6, output``.

    Examples
    --------
    >>> model = lenet5_classic()
    >>> model.count_params()
    61706
    >>> [(layer.name, layer.output.shape[1:], layer.count_params()) for layer in model.layers]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('C1', (28, 28, 6), 156), ('S2', (14, 14, 6), 0), ('C3', (10, 10, 16), 2416),
     ('S4', (5, 5, 16), 0), ('C5', (1, 1, 120), 48120), ('flatten', (120,), 0),
     ('F6', (84,), 10164), ('output', (10,), 850)]

    The paper's own count, with C3's partial connections and the trainable
    subsampling coefficients, and the RBF output:

    >>> c3_inputs = [3] * 6 + [4] * 9 + [6]      # Table I: inputs of the 16 C3 maps
    >>> c3 = sum(25 * n + 1 for n in c3_inputs)
    >>> c3, 156 + 12 + c3 + 32 + 48120 + 10164 + 84 * 10
    (1516, 60840)
    """
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(32, 32, 1), name="image"),
            layers.Conv2D(6, kernel_size=5, activation="tanh", name="C1"),
            layers.AveragePooling2D(pool_size=2, strides=2, name="S2"),
            layers.Conv2D(16, kernel_size=5, activation="tanh", name="C3"),
            layers.AveragePooling2D(pool_size=2, strides=2, name="S4"),
            layers.Conv2D(120, kernel_size=5, activation="tanh", name="C5"),
            layers.Flatten(name="flatten"),
            layers.Dense(84, activation="tanh", name="F6"),
            layers.Dense(NUM_CLASSES, activation="softmax", name="output"),
        ],
        name="lenet5_classic",
    )


# --------------------------------------------------------------------------------------
# FC <-> CONV
# --------------------------------------------------------------------------------------


def _volume(input_shape: Sequence[int]) -> tuple[int, int, int]:
    shape = tuple(input_shape)
    if len(shape) != 3 or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0 for n in shape
    ):
        raise ValueError(
            f"the input volume must be three positive integers (height, width, channels), "
            f"got {input_shape!r}"
        )
    return int(shape[0]), int(shape[1]), int(shape[2])


FC_TO_CONV_EXAMPLE = (7, 7, 512, 4096)
"""Deck 001's example: an FC layer with K = 4096 on a 7×7×512 volume ≡ CONV F = 7, K = 4096."""


def dense_to_conv(
    dense_layer: keras.layers.Dense, input_shape: Sequence[int], name: str | None = None
) -> keras.layers.Conv2D:
    """Turn a dense layer on a flattened H×W×C volume into the equivalent H×W convolution.

    The dense kernel ``(H·W·C, K)`` is reshaped to a conv kernel ``(H, W, C, K)``
    (Keras flattens channels-last volumes row by row, channels fastest, which is
    exactly NumPy's C order), the bias and the activation are kept. On an H×W×C
    input the convolution gives a 1×1×K output equal to the dense layer's output;
    on a larger input it slides and gives one K-vector per position (deck 001:
    "this conversion allows us to slide the original ConvNet very efficiently
    across many spatial positions in a larger image").

    Parameters
    ----------
    dense_layer : keras.layers.Dense
        A built dense layer whose input size is ``H·W·C``.
    input_shape : tuple of int
        ``(H, W, C)``: the volume that was flattened before the dense layer.
    name : str, optional
        Name of the new layer (default: the dense layer's name + ``"_as_conv"``).

    Returns
    -------
    keras.layers.Conv2D
        A built ``Conv2D(K, (H, W), padding="valid")`` holding the same weights.

    Raises
    ------
    ValueError
        If the dense layer is not built or its input size is not H·W·C.

    Examples
    --------
    Deck 001's example (VGG-16's ``fc1``) has the same parameters either way; computed,
    not built (it would hold 100 M weights):

    >>> from cnn_course.shapes import conv_params, dense_params
    >>> h, w, c, k = FC_TO_CONV_EXAMPLE
    >>> dense_params(h * w * c, k), conv_params((h, w), c, k)
    (102764544, 102764544)

    A small one, built:

    >>> import keras
    >>> dense = keras.layers.Dense(4, activation="relu")
    >>> dense.build((None, 3 * 3 * 2))
    >>> conv = dense_to_conv(dense, (3, 3, 2))
    >>> tuple(conv.kernel.shape), conv.count_params() == dense.count_params()
    ((3, 3, 2, 4), True)
    """
    keras = _keras()
    height, width, channels = _volume(input_shape)
    if not isinstance(dense_layer, keras.layers.Dense):
        raise ValueError(f"expected a keras.layers.Dense layer, got {type(dense_layer).__name__}")
    if not dense_layer.built:
        raise ValueError("the dense layer has no weights yet: build it (or call it on data) first")
    kernel, *bias = dense_layer.get_weights()
    n_in, units = kernel.shape
    if n_in != height * width * channels:
        raise ValueError(
            f"the dense layer takes {n_in} inputs, but a flattened "
            f"{height}×{width}×{channels} volume has {height * width * channels}"
        )
    conv = keras.layers.Conv2D(
        units,
        kernel_size=(height, width),
        padding="valid",
        activation=dense_layer.activation,
        use_bias=dense_layer.use_bias,
        name=name or f"{dense_layer.name}_as_conv",
    )
    conv.build((None, height, width, channels))
    conv.set_weights([kernel.reshape(height, width, channels, units), *bias])
    return conv


def conv_to_dense(conv_layer: keras.layers.Conv2D, name: str | None = None) -> keras.layers.Dense:
    """Turn a convolution applied to an input exactly its kernel's size into a dense layer.

    The inverse of :func:`dense_to_conv`: a ``Conv2D(K, (H, W))`` on an H×W×C input
    has a single output position, so it is a dense layer with ``H·W·C`` inputs (the
    flattened volume) and K outputs. The kernel ``(H, W, C, K)`` is reshaped to
    ``(H·W·C, K)``; bias and activation are kept.

    Parameters
    ----------
    conv_layer : keras.layers.Conv2D
        A built convolution with stride and dilation 1, one group, channels last.
    name : str, optional
        Name of the new layer (default: the conv layer's name + ``"_as_dense"``).

    Returns
    -------
    keras.layers.Dense
        A built dense layer holding the same weights; feed it the flattened H×W×C volume.

    Raises
    ------
    ValueError
        If the layer is not built, or is grouped, dilated or channels-first.

    Examples
    --------
    >>> import keras
    >>> conv = keras.layers.Conv2D(120, kernel_size=5)
    >>> conv.build((None, 5, 5, 16))        # LeNet-5's C5: F = 5, K = 120
    >>> dense = conv_to_dense(conv)
    >>> tuple(dense.kernel.shape), dense.count_params()
    ((400, 120), 48120)
    """
    keras = _keras()
    if not isinstance(conv_layer, keras.layers.Conv2D):
        raise ValueError(f"expected a keras.layers.Conv2D layer, got {type(conv_layer).__name__}")
    if not conv_layer.built:
        raise ValueError("the convolution has no weights yet: build it (or call it on data) first")
    if (
        conv_layer.groups != 1
        or tuple(conv_layer.dilation_rate) != (1, 1)
        or conv_layer.data_format != "channels_last"
    ):
        raise ValueError(
            "only a plain convolution (one group, no dilation, channels last) "
            "is equivalent to a dense layer"
        )
    kernel, *bias = conv_layer.get_weights()
    height, width, channels, units = kernel.shape
    dense = keras.layers.Dense(
        units,
        activation=conv_layer.activation,
        use_bias=conv_layer.use_bias,
        name=name or f"{conv_layer.name}_as_dense",
    )
    dense.build((None, height * width * channels))
    dense.set_weights([kernel.reshape(height * width * channels, units), *bias])
    return dense


# --------------------------------------------------------------------------------------
# Famous architectures (no weights: for counting and inspecting)
# --------------------------------------------------------------------------------------


def alexnet(two_towers: bool = False, num_classes: int = 1000) -> keras.Model:
    """AlexNet (Krizhevsky, Sutskever & Hinton, 2012) without weights, to count and inspect.

    Input 227×227×3 (the paper says 224, but only 227 gives its 55×55 maps with an
    11×11 filter at stride 4 and no padding) → conv1 96 11×11/4 → max pool 3×3/2 →
    conv2 256 5×5 pad 2 → max pool 3×3/2 → conv3 384 3×3 → conv4 384 3×3 → conv5
    256 3×3 → max pool 3×3/2 (6×6×256) → FC6 4096 → FC7 4096 → FC8 1000 softmax,
    ReLU everywhere, dropout 0.5 before FC6 and FC7. Local response normalisation
    (no parameters) is left out.

    * ``two_towers=False`` (default): the **single-tower** version, every conv sees
      every channel of the layer below: **62 378 344 parameters** (the usual "62 M").
    * ``two_towers=True``: the paper's two-GPU split, where conv2, conv4 and conv5
      only see the half of the maps on their own GPU (``groups=2``):
      **60 965 224 parameters** (the paper's "60 million"). Grouped convolutions do
      not run on every CPU build of TensorFlow: use this one for counting.

    Parameters
    ----------
    two_towers : bool
        Reproduce the two-GPU grouping of conv2, conv4, conv5.
    num_classes : int
        1000 ImageNet classes.

    Examples
    --------
    The neurons per layer (deck 004 quotes the paper: 253,440–186,624–64,896–64,896–
    43,264–4096–4096–1000). With a 227×227 input conv1 has 55×55×96 = 290 400
    neurons: the paper's first number, 253 440, matches no input size (an erratum).

    >>> 55 * 55 * 96, 27 * 27 * 256, 13 * 13 * 384, 13 * 13 * 256
    (290400, 186624, 64896, 43264)
    """
    keras = _keras()
    layers = keras.layers
    groups = 2 if two_towers else 1
    return keras.Sequential(
        [
            keras.Input(shape=(227, 227, 3), name="image"),
            layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1"),
            layers.MaxPooling2D(3, strides=2, name="pool1"),
            layers.Conv2D(256, 5, padding="same", groups=groups, activation="relu", name="conv2"),
            layers.MaxPooling2D(3, strides=2, name="pool2"),
            layers.Conv2D(384, 3, padding="same", activation="relu", name="conv3"),
            layers.Conv2D(384, 3, padding="same", groups=groups, activation="relu", name="conv4"),
            layers.Conv2D(256, 3, padding="same", groups=groups, activation="relu", name="conv5"),
            layers.MaxPooling2D(3, strides=2, name="pool5"),
            layers.Flatten(name="flatten"),
            layers.Dropout(0.5, name="drop6"),
            layers.Dense(4096, activation="relu", name="fc6"),
            layers.Dropout(0.5, name="drop7"),
            layers.Dense(4096, activation="relu", name="fc7"),
            layers.Dense(num_classes, activation="softmax", name="fc8"),
        ],
        name="alexnet_two_towers" if two_towers else "alexnet",
    )


VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
"""VGG-16's five blocks: (filters, number of 3×3 convolutions); a 2×2 max pool ends each."""


def vgg16(num_classes: int = 1000) -> keras.Model:
    """VGG-16 (Simonyan & Zisserman, 2014) built layer by layer, without weights.

    Thirteen 3×3 "same" convolutions in five blocks (64, 128, 256, 512, 512
    filters; each block ends with a 2×2 max pool), then FC 4096 → FC 4096 → 1000
    softmax on the 7×7×512 volume: 138 357 544 parameters (deck 002: "≈ 138
    millions"), the same count and layer names as
    ``keras.applications.VGG16(weights=None)``. Building it allocates ~550 MB.

    Examples
    --------
    The count, layer by layer, without building:

    >>> from cnn_course.shapes import conv_params, dense_params
    >>> convs, c_in = [], 3
    >>> for filters, repeat in VGG16_BLOCKS:
    ...     for _ in range(repeat):
    ...         convs.append(conv_params(3, c_in, filters))
    ...         c_in = filters
    >>> fcs = [dense_params(7 * 7 * 512, 4096), dense_params(4096, 4096), dense_params(4096, 1000)]
    >>> sum(convs), fcs, sum(convs) + sum(fcs)
    (14714688, [102764544, 16781312, 4097000], 138357544)
    """
    keras = _keras()
    layers = keras.layers
    model_layers: list[Any] = [keras.Input(shape=(224, 224, 3), name="input_layer")]
    for block, (filters, repeat) in enumerate(VGG16_BLOCKS, start=1):
        for i in range(1, repeat + 1):
            model_layers.append(
                layers.Conv2D(
                    filters, 3, padding="same", activation="relu", name=f"block{block}_conv{i}"
                )
            )
        model_layers.append(layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool"))
    model_layers += [
        layers.Flatten(name="flatten"),
        layers.Dense(4096, activation="relu", name="fc1"),
        layers.Dense(4096, activation="relu", name="fc2"),
        layers.Dense(num_classes, activation="softmax", name="predictions"),
    ]
    return keras.Sequential(model_layers, name="vgg16")


def resnet50() -> keras.Model:
    """ResNet-50 (He et al., 2015) from keras.applications, no weights: 25 636 712 parameters.

    Built with ``weights=None``, so nothing is downloaded: 177 Keras layers, 53
    convolutions + 1 dense layer ("50" counts the 49 convolutions on the main path
    and the dense layer; the 4 projection shortcuts are not counted).
    """
    keras = _keras()
    return keras.applications.ResNet50(weights=None, include_top=True)


def residual_block(
    x: keras.KerasTensor,
    filters: int,
    stride: int = 1,
    bottleneck: bool = False,
    name: str = "res",
) -> keras.KerasTensor:
    """A ResNet residual block: ``relu(F(x) + shortcut(x))``, for the functional API.

    * basic (ResNet-18/34): 3×3 conv → BN → ReLU → 3×3 conv → BN;
    * ``bottleneck=True`` (ResNet-50 and deeper): 1×1 conv (``filters``) → BN → ReLU
      → 3×3 conv → BN → ReLU → 1×1 conv (``4 × filters``) → BN.

    The shortcut is the identity when the shapes agree; otherwise a 1×1 convolution
    with the block's stride + BN (a "projection"). The convolutions have no bias
    (batch normalisation adds one).

    Parameters
    ----------
    x : KerasTensor
        The block's input, channels last.
    filters : int
        Filters of the 3×3 convolutions.
    stride : int
        Stride of the first convolution (2 halves the map, as at the start of a stage).
    bottleneck : bool
        Use the 1×1 → 3×3 → 1×1 bottleneck of ResNet-50.
    name : str
        Prefix of the layer names.

    Examples
    --------
    >>> import keras
    >>> x = keras.Input((56, 56, 64))
    >>> model = keras.Model(x, residual_block(x, 64))
    >>> model.output_shape, model.count_params()   # 2 × 3·3·64·64 + 2 BN × 4·64
    ((None, 56, 56, 64), 74240)
    >>> model = keras.Model(x, residual_block(x, 64, bottleneck=True, name="conv2_block1"))
    >>> model.output_shape, model.count_params()   # 1×1, 3×3, 1×1 (×4), 1×1 projection + 4 BN
    ((None, 56, 56, 256), 76288)
    """
    keras = _keras()
    layers = keras.layers
    out_channels = 4 * filters if bottleneck else filters
    if bottleneck:
        specs = [(filters, 1, stride), (filters, 3, 1), (out_channels, 1, 1)]
    else:
        specs = [(filters, 3, stride), (filters, 3, 1)]
    y = x
    for i, (n, size, s) in enumerate(specs, start=1):
        y = layers.Conv2D(
            n, size, strides=s, padding="same", use_bias=False, name=f"{name}_conv{i}"
        )(y)
        y = layers.BatchNormalization(name=f"{name}_bn{i}")(y)
        if i < len(specs):
            y = layers.Activation("relu", name=f"{name}_relu{i}")(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != out_channels:
        shortcut = layers.Conv2D(
            out_channels, 1, strides=stride, use_bias=False, name=f"{name}_proj"
        )(x)
        shortcut = layers.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.Activation("relu", name=f"{name}_out")(y)


def inception_module(
    x: keras.KerasTensor,
    f1: int,
    f3_reduce: int,
    f3: int,
    f5_reduce: int,
    f5: int,
    pool_proj: int,
    name: str = "inception",
) -> keras.KerasTensor:
    """A GoogLeNet inception module (Szegedy et al., 2014), for the functional API.

    Four parallel branches, concatenated along the channels: 1×1 conv; 1×1
    "reduce" conv → 3×3 conv; 1×1 reduce → 5×5 conv; 3×3 max pool (stride 1) →
    1×1 "pool projection". All ReLU, "same" padding, so the map size is kept and
    the output has ``f1 + f3 + f5 + pool_proj`` channels. The 1×1 reductions are
    the point: they make the 3×3 and 5×5 convolutions cheap.

    Examples
    --------
    Inception (3a) of GoogLeNet, on 28×28×192:

    >>> import keras
    >>> x = keras.Input((28, 28, 192))
    >>> model = keras.Model(x, inception_module(x, 64, 96, 128, 16, 32, 32, name="3a"))
    >>> model.output_shape, model.count_params()
    ((None, 28, 28, 256), 163696)
    """
    keras = _keras()
    layers = keras.layers

    def conv(t: Any, n: int, size: int, suffix: str) -> Any:
        return layers.Conv2D(n, size, padding="same", activation="relu", name=f"{name}_{suffix}")(t)

    branch1 = conv(x, f1, 1, "1x1")
    branch3 = conv(conv(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3")
    branch5 = conv(conv(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5")
    pooled = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch_pool = conv(pooled, pool_proj, 1, "pool_proj")
    return layers.Concatenate(name=f"{name}_concat")([branch1, branch3, branch5, branch_pool])


# --------------------------------------------------------------------------------------
# The keras.applications table of deck 004
# --------------------------------------------------------------------------------------

DECK_APPLICATIONS: dict[str, tuple[int, int]] = {
    "Xception": (22_910_480, 126),
    "VGG16": (138_357_544, 23),
    "VGG19": (143_667_240, 26),
    "ResNet50": (25_636_712, 168),
    "InceptionV3": (23_851_784, 159),
    "InceptionResNetV2": (55_873_736, 572),
    "MobileNet": (4_253_864, 88),
    "DenseNet121": (8_062_504, 121),
    "DenseNet169": (14_307_880, 169),
    "DenseNet201": (20_242_984, 201),
}
"""Deck 004's keras.applications table: model → (parameters, depth) as printed."""


def _keras_histories(obj: Any) -> Iterator[str]:
    """Names of the layers whose outputs appear in a serialised node (any nesting)."""
    if isinstance(obj, dict):
        if "keras_history" in obj:
            yield obj["keras_history"][0]
        for value in obj.values():
            yield from _keras_histories(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _keras_histories(value)


def topological_depth(model: keras.Model) -> int:
    """The number of layers on the longest path from the input to the output.

    The older keras.io applications table (the one deck 004 prints) defines its
    "depth" as "the topological depth of the network. This includes activation
    layers, batch normalization layers etc." This is that: the longest chain of
    layers (the input layer counts as one) through the model's graph. Read from the
    model's config (the public description of its graph), so it works for any
    functional or sequential model.

    Examples
    --------
    >>> topological_depth(mnist_convnet())      # a chain: every layer is on the path
    8
    >>> import keras
    >>> x = keras.Input((56, 56, 64))
    >>> block = keras.Model(x, residual_block(x, 64))
    >>> topological_depth(block)  # input, conv, bn, relu, conv, bn, add, relu
    8
    """
    keras = _keras()
    if isinstance(model, keras.Sequential):
        return len(model.layers) + 1  # a chain, plus its input layer
    layers = model.get_config().get("layers")
    if not isinstance(layers, list):
        raise ValueError(f"cannot read the graph of the model {model.name!r} from its config")
    depth: dict[str, int] = {}
    for layer in layers:  # the config lists the layers in topological order
        parents = set(_keras_histories(layer.get("inbound_nodes", [])))
        depth[layer["name"]] = 1 + max((depth[p] for p in parents if p in depth), default=0)
    return max(depth.values())


def layers_with_weights(model: keras.Model, kinds: tuple[type, ...] | None = None) -> int:
    """How many layers have parameters (or, with ``kinds``, are of these types and have them).

    The current keras.io applications table counts its "depth" this way ("Depth
    counts the number of layers with parameters": batch normalisation layers
    count, activations and pooling do not).

    Examples
    --------
    >>> layers_with_weights(mnist_convnet())
    3
    """
    return sum(
        1 for layer in model.layers if layer.weights and (kinds is None or isinstance(layer, kinds))
    )


def applications_table(
    names: Sequence[str] | None = None, progress: bool = True
) -> list[dict[str, Any]]:
    """Rebuild deck 004's keras.applications table (weights=None) and measure each model.

    For each model: the parameter count, and three "depth" measures, next to the
    deck's printed numbers:

    * ``topological_depth`` — the longest input → output chain of layers (input
      layer included): the definition of the keras.io table the deck copied
      ("topological depth … includes activation layers, batch normalization
      layers"). It reproduces the deck for Xception (126), VGG16 (23), VGG19 (26),
      InceptionV3 (159) and InceptionResNetV2 (572). Today's ResNet50 has one more
      (169: a ZeroPadding2D before its first max pool that the Keras-2 version did
      not have, hence 168) and MobileNet 91 (four ZeroPadding2D layers added, one
      Reshape removed since the Keras-2 version: 88).
    * ``weight_layers`` — convolution and dense layers only: the number in a
      DenseNet's name, which is what the table prints for DenseNet121/169/201 (their
      topological depth is 429/597/709, because batch norm, activation and
      concatenation layers count too).
    * ``layers_with_weights`` — layers that have parameters (batch norm included):
      what the *current* keras.io table calls depth (VGG16 16, ResNet50 107, …).

    Building all ten takes ~25 s and ~1.5 GB (VGG16/19 alone hold 138/144 M
    parameters); pass ``names`` to build only some.

    Parameters
    ----------
    names : sequence of str, optional
        Model names from :data:`DECK_APPLICATIONS` (default: all of them).
    progress : bool
        Show a progress bar, one step per model built.

    Returns
    -------
    list of dict
        One row per model: ``model, params, deck_params, topological_depth,
        weight_layers, layers_with_weights, keras_layers, deck_depth``.

    Raises
    ------
    ValueError
        If a name is not in the deck's table.
    """
    keras = _keras()
    names = list(DECK_APPLICATIONS) if names is None else list(names)
    unknown = [n for n in names if n not in DECK_APPLICATIONS]
    if unknown:
        raise ValueError(
            f"{unknown} not in deck 004's table; choose from {list(DECK_APPLICATIONS)}"
        )
    weight_kinds = (
        keras.layers.Conv2D,
        keras.layers.DepthwiseConv2D,
        keras.layers.SeparableConv2D,
        keras.layers.Dense,
    )
    rows = []
    bar = progress_bar(len(names), "building keras.applications models", enabled=progress)
    for name in names:
        bar.set_postfix_str(name)
        model = getattr(keras.applications, name)(weights=None, include_top=True)
        deck_params, deck_depth = DECK_APPLICATIONS[name]
        rows.append(
            {
                "model": name,
                "params": model.count_params(),
                "deck_params": deck_params,
                "topological_depth": topological_depth(model),
                "weight_layers": layers_with_weights(model, weight_kinds),
                "layers_with_weights": layers_with_weights(model),
                "keras_layers": len(model.layers),
                "deck_depth": deck_depth,
            }
        )
        del model
        keras.backend.clear_session()
        bar.update(1)
    bar.close()
    return rows


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """Format :func:`applications_table` rows as a fixed-width text table."""
    columns = list(rows[0]) if rows else []
    cells = [[str(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)
