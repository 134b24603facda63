"""What does a convnet see? Filters, feature maps, maximum response, Deep Dream, Grad-CAM.

The last part of the lecture (seeds 001, 003, 004) opens trained networks up:

- "What do the filters learn?" -- the first-layer filters are small images
  (AlexNet: 96 filters of 11×11×3 — deck 003 prints 64; here MobileNetV2: 32 of 3×3×3) that
  look like oriented edges and opposing colours: :func:`first_layer_filters`;
- one filter gives one activation map: :func:`feature_maps` of layers picked
  from shallow to deep by :func:`shallow_to_deep_layers`;
- "Maximum response samples": the input that excites filter ``d`` of layer
  ``ℓ`` most, found by gradient ascent on the input (:func:`maximum_response`);
- "What if we build images that maximize the activation of a chosen class
  output?" (the "magpie"): :func:`class_maximisation`;
- "Deep Dream": jitter the image, enhance some layer activation at several
  scales, zoom in, repeat: :func:`deep_dream` and :func:`deep_dream_frames`;
- Grad-CAM (Selvaraju et al. 2017), which the decks do not show but which
  answers "where in *this* photo did the network see the class?":
  :func:`grad_cam`, :func:`upsample_heatmap`;
- Zeiler & Fergus's question, which pixels of a real image drove a unit:
  :func:`unit_gradient`.

One module per question: :mod:`~cnn_course.explain.features`,
:mod:`~cnn_course.explain.ascent`, :mod:`~cnn_course.explain.dream`,
:mod:`~cnn_course.explain.gradcam`; the model plumbing they share is private. The
figures are in :mod:`cnn_course.viz.explain`.

Every function works for any single-input Keras functional model and a layer
name (``model.summary()`` lists the names), returns NumPy arrays and is seeded.
Images are given in the units the model expects: ``input_range`` is ``(0, 255)``
for the course's MobileNetV2 (which normalises its input itself); pass e.g.
``(0, 1)`` for a model trained on images scaled to [0, 1]. The images these
functions make are returned as ``uint8`` RGB, ready for ``imshow``.

This package imports TensorFlow and Keras; ``import cnn_course`` does not.
"""

from __future__ import annotations

from cnn_course.explain._model import find_layer
from cnn_course.explain.ascent import class_maximisation, maximum_response, maximum_responses
from cnn_course.explain.dream import deep_dream, deep_dream_frames
from cnn_course.explain.features import (
    feature_maps,
    first_layer_filters,
    shallow_to_deep_layers,
    unit_gradient,
)
from cnn_course.explain.gradcam import grad_cam, last_conv_layer, upsample_heatmap

__all__ = [
    "class_maximisation",
    "deep_dream",
    "deep_dream_frames",
    "feature_maps",
    "find_layer",
    "first_layer_filters",
    "grad_cam",
    "last_conv_layer",
    "maximum_response",
    "maximum_responses",
    "shallow_to_deep_layers",
    "unit_gradient",
    "upsample_heatmap",
]
