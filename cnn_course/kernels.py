"""Named filters (kernels): the edge detectors of the lecture and a few classic ones.

Every function returns a *new* NumPy array, so a student can change it freely. The
integer filters are ``int64`` (convolving an integer image with them is exact); the
blurs are ``float64``.

Orientation and sign, as on the slides (deck 000, "Vertical Edge Detection")
-----------------------------------------------------------------------------
Deep-learning "convolution" is cross-correlation: the filter is *not* mirrored. A
*vertical* edge filter responds to a change of brightness from left to right: on an
image bright on the left and dark on the right it gives a positive output (the 10/0
step image gives 30 down the middle). The *horizontal* filters are the vertical ones
transposed: positive where the top is brighter than the bottom.

The three vertical filters of the slides differ only in how they weigh the middle row:
``[1, 1, 1]`` (the plain filter — known as Prewitt), ``[1, 2, 1]`` (Sobel) and
``[3, 10, 3]`` (Scharr). scikit-image keeps the same filters, normalised to unit weight
(``skimage.filters.edges.VSOBEL_WEIGHTS == sobel_vertical() / 4``,
``VSCHARR_WEIGHTS == scharr_vertical() / 16``, ``VPREWITT_WEIGHTS == vertical_edge() / 3``),
but ``skimage.filters.sobel_v`` applies them by true convolution (mirrored filter), so its
output is ``-1/4`` times the cross-correlation with :func:`sobel_vertical`.

Examples
--------
>>> get_kernel("sobel_vertical")
array([[ 1,  0, -1],
       [ 2,  0, -2],
       [ 1,  0, -1]])
>>> np.array_equal(horizontal_edge(), vertical_edge().T)
True
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course import _checks

__all__ = [
    "KERNEL_NAMES",
    "box_blur",
    "edge_similarity",
    "gaussian_blur",
    "get_kernel",
    "horizontal_edge",
    "identity",
    "laplacian",
    "scharr_horizontal",
    "scharr_vertical",
    "sharpen",
    "sobel_horizontal",
    "sobel_vertical",
    "vertical_edge",
]


def _int_kernel(rows: list[list[int]]) -> NDArray[np.int64]:
    return np.array(rows, dtype=np.int64)


def vertical_edge() -> NDArray[np.int64]:
    """The slides' vertical edge detector ``[[1, 0, -1]] × 3`` (deck 000, deck 001, deck 002).

    Returns
    -------
    numpy.ndarray, shape (3, 3), int64

    Examples
    --------
    >>> vertical_edge()
    array([[ 1,  0, -1],
           [ 1,  0, -1],
           [ 1,  0, -1]])
    """
    return _int_kernel([[1, 0, -1], [1, 0, -1], [1, 0, -1]])


def horizontal_edge() -> NDArray[np.int64]:
    """Horizontal edge detector: :func:`vertical_edge` transposed (bright top -> positive).

    Examples
    --------
    >>> horizontal_edge()
    array([[ 1,  1,  1],
           [ 0,  0,  0],
           [-1, -1, -1]])
    """
    return vertical_edge().T.copy()


def sobel_vertical() -> NDArray[np.int64]:
    """Sobel vertical edge filter, as deck 000 prints it ("Sobel filter").

    Examples
    --------
    >>> sobel_vertical()
    array([[ 1,  0, -1],
           [ 2,  0, -2],
           [ 1,  0, -1]])
    """
    return _int_kernel([[1, 0, -1], [2, 0, -2], [1, 0, -1]])


def sobel_horizontal() -> NDArray[np.int64]:
    """Sobel horizontal edge filter: :func:`sobel_vertical` transposed.

    Examples
    --------
    >>> sobel_horizontal()
    array([[ 1,  2,  1],
           [ 0,  0,  0],
           [-1, -2, -1]])
    """
    return sobel_vertical().T.copy()


def scharr_vertical() -> NDArray[np.int64]:
    """Scharr vertical edge filter, as deck 000 prints it ("Scharr filter").

    Examples
    --------
    >>> scharr_vertical()
    array([[  3,   0,  -3],
           [ 10,   0, -10],
           [  3,   0,  -3]])
    """
    return _int_kernel([[3, 0, -3], [10, 0, -10], [3, 0, -3]])


def scharr_horizontal() -> NDArray[np.int64]:
    """Scharr horizontal edge filter: :func:`scharr_vertical` transposed.

    Examples
    --------
    >>> scharr_horizontal()
    array([[  3,  10,   3],
           [  0,   0,   0],
           [ -3, -10,  -3]])
    """
    return scharr_vertical().T.copy()


def identity() -> NDArray[np.int64]:
    """The 3×3 filter that leaves an image unchanged (a 1 in the centre).

    Examples
    --------
    >>> identity()
    array([[0, 0, 0],
           [0, 1, 0],
           [0, 0, 0]])
    """
    return _int_kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]])


def box_blur() -> NDArray[np.float64]:
    """3×3 mean filter: every output is the average of its 3×3 neighbourhood.

    Examples
    --------
    >>> box_blur() * 9
    array([[1., 1., 1.],
           [1., 1., 1.],
           [1., 1., 1.]])
    """
    return np.full((3, 3), 1 / 9)


def gaussian_blur() -> NDArray[np.float64]:
    """3×3 binomial approximation of a Gaussian blur, ``[1, 2, 1]ᵀ[1, 2, 1] / 16``.

    Examples
    --------
    >>> gaussian_blur() * 16
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    smooth = np.array([1.0, 2.0, 1.0])
    return np.outer(smooth, smooth) / 16


def sharpen() -> NDArray[np.int64]:
    """3×3 sharpening filter: the identity plus a negative Laplacian (weights sum to 1).

    Examples
    --------
    >>> sharpen()
    array([[ 0, -1,  0],
           [-1,  5, -1],
           [ 0, -1,  0]])
    """
    return _int_kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])


def laplacian() -> NDArray[np.int64]:
    """3×3 Laplacian: responds to edges in every direction (weights sum to 0).

    Examples
    --------
    >>> laplacian()
    array([[ 0,  1,  0],
           [ 1, -4,  1],
           [ 0,  1,  0]])
    """
    return _int_kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]])


_KERNELS: dict[str, Callable[[], NDArray]] = {
    "vertical_edge": vertical_edge,
    "horizontal_edge": horizontal_edge,
    "sobel_vertical": sobel_vertical,
    "sobel_horizontal": sobel_horizontal,
    "scharr_vertical": scharr_vertical,
    "scharr_horizontal": scharr_horizontal,
    "identity": identity,
    "box_blur": box_blur,
    "gaussian_blur": gaussian_blur,
    "sharpen": sharpen,
    "laplacian": laplacian,
}

#: The names :func:`get_kernel` accepts, in the order the course introduces them.
KERNEL_NAMES: tuple[str, ...] = tuple(_KERNELS)


def get_kernel(name: str) -> NDArray:
    """A named filter by name (a new array each call).

    Parameters
    ----------
    name : str
        One of :data:`KERNEL_NAMES`; case, spaces and hyphens do not matter
        (``"Sobel vertical"`` works).

    Returns
    -------
    numpy.ndarray, shape (3, 3)

    Raises
    ------
    TypeError
        For a name that is not a string.
    ValueError
        For an unknown name; the message lists the valid names.

    Examples
    --------
    >>> get_kernel("Scharr horizontal")[0]
    array([ 3, 10,  3])
    >>> get_kernel("sobel")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown kernel 'sobel' (did you mean 'sobel_vertical'?); valid names: ...
    """
    if not isinstance(name, str):
        raise TypeError(f"the kernel name must be a string, got {name!r}")
    key = "_".join(name.strip().lower().replace("-", " ").split())
    if key in _KERNELS:
        return _KERNELS[key]()
    close = difflib.get_close_matches(key, KERNEL_NAMES, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown kernel {name!r}{hint}; valid names: {', '.join(KERNEL_NAMES)}")


def edge_similarity(filters: ArrayLike) -> NDArray[np.float64]:
    """How much each learned 3×3 filter looks like a Sobel edge detector (notebook 07).

    For every filter: the largest ``|cosine|`` between its nine weights and those of
    :func:`sobel_vertical` or :func:`sobel_horizontal`, after removing the filter's
    mean (the mean only reacts to overall brightness; the Sobel filters have mean
    zero). 1 means "a Sobel filter up to scale and sign"; a filter of random weights
    scores about 0.4 on average.

    Parameters
    ----------
    filters : array_like, shape (3, 3) or (3, 3, filters) or (3, 3, 1, filters)
        One filter, or a Keras ``Conv2D`` kernel with one input channel (the first
        layer of an MNIST network).

    Returns
    -------
    numpy.ndarray, shape (filters,)
        Values in [0, 1]; a constant filter (no edge at all) scores 0.

    Raises
    ------
    ValueError
        If the filters are not 3×3 or have several input channels.

    Examples
    --------
    >>> edge_similarity(-2.5 * sobel_horizontal() + 7)  # scale, sign and offset do not matter
    array([1.])
    >>> edge_similarity(vertical_edge()).round(3)  # the plain filter is close to Sobel
    array([0.943])
    >>> edge_similarity(np.ones((3, 3)))
    array([0.])
    """
    w = _checks.numeric_array(filters, "the filters").astype(np.float64)
    if w.ndim == 4 and w.shape[2] == 1:
        w = w[:, :, 0, :]
    elif w.ndim == 2:
        w = w[:, :, None]
    if w.ndim != 3 or w.shape[:2] != (3, 3):
        raise ValueError(
            "edge_similarity compares 3×3 filters with the Sobel filters: give one 3×3 filter, "
            f"a (3, 3, n) stack or a (3, 3, 1, n) Conv2D kernel, got shape {np.shape(filters)}"
        )
    flat = w.reshape(9, -1)
    flat = flat - flat.mean(axis=0)
    norms = np.linalg.norm(flat, axis=0)
    sobel = np.stack([sobel_vertical().ravel(), sobel_horizontal().ravel()]).astype(np.float64)
    sobel /= np.linalg.norm(sobel, axis=1, keepdims=True)
    cosines = np.abs(sobel @ flat) / np.where(norms > 0, norms, 1.0)
    return cosines.max(axis=0)
