"""Exercises of notebook 12 · Beyond classification."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from cnn_course import metrics, runtime, shapes
from cnn_course.data import digit_scenes, load_mnist
from cnn_course.exercises._core import (
    Env,
    WrongAnswer,
    answer,
    call,
    case_rng,
    exercise,
    expect_int,
    expect_real,
    forbid,
    function,
    run_model,
    shape_text,
)

__all__ = [
    "EXERCISES",
    "SEGMENTER_CANVASES",
    "SEGMENTER_TARGET",
    "SEGMENTER_TARGET_QUICK",
]

#: Exercise 12.4: at least this mean IoU over the 11 classes on canvases of MNIST test
#: digits, after training on the notebook's full-mode canvases (the notebook's U-Net stays
#: below it; two more epochs of it reach it) ...
SEGMENTER_TARGET = 0.65
#: ... or this one after quick mode's few steps, which teach where the ink is but hardly
#: which digit it is: above labelling everything background (0.088 on these canvases).
SEGMENTER_TARGET_QUICK = 0.09
#: The canvases the check measures on: MNIST test digits, two per 48×48 canvas, 14 to 20
#: pixels, like the notebook's segmentation canvases (a seed of their own).
_SIDE = 48
SEGMENTER_CANVASES = {"n": 300, "size": _SIDE, "count": 2, "sides": (14, 20), "seed": 12}


def _box_pairs(rng: np.random.Generator, count: int) -> list[tuple[list[int], list[int]]]:
    """Pairs of boxes: overlapping, nested, identical, touching, apart, then random ones."""
    cases = [
        ([0, 0, 10, 10], [0, 5, 10, 15]),  # half of each: 50 / 150
        ([2, 3, 12, 9], [4, 1, 8, 20]),  # a cross: neither corner inside the other
    ]
    if count > 2:
        cases += [
            ([0, 0, 20, 20], [5, 5, 10, 10]),  # one inside the other
            ([3, 4, 9, 7], [3, 4, 9, 7]),  # the same box
            ([0, 0, 5, 5], [0, 5, 5, 10]),  # touching along an edge
            ([0, 0, 5, 5], [10, 10, 12, 12]),  # far apart (negative overlaps)
            ([10, 10, 12, 12], [0, 0, 5, 5]),  # ... the other way round
            ([0, 0, 5, 5], [2, 9, 4, 12]),  # apart in columns only
        ]
    for _ in range(count):
        boxes = []
        for _ in range(2):
            top, left = (int(v) for v in rng.integers(0, 40, 2))
            height, width = (int(v) for v in rng.integers(1, 25, 2))
            boxes.append([top, left, top + height, left + width])
        cases.append((boxes[0], boxes[1]))
    return cases


@exercise(
    "implement",
    title="the IoU of two boxes",
    slide="deck 003, Image Classification (a regression branch: object detection)",
    hint="the intersection runs from the larger top to the smaller bottom (and the larger left "
    "to the smaller right); when that length is negative the boxes do not overlap: clip it at "
    "0. The union is the two areas minus the intersection, counted twice otherwise.",
    hidden=True,
    answers=("my_iou",),
)
def ex12_1(env: Env, hidden: bool) -> None:
    iou = function(env, "my_iou")
    forbid(iou, ["box_iou", "jaccard"], "the IoU")
    rng = case_rng(hidden)
    for number, (a, b) in enumerate(_box_pairs(rng, 30 if hidden else 2), start=1):
        case = f"case {number}, boxes {a} and {b}"
        got = call(iou, np.array(a), np.array(b), case=case)
        expect_real(got, float(metrics.box_iou(a, b)), f"the IoU of {case}", rel=1e-6)


def _nms_cases(rng: np.random.Generator, count: int) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """``(boxes, scores, iou_threshold)``: a worked case, a tie at the threshold, an overlap with
    an earlier kept box, then random ones."""
    cases = [
        (
            np.array([[0, 0, 10, 10], [1, 1, 11, 11], [0, 20, 10, 30], [0, 2, 10, 12]]),
            np.array([0.9, 0.8, 0.7, 0.95]),
            0.5,
        ),
        (  # IoU exactly 0.5 (50 of 100) is kept: only "above" the threshold suppresses
            np.array([[0, 0, 10, 10], [0, 0, 10, 5], [0, 0, 10, 4], [20, 0, 30, 10]]),
            np.array([0.6, 0.5, 0.4, 0.8]),
            0.5,
        ),
        (  # the third box overlaps the first, not the second (the last kept): suppressed
            np.array([[0, 0, 10, 10], [30, 30, 40, 40], [1, 0, 11, 10]]),
            np.array([0.9, 0.8, 0.7]),
            0.5,
        ),
    ]
    if count > 3:
        cases += [
            (np.array([[0, 0, 4, 4]]), np.array([0.3]), 0.5),  # a single box
            # a chain: 1 overlaps 0 and 2, 0 and 2 do not overlap: 0 and 2 kept
            (np.array([[0, 0, 10, 10], [0, 4, 10, 14], [0, 8, 10, 18]]), np.array([3, 2, 1]), 0.3),
        ]
    for _ in range(count):
        n = int(rng.integers(2, 16))
        corners = rng.integers(0, 30, (n, 2))
        sides = rng.integers(4, 12, (n, 1))
        boxes = np.hstack([corners, corners + sides])
        scores = rng.random(n).round(2)
        cases.append((boxes, scores, float(rng.choice([0.2, 0.3, 0.5, 0.7]))))
    return cases


@exercise(
    "implement",
    title="non-max suppression",
    slide="deck 003, Beyond Classification (detection)",
    hint="go through the boxes from the highest score down (np.argsort(-scores)); keep a box "
    "unless its IoU with one of the boxes *already kept* is above the threshold; return the "
    "kept indices in the order you kept them.",
    hidden=True,
    answers=("my_nms",),
)
def ex12_2(env: Env, hidden: bool) -> None:
    nms = function(env, "my_nms")
    forbid(nms, ["non_max_suppression", "nms_"], "non-max suppression")
    rng = case_rng(hidden)
    for number, (boxes, scores, threshold) in enumerate(
        _nms_cases(rng, 30 if hidden else 0), start=1
    ):
        case = f"case {number} ({len(boxes)} boxes, iou_threshold={threshold})"
        got = call(nms, boxes, scores, threshold, case=case)
        right = metrics.non_max_suppression(boxes, scores, threshold).tolist()
        try:
            mine = [int(i) for i in np.asarray(got).reshape(-1)]
            exact = np.array_equal(np.asarray(got, dtype=float).reshape(-1), mine)
        except (TypeError, ValueError):
            raise WrongAnswer(
                f"{case}: return the indices of the boxes you keep (a list of whole numbers), "
                f"got {type(got).__name__}."
            ) from None
        if not exact or np.asarray(got).ndim != 1:
            raise WrongAnswer(
                f"{case}: return the indices of the boxes you keep, a flat list of whole "
                f"numbers; got {shape_text(np.asarray(got))} values."
            )
        if mine != right:
            raise WrongAnswer(f"{case}: you keep boxes {mine}, the right ones are {right}.")


@exercise(
    "compute",
    title="the output size of a transposed convolution",
    slide="deck 003, Beyond Classification (segmentation)",
    hint="with padding p the output is (n − 1)·s − 2p + f (+ output_padding). Keras' "
    '"valid" is p = 0 and, without output_padding, never less than (n − 1)·s + s; '
    '"same" with output_padding given is p = f // 2.',
    answers=("my_valid", "my_same"),
)
def ex12_3(env: Env, hidden: bool) -> None:
    expect_int(
        answer(env, "my_valid"),
        shapes.transposed_conv_output_size(16, 3, 2, "valid"),
        'the output side of Conv2DTranspose(8, 3, strides=2, padding="valid") on 16×16',
    )
    expect_int(
        answer(env, "my_same"),
        shapes.transposed_conv_output_size(16, 3, 2, "same", output_padding=0),
        'the output side of Conv2DTranspose(8, 3, strides=2, padding="same", '
        "output_padding=0) on 16×16",
    )


def _segmenter(model: Any) -> None:
    """Raise :class:`WrongAnswer` unless ``model`` is a Keras model labelling every pixel."""
    if not isinstance(model, keras.Model):
        kind = type(model).__name__
        raise WrongAnswer(f"`my_segmenter` should be a Keras model, got {kind}.")
    try:
        inputs, outputs = model.input_shape, model.output_shape
    except (AttributeError, ValueError):
        raise WrongAnswer(
            f"`my_segmenter` is not built: start it with keras.Input(shape=({_SIDE}, {_SIDE}, 1))."
        ) from None
    fits = isinstance(inputs, tuple) and len(inputs) == 4 and inputs[3] == 1
    fits = fits and all(d is None or d == _SIDE for d in inputs[1:3])
    if not fits:
        raise WrongAnswer(
            f"`my_segmenter` takes inputs of shape {inputs}; the canvases are {_SIDE}×{_SIDE}×1."
        )
    if not (isinstance(outputs, tuple) and len(outputs) == 4 and outputs[3] == 11):
        raise WrongAnswer(
            f"`my_segmenter` outputs {outputs}; it should give 11 probabilities (the "
            f"background and the ten digits) for every pixel: (None, {_SIDE}, {_SIDE}, 11)."
        )


@exercise(
    "experiment",
    title="a U-Net to a mean IoU",
    slide="deck 003, Beyond Classification (segmentation)",
    hint="the notebook's U-Net stops short of the target: train it longer (a copy of it, "
    "keras.models.clone_model then set_weights, with fit_segmenter), on more canvases, or "
    "wider (filters=); compare the choices on seg_val. Pixels divided by 255, the masks as "
    "labels.",
    answers=("my_segmenter",),
)
def ex12_4(env: Env, hidden: bool) -> None:
    model = answer(env, "my_segmenter")
    _segmenter(model)
    _, (x_test, y_test) = load_mnist()
    scenes = digit_scenes(x_test, y_test, **SEGMENTER_CANVASES)
    canvases = scenes.images[..., None] / 255.0
    probs = run_model(
        "my_segmenter",
        "label the canvases",
        lambda: model.predict(canvases, batch_size=100, verbose=0),
    )
    probs = np.asarray(probs)
    if probs.shape != (*scenes.masks.shape, 11):
        raise WrongAnswer(
            f"`my_segmenter` gives {shape_text(probs)} outputs for "
            f"{len(scenes)} canvases of {_SIDE}×{_SIDE}; it should give "
            f"{len(scenes)}×{_SIDE}×{_SIDE}×11."
        )
    mean_iou = float(np.nanmean(metrics.iou_per_class(scenes.masks, probs.argmax(-1), 11)))
    quick = runtime.quick_mode()
    target = SEGMENTER_TARGET_QUICK if quick else SEGMENTER_TARGET
    if not mean_iou >= target:
        trained_on = "quick mode's canvases" if quick else "the full-mode canvases"
        raise WrongAnswer(
            f"`my_segmenter` ({model.count_params():,} parameters) reaches a mean IoU of "
            f"{mean_iou:.3f} over the 11 classes on {len(scenes)} canvases of MNIST test "
            f"digits; the target after training on {trained_on} is {target:.2f}."
        )


EXERCISES = (ex12_1, ex12_2, ex12_3, ex12_4)
