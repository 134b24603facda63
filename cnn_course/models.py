"""The models of the slides, as uncompiled Keras models with explicit layer names.

* :func:`mnist_convnet` — the Keras MNIST convnet of deck 001.
* :func:`fcn_gap` and :func:`fcn_class_map` — the fully convolutional version of
  deck 001: a 1×1 convolution gives a class map and global average pooling turns
  it into one prediction per image; with ``input_shape=(None, None, 1)`` it accepts
  a canvas of any size.
* :func:`lenet5` — the LeNet-5-style table of deck 000, and :func:`lenet5_classic` —
  LeNet-5 as in LeCun et al. (1998); :func:`lenet1` — its ancestor of 1989, simplified
  (deck 004).
* :func:`linear_classifier` — the linear classifier of deck 003: one template per class.
* :func:`dense_to_conv` and :func:`conv_to_dense` — the FC ↔ CONV equivalence of
  deck 001, with the weights carried over.
* :func:`localiser` — deck 003's classification network with a regression branch: one
  trunk, two heads (the class and the digit's box); :func:`small_unet` — an
  encoder–decoder with skip connections that labels every pixel (both in notebook 12).

Famous architectures (AlexNet, VGG16, ResNet50, deck 004's keras.applications table)
are in :mod:`cnn_course.architectures`.

The numbers the decks print (parameter counts, input shapes)
live in :mod:`cnn_course.slides`; the doctests compare the models with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from cnn_course import _checks, slides

__all__ = [
    "conv_to_dense",
    "dense_to_conv",
    "fcn_class_map",
    "fcn_gap",
    "lenet1",
    "lenet5",
    "lenet5_classic",
    "linear_classifier",
    "localiser",
    "mnist_convnet",
    "small_unet",
]


def _input_shape(
    value: object, what: str = "the input shape", any_size: bool = False
) -> tuple[int | None, ...]:
    """``value`` as (height, width, channels), each a whole number >= 1 (``None`` for height
    and width when ``any_size``).

    >>> _input_shape((None, None, 1), any_size=True)
    (None, None, 1)
    >>> _input_shape((28, 28.0, 1))
    Traceback (most recent call last):
    ...
    TypeError: each size in the input shape must be a whole number, got 28.0 (a float)
    """
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"{what} must be a tuple (height, width, channels), got {value!r}")
    if len(value) != 3:
        raise ValueError(f"{what} must be three sizes (height, width, channels), got {value!r}")
    return tuple(
        None
        if n is None and any_size and i < 2
        else _checks.positive_int(n, f"each size in {what}")
        for i, n in enumerate(value)
    )


def _mnist_trunk(keras: Any, input_shape: tuple[int | None, ...]) -> list[Any]:
    """Input → conv 32 3×3 → max pool → conv 64 3×3 → max pool: what both MNIST nets share."""
    layers = keras.layers
    return [
        keras.Input(shape=input_shape, name="image"),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu", name="conv1"),
        layers.MaxPooling2D(pool_size=(2, 2), name="pool1"),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu", name="conv2"),
        layers.MaxPooling2D(pool_size=(2, 2), name="pool2"),
    ]


def mnist_convnet(input_shape: Sequence[int] = slides.MNIST_INPUT_SHAPE) -> keras.Model:
    """The Keras MNIST convnet of deck 001 ("Convolutional layers in Keras").

    Conv 32 3×3 ReLU → max pool 2 → conv 64 3×3 ReLU → max pool 2 → flatten →
    dropout 0.5 → dense 10 softmax, exactly as on the slide (the keras.io "Simple
    MNIST convnet" example). The slide reports a test accuracy of 0.99
    (:data:`cnn_course.slides.MNIST_CONVNET_TEST_ACCURACY`); see
    :func:`cnn_course.train.fit_course_recipe`.

    Parameters
    ----------
    input_shape : tuple of int
        ``(28, 28, 1)``: the images are float32 in [0, 1] with a channel axis.

    Returns
    -------
    keras.Model
        Uncompiled; layers ``conv1, pool1, conv2, pool2, flatten, dropout, predictions``.

    Raises
    ------
    TypeError, ValueError
        If ``input_shape`` is not three whole numbers >= 1.

    Examples
    --------
    >>> model = mnist_convnet()
    >>> model.count_params(), slides.MNIST_CONVNET_PARAMS
    (34826, 34826)
    >>> [(layer.name, layer.count_params()) for layer in model.layers if layer.weights]
    [('conv1', 320), ('conv2', 18496), ('predictions', 16010)]
    >>> model.output_shape
    (None, 10)
    """
    layers = keras.layers
    return keras.Sequential(
        [
            *_mnist_trunk(keras, _input_shape(input_shape)),
            layers.Flatten(name="flatten"),
            layers.Dropout(slides.MNIST_DROPOUT_RATE, name="dropout"),
            # float32 output even under a mixed_float16 policy (Keras' advice for softmax)
            layers.Dense(
                slides.MNIST_NUM_CLASSES, activation="softmax", dtype="float32", name="predictions"
            ),
        ],
        name="mnist_convnet",
    )


def fcn_gap(
    input_shape: Sequence[int | None] = slides.MNIST_INPUT_SHAPE,
    softmax_first: bool = True,
    num_classes: int = slides.MNIST_NUM_CLASSES,
) -> keras.Model:
    """The fully convolutional MNIST net of deck 001: 1×1 convolution + global average pooling.

    Conv 32 3×3 ReLU → max pool 2 → conv 64 3×3 ReLU → max pool 2 → conv 128 3×3
    ReLU → conv 10 1×1 softmax (the *class map*: one probability vector per
    location) → global average pooling. There is no dense layer, so nothing fixes
    the input size: with ``input_shape=(None, None, 1)`` the same weights run on a
    canvas of any size (at least 28×28) and :func:`fcn_class_map` shows where each
    digit is found. The slide reports a test accuracy of 0.9909
    (:data:`cnn_course.slides.FCN_TEST_ACCURACY`).

    The slide applies the softmax *before* the pooling, so the output is the average
    of the locations' probability vectors. ``softmax_first=False`` builds the usual
    order (Lin et al., 2013): the class map holds scores (logits), global average
    pooling averages them and one softmax follows — the same 93 962 parameters.

    Parameters
    ----------
    input_shape : tuple
        ``(28, 28, 1)`` (default) or ``(None, None, 1)`` for any canvas size.
    softmax_first : bool, default True
        The slide's order (softmax in the 1×1 convolution, then pooling); ``False``:
        pooling, then a ``softmax`` layer.
    num_classes : int, default 10
        Maps in the class map. 11 adds a class "no digit centred here", which a
        detector trains on windows of background and parts of digits (notebook 12).

    Returns
    -------
    keras.Model
        Uncompiled; layers ``conv1, pool1, conv2, pool2, conv3, class_map, gap``
        (and ``softmax`` with ``softmax_first=False``, model name
        ``fcn_gap_then_softmax``).

    Raises
    ------
    TypeError, ValueError
        If ``input_shape`` is not three sizes (``None`` allowed for height and width).

    Examples
    --------
    >>> model = fcn_gap()
    >>> model.count_params(), slides.FCN_GAP_PARAMS
    (93962, 93962)
    >>> [(layer.name, layer.count_params()) for layer in model.layers if layer.weights]
    [('conv1', 320), ('conv2', 18496), ('conv3', 73856), ('class_map', 1290)]
    >>> model.get_layer("class_map").output.shape
    (None, 3, 3, 10)
    >>> fcn_gap((None, None, 1)).count_params()   # same weights, any canvas
    93962
    >>> usual = fcn_gap(softmax_first=False)
    >>> [layer.name for layer in usual.layers][-3:], usual.count_params()
    (['class_map', 'gap', 'softmax'], 93962)
    >>> fcn_gap(num_classes=11).get_layer("class_map").count_params()   # 128·11 + 11
    1419
    """
    layers = keras.layers
    softmax_first = _checks.flag(softmax_first, "softmax_first")
    classes = _checks.positive_int(num_classes, "the number of classes")
    head = [
        # float32 softmax and output even under a mixed_float16 policy (Keras' advice)
        layers.Conv2D(
            classes,
            kernel_size=(1, 1),
            activation="softmax" if softmax_first else None,
            dtype="float32",
            name="class_map",
        ),
        layers.GlobalAveragePooling2D(dtype="float32", name="gap"),
    ]
    if not softmax_first:
        head.append(layers.Activation("softmax", dtype="float32", name="softmax"))
    return keras.Sequential(
        [
            *_mnist_trunk(keras, _input_shape(input_shape, any_size=True)),
            layers.Conv2D(128, kernel_size=(3, 3), activation="relu", name="conv3"),
            *head,
        ],
        name="fcn_gap" if softmax_first else "fcn_gap_then_softmax",
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
        Image(s) ``(N, H, W, 1)`` → class map ``(N, H', W', classes)`` (10 for the
        slide's FCN).

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
    >>> fcn_class_map(fcn_gap(num_classes=11), input_shape=(None, None, 1)).output_shape
    (None, None, None, 11)
    """
    _checks.instance(model, keras.Model, "a Keras model built by cnn_course.models.fcn_gap()")
    names = [layer.name for layer in model.layers]
    if "class_map" not in names:
        raise ValueError(
            f"the model has no layer named 'class_map' (its layers are {names}); "
            "build it with cnn_course.models.fcn_gap()"
        )
    if input_shape is not None:
        resized = fcn_gap(
            input_shape,
            softmax_first="softmax" not in names,
            num_classes=model.get_layer("class_map").filters,
        )
        resized.set_weights(model.get_weights())
        model = resized
    return keras.Model(model.inputs[0], model.get_layer("class_map").output, name="fcn_class_map")


def _lenet(
    name: str,
    input_shape: tuple[int | None, ...],
    activation: str,
    pooling: str,
    layer_names: tuple[str, ...],
    fc3_as_conv: bool,
) -> keras.Model:
    """Both LeNet-5s: conv 6 5×5 → pool → conv 16 5×5 → pool → 120 → 84 → 10 softmax.

    ``fc3_as_conv``: the 120 units are a 5×5 convolution (the paper's C5) before the
    flatten, rather than a dense layer after it; ``pooling`` is ``"max"`` or ``"average"``.
    """
    layers = keras.layers
    pool = layers.MaxPooling2D if pooling == "max" else layers.AveragePooling2D
    conv1, pool1, conv2, pool2, fc3, fc4, output = layer_names
    flatten = layers.Flatten(name="flatten")
    if fc3_as_conv:
        head = [layers.Conv2D(120, kernel_size=5, activation=activation, name=fc3), flatten]
    else:
        head = [flatten, layers.Dense(120, activation=activation, name=fc3)]
    return keras.Sequential(
        [
            keras.Input(shape=input_shape, name="image"),
            layers.Conv2D(6, kernel_size=5, activation=activation, name=conv1),
            pool(pool_size=2, strides=2, name=pool1),
            layers.Conv2D(16, kernel_size=5, activation=activation, name=conv2),
            pool(pool_size=2, strides=2, name=pool2),
            *head,
            layers.Dense(84, activation=activation, name=fc4),
            layers.Dense(slides.MNIST_NUM_CLASSES, activation="softmax", name=output),
        ],
        name=name,
    )


def lenet5(input_shape: Sequence[int] = slides.LENET5_INPUT_SHAPE) -> keras.Model:
    """The "ConvNet inspired by LeNet-5" table of deck 000 (:data:`cnn_course.slides.LENET5_TABLE`).

    conv1 6 5×5 → pool1 → conv2 16 5×5 → pool2 → FC3 120 → FC4 84 → softmax 10 on
    a 32×32×3 input, with ReLU activations. Deck 000 lists max *or* average as a
    hyper-parameter of pooling; this model uses **2×2 max pooling, stride 2**
    (pooling has no parameters, so the count is the same either way). The French
    deck 002 prints the same table with inconsistent entries:
    ``slides.errata_for("002")`` lists them.

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
    The deck's table, row by row (its flatten is implicit):

    >>> from cnn_course.shapes import layer_table_from_model
    >>> model = lenet5()
    >>> model.count_params()
    62006
    >>> rows = [row for row in layer_table_from_model(model) if row.name != "flatten"]
    >>> [(row.activation_shape, row.params) for row in rows] == [
    ...     (row.activation_shape, row.params) for row in slides.LENET5_TABLE
    ... ]
    True
    >>> [(layer.name, layer.count_params()) for layer in model.layers if layer.weights]
    [('conv1', 456), ('conv2', 2416), ('fc3', 48120), ('fc4', 10164), ('softmax', 850)]
    """
    return _lenet(
        "lenet5",
        _input_shape(input_shape),
        activation="relu",
        pooling="max",
        layer_names=("conv1", "pool1", "conv2", "pool2", "fc3", "fc4", "softmax"),
        fc3_as_conv=False,
    )


def lenet5_classic() -> keras.Model:
    """LeNet-5 as in LeCun, Bottou, Bengio & Haffner (1998), on 32×32×1 digits.

    C1 conv 6 5×5 → S2 2×2 average pooling → C3 conv 16 5×5 → S4 average pooling →
    C5 conv 120 5×5 → F6 dense 84 → output dense 10, with tanh activations. C5 is a
    5×5 convolution on a 5×5 input: the FC ↔ CONV equivalence of deck 001 ("F: 5;
    K: 120", :data:`cnn_course.slides.LENET_FC3_AS_CONV`), so its output is 1×1×120.

    Simplifications, all documented in the paper's terms:

    * **C3 is fully connected** to the six S2 maps (2 416 parameters). The paper
      connects each C3 map to only 3, 4 or 6 of them (its Table I) to break
      symmetry and save weights: 1 516 parameters.
    * **S2 and S4 are plain average pooling** (0 parameters). In the paper each
      subsampling map multiplies the 2×2 sum by a trainable coefficient and adds a
      trainable bias (2 parameters per map: S2 has 12, S4 has 32).
    * **The output is a softmax dense layer** (850 trainable parameters) instead of
      the paper's 10 Euclidean RBF units on F6, whose 84 × 10 = 840 parameters were
      set by hand to ±1 and kept fixed; tanh is ``tanh(a)``, not ``1.7159 tanh(2a/3)``.

    The paper's network has 60 000 trainable parameters
    (:data:`cnn_course.slides.LENET5_PAPER_PARAMS`), this one 61 706.

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
    subsampling coefficients; the RBF output's 840 fixed parameters are not trained:

    >>> c3_inputs = [3] * 6 + [4] * 9 + [6]      # Table I: inputs of the 16 C3 maps
    >>> c3 = sum(25 * n + 1 for n in c3_inputs)
    >>> c3, 156 + 12 + c3 + 32 + 48120 + 10164
    (1516, 60000)
    >>> dict(slides.LENET5_PAPER_LAYER_PARAMS)["C3"] == c3
    True
    """
    return _lenet(
        "lenet5_classic",
        (32, 32, 1),
        activation="tanh",
        pooling="average",
        layer_names=("C1", "S2", "C3", "S4", "C5", "F6", "output"),
        fc3_as_conv=True,
    )


def lenet1() -> keras.Model:
    """LeNet-1, simplified: the digit reader deck 004 shows before LeNet-5.

    LeCun et al., "Handwritten digit recognition with a back-propagation network",
    NIPS 2 (1989, published 1990); deck 004 writes "(LeCun et al, 1993)". On a 28×28
    grey digit: H1 conv 4 5×5 → 24×24×4, 2×2 average subsampling → 12×12×4, H3 conv 12
    5×5 → 8×8×12, subsampling → 4×4×12, then 10 output units connected to all 192
    values, with tanh activations. Two simplifications: every H3 map reads all four
    maps below it (the paper's H3 uses 20 of the 48 possible map-to-map connections),
    and the subsampling is plain average pooling (the paper's has a trainable
    coefficient and bias per map). So this version has 3 246 parameters; the paper's
    has 2 578 (:data:`cnn_course.slides.LENET1_PAPER_PARAMS`).

    Returns
    -------
    keras.Model
        Uncompiled; layers ``H1, S1, H3, S3, flatten, output``.

    Examples
    --------
    >>> model = lenet1()
    >>> [(layer.name, layer.output.shape[1:], layer.count_params()) for layer in model.layers]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('H1', (24, 24, 4), 104), ('S1', (12, 12, 4), 0), ('H3', (8, 8, 12), 1212),
     ('S3', (4, 4, 12), 0), ('flatten', (192,), 0), ('output', (10,), 1930)]
    >>> model.count_params()
    3246
    >>> 104 + 4 * 2 + (20 * 25 + 12) + 12 * 2 + 1930 == slides.LENET1_PAPER_PARAMS  # the paper's
    True
    """
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=slides.MNIST_INPUT_SHAPE, name="image"),
            layers.Conv2D(4, kernel_size=5, activation="tanh", name="H1"),
            layers.AveragePooling2D(pool_size=2, name="S1"),
            layers.Conv2D(12, kernel_size=5, activation="tanh", name="H3"),
            layers.AveragePooling2D(pool_size=2, name="S3"),
            layers.Flatten(name="flatten"),
            layers.Dense(slides.MNIST_NUM_CLASSES, activation="softmax", name="output"),
        ],
        name="lenet1",
    )


def linear_classifier(input_shape: Sequence[int] = slides.MNIST_INPUT_SHAPE) -> keras.Model:
    """A linear (softmax regression) classifier: ``softmax(W·x + b)`` on the flattened image.

    Deck 003 (*What do the filters learn?*): "Linear Classifier → One template/filter per
    class". Column ``k`` of the dense kernel has one weight per pixel: reshaped to the
    image's shape it is the *template* of class ``k``, and the class score is the dot
    product of the image with it (a "bank of whole-image templates").

    Parameters
    ----------
    input_shape : tuple of int
        ``(28, 28, 1)``: an MNIST digit.

    Returns
    -------
    keras.Model
        Uncompiled; layers ``flatten, templates``.

    Examples
    --------
    >>> model = linear_classifier()
    >>> model.count_params(), tuple(model.get_layer("templates").kernel.shape)
    (7850, (784, 10))
    """
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=_input_shape(input_shape), name="image"),
            layers.Flatten(name="flatten"),
            layers.Dense(slides.MNIST_NUM_CLASSES, activation="softmax", name="templates"),
        ],
        name="linear_classifier",
    )


# --------------------------------------------------------------------------------------
# FC <-> CONV
# --------------------------------------------------------------------------------------


def _require_built(layer: Any, what: str) -> None:
    if not layer.built:
        raise ValueError(f"the {what} has no weights yet: build it (or call it on data) first")


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
    TypeError
        If ``dense_layer`` is not a Dense layer or ``input_shape`` holds something other
        than whole numbers.
    ValueError
        If the dense layer is not built or its input size is not H·W·C.

    Examples
    --------
    Deck 001's example (VGG-16's ``fc1``) has the same parameters either way; computed,
    not built (it would hold 100 M weights):

    >>> from cnn_course.shapes import conv_params, dense_params
    >>> h, w, c, k = slides.FC_TO_CONV_EXAMPLE
    >>> dense_params(h * w * c, k), conv_params((h, w), c, k), slides.FC_4096_ON_7X7X512_PARAMS
    (102764544, 102764544, 102764544)

    A small one, built:

    >>> import keras
    >>> dense = keras.layers.Dense(4, activation="relu")
    >>> dense.build((None, 3 * 3 * 2))
    >>> conv = dense_to_conv(dense, (3, 3, 2))
    >>> tuple(conv.kernel.shape), conv.count_params() == dense.count_params()
    ((3, 3, 2, 4), True)
    """
    height, width, channels = _input_shape(input_shape, "the flattened volume")
    _checks.instance(dense_layer, keras.layers.Dense, "a keras.layers.Dense layer")
    _require_built(dense_layer, "dense layer")
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
    TypeError
        If ``conv_layer`` is not a Conv2D layer.
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
    _checks.instance(conv_layer, keras.layers.Conv2D, "a keras.layers.Conv2D layer")
    _require_built(conv_layer, "convolution")
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


# --------------------------------------------------------------------------- beyond classification


def localiser(
    input_shape: Sequence[int] = (64, 64, 1), num_classes: int = slides.MNIST_NUM_CLASSES
) -> keras.Model:
    """A convnet with two heads: the class of the digit, and its box (deck 003).

    "Add a regression branch to the classification network": conv 16 → pool → conv 32 →
    pool → conv 64 → pool (3×3 convolutions, ``"same"`` padding, ReLU) → flatten → dense
    64 ReLU, shared; then a ``class`` head (dense ``num_classes``, softmax) and a ``box``
    head (dense 4, sigmoid: ``(top, left, bottom, right)`` as fractions of the image side).
    Flattening keeps *where* the features are, which the box head needs.

    Parameters
    ----------
    input_shape : tuple of int, default (64, 64, 1)
        Height and width divisible by 8.
    num_classes : int, default 10

    Returns
    -------
    keras.Model
        Uncompiled, outputs ``{"class": (N, num_classes), "box": (N, 4)}``.

    Examples
    --------
    >>> model = localiser()
    >>> {name: tuple(t.shape) for name, t in model.output.items()}
    {'class': (None, 10), 'box': (None, 4)}
    >>> model.count_params()
    286414
    """
    layers = keras.layers
    shape = _input_shape(input_shape)
    classes = _checks.positive_int(num_classes, "the number of classes")
    inputs = keras.Input(shape=shape, name="image")
    x = inputs
    for i, filters in enumerate((16, 32, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(64, activation="relu", name="shared")(x)
    outputs = {
        "class": layers.Dense(classes, activation="softmax", dtype="float32", name="class")(x),
        "box": layers.Dense(4, activation="sigmoid", dtype="float32", name="box")(x),
    }
    return keras.Model(inputs, outputs, name="localiser")


def small_unet(
    input_shape: Sequence[int | None] = (64, 64, 1),
    num_classes: int = slides.MNIST_NUM_CLASSES + 1,
    filters: int = 16,
    skips: bool = True,
) -> keras.Model:
    """A small U-Net: an encoder, a decoder that upsamples by transposed convolution, skips.

    Encoder: two levels of (conv 3×3 ×2, max pool 2), ``filters`` then ``2·filters``
    filters; bottleneck: conv 3×3 ×2 with ``4·filters``; decoder: at each level a 2×2
    transposed convolution with stride 2 doubles the size, the encoder's output of the same
    size is concatenated to it (the *skip connection*; ``skips=False`` leaves it out), then
    conv 3×3 ×2. A 1×1 convolution with a softmax gives ``num_classes`` probabilities for
    every pixel. ``"same"`` padding throughout: the output has the input's height and width.

    Parameters
    ----------
    input_shape : tuple, default (64, 64, 1)
        Height and width divisible by 4 (or ``None``).
    num_classes : int, default 11
        The background and the ten digits.
    filters : int, default 16
    skips : bool, default True

    Returns
    -------
    keras.Model
        Uncompiled; ``(N, H, W, C)`` → ``(N, H, W, num_classes)``; layers ``up2`` and ``up1``
        are the transposed convolutions.

    Examples
    --------
    >>> unet = small_unet()
    >>> unet.output_shape, unet.count_params()
    ((None, 64, 64, 11), 116923)
    >>> small_unet(skips=False).count_params()   # the decoder's convolutions read fewer channels
    105403
    >>> small_unet((None, None, 1)).output_shape
    (None, None, None, 11)
    """
    layers = keras.layers
    shape = _input_shape(input_shape, any_size=True)
    classes = _checks.positive_int(num_classes, "the number of classes")
    width = _checks.positive_int(filters, "the number of filters")
    skips = _checks.flag(skips, "skips")

    def block(x: Any, n: int, name: str) -> Any:
        x = layers.Conv2D(n, 3, padding="same", activation="relu", name=f"{name}_a")(x)
        return layers.Conv2D(n, 3, padding="same", activation="relu", name=f"{name}_b")(x)

    inputs = keras.Input(shape=shape, name="image")
    enc1 = block(inputs, width, "enc1")
    enc2 = block(layers.MaxPooling2D(2, name="pool1")(enc1), 2 * width, "enc2")
    x = block(layers.MaxPooling2D(2, name="pool2")(enc2), 4 * width, "bottleneck")
    for level, skip in ((2, enc2), (1, enc1)):
        n = width * level
        x = layers.Conv2DTranspose(n, 2, strides=2, name=f"up{level}")(x)
        if skips:
            x = layers.Concatenate(name=f"skip{level}")([x, skip])
        x = block(x, n, f"dec{level}")
    outputs = layers.Conv2D(
        classes, 1, activation="softmax", dtype="float32", name="pixel_classes"
    )(x)
    return keras.Model(inputs, outputs, name="small_unet" if skips else "small_encoder_decoder")
