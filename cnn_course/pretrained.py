"""An ImageNet-pretrained MobileNetV2 that works offline, and the ImageNet classifier.

``keras.applications.MobileNetV2(weights="imagenet")`` downloads its weights, which
fails without internet. The course therefore bundles the official torchvision
MobileNetV2 ImageNet weights (3,538,984 parameters), converted by
``scripts/convert_mobilenet_v2.py`` into ``data/mobilenet_v2_imagenet.weights.h5``
for the Keras model :func:`mobilenet_v2` builds. That model follows torchvision's
conventions, not Keras' own MobileNetV2 (whose padding and BatchNorm epsilon
differ, so torchvision's weights would give wrong answers in it):

- a stride-2 convolution pads one pixel on every side (``ZeroPadding2D(1)`` +
  ``"valid"``), Keras' own model pads only bottom/right;
- BatchNorm epsilon is 1e-5 (Keras: 1e-3);
- the input is RGB with pixel values in [0, 255]; the model normalises it itself
  with torchvision's ImageNet mean and standard deviation.

Main entry points:

- :func:`imagenet_backbone` -- the pretrained model (or its feature extractor);
- :func:`classify` -- the top-5 ImageNet classes of one photo
  (:func:`imagenet_preprocess`, :func:`imagenet_class_names`);
- :func:`install_keras_class_index` -- makes Keras' own ``decode_predictions`` work
  offline; :func:`keras_application` -- the real ``keras.applications`` download
  path for users with internet (e.g. on Colab).

Transfer learning with this backbone is in :mod:`cnn_course.transfer`. Keras (and
so TensorFlow) is imported when a function needs it, not when this module is
imported.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cnn_course import _checks, _lazy
from cnn_course.data import (
    CHECKSUMS,
    _restore_advice,
    as_float_pixels,
    data_dir,
    sha256sum,
    verify_checksum,
)

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = [
    "CLASS_INDEX_FILE",
    "CLASS_INDEX_MD5",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "INVERTED_RESIDUAL_SETTING",
    "LAST_CHANNELS",
    "MIN_SIZE",
    "NUM_BLOCKS",
    "TOTAL_PARAMS",
    "WEIGHTS_FILE",
    "WeightsDownloadError",
    "center_crop",
    "classify",
    "imagenet_backbone",
    "imagenet_class_index",
    "imagenet_class_names",
    "imagenet_preprocess",
    "install_keras_class_index",
    "keras_application",
    "keras_application_names",
    "mobilenet_v2",
    "weights_path",
]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
"""torchvision's per-channel ImageNet mean, for pixel values scaled to [0, 1]."""
IMAGENET_STD = (0.229, 0.224, 0.225)
"""torchvision's per-channel ImageNet standard deviation, for pixel values in [0, 1]."""

INVERTED_RESIDUAL_SETTING: tuple[tuple[int, int, int, int], ...] = (
    # t (expansion), c (output channels), n (repeats), s (stride of the first repeat)
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
"""MobileNetV2's inverted residual blocks (Sandler et al. 2018, Table 2), as in torchvision."""
NUM_BLOCKS = sum(n for _, _, n, _ in INVERTED_RESIDUAL_SETTING)
"""The number of inverted residual blocks, named ``block_0`` ... ``block_16``."""
LAST_CHANNELS = 1280
"""Channels of the last feature map (``out_relu``), what a transfer-learning head sees."""
MIN_SIZE = 32
"""The smallest image side MobileNetV2 takes: five stride-2 stages divide it by 32."""
TOTAL_PARAMS = 3_538_984
"""Parameters of MobileNetV2 with its 1000-class ImageNet classifier."""

WEIGHTS_FILE = "mobilenet_v2_imagenet.weights.h5"
"""The bundled weights in ``data/`` (its sha256 is in :data:`cnn_course.data.CHECKSUMS`)."""
CLASS_INDEX_FILE = "imagenet_class_index.json"
"""The bundled ImageNet class index in ``data/`` (sha256 in :data:`cnn_course.data.CHECKSUMS`)."""
CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"
"""The md5 Keras' ``decode_predictions`` demands of its class index (the bundled file has it;
``scripts/build_imagenet_classes.py`` checks it). The course verifies the file by sha256."""

_BN_EPSILON = 1e-5  # torchvision's BatchNorm2d default
_BN_MOMENTUM = 0.9  # torch momentum 0.1 = Keras momentum 0.9


# --------------------------------------------------------------------------------------
# The architecture
# --------------------------------------------------------------------------------------
def check_input_shape(
    input_shape: Any, channels: tuple[int, ...] = (3,)
) -> tuple[int | None, int | None, int]:
    """``(height, width, channels)`` for MobileNetV2: sides ``None`` or >= :data:`MIN_SIZE`.

    >>> check_input_shape((224, 224, 3)), check_input_shape((None, None, 3))
    ((224, 224, 3), (None, None, 3))
    >>> check_input_shape((28, 28, 3))
    Traceback (most recent call last):
    ...
    ValueError: MobileNetV2 needs images of at least 32×32 pixels (its five stride-2 stages \
divide the size by 32), got 28×28
    """
    if isinstance(input_shape, str) or not hasattr(input_shape, "__len__"):
        raise TypeError(f"the input shape must be (height, width, channels), got {input_shape!r}")
    if len(input_shape) != 3:
        raise ValueError(
            f"the input shape must be (height, width, channels), got {tuple(input_shape)!r}"
        )
    height, width, c = input_shape
    sides = [
        None if side is None else _checks.positive_int(side, "an image side (input_shape)")
        for side in (height, width)
    ]
    c = _checks.positive_int(c, "the number of channels (input_shape)")
    if c not in channels:
        raise ValueError(
            f"the image must have {' or '.join(map(str, channels))} channels "
            f"(the last number of the input shape), got {c}"
        )
    if any(side is not None and side < MIN_SIZE for side in sides):
        raise ValueError(
            f"MobileNetV2 needs images of at least {MIN_SIZE}×{MIN_SIZE} pixels "
            f"(its five stride-2 stages divide the size by 32), got {height}×{width}"
        )
    return sides[0], sides[1], c


def _conv_bn_relu(x, filters: int, kernel: int, stride: int, names: tuple[str, str, str]):
    layers = _lazy.keras().layers
    conv_name, bn_name, relu_name = names
    if stride == 2:
        x = layers.ZeroPadding2D(1, name=f"{conv_name}_pad")(x)
    padding = "valid" if stride == 2 or kernel == 1 else "same"
    x = layers.Conv2D(
        filters, kernel, strides=stride, padding=padding, use_bias=False, name=conv_name
    )(x)
    x = layers.BatchNormalization(epsilon=_BN_EPSILON, momentum=_BN_MOMENTUM, name=bn_name)(x)
    return layers.ReLU(max_value=6.0, name=relu_name)(x)


def _inverted_residual(x, c_in: int, c_out: int, stride: int, expansion: int, block: int):
    """torchvision's ``InvertedResidual``: expand 1x1, depthwise 3x3, project 1x1 (linear)."""
    layers = _lazy.keras().layers
    prefix = f"block_{block}_"
    shortcut = x
    hidden = int(round(c_in * expansion))
    if expansion != 1:
        x = _conv_bn_relu(
            x, hidden, 1, 1, (f"{prefix}expand", f"{prefix}expand_BN", f"{prefix}expand_relu")
        )
    if stride == 2:
        x = layers.ZeroPadding2D(1, name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(
        3,
        strides=stride,
        padding="valid" if stride == 2 else "same",
        use_bias=False,
        name=f"{prefix}depthwise",
    )(x)
    x = layers.BatchNormalization(
        epsilon=_BN_EPSILON, momentum=_BN_MOMENTUM, name=f"{prefix}depthwise_BN"
    )(x)
    x = layers.ReLU(max_value=6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(c_out, 1, use_bias=False, name=f"{prefix}project")(x)
    x = layers.BatchNormalization(
        epsilon=_BN_EPSILON, momentum=_BN_MOMENTUM, name=f"{prefix}project_BN"
    )(x)
    if stride == 1 and c_in == c_out:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def mobilenet_v2(
    include_top: bool = True,
    input_shape: tuple[int | None, int | None, int] = (224, 224, 3),
    classifier_activation: str | None = "softmax",
    name: str = "mobilenet_v2",
) -> keras.Model:
    """Build MobileNetV2 as torchvision defines it, with random weights.

    The layer names follow Keras' own MobileNetV2 (``Conv1``, ``block_1_expand``,
    ``block_1_depthwise``, ``block_1_project``, ..., ``Conv_1``, ``predictions``),
    except that the first inverted residual block is ``block_0`` rather than
    ``expanded_conv``. The model takes RGB images with pixel values in [0, 255]
    and normalises them itself (layer ``normalize``).

    Parameters
    ----------
    include_top : bool
        True: global average pooling, ``Dropout(0.2)`` and the 1000-class dense
        layer ``predictions``. False: the feature extractor, whose output is the
        last feature map (height/32, width/32, 1280).
    input_shape : tuple
        ``(height, width, 3)``, each side at least 32 (or ``None`` for any size).
    classifier_activation : str or None
        Activation of ``predictions``: ``"softmax"`` (probabilities) or ``None``
        (logits).
    name : str
        The model's name.

    Returns
    -------
    keras.Model
        Uncompiled.

    Examples
    --------
    >>> model = mobilenet_v2()
    >>> model.count_params()
    3538984
    >>> model.get_layer("out_relu").output.shape  # the last feature map: 224 / 32 = 7
    (None, 7, 7, 1280)
    """
    include_top = _checks.flag(include_top, "include_top")
    keras = _lazy.keras()
    layers = keras.layers
    input_shape = check_input_shape(input_shape)
    inputs = keras.Input(shape=input_shape, name="image")
    mean = 255.0 * np.asarray(IMAGENET_MEAN)
    std = 255.0 * np.asarray(IMAGENET_STD)
    x = layers.Normalization(mean=mean, variance=std**2, name="normalize")(inputs)
    x = _conv_bn_relu(x, 32, 3, 2, ("Conv1", "bn_Conv1", "Conv1_relu"))
    c_in, block = 32, 0
    for expansion, c_out, repeats, stride in INVERTED_RESIDUAL_SETTING:
        for i in range(repeats):
            x = _inverted_residual(x, c_in, c_out, stride if i == 0 else 1, expansion, block)
            c_in, block = c_out, block + 1
    x = _conv_bn_relu(x, LAST_CHANNELS, 1, 1, ("Conv_1", "Conv_1_bn", "out_relu"))
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.2, name="dropout")(x)
        x = layers.Dense(1000, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)


# --------------------------------------------------------------------------------------
# The bundled weights and class names
# --------------------------------------------------------------------------------------
def weights_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the bundled MobileNetV2 weights file after checking its sha256.

    Parameters
    ----------
    path : str or Path, optional
        Another copy of the file to check (by default ``data/`` + :data:`WEIGHTS_FILE`).

    Raises
    ------
    FileNotFoundError
        If the file is missing (with how to restore or rebuild it).
    ValueError
        If the file is corrupted: its sha256 differs from the one in
        :data:`cnn_course.data.CHECKSUMS`.

    Examples
    --------
    >>> weights_path().name
    'mobilenet_v2_imagenet.weights.h5'
    """
    path = data_dir() / WEIGHTS_FILE if path is None else Path(path)
    advice = (  # git checkout, the rebuild script, or a reinstall: as for every bundled file
        f"{_restore_advice(WEIGHTS_FILE)}; with internet, "
        "keras_application('MobileNetV2') downloads Keras' own ImageNet weights instead"
    )
    if not path.is_file():
        raise FileNotFoundError(f"the MobileNetV2 weights file {path} does not exist: {advice}")
    try:
        return verify_checksum(path, WEIGHTS_FILE)
    except ValueError as err:
        raise ValueError(
            f"the MobileNetV2 weights are unusable: {err} With internet, "
            "keras_application('MobileNetV2') downloads Keras' own ImageNet weights instead."
        ) from None


def imagenet_backbone(
    include_top: bool = True,
    input_shape: tuple[int | None, int | None, int] = (224, 224, 3),
    classifier_activation: str | None = "softmax",
    weights: str | os.PathLike[str] | None = None,
) -> keras.Model:
    """Return MobileNetV2 with its ImageNet weights, loaded from the bundled file.

    Every call builds a new model (about a second), so changing or training
    one never affects another.

    Parameters
    ----------
    include_top : bool
        True: the ImageNet classifier (1000 classes, 3,538,984 parameters).
        False: the feature extractor with the same weights, whose output is the
        last feature map (height/32, width/32, 1280) -- the backbone for transfer
        learning.
    input_shape : tuple
        ``(height, width, 3)``, pixel values in [0, 255]; any size from 32x32 up
        (ImageNet was trained at 224x224).
    classifier_activation : str or None
        ``"softmax"`` (probabilities) or ``None`` (logits); only with ``include_top``.
    weights : str or Path, optional
        Another copy of the weights file (default: the bundled one).

    Raises
    ------
    FileNotFoundError, ValueError
        If the weights file is missing or corrupted (see :func:`weights_path`).

    Examples
    --------
    >>> features = imagenet_backbone(include_top=False, input_shape=(96, 96, 3))
    >>> features.output.shape, features.count_params()
    ((None, 3, 3, 1280), 2257984)
    """
    include_top = _checks.flag(include_top, "include_top")
    path = weights_path(weights)
    model = mobilenet_v2(
        include_top=True, input_shape=input_shape, classifier_activation=classifier_activation
    )
    model.load_weights(path)
    if include_top:
        return model
    keras = _lazy.keras()
    return keras.Model(model.input, model.get_layer("out_relu").output, name="mobilenet_v2")


@functools.cache
def imagenet_class_index() -> dict[str, tuple[str, str]]:
    """Return ``{"0": ("n01440764", "tench"), ...}`` from ``data/imagenet_class_index.json``.

    The file is Keras' own class index (checked by its sha256 in
    :data:`cnn_course.data.CHECKSUMS`), rebuilt offline by
    ``scripts/build_imagenet_classes.py``. Read once, then kept.

    Examples
    --------
    >>> index = imagenet_class_index()
    >>> len(index), index["285"], index["967"]
    (1000, ('n02124075', 'Egyptian_cat'), ('n07920052', 'espresso'))
    """
    path = data_dir() / CLASS_INDEX_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"the ImageNet class names {path} do not exist: {_restore_advice(CLASS_INDEX_FILE)}"
        )
    data = verify_checksum(path, CLASS_INDEX_FILE).read_bytes()
    return {key: (wnid, name) for key, (wnid, name) in json.loads(data).items()}


def imagenet_class_names() -> tuple[str, ...]:
    """Return the 1000 ImageNet class names, by class index, as Keras spells them.

    Examples
    --------
    >>> names = imagenet_class_names()
    >>> names[:3], names[281], names[285]
    (('tench', 'goldfish', 'great_white_shark'), 'tabby', 'Egyptian_cat')
    """
    index = imagenet_class_index()
    return tuple(index[str(i)][1] for i in range(len(index)))


def _keras_home() -> Path:
    """The folder Keras' ``get_file`` caches into (``$KERAS_HOME`` as Keras read it)."""
    try:  # Keras reads $KERAS_HOME once, at import; ask it rather than the environment
        from keras.src.backend.config import keras_home

        home = keras_home()
    except ImportError:  # pragma: no cover - private API moved in another Keras version
        home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    home = Path(home).expanduser()
    try:  # Keras creates it when imported, too
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    if not os.access(home, os.W_OK):  # get_file's own fallback
        tmp = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
        home = Path(tmp) / ".keras"
    return home


def install_keras_class_index(keras_home: str | os.PathLike[str] | None = None) -> Path:
    """Put the bundled class index where Keras' ``decode_predictions`` looks for it.

    ``keras.applications.imagenet_utils.decode_predictions`` (and each
    application's ``decode_predictions``) downloads ``imagenet_class_index.json``
    into ``$KERAS_HOME/models/`` (default ``~/.keras/models/``) unless a file with
    Keras' md5 is already there. Copying the bundled file there makes the
    unmodified Keras function work offline. A file already in place is left alone
    if it is the bundled file (same sha256, so Keras' md5 too), replaced otherwise.

    Parameters
    ----------
    keras_home : str or Path, optional
        Keras' cache folder; by default the one Keras uses (``$KERAS_HOME`` as it
        was when Keras was imported, otherwise ``~/.keras``).

    Returns
    -------
    Path
        The installed file.
    """
    imagenet_class_index()  # checks the bundled file
    home = _keras_home() if keras_home is None else Path(keras_home).expanduser()
    target = home / "models" / CLASS_INDEX_FILE
    if target.is_file() and sha256sum(target) == CHECKSUMS[CLASS_INDEX_FILE]:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(data_dir() / CLASS_INDEX_FILE, target)
    return target


# --------------------------------------------------------------------------------------
# Classifying a photo
# --------------------------------------------------------------------------------------
def center_crop(image: Any, size: int) -> np.ndarray:
    """Cut the central ``size`` x ``size`` square out of an image (H, W, ...).

    Like torchvision's ``CenterCrop``, the top-left corner is
    ``round((H - size) / 2)``, ``round((W - size) / 2)``.

    Examples
    --------
    >>> image = np.arange(5 * 6).reshape(5, 6)
    >>> center_crop(image, 3)  # top round(1.0) = 1, left round(1.5) = 2 (round half to even)
    array([[ 8,  9, 10],
           [14, 15, 16],
           [20, 21, 22]])
    """
    size = _checks.positive_int(size, "the crop size")
    image = np.asarray(image)
    height, width = image.shape[:2]
    if size > min(height, width):
        raise ValueError(f"cannot crop {size}×{size} pixels out of a {height}×{width} image")
    top = int(round((height - size) / 2.0))
    left = int(round((width - size) / 2.0))
    return image[top : top + size, left : left + size]


def _as_rgb_image(image: Any) -> np.ndarray:
    """Check one image and return it as float32 (H, W, 3) with values in [0, 255]."""
    image = np.asarray(image)
    if image.ndim == 4:
        raise ValueError(
            f"classify takes one image (height, width, 3), got a batch of shape {image.shape}"
        )
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or image.shape[-1] not in (1, 3):
        hint = "; drop the alpha channel with image[..., :3]" if image.shape[-1:] == (4,) else ""
        raise ValueError(
            f"an image must have the shape (height, width, 3) (RGB) or (height, width) "
            f"(grayscale), got {image.shape}{hint}"
        )
    pixels = as_float_pixels(image)
    low, high = float(pixels.min()), float(pixels.max())
    if low < 0 or high > 255:
        raise ValueError(f"pixel values must lie in [0, 255], got values from {low:g} to {high:g}")
    if np.issubdtype(image.dtype, np.floating) and 0 < high <= 1:
        raise ValueError(
            "the image's values all lie in [0, 1]: it looks scaled to [0, 1] "
            "(e.g. by skimage.img_as_float), but the model expects pixel values in "
            "[0, 255] -- multiply it by 255"
        )
    if pixels.shape[-1] == 1:  # grayscale: the same gray in R, G and B
        pixels = np.repeat(pixels, 3, axis=-1)
    return pixels


def imagenet_preprocess(image: Any, resize: int = 256, crop: int = 224) -> np.ndarray:
    """Resize and centre-crop one photo the way torchvision evaluates ImageNet models.

    The shorter side is resized to ``resize`` pixels (aspect ratio kept, the
    longer side truncated to an integer as torchvision's ``Resize(256)``), with
    antialiased bilinear interpolation (``keras.ops.image.resize(...,
    antialias=True)``, close to what PIL does for torchvision), then the central
    ``crop`` x ``crop`` square is kept. Normalisation is left to the model.

    Parameters
    ----------
    image : array_like
        One RGB image (H, W, 3) of any size, ``uint8`` or float with pixel
        values in [0, 255]. A grayscale image (H, W) or (H, W, 1) is accepted:
        its gray is copied to the three channels.

    Returns
    -------
    np.ndarray
        float32 (crop, crop, 3), values in [0, 255].

    Raises
    ------
    ValueError
        For a batch, a wrong number of channels, values outside [0, 255], or a
        float image scaled to [0, 1].

    Examples
    --------
    >>> import skimage.data
    >>> cat = skimage.data.chelsea()
    >>> cat.shape, imagenet_preprocess(cat).shape
    ((300, 451, 3), (224, 224, 3))
    """
    resize = _checks.positive_int(resize, "resize (the shorter side, in pixels)")
    crop = _checks.positive_int(crop, "crop (the side of the centre square, in pixels)")
    if crop > resize:
        raise ValueError(f"cannot crop {crop}×{crop} pixels out of a shorter side of {resize}")
    keras = _lazy.keras()
    pixels = _as_rgb_image(image)
    height, width = pixels.shape[:2]
    if height <= width:
        size = (resize, int(resize * width / height))
    else:
        size = (int(resize * height / width), resize)
    resized = keras.ops.image.resize(
        pixels, size, interpolation="bilinear", antialias=True, data_format="channels_last"
    )
    resized = np.clip(keras.ops.convert_to_numpy(resized), 0.0, 255.0)
    return center_crop(resized, crop).astype(np.float32)


@functools.cache
def _classifier() -> keras.Model:
    """The pretrained ImageNet classifier :func:`classify` uses, built on first use."""
    return imagenet_backbone(include_top=True, classifier_activation="softmax")


def classify(image: Any, top: int = 5) -> list[tuple[str, float]]:
    """Return the ``top`` most probable ImageNet classes of one photo.

    The photo goes through :func:`imagenet_preprocess` (shorter side to 256
    pixels, centre crop 224x224) and the pretrained MobileNetV2
    (:func:`imagenet_backbone`, built once and kept for later calls); the
    probabilities are its softmax output.

    Parameters
    ----------
    image : array_like
        One RGB image (H, W, 3), ``uint8`` or float in [0, 255]; grayscale
        (H, W) is accepted (copied to the three channels).
    top : int
        How many classes to return, 1 to 1000.

    Returns
    -------
    list of (str, float)
        (class name as Keras spells it, probability in [0, 1]), most probable first.

    Examples
    --------
    >>> import skimage.data
    >>> [name for name, p in classify(skimage.data.coffee(), top=1)]
    ['espresso']
    """
    names = imagenet_class_names()
    top = _checks.integer(top, "top", minimum=1, maximum=len(names))
    pixels = imagenet_preprocess(image)
    keras = _lazy.keras()
    probs = keras.ops.convert_to_numpy(_classifier()(pixels[None], training=False))[0]
    order = np.argsort(probs)[::-1][:top]
    return [(names[i], float(probs[i])) for i in order]


# --------------------------------------------------------------------------------------
# Keras' own applications (they download their weights)
# --------------------------------------------------------------------------------------
class WeightsDownloadError(OSError):
    """Keras could not download pretrained weights (no internet): use the bundled model."""


def keras_application_names() -> tuple[str, ...]:
    """The model constructors in ``keras.applications`` (``"MobileNetV2"``, ``"VGG16"``, ...).

    Examples
    --------
    >>> names = keras_application_names()
    >>> "MobileNetV2" in names, "VGG16" in names, "vgg16" in names
    (True, True, False)
    """
    applications = _lazy.keras().applications
    return tuple(
        name
        for name in dir(applications)
        if name[:1].isupper() and callable(getattr(applications, name))
    )


def keras_application(name: str, **kwargs: Any) -> keras.Model:
    """Build ``keras.applications.<name>(weights="imagenet", **kwargs)``.

    This is the standard Keras path; it downloads the ImageNet weights on first
    use, so it needs internet (it works on Colab). Offline, use
    :func:`imagenet_backbone`, the bundled MobileNetV2.

    Parameters
    ----------
    name : str
        A constructor of ``keras.applications``, e.g. ``"MobileNetV2"``,
        ``"ResNet50"``, ``"VGG16"`` (see :func:`keras_application_names`).
    **kwargs
        Passed on (``include_top``, ``input_shape``, ``pooling``, ...).

    Raises
    ------
    ValueError
        If ``name`` is not a ``keras.applications`` model, or ``weights`` is given.
    WeightsDownloadError
        (a subclass of ``OSError``) if the weights cannot be downloaded.

    Examples
    --------
    >>> keras_application("MobileNetV5")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: keras.applications has no model called 'MobileNetV5'; choose one of ...
    """
    valid = keras_application_names()
    if name not in valid:
        raise ValueError(
            f"keras.applications has no model called {name!r}; choose one of {', '.join(valid)}"
        )
    if "weights" in kwargs:
        raise ValueError(
            "keras_application always loads the ImageNet weights; for random weights "
            f"call keras.applications.{name}(weights=None) directly"
        )
    constructor = getattr(_lazy.keras().applications, name)
    try:
        return constructor(weights="imagenet", **kwargs)
    except Exception as err:
        # keras.utils.get_file turns every network failure into a plain Exception
        # ("URL fetch failure on ..."); socket errors and timeouts are OSErrors.
        if type(err) is Exception or isinstance(err, OSError):
            raise WeightsDownloadError(
                f"Keras could not download the ImageNet weights of {name} ({err}). "
                "Without internet, use the bundled MobileNetV2: "
                "cnn_course.pretrained.imagenet_backbone()."
            ) from err
        raise
