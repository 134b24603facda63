"""Deep Dream (deck 004): enhance what some layers see in a photo, at several scales.

"Start from an image xₜ, offset the image by a random jitter, enhance some layer
activation at multiple scales, zoom in, repeat on the produced image xₜ₊₁."
:func:`deep_dream` is one dream (and, with ``zoom > 1``, one zoom and a second
dream); :func:`deep_dream_frames` repeats it frame after frame. The ascent step is
the one of :mod:`cnn_course.explain.ascent`, on ``Σ_ℓ w_ℓ mean(h_ℓ(x)²)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course import _checks
from cnn_course.explain import _model
from cnn_course.explain._model import PIXEL_RANGE, InputRange
from cnn_course.explain.ascent import ascend, ascent_step, check_step_settings
from cnn_course.runtime import progress_bar

__all__ = ["deep_dream", "deep_dream_frames"]

_MIN_OCTAVE = 8  # pixels: the smallest octave a dream may start from


def _dream_weights(layer_names: str | Sequence[str] | Mapping[str, float]) -> dict[str, float]:
    if isinstance(layer_names, Mapping):
        weights = {
            str(k): _checks.real(v, f"the weight of {k!r}", 0.0) for k, v in layer_names.items()
        }
        if not weights:
            raise ValueError("give at least one layer to enhance")
        return weights
    return {name: 1.0 for name in _model.layer_names(layer_names, "layer to enhance")}


def _zoom_in(frame: np.ndarray, zoom: float, input_range: InputRange) -> np.ndarray:
    """The next frame's start: the centre 1/zoom of ``frame`` (uint8) blown up to the full
    size again, in the model's input units."""
    x = _model.from_uint8(frame, input_range)
    height, width = x.shape[:2]
    crop_h, crop_w = max(1, round(height / zoom)), max(1, round(width / zoom))
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return _model.resize(x[top : top + crop_h, left : left + crop_w], (height, width))


def _octave_shapes(height: int, width: int, octaves: int, scale: float) -> list[tuple[int, int]]:
    """The image sizes of the octaves, smallest first."""
    return [
        (max(1, round(height / scale**k)), max(1, round(width / scale**k)))
        for k in range(octaves - 1, -1, -1)
    ]


def _dream_octaves(
    original: np.ndarray,
    step: Any,
    shapes: list[tuple[int, int]],
    rng: np.random.Generator,
    opts: dict[str, Any],
    bar: Any = None,
) -> np.ndarray:
    """Ascend at each octave, smallest first, re-injecting the detail lost by shrinking."""
    shrunk = _model.resize(original, shapes[0])
    x = shrunk
    for shape in shapes:
        x = _model.resize(x, shape)
        x, _ = ascend(step, x, 0, rng=rng, decay=0.0, blur_sigma=0.0, blur_every=1, bar=bar, **opts)
        # The image was dreamt from a blurry small copy: add back the detail of the
        # original at this size that the shrinking destroyed.
        x = x + (_model.resize(original, shape) - _model.resize(shrunk, shape))
        low, high = opts["input_range"]
        x = np.clip(x, low, high)
        shrunk = _model.resize(original, shape)
    return x


def deep_dream(
    model: keras.Model,
    image: Any,
    layer_names: str | Sequence[str] | Mapping[str, float],
    octaves: int = 3,
    octave_scale: float = 1.4,
    steps_per_octave: int = 10,
    step_size: float = 0.01,
    jitter: int = 8,
    zoom: float = 1.0,
    seed: int = 0,
    *,
    input_range: tuple[float, float] = PIXEL_RANGE,
    progress: bool = True,
) -> np.ndarray:
    """Deep Dream (deck 004): enhance what some layers see in a photo, at several scales.

    At each octave -- the image shrunk by ``octave_scale``, ``octaves - 1`` times,
    then enlarged step by step back to full size -- ``steps_per_octave`` gradient
    ascent steps raise ``Σ_ℓ w_ℓ mean(h_ℓ(x)²)`` (the squared L2 norm of each layer's
    activation per unit), each at the image shifted by a random ``jitter``; the
    details lost by shrinking are added back at each octave. Early layers dream
    strokes and textures, deep layers eyes, fur and animal faces.

    Parameters
    ----------
    model : keras.Model
    image : array_like
        One image (H, W, C) in the model's input units (``uint8`` for the course's
        MobileNetV2), any size if the chosen layers are convolutional.
    layer_names : str, sequence of str or dict
        The layers to enhance; a dict gives each layer a weight ``w_ℓ``.
    octaves : int
        Number of scales.
    octave_scale : float
        Size ratio between two octaves (> 1).
    steps_per_octave : int
    step_size : float
        ``γ`` as a fraction of the input range per step (the gradient is normalised).
    jitter : int
        Largest random shift in pixels at each step.
    zoom : float
        ≥ 1: the dream is then zoomed in by this factor (its centre 1/zoom enlarged to
        the full size) and dreamt on again -- the second frame of
        :func:`deep_dream_frames`. 1 (default): no zoom, one dream.
    seed : int
        Seeds the jitter: the same call gives the same image.
    input_range : (float, float)
        The pixel values the model expects.
    progress : bool
        Show a progress bar of the ascent steps.

    Returns
    -------
    np.ndarray
        ``uint8``, the same shape as ``image`` (the input range mapped to 0..255).

    Examples
    --------
    >>> keras.utils.set_random_seed(0)
    >>> inputs = keras.Input((None, None, 3))
    >>> x = keras.layers.Conv2D(4, 3, padding="same", name="conv1")(inputs)
    >>> model = keras.Model(inputs, x)
    >>> photo = np.random.default_rng(0).integers(0, 256, (40, 48, 3), dtype=np.uint8)
    >>> deep_dream(model, photo, "conv1", octaves=2, steps_per_octave=5).shape
    (40, 48, 3)
    """
    octaves = _checks.positive_int(octaves, "octaves")
    octave_scale = _checks.real(octave_scale, "octave_scale", 1.0, open_low=True)
    opts = check_step_settings(
        steps_per_octave, step_size, jitter, input_range, steps_name="steps_per_octave"
    )
    zoom = _checks.real(zoom, "zoom", 1.0)
    _checks.non_negative_int(seed, "seed")
    weights = _dream_weights(layer_names)
    taps = [(_model.find_layer(model, name).name, "output") for name in weights]
    arr = _model.as_image(image, _model.model_input(model)[1][2])
    _model.check_values_in_range(arr, opts["input_range"])
    height, width = arr.shape[:2]
    shapes = _octave_shapes(height, width, octaves, octave_scale)
    if min(shapes[0]) < _MIN_OCTAVE:
        raise ValueError(
            f"the smallest octave would be {shapes[0][0]}×{shapes[0][1]} pixels: use fewer "
            f"octaves or a smaller octave_scale for a {height}×{width} image"
        )
    names, factors = tuple(weights), tuple(weights.values())

    def objective(acts: Any, _: Any) -> Any:
        # Σ_ℓ w_ℓ mean(h_ℓ²): the squared L2 norm of each layer's activation divided by
        # its size, so that a large early layer does not drown a small deep one.
        acts = acts if isinstance(acts, (list, tuple)) else [acts]
        return tf.add_n(
            [w * tf.reduce_mean(tf.square(a)) for w, a in zip(factors, acts, strict=True)]
        )

    def build() -> Any:
        return ascent_step(_model.sub_model(model, taps, (None, None)), objective)

    step = _model.cached(model, ("dream", names, factors), build)

    def dream(x: np.ndarray, bar: Any) -> np.ndarray:
        # each dream starts from the seed, so that a zoomed second dream here is the
        # second frame of deep_dream_frames, bit for bit
        rng = np.random.default_rng(seed)
        return _model.to_uint8(_dream_octaves(x, step, shapes, rng, opts, bar), opts["input_range"])

    dreams = 1 if zoom == 1 else 2
    with progress_bar(dreams * len(shapes) * opts["steps"], "Deep Dream", enabled=progress) as bar:
        frame = dream(arr, bar)
        if dreams == 2:
            frame = dream(_zoom_in(frame, zoom, opts["input_range"]), bar)
    return frame


def deep_dream_frames(
    model: keras.Model,
    image: Any,
    layer_names: str | Sequence[str] | Mapping[str, float],
    frames: int = 3,
    zoom: float = 1.05,
    **settings: Any,
) -> np.ndarray:
    """Deep Dream as deck 004 tells it, frame after frame: dream, zoom in, repeat.

    Frame 0 is :func:`deep_dream` of the image; every next frame is the dream of the
    previous frame zoomed in by ``zoom`` (its centre 1/zoom cropped and enlarged).

    Parameters
    ----------
    model, image, layer_names
        As in :func:`deep_dream`.
    frames : int
        Number of frames.
    zoom : float
        Zoom factor between frames (≥ 1; 1 keeps dreaming on the same view).
    **settings
        The other keyword arguments of :func:`deep_dream` (``octaves``,
        ``steps_per_octave``, ``seed``, ``input_range``, ``progress``, ...), the same
        for every frame.

    Returns
    -------
    np.ndarray
        ``uint8`` (frames, H, W, C).

    Examples
    --------
    >>> inputs = keras.Input((None, None, 3))
    >>> model = keras.Model(inputs, keras.layers.Conv2D(4, 3, name="conv1")(inputs))
    >>> photo = np.random.default_rng(0).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    >>> deep_dream_frames(model, photo, "conv1", frames=2, octaves=1, steps_per_octave=2,
    ...                   progress=False).shape
    (2, 24, 32, 3)
    """
    frames = _checks.positive_int(frames, "frames")
    zoom = _checks.real(zoom, "zoom", 1.0)
    input_range = _model.check_range(settings.get("input_range", PIXEL_RANGE))
    out = [deep_dream(model, image, layer_names, **settings)]
    for _ in range(1, frames):
        start = _zoom_in(out[-1], zoom, input_range)
        out.append(deep_dream(model, start, layer_names, **settings))
    return np.stack(out)
