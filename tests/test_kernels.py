"""Tests of cnn_course.kernels: the filters as deck 000 prints them, their relation to
scikit-image's edge filters, and what they do to an image (SciPy as the oracle)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import ndimage
from scipy.signal import correlate2d

from cnn_course import kernels
from cnn_course.kernels import KERNEL_NAMES, get_kernel

edges = pytest.importorskip("skimage.filters.edges")  # the module that holds the weights
skfilters = pytest.importorskip("skimage.filters")

EDGE_PAIRS = [
    ("vertical_edge", "horizontal_edge"),
    ("sobel_vertical", "sobel_horizontal"),
    ("scharr_vertical", "scharr_horizontal"),
]
VERTICAL = [v for v, _ in EDGE_PAIRS]
HORIZONTAL = [h for _, h in EDGE_PAIRS]


@pytest.fixture
def photo() -> np.ndarray:
    """A real grayscale photo (scikit-image's bundled camera), as floats in [0, 1]."""
    data = pytest.importorskip("skimage.data")
    return data.camera()[::8, ::8].astype(np.float64) / 255


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("vertical_edge", [[1, 0, -1], [1, 0, -1], [1, 0, -1]]),
        ("sobel_vertical", [[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
        ("scharr_vertical", [[3, 0, -3], [10, 0, -10], [3, 0, -3]]),
    ],
)
def test_filters_as_deck_000_prints_them(name, printed):
    """Deck 000, "Vertical Edge Detection": the three vertical filters."""
    kernel = get_kernel(name)
    assert kernel.dtype == np.int64
    np.testing.assert_array_equal(kernel, printed)


@pytest.mark.parametrize(("vertical", "horizontal"), EDGE_PAIRS)
def test_horizontal_is_vertical_transposed(vertical, horizontal):
    np.testing.assert_array_equal(get_kernel(horizontal), get_kernel(vertical).T)


@pytest.mark.parametrize("name", VERTICAL)
def test_vertical_filters_rows_sum_to_zero_and_are_antisymmetric(name):
    kernel = get_kernel(name)
    assert (kernel.sum(axis=1) == 0).all()  # a flat image gives 0
    np.testing.assert_array_equal(kernel[:, ::-1], -kernel)  # mirror left/right flips sign
    np.testing.assert_array_equal(kernel[::-1, :], kernel)  # symmetric top/bottom


@pytest.mark.parametrize("name", HORIZONTAL)
def test_horizontal_filters_columns_sum_to_zero(name):
    assert (get_kernel(name).sum(axis=0) == 0).all()


@pytest.mark.parametrize(
    ("name", "total"),
    [("identity", 1), ("box_blur", 1), ("gaussian_blur", 1), ("sharpen", 1), ("laplacian", 0)],
)
def test_classic_kernels_weights_sum(name, total):
    assert get_kernel(name).shape == (3, 3)
    assert get_kernel(name).sum() == pytest.approx(total)


# Our filter, scikit-image's weights and filter for it, and the scale between them.
SKIMAGE_EDGES = [
    ("sobel_vertical", "VSOBEL_WEIGHTS", "sobel_v", 4),
    ("sobel_horizontal", "HSOBEL_WEIGHTS", "sobel_h", 4),
    ("scharr_vertical", "VSCHARR_WEIGHTS", "scharr_v", 16),
    ("scharr_horizontal", "HSCHARR_WEIGHTS", "scharr_h", 16),
    ("vertical_edge", "VPREWITT_WEIGHTS", "prewitt_v", 3),
    ("horizontal_edge", "HPREWITT_WEIGHTS", "prewitt_h", 3),
]


@pytest.mark.parametrize(
    ("ours", "weights", "scale"), [(o, w, scale) for o, w, _, scale in SKIMAGE_EDGES]
)
def test_same_weights_as_scikit_image_up_to_scale(ours, weights, scale):
    """scikit-image normalises the slides' filters: ours = scale × its weights, same sign."""
    np.testing.assert_allclose(get_kernel(ours), scale * getattr(edges, weights))


@pytest.mark.parametrize(
    ("ours", "skimage_filter", "scale"), [(o, f, scale) for o, _, f, scale in SKIMAGE_EDGES]
)
def test_scikit_image_filters_are_minus_our_cross_correlation(photo, ours, skimage_filter, scale):
    """skimage applies the weights by true convolution (mirrored filter), so its output is
    -1/scale times the deep-learning "convolution" (cross-correlation) with ours."""
    theirs = getattr(skfilters, skimage_filter)(photo)
    cross_correlation = ndimage.correlate(photo, get_kernel(ours).astype(float), mode="reflect")
    np.testing.assert_allclose(theirs, -cross_correlation / scale, atol=1e-12)


def test_sign_convention_bright_left_gives_positive():
    """Deck 000: the 10/0 step image gives +30 down the middle."""
    step = np.array([[10, 10, 10, 0, 0, 0]] * 6)
    out = correlate2d(step, get_kernel("vertical_edge"), mode="valid")
    np.testing.assert_array_equal(out, [[0, 30, 30, 0]] * 4)
    np.testing.assert_array_equal(
        correlate2d(step.T, get_kernel("horizontal_edge"), mode="valid"), out.T
    )
    assert (correlate2d(step, get_kernel("sobel_vertical"), mode="valid") == 40 * (out > 0)).all()


def test_identity_blur_sharpen_laplacian_on_a_photo(photo):
    inner = (slice(1, -1), slice(1, -1))
    np.testing.assert_array_equal(correlate2d(photo, get_kernel("identity"), "valid"), photo[inner])
    box = correlate2d(photo, get_kernel("box_blur"), "valid")
    np.testing.assert_allclose(box, ndimage.uniform_filter(photo, 3)[inner])
    lap = correlate2d(photo, get_kernel("laplacian"), "valid")
    np.testing.assert_allclose(lap, ndimage.laplace(photo)[inner], atol=1e-12)
    sharp = correlate2d(photo, get_kernel("sharpen"), "valid")
    np.testing.assert_allclose(sharp, photo[inner] - lap, atol=1e-12)
    gauss = correlate2d(photo, get_kernel("gaussian_blur"), "valid")
    smooth = np.array([1.0, 2.0, 1.0]) / 4
    separable = ndimage.correlate1d(ndimage.correlate1d(photo, smooth, axis=0), smooth, axis=1)
    np.testing.assert_allclose(gauss, separable[inner], atol=1e-12)


@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_every_call_returns_a_new_array(name):
    first = get_kernel(name)
    first[...] = 99
    assert not (get_kernel(name) == 99).any()
    function = getattr(kernels, name)
    np.testing.assert_array_equal(function(), get_kernel(name))


def test_names_are_normalised():
    np.testing.assert_array_equal(get_kernel(" Sobel-Vertical "), kernels.sobel_vertical())
    np.testing.assert_array_equal(get_kernel("scharr horizontal"), kernels.scharr_horizontal())


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("sobel", r"unknown kernel 'sobel' \(did you mean 'sobel_vertical'\?\); valid names:"),
        ("gabor", r"unknown kernel 'gabor'; valid names: vertical_edge, horizontal_edge"),
    ],
)
def test_unknown_kernel(name, match):
    with pytest.raises(ValueError, match=match) as info:
        get_kernel(name)
    assert all(valid in str(info.value) for valid in KERNEL_NAMES)


@pytest.mark.parametrize("name", [3, True, None])
def test_kernel_name_must_be_a_string(name):
    with pytest.raises(TypeError, match=f"the kernel name must be a string, got {name!r}"):
        get_kernel(name)


def test_edge_similarity_refuses_what_is_not_numbers():
    with pytest.raises(TypeError, match="the filters must hold numbers"):
        kernels.edge_similarity([["a"] * 3] * 3)


def _edge_similarity_by_loop(kernel: np.ndarray) -> list[float]:
    """Independent version: one filter at a time, the cosine written out."""
    scores = []
    for k in range(kernel.shape[-1]):
        x = kernel[:, :, 0, k].astype(np.float64).ravel()
        x = x - x.mean()
        best = 0.0
        for sobel in (kernels.sobel_vertical(), kernels.sobel_horizontal()):
            s = sobel.ravel().astype(float)
            best = max(best, abs(float(x @ s)) / (math.sqrt(x @ x) * math.sqrt(s @ s)))
        scores.append(best)
    return scores


def test_edge_similarity_of_a_keras_conv2d_kernel_matches_a_plain_loop():
    import keras

    layer = keras.layers.Conv2D(32, 3)
    layer.build((None, 28, 28, 1))
    kernel = keras.ops.convert_to_numpy(layer.kernel)  # (3, 3, 1, 32), random
    scores = kernels.edge_similarity(kernel)
    np.testing.assert_allclose(scores, _edge_similarity_by_loop(kernel), rtol=1e-12)
    assert scores.shape == (32,) and np.all((0 <= scores) & (scores <= 1 + 1e-12))


def test_edge_similarity_recognises_sobel_filters_and_ignores_brightness():
    stack = np.stack(
        [kernels.sobel_vertical(), -3 * kernels.sobel_horizontal() + 2, kernels.laplacian()],
        axis=-1,
    )
    scores = kernels.edge_similarity(stack)
    np.testing.assert_allclose(scores[:2], 1.0)
    assert scores[2] == pytest.approx(0.0)  # the Laplacian is symmetric: no edge direction
    # random filters: a median near 0.4 and few above 0.7 (notebook 07's "at initialisation")
    rng = np.random.default_rng(0)
    random = kernels.edge_similarity(rng.uniform(-1, 1, (3, 3, 1, 20_000)))
    assert 0.35 < np.median(random) < 0.45 and (random > 0.7).mean() < 0.1


@pytest.mark.parametrize("shape", [(5, 5), (3, 3, 2, 4), (9,), (3, 4, 1)])
def test_edge_similarity_explains_a_wrong_shape(shape):
    with pytest.raises(ValueError, match="3×3 filters"):
        kernels.edge_similarity(np.zeros(shape))
