"""NumPy reference implementations of what the lecture computes by hand.

Zero padding, 2-D "convolution" as deep learning means it (cross-correlation) and true
mathematical convolution (the filter mirrored on both axes), stride, convolution over
volume (an ``H×W×C`` image with ``f×f×C`` filters), several filters stacked, a whole
convolutional layer (``z = W * a + b``, ``a = g(z)``), max / average / min pooling, and
the translations used to show equivariance and invariance.

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

Everything is vectorised: the filter windows are a strided *view* of the image
(:func:`numpy.lib.stride_tricks.sliding_window_view`) contracted with the filters by
:func:`numpy.tensordot` — no Python loop over pixels. The module is pure NumPy on
purpose (SciPy is only a test dependency, TensorFlow is not imported), so it loads fast
and serves as an independent check of the Keras layers.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "avg_pool",
    "conv2d",
    "conv_layer",
    "convolve2d",
    "coverage",
    "interior",
    "max_pool",
    "min_pool",
    "pool",
    "relu",
    "same_padding_amounts",
    "shift",
    "zero_pad",
]

Padding = int | Literal["valid", "same"]
PoolMode = Literal["max", "avg", "average", "min"]

_IMAGE_SHAPES = "a 2-D (H, W) or 3-D (H, W, C) array"
_FILTER_SHAPES = "(f, f), (f, f, C) or (f, f, C, K)"


# --------------------------------------------------------------------------- checks


def _size(h: int, w: int) -> str:
    """Format a height and width the way the slides write them, e.g. ``6×6``."""
    return f"{h}×{w}"


def _is_int(value: object) -> bool:
    """True for Python / NumPy integers, False for bools, floats and everything else."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def _positive_int(value: object, what: str) -> int:
    if not _is_int(value) or int(value) <= 0:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def _non_negative_int(value: object, what: str) -> int:
    if not _is_int(value) or int(value) < 0:
        raise ValueError(f"{what} must be a non-negative integer, got {value!r}")
    return int(value)


def _whole_pixels(value: object, what: str) -> int:
    if not _is_int(value):
        raise ValueError(f"{what} must be a whole number of pixels, got {value!r}")
    return int(value)


def _numeric_array(a: ArrayLike, what: str) -> NDArray:
    arr = np.asarray(a)
    if arr.dtype.kind not in "biufc":
        raise ValueError(f"the {what} must hold numbers, got an array of dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"the {what} is empty (shape {arr.shape})")
    return arr


def _image(x: ArrayLike, what: str = "image") -> NDArray:
    arr = _numeric_array(x, what)
    if arr.ndim not in (2, 3):
        raise ValueError(f"the {what} must be {_IMAGE_SHAPES}, got shape {arr.shape}")
    return arr


def _filter(k: ArrayLike) -> NDArray:
    arr = _numeric_array(k, "filter")
    if arr.ndim not in (2, 3, 4):
        raise ValueError(f"the filter must have shape {_FILTER_SHAPES}, got shape {arr.shape}")
    return arr


def _exact_dtype(*arrays: NDArray) -> np.dtype:
    """The dtype to compute in: ``int64`` when every input is integer (exact, no overflow
    of small types such as ``uint8``), otherwise NumPy's usual promotion."""
    if all(a.dtype.kind in "biu" for a in arrays):
        return np.dtype(np.int64)
    return np.result_type(*arrays)


def same_padding_amounts(n: int, f: int, s: int = 1) -> tuple[int, int]:
    """Zeros added before and after one axis by Keras' ``padding="same"``.

    Keras makes the output ``ceil(n / s)`` long and pads
    ``max((ceil(n / s) - 1) * s + f - n, 0)`` zeros in total, putting the odd one at the
    end (bottom / right). For stride 1 and an odd filter this is the slide's
    ``p = (f - 1) / 2`` on both sides; otherwise it can be asymmetric.

    Parameters
    ----------
    n : int
        Input length (height or width).
    f : int
        Filter length along that axis.
    s : int, default 1
        Stride.

    Returns
    -------
    (before, after) : tuple of int

    Examples
    --------
    >>> same_padding_amounts(6, 3)        # the slide's p = (3 - 1) / 2 = 1
    (1, 1)
    >>> same_padding_amounts(6, 4)        # even filter: the extra zero goes after
    (1, 2)
    >>> same_padding_amounts(7, 3, s=2)   # output ceil(7 / 2) = 4 needs 2 zeros
    (1, 1)
    >>> same_padding_amounts(6, 3, s=2)   # output 3 needs only 1 zero, at the end
    (0, 1)
    """
    n = _positive_int(n, "the input size")
    f = _positive_int(f, "the filter size")
    s = _positive_int(s, "the stride")
    out = -(-n // s)  # ceil(n / s) in integers
    total = max((out - 1) * s + f - n, 0)
    return total // 2, total - total // 2


def _padding_amounts(padding: object, n: int, f: int, s: int) -> tuple[int, int]:
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return 0, 0
        if mode == "same":
            return same_padding_amounts(n, f, s)
    elif _is_int(padding):
        p = _non_negative_int(padding, "the padding")
        return p, p
    raise ValueError(
        f"the padding must be 'valid', 'same' or a non-negative integer, got {padding!r}"
    )


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
    p = _non_negative_int(p, "the padding")
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
        Keras (see :func:`same_padding_amounts`): the output is ``ceil(n / s)`` long, which
        for stride 1 means the same size as the input.

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

    >>> image = np.array([[3, 0, 1, 2, 7, 4],
    ...                   [1, 5, 8, 9, 3, 1],
    ...                   [2, 7, 2, 5, 1, 3],
    ...                   [0, 1, 3, 1, 7, 8],
    ...                   [4, 2, 1, 6, 2, 8],
    ...                   [2, 4, 5, 2, 3, 9]])
    >>> vertical = np.array([[1, 0, -1],
    ...                      [1, 0, -1],
    ...                      [1, 0, -1]])
    >>> conv2d(image, vertical)
    array([[ -5,  -4,   0,   8],
           [-10,  -2,   2,   3],
           [  0,  -2,  -4,  -7],
           [ -3,  -2,  -3, -16]])

    Bright on the left, dark on the right: the edge shows up down the middle.

    >>> step = np.array([[10, 10, 10, 0, 0, 0]] * 6)
    >>> conv2d(step, vertical)
    array([[ 0, 30, 30,  0],
           [ 0, 30, 30,  0],
           [ 0, 30, 30,  0],
           [ 0, 30, 30,  0]])

    "Same" convolution keeps the size (p = (3 - 1) / 2 = 1):

    >>> conv2d(image, vertical, padding="same").shape
    (6, 6)

    The strided example: 7×7 input, stride 2, floor((7 - 3) / 2) + 1 = 3. The slides
    print 83 and 127 where the correct values are 88 and 117:

    >>> x7 = np.array([[2, 3, 7, 4, 6, 2, 9],
    ...                [6, 6, 9, 8, 7, 4, 3],
    ...                [3, 4, 8, 3, 8, 9, 7],
    ...                [7, 8, 3, 6, 6, 3, 4],
    ...                [4, 2, 1, 8, 3, 4, 6],
    ...                [3, 2, 4, 1, 9, 8, 3],
    ...                [0, 1, 3, 9, 2, 1, 4]])
    >>> conv2d(x7, [[3, 4, 4], [1, 0, 2], [-1, 0, 3]], stride=2)
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
    >>> bank[:, :, 1, 1] = vertical.T    # filter 1: horizontal edges in green
    >>> out = conv2d(rgb, bank)
    >>> out.shape
    (4, 4, 2)
    >>> out[:, :, 0].tolist() == conv2d(image, vertical).tolist()
    True
    """
    img = _image(x)
    kernel = _filter(k)
    s = _positive_int(stride, "the stride")

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

    rows = _padding_amounts(padding, n_h, f_h, s)
    cols = _padding_amounts(padding, n_w, f_w, s)
    dtype = _exact_dtype(img, kernel)
    padded = _pad_hw(volume.astype(dtype, copy=False), rows, cols)
    p_h, p_w = padded.shape[:2]
    if f_h > p_h or f_w > p_w:
        what = "the padded input" if (sum(rows) + sum(cols)) else "the input"
        raise ValueError(
            f"the filter ({_size(f_h, f_w)}) is larger than {what} ({_size(p_h, p_w)})"
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

    >>> image = np.array([[3, 0, 1, 2, 7, 4],
    ...                   [1, 5, 8, 9, 3, 1],
    ...                   [2, 7, 2, 5, 1, 3],
    ...                   [0, 1, 3, 1, 7, 8],
    ...                   [4, 2, 1, 6, 2, 8],
    ...                   [2, 4, 5, 2, 3, 9]])
    >>> conv_layer(image, [[1, 0, -1]] * 3, b=-2)
    array([[0., 0., 0., 6.],
           [0., 0., 0., 1.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]])

    Ten 3×3×3 filters (10 × (27 + 1) = 280 parameters) on a 6×6×3 input:

    >>> conv_layer(np.ones((6, 6, 3)), np.ones((3, 3, 3, 10)), b=np.arange(10)).shape
    (4, 4, 10)
    """
    weights = _filter(w)
    bias = np.asarray(b)
    if bias.dtype.kind not in "biufc":
        raise ValueError(f"the bias must hold numbers, got an array of dtype {bias.dtype}")
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
    parameters to learn.

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
    >>> pool([[1, 3, 2, 1],
    ...       [2, 9, 1, 1],
    ...       [1, 3, 2, 3],
    ...       [5, 6, 1, 2]], mode="min")
    array([[1, 1],
           [1, 1]])
    """
    if mode not in ("max", "avg", "average", "min"):
        raise ValueError(f"unknown pooling mode {mode!r}: use 'max', 'avg' or 'min'")
    img = _image(x)
    f = _positive_int(f, "the pooling window size f")
    s = _positive_int(s, "the stride")
    n_h, n_w = img.shape[:2]
    if f > n_h or f > n_w:
        raise ValueError(
            f"the pooling window ({_size(f, f)}) is larger than the input ({_size(n_h, n_w)})"
        )
    # windows[i, j, (c,) a, b] = x[i*s + a, j*s + b (, c)]: a view, nothing copied.
    windows = sliding_window_view(img, (f, f), axis=(0, 1))[::s, ::s]
    if mode == "max":
        return windows.max(axis=(-2, -1))
    if mode == "min":
        return windows.min(axis=(-2, -1))
    return windows.mean(axis=(-2, -1))


def max_pool(x: ArrayLike, f: int = 2, s: int = 2) -> NDArray:
    """Max pooling (see :func:`pool`): keep the largest value of each ``f×f`` window.

    Examples
    --------
    The slides' 4×4 example (f = 2, s = 2):

    >>> max_pool([[1, 3, 2, 1],
    ...           [2, 9, 1, 1],
    ...           [1, 3, 2, 3],
    ...           [5, 6, 1, 2]])
    array([[9, 2],
           [6, 3]])

    The French deck's 6×6 example:

    >>> image = np.array([[3, 0, 1, 2, 7, 4],
    ...                   [1, 5, 8, 9, 3, 1],
    ...                   [2, 7, 2, 5, 1, 3],
    ...                   [0, 1, 3, 1, 7, 8],
    ...                   [4, 2, 1, 6, 2, 8],
    ...                   [2, 4, 5, 2, 3, 9]])
    >>> max_pool(image)
    array([[5, 9, 7],
           [7, 5, 8],
           [4, 6, 9]])

    Each channel is pooled on its own: (6, 6, 2) -> (3, 3, 2).

    >>> out = max_pool(np.stack([image, 10 - image], axis=-1))
    >>> out.shape
    (3, 3, 2)
    >>> out[:, :, 1]                 # the max of 10 - x is 10 - (the min of x)
    array([[10,  9,  9],
           [10,  9,  9],
           [ 8,  9,  8]])
    """
    return pool(x, f, s, mode="max")


def avg_pool(x: ArrayLike, f: int = 2, s: int = 2) -> NDArray:
    """Average pooling (see :func:`pool`): the mean of each ``f×f`` window, as floats.

    Examples
    --------
    The French deck's 6×6 example (f = 2, s = 2):

    >>> image = np.array([[3, 0, 1, 2, 7, 4],
    ...                   [1, 5, 8, 9, 3, 1],
    ...                   [2, 7, 2, 5, 1, 3],
    ...                   [0, 1, 3, 1, 7, 8],
    ...                   [4, 2, 1, 6, 2, 8],
    ...                   [2, 4, 5, 2, 3, 9]])
    >>> avg_pool(image)
    array([[2.25, 5.  , 3.75],
           [2.5 , 2.75, 4.75],
           [3.  , 3.5 , 5.5 ]])
    """
    return pool(x, f, s, mode="avg")


def min_pool(x: ArrayLike, f: int = 2, s: int = 2) -> NDArray:
    """Min pooling (see :func:`pool`): keep the smallest value of each ``f×f`` window.

    Examples
    --------
    >>> min_pool([[3, 0, 1, 2], [1, 5, 8, 9], [2, 7, 2, 5], [0, 1, 3, 1]])
    array([[0, 1],
           [0, 1]])
    """
    return pool(x, f, s, mode="min")


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
    dy = _whole_pixels(dy, "dy")
    dx = _whole_pixels(dx, "dx")
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
    m = _non_negative_int(margin, "the margin")
    n_h, n_w = img.shape[:2]
    if 2 * m >= n_h or 2 * m >= n_w:
        raise ValueError(f"a margin of {m} leaves nothing of a {_size(n_h, n_w)} array")
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
    n_h, n_w = (_positive_int(n, "the input size") for n in shape)
    f = _positive_int(f, "the filter size")
    s = _positive_int(stride, "the stride")

    pads = [_padding_amounts(padding, n, f, s) for n in (n_h, n_w)]
    p_h, p_w = (n + sum(pad) for n, pad in zip((n_h, n_w), pads, strict=True))
    if f > p_h or f > p_w:
        what = "the padded input" if sum(map(sum, pads)) else "the input"
        raise ValueError(f"the filter ({_size(f, f)}) is larger than {what} ({_size(p_h, p_w)})")

    def per_axis(n: int, before: int, length: int) -> NDArray:
        starts = np.arange(0, length - f + 1, s)  # top (left) edge of every window
        counts = np.bincount((starts[:, None] + np.arange(f)).ravel(), minlength=length)
        return counts[before : before + n]

    # A window covers (row, col) iff it covers the row and the column: counts multiply.
    return np.outer(per_axis(n_h, pads[0][0], p_h), per_axis(n_w, pads[1][0], p_w))
