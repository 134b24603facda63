"""Tests of cnn_course.metrics: class labels and the confusion matrix, against plain loops."""

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


def test_clearly_better_needs_every_seed_above_every_other():
    assert metrics.clearly_better([3, 4], [1, 2])
    assert not metrics.clearly_better([1, 2], [3, 4])
    assert not metrics.clearly_better([2, 4], [1, 2])  # touching ranges: no verdict
    # a higher mean is not enough: one bad seed of a overlaps b
    assert np.mean([5, 5, 1.5]) > np.mean([1, 2, 2]) and not metrics.clearly_better(
        [5, 5, 1.5], [1, 2, 2]
    )
