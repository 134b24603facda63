"""Tests of cnn_course.data.load_textures: the texture patches of notebook 10, close to ImageNet."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
import skimage.util

from cnn_course import data


@pytest.fixture(scope="module")
def textures():
    return data.load_textures()


def test_classes_are_the_bundled_texture_photos_and_need_no_download():
    assert data.TEXTURE_CLASSES == ("brick", "grass", "gravel")
    for name in data.TEXTURE_CLASSES:  # shipped inside scikit-image, not fetched with pooch
        assert name in data.SAMPLE_IMAGES
        assert getattr(skimage.data, name)().shape == (512, 512)


def test_shapes_counts_and_labels(textures):
    (x_train, y_train), (x_test, y_test) = textures
    # 512 rows: (512 - 32) / 16 + 1 = 31 patch rows; columns: 384 -> 23, 128 -> 7
    assert x_train.shape == (3 * 31 * 23, 32, 32) and x_test.shape == (3 * 31 * 7, 32, 32)
    assert x_train.dtype == x_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [713] * 3 and np.bincount(y_test).tolist() == [217] * 3
    assert np.all(np.diff(y_train) >= 0)  # class by class


def test_patches_are_the_photos_pixels_and_train_never_sees_the_test_strip(textures):
    (x_train, y_train), (x_test, y_test) = textures
    for label, name in enumerate(data.TEXTURE_CLASSES):
        photo = getattr(skimage.data, name)()
        train, test = x_train[y_train == label], x_test[y_test == label]
        np.testing.assert_array_equal(train[0], photo[:32, :32])
        np.testing.assert_array_equal(train[1], photo[:32, 16:48])  # stride 16, row by row
        np.testing.assert_array_equal(train[23], photo[16:48, :32])
        np.testing.assert_array_equal(test[0], photo[:32, 384:416])
        np.testing.assert_array_equal(test[-1], photo[480:, 480:])
        # independently: every training patch lies left of column 384
        left = skimage.util.view_as_windows(photo[:, :384], 32, 16).reshape(-1, 32, 32)
        np.testing.assert_array_equal(train, left)


def test_deterministic_and_other_sizes(textures):
    (x_train, _), _ = textures
    np.testing.assert_array_equal(data.load_textures()[0][0], x_train)
    (x, y), (xt, yt) = data.load_textures(patch_size=64, stride=64, test_width=128)
    assert x.shape == (3 * 8 * 6, 64, 64) and xt.shape == (3 * 8 * 2, 64, 64)


def test_the_classes_differ_in_their_pixels(textures):
    # a nearest-class-mean classifier on the pixel histogram is far above chance (1/3):
    # the labels mean something
    (x_train, y_train), (x_test, y_test) = textures

    def histograms(x):
        return np.stack([np.histogram(p, bins=16, range=(0, 256))[0] for p in x]).astype(float)

    h_train, h_test = histograms(x_train), histograms(x_test)
    means = np.stack([h_train[y_train == c].mean(axis=0) for c in range(3)])
    predicted = np.argmin(((h_test[:, None] - means[None]) ** 2).sum(axis=-1), axis=1)
    assert np.mean(predicted == y_test) > 0.5


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"patch_size": 0}, ValueError, "patch_size must be a whole number from 1 to 128"),
        ({"patch_size": 32.0}, TypeError, "patch_size must be a whole number"),
        ({"stride": 0}, ValueError, "stride must be a whole number >= 1"),
        ({"stride": True}, TypeError, "stride must be a whole number"),
        ({"test_width": 16}, ValueError, "test_width must be a whole number from 32 to 480"),
        ({"test_width": 500}, ValueError, "test_width must be a whole number from 32 to 480"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.load_textures(**kwargs)


def test_notebook_10_validation_patches_share_no_pixel_with_its_training_patches():
    """Its training sets come from the photos' columns 0-287, its validation from 288-383."""
    from cnn_course.transfer import tuning

    sizes = {"textures": {"small": 30, "larger": 300}}
    split = tuning.experiment_sets(1, sizes)["textures"]
    (x_val, y_val), (x_test, _) = split["validation"], split["test"]
    assert x_val.shape == (150, 32, 32, 1) and np.bincount(y_val).tolist() == [50, 50, 50]
    assert x_test.shape == (651, 32, 32, 1)
    for label, name in enumerate(data.TEXTURE_CLASSES):
        photo = getattr(skimage.data, name)()

        def patches(strip):
            windows = skimage.util.view_as_windows(strip, 32, 16).reshape(-1, 32, 32)
            return {w.tobytes() for w in windows}

        left, right = patches(photo[:, :288]), patches(photo[:, 288:384])
        for x, y in split["train"].values():
            assert {p.tobytes() for p in x[y == label, ..., 0]} <= left
        assert {p.tobytes() for p in x_val[y_val == label, ..., 0]} <= right
    assert [len(y) for _, y in split["train"].values()] == [30, 300]
