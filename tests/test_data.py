"""Tests of :mod:`cnn_course.data` and of the scripts that build ``data/*.npz``.

* the bundled MNIST and Fashion-MNIST are the real datasets: shapes and dtypes of
  ``keras.datasets.*.load_data()``, and facts published about them (first labels,
  class counts, the famous normalisation constants) copied here, not taken from the code;
* the sha256 registry matches the files; a corrupted, truncated or unreadable copy gives
  a ``ValueError`` that says how to restore it;
* without the bundled file the loaders use the Keras download, and when that fails too
  they raise a ``FileNotFoundError`` in course language;
* every call returns fresh arrays; the sample photos load offline as uint8 RGB;
* the build scripts' restricted unpickler refuses a malicious pickle, and their
  pixel / IDX parsers check what they read;
* ``import cnn_course.data`` loads neither TensorFlow nor Keras.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cnn_course import data

REPO = Path(__file__).resolve().parent.parent

# Published facts of the real MNIST (LeCun, Cortes, Burges) and Fashion-MNIST (Zalando).
MNIST_Y_TRAIN_FIRST = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
MNIST_Y_TEST_FIRST = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
FASHION_Y_TRAIN_FIRST = [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
FASHION_Y_TEST_FIRST = [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]


def _import_script(name: str):
    """Import ``scripts/<name>.py`` as a module (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


@pytest.fixture(scope="module")
def fashion():
    return data.load_fashion_mnist()


@pytest.fixture
def no_bundled_data(tmp_path, monkeypatch):
    """Point the course at an empty data folder."""
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "empty"))
    return tmp_path / "empty"


# ------------------------------------------------------------------- the datasets
@pytest.mark.parametrize("loader", [data.load_mnist, data.load_fashion_mnist])
def test_keras_shapes_and_dtypes(loader):
    (x_train, y_train), (x_test, y_test) = loader()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 255
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))


def test_mnist_is_the_real_mnist(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert y_train[:10].tolist() == MNIST_Y_TRAIN_FIRST
    assert y_test[:10].tolist() == MNIST_Y_TEST_FIRST
    assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == MNIST_TEST_COUNTS
    # The normalisation constants everyone uses, 0.1307 and 0.3081, to ten digits.
    assert x_train.mean(dtype=np.float64) / 255 == pytest.approx(0.1306604763, abs=1e-10)
    assert x_train.std(dtype=np.float64) / 255 == pytest.approx(0.3081078039, abs=1e-10)
    # The exact pixels of the first training image (a 5), as printed in countless tutorials:
    # its first rows of ink are rows 5 and 6.
    assert x_train[0, :5].max() == 0
    assert x_train[0, 5, 12:24].tolist() == [3, 18, 18, 18, 126, 136, 175, 26, 166, 255, 247, 127]
    assert x_train[0, 6, 8:16].tolist() == [30, 36, 94, 154, 170, 253, 253, 253]


def test_fashion_mnist_is_the_real_fashion_mnist(fashion):
    (x_train, y_train), (x_test, y_test) = fashion
    assert y_train[:10].tolist() == FASHION_Y_TRAIN_FIRST
    assert y_test[:10].tolist() == FASHION_Y_TEST_FIRST
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert x_train.mean(dtype=np.float64) / 255 == pytest.approx(0.2860405970, abs=1e-10)
    assert x_train.std(dtype=np.float64) / 255 == pytest.approx(0.3530242445, abs=1e-10)
    assert data.FASHION_MNIST_CLASSES[9] == "Ankle boot"
    assert len(data.FASHION_MNIST_CLASSES) == 10


def test_each_call_returns_fresh_arrays():
    (x1, y1), _ = data.load_mnist()
    (x2, y2), _ = data.load_mnist()
    assert not np.shares_memory(x1, x2) and not np.shares_memory(y1, y2)
    x1[:] = 0
    y1[:] = 0
    (x3, y3), _ = data.load_mnist()
    assert np.array_equal(x2, x3) and y3[:10].tolist() == MNIST_Y_TRAIN_FIRST


# ----------------------------------------------------------------- the checksums
@pytest.mark.parametrize("name", sorted(data.CHECKSUMS))
def test_checksum_registry_matches_the_bundled_files(name):
    path = data.data_dir() / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == data.CHECKSUMS[name]
    assert data.sha256sum(path) == data.CHECKSUMS[name]
    assert data.verify_checksum(path) == path == data.bundled_file(name)


def test_the_registry_is_read_only():
    with pytest.raises(TypeError):
        data.CHECKSUMS["mnist.npz"] = "0" * 64


def test_bundled_file_says_how_to_restore_a_missing_or_corrupted_file(no_bundled_data):
    no_bundled_data.mkdir()
    with pytest.raises(FileNotFoundError, match="scripts/build_imagenet_classes.py"):
        data.bundled_file("imagenet_class_index.json")
    (no_bundled_data / "mobilenet_v2_imagenet.weights.h5").write_bytes(b"not weights")
    with pytest.raises(ValueError, match="corrupted.*scripts/convert_mobilenet_v2.py"):
        data.bundled_file("mobilenet_v2_imagenet.weights.h5")
    with pytest.raises(ValueError, match="no checksum is recorded for 'cat.jpg'"):
        data.bundled_file("cat.jpg")


def test_bundled_files_stay_modest():
    assert (data.data_dir() / "mnist.npz").stat().st_size < 12_000_000
    assert (data.data_dir() / "fashion_mnist.npz").stat().st_size < 32_000_000


def _corrupted_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "mnist.npz"
    shutil.copyfile(data.data_dir() / "mnist.npz", copy)
    raw = bytearray(copy.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 16] = bytes(b ^ 0xFF for b in raw[middle : middle + 16])
    copy.write_bytes(bytes(raw))
    return copy


def test_corrupted_file_is_refused_with_the_course_message(tmp_path):
    copy = _corrupted_copy(tmp_path)
    with pytest.raises(ValueError, match="corrupted") as info:
        data.load_mnist(copy)
    message = str(info.value)
    assert data.CHECKSUMS["mnist.npz"] in message  # expected sha256
    assert hashlib.sha256(copy.read_bytes()).hexdigest() in message  # actual sha256
    assert "git checkout -- data/mnist.npz" in message
    assert "scripts/build_mnist.py" in message


def test_truncated_file_is_refused(tmp_path):
    copy = tmp_path / "fashion_mnist.npz"
    copy.write_bytes((data.data_dir() / "fashion_mnist.npz").read_bytes()[:1000])
    with pytest.raises(ValueError, match="corrupted.*git checkout -- data/fashion_mnist.npz"):
        data.load_fashion_mnist(copy)


def test_corrupted_bundled_file_is_refused(tmp_path, monkeypatch):
    _corrupted_copy(tmp_path)
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    with pytest.raises(ValueError, match="corrupted"):
        data.load_mnist()


def test_a_file_that_does_not_unzip_gives_the_course_message(tmp_path, monkeypatch):
    # Pretend the registry recorded the damaged file: np.load now meets a broken zip.
    copy = tmp_path / "mnist.npz"
    copy.write_bytes((data.data_dir() / "mnist.npz").read_bytes()[:5000])
    monkeypatch.setattr(data, "CHECKSUMS", {**data.CHECKSUMS, "mnist.npz": data.sha256sum(copy)})
    with pytest.raises(ValueError, match="corrupted and cannot be read as MNIST.*git checkout"):
        data.load_mnist(copy)


def test_verify_checksum_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist: restore it with `git checkout"):
        data.verify_checksum(tmp_path / "mnist.npz")
    stray = tmp_path / "unknown.bin"
    stray.write_bytes(b"x")
    with pytest.raises(ValueError, match="no checksum is recorded for 'unknown.bin'"):
        data.verify_checksum(stray)


# ------------------------------------------------------------- the download fallback
def test_missing_file_and_no_network_raise_file_not_found(no_bundled_data, monkeypatch):
    def no_network():
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr("keras.datasets.mnist.load_data", no_network)
    with pytest.raises(FileNotFoundError) as info:
        data.load_mnist()
    message = str(info.value)
    assert str(no_bundled_data / "mnist.npz") in message
    assert "keras.datasets.mnist.load_data()" in message and "no network" in message
    assert "clone the course repository" in message
    assert data.DATA_ENV in message and "internet" in message


def test_missing_file_falls_back_to_the_keras_download(no_bundled_data, monkeypatch):
    downloaded = ((np.zeros((2, 28, 28), np.uint8), np.ones(2, np.uint8)), (None, None))
    monkeypatch.setattr("keras.datasets.fashion_mnist.load_data", lambda: downloaded)
    assert data.load_fashion_mnist() is downloaded


def test_explicit_missing_path_has_no_fallback(tmp_path):
    with pytest.raises(FileNotFoundError, match="the MNIST file .* does not exist"):
        data.load_mnist(tmp_path / "nowhere.npz")


# ------------------------------------------------------------------ sample images
@pytest.mark.parametrize("name", data.SAMPLE_IMAGES)
def test_sample_images_load_offline_as_uint8_rgb(name):
    image = data.load_sample_image(name)
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    assert min(image.shape[:2]) >= 100 and image.max() > image.min()
    gray = data.load_sample_gray(name)
    assert gray.shape == image.shape[:2] and gray.dtype == np.float64
    assert 0 <= gray.min() and gray.max() <= 1
    # Independent check of the conversion: the luminance weights rgb2gray documents.
    expected = image.astype(np.float64) @ np.array([0.2125, 0.7154, 0.0721]) / 255
    np.testing.assert_allclose(gray, expected, atol=1e-6)


def test_sample_image_aliases_and_known_sizes():
    assert np.array_equal(data.load_sample_image("cat"), data.load_sample_image("chelsea"))
    assert data.load_sample_image("grace_hopper").shape == (600, 512, 3)
    assert data.load_sample_image("coffee").shape == (400, 600, 3)


def test_unknown_sample_image_lists_the_valid_names():
    with pytest.raises(ValueError, match="no sample image called 'dog'.*chelsea.*grace_hopper"):
        data.load_sample_image("dog")
    with pytest.raises(ValueError, match="no sample image called 'dog'"):
        data.load_sample_gray("dog")


# ------------------------------------------------------------------------ subset
def test_subset_is_stratified_and_repeatable(mnist):
    (x_train, y_train), _ = mnist
    xs, ys = data.subset(x_train, y_train, 1000, seed=1)
    assert xs.shape == (1000, 28, 28) and ys.shape == (1000,)
    expected = np.array(MNIST_TRAIN_COUNTS) * 1000 / 60000
    assert np.all(np.abs(np.bincount(ys, minlength=10) - expected) < 1)
    xs2, ys2 = data.subset(x_train, y_train, 1000, seed=1)
    assert np.array_equal(xs, xs2) and np.array_equal(ys, ys2)
    _, ys3 = data.subset(x_train, y_train, 1000, seed=2)
    assert not np.array_equal(ys, ys3)
    # Every picked image is a real training image with its own label.
    first = np.flatnonzero((x_train == xs[0]).all(axis=(1, 2)))
    assert y_train[first[0]] == ys[0]


@pytest.mark.parametrize("n", [0, -1, 11])
def test_subset_rejects_sizes_out_of_range(n):
    with pytest.raises(ValueError, match="subset size must be a whole number from 1 to 10"):
        data.subset(np.arange(10), np.arange(10) % 2, n)


NOT_WHOLE_NUMBERS = [True, False, 3.0]

INTEGER_PARAMETERS = {
    "subset n": lambda v: data.subset(np.arange(10), np.arange(10) % 2, v),
    "subset seed": lambda v: data.subset(np.arange(10), np.arange(10) % 2, 5, seed=v),
    "digit_canvas digits": lambda v: data.digit_canvas(
        np.zeros((2, 2, 2)), np.array([0, 1]), digits=[0, v]
    ),
    "digit_canvas grid": lambda v: data.digit_canvas(
        np.zeros((2, 2, 2)), np.array([0, 1]), grid=(2, v)
    ),
    **{
        f"digit_scenes {name}": (
            lambda v, name=name: data.digit_scenes(
                np.zeros((2, 4, 4), np.uint8),
                np.array([0, 1]),
                **{"n": 2, "size": 8, "sides": (2, 3), name: v},
            )
        )
        for name in ("n", "size", "count", "ink", "seed")
    },
    "digit_scenes sides": lambda v: data.digit_scenes(
        np.zeros((2, 4, 4), np.uint8), np.array([0, 1]), 2, size=8, sides=(2, v)
    ),
}


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS, ids=repr)
@pytest.mark.parametrize("parameter", sorted(INTEGER_PARAMETERS))
def test_integer_parameters_refuse_bools_and_floats(parameter, value):
    with pytest.raises(TypeError, match=rf"must be a whole number, got {value!r} \(a"):
        INTEGER_PARAMETERS[parameter](value)


def test_as_float_pixels_refuses_what_is_not_a_pixel_value():
    assert data.as_float_pixels([[0, 255]]).dtype == np.float32
    for bad in (np.array([[True]]), np.array([["a"]]), np.array([[1 + 2j]])):
        with pytest.raises(TypeError, match="must hold numbers"):
            data.as_float_pixels(bad)
    with pytest.raises(ValueError, match="NaN or infinite"):
        data.as_float_pixels([[np.inf]])


def test_subset_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of examples, got 10 and 9"):
        data.subset(np.arange(10), np.arange(9), 5)


# --------------------------------------------------------------- the build scripts
class _RunsShellCommand:
    def __init__(self, flag: Path):
        self.flag = flag

    def __reduce__(self):
        return (os.system, (f"touch {self.flag}",))


def test_restricted_unpickler_refuses_a_malicious_pickle(tmp_path):
    build_mnist = _import_script("build_mnist")
    flag = tmp_path / "pwned"
    payload = pickle.dumps(_RunsShellCommand(flag), protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load .*system"):
        build_mnist.numpy_only_loads(payload)
    assert not flag.exists()
    evil = pickle.dumps([np.arange(3), eval], protocol=3)  # a real array, then a builtin
    with pytest.raises(pickle.UnpicklingError, match="refusing to load builtins.eval"):
        build_mnist.numpy_only_loads(evil)


def test_restricted_unpickler_rebuilds_numpy_arrays_of_numpy_1_and_2():
    build_mnist = _import_script("build_mnist")
    array = np.arange(12, dtype=np.float32).reshape(3, 4) / 256
    labels = np.arange(3, dtype=np.int64)
    payload = pickle.dumps(((array, labels),), protocol=3)
    numpy1 = payload.replace(b"numpy._core.multiarray\n", b"numpy.core.multiarray\n")
    assert numpy1 != payload
    for blob in (payload, numpy1):
        ((x, y),) = build_mnist.numpy_only_loads(blob)
        assert np.array_equal(x, array) and x.dtype == np.float32
        assert np.array_equal(y, labels)


def test_pixels_round_trip_exactly_and_bad_ones_are_refused():
    build_mnist = _import_script("build_mnist")
    pixels = (np.arange(784) % 256).astype(np.uint8).reshape(1, 784)  # every value 0..255
    stored = pixels.astype(np.float32) / 256  # how the pickle stores them
    assert np.array_equal(build_mnist.to_uint8_pixels(stored), pixels.reshape(1, 28, 28))
    with pytest.raises(ValueError, match="not k/256"):
        build_mnist.to_uint8_pixels(stored + np.float32(0.001))
    with pytest.raises(ValueError, match="not k/256"):
        build_mnist.to_uint8_pixels(np.full((1, 784), 1.0, np.float32))  # 256 > 255


def test_idx_parser_checks_magic_and_size():
    build_fashion = _import_script("build_fashion_mnist")
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    header = np.array([0x0803, 2, 3, 4], dtype=">u4").tobytes()
    assert np.array_equal(build_fashion.read_idx(header + images.tobytes(), ndim=3), images)
    labels = np.array([9, 0, 0], dtype=np.uint8)
    label_file = np.array([0x0801, 3], dtype=">u4").tobytes() + labels.tobytes()
    assert np.array_equal(build_fashion.read_idx(label_file, ndim=1), labels)
    with pytest.raises(ValueError, match="bad IDX magic number"):
        build_fashion.read_idx(label_file, ndim=3)
    with pytest.raises(ValueError, match=r"header says \(2, 3, 4\) but 23 bytes follow"):
        build_fashion.read_idx(header + images.tobytes()[:-1], ndim=3)


def test_save_npz_is_reproducible_and_loads_like_savez(tmp_path):
    arrays = {"x_train": np.arange(20, dtype=np.uint8).reshape(4, 5), "y_train": np.ones(4)}
    data.save_npz(tmp_path / "a.npz", **arrays)
    np.savez_compressed(tmp_path / "b.npz", **arrays)
    data.save_npz(tmp_path / "c.npz", **arrays)
    assert data.sha256sum(tmp_path / "a.npz") == data.sha256sum(tmp_path / "c.npz")
    with np.load(tmp_path / "a.npz") as ours, np.load(tmp_path / "b.npz") as numpys:
        assert sorted(ours.files) == sorted(numpys.files) == ["x_train", "y_train"]
        for key in arrays:
            assert np.array_equal(ours[key], numpys[key])
            assert ours[key].dtype == numpys[key].dtype


# ------------------------------------------------------------------- import cost
def test_importing_the_module_loads_neither_tensorflow_nor_keras():
    code = (
        "import sys, cnn_course.data; "
        "heavy = [m for m in ('tensorflow', 'keras', 'skimage', 'matplotlib') "
        "if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_digit_canvas_places_the_first_image_of_each_digit_on_a_checkerboard():
    _, (x_test, y_test) = data.load_mnist()
    canvas, corners = data.digit_canvas(x_test, y_test)
    assert canvas.shape == (4 * 28, 5 * 28) and canvas.dtype == np.uint8
    assert corners.tolist() == [
        [28 * r, 28 * c] for r in range(4) for c in range(5) if (r + c) % 2 == 0
    ]
    blank = np.ones(canvas.shape, bool)
    for digit, (top, left) in enumerate(corners):
        first = next(i for i, label in enumerate(y_test) if label == digit)
        np.testing.assert_array_equal(canvas[top : top + 28, left : left + 28], x_test[first])
        blank[top : top + 28, left : left + 28] = False
    assert not canvas[blank].any()  # the white squares of the checkerboard stay empty


def test_digit_canvas_explains_what_does_not_fit():
    images, labels = np.zeros((3, 28, 28), np.uint8), np.array([0, 1, 2])
    with pytest.raises(ValueError, match="too few for 3 digits"):
        data.digit_canvas(images, labels, digits=[0, 1, 2], grid=(2, 2))
    with pytest.raises(ValueError, match="no image has the label 7"):
        data.digit_canvas(images, labels, digits=[0, 7])
    with pytest.raises(ValueError, match="shape \\(N, height, width\\)"):
        data.digit_canvas(images[..., None], labels)


def test_split_validation_of_mnist_is_a_balanced_disjoint_fifth(mnist):
    (x, y), _ = mnist
    (x_fit, y_fit), (x_val, y_val) = data.split_validation(x, y, 12_000, seed=0)
    assert (len(y_fit), len(y_val)) == (48_000, 12_000)
    # each digit keeps its share of the training set, to within one image
    assert np.abs(np.bincount(y_val) - np.bincount(y) / 5).max() <= 1
    # disjoint, and together the whole training set (compare images as bytes)
    fit_rows = {row.tobytes() for row in x_fit[:2000]}
    assert not fit_rows & {row.tobytes() for row in x_val}
    assert sorted(np.concatenate([y_fit, y_val]).tolist()) == sorted(y.tolist())
    (_, y_other), _ = data.split_validation(x, y, 12_000, seed=1)
    assert not np.array_equal(y_other, y_fit)  # another seed, another draw
    with pytest.raises(ValueError, match="leave examples to fit"):
        data.split_validation(x[:10], y[:10], 10)
    with pytest.raises(TypeError):
        data.split_validation(x, y, 1.5)


def test_digit_scenes_paste_resized_digits_inside_their_boxes_with_their_masks(mnist):
    (x_train, y_train), _ = mnist
    scenes = data.digit_scenes(x_train, y_train, 40, size=64, count=3, sides=(16, 32), seed=5)
    assert len(scenes) == 40 and scenes.images.dtype == np.uint8
    for i in range(40):
        ink = np.zeros((64, 64), bool)
        for (top, left, bottom, right), label, source in zip(
            scenes.boxes[i], scenes.labels[i], scenes.sources[i], strict=True
        ):
            side = bottom - top
            assert right - left == side and 16 <= side <= 32 and 0 <= top and bottom <= 64
            assert label == y_train[source]
            crop = scenes.images[i, top:bottom, left:right]
            # the digit's ink is where the mask says: label + 1, and 0 around it
            mask = scenes.masks[i, top:bottom, left:right]
            np.testing.assert_array_equal(mask == label + 1, crop >= 128)
            assert set(np.unique(mask)) <= {0, label + 1}
            # resized, not cropped: the mass centre stays near the box's centre
            rows = np.arange(side)[:, None] * crop
            assert abs(rows.sum() / crop.sum() - (side - 1) / 2) < side / 5
            assert not ink[top:bottom, left:right].any()  # boxes never overlap
            ink[top:bottom, left:right] = True
        assert not scenes.images[i][~ink].any() and not scenes.masks[i][~ink].any()


def test_digit_scenes_same_seed_same_canvases_and_sides_cover_the_range(mnist):
    (x_train, y_train), _ = mnist
    a = data.digit_scenes(x_train, y_train, 300, seed=1)
    b = data.digit_scenes(x_train, y_train, 300, seed=1)
    c = data.digit_scenes(x_train, y_train, 300, seed=2)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.boxes, b.boxes)
    assert not np.array_equal(a.images, c.images)
    sides = a.boxes[:, 0, 2] - a.boxes[:, 0, 0]
    assert sides.min() == 20 and sides.max() == 40  # both ends of the default range
    same = data.digit_scenes(x_train, y_train, 3, sides=(28, 28), seed=0)
    top, left = same.boxes[0, 0, :2]  # at scale 1 the digit is pasted as it is
    np.testing.assert_array_equal(
        same.images[0, top : top + 28, left : left + 28], x_train[same.sources[0, 0]]
    )


def test_resize_matches_scikit_image():
    transform = pytest.importorskip("skimage.transform")
    rng = np.random.default_rng(3)
    image = rng.random((28, 28))
    for side in (14, 20, 28, 37, 40):
        expected = transform.resize(image, (side, side), order=1, mode="edge", anti_aliasing=False)
        np.testing.assert_allclose(data._resize_bilinear(image, side), expected, atol=1e-12)


def test_digit_scenes_explains_what_does_not_fit():
    images, labels = np.zeros((2, 28, 28), np.uint8), np.array([0, 1])
    with pytest.raises(ValueError, match="do not fit apart"):
        data.digit_scenes(images, labels, 1, size=40, count=3, sides=(20, 20))
    with pytest.raises(ValueError, match="largest <= size"):
        data.digit_scenes(images, labels, 1, size=32, sides=(20, 40))
    with pytest.raises(ValueError, match="square images"):
        data.digit_scenes(np.zeros((2, 28, 20)), labels, 1)
