"""Tests of cnn_course.metrics: labels, the confusion matrix, boxes and masks, against plain
loops and pixel counting."""

from __future__ import annotations

import numpy as np
import pytest
import whole_numbers

from cnn_course import metrics


def test_confusion_matrix_against_a_loop():
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 5, 300)
    y_pred = np.where(rng.random(300) < 0.7, y_true, rng.integers(0, 5, 300))
    expected = np.zeros((5, 5), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        expected[t, p] += 1
    assert np.array_equal(metrics.confusion_matrix(y_true, y_pred), expected)
    one_hot = np.eye(5)[y_true]
    assert np.array_equal(metrics.confusion_matrix(one_hot, np.eye(5)[y_pred]), expected)


def test_confusion_matrix_rejects_bad_labels():
    with pytest.raises(ValueError, match="3 true labels and 2 predictions"):
        metrics.confusion_matrix([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="num_classes is 2"):
        metrics.confusion_matrix([0, 1, 2], [0, 1, 1], num_classes=2)
    with pytest.raises(ValueError, match="whole class numbers"):
        metrics.confusion_matrix([0.5], [0])
    with pytest.raises(ValueError, match=">= 0"):
        metrics.confusion_matrix([-1], [0])
    with pytest.raises(TypeError, match="must hold class numbers"):
        metrics.confusion_matrix(["cat"], [0])


def test_class_labels_from_labels_one_hot_and_scores():
    assert metrics.class_labels([2, 0, 1]).tolist() == [2, 0, 1]
    assert metrics.class_labels(np.eye(3)[[2, 0, 1]]).tolist() == [2, 0, 1]
    assert metrics.class_labels([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]]).tolist() == [1, 0]
    assert metrics.class_labels(np.array([3.0, 1.0])).dtype == np.int64
    with pytest.raises(ValueError, match=r"labels \(N,\) or scores \(N, classes\)"):
        metrics.class_labels(np.zeros((2, 2, 2)))


def test_confusion_matrix_num_classes_adds_empty_rows_and_columns():
    counts = metrics.confusion_matrix([0, 1], [0, 1], num_classes=4)
    assert counts.shape == (4, 4) and counts.sum() == 2 and counts[2:].sum() == 0


INTEGER_PARAMETERS = [
    ("confusion_matrix", {"y_true": [0, 1], "y_pred": [0, 1]}, "num_classes", "num_classes"),
    ("iou_per_class", {"y_true": [0, 1], "y_pred": [0, 1]}, "num_classes", "num_classes"),
]
test_integer_parameters_refuse_bools_and_floats, test_every_integer_parameter_is_listed = (
    whole_numbers.refusal_tests(metrics, INTEGER_PARAMETERS)
)


def test_summarise_seeds_against_numpy():
    values = [0.9907, 0.9902, 0.9905, 0.9902, 0.9898]
    summary = metrics.summarise_seeds(values)
    assert summary.values == tuple(values)
    assert summary.mean == pytest.approx(np.mean(values))
    assert summary.std == pytest.approx(np.std(values, ddof=1))
    assert (summary.low, summary.high) == (0.9898, 0.9907)
    assert metrics.summarise_seeds([0.5]).std == 0.0
    assert "5 seeds" in str(summary) and "1 seed)" in str(metrics.summarise_seeds([0.5]))
    with pytest.raises(ValueError, match="finite"):
        metrics.summarise_seeds([0.5, float("nan")])


def test_clearly_better_needs_the_worst_seed_above_the_others_best():
    assert metrics.clearly_better([3, 4], [1, 2])
    assert not metrics.clearly_better([1, 2], [3, 4])
    assert not metrics.clearly_better([2, 4], [1, 2])  # touching ranges: no verdict
    # a higher mean is not enough: one bad seed of a overlaps b
    assert np.mean([5, 5, 1.5]) > np.mean([1, 2, 2]) and not metrics.clearly_better(
        [5, 5, 1.5], [1, 2, 2]
    )


# --------------------------------------------------------------------------- boxes and masks


def _iou_by_counting(a, b, size=40):
    """Oracle: paint the two boxes on a pixel grid and count."""
    grid_a, grid_b = np.zeros((size, size), bool), np.zeros((size, size), bool)
    grid_a[a[0] : a[2], a[1] : a[3]] = True
    grid_b[b[0] : b[2], b[1] : b[3]] = True
    union = (grid_a | grid_b).sum()
    return (grid_a & grid_b).sum() / union if union else 0.0


def _random_box(rng, size=40):
    top, left = rng.integers(0, size - 1, 2)
    return [top, left, rng.integers(top, size + 1), rng.integers(left, size + 1)]


def test_box_iou_against_counting_pixels():
    rng = np.random.default_rng(0)
    a = np.array([_random_box(rng) for _ in range(300)])
    b = np.array([_random_box(rng) for _ in range(300)])
    expected = [_iou_by_counting(x, y) for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(metrics.box_iou(a, b), expected)
    table = metrics.box_iou(a[:5, None], b[None, :7])  # every pair, by broadcasting
    assert table.shape == (5, 7)
    np.testing.assert_allclose(table[3, 6], _iou_by_counting(a[3], b[6]))
    np.testing.assert_allclose(metrics.box_iou(a, a)[(a[:, 2] > a[:, 0]) & (a[:, 3] > a[:, 1])], 1)


def test_box_iou_refuses_what_is_not_a_box():
    with pytest.raises(ValueError, match=r"boxes \(top, left, bottom, right\)"):
        metrics.box_iou([0, 0, 1], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="bottom >= top"):
        metrics.box_iou([5, 0, 1, 1], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="NaN"):
        metrics.box_iou([0, 0, np.nan, 1], [0, 0, 1, 1])


def _nms_by_rescanning(boxes, scores, threshold):
    """Oracle: repeatedly take the best remaining box and delete what overlaps it."""
    left = list(np.argsort(-np.asarray(scores), kind="stable"))
    kept = []
    while left:
        best = left.pop(0)
        kept.append(best)
        left = [i for i in left if _iou_by_counting(boxes[best], boxes[i]) <= threshold]
    return kept


def test_non_max_suppression_against_rescanning():
    rng = np.random.default_rng(1)
    for _ in range(60):
        n = int(rng.integers(1, 15))
        boxes = []
        for _ in range(n):
            top, left = rng.integers(0, 30, 2)
            side = rng.integers(4, 10)
            boxes.append([top, left, top + side, left + side])
        scores = rng.random(n).round(1)  # with ties
        threshold = float(rng.choice([0.1, 0.3, 0.5, 0.7]))
        kept = metrics.non_max_suppression(boxes, scores, threshold)
        assert kept.tolist() == _nms_by_rescanning(boxes, scores, threshold)
    assert metrics.non_max_suppression([[0, 0, 2, 2]], [0.5]).tolist() == [0]
    with pytest.raises(ValueError, match="2 boxes and 1 scores"):
        metrics.non_max_suppression([[0, 0, 1, 1]] * 2, [0.5])


def test_detection_counts_match_each_object_once_by_score_and_class():
    truth, labels = [[0, 0, 10, 10], [20, 20, 30, 30]], [1, 2]
    # a perfect detector
    assert metrics.detection_counts(truth, [0.9, 0.8], labels, truth, labels) == (2, 0, 0)
    # the right place, the wrong class: a false positive and a miss
    assert metrics.detection_counts(truth[:1], [0.9], [5], truth, labels) == (0, 1, 2)
    # IoU 0.5 exactly counts (>=), just below does not
    half = [[0, 0, 10, 5]]  # 50 of 100: IoU 0.5
    assert metrics.detection_counts(half, [1.0], [1], truth, labels) == (1, 0, 1)
    assert metrics.detection_counts([[0, 0, 10, 4]], [1.0], [1], truth, labels) == (0, 1, 2)
    # the higher score takes the object, even if the lower one overlaps it better
    found = [[0, 0, 10, 10], [0, 1, 10, 11]]
    assert metrics.detection_counts(found, [0.2, 0.9], [1, 1], truth, labels) == (1, 1, 1)
    # nothing found, nothing there
    assert metrics.detection_counts([], [], [], truth, labels) == (0, 0, 2)
    assert metrics.detection_counts(truth, [0.5, 0.4], [1, 2], [], []) == (0, 2, 0)
    with pytest.raises(ValueError, match="2 boxes, 1 scores and 2 classes"):
        metrics.detection_counts(truth, [0.5], labels, truth, labels)


def test_iou_per_class_against_loops():
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 4, (3, 9, 9))
    guess = np.where(rng.random(truth.shape) < 0.6, truth, rng.integers(0, 4, truth.shape))
    got = metrics.iou_per_class(truth, guess, 6)
    for k in range(4):
        inter = np.sum((truth == k) & (guess == k))
        assert got[k] == inter / np.sum((truth == k) | (guess == k))
    assert np.isnan(got[4:]).all()  # classes 4 and 5 appear nowhere
    with pytest.raises(ValueError, match="same shape"):
        metrics.iou_per_class(truth, guess[0], 4)
