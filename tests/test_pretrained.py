"""Tests of cnn_course.pretrained: the bundled ImageNet MobileNetV2, classify, keras.applications.

Models are slow to build, so each one is built once per module (fixtures). Transfer
learning is tested in test_transfer.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import struct
import subprocess
import sys
import types
from collections import OrderedDict
from pathlib import Path

import convert_mobilenet_v2
import numpy as np
import pytest
import skimage.data

from cnn_course import pretrained
from cnn_course.data import DATA_ENV, data_dir

keras = pytest.importorskip("keras")

KERAS_CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"  # what decode_predictions checks
MOBILENET_V2_PARAMS = 3_538_984  # keras.applications.MobileNetV2() with its top


@pytest.fixture(scope="module")
def logits_model():
    return pretrained.imagenet_backbone(include_top=True, classifier_activation=None)


@pytest.fixture(scope="module")
def reference():
    with np.load(data_dir() / "mobilenet_v2_reference.npz", allow_pickle=False) as f:
        return {key: f[key] for key in f.files}


# --------------------------------------------------------------------------------------
# The converted model
# --------------------------------------------------------------------------------------
def test_parameter_count(logits_model):
    assert logits_model.count_params() == MOBILENET_V2_PARAMS


def test_reproduces_reference_logits(logits_model, reference):
    assert reference["images"].shape == (3, 224, 224, 3)
    assert reference["images"].dtype == np.uint8
    logits = np.asarray(logits_model(reference["images"].astype(np.float32), training=False))
    np.testing.assert_allclose(logits, reference["logits"], atol=1e-4, rtol=0)
    # the photos' crops: chelsea is a cat, coffee an espresso
    names = pretrained.imagenet_class_names()
    assert names[int(np.argmax(logits[1]))] in {"Egyptian_cat", "tabby", "tiger_cat"}
    assert names[int(np.argmax(logits[2]))] == "espresso"


def test_feature_extractor_has_the_same_weights(logits_model, reference):
    """Pooled no-top features through the classifier's dense layer give the same logits."""
    features = pretrained.imagenet_backbone(include_top=False)
    assert features.output.shape == (None, 7, 7, 1280)
    assert features.count_params() == MOBILENET_V2_PARAMS - (1280 * 1000 + 1000)
    pooled = np.asarray(features(reference["images"].astype(np.float32))).mean(axis=(1, 2))
    kernel, bias = logits_model.get_layer("predictions").get_weights()
    np.testing.assert_allclose(pooled @ kernel + bias, reference["logits"], atol=1e-3, rtol=0)


def test_torchvision_conventions(logits_model):
    """Symmetric padding for stride 2, BatchNorm epsilon 1e-5, ReLU6."""
    layer = logits_model.get_layer
    assert layer("Conv1_pad").padding == ((1, 1), (1, 1))
    assert layer("Conv1").padding == "valid" and layer("Conv1").strides == (2, 2)
    bns = [x for x in logits_model.layers if isinstance(x, keras.layers.BatchNormalization)]
    assert len(bns) == 52 and {bn.epsilon for bn in bns} == {1e-5}
    assert layer("out_relu").max_value == 6.0
    assert layer("dropout").rate == 0.2


# --------------------------------------------------------------------------------------
# The bundled files
# --------------------------------------------------------------------------------------
def test_class_index_has_keras_md5():
    data = (data_dir() / "imagenet_class_index.json").read_bytes()
    assert hashlib.md5(data).hexdigest() == KERAS_CLASS_INDEX_MD5 == pretrained.CLASS_INDEX_MD5
    index = json.loads(data)
    assert index["0"] == ["n01440764", "tench"]
    assert index["999"][1] == "toilet_tissue"


def test_corrupted_or_missing_weights(tmp_path):
    copy = tmp_path / pretrained.WEIGHTS_FILE
    shutil.copyfile(pretrained.weights_path(), copy)
    with open(copy, "r+b") as f:
        f.seek(7_000_000)
        byte = f.read(1)
        f.seek(7_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ValueError, match="corrupted"):
        pretrained.imagenet_backbone(weights=copy)
    with pytest.raises(FileNotFoundError, match="convert_mobilenet_v2.py"):
        pretrained.weights_path(tmp_path / "missing.weights.h5")


# --------------------------------------------------------------------------------------
# Reading the .pth file without torch
# --------------------------------------------------------------------------------------
def _legacy_pth(state: OrderedDict, monkeypatch) -> bytes:
    """Write ``state`` in PyTorch's legacy format, with stand-ins registered as ``torch``.

    Values are either picklable objects or ``(storage_name, offset, shape, stride)``
    tensors into the float32/int64 arrays of ``storages``.
    """
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):  # never called: only its name is pickled
        raise AssertionError

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    storage_types = {}
    for name in ("FloatStorage", "LongStorage"):
        storage_types[name] = type(name, (), {"__module__": "torch"})
        setattr(torch, name, storage_types[name])
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)

    class Storage:
        def __init__(self, key, array):
            self.key, self.array = key, array

    class Tensor:
        def __init__(self, storage, offset, shape, stride):
            self.args = (storage, offset, shape, stride, False, OrderedDict())

        def __reduce__(self):
            return _rebuild_tensor_v2, self.args

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, Storage):
                kind = "FloatStorage" if obj.array.dtype == np.float32 else "LongStorage"
                return ("storage", storage_types[kind], obj.key, "cpu", obj.array.size, None)
            return None

    storages = {}
    tensors = OrderedDict()
    for name, value in state.items():
        if isinstance(value, tuple):
            array, offset, shape, stride = value
            key = str(id(array))
            storages.setdefault(key, Storage(key, array))
            tensors[name] = Tensor(storages[key], offset, shape, stride)
        else:
            tensors[name] = value
    out = io.BytesIO()
    for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
        pickle.dump(header, out, protocol=2)
    Pickler(out, protocol=2).dump(tensors)
    pickle.dump(list(storages), out, protocol=2)
    for storage in storages.values():
        out.write(struct.pack("<q", storage.array.size) + storage.array.tobytes())
    return out.getvalue()


def test_legacy_reader_rebuilds_tensors(monkeypatch):
    convert = convert_mobilenet_v2
    flat = np.arange(12, dtype=np.float32)
    count = np.array([7], dtype=np.int64)
    state = OrderedDict(
        [
            ("conv.weight", (flat, 0, (3, 4), (4, 1))),
            ("conv.transposed", (flat, 0, (4, 3), (1, 4))),  # a strided view
            ("conv.bias", (flat, 8, (4,), (1,))),  # an offset into the same storage
            ("bn.num_batches_tracked", (count, 0, (), ())),
        ]
    )
    data = _legacy_pth(state, monkeypatch)
    monkeypatch.delitem(sys.modules, "torch")  # the reader must not need torch
    result = convert.read_legacy_state_dict(data)
    assert list(result) == list(state)
    np.testing.assert_array_equal(result["conv.weight"], flat.reshape(3, 4))
    np.testing.assert_array_equal(result["conv.transposed"], flat.reshape(3, 4).T)
    np.testing.assert_array_equal(result["conv.bias"], [8, 9, 10, 11])
    assert result["bn.num_batches_tracked"].dtype == np.int64
    assert int(result["bn.num_batches_tracked"]) == 7
    with pytest.raises(ValueError, match="truncated"):
        convert.read_legacy_state_dict(data[:-5])


def test_restricted_unpickler_refuses_code(monkeypatch, tmp_path):
    convert = convert_mobilenet_v2
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    payload = OrderedDict([("weight", Exploit())])
    data = _legacy_pth(payload, monkeypatch)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        convert.read_legacy_state_dict(data)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load .*eval"):
        convert.RestrictedUnpickler(io.BytesIO(pickle.dumps(eval, protocol=2)), {}).load()
    assert not marker.exists()


def test_every_keras_layer_has_a_torchvision_module(logits_model):
    convert = convert_mobilenet_v2
    mapping = convert.torchvision_module_names()
    with_weights = {layer.name for layer in logits_model.layers if layer.weights}
    assert set(mapping) == with_weights
    assert len(set(mapping.values())) == len(mapping)
    assert mapping["block_0_depthwise"] == "features.1.conv.0.0"  # no expansion in block 0
    assert mapping["block_1_project_BN"] == "features.2.conv.3"
    assert mapping["Conv_1"] == "features.18.0"


# --------------------------------------------------------------------------------------
# classify
# --------------------------------------------------------------------------------------
def test_classify_chelsea_and_coffee():
    cat = pretrained.classify(skimage.data.chelsea())
    assert len(cat) == 5
    assert {"Egyptian_cat", "tabby"} & {name for name, _ in cat}
    probs = [p for _, p in cat]
    assert probs == sorted(probs, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probs) and sum(probs) <= 1.0 + 1e-6

    coffee = pretrained.classify(skimage.data.coffee().astype(np.float64), top=3)
    assert len(coffee) == 3
    assert "espresso" in {name for name, _ in coffee}


def test_classify_grayscale_and_bad_input():
    top = pretrained.classify(skimage.data.camera(), top=2)  # (512, 512) grayscale
    assert len(top) == 2 and top[0][1] >= top[1][1]
    cat = skimage.data.chelsea()
    with pytest.raises(ValueError, match="one image"):
        pretrained.classify(cat[None])
    with pytest.raises(ValueError, match="alpha"):
        pretrained.classify(np.dstack([cat, np.full(cat.shape[:2], 255, np.uint8)]))
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        pretrained.classify(cat / 255.0)
    with pytest.raises(ValueError, match="top must be a whole number from 1 to 1000"):
        pretrained.classify(cat, top=0)


def test_preprocess_matches_pil_resize_and_crop():
    """Shorter side to 256 + centre crop 224, as torchvision does with PIL (bilinear)."""
    from PIL import Image

    cat = skimage.data.chelsea()  # 300 x 451
    ours = pretrained.imagenet_preprocess(cat)
    pil = np.asarray(Image.fromarray(cat).resize((384, 256), Image.BILINEAR), dtype=np.float32)
    expected = pil[16:240, 80:304]
    assert ours.shape == expected.shape == (224, 224, 3)
    assert np.abs(ours - expected).mean() < 2.0  # gray levels, out of 255


# --------------------------------------------------------------------------------------
# Keras' own class index and applications, offline
# --------------------------------------------------------------------------------------
def test_decode_predictions_works_offline(tmp_path):
    # Keras reads $KERAS_HOME when it is imported: run in a fresh interpreter.
    code = (
        "import json, numpy as np, keras\n"
        "from keras.src.utils import file_utils\n"
        "def no_download(*args, **kwargs):\n"
        "    raise AssertionError('decode_predictions tried to download')\n"
        "file_utils.urlretrieve = no_download\n"
        "from cnn_course.pretrained import install_keras_class_index\n"
        "print(install_keras_class_index())\n"
        "preds = np.zeros((1, 1000), dtype='float32')\n"
        "preds[0, 285], preds[0, 967] = 0.75, 0.25\n"
        "decoded = keras.applications.imagenet_utils.decode_predictions(preds, top=2)[0]\n"
        "print(json.dumps([[wnid, name, float(p)] for wnid, name, p in decoded]))\n"
    )
    env = {**os.environ, "KERAS_HOME": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    installed, decoded = result.stdout.strip().splitlines()[-2:]
    assert Path(installed) == tmp_path / "models" / "imagenet_class_index.json"
    assert json.loads(decoded) == [
        ["n02124075", "Egyptian_cat", 0.75],
        ["n07920052", "espresso", 0.25],
    ]


def test_keras_application_offline_error(monkeypatch):
    from keras.src.utils import file_utils

    def unreachable(fname, origin, **kwargs):  # what get_file raises without network
        raise Exception(
            f"URL fetch failure on {origin}: None -- [Errno -2] Name or service not known"
        )

    monkeypatch.setattr(file_utils, "get_file", unreachable)
    with pytest.raises(pretrained.WeightsDownloadError, match="imagenet_backbone") as info:
        pretrained.keras_application("MobileNetV2", input_shape=(96, 96, 3))
    assert isinstance(info.value, OSError)
    with pytest.raises(ValueError, match="MobileNetV2, MobileNetV3Large"):
        pretrained.keras_application("MobileNetV5")


def test_corrupted_class_index_is_caught_by_its_sha256(tmp_path, monkeypatch):
    index = data_dir() / pretrained.CLASS_INDEX_FILE
    corrupted = index.read_bytes().replace(b'"tench"', b'"trout"')
    (tmp_path / pretrained.CLASS_INDEX_FILE).write_bytes(corrupted)
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    pretrained.imagenet_class_index.cache_clear()
    try:
        with pytest.raises(ValueError, match="corrupted .* sha256"):
            pretrained.imagenet_class_index()
        (tmp_path / pretrained.CLASS_INDEX_FILE).unlink()
        with pytest.raises(FileNotFoundError, match="build_imagenet_classes.py"):
            pretrained.imagenet_class_index()
    finally:
        pretrained.imagenet_class_index.cache_clear()  # the real file again for other tests


def test_install_keras_class_index_keeps_a_good_copy_and_replaces_a_bad_one(tmp_path):
    target = pretrained.install_keras_class_index(tmp_path)
    assert target == tmp_path / "models" / pretrained.CLASS_INDEX_FILE
    bundled = (data_dir() / pretrained.CLASS_INDEX_FILE).read_bytes()
    assert target.read_bytes() == bundled
    before = target.stat().st_mtime_ns
    assert pretrained.install_keras_class_index(tmp_path) == target
    assert target.stat().st_mtime_ns == before  # left alone
    target.write_text("{}")
    pretrained.install_keras_class_index(tmp_path)
    assert target.read_bytes() == bundled


# --------------------------------------------------------------------------------------
# Integers are whole numbers: True, False and 3.0 are refused
# --------------------------------------------------------------------------------------
NOT_INTEGERS = [True, False, 3.0]


@pytest.mark.parametrize("value", NOT_INTEGERS)
@pytest.mark.parametrize(
    "call",
    [
        lambda v: pretrained.classify(np.zeros((64, 64, 3), np.uint8), top=v),
        lambda v: pretrained.imagenet_preprocess(np.zeros((64, 64, 3), np.uint8), resize=v),
        lambda v: pretrained.imagenet_preprocess(np.zeros((64, 64, 3), np.uint8), crop=v),
        lambda v: pretrained.center_crop(np.zeros((8, 8)), v),
        lambda v: pretrained.mobilenet_v2(input_shape=(v, 224, 3)),
        lambda v: pretrained.mobilenet_v2(input_shape=(224, v, 3)),
        lambda v: pretrained.mobilenet_v2(input_shape=(224, 224, v)),
        lambda v: pretrained.imagenet_backbone(input_shape=(224, v, 3)),
    ],
    ids=[
        "classify-top",
        "preprocess-resize",
        "preprocess-crop",
        "center_crop-size",
        "mobilenet_v2-height",
        "mobilenet_v2-width",
        "mobilenet_v2-channels",
        "imagenet_backbone-width",
    ],
)
def test_integer_parameters_refuse_bools_and_floats(call, value):
    with pytest.raises(TypeError, match="must be a whole number"):
        call(value)


def test_bad_shapes_and_flags():
    with pytest.raises(ValueError, match="at least 32×32 pixels"):
        pretrained.mobilenet_v2(input_shape=(28, 28, 3))
    with pytest.raises(ValueError, match="3 channels"):
        pretrained.mobilenet_v2(input_shape=(32, 32, 1))
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        pretrained.mobilenet_v2(input_shape=(32, 32))
    with pytest.raises(TypeError, match="include_top must be True or False"):
        pretrained.mobilenet_v2(include_top=1)
    with pytest.raises(ValueError, match="cannot crop 300×300 pixels out of a shorter side"):
        pretrained.imagenet_preprocess(np.zeros((64, 64, 3), np.uint8), resize=256, crop=300)
