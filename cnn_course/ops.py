"""NumPy reference implementations of what the lecture computes by hand.

Zero padding, 2-D "convolution" as deep learning means it (cross-correlation) and true
mathematical convolution (the filter mirrored on both axes), stride, convolution over
volume (an ``H×W×C`` image with ``f×f×C`` filters), several filters stacked, a whole
convolutional layer (``z = W * a + b``, ``a = g(z)``), max / average / min pooling, and
the translations used to show equivariance and invariance. Also what the slides write
next to a figure: the products-and-sum of one output value (:func:`step_products`), the
pixels each window position covers (:func:`coverage`) or never sees
(:func:`unseen_pixels`, :func:`describe_unseen`), the pixels max pooling keeps
(:func:`pool_choices`). The figures of :mod:`cnn_course.viz` draw these; nothing here
draws.

Conventions
-----------
* Images are channels-last, like Keras: ``(H, W)`` or ``(H, W, C)``; a filter bank is
  ``(f, f, C, K)`` — exactly the shape of a Keras ``Conv2D`` kernel.
* Output size is ``floor((n + 2p - f) / s) + 1`` (Keras ``"valid"`` semantics): when the
  stride does not fit, the last rows/columns are silently dropped (see :func:`coverage`).
* Integer in, integer out: convolutions of integer images with integer filters are
  computed exactly in ``int64`` (so ``uint8`` images cannot overflow); max and min
  pooling keep the input dtype; average pooling and :func:`conv_layer` return floats.
* Inputs are never modified.
* Bad input raises in the course's words: a wrong type (``True`` or ``3.0`` for a stride)
  is a ``TypeError``, a wrong value (a stride of 0) a ``ValueError``.
* The zeros of ``padding="same"`` come from :func:`cnn_course.shapes.keras_same_padding`,
  the one home of that formula.

Everything is vectorised: the filter windows are a strided *view* of the image
(:func:`numpy.lib.stride_tricks.sliding_window_view`) contracted with the filters by
:func:`numpy.tensordot` — no Python loop over pixels. The module is pure NumPy on
purpose (SciPy is only a test dependency, TensorFlow is not imported), so it loads fast
and serves as an independent check of the Keras layers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from cnn_course import _checks
from cnn_course._format import format_number, size_text
from cnn_course.shapes import POOL_MODES, padding_amounts

__all__ = [
    "avg_pool",
    "conv2d",
    "conv_layer",
    "convolve2d",
    "coverage",
    "describe_unseen",
    "interior",
    "max_pool",
    "min_pool",
    "pool",
    "pool_choices",
    "relu",
    "shift",
    "step_products",
    "unseen_pixels",
    "zero_pad",
]

Padding = int | Literal["valid", "same"]
PoolMode = Literal["max", "avg", "average", "min"]

_IMAGE_SHAPES = "a 2-D (H, W) or 3-D (H, W, C) array"
_FILTER_SHAPES = "(f, f), (f, f, C) or (f, f, C, K)"


# --------------------------------------------------------------------------- checks


def _image(x: ArrayLike, what: str = "image") -> NDArray:
    arr = _checks.numeric_array(x, f"the {what}")
    if arr.ndim not in (2, 3):
        raise ValueError(f"the {what} must be {_IMAGE_SHAPES}, got shape {arr.shape}")
    return arr


def _filter(k: ArrayLike) -> NDArray:
    arr = _checks.numeric_array(k, "the filter")
    if arr.ndim not in (2, 3, 4):
        raise ValueError(f"the filter must have shape {_FILTER_SHAPES}, got shape {arr.shape}")
    return arr


def _exact_dtype(*arrays: NDArray) -> np.dtype:
    """The dtype to compute in: ``int64`` when every input is integer (exact, no overflow
    of small types such as ``uint8``), otherwise NumPy's usual promotion."""
    if all(a.dtype.kind in "biu" for a in arrays):
        return np.dtype(np.int64)
    return np.result_type(*arrays)


def _pad_hw(x: NDArray, rows: tuple[int, int], cols: tuple[int, int]) -> NDArray:
    """Zero-pad the two spatial axes of a (H, W) or (H, W, C) array (channels untouched)."""
    return np.pad(x, (rows, cols) + ((0, 0),) * (x.ndim - 2))


# --------------------------------------------------------------------------- padding


def zero_pad(x: ArrayLike, p: int) -> NDArray:
    """Pad an image with ``p`` zeros on every side of its height and width.

    The channels are not padded: ``(n, n)`` becomes ``(n + 2p, n + 2p)`` and
    ``(n, n, C)`` becomes ``(n + 2p, n + 2p, C)``. The dtype is kept.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        The image.
    p : int
        Number of zeros on each side, ``p >= 0``.

    Returns
    -------
    numpy.ndarray, shape (H + 2p, W + 2p) or (H + 2p, W + 2p, C)

    Examples
    --------
    >>> zero_pad([[1, 2], [3, 4]], 1)
    array([[0, 0, 0, 0],
           [0, 1, 2, 0],
           [0, 3, 4, 0],
           [0, 0, 0, 0]])
    >>> zero_pad(np.ones((6, 6, 3)), 1).shape   # (6, 6) -> (8, 8), channels untouched
    (8, 8, 3)
    """
    img = _image(x)
    p = _checks.non_negative_int(p, "the padding")
    return _pad_hw(img, (p, p), (p, p))


# --------------------------------------------------------------------------- convolution


def conv2d(x: ArrayLike, k: ArrayLike, stride: int = 1, padding: Padding = 0) -> NDArray:
    """2-D "convolution" as deep learning (and Keras' ``Conv2D``) computes it.

    This is the cross-correlation: put the filter on the top-left corner, multiply
    element-wise, add everything up, slide by ``stride`` to the right, then back to the
    left and down. The filter is *not* mirrored (see :func:`convolve2d`).

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        The image (channels last).
    k : array_like, shape (fh, fw), (fh, fw, C) or (fh, fw, C, K)
        One filter, one filter over a volume, or a bank of ``K`` filters (the layout of a
        Keras ``Conv2D`` kernel). Filters are usually square (``f×f``); rectangular ones
        work too. A 2-D filter needs a 2-D image; a 2-D image counts as one channel.
    stride : int, default 1
        Step of the filter, the same down and across.
    padding : int or {"valid", "same"}, default 0
        ``p`` zeros on every side; ``"valid"`` is ``p = 0``; ``"same"`` pads exactly like
        Keras (see :func:`cnn_course.shapes.padding_amounts`): the output is
        ``ceil(n / s)`` long, which for stride 1 means the same size as the input.

    Returns
    -------
    numpy.ndarray
        ``(H', W')`` for a 2-D or 3-D filter (a 3-D filter sums over the channels),
        ``(H', W', K)`` for a filter bank, with ``H' = floor((H + 2p - fh) / s) + 1``
        (and likewise ``W'``). ``int64`` when image and filter are integers, else float.

    Raises
    ------
    ValueError
        Wrong shapes, channels of image and filter that differ, a filter larger than the
        padded input, a stride or padding that is not allowed.

    Examples
    --------
    The slide's 6×6 image and vertical-edge filter (6 - 3 + 1 = 4):

    >>> from cnn_course import slides
    >>> image, vertical = slides.IMAGE_6X6, slides.VERTICAL_EDGE_FILTER
    >>> conv2d(image, vertical)
    array([[ -5,  -4,   0,   8],
           [-10,  -2,   2,   3],
           [  0,  -2,  -4,  -7],
           [ -3,  -2,  -3, -16]])

    Bright on the left, dark on the right: the edge shows up down the middle.

    >>> conv2d(slides.STEP_IMAGE_6X6, vertical)
    array([[ 0, 30, 30,  0],
           [ 0, 30, 30,  0],
           [ 0, 30, 30,  0],
           [ 0, 30, 30,  0]])

    "Same" convolution keeps the size (p = (3 - 1) / 2 = 1):

    >>> conv2d(image, vertical, padding="same").shape
    (6, 6)

    The strided example: 7×7 input, stride 2, floor((7 - 3) / 2) + 1 = 3. The slides
    print 83 and 127 where the correct values are 88 and 117:

    >>> conv2d(slides.STRIDE_IMAGE_7X7, slides.STRIDE_FILTER, stride=2)
    array([[ 91, 100,  88],
           [ 69,  91, 117],
           [ 44,  72,  74]])

    Convolution over volume: a 6×6×3 image with a 3×3×3 filter gives one 4×4 map (the
    channels are summed); a bank of two such filters stacks two maps:

    >>> rgb = np.stack([image, image, image], axis=-1)
    >>> conv2d(rgb, np.stack([vertical] * 3, axis=-1)).shape
    (4, 4)
    >>> bank = np.zeros((3, 3, 3, 2), dtype=int)
    >>> bank[:, :, 0, 0] = vertical      # filter 0 looks at the red channel only
    >>> bank[:, :, 1, 1] = vertical.T   # filter 1: horizontal edges in green
    >>> out = conv2d(rgb, bank)
    >>> out.shape
    (4, 4, 2)
    >>> out[:, :, 0].tolist() == conv2d(image, vertical).tolist()
    True
    """
    img = _image(x)
    kernel = _filter(k)
    s = _checks.positive_int(stride, "the stride")

    volume = img if img.ndim == 3 else img[:, :, np.newaxis]
    if kernel.ndim == 2:
        if img.ndim == 3:
            raise ValueError(
                f"a 2-D (f, f) filter needs a 2-D (H, W) image, got an image of shape "
                f"{img.shape}; for an image with {img.shape[2]} channels give a "
                f"(f, f, {img.shape[2]}) filter or an (f, f, {img.shape[2]}, K) filter bank"
            )
        bank = kernel[:, :, np.newaxis, np.newaxis]
    elif kernel.ndim == 3:
        bank = kernel[:, :, :, np.newaxis]
    else:
        bank = kernel
    n_h, n_w, n_c = volume.shape
    f_h, f_w, k_c, _ = bank.shape
    if k_c != n_c:
        raise ValueError(
            f"the number of channels in the image ({n_c}) must match the number of "
            f"channels in the filter ({k_c})"
        )

    rows, cols = padding_amounts(padding, (n_h, n_w), (f_h, f_w), s)
    dtype = _exact_dtype(img, kernel)
    padded = _pad_hw(volume.astype(dtype, copy=False), rows, cols)
    p_h, p_w = padded.shape[:2]
    if f_h > p_h or f_w > p_w:
        what = "the padded input" if (sum(rows) + sum(cols)) else "the input"
        raise ValueError(
            f"the filter ({size_text(f_h, f_w)}) is larger than {what} ({size_text(p_h, p_w)})"
        )

    # windows[i, j, c, a, b] = padded[i*s + a, j*s + b, c]: a view, nothing is copied yet.
    windows = sliding_window_view(padded, (f_h, f_w), axis=(0, 1))[::s, ::s]
    out = np.tensordot(windows, bank.astype(dtype, copy=False), axes=([2, 3, 4], [2, 0, 1]))
    return out if kernel.ndim == 4 else out[:, :, 0]


def convolve2d(x: ArrayLike, k: ArrayLike, stride: int = 1, padding: Padding = 0) -> NDArray:
    """True (mathematical) 2-D convolution: the filter is mirrored on both axes first.

    Textbooks convolve with the "double mirrored" filter ``k[::-1, ::-1]``; what deep
    learning calls convolution (:func:`conv2d`) skips the mirroring and is really a
    cross-correlation. Learned filters make the difference irrelevant in a network, but
    not for a hand-made filter. Shapes, stride and padding are as in :func:`conv2d`;
    with several channels each channel's filter is mirrored in space, never across
    channels.

    Examples
    --------
    Convolving a single bright pixel (an impulse) draws the filter itself; the
    cross-correlation draws it mirrored:

    >>> impulse = np.zeros((3, 3), dtype=int)
    >>> impulse[1, 1] = 1
    >>> k = np.array([[1, 2, 0], [0, 0, 0], [0, 0, 3]])
    >>> convolve2d(impulse, k, padding=1)
    array([[1, 2, 0],
           [0, 0, 0],
           [0, 0, 3]])
    >>> conv2d(impulse, k, padding=1)
    array([[3, 0, 0],
           [0, 0, 0],
           [0, 2, 1]])
    """
    kernel = _filter(k)
    return conv2d(x, kernel[::-1, ::-1], stride=stride, padding=padding)


def step_products(
    image: ArrayLike,
    kernel: ArrayLike,
    i: int,
    j: int,
    stride: int = 1,
    padding: Padding = 0,
    fmt: str | None = None,
) -> tuple[str, int | float]:
    """The products-and-sum the slide writes for output position ``(i, j)``.

    The filter sits on the window whose top-left pixel is ``(i·s, j·s)`` of the padded
    image; each pixel is multiplied by the filter entry on top of it and everything is
    added up. The products are listed column by column, as the slide does.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
    kernel : array_like, shape (f, f) or (f, f, C)
        One filter (for a filter bank pick one, ``kernel[..., k]``).
    i, j : int
        Row and column of the output value.
    stride, padding
        As in :func:`conv2d`.
    fmt : str, optional
        Number format (default: integers as integers, other values compactly, as the
        slides write them).

    Returns
    -------
    (text, value)
        The sum written out, and its value (equal to ``conv2d(image, kernel)[i, j]``).

    Examples
    --------
    The slide's first window of the 6×6 image under the vertical-edge filter:

    >>> from cnn_course import slides
    >>> text, value = step_products(slides.IMAGE_6X6, slides.VERTICAL_EDGE_FILTER, 0, 0)
    >>> print(text)
    3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×-1 + 8×-1 + 2×-1 = -5
    >>> value
    -5

    The stride-2 example, top-right value: the slides print 83, the sum is 88.

    >>> x7, k = slides.STRIDE_IMAGE_7X7, slides.STRIDE_FILTER
    >>> print(step_products(x7, k, 0, 2, stride=2)[0])
    6×3 + 7×1 + 8×-1 + 2×4 + 4×0 + 9×0 + 9×4 + 3×2 + 7×3 = 88
    """
    x = _image(image)
    k = _filter(kernel)
    if k.ndim == 4:
        raise ValueError(
            f"step_products follows one filter; the filter bank of shape {k.shape} holds "
            f"{k.shape[3]}: pick one with kernel[..., k]"
        )
    out_shape = conv2d(x, k, stride=stride, padding=padding).shape  # checks the rest
    i = _checks.integer(i, "the output row i")
    j = _checks.integer(j, "the output column j")
    if not (0 <= i < out_shape[0] and 0 <= j < out_shape[1]):
        raise ValueError(
            f"the output position ({i}, {j}) is outside the {size_text(*out_shape[:2])} output"
        )
    rows, cols = padding_amounts(padding, x.shape, k.shape, stride)
    padded = _pad_hw(x, rows, cols)
    window = padded[i * stride : i * stride + k.shape[0], j * stride : j * stride + k.shape[1]]
    # .T reverses every axis, so ravel() lists the products column by column like the slide
    pixels, weights = window.T.ravel(), k.T.ravel()
    dtype = _exact_dtype(x, k)
    value = (pixels.astype(dtype) * weights.astype(dtype)).sum().item()
    terms = " + ".join(
        f"{format_number(a, fmt)}×{format_number(b, fmt)}"
        for a, b in zip(pixels, weights, strict=True)
    )
    return f"{terms} = {format_number(value, fmt)}", value


def relu(z: ArrayLike) -> NDArray:
    """Rectified linear unit ``max(z, 0)``, element-wise; the dtype is kept.

    Examples
    --------
    >>> relu([[-5, -4, 0, 8]])
    array([[0, 0, 0, 8]])
    """
    return np.maximum(np.asarray(z), 0)


def conv_layer(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    stride: int = 1,
    padding: Padding = 0,
    activation: Literal["relu", "linear"] | Callable[[NDArray], NDArray] | None = "relu",
) -> NDArray:
    """One convolutional layer as the deck defines it: ``z = W * a + b``, ``a = g(z)``.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        The input activation ``a[l-1]``.
    w : array_like, shape (f, f), (f, f, C) or (f, f, C, K)
        The weights ``W[l]`` (see :func:`conv2d`).
    b : array_like
        The bias ``b[l]``: one number per filter, shape ``(K,)`` for a filter bank (a
        single number is broadcast), a single number otherwise.
    stride, padding
        As in :func:`conv2d`.
    activation : {"relu", "linear", None} or callable, default "relu"
        The non-linearity ``g``; ``"linear"`` and ``None`` leave ``z`` as it is.

    Returns
    -------
    numpy.ndarray of float
        ``a[l]``, shape ``(H', W')`` or ``(H', W', K)``.

    Examples
    --------
    The slide's 6×6 image through a 3×3 vertical-edge filter, bias -2, ReLU:

    >>> from cnn_course import slides
    >>> conv_layer(slides.IMAGE_6X6, slides.VERTICAL_EDGE_FILTER, b=-2)
    array([[0., 0., 0., 6.],
           [0., 0., 0., 1.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]])

    Ten 3×3×3 filters (10 × (27 + 1) = 280 parameters) on a 6×6×3 input:

    >>> conv_layer(np.ones((6, 6, 3)), np.ones((3, 3, 3, 10)), b=np.arange(10)).shape
    (4, 4, 10)
    """
    weights = _filter(w)
    bias = _checks.numeric_array(b, "the bias")
    n_filters = weights.shape[3] if weights.ndim == 4 else 1
    if bias.ndim > 1 or bias.size not in {1, n_filters}:
        expected = f"({n_filters},)" if weights.ndim == 4 else "a single number"
        raise ValueError(
            f"the bias must hold one number per filter: expected {expected} for "
            f"{n_filters} filter{'s' if n_filters > 1 else ''}, got shape {bias.shape}"
        )
    if not (activation is None or callable(activation) or activation in ("relu", "linear")):
        raise ValueError(f"unknown activation {activation!r}: use 'relu', 'linear' or None")

    z = conv2d(x, weights, stride=stride, padding=padding)
    z = z + (bias if weights.ndim == 4 else bias.reshape(()))
    if z.dtype.kind not in "fc":
        z = z.astype(np.float64)
    if activation == "relu":
        return relu(z)
    if callable(activation):
        return np.asarray(activation(z))
    return z


# --------------------------------------------------------------------------- pooling


def pool(x: ArrayLike, f: int = 2, s: int = 2, mode: PoolMode = "max") -> NDArray:
    """Max, average or min pooling of each channel independently.

    A ``f×f`` window slides with stride ``s``; each position keeps the largest, the
    mean or the smallest value. Output size ``floor((n - f) / s) + 1`` (Keras
    ``"valid"`` pooling: leftover rows and columns are dropped). Pooling has no
    parameters to learn. :func:`max_pool`, :func:`avg_pool` and :func:`min_pool` are
    this function with the mode fixed.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        Image or feature maps (channels last).
    f : int, default 2
        Window size.
    s : int, default 2
        Stride.
    mode : {"max", "avg", "min"}, default "max"
        ``"average"`` is accepted for ``"avg"``.

    Returns
    -------
    numpy.ndarray, shape (H', W') or (H', W', C)
        Max and min keep the input dtype; average pooling returns floats.

    Examples
    --------
    The slides' 4×4 example (deck 000, f = 2, s = 2) and the French deck's 6×6 one:

    >>> from cnn_course import slides
    >>> pool(slides.POOL_IMAGE_4X4)
    array([[9, 2],
           [6, 3]])
    >>> pool(slides.POOL_IMAGE_4X4, mode="min")
    array([[1, 1],
           [1, 1]])
    >>> pool(slides.IMAGE_6X6, mode="avg")
    array([[2.25, 5.  , 3.75],
           [2.5 , 2.75, 4.75],
           [3.  , 3.5 , 5.5 ]])

    Each channel is pooled on its own: (6, 6, 2) -> (3, 3, 2).

    >>> out = pool(np.stack([slides.IMAGE_6X6, 10 - slides.IMAGE_6X6], axis=-1))
    >>> out.shape
    (3, 3, 2)
    >>> out[:, :, 1]                 # the max of 10 - x is 10 - (the min of x)
    array([[10,  9,  9],
           [10,  9,  9],
           [ 8,  9,  8]])
    """
    mode = _checks.one_of(mode, "the pooling mode", POOL_MODES)
    img = _image(x)
    f = _checks.positive_int(f, "the pooling window size f")
    s = _checks.positive_int(s, "the stride")
    n_h, n_w = img.shape[:2]
    if f > n_h or f > n_w:
        raise ValueError(
            f"the pooling window ({size_text(f, f)}) is larger than the input "
            f"({size_text(n_h, n_w)})"
        )
    # windows[i, j, (c,) a, b] = x[i*s + a, j*s + b (, c)]: a view, nothing copied.
    windows = sliding_window_view(img, (f, f), axis=(0, 1))[::s, ::s]
    if mode == "max":
        return windows.max(axis=(-2, -1))
    if mode == "min":
        return windows.min(axis=(-2, -1))
    return windows.mean(axis=(-2, -1))


def max_pool(x: ArrayLike, f: int = 2, s: int = 2) -> NDArray:
    """Max pooling: :func:`pool` keeping the largest value of each ``f×f`` window.

    >>> from cnn_course import slides
    >>> np.array_equal(max_pool(slides.IMAGE_6X6), slides.POOL_MAX_3X3)   # deck 002
    True
    """
    return pool(x, f, s, mode="max")


def avg_pool(x: ArrayLike, f: int = 2, s: int = 2) -> NDArray:
    """Average pooling: :func:`pool` taking the mean of each ``f×f`` window, as floats.

    >>> from cnn_course import slides
    >>> np.array_equal(avg_pool(slides.IMAGE_6X6), slides.POOL_AVG_3X3)   # deck 002
    True
    """
    return pool(x, f, s, mode="avg")


def min_pool(x: ArrayLike, f: int = 2, s: int = 2) -> NDArray:
    """Min pooling: :func:`pool` keeping the smallest value of each ``f×f`` window.

    >>> min_pool([[3, 0, 1, 2], [1, 5, 8, 9], [2, 7, 2, 5], [0, 1, 3, 1]])
    array([[0, 1],
           [0, 1]])
    """
    return pool(x, f, s, mode="min")


def pool_choices(x: ArrayLike, f: int = 2, s: int = 2, mode: PoolMode = "max") -> NDArray:
    """Which pixels max (or min) pooling keeps: the value each window reports.

    Average pooling uses every pixel of its window, so only ``"max"`` and ``"min"`` have
    a choice to show. When several pixels of a window share the largest (smallest)
    value, all of them are marked.

    Parameters
    ----------
    x, f, s, mode
        As in :func:`pool`.

    Returns
    -------
    numpy.ndarray of bool, the shape of ``x``

    Examples
    --------
    >>> from cnn_course import slides
    >>> pool_choices(slides.POOL_IMAGE_4X4).astype(int)   # 9, 2, 6 and 3 (deck 000)
    array([[0, 0, 1, 0],
           [0, 1, 0, 0],
           [0, 0, 0, 1],
           [0, 1, 0, 0]])
    """
    if _checks.one_of(mode, "the pooling mode", POOL_MODES) not in ("max", "min"):
        raise ValueError(
            f"only max and min pooling choose a pixel; {mode!r} pooling uses every pixel of "
            "its window"
        )
    img = _image(x)
    out = pool(img, f, s, mode)  # checks f and s
    oh, ow = out.shape[:2]
    # windows[i, j, (c,) a, b] = x[i*s + a, j*s + b (, c)]; hit where it equals the result
    windows = sliding_window_view(img, (f, f), axis=(0, 1))[::s, ::s]
    hit = windows == out[..., np.newaxis, np.newaxis]
    chosen = np.zeros(img.shape, dtype=bool)
    for a, b in np.ndindex(f, f):  # f² offsets inside the window, each over every window
        chosen[a : a + s * (oh - 1) + 1 : s, b : b + s * (ow - 1) + 1 : s] |= hit[..., a, b]
    return chosen


# --------------------------------------------------------------------------- translations


def _shift_slices(d: int, n: int) -> tuple[slice, slice]:
    """(destination, source) slices that move an axis of length ``n`` by ``d``."""
    if d >= 0:
        return slice(min(d, n), n), slice(0, max(n - d, 0))
    return slice(0, max(n + d, 0)), slice(min(-d, n), n)


def shift(x: ArrayLike, dy: int, dx: int) -> NDArray:
    """Translate an image by whole pixels, filling the uncovered border with zeros.

    ``dy > 0`` moves the content down, ``dx > 0`` moves it right; pixels pushed past
    the edge are lost. Channels move together. The dtype is kept.

    Examples
    --------
    >>> shift([[1, 2, 3], [4, 5, 6], [7, 8, 9]], 1, -1)
    array([[0, 0, 0],
           [2, 3, 0],
           [5, 6, 0]])

    Convolution is equivariant to translation — shifting the image shifts the feature
    map — away from the borders, where the zeros that came in are seen:

    >>> rng = np.random.default_rng(0)
    >>> x, k = rng.integers(0, 10, (8, 8)), rng.integers(-2, 3, (3, 3))
    >>> bool(np.array_equal(interior(conv2d(shift(x, 1, 2), k), 2),
    ...                     interior(shift(conv2d(x, k), 1, 2), 2)))
    True
    """
    img = _image(x)
    dy = _checks.integer(dy, "dy (pixels down)")
    dx = _checks.integer(dx, "dx (pixels right)")
    out = np.zeros_like(img)
    dst_r, src_r = _shift_slices(dy, img.shape[0])
    dst_c, src_c = _shift_slices(dx, img.shape[1])
    out[dst_r, dst_c] = img[src_r, src_c]
    return out


def interior(x: ArrayLike, margin: int) -> NDArray:
    """Drop ``margin`` rows and columns from every side of an image (channels untouched).

    Used to compare feature maps "away from the borders", e.g. to show that a
    convolution commutes with a shift by ``(dy, dx)`` everywhere except the
    ``max(|dy|, |dx|)``-pixel frame where zeros were shifted in (with ``"same"``
    padding, add the padding ``p`` to the margin).

    Examples
    --------
    >>> interior(np.arange(16).reshape(4, 4), 1)
    array([[ 5,  6],
           [ 9, 10]])
    """
    img = _image(x, "array")
    m = _checks.non_negative_int(margin, "the margin")
    n_h, n_w = img.shape[:2]
    if 2 * m >= n_h or 2 * m >= n_w:
        raise ValueError(f"a margin of {m} leaves nothing of a {size_text(n_h, n_w)} array")
    return img[m : n_h - m, m : n_w - m]


def coverage(shape: tuple[int, int], f: int, stride: int = 1, padding: Padding = 0) -> NDArray:
    """How many filter positions see each pixel of an ``H×W`` input.

    Shows the deck's remarks that corners and edges contribute less than the centre,
    and which pixels a stride that does not fit never sees (count 0: Keras drops them).

    Parameters
    ----------
    shape : (int, int)
        Height and width of the input (channels do not matter).
    f, stride, padding
        Filter size, stride and padding as in :func:`conv2d`.

    Returns
    -------
    numpy.ndarray of int, shape (H, W)

    Examples
    --------
    6×6 input, 3×3 filter: a corner is used once, a central pixel nine times.

    >>> coverage((6, 6), 3)
    array([[1, 2, 3, 3, 2, 1],
           [2, 4, 6, 6, 4, 2],
           [3, 6, 9, 9, 6, 3],
           [3, 6, 9, 9, 6, 3],
           [2, 4, 6, 6, 4, 2],
           [1, 2, 3, 3, 2, 1]])

    7×7 input, 3×3 filter, stride 3: floor((7 - 3) / 3) + 1 = 2 positions per axis, so
    the last row and column are never seen:

    >>> coverage((7, 7), 3, stride=3)[:, -1].tolist()
    [0, 0, 0, 0, 0, 0, 0]
    """
    if len(shape) != 2:
        raise ValueError(f"the shape must be (H, W), got {shape!r}")
    n_h, n_w = (_checks.positive_int(n, "the input size") for n in shape)
    f = _checks.positive_int(f, "the filter size")
    s = _checks.positive_int(stride, "the stride")

    pads = padding_amounts(padding, (n_h, n_w), (f, f), s)
    p_h, p_w = (n + sum(pad) for n, pad in zip((n_h, n_w), pads, strict=True))
    if f > p_h or f > p_w:
        what = "the padded input" if sum(map(sum, pads)) else "the input"
        raise ValueError(
            f"the filter ({size_text(f, f)}) is larger than {what} ({size_text(p_h, p_w)})"
        )

    def per_axis(n: int, before: int, length: int) -> NDArray:
        starts = np.arange(0, length - f + 1, s)  # top (left) edge of every window
        counts = np.bincount((starts[:, None] + np.arange(f)).ravel(), minlength=length)
        return counts[before : before + n]

    # A window covers (row, col) iff it covers the row and the column: counts multiply.
    return np.outer(per_axis(n_h, pads[0][0], p_h), per_axis(n_w, pads[1][0], p_w))


def unseen_pixels(n: int, f: int, p: int = 0, s: int = 1) -> NDArray:
    """Mask of the pixels of an ``n×n`` input that no filter position ever covers.

    Keras floors ``(n + 2p - f) / s + 1``: when the stride does not land exactly on the
    last column, the last rows and columns are silently dropped (and a stride larger
    than the filter skips pixels in between). :func:`coverage` counted down to a yes/no.

    Parameters
    ----------
    n, f, p, s : int
        Input size, filter size, padding and stride.

    Returns
    -------
    numpy.ndarray of bool, shape (n, n)

    Examples
    --------
    7×7 input, 3×3 filter, stride 3: floor(4 / 3) + 1 = 2 positions, the last row and
    column are never seen; with stride 2 the filter fits exactly.

    >>> unseen_pixels(7, 3, s=3).astype(int)[-2:]
    array([[0, 0, 0, 0, 0, 0, 1],
           [1, 1, 1, 1, 1, 1, 1]])
    >>> int(unseen_pixels(7, 3, s=3).sum()), bool(unseen_pixels(7, 3, s=2).any())
    (13, False)
    """
    p = _checks.non_negative_int(p, "the padding")
    return coverage((n, n), f, stride=s, padding=p) == 0


def describe_unseen(mask: ArrayLike) -> str:
    """Say in words which pixels a stride never sees (``mask`` from :func:`unseen_pixels`).

    Examples
    --------
    >>> describe_unseen(unseen_pixels(7, 3, s=3))
    'the last row and column (13 pixels) are never seen'
    >>> describe_unseen(unseen_pixels(8, 3, s=3))
    'the last 2 rows and columns (28 pixels) are never seen'
    >>> describe_unseen(unseen_pixels(5, 1, s=2))
    'rows and columns 1, 3 (16 pixels) are never seen'
    >>> describe_unseen(unseen_pixels(7, 3, s=2))
    'every pixel is seen'
    """
    mask = _checks.numeric_array(mask, "the mask of unseen pixels", ndim=(2,)).astype(bool)
    if not mask.any():
        return "every pixel is seen"
    rows = np.flatnonzero(mask.all(axis=1))
    n = mask.shape[0]
    pixels = int(mask.sum())
    if rows.tolist() == list(range(n - len(rows), n)):
        which = (
            "the last row and column"
            if len(rows) == 1
            else f"the last {len(rows)} rows and columns"
        )
    else:
        which = f"rows and columns {', '.join(map(str, rows))}"
    return f"{which} ({pixels} pixels) are never seen"
