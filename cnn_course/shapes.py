"""Sizes and parameter counts of convolutional networks, the way the lecture computes them.

Everything the slides compute by hand about a layer — how big its output is, how many
zeros "same" padding adds, how many parameters it learns, how far its receptive field
reaches — and the per-layer table the slides print (activation shape, activation size,
number of parameters), built either from a small layer *spec* or from a real Keras model
so the two can be compared.

Conventions (the slides', and Keras' ``"valid"`` padding)
---------------------------------------------------------
* Output size of a convolution or pooling window: ``floor((n + 2p - f) / s) + 1``.
  When the stride "does not fit", the fraction is rounded *down* and the last
  rows/columns of the input are never read (deck 000, "Summary"; Keras does the same).
* Parameters of a convolution: ``(f·f·c_in + 1)·c_out`` — one bias per filter.
* Parameters of a dense layer: ``(n_in + 1)·n_out``. A dense activation is written as a
  column ``(units, 1)``, as on the slides.
* Pooling, flattening and global average pooling learn nothing: 0 parameters.

The module is pure Python with exact integer arithmetic: it imports neither NumPy,
TensorFlow nor Keras. Only :func:`layer_table_from_model` imports Keras, inside the
function, because it reads a Keras model.

Examples
--------
The English deck's LeNet-5-style table (deck 000, "ConvNet : example"):

>>> rows = layer_table((32, 32, 3), [Conv(6, 5), Pool(), Conv(16, 5), Pool(),
...                                  Dense(120), Dense(84), Dense(10, name="softmax")])
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

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover - only for type checkers
    import keras

__all__ = [
    "POOL_MODES",
    "Conv",
    "Dense",
    "Flatten",
    "GlobalAvgPool",
    "LayerSpec",
    "Pool",
    "StackComparison",
    "TableRow",
    "conv_output_size",
    "conv_params",
    "dense_params",
    "fc_params_for_image",
    "format_table",
    "keras_same_output_size",
    "keras_same_padding",
    "layer_table",
    "layer_table_from_model",
    "locally_connected_params",
    "pool_output_size",
    "receptive_field",
    "same_padding",
    "stacked_3x3_vs_single",
]

#: Pooling modes a :class:`Pool` spec accepts ("avg" and "average" are the same thing).
POOL_MODES = ("max", "avg", "average", "min")


# --------------------------------------------------------------------------- checks


def _is_int(value: object) -> bool:
    """True for Python and NumPy integers; False for bools, floats (even ``3.0``), strings."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def _positive_int(value: object, what: str) -> int:
    if not _is_int(value) or int(value) <= 0:  # type: ignore[call-overload]
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)  # type: ignore[call-overload]


def _non_negative_int(value: object, what: str) -> int:
    if not _is_int(value) or int(value) < 0:  # type: ignore[call-overload]
        raise ValueError(f"{what} must be a non-negative integer, got {value!r}")
    return int(value)  # type: ignore[call-overload]


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be True or False, got {value!r}")
    return bool(value)


def _filter_pair(f: object) -> tuple[int, int]:
    """``f`` or ``(fh, fw)`` as a pair of positive integers."""
    if isinstance(f, tuple | list):
        if len(f) != 2:
            raise ValueError(
                f"the filter size must be an integer f or a pair (fh, fw), got {tuple(f)!r}"
            )
        return (
            _positive_int(f[0], "the filter height"),
            _positive_int(f[1], "the filter width"),
        )
    side = _positive_int(f, "the filter size")
    return side, side


def _window_output_size(n: object, f: object, p: object, s: object, window: str) -> int:
    """Shared body of :func:`conv_output_size` and :func:`pool_output_size`."""
    n = _positive_int(n, "the input size")
    f = _positive_int(f, f"the {window} size")
    p = _non_negative_int(p, "the padding")
    s = _positive_int(s, "the stride")
    padded = n + 2 * p
    if f > padded:
        raise ValueError(
            f"the {window} ({f}×{f}) is larger than the padded input ({padded}×{padded})"
        )
    return (padded - f) // s + 1


# --------------------------------------------------------------------------- output sizes


def conv_output_size(n: int, f: int, p: int = 0, s: int = 1) -> int:
    """Height (or width) of a convolution's output: ``floor((n + 2p - f) / s) + 1``.

    Parameters
    ----------
    n : int
        Input height or width (``n >= 1``).
    f : int
        Filter size (``f >= 1``, at most ``n + 2p``).
    p : int, default 0
        Zeros added on *each* side (``p >= 0``).
    s : int, default 1
        Stride (``s >= 1``).

    Returns
    -------
    int
        Output size. When ``(n + 2p - f)`` is not a multiple of ``s`` it is rounded down
        (deck 000, "Summary", Remark 1) — exactly what Keras ``padding="valid"`` does.

    Raises
    ------
    ValueError
        If a size is not a positive integer, the padding is negative, or the filter does
        not fit in the padded input.

    Examples
    --------
    >>> conv_output_size(6, 3)            # 6×6 ∗ 3×3 -> 4×4 (deck 000)
    4
    >>> conv_output_size(6, 3, p=1)       # "same": 6 + 2 - 3 + 1 = 6
    6
    >>> conv_output_size(7, 3, s=2)       # (7 + 0 - 3) / 2 + 1 = 3
    3
    >>> conv_output_size(7, 3, s=3)       # 2.33 rounded down; deck 003 says "doesn't fit"
    2
    >>> conv_output_size(32, 5, p=2)      # deck 003: (32 + 2·2 - 5) / 1 + 1 = 32
    32
    >>> conv_output_size(4, 5)
    Traceback (most recent call last):
    ...
    ValueError: the filter (5×5) is larger than the padded input (4×4)
    >>> conv_output_size(7, 3, s=0)
    Traceback (most recent call last):
    ...
    ValueError: the stride must be a positive integer, got 0
    """
    return _window_output_size(n, f, p, s, "filter")


def pool_output_size(n: int, f: int = 2, s: int = 2, p: int = 0) -> int:
    """Height (or width) of a pooling layer's output: ``floor((n + 2p - f) / s) + 1``.

    The formula is the convolution's (deck 003, "Pooling Layer": ``W2 = (W1 - F)/S + 1``);
    only the defaults differ: the usual 2×2 window with stride 2 halves the size.
    Pooling has no parameters.

    Parameters
    ----------
    n : int
        Input height or width.
    f : int, default 2
        Pooling window size.
    s : int, default 2
        Stride.
    p : int, default 0
        Zeros added on each side.

    Returns
    -------
    int

    Examples
    --------
    >>> pool_output_size(4)     # deck 000: 4×4 -> 2×2
    2
    >>> pool_output_size(28)    # LeNet pool1: 28 -> 14
    14
    >>> pool_output_size(5)     # odd size: the last row/column is dropped
    2
    >>> pool_output_size(2, f=3)
    Traceback (most recent call last):
    ...
    ValueError: the pooling window (3×3) is larger than the padded input (2×2)
    """
    return _window_output_size(n, f, p, s, "pooling window")


def same_padding(f: int) -> int:
    """Zeros to add on each side so that a stride-1 convolution keeps the size: ``(f-1)/2``.

    From ``n + 2p - f + 1 = n`` (deck 000, "Valid and Same convolutions"); "by convention
    f is odd", so that the filter has a central position and the padding is symmetric.

    Parameters
    ----------
    f : int
        Filter size; must be odd.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        For an even ``f``: ``f - 1`` zeros cannot be split equally between the two sides.

    Examples
    --------
    >>> [same_padding(f) for f in (1, 3, 5, 7)]   # deck 003: F = 3, 5, 7 -> pad 1, 2, 3
    [0, 1, 2, 3]
    >>> same_padding(4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: "same" padding is symmetric only for an odd filter size: with f=4 ...
    """
    f = _positive_int(f, "the filter size")
    if f % 2 == 0:
        before = (f - 1) // 2
        raise ValueError(
            f'"same" padding is symmetric only for an odd filter size: with f={f} the '
            f"{f - 1} zeros needed (f - 1) cannot be split equally; Keras "
            f'padding="same" then pads {before} on the top/left and {f - 1 - before} on the '
            "bottom/right"
        )
    return (f - 1) // 2


def keras_same_output_size(n: int, s: int = 1) -> int:
    """Output size of a Keras layer with ``padding="same"``: ``ceil(n / s)``.

    Keras does not use the slide's symmetric ``p = (f-1)/2``: it chooses the padding so
    that the output is ``ceil(n / s)`` whatever the filter size (see
    :func:`keras_same_padding`). With stride 1 the output has the input's size.

    Parameters
    ----------
    n : int
        Input height or width.
    s : int, default 1
        Stride.

    Returns
    -------
    int

    Examples
    --------
    >>> keras_same_output_size(28)
    28
    >>> keras_same_output_size(7, 2)
    4
    """
    n = _positive_int(n, "the input size")
    s = _positive_int(s, "the stride")
    return -(-n // s)  # ceil(n / s) in exact integer arithmetic


def keras_same_padding(n: int, f: int, s: int = 1) -> tuple[int, int]:
    """Zeros Keras ``padding="same"`` adds before (top/left) and after (bottom/right).

    The total is ``max((ceil(n/s) - 1)·s + f - n, 0)``; when it is odd the extra zero goes
    at the bottom/right. For stride 1 and odd ``f`` this is :func:`same_padding` on both
    sides.

    Parameters
    ----------
    n : int
        Input height or width.
    f : int
        Filter (or pooling window) size.
    s : int, default 1
        Stride.

    Returns
    -------
    (before, after) : tuple of int

    Examples
    --------
    >>> keras_same_padding(6, 3)
    (1, 1)
    >>> keras_same_padding(6, 4)       # even filter: one more zero at the bottom/right
    (1, 2)
    >>> keras_same_padding(6, 3, s=2)  # output 3 needs only one zero, at the end
    (0, 1)
    """
    n = _positive_int(n, "the input size")
    f = _positive_int(f, "the filter size")
    s = _positive_int(s, "the stride")
    total = max((keras_same_output_size(n, s) - 1) * s + f - n, 0)
    return total // 2, total - total // 2


# --------------------------------------------------------------------------- parameter counts


def conv_params(f: int | tuple[int, int], c_in: int, c_out: int, bias: bool = True) -> int:
    """Parameters of a convolutional layer: ``(f·f·c_in + 1)·c_out``.

    Each of the ``c_out`` filters has ``f×f×c_in`` weights (a filter always spans all the
    input channels) plus one bias. The count does not depend on the image size
    (deck 000, "Number of parameters in one layer").

    Parameters
    ----------
    f : int or (int, int)
        Filter size ``f`` (square) or ``(fh, fw)``.
    c_in : int
        Channels of the input (``n_c^[l-1]``).
    c_out : int
        Number of filters (``n_c^[l]``).
    bias : bool, default True
        Count one bias per filter.

    Returns
    -------
    int

    Examples
    --------
    >>> conv_params(3, 3, 10)        # deck 000: 27 weights + bias = 28, x 10 filters
    280
    >>> conv_params(5, 3, 10)        # deck 003: 5·5·3 + 1 = 76, x 10
    760
    >>> conv_params(5, 3, 6)         # LeNet conv1 (deck 000)
    456
    >>> conv_params((1, 7), 64, 64, bias=False)
    28672
    """
    fh, fw = _filter_pair(f)
    c_in = _positive_int(c_in, "the number of input channels")
    c_out = _positive_int(c_out, "the number of filters")
    bias = _flag(bias, "bias")
    return (fh * fw * c_in + int(bias)) * c_out


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """Parameters of a fully connected (dense) layer: ``n_in·n_out + n_out``.

    The weight matrix is ``W: (n_out, n_in)`` and the bias ``b: (n_out, 1)``
    (deck 000: ``W[3]: (120, 400)``, ``b[3]: (120, 1)``).

    Parameters
    ----------
    n_in : int
        Inputs (the flattened size of the previous activation).
    n_out : int
        Units.
    bias : bool, default True
        Count one bias per unit.

    Returns
    -------
    int

    Examples
    --------
    >>> dense_params(400, 120)       # LeNet FC3
    48120
    >>> dense_params(784, 100)       # deck 001: 784 x 100 + 100
    78500
    """
    n_in = _positive_int(n_in, "the number of inputs")
    n_out = _positive_int(n_out, "the number of units")
    bias = _flag(bias, "bias")
    return n_in * n_out + (n_out if bias else 0)


def fc_params_for_image(h: int, w: int, c: int, units: int, bias: bool = True) -> int:
    """Parameters of a dense layer fed with a whole flattened ``h×w×c`` image.

    The slides' headline numbers count **weights only**: "3 billion" (deck 000/002),
    "120 M" (deck 004) and ``10^6 × 10^3 = 10^9`` (deck 001) are all exact with
    ``bias=False`` (the biases add only ``units`` more). Deck 001's MNIST example
    ``784 × 100 + 100 = 78 500`` does include the biases.

    Parameters
    ----------
    h, w, c : int
        Image height, width and channels; the layer sees ``h·w·c`` inputs.
    units : int
        Units of the dense layer.
    bias : bool, default True
        Count one bias per unit.

    Returns
    -------
    int

    Examples
    --------
    >>> fc_params_for_image(1000, 1000, 3, 1000, bias=False)   # deck 000: 3 billion
    3000000000
    >>> fc_params_for_image(200, 200, 3, 1000, bias=False)     # deck 004: 120 M
    120000000
    >>> fc_params_for_image(1000, 1000, 1, 1000, bias=False) == 10**9   # deck 001
    True
    >>> fc_params_for_image(28, 28, 1, 100)                    # deck 001: MNIST
    78500
    """
    h = _positive_int(h, "the image height")
    w = _positive_int(w, "the image width")
    c = _positive_int(c, "the number of channels")
    return dense_params(h * w * c, units, bias=bias)


def locally_connected_params(
    n: int,
    f: int,
    c_in: int = 1,
    c_out: int = 1,
    s: int = 1,
    p: int = 0,
    bias: bool = True,
) -> int:
    """Parameters of a locally connected layer (local receptive fields, no weight sharing).

    Every output unit has its *own* ``f×f×c_in`` weights and its own bias, so the count is
    ``(f·f·c_in)·(c_out·m·m) + c_out·m·m`` with ``m = conv_output_size(n, f, p, s)``
    output positions per side — a convolution's parameters multiplied by the number of
    positions (deck 001, "Minimizing the number of parameters: LRF's").

    Parameters
    ----------
    n : int
        Input height = width.
    f : int
        Receptive-field (filter) size.
    c_in : int, default 1
        Input channels (3 for RGB).
    c_out : int, default 1
        Feature maps (receptive fields per position).
    s : int, default 1
        Stride.
    p : int, default 0
        Zero padding on each side.
    bias : bool, default True
        One bias per output unit.

    Returns
    -------
    int

    Examples
    --------
    >>> locally_connected_params(28, 5)                   # 25 x 24 x 24 + 24 x 24
    14976
    >>> locally_connected_params(28, 5, c_in=3, c_out=5)  # 25x3x5 x 24x24 + 24x24x5
    218880
    >>> conv_params(5, 3, 5)                              # the same layer with shared weights
    380
    """
    m = conv_output_size(n, f, p=p, s=s)
    f = _positive_int(f, "the filter size")
    c_in = _positive_int(c_in, "the number of input channels")
    c_out = _positive_int(c_out, "the number of feature maps")
    bias = _flag(bias, "bias")
    units = c_out * m * m
    return f * f * c_in * units + (units if bias else 0)


# --------------------------------------------------------------------------- receptive field


def _kernel_and_stride(item: object, index: int) -> tuple[int, int]:
    if isinstance(item, Conv | Pool):
        return item.f, item.s
    if isinstance(item, tuple | list) and len(item) == 2:
        where = f"layer {index}"
        return (
            _positive_int(item[0], f"the filter size of {where}"),
            _positive_int(item[1], f"the stride of {where}"),
        )
    raise ValueError(
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
    n_layers = _positive_int(n_layers, "the number of stacked layers")
    channels = _positive_int(channels, "the number of channels")
    side = receptive_field([(3, 1)] * n_layers)
    return StackComparison(
        layers=n_layers,
        receptive_field=side,
        stacked_params=n_layers * conv_params(3, channels, channels, bias=bias),
        single_params=conv_params(side, channels, channels, bias=bias),
    )


# --------------------------------------------------------------------------- layer specs


def _check_name(name: object) -> None:
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ValueError(f"a layer name must be a non-empty string or None, got {name!r}")


@dataclass(frozen=True)
class Conv:
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
    ValueError: the number of filters must be a positive integer, got 0
    """

    filters: int
    f: int
    s: int = 1
    p: int = 0
    name: str | None = None

    def __post_init__(self) -> None:
        _positive_int(self.filters, "the number of filters")
        _positive_int(self.f, "the filter size")
        _positive_int(self.s, "the stride")
        _non_negative_int(self.p, "the padding")
        _check_name(self.name)


@dataclass(frozen=True)
class Pool:
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
    ValueError: the pooling mode must be one of 'max', 'avg', 'average', 'min', got 'sum'
    """

    f: int = 2
    s: int = 2
    mode: str = "max"
    p: int = 0
    name: str | None = None

    def __post_init__(self) -> None:
        _positive_int(self.f, "the pooling window size")
        _positive_int(self.s, "the stride")
        _non_negative_int(self.p, "the padding")
        if self.mode not in POOL_MODES:
            modes = ", ".join(repr(m) for m in POOL_MODES)
            raise ValueError(f"the pooling mode must be one of {modes}, got {self.mode!r}")
        _check_name(self.name)


@dataclass(frozen=True)
class Flatten:
    """Unroll the activation into a column vector (deck 000: "unrolling into a vector")."""

    name: str | None = None

    def __post_init__(self) -> None:
        _check_name(self.name)


@dataclass(frozen=True)
class Dense:
    """A fully connected layer with ``units`` units; a 3-D input is flattened first.

    Examples
    --------
    >>> Dense(0)
    Traceback (most recent call last):
    ...
    ValueError: the number of units must be a positive integer, got 0
    """

    units: int
    name: str | None = None

    def __post_init__(self) -> None:
        _positive_int(self.units, "the number of units")
        _check_name(self.name)


@dataclass(frozen=True)
class GlobalAvgPool:
    """Average each channel over the whole height and width: ``(H, W, C) -> (C, 1)``."""

    name: str | None = None

    def __post_init__(self) -> None:
        _check_name(self.name)


LayerSpec = Conv | Pool | Flatten | Dense | GlobalAvgPool


@dataclass(frozen=True)
class TableRow:
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
    """

    name: str
    activation_shape: tuple[int, ...]
    activation_size: int
    params: int


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
    return (ph - f) // s + 1, (pw - f) // s + 1


def _input_shape(input_shape: object) -> tuple[int, int, int]:
    if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
        raise ValueError(
            "the input shape must be (height, width, channels), e.g. (32, 32, 3), "
            f"got {input_shape!r}"
        )
    h, w, c = input_shape
    return (
        _positive_int(h, "the input height"),
        _positive_int(w, "the input width"),
        _positive_int(c, "the number of input channels"),
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
    rows = [TableRow("Input", shape, math.prod(shape), 0)]
    block = 0  # the slides' layer number: conv/FC start a new one, pooling reuses it
    for index, layer in enumerate(layers, start=1):
        if isinstance(layer, Conv):
            block += 1
            hp = f", p={layer.p}" if layer.p else ""
            label = layer.name or f"conv{block} (f={layer.f}, s={layer.s}{hp})"
            h, w = _spatial_output(shape, layer.f, layer.p, layer.s, label, "filter")
            params = conv_params(layer.f, shape[2], layer.filters)
            shape = (h, w, layer.filters)
        elif isinstance(layer, Pool):
            label = layer.name or f"pool{max(block, 1)}"
            h, w = _spatial_output(shape, layer.f, layer.p, layer.s, label, "pooling window")
            params, shape = 0, (h, w, shape[2])
        elif isinstance(layer, Flatten):
            label = layer.name or "flatten"
            params, shape = 0, (math.prod(shape), 1)
        elif isinstance(layer, GlobalAvgPool):
            label = layer.name or "global_avg_pool"
            if len(shape) != 3:
                raise ValueError(
                    f"{label} needs an image-shaped (height, width, channels) input, but it "
                    f"gets {_shape_text(shape)}"
                )
            params, shape = 0, (shape[2], 1)
        elif isinstance(layer, Dense):
            block += 1
            label = layer.name or f"FC{block}"
            params = dense_params(math.prod(shape), layer.units)
            shape = (layer.units, 1)
        else:
            raise ValueError(
                f"layer {index} is not a layer spec (Conv, Pool, Flatten, Dense, "
                f"GlobalAvgPool), got {layer!r}"
            )
        rows.append(TableRow(label, shape, math.prod(shape), params))
    return rows


def layer_table_from_model(model: keras.Model) -> list[TableRow]:
    """The same per-layer table, read from a built Keras model.

    Shapes come from each layer's output (batch axis dropped; a vector ``(n,)`` is
    written ``(n, 1)`` like the slides) and parameters from ``layer.count_params()``.
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
    ValueError
        If ``model`` is not a built single-input Keras model with fixed sizes.
    """
    import keras  # lazy: this module must stay TensorFlow-free on import

    if not isinstance(model, keras.Model):
        raise ValueError(f"expected a Keras model, got {type(model).__name__}")
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

    def row(name: str, full_shape: Any, params: int) -> TableRow:
        shape = tuple(full_shape)[1:]
        if any(d is None for d in shape):
            raise ValueError(
                f"{name!r} has an unknown size {_shape_text(shape)}: the table needs a "
                "model built for a fixed input size"
            )
        shape = tuple(int(d) for d in shape)
        if len(shape) == 1:
            shape = (shape[0], 1)
        return TableRow(name, shape, math.prod(shape), int(params))

    rows = [row("Input", inputs[0].shape, 0)]
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        try:
            output = layer.output
        except (AttributeError, ValueError) as err:
            raise ValueError(
                f"cannot read the output shape of layer {layer.name!r} (is it used more than once?)"
            ) from err
        if isinstance(output, list | tuple):
            raise ValueError(f"layer {layer.name!r} has several outputs; expected one")
        rows.append(row(layer.name, output.shape, layer.count_params()))
    return rows


def format_table(rows: Iterable[TableRow], thousands: str = ",", total: bool = False) -> str:
    """Print a layer table like the slide: Activation shape / Activation size / # parameters.

    Parameters
    ----------
    rows : iterable of TableRow
        From :func:`layer_table` or :func:`layer_table_from_model`.
    thousands : str, default ","
        Thousands separator: ``","`` as in the English deck, ``" "`` as in the French one.
    total : bool, default False
        Add a last line with the total number of parameters.

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
    """
    rows = list(rows)
    if not all(isinstance(r, TableRow) for r in rows):
        raise ValueError("format_table expects TableRow objects (from layer_table)")

    def number(n: int) -> str:
        return f"{n:,}".replace(",", thousands)

    header = ("", "Activation shape", "Activation size", "# parameters")
    body = [
        (r.name, _shape_text(r.activation_shape), number(r.activation_size), number(r.params))
        for r in rows
    ]
    footer = [("Total", "", "", number(sum(r.params for r in rows)))] if total else []
    widths = [max(len(cells[i]) for cells in [header, *body, *footer]) for i in range(4)]
    lines = [
        f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}  {d:>{widths[3]}}".rstrip()
        for a, b, c, d in [header, *body, *footer]
    ]
    return "\n".join(lines)
