"""Datasets and sample images for the course: offline first, checksummed.

The course ships its datasets with the package, so every notebook runs without a
network: in a clone (and an editable install) they are the repository's ``data/``
folder; a regular install (``pip install .``, a wheel, ``pip install git+URL``) carries
the same files inside the package, as ``cnn_course/_data``:

- ``data/mnist.npz`` -- the 70,000 handwritten digits of MNIST,
- ``data/fashion_mnist.npz`` -- the 70,000 clothing images of Fashion-MNIST,

each with exactly the arrays (keys, shapes, ``uint8`` dtype) that
``keras.datasets.mnist.load_data()`` and ``keras.datasets.fashion_mnist.load_data()``
return. Every file is checked against the sha256 recorded in :data:`CHECKSUMS`
before it is read, so a corrupted or truncated copy gives a clear error instead
of silently wrong data. Where the bundled file is missing altogether, the loaders
fall back to the real Keras download.

Real photos for the convolution demos come from scikit-image's bundled images
and matplotlib's ``grace_hopper.jpg``; see :func:`load_sample_image`.

Other bundled files (the MobileNetV2 weights, the ImageNet class index) are checked
the same way by :func:`bundled_file`.

Importing this module is cheap: Keras (and so TensorFlow) is imported only in the
download fallback, scikit-image only when a sample image is loaded.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from cnn_course import _checks, _lazy

__all__ = [
    "CHECKSUMS",
    "DATA_ENV",
    "FASHION_MNIST_CLASSES",
    "SAMPLE_IMAGES",
    "TEXTURE_CLASSES",
    "as_float_pixels",
    "bundled_file",
    "data_dir",
    "DigitScenes",
    "digit_canvas",
    "digit_scenes",
    "load_fashion_mnist",
    "load_mnist",
    "load_sample_gray",
    "load_sample_image",
    "load_textures",
    "save_npz",
    "sha256sum",
    "split_validation",
    "subset",
    "verify_checksum",
]

DATA_ENV = "CNN_COURSE_DATA"
"""Environment variable naming a folder that replaces the bundled data folder."""

_PACKAGED_DATA = "_data"  # the bundled files' folder inside an installed package (pyproject.toml)

CHECKSUMS: Mapping[str, str] = MappingProxyType(
    {
        "mnist.npz": "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
        "fashion_mnist.npz": "5b6d2c4c694a91887af8ab7d039c04f80af3c29378d731c93a538d2e831aa469",
        "mobilenet_v2_imagenet.weights.h5": (
            "f2cc799a03a33f8f93bb8cbbeb35169c11da7d7ec66ec284027d2c1d645242cb"
        ),
        "mobilenet_v2_reference.npz": (
            "53c2193525e047e664743c55cce0ce70233801b436ee16290896e4c768022437"
        ),
        "imagenet_class_index.json": (
            "a1e7a966a1f601d39e4b43e119b3e7dd4a2ad3ea08cf69847cbaf021013767bc"
        ),
    }
)
"""The sha256 of every bundled file in ``data/``, by file name (the single registry)."""

_REBUILD_SCRIPTS: Mapping[str, str] = MappingProxyType(
    {
        "mnist.npz": "scripts/build_mnist.py",
        "fashion_mnist.npz": "scripts/build_fashion_mnist.py",
        "mobilenet_v2_imagenet.weights.h5": "scripts/convert_mobilenet_v2.py",
        "mobilenet_v2_reference.npz": "scripts/convert_mobilenet_v2.py",
        "imagenet_class_index.json": "scripts/build_imagenet_classes.py",
    }
)

FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
"""The Fashion-MNIST class names, indexed by label, as the Keras documentation lists them."""

_ARRAY_KEYS = ("x_train", "y_train", "x_test", "y_test")

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class _Dataset:
    title: str  # how the course names it in messages
    filename: str  # the bundled file in data/
    keras_module: str  # keras.datasets.<keras_module>.load_data() is the fallback


_MNIST = _Dataset("MNIST", "mnist.npz", "mnist")
_FASHION_MNIST = _Dataset("Fashion-MNIST", "fashion_mnist.npz", "fashion_mnist")


def data_dir() -> Path:
    """Return the folder that holds the course's bundled data.

    That is ``$CNN_COURSE_DATA`` when the variable is set; otherwise the package's own
    ``cnn_course/_data`` after a regular install (found with :mod:`importlib.resources`),
    or else the ``data/`` folder of the repository, next to the ``cnn_course`` package
    (a clone or an editable install).

    Examples
    --------
    >>> import os
    >>> old = os.environ.pop("CNN_COURSE_DATA", None)
    >>> data_dir().name in ("data", "_data")
    True
    >>> sorted(p.name for p in data_dir().glob("*.npz"))[:2]
    ['fashion_mnist.npz', 'mnist.npz']
    >>> os.environ["CNN_COURSE_DATA"] = "/somewhere/else"
    >>> str(data_dir())
    '/somewhere/else'
    >>> _ = os.environ.pop("CNN_COURSE_DATA") if old is None else os.environ.update(
    ...     {"CNN_COURSE_DATA": old})
    """
    folder = os.environ.get(DATA_ENV, "").strip()
    if folder:
        return Path(folder).expanduser()
    packaged = importlib.resources.files("cnn_course") / _PACKAGED_DATA
    # an installed package is a folder on disk (a Path); a zipped one would need extracting
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def sha256sum(path: str | os.PathLike[str]) -> str:
    """Return the sha256 of a file as 64 hexadecimal digits.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     empty = Path(tmp) / "empty"
    ...     _ = empty.write_bytes(b"")
    ...     sha256sum(empty)
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _restore_advice(name: str) -> str:
    """How to get a bundled file back: ``git checkout`` or its rebuild script (or reinstall)."""
    if data_dir().name == _PACKAGED_DATA:
        return "reinstall the course with `pip install --force-reinstall cnn-course`"
    script = _REBUILD_SCRIPTS.get(name)
    advice = f"restore it with `git checkout -- data/{name}`"
    if script:
        advice += f" or rebuild it with `python {script}`"
    return advice


def verify_checksum(path: str | os.PathLike[str], name: str | None = None) -> Path:
    """Check a bundled file against its sha256 in :data:`CHECKSUMS`.

    Parameters
    ----------
    path : str or Path
        The file to check.
    name : str, optional
        Its entry in :data:`CHECKSUMS`; by default the file's own name.

    Returns
    -------
    Path
        ``path``, once it has been verified.

    Raises
    ------
    FileNotFoundError
        If the file does not exist (the message says how to restore it).
    ValueError
        If the file is corrupted (its sha256 differs from the recorded one) or
        ``name`` has no entry in the registry.

    Examples
    --------
    >>> verify_checksum(data_dir() / "mnist.npz").name
    'mnist.npz'
    """
    path = Path(path)
    name = path.name if name is None else name
    if name not in CHECKSUMS:
        raise ValueError(
            f"no checksum is recorded for {name!r}; the course knows {sorted(CHECKSUMS)}"
        )
    if not path.is_file():
        raise FileNotFoundError(f"the data file {path} does not exist: {_restore_advice(name)}")
    expected = CHECKSUMS[name]
    actual = sha256sum(path)
    if actual != expected:
        raise ValueError(
            f"the data file {path} is corrupted (truncated, modified or another file): "
            f"its sha256 is {actual}, expected {expected}. "
            f"{_restore_advice(name).capitalize()}."
        )
    return path


def bundled_file(name: str) -> Path:
    """The path of the bundled file ``data/<name>``, once its sha256 is verified.

    For files read by other modules (the MobileNetV2 weights, the ImageNet class index):
    one call checks that the file is there and intact against :data:`CHECKSUMS`.

    Parameters
    ----------
    name : str
        A key of :data:`CHECKSUMS`, e.g. ``"imagenet_class_index.json"``.

    Raises
    ------
    FileNotFoundError
        If the file is missing (with how to restore or rebuild it).
    ValueError
        If it is corrupted, or ``name`` is not a bundled file.

    Examples
    --------
    >>> bundled_file("imagenet_class_index.json").name
    'imagenet_class_index.json'
    >>> bundled_file("mobilenet_v2_imagenet.weights.h5").stat().st_size > 10_000_000
    True
    """
    return verify_checksum(data_dir() / name, name)


def save_npz(path: str | os.PathLike[str], **arrays: np.ndarray) -> None:
    """Write arrays into a compressed ``.npz`` file whose bytes are reproducible.

    The file is what :func:`numpy.savez_compressed` writes and :func:`numpy.load`
    reads, except that every member carries a fixed date (1980-01-01):
    ``savez_compressed`` stamps the current time into the zip, so rebuilding a
    data file would change its sha256 every time. Hand-written for that reason,
    with NumPy's own ``.npy`` writer for each array.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     a, b = Path(tmp) / "a.npz", Path(tmp) / "b.npz"
    ...     save_npz(a, x=np.arange(6, dtype=np.uint8).reshape(2, 3))
    ...     save_npz(b, x=np.arange(6, dtype=np.uint8).reshape(2, 3))
    ...     same = sha256sum(a) == sha256sum(b)
    ...     with np.load(a) as f:
    ...         x = f["x"]
    >>> same, x.tolist()
    (True, [[0, 1, 2], [3, 4, 5]])
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)


def _read_bundled(dataset: _Dataset, path: Path) -> Arrays:
    """Verify and read a bundled ``.npz`` (fresh arrays on every call)."""
    verify_checksum(path, dataset.filename)
    try:
        with np.load(path, allow_pickle=False) as archive:
            x_train, y_train, x_test, y_test = (archive[key] for key in _ARRAY_KEYS)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(
            f"the data file {path} is corrupted and cannot be read as {dataset.title} "
            f"({type(err).__name__}: {err}). {_restore_advice(dataset.filename).capitalize()}."
        ) from err
    return (x_train, y_train), (x_test, y_test)


def _keras_load_data(dataset: _Dataset) -> Arrays:
    """``keras.datasets.<name>.load_data()``: downloads unless Keras has it cached."""
    # the public attribute, as the Keras documentation spells it: before Keras 3.10 the module
    # that importlib finds under that name is another object than keras.datasets.<name>
    return getattr(_lazy.keras().datasets, dataset.keras_module).load_data()


def _load(dataset: _Dataset, path: str | os.PathLike[str] | None) -> Arrays:
    if path is not None:
        # An explicit path is the caller's choice: read it or say why not, no fallback.
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"the {dataset.title} file {path} does not exist")
        return _read_bundled(dataset, path)
    bundled = data_dir() / dataset.filename
    if bundled.is_file():
        return _read_bundled(dataset, bundled)
    try:
        return _keras_load_data(dataset)
    except Exception as err:  # no network, no Keras cache: any failure means "not available"
        raise FileNotFoundError(
            f"{dataset.title} is not available. The course looked for its bundled copy "
            f"{bundled} (not there), then tried to download it with "
            f"keras.datasets.{dataset.keras_module}.load_data(), which failed "
            f"({type(err).__name__}: {err}). To fix it: clone the course repository "
            f"with its data/ folder, or set {DATA_ENV} to a folder that holds "
            f"{dataset.filename}, or connect to the internet and run again."
        ) from err


def load_mnist(path: str | os.PathLike[str] | None = None) -> Arrays:
    """Load MNIST: 60,000 training and 10,000 test images of handwritten digits.

    The same arrays as ``keras.datasets.mnist.load_data()``, read from the
    bundled ``data/mnist.npz`` after its sha256 is verified. Without the bundled
    file, the Keras download is used instead.

    Parameters
    ----------
    path : str or Path, optional
        An ``.npz`` file to read instead of the bundled one (it must hold the
        same data: it is checked against the same sha256). No download fallback.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        ``uint8`` arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28),
        (10000,); pixels 0..255, labels 0..9. New arrays on every call, so they
        can be modified freely.

    Raises
    ------
    ValueError
        If the file is corrupted or truncated (the message says how to restore it).
    FileNotFoundError
        If there is no bundled file and the download fails too.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist()
    >>> x_train.shape, x_test.shape, x_train.dtype
    ((60000, 28, 28), (10000, 28, 28), dtype('uint8'))
    >>> y_train[:10]
    array([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], dtype=uint8)
    >>> np.bincount(y_test).tolist()
    [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]

    The famous normalisation constants are the training pixels' mean and standard
    deviation on the 0..1 scale:

    >>> round(float(x_train.mean()) / 255, 4), round(float(x_train.std()) / 255, 4)
    (0.1307, 0.3081)
    """
    return _load(_MNIST, path)


def load_fashion_mnist(path: str | os.PathLike[str] | None = None) -> Arrays:
    """Load Fashion-MNIST: 60,000 training and 10,000 test images of clothing.

    The same arrays as ``keras.datasets.fashion_mnist.load_data()``, read from
    the bundled ``data/fashion_mnist.npz`` after its sha256 is verified; label
    ``i`` is the class ``FASHION_MNIST_CLASSES[i]``. Parameters, return value
    and errors as for :func:`load_mnist`.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    >>> x_train.shape, x_test.shape, x_train.dtype
    ((60000, 28, 28), (10000, 28, 28), dtype('uint8'))
    >>> [FASHION_MNIST_CLASSES[label] for label in y_train[:3]]
    ['Ankle boot', 'T-shirt/top', 'T-shirt/top']
    >>> np.bincount(y_test).tolist()
    [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]
    """
    return _load(_FASHION_MNIST, path)


def _skimage_image(name: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import skimage.data

        return getattr(skimage.data, name)()

    return load


def _grace_hopper() -> np.ndarray:
    # The photo ships inside matplotlib's package data; find it without importing
    # matplotlib (a figure library: the data layer does not import it) and read it with
    # scikit-image's reader, as the other sample photos are.
    import importlib.util

    import skimage.io

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("matplotlib is not installed, so grace_hopper.jpg is missing")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return skimage.io.imread(folder / "mpl-data" / "sample_data" / "grace_hopper.jpg")


# Only images that ship inside the installed packages: several other skimage.data
# images are downloaded with pooch on first use and fail offline.
_SAMPLE_LOADERS: Mapping[str, Callable[[], np.ndarray]] = {
    "astronaut": _skimage_image("astronaut"),  # RGB, NASA (public domain)
    "brick": _skimage_image("brick"),  # grayscale texture
    "camera": _skimage_image("camera"),  # grayscale, the cameraman
    "cat": _skimage_image("chelsea"),  # RGB, Chelsea the cat
    "chelsea": _skimage_image("chelsea"),
    "coffee": _skimage_image("coffee"),  # RGB, a cup of coffee
    "coins": _skimage_image("coins"),  # grayscale
    "grace_hopper": _grace_hopper,  # RGB, matplotlib's sample photo
    "grass": _skimage_image("grass"),  # grayscale texture
    "gravel": _skimage_image("gravel"),  # grayscale texture
    "hubble_deep_field": _skimage_image("hubble_deep_field"),  # RGB
    "immunohistochemistry": _skimage_image("immunohistochemistry"),  # RGB
    "moon": _skimage_image("moon"),  # grayscale
    "page": _skimage_image("page"),  # grayscale, printed text
    "retina": _skimage_image("retina"),  # RGB
    "rocket": _skimage_image("rocket"),  # RGB
    "text": _skimage_image("text"),  # grayscale
}

SAMPLE_IMAGES: tuple[str, ...] = tuple(_SAMPLE_LOADERS)
"""Names accepted by :func:`load_sample_image` and :func:`load_sample_gray`."""


def _raw_sample(name: str) -> np.ndarray:
    if name not in _SAMPLE_LOADERS:
        raise ValueError(
            f"there is no sample image called {name!r}; choose one of {', '.join(SAMPLE_IMAGES)}"
        )
    return _SAMPLE_LOADERS[name]()


def load_sample_image(name: str) -> np.ndarray:
    """Return a bundled real photo as a ``uint8`` RGB array of shape (H, W, 3).

    The photos ship with scikit-image (``skimage.data``) and matplotlib, so they
    load offline. Grayscale photos (``camera``, ``brick``, ``grass``, ``gravel``,
    ``coins``, ``moon``, ``page``, ``text``) are returned with their one channel
    repeated three times, so every name gives the same kind of array.

    Parameters
    ----------
    name : str
        One of :data:`SAMPLE_IMAGES`, e.g. ``"cat"``, ``"coffee"``, ``"camera"``.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`SAMPLE_IMAGES`.

    Examples
    --------
    >>> cat = load_sample_image("cat")
    >>> cat.shape, cat.dtype
    ((300, 451, 3), dtype('uint8'))
    >>> camera = load_sample_image("camera")
    >>> camera.shape, bool((camera[..., 0] == camera[..., 2]).all())
    ((512, 512, 3), True)
    """
    image = _raw_sample(name)
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    return np.ascontiguousarray(image[..., :3], dtype=np.uint8)


def load_sample_gray(name: str) -> np.ndarray:
    """Return a bundled photo as a float grayscale image (H, W) with values in [0, 1].

    Colour photos are converted with :func:`skimage.color.rgb2gray` (luminance
    0.2125 R + 0.7154 G + 0.0721 B); grayscale photos are only rescaled from
    0..255 to 0..1. Handy for the edge-detection demos.

    Examples
    --------
    >>> gray = load_sample_gray("coffee")
    >>> gray.shape, gray.dtype, bool(0 <= gray.min() and gray.max() <= 1)
    ((400, 600), dtype('float64'), True)
    >>> bool(load_sample_gray("camera").max() == load_sample_image("camera").max() / 255)
    True
    """
    import skimage.color
    import skimage.util

    image = _raw_sample(name)
    if image.ndim == 2:
        return skimage.util.img_as_float64(image)
    return skimage.color.rgb2gray(image[..., :3])


def subset(x: np.ndarray, y: np.ndarray, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` examples at random, keeping the class proportions of ``y``.

    Quick mode trains on such subsets. Each class gets ``n × (its share of y)``
    examples, rounded so the total is exactly ``n``; the examples keep their
    original order. (Hand-written: scikit-learn's ``train_test_split`` does this
    but is not a dependency of the course.)

    Parameters
    ----------
    x, y : numpy.ndarray
        Examples and their integer labels, same length.
    n : int
        How many examples to keep, 1 <= n <= len(y).
    seed : int
        Seed of the random draw (>= 0): the same seed gives the same subset.

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not a whole number.
    ValueError
        If ``n`` is out of range or ``x`` and ``y`` differ in length.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
    >>> xs, ys = subset(np.arange(10) * 10, y, 5, seed=0)
    >>> np.bincount(ys).tolist(), len(xs)
    ([2, 2, 1], 5)
    >>> bool(np.all(xs // 10 < 10) and np.all(y[xs // 10] == ys))
    True
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(
            f"x and y must hold the same number of examples, got {len(x)} and {len(y)}"
        )
    n = _checks.integer(n, "the subset size", minimum=1, maximum=len(y))
    seed = _checks.non_negative_int(seed, "the seed")
    classes, labels, counts = np.unique(y, return_inverse=True, return_counts=True)
    share = n * counts / len(y)
    quota = np.floor(share).astype(int)
    # Hand the examples lost to rounding down to the classes with the largest remainders.
    leftover = n - quota.sum()
    quota[np.argsort(-(share - quota), kind="stable")[:leftover]] += 1
    order = np.random.default_rng(seed).permutation(len(y))
    keep = np.concatenate([order[labels[order] == c][: quota[c]] for c in range(len(classes))])
    keep.sort()
    return x[keep], y[keep]


def split_validation(x: np.ndarray, y: np.ndarray, validation_size: int, seed: int = 0) -> Arrays:
    """Hold ``validation_size`` training examples out, keeping the class proportions.

    Settings (epochs, learning rate, a regulariser's strength) are chosen on the held-out
    *validation* examples; the test set is scored once, with the chosen settings. The
    validation examples are :func:`subset`'s draw; the others, in their original order,
    are the examples to fit.

    Parameters
    ----------
    x, y : numpy.ndarray
        Training examples and their integer labels, same length.
    validation_size : int
        How many to hold out, 1 <= validation_size < len(y).
    seed : int
        Seed of the draw (>= 0).

    Returns
    -------
    ((x_fit, y_fit), (x_validation, y_validation))
        Disjoint; together they are ``x, y``.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
    >>> (xf, yf), (xv, yv) = split_validation(np.arange(10), y, 5, seed=0)
    >>> np.bincount(yv).tolist(), len(xf), sorted(xf.tolist() + xv.tolist()) == list(range(10))
    ([2, 2, 1], 5, True)
    >>> split_validation(np.arange(10), y, 10)
    Traceback (most recent call last):
    ...
    ValueError: the validation set must leave examples to fit: 10 of 10 is too many
    """
    x, y = np.asarray(x), np.asarray(y)
    validation_size = _checks.positive_int(validation_size, "the validation-set size")
    if validation_size >= len(y):
        raise ValueError(
            "the validation set must leave examples to fit: "
            f"{validation_size} of {len(y)} is too many"
        )
    index, _ = subset(np.arange(len(y)), y, validation_size, seed=seed)
    held_out = np.zeros(len(y), dtype=bool)
    held_out[index] = True
    return (x[~held_out], y[~held_out]), (x[held_out], y[held_out])


def digit_canvas(
    images: np.ndarray,
    labels: np.ndarray,
    digits: Sequence[int] = tuple(range(10)),
    grid: tuple[int, int] = (4, 5),
) -> tuple[np.ndarray, np.ndarray]:
    """A larger image holding several digits, for a fully convolutional network (notebook 09).

    The first image of each digit in ``digits`` (in the order of ``images``) is
    pasted into a cell of a ``grid`` of image-sized cells, on the "black squares" of
    a checkerboard (cells whose row + column is even), row by row; the other cells
    stay 0, so no two digits touch.

    Parameters
    ----------
    images : numpy.ndarray, shape (N, h, w)
        E.g. the MNIST test images.
    labels : numpy.ndarray, shape (N,)
    digits : sequence of int
        Which labels to place, in order.
    grid : (rows, columns)
        Size of the canvas in cells.

    Returns
    -------
    canvas : numpy.ndarray, shape (rows·h, columns·w), the dtype of ``images``
    corners : numpy.ndarray, shape (len(digits), 2)
        (top, left) pixel of each placed digit.

    Raises
    ------
    TypeError
        If a digit or a grid size is not a whole number.
    ValueError
        If a digit does not occur in ``labels`` or the grid has too few checkerboard cells.

    Examples
    --------
    >>> images = np.repeat(np.arange(1, 4, dtype=np.uint8), 4).reshape(3, 2, 2)  # all 1s, 2s, 3s
    >>> canvas, corners = digit_canvas(images, np.array([7, 3, 7]), digits=[3, 7], grid=(2, 3))
    >>> canvas
    array([[2, 2, 0, 0, 1, 1],
           [2, 2, 0, 0, 1, 1],
           [0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0]], dtype=uint8)
    >>> corners.tolist()
    [[0, 0], [0, 4]]
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or len(images) != len(labels):
        raise ValueError(
            f"digit_canvas needs images of shape (N, height, width) and N labels, got images "
            f"{images.shape} and {labels.shape} labels"
        )
    rows, cols = _checks.int_pair(grid, "the grid (rows, columns)")
    digits = [_checks.integer(digit, "each digit to place") for digit in digits]
    cells = [(r, c) for r in range(rows) for c in range(cols) if (r + c) % 2 == 0]
    if len(digits) > len(cells):
        raise ValueError(
            f"a {rows}×{cols} grid has {len(cells)} checkerboard cells, too few for "
            f"{len(digits)} digits: use a larger grid"
        )
    h, w = images.shape[1:]
    canvas = np.zeros((rows * h, cols * w), dtype=images.dtype)
    corners = np.array(cells[: len(digits)], dtype=int).reshape(-1, 2) * (h, w)
    for digit, (top, left) in zip(digits, corners, strict=True):
        found = np.flatnonzero(labels == digit)
        if len(found) == 0:
            raise ValueError(f"no image has the label {digit!r}")
        canvas[top : top + h, left : left + w] = images[found[0]]
    return canvas, corners


def _resize_bilinear(image: np.ndarray, side: int) -> np.ndarray:
    """A square ``image`` resized to ``side``×``side`` by bilinear interpolation (float64).

    Pixel centres are matched (the output pixel ``i`` samples the input at
    ``(i + 0.5)·n/side - 0.5``, the border pixels repeated beyond the edge), as
    ``skimage.transform.resize`` does with ``order=1, mode="edge"``.

    >>> _resize_bilinear(np.array([[0.0, 4.0], [8.0, 12.0]]), 4)[0]
    array([0., 1., 3., 4.])
    """
    n = image.shape[0]
    at = np.clip((np.arange(side) + 0.5) * n / side - 0.5, 0, n - 1)
    low = np.floor(at).astype(int)
    high = np.minimum(low + 1, n - 1)
    w = at - low
    rows = image[low] * (1 - w)[:, None] + image[high] * w[:, None]
    return rows[:, low] * (1 - w) + rows[:, high] * w


@dataclass(frozen=True)
class DigitScenes:
    """Canvases holding digits at random places and sizes, with their boxes and masks.

    Attributes
    ----------
    images : numpy.ndarray of uint8, shape (N, size, size)
    boxes : numpy.ndarray of int64, shape (N, count, 4)
        Each pasted digit image's box ``(top, left, bottom, right)`` in pixels, bottom and
        right excluded (``images[n, top:bottom, left:right]`` is the resized digit).
    labels : numpy.ndarray of int64, shape (N, count)
        The digits' classes, 0–9.
    masks : numpy.ndarray of uint8, shape (N, size, size)
        Per-pixel classes: 0 for the background, ``label + 1`` on a digit's ink (its
        resized pixels of at least ``ink``).
    sources : numpy.ndarray of int64, shape (N, count)
        Which of the given images each digit is.
    """

    images: np.ndarray
    boxes: np.ndarray
    labels: np.ndarray
    masks: np.ndarray
    sources: np.ndarray

    def __len__(self) -> int:
        return len(self.images)


def digit_scenes(
    images: np.ndarray,
    labels: np.ndarray,
    n: int,
    *,
    size: int = 64,
    count: int = 1,
    sides: tuple[int, int] = (20, 40),
    ink: int = 128,
    seed: int = 0,
) -> DigitScenes:
    """``n`` canvases with ``count`` digits each, at random positions and sizes (seeded).

    The data of notebook 12 (localisation, detection, segmentation). For each canvas,
    ``count`` images are drawn at random from ``images``, each resized (bilinear) to a
    random side in ``sides`` (both included) and pasted at a random place where its box
    overlaps no other box of the canvas, so digits never touch. The same arguments give
    the same canvases.

    Parameters
    ----------
    images : numpy.ndarray of uint8, shape (M, h, h)
        Square digit images, e.g. MNIST's (28×28, the digit in the middle 20×20).
    labels : numpy.ndarray, shape (M,)
    n : int
        Number of canvases.
    size : int, default 64
        Side of the (square) canvas.
    count : int, default 1
        Digits per canvas.
    sides : (int, int), default (20, 40)
        Smallest and largest side of a pasted digit image, at most ``size``.
    ink : int, default 128
        The pixel value from which a pixel is the digit's in the mask.
    seed : int, default 0

    Returns
    -------
    DigitScenes

    Raises
    ------
    TypeError
        If a size, count, side or seed is not a whole number.
    ValueError
        If a value is out of range, or ``count`` digits do not fit on the canvas.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> digits = (rng.random((5, 28, 28)) * 255).astype(np.uint8)
    >>> scenes = digit_scenes(digits, np.arange(5), 3, size=48, count=2, sides=(14, 20))
    >>> scenes.images.shape, scenes.boxes.shape, scenes.labels.shape, scenes.masks.shape
    ((3, 48, 48), (3, 2, 4), (3, 2), (3, 48, 48))
    >>> top, left, bottom, right = scenes.boxes[0, 0]
    >>> bool(np.all(scenes.masks[0][top:bottom, left:right] <= scenes.labels[0, 0] + 1))
    True
    >>> np.array_equal(scenes.images, digit_scenes(digits, np.arange(5), 3, size=48,
    ...                count=2, sides=(14, 20)).images)   # the same seed, the same canvases
    True
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or images.shape[1] != images.shape[2] or len(images) != len(labels):
        raise ValueError(
            f"digit_scenes needs square images (M, h, h) and M labels, got images "
            f"{images.shape} and {labels.shape} labels"
        )
    n = _checks.positive_int(n, "the number of canvases")
    size = _checks.positive_int(size, "the canvas size")
    count = _checks.positive_int(count, "the number of digits per canvas")
    low, high = _checks.int_pair(sides, "the sides (smallest, largest)")
    if not low <= high <= size:
        raise ValueError(
            f"the sides must satisfy 1 <= smallest <= largest <= size ({size}), got {sides!r}"
        )
    ink = _checks.integer(ink, "ink", minimum=1, maximum=255)
    seed = _checks.non_negative_int(seed, "the seed")
    rng = np.random.default_rng(seed)
    canvases = np.zeros((n, size, size), np.uint8)
    masks = np.zeros((n, size, size), np.uint8)
    boxes = np.zeros((n, count, 4), np.int64)
    chosen = rng.integers(0, len(images), size=(n, count))
    for i in range(n):
        for j in range(count):
            for _ in range(1000):
                side = int(rng.integers(low, high + 1))
                top, left = (int(v) for v in rng.integers(0, size - side + 1, size=2))
                box = (top, left, top + side, left + side)
                clear = all(
                    box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1]
                    for b in boxes[i, :j]
                )
                if clear:
                    break
            else:
                raise ValueError(
                    f"{count} digits of {low} to {high} pixels do not fit apart on a "
                    f"{size}×{size} canvas: use fewer or smaller digits"
                )
            digit = np.clip(np.rint(_resize_bilinear(images[chosen[i, j]], side)), 0, 255)
            canvases[i, top : top + side, left : left + side] = digit.astype(np.uint8)
            masks[i, top : top + side, left : left + side][digit >= ink] = (
                int(labels[chosen[i, j]]) + 1
            )
            boxes[i, j] = box
    return DigitScenes(canvases, boxes, labels[chosen].astype(np.int64), masks, chosen)


def as_float_pixels(image: Any, what: str = "image") -> np.ndarray:
    """An image's pixel values as ``float32``, refusing non-numbers, NaN and infinity.

    The common last check of every function that feeds a student's image to a
    model (:mod:`cnn_course.pretrained`, :mod:`cnn_course.explain`); the shape
    checks stay with each caller, which knows what it expects. Booleans, strings and
    complex numbers raise :class:`TypeError`, NaN and infinity :class:`ValueError`.

    Examples
    --------
    >>> as_float_pixels(np.array([[0, 255]], np.uint8))
    array([[  0., 255.]], dtype=float32)
    >>> as_float_pixels(np.array([[np.nan]]), what="photo")
    Traceback (most recent call last):
    ...
    ValueError: the photo contains NaN or infinite values
    """
    arr = np.asarray(image)
    if arr.dtype.kind not in "iuf":  # not bool, complex, strings or objects
        raise TypeError(f"the {what} must hold numbers (pixel values), got dtype {arr.dtype}")
    pixels = arr.astype(np.float32)
    if not np.isfinite(pixels).all():
        raise ValueError(f"the {what} contains NaN or infinite values")
    return pixels


TEXTURE_CLASSES: tuple[str, ...] = ("brick", "grass", "gravel")
"""The classes of :func:`load_textures` in label order: scikit-image's bundled texture photos."""


def load_textures(patch_size: int = 32, stride: int = 16, test_width: int = 128) -> Arrays:
    """Patches of three natural texture photos: a small labelled set close to ImageNet.

    scikit-image ships three 512×512 grayscale photos of textures with the package (no
    download): a brick wall, grass and gravel (:data:`TEXTURE_CLASSES`, labels 0, 1, 2).
    Each photo is cut into ``patch_size``×``patch_size`` patches, ``stride`` pixels apart
    (:func:`skimage.util.view_as_windows`). The patches of the photo's right-hand
    ``test_width`` columns are the test set, those of the rest the training set: patches
    overlap inside a split but never across, so no test pixel is ever trained on.

    Natural photos of things ImageNet has seen (walls, lawns, pebbles) make the
    « domaine d'imagenet » column of deck 002's transfer-learning table, Fashion-MNIST
    (:func:`load_fashion_mnist`) the « domaine différent ». The result is deterministic:
    same arguments, same arrays.

    Parameters
    ----------
    patch_size : int
        Side of a patch in pixels (1 to 128).
    stride : int
        Distance between neighbouring patches (>= 1); ``stride=patch_size`` gives
        patches that do not overlap.
    test_width : int
        Width in pixels of the strip kept for testing, from ``patch_size`` to 512 − patch_size.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``uint8`` images of shape (N, patch_size, patch_size) -- grayscale, like
        Fashion-MNIST -- and ``uint8`` labels, class by class in the order of
        :data:`TEXTURE_CLASSES`.

    Raises
    ------
    TypeError
        If an argument is not a whole number.
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_textures()
    >>> x_train.shape, x_test.shape, x_train.dtype
    ((2139, 32, 32), (651, 32, 32), dtype('uint8'))
    >>> np.bincount(y_train).tolist(), np.bincount(y_test).tolist()  # 31 rows × 23 or 7 columns
    ([713, 713, 713], [217, 217, 217])
    >>> [TEXTURE_CLASSES[label] for label in (y_train[0], y_test[-1])]
    ['brick', 'gravel']
    """
    import skimage.util

    patch_size = _checks.integer(patch_size, "patch_size", minimum=1, maximum=128)
    stride = _checks.positive_int(stride, "stride")
    side = 512  # every texture photo of scikit-image is 512×512
    test_width = _checks.integer(
        test_width, "test_width", minimum=patch_size, maximum=side - patch_size
    )
    splits: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {
        "train": ([], []),
        "test": ([], []),
    }
    for label, name in enumerate(TEXTURE_CLASSES):
        photo = np.asarray(_raw_sample(name), dtype=np.uint8)
        if photo.shape != (side, side):  # pragma: no cover - another scikit-image release
            raise ValueError(
                f"expected scikit-image's {name} photo to be 512×512, got {photo.shape}"
            )
        cut = side - test_width
        for split, region in (("train", photo[:, :cut]), ("test", photo[:, cut:])):
            windows = skimage.util.view_as_windows(region, patch_size, step=stride)
            patches = windows.reshape(-1, patch_size, patch_size)
            splits[split][0].append(patches)
            splits[split][1].append(np.full(len(patches), label, dtype=np.uint8))
    (x_train, y_train), (x_test, y_test) = (
        (np.ascontiguousarray(np.concatenate(xs)), np.concatenate(ys)) for xs, ys in splits.values()
    )
    return (x_train, y_train), (x_test, y_test)
