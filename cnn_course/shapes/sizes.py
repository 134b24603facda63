"""Output sizes, padding and parameter counts of one layer, the way the lecture computes them.

Conventions (the slides', and Keras' ``"valid"`` padding)
---------------------------------------------------------
* Output size of a convolution or pooling window: ``floor((n + 2p - f) / s) + 1``.
  When the stride "does not fit", the fraction is rounded *down* and the last
  rows/columns of the input are never read (deck 000, "Summary"; Keras does the same).
* Keras' ``padding="same"`` makes the output ``ceil(n / s)`` long; the zeros it adds
  (:func:`keras_same_padding`) are the one home of that formula — :mod:`cnn_course.ops`
  pads with it and :mod:`cnn_course.viz` draws it.
* Parameters of a convolution: ``(f·f·c_in + 1)·c_out`` — one bias per filter.
* Parameters of a dense layer: ``(n_in + 1)·n_out``.
* Compute cost in **multiply-adds** (what the ResNet paper calls FLOPs): a convolution
  uses each of its ``f·f·c_in·c_out`` weights once at every output position,
  ``out_h·out_w·f·f·c_in·c_out``; a dense layer ``n_in·n_out``. Biases, activations,
  pooling and batch normalisation are not counted (they add well under 1 %).
* Activation memory: the number of values times the bytes of one value (4 in float32).

Exact integer arithmetic in pure Python (NumPy only through the shared input checks).
"""

from __future__ import annotations

from cnn_course import _checks

__all__ = [
    "BYTES_PER_VALUE",
    "POOL_MODES",
    "activation_memory",
    "conv_flops",
    "conv_output_size",
    "conv_params",
    "dense_flops",
    "dense_params",
    "fc_params_for_image",
    "keras_same_output_size",
    "keras_same_padding",
    "locally_connected_params",
    "output_size_or_reason",
    "padding_amounts",
    "pool_output_size",
    "same_padding",
    "transposed_conv_output_size",
]

#: Pooling modes the course knows ("avg" and "average" are the same thing).
POOL_MODES = ("max", "avg", "average", "min")

#: Bytes of one activation value in float32, the type Keras computes in by default.
BYTES_PER_VALUE = 4


# --------------------------------------------------------------------------- checks


def _window_arguments(
    n: object, f: object, p: object, s: object, window: str
) -> tuple[int, int, int, int]:
    """``n, f, p, s`` checked: sizes and stride whole numbers >= 1, padding >= 0."""
    return (
        _checks.positive_int(n, "the input size"),
        _checks.positive_int(f, f"the {window} size"),
        _checks.non_negative_int(p, "the padding"),
        _checks.positive_int(s, "the stride"),
    )


def _does_not_fit(window: str, f: int, padded: int) -> str:
    """The course's words for a window larger than the (padded) input."""
    return f"the {window} ({f}×{f}) is larger than the padded input ({padded}×{padded})"


def _window_output_size(n: object, f: object, p: object, s: object, window: str) -> int:
    """Shared body of :func:`conv_output_size` and :func:`pool_output_size`."""
    n, f, p, s = _window_arguments(n, f, p, s, window)
    padded = n + 2 * p
    if f > padded:
        raise ValueError(_does_not_fit(window, f, padded))
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
    TypeError
        If a size, the padding or the stride is not a whole number (``True`` and ``3.0``
        are not).
    ValueError
        If a size or the stride is below 1, the padding is negative, or the filter does
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
    ValueError: the stride must be a whole number >= 1, got 0
    """
    return _window_output_size(n, f, p, s, "filter")


def output_size_or_reason(n: int, f: int, p: int = 0, s: int = 1) -> tuple[int | None, str | None]:
    """Output size of a convolution, or ``None`` and the reason when the filter does not fit.

    Like :func:`conv_output_size`, but a filter larger than the padded input is an answer
    (for a picture or a calculator) rather than an error. Any other bad value (a zero
    stride, a negative padding) still raises.

    Examples
    --------
    >>> output_size_or_reason(7, 3, s=3)
    (2, None)
    >>> output_size_or_reason(4, 5)
    (None, 'the filter (5×5) is larger than the padded input (4×4)')
    """
    n, f, p, s = _window_arguments(n, f, p, s, "filter")
    if f > n + 2 * p:
        return None, _does_not_fit("filter", f, n + 2 * p)
    return conv_output_size(n, f, p, s), None


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
    f = _checks.positive_int(f, "the filter size")
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
    n = _checks.positive_int(n, "the input size")
    s = _checks.positive_int(s, "the stride")
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
    n = _checks.positive_int(n, "the input size")
    f = _checks.positive_int(f, "the filter size")
    s = _checks.positive_int(s, "the stride")
    total = max((keras_same_output_size(n, s) - 1) * s + f - n, 0)
    return total // 2, total - total // 2


def transposed_conv_output_size(
    n: int, f: int, s: int = 1, padding: int | str = 0, output_padding: int | None = None
) -> int:
    """Height (or width) of a transposed convolution's output: ``(n - 1)·s - 2p + f``.

    A transposed convolution runs a convolution backwards: it spreads each of its ``n``
    inputs over an ``f×f`` window of the output, windows ``s`` pixels apart, and crops ``p``
    pixels from each border. The convolution ``(m + 2p - f) // s + 1`` that takes an
    ``m``-pixel image to ``n`` outputs is undone only up to the rows it never read (when
    ``s`` does not divide ``m + 2p - f``): ``output_padding`` adds them back at the
    bottom/right, so the full formula is ``(n - 1)·s - 2p + f + output_padding``.

    Keras' ``Conv2DTranspose`` names the padding as its ``Conv2D`` does:

    * ``"valid"`` is ``p = 0``; without ``output_padding`` Keras gives
      ``(n - 1)·s + max(f, s)`` — when the windows do not touch (``f < s``) it keeps the
      gap after the last one, so the output is ``n·s``;
    * ``"same"`` is ``p = f // 2``; without ``output_padding`` Keras gives ``n·s``
      (the inverse of the ``ceil(n / s)`` of :func:`keras_same_output_size`).

    Parameters
    ----------
    n : int
        Input height or width (``n >= 1``).
    f : int
        Filter size (``f >= 1``).
    s : int, default 1
        Stride: how far apart the windows are in the output (``s >= 1``).
    padding : int or {"valid", "same"}, default 0
        Pixels cropped from *each* border (``p >= 0``), or Keras' name.
    output_padding : int, optional
        Pixels added at the bottom/right, ``0 <= output_padding < s`` (Keras' rule).
        ``None``: 0 for a number ``p``, Keras' defaults above for ``"valid"``/``"same"``.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If a size, the stride or a padding is not a whole number (or ``padding`` not one
        of the two names).
    ValueError
        If a size or the stride is below 1, a padding is negative, ``output_padding`` is
        not below the stride, or the crop leaves nothing.

    Examples
    --------
    >>> transposed_conv_output_size(3, 3)            # (3 - 1)·1 + 3: undoes 5×5 ∗ 3×3 -> 3×3
    5
    >>> transposed_conv_output_size(4, 3, s=2, padding=1)    # (4 - 1)·2 - 2 + 3
    7
    >>> transposed_conv_output_size(4, 3, s=2, padding=1, output_padding=1)  # the 8th row
    8
    >>> transposed_conv_output_size(32, 2, s=2, padding="valid")  # a U-Net's 2×2 up-step
    64
    >>> transposed_conv_output_size(5, 1, s=3, padding="valid")   # f < s: Keras keeps the gap
    15
    >>> transposed_conv_output_size(5, 4, s=2, padding="same")    # Keras: n·s
    10
    >>> transposed_conv_output_size(5, 4, s=2, padding="same", output_padding=1)  # p = 2
    9
    >>> transposed_conv_output_size(4, 3, s=2, output_padding=2)
    Traceback (most recent call last):
    ...
    ValueError: the output padding must be smaller than the stride (2), got 2
    """
    n = _checks.positive_int(n, "the input size")
    f = _checks.positive_int(f, "the filter size")
    s = _checks.positive_int(s, "the stride")
    if output_padding is not None:
        output_padding = _checks.non_negative_int(output_padding, "the output padding")
        if output_padding >= s:
            raise ValueError(
                f"the output padding must be smaller than the stride ({s}), got {output_padding}"
            )
    if isinstance(padding, str):
        mode = padding.lower()
        if mode not in ("valid", "same"):
            raise ValueError(
                f"the padding must be 'valid', 'same' or a whole number, got {padding!r}"
            )
        p = 0 if mode == "valid" else f // 2
        if output_padding is None:  # Keras' defaults
            return (n - 1) * s + max(f, s) if mode == "valid" else n * s
    elif not _checks.is_int(padding):
        raise TypeError(
            f"the padding must be 'valid', 'same' or a whole number, got {padding!r} "
            f"(a {type(padding).__name__})"
        )
    else:
        p = _checks.non_negative_int(padding, "the padding")
    size = (n - 1) * s - 2 * p + f + (output_padding or 0)
    if size < 1:
        raise ValueError(
            f"cropping {p} pixels from each border of ({n} - 1)·{s} + {f} leaves no output"
        )
    return size


def _padding_amounts(padding: object, n: int, f: int, s: int) -> tuple[int, int]:
    """Zeros (before, after) one axis of length ``n`` for a ``padding`` of ``conv2d``."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return 0, 0
        if mode == "same":
            return keras_same_padding(n, f, s)
        raise ValueError(f"the padding must be 'valid', 'same' or a whole number, got {padding!r}")
    if not _checks.is_int(padding):
        raise TypeError(
            f"the padding must be 'valid', 'same' or a whole number, got {padding!r} "
            f"(a {type(padding).__name__})"
        )
    p = _checks.non_negative_int(padding, "the padding")
    return p, p


def padding_amounts(
    padding: int | str, shape: tuple[int, ...], kernel_shape: tuple[int, ...], stride: int = 1
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Zeros before/after the rows and the columns, exactly as :func:`cnn_course.ops.conv2d` pads.

    Parameters
    ----------
    padding : int or {"valid", "same"}
        ``p`` zeros on every side, none, or Keras' ``"same"`` (:func:`keras_same_padding`
        along each axis).
    shape : tuple of int
        Shape of the image, ``(H, W)`` or ``(H, W, C)``.
    kernel_shape : tuple of int
        Shape of the filter, ``(fh, fw, ...)``.
    stride : int, default 1

    Returns
    -------
    ((top, bottom), (left, right))

    Examples
    --------
    >>> padding_amounts("same", (6, 6), (3, 3)), padding_amounts(2, (6, 6), (3, 3))
    (((1, 1), (1, 1)), ((2, 2), (2, 2)))
    >>> padding_amounts("same", (6, 7), (4, 4), stride=2)
    ((1, 1), (1, 2))
    """
    s = _checks.positive_int(stride, "the stride")
    return (
        _padding_amounts(padding, shape[0], kernel_shape[0], s),
        _padding_amounts(padding, shape[1], kernel_shape[1], s),
    )


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
    fh, fw = _checks.int_pair(f, "the filter size")
    c_in = _checks.positive_int(c_in, "the number of input channels")
    c_out = _checks.positive_int(c_out, "the number of filters")
    bias = _checks.flag(bias, "bias")
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
    n_in = _checks.positive_int(n_in, "the number of inputs")
    n_out = _checks.positive_int(n_out, "the number of units")
    bias = _checks.flag(bias, "bias")
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
    units, bias
        As ``n_out`` and ``bias`` of :func:`dense_params`.

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
    h = _checks.positive_int(h, "the image height")
    w = _checks.positive_int(w, "the image width")
    c = _checks.positive_int(c, "the number of channels")
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
    f = _checks.positive_int(f, "the filter size")
    c_in = _checks.positive_int(c_in, "the number of input channels")
    c_out = _checks.positive_int(c_out, "the number of feature maps")
    bias = _checks.flag(bias, "bias")
    units = c_out * m * m
    return f * f * c_in * units + (units if bias else 0)


# --------------------------------------------------------------------------- compute cost


def conv_flops(
    f: int | tuple[int, int],
    c_in: int,
    c_out: int,
    out_size: int | tuple[int, int],
    groups: int = 1,
) -> int:
    """Multiply-adds of a convolutional layer: ``out_h·out_w · f·f·c_in·c_out / groups``.

    Every output value is one dot product of an ``f×f×c_in`` window with one filter:
    ``f·f·c_in`` multiplications, each followed by an addition. There are
    ``out_h·out_w·c_out`` output values — equivalently, each of the layer's
    ``f·f·c_in·c_out`` weights is used once at every output position. A multiply-add
    is what the ResNet paper (He et al., 2015) calls a "FLOP" (others count 2 FLOPs
    per multiply-add); adding the biases is not counted.

    Parameters
    ----------
    f : int or (int, int)
        Filter size ``f`` (square) or ``(fh, fw)``.
    c_in : int
        Channels of the input.
    c_out : int
        Number of filters (channels of the output).
    out_size : int or (int, int)
        Height (= width) of the output, or ``(out_h, out_w)``.
    groups : int, default 1
        Grouped convolution: each filter sees ``c_in / groups`` channels (AlexNet's two
        GPUs: 2; a depthwise convolution: ``c_in``).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``groups`` does not divide both ``c_in`` and ``c_out``.

    Examples
    --------
    Géron's worked example (*Hands-On Machine Learning*, chapter 14): 200 filters of
    5×5 on a 150×100 RGB image, stride 1, "same" padding — 225 million multiply-adds:

    >>> conv_flops(5, 3, 200, (150, 100))
    225000000
    >>> conv_flops(5, 1, 6, 28)          # LeNet's C1: 28·28·6 outputs × 25 weights
    117600
    >>> conv_flops(3, 64, 64, 224)       # VGG's block1_conv2: 1.85 billion
    1849688064
    >>> conv_flops(3, 4, 6, 10, groups=3)
    Traceback (most recent call last):
    ...
    ValueError: groups=3 must divide the input channels (4) and the filters (6)
    """
    fh, fw = _checks.int_pair(f, "the filter size")
    c_in = _checks.positive_int(c_in, "the number of input channels")
    c_out = _checks.positive_int(c_out, "the number of filters")
    out_h, out_w = _checks.int_pair(out_size, "the output size")
    groups = _checks.positive_int(groups, "the number of groups")
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"groups={groups} must divide the input channels ({c_in}) and the filters ({c_out})"
        )
    return out_h * out_w * c_out * fh * fw * (c_in // groups)


def dense_flops(n_in: int, n_out: int) -> int:
    """Multiply-adds of a dense layer: ``n_in·n_out``, one per weight.

    Parameters
    ----------
    n_in : int
        Inputs (the flattened size of the previous activation).
    n_out : int
        Units.

    Returns
    -------
    int

    Examples
    --------
    >>> dense_flops(400, 120)            # LeNet FC3
    48000
    >>> dense_flops(7 * 7 * 512, 4096)   # VGG's fc1: 0.1 billion, most of its weights
    102760448
    """
    n_in = _checks.positive_int(n_in, "the number of inputs")
    n_out = _checks.positive_int(n_out, "the number of units")
    return n_in * n_out


def activation_memory(size: int, bytes_per_value: int = BYTES_PER_VALUE) -> int:
    """Bytes an activation of ``size`` values takes: ``size × bytes_per_value``.

    Training keeps every layer's activation of every image of the batch until the
    backward pass has used it, so a layer needs ``batch × activation_memory(size)``.

    Parameters
    ----------
    size : int
        Number of values (the activation size of the layer table).
    bytes_per_value : int, default 4
        4 for float32, 2 for float16 (mixed precision).

    Returns
    -------
    int

    Examples
    --------
    Géron's example again: 200 feature maps of 150×100 in float32 take 12 MB per image,
    1.2 GB for a batch of 100.

    >>> activation_memory(200 * 150 * 100)
    12000000
    >>> 100 * activation_memory(200 * 150 * 100) / 1e9
    1.2
    """
    size = _checks.non_negative_int(size, "the activation size")
    bytes_per_value = _checks.positive_int(bytes_per_value, "the bytes per value")
    return size * bytes_per_value
