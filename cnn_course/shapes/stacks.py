"""A network as a stack of layer specs: its per-layer table and its receptive field.

The per-layer table the slides print (activation shape, activation size, number of
parameters) is built either from a small layer *spec* (:class:`Conv`, :class:`Pool`,
:class:`Flatten`, :class:`Dense`, :class:`GlobalAvgPool`) by :func:`layer_table`, or
from a real Keras model by :func:`layer_table_from_model`, so that the two can be
compared. Each row also carries the layer's compute cost — its multiply-adds
(:attr:`TableRow.flops`) and the memory of its activation (:attr:`TableRow.memory`) —
which :func:`format_table` shows with ``cost=True``. The sizes, counts and costs of each
row come from :mod:`cnn_course.shapes.sizes`.

Pure Python: :func:`layer_table_from_model` only reads the attributes of the model it is
given (``layers``, ``inputs``, ``output.shape``, ``count_params()``); nothing here
imports Keras.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from cnn_course import _checks
from cnn_course.shapes.sizes import (
    POOL_MODES,
    activation_memory,
    conv_flops,
    conv_output_size,
    conv_params,
    dense_flops,
    dense_params,
)

__all__ = [
    "Conv",
    "Dense",
    "Flatten",
    "GlobalAvgPool",
    "LayerSpec",
    "Pool",
    "StackComparison",
    "TableRow",
    "format_table",
    "layer_table",
    "layer_table_from_model",
    "memory_text",
    "receptive_field",
    "stacked_3x3_vs_single",
]


# --------------------------------------------------------------------------- layer specs


class _Spec:
    """What every layer spec checks when it is made: its whole numbers and its name.

    ``_whole_numbers`` lists ``(field, how an error names it, smallest value)``.
    """

    _whole_numbers: ClassVar[tuple[tuple[str, str, int], ...]] = ()

    def __post_init__(self) -> None:
        for attribute, what, minimum in self._whole_numbers:
            _checks.integer(getattr(self, attribute), what, minimum=minimum)
        name = getattr(self, "name", None)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a layer name must be a string or None, got {name!r}")
        if name is not None and not name.strip():
            raise ValueError(f"a layer name must not be empty, got {name!r}")


@dataclass(frozen=True)
class Conv(_Spec):
    """A convolutional layer in a spec: ``filters`` filters of size ``f×f``, stride, padding.

    Parameters
    ----------
    filters : int
        Number of filters = channels of the output.
    f : int
        Filter size.
    s : int, default 1
        Stride.
    p : int, default 0
        Zeros added on each side.
    name : str, optional
        Row label; by default ``conv<k> (f=.., s=..)`` numbered like the slides.

    Examples
    --------
    >>> Conv(6, 5)
    Conv(filters=6, f=5, s=1, p=0, name=None)
    >>> Conv(0, 5)
    Traceback (most recent call last):
    ...
    ValueError: the number of filters must be a whole number >= 1, got 0
    """

    _whole_numbers = (
        ("filters", "the number of filters", 1),
        ("f", "the filter size", 1),
        ("s", "the stride", 1),
        ("p", "the padding", 0),
    )

    filters: int
    f: int
    s: int = 1
    p: int = 0
    name: str | None = None


@dataclass(frozen=True)
class Pool(_Spec):
    """A pooling layer in a spec: an ``f×f`` window moved by ``s``; no parameters.

    Parameters
    ----------
    f : int, default 2
        Window size.
    s : int, default 2
        Stride.
    mode : {"max", "avg", "average", "min"}, default "max"
        What the window keeps. It does not change shapes or parameter counts.
    p : int, default 0
        Zeros added on each side.
    name : str, optional
        Row label; by default ``pool<k>``.

    Examples
    --------
    >>> Pool(mode="sum")
    Traceback (most recent call last):
    ...
    ValueError: the pooling mode must be one of 'max', 'avg', 'average', 'min'; got 'sum'
    """

    _whole_numbers = (
        ("f", "the pooling window size", 1),
        ("s", "the stride", 1),
        ("p", "the padding", 0),
    )

    f: int = 2
    s: int = 2
    mode: str = "max"
    p: int = 0
    name: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _checks.one_of(self.mode, "the pooling mode", POOL_MODES)


@dataclass(frozen=True)
class Flatten(_Spec):
    """Unroll the activation into a column vector (deck 000: "unrolling into a vector")."""

    name: str | None = None


@dataclass(frozen=True)
class Dense(_Spec):
    """A fully connected layer with ``units`` units; a 3-D input is flattened first.

    Examples
    --------
    >>> Dense(0)
    Traceback (most recent call last):
    ...
    ValueError: the number of units must be a whole number >= 1, got 0
    """

    _whole_numbers = (("units", "the number of units", 1),)

    units: int
    name: str | None = None


@dataclass(frozen=True)
class GlobalAvgPool(_Spec):
    """Average each channel over the whole height and width: ``(H, W, C) -> (C, 1)``."""

    name: str | None = None


LayerSpec = Conv | Pool | Flatten | Dense | GlobalAvgPool


@dataclass(frozen=True)
class TableRow(_Spec):
    """One row of the slides' per-layer table.

    Attributes
    ----------
    name : str
        Row label, e.g. ``"conv1 (f=5, s=1)"``.
    activation_shape : tuple of int
        ``(H, W, C)`` for images, ``(n, 1)`` for vectors, as the slides write them.
    activation_size : int
        Number of values in the activation (the product of the shape).
    params : int
        Learned parameters of the layer (weights and biases).
    flops : int or None
        Multiply-adds the layer computes for one image (:func:`conv_flops`,
        :func:`dense_flops`; 0 for pooling, flattening and the input), or ``None`` when
        not known — a slide's printed table gives none. Not compared by ``==``: two
        tables are equal when the columns the slides print agree.

    Examples
    --------
    >>> row = TableRow("conv1", (28, 28, 6), 4_704, 456, flops=352_800)
    >>> row.memory                       # 4 bytes per value in float32
    18816
    >>> row == TableRow("conv1", (28, 28, 6), 4_704, 456)
    True
    """

    _whole_numbers = (
        ("activation_size", "the activation size", 1),
        ("params", "the number of parameters", 0),
    )

    name: str
    activation_shape: tuple[int, ...]
    activation_size: int
    params: int
    flops: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.flops is not None:
            _checks.non_negative_int(self.flops, "the number of multiply-adds")

    @property
    def memory(self) -> int:
        """Bytes of the activation in float32 (:func:`activation_memory`)."""
        return activation_memory(self.activation_size)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _spatial_output(
    shape: tuple[int, ...], f: int, p: int, s: int, label: str, window: str
) -> tuple[int, int]:
    """Output height and width of a conv/pool layer, with errors that name the layer."""
    if len(shape) != 3:
        raise ValueError(
            f"{label} needs an image-shaped (height, width, channels) input, but it gets "
            f"{_shape_text(shape)}: a {window} layer cannot follow a Flatten, Dense or "
            "GlobalAvgPool layer"
        )
    h, w, _ = shape
    ph, pw = h + 2 * p, w + 2 * p
    if f > ph or f > pw:
        raise ValueError(
            f"{label}: the {window} ({f}×{f}) is larger than the padded input ({ph}×{pw})"
        )
    return conv_output_size(h, f, p, s), conv_output_size(w, f, p, s)


def _input_shape(input_shape: object) -> tuple[int, int, int]:
    """``(height, width, channels)``, each a whole number >= 1."""
    if not isinstance(input_shape, tuple | list):
        raise TypeError(
            "the input shape must be a tuple (height, width, channels), e.g. (32, 32, 3), "
            f"got {input_shape!r}"
        )
    if len(input_shape) != 3:
        raise ValueError(
            "the input shape must be (height, width, channels), e.g. (32, 32, 3), "
            f"got {input_shape!r}"
        )
    h, w, c = input_shape
    return (
        _checks.positive_int(h, "the input height"),
        _checks.positive_int(w, "the input width"),
        _checks.positive_int(c, "the number of input channels"),
    )


def layer_table(input_shape: Sequence[int], layers: Iterable[LayerSpec]) -> list[TableRow]:
    """The slides' per-layer table for a spec: activation shape, size and parameters.

    Rows are labelled the way the slides number layers — a convolution and the pooling
    after it form "layer k" (``conv1``, ``pool1``, ``conv2``, …, ``FC3``, ``FC4``) — unless
    a spec has a ``name``. A :class:`Dense` after an image-shaped activation flattens it
    implicitly, as on the slides (no "flatten" row); put an explicit :class:`Flatten` in
    the spec to get the row a Keras ``Flatten`` layer produces.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(height, width, channels)`` of the input image.
    layers : iterable of Conv, Pool, Flatten, Dense, GlobalAvgPool
        The network, first layer first.

    Returns
    -------
    list of TableRow
        An ``Input`` row followed by one row per layer.

    Raises
    ------
    ValueError
        For a bad input shape, something that is not a layer spec, a filter or window
        larger than its (padded) input, or a convolution/pooling after a vector.

    Examples
    --------
    The ConvNet of deck 000 ("Convolutional Neural Network"):

    >>> rows = layer_table((39, 39, 3), [Conv(10, 3), Conv(20, 5, s=2), Conv(40, 5, s=2),
    ...                                  Flatten()])
    >>> [r.activation_shape for r in rows]
    [(39, 39, 3), (37, 37, 10), (17, 17, 20), (7, 7, 40), (1960, 1)]
    >>> layer_table((4, 4, 1), [Conv(2, 5)])
    Traceback (most recent call last):
    ...
    ValueError: conv1 (f=5, s=1): the filter (5×5) is larger than the padded input (4×4)
    """
    shape: tuple[int, ...] = _input_shape(input_shape)
    rows = [TableRow("Input", shape, math.prod(shape), 0, flops=0)]
    block = 0  # the slides' layer number: conv/FC start a new one, pooling reuses it
    for index, layer in enumerate(layers, start=1):
        if isinstance(layer, Conv):
            block += 1
            hp = f", p={layer.p}" if layer.p else ""
            label = layer.name or f"conv{block} (f={layer.f}, s={layer.s}{hp})"
            h, w = _spatial_output(shape, layer.f, layer.p, layer.s, label, "filter")
            params = conv_params(layer.f, shape[2], layer.filters)
            flops = conv_flops(layer.f, shape[2], layer.filters, (h, w))
            shape = (h, w, layer.filters)
        elif isinstance(layer, Pool):
            label = layer.name or f"pool{max(block, 1)}"
            h, w = _spatial_output(shape, layer.f, layer.p, layer.s, label, "pooling window")
            params, flops, shape = 0, 0, (h, w, shape[2])
        elif isinstance(layer, Flatten):
            label = layer.name or "flatten"
            params, flops, shape = 0, 0, (math.prod(shape), 1)
        elif isinstance(layer, GlobalAvgPool):
            label = layer.name or "global_avg_pool"
            if len(shape) != 3:
                raise ValueError(
                    f"{label} needs an image-shaped (height, width, channels) input, but it "
                    f"gets {_shape_text(shape)}"
                )
            params, flops, shape = 0, 0, (shape[2], 1)
        elif isinstance(layer, Dense):
            block += 1
            label = layer.name or f"FC{block}"
            params = dense_params(math.prod(shape), layer.units)
            flops = dense_flops(math.prod(shape), layer.units)
            shape = (layer.units, 1)
        else:
            raise TypeError(
                f"layer {index} is not a layer spec (Conv, Pool, Flatten, Dense, "
                f"GlobalAvgPool), got {layer!r}"
            )
        rows.append(TableRow(label, shape, math.prod(shape), params, flops=flops))
    return rows


#: Layers with weights that compute no multiply-adds by the ResNet paper's convention:
#: at inference a normalisation folds into the convolution before it.
_FREE_LAYERS = frozenset({"BatchNormalization", "LayerNormalization", "GroupNormalization"})


def _keras_layer_flops(layer: Any, out_shape: tuple[int, ...]) -> int | None:
    """Multiply-adds of one Keras layer for one input, from its attributes (no Keras import).

    Convolutions (plain, grouped, depthwise, separable; the course's locally connected
    layer computes as many as a convolution) and dense layers are counted; layers
    without weights and normalisation layers count 0; any other layer with weights is
    not known (``None``).
    """
    kind = type(layer).__name__
    if kind in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "LocallyConnected2D", "Dense"):
        c_in = int(layer.input.shape[-1])
        positions = out_shape[:-1] if len(out_shape) == 3 else (1, 1)
        if kind == "Dense":
            return dense_flops(c_in, int(layer.units)) * math.prod(out_shape[:-1])
        if kind in ("Conv2D", "LocallyConnected2D"):
            groups = int(getattr(layer, "groups", 1))
            return conv_flops(layer.kernel_size, c_in, int(layer.filters), positions, groups)
        depth = c_in * int(layer.depth_multiplier)
        flops = conv_flops(layer.kernel_size, c_in, depth, positions, groups=c_in)
        if kind == "SeparableConv2D":
            flops += conv_flops(1, depth, int(layer.filters), positions)
        return flops
    if not layer.weights or kind in _FREE_LAYERS:
        return 0
    return None


def layer_table_from_model(model: Any) -> list[TableRow]:
    """The same per-layer table, read from a built Keras model.

    Shapes come from each layer's output (batch axis dropped; a vector ``(n,)`` is
    written ``(n, 1)`` like the slides), parameters from ``layer.count_params()`` and
    multiply-adds from the layer's kernel size, channels and output size
    (:func:`conv_flops`, :func:`dense_flops`; batch normalisation, pooling, activations
    and additions count 0, an unknown layer with weights ``None``).
    Rows are labelled with the Keras layer names. Compare with :func:`layer_table` to
    check a Keras model against the slide's spec (name the Keras layers like the spec,
    or compare shapes and parameters only).

    Parameters
    ----------
    model : keras.Model
        A built model with one input of fixed size (``keras.Input(shape=...)`` in the
        model, or ``model.build(...)`` called).

    Returns
    -------
    list of TableRow

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model.
    ValueError
        If ``model`` is not built, has several inputs or sizes that are not fixed.
    """
    # Duck typing: the model's own attributes are all the table needs, so that this
    # module never imports Keras (it is part of the TensorFlow-free core).
    if not all(hasattr(model, name) for name in ("layers", "built", "count_params", "name")):
        raise TypeError(f"expected a Keras model, got {type(model).__name__}")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not model.built or not inputs:
        raise ValueError(
            f"the model {model.name!r} is not built: start it with keras.Input(shape=...) "
            "or call model.build((None, height, width, channels)) first"
        )
    if len(inputs) != 1:
        raise ValueError(f"the model {model.name!r} has {len(inputs)} inputs; expected one")

    def fixed(name: str, full_shape: Any) -> tuple[int, ...]:
        shape = tuple(full_shape)[1:]
        if any(d is None for d in shape):
            raise ValueError(
                f"{name!r} has an unknown size {_shape_text(shape)}: the table needs a "
                "model built for a fixed input size"
            )
        return tuple(int(d) for d in shape)

    def row(name: str, shape: tuple[int, ...], params: int, flops: int | None) -> TableRow:
        if len(shape) == 1:
            shape = (shape[0], 1)
        return TableRow(name, shape, math.prod(shape), int(params), flops=flops)

    rows = [row("Input", fixed("Input", inputs[0].shape), 0, 0)]
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        try:
            output = layer.output
        except (AttributeError, ValueError) as err:
            raise ValueError(
                f"cannot read the output shape of layer {layer.name!r} (is it used more than once?)"
            ) from err
        if isinstance(output, list | tuple):
            raise ValueError(f"layer {layer.name!r} has several outputs; expected one")
        shape = fixed(layer.name, output.shape)
        rows.append(row(layer.name, shape, layer.count_params(), _keras_layer_flops(layer, shape)))
    return rows


def memory_text(nbytes: int) -> str:
    """Bytes the way the course writes them: decimal units, three significant digits.

    >>> [memory_text(n) for n in (0, 850, 18_816, 12_845_056, 12_000_000, 1_200_000_000)]
    ['0 B', '850 B', '18.8 kB', '12.8 MB', '12 MB', '1.2 GB']
    """
    nbytes = _checks.non_negative_int(nbytes, "the number of bytes")
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes} B"


def format_table(
    rows: Iterable[TableRow], thousands: str = ",", total: bool = False, cost: bool = False
) -> str:
    """Print a layer table like the slide: Activation shape / Activation size / # parameters.

    Parameters
    ----------
    rows : iterable of TableRow
        From :func:`layer_table` or :func:`layer_table_from_model`.
    thousands : str, default ","
        Thousands separator: ``","`` as in the English deck, ``" "`` as in the French one.
    total : bool, default False
        Add a last line with the total number of parameters (and, with ``cost``, of
        multiply-adds and activation memory).
    cost : bool, default False
        Add two columns: the layer's multiply-adds (``?`` where unknown) and its
        activation's memory in float32 for one image.

    Returns
    -------
    str

    Examples
    --------
    >>> rows = layer_table((28, 28, 1), [Conv(3, 5), Pool()])   # deck 001's MNIST net
    >>> print(format_table(rows, thousands=" ", total=True))
                      Activation shape  Activation size  # parameters
    Input             (28, 28, 1)                   784             0
    conv1 (f=5, s=1)  (24, 24, 3)                 1 728            78
    pool1             (12, 12, 3)                   432             0
    Total                                                          78
    >>> print(format_table(rows, total=True, cost=True))
                      Activation shape  Activation size  # parameters  Multiply-adds  Memory
    Input             (28, 28, 1)                   784             0              0  3.14 kB
    conv1 (f=5, s=1)  (24, 24, 3)                 1,728            78         43,200  6.91 kB
    pool1             (12, 12, 3)                   432             0              0  1.73 kB
    Total                                                          78         43,200  11.8 kB
    """
    rows = list(rows)
    total = _checks.flag(total, "total")
    cost = _checks.flag(cost, "cost")
    if not isinstance(thousands, str):
        raise TypeError(f"the thousands separator must be a string, got {thousands!r}")
    if not all(isinstance(r, TableRow) for r in rows):
        raise TypeError("format_table expects TableRow objects (from layer_table)")

    def number(n: int | None) -> str:
        return "?" if n is None else f"{n:,}".replace(",", thousands)

    header = ["", "Activation shape", "Activation size", "# parameters"]
    body = [
        [r.name, _shape_text(r.activation_shape), number(r.activation_size), number(r.params)]
        for r in rows
    ]
    footer = [["Total", "", "", number(sum(r.params for r in rows))]] if total else []
    if cost:
        header += ["Multiply-adds", "Memory"]
        for cells, r in zip(body, rows, strict=True):
            cells += [number(r.flops), memory_text(r.memory)]
        if total:
            known = [r.flops for r in rows if r.flops is not None]
            flops = number(sum(known)) + ("" if len(known) == len(rows) else " + ?")
            footer[0] += [flops, memory_text(sum(r.memory for r in rows))]
    table = [header, *body, *footer]
    widths = [max(len(cells[i]) for cells in table) for i in range(len(header))]
    lines = []
    for cells in table:
        parts = [f"{cells[0]:<{widths[0]}}", f"{cells[1]:<{widths[1]}}"]
        parts += [f"{c:>{w}}" for c, w in zip(cells[2:], widths[2:], strict=True)]
        if cost:
            parts[-1] = f"{cells[-1]:<{widths[-1]}}"
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


# --------------------------------------------------------------------------- receptive field


def _kernel_and_stride(item: object, index: int) -> tuple[int, int]:
    if isinstance(item, Conv | Pool):
        return item.f, item.s
    if isinstance(item, tuple | list) and len(item) == 2:
        where = f"layer {index}"
        return (
            _checks.positive_int(item[0], f"the filter size of {where}"),
            _checks.positive_int(item[1], f"the stride of {where}"),
        )
    raise TypeError(
        f"layer {index} of the stack must be an (f, s) pair, a Conv or a Pool, got {item!r}"
    )


def receptive_field(layers: Iterable[tuple[int, int] | Conv | Pool]) -> int:
    """Side of the input region one output unit of a stack of layers sees.

    Each layer with filter ``f`` widens the field by ``(f - 1)`` times the product of the
    strides below it: ``r = 1 + Σ (f_l - 1)·Π_{k<l} s_k``. An empty stack sees 1 pixel.

    Parameters
    ----------
    layers : iterable of (f, s) pairs, :class:`Conv` or :class:`Pool`
        The stack, first layer first.

    Returns
    -------
    int

    Examples
    --------
    >>> [receptive_field([(3, 1)] * n) for n in (1, 2, 3)]   # deck 002: 2N + 1
    [3, 5, 7]
    >>> receptive_field([Conv(6, 5), Pool(), Conv(16, 5), Pool()])   # LeNet's pool2 unit
    16
    """
    r, jump = 1, 1
    for index, item in enumerate(layers, start=1):
        f, s = _kernel_and_stride(item, index)
        r += (f - 1) * jump
        jump *= s
    return r


class StackComparison(NamedTuple):
    """N stacked 3×3 convolutions against one convolution with the same receptive field."""

    layers: int
    receptive_field: int
    stacked_params: int
    single_params: int


def stacked_3x3_vs_single(n_layers: int, channels: int, bias: bool = True) -> StackComparison:
    """Compare ``n_layers`` stacked 3×3 convolutions with one ``(2N+1)×(2N+1)`` convolution.

    Both see a ``(2N+1)×(2N+1)`` region (deck 002, "Champ réceptif"), with ``channels``
    channels in and out of every layer. The stack needs ``N·9·C²`` weights, the single
    layer ``(2N+1)²·C²`` — and the stack has N non-linearities instead of one (deck 001,
    "Convolutional layers and stacking": "deeper is better and less computational cost").

    Parameters
    ----------
    n_layers : int
        Number N of stacked 3×3 stride-1 layers.
    channels : int
        Channels C in and out of each layer.
    bias : bool, default True
        Count one bias per filter in each layer.

    Returns
    -------
    StackComparison

    Examples
    --------
    The VGG paper's argument, without biases: 3 layers give 27·C² against 49·C².

    >>> vgg = stacked_3x3_vs_single(3, 64, bias=False)
    >>> vgg
    StackComparison(layers=3, receptive_field=7, stacked_params=110592, single_params=200704)
    >>> vgg.stacked_params // 64**2, vgg.single_params // 64**2
    (27, 49)
    """
    n_layers = _checks.positive_int(n_layers, "the number of stacked layers")
    channels = _checks.positive_int(channels, "the number of channels")
    side = receptive_field([(3, 1)] * n_layers)
    return StackComparison(
        layers=n_layers,
        receptive_field=side,
        stacked_params=n_layers * conv_params(3, channels, channels, bias=bias),
        single_params=conv_params(side, channels, channels, bias=bias),
    )
