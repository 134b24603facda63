"""Build data/fashion_mnist.npz, the course's offline copy of Fashion-MNIST.

Source: the Debian package ``dataset-fashion-mnist`` (version
0.0~git20200523.55506a9-1), which ships Zalando's original gzipped IDX files under
``usr/share/datasets/fashion-mnist/``. The package is only downloaded and
unpacked into a temporary folder (``apt-get download`` + ``dpkg -x``), never
installed. The result has the keys, shapes and dtypes of
``keras.datasets.fashion_mnist.load_data()``.

Usage (from the repository root, on a Debian/Ubuntu machine)::

    apt-get update                                    # once, so apt knows the package
    python scripts/build_fashion_mnist.py             # downloads the .deb with apt-get
    python scripts/build_fashion_mnist.py --deb dataset-fashion-mnist_*_all.deb

Fashion-MNIST: Zalando Research (Han Xiao, Kashif Rasul, Roland Vollgraf), MIT licence.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import subprocess
import tempfile
from pathlib import Path

import _build
import numpy as np

PACKAGE = "dataset-fashion-mnist"
IDX_FOLDER = Path("usr/share/datasets/fashion-mnist")

# The md5 of each DECOMPRESSED IDX file, as widely published next to Zalando's md5s of the
# .gz files (the dataset loaders derived from torchvision list both). Debian re-gzipped the
# files (headers dated 2020-06-05, no file name), so the .gz md5s differ while the contents
# are identical: checking the decompressed bytes proves the copy is Zalando's original.
IDX_FILES = {
    "x_train": ("train-images-idx3-ubyte.gz", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
    "y_train": ("train-labels-idx1-ubyte.gz", "9018921c3c673c538a1fc5bad174d6f9"),
    "x_test": ("t10k-images-idx3-ubyte.gz", "8181f5470baa50b63fa0f6fddb340f0a"),
    "y_test": ("t10k-labels-idx1-ubyte.gz", "15d484375f8d13e6eb1aabb0c3f46965"),
}

FACTS = _build.PublishedFacts(
    y_train_first=(9, 0, 0, 3, 0, 2, 7, 2, 5, 5),
    y_test_first=(9, 2, 1, 1, 6, 1, 4, 6, 5, 7),
    train_counts=(6000,) * 10,
    test_counts=(1000,) * 10,
    train_mean=0.2860405969888,  # the usual normalisation constants (0.2860, 0.3530)
    train_std=0.3530242445149,
)
"""Well-known facts of Fashion-MNIST, checked on the result."""


def read_idx(data: bytes, ndim: int) -> np.ndarray:
    """Parse an uncompressed IDX file of unsigned bytes with ``ndim`` dimensions.

    IDX (the MNIST format): two zero bytes, a type byte (0x08 = unsigned byte),
    the number of dimensions, then each dimension as a big-endian int32, then the
    values. NumPy reads it directly; the header is checked, not trusted.
    """
    magic = np.frombuffer(data, dtype=">u4", count=1)[0]
    if magic != 0x0800 + ndim:
        raise ValueError(f"bad IDX magic number {magic:#010x}, expected {0x0800 + ndim:#010x}")
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    offset = 4 + 4 * ndim
    if len(data) - offset != int(np.prod(dims)):
        raise ValueError(f"IDX header says {dims} but {len(data) - offset} bytes follow")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims).copy()


def download_deb(folder: Path) -> Path:
    """``apt-get download dataset-fashion-mnist`` into ``folder``; return the .deb's path."""
    try:
        subprocess.run(["apt-get", "download", PACKAGE], cwd=folder, check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        raise SystemExit(
            f"apt-get could not download {PACKAGE} ({err}); run `apt-get update` first, "
            "or pass the .deb with --deb"
        ) from err
    (deb,) = folder.glob(f"{PACKAGE}_*.deb")
    return deb


def extract(deb: Path, folder: Path) -> Path:
    """Unpack the .deb with ``dpkg -x`` (no installation); return the IDX folder."""
    subprocess.run(["dpkg", "-x", deb, folder], check=True)
    return folder / IDX_FOLDER


def convert(idx_folder: Path) -> dict[str, np.ndarray]:
    """Read the four gzipped IDX files into the four Keras arrays."""
    arrays = {}
    for key, (filename, md5) in IDX_FILES.items():
        raw = gzip.decompress((idx_folder / filename).read_bytes())
        if hashlib.md5(raw).hexdigest() != md5:
            raise ValueError(f"{filename} decompressed does not have the published md5 {md5}")
        arrays[key] = read_idx(raw, ndim=3 if key.startswith("x") else 1)
    return arrays


def build(deb: Path, out: Path) -> str:
    """Build ``out`` from the Debian package ``deb``; return its sha256."""
    with tempfile.TemporaryDirectory() as tmp:
        arrays = convert(extract(deb, Path(tmp)))
    return _build.write_checked_npz(out, arrays, _build.check_mnist_like(arrays, FACTS))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deb", type=Path, help=f"the {PACKAGE} .deb (default: apt-get download)")
    parser.add_argument("--out", type=Path, default=_build.REPO / "data" / "fashion_mnist.npz")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        deb = args.deb.resolve() if args.deb else download_deb(Path(tmp))
        build(deb, args.out)


if __name__ == "__main__":
    main()
