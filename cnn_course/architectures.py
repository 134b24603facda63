"""Famous architectures, without weights, to count and inspect — and deck 004's table.

* :func:`alexnet`, :func:`vgg16`, :func:`vgg19`, :func:`resnet34`, :func:`resnet50`: the
  networks of deck 003/004's history slides, built layer by layer so their tables (and
  their multiply-adds: deck 003's "VGG-19 (19.6 billion FLOPs)" against "34 parameter
  layers (3.6 billion FLOPs)") can be compared with the slides';
* :func:`residual_block` and :func:`inception_module`: the building blocks of ResNet and
  GoogLeNet;
* :func:`applications_table`: the keras.applications table of deck 004 recomputed from the
  real models (:func:`format_applications_table` prints it), with
  :func:`topological_depth` and :func:`layers_with_weights`, the two readings of "depth";
* :func:`dense_share`: where a network's parameters sit (its dense layers or not).

The numbers the decks print live in :mod:`cnn_course.slides`; the doctests compare the
models with them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import keras

from cnn_course import _checks, slides
from cnn_course.runtime import progress_bar

__all__ = [
    "RESNET34_STAGES",
    "SHORTCUTS",
    "VGG16_BLOCKS",
    "VGG19_BLOCKS",
    "alexnet",
    "applications_table",
    "dense_share",
    "format_applications_table",
    "inception_module",
    "layers_with_weights",
    "residual_block",
    "resnet34",
    "resnet50",
    "topological_depth",
    "vgg16",
    "vgg19",
]


# --------------------------------------------------------------------------------------
# Famous architectures (no weights: for counting and inspecting)
# --------------------------------------------------------------------------------------


def alexnet(two_towers: bool = False, num_classes: int = 1000) -> keras.Model:
    """AlexNet (Krizhevsky, Sutskever & Hinton, 2012) without weights, to count and inspect.

    Input 227×227×3 (the paper says 224, but only 227 gives its 55×55 maps with an
    11×11 filter at stride 4 and no padding; see :data:`cnn_course.slides.ERRATA`) →
    conv1 96 11×11/4 → max pool 3×3/2 → conv2 256 5×5 pad 2 → max pool 3×3/2 → conv3
    384 3×3 → conv4 384 3×3 → conv5 256 3×3 → max pool 3×3/2 (6×6×256) → FC6 4096 →
    FC7 4096 → FC8 1000 softmax, ReLU everywhere, dropout 0.5 before FC6 and FC7.
    Local response normalisation (no parameters) is left out.

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
    The neurons per layer (deck 004 quotes the paper): with a 227×227 input conv1 has
    55×55×96 = 290 400 neurons; the paper's first number, 253 440, matches no input
    size (an erratum).

    >>> 55 * 55 * 96, 27 * 27 * 256, 13 * 13 * 384, 13 * 13 * 256
    (290400, 186624, 64896, 43264)
    >>> slides.ALEXNET_NEURONS_PRINTED[0], slides.ALEXNET_NEURONS[:5]
    (253440, (290400, 186624, 64896, 64896, 43264))
    """
    layers = keras.layers
    groups = 2 if _checks.flag(two_towers, "two_towers") else 1
    num_classes = _checks.positive_int(num_classes, "the number of classes")
    return keras.Sequential(
        [
            keras.Input(shape=slides.ALEXNET_INPUT_SHAPE, name="image"),
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

VGG19_BLOCKS = ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4))
"""VGG-19's five blocks: one more 3×3 convolution in each of the last three."""


def _vgg(blocks: Sequence[tuple[int, int]], num_classes: int, name: str) -> keras.Model:
    """A VGG network: 3×3 "same" convolutions in blocks ending with a 2×2 max pool, 3 FC."""
    layers = keras.layers
    num_classes = _checks.positive_int(num_classes, "the number of classes")
    model_layers: list[Any] = [keras.Input(shape=slides.VGG_INPUT_SHAPE, name="input_layer")]
    for block, (filters, repeat) in enumerate(blocks, start=1):
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
    return keras.Sequential(model_layers, name=name)


def vgg16(num_classes: int = 1000) -> keras.Model:
    """VGG-16 (Simonyan & Zisserman, 2014) built layer by layer, without weights.

    Thirteen 3×3 "same" convolutions in five blocks (64, 128, 256, 512, 512
    filters; each block ends with a 2×2 max pool), then FC 4096 → FC 4096 → 1000
    softmax on the 7×7×512 volume: 138 357 544 parameters (deck 002: "≈ 138
    millions"), the same count and layer names as
    ``keras.applications.VGG16(weights=None)``. Building it allocates ~550 MB.

    Parameters
    ----------
    num_classes : int
        1000 ImageNet classes.

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
    return _vgg(VGG16_BLOCKS, num_classes, "vgg16")


def vgg19(num_classes: int = 1000) -> keras.Model:
    """VGG-19 (Simonyan & Zisserman, 2014) built layer by layer, without weights.

    Sixteen 3×3 "same" convolutions (2, 2, 4, 4, 4 in the five blocks) and the three
    dense layers of :func:`vgg16`: 143 667 240 parameters, the count and layer names of
    ``keras.applications.VGG19(weights=None)`` (deck 004's table). It is the left
    network of the ResNet paper's figure 3 that deck 003 shows, "VGG-19 (19.6 billion
    FLOPs)": 19 632 062 464 multiply-adds for one 224×224 image.

    Parameters
    ----------
    num_classes : int
        1000 ImageNet classes.

    Examples
    --------
    The multiply-adds, layer by layer, without building (every block halves the size):

    >>> from cnn_course.shapes import conv_flops, dense_flops
    >>> flops, c_in, side = 0, 3, 224
    >>> for filters, repeat in VGG19_BLOCKS:
    ...     for _ in range(repeat):
    ...         flops += conv_flops(3, c_in, filters, side)
    ...         c_in = filters
    ...     side //= 2
    >>> flops += dense_flops(7 * 7 * 512, 4096) + dense_flops(4096, 4096) + dense_flops(4096, 1000)
    >>> flops, round(flops / 1e9, 1)
    (19632062464, 19.6)
    """
    return _vgg(VGG19_BLOCKS, num_classes, "vgg19")


RESNET34_STAGES = ((64, 3), (128, 4), (256, 6), (512, 3))
"""ResNet-34's four stages: (filters of the 3×3 convolutions, number of basic blocks)."""

SHORTCUTS = ("projection", "zero_pad", "none")
"""The shortcuts :func:`residual_block` can make where the shape changes (``"none"``: a
plain block without shortcut)."""


def resnet34(shortcut: str = "zero_pad", num_classes: int = 1000) -> keras.Model:
    """ResNet-34 (He et al., 2015), the network of deck 003's figure, without weights.

    A 7×7 stride-2 convolution (64 filters) and a 3×3 stride-2 max pooling, then
    16 basic residual blocks (:func:`residual_block`: two 3×3 convolutions) in four
    stages of 3, 4, 6 and 3 blocks with 64, 128, 256 and 512 filters — the first
    block of stages 2 to 4 halves the size with stride 2 — then global average
    pooling and a 1000-way dense layer: 1 + 16·2 + 1 = **34 parameter layers**.
    keras.applications has no ResNet-34.

    Parameters
    ----------
    shortcut : {"zero_pad", "projection", "none"}
        Where a block changes the shape: ``"zero_pad"`` (the paper's option A, used for
        its figure 3 and table 2: the input subsampled and padded with zero channels,
        no parameters), ``"projection"`` (option B: a 1×1 convolution + batch norm) or
        ``"none"``: the *plain* 34-layer network of the figure, no shortcut at all.
    num_classes : int
        1000 ImageNet classes.

    Notes
    -----
    "3.6 billion FLOPs" (the figure, for the plain and the residual network alike) are
    multiply-adds: 3 644 493 824 here with ``"zero_pad"`` or ``"none"`` (convolutions
    3 643 981 824, dense layer 512 000); option B's projections add 19 267 584 (3.66
    billion). Batch normalisation has 4 values per channel in Keras (2 learned, 2
    running statistics), so ``count_params()`` counts more than a paper or PyTorch.
    """
    layers = keras.layers
    shortcut = _checks.one_of(shortcut, "the shortcut", SHORTCUTS)
    num_classes = _checks.positive_int(num_classes, "the number of classes")
    inputs = keras.Input(shape=slides.VGG_INPUT_SHAPE, name="image")
    x = layers.Conv2D(64, 7, strides=2, padding="same", use_bias=False, name="conv1")(inputs)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    for stage, (filters, blocks) in enumerate(RESNET34_STAGES, start=2):
        for block in range(1, blocks + 1):
            stride = 2 if block == 1 and stage > 2 else 1
            x = residual_block(
                x, filters, stride, shortcut=shortcut, name=f"conv{stage}_block{block}"
            )
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    suffix = {"zero_pad": "", "projection": "_projection", "none": "_plain"}[shortcut]
    return keras.Model(inputs, outputs, name=f"resnet34{suffix}")


def resnet50() -> keras.Model:
    """ResNet-50 (He et al., 2015) from keras.applications, no weights: 25 636 712 parameters.

    Built with ``weights=None``, so nothing is downloaded: 177 Keras layers, 53
    convolutions + 1 dense layer ("50" counts the 49 convolutions on the main path
    and the dense layer; the 4 projection shortcuts are not counted).
    """
    return keras.applications.ResNet50(weights=None, include_top=True)


def residual_block(
    x: keras.KerasTensor,
    filters: int,
    stride: int = 1,
    bottleneck: bool = False,
    name: str = "res",
    shortcut: str = "projection",
) -> keras.KerasTensor:
    """A ResNet residual block: ``relu(F(x) + shortcut(x))``, for the functional API.

    * basic (ResNet-18/34): 3×3 conv → BN → ReLU → 3×3 conv → BN;
    * ``bottleneck=True`` (ResNet-50 and deeper): 1×1 conv (``filters``) → BN → ReLU
      → 3×3 conv → BN → ReLU → 1×1 conv (``4 × filters``) → BN.

    The shortcut is the identity when the shapes agree; otherwise, by ``shortcut``, a
    1×1 convolution with the block's stride + BN (``"projection"``, the paper's option
    B) or the input subsampled by the stride and padded with zero channels
    (``"zero_pad"``, option A: no parameters, no multiply-adds). ``"none"`` makes a
    plain block, ``relu(F(x))``. The convolutions have no bias (batch normalisation
    adds one).

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
    shortcut : {"projection", "zero_pad", "none"}
        What the shortcut does where the shape changes, or no shortcut.

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
    >>> model = keras.Model(x, residual_block(x, 128, stride=2, shortcut="zero_pad"))
    >>> model.output_shape, model.count_params()   # no parameter in the shortcut
    ((None, 28, 28, 128), 222208)
    """
    layers = keras.layers
    filters = _checks.positive_int(filters, "the number of filters")
    stride = _checks.positive_int(stride, "the stride")
    shortcut = _checks.one_of(shortcut, "the shortcut", SHORTCUTS)
    out_channels = 4 * filters if _checks.flag(bottleneck, "bottleneck") else filters
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
    if shortcut == "none":
        return layers.Activation("relu", name=f"{name}_out")(y)
    path = x
    in_channels = int(x.shape[-1])
    if shortcut == "projection" and (stride != 1 or in_channels != out_channels):
        path = layers.Conv2D(out_channels, 1, strides=stride, use_bias=False, name=f"{name}_proj")(
            x
        )
        path = layers.BatchNormalization(name=f"{name}_proj_bn")(path)
    elif shortcut == "zero_pad":
        if stride != 1:  # a 1×1 window moved by the stride keeps every stride-th pixel
            path = layers.MaxPooling2D(1, strides=stride, name=f"{name}_subsample")(path)
        if in_channels > out_channels:
            raise ValueError(
                f"a zero-padding shortcut cannot reduce {in_channels} channels to {out_channels}"
            )
        if in_channels < out_channels:  # channels to a spatial axis, pad it, and back
            path = layers.Permute((1, 3, 2), name=f"{name}_channels_to_width")(path)
            path = layers.ZeroPadding2D(
                ((0, 0), (0, out_channels - in_channels)), name=f"{name}_zero_channels"
            )(path)
            path = layers.Permute((1, 3, 2), name=f"{name}_channels_back")(path)
    y = layers.Add(name=f"{name}_add")([y, path])
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

    Parameters
    ----------
    x : KerasTensor
        The module's input, channels last.
    f1, f3_reduce, f3, f5_reduce, f5, pool_proj : int
        Filters of each convolution, named as in the paper's Table 1.
    name : str
        Prefix of the layer names.

    Examples
    --------
    Inception (3a) of GoogLeNet, on 28×28×192:

    >>> import keras
    >>> x = keras.Input((28, 28, 192))
    >>> model = keras.Model(x, inception_module(x, 64, 96, 128, 16, 32, 32, name="3a"))
    >>> model.output_shape, model.count_params()
    ((None, 28, 28, 256), 163696)
    """
    layers = keras.layers
    f1, f3_reduce, f3, f5_reduce, f5, pool_proj = (
        _checks.positive_int(value, f"the number of filters {label}")
        for value, label in (
            (f1, "f1"),
            (f3_reduce, "f3_reduce"),
            (f3, "f3"),
            (f5_reduce, "f5_reduce"),
            (f5, "f5"),
            (pool_proj, "pool_proj"),
        )
    )

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
    >>> from cnn_course.models import mnist_convnet
    >>> topological_depth(mnist_convnet())      # a chain: every layer is on the path
    8
    >>> import keras
    >>> x = keras.Input((56, 56, 64))
    >>> block = keras.Model(x, residual_block(x, 64))
    >>> topological_depth(block)  # input, conv, bn, relu, conv, bn, add, relu
    8
    """
    _checks.instance(model, keras.Model, "a Keras model")
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
    >>> from cnn_course.models import mnist_convnet
    >>> layers_with_weights(mnist_convnet())
    3
    """
    return sum(
        1 for layer in model.layers if layer.weights and (kinds is None or isinstance(layer, kinds))
    )


def dense_share(model: keras.Model) -> float:
    """The share of a model's parameters that sit in its ``Dense`` layers, from 0 to 1.

    A layer counts by its Keras type: a convolution whose window covers its whole input
    (LeNet-5's C5) is a convolution here, though it computes what a dense layer would.

    Examples
    --------
    >>> from cnn_course.models import lenet5, lenet5_classic
    >>> round(dense_share(lenet5()), 3)          # FC3, FC4 and the softmax layer
    0.954
    >>> round(dense_share(lenet5_classic()), 3)  # C5 (48 120 parameters) is a Conv2D
    0.178
    """
    total = model.count_params()
    if total == 0:
        raise ValueError(f"the model {model.name!r} has no parameters")
    dense = sum(
        layer.count_params() for layer in model.layers if isinstance(layer, keras.layers.Dense)
    )
    return dense / total


def applications_table(
    names: Sequence[str] | None = None, progress: bool = True
) -> list[dict[str, Any]]:
    """Rebuild deck 004's keras.applications table (weights=None) and measure each model.

    For each model of :data:`cnn_course.slides.KERAS_APPLICATIONS`: the parameter
    count, and three "depth" measures, next to the deck's printed numbers, because
    the deck's "depth" is not one measure:

    * ``topological_depth`` — the longest input → output chain of layers
      (:func:`topological_depth`), the definition of the keras.io table the deck copied;
    * ``weight_layers`` — convolution and dense layers only: the number in a
      DenseNet's name, which is what the deck prints for the DenseNets;
    * ``layers_with_weights`` — layers that have parameters (batch norm included):
      what the *current* keras.io table calls depth.

    Which measure reproduces which row, and why ResNet50 and MobileNet differ by a
    few layers today, is measured in ``docs/benchmarks.md`` ("The keras.applications
    table"). Building all ten allocates ~1.5 GB; pass ``names`` to build only some.

    Parameters
    ----------
    names : sequence of str, optional
        Model names from :data:`cnn_course.slides.KERAS_APPLICATIONS` (default: all).
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
    deck = {app.model: app for app in slides.KERAS_APPLICATIONS}
    names = list(deck) if names is None else list(names)
    unknown = [n for n in names if n not in deck]
    if unknown:
        raise ValueError(f"{unknown} not in deck 004's table; choose from {list(deck)}")
    weight_kinds = (
        keras.layers.Conv2D,
        keras.layers.DepthwiseConv2D,
        keras.layers.SeparableConv2D,
        keras.layers.Dense,
    )
    rows = []
    enabled = _checks.flag(progress, "progress")
    with progress_bar(len(names), "building keras.applications models", enabled=enabled) as bar:
        for name in names:
            bar.set_postfix_str(name)
            model = getattr(keras.applications, name)(weights=None, include_top=True)
            rows.append(
                {
                    "model": name,
                    "params": model.count_params(),
                    "deck_params": deck[name].parameters,
                    "topological_depth": topological_depth(model),
                    "weight_layers": layers_with_weights(model, weight_kinds),
                    "layers_with_weights": layers_with_weights(model),
                    "keras_layers": len(model.layers),
                    "deck_depth": deck[name].depth,
                }
            )
            del model
            keras.backend.clear_session()
            bar.update(1)
    return rows


def format_applications_table(rows: Sequence[dict[str, Any]]) -> str:
    """Rows of :func:`applications_table` (or any dicts with the same keys) as a text table.

    One column per key of the first row, right-aligned. Written here rather than with
    a table library: six lines, and the course has no such dependency.

    Examples
    --------
    >>> rows = [{"model": "VGG16", "depth": 23}, {"model": "ResNet50", "depth": 168}]
    >>> print(format_applications_table(rows))
       model  depth
       VGG16     23
    ResNet50    168
    """
    columns = list(rows[0]) if rows else []
    cells = [[str(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)
