"""Tests of cnn_course.transfer: the transfer-learning experiment of notebook 09."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course import imagenet, transfer
from cnn_course.data import load_fashion_mnist, subset


def test_regimes_are_the_transfer_model_regimes():
    assert list(transfer.REGIMES) == ["head", "top", "all", "random"]
    for fine_tune, weights in transfer.REGIMES.values():
        assert fine_tune in imagenet.FINE_TUNE_REGIMES and weights in ("imagenet", None)
    assert transfer.REGIMES["random"] == ("all", None)  # the baseline without transfer


def test_a_tiny_experiment_trains_and_scores_every_set_and_regime(capsys):
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    x, y = subset(x_train, y_train, 20, seed=0)
    xt, yt = subset(x_test, y_test, 30, seed=1)
    sets = {"small": (x[:10, ..., None], y[:10]), "larger": (x[..., None], y)}
    # the cheapest regime only (the others differ in transfer_model's arguments, tested there)
    results = transfer.transfer_experiment(sets, (xt[..., None], yt), ["head"], epochs=1)
    assert list(results) == [("small", "head"), ("larger", "head")]
    for (name, regime), run in results.items():
        assert (run.train_set, run.regime, run.train_images) == (name, regime, len(sets[name][0]))
        assert 0.0 <= run.train_accuracy <= 1.0 and run.seconds > 0
        # 30 test images: the accuracy is a whole number of them
        assert run.test_accuracy * 30 == pytest.approx(round(run.test_accuracy * 30), abs=1e-4)
    out, err = capsys.readouterr()
    assert " small   head: train accuracy" in out and "larger   head: train accuracy" in out
    assert "transfer learning" in err and "2/2" in err


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"regimes": []}, "give at least one regime"),
        ({"regimes": ["head", "everything"]}, "unknown regime 'everything'"),
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"train_sets": {}}, "at least one training set"),
        ({"train_sets": {"flat": (np.zeros((4, 784)), np.arange(4))}}, "training set 'flat'"),
        ({"test_set": (np.zeros((3, 28, 28, 1)), np.arange(2))}, "test set must be images"),
    ],
)
def test_bad_input_is_explained_before_anything_trains(kwargs, message):
    arguments = {
        "train_sets": {"ok": (np.zeros((4, 28, 28, 1)), np.arange(4))},
        "test_set": (np.zeros((2, 28, 28, 1)), np.arange(2)),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        transfer.transfer_experiment(**arguments)
